/* SPDX-License-Identifier: MIT */
/*
 * test_corpus_labels - replays the committed seed corpus (corpus/<t>/seeds)
 * of every ops/v2 target through the fuzz harness with an event hook that
 * counts the labels and gotos of __alloc_pages_slowpath (events.h), and
 * fails naming every label or goto that no seed reaches, every gfp class of
 * a target's decoder table that no seed of that target uses, and every seed
 * with an oracle finding (the harness runs with all oracles, no abort).
 * A seed whose scenarios/NAME.json says "_expect_finding": "ORACLE_ID"
 * documents a known finding of the unmodified model (a faithful kernel
 * behaviour an oracle reports): it must report exactly that oracle.
 *
 *   test_corpus_labels CORPUS_DIR [-v]     (-v: the gotos each seed reaches)
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "campaign_util.h"
#include "harness.h"

/* "_expect_finding" of corpus/<t>/scenarios/<seed>.json, or "" */
static void expected_finding(const char *corpus, const char *target, const char *seed, char *out,
			     size_t len)
{
	char p[ZF_CU_PATH];
	size_t n;

	out[0] = '\0';
	zf_cu_pathf(p, sizeof(p), "%s/%s/scenarios/%s.json", corpus, target, seed);
	char *txt = (char *)zf_cu_read_file(p, &n);
	cJSON *doc = txt ? cJSON_ParseWithLength(txt, n) : NULL;
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(doc, "_expect_finding");
	if (cJSON_IsString(e))
		snprintf(out, len, "%s", e->valuestring);
	cJSON_Delete(doc);
	free(txt);
}

int main(int argc, char **argv)
{
	static struct zf_fuzz_cov total, per_target, per_seed;
	bool verbose = argc > 2 && !strcmp(argv[2], "-v");
	int failures = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: %s CORPUS_DIR [-v]\n", argv[0]);
		return 2;
	}
	/* findings are reported and counted, not aborted on, so every seed runs */
	setenv("ZF_FUZZ_NO_ABORT", "1", 1);
	for (int t = 0; t < ZF_NR_TARGETS; t++) {
		enum zf_target_kind kind = (enum zf_target_kind)t;
		char dir[ZF_CU_PATH], p[ZF_CU_PATH];
		size_t n = 0;

		if (kind == ZF_TARGET_SCENARIO)
			continue;
		memset(&per_target, 0, sizeof(per_target));
		zf_cu_pathf(dir, sizeof(dir), "%s/%s/seeds", argv[1], zf_target_name(kind));
		char **names = zf_cu_list_files(dir, &n);
		if (!n) {
			fprintf(stderr, "FAIL %s: no seeds in %s\n", zf_target_name(kind), dir);
			failures++;
		}
		for (size_t i = 0; i < n; i++) {
			size_t len;
			zf_cu_pathf(p, sizeof(p), "%s/%s", dir, names[i]);
			uint8_t *data = zf_cu_read_file(p, &len);
			if (!data) {
				fprintf(stderr, "FAIL %s: unreadable\n", p);
				failures++;
				continue;
			}
			char expect[64];
			expected_finding(argv[1], zf_target_name(kind), names[i], expect,
					 sizeof(expect));
			memset(&per_seed, 0, sizeof(per_seed));
			/* a documented known finding is reported, not counted as new */
			zf_fuzz_set_ignore(expect);
			zf_fuzz_count_into(&per_seed);
			zf_fuzz_one(kind, data, len);
			zf_fuzz_count_into(NULL);
			free(data);
			if (per_seed.findings) {
				fprintf(stderr, "FAIL %s: the seed has an oracle finding (above)\n",
					p);
				failures++;
			}
			if (expect[0] && !per_seed.known_findings) {
				fprintf(stderr,
					"FAIL %s: the documented finding %s did not happen\n", p,
					expect);
				failures++;
			}
			if (verbose) {
				printf("%s/%s:", zf_target_name(kind), names[i]);
				for (int g = 0; g < ZF_NR_GOTOS; g++)
					if (per_seed.gotos[g])
						printf(" %s", zf_slowpath_goto_name(
								  (enum zf_slowpath_goto)g));
				printf("\n");
			}
			per_target.inputs++;
			for (int l = 0; l < ZF_NR_LABELS; l++)
				per_target.labels[l] += per_seed.labels[l];
			for (int g = 0; g < ZF_NR_GOTOS; g++)
				per_target.gotos[g] += per_seed.gotos[g];
			for (int c = 0; c < ZF_DEC_MAX_GFP_CLASSES; c++)
				per_target.gfp_classes[c] += per_seed.gfp_classes[c];
		}
		zf_cu_free_names(names, n);

		/* every gfp class of this target's table is used by some seed */
		const zf_gfp_t *tab;
		size_t nc = zf_decoder_gfp_classes(kind, &tab);
		for (size_t c = 0; c < nc; c++) {
			if (!per_target.gfp_classes[c]) {
				char g[256];
				zf_gfp_format(g, sizeof(g), tab[c]);
				fprintf(stderr, "FAIL %s: gfp class %zu (%s) is used by no seed\n",
					zf_target_name(kind), c, g);
				failures++;
			}
		}
		total.inputs += per_target.inputs;
		for (int l = 0; l < ZF_NR_LABELS; l++)
			total.labels[l] += per_target.labels[l];
		for (int g = 0; g < ZF_NR_GOTOS; g++)
			total.gotos[g] += per_target.gotos[g];
	}

	for (int l = 0; l < ZF_NR_LABELS; l++) {
		if (!total.labels[l]) {
			fprintf(stderr, "FAIL label %s: reached by no seed\n",
				zf_slowpath_label_name((enum zf_slowpath_label)l));
			failures++;
		}
	}
	for (int g = 0; g < ZF_NR_GOTOS; g++) {
		if (!total.gotos[g]) {
			fprintf(stderr, "FAIL goto %s (%s): taken by no seed\n",
				zf_slowpath_goto_name((enum zf_slowpath_goto)g),
				zf_slowpath_goto_doc((enum zf_slowpath_goto)g));
			failures++;
		}
	}
	printf("%llu seeds, %d problem(s)\n", (unsigned long long)total.inputs, failures);
	return failures ? 1 : 0;
}
