/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/events.h - typed events at the kernel's tracepoint / vmstat sites
 * and at every label and goto of __alloc_pages_slowpath, plus the vmstat
 * counters. The same vocabulary maps the real kernel's trace (stress/).
 */
#ifndef ZONEFUZZ_EVENTS_H
#define ZONEFUZZ_EVENTS_H

#include <stdint.h>
#include "zonefuzz/gfp.h"

/* X-macro: name, kernel site it mirrors. */
#define ZF_EVENT_LIST(X)                                                                           \
	X(ALLOC_BEGIN, "__alloc_pages_nodemask entry")                                             \
	X(ALLOC_END, "trace_mm_page_alloc (a = status, pfn or ZF_NO_PAGE)")                        \
	X(PAGE_ALLOC_ZONE_LOCKED, "trace_mm_page_alloc_zone_locked (rmqueue from buddy)")          \
	X(GPFF_ZONE_OK,                                                                            \
	  "get_page_from_freelist: zone passed watermark (a = mark, b = classzone, c = free)")     \
	X(GPFF_TRY_ZONE,                                                                           \
	  "get_page_from_freelist: try_this_zone (a = 1 if ALLOC_NO_WATERMARKS bypass)")           \
	X(PAGE_FREE, "trace_mm_page_free")                                                         \
	X(PCPU_DRAIN,                                                                              \
	  "trace_mm_page_pcpu_drain (free_pcppages_bulk, a = count requested, b = pcp count)")     \
	X(PCP_REFILL, "rmqueue_bulk (a = pages taken)")                                            \
	X(EXTFRAG, "trace_mm_page_alloc_extfrag (a = fallback mt, b = change_ownership)")          \
	X(MERGE, "__free_one_page merged to order (a = final order)")                              \
	X(SLOWPATH_LABEL,                                                                          \
	  "a label of __alloc_pages_slowpath was reached (label = enum zf_slowpath_label)")        \
	X(SLOWPATH_GOTO,                                                                           \
	  "a goto of __alloc_pages_slowpath was taken (label = enum zf_slowpath_goto)")            \
	X(WAKE_KSWAPD, "trace_mm_vmscan_wakeup_kswapd (a = 1 if the thread was woken)")            \
	X(KSWAPD_BALANCE, "balance_pgdat done (a = reclaimed, b = kswapd_failures, c = order)")    \
	X(KSWAPD_SLEEP, "kswapd went to sleep (a = 1 if it also woke kcompactd)")                  \
	X(DIRECT_RECLAIM_BEGIN, "trace_mm_vmscan_direct_reclaim_begin / ALLOCSTALL")               \
	X(DIRECT_RECLAIM_END, "trace_mm_vmscan_direct_reclaim_end (a = nr_reclaimed = progress)")  \
	X(SHRINK_NODE, "shrink_node (a = scanned, b = reclaimed)")                                 \
	X(COMPACT_TRY, "try_to_compact_pages (a = result, b = priority)")                          \
	X(COMPACT_BEGIN, "trace_mm_compaction_begin (zone, a = migrate pfn, b = free pfn)")        \
	X(COMPACT_END, "trace_mm_compaction_end (zone, a = result)")                               \
	X(COMPACT_DEFER, "defer_compaction (a = defer_shift, b = considered)")                     \
	X(COMPACT_DEFERRED, "compaction_deferred returned true")                                   \
	X(COMPACT_DEFER_RESET, "compaction_defer_reset")                                           \
	X(COMPACT_STALL, "COMPACTSTALL")                                                           \
	X(COMPACT_SUCCESS, "COMPACTSUCCESS")                                                       \
	X(COMPACT_FAIL, "COMPACTFAIL")                                                             \
	X(MIGRATE_PAGE, "migrate_pages moved one page (pfn = old, a = new pfn)")                   \
	X(SHOULD_RECLAIM_RETRY, "should_reclaim_retry (a = result, b = no_progress_loops)")        \
	X(SHOULD_COMPACT_RETRY,                                                                    \
	  "should_compact_retry (a = result, b = compaction_retries, c = priority)")               \
	X(MAY_OOM,                                                                                 \
	  "__alloc_pages_may_oom return (a = did_some_progress, label = enum zf_oom_skip)")        \
	X(OOM_INVOKE, "out_of_memory called (a = result)")                                         \
	X(OOM_KILL, "trace oom:mark_victim / OOM_KILL (a = victim task)")                          \
	X(OOM_REAP, "oom_reaper reaped (a = victim, b = pages)")                                   \
	X(OOM_SKIP_VICTIM, "MMF_OOM_SKIP set (a = victim)")                                        \
	X(TASK_EXIT, "a task exited (a = task, b = pages freed)")                                  \
	X(WARN_ALLOC, "warn_alloc (label = 0 failure, 1 stall)")                                   \
	X(HIGHATOMIC_RESERVE, "reserve_highatomic_pageblock (pfn of block)")                       \
	X(HIGHATOMIC_UNRESERVE, "unreserve_highatomic_pageblock moved a block (a = force)")        \
	X(ISOLATE_RANGE, "start_isolate_page_range (pfn, a = nr pages)")                           \
	X(UNISOLATE_RANGE, "undo_isolate_page_range (pfn, a = nr pages)")                          \
	X(ZONELIST_REBUILD, "build_all_zonelists after hotplug")                                   \
	X(PAGE_TAKEOFF, "take_page_off_buddy (hwpoison)")                                          \
	X(MEMS_CHANGE, "cpuset mems_allowed updated (a = task, b = new mems)")                     \
	X(YIELD, "a yield point (label = enum zf_yield_point)")                                    \
	X(SCHEDULE, "virtual time advanced (a = ticks)")                                           \
	X(WATCHDOG, "allocation stopped by the retry watchdog (a = retries)")                      \
	X(DRAIN_ALL, "drain_all_pages")                                                            \
	X(FAULT_INJECT, "should_fail_alloc_page failed an allocation")                             \
	X(COMPACT_SUITABLE,                                                                        \
	  "trace_mm_compaction_suitable (zone, a = result, NOT_SUITABLE_ZONE before it reads as "  \
	  "SKIPPED)")                                                                              \
	X(COMPACT_TRY_BEGIN, "trace_mm_compaction_try_to_compact_pages (b = priority)")            \
	X(LRU_SHRINK_INACTIVE,                                                                     \
	  "trace_mm_vmscan_lru_shrink_inactive (a = nr_scanned, b = nr_reclaimed, c = "            \
	  "nr_activate; label = 1 for kswapd)")                                                    \
	X(LRU_SHRINK_ACTIVE,                                                                       \
	  "trace_mm_vmscan_lru_shrink_active (a = nr_taken, b = nr_deactivate; label = 1 for "     \
	  "kswapd)")                                                                               \
	X(ISOLATE_MIGRATEPAGES,                                                                    \
	  "trace_mm_compaction_isolate_migratepages (pfn = where the scan stopped, a = "           \
	  "nr_scanned, b = nr_isolated)")                                                          \
	X(ISOLATE_FREEPAGES,                                                                       \
	  "trace_mm_compaction_isolate_freepages (pfn = where the scan stopped, a = nr_scanned, "  \
	  "b = nr_isolated, c = start pfn)")                                                       \
	X(MIGRATE_PAGES, "trace_mm_migrate_pages (a = nr_succeeded, b = nr_failed)")               \
	X(KCOMPACTD_WAKE, "trace_mm_compaction_kcompactd_wake (a = order, b = classzone_idx)")     \
	X(SLOWPATH_RESULT,                                                                         \
	  "__alloc_pages_slowpath returns: the caller's record (a = reclaimed, b = "               \
	  "direct_reclaim_calls, c = nofail_loops)")                                               \
	X(ISOLATE_BLOCK,                                                                           \
	  "set_migratetype_isolate's verdict on one pageblock (pfn, label = skip_hwpoisoned, a = " \
	  "the block's type before, b = 0 or -1 (EBUSY), c = 1 unmovable pages, 2 already "        \
	  "isolated)")

