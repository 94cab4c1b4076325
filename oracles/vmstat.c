/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_VMSTAT: every /proc/vmstat event counter the model exposes agrees
 * with the trace events observed (spec §2: the counters are exact, no per-cpu
 * deltas). In the kernel a vm_event counter and its tracepoint sit at the same
 * site (count_vm_event(PGSCAN_DIRECT) next to trace_mm_vmscan_lru_shrink_inactive,
 * COMPACTSTALL next to the compaction stall, ...), and /proc/vmstat is what a
 * user compares with a real machine: a lost or doubled count is a wrong
 * report even where no allocator decision reads the counter.
 *
 * The oracle keeps shadow counts accumulated from events and compares them,
 * at every full walk, with zf_inspect_vmstat() minus the value it had when the
 * oracle was reset (a machine may have run before the oracles were attached):
 *
 *   pgalloc_<zone>        ALLOC_END with a page: 1 << order in the page's zone type
 *   allocstall_<zone>     DIRECT_RECLAIM_BEGIN (b = reclaim_idx)
 *   pgscan_/pgsteal_{kswapd,direct}
 *                         LRU_SHRINK_INACTIVE a / b (label 1: kswapd)
 *   pgactivate            >= LRU_SHRINK_INACTIVE c (an explicit activation of
 *                         the scenario's lru ops has no tracepoint: lower bound)
 *   pgdeactivate          LRU_SHRINK_ACTIVE b
 *   kswapd_wakeups_woken  WAKE_KSWAPD with a = 1
 *   pageoutrun            KSWAPD_BALANCE (one per balance_pgdat)
 *   compact_stall / success / fail
 *                         COMPACT_STALL / COMPACT_SUCCESS / COMPACT_FAIL
 *   compact_migrate_scanned, compact_free_scanned
 *                         ISOLATE_MIGRATEPAGES a, ISOLATE_FREEPAGES a
 *   compact_isolated      ISOLATE_MIGRATEPAGES b + ISOLATE_FREEPAGES b
 *   compact_daemon_wake   KCOMPACTD_WAKE
 *   pgmigrate_success / fail
 *                         MIGRATE_PAGES a / b
 *   oom_kill / oom_reaped OOM_KILL / OOM_REAP
 *   alloc_fail            SLOWPATH_LABEL fail (warn_alloc(!stall) runs there only)
 *   alloc_stall_warn      WARN_ALLOC label 1 (the stall report ignores __GFP_NOWARN)
 *   slowpath_entered      SLOWPATH_LABEL retry_cpuset minus the gotos back to it,
 *                         plus the order >= MAX_ORDER exit before it
 *   pcp_refill / pcp_drain
 *                         PCP_REFILL / PCPU_DRAIN label 0
 *   highatomic_reserved / unreserved
 *                         HIGHATOMIC_RESERVE / HIGHATOMIC_UNRESERVE
 *   extfrag_events        EXTFRAG
 *   fault_injected        FAULT_INJECT
 *
 *   pswpout               >= the growth of the tasks' swap entries since the
 *                         reset (a swap entry is only made by a swap-out; an
 *                         exit or release drops some: a lower bound)
 *
 * and, per shrink_node() round, the SHRINK_NODE's scanned count (sc->nr_scanned
 * over the round) is the sum of the round's LRU_SHRINK_INACTIVE nr_scanned of
 * the same reclaimer (kswapd, or the task in direct reclaim).
 *
 * Not checked (no tracepoint carries them): pgfree, writeback_completed.
 *
 * Cost: O(1) per event; O(counters) per walk.
 */
#include <stdio.h>
#include <string.h>

#include "oracle_internal.h"

