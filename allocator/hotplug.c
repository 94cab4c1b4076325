/* SPDX-License-Identifier: MIT */
/*
 * allocator/hotplug.c - memory hot-remove / hot-add of a whole zone
 * (offline_pages / online_pages) and the hwpoison take-off of one free page
 * (take_page_off_buddy, 5.x).
 *
 * These host the planted bugs that need machinery beyond 4.12's fast and
 * slow paths: B4 (a slow path that caches a zoneref across a zonelist
 * rebuild), B3 (pcp high/batch reset around onlining) and B23 (NR_FREE_PAGES
 * after a take-off).
 */
#include "internal.h"

/* The pageblock-aligned pfn range of a zone, or -1 if its ends are not aligned. */
static int zf_zone_block_range(struct zf_machine *m, const struct zone *z, uint64_t *start,
			       uint64_t *end)
{
	uint64_t s = z->zone_start_pfn, e = z->zone_start_pfn + z->spanned_pages;

	if ((s & (m->pageblock_nr_pages - 1)) || (e & (m->pageblock_nr_pages - 1)))
		return -1;
	*start = s;
	*end = e;
	return 0;
}

static struct zone *zf_hotplug_zone(struct zf_machine *m, int zone_id)
{
	if (zone_id < 0 || zone_id >= (int)(m->nr_nodes * MAX_NR_ZONES))
		return NULL;
	return zone_by_id(m, zone_id);
}

/*
 * After the zone's population changed: the zonelists first (so that the
 * zonelist walks of nr_free_buffer_pages() see the new set of zones), then
 * init_per_zone_wmark_min() (min_free_kbytes is recomputed unless the user
 * set it) with the watermarks, lowmem reserves and totalreserve_pages.
 */
static void zf_hotplug_recompute(struct zf_machine *m)
{
	build_all_zonelists(m);
	if (m->cfg.min_free_kbytes < 0)
		m->min_free_kbytes = init_per_zone_wmark_min(m);
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	calculate_totalreserve_pages(m);
}

#define ZF_EBUSY  16
#define ZF_ENOMEM 12

/*
 * do_migrate_range(): move every in-use LRU page of [start, end) to a page
 * of another zone. The target is a real allocation (new_node_page(): a
 * movable user page near the zone's node), made as task 0, the process
 * writing to the memory block's "state" file, with its own allocation
 * frame so that an offline run from a yield callback leaves the
 * interrupted allocation's frame alone. The isolated zone cannot supply it:
 * its free pages are all on MIGRATE_ISOLATE lists. Pages that cannot move
 * now are left for the next pass; the result is 0, -ENOMEM (no target) or
 * -EBUSY (a page under writeback, which sync migration would wait for).
 */
static int do_migrate_range(struct zf_machine *m, const struct zone *z, uint64_t start,
			    uint64_t end)
{
	int ret = 0;

	for (uint64_t pfn = start; pfn < end; pfn++) {
		const struct page *p = pfn_to_page(m, pfn);
		struct zf_alloc_request req = {0};
		struct zf_alloc_result res;
		int err;

		if ((p->flags & (ZF_PG_HEAD | ZF_PG_LRU)) != (ZF_PG_HEAD | ZF_PG_LRU) ||
		    (p->flags & ZF_PG_ISOLATED))
			continue;
		if (p->flags & ZF_PG_WRITEBACK) {
			ret = -ZF_EBUSY;
			continue;
		}
		req.task = 0;
		req.gfp = GFP_HIGHUSER_MOVABLE;
		req.order = 0;
		req.preferred_nid = z->node;
		req.nodemask = 0;
		if (zf_alloc_pages(m, &req, &res) != 0 || res.pfn == ZF_NO_PAGE)
			return -ZF_ENOMEM;
		/* the allocation may have reclaimed or freed this very page meanwhile */
		if ((p->flags & (ZF_PG_HEAD | ZF_PG_LRU)) != (ZF_PG_HEAD | ZF_PG_LRU) ||
		    (p->flags & ZF_PG_ISOLATED)) {
			__free_pages(m, res.pfn, 0);
			continue;
		}
		err = zf_migrate_page(m, pfn, res.pfn);
		if (err != 0) {
			__free_pages(m, res.pfn, 0);
			ret = -ZF_EBUSY;
			continue;
		}
		/* the old page, now an unlisted allocated page, lands on an ISOLATE list */
		__free_pages(m, pfn, 0);
	}
	return ret;
}

/* Is any page of [start, end) still in use (allocated, on a pcp list or held by compaction)? */
static bool zf_range_busy(const struct zf_machine *m, uint64_t start, uint64_t end)
{
	for (uint64_t pfn = start; pfn < end; pfn++)
		if (m->pages[pfn].flags &
		    (ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_PCP | ZF_PG_ISOLATED | ZF_PG_RESERVED))
			return true;
	return false;
}