enum zf_event_type {
#define ZF_EV_ENUM(name, doc) ZF_EV_##name,
	ZF_EVENT_LIST(ZF_EV_ENUM)
#undef ZF_EV_ENUM
	    ZF_NR_EVENTS
};

/* Every label of the 4.12 slow path (and the 6.x restart:). */
enum zf_slowpath_label {
	ZF_LABEL_RETRY_CPUSET = 0,
	ZF_LABEL_RETRY,
	ZF_LABEL_NOPAGE,
	ZF_LABEL_FAIL,
	ZF_LABEL_GOT_PG,
	ZF_NR_LABELS,
};

/* Every goto of __alloc_pages_slowpath of 4.12 (and helpers' exits), stable ids. */
#define ZF_SLOWPATH_GOTO_LIST(X)                                                                   \
	X(NOPAGE_NO_ZONEREF, "preferred_zoneref NULL -> nopage")                                   \
	X(GOT_PG_FIRST, "first get_page_from_freelist (MIN) -> got_pg")                            \
	X(GOT_PG_EARLY_COMPACT, "early async compaction -> got_pg")                                \
	X(NOPAGE_COSTLY_NORETRY_DEFERRED, "costly NORETRY, COMPACT_DEFERRED -> nopage")            \
	X(GOT_PG_RETRY_ALLOC, "retry: get_page_from_freelist -> got_pg")                           \
	X(NOPAGE_NO_DIRECT_RECLAIM, "!can_direct_reclaim -> nopage")                               \
	X(NOPAGE_PF_MEMALLOC, "PF_MEMALLOC -> nopage")                                             \
	X(GOT_PG_DIRECT_RECLAIM, "direct reclaim -> got_pg")                                       \
	X(GOT_PG_DIRECT_COMPACT, "direct compaction -> got_pg")                                    \
	X(NOPAGE_NORETRY, "__GFP_NORETRY -> nopage")                                               \
	X(NOPAGE_COSTLY_NO_REPEAT, "costly without __GFP_REPEAT -> nopage")                        \
	X(RETRY_SHOULD_RECLAIM, "should_reclaim_retry -> retry")                                   \
	X(RETRY_SHOULD_COMPACT, "should_compact_retry -> retry")                                   \
	X(RETRY_CPUSET_BEFORE_OOM, "read_mems_allowed_retry -> retry_cpuset (before OOM)")         \
	X(GOT_PG_MAY_OOM, "__alloc_pages_may_oom -> got_pg")                                       \
	X(NOPAGE_OOM_VICTIM, "TIF_MEMDIE && (NO_WATERMARKS || NOMEMALLOC) -> nopage")              \
	X(RETRY_OOM_PROGRESS, "did_some_progress after OOM -> retry")                              \
	X(NOPAGE_FALLTHROUGH, "no OOM progress -> nopage (fall through)")                          \
	X(RETRY_CPUSET_NOPAGE, "nopage: read_mems_allowed_retry -> retry_cpuset")                  \
	X(FAIL_NOFAIL_NO_RECLAIM, "nopage: NOFAIL without direct reclaim -> fail")                 \
	X(GOT_PG_NOFAIL_FALLBACK, "nopage: NOFAIL cpuset_fallback -> got_pg")                      \
	X(RETRY_NOFAIL, "nopage: NOFAIL -> retry")                                                 \
	X(FAIL_FALLTHROUGH, "nopage -> fail (fall through)")                                       \
	X(NOPAGE_MAX_ORDER, "order >= MAX_ORDER -> return NULL")                                   \
	X(RESTART_ZONELIST, "zonelist changed -> retry_cpuset (6.1+ restart)")                     \
	X(RESTART_CHECK_RETRY_CPUSET, "check_retry_cpuset dropped the mempolicy (4.13+)")

