/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_compaction.c - compaction.c / migrate.c against the 4.12
 * rules of spec §6: the fragmentation index formula, the deferral clock,
 * direct compaction of a fragmented zone (scanners, migration, drain, vmstat,
 * events), scanners meeting (COMPLETE vs PARTIAL_SKIPPED), the __GFP_IO
 * requirement, kcompactd and /proc/sys/vm/compact_memory, and the page
 * accounting the model contract demands after every run.
 *
 * The fragmented zone used below (one NORMAL zone of 4096 pages, pfns 0..4095,
 * pageblocks of 512, every page first given to one task's LRU, then every odd
 * pfn freed and the pcp lists drained):
 *
 *   pfn:   0 1 2 3 4 5 ...            4094 4095
 *          L . L . L . ...               L    .      L = LRU page, . = free order-0
 *
 * No free block of order 1 or more exists, NR_FREE_PAGES = 2048.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "zf_test.h"

#define ZONE_PAGES 4096u

/* ------------------------------------------------------------------ */
/* Fixtures                                                            */
/* ------------------------------------------------------------------ */

struct ev_log {
	unsigned int nr_migrate, nr_begin, nr_end, nr_try, nr_defer, nr_deferred, nr_reset;
	int64_t last_end_result, last_try_result;
	uint64_t min_src, max_src, min_dst, max_dst;
	bool dst_above_src; /* every migration moved a page upward */
};

static void ev_log_reset(struct ev_log *l)
{
	memset(l, 0, sizeof(*l));
	l->min_src = l->min_dst = UINT64_MAX;
	l->dst_above_src = true;
	l->last_end_result = l->last_try_result = -1;
}

static void on_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ev_log *l = priv;

	(void)m;
	switch (ev->type) {
	case ZF_EV_MIGRATE_PAGE: {
		uint64_t src = ev->pfn, dst = (uint64_t)ev->a;

		l->nr_migrate++;
		if (src < l->min_src)
			l->min_src = src;
		if (src > l->max_src)
			l->max_src = src;
		if (dst < l->min_dst)
			l->min_dst = dst;
		if (dst > l->max_dst)
			l->max_dst = dst;
		if (dst <= src)
			l->dst_above_src = false;
		break;
	}
	case ZF_EV_COMPACT_BEGIN:
		l->nr_begin++;
		break;
	case ZF_EV_COMPACT_END:
		l->nr_end++;
		l->last_end_result = ev->a;
		break;
	case ZF_EV_COMPACT_TRY:
		l->nr_try++;
		l->last_try_result = ev->a;
		break;
	case ZF_EV_COMPACT_DEFER:
		l->nr_defer++;
		break;
	case ZF_EV_COMPACT_DEFERRED:
		l->nr_deferred++;
		break;
	case ZF_EV_COMPACT_DEFER_RESET:
		l->nr_reset++;
		break;
	default:
		break;
	}
}

struct fixture {
	struct zf_machine *m;
	struct zone *z;
	int task;
	struct ev_log log;
};

/* One node, one NORMAL zone of ZONE_PAGES pages, one CPU. */
static bool fixture_create(struct fixture *f)
{
	struct zf_config cfg;
	struct zf_hooks hooks = {0};
	char err[256] = "";
	struct zf_task_config tc = {.name = "filler", .cpu = 0};

	memset(f, 0, sizeof(*f));
	zf_config_kernel(&cfg, 0, 0, ZONE_PAGES);
	cfg.nr_cpus = 1;
	f->m = zf_machine_create(&cfg, err, sizeof(err));
	if (!f->m) {
		fprintf(stderr, "  zf_machine_create: %s\n", err);
		return false;
	}
	f->z = &f->m->nodes[0].node_zones[ZONE_NORMAL];
	f->task = zf_task_create(f->m, &tc);
	ev_log_reset(&f->log);
	hooks.priv = &f->log;
	hooks.on_event = on_event;
	zf_machine_set_hooks(f->m, &hooks);
	return f->task >= 0 && f->z->spanned_pages == ZONE_PAGES;
}

static void fixture_destroy(struct fixture *f)
{
	if (f->m)
		zf_machine_destroy(f->m);
	f->m = NULL;
}

/*
 * Give every page of the machine to the task's LRU (kind), then free every
 * odd pfn of the zone and drain the pcp lists: the diagram at the top.
 * PF_MEMALLOC lets the fill take the zone down to zero (ALLOC_NO_WATERMARKS)
 * without reclaim (no __GFP_DIRECT_RECLAIM) and without waking kswapd.
 */
