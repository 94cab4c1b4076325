/* SPDX-License-Identifier: MIT */
/*
 * targets/decoder.c - bytes <-> scenario, input format "ops/v2".
 *
 *   header  b0 geometry (0x00-0xbf: 8 small ones mod 8; 0xc0-0xff: 3 large,
 *              by the low 2 bits: 8, 9, 10, 9),
 *           b1 profile (bits 0-2: 4.12 4.13 4.14 4.15 5.9 6.1 6.1 5.9)
 *              | swap (bits 3-4),
 *           b2 oracle walk interval (16, 1, 4, 64), b3 task personalities
 *   ops     4 bytes each: [opcode][x][y][z]; opcode picks from the target's
 *           op table (mod its length); arguments are taken mod their range.
 *           slowpath and interleave also have compound ops (hotplug, fill,
 *           alloc_race) whose zero arguments are the situations of the
 *           planted bugs (docs/planted-bugs.md): one op where v1 needed a
 *           precise run of several.
 *   gfp     target only: the last 8 bytes are the final allocation:
 *           gfp (4 bytes LE), order, task, flags set on that task, nid.
 *
 * Missing bytes read as zero, so every length decodes. Operations that have
 * nothing to act on (a free before any allocation) decode to nothing.
 * v1 -> v2: the compound ops, the zone selector of zone ops (zone_of()), the
 * walk interval and profile tables, large geometries from 0xc0 (was 0xf0).
 */
#include "decoder.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------ */
/* Tiny geometries (design.md habit 10): watermarks, reserves and OOM   */
/* are reached in a handful of operations.                              */
/* ------------------------------------------------------------------ */
struct dec_geometry {
	unsigned int nodes, cpus, max_order, pageblock_order;
	uint64_t zones[ZF_MAX_NUMNODES][ZF_MAX_NR_ZONES];
	uint64_t reserved0;   /* reserved pages at the start of node 0's first zone */
	uint64_t cma0;        /* CMA pages on node 0 */
	long min_free_kbytes; /* 0: the kernel's formula */
};

static const struct dec_geometry geometries[] = {
    /* 0: the kernel's orders on a tiny x86-64-like node */
    {1, 2, 11, 9, {{512, 1536, 2048, 0}}, 0, 0, 0},
    /* 1: small orders, three zones: lowmem reserves matter */
    {1, 2, 6, 4, {{256, 768, 1024, 0}}, 16, 0, 0},
    /* 2: NORMAL + MOVABLE: GFP_HIGHUSER_MOVABLE vs GFP_KERNEL placement */
    {1, 2, 5, 3, {{0, 0, 512, 512}}, 0, 0, 0},
    /* 3: two nodes: zonelist order, THISNODE, cpusets, mempolicy */
    {2, 4, 5, 3, {{0, 512, 512, 0}, {0, 0, 512, 256}}, 0, 0, 0},
    /* 4: CMA pageblocks inside NORMAL */
    {1, 1, 5, 3, {{128, 512, 1024, 0}}, 0, 64, 0},
    /* 5: four nodes of one NORMAL zone */
    {4, 4, 4, 2, {{0, 0, 256, 0}, {0, 0, 256, 0}, {0, 0, 256, 0}, {0, 0, 256, 0}}, 0, 0, 0},
    /* 6: one zone, order-11 buddies: the largest-first fallback and costly orders */
    {1, 1, 11, 9, {{0, 0, 4096, 0}}, 0, 0, 0},
    /* 7: a DMA-heavy layout: GFP_DMA / DMA32 lowmem-only requests */
    {1, 2, 7, 5, {{1024, 1024, 512, 0}}, 32, 0, 0},
    /*
     * 8-10: the sizes some planted bugs need (docs/planted-bugs.md). Per-cpu
     * batches above 1 need 16384-page zones (zone_batchsize: 3), which the
     * pcp/isolation races of B11 and B12 and the pageset update race of B3
     * (online_zone "racing_free") depend on; B8's highatomic steal wants the
     * kernel's pageblocks with min_free_kbytes 128. Larger zones make the
     * oracles' walks slower: 3 of 11 geometries, a quarter of the header bytes.
     */
    {1, 2, 11, 9, {{0, 0, 16384, 0}}, 0, 0, 0},
    {1, 2, 11, 9, {{1024, 0, 0, 16384}}, 0, 0, 0},
    {1, 1, 11, 9, {{0, 0, 4096, 0}}, 0, 0, 128},
};
#define NR_GEOMETRIES   (sizeof(geometries) / sizeof(geometries[0]))
#define NR_SMALL_GEOM   8    /* geometries 0-7: header bytes 0x00-0xbf, modulo 8 */
#define BIG_GEOM_HEADER 0xc0 /* geometries 8-10: header bytes 0xc0-0xff, 1 in 4 inputs */

/*
 * Header byte 0 -> geometry. The three large machines cost ten times more per
 * input (an empty input: 2.5 ms against 0.1-0.4 ms, the oracles' walks are
 * O(pages)), so they are chosen by the top quarter of the byte only: most
 * random inputs stay fast. A quarter, not less (ops/v1 had a sixteenth): the
 * planted bugs B3, B11 and B12 exist only on them, and an engine starting
 * from nothing must land on one often enough to keep it (docs/benchmarks.md,
 * "Time to detect the planted bugs").
 */
static unsigned int geometry_of(uint8_t b)
{
	/*
	 * Within the large ones, geometry 9 (ZONE_MOVABLE of 16384 pages) on
	 * half the values: the only one where hot-remove meets per-cpu
	 * batches above 1 (B3), and a movable zone for B11/B12's isolation.
	 */
	static const uint8_t big[4] = {8, 9, 10, 9};

	if (b < BIG_GEOM_HEADER)
		return b % NR_SMALL_GEOM;
	return big[(b - BIG_GEOM_HEADER) & 3];
}

uint8_t zf_decoder_geometry_byte(unsigned int g)
{
	if (g < NR_SMALL_GEOM)
		return (uint8_t)g;
	return (uint8_t)(BIG_GEOM_HEADER + (g - NR_SMALL_GEOM));
}

unsigned int zf_decoder_nr_geometries(void)
{
	return NR_GEOMETRIES;
}

/*
 * Header byte 2 -> oracle walk interval. A zero byte (what most inputs an
 * engine builds from nothing hold) means 16, not 1: a fill op runs hundreds of
 * allocations, each a top-level operation for the oracles, and a full-state
 * walk after each would make such inputs 10-100 times slower.
 */
static const unsigned int walk_intervals[4] = {16, 1, 4, 64};

/*
 * Header byte 1 bits 0-2 -> kernel profile. Values 6 and 7 repeat the two
 * newest profiles: the fixes of 5.9 and 6.1 (planted bugs B3 and B4,
 * docs/planted-bugs.md) are only observable under them, and the older
 * profiles share most of their code paths with 4.12.
 */
static const enum zf_profile_id profile_of_bits[8] = {
    ZF_PROFILE_4_12, ZF_PROFILE_4_13, ZF_PROFILE_4_14, ZF_PROFILE_4_15,
    ZF_PROFILE_5_9,  ZF_PROFILE_6_1,  ZF_PROFILE_6_1,  ZF_PROFILE_5_9,
};
_Static_assert(ZF_NR_PROFILES == 6, "profile_of_bits[] names every profile");
_Static_assert(NR_GEOMETRIES == 11, "geometry_of()'s big[] names geometries 8-10");
#define DEC_MAX_RETRIES                                                                            \
	64 /* the watchdog bound while fuzzing: above ZF_INV_LIVELOCK's bound (about 50 +          \
	      unreserves), low enough that a looping input stays cheap */

/* ------------------------------------------------------------------ */
/* GFP classes per target: index z of an alloc op, plus modifier bits   */
/* ------------------------------------------------------------------ */
static const zf_gfp_t gfp_classes_all[] = {
    ZF_GFP_KERNEL,
    ZF_GFP_HIGHUSER_MOVABLE,
    ZF_GFP_ATOMIC_MASK,
    ZF_GFP_NOWAIT,
    ZF_GFP_NOIO,
    ZF_GFP_NOFS,
    ZF_GFP_USER,
    ZF_GFP_TRANSHUGE,
    ZF_GFP_TRANSHUGE_LIGHT,
    ZF_GFP_KERNEL | ZF_GFP_RECLAIMABLE,
    ZF_GFP_KERNEL | ZF_GFP_DMA32,
    ZF_GFP_KERNEL | ZF_GFP_DMA,
    ZF_GFP_KERNEL | ZF_GFP_MOVABLE,
    ZF_GFP_HIGHUSER,
    ZF_GFP_KERNEL | ZF_GFP_HIGH,
    ZF_GFP_KERNEL | ZF_GFP_MEMALLOC,
};
/* No direct reclaim: the buddy target stays off the reclaim/OOM paths. */
static const zf_gfp_t gfp_classes_buddy[] = {
    ZF_GFP_NOWAIT,
    ZF_GFP_NOWAIT | ZF_GFP_MOVABLE,
    ZF_GFP_NOWAIT | ZF_GFP_RECLAIMABLE,
    ZF_GFP_ATOMIC_MASK,
    ZF_GFP_ATOMIC_MASK | ZF_GFP_MOVABLE,
    ZF_GFP_NOWAIT | ZF_GFP_DMA32,
    ZF_GFP_NOWAIT | ZF_GFP_DMA,
    (ZF_GFP_HIGHUSER_MOVABLE & ~ZF_GFP_DIRECT_RECLAIM),
};
_Static_assert(sizeof(gfp_classes_all) / sizeof(zf_gfp_t) <= ZF_DEC_MAX_GFP_CLASSES,
	       "gfp class table larger than ZF_DEC_MAX_GFP_CLASSES");
/* Modifier bits selected by the top 4 bits of y. */
static const zf_gfp_t gfp_mods[4] = {ZF_GFP_NORETRY, ZF_GFP_REPEAT, ZF_GFP_NOFAIL, ZF_GFP_THISNODE};

/* ------------------------------------------------------------------ */
/* Op tables per target                                                 */
/* ------------------------------------------------------------------ */
enum dec_op {
	D_ALLOC,
	D_FREE,
	D_LRU_FILL,
	D_LRU_DIRTY,
	D_LRU_ACTIVATE,
	D_LRU_RELEASE,
	D_SET_TASK,
	D_KILL,
	D_EXIT,
	D_ISOLATE,
	D_UNISOLATE,
	D_OFFLINE,
	D_ONLINE,
	D_POISON,
	D_KSWAPD,
	D_KCOMPACTD,
	D_COMPACT,
	D_DRAIN,
	D_ADVANCE,
	D_YIELD,
	D_REPEAT,
	/*
	 * Compound operations (ops/v2): what a kernel tester scripts in one
	 * line, so that an engine needs one 4-byte op, not a precise run of
	 * several, to set up the situations of docs/planted-bugs.md.
	 */
	D_HOTPLUG,    /* offline_zone then online_zone of one zone, with a racing free */
	D_FILL,       /* allocate until the watermark stops it: a repeat of one alloc */
	D_ALLOC_RACE, /* an allocation with one action at its first yield point */
	D_NR
};

