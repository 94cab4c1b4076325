/* SPDX-License-Identifier: MIT */
/*
 * allocator/machine.c - create, copy and destroy a machine: configuration
 * checks, the memory map (pfn layout, zones, pageblocks), the boot-time
 * release of every managed page into the buddy lists, build_all_zonelists(),
 * hooks, the PRNG and the locks.
 *
 * Boot mirrors the kernel's order: the zones are sized (free_area_init_core),
 * every pageblock becomes MOVABLE (memmap_init_zone), CMA pageblocks are
 * marked, the zonelists are built, the memory is handed to the buddy
 * allocator (free_all_bootmem), then the watermarks, lowmem reserves and
 * per-cpu pagesets are set up (init_per_zone_wmark_min, setup_zone_pageset).
 */
#define _POSIX_C_SOURCE 200809L /* sched_yield() */
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define ZF_LOCAL_DISTANCE      10 /* LOCAL_DISTANCE */
#define ZF_REMOTE_DISTANCE     20 /* REMOTE_DISTANCE */
#define ZF_DEFAULT_MAX_RETRIES 10000u

static const char *const zf_zone_names[MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable"};

/* sysctl_lowmem_reserve_ratio defaults (spec §1.1); MOVABLE's is never used. */
static const unsigned int zf_default_lowmem_ratio[MAX_NR_ZONES] = {256, 256, 32, 32};

void zf_config_default(struct zf_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->profile = ZF_PROFILE_4_12;
	cfg->nr_nodes = 1;
	cfg->zone_pages[0][ZONE_DMA] = 1024;
	cfg->zone_pages[0][ZONE_DMA32] = 7168;
	cfg->zone_pages[0][ZONE_NORMAL] = 8192;
	cfg->nr_cpus = 2;
	cfg->max_order = 11;      /* MAX_ORDER */
	cfg->pageblock_order = 9; /* HUGETLB_PAGE_ORDER on x86-64 */
	cfg->swap_pages = 4096;
	cfg->min_free_kbytes = -1; /* init_per_zone_wmark_min() */
	cfg->cpusets_enabled = true;
	cfg->max_retries = 0; /* 10000 */
}

void zf_config_kernel(struct zf_config *cfg, uint64_t dma, uint64_t dma32, uint64_t normal)
{
	zf_config_default(cfg);
	cfg->zone_pages[0][ZONE_DMA] = dma;
	cfg->zone_pages[0][ZONE_DMA32] = dma32;
	cfg->zone_pages[0][ZONE_NORMAL] = normal;
}

/* ------------------------------------------------------------------ */
/* Configuration checks                                                */
/* ------------------------------------------------------------------ */

#define ZF_ALL_BUGS                                                                                \
	(ZF_BUG_B3 | ZF_BUG_B4 | ZF_BUG_B5 | ZF_BUG_B6 | ZF_BUG_B8 | ZF_BUG_B11 | ZF_BUG_B12 |     \
	 ZF_BUG_B17 | ZF_BUG_B18 | ZF_BUG_B21 | ZF_BUG_B23)

/* The largest pfn space the 32-bit list links can address (ZF_NIL excluded). */
#define ZF_MAX_PFNS ((uint64_t)UINT32_MAX - (1u << 12))

/* Highest populated non-movable zone of a node, -1 if none (where CMA goes). */
static int zf_cma_zone_idx(const struct zf_config *cfg, unsigned int nid)
{
	for (int zi = ZONE_NORMAL; zi >= ZONE_DMA; zi--)
		if (cfg->zone_pages[nid][zi])
			return zi;
	return -1;
}

static int zf_config_check(const struct zf_config *cfg, char *err, size_t errlen)
{
#define ZF_BAD(...)                                                                                \
	do {                                                                                       \
		if (err && errlen)                                                                 \
			snprintf(err, errlen, __VA_ARGS__);                                        \
		return -1;                                                                         \
	} while (0)
	uint64_t total = 0, pb;

	if ((unsigned int)cfg->profile >= ZF_NR_PROFILES)
		ZF_BAD("profile: %d is not a known profile (0..%d)", (int)cfg->profile,
		       ZF_NR_PROFILES - 1);
	if (cfg->nr_nodes < 1 || cfg->nr_nodes > MAX_NUMNODES)
		ZF_BAD("nr_nodes: %u must be 1..%d", cfg->nr_nodes, MAX_NUMNODES);
	if (cfg->nr_cpus < 1 || cfg->nr_cpus > ZF_MAX_CPUS)
		ZF_BAD("nr_cpus: %u must be 1..%d", cfg->nr_cpus, ZF_MAX_CPUS);
	if (cfg->max_order < 2 || cfg->max_order > ZF_MAX_ORDER_MAX)
		ZF_BAD("max_order: %u must be 2..%d", cfg->max_order, ZF_MAX_ORDER_MAX);
	if (cfg->pageblock_order >= cfg->max_order)
		ZF_BAD("pageblock_order: %u must be below max_order (%u)", cfg->pageblock_order,
		       cfg->max_order);
	pb = 1ULL << cfg->pageblock_order;

	for (unsigned int i = 0; i < MAX_NUMNODES; i++) {
		for (unsigned int j = 0; j < MAX_NUMNODES; j++) {
			unsigned int d = cfg->distance[i][j];

			if (d == 0 || i >= cfg->nr_nodes || j >= cfg->nr_nodes)
				continue;
			/* ACPI SLIT rules the kernel relies on */
			if (i == j && d != ZF_LOCAL_DISTANCE)
				ZF_BAD(
				    "distance[%u][%u]: %u: a node's distance to itself must be %d",
				    i, j, d, ZF_LOCAL_DISTANCE);
			if (i != j && d <= ZF_LOCAL_DISTANCE)
				ZF_BAD("distance[%u][%u]: %u: a remote distance must exceed %d", i,
				       j, d, ZF_LOCAL_DISTANCE);
		}
	}

	for (unsigned int n = 0; n < MAX_NUMNODES; n++) {
		for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++) {
			uint64_t pages = cfg->zone_pages[n][zi], rsv = cfg->reserved_pages[n][zi];

			if (n >= cfg->nr_nodes && pages)
				ZF_BAD(
				    "zone_pages[%u][%u]: %llu pages on a node beyond nr_nodes (%u)",
				    n, zi, (unsigned long long)pages, cfg->nr_nodes);
			if (n >= cfg->nr_nodes && rsv)
				ZF_BAD(
				    "reserved_pages[%u][%u]: %llu pages on a node beyond nr_nodes "
				    "(%u)",
				    n, zi, (unsigned long long)rsv, cfg->nr_nodes);
			if (rsv && !pages)
				ZF_BAD(
				    "reserved_pages[%u][%u]: %llu reserved pages in an absent zone "
				    "(zone_pages is 0)",
				    n, zi, (unsigned long long)rsv);
			if (pages > ZF_MAX_PFNS || rsv > ZF_MAX_PFNS)
				ZF_BAD("zone_pages[%u][%u]: %llu pages exceed the 32-bit pfn space",
				       n, zi, (unsigned long long)(pages > rsv ? pages : rsv));
			total += pages + rsv;
			if (total > ZF_MAX_PFNS)
				ZF_BAD(
				    "zone_pages[%u][%u]: %llu pages in all exceed the 32-bit pfn "
				    "space",
				    n, zi, (unsigned long long)total);
		}
	}
	if (total == 0)
		ZF_BAD("zone_pages: no zone has any pages");
	{
		uint64_t managed = 0;

		for (unsigned int n = 0; n < cfg->nr_nodes; n++)
			for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++)
				managed += cfg->zone_pages[n][zi];
		if (managed == 0)
			ZF_BAD("zone_pages: no managed pages");
	}

	for (unsigned int n = 0; n < MAX_NUMNODES; n++) {
		uint64_t nblocks, managed;
		int zi;

		if (!cfg->cma_pages[n])
			continue;
		if (n >= cfg->nr_nodes)
			ZF_BAD("cma_pages[%u]: CMA on a node beyond nr_nodes (%u)", n,
			       cfg->nr_nodes);
		zi = zf_cma_zone_idx(cfg, n);
		if (zi < 0)
			ZF_BAD("cma_pages[%u]: node %u has no populated non-movable zone", n, n);
		nblocks = (cfg->cma_pages[n] + pb - 1) / pb;
		managed = cfg->zone_pages[n][zi];
		/* whole pageblocks inside the managed part: checked exactly at layout time */
		if (nblocks * pb > managed)
			ZF_BAD("cma_pages[%u]: %llu pageblocks (%llu pages) do not fit in zone %s "
			       "(%llu managed pages)",
			       n, (unsigned long long)nblocks, (unsigned long long)(nblocks * pb),
			       zf_zone_names[zi], (unsigned long long)managed);
	}

	if (cfg->watermark_scale_factor > 1000)
		ZF_BAD("watermark_scale_factor: %u must be 0 (default) or 1..1000",
		       cfg->watermark_scale_factor);
	if (cfg->percpu_pagelist_fraction != 0 && cfg->percpu_pagelist_fraction < 8)
		ZF_BAD("percpu_pagelist_fraction: %u must be 0 (default) or at least 8",
		       cfg->percpu_pagelist_fraction);
	if (cfg->bugs & ~(uint32_t)ZF_ALL_BUGS)
		ZF_BAD("bugs: 0x%x has unknown bits (known: 0x%x)", cfg->bugs,
		       (unsigned int)ZF_ALL_BUGS);
	return 0;
