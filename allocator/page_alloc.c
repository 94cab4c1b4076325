// SPDX-License-Identifier: MIT
/*
 * allocator/page_alloc.c - the allocation fast path of Linux 4.12
 * (mm/page_alloc.c: __alloc_pages_nodemask, get_page_from_freelist, rmqueue,
 * prep_new_page, __free_pages) and the zonelist iterators of
 * include/linux/mmzone.h, plus the public zf_alloc_pages / zf_free_pages.
 *
 * Spec: kernel-allocator.md §1.3 (zonelists), §4.1 (entry), §4.2
 * (get_page_from_freelist), §4.3 (rmqueue); docs/model-contract.md for the
 * page states and counters this file moves (NR_ALLOCATED, the frames).
 *
 * The slow path (__alloc_pages_slowpath and its helpers, spec §5) lives in
 * slowpath.c.
 */
#include <string.h>

#include "internal.h"

/* ------------------------------------------------------------------ */
/* Zonelists (spec §1.3)                                                */
/* ------------------------------------------------------------------ */

/*
 * Is zoneref index i a real entry of zl, i.e. does it lie before the
 * terminator? The kernel's terminator zoneref has zone == NULL; an index at or
 * past it is the model's "zoneref whose zone is NULL". A stale index kept
 * across a zonelist rebuild (planted bug B4) can point there.
 */
static bool zoneref_valid(const struct zonelist *zl, int i)
{
	if (i < 0 || i >= NR_ZONES_TOTAL)
		return false;
	for (int j = 0; j <= i; j++)
		if (zl->zoneref[j] < 0)
			return false;
	return true;
}

/*
 * next_zones_zonelist(): the first zoneref at or after 'start' whose zone
 * index is <= high_zoneidx and whose node is in nodemask (0 = NULL: any node).
 * Returns -1 (the terminator: zone NULL) when there is none, including when
 * 'start' already lies past the terminator.
 */
int next_zones_zonelist(struct zf_machine *m, const struct zonelist *zl, int start,
			int high_zoneidx, uint32_t nodemask)
{
	if (start < 0)
		return -1;
	/* a start index past the terminator: there is nothing after it */
	for (int j = 0; j < start; j++)
		if (j >= NR_ZONES_TOTAL || zl->zoneref[j] < 0)
			return -1;
	for (int i = start; i < NR_ZONES_TOTAL && zl->zoneref[i] >= 0; i++) {
		const struct zone *z = zone_by_id(m, zl->zoneref[i]);

		if (zone_idx(z) > high_zoneidx)
			continue;
		if (nodemask && !(nodemask & (1u << z->node)))
			continue;
		return i;
	}
	return -1;
}

int first_zones_zonelist(struct zf_machine *m, const struct zonelist *zl, int high_zoneidx,
			 uint32_t nodemask)
{
	return next_zones_zonelist(m, zl, 0, high_zoneidx, nodemask);
}

/*
 * ac_preferred_zone(): ac->preferred_zoneref->zone, NULL for the terminator.
 */
struct zone *ac_preferred_zone(struct zf_machine *m, const struct alloc_context *ac)
{
	const struct zonelist *zl = ac_zonelist(m, ac);

	if (!zoneref_valid(zl, ac->preferred_zoneref))
		return NULL;
	return zone_by_id(m, zl->zoneref[ac->preferred_zoneref]);
}

/*
 * ac_classzone_idx() of 4.12 (mm/internal.h): zonelist_zone_idx() of the
 * preferred zoneref, i.e. the zone index of the preferred zone; it picks the
 * lowmem_reserve[] slot (spec §1.3, §3.2). The kernel's terminator zoneref
 * carries zone_idx 0, so a NULL preferred zone reads as 0.
 */
int ac_classzone_idx(struct zf_machine *m, const struct alloc_context *ac)
{
	const struct zone *z = ac_preferred_zone(m, ac);

	return z ? zone_idx(z) : 0;
}

/* ------------------------------------------------------------------ */
/* Helpers of the fast path                                            */
/* ------------------------------------------------------------------ */

/*
 * should_fail_alloc_page() (mm/page_alloc.c, CONFIG_FAIL_PAGE_ALLOC): the
 * harness hook decides; as in the kernel a __GFP_NOFAIL request is never
 * failed by fault injection. The kernel's other filters (min_order,
 * ignore-gfp-highmem/-wait) are the hook's business.
 */
