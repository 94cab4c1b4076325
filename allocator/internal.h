/* SPDX-License-Identifier: MIT */
/*
 * allocator/internal.h - the model's private structures, mirroring
 * include/linux/mmzone.h, mm/internal.h and friends of Linux 4.12.
 *
 * Only allocator/ sources and tests/unit may include this header. Everything lives
 * in struct zf_machine; there are no globals. Internal structures use indices
 * (zone ids, pfns, task ids) instead of pointers so that zf_machine_copy() is
 * a memcpy of the machine plus its page arrays.
 *
 * Who owns what (one file per kernel concern):
 *   machine.c      create/copy/destroy, memmap init, build_all_zonelists, hooks, prng
 *   profile.c      kernel profiles and planted-bug table
 *   gfp.c          gfp names, gfp_zone, gfpflags_to_migratetype
 *   events.c       event / label / counter name tables, __zf_emit
 *   inspect.c      the read-only inspection API
 *   buddy.c        __free_one_page, expand, __rmqueue*, fallback and stealing, move_freepages*
 *   pageblock.c    pageblock flags (migratetype + skip bit)
 *   highatomic.c   reserve_highatomic_pageblock, unreserve_highatomic_pageblock
 *   page_isolation.c  set/unset_migratetype_isolate, start/undo_isolate_page_range
 *   pcp.c          per-cpu lists: rmqueue_bulk, free_pcppages_bulk, free_hot_cold_page, drain
 *   watermark.c    min_free_kbytes, setup_per_zone_wmarks, lowmem reserve, __zone_watermark_ok
 *   page_alloc.c   fast path: __alloc_pages_nodemask, get_page_from_freelist, rmqueue, free
 *   slowpath.c     __alloc_pages_slowpath and every helper of spec §5
 *   lru.c          LRU lists: add/del/move, zf_lru_* API, zone_reclaimable_pages
 *   vmscan.c       direct reclaim: try_to_free_pages .. shrink_page_list, throttling
 *   kswapd.c       wakeup_kswapd, pgdat_balanced, balance_pgdat, kswapd sleep logic
 *   compaction.c   suitability, deferral, compact_zone, scanners, migrate, kcompactd
 *   oom_kill.c     out_of_memory, select_bad_process, oom_badness, victims, oom_reaper
 *   cpuset.c       mems_allowed seqcount, cpuset_zone_allowed, mempolicy
 *   task.c         tasks: create, flags, exit, kill
 *   sched.c        virtual time: schedule_timeout, congestion_wait, cond_resched, background work
 *   hotplug.c      offline/online of a zone, zonelist rebuild, take_page_off_buddy (hwpoison)
 */
#ifndef ZONEFUZZ_INTERNAL_H
#define ZONEFUZZ_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/machine.h"
#include "zonefuzz/events.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/gfp.h"

/* ------------------------------------------------------------------ */
/* Kernel names for the public constants                              */
/* ------------------------------------------------------------------ */
typedef zf_gfp_t gfp_t;

#define __GFP_DMA            ZF_GFP_DMA
#define __GFP_HIGHMEM        ZF_GFP_HIGHMEM
#define __GFP_DMA32          ZF_GFP_DMA32
#define __GFP_MOVABLE        ZF_GFP_MOVABLE
#define __GFP_RECLAIMABLE    ZF_GFP_RECLAIMABLE
#define __GFP_HIGH           ZF_GFP_HIGH
#define __GFP_IO             ZF_GFP_IO
#define __GFP_FS             ZF_GFP_FS
#define __GFP_COLD           ZF_GFP_COLD
#define __GFP_NOWARN         ZF_GFP_NOWARN
#define __GFP_REPEAT         ZF_GFP_REPEAT
#define __GFP_RETRY_MAYFAIL  ZF_GFP_REPEAT
#define __GFP_NOFAIL         ZF_GFP_NOFAIL
#define __GFP_NORETRY        ZF_GFP_NORETRY
#define __GFP_MEMALLOC       ZF_GFP_MEMALLOC
#define __GFP_COMP           ZF_GFP_COMP
#define __GFP_ZERO           ZF_GFP_ZERO
#define __GFP_NOMEMALLOC     ZF_GFP_NOMEMALLOC
#define __GFP_HARDWALL       ZF_GFP_HARDWALL
#define __GFP_THISNODE       ZF_GFP_THISNODE
#define __GFP_ATOMIC         ZF_GFP_ATOMIC
#define __GFP_ACCOUNT        ZF_GFP_ACCOUNT
#define __GFP_DIRECT_RECLAIM ZF_GFP_DIRECT_RECLAIM
#define __GFP_WRITE          ZF_GFP_WRITE
#define __GFP_KSWAPD_RECLAIM ZF_GFP_KSWAPD_RECLAIM
#define __GFP_RECLAIM        ZF_GFP_RECLAIM
#define GFP_KERNEL           ZF_GFP_KERNEL
#define GFP_HIGHUSER_MOVABLE ZF_GFP_HIGHUSER_MOVABLE

#define ALLOC_WMARK_MIN     ZF_ALLOC_WMARK_MIN
#define ALLOC_WMARK_LOW     ZF_ALLOC_WMARK_LOW
#define ALLOC_WMARK_HIGH    ZF_ALLOC_WMARK_HIGH
#define ALLOC_NO_WATERMARKS ZF_ALLOC_NO_WATERMARKS
#define ALLOC_WMARK_MASK    ZF_ALLOC_WMARK_MASK
#define ALLOC_OOM           ZF_ALLOC_OOM
#define ALLOC_HARDER        ZF_ALLOC_HARDER
#define ALLOC_HIGH          ZF_ALLOC_HIGH
#define ALLOC_CPUSET        ZF_ALLOC_CPUSET
#define ALLOC_CMA           ZF_ALLOC_CMA

enum { WMARK_MIN = 0, WMARK_LOW = 1, WMARK_HIGH = 2, NR_WMARK = 3 };

#define MIGRATE_UNMOVABLE   ZF_MIGRATE_UNMOVABLE
#define MIGRATE_MOVABLE     ZF_MIGRATE_MOVABLE
#define MIGRATE_RECLAIMABLE ZF_MIGRATE_RECLAIMABLE
#define MIGRATE_PCPTYPES    ZF_MIGRATE_PCPTYPES
#define MIGRATE_HIGHATOMIC  ZF_MIGRATE_HIGHATOMIC
#define MIGRATE_CMA         ZF_MIGRATE_CMA
#define MIGRATE_ISOLATE     ZF_MIGRATE_ISOLATE
#define MIGRATE_TYPES       ZF_MIGRATE_TYPES

#define ZONE_DMA       ZF_ZONE_DMA
#define ZONE_DMA32     ZF_ZONE_DMA32
#define ZONE_NORMAL    ZF_ZONE_NORMAL
#define ZONE_MOVABLE   ZF_ZONE_MOVABLE
#define MAX_NR_ZONES   ZF_MAX_NR_ZONES
#define MAX_NUMNODES   ZF_MAX_NUMNODES
#define NR_ZONES_TOTAL (ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES)

#define PAGE_ALLOC_COSTLY_ORDER 3
#define MAX_RECLAIM_RETRIES     16
#define MAX_COMPACT_RETRIES     16
#define DEF_PRIORITY            12
#define SWAP_CLUSTER_MAX        32u
#define COMPACT_CLUSTER_MAX     SWAP_CLUSTER_MAX
#define COMPACT_MAX_DEFER_SHIFT 6
#define MAX_OOM_REAP_RETRIES    10
#define HZ                      ZF_HZ
#define PAGE_SHIFT              12
#define RECLAIM_DISTANCE        30
#define OOM_SCORE_ADJ_MIN       (-1000)
#define OOM_SCORE_ADJ_MAX       1000

/* Compaction results and priorities (spec §1.6) under kernel names. */
#define COMPACT_NOT_SUITABLE_ZONE   ZF_COMPACT_NOT_SUITABLE_ZONE
#define COMPACT_SKIPPED             ZF_COMPACT_SKIPPED
#define COMPACT_DEFERRED            ZF_COMPACT_DEFERRED
#define COMPACT_INACTIVE            ZF_COMPACT_DEFERRED
#define COMPACT_NO_SUITABLE_PAGE    ZF_COMPACT_NO_SUITABLE_PAGE
#define COMPACT_CONTINUE            ZF_COMPACT_CONTINUE
#define COMPACT_COMPLETE            ZF_COMPACT_COMPLETE
#define COMPACT_PARTIAL_SKIPPED     ZF_COMPACT_PARTIAL_SKIPPED
#define COMPACT_CONTENDED           ZF_COMPACT_CONTENDED
#define COMPACT_SUCCESS             ZF_COMPACT_SUCCESS
#define COMPACT_PRIO_SYNC_FULL      ZF_COMPACT_PRIO_SYNC_FULL
#define COMPACT_PRIO_SYNC_LIGHT     ZF_COMPACT_PRIO_SYNC_LIGHT
#define COMPACT_PRIO_ASYNC          ZF_COMPACT_PRIO_ASYNC
#define MIN_COMPACT_PRIORITY        COMPACT_PRIO_SYNC_FULL
#define MIN_COMPACT_COSTLY_PRIORITY COMPACT_PRIO_SYNC_LIGHT
#define DEF_COMPACT_PRIORITY        COMPACT_PRIO_SYNC_LIGHT
#define INIT_COMPACT_PRIORITY       COMPACT_PRIO_ASYNC
typedef enum zf_compact_result compact_result_t;