#undef ZF_BAD
}

/* ------------------------------------------------------------------ */
/* Locks, hooks, PRNG                                                  */
/* ------------------------------------------------------------------ */

/*
 * A test-and-test-and-set spinlock. A lock holder may be a host thread the
 * host scheduler preempted (more stress threads than host CPUs): after a
 * while of spinning the waiter gives its time slice away instead of burning
 * it.
 */
void __zf_spin_lock(zf_spinlock_t *l)
{
	unsigned int spins = 0;

	while (atomic_exchange_explicit(&l->v, 1, memory_order_acquire)) {
		while (atomic_load_explicit(&l->v, memory_order_relaxed)) {
			if (++spins >= 256) {
				spins = 0;
				sched_yield();
			}
		}
	}
}

void __zf_spin_unlock(zf_spinlock_t *l)
{
	atomic_store_explicit(&l->v, 0, memory_order_release);
}

bool __zf_spin_trylock(zf_spinlock_t *l)
{
	int expected = 0;

	return atomic_compare_exchange_strong_explicit(&l->v, &expected, 1, memory_order_acquire,
						       memory_order_relaxed);
}

void zf_machine_set_hooks(struct zf_machine *m, const struct zf_hooks *h)
{
	if (h)
		m->hooks = *h;
	else
		memset(&m->hooks, 0, sizeof(m->hooks));
}

