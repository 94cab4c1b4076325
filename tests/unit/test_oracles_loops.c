// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_oracles_loops.c - ZF_INV_LIVELOCK, ZF_INV_KSWAPD and
 * ZF_INV_COMPACTION: silent on the model where it terminates and behaves,
 * firing on 4.12's real livelock (GFP_NOFS fake progress, spec §5.9/§5.10),
 * on the watchdog, on planted bug B17 and on crafted compaction state.
 */
#include "test_oracles_fixture.h"

static void cfg_tight(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->swap_pages = 0;
	cfg->max_retries = 100;
}

/* ---- livelock ---- */

/*
 * GFP_NOFS with nothing reclaimable and nobody to kill: out_of_memory() returns
 * "progress" without killing (!__GFP_FS), no_progress_loops resets and 4.12
 * retries forever. Known finding about 4.12 (§5.10 "unbounded by design").
 */
TEST(livelock_gfp_nofs_fake_progress_is_reported)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("livelock"), 0, ZF_TASK_UNKILLABLE));
	ofix_exhaust(&f, f.task[0]);
	ofix_alloc(&f, f.task[1], ZF_GFP_NOFS, 0, &res);
	expect_eq(res.status, ZF_ALLOC_ABORTED);
	/* the oracle speaks before the watchdog: bound 16 + 0 + 0 + 1 for order 0 */
	expect_true(ofix_has(&f, "livelock", "no outside progress"));
	expect_true(ofix_has(&f, "livelock", "watchdog"));
	const struct zf_finding *first = zf_oracles_finding(f.s, 0);
	assert_true(first != NULL);
	expect_true(strstr(first->message, "watchdog") == NULL);
	expect_eq(first->gfp, ZF_GFP_NOFS);
	ofix_fini(&f);
	return true;
}

/* The same exhausted machine: GFP_KERNEL fails cleanly (nobody to kill), NORETRY too. */
TEST(livelock_silent_when_the_request_terminates)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("livelock"), 0, ZF_TASK_UNKILLABLE));
	ofix_exhaust(&f, f.task[0]);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL, 0, &res);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_NORETRY, 2, &res);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_REPEAT, 5, &res);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	if (zf_oracles_nr_findings(f.s))
		ofix_dump(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

/* An OOM kill is outside progress: the victim's exit frees what the request needs. */
TEST(livelock_silent_when_the_oom_killer_makes_room)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("livelock"), 0));
	/* task 0 owns all anon memory (no swap): the OOM killer's victim */
	zf_lru_fill(f.m, f.task[0], ZF_LRU_ANON, 20000, 0);
	zf_oracles_reset(f.s, f.m);
	for (int i = 0; i < 20; i++) {
		ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL, 0, &res);
		expect_eq(res.status, ZF_ALLOC_OK);
	}
	if (zf_oracles_nr_findings(f.s))
		ofix_dump(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

TEST(livelock_watchdog_event_is_always_a_finding)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("livelock"), 0));
	ofix_event(&f, ZF_EV_WATCHDOG, 0, -1, ZF_NO_PAGE, 0, 10001, 0, 0, f.task[0], ZF_GFP_KERNEL,
		   0);
	expect_true(ofix_has(&f, "livelock", "watchdog stopped an allocation after 10001"));
	ofix_fini(&f);
	return true;
}

/* ---- kswapd ---- */

/*
 * B17: a node with nothing reclaimable (kernel memory, no swap). After 16
 * balance runs without progress 4.12 lets kswapd sleep and refuses to wake it;
 * B17 keeps it running at every sleep.
 */
static size_t run_b17(bool planted, unsigned int *failures)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	if (planted)
		cfg.bugs = ZF_BUG_B17;
	if (!ofix_init_tasks(&f, &cfg, ofix_only("kswapd"), 0, ZF_TASK_UNKILLABLE))
		return (size_t)-1;
	ofix_exhaust(&f, f.task[0]);
	for (int i = 0; i < 40; i++) {
		ofix_alloc(&f, f.task[1], ZF_GFP_NOWAIT, 0, &res); /* wakes kswapd */
		zf_advance_time(f.m, 10);
	}
	struct zf_node_info ni;
	zf_inspect_node(f.m, 0, &ni);
	*failures = ni.kswapd_failures;
	size_t n = ofix_count(&f, "kswapd");
	ofix_fini(&f);
	return n;
}

TEST(kswapd_catches_planted_b17)
{
	unsigned int failures;
	expect_eq(run_b17(false, &failures), 0);
	expect_eq(failures, 16); /* MAX_RECLAIM_RETRIES, then asleep */
	expect_eq(run_b17(true, &failures), 1);
	expect_true(failures > 16);
	return true;
}

TEST(kswapd_woken_on_a_balanced_node_or_a_hopeless_one)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("kswapd"), 0));
	/* a fresh node is balanced at HIGH for any classzone */
	ofix_event(&f, ZF_EV_WAKE_KSWAPD, 0, 2, ZF_NO_PAGE, 0, 1, ZONE_NORMAL, 0, f.task[0],
		   ZF_GFP_KERNEL, 0);
	expect_true(ofix_has(&f, "kswapd", "although it is balanced"));
	/* 16 balance runs that reclaimed nothing on an unbalanced node, then a wakeup */
	struct zone *z = &f.m->nodes[0].node_zones[ZONE_NORMAL];
	int64_t saved = z->vm_stat[NR_FREE_PAGES];
	for (int zi = 0; zi < ZF_MAX_NR_ZONES; zi++)
		f.m->nodes[0].node_zones[zi].vm_stat[NR_FREE_PAGES] -= saved; /* look empty */
	for (int i = 1; i <= 16; i++)
		ofix_event(&f, ZF_EV_KSWAPD_BALANCE, 0, 2, ZF_NO_PAGE, 0, 0, i, 0, -1, 0, 0);
	ofix_event(&f, ZF_EV_KSWAPD_SLEEP, 0, 2, ZF_NO_PAGE, 0, 0, 0, 16, -1, 0, 0);
	ofix_event(&f, ZF_EV_WAKE_KSWAPD, 0, 2, ZF_NO_PAGE, 0, 1, ZONE_NORMAL, 16, f.task[0],
		   ZF_GFP_KERNEL, 0);
	expect_true(ofix_has(&f, "kswapd", "kswapd woken on node 0 after 16"));
	ofix_fini(&f);
	return true;
}

