// SPDX-License-Identifier: MIT
/*
 * allocator/vmscan.c - page reclaim as Linux 4.12's mm/vmscan.c decides it
 * (spec §7.2-§7.5): direct reclaim (try_to_free_pages and its throttling),
 * the node shrinker shared with kswapd (shrink_node .. shrink_page_list) and
 * writeback completion.
 *
 * What the model keeps from the kernel: the scan_control fields that change
 * decisions, the priority loop (each pass scans about lru_size >> priority
 * pages in SWAP_CLUSTER_MAX batches), get_scan_count's balance rules, the
 * inactive/active ratio, should_continue_reclaim, compaction_ready, the
 * kswapd_failures reset, pgscan/pgsteal/allocstall counters and "progress" =
 * pages reclaimed (spec §5.5, §7.4).
 *
 * What it leaves out (documented where it matters): slab shrinkers, memcg,
 * referenced bits (a page on an inactive list is reclaimed when its state
 * allows it; zf_lru_activate() is the model's "referenced"), the refault /
 * rotation statistics of SCAN_FRACT, PG_reclaim, and any sleep inside reclaim
 * (congestion waits), since background work may only run at a real sleep.
 */
#include "internal.h"

/* vm_swappiness default (mm/vmscan.c) */
#define ZF_VM_SWAPPINESS 60

/*
 * The killable throttle wait of 4.12 has no time limit; the model polls in
 * HZ/10 steps (each one runs kswapd through schedule_timeout) and gives up
 * after 10 s of virtual time so that a scenario cannot hang. Oracle §11.16
 * (a throttled task is released once allow_direct_reclaim turns true) is
 * unaffected: the condition is checked after every step.
 */
#define ZF_THROTTLE_STEP      (HZ / 10)
#define ZF_THROTTLE_MAX_STEPS 100

enum scan_balance {
	SCAN_EQUAL,
	SCAN_FRACT,
	SCAN_ANON,
	SCAN_FILE,
};

/* shrink_page_list's per-batch statistics (struct reclaim_stat subset). */
struct reclaim_stat {
	uint64_t nr_dirty;          /* dirty or under writeback (file) */
	uint64_t nr_unqueued_dirty; /* dirty and not yet under writeback */
	uint64_t nr_writeback;      /* already under writeback when scanned */
	uint64_t nr_activate;
};

static enum zone_stat_item zone_lru_item(enum lru_list lru)
{
	return (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + (int)lru);
}

static bool is_file_lru(enum lru_list lru)
{
	return lru == LRU_INACTIVE_FILE || lru == LRU_ACTIVE_FILE;
}

static bool is_active_lru(enum lru_list lru)
{
	return lru == LRU_ACTIVE_ANON || lru == LRU_ACTIVE_FILE;
}