unsigned int zf_alloc_depth(const struct zf_machine *m)
{
	return zf_nesting(m);
}

/* ------------------------------------------------------------------ */
/* CPU contexts and thread binding (docs/concurrency.md)               */
/* ------------------------------------------------------------------ */

/*
 * The one piece of per-thread state: which CPU of which machine the calling
 * host thread is bound to. It is the model of the kernel's per-cpu
 * `current` pointer, a register of the CPU, not state of the machine: every
 * piece of model state (tasks, frames, in_background) stays in struct
 * zf_machine's cpu_ctx[]; this only selects one of them. Copying or
 * resetting a machine never touches it, and a thread bound to one machine
 * runs on the unbound context of any other machine.
 */
static _Thread_local struct {
	const struct zf_machine *m;
	unsigned int cpu;
} zf_bound;

struct zf_cpu_ctx *zf_thread_ctx(const struct zf_machine *m)
{
	if (zf_bound.m != m || zf_bound.cpu >= m->nr_cpus || !m->cpu_ctx[zf_bound.cpu].bound)
		return NULL;
	return (struct zf_cpu_ctx *)&m->cpu_ctx[zf_bound.cpu];
}

int zf_thread_bind_cpu(struct zf_machine *m, unsigned int cpu)
{
	if (!m || !m->threaded || cpu >= m->nr_cpus || zf_bound.m)
		return -1;
	/* one thread per CPU: the kernel's `current` of a CPU is one task */
	if (__atomic_exchange_n(&m->cpu_ctx[cpu].bound, true, __ATOMIC_ACQ_REL))
		return -1;
	zf_bound.m = m;
	zf_bound.cpu = cpu;
	return 0;
}

int zf_thread_unbind(struct zf_machine *m)
{
	struct zf_cpu_ctx *c;

	if (!m || zf_bound.m != m)
		return -1;
	if (zf_bound.cpu >= m->nr_cpus) {
		/* a zf_machine_copy() from a machine with fewer CPUs took this one away */
		zf_bound.m = NULL;
		zf_bound.cpu = 0;
		return 0;
	}
	c = &m->cpu_ctx[zf_bound.cpu];
	if (c->alloc_depth)
		return -1; /* inside an allocation */
	__atomic_store_n(&c->bound, false, __ATOMIC_RELEASE);
	zf_bound.m = NULL;
	zf_bound.cpu = 0;
	return 0;
}

int zf_thread_cpu(const struct zf_machine *m)
{
	return m && zf_thread_ctx(m) ? (int)zf_bound.cpu : -1;
}

/* Is any context inside an allocation (frames point into a live C stack)? */
static bool zf_machine_allocating(const struct zf_machine *m)
{
	if (m->alloc_nesting)
		return true;
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		if (m->cpu_ctx[cpu].alloc_depth)
			return true;
	return false;
}