static const uint8_t ops_buddy[] = {D_ALLOC,   D_ALLOC,     D_ALLOC, D_FREE,   D_FREE,  D_FREE,
				    D_ISOLATE, D_UNISOLATE, D_DRAIN, D_POISON, D_REPEAT};
static const uint8_t ops_slowpath[] = {
    D_ALLOC,       D_ALLOC,    D_FREE,      D_LRU_FILL,   D_LRU_FILL,   D_LRU_DIRTY, D_LRU_ACTIVATE,
    D_LRU_RELEASE, D_SET_TASK, D_KILL,      D_KSWAPD,     D_KCOMPACTD,  D_COMPACT,   D_DRAIN,
    D_ADVANCE,     D_YIELD,    D_REPEAT,    D_ISOLATE,    D_UNISOLATE,  D_OFFLINE,   D_ONLINE,
    D_HOTPLUG,     D_FILL,     D_FILL,      D_ALLOC_RACE, D_ALLOC_RACE, D_SET_TASK,  D_FILL,
    D_ALLOC_RACE,  D_HOTPLUG,  D_ALLOC_RACE};
static const uint8_t ops_gfp[] = {D_ALLOC,   D_FREE,   D_LRU_FILL, D_LRU_DIRTY, D_SET_TASK,
				  D_ISOLATE, D_KSWAPD, D_DRAIN,    D_ADVANCE,   D_REPEAT};
static const uint8_t ops_interleave[] = {
    D_ALLOC,  D_ALLOC,   D_FREE,  D_LRU_FILL,   D_SET_TASK,  D_SET_TASK, D_KILL,
    D_EXIT,   D_YIELD,   D_YIELD, D_ADVANCE,    D_KSWAPD,    D_OFFLINE,  D_ONLINE,
    D_REPEAT, D_HOTPLUG, D_FILL,  D_ALLOC_RACE, D_ALLOC_RACE};

struct op_table {
	const uint8_t *ops;
	size_t n;
	const zf_gfp_t *gfp;
	size_t ngfp;
};

static const struct op_table tables[ZF_NR_TARGETS] = {
    [ZF_TARGET_BUDDY] = {ops_buddy, sizeof(ops_buddy), gfp_classes_buddy,
			 sizeof(gfp_classes_buddy) / sizeof(zf_gfp_t)},
    [ZF_TARGET_SLOWPATH] = {ops_slowpath, sizeof(ops_slowpath), gfp_classes_all,
			    sizeof(gfp_classes_all) / sizeof(zf_gfp_t)},
    [ZF_TARGET_GFP] = {ops_gfp, sizeof(ops_gfp), gfp_classes_all,
		       sizeof(gfp_classes_all) / sizeof(zf_gfp_t)},
    [ZF_TARGET_INTERLEAVE] = {ops_interleave, sizeof(ops_interleave), gfp_classes_all,
			      sizeof(gfp_classes_all) / sizeof(zf_gfp_t)},
    [ZF_TARGET_SCENARIO] = {NULL, 0, NULL, 0},
};

/* Flags a SET_TASK op may set or clear on a worker. */
static const uint32_t
    task_flag_table[] =
	{
	    ZF_PF_MEMALLOC,  ZF_PF_DUMPCORE, ZF_PF_MEMALLOC_NOIO, ZF_PF_MEMALLOC_NOFS,
	    ZF_TASK_RT,      ZF_TASK_STUCK,  ZF_TASK_MMAP_LOCKED, ZF_TASK_IN_INTERRUPT,
	    ZF_PF_WQ_WORKER, /* should_reclaim_retry sleeps a jiffy for workqueue workers (spec
				§5.7) */
};
#define NR_TASK_FLAGS (sizeof(task_flag_table) / sizeof(task_flag_table[0]))

size_t zf_decoder_nr_ops(enum zf_target_kind kind)
{
	return (unsigned int)kind < ZF_NR_TARGETS ? tables[kind].n : 0;
}

bool zf_decoder_op_is_compound(enum zf_target_kind kind, unsigned int opc)
{
	if ((unsigned int)kind >= ZF_NR_TARGETS || opc >= tables[kind].n ||
	    tables[kind].ops[opc] < D_HOTPLUG)
		return false;
	for (unsigned int i = 0; i < opc; i++)
		if (tables[kind].ops[i] == tables[kind].ops[opc])
			return false;
	return true;
}

const char *zf_decoder_op_label(enum zf_target_kind kind, unsigned int opc)
{
	if ((unsigned int)kind >= ZF_NR_TARGETS || opc >= tables[kind].n)
		return NULL;
	switch (tables[kind].ops[opc]) {
	case D_HOTPLUG:
		return "hotplug";
	case D_FILL:
		return "fill";
	case D_ALLOC_RACE:
		return "alloc_race";
	default:
		return NULL;
	}
}

size_t zf_decoder_gfp_classes(enum zf_target_kind kind, const zf_gfp_t **tab)
{
	if ((unsigned int)kind >= ZF_NR_TARGETS) {
		*tab = NULL;
		return 0;
	}
	*tab = tables[kind].gfp;
	return tables[kind].ngfp;
}

int zf_decoder_gfp_class_of(enum zf_target_kind kind, zf_gfp_t gfp)
{
	zf_gfp_t mods = 0;

	if ((unsigned int)kind >= ZF_NR_TARGETS)
		return -1;
	for (int i = 0; i < 4; i++)
		mods |= gfp_mods[i];
	/* exact match first: a class may itself contain a modifier bit */
	for (size_t c = 0; c < tables[kind].ngfp; c++)
		if (tables[kind].gfp[c] == gfp)
			return (int)c;
	for (size_t c = 0; c < tables[kind].ngfp; c++)
		if (!((tables[kind].gfp[c] ^ gfp) & ~mods))
			return (int)c;
	return -1;
}

static const char *const target_names[ZF_NR_TARGETS] = {"buddy", "slowpath", "gfp", "interleave",
							"scenario"};

const char *zf_target_name(enum zf_target_kind k)
{
	return (unsigned int)k < ZF_NR_TARGETS ? target_names[k] : "?";
}

int zf_target_parse(const char *name)
{
	for (int i = 0; i < ZF_NR_TARGETS; i++)
		if (!strcmp(name, target_names[i]))
			return i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Header -> configuration and tasks                                    */
/* ------------------------------------------------------------------ */
static uint64_t geometry_pages(const struct dec_geometry *g)
{
	uint64_t n = 0;
	for (unsigned int i = 0; i < g->nodes; i++)
		for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
			n += g->zones[i][z];
	return n;
}

static void header_config(const uint8_t h[ZF_DEC_HEADER], struct zf_scenario *sc)
{
	const struct dec_geometry *g = &geometries[geometry_of(h[0])];
	struct zf_config *cfg = &sc->cfg;
	uint64_t pages = geometry_pages(g);
	static const unsigned int swap_div[4] = {0, 4, 2, 1};
	unsigned int sw = (h[1] >> 3) & 3;

	zf_config_default(cfg);
	memset(cfg->zone_pages, 0, sizeof(cfg->zone_pages));
	memset(cfg->reserved_pages, 0, sizeof(cfg->reserved_pages));
	memset(cfg->cma_pages, 0, sizeof(cfg->cma_pages));
	cfg->profile = profile_of_bits[h[1] & 7];
	cfg->nr_nodes = g->nodes;
	cfg->nr_cpus = g->cpus;
	cfg->max_order = g->max_order;
	cfg->pageblock_order = g->pageblock_order;
	memcpy(cfg->zone_pages, g->zones, sizeof(g->zones));
	for (int z = 0; z < ZF_MAX_NR_ZONES; z++) {
		if (g->zones[0][z]) {
			cfg->reserved_pages[0][z] = g->reserved0;
			break;
		}
	}
	cfg->cma_pages[0] = g->cma0;
	if (g->min_free_kbytes)
		cfg->min_free_kbytes = g->min_free_kbytes;
	cfg->swap_pages = sw ? pages / swap_div[sw] : 0;
	cfg->max_retries = DEC_MAX_RETRIES;
	cfg->seed = 0;
	cfg->bugs = 0;

	/* Tasks: three workers; b3 gives them personalities. */
	static const int adj[4] = {0, 500, -1000, 1000};
	struct zf_sc_task t;
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "a");
	t.cpu = 0;
	t.flags = (h[3] & 0x10) ? ZF_TASK_RT : 0;
	zf_scenario_add_task(sc, &t);
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "b");
	t.cpu = 1 % g->cpus;
	t.flags = ((h[3] & 0x04) ? ZF_TASK_STUCK : 0) | ((h[3] & 0x08) ? ZF_TASK_MMAP_LOCKED : 0);
	zf_scenario_add_task(sc, &t);
	memset(&t, 0, sizeof(t));
	snprintf(t.name, sizeof(t.name), "c");
	t.cpu = (g->cpus - 1);
	t.oom_score_adj = adj[h[3] & 3];
	zf_scenario_add_task(sc, &t);
}

/* ------------------------------------------------------------------ */
/* Decoding                                                             */
/* ------------------------------------------------------------------ */
struct dec {
	enum zf_target_kind kind;
	const struct op_table *tab;
	struct zf_scenario *sc;
	const struct dec_geometry *g;
	uint64_t pages, pb_pages, nr_pageblocks, scale;
	unsigned int nr_allocs;
	int last_alloc; /* sc->ops index of the last top-level alloc, -1 */
};

static uint32_t node_mask_all(const struct dec *d)
{
	return (1u << d->g->nodes) - 1;
}

/* oom_score_adj of a SET_TASK op: the signed byte in steps of 8, within -1000..1000 */
static int dec_oom_score_adj(uint8_t z)
{
	int adj = (int)(int8_t)z * 8;
	return adj < -1000 ? -1000 : adj > 1000 ? 1000 : adj;
}

/*
 * Zone selector of the zone ops: the node's populated zones from the highest
 * down, then its empty ones. Selector 0 (a zero byte) is the node's highest
 * zone with memory: ZONE_MOVABLE where the node has one, the zone memory
 * hot-remove actually takes (offline_pages() of a movable memory block,
 * kernel-allocator.md §11 item 14), instead of ZONE_DMA.
 */
static int zone_of(const struct dec_geometry *g, int nid, unsigned int sel)
{
	int order[ZF_MAX_NR_ZONES], n = 0;

	for (int z = ZF_MAX_NR_ZONES - 1; z >= 0; z--)
		if (g->zones[nid][z])
			order[n++] = z;
	for (int z = ZF_MAX_NR_ZONES - 1; z >= 0; z--)
		if (!g->zones[nid][z])
			order[n++] = z;
	return order[sel % ZF_MAX_NR_ZONES];
}

/* The selector zone_of() maps to zone (the encoder's inverse). */
static unsigned int zone_sel(const struct dec_geometry *g, int nid, int zone)
{
	unsigned int s = 0;
	while (s < ZF_MAX_NR_ZONES - 1 && zone_of(g, nid, s) != zone)
		s++;
	return s;
}

/*
 * The compound ops' zone selector: the node's populated zones only, from the
 * highest down (sel mod their number; a node has at least one). Hot-remove
 * of an empty zone is refused and tests nothing, so a compound op never
 * spends an argument value on one; the plain zone ops still reach them.
 */