/* The reclaim and retry events of one allocation in progress (ALLOC_BEGIN .. ALLOC_END). */
struct vmstat_alloc {
	int64_t reclaim_end_sum; /* DIRECT_RECLAIM_END a (= try_to_free_pages' progress) */
	int64_t reclaim_ends;
	int64_t nofail_gotos; /* SLOWPATH_GOTO RETRY_NOFAIL */
	bool in_slowpath;     /* alloc_start is known */
	uint64_t alloc_start; /* jiffies at the slow path's entry (first retry_cpuset) */
	uint64_t stalls;      /* stall reports so far */
};

struct vmstat_state {
	struct vmstat_alloc alloc[ZF_O_MAX_NEST];
	int depth;
	bool result_reported, stall_reported, scan_reported;
	uint64_t base[ZF_NR_VMSTAT];    /* zf_inspect_vmstat() at reset */
	int64_t shadow[ZF_NR_VMSTAT];   /* counts accumulated from events */
	bool reported[ZF_NR_VMSTAT];    /* one finding per counter and run */
	bool lower_bound[ZF_NR_VMSTAT]; /* counter >= shadow only */
	bool checked[ZF_NR_VMSTAT];
	uint64_t swapents_base[ZF_MAX_TASKS]; /* each task's swap entries at reset */
	int64_t round_scanned[2];             /* LRU_SHRINK_INACTIVE a this round: direct, kswapd */
	bool round_reported;
};

static const enum zf_vmstat_item vmstat_checked[] = {
    ZF_VM_pgalloc_dma,          ZF_VM_pgalloc_dma32,
    ZF_VM_pgalloc_normal,       ZF_VM_pgalloc_movable,
    ZF_VM_allocstall_dma,       ZF_VM_allocstall_dma32,
    ZF_VM_allocstall_normal,    ZF_VM_allocstall_movable,
    ZF_VM_pgscan_kswapd,        ZF_VM_pgscan_direct,
    ZF_VM_pgsteal_kswapd,       ZF_VM_pgsteal_direct,
    ZF_VM_kswapd_wakeups_woken, ZF_VM_pageoutrun,
    ZF_VM_pgactivate,           ZF_VM_pgdeactivate,
    ZF_VM_compact_stall,        ZF_VM_compact_success,
    ZF_VM_compact_fail,         ZF_VM_compact_migrate_scanned,
    ZF_VM_compact_free_scanned, ZF_VM_compact_isolated,
    ZF_VM_compact_daemon_wake,  ZF_VM_pgmigrate_success,
    ZF_VM_pgmigrate_fail,       ZF_VM_oom_kill,
    ZF_VM_oom_reaped,           ZF_VM_alloc_fail,
    ZF_VM_alloc_stall_warn,     ZF_VM_slowpath_entered,
    ZF_VM_pcp_refill,           ZF_VM_pcp_drain,
    ZF_VM_highatomic_reserved,  ZF_VM_highatomic_unreserved,
    ZF_VM_extfrag_events,       ZF_VM_fault_injected,
};

static void vmstat_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct vmstat_state *s = p;
	(void)c;
	memset(s, 0, sizeof(*s));
	for (int i = 0; i < ZF_NR_VMSTAT; i++)
		s->base[i] = zf_inspect_vmstat(m, (enum zf_vmstat_item)i);
	for (size_t k = 0; k < sizeof(vmstat_checked) / sizeof(vmstat_checked[0]); k++)
		s->checked[vmstat_checked[k]] = true;
	s->lower_bound[ZF_VM_pgactivate] = true;
	s->lower_bound[ZF_VM_pswpout] = true;
	s->checked[ZF_VM_pswpout] = true;
	for (int t = 0; t < ZF_MAX_TASKS; t++) {
		struct zf_task_info ti;
		if (zf_inspect_task(m, t, &ti) == 0)
			s->swapents_base[t] = ti.swapents;
	}
}

static void shadow_add(struct vmstat_state *s, enum zf_vmstat_item i, int64_t n)
{
	s->shadow[i] += n;
}

