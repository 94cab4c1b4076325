/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_COMPACTION: compaction state (spec §6.2, §6.3, §11 item 9).
 *
 *  - deferral: 0 <= compact_defer_shift <= COMPACT_MAX_DEFER_SHIFT (6),
 *    compact_considered <= 1 << defer_shift; COMPACT_DEFER (a = shift,
 *    b = considered) must report shift <= 6 and considered reset to 0;
 *  - cached scanner positions (compact_cached_free_pfn,
 *    compact_cached_migrate_pfn[2]) lie inside the zone, or are still 0 (the
 *    zone is zero-initialised in 4.12 and compact_zone resets invalid
 *    positions on first use);
 *  - one run (COMPACT_BEGIN a = migrate pfn, b = free pfn .. COMPACT_END): both
 *    scanners start inside the zone; while the scanners have not met, every
 *    page migrated (MIGRATE_PAGE pfn = source, a = target) moves from below to
 *    above (the migrate scanner works under the free scanner: migrate_pfn <=
 *    free_pfn); a run that starts with the scanners already met (cached
 *    positions crossed) migrates nothing: compact_finished ends it at once.
 *  - a direct compaction at MIN_COMPACT_PRIORITY (SYNC_FULL, from
 *    COMPACT_TRY_BEGIN b = priority of the same task and order) scans the whole
 *    zone: its COMPACT_BEGIN starts at the zone's first pfn and at the last
 *    pageblock (§6.3, compact_zone_order's whole_zone);
 *  - a direct run is async (COMPACT_BEGIN c = 0) exactly at COMPACT_PRIO_ASYNC
 *    (§1.6); an async direct run migrates only out of pageblocks of the
 *    request's type, MOVABLE requests also out of CMA ones (§6.3,
 *    suitable_migration_source); below SYNC_FULL a pageblock the migrate
 *    scanner scanned to its end without isolating gets its skip bit (§6.3,
 *    update_pageblock_skip);
 *  - compaction_suitable's fragmentation index for costly orders (§6.1):
 *    COMPACT_SUITABLE (a = result before NOT_SUITABLE_ZONE reads as SKIPPED)
 *    is recomputed from the zone's free_area counts; NOT_SUITABLE_ZONE needs
 *    an order > PAGE_ALLOC_COSTLY_ORDER and an index in 0..500
 *    (sysctl_extfrag_threshold), CONTINUE at such an order an index outside.
 *
 * Runs nest (kcompactd can run inside a direct compaction's sleep), so open
 * runs are kept on a small stack. Cost: O(1) per event; walk O(zones).
 */
#include <string.h>

#include "oracle_internal.h"

#define MAX_RUNS 8

struct compaction_run {
	int zone_id;
	uint64_t start, end; /* zone span */
	bool met;            /* scanners met at COMPACT_BEGIN */
	bool reported;
	int64_t prio; /* the direct try's priority, -1: not a direct compaction */
	int task;
};

/* try_to_compact_pages calls in progress (COMPACT_TRY_BEGIN .. COMPACT_TRY) */
struct compaction_try {
	int task;
	unsigned int order;
	int64_t prio;
};

struct compaction_state {
	struct compaction_run run[MAX_RUNS];
	unsigned int nr_runs;
	struct compaction_try tries[MAX_RUNS];
	unsigned int nr_tries;
	bool zone_reported[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES];
};

static void compaction_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	(void)c;
	(void)m;
	memset(p, 0, sizeof(struct compaction_state));
}

static bool cached_ok(const struct zf_zone_info *zi, uint64_t pfn)
{
	return pfn == 0 || (pfn >= zi->start_pfn && pfn < zi->start_pfn + zi->spanned_pages);
}

