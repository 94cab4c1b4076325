/* SPDX-License-Identifier: MIT */
/*
 * test_oracles_compact_retry.c - ZF_INV_COMPACTION's should_compact_retry
 * rules (spec §5.8, §5.4, §6.1, §7.3):
 *  - after a withdrawn compaction result the verdict is
 *    compaction_zonelist_suitable() recomputed over the request's zonelist. A
 *    real machine is driven into a withdrawn result (GFP_NOIO cannot compact:
 *    SKIPPED) where only the preferred zone could be compacted; the model's
 *    verdict is quiet, and a verdict turned false on its way to the oracles
 *    (the effect of the mutant that stops compaction_zonelist_suitable before
 *    the zonelist's first zone, `i > 0`) fires;
 *  - the counters (MAX_COMPACT_RETRIES, a quarter for costly orders, priority
 *    escalation down to SYNC_FULL / SYNC_LIGHT for costly orders) on
 *    synthetic streams: the 4.12 sequence is quiet, each planted deviation
 *    fires;
 *  - a direct compaction runs at the slow path's priority;
 *  - COMPACTSTALL is counted exactly after a result > COMPACT_INACTIVE (§5.6).
 */
#include "test_oracles_fixture.h"

/* Forwards events to the oracle set; optionally turns withdrawn verdicts false. */
struct retry_hook {
	struct zf_oracle_set *s;
	bool drop_withdrawn_verdict;
	bool raise_withdrawn_verdict;
	int64_t last_try; /* result of the last COMPACT_TRY */
	unsigned int withdrawn_true, withdrawn_false;
};

static bool withdrawn(int64_t r)
{
	return r == ZF_COMPACT_SKIPPED || r == ZF_COMPACT_DEFERRED || r == ZF_COMPACT_CONTENDED ||
	       r == ZF_COMPACT_PARTIAL_SKIPPED;
}

static void retry_hook_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct retry_hook *h = priv;
	struct zf_event e = *ev;
	if (e.type == ZF_EV_COMPACT_TRY)
		h->last_try = e.a;
	if (e.type == ZF_EV_SHOULD_COMPACT_RETRY && withdrawn(h->last_try)) {
		if (e.a)
			h->withdrawn_true++;
		else
			h->withdrawn_false++;
		if (h->drop_withdrawn_verdict)
			e.a = 0;
		if (h->raise_withdrawn_verdict)
			e.a = 1;
	}
	zf_oracles_event_hook(h->s, m, &e);
}

/*
 * Node 0: DMA32 256 + Normal 256 pages (MAX_ORDER 5, pageblock order 3, no
 * swap). Every page is taken by an unkillable hog, then every other page of
 * Normal is given back: Normal has 128 free order-0 pages (compactable: it
 * passes the order-0 LOW + compact_gap test), DMA32 none. A GFP_NOIO |
 * __GFP_REPEAT order-4 request cannot compact (try_to_compact_pages needs
 * __GFP_IO: SKIPPED), reclaim reports progress because Normal is
 * compaction_ready (§5.5), and should_compact_retry answers with
 * compaction_zonelist_suitable(): true through Normal, the zonelist's first
 * zone, only. The watchdog stops the loop.
 */
/* dma32_file: that many DMA32 pages (+ 2) are given back too, then refilled with page cache */
static bool setup_withdrawn(struct ofix *f, struct zf_config *cfg, uint64_t dma32_file)
{
	memset(cfg, 0, sizeof(*cfg));
	zf_config_default(cfg);
	memset(cfg->zone_pages, 0, sizeof(cfg->zone_pages));
	cfg->nr_nodes = 1;
	cfg->zone_pages[0][ZF_ZONE_DMA32] = 256;
	cfg->zone_pages[0][ZF_ZONE_NORMAL] = 256;
	cfg->nr_cpus = 1;
	cfg->max_order = 5;
	cfg->pageblock_order = 3;
	cfg->swap_pages = 0;
	cfg->min_free_kbytes = 16;
	cfg->max_retries = 12;
	if (!ofix_init_tasks(f, cfg, ofix_only("compaction"), 0, ZF_TASK_UNKILLABLE))
		return false;
	uint64_t held[512];
	unsigned int n = 0;
	struct zf_alloc_result res;
	while (n < 512 &&
	       ofix_alloc(f, f->task[0], ZF_GFP_KERNEL | ZF_GFP_NOWARN | ZF_GFP_NORETRY, 0, &res) ==
		   0 &&
	       res.status == ZF_ALLOC_OK)
		held[n++] = res.pfn;
	int normal = ZF_ZONE_NORMAL;
	uint64_t dma32_freed = 0;
	for (unsigned int i = 0; i < n; i++) {
		int zid = zf_inspect_pfn_zone(f->m, held[i]);
		if ((zid == normal && (held[i] & 1u)) ||
		    (zid == ZF_ZONE_DMA32 && dma32_freed < dma32_file + 2 && ++dma32_freed))
			zf_free_pages(f->m, f->task[0], held[i], 0);
	}
	/* page cache in DMA32 (reclaim progress for a DMA32 request) */
	if (dma32_file && zf_lru_fill(f->m, f->task[2], ZF_LRU_FILE, dma32_file,
				      ZF_GFP_USER | ZF_GFP_DMA32) != dma32_file)
		return false;
	zf_oracles_reset(f->s, f->m);
	return true;
}