static bool fixture_fragment(struct fixture *f, enum zf_lru_kind kind)
{
	struct zf_machine *m = f->m;
	struct zone *z = f->z;
	uint64_t filled;

	zf_task_set_flags(m, f->task, ZF_PF_MEMALLOC, 0);
	filled = zf_lru_fill(m, f->task, kind, 2 * ZONE_PAGES, __GFP_MOVABLE | __GFP_NOWARN);
	zf_task_set_flags(m, f->task, 0, ZF_PF_MEMALLOC);
	if (filled != z->managed_pages) {
		fprintf(stderr, "  filled %llu of %llu pages\n", (unsigned long long)filled,
			(unsigned long long)z->managed_pages);
		return false;
	}
	for (uint64_t pfn = z->zone_start_pfn + 1; pfn < z->zone_start_pfn + z->spanned_pages;
	     pfn += 2) {
		struct page *p = &m->pages[pfn];

		if (!(p->flags & ZF_PG_LRU))
			return false;
		del_page_from_lru_list(m, pfn, page_lru(p));
		m->tasks[f->task].rss[kind]--;
		p->flags &= (uint16_t) ~(ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY);
		__free_pages(m, pfn, 0);
	}
	drain_all_pages(m, NULL);
	memset(&m->vmstat, 0, sizeof(m->vmstat));
	ev_log_reset(&f->log);
	return true;
}

/* ac for a request of gfp on node 0's fallback zonelist (prepare_alloc_pages). */
static struct alloc_context make_ac(struct zf_machine *m, gfp_t gfp)
{
	struct alloc_context ac = {
	    .zonelist_nid = 0,
	    .zonelist_which = ZONELIST_FALLBACK,
	    .nodemask = 0,
	    .migratetype = gfpflags_to_migratetype(m, gfp),
	    .high_zoneidx = gfp_zone(gfp),
	};

	ac.preferred_zoneref = first_zones_zonelist(m, ac_zonelist(m, &ac), ac.high_zoneidx, 0);
	return ac;
}

/* Pages on the zone's free lists: all types, and without ISOLATE (spec §2). */
static void count_buddy(struct zf_machine *m, const struct zone *z, uint64_t *all,
			uint64_t *counted)
{
	*all = *counted = 0;
	for (unsigned int o = 0; o < m->max_order; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			for (uint32_t pfn = z->free_area[o].free_list[mt].head; pfn != ZF_NIL;
			     pfn = m->pages[pfn].next) {
				*all += 1ULL << o;
				if (mt != MIGRATE_ISOLATE)
					*counted += 1ULL << o;
			}
		}
	}
}

/* LRU pages of the zone owned by task (by flags) and on the lists. */
static uint64_t count_lru(struct zf_machine *m, const struct zone *z, int task)
{
	uint64_t n = 0;

	for (uint64_t pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++)
		if ((m->pages[pfn].flags & ZF_PG_LRU) && m->pages[pfn].owner == task)
			n++;
	return n;
}

static int64_t lru_counters(const struct zone *z)
{
	return zone_page_state(z, NR_ZONE_INACTIVE_ANON) + zone_page_state(z, NR_ZONE_ACTIVE_ANON) +
	       zone_page_state(z, NR_ZONE_INACTIVE_FILE) + zone_page_state(z, NR_ZONE_ACTIVE_FILE);
}

/*
 * The model contract's accounting after a run: NR_FREE_PAGES equals the
 * pages on non-ISOLATE free lists, nothing is left isolated, and
 * managed = buddy + pcp + allocated + isolated + poisoned + offline.
 */
static bool check_accounting(struct zf_machine *m, const struct zone *z)
{
	uint64_t all, counted;
	int64_t sum;
	int before = zf_test_failures_in_test;

	count_buddy(m, z, &all, &counted);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), counted);
	expect_eq(zone_page_state(z, NR_ISOLATED), 0);
	expect_eq(z->compact_isolated_free, 0);
	sum = (int64_t)all + zone_page_state(z, NR_PCP) + zone_page_state(z, NR_ALLOCATED) +
	      zone_page_state(z, NR_ISOLATED) + zone_page_state(z, NR_POISONED) +
	      zone_page_state(z, NR_OFFLINE);
	expect_eq(sum, z->managed_pages);
	for (uint64_t pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++)
		if (m->pages[pfn].flags & ZF_PG_ISOLATED) {
			expect_eq(pfn, ZF_NO_PAGE); /* reports the first page left isolated */
			break;
		}
	return zf_test_failures_in_test == before;
}

/* Highest order with a free block on any list of the zone, -1 if none. */
static int highest_free_order(const struct zf_machine *m, const struct zone *z)
{
	for (int o = (int)m->max_order - 1; o >= 0; o--)
		if (z->free_area[o].nr_free)
			return o;
	return -1;
}

/* ------------------------------------------------------------------ */
/* fragmentation_index (mm/vmstat.c, spec §6.1)                         */
/* ------------------------------------------------------------------ */

/*
 * 1000 - (1000 + free_pages * 1000 / 2^order) / total_blocks, integer
 * divisions; 0 with no free blocks; -1000 when a block of the order exists.
 */
