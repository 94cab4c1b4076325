/* SPDX-License-Identifier: MIT */
/*
 * bench_oracles.c - what the oracles cost: model operations per second with
 * every oracle on and with none, on the same operation stream, in one run
 * (figures only, never pass/fail; docs/oracles.md "Cost of the oracles").
 *
 *   zf-bench-oracles [--inputs N] [--walk N] [--rounds R] [--seed S]
 *                    [--targets slowpath,interleave,buddy,gfp] [--only ORACLE]...
 *
 * The stream is N fuzz inputs (pseudo-random bytes of 16..256 operations,
 * splitmix64 of the seed and the input number, targets taken in turn, the
 * same generator as zf-soak) decoded once by the fuzz decoder into scenarios
 * (random geometries and profiles, every gfp class, the decoder's own
 * watchdog). Each round runs the whole stream twice, oracles off (no event
 * hook: each tracepoint costs one branch) and oracles on (every per-event
 * check, full walks every --walk operations as while fuzzing, and the final
 * walk), and times both; the best round of each is reported, so that a
 * noisy neighbour on the machine inflates neither side (times are the thread's
 * CPU time, for the same reason). Both sides execute
 * exactly the same operations: inputs are not stopped at a finding.
 * Wall-clock time is read here only: the model never sees it.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "decoder.h"
#include "zonefuzz/oracle.h"
#include "zonefuzz/scenario.h"

#define BO_MAX_LEN (ZF_DEC_HEADER + ZF_DEC_OP_SIZE * 256 + 8)

/*
 * CPU time of this thread, not wall time: the figures compare two runs of the
 * same stream, and on a shared machine wall time mostly measures the
 * neighbours (the model is single-threaded and does no IO).
 */
