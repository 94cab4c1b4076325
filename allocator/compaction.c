/* SPDX-License-Identifier: MIT */
/*
 * allocator/compaction.c - memory compaction as Linux 4.12 does it
 * (mm/compaction.c, plus the fragmentation index of mm/vmstat.c): suitability
 * and deferral, the migrate and free scanners of compact_zone(), direct
 * compaction (try_to_compact_pages), kcompactd and /proc/sys/vm/compact_memory.
 * Spec §1.6, §5.6, §5.8, §6.
 *
 * Page states while compaction holds pages (docs/model-contract.md):
 *   - a migrate source is an LRU page taken off its LRU list; it carries
 *     ZF_PG_ISOLATED on top of its HEAD/ACTIVE/ANON/DIRTY flags and is counted
 *     in the zone's NR_ISOLATED *instead of* NR_ALLOCATED, so the per-zone
 *     conservation sum stays exact at every event of a run;
 *   - a free target is a page taken out of the buddy by __isolate_free_page()
 *     (NR_FREE_PAGES already adjusted there), split to order-0 pages flagged
 *     ZF_PG_ISOLATED and counted in NR_ISOLATED (and zone->compact_isolated_free).
 * Both kinds sit on the struct compact_control's lists, linked through the
 * pages' own next/prev words. Nothing is left isolated when compact_zone()
 * returns.
 *
 * The model is sequential and deterministic: need_resched() is never true and
 * lock contention never happens, so COMPACT_CONTENDED comes only from a fatal
 * signal of the current task, too_many_isolated() in async mode, or the free
 * scanner running dry before the scanners met (-ENOMEM from migrate_pages).
 *
 * In a threaded machine (docs/concurrency.md) the scanners read pages
 * without locks, as the kernel's do, and isolate under the lock that owns
 * the page's state: zone->lock for a free page, the node's lru_lock for an
 * LRU page, rechecking the page there. The per-zone deferral state and the
 * cached scanner positions are read and written with READ_ONCE/WRITE_ONCE:
 * the kernel updates them without a lock and tolerates the races.
 */
#include "internal.h"

/* errno values the kernel's migration code returns (kept local: C11 has no EBUSY) */
#define ZF_ENOMEM           12
#define ZF_EBUSY            16
#define MIGRATEPAGE_SUCCESS 0

/* sysctl_extfrag_threshold (spec §1.1, 412:compaction.c:1710) */
static const int sysctl_extfrag_threshold = 500;

/* isolate_migrate_t of 4.12 compaction.c */
typedef enum {
	ISOLATE_ABORT,   /* abort compaction now (contended) */
	ISOLATE_NONE,    /* no pages isolated, continue scanning */
	ISOLATE_SUCCESS, /* pages isolated, migrate */
} isolate_migrate_t;

/*
 * struct compact_control (mm/internal.h of 4.12): the state of one compaction
 * run over one zone. It lives on the caller's stack; its two lists hold pfns
 * linked through struct page next/prev.
 */
struct compact_control {
	struct zf_list freepages;    /* isolated order-0 free targets */
	struct zf_list migratepages; /* isolated LRU pages to migrate */
	uint64_t nr_freepages;
	uint64_t nr_migratepages;
	uint64_t total_migrate_scanned;
	uint64_t total_free_scanned;
	uint64_t free_pfn;          /* where the free scanner is (moves down) */
	uint64_t migrate_pfn;       /* where the migrate scanner is (moves up) */
	uint64_t last_migrated_pfn; /* lowest pfn isolated since the last drain; ZF_NO_PAGE: none */
	struct zone *zone;
	gfp_t gfp_mask;
	int order;       /* -1: /proc/sys/vm/compact_memory */
	int migratetype; /* of the request (gfpflags_to_migratetype) */
	uint32_t alloc_flags;
	int classzone_idx;
	enum migrate_mode mode;
	bool ignore_skip_hint;      /* scan blocks whose skip bit is set */
	bool ignore_block_suitable; /* free scanner takes any block type */
	bool direct_compaction;     /* a direct compactor, not kcompactd / compact_memory */
	bool whole_zone;            /* the run started at the zone's ends */
	bool contended;             /* fatal signal (or lock contention in the kernel) */
	bool finishing_block;       /* finish the current pageblock before declaring success */
};

static inline bool is_via_compact_memory(int order)
{
	return order == -1;
}

static inline uint64_t zone_end_pfn(const struct zone *z)
{
	return z->zone_start_pfn + z->spanned_pages;
}

/*
 * compact_gap() for any order the model may be handed: on 4.12 an order at or
 * above MAX_ORDER can reach compaction_suitable() (B18 path), and a shift by
 * 64 or more would be undefined in C. Such a gap is saturated instead.
 */
static uint64_t compact_gap_safe(int order)
{
	if (order < 0)
		return 0;
	if (order >= 62)
		return UINT64_MAX / 4; /* stays far below INT64_MAX with a watermark added */
	return compact_gap((unsigned int)order);
}

/* ALLOC_WMARK_MASK can encode 3, one past zone->watermark[]: clamp to HIGH. */
static inline uint64_t alloc_flags_wmark(const struct zone *z, uint32_t alloc_flags)
{
	unsigned int i = alloc_flags & ALLOC_WMARK_MASK;

	return z->watermark[i < NR_WMARK ? i : WMARK_HIGH];
}

/*
 * Trace one event of a compaction run (trace_mm_compaction_begin/end). The
 * kernel's tracepoints carry no order; the model's event does, and it must
 * stay a valid free_area[] index for the order oracle: a compact_memory run
 * (order -1) is reported as order 0 with label 1.
 */
#define compact_trace(m, type, cc, zid, pfn, a, b, c)                                              \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), (type), is_via_compact_memory((cc)->order) ? 1u : 0u,       \
				  (zid), (pfn), (cc)->order < 0 ? 0u : (unsigned int)(cc)->order,  \
				  (a), (b), (c), __func__, __FILE__, __LINE__);                    \
	} while (0)

/* trace_mm_compaction_suitable (412:compaction.c:1470); order -1 reads as 0, label 1 */
#define compact_trace_suitable(m, z, order, ret)                                                   \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), ZF_EV_COMPACT_SUITABLE,                                     \
				  is_via_compact_memory(order) ? 1u : 0u, (z)->id, ZF_NO_PAGE,     \
				  (order) < 0 ? 0u : (unsigned int)(order), (ret), 0, 0, __func__, \
				  __FILE__, __LINE__);                                             \
	} while (0)

static inline bool compact_page_in_zone(const struct zf_machine *m, const struct zone *z,
					uint64_t pfn)
{
	return pfn < m->nr_pages && m->pages[pfn].zid == (uint8_t)z->id;
}

/* ------------------------------------------------------------------ */
/* Fragmentation index (mm/vmstat.c, spec §6.1)                         */
/* ------------------------------------------------------------------ */

struct contig_page_info {
	uint64_t free_pages;
	uint64_t free_blocks_total;
	uint64_t free_blocks_suitable;
};

/*
 * fill_contig_info: count the free blocks of every order and the blocks that
 * could serve suitable_order. Only nr_free is read (the kernel does the
 * same), so it is O(MAX_ORDER).
 */
static void fill_contig_info(const struct zf_machine *m, const struct zone *z,
			     unsigned int suitable_order, struct contig_page_info *info)
{
	info->free_pages = 0;
	info->free_blocks_total = 0;
	info->free_blocks_suitable = 0;
	for (unsigned int o = 0; o < m->max_order; o++) {
		uint64_t blocks = ZF_READ_ONCE(z->free_area[o].nr_free);

		info->free_blocks_total += blocks;
		info->free_pages += blocks << o;
		if (o >= suitable_order)
			info->free_blocks_suitable += blocks << (o - suitable_order);
	}
}

/*
 * __fragmentation_index: 0 when there are no free blocks, -1000 when a block
 * of the order already exists, else 1000 - (1000 + free*1000/requested) /
 * blocks with integer divisions. Values towards 0 mean a failure would be
 * for lack of memory, towards 1000 for fragmentation. (With a single small
 * free block the formula goes below 0; the kernel returns that too.)
 */
static int __fragmentation_index(unsigned int order, const struct contig_page_info *info)
{
	uint64_t requested = 1ULL << order;

	if (!info->free_blocks_total)
		return 0;
	/* Fragmentation index only makes sense when a request would fail */
	if (info->free_blocks_suitable)
		return -1000;
	return 1000 - (int)((1000 + info->free_pages * 1000 / requested) / info->free_blocks_total);
}

int fragmentation_index(struct zf_machine *m, struct zone *z, unsigned int order)
{
	struct contig_page_info info;

	/*
	 * 4.12 has WARN_ON_ONCE(order >= MAX_ORDER) here and returns 0; only
	 * the B18 path (no entry check for the order) gets this far. The model
	 * answers as the kernel does and never reads free_area[] for such an
	 * order. events.h has no event for a kernel WARN, so nothing is traced.
	 */
	if (order >= m->max_order)
		return 0;
	fill_contig_info(m, z, order, &info);
	return __fragmentation_index(order, &info);
}

