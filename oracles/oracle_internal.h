/* SPDX-License-Identifier: MIT */
/*
 * oracles/oracle_internal.h - what the oracle files share: the descriptor +
 * ops table every oracle fills in (stress-ng's stressor_info_t pattern), the
 * X-macro registry, the finding recorder and small helpers over the public
 * inspection API.
 *
 * Oracles include only the public headers zonefuzz/{machine,events,inspect,gfp}.h
 * (and zonefuzz/oracle.h). They never see allocator/internal.h: everything
 * they judge comes from events and zf_inspect_*().
 */
#ifndef ZONEFUZZ_ORACLE_INTERNAL_H
#define ZONEFUZZ_ORACLE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/events.h"
#include "zonefuzz/gfp.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/machine.h"
#include "zonefuzz/oracle.h"

/* Kernel constants the oracles reason with (spec §1.1). */
#define ZF_O_COSTLY_ORDER        3
#define ZF_O_DEF_PRIORITY        12 /* vmscan.c DEF_PRIORITY, spec §7.2 */
#define ZF_O_MAX_RECLAIM_RETRIES 16
#define ZF_O_MAX_COMPACT_RETRIES 16
#define ZF_O_MAX_DEFER_SHIFT     6
#define ZF_O_EXTFRAG_THRESHOLD   500 /* sysctl_extfrag_threshold default, spec §6.1 */

/* The set (oracles/registry.c) is also the context a check files findings through. */
struct zf_oracle_set;

/* One oracle: descriptor + hooks. Adding an oracle = one file + one line in ZF_ORACLE_LIST. */
struct zf_oracle_ops {
	struct zf_oracle_desc desc;
	uint64_t event_mask; /* bit (1 << ZF_EV_x): events on_event wants */
	size_t state_size;   /* bytes of per-oracle state, zeroed at create */
	/* Start a run on m: clear the state (may allocate per-pfn scratch). */
	void (*reset)(struct zf_oracle_set *c, void *st, const struct zf_machine *m);
	/* Incremental check of one event: O(1) (or O(zones)) per event. */
	void (*on_event)(struct zf_oracle_set *c, void *st, const struct zf_machine *m,
			 const struct zf_event *ev);
	/* Full-state check at walk_interval and at finish: O(pages) allowed. */
	void (*walk)(struct zf_oracle_set *c, void *st, const struct zf_machine *m);
	/* Free what reset allocated (the state itself is freed by the registry). */
	void (*release)(void *st);
};

#define ZF_EVBIT(name) (UINT64_C(1) << ZF_EV_##name)
_Static_assert(ZF_NR_EVENTS <= 64, "event masks are 64 bits");

/*
 * The registry, in stable order (bit i of zf_oracle_options.enabled is oracle i).
 * X(name): the ops live in oracles/<name>.c as zf_oracle_<name>.
 */
#define ZF_ORACLE_LIST(X)                                                                          \
	X(conservation)                                                                            \
	X(buddy)                                                                                   \
	X(counters)                                                                                \
	X(placement)                                                                               \
	X(livelock)                                                                                \
	X(gfp)                                                                                     \
	X(premature_oom)                                                                           \
	X(kswapd)                                                                                  \
	X(compaction)                                                                              \
	X(order)                                                                                   \
	X(vmstat)                                                                                  \
	X(watermarks)

#define ZF_ORACLE_DECL(name) extern const struct zf_oracle_ops zf_oracle_##name;
ZF_ORACLE_LIST(ZF_ORACLE_DECL)
#undef ZF_ORACLE_DECL

/*
 * File a finding for the oracle now running. ev may be NULL (found by a walk:
 * func = "oracle walk" and file/line = the check). zone_id < 0: no zone snapshot.
 */
void zf_oracle_report(struct zf_oracle_set *c, const struct zf_machine *m,
		      const struct zf_event *ev, int zone_id, const char *file, int line,
		      const char *fmt, ...) __attribute__((format(printf, 7, 8)));
#define zf_oreport(c, m, ev, zone_id, ...)                                                         \
	zf_oracle_report((c), (m), (ev), (zone_id), __FILE__, __LINE__, __VA_ARGS__)

/* Operation index of the run (for messages). */
uint64_t zf_oset_op_index(const struct zf_oracle_set *c);

/* ---- helpers over the public API (oracles/common.c) ---- */

/* Cached geometry of the machine the set was reset on. */
const struct zf_geometry *zf_oset_geometry(const struct zf_oracle_set *c);

/* Node of a zone id; zone index inside the node. */
static inline int zf_o_zone_nid(int zone_id)
{
	return zone_id / ZF_MAX_NR_ZONES;
}
static inline int zf_o_zone_idx(int zone_id)
{
	return zone_id % ZF_MAX_NR_ZONES;
}
static inline int zf_o_nr_zone_ids(const struct zf_geometry *g)
{
	return (int)g->nr_nodes * ZF_MAX_NR_ZONES;
}

/* Node a CPU belongs to: machine.h spreads CPUs round robin over the nodes. */
static inline int zf_o_cpu_nid(const struct zf_geometry *g, unsigned int cpu)
{
	return g->nr_nodes ? (int)(cpu % g->nr_nodes) : 0;
}