TEST(fragmentation_index_formula)
{
	struct zf_machine *m = calloc(1, sizeof(*m));
	struct zone *z = calloc(1, sizeof(*z));

	assert_true(m && z);
	m->max_order = 11;
	z->id = ZONE_NORMAL;

	/* nothing free */
	expect_eq(fragmentation_index(m, z, 3), 0);

	/* an order-3 block exists: a request of order 3 would succeed */
	z->free_area[3].nr_free = 1;
	expect_eq(fragmentation_index(m, z, 3), -1000);
	/* ... and so would any lower order */
	expect_eq(fragmentation_index(m, z, 1), -1000);
	z->free_area[3].nr_free = 0;

	/* 8 order-0 + 4 order-1 blocks = 16 pages in 12 blocks, order 4 (16 pages):
	 * 1000 - (1000 + 16000/16) / 12 = 1000 - 166 = 834 (fragmentation) */
	z->free_area[0].nr_free = 8;
	z->free_area[1].nr_free = 4;
	expect_eq(fragmentation_index(m, z, 4), 834);

	/* 100 order-0 pages, order 9: 1000 - (1000 + 100000/512) / 100 = 1000 - 11 = 989 */
	z->free_area[1].nr_free = 0;
	z->free_area[0].nr_free = 100;
	expect_eq(fragmentation_index(m, z, 9), 989);

	/* 2 order-2 blocks (8 pages), order 3: 1000 - (1000 + 1000) / 2 = 0: lack of memory */
	z->free_area[0].nr_free = 0;
	z->free_area[2].nr_free = 2;
	expect_eq(fragmentation_index(m, z, 3), 0);

	/* a single order-2 block, order 3: 1000 - 1500 / 1 = -500 (the formula goes negative) */
	z->free_area[2].nr_free = 1;
	expect_eq(fragmentation_index(m, z, 3), -500);

	/* order >= MAX_ORDER (the 4.12 WARN_ON_ONCE): 0, free_area[] untouched beyond MAX_ORDER */
	expect_eq(fragmentation_index(m, z, 11), 0);
	expect_eq(fragmentation_index(m, z, 40), 0);

	free(z);
	free(m);
	return true;
}

/* ------------------------------------------------------------------ */
/* Deferral (spec §6.2)                                                 */
/* ------------------------------------------------------------------ */

/*
 * After k consecutive failures the next 2^min(k,6) - 1 attempts at orders >=
 * compact_order_failed are deferred, then one runs; the shift stops at 6 (64).
 */
TEST(defer_compaction_backoff_sequence)
{
	struct zf_machine *m = calloc(1, sizeof(*m));
	struct zone *z = calloc(1, sizeof(*z));

	assert_true(m && z);
	m->max_order = 11;

	/* zero state: nothing deferred, considered saturates at the limit 1 */
	expect_false(compaction_deferred(m, z, 5));
	expect_eq(z->compact_considered, 1);

	for (unsigned int k = 1; k <= 9; k++) {
		unsigned int shift = k < COMPACT_MAX_DEFER_SHIFT ? k : COMPACT_MAX_DEFER_SHIFT;
		unsigned int skipped = 0;

		defer_compaction(m, z, 5);
		expect_eq(z->compact_defer_shift, shift);
		expect_eq(z->compact_considered, 0);
		while (skipped < 1000 && compaction_deferred(m, z, 5))
			skipped++;
		expect_eq(skipped, (1u << shift) - 1);
		expect_eq(z->compact_considered, 1u << shift);
	}
	/* at the cap and at the limit: compaction restarts (skip bits get cleared) */
	expect_eq(z->compact_considered, 64);
	expect_true(compaction_restarting(z, 5));

	/* orders below compact_order_failed are never deferred, and do not count */
	compaction_defer_reset(m, z, 5, false);
	expect_eq(z->compact_order_failed, 6);
	expect_eq(z->compact_defer_shift, COMPACT_MAX_DEFER_SHIFT); /* only success resets */
	defer_compaction(m, z, 7);
	expect_eq(z->compact_order_failed, 6); /* min(6, 7) */
	for (int i = 0; i < 100; i++)
		expect_false(compaction_deferred(m, z, 5));
	expect_eq(z->compact_considered, 0);
	expect_false(compaction_restarting(z, 5));
	expect_true(compaction_deferred(m, z, 6));
	expect_eq(z->compact_considered, 1);

	/* a failure at a lower order lowers compact_order_failed */
	defer_compaction(m, z, 2);
	expect_eq(z->compact_order_failed, 2);
	expect_true(compaction_deferred(m, z, 2));

	/* an allocation that succeeded resets the backoff */
	compaction_defer_reset(m, z, 4, true);
	expect_eq(z->compact_defer_shift, 0);
	expect_eq(z->compact_considered, 0);
	expect_eq(z->compact_order_failed, 5);
	expect_false(compaction_deferred(m, z, 9));

	free(z);
	free(m);
	return true;
}

/* ------------------------------------------------------------------ */
/* Direct compaction of a fragmented zone (spec §6.3, §6.4)             */
/* ------------------------------------------------------------------ */

