// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_oracles_alloc.c - ZF_INV_PLACEMENT, ZF_INV_GFP,
 * ZF_INV_PREMATURE_OOM and ZF_INV_ORDER: silent where the model follows the
 * rules, firing on crafted violations, on planted bugs (B5, B6, B8, B18, B21)
 * and on the situations where 4.12 itself breaks the rule (known findings).
 */
#include "test_oracles_fixture.h"

static void cfg_small(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->swap_pages = 2048;
}

/* No swap, a short watchdog: memory that nothing can reclaim. */
static void cfg_tight(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->swap_pages = 0;
	cfg->max_retries = 100;
}

/* ---- placement ---- */

TEST(placement_silent_on_real_allocations)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_small(&cfg);
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 4096;
	assert_true(ofix_init(&f, &cfg, ofix_only("placement"), 0));
	assert_eq(zf_task_set_mems(f.m, f.task[1], 1u << 1), 0);
	ofix_workload(&f, 99, 800);
	/* a task bound to node 1 only gets node-1 pages while node 1 has them */
	for (int i = 0; i < 50; i++) {
		struct zf_alloc_result res;
		assert_eq(ofix_alloc(&f, f.task[1], ZF_GFP_HIGHUSER_MOVABLE, 0, &res), 0);
		if (res.status == ZF_ALLOC_OK)
			expect_eq(res.zone_id / ZF_MAX_NR_ZONES, 1);
	}
	if (zf_oracles_nr_findings(f.s))
		ofix_dump(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

TEST(placement_page_from_a_zone_that_failed_its_watermark)
{
	struct zf_config cfg;
	struct ofix f;
	unsigned int order;
	int mt;
	cfg_small(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("placement"), 0));
	uint64_t pfn = ofix_free_block(&f, 2, 0, &order, &mt);
	int t = f.task[0];
	/* try_this_zone without a passed watermark and without the NO_WATERMARKS bypass */
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_GPFF_TRY_ZONE, 0, 2, ZF_NO_PAGE, 0, 0, 2, 0, t, ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, 2, pfn, 0, ZF_ALLOC_OK, 0, 0, t, ZF_GFP_KERNEL, 1);
	expect_true(ofix_has(&f, "placement", "did not pass the watermark"));
	/* a GFP_DMA request served from ZONE_NORMAL, after a watermark pass elsewhere */
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t,
		   ZF_GFP_KERNEL | ZF_GFP_DMA, 1);
	ofix_event(&f, ZF_EV_GPFF_TRY_ZONE, 0, 0, ZF_NO_PAGE, 0, 1, 0, 0, t,
		   ZF_GFP_KERNEL | ZF_GFP_DMA, 1);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, 2, pfn, 0, ZF_ALLOC_OK, 0, 0, t,
		   ZF_GFP_KERNEL | ZF_GFP_DMA, 1);
	expect_true(ofix_has(&f, "placement", "last try_this_zone was zone 0"));
	expect_true(ofix_has(&f, "placement", "above the request's highest zone 0"));
	ofix_fini(&f);
	return true;
}

TEST(placement_zone_reported_ok_must_pass_the_spec_watermark)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_small(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("placement"), 0));
	const struct zone *z = &f.m->nodes[0].node_zones[ZONE_NORMAL];
	/* GPFF_ZONE_OK with free = min: "<=" fails (spec §3.3) */
	ofix_event(&f, ZF_EV_GPFF_ZONE_OK, 0, z->id, ZF_NO_PAGE, 0,
		   (int64_t)z->watermark[WMARK_MIN], ZONE_NORMAL, (int64_t)z->watermark[WMARK_MIN],
		   f.task[0], ZF_GFP_KERNEL, ALLOC_WMARK_MIN);
	expect_true(ofix_has(&f, "placement", "fails it"));
	expect_true(ofix_has(&f, "placement", "but NR_FREE_PAGES is"));
	ofix_fini(&f);
	return true;
}

/* ---- gfp ---- */