static uint64_t stat_pages(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

/* int_sqrt (lib/int_sqrt.c): floor of the square root. */
static uint64_t int_sqrt(uint64_t x)
{
	uint64_t r = 0, bit = 1ULL << 62;

	while (bit > x)
		bit >>= 2;
	while (bit) {
		if (x >= r + bit) {
			x -= r + bit;
			r = (r >> 1) + bit;
		} else {
			r >>= 1;
		}
		bit >>= 2;
	}
	return r;
}

/*
 * lruvec_lru_size(lruvec, lru, zone_idx): the node LRU restricted to zones
 * 0..zone_idx. The model's node LRU is the union of the per-zone lists.
 */
static uint64_t lruvec_lru_size(const struct pglist_data *pgdat, enum lru_list lru, int zone_idx)
{
	uint64_t size = 0;

	for (int i = 0; i <= zone_idx && i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		size += stat_pages(zone_page_state(z, zone_lru_item(lru)));
	}
	return size;
}

/*
 * inactive_list_is_low (4.12): the inactive list should hold about
 * 1/(1 + inactive_ratio) of the type's pages, inactive_ratio = sqrt(10 * GB)
 * (1 below 1 GB). Anon is never "low" without swap: there is no point in
 * deactivating what cannot be reclaimed.
 */
static bool inactive_list_is_low(struct zf_machine *m, const struct pglist_data *pgdat, bool file,
				 const struct scan_control *sc)
{
	enum lru_list inactive_lru = file ? LRU_INACTIVE_FILE : LRU_INACTIVE_ANON;
	uint64_t inactive, active, gb, inactive_ratio;

	if (!file && !m->total_swap_pages)
		return false;
	inactive = lruvec_lru_size(pgdat, inactive_lru, sc->reclaim_idx);
	active = lruvec_lru_size(pgdat, (enum lru_list)(inactive_lru + 1), sc->reclaim_idx);
	gb = (inactive + active) >> (30 - PAGE_SHIFT);
	inactive_ratio = gb ? int_sqrt(10 * gb) : 1;
	return inactive * inactive_ratio < active;
}

/*
 * isolate_lru_pages: take up to nr_to_scan pages from the tail (oldest end)
 * of @lru in the zones 0..reclaim_idx of the node onto @dst. The kernel's node
 * LRU mixes zones in age order; the per-zone lists of the model have no ages
 * across zones, so a batch is split over the eligible zones in proportion to
 * their list sizes (the remainder goes to the highest zones first), which is
 * what age order gives when the zones were filled evenly. Isolated pages are
 * off the LRU and out of its counters; they stay allocated (NR_ALLOCATED), so
 * the zone conservation law holds while they are held here.
 */
static uint64_t isolate_lru_pages(struct zf_machine *m, struct pglist_data *pgdat,
				  const struct scan_control *sc, enum lru_list lru,
				  uint64_t nr_to_scan, struct zf_list *dst)
{
	uint64_t size[MAX_NR_ZONES] = {0}, share[MAX_NR_ZONES] = {0};
	uint64_t total = 0, want, given = 0, nr_taken = 0;
	int top = sc->reclaim_idx < MAX_NR_ZONES ? sc->reclaim_idx : MAX_NR_ZONES - 1;

	for (int i = 0; i <= top; i++) {
		if (!managed_zone(&pgdat->node_zones[i]))
			continue;
		size[i] = stat_pages(zone_page_state(&pgdat->node_zones[i], zone_lru_item(lru)));
		total += size[i];
	}
	if (!total)
		return 0;
	want = nr_to_scan < total ? nr_to_scan : total;
	for (int i = 0; i <= top; i++) {
		share[i] = want * size[i] / total;
		given += share[i];
	}
	for (int i = top; i >= 0 && given < want; i--) {
		while (given < want && share[i] < size[i]) {
			share[i]++;
			given++;
		}
	}
	/* the lists may have shrunk on other CPUs since the sizes were read: stop at empty */
	zf_spin_lock(m, &pgdat->lru_lock);
	for (int i = 0; i <= top; i++) {
		struct zone *z = &pgdat->node_zones[i];

		for (uint64_t k = 0; k < share[i]; k++) {
			uint32_t pfn = z->lru[lru].tail;

			if (pfn == ZF_NIL)
				break;
			del_page_from_lru_list(m, pfn, lru);
			zf_list_add_tail(m, dst, pfn);
			nr_taken++;
		}
	}
	zf_spin_unlock(m, &pgdat->lru_lock);
	return nr_taken;
}

/*
 * putback_inactive_pages / move_active_pages_to_lru: back to the head of
 * page_lru(), under the node's lru_lock (the pages come from one node).
 */
static void putback_lru_pages(struct zf_machine *m, struct pglist_data *pgdat, struct zf_list *list)
{
	zf_spin_lock(m, &pgdat->lru_lock);
	while (!zf_list_empty(list)) {
		uint32_t pfn = list->head;

		zf_list_del(m, list, pfn);
		add_page_to_lru_list(m, pfn, page_lru(&m->pages[pfn]));
	}
	zf_spin_unlock(m, &pgdat->lru_lock);
}

/*
 * The LRU tracepoints (trace_mm_vmscan_lru_shrink_{active,inactive}): label 1
 * when kswapd scans (current_is_kswapd()), so that a trace tells PGSCAN_KSWAPD
 * from PGSCAN_DIRECT.
 */
#define vmscan_trace_lru(m, type, sc, a, b, c)                                                     \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), (type), (sc)->kswapd ? 1u : 0u, -1, ZF_NO_PAGE,             \
				  (unsigned int)(sc)->order, (int64_t)(a), (int64_t)(b),           \
				  (int64_t)(c), __func__, __FILE__, __LINE__);                     \
	} while (0)

/*
 * shrink_active_list: move pages from the tail of an active list to the
 * inactive list (PGDEACTIVATE). 4.12 keeps referenced executable file pages
 * active; the model has no referenced bits, so every scanned page is
 * deactivated. It does not count into sc->nr_scanned (as in 4.12).
 */
static void shrink_active_list(struct zf_machine *m, uint64_t nr_to_scan, struct pglist_data *pgdat,
			       struct scan_control *sc, enum lru_list lru)
{
	struct zf_list l_hold;
	uint64_t nr_taken;

	zf_list_init(&l_hold);
	nr_taken = isolate_lru_pages(m, pgdat, sc, lru, nr_to_scan, &l_hold);
	for (uint32_t pfn = l_hold.head; pfn != ZF_NIL; pfn = m->pages[pfn].next)
		m->pages[pfn].flags &= (uint16_t)~ZF_PG_ACTIVE;
	putback_lru_pages(m, pgdat, &l_hold);
	count_vm_events(m, ZF_VM_pgdeactivate, nr_taken);
	/* every taken page was deactivated: nr_deactivate == nr_taken */
	vmscan_trace_lru(m, ZF_EV_LRU_SHRINK_ACTIVE, sc, nr_taken, nr_taken, 0);
}

/*
 * The owner of a reclaimed page loses it from its RSS. The owner may be
 * running on another CPU (an mm counter is atomic in the kernel).
 */
static void page_remove_rmap(struct zf_machine *m, const struct page *p, int kind)
{
	struct task_struct *t = task_of(m, p->owner);

	if (t)
		zf_atomic_dec_not_zero(m, &t->rss[kind]);
}

