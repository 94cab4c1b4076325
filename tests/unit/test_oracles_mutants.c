/* SPDX-License-Identifier: MIT */
/*
 * test_oracles_mutants.c - oracle checks for gaps that mutation testing found
 * (docs/mutation-testing.md, "Oracle gaps left"): each test plants the
 * mutant's effect in a test-only way (an event rewritten on its way to the
 * oracles, or a synthetic event stream) and checks that the oracle fires,
 * and that it stays quiet on what the unmodified model does.
 *  M061 ZF_INV_COMPACTION: compaction_suitable's fragmentation index (§6.1);
 *  M038 ZF_INV_COMPACTION: a SYNC_FULL direct compaction scans the whole zone (§6.3);
 *  M038/M045 (round 2 ids) ZF_INV_COMPACTION: async mode exactly at COMPACT_PRIO_ASYNC
 *       (§1.6) and async direct compaction's source blocks (§6.3);
 *  M024/M050 (round 2) ZF_INV_COMPACTION: a block the migrate scanner scanned to
 *       its end without isolating gets its skip bit (§6.3);
 *  M001 (round 2) ZF_INV_PLACEMENT: the page after a pcp refill is the batch's
 *       first (§4.3);
 *  M035 ZF_INV_PREMATURE_OOM: an out_of_memory() that killed reports progress (§5.9);
 *  M034 ZF_INV_KSWAPD: a reclaimer throttled below half the MIN reserve finds
 *       kswapd woken by allow_direct_reclaim (§11.16).
 *  M056 (round 3) ZF_INV_GFP: fault injection (should_fail_alloc_page) never
 *       fails __GFP_NOFAIL, and the request it fails ends at once with NULL.
 *  M065 (round 3) ZF_INV_BUDDY: set_migratetype_isolate isolates a pageblock
 *       exactly when has_unmovable_pages finds nothing (§4.8).
 *  M027/M059 (seed 2) ZF_INV_COMPACTION: direct reclaim's shrink_node runs
 *       another round exactly when should_continue_reclaim says so (§7.2).
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
	bool refill_other_page;        /* M001: the refilled list hands out another page */
	unsigned int batch_refills;    /* PCP_REFILLs that took more than one page */
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
	if (e.type == ZF_EV_PCP_REFILL && e.order == 0 && e.a > 1) {
		h->batch_refills++;
		if (h->refill_other_page)
			e.pfn += 1; /* the batch's second page: what a misordered list returns */
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

/* The end of a synthetic direct compaction run: its zone's COMPACT_END, then COMPACT_TRY. */
static void direct_run_end(struct ofix *f, int task, int64_t prio, int zone_id, int64_t migrate)
{
	ofix_event(f, ZF_EV_COMPACT_END, 0, zone_id, 0, 4, ZF_COMPACT_COMPLETE, migrate, 0, task,
		   ZF_GFP_KERNEL, 0);
	ofix_event(f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, 4, ZF_COMPACT_COMPLETE, prio, 0, task,
		   ZF_GFP_KERNEL, 0);
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
	/* c = sync: compact_zone_order runs MIGRATE_ASYNC exactly at COMPACT_PRIO_ASYNC */
	ofix_event(f, ZF_EV_COMPACT_BEGIN, 0, zone_id, 0, 4, migrate, free,
		   prio != ZF_COMPACT_PRIO_ASYNC, task, ZF_GFP_KERNEL, 0);
	direct_run_end(f, task, prio, zone_id, migrate);
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

/* One migration of a synthetic try_to_compact_pages run of task at prio. */
static void compact_try_migrate(struct ofix *f, int task, int64_t prio, int64_t sync, int zone_id,
				int64_t migrate, int64_t free, uint64_t src, int request_mt)
{
	struct zf_event ev;
	ofix_event(f, ZF_EV_COMPACT_TRY_BEGIN, 0, -1, ZF_NO_PAGE, 4, 0, prio, 0, task,
		   ZF_GFP_KERNEL, 0);
	ofix_event(f, ZF_EV_COMPACT_BEGIN, 0, zone_id, 0, 4, migrate, free, sync, task,
		   ZF_GFP_KERNEL, 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = ZF_EV_MIGRATE_PAGE;
	ev.task = (int16_t)task;
	ev.zone_id = (int16_t)zone_id;
	ev.migratetype = (uint8_t)request_mt;
	ev.pfn = src;
	ev.a = free; /* the target: above the migrate scanner */
	ev.b = sync ? 1 : 0;
	ev.seq = 2000000 + f->seq++;
	ev.func = "synthetic_site";
	ev.file = "test_oracles";
	ev.line = 4243;
	zf_oracles_on_event(f->s, f->m, &ev);
	direct_run_end(f, task, prio, zone_id, migrate);
}

/*
 * M038 (compaction.c:1524, prio == ASYNC + 1): compact_zone_order runs
 * MIGRATE_ASYNC exactly at COMPACT_PRIO_ASYNC (§1.6); M045 (compaction.c:841,
 * mode == ASYNC - 1): async direct compaction migrates only out of blocks of
 * the request's type, MOVABLE requests also out of CMA blocks (§6.3).
 */
TEST(compaction_async_mode_and_source_blocks)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	struct zf_zone_info zi;
	int zid = normal_zone_id(0);
	assert_eq(zf_inspect_zone(f.m, zid, &zi), 0);
	int64_t pb = INT64_C(1) << cfg.pageblock_order;
	int64_t mig = (int64_t)zi.start_pfn + 2 * pb;
	int64_t fre = (((int64_t)(zi.start_pfn + zi.spanned_pages) - 1) & ~(pb - 1)) - 2 * pb;
	uint64_t src = (uint64_t)mig + 1;
	int block_mt = zf_inspect_pageblock_mt(f.m, src);
	assert_eq(block_mt, ZF_MIGRATE_MOVABLE);
	int t = f.task[1];

	/* the model: async at ASYNC out of a block of the request's type, sync-light else */
	compact_try_migrate(&f, t, ZF_COMPACT_PRIO_ASYNC, 0, zid, mig, fre, src,
			    ZF_MIGRATE_MOVABLE);
	compact_try_migrate(&f, t, ZF_COMPACT_PRIO_SYNC_LIGHT, 1, zid, mig, fre, src,
			    ZF_MIGRATE_UNMOVABLE);
	/* a migration outside any direct try (kcompactd, /proc) is not judged */
	compact_try_migrate(&f, -1, -1, 1, zid, mig, fre, src, ZF_MIGRATE_UNMOVABLE);
	if (ofix_count(&f, "compaction"))
		ofix_dump(&f);
	expect_eq(ofix_count(&f, "compaction"), 0);

	/* M038: the ASYNC priority runs sync-light */
	compact_try_migrate(&f, t, ZF_COMPACT_PRIO_ASYNC, 1, zid, mig, fre, src,
			    ZF_MIGRATE_MOVABLE);
	expect_eq(ofix_count(&f, "compaction"), 1);
	expect_true(ofix_has(&f, "compaction", "runs sync (want MIGRATE_ASYNC)"));
	/* and the reverse: SYNC_LIGHT running async */
	compact_try_migrate(&f, t, ZF_COMPACT_PRIO_SYNC_LIGHT, 0, zid, mig, fre, src,
			    ZF_MIGRATE_MOVABLE);
	expect_eq(ofix_count(&f, "compaction"), 2);
	/* M045: async migrates an UNMOVABLE request's source out of a MOVABLE block */
	compact_try_migrate(&f, t, ZF_COMPACT_PRIO_ASYNC, 0, zid, mig, fre, src,
			    ZF_MIGRATE_UNMOVABLE);
	expect_eq(ofix_count(&f, "compaction"), 3);
	expect_true(ofix_has(&f, "compaction", "out of a Movable pageblock"));
	ofix_fini(&f);
	return true;
}

/*
 * M001 (pcp.c:225, cold refill cursor): rmqueue_bulk links the batch in
 * physical order after a moving cursor, or before it when cold, and the
 * request takes the head (hot) or the tail (cold): the first page the batch
 * took either way (§4.3). The planted defect reports the refill's second page
 * as its first (what a cold list linked in the wrong order hands out).
 * 16384-page zones have pcp batches above 1 (zone_batchsize).
 */
TEST(placement_pcp_refill_first_page)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct plant_hook h = {.refill_other_page = plant != 0};
		zf_config_default(&cfg);
		memset(cfg.zone_pages, 0, sizeof(cfg.zone_pages));
		cfg.zone_pages[0][ZF_ZONE_NORMAL] = 16384;
		assert_true(ofix_init(&f, &cfg, ofix_only("placement"), 0));
		plant_hook_install(&f, &h);
		struct zf_alloc_result res;
		for (int i = 0; i < 64; i++) {
			zf_gfp_t gfp = (i & 1) ? ZF_GFP_KERNEL | ZF_GFP_COLD : ZF_GFP_KERNEL;
			assert_eq(ofix_alloc(&f, f.task[i % 2], gfp, 0, &res), 0);
			expect_eq(res.status, ZF_ALLOC_OK);
		}
		expect_true(h.batch_refills > 0);
		if (!plant && ofix_count(&f, "placement"))
			ofix_dump(&f);
		expect_eq(ofix_count(&f, "placement") > 0, plant != 0);
		expect_eq(ofix_has(&f, "placement", "not the batch's first page"), plant != 0);
		ofix_fini(&f);
	}
	return true;
}

