// SPDX-License-Identifier: MIT
/*
 * allocator/page_isolation.c - pageblock isolation of Linux 4.12
 * (mm/page_isolation.c, has_unmovable_pages from mm/page_alloc.c): the
 * MIGRATE_ISOLATE machinery used by memory hot-remove and by
 * alloc_contig_range (CMA, gigantic pages). Spec §2 (accounting), §4.8
 * (the merge restriction it relies on), planted bugs B11 and B12.
 *
 * Free pages of an isolated block sit on the ISOLATE lists and are not
 * counted in NR_FREE_PAGES; pages freed into an isolated block go straight to
 * the buddy (free_hot_cold_page, free_pcppages_bulk, free_one_page re-read the
 * block type while nr_isolate_pageblock != 0).
 */
#include "internal.h"

static void __mod_zone_freepage_state(struct zone *z, long nr_pages, int migratetype)
{
	__mod_zone_page_state(z, NR_FREE_PAGES, nr_pages);
	if (is_migrate_cma(migratetype))
		__mod_zone_page_state(z, NR_FREE_CMA_PAGES, nr_pages);
}

static bool pfn_valid_within(const struct zf_machine *m, uint64_t pfn)
{
	return pfn < m->nr_pages && m->pages[pfn].zid != 0xff;
}

/* __first_valid_page: the first pfn of [pfn, pfn + nr_pages) with a memmap entry. */
static uint64_t __first_valid_page(const struct zf_machine *m, uint64_t pfn, uint64_t nr_pages)
{
	uint64_t i;

	for (i = 0; i < nr_pages; i++)
		if (pfn_valid_within(m, pfn + i))
			return pfn + i;
	return ZF_NO_PAGE;
}

/*
 * has_unmovable_pages (4.12): ZONE_MOVABLE and MOVABLE/CMA blocks are assumed
 * movable without looking (the shortcut removed in 4.15, Michal Hocko); in
 * other blocks, an in-use page (refcount > 0) that is not on the LRU is
 * unmovable. Free buddies are skipped whole; pcp pages, tails and offlined
 * pages have refcount 0 in the kernel. Pages isolated by compaction have
 * PageLRU cleared, so they count as unmovable, as in the kernel.
 */
static bool has_unmovable_pages(struct zf_machine *m, struct zone *z, uint64_t pfn, uint64_t count,
				bool skip_hwpoisoned_pages)
{
	uint64_t iter, found = 0;
	int mt;

	if (zone_idx(z) == ZONE_MOVABLE)
		return false;
	mt = get_pageblock_migratetype(m, pfn);
	if (mt == MIGRATE_MOVABLE || is_migrate_cma(mt))
		return false;

	for (iter = 0; iter < m->pageblock_nr_pages; iter++) {
		uint64_t check = pfn + iter;
		const struct page *page;

		if (!pfn_valid_within(m, check))
			continue;
		page = &m->pages[check];
		if (PageBuddy(page)) {
			iter += (1ULL << page->order) - 1;
			continue;
		}
		if (!(page->flags &
		      (ZF_PG_HEAD | ZF_PG_ISOLATED | ZF_PG_HWPOISON | ZF_PG_RESERVED)))
			continue; /* refcount 0: pcp, tail or offlined page */
		if (skip_hwpoisoned_pages && (page->flags & ZF_PG_HWPOISON))
			continue;
		if (!(page->flags & ZF_PG_LRU) || (page->flags & ZF_PG_ISOLATED))
			found++;
		if (found > count)
			return true;
	}
	return false;
}

/*
 * set_migratetype_isolate (4.12): pfn is the first valid page of a pageblock.
 * Fails (-1, the kernel's -EBUSY) if the block holds unmovable pages.
 * Otherwise the block becomes ISOLATE, its free pages move to the ISOLATE
 * lists and leave NR_FREE_PAGES (by the block's old type), and every CPU's
 * pcp pages of the zone are drained so that those of this block reach the
 * ISOLATE lists too. Like 4.12 it does not check whether the block is already
 * isolated (2c7452a075d4, 4.18, added that): a second isolation counts the
 * block twice. zf_isolate_range() refuses such ranges.
 */
