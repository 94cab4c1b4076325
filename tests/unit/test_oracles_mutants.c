/* SPDX-License-Identifier: MIT */
/*
 * test_oracles_mutants.c - oracle checks for gaps that mutation testing found
 * (docs/mutation-testing.md, "Oracle gaps left"): each test plants the
 * mutant's effect in a test-only way (an event rewritten on its way to the
 * oracles, or a synthetic event stream) and checks that the oracle fires,
 * and that it stays quiet on what the unmodified model does.
 *  M061 ZF_INV_COMPACTION: compaction_suitable's fragmentation index (§6.1);
 *  M038 ZF_INV_COMPACTION: a SYNC_FULL direct compaction scans the whole zone (§6.3);
 *  M035 ZF_INV_PREMATURE_OOM: an out_of_memory() that killed reports progress (§5.9);
 *  M034 ZF_INV_KSWAPD: a reclaimer throttled below half the MIN reserve finds
 *       kswapd woken by allow_direct_reclaim (§11.16).
 */
#include "test_oracles_fixture.h"

static int normal_zone_id(int nid)
{
	return nid * ZF_MAX_NR_ZONES + ZF_ZONE_NORMAL;
}

/* Forwards events to the oracle set, after an optional planted rewrite. */
struct plant_hook {
	struct zf_oracle_set *s;
	bool flip_suitable;    /* M061: swap NOT_SUITABLE_ZONE and CONTINUE at costly orders */
	bool no_oom_progress;  /* M035: MAY_OOM after out_of_memory() reports no progress */
	unsigned int suitable; /* COMPACT_SUITABLE events at costly orders */
	int64_t last_suitable; /* result of the last one, as the model emitted it */
	unsigned int may_oom_progress;
	bool kswapd_stays_asleep;      /* M034: allow_direct_reclaim does not wake kswapd */
	unsigned int throttled_sleeps; /* SCHEDULEs with node 0's pfmemalloc_wait set */
};

static void plant_hook_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct plant_hook *h = priv;
	struct zf_event e = *ev;
	if (e.type == ZF_EV_COMPACT_SUITABLE && e.label == 0 && e.order > 3) {
		h->suitable++;
		h->last_suitable = e.a;
		if (h->flip_suitable && e.a == ZF_COMPACT_NOT_SUITABLE_ZONE)
			e.a = ZF_COMPACT_CONTINUE;
		else if (h->flip_suitable && e.a == ZF_COMPACT_CONTINUE)
			e.a = ZF_COMPACT_NOT_SUITABLE_ZONE;
	}
	if (e.type == ZF_EV_MAY_OOM && e.label == ZF_OOM_CALLED) {
		h->may_oom_progress += e.a != 0;
		if (h->no_oom_progress)
			e.a = 0;
	}
	if (e.type == ZF_EV_SCHEDULE && m->nodes[0].pfmemalloc_wait) {
		h->throttled_sleeps++;
		if (h->kswapd_stays_asleep) {
			/* undo the wakeup: the machine is the test's, the hook may touch it */
			struct pglist_data *pgdat = (struct pglist_data *)&m->nodes[0];
			pgdat->kswapd_sleeping = true;
			pgdat->kswapd_woken = false;
		}
	}
	zf_oracles_event_hook(h->s, m, &e);
}

static void plant_hook_install(struct ofix *f, struct plant_hook *h)
{
	h->s = f->s;
	struct zf_hooks hk = {.priv = h, .on_event = plant_hook_fn};
	zf_machine_set_hooks(f->m, &hk);
}

/*
 * ZONE_NORMAL (8192 pages) taken as order-9 blocks, then every block whose
 * buddy is still held given back: order-9 free blocks that cannot merge, no
 * order-10 block, so an order-10 request is a fragmentation question (§6.1).
 */
