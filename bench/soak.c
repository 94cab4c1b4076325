/* SPDX-License-Identifier: MIT */
/*
 * soak.c - the unmodified model under millions of random operations.
 *
 *   zf-soak [--ops N] [--seed S] [--jobs J] [--targets slowpath,interleave,buddy,gfp]
 *           [--walk N] [--known DIR] [--bug ID]... [--profile P] [--save DIR]
 *           [--list N] [--quiet]
 *   zf-soak --replay INDEX [--seed S] [--targets ...] [--bug ID] [--profile P]
 *
 * Input i of a run is a pseudo-random byte string (splitmix64 of seed and i)
 * fed to the fuzz decoder (targets/decoder.h, format ops/v1) of target
 * targets[i % n]: random geometries (eight tables, one to four nodes, orders
 * 4..11, CMA, reserved pages), random kernel profiles, swap, task
 * personalities, and operations over every gfp class of the decoder's tables
 * (the gfp target adds raw gfp bits and orders up to MAX_ORDER). Each input
 * runs on a fresh machine with every oracle on: per-event checks always,
 * full walks every --walk operations (64, the fuzzing interval), after every
 * operation that isolated pageblocks or rebuilt the zonelists, and at the
 * end. An input stops at the operation that produced its first finding; the
 * operations it executed up to there count towards --ops.
 *
 * Every finding is classified against the .json files of tests/known: known when the
 * entry's signature (oracle id + model function, as struct zf_finding
 * reports them; "oracle walk" for full-state walks, where the optional
 * "message" substring of the entry must also match) matches and the input's
 * profile is one of the entry's "profiles_affected"; NEW otherwise. NEW
 * inputs are listed (and written to --save DIR as INDEX.bin + INDEX.json,
 * a scenario `zonefuzz run` replays). Exit status: 0 when every finding was
 * known, 1 when some were NEW, 2 on bad usage.
 *
 * Wall-clock time is read here only to print throughput: it never feeds
 * the model (benchmarks and tools live outside it).
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "decoder.h"
#include "zonefuzz/oracle.h"
#include "zonefuzz/report.h"
#include "zonefuzz/scenario.h"

#ifndef ZF_SOURCE_DIR
#define ZF_SOURCE_DIR "."
#endif

#define SOAK_MAX_KNOWN 64
#define SOAK_MAX_LEN   (ZF_DEC_HEADER + ZF_DEC_OP_SIZE * 256 + 8)
#define SOAK_MAX_LIST  4096

/* ------------------------------------------------------------------ */
/* known findings (the .json files of tests/known)                                  */
/* ------------------------------------------------------------------ */
#define SOAK_MAX_ALT 8 /* alternatives of one "classify" list */

struct soak_list {
	unsigned int n;
	char v[SOAK_MAX_ALT][128];
};

struct soak_known {
	char id[64];
	char oracle[64];
	char function[160]; /* "" or "*": any */
	/* "signature" gfp_class / order_class (triage's), then the soak-only "classify"
	 * lists: the finding must match one entry of each list given */
	struct soak_list gfp_class, order_class, message;
	uint32_t profiles; /* bit p: profile p is affected; 0: any */
	uint64_t hits;     /* inputs classified as this finding */
};

struct soak_opts {
	uint64_t ops;
	uint64_t seed;
	unsigned int jobs;
	enum zf_target_kind targets[ZF_NR_TARGETS];
	unsigned int nr_targets;
	unsigned int walk;
	unsigned int max_retries; /* watchdog of every input (0: the decoder's) */
	uint32_t bugs;
	int profile; /* -1: the input's */
	const char *save;
	unsigned int list;
	bool quiet;
	bool diff; /* with --bug: also run each input without the bug; count bug-only inputs */
	struct soak_known known[SOAK_MAX_KNOWN];
	unsigned int nr_known;
};

static char *soak_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
		buf = malloc((size_t)n + 1);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		if (buf)
			buf[n] = '\0';
	}
	fclose(f);
	return buf;
}

static void soak_copy(char *dst, size_t len, const cJSON *o, const char *key)
{
	const cJSON *s = cJSON_GetObjectItemCaseSensitive(o, key);
	snprintf(dst, len, "%s", cJSON_IsString(s) ? s->valuestring : "");
}