/*
 * Direct compaction for order 3 (GFP_HIGHUSER_MOVABLE) of the fragmented zone.
 * The migrate scanner isolates LRU pages upward from pfn 0, the free scanner
 * takes as many free pages downward from the top pageblock, the sources are
 * freed, drained once the migrate scanner leaves their order-3 block, and
 * merge with the free pages between them:
 *  - async (skip_on_failure): isolation stops at the end of the first order-3
 *    aligned block that yielded pages, so the batch is its 4 LRU pages
 *    (pfns 0, 2, 4, 6) and pfns 0..7 become an order-3 block;
 *  - sync-light: the batch is COMPACT_CLUSTER_MAX = 32 pages (pfns 0..62) and
 *    pfns 0..63 become an order-6 block.
 * Either way SUCCESS after exactly one batch.
 */
static bool direct_compaction_one_batch(int prio, uint64_t batch, unsigned int merged_order)
{
	struct fixture f;
	struct alloc_context ac;
	const gfp_t gfp = GFP_HIGHUSER_MOVABLE;
	struct zone *z;
	struct zf_machine *m;
	uint64_t lru_before, start, top_block;
	int64_t lru_counters_before;
	compact_result_t r;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	m = f.m;
	z = f.z;
	start = z->zone_start_pfn;
	top_block = pageblock_start_pfn(m, start + z->spanned_pages - 1);

	/* the setup: 2048 free singles, no order >= 1 */
	expect_eq(zone_page_state(z, NR_FREE_PAGES), ZONE_PAGES / 2);
	expect_eq(highest_free_order(m, z), 0);
	expect_eq(compaction_suitable(m, z, 3, ALLOC_WMARK_MIN, ZONE_NORMAL), COMPACT_CONTINUE);
	lru_before = count_lru(m, z, f.task);
	lru_counters_before = lru_counters(z);
	expect_eq(lru_before, ZONE_PAGES / 2);

	ac = make_ac(m, gfp);
	r = try_to_compact_pages(m, gfp, 3, ALLOC_WMARK_MIN | ALLOC_CPUSET, &ac, prio);
	expect_eq(r, COMPACT_SUCCESS);

	/* one batch moved upward into the top pageblock */
	expect_eq(m->vmstat[ZF_VM_pgmigrate_success], batch);
	expect_eq(m->vmstat[ZF_VM_pgmigrate_fail], 0);
	expect_eq(f.log.nr_migrate, batch);
	expect_eq(f.log.min_src, start);
	expect_eq(f.log.max_src, start + 2 * (batch - 1));
	expect_true(f.log.min_dst >= top_block);
	expect_true(f.log.dst_above_src);
	/* batch sources + batch free targets isolated; the migrate scanner counted
	 * pfns 0..2*batch-2 (it stops after the last isolated page, or at the
	 * order-3 boundary before counting it), the free scanner top_block ..
	 * top_block + 2*batch - 1 */
	expect_eq(m->vmstat[ZF_VM_compact_isolated], 2 * batch);
	expect_eq(m->vmstat[ZF_VM_compact_migrate_scanned],
		  prio == COMPACT_PRIO_ASYNC ? 2 * batch : 2 * batch - 1);
	expect_eq(m->vmstat[ZF_VM_compact_free_scanned], 2 * batch);
	expect_eq(f.log.nr_begin, 1);
	expect_eq(f.log.nr_end, 1);
	expect_eq(f.log.last_end_result, COMPACT_SUCCESS);
	expect_eq(f.log.nr_try, 1);
	expect_eq(f.log.last_try_result, COMPACT_SUCCESS);

	/* the freed sources merged with their free neighbours (spec §4.8) */
	expect_true(PageBuddy(&m->pages[start]));
	expect_eq(m->pages[start].order, merged_order);
	expect_true(zone_watermark_ok(z, 3, min_wmark_pages(z), ZONE_NORMAL, ALLOC_WMARK_MIN,
				      m->max_order));
	/* SUCCESS: compaction_defer_reset(order 3, false) */
	expect_eq(z->compact_order_failed, 4);
	expect_eq(f.log.nr_reset, 1);

	/* the pages kept their owner and LRU state; the counters agree */
	expect_eq(count_lru(m, z, f.task), lru_before);
	expect_eq(lru_counters(z), lru_counters_before);
	expect_eq(m->tasks[f.task].rss[ZF_LRU_ANON], lru_before);
	assert_true(check_accounting(m, z));

	fixture_destroy(&f);
	return true;
}

TEST(direct_compaction_async_fragmented_zone)
{
	return direct_compaction_one_batch(COMPACT_PRIO_ASYNC, (1u << 3) / 2, 3);
}

TEST(direct_compaction_sync_light_fragmented_zone)
{
	return direct_compaction_one_batch(COMPACT_PRIO_SYNC_LIGHT, COMPACT_CLUSTER_MAX, 6);
}

/*
 * SYNC_LIGHT: the same batch, but only MOVABLE blocks matter for the target
 * and a deferred zone is skipped; SYNC_FULL ignores the deferral (spec §6.4)
 * and does not advance compact_considered.
 */