/* ------------------------------------------------------------------ */
/* Suitability (spec §6.1, §5.8)                                        */
/* ------------------------------------------------------------------ */

/*
 * __compaction_suitable (412:compaction.c:1400-1441): SUCCESS when the
 * request already passes its own watermark (read from the live counter),
 * SKIPPED when wmark_target free pages are not enough for order-0 pages above
 * the MIN (LOW for costly orders) watermark plus compact_gap(order) -- the
 * migration targets must come from somewhere -- else CONTINUE.
 */
compact_result_t __compaction_suitable(struct zf_machine *m, struct zone *z, int order,
				       uint32_t alloc_flags, int classzone_idx,
				       uint64_t wmark_target)
{
	uint64_t watermark;

	if (is_via_compact_memory(order))
		return COMPACT_CONTINUE;

	watermark = alloc_flags_wmark(z, alloc_flags);
	/* already allocatable: no need to compact at all */
	if (zone_watermark_ok(z, (unsigned int)order, watermark, classzone_idx, alloc_flags,
			      m->max_order))
		return COMPACT_SUCCESS;

	/*
	 * Order-0 watermark plus the gap that holds the isolated free pages while
	 * they are used as migration targets; ALLOC_CMA because the free scanner
	 * can take CMA blocks.
	 */
	watermark = (order > PAGE_ALLOC_COSTLY_ORDER) ? low_wmark_pages(z) : min_wmark_pages(z);
	watermark += compact_gap_safe(order);
	if (!__zone_watermark_ok(z, 0, watermark, classzone_idx, ALLOC_CMA,
				 wmark_target > INT64_MAX ? INT64_MAX : (int64_t)wmark_target,
				 m->max_order))
		return COMPACT_SKIPPED;

	return COMPACT_CONTINUE;
}

/*
 * compaction_suitable (412:compaction.c:1443-1479): __compaction_suitable on
 * NR_FREE_PAGES, and for costly orders a fragmentation index in 0..500 means
 * the failure is for lack of memory, not fragmentation: reclaim, do not
 * compact (NOT_SUITABLE_ZONE, reported as SKIPPED).
 */
compact_result_t compaction_suitable(struct zf_machine *m, struct zone *z, int order,
				     uint32_t alloc_flags, int classzone_idx)
{
	compact_result_t ret;
	int64_t free = zone_page_state(z, NR_FREE_PAGES);

	ret = __compaction_suitable(m, z, order, alloc_flags, classzone_idx,
				    free > 0 ? (uint64_t)free : 0);
	if (ret == COMPACT_CONTINUE && order > PAGE_ALLOC_COSTLY_ORDER) {
		int fragindex = fragmentation_index(m, z, (unsigned int)order);

		if (fragindex >= 0 && fragindex <= sysctl_extfrag_threshold)
			ret = COMPACT_NOT_SUITABLE_ZONE;
	}
	/* the kernel's tracepoint sits here too: NOT_SUITABLE_ZONE is still visible */
	compact_trace_suitable(m, z, order, ret);
	if (ret == COMPACT_NOT_SUITABLE_ZONE)
		ret = COMPACT_SKIPPED;
	return ret;
}

/*
 * compaction_zonelist_suitable (412:compaction.c:1481-1511, spec §5.8): would
 * some zone of the request pass __compaction_suitable if reclaim freed a
 * 1/order share of its reclaimable pages? Not all of them: thrashing the LRU
 * for one high-order page is not worth it. Any answer but SKIPPED counts.
 */
bool compaction_zonelist_suitable(struct zf_machine *m, const struct alloc_context *ac, int order,
				  uint32_t alloc_flags)
{
	const struct zonelist *zl = ac_zonelist(m, ac);
	int classzone_idx = ac_classzone_idx(m, ac);

	if (!zl)
		return false;
	for (int i = next_zones_zonelist(m, zl, 0, ac->high_zoneidx, ac->nodemask); i >= 0;
	     i = next_zones_zonelist(m, zl, i + 1, ac->high_zoneidx, ac->nodemask)) {
		struct zone *z = zone_by_id(m, zl->zoneref[i]);
		int64_t free = zone_page_state_snapshot(z, NR_FREE_PAGES);
		uint64_t available;

		/* should_compact_retry never asks for order 0; do not divide by it */
		available = zone_reclaimable_pages(m, z) / (uint64_t)(order > 0 ? order : 1);
		available += free > 0 ? (uint64_t)free : 0;
		if (__compaction_suitable(m, z, order, alloc_flags, classzone_idx, available) !=
		    COMPACT_SKIPPED)
			return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* Deferral (412:compaction.c:133-200, spec §6.2)                       */
/* ------------------------------------------------------------------ */

/*
 * defer_compaction: a sync compaction failed; skip the next
 * 2^defer_shift - 1 attempts at this order or above (shift capped at 6).
 */
void defer_compaction(struct zf_machine *m, struct zone *z, int order)
{
	unsigned int shift = ZF_READ_ONCE(z->compact_defer_shift) + 1;

	ZF_WRITE_ONCE(z->compact_considered, 0u);
	if (order < ZF_READ_ONCE(z->compact_order_failed))
		ZF_WRITE_ONCE(z->compact_order_failed, order);
	if (shift > COMPACT_MAX_DEFER_SHIFT)
		shift = COMPACT_MAX_DEFER_SHIFT;
	ZF_WRITE_ONCE(z->compact_defer_shift, shift);
	zf_trace(m, ZF_EV_COMPACT_DEFER, z->id, ZF_NO_PAGE, (unsigned int)order,
		 ZF_READ_ONCE(z->compact_defer_shift), ZF_READ_ONCE(z->compact_considered),
		 ZF_READ_ONCE(z->compact_order_failed));
}

/*
 * compaction_deferred: true = skip this attempt. Every call at an order at or
 * above compact_order_failed advances compact_considered (saturating at the
 * limit), so each allocation that asks moves the deferral clock.
 */
bool compaction_deferred(struct zf_machine *m, struct zone *z, int order)
{
	unsigned int defer_limit = 1u << ZF_READ_ONCE(z->compact_defer_shift);
	unsigned int considered;

	if (order < ZF_READ_ONCE(z->compact_order_failed))
		return false;
	/* Avoid possible overflow */
	considered = ZF_READ_ONCE(z->compact_considered) + 1;
	if (considered > defer_limit)
		considered = defer_limit;
	ZF_WRITE_ONCE(z->compact_considered, considered);
	if (considered >= defer_limit)
		return false;
	zf_trace(m, ZF_EV_COMPACT_DEFERRED, z->id, ZF_NO_PAGE, (unsigned int)order, considered,
		 ZF_READ_ONCE(z->compact_defer_shift), ZF_READ_ONCE(z->compact_order_failed));
	return true;
}

/*
 * compaction_defer_reset: compaction (alloc_success = false) or the
 * allocation after it (true) succeeded at this order. Only a real allocation
 * resets the backoff; either way orders up to this one stop being deferred.
 */
void compaction_defer_reset(struct zf_machine *m, struct zone *z, int order, bool alloc_success)
{
	if (alloc_success) {
		ZF_WRITE_ONCE(z->compact_considered, 0u);
		ZF_WRITE_ONCE(z->compact_defer_shift, 0u);
	}
	if (order >= ZF_READ_ONCE(z->compact_order_failed))
		ZF_WRITE_ONCE(z->compact_order_failed, order + 1);
	zf_trace(m, ZF_EV_COMPACT_DEFER_RESET, z->id, ZF_NO_PAGE, (unsigned int)order,
		 alloc_success, ZF_READ_ONCE(z->compact_defer_shift),
		 ZF_READ_ONCE(z->compact_order_failed));
}

/* compaction_restarting: back from the longest deferral: forget the skip hints. */
bool compaction_restarting(struct zone *z, int order)
{
	if (order < ZF_READ_ONCE(z->compact_order_failed))
		return false;
	return ZF_READ_ONCE(z->compact_defer_shift) == COMPACT_MAX_DEFER_SHIFT &&
	       ZF_READ_ONCE(z->compact_considered) >= 1u << COMPACT_MAX_DEFER_SHIFT;
}

/* ------------------------------------------------------------------ */
/* Pageblock skip hints and cached scanner positions                    */
/* ------------------------------------------------------------------ */

/* isolation_suitable: did isolation fail recently in this pageblock? */
static bool isolation_suitable(struct zf_machine *m, const struct compact_control *cc, uint64_t pfn)
{
	if (cc->ignore_skip_hint)
		return true;
	return !get_pageblock_skip(m, pfn);
}

/* reset_cached_positions: the next run starts at the zone's two ends. */
static void reset_cached_positions(struct zf_machine *m, struct zone *z)
{
	ZF_WRITE_ONCE(z->compact_cached_migrate_pfn[0], z->zone_start_pfn);
	ZF_WRITE_ONCE(z->compact_cached_migrate_pfn[1], z->zone_start_pfn);
	ZF_WRITE_ONCE(z->compact_cached_free_pfn, z->spanned_pages
						      ? pageblock_start_pfn(m, zone_end_pfn(z) - 1)
						      : z->zone_start_pfn);
}

/*
 * __reset_isolation_suitable: clear the skip bit of every pageblock of the
 * zone (those starting in another zone are left alone) and restart the
 * scanners from the ends. A walk over the zone's pageblocks, as in the kernel.
 */
static void __reset_isolation_suitable(struct zf_machine *m, struct zone *z)
{
	uint64_t end_pfn = zone_end_pfn(z);

	ZF_WRITE_ONCE(z->compact_blockskip_flush, false);
	for (uint64_t pfn = z->zone_start_pfn; pfn < end_pfn; pfn += m->pageblock_nr_pages) {
		if (!compact_page_in_zone(m, z, pfn))
			continue;
		clear_pageblock_skip(m, pfn);
	}
	reset_cached_positions(m, z);
}

/*
 * reset_isolation_suitable: kswapd going to sleep clears the skip hints of
 * the zones where a direct compactor's scanners met (compact_blockskip_flush).
 */
void reset_isolation_suitable(struct zf_machine *m, struct pglist_data *pgdat)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!populated_zone(z))
			continue;
		/* Only flush if a full compaction finished recently */
		if (ZF_READ_ONCE(z->compact_blockskip_flush))
			__reset_isolation_suitable(m, z);
	}
}