/*
 * __offline_isolated_pages(): take every free block of the zone off the
 * buddy lists and mark its pages offline. After a full isolation every free
 * block sits on an ISOLATE list, not counted in NR_FREE_PAGES; a block
 * found on another list (a planted B11/B12 can leave one) is also taken and
 * its pages are subtracted so that the counters stay true.
 */
static uint64_t __offline_isolated_pages(struct zf_machine *m, struct zone *z)
{
	uint64_t offlined = 0;

	zf_spin_lock(m, &z->lock);
	for (unsigned int order = 0; order < m->max_order; order++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			struct zf_list *l = &z->free_area[order].free_list[mt];

			while (!zf_list_empty(l)) {
				uint64_t pfn = l->head, size = 1ULL << order;

				del_from_free_area(m, z, pfn, order);
				if (!is_migrate_isolate(mt))
					__mod_zone_page_state(z, NR_FREE_PAGES, -(long)size);
				if (is_migrate_cma(mt))
					__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -(long)size);
				for (uint64_t i = 0; i < size; i++) {
					struct page *p = pfn_to_page(m, pfn + i);

					p->flags = ZF_PG_OFFLINE;
					p->order = 0;
					p->owner = -1;
				}
				__mod_zone_page_state(z, NR_OFFLINE, (long)size);
				offlined += size;
			}
		}
	}
	zf_spin_unlock(m, &z->lock);
	return offlined;
}

/*
 * zf_offline_zone() - offline_pages() over a whole populated zone:
 * isolate its pageblocks, drain the pcp lists, migrate the LRU pages away,
 * check that nothing else is in use, take the free pages off the buddy and
 * rebuild the zonelists. -1 (EINVAL) for an absent or offline zone, or one
 * whose ends are not pageblock aligned (test_pages_in_a_zone would fail for
 * a straddling block); -1 (EBUSY) when an unmovable page stays, in which
 * case the isolation is undone. The offlined pageblocks stay ISOLATE, as in
 * the kernel, until the zone is onlined again.
 */
int zf_offline_zone(struct zf_machine *m, int zone_id)
{
	struct zone *z = zf_hotplug_zone(m, zone_id);
	uint64_t start, end;
	uint32_t memory;

	if (!z || !populated_zone(z) || !z->managed_pages)
		return -1;
	if (zf_zone_block_range(m, z, &start, &end))
		return -1;
	/* memblock-reserved pages are unmovable: the block is not removable */
	if (z->present_pages != z->managed_pages)
		return -1;

	if (start_isolate_page_range(m, start, end, MIGRATE_MOVABLE) != 0)
		return -1;
	/*
	 * The 4.12 offline_pages() repeat loop: drain, migrate, and give up
	 * after retry_max (5) failed passes. Sync migration waits for
	 * writeback; the model sleeps one tick instead, which completes the IO
	 * (model contract), before the next pass.
	 */
	for (int retry_max = 5;;) {
		int ret;

		drain_all_pages(m, z);
		ret = do_migrate_range(m, z, start, end);
		if (ret == 0)
			break;
		if (--retry_max == 0)
			goto busy;
		if (ret == -ZF_EBUSY)
			schedule_timeout(m, 1);
		else
			cond_resched(m);
	}
	/* pages freed meanwhile went straight to ISOLATE lists; drain once more anyway */
	drain_all_pages(m, z);
	if (zf_range_busy(m, start, end))
		goto busy;

	memory = node_states_memory(m);
	__offline_isolated_pages(m, z);
	z->offline = true;
	/* zone_pcp_reset(): the empty zone's pagesets fall back to boot_pageset (high 0, batch 1)
	 */
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		pageset_set_batch(zone_pcp(m, z, cpu), 0);
	zf_hotplug_recompute(m);
	/* a node left N_MEMORY: the cpuset hotplug work moves its tasks (cpuset.c) */
	cpuset_hotplug_workfn(m, memory);
	return 0;

busy:
	undo_isolate_page_range(m, start, end, MIGRATE_MOVABLE);
	return -1;
}

/*
 * free_pages_prepare(): the first half of __free_pages() (page_alloc.c) for an
 * order-0 page whose free is about to race with zone_pcp_update(): the
 * allocated state is cleared and NR_ALLOCATED moves, as __free_pages() does
 * before free_hot_cold_page(). Returns false (a bad_page()) if pfn is not an
 * allocated order-0 head off the LRU.
 */