/*
 * get_swap_page(): take a free swap slot, false when none is left. Several
 * CPUs reclaim at once in a threaded machine: the slot count is taken with
 * a compare-and-swap (the kernel's swap_avail_lock).
 */
bool get_swap_page(struct zf_machine *m)
{
	uint64_t old;

	if (!m->threaded) {
		if (!m->nr_swap_pages)
			return false;
		m->nr_swap_pages--;
		return true;
	}
	old = ZF_READ_ONCE(m->nr_swap_pages);
	while (old) {
		if (__atomic_compare_exchange_n(&m->nr_swap_pages, &old, old - 1, false,
						__ATOMIC_RELAXED, __ATOMIC_RELAXED))
			return true;
	}
	return false;
}

/*
 * shrink_page_list (4.12), per isolated page:
 *  - under writeback: skipped (nr_writeback; the kernel sets PG_reclaim and
 *    rotates it to the tail when the IO ends, as writeback_complete_due does);
 *  - anon: needs __GFP_IO (else kept); with no free swap slot add_to_swap
 *    fails and the page is activated; otherwise it goes to swap (a slot is
 *    used, the owner's RSS becomes a swap entry, PSWPOUT) and is freed. The
 *    swap IO itself is not modelled: the page is freed at once;
 *  - dirty file: 4.12 never writes file pages from direct reclaim, and kswapd
 *    only writes a page it met dirty before while the node is flagged
 *    PGDAT_DIRTY. The model (no PG_reclaim bit) lets kswapd start writeback
 *    once its priority fell below DEF_PRIORITY - 2 (may_writepage, __GFP_FS);
 *    the page is kept and becomes clean at the next sleep;
 *  - clean file: freed.
 * Freed pages leave through __free_pages (cold in the kernel) after the LRU
 * flags are cleared; survivors are left on @page_list for the caller.
 */
static uint64_t shrink_page_list(struct zf_machine *m, struct zf_list *page_list,
				 struct pglist_data *pgdat, struct scan_control *sc,
				 struct reclaim_stat *stat)
{
	struct zf_list ret_pages, free_pages;
	uint64_t nr_reclaimed = 0;

	(void)pgdat;
	zf_list_init(&ret_pages);
	zf_list_init(&free_pages);
	while (!zf_list_empty(page_list)) {
		uint32_t pfn = page_list->head;
		struct page *p = &m->pages[pfn];

		zf_list_del(m, page_list, pfn);
		if (p->flags & ZF_PG_WRITEBACK) {
			stat->nr_dirty++;
			stat->nr_writeback++;
			goto keep;
		}
		if (p->flags & ZF_PG_ANON) {
			if (!(sc->gfp_mask & __GFP_IO))
				goto keep;
			if (!sc->may_swap || !get_swap_page(m))
				goto activate_locked;
			/* add_to_swap + pageout: the page becomes a swap entry of its owner */
			if (task_of(m, p->owner))
				zf_atomic_add(m, &m->tasks[p->owner].swapents, 1);
			page_remove_rmap(m, p, ZF_LRU_ANON);
			count_vm_event(m, ZF_VM_pswpout);
			goto free_it;
		}
		if (p->flags & ZF_PG_DIRTY) {
			stat->nr_dirty++;
			if (sc->kswapd && sc->may_writepage && sc->priority < DEF_PRIORITY - 2 &&
			    (sc->gfp_mask & __GFP_FS)) {
				/* pageout(): clear_page_dirty_for_io + set_page_writeback */
				p->flags &= (uint16_t)~ZF_PG_DIRTY;
				p->flags |= ZF_PG_WRITEBACK;
			} else {
				stat->nr_unqueued_dirty++;
			}
			goto keep;
		}
		page_remove_rmap(m, p, ZF_LRU_FILE);
free_it:
		nr_reclaimed++;
		p->flags &= (uint16_t) ~(ZF_PG_ACTIVE | ZF_PG_ANON | ZF_PG_DIRTY | ZF_PG_WRITEBACK);
		zf_list_add_tail(m, &free_pages, pfn);
		continue;
activate_locked:
		p->flags |= ZF_PG_ACTIVE;
		stat->nr_activate++;
		count_vm_event(m, ZF_VM_pgactivate);
keep:
		zf_list_add_tail(m, &ret_pages, pfn);
	}

	/* free_hot_cold_page_list(&free_pages) */
	while (!zf_list_empty(&free_pages)) {
		uint32_t pfn = free_pages.head;

		zf_list_del(m, &free_pages, pfn);
		__free_pages(m, pfn, 0);
	}
	*page_list = ret_pages;
	return nr_reclaimed;
}

/*
 * shrink_inactive_list (4.12): isolate a batch from the tail, reclaim what can
 * be, put the rest back, count PGSCAN/PGSTEAL for kswapd or direct reclaim and
 * flag the node the way kswapd and the allocator read it.
 */
static uint64_t shrink_inactive_list(struct zf_machine *m, uint64_t nr_to_scan,
				     struct pglist_data *pgdat, struct scan_control *sc,
				     enum lru_list lru)
{
	struct zf_list page_list;
	struct reclaim_stat stat = {0};
	uint64_t nr_taken, nr_reclaimed;