TEST(compact_retry_withdrawn_verdict_is_zonelist_suitable)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct retry_hook h = {.drop_withdrawn_verdict = plant != 0, .last_try = -1};
		assert_true(setup_withdrawn(&f, &cfg, 0));
		struct zf_zone_info zn, zd;
		assert_eq(zf_inspect_zone(f.m, ZF_ZONE_NORMAL, &zn), 0);
		assert_eq(zf_inspect_zone(f.m, ZF_ZONE_DMA32, &zd), 0);
		expect_true(zn.nr_free_pages >= 100);
		expect_true(zd.nr_free_pages < 16);
		int zl[8];
		assert_true(zf_inspect_zonelist(f.m, 0, false, zl, 8) >= 2);
		expect_eq(zl[0], ZF_ZONE_NORMAL); /* the zone the `i > 0` mutant never asks */

		h.s = f.s;
		struct zf_hooks hk = {.priv = &h, .on_event = retry_hook_fn};
		zf_machine_set_hooks(f.m, &hk);
		struct zf_alloc_result res;
		ofix_alloc(&f, f.task[1], ZF_GFP_NOIO | ZF_GFP_REPEAT, 4, &res);
		/* the model's verdicts: withdrawn (SKIPPED), and true every time */
		expect_true(h.withdrawn_true >= 2);
		expect_eq(h.withdrawn_false, 0);
		expect_eq(res.status, ZF_ALLOC_ABORTED);
		const char *msg = "compaction_zonelist_suitable recomputed is true (zone Normal";
		expect_eq(ofix_count(&f, "compaction"), plant ? 1 : 0);
		expect_eq(ofix_has(&f, "compaction", msg), plant != 0);
		if (!plant && ofix_count(&f, "compaction"))
			ofix_dump(&f);
		ofix_fini(&f);
	}
	return true;
}

/*
 * The same machine, with 10 DMA32 pages given back and 8 of them refilled
 * with clean page cache; the request is limited to DMA32 (GFP_KERNEL |
 * __GFP_REPEAT | __GFP_DMA32, order 4). Reclaim frees the 8 pages (progress),
 * no order-4 block forms, compaction is SKIPPED (too few free pages), and no
 * zone of the request's zonelist is compactable even counting its
 * reclaimable pages (DMA32: about 10 free against LOW + compact_gap 32), so
 * should_compact_retry says false and the request fails (costly: no OOM).
 * The model's false verdict is quiet; a verdict turned true fires.
 */
TEST(compact_retry_withdrawn_verdict_false_when_nothing_suitable)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		struct retry_hook h = {.raise_withdrawn_verdict = plant != 0, .last_try = -1};
		assert_true(setup_withdrawn(&f, &cfg, 8));
		h.s = f.s;
		struct zf_hooks hk = {.priv = &h, .on_event = retry_hook_fn};
		zf_machine_set_hooks(f.m, &hk);
		struct zf_alloc_result res;
		ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_REPEAT | ZF_GFP_DMA32, 4, &res);
		expect_true(h.withdrawn_false >= 1);
		expect_eq(h.withdrawn_true, 0);
		expect_eq(res.status, ZF_ALLOC_FAIL);
		const char *msg = "compaction_zonelist_suitable recomputed is false";
		expect_eq(ofix_count(&f, "compaction"), plant ? 1 : 0);
		expect_eq(ofix_has(&f, "compaction", msg), plant != 0);
		if (!plant && ofix_count(&f, "compaction"))
			ofix_dump(&f);
		ofix_fini(&f);
	}
	return true;
}

/*
 * __alloc_pages_direct_compact of task t: try_to_compact_pages, then, when a
 * zone was compacted (result > COMPACT_INACTIVE), COMPACTSTALL and the failed
 * freelist attempt (§5.6).
 */
