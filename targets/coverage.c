/* SPDX-License-Identifier: MIT */
/*
 * targets/coverage.c - `zonefuzz coverage`: what a corpus reaches.
 *
 *   zonefuzz coverage [--target T|all] [--out DIR] [--corpus DIR] [--min-slowpath PCT]
 *
 * Two measures, because line coverage alone hides the interesting part:
 *   1. clang source-based coverage of the model (preset `coverage`, the
 *      replay binaries zf-replay-<t>): llvm-profdata merge, an HTML report
 *      (llvm-cov show -format=html) and a summary (llvm-cov report);
 *   2. the slow path's own events (zonefuzz/events.h): every label and goto
 *      of __alloc_pages_slowpath and its retry helpers the corpus reaches,
 *      counted by the harness (ZF_FUZZ_COV_OUT), and every one it never
 *      reaches named. A goto can be "covered" as a source line while its
 *      condition never held; the event is the ground truth.
 * Exit status: 0, 1 when a label/goto is never reached or allocator/slowpath.c
 * line coverage is below --min-slowpath, 2 on bad usage or a missing tool.
 */
#define _GNU_SOURCE
#include "campaign.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "campaign_util.h"
#include "harness.h"

/* llvm-profdata-14 (Debian's versioned name) or plain llvm-profdata */
static const char *llvm_tool(const char *base, char *buf, size_t len)
{
	static const char *const suffix[] = {"-14", "-15", "-16", "-17", "-18", ""};
	for (size_t i = 0; i < sizeof(suffix) / sizeof(suffix[0]); i++) {
		snprintf(buf, len, "%s%s", base, suffix[i]);
		if (zf_cu_have_program(buf))
			return buf;
	}
	return NULL;
}

/* The TOTAL-style line of `llvm-cov report` for one file: its line coverage in %. */
static double file_line_coverage(const char *summary, const char *file)
{
	size_t len;
	char *txt = (char *)zf_cu_read_file(summary, &len);
	double pct = -1;

	if (!txt)
		return -1;
	for (char *line = strtok(txt, "\n"); line; line = strtok(NULL, "\n")) {
		if (!strstr(line, file))
			continue;
		/* Filename Regions Missed Cover Functions Missed Executed Lines Missed Cover ... */
		char *tok[16];
		int n = 0;
		for (char *t = strtok(line, " \t"); t && n < 16; t = strtok(NULL, " \t"))
			tok[n++] = t;
		if (n >= 10)
			pct = strtod(tok[9], NULL);
		break;
	}
	free(txt);
	return pct;
}

