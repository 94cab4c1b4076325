// SPDX-License-Identifier: MIT
/*
 * allocator/buddy.c - the buddy core of Linux 4.12: free lists, merging on
 * free (__free_one_page), splitting on allocation (expand), the per-migratetype
 * removal (__rmqueue*), the anti-fragmentation fallback with pageblock stealing
 * and move_freepages*. Spec §2, §4.4, §4.5, §4.7, §4.8.
 *
 * Model conventions (docs/model-contract.md):
 *  - a free block head carries ZF_PG_BUDDY, page->order = block order and
 *    page->mt = the migratetype of the free list it sits on, so a block can be
 *    unlinked without knowing its type (the kernel's list_del needs none);
 *  - add/del on a free area never touch NR_FREE_PAGES: as in the kernel, the
 *    callers (__free_one_page, rmqueue, rmqueue_bulk, isolation) account.
 *  - no function here takes zone->lock except free_one_page(): the others run
 *    under the caller's lock exactly where the kernel runs them.
 */
#include "internal.h"

/* __mod_zone_freepage_state (vmstat.h): NR_FREE_PAGES, plus NR_FREE_CMA_PAGES for CMA. */
static void __mod_zone_freepage_state(struct zone *z, long nr_pages, int migratetype)
{
	__mod_zone_page_state(z, NR_FREE_PAGES, nr_pages);
	if (is_migrate_cma(migratetype))
		__mod_zone_page_state(z, NR_FREE_CMA_PAGES, nr_pages);
}

/* pfn_valid_within(): the model's holes are pfns outside any zone (zid 0xff). */
static bool pfn_valid_within(const struct zf_machine *m, uint64_t pfn)
{
	return pfn < m->nr_pages && m->pages[pfn].zid != 0xff;
}

/*
 * page_is_buddy: the buddy is the head of a free block of exactly this order
 * in the same zone (spec §4.8). The kernel compares page_zone_id(); the model's
 * zid is node*MAX_NR_ZONES+idx, the same thing.
 */
bool page_is_buddy(struct zf_machine *m, uint64_t pfn, uint64_t buddy_pfn, unsigned int order)
{
	struct page buddy;

	if (buddy_pfn >= m->nr_pages || pfn >= m->nr_pages)
		return false;
	/*
	 * The buddy may be an allocated page its owner is changing on another
	 * CPU: only PG_buddy (set and cleared under the zone->lock we hold)
	 * decides, so a racy read is enough (docs/concurrency.md).
	 */
	buddy = page_racy(&m->pages[buddy_pfn]);
	if (!PageBuddy(&buddy) || buddy.order != order)
		return false;
	return buddy.zid == m->pages[pfn].zid;
}

static struct zf_list *free_list_of(struct zone *z, unsigned int order, int mt)
{
	return &z->free_area[order].free_list[mt];
}

/* set_page_order + list_add + nr_free++ (the kernel open-codes this in several places). */
void add_to_free_area(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order,
		      int mt)
{
	struct page *page = &m->pages[pfn];

	page->flags = (uint16_t)((page->flags & ~ZF_PG_PCP) | ZF_PG_BUDDY);
	page->order = (uint8_t)order;
	page->mt = (uint8_t)mt;
	zf_list_add(m, free_list_of(z, order, mt), (uint32_t)pfn);
	/* nr_free is read without the lock (watermark test, compaction): WRITE_ONCE */
	ZF_WRITE_ONCE(z->free_area[order].nr_free, z->free_area[order].nr_free + 1);
}

/* As add_to_free_area, at the tail (list_add_tail in __free_one_page, spec §4.8). */
void add_to_free_area_tail(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order,
			   int mt)
{
	struct page *page = &m->pages[pfn];

	page->flags = (uint16_t)((page->flags & ~ZF_PG_PCP) | ZF_PG_BUDDY);
	page->order = (uint8_t)order;
	page->mt = (uint8_t)mt;
	zf_list_add_tail(m, free_list_of(z, order, mt), (uint32_t)pfn);
	ZF_WRITE_ONCE(z->free_area[order].nr_free, z->free_area[order].nr_free + 1);
}