/*
 * M024 (compaction.c:697, valid_pfn never recorded) and M050
 * (compaction.c:450, inverted valid_pfn test): a pageblock the migrate
 * scanner scanned to its end without isolating anything gets its skip bit
 * (§6.3 update_pageblock_skip), except at SYNC_FULL (ignore_skip_hint).
 */
static void migrate_scan(struct ofix *f, int task, int64_t prio, int zid, int64_t mig, int64_t fre,
			 uint64_t stop, int64_t scanned, int64_t isolated)
{
	ofix_event(f, ZF_EV_COMPACT_TRY_BEGIN, 0, -1, ZF_NO_PAGE, 4, 0, prio, 0, task,
		   ZF_GFP_KERNEL, 0);
	ofix_event(f, ZF_EV_COMPACT_BEGIN, 0, zid, 0, 4, mig, fre, prio != ZF_COMPACT_PRIO_ASYNC,
		   task, ZF_GFP_KERNEL, 0);
	ofix_event(f, ZF_EV_ISOLATE_MIGRATEPAGES, 0, zid, stop, 4, scanned, isolated, 0, task,
		   ZF_GFP_KERNEL, 0);
	direct_run_end(f, task, prio, zid, mig);
}

TEST(compaction_scanned_block_gets_skip_bit)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	struct zf_zone_info zi;
	int zid = normal_zone_id(0);
	assert_eq(zf_inspect_zone(f.m, zid, &zi), 0);
	uint64_t pb = UINT64_C(1) << cfg.pageblock_order;
	int64_t mig = (int64_t)(zi.start_pfn + 2 * pb);
	int64_t fre = (int64_t)(zi.start_pfn + 8 * pb);
	uint64_t block_end = zi.start_pfn + 3 * pb;
	int t = f.task[1];
	struct zf_page_info pi;
	assert_eq(zf_inspect_page(f.m, block_end - 1, &pi), 0);
	assert_true(!pi.pageblock_skip);

	/* not judged: SYNC_FULL ignores skip hints, a page isolated, a scan that stopped early */
	migrate_scan(&f, t, ZF_COMPACT_PRIO_SYNC_FULL, zid, (int64_t)zi.start_pfn,
		     (int64_t)((zi.start_pfn + zi.spanned_pages - 1) & ~(pb - 1)), block_end,
		     (int64_t)pb, 0);
	migrate_scan(&f, t, ZF_COMPACT_PRIO_ASYNC, zid, mig, fre, block_end, (int64_t)pb, 3);
	migrate_scan(&f, t, ZF_COMPACT_PRIO_ASYNC, zid, mig, fre, block_end - 7, 10, 0);
	/* the model: the block's skip bit is set by the time the event is seen */
	set_pageblock_skip(f.m, block_end - pb);
	migrate_scan(&f, t, ZF_COMPACT_PRIO_SYNC_LIGHT, zid, mig, fre, block_end, (int64_t)pb, 0);
	if (ofix_count(&f, "compaction"))
		ofix_dump(&f);
	expect_eq(ofix_count(&f, "compaction"), 0);

	/* the mutants: the bit stays clear */
	clear_pageblock_skip(f.m, block_end - pb);
	migrate_scan(&f, t, ZF_COMPACT_PRIO_ASYNC, zid, mig, fre, block_end, (int64_t)pb, 0);
	expect_eq(ofix_count(&f, "compaction"), 1);
	expect_true(ofix_has(&f, "compaction", "left its skip bit clear"));
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