	zf_list_init(&page_list);
	nr_taken = isolate_lru_pages(m, pgdat, sc, lru, nr_to_scan, &page_list);
	if (!nr_taken)
		return 0;
	sc->nr_scanned += nr_taken;
	count_vm_events(m, sc->kswapd ? ZF_VM_pgscan_kswapd : ZF_VM_pgscan_direct, nr_taken);

	nr_reclaimed = shrink_page_list(m, &page_list, pgdat, sc, &stat);
	count_vm_events(m, sc->kswapd ? ZF_VM_pgsteal_kswapd : ZF_VM_pgsteal_direct, nr_reclaimed);
	putback_lru_pages(m, pgdat, &page_list);
	vmscan_trace_lru(m, ZF_EV_LRU_SHRINK_INACTIVE, sc, nr_taken, nr_reclaimed,
			 stat.nr_activate);

	/*
	 * Every page of the batch was already under writeback: IO is the
	 * bottleneck (PGDAT_WRITEBACK). Every page was dirty and not queued: the
	 * flushers lag behind (PGDAT_DIRTY). kswapd clears both once the node is
	 * balanced. The congestion_wait stall that 4.12 adds for kswapd is left
	 * out: background work cannot sleep in the model.
	 */
	if (stat.nr_writeback && stat.nr_writeback == nr_taken)
		zf_atomic_or32(m, &pgdat->flags, PGDAT_WRITEBACK);
	if (stat.nr_unqueued_dirty == nr_taken)
		zf_atomic_or32(m, &pgdat->flags, PGDAT_DIRTY);
	return nr_reclaimed;
}

static uint64_t shrink_list(struct zf_machine *m, enum lru_list lru, uint64_t nr_to_scan,
			    struct pglist_data *pgdat, struct scan_control *sc)
{
	if (is_active_lru(lru)) {
		if (inactive_list_is_low(m, pgdat, is_file_lru(lru), sc))
			shrink_active_list(m, nr_to_scan, pgdat, sc, lru);
		return 0;
	}
	return shrink_inactive_list(m, nr_to_scan, pgdat, sc, lru);
}

/*
 * get_scan_count (4.12), simplified: how many pages of each list to scan at
 * this priority.
 *  - anon is scanned only while it could be swapped: may_swap, a free swap
 *    slot and __GFP_IO (4.12 checks __GFP_IO only later, in shrink_page_list;
 *    the model does not scan what it must keep) -> else SCAN_FILE;
 *  - priority 0: SCAN_EQUAL;
 *  - file + free pages of the node at or below the node's high watermarks:
 *    SCAN_ANON (the file cache is nearly gone);
 *  - inactive file not low and big enough to scan at this priority: SCAN_FILE;
 *  - otherwise SCAN_FRACT with swappiness 60 (anon 60 : file 140). 4.12 also
 *    weighs the recent rotated/scanned ratios; the model keeps no such history.
 * Each list's target is lru_size >> priority (0 for a small list at a high
 * priority: nothing is scanned and the priority drops, as in 4.12, where
 * global reclaim has no minimum scan).
 */
static void get_scan_count(struct zf_machine *m, struct pglist_data *pgdat,
			   const struct scan_control *sc, uint64_t nr[NR_LRU_LISTS])
{
	enum scan_balance balance;
	uint64_t fraction[2] = {0, 0}, denominator = 1;
	bool may_anon =
	    sc->may_swap && ZF_READ_ONCE(m->nr_swap_pages) > 0 && (sc->gfp_mask & __GFP_IO);

	if (!may_anon) {
		balance = SCAN_FILE;
	} else if (sc->priority == 0) {
		balance = SCAN_EQUAL;
	} else {
		uint64_t pgdatfree = 0, pgdatfile = 0, total_high_wmark = 0;

		for (int i = 0; i < MAX_NR_ZONES; i++) {
			const struct zone *z = &pgdat->node_zones[i];

			if (!managed_zone(z))
				continue;
			pgdatfree += stat_pages(zone_page_state(z, NR_FREE_PAGES));
			pgdatfile += stat_pages(zone_page_state(z, NR_ZONE_INACTIVE_FILE)) +
				     stat_pages(zone_page_state(z, NR_ZONE_ACTIVE_FILE));
			total_high_wmark += high_wmark_pages(z);
		}
		if (pgdatfile + pgdatfree <= total_high_wmark)
			balance = SCAN_ANON;
		else if (!inactive_list_is_low(m, pgdat, true, sc) &&
			 (lruvec_lru_size(pgdat, LRU_INACTIVE_FILE, sc->reclaim_idx) >>
			  sc->priority))
			balance = SCAN_FILE;
		else
			balance = SCAN_FRACT;
	}
	if (balance == SCAN_FRACT) {
		fraction[0] = ZF_VM_SWAPPINESS;
		fraction[1] = 200 - ZF_VM_SWAPPINESS;
		denominator = fraction[0] + fraction[1] + 1;
	}

	for (int l = 0; l < NR_LRU_LISTS; l++) {
		enum lru_list lru = (enum lru_list)l;
		bool file = is_file_lru(lru);
		uint64_t size = lruvec_lru_size(pgdat, lru, sc->reclaim_idx);
		uint64_t scan = size >> sc->priority;

		switch (balance) {
		case SCAN_EQUAL:
			break;
		case SCAN_FRACT:
			scan = scan * fraction[file] / denominator;
			break;
		case SCAN_FILE:
		case SCAN_ANON:
			if ((balance == SCAN_FILE) != file)
				scan = 0;
			break;
		}
		nr[l] = scan;
	}
}