/* list_del + nr_free-- + rmv_page_order: from whatever list the block is on. */
void del_from_free_area(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order)
{
	struct page *page = &m->pages[pfn];

	zf_list_del(m, free_list_of(z, order, page->mt), (uint32_t)pfn);
	ZF_WRITE_ONCE(z->free_area[order].nr_free, z->free_area[order].nr_free - 1);
	page->flags = (uint16_t)(page->flags & ~ZF_PG_BUDDY);
	page->order = 0;
}

/* list_move of a free block head to the head of free_list[order][mt]; nr_free unchanged. */
static void move_to_free_area(struct zf_machine *m, struct zone *z, uint64_t pfn,
			      unsigned int order, int mt)
{
	struct page *page = &m->pages[pfn];

	zf_list_del(m, free_list_of(z, order, page->mt), (uint32_t)pfn);
	page->mt = (uint8_t)mt;
	zf_list_add(m, free_list_of(z, order, mt), (uint32_t)pfn);
}

/*
 * __free_one_page (spec §4.8, 4.12 page_alloc.c:799-900).
 *
 * Merging first stops at pageblock_order (max_order = min(MAX_ORDER,
 * pageblock_order + 1)); above it, a merge is refused across an ISOLATE /
 * non-ISOLATE pageblock boundary, but only when the zone has isolated blocks
 * (d9dddbf55667, 4.6). The merged block goes to the list of the *freeing*
 * migratetype, at the tail when the next-order buddy is free (it is likely to
 * merge soon, so it should not be handed out first).
 */
void __free_one_page(struct zf_machine *m, uint64_t pfn, struct zone *z, unsigned int order,
		     int migratetype)
{
	const unsigned int start_order = order;
	unsigned int max_order = m->max_order;
	uint64_t buddy_pfn = __find_buddy_pfn(pfn, order);
	uint64_t combined_pfn;

	if (m->pageblock_order + 1 < max_order)
		max_order = m->pageblock_order + 1;

	/* ISOLATE frees are not free memory (spec §2). */
	if (!is_migrate_isolate(migratetype))
		__mod_zone_freepage_state(z, 1L << order, migratetype);

continue_merging:
	while (order < max_order - 1) {
		buddy_pfn = __find_buddy_pfn(pfn, order);
		if (!pfn_valid_within(m, buddy_pfn))
			goto done_merging;
		if (!page_is_buddy(m, pfn, buddy_pfn, order))
			goto done_merging;
		/* the buddy may sit on any type's list: merging ignores types below */
		del_from_free_area(m, z, buddy_pfn, order);
		combined_pfn = buddy_pfn & pfn;
		pfn = combined_pfn;
		order++;
	}
	if (max_order < m->max_order) {
		/*
		 * We stopped at pageblock_order. Going on would merge two
		 * pageblocks; refuse it when exactly one side is ISOLATE, or the
		 * isolated block's pages would be counted (or handed out) as normal
		 * free memory. Planted bug B11 reverts d9dddbf55667 and skips the
		 * check (spec planted-bugs B11).
		 */
		if (has_isolate_pageblock(z) && !zf_bug(m, ZF_BUG_B11)) {
			int buddy_mt;

			buddy_pfn = __find_buddy_pfn(pfn, order);
			/*
			 * The kernel reads the buddy's block type unconditionally; the
			 * model reads it only where a merge could happen at all (a
			 * valid pfn of the same zone), which yields the same result
			 * and never indexes outside the pageblock array.
			 */
			if (pfn_valid_within(m, buddy_pfn) &&
			    m->pages[buddy_pfn].zid == m->pages[pfn].zid) {
				buddy_mt = get_pageblock_migratetype(m, buddy_pfn);
				if (migratetype != buddy_mt && (is_migrate_isolate(migratetype) ||
								is_migrate_isolate(buddy_mt)))
					goto done_merging;
			}
		}
		max_order++;
		goto continue_merging;
	}

done_merging:
	/*
	 * Tail placement (4.12): if the buddy of the merged block's *next*
	 * order is free, this block will probably merge soon; put it at the
	 * tail so it is not split first. buddy_pfn is the last buddy looked at,
	 * which is always the buddy at the final order when order < MAX_ORDER-2.
	 * The kernel's pfn_valid_within() is always true on x86-64, so a buddy
	 * in a hole does not prevent the check (page_is_buddy() compares zones);
	 * the pfn space is padded to a MAX_ORDER block, so the index is in range.
	 */
	if (order + 2 < m->max_order && buddy_pfn < m->nr_pages) {
		uint64_t higher_pfn = buddy_pfn & pfn;
		uint64_t higher_buddy = __find_buddy_pfn(higher_pfn, order + 1);

		if (page_is_buddy(m, higher_pfn, higher_buddy, order + 1)) {
			add_to_free_area_tail(m, z, pfn, order, migratetype);
			goto out;
		}
	}
	add_to_free_area(m, z, pfn, order, migratetype);
out:
	if (order > start_order)
		zf_trace(m, ZF_EV_MERGE, z->id, pfn, start_order, order, migratetype, 0);
}