/* A string or an array of strings, appended to l ("*" entries match anything). */
static void soak_list_add(struct soak_list *l, const cJSON *v)
{
	const cJSON *e;

	if (cJSON_IsString(v) && l->n < SOAK_MAX_ALT) {
		snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", v->valuestring);
		return;
	}
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && l->n < SOAK_MAX_ALT)
			snprintf(l->v[l->n++], sizeof(l->v[0]), "%s", e->valuestring);
	}
}

/* An empty list matches; else one entry equal to got ("*" matches), or contained in it. */
static bool soak_list_match(const struct soak_list *l, const char *got, bool substring)
{
	if (!l->n)
		return true;
	for (unsigned int i = 0; i < l->n; i++) {
		if (!strcmp(l->v[i], "*") || !strcmp(l->v[i], got) ||
		    (substring && strstr(got, l->v[i])))
			return true;
	}
	return false;
}

static int soak_load_known(struct soak_opts *o, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d) {
		fprintf(stderr, "zf-soak: %s: %s (no known findings loaded)\n", dir,
			strerror(errno));
		return 0;
	}
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);
		char path[4096];
		if (l < 6 || strcmp(de->d_name + l - 5, ".json") || de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		char *text = soak_read_file(path);
		cJSON *doc = text ? cJSON_Parse(text) : NULL;
		free(text);
		const cJSON *sig = cJSON_GetObjectItemCaseSensitive(doc, "signature");
		if (!cJSON_IsObject(sig)) {
			fprintf(stderr, "zf-soak: %s: no \"signature\" object, skipped\n", path);
			cJSON_Delete(doc);
			continue;
		}
		if (o->nr_known == SOAK_MAX_KNOWN) {
			fprintf(stderr, "zf-soak: more than %d known findings\n", SOAK_MAX_KNOWN);
			cJSON_Delete(doc);
			break;
		}
		struct soak_known *k = &o->known[o->nr_known++];
		memset(k, 0, sizeof(*k));
		soak_copy(k->id, sizeof(k->id), doc, "id");
		soak_copy(k->oracle, sizeof(k->oracle), sig, "oracle");
		soak_copy(k->function, sizeof(k->function), sig, "function");
		const cJSON *cl = cJSON_GetObjectItemCaseSensitive(doc, "classify");
		soak_list_add(&k->gfp_class, cJSON_GetObjectItemCaseSensitive(sig, "gfp_class"));
		soak_list_add(&k->gfp_class, cJSON_GetObjectItemCaseSensitive(cl, "gfp_class"));
		soak_list_add(&k->order_class,
			      cJSON_GetObjectItemCaseSensitive(sig, "order_class"));
		soak_list_add(&k->order_class, cJSON_GetObjectItemCaseSensitive(cl, "order_class"));
		soak_list_add(&k->message, cJSON_GetObjectItemCaseSensitive(cl, "message"));
		const cJSON *pa = cJSON_GetObjectItemCaseSensitive(doc, "profiles_affected");
		const cJSON *p;
		cJSON_ArrayForEach(p, pa)
		{
			enum zf_profile_id id;
			if (cJSON_IsString(p) && zf_profile_parse(p->valuestring, &id) == 0)
				k->profiles |= 1u << id;
		}
		cJSON_Delete(doc);
	}
	closedir(d);
	return 0;
}

/*
 * The known entry a finding is, or -1 (NEW). The signature is the triage one
 * (reports/signature.c): "function" matches the finding's model function, or
 * for a full-state walk either "oracle walk" or triage's "oracle walk: <check
 * template>"; gfp_class and order_class, when the entry names them, match the
 * request's classes; "*" or an absent field matches anything.
 */
static bool soak_field(const char *want, const char *got)
{
	return !want[0] || !strcmp(want, "*") || !strcmp(want, got);
}

static int soak_classify(const struct soak_opts *o, const struct zf_finding *f,
			 enum zf_profile_id profile, unsigned int max_order)
{
	struct zf_report_signature sig;

