/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/inspect.h - read-only inspection of a machine: geometry, zones,
 * free lists, pages, per-cpu lists, tasks and counters. Oracles, reports and
 * the CLI see the model only through this header and events.h.
 */
#ifndef ZONEFUZZ_INSPECT_H
#define ZONEFUZZ_INSPECT_H

#include <stdint.h>
#include <stdbool.h>
#include "zonefuzz/machine.h"
#include "zonefuzz/events.h"

enum zf_migratetype {
	ZF_MIGRATE_UNMOVABLE = 0,
	ZF_MIGRATE_MOVABLE = 1,
	ZF_MIGRATE_RECLAIMABLE = 2,
	ZF_MIGRATE_PCPTYPES = 3,
	ZF_MIGRATE_HIGHATOMIC = 3,
	ZF_MIGRATE_CMA = 4,
	ZF_MIGRATE_ISOLATE = 5,
	ZF_MIGRATE_TYPES = 6,
};
const char *zf_migratetype_name(int mt); /* "Unmovable", ... as /proc/pagetypeinfo */
char zf_migratetype_letter(int mt);      /* U M E H C I as in show_free_areas */

/* Page flags as the model keeps them (uint16 per pfn). */
#define ZF_PG_BUDDY     0x0001u /* head of a free buddy block; order = block order */
#define ZF_PG_PCP       0x0002u /* on a per-cpu list; migratetype = cached pcp type */
#define ZF_PG_HEAD      0x0004u /* head of an allocated block; order = allocation order */
#define ZF_PG_LRU       0x0008u /* on a zone LRU list (allocated, order 0) */
#define ZF_PG_ACTIVE    0x0010u
#define ZF_PG_ANON      0x0020u /* swap-backed */
#define ZF_PG_DIRTY     0x0040u
#define ZF_PG_WRITEBACK 0x0080u
#define ZF_PG_ISOLATED  0x0100u /* isolated by compaction (migrate source or free target) */
#define ZF_PG_RESERVED  0x0200u /* memblock reserved: never managed */
#define ZF_PG_HWPOISON  0x0400u /* taken off the buddy */
#define ZF_PG_TAIL      0x0800u /* tail page of an allocated block */
#define ZF_PG_OFFLINE   0x1000u /* offlined by hot-remove */
#define ZF_PG_GUARD     0x2000u /* debug guard page (unused in 4.12 defaults) */

struct zf_geometry {
	unsigned int nr_nodes;
	unsigned int nr_cpus;
	unsigned int max_order;
	unsigned int pageblock_order;
	uint64_t nr_pages; /* pfns 0 .. nr_pages-1 */
	uint64_t swap_pages;
	enum zf_profile_id profile;
	uint32_t bugs;
};

struct zf_zone_info {
	int id; /* nid * ZF_MAX_NR_ZONES + idx */
	int nid;
	int idx;          /* enum zf_zone_type */
	const char *name; /* "DMA", "DMA32", "Normal", "Movable" */
	bool populated;   /* managed_pages > 0 */
	uint64_t start_pfn, spanned_pages, present_pages, managed_pages;
	uint64_t wmark[3]; /* min, low, high */
	uint64_t lowmem_reserve[ZF_MAX_NR_ZONES];
	int64_t nr_free_pages;              /* vmstat NR_FREE_PAGES */
	int64_t nr_free_cma;                /* vmstat NR_FREE_CMA_PAGES */
	uint64_t nr_free[ZF_MAX_ORDER_MAX]; /* free_area[o].nr_free (blocks) */
	uint64_t nr_reserved_highatomic;
	uint64_t nr_isolate_pageblock;
	uint64_t lru[4]; /* inactive_anon, active_anon, inactive_file, active_file */
	uint64_t nr_dirty, nr_writeback; /* NR_ZONE_WRITE_PENDING = sum */
	uint64_t nr_isolated;            /* pages isolated by compaction right now */
	uint64_t nr_allocated;           /* pages handed out (including LRU pages) */
	uint64_t nr_pcp;                 /* pages on all cpus' pcp lists */
	uint64_t nr_poisoned;            /* taken off by hwpoison */
	uint64_t nr_offline;
	/* compaction */
	unsigned int compact_considered, compact_defer_shift, compact_order_failed;
	uint64_t compact_cached_free_pfn, compact_cached_migrate_pfn[2];
	bool compact_blockskip_flush;
	uint64_t vmstat_pgalloc;
	/*
	 * The vm_stat items behind lru[], nr_dirty + nr_writeback, nr_isolated,
	 * nr_allocated, nr_pcp, nr_poisoned and nr_offline, signed and as the zone
	 * holds them. The unsigned fields above read a negative item as 0, as
	 * the kernel's zone_page_state() does; a negative item is a drift that
	 * an oracle must be able to see (nr_free_pages is already signed).
	 */
	struct {
		int64_t lru[4], write_pending, isolated, allocated, pcp, poisoned, offline;
	} raw;
	/* hot-removed (zf_offline_zone): its memory counts 0 in the watermark setup (spec §3) */
	bool offline;
	/*
	 * wmark[] / lowmem_reserve[] were put in place by zf_machine_override_zone()
	 * (captured from a real machine, zonefuzz/snapshot.h) rather than derived by
	 * the model's formulas. Stays set once set.
	 */
	bool wmark_overridden;
};