TEST(try_to_compact_pages_deferral_and_sync_full_bypass)
{
	struct fixture f;
	struct alloc_context ac;
	const gfp_t gfp = GFP_HIGHUSER_MOVABLE;
	compact_result_t r;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	ac = make_ac(f.m, gfp);

	defer_compaction(f.m, f.z, 3); /* shift 1: the next attempt is deferred */
	r = try_to_compact_pages(f.m, gfp, 3, ALLOC_WMARK_MIN, &ac, COMPACT_PRIO_SYNC_LIGHT);
	expect_eq(r, COMPACT_DEFERRED);
	expect_eq(f.z->compact_considered, 1);
	expect_eq(f.log.nr_deferred, 1);
	expect_eq(f.log.nr_begin, 0);
	expect_eq(f.m->vmstat[ZF_VM_pgmigrate_success], 0);

	r = try_to_compact_pages(f.m, gfp, 3, ALLOC_WMARK_MIN, &ac, COMPACT_PRIO_SYNC_FULL);
	expect_eq(r, COMPACT_SUCCESS);
	expect_eq(f.z->compact_considered, 1); /* not consulted */
	expect_eq(f.log.nr_begin, 1);
	expect_true(f.m->vmstat[ZF_VM_pgmigrate_success] > 0);
	assert_true(check_accounting(f.m, f.z));

	fixture_destroy(&f);
	return true;
}

/* ------------------------------------------------------------------ */
/* Scanners meeting (spec §6.3 __compact_finished)                      */
/* ------------------------------------------------------------------ */

/*
 * File pages cannot be isolated for a ZF_GFP_NOFS compactor (4.12 migrates only
 * anonymous pages without __GFP_FS), so nothing moves and the scanners meet:
 * COMPLETE for a run that covered the whole zone, PARTIAL_SKIPPED for one
 * that started from a cached position; both defer the zone (sync priority).
 */
TEST(scanners_meet_complete_vs_partial_skipped)
{
	struct fixture f;
	struct alloc_context ac;
	const gfp_t gfp = ZF_GFP_NOFS | __GFP_MOVABLE;
	struct zone *z;
	compact_result_t r;
	uint64_t skipped_blocks = 0;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_FILE));
	z = f.z;
	ac = make_ac(f.m, gfp);

	/* cached positions at the zone start: the run covers the whole zone */
	r = try_to_compact_pages(f.m, gfp, 3, ALLOC_WMARK_MIN, &ac, COMPACT_PRIO_SYNC_LIGHT);
	expect_eq(r, COMPACT_COMPLETE);
	expect_eq(f.m->vmstat[ZF_VM_pgmigrate_success], 0);
	expect_eq(f.m->vmstat[ZF_VM_compact_isolated], 0);
	expect_eq(z->compact_defer_shift, 1);
	expect_true(z->compact_blockskip_flush);
	/* every pageblock the migrate scanner covered got its skip bit */
	for (uint64_t pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages;
	     pfn += f.m->pageblock_nr_pages)
		skipped_blocks += get_pageblock_skip(f.m, pfn);
	/* no page was isolated, so the free scanner never moved off the last pageblock:
	 * the migrate scanner covered (and marked) every other one */
	expect_eq(skipped_blocks, z->spanned_pages / f.m->pageblock_nr_pages - 1);
	/* scanners met: the cached positions are back at the zone's ends */
	expect_eq(z->compact_cached_migrate_pfn[1], z->zone_start_pfn);
	assert_true(check_accounting(f.m, z));

	/* a run from a cached migrate position inside the zone is not a whole-zone run */
	compaction_defer_reset(f.m, z, 3, true);
	z->compact_cached_migrate_pfn[1] = z->zone_start_pfn + 2 * f.m->pageblock_nr_pages;
	r = try_to_compact_pages(f.m, gfp, 3, ALLOC_WMARK_MIN, &ac, COMPACT_PRIO_SYNC_LIGHT);
	expect_eq(r, COMPACT_PARTIAL_SKIPPED);
	expect_eq(z->compact_defer_shift, 1);

	/* SYNC_FULL always scans the whole zone */
	compaction_defer_reset(f.m, z, 3, true);
	z->compact_cached_migrate_pfn[1] = z->zone_start_pfn + 2 * f.m->pageblock_nr_pages;
	r = try_to_compact_pages(f.m, gfp, 3, ALLOC_WMARK_MIN, &ac, COMPACT_PRIO_SYNC_FULL);
	expect_eq(r, COMPACT_COMPLETE);
	expect_eq(z->compact_defer_shift, 1);

	/* async failures do not defer */
	compaction_defer_reset(f.m, z, 3, true);
	r = try_to_compact_pages(f.m, gfp, 3, ALLOC_WMARK_MIN, &ac, COMPACT_PRIO_ASYNC);
	expect_true(r == COMPACT_COMPLETE || r == COMPACT_PARTIAL_SKIPPED);
	expect_eq(z->compact_defer_shift, 0);
	assert_true(check_accounting(f.m, z));

	fixture_destroy(&f);
	return true;
}

/* ------------------------------------------------------------------ */
/* __GFP_IO, suitability                                                */
/* ------------------------------------------------------------------ */

