/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_threads.c - real concurrency in the model
 * (docs/concurrency.md, stress/threads.c).
 *
 * Sequential behaviour is unchanged by the per-CPU contexts: one seeded
 * operation stream gives the same final state (every page, zone, pcp list,
 * task and counter as the inspection API shows them) on a fresh machine, on
 * a machine reset with zf_machine_copy, on a threaded machine driven by one
 * thread that is not bound, and on a threaded machine driven by one thread
 * bound to CPU 0; with the oracles hooked in, none fires.
 *
 * Threaded behaviour: 2-4 threads, each bound to its CPU, run a bounded
 * random mix on one machine; afterwards the oracles' full walks are clean,
 * and the zones' counters add up: managed == free in the buddy + pcp +
 * allocated + isolated + poisoned + offline (docs/model-contract.md), and
 * once every thread gave back what it held and the pcp lists were drained,
 * every managed page is free again (nothing lost, nothing freed twice).
 *
 * Run it under ThreadSanitizer with the `tsan` preset:
 *   cmake --preset tsan && cmake --build build-tsan --target test_threads
 *   ./build-tsan/bin/test_threads
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <string.h>

#include "internal.h"
#include "zonefuzz/oracle.h"
#include "zonefuzz/stress_threads.h"
#include "zf_test.h"

/* ------------------------------------------------------------------ */
/* A state fingerprint through the inspection API                      */
/* ------------------------------------------------------------------ */

static void mix(uint64_t *h, const void *p, size_t n)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < n; i++) {
		*h ^= b[i];
		*h *= 0x100000001b3ULL;
	}
}

static uint64_t state_hash(const struct zf_machine *m)
{
	struct zf_geometry g;
	uint64_t h = 1469598103934665603ULL;

	zf_inspect_geometry(m, &g);
	for (uint64_t pfn = 0; pfn < g.nr_pages; pfn++) {
		struct zf_page_info pi;

		memset(&pi, 0, sizeof(pi));
		if (zf_inspect_page(m, pfn, &pi) == 0)
			mix(&h, &pi, sizeof(pi));
	}
	for (int z = 0; z < ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES; z++) {
		struct zf_zone_info zi;

		memset(&zi, 0, sizeof(zi));
		if (zf_inspect_zone(m, z, &zi) != 0)
			continue;
		zi.name = NULL;
		mix(&h, &zi, sizeof(zi));
		for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
			struct zf_pcp_info pc;

			memset(&pc, 0, sizeof(pc));
			if (zf_inspect_pcp(m, cpu, z, &pc) == 0)
				mix(&h, &pc, sizeof(pc));
		}
	}
	for (unsigned int t = 0; t < zf_inspect_nr_tasks(m); t++) {
		struct zf_task_info ti;

		memset(&ti, 0, sizeof(ti));
		if (zf_inspect_task(m, (int)t, &ti) != 0)
			continue;
		ti.name = NULL;
		mix(&h, &ti, sizeof(ti));
	}
	for (int i = 0; i < ZF_NR_VMSTAT; i++) {
		uint64_t v = zf_inspect_vmstat(m, (enum zf_vmstat_item)i);

		mix(&h, &v, sizeof(v));
	}
	{
		uint64_t j = zf_jiffies(m);

		mix(&h, &j, sizeof(j));
	}
	return h;
}

/* ------------------------------------------------------------------ */
/* A seeded operation stream                                           */
/* ------------------------------------------------------------------ */