TEST(gfp_silent_on_noretry_costly_and_nofs_requests)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_tight(&cfg);
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("gfp"), 0, ZF_TASK_UNKILLABLE));
	ofix_exhaust(&f, f.task[0]);
	static const struct {
		zf_gfp_t gfp;
		unsigned int order;
	} rq[] = {
	    {ZF_GFP_KERNEL | ZF_GFP_NORETRY, 0},
	    {ZF_GFP_KERNEL | ZF_GFP_NORETRY, 2},
	    {ZF_GFP_KERNEL, 4},
	    {ZF_GFP_TRANSHUGE | ZF_GFP_NORETRY, 9},
	    {ZF_GFP_NOWAIT, 0},
	    {ZF_GFP_KERNEL | ZF_GFP_DMA, 0},
	    {ZF_GFP_KERNEL | ZF_GFP_THISNODE, 0},
	    {ZF_GFP_KERNEL, 0},
	};
	for (size_t i = 0; i < sizeof(rq) / sizeof(rq[0]); i++) {
		struct zf_alloc_result res;
		memset(&res, 0, sizeof(res));
		ofix_alloc(&f, f.task[1], rq[i].gfp, rq[i].order, &res); /* may fail: -1 */
		if (rq[i].gfp & ZF_GFP_NORETRY)
			expect_true(res.direct_reclaim_calls <= 1 && res.oom_invoked == 0);
	}
	if (zf_oracles_nr_findings(f.s))
		ofix_dump(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

/*
 * gfp: a failed allocation's ALLOC_END reports the alloc_flags its slow path
 * reached got_pg: with (M059 of round 2: got_pg copies the successful
 * attempt's flags, 0 without one, also for a NULL return). The real model
 * stays quiet on failing requests (the real-model tests of this file).
 */
TEST(gfp_failed_alloc_reports_slowpath_flags)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_small(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("gfp"), 0));
	int t = f.task[0];
	zf_gfp_t gfp = ZF_GFP_NOWAIT;
	uint32_t flags = 0x40; /* the slow path's own: what got_pg: was reached with */
	for (int plant = 0; plant < 2; plant++) {
		ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, gfp, flags);
		ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_FAIL, -1, ZF_NO_PAGE, 0, 0, 0, 0, t,
			   gfp, flags);
		ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_GOT_PG, -1, ZF_NO_PAGE, 0, 0, 0, 0, t,
			   gfp, flags);
		ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, ZF_ALLOC_FAIL, 0, 0, t, gfp,
			   plant ? 0 : flags);
		expect_eq(ofix_count(&f, "gfp"), (size_t)plant);
	}
	expect_true(ofix_has(&f, "gfp", "failed allocation reports alloc_flags 0x0"));
	/* a page: ALLOC_END carries the successful attempt's flags, whatever they are */
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, gfp, flags);
	ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_GOT_PG, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, gfp,
		   flags);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, 100, 0, ZF_ALLOC_OK, 0, 0, t, gfp, 0x4);
	expect_eq(ofix_count(&f, "gfp"), 1);
	ofix_fini(&f);
	return true;
}

