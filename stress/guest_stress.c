// SPDX-License-Identifier: MIT
/*
 * stress/guest_stress.c - zf-guest-stress: the in-guest model workload.
 *
 * Runs inside the stress VM next to stress-ng (docs/stress.md): random
 * allocation, free, page-cache/anon, time and background operations on a
 * model machine, with the oracles' full walks at intervals, then one
 * summary line for the bundle:
 *
 *   ZF-GUEST-STRESS ops=... allocs=... ok=... fail=... aborted=... ...
 *   ZF-FINDING <one line per oracle finding>
 *
 * The model stays a pure function of (config, seed, operations): the
 * operation stream comes from a local splitmix64 seeded by --seed. Only
 * the driver looks at a clock, to stop after --time seconds like stress-ng.
 * Exit status: 0 clean, 1 oracle findings, 2 usage or setup error.
 *
 * `--fragment MB [--time S]` is the other mode, no model involved: it
 * fragments the guest kernel's free memory for the compaction profile. It
 * faults in MB of anonymous 4 KiB pages (MADV_NOHUGEPAGE), gives back every
 * other page (MADV_DONTNEED), prints one line, and holds the rest until it
 * is killed or S seconds pass. The pages come from the buddy lists in
 * ascending runs, so the freed ones are order-0 holes between held movable
 * pages: free memory that a 2 MB request can only use after compaction
 * migrates the held pages (the pattern of the kernel's own
 * tools/testing/selftests/mm/compaction_test.c; ecosystem notes §7.4).
 */
#define _DEFAULT_SOURCE /* MADV_NOHUGEPAGE, MADV_DONTNEED */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "zonefuzz/gfp.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/machine.h"
#include "zonefuzz/oracle.h"

#define GS_TASKS   8
#define GS_HANDLES 4096

struct gs_handle {
	uint64_t pfn;
	unsigned int order;
	int task;
};

struct gs_state {
	struct zf_machine *m;
	struct zf_oracle_set *oracles;
	uint64_t rng;
	int tasks[GS_TASKS];
	struct gs_handle h[GS_HANDLES];
	size_t nh;
	/* counters */
	uint64_t ops, allocs, ok, fail, aborted, slowpath, ooms, frees, lru_in, lru_out;
	uint64_t tasks_respawned;
};