static uint64_t rnd(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static const zf_gfp_t stream_gfp[] = {
    ZF_GFP_KERNEL,    ZF_GFP_ATOMIC_MASK,           ZF_GFP_NOWAIT,
    ZF_GFP_NOFS,      ZF_GFP_HIGHUSER_MOVABLE,      ZF_GFP_KERNEL | ZF_GFP_NORETRY,
    ZF_GFP_TRANSHUGE, ZF_GFP_KERNEL | ZF_GFP_DMA32,
};

#define LIVE_MAX 256

struct stream {
	uint64_t rng;
	int tasks[3];
	uint64_t pfn[LIVE_MAX];
	unsigned int order[LIVE_MAX];
	int owner[LIVE_MAX];
	unsigned int nlive;
	uint64_t ok, failed;
};

/* One operation of the mix stress/threads.c runs, on tasks of the caller's CPU. */
static void stream_op(struct zf_machine *m, struct stream *st)
{
	uint64_t r = rnd(&st->rng) % 100;
	int task = st->tasks[rnd(&st->rng) % 3];
	struct zf_task_info ti;

	if (zf_inspect_task(m, task, &ti) != 0 || !ti.alive)
		task = st->tasks[0];
	if (r < 45) {
		struct zf_alloc_request req = {0};
		struct zf_alloc_result res;
		zf_gfp_t gfp =
		    stream_gfp[rnd(&st->rng) % (sizeof(stream_gfp) / sizeof(*stream_gfp))];

		if (st->nlive == LIVE_MAX) {
			st->nlive--;
			zf_free_pages(m, st->owner[st->nlive], st->pfn[st->nlive],
				      st->order[st->nlive]);
		}
		req.task = task;
		req.gfp = gfp;
		req.order = gfp == ZF_GFP_TRANSHUGE ? 9 : (unsigned int)(rnd(&st->rng) % 4);
		req.preferred_nid = -1;
		if (zf_alloc_pages(m, &req, &res) == 0) {
			st->pfn[st->nlive] = res.pfn;
			st->order[st->nlive] = req.order;
			st->owner[st->nlive] = task;
			st->nlive++;
			st->ok++;
		} else {
			st->failed++;
		}
	} else if (r < 75) {
		if (st->nlive) {
			unsigned int i = (unsigned int)(rnd(&st->rng) % st->nlive);

			zf_free_pages(m, st->owner[i], st->pfn[i], st->order[i]);
			st->nlive--;
			st->pfn[i] = st->pfn[st->nlive];
			st->order[i] = st->order[st->nlive];
			st->owner[i] = st->owner[st->nlive];
		}
	} else if (r < 88) {
		zf_lru_fill(m, task, rnd(&st->rng) & 1 ? ZF_LRU_ANON : ZF_LRU_FILE,
			    1 + rnd(&st->rng) % 48, 0);
	} else if (r < 95) {
		zf_lru_release(m, task, rnd(&st->rng) & 1 ? ZF_LRU_ANON : ZF_LRU_FILE,
			       1 + rnd(&st->rng) % 32);
	} else if (r < 97) {
		zf_lru_dirty(m, task, 1 + rnd(&st->rng) % 16);
	} else if (r < 99) {
		zf_advance_time(m, 1 + rnd(&st->rng) % 4);
	} else {
		zf_drain_all_pages(m);
	}
}

/* Give back everything the stream holds (its blocks, its tasks' page cache and anon). */
static void stream_release(struct zf_machine *m, struct stream *st)
{
	while (st->nlive) {
		st->nlive--;
		zf_free_pages(m, st->owner[st->nlive], st->pfn[st->nlive], st->order[st->nlive]);
	}
	for (int k = 0; k < 3; k++) {
		zf_lru_release(m, st->tasks[k], ZF_LRU_ANON, UINT64_MAX);
		zf_lru_release(m, st->tasks[k], ZF_LRU_FILE, UINT64_MAX);
	}
}

static void stream_tasks(struct zf_machine *m, struct stream *st, unsigned int cpu, uint64_t seed)
{
	memset(st, 0, sizeof(*st));
	st->rng = seed;
	for (int k = 0; k < 3; k++) {
		struct zf_task_config tc = {0};

		tc.cpu = cpu;
		tc.oom_score_adj = k == 2 ? 300 : 0;
		st->tasks[k] = zf_task_create(m, &tc);
	}
}

static struct zf_machine *machine(bool threaded, unsigned int nr_cpus)
{
	struct zf_config cfg;
	char err[256];

	zf_config_kernel(&cfg, 1024, 4096, 11264); /* 64 MiB */
	cfg.nr_cpus = nr_cpus;
	cfg.swap_pages = 2048;
	cfg.threaded = threaded;
	cfg.seed = 7;
	cfg.max_retries = 1000;
	return zf_machine_create(&cfg, err, sizeof(err));
}

/* The reference run: 6000 operations of one stream, then the state's fingerprint. */
#define STREAM_OPS 6000

static uint64_t run_stream(struct zf_machine *m, uint64_t seed, struct zf_oracle_set *o)
{
	struct stream st;

	stream_tasks(m, &st, 0, seed);
	for (uint64_t i = 0; i < STREAM_OPS; i++) {
		if (o)
			zf_oracles_begin_op(o, m, i);
		stream_op(m, &st);
		if (o)
			zf_oracles_end_op(o, m, i);
	}
	return state_hash(m);
}

/* ------------------------------------------------------------------ */
/* Sequential machines: nothing changed                                */
/* ------------------------------------------------------------------ */

TEST(sequential_stream_is_a_function_of_its_input)
{
	struct zf_machine *a = machine(false, 2), *b = machine(false, 2);
	struct zf_machine *snap, *c;
	uint64_t ha, hb, hc;

	assert_true(a && b);
	snap = zf_machine_clone(a);
	assert_true(snap);
	ha = run_stream(a, 42, NULL);
	hb = run_stream(b, 42, NULL);
	expect_eq(ha, hb);
	/* the per-iteration reset of the fuzzers, then the same stream again */
	assert_eq(zf_machine_copy(a, snap), 0);
	expect_eq(run_stream(a, 42, NULL), ha);
	/* a copy in the same state (no thread bound, no allocation running) */
	c = zf_machine_clone(snap);
	assert_true(c);
	hc = run_stream(c, 42, NULL);
	expect_eq(hc, ha);
	expect_ne(run_stream(b, 43, NULL), ha); /* the stream really changes the state */
	zf_machine_destroy(a);
	zf_machine_destroy(b);
	zf_machine_destroy(c);
	zf_machine_destroy(snap);
	return true;
}

TEST(threaded_machine_with_one_thread_behaves_as_sequential)
{
	struct zf_machine *seq = machine(false, 2);
	struct zf_machine *thr = machine(true, 2);
	struct zf_machine *bnd = machine(true, 2);
	uint64_t h;

	assert_true(seq && thr && bnd);
	h = run_stream(seq, 99, NULL);
	/* real locks and atomics, one thread that is not bound */
	expect_eq(run_stream(thr, 99, NULL), h);
	/* one thread bound to CPU 0, where every task of the stream runs */
	assert_eq(zf_thread_bind_cpu(bnd, 0), 0);
	expect_eq(zf_thread_cpu(bnd), 0);
	expect_eq(run_stream(bnd, 99, NULL), h);
	expect_eq(zf_thread_unbind(bnd), 0);
	zf_machine_destroy(seq);
	zf_machine_destroy(thr);
	zf_machine_destroy(bnd);
	return true;
}

TEST(oracles_silent_on_the_sequential_stream)
{
	struct zf_machine *m = machine(false, 2);
	struct zf_oracle_options oo = {.walk_interval = 500};
	struct zf_oracle_set *o = zf_oracles_create(&oo);
	struct zf_hooks hk = {0};

	assert_true(m && o);
	hk.priv = o;
	hk.on_event = zf_oracles_event_hook;
	zf_machine_set_hooks(m, &hk);
	zf_oracles_reset(o, m);
	run_stream(m, 5, o);
	zf_oracles_finish(o, m);
	for (size_t i = 0; i < zf_oracles_nr_findings(o); i++) {
		char line[512];

		zf_finding_format(line, sizeof(line), zf_oracles_finding(o, i));
		fprintf(stderr, "  finding: %s\n", line);
	}
	expect_eq(zf_oracles_nr_findings(o), 0);
	zf_oracles_destroy(o);
	zf_machine_destroy(m);
	return true;
}

/* ------------------------------------------------------------------ */
/* Binding                                                             */
/* ------------------------------------------------------------------ */

struct bind_try {
	struct zf_machine *m;
	unsigned int cpu;
	int rc;
};

static void *bind_other_thread(void *p)
{
	struct bind_try *b = p;

	b->rc = zf_thread_bind_cpu(b->m, b->cpu);
	if (b->rc == 0)
		zf_thread_unbind(b->m);
	return NULL;
}

TEST(binding_rules)
{
	struct zf_machine *seq = machine(false, 2), *m = machine(true, 4), *copy;
	struct bind_try bt;
	pthread_t th;

	assert_true(seq && m);
	expect_eq(zf_thread_bind_cpu(seq, 0), -1); /* a sequential machine has no threads */
	expect_eq(zf_thread_bind_cpu(m, 4), -1);   /* no such CPU */
	expect_eq(zf_thread_cpu(m), -1);
	assert_eq(zf_thread_bind_cpu(m, 1), 0);
	expect_eq(zf_thread_cpu(m), 1);
	expect_eq(zf_thread_bind_cpu(m, 2), -1); /* one CPU per thread */
	/* one thread per CPU: CPU 1 is taken, CPU 2 is free */
	bt.m = m;
	bt.cpu = 1;
	assert_eq(pthread_create(&th, NULL, bind_other_thread, &bt), 0);
	pthread_join(th, NULL);
	expect_eq(bt.rc, -1);
	bt.cpu = 2;
	assert_eq(pthread_create(&th, NULL, bind_other_thread, &bt), 0);
	pthread_join(th, NULL);
	expect_eq(bt.rc, 0);
	/* the binding is not machine state: a reset keeps it, a clone has none */
	copy = zf_machine_clone(m);
	assert_true(copy);
	expect_eq(zf_thread_cpu(copy), -1);
	expect_eq(zf_machine_copy(m, copy), 0);
	expect_eq(zf_thread_cpu(m), 1);
	/* a thread bound to one machine runs unbound on another */
	expect_eq(zf_thread_bind_cpu(copy, 0), -1);
	expect_eq(zf_thread_unbind(copy), -1);
	expect_eq(zf_thread_unbind(m), 0);
	expect_eq(zf_thread_cpu(m), -1);
	expect_eq(zf_thread_unbind(m), -1);
	zf_machine_destroy(copy);
	zf_machine_destroy(seq);
	zf_machine_destroy(m);
	return true;
}

/* Independent machines in different threads share nothing. */
struct solo {
	uint64_t seed, hash;
};

static void *solo_main(void *p)
{
	struct solo *s = p;
	struct zf_machine *m = machine(false, 2);

	s->hash = m ? run_stream(m, s->seed, NULL) : 0;
	zf_machine_destroy(m);
	return NULL;
}

TEST(independent_machines_in_threads)
{
	struct solo s[3] = {{11, 0}, {12, 0}, {11, 0}};
	pthread_t th[3];
	struct zf_machine *m = machine(false, 2);
	uint64_t ref;

	assert_true(m);
	ref = run_stream(m, 11, NULL);
	for (int i = 0; i < 3; i++)
		assert_eq(pthread_create(&th[i], NULL, solo_main, &s[i]), 0);
	for (int i = 0; i < 3; i++)
		pthread_join(th[i], NULL);
	expect_eq(s[0].hash, ref);
	expect_eq(s[2].hash, ref);
	expect_ne(s[1].hash, ref);
	zf_machine_destroy(m);
	return true;
}

/* ------------------------------------------------------------------ */
/* Several threads on one machine                                      */
/* ------------------------------------------------------------------ */

struct worker {
	struct zf_machine *m;
	unsigned int cpu;
	uint64_t ops;
	struct stream st;
	pthread_barrier_t *start;
	int bind_rc;
};

static void *worker_main(void *p)
{
	struct worker *w = p;

	w->bind_rc = zf_thread_bind_cpu(w->m, w->cpu);
	pthread_barrier_wait(w->start);
	if (w->bind_rc)
		return NULL;
	for (uint64_t i = 0; i < w->ops; i++) {
		stream_op(w->m, &w->st);
		/* a task the OOM killer chose leaves from its own thread */
		for (int k = 0; k < 3; k++) {
			struct zf_task_info ti;

			if (zf_inspect_task(w->m, w->st.tasks[k], &ti) == 0 && ti.alive &&
			    (ti.flags & ZF_TASK_FATAL_SIGNAL))
				zf_task_exit(w->m, w->st.tasks[k]);
		}
	}
	stream_release(w->m, &w->st);
	zf_thread_unbind(w->m);
	return NULL;
}

/* managed == buddy + pcp + allocated + isolated + poisoned + offline, per zone */
static bool zone_totals_add_up(const struct zf_machine *m, uint64_t *free_total,
			       uint64_t *managed_total, uint64_t *allocated_total)
{
	bool ok = true;

	*free_total = *managed_total = *allocated_total = 0;
	for (int z = 0; z < ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES; z++) {
		struct zf_zone_info zi;
		uint64_t buddy = 0;

		if (zf_inspect_zone(m, z, &zi) != 0 || !zi.managed_pages)
			continue;
		for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++)
			buddy += zi.nr_free[o] << o;
		if (zi.managed_pages != buddy + zi.nr_pcp + zi.nr_allocated + zi.nr_isolated +
					    zi.nr_poisoned + zi.nr_offline) {
			fprintf(
			    stderr,
			    "  zone %s: managed %llu != buddy %llu + pcp %llu + allocated %llu + "
			    "isolated %llu\n",
			    zi.name, (unsigned long long)zi.managed_pages,
			    (unsigned long long)buddy, (unsigned long long)zi.nr_pcp,
			    (unsigned long long)zi.nr_allocated,
			    (unsigned long long)zi.nr_isolated);
			ok = false;
		}
		/* no ISOLATE blocks here: NR_FREE_PAGES is exactly the buddy's pages (spec §2) */
		if ((uint64_t)zi.nr_free_pages != buddy) {
			fprintf(stderr,
				"  zone %s: NR_FREE_PAGES %lld != %llu pages on free lists\n",
				zi.name, (long long)zi.nr_free_pages, (unsigned long long)buddy);
			ok = false;
		}
		*free_total += buddy;
		*managed_total += zi.managed_pages;
		*allocated_total += zi.nr_allocated;
	}
	return ok;
}