TEST(gfp_crafted_violations)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_small(&cfg);
	cfg.profile = ZF_PROFILE_4_13;
	assert_true(ofix_init(&f, &cfg, ofix_only("gfp"), 0));
	int t = f.task[0];
	zf_gfp_t noretry = ZF_GFP_KERNEL | ZF_GFP_NORETRY;
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, noretry, 1);
	/* reclaim runs in the wrappers' PF_MEMALLOC scope (§5.5), as in the model */
	assert_eq(zf_task_set_flags(f.m, t, ZF_PF_MEMALLOC, 0), 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, noretry, 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, noretry, 0);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, noretry, 0);
	expect_true(ofix_has(&f, "gfp", "entered direct reclaim 2 times"));
	assert_eq(zf_task_set_flags(f.m, t, 0, ZF_PF_MEMALLOC), 0);
	/* one outside that scope: the memalloc_noreclaim_save site skipped */
	size_t before = ofix_count(&f, "gfp");
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, noretry, 0);
	expect_true(ofix_has(&f, "gfp", "direct reclaim without PF_MEMALLOC"));
	ofix_event(&f, ZF_EV_COMPACT_TRY_BEGIN, 0, -1, ZF_NO_PAGE, 2, 0, 2, 0, t, noretry, 0);
	expect_true(ofix_has(&f, "gfp", "direct compaction without PF_MEMALLOC"));
	expect_eq(ofix_count(&f, "gfp"), before + 3); /* + a third reclaim of a NORETRY request */
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, noretry, 0);
	ofix_event(&f, ZF_EV_OOM_INVOKE, 0, -1, ZF_NO_PAGE, 0, 1, 0, 0, t, noretry, 0);
	expect_true(ofix_has(&f, "gfp", "must not OOM: __GFP_NORETRY"));
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, ZF_ALLOC_FAIL, 0, 0, t, noretry, 0);

	/* 4.13: __GFP_RETRY_MAYFAIL never OOMs, at any order */
	zf_gfp_t mayfail = ZF_GFP_KERNEL | ZF_GFP_REPEAT;
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, mayfail, 1);
	ofix_event(&f, ZF_EV_OOM_INVOKE, 0, -1, ZF_NO_PAGE, 0, 1, 0, 0, t, mayfail, 0);
	expect_true(ofix_has(&f, "gfp", "RETRY_MAYFAIL"));
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, ZF_ALLOC_FAIL, 0, 0, t, mayfail, 0);

	/* a blocking NOFAIL request that returns NULL; no reclaim without DIRECT_RECLAIM */
	zf_gfp_t nofail = ZF_GFP_KERNEL | ZF_GFP_NOFAIL;
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, nofail, 1);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, ZF_ALLOC_FAIL, 0, 0, t, nofail, 0);
	expect_true(ofix_has(&f, "gfp", "returned NULL"));
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_ATOMIC_MASK, 1);
	ofix_event(&f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, 2, 1, 2, 0, t, ZF_GFP_ATOMIC_MASK, 0);
	expect_true(ofix_has(&f, "gfp", "compaction without __GFP_DIRECT_RECLAIM"));
	ofix_fini(&f);
	return true;
}

/*
 * B21: before 4.10 __GFP_NOFAIL overrode the OOM skips. A NOFAIL request limited
 * to ZONE_DMA32 (a lowmem request) must not invoke the OOM killer; with B21 it
 * does.
 */
static size_t run_b21(bool planted)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	if (planted)
		cfg.bugs = ZF_BUG_B21;
	if (!ofix_init_tasks(&f, &cfg, ofix_only("gfp"), 0, ZF_TASK_UNKILLABLE))
		return (size_t)-1;
	ofix_exhaust(&f, f.task[0]);
	while (ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL | ZF_GFP_DMA32 | ZF_GFP_NOWARN, 0, &res) ==
		   0 &&
	       res.status == ZF_ALLOC_OK)
		;
	zf_oracles_reset(f.s, f.m);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_DMA32 | ZF_GFP_NOFAIL, 0, &res);
	size_t n = ofix_count(&f, "gfp");
	if (planted && !ofix_has(&f, "gfp", "B21"))
		n = 0;
	ofix_fini(&f);
	return n;
}

TEST(gfp_catches_planted_b21)
{
	expect_eq(run_b21(false), 0);
	expect_eq(run_b21(true), 1);
	return true;
}

/* ---- premature OOM ---- */

/*
 * B8 as 4.12 has it: a pageblock reserved HIGHATOMIC holds hundreds of free
 * pages, the watermark deducts the whole reserve, reclaim has nothing to do,
 * should_reclaim_retry gives up at its first pass (the forced unreserve only
 * comes after 16 loops; 6.8 moved it before every "no"), and the OOM killer
 * runs. Known finding about 4.12.
 */
TEST(premature_oom_with_free_pages_in_the_highatomic_reserve)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE));
	static uint64_t held[20000];
	unsigned int nh = 0;
	while (nh < 20000 &&
	       ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL | ZF_GFP_NOWARN, 0, &res) == 0 &&
	       res.status == ZF_ALLOC_OK)
		held[nh++] = res.pfn;
	/* below the low watermark an atomic order-1 request gets ALLOC_HARDER: a reserve */
	assert_eq(ofix_alloc(&f, f.task[2], ZF_GFP_ATOMIC_MASK, 1, &res), 0);
	assert_eq(res.status, ZF_ALLOC_OK);
	uint64_t block = res.pfn & ~(f.m->pageblock_nr_pages - 1);
	assert_eq(zf_inspect_pageblock_mt(f.m, block), ZF_MIGRATE_HIGHATOMIC);
	/* give back every kernel page of that block: they go to the HIGHATOMIC lists */
	for (unsigned int i = 0; i < nh; i++) {
		if ((held[i] & ~(f.m->pageblock_nr_pages - 1)) == block)
			zf_free_pages(f.m, f.task[0], held[i], 0);
	}
	zf_drain_all_pages(f.m);
	zf_oracles_reset(f.s, f.m);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL, 0, &res);
	expect_true(res.oom_invoked >= 1);
	expect_true(ofix_has(&f, "premature-oom", "highatomic reserve is released"));
	ofix_fini(&f);
	return true;
}