bool should_fail_alloc_page(struct zf_machine *m, gfp_t gfp_mask, unsigned int order)
{
	if (!m->hooks.should_fail_alloc_page)
		return false;
	if (gfp_mask & __GFP_NOFAIL)
		return false;
	if (!m->hooks.should_fail_alloc_page(m->hooks.priv, gfp_mask, order))
		return false;
	count_vm_event(m, ZF_VM_fault_injected);
	zf_trace(m, ZF_EV_FAULT_INJECT, -1, ZF_NO_PAGE, order, 0, 0, 0);
	return true;
}

/*
 * node_dirty_ok() (mm/page-writeback.c), used only when spreading __GFP_WRITE
 * allocations (spec §4.2). The kernel compares the node's dirty + writeback
 * (+ unstable NFS) pages with vm_dirty_ratio (20%) of its "dirtyable" memory,
 * which is the node's free pages plus its file LRU pages (minus the
 * totalreserve share). The model uses that limit without the reserve
 * deduction and without dirty_bytes/background knobs:
 *
 *     sum(NR_ZONE_WRITE_PENDING) <= 20% of sum(NR_FREE_PAGES + file LRU)
 *
 * over the node's zones. O(zones of the node) per call.
 */
bool node_dirty_ok(struct zf_machine *m, int nid)
{
	const struct pglist_data *pgdat;
	int64_t dirtyable = 0, pending = 0;

	if (nid < 0 || nid >= MAX_NUMNODES)
		return true;
	pgdat = &m->nodes[nid];
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pgdat->node_zones[i];

		if (!populated_zone(z))
			continue;
		dirtyable += zone_page_state(z, NR_FREE_PAGES) +
			     zone_page_state(z, NR_ZONE_INACTIVE_FILE) +
			     zone_page_state(z, NR_ZONE_ACTIVE_FILE);
		pending += zone_page_state(z, NR_ZONE_WRITE_PENDING);
	}
	if (dirtyable < 0)
		dirtyable = 0;
	return pending <= dirtyable * 20 / 100;
}

/*
 * prep_new_page() + post_alloc_hook(): the block becomes an allocated head
 * (ZF_PG_HEAD, order, owner = current) with ZF_PG_TAIL tails (model contract).
 * page->mt keeps the type the page was taken as (set by __rmqueue_smallest or
 * cached on the pcp list). NR_ALLOCATED moves here and in __free_pages only.
 * The kernel counts PGALLOC in rmqueue (__count_zid_vm_events); the model
 * counts it here, with the zone's NR_ZONE_PGALLOC. The pfmemalloc mark for
 * ALLOC_NO_WATERMARKS pages has no consumer in the model and is not kept.
 * Inlined into get_page_from_freelist() (an external definition all the
 * same, for snapshot.c: internal.h declares it without `inline`).
 */
__always_inline void prep_new_page(struct zf_machine *m, uint64_t pfn, unsigned int order,
				   gfp_t gfp_flags, uint32_t alloc_flags)
{
	struct page *page = pfn_to_page(m, pfn);
	struct zone *z = zone_by_id(m, page->zid);
	uint64_t nr = 1ULL << order;
	int16_t owner = (int16_t)zf_current(m);

	(void)gfp_flags;   /* __GFP_ZERO / __GFP_COMP: no policy effect */
	(void)alloc_flags; /* set_page_pfmemalloc(): not modelled */

	page->flags =
	    (uint16_t)((page->flags & ~(ZF_PG_BUDDY | ZF_PG_PCP | ZF_PG_TAIL)) | ZF_PG_HEAD);
	page->order = (uint8_t)order;
	page->owner = owner;
	page->next = page->prev = ZF_NIL;
	for (uint64_t i = 1; i < nr; i++) {
		struct page *tail = pfn_to_page(m, pfn + i);

		tail->flags = (uint16_t)((tail->flags & ~(ZF_PG_BUDDY | ZF_PG_PCP | ZF_PG_HEAD)) |
					 ZF_PG_TAIL);
		tail->owner = owner;
	}
	__mod_zone_page_state(z, NR_ALLOCATED, (long)nr);
	__mod_zone_page_state(z, NR_ZONE_PGALLOC, (long)nr);
	count_vm_events(m, (enum zf_vmstat_item)(ZF_VM_pgalloc_dma + zone_idx(z)), nr);
}

/*
 * The model's pcp protection. The kernel protects a CPU's per_cpu_pages by
 * disabling interrupts on that CPU (local_irq_save): only code running on
 * the CPU touches them, and drain_all_pages() sends the work to each CPU.
 * A threaded machine takes the CPU's pcp lock instead (docs/concurrency.md),
 * which drain_all_pages() takes for the remote CPUs; a sequential machine
 * takes nothing. Buddy-list work inside (rmqueue_bulk) nests zone->lock.
 */
