// SPDX-License-Identifier: MIT
/*
 * allocator/kswapd.c - the per-node kswapd of Linux 4.12 (spec §7.1):
 * wakeup_kswapd, pgdat_balanced, balance_pgdat and the sleep logic, plus the
 * zf_run_kswapd() scenario operation.
 *
 * The kernel thread becomes one "cycle" in the model: wakeup_kswapd() only
 * marks the node woken; sched.c's run_background_work() calls
 * kswapd_run_once() at the next sleep, which reads the pending order and
 * classzone, balances the node and then either goes to sleep (node balanced
 * or hopeless) or stays awake, i.e. stays woken so that the next sleep runs
 * another cycle, as the real thread loops straight back into balance_pgdat.
 * Invariant outside a cycle: kswapd_sleeping and kswapd_woken are never both
 * true, and a node that is neither is mid-cycle.
 *
 * Planted bug B17 (planted-bugs.md, reverts c73322d098e4, 4.11): without
 * kswapd_failures, wakeup_kswapd wakes kswapd on a hopeless node and
 * prepare_kswapd_sleep does not let it sleep there, so kswapd spins forever
 * on a node with nothing reclaimable.
 */
#include "internal.h"

static int kswapd_zone_id(const struct pglist_data *pgdat, int classzone_idx)
{
	int idx = classzone_idx < MAX_NR_ZONES ? classzone_idx : MAX_NR_ZONES - 1;

	return pgdat->node_id * MAX_NR_ZONES + (idx < 0 ? 0 : idx);
}

/*
 * pgdat_balanced (4.12 vmscan.c:3109-3136): the node is balanced for
 * (order, classzone) if any managed zone at or below classzone meets its high
 * watermark (zone_watermark_ok_safe), or if there is no such zone at all.
 */
bool pgdat_balanced(struct zf_machine *m, struct pglist_data *pgdat, int order, int classzone_idx)
{
	bool any_managed = false;

	for (int i = 0; i <= classzone_idx && i < MAX_NR_ZONES; i++) {
		struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		any_managed = true;
		if (zone_watermark_ok_safe(z, (unsigned int)order, high_wmark_pages(z),
					   classzone_idx, m->max_order))
			return true;
	}
	return !any_managed;
}

/*
 * wakeup_kswapd (4.12 vmscan.c:3550-3581, spec §7.1). The pending order and
 * classzone are raised even when the thread is not woken; a woken thread is no
 * longer on its waitqueue (kswapd_sleeping = false) and runs at the next sleep.
 * Every call past the managed_zone test is traced (a = woken, b = classzone,
 * c = kswapd_failures); KSWAPD_WAKEUPS_WOKEN counts the real wakeups.
 */
void wakeup_kswapd(struct zf_machine *m, struct zone *z, unsigned int order, int classzone_idx)
{
	struct pglist_data *pgdat;
	bool woken = false;

	if (!managed_zone(z))
		return;
	pgdat = zone_pgdat(m, z);
	if (!cpuset_zone_allowed(m, z, GFP_KERNEL | __GFP_HARDWALL))
		goto out_unlocked;
	/*
	 * The waitqueue's lock: the pending order/classzone and the sleeping
	 * test and wakeup below are one step against kswapd going to sleep on
	 * another CPU (a threaded machine; nothing otherwise).
	 */
	zf_spin_lock(m, &pgdat->kswapd_lock);
	if (pgdat->kswapd_classzone_idx == MAX_NR_ZONES ||
	    pgdat->kswapd_classzone_idx < classzone_idx)
		pgdat->kswapd_classzone_idx = classzone_idx;
	if (pgdat->kswapd_order < order)
		pgdat->kswapd_order = order;
	if (!pgdat->kswapd_sleeping)
		goto out;
	/* hopeless node, leave it to direct reclaim (B17: the check did not exist) */
	if (!zf_bug(m, ZF_BUG_B17) && ZF_READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES)
		goto out;
	if (pgdat_balanced(m, pgdat, (int)order, classzone_idx))
		goto out;

	/* wake_up_interruptible(&pgdat->kswapd_wait) */
	pgdat->kswapd_sleeping = false;
	ZF_WRITE_ONCE(pgdat->kswapd_woken, true);
	woken = true;
	count_vm_event(m, ZF_VM_kswapd_wakeups_woken);
out:
	zf_spin_unlock(m, &pgdat->kswapd_lock);
out_unlocked:
	zf_trace(m, ZF_EV_WAKE_KSWAPD, z->id, ZF_NO_PAGE, order, woken, classzone_idx,
		 ZF_READ_ONCE(pgdat->kswapd_failures));
}

/* clear_pgdat_congested: the node is balanced again, IO is no longer the limit. */
static void clear_pgdat_congested(struct zf_machine *m, struct pglist_data *pgdat)
{
	/* reclaim on other CPUs sets these bits (clear_bit in the kernel) */
	zf_atomic_andnot32(m, &pgdat->flags, PGDAT_CONGESTED | PGDAT_DIRTY | PGDAT_WRITEBACK);
}