TEST(premature_oom_silent_when_memory_is_really_gone)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE));
	ofix_exhaust(&f, f.task[0]);
	zf_drain_all_pages(f.m);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL, 0, &res); /* fails: nobody to kill */
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_true(res.oom_invoked >= 1);
	if (zf_oracles_nr_findings(f.s))
		ofix_dump(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

/*
 * B5 / B4: at out_of_memory() the preferred zoneref must name a zone of the
 * current zonelist that the request may use. A yield just before the OOM
 * leaves the allocation's zoneref pointing nowhere, as the 4.7 race did.
 */
static int b5_task;
static void b5_yield(void *priv, struct zf_machine *m, enum zf_yield_point yp, int task)
{
	(void)priv;
	if (yp != ZF_YIELD_BEFORE_OOM || task != b5_task)
		return;
	struct zf_alloc_frame *fr = cur_frame(m);
	if (fr && fr->ac)
		fr->ac->preferred_zoneref = -1;
}

TEST(premature_oom_preferred_zone_outside_the_allowed_set)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE));
	ofix_exhaust(&f, f.task[0]);
	zf_drain_all_pages(f.m);
	b5_task = f.task[1];
	struct zf_hooks h = {.priv = f.s, .on_event = zf_oracles_event_hook, .on_yield = b5_yield};
	zf_machine_set_hooks(f.m, &h);
	ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL, 0, &res);
	expect_true(ofix_has(&f, "premature-oom", "preferred zone -1 outside"));
	ofix_fini(&f);
	return true;
}

/*
 * B6: an MPOL_BIND mask that no longer meets the cpuset's mems after a concurrent
 * cpuset update leaves no eligible zone. 4.13's check_retry_cpuset restarts the
 * allocation without the mask; 4.12 (and 4.13 with B6) go on to OOM.
 */
static int b6_task;
static bool b6_done;
static void b6_yield(void *priv, struct zf_machine *m, enum zf_yield_point yp, int task)
{
	(void)priv;
	if (b6_done || yp != ZF_YIELD_AFTER_WAKE_KSWAPD || task != b6_task)
		return;
	b6_done = true;
	zf_task_set_mems(m, task, 1u << 0); /* the policy said node 1 only */
}

static size_t run_b6(enum zf_profile_id profile, bool planted)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_tight(&cfg);
	cfg.profile = profile;
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 4096;
	if (planted)
		cfg.bugs = ZF_BUG_B6;
	if (!ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE))
		return (size_t)-1;
	b6_task = f.task[1];
	b6_done = false;
	/* node 1 full, so that the bound task reaches the slow path */
	while (ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL | ZF_GFP_NOWARN | ZF_GFP_THISNODE, 0,
			  &res) == 0 &&
	       res.status == ZF_ALLOC_OK && res.zone_id / ZF_MAX_NR_ZONES == 0)
		;
	struct zf_alloc_request rq = {.task = f.task[0],
				      .gfp = ZF_GFP_KERNEL | ZF_GFP_NOWARN | ZF_GFP_THISNODE,
				      .order = 0,
				      .preferred_nid = 1};
	while (zf_alloc_pages(f.m, &rq, &res) == 0 && res.status == ZF_ALLOC_OK)
		;
	zf_task_set_mempolicy(f.m, f.task[1], 1u << 1);
	zf_oracles_reset(f.s, f.m);
	struct zf_hooks h = {.priv = f.s, .on_event = zf_oracles_event_hook, .on_yield = b6_yield};
	zf_machine_set_hooks(f.m, &h);
	ofix_alloc(&f, f.task[1], ZF_GFP_HIGHUSER_MOVABLE, 0, &res);
	size_t n = ofix_has(&f, "premature-oom", "empty eligible zone set") ? 1 : 0;
	ofix_fini(&f);
	return b6_done ? n : (size_t)-2;
}