static inline void local_irq_save(struct zf_machine *m, unsigned int cpu)
{
	pcp_lock(m, cpu);
}
static inline void local_irq_restore(struct zf_machine *m, unsigned int cpu)
{
	pcp_unlock(m, cpu);
}

/*
 * rmqueue() of 4.12 (spec §4.3). Order 0 comes from the current CPU's pcp list
 * of the requested migratetype, refilled with rmqueue_bulk(pcp->batch) when
 * empty (ALLOC_HARDER does not reach HIGHATOMIC for order 0 in 4.12). Higher
 * orders come from the buddy lists under zone->lock, trying the HIGHATOMIC
 * reserve first for ALLOC_HARDER. Returns the pfn or ZF_NO_PAGE. Static
 * inline, as in the kernel: get_page_from_freelist() is its only caller.
 */
static __always_inline uint64_t rmqueue(struct zf_machine *m, struct zone *preferred_zone,
					struct zone *z, unsigned int order, gfp_t gfp_flags,
					uint32_t alloc_flags, int migratetype)
{
	uint64_t page = ZF_NO_PAGE;

	(void)preferred_zone; /* zone_statistics() (NUMA_HIT/MISS) is not modelled */

	/*
	 * Never index free_area[] past MAX_ORDER (B18 note in the model contract).
	 * 4.12 cannot get here with such an order: the watermark check fails and
	 * the slow path rejects the order before any ALLOC_NO_WATERMARKS attempt;
	 * __rmqueue_smallest's order loop would be empty anyway.
	 */
	if (order >= m->max_order)
		return ZF_NO_PAGE;

	if (order == 0) {
		bool cold = (gfp_flags & __GFP_COLD) != 0;
		unsigned int cpu = smp_processor_id(m);
		struct per_cpu_pages *pcp;
		struct zf_list *list;
		struct page *p;

		/* the pcp lists hold the three PCP types only (HIGHATOMIC is never requested) */
		if (migratetype < 0 || migratetype >= MIGRATE_PCPTYPES)
			return ZF_NO_PAGE;
		local_irq_save(m, cpu);
		pcp = zone_pcp(m, z, cpu);
		list = &pcp->lists[migratetype];
		if (zf_list_empty(list)) {
			pcp->count +=
			    rmqueue_bulk(m, z, 0, pcp->batch, list, migratetype, cold, cpu);
			if (zf_list_empty(list)) {
				local_irq_restore(m, cpu);
				return ZF_NO_PAGE;
			}
		}
		/* a cold request takes the tail (the least recently freed page) */
		page = cold ? list->tail : list->head;
		zf_list_del(m, list, (uint32_t)page);
		pcp->count--;
		p = pfn_to_page(m, page);
		p->flags &= (uint16_t)~ZF_PG_PCP;
		__mod_zone_page_state(z, NR_PCP, -1);
		/* check_new_pcp() is a debug check: no bad pages in the model */
		local_irq_restore(m, cpu);
		return page;
	}

	/* WARN_ON_ONCE((gfp_flags & __GFP_NOFAIL) && order > 1): no event for it */
	zf_spin_lock(m, &z->lock);
	if (alloc_flags & ALLOC_HARDER) {
		page = __rmqueue_smallest(m, z, order, MIGRATE_HIGHATOMIC);
		if (page != ZF_NO_PAGE)
			zf_trace(m, ZF_EV_PAGE_ALLOC_ZONE_LOCKED, z->id, page, order, migratetype,
				 MIGRATE_HIGHATOMIC, 0);
	}
	if (page == ZF_NO_PAGE)
		page = __rmqueue(m, z, order, migratetype);
	if (page != ZF_NO_PAGE) {
		/*
		 * __mod_zone_freepage_state(zone, -(1 << order), pcp migratetype):
		 * the kernel does it just after dropping the lock; the model keeps
		 * it inside so threaded runs see consistent counters.
		 */
		__mod_zone_page_state(z, NR_FREE_PAGES, -(1L << order));
		if (is_migrate_cma(pfn_to_page(m, page)->mt))
			__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -(1L << order));
	}
	zf_spin_unlock(m, &z->lock);
	return page;
}

/* Record the alloc_flags of the attempt that produced a page (zf_alloc_result). */
static inline void zf_note_success(struct zf_alloc_frame *f, uint32_t alloc_flags)
{
	if (f && f->res)
		f->res->alloc_flags = alloc_flags;
}