/* What is still allocated, for a failure message. */
static void dump_allocated(const struct zf_machine *m)
{
	struct zf_geometry g;
	unsigned int shown = 0;

	zf_inspect_geometry(m, &g);
	for (uint64_t pfn = 0; pfn < g.nr_pages && shown < 16; pfn++) {
		struct zf_page_info pi;
		struct zf_task_info ti;

		if (zf_inspect_page(m, pfn, &pi) || !(pi.flags & ZF_PG_HEAD))
			continue;
		memset(&ti, 0, sizeof(ti));
		zf_inspect_task(m, pi.owner, &ti);
		fprintf(stderr,
			"  still allocated: pfn %llu order %u flags 0x%x owner %d (alive %d, flags "
			"0x%x, rss %llu+%llu)\n",
			(unsigned long long)pfn, pi.order, pi.flags, pi.owner, ti.alive, ti.flags,
			(unsigned long long)ti.rss_anon, (unsigned long long)ti.rss_file);
		shown++;
	}
}

static bool oracle_walk_clean(const struct zf_machine *m)
{
	struct zf_oracle_options oo = {0};
	struct zf_oracle_set *o = zf_oracles_create(&oo);
	size_t n;

	if (!o)
		return false;
	zf_oracles_reset(o, m);
	zf_oracles_walk(o, m);
	n = zf_oracles_nr_findings(o);
	for (size_t i = 0; i < n; i++) {
		char line[512];

		zf_finding_format(line, sizeof(line), zf_oracles_finding(o, i));
		fprintf(stderr, "  finding: %s\n", line);
	}
	zf_oracles_destroy(o);
	return n == 0;
}