TEST(try_to_compact_pages_needs_gfp_io)
{
	struct fixture f;
	struct alloc_context ac;
	compact_result_t r;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	ac = make_ac(f.m, ZF_GFP_NOIO | __GFP_MOVABLE);

	r = try_to_compact_pages(f.m, ZF_GFP_NOIO | __GFP_MOVABLE, 3, ALLOC_WMARK_MIN, &ac,
				 COMPACT_PRIO_SYNC_FULL);
	expect_eq(r, COMPACT_SKIPPED);
	expect_eq(f.log.nr_begin, 0);
	expect_eq(f.log.nr_try, 1);
	expect_eq(f.log.last_try_result, COMPACT_SKIPPED);
	expect_eq(f.z->compact_considered, 0);
	expect_eq(f.m->vmstat[ZF_VM_compact_migrate_scanned], 0);

	fixture_destroy(&f);
	return true;
}

/*
 * compaction_suitable: SUCCESS when the order is already allocatable; SKIPPED
 * below MIN (LOW for costly orders) + compact_gap; for costly orders a
 * fragmentation index <= 500 (lack of memory) also means SKIPPED.
 */
TEST(compaction_suitable_watermarks_and_fragindex)
{
	struct fixture f;
	struct zone *z;

	assert_true(fixture_create(&f));
	z = f.z;
	/* a fresh zone: everything free in big blocks */
	expect_eq(compaction_suitable(f.m, z, 3, ALLOC_WMARK_MIN, ZONE_NORMAL), COMPACT_SUCCESS);
	expect_eq(compaction_suitable(f.m, z, -1, ALLOC_WMARK_MIN, ZONE_NORMAL), COMPACT_CONTINUE);

	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	/* 2048 singles: order 9 is costly, fragindex = 1000 - (1000 + 4000) / 2048 = 998 */
	expect_eq(fragmentation_index(f.m, z, 9), 998);
	expect_eq(compaction_suitable(f.m, z, 9, ALLOC_WMARK_MIN, ZONE_NORMAL), COMPACT_CONTINUE);
	/* the order-0 check: LOW + 2<<order for costly orders, against the free count */
	expect_eq(__compaction_suitable(f.m, z, 9, ALLOC_WMARK_MIN, ZONE_NORMAL,
					low_wmark_pages(z) + compact_gap(9)),
		  COMPACT_SKIPPED);
	expect_eq(__compaction_suitable(f.m, z, 9, ALLOC_WMARK_MIN, ZONE_NORMAL,
					low_wmark_pages(z) + compact_gap(9) + 1),
		  COMPACT_CONTINUE);
	expect_eq(__compaction_suitable(f.m, z, 2, ALLOC_WMARK_MIN, ZONE_NORMAL,
					min_wmark_pages(z) + compact_gap(2)),
		  COMPACT_SKIPPED);
	expect_eq(__compaction_suitable(f.m, z, 2, ALLOC_WMARK_MIN, ZONE_NORMAL,
					min_wmark_pages(z) + compact_gap(2) + 1),
		  COMPACT_CONTINUE);
	/* order >= MAX_ORDER (B18 path): never CONTINUE, never out of bounds */
	expect_eq(compaction_suitable(f.m, z, (int)f.m->max_order, ALLOC_WMARK_MIN, ZONE_NORMAL),
		  COMPACT_SKIPPED);

	fixture_destroy(&f);
	return true;
}

/*
 * compaction_zonelist_suitable (spec §5.8): the free count is replaced by
 * NR_FREE_PAGES + zone_reclaimable_pages / order. A full zone of anonymous
 * pages passes only while swap makes them reclaimable.
 */
TEST(compaction_zonelist_suitable_counts_reclaimable)
{
	struct fixture f;
	struct alloc_context ac;
	uint64_t filled;

	assert_true(fixture_create(&f));
	ac = make_ac(f.m, GFP_HIGHUSER_MOVABLE);
	zf_task_set_flags(f.m, f.task, ZF_PF_MEMALLOC, 0);
	filled =
	    zf_lru_fill(f.m, f.task, ZF_LRU_ANON, 2 * ZONE_PAGES, __GFP_MOVABLE | __GFP_NOWARN);
	zf_task_set_flags(f.m, f.task, 0, ZF_PF_MEMALLOC);
	assert_eq(filled, f.z->managed_pages);
	drain_all_pages(f.m, NULL);
	expect_eq(zone_page_state(f.z, NR_FREE_PAGES), 0);

	/* swap free: 4096 anon pages / 3 = 1365 > MIN + compact_gap(3) */
	assert_true(f.m->nr_swap_pages > 0);
	expect_true(min_wmark_pages(f.z) + compact_gap(3) < zone_reclaimable_pages(f.m, f.z) / 3);
	expect_true(compaction_zonelist_suitable(f.m, &ac, 3, ALLOC_WMARK_MIN));
	/* no swap: nothing reclaimable, nothing free */
	f.m->nr_swap_pages = 0;
	expect_eq(zone_reclaimable_pages(f.m, f.z), 0);
	expect_false(compaction_zonelist_suitable(f.m, &ac, 3, ALLOC_WMARK_MIN));

	fixture_destroy(&f);
	return true;
}