	zf_report_signature_of(f, max_order, &sig);
	for (unsigned int i = 0; i < o->nr_known; i++) {
		const struct soak_known *k = &o->known[i];
		if (strcmp(k->oracle, f->oracle_id))
			continue;
		if (!soak_field(k->function, f->func ? f->func : "?") &&
		    !soak_field(k->function, sig.function))
			continue;
		if (!soak_list_match(&k->gfp_class, sig.gfp_class, false) ||
		    !soak_list_match(&k->order_class, sig.order_class, false) ||
		    !soak_list_match(&k->message, f->message, true))
			continue;
		if (k->profiles && !(k->profiles & (1u << profile)))
			continue;
		return (int)i;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* inputs                                                               */
/* ------------------------------------------------------------------ */
static uint64_t splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Input idx: its target and bytes (16..256 operations, the gfp target's tail included). */
static size_t soak_input(const struct soak_opts *o, uint64_t idx, uint8_t *buf,
			 enum zf_target_kind *kind)
{
	uint64_t s = o->seed * UINT64_C(0x2545f4914f6cdd1d) ^ (idx + 1);
	size_t nops = 16 + (size_t)(splitmix64(&s) % 241);
	size_t len = ZF_DEC_HEADER + nops * ZF_DEC_OP_SIZE;

	*kind = o->targets[idx % o->nr_targets];
	if (*kind == ZF_TARGET_GFP)
		len += 8;
	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = splitmix64(&s);
		for (size_t j = 0; j < 8 && i + j < len; j++)
			buf[i + j] = (uint8_t)(r >> (8 * j));
	}
	return len;
}

static int soak_decode(const struct soak_opts *o, uint64_t idx, struct zf_scenario *sc,
		       uint8_t *buf, size_t *len, enum zf_target_kind *kind)
{
	*len = soak_input(o, idx, buf, kind);
	if (zf_decode(*kind, buf, *len, sc, NULL))
		return -1;
	sc->cfg.bugs |= o->bugs;
	if (o->max_retries)
		sc->cfg.max_retries = o->max_retries;
	if (o->profile >= 0)
		sc->cfg.profile = (enum zf_profile_id)o->profile;
	snprintf(sc->name, sizeof(sc->name), "soak-%" PRIu64 "-%" PRIu64, o->seed, idx);
	return 0;
}

/* ------------------------------------------------------------------ */
/* running one input                                                    */
/* ------------------------------------------------------------------ */
struct soak_run {
	struct zf_oracle_set *oracles;
	bool walk_now; /* this operation isolated pageblocks or rebuilt zonelists */
};

static void soak_obs_start(void *priv, struct zf_machine *m)
{
	struct soak_run *r = priv;
	r->walk_now = false;
	zf_oracles_reset(r->oracles, m);
}

static void soak_obs_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct soak_run *r = priv;
	zf_oracles_on_event(r->oracles, m, ev);
	if (ev->type == ZF_EV_ISOLATE_RANGE || ev->type == ZF_EV_UNISOLATE_RANGE ||
	    ev->type == ZF_EV_ZONELIST_REBUILD)
		r->walk_now = true;
	/*
	 * start_isolate_page_range() has finished (no zone lock held, every block
	 * isolated and drained, or all undone): walk now, before the rest of the
	 * operation (memory offline migrates pages next) reads what it may have
	 * broken, so that a counter drift is reported where it starts and not
	 * drowned in the findings of its consequences. Not inside an allocation
	 * (a yield action): a page it took is not handed out yet (no ALLOC_END),
	 * so walks wait for the end of the operation there.
	 */
	if (ev->type == ZF_EV_ISOLATE_RANGE && !zf_alloc_depth(m))
		zf_oracles_walk(r->oracles, m);
}

static void soak_obs_begin(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct soak_run *r = priv;
	zf_oracles_begin_op(r->oracles, m, idx);
}

/* Stop the input at the operation of its first finding. */
static bool soak_obs_end(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct soak_run *r = priv;
	zf_oracles_end_op(r->oracles, m, idx);
	/*
	 * Isolation and hotplug move whole pageblocks between counters: walk
	 * right after them, so that a state they broke is reported at the
	 * operation that broke it rather than through what it does later.
	 */
	if (r->walk_now)
		zf_oracles_walk(r->oracles, m);
	r->walk_now = false;
	return zf_oracles_nr_findings(r->oracles) != 0;
}

static void soak_obs_finish(void *priv, struct zf_machine *m)
{
	struct soak_run *r = priv;
	if (!zf_oracles_nr_findings(r->oracles))
		zf_oracles_finish(r->oracles, m);
}

/* ------------------------------------------------------------------ */
/* the pool of workers                                                  */
/* ------------------------------------------------------------------ */
struct soak_new {
	uint64_t idx;
	enum zf_target_kind kind;
	enum zf_profile_id profile;
	char line[640];
};

/* NEW findings grouped by triage signature key */
struct soak_bucket {
	char key[320];
	uint64_t inputs, first_idx;
	enum zf_profile_id first_profile;
	uint32_t profiles;
	int known; /* -1: a NEW finding; else a finding in the operation of this known one */
};
#define SOAK_MAX_BUCKETS 256

struct soak_shared {
	struct soak_bucket buckets[SOAK_MAX_BUCKETS];
	size_t nr_buckets;
	struct soak_opts *o;
	atomic_uint_fast64_t next_idx;
	atomic_uint_fast64_t ops;
	pthread_mutex_t lock;
	uint64_t inputs, inputs_known, inputs_new, inputs_attributed, allocs, findings;
	uint64_t per_target_ops[ZF_NR_TARGETS];
	uint64_t per_profile_inputs[ZF_NR_PROFILES];
	struct soak_new *news;
	size_t nr_news;
};

static void soak_save(const struct soak_opts *o, uint64_t idx, const uint8_t *buf, size_t len,
		      const struct zf_scenario *sc)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%" PRIu64 ".bin", o->save, idx);
	if ((f = fopen(path, "wb"))) {
		fwrite(buf, 1, len, f);
		fclose(f);
	}
	char *js = zf_scenario_to_json(sc);
	snprintf(path, sizeof(path), "%s/%" PRIu64 ".json", o->save, idx);
	if (js && (f = fopen(path, "w"))) {
		fputs(js, f);
		fputc('\n', f);
		fclose(f);
	}
	free(js);
}