enum migrate_mode { MIGRATE_ASYNC, MIGRATE_SYNC_LIGHT, MIGRATE_SYNC };

/* ------------------------------------------------------------------ */
/* Locks: real when the machine is threaded, nothing otherwise          */
/* ------------------------------------------------------------------ */
typedef struct {
	atomic_int v;
} zf_spinlock_t;

/*
 * added by threads (docs/concurrency.md): READ_ONCE / WRITE_ONCE of the
 * kernel for fields that one CPU writes while others read them without the
 * lock (counters, list heads, kswapd's wakeup fields, task state). Relaxed
 * atomic loads and stores of aligned scalars are plain moves on the
 * machines we run on, so a sequential machine pays nothing for them; in a
 * threaded machine they keep such reads defined. Read-modify-writes from
 * several CPUs go through zf_atomic_add() & co., atomic only when threaded.
 */
#define ZF_READ_ONCE(x)     __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define ZF_WRITE_ONCE(x, v) __atomic_store_n(&(x), (v), __ATOMIC_RELAXED)

/*
 * added by threads: a function that reads state another CPU may be changing
 * without the lock that protects it, where the kernel does the same
 * (page_is_buddy() on a neighbour, compaction's unlocked scans,
 * page_order_unsafe()): the caller rechecks under the owning lock, or the
 * decision only depends on bits that change under the lock it holds. Under
 * ThreadSanitizer such a helper is kept out of line and not instrumented, the
 * kernel's data_race() annotation; otherwise it is an ordinary inline.
 */
#if defined(__SANITIZE_THREAD__)
#define ZF_UNDER_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define ZF_UNDER_TSAN 1
#endif
#endif
#ifdef ZF_UNDER_TSAN
#define ZF_DATA_RACE __attribute__((noinline, no_sanitize("thread")))
#else
#define ZF_DATA_RACE
#endif

/*
 * The kernel's __cold (include/linux/compiler-gcc.h): a function the fast
 * path calls only when it fails (the slow path, a pcp refill or trim). It is
 * kept out of line and its call sites are laid out as unlikely, so that LTO
 * does not merge it into the order-0 fast path, whose prologue would then
 * save every register and reserve the slow path's stack frame on each call
 * (docs/benchmarks-model.md). No behaviour changes.
 */
#define __cold __attribute__((cold, noinline))
/*
 * The kernel's __always_inline (include/linux/compiler_types.h), for the
 * order-0 fast path's pieces (docs/benchmarks-model.md). glibc's
 * <sys/cdefs.h> has the same definition.
 */
#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

/* ------------------------------------------------------------------ */
/* struct page: 16 bytes per pfn, pfn-indexed                          */
/* ------------------------------------------------------------------ */
#define ZF_NIL UINT32_MAX

struct page {
	uint32_t next, prev; /* list links: free list, pcp list or LRU list */
	int16_t owner;       /* task owning an allocated page, -1 */
	uint16_t flags;      /* ZF_PG_* */
	uint8_t order;       /* buddy order (PG_BUDDY) / allocation order (PG_HEAD) */
	uint8_t mt;          /* cached migratetype (page->index in 4.12) */
	uint8_t zid;         /* zone id (node * 4 + idx); 0xff: hole */
	uint8_t cpu;         /* pcp: owning cpu */
};
_Static_assert(sizeof(struct page) == 16, "struct page must stay 16 bytes");

struct zf_list {
	uint32_t head, tail;
};

/* Pageblock flags: 3 bits migratetype + skip bit (PB_migrate_skip). */
#define PB_MIGRATE_MASK 0x07u
#define PB_MIGRATE_SKIP 0x08u

struct free_area {
	struct zf_list free_list[MIGRATE_TYPES];
	uint64_t nr_free;
};

struct per_cpu_pages {
	int count;
	int high;
	int batch;
	struct zf_list lists[MIGRATE_PCPTYPES];
};

enum lru_list {
	LRU_INACTIVE_ANON = 0,
	LRU_ACTIVE_ANON = 1,
	LRU_INACTIVE_FILE = 2,
	LRU_ACTIVE_FILE = 3,
	NR_LRU_LISTS = 4,
};

/* Per-zone vmstat items the allocator's decisions read (spec §2). */
enum zone_stat_item {
	NR_FREE_PAGES = 0,
	NR_FREE_CMA_PAGES,
	NR_ZONE_INACTIVE_ANON,
	NR_ZONE_ACTIVE_ANON,
	NR_ZONE_INACTIVE_FILE,
	NR_ZONE_ACTIVE_FILE,
	NR_ZONE_WRITE_PENDING, /* dirty + writeback */
	NR_ISOLATED,           /* compaction/reclaim isolated pages (node stat in 4.12) */
	NR_ALLOCATED,          /* model: pages handed out of the buddy+pcp (conservation) */
	NR_PCP,                /* model: pages on pcp lists */
	NR_POISONED,
	NR_OFFLINE,
	NR_ZONE_PGALLOC,
	NR_VM_ZONE_STAT_ITEMS,
};

struct zone {
	/* identity */
	int id; /* node * MAX_NR_ZONES + idx */
	int node;
	int idx; /* zone_idx() */
	const char *name;

	/* geometry */
	uint64_t zone_start_pfn;
	uint64_t spanned_pages;
	uint64_t present_pages;
	uint64_t managed_pages;
	uint64_t
	    pageblock_base; /* index of the first pageblock of this zone in m->pageblock_flags */

	/* watermarks (spec §3) */
	uint64_t watermark[NR_WMARK];
	uint64_t lowmem_reserve[MAX_NR_ZONES];
	uint64_t percpu_drift_mark;

	/* buddy */
	struct free_area free_area[ZF_MAX_ORDER_MAX];
	uint64_t nr_reserved_highatomic;
	uint64_t nr_isolate_pageblock;
	int64_t vm_stat[NR_VM_ZONE_STAT_ITEMS];
	zf_spinlock_t lock; /* zone->lock */
	bool threaded; /* added by threads: the machine's cfg.threaded, for the vmstat helpers */

	/* LRU (per-zone lists; the 4.12 node LRU with its per-zone counters) */
	struct zf_list lru[NR_LRU_LISTS];
	/* added by reclaim: LRU pages under writeback (a part of NR_ZONE_WRITE_PENDING); lets
	 * writeback_complete_due() stop its LRU walk once all of them were found */
	uint64_t nr_writeback;

	/* compaction (spec §6.2, §6.3) */
	unsigned int compact_considered;
	unsigned int compact_defer_shift;
	int compact_order_failed;
	uint64_t compact_cached_free_pfn;
	uint64_t compact_cached_migrate_pfn[2]; /* [0] async, [1] sync */
	bool compact_blockskip_flush;
	/* added by compaction: free pages held on compact_control free lists (a part of
	 * NR_ISOLATED), so that too_many_isolated() counts only isolated LRU pages (spec §6.3) */
	uint64_t compact_isolated_free;

	bool offline, wmark_overridden; /* hot-removed; marks set by zf_machine_override_zone() */
};

static inline bool populated_zone(const struct zone *z)
{
	return z->present_pages != 0 && !z->offline;
}
static inline bool managed_zone(const struct zone *z)
{
	return z->managed_pages != 0 && !z->offline;
}

/* Zonelists: zone ids, highest first per node, nodes by distance; -1 terminated. */
enum { ZONELIST_FALLBACK = 0, ZONELIST_NOFALLBACK = 1, MAX_ZONELISTS = 2 };
struct zonelist {
	int8_t zoneref[NR_ZONES_TOTAL + 1]; /* _zonerefs[]: zone id, -1 terminates */
};

/* pgdat flags */
#define PGDAT_CONGESTED 0x1u
#define PGDAT_DIRTY     0x2u
#define PGDAT_WRITEBACK 0x4u

