/* SPDX-License-Identifier: MIT */
/*
 * bench_model.c - model throughput, printed as figures (never pass/fail).
 *
 *   zf-bench-model [--sizes 12,16,20,24] [--ops N] [--json FILE]
 *   zf-bench-model --pcp-pairs N [--sizes 20]
 *
 * For each machine size 2^k pages it measures, in the same run:
 *   baseline  bare pfn free-list pop+push (the floor any allocator pays)
 *   pcp       order-0 alloc+free pairs through the per-cpu lists
 *             (both: the best of ROUNDS rounds of ops/ROUNDS pairs, so that a
 *             round the host scheduler preempted on a loaded machine does not
 *             count; their ratio is taken in one process)
 *   mixed     orders 0..5, a bounded live set freed in random order
 *   pressure  GFP_KERNEL allocations on a machine full of clean page cache,
 *             every one through the slow path (kswapd off: direct reclaim)
 * plus machine init time and bytes of model state per simulated page.
 *
 * --pcp-pairs N runs nothing but exactly N order-0 pcp pairs on each machine
 * (N may be 0) and prints no figures: for instruction counts, e.g.
 * valgrind --tool=callgrind of N=100000 minus N=0, divided by 100000
 * (docs/benchmarks-model.md).
 *
 * --trace-events prints every event (all fields but the source line) of a
 * short run of the pcp, mixed and pressure workloads on a 2^14 machine:
 * scripts/fastpath-reference.sh compares it before and after a change.
 * Wall-clock time is allowed here: benchmarks are outside the model.
 */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "zonefuzz/machine.h"
#include "zonefuzz/events.h"
#include "zonefuzz/inspect.h"