/*
 * The allocation's own record (the per-allocation JSON record: reclaimed,
 * direct_reclaim_calls, nofail_loops) against its events: every direct
 * reclaim call adds try_to_free_pages' progress, which is DIRECT_RECLAIM_END
 * a, or 1 without any reclaim event when throttle_direct_reclaim() found a
 * fatal signal (§7.2); every nopage -> retry of a __GFP_NOFAIL request is a
 * nofail loop. One finding per run.
 */
static void check_result(struct vmstat_state *s, struct zf_oracle_set *c,
			 const struct zf_machine *m, const struct zf_event *ev,
			 const struct vmstat_alloc *al)
{
	int64_t calls = ev->b, silent = ev->b - al->reclaim_ends;
	if (silent < 0) {
		s->result_reported = true;
		zf_oreport(
		    c, m, ev, -1,
		    "the allocation reports %lld direct reclaim calls, but %lld reclaim runs "
		    "ended (DIRECT_RECLAIM_END)",
		    (long long)calls, (long long)al->reclaim_ends);
	} else if (ev->a < al->reclaim_end_sum || ev->a > al->reclaim_end_sum + silent) {
		s->result_reported = true;
		zf_oreport(
		    c, m, ev, -1,
		    "the allocation reports %lld pages reclaimed, but its direct reclaim runs "
		    "reclaimed %lld (+ at most %lld for throttled calls with a fatal signal)",
		    (long long)ev->a, (long long)al->reclaim_end_sum, (long long)silent);
	} else if (ev->c != al->nofail_gotos) {
		s->result_reported = true;
		zf_oreport(
		    c, m, ev, -1,
		    "the allocation reports %lld __GFP_NOFAIL loops, but nopage -> retry was "
		    "taken %lld times",
		    (long long)ev->c, (long long)al->nofail_gotos);
	}
}

/*
 * The stall report of 4.9-4.14 (__alloc_pages_slowpath: "if (time_after(jiffies,
 * alloc_start + stall_timeout)) { warn_alloc(...); stall_timeout += 10 * HZ; }"):
 * the k-th report of an allocation comes more than k * 10 s after the slow
 * path's entry. One finding per run.
 */
static void check_stall(struct vmstat_state *s, struct zf_oracle_set *c, const struct zf_machine *m,
			const struct zf_event *ev, struct vmstat_alloc *al)
{
	al->stalls++;
	uint64_t due = al->alloc_start + al->stalls * 10 * ZF_HZ;
	if (ev->jiffies > due)
		return;
	s->stall_reported = true;
	zf_oreport(c, m, ev, -1,
		   "stall report %llu of the allocation at jiffies %llu, but its slow path began "
		   "at %llu: the report is due only after jiffies %llu (every 10 s)",
		   (unsigned long long)al->stalls, (unsigned long long)ev->jiffies,
		   (unsigned long long)al->alloc_start, (unsigned long long)due);
}

/*
 * isolate_freepages_block counts every pfn its loop looks at (nr_scanned, the
 * source of COMPACTFREE_SCANNED): a scan that moved from c (start) to pfn
 * looked at one pfn at least, and at most one per pfn it passed (+1 for the
 * pfn where __isolate_free_page failed and the loop stopped).
 */
static void check_free_scan(struct vmstat_state *s, struct zf_oracle_set *c,
			    const struct zf_machine *m, const struct zf_event *ev)
{
	uint64_t start = (uint64_t)ev->c;
	if (ev->pfn < start)
		return;
	uint64_t span = ev->pfn - start;
	if ((span && ev->a < 1) || ev->a < 0 || (uint64_t)ev->a > span + 1) {
		s->scan_reported = true;
		zf_oreport(c, m, ev, ev->zone_id,
			   "the free scanner went from pfn %llu to %llu but counted %lld pages "
			   "scanned",
			   (unsigned long long)start, (unsigned long long)ev->pfn,
			   (long long)ev->a);
	}
}