/* splitmix64 (Steele, Lea, Flood 2014): the state is the seed plus a Weyl sequence. */
uint64_t zf_prng_next(struct zf_machine *m)
{
	uint64_t z = (m->prng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* ------------------------------------------------------------------ */
/* Zonelists                                                           */
/* ------------------------------------------------------------------ */

/*
 * nr_free_zone_pages(): sum of (managed - high watermark) over the zones of
 * the local node's fallback zonelist at or below 'offset' (4.12
 * page_alloc.c). nr_free_buffer_pages() is the GFP_USER flavour (zones <=
 * NORMAL) that init_per_zone_wmark_min() sizes min_free_kbytes from;
 * nr_free_pagecache_pages() is the GFP_HIGHUSER_MOVABLE flavour that decides
 * page_group_by_mobility_disabled.
 */
static uint64_t nr_free_zone_pages(struct zf_machine *m, int offset)
{
	unsigned int nid = numa_node_id(m);
	const struct zonelist *zl;
	uint64_t sum = 0;

	if (nid >= m->nr_nodes)
		nid = 0;
	zl = &m->nodes[nid].node_zonelists[ZONELIST_FALLBACK];
	for (int i = 0; i < NR_ZONES_TOTAL && zl->zoneref[i] >= 0; i++) {
		const struct zone *z = zone_by_id(m, zl->zoneref[i]);
		uint64_t size = z->managed_pages, high = high_wmark_pages(z);

		if (z->idx > offset)
			continue;
		if (size > high)
			sum += size - high;
	}
	return sum;
}

uint64_t nr_free_buffer_pages(struct zf_machine *m)
{
	return nr_free_zone_pages(m, gfp_zone(ZF_GFP_USER));
}

static uint64_t nr_free_pagecache_pages(struct zf_machine *m)
{
	return nr_free_zone_pages(m, gfp_zone(ZF_GFP_HIGHUSER_MOVABLE));
}

/*
 * build_zonelists() for one node, in "node order" (the 4.12 default on
 * 64-bit): every node's populated zones, nodes nearest first (ties by node
 * id; the kernel's find_next_best_node() adds a load-spreading tie-break
 * the model leaves out), each node's zones highest index first. The
 * NOFALLBACK list (__GFP_THISNODE) holds the node's own zones only.
 */
static void build_zonelists(struct zf_machine *m, unsigned int nid)
{
	struct pglist_data *pgdat = &m->nodes[nid];
	unsigned int order[MAX_NUMNODES], nr = 0;
	int8_t *fb = pgdat->node_zonelists[ZONELIST_FALLBACK].zoneref;
	int8_t *nofb = pgdat->node_zonelists[ZONELIST_NOFALLBACK].zoneref;
	int nfb = 0, nnofb = 0;

	for (unsigned int n = 0; n < m->nr_nodes; n++) {
		unsigned int pos = nr++;

		/* insertion sort by (distance, id) */
		while (pos > 0 &&
		       m->node_distance[nid][order[pos - 1]] > m->node_distance[nid][n]) {
			order[pos] = order[pos - 1];
			pos--;
		}
		order[pos] = n;
	}
	for (unsigned int i = 0; i < nr; i++) {
		for (int zi = MAX_NR_ZONES - 1; zi >= 0; zi--) {
			const struct zone *z = &m->nodes[order[i]].node_zones[zi];

			if (!populated_zone(z))
				continue;
			fb[nfb++] = (int8_t)z->id;
			if (order[i] == nid)
				nofb[nnofb++] = (int8_t)z->id;
		}
	}
	fb[nfb] = -1;
	nofb[nnofb] = -1;
}

/*
 * build_all_zonelists(): rebuild every node's zonelists (boot and memory
 * hotplug), bump the zonelist sequence the 6.1 profile's slow path checks
 * (zonelist_update_seq, spec §8), and re-decide
 * page_group_by_mobility_disabled: grouping by mobility is off when there
 * are fewer pages than pageblock_nr_pages * MIGRATE_TYPES (4.12
 * build_all_zonelists), or when the configuration asks for it.
 */
void build_all_zonelists(struct zf_machine *m)
{
	uint64_t vm_total_pages;

	for (unsigned int nid = 0; nid < m->nr_nodes; nid++) {
		build_zonelists(m, nid);
		m->nodes[nid].zonelist_seq++;
	}
	vm_total_pages = nr_free_pagecache_pages(m);
	m->page_group_by_mobility_disabled =
	    m->cfg.mobility_disabled || vm_total_pages < m->pageblock_nr_pages * MIGRATE_TYPES;
	zf_trace(m, ZF_EV_ZONELIST_REBUILD, -1, ZF_NO_PAGE, 0, m->nodes[0].zonelist_seq,
		 (int64_t)vm_total_pages, m->page_group_by_mobility_disabled);
}

/* ------------------------------------------------------------------ */
/* Boot: memory map and the release of memory to the buddy allocator    */
/* ------------------------------------------------------------------ */

static inline unsigned int zf_ctz64(uint64_t v)
{
	return v ? (unsigned int)__builtin_ctzll(v) : 63u;
}

/* Do the pageblocks covered by [pfn, pfn + 2^order) all have one migratetype? */
static bool zf_block_one_type(struct zf_machine *m, uint64_t pfn, unsigned int order)
{
	uint64_t first = pfn >> m->pageblock_order;
	uint64_t last = (pfn + (1ULL << order) - 1) >> m->pageblock_order;
	uint8_t mt = m->pageblock_flags[first] & PB_MIGRATE_MASK;

	for (uint64_t b = first + 1; b <= last; b++)
		if ((m->pageblock_flags[b] & PB_MIGRATE_MASK) != mt)
			return false;
	return true;
}

/*
 * __free_pages_memory() (mm/nobootmem.c): hand the pfn range [start, end)
 * of zone z to the buddy allocator as maximal naturally aligned blocks of
 * order <= MAX_ORDER-1 that lie inside the range and cover pageblocks of one
 * migratetype only. Each block goes to the tail of the free list of its
 * pageblock's type, and NR_FREE_PAGES / NR_FREE_CMA_PAGES grow by its size
 * unless the type is ISOLATE, as __free_one_page() accounts a free (spec §2).
 * The pages must not be in the buddy, and a range covering a whole zone has
 * no free neighbour to merge with, so the blocks are already fully merged.
 * One list operation per block: O(range >> (MAX_ORDER-1)) plus the edges.
 */
uint64_t __free_pages_memory(struct zf_machine *m, struct zone *z, uint64_t start, uint64_t end)
{
	uint64_t pfn = start, freed = 0;

	while (pfn < end) {
		unsigned int order = m->max_order - 1;
		uint64_t size;
		int mt;

		if (zf_ctz64(pfn) < order)
			order = zf_ctz64(pfn);
		while (pfn + (1ULL << order) > end)
			order--;
		while (order > m->pageblock_order && !zf_block_one_type(m, pfn, order))
			order--;
		size = 1ULL << order;
		mt = get_pageblock_migratetype(m, pfn);
		add_to_free_area_tail(m, z, pfn, order, mt);
		if (!is_migrate_isolate(mt))
			__mod_zone_page_state(z, NR_FREE_PAGES, (long)size);
		if (is_migrate_cma(mt))
			__mod_zone_page_state(z, NR_FREE_CMA_PAGES, (long)size);
		freed += size;
		pfn += size;
	}
	return freed;
}

static void zf_init_zone(struct zf_machine *m, struct zone *z, unsigned int nid, unsigned int zi,
			 uint64_t start, uint64_t managed, uint64_t reserved)
{
	uint64_t spanned = managed + reserved;

	z->id = (int)(nid * MAX_NR_ZONES + zi);
	z->node = (int)nid;
	z->idx = (int)zi;
	z->name = zf_zone_names[zi];
	z->zone_start_pfn = start;
	z->spanned_pages = spanned;
	z->present_pages = spanned; /* reserved pages are present, not managed */
	z->managed_pages = managed;
	z->pageblock_base = start >> m->pageblock_order;
	for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			zf_list_init(&z->free_area[o].free_list[mt]);
	for (int l = 0; l < NR_LRU_LISTS; l++)
		zf_list_init(&z->lru[l]);
	atomic_init(&z->lock.v, 0);
	z->threaded = m->threaded;
	/* compaction: 4.12 zeroes the deferral state; scanners start at the zone's ends */
	z->compact_considered = 0;
	z->compact_defer_shift = 0;
	z->compact_order_failed = 0;
	z->compact_cached_migrate_pfn[0] = start;
	z->compact_cached_migrate_pfn[1] = start;
	z->compact_cached_free_pfn = spanned ? pageblock_start_pfn(m, start + spanned - 1) : start;
}

/* The pfns of every page of the pfn space: zone id, no owner, unlinked. */
static void zf_init_pages(struct zf_machine *m)
{
	uint64_t pfn = 0;

	for (unsigned int nid = 0; nid < m->nr_nodes; nid++) {
		for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++) {
			const struct zone *z = &m->nodes[nid].node_zones[zi];
			uint64_t end = z->zone_start_pfn + z->spanned_pages;
			uint64_t rsv_end = z->zone_start_pfn + m->cfg.reserved_pages[nid][zi];
			struct page init = {ZF_NIL, ZF_NIL, -1, 0, 0, 0, (uint8_t)z->id, 0};

			for (; pfn < end; pfn++) {
				m->pages[pfn] = init;
				if (pfn < rsv_end)
					m->pages[pfn].flags = ZF_PG_RESERVED;
			}
		}
	}
	/* the padding up to the last MAX_ORDER block is a hole */
	for (; pfn < m->nr_pages; pfn++) {
		struct page hole = {ZF_NIL, ZF_NIL, -1, 0, 0, 0, 0xff, 0};

		m->pages[pfn] = hole;
	}
}

static void zf_init_task0(struct zf_machine *m)
{
	struct task_struct *t = &m->tasks[0];

	memset(t, 0, sizeof(*t));
	t->alive = true;
	snprintf(t->comm, sizeof(t->comm), "init");
	t->cpu = 0;
	t->mems_allowed = (uint32_t)((1u << m->nr_nodes) - 1);
	t->flags = ZF_TASK_UNKILLABLE; /* is_global_init(): never an OOM victim */
	m->nr_tasks = 1;
}

struct zf_machine *zf_machine_create(const struct zf_config *cfg, char *err, size_t errlen)
{
	struct zf_machine *m;
	uint64_t pfn = 0, max_order_pages, cma_start[MAX_NUMNODES], cma_end[MAX_NUMNODES];

	if (err && errlen)
		err[0] = '\0';
	if (!cfg) {
		if (err && errlen)
			snprintf(err, errlen, "cfg: NULL configuration");
		return NULL;
	}
	if (zf_config_check(cfg, err, errlen))
		return NULL;

	m = calloc(1, sizeof(*m));
	if (m) {
		m->pcp = calloc(cfg->nr_cpus, sizeof(*m->pcp));
		m->cpu_ctx = calloc(cfg->nr_cpus, sizeof(*m->cpu_ctx));
	}
	if (!m || !m->pcp || !m->cpu_ctx) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory for the machine");
		zf_machine_destroy(m);
		return NULL;
	}
	m->cfg = *cfg;
	/* resolve the "0 = default" fields so every module reads final values */
	if (!m->cfg.max_retries)
		m->cfg.max_retries = ZF_DEFAULT_MAX_RETRIES;
	if (!m->cfg.watermark_scale_factor)
		m->cfg.watermark_scale_factor = 10;
	for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++)
		if (!m->cfg.lowmem_reserve_ratio[zi])
			m->cfg.lowmem_reserve_ratio[zi] = zf_default_lowmem_ratio[zi];
	for (unsigned int i = 0; i < MAX_NUMNODES; i++)
		for (unsigned int j = 0; j < MAX_NUMNODES; j++)
			if (!m->cfg.distance[i][j])
				m->cfg.distance[i][j] =
				    i == j ? ZF_LOCAL_DISTANCE : ZF_REMOTE_DISTANCE;

	m->profile = zf_profile_get(cfg->profile);
	m->max_order = cfg->max_order;
	m->pageblock_order = cfg->pageblock_order;
	m->pageblock_nr_pages = 1ULL << cfg->pageblock_order;
	m->threaded = cfg->threaded;
	m->nr_nodes = cfg->nr_nodes;
	m->nr_cpus = cfg->nr_cpus;
	memcpy(m->node_distance, m->cfg.distance, sizeof(m->node_distance));
	m->watermark_scale_factor = m->cfg.watermark_scale_factor;
	memcpy(m->lowmem_reserve_ratio, m->cfg.lowmem_reserve_ratio,
	       sizeof(m->lowmem_reserve_ratio));
	m->percpu_pagelist_fraction = cfg->percpu_pagelist_fraction;
	m->page_group_by_mobility_disabled = cfg->mobility_disabled;
	m->total_swap_pages = m->nr_swap_pages = cfg->swap_pages;
	for (unsigned int cpu = 0; cpu < ZF_MAX_CPUS; cpu++)
		atomic_init(&m->pcp_lock[cpu].v, 0);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		m->cpu_ctx[cpu].current = ZF_NO_TASK;
	zf_set_ctx_cpu(m, 0);
	atomic_init(&m->bg_lock.v, 0);
	m->oom_lock_owner = -1;
	atomic_init(&m->oom_lock.v, 0);
	m->prng = cfg->seed;
	m->jiffies = 0;

	/* zone geometry: node 0 DMA, DMA32, NORMAL, MOVABLE, then node 1 ... */
	for (unsigned int nid = 0; nid < MAX_NUMNODES; nid++) {
		struct pglist_data *pgdat = &m->nodes[nid];

		pgdat->node_id = (int)nid;
		atomic_init(&pgdat->kswapd_lock.v, 0);
		atomic_init(&pgdat->lru_lock.v, 0);
		for (int w = 0; w < MAX_ZONELISTS; w++)
			pgdat->node_zonelists[w].zoneref[0] = -1;
		if (nid >= m->nr_nodes) {
			/* absent node: empty zones with valid (empty) list heads */
			for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++)
				zf_init_zone(m, &pgdat->node_zones[zi], nid, zi, pfn, 0, 0);
			continue;
		}
		pgdat->node_start_pfn = pfn;
		for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++) {
			uint64_t managed = cfg->zone_pages[nid][zi];
			uint64_t reserved = cfg->reserved_pages[nid][zi];

			zf_init_zone(m, &pgdat->node_zones[zi], nid, zi, pfn, managed, reserved);
			pfn += managed + reserved;
			if (managed + reserved)
				pgdat->nr_zones = (int)zi + 1;
		}
		pgdat->node_spanned_pages = pfn - pgdat->node_start_pfn;
		pgdat->kswapd_sleeping = true;
		pgdat->kswapd_classzone_idx = MAX_NR_ZONES;
		pgdat->kcompactd_classzone_idx = MAX_NR_ZONES;
	}
	/*
	 * Pad the pfn space to a whole MAX_ORDER block: the buddy of any block
	 * of order < MAX_ORDER-1 then lies inside the page array, so merging
	 * never reads past it; the padding is a hole (zid 0xff).
	 */
	max_order_pages = 1ULL << (m->max_order - 1);
	m->nr_pages = (pfn + max_order_pages - 1) & ~(max_order_pages - 1);
	m->nr_pageblocks = m->nr_pages >> m->pageblock_order;

	/* CMA: whole pageblocks at the end of the highest non-movable zone */
	for (unsigned int nid = 0; nid < MAX_NUMNODES; nid++) {
		cma_start[nid] = cma_end[nid] = 0;
		if (nid >= m->nr_nodes || !cfg->cma_pages[nid])
			continue;
		{
			const struct zone *z = &m->nodes[nid].node_zones[zf_cma_zone_idx(cfg, nid)];
			uint64_t ms = z->zone_start_pfn + cfg->reserved_pages[nid][z->idx];
			uint64_t me = z->zone_start_pfn + z->spanned_pages;
			uint64_t nblocks =
			    (cfg->cma_pages[nid] + m->pageblock_nr_pages - 1) >> m->pageblock_order;
			uint64_t ce = me & ~(m->pageblock_nr_pages - 1);

			if (ce < ms || ce - ms < nblocks * m->pageblock_nr_pages) {
				if (err && errlen)
					snprintf(
					    err, errlen,
					    "cma_pages[%u]: %llu whole pageblocks do not fit in the "
					    "managed pages of zone %s",
					    nid, (unsigned long long)nblocks, z->name);
				zf_machine_destroy(m);
				return NULL;
			}
			cma_end[nid] = ce;
			cma_start[nid] = ce - nblocks * m->pageblock_nr_pages;
		}
	}

	m->pages = calloc(m->nr_pages, sizeof(struct page));
	m->pageblock_flags = malloc(m->nr_pageblocks);
	if (!m->pages || !m->pageblock_flags) {
		if (err && errlen)
			snprintf(err, errlen, "out of memory for %llu pages",
				 (unsigned long long)m->nr_pages);
		zf_machine_destroy(m);
		return NULL;
	}
	zf_init_pages(m);
	/* memmap_init_zone(): every pageblock starts MIGRATE_MOVABLE */
	memset(m->pageblock_flags, MIGRATE_MOVABLE, m->nr_pageblocks);
	for (unsigned int nid = 0; nid < m->nr_nodes; nid++)
		for (uint64_t p = cma_start[nid]; p < cma_end[nid]; p += m->pageblock_nr_pages)
			m->pageblock_flags[p >> m->pageblock_order] = MIGRATE_CMA;

	/* per-cpu lists start empty; cpus are spread round robin over the nodes */
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++)
		for (int zid = 0; zid < NR_ZONES_TOTAL; zid++)
			for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
				zf_list_init(&m->pcp[cpu][zid].lists[mt]);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		m->cpu_to_node[cpu] = (uint8_t)(cpu % m->nr_nodes);
		m->nodes[cpu % m->nr_nodes].cpumask |= 1u << cpu;
	}
	zf_init_task0(m);

	build_all_zonelists(m);

	/* free_all_bootmem(): every managed page to the buddy lists */
	for (unsigned int nid = 0; nid < m->nr_nodes; nid++) {
		for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++) {
			struct zone *z = &m->nodes[nid].node_zones[zi];
			uint64_t start = z->zone_start_pfn + cfg->reserved_pages[nid][zi];

			if (!z->managed_pages)
				continue;
			__free_pages_memory(m, z, start, z->zone_start_pfn + z->spanned_pages);
		}
	}

	/* init_per_zone_wmark_min() and friends (spec §3) */
	m->min_free_kbytes =
	    cfg->min_free_kbytes >= 0 ? cfg->min_free_kbytes : init_per_zone_wmark_min(m);
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	calculate_totalreserve_pages(m);
	for (unsigned int nid = 0; nid < m->nr_nodes; nid++)
		for (unsigned int zi = 0; zi < MAX_NR_ZONES; zi++)
			zone_pcp_init(m, &m->nodes[nid].node_zones[zi]);
	return m;
}