/*
 * prepare_kswapd_sleep (4.12): kswapd may sleep when the node is hopeless
 * (kswapd_failures >= MAX_RECLAIM_RETRIES: direct reclaim takes over) or
 * balanced. Throttled direct reclaimers are released first: no task may stay
 * on pfmemalloc_wait while kswapd sleeps (they re-check and, if needed, wake
 * kswapd again).
 */
bool prepare_kswapd_sleep(struct zf_machine *m, struct pglist_data *pgdat, int order,
			  int classzone_idx)
{
	/* wake_up_all(&pgdat->pfmemalloc_wait) */
	ZF_WRITE_ONCE(pgdat->pfmemalloc_wait, false);

	/* B17: a hopeless node was not a reason to sleep before c73322d098e4 */
	if (!zf_bug(m, ZF_BUG_B17) && ZF_READ_ONCE(pgdat->kswapd_failures) >= MAX_RECLAIM_RETRIES)
		return true;
	if (pgdat_balanced(m, pgdat, order, classzone_idx)) {
		clear_pgdat_congested(m, pgdat);
		return true;
	}
	return false;
}

/*
 * kswapd_shrink_node (4.12): reclaim in proportion to the eligible zones'
 * high watermarks, then fall back to order-0 balancing once compact_gap(order)
 * pages came back (fragmentation may keep the high order unbalanced; the
 * allocator can compact). Returns true when the pass scanned its target, in
 * which case the priority is not raised.
 */
static bool kswapd_shrink_node(struct zf_machine *m, struct pglist_data *pgdat,
			       struct scan_control *sc)
{
	sc->nr_to_reclaim = 0;
	for (int i = 0; i <= sc->reclaim_idx && i < MAX_NR_ZONES; i++) {
		const struct zone *z = &pgdat->node_zones[i];

		if (!managed_zone(z))
			continue;
		sc->nr_to_reclaim +=
		    high_wmark_pages(z) > SWAP_CLUSTER_MAX ? high_wmark_pages(z) : SWAP_CLUSTER_MAX;
	}
	shrink_node(m, pgdat, sc);
	if (sc->order && sc->nr_reclaimed >= compact_gap((unsigned int)sc->order))
		sc->order = 0;
	return sc->nr_scanned >= sc->nr_to_reclaim;
}

/*
 * balance_pgdat (4.12 vmscan.c:3237-3353, spec §7.1): reclaim at priority
 * 12..1 until the node is balanced for (order, classzone). A run that reclaims
 * nothing at all counts a kswapd failure; MAX_RECLAIM_RETRIES of them make
 * the node hopeless until some reclaim succeeds (shrink_node resets the
 * count). Returns the order the node was balanced for (0 after the order-0
 * fallback), which decides what kcompactd is asked to do.
 */
int balance_pgdat(struct zf_machine *m, struct pglist_data *pgdat, int order, int classzone_idx)
{
	struct scan_control sc = {
	    .gfp_mask = GFP_KERNEL,
	    .order = order,
	    .priority = DEF_PRIORITY,
	    .may_writepage = true, /* !laptop_mode */
	    .may_unmap = true,
	    .may_swap = true,
	    .kswapd = true,
	};

	count_vm_event(m, ZF_VM_pageoutrun);
	do {
		uint64_t nr_reclaimed = sc.nr_reclaimed;
		bool raise_priority = true;

		sc.reclaim_idx = classzone_idx;
		if (pgdat_balanced(m, pgdat, sc.order, classzone_idx))
			goto out;

		/* keep enough anon pages on the inactive list to scan */
		age_active_anon(m, pgdat, &sc);

		/* kswapd may write back file pages once the pressure is high */
		if (sc.priority < DEF_PRIORITY - 2)
			sc.may_writepage = true;

		sc.nr_scanned = 0;
		if (kswapd_shrink_node(m, pgdat, &sc))
			raise_priority = false;

		/* wake direct reclaimers throttled on this node once they may reclaim */
		if (ZF_READ_ONCE(pgdat->pfmemalloc_wait) && allow_direct_reclaim(m, pgdat))
			ZF_WRITE_ONCE(pgdat->pfmemalloc_wait, false);

		nr_reclaimed = sc.nr_reclaimed - nr_reclaimed;
		if (raise_priority || !nr_reclaimed)
			sc.priority--;
	} while (sc.priority >= 1);

	/* direct reclaim on other CPUs may reset it meanwhile (as in the kernel) */
	if (!sc.nr_reclaimed)
		ZF_WRITE_ONCE(pgdat->kswapd_failures, ZF_READ_ONCE(pgdat->kswapd_failures) + 1);
out:
	zf_trace(m, ZF_EV_KSWAPD_BALANCE, kswapd_zone_id(pgdat, classzone_idx), ZF_NO_PAGE,
		 (unsigned int)order, (int64_t)sc.nr_reclaimed,
		 ZF_READ_ONCE(pgdat->kswapd_failures), sc.order);
	return sc.order;
}