/*
 * get_page_from_freelist() of 4.12 (spec §4.2): walk the zonelist from the
 * preferred zoneref, skip zones the cpuset forbids (ALLOC_CPUSET) and, for
 * __GFP_WRITE, nodes over their dirty limit; take the first zone that passes
 * its watermark, or with ALLOC_NO_WATERMARKS any zone (try_this_zone).
 * node_reclaim_mode is 0 in the model (the kernel default), so a zone that
 * fails its watermark is simply skipped.
 *
 * While it runs, cur_frame(m)->alloc_flags holds the flags of this attempt so
 * that its events carry them; after a success they stay (the successful
 * attempt's flags), after a failure the caller's are restored.
 */
static __always_inline uint64_t get_page_from_freelist_frame(struct zf_machine *m, gfp_t gfp_mask,
							     unsigned int order,
							     uint32_t alloc_flags,
							     const struct alloc_context *ac,
							     struct zf_alloc_frame *f)
{
	const struct zonelist *zl = ac_zonelist(m, ac);
	/*
	 * for_next_zone_zonelist_nodemask(): the walk starts with the preferred
	 * zoneref's zone as it is (first_zones_zonelist() already filtered it
	 * when it was computed); later entries are filtered by high_zoneidx and
	 * the nodemask. A NULL preferred zone means no zone at all. The
	 * preferred zone and ac_classzone_idx() are read from the same zoneref
	 * (ac_preferred_zone() open-coded: one zonelist lookup per call).
	 */
	int i = zoneref_valid(zl, ac->preferred_zoneref) ? ac->preferred_zoneref : -1;
	struct zone *preferred = i >= 0 ? zone_by_id(m, zl->zoneref[i]) : NULL;
	int classzone_idx = preferred ? zone_idx(preferred) : 0;
	int last_pgdat_dirty_limit = -1;
	uint32_t saved_flags = f ? f->alloc_flags : 0;

	if (f)
		f->alloc_flags = alloc_flags;

	for (; i >= 0; i = next_zones_zonelist(m, zl, i + 1, ac->high_zoneidx, ac->nodemask)) {
		struct zone *zone = zone_by_id(m, zl->zoneref[i]);
		unsigned int wmark_idx;
		uint64_t mark, page;
		bool bypass;

		if ((alloc_flags & ALLOC_CPUSET) && cpusets_enabled(m) &&
		    !cpuset_zone_allowed(m, zone, gfp_mask))
			continue;
		/* __GFP_WRITE: skip nodes over their dirty limit (spec §4.2) */
		if (ac->spread_dirty_pages) {
			if (zone->node == last_pgdat_dirty_limit)
				continue;
			if (!node_dirty_ok(m, zone->node)) {
				last_pgdat_dirty_limit = zone->node;
				continue;
			}
		}

		wmark_idx = alloc_flags & ALLOC_WMARK_MASK;
		if (wmark_idx >= NR_WMARK)
			wmark_idx = WMARK_HIGH;
		mark = zone->watermark[wmark_idx];
		bypass = false;
		/*
		 * For order >= MAX_ORDER (only reachable on 4.12, or with B18)
		 * __zone_watermark_ok()'s per-order loop is empty, so the check
		 * can only fail; the model short-circuits it so that the
		 * 2^order arithmetic stays defined for orders up to 63.
		 */
		if (order >= m->max_order || !zone_watermark_fast(zone, order, mark, classzone_idx,
								  alloc_flags, m->max_order)) {
			/* the reserves may use a zone below its watermark */
			if (alloc_flags & ALLOC_NO_WATERMARKS) {
				bypass = true;
				goto try_this_zone;
			}
			/*
			 * node_reclaim_mode == 0: no node_reclaim(), and
			 * zone_allows_reclaim() is never consulted.
			 */
			continue;
		}
		zf_trace_fn(m, "get_page_from_freelist", ZF_EV_GPFF_ZONE_OK, zone->id, ZF_NO_PAGE,
			    order, (int64_t)mark, classzone_idx,
			    zone_page_state(zone, NR_FREE_PAGES));

try_this_zone:
		zf_trace_fn(m, "get_page_from_freelist", ZF_EV_GPFF_TRY_ZONE, zone->id, ZF_NO_PAGE,
			    order, bypass ? 1 : 0, classzone_idx,
			    zone_page_state(zone, NR_FREE_PAGES));
		page = rmqueue(m, preferred, zone, order, gfp_mask, alloc_flags, ac->migratetype);
		if (page != ZF_NO_PAGE) {
			prep_new_page(m, page, order, gfp_mask, alloc_flags);
			/* high-order ALLOC_HARDER success: maybe reserve the block (spec §4.6) */
			if (order && (alloc_flags & ALLOC_HARDER))
				reserve_highatomic_pageblock(m, page, zone, order);
			/* the frame is still cur_frame(m): nested allocations popped theirs */
			zf_note_success(f, alloc_flags);
			return page;
		}
		/* rmqueue failed (e.g. only ISOLATE blocks behind the watermark): next zone */
	}

