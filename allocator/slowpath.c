// SPDX-License-Identifier: MIT
/*
 * allocator/slowpath.c - __alloc_pages_slowpath() of Linux 4.12 and every
 * helper of spec §5 (mm/page_alloc.c): gfp_to_alloc_flags,
 * gfp_pfmemalloc_allowed, wake_all_kswapds, __alloc_pages_direct_reclaim,
 * __alloc_pages_direct_compact, should_reclaim_retry, should_compact_retry,
 * __alloc_pages_may_oom, __alloc_pages_cpuset_fallback, warn_alloc.
 *
 * The body keeps the kernel's labels (retry_cpuset:, retry:, nopage:, fail:,
 * got_pg:) and its gotos in the kernel's order. Each label reached traces
 * ZF_EV_SLOWPATH_LABEL and each goto taken traces ZF_EV_SLOWPATH_GOTO with
 * its stable id (events.h). Later kernels' changes sit behind the profile
 * flags of struct zf_profile at the exact sites they changed (spec §8), and
 * the planted bugs B4, B5, B6, B21 revert their fixes at their sites
 * (planted-bugs.md).
 *
 * Model additions around the kernel's code (docs/model-contract.md): the
 * allocation's frame (cur_frame(m)) is kept current before every event and
 * yield, the zf_alloc_result counters are filled, the harness may act at the
 * named yield points, and a watchdog stops an allocation whose retry: count
 * exceeds cfg.max_retries (a harness control, never a kernel outcome).
 */
#include "internal.h"

_Static_assert(ZF_GFP_HIGH == ZF_ALLOC_HIGH, "__GFP_HIGH must equal ALLOC_HIGH (spec §1.4)");

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static inline uint32_t current_flags(struct zf_machine *m)
{
	const struct task_struct *t = current_task(m);

	return t ? task_flags(t) : 0;
}

/* in_interrupt(): the model runs a task's allocations in interrupt context on request */
static inline bool in_interrupt(struct zf_machine *m)
{
	return (current_flags(m) & ZF_TASK_IN_INTERRUPT) != 0;
}

static inline struct zf_alloc_result *cur_result(struct zf_machine *m)
{
	struct zf_alloc_frame *f = cur_frame(m);

	return f ? f->res : NULL;
}

/*
 * memalloc_noreclaim_save() / _restore() (4.12 sched/mm.h): PF_MEMALLOC around
 * direct reclaim and direct compaction, so that allocations made from inside
 * them use the reserves and never recurse into reclaim (spec §5.2).
 */
static uint32_t memalloc_noreclaim_save(struct zf_machine *m)
{
	struct task_struct *t = current_task(m);
	uint32_t old;

	if (!t)
		return 0;
	/* an atomic bit: the OOM killer on another CPU may be setting others */
	old = task_flags(t) & ZF_PF_MEMALLOC;
	zf_atomic_or32(m, &t->flags, ZF_PF_MEMALLOC);
	return old;
}

static void memalloc_noreclaim_restore(struct zf_machine *m, uint32_t flags)
{
	struct task_struct *t = current_task(m);

	if (t) {
		zf_atomic_andnot32(m, &t->flags, ZF_PF_MEMALLOC & ~flags);
		zf_atomic_or32(m, &t->flags, flags);
	}
}

/*
 * zonelist_iter_begin() / check_retry_zonelist() (6.1, 3d36424b3b58): the
 * model keeps a zonelist_seq per node, bumped by every rebuild; their sum
 * changes exactly when some node's zonelists were rebuilt.
 */
static uint64_t zonelist_iter_begin(struct zf_machine *m)
{
	uint64_t seq = 0;

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		seq += m->nodes[nid].zonelist_seq;
	return seq;
}

static bool check_retry_zonelist(struct zf_machine *m, uint64_t seq)
{
	return zonelist_iter_begin(m) != seq;
}

/* ------------------------------------------------------------------ */
/* Yield points                                                         */
/* ------------------------------------------------------------------ */

/*
 * A named point of the slow path where other tasks may act (model contract
 * "Time, background work and yields"). No zone lock is held. The callback may
 * allocate (nested, with its own frame), free, change cpusets, kill or exit
 * tasks; current is restored afterwards.
 */
void zf_yield(struct zf_machine *m, enum zf_yield_point yp)
{
	int cur = zf_current(m);

	zf_trace_label(m, ZF_EV_YIELD, yp, 0, 0);
	if (!m->hooks.on_yield)
		return;
	m->hooks.on_yield(m->hooks.priv, m, yp, cur);
	zf_set_current(m, cur);
}

/* ------------------------------------------------------------------ */
/* Flags (spec §5.1, §5.2)                                              */
/* ------------------------------------------------------------------ */

/*
 * gfp_to_alloc_flags() of 4.12 (spec §5.1): the slow path's precise flags.
 * __GFP_HIGH is ALLOC_HIGH by value. __GFP_ATOMIC gets ALLOC_HARDER (unless
 * __GFP_NOMEMALLOC) and ignores the cpuset; a realtime task outside
 * interrupts gets ALLOC_HARDER too. Plain GFP_NOWAIT gets nothing extra.
 */
uint32_t gfp_to_alloc_flags(struct zf_machine *m, gfp_t gfp_mask)
{
	uint32_t alloc_flags = ALLOC_WMARK_MIN | ALLOC_CPUSET;

	/* the two flags share one bit value (static assert above): no branch needed */
	alloc_flags |= (gfp_mask & __GFP_HIGH);

	if (gfp_mask & __GFP_ATOMIC) {
		/* __GFP_NOMEMALLOC callers give up the extra reserve (spec §1.4) */
		if (!(gfp_mask & __GFP_NOMEMALLOC))
			alloc_flags |= ALLOC_HARDER;
		/* an atomic request may leave its cpuset rather than fail (spec §5.1) */
		alloc_flags &= ~ALLOC_CPUSET;
	} else if ((current_flags(m) & ZF_TASK_RT) && !in_interrupt(m)) {
		alloc_flags |= ALLOC_HARDER;
	}

	/* CONFIG_CMA */
	if (gfpflags_to_migratetype(m, gfp_mask) == MIGRATE_MOVABLE)
		alloc_flags |= ALLOC_CMA;

	return alloc_flags;
}