/* Zone-level state; ev NULL from the walk. Returns true if something was reported. */
static bool check_zone_state(struct zf_oracle_set *c, const struct zf_machine *m,
			     const struct zf_event *ev, const struct zf_zone_info *zi)
{
	if (zi->compact_defer_shift > ZF_O_MAX_DEFER_SHIFT) {
		zf_oreport(c, m, ev, zi->id, "zone %s: compact_defer_shift %u > %d", zi->name,
			   zi->compact_defer_shift, ZF_O_MAX_DEFER_SHIFT);
		return true;
	}
	if (zi->compact_considered > (1u << zi->compact_defer_shift)) {
		zf_oreport(c, m, ev, zi->id, "zone %s: compact_considered %u > 1 << defer_shift %u",
			   zi->name, zi->compact_considered, zi->compact_defer_shift);
		return true;
	}
	if (!cached_ok(zi, zi->compact_cached_free_pfn) ||
	    !cached_ok(zi, zi->compact_cached_migrate_pfn[0]) ||
	    !cached_ok(zi, zi->compact_cached_migrate_pfn[1])) {
		zf_oreport(c, m, ev, zi->id,
			   "zone %s [%llu, %llu): cached pfns free %llu migrate %llu/%llu outside "
			   "the zone",
			   zi->name, (unsigned long long)zi->start_pfn,
			   (unsigned long long)(zi->start_pfn + zi->spanned_pages),
			   (unsigned long long)zi->compact_cached_free_pfn,
			   (unsigned long long)zi->compact_cached_migrate_pfn[0],
			   (unsigned long long)zi->compact_cached_migrate_pfn[1]);
		return true;
	}
	return false;
}

static void check_event_zone(struct zf_oracle_set *c, struct compaction_state *st,
			     const struct zf_machine *m, const struct zf_event *ev)
{
	struct zf_zone_info zi;
	int zid = ev->zone_id;
	if (zid < 0 || zid >= ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES || st->zone_reported[zid] ||
	    zf_inspect_zone(m, zid, &zi) != 0)
		return;
	if (check_zone_state(c, m, ev, &zi))
		st->zone_reported[zid] = true; /* a broken state is reported once per run */
}

static void on_begin(struct zf_oracle_set *c, struct compaction_state *st,
		     const struct zf_machine *m, const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	struct zf_zone_info zi;
	if (ev->zone_id < 0 || zf_inspect_zone(m, ev->zone_id, &zi) != 0)
		return;
	uint64_t start = zi.start_pfn, end = zi.start_pfn + zi.spanned_pages;
	uint64_t pb_start = start & ~((UINT64_C(1) << g->pageblock_order) - 1);
	uint64_t mig = (uint64_t)ev->a, fre = (uint64_t)ev->b;
	if (ev->a < 0 || mig < start || mig >= end || ev->b < 0 || fre < pb_start || fre >= end)
		zf_oreport(c, m, ev, zi.id,
			   "compaction of zone %s [%llu, %llu) starts with migrate pfn %lld, free "
			   "pfn %lld",
			   zi.name, (unsigned long long)start, (unsigned long long)end,
			   (long long)ev->a, (long long)ev->b);
	int64_t prio = -1;
	if (st->nr_tries && st->nr_tries <= MAX_RUNS && ev->label == 0) {
		const struct compaction_try *t = &st->tries[st->nr_tries - 1];
		if (t->task == ev->task && t->order == ev->order)
			prio = t->prio;
	}
	/* compact_zone_order: async mode exactly at COMPACT_PRIO_ASYNC (§1.6); c = sync */
	if (prio >= 0 && (ev->c != 0) != (prio != ZF_COMPACT_PRIO_ASYNC))
		zf_oreport(c, m, ev, zi.id,
			   "direct compaction of zone %s at priority %lld runs %s (want %s)",
			   zi.name, (long long)prio, ev->c ? "sync" : "async",
			   prio == ZF_COMPACT_PRIO_ASYNC ? "MIGRATE_ASYNC" : "MIGRATE_SYNC_LIGHT");
	if (st->nr_runs < MAX_RUNS) {
		struct compaction_run *r = &st->run[st->nr_runs];
		r->zone_id = zi.id;
		r->start = start;
		r->end = end;
		r->met = (fre >> g->pageblock_order) <= (mig >> g->pageblock_order);
		r->reported = false;
		r->prio = prio;
		r->task = ev->task;
	}
	st->nr_runs++;
}

