/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/machine.h - the public API of the allocator model.
 *
 * All state lives in one struct zf_machine: nodes, zones, per-cpu lists,
 * tasks, LRU lists, virtual time, the PRNG and the vmstat counters. Two
 * machines never share anything, so threads can run independent machines
 * and a fuzz iteration resets one with zf_machine_copy() from a prebuilt
 * snapshot.
 */
#ifndef ZONEFUZZ_MACHINE_H
#define ZONEFUZZ_MACHINE_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include "zonefuzz/gfp.h"

#define ZF_MAX_NUMNODES    4
#define ZF_MAX_NR_ZONES    4 /* DMA, DMA32, NORMAL, MOVABLE (x86-64, no HIGHMEM) */
#define ZF_MAX_ORDER_MAX   11
#define ZF_MAX_CPUS        16
#define ZF_MAX_TASKS       64
#define ZF_NO_PAGE         UINT64_MAX
#define ZF_NO_TASK         (-1)
#define ZF_MAX_COMPACT_LOG 16 /* compact results kept per allocation */

enum zf_zone_type {
	ZF_ZONE_DMA = 0,
	ZF_ZONE_DMA32 = 1,
	ZF_ZONE_NORMAL = 2,
	ZF_ZONE_MOVABLE = 3,
};

/* Kernel versions the model can behave as (see docs/profiles.md). */
enum zf_profile_id {
	ZF_PROFILE_4_12 = 0, /* default */
	ZF_PROFILE_4_13,
	ZF_PROFILE_4_14,
	ZF_PROFILE_4_15,
	ZF_PROFILE_5_9,
	ZF_PROFILE_6_1,
	ZF_NR_PROFILES,
};

/* Planted bugs (../spec/planted-bugs.md ids), selected at run time only. */
enum zf_bug {
	ZF_BUG_B3 = 1u << 0,
	ZF_BUG_B4 = 1u << 1,
	ZF_BUG_B5 = 1u << 2,
	ZF_BUG_B6 = 1u << 3,
	ZF_BUG_B8 = 1u << 4,
	ZF_BUG_B11 = 1u << 5,
	ZF_BUG_B12 = 1u << 6,
	ZF_BUG_B17 = 1u << 7,
	ZF_BUG_B18 = 1u << 8,
	ZF_BUG_B21 = 1u << 9,
	ZF_BUG_B23 = 1u << 10,
};

struct zf_config {
	enum zf_profile_id profile;
	unsigned int nr_nodes;                              /* 1..4 */
	uint8_t distance[ZF_MAX_NUMNODES][ZF_MAX_NUMNODES]; /* 0: default 10 local / 20 remote */
	uint64_t zone_pages[ZF_MAX_NUMNODES]
			   [ZF_MAX_NR_ZONES]; /* present=managed pages; 0 = absent */
	uint64_t reserved_pages[ZF_MAX_NUMNODES]
			       [ZF_MAX_NR_ZONES]; /* memblock-reserved, not managed */
	uint64_t cma_pages[ZF_MAX_NUMNODES]; /* CMA pageblocks at the end of the highest non-movable
						zone */
	unsigned int nr_cpus;                /* 1..16, spread round robin over nodes */
	unsigned int max_order;              /* MAX_ORDER, 2..11, default 11 */
	unsigned int pageblock_order;        /* < max_order, default 9 (or max_order-1) */
	uint64_t swap_pages;
	long min_free_kbytes;                               /* < 0: kernel default formula */
	unsigned int watermark_scale_factor;                /* 0: default 10 */
	unsigned int lowmem_reserve_ratio[ZF_MAX_NR_ZONES]; /* 0: defaults 256,256,32,(32) */
	unsigned int percpu_pagelist_fraction;              /* 0: default batch/high formula */
	bool threaded;          /* real locks (stress); false: locks compiled to nothing */
	bool mobility_disabled; /* page_group_by_mobility_disabled */
	bool cpusets_enabled;   /* cpusets_enabled(): default true */
	bool oom_kill_allocating_task;
	bool suspended_storage; /* pm_suspended_storage() */
	uint64_t seed;          /* PRNG seed */
	uint32_t bugs;          /* enum zf_bug bitmask */
	uint32_t max_retries;   /* watchdog: retry: re-entries before abort (0: 10000) */
};