struct pglist_data {
	int node_id;
	int nr_zones; /* highest populated idx + 1 */
	struct zone node_zones[MAX_NR_ZONES];
	struct zonelist node_zonelists[MAX_ZONELISTS];
	uint64_t node_start_pfn, node_spanned_pages;
	uint32_t cpumask;
	uint32_t flags;
	uint32_t zonelist_seq;

	/* kswapd (spec §7.1) */
	unsigned int kswapd_order;
	int kswapd_classzone_idx; /* MAX_NR_ZONES = unset */
	unsigned int kswapd_failures;
	bool kswapd_sleeping; /* on kswapd_wait */
	bool kswapd_woken;    /* wake_up_interruptible() pending: runs at the next schedule */
	bool pfmemalloc_wait; /* throttled direct reclaimers waiting */
	/* added by threads: the kswapd_wait waitqueue's lock (kswapd_sleeping/woken,
	 * pfmemalloc_wait and the pending order/classzone change under it) */
	zf_spinlock_t kswapd_lock;
	/* added by threads: pgdat->lru_lock of 4.12, the node's LRU lists and LRU page flags */
	zf_spinlock_t lru_lock;

	/* kcompactd (spec §6.5) */
	unsigned int kcompactd_max_order;
	int kcompactd_classzone_idx;
	bool kcompactd_woken;
};

/* ------------------------------------------------------------------ */
/* Tasks                                                               */
/* ------------------------------------------------------------------ */
struct task_struct {
	bool alive;
	char comm[16];
	uint32_t flags; /* ZF_PF_* | ZF_TIF_MEMDIE | ZF_TASK_* */
	int oom_score_adj;
	unsigned int cpu;
	uint32_t mems_allowed;     /* nodemask */
	uint32_t mems_allowed_seq; /* seqcount: odd while a writer is inside */
	uint32_t mempolicy;        /* MPOL_BIND nodes, 0 none */
	uint64_t rss[2];           /* MM_ANONPAGES, MM_FILEPAGES (LRU pages owned) */
	uint64_t swapents;
	uint64_t nr_ptes; /* page-table pages charged to badness */
	bool oom_victim;  /* signal->oom_mm set: tsk_is_oom_victim() */
	bool mmf_oom_skip;
	bool reap_queued;
	unsigned int reap_attempts;
	uint64_t reap_at; /* jiffies of the next oom_reaper attempt */
	uint64_t exit_at; /* jiffies when a killed task exits (if not STUCK) */
};

/* ------------------------------------------------------------------ */
/* Allocation context (struct alloc_context) and the per-allocation     */
/* bookkeeping behind zf_alloc_result and zf_inspect_alloc_ctx          */
/* ------------------------------------------------------------------ */
struct alloc_context {
	int zonelist_nid;      /* ac->zonelist = &NODE_DATA(nid)->node_zonelists[which] */
	int zonelist_which;    /* ZONELIST_FALLBACK / NOFALLBACK */
	uint32_t nodemask;     /* 0: NULL */
	int preferred_zoneref; /* index into the zonelist's zoneref[], -1: NULL zone */
	int migratetype;
	int high_zoneidx;
	bool spread_dirty_pages;
};

struct zf_alloc_frame {
	struct alloc_context *ac;
	gfp_t gfp;
	unsigned int order;
	int task;
	uint32_t alloc_flags;
	unsigned int no_progress_loops;
	unsigned int compaction_retries;
	int compact_priority;
	struct zf_alloc_result *res;
};

#define ZF_MAX_ALLOC_DEPTH 8

/*
 * added by threads: the execution context of one CPU (docs/concurrency.md):
 * what the kernel keeps per CPU or per running task -- `current`, the
 * allocation frames of the task running there, and whether the CPU is
 * running a kernel thread's background work. A sequential machine runs on
 * the context of m->ctx_cpu, which zf_alloc_pages() moves to the CPU of the
 * task it allocates for; in a threaded machine each host thread is bound to
 * one CPU (zf_thread_bind_cpu()). Use the accessors below, never the fields.
 */
struct zf_cpu_ctx {
	int current;              /* task running on this CPU, ZF_NO_TASK: none (kthread, idle) */
	unsigned int alloc_depth; /* frames[] in use */
	bool in_background;       /* running kswapd/kcompactd/reaper work */
	bool bound;               /* a host thread is bound to this CPU (threaded machines) */
	struct zf_alloc_frame frames[ZF_MAX_ALLOC_DEPTH];
};

/* ------------------------------------------------------------------ */
/* Profiles: behaviour switches, one per site that changed              */
/* ------------------------------------------------------------------ */
struct zf_profile {
	const char *name;
	bool stall_warning;       /* 4.9..4.14: warn_alloc stall every 10s (removed 4.15) */
	bool retry_mayfail;       /* 4.13: __GFP_REPEAT -> __GFP_RETRY_MAYFAIL semantics */
	bool check_retry_cpuset;  /* 4.13: check_retry_cpuset() drops a stale mempolicy mask */
	bool retry_nodemask_null; /* 4.13: ignore-policies branch sets nodemask = NULL */
	bool fallback_smallest;   /* 4.13: MOVABLE non-whole steals split the smallest block */
	bool alloc_oom;           /* 4.14: ALLOC_OOM for OOM victims instead of NO_WATERMARKS */
	bool pcp_count_clamp;     /* 5.9: free_pcppages_bulk count = min(pcp->count, count) */
	bool zonelist_seq;        /* 6.1: zonelist_update_seq restart */
	bool max_order_at_entry;  /* 4.20: order >= MAX_ORDER rejected at entry */
	bool isolate_busy_if_isolated; /* 4.20: isolating an isolated block fails (no double count)
					*/
};

/* ------------------------------------------------------------------ */
/* The machine                                                         */
/* ------------------------------------------------------------------ */
struct zf_machine {
	struct zf_config cfg;
	const struct zf_profile *profile;
	unsigned int max_order;       /* MAX_ORDER */
	unsigned int pageblock_order; /* pageblock_order */
	uint64_t pageblock_nr_pages;
	uint64_t nr_pages; /* pfn space */
	uint64_t nr_pageblocks;
	bool threaded;

	/* memory */
	struct page *pages;       /* [nr_pages] */
	uint8_t *pageblock_flags; /* [nr_pageblocks] */

	struct pglist_data nodes[MAX_NUMNODES];
	unsigned int nr_nodes;
	uint8_t node_distance[MAX_NUMNODES][MAX_NUMNODES];

	/*
	 * The per-cpu pagesets, one row of NR_ZONES_TOTAL per CPU the machine
	 * has (cfg.nr_cpus rows, not ZF_MAX_CPUS: machine state is sized from
	 * the configuration, docs/benchmarks-model.md); pcp[cpu][zone id] as
	 * the kernel's per_cpu_ptr(zone->pageset, cpu). Heap arrays like
	 * pages[]: zf_machine_clone()/zf_machine_copy() copy them.
	 */
	struct per_cpu_pages (*pcp)[NR_ZONES_TOTAL]; /* [nr_cpus] */
	unsigned int nr_cpus;
	uint8_t cpu_to_node[ZF_MAX_CPUS];

	/* sysctls */
	long min_free_kbytes;
	unsigned int watermark_scale_factor;
	unsigned int lowmem_reserve_ratio[MAX_NR_ZONES];
	unsigned int percpu_pagelist_fraction;
	uint64_t totalreserve_pages;
	bool page_group_by_mobility_disabled;

	/* swap */
	uint64_t total_swap_pages;
	uint64_t nr_swap_pages; /* free swap slots */

	/* tasks */
	struct task_struct tasks[ZF_MAX_TASKS];
	unsigned int nr_tasks;

	/* OOM */
	zf_spinlock_t oom_lock; /* a mutex in the kernel; trylock semantics are what matter */
	bool oom_lock_held;     /* the model's single-threaded view of oom_lock */
	int oom_lock_owner;
	bool oom_killer_disabled;

	/* time and randomness */
	uint64_t jiffies;
	uint64_t prng;

	/* counters and events */
	uint64_t vmstat[ZF_NR_VMSTAT];
	uint64_t event_seq;
	struct zf_hooks hooks;

	/*
	 * added by threads: per-CPU execution contexts (current, the allocation
	 * frames of nested allocations from yield callbacks, in_background) and
	 * the locks of a threaded machine (docs/concurrency.md).
	 */
	struct zf_cpu_ctx *cpu_ctx; /* [nr_cpus], a heap array like pcp */
	unsigned int ctx_cpu;       /* the context a thread that is not bound runs on */
	/* &cpu_ctx[ctx_cpu], kept with it (zf_set_ctx_cpu()): this_cpu_ctx() is one load */
	struct zf_cpu_ctx *ctx;
	unsigned int alloc_nesting; /* frames pushed by threads that are not bound (all CPUs) */
	zf_spinlock_t pcp_lock[ZF_MAX_CPUS]; /* local_irq_save() of that CPU: its pcp lists */
	zf_spinlock_t bg_lock;               /* one thread runs the kernel threads' work */
};