/* __fragmentation_index of mm/vmstat.c (spec §6.1) over the inspected free_area counts */
static int oracle_fragmentation_index(const struct zf_geometry *g, const struct zf_zone_info *zi,
				      unsigned int order)
{
	uint64_t free_pages = 0, blocks_total = 0, blocks_suitable = 0;
	uint64_t requested = UINT64_C(1) << order;

	for (unsigned int o = 0; o < g->max_order && o < ZF_MAX_ORDER_MAX; o++) {
		blocks_total += zi->nr_free[o];
		free_pages += zi->nr_free[o] << o;
		if (o >= order)
			blocks_suitable += zi->nr_free[o] << (o - order);
	}
	if (!blocks_total)
		return 0;
	if (blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + free_pages * 1000 / requested) / blocks_total);
}

static void on_suitable(struct zf_oracle_set *c, const struct zf_machine *m,
			const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	struct zf_zone_info zi;
	bool costly = ev->label == 0 && ev->order > ZF_O_COSTLY_ORDER;

	if (ev->a != ZF_COMPACT_NOT_SUITABLE_ZONE && !(costly && ev->a == ZF_COMPACT_CONTINUE))
		return;
	if (!costly) {
		zf_oreport(c, m, ev, ev->zone_id,
			   "compaction_suitable: NOT_SUITABLE_ZONE at order %u (fragmentation "
			   "index only for orders > %d)",
			   ev->order, ZF_O_COSTLY_ORDER);
		return;
	}
	if (ev->order >= g->max_order || ev->zone_id < 0 ||
	    zf_inspect_zone(m, ev->zone_id, &zi) != 0)
		return;
	int fi = oracle_fragmentation_index(g, &zi, ev->order);
	bool low = fi >= 0 && fi <= ZF_O_EXTFRAG_THRESHOLD;
	if (low != (ev->a == ZF_COMPACT_NOT_SUITABLE_ZONE))
		zf_oreport(c, m, ev, zi.id,
			   "compaction_suitable(zone %s, order %u) = %s, but the fragmentation "
			   "index from free_area is %d (threshold %d)",
			   zi.name, ev->order,
			   zf_compact_result_name((enum zf_compact_result)ev->a), fi,
			   ZF_O_EXTFRAG_THRESHOLD);
}

/* A SYNC_FULL direct compaction starts at the zone's ends (whole_zone, §6.3). */
static void check_whole_zone(struct zf_oracle_set *c, const struct compaction_state *st,
			     const struct zf_machine *m, const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	struct zf_zone_info zi;

	if (!st->nr_tries || st->nr_tries > MAX_RUNS || ev->label != 0)
		return;
	const struct compaction_try *t = &st->tries[st->nr_tries - 1];
	if (t->task != ev->task || t->order != ev->order || t->prio != ZF_COMPACT_PRIO_SYNC_FULL ||
	    ev->zone_id < 0 || zf_inspect_zone(m, ev->zone_id, &zi) != 0 || !zi.spanned_pages)
		return;
	uint64_t start = zi.start_pfn, last = zi.start_pfn + zi.spanned_pages - 1;
	uint64_t last_block = last & ~((UINT64_C(1) << g->pageblock_order) - 1);
	if (ev->a != (int64_t)start || ev->b != (int64_t)last_block)
		zf_oreport(c, m, ev, zi.id,
			   "SYNC_FULL compaction of zone %s starts at migrate pfn %lld, free pfn "
			   "%lld, not the whole zone (%llu, %llu)",
			   zi.name, (long long)ev->a, (long long)ev->b, (unsigned long long)start,
			   (unsigned long long)last_block);
}

/*
 * isolate_migratepages / suitable_migration_source (§6.3): async direct
 * compaction migrates only out of pageblocks of the request's type (MOVABLE
 * requests: MOVABLE or CMA blocks). ev->migratetype is the allocation's
 * gfpflags_to_migratetype, cc->migratetype of compact_zone; MIGRATE_PAGE is
 * emitted before the old page is freed, so its block type is still the one
 * the scanner saw (nothing in between changes block types).
 */
