// SPDX-License-Identifier: MIT
/*
 * allocator/lru.c - the per-zone LRU lists (mm/swap.c, include/linux/mm_inline.h
 * of Linux 4.12) and the scenario API that fills, dirties, activates and drops
 * a task's page-cache / anonymous memory.
 *
 * 4.12 keeps one LRU per node with per-zone counters; the model keeps one list
 * per zone (zone->lru[]) whose union is the node LRU. Lists run head = newest
 * to tail = oldest, as the kernel's list_add()/isolate-from-tail do. A page on
 * an LRU list is an allocated order-0 head page (NR_ALLOCATED) with ZF_PG_LRU,
 * counted in NR_ZONE_<lru> and, while dirty or under writeback, in
 * NR_ZONE_WRITE_PENDING (docs/model-contract.md). add/del below are the only
 * places that move those counters for list membership, so any page taken off
 * an LRU (reclaim, compaction isolation, release) stops being counted and is
 * counted again when put back.
 *
 * Locking (docs/concurrency.md): add/del and every walk of zone->lru[] run
 * under the node's lru_lock (pgdat->lru_lock in 4.12), taken by the callers
 * of add_page_to_lru_list / del_page_from_lru_list as in the kernel; pages
 * freed from under it nest the pcp and zone locks inside it.
 */
#include "internal.h"

/* NR_ZONE_LRU_BASE + lru in the kernel's node_stat_item. */
static enum zone_stat_item zone_lru_item(enum lru_list lru)
{
	return (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + (int)lru);
}

/*
 * add_page_to_lru_list (mm_inline.h): link at the head of zone->lru[lru] (the
 * "newest" end; reclaim isolates from the tail) and account it. The ACTIVE and
 * ANON flags are made to agree with @lru so that page_lru() finds the page on
 * the list it sits on.
 */
void add_page_to_lru_list(struct zf_machine *m, uint64_t pfn, enum lru_list lru)
{
	struct page *p = pfn_to_page(m, pfn);
	struct zone *z = page_zone(m, pfn);

	p->flags &= (uint16_t) ~(ZF_PG_ACTIVE | ZF_PG_ANON);
	if (lru == LRU_INACTIVE_ANON || lru == LRU_ACTIVE_ANON)
		p->flags |= ZF_PG_ANON;
	if (lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE)
		p->flags |= ZF_PG_ACTIVE;
	p->flags |= ZF_PG_LRU;
	zf_list_add(m, &z->lru[lru], (uint32_t)pfn);
	__mod_zone_page_state(z, zone_lru_item(lru), 1);
	if (p->flags & (ZF_PG_DIRTY | ZF_PG_WRITEBACK))
		__mod_zone_page_state(z, NR_ZONE_WRITE_PENDING, 1);
	if (p->flags & ZF_PG_WRITEBACK)
		z->nr_writeback++;
}

/*
 * del_page_from_lru_list (mm_inline.h): unlink and unaccount. ACTIVE, ANON,
 * DIRTY and WRITEBACK stay on the page (as PG_active etc. do across
 * isolate_lru_page/putback_lru_page); only ZF_PG_LRU is cleared.
 */
void del_page_from_lru_list(struct zf_machine *m, uint64_t pfn, enum lru_list lru)
{
	struct page *p = pfn_to_page(m, pfn);
	struct zone *z = page_zone(m, pfn);

	zf_list_del(m, &z->lru[lru], (uint32_t)pfn);
	p->flags &= (uint16_t)~ZF_PG_LRU;
	__mod_zone_page_state(z, zone_lru_item(lru), -1);
	if (p->flags & (ZF_PG_DIRTY | ZF_PG_WRITEBACK))
		__mod_zone_page_state(z, NR_ZONE_WRITE_PENDING, -1);
	if (p->flags & ZF_PG_WRITEBACK)
		z->nr_writeback--;
}

/* can_reclaim_anon_pages() of 4.12: get_nr_swap_pages() > 0 (spec §7.3). */
bool zone_reclaimable_anon(const struct zf_machine *m)
{
	return ZF_READ_ONCE(m->nr_swap_pages) > 0;
}

/*
 * zone_reclaimable_pages (spec §7.3, 4.12 vmscan.c:209-220): the file LRU plus
 * the anon LRU while free swap exists. Isolated pages and slab are not
 * included, and 4.12 returns 0 for an empty LRU (the NR_FREE_PAGES fallback is
 * 6.13's CVE-2024-57884 fix, not modelled here).
 */