static unsigned int nr_populated(const struct dec_geometry *g, int nid)
{
	unsigned int n = 0;
	for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
		n += !!g->zones[nid][z];
	return n ? n : 1;
}

static int populated_zone_of(const struct dec_geometry *g, int nid, unsigned int sel)
{
	return zone_of(g, nid, sel % nr_populated(g, nid));
}

/* populated_zone_of()'s inverse: false for an empty zone (not encodable as compound) */
static bool populated_zone_sel(const struct dec_geometry *g, int nid, int zone, unsigned int *sel)
{
	if (zone < 0 || zone >= ZF_MAX_NR_ZONES || !g->zones[nid][zone])
		return false;
	*sel = zone_sel(g, nid, zone);
	return true;
}

/*
 * ALLOC_RACE's yield point (x bits 2-4): the points in enum order, the
 * values past the last one meaning the first, after wake_all_kswapds(): the
 * first yield of every slow-path allocation, where B4, B5 and B6 race.
 */
static enum zf_yield_point race_point(uint8_t x)
{
	unsigned int p = (x >> 2) & 7;
	return p < ZF_NR_YIELD_POINTS ? (enum zf_yield_point)p : ZF_YIELD_AFTER_WAKE_KSWAPD;
}
_Static_assert(ZF_NR_YIELD_POINTS <= 8, "race_point() takes 3 bits");

static uint64_t node_pages(const struct dec_geometry *g, int nid)
{
	uint64_t n = 0;
	for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
		n += g->zones[nid][z];
	return n;
}

/*
 * FILL: what fill classes 0-3 allocate (z bits 4-6). Always __GFP_NORETRY: one
 * reclaim/compaction attempt, never the OOM killer, so a fill stops at the
 * watermark its class may use (min; min/2 and below for GFP_ATOMIC's
 * ALLOC_HARDER, nothing for __GFP_MEMALLOC) and leaves the machine there.
 * GFP_ATOMIC at order > 0 also reserves a HIGHATOMIC pageblock (spec §4.5).
 */
static const zf_gfp_t fill_gfp[4] = {ZF_GFP_KERNEL, ZF_GFP_HIGHUSER_MOVABLE, ZF_GFP_ATOMIC_MASK,
				     ZF_GFP_KERNEL | ZF_GFP_MEMALLOC};
/*
 * Class 4 of a fill: user memory, an lru_fill of anonymous pages with
 * GFP_HIGHUSER_MOVABLE | __GFP_NORETRY for the whole machine (lru_fill stops
 * at the first failure). Unlike the anonymous allocations of the other
 * classes, lru_release and exit give these back, so a fill can be undone:
 * pressure, a reserve taken under it, then everything freed and merged
 * (planted bug B8's highatomic block merged above pageblock_order).
 */
#define FILL_LRU            4
#define FILL_HIGHATOMIC     5
#define FILL_HIGHATOMIC_OOM 6 /* and 7: class bits 6 and 7 both */
#define FILL_LRU_GFP        (ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_NORETRY)
/*
 * Class 5 of a fill: a highatomic reserve taken and the memory given back.
 * The task's user memory fills the machine (class 4), a GFP_ATOMIC request
 * of order 1 (order bits k > 0: order k - 1) fails the fast path and gets
 * ALLOC_HARDER in the slow path, so reserve_highatomic_pageblock() retypes
 * its pageblock (spec §4.5); the page is freed and the user memory released.
 * What is left is a free machine with nr_reserved_highatomic set and a
 * HIGHATOMIC pageblock merged as the buddy allocator merges it: the state
 * the unreserve and fallback paths of B8 (docs/planted-bugs.md) start from.
 *
 * Classes 6 and 7: the same reserve, then pressure to the OOM edge: the
 * task's staged kernel fill (FILL with zero arguments) and one GFP_KERNEL
 * order-0 request. With no swap nothing is reclaimable, so the request runs
 * out of no-progress retries and should_reclaim_retry() calls
 * unreserve_highatomic_pageblock(ac, true) before the OOM killer (spec
 * §4.6): the kernel's "exhaust the highatomic reserve before the OOM", on a
 * reserve whose first free entry heads a MOVABLE pageblock (the merge
 * above). That is planted bug B8's situation in one op; as FILL class 5
 * followed by ALLOC_RACE it was two, and a random engine from an empty
 * corpus did not find the pair within a minute (docs/benchmarks.md, "Time
 * to detect the planted bugs"). Two of the eight class values, as the
 * class-5 state is of little use without pressure after it. ops/v2 took
 * the class modulo 6 (6 and 7 were classes 0 and 1): no seed used them.
 */

/*
 * Repetitions of a fill: one more allocation than the node (or machine) has
 * blocks of that order, enough to exhaust it, with no loop left over once
 * the allocations fail.
 */
static uint64_t fill_times(const struct dec_geometry *g, int nid, unsigned int order)
{
	uint64_t pages = nid < 0 ? geometry_pages(g) : node_pages(g, nid);
	return (pages >> order) + 1;
}

/* Fill sc->ops[idx] from one 4-byte op; returns the op kind used, -1 to skip. */
static int decode_simple(struct dec *d, uint8_t opc, const uint8_t a[3], struct zf_sc_op *op)
{
	uint8_t x = a[0], y = a[1], z = a[2];
	enum dec_op k = (enum dec_op)opc;

	memset(op, 0, sizeof(*op));
	switch (k) {
	case D_ALLOC: {
		op->type = ZF_SC_OP_ALLOC;
		op->u.alloc.task = x % 3;
		op->u.alloc.order = (y & 0x0f) % (d->g->max_order + 1);
		op->u.alloc.gfp = d->tab->gfp[z % d->tab->ngfp];
		for (int i = 0; i < 4; i++)
			if (y & (0x10 << i))
				op->u.alloc.gfp |= gfp_mods[i];
		op->u.alloc.nid = -1;
		snprintf(op->u.alloc.handle, sizeof(op->u.alloc.handle), "h%u", d->nr_allocs++);
		return k;
	}
	case D_FREE: {
		if (!d->nr_allocs)
			return -1;
		unsigned int h = (unsigned int)(x | (y << 8)) % d->nr_allocs;
		op->type = ZF_SC_OP_FREE;
		op->u.free.task = -1;
		snprintf(op->u.free.handle, sizeof(op->u.free.handle), "h%u", h);
		return k;
	}
	case D_LRU_FILL:
	case D_LRU_DIRTY:
	case D_LRU_ACTIVATE:
	case D_LRU_RELEASE:
		op->type = k == D_LRU_FILL       ? ZF_SC_OP_LRU_FILL
			   : k == D_LRU_DIRTY    ? ZF_SC_OP_LRU_DIRTY
			   : k == D_LRU_ACTIVATE ? ZF_SC_OP_LRU_ACTIVATE
						 : ZF_SC_OP_LRU_RELEASE;
		op->u.lru.task = x % 3;
		op->u.lru.kind = (k == D_LRU_DIRTY) ? ZF_LRU_FILE : (enum zf_lru_kind)(y & 1);
		op->u.lru.pages = ((uint64_t)z + 1) * d->scale;
		/*
		 * lru_release z = 0: every page of the list (one more than the
		 * machine has), munmap() of everything or an exit's zap: what
		 * gives a fill's user memory back (FILL_LRU); z units else.
		 */
		if (k == D_LRU_RELEASE)
			op->u.lru.pages = z ? (uint64_t)z * d->scale : geometry_pages(d->g) + 1;
		return k;
	case D_SET_TASK:
		op->type = ZF_SC_OP_SET_TASK;
		op->u.set_task.task = x % 3;
		switch (y % 5) {
		case 0:
			op->u.set_task.has_mems = true;
			op->u.set_task.mems = z & node_mask_all(d);
			break;
		case 1:
			op->u.set_task.has_mempolicy = true;
			op->u.set_task.mempolicy = z & node_mask_all(d);
			break;
		case 2:
			op->u.set_task.has_oom_score_adj = true;
			op->u.set_task.oom_score_adj = dec_oom_score_adj(z);
			break;
		case 3:
			op->u.set_task.set = task_flag_table[z % NR_TASK_FLAGS];
			break;
		default:
			op->u.set_task.clear = task_flag_table[z % NR_TASK_FLAGS];
			break;
		}
		return k;
	case D_KILL:
	case D_EXIT:
		op->type = k == D_KILL ? ZF_SC_OP_KILL : ZF_SC_OP_EXIT;
		op->u.task.task = x % 3;
		return k;
	case D_ISOLATE:
	case D_UNISOLATE:
		op->type = k == D_ISOLATE ? ZF_SC_OP_ISOLATE : ZF_SC_OP_UNISOLATE;
		op->u.range.start_pfn = ((uint64_t)(x | (y << 8)) % d->nr_pageblocks) * d->pb_pages;
		op->u.range.pages = (uint64_t)(z % 4 + 1) * d->pb_pages;
		if (op->u.range.start_pfn + op->u.range.pages > d->pages)
			op->u.range.pages = d->pages - op->u.range.start_pfn;
		return k;
	case D_OFFLINE:
	case D_ONLINE:
		op->type = k == D_OFFLINE ? ZF_SC_OP_OFFLINE_ZONE : ZF_SC_OP_ONLINE_ZONE;
		op->u.zone.node = (int)(x % d->g->nodes);
		op->u.zone.zone = zone_of(d->g, op->u.zone.node, y);
		/*
		 * online_zone "racing_free" (z bit 7): a task allocates a page of
		 * the zone and frees it inside zone_pcp_update() (planted bug B3's
		 * window, docs/planted-bugs.md).
		 */
		if (k == D_ONLINE && (z & 0x80)) {
			op->u.zone.has_racing_free = true;
			op->u.zone.racing_task = (z & 0x7f) % 3;
		}
		return k;
	case D_POISON:
		op->type = ZF_SC_OP_POISON;
		op->u.poison.pfn =
		    ((uint64_t)x | ((uint64_t)y << 8) | ((uint64_t)z << 16)) % d->pages;
		return k;
	case D_KSWAPD:
	case D_KCOMPACTD:
	case D_COMPACT:
		op->type = k == D_KSWAPD      ? ZF_SC_OP_KSWAPD
			   : k == D_KCOMPACTD ? ZF_SC_OP_KCOMPACTD
					      : ZF_SC_OP_COMPACT;
		op->u.node.node = (int)(x % d->g->nodes);
		return k;
	case D_DRAIN:
		op->type = ZF_SC_OP_DRAIN;
		return k;
	case D_ADVANCE:
		op->type = ZF_SC_OP_ADVANCE;
		op->u.advance.ticks = (uint64_t)x + 1 + ((uint64_t)y << 8);
		return k;
	default:
		return -1;
	}
}

static void op_bytes(const uint8_t *data, size_t len, size_t off, uint8_t buf[4])
{
	memset(buf, 0, 4);
	for (size_t i = 0; i < 4 && off + i < len; i++)
		buf[i] = data[off + i];
}

/*
 * The decoded program before it is laid out in the scenario's pools: the
 * top-level operations must be one contiguous range, and the yield entries of
 * one allocation another, so bodies are collected first and placed after.
 */