/* ------------------------------------------------------------------ */
/* Accessors                                                           */
/* ------------------------------------------------------------------ */
static inline struct page *pfn_to_page(struct zf_machine *m, uint64_t pfn)
{
	return &m->pages[pfn];
}
/*
 * zone_by_id(): &m->nodes[id / MAX_NR_ZONES].node_zones[id % MAX_NR_ZONES].
 * The byte offset of every zone inside the machine is a compile-time
 * constant, so the lookup is one load from this table and an add instead of
 * two multiplies by the struct sizes (it runs several times per order-0
 * allocation, docs/benchmarks-model.md). Offsets, not pointers: a machine
 * copy stays a memcpy.
 */
#define ZF_ZONE_OFF(n, z) ((uint32_t)offsetof(struct zf_machine, nodes[n].node_zones[z]))
#define ZF_ZONE_OFF_NODE(n)                                                                        \
	ZF_ZONE_OFF(n, 0), ZF_ZONE_OFF(n, 1), ZF_ZONE_OFF(n, 2), ZF_ZONE_OFF(n, 3)
static inline struct zone *zone_by_id(struct zf_machine *m, int id)
{
	static const uint32_t zone_off[NR_ZONES_TOTAL] = {ZF_ZONE_OFF_NODE(0), ZF_ZONE_OFF_NODE(1),
							  ZF_ZONE_OFF_NODE(2), ZF_ZONE_OFF_NODE(3)};
	_Static_assert(NR_ZONES_TOTAL == 16 && MAX_NR_ZONES == 4, "zone_off[] layout");

	/* ids are 0..NR_ZONES_TOTAL-1 (the mask only keeps a bad id inside the table) */
	return (struct zone *)((char *)m + zone_off[(unsigned int)id & (NR_ZONES_TOTAL - 1)]);
}
static inline struct zone *page_zone(struct zf_machine *m, uint64_t pfn)
{
	return zone_by_id(m, m->pages[pfn].zid);
}
static inline struct pglist_data *zone_pgdat(struct zf_machine *m, const struct zone *z)
{
	return &m->nodes[z->node];
}
static inline int zone_idx(const struct zone *z)
{
	return z->idx;
}
static inline bool zone_spans_pfn(const struct zone *z, uint64_t pfn)
{
	return pfn >= z->zone_start_pfn && pfn < z->zone_start_pfn + z->spanned_pages;
}
static inline struct task_struct *task_of(struct zf_machine *m, int id)
{
	return (id >= 0 && id < ZF_MAX_TASKS) ? &m->tasks[id] : NULL;
}
/*
 * added by threads: the calling thread's CPU context. A thread bound to a CPU
 * of a threaded machine runs on that CPU's context (zf_thread_ctx(), a
 * per-thread register in machine.c: the model of the kernel's per-cpu
 * `current`); every other caller runs on m->ctx_cpu's, which
 * zf_alloc_pages() moves to the CPU of the task it allocates for.
 */
struct zf_cpu_ctx *zf_thread_ctx(const struct zf_machine *m);
static inline struct zf_cpu_ctx *this_cpu_ctx(struct zf_machine *m)
{
	if (__builtin_expect(m->threaded, 0)) {
		struct zf_cpu_ctx *c = zf_thread_ctx(m);

		if (c)
			return c;
	}
	return m->ctx;
}
static inline const struct zf_cpu_ctx *this_cpu_ctx_ro(const struct zf_machine *m)
{
	if (__builtin_expect(m->threaded, 0)) {
		const struct zf_cpu_ctx *c = zf_thread_ctx(m);

		if (c)
			return c;
	}
	return m->ctx;
}
/* added by perf: move the unbound context to cpu (m->ctx follows m->ctx_cpu) */
static inline void zf_set_ctx_cpu(struct zf_machine *m, unsigned int cpu)
{
	m->ctx_cpu = cpu;
	m->ctx = &m->cpu_ctx[cpu];
}
/* added by threads: is the caller a thread bound to a CPU of this (threaded) machine? */
static inline bool zf_thread_bound(const struct zf_machine *m)
{
	return __builtin_expect(m->threaded, 0) && zf_thread_ctx(m) != NULL;
}
/* added by threads: the id of current (ZF_NO_TASK outside a task) */
static inline int zf_current(const struct zf_machine *m)
{
	return this_cpu_ctx_ro(m)->current;
}
/* added by threads: make task current on this CPU; returns the previous one to restore */
static inline int zf_set_current(struct zf_machine *m, int task)
{
	struct zf_cpu_ctx *c = this_cpu_ctx(m);
	int old = c->current;

	c->current = task;
	return old;
}
/* added by threads: is this CPU running background (kernel thread) work? */
static inline bool zf_in_background(const struct zf_machine *m)
{
	return this_cpu_ctx_ro(m)->in_background;
}
/* added by threads: set it; returns the previous value to restore */
static inline bool zf_set_background(struct zf_machine *m, bool on)
{
	struct zf_cpu_ctx *c = this_cpu_ctx(m);
	bool old = c->in_background;

	c->in_background = on;
	return old;
}
/*
 * added by threads: how deep the calling thread is inside allocations: a
 * bound thread counts its CPU's frames, any other caller the frames of
 * every CPU (a nested allocation from a yield callback may run on another
 * CPU's context, and it is the same host call stack).
 */
static inline unsigned int zf_nesting(const struct zf_machine *m)
{
	if (__builtin_expect(m->threaded, 0)) {
		const struct zf_cpu_ctx *c = zf_thread_ctx(m);

		if (c)
			return c->alloc_depth;
	}
	return m->alloc_nesting;
}
/*
 * added by threads: push a zeroed allocation frame on this CPU, NULL when too
 * deep. A thread that is not bound counts it in alloc_nesting too, which
 * bounds the whole host call stack (nested allocations may run on several
 * CPUs' contexts).
 */
static inline struct zf_alloc_frame *zf_push_frame(struct zf_machine *m)
{
	struct zf_cpu_ctx *c = this_cpu_ctx(m);
	bool bound = zf_thread_bound(m);
	struct zf_alloc_frame *f;

	if ((bound ? c->alloc_depth : m->alloc_nesting) >= ZF_MAX_ALLOC_DEPTH ||
	    c->alloc_depth >= ZF_MAX_ALLOC_DEPTH)
		return NULL;
	f = &c->frames[c->alloc_depth++];
	if (!bound)
		m->alloc_nesting++;
	*f = (struct zf_alloc_frame){0};
	return f;
}
static inline void zf_pop_frame(struct zf_machine *m)
{
	struct zf_cpu_ctx *c = this_cpu_ctx(m);

	c->alloc_depth--;
	if (!zf_thread_bound(m))
		m->alloc_nesting--;
}
static inline struct task_struct *current_task(struct zf_machine *m)
{
	return task_of(m, zf_current(m));
}
/* The CPU of a context. */
static inline unsigned int zf_ctx_cpu(const struct zf_machine *m, const struct zf_cpu_ctx *c)
{
	return (unsigned int)(c - m->cpu_ctx);
}
/*
 * smp_processor_id(): a bound thread runs on its CPU; a sequential machine
 * runs current on current's CPU (CPU 0 outside a task).
 */
static inline unsigned int smp_processor_id(struct zf_machine *m)
{
	const struct task_struct *t;

	if (__builtin_expect(m->threaded, 0)) {
		const struct zf_cpu_ctx *c = zf_thread_ctx(m);

		if (c)
			return zf_ctx_cpu(m, c);
	}
	t = task_of(m, zf_current(m));
	return t ? t->cpu : 0;
}
static inline unsigned int numa_node_id(struct zf_machine *m)
{
	const struct task_struct *t;

	if (__builtin_expect(m->threaded, 0) && zf_thread_ctx(m))
		return m->cpu_to_node[smp_processor_id(m)];
	t = task_of(m, zf_current(m));
	return t ? m->cpu_to_node[t->cpu] : 0;
}
static inline struct per_cpu_pages *zone_pcp(struct zf_machine *m, const struct zone *z,
					     unsigned int cpu)
{
	return &m->pcp[cpu][z->id];
}
static inline struct zf_alloc_frame *cur_frame(struct zf_machine *m)
{
	struct zf_cpu_ctx *c = this_cpu_ctx(m);

	return c->alloc_depth ? &c->frames[c->alloc_depth - 1] : NULL;
}
/*
 * Counters. A threaded machine updates them with relaxed atomic adds, as the
 * kernel's atomic_long_t vm_stat: items move under different locks
 * (NR_FREE_PAGES under zone->lock, NR_PCP under a pcp lock, the LRU items
 * under lru_lock, NR_ALLOCATED under none) and are read without any.
 */