static uint64_t gs_rand(struct gs_state *s)
{
	uint64_t z = (s->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t gs_below(struct gs_state *s, uint64_t n)
{
	return n ? gs_rand(s) % n : 0;
}

/* The request mix: what kernel code asks for, weighted towards the common cases. */
static const zf_gfp_t gs_gfps[] = {
    ZF_GFP_KERNEL,
    ZF_GFP_KERNEL,
    ZF_GFP_HIGHUSER_MOVABLE,
    ZF_GFP_HIGHUSER_MOVABLE,
    ZF_GFP_ATOMIC_MASK,
    ZF_GFP_NOWAIT,
    ZF_GFP_NOFS,
    ZF_GFP_NOIO,
    ZF_GFP_KERNEL | ZF_GFP_NORETRY | ZF_GFP_NOWARN,
    ZF_GFP_KERNEL | ZF_GFP_REPEAT,
    ZF_GFP_TRANSHUGE | ZF_GFP_COMP,
    ZF_GFP_TRANSHUGE_LIGHT,
    ZF_GFP_KERNEL | ZF_GFP_DMA32,
    ZF_GFP_KERNEL | ZF_GFP_RECLAIMABLE,
};

static unsigned int gs_order(struct gs_state *s, zf_gfp_t gfp)
{
	uint64_t r = gs_below(s, 100);

	if (gfp == (ZF_GFP_TRANSHUGE | ZF_GFP_COMP) || gfp == ZF_GFP_TRANSHUGE_LIGHT)
		return 9; /* HPAGE_PMD_ORDER */
	if (r < 65)
		return 0;
	if (r < 90)
		return 1 + (unsigned int)gs_below(s, 3);
	return 4 + (unsigned int)gs_below(s, 7);
}

static void gs_free_handle(struct gs_state *s, size_t i)
{
	if (zf_free_pages(s->m, s->h[i].task, s->h[i].pfn, s->h[i].order) == 0)
		s->frees++;
	s->h[i] = s->h[--s->nh];
}

/* A dead task's handles are freed and a new task takes its slot. */
static void gs_respawn(struct gs_state *s, int slot)
{
	struct zf_task_config tc;
	struct zf_task_info ti;
	char name[16];
	int t = s->tasks[slot];

	if (t >= 0 && zf_inspect_task(s->m, t, &ti) == 0 && ti.alive)
		return;
	for (size_t i = 0; i < s->nh;)
		if (s->h[i].task == t)
			gs_free_handle(s, i);
		else
			i++;
	memset(&tc, 0, sizeof(tc));
	snprintf(name, sizeof(name), "worker%d", slot);
	tc.name = name;
	tc.cpu = (unsigned int)slot % zf_machine_config(s->m)->nr_cpus;
	tc.oom_score_adj = (int)(slot * 100);
	s->tasks[slot] = zf_task_create(s->m, &tc);
	if (t >= 0)
		s->tasks_respawned++;
}

static void gs_op(struct gs_state *s)
{
	uint64_t r = gs_below(s, 100);
	int slot = (int)gs_below(s, GS_TASKS);
	int task;

	gs_respawn(s, slot);
	task = s->tasks[slot];
	if (task < 0)
		return;

	if (r < 42) {
		struct zf_alloc_request req;
		struct zf_alloc_result res;

		if (s->nh == GS_HANDLES)
			gs_free_handle(s, (size_t)gs_below(s, s->nh));
		memset(&req, 0, sizeof(req));
		req.task = task;
		req.gfp = gs_gfps[gs_below(s, sizeof(gs_gfps) / sizeof(gs_gfps[0]))];
		req.order = gs_order(s, req.gfp);
		req.preferred_nid = -1;
		s->allocs++;
		if (zf_alloc_pages(s->m, &req, &res) != 0 && res.status != ZF_ALLOC_FAIL &&
		    res.status != ZF_ALLOC_ABORTED)
			return;
		s->slowpath += res.slowpath;
		s->ooms += res.oom_invoked;
		if (res.status == ZF_ALLOC_OK) {
			s->ok++;
			s->h[s->nh].pfn = res.pfn;
			s->h[s->nh].order = req.order;
			s->h[s->nh].task = task;
			s->nh++;
		} else if (res.status == ZF_ALLOC_ABORTED) {
			s->aborted++;
		} else {
			s->fail++;
		}
	} else if (r < 72) {
		if (s->nh)
			gs_free_handle(s, (size_t)gs_below(s, s->nh));
	} else if (r < 82) {
		enum zf_lru_kind k = gs_below(s, 2) ? ZF_LRU_FILE : ZF_LRU_ANON;

		s->lru_in += zf_lru_fill(s->m, task, k, 1 + gs_below(s, 256), 0);
		if (k == ZF_LRU_FILE && gs_below(s, 4) == 0)
			zf_lru_dirty(s->m, task, gs_below(s, 64));
		if (gs_below(s, 3) == 0)
			zf_lru_activate(s->m, task, k, gs_below(s, 64));
	} else if (r < 89) {
		s->lru_out += zf_lru_release(s->m, task, gs_below(s, 2) ? ZF_LRU_FILE : ZF_LRU_ANON,
					     1 + gs_below(s, 512));
	} else if (r < 95) {
		zf_advance_time(s->m, 1 + gs_below(s, 100));
	} else if (r < 97) {
		zf_run_kswapd(s->m, 0);
	} else if (r < 98) {
		zf_run_kcompactd(s->m, 0);
	} else if (r < 99) {
		zf_drain_all_pages(s->m);
	} else {
		zf_compact_node(s->m, -1);
	}
}

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int fragment_main(uint64_t mb, double hold_s)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE), len = (size_t)mb << 20, faulted = 0, freed = 0;
	struct timespec half = {0, 500 * 1000 * 1000};
	double t0 = mono_s();
	char *p;

	if (!mb || page < 4096) {
		fprintf(stderr, "zf-guest-stress: --fragment needs a size in MiB\n");
		return 2;
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED) {
		perror("zf-guest-stress: mmap");
		return 2;
	}
	/* 4 KiB pages even with THP "always": a huge page would not fragment anything */
	madvise(p, len, MADV_NOHUGEPAGE);
	for (size_t off = 0; off < len; off += page, faulted++)
		p[off] = 1;
	for (size_t off = page; off < len; off += 2 * page)
		freed += madvise(p + off, page, MADV_DONTNEED) == 0;
	printf("ZF-FRAGMENT faulted=%zu freed=%zu held=%zu page=%zu elapsed_s=%.2f\n", faulted,
	       freed, faulted - freed, page, mono_s() - t0);
	fflush(stdout);
	while (hold_s <= 0 || mono_s() - t0 < hold_s)
		nanosleep(&half, NULL);
	munmap(p, len);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: zf-guest-stress [--time S] [--ops N] [--seed N] [--pages N] [--cpus N]\n"
		"                       [--walk N] [--profile 4.12|...] [--bugs B11,...]\n"
		"       zf-guest-stress --fragment MB [--time S]\n");
}