/*
 * A fatal signal pending on the current task ends the run at the first
 * compact_finished() check: CONTENDED, nothing migrated, nothing left
 * isolated, no deferral (spec §6.3, §6.4).
 */
TEST(fatal_signal_gives_contended)
{
	struct fixture f;
	struct alloc_context ac;
	compact_result_t r;
	int saved;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	ac = make_ac(f.m, GFP_HIGHUSER_MOVABLE);
	zf_task_set_flags(f.m, f.task, ZF_TASK_FATAL_SIGNAL, 0);
	saved = zf_current(f.m);
	zf_set_current(f.m, f.task);
	r = try_to_compact_pages(f.m, GFP_HIGHUSER_MOVABLE, 3, ALLOC_WMARK_MIN, &ac,
				 COMPACT_PRIO_SYNC_LIGHT);
	zf_set_current(f.m, saved);
	expect_eq(r, COMPACT_CONTENDED);
	expect_eq(f.log.nr_begin, 1);
	expect_eq(f.log.last_end_result, COMPACT_CONTENDED);
	expect_eq(f.m->vmstat[ZF_VM_pgmigrate_success], 0);
	expect_eq(f.z->compact_defer_shift, 0);
	assert_true(check_accounting(f.m, f.z));

	fixture_destroy(&f);
	return true;
}

/* ------------------------------------------------------------------ */
/* kcompactd and compact_memory (spec §6.5)                             */
/* ------------------------------------------------------------------ */

/*
 * kcompactd compacts for GFP_KERNEL (UNMOVABLE): a free order-3 block on the
 * MOVABLE list is only a fallback for it, so sync-light compaction first
 * finishes the pageblock it is in (finishing_block): all 256 LRU pages of the
 * first pageblock move before it reports SUCCESS.
 */
TEST(kcompactd_wakeup_and_run)
{
	struct fixture f;
	struct pglist_data *pgdat;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	pgdat = &f.m->nodes[0];

	wakeup_kcompactd(f.m, pgdat, 0, ZONE_NORMAL); /* order 0: nothing */
	expect_false(pgdat->kcompactd_woken);
	expect_eq(pgdat->kcompactd_max_order, 0);

	wakeup_kcompactd(f.m, pgdat, 3, ZONE_NORMAL);
	expect_true(pgdat->kcompactd_woken);
	expect_eq(pgdat->kcompactd_max_order, 3);
	expect_eq(pgdat->kcompactd_classzone_idx, ZONE_NORMAL);

	zf_run_kcompactd(f.m, 0);
	expect_false(pgdat->kcompactd_woken);
	expect_eq(pgdat->kcompactd_max_order, 0);
	expect_eq(f.m->vmstat[ZF_VM_compact_daemon_wake], 1);
	expect_eq(f.log.last_end_result, COMPACT_SUCCESS);
	expect_eq(f.m->vmstat[ZF_VM_pgmigrate_success], f.m->pageblock_nr_pages / 2);
	expect_eq(f.z->compact_order_failed, 4);
	/* the first pageblock is entirely free now */
	expect_true(PageBuddy(&f.m->pages[f.z->zone_start_pfn]));
	expect_eq(f.m->pages[f.z->zone_start_pfn].order, f.m->pageblock_order);
	assert_true(check_accounting(f.m, f.z));

	/* nothing requested: an explicit run does nothing */
	zf_run_kcompactd(f.m, 0);
	expect_eq(f.m->vmstat[ZF_VM_compact_daemon_wake], 1);

	fixture_destroy(&f);
	return true;
}

/*
 * compact_memory: order -1, whole zone, sync: runs until the scanners meet
 * (COMPLETE). The 2048 LRU pages end up packed in the upper half, so after a
 * drain the lower half is free in blocks of MAX_ORDER-1.
 */
TEST(compact_node_packs_the_zone)
{
	struct fixture f;
	struct zf_machine *m;
	struct zone *z;
	uint64_t lru_before, low_lru = 0, half;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_ANON));
	m = f.m;
	z = f.z;
	lru_before = count_lru(m, z, f.task);
	half = z->zone_start_pfn + z->spanned_pages / 2;

	zf_compact_node(m, -1);
	drain_all_pages(m, NULL);
	expect_eq(f.log.nr_end, 1);
	expect_eq(f.log.last_end_result, COMPACT_COMPLETE);
	expect_eq(m->vmstat[ZF_VM_pgmigrate_success], ZONE_PAGES / 4);
	expect_eq(count_lru(m, z, f.task), lru_before);
	for (uint64_t pfn = z->zone_start_pfn; pfn < half; pfn++)
		low_lru += (m->pages[pfn].flags & ZF_PG_LRU) != 0;
	expect_eq(low_lru, 0);
	expect_eq(highest_free_order(m, z), (int)m->max_order - 1);
	expect_eq(z->free_area[m->max_order - 1].nr_free,
		  (z->spanned_pages / 2) >> (m->max_order - 1));
	/* compact_memory is not a direct compactor: no skip-bit flush requested */
	expect_false(z->compact_blockskip_flush);
	assert_true(check_accounting(m, z));

	fixture_destroy(&f);
	return true;
}