/*
 * kswapd_try_to_sleep (4.12): if the node may sleep at reclaim_order, reset
 * compaction's skip hints, hand the original alloc_order to kcompactd and
 * sleep. The kernel first naps HZ/10 and checks again; nothing can change the
 * node between the two checks here (background work does not sleep), so the
 * model goes straight to the full sleep. Otherwise kswapd stays awake and
 * balances again at the next sleep, for the same classzone unless a new
 * wakeup raised it.
 */
static void kswapd_try_to_sleep(struct zf_machine *m, struct pglist_data *pgdat, int alloc_order,
				int reclaim_order, int classzone_idx)
{
	if (prepare_kswapd_sleep(m, pgdat, reclaim_order, classzone_idx)) {
		reset_isolation_suitable(m, pgdat);
		wakeup_kcompactd(m, pgdat, alloc_order, classzone_idx);
		/*
		 * On the waitqueue, under its lock. A wakeup_kswapd() from
		 * another CPU while the cycle ran found kswapd off the
		 * waitqueue and only raised the pending order/classzone, as in
		 * 4.12 (the next wakeup uses them).
		 */
		zf_spin_lock(m, &pgdat->kswapd_lock);
		pgdat->kswapd_sleeping = true;
		ZF_WRITE_ONCE(pgdat->kswapd_woken, false);
		zf_spin_unlock(m, &pgdat->kswapd_lock);
		zf_trace(m, ZF_EV_KSWAPD_SLEEP, kswapd_zone_id(pgdat, classzone_idx), ZF_NO_PAGE,
			 (unsigned int)alloc_order, pgdat->kcompactd_woken, reclaim_order,
			 ZF_READ_ONCE(pgdat->kswapd_failures));
		return;
	}
	zf_spin_lock(m, &pgdat->kswapd_lock);
	if (pgdat->kswapd_classzone_idx == MAX_NR_ZONES)
		pgdat->kswapd_classzone_idx = classzone_idx;
	pgdat->kswapd_sleeping = false;
	ZF_WRITE_ONCE(pgdat->kswapd_woken, true);
	zf_spin_unlock(m, &pgdat->kswapd_lock);
}

/*
 * One iteration of kswapd()'s loop (4.12): read and reset the pending order
 * and classzone, balance, then the sleep attempt. When balance_pgdat fell back
 * to a lower order, the sleep check uses that order while kcompactd gets the
 * original one; otherwise the thread re-reads the pending request (nothing
 * new can arrive during a cycle in the model, so order 0) before trying to
 * sleep. kswapd is a kernel thread: no task is current while it runs.
 */
void kswapd_run_once(struct zf_machine *m, struct pglist_data *pgdat)
{
	int saved_current = zf_set_current(m, ZF_NO_TASK);
	int alloc_order, reclaim_order, classzone_idx;

	zf_spin_lock(m, &pgdat->kswapd_lock);
	ZF_WRITE_ONCE(pgdat->kswapd_woken, false);
	pgdat->kswapd_sleeping = false;

	alloc_order = (int)pgdat->kswapd_order;
	classzone_idx = pgdat->kswapd_classzone_idx;
	/* never woken with a classzone (zf_run_kswapd): balance the whole node */
	if (classzone_idx >= MAX_NR_ZONES || classzone_idx < 0)
		classzone_idx = pgdat->nr_zones > 0 ? pgdat->nr_zones - 1 : 0;
	pgdat->kswapd_order = 0;
	pgdat->kswapd_classzone_idx = MAX_NR_ZONES;
	zf_spin_unlock(m, &pgdat->kswapd_lock);

	reclaim_order = balance_pgdat(m, pgdat, alloc_order, classzone_idx);
	if (reclaim_order < alloc_order) {
		kswapd_try_to_sleep(m, pgdat, alloc_order, reclaim_order, classzone_idx);
	} else {
		int next_order, next_classzone;

		zf_spin_lock(m, &pgdat->kswapd_lock);
		next_order = (int)pgdat->kswapd_order;
		next_classzone = pgdat->kswapd_classzone_idx;
		if (next_classzone >= MAX_NR_ZONES || next_classzone < classzone_idx)
			next_classzone = classzone_idx;
		pgdat->kswapd_order = 0;
		pgdat->kswapd_classzone_idx = MAX_NR_ZONES;
		zf_spin_unlock(m, &pgdat->kswapd_lock);
		kswapd_try_to_sleep(m, pgdat, next_order, next_order, next_classzone);
	}
	zf_set_current(m, saved_current);
}

/* Scenario op: run one kswapd cycle on node nid now, woken or not. */
void zf_run_kswapd(struct zf_machine *m, int nid)
{
	bool saved;

	if (nid < 0 || (unsigned int)nid >= m->nr_nodes || nid >= MAX_NUMNODES)
		return;
	saved = zf_set_background(m, true);
	kswapd_run_once(m, &m->nodes[nid]);
	zf_set_background(m, saved);
}