static void *soak_worker(void *arg)
{
	struct soak_shared *sh = arg;
	struct soak_opts *o = sh->o;
	uint8_t *buf = malloc(SOAK_MAX_LEN);
	struct zf_oracle_options oo = {
	    .enabled = 0, .walk_interval = o->walk, .max_findings = 4096};
	struct soak_run run = {.oracles = zf_oracles_create(&oo)};
	uint64_t *hits = calloc(o->nr_known ? o->nr_known : 1, sizeof(*hits));

	if (!buf || !run.oracles || !hits) {
		fprintf(stderr, "zf-soak: out of memory\n");
		exit(2);
	}
	while (atomic_load(&sh->ops) < o->ops) {
		uint64_t idx = atomic_fetch_add(&sh->next_idx, 1);
		struct zf_scenario sc;
		enum zf_target_kind kind;
		size_t len;

		if (soak_decode(o, idx, &sc, buf, &len, &kind)) {
			fprintf(stderr, "zf-soak: input %" PRIu64 ": decoder out of memory\n", idx);
			exit(2);
		}
		struct zf_scenario_observer obs = {.priv = &run,
						   .start = soak_obs_start,
						   .on_event = soak_obs_event,
						   .begin_op = soak_obs_begin,
						   .end_op = soak_obs_end,
						   .finish = soak_obs_finish};
		struct zf_scenario_result res;
		if (zf_scenario_run(&sc, NULL, &obs, &res) != 0) {
			fprintf(stderr, "zf-soak: input %" PRIu64 ": %s\n", idx, res.error);
			zf_scenario_free(&sc);
			continue;
		}
		atomic_fetch_add(&sh->ops, res.ops_executed);

		size_t nf = zf_oracles_nr_findings(run.oracles);
		if (o->diff && nf) {
			/* the same input without the planted bug: clean means the bug caused it */
			char line[640];
			uint32_t bugs = sc.cfg.bugs;
			zf_finding_format(line, sizeof(line), zf_oracles_finding(run.oracles, 0));
			sc.cfg.bugs &= ~o->bugs;
			zf_scenario_run(&sc, NULL, &obs, &res);
			bool clean = zf_oracles_nr_findings(run.oracles) == 0;
			pthread_mutex_lock(&sh->lock);
			sh->inputs++;
			if (clean) {
				sh->inputs_new++;
				if (sh->nr_news < SOAK_MAX_LIST) {
					struct soak_new *n = &sh->news[sh->nr_news++];
					n->idx = idx;
					n->kind = kind;
					n->profile = sc.cfg.profile;
					snprintf(n->line, sizeof(n->line), "%s", line);
				}
				if (o->save)
					soak_save(o, idx, buf, len, &sc);
			}
			pthread_mutex_unlock(&sh->lock);
			(void)bugs;
			zf_scenario_free(&sc);
			continue;
		}
		/*
		 * The input stopped at the operation of its first finding, so all its
		 * findings come from one operation. A finding that is not known but
		 * shares that operation with a known one is attributed to it (a
		 * consequence: e.g. the watchdog stop ending a known livelock, or the
		 * allocations that read a counter the known finding broke); it is
		 * still listed, under that known id. Only inputs without any known
		 * finding are NEW.
		 */
		bool any_new = false;
		int first_known = -1;
		const struct zf_finding *first_new = NULL;
		for (size_t i = 0; i < nf; i++) {
			const struct zf_finding *f = zf_oracles_finding(run.oracles, i);
			int k = soak_classify(o, f, sc.cfg.profile, sc.cfg.max_order);
			if (k < 0 && !any_new) {
				any_new = true;
				first_new = f;
			} else if (k >= 0 && first_known < 0) {
				first_known = k;
			}
		}
		struct zf_report_signature sig;
		if (first_new)
			zf_report_signature_of(first_new, sc.cfg.max_order, &sig);
		pthread_mutex_lock(&sh->lock);
		if (first_new) {
			size_t b;
			for (b = 0; b < sh->nr_buckets; b++)
				if (!strcmp(sh->buckets[b].key, sig.key) &&
				    sh->buckets[b].known == first_known)
					break;
			if (b == sh->nr_buckets && b < SOAK_MAX_BUCKETS) {
				snprintf(sh->buckets[b].key, sizeof(sh->buckets[b].key), "%s",
					 sig.key);
				sh->buckets[b].first_idx = idx;
				sh->buckets[b].first_profile = sc.cfg.profile;
				sh->buckets[b].known = first_known;
				sh->nr_buckets++;
			}
			if (b < sh->nr_buckets) {
				sh->buckets[b].inputs++;
				sh->buckets[b].profiles |= 1u << sc.cfg.profile;
				if (idx < sh->buckets[b].first_idx) {
					sh->buckets[b].first_idx = idx;
					sh->buckets[b].first_profile = sc.cfg.profile;
				}
			}
		}
		sh->inputs++;
		sh->allocs += res.nr_allocs;
		sh->findings += nf;
		sh->per_target_ops[kind] += res.ops_executed;
		sh->per_profile_inputs[sc.cfg.profile]++;
		if (first_known >= 0) {
			sh->inputs_known++;
			o->known[first_known].hits++;
			if (any_new)
				sh->inputs_attributed++;
		} else if (any_new) {
			sh->inputs_new++;
			if (sh->nr_news < SOAK_MAX_LIST) {
				struct soak_new *n = &sh->news[sh->nr_news++];
				n->idx = idx;
				n->kind = kind;
				n->profile = sc.cfg.profile;
				zf_finding_format(n->line, sizeof(n->line), first_new);
			}
			if (o->save)
				soak_save(o, idx, buf, len, &sc);
		}
		pthread_mutex_unlock(&sh->lock);
		zf_scenario_free(&sc);
	}
	zf_oracles_destroy(run.oracles);
	free(hits);
	free(buf);
	return NULL;
}