/*
 * __gfp_pfmemalloc_flags(): which reserves the retry loop may use, 0 for
 * none. 4.12 knows only ALLOC_NO_WATERMARKS, for __GFP_MEMALLOC, for
 * PF_MEMALLOC (kswapd, and tasks inside direct reclaim or compaction) and for
 * the TIF_MEMDIE OOM victim. 4.14 (profile->alloc_oom, cd04ae1e2dc8 "mm, oom:
 * do not rely on TIF_MEMDIE for memory reserves access") gives every OOM
 * victim (tsk_is_oom_victim) ALLOC_OOM instead. __GFP_NOMEMALLOC forbids all.
 *
 * in_serving_softirq() is never true in the model: a task flagged
 * ZF_TASK_IN_INTERRUPT is in hard interrupt context, so the softirq
 * PF_MEMALLOC case (network swap) does not arise.
 */
static uint32_t __gfp_pfmemalloc_flags(struct zf_machine *m, gfp_t gfp_mask)
{
	uint32_t tflags = current_flags(m);

	if (gfp_mask & __GFP_NOMEMALLOC)
		return 0;
	if (gfp_mask & __GFP_MEMALLOC)
		return ALLOC_NO_WATERMARKS;
	if (!in_interrupt(m)) {
		if (tflags & ZF_PF_MEMALLOC)
			return ALLOC_NO_WATERMARKS;
		if (m->profile->alloc_oom) {
			/* 4.14: oom_reserves_allowed(current) */
			if (current_task(m) && tsk_is_oom_victim(m, zf_current(m)))
				return ALLOC_OOM;
		} else if (tflags & ZF_TIF_MEMDIE) {
			return ALLOC_NO_WATERMARKS;
		}
	}
	return 0;
}

/* gfp_pfmemalloc_allowed() (spec §5.2) */
bool gfp_pfmemalloc_allowed(struct zf_machine *m, gfp_t gfp_mask)
{
	return __gfp_pfmemalloc_flags(m, gfp_mask) != 0;
}

/*
 * wake_all_kswapds() (spec §5.3): every node of the zonelist/nodemask once
 * (consecutive zones of one node are skipped), up to high_zoneidx.
 */
void wake_all_kswapds(struct zf_machine *m, unsigned int order, const struct alloc_context *ac)
{
	const struct zonelist *zl = ac_zonelist(m, ac);
	int last_pgdat = -1;

	/* for_each_zone_zonelist_nodemask() */
	for (int i = first_zones_zonelist(m, zl, ac->high_zoneidx, ac->nodemask); i >= 0;
	     i = next_zones_zonelist(m, zl, i + 1, ac->high_zoneidx, ac->nodemask)) {
		struct zone *zone = zone_by_id(m, zl->zoneref[i]);

		if (last_pgdat != zone->node)
			wakeup_kswapd(m, zone, order, ac->high_zoneidx);
		last_pgdat = zone->node;
	}
}

/* ------------------------------------------------------------------ */
/* warn_alloc                                                          */
/* ------------------------------------------------------------------ */

/*
 * warn_alloc(): "page allocation failure" (stall = false) or "page allocation
 * stalls for %ums" (stall = true). __GFP_NOWARN silences it; the stall caller
 * clears __GFP_NOWARN first, as the kernel does, so only failure reports are
 * ever suppressed. No rate limit: the model counts every report. vmstat
 * alloc_fail counts every failure reaching fail: (warned or not),
 * alloc_stall_warn every stall report.
 */
void warn_alloc(struct zf_machine *m, gfp_t gfp_mask, uint32_t nodemask, bool stall)
{
	struct zf_alloc_frame *f = cur_frame(m);
	struct zf_alloc_result *res = f ? f->res : NULL;

	if (!stall)
		count_vm_event(m, ZF_VM_alloc_fail);
	if (gfp_mask & __GFP_NOWARN)
		return;
	if (stall) {
		count_vm_event(m, ZF_VM_alloc_stall_warn);
		if (res)
			res->stall_warnings++;
	} else if (res) {
		res->warned_failure = true;
	}
	zf_trace_label(m, ZF_EV_WARN_ALLOC, stall ? 1 : 0, f ? (int64_t)f->order : 0, nodemask);
}

/* ------------------------------------------------------------------ */
/* Direct compaction (spec §5.6)                                        */
/* ------------------------------------------------------------------ */

/*
 * __alloc_pages_direct_compact(): compact with the given priority and try to
 * allocate. For order 0 it returns at once and does not write
 * *compact_result. A result of COMPACT_INACTIVE (= DEFERRED in 4.12) or below
 * means no zone was really compacted: no COMPACTSTALL is counted. A page
 * obtained after compaction resets the zone's deferral.
 */