/*
 * The fault-injection test's hooks: events go to the oracles; with plant, a
 * FAULT_INJECT is planted right after every ALLOC_BEGIN while the model is
 * given no should_fail_alloc_page() hook (the request then goes on); without
 * it, the hook fails every request it is asked about.
 */
struct fault_hook {
	struct zf_oracle_set *s;
	bool plant;
	unsigned int asked;
};

static void fault_hook_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct fault_hook *h = priv;
	zf_oracles_event_hook(h->s, m, ev);
	if (h->plant && ev->type == ZF_EV_ALLOC_BEGIN) {
		struct zf_event e = *ev;
		e.type = ZF_EV_FAULT_INJECT;
		e.pfn = ZF_NO_PAGE;
		zf_oracles_event_hook(h->s, m, &e);
	}
}

static bool fault_fail_fn(void *priv, zf_gfp_t gfp, unsigned int order)
{
	(void)gfp;
	(void)order;
	((struct fault_hook *)priv)->asked++;
	return true;
}

/*
 * M056 (round 3 ids): should_fail_alloc_page() treating a __GFP_NOFAIL request
 * as any other. The model with a hook that fails everything: the NOFAIL
 * request gets its page without asking the hook, the other request fails with
 * no slow path, and ZF_INV_GFP is quiet. Planted: a FAULT_INJECT in front of
 * requests that then go on to a page, or carry __GFP_NOFAIL: each reported.
 */