/*
 * free_one_page (spec §4.7): under zone->lock. The pageblock type is re-read
 * when the zone has isolated blocks or the caller passed ISOLATE, because the
 * block may have been isolated (or un-isolated) since the caller looked.
 */
void free_one_page(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order,
		   int migratetype)
{
	zf_spin_lock(m, &z->lock);
	if (has_isolate_pageblock(z) || is_migrate_isolate(migratetype))
		migratetype = get_pageblock_migratetype(m, pfn);
	__free_one_page(m, pfn, z, order, migratetype);
	zf_spin_unlock(m, &z->lock);
}

/*
 * __free_pages_ok (spec §4.7): order > 0 frees. The page arrives cleared of
 * its allocated state by __free_pages(). PGFREE is counted here, as the
 * kernel does (free_hot_cold_page counts it for order 0).
 */
void __free_pages_ok(struct zf_machine *m, uint64_t pfn, unsigned int order)
{
	struct zone *z = page_zone(m, pfn);
	int migratetype = get_pageblock_migratetype(m, pfn);

	count_vm_events(m, ZF_VM_pgfree, 1ULL << order);
	free_one_page(m, z, pfn, order, migratetype);
}

/*
 * expand (spec §4.4): split a block of order 'high' down to 'low', keeping
 * the lowest-addressed chunk and putting each upper half at the HEAD of the
 * request's migratetype list (which may differ from the pageblock's type
 * after a fallback). Debug guard pages are not modelled (off by default).
 */
void expand(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int low, unsigned int high,
	    int migratetype)
{
	uint64_t size = 1ULL << high;

	while (high > low) {
		high--;
		size >>= 1;
		add_to_free_area(m, z, pfn + size, high, migratetype);
	}
}

/* __rmqueue_smallest (spec §4.4): the smallest block on mt's lists, split to order. */
uint64_t __rmqueue_smallest(struct zf_machine *m, struct zone *z, unsigned int order,
			    int migratetype)
{
	unsigned int current_order;

	for (current_order = order; current_order < m->max_order; current_order++) {
		uint32_t head = z->free_area[current_order].free_list[migratetype].head;

		if (head == ZF_NIL)
			continue;
		del_from_free_area(m, z, head, current_order);
		expand(m, z, head, order, current_order, migratetype);
		/* set_pcppage_migratetype: the type the page was taken as */
		m->pages[head].mt = (uint8_t)migratetype;
		return head;
	}
	return ZF_NO_PAGE;
}

/*
 * The 4.12 fallback table (spec §4.5), tried left to right. CMA, ISOLATE and
 * HIGHATOMIC have no fallbacks: they are never requested by __rmqueue.
 */