/* ---- compaction ---- */

TEST(compaction_silent_on_fragmented_memory)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	zf_config_default(&cfg);
	cfg.swap_pages = 2048;
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 1));
	/* movable pages everywhere, every other one released: compaction has work */
	zf_lru_fill(f.m, f.task[0], ZF_LRU_FILE, 6000, 0);
	zf_lru_fill(f.m, f.task[1], ZF_LRU_FILE, 6000, 0);
	zf_lru_release(f.m, f.task[0], ZF_LRU_FILE, 6000);
	for (int i = 0; i < 30; i++)
		ofix_alloc(&f, f.task[2], ZF_GFP_KERNEL, 4, &res);
	zf_compact_node(f.m, -1);
	zf_run_kcompactd(f.m, 0);
	zf_oracles_finish(f.s, f.m);
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_pgmigrate_success) > 0);
	if (zf_oracles_nr_findings(f.s))
		ofix_dump(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

TEST(compaction_crafted_state_and_scanners)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	struct zone *z = &f.m->nodes[0].node_zones[ZONE_NORMAL];
	uint64_t start = z->zone_start_pfn, end = start + z->spanned_pages;
	/* deferral beyond COMPACT_MAX_DEFER_SHIFT, a cached pfn outside the zone */
	z->compact_defer_shift = 7;
	z->compact_cached_free_pfn = end + 5;
	ofix_walk(&f);
	expect_true(ofix_has(&f, "compaction", "compact_defer_shift 7"));
	z->compact_defer_shift = 2;
	z->compact_considered = 5;
	ofix_walk(&f);
	expect_true(ofix_has(&f, "compaction", "compact_considered 5"));
	z->compact_considered = 0;
	ofix_walk(&f);
	expect_true(ofix_has(&f, "compaction", "outside the zone"));
	z->compact_cached_free_pfn = 0;
	/* a run whose migrate scanner starts outside the zone */
	ofix_event(&f, ZF_EV_COMPACT_BEGIN, 0, z->id, start, 2, (int64_t)end, (int64_t)end - 512, 0,
		   -1, 0, 0);
	expect_true(ofix_has(&f, "compaction", "starts with migrate pfn"));
	ofix_event(&f, ZF_EV_COMPACT_END, 0, z->id, start, 2, ZF_COMPACT_COMPLETE, 0, 0, -1, 0, 0);
	/* a run in which a page moves down: the scanners crossed */
	ofix_event(&f, ZF_EV_COMPACT_BEGIN, 0, z->id, start, 2, (int64_t)start, (int64_t)end - 512,
		   0, -1, 0, 0);
	ofix_event(&f, ZF_EV_MIGRATE_PAGE, 0, z->id, start + 700, 0, (int64_t)start + 10, 0, 0, -1,
		   0, 0);
	expect_true(ofix_has(&f, "compaction", "passed the free scanner"));
	ofix_event(&f, ZF_EV_COMPACT_END, 0, z->id, start, 2, ZF_COMPACT_SUCCESS, 0, 0, -1, 0, 0);
	/* a run that starts with the scanners met migrates nothing */
	ofix_event(&f, ZF_EV_COMPACT_BEGIN, 0, z->id, start, 2, (int64_t)end - 1,
		   (int64_t)end - 512, 0, -1, 0, 0);
	ofix_event(&f, ZF_EV_MIGRATE_PAGE, 0, z->id, start + 3, 0, (int64_t)start + 900, 0, 0, -1,
		   0, 0);
	expect_true(ofix_has(&f, "compaction", "had already met"));
	ofix_event(&f, ZF_EV_COMPACT_END, 0, z->id, start, 2, ZF_COMPACT_COMPLETE, 0, 0, -1, 0, 0);
	/* defer_compaction must leave considered at 0 */
	ofix_event(&f, ZF_EV_COMPACT_DEFER, 0, z->id, ZF_NO_PAGE, 2, 3, 4, 0, -1, 0, 0);
	expect_true(ofix_has(&f, "compaction", "defer_compaction left"));
	ofix_fini(&f);
	return true;
}

ZF_TEST_MAIN("oracles_loops", ZF_CASE(livelock_gfp_nofs_fake_progress_is_reported),
	     ZF_CASE(livelock_silent_when_the_request_terminates),
	     ZF_CASE(livelock_silent_when_the_oom_killer_makes_room),
	     ZF_CASE(livelock_watchdog_event_is_always_a_finding),
	     ZF_CASE(kswapd_catches_planted_b17),
	     ZF_CASE(kswapd_woken_on_a_balanced_node_or_a_hopeless_one),
	     ZF_CASE(compaction_silent_on_fragmented_memory),
	     ZF_CASE(compaction_crafted_state_and_scanners))