#define DEC_BODY 4
struct dec_body {
	uint32_t n;
	struct zf_sc_op op[DEC_BODY];
};
struct dec_item {
	struct zf_sc_op op;
	uint32_t nyields; /* alloc: yield entries */
	struct {
		enum zf_yield_point point;
		uint32_t nth;
		struct dec_body body;
	} y[DEC_BODY];
	struct dec_body body; /* repeat */
};

/* Read a body: the next `count` simple ops (YIELD/REPEAT/compound opcodes inside are skipped). */
static size_t decode_body(struct dec *d, const uint8_t *data, size_t len, size_t off, size_t end,
			  uint32_t count, struct dec_body *body)
{
	uint8_t b[4];
	body->n = 0;
	while (body->n < count && off + ZF_DEC_OP_SIZE <= end) {
		op_bytes(data, len, off, b);
		off += ZF_DEC_OP_SIZE;
		enum dec_op k = (enum dec_op)d->tab->ops[b[0] % d->tab->n];
		if (k == D_YIELD || k == D_REPEAT || k >= D_HOTPLUG)
			continue; /* no nesting, no compound ops inside a body */
		if (decode_simple(d, (uint8_t)k, b + 1, &body->op[body->n]) >= 0)
			body->n++;
	}
	return off;
}

static int place_body(struct zf_scenario *sc, const struct dec_body *b, struct zf_sc_range *r)
{
	if (zf_scenario_reserve_ops(sc, b->n, r))
		return -1;
	for (uint32_t i = 0; i < b->n; i++)
		sc->ops[r->first + i] = b->op[i];
	return 0;
}

/*
 * FILL [x task][y node: 0 every node, n node n-1 with __GFP_THISNODE]
 *      [z order (bits 0-3), class (bits 4-6, mod 6; 4 user memory, see FILL_LRU;
 *       5 a highatomic reserve, FILL_HIGHATOMIC)]
 * -> repeat fill_times() { alloc task, fill_gfp | NORETRY, order, nid; quiet, anonymous }
 * "Fill node 1 with kernel memory" (the setup of B4, B5 and B6) in one op.
 * Order bits k: 0 staged (below), k > 0 one repeat of order k - 1.
 *
 * Staged, the default: order-fill_stage() blocks first, then single pages
 * (two repeats). The same end state as an order-0 fill (down to the
 * watermark, a fresh machine has no fragments below the stage order) in a
 * fraction of the operations: each repeated allocation is a top-level
 * operation with the oracles' walks every few, so an order-0 fill of a
 * 4096-page machine cost about 200 ms an input against 15 ms staged
 * (nosan build, counters and premature-oom oracles, walks every 16).
 */
#define FILL_STAGE 4

/*
 * The stage order: 4, or more on large machines, so the first repeat is
 * about 64 allocations (a 4096-page machine: order 6); below MAX_ORDER.
 */
static unsigned int fill_stage(const struct dec_geometry *g)
{
	unsigned int st = FILL_STAGE;
	while ((geometry_pages(g) >> (st + 1)) >= 64)
		st++;
	return g->max_order - 1 < st ? g->max_order - 1 : st;
}

static void fill_item(struct dec_item *it, int task, zf_gfp_t gfp, unsigned int order, int nid,
		      uint64_t times)
{
	struct zf_sc_alloc *al = &it->body.op[0].u.alloc;

	memset(it, 0, sizeof(*it));
	it->op.type = ZF_SC_OP_REPEAT;
	it->op.u.repeat.times = times;
	it->body.n = 1;
	it->body.op[0].type = ZF_SC_OP_ALLOC;
	al->task = task;
	al->gfp = gfp;
	al->order = order;
	al->nid = nid;
	al->quiet = true;
}

/*
 * Writes it[0..6] (two when staged, four for a reserve, seven for a reserve
 * under pressure); returns the number of items.
 */
static uint32_t decode_fill(struct dec *d, const uint8_t a[3], struct dec_item *it)
{
	unsigned int nsel = a[1] % (d->g->nodes + 1);
	unsigned int k = a[2] & 0x0f;
	unsigned int cls = (a[2] >> 4) & 7;
	int nid = nsel ? (int)nsel - 1 : -1;
	int task = a[0] % 3;
	zf_gfp_t gfp = fill_gfp[cls % 4] | ZF_GFP_NORETRY | (nsel ? ZF_GFP_THISNODE : 0);

	if (cls >= FILL_LRU) {
		/* node and order do not apply: lru_fill allocates order 0, locally first */
		memset(it, 0, sizeof(*it));
		it->op.type = ZF_SC_OP_LRU_FILL;
		it->op.u.lru.task = task;
		it->op.u.lru.kind = ZF_LRU_ANON;
		it->op.u.lru.pages = fill_times(d->g, -1, 0);
		it->op.u.lru.gfp = FILL_LRU_GFP;
		if (cls == FILL_LRU)
			return 1;
		struct zf_sc_alloc *al = &it[1].op.u.alloc;
		memset(it + 1, 0, 3 * sizeof(*it));
		it[1].op.type = ZF_SC_OP_ALLOC;
		al->task = task;
		al->gfp = ZF_GFP_ATOMIC_MASK;
		al->order = k ? (k - 1) % (d->g->max_order + 1) : 1;
		al->nid = -1;
		snprintf(al->handle, sizeof(al->handle), "h%u", d->nr_allocs++);
		it[2].op.type = ZF_SC_OP_FREE;
		it[2].op.u.free.task = -1;
		memcpy(it[2].op.u.free.handle, al->handle, sizeof(al->handle));
		it[3].op.type = ZF_SC_OP_LRU_RELEASE;
		it[3].op.u.lru.task = task;
		it[3].op.u.lru.kind = ZF_LRU_ANON;
		it[3].op.u.lru.pages = geometry_pages(d->g) + 1;
		if (cls == FILL_HIGHATOMIC)
			return 4;
		/* FILL_HIGHATOMIC_OOM: the task's staged kernel fill, then the request */
		const uint8_t f[3] = {(uint8_t)task, 0, 0};
		uint32_t n = 4 + decode_fill(d, f, it + 4);
		struct zf_sc_alloc *rq = &it[n].op.u.alloc;
		memset(it + n, 0, sizeof(*it));
		it[n].op.type = ZF_SC_OP_ALLOC;
		rq->task = task;
		rq->gfp = ZF_GFP_KERNEL;
		rq->order = 0;
		rq->nid = -1;
		snprintf(rq->handle, sizeof(rq->handle), "h%u", d->nr_allocs++);
		return n + 1;
	}
	if (k) {
		unsigned int order = (k - 1) % (d->g->max_order + 1);
		fill_item(it, task, gfp, order, nid, fill_times(d->g, nid, order));
		return 1;
	}
	unsigned int st = fill_stage(d->g);
	fill_item(it, task, gfp, st, nid, fill_times(d->g, nid, st) - 1);
	fill_item(it + 1, task, gfp, 0, nid, fill_times(d->g, nid, st) + (1u << st));
	return 2;
}

/*
 * ALLOC_RACE [x task (bits 0-1, mod 3), yield point (bits 2-4, race_point())]
 *            [y request race_gfp[bits 0-1], order (bits 2-3); bits 4-7 unused]
 *            [z race (bits 6-7), argument (bits 0-5)]
 * -> [set_task before,] fill, alloc ... at_yield [{point, nth 1, ops [action]}]:
 * another CPU acts while the allocation is in the slow path. The yield
 * points are all in the slow path, which an allocation enters only when
 * the fast path fails: so the task first fills what it may allocate from
 * (its cpuset and policy, after the set_task before) with a staged kernel
 * fill (FILL with zero arguments: GFP_KERNEL | __GFP_NORETRY). A race
 * without pressure is the plain alloc and yield ops. Races:
 *   0 cpuset move: the task's mems are the other nodes, then become M at
 *     the yield (M = argument & nodes, 0 meaning node 0; planted bug B5);
 *   1 policy against cpuset: an MPOL_BIND policy for the other nodes, then
 *     cpuset mems M at the yield (B6: the policy no longer intersects);
 *   2 offline_zone, 3 online_zone at the yield (node: argument bits 0-1,
 *     populated-zone selector bits 2-3; B4's zonelist rebuild).
 * "The other nodes" (nodes & ~M) empty: no set_task before. A zero argument
 * is node 0 and the highest populated zone: the defaults are the races of
 * docs/planted-bugs.md. Writes it[0..3]; returns the number of items used
 * (1 to 4). The kernel's cpuset update rebinds, it never sets
 * the policy: a policy change at a yield point is not a race of 4.12
 * (set_mempolicy() acts on current only), so no race writes one.
 */
/*
 * ALLOC_RACE's request (y bits 0-1): the classes that direct-reclaim and may
 * reach the OOM killer, kernel and user, where a race that empties the
 * eligible zones shows as a premature OOM. Orders 0-3 (y bits 2-3); the
 * plain alloc and yield ops reach every class and order.
 */
static const zf_gfp_t race_gfp[4] = {ZF_GFP_KERNEL, ZF_GFP_USER, ZF_GFP_HIGHUSER,
				     ZF_GFP_HIGHUSER_MOVABLE};

static uint32_t race_before(const struct dec *d, unsigned int race, uint32_t m)
{
	return race <= 1 ? node_mask_all(d) & ~m : 0;
}

static uint32_t decode_alloc_race(struct dec *d, const uint8_t a[3], struct dec_item *it)
{
	unsigned int race = a[2] >> 6, arg = a[2] & 0x3f;
	uint32_t m = arg & node_mask_all(d), before;
	int task = (a[0] & 3) % 3;

	if (!m)
		m = 1;
	struct dec_item *first = it;
	before = race_before(d, race, m);
	if (before) {
		struct zf_sc_op *st = &it->op;
		st->type = ZF_SC_OP_SET_TASK;
		st->u.set_task.task = task;
		if (race == 0) {
			st->u.set_task.has_mems = true;
			st->u.set_task.mems = before;
		} else {
			st->u.set_task.has_mempolicy = true;
			st->u.set_task.mempolicy = before;
		}
		it++;
		memset(it, 0, sizeof(*it));
	}
	/* under pressure: the task's staged kernel fill, within its cpuset and policy */
	const uint8_t f[3] = {(uint8_t)task, 0, 0};
	it += decode_fill(d, f, it);
	memset(it, 0, sizeof(*it));

	struct zf_sc_alloc *al = &it->op.u.alloc;
	struct zf_sc_op *act = &it->y[0].body.op[0];
	it->op.type = ZF_SC_OP_ALLOC;
	al->task = task;
	al->gfp = race_gfp[a[1] & 3];
	al->order = (unsigned int)((a[1] >> 2) & 3) % (d->g->max_order + 1);
	al->nid = -1;
	snprintf(al->handle, sizeof(al->handle), "h%u", d->nr_allocs++);
	it->nyields = 1;
	it->y[0].point = race_point(a[0]);
	it->y[0].nth = 1;
	it->y[0].body.n = 1;
	if (race <= 1) {
		act->type = ZF_SC_OP_SET_TASK;
		act->u.set_task.task = task;
		act->u.set_task.has_mems = true;
		act->u.set_task.mems = m;
	} else {
		act->type = race == 2 ? ZF_SC_OP_OFFLINE_ZONE : ZF_SC_OP_ONLINE_ZONE;
		act->u.zone.node = (int)((arg & 3) % d->g->nodes);
		act->u.zone.zone = populated_zone_of(d->g, act->u.zone.node, arg >> 2);
	}
	return (uint32_t)(it - first) + 1;
}