int main(int argc, char **argv)
{
	struct gs_state *s = calloc(1, sizeof(*s));
	struct zf_config cfg;
	struct zf_oracle_options oo;
	struct zf_hooks hooks;
	char err[256];
	double time_s = 0, t0;
	uint64_t max_ops = 0, seed = 1, pages = 131072, fragment_mb = 0;
	unsigned int walk = 1000, cpus = 2;
	enum zf_profile_id profile = ZF_PROFILE_4_12;
	uint32_t bugs = 0;
	size_t nf;
	int rc;

	if (!s)
		return 2;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!v) {
			usage();
			return 2;
		}
		i++;
		if (!strcmp(a, "--time"))
			time_s = strtod(v, NULL);
		else if (!strcmp(a, "--fragment"))
			fragment_mb = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--ops"))
			max_ops = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--seed"))
			seed = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--pages"))
			pages = strtoull(v, NULL, 0);
		else if (!strcmp(a, "--cpus"))
			cpus = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--walk"))
			walk = (unsigned int)strtoul(v, NULL, 0);
		else if (!strcmp(a, "--profile")) {
			if (zf_profile_parse(v, &profile)) {
				fprintf(stderr, "zf-guest-stress: unknown profile '%s'\n", v);
				return 2;
			}
		} else if (!strcmp(a, "--bugs")) {
			char buf[128], *save = NULL;

			snprintf(buf, sizeof(buf), "%s", v);
			for (char *b = strtok_r(buf, ",", &save); b;
			     b = strtok_r(NULL, ",", &save)) {
				uint32_t bit;

				if (zf_bug_parse(b, &bit)) {
					fprintf(stderr, "zf-guest-stress: unknown bug '%s'\n", b);
					return 2;
				}
				bugs |= bit;
			}
		} else {
			usage();
			return 2;
		}
	}
	if (fragment_mb) {
		free(s);
		return fragment_main(fragment_mb, time_s);
	}
	if (!time_s && !max_ops)
		max_ops = 100000;
	if (pages < 8192)
		pages = 8192;

	/* a small x86-64 machine: DMA 16 MiB, DMA32 up to 3/8 of it, NORMAL the rest */
	zf_config_kernel(&cfg, 4096, pages * 3 / 8, pages - 4096 - pages * 3 / 8);
	cfg.nr_cpus = cpus ? (cpus > ZF_MAX_CPUS ? ZF_MAX_CPUS : cpus) : 1;
	cfg.seed = seed;
	cfg.profile = profile;
	cfg.bugs = bugs;
	cfg.swap_pages = pages / 4;
	s->m = zf_machine_create(&cfg, err, sizeof(err));
	if (!s->m) {
		fprintf(stderr, "zf-guest-stress: %s\n", err);
		return 2;
	}
	memset(&oo, 0, sizeof(oo));
	oo.walk_interval = walk;
	s->oracles = zf_oracles_create(&oo);
	if (!s->oracles) {
		fprintf(stderr, "zf-guest-stress: cannot create the oracles\n");
		return 2;
	}
	zf_oracles_reset(s->oracles, s->m);
	memset(&hooks, 0, sizeof(hooks));
	hooks.priv = s->oracles;
	hooks.on_event = zf_oracles_event_hook;
	zf_machine_set_hooks(s->m, &hooks);
	s->rng = seed;
	for (int i = 0; i < GS_TASKS; i++)
		s->tasks[i] = -1;

	t0 = mono_s();
	while (!max_ops || s->ops < max_ops) {
		if (time_s > 0 && (s->ops & 255) == 0 && mono_s() - t0 >= time_s)
			break;
		zf_oracles_begin_op(s->oracles, s->m, s->ops);
		gs_op(s);
		zf_oracles_end_op(s->oracles, s->m, s->ops);
		s->ops++;
	}
	while (s->nh)
		gs_free_handle(s, s->nh - 1);
	zf_oracles_finish(s->oracles, s->m);
	nf = zf_oracles_nr_findings(s->oracles);

	printf("ZF-GUEST-STRESS ops=%llu allocs=%llu ok=%llu fail=%llu aborted=%llu "
	       "slowpath=%llu ooms=%llu frees=%llu lru_in=%llu lru_out=%llu respawned=%llu "
	       "findings=%zu dropped=%llu jiffies=%llu pages=%llu cpus=%u seed=%llu profile=%s "
	       "elapsed_s=%.2f\n",
	       (unsigned long long)s->ops, (unsigned long long)s->allocs, (unsigned long long)s->ok,
	       (unsigned long long)s->fail, (unsigned long long)s->aborted,
	       (unsigned long long)s->slowpath, (unsigned long long)s->ooms,
	       (unsigned long long)s->frees, (unsigned long long)s->lru_in,
	       (unsigned long long)s->lru_out, (unsigned long long)s->tasks_respawned, nf,
	       (unsigned long long)zf_oracles_nr_dropped(s->oracles),
	       (unsigned long long)zf_jiffies(s->m), (unsigned long long)pages, cfg.nr_cpus,
	       (unsigned long long)seed, zf_profile_name(profile), mono_s() - t0);
	for (size_t i = 0; i < nf && i < 32; i++) {
		char line[512];

		zf_finding_format(line, sizeof(line), zf_oracles_finding(s->oracles, i));
		printf("ZF-FINDING %s\n", line);
	}
	rc = nf ? 1 : 0;
	zf_oracles_destroy(s->oracles);
	zf_machine_destroy(s->m);
	free(s);
	return rc;
}