/*
 * shrink_node_memcg (4.12): scan the lists in SWAP_CLUSTER_MAX batches,
 * round robin, until the targets are met. Once nr_to_reclaim pages were
 * reclaimed (except for direct reclaim at DEF_PRIORITY, which scans its whole
 * target) the smaller of anon/file stops and the larger is cut to the share
 * it would have had, keeping the scan proportional. Afterwards the anon lists
 * are rebalanced even if anon was not scanned.
 */
static void shrink_node_memcg(struct zf_machine *m, struct pglist_data *pgdat,
			      struct scan_control *sc)
{
	uint64_t nr[NR_LRU_LISTS], targets[NR_LRU_LISTS];
	uint64_t nr_reclaimed = 0, nr_to_reclaim = sc->nr_to_reclaim;
	bool scan_adjusted;

	get_scan_count(m, pgdat, sc, nr);
	for (int l = 0; l < NR_LRU_LISTS; l++)
		targets[l] = nr[l];
	scan_adjusted = !sc->kswapd && sc->priority == DEF_PRIORITY;

	while (nr[LRU_INACTIVE_ANON] || nr[LRU_ACTIVE_FILE] || nr[LRU_INACTIVE_FILE]) {
		uint64_t nr_anon, nr_file, percentage, nr_scanned;
		enum lru_list lru;

		for (int l = 0; l < NR_LRU_LISTS; l++) {
			if (nr[l]) {
				uint64_t nr_to_scan =
				    nr[l] < SWAP_CLUSTER_MAX ? nr[l] : SWAP_CLUSTER_MAX;

				nr[l] -= nr_to_scan;
				nr_reclaimed +=
				    shrink_list(m, (enum lru_list)l, nr_to_scan, pgdat, sc);
			}
		}
		if (nr_reclaimed < nr_to_reclaim || scan_adjusted)
			continue;

		nr_file = nr[LRU_INACTIVE_FILE] + nr[LRU_ACTIVE_FILE];
		nr_anon = nr[LRU_INACTIVE_ANON] + nr[LRU_ACTIVE_ANON];
		if (!nr_file || !nr_anon)
			break;
		if (nr_file > nr_anon) {
			uint64_t scan_target =
			    targets[LRU_INACTIVE_ANON] + targets[LRU_ACTIVE_ANON] + 1;

			lru = LRU_INACTIVE_ANON;
			percentage = nr_anon * 100 / scan_target;
		} else {
			uint64_t scan_target =
			    targets[LRU_INACTIVE_FILE] + targets[LRU_ACTIVE_FILE] + 1;

			lru = LRU_INACTIVE_FILE;
			percentage = nr_file * 100 / scan_target;
		}
		/* stop scanning the smaller type */
		nr[lru] = 0;
		nr[lru + 1] = 0;
		/* cut the other type to the share of its target not yet scanned */
		lru = lru == LRU_INACTIVE_FILE ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
		for (int k = 0; k < 2; k++) {
			int l = (int)lru + k;

			nr_scanned = targets[l] - nr[l];
			nr[l] = targets[l] * (100 - percentage) / 100;
			nr[l] -= nr[l] < nr_scanned ? nr[l] : nr_scanned;
		}
		scan_adjusted = true;
	}
	sc->nr_reclaimed += nr_reclaimed;

	/* rebalance the anon lists even when anon was not scanned */
	if (inactive_list_is_low(m, pgdat, false, sc))
		shrink_active_list(m, SWAP_CLUSTER_MAX, pgdat, sc, LRU_ACTIVE_ANON);
}

/* kswapd's age_active_anon (4.12): keep enough anon pages inactive to scan. */
void age_active_anon(struct zf_machine *m, struct pglist_data *pgdat, struct scan_control *sc)
{
	if (!m->total_swap_pages)
		return;
	if (inactive_list_is_low(m, pgdat, false, sc))
		shrink_active_list(m, SWAP_CLUSTER_MAX, pgdat, sc, LRU_ACTIVE_ANON);
}

/* in_reclaim_compaction: reclaim on behalf of compaction (costly, or order > 0 under pressure). */
static bool in_reclaim_compaction(const struct scan_control *sc)
{
	return sc->order &&
	       (sc->order > PAGE_ALLOC_COSTLY_ORDER || sc->priority < DEF_PRIORITY - 2);
}

/*
 * should_continue_reclaim (4.12, spec §7.2): in reclaim/compaction mode keep
 * reclaiming until compact_gap(order) pages were freed (while the inactive
 * lists still hold more than that), or until a zone is ready for compaction.
 * Without __GFP_REPEAT a round that reclaimed nothing ends it; with it only a
 * round that neither reclaimed nor scanned does.
 */