uint64_t __alloc_pages_direct_compact(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				      uint32_t alloc_flags, const struct alloc_context *ac,
				      int prio, compact_result_t *compact_result)
{
	struct zf_alloc_result *res = cur_result(m);
	uint32_t noreclaim_flag;
	uint64_t page;

	if (!order)
		return ZF_NO_PAGE;

	if (res)
		res->direct_compact_calls++;
	noreclaim_flag = memalloc_noreclaim_save(m);
	*compact_result = try_to_compact_pages(m, gfp_mask, order, alloc_flags, ac, prio);
	memalloc_noreclaim_restore(m, noreclaim_flag);
	if (res && res->nr_compact_results < ZF_MAX_COMPACT_LOG)
		res->compact_results[res->nr_compact_results++] = (uint8_t)*compact_result;

	if (*compact_result <= COMPACT_INACTIVE)
		return ZF_NO_PAGE;

	/* some zone was really compacted: this counts as a stall */
	count_vm_event(m, ZF_VM_compact_stall);
	zf_trace(m, ZF_EV_COMPACT_STALL, -1, ZF_NO_PAGE, order, *compact_result, prio, 0);

	page = get_page_from_freelist(m, gfp_mask, order, alloc_flags, ac);

	if (page != ZF_NO_PAGE) {
		struct zone *zone = page_zone(m, page);

		ZF_WRITE_ONCE(zone->compact_blockskip_flush, false);
		compaction_defer_reset(m, zone, (int)order, true);
		count_vm_event(m, ZF_VM_compact_success);
		zf_trace(m, ZF_EV_COMPACT_SUCCESS, zone->id, page, order, *compact_result, prio, 0);
		return page;
	}

	/* compaction ran but the page still did not come (typically: watermark) */
	count_vm_event(m, ZF_VM_compact_fail);
	zf_trace(m, ZF_EV_COMPACT_FAIL, -1, ZF_NO_PAGE, order, *compact_result, prio, 0);

	cond_resched(m);

	return ZF_NO_PAGE;
}

/*
 * should_compact_retry() of 4.12 (spec §5.8). SUCCESS counts a retry;
 * COMPLETE escalates the priority; a withdrawn result (SKIPPED, DEFERRED,
 * CONTENDED, PARTIAL_SKIPPED) retries as long as compaction_zonelist_suitable()
 * says so, with no bound of its own; otherwise retry up to MAX_COMPACT_RETRIES
 * (a quarter for costly orders), then escalate the priority down to
 * SYNC_FULL (SYNC_LIGHT for costly orders).
 */
bool should_compact_retry(struct zf_machine *m, const struct alloc_context *ac, int order,
			  uint32_t alloc_flags, compact_result_t compact_result,
			  int *compact_priority, unsigned int *compaction_retries)
{
	int max_retries = MAX_COMPACT_RETRIES;
	int min_priority;
	bool ret;

	if (!order)
		return false;

	if (compaction_made_progress(compact_result))
		(*compaction_retries)++;

	/* COMPLETE: only a harder priority can still help */
	if (compaction_failed(compact_result))
		goto check_priority;

	/*
	 * Withdrawn (deferred, skipped, contended, partial): not a verdict on
	 * the zones; retry as long as some zone is worth compacting at all.
	 */
	if (compaction_withdrawn(compact_result)) {
		ret = compaction_zonelist_suitable(m, ac, order, alloc_flags);
		goto out;
	}

	/* costly orders may fail, so they get a quarter of the retries (spec §5.8) */
	if (order > PAGE_ALLOC_COSTLY_ORDER)
		max_retries /= 4;
	if (*compaction_retries <= (unsigned int)max_retries) {
		ret = true;
		goto out;
	}

	/* out of retries at this priority: go one priority level harder, if any is left */
check_priority:
	min_priority =
	    (order > PAGE_ALLOC_COSTLY_ORDER) ? MIN_COMPACT_COSTLY_PRIORITY : MIN_COMPACT_PRIORITY;
	if (*compact_priority > min_priority) {
		(*compact_priority)--;
		*compaction_retries = 0;
		ret = true;
	} else {
		ret = false;
	}
out:
	zf_trace(m, ZF_EV_SHOULD_COMPACT_RETRY, -1, ZF_NO_PAGE, (unsigned int)order, ret,
		 *compaction_retries, *compact_priority);
	return ret;
}

/* ------------------------------------------------------------------ */
/* OOM (spec §5.9)                                                      */
/* ------------------------------------------------------------------ */

/*
 * __alloc_pages_cpuset_fallback(): first within the cpuset, then, if the
 * cpuset's nodes are depleted, anywhere.
 */
uint64_t __alloc_pages_cpuset_fallback(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				       uint32_t alloc_flags, const struct alloc_context *ac)
{
	uint64_t page;

	page = get_page_from_freelist(m, gfp_mask, order, alloc_flags | ALLOC_CPUSET, ac);
	/* the cpuset's nodes are empty: any node will do */
	if (page == ZF_NO_PAGE)
		page = get_page_from_freelist(m, gfp_mask, order, alloc_flags, ac);

	return page;
}

static void trace_may_oom(struct zf_machine *m, enum zf_oom_skip why, unsigned long progress,
			  uint64_t page)
{
	if (m->hooks.on_event)
		__zf_emit(m, ZF_EV_MAY_OOM, why, -1, page, cur_frame(m) ? cur_frame(m)->order : 0,
			  (int64_t)progress, 0, 0, __func__, __FILE__, __LINE__);
}

/*
 * __alloc_pages_may_oom() of 4.12 (spec §5.9). Someone else holding oom_lock
 * counts as progress (after a one-jiffy sleep, a yield point). Under the lock:
 * a last attempt at the HIGH watermark, then the skip conditions in the
 * kernel's order (each leaves did_some_progress at 0), then out_of_memory();
 * __GFP_NOFAIL gets progress even when nothing could be killed, and a page
 * from the full reserves.
 *
 * 4.13 (profile->retry_mayfail, dcda9b04713c) adds the __GFP_RETRY_MAYFAIL
 * skip. Planted bug B21 restores the pre-4.10 rule that __GFP_NOFAIL
 * overrides the skip conditions (revert of "mm, oom: do not enforce OOM
 * killer for __GFP_NOFAIL automatically").
 */