/*
 * update_pageblock_skip: a pageblock scanned end to end without isolating
 * anything gets its skip bit, and the cached scanner position moves past it
 * (forward for the migrate scanner, async and sync slots separately;
 * backward for the free scanner).
 */
static void update_pageblock_skip(struct zf_machine *m, struct compact_control *cc,
				  uint64_t valid_pfn, uint64_t nr_isolated, bool migrate_scanner)
{
	struct zone *z = cc->zone;

	if (cc->ignore_skip_hint)
		return;
	if (valid_pfn == ZF_NO_PAGE)
		return;
	if (nr_isolated)
		return;

	set_pageblock_skip(m, valid_pfn);

	/* Update where async and sync compaction should restart */
	if (migrate_scanner) {
		if (valid_pfn > ZF_READ_ONCE(z->compact_cached_migrate_pfn[0]))
			ZF_WRITE_ONCE(z->compact_cached_migrate_pfn[0], valid_pfn);
		if (cc->mode != MIGRATE_ASYNC &&
		    valid_pfn > ZF_READ_ONCE(z->compact_cached_migrate_pfn[1]))
			ZF_WRITE_ONCE(z->compact_cached_migrate_pfn[1], valid_pfn);
	} else {
		if (valid_pfn < ZF_READ_ONCE(z->compact_cached_free_pfn))
			ZF_WRITE_ONCE(z->compact_cached_free_pfn, valid_pfn);
	}
}

/*
 * pageblock_pfn_to_page: the range [start, end) is scanned only when its
 * first and last pfn belong to this zone (no hole, no zone boundary).
 */
static bool pageblock_pfn_to_page(const struct zf_machine *m, const struct zone *z,
				  uint64_t start_pfn, uint64_t end_pfn)
{
	return end_pfn > start_pfn && compact_page_in_zone(m, z, start_pfn) &&
	       compact_page_in_zone(m, z, end_pfn - 1);
}

/*
 * compact_unlock_should_abort: the periodic check inside the block scanners.
 * A pending fatal signal ends the run as CONTENDED; need_resched() never
 * holds in the model, so async compaction does not back off otherwise.
 */
static bool compact_unlock_should_abort(struct zf_machine *m, struct compact_control *cc)
{
	if (fatal_signal_pending(m)) {
		cc->contended = true;
		return true;
	}
	return false;
}

/* ------------------------------------------------------------------ */
/* The migrate scanner (412:compaction.c:660-890, 1201-1276)            */
/* ------------------------------------------------------------------ */

/*
 * too_many_isolated (4.12 uses node counters): isolated LRU pages of the
 * node above half of its LRU pages. Free targets held by compaction are a
 * part of the model's NR_ISOLATED but not of the kernel's NR_ISOLATED_ANON/FILE.
 */
static bool too_many_isolated(struct zf_machine *m, const struct zone *zone)
{
	const struct pglist_data *pgdat = zone_pgdat(m, zone);
	int64_t active = 0, inactive = 0, isolated = 0;

	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		const struct zone *z = &pgdat->node_zones[zi];

		inactive += zone_page_state(z, NR_ZONE_INACTIVE_FILE) +
			    zone_page_state(z, NR_ZONE_INACTIVE_ANON);
		active += zone_page_state(z, NR_ZONE_ACTIVE_FILE) +
			  zone_page_state(z, NR_ZONE_ACTIVE_ANON);
		isolated += zone_page_state(z, NR_ISOLATED) -
			    (int64_t)ZF_READ_ONCE(z->compact_isolated_free);
	}
	return isolated > (active + inactive) / 2;
}

/*
 * Can this page be isolated for migration? The LRU page tests of
 * isolate_migratepages_block and __isolate_lru_page(ISOLATE_ASYNC_MIGRATE).
 */
static bool compact_page_isolatable(const struct compact_control *cc, const struct page *p,
				    bool async_migrate)
{
	/* Only LRU pages are movable in the model (no __PageMovable). */
	if (!(p->flags & ZF_PG_LRU) || (p->flags & (ZF_PG_ISOLATED | ZF_PG_TAIL)))
		return false;
	/*
	 * Only allow to migrate anonymous pages in GFP_NOFS context
	 * because those do not depend on fs locks (4.10+).
	 */
	if (!(cc->gfp_mask & __GFP_FS) && !(p->flags & ZF_PG_ANON))
		return false;
	/* __isolate_lru_page(ISOLATE_ASYNC_MIGRATE): no pages under writeback */
	if (async_migrate && (p->flags & ZF_PG_WRITEBACK))
		return false;
	return true;
}

/*
 * Take an LRU page off its list onto cc->migratepages (isolate_lru_page +
 * inc NR_ISOLATED_*): it leaves NR_ALLOCATED for NR_ISOLATED while held.
 * lru.c unaccounts the LRU and write-pending counters and clears ZF_PG_LRU.
 * Under the node's lru_lock the page is tested again (another CPU may have
 * freed, isolated or reclaimed it since the unlocked scan looked): false
 * when it can no longer be isolated.
 */
static bool compact_isolate_lru_page(struct zf_machine *m, struct compact_control *cc, uint64_t pfn,
				     bool async_migrate)
{
	struct page *p = pfn_to_page(m, pfn);
	struct zone *z = page_zone(m, pfn);
	struct page snap;

	lru_lock_zone(m, z);
	/*
	 * PG_lru is set only under the lru_lock we hold, so the test is exact;
	 * a page without it (another CPU holds it isolated, or it was freed)
	 * may be changing meanwhile, hence the racy read.
	 */
	snap = page_racy(p);
	if (!compact_page_isolatable(cc, &snap, async_migrate)) {
		lru_unlock_zone(m, z);
		return false;
	}
	del_page_from_lru_list(m, pfn, page_lru(p));
	p->flags |= ZF_PG_ISOLATED;
	lru_unlock_zone(m, z);
	__mod_zone_page_state(z, NR_ALLOCATED, -1);
	__mod_zone_page_state(z, NR_ISOLATED, 1);
	zf_list_add(m, &cc->migratepages, (uint32_t)pfn);
	return true;
}

/*
 * putback_lru_page: an isolated source that was not migrated goes back to
 * the head of its LRU list and to NR_ALLOCATED. The caller unlinked it from
 * the compact_control list.
 */
static void putback_lru_page(struct zf_machine *m, uint64_t pfn)
{
	struct page *p = pfn_to_page(m, pfn);
	struct zone *z = page_zone(m, pfn);

	__mod_zone_page_state(z, NR_ISOLATED, -1);
	__mod_zone_page_state(z, NR_ALLOCATED, 1);
	lru_lock_zone(m, z);
	p->flags &= (uint16_t)~ZF_PG_ISOLATED;
	add_page_to_lru_list(m, pfn, page_lru(p));
	lru_unlock_zone(m, z);
}

/* putback_movable_pages: every source still on cc->migratepages goes back. */
static void putback_movable_pages(struct zf_machine *m, struct compact_control *cc)
{
	while (!zf_list_empty(&cc->migratepages)) {
		uint32_t pfn = cc->migratepages.head;

		zf_list_del(m, &cc->migratepages, pfn);
		putback_lru_page(m, pfn);
	}
}

/* block_start_pfn / block_end_pfn of 4.12: the order-aligned block around pfn. */
static inline uint64_t compact_block_start_pfn(uint64_t pfn, int order)
{
	return order > 0 ? pfn & ~((1ULL << order) - 1) : pfn;
}
static inline uint64_t compact_block_end_pfn(uint64_t pfn, int order)
{
	return order > 0 ? (pfn + (1ULL << order)) & ~((1ULL << order) - 1) : pfn + 1;
}

/*
 * isolate_migratepages_block: scan [low_pfn, end_pfn) of one pageblock and
 * isolate up to COMPACT_CLUSTER_MAX LRU pages. Free buddies and compound
 * (order > 0) allocations are stepped over whole. Returns the pfn where the
 * scan stopped; *aborted when the run must end (fatal signal, or too many
 * isolated pages for an async compactor).
 *
 * async_migrate is 4.12's ISOLATE_ASYNC_MIGRATE, set for every mode but
 * MIGRATE_SYNC: pages under writeback are not isolated then. An async direct
 * compactor isolates per order-aligned chunk (skip_on_failure): one page of
 * the chunk that cannot be isolated makes the whole chunk useless for the
 * request, so what was isolated from it is put back and the chunk skipped.
 */