TEST(gfp_fault_injection)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct zf_alloc_result res;
		struct fault_hook h = {.plant = plant != 0};
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("gfp"), 1));
		h.s = f.s;
		struct zf_hooks hk = {.priv = &h,
				      .on_event = fault_hook_fn,
				      .should_fail_alloc_page = plant ? NULL : fault_fail_fn};
		zf_machine_set_hooks(f.m, &hk);

		(void)ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL, 0, &res);
		expect_eq(res.status, plant ? ZF_ALLOC_OK : ZF_ALLOC_FAIL);
		expect_eq(res.slowpath, false);
		assert_eq(ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL | ZF_GFP_NOFAIL, 1, &res), 0);
		expect_eq(res.status, ZF_ALLOC_OK);
		if (!plant) {
			expect_eq(h.asked, 1); /* the NOFAIL request never reaches the hook */
			expect_eq(ofix_count(&f, "gfp"), 0);
		} else {
			expect_true(ofix_has(&f, "gfp", "should_fail_alloc_page() returned pfn"));
			expect_true(ofix_has(&f, "gfp", "failed a __GFP_NOFAIL request"));
		}
		if (ofix_count(&f, "gfp") != (plant ? 3u : 0u))
			ofix_dump(&f);
		ofix_fini(&f);
	}
	return true;
}