/* ------------------------------------------------------------------ */
/* zf_migrate_page (also used by hot-remove)                            */
/* ------------------------------------------------------------------ */

/* Allocate one order-0 page (on no list) for task. */
static uint64_t alloc_target(struct zf_machine *m, int task)
{
	struct zf_alloc_request req = {
	    .task = task, .gfp = GFP_KERNEL | __GFP_NOWARN, .order = 0, .preferred_nid = -1};
	struct zf_alloc_result res;

	if (zf_alloc_pages(m, &req, &res) != 0 || res.status != ZF_ALLOC_OK)
		return ZF_NO_PAGE;
	return res.pfn;
}

/*
 * The hot-remove use: src on its LRU list, dst an allocated page. dst takes
 * the list (at its head), the flags, the owner and the write-pending count;
 * src is left allocated without LRU identity for the caller to free.
 */
TEST(zf_migrate_page_moves_lru_identity)
{
	struct fixture f;
	struct zf_machine *m;
	struct zone *z;
	uint64_t src, dst, dst2;
	int64_t wp_before, inactive_file_before;

	assert_true(fixture_create(&f));
	assert_true(fixture_fragment(&f, ZF_LRU_FILE));
	m = f.m;
	z = f.z;
	src = z->zone_start_pfn; /* an LRU file page (even pfn) */
	assert_true(m->pages[src].flags & ZF_PG_LRU);
	/* make it dirty (set_page_dirty): it is write-pending */
	m->pages[src].flags |= ZF_PG_DIRTY;
	__mod_zone_page_state(z, NR_ZONE_WRITE_PENDING, 1);
	wp_before = zone_page_state(z, NR_ZONE_WRITE_PENDING);
	inactive_file_before = zone_page_state(z, NR_ZONE_INACTIVE_FILE);

	dst = alloc_target(m, f.task);
	assert_true(dst != ZF_NO_PAGE);
	expect_eq(zf_migrate_page(m, src, dst), 0);
	expect_true(m->pages[dst].flags & ZF_PG_LRU);
	expect_true(m->pages[dst].flags & ZF_PG_DIRTY);
	expect_false(m->pages[dst].flags & ZF_PG_ANON);
	expect_eq(m->pages[dst].owner, f.task);
	expect_eq(m->pages[src].flags & (ZF_PG_LRU | ZF_PG_DIRTY | ZF_PG_ANON | ZF_PG_ACTIVE), 0);
	expect_true(m->pages[src].flags & ZF_PG_HEAD);
	expect_eq(m->pages[src].owner, -1);
	expect_eq(zone_page_state(z, NR_ZONE_WRITE_PENDING), wp_before);
	expect_eq(zone_page_state(z, NR_ZONE_INACTIVE_FILE), inactive_file_before);
	/* the same LRU list: dst is its head now */
	expect_eq(z->lru[LRU_INACTIVE_FILE].head, dst);

	/* the caller frees the old page; a free page cannot be migrated */
	__free_pages(m, src, 0);
	dst2 = alloc_target(m, f.task);
	assert_true(dst2 != ZF_NO_PAGE);
	expect_true(zf_migrate_page(m, src == dst2 ? dst : src, dst2) < 0);
	/* a page under writeback cannot move (the model cannot wait for the IO) */
	m->pages[dst].flags |= ZF_PG_WRITEBACK;
	expect_true(zf_migrate_page(m, dst, dst2) < 0);
	expect_true(m->pages[dst].flags & ZF_PG_LRU);
	m->pages[dst].flags &= (uint16_t)~ZF_PG_WRITEBACK;
	/* nor can a page go onto one that is not allocated */
	__free_pages(m, dst2, 0);
	expect_true(zf_migrate_page(m, dst, dst2) < 0);
	drain_all_pages(m, NULL);
	assert_true(check_accounting(m, z));

	fixture_destroy(&f);
	return true;
}

ZF_TEST_MAIN("compaction", ZF_CASE(fragmentation_index_formula),
	     ZF_CASE(defer_compaction_backoff_sequence),
	     ZF_CASE(direct_compaction_async_fragmented_zone),
	     ZF_CASE(direct_compaction_sync_light_fragmented_zone),
	     ZF_CASE(try_to_compact_pages_deferral_and_sync_full_bypass),
	     ZF_CASE(scanners_meet_complete_vs_partial_skipped),
	     ZF_CASE(try_to_compact_pages_needs_gfp_io),
	     ZF_CASE(compaction_suitable_watermarks_and_fragindex),
	     ZF_CASE(compaction_zonelist_suitable_counts_reclaimable),
	     ZF_CASE(fatal_signal_gives_contended), ZF_CASE(kcompactd_wakeup_and_run),
	     ZF_CASE(compact_node_packs_the_zone), ZF_CASE(zf_migrate_page_moves_lru_identity))