int zf_cmd_coverage(int argc, char **argv)
{
	static const struct option opts[] = {
	    {"target", required_argument, NULL, 't'},
	    {"out", required_argument, NULL, 'o'},
	    {"corpus", required_argument, NULL, 'c'},
	    {"build-dir", required_argument, NULL, 'B'},
	    {"no-build", no_argument, NULL, 'N'},
	    {"min-slowpath", required_argument, NULL, 'm'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *target = "all", *corpus = NULL;
	char out[ZF_CU_PATH] = "coverage", bdir[ZF_CU_PATH] = "";
	bool no_build = false;
	double min_slowpath = -1;
	int ch;

	optind = 1;
	opterr = 0;
	while ((ch = getopt_long(argc, argv, "t:o:c:h", opts, NULL)) != -1) {
		switch (ch) {
		case 't':
			target = optarg;
			break;
		case 'o':
			snprintf(out, sizeof(out), "%s", optarg);
			break;
		case 'c':
			corpus = optarg;
			break;
		case 'B':
			snprintf(bdir, sizeof(bdir), "%s", optarg);
			break;
		case 'N':
			no_build = true;
			break;
		case 'm':
			min_slowpath = strtod(optarg, NULL);
			break;
		case 'h':
			printf(
			    "usage: zonefuzz coverage [--target T|all] [--out DIR] [--corpus DIR]\n"
			    "                         [--min-slowpath PCT] [--build-dir DIR] [--no-build]\n"
			    "  replays corpus/<t>/seeds (or --corpus DIR, one target) through the\n"
			    "  coverage build; writes DIR/html/index.html, DIR/summary.txt and\n"
			    "  DIR/slowpath-events.txt, and names every slow-path label/goto not reached\n");
			return 0;
		default:
			return zf_cu_fail("coverage",
					  "bad option (see `zonefuzz coverage --help`)");
		}
	}
	if (optind != argc)
		return zf_cu_fail("coverage", "unexpected argument \"%s\"", argv[optind]);
	enum zf_target_kind ts[ZF_NR_TARGETS];
	int nt = zf_cu_parse_targets(target, true, ts);
	if (!nt)
		return zf_cu_fail("coverage", "--target: unknown target \"%s\"", target);
	if (corpus && nt != 1)
		return zf_cu_fail("coverage", "--corpus needs one --target");

	char profdata[64], cov[64];
	if (!zf_cu_have_program("clang"))
		return zf_cu_fail("coverage", "clang is needed for source-based coverage");
	if (!llvm_tool("llvm-profdata", profdata, sizeof(profdata)) ||
	    !llvm_tool("llvm-cov", cov, sizeof(cov)))
		return zf_cu_fail("coverage",
				  "llvm-profdata / llvm-cov not found (apt-get install llvm-14)");

	const char *src = zf_cu_source_dir();
	if (!bdir[0])
		zf_cu_pathf(bdir, sizeof(bdir), "%s/build-coverage", src);
	if (out[0] != '/') {
		char cwd[ZF_CU_PATH], tmp[ZF_CU_PATH];
		if (getcwd(cwd, sizeof(cwd)) && !zf_cu_pathf(tmp, sizeof(tmp), "%s/%s", cwd, out))
			memcpy(out, tmp, sizeof(out));
	}
	char p[ZF_CU_PATH], log[ZF_CU_PATH], prof[ZF_CU_PATH];
	zf_cu_pathf(prof, sizeof(prof), "%s/profraw", out);
	zf_cu_remove_tree(prof);
	if (zf_cu_mkdir_p(prof))
		return zf_cu_fail("coverage", "%s: %s", prof, strerror(errno));
	zf_cu_pathf(log, sizeof(log), "%s/build.log", out);

	if (!no_build) {
		char *conf[] = {"cmake", "--preset", "coverage", NULL};
		char *argv_b[4 + 2 * ZF_NR_TARGETS] = {"cmake", "--build", "--preset", "coverage"};
		char names[ZF_NR_TARGETS][48];
		int n = 4;
		for (int i = 0; i < nt; i++) {
			snprintf(names[i], sizeof(names[i]), "zf-replay-%s", zf_target_name(ts[i]));
			argv_b[n++] = "--target";
			argv_b[n++] = names[i];
		}
		argv_b[n] = NULL;
		printf(
		    "zonefuzz coverage: building the replay binaries (preset coverage; log %s)\n",
		    log);
		fflush(stdout);
		if (chdir(src))
			return zf_cu_fail("coverage", "%s: %s", src, strerror(errno));
		if (zf_cu_run(conf, log) || zf_cu_run(argv_b, log))
			return zf_cu_fail("coverage", "the coverage build failed (see %s)", log);
	}

	/* replay each target's corpus; the harness counts slow-path events */
	static struct zf_fuzz_cov total;
	memset(&total, 0, sizeof(total));
	char objects[ZF_NR_TARGETS][ZF_CU_PATH];
	for (int i = 0; i < nt; i++) {
		char bin[ZF_CU_PATH], dir[ZF_CU_PATH], ev[ZF_CU_PATH], pr[ZF_CU_PATH + 32];
		const char *name = zf_target_name(ts[i]);
		zf_cu_pathf(bin, sizeof(bin), "%s/bin/zf-replay-%s", bdir, name);
		if (access(bin, X_OK))
			return zf_cu_fail("coverage", "%s missing (build preset coverage)", bin);
		snprintf(objects[i], sizeof(objects[i]), "%s", bin);
		if (corpus)
			snprintf(dir, sizeof(dir), "%s", corpus);
		else
			zf_cu_pathf(dir, sizeof(dir), "%s/corpus/%s/seeds", src, name);
		zf_cu_pathf(ev, sizeof(ev), "%s/events-%s.txt", out, name);
		snprintf(pr, sizeof(pr), "%s/%s-%%p.profraw", prof, name);
		setenv("LLVM_PROFILE_FILE", pr, 1);
		setenv("ZF_FUZZ_COV_OUT", ev, 1);
		setenv("ZF_FUZZ_NO_ABORT", "1", 1); /* known findings must not end the replay */
		char *rargv[] = {bin, dir, NULL};
		zf_cu_pathf(p, sizeof(p), "%s/replay-%s.log", out, name);
		unlink(p);
		int rc = zf_cu_run(rargv, p);
		unsetenv("ZF_FUZZ_COV_OUT");
		unsetenv("ZF_FUZZ_NO_ABORT");
		if (rc != 0 && rc != 1)
			return zf_cu_fail("coverage", "replaying %s failed (exit %d, see %s)", dir,
					  rc, p);
		zf_fuzz_cov_read(&total, ev);
		printf("zonefuzz coverage: %-10s %s replayed\n", name, dir);
	}

	/* merge the raw profiles, then the HTML report and the summary */
	char merged[ZF_CU_PATH], html[ZF_CU_PATH], summary[ZF_CU_PATH], instr[ZF_CU_PATH + 32],
	    outdir[ZF_CU_PATH + 32];
	zf_cu_pathf(merged, sizeof(merged), "%s/coverage.profdata", out);
	zf_cu_pathf(html, sizeof(html), "%s/html", out);
	zf_cu_pathf(summary, sizeof(summary), "%s/summary.txt", out);
	size_t nraw = 0;
	char **raw = zf_cu_list_files(prof, &nraw);
	char **margv = calloc(nraw + 8, sizeof(char *));
	char(*rawp)[ZF_CU_PATH] = calloc(nraw + 1, sizeof(*rawp));
	if (!margv || !rawp) {
		free(margv);
		free(rawp);
		zf_cu_free_names(raw, nraw);
		return zf_cu_fail("coverage", "out of memory");
	}
	int m = 0;
	margv[m++] = profdata;
	margv[m++] = "merge";
	margv[m++] = "-sparse";
	margv[m++] = "-o";
	margv[m++] = merged;
	for (size_t i = 0; i < nraw; i++) {
		zf_cu_pathf(rawp[i], sizeof(rawp[i]), "%s/%s", prof, raw[i]);
		margv[m++] = rawp[i];
	}
	margv[m] = NULL;
	zf_cu_pathf(p, sizeof(p), "%s/llvm.log", out);
	int rc = nraw ? zf_cu_run(margv, p) : -1;
	free(margv);
	free(rawp);
	zf_cu_free_names(raw, nraw);
	if (rc)
		return zf_cu_fail("coverage", "llvm-profdata merge failed (see %s)", p);

	snprintf(instr, sizeof(instr), "-instr-profile=%s", merged);
	snprintf(outdir, sizeof(outdir), "-output-dir=%s", html);
	char *sargv[12 + 2 * ZF_NR_TARGETS];
	int s = 0;
	sargv[s++] = cov;
	sargv[s++] = "show";
	sargv[s++] = objects[0];
	for (int i = 1; i < nt; i++) {
		sargv[s++] = "-object";
		sargv[s++] = objects[i];
	}
	sargv[s++] = instr;
	sargv[s++] = "-format=html";
	sargv[s++] = outdir;
	sargv[s++] = "-show-line-counts-or-regions";
	sargv[s++] = "-ignore-filename-regex=(tests|build[^/]*)/";
	sargv[s] = NULL;
	if (zf_cu_run(sargv, p))
		return zf_cu_fail("coverage", "llvm-cov show failed (see %s)", p);
	char *rargv[8 + 2 * ZF_NR_TARGETS];
	int r = 0;
	rargv[r++] = cov;
	rargv[r++] = "report";
	rargv[r++] = objects[0];
	for (int i = 1; i < nt; i++) {
		rargv[r++] = "-object";
		rargv[r++] = objects[i];
	}
	rargv[r++] = instr;
	rargv[r++] = "-ignore-filename-regex=(tests|build[^/]*)/";
	rargv[r] = NULL;
	unlink(summary);
	if (zf_cu_run(rargv, summary))
		return zf_cu_fail("coverage", "llvm-cov report failed (see %s)", summary);

	/* the events: labels and gotos never reached */
	zf_cu_pathf(p, sizeof(p), "%s/slowpath-events.txt", out);
	zf_fuzz_cov_write(&total, p);
	int missing_l = 0, missing_g = 0;
	for (int l = 0; l < ZF_NR_LABELS; l++)
		if (!total.labels[l]) {
			printf("zonefuzz coverage: label %s: never reached\n",
			       zf_slowpath_label_name((enum zf_slowpath_label)l));
			missing_l++;
		}
	for (int g = 0; g < ZF_NR_GOTOS; g++)
		if (!total.gotos[g]) {
			printf("zonefuzz coverage: goto %s (%s): never taken\n",
			       zf_slowpath_goto_name((enum zf_slowpath_goto)g),
			       zf_slowpath_goto_doc((enum zf_slowpath_goto)g));
			missing_g++;
		}
	int missing = missing_l + missing_g;
	double sp = file_line_coverage(summary, "allocator/slowpath.c");
	printf(
	    "zonefuzz coverage: %llu inputs; slow path: %d of %d labels, %d of %d gotos reached; "
	    "allocator/slowpath.c line coverage %.2f%%\n",
	    (unsigned long long)total.inputs, ZF_NR_LABELS - missing_l, ZF_NR_LABELS,
	    ZF_NR_GOTOS - missing_g, ZF_NR_GOTOS, sp);
	printf("zonefuzz coverage: report %s/index.html, summary %s, events %s\n", html, summary,
	       p);
	if (missing)
		return 1;
	if (min_slowpath >= 0 && sp < min_slowpath) {
		printf("zonefuzz coverage: allocator/slowpath.c %.2f%% < --min-slowpath %.2f%%\n",
		       sp, min_slowpath);
		return 1;
	}
	return 0;
}