static void vmstat_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			    const struct zf_event *ev)
{
	struct vmstat_state *s = p;
	(void)c;
	(void)m;
	struct vmstat_alloc *al =
	    s->depth > 0 && s->depth <= ZF_O_MAX_NEST ? &s->alloc[s->depth - 1] : NULL;
	switch ((enum zf_event_type)ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (s->depth < ZF_O_MAX_NEST)
			memset(&s->alloc[s->depth], 0, sizeof(s->alloc[0]));
		s->depth++;
		break;
	case ZF_EV_DIRECT_RECLAIM_END:
		if (al) {
			al->reclaim_end_sum += ev->a;
			al->reclaim_ends++;
		}
		break;
	case ZF_EV_SLOWPATH_RESULT:
		if (al && !s->result_reported)
			check_result(s, c, m, ev, al);
		break;
	case ZF_EV_ALLOC_END:
		if (s->depth > 0)
			s->depth--;
		if (ev->pfn != ZF_NO_PAGE && ev->zone_id >= 0)
			shadow_add(
			    s,
			    (enum zf_vmstat_item)(ZF_VM_pgalloc_dma + zf_o_zone_idx(ev->zone_id)),
			    INT64_C(1) << ev->order);
		break;
	case ZF_EV_DIRECT_RECLAIM_BEGIN:
		if (ev->b >= 0 && ev->b < ZF_MAX_NR_ZONES)
			shadow_add(s, (enum zf_vmstat_item)(ZF_VM_allocstall_dma + ev->b), 1);
		break;
	case ZF_EV_SHRINK_NODE: {
		/* kswapd reclaims as no task; a direct reclaimer is the current task */
		int k = ev->task < 0;
		if (!s->round_reported && ev->a != s->round_scanned[k]) {
			s->round_reported = true;
			zf_oreport(c, m, ev, -1,
				   "shrink_node round reports %lld pages scanned, its "
				   "shrink_inactive_list calls scanned %lld",
				   (long long)ev->a, (long long)s->round_scanned[k]);
		}
		s->round_scanned[k] = 0;
		break;
	}
	case ZF_EV_LRU_SHRINK_INACTIVE:
		s->round_scanned[ev->label ? 1 : 0] += ev->a;
		shadow_add(s, ev->label ? ZF_VM_pgscan_kswapd : ZF_VM_pgscan_direct, ev->a);
		shadow_add(s, ev->label ? ZF_VM_pgsteal_kswapd : ZF_VM_pgsteal_direct, ev->b);
		shadow_add(s, ZF_VM_pgactivate, ev->c);
		break;
	case ZF_EV_LRU_SHRINK_ACTIVE:
		shadow_add(s, ZF_VM_pgdeactivate, ev->b);
		break;
	case ZF_EV_WAKE_KSWAPD:
		if (ev->a == 1)
			shadow_add(s, ZF_VM_kswapd_wakeups_woken, 1);
		break;
	case ZF_EV_KSWAPD_BALANCE:
		shadow_add(s, ZF_VM_pageoutrun, 1);
		break;
	case ZF_EV_COMPACT_STALL:
		shadow_add(s, ZF_VM_compact_stall, 1);
		break;
	case ZF_EV_COMPACT_SUCCESS:
		shadow_add(s, ZF_VM_compact_success, 1);
		break;
	case ZF_EV_COMPACT_FAIL:
		shadow_add(s, ZF_VM_compact_fail, 1);
		break;
	case ZF_EV_ISOLATE_MIGRATEPAGES:
		shadow_add(s, ZF_VM_compact_migrate_scanned, ev->a);
		shadow_add(s, ZF_VM_compact_isolated, ev->b);
		break;
	case ZF_EV_ISOLATE_FREEPAGES:
		if (!s->scan_reported)
			check_free_scan(s, c, m, ev);
		shadow_add(s, ZF_VM_compact_free_scanned, ev->a);
		shadow_add(s, ZF_VM_compact_isolated, ev->b);
		break;
	case ZF_EV_KCOMPACTD_WAKE:
		shadow_add(s, ZF_VM_compact_daemon_wake, 1);
		break;
	case ZF_EV_MIGRATE_PAGES:
		shadow_add(s, ZF_VM_pgmigrate_success, ev->a);
		shadow_add(s, ZF_VM_pgmigrate_fail, ev->b);
		break;
	case ZF_EV_OOM_KILL:
		shadow_add(s, ZF_VM_oom_kill, 1);
		break;
	case ZF_EV_OOM_REAP:
		shadow_add(s, ZF_VM_oom_reaped, 1);
		break;
	case ZF_EV_SLOWPATH_LABEL:
		if (ev->label == ZF_LABEL_FAIL)
			shadow_add(s, ZF_VM_alloc_fail, 1);
		else if (ev->label == ZF_LABEL_RETRY_CPUSET)
			shadow_add(s, ZF_VM_slowpath_entered, 1);
		if (al && ev->label == ZF_LABEL_RETRY_CPUSET && !al->in_slowpath) {
			al->in_slowpath = true;
			al->alloc_start = ev->jiffies;
		}
		break;
	case ZF_EV_SLOWPATH_GOTO:
		if (al && ev->label == ZF_GOTO_RETRY_NOFAIL)
			al->nofail_gotos++;
		switch ((enum zf_slowpath_goto)ev->label) {
		case ZF_GOTO_RETRY_CPUSET_BEFORE_OOM:
		case ZF_GOTO_RETRY_CPUSET_NOPAGE:
		case ZF_GOTO_RESTART_ZONELIST:
		case ZF_GOTO_RESTART_CHECK_RETRY_CPUSET:
			shadow_add(s, ZF_VM_slowpath_entered, -1); /* back to retry_cpuset: */
			break;
		case ZF_GOTO_NOPAGE_MAX_ORDER:
			/* the slow path's own exit before retry_cpuset (5.9+ profiles test the
			 * order in __alloc_pages_nodemask, before any slow path) */
			if (ev->func && !strcmp(ev->func, "__alloc_pages_slowpath"))
				shadow_add(s, ZF_VM_slowpath_entered, 1);
			break;
		default:
			break;
		}
		break;
	case ZF_EV_WARN_ALLOC:
		if (ev->label == 1) {
			shadow_add(s, ZF_VM_alloc_stall_warn, 1);
			if (al && al->in_slowpath && !s->stall_reported)
				check_stall(s, c, m, ev, al);
		}
		break;
	case ZF_EV_PCP_REFILL:
		shadow_add(s, ZF_VM_pcp_refill, 1);
		break;
	case ZF_EV_PCPU_DRAIN:
		/* label 1 is the model's safety-net echo of the same drain */
		if (ev->label == 0)
			shadow_add(s, ZF_VM_pcp_drain, 1);
		break;
	case ZF_EV_HIGHATOMIC_RESERVE:
		shadow_add(s, ZF_VM_highatomic_reserved, 1);
		break;
	case ZF_EV_HIGHATOMIC_UNRESERVE:
		shadow_add(s, ZF_VM_highatomic_unreserved, 1);
		break;
	case ZF_EV_EXTFRAG:
		shadow_add(s, ZF_VM_extfrag_events, 1);
		break;
	case ZF_EV_FAULT_INJECT:
		shadow_add(s, ZF_VM_fault_injected, 1);
		break;
	default:
		break;
	}
}

