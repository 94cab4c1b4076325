// SPDX-License-Identifier: MIT
/*
 * allocator/highatomic.c - the MIGRATE_HIGHATOMIC reserve of Linux 4.12
 * (spec §4.6): pageblocks set aside on demand for high-order atomic
 * allocations, and given back before reclaim gives up (04c8716f7b00, 4.10).
 *
 * Planted bug B8 reverts the 4.10 fixes: the unreserve path decrements
 * nr_reserved_highatomic even for a block that is no longer HIGHATOMIC (the
 * double decrement of 4855e4a7f29d), and fallback stealing may convert
 * HIGHATOMIC blocks (buddy.c). The force path itself lives in
 * should_reclaim_retry (slowpath.c).
 */
#include "internal.h"

/*
 * reserve_highatomic_pageblock (spec §4.6): called after a successful order > 0
 * ALLOC_HARDER allocation from the block holding pfn. The cap (about 1% of
 * the zone plus one block) is checked racily first and again under the lock.
 */
void reserve_highatomic_pageblock(struct zf_machine *m, uint64_t pfn, struct zone *z,
				  unsigned int alloc_order)
{
	uint64_t max_managed = z->managed_pages / 100 + m->pageblock_nr_pages;
	int mt;

	if (ZF_READ_ONCE(z->nr_reserved_highatomic) >= max_managed)
		return;

	zf_spin_lock(m, &z->lock);
	if (z->nr_reserved_highatomic >= max_managed)
		goto out_unlock;

	mt = get_pageblock_migratetype(m, pfn);
	if (mt != MIGRATE_HIGHATOMIC && !is_migrate_isolate(mt) && !is_migrate_cma(mt)) {
		ZF_WRITE_ONCE(z->nr_reserved_highatomic,
			      z->nr_reserved_highatomic + m->pageblock_nr_pages);
		set_pageblock_migratetype(m, pfn, MIGRATE_HIGHATOMIC);
		move_freepages_block(m, z, pfn, MIGRATE_HIGHATOMIC, NULL);
		zf_trace(m, ZF_EV_HIGHATOMIC_RESERVE, z->id, pageblock_start_pfn(m, pfn),
			 alloc_order, (int64_t)z->nr_reserved_highatomic, mt, 0);
		count_vm_event(m, ZF_VM_highatomic_reserved);
	}
out_unlock:
	zf_spin_unlock(m, &z->lock);
}

/*
 * unreserve_highatomic_pageblock (spec §4.6, 4.12 page_alloc.c:2128-2198):
 * walk the allocation's zonelist (all of it, from the first entry, within
 * high_zoneidx and the nodemask) and give one HIGHATOMIC block back to
 * ac->migratetype. Without force, a zone keeps its last reserved block.
 * Returns true when free pages were moved (so a retry can use them).
 */
bool unreserve_highatomic_pageblock(struct zf_machine *m, const struct alloc_context *ac,
				    bool force)
{
	const struct zonelist *zl = ac_zonelist(m, ac);
	int i;

	for (i = next_zones_zonelist(m, zl, 0, ac->high_zoneidx, ac->nodemask); i >= 0;
	     i = next_zones_zonelist(m, zl, i + 1, ac->high_zoneidx, ac->nodemask)) {
		struct zone *z = zone_by_id(m, zl->zoneref[i]);
		unsigned int order;

		/* preserve at least one pageblock unless memory pressure is really high */
		if (!force && ZF_READ_ONCE(z->nr_reserved_highatomic) <= m->pageblock_nr_pages)
			continue;

		zf_spin_lock(m, &z->lock);
		for (order = 0; order < m->max_order; order++) {
			uint32_t pfn = z->free_area[order].free_list[MIGRATE_HIGHATOMIC].head;
			int moved;

			if (pfn == ZF_NIL)
				continue;

			/*
			 * The block may have been retyped since its pages were
			 * freed to the HIGHATOMIC list (a racy free, or a merge with
			 * a neighbour): only a block still typed HIGHATOMIC is
			 * counted in the reserve (4855e4a7f29d). B8 decrements anyway.
			 */
			if (get_pageblock_migratetype(m, pfn) == MIGRATE_HIGHATOMIC ||
			    zf_bug(m, ZF_BUG_B8)) {
				uint64_t dec = m->pageblock_nr_pages;

				if (dec > z->nr_reserved_highatomic)
					dec = z->nr_reserved_highatomic;
				ZF_WRITE_ONCE(z->nr_reserved_highatomic,
					      z->nr_reserved_highatomic - dec);
			}

			/*
			 * Convert to ac->migratetype and avoid the normal pageblock
			 * stealing heuristics: the caller is under pressure.
			 */
			set_pageblock_migratetype(m, pfn, ac->migratetype);
			moved = move_freepages_block(m, z, pfn, ac->migratetype, NULL);
			if (moved) {
				zf_spin_unlock(m, &z->lock);
				zf_trace(m, ZF_EV_HIGHATOMIC_UNRESERVE, z->id,
					 pageblock_start_pfn(m, pfn), order, force, moved,
					 (int64_t)z->nr_reserved_highatomic);
				count_vm_event(m, ZF_VM_highatomic_unreserved);
				return true;
			}
		}
		zf_spin_unlock(m, &z->lock);
	}
	return false;
}