/* Fill cfg with a tiny default geometry: 1 node, DMA 1024 + DMA32 3072 + NORMAL 4096 pages. */
void zf_config_default(struct zf_config *cfg);
/* Kernel defaults (MAX_ORDER 11, pageblock 9) with the given zone sizes on node 0. */
void zf_config_kernel(struct zf_config *cfg, uint64_t dma, uint64_t dma32, uint64_t normal);

struct zf_machine;

struct zf_machine *zf_machine_create(const struct zf_config *cfg, char *err, size_t errlen);
void zf_machine_destroy(struct zf_machine *m);
/* Make dst an exact copy of src (same geometry: dst from zf_machine_clone). Cheap reset. */
int zf_machine_copy(struct zf_machine *dst, const struct zf_machine *src);
struct zf_machine *zf_machine_clone(const struct zf_machine *src);
const struct zf_config *zf_machine_config(const struct zf_machine *m);
size_t zf_machine_state_bytes(const struct zf_machine *m);

/* ---- profiles and planted bugs ---- */
const char *zf_profile_name(enum zf_profile_id p);
int zf_profile_parse(const char *name, enum zf_profile_id *out);
const char *zf_bug_name(uint32_t bug);        /* "B11" */
const char *zf_bug_description(uint32_t bug); /* one line */
int zf_bug_parse(const char *name, uint32_t *out);

/* ---- tasks ---- */
#define ZF_PF_MEMALLOC       0x1u /* PF_MEMALLOC */
#define ZF_PF_DUMPCORE       0x2u /* PF_DUMPCORE */
#define ZF_PF_MEMALLOC_NOIO  0x4u /* memalloc_noio_save() scope */
#define ZF_PF_MEMALLOC_NOFS  0x8u /* memalloc_nofs_save() scope */
#define ZF_PF_KTHREAD        0x10u
#define ZF_PF_WQ_WORKER      0x20u
#define ZF_PF_EXITING        0x40u
#define ZF_TIF_MEMDIE        0x100u  /* thread flag, kept in the same word */
#define ZF_TASK_FATAL_SIGNAL 0x200u  /* SIGKILL pending */
#define ZF_TASK_RT           0x400u  /* rt_task() */
#define ZF_TASK_UNKILLABLE   0x800u  /* OOM_SCORE_ADJ_MIN or kthread: never selected */
#define ZF_TASK_STUCK        0x1000u /* victim cannot exit (holds a lock the allocator waits on) */
#define ZF_TASK_MMAP_LOCKED  0x2000u /* oom_reaper cannot take mmap_sem */
#define ZF_TASK_IN_INTERRUPT 0x4000u /* allocations run in interrupt context */

struct zf_task_config {
	const char *name;
	unsigned int cpu;         /* runs on this CPU (local node = cpu's node) */
	uint32_t flags;           /* ZF_PF_* / ZF_TASK_* */
	int oom_score_adj;        /* -1000..1000 */
	uint32_t mems_allowed;    /* node bitmask; 0 = all nodes */
	uint32_t mempolicy_nodes; /* MPOL_BIND nodemask; 0 = no policy */
};

int zf_task_create(struct zf_machine *m, const struct zf_task_config *tc); /* id or -1 */
int zf_task_set_flags(struct zf_machine *m, int task, uint32_t set, uint32_t clear);
/* cpuset update: write_seqcount_begin/end around the mems change (bumps the cookie) */
int zf_task_set_mems(struct zf_machine *m, int task, uint32_t nodes);
int zf_task_set_mempolicy(struct zf_machine *m, int task, uint32_t nodes);
int zf_task_set_oom_score_adj(struct zf_machine *m, int task, int adj);
/* Exit: free the task's LRU pages and swap entries (do_exit -> exit_mm). */
int zf_task_exit(struct zf_machine *m, int task);
/* Deliver SIGKILL (fatal signal pending; the task exits at the next schedule point). */
int zf_task_kill(struct zf_machine *m, int task);