uint64_t __alloc_pages_may_oom(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
			       const struct alloc_context *ac, unsigned long *did_some_progress)
{
	struct oom_control oc = {
	    .ac = ac,
	    .gfp_mask = gfp_mask,
	    .order = (int)order,
	    .chosen = ZF_NO_TASK,
	};
	enum zf_oom_skip why = ZF_OOM_CALLED;
	uint64_t page;
	bool nofail_overrides = zf_bug(m, ZF_BUG_B21) && (gfp_mask & __GFP_NOFAIL);

	*did_some_progress = 0;

	/* oom_lock taken by another task: it is killing for us, count that as progress */
	if (!mutex_trylock_oom(m)) {
		*did_some_progress = 1;
		/* schedule_timeout_uninterruptible(1): others run meanwhile */
		zf_yield(m, ZF_YIELD_IN_OOM_WAIT);
		schedule_timeout(m, 1);
		trace_may_oom(m, ZF_OOM_LOCK_CONTENDED, *did_some_progress, ZF_NO_PAGE);
		return ZF_NO_PAGE;
	}

	/*
	 * Last chance at the HIGH watermark: it only succeeds if a concurrent
	 * OOM kill has just freed plenty of memory (spec §5.9).
	 */
	page = get_page_from_freelist(m, gfp_mask | __GFP_HARDWALL, order,
				      ALLOC_WMARK_HIGH | ALLOC_CPUSET, ac);
	if (page != ZF_NO_PAGE) {
		why = ZF_OOM_LAST_CHANCE_PAGE;
		goto out;
	}

	/* B21: before 4.10 the skip conditions were all under !(gfp_mask & __GFP_NOFAIL) */
	if (!nofail_overrides) {
		/* a dumping task could eat all the reserves */
		if (current_flags(m) & ZF_PF_DUMPCORE) {
			why = ZF_OOM_SKIP_DUMPCORE;
			goto out;
		}
		/* killing frees order-0 pages; it cannot help a costly order */
		if (order > PAGE_ALLOC_COSTLY_ORDER) {
			why = ZF_OOM_SKIP_COSTLY;
			goto out;
		}
		/* 4.13: "try hard, may fail, never OOM" (spec §8) */
		if (m->profile->retry_mayfail && (gfp_mask & __GFP_RETRY_MAYFAIL)) {
			why = ZF_OOM_SKIP_RETRY_MAYFAIL;
			goto out;
		}
		/* lowmem-only requests: a kill frees mostly higher zones */
		if (ac->high_zoneidx < ZONE_NORMAL) {
			why = ZF_OOM_SKIP_LOWMEM;
			goto out;
		}
		/* pm_suspended_storage() */
		if (m->cfg.suspended_storage) {
			why = ZF_OOM_SKIP_SUSPENDED;
			goto out;
		}
		/*
		 * (!__GFP_FS requests go on: out_of_memory() reports progress
		 * for them without killing, spec §5.9.)
		 */

		/* a kill need not free anything on this particular node */
		if (gfp_mask & __GFP_THISNODE) {
			why = ZF_OOM_SKIP_THISNODE;
			goto out;
		}
	} else {
		/*
		 * B21: the pre-4.10 out_of_memory() tested
		 * !(gfp_mask & (__GFP_FS | __GFP_NOFAIL)) for its no-kill
		 * shortcut, so a NOFAIL request without __GFP_FS killed too.
		 * out_of_memory() (oom_kill.c) keeps the 4.12 test on __GFP_FS,
		 * so the model hands it the mask with __GFP_FS set, which makes
		 * that test read as the old one; nothing else it does depends
		 * on __GFP_FS.
		 */
		oc.gfp_mask |= __GFP_FS;
	}

	/* nothing else is left: invoke the OOM killer */
	if (out_of_memory(m, &oc) || (gfp_mask & __GFP_NOFAIL) /* WARN_ON_ONCE */) {
		*did_some_progress = 1;

		/* a NOFAIL request gets the full reserves here */
		if (gfp_mask & __GFP_NOFAIL)
			page = __alloc_pages_cpuset_fallback(m, gfp_mask, order,
							     ALLOC_NO_WATERMARKS, ac);
	}
out:
	mutex_unlock_oom(m);
	trace_may_oom(m, why, *did_some_progress, page);
	return page;
}

/* ------------------------------------------------------------------ */
/* Direct reclaim (spec §5.5)                                           */
/* ------------------------------------------------------------------ */

/*
 * __perform_reclaim(): synchronous direct reclaim with PF_MEMALLOC set.
 * The progress is the number of pages reclaimed (forced to 1 by vmscan.c in
 * the compaction_ready / throttled-and-killed cases).
 */
static unsigned long __perform_reclaim(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				       const struct alloc_context *ac)
{
	struct zf_alloc_result *res = cur_result(m);
	uint32_t noreclaim_flag;
	unsigned long progress;

	cond_resched(m);

	/* cpuset_memory_pressure_bump(): the cpuset pressure meter is not modelled */
	noreclaim_flag = memalloc_noreclaim_save(m);
	/* current->reclaim_state: slab is not modelled */
	progress = try_to_free_pages(m, ac_zonelist(m, ac), (int)order, gfp_mask, ac->nodemask);
	memalloc_noreclaim_restore(m, noreclaim_flag);

	cond_resched(m);

	if (res) {
		res->direct_reclaim_calls++;
		res->reclaimed += progress;
	}
	return progress;
}

/*
 * __alloc_pages_direct_reclaim(): reclaim, then try to allocate; if that
 * fails, pages may be pinned on the per-cpu lists or in the highatomic
 * reserve: release them once and try again.
 */
uint64_t __alloc_pages_direct_reclaim(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				      uint32_t alloc_flags, const struct alloc_context *ac,
				      unsigned long *did_some_progress)
{
	uint64_t page;
	bool drained = false;

	*did_some_progress = __perform_reclaim(m, gfp_mask, order, ac);
	if (!*did_some_progress)
		return ZF_NO_PAGE;

retry:
	page = get_page_from_freelist(m, gfp_mask, order, alloc_flags, ac);

	/*
	 * Reclaim made progress but the attempt failed: the freed pages may sit
	 * on pcp lists or in the highatomic reserve. Release both once (spec §5.5).
	 */
	if (page == ZF_NO_PAGE && !drained) {
		unreserve_highatomic_pageblock(m, ac, false);
		drain_all_pages(m, NULL);
		drained = true;
		goto retry;
	}

	return page;
}