int set_migratetype_isolate(struct zf_machine *m, uint64_t pfn, bool skip_hwpoisoned)
{
	struct zone *z = page_zone(m, pfn);
	int ret = -1, busy = 2; /* why not: 1 unmovable pages, 2 already isolated */
	int old_mt = get_pageblock_migratetype(m, pfn);

	zf_spin_lock(m, &z->lock);
	/*
	 * 4.20 (profile->isolate_busy_if_isolated): a block someone else has
	 * already isolated is busy. 4.12 has no such check: a second isolator
	 * (memory offline racing alloc_contig_range) moves the block's free
	 * pages "out" of NR_FREE_PAGES a second time (tests/known/).
	 */
	if (m->profile->isolate_busy_if_isolated &&
	    is_migrate_isolate(get_pageblock_migratetype(m, pfn)))
		goto out;
	/* the memory_isolate_notify chain (powerpc CMM) reports no pages: count 0 */
	busy = 1;
	if (!has_unmovable_pages(m, z, pfn, 0, skip_hwpoisoned))
		ret = 0;
	if (!ret) {
		int migratetype = get_pageblock_migratetype(m, pfn);
		int nr_pages;

		set_pageblock_migratetype(m, pfn, MIGRATE_ISOLATE);
		z->nr_isolate_pageblock++;
		nr_pages = move_freepages_block(m, z, pfn, MIGRATE_ISOLATE, NULL);
		__mod_zone_freepage_state(z, -(long)nr_pages, migratetype);
	}
out:
	zf_spin_unlock(m, &z->lock);
	/* no kernel tracepoint: the model's, for the oracles to judge the verdict */
	zf_trace_zl(m, ZF_EV_ISOLATE_BLOCK, skip_hwpoisoned, z->id, pfn, 0, old_mt, ret,
		    ret ? busy : 0);
	if (!ret)
		drain_all_pages(m, z);
	return ret;
}

/*
 * unset_migratetype_isolate (4.12): give the block back to migratetype.
 * A free buddy of order >= pageblock_order heading the block could not merge
 * with its non-isolated buddy while isolated (spec §4.8); it is taken out
 * with __isolate_free_page (no watermark check, no accounting: the block is
 * still ISOLATE) and freed again after the type change so that it merges.
 * Everything else is moved back with move_freepages_block and counted again.
 */
void unset_migratetype_isolate(struct zf_machine *m, uint64_t pfn, int migratetype)
{
	struct zone *z = page_zone(m, pfn);
	const struct page *page = &m->pages[pfn];
	bool isolated_page = false;
	unsigned int order = 0;

	zf_spin_lock(m, &z->lock);
	if (!is_migrate_isolate(get_pageblock_migratetype(m, pfn)))
		goto out;

	if (PageBuddy(page)) {
		order = page->order;
		if (order >= m->pageblock_order) {
			uint64_t buddy_pfn = __find_buddy_pfn(pfn, order);

			if (pfn_valid_within(m, buddy_pfn) &&
			    !is_migrate_isolate(get_pageblock_migratetype(m, buddy_pfn))) {
				__isolate_free_page(m, pfn, order);
				isolated_page = true;
			}
		}
	}

	if (!isolated_page) {
		int nr_pages = move_freepages_block(m, z, pfn, migratetype, NULL);

		__mod_zone_freepage_state(z, nr_pages, migratetype);
	}
	set_pageblock_migratetype(m, pfn, migratetype);
	z->nr_isolate_pageblock--;
out:
	zf_spin_unlock(m, &z->lock);
	if (isolated_page) {
		/*
		 * post_alloc_hook + __free_pages in the kernel. The model skips
		 * __free_pages (page_alloc.c): the block was never counted as
		 * allocated, so NR_ALLOCATED must not move.
		 */
		__free_pages_ok(m, pfn, order);
	}
}

