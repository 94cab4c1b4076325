/* SPDX-License-Identifier: MIT */
/*
 * allocator/migrate.c - moving one in-use LRU page to a new page, the part
 * of mm/migrate.c (migrate_page_states, putback of the new page) that the
 * model needs. Compaction (compaction.c: migrate_pages) and memory hot-remove
 * (hotplug.c) use it; neither copies data, the model only moves identity.
 */
#include "internal.h"

#define ZF_EINVAL 22
#define ZF_EBUSY  16

/* Page flags that belong to the page's contents and travel with a migration. */
#define MIGRATE_IDENTITY_FLAGS (ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY)

/*
 * zf_migrate_page: dst_pfn (an allocated order-0 page on no list) takes over
 * src_pfn's LRU identity -- ACTIVE/ANON/DIRTY, owner, cached migratetype and
 * membership of the same LRU list (at its head, as putback_lru_page() puts
 * the new page back) -- and src is left an allocated order-0 page with the
 * LRU flags and owner cleared, for the caller to free with __free_pages().
 * The owner's RSS is unchanged: the mapping moved, not the memory charge.
 *
 * src is either on its LRU list (hotplug) or isolated by compaction
 * (ZF_PG_ISOLATED, off the list and counted in NR_ISOLATED instead of
 * NR_ALLOCATED); either way lru.c moves the LRU and write-pending counters,
 * also across zones.
 *
 * A page under writeback cannot move: the kernel waits for the IO only in
 * MIGRATE_SYNC and the model cannot wait inside an operation, so it returns
 * -EBUSY and the caller retries later. Returns 0 (MIGRATEPAGE_SUCCESS),
 * -EBUSY, or -EINVAL when the pages are not in the states above.
 */
int zf_migrate_page(struct zf_machine *m, uint64_t src_pfn, uint64_t dst_pfn)
{
	struct page *src, *dst;
	enum lru_list lru;
	bool isolated;

	if (src_pfn >= m->nr_pages || dst_pfn >= m->nr_pages || src_pfn == dst_pfn)
		return -ZF_EINVAL;
	src = pfn_to_page(m, src_pfn);
	dst = pfn_to_page(m, dst_pfn);

	isolated = (src->flags & ZF_PG_ISOLATED) != 0;
	if (!(src->flags & ZF_PG_HEAD) || src->order != 0 ||
	    !(isolated || (src->flags & ZF_PG_LRU)))
		return -ZF_EINVAL;
	if (!(dst->flags & ZF_PG_HEAD) || dst->order != 0 ||
	    (dst->flags & (ZF_PG_LRU | ZF_PG_ISOLATED | ZF_PG_BUDDY | ZF_PG_PCP | ZF_PG_TAIL)))
		return -ZF_EINVAL;
	if (src->flags & ZF_PG_WRITEBACK)
		return -ZF_EBUSY;

	lru = page_lru(src);
	if (isolated) {
		struct zone *sz = page_zone(m, src_pfn);

		/* back from NR_ISOLATED to an ordinary allocated page, off the LRU */
		src->flags &= (uint16_t) ~(ZF_PG_ISOLATED | ZF_PG_LRU);
		__mod_zone_page_state(sz, NR_ISOLATED, -1);
		__mod_zone_page_state(sz, NR_ALLOCATED, 1);
	} else {
		/* off its LRU under the node's lru_lock (docs/concurrency.md) */
		lru_lock_zone(m, page_zone(m, src_pfn));
		del_page_from_lru_list(m, src_pfn, lru);
		lru_unlock_zone(m, page_zone(m, src_pfn));
	}

	/* migrate_page_states: the new page gets the old one's state */
	dst->flags = (uint16_t)((dst->flags & ~MIGRATE_IDENTITY_FLAGS) |
				(src->flags & MIGRATE_IDENTITY_FLAGS));
	dst->owner = src->owner;
	dst->mt = src->mt;
	src->flags &= (uint16_t) ~(MIGRATE_IDENTITY_FLAGS | ZF_PG_LRU);
	src->owner = -1;

	/* putback_lru_page(newpage): the head of the same LRU list, now in dst's zone */
	lru_lock_zone(m, page_zone(m, dst_pfn));
	add_page_to_lru_list(m, dst_pfn, lru);
	lru_unlock_zone(m, page_zone(m, dst_pfn));
	return 0;
}