	if (f)
		f->alloc_flags = saved_flags;
	return ZF_NO_PAGE;
}

/*
 * One body, two copies: the fast path's call in __alloc_pages_nodemask() is
 * inlined (the call, its register saves and the reload of the alloc_context
 * were a visible share of an order-0 pair, docs/benchmarks-model.md) and
 * hands over the frame it already holds, which is cur_frame(m); the slow
 * path, compaction and the others call this one.
 */
uint64_t get_page_from_freelist(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				uint32_t alloc_flags, const struct alloc_context *ac)
{
	return get_page_from_freelist_frame(m, gfp_mask, order, alloc_flags, ac, cur_frame(m));
}

/* ------------------------------------------------------------------ */
/* __alloc_pages_nodemask (spec §4.1)                                  */
/* ------------------------------------------------------------------ */

/*
 * prepare_alloc_pages() (the 4.13+ name of the first half of 4.12's
 * __alloc_pages_nodemask, spec §4.1): fill the alloc_context; substitute the
 * cpuset's mems for a NULL nodemask (or set ALLOC_CPUSET for an explicit one);
 * fault injection; ALLOC_CMA for movable requests (CONFIG_CMA is on in the
 * model; with no CMA pageblocks the flag changes nothing).
 */
static bool prepare_alloc_pages(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				int preferred_nid, uint32_t nodemask, struct alloc_context *ac,
				gfp_t *alloc_mask, uint32_t *alloc_flags)
{
	ac->high_zoneidx = gfp_zone(gfp_mask);
	ac->zonelist_nid = preferred_nid; /* node_zonelist(preferred_nid, gfp_mask) */
	ac->zonelist_which = gfp_zonelist(gfp_mask);
	ac->nodemask = nodemask;
	ac->migratetype = gfpflags_to_migratetype(m, gfp_mask);

	if (cpusets_enabled(m)) {
		*alloc_mask |= __GFP_HARDWALL;
		if (!ac->nodemask)
			ac->nodemask = cpuset_current_mems_allowed(m);
		else
			*alloc_flags |= ALLOC_CPUSET;
	}

	if (should_fail_alloc_page(m, gfp_mask, order))
		return false;

	if (ac->migratetype == MIGRATE_MOVABLE)
		*alloc_flags |= ALLOC_CMA;

	return true;
}

/*
 * finalise_ac(): dirty zone balancing only in the fast path; the preferred
 * zoneref is the starting point of the zonelist walk (it is recomputed by the
 * slow path, which may use another nodemask).
 */
static void finalise_ac(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
			struct alloc_context *ac)
{
	(void)order;
	ac->spread_dirty_pages = (gfp_mask & __GFP_WRITE) != 0;
	ac->preferred_zoneref =
	    first_zones_zonelist(m, ac_zonelist(m, ac), ac->high_zoneidx, ac->nodemask);
}

/*
 * A result that describes "nothing allocated yet", written field by field.
 * Both a memset and a struct copy from a constant become a `rep stos` plus
 * patches at -O2 (gcc turns the copy of a mostly-zero constant into a
 * clear), whose start-up cost was a visible share of an order-0 pair
 * (docs/benchmarks-model.md); plain stores merge into a few vector stores.
 * Every field of struct zf_alloc_result must appear here.
 */
static inline void zf_result_init(struct zf_alloc_result *res)
{
	/* a field added to the struct must be added here: the size tells (LP64) */
	_Static_assert(sizeof(void *) != 8 || sizeof(struct zf_alloc_result) == 96,
		       "zf_result_init() sets every field of struct zf_alloc_result");
	res->status = ZF_ALLOC_FAIL;
	res->pfn = ZF_NO_PAGE;
	res->zone_id = -1;
	res->slowpath = false;
	res->retries = 0;
	res->retry_cpuset = 0;
	res->direct_reclaim_calls = 0;
	res->direct_compact_calls = 0;
	res->nr_compact_results = 0;
	for (unsigned int i = 0; i < ZF_MAX_COMPACT_LOG; i++)
		res->compact_results[i] = 0;
	res->oom_invoked = 0;
	res->oom_killed = ZF_NO_TASK;
	res->nofail_loops = 0;
	res->stall_warnings = 0;
	res->warned_failure = false;
	res->alloc_flags = 0;
	res->reclaimed = 0;
}