struct zf_node_info {
	int nid;
	unsigned int kswapd_failures;
	unsigned int kswapd_order;
	int kswapd_classzone_idx; /* ZF_MAX_NR_ZONES: unset */
	bool kswapd_sleeping;     /* waiting on kswapd_wait */
	bool kswapd_woken;        /* wakeup pending */
	unsigned int kcompactd_max_order;
	int kcompactd_classzone_idx;
	bool kcompactd_woken;
	uint32_t zonelist_seq; /* bumps on rebuild */
	/* direct reclaimers throttled on this node (waitqueue_active(&pgdat->pfmemalloc_wait)) */
	bool pfmemalloc_wait;
};

struct zf_pcp_info {
	unsigned int cpu;
	int zone_id;
	int count, high, batch;
	int list_len[ZF_MIGRATE_PCPTYPES];
};

struct zf_page_info {
	uint64_t pfn;
	uint16_t flags;      /* ZF_PG_* */
	uint8_t order;       /* buddy order (BUDDY) or allocation order (HEAD) */
	uint8_t migratetype; /* cached type (pcp / alloc) */
	int16_t owner;       /* task, -1 none */
	int zone_id;
	int pageblock_mt;    /* get_pageblock_migratetype */
	bool pageblock_skip; /* PB_migrate_skip */
	int pcp_cpu;         /* on which cpu's list, -1 */
};

struct zf_task_info {
	int id;
	const char *name;
	bool alive;
	uint32_t flags;
	int oom_score_adj;
	unsigned int cpu;
	uint32_t mems_allowed;
	uint32_t mems_seq;
	uint32_t mempolicy_nodes;
	uint64_t rss_anon, rss_file, swapents;
	bool oom_victim; /* tsk_is_oom_victim */
	bool mmf_oom_skip;
	unsigned int reap_attempts;
};

/*
 * What a pass over the whole pfn space reads of each page: zf_page_info
 * without the pageblock fields and the pcp cpu (zf_inspect_page() for those).
 */
struct zf_page_state {
	uint16_t flags; /* ZF_PG_* */
	uint8_t order;  /* buddy order (BUDDY) or allocation order (HEAD) */
	uint8_t migratetype;
	int16_t owner;   /* task, -1 none */
	int16_t zone_id; /* -1: a hole */
};

void zf_inspect_geometry(const struct zf_machine *m, struct zf_geometry *g);
int zf_inspect_zone(const struct zf_machine *m, int zone_id, struct zf_zone_info *zi);
int zf_inspect_node(const struct zf_machine *m, int nid, struct zf_node_info *ni);
int zf_inspect_pcp(const struct zf_machine *m, unsigned int cpu, int zone_id,
		   struct zf_pcp_info *pi);
int zf_inspect_page(const struct zf_machine *m, uint64_t pfn, struct zf_page_info *pi);
/*
 * The states of pages [pfn, pfn + n) into out[0 .. n) in one call, for the
 * oracles' O(pages) walks (one call per chunk instead of one zf_inspect_page()
 * per pfn). Returns how many were filled: n, fewer at the end of the pfn
 * space, 0 when pfn is past it.
 */
uint64_t zf_inspect_pages(const struct zf_machine *m, uint64_t pfn, uint64_t n,
			  struct zf_page_state *out);
int zf_inspect_task(const struct zf_machine *m, int task, struct zf_task_info *ti);
unsigned int zf_inspect_nr_tasks(const struct zf_machine *m);
/* Zone of a pfn (-1 if in a hole / out of range). */
int zf_inspect_pfn_zone(const struct zf_machine *m, uint64_t pfn);
/* Pageblock migratetype and skip bit of the block holding pfn. */
int zf_inspect_pageblock_mt(const struct zf_machine *m, uint64_t pfn);

/*
 * List walking: first / next pfn of free_area[order].free_list[mt] of a zone,
 * and of a pcp list; ZF_NO_PAGE at the end. Lists are walked head to tail.
 */