/*
 * M063 (seed 2 ids): the fault-injection hook's "do not fail" read as "fail"
 * (no FAULT_INJECT event). Model: an exhausted machine's GFP_NOWAIT request
 * fails from the slow path, quiet. Planted: a failed order-0 request with no
 * slow-path label and no FAULT_INJECT in between is reported; one with a
 * FAULT_INJECT is not (it is the fault-injection rule's), nor an order at or
 * above MAX_ORDER (refused before anything else).
 */
TEST(gfp_null_only_from_slowpath)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_alloc_result res;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("gfp"), 1));
	(void)ofix_exhaust(&f, f.task[0]);
	(void)ofix_alloc(&f, f.task[0], ZF_GFP_NOWAIT | ZF_GFP_NOWARN, 0, &res);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_true(res.slowpath);
	expect_eq(ofix_count(&f, "gfp"), 0);

	int t = f.task[1];
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 11, 0, 0, 0, t, ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 11, ZF_ALLOC_FAIL, 0, 0, t,
		   ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_FAULT_INJECT, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, ZF_ALLOC_FAIL, 0, 0, t, ZF_GFP_KERNEL,
		   1);
	expect_eq(ofix_count(&f, "gfp"), 0);
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 1);
	ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, ZF_ALLOC_FAIL, 0, 0, t, ZF_GFP_KERNEL,
		   1);
	expect_true(ofix_has(&f, "gfp", "without entering the slow path"));
	expect_eq(ofix_count(&f, "gfp"), 1);
	ofix_fini(&f);
	return true;
}

/* Flips the verdict of ISOLATE_BLOCK events on their way to the oracles. */
struct isolate_hook {
	struct zf_oracle_set *s;
	bool flip;
	unsigned int ok, busy; /* verdicts as the model gave them */
};

static void isolate_hook_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct isolate_hook *h = priv;
	struct zf_event e = *ev;
	if (e.type == ZF_EV_ISOLATE_BLOCK) {
		if (e.b == 0)
			h->ok++;
		else
			h->busy++;
		if (h->flip) {
			e.c = e.b == 0 ? 1 : 0;
			e.b = e.b == 0 ? -1 : 0;
		}
	}
	zf_oracles_event_hook(h->s, m, &e);
}

/*
 * M065 (round 3 ids): has_unmovable_pages skipping one page too many after a
 * free buddy, so a block with a kernel page right after a free block is
 * isolated. Model: a range holding an unmovable kernel page is refused
 * (EBUSY, the block is UNMOVABLE after the request's steal), a range of free
 * and LRU pages is isolated, and ZF_INV_BUDDY is quiet. Planted: the same
 * verdicts reversed are each reported.
 */
TEST(buddy_isolation_verdict)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct zf_alloc_result res;
		struct isolate_hook h = {.flip = plant != 0};
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("buddy"), 1));
		h.s = f.s;
		struct zf_hooks hk = {.priv = &h, .on_event = isolate_hook_fn};
		zf_machine_set_hooks(f.m, &hk);
		(void)ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL, 0, &res);
		assert_eq(res.status, ZF_ALLOC_OK);
		uint64_t kern = res.pfn & ~UINT64_C(1023);
		/* page cache somewhere else: movable, on the LRU */
		zf_lru_fill(f.m, f.task[1], ZF_LRU_FILE, 64, 0);
		expect_eq(zf_isolate_range(f.m, kern, 1024), -1);
		uint64_t other = kern >= 2048 ? kern - 2048 : kern + 2048;
		expect_eq(zf_isolate_range(f.m, other, 1024), 0);
		expect_eq(zf_unisolate_range(f.m, other, 1024), 0);
		expect_true(h.busy >= 1);
		expect_true(h.ok >= 2);
		if (!plant) {
			expect_eq(ofix_count(&f, "buddy"), 0);
		} else {
			expect_true(ofix_has(&f, "buddy", "isolated although pfn"));
			expect_true(ofix_has(&f, "buddy", "refused (EBUSY) although"));
		}
		if (ofix_count(&f, "buddy") && !plant)
			ofix_dump(&f);
		ofix_fini(&f);
	}
	return true;
}