TEST(premature_oom_catches_b6_and_the_4_12_cpuset_race)
{
	expect_eq(run_b6(ZF_PROFILE_4_13, false), 0);
	expect_eq(run_b6(ZF_PROFILE_4_13, true), 1);
	/* 4.12 itself: the race 902b62810a57 fixed is a finding about 4.12 */
	expect_eq(run_b6(ZF_PROFILE_4_12, false), 1);
	return true;
}

/* ---- order bounds ---- */

static size_t run_oversize(enum zf_profile_id profile, bool planted, enum zf_alloc_status *st)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	cfg_small(&cfg);
	cfg.profile = profile;
	if (planted)
		cfg.bugs = ZF_BUG_B18;
	if (!ofix_init(&f, &cfg, ofix_only("order-bounds"), 0))
		return (size_t)-1;
	ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL | ZF_GFP_NOWARN, f.m->max_order, &res);
	*st = res.status;
	size_t n = ofix_count(&f, "order-bounds");
	ofix_fini(&f);
	return n;
}

TEST(order_bounds_oversized_requests_and_b18)
{
	enum zf_alloc_status st;
	/* 4.12: no entry check, the slow path returns NULL at once */
	expect_eq(run_oversize(ZF_PROFILE_4_12, false, &st), 0);
	expect_eq(st, ZF_ALLOC_FAIL);
	/* 4.20+ rejects at entry; B18 reverts that */
	expect_eq(run_oversize(ZF_PROFILE_5_9, false, &st), 0);
	expect_eq(st, ZF_ALLOC_FAIL);
	expect_eq(run_oversize(ZF_PROFILE_5_9, true, &st), 1);
	expect_eq(st, ZF_ALLOC_FAIL);
	return true;
}

TEST(order_bounds_crafted_index_events)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_small(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("order-bounds"), 0));
	unsigned int max = f.m->max_order;
	/* the request's own order may be seen (labels, OOM), but never indexes */
	ofix_event(&f, ZF_EV_SLOWPATH_GOTO, ZF_GOTO_NOPAGE_MAX_ORDER, -1, ZF_NO_PAGE, max, 0, 0, 0,
		   0, 0, 0);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_event(&f, ZF_EV_COMPACT_DEFERRED, 0, 2, ZF_NO_PAGE, max, 1, 1, 0, 0, 0, 0);
	ofix_event(&f, ZF_EV_MERGE, 0, 2, 0, 3, max, 0, 0, 0, 0, 0);
	expect_true(ofix_has(&f, "order-bounds", "COMPACT_DEFERRED indexes"));
	expect_true(ofix_has(&f, "order-bounds", "merge ended at order"));
	/* compact_node's order -1 (255 in the event) is no index */
	size_t before = zf_oracles_nr_findings(f.s);
	zf_compact_node(f.m, -1);
	expect_eq(zf_oracles_nr_findings(f.s), before);
	ofix_fini(&f);
	return true;
}

ZF_TEST_MAIN("oracles_alloc", ZF_CASE(placement_silent_on_real_allocations),
	     ZF_CASE(placement_page_from_a_zone_that_failed_its_watermark),
	     ZF_CASE(placement_zone_reported_ok_must_pass_the_spec_watermark),
	     ZF_CASE(gfp_silent_on_noretry_costly_and_nofs_requests),
	     ZF_CASE(gfp_crafted_violations), ZF_CASE(gfp_failed_alloc_reports_slowpath_flags),
	     ZF_CASE(gfp_catches_planted_b21),
	     ZF_CASE(premature_oom_with_free_pages_in_the_highatomic_reserve),
	     ZF_CASE(premature_oom_silent_when_memory_is_really_gone),
	     ZF_CASE(premature_oom_preferred_zone_outside_the_allowed_set),
	     ZF_CASE(premature_oom_catches_b6_and_the_4_12_cpuset_race),
	     ZF_CASE(order_bounds_oversized_requests_and_b18),
	     ZF_CASE(order_bounds_crafted_index_events))