uint64_t zone_reclaimable_pages(struct zf_machine *m, const struct zone *z)
{
	int64_t nr = zone_page_state_snapshot(z, NR_ZONE_INACTIVE_FILE) +
		     zone_page_state_snapshot(z, NR_ZONE_ACTIVE_FILE);

	if (zone_reclaimable_anon(m))
		nr += zone_page_state_snapshot(z, NR_ZONE_INACTIVE_ANON) +
		      zone_page_state_snapshot(z, NR_ZONE_ACTIVE_ANON);
	return nr > 0 ? (uint64_t)nr : 0;
}

/* ------------------------------------------------------------------ */
/* The scenario API                                                    */
/* ------------------------------------------------------------------ */

static struct task_struct *lru_task(struct zf_machine *m, int task)
{
	struct task_struct *t = task_of(m, task);

	return (t && ZF_READ_ONCE(t->alive)) ? t : NULL;
}

/* Zones that can hold LRU pages (others may have uninitialised list heads). */
static bool zone_has_lru(const struct zf_machine *m, const struct zone *z)
{
	return (unsigned int)z->node < m->nr_nodes && z->present_pages != 0;
}

/*
 * lru_cache_add: a freshly faulted page goes to the inactive list of its
 * kind. (4.12 puts new anonymous pages on the active list through
 * lru_cache_add_active_or_unevictable; the model's API starts every page
 * inactive and leaves activation to zf_lru_activate.)
 */
static void lru_cache_add(struct zf_machine *m, uint64_t pfn, int task, enum zf_lru_kind kind)
{
	struct page *p = pfn_to_page(m, pfn);
	const struct zone *z = page_zone(m, pfn);

	lru_lock_zone(m, z);
	p->owner = (int16_t)task;
	p->flags &= (uint16_t) ~(ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY | ZF_PG_WRITEBACK);
	add_page_to_lru_list(m, pfn, kind == ZF_LRU_ANON ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE);
	lru_unlock_zone(m, z);
	/* an mm counter: reclaim on other CPUs decrements it */
	zf_atomic_add(m, &m->tasks[task].rss[kind], 1);
}

uint64_t zf_lru_fill(struct zf_machine *m, int task, enum zf_lru_kind kind, uint64_t n,
		     zf_gfp_t gfp)
{
	struct task_struct *t = lru_task(m, task);
	uint64_t done = 0;

	if (!t || (kind != ZF_LRU_ANON && kind != ZF_LRU_FILE))
		return 0;
	/* do_anonymous_page and page-cache readahead both use GFP_HIGHUSER_MOVABLE here */
	if (!gfp)
		gfp = GFP_HIGHUSER_MOVABLE;

	while (done < n) {
		struct zf_alloc_request req = {
		    .task = task,
		    .gfp = gfp,
		    .order = 0,
		    .preferred_nid = -1,
		    .nodemask = 0,
		};
		struct zf_alloc_result res = {.status = ZF_ALLOC_FAIL, .pfn = ZF_NO_PAGE};

		/* a real allocation: it may enter the slow path, reclaim, OOM */
		if (zf_alloc_pages(m, &req, &res) != 0 || res.status != ZF_ALLOC_OK ||
		    res.pfn == ZF_NO_PAGE)
			break;
		if (!ZF_READ_ONCE(t->alive)) {
			/* the task exited while it allocated (a yield callback or the OOM killer)
			 */
			__free_pages(m, res.pfn, 0);
			break;
		}
		lru_cache_add(m, res.pfn, task, kind);
		done++;
		/*
		 * A task with SIGKILL pending faults in nothing more; going on would let a
		 * TIF_MEMDIE victim drain the reserves one page at a time.
		 */
		if (task_flags(t) & ZF_TASK_FATAL_SIGNAL)
			break;
	}
	return done;
}

/*
 * Walk the given lists of every zone from the tail (oldest first) and call
 * fn on the pages owned by task, stopping after n pages for which fn returned
 * true. The predecessor is read before fn runs, so fn may move or free the
 * page. Bounded by the lengths of the lists walked (an explicit operation).
 */
typedef bool (*lru_walk_fn)(struct zf_machine *m, uint64_t pfn, enum lru_list lru);