static double now_sec(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t xorshift(uint64_t *s)
{
	uint64_t x = *s;
	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/* A machine of 2^k pages: DMA 4096 pages (or less), DMA32 up to 4 GiB, the rest NORMAL. */
static struct zf_machine *make_machine(unsigned int k, double *init_s)
{
	struct zf_config cfg;
	uint64_t total = 1ULL << k;
	uint64_t dma = total >= (1ULL << 14) ? 4096 : total / 4;
	uint64_t dma32 = total / 4;
	uint64_t normal;
	char err[256];

	if (dma32 > (1ULL << 20))
		dma32 = 1ULL << 20;
	normal = total - dma - dma32;
	zf_config_kernel(&cfg, dma, dma32, normal);
	cfg.swap_pages = 0;
	double t0 = now_sec();
	struct zf_machine *m = zf_machine_create(&cfg, err, sizeof(err));
	*init_s = now_sec() - t0;
	if (!m) {
		fprintf(stderr, "zf-bench-model: cannot create a 2^%u machine: %s\n", k, err);
		exit(2);
	}
	return m;
}

/*
 * The floor: a bare allocator that pops a pfn from a doubly-linked free list
 * and pushes it back, behind non-inlined alloc/free calls like the model's
 * API (LTO may still inline zf_alloc_pages() into bench_pcp(): the floor is
 * not flattered), over a page array laid out as the model's: 16 bytes per
 * pfn whose first 8 are the 32-bit next/prev links. Nothing else is done:
 * no checks, counters or state changes beyond the links and the count.
 */
struct bare_page {
	uint32_t next, prev;
	uint64_t state; /* the rest of the model's struct page: not touched */
};
struct bare_list {
	struct bare_page *p;
	uint32_t head;
	uint64_t count;
};

__attribute__((noinline)) static uint32_t bare_alloc(struct bare_list *l)
{
	uint32_t pfn = l->head;
	if (pfn == UINT32_MAX)
		return pfn;
	l->head = l->p[pfn].next;
	if (l->head != UINT32_MAX)
		l->p[l->head].prev = UINT32_MAX;
	l->count--;
	return pfn;
}

__attribute__((noinline)) static void bare_free(struct bare_list *l, uint32_t pfn)
{
	l->p[pfn].next = l->head;
	l->p[pfn].prev = UINT32_MAX;
	if (l->head != UINT32_MAX)
		l->p[l->head].prev = pfn;
	l->head = pfn;
	l->count++;
}

/* the floor and the pcp pair: best of ROUNDS rounds (see the top of the file) */
#define ROUNDS 100

static double bench_baseline(uint64_t npages, uint64_t ops)
{
	struct bare_list l = {.p = calloc(npages, sizeof(struct bare_page)), .head = 0};
	uint64_t per_round = ops / ROUNDS ? ops / ROUNDS : 1;
	volatile uint64_t sink = 0;
	double best = 0;

	if (!l.p)
		exit(2);
	for (uint64_t i = 0; i < npages; i++) {
		l.p[i].next = (uint32_t)(i + 1 < npages ? i + 1 : UINT32_MAX);
		l.p[i].prev = (uint32_t)(i ? i - 1 : UINT32_MAX);
	}
	l.count = npages;
	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_sec();
		for (uint64_t i = 0; i < per_round; i++) {
			uint32_t pfn = bare_alloc(&l);
			sink += pfn;
			bare_free(&l, pfn);
		}
		double dt = now_sec() - t0;
		if (r == 0 || dt < best)
			best = dt;
	}
	free(l.p);
	(void)sink;
	return best * 1e9 / (double)per_round;
}

/* exactly n pcp pairs, untimed (--pcp-pairs) */
static void run_pcp_pairs(struct zf_machine *m, uint64_t n)
{
	struct zf_alloc_request req = {
	    .task = 0, .gfp = ZF_GFP_KERNEL, .order = 0, .preferred_nid = -1};
	struct zf_alloc_result res;

	for (uint64_t i = 0; i < n; i++) {
		zf_alloc_pages(m, &req, &res);
		if (res.pfn == ZF_NO_PAGE) {
			fprintf(stderr, "zf-bench-model: pcp allocation failed\n");
			exit(2);
		}
		zf_free_pages(m, 0, res.pfn, 0);
	}
}

static double bench_pcp(struct zf_machine *m, uint64_t ops)
{
	struct zf_alloc_request req = {
	    .task = 0, .gfp = ZF_GFP_KERNEL, .order = 0, .preferred_nid = -1};
	struct zf_alloc_result res;
	uint64_t per_round = ops / ROUNDS ? ops / ROUNDS : 1;
	double best = 0;

	for (int r = 0; r < ROUNDS; r++) {
		double t0 = now_sec();
		for (uint64_t i = 0; i < per_round; i++) {
			zf_alloc_pages(m, &req, &res);
			if (res.pfn == ZF_NO_PAGE) {
				fprintf(stderr, "zf-bench-model: pcp allocation failed\n");
				exit(2);
			}
			zf_free_pages(m, 0, res.pfn, 0);
		}
		double dt = now_sec() - t0;
		if (r == 0 || dt < best)
			best = dt;
	}
	return best * 1e9 / (double)per_round;
}

#define LIVE 1024
static double bench_mixed(struct zf_machine *m, uint64_t ops)
{
	uint64_t live_pfn[LIVE];
	unsigned int live_order[LIVE];
	uint64_t seed = 0x9e3779b97f4a7c15ULL;
	struct zf_alloc_result res;
	size_t nlive = 0;

	double t0 = now_sec();
	for (uint64_t i = 0; i < ops; i++) {
		uint64_t r = xorshift(&seed);
		if (nlive == LIVE || (nlive && (r & 1))) {
			size_t victim = (size_t)((r >> 8) % nlive);
			zf_free_pages(m, 0, live_pfn[victim], live_order[victim]);
			live_pfn[victim] = live_pfn[nlive - 1];
			live_order[victim] = live_order[nlive - 1];
			nlive--;
		} else {
			struct zf_alloc_request req = {.task = 0,
						       .gfp = (r & 2) ? ZF_GFP_HIGHUSER_MOVABLE
								      : ZF_GFP_KERNEL,
						       .order = (unsigned int)((r >> 4) % 6),
						       .preferred_nid = -1};
			zf_alloc_pages(m, &req, &res);
			if (res.pfn != ZF_NO_PAGE) {
				live_pfn[nlive] = res.pfn;
				live_order[nlive++] = req.order;
			}
		}
	}
	double dt = now_sec() - t0;
	while (nlive) {
		nlive--;
		zf_free_pages(m, 0, live_pfn[nlive], live_order[nlive]);
	}
	return dt * 1e9 / (double)ops;
}

/*
 * Pressure: fill all memory with clean page cache owned by a task, then
 * allocate GFP_KERNEL pages; each allocation below the watermarks enters the
 * slow path and reclaims SWAP_CLUSTER_MAX pages of file LRU. Returns ns per
 * allocation and the fraction that went through the slow path.
 */
static double bench_pressure(struct zf_machine *m, uint64_t ops, double *slow_frac)
{
	struct zf_task_config tc = {.name = "bench", .cpu = 0, .oom_score_adj = 0};
	int t = zf_task_create(m, &tc);
	struct zf_alloc_request req = {
	    .task = t, .gfp = ZF_GFP_KERNEL, .order = 0, .preferred_nid = -1};
	struct zf_alloc_result res;
	struct zf_geometry g;
	uint64_t slow = 0, done = 0;

	zf_inspect_geometry(m, &g);
	zf_lru_fill(m, t, ZF_LRU_FILE, g.nr_pages, ZF_GFP_HIGHUSER_MOVABLE);
	double t0 = now_sec();
	for (uint64_t i = 0; i < ops; i++) {
		zf_alloc_pages(m, &req, &res);
		if (res.pfn == ZF_NO_PAGE)
			break;
		slow += res.slowpath;
		done++;
		/* keep the machine under pressure: hand the page to the page cache */
		zf_free_pages(m, t, res.pfn, 0);
		zf_lru_fill(m, t, ZF_LRU_FILE, 1, ZF_GFP_HIGHUSER_MOVABLE);
	}
	double dt = now_sec() - t0;
	*slow_frac = done ? (double)slow / (double)done : 0.0;
	return done ? dt * 1e9 / (double)done : 0.0;
}

/* --trace-events: one line per event, every field but the source line */
static void print_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	const char *file = ev->file ? ev->file : "-";

	(void)m;
	if (strrchr(file, '/')) /* the tree's own path is no behaviour */
		file = strrchr(file, '/') + 1;
	fprintf((FILE *)priv,
		"%llu %s label %u task %d zone %d order %u mt %u gfp %#x flags %#x pfn %llu "
		"a %lld b %lld c %lld j %llu %s %s\n",
		(unsigned long long)ev->seq, zf_event_name((enum zf_event_type)ev->type),
		(unsigned int)ev->label, (int)ev->task, (int)ev->zone_id, (unsigned int)ev->order,
		(unsigned int)ev->migratetype, (unsigned int)ev->gfp, (unsigned int)ev->alloc_flags,
		(unsigned long long)ev->pfn, (long long)ev->a, (long long)ev->b, (long long)ev->c,
		(unsigned long long)ev->jiffies, ev->func ? ev->func : "-", file);
}