enum zf_slowpath_goto {
#define ZF_GOTO_ENUM(name, doc) ZF_GOTO_##name,
	ZF_SLOWPATH_GOTO_LIST(ZF_GOTO_ENUM)
#undef ZF_GOTO_ENUM
	    ZF_NR_GOTOS
};

/* Why __alloc_pages_may_oom did not kill (spec §5.9). */
enum zf_oom_skip {
	ZF_OOM_CALLED = 0, /* out_of_memory() was called */
	ZF_OOM_LOCK_CONTENDED,
	ZF_OOM_LAST_CHANCE_PAGE, /* HIGH-watermark attempt succeeded */
	ZF_OOM_SKIP_DUMPCORE,
	ZF_OOM_SKIP_COSTLY,
	ZF_OOM_SKIP_LOWMEM,
	ZF_OOM_SKIP_SUSPENDED,
	ZF_OOM_SKIP_THISNODE,
	ZF_OOM_SKIP_RETRY_MAYFAIL, /* 4.13+ */
	ZF_NR_OOM_SKIPS,
};

enum zf_compact_result {
	ZF_COMPACT_NOT_SUITABLE_ZONE = 0,
	ZF_COMPACT_SKIPPED,
	ZF_COMPACT_DEFERRED,
	ZF_COMPACT_NO_SUITABLE_PAGE,
	ZF_COMPACT_CONTINUE,
	ZF_COMPACT_COMPLETE,
	ZF_COMPACT_PARTIAL_SKIPPED,
	ZF_COMPACT_CONTENDED,
	ZF_COMPACT_SUCCESS,
	ZF_NR_COMPACT_RESULTS,
};