/*
 * One finding per walk lists every counter that disagrees (the registry files
 * a walk's finding once per run and site); a counter already reported is not
 * listed again.
 */
static void vmstat_walk(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct vmstat_state *s = p;
	char msg[768];
	size_t len = 0;
	unsigned int nbad = 0;
	msg[0] = '\0';
	/* swap entries are made by swap-outs only: their growth is a lower bound of pswpout */
	s->shadow[ZF_VM_pswpout] = 0;
	for (int t = 0; t < ZF_MAX_TASKS; t++) {
		struct zf_task_info ti;
		if (zf_inspect_task(m, t, &ti) == 0 && ti.swapents > s->swapents_base[t])
			s->shadow[ZF_VM_pswpout] += (int64_t)(ti.swapents - s->swapents_base[t]);
	}
	for (int i = 0; i < ZF_NR_VMSTAT; i++) {
		if (!s->checked[i] || s->reported[i])
			continue;
		/* the counters only grow: a difference is read modulo 2^64 */
		int64_t counted =
		    (int64_t)(zf_inspect_vmstat(m, (enum zf_vmstat_item)i) - s->base[i]);
		bool bad = s->lower_bound[i] ? counted < s->shadow[i] : counted != s->shadow[i];
		if (!bad)
			continue;
		s->reported[i] = true;
		nbad++;
		if (len < sizeof(msg)) {
			int n = snprintf(msg + len, sizeof(msg) - len,
					 "%s%s counted %lld, events %s%lld", nbad > 1 ? "; " : "",
					 zf_vmstat_name((enum zf_vmstat_item)i), (long long)counted,
					 s->lower_bound[i] ? ">= " : "", (long long)s->shadow[i]);
			len = n < 0 ? sizeof(msg) : len + (size_t)n;
		}
	}
	if (nbad)
		zf_oreport(c, m, NULL, -1,
			   "vmstat counters (since the oracles started) disagree with the trace "
			   "events at their sites: %s",
			   msg);
}