static const int fallbacks[MIGRATE_PCPTYPES][2] = {
    [MIGRATE_UNMOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_MOVABLE},
    [MIGRATE_MOVABLE] = {MIGRATE_RECLAIMABLE, MIGRATE_UNMOVABLE},
    [MIGRATE_RECLAIMABLE] = {MIGRATE_UNMOVABLE, MIGRATE_MOVABLE},
};

/*
 * can_steal_fallback (spec §4.5): large requests, and unmovable/reclaimable
 * ones (which pollute a block anyway), may take the whole pageblock.
 */
bool can_steal_fallback(const struct zf_machine *m, unsigned int order, int start_mt)
{
	if (order >= m->pageblock_order)
		return true;
	if (order >= m->pageblock_order / 2 || start_mt == MIGRATE_RECLAIMABLE ||
	    start_mt == MIGRATE_UNMOVABLE || m->page_group_by_mobility_disabled)
		return true;
	return false;
}

/* find_suitable_fallback (spec §4.5); also used by compaction's finish test. */
int find_suitable_fallback(struct zf_machine *m, struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable, bool *can_steal)
{
	int i;

	/* also called without zone->lock (compaction's finish test): READ_ONCE */
	if (ZF_READ_ONCE(area->nr_free) == 0)
		return -1;
	*can_steal = false;
	if (migratetype < 0 || migratetype >= MIGRATE_PCPTYPES)
		return -1;
	for (i = 0; i < 2; i++) {
		int fallback_mt = fallbacks[migratetype][i];

		if (zf_list_empty(&area->free_list[fallback_mt]))
			continue;
		if (can_steal_fallback(m, order, migratetype))
			*can_steal = true;
		if (!only_stealable)
			return fallback_mt;
		if (*can_steal)
			return fallback_mt;
	}
	return -1;
}

/* change_pageblock_range: retype every pageblock a >= pageblock_order buddy covers. */
static void change_pageblock_range(struct zf_machine *m, uint64_t pfn, unsigned int order,
				   int migratetype)
{
	uint64_t nr_pageblocks = 1ULL << (order - m->pageblock_order);

	while (nr_pageblocks--) {
		set_pageblock_migratetype(m, pfn, migratetype);
		pfn += m->pageblock_nr_pages;
	}
}

/*
 * steal_suitable_fallback (spec §4.5, 4.12): move the free pages of the
 * fallback block to start_type and claim the block if enough of it is free
 * or "alike"; otherwise move just this buddy. HIGHATOMIC blocks are never
 * converted here (88ed365ea227, 4.10); planted bug B8 reverts that so their
 * nr_reserved_highatomic accounting breaks.
 */
void steal_suitable_fallback(struct zf_machine *m, struct zone *z, uint64_t pfn, int start_type,
			     bool whole_block)
{
	unsigned int current_order = m->pages[pfn].order;
	int free_pages, movable_pages, alike_pages;
	int old_block_type = get_pageblock_migratetype(m, pfn);

	if (old_block_type == MIGRATE_HIGHATOMIC && !zf_bug(m, ZF_BUG_B8))
		goto single_page;

	/* a buddy that covers whole pageblocks takes them all */
	if (current_order >= m->pageblock_order) {
		change_pageblock_range(m, pfn, current_order, start_type);
		goto single_page;
	}

	if (!whole_block)
		goto single_page;

	free_pages = move_freepages_block(m, z, pfn, start_type, &movable_pages);
	/*
	 * Pages "alike" the request: for a movable request, the movable pages in
	 * use; for unmovable/reclaimable stealing from a MOVABLE block, all the
	 * non-movable used pages; otherwise none (types cannot be told apart).
	 */
	if (start_type == MIGRATE_MOVABLE)
		alike_pages = movable_pages;
	else if (old_block_type == MIGRATE_MOVABLE)
		alike_pages = (int)m->pageblock_nr_pages - (free_pages + movable_pages);
	else
		alike_pages = 0;

	/* moving the whole block fails when it straddles the zone end */
	if (!free_pages)
		goto single_page;

	if (free_pages + alike_pages >= (int)(m->pageblock_nr_pages / 2) ||
	    m->page_group_by_mobility_disabled)
		set_pageblock_migratetype(m, pfn, start_type);
	/* the page itself was moved to start_type's list above */
	return;

single_page:
	move_to_free_area(m, z, pfn, current_order, start_type);
}

