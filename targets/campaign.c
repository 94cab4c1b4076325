/* SPDX-License-Identifier: MIT */
/*
 * targets/campaign.c - `zonefuzz fuzz`: a fuzzing campaign on one machine.
 *
 *   zonefuzz fuzz --engine libfuzzer|afl --target T --jobs N --time D
 *                 [--dir DIR] [--bug B11]... [--seed-corpus|--empty] ...
 *
 * Builds the engine's binaries if they are missing (cmake presets
 * fuzz-libfuzzer / fuzz-afl / fuzz-afl-cmplog), then runs N workers:
 * libFuzzer as one -fork=N parent (crash-resistant, merges new units into
 * DIR/corpus), AFL++ as one -M main and N-1 -S secondaries on one sync
 * directory, one of them CMPLOG (ecosystem notes §1.5, §1.6, §2.3).
 *
 * Everything lives in DIR: corpus/ (the merged, minimised corpus),
 * findings/ (every crashing input with a FILE.meta.json sidecar that
 * `zonefuzz triage` reads: engine, target, bugs, time found, the assertion
 * line), logs/, afl/ (AFL++'s sync directory) and campaign.json, rewritten
 * atomically every few seconds. A campaign killed with SIGKILL resumes from
 * DIR: the time already spent is in campaign.json, the corpus and findings
 * are on disk, AFL++ restarts with -i - (AFL_AUTORESUME=1), and workers of
 * the killed run are stopped first (by their recorded process group, after
 * checking that the process is still a fuzz_<target>).
 *
 * Ctrl-C / SIGTERM: the workers' process groups get SIGTERM (then SIGKILL
 * after 10 s), the corpus is merged and minimised (libFuzzer -merge=1,
 * afl-cmin) and the summary printed.
 */
#define _GNU_SOURCE
#include "campaign.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

#include <cjson/cJSON.h>

#include "campaign_util.h"
#include "decoder.h"
#include "zonefuzz/machine.h"

#define CAMPAIGN_MAX_WORKERS  64
#define CAMPAIGN_MAX_FINDINGS 4096

enum engine { ENGINE_LIBFUZZER = 0, ENGINE_AFL };

struct worker {
	pid_t pid; /* also its process group */
	char name[32];
	bool running;
};

struct campaign {
	/* options */
	enum engine engine;
	enum zf_target_kind target;
	unsigned int jobs;
	long budget_s;   /* --time: total fuzzing time of the campaign */
	long interval_s; /* --status-interval */
	bool empty;      /* --empty: start without the seed corpus */
	bool no_build;   /* --no-build */
	bool stop_on_finding;
	bool diff; /* --diff: only findings the planted bugs cause (ZF_FUZZ_DIFF) */
	bool ignore_known;
	bool quiet;
	uint32_t bugs;
	char bugs_str[128];
	char oracles[256];
	char dir[ZF_CU_PATH];
	char src[ZF_CU_PATH];
	char build_dir[ZF_CU_PATH];
	char cmplog_dir[ZF_CU_PATH];
	/* state */
	long elapsed_before; /* seconds spent by earlier runs of this campaign */
	long frozen;         /* elapsed when the workers stopped (merging is not fuzzing), -1 */
	time_t started;      /* this run */
	unsigned int nr_workers;
	struct worker w[CAMPAIGN_MAX_WORKERS];
	unsigned long nr_findings;
	char *seen[CAMPAIGN_MAX_FINDINGS]; /* names in findings/ already described */
	size_t nr_seen;
	/* last progress numbers */
	double execs_per_s;
	unsigned long long execs;
	unsigned long cov, ft;
	double bitmap_cvg;
	unsigned long edges;
	unsigned long corpus;
};

/* signals: the handler only sets a flag; the main loop acts on it */
static volatile sig_atomic_t campaign_stop;

static void on_signal(int sig)
{
	(void)sig;
	campaign_stop = 1;
}

static const char *engine_name(enum engine e)
{
	return e == ENGINE_AFL ? "afl" : "libfuzzer";
}

static const char *engine_display(enum engine e)
{
	return e == ENGINE_AFL ? "AFL++" : "libFuzzer";
}

static long now_elapsed(const struct campaign *c)
{
	if (c->frozen >= 0)
		return c->frozen;
	return c->elapsed_before + (long)(time(NULL) - c->started);
}

/* ------------------------------------------------------------------ */
/* children                                                             */
/* ------------------------------------------------------------------ */

/*
 * fork+exec rather than posix_spawn: the child needs its own process group
 * (Ctrl-C reaches only us; we stop the whole group, libFuzzer's fork-mode
 * children included) and, on Linux, a parent-death signal, so a campaign
 * killed with SIGKILL does not leave workers behind.
 */
static pid_t spawn_worker(char *const argv[], const char *log, const char *cwd)
{
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		setpgid(0, 0);
#ifdef __linux__
		prctl(PR_SET_PDEATHSIG, SIGTERM);
#endif
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		if (cwd && chdir(cwd))
			_exit(127);
		execvp(argv[0], argv);
		_exit(127);
	}
	setpgid(pid, pid); /* both sides, whichever runs first */
	return pid;
}