/*
 * M027/M059 (seed 2 ids): should_continue_reclaim counting inactive anon pages
 * without swap, in_reclaim_compaction's costly bound moved. Model: a workload
 * with costly and high-order requests under reclaim, ZF_INV_COMPACTION quiet.
 * Planted (synthetic rounds of an order-4 direct reclaim): a second round
 * after a round whose verdict is false (a zone is ready for compaction), and
 * a stop after a round whose verdict is true (nothing is ready, reclaim is
 * short of compact_gap and the inactive list holds more), each reported; the
 * same rounds with the right follower are not.
 */
TEST(compaction_should_continue_reclaim)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	cfg.swap_pages = 2048;
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 1));
	ofix_workload(&f, 11, 3000);
	expect_eq(ofix_count(&f, "compaction"), 0);
	if (ofix_count(&f, "compaction"))
		ofix_dump(&f);
	ofix_fini(&f);

	for (int exhausted = 0; exhausted < 2; exhausted++) {
		for (int plant = 0; plant < 2; plant++) {
			zf_config_default(&cfg);
			assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
			int t = f.task[0], zid = normal_zone_id(0);
			if (exhausted) {
				/* page cache on the inactive list, then nothing free */
				zf_lru_fill(f.m, f.task[1], ZF_LRU_FILE, 400, 0);
				(void)ofix_exhaust(&f, t);
			}
			/* verdict: false with free memory (a zone is ready), true when exhausted */
			bool verdict = exhausted != 0;
			ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 4, 1, 2, 0, t,
				   ZF_GFP_KERNEL, 0);
			ofix_event(&f, ZF_EV_SHRINK_NODE, 0, zid, ZF_NO_PAGE, 4, 16, 8, 12, t,
				   ZF_GFP_KERNEL, 0);
			bool more = plant ? !verdict : verdict;
			/* a second round that reclaims nothing: after it, stopping is right */
			if (more)
				ofix_event(&f, ZF_EV_SHRINK_NODE, 0, zid, ZF_NO_PAGE, 4, 16, 0, 12,
					   t, ZF_GFP_KERNEL, 0);
			ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 4, 8, 0, 0, t,
				   ZF_GFP_KERNEL, 0);
			if (plant) {
				expect_true(
				    ofix_has(&f, "compaction",
					     more ? "ran another round" : "stopped although"));
			} else {
				expect_eq(ofix_count(&f, "compaction"), 0);
				if (ofix_count(&f, "compaction"))
					ofix_dump(&f);
			}
			ofix_fini(&f);
		}
	}
	return true;
}

ZF_TEST_MAIN("oracles_mutants", ZF_CASE(compaction_fragmentation_index),

	     ZF_CASE(compaction_sync_full_scans_whole_zone),
	     ZF_CASE(compaction_async_mode_and_source_blocks),
	     ZF_CASE(placement_pcp_refill_first_page),
	     ZF_CASE(compaction_scanned_block_gets_skip_bit),
	     ZF_CASE(premature_oom_progress_after_a_kill),
	     ZF_CASE(premature_oom_progress_synthetic),
	     ZF_CASE(kswapd_awake_for_throttled_reclaimers), ZF_CASE(gfp_fault_injection),
	     ZF_CASE(gfp_null_only_from_slowpath), ZF_CASE(buddy_isolation_verdict),
	     ZF_CASE(compaction_should_continue_reclaim))