/* ---- allocation ---- */
struct zf_alloc_request {
	int task; /* current */
	zf_gfp_t gfp;
	unsigned int order;
	int preferred_nid; /* -1: the task's CPU's node */
	uint32_t nodemask; /* explicit nodemask (alloc_pages_nodemask); 0 = NULL */
};

enum zf_alloc_status {
	ZF_ALLOC_OK = 0,
	ZF_ALLOC_FAIL,    /* returned NULL */
	ZF_ALLOC_ABORTED, /* watchdog stopped a looping allocation (a finding, not a kernel outcome)
			   */
};

struct zf_alloc_result {
	enum zf_alloc_status status;
	uint64_t pfn; /* ZF_NO_PAGE on failure */
	int zone_id;  /* node * ZF_MAX_NR_ZONES + zone idx, -1 on failure */
	bool slowpath;
	unsigned int retries;              /* times retry: was re-entered via goto */
	unsigned int retry_cpuset;         /* times retry_cpuset: was re-entered via goto */
	unsigned int direct_reclaim_calls; /* __alloc_pages_direct_reclaim calls */
	unsigned int direct_compact_calls; /* try_to_compact_pages calls (order > 0) */
	unsigned int nr_compact_results;
	uint8_t compact_results[ZF_MAX_COMPACT_LOG]; /* enum zf_compact_result, in order */
	unsigned int oom_invoked;                    /* out_of_memory() calls */
	int oom_killed;                              /* first task killed, ZF_NO_TASK if none */
	unsigned int nofail_loops;                   /* nopage -> retry for __GFP_NOFAIL */
	unsigned int stall_warnings;
	bool warned_failure;  /* warn_alloc("page allocation failure") */
	uint32_t alloc_flags; /* alloc_flags of the successful attempt */
	uint64_t reclaimed;   /* pages reclaimed by this allocation's direct reclaim */
};

int zf_alloc_pages(struct zf_machine *m, const struct zf_alloc_request *req,
		   struct zf_alloc_result *res);
/* __free_pages(page, order) by task (order must be the allocation's order). -1 if not allocated. */
int zf_free_pages(struct zf_machine *m, int task, uint64_t pfn, unsigned int order);

/* ---- page cache / anon memory (LRU) ---- */
enum zf_lru_kind { ZF_LRU_ANON = 0, ZF_LRU_FILE = 1 };
/*
 * Fault in n order-0 pages for task: each is a real allocation with gfp
 * (GFP_HIGHUSER_MOVABLE for anon, page-cache gfp for file), then added to
 * the zone's inactive LRU. Returns pages added (stops at the first failure).
 */
uint64_t zf_lru_fill(struct zf_machine *m, int task, enum zf_lru_kind kind, uint64_t n,
		     zf_gfp_t gfp);
/* Mark up to n clean file pages of task dirty. Returns pages dirtied. */
uint64_t zf_lru_dirty(struct zf_machine *m, int task, uint64_t n);
/* Activate (mark referenced) up to n pages of task. */
uint64_t zf_lru_activate(struct zf_machine *m, int task, enum zf_lru_kind kind, uint64_t n);
/* Drop (munmap/truncate) up to n pages of task: freed to the allocator. */
uint64_t zf_lru_release(struct zf_machine *m, int task, enum zf_lru_kind kind, uint64_t n);

/* ---- background work and time ---- */
#define ZF_HZ 1000
uint64_t zf_jiffies(const struct zf_machine *m);
/* Advance virtual time by ticks, running kswapd/kcompactd/oom_reaper/writeback work due. */
void zf_advance_time(struct zf_machine *m, uint64_t ticks);
/* Run kswapd on node now (one wakeup's worth of balance_pgdat); order/classzone as woken. */
void zf_run_kswapd(struct zf_machine *m, int nid);
void zf_run_kcompactd(struct zf_machine *m, int nid);
/* drain_all_pages(NULL) */
void zf_drain_all_pages(struct zf_machine *m);
/* /proc/sys/vm/compact_memory for one node (-1: all) */
void zf_compact_node(struct zf_machine *m, int nid);