/* Run a helper to completion (build, merge, cmin), output to log. Exit status. */
static int run_helper(char *const argv[], const char *log, const char *cwd)
{
	pid_t pid = spawn_worker(argv, log, cwd);
	int st;

	if (pid < 0)
		return -1;
	while (waitpid(pid, &st, 0) < 0) {
		if (errno != EINTR)
			return -1;
		if (campaign_stop)
			kill(-pid, SIGTERM);
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static void reap_workers(struct campaign *c)
{
	for (unsigned int i = 0; i < c->nr_workers; i++) {
		int st;
		if (c->w[i].running && waitpid(c->w[i].pid, &st, WNOHANG) == c->w[i].pid)
			c->w[i].running = false;
	}
}

static unsigned int workers_running(const struct campaign *c)
{
	unsigned int n = 0;
	for (unsigned int i = 0; i < c->nr_workers; i++)
		n += c->w[i].running;
	return n;
}

static void stop_workers(struct campaign *c)
{
	for (unsigned int i = 0; i < c->nr_workers; i++)
		if (c->w[i].running)
			kill(-c->w[i].pid, SIGTERM);
	for (int t = 0; t < 100 && workers_running(c); t++) {
		struct timespec ts = {0, 100 * 1000 * 1000};
		nanosleep(&ts, NULL);
		reap_workers(c);
	}
	for (unsigned int i = 0; i < c->nr_workers; i++) {
		if (c->w[i].running) {
			kill(-c->w[i].pid, SIGKILL);
			waitpid(c->w[i].pid, NULL, 0);
			c->w[i].running = false;
		}
	}
}

/* A worker recorded by an earlier (killed) run: stop its group if it is still ours. */
static void stop_stale_worker(const struct campaign *c, pid_t pid)
{
	char p[64], cmd[4096];
	char want[64];
	FILE *f;
	size_t n;

	if (pid <= 1)
		return;
	snprintf(p, sizeof(p), "/proc/%ld/cmdline", (long)pid);
	f = fopen(p, "r");
	if (!f)
		return;
	n = fread(cmd, 1, sizeof(cmd) - 1, f);
	fclose(f);
	cmd[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!cmd[i])
			cmd[i] = ' ';
	snprintf(want, sizeof(want), "fuzz_%s", zf_target_name(c->target));
	if (!strstr(cmd, want) || !strstr(cmd, c->dir))
		return; /* the pid was reused by something else: leave it alone */
	if (getpgid(pid) == pid) {
		fprintf(stderr, "zonefuzz fuzz: stopping worker %ld left by an earlier run\n",
			(long)pid);
		kill(-pid, SIGTERM);
		sleep(1);
		kill(-pid, SIGKILL);
	}
}

/* ------------------------------------------------------------------ */
/* campaign.json                                                        */
/* ------------------------------------------------------------------ */
static void campaign_path(const struct campaign *c, char *buf, size_t len, const char *rel)
{
	zf_cu_pathf(buf, len, "%s/%s", c->dir, rel);
}

static int write_state(struct campaign *c, const char *status)
{
	char p[ZF_CU_PATH];
	cJSON *o = cJSON_CreateObject();
	cJSON *ws;
	char *txt;
	int rc;

	if (!o)
		return -1;
	cJSON_AddStringToObject(o, "schema", "zonefuzz.campaign/1");
	cJSON_AddStringToObject(o, "engine", engine_display(c->engine));
	cJSON_AddStringToObject(o, "engine_id", engine_name(c->engine));
	cJSON_AddStringToObject(o, "target", zf_target_name(c->target));
	cJSON_AddStringToObject(o, "bugs", c->bugs_str);
	cJSON_AddStringToObject(o, "oracles", c->oracles[0] ? c->oracles : "all");
	cJSON_AddBoolToObject(o, "diff", c->diff);
	cJSON_AddNumberToObject(o, "jobs", c->jobs);
	cJSON_AddNumberToObject(o, "time_budget_s", (double)c->budget_s);
	cJSON_AddNumberToObject(o, "elapsed_s", (double)now_elapsed(c));
	cJSON_AddStringToObject(o, "status", status);
	cJSON_AddNumberToObject(o, "findings", (double)c->nr_findings);
	cJSON_AddNumberToObject(o, "corpus", (double)c->corpus);
	cJSON_AddNumberToObject(o, "execs", (double)c->execs);
	cJSON_AddNumberToObject(o, "execs_per_s", c->execs_per_s);
	if (c->engine == ENGINE_LIBFUZZER) {
		cJSON_AddNumberToObject(o, "cov", (double)c->cov);
		cJSON_AddNumberToObject(o, "ft", (double)c->ft);
	} else {
		cJSON_AddNumberToObject(o, "bitmap_cvg", c->bitmap_cvg);
		cJSON_AddNumberToObject(o, "edges_found", (double)c->edges);
	}
	ws = cJSON_AddArrayToObject(o, "workers");
	for (unsigned int i = 0; ws && i < c->nr_workers; i++) {
		cJSON *w = cJSON_CreateObject();
		if (!w)
			break;
		cJSON_AddStringToObject(w, "name", c->w[i].name);
		cJSON_AddNumberToObject(w, "pgid", c->w[i].running ? c->w[i].pid : 0);
		cJSON_AddItemToArray(ws, w);
	}
	txt = cJSON_Print(o);
	cJSON_Delete(o);
	if (!txt)
		return -1;
	campaign_path(c, p, sizeof(p), "campaign.json");
	rc = zf_cu_write_atomic(p, txt, strlen(txt));
	free(txt);
	return rc;
}

/* Load an earlier run's state; 0 (none or loaded), 2 on a mismatch. */
static int load_state(struct campaign *c)
{
	char p[ZF_CU_PATH];
	size_t len;
	cJSON *o;

	campaign_path(c, p, sizeof(p), "campaign.json");
	char *txt = (char *)zf_cu_read_file(p, &len);
	if (!txt)
		return 0;
	o = cJSON_ParseWithLength(txt, len);
	free(txt);
	if (!o)
		return zf_cu_fail("fuzz", "%s: not JSON (remove it to start over)", p);
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(o, "engine_id");
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "target");
	const cJSON *b = cJSON_GetObjectItemCaseSensitive(o, "bugs");
	const cJSON *el = cJSON_GetObjectItemCaseSensitive(o, "elapsed_s");
	const cJSON *ws = cJSON_GetObjectItemCaseSensitive(o, "workers");
	const cJSON *nf = cJSON_GetObjectItemCaseSensitive(o, "findings");
	int rc = 0;
	if (cJSON_IsString(e) && strcmp(e->valuestring, engine_name(c->engine)))
		rc = zf_cu_fail("fuzz", "%s was a %s campaign; this is --engine %s", c->dir,
				e->valuestring, engine_name(c->engine));
	else if (cJSON_IsString(t) && strcmp(t->valuestring, zf_target_name(c->target)))
		rc = zf_cu_fail("fuzz", "%s was a campaign on target %s, not %s", c->dir,
				t->valuestring, zf_target_name(c->target));
	else if (cJSON_IsString(b) && strcmp(b->valuestring, c->bugs_str))
		rc = zf_cu_fail("fuzz", "%s was run with bugs \"%s\", not \"%s\"", c->dir,
				b->valuestring, c->bugs_str);
	if (!rc) {
		if (cJSON_IsNumber(el))
			c->elapsed_before = (long)el->valuedouble;
		if (cJSON_IsNumber(nf))
			c->nr_findings = 0; /* recounted from findings/ */
		const cJSON *w;
		cJSON_ArrayForEach(w, ws)
		{
			const cJSON *pg = cJSON_GetObjectItemCaseSensitive(w, "pgid");
			if (cJSON_IsNumber(pg))
				stop_stale_worker(c, (pid_t)pg->valuedouble);
		}
		if (!c->quiet)
			printf("zonefuzz fuzz: resuming %s: %lds of %lds already done\n", c->dir,
			       c->elapsed_before, c->budget_s);
	}
	cJSON_Delete(o);
	return rc;
}

/* ------------------------------------------------------------------ */
/* build                                                                */
/* ------------------------------------------------------------------ */
static bool have_binary(const char *bdir, enum zf_target_kind t)
{
	char p[ZF_CU_PATH];
	zf_cu_pathf(p, sizeof(p), "%s/bin/fuzz_%s", bdir, zf_target_name(t));
	return access(p, X_OK) == 0;
}

static int build_preset(struct campaign *c, const char *preset)
{
	char log[ZF_CU_PATH], target[64];
	char *conf[] = {"cmake", "--preset", (char *)preset, NULL};
	char *bld[] = {"cmake", "--build", "--preset", (char *)preset, "--target", target, NULL};

	snprintf(target, sizeof(target), "fuzz_%s", zf_target_name(c->target));
	campaign_path(c, log, sizeof(log), "logs/build.log");
	if (!c->quiet)
		printf("zonefuzz fuzz: building %s (cmake --preset %s; log %s)\n", target, preset,
		       log);
	if (run_helper(conf, log, c->src) != 0 || run_helper(bld, log, c->src) != 0)
		return zf_cu_fail("fuzz", "building %s with preset %s failed (see %s)", target,
				  preset, log);
	return 0;
}

static int ensure_binaries(struct campaign *c)
{
	if (c->engine == ENGINE_LIBFUZZER) {
		if (!c->build_dir[0])
			zf_cu_pathf(c->build_dir, sizeof(c->build_dir), "%s/build-fuzz", c->src);
		if (!have_binary(c->build_dir, c->target)) {
			if (c->no_build)
				return zf_cu_fail("fuzz", "%s/bin/fuzz_%s missing (--no-build)",
						  c->build_dir, zf_target_name(c->target));
			if (build_preset(c, "fuzz-libfuzzer"))
				return 2;
		}
		return 0;
	}
	if (!c->build_dir[0])
		zf_cu_pathf(c->build_dir, sizeof(c->build_dir), "%s/build-afl", c->src);
	if (!c->cmplog_dir[0])
		zf_cu_pathf(c->cmplog_dir, sizeof(c->cmplog_dir), "%s/build-afl-cmplog", c->src);
	if (!have_binary(c->build_dir, c->target)) {
		if (c->no_build)
			return zf_cu_fail("fuzz", "%s/bin/fuzz_%s missing (--no-build)",
					  c->build_dir, zf_target_name(c->target));
		if (build_preset(c, "fuzz-afl"))
			return 2;
	}
	if (!have_binary(c->cmplog_dir, c->target) && !c->no_build &&
	    build_preset(c, "fuzz-afl-cmplog"))
		return 2;
	return 0;
}

/* ------------------------------------------------------------------ */
/* workers                                                              */
/* ------------------------------------------------------------------ */

/* max_len from corpus/<t>/fuzz_<t>.options ([libfuzzer] max_len = N); 0 if none */
static unsigned long options_max_len(const struct campaign *c)
{
	char p[ZF_CU_PATH];
	size_t len;
	unsigned long v = 0;

	zf_cu_pathf(p, sizeof(p), "%s/corpus/%s/fuzz_%s.options", c->src, zf_target_name(c->target),
		    zf_target_name(c->target));
	char *txt = (char *)zf_cu_read_file(p, &len);
	if (!txt)
		return 0;
	const char *m = strstr(txt, "max_len");
	if (m && (m = strchr(m, '=')))
		v = strtoul(m + 1, NULL, 10);
	free(txt);
	return v;
}

static void dict_path(const struct campaign *c, char *buf, size_t len)
{
	zf_cu_pathf(buf, len, "%s/corpus/%s/%s.dict", c->src, zf_target_name(c->target),
		    zf_target_name(c->target));
	if (!zf_cu_is_file(buf))
		buf[0] = '\0';
}

/* The environment every worker sees: planted bugs, oracles, known findings. */
static void set_worker_env(const struct campaign *c)
{
	if (c->bugs_str[0])
		setenv("ZF_BUGS", c->bugs_str, 1);
	else
		unsetenv("ZF_BUGS");
	if (c->oracles[0])
		setenv("ZF_ORACLES", c->oracles, 1);
	if (c->diff)
		setenv("ZF_FUZZ_DIFF", "1", 1);
	unsetenv("ZF_FUZZ_NO_ABORT"); /* a finding must crash, or no engine sees it */
	if (c->ignore_known) {
		/* tests/known/NAME.json (the triage format): its oracle@function pairs */
		char kdir[ZF_CU_PATH], list[1536] = "";
		size_t n = 0;
		zf_cu_pathf(kdir, sizeof(kdir), "%s/tests/known", c->src);
		char **names = zf_cu_list_files(kdir, &n);
		for (size_t i = 0; i < n; i++) {
			char p[ZF_CU_PATH];
			size_t len;
			zf_cu_pathf(p, sizeof(p), "%s/%s", kdir, names[i]);
			char *txt = (char *)zf_cu_read_file(p, &len);
			cJSON *doc = txt ? cJSON_ParseWithLength(txt, len) : NULL;
			free(txt);
			const cJSON *list_json = cJSON_IsArray(doc) ? doc : NULL;
			if (!list_json && cJSON_IsObject(doc)) {
				list_json = cJSON_GetObjectItemCaseSensitive(doc, "findings");
				if (!list_json)
					list_json = cJSON_GetObjectItemCaseSensitive(doc, "known");
			}
			const cJSON *e;
			const cJSON *single = (!list_json && cJSON_IsObject(doc)) ? doc : NULL;
			for (e = list_json ? list_json->child : single; e;
			     e = list_json ? e->next : NULL) {
				const cJSON *sig = cJSON_GetObjectItemCaseSensitive(e, "signature");
				const cJSON *o = cJSON_IsObject(sig) ? sig : e;
				const cJSON *orc = cJSON_GetObjectItemCaseSensitive(o, "oracle");
				const cJSON *fn = cJSON_GetObjectItemCaseSensitive(o, "function");
				const cJSON *fi =
				    cJSON_GetObjectItemCaseSensitive(e, "fuzz_ignore");
				char one[160];
				if (cJSON_IsString(fi)) {
					/* ORACLE@function~message text, verbatim */
					snprintf(one, sizeof(one), "%s", fi->valuestring);
				} else if (cJSON_IsString(sig)) {
					/* "ORACLE|function|gfp|order" */
					char tmp[160];
					snprintf(tmp, sizeof(tmp), "%s", sig->valuestring);
					char *bar = strchr(tmp, '|');
					if (bar) {
						char *bar2 = strchr(bar + 1, '|');
						if (bar2)
							*bar2 = '\0';
						*bar = '@';
					}
					snprintf(one, sizeof(one), "%s", tmp);
				} else if (cJSON_IsString(orc)) {
					if (cJSON_IsString(fn) && strcmp(fn->valuestring, "*"))
						snprintf(one, sizeof(one), "%s@%s",
							 orc->valuestring, fn->valuestring);
					else
						snprintf(one, sizeof(one), "%s", orc->valuestring);
				} else {
					continue;
				}
				if (strlen(list) + strlen(one) + 2 < sizeof(list)) {
					if (list[0])
						strcat(list, ",");
					strcat(list, one);
				}
			}
			cJSON_Delete(doc);
		}
		zf_cu_free_names(names, n);
		if (list[0])
			setenv("ZF_FUZZ_IGNORE", list, 1);
		if (!c->quiet)
			printf("zonefuzz fuzz: known findings ignored: %s\n",
			       list[0] ? list : "(none in tests/known)");
	}
}

static int start_libfuzzer(struct campaign *c, long remaining)
{
	char bin[ZF_CU_PATH], corpus[ZF_CU_PATH], art[ZF_CU_PATH], log[ZF_CU_PATH];
	char dict[ZF_CU_PATH], a_fork[32], a_time[48], a_art[ZF_CU_PATH + 32],
	    a_dict[ZF_CU_PATH + 16], a_len[48];
	char *argv[24];
	int n = 0;
	unsigned long max_len = options_max_len(c);

	zf_cu_pathf(bin, sizeof(bin), "%s/bin/fuzz_%s", c->build_dir, zf_target_name(c->target));
	campaign_path(c, corpus, sizeof(corpus), "corpus");
	campaign_path(c, art, sizeof(art), "findings/");
	campaign_path(c, log, sizeof(log), "logs/libfuzzer.log");
	dict_path(c, dict, sizeof(dict));
	snprintf(a_fork, sizeof(a_fork), "-fork=%u", c->jobs);
	snprintf(a_time, sizeof(a_time), "-max_total_time=%ld", remaining);
	snprintf(a_art, sizeof(a_art), "-artifact_prefix=%s", art);
	argv[n++] = bin;
	argv[n++] = a_fork;
	/* fork mode keeps going after a crash unless asked to stop at the first */
	argv[n++] = c->stop_on_finding ? "-ignore_crashes=0" : "-ignore_crashes=1";
	argv[n++] = "-ignore_timeouts=1";
	argv[n++] = "-ignore_ooms=1";
	argv[n++] = a_time;
	argv[n++] = a_art;
	argv[n++] = "-timeout=60";
	argv[n++] = "-rss_limit_mb=4096";
	argv[n++] = "-print_final_stats=1";
	argv[n++] = "-create_missing_dirs=1";
	if (dict[0]) {
		snprintf(a_dict, sizeof(a_dict), "-dict=%s", dict);
		argv[n++] = a_dict;
	}
	if (max_len) {
		snprintf(a_len, sizeof(a_len), "-max_len=%lu", max_len);
		argv[n++] = a_len;
	}
	argv[n++] = corpus;
	argv[n] = NULL;

	pid_t pid = spawn_worker(argv, log, c->dir);
	if (pid < 0)
		return zf_cu_fail("fuzz", "cannot start %s: %s", bin, strerror(errno));
	c->w[0].pid = pid;
	c->w[0].running = true;
	snprintf(c->w[0].name, sizeof(c->w[0].name), "libfuzzer-fork%u", c->jobs);
	c->nr_workers = 1;
	return 0;
}

static int start_afl(struct campaign *c, long remaining)
{
	char bin[ZF_CU_PATH], cmplog[ZF_CU_PATH], in[ZF_CU_PATH], out[ZF_CU_PATH],
	    main_dir[ZF_CU_PATH];
	char dict[ZF_CU_PATH], vtime[32];
	bool resume;

	zf_cu_pathf(bin, sizeof(bin), "%s/bin/fuzz_%s", c->build_dir, zf_target_name(c->target));
	zf_cu_pathf(cmplog, sizeof(cmplog), "%s/bin/fuzz_%s", c->cmplog_dir,
		    zf_target_name(c->target));
	campaign_path(c, in, sizeof(in), "corpus");
	campaign_path(c, out, sizeof(out), "afl");
	campaign_path(c, main_dir, sizeof(main_dir), "afl/main/fuzzer_stats");
	dict_path(c, dict, sizeof(dict));
	snprintf(vtime, sizeof(vtime), "%ld", remaining);
	resume = zf_cu_is_file(main_dir);

	/* batch mode (ecosystem notes §2.4): no UI, resume, no core_pattern check */
	setenv("AFL_NO_UI", "1", 1);
	setenv("AFL_SKIP_CPUFREQ", "1", 1);
	setenv("AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES", "1", 1);
	setenv("AFL_AUTORESUME", "1", 1);
	setenv("AFL_IMPORT_FIRST", "1", 1);
	setenv("AFL_TRY_AFFINITY", "1", 1);
	setenv("AFL_ALLOW_TMP", "1", 1);
	setenv("AFL_CMPLOG_ONLY_NEW", "1", 1);
	setenv("AFL_FAST_CAL", "1", 1);
	if (c->stop_on_finding)
		setenv("AFL_BENCH_UNTIL_CRASH", "1", 1);

	c->nr_workers = 0;
	for (unsigned int i = 0; i < c->jobs && i < CAMPAIGN_MAX_WORKERS; i++) {
		char *argv[32], log[ZF_CU_PATH], name[32];
		int n = 0;
		bool use_cmplog = zf_cu_is_file(cmplog) && (c->jobs == 1 ? true : i == 1);
		snprintf(name, sizeof(name), i == 0 ? "main" : "s%u", i);
		zf_cu_pathf(log, sizeof(log), "%s/logs/afl-%s.log", c->dir, name);
		argv[n++] = "afl-fuzz";
		argv[n++] = i == 0 ? "-M" : "-S";
		argv[n++] = name;
		argv[n++] = "-i";
		argv[n++] = resume ? "-" : in;
		argv[n++] = "-o";
		argv[n++] = out;
		argv[n++] = "-V";
		argv[n++] = vtime;
		argv[n++] = "-t";
		argv[n++] = "10000+";
		argv[n++] = "-m";
		argv[n++] = "none";
		if (dict[0]) {
			argv[n++] = "-x";
			argv[n++] = dict;
		}
		if (use_cmplog) {
			argv[n++] = "-c";
			argv[n++] = cmplog;
		}
		/* power schedules differ between secondaries (fuzzing_in_depth §3c) */
		if (i >= 2) {
			static char *const sched[] = {"explore", "coe", "fast", "rare", "exploit"};
			argv[n++] = "-p";
			argv[n++] = sched[(i - 2) % 5];
		}
		argv[n++] = "--";
		argv[n++] = bin;
		argv[n] = NULL;
		pid_t pid = spawn_worker(argv, log, c->dir);
		if (pid < 0) {
			stop_workers(c);
			return zf_cu_fail("fuzz", "cannot start afl-fuzz: %s", strerror(errno));
		}
		c->w[c->nr_workers].pid = pid;
		c->w[c->nr_workers].running = true;
		snprintf(c->w[c->nr_workers].name, sizeof(c->w[0].name), "%s%s", name,
			 use_cmplog ? "-cmplog" : "");
		c->nr_workers++;
		if (i == 0 && !resume) {
			/* let the main instance create the sync directory first */
			sleep(1);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* progress and findings                                                */
/* ------------------------------------------------------------------ */

/* The last "#N ... cov: X ft: Y corp: Z ... exec/s: E" line of libFuzzer's log. */
static void progress_libfuzzer(struct campaign *c)
{
	char p[ZF_CU_PATH];
	FILE *f;
	char line[1024];
	long sz;

	campaign_path(c, p, sizeof(p), "logs/libfuzzer.log");
	f = fopen(p, "r");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	sz = ftell(f);
	fseek(f, sz > 65536 ? sz - 65536 : 0, SEEK_SET);
	while (fgets(line, sizeof(line), f)) {
		const char *s;
		if (line[0] != '#')
			continue;
		c->execs = strtoull(line + 1, NULL, 10);
		if ((s = strstr(line, "cov: ")))
			c->cov = strtoul(s + 5, NULL, 10);
		if ((s = strstr(line, "ft: ")))
			c->ft = strtoul(s + 4, NULL, 10);
		if ((s = strstr(line, "corp: ")))
			c->corpus = strtoul(s + 6, NULL, 10);
		/* "exec/s: N" (one process) or "exec/s N" (-fork mode) */
		if ((s = strstr(line, "exec/s"))) {
			s += 6;
			while (*s == ':' || *s == ' ')
				s++;
			c->execs_per_s = strtod(s, NULL);
		}
	}
	fclose(f);
}

/* Sum/max of the fuzzer_stats fields of every AFL++ instance. */
static void progress_afl(struct campaign *c)
{
	double eps = 0, cvg = 0;
	unsigned long long execs = 0;
	unsigned long edges = 0, corpus = 0;

	for (unsigned int i = 0; i < c->jobs; i++) {
		char p[ZF_CU_PATH], line[512];
		FILE *f;
		char inst[16];
		snprintf(inst, sizeof(inst), i == 0 ? "main" : "s%u", i);
		zf_cu_pathf(p, sizeof(p), "%s/afl/%s/fuzzer_stats", c->dir, inst);
		f = fopen(p, "r");
		if (!f)
			continue;
		while (fgets(line, sizeof(line), f)) {
			char key[64];
			char val[256];
			if (sscanf(line, "%63s : %255s", key, val) != 2)
				continue;
			if (!strcmp(key, "execs_per_sec"))
				eps += strtod(val, NULL);
			else if (!strcmp(key, "execs_done"))
				execs += strtoull(val, NULL, 10);
			else if (!strcmp(key, "bitmap_cvg") && strtod(val, NULL) > cvg)
				cvg = strtod(val, NULL);
			else if (!strcmp(key, "edges_found") && strtoul(val, NULL, 10) > edges)
				edges = strtoul(val, NULL, 10);
			else if (!strcmp(key, "corpus_count") && i == 0)
				corpus = strtoul(val, NULL, 10);
		}
		fclose(f);
		/* fuzzer_stats is rewritten only every minute: the queue is current */
		char q[ZF_CU_PATH];
		zf_cu_pathf(q, sizeof(q), "%s/afl/%s/queue", c->dir, inst);
		if (i == 0 && zf_cu_count_files(q) > corpus)
			corpus = zf_cu_count_files(q);
	}
	c->execs_per_s = eps;
	c->execs = execs;
	c->bitmap_cvg = cvg;
	c->edges = edges;
	c->corpus = corpus;
}

static bool seen_before(struct campaign *c, const char *name)
{
	for (size_t i = 0; i < c->nr_seen; i++)
		if (!strcmp(c->seen[i], name))
			return true;
	if (c->nr_seen < CAMPAIGN_MAX_FINDINGS)
		c->seen[c->nr_seen++] = strdup(name);
	return false;
}

/* Replay one finding with the engine's binary: its "zonefuzz: ASSERTION FAILED" line. */
static void crash_line(const struct campaign *c, const char *file, char *out, size_t len)
{
	char bin[ZF_CU_PATH], log[ZF_CU_PATH], line[512];
	char *argv[] = {bin, (char *)file, NULL};
	FILE *f;

	snprintf(out, len, "(no assertion line: a sanitizer report or a timeout)");
	zf_cu_pathf(bin, sizeof(bin), "%s/bin/fuzz_%s", c->build_dir, zf_target_name(c->target));
	zf_cu_pathf(log, sizeof(log), "%s/logs/replay.tmp", c->dir);
	unlink(log);
	run_helper(argv, log, c->dir);
	f = fopen(log, "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "ASSERTION FAILED") || strstr(line, "ERROR: AddressSanitizer") ||
		    strstr(line, "runtime error:")) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(out, len, "%s", line);
			break;
		}
	}
	fclose(f);
	unlink(log);
}

static void describe_finding(struct campaign *c, const char *file, const char *engine_file)
{
	char meta[ZF_CU_PATH + 16], line[512];
	cJSON *o = cJSON_CreateObject();

	if (!o)
		return;
	crash_line(c, file, line, sizeof(line));
	cJSON_AddStringToObject(o, "engine", engine_display(c->engine));
	cJSON_AddStringToObject(o, "target", zf_target_name(c->target));
	cJSON_AddStringToObject(o, "bugs", c->bugs_str);
	cJSON_AddNumberToObject(o, "time_to_find_s", (double)now_elapsed(c));
	cJSON_AddNumberToObject(o, "found_unix", (double)time(NULL));
	cJSON_AddNumberToObject(o, "execs", (double)c->execs);
	cJSON_AddStringToObject(o, "crash_line", line);
	cJSON_AddStringToObject(o, "engine_file", engine_file);
	cJSON_AddStringToObject(o, "campaign", c->dir);
	char *txt = cJSON_Print(o);
	cJSON_Delete(o);
	if (txt) {
		snprintf(meta, sizeof(meta), "%s.meta.json", file);
		zf_cu_write_atomic(meta, txt, strlen(txt));
		free(txt);
	}
	c->nr_findings++;
	if (!c->quiet)
		printf("zonefuzz fuzz: finding %lu at %lds: %s\n  %s\n", c->nr_findings,
		       now_elapsed(c), file, line);
	fflush(stdout);
}

static void collect_findings(struct campaign *c)
{
	char fdir[ZF_CU_PATH];
	size_t n = 0;

	campaign_path(c, fdir, sizeof(fdir), "findings");
	if (c->engine == ENGINE_AFL) {
		/* copy every instance's crashes/id:* into findings/ */
		for (unsigned int i = 0; i < c->jobs; i++) {
			char cdir[ZF_CU_PATH], inst[16];
			size_t k = 0;
			snprintf(inst, sizeof(inst), i == 0 ? "main" : "s%u", i);
			zf_cu_pathf(cdir, sizeof(cdir), "%s/afl/%s/crashes", c->dir, inst);
			char **cn = zf_cu_list_files(cdir, &k);
			for (size_t j = 0; j < k; j++) {
				char from[ZF_CU_PATH], to[ZF_CU_PATH], safe[128];
				if (strncmp(cn[j], "id:", 3))
					continue;
				/* "id:000000,sig:06,..." -> "afl-main-000000-sig06" */
				const char *sig = strstr(cn[j], "sig:");
				snprintf(safe, sizeof(safe), "crash-afl-%s-%.6s-sig%.2s", inst,
					 cn[j] + 3, sig ? sig + 4 : "xx");
				zf_cu_pathf(from, sizeof(from), "%s/%s", cdir, cn[j]);
				zf_cu_pathf(to, sizeof(to), "%s/%s", fdir, safe);
				if (!zf_cu_is_file(to))
					zf_cu_copy_file(from, to);
			}
			zf_cu_free_names(cn, k);
		}
	}
	char **names = zf_cu_list_files(fdir, &n);
	for (size_t i = 0; i < n; i++) {
		size_t l = strlen(names[i]);
		char p[ZF_CU_PATH], meta[ZF_CU_PATH + 16];
		if (l > 10 && !strcmp(names[i] + l - 10, ".meta.json"))
			continue;
		if (strncmp(names[i], "crash-", 6) && strncmp(names[i], "timeout-", 8) &&
		    strncmp(names[i], "oom-", 4) && strncmp(names[i], "leak-", 5))
			continue;
		if (seen_before(c, names[i]))
			continue;
		zf_cu_pathf(p, sizeof(p), "%s/%s", fdir, names[i]);
		snprintf(meta, sizeof(meta), "%s.meta.json", p);
		if (zf_cu_is_file(meta)) {
			c->nr_findings++; /* described by an earlier run */
			continue;
		}
		describe_finding(c, p, names[i]);
	}
	zf_cu_free_names(names, n);
}

static void print_progress(struct campaign *c)
{
	long el = now_elapsed(c);
	if (c->quiet)
		return;
	if (c->engine == ENGINE_LIBFUZZER)
		printf(
		    "[%5lds/%lds] %s %s: execs/s %.0f  cov %lu ft %lu  corpus %lu  findings %lu  "
		    "left %lds\n",
		    el, c->budget_s, engine_display(c->engine), zf_target_name(c->target),
		    c->execs_per_s, c->cov, c->ft, c->corpus, c->nr_findings,
		    c->budget_s > el ? c->budget_s - el : 0);
	else
		printf("[%5lds/%lds] %s %s: execs/s %.0f  bitmap_cvg %.2f%% edges %lu  corpus %lu  "
		       "findings %lu  left %lds\n",
		       el, c->budget_s, engine_display(c->engine), zf_target_name(c->target),
		       c->execs_per_s, c->bitmap_cvg, c->edges, c->corpus, c->nr_findings,
		       c->budget_s > el ? c->budget_s - el : 0);
	fflush(stdout);
}

/* ------------------------------------------------------------------ */
/* merge / minimise                                                     */
/* ------------------------------------------------------------------ */
static void merge_corpus(struct campaign *c)
{
	char corpus[ZF_CU_PATH], merged[ZF_CU_PATH], old[ZF_CU_PATH], log[ZF_CU_PATH];
	char bin[ZF_CU_PATH];
	int rc;

	campaign_path(c, corpus, sizeof(corpus), "corpus");
	campaign_path(c, merged, sizeof(merged), "corpus.merged");
	campaign_path(c, old, sizeof(old), "corpus.old");
	campaign_path(c, log, sizeof(log), "logs/merge.log");
	zf_cu_pathf(bin, sizeof(bin), "%s/bin/fuzz_%s", c->build_dir, zf_target_name(c->target));
	zf_cu_remove_tree(merged);
	zf_cu_mkdir_p(merged);
	if (c->engine == ENGINE_LIBFUZZER) {
		char *argv[] = {bin,    "-merge=1", "-timeout=60", "-rss_limit_mb=4096",
				merged, corpus,     NULL};
		/* a finding must not stop the merge: known findings are everywhere */
		setenv("ZF_FUZZ_NO_ABORT", "1", 1);
		rc = run_helper(argv, log, c->dir);
		unsetenv("ZF_FUZZ_NO_ABORT");
	} else {
		/* afl-cmin over every instance's queue plus the corpus we started with */
		char all[ZF_CU_PATH];
		campaign_path(c, all, sizeof(all), "corpus.all");
		zf_cu_remove_tree(all);
		zf_cu_mkdir_p(all);
		for (unsigned int i = 0; i <= c->jobs; i++) {
			char qdir[ZF_CU_PATH], inst[16];
			size_t k = 0;
			if (i == c->jobs)
				snprintf(qdir, sizeof(qdir), "%s", corpus);
			else {
				snprintf(inst, sizeof(inst), i == 0 ? "main" : "s%u", i);
				zf_cu_pathf(qdir, sizeof(qdir), "%s/afl/%s/queue", c->dir, inst);
			}
			char **qn = zf_cu_list_files(qdir, &k);
			for (size_t j = 0; j < k; j++) {
				char from[ZF_CU_PATH], to[ZF_CU_PATH];
				zf_cu_pathf(from, sizeof(from), "%s/%s", qdir, qn[j]);
				zf_cu_pathf(to, sizeof(to), "%s/q%u-%zu", all, i, j);
				zf_cu_copy_file(from, to);
			}
			zf_cu_free_names(qn, k);
		}
		char *argv[] = {"afl-cmin", "-i", all,    "-o", merged, "-t",
				"10000",    "-m", "none", "--", bin,    NULL};
		setenv("ZF_FUZZ_NO_ABORT", "1", 1);
		rc = run_helper(argv, log, c->dir);
		unsetenv("ZF_FUZZ_NO_ABORT");
		zf_cu_remove_tree(all);
	}
	if (rc == 0 && zf_cu_count_files(merged) > 0) {
		/* swap in the minimised corpus: rename is atomic, the old one goes after */
		zf_cu_remove_tree(old);
		if (!rename(corpus, old) && !rename(merged, corpus))
			zf_cu_remove_tree(old);
	} else {
		if (!c->quiet)
			printf(
			    "zonefuzz fuzz: corpus merge failed (exit %d, see %s); corpus kept\n",
			    rc, log);
		zf_cu_remove_tree(merged);
	}
	c->corpus = zf_cu_count_files(corpus);
}

/* ------------------------------------------------------------------ */
/* the command                                                          */
/* ------------------------------------------------------------------ */
static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: zonefuzz fuzz --engine libfuzzer|afl --target T --jobs N --time D [options]\n"
	    "  --engine E          libfuzzer (clang, ASan+UBSan) or afl (AFL++ afl-clang-fast)\n"
	    "  --target T          buddy, slowpath, gfp, interleave, scenario\n"
	    "  --jobs N            workers (libFuzzer -fork=N; AFL++ 1 -M + N-1 -S, one CMPLOG)\n"
	    "  --time D            total fuzzing time: 90, 90s, 15m, 2h\n"
	    "  --dir DIR           campaign directory (default campaigns/<target>-<engine>)\n"
	    "  --bug B             plant a bug in every worker (repeatable; `zonefuzz bugs`)\n"
	    "  --diff              count only findings the planted bugs cause (ZF_FUZZ_DIFF)\n"
	    "  --oracles LIST      oracles for the workers (default all)\n"
	    "  --ignore-known      look past the known findings of tests/known/*.json\n"
	    "  --seed-corpus       start from corpus/<target>/seeds (default)\n"
	    "  --empty             start from an empty corpus\n"
	    "  --stop-on-finding   end the campaign at the first finding\n"
	    "  --status-interval S progress line every S seconds (default 5)\n"
	    "  --build-dir DIR     where bin/fuzz_<target> is (default build-fuzz / build-afl)\n"
	    "  --no-build          never run cmake\n"
	    "  --quiet             no progress lines\n"
	    "exit status: 0 no finding, 1 findings, 2 bad usage or missing engine\n");
}