static bool should_continue_reclaim(struct zf_machine *m, struct pglist_data *pgdat,
				    uint64_t nr_reclaimed, uint64_t nr_scanned,
				    const struct scan_control *sc)
{
	uint64_t pages_for_compaction, inactive_lru_pages = 0;

	if (!in_reclaim_compaction(sc))
		return false;
	if (sc->gfp_mask & __GFP_REPEAT) {
		if (!nr_reclaimed && !nr_scanned)
			return false;
	} else {
		if (!nr_reclaimed)
			return false;
	}

	pages_for_compaction = compact_gap((unsigned int)sc->order);
	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		inactive_lru_pages += stat_pages(zone_page_state(z, NR_ZONE_INACTIVE_FILE));
		if (ZF_READ_ONCE(m->nr_swap_pages) > 0)
			inactive_lru_pages += stat_pages(zone_page_state(z, NR_ZONE_INACTIVE_ANON));
	}
	if (sc->nr_reclaimed < pages_for_compaction && inactive_lru_pages > pages_for_compaction)
		return true;

	/* if compaction would go ahead or the allocation would succeed, stop */
	for (int i = 0; i <= sc->reclaim_idx && i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		switch (compaction_suitable(m, z, sc->order, 0, sc->reclaim_idx)) {
		case COMPACT_SUCCESS:
		case COMPACT_CONTINUE:
			return false;
		default:
			break;
		}
	}
	return true;
}

/*
 * shrink_node (4.12): shrink the node's LRU, repeated while
 * should_continue_reclaim says so. Any progress revives a kswapd that gave up
 * on the node: kswapd_failures = 0, for direct reclaim as well (spec §7.1).
 *
 * Model bound: under __GFP_REPEAT, rounds that scan without reclaiming would
 * go on in the kernel until concurrent writeback makes pages clean; no time
 * passes inside reclaim here, so such rounds stop once they have scanned as
 * many pages as the node's inactive lists held at the start.
 */
bool shrink_node(struct zf_machine *m, struct pglist_data *pgdat, struct scan_control *sc)
{
	bool reclaimable = false;
	uint64_t idle_scanned = 0, idle_limit = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		idle_limit += stat_pages(zone_page_state(z, NR_ZONE_INACTIVE_FILE)) +
			      stat_pages(zone_page_state(z, NR_ZONE_INACTIVE_ANON));
	}

	for (;;) {
		uint64_t nr_reclaimed = sc->nr_reclaimed, nr_scanned = sc->nr_scanned;
		uint64_t round_reclaimed, round_scanned;

		shrink_node_memcg(m, pgdat, sc);
		round_reclaimed = sc->nr_reclaimed - nr_reclaimed;
		round_scanned = sc->nr_scanned - nr_scanned;
		zf_trace(m, ZF_EV_SHRINK_NODE, pgdat->node_id * MAX_NR_ZONES + sc->reclaim_idx,
			 ZF_NO_PAGE, (unsigned int)sc->order, (int64_t)round_scanned,
			 (int64_t)round_reclaimed, sc->priority);
		if (round_reclaimed)
			reclaimable = true;
		else
			idle_scanned += round_scanned;
		if (!should_continue_reclaim(m, pgdat, round_reclaimed, round_scanned, sc))
			break;
		if (!round_reclaimed && idle_scanned > idle_limit)
			break;
	}

	if (reclaimable)
		ZF_WRITE_ONCE(pgdat->kswapd_failures, 0);
	return reclaimable;
}

/*
 * compaction_ready (4.12, spec §7.2): reclaim for a costly order stops in a
 * zone once compaction can run there with a buffer: the allocation would
 * already succeed (SUCCESS), or compaction may proceed (CONTINUE) and the zone
 * is at or above high + compact_gap(order) at order 0.
 */
bool compaction_ready(struct zf_machine *m, struct zone *z, struct scan_control *sc)
{
	uint64_t watermark;

	switch (compaction_suitable(m, z, sc->order, 0, sc->reclaim_idx)) {
	case COMPACT_SUCCESS:
		return true;
	case COMPACT_CONTINUE:
		break;
	default:
		return false;
	}
	watermark = high_wmark_pages(z) + compact_gap((unsigned int)sc->order);
	return zone_watermark_ok_safe(z, 0, watermark, sc->reclaim_idx, m->max_order);
}

/*
 * shrink_zones (4.12): every zone of the zonelist up to reclaim_idx in the
 * nodemask that the cpuset allows; costly orders skip zones that are
 * compaction_ready (and remember it); each node is shrunk once (the zonelist
 * is ordered by node, so a node's zones are consecutive).
 */