static void direct_compact(struct ofix *f, int t, unsigned int order, int64_t result, int64_t prio,
			   zf_gfp_t gfp)
{
	ofix_event(f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, order, result, prio, 0, t, gfp, 0);
	if (result > ZF_COMPACT_DEFERRED) {
		ofix_event(f, ZF_EV_COMPACT_STALL, 0, -1, ZF_NO_PAGE, order, result, prio, 0, t,
			   gfp, 0);
		ofix_event(f, ZF_EV_COMPACT_FAIL, 0, -1, ZF_NO_PAGE, order, result, prio, 0, t, gfp,
			   0);
	}
}

/* One retry round of task t, as the slow path emits it: retry:, compaction, the verdict. */
static void round_of(struct ofix *f, int t, unsigned int order, int64_t result, int64_t try_prio,
		     int64_t verdict, int64_t retries, int64_t prio)
{
	zf_gfp_t gfp = ZF_GFP_KERNEL | ZF_GFP_REPEAT;
	ofix_event(f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY, -1, ZF_NO_PAGE, order, 0, 0, 0, t, gfp,
		   0);
	direct_compact(f, t, order, result, try_prio, gfp);
	ofix_event(f, ZF_EV_SHOULD_COMPACT_RETRY, 0, -1, ZF_NO_PAGE, order, verdict, retries, prio,
		   t, gfp, 0);
}

static void alloc_begin(struct ofix *f, int t, unsigned int order)
{
	zf_gfp_t gfp = ZF_GFP_KERNEL | ZF_GFP_REPEAT;
	ofix_event(f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, order, 0, 0, 0, t, gfp, 0);
	ofix_event(f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY_CPUSET, -1, ZF_NO_PAGE, order, 0, 0, 0,
		   t, gfp, 0);
}

static void alloc_end(struct ofix *f, int t, unsigned int order)
{
	ofix_event(f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, order, ZF_ALLOC_FAIL, 0, 0, t,
		   ZF_GFP_KERNEL, 0);
}

/*
 * Order 2: SUCCESS counts retries 1..16 (true), the 17th goes to
 * check_priority: SYNC_LIGHT -> SYNC_FULL with retries 0 (true); 17 more at
 * SYNC_FULL end false. Order 4 (costly): 4 retries, the 5th gives up (no
 * escalation below SYNC_LIGHT). COMPLETE escalates at once.
 */
static void feed_model_order2(struct ofix *f, int t, int64_t last_verdict)
{
	alloc_begin(f, t, 2);
	for (int i = 1; i <= 16; i++)
		round_of(f, t, 2, ZF_COMPACT_SUCCESS, 1, 1, i, 1);
	round_of(f, t, 2, ZF_COMPACT_SUCCESS, 1, 1, 0, 0);
	for (int i = 1; i <= 16; i++)
		round_of(f, t, 2, ZF_COMPACT_SUCCESS, 0, 1, i, 0);
	round_of(f, t, 2, ZF_COMPACT_SUCCESS, 0, last_verdict, 17, 0);
	alloc_end(f, t, 2);
}