static uint64_t isolate_migratepages_block(struct zf_machine *m, struct compact_control *cc,
					   uint64_t low_pfn, uint64_t end_pfn, bool async_migrate,
					   bool *aborted)
{
	struct zone *z = cc->zone;
	uint64_t nr_scanned = 0, nr_isolated = 0;
	uint64_t valid_pfn = ZF_NO_PAGE;
	uint64_t next_skip_pfn = 0;
	bool skip_on_failure = false;
	unsigned int waits = 0;

	*aborted = false;
	/*
	 * Ensure that there are not too many pages isolated from the LRU list
	 * by either parallel reclaimers or compaction. If there are, delay.
	 * The model bounds the sync wait: nothing but background work can
	 * change the counters while it sleeps, so after MAX_RECLAIM_RETRIES
	 * sleeps it gives up as async would.
	 */
	while (too_many_isolated(m, z)) {
		/* async migration should just abort */
		if (cc->mode == MIGRATE_ASYNC || waits++ >= MAX_RECLAIM_RETRIES) {
			*aborted = true;
			return 0;
		}
		congestion_wait(m, HZ / 10);
		if (fatal_signal_pending(m)) {
			*aborted = true;
			return 0;
		}
	}

	if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
		skip_on_failure = true;
		next_skip_pfn = compact_block_end_pfn(low_pfn, cc->order);
	}

	/* Time to isolate some pages for migration */
	for (; low_pfn < end_pfn; low_pfn++) {
		struct page p;

		if (skip_on_failure && low_pfn >= next_skip_pfn) {
			/*
			 * We have isolated all migration candidates in the
			 * previous order-aligned block and did not skip it due
			 * to failure: migrate them now.
			 */
			if (nr_isolated)
				break;
			/*
			 * We failed to isolate in the previous order-aligned
			 * block: the new boundary is the end of the current one
			 * (low_pfn may have jumped over a compound or buddy page).
			 */
			next_skip_pfn = compact_block_end_pfn(low_pfn, cc->order);
		}

		/* periodic check (the kernel drops the lru_lock here) */
		if (!(low_pfn % SWAP_CLUSTER_MAX) && compact_unlock_should_abort(m, cc))
			break;

		if (!compact_page_in_zone(m, z, low_pfn))
			goto isolate_fail; /* !pfn_valid_within */
		nr_scanned++;
		/* an unlocked look, as the kernel's: the page may change on another CPU */
		p = page_racy(pfn_to_page(m, low_pfn));
		if (valid_pfn == ZF_NO_PAGE)
			valid_pfn = low_pfn;

		/*
		 * Skip if free. The order is read without the zone lock in the
		 * kernel, so it is only trusted when in range.
		 */
		if (PageBuddy(&p)) {
			unsigned int freepage_order = p.order;

			if (freepage_order > 0 && freepage_order < m->max_order)
				low_pfn += (1ULL << freepage_order) - 1;
			continue;
		}

		/*
		 * Compound pages (THP, hugetlbfs: the model's order > 0
		 * allocations) are not compacted. A tail's compound_order()
		 * reads as 0, so tails fail one by one.
		 */
		if ((p.flags & ZF_PG_HEAD) && p.order > 0) {
			if (p.order < m->max_order)
				low_pfn += (1ULL << p.order) - 1;
			goto isolate_fail;
		}

		if (!compact_page_isolatable(cc, &p, async_migrate))
			goto isolate_fail;

		/* Successfully isolated (rechecked under the lru_lock) */
		if (!compact_isolate_lru_page(m, cc, low_pfn, async_migrate))
			goto isolate_fail;
		cc->nr_migratepages++;
		nr_isolated++;

		/*
		 * Record where we could have freed pages by migration and not
		 * yet flushed them to the buddy allocator: the lowest page
		 * isolated, likely to be freed by the migration.
		 */
		if (cc->last_migrated_pfn == ZF_NO_PAGE)
			cc->last_migrated_pfn = low_pfn;

		/* Avoid isolating too much */
		if (cc->nr_migratepages == COMPACT_CLUSTER_MAX) {
			++low_pfn;
			break;
		}
		continue;
isolate_fail:
		if (!skip_on_failure)
			continue;
		/*
		 * We have isolated some pages, but then failed. Release them
		 * instead of migrating: the cc->order buddy cannot form here.
		 */
		if (nr_isolated) {
			putback_movable_pages(m, cc);
			cc->nr_migratepages = 0;
			cc->last_migrated_pfn = ZF_NO_PAGE;
			nr_isolated = 0;
		}
		if (low_pfn < next_skip_pfn) {
			low_pfn = next_skip_pfn - 1;
			/* the check at the loop top would do this too; simpler here */
			next_skip_pfn += 1ULL << cc->order;
		}
	}

	/* The PageBuddy() check could have brought us outside the range. */
	if (low_pfn > end_pfn)
		low_pfn = end_pfn;

	/*
	 * Update the pageblock-skip information and cached scanner pfn, if the
	 * whole pageblock was scanned without isolating any page.
	 */
	if (low_pfn == end_pfn)
		update_pageblock_skip(m, cc, valid_pfn, nr_isolated, true);

	cc->total_migrate_scanned += nr_scanned;
	if (nr_isolated)
		count_vm_events(m, ZF_VM_compact_isolated, nr_isolated);
	zf_trace(m, ZF_EV_ISOLATE_MIGRATEPAGES, z->id, low_pfn, 0, (int64_t)nr_scanned,
		 (int64_t)nr_isolated, 0);
	return low_pfn;
}

/*
 * suitable_migration_source (4.12 "restrict async compaction to pageblocks of
 * same migratetype"): an async direct compactor only migrates out of blocks
 * of the request's type (MOVABLE requests accept MOVABLE and CMA blocks), so
 * it does not pollute other blocks and it stays cheap.
 */
static bool suitable_migration_source(struct zf_machine *m, const struct compact_control *cc,
				      uint64_t pfn)
{
	int block_mt;

	if (cc->mode != MIGRATE_ASYNC || !cc->direct_compaction)
		return true;
	block_mt = get_pageblock_migratetype(m, pfn);
	if (cc->migratetype == MIGRATE_MOVABLE)
		return is_migrate_movable(block_mt);
	return block_mt == cc->migratetype;
}

/*
 * isolate_migratepages: from cc->migrate_pfn upward, one pageblock at a time
 * while the block ends at or below the free scanner, find the first suitable
 * block and isolate from it. The scanner position is recorded either way.
 */
static isolate_migrate_t isolate_migratepages(struct zf_machine *m, struct zone *z,
					      struct compact_control *cc)
{
	uint64_t block_start_pfn, block_end_pfn, low_pfn;
	const bool async_migrate = cc->mode != MIGRATE_SYNC;

	/* Start at where we last stopped, or the beginning of the zone */
	low_pfn = cc->migrate_pfn;
	block_start_pfn = pageblock_start_pfn(m, low_pfn);
	if (block_start_pfn < z->zone_start_pfn)
		block_start_pfn = z->zone_start_pfn;

	/* Only scan within a pageblock boundary */
	block_end_pfn = pageblock_end_pfn(m, low_pfn);

	/*
	 * Iterate over whole pageblocks until we find the first suitable. Do
	 * not cross the free scanner.
	 */
	for (; block_end_pfn <= cc->free_pfn; low_pfn = block_end_pfn,
					      block_start_pfn = block_end_pfn,
					      block_end_pfn += m->pageblock_nr_pages) {
		bool aborted;

		if (!pageblock_pfn_to_page(m, z, block_start_pfn, block_end_pfn))
			continue;

		/* If isolation recently failed, do not retry */
		if (!isolation_suitable(m, cc, block_start_pfn))
			continue;

		/* For async compaction, also only scan in suitable blocks */
		if (cc->mode == MIGRATE_ASYNC && !suitable_migration_source(m, cc, block_start_pfn))
			continue;

		/* Perform the isolation */
		low_pfn = isolate_migratepages_block(m, cc, low_pfn, block_end_pfn, async_migrate,
						     &aborted);
		if (aborted || cc->contended)
			return ISOLATE_ABORT;

		/*
		 * Either we isolated something and proceed with migration, or
		 * we failed and compact_zone decides whether to continue.
		 */
		break;
	}

	/* Record where migration scanner will be restarted. */
	cc->migrate_pfn = low_pfn;

	return cc->nr_migratepages ? ISOLATE_SUCCESS : ISOLATE_NONE;
}

/* ------------------------------------------------------------------ */
/* The free scanner (412:compaction.c:400-520, 1000-1135)               */
/* ------------------------------------------------------------------ */

/*
 * isolate_freepages_block: take free buddies out of [*start_pfn, end_pfn)
 * whole, until cc holds as many free pages as it has pages to migrate.
 * __isolate_free_page() refuses when the zone would drop below
 * min_wmark + 2^order, which ends the block. *start_pfn reports how far the
 * scan got; a block scanned to its end with nothing isolated is skipped
 * from now on.
 */
