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
 *  - should_compact_retry (§5.8), per allocation (ALLOC_BEGIN .. ALLOC_END):
 *    the oracle keeps the slow path's compaction_retries and compact_priority
 *    (0 and DEF_COMPACT_PRIORITY at retry_cpuset:, INIT_COMPACT_PRIORITY after
 *    a costly __GFP_NORETRY early compaction that was not DEFERRED, then the
 *    values each SHOULD_COMPACT_RETRY reports) and the result of the round's
 *    try_to_compact_pages (COMPACT_TRY a), and recomputes the verdict
 *    (SHOULD_COMPACT_RETRY a) and the counters it leaves (b = retries,
 *    c = priority): order 0 never retries, SUCCESS counts a retry, COMPLETE
 *    goes to check_priority, a withdrawn result (SKIPPED, DEFERRED,
 *    CONTENDED, PARTIAL_SKIPPED) answers compaction_zonelist_suitable() and
 *    changes nothing, the others
 *    retry while retries <= 16 (4 for costly orders), and check_priority
 *    escalates one level down to SYNC_FULL (SYNC_LIGHT for costly orders)
 *    and resets the retries, or gives up. compaction_zonelist_suitable() is
 *    recomputed from the inspected zones: some zone of the request's
 *    zonelist (high_zoneidx, nodemask) passes __compaction_suitable (§6.1)
 *    with NR_FREE_PAGES + zone_reclaimable_pages / order (§7.3: file LRU,
 *    anon LRU while free swap exists) as its free count. Nothing runs between
 *    the model's decision and the event, so the state is the one it judged;
 *  - a direct compaction runs at the slow path's priority (§5.4): the early
 *    one at INIT_COMPACT_PRIORITY (ASYNC), the one of each retry round at
 *    compact_priority (COMPACT_TRY b);
 *  - __alloc_pages_direct_compact (§5.6) counts COMPACTSTALL exactly after a
 *    try_to_compact_pages result > COMPACT_INACTIVE (DEFERRED), before its
 *    COMPACT_SUCCESS / COMPACT_FAIL and the slow path's next step.
 *
 *  - reclaim for compaction (§7.2 should_continue_reclaim, direct reclaim):
 *    after each shrink_node round (SHRINK_NODE: node and reclaim_idx, a =
 *    scanned, b = reclaimed, c = priority) the oracle recomputes whether
 *    another round follows: only in reclaim/compaction mode (order > 0 and
 *    costly, or priority < DEF_PRIORITY - 2), only after progress (any
 *    reclaim; with __GFP_REPEAT any scan), then while sc->nr_reclaimed (the
 *    rounds since DIRECT_RECLAIM_BEGIN) is below compact_gap(order) and the
 *    node's inactive lists (anon only with free swap) hold more than that, else
 *    until some zone <= reclaim_idx is compaction_suitable (SUCCESS or
 *    CONTINUE; costly orders with a fragmentation index in 0..500 are
 *    NOT_SUITABLE_ZONE). The next round of the same node and priority must
 *    come exactly when that verdict was true (a round that reclaimed nothing
 *    may stop anyway: the model's bound on idle rounds). kswapd is not judged:
 *    its next priority pass may repeat node and priority.
 *
 * Runs nest (kcompactd can run inside a direct compaction's sleep), so open
 * runs are kept on a small stack. Cost: O(1) per event, O(zones) per
 * SHOULD_COMPACT_RETRY after a withdrawn result; walk O(zones).
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

/* The slow path's compaction retry state of one allocation in progress (§5.4, §5.8). */
struct compaction_alloc {
	int task;
	unsigned int order;
	bool known;      /* retries / prio followed since retry_cpuset: */
	bool early;      /* between retry_cpuset: and the first retry: */
	int last_result; /* try_to_compact_pages of this round, -1: none yet */
	unsigned int retries;
	int64_t prio;
	bool stall_due; /* the last try compacted something: COMPACTSTALL must follow */
	bool reported_retry, reported_prio, reported_stall;
};

/* The last shrink_node round of the direct reclaim in progress, and its verdict. */
struct reclaim_round {
	bool active;        /* DIRECT_RECLAIM_BEGIN .. END */
	bool pending;       /* a round whose follower is not seen yet */
	int task, nid;      /* the reclaimer, the node of the pending round */
	int64_t prio;       /* its priority */
	zf_gfp_t gfp;       /* the reclaim's gfp (__GFP_REPEAT) */
	uint64_t reclaimed; /* sc->nr_reclaimed so far */
	bool verdict, progress;
	bool reported;
};

struct compaction_state {
	struct reclaim_round rr;
	struct compaction_alloc alloc[ZF_O_MAX_NEST];
	unsigned int depth;
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

/*
 * __compaction_suitable(zone, order, alloc_flags, classzone_idx, available)
 * (§6.1), with the oracles' own watermark test: SUCCESS when the request
 * already passes its watermark on the live NR_FREE_PAGES, else CONTINUE when
 * `available` pages pass the order-0 MIN (LOW for costly orders) watermark
 * plus compact_gap(order) = 2 << order with ALLOC_CMA, else SKIPPED.
 */
static enum zf_compact_result oracle_compaction_suitable(const struct zf_machine *m,
							 const struct zf_zone_info *zi,
							 unsigned int order, uint32_t alloc_flags,
							 int classzone_idx, int64_t available)
{
	unsigned int w = alloc_flags & ZF_ALLOC_WMARK_MASK;
	uint64_t mark = zi->wmark[w < 3 ? w : 2]; /* the model clamps mask 3 to HIGH */

	if (zf_o_wmark_ok(m, zi, order, mark, classzone_idx, alloc_flags,
			  zf_o_stat_read(zi->nr_free_pages)))
		return ZF_COMPACT_SUCCESS;
	uint64_t gap = order < 40 ? UINT64_C(2) << order : UINT64_C(1) << 41;
	uint64_t wm = (order > ZF_O_COSTLY_ORDER ? zi->wmark[1] : zi->wmark[0]) + gap;
	return zf_o_wmark_ok(m, zi, 0, wm, classzone_idx, ZF_ALLOC_CMA, available)
		   ? ZF_COMPACT_CONTINUE
		   : ZF_COMPACT_SKIPPED;
}

/*
 * compaction_zonelist_suitable (§5.8, 4.12 compaction.c:1481-1511): the first
 * zone of the request's zonelist (zones <= high_zoneidx, in the nodemask; no
 * cpuset test) that would pass __compaction_suitable with NR_FREE_PAGES +
 * zone_reclaimable_pages / order free pages; -1 when none would, -2 when the
 * allocation context cannot be read. *first_zone: the first zone asked.
 */
static int oracle_zonelist_suitable(const struct zf_machine *m, const struct zf_alloc_ctx_info *ci,
				    unsigned int order, uint32_t alloc_flags, int *first_zone)
{
	int ids[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES + 1];
	int n = zf_inspect_zonelist(m, ci->zonelist_nid, ci->zonelist_nofallback, ids,
				    (int)(sizeof(ids) / sizeof(ids[0])));
	/* ac_classzone_idx() of 4.12: the zone index of the preferred zone, 0 without one */
	int classzone_idx = ci->preferred_zone_id >= 0 ? zf_o_zone_idx(ci->preferred_zone_id) : 0;
	bool anon = zf_inspect_nr_swap_pages(m) > 0;

	*first_zone = -1;
	if (n < 0 || order == 0)
		return -2;
	for (int i = 0; i < n && ids[i] >= 0; i++) {
		struct zf_zone_info zi;
		if (zf_o_zone_idx(ids[i]) > ci->high_zoneidx ||
		    (ci->nodemask && !((ci->nodemask >> zf_o_zone_nid(ids[i])) & 1u)) ||
		    zf_inspect_zone(m, ids[i], &zi) != 0)
			continue;
		if (*first_zone < 0)
			*first_zone = ids[i];
		/* zone_reclaimable_pages (§7.3, 4.12): file LRU, anon LRU while swap is free */
		uint64_t reclaimable = zi.lru[2] + zi.lru[3] + (anon ? zi.lru[0] + zi.lru[1] : 0);
		uint64_t available =
		    reclaimable / order + (uint64_t)zf_o_stat_read(zi.nr_free_pages);
		int64_t avail = available > INT64_MAX ? INT64_MAX : (int64_t)available;
		if (oracle_compaction_suitable(m, &zi, order, alloc_flags, classzone_idx, avail) !=
		    ZF_COMPACT_SKIPPED)
			return ids[i];
	}
	return -1;
}

static bool compaction_withdrawn(int64_t r)
{
	return r == ZF_COMPACT_SKIPPED || r == ZF_COMPACT_DEFERRED || r == ZF_COMPACT_CONTENDED ||
	       r == ZF_COMPACT_PARTIAL_SKIPPED;
}

static const char *result_name(int64_t r)
{
	return r >= 0 && r < ZF_NR_COMPACT_RESULTS
		   ? zf_compact_result_name((enum zf_compact_result)r)
		   : "?";
}

/*
 * SHOULD_COMPACT_RETRY (a = verdict, b = compaction_retries, c = priority after
 * it) against should_compact_retry() of 4.12 (§5.8) recomputed from the
 * oracle's own retries / priority and the round's compaction result. The
 * modelled profiles (4.12 .. 6.1) keep the 4.12 rules (§8: the 6.5
 * simplification is past them).
 */
static void check_compact_retry(struct zf_oracle_set *c, struct compaction_alloc *r,
				const struct zf_machine *m, const struct zf_event *ev)
{
	unsigned int order = r->order;
	int64_t res = r->last_result;
	unsigned int retries = r->retries;
	int64_t prio = r->prio;
	bool want;

	if (r->reported_retry)
		return;
	if (order == 0) {
		/* §5.8: order-0 requests never retry for compaction's sake */
		if (ev->a) {
			r->reported_retry = true;
			zf_oreport(c, m, ev, -1, "should_compact_retry returned true for order 0");
		}
		return;
	}
	if (!r->known || res < 0)
		return;
	if (res == ZF_COMPACT_SUCCESS) /* compaction_made_progress */
		retries++;
	if (res == ZF_COMPACT_COMPLETE) /* compaction_failed */
		goto check_priority;
	if (compaction_withdrawn(res)) {
		struct zf_alloc_ctx_info ci;
		int first = -1;
		zf_inspect_alloc_ctx(m, &ci);
		if (!ci.active || ci.task != r->task || ci.order != order)
			return;
		int zid = oracle_zonelist_suitable(m, &ci, order, ev->alloc_flags, &first);
		if (zid == -2)
			return;
		if ((ev->a != 0) != (zid >= 0)) {
			struct zf_zone_info zi;
			bool named = zid >= 0 && zf_inspect_zone(m, zid, &zi) == 0;
			r->reported_retry = true;
			zf_oreport(
			    c, m, ev, zid >= 0 ? zid : first,
			    "should_compact_retry after a withdrawn compaction (%s, order %u) "
			    "returned %s, but compaction_zonelist_suitable recomputed is %s "
			    "(%s%s; zonelist of node %d, first zone %d)",
			    result_name(res), order, ev->a ? "true" : "false",
			    zid >= 0 ? "true" : "false",
			    zid >= 0 ? "zone " : "no zone passes __compaction_suitable",
			    named ? zi.name : "", ci.zonelist_nid, first);
			return;
		}
		want = zid >= 0;
		goto compare;
	}
	if (retries <=
	    (order > ZF_O_COSTLY_ORDER ? ZF_O_MAX_COMPACT_RETRIES / 4 : ZF_O_MAX_COMPACT_RETRIES)) {
		want = true;
		goto compare;
	}
check_priority:
	if (prio >
	    (order > ZF_O_COSTLY_ORDER ? ZF_COMPACT_PRIO_SYNC_LIGHT : ZF_COMPACT_PRIO_SYNC_FULL)) {
		prio--;
		retries = 0;
		want = true;
	} else {
		want = false;
	}
compare:
	if ((ev->a != 0) != want || ev->b != (int64_t)retries || ev->c != prio) {
		r->reported_retry = true;
		zf_oreport(c, m, ev, -1,
			   "should_compact_retry(%s, order %u, retries %u, priority %lld) = %s, "
			   "retries %lld, priority %lld; §5.8 wants %s, %u, %lld",
			   result_name(res), order, r->retries, (long long)r->prio,
			   ev->a ? "true" : "false", (long long)ev->b, (long long)ev->c,
			   want ? "true" : "false", retries, (long long)prio);
	}
}

/* A direct compaction of the allocation runs at the slow path's priority (§5.4). */
static void on_alloc_compact_try(struct zf_oracle_set *c, struct compaction_alloc *r,
				 const struct zf_machine *m, const struct zf_event *ev)
{
	int64_t want = r->early ? ZF_COMPACT_PRIO_ASYNC : r->prio;

	if (r->known && !r->reported_prio && ev->b != want) {
		r->reported_prio = true;
		zf_oreport(c, m, ev, -1,
			   "%s direct compaction (order %u) ran at priority %lld, the slow path's "
			   "is %lld",
			   r->early ? "early" : "retry-round", r->order, (long long)ev->b,
			   (long long)want);
	}
	r->last_result = (int)ev->a;
	r->stall_due = ev->a > ZF_COMPACT_DEFERRED; /* > COMPACT_INACTIVE (§5.6) */
	/* costly __GFP_NORETRY: one reclaim round with async compaction (§5.4) */
	if (r->early && r->order > ZF_O_COSTLY_ORDER && (ev->gfp & ZF_GFP_NORETRY) &&
	    ev->a != ZF_COMPACT_DEFERRED)
		r->prio = ZF_COMPACT_PRIO_ASYNC;
}

/*
 * __alloc_pages_direct_compact (§5.6): COMPACTSTALL is counted exactly when
 * try_to_compact_pages returned more than COMPACT_INACTIVE (= DEFERRED in
 * 4.12): some zone was really compacted. It follows COMPACT_TRY before the
 * wrapper's freelist attempt (COMPACT_SUCCESS / COMPACT_FAIL) and before the
 * slow path's next step.
 */
static void check_stall(struct zf_oracle_set *c, struct compaction_alloc *r,
			const struct zf_machine *m, const struct zf_event *ev)
{
	bool stall = ev->type == ZF_EV_COMPACT_STALL;

	if (stall != r->stall_due && !r->reported_stall) {
		r->reported_stall = true;
		if (stall)
			zf_oreport(c, m, ev, -1,
				   "COMPACTSTALL counted after try_to_compact_pages returned %s "
				   "(<= COMPACT_INACTIVE: no zone was compacted)",
				   r->last_result < 0 ? "nothing" : result_name(r->last_result));
		else
			zf_oreport(c, m, ev, -1,
				   "try_to_compact_pages returned %s (> COMPACT_INACTIVE) but no "
				   "COMPACTSTALL was counted before %s",
				   result_name(r->last_result),
				   zf_event_name((enum zf_event_type)ev->type));
	}
	r->stall_due = false;
}

static struct compaction_alloc *cur_alloc(struct compaction_state *st, const struct zf_event *ev)
{
	if (!st->depth || st->depth > ZF_O_MAX_NEST)
		return NULL;
	struct compaction_alloc *r = &st->alloc[st->depth - 1];
	return r->task == ev->task ? r : NULL;
}

static void on_alloc_event(struct zf_oracle_set *c, struct compaction_state *st,
			   const struct zf_machine *m, const struct zf_event *ev)
{
	struct compaction_alloc *r;

	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (st->depth < ZF_O_MAX_NEST) {
			r = &st->alloc[st->depth];
			memset(r, 0, sizeof(*r));
			r->task = ev->task;
			r->order = ev->order;
			r->last_result = -1;
		}
		st->depth++;
		return;
	case ZF_EV_ALLOC_END:
		if (st->depth)
			st->depth--;
		return;
	default:
		break;
	}
	r = cur_alloc(st, ev);
	if (!r)
		return;
	if (ev->type == ZF_EV_COMPACT_STALL || ev->type == ZF_EV_COMPACT_SUCCESS ||
	    ev->type == ZF_EV_COMPACT_FAIL || ev->type == ZF_EV_SLOWPATH_LABEL ||
	    ev->type == ZF_EV_SLOWPATH_GOTO || ev->type == ZF_EV_SHOULD_COMPACT_RETRY)
		check_stall(c, r, m, ev);
	switch (ev->type) {
	case ZF_EV_SLOWPATH_LABEL:
		if (ev->label == ZF_LABEL_RETRY_CPUSET) {
			r->known = true;
			r->early = true;
			r->retries = 0;
			r->prio = ZF_COMPACT_PRIO_SYNC_LIGHT; /* DEF_COMPACT_PRIORITY */
			r->last_result = -1;
		} else if (ev->label == ZF_LABEL_RETRY) {
			r->early = false;
			r->last_result = -1; /* a new round compacts before it asks */
		}
		break;
	case ZF_EV_COMPACT_TRY:
		if (ev->order == r->order)
			on_alloc_compact_try(c, r, m, ev);
		break;
	case ZF_EV_SHOULD_COMPACT_RETRY:
		if (ev->order != r->order)
			break;
		check_compact_retry(c, r, m, ev);
		/* follow the model from here: one wrong step is one finding */
		r->retries = ev->b < 0 ? 0 : (unsigned int)ev->b;
		r->prio = ev->c;
		break;
	default:
		break;
	}
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

/*
 * compaction_suitable(zone, order, 0, classzone_idx) of should_continue_reclaim
 * is SUCCESS or CONTINUE: on NR_FREE_PAGES, with the fragmentation index of
 * costly orders turning CONTINUE into NOT_SUITABLE_ZONE (§6.1).
 */
static bool zone_ready_for_compaction(const struct zf_machine *m, const struct zf_geometry *g,
				      const struct zf_zone_info *zi, unsigned int order,
				      int classzone_idx)
{
	enum zf_compact_result r = oracle_compaction_suitable(m, zi, order, 0, classzone_idx,
							      zf_o_stat_read(zi->nr_free_pages));
	if (r != ZF_COMPACT_CONTINUE)
		return r == ZF_COMPACT_SUCCESS;
	if (order > ZF_O_COSTLY_ORDER && order < g->max_order) {
		int fi = oracle_fragmentation_index(g, zi, order);
		if (fi >= 0 && fi <= ZF_O_EXTFRAG_THRESHOLD)
			return false; /* NOT_SUITABLE_ZONE, read as SKIPPED */
	}
	return true;
}

/* should_continue_reclaim (§7.2) after the direct reclaim round ev (SHRINK_NODE). */
static bool oracle_should_continue_reclaim(struct zf_oracle_set *c, const struct zf_machine *m,
					   const struct reclaim_round *rr,
					   const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	unsigned int order = ev->order;
	int nid = zf_o_zone_nid(ev->zone_id), reclaim_idx = zf_o_zone_idx(ev->zone_id);
	bool anon = zf_inspect_nr_swap_pages(m) > 0;
	uint64_t inactive = 0, gap = order < 40 ? UINT64_C(2) << order : UINT64_C(1) << 41;

	if (!order || !(order > ZF_O_COSTLY_ORDER || ev->c < ZF_O_DEF_PRIORITY - 2))
		return false; /* !in_reclaim_compaction */
	if ((rr->gfp & ZF_GFP_REPEAT) ? !ev->b && !ev->a : !ev->b)
		return false;
	uint64_t lru[4];
	if (zf_inspect_node_lru(m, nid, lru) == 0)
		inactive = lru[2] + (anon ? lru[0] : 0);
	if (rr->reclaimed < gap && inactive > gap)
		return true;
	for (int z = 0; z <= reclaim_idx && z < ZF_MAX_NR_ZONES; z++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, nid * ZF_MAX_NR_ZONES + z, &zi) || !zi.managed_pages)
			continue;
		if (zone_ready_for_compaction(m, g, &zi, order, reclaim_idx))
			return false;
	}
	return true;
}

/* The pending round's follower is known: another round of it (more) or not. */
static void judge_round(struct zf_oracle_set *c, struct reclaim_round *rr,
			const struct zf_machine *m, const struct zf_event *ev, bool more)
{
	if (!rr->pending || rr->reported)
		return;
	rr->pending = false;
	if (more == rr->verdict || (!more && !rr->progress))
		return;
	rr->reported = true;
	zf_oreport(c, m, ev, -1,
		   "shrink_node on node %d at priority %lld %s although should_continue_reclaim "
		   "is %s (§7.2; %llu pages reclaimed so far)",
		   rr->nid, (long long)rr->prio, more ? "ran another round" : "stopped",
		   rr->verdict ? "true" : "false", (unsigned long long)rr->reclaimed);
}

static void on_reclaim_event(struct zf_oracle_set *c, struct reclaim_round *rr,
			     const struct zf_machine *m, const struct zf_event *ev)
{
	switch (ev->type) {
	case ZF_EV_DIRECT_RECLAIM_BEGIN:
		*rr = (struct reclaim_round){
		    .active = true, .task = ev->task, .gfp = ev->gfp, .reported = rr->reported};
		break;
	case ZF_EV_DIRECT_RECLAIM_END:
		if (rr->active && ev->task == rr->task)
			judge_round(c, rr, m, ev, false);
		rr->active = rr->pending = false;
		break;
	case ZF_EV_SHRINK_NODE:
		if (!rr->active || ev->task < 0)
			break; /* kswapd */
		if (ev->task != rr->task) {
			rr->pending = false;
			break;
		}
		judge_round(c, rr, m, ev,
			    rr->nid == zf_o_zone_nid(ev->zone_id) && rr->prio == ev->c);
		rr->reclaimed += (uint64_t)(ev->b > 0 ? ev->b : 0);
		rr->verdict = oracle_should_continue_reclaim(c, m, rr, ev);
		rr->progress = ev->b > 0;
		rr->nid = zf_o_zone_nid(ev->zone_id);
		rr->prio = ev->c;
		rr->pending = true;
		break;
	default:
		break;
	}
}

static void compaction_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
				const struct zf_event *ev)
{
	struct compaction_state *st = p;
	on_alloc_event(c, st, m, ev);
	on_reclaim_event(c, &st->rr, m, ev);
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
			"block scanned to its end without isolation gets its skip bit; "
			"should_compact_retry's verdict, retries and priority as §5.8 "
			"recomputes them (withdrawn results: compaction_zonelist_suitable "
			"over the zonelist), direct compaction at the slow path's priority, "
			"COMPACTSTALL exactly after a result > COMPACT_INACTIVE",
	    .kernel_rule =
		"spec §5.4, §5.6, §5.8 should_compact_retry / compaction_zonelist_suitable, "
		"§6.1 compaction_suitable, §6.2 deferral, §6.3 compact_zone / "
		"__compact_finished, compact_zone_order; §7.3; §11 item 9",
	    .cost = "event: O(1), O(zones) per SHOULD_COMPACT_RETRY after a withdrawn "
		    "result; walk: O(zones)",
	},
    .event_mask =
	ZF_EVBIT(COMPACT_BEGIN) | ZF_EVBIT(COMPACT_END) | ZF_EVBIT(MIGRATE_PAGE) |
	ZF_EVBIT(COMPACT_DEFER) | ZF_EVBIT(COMPACT_DEFERRED) | ZF_EVBIT(COMPACT_DEFER_RESET) |
	ZF_EVBIT(COMPACT_SUITABLE) | ZF_EVBIT(COMPACT_TRY_BEGIN) | ZF_EVBIT(COMPACT_TRY) |
	ZF_EVBIT(ISOLATE_MIGRATEPAGES) | ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END) |
	ZF_EVBIT(SLOWPATH_LABEL) | ZF_EVBIT(SHOULD_COMPACT_RETRY) | ZF_EVBIT(SLOWPATH_GOTO) |
	ZF_EVBIT(COMPACT_STALL) | ZF_EVBIT(COMPACT_SUCCESS) | ZF_EVBIT(COMPACT_FAIL) |
	ZF_EVBIT(SHRINK_NODE) | ZF_EVBIT(DIRECT_RECLAIM_BEGIN) | ZF_EVBIT(DIRECT_RECLAIM_END),
    .state_size = sizeof(struct compaction_state),
    .reset = compaction_reset,
    .on_event = compaction_on_event,
    .walk = compaction_walk,
};
