/* SPDX-License-Identifier: MIT */
/*
 * targets/harness.h - what every fuzz target does with one input: decode it,
 * run it with the oracles on, and turn a finding into one stable,
 * assert-style line followed by abort(), so libFuzzer, AFL++, ClusterFuzz
 * and CASR classify and deduplicate findings as they are.
 */
#ifndef ZONEFUZZ_TARGETS_HARNESS_H
#define ZONEFUZZ_TARGETS_HARNESS_H

#include <stddef.h>
#include <stdint.h>

#include "decoder.h"

/*
 * Run one input for a target. Returns 0; on an oracle finding prints
 *   zonefuzz: ASSERTION FAILED: <ORACLE_ID> in <model function>: <message>
 * then the decoded scenario tail and the zone state, and calls abort().
 * Environment (read once): ZF_BUGS=B11,B12 (planted bugs; never chosen by
 * the input), ZF_ORACLES=all|none|a,b, ZF_FUZZ_NO_ABORT=1 (report, don't abort),
 * ZF_FUZZ_IGNORE=ORACLE_ID[@function[~text]],... (known findings: neither stop the
 * run nor abort; campaigns and benchmarks use it to look past them),
 * ZF_FUZZ_WALK=N (oracle full walks every N operations instead of the
 * input's interval; 0: only at the end; "input": at the input's interval on
 * every input; unset: only at the end, and an input with a finding is run
 * again at its interval, which is the run reported), ZF_FUZZ_DIFF=1 (with ZF_BUGS: a
 * finding counts only if the same input without the planted bugs does not
 * report the same oracle in the same function; planted-bug benchmarks).
 */
int zf_fuzz_one(enum zf_target_kind kind, const uint8_t *data, size_t size);

/*
 * The same for a scenario file (JSON, zonefuzz run's format) instead of a
 * decoder input: parsed, run under the oracles with full walks every 64
 * operations (ZF_FUZZ_WALK as above) and judged and reported alike. Not a fuzz
 * target (the scenario target fuzzes the parser): zf-replay-json runs the
 * hand-written scenarios of tests/ and cli/ the way the replay binaries run
 * a corpus, so scripts/mutation_test.py can use them as inputs. A file that
 * does not parse prints one line and counts as a clean run.
 */
int zf_fuzz_one_json(const uint8_t *data, size_t size);

/*
 * Slow-path coverage counted from the model's events, not from line
 * coverage: how often every label and goto of __alloc_pages_slowpath (and
 * every gfp class of the decoder's tables) was reached. `zonefuzz coverage`
 * and the corpus ctest use it to name what the corpus never reaches.
 */
struct zf_fuzz_cov {
	uint64_t inputs;
	uint64_t findings;       /* inputs with an oracle finding (ZF_FUZZ_NO_ABORT=1 runs) */
	uint64_t known_findings; /* inputs whose findings were all known (ZF_FUZZ_IGNORE) */
	uint64_t labels[ZF_NR_LABELS];
	uint64_t gotos[ZF_NR_GOTOS];
	uint64_t gfp_classes[ZF_DEC_MAX_GFP_CLASSES]; /* decoded alloc ops per class index */
};

/* Replace the ZF_FUZZ_IGNORE list (same syntax; NULL or "": none). */
void zf_fuzz_set_ignore(const char *list);

/* Count into cov from now on (NULL: stop). Not thread-safe, like the engines. */
void zf_fuzz_count_into(struct zf_fuzz_cov *cov);
/* Text form: "inputs N", "label NAME N", "goto NAME N", "gfp INDEX N" lines. */
int zf_fuzz_cov_write(const struct zf_fuzz_cov *cov, const char *path);
/* Add a file written by zf_fuzz_cov_write() to cov (unknown lines are skipped). 0 or -1. */
int zf_fuzz_cov_read(struct zf_fuzz_cov *cov, const char *path);

#endif /* ZONEFUZZ_TARGETS_HARNESS_H */