/*
 * should_reclaim_retry() of 4.12 (spec §5.7): keep reclaiming while some zone
 * of the zonelist/nodemask would pass its MIN watermark if everything
 * reclaimable were reclaimed. Costly orders always count as no progress;
 * after MAX_RECLAIM_RETRIES rounds without progress the highatomic reserve is
 * released (force) and that decides. Without progress and with much dirty or
 * writeback memory, wait for IO (congestion_wait) before retrying. No cpuset
 * filter in 4.12.
 */
bool should_reclaim_retry(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
			  const struct alloc_context *ac, uint32_t alloc_flags,
			  bool did_some_progress, unsigned int *no_progress_loops)
{
	const struct zonelist *zl = ac_zonelist(m, ac);
	bool ret = false;

	(void)gfp_mask;

	/* reclaim progress does not make a costly block appear: those always count up */
	if (did_some_progress && order <= PAGE_ALLOC_COSTLY_ORDER)
		*no_progress_loops = 0;
	else
		(*no_progress_loops)++;

	/* too many rounds without progress: the highatomic reserve is the last resort */
	if (*no_progress_loops > MAX_RECLAIM_RETRIES) {
		ret = unreserve_highatomic_pageblock(m, ac, true);
		goto out;
	}

	/* retry while some eligible zone could still make it (no cpuset filter in 4.12) */
	for (int i = first_zones_zonelist(m, zl, ac->high_zoneidx, ac->nodemask); i >= 0;
	     i = next_zones_zonelist(m, zl, i + 1, ac->high_zoneidx, ac->nodemask)) {
		struct zone *zone = zone_by_id(m, zl->zoneref[i]);
		uint64_t available, reclaimable;
		uint64_t min_wmark = min_wmark_pages(zone);
		int64_t free = zone_page_state_snapshot(zone, NR_FREE_PAGES);

		available = reclaimable = zone_reclaimable_pages(m, zone);
		available += free > 0 ? (uint64_t)free : 0;

		/* the MIN test as if every reclaimable page were already free */
		if (__zone_watermark_ok(zone, order, min_wmark, ac_classzone_idx(m, ac),
					alloc_flags, (int64_t)available, m->max_order)) {
			/*
			 * No progress while more than half of the reclaimable
			 * pages wait for IO: sleep HZ/10 for writeback (removed
			 * in 5.16, spec §8), then retry.
			 */
			if (!did_some_progress) {
				int64_t write_pending =
				    zone_page_state_snapshot(zone, NR_ZONE_WRITE_PENDING);

				if (write_pending > 0 &&
				    2 * (uint64_t)write_pending > reclaimable) {
					congestion_wait(m, HZ / 10);
					ret = true;
					goto out;
				}
			}

			/*
			 * A workqueue worker must really sleep (one jiffy) so the
			 * workqueue can run other work; others only reschedule.
			 */
			if (current_flags(m) & ZF_PF_WQ_WORKER)
				schedule_timeout(m, 1);
			else
				cond_resched(m);

			ret = true;
			goto out;
		}
	}

out:
	zf_trace(m, ZF_EV_SHOULD_RECLAIM_RETRY, -1, ZF_NO_PAGE, order, ret, *no_progress_loops, 0);
	return ret;
}

/* ------------------------------------------------------------------ */
/* __alloc_pages_slowpath (spec §5.4)                                   */
/* ------------------------------------------------------------------ */

/* Keep the frame in step with the slow path's locals (model contract "Allocating"). */
static void slowpath_sync(struct zf_alloc_frame *f, gfp_t gfp_mask, uint32_t alloc_flags,
			  unsigned int no_progress_loops, unsigned int compaction_retries,
			  int compact_priority)
{
	if (!f)
		return;
	f->gfp = gfp_mask;
	f->alloc_flags = alloc_flags;
	f->no_progress_loops = no_progress_loops;
	f->compaction_retries = compaction_retries;
	f->compact_priority = compact_priority;
}

/*
 * The cpuset (and 6.1 zonelist) check made before OOM and at nopage:.
 * 4.12: read_mems_allowed_retry(cookie). 4.13 (profile->check_retry_cpuset,
 * 902b62810a57): check_retry_cpuset() (cpuset.c), which also drops an
 * ac->nodemask that no longer intersects the cpuset (planted bug B6 reverts
 * that part inside it). 6.1 (profile->zonelist_seq, 3d36424b3b58): also
 * restart when a zonelist was rebuilt meanwhile; planted bug B4 leaves that
 * check out. Returns the goto to take, or -1 to go on.
 */
static int slowpath_check_restart(struct zf_machine *m, unsigned int cpuset_mems_cookie,
				  uint64_t zonelist_cookie, struct alloc_context *ac,
				  enum zf_slowpath_goto cpuset_goto)
{
	if (m->profile->check_retry_cpuset) {
		uint32_t nodemask = ac->nodemask;

		if (check_retry_cpuset(m, cpuset_mems_cookie, ac))
			return ac->nodemask != nodemask ? ZF_GOTO_RESTART_CHECK_RETRY_CPUSET
							: (int)cpuset_goto;
	} else if (read_mems_allowed_retry(m, cpuset_mems_cookie)) {
		return (int)cpuset_goto;
	}
	if (m->profile->zonelist_seq && !zf_bug(m, ZF_BUG_B4) &&
	    check_retry_zonelist(m, zonelist_cookie))
		return ZF_GOTO_RESTART_ZONELIST;
	return -1;
}

/* Trace a label / a goto after bringing the frame up to date. */
#define SP_SYNC()                                                                                  \
	slowpath_sync(f, gfp_mask, alloc_flags, no_progress_loops, compaction_retries,             \
		      compact_priority)