/*
 * __alloc_pages_nodemask(): the allocator's entry (spec §4.1). Every
 * allocation runs with its own zf_alloc_frame: the one zf_alloc_pages()
 * pushed (recognised by frame->ac == NULL), or one pushed here for
 * allocations made from inside the model (LRU faults, hot-remove migration
 * targets), whose result goes to a local zf_alloc_result. ALLOC_BEGIN and
 * ALLOC_END (trace_mm_page_alloc) are traced here so that every page handed
 * out is seen by the oracles, whoever asked for it.
 */
static __always_inline uint64_t __alloc_pages_nodemask_frame(struct zf_machine *m, gfp_t gfp_mask,
							     unsigned int order, int preferred_nid,
							     uint32_t nodemask,
							     struct zf_alloc_frame *f)
{
	struct zf_alloc_result own_res;
	struct alloc_context ac;
	uint32_t alloc_flags = ALLOC_WMARK_LOW;
	gfp_t alloc_mask; /* the mask the attempts use (HARDWALL added, scoped NOFS/NOIO) */
	uint64_t page = ZF_NO_PAGE;
	bool own_frame = false;

	if (!f || f->ac) {
		f = zf_push_frame(m);
		if (!f)
			return ZF_NO_PAGE;
		zf_result_init(&own_res);
		f->task = zf_current(m);
		f->res = &own_res;
		own_frame = true;
	}
	memset(&ac, 0, sizeof(ac));
	ac.preferred_zoneref = -1;
	f->ac = &ac;
	f->gfp = gfp_mask;
	f->order = order;
	f->alloc_flags = alloc_flags;
	f->no_progress_loops = 0;
	f->compaction_retries = 0;
	f->compact_priority = DEF_COMPACT_PRIORITY;

	if (preferred_nid < 0 || (unsigned int)preferred_nid >= m->nr_nodes)
		preferred_nid = (int)numa_node_id(m);

	zf_trace_fn(m, "__alloc_pages_nodemask", ZF_EV_ALLOC_BEGIN, -1, ZF_NO_PAGE, order,
		    preferred_nid, nodemask, 0);

	/*
	 * 4.20 ("mm, page_alloc: check for max order in hot path"): reject
	 * order >= MAX_ORDER before the fast path, with a warning unless
	 * __GFP_NOWARN. 4.12 has no such check (the fast path finds no area and
	 * the slow path returns NULL at its own check). Planted bug B18 reverts
	 * the check in the profiles that have it.
	 */
	if (m->profile->max_order_at_entry && !zf_bug(m, ZF_BUG_B18) && order >= m->max_order) {
		/* WARN_ON_ONCE_GFP(order >= MAX_ORDER, gfp_mask) */
		zf_trace_label_fn(m, "__alloc_pages_nodemask", ZF_EV_SLOWPATH_GOTO,
				  ZF_GOTO_NOPAGE_MAX_ORDER, order, 0);
		goto out;
	}

	/* gfp_allowed_mask only masks bits during boot and suspend: all allowed */
	alloc_mask = gfp_mask;
	if (!prepare_alloc_pages(m, gfp_mask, order, preferred_nid, nodemask, &ac, &alloc_mask,
				 &alloc_flags))
		goto out;
	f->gfp = alloc_mask;
	f->alloc_flags = alloc_flags;

	finalise_ac(m, gfp_mask, order, &ac);

	/* the fast path: one attempt at the LOW watermark */
	page = get_page_from_freelist_frame(m, alloc_mask, order, alloc_flags, &ac, f);
	if (page != ZF_NO_PAGE)
		goto out;

	/*
	 * The task's memalloc_nofs/noio scope strips __GFP_FS / __GFP_IO; 4.12
	 * applies it only now, after the fast path (spec §4.1).
	 */
	alloc_mask = current_gfp_context(m, gfp_mask);
	ac.spread_dirty_pages = false;

	/* undo the fast path's cpuset substitution: the slow path sees the caller's mask */
	if (ac.nodemask != nodemask)
		ac.nodemask = nodemask;