static bool run_threads(unsigned int nthreads, uint64_t ops, uint64_t seed)
{
	struct zf_machine *m = machine(true, nthreads);
	struct worker w[4];
	pthread_t th[4];
	pthread_barrier_t start;
	uint64_t free_pages, managed, allocated, allocs = 0;

	assert_true(m && nthreads <= 4);
	pthread_barrier_init(&start, NULL, nthreads);
	for (unsigned int i = 0; i < nthreads; i++) {
		w[i].m = m;
		w[i].cpu = i;
		w[i].ops = ops;
		w[i].start = &start;
		stream_tasks(m, &w[i].st, i, seed + i);
	}
	for (unsigned int i = 0; i < nthreads; i++)
		assert_eq(pthread_create(&th[i], NULL, worker_main, &w[i]), 0);
	for (unsigned int i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&start);
	for (unsigned int i = 0; i < nthreads; i++) {
		expect_eq(w[i].bind_rc, 0);
		allocs += w[i].st.ok;
	}
	expect_true(allocs > ops / 4); /* the threads did allocate */

	/* every thread parked (gone): the state must be consistent */
	expect_true(oracle_walk_clean(m));
	expect_true(zone_totals_add_up(m, &free_pages, &managed, &allocated));
	/*
	 * Each thread gave back its blocks and its tasks' pages; killed tasks
	 * exited. A page another CPU's reclaim or compaction held isolated
	 * while its owner walked the LRU was not seen by that walk and went back
	 * to the LRU afterwards (docs/concurrency.md): sweep once more, now
	 * that nobody runs. Then, with the pcp lists drained, every managed
	 * page is free: no page was lost or freed twice by the interleaving.
	 */
	for (int t = 0; t < (int)zf_inspect_nr_tasks(m); t++) {
		zf_lru_release(m, t, ZF_LRU_ANON, UINT64_MAX);
		zf_lru_release(m, t, ZF_LRU_FILE, UINT64_MAX);
	}
	zf_drain_all_pages(m);
	expect_true(zone_totals_add_up(m, &free_pages, &managed, &allocated));
	if (allocated)
		dump_allocated(m);
	expect_eq(allocated, 0);
	expect_eq(free_pages, managed);
	expect_true(oracle_walk_clean(m));
	zf_machine_destroy(m);
	return true;
}