static inline void __mod_zone_page_state(struct zone *z, enum zone_stat_item i, long delta)
{
	if (__builtin_expect(z->threaded, 0))
		__atomic_fetch_add(&z->vm_stat[i], (int64_t)delta, __ATOMIC_RELAXED);
	else
		z->vm_stat[i] += delta;
}
/*
 * zone_page_state() of an SMP kernel (include/linux/vmstat.h): a counter that
 * per-cpu deltas (or a drift such as the known double isolation) left
 * negative reads as 0, so every allocator decision sees 0 free pages, never
 * a negative count that unsigned arithmetic would turn huge
 * (zone_watermark_fast). zf_inspect_zone() reads the raw value instead, so
 * that ZF_INV_COUNTERS still sees the drift.
 */
static inline int64_t zone_page_state(const struct zone *z, enum zone_stat_item i)
{
	int64_t x = ZF_READ_ONCE(z->vm_stat[i]);

	return x < 0 ? 0 : x;
}
/* Exact (no per-cpu deltas in the model): the snapshot equals the cached value, clamped alike. */
static inline int64_t zone_page_state_snapshot(const struct zone *z, enum zone_stat_item i)
{
	return zone_page_state(z, i);
}
/* added by threads: an add to a counter several CPUs update (atomic when threaded) */
static inline void zf_atomic_add(const struct zf_machine *m, uint64_t *p, int64_t delta)
{
	if (__builtin_expect(m->threaded, 0))
		__atomic_fetch_add(p, (uint64_t)delta, __ATOMIC_RELAXED);
	else
		*p += (uint64_t)delta;
}
/* added by threads: decrement unless 0 (an mm counter several CPUs update) */
static inline void zf_atomic_dec_not_zero(const struct zf_machine *m, uint64_t *p)
{
	uint64_t old;

	if (!m->threaded) {
		if (*p)
			(*p)--;
		return;
	}
	old = ZF_READ_ONCE(*p);
	while (old && !__atomic_compare_exchange_n(p, &old, old - 1, false, __ATOMIC_RELAXED,
						   __ATOMIC_RELAXED))
		;
}
/* added by threads: set / clear bits of a flags word several CPUs update */
static inline void zf_atomic_or32(const struct zf_machine *m, uint32_t *p, uint32_t bits)
{
	if (m->threaded)
		__atomic_fetch_or(p, bits, __ATOMIC_RELAXED);
	else
		*p |= bits;
}
static inline void zf_atomic_andnot32(const struct zf_machine *m, uint32_t *p, uint32_t bits)
{
	if (m->threaded)
		__atomic_fetch_and(p, ~bits, __ATOMIC_RELAXED);
	else
		*p &= ~bits;
}
static inline void count_vm_event(struct zf_machine *m, enum zf_vmstat_item i)
{
	zf_atomic_add(m, &m->vmstat[i], 1);
}
static inline void count_vm_events(struct zf_machine *m, enum zf_vmstat_item i, uint64_t n)
{
	zf_atomic_add(m, &m->vmstat[i], (int64_t)n);
}
/* added by threads: jiffies, which every sleeping CPU moves on */
static inline uint64_t jiffies_now(const struct zf_machine *m)
{
	return ZF_READ_ONCE(m->jiffies);
}
/* added by threads: task flags (TIF_*, PF_*, signals) are set by other CPUs (the OOM killer) */
static inline uint32_t task_flags(const struct task_struct *t)
{
	return ZF_READ_ONCE(t->flags);
}
static inline bool has_isolate_pageblock(const struct zone *z)
{
	return z->nr_isolate_pageblock != 0;
}
static inline bool is_migrate_isolate(int mt)
{
	return mt == MIGRATE_ISOLATE;
}
static inline bool is_migrate_cma(int mt)
{
	return mt == MIGRATE_CMA;
}
static inline bool is_migrate_movable(int mt)
{
	return mt == MIGRATE_MOVABLE || mt == MIGRATE_CMA;
}
static inline bool zf_bug(const struct zf_machine *m, uint32_t bug)
{
	return (m->cfg.bugs & bug) != 0;
}
static inline uint64_t compact_gap(unsigned int order)
{
	return 2UL << order;
}
static inline bool fatal_signal_pending(struct zf_machine *m)
{
	const struct task_struct *t = current_task(m);
	return t && (task_flags(t) & ZF_TASK_FATAL_SIGNAL);
}

/* ------------------------------------------------------------------ */
/* Intrusive pfn lists (list.h)                                         */
/* ------------------------------------------------------------------ */
/*
 * The list heads are written with WRITE_ONCE and tested for emptiness with
 * READ_ONCE (added by threads): the watermark test and compaction look at
 * free lists without zone->lock, as the kernel's list_empty() does.
 */
static inline void zf_list_init(struct zf_list *l)
{
	ZF_WRITE_ONCE(l->head, ZF_NIL);
	ZF_WRITE_ONCE(l->tail, ZF_NIL);
}
static inline bool zf_list_empty(const struct zf_list *l)
{
	return ZF_READ_ONCE(l->head) == ZF_NIL;
}
static inline void zf_list_add(struct zf_machine *m, struct zf_list *l, uint32_t pfn)
{
	struct page *p = &m->pages[pfn];
	p->prev = ZF_NIL;
	p->next = l->head;
	if (l->head != ZF_NIL)
		m->pages[l->head].prev = pfn;
	else
		ZF_WRITE_ONCE(l->tail, pfn);
	ZF_WRITE_ONCE(l->head, pfn);
}
static inline void zf_list_add_tail(struct zf_machine *m, struct zf_list *l, uint32_t pfn)
{
	struct page *p = &m->pages[pfn];
	p->next = ZF_NIL;
	p->prev = l->tail;
	if (l->tail != ZF_NIL)
		m->pages[l->tail].next = pfn;
	else
		ZF_WRITE_ONCE(l->head, pfn);
	ZF_WRITE_ONCE(l->tail, pfn);
}
/* Insert pfn right after 'after' (which is on l). */
static inline void zf_list_add_after(struct zf_machine *m, struct zf_list *l, uint32_t after,
				     uint32_t pfn)
{
	struct page *a = &m->pages[after], *p = &m->pages[pfn];
	p->prev = after;
	p->next = a->next;
	if (a->next != ZF_NIL)
		m->pages[a->next].prev = pfn;
	else
		ZF_WRITE_ONCE(l->tail, pfn);
	a->next = pfn;
}
static inline void zf_list_del(struct zf_machine *m, struct zf_list *l, uint32_t pfn)
{
	struct page *p = &m->pages[pfn];
	if (p->prev != ZF_NIL)
		m->pages[p->prev].next = p->next;
	else
		ZF_WRITE_ONCE(l->head, p->next);
	if (p->next != ZF_NIL)
		m->pages[p->next].prev = p->prev;
	else
		ZF_WRITE_ONCE(l->tail, p->prev);
	p->next = p->prev = ZF_NIL;
}

/* ------------------------------------------------------------------ */
/* Locks (machine.c)                                                   */
/* ------------------------------------------------------------------ */
/*
 * The out-of-line halves (machine.c) run only in a threaded machine; the
 * inline test keeps a sequential machine's lock sites to one predictable
 * branch (changed by threads: these were plain functions).
 */
void __zf_spin_lock(zf_spinlock_t *l);
void __zf_spin_unlock(zf_spinlock_t *l);
bool __zf_spin_trylock(zf_spinlock_t *l);
static inline void zf_spin_lock(struct zf_machine *m, zf_spinlock_t *l)
{
	if (__builtin_expect(m->threaded, 0))
		__zf_spin_lock(l);
}
static inline void zf_spin_unlock(struct zf_machine *m, zf_spinlock_t *l)
{
	if (__builtin_expect(m->threaded, 0))
		__zf_spin_unlock(l);
}
static inline bool zf_spin_trylock(struct zf_machine *m, zf_spinlock_t *l)
{
	return !__builtin_expect(m->threaded, 0) || __zf_spin_trylock(l);
}
/* added by threads: a CPU's pcp lists (local_irq_save on that CPU; drain_all_pages' IPI) */
static inline void pcp_lock(struct zf_machine *m, unsigned int cpu)
{
	zf_spin_lock(m, &m->pcp_lock[cpu]);
}
static inline void pcp_unlock(struct zf_machine *m, unsigned int cpu)
{
	zf_spin_unlock(m, &m->pcp_lock[cpu]);
}
/* added by threads: pgdat->lru_lock of a zone's node */
static inline void lru_lock_zone(struct zf_machine *m, const struct zone *z)
{
	zf_spin_lock(m, &m->nodes[z->node].lru_lock);
}
static inline void lru_unlock_zone(struct zf_machine *m, const struct zone *z)
{
	zf_spin_unlock(m, &m->nodes[z->node].lru_lock);
}