int zf_decode(enum zf_target_kind kind, const uint8_t *data, size_t len, struct zf_scenario *sc,
	      unsigned int *walk_interval)
{
	uint8_t h[ZF_DEC_HEADER] = {0};
	struct dec d;
	size_t off = ZF_DEC_HEADER, end = len;
	static const size_t gfp_tail = 8;
	uint32_t nitems = 0;
	int ret = -1;

	if ((unsigned int)kind >= ZF_NR_TARGETS || kind == ZF_TARGET_SCENARIO)
		kind = ZF_TARGET_SLOWPATH;
	for (size_t i = 0; i < ZF_DEC_HEADER && i < len; i++)
		h[i] = data[i];
	zf_scenario_init(sc);
	snprintf(sc->name, sizeof(sc->name), "ops-v%d-%s", ZF_DEC_VERSION, zf_target_name(kind));
	header_config(h, sc);
	if (walk_interval)
		*walk_interval = walk_intervals[h[2] & 3];

	memset(&d, 0, sizeof(d));
	d.kind = kind;
	d.tab = &tables[kind];
	d.sc = sc;
	d.g = &geometries[geometry_of(h[0])];
	d.pages = geometry_pages(d.g);
	d.pb_pages = 1ULL << d.g->pageblock_order;
	d.nr_pageblocks = (d.pages + d.pb_pages - 1) / d.pb_pages;
	d.scale = d.pages / 256 ? d.pages / 256 : 1;
	d.last_alloc = -1;

	if (kind == ZF_TARGET_GFP)
		end = len >= ZF_DEC_HEADER + gfp_tail ? len - gfp_tail : ZF_DEC_HEADER;

	/*
	 * Seven items per 4-byte op at most (FILL classes 6-7), +2: the gfp tail's set_task +
	 * alloc. Items are large (nested bodies inline) and each is cleared when it is used, so
	 * malloc, not calloc: zeroing the worst case for every input cost more than running a short
	 * input (perf, zonefuzz benchmarks).
	 */
	size_t max_items = 7 * (end > off ? (end - off) / ZF_DEC_OP_SIZE : 0) + 2;
	if (max_items > ZF_DEC_MAX_OPS + 2)
		max_items = ZF_DEC_MAX_OPS + 2; /* multi-item ops only below ZF_DEC_MAX_OPS */
	struct dec_item *items = malloc(max_items * sizeof(*items));
	if (!items)
		goto out;

	uint8_t b[4];
	while (off + ZF_DEC_OP_SIZE <= end && nitems < ZF_DEC_MAX_OPS) {
		op_bytes(data, len, off, b);
		off += ZF_DEC_OP_SIZE;
		enum dec_op k = (enum dec_op)d.tab->ops[b[0] % d.tab->n];
		struct dec_item *it = &items[nitems];

		if (k == D_YIELD) {
			/*
			 * Yield entries belong to the allocation right before
			 * them (only yield ops in between): handles are then
			 * numbered in the same order as the encoder writes
			 * them, so decode(encode(s)) == s.
			 */
			if (d.last_alloc < 0 || (uint32_t)d.last_alloc != nitems - 1)
				continue;
			struct dec_item *al = &items[d.last_alloc];
			if (al->nyields == DEC_BODY)
				continue;
			unsigned int yi = al->nyields;
			/* nested allocations never become yield anchors */
			int saved = d.last_alloc;
			off = decode_body(&d, data, len, off, end, b[3] % DEC_BODY + 1,
					  &al->y[yi].body);
			d.last_alloc = saved;
			if (!al->y[yi].body.n)
				continue;
			al->y[yi].point = (enum zf_yield_point)(b[1] % ZF_NR_YIELD_POINTS);
			al->y[yi].nth = b[2] % 4 + 1;
			al->nyields++;
			continue;
		}
		if (k == D_REPEAT) {
			memset(it, 0, sizeof(*it));
			int saved = d.last_alloc;
			off = decode_body(&d, data, len, off, end, b[3] % DEC_BODY + 1, &it->body);
			d.last_alloc = saved;
			if (!it->body.n)
				continue;
			it->op.type = ZF_SC_OP_REPEAT;
			it->op.u.repeat.times = (uint64_t)(b[1] % 16) + 2;
			nitems++;
			continue;
		}
		if (k == D_HOTPLUG) {
			/* offline then online: two top-level operations */
			if (nitems + 2 > ZF_DEC_MAX_OPS)
				break;
			int node = (int)(b[1] % d.g->nodes);
			int zone = populated_zone_of(d.g, node, b[2]);
			memset(it, 0, 2 * sizeof(*it));
			it[0].op.type = ZF_SC_OP_OFFLINE_ZONE;
			it[1].op.type = ZF_SC_OP_ONLINE_ZONE;
			it[0].op.u.zone.node = it[1].op.u.zone.node = node;
			it[0].op.u.zone.zone = it[1].op.u.zone.zone = zone;
			it[1].op.u.zone.has_racing_free = true;
			it[1].op.u.zone.racing_task = b[3] % 3;
			nitems += 2;
			continue;
		}
		if (k == D_FILL) {
			if (nitems + 7 > ZF_DEC_MAX_OPS)
				break;
			nitems += decode_fill(&d, b + 1, it);
			continue;
		}
		if (k == D_ALLOC_RACE) {
			/* up to four items (a set_task and a staged fill before the allocation) */
			if (nitems + 4 > ZF_DEC_MAX_OPS)
				break;
			memset(it, 0, sizeof(*it));
			nitems += decode_alloc_race(&d, b + 1, it);
			d.last_alloc = (int)nitems - 1;
			continue;
		}
		memset(it, 0, sizeof(*it));
		if (decode_simple(&d, (uint8_t)k, b + 1, &it->op) < 0)
			continue;
		if (it->op.type == ZF_SC_OP_ALLOC)
			d.last_alloc = (int)nitems;
		nitems++;
	}

	if (kind == ZF_TARGET_GFP) {
		/* The final allocation: raw gfp bits and order against the state built. */
		uint8_t t[8] = {0};
		for (size_t i = 0; i < gfp_tail && end + i < len; i++)
			t[i] = data[end + i];
		if (len >= ZF_DEC_HEADER + gfp_tail) {
			struct dec_item *it = &items[nitems];
			uint32_t flags = task_flag_table[(t[6] & 0x7f) % NR_TASK_FLAGS];
			memset(it, 0, sizeof(*it));
			if (t[6] & 0x80) {
				/* a task personality for the final request */
				it->op.type = ZF_SC_OP_SET_TASK;
				it->op.u.set_task.task = t[5] % 3;
				it->op.u.set_task.set = flags;
				nitems++;
				it = &items[nitems];
				memset(it, 0, sizeof(*it));
			}
			it->op.type = ZF_SC_OP_ALLOC;
			it->op.u.alloc.task = t[5] % 3;
			it->op.u.alloc.gfp = ((zf_gfp_t)t[0] | ((zf_gfp_t)t[1] << 8) |
					      ((zf_gfp_t)t[2] << 16) | ((zf_gfp_t)t[3] << 24)) &
					     ZF_GFP_BITS_MASK;
			it->op.u.alloc.order =
			    t[4] % (d.g->max_order + 2); /* one past MAX_ORDER-1 */
			it->op.u.alloc.nid = t[7] & 0x80 ? (int)(t[7] % d.g->nodes) : -1;
			snprintf(it->op.u.alloc.handle, sizeof(it->op.u.alloc.handle), "h%u",
				 d.nr_allocs++);
			nitems++;
		}
	}

	/*
	 * Lay out: top-level operations contiguous, then bodies and yield
	 * entries. An empty program reserves nothing (the pool may still be
	 * NULL, and NULL + 0 is undefined behaviour UBSan reports).
	 */
	if (!nitems) {
		sc->program.first = sc->nr_ops;
		sc->program.count = 0;
	} else if (zf_scenario_reserve_ops(sc, nitems, &sc->program)) {
		goto out;
	}
	for (uint32_t i = 0; i < nitems; i++) {
		uint32_t idx = sc->program.first + i;
		sc->ops[idx] = items[i].op;
		if (items[i].op.type == ZF_SC_OP_REPEAT) {
			struct zf_sc_range r;
			if (place_body(sc, &items[i].body, &r))
				goto out;
			sc->ops[idx].u.repeat.ops = r;
		} else if (items[i].op.type == ZF_SC_OP_ALLOC && items[i].nyields) {
			struct zf_sc_range yr;
			if (zf_scenario_reserve_yields(sc, items[i].nyields, &yr))
				goto out;
			for (uint32_t y = 0; y < items[i].nyields; y++) {
				struct zf_sc_range r;
				if (place_body(sc, &items[i].y[y].body, &r))
					goto out;
				sc->yields[yr.first + y].point = items[i].y[y].point;
				sc->yields[yr.first + y].nth = items[i].y[y].nth;
				sc->yields[yr.first + y].ops = r;
			}
			sc->ops[idx].u.alloc.at_yield = yr;
		}
	}
	ret = 0;
out:
	free(items);
	if (ret)
		zf_scenario_free(sc);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Encoding: the inverse, for scenarios in the decodable subset          */
/* ------------------------------------------------------------------ */
struct enc {
	enum zf_target_kind kind;
	const struct op_table *tab;
	const struct zf_scenario *sc;
	const struct dec_geometry *g;
	uint64_t pages, pb_pages, nr_pageblocks, scale;
	unsigned int nr_allocs;
	uint8_t *out;
	size_t cap, len;
	char *err;
	size_t errlen;
};

#define ENC_FAIL(e, ...)                                                                           \
	do {                                                                                       \
		snprintf((e)->err, (e)->errlen, __VA_ARGS__);                                      \
		return -1;                                                                         \
	} while (0)

static bool cfg_equal(const struct zf_config *a, const struct zf_config *b)
{
	return a->profile == b->profile && a->nr_nodes == b->nr_nodes &&
	       !memcmp(a->zone_pages, b->zone_pages, sizeof(a->zone_pages)) &&
	       !memcmp(a->reserved_pages, b->reserved_pages, sizeof(a->reserved_pages)) &&
	       !memcmp(a->cma_pages, b->cma_pages, sizeof(a->cma_pages)) &&
	       a->nr_cpus == b->nr_cpus && a->max_order == b->max_order &&
	       a->pageblock_order == b->pageblock_order && a->swap_pages == b->swap_pages &&
	       a->min_free_kbytes == b->min_free_kbytes &&
	       a->watermark_scale_factor == b->watermark_scale_factor &&
	       a->max_retries == b->max_retries;
}

static bool tasks_equal(const struct zf_scenario *a, const struct zf_scenario *b)
{
	if (a->nr_tasks != b->nr_tasks)
		return false;
	for (unsigned int i = 0; i < a->nr_tasks; i++) {
		const struct zf_sc_task *x = &a->tasks[i], *y = &b->tasks[i];
		if (strcmp(x->name, y->name) || x->cpu != y->cpu || x->flags != y->flags ||
		    x->oom_score_adj != y->oom_score_adj || x->mems != y->mems ||
		    x->mempolicy != y->mempolicy)
			return false;
	}
	return true;
}

/* The task_flag_table index of a set_task that sets exactly one flag, else -1. */
static int tail_flag_index(const struct zf_sc_op *op)
{
	const __typeof__(op->u.set_task) *st = &op->u.set_task;

	if (st->clear || st->has_mems || st->has_mempolicy || st->has_oom_score_adj)
		return -1;
	for (size_t i = 0; i < NR_TASK_FLAGS; i++)
		if (st->set == task_flag_table[i])
			return (int)i;
	return -1;
}

static int emit(struct enc *e, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	if (e->len + 4 > e->cap)
		ENC_FAIL(e, "output: more than %zu bytes", e->cap);
	e->out[e->len++] = a;
	e->out[e->len++] = b;
	e->out[e->len++] = c;
	e->out[e->len++] = d;
	return 0;
}

static int opcode_of(const struct enc *e, enum dec_op k)
{
	for (size_t i = 0; i < e->tab->n; i++)
		if (e->tab->ops[i] == k)
			return (int)i;
	return -1;
}

static int handle_index(const char *h)
{
	char *end;
	if (h[0] != 'h' || !h[1])
		return -1;
	long v = strtol(h + 1, &end, 10);
	return (*end || v < 0 || v > 65535) ? -1 : (int)v;
}

static int encode_simple(struct enc *e, const struct zf_sc_op *op, const char *path)
{
	int opc;
	enum dec_op k;

	switch (op->type) {
	case ZF_SC_OP_ALLOC: {
		const struct zf_sc_alloc *al = &op->u.alloc;
		k = D_ALLOC;
		if (al->task < 0 || al->task > 2)
			ENC_FAIL(e, "%s.task: only the decoder's tasks a, b, c", path);
		if (al->order > e->g->max_order)
			ENC_FAIL(e, "%s.order: above MAX_ORDER-1 of the geometry", path);
		if (al->nid != -1 || al->nodemask)
			ENC_FAIL(e, "%s: nid/nodemask are not encodable", path);
		if (handle_index(al->handle) != (int)e->nr_allocs)
			ENC_FAIL(e, "%s.handle: expected \"h%u\"", path, e->nr_allocs);
		int cls = -1, mods = -1;
		for (size_t c = 0; c < e->tab->ngfp && cls < 0; c++) {
			for (int mm = 0; mm < 16; mm++) {
				zf_gfp_t g = e->tab->gfp[c];
				for (int i = 0; i < 4; i++)
					if (mm & (1 << i))
						g |= gfp_mods[i];
				if (g == al->gfp) {
					cls = (int)c;
					mods = mm;
					break;
				}
			}
		}
		if (cls < 0)
			ENC_FAIL(e, "%s.gfp: not in the %s target's gfp classes", path,
				 zf_target_name(e->kind));
		if ((opc = opcode_of(e, k)) < 0)
			ENC_FAIL(e, "%s: alloc is not an op of the %s target", path,
				 zf_target_name(e->kind));
		e->nr_allocs++;
		return emit(e, (uint8_t)opc, (uint8_t)al->task,
			    (uint8_t)(al->order | ((unsigned int)mods << 4)), (uint8_t)cls);
	}
	case ZF_SC_OP_FREE: {
		int h = handle_index(op->u.free.handle);
		if (h < 0 || h >= (int)e->nr_allocs || op->u.free.task != -1)
			ENC_FAIL(e, "%s.handle: must name an earlier allocation h<N>", path);
		if ((opc = opcode_of(e, D_FREE)) < 0)
			ENC_FAIL(e, "%s: free is not an op of this target", path);
		return emit(e, (uint8_t)opc, (uint8_t)(h & 0xff), (uint8_t)(h >> 8), 0);
	}
	case ZF_SC_OP_LRU_FILL:
	case ZF_SC_OP_LRU_DIRTY:
	case ZF_SC_OP_LRU_ACTIVATE:
	case ZF_SC_OP_LRU_RELEASE: {
		k = op->type == ZF_SC_OP_LRU_FILL       ? D_LRU_FILL
		    : op->type == ZF_SC_OP_LRU_DIRTY    ? D_LRU_DIRTY
		    : op->type == ZF_SC_OP_LRU_ACTIVATE ? D_LRU_ACTIVATE
							: D_LRU_RELEASE;
		uint64_t units = op->u.lru.pages / e->scale;
		bool rel = k == D_LRU_RELEASE;
		if (rel && op->u.lru.pages == e->pages + 1)
			units = 256; /* written as z = 0: "all" */
		else if (rel && units == 256)
			units = 0; /* 256 units are not one of release's */
		if (op->u.lru.task < 0 || op->u.lru.task > 2 ||
		    (op->u.lru.pages % e->scale && units != 256) || units < 1 || units > 256 ||
		    (op->type == ZF_SC_OP_LRU_FILL && op->u.lru.gfp))
			ENC_FAIL(e,
				 "%s: task a-c, pages a multiple of %llu up to 256x (lru_release: "
				 "255x, or %llu for all), default gfp",
				 path, (unsigned long long)e->scale,
				 (unsigned long long)(e->pages + 1));
		if (k == D_LRU_DIRTY && op->u.lru.kind != ZF_LRU_FILE)
			ENC_FAIL(e, "%s.kind: lru_dirty is file only", path);
		if ((opc = opcode_of(e, k)) < 0)
			ENC_FAIL(e, "%s: %s is not an op of this target", path,
				 zf_sc_op_name(op->type));
		return emit(e, (uint8_t)opc, (uint8_t)op->u.lru.task, (uint8_t)op->u.lru.kind,
			    (uint8_t)(rel ? units & 0xff : units - 1));
	}
	case ZF_SC_OP_SET_TASK: {
		const __typeof__(op->u.set_task) *st = &op->u.set_task;
		int variant = -1, z = 0,
		    nset = st->has_mems + st->has_mempolicy + st->has_oom_score_adj + !!st->set +
			   !!st->clear;
		if (st->task < 0 || st->task > 2 || nset != 1)
			ENC_FAIL(e, "%s: exactly one change per set_task on task a-c", path);
		uint32_t all = (1u << e->g->nodes) - 1;
		if (st->has_mems && !(st->mems & ~all)) {
			variant = 0;
			z = (int)st->mems;
		} else if (st->has_mempolicy && !(st->mempolicy & ~all)) {
			variant = 1;
			z = (int)st->mempolicy;
		} else if (st->has_oom_score_adj) {
			for (int v = -128; v < 128; v++) {
				if (dec_oom_score_adj((uint8_t)v) == st->oom_score_adj) {
					variant = 2;
					z = v & 0xff;
					break;
				}
			}
		} else {
			uint32_t f = st->set ? st->set : st->clear;
			for (size_t i = 0; i < NR_TASK_FLAGS; i++)
				if (task_flag_table[i] == f) {
					variant = st->set ? 3 : 4;
					z = (int)i;
				}
		}
		if (variant < 0)
			ENC_FAIL(e, "%s: value not encodable", path);
		if ((opc = opcode_of(e, D_SET_TASK)) < 0)
			ENC_FAIL(e, "%s: set_task is not an op of this target", path);
		return emit(e, (uint8_t)opc, (uint8_t)st->task, (uint8_t)variant, (uint8_t)z);
	}
	case ZF_SC_OP_KILL:
	case ZF_SC_OP_EXIT:
		k = op->type == ZF_SC_OP_KILL ? D_KILL : D_EXIT;
		if (op->u.task.task < 0 || op->u.task.task > 2)
			ENC_FAIL(e, "%s.task: only tasks a-c", path);
		if ((opc = opcode_of(e, k)) < 0)
			ENC_FAIL(e, "%s: %s is not an op of this target", path,
				 zf_sc_op_name(op->type));
		return emit(e, (uint8_t)opc, (uint8_t)op->u.task.task, 0, 0);
	case ZF_SC_OP_ISOLATE:
	case ZF_SC_OP_UNISOLATE: {
		k = op->type == ZF_SC_OP_ISOLATE ? D_ISOLATE : D_UNISOLATE;
		uint64_t blk = op->u.range.start_pfn / e->pb_pages;
		uint64_t n = op->u.range.pages / e->pb_pages;
		uint64_t want = op->u.range.pages;
		bool ok = op->u.range.start_pfn % e->pb_pages == 0 && blk < e->nr_pageblocks &&
			  blk <= 0xffff;
		int zz = -1;
		for (uint64_t c = 1; ok && c <= 4; c++) {
			uint64_t p = c * e->pb_pages;
			if (op->u.range.start_pfn + p > e->pages)
				p = e->pages - op->u.range.start_pfn;
			if (p == want) {
				zz = (int)(c - 1);
				break;
			}
		}
		(void)n;
		if (zz < 0)
			ENC_FAIL(e, "%s: range must be 1-4 whole pageblocks", path);
		if ((opc = opcode_of(e, k)) < 0)
			ENC_FAIL(e, "%s: %s is not an op of this target", path,
				 zf_sc_op_name(op->type));
		return emit(e, (uint8_t)opc, (uint8_t)(blk & 0xff), (uint8_t)(blk >> 8),
			    (uint8_t)zz);
	}
	case ZF_SC_OP_OFFLINE_ZONE:
	case ZF_SC_OP_ONLINE_ZONE:
		k = op->type == ZF_SC_OP_OFFLINE_ZONE ? D_OFFLINE : D_ONLINE;
		if (op->u.zone.node < 0 || (unsigned int)op->u.zone.node >= e->g->nodes ||
		    op->u.zone.zone < 0 || op->u.zone.zone >= ZF_MAX_NR_ZONES)
			ENC_FAIL(e, "%s: node/zone out of range", path);
		if (op->u.zone.has_racing_free &&
		    (op->type != ZF_SC_OP_ONLINE_ZONE || op->u.zone.racing_task < 0 ||
		     op->u.zone.racing_task > 2))
			ENC_FAIL(e, "%s.racing_free: online_zone only, task a-c", path);
		if ((opc = opcode_of(e, k)) < 0)
			ENC_FAIL(e, "%s: %s is not an op of this target", path,
				 zf_sc_op_name(op->type));
		return emit(e, (uint8_t)opc, (uint8_t)op->u.zone.node,
			    (uint8_t)zone_sel(e->g, op->u.zone.node, op->u.zone.zone),
			    op->u.zone.has_racing_free ? (uint8_t)(0x80 | op->u.zone.racing_task)
						       : 0);
	case ZF_SC_OP_POISON:
		if (op->u.poison.pfn >= e->pages || op->u.poison.pfn >= (1u << 24))
			ENC_FAIL(e, "%s.pfn: out of range", path);
		if ((opc = opcode_of(e, D_POISON)) < 0)
			ENC_FAIL(e, "%s: poison is not an op of this target", path);
		return emit(e, (uint8_t)opc, (uint8_t)(op->u.poison.pfn & 0xff),
			    (uint8_t)((op->u.poison.pfn >> 8) & 0xff),
			    (uint8_t)(op->u.poison.pfn >> 16));
	case ZF_SC_OP_KSWAPD:
	case ZF_SC_OP_KCOMPACTD:
	case ZF_SC_OP_COMPACT:
		k = op->type == ZF_SC_OP_KSWAPD      ? D_KSWAPD
		    : op->type == ZF_SC_OP_KCOMPACTD ? D_KCOMPACTD
						     : D_COMPACT;
		if (op->u.node.node < 0 || (unsigned int)op->u.node.node >= e->g->nodes)
			ENC_FAIL(e, "%s.node: a node of the geometry", path);
		if ((opc = opcode_of(e, k)) < 0)
			ENC_FAIL(e, "%s: %s is not an op of this target", path,
				 zf_sc_op_name(op->type));
		return emit(e, (uint8_t)opc, (uint8_t)op->u.node.node, 0, 0);
	case ZF_SC_OP_DRAIN:
		if ((opc = opcode_of(e, D_DRAIN)) < 0)
			ENC_FAIL(e, "%s: drain is not an op of this target", path);
		return emit(e, (uint8_t)opc, 0, 0, 0);
	case ZF_SC_OP_ADVANCE: {
		uint64_t t = op->u.advance.ticks;
		if (t < 1 || t > 65536)
			ENC_FAIL(e, "%s.ticks: 1..65536", path);
		if ((opc = opcode_of(e, D_ADVANCE)) < 0)
			ENC_FAIL(e, "%s: advance is not an op of this target", path);
		return emit(e, (uint8_t)opc, (uint8_t)((t - 1) & 0xff), (uint8_t)((t - 1) >> 8), 0);
	}
	default:
		ENC_FAIL(e, "%s: %s cannot be nested here", path, zf_sc_op_name(op->type));
	}
}

/* HOTPLUG: ops[i] offline_zone and ops[i + 1] online_zone of the same zone. */
static bool enc_hotplug(const struct enc *e, uint32_t i, uint32_t n, uint8_t a[3])
{
	const struct zf_sc_op *off = &e->sc->ops[e->sc->program.first + i];
	const struct zf_sc_op *on = off + 1;

	if (i + 1 >= n || off->type != ZF_SC_OP_OFFLINE_ZONE || on->type != ZF_SC_OP_ONLINE_ZONE ||
	    off->u.zone.has_racing_free || on->u.zone.node != off->u.zone.node ||
	    on->u.zone.zone != off->u.zone.zone || off->u.zone.node < 0 ||
	    (unsigned int)off->u.zone.node >= e->g->nodes || off->u.zone.zone < 0 ||
	    off->u.zone.zone >= ZF_MAX_NR_ZONES || !on->u.zone.has_racing_free ||
	    on->u.zone.racing_task < 0 || on->u.zone.racing_task > 2)
		return false;
	unsigned int sel;
	if (!populated_zone_sel(e->g, off->u.zone.node, off->u.zone.zone, &sel))
		return false;
	a[0] = (uint8_t)off->u.zone.node;
	a[1] = (uint8_t)sel;
	a[2] = (uint8_t)on->u.zone.racing_task;
	return true;
}

/* The fill repeat decode_fill() writes: its class and order, or false. */
static bool enc_fill_repeat(const struct enc *e, const struct zf_sc_op *op, int *cls)
{
	const struct zf_sc_alloc *al;
	zf_gfp_t base;

	*cls = -1;
	if (op->type != ZF_SC_OP_REPEAT || op->u.repeat.ops.count != 1 ||
	    e->sc->ops[op->u.repeat.ops.first].type != ZF_SC_OP_ALLOC)
		return false;
	al = &e->sc->ops[op->u.repeat.ops.first].u.alloc;
	if (al->task < 0 || al->task > 2 || al->handle[0] || !al->quiet || al->has_expect ||
	    al->nodemask || al->at_yield.count || al->order > e->g->max_order || al->nid < -1 ||
	    al->nid >= (int)e->g->nodes || !(al->gfp & ZF_GFP_NORETRY) ||
	    !!(al->gfp & ZF_GFP_THISNODE) != (al->nid >= 0))
		return false;
	base = al->gfp & ~(ZF_GFP_NORETRY | ZF_GFP_THISNODE);
	for (int c = 0; c < 4 && *cls < 0; c++)
		if (fill_gfp[c] == base)
			*cls = c;
	return *cls >= 0;
}

/* FILL: ops[i] (and ops[i + 1]) are exactly what decode_fill() writes. */
static bool enc_fill(const struct enc *e, uint32_t i, uint32_t n, uint8_t a[3], uint32_t *used)
{
	const struct zf_sc_op *op = &e->sc->ops[e->sc->program.first + i];
	int cls, cls2;

	if (op->type == ZF_SC_OP_LRU_FILL) {
		if (op->u.lru.task < 0 || op->u.lru.task > 2 || op->u.lru.kind != ZF_LRU_ANON ||
		    op->u.lru.gfp != FILL_LRU_GFP || op->u.lru.pages != fill_times(e->g, -1, 0))
			return false;
		a[0] = (uint8_t)op->u.lru.task;
		a[1] = 0;
		a[2] = FILL_LRU << 4;
		*used = 1;
		/* the highatomic reserve: the atomic request, its free, the release */
		if (i + 3 >= n || op[1].type != ZF_SC_OP_ALLOC || op[2].type != ZF_SC_OP_FREE ||
		    op[3].type != ZF_SC_OP_LRU_RELEASE)
			return true;
		const struct zf_sc_alloc *aa = &op[1].u.alloc;
		const struct zf_sc_op *fr = &op[2], *rel = &op[3];
		if (aa->task != op->u.lru.task || aa->gfp != ZF_GFP_ATOMIC_MASK ||
		    aa->order > e->g->max_order || aa->order > 14 || aa->nid != -1 ||
		    aa->nodemask || aa->quiet || aa->has_expect || aa->at_yield.count ||
		    handle_index(aa->handle) != (int)e->nr_allocs || fr->u.free.task != -1 ||
		    strcmp(fr->u.free.handle, aa->handle) || rel->u.lru.task != op->u.lru.task ||
		    rel->u.lru.kind != ZF_LRU_ANON || rel->u.lru.pages != e->pages + 1)
			return true;
		a[2] = (uint8_t)((FILL_HIGHATOMIC << 4) | (aa->order == 1 ? 0 : aa->order + 1));
		*used = 4;
		/* under pressure (classes 6-7): the task's staged kernel fill and its request */
		uint8_t fa[3];
		uint32_t fused;
		if (i + 6 >= n || !enc_fill(e, i + 4, n, fa, &fused) || fused != 2 ||
		    fa[0] != op->u.lru.task || fa[1] || fa[2])
			return true;
		const struct zf_sc_alloc *rq = &op[6].u.alloc;
		if (op[6].type != ZF_SC_OP_ALLOC || rq->task != op->u.lru.task ||
		    rq->gfp != ZF_GFP_KERNEL || rq->order || rq->nid != -1 || rq->nodemask ||
		    rq->quiet || rq->has_expect || rq->at_yield.count ||
		    handle_index(rq->handle) != (int)e->nr_allocs + 1)
			return true;
		a[2] = (uint8_t)((a[2] & 0x0f) | (FILL_HIGHATOMIC_OOM << 4));
		*used = 7;
		return true;
	}
	if (!enc_fill_repeat(e, op, &cls))
		return false;
	const struct zf_sc_alloc *al = &e->sc->ops[op->u.repeat.ops.first].u.alloc;
	unsigned int st = fill_stage(e->g);
	a[0] = (uint8_t)al->task;
	a[1] = (uint8_t)(al->nid + 1);
	/* staged: the order-st repeat, then the order-0 one of the same request */
	if (i + 1 < n && al->order == st &&
	    op->u.repeat.times == fill_times(e->g, al->nid, st) - 1 &&
	    enc_fill_repeat(e, op + 1, &cls2)) {
		const struct zf_sc_alloc *a2 = &e->sc->ops[op[1].u.repeat.ops.first].u.alloc;
		if (a2->task == al->task && a2->gfp == al->gfp && a2->nid == al->nid &&
		    a2->order == 0 &&
		    op[1].u.repeat.times == fill_times(e->g, al->nid, st) + (1u << st)) {
			a[2] = (uint8_t)((unsigned int)cls << 4);
			*used = 2;
			return true;
		}
	}
	if (op->u.repeat.times != fill_times(e->g, al->nid, al->order) || al->order + 1 > 15)
		return false;
	a[2] = (uint8_t)((al->order + 1) | ((unsigned int)cls << 4));
	*used = 1;
	return true;
}

/*
 * ALLOC_RACE: ops[i..] are what decode_alloc_race() writes: an alloc of a
 * race_gfp request with one action at its first yield, after the set_task
 * its race implies and the task's staged fill (pressure). *used: the number
 * of ops it stands for.
 */
static bool enc_alloc_race(const struct enc *e, uint32_t i, uint32_t n, uint8_t a[3],
			   uint32_t *used)
{
	const struct zf_sc_op *op = &e->sc->ops[e->sc->program.first + i];
	const struct zf_sc_op *pre = NULL;
	uint32_t all = (1u << e->g->nodes) - 1;
	int race = -1, cls = -1;
	unsigned int arg = 0;
	uint32_t m = 0;

	uint32_t j = i;
	if (op->type == ZF_SC_OP_SET_TASK) {
		pre = op;
		j++;
	}
	/* the staged kernel fill of the task (FILL with zero arguments but the task) */
	uint8_t fa[3];
	uint32_t fused;
	if (j >= n || !enc_fill(e, j, n, fa, &fused) || fused != 2 || fa[1] || fa[2])
		return false;
	j += 2;
	if (j >= n)
		return false;
	op = &e->sc->ops[e->sc->program.first + j];
	const struct zf_sc_alloc *al = &op->u.alloc;
	if (op->type != ZF_SC_OP_ALLOC || al->at_yield.count != 1 || al->task < 0 || al->task > 2 ||
	    al->order > e->g->max_order || al->order > 3 || al->nid != -1 || al->nodemask ||
	    al->quiet || al->has_expect || handle_index(al->handle) != (int)e->nr_allocs ||
	    fa[0] != al->task)
		return false;
	for (int c = 0; c < 4 && cls < 0; c++)
		if (race_gfp[c] == al->gfp)
			cls = c;
	const struct zf_sc_yield *ye = &e->sc->yields[al->at_yield.first];
	if (cls < 0 || ye->nth != 1 || ye->ops.count != 1 ||
	    (unsigned int)ye->point >= ZF_NR_YIELD_POINTS)
		return false;
	const struct zf_sc_op *act = &e->sc->ops[ye->ops.first];
	if (act->type == ZF_SC_OP_SET_TASK) {
		const __typeof__(act->u.set_task) *st = &act->u.set_task;
		if (st->task != al->task || st->set || st->clear || st->has_oom_score_adj ||
		    st->has_mempolicy || !st->has_mems || !st->mems || (st->mems & ~all))
			return false;
		m = st->mems;
		arg =
		    m == 1 ? 0 : m; /* node 0 is the zero argument's meaning: the canonical form */
		race = 0;
		if (pre) {
			const __typeof__(pre->u.set_task) *ps = &pre->u.set_task;
			if (ps->task != al->task || ps->set || ps->clear || ps->has_oom_score_adj ||
			    ps->has_mems == ps->has_mempolicy ||
			    (ps->has_mems ? ps->mems : ps->mempolicy) != (all & ~m))
				return false;
			race = ps->has_mempolicy ? 1 : 0;
		}
		if (!!pre != !!(all & ~m))
			return false; /* the set_task before is there exactly when it is implied */
	} else if (act->type == ZF_SC_OP_OFFLINE_ZONE || act->type == ZF_SC_OP_ONLINE_ZONE) {
		if (pre || act->u.zone.has_racing_free || act->u.zone.node < 0 ||
		    (unsigned int)act->u.zone.node >= e->g->nodes || act->u.zone.zone < 0 ||
		    act->u.zone.zone >= ZF_MAX_NR_ZONES)
			return false;
		unsigned int sel;
		if (!populated_zone_sel(e->g, act->u.zone.node, act->u.zone.zone, &sel))
			return false;
		race = act->type == ZF_SC_OP_OFFLINE_ZONE ? 2 : 3;
		arg = (unsigned int)act->u.zone.node | (sel << 2);
	} else {
		return false;
	}
	a[0] = (uint8_t)((unsigned int)al->task | ((unsigned int)ye->point << 2));
	a[1] = (uint8_t)((unsigned int)cls | (al->order << 2));
	a[2] = (uint8_t)(((unsigned int)race << 6) | arg);
	*used = j - i + 1;
	return true;
}

static int encode_body(struct enc *e, struct zf_sc_range r, const char *path)
{
	char p[ZF_SC_PATH_LEN + 64];
	if (r.count < 1 || r.count > DEC_BODY)
		ENC_FAIL(e, "%s: 1-%d nested operations", path, DEC_BODY);
	for (uint32_t i = 0; i < r.count; i++) {
		const struct zf_sc_op *op = &e->sc->ops[r.first + i];
		snprintf(p, sizeof(p), "%s.ops[%u]", path, i);
		if (op->type == ZF_SC_OP_REPEAT ||
		    (op->type == ZF_SC_OP_ALLOC && op->u.alloc.at_yield.count))
			ENC_FAIL(e, "%s: no nesting inside a nested program", p);
		if (encode_simple(e, op, p))
			return -1;
	}
	return 0;
}

long zf_encode(enum zf_target_kind kind, const struct zf_scenario *sc, unsigned int walk_interval,
	       uint8_t *out, size_t cap, char *err, size_t errlen)
{
	struct enc e;
	uint8_t h[ZF_DEC_HEADER];
	bool found = false;
	char path[ZF_SC_PATH_LEN];

	memset(&e, 0, sizeof(e));
	e.err = err;
	e.errlen = errlen;
	if (kind == ZF_TARGET_SCENARIO || (unsigned int)kind >= ZF_NR_TARGETS)
		ENC_FAIL(&e, "target: %s inputs are JSON, not ops/v2", zf_target_name(kind));
	if (cap < ZF_DEC_HEADER)
		ENC_FAIL(&e, "output: buffer too small");
	if (sc->fail_page_alloc.enabled)
		ENC_FAIL(&e, "fail_page_alloc: fault injection is not in the ops/v2 format");

	/* the header whose configuration and tasks are the scenario's */
	for (unsigned int g = 0; g < NR_GEOMETRIES && !found; g++) {
		for (unsigned int sw = 0; sw < 4 && !found; sw++) {
			for (unsigned int t = 0; t < 32 && !found; t++) {
				struct zf_scenario tmp;
				h[0] = zf_decoder_geometry_byte(g);
				h[1] = (uint8_t)((unsigned int)sc->cfg.profile | (sw << 3));
				h[3] = (uint8_t)t;
				zf_scenario_init(&tmp);
				header_config(h, &tmp);
				found = cfg_equal(&tmp.cfg, &sc->cfg) && tasks_equal(&tmp, sc);
				zf_scenario_free(&tmp);
			}
		}
	}
	if (!found)
		ENC_FAIL(&e, "cfg/tasks: not one of the decoder's geometries and task sets "
			     "(start from `zonefuzz decode` output)");
	h[2] = 0;
	for (uint8_t i = 0; i < 4; i++)
		if (walk_intervals[i] == walk_interval)
			h[2] = i;
	memcpy(out, h, ZF_DEC_HEADER);
	e.len = ZF_DEC_HEADER;
	e.out = out;
	e.cap = cap;
	e.kind = kind;
	e.tab = &tables[kind];
	e.sc = sc;
	e.g = &geometries[geometry_of(h[0])];
	e.pages = geometry_pages(e.g);
	e.pb_pages = 1ULL << e.g->pageblock_order;
	e.nr_pageblocks = (e.pages + e.pb_pages - 1) / e.pb_pages;
	e.scale = e.pages / 256 ? e.pages / 256 : 1;

	uint32_t n = sc->program.count;
	const struct zf_sc_op *final_alloc = NULL, *final_set = NULL;
	if (kind == ZF_TARGET_GFP && n == 0)
		return (long)e.len; /* an input shorter than header + tail: nothing runs */
	if (kind == ZF_TARGET_GFP) {
		if (!n || sc->ops[sc->program.first + n - 1].type != ZF_SC_OP_ALLOC)
			ENC_FAIL(&e, "ops: the gfp target's program ends with its allocation");
		final_alloc = &sc->ops[sc->program.first + n - 1];
		n--;
		/* a set_task the tail's flag byte can express; any other stays a plain op */
		if (n && sc->ops[sc->program.first + n - 1].type == ZF_SC_OP_SET_TASK &&
		    sc->ops[sc->program.first + n - 1].u.set_task.task ==
			final_alloc->u.alloc.task &&
		    tail_flag_index(&sc->ops[sc->program.first + n - 1]) >= 0) {
			final_set = &sc->ops[sc->program.first + n - 1];
			n--;
		}
	}
	if (n > ZF_DEC_MAX_OPS)
		ENC_FAIL(&e, "ops: more than %d operations", ZF_DEC_MAX_OPS);
	for (uint32_t i = 0; i < n; i++) {
		const struct zf_sc_op *op = &sc->ops[sc->program.first + i];
		uint8_t a[3];
		int copc;
		snprintf(path, sizeof(path), "ops[%u]", i);
		/* the compound forms first: one op where the target has them */
		if ((copc = opcode_of(&e, D_HOTPLUG)) >= 0 && enc_hotplug(&e, i, n, a)) {
			if (emit(&e, (uint8_t)copc, a[0], a[1], a[2]))
				return -1;
			i++;
			continue;
		}
		uint32_t used;
		if ((copc = opcode_of(&e, D_ALLOC_RACE)) >= 0 &&
		    enc_alloc_race(&e, i, n, a, &used)) {
			if (emit(&e, (uint8_t)copc, a[0], a[1], a[2]))
				return -1;
			e.nr_allocs++;
			i += used - 1;
			continue;
		}
		if ((copc = opcode_of(&e, D_FILL)) >= 0 && enc_fill(&e, i, n, a, &used)) {
			if (emit(&e, (uint8_t)copc, a[0], a[1], a[2]))
				return -1;
			if (used >= 4)
				e.nr_allocs++; /* the reserve's atomic request */
			if (used == 7)
				e.nr_allocs++; /* and the request under pressure */
			i += used - 1;
			continue;
		}
		if (op->type == ZF_SC_OP_REPEAT) {
			int opc = opcode_of(&e, D_REPEAT);
			if (opc < 0 || op->u.repeat.times < 2 || op->u.repeat.times > 17)
				ENC_FAIL(&e, "%s: repeat 2-17 times (in targets that have it)",
					 path);
			if (emit(&e, (uint8_t)opc, (uint8_t)(op->u.repeat.times - 2), 0,
				 (uint8_t)(op->u.repeat.ops.count - 1)) ||
			    encode_body(&e, op->u.repeat.ops, path))
				return -1;
			continue;
		}
		if (encode_simple(&e, op, path))
			return -1;
		if (op->type == ZF_SC_OP_ALLOC && op->u.alloc.at_yield.count) {
			int opc = opcode_of(&e, D_YIELD);
			if (opc < 0 || op->u.alloc.at_yield.count > DEC_BODY)
				ENC_FAIL(&e, "%s.at_yield: 1-4 entries (in targets that have it)",
					 path);
			for (uint32_t y = 0; y < op->u.alloc.at_yield.count; y++) {
				const struct zf_sc_yield *ye =
				    &sc->yields[op->u.alloc.at_yield.first + y];
				char yp[ZF_SC_PATH_LEN + 32];
				snprintf(yp, sizeof(yp), "%s.at_yield[%u]", path, y);
				if (ye->nth < 1 || ye->nth > 4)
					ENC_FAIL(&e, "%s.nth: 1-4", yp);
				if (emit(&e, (uint8_t)opc, (uint8_t)ye->point,
					 (uint8_t)(ye->nth - 1), (uint8_t)(ye->ops.count - 1)) ||
				    encode_body(&e, ye->ops, yp))
					return -1;
			}
		}
	}
	if (final_alloc) {
		const struct zf_sc_alloc *al = &final_alloc->u.alloc;
		uint8_t t[8] = {0};
		if (al->task < 0 || al->task > 2 || al->order > e.g->max_order + 1 ||
		    al->nodemask || handle_index(al->handle) != (int)e.nr_allocs ||
		    al->at_yield.count)
			ENC_FAIL(&e, "ops[%u]: final allocation not encodable", n);
		t[0] = (uint8_t)(al->gfp & 0xff);
		t[1] = (uint8_t)((al->gfp >> 8) & 0xff);
		t[2] = (uint8_t)((al->gfp >> 16) & 0xff);
		t[3] = (uint8_t)(al->gfp >> 24);
		t[4] = (uint8_t)al->order;
		t[5] = (uint8_t)al->task;
		if (final_set) {
			const __typeof__(final_set->u.set_task) *st = &final_set->u.set_task;
			int fi = -1;
			for (size_t i = 0; i < NR_TASK_FLAGS; i++)
				if (st->set == task_flag_table[i])
					fi = (int)i;
			if (fi < 0 || st->clear || st->has_mems || st->has_mempolicy ||
			    st->has_oom_score_adj)
				ENC_FAIL(&e,
					 "ops[%u]: only one flag set before the final allocation",
					 n);
			t[6] = (uint8_t)(0x80 | fi);
		}
		if (al->nid >= 0) {
			if ((unsigned int)al->nid >= e.g->nodes)
				ENC_FAIL(&e, "ops[%u].nid: out of range", n);
			t[7] = (uint8_t)(0x80 | al->nid);
		}
		if (e.len + 8 > cap)
			ENC_FAIL(&e, "output: buffer too small");
		memcpy(out + e.len, t, 8);
		e.len += 8;
	}
	return (long)e.len;
}