TEST(two_threads_conserve_pages)
{
	return run_threads(2, 4000, 1000);
}

TEST(four_threads_conserve_pages)
{
	return run_threads(4, 3000, 2000);
}

/* The stress command's library: a bounded run with quiescent checks finds nothing. */
TEST(stress_run_bounded)
{
	struct zf_stress_options o;
	struct zf_stress_result r;

	zf_stress_options_default(&o);
	o.threads = 3;
	o.max_ops = 3000;
	o.duration_s = 120; /* the op bound ends it first */
	o.pages = 16384;
	o.quiesce_ms = 20;
	o.seed = 3;
	o.quiet = true;
	expect_eq(zf_stress_run(&o, &r), 0);
	expect_eq(r.threads, 3);
	expect_eq(r.total_ops, 3 * 3000);
	expect_true(r.checks >= 2); /* the fresh machine and the end, plus quiescent points */
	expect_eq(r.findings, 0);
	expect_false(r.hang);
	return true;
}

ZF_TEST_MAIN("threads", ZF_CASE(sequential_stream_is_a_function_of_its_input),
	     ZF_CASE(threaded_machine_with_one_thread_behaves_as_sequential),
	     ZF_CASE(oracles_silent_on_the_sequential_stream), ZF_CASE(binding_rules),
	     ZF_CASE(independent_machines_in_threads), ZF_CASE(two_threads_conserve_pages),
	     ZF_CASE(four_threads_conserve_pages), ZF_CASE(stress_run_bounded))