TEST(compact_retry_counters_and_priority)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	int t = f.task[1];

	/* the model's sequences: quiet */
	feed_model_order2(&f, t, 0);
	alloc_begin(&f, t, 4);
	for (int i = 1; i <= 4; i++)
		round_of(&f, t, 4, ZF_COMPACT_SUCCESS, 1, 1, i, 1);
	round_of(&f, t, 4, ZF_COMPACT_SUCCESS, 1, 0, 5, 1);
	alloc_end(&f, t, 4);
	alloc_begin(&f, t, 3);
	round_of(&f, t, 3, ZF_COMPACT_COMPLETE, 1, 1, 0, 0);
	round_of(&f, t, 3, ZF_COMPACT_CONTINUE, 0, 1, 0, 0);
	round_of(&f, t, 3, ZF_COMPACT_COMPLETE, 0, 0, 0, 0);
	alloc_end(&f, t, 3);
	expect_eq(ofix_count(&f, "compaction"), 0);
	if (ofix_count(&f, "compaction"))
		ofix_dump(&f);

	/* no bound at SYNC_FULL: the 17th SUCCESS retry still says true */
	feed_model_order2(&f, t, 1);
	expect_eq(ofix_count(&f, "compaction"), 1);
	expect_true(ofix_has(&f, "compaction", "§5.8 wants false, 17, 0"));

	/* costly orders without the quarter (max_retries /= 4 dropped) */
	alloc_begin(&f, t, 4);
	for (int i = 1; i <= 5; i++)
		round_of(&f, t, 4, ZF_COMPACT_SUCCESS, 1, 1, i, 1);
	alloc_end(&f, t, 4);
	expect_eq(ofix_count(&f, "compaction"), 2);
	expect_true(ofix_has(&f, "compaction", "§5.8 wants false, 5, 1"));

	/* costly orders escalated to SYNC_FULL (MIN_COMPACT_PRIORITY instead of the costly one) */
	alloc_begin(&f, t, 4);
	round_of(&f, t, 4, ZF_COMPACT_COMPLETE, 1, 1, 0, 0);
	alloc_end(&f, t, 4);
	expect_eq(ofix_count(&f, "compaction"), 3);
	expect_true(ofix_has(&f, "compaction", "§5.8 wants false, 0, 1"));

	/* escalation without resetting the retries */
	alloc_begin(&f, t, 1);
	for (int i = 1; i <= 16; i++)
		round_of(&f, t, 1, ZF_COMPACT_SUCCESS, 1, 1, i, 1);
	round_of(&f, t, 1, ZF_COMPACT_SUCCESS, 1, 1, 17, 0);
	alloc_end(&f, t, 1);
	expect_eq(ofix_count(&f, "compaction"), 4);
	expect_true(ofix_has(&f, "compaction", "§5.8 wants true, 0, 0"));

	/* order 0 never retries for compaction (§5.8: `if (!order) return false`) */
	alloc_begin(&f, t, 0);
	ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY, -1, ZF_NO_PAGE, 0, 0, 0, 0, t,
		   ZF_GFP_KERNEL, 0);
	ofix_event(&f, ZF_EV_SHOULD_COMPACT_RETRY, 0, -1, ZF_NO_PAGE, 0, 0, 0, 1, t, ZF_GFP_KERNEL,
		   0);
	expect_eq(ofix_count(&f, "compaction"), 4);
	ofix_event(&f, ZF_EV_SHOULD_COMPACT_RETRY, 0, -1, ZF_NO_PAGE, 0, 1, 0, 1, t, ZF_GFP_KERNEL,
		   0);
	alloc_end(&f, t, 0);
	expect_eq(ofix_count(&f, "compaction"), 5);
	expect_true(ofix_has(&f, "compaction", "returned true for order 0"));
	ofix_fini(&f);
	return true;
}

/* §5.4: the early compaction runs ASYNC, the retry rounds at compact_priority. */
TEST(compact_retry_direct_compaction_priority)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	int t = f.task[2];
	zf_gfp_t gfp = ZF_GFP_KERNEL | ZF_GFP_REPEAT;
	const char *msg = "direct compaction (order 2) ran at priority";

	/* the model: early ASYNC, then SYNC_LIGHT, escalated SYNC_FULL after COMPLETE */
	alloc_begin(&f, t, 2);
	direct_compact(&f, t, 2, ZF_COMPACT_COMPLETE, ZF_COMPACT_PRIO_ASYNC, gfp);
	round_of(&f, t, 2, ZF_COMPACT_COMPLETE, 1, 1, 0, 0);
	round_of(&f, t, 2, ZF_COMPACT_CONTINUE, 0, 1, 0, 0);
	alloc_end(&f, t, 2);
	/* costly __GFP_NORETRY: the round after a non-deferred early compaction stays ASYNC */
	alloc_begin(&f, t, 4);
	direct_compact(&f, t, 4, ZF_COMPACT_COMPLETE, ZF_COMPACT_PRIO_ASYNC,
		       ZF_GFP_KERNEL | ZF_GFP_NORETRY);
	ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY, -1, ZF_NO_PAGE, 4, 0, 0, 0, t,
		   ZF_GFP_KERNEL | ZF_GFP_NORETRY, 0);
	direct_compact(&f, t, 4, ZF_COMPACT_COMPLETE, ZF_COMPACT_PRIO_ASYNC,
		       ZF_GFP_KERNEL | ZF_GFP_NORETRY);
	alloc_end(&f, t, 4);
	expect_eq(ofix_count(&f, "compaction"), 0);
	if (ofix_count(&f, "compaction"))
		ofix_dump(&f);

	/* the retry round after the escalation still at SYNC_LIGHT */
	alloc_begin(&f, t, 2);
	round_of(&f, t, 2, ZF_COMPACT_COMPLETE, 1, 1, 0, 0);
	ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY, -1, ZF_NO_PAGE, 2, 0, 0, 0, t, gfp, 0);
	direct_compact(&f, t, 2, ZF_COMPACT_COMPLETE, ZF_COMPACT_PRIO_SYNC_LIGHT, gfp);
	alloc_end(&f, t, 2);
	expect_eq(ofix_count(&f, "compaction"), 1);
	expect_true(ofix_has(&f, "compaction", msg));
	/* an early compaction at SYNC_LIGHT */
	alloc_begin(&f, t, 2);
	direct_compact(&f, t, 2, ZF_COMPACT_COMPLETE, ZF_COMPACT_PRIO_SYNC_LIGHT, gfp);
	alloc_end(&f, t, 2);
	expect_eq(ofix_count(&f, "compaction"), 2);
	expect_true(ofix_has(&f, "compaction", "early direct compaction (order 2)"));
	ofix_fini(&f);
	return true;
}