static void fragment_normal(struct ofix *f)
{
	uint64_t held[64];
	unsigned int n = 0;
	struct zf_alloc_result res;
	while (n < 64 &&
	       ofix_alloc(f, f->task[0], ZF_GFP_KERNEL | ZF_GFP_NOWARN | ZF_GFP_NORETRY, 9, &res) ==
		   0 &&
	       res.status == ZF_ALLOC_OK) {
		held[n++] = res.pfn;
		if (zf_inspect_pfn_zone(f->m, res.pfn) != normal_zone_id(0))
			break;
	}
	for (unsigned int i = 0; i < n; i++) {
		bool buddy_held = false;
		if ((held[i] >> 9) & 1u)
			continue;
		for (unsigned int j = 0; j < n; j++)
			buddy_held |= held[j] == (held[i] ^ 512u);
		if (buddy_held && zf_inspect_pfn_zone(f->m, held[i]) == normal_zone_id(0))
			zf_free_pages(f->m, f->task[0], held[i], 9);
	}
}

/* M061: the model's NOT_SUITABLE_ZONE / CONTINUE agree with the index recomputed from free_area. */
TEST(compaction_fragmentation_index)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct plant_hook h = {.flip_suitable = plant != 0};
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
		fragment_normal(&f);
		struct zf_zone_info zi;
		assert_eq(zf_inspect_zone(f.m, normal_zone_id(0), &zi), 0);
		assert_eq(zi.nr_free[10], 0);
		assert_true(zi.nr_free[9] >= 2);
		zf_oracles_reset(f.s, f.m);
		plant_hook_install(&f, &h);
		struct zone *z = &f.m->nodes[0].node_zones[ZONE_NORMAL];
		compact_result_t r = compaction_suitable(f.m, z, 10, ALLOC_WMARK_MIN, ZONE_NORMAL);
		expect_eq(h.suitable, 1);
		/* the case is only a test of the index when the watermarks let it get there */
		expect_true(h.last_suitable == ZF_COMPACT_NOT_SUITABLE_ZONE ||
			    h.last_suitable == ZF_COMPACT_CONTINUE);
		expect_eq(r, h.last_suitable == ZF_COMPACT_CONTINUE ? COMPACT_CONTINUE
								    : COMPACT_SKIPPED);
		expect_eq(ofix_count(&f, "compaction"), plant ? 1 : 0);
		expect_eq(ofix_has(&f, "compaction", "fragmentation index from free_area"),
			  plant != 0);
		if (!plant && ofix_count(&f, "compaction"))
			ofix_dump(&f);
		ofix_fini(&f);
	}
	return true;
}

/* A synthetic try_to_compact_pages call of task with one zone run. */
static void compact_try(struct ofix *f, int task, int64_t prio, int zone_id, int64_t migrate,
			int64_t free, int kcompactd_nested_zone)
{
	ofix_event(f, ZF_EV_COMPACT_TRY_BEGIN, 0, -1, ZF_NO_PAGE, 4, 0, prio, 0, task,
		   ZF_GFP_KERNEL, 0);
	if (kcompactd_nested_zone >= 0) {
		/* kcompactd (no current task) runs inside the direct compactor's sleep */
		ofix_event(f, ZF_EV_COMPACT_BEGIN, 0, kcompactd_nested_zone, 0, 4, migrate, free, 1,
			   -1, 0, 0);
		ofix_event(f, ZF_EV_COMPACT_END, 0, kcompactd_nested_zone, 0, 4,
			   ZF_COMPACT_COMPLETE, migrate, 0, -1, 0, 0);
	}
	ofix_event(f, ZF_EV_COMPACT_BEGIN, 0, zone_id, 0, 4, migrate, free, 1, task, ZF_GFP_KERNEL,
		   0);
	ofix_event(f, ZF_EV_COMPACT_END, 0, zone_id, 0, 4, ZF_COMPACT_COMPLETE, migrate, 0, task,
		   ZF_GFP_KERNEL, 0);
	ofix_event(f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, 4, ZF_COMPACT_COMPLETE, prio, 0, task,
		   ZF_GFP_KERNEL, 0);
}