static void check_async_source(struct zf_oracle_set *c, struct compaction_run *r,
			       const struct zf_machine *m, const struct zf_event *ev)
{
	struct zf_page_info pi;
	int want = ev->migratetype;

	if (zf_inspect_page(m, ev->pfn, &pi) != 0)
		return;
	bool ok = want == ZF_MIGRATE_MOVABLE
		      ? (pi.pageblock_mt == ZF_MIGRATE_MOVABLE || pi.pageblock_mt == ZF_MIGRATE_CMA)
		      : pi.pageblock_mt == want;
	if (!ok) {
		r->reported = true;
		zf_oreport(c, m, ev, r->zone_id,
			   "async direct compaction (%s request) migrated page %llu out of a %s "
			   "pageblock",
			   zf_migratetype_name(want), (unsigned long long)ev->pfn,
			   zf_migratetype_name(pi.pageblock_mt));
	}
}

static void on_migrate(struct zf_oracle_set *c, struct compaction_state *st,
		       const struct zf_machine *m, const struct zf_event *ev)
{
	if (!st->nr_runs || st->nr_runs > MAX_RUNS)
		return; /* hot-remove migrations happen outside compaction runs */
	struct compaction_run *r = &st->run[st->nr_runs - 1];
	if (r->reported)
		return;
	uint64_t src = ev->pfn, dst = (uint64_t)ev->a;
	if (r->met) {
		r->reported = true;
		zf_oreport(c, m, ev, r->zone_id,
			   "page %llu migrated to %llu in a run whose scanners had already met",
			   (unsigned long long)src, (unsigned long long)dst);
	} else if (ev->a < 0 || src >= dst) {
		r->reported = true;
		zf_oreport(c, m, ev, r->zone_id,
			   "compaction migrated page %llu down to %llu: the migrate scanner passed "
			   "the free scanner",
			   (unsigned long long)src, (unsigned long long)dst);
	} else if (src < r->start || dst >= r->end) {
		r->reported = true;
		zf_oreport(c, m, ev, r->zone_id,
			   "compaction of zone %d migrated page %llu to %llu outside [%llu, %llu)",
			   r->zone_id, (unsigned long long)src, (unsigned long long)dst,
			   (unsigned long long)r->start, (unsigned long long)r->end);
	} else if (r->prio == ZF_COMPACT_PRIO_ASYNC && ev->task == r->task) {
		check_async_source(c, r, m, ev);
	}
}

/*
 * §6.3 migrate scanner: a pageblock scanned to its end without isolating a
 * page gets its skip bit set (update_pageblock_skip), unless the run ignores
 * skip hints (SYNC_FULL). ISOLATE_MIGRATEPAGES: pfn = where the block scan
 * stopped, a = pages scanned, b = isolated; a scan that stopped at a
 * pageblock boundary or the zone's end reached its block's end (it starts
 * inside the block). Judged for direct runs only (the other callers' skip
 * policy is not in the events).
 */
static void check_migrate_skip(struct zf_oracle_set *c, struct compaction_run *r,
			       const struct zf_machine *m, const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	struct zf_page_info pi;
	uint64_t end = ev->pfn;
	uint64_t pb_mask = (UINT64_C(1) << g->pageblock_order) - 1;

	if (r->reported || r->prio < 0 || r->prio == ZF_COMPACT_PRIO_SYNC_FULL ||
	    ev->task != r->task || ev->a <= 0 || ev->b != 0 || end <= r->start || end > r->end ||
	    ((end & pb_mask) && end != r->end))
		return;
	if (zf_inspect_page(m, end - 1, &pi) != 0 || pi.pageblock_skip)
		return;
	r->reported = true;
	zf_oreport(c, m, ev, r->zone_id,
		   "the migrate scanner scanned pageblock %llu to its end (%lld pages, none "
		   "isolated) at priority %lld but left its skip bit clear",
		   (unsigned long long)((end - 1) & ~pb_mask), (long long)ev->a,
		   (long long)r->prio);
}