const struct zf_oracle_ops zf_oracle_vmstat = {
    .desc =
	{
	    .id = "ZF_INV_VMSTAT",
	    .name = "vmstat",
	    .property = "every /proc/vmstat event counter with a tracepoint at its site "
			"(pgalloc, allocstall, pgscan, pgsteal, pgactivate, pgdeactivate, "
			"kswapd wakeups, pageoutrun, compaction and migration counters, "
			"oom_kill, oom_reaped, alloc_fail, pcp refill/drain, highatomic, "
			"extfrag, ...) equals the count the trace events show",
	    .kernel_rule = "spec §2 (exact counters); the kernel counts each vm_event next "
			   "to its tracepoint, /proc/vmstat is compared with real machines",
	    .cost = "event: O(1); walk: O(counters)",
	},
    .event_mask = ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END) | ZF_EVBIT(SHRINK_NODE) |
		  ZF_EVBIT(DIRECT_RECLAIM_END) | ZF_EVBIT(SLOWPATH_RESULT) | ZF_EVBIT(WARN_ALLOC) |
		  ZF_EVBIT(DIRECT_RECLAIM_BEGIN) | ZF_EVBIT(LRU_SHRINK_INACTIVE) |
		  ZF_EVBIT(LRU_SHRINK_ACTIVE) | ZF_EVBIT(WAKE_KSWAPD) | ZF_EVBIT(KSWAPD_BALANCE) |
		  ZF_EVBIT(COMPACT_STALL) | ZF_EVBIT(COMPACT_SUCCESS) | ZF_EVBIT(COMPACT_FAIL) |
		  ZF_EVBIT(ISOLATE_MIGRATEPAGES) | ZF_EVBIT(ISOLATE_FREEPAGES) |
		  ZF_EVBIT(KCOMPACTD_WAKE) | ZF_EVBIT(MIGRATE_PAGES) | ZF_EVBIT(OOM_KILL) |
		  ZF_EVBIT(OOM_REAP) | ZF_EVBIT(SLOWPATH_LABEL) | ZF_EVBIT(SLOWPATH_GOTO) |
		  ZF_EVBIT(PCP_REFILL) | ZF_EVBIT(PCPU_DRAIN) | ZF_EVBIT(HIGHATOMIC_RESERVE) |
		  ZF_EVBIT(HIGHATOMIC_UNRESERVE) | ZF_EVBIT(EXTFRAG) | ZF_EVBIT(FAULT_INJECT),
    .state_size = sizeof(struct vmstat_state),
    .reset = vmstat_reset,
    .on_event = vmstat_on_event,
    .walk = vmstat_walk,
};