static void shrink_zones(struct zf_machine *m, const struct zonelist *zl, struct scan_control *sc)
{
	gfp_t orig_mask = sc->gfp_mask;
	int last_nid = -1;

	for (int i = 0; i < NR_ZONES_TOTAL && zl->zoneref[i] >= 0; i++) {
		struct zone *z = zone_by_id(m, zl->zoneref[i]);

		if (zone_idx(z) > sc->reclaim_idx)
			continue;
		if (sc->nodemask && !(sc->nodemask & (1u << z->node)))
			continue;
		if (!populated_zone(z))
			continue;
		if (!cpuset_zone_allowed(m, z, GFP_KERNEL | __GFP_HARDWALL))
			continue;
		if (sc->order > PAGE_ALLOC_COSTLY_ORDER && compaction_ready(m, z, sc)) {
			sc->compaction_ready = true;
			continue;
		}
		if (z->node == last_nid)
			continue;
		last_nid = z->node;
		shrink_node(m, zone_pgdat(m, z), sc);
	}
	sc->gfp_mask = orig_mask;
}

/*
 * do_try_to_free_pages (4.12, spec §7.2): priority 12..0 until
 * nr_to_reclaim pages are back or compaction is ready. Returns the progress
 * the allocator sees: pages reclaimed, else 1 when it stopped for compaction.
 */
static unsigned long do_try_to_free_pages(struct zf_machine *m, const struct zonelist *zl,
					  struct scan_control *sc)
{
	/* ALLOCSTALL of the zone type being reclaimed for */
	count_vm_event(m, (enum zf_vmstat_item)(ZF_VM_allocstall_dma + sc->reclaim_idx));
	do {
		sc->nr_scanned = 0;
		shrink_zones(m, zl, sc);
		if (sc->nr_reclaimed >= sc->nr_to_reclaim)
			break;
		if (sc->compaction_ready)
			break;
		/* writeback is allowed at lower priorities (laptop mode starts without it) */
		if (sc->priority < DEF_PRIORITY - 2)
			sc->may_writepage = true;
	} while (--sc->priority >= 0);

	if (sc->nr_reclaimed)
		return (unsigned long)sc->nr_reclaimed;
	/* aborted reclaim to try compaction: do not OOM, then */
	if (sc->compaction_ready)
		return 1;
	return 0;
}

/*
 * allow_direct_reclaim (4.12 vmscan.c:2832-2870): direct reclaim may proceed
 * when the node is hopeless (kswapd gave up), when it has no reserves, or
 * when the free pages of its zones up to NORMAL that have something to
 * reclaim exceed half their min watermarks. Otherwise a sleeping kswapd is
 * woken for at most ZONE_NORMAL.
 */
bool allow_direct_reclaim(struct zf_machine *m, struct pglist_data *pgdat)
{
	uint64_t pfmemalloc_reserve = 0, free_pages = 0;
	bool wmark_ok;

	if (ZF_READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES)
		return true;
	for (int i = 0; i <= ZONE_NORMAL; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		if (!zone_reclaimable_pages(m, z))
			continue;
		pfmemalloc_reserve += min_wmark_pages(z);
		free_pages += stat_pages(zone_page_state(z, NR_FREE_PAGES));
	}
	if (!pfmemalloc_reserve)
		return true;
	wmark_ok = free_pages > pfmemalloc_reserve / 2;

	/* kswapd must be awake if processes are being throttled (under the waitqueue lock) */
	if (!wmark_ok) {
		zf_spin_lock(m, &pgdat->kswapd_lock);
		if (pgdat->kswapd_sleeping) {
			if (pgdat->kswapd_classzone_idx > ZONE_NORMAL)
				pgdat->kswapd_classzone_idx = ZONE_NORMAL;
			pgdat->kswapd_sleeping = false;
			ZF_WRITE_ONCE(pgdat->kswapd_woken, true);
		}
		zf_spin_unlock(m, &pgdat->kswapd_lock);
	}
	return wmark_ok;
}

/*
 * throttle_direct_reclaim (4.12 vmscan.c:2880-2962): a user task whose first
 * usable node (a zone <= NORMAL in the zonelist) is below half its pfmemalloc
 * reserve waits for kswapd. !__GFP_FS callers wait at most HZ (they may hold
 * locks kswapd needs); others wait killably until allowed (bounded in the
 * model, see ZF_THROTTLE_MAX_STEPS). Waiting is sleeping: each HZ/10 step is
 * a schedule_timeout, which runs kswapd. Returns true when a fatal signal
 * arrived while throttled: the caller then reports progress without
 * reclaiming, to stay away from the OOM killer.
 */