static void compaction_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
				const struct zf_event *ev)
{
	struct compaction_state *st = p;
	switch (ev->type) {
	case ZF_EV_COMPACT_BEGIN:
		check_event_zone(c, st, m, ev);
		check_whole_zone(c, st, m, ev);
		on_begin(c, st, m, ev);
		break;
	case ZF_EV_COMPACT_SUITABLE:
		on_suitable(c, m, ev);
		break;
	case ZF_EV_COMPACT_TRY_BEGIN:
		if (st->nr_tries < MAX_RUNS)
			st->tries[st->nr_tries] = (struct compaction_try){
			    .task = ev->task, .order = ev->order, .prio = ev->b};
		st->nr_tries++;
		break;
	case ZF_EV_COMPACT_TRY:
		/* a COMPACT_TRY without TRY_BEGIN (no __GFP_IO) matches no open try */
		if (st->nr_tries > MAX_RUNS ||
		    (st->nr_tries && st->tries[st->nr_tries - 1].task == ev->task &&
		     st->tries[st->nr_tries - 1].order == ev->order))
			st->nr_tries--;
		break;
	case ZF_EV_COMPACT_END:
		if (st->nr_runs)
			st->nr_runs--;
		check_event_zone(c, st, m, ev);
		break;
	case ZF_EV_MIGRATE_PAGE:
		on_migrate(c, st, m, ev);
		break;
	case ZF_EV_ISOLATE_MIGRATEPAGES:
		if (st->nr_runs && st->nr_runs <= MAX_RUNS)
			check_migrate_skip(c, &st->run[st->nr_runs - 1], m, ev);
		break;
	case ZF_EV_COMPACT_DEFER:
		if (ev->a > ZF_O_MAX_DEFER_SHIFT || ev->a < 0 || ev->b != 0)
			zf_oreport(
			    c, m, ev, ev->zone_id,
			    "defer_compaction left defer_shift %lld considered %lld (want <= "
			    "%d and 0)",
			    (long long)ev->a, (long long)ev->b, ZF_O_MAX_DEFER_SHIFT);
		check_event_zone(c, st, m, ev);
		break;
	case ZF_EV_COMPACT_DEFERRED:
	case ZF_EV_COMPACT_DEFER_RESET:
		check_event_zone(c, st, m, ev);
		break;
	default:
		break;
	}
}

static void compaction_walk(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	(void)p;
	for (int zid = 0; zid < zf_o_nr_zone_ids(g); zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) == 0 && zi.spanned_pages)
			check_zone_state(c, m, NULL, &zi);
	}
}

const struct zf_oracle_ops zf_oracle_compaction = {
    .desc =
	{
	    .id = "ZF_INV_COMPACTION",
	    .name = "compaction",
	    .property = "defer_shift <= 6, considered <= 1 << defer_shift, cached scanner "
			"pfns inside the zone; within a run the scanners start inside the "
			"zone and every migration goes from below to above until the "
			"scanners meet; a SYNC_FULL direct compaction scans the whole zone; "
			"NOT_SUITABLE_ZONE exactly when a costly order's fragmentation index "
			"is in 0..500; direct runs async exactly at COMPACT_PRIO_ASYNC, "
			"async ones migrating only out of blocks of the request's type; a "
			"block scanned to its end without isolation gets its skip bit",
	    .kernel_rule = "spec §6.1 compaction_suitable, §6.2 deferral, §6.3 compact_zone / "
			   "__compact_finished, compact_zone_order; §11 item 9",
	    .cost = "event: O(1); walk: O(zones)",
	},
    .event_mask = ZF_EVBIT(COMPACT_BEGIN) | ZF_EVBIT(COMPACT_END) | ZF_EVBIT(MIGRATE_PAGE) |
		  ZF_EVBIT(COMPACT_DEFER) | ZF_EVBIT(COMPACT_DEFERRED) |
		  ZF_EVBIT(COMPACT_DEFER_RESET) | ZF_EVBIT(COMPACT_SUITABLE) |
		  ZF_EVBIT(COMPACT_TRY_BEGIN) | ZF_EVBIT(COMPACT_TRY) |
		  ZF_EVBIT(ISOLATE_MIGRATEPAGES),
    .state_size = sizeof(struct compaction_state),
    .reset = compaction_reset,
    .on_event = compaction_on_event,
    .walk = compaction_walk,
};