static int __start_isolate_page_range(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn,
				      int migratetype, bool skip_hwpoisoned)
{
	uint64_t pfn, undo_pfn = 0;
	uint64_t first = __first_valid_page(m, start_pfn, end_pfn - start_pfn);
	int ret = 0;

	/* the kernel BUG()s on a range that is not pageblock-aligned */
	if ((start_pfn | end_pfn) & (m->pageblock_nr_pages - 1))
		return -1;

	for (pfn = start_pfn; pfn < end_pfn; pfn += m->pageblock_nr_pages) {
		uint64_t page = __first_valid_page(m, pfn, m->pageblock_nr_pages);

		if (page != ZF_NO_PAGE && set_migratetype_isolate(m, page, skip_hwpoisoned)) {
			undo_pfn = pfn;
			goto undo;
		}
	}
	goto out;
undo:
	for (pfn = start_pfn; pfn < undo_pfn; pfn += m->pageblock_nr_pages) {
		uint64_t page = __first_valid_page(m, pfn, m->pageblock_nr_pages);

		if (page == ZF_NO_PAGE)
			continue;
		unset_migratetype_isolate(m, page, migratetype);
	}
	ret = -1;
out:
	zf_trace(m, ZF_EV_ISOLATE_RANGE, first == ZF_NO_PAGE ? -1 : m->pages[first].zid, start_pfn,
		 0, (int64_t)(end_pfn - start_pfn), ret, migratetype);
	return ret;
}

/*
 * start_isolate_page_range (4.12): isolate every pageblock of the aligned
 * range; on the first failure, un-isolate the blocks done so far and fail.
 * The model's prototype has no skip_hwpoisoned_pages argument; this entry is
 * the memory hot-remove one, which passes true in 4.12 (offline_pages).
 */
int start_isolate_page_range(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn,
			     int migratetype)
{
	return __start_isolate_page_range(m, start_pfn, end_pfn, migratetype, true);
}

/* undo_isolate_page_range (4.12): un-isolate every ISOLATE block of the range. */
int undo_isolate_page_range(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn,
			    int migratetype)
{
	uint64_t pfn;
	uint64_t first = __first_valid_page(m, start_pfn, end_pfn - start_pfn);

	if ((start_pfn | end_pfn) & (m->pageblock_nr_pages - 1))
		return -1;

	for (pfn = start_pfn; pfn < end_pfn; pfn += m->pageblock_nr_pages) {
		uint64_t page = __first_valid_page(m, pfn, m->pageblock_nr_pages);

		if (page == ZF_NO_PAGE || !is_migrate_isolate(get_pageblock_migratetype(m, page)))
			continue;
		unset_migratetype_isolate(m, page, migratetype);
	}
	zf_trace(m, ZF_EV_UNISOLATE_RANGE, first == ZF_NO_PAGE ? -1 : m->pages[first].zid,
		 start_pfn, 0, (int64_t)(end_pfn - start_pfn), 0, migratetype);
	return 0;
}

/*
 * __test_page_isolated_in_pageblock: walk the range; every valid pfn must be
 * in a free buddy (on a list; the ISOLATE list if all went well) or, when
 * allowed, hwpoisoned. Returns the first pfn that is neither.
 */
static uint64_t __test_page_isolated_in_pageblock(const struct zf_machine *m, uint64_t pfn,
						  uint64_t end_pfn, bool skip_hwpoisoned_pages)
{
	while (pfn < end_pfn) {
		const struct page *page;

		if (!pfn_valid_within(m, pfn)) {
			pfn++;
			continue;
		}
		page = &m->pages[pfn];
		if (PageBuddy(page))
			pfn += 1ULL << page->order;
		else if (skip_hwpoisoned_pages && (page->flags & ZF_PG_HWPOISON))
			pfn++;
		else
			break;
	}
	return pfn;
}