bool throttle_direct_reclaim(struct zf_machine *m, gfp_t gfp_mask, const struct zonelist *zl,
			     uint32_t nodemask)
{
	const struct task_struct *t = current_task(m);
	struct pglist_data *pgdat = NULL;
	int high_zoneidx = gfp_zone(gfp_mask);

	/* kernel threads are not throttled, nor are tasks about to die */
	if (!t || (task_flags(t) & ZF_PF_KTHREAD))
		return false;
	if (fatal_signal_pending(m))
		return false;

	for (int i = 0; i < NR_ZONES_TOTAL && zl->zoneref[i] >= 0; i++) {
		struct zone *z = zone_by_id(m, zl->zoneref[i]);

		if (zone_idx(z) > high_zoneidx)
			continue;
		if (nodemask && !(nodemask & (1u << z->node)))
			continue;
		if (zone_idx(z) > ZONE_NORMAL)
			continue;
		/* throttle based on the first usable node */
		pgdat = zone_pgdat(m, z);
		if (allow_direct_reclaim(m, pgdat))
			return false;
		break;
	}
	/* no zone was usable by the allocation flags: do not throttle */
	if (!pgdat)
		return false;

	ZF_WRITE_ONCE(pgdat->pfmemalloc_wait, true);
	if (!(gfp_mask & __GFP_FS)) {
		/* wait_event_interruptible_timeout(pfmemalloc_wait, allowed, HZ) */
		for (uint64_t waited = 0; waited < HZ; waited += ZF_THROTTLE_STEP) {
			schedule_timeout(m, ZF_THROTTLE_STEP);
			if (allow_direct_reclaim(m, pgdat) || fatal_signal_pending(m))
				break;
		}
	} else {
		/* wait_event_killable(pfmemalloc_wait, allowed), bounded */
		for (unsigned int step = 0; step < ZF_THROTTLE_MAX_STEPS; step++) {
			schedule_timeout(m, ZF_THROTTLE_STEP);
			if (allow_direct_reclaim(m, pgdat) || fatal_signal_pending(m))
				break;
		}
	}
	ZF_WRITE_ONCE(pgdat->pfmemalloc_wait, false);

	return fatal_signal_pending(m);
}

/*
 * try_to_free_pages (4.12 vmscan.c:2964-3000, spec §7.2): direct reclaim of
 * SWAP_CLUSTER_MAX pages for the zones up to gfp_zone(gfp) in the zonelist
 * and nodemask. The return value is the allocator's "progress" (spec §5.5).
 */
unsigned long try_to_free_pages(struct zf_machine *m, const struct zonelist *zl, int order,
				gfp_t gfp_mask, uint32_t nodemask)
{
	unsigned long nr_reclaimed;
	struct scan_control sc = {
	    .nr_to_reclaim = SWAP_CLUSTER_MAX,
	    .gfp_mask = current_gfp_context(m, gfp_mask),
	    .reclaim_idx = gfp_zone(gfp_mask),
	    .order = order,
	    .nodemask = nodemask,
	    .priority = DEF_PRIORITY,
	    .may_writepage = true, /* !laptop_mode */
	    .may_unmap = true,
	    .may_swap = true,
	    .kswapd = false,
	};

	/*
	 * Do not enter reclaim if a fatal signal arrived while throttled; 1 is
	 * returned so that the allocator does not OOM-kill at this point.
	 */
	if (throttle_direct_reclaim(m, sc.gfp_mask, zl, nodemask))
		return 1;

	zf_trace(m, ZF_EV_DIRECT_RECLAIM_BEGIN, -1, ZF_NO_PAGE, (unsigned int)order,
		 sc.may_writepage, sc.reclaim_idx, 0);
	nr_reclaimed = do_try_to_free_pages(m, zl, &sc);
	zf_trace(m, ZF_EV_DIRECT_RECLAIM_END, -1, ZF_NO_PAGE, (unsigned int)order,
		 (int64_t)nr_reclaimed, sc.priority, sc.compaction_ready);
	return nr_reclaimed;
}

/*
 * end_page_writeback for every page whose IO has finished (called by sched.c
 * at every sleep of at least one tick: all writeback started so far is done).
 * The page becomes clean; it was written for reclaim (PG_reclaim), so an
 * inactive page is rotated to the tail to be reclaimed next
 * (rotate_reclaimable_page). The walk goes from the head, where reclaim put
 * the pages back, and stops once the zone's nr_writeback pages were found.
 * Pages isolated at this moment (compaction) finish at a later sleep.
 */
void writeback_complete_due(struct zf_machine *m)
{
	static const enum lru_list order[] = {LRU_INACTIVE_FILE, LRU_ACTIVE_FILE, LRU_INACTIVE_ANON,
					      LRU_ACTIVE_ANON};

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++) {
		zf_spin_lock(m, &m->nodes[nid].lru_lock);
		for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &m->nodes[nid].node_zones[zi];

			for (int k = 0; k < NR_LRU_LISTS && z->nr_writeback; k++) {
				enum lru_list lru = order[k];
				uint32_t pfn = z->lru[lru].head;

				while (pfn != ZF_NIL && z->nr_writeback) {
					struct page *p = &m->pages[pfn];
					uint32_t next = p->next;

					if (p->flags & ZF_PG_WRITEBACK) {
						p->flags &= (uint16_t)~ZF_PG_WRITEBACK;
						z->nr_writeback--;
						if (!(p->flags & ZF_PG_DIRTY))
							__mod_zone_page_state(
							    z, NR_ZONE_WRITE_PENDING, -1);
						count_vm_event(m, ZF_VM_writeback_completed);
						if (!is_active_lru(lru)) {
							zf_list_del(m, &z->lru[lru], pfn);
							zf_list_add_tail(m, &z->lru[lru], pfn);
						}
					}
					pfn = next;
				}
			}
		}
		zf_spin_unlock(m, &m->nodes[nid].lru_lock);
	}
}