/* M038: MIN_COMPACT_PRIORITY (SYNC_FULL) sets whole_zone; other priorities use the cache. */
TEST(compaction_sync_full_scans_whole_zone)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	struct zf_zone_info zi;
	int zid = normal_zone_id(0);
	assert_eq(zf_inspect_zone(f.m, zid, &zi), 0);
	int64_t pb = INT64_C(1) << cfg.pageblock_order;
	int64_t start = (int64_t)zi.start_pfn;
	int64_t last_block = ((int64_t)(zi.start_pfn + zi.spanned_pages) - 1) & ~(pb - 1);
	int64_t cached_mig = start + 2 * pb, cached_free = last_block - 2 * pb;
	int t = f.task[1];

	/* the model: SYNC_FULL from the zone's ends, SYNC_LIGHT / ASYNC from the cache */
	compact_try(&f, t, ZF_COMPACT_PRIO_SYNC_FULL, zid, start, last_block, -1);
	compact_try(&f, t, ZF_COMPACT_PRIO_SYNC_LIGHT, zid, cached_mig, cached_free, -1);
	compact_try(&f, t, ZF_COMPACT_PRIO_ASYNC, zid, cached_mig, cached_free, -1);
	/* kcompactd nested in a SYNC_FULL try is not that try's run */
	compact_try(&f, t, ZF_COMPACT_PRIO_SYNC_FULL, zid, start, last_block, zid);
	expect_eq(ofix_count(&f, "compaction"), 0);

	/* the M038 mutant: whole_zone at SYNC_LIGHT, so SYNC_FULL starts from the cache */
	compact_try(&f, t, ZF_COMPACT_PRIO_SYNC_FULL, zid, cached_mig, cached_free, -1);
	expect_eq(ofix_count(&f, "compaction"), 1);
	expect_true(ofix_has(&f, "compaction", "not the whole zone"));
	/* a run that starts at the zone's first pfn but in a cached free pfn is caught too */
	compact_try(&f, t, ZF_COMPACT_PRIO_SYNC_FULL, zid, start, cached_free, -1);
	expect_eq(ofix_count(&f, "compaction"), 2);
	ofix_fini(&f);
	return true;
}

/*
 * M035: __alloc_pages_may_oom with oom_kill_allocating_task: out_of_memory()
 * kills current and returns true, so did_some_progress is 1 (§5.9).
 */
TEST(premature_oom_progress_after_a_kill)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct plant_hook h = {.no_oom_progress = plant != 0};
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("premature-oom"), 0));
		assert_true(ofix_exhaust(&f, f.task[0]) > 0);
		f.m->cfg.oom_kill_allocating_task = true;
		plant_hook_install(&f, &h);

		struct alloc_context ac;
		memset(&ac, 0, sizeof(ac));
		ac.zonelist_which = ZONELIST_FALLBACK;
		ac.migratetype = MIGRATE_UNMOVABLE;
		ac.high_zoneidx = ZONE_NORMAL;
		int cur = f.task[2];
		unsigned long progress = 0;
		/* the allocation of cur that reached the OOM stage, as the events show it */
		ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, cur, ZF_GFP_KERNEL,
			   0);
		zf_set_current(f.m, cur);
		uint64_t page = __alloc_pages_may_oom(f.m, GFP_KERNEL, 0, &ac, &progress);
		zf_set_current(f.m, ZF_NO_TASK);
		expect_eq(page, ZF_NO_PAGE);
		expect_eq(progress, 1);
		expect_eq(h.may_oom_progress, 1);
		expect_true(f.m->tasks[cur].flags & ZF_TIF_MEMDIE);
		expect_eq(ofix_has(&f, "premature-oom", "reports did_some_progress 0"), plant != 0);
		ofix_fini(&f);
	}
	return true;
}