/*
 * __rmqueue_fallback (spec §4.5). 4.12 always steals from the largest
 * available order. From 4.13 (profile->fallback_smallest), a MOVABLE request
 * that cannot steal the whole block takes the smallest suitable block instead,
 * so a failed steal fragments as little as possible.
 * Returns true when pages were moved to start_mt's lists: __rmqueue retries.
 */
bool __rmqueue_fallback(struct zf_machine *m, struct zone *z, unsigned int order, int start_mt)
{
	int current_order;
	int fallback_mt = -1;
	bool can_steal = false;
	struct free_area *area = NULL;
	uint32_t pfn;

	for (current_order = (int)m->max_order - 1; current_order >= (int)order; --current_order) {
		area = &z->free_area[current_order];
		fallback_mt = find_suitable_fallback(m, area, (unsigned int)current_order, start_mt,
						     false, &can_steal);
		if (fallback_mt == -1)
			continue;
		/* 4.13: "fallback to smallest page when not stealing whole pageblock" */
		if (m->profile->fallback_smallest && !can_steal && start_mt == MIGRATE_MOVABLE &&
		    current_order > (int)order)
			goto find_smallest;
		goto do_steal;
	}
	return false;

find_smallest:
	for (current_order = (int)order; current_order < (int)m->max_order; current_order++) {
		area = &z->free_area[current_order];
		fallback_mt = find_suitable_fallback(m, area, (unsigned int)current_order, start_mt,
						     false, &can_steal);
		if (fallback_mt != -1)
			break;
	}
	/* the largest-first scan found one, so this cannot run off the end */
	if (fallback_mt == -1)
		return false;

do_steal:
	pfn = area->free_list[fallback_mt].head;
	steal_suitable_fallback(m, z, pfn, start_mt, can_steal);
	/* trace_mm_page_alloc_extfrag: change_ownership read after the steal */
	zf_trace_zl(m, ZF_EV_EXTFRAG, (unsigned int)start_mt, z->id, pfn, order, fallback_mt,
		    get_pageblock_migratetype(m, pfn) == start_mt, current_order);
	count_vm_event(m, ZF_VM_extfrag_events);
	return true;
}

/*
 * __rmqueue (spec §4.4): the request's own lists, then CMA for MOVABLE, then
 * a fallback steal followed by a retry (the steal moved pages onto mt's lists).
 */
uint64_t __rmqueue(struct zf_machine *m, struct zone *z, unsigned int order, int migratetype)
{
	uint64_t pfn;

retry:
	pfn = __rmqueue_smallest(m, z, order, migratetype);
	if (pfn == ZF_NO_PAGE) {
		if (migratetype == MIGRATE_MOVABLE)
			pfn = __rmqueue_smallest(m, z, order, MIGRATE_CMA);
		if (pfn == ZF_NO_PAGE && __rmqueue_fallback(m, z, order, migratetype))
			goto retry;
	}
	/* trace_mm_page_alloc_zone_locked fires with a NULL page too (pfn -1) */
	zf_trace(m, ZF_EV_PAGE_ALLOC_ZONE_LOCKED, z->id, pfn, order, migratetype, 0, 0);
	return pfn;
}

/*
 * move_freepages (spec §4.5): move every free buddy that starts in
 * [start_pfn, end_pfn] (end INCLUSIVE, as 4.12's end_page) to mt's lists,
 * whole, even if it extends past end_pfn. Neither the pageblock type nor
 * NR_FREE_PAGES changes: callers account. In-use pages on the LRU are counted
 * as movable (pages isolated by compaction have PageLRU cleared in the
 * kernel, so they are not).
 */