void zf_machine_destroy(struct zf_machine *m)
{
	if (!m)
		return;
	free(m->pages);
	free(m->pageblock_flags);
	free(m->pcp);
	free(m->cpu_ctx);
	free(m);
}

/*
 * A new machine with the same state and no hooks: hooks carry a harness's
 * private pointer, and two machines never share anything.
 */
struct zf_machine *zf_machine_clone(const struct zf_machine *src)
{
	struct zf_machine *c = malloc(sizeof(*c));

	if (!c)
		return NULL;
	memcpy(c, src, sizeof(*c));
	c->pages = malloc(src->nr_pages * sizeof(struct page));
	c->pageblock_flags = malloc(src->nr_pageblocks);
	c->pcp = malloc(src->nr_cpus * sizeof(*src->pcp));
	c->cpu_ctx = malloc(src->nr_cpus * sizeof(*src->cpu_ctx));
	if (!c->pages || !c->pageblock_flags || !c->pcp || !c->cpu_ctx) {
		zf_machine_destroy(c);
		return NULL;
	}
	memcpy(c->pages, src->pages, src->nr_pages * sizeof(struct page));
	memcpy(c->pageblock_flags, src->pageblock_flags, src->nr_pageblocks);
	memcpy(c->pcp, src->pcp, src->nr_cpus * sizeof(*src->pcp));
	memcpy(c->cpu_ctx, src->cpu_ctx, src->nr_cpus * sizeof(*src->cpu_ctx));
	zf_set_ctx_cpu(c, src->ctx_cpu);
	memset(&c->hooks, 0, sizeof(c->hooks));
	/* no thread is bound to a new machine */
	for (unsigned int cpu = 0; cpu < c->nr_cpus; cpu++)
		c->cpu_ctx[cpu].bound = false;
	return c;
}