/* The same property on a synthetic stream: OOM_INVOKE a, OOM_KILL, MAY_OOM a. */
TEST(premature_oom_progress_synthetic)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("premature-oom"), 0));
	int t = f.task[0], other = f.task[1];
	const char *msg = "reports did_some_progress 0";
	/* out_of_memory() returned false (nothing killable) and no progress: fine */
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_OOM_INVOKE, 0, -1, ZF_NO_PAGE, 0, 0, -1, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_MAY_OOM, ZF_OOM_CALLED, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
		   0);
	expect_false(ofix_has(&f, "premature-oom", msg));
	/* a kill by another task (its own allocation, nested) does not count for t */
	ofix_event(&f, ZF_EV_OOM_INVOKE, 0, -1, ZF_NO_PAGE, 0, 0, -1, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_OOM_KILL, 0, -1, ZF_NO_PAGE, 0, 3, 0, 0, other, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_MAY_OOM, ZF_OOM_CALLED, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
		   0);
	expect_false(ofix_has(&f, "premature-oom", msg));
	/* a kill and progress: fine */
	ofix_event(&f, ZF_EV_OOM_INVOKE, 0, -1, ZF_NO_PAGE, 0, 1, 3, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_OOM_KILL, 0, -1, ZF_NO_PAGE, 0, 3, 0, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_MAY_OOM, ZF_OOM_CALLED, -1, ZF_NO_PAGE, 0, 1, 0, 0, t, ZF_GFP_KERNEL,
		   0);
	expect_false(ofix_has(&f, "premature-oom", msg));
	/* the mutant: killed (OOM_KILL by t), out_of_memory() returned false, no progress */
	ofix_event(&f, ZF_EV_OOM_INVOKE, 0, -1, ZF_NO_PAGE, 0, 0, t, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_OOM_KILL, 0, -1, ZF_NO_PAGE, 0, t, 0, 0, t, ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_MAY_OOM, ZF_OOM_CALLED, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
		   0);
	expect_true(ofix_has(&f, "premature-oom", msg));
	ofix_fini(&f);
	return true;
}

/*
 * M034: ZONE_NORMAL holds the only reclaimable pages and has no free page, so
 * allow_direct_reclaim() is false and throttle_direct_reclaim() makes a
 * GFP_NOFS reclaimer wait; allow_direct_reclaim() wakes the sleeping kswapd
 * first (tests/unit/test_reclaim.c has the same setting).
 */
TEST(kswapd_awake_for_throttled_reclaimers)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct plant_hook h = {.kswapd_stays_asleep = plant != 0};
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("kswapd"), 0));
		int t = f.task[0];
		struct pglist_data *pgdat = &f.m->nodes[0];
		struct zone *normal = &pgdat->node_zones[ZONE_NORMAL];
		assert_eq(zf_lru_fill(f.m, t, ZF_LRU_FILE, 100, 0), 100);
		assert_eq(zone_reclaimable_pages(f.m, &pgdat->node_zones[ZONE_DMA32]), 0);
		assert_true(zone_reclaimable_pages(f.m, normal) > 0);
		assert_true(pgdat->kswapd_sleeping);
		int64_t saved_free = normal->vm_stat[NR_FREE_PAGES];
		normal->vm_stat[NR_FREE_PAGES] = 0;
		zf_oracles_reset(f.s, f.m);
		plant_hook_install(&f, &h);
		zf_set_current(f.m, t);
		expect_false(throttle_direct_reclaim(f.m, ZF_GFP_NOFS,
						     &pgdat->node_zonelists[ZONELIST_FALLBACK], 0));
		zf_set_current(f.m, ZF_NO_TASK);
		expect_true(h.throttled_sleeps > 0);
		expect_eq(ofix_has(&f, "kswapd", "allow_direct_reclaim did not wake it"),
			  plant != 0);
		if (!plant && ofix_count(&f, "kswapd"))
			ofix_dump(&f);
		expect_eq(ofix_count(&f, "kswapd"), plant ? 1 : 0);
		normal->vm_stat[NR_FREE_PAGES] = saved_free;
		ofix_fini(&f);
	}
	return true;
}

ZF_TEST_MAIN("oracles_mutants", ZF_CASE(compaction_fragmentation_index),

	     ZF_CASE(compaction_sync_full_scans_whole_zone),
	     ZF_CASE(premature_oom_progress_after_a_kill),
	     ZF_CASE(premature_oom_progress_synthetic),
	     ZF_CASE(kswapd_awake_for_throttled_reclaimers))