#define SP_LABEL(l)                                                                                \
	do {                                                                                       \
		SP_SYNC();                                                                         \
		zf_trace_label(m, ZF_EV_SLOWPATH_LABEL, (l), 0, 0);                                \
	} while (0)
#define SP_GOTO(g)                                                                                 \
	do {                                                                                       \
		SP_SYNC();                                                                         \
		zf_trace_label(m, ZF_EV_SLOWPATH_GOTO, (g), 0, 0);                                 \
	} while (0)
#define SP_YIELD(yp)                                                                               \
	do {                                                                                       \
		SP_SYNC();                                                                         \
		zf_yield(m, (yp));                                                                 \
	} while (0)
/*
 * The caller's record as the slow path returns it (not a kernel tracepoint:
 * the per-allocation record is the model's product output, and an oracle
 * checks it against the reclaim and retry events of the allocation).
 */
#define SP_RESULT()                                                                                \
	do {                                                                                       \
		if (res)                                                                           \
			zf_trace(m, ZF_EV_SLOWPATH_RESULT, -1, ZF_NO_PAGE, order,                  \
				 (int64_t)res->reclaimed, res->direct_reclaim_calls,               \
				 res->nofail_loops);                                               \
	} while (0)
/* a goto retry: counted for zf_alloc_result and the watchdog */
#define SP_GOTO_RETRY(g)                                                                           \
	do {                                                                                       \
		nr_retries++;                                                                      \
		if (res)                                                                           \
			res->retries++;                                                            \
		SP_GOTO(g);                                                                        \
		zf_loop_tick(m);                                                                   \
		goto retry;                                                                        \
	} while (0)
#define SP_GOTO_RETRY_CPUSET(g)                                                                    \
	do {                                                                                       \
		nr_retry_cpuset++;                                                                 \
		if (res)                                                                           \
			res->retry_cpuset++;                                                       \
		SP_GOTO(g);                                                                        \
		goto retry_cpuset;                                                                 \
	} while (0)

/*
 * __alloc_pages_slowpath() of 4.12 (spec §5.4), called by
 * __alloc_pages_nodemask() after the fast path failed; cur_frame(m) is this
 * allocation's frame.
 */