	f->gfp = alloc_mask;
	if (f->res)
		f->res->slowpath = true;
	page = __alloc_pages_slowpath(m, alloc_mask, order, &ac);

out:
	/* memcg kmem charging (__GFP_ACCOUNT) is not modelled */
	if (f->res) {
		struct zf_alloc_result *res = f->res;

		res->pfn = page;
		if (page != ZF_NO_PAGE) {
			res->status = ZF_ALLOC_OK;
			res->zone_id = pfn_to_page(m, page)->zid;
		} else {
			if (res->status != ZF_ALLOC_ABORTED)
				res->status = ZF_ALLOC_FAIL;
			res->zone_id = -1;
		}
	}
	zf_trace_fn(m, "__alloc_pages_nodemask", ZF_EV_ALLOC_END,
		    page != ZF_NO_PAGE ? pfn_to_page(m, page)->zid : -1, page, order,
		    f->res ? (int64_t)f->res->status : (int64_t)(page == ZF_NO_PAGE), 0, 0);
	f->ac = NULL;
	if (own_frame)
		zf_pop_frame(m);
	return page;
}

/*
 * The body above takes cur_frame(m) from its caller: zf_alloc_pages() hands
 * over the frame it has just pushed (inlined: no call, no reload of the
 * frame it wrote), every other caller comes through here.
 */
uint64_t __alloc_pages_nodemask(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				int preferred_nid, uint32_t nodemask)
{
	return __alloc_pages_nodemask_frame(m, gfp_mask, order, preferred_nid, nodemask,
					    cur_frame(m));
}

/* ------------------------------------------------------------------ */
/* Freeing                                                             */
/* ------------------------------------------------------------------ */

#define ZF_PG_ALLOC_STATE                                                                          \
	(ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_LRU | ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY |           \
	 ZF_PG_WRITEBACK | ZF_PG_ISOLATED)

/*
 * __free_pages() (spec §4.7, model contract): every page leaves the model
 * through here. It must be the allocated head of a block of this order that
 * is off the LRU; anything else is what the kernel's bad_page() reports, and
 * the block is left alone (the kernel leaks it too). The allocated state is
 * cleared, NR_ALLOCATED moves, then order 0 goes to the pcp lists and higher
 * orders to the buddy (both count PGFREE, as in the kernel).
 *
 * check_free is free_pages_prepare()'s argument of that name (4.12): the
 * kernel skips the bad-page checks on the pcp free path when CONFIG_DEBUG_VM
 * is off. Here it is false only for zf_free_pages(), which has already
 * refused everything these checks refuse (a superset: see there), so the
 * checks never ran twice to the same answer.
 */
static __always_inline void free_pages_prepare_and_free(struct zf_machine *m, uint64_t pfn,
							unsigned int order, bool check_free)
{
	struct page *page;
	struct zone *z;
	uint64_t nr;

	if (check_free) {
		if (pfn >= m->nr_pages || order >= m->max_order)
			return;
		page = pfn_to_page(m, pfn);
		if (!(page->flags & ZF_PG_HEAD) ||
		    (page->flags & (ZF_PG_BUDDY | ZF_PG_PCP | ZF_PG_LRU | ZF_PG_TAIL)) ||
		    page->order != order || page->zid == 0xff ||
		    pfn + (1ULL << order) > m->nr_pages)
			return; /* bad_page() */
	}

	z = page_zone(m, pfn);
	nr = 1ULL << order;
	for (uint64_t i = 0; i < nr; i++) {
		struct page *p = pfn_to_page(m, pfn + i);

		p->flags &= (uint16_t)~ZF_PG_ALLOC_STATE;
		p->owner = -1;
	}
	__mod_zone_page_state(z, NR_ALLOCATED, -(long)nr);
	/* PGFREE is counted where 4.12 counts it: free_hot_cold_page / __free_pages_ok */
	zf_trace_fn(m, "__free_pages", ZF_EV_PAGE_FREE, z->id, pfn, order, 0, 0, 0);

	if (order == 0)
		free_hot_cold_page(m, pfn, false);
	else
		__free_pages_ok(m, pfn, order);
}

void __free_pages(struct zf_machine *m, uint64_t pfn, unsigned int order)
{
	free_pages_prepare_and_free(m, pfn, order, true);
}

/* ------------------------------------------------------------------ */
/* Public API                                                          */
/* ------------------------------------------------------------------ */

/*
 * zf_alloc_pages(): alloc_pages_current() for req->task. The task's MPOL_BIND
 * mempolicy gives the nodemask when the request has none (policy_nodemask(),
 * cpuset.c). Returns 0 when a page was allocated and -1 otherwise; *res (if
 * given) always describes the outcome. A request that is refused before it
 * reaches the allocator (no such live task, order >= 64, bad node, nested
 * deeper than ZF_MAX_ALLOC_DEPTH) traces nothing and reports ZF_ALLOC_FAIL.
 */