static uint64_t lru_walk_task(struct zf_machine *m, int task, const enum lru_list *lrus,
			      int nr_lrus, uint64_t n, lru_walk_fn fn)
{
	uint64_t done = 0;

	for (int zid = 0; zid < NR_ZONES_TOTAL && done < n; zid++) {
		struct zone *z = zone_by_id(m, zid);

		if (!zone_has_lru(m, z))
			continue;
		/* the walk and fn run under the node's lru_lock: the links stay put */
		lru_lock_zone(m, z);
		for (int i = 0; i < nr_lrus && done < n; i++) {
			uint32_t pfn = z->lru[lrus[i]].tail;

			while (pfn != ZF_NIL && done < n) {
				uint32_t prev = m->pages[pfn].prev;

				if (m->pages[pfn].owner == task && fn(m, pfn, lrus[i]))
					done++;
				pfn = prev;
			}
		}
		lru_unlock_zone(m, z);
	}
	return done;
}

/* set_page_dirty -> account_page_dirtied: a clean file page becomes write-pending. */
static bool lru_set_page_dirty(struct zf_machine *m, uint64_t pfn, enum lru_list lru)
{
	struct page *p = pfn_to_page(m, pfn);

	(void)lru;
	if (p->flags & (ZF_PG_DIRTY | ZF_PG_WRITEBACK))
		return false;
	p->flags |= ZF_PG_DIRTY;
	__mod_zone_page_state(page_zone(m, pfn), NR_ZONE_WRITE_PENDING, 1);
	return true;
}

uint64_t zf_lru_dirty(struct zf_machine *m, int task, uint64_t n)
{
	static const enum lru_list file_lrus[] = {LRU_INACTIVE_FILE, LRU_ACTIVE_FILE};

	if (!lru_task(m, task))
		return 0;
	return lru_walk_task(m, task, file_lrus, 2, n, lru_set_page_dirty);
}

/* activate_page / __activate_page: inactive -> active head, PGACTIVATE. */
static bool lru_activate_page(struct zf_machine *m, uint64_t pfn, enum lru_list lru)
{
	del_page_from_lru_list(m, pfn, lru);
	add_page_to_lru_list(m, pfn, (enum lru_list)(lru + 1));
	count_vm_event(m, ZF_VM_pgactivate);
	return true;
}

uint64_t zf_lru_activate(struct zf_machine *m, int task, enum zf_lru_kind kind, uint64_t n)
{
	enum lru_list inactive = kind == ZF_LRU_ANON ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;

	if (!lru_task(m, task) || (kind != ZF_LRU_ANON && kind != ZF_LRU_FILE))
		return 0;
	return lru_walk_task(m, task, &inactive, 1, n, lru_activate_page);
}

/*
 * munmap / truncate of one page: off the LRU (counters follow), the page's
 * owner loses it from its RSS, and it leaves through __free_pages. A page
 * under writeback is dropped as well (truncate would wait for the IO; no time
 * passes inside an operation in the model).
 */
static bool lru_release_page(struct zf_machine *m, uint64_t pfn, enum lru_list lru)
{
	struct page *p = pfn_to_page(m, pfn);
	struct task_struct *t = task_of(m, p->owner);

	del_page_from_lru_list(m, pfn, lru);
	if (t) {
		int kind = (p->flags & ZF_PG_ANON) ? ZF_LRU_ANON : ZF_LRU_FILE;

		/* the same counter reclaim decrements on other CPUs */
		zf_atomic_dec_not_zero(m, &t->rss[kind]);
	}
	p->flags &= (uint16_t) ~(ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY | ZF_PG_WRITEBACK);
	__free_pages(m, pfn, 0);
	return true;
}

uint64_t zf_lru_release(struct zf_machine *m, int task, enum zf_lru_kind kind, uint64_t n)
{
	static const enum lru_list anon_lrus[] = {LRU_INACTIVE_ANON, LRU_ACTIVE_ANON};
	static const enum lru_list file_lrus[] = {LRU_INACTIVE_FILE, LRU_ACTIVE_FILE};

	/* a task that already exited owns nothing; task.c's exit path uses this too */
	if (!task_of(m, task) || (kind != ZF_LRU_ANON && kind != ZF_LRU_FILE))
		return 0;
	return lru_walk_task(m, task, kind == ZF_LRU_ANON ? anon_lrus : file_lrus, 2, n,
			     lru_release_page);
}