static bool free_pages_prepare(struct zf_machine *m, uint64_t pfn)
{
	struct page *p = pfn_to_page(m, pfn);

	if ((p->flags & (ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_LRU | ZF_PG_BUDDY | ZF_PG_PCP |
			 ZF_PG_ISOLATED)) != ZF_PG_HEAD ||
	    p->order != 0)
		return false;
	p->flags &=
	    (uint16_t) ~(ZF_PG_HEAD | ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY | ZF_PG_WRITEBACK);
	p->owner = -1;
	__mod_zone_page_state(page_zone(m, pfn), NR_ALLOCATED, -1);
	zf_trace(m, ZF_EV_PAGE_FREE, p->zid, pfn, 0, 0, 0, 0);
	return true;
}

/*
 * The racing allocation of zf_online_zone_racing_free(): an order-0 request
 * of the task that this zone serves first (the highest zone its gfp allows),
 * made as soon as online_pages_range() has put the zone's pages back.
 */
static uint64_t online_racing_alloc(struct zf_machine *m, const struct zone *z, int task)
{
	static const gfp_t zone_gfp[MAX_NR_ZONES] = {
	    [ZONE_DMA] = GFP_KERNEL | __GFP_DMA,
	    [ZONE_DMA32] = GFP_KERNEL | __GFP_DMA32,
	    [ZONE_NORMAL] = GFP_KERNEL,
	    [ZONE_MOVABLE] = GFP_HIGHUSER_MOVABLE,
	};
	struct zf_alloc_request req = {
	    .task = task, .gfp = zone_gfp[zone_idx(z)], .order = 0, .preferred_nid = z->node};
	struct zf_alloc_result res;

	if (zf_alloc_pages(m, &req, &res) != 0 || res.pfn == ZF_NO_PAGE)
		return ZF_NO_PAGE;
	return res.pfn;
}

static int online_zone(struct zf_machine *m, int zone_id, int racing_task);

/*
 * zf_online_zone() - online_pages() for a zone offlined before: its
 * pageblocks become MOVABLE again (memmap_init_zone), the offlined pages
 * go back to the buddy as MOVABLE blocks, the pagesets get their real
 * batch and high again (zone_pcp_update), then the zonelists and
 * watermarks are rebuilt. Pages poisoned before stay poisoned.
 */
int zf_online_zone(struct zf_machine *m, int zone_id)
{
	return online_zone(m, zone_id, ZF_NO_TASK);
}

/*
 * zf_online_zone_racing_free() - the same online_pages(), with the race of
 * planted bug B3 (88e8ac11d2ea, spec §4.7): as soon as the zone's pages are
 * back in the buddy they can be allocated, while the pagesets still have the
 * boot values of an empty zone (high 0, batch 1, zone_pcp_reset at offline).
 * racing_task, on its own CPU, allocates an order-0 page of the zone there and
 * frees it while zone_pcp_update() rewrites that CPU's pageset: the free
 * sees count >= high (0) before the update and reads the new batch after it
 * (pageset_update, pcp.c). 4.12 then asks free_pcppages_bulk() for a whole
 * batch from a list holding one page; 5.9 clamps the count. If the page comes
 * from another zone there is no window and the free is an ordinary one.
 * (4.12 onlines memory block by block: the zone is in the zonelists with its
 * empty-zone pagesets after the first block, and the next block's online runs
 * zone_pcp_update(); the model, onlining the zone at once, plays that order.)
 */
int zf_online_zone_racing_free(struct zf_machine *m, int zone_id, int racing_task)
{
	if (!task_of(m, racing_task) || !task_of(m, racing_task)->alive)
		return -1;
	return online_zone(m, zone_id, racing_task);
}

static int online_zone(struct zf_machine *m, int zone_id, int racing_task)
{
	struct zone *z = zf_hotplug_zone(m, zone_id);
	uint64_t start, end, run = 0;
	bool in_run = false;
	uint32_t memory;

	if (!z || !z->offline)
		return -1;
	memory = node_states_memory(m);
	start = z->zone_start_pfn;
	end = z->zone_start_pfn + z->spanned_pages;

	for (uint64_t pfn = pageblock_start_pfn(m, start); pfn < end;
	     pfn += m->pageblock_nr_pages) {
		if (is_migrate_isolate(get_pageblock_migratetype(m, pfn)) &&
		    z->nr_isolate_pageblock)
			z->nr_isolate_pageblock--;
		set_pageblock_migratetype(m, pfn, MIGRATE_MOVABLE);
	}

	z->offline = false;
	zf_spin_lock(m, &z->lock);
	for (uint64_t pfn = start; pfn <= end; pfn++) {
		bool off = pfn < end && (m->pages[pfn].flags & ZF_PG_OFFLINE);

		if (off && !in_run) {
			run = pfn;
			in_run = true;
		} else if (!off && in_run) {
			for (uint64_t i = run; i < pfn; i++)
				m->pages[i].flags = 0;
			__mod_zone_page_state(z, NR_OFFLINE, -(long)(pfn - run));
			__free_pages_memory(m, z, run, pfn);
			in_run = false;
		}
	}
	zf_spin_unlock(m, &z->lock);

	if (racing_task == ZF_NO_TASK) {
		/* zone_pcp_update(): pageset_set_high_and_batch() on every cpu (pcp.c) */
		zone_pcp_update(m, z, NULL);
	} else {
		/*
		 * The race needs a zone that is already in the zonelists: in 4.12 the
		 * first memory block onlined into an empty zone rebuilds them (the zone
		 * keeps its empty-zone pagesets), and onlining the next block calls
		 * zone_pcp_update() while the first block's pages are in use. The
		 * model onlines the zone at once: zonelists and watermarks first.
		 */
		zf_hotplug_recompute(m);
		uint64_t pfn = online_racing_alloc(m, z, racing_task);
		int saved;
		struct pcp_racing_free race = {
		    .pfn = ZF_NO_PAGE, .cpu = task_of(m, racing_task)->cpu, .cold = false};

		saved = zf_set_current(m, racing_task);
		if (pfn != ZF_NO_PAGE && free_pages_prepare(m, pfn))
			race.pfn = pfn;
		zone_pcp_update(m, z, &race);
		zf_set_current(m, saved);
	}
	zf_hotplug_recompute(m);
	/* a node joined N_MEMORY: the root cpuset's tasks follow it (cpuset.c) */
	cpuset_hotplug_workfn(m, memory);
	return 0;
}