/* §5.6: COMPACTSTALL exactly after a try_to_compact_pages result > COMPACT_INACTIVE. */
TEST(compact_retry_stall_only_after_compaction)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("compaction"), 0));
	int t = f.task[1];
	zf_gfp_t gfp = ZF_GFP_KERNEL | ZF_GFP_REPEAT;

	/* the model: no stall after SKIPPED / DEFERRED, a stall after COMPLETE / SUCCESS */
	alloc_begin(&f, t, 2);
	direct_compact(&f, t, 2, ZF_COMPACT_SKIPPED, ZF_COMPACT_PRIO_ASYNC, gfp);
	round_of(&f, t, 2, ZF_COMPACT_DEFERRED, 1, 1, 0, 1);
	round_of(&f, t, 2, ZF_COMPACT_COMPLETE, 1, 1, 0, 0);
	ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY, -1, ZF_NO_PAGE, 2, 0, 0, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, 2, ZF_COMPACT_SUCCESS, 0, 0, t, gfp,
		   0);
	ofix_event(&f, ZF_EV_COMPACT_STALL, 0, -1, ZF_NO_PAGE, 2, ZF_COMPACT_SUCCESS, 0, 0, t, gfp,
		   0);
	ofix_event(&f, ZF_EV_COMPACT_SUCCESS, 0, 1, 100, 2, ZF_COMPACT_SUCCESS, 0, 0, t, gfp, 0);
	alloc_end(&f, t, 2);
	expect_eq(ofix_count(&f, "compaction"), 0);
	if (ofix_count(&f, "compaction"))
		ofix_dump(&f);

	/* a stall after DEFERRED (`<= COMPACT_INACTIVE` weakened to `< COMPACT_INACTIVE`) */
	alloc_begin(&f, t, 2);
	ofix_event(&f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, 2, ZF_COMPACT_DEFERRED, 2, 0, t, gfp,
		   0);
	ofix_event(&f, ZF_EV_COMPACT_STALL, 0, -1, ZF_NO_PAGE, 2, ZF_COMPACT_DEFERRED, 2, 0, t, gfp,
		   0);
	alloc_end(&f, t, 2);
	expect_eq(ofix_count(&f, "compaction"), 1);
	expect_true(ofix_has(&f, "compaction",
			     "COMPACTSTALL counted after try_to_compact_pages "
			     "returned COMPACT_DEFERRED"));
	/* a compaction that ran without its stall */
	alloc_begin(&f, t, 2);
	ofix_event(&f, ZF_EV_COMPACT_TRY, 0, -1, ZF_NO_PAGE, 2, ZF_COMPACT_COMPLETE, 2, 0, t, gfp,
		   0);
	ofix_event(&f, ZF_EV_COMPACT_FAIL, 0, -1, ZF_NO_PAGE, 2, ZF_COMPACT_COMPLETE, 2, 0, t, gfp,
		   0);
	alloc_end(&f, t, 2);
	expect_eq(ofix_count(&f, "compaction"), 2);
	expect_true(
	    ofix_has(&f, "compaction", "but no COMPACTSTALL was counted before COMPACT_FAIL"));
	ofix_fini(&f);
	return true;
}

ZF_TEST_MAIN("oracles_compact_retry", ZF_CASE(compact_retry_withdrawn_verdict_is_zonelist_suitable),
	     ZF_CASE(compact_retry_withdrawn_verdict_false_when_nothing_suitable),
	     ZF_CASE(compact_retry_counters_and_priority),
	     ZF_CASE(compact_retry_direct_compaction_priority),
	     ZF_CASE(compact_retry_stall_only_after_compaction))