/*
 * added by threads: a racy copy of a page's state (the kernel's
 * page_order_unsafe() / data_race()): see ZF_DATA_RACE.
 */
static inline ZF_DATA_RACE struct page page_racy(const struct page *p)
{
	struct page r;

	r.next = p->next;
	r.prev = p->prev;
	r.owner = p->owner;
	r.flags = p->flags;
	r.order = p->order;
	r.mt = p->mt;
	r.zid = p->zid;
	r.cpu = p->cpu;
	return r;
}

/* ------------------------------------------------------------------ */
/* Events (events.c)                                                    */
/* ------------------------------------------------------------------ */
void __zf_emit(struct zf_machine *m, enum zf_event_type type, unsigned int label, int zone_id,
	       uint64_t pfn, unsigned int order, int64_t a, int64_t b, int64_t c, const char *func,
	       const char *file, int line);
#define zf_trace(m, type, zid, pfn, order, a, b, c)                                                \
	zf_trace_fn(m, __func__, type, zid, pfn, order, a, b, c)
#define zf_trace_label(m, type, label, a, b) zf_trace_label_fn(m, __func__, type, label, a, b)
/* An event with both a label and a zone (zf_trace() passes label 0, zf_trace_label() no zone). */
#define zf_trace_zl(m, type, label, zid, pfn, order, a, b, c)                                      \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), (type), (label), (zid), (pfn), (order), (a), (b), (c),      \
				  __func__, __FILE__, __LINE__);                                   \
	} while (0)
/*
 * The same, for an event site inside an always-inline body of a kernel
 * function (page_alloc.c: get_page_from_freelist_frame() and the like),
 * whose events must name the kernel function, not the body.
 */
#define zf_trace_fn(m, fn, type, zid, pfn, order, a, b, c)                                         \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), (type), 0, (zid), (pfn), (order), (a), (b), (c), (fn),      \
				  __FILE__, __LINE__);                                             \
	} while (0)
#define zf_trace_label_fn(m, fn, type, label, a, b)                                                \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), (type), (label), -1, ZF_NO_PAGE, 0, (a), (b), 0, (fn),      \
				  __FILE__, __LINE__);                                             \
	} while (0)

/* ------------------------------------------------------------------ */
/* profile.c                                                            */
/* ------------------------------------------------------------------ */
const struct zf_profile *zf_profile_get(enum zf_profile_id id);

/* ------------------------------------------------------------------ */
/* gfp.c                                                               */
/* ------------------------------------------------------------------ */
int gfp_zone(gfp_t flags);                                    /* ac->high_zoneidx */
int gfpflags_to_migratetype(struct zf_machine *m, gfp_t gfp); /* honours mobility_disabled */
gfp_t current_gfp_context(struct zf_machine *m, gfp_t flags); /* PF_MEMALLOC_NOIO/NOFS */

/* ------------------------------------------------------------------ */
/* machine.c                                                           */
/* ------------------------------------------------------------------ */
void build_all_zonelists(struct zf_machine *m);
uint64_t nr_free_buffer_pages(struct zf_machine *m);
/* added by machine area: free [start, end) of zone z (pages not in the buddy) to the buddy
 * lists as maximal aligned blocks of one pageblock type each, accounting NR_FREE_PAGES /
 * NR_FREE_CMA_PAGES (boot and memory online; mm/nobootmem.c __free_pages_memory) */
uint64_t __free_pages_memory(struct zf_machine *m, struct zone *z, uint64_t start, uint64_t end);

/* ------------------------------------------------------------------ */
/* pageblock.c                                                         */
/* ------------------------------------------------------------------ */
/*
 * get_pageblock_migratetype(): inline (the kernel's is a macro over
 * get_pfnblock_flags_mask(), also inline): every order-0 free reads it.
 * A pfn past the flags array (never one the model computes) reads as
 * UNMOVABLE; the flags are read without locks (see pageblock.c).
 */
static inline int get_pageblock_migratetype(const struct zf_machine *m, uint64_t pfn)
{
	uint64_t idx = pfn >> m->pageblock_order;

	if (idx >= m->nr_pageblocks)
		return MIGRATE_UNMOVABLE;
	return (int)(ZF_READ_ONCE(m->pageblock_flags[idx]) & PB_MIGRATE_MASK);
}
void set_pageblock_migratetype(struct zf_machine *m, uint64_t pfn, int mt);
bool get_pageblock_skip(struct zf_machine *m, uint64_t pfn);
void set_pageblock_skip(struct zf_machine *m, uint64_t pfn);
void clear_pageblock_skip(struct zf_machine *m, uint64_t pfn);
static inline uint64_t pageblock_start_pfn(const struct zf_machine *m, uint64_t pfn)
{
	return pfn & ~(m->pageblock_nr_pages - 1);
}
static inline uint64_t pageblock_end_pfn(const struct zf_machine *m, uint64_t pfn)
{
	return pageblock_start_pfn(m, pfn) + m->pageblock_nr_pages;
}

/* ------------------------------------------------------------------ */
/* buddy.c (spec §4.4, §4.5, §4.8)                                       */
/* ------------------------------------------------------------------ */
static inline bool PageBuddy(const struct page *p)
{
	return (p->flags & ZF_PG_BUDDY) != 0;
}
static inline uint64_t __find_buddy_pfn(uint64_t pfn, unsigned int order)
{
	return pfn ^ (1ULL << order);
}
bool page_is_buddy(struct zf_machine *m, uint64_t pfn, uint64_t buddy_pfn, unsigned int order);
/* add/remove a free block on free_area[order].free_list[mt] (sets/clears PG_buddy, nr_free) */
void add_to_free_area(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order,
		      int mt);
void add_to_free_area_tail(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order,
			   int mt);
void del_from_free_area(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order);
void __free_one_page(struct zf_machine *m, uint64_t pfn, struct zone *z, unsigned int order,
		     int migratetype);
void free_one_page(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int order,
		   int migratetype);
void expand(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int low, unsigned int high,
	    int migratetype);
uint64_t __rmqueue_smallest(struct zf_machine *m, struct zone *z, unsigned int order,
			    int migratetype); /* pfn or ZF_NO_PAGE */
uint64_t __rmqueue(struct zf_machine *m, struct zone *z, unsigned int order, int migratetype);
bool __rmqueue_fallback(struct zf_machine *m, struct zone *z, unsigned int order, int start_mt);
bool can_steal_fallback(const struct zf_machine *m, unsigned int order, int start_mt);
int find_suitable_fallback(struct zf_machine *m, struct free_area *area, unsigned int order,
			   int migratetype, bool only_stealable, bool *can_steal);
void steal_suitable_fallback(struct zf_machine *m, struct zone *z, uint64_t pfn, int start_type,
			     bool whole_block);
/* returns pages moved; *num_movable counts LRU/movable in-use pages in the range;
 * end_pfn is INCLUSIVE, as 4.12's end_page (clarified by buddy core) */
int move_freepages(struct zf_machine *m, struct zone *z, uint64_t start_pfn, uint64_t end_pfn,
		   int migratetype, int *num_movable);
int move_freepages_block(struct zf_machine *m, struct zone *z, uint64_t pfn, int migratetype,
			 int *num_movable);
/* compaction free scanner / isolation helpers */
int __isolate_free_page(struct zf_machine *m, uint64_t pfn, unsigned int order);
/* __free_pages_ok: order > 0 frees */
void __free_pages_ok(struct zf_machine *m, uint64_t pfn, unsigned int order);

/* ------------------------------------------------------------------ */
/* highatomic.c (spec §4.6)                                             */
/* ------------------------------------------------------------------ */
void reserve_highatomic_pageblock(struct zf_machine *m, uint64_t pfn, struct zone *z,
				  unsigned int alloc_order);
bool unreserve_highatomic_pageblock(struct zf_machine *m, const struct alloc_context *ac,
				    bool force);

/* ------------------------------------------------------------------ */
/* page_isolation.c                                                     */
/* ------------------------------------------------------------------ */
int set_migratetype_isolate(struct zf_machine *m, uint64_t pfn, bool skip_hwpoisoned);
void unset_migratetype_isolate(struct zf_machine *m, uint64_t pfn, int migratetype);
int start_isolate_page_range(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn,
			     int migratetype);