__cold uint64_t __alloc_pages_slowpath(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				       struct alloc_context *ac)
{
	bool can_direct_reclaim = (gfp_mask & __GFP_DIRECT_RECLAIM) != 0;
	const bool costly_order = order > PAGE_ALLOC_COSTLY_ORDER;
	uint64_t page = ZF_NO_PAGE;
	uint32_t alloc_flags = 0;
	uint32_t reserve_flags;
	unsigned long did_some_progress = 0;
	int compact_priority = DEF_COMPACT_PRIORITY;
	/*
	 * 4.12 leaves compact_result uninitialised when the early compaction is
	 * skipped; every read comes after the post-reclaim direct compaction
	 * has written it (order > 0) or is guarded by order == 0, so the model
	 * initialises it to COMPACT_SKIPPED without changing behaviour.
	 */
	compact_result_t compact_result = COMPACT_SKIPPED;
	unsigned int compaction_retries = 0;
	unsigned int no_progress_loops = 0;
	/* 4.9..4.14 stall warning (profile->stall_warning) */
	uint64_t alloc_start = jiffies_now(m);
	uint64_t stall_timeout = 10 * HZ;
	unsigned int cpuset_mems_cookie;
	uint64_t zonelist_iter_cookie = 0; /* 6.1 */
	struct zf_alloc_frame *f = cur_frame(m);
	struct zf_alloc_result *res = f ? f->res : NULL;
	unsigned int max_retries = m->cfg.max_retries ? m->cfg.max_retries : 10000;
	unsigned int nr_retries = 0, nr_retry_cpuset = 0;
	int restart;

	count_vm_event(m, ZF_VM_slowpath_entered);

	/* no free area of such an order exists: give up before any reclaim (spec §5.4) */
	if (order >= m->max_order) {
		/* WARN_ON_ONCE(!(gfp_mask & __GFP_NOWARN)) */
		SP_GOTO(ZF_GOTO_NOPAGE_MAX_ORDER);
		return ZF_NO_PAGE;
	}

	/* __GFP_ATOMIC together with direct reclaim is a caller bug: drop ATOMIC */
	if ((gfp_mask & (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) ==
	    (__GFP_ATOMIC | __GFP_DIRECT_RECLAIM)) /* WARN_ON_ONCE */
		gfp_mask &= ~__GFP_ATOMIC;

retry_cpuset:
	SP_LABEL(ZF_LABEL_RETRY_CPUSET);
	if (nr_retry_cpuset > max_retries)
		goto watchdog;
	compaction_retries = 0;
	no_progress_loops = 0;
	compact_priority = DEF_COMPACT_PRIORITY;
	cpuset_mems_cookie = read_mems_allowed_begin(m);
	if (m->profile->zonelist_seq)
		zonelist_iter_cookie = zonelist_iter_begin(m);

	/* the precise flags now (the fast path only used ALLOC_WMARK_LOW) */
	alloc_flags = gfp_to_alloc_flags(m, gfp_mask);
	SP_SYNC();

	if (!zf_bug(m, ZF_BUG_B5)) {
		/*
		 * Recompute the walk's starting zone: the fast path used the
		 * cpuset's mems as nodemask, and a cpuset change may have sent
		 * us back here (spec §5.4).
		 */
		ac->preferred_zoneref =
		    first_zones_zonelist(m, ac_zonelist(m, ac), ac->high_zoneidx, ac->nodemask);
		if (!ac_preferred_zone(m, ac)) {
			SP_GOTO(ZF_GOTO_NOPAGE_NO_ZONEREF);
			goto nopage;
		}
	}
	/*
	 * B5 (the 4.7-4.9 state, c33d6c06f60f before ea57485af8f4 and the 4.10
	 * cpuset fixes): the zoneref computed by the fast path, with the
	 * cpuset's mems as nodemask, is kept, and the check read
	 * "if (!ac->preferred_zoneref)", which tests a pointer that is never
	 * NULL, so an empty zone set is never sent to nopage here.
	 */

	if (gfp_mask & __GFP_KSWAPD_RECLAIM)
		wake_all_kswapds(m, order, ac);
	SP_YIELD(ZF_YIELD_AFTER_WAKE_KSWAPD);

	/* first attempt with the slow path's flags (the MIN watermark) */
	page = get_page_from_freelist(m, gfp_mask, order, alloc_flags, ac);
	if (page != ZF_NO_PAGE) {
		SP_GOTO(ZF_GOTO_GOT_PG_FIRST);
		goto got_pg;
	}

	/*
	 * Early async compaction (spec §5.4): costly orders, and any order > 0
	 * that is not movable, compact before reclaiming; requests that may use
	 * the reserves first get their NO_WATERMARKS attempt at retry:.
	 */
	if (can_direct_reclaim &&
	    (costly_order || (order > 0 && ac->migratetype != MIGRATE_MOVABLE)) &&
	    !gfp_pfmemalloc_allowed(m, gfp_mask)) {
		page = __alloc_pages_direct_compact(m, gfp_mask, order, alloc_flags, ac,
						    INIT_COMPACT_PRIORITY, &compact_result);
		SP_YIELD(ZF_YIELD_AFTER_COMPACT);
		if (page != ZF_NO_PAGE) {
			SP_GOTO(ZF_GOTO_GOT_PG_EARLY_COMPACT);
			goto got_pg;
		}

		/* costly __GFP_NORETRY (THP faults) */
		if (costly_order && (gfp_mask & __GFP_NORETRY)) {
			/* sync compaction failed lately: fail, do not reclaim */
			if (compact_result == COMPACT_DEFERRED) {
				SP_GOTO(ZF_GOTO_NOPAGE_COSTLY_NORETRY_DEFERRED);
				goto nopage;
			}

			/* one round of reclaim, with async compaction only */
			compact_priority = INIT_COMPACT_PRIORITY;
		}
	}

retry:
	SP_LABEL(ZF_LABEL_RETRY);
	if (nr_retries > max_retries)
		goto watchdog;
	SP_YIELD(ZF_YIELD_AT_RETRY);

	/* keep kswapd awake while this allocation loops */
	if (gfp_mask & __GFP_KSWAPD_RECLAIM)
		wake_all_kswapds(m, order, ac);

	/*
	 * 4.12: if (gfp_pfmemalloc_allowed()) alloc_flags = ALLOC_NO_WATERMARKS,
	 * by assignment (CPUSET, HIGH, HARDER and CMA are dropped). 4.14
	 * (profile->alloc_oom): ALLOC_OOM for OOM victims instead.
	 */
	reserve_flags = __gfp_pfmemalloc_flags(m, gfp_mask);
	if (reserve_flags)
		alloc_flags = reserve_flags;
	SP_SYNC();

	/*
	 * Requests that ignore the cpuset (atomic, reserves) also ignore the
	 * memory policy: restart the walk on a wider set (spec §5.4). 4.12
	 * tests ALLOC_NO_WATERMARKS here, which is exactly reserve_flags there.
	 */
	if (!(alloc_flags & ALLOC_CPUSET) || reserve_flags) {
		if (m->profile->retry_nodemask_null) {
			/* 4.13: ignore the nodemask instead of switching zonelists */
			ac->nodemask = 0;
		} else {
			/* 4.12: the local node's zonelist, ac->nodemask kept */
			ac->zonelist_nid = (int)numa_node_id(m);
			ac->zonelist_which = gfp_zonelist(gfp_mask);
		}
		ac->preferred_zoneref =
		    first_zones_zonelist(m, ac_zonelist(m, ac), ac->high_zoneidx, ac->nodemask);
	}

	page = get_page_from_freelist(m, gfp_mask, order, alloc_flags, ac);
	if (page != ZF_NO_PAGE) {
		SP_GOTO(ZF_GOTO_GOT_PG_RETRY_ALLOC);
		goto got_pg;
	}

	/* atomic / GFP_NOWAIT: nothing more can be done */
	if (!can_direct_reclaim) {
		SP_GOTO(ZF_GOTO_NOPAGE_NO_DIRECT_RECLAIM);
		goto nopage;
	}

	/* report allocations stalled for more than 10 s, every 10 s (4.9-4.14) */
	if (m->profile->stall_warning && jiffies_now(m) > alloc_start + stall_timeout) {
		warn_alloc(m, gfp_mask & ~__GFP_NOWARN, ac->nodemask, true);
		stall_timeout += 10 * HZ;
	}

	/* already inside reclaim (or kswapd): no recursion */
	if (current_flags(m) & ZF_PF_MEMALLOC) {
		SP_GOTO(ZF_GOTO_NOPAGE_PF_MEMALLOC);
		goto nopage;
	}

	page =
	    __alloc_pages_direct_reclaim(m, gfp_mask, order, alloc_flags, ac, &did_some_progress);
	SP_YIELD(ZF_YIELD_AFTER_RECLAIM);
	if (page != ZF_NO_PAGE) {
		SP_GOTO(ZF_GOTO_GOT_PG_DIRECT_RECLAIM);
		goto got_pg;
	}

	page = __alloc_pages_direct_compact(m, gfp_mask, order, alloc_flags, ac, compact_priority,
					    &compact_result);
	SP_YIELD(ZF_YIELD_AFTER_COMPACT);
	if (page != ZF_NO_PAGE) {
		SP_GOTO(ZF_GOTO_GOT_PG_DIRECT_COMPACT);
		goto got_pg;
	}

	if (gfp_mask & __GFP_NORETRY) {
		SP_GOTO(ZF_GOTO_NOPAGE_NORETRY);
		goto nopage;
	}

	/*
	 * Costly orders loop only with __GFP_REPEAT (4.13: __GFP_RETRY_MAYFAIL,
	 * the same bit; this test is unchanged, the new meaning is the may_oom
	 * skip).
	 */
	if (costly_order && !(gfp_mask & __GFP_REPEAT)) {
		SP_GOTO(ZF_GOTO_NOPAGE_COSTLY_NO_REPEAT);
		goto nopage;
	}

	if (should_reclaim_retry(m, gfp_mask, order, ac, alloc_flags, did_some_progress > 0,
				 &no_progress_loops))
		SP_GOTO_RETRY(ZF_GOTO_RETRY_SHOULD_RECLAIM);

	/* compaction needs free order-0 pages: retry it only after reclaim progress */
	if (did_some_progress > 0 &&
	    should_compact_retry(m, ac, (int)order, alloc_flags, compact_result, &compact_priority,
				 &compaction_retries))
		SP_GOTO_RETRY(ZF_GOTO_RETRY_SHOULD_COMPACT);

	SP_YIELD(ZF_YIELD_BEFORE_OOM);

	/* a cpuset change during the attempt would make this OOM premature */
	restart = slowpath_check_restart(m, cpuset_mems_cookie, zonelist_iter_cookie, ac,
					 ZF_GOTO_RETRY_CPUSET_BEFORE_OOM);
	if (restart >= 0)
		SP_GOTO_RETRY_CPUSET((enum zf_slowpath_goto)restart);

	page = __alloc_pages_may_oom(m, gfp_mask, order, ac, &did_some_progress);
	if (page != ZF_NO_PAGE) {
		SP_GOTO(ZF_GOTO_GOT_PG_MAY_OOM);
		goto got_pg;
	}

	/*
	 * An OOM victim that already had the reserves must not loop on them.
	 * 4.12: TIF_MEMDIE && ALLOC_NO_WATERMARKS; 4.14 (profile->alloc_oom):
	 * tsk_is_oom_victim && ALLOC_OOM.
	 */
	if (m->profile->alloc_oom
		? (current_task(m) && tsk_is_oom_victim(m, zf_current(m)) &&
		   (alloc_flags == ALLOC_OOM || (gfp_mask & __GFP_NOMEMALLOC)))
		: ((current_flags(m) & ZF_TIF_MEMDIE) &&
		   (alloc_flags == ALLOC_NO_WATERMARKS || (gfp_mask & __GFP_NOMEMALLOC)))) {
		SP_GOTO(ZF_GOTO_NOPAGE_OOM_VICTIM);
		goto nopage;
	}

	/* OOM progress (a kill, a victim still exiting, the lock busy, !__GFP_FS) */
	if (did_some_progress) {
		no_progress_loops = 0;
		SP_GOTO_RETRY(ZF_GOTO_RETRY_OOM_PROGRESS);
	}
	SP_GOTO(ZF_GOTO_NOPAGE_FALLTHROUGH);

nopage:
	SP_LABEL(ZF_LABEL_NOPAGE);
	/* about to fail: if the cpuset (or policy) changed meanwhile, start over */
	restart = slowpath_check_restart(m, cpuset_mems_cookie, zonelist_iter_cookie, ac,
					 ZF_GOTO_RETRY_CPUSET_NOPAGE);
	if (restart >= 0)
		SP_GOTO_RETRY_CPUSET((enum zf_slowpath_goto)restart);

	/* __GFP_NOFAIL never returns here without a page (spec §5.4 nopage) */
	if (gfp_mask & __GFP_NOFAIL) {
		/* NOFAIL without direct reclaim is a caller bug: WARN_ON_ONCE and fail */
		if (!can_direct_reclaim) {
			SP_GOTO(ZF_GOTO_FAIL_NOFAIL_NO_RECLAIM);
			goto fail;
		}

		/*
		 * The kernel also warns (once) for NOFAIL under PF_MEMALLOC,
		 * which can only loop, and for costly NOFAIL orders; the model
		 * has no event for these WARN_ON_ONCEs.
		 *
		 * Part of the reserves (ALLOC_HARDER: 3/4 of MIN, highatomic),
		 * not all of them. B21: before 4.10 ("mm: help __GFP_NOFAIL
		 * allocations which do not trigger OOM killer") there was no such
		 * attempt.
		 */
		if (!zf_bug(m, ZF_BUG_B21)) {
			page = __alloc_pages_cpuset_fallback(m, gfp_mask, order, ALLOC_HARDER, ac);
			if (page != ZF_NO_PAGE) {
				SP_GOTO(ZF_GOTO_GOT_PG_NOFAIL_FALLBACK);
				goto got_pg;
			}
		}

		cond_resched(m);
		if (res)
			res->nofail_loops++;
		SP_GOTO_RETRY(ZF_GOTO_RETRY_NOFAIL);
	}
	SP_GOTO(ZF_GOTO_FAIL_FALLTHROUGH);
fail:
	SP_LABEL(ZF_LABEL_FAIL);
	warn_alloc(m, gfp_mask, ac->nodemask, false);
got_pg:
	SP_LABEL(ZF_LABEL_GOT_PG);
	/* ALLOC_END reports the flags of the attempt that produced the page */
	if (page != ZF_NO_PAGE && f && res)
		f->alloc_flags = res->alloc_flags;
	SP_RESULT();
	return page;

watchdog:
	/*
	 * Not kernel code: the harness's retry cap (cfg.max_retries) stops an
	 * allocation that keeps looping (model contract "the watchdog").
	 */
	zf_trace(m, ZF_EV_WATCHDOG, -1, ZF_NO_PAGE, order, nr_retries, nr_retry_cpuset, 0);
	if (res)
		res->status = ZF_ALLOC_ABORTED;
	SP_RESULT();
	return ZF_NO_PAGE;
}

#undef SP_SYNC
#undef SP_LABEL
#undef SP_GOTO
#undef SP_YIELD
#undef SP_GOTO_RETRY
#undef SP_GOTO_RETRY_CPUSET
#undef SP_RESULT