static double soak_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static int soak_cmp_new(const void *a, const void *b)
{
	const struct soak_new *x = a, *y = b;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* --replay: print input idx as a scenario and every finding it produces. */
static int soak_replay(struct soak_opts *o, uint64_t idx)
{
	uint8_t *buf = malloc(SOAK_MAX_LEN);
	struct zf_scenario sc;
	enum zf_target_kind kind;
	size_t len;

	if (!buf || soak_decode(o, idx, &sc, buf, &len, &kind))
		return 2;
	char *js = zf_scenario_to_json(&sc);
	if (js)
		puts(js);
	free(js);
	struct zf_oracle_options oo = {
	    .enabled = 0, .walk_interval = o->walk, .max_findings = 4096};
	struct soak_run run = {.oracles = zf_oracles_create(&oo)};
	struct zf_scenario_observer obs = {.priv = &run,
					   .start = soak_obs_start,
					   .on_event = soak_obs_event,
					   .begin_op = soak_obs_begin,
					   .end_op = soak_obs_end,
					   .finish = soak_obs_finish};
	struct zf_scenario_result res;
	zf_scenario_run(&sc, NULL, &obs, &res);
	int rc = 0;
	fprintf(stderr, "input %" PRIu64 " (%s, profile %s): %" PRIu64 " ops\n", idx,
		zf_target_name(kind), zf_profile_name(sc.cfg.profile), res.ops_executed);
	for (size_t i = 0; i < zf_oracles_nr_findings(run.oracles); i++) {
		const struct zf_finding *f = zf_oracles_finding(run.oracles, i);
		char line[1024];
		int k = soak_classify(o, f, sc.cfg.profile, sc.cfg.max_order);
		zf_finding_format(line, sizeof(line), f);
		fprintf(stderr, "  %s: %s\n", k < 0 ? "NEW" : o->known[k].id, line);
		if (k < 0)
			rc = 1;
	}
	zf_oracles_destroy(run.oracles);
	zf_scenario_free(&sc);
	free(buf);
	return rc;
}

static void soak_usage(FILE *f)
{
	fprintf(f,
		"usage: zf-soak [--ops N] [--seed S] [--jobs J] [--targets a,b] [--walk N]\n"
		"               [--known DIR] [--bug ID]... [--profile P] [--save DIR] [--list N]\n"
		"               [--max-retries N] [--diff] [--quiet] [--replay INDEX]\n");
}

static int soak_parse_targets(struct soak_opts *o, const char *spec)
{
	char buf[256];
	char *save = NULL;

	o->nr_targets = 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int k = zf_target_parse(t);
		if (k < 0 || k == ZF_TARGET_SCENARIO || o->nr_targets == ZF_NR_TARGETS)
			return -1;
		o->targets[o->nr_targets++] = (enum zf_target_kind)k;
	}
	return o->nr_targets ? 0 : -1;
}