int undo_isolate_page_range(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn,
			    int migratetype);
int test_pages_isolated(struct zf_machine *m, uint64_t start_pfn, uint64_t end_pfn);

/* ------------------------------------------------------------------ */
/* pcp.c (spec §4.3, §4.7, §4.9)                                         */
/* ------------------------------------------------------------------ */
int zone_batchsize(const struct zone *z);
void pageset_set_batch(struct per_cpu_pages *pcp, int batch);
void pageset_set_high(struct per_cpu_pages *pcp, int high);
/* added by buddy core: an order-0 free racing with pageset_update() (planted bug B3): the
 * page (already cleared by __free_pages) is linked on race->cpu's pcp and tested against
 * the OLD high before the update; the batch it drains is read after it. */
struct pcp_racing_free {
	uint64_t pfn;     /* ZF_NO_PAGE: no racing free */
	unsigned int cpu; /* the freeing CPU; the window exists on its pcp of the page's zone */
	bool cold;
};
/* added by buddy core: 4.12 pageset_update (batch=1, high, batch); m may be NULL if !race */
void pageset_update(struct zf_machine *m, struct per_cpu_pages *pcp, int high, int batch,
		    const struct pcp_racing_free *race);
/* added by buddy core: 4.12 zone_pcp_update: batch/high of every CPU after a size change
 * (memory online); race may be NULL */
void zone_pcp_update(struct zf_machine *m, struct zone *z, const struct pcp_racing_free *race);
void zone_pcp_init(struct zf_machine *m, struct zone *z);
__cold int rmqueue_bulk(struct zf_machine *m, struct zone *z, unsigned int order, int count,
			struct zf_list *list, int migratetype, bool cold, unsigned int cpu);
void free_pcppages_bulk(struct zf_machine *m, struct zone *z, int count, struct per_cpu_pages *pcp);
void free_hot_cold_page(struct zf_machine *m, uint64_t pfn, bool cold);
void drain_pages_zone(struct zf_machine *m, unsigned int cpu, struct zone *z);
void drain_local_pages(struct zf_machine *m, struct zone *z);
void drain_all_pages(struct zf_machine *m, struct zone *z); /* z NULL: all zones */

/* ------------------------------------------------------------------ */
/* watermark.c (spec §3)                                                */
/* ------------------------------------------------------------------ */
long init_per_zone_wmark_min(struct zf_machine *m); /* default min_free_kbytes */
void setup_per_zone_wmarks(struct zf_machine *m);
void setup_per_zone_lowmem_reserve(struct zf_machine *m);
void calculate_totalreserve_pages(struct zf_machine *m);
static inline uint64_t min_wmark_pages(const struct zone *z)
{
	return z->watermark[WMARK_MIN];
}
static inline uint64_t low_wmark_pages(const struct zone *z)
{
	return z->watermark[WMARK_LOW];
}
static inline uint64_t high_wmark_pages(const struct zone *z)
{
	return z->watermark[WMARK_HIGH];
}
bool __zone_watermark_ok(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
			 uint32_t alloc_flags, int64_t free_pages, unsigned int max_order);
bool zone_watermark_ok(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
		       uint32_t alloc_flags, unsigned int max_order);
bool zone_watermark_fast(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
			 uint32_t alloc_flags, unsigned int max_order);
bool zone_watermark_ok_safe(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
			    unsigned int max_order);

/* ------------------------------------------------------------------ */
/* page_alloc.c: fast path (spec §4.1-4.3)                              */
/* ------------------------------------------------------------------ */
/*
 * ac->zonelist. The model stores (nid, which) in the alloc_context instead of
 * a pointer so that a machine copy stays a memcpy. Inline: the fast path
 * reads it twice per allocation.
 */
static inline const struct zonelist *ac_zonelist(struct zf_machine *m,
						 const struct alloc_context *ac)
{
	unsigned int nid = (unsigned int)ac->zonelist_nid;
	unsigned int which = (unsigned int)ac->zonelist_which;

	if (nid >= MAX_NUMNODES)
		nid = 0;
	if (which >= MAX_ZONELISTS)
		which = ZONELIST_FALLBACK;
	return &m->nodes[nid].node_zonelists[which];
}
/* first zoneref index at or after 'start' with idx <= high and node in nodemask, -1 */
int next_zones_zonelist(struct zf_machine *m, const struct zonelist *zl, int start,
			int high_zoneidx, uint32_t nodemask);
int first_zones_zonelist(struct zf_machine *m, const struct zonelist *zl, int high_zoneidx,
			 uint32_t nodemask);
int ac_classzone_idx(struct zf_machine *m, const struct alloc_context *ac);
struct zone *ac_preferred_zone(struct zf_machine *m, const struct alloc_context *ac);
uint64_t get_page_from_freelist(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				uint32_t alloc_flags, const struct alloc_context *ac);
void prep_new_page(struct zf_machine *m, uint64_t pfn, unsigned int order, gfp_t gfp_flags,
		   uint32_t alloc_flags);
uint64_t __alloc_pages_nodemask(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				int preferred_nid, uint32_t nodemask);
void __free_pages(struct zf_machine *m, uint64_t pfn, unsigned int order);
bool should_fail_alloc_page(struct zf_machine *m, gfp_t gfp_mask, unsigned int order);
bool node_dirty_ok(struct zf_machine *m, int nid);
/* added by alloc: gfp_zonelist() (include/linux/gfp.h, CONFIG_NUMA): __GFP_THISNODE
 * allocations use the node's NOFALLBACK zonelist */
static inline int gfp_zonelist(gfp_t flags)
{
	return (flags & __GFP_THISNODE) ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK;
}

/* ------------------------------------------------------------------ */
/* slowpath.c (spec §5)                                                 */
/* ------------------------------------------------------------------ */
uint32_t gfp_to_alloc_flags(struct zf_machine *m, gfp_t gfp_mask);
bool gfp_pfmemalloc_allowed(struct zf_machine *m, gfp_t gfp_mask);
void wake_all_kswapds(struct zf_machine *m, unsigned int order, const struct alloc_context *ac);
__cold uint64_t __alloc_pages_slowpath(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				       struct alloc_context *ac);
uint64_t __alloc_pages_direct_reclaim(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				      uint32_t alloc_flags, const struct alloc_context *ac,
				      unsigned long *did_some_progress);
uint64_t __alloc_pages_direct_compact(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				      uint32_t alloc_flags, const struct alloc_context *ac,
				      int prio, compact_result_t *compact_result);
bool should_reclaim_retry(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
			  const struct alloc_context *ac, uint32_t alloc_flags,
			  bool did_some_progress, unsigned int *no_progress_loops);
bool should_compact_retry(struct zf_machine *m, const struct alloc_context *ac, int order,
			  uint32_t alloc_flags, compact_result_t compact_result,
			  int *compact_priority, unsigned int *compaction_retries);
uint64_t __alloc_pages_cpuset_fallback(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				       uint32_t alloc_flags, const struct alloc_context *ac);
uint64_t __alloc_pages_may_oom(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
			       const struct alloc_context *ac, unsigned long *did_some_progress);
void warn_alloc(struct zf_machine *m, gfp_t gfp_mask, uint32_t nodemask, bool stall);
/* call the harness at a named yield point (no zone lock held) */
void zf_yield(struct zf_machine *m, enum zf_yield_point yp);

/* ------------------------------------------------------------------ */
/* lru.c + vmscan.c (spec §7.2-7.5)                                      */
/* ------------------------------------------------------------------ */
static inline enum lru_list page_lru(const struct page *p)
{
	enum lru_list l = (p->flags & ZF_PG_ANON) ? LRU_INACTIVE_ANON : LRU_INACTIVE_FILE;
	return (p->flags & ZF_PG_ACTIVE) ? (enum lru_list)(l + 1) : l;
}
void add_page_to_lru_list(struct zf_machine *m, uint64_t pfn, enum lru_list lru);
void del_page_from_lru_list(struct zf_machine *m, uint64_t pfn, enum lru_list lru);
uint64_t zone_reclaimable_pages(struct zf_machine *m, const struct zone *z);
bool zone_reclaimable_anon(const struct zf_machine *m); /* nr_swap_pages > 0 */
struct scan_control {
	uint64_t nr_to_reclaim;
	gfp_t gfp_mask;
	int order;
	uint32_t nodemask;
	int reclaim_idx;
	int priority;
	bool may_writepage, may_unmap, may_swap;
	bool compaction_ready;
	bool kswapd;
	uint64_t nr_scanned, nr_reclaimed;
};
unsigned long try_to_free_pages(struct zf_machine *m, const struct zonelist *zl, int order,
				gfp_t gfp_mask, uint32_t nodemask);