/*
 * cpuset_zone_allowed() of 4.12 (__cpuset_node_allowed) for a node: interrupt context,
 * a node in mems_allowed or a TIF_MEMDIE task (4.14+: any OOM victim) pass; a
 * __GFP_HARDWALL request stops there; otherwise an exiting task passes, and the softwall
 * scan stops at the nearest hardwall ancestor, which in the model's flat cpusets is the
 * task's own cpuset (docs/oracles.md).
 */
bool zf_o_cpuset_node_allowed(const struct zf_machine *m, const struct zf_task_info *ti,
			      zf_gfp_t gfp, int nid);

/* gfp_zone() of x86-64 (spec §1.3, no ZONE_HIGHMEM): the highest usable zone, -1 if invalid. */
int zf_o_gfp_zone(zf_gfp_t gfp);

/* Does the zone pass __zone_watermark_ok with these inputs (zone info already read)? */
/*
 * A vm_stat item as the kernel's zone_page_state() reads it on SMP: a negative
 * (drifted) value reads 0. Oracles re-doing an allocator decision use it;
 * ZF_INV_COUNTERS compares the raw value with the lists.
 */
static inline int64_t zf_o_stat_read(int64_t raw)
{
	return raw < 0 ? 0 : raw;
}

bool zf_o_wmark_ok(const struct zf_machine *m, const struct zf_zone_info *zi, unsigned int order,
		   uint64_t mark, int classzone_idx, uint32_t alloc_flags, int64_t free_pages);

/* 64-bit mixing for state hashes (splitmix64 finaliser). */
static inline uint64_t zf_o_mix(uint64_t h, uint64_t v)
{
	uint64_t z = h ^ (v + UINT64_C(0x9e3779b97f4a7c15) + (h << 6) + (h >> 2));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The state of every pfn [0, nr_pages) of m, read with zf_inspect_pages() at
 * the first call of a walk or a reset and shared by the oracles that make a
 * per-pfn pass (conservation, counters), so that one walk reads the page
 * array once. Valid until the walk (reset) ends, or until the next call
 * outside walks and resets; NULL when out of memory.
 */
const struct zf_page_state *zf_oset_pages(struct zf_oracle_set *c, const struct zf_machine *m);

/*
 * A pass over the pfn space: zf_o_page(m, &cur, pfn) is the state of pfn,
 * NULL past the end, with cur from zf_o_pages_begin(). It reads the shared
 * array above; without one (no memory) it reads ZF_O_PAGE_CHUNK pages at a
 * time with zf_inspect_pages() instead.
 */
#define ZF_O_PAGE_CHUNK 256
struct zf_o_pages {
	const struct zf_page_state *all; /* zf_oset_pages(), or NULL */
	uint64_t nr_all;
	struct zf_page_state ps[ZF_O_PAGE_CHUNK];
	uint64_t base, n;
};
static inline void zf_o_pages_begin(struct zf_o_pages *cur, struct zf_oracle_set *c,
				    const struct zf_machine *m)
{
	cur->all = zf_oset_pages(c, m);
	cur->nr_all = zf_oset_geometry(c)->nr_pages;
	cur->base = cur->n = 0;
}
static inline __attribute__((always_inline)) const struct zf_page_state *
zf_o_page(const struct zf_machine *m, struct zf_o_pages *cur, uint64_t pfn)
{
	if (cur->all)
		return pfn < cur->nr_all ? &cur->all[pfn] : NULL;
	if (pfn < cur->base || pfn - cur->base >= cur->n) {
		cur->base = pfn;
		cur->n = zf_inspect_pages(m, pfn, ZF_O_PAGE_CHUNK, cur->ps);
		if (!cur->n)
			return NULL;
	}
	return &cur->ps[pfn - cur->base];
}

/* Per-pfn bitmaps (allocated at reset, sized to the pfn space). */
struct zf_obitmap {
	uint64_t *w;
	uint64_t nbits;
};
bool zf_obitmap_resize(struct zf_obitmap *b, uint64_t nbits); /* cleared; false on ENOMEM */
void zf_obitmap_clear(struct zf_obitmap *b);
void zf_obitmap_free(struct zf_obitmap *b);
static inline bool zf_obitmap_test(const struct zf_obitmap *b, uint64_t i)
{
	return i < b->nbits && (b->w[i >> 6] >> (i & 63)) & 1u;
}
static inline void zf_obitmap_set(struct zf_obitmap *b, uint64_t i)
{
	if (i < b->nbits)
		b->w[i >> 6] |= UINT64_C(1) << (i & 63);
}
static inline void zf_obitmap_clr(struct zf_obitmap *b, uint64_t i)
{
	if (i < b->nbits)
		b->w[i >> 6] &= ~(UINT64_C(1) << (i & 63));
}
/* Number of set bits in [start, start + n). */
uint64_t zf_obitmap_count_range(const struct zf_obitmap *b, uint64_t start, uint64_t n);
void zf_obitmap_set_range(struct zf_obitmap *b, uint64_t start, uint64_t n);
void zf_obitmap_clr_range(struct zf_obitmap *b, uint64_t start, uint64_t n);

/*
 * The allocations in progress as the events show them: ALLOC_BEGIN pushes,
 * ALLOC_END pops (nested allocations run from yield callbacks, LIFO).
 * Oracles keep their per-allocation records in an array indexed by depth.
 */
#define ZF_O_MAX_NEST 16

#endif /* ZONEFUZZ_ORACLE_INTERNAL_H */