static uint64_t isolate_freepages_block(struct zf_machine *m, struct compact_control *cc,
					uint64_t *start_pfn, uint64_t end_pfn)
{
	struct zone *z = cc->zone;
	uint64_t nr_scanned = 0, total_isolated = 0;
	uint64_t valid_pfn = ZF_NO_PAGE;
	uint64_t blockpfn = *start_pfn;
	const uint64_t scan_start = *start_pfn; /* for the tracepoint */

	for (; blockpfn < end_pfn; blockpfn++) {
		struct page *p, snap;
		unsigned int order;
		int isolated;

		/* periodic check (the kernel drops the zone lock here) */
		if (!(blockpfn % SWAP_CLUSTER_MAX) && compact_unlock_should_abort(m, cc))
			break;

		nr_scanned++;
		if (!compact_page_in_zone(m, z, blockpfn))
			continue; /* !pfn_valid_within */
		p = pfn_to_page(m, blockpfn);
		if (valid_pfn == ZF_NO_PAGE)
			valid_pfn = blockpfn;

		/* compound pages are skipped whole (order read unlocked, trusted if sane) */
		snap = page_racy(p);
		if ((snap.flags & ZF_PG_HEAD) && snap.order > 0) {
			if (snap.order < m->max_order)
				blockpfn += (1ULL << snap.order) - 1;
			continue;
		}

		if (!PageBuddy(&snap))
			continue;

		/* Found a free page, will break it into order-0 pages */
		zf_spin_lock(m, &z->lock);
		/* Recheck this is a buddy page under lock (PG_buddy only changes under it) */
		snap = page_racy(p);
		if (!PageBuddy(&snap)) {
			zf_spin_unlock(m, &z->lock);
			continue;
		}
		order = p->order;
		isolated = __isolate_free_page(m, blockpfn, order);
		if (isolated > 0) {
			/*
			 * Held by compaction now: the head remembers its order
			 * (set_page_private) until map_pages() splits it.
			 */
			p->flags = ZF_PG_ISOLATED;
			p->order = (uint8_t)order;
			p->owner = -1;
			__mod_zone_page_state(z, NR_ISOLATED, isolated);
			zf_atomic_add(m, &z->compact_isolated_free, isolated);
		}
		zf_spin_unlock(m, &z->lock);
		if (isolated <= 0)
			break;

		total_isolated += (uint64_t)isolated;
		cc->nr_freepages += (uint64_t)isolated;
		zf_list_add_tail(m, &cc->freepages, (uint32_t)blockpfn);

		if (cc->nr_migratepages <= cc->nr_freepages) {
			blockpfn += (uint64_t)isolated;
			break;
		}
		/* Advance to the end of split page */
		blockpfn += (uint64_t)isolated - 1;
	}

	/* A bogus (racy) order could have taken us past the pageblock. */
	if (blockpfn > end_pfn)
		blockpfn = end_pfn;

	/* Record how far we have got within the block */
	*start_pfn = blockpfn;

	/* Update the pageblock-skip if the whole pageblock was scanned */
	if (blockpfn == end_pfn)
		update_pageblock_skip(m, cc, valid_pfn, total_isolated, false);

	cc->total_free_scanned += nr_scanned;
	if (total_isolated)
		count_vm_events(m, ZF_VM_compact_isolated, total_isolated);
	zf_trace(m, ZF_EV_ISOLATE_FREEPAGES, z->id, blockpfn, 0, (int64_t)nr_scanned,
		 (int64_t)total_isolated, (int64_t)scan_start);
	return total_isolated;
}

/*
 * suitable_migration_target (4.12): the free scanner uses MOVABLE and CMA
 * blocks, but not one whose first page heads a free buddy of a whole
 * pageblock or more (migrating into it would only break it up). SYNC_FULL
 * (ignore_block_suitable) takes any block.
 */
static bool suitable_migration_target(struct zf_machine *m, const struct compact_control *cc,
				      uint64_t pfn)
{
	struct page p;

	if (cc->ignore_block_suitable)
		return true;
	/* If the page is a large free page, then disallow migration (an unlocked look) */
	p = page_racy(pfn_to_page(m, pfn));
	if (PageBuddy(&p) && p.order >= m->pageblock_order)
		return false;
	/* If the block is MIGRATE_MOVABLE or MIGRATE_CMA, allow migration */
	return is_migrate_movable(get_pageblock_migratetype(m, pfn));
}

/*
 * map_pages: split every isolated free block into order-0 pages. Each page is
 * pushed at the head of the new list, so compaction_alloc() hands out the
 * highest pfn of the last isolated block first, as 4.12 does.
 */
static void map_pages(struct zf_machine *m, struct compact_control *cc)
{
	struct zf_list tmp;

	zf_list_init(&tmp);
	while (!zf_list_empty(&cc->freepages)) {
		uint32_t pfn = cc->freepages.head;
		uint64_t nr_pages = 1ULL << m->pages[pfn].order;

		zf_list_del(m, &cc->freepages, pfn);
		for (uint64_t i = 0; i < nr_pages; i++) {
			struct page *p = pfn_to_page(m, pfn + i);

			p->flags = ZF_PG_ISOLATED;
			p->order = 0;
			p->owner = -1;
			zf_list_add(m, &tmp, (uint32_t)(pfn + i));
		}
	}
	cc->freepages = tmp;
}

/*
 * isolate_freepages: from cc->free_pfn downward, one pageblock at a time
 * while the block starts at or above the end of the migrate scanner's
 * block, isolate free pages from suitable blocks until there are as many as
 * pages to migrate. cc->free_pfn records where to restart.
 */
static void isolate_freepages(struct zf_machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t block_start_pfn;   /* start of current pageblock */
	uint64_t isolate_start_pfn; /* exact pfn we start at */
	uint64_t block_end_pfn;     /* end of current pageblock */
	uint64_t low_pfn;           /* lowest pfn scanner is able to scan */

	/*
	 * Start where we last stopped (or the zone-cached value, or the zone
	 * end). The block start is aligned down so that the loop can step by
	 * whole pageblocks; a zone ending inside a pageblock ends its last
	 * block. The low boundary is the end of the migrate scanner's block.
	 */
	isolate_start_pfn = cc->free_pfn;
	block_start_pfn = pageblock_start_pfn(m, cc->free_pfn);
	block_end_pfn = block_start_pfn + m->pageblock_nr_pages;
	if (block_end_pfn > zone_end_pfn(z))
		block_end_pfn = zone_end_pfn(z);
	low_pfn = pageblock_end_pfn(m, cc->migrate_pfn);

	/*
	 * Isolate free pages until enough are available to migrate the pages
	 * on cc->migratepages. Stop if the scanners meet or enough free pages
	 * are isolated. low_pfn >= pageblock_nr_pages, so the unsigned
	 * decrement cannot wrap before the loop test stops it.
	 */
	for (; block_start_pfn >= low_pfn; block_end_pfn = block_start_pfn,
					   block_start_pfn -= m->pageblock_nr_pages,
					   isolate_start_pfn = block_start_pfn) {
		if (!pageblock_pfn_to_page(m, z, block_start_pfn, block_end_pfn))
			continue;

		/* Check the block is suitable for migration */
		if (!suitable_migration_target(m, cc, block_start_pfn))
			continue;

		/* If isolation recently failed, do not retry */
		if (!isolation_suitable(m, cc, block_start_pfn))
			continue;

		/* Found a block suitable for isolating free pages from. */
		isolate_freepages_block(m, cc, &isolate_start_pfn, block_end_pfn);

		/*
		 * If we isolated enough freepages, or aborted due to a fatal
		 * signal, terminate.
		 */
		if (cc->nr_freepages >= cc->nr_migratepages || cc->contended) {
			if (isolate_start_pfn >= block_end_pfn) {
				/* Restart at the previous pageblock next time. */
				isolate_start_pfn = block_start_pfn - m->pageblock_nr_pages;
			}
			break;
		} else if (isolate_start_pfn < block_end_pfn) {
			/* If isolation failed early, do not continue needlessly. */
			break;
		}
	}

	/* __isolate_free_page() does not split the pages */
	map_pages(m, cc);

	/*
	 * Record where the free scanner will restart: either where the last
	 * block scan stopped, or below the migrate scanner's block when they met.
	 */
	cc->free_pfn = isolate_start_pfn;
}

/* ------------------------------------------------------------------ */
/* Migration (mm/migrate.c migrate_pages with compaction's callbacks)   */
/* ------------------------------------------------------------------ */

/*
 * compaction_alloc: the new_page_t callback. It hands out an isolated free
 * page, refilling the list with the free scanner when it is empty.
 * ZF_NO_PAGE: no target (migrate_pages then fails with -ENOMEM).
 */