int zf_cmd_fuzz(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"engine", required_argument, NULL, 'e'},
	    {"target", required_argument, NULL, 't'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"time", required_argument, NULL, 'T'},
	    {"dir", required_argument, NULL, 'd'},
	    {"bug", required_argument, NULL, 'b'},
	    {"diff", no_argument, NULL, 'D'},
	    {"oracles", required_argument, NULL, 'O'},
	    {"ignore-known", no_argument, NULL, 'K'},
	    {"seed-corpus", no_argument, NULL, 's'},
	    {"empty", no_argument, NULL, 'E'},
	    {"stop-on-finding", no_argument, NULL, 'S'},
	    {"status-interval", required_argument, NULL, 'i'},
	    {"build-dir", required_argument, NULL, 'B'},
	    {"no-build", no_argument, NULL, 'N'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	static struct campaign cs;
	struct campaign *c = &cs;
	const char *engine = NULL, *target = NULL;
	int ch, t;
	char *end;

	memset(c, 0, sizeof(*c));
	c->jobs = 1;
	c->budget_s = -1;
	c->frozen = -1;
	c->interval_s = 5;
	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "e:t:j:T:d:b:qh", opts, NULL)) != -1) {
		switch (ch) {
		case 'e':
			engine = optarg;
			break;
		case 't':
			target = optarg;
			break;
		case 'j':
			c->jobs = (unsigned int)strtoul(optarg, &end, 10);
			if (*end || !c->jobs || c->jobs > CAMPAIGN_MAX_WORKERS)
				return zf_cu_fail("fuzz", "--jobs: expected 1..%d",
						  CAMPAIGN_MAX_WORKERS);
			break;
		case 'T':
			if ((c->budget_s = zf_cu_parse_duration(optarg)) <= 0)
				return zf_cu_fail("fuzz",
						  "--time: expected a duration like 60, 90s, "
						  "15m or 2h");
			break;
		case 'd':
			snprintf(c->dir, sizeof(c->dir), "%s", optarg);
			break;
		case 'b': {
			uint32_t b;
			if (zf_bug_parse(optarg, &b))
				return zf_cu_fail("fuzz",
						  "--bug: unknown planted bug \"%s\" (see "
						  "`zonefuzz bugs`)",
						  optarg);
			if (!(c->bugs & b)) {
				c->bugs |= b;
				size_t l = strlen(c->bugs_str);
				snprintf(c->bugs_str + l, sizeof(c->bugs_str) - l, "%s%s",
					 l ? "," : "", zf_bug_name(b));
			}
			break;
		}
		case 'D':
			c->diff = true;
			break;
		case 'O':
			snprintf(c->oracles, sizeof(c->oracles), "%s", optarg);
			break;
		case 'K':
			c->ignore_known = true;
			break;
		case 's':
			c->empty = false;
			break;
		case 'E':
			c->empty = true;
			break;
		case 'S':
			c->stop_on_finding = true;
			break;
		case 'i':
			c->interval_s = strtol(optarg, &end, 10);
			if (*end || c->interval_s < 1)
				return zf_cu_fail("fuzz",
						  "--status-interval: expected seconds >= 1");
			break;
		case 'B':
			snprintf(c->build_dir, sizeof(c->build_dir), "%s", optarg);
			break;
		case 'N':
			c->no_build = true;
			break;
		case 'q':
			c->quiet = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			return zf_cu_fail("fuzz", "bad option %s (see `zonefuzz fuzz --help`)",
					  argv[optind - 1]);
		}
	}
	if (optind != argc)
		return zf_cu_fail("fuzz", "unexpected argument \"%s\"", argv[optind]);
	if (!engine)
		return zf_cu_fail("fuzz", "--engine libfuzzer|afl is required");
	if (!strcmp(engine, "libfuzzer"))
		c->engine = ENGINE_LIBFUZZER;
	else if (!strcmp(engine, "afl") || !strcmp(engine, "aflplusplus"))
		c->engine = ENGINE_AFL;
	else
		return zf_cu_fail("fuzz", "--engine: \"%s\" is not libfuzzer or afl", engine);
	if (!target || (t = zf_target_parse(target)) < 0)
		return zf_cu_fail("fuzz",
				  "--target: one of buddy, slowpath, gfp, interleave, scenario");
	c->target = (enum zf_target_kind)t;
	if (c->budget_s <= 0)
		return zf_cu_fail("fuzz", "--time is required (e.g. --time 10m)");
	if (c->diff && !c->bugs)
		return zf_cu_fail("fuzz", "--diff needs at least one --bug");

	/* the engine must be installed before anything is created */
	if (c->engine == ENGINE_LIBFUZZER && !zf_cu_have_program("clang"))
		return zf_cu_fail("fuzz", "libFuzzer needs clang (apt-get install clang "
					  "libclang-rt-14-dev)");
	if (c->engine == ENGINE_AFL &&
	    (!zf_cu_have_program("afl-fuzz") || !zf_cu_have_program("afl-clang-fast")))
		return zf_cu_fail("fuzz", "AFL++ not found: afl-fuzz and afl-clang-fast are needed "
					  "(apt-get install afl++)");
	if (!zf_cu_have_program("cmake") && !c->no_build)
		return zf_cu_fail("fuzz", "cmake not found (or use --no-build)");

	if (!c->dir[0])
		zf_cu_pathf(c->dir, sizeof(c->dir), "campaigns/%s-%s", zf_target_name(c->target),
			    engine_name(c->engine));
	/* absolute paths: workers run with DIR as their working directory */
	if (c->dir[0] != '/') {
		char cwd[ZF_CU_PATH], tmp[ZF_CU_PATH];
		if (getcwd(cwd, sizeof(cwd)) &&
		    !zf_cu_pathf(tmp, sizeof(tmp), "%s/%s", cwd, c->dir))
			memcpy(c->dir, tmp, sizeof(c->dir));
	}
	snprintf(c->src, sizeof(c->src), "%s", zf_cu_source_dir());
	if (c->build_dir[0] && c->build_dir[0] != '/') {
		char cwd[ZF_CU_PATH], tmp[ZF_CU_PATH];
		if (getcwd(cwd, sizeof(cwd)) &&
		    !zf_cu_pathf(tmp, sizeof(tmp), "%s/%s", cwd, c->build_dir))
			memcpy(c->build_dir, tmp, sizeof(c->build_dir));
	}

	char p[ZF_CU_PATH];
	const char *sub[] = {"", "corpus", "findings", "logs"};
	for (size_t i = 0; i < sizeof(sub) / sizeof(sub[0]); i++) {
		campaign_path(c, p, sizeof(p), sub[i]);
		if (zf_cu_mkdir_p(p))
			return zf_cu_fail("fuzz", "%s: %s", p, strerror(errno));
	}
	int rc = load_state(c);
	if (rc)
		return rc;
	long remaining = c->budget_s - c->elapsed_before;

	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	campaign_stop = 0;

	c->started = time(NULL);
	if ((rc = ensure_binaries(c)))
		return rc;
	/* the campaign's clock starts after the build */
	c->started = time(NULL);

	/* seeds: copied once, into an empty corpus (a resumed corpus already has them) */
	campaign_path(c, p, sizeof(p), "corpus");
	if (!zf_cu_count_files(p)) {
		char sdir[ZF_CU_PATH];
		size_t n = 0;
		zf_cu_pathf(sdir, sizeof(sdir), "%s/corpus/%s/seeds", c->src,
			    zf_target_name(c->target));
		char **names = c->empty ? NULL : zf_cu_list_files(sdir, &n);
		for (size_t i = 0; i < n; i++) {
			char from[ZF_CU_PATH], to[ZF_CU_PATH];
			zf_cu_pathf(from, sizeof(from), "%s/%s", sdir, names[i]);
			zf_cu_pathf(to, sizeof(to), "%s/seed-%s", p, names[i]);
			zf_cu_copy_file(from, to);
		}
		zf_cu_free_names(names, n);
		if (c->engine == ENGINE_AFL && !n) {
			/* AFL++ needs one input: the empty campaign starts from a bare header */
			char to[ZF_CU_PATH];
			static const uint8_t zero[ZF_DEC_HEADER] = {0};
			zf_cu_pathf(to, sizeof(to), "%s/empty", p);
			zf_cu_write_atomic(to, zero, sizeof(zero));
		}
	}
	/* findings described by an earlier run are counted, not described again */
	collect_findings(c);

	if (remaining > 0 && !campaign_stop) {
		set_worker_env(c);
		if (!c->quiet)
			printf("zonefuzz fuzz: %s on %s, %u job(s), %lds, bugs [%s], dir %s\n",
			       engine_display(c->engine), zf_target_name(c->target), c->jobs,
			       remaining, c->bugs_str, c->dir);
		rc = c->engine == ENGINE_LIBFUZZER ? start_libfuzzer(c, remaining)
						   : start_afl(c, remaining);
		if (rc)
			return rc;
		write_state(c, "running");
		time_t last = 0;
		while (!campaign_stop) {
			struct timespec ts = {0, 200 * 1000 * 1000};
			nanosleep(&ts, NULL);
			reap_workers(c);
			if (!workers_running(c))
				break;
			if (now_elapsed(c) > c->budget_s + 10) {
				/* the engines overran their own time limit: stop them */
				break;
			}
			if (time(NULL) - last >= c->interval_s) {
				last = time(NULL);
				if (c->engine == ENGINE_LIBFUZZER)
					progress_libfuzzer(c);
				else
					progress_afl(c);
				collect_findings(c);
				print_progress(c);
				write_state(c, "running");
				if (c->stop_on_finding && c->nr_findings)
					break;
			}
		}
		if (!c->quiet && campaign_stop)
			printf("zonefuzz fuzz: interrupted: stopping the workers\n");
		stop_workers(c);
		c->frozen = now_elapsed(c);
		if (c->engine == ENGINE_LIBFUZZER)
			progress_libfuzzer(c);
		else
			progress_afl(c);
		collect_findings(c);
		write_state(c, campaign_stop ? "interrupted" : "merging");
	}

	/* keep the corpus merged and minimised, also after Ctrl-C */
	bool was_stopped = campaign_stop;
	campaign_stop = 0;
	if (!c->quiet)
		printf("zonefuzz fuzz: merging and minimising the corpus (%s)\n",
		       c->engine == ENGINE_LIBFUZZER ? "libFuzzer -merge=1" : "afl-cmin");
	merge_corpus(c);
	write_state(c, was_stopped ? "interrupted" : "done");

	printf("zonefuzz fuzz: summary: %s %s, %lds of %lds, %.0f execs/s, %llu execs, corpus %lu, "
	       "findings %lu (%s/findings)\n",
	       engine_display(c->engine), zf_target_name(c->target), now_elapsed(c), c->budget_s,
	       c->execs_per_s, c->execs, c->corpus, c->nr_findings, c->dir);
	for (size_t i = 0; i < c->nr_seen; i++)
		free(c->seen[i]);
	c->nr_seen = 0;
	return c->nr_findings ? 1 : 0;
}

int zf_campaign_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
	    {"decode", zf_cmd_decode}, {"encode", zf_cmd_encode},     {"corpus", zf_cmd_corpus},
	    {"fuzz", zf_cmd_fuzz},     {"coverage", zf_cmd_coverage},
	};
	if (argc < 2 || !strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"usage: zf-campaign decode|encode|corpus|fuzz|coverage [options]\n");
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return zf_cu_fail(argv[1], "unknown command (decode, encode, corpus, fuzz, coverage)");
}