int main(int argc, char **argv)
{
	static struct soak_opts o;
	static const struct option longopts[] = {
	    {"ops", required_argument, NULL, 'n'},
	    {"seed", required_argument, NULL, 's'},
	    {"jobs", required_argument, NULL, 'j'},
	    {"targets", required_argument, NULL, 't'},
	    {"walk", required_argument, NULL, 'w'},
	    {"known", required_argument, NULL, 'k'},
	    {"bug", required_argument, NULL, 'b'},
	    {"profile", required_argument, NULL, 'p'},
	    {"save", required_argument, NULL, 'S'},
	    {"list", required_argument, NULL, 'l'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"replay", required_argument, NULL, 'r'},
	    {"max-retries", required_argument, NULL, 'm'},
	    {"diff", no_argument, NULL, 'd'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *known_dir = ZF_SOURCE_DIR "/tests/known";
	bool replay = false;
	uint64_t replay_idx = 0;
	int c;

	o.ops = 10000000;
	o.seed = 1;
	o.jobs = 1;
	o.walk = 64;
	o.max_retries = 2048;
	o.profile = -1;
	o.list = 20;
	soak_parse_targets(&o, "slowpath,interleave,buddy,gfp");
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.ops = strtoull(optarg, NULL, 0);
			break;
		case 's':
			o.seed = strtoull(optarg, NULL, 0);
			break;
		case 'j':
			o.jobs = (unsigned int)strtoul(optarg, NULL, 0);
			if (o.jobs < 1 || o.jobs > 64) {
				fprintf(stderr, "zf-soak: --jobs: 1..64\n");
				return 2;
			}
			break;
		case 't':
			if (soak_parse_targets(&o, optarg)) {
				fprintf(stderr,
					"zf-soak: --targets: slowpath, interleave, buddy, gfp\n");
				return 2;
			}
			break;
		case 'w':
			o.walk = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'd':
			o.diff = true;
			break;
		case 'm':
			o.max_retries = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'k':
			known_dir = optarg;
			break;
		case 'b': {
			uint32_t b;
			if (zf_bug_parse(optarg, &b)) {
				fprintf(stderr, "zf-soak: --bug: unknown planted bug %s\n", optarg);
				return 2;
			}
			o.bugs |= b;
			break;
		}
		case 'p': {
			enum zf_profile_id p;
			if (zf_profile_parse(optarg, &p)) {
				fprintf(stderr, "zf-soak: --profile: unknown profile %s\n", optarg);
				return 2;
			}
			o.profile = (int)p;
			break;
		}
		case 'S':
			o.save = optarg;
			break;
		case 'l':
			o.list = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'r':
			replay = true;
			replay_idx = strtoull(optarg, NULL, 0);
			break;
		case 'h':
			soak_usage(stdout);
			return 0;
		default:
			soak_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		soak_usage(stderr);
		return 2;
	}
	soak_load_known(&o, known_dir);
	if (replay)
		return soak_replay(&o, replay_idx);
	if (o.save && mkdir(o.save, 0777) && errno != EEXIST) {
		fprintf(stderr, "zf-soak: --save %s: %s\n", o.save, strerror(errno));
		return 2;
	}

	static struct soak_shared sh;
	sh.o = &o;
	atomic_init(&sh.next_idx, 0);
	atomic_init(&sh.ops, 0);
	pthread_mutex_init(&sh.lock, NULL);
	sh.news = calloc(SOAK_MAX_LIST, sizeof(*sh.news));
	pthread_t th[64];
	double t0 = soak_now();
	for (unsigned int i = 0; i < o.jobs; i++)
		if (pthread_create(&th[i], NULL, soak_worker, &sh)) {
			fprintf(stderr, "zf-soak: cannot start a worker\n");
			return 2;
		}
	for (unsigned int i = 0; i < o.jobs; i++)
		pthread_join(th[i], NULL);
	double dt = soak_now() - t0;

	uint64_t ops = atomic_load(&sh.ops);
	printf("zf-soak: seed %" PRIu64 ", %u job(s), walk every %u ops%s\n", o.seed, o.jobs,
	       o.walk, o.bugs ? ", planted bugs on" : "");
	printf("operations %" PRIu64 " in %.1f s (%.0f ops/s), inputs %" PRIu64
	       ", allocations %" PRIu64 "\n",
	       ops, dt, dt > 0 ? (double)ops / dt : 0.0, sh.inputs, sh.allocs);
	for (unsigned int t = 0; t < o.nr_targets; t++)
		printf("  target %-10s %" PRIu64 " ops\n", zf_target_name(o.targets[t]),
		       sh.per_target_ops[o.targets[t]]);
	for (int p = 0; p < ZF_NR_PROFILES; p++)
		printf("  profile %-5s %" PRIu64 " inputs\n",
		       zf_profile_name((enum zf_profile_id)p), sh.per_profile_inputs[p]);
	printf("inputs with findings: %" PRIu64 " known (%" PRIu64
	       " of them with other findings of the same operation), %" PRIu64 " NEW (%" PRIu64
	       " findings recorded)\n",
	       sh.inputs_known, sh.inputs_attributed, sh.inputs_new, sh.findings);
	for (unsigned int i = 0; i < o.nr_known; i++)
		if (o.known[i].hits)
			printf("  known %-40s %" PRIu64 " inputs\n", o.known[i].id,
			       o.known[i].hits);
	for (size_t b = 0; b < sh.nr_buckets; b++) {
		char profs[64] = "";
		for (int p = 0; p < ZF_NR_PROFILES; p++)
			if (sh.buckets[b].profiles & (1u << p))
				snprintf(profs + strlen(profs), sizeof(profs) - strlen(profs),
					 "%s%s", profs[0] ? "," : "",
					 zf_profile_name((enum zf_profile_id)p));
		if (sh.buckets[b].known >= 0)
			printf("  with known %s: %s: %" PRIu64
			       " inputs (profiles %s; first input %" PRIu64 ")\n",
			       o.known[sh.buckets[b].known].id, sh.buckets[b].key,
			       sh.buckets[b].inputs, profs, sh.buckets[b].first_idx);
		else
			printf("  NEW signature %s: %" PRIu64
			       " inputs (profiles %s; first input %" PRIu64 ")\n",
			       sh.buckets[b].key, sh.buckets[b].inputs, profs,
			       sh.buckets[b].first_idx);
	}
	qsort(sh.news, sh.nr_news, sizeof(*sh.news), soak_cmp_new);
	for (size_t i = 0; i < sh.nr_news && i < o.list; i++)
		printf("  NEW input %" PRIu64 " (%s, %s): %s\n", sh.news[i].idx,
		       zf_target_name(sh.news[i].kind), zf_profile_name(sh.news[i].profile),
		       sh.news[i].line);
	free(sh.news);
	return sh.inputs_new ? 1 : 0;
}