static uint64_t compaction_alloc(struct zf_machine *m, struct compact_control *cc)
{
	uint32_t pfn;

	/* Isolate free pages if necessary, and if we are not aborting */
	if (zf_list_empty(&cc->freepages)) {
		if (!cc->contended)
			isolate_freepages(m, cc);
		if (zf_list_empty(&cc->freepages))
			return ZF_NO_PAGE;
	}
	pfn = cc->freepages.head;
	zf_list_del(m, &cc->freepages, pfn);
	cc->nr_freepages--;
	return pfn;
}

/* compaction_free: the free_page_t callback: a target not used goes back on the list. */
static void compaction_free(struct zf_machine *m, struct compact_control *cc, uint64_t pfn)
{
	zf_list_add(m, &cc->freepages, (uint32_t)pfn);
	cc->nr_freepages++;
}

/*
 * A free target becomes the new page: it leaves NR_ISOLATED and becomes an
 * allocated order-0 page (ZF_PG_HEAD, NR_ALLOCATED), which map_pages() ->
 * post_alloc_hook() made it in the kernel. This is prep_new_page()'s
 * bookkeeping without its PGALLOC count: the kernel counts PGALLOC in the
 * rmqueue path only, and compaction's targets never pass there.
 * zf_migrate_page() then gives it the source's owner and LRU identity.
 */
static void compaction_prep_target(struct zf_machine *m, struct zone *z, uint64_t dst, uint64_t src)
{
	struct page *d = pfn_to_page(m, dst);

	d->flags = ZF_PG_HEAD;
	d->order = 0;
	d->owner = m->pages[src].owner;
	d->mt = m->pages[src].mt;
	__mod_zone_page_state(z, NR_ISOLATED, -1);
	zf_atomic_add(m, &z->compact_isolated_free, -1);
	__mod_zone_page_state(z, NR_ALLOCATED, 1);
}

/*
 * unmap_and_move: migrate one isolated source. The target is taken first
 * (as the kernel's get_new_page); a source that cannot move now gives its
 * target back. Pages under writeback cannot move: the kernel waits for the
 * IO only in MIGRATE_SYNC, and the model cannot wait inside an operation,
 * so they fail with -EBUSY in every mode (only compact_memory isolates them).
 */
static int unmap_and_move(struct zf_machine *m, struct compact_control *cc, uint64_t src)
{
	struct zone *z = cc->zone;
	uint64_t dst = compaction_alloc(m, cc);
	int rc;

	if (dst == ZF_NO_PAGE)
		return -ZF_ENOMEM;

	zf_list_del(m, &cc->migratepages, (uint32_t)src);
	if (m->pages[src].flags & ZF_PG_WRITEBACK) {
		rc = -ZF_EBUSY;
		putback_lru_page(m, src);
		compaction_free(m, cc, dst);
		return rc;
	}

	compaction_prep_target(m, z, dst, src);
	rc = zf_migrate_page(m, src, dst);
	if (rc != MIGRATEPAGE_SUCCESS) {
		/* cannot happen for a source isolated above; keep both pages sane anyway */
		putback_lru_page(m, src);
		__free_pages(m, dst, 0);
		return rc;
	}
	zf_trace(m, ZF_EV_MIGRATE_PAGE, z->id, src, 0, (int64_t)dst, cc->mode, 0);
	/* the old page has no users left: it is freed (to the pcp list) */
	__free_pages(m, src, 0);
	return MIGRATEPAGE_SUCCESS;
}

/*
 * migrate_pages (mm/migrate.c): move every page on cc->migratepages, from the
 * list head (the highest pfn isolated). Returns 0, the number of pages that
 * failed, or -ENOMEM when the targets ran out (the pages not tried stay on
 * the list). The model has no transient (-EAGAIN) failures, so the kernel's
 * ten passes reduce to one. PGMIGRATE_SUCCESS / PGMIGRATE_FAIL are counted.
 */
static int migrate_pages(struct zf_machine *m, struct compact_control *cc)
{
	uint64_t nr_failed = 0, nr_succeeded = 0;
	int rc = 0;

	while (!zf_list_empty(&cc->migratepages)) {
		uint64_t pfn = cc->migratepages.head;

		rc = unmap_and_move(m, cc, pfn);
		if (rc == -ZF_ENOMEM) {
			nr_failed++;
			goto out;
		}
		if (rc == MIGRATEPAGE_SUCCESS)
			nr_succeeded++;
		else
			nr_failed++;
	}
	rc = (int)nr_failed;
out:
	if (nr_succeeded)
		count_vm_events(m, ZF_VM_pgmigrate_success, nr_succeeded);
	if (nr_failed)
		count_vm_events(m, ZF_VM_pgmigrate_fail, nr_failed);
	zf_trace(m, ZF_EV_MIGRATE_PAGES, cc->zone->id, ZF_NO_PAGE, 0, (int64_t)nr_succeeded,
		 (int64_t)nr_failed, cc->mode);
	return rc;
}

/*
 * release_freepages: unused targets go back to the buddy allocator through
 * free_one_page() with their pageblock's type (which adds them back to
 * NR_FREE_PAGES unless the block is ISOLATE). Returns the highest pfn.
 */
static uint64_t release_freepages(struct zf_machine *m, struct compact_control *cc)
{
	struct zone *z = cc->zone;
	uint64_t high_pfn = 0;

	while (!zf_list_empty(&cc->freepages)) {
		uint32_t pfn = cc->freepages.head;
		struct page *p = pfn_to_page(m, pfn);

		zf_list_del(m, &cc->freepages, pfn);
		p->flags = 0;
		p->order = 0;
		__mod_zone_page_state(z, NR_ISOLATED, -1);
		zf_atomic_add(m, &z->compact_isolated_free, -1);
		free_one_page(m, z, pfn, 0, get_pageblock_migratetype(m, pfn));
		if (pfn > high_pfn)
			high_pfn = pfn;
	}
	cc->nr_freepages = 0;
	return high_pfn;
}

/* ------------------------------------------------------------------ */
/* One compaction run over one zone (412:compaction.c:1289-1675)        */
/* ------------------------------------------------------------------ */

static inline bool compact_scanners_met(const struct zf_machine *m,
					const struct compact_control *cc)
{
	return (cc->free_pfn >> m->pageblock_order) <= (cc->migrate_pfn >> m->pageblock_order);
}

/*
 * __compact_finished (spec §6.3): CONTENDED on a fatal signal; when the
 * scanners met the run is over (COMPLETE if it covered the whole zone,
 * PARTIAL_SKIPPED if it started from cached positions) and the next one
 * starts afresh; compact_memory (order -1) runs until then. Otherwise
 * SUCCESS once a free block of the order exists on the request's list, on
 * CMA for MOVABLE, or on a list the allocation could steal from -- for a
 * non-movable request in sync mode only after the current pageblock is
 * finished, so that the stolen block is as free as possible.
 */
static compact_result_t __compact_finished(struct zf_machine *m, struct zone *z,
					   struct compact_control *cc, const int migratetype)
{
	if (cc->contended || fatal_signal_pending(m))
		return COMPACT_CONTENDED;

	/* Compaction run completes if the migrate and free scanner meet */
	if (compact_scanners_met(m, cc)) {
		/* Let the next compaction start anew. */
		reset_cached_positions(m, z);
		/*
		 * Mark that the PG_migrate_skip information should be cleared
		 * by kswapd when it goes to sleep. kcompactd does not set the
		 * flag as it clears the bits on its next attempt anyway.
		 */
		if (cc->direct_compaction)
			ZF_WRITE_ONCE(z->compact_blockskip_flush, true);
		return cc->whole_zone ? COMPACT_COMPLETE : COMPACT_PARTIAL_SKIPPED;
	}

	if (is_via_compact_memory(cc->order))
		return COMPACT_CONTINUE;

	if (cc->finishing_block) {
		/* We finished the pageblock: check again that we succeeded. */
		if (cc->migrate_pfn % m->pageblock_nr_pages == 0)
			cc->finishing_block = false;
		else
			return COMPACT_CONTINUE;
	}

	/* Direct compactor: Is a suitable page free? */
	for (unsigned int order = (unsigned int)cc->order; order < m->max_order; order++) {
		struct free_area *area = &z->free_area[order];
		bool can_steal;

		/* Job done if page is free of the right migratetype */
		if (!zf_list_empty(&area->free_list[migratetype]))
			return COMPACT_SUCCESS;

		/* MIGRATE_MOVABLE can fallback on MIGRATE_CMA */
		if (migratetype == MIGRATE_MOVABLE && !zf_list_empty(&area->free_list[MIGRATE_CMA]))
			return COMPACT_SUCCESS;

		/*
		 * Job done if allocation would steal freepages from other
		 * migratetype buddy lists.
		 */
		if (find_suitable_fallback(m, area, order, migratetype, true, &can_steal) != -1) {
			/* movable pages are OK in any pageblock */
			if (migratetype == MIGRATE_MOVABLE)
				return COMPACT_SUCCESS;
			/*
			 * Stealing for a non-movable allocation: finish the
			 * current pageblock first (sync only; async works on
			 * blocks of the request's type anyway).
			 */
			if (cc->mode == MIGRATE_ASYNC ||
			    cc->migrate_pfn % m->pageblock_nr_pages == 0)
				return COMPACT_SUCCESS;
			cc->finishing_block = true;
			return COMPACT_CONTINUE;
		}
	}