static double bo_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t bo_splitmix64(uint64_t *s)
{
	uint64_t z = (*s += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/* Input idx of the stream: the same bytes zf-soak generates for it. */
static size_t bo_input(uint64_t seed, uint64_t idx, enum zf_target_kind kind, uint8_t *buf)
{
	uint64_t s = seed * UINT64_C(0x2545f4914f6cdd1d) ^ (idx + 1);
	size_t nops = 16 + (size_t)(bo_splitmix64(&s) % 241);
	size_t len = ZF_DEC_HEADER + nops * ZF_DEC_OP_SIZE + (kind == ZF_TARGET_GFP ? 8 : 0);

	for (size_t i = 0; i < len; i += 8) {
		uint64_t r = bo_splitmix64(&s);
		for (size_t j = 0; j < 8 && i + j < len; j++)
			buf[i + j] = (uint8_t)(r >> (8 * j));
	}
	return len;
}

struct bo_ctx {
	struct zf_oracle_set *oracles;
};

static void bo_start(void *priv, struct zf_machine *m)
{
	struct bo_ctx *c = priv;
	zf_oracles_reset(c->oracles, m);
}

static void bo_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct bo_ctx *c = priv;
	zf_oracles_on_event(c->oracles, m, ev);
}

static void bo_begin(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct bo_ctx *c = priv;
	zf_oracles_begin_op(c->oracles, m, idx);
}

static bool bo_end(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct bo_ctx *c = priv;
	zf_oracles_end_op(c->oracles, m, idx);
	return false;
}

static void bo_finish(void *priv, struct zf_machine *m)
{
	struct bo_ctx *c = priv;
	zf_oracles_finish(c->oracles, m);
}

/* Run the stream once; returns seconds, *ops the operations executed. */
static double bo_run(const struct zf_scenario *sc, size_t n, struct zf_oracle_set *oracles,
		     uint64_t *ops, uint64_t *findings)
{
	struct bo_ctx ctx = {.oracles = oracles};
	struct zf_scenario_observer obs = {.priv = &ctx,
					   .start = bo_start,
					   .on_event = bo_event,
					   .begin_op = bo_begin,
					   .end_op = bo_end,
					   .finish = bo_finish};
	double t0 = bo_now();

	*ops = 0;
	*findings = 0;
	for (size_t i = 0; i < n; i++) {
		struct zf_scenario_result res;
		zf_scenario_run(&sc[i], NULL, oracles ? &obs : NULL, &res);
		*ops += res.ops_executed;
		if (oracles)
			*findings += zf_oracles_nr_findings(oracles);
	}
	return bo_now() - t0;
}

static int bo_parse_targets(const char *spec, enum zf_target_kind *t, unsigned int *n)
{
	char buf[256];
	char *save = NULL;

	*n = 0;
	snprintf(buf, sizeof(buf), "%s", spec);
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		int k = zf_target_parse(tok);
		if (k < 0 || k == ZF_TARGET_SCENARIO || *n == ZF_NR_TARGETS)
			return -1;
		t[(*n)++] = (enum zf_target_kind)k;
	}
	return *n ? 0 : -1;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"inputs", required_argument, NULL, 'n'},
	    {"walk", required_argument, NULL, 'w'},
	    {"rounds", required_argument, NULL, 'r'},
	    {"seed", required_argument, NULL, 's'},
	    {"targets", required_argument, NULL, 't'},
	    {"only", required_argument, NULL, 'o'},
	    {"on-only", no_argument, NULL, 'O'},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	bool on_only = false; /* for perf record: the oracles-on side alone */
	size_t n = 2000;
	unsigned int walk = 64, rounds = 3;
	uint64_t seed = 1, enabled = 0;
	enum zf_target_kind targets[ZF_NR_TARGETS];
	unsigned int nt = 0;
	int c;

	bo_parse_targets("slowpath,interleave,buddy,gfp", targets, &nt);
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			n = (size_t)strtoull(optarg, NULL, 0);
			break;
		case 'w':
			walk = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 'r':
			rounds = (unsigned int)strtoul(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 't':
			if (bo_parse_targets(optarg, targets, &nt)) {
				fprintf(stderr,
					"zf-bench-oracles: --targets: slowpath, interleave, "
					"buddy, gfp\n");
				return 2;
			}
			break;
		case 'o': {
			int i = zf_oracle_lookup(optarg);
			if (i < 0 || i >= 64) {
				fprintf(stderr, "zf-bench-oracles: --only: unknown oracle %s\n",
					optarg);
				return 2;
			}
			enabled |= UINT64_C(1) << i;
			break;
		}
		case 'O':
			on_only = true;
			break;
		case 'h':
			printf(
			    "usage: zf-bench-oracles [--inputs N] [--walk N] [--rounds R] [--seed S]\n"
			    "                        [--targets a,b] [--only ORACLE]... [--on-only]\n");
			return 0;
		default:
			return 2;
		}
	}
	if (!n || !rounds) {
		fprintf(stderr, "zf-bench-oracles: --inputs and --rounds must be positive\n");
		return 2;
	}

	struct zf_scenario *sc = calloc(n, sizeof(*sc));
	uint8_t *buf = malloc(BO_MAX_LEN);
	if (!sc || !buf) {
		fprintf(stderr, "zf-bench-oracles: out of memory\n");
		return 2;
	}
	for (size_t i = 0; i < n; i++) {
		enum zf_target_kind kind = targets[i % nt];
		size_t len = bo_input(seed, i, kind, buf);
		if (zf_decode(kind, buf, len, &sc[i], NULL)) {
			fprintf(stderr, "zf-bench-oracles: decoder out of memory\n");
			return 2;
		}
	}
	struct zf_oracle_options oo = {
	    .enabled = enabled, .walk_interval = walk, .max_findings = 64};
	struct zf_oracle_set *oracles = zf_oracles_create(&oo);
	if (!oracles) {
		fprintf(stderr, "zf-bench-oracles: cannot create the oracle set\n");
		return 2;
	}

	double best_off = 0, best_on = 0;
	uint64_t ops_off = 0, ops_on = 0, findings = 0;
	printf("zf-bench-oracles: %zu inputs, seed %" PRIu64 ", walks every %u ops, %s\n", n, seed,
	       walk, enabled ? "selected oracles" : "all oracles");
	printf("round   off_cpu_s  on_cpu_s   ops        off_ops/s    on_ops/s     on/off\n");
	for (unsigned int r = 0; r < rounds; r++) {
		double off = on_only ? 1.0 : bo_run(sc, n, NULL, &ops_off, &findings);
		double on = bo_run(sc, n, oracles, &ops_on, &findings);
		if (!r || off < best_off)
			best_off = off;
		if (!r || on < best_on)
			best_on = on;
		printf("%-7u %-10.3f %-10.3f %-10" PRIu64 " %-12.0f %-12.0f %.2f\n", r + 1, off, on,
		       ops_on, (double)ops_off / off, (double)ops_on / on,
		       ((double)ops_on / on) / ((double)ops_off / off));
	}
	if (ops_on != ops_off)
		fprintf(stderr,
			"zf-bench-oracles: the two runs executed %" PRIu64 " and %" PRIu64
			" operations\n",
			ops_off, ops_on);
	printf("best    %-10.3f %-10.3f %-10" PRIu64 " %-12.0f %-12.0f %.2f\n", best_off, best_on,
	       ops_on, (double)ops_off / best_off, (double)ops_on / best_on,
	       ((double)ops_on / best_on) / ((double)ops_off / best_off));
	printf("findings per pass (inputs not stopped): %" PRIu64 "\n", findings);

	zf_oracles_destroy(oracles);
	for (size_t i = 0; i < n; i++)
		zf_scenario_free(&sc[i]);
	free(sc);
	free(buf);
	return 0;
}