bool throttle_direct_reclaim(struct zf_machine *m, gfp_t gfp_mask, const struct zonelist *zl,
			     uint32_t nodemask);
bool allow_direct_reclaim(struct zf_machine *m, struct pglist_data *pgdat);
bool shrink_node(struct zf_machine *m, struct pglist_data *pgdat, struct scan_control *sc);
bool compaction_ready(struct zf_machine *m, struct zone *z, struct scan_control *sc);
/* added by reclaim: kswapd's anon aging (balance_pgdat), lives in vmscan.c with shrink_active_list
 */
void age_active_anon(struct zf_machine *m, struct pglist_data *pgdat, struct scan_control *sc);
void writeback_complete_due(struct zf_machine *m); /* end_page_writeback for pages whose IO ended */
/* added by threads: take a free swap slot (false: none left); atomic in a threaded machine */
bool get_swap_page(struct zf_machine *m);

/* ------------------------------------------------------------------ */
/* kswapd.c (spec §7.1)                                                 */
/* ------------------------------------------------------------------ */
void wakeup_kswapd(struct zf_machine *m, struct zone *z, unsigned int order, int classzone_idx);
bool pgdat_balanced(struct zf_machine *m, struct pglist_data *pgdat, int order, int classzone_idx);
bool prepare_kswapd_sleep(struct zf_machine *m, struct pglist_data *pgdat, int order,
			  int classzone_idx);
int balance_pgdat(struct zf_machine *m, struct pglist_data *pgdat, int order, int classzone_idx);
void kswapd_run_once(struct zf_machine *m, struct pglist_data *pgdat); /* one woken cycle */

/* ------------------------------------------------------------------ */
/* compaction.c + vmstat fragmentation index (spec §6)                  */
/* ------------------------------------------------------------------ */
int fragmentation_index(struct zf_machine *m, struct zone *z, unsigned int order);
compact_result_t __compaction_suitable(struct zf_machine *m, struct zone *z, int order,
				       uint32_t alloc_flags, int classzone_idx,
				       uint64_t wmark_target);
compact_result_t compaction_suitable(struct zf_machine *m, struct zone *z, int order,
				     uint32_t alloc_flags, int classzone_idx);
bool compaction_zonelist_suitable(struct zf_machine *m, const struct alloc_context *ac, int order,
				  uint32_t alloc_flags);
void defer_compaction(struct zf_machine *m, struct zone *z, int order);
bool compaction_deferred(struct zf_machine *m, struct zone *z, int order);
void compaction_defer_reset(struct zf_machine *m, struct zone *z, int order, bool alloc_success);
bool compaction_restarting(struct zone *z, int order);
compact_result_t try_to_compact_pages(struct zf_machine *m, gfp_t gfp_mask, unsigned int order,
				      uint32_t alloc_flags, const struct alloc_context *ac,
				      int prio);
static inline bool compaction_made_progress(compact_result_t r)
{
	return r == COMPACT_SUCCESS;
}
static inline bool compaction_failed(compact_result_t r)
{
	return r == COMPACT_COMPLETE;
}
static inline bool compaction_withdrawn(compact_result_t r)
{
	return r == COMPACT_SKIPPED || r == COMPACT_DEFERRED || r == COMPACT_CONTENDED ||
	       r == COMPACT_PARTIAL_SKIPPED;
}
void wakeup_kcompactd(struct zf_machine *m, struct pglist_data *pgdat, int order,
		      int classzone_idx);
void kcompactd_do_work(struct zf_machine *m, struct pglist_data *pgdat);
void compact_node(struct zf_machine *m, int nid);
void reset_isolation_suitable(struct zf_machine *m, struct pglist_data *pgdat);
/* migrate one in-use movable page to a free target page; used by compaction and hot-remove */
int zf_migrate_page(struct zf_machine *m, uint64_t src_pfn, uint64_t dst_pfn);

/* ------------------------------------------------------------------ */
/* oom_kill.c (spec §5.9)                                               */
/* ------------------------------------------------------------------ */
struct oom_control {
	const struct alloc_context *ac; /* zonelist + nodemask of the failing allocation */
	gfp_t gfp_mask;
	int order;
	int chosen; /* task id, -1 none, -2 abort (existing victim) */
	uint64_t chosen_points;
	uint64_t totalpages;
};
/* added by oom/cpuset: the label of ZF_EV_OOM_INVOKE, which out_of_memory() emits once per
 * call, before any kill/sleep (a = its result, b = chosen task or -1 none / -2 existing
 * victim, c = totalpages of the constraint) */
enum zf_oom_outcome {
	ZF_OOM_OUT_KILLED = 0,      /* select_bad_process chose a victim: oom_kill_process */
	ZF_OOM_OUT_VICTIM_WAIT,     /* an existing victim without MMF_OOM_SKIP aborted the scan */
	ZF_OOM_OUT_FAKE_PROGRESS,   /* gfp_mask without __GFP_FS: nothing killed, returns true */
	ZF_OOM_OUT_CURRENT_EXITING, /* task_will_free_mem(current): current marked, no kill */
	ZF_OOM_OUT_ALLOCATING_TASK, /* sysctl oom_kill_allocating_task killed current */
	ZF_OOM_OUT_DISABLED,        /* oom_killer_disabled: returns false */
	ZF_OOM_OUT_NO_KILLABLE,     /* "Out of memory and no killable processes": a kernel panic */
	ZF_OOM_OUT_CHOSEN_EXITING,  /* the chosen task was already dying: marked victim, no kill */
	ZF_NR_OOM_OUTCOMES,
};
bool out_of_memory(struct zf_machine *m, struct oom_control *oc);
uint64_t oom_badness(struct zf_machine *m, int task, uint64_t totalpages);
void mark_oom_victim(struct zf_machine *m, int task);
void wake_oom_reaper(struct zf_machine *m, int task);
bool oom_reap_task_once(struct zf_machine *m, int task); /* true when done (reaped or skipped) */
bool tsk_is_oom_victim(struct zf_machine *m, int task);
bool mutex_trylock_oom(struct zf_machine *m);
void mutex_unlock_oom(struct zf_machine *m);

/* ------------------------------------------------------------------ */
/* cpuset.c                                                             */
/* ------------------------------------------------------------------ */
bool cpusets_enabled(const struct zf_machine *m);
uint32_t cpuset_current_mems_allowed(struct zf_machine *m);
bool cpuset_zone_allowed(struct zf_machine *m, const struct zone *z, gfp_t gfp_mask);
unsigned int read_mems_allowed_begin(struct zf_machine *m);
bool read_mems_allowed_retry(struct zf_machine *m, unsigned int seq);
void cpuset_hotplug_workfn(struct zf_machine *m, uint32_t old_memory);
bool check_retry_cpuset(struct zf_machine *m, unsigned int cpuset_mems_cookie,
			struct alloc_context *ac);       /* 4.13+ */
uint32_t node_states_memory(const struct zf_machine *m); /* nodes with memory */
/* added by oom/cpuset: the MPOL_BIND nodemask an allocation of current gets (0 = NULL), as
 * alloc_pages_current() -> policy_nodemask() computes it; for page_alloc.c */
uint32_t policy_nodemask(struct zf_machine *m, gfp_t gfp);

/* ------------------------------------------------------------------ */
/* task.c                                                               */
/* ------------------------------------------------------------------ */
uint64_t task_exit_mm(struct zf_machine *m, int task); /* frees LRU pages, swap; returns pages */
/* added by oom/cpuset: is the task inside an allocation (on m->frames[])? It cannot exit then */
bool zf_task_allocating(const struct zf_machine *m, int task);

/* ------------------------------------------------------------------ */
/* sched.c: virtual time                                                */
/* ------------------------------------------------------------------ */
void schedule_timeout(struct zf_machine *m, uint64_t ticks); /* sleeps: runs background work */
void congestion_wait(struct zf_machine *m, uint64_t ticks);
void cond_resched(struct zf_machine *m);
void run_background_work(struct zf_machine *m); /* kswapd, kcompactd, reaper, exits, writeback */
void zf_loop_tick(struct zf_machine *m); /* one retry-loop pass: one jiffy of other CPUs' work */

/* ------------------------------------------------------------------ */
/* hotplug.c                                                            */
/* ------------------------------------------------------------------ */
/* added by machine area: returns the kernel's bool, 1 when the free page was taken off */
int take_page_off_buddy(struct zf_machine *m, uint64_t pfn);

#endif /* ZONEFUZZ_INTERNAL_H */