	return COMPACT_NO_SUITABLE_PAGE;
}

static compact_result_t compact_finished(struct zf_machine *m, struct zone *z,
					 struct compact_control *cc, const int migratetype)
{
	compact_result_t ret = __compact_finished(m, z, cc, migratetype);

	if (ret == COMPACT_NO_SUITABLE_PAGE)
		ret = COMPACT_CONTINUE;
	return ret;
}

/*
 * compact_zone (spec §6.3): check suitability, pick the scanner start points
 * (the zone's ends for a whole-zone run, else the cached positions), then
 * alternate isolating a batch of LRU pages and migrating them into free pages
 * taken from the top of the zone, until compact_finished() says stop. Every
 * page still held is returned at the end.
 */
static compact_result_t compact_zone(struct zf_machine *m, struct zone *z,
				     struct compact_control *cc)
{
	compact_result_t ret;
	const uint64_t start_pfn = z->zone_start_pfn;
	const uint64_t end_pfn = zone_end_pfn(z);
	const int migratetype = gfpflags_to_migratetype(m, cc->gfp_mask);
	const bool sync = cc->mode != MIGRATE_ASYNC;

	if (!z->spanned_pages)
		return COMPACT_SKIPPED;

	cc->migratetype = migratetype;
	ret = compaction_suitable(m, z, cc->order, cc->alloc_flags, cc->classzone_idx);
	/* Compaction is likely to fail */
	if (ret == COMPACT_SUCCESS || ret == COMPACT_SKIPPED)
		return ret;

	/*
	 * Clear pageblock skip if there were failures recently and compaction
	 * is about to be retried after being deferred.
	 */
	if (compaction_restarting(z, cc->order))
		__reset_isolation_suitable(m, z);

	/*
	 * Setup to move all movable pages to the end of the zone. Use the
	 * cached scanner positions unless the whole zone is wanted, checking
	 * that they lie inside the zone.
	 */
	if (cc->whole_zone) {
		cc->migrate_pfn = start_pfn;
		cc->free_pfn = pageblock_start_pfn(m, end_pfn - 1);
	} else {
		cc->migrate_pfn = ZF_READ_ONCE(z->compact_cached_migrate_pfn[sync]);
		cc->free_pfn = ZF_READ_ONCE(z->compact_cached_free_pfn);
		if (cc->free_pfn < start_pfn || cc->free_pfn >= end_pfn) {
			cc->free_pfn = pageblock_start_pfn(m, end_pfn - 1);
			ZF_WRITE_ONCE(z->compact_cached_free_pfn, cc->free_pfn);
		}
		if (cc->migrate_pfn < start_pfn || cc->migrate_pfn >= end_pfn) {
			cc->migrate_pfn = start_pfn;
			ZF_WRITE_ONCE(z->compact_cached_migrate_pfn[0], cc->migrate_pfn);
			ZF_WRITE_ONCE(z->compact_cached_migrate_pfn[1], cc->migrate_pfn);
		}
		if (cc->migrate_pfn == start_pfn)
			cc->whole_zone = true;
	}

	cc->last_migrated_pfn = ZF_NO_PAGE;

	compact_trace(m, ZF_EV_COMPACT_BEGIN, cc, z->id, start_pfn, (int64_t)cc->migrate_pfn,
		      (int64_t)cc->free_pfn, sync);

	while ((ret = compact_finished(m, z, cc, migratetype)) == COMPACT_CONTINUE) {
		int err;

		switch (isolate_migratepages(m, z, cc)) {
		case ISOLATE_ABORT:
			ret = COMPACT_CONTENDED;
			putback_movable_pages(m, cc);
			cc->nr_migratepages = 0;
			goto out;
		case ISOLATE_NONE:
			/*
			 * Nothing isolated here, but there may be unflushed
			 * migrations from the previous order-aligned block.
			 */
			goto check_drain;
		case ISOLATE_SUCCESS:
			break;
		}

		err = migrate_pages(m, cc);

		/* All pages were either migrated or will be released */
		cc->nr_migratepages = 0;
		if (err) {
			putback_movable_pages(m, cc);
			/*
			 * migrate_pages() returns -ENOMEM when the free scanner
			 * found nothing; if the scanners met, compact_finished()
			 * reports that instead.
			 */
			if (err == -ZF_ENOMEM && !compact_scanners_met(m, cc)) {
				ret = COMPACT_CONTENDED;
				goto out;
			}
			/*
			 * We failed to migrate at least one page of the current
			 * order-aligned block: skip the rest of it.
			 */
			if (cc->direct_compaction && cc->mode == MIGRATE_ASYNC) {
				cc->migrate_pfn =
				    compact_block_end_pfn(cc->migrate_pfn - 1, cc->order);
				/* Draining pcplists is useless in this case */
				cc->last_migrated_pfn = ZF_NO_PAGE;
			}
		}

check_drain:
		/*
		 * Has the migrate scanner left the cc->order aligned block where
		 * we migrated from? Then flush the freed sources from the pcp
		 * lists so they merge and compact_finished() can see the page.
		 */
		if (cc->order > 0 && cc->last_migrated_pfn != ZF_NO_PAGE) {
			uint64_t current_block_start =
			    compact_block_start_pfn(cc->migrate_pfn, cc->order);

			if (cc->last_migrated_pfn < current_block_start) {
				drain_local_pages(m, z);
				/* No more flushing until we migrate again */
				cc->last_migrated_pfn = ZF_NO_PAGE;
			}
		}
	}

out:
	/*
	 * Release free pages and update where the free scanner should restart,
	 * so we don't leave any returned pages behind in the next attempt.
	 */
	if (cc->nr_freepages > 0 || !zf_list_empty(&cc->freepages)) {
		uint64_t free_pfn = release_freepages(m, cc);

		/* The cached pfn is always the first in a pageblock */
		free_pfn = pageblock_start_pfn(m, free_pfn);
		/*
		 * Only go back, not forward. The cached pfn might have been
		 * already reset to zone end in compact_finished().
		 */
		if (free_pfn > ZF_READ_ONCE(z->compact_cached_free_pfn))
			ZF_WRITE_ONCE(z->compact_cached_free_pfn, free_pfn);
	}

	count_vm_events(m, ZF_VM_compact_migrate_scanned, cc->total_migrate_scanned);
	count_vm_events(m, ZF_VM_compact_free_scanned, cc->total_free_scanned);

	compact_trace(m, ZF_EV_COMPACT_END, cc, z->id, start_pfn, ret, (int64_t)cc->migrate_pfn,
		      (int64_t)cc->free_pfn);
	return ret;
}

/*
 * The per-zone part of a compact_control that the kernel's callers reset
 * before each compact_zone(); everything else keeps what the previous zone
 * left in it (see kcompactd_do_work).
 */
static void compact_control_init(struct compact_control *cc, struct zone *z)
{
	cc->nr_freepages = 0;
	cc->nr_migratepages = 0;
	cc->total_migrate_scanned = 0;
	cc->total_free_scanned = 0;
	cc->zone = z;
	zf_list_init(&cc->freepages);
	zf_list_init(&cc->migratepages);
}

/*
 * compact_zone_order: direct compaction of one zone at a priority (spec
 * §1.6): ASYNC is async migration; SYNC_LIGHT and SYNC_FULL are sync-light;
 * SYNC_FULL also scans the whole zone, ignores the skip hints and takes free
 * pages from any pageblock.
 */
static compact_result_t compact_zone_order(struct zf_machine *m, struct zone *z, int order,
					   gfp_t gfp_mask, int prio, uint32_t alloc_flags,
					   int classzone_idx)
{
	struct compact_control cc = {
	    .order = order,
	    .gfp_mask = gfp_mask,
	    .mode = (prio == COMPACT_PRIO_ASYNC) ? MIGRATE_ASYNC : MIGRATE_SYNC_LIGHT,
	    .alloc_flags = alloc_flags,
	    .classzone_idx = classzone_idx,
	    .direct_compaction = true,
	    .whole_zone = (prio == MIN_COMPACT_PRIORITY),
	    .ignore_skip_hint = (prio == MIN_COMPACT_PRIORITY),
	    .ignore_block_suitable = (prio == MIN_COMPACT_PRIORITY),
	};

	compact_control_init(&cc, z);
	return compact_zone(m, z, &cc);
}

/*
 * try_to_compact_pages (412:compaction.c:1722-1789, spec §6.4): direct
 * compaction over the request's zonelist and nodemask (4.12 applies no cpuset
 * filter here). Needs __GFP_IO. Deferred zones are skipped unless the
 * priority is SYNC_FULL; the result is the max over the zones tried. A
 * SUCCESS stops the walk; a sync run that failed defers its zone.
 */