uint64_t zf_inspect_free_list_first(const struct zf_machine *m, int zone_id, unsigned int order,
				    int mt);
uint64_t zf_inspect_pcp_list_first(const struct zf_machine *m, unsigned int cpu, int zone_id,
				   int mt);
uint64_t zf_inspect_list_next(const struct zf_machine *m, uint64_t pfn);
uint64_t zf_inspect_list_len(const struct zf_machine *m, int zone_id, unsigned int order, int mt);

/* vmstat */
uint64_t zf_inspect_vmstat(const struct zf_machine *m, enum zf_vmstat_item i);

/*
 * The sysctls behind the watermark setup as they are in force, and the total
 * the model derived from them (spec §1.1, §3): what an oracle that redoes
 * init_per_zone_wmark_min(), setup_per_zone_wmarks(),
 * setup_per_zone_lowmem_reserve() and the pageset sizing needs besides the
 * zones and pagesets.
 */
struct zf_wmark_setup_info {
	long min_free_kbytes;                /* in force (the config's, or the formula's) */
	unsigned int watermark_scale_factor; /* in force */
	unsigned int lowmem_reserve_ratio[ZF_MAX_NR_ZONES]; /* in force */
	unsigned int percpu_pagelist_fraction;              /* 0: zone_batchsize() sizing */
	uint64_t totalreserve_pages;                        /* calculate_totalreserve_pages() */
};
void zf_inspect_wmark_setup(const struct zf_machine *m, struct zf_wmark_setup_info *wi);

/* The zonelist (ZONELIST_FALLBACK or NOFALLBACK) of a node, highest first: zone ids, -1 ends. */
int zf_inspect_zonelist(const struct zf_machine *m, int nid, bool nofallback, int *ids, int max);

/* The allocation in progress (innermost), for oracles judging an event. */
struct zf_alloc_ctx_info {
	bool active;
	int task;
	zf_gfp_t gfp; /* gfp_mask as the slow path sees it */
	unsigned int order;
	int high_zoneidx;
	int migratetype;
	uint32_t nodemask;     /* 0 = NULL */
	int preferred_zone_id; /* -1 if NULL */
	int classzone_idx;
	uint32_t alloc_flags; /* current alloc_flags */
	unsigned int retries;
	unsigned int no_progress_loops;
	unsigned int compaction_retries;
	int compact_priority;
	unsigned int direct_reclaim_calls, direct_compact_calls, oom_invoked;
	/* ac->zonelist: the node whose zonelist the request walks now (-1: none) and which one */
	int zonelist_nid;
	bool zonelist_nofallback; /* ZONELIST_NOFALLBACK (__GFP_THISNODE), else FALLBACK */
};
void zf_inspect_alloc_ctx(const struct zf_machine *m, struct zf_alloc_ctx_info *ci);

/* Watermark helpers exposed for oracles (pure functions of the state). */
bool zf_zone_watermark_ok(const struct zf_machine *m, int zone_id, unsigned int order,
			  uint64_t mark, int classzone_idx, uint32_t alloc_flags,
			  int64_t free_pages);
int zf_gfp_zone(zf_gfp_t gfp);
int zf_gfp_migratetype(const struct zf_machine *m, zf_gfp_t gfp);
uint64_t zf_zone_reclaimable_pages(const struct zf_machine *m, int zone_id);
/* get_nr_swap_pages(): free swap slots now (zf_geometry.swap_pages is the total). */
uint64_t zf_inspect_nr_swap_pages(const struct zf_machine *m);
/*
 * The node's LRU sizes (node_page_state of NR_{IN,}ACTIVE_{ANON,FILE}: the sum
 * of its zones' counters, each read as zf_zone_info.lru does), in zf_zone_info
 * lru[] order, without a whole zone snapshot. 0, or -1 for a bad node.
 */
int zf_inspect_node_lru(const struct zf_machine *m, int nid, uint64_t lru[4]);

/* ALLOC_* flags (spec §1.5), exposed for oracles. */
#define ZF_ALLOC_WMARK_MIN     0x00u
#define ZF_ALLOC_WMARK_LOW     0x01u
#define ZF_ALLOC_WMARK_HIGH    0x02u
#define ZF_ALLOC_NO_WATERMARKS 0x04u
#define ZF_ALLOC_WMARK_MASK    0x03u
#define ZF_ALLOC_OOM           0x08u /* 4.14+ */
#define ZF_ALLOC_HARDER        0x10u
#define ZF_ALLOC_HIGH          0x20u
#define ZF_ALLOC_CPUSET        0x40u
#define ZF_ALLOC_CMA           0x80u

#endif /* ZONEFUZZ_INSPECT_H */