/*
 * The per-iteration reset: dst becomes src, keeping its own arrays, its
 * hooks and which of its CPUs have threads bound. Refused (-1) for a
 * different geometry, or while either machine is inside an allocation
 * (frames point into a live C stack).
 */
int zf_machine_copy(struct zf_machine *dst, const struct zf_machine *src)
{
	struct page *pages;
	uint8_t *pbf;
	struct per_cpu_pages(*pcp)[NR_ZONES_TOTAL];
	struct zf_cpu_ctx *ctx;
	struct zf_hooks hooks;
	bool bound[ZF_MAX_CPUS] = {false};

	if (!dst || !src)
		return -1;
	if (dst == src)
		return 0;
	if (dst->nr_pages != src->nr_pages || dst->nr_pageblocks != src->nr_pageblocks)
		return -1;
	if (zf_machine_allocating(dst) || zf_machine_allocating(src))
		return -1;
	/* which of dst's CPUs have threads bound: read before its arrays may go */
	for (unsigned int cpu = 0; cpu < dst->nr_cpus; cpu++)
		bound[cpu] = dst->cpu_ctx[cpu].bound;
	/* the per-cpu arrays follow the source's CPU count (a bound CPU beyond it is dropped) */
	pcp = dst->pcp;
	ctx = dst->cpu_ctx;
	if (dst->nr_cpus != src->nr_cpus) {
		pcp = malloc(src->nr_cpus * sizeof(*src->pcp));
		ctx = malloc(src->nr_cpus * sizeof(*src->cpu_ctx));
		if (!pcp || !ctx) {
			free(pcp);
			free(ctx);
			return -1;
		}
		free(dst->pcp);
		free(dst->cpu_ctx);
	}
	pages = dst->pages;
	pbf = dst->pageblock_flags;
	hooks = dst->hooks;
	memcpy(dst, src, sizeof(*dst));
	dst->pages = pages;
	dst->pageblock_flags = pbf;
	dst->pcp = pcp;
	dst->cpu_ctx = ctx;
	zf_set_ctx_cpu(dst, src->ctx_cpu);
	dst->hooks = hooks;
	memcpy(pcp, src->pcp, src->nr_cpus * sizeof(*src->pcp));
	memcpy(ctx, src->cpu_ctx, src->nr_cpus * sizeof(*src->cpu_ctx));
	for (unsigned int cpu = 0; cpu < dst->nr_cpus; cpu++)
		dst->cpu_ctx[cpu].bound = bound[cpu];
	memcpy(pages, src->pages, src->nr_pages * sizeof(struct page));
	memcpy(pbf, src->pageblock_flags, src->nr_pageblocks);
	return 0;
}

const struct zf_config *zf_machine_config(const struct zf_machine *m)
{
	return &m->cfg;
}

size_t zf_machine_state_bytes(const struct zf_machine *m)
{
	return sizeof(*m) + (size_t)m->nr_pages * sizeof(struct page) + (size_t)m->nr_pageblocks +
	       (size_t)m->nr_cpus * (sizeof(*m->pcp) + sizeof(*m->cpu_ctx));
}