int move_freepages(struct zf_machine *m, struct zone *z, uint64_t start_pfn, uint64_t end_pfn,
		   int migratetype, int *num_movable)
{
	uint64_t pfn = start_pfn;
	int pages_moved = 0;

	if (num_movable)
		*num_movable = 0;

	while (pfn <= end_pfn) {
		struct page page;

		if (!pfn_valid_within(m, pfn)) {
			pfn++;
			continue;
		}
		/* pages in use may be changing on other CPUs; PG_buddy ones cannot */
		page = page_racy(&m->pages[pfn]);
		if (!PageBuddy(&page)) {
			if (num_movable && (page.flags & ZF_PG_LRU) &&
			    !(page.flags & ZF_PG_ISOLATED))
				(*num_movable)++;
			pfn++;
			continue;
		}
		{
			unsigned int order = page.order;

			move_to_free_area(m, z, pfn, order, migratetype);
			pfn += 1ULL << order;
			pages_moved += 1 << order;
		}
	}
	return pages_moved;
}

/*
 * move_freepages_block (spec §4.5): the pageblock holding pfn. If the block
 * starts before the zone, start at pfn itself; if it ends after the zone,
 * move nothing (return 0).
 */
int move_freepages_block(struct zf_machine *m, struct zone *z, uint64_t pfn, int migratetype,
			 int *num_movable)
{
	uint64_t start_pfn = pageblock_start_pfn(m, pfn);
	uint64_t end_pfn = start_pfn + m->pageblock_nr_pages - 1;

	if (!zone_spans_pfn(z, start_pfn))
		start_pfn = pfn;
	if (!zone_spans_pfn(z, end_pfn)) {
		if (num_movable)
			*num_movable = 0;
		return 0;
	}
	return move_freepages(m, z, start_pfn, end_pfn, migratetype, num_movable);
}

/*
 * __isolate_free_page (spec §6.3 free scanner, §2 accounting), called with
 * zone->lock held. Obeys the zone's min watermark + 2^order at order 0 with
 * ALLOC_CMA (a high-order check emulated by a raised order-0 mark, since the
 * block is known to exist) unless the block is ISOLATE; removes the block
 * (NR_FREE_PAGES -= 2^order unless ISOLATE, by the pageblock's type) and, for
 * blocks of at least half a pageblock, retypes the covered blocks MOVABLE
 * unless they are ISOLATE, CMA or HIGHATOMIC. The HIGHATOMIC exception came
 * with 88ed365ea227 (4.10), which planted bug B8 reverts.
 * Returns 2^order, or 0 when the watermark check fails.
 */
int __isolate_free_page(struct zf_machine *m, uint64_t pfn, unsigned int order)
{
	struct zone *z = page_zone(m, pfn);
	int mt = get_pageblock_migratetype(m, pfn);

	if (!is_migrate_isolate(mt)) {
		uint64_t watermark = min_wmark_pages(z) + (1ULL << order);

		if (!zone_watermark_ok(z, 0, watermark, 0, ALLOC_CMA, m->max_order))
			return 0;
		__mod_zone_freepage_state(z, -(1L << order), mt);
	}

	del_from_free_area(m, z, pfn, order);

	if (order + 1 >= m->pageblock_order) {
		uint64_t end = pfn + (1ULL << order) - 1;
		uint64_t p;

		for (p = pfn; p < end; p += m->pageblock_nr_pages) {
			int bmt = get_pageblock_migratetype(m, p);

			if (!is_migrate_isolate(bmt) && !is_migrate_cma(bmt) &&
			    (bmt != MIGRATE_HIGHATOMIC || zf_bug(m, ZF_BUG_B8)))
				set_pageblock_migratetype(m, p, MIGRATE_MOVABLE);
		}
	}
	return 1 << order;
}