/*
 * test_pages_isolated (4.12): 0 if every block of the range is ISOLATE and
 * every page in it is free in the buddy (or hwpoisoned), else -1 (-EBUSY).
 * Hot-remove semantics: hwpoisoned pages are skipped.
 */
int test_pages_isolated(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn)
{
	uint64_t pfn, page;
	struct zone *z;

	for (pfn = start_pfn; pfn < end_pfn; pfn += m->pageblock_nr_pages) {
		page = __first_valid_page(m, pfn, m->pageblock_nr_pages);
		if (page != ZF_NO_PAGE && !is_migrate_isolate(get_pageblock_migratetype(m, page)))
			break;
	}
	page = __first_valid_page(m, start_pfn, end_pfn - start_pfn);
	if (pfn < end_pfn || page == ZF_NO_PAGE)
		return -1;

	z = page_zone(m, page);
	zf_spin_lock(m, &z->lock);
	pfn = __test_page_isolated_in_pageblock(m, start_pfn, end_pfn, true);
	zf_spin_unlock(m, &z->lock);
	return pfn < end_pfn ? -1 : 0;
}

/*
 * The public range API behaves like alloc_contig_range() (4.12): the range
 * must be pageblock-aligned and is widened to max(MAX_ORDER_NR_PAGES,
 * pageblock_nr_pages) alignment (pfn_max_align_down/up), so that no free
 * buddy straddles the isolated range; hwpoisoned pages are not skipped.
 * Blocks are given back as MIGRATE_MOVABLE, as alloc_contig_range does for
 * non-CMA users.
 */
static int zf_isolate_range_bounds(const struct zf_machine *m, uint64_t start_pfn,
				   uint64_t nr_pages, uint64_t *s, uint64_t *e)
{
	uint64_t align = 1ULL << (m->max_order - 1);

	if (align < m->pageblock_nr_pages)
		align = m->pageblock_nr_pages;
	if (nr_pages == 0 || (start_pfn | nr_pages) & (m->pageblock_nr_pages - 1))
		return -1;
	if (start_pfn >= m->nr_pages || nr_pages > m->nr_pages - start_pfn)
		return -1;
	*s = start_pfn & ~(align - 1);
	*e = (start_pfn + nr_pages + align - 1) & ~(align - 1);
	return 0;
}

int zf_isolate_range(struct zf_machine *m, uint64_t start_pfn, uint64_t nr_pages)
{
	uint64_t s, e, pfn;

	if (zf_isolate_range_bounds(m, start_pfn, nr_pages, &s, &e))
		return -1;
	/*
	 * Harness rules, not kernel behaviour: one isolator per range (4.12
	 * would double-count an already isolated block, see
	 * set_migratetype_isolate), and no CMA blocks, because the model does not
	 * remember a block's type across isolation and would give a CMA block
	 * back as MOVABLE.
	 */
	for (pfn = s; pfn < e; pfn += m->pageblock_nr_pages) {
		uint64_t page = __first_valid_page(m, pfn, m->pageblock_nr_pages);
		int mt;

		if (page == ZF_NO_PAGE)
			continue;
		mt = get_pageblock_migratetype(m, page);
		if (is_migrate_isolate(mt) || is_migrate_cma(mt))
			return -1;
	}
	return __start_isolate_page_range(m, s, e, MIGRATE_MOVABLE, false) ? -1 : 0;
}

int zf_unisolate_range(struct zf_machine *m, uint64_t start_pfn, uint64_t nr_pages)
{
	uint64_t s, e;

	if (zf_isolate_range_bounds(m, start_pfn, nr_pages, &s, &e))
		return -1;
	return undo_isolate_page_range(m, s, e, MIGRATE_MOVABLE);
}