enum zf_compact_priority {
	ZF_COMPACT_PRIO_SYNC_FULL = 0,
	ZF_COMPACT_PRIO_SYNC_LIGHT = 1,
	ZF_COMPACT_PRIO_ASYNC = 2,
};

struct zf_event {
	uint16_t type;   /* enum zf_event_type */
	uint16_t label;  /* label / goto / reason, type-specific */
	int16_t task;    /* current task or -1 */
	int16_t zone_id; /* -1 if none */
	uint8_t order;
	uint8_t migratetype;
	uint16_t pad;
	zf_gfp_t gfp;
	uint32_t alloc_flags;
	uint64_t pfn;
	int64_t a, b, c;
	uint64_t seq;     /* event number on this machine */
	uint64_t jiffies; /* virtual time */
	const char *func; /* model function that emitted it */
	const char *file; /* model source file */
	int line;
};

const char *zf_event_name(enum zf_event_type t);
const char *zf_slowpath_label_name(enum zf_slowpath_label l);
const char *zf_slowpath_goto_name(enum zf_slowpath_goto g);
const char *zf_slowpath_goto_doc(enum zf_slowpath_goto g);
const char *zf_compact_result_name(enum zf_compact_result r);
const char *zf_oom_skip_name(enum zf_oom_skip s);

/* vmstat counters (/proc/vmstat names). */
/* one counter per line: clang-format 14 is not idempotent on these X-lists */
/* clang-format off */
#define ZF_VMSTAT_LIST(X) \
	X(pgalloc_dma) \
	X(pgalloc_dma32) \
	X(pgalloc_normal) \
	X(pgalloc_movable) \
	X(pgfree) \
	X(allocstall_dma) \
	X(allocstall_dma32) \
	X(allocstall_normal) \
	X(allocstall_movable) \
	X(pgscan_kswapd) \
	X(pgscan_direct) \
	X(pgsteal_kswapd) \
	X(pgsteal_direct) \
	X(kswapd_wakeups_woken) \
	X(pageoutrun) \
	X(kswapd_low_wmark_hit_quickly) \
	X(kswapd_high_wmark_hit_quickly) \
	X(pswpout) \
	X(pgactivate) \
	X(pgdeactivate) \
	X(compact_stall) \
	X(compact_success) \
	X(compact_fail) \
	X(compact_migrate_scanned) \
	X(compact_free_scanned) \
	X(compact_isolated) \
	X(compact_daemon_wake) \
	X(pgmigrate_success) \
	X(pgmigrate_fail) \
	X(oom_kill) \
	X(oom_reaped) \
	X(alloc_fail) \
	X(alloc_stall_warn) \
	X(slowpath_entered) \
	X(pcp_refill) \
	X(pcp_drain) \
	X(highatomic_reserved) \
	X(highatomic_unreserved) \
	X(extfrag_events) \
	X(fault_injected) \
	X(writeback_completed)
/* clang-format on */

enum zf_vmstat_item {
#define ZF_VMSTAT_ENUM(name) ZF_VM_##name,
	ZF_VMSTAT_LIST(ZF_VMSTAT_ENUM)
#undef ZF_VMSTAT_ENUM
	    ZF_NR_VMSTAT
};

const char *zf_vmstat_name(enum zf_vmstat_item i);

#endif /* ZONEFUZZ_EVENTS_H */