/*
 * break_down_buddy_pages() (5.x): split the free block [head, head +
 * 2^high) down to order 'low' around target; every half that does not hold
 * target goes back to the head of the free list it came from.
 */
static void break_down_buddy_pages(struct zf_machine *m, struct zone *z, uint64_t head,
				   uint64_t target, unsigned int low, unsigned int high, int mt)
{
	uint64_t size = 1ULL << high;

	while (high > low) {
		uint64_t buddy;

		high--;
		size >>= 1;
		if (target >= head + size) {
			buddy = head;
			head += size;
		} else {
			buddy = head + size;
		}
		add_to_free_area(m, z, buddy, high, mt);
	}
}

/*
 * take_page_off_buddy() (5.x memory-failure): find the free buddy block
 * holding pfn, split it so that only pfn leaves the buddy, and mark the
 * page hwpoisoned. The fix bac9c6fa1f92 (v5.15) subtracts the page from
 * NR_FREE_PAGES (and NR_FREE_CMA_PAGES) unless the block's list is ISOLATE,
 * which is not counted (spec §2); planted bug B23 reverts it and leaves the
 * counter one page too high. The model keys the accounting on the list the
 * block was on (page->mt), which is what NR_FREE_PAGES sums. Returns the
 * kernel's bool: 1 when the page was taken off, 0 when it was not free in
 * the buddy.
 */
int take_page_off_buddy(struct zf_machine *m, uint64_t pfn)
{
	struct zone *z;
	int ret = 0, mt = -1;
	unsigned int block_order = 0;

	if (pfn >= m->nr_pages || m->pages[pfn].zid == 0xff)
		return 0;
	z = page_zone(m, pfn);
	zf_spin_lock(m, &z->lock);
	for (unsigned int order = 0; order < m->max_order; order++) {
		uint64_t head = pfn & ~((1ULL << order) - 1);
		struct page *ph = pfn_to_page(m, head);

		if (head < z->zone_start_pfn)
			break;
		if (PageBuddy(ph) && ph->order >= order) {
			block_order = ph->order;
			mt = ph->mt;
			del_from_free_area(m, z, head, block_order);
			break_down_buddy_pages(m, z, head, pfn, 0, block_order, mt);
			ph = pfn_to_page(m, pfn);
			ph->flags = ZF_PG_HWPOISON;
			ph->order = 0;
			ph->owner = -1;
			__mod_zone_page_state(z, NR_POISONED, 1);
			if (!is_migrate_isolate(mt) && !zf_bug(m, ZF_BUG_B23)) {
				__mod_zone_page_state(z, NR_FREE_PAGES, -1);
				if (is_migrate_cma(mt))
					__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -1);
			}
			ret = 1;
			break;
		}
		/* an in-use page heads the block holding pfn: it is not free */
		if (ph->flags & (ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_PCP | ZF_PG_ISOLATED |
				 ZF_PG_HWPOISON | ZF_PG_OFFLINE | ZF_PG_RESERVED))
			break;
	}
	zf_spin_unlock(m, &z->lock);
	if (ret)
		zf_trace(m, ZF_EV_PAGE_TAKEOFF, z->id, pfn, 0, mt, block_order,
			 zf_bug(m, ZF_BUG_B23));
	return ret;
}

int zf_poison_page(struct zf_machine *m, uint64_t pfn)
{
	return take_page_off_buddy(m, pfn) ? 0 : -1;
}