compact_result_t try_to_compact_pages(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				      uint32_t alloc_flags, const struct alloc_context *ac,
				      int prio)
{
	const struct zonelist *zl;
	compact_result_t rc = COMPACT_SKIPPED;
	int classzone_idx;

	/* Check if the GFP flags allow compaction */
	if (!(gfp_mask & __GFP_IO))
		goto out;
	/* the kernel traces the priority on entry (412:compaction.c:1743) */
	zf_trace(m, ZF_EV_COMPACT_TRY_BEGIN, -1, ZF_NO_PAGE, order, 0, prio, 0);

	zl = ac_zonelist(m, ac);
	if (!zl)
		goto out;
	classzone_idx = ac_classzone_idx(m, ac);

	/* Compact each zone in the list */
	for (int i = next_zones_zonelist(m, zl, 0, ac->high_zoneidx, ac->nodemask); i >= 0;
	     i = next_zones_zonelist(m, zl, i + 1, ac->high_zoneidx, ac->nodemask)) {
		struct zone *z = zone_by_id(m, zl->zoneref[i]);
		compact_result_t status;

		if (prio > MIN_COMPACT_PRIORITY && compaction_deferred(m, z, (int)order)) {
			if (rc < COMPACT_DEFERRED)
				rc = COMPACT_DEFERRED;
			continue;
		}

		status = compact_zone_order(m, z, (int)order, gfp_mask, prio, alloc_flags,
					    classzone_idx);
		if (status > rc)
			rc = status;

		/* The allocation should succeed, stop compacting */
		if (status == COMPACT_SUCCESS) {
			/*
			 * We think the allocation will succeed in this zone,
			 * but it is not certain, hence the false. The caller
			 * repeats this with true if it indeed succeeds.
			 */
			compaction_defer_reset(m, z, (int)order, false);
			break;
		}

		if (prio != COMPACT_PRIO_ASYNC &&
		    (status == COMPACT_COMPLETE || status == COMPACT_PARTIAL_SKIPPED))
			/*
			 * We think that allocation won't succeed in this zone
			 * so we defer compaction there. If it ends up
			 * succeeding after all, it will be reset.
			 */
			defer_compaction(m, z, (int)order);

		/*
		 * A fatal signal stops trying further zones (need_resched()
		 * for async never holds in the model).
		 */
		if (fatal_signal_pending(m))
			break;
	}
out:
	zf_trace(m, ZF_EV_COMPACT_TRY, -1, ZF_NO_PAGE, order, rc, prio, 0);
	return rc;
}

/* ------------------------------------------------------------------ */
/* /proc/sys/vm/compact_memory (412:compaction.c:1792-1840)             */
/* ------------------------------------------------------------------ */

/*
 * compact_node: compact every populated zone of the node completely: order
 * -1 (no early success), MIGRATE_SYNC, whole zone, skip hints ignored.
 */
void compact_node(struct zf_machine *m, int nid)
{
	struct compact_control cc = {
	    .order = -1,
	    .gfp_mask = GFP_KERNEL,
	    .mode = MIGRATE_SYNC,
	    .ignore_skip_hint = true,
	    .whole_zone = true,
	};
	struct pglist_data *pgdat;

	if (nid < 0 || (unsigned int)nid >= m->nr_nodes || nid >= MAX_NUMNODES)
		return;
	pgdat = &m->nodes[nid];
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!populated_zone(z))
			continue;
		compact_control_init(&cc, z);
		compact_zone(m, z, &cc);
	}
}

/*
 * Writing to /proc/sys/vm/compact_memory: every node (nid -1) or one node.
 * lru_add_drain_all() has nothing to flush in the model (no LRU pagevecs).
 */
void zf_compact_node(struct zf_machine *m, int nid)
{
	if (nid >= 0) {
		compact_node(m, nid);
		return;
	}
	for (unsigned int n = 0; n < m->nr_nodes && n < MAX_NUMNODES; n++)
		compact_node(m, (int)n);
}

/* ------------------------------------------------------------------ */
/* kcompactd (412:compaction.c:1892-2030, spec §6.5)                    */
/* ------------------------------------------------------------------ */

/*
 * The classzone kcompactd works up to. machine.c starts it at MAX_NR_ZONES
 * ("unset", like kswapd's); the kernel's thread starts at nr_zones - 1, which
 * is what an unset value means here.
 */
static int kcompactd_classzone(const struct pglist_data *pgdat)
{
	int idx = pgdat->kcompactd_classzone_idx;

	if (idx > pgdat->nr_zones - 1)
		idx = pgdat->nr_zones - 1;
	if (idx > MAX_NR_ZONES - 1)
		idx = MAX_NR_ZONES - 1;
	return idx;
}

/* kcompactd_node_suitable: some zone up to the classzone would compact (CONTINUE). */
static bool kcompactd_node_suitable(struct zf_machine *m, struct pglist_data *pgdat)
{
	int classzone_idx = kcompactd_classzone(pgdat);

	for (int zi = 0; zi <= classzone_idx; zi++) {
		struct zone *z = &pgdat->node_zones[zi];

		if (!populated_zone(z))
			continue;
		if (compaction_suitable(m, z, (int)pgdat->kcompactd_max_order, 0, classzone_idx) ==
		    COMPACT_CONTINUE)
			return true;
	}
	return false;
}

/*
 * kcompactd_do_work: one wakeup's worth of background compaction: every
 * populated zone up to the classzone that is not deferred and is suitable is
 * compacted sync-light with the skip hints ignored, for the largest order
 * asked since the last run; the deferral state is updated as sync direct
 * compaction does. Runs as no task (a kernel thread).
 */
void kcompactd_do_work(struct zf_machine *m, struct pglist_data *pgdat)
{
	int saved_current;
	/*
	 * One compact_control for all zones, as in 4.12: only the counters and
	 * lists are reset per zone, so whole_zone (set when a zone's run
	 * started at its first pfn) and finishing_block carry over to the
	 * next zone.
	 */
	struct compact_control cc = {
	    .order = (int)pgdat->kcompactd_max_order,
	    .classzone_idx = kcompactd_classzone(pgdat),
	    .mode = MIGRATE_SYNC_LIGHT,
	    .ignore_skip_hint = true,
	    .gfp_mask = GFP_KERNEL,
	};

	/* the thread is running now: a new wakeup must wake it again */
	ZF_WRITE_ONCE(pgdat->kcompactd_woken, false);
	saved_current = zf_set_current(m, ZF_NO_TASK);

	count_vm_event(m, ZF_VM_compact_daemon_wake);
	zf_trace(m, ZF_EV_KCOMPACTD_WAKE, -1, ZF_NO_PAGE, 0, cc.order, cc.classzone_idx, 0);

	for (int zi = 0; zi <= cc.classzone_idx; zi++) {
		struct zone *z = &pgdat->node_zones[zi];
		compact_result_t status;

		if (!populated_zone(z))
			continue;
		if (compaction_deferred(m, z, cc.order))
			continue;
		if (compaction_suitable(m, z, cc.order, 0, zi) != COMPACT_CONTINUE)
			continue;

		compact_control_init(&cc, z);
		status = compact_zone(m, z, &cc);

		if (status == COMPACT_SUCCESS) {
			compaction_defer_reset(m, z, cc.order, false);
		} else if (status == COMPACT_PARTIAL_SKIPPED || status == COMPACT_COMPLETE) {
			/* sync migration mode here: defer like sync direct compaction */
			defer_compaction(m, z, cc.order);
		}
	}

	/*
	 * Regardless of success, we are done until woken up next. But remember
	 * the requested order/classzone_idx in case it was higher/tighter than
	 * our current ones.
	 */
	if ((int)pgdat->kcompactd_max_order <= cc.order)
		pgdat->kcompactd_max_order = 0;
	if (pgdat->kcompactd_classzone_idx >= cc.classzone_idx)
		pgdat->kcompactd_classzone_idx = pgdat->nr_zones - 1;

	zf_set_current(m, saved_current);
}

/*
 * wakeup_kcompactd (spec §6.5): kswapd about to sleep asks for background
 * compaction at its allocation order. The order and classzone are merged
 * into the pending request even when the thread is not woken; it is woken
 * (at the next background run) only if some zone would compact.
 */
void wakeup_kcompactd(struct zf_machine *m, struct pglist_data *pgdat, int order, int classzone_idx)
{
	if (!order)
		return;

	if ((int)pgdat->kcompactd_max_order < order)
		pgdat->kcompactd_max_order = (unsigned int)order;

	if (pgdat->kcompactd_classzone_idx > classzone_idx)
		pgdat->kcompactd_classzone_idx = classzone_idx;

	/* a pending wakeup: the thread has left its waitqueue already */
	if (pgdat->kcompactd_woken)
		return;

	if (!kcompactd_node_suitable(m, pgdat))
		return;

	ZF_WRITE_ONCE(pgdat->kcompactd_woken, true);
}

/*
 * Run kcompactd of a node now (as the thread would after a wakeup): nothing
 * happens unless an order was requested (kcompactd_work_requested).
 */
void zf_run_kcompactd(struct zf_machine *m, int nid)
{
	struct pglist_data *pgdat;
	bool saved_bg;

	if (nid < 0 || (unsigned int)nid >= m->nr_nodes || nid >= MAX_NUMNODES)
		return;
	pgdat = &m->nodes[nid];
	if (!pgdat->kcompactd_max_order) {
		ZF_WRITE_ONCE(pgdat->kcompactd_woken, false);
		return;
	}
	saved_bg = zf_set_background(m, true);
	kcompactd_do_work(m, pgdat);
	zf_set_background(m, saved_bg);
}