static int trace_events(void)
{
	double init_s, slow_frac;
	struct zf_machine *m = make_machine(14, &init_s);
	struct zf_hooks h;

	memset(&h, 0, sizeof(h));
	h.on_event = print_event;
	h.priv = stdout;
	zf_machine_set_hooks(m, &h);
	run_pcp_pairs(m, 200);
	bench_mixed(m, 4000);
	bench_pressure(m, 400, &slow_frac);
	zf_machine_destroy(m);
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: zf-bench-model [--sizes 12,16,20,24] [--ops N] [--json FILE]\n"
		   "       zf-bench-model --pcp-pairs N [--sizes 20]\n"
		   "       zf-bench-model --trace-events\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {{"sizes", required_argument, NULL, 's'},
					     {"ops", required_argument, NULL, 'n'},
					     {"json", required_argument, NULL, 'j'},
					     {"pcp-pairs", required_argument, NULL, 'p'},
					     {"trace-events", no_argument, NULL, 't'},
					     {"help", no_argument, NULL, 'h'},
					     {NULL, 0, NULL, 0}};
	unsigned int sizes[8] = {12, 16, 20, 24};
	size_t nsizes = 4;
	uint64_t ops = 2000000;
	const char *json = NULL;
	bool pairs_only = false;
	uint64_t pairs = 0;
	int c;

	while ((c = getopt_long(argc, argv, "s:n:j:p:th", opts, NULL)) != -1) {
		switch (c) {
		case 's': {
			char *s = optarg, *end;
			nsizes = 0;
			while (*s && nsizes < 8) {
				unsigned long v = strtoul(s, &end, 10);
				if (end == s || v < 12 || v > 26) {
					fprintf(stderr,
						"zf-bench-model: --sizes: 12..26 expected\n");
					return 2;
				}
				sizes[nsizes++] = (unsigned int)v;
				s = (*end == ',') ? end + 1 : end;
			}
			break;
		}
		case 'n': {
			char *end;
			ops = strtoull(optarg, &end, 10);
			if (*end || ops == 0) {
				fprintf(stderr,
					"zf-bench-model: --ops: a positive integer expected\n");
				return 2;
			}
			break;
		}
		case 'j':
			json = optarg;
			break;
		case 'p': {
			char *end;
			pairs = strtoull(optarg, &end, 10);
			if (!*optarg || *end) {
				fprintf(stderr,
					"zf-bench-model: --pcp-pairs: an integer expected\n");
				return 2;
			}
			pairs_only = true;
			break;
		}
		case 't':
			return trace_events();
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}

	if (pairs_only) {
		for (size_t i = 0; i < nsizes; i++) {
			double init_s;
			struct zf_machine *m = make_machine(sizes[i], &init_s);

			run_pcp_pairs(m, pairs);
			zf_machine_destroy(m);
		}
		return 0;
	}

	FILE *jf = NULL;
	if (json) {
		jf = fopen(json, "w");
		if (!jf) {
			fprintf(stderr, "zf-bench-model: %s: cannot open\n", json);
			return 2;
		}
		fprintf(jf, "[\n");
	}
	printf("%-8s %10s %10s %10s %10s %12s %10s %10s %9s\n", "pages", "init_s", "B/page",
	       "base_ns", "pcp_ns", "pcp/base", "mixed_ns", "press_ns", "slow%");
	for (size_t i = 0; i < nsizes; i++) {
		double init_s, slow_frac;
		uint64_t npages = 1ULL << sizes[i];
		struct zf_machine *m = make_machine(sizes[i], &init_s);
		double bpp = (double)zf_machine_state_bytes(m) / (double)npages;
		double base = bench_baseline(npages, ops);
		double pcp = bench_pcp(m, ops);
		double mixed = bench_mixed(m, ops / 4);
		double press = bench_pressure(m, ops / 20 ? ops / 20 : 1, &slow_frac);
		printf("2^%-6u %10.3f %10.2f %10.2f %10.2f %12.2f %10.2f %10.2f %8.1f%%\n",
		       sizes[i], init_s, bpp, base, pcp, pcp / base, mixed, press,
		       slow_frac * 100.0);
		if (jf)
			fprintf(
			    jf,
			    "  {\"log2_pages\": %u, \"init_s\": %.4f, \"bytes_per_page\": %.2f, "
			    "\"baseline_ns\": %.2f, \"pcp_pair_ns\": %.2f, \"mixed_ns\": %.2f, "
			    "\"pressure_ns\": %.2f, \"pressure_slowpath_fraction\": %.3f}%s\n",
			    sizes[i], init_s, bpp, base, pcp, mixed, press, slow_frac,
			    i + 1 < nsizes ? "," : "");
		zf_machine_destroy(m);
	}
	if (jf) {
		fprintf(jf, "]\n");
		fclose(jf);
	}
	return 0;
}