/* ---- isolation, hotplug, poison ---- */
/* start_isolate_page_range(): pageblock-aligned range to MIGRATE_ISOLATE. 0 or -1 (busy). */
int zf_isolate_range(struct zf_machine *m, uint64_t start_pfn, uint64_t nr_pages);
int zf_unisolate_range(struct zf_machine *m, uint64_t start_pfn, uint64_t nr_pages);
/* Offline (hot-remove) a populated zone's memory: isolate, migrate, take off, rebuild zonelists. */
int zf_offline_zone(struct zf_machine *m, int zone_id);
/* Online a zone that was offlined (hot-add back). */
int zf_online_zone(struct zf_machine *m, int zone_id);
/* added by planted bugs (B3): zf_online_zone() while task, on its CPU, allocates an order-0
 * page of the zone as soon as it is back in the buddy and frees it while zone_pcp_update()
 * rewrites that CPU's pageset (free_pcppages_bulk hang, 88e8ac11d2ea). 0, or -1. */
int zf_online_zone_racing_free(struct zf_machine *m, int zone_id, int task);
/* take_page_off_buddy(): hwpoison a free page. 0 on success, -1 if not free in buddy. */
int zf_poison_page(struct zf_machine *m, uint64_t pfn);

/* ---- hooks: yield points, events, fault injection ---- */
enum zf_yield_point {
	ZF_YIELD_AFTER_WAKE_KSWAPD = 0,
	ZF_YIELD_AT_RETRY,
	ZF_YIELD_AFTER_RECLAIM,
	ZF_YIELD_AFTER_COMPACT,
	ZF_YIELD_BEFORE_OOM,
	ZF_YIELD_IN_OOM_WAIT, /* schedule_timeout while another task holds oom_lock / victim exits
			       */
	ZF_NR_YIELD_POINTS,
};
const char *zf_yield_point_name(enum zf_yield_point yp);

struct zf_event;
struct zf_hooks {
	void *priv;
	/* Called for every event (NULL: events cost one branch). */
	void (*on_event)(void *priv, const struct zf_machine *m, const struct zf_event *ev);
	/* A named point in the slow path where other tasks may act; task = current. */
	void (*on_yield)(void *priv, struct zf_machine *m, enum zf_yield_point yp, int task);
	/* should_fail_alloc_page(): return true to fail this allocation. */
	bool (*should_fail_alloc_page)(void *priv, zf_gfp_t gfp, unsigned int order);
};
void zf_machine_set_hooks(struct zf_machine *m, const struct zf_hooks *h);
/* Is an allocation in progress (on this machine's calling thread)? Yield callbacks use this. */
unsigned int zf_alloc_depth(const struct zf_machine *m);

/*
 * ---- threads (added by threads; docs/concurrency.md) ----
 * A machine created with cfg.threaded takes its locks for real, and several
 * host threads may then run allocations, frees and LRU operations on it at
 * the same time, each bound to one CPU of the machine (one thread per CPU)
 * and running tasks of that CPU. A thread that is not bound runs on the
 * machine's shared context: it may call the API only while no bound thread
 * is inside it (set-up, quiescent points). Binding is per thread and per
 * machine; it is not machine state (zf_machine_copy keeps the binding).
 * 0 on success, -1: not threaded, no such CPU, CPU taken, thread bound already.
 */
int zf_thread_bind_cpu(struct zf_machine *m, unsigned int cpu);
/* Undo zf_thread_bind_cpu (not from inside an allocation). 0 or -1 (not bound to m). */
int zf_thread_unbind(struct zf_machine *m);
/* The CPU the calling thread is bound to on m, -1 if none. */
int zf_thread_cpu(const struct zf_machine *m);

/* ---- explicit PRNG (splitmix64); the model itself never uses rand() ---- */
uint64_t zf_prng_next(struct zf_machine *m);

#endif /* ZONEFUZZ_MACHINE_H */