int zf_alloc_pages(struct zf_machine *m, const struct zf_alloc_request *req,
		   struct zf_alloc_result *res)
{
	struct zf_alloc_result local;
	const struct task_struct *t;
	struct zf_alloc_frame *f;
	struct zf_cpu_ctx *c, *bound_ctx, *saved_ctx;
	uint32_t nodemask;
	int saved_current, nid;
	unsigned int saved_cpu, cpu;
	uint64_t page;

	if (!res)
		res = &local;
	zf_result_init(res);
	if (!m || !req)
		return -1;
	t = task_of(m, req->task);
	if (!t || !ZF_READ_ONCE(t->alive) || req->order >= 64)
		return -1;
	/* zf_thread_bound(): a bound thread's context, NULL otherwise (one branch unthreaded) */
	bound_ctx = __builtin_expect(m->threaded, 0) ? zf_thread_ctx(m) : NULL;
	if ((bound_ctx ? bound_ctx->alloc_depth : m->alloc_nesting) >= ZF_MAX_ALLOC_DEPTH)
		return -1;
	cpu = t->cpu;
	nid = req->preferred_nid;
	if (nid < 0)
		nid = m->cpu_to_node[cpu];
	if ((unsigned int)nid >= m->nr_nodes)
		return -1;

	/*
	 * The task runs on its CPU: a thread that is not bound moves to that
	 * CPU's context for the allocation (a bound thread is on its CPU
	 * already). The frame goes on that context (zf_push_frame() open-coded:
	 * this is the model's hottest path).
	 */
	saved_cpu = m->ctx_cpu;
	saved_ctx = m->ctx;
	if (bound_ctx) {
		c = bound_ctx;
	} else {
		zf_set_ctx_cpu(m, cpu);
		c = m->ctx;
		m->alloc_nesting++;
	}
	saved_current = c->current;
	c->current = req->task;
	f = &c->frames[c->alloc_depth++]; /* room: the nesting was checked above */
	/*
	 * Only what identifies the frame: __alloc_pages_nodemask() claims it
	 * (ac == NULL) and sets every other field (gfp, order, alloc_flags, the
	 * retry counters) before anything can read them (no event, hook or
	 * callback runs before); policy_nodemask() below reads no frame.
	 * Writing them twice was a visible share of an order-0 pair
	 * (docs/benchmarks-model.md).
	 */
	f->ac = NULL;
	f->task = req->task;
	f->res = res;

	nodemask = req->nodemask;
	if (!nodemask)
		nodemask = policy_nodemask(m, req->gfp);
	/* __alloc_pages_nodemask(), handed the frame it would find as cur_frame(m) */
	page = __alloc_pages_nodemask_frame(m, req->gfp, req->order, nid, nodemask, f);

	c->alloc_depth--;
	c->current = saved_current;
	if (!bound_ctx) {
		m->alloc_nesting--;
		m->ctx_cpu = saved_cpu; /* zf_set_ctx_cpu(m, saved_cpu), both fields restored */
		m->ctx = saved_ctx;
	}
	return page != ZF_NO_PAGE ? 0 : -1;
}

/*
 * zf_free_pages(): __free_pages(page, order) on behalf of task (or of no task,
 * ZF_NO_TASK). Only the allocated, non-LRU head of a block of exactly this
 * order is accepted (a page handed out by zf_alloc_pages); anything else is
 * refused with -1 and nothing changes.
 */
int zf_free_pages(struct zf_machine *m, int task, uint64_t pfn, unsigned int order)
{
	const struct page *page;
	int saved_current;

	if (!m || pfn >= m->nr_pages || order >= m->max_order)
		return -1;
	if (task != ZF_NO_TASK && !task_of(m, task))
		return -1;
	page = pfn_to_page(m, pfn);
	if (page->zid == 0xff || page->order != order)
		return -1;
	if ((page->flags & (ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_LRU | ZF_PG_BUDDY | ZF_PG_PCP |
			    ZF_PG_ISOLATED | ZF_PG_RESERVED | ZF_PG_HWPOISON | ZF_PG_OFFLINE)) !=
	    ZF_PG_HEAD)
		return -1;
	if (pfn & ((1ULL << order) - 1) || pfn + (1ULL << order) > m->nr_pages)
		return -1;

	/*
	 * __free_pages() without its bad-page checks: the ones above refuse
	 * every block they would (and more: ISOLATED, RESERVED, HWPOISON,
	 * OFFLINE, a misaligned pfn).
	 */
	saved_current = zf_set_current(m, task);
	free_pages_prepare_and_free(m, pfn, order, false);
	zf_set_current(m, saved_current);
	return 0;
}
