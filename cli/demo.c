/* SPDX-License-Identifier: MIT */
/*
 * demo.c - `zonefuzz demo --out DIR`, the main job of ./run.sh: run every
 * embedded scenario with all oracles, write DIR/report.json and print a
 * one-screen summary (also saved as DIR/summary.txt).
 *
 * Kept to one small function on purpose: it is the slot where a short fuzz
 * campaign plus triage report will go later.
 */
#define _POSIX_C_SOURCE 200809L /* mkdir */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "cli.h"

#ifndef ZF_VERSION
#define ZF_VERSION "0.0.0"
#endif

/* mkdir -p */
static int zf_demo_mkdirs(const char *dir)
{
	char buf[4096];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(buf))
		return -1;
	memcpy(buf, dir, n + 1);
	for (size_t i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		char saved = buf[i];
		buf[i] = '\0';
		if (mkdir(buf, 0777) != 0 && errno != EEXIST)
			return -1;
		buf[i] = saved;
	}
	return 0;
}

static int zf_demo_write(const char *dir, const char *name, const char *text)
{
	char path[4200];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(text, f);
	return fclose(f);
}

int zf_cli_demo(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"out", required_argument, NULL, 'o'},
	    {"oracles", required_argument, NULL, 'O'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	const char *out_dir = "out";
	struct zf_cli_opts o;
	char err[256];
	int c;

	zf_cli_opts_default(&o);
	o.quiet = true;
	/* Full-state walks every 64 operations keep the job to seconds; the
	 * event-driven checks still see every event. */
	o.walk_interval = 64;
	o.walk_interval_set = true;
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "o:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			out_dir = optarg;
			break;
		case 'O':
			if (zf_cli_parse_oracles(&o, optarg, err, sizeof(err))) {
				fprintf(stderr, "zonefuzz: --oracles: %s\n", err);
				return ZF_EXIT_USAGE;
			}
			break;
		case 'h':
			printf("usage: zonefuzz demo [--out DIR] [--oracles all|none|a,b]\n");
			return ZF_EXIT_CLEAN;
		default:
			fprintf(stderr,
				"zonefuzz: demo: bad option (usage: zonefuzz demo --out DIR)\n");
			return ZF_EXIT_USAGE;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "zonefuzz: demo: unexpected argument %s\n", argv[optind]);
		return ZF_EXIT_USAGE;
	}
	if (zf_demo_mkdirs(out_dir)) {
		fprintf(stderr, "zonefuzz: %s: %s\n", out_dir, strerror(errno));
		return ZF_EXIT_USAGE;
	}

	cJSON *root = cJSON_CreateObject();
	cJSON *list = root ? cJSON_AddArrayToObject(root, "scenarios") : NULL;
	char *summary = NULL;
	size_t summary_len = 0;
	FILE *sf = open_memstream(&summary, &summary_len);
	uint64_t t_allocs = 0, t_mismatch = 0, t_errors = 0, t_findings = 0, t_bad = 0;

	if (!root || !list || !sf) {
		fprintf(stderr, "zonefuzz: demo: out of memory\n");
		cJSON_Delete(root);
		if (sf)
			fclose(sf);
		free(summary);
		return ZF_EXIT_USAGE;
	}
	cJSON_AddStringToObject(root, "tool", "zonefuzz");
	cJSON_AddStringToObject(root, "version", ZF_VERSION);
	cJSON_AddStringToObject(root, "job", "demo: every embedded scenario, all oracles");
	cJSON_AddBoolToObject(root, "oracles", zf_cli_have_oracles() && !o.oracles_off);

	fprintf(sf, "zonefuzz %s demo: %zu embedded scenarios, oracles %s\n", ZF_VERSION,
		zf_nr_embedded_scenarios,
		!zf_cli_have_oracles() ? "not built"
		: o.oracles_off        ? "off"
				       : "all");
	fprintf(sf, "%-34s %6s %6s %6s %7s %8s %6s %8s\n", "scenario", "allocs", "page", "fail",
		"aborted", "mismatch", "errors", "findings");
	for (size_t i = 0; i < zf_nr_embedded_scenarios; i++) {
		const struct zf_embedded_scenario *e = &zf_embedded_scenarios[i];
		cJSON *entry = cJSON_CreateObject();
		struct zf_scenario sc;
		struct zf_cli_outcome oc;

		if (!entry || !cJSON_AddItemToArray(list, entry)) {
			cJSON_Delete(entry);
			continue;
		}
		cJSON_AddStringToObject(entry, "name", e->name);
		if (zf_scenario_parse_json(e->text, e->len, &sc, err, sizeof(err))) {
			cJSON_AddStringToObject(entry, "error", err);
			fprintf(sf, "%-34.34s malformed: %s\n", e->name, err);
			t_bad++;
			continue;
		}
		if (sc.description)
			cJSON_AddStringToObject(entry, "description", sc.description);
		int rc = zf_cli_run_scenario(e->name, &sc, &o, entry, &oc);
		zf_scenario_free(&sc);
		if (!oc.ran) {
			cJSON_AddStringToObject(entry, "error", oc.res.error);
			fprintf(sf, "%-34.34s not run: %s\n", e->name, oc.res.error);
			t_bad++;
			continue;
		}
		cJSON *s = cJSON_AddObjectToObject(entry, "summary");
		if (s) {
			cJSON_AddNumberToObject(s, "ops", (double)oc.res.ops_executed);
			cJSON_AddNumberToObject(s, "allocs", (double)oc.res.nr_allocs);
			cJSON_AddNumberToObject(s, "page", (double)oc.res.nr_alloc_ok);
			cJSON_AddNumberToObject(s, "fail", (double)oc.res.nr_alloc_fail);
			cJSON_AddNumberToObject(s, "aborted", (double)oc.res.nr_alloc_aborted);
			cJSON_AddNumberToObject(s, "expectations",
						(double)oc.res.nr_expect_checked);
			cJSON_AddNumberToObject(s, "mismatches", (double)oc.res.nr_mismatches);
			cJSON_AddNumberToObject(s, "errors", (double)oc.res.nr_errors);
			cJSON_AddNumberToObject(s, "findings", (double)oc.nr_findings);
			cJSON_AddNumberToObject(s, "exit", rc);
		}
		fprintf(sf,
			"%-34.34s %6" PRIu64 " %6" PRIu64 " %6" PRIu64 " %7" PRIu64 " %8" PRIu64
			" %6" PRIu64 " %8zu\n",
			e->name, oc.res.nr_allocs, oc.res.nr_alloc_ok, oc.res.nr_alloc_fail,
			oc.res.nr_alloc_aborted, oc.res.nr_mismatches, oc.res.nr_errors,
			oc.nr_findings);
		t_allocs += oc.res.nr_allocs;
		t_mismatch += oc.res.nr_mismatches;
		t_errors += oc.res.nr_errors;
		t_findings += oc.nr_findings;
	}
	cJSON *tot = cJSON_AddObjectToObject(root, "totals");
	if (tot) {
		cJSON_AddNumberToObject(tot, "scenarios", (double)zf_nr_embedded_scenarios);
		cJSON_AddNumberToObject(tot, "not_run", (double)t_bad);
		cJSON_AddNumberToObject(tot, "allocs", (double)t_allocs);
		cJSON_AddNumberToObject(tot, "mismatches", (double)t_mismatch);
		cJSON_AddNumberToObject(tot, "errors", (double)t_errors);
		cJSON_AddNumberToObject(tot, "findings", (double)t_findings);
	}
	/* The first findings and mismatches, one line each. */
	unsigned int shown = 0;
	const cJSON *sc_entry;
	cJSON_ArrayForEach(sc_entry, list)
	{
		const cJSON *it;
		const char *nm =
		    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(sc_entry, "name"));
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sc_entry, "findings"))
		{
			const char *id =
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "oracle"));
			const char *msg =
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "message"));
			if (shown++ < 8)
				fprintf(sf, "  %s: FINDING %s: %.100s\n", nm ? nm : "?",
					id ? id : "?", msg ? msg : "");
		}
		cJSON_ArrayForEach(it, cJSON_GetObjectItemCaseSensitive(sc_entry, "messages"))
		{
			const char *k =
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "kind"));
			const char *path =
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "path"));
			const char *text =
			    cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(it, "text"));
			if (!k || strcmp(k, "note") == 0)
				continue;
			if (shown++ < 8)
				fprintf(sf, "  %s: %s %s: %.100s\n", nm ? nm : "?", k,
					path ? path : "?", text ? text : "");
		}
	}
	if (shown > 8)
		fprintf(sf, "  ... %u more in the report\n", shown - 8);
	fprintf(sf,
		"total: %" PRIu64 " allocations, %" PRIu64 " mismatches, %" PRIu64
		" errors, %" PRIu64 " findings, %" PRIu64 " scenarios not run\n",
		t_allocs, t_mismatch, t_errors, t_findings, t_bad);
	fprintf(sf, "report: %s/report.json\n", out_dir);
	fclose(sf);

	int ret = ZF_EXIT_CLEAN;
	char *json = cJSON_Print(root);
	if (!json || zf_demo_write(out_dir, "report.json", json) ||
	    zf_demo_write(out_dir, "summary.txt", summary ? summary : "")) {
		fprintf(stderr, "zonefuzz: %s: cannot write the report: %s\n", out_dir,
			strerror(errno));
		ret = ZF_EXIT_USAGE;
	}
	if (summary)
		fputs(summary, stdout);
	free(json);
	free(summary);
	cJSON_Delete(root);
	return ret;
}
