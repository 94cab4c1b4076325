/* SPDX-License-Identifier: MIT */
/*
 * test_machine.c - machine creation: configuration checks, the pfn layout,
 * the boot-time buddy lists and counters (spec §2), zonelists (spec §1.3),
 * copy/clone, the PRNG, name tables, profiles and planted-bug tables.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

static struct zf_machine *make(const struct zf_config *cfg)
{
	char err[256];
	struct zf_machine *m = zf_machine_create(cfg, err, sizeof(err));

	if (!m)
		fprintf(stderr, "  create failed: %s\n", err);
	return m;
}

/* Pages on the free lists of a zone, split into non-ISOLATE / CMA sums. */
static void free_list_pages(const struct zf_machine *m, int zid, uint64_t *counted, uint64_t *cma,
			    uint64_t *all)
{
	*counted = *cma = *all = 0;
	for (unsigned int o = 0; o < m->max_order; o++) {
		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
			uint64_t n = zf_inspect_list_len(m, zid, o, mt) << o;

			*all += n;
			if (mt != ZF_MIGRATE_ISOLATE)
				*counted += n;
			if (mt == ZF_MIGRATE_CMA)
				*cma += n;
		}
	}
}

/*
 * Every free block: head flagged BUDDY with its order, naturally aligned,
 * inside the zone's managed range, on the list of its pageblock's type,
 * covering pageblocks of one type; blocks do not overlap and together they
 * are the managed pages (spec §11 invariant 1).
 */
static bool check_boot_lists(const struct zf_machine *m, int zid, uint64_t *blocks)
{
	struct zf_zone_info zi;
	uint64_t total = 0, counted, cma, all;
	uint8_t *seen;

	assert_eq(zf_inspect_zone(m, zid, &zi), 0);
	seen = calloc(zi.spanned_pages ? zi.spanned_pages : 1, 1);
	assert_true(seen != NULL);
	*blocks = 0;
	for (unsigned int o = 0; o < m->max_order; o++) {
		uint64_t n = 0;

		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
			for (uint64_t pfn = zf_inspect_free_list_first(m, zid, o, mt);
			     pfn != ZF_NO_PAGE; pfn = zf_inspect_list_next(m, pfn)) {
				struct zf_page_info pi;
				uint64_t size = 1ULL << o;

				assert_eq(zf_inspect_page(m, pfn, &pi), 0);
				expect_true(pi.flags & ZF_PG_BUDDY);
				expect_eq(pi.order, o);
				expect_eq(pfn & (size - 1), 0);
				expect_true(pfn >=
					    zi.start_pfn + (zi.spanned_pages - zi.managed_pages));
				expect_true(pfn + size <= zi.start_pfn + zi.spanned_pages);
				expect_eq(pi.pageblock_mt, mt);
				expect_eq(zf_inspect_pageblock_mt(m, pfn + size - 1), mt);
				for (uint64_t i = 0; i < size; i++) {
					uint64_t off = pfn + i - zi.start_pfn;

					if (off < zi.spanned_pages) {
						expect_eq(seen[off], 0);
						seen[off] = 1;
					}
				}
				total += size;
				n++;
			}
		}
		expect_eq(n, zi.nr_free[o]);
		*blocks += n;
	}
	free(seen);
	expect_eq(total, zi.managed_pages);
	free_list_pages(m, zid, &counted, &cma, &all);
	expect_eq(zi.nr_free_pages, (int64_t)counted);
	expect_eq(zi.nr_free_cma, (int64_t)cma);
	return true;
}

TEST(default_layout)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_zone_info zi;
	struct zf_geometry g;
	static const uint64_t start[4] = {0, 1024, 8192, 16384};
	static const uint64_t size[4] = {1024, 7168, 8192, 0};
	static const char *const names[4] = {"DMA", "DMA32", "Normal", "Movable"};

	zf_config_default(&cfg);
	assert_true((m = make(&cfg)) != NULL);
	zf_inspect_geometry(m, &g);
	expect_eq(g.nr_nodes, 1);
	expect_eq(g.nr_cpus, 2);
	expect_eq(g.max_order, 11);
	expect_eq(g.pageblock_order, 9);
	expect_eq(g.nr_pages, 16384);
	expect_eq(g.swap_pages, 4096);
	for (int z = 0; z < 4; z++) {
		assert_eq(zf_inspect_zone(m, z, &zi), 0);
		expect_eq(zi.start_pfn, start[z]);
		expect_eq(zi.spanned_pages, size[z]);
		expect_eq(zi.present_pages, size[z]);
		expect_eq(zi.managed_pages, size[z]);
		expect_eq(zi.populated, size[z] != 0);
		expect_true(strcmp(zi.name, names[z]) == 0);
		/* every zone of the default geometry is whole MAX_ORDER blocks */
		expect_eq(zi.nr_free[10], size[z] / 1024);
		expect_eq(zi.nr_free_pages, (int64_t)size[z]);
		expect_true(zi.wmark[0] <= zi.wmark[1] && zi.wmark[1] <= zi.wmark[2]);
	}
	for (uint64_t pfn = 0; pfn < 16384; pfn += 511)
		expect_eq(zf_inspect_pfn_zone(m, pfn), pfn < 1024 ? 0 : pfn < 8192 ? 1 : 2);
	expect_eq(zf_inspect_pfn_zone(m, 16384), -1);
	/* memmap_init_zone(): every pageblock MOVABLE */
	for (uint64_t pfn = 0; pfn < 16384; pfn += 512)
		expect_eq(zf_inspect_pageblock_mt(m, pfn), ZF_MIGRATE_MOVABLE);
	/*
	 * min_free_kbytes = int_sqrt(lowmem_kbytes * 16) (spec §1.1) with
	 * lowmem_kbytes = 16384 pages * 4 KiB = 65536: sqrt(1048576) = 1024.
	 */
	expect_eq(m->min_free_kbytes, 1024);
	/* nr_free_buffer_pages = sum over zones <= NORMAL of managed - high */
	{
		uint64_t want = 0;

		for (int z = 0; z < 3; z++) {
			zf_inspect_zone(m, z, &zi);
			want += zi.managed_pages - zi.wmark[2];
		}
		expect_eq(nr_free_buffer_pages(m), want);
	}
	zf_machine_destroy(m);
	return true;
}

TEST(boot_state)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_task_info ti;
	struct zf_node_info ni;

	zf_config_default(&cfg);
	cfg.nr_cpus = 3;
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 4096;
	assert_true((m = make(&cfg)) != NULL);
	expect_eq(zf_current(m), -1);
	expect_eq(zf_alloc_depth(m), 0);
	expect_eq(zf_inspect_nr_tasks(m), 1);
	assert_eq(zf_inspect_task(m, 0, &ti), 0);
	expect_true(strcmp(ti.name, "init") == 0);
	expect_true(ti.alive);
	expect_eq(ti.cpu, 0);
	expect_eq(ti.mems_allowed, 3);
	expect_true(ti.flags & ZF_TASK_UNKILLABLE);
	expect_eq(zf_inspect_task(m, 1, &ti), -1);
	/* cpus round robin over the nodes */
	expect_eq(m->cpu_to_node[0], 0);
	expect_eq(m->cpu_to_node[1], 1);
	expect_eq(m->cpu_to_node[2], 0);
	for (int nid = 0; nid < 2; nid++) {
		assert_eq(zf_inspect_node(m, nid, &ni), 0);
		expect_true(ni.kswapd_sleeping);
		expect_false(ni.kswapd_woken);
		expect_eq(ni.kswapd_classzone_idx, ZF_MAX_NR_ZONES);
		expect_eq(ni.kcompactd_classzone_idx, ZF_MAX_NR_ZONES);
		expect_eq(ni.kswapd_failures, 0);
	}
	expect_eq(zf_inspect_node(m, 2, &ni), -1);
	expect_eq(m->total_swap_pages, 4096);
	expect_eq(m->nr_swap_pages, 4096);
	expect_eq(m->cfg.max_retries, 10000);
	/* compaction scanners start at the zone ends (4.12 zone init) */
	{
		struct zf_zone_info zi;

		assert_eq(zf_inspect_zone(m, 2, &zi), 0);
		expect_eq(zi.compact_cached_migrate_pfn[0], 8192);
		expect_eq(zi.compact_cached_migrate_pfn[1], 8192);
		expect_eq(zi.compact_cached_free_pfn, 16384 - 512);
		expect_eq(zi.compact_order_failed, 0);
		expect_eq(zi.compact_defer_shift, 0);
	}
	zf_machine_destroy(m);
	return true;
}

TEST(unaligned_zones_reserved_cma)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_zone_info zi;
	struct zf_page_info pi;
	uint64_t blocks;

	zf_config_default(&cfg);
	cfg.zone_pages[0][ZF_ZONE_DMA] = 1000;
	cfg.reserved_pages[0][ZF_ZONE_DMA] = 24;
	cfg.zone_pages[0][ZF_ZONE_DMA32] = 3001;
	cfg.zone_pages[0][ZF_ZONE_NORMAL] = 5003;
	cfg.cma_pages[0] = 700; /* rounded up to 2 pageblocks */
	assert_true((m = make(&cfg)) != NULL);
	/* 1024 + 3001 + 5003 = 9028 pfns, padded to a whole MAX_ORDER block */
	expect_eq(m->nr_pages, 9216);
	expect_eq(zf_inspect_pfn_zone(m, 9027), 2);
	expect_eq(zf_inspect_pfn_zone(m, 9028), -1);
	expect_eq(zf_inspect_pfn_zone(m, 9215), -1);

	assert_eq(zf_inspect_zone(m, 0, &zi), 0);
	expect_eq(zi.spanned_pages, 1024);
	expect_eq(zi.present_pages, 1024);
	expect_eq(zi.managed_pages, 1000);
	assert_eq(zf_inspect_page(m, 23, &pi), 0);
	expect_true(pi.flags & ZF_PG_RESERVED);
	assert_eq(zf_inspect_page(m, 24, &pi), 0);
	expect_false(pi.flags & ZF_PG_RESERVED);
	/* [24, 1024): 8 + 32 + 64 + 128 + 256 + 512 */
	assert_true(check_boot_lists(m, 0, &blocks));
	expect_eq(blocks, 6);
	expect_eq(zi.nr_free[3], 1);
	expect_eq(zi.nr_free[9], 1);

	/* DMA32 [1024, 4025): 1024 * 2, then 512, 256, 128, 32, 16, 8, 1 up to the end */
	assert_true(check_boot_lists(m, 1, &blocks));
	expect_eq(blocks, 9);

	/*
	 * NORMAL [4025, 9028): CMA is the last 2 whole pageblocks, [7680, 8704);
	 * pageblock 8704..9027 is partial and stays MOVABLE.
	 */
	assert_eq(zf_inspect_zone(m, 2, &zi), 0);
	expect_eq(zi.nr_free_cma, 1024);
	expect_eq(zf_inspect_pageblock_mt(m, 7679), ZF_MIGRATE_MOVABLE);
	expect_eq(zf_inspect_pageblock_mt(m, 7680), ZF_MIGRATE_CMA);
	expect_eq(zf_inspect_pageblock_mt(m, 8703), ZF_MIGRATE_CMA);
	expect_eq(zf_inspect_pageblock_mt(m, 8704), ZF_MIGRATE_MOVABLE);
	/* 7168 is MAX_ORDER aligned but [7168, 8192) would mix MOVABLE and CMA */
	expect_eq(zf_inspect_free_list_first(m, 2, 9, ZF_MIGRATE_CMA), 7680);
	expect_true(check_boot_lists(m, 2, &blocks));
	zf_machine_destroy(m);
	return true;
}

/*
 * With a cma block that falls on a MAX_ORDER boundary the blocks above
 * pageblock_order must still not mix types.
 */
TEST(cma_splits_max_order_block)
{
	struct zf_config cfg;
	struct zf_machine *m;
	uint64_t blocks;

	zf_config_default(&cfg);
	cfg.cma_pages[0] = 512;
	assert_true((m = make(&cfg)) != NULL);
	/* NORMAL [8192, 16384): last pageblock [15872, 16384) CMA */
	expect_eq(zf_inspect_free_list_first(m, 2, 9, ZF_MIGRATE_CMA), 15872);
	expect_eq(zf_inspect_list_len(m, 2, 9, ZF_MIGRATE_CMA), 1);
	expect_eq(zf_inspect_list_len(m, 2, 9, ZF_MIGRATE_MOVABLE), 1);
	expect_eq(zf_inspect_list_len(m, 2, 10, ZF_MIGRATE_MOVABLE), 7);
	expect_true(check_boot_lists(m, 2, &blocks));
	expect_eq(blocks, 9);
	zf_machine_destroy(m);
	return true;
}

TEST(zonelists)
{
	struct zf_config cfg;
	struct zf_machine *m;
	int ids[32], n;

	zf_config_default(&cfg);
	cfg.nr_nodes = 3;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 2048;
	cfg.zone_pages[1][ZF_ZONE_MOVABLE] = 1024;
	cfg.zone_pages[2][ZF_ZONE_NORMAL] = 1024;
	/* node 0 is nearer to node 2 than to node 1 */
	cfg.distance[0][1] = 30;
	cfg.distance[0][2] = 21;
	assert_true((m = make(&cfg)) != NULL);

	n = zf_inspect_zonelist(m, 0, false, ids, 32);
	assert_eq(n, 6);
	{
		static const int want[] = {2, 1, 0, 10, 7, 6};

		for (int i = 0; i < 6; i++)
			expect_eq(ids[i], want[i]);
		expect_eq(ids[6], -1);
	}
	/* node 1: itself, then nodes 0 and 2 at the default 20, ties by id */
	n = zf_inspect_zonelist(m, 1, false, ids, 32);
	assert_eq(n, 6);
	{
		static const int want[] = {7, 6, 2, 1, 0, 10};

		for (int i = 0; i < 6; i++)
			expect_eq(ids[i], want[i]);
	}
	n = zf_inspect_zonelist(m, 1, true, ids, 32);
	assert_eq(n, 2);
	expect_eq(ids[0], 7);
	expect_eq(ids[1], 6);
	n = zf_inspect_zonelist(m, 2, true, ids, 32);
	assert_eq(n, 1);
	expect_eq(ids[0], 10);
	zf_machine_destroy(m);
	return true;
}

struct ev_log {
	int n;
	struct zf_event last;
};

static void on_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ev_log *log = priv;

	(void)m;
	log->n++;
	log->last = *ev;
}

TEST(zonelist_rebuild_event)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct ev_log log = {0};
	struct zf_hooks h = {0};
	struct zf_node_info ni;
	uint32_t seq;

	zf_config_default(&cfg);
	assert_true((m = make(&cfg)) != NULL);
	zf_inspect_node(m, 0, &ni);
	seq = ni.zonelist_seq;
	h.priv = &log;
	h.on_event = on_event;
	zf_machine_set_hooks(m, &h);
	m->jiffies = 77;
	build_all_zonelists(m);
	zf_inspect_node(m, 0, &ni);
	expect_eq(ni.zonelist_seq, seq + 1);
	assert_eq(log.n, 1);
	expect_eq(log.last.type, ZF_EV_ZONELIST_REBUILD);
	expect_eq(log.last.task, -1);
	expect_eq(log.last.jiffies, 77);
	expect_eq(log.last.zone_id, -1);
	expect_true(strcmp(log.last.func, "build_all_zonelists") == 0);
	build_all_zonelists(m);
	expect_eq(log.last.seq, 1);
	zf_machine_set_hooks(m, NULL);
	build_all_zonelists(m);
	expect_eq(log.n, 2);
	zf_machine_destroy(m);
	return true;
}

/* 4.12 build_all_zonelists(): mobility grouping off below pageblock_nr_pages * MIGRATE_TYPES */
TEST(mobility_disabled_small)
{
	struct zf_config cfg;
	struct zf_machine *m;

	zf_config_kernel(&cfg, 0, 0, 2048); /* < 512 * 6 */
	assert_true((m = make(&cfg)) != NULL);
	expect_true(m->page_group_by_mobility_disabled);
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_HIGHUSER_MOVABLE), ZF_MIGRATE_UNMOVABLE);
	/* boot blocks are still MOVABLE: memmap_init runs before the decision */
	expect_eq(zf_inspect_pageblock_mt(m, 0), ZF_MIGRATE_MOVABLE);
	/* set_pageblock_migratetype() maps the pcp types to UNMOVABLE */
	set_pageblock_migratetype(m, 0, MIGRATE_RECLAIMABLE);
	expect_eq(get_pageblock_migratetype(m, 0), MIGRATE_UNMOVABLE);
	set_pageblock_migratetype(m, 0, MIGRATE_CMA);
	expect_eq(get_pageblock_migratetype(m, 0), MIGRATE_CMA);
	zf_machine_destroy(m);

	zf_config_kernel(&cfg, 0, 0, 3072);
	assert_true((m = make(&cfg)) != NULL);
	expect_false(m->page_group_by_mobility_disabled);
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_HIGHUSER_MOVABLE), ZF_MIGRATE_MOVABLE);
	zf_machine_destroy(m);
	return true;
}

TEST(pageblock_bits)
{
	struct zf_config cfg;
	struct zf_machine *m;

	zf_config_default(&cfg);
	assert_true((m = make(&cfg)) != NULL);
	set_pageblock_skip(m, 1000);
	expect_true(get_pageblock_skip(m, 512));
	expect_false(get_pageblock_skip(m, 1024));
	expect_eq(get_pageblock_migratetype(m, 600), MIGRATE_MOVABLE);
	set_pageblock_migratetype(m, 700, MIGRATE_ISOLATE);
	expect_eq(get_pageblock_migratetype(m, 512), MIGRATE_ISOLATE);
	expect_true(get_pageblock_skip(m, 512));
	clear_pageblock_skip(m, 512);
	expect_false(get_pageblock_skip(m, 1023));
	expect_eq(get_pageblock_migratetype(m, 1023), MIGRATE_ISOLATE);
	expect_eq(get_pageblock_migratetype(m, 1024), MIGRATE_MOVABLE);
	zf_machine_destroy(m);
	return true;
}

static bool cfg_rejected(struct zf_config *cfg, const char *field)
{
	char err[256] = "";
	struct zf_machine *m = zf_machine_create(cfg, err, sizeof(err));

	if (m) {
		zf_machine_destroy(m);
		fprintf(stderr, "  accepted a bad config (%s)\n", field);
		return false;
	}
	if (strncmp(err, field, strlen(field)) != 0) {
		fprintf(stderr, "  error \"%s\" does not name %s\n", err, field);
		return false;
	}
	return true;
}

TEST(config_validation)
{
	struct zf_config cfg;

#define REJECT(stmt, field)                                                                        \
	do {                                                                                       \
		zf_config_default(&cfg);                                                           \
		stmt;                                                                              \
		expect_true(cfg_rejected(&cfg, field));                                            \
	} while (0)
	REJECT(cfg.nr_nodes = 0, "nr_nodes");
	REJECT(cfg.nr_nodes = 5, "nr_nodes");
	REJECT(cfg.nr_cpus = 0, "nr_cpus");
	REJECT(cfg.nr_cpus = 17, "nr_cpus");
	REJECT(cfg.max_order = 12, "max_order");
	REJECT(cfg.max_order = 1, "max_order");
	REJECT(cfg.pageblock_order = 11, "pageblock_order");
	REJECT((cfg.max_order = 6, cfg.pageblock_order = 9), "pageblock_order");
	REJECT(cfg.profile = ZF_NR_PROFILES, "profile");
	REJECT(cfg.zone_pages[1][2] = 100, "zone_pages[1][2]");
	REJECT(cfg.reserved_pages[0][3] = 10, "reserved_pages[0][3]");
	REJECT(memset(cfg.zone_pages, 0, sizeof(cfg.zone_pages)), "zone_pages");
	REJECT(cfg.zone_pages[0][2] = 1ULL << 33, "zone_pages[0][2]");
	REJECT(cfg.cma_pages[0] = 8193, "cma_pages[0]");
	REJECT(cfg.cma_pages[1] = 512, "cma_pages[1]");
	REJECT((cfg.nr_nodes = 2, cfg.zone_pages[1][3] = 1024, cfg.cma_pages[1] = 512),
	       "cma_pages[1]");
	REJECT((cfg.nr_nodes = 2, cfg.distance[0][1] = 10), "distance[0][1]");
	REJECT((cfg.nr_nodes = 2, cfg.distance[1][1] = 20), "distance[1][1]");
	REJECT(cfg.watermark_scale_factor = 1001, "watermark_scale_factor");
	REJECT(cfg.percpu_pagelist_fraction = 4, "percpu_pagelist_fraction");
	REJECT(cfg.bugs = 1u << 20, "bugs");
#undef REJECT
	/* a valid edge: memoryless second node */
	zf_config_default(&cfg);
	cfg.nr_nodes = 2;
	{
		struct zf_machine *m = make(&cfg);

		expect_true(m != NULL);
		zf_machine_destroy(m);
	}
	expect_true(zf_machine_create(NULL, NULL, 0) == NULL);
	return true;
}

TEST(copy_and_clone)
{
	struct zf_config cfg;
	struct zf_machine *a, *b, *c;
	struct zf_hooks h = {0};
	struct ev_log log = {0};
	struct zf_zone_info za, zb;
	uint64_t first;

	zf_config_default(&cfg);
	cfg.seed = 42;
	assert_true((a = make(&cfg)) != NULL);
	assert_true((b = zf_machine_clone(a)) != NULL);
	expect_eq(zf_machine_state_bytes(a), zf_machine_state_bytes(b));
	expect_true(memcmp(a->pages, b->pages, a->nr_pages * sizeof(struct page)) == 0);
	expect_true(a->pages != b->pages);

	/* change b: take the first order-10 NORMAL block off its list */
	first = zf_inspect_free_list_first(b, 2, 10, ZF_MIGRATE_MOVABLE);
	assert_true(first != ZF_NO_PAGE);
	del_from_free_area(b, zone_by_id(b, 2), first, 10);
	__mod_zone_page_state(zone_by_id(b, 2), NR_FREE_PAGES, -1024);
	set_pageblock_skip(b, first);
	zf_prng_next(b);
	zf_inspect_zone(a, 2, &za);
	zf_inspect_zone(b, 2, &zb);
	expect_eq(za.nr_free_pages, 8192);
	expect_eq(zb.nr_free_pages, 8192 - 1024);
	expect_eq(za.nr_free[10], 8);
	expect_eq(zb.nr_free[10], 7);
	expect_false(get_pageblock_skip(a, first));

	/* reset b from a: identical state again, b keeps its hooks */
	h.priv = &log;
	h.on_event = on_event;
	zf_machine_set_hooks(b, &h);
	assert_eq(zf_machine_copy(b, a), 0);
	expect_true(b->hooks.on_event == on_event);
	expect_true(b->hooks.priv == &log);
	expect_true(a->hooks.on_event == NULL);
	zf_inspect_zone(b, 2, &zb);
	expect_eq(zb.nr_free_pages, 8192);
	expect_eq(zb.nr_free[10], 8);
	expect_false(get_pageblock_skip(b, first));
	expect_true(memcmp(a->pages, b->pages, a->nr_pages * sizeof(struct page)) == 0);
	expect_eq(zf_prng_next(a), zf_prng_next(b));

	/* a clone has no hooks */
	assert_true((c = zf_machine_clone(b)) != NULL);
	expect_true(c->hooks.on_event == NULL);
	zf_machine_destroy(c);

	/* other geometry: refused */
	cfg.zone_pages[0][2] = 4096;
	assert_true((c = make(&cfg)) != NULL);
	expect_eq(zf_machine_copy(c, a), -1);
	expect_eq(zf_machine_copy(a, c), -1);
	zf_machine_destroy(c);
	zf_machine_destroy(b);
	zf_machine_destroy(a);
	return true;
}

/*
 * The per-cpu state (pagesets, CPU contexts) is sized from cfg.nr_cpus, not
 * ZF_MAX_CPUS: a 2^12-page machine stays within 24 bytes of state per page
 * (docs/benchmarks-model.md), more CPUs cost more bytes, and a copy between
 * machines with different CPU counts takes the source's pagesets.
 */
TEST(state_sized_from_config)
{
	struct zf_config cfg;
	struct zf_machine *a, *b;
	struct zf_alloc_request req = {
	    .task = 0, .gfp = ZF_GFP_KERNEL, .order = 0, .preferred_nid = -1};
	struct zf_alloc_result res;
	struct zf_pcp_info pa, pb;

	/* bench/bench_model.c's 2^12 machine: DMA 1024, DMA32 1024, NORMAL 2048, 2 CPUs */
	zf_config_kernel(&cfg, 1024, 1024, 2048);
	assert_true((a = make(&cfg)) != NULL);
	expect_eq(a->nr_pages, 4096);
	expect_true(zf_machine_state_bytes(a) <= 24 * a->nr_pages);
	cfg.nr_cpus = 16;
	assert_true((b = make(&cfg)) != NULL);
	expect_true(zf_machine_state_bytes(b) > zf_machine_state_bytes(a));
	zf_machine_destroy(b);
	zf_machine_destroy(a);

	/* the default machine's NORMAL zone keeps freed pages on its pcp lists (high 6) */
	zf_config_default(&cfg);
	assert_true((a = make(&cfg)) != NULL);
	cfg.nr_cpus = 16;
	assert_true((b = make(&cfg)) != NULL);
	assert_eq(zf_alloc_pages(a, &req, &res), 0);
	assert_eq(zf_free_pages(a, 0, res.pfn, 0), 0);
	assert_eq(zf_inspect_pcp(a, 0, res.zone_id, &pa), 0);
	expect_true(pa.count > 0);

	/* 16-CPU b becomes 2-CPU a: the same pagesets, no CPU 2 any more */
	assert_eq(zf_machine_copy(b, a), 0);
	expect_eq(b->nr_cpus, 2);
	expect_eq(zf_machine_state_bytes(b), zf_machine_state_bytes(a));
	assert_eq(zf_inspect_pcp(b, 0, res.zone_id, &pb), 0);
	expect_eq(pb.count, pa.count);
	expect_eq(zf_inspect_pcp(b, 2, res.zone_id, &pb), -1);
	/* and b allocates from them */
	assert_eq(zf_alloc_pages(b, &req, &res), 0);
	assert_eq(zf_inspect_pcp(b, 0, res.zone_id, &pb), 0);
	expect_eq(pb.count, pa.count - 1);
	zf_machine_destroy(b);
	zf_machine_destroy(a);
	return true;
}

TEST(prng)
{
	struct zf_config cfg;
	struct zf_machine *a, *b;

	zf_config_default(&cfg);
	cfg.seed = 0;
	assert_true((a = make(&cfg)) != NULL);
	/* splitmix64 reference outputs for seed 0 */
	expect_true(zf_prng_next(a) == 0xe220a8397b1dcdafULL);
	expect_true(zf_prng_next(a) == 0x6e789e6aa1b965f4ULL);
	cfg.seed = 1234;
	assert_true((b = make(&cfg)) != NULL);
	expect_true(zf_prng_next(b) != zf_prng_next(a));
	zf_machine_destroy(a);
	zf_machine_destroy(b);
	return true;
}

TEST(huge_machine)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_zone_info zi;

	/*
	 * 2^24 pages = 64 GiB. Its boot time is a benchmark figure
	 * (bench/bench_model.c, docs/benchmarks-model.md), never a test verdict.
	 */
	zf_config_kernel(&cfg, 4096, (1u << 20) - 4096, (1u << 24) - (1u << 20));
	m = make(&cfg);
	assert_true(m != NULL);
	expect_eq(m->nr_pages, 1u << 24);
	expect_true(zf_machine_state_bytes(m) <= 24 * m->nr_pages);
	assert_eq(zf_inspect_zone(m, 2, &zi), 0);
	expect_eq(zi.nr_free[10], ((1u << 24) - (1u << 20)) / 1024);
	expect_eq(zi.nr_free_pages, (1 << 24) - (1 << 20));
	/* int_sqrt(2^24 pages * 4 KiB * 16) = 2^15, inside the [128, 65536] clamp */
	expect_eq(m->min_free_kbytes, 32768);
	zf_machine_destroy(m);
	return true;
}

TEST(names)
{
	expect_true(strcmp(zf_event_name(ZF_EV_ALLOC_BEGIN), "ALLOC_BEGIN") == 0);
	expect_true(strcmp(zf_event_name(ZF_EV_FAULT_INJECT), "FAULT_INJECT") == 0);
	expect_true(strcmp(zf_event_name(ZF_NR_EVENTS), "?") == 0);
	expect_true(strcmp(zf_slowpath_label_name(ZF_LABEL_RETRY_CPUSET), "retry_cpuset") == 0);
	expect_true(strcmp(zf_slowpath_label_name(ZF_LABEL_GOT_PG), "got_pg") == 0);
	expect_true(strcmp(zf_slowpath_goto_name(ZF_GOTO_RETRY_NOFAIL), "RETRY_NOFAIL") == 0);
	expect_true(
	    strcmp(zf_slowpath_goto_doc(ZF_GOTO_NOPAGE_NORETRY), "__GFP_NORETRY -> nopage") == 0);
	expect_true(strcmp(zf_compact_result_name(ZF_COMPACT_SKIPPED), "COMPACT_SKIPPED") == 0);
	expect_true(strcmp(zf_compact_result_name(ZF_COMPACT_SUCCESS), "COMPACT_SUCCESS") == 0);
	expect_true(strcmp(zf_oom_skip_name(ZF_OOM_SKIP_COSTLY), "SKIP_COSTLY") == 0);
	expect_true(strcmp(zf_vmstat_name(ZF_VM_pgalloc_dma), "pgalloc_dma") == 0);
	expect_true(strcmp(zf_vmstat_name(ZF_VM_writeback_completed), "writeback_completed") == 0);
	expect_true(strcmp(zf_yield_point_name(ZF_YIELD_BEFORE_OOM), "BEFORE_OOM") == 0);
	{
		static const char *const mt[] = {"Unmovable",  "Movable", "Reclaimable",
						 "HighAtomic", "CMA",     "Isolate"};
		static const char letters[] = "UMEHCI";

		for (int i = 0; i < ZF_MIGRATE_TYPES; i++) {
			expect_true(strcmp(zf_migratetype_name(i), mt[i]) == 0);
			expect_eq(zf_migratetype_letter(i), letters[i]);
		}
		expect_eq(zf_migratetype_letter(6), '?');
	}
	return true;
}

TEST(profiles_and_bugs)
{
	enum zf_profile_id p;
	uint32_t bug = 0;
	const struct zf_profile *pr;

	assert_eq(zf_profile_parse("4.13", &p), 0);
	expect_eq(p, ZF_PROFILE_4_13);
	assert_eq(zf_profile_parse("v6.1", &p), 0);
	expect_eq(p, ZF_PROFILE_6_1);
	expect_eq(zf_profile_parse("4.16", &p), -1);
	expect_true(strcmp(zf_profile_name(ZF_PROFILE_5_9), "5.9") == 0);
	/* 4.12 is the baseline: only the 4.9..4.14 stall warning */
	pr = zf_profile_get(ZF_PROFILE_4_12);
	expect_true(pr->stall_warning);
	expect_false(pr->retry_mayfail || pr->check_retry_cpuset || pr->alloc_oom ||
		     pr->pcp_count_clamp || pr->zonelist_seq || pr->max_order_at_entry ||
		     pr->fallback_smallest || pr->retry_nodemask_null);
	pr = zf_profile_get(ZF_PROFILE_4_14);
	expect_true(pr->stall_warning && pr->retry_mayfail && pr->alloc_oom);
	expect_false(pr->pcp_count_clamp);
	pr = zf_profile_get(ZF_PROFILE_4_15);
	expect_false(pr->stall_warning);
	expect_true(pr->alloc_oom && pr->fallback_smallest);
	pr = zf_profile_get(ZF_PROFILE_5_9);
	expect_true(pr->pcp_count_clamp && pr->max_order_at_entry && pr->check_retry_cpuset);
	expect_false(pr->zonelist_seq);
	pr = zf_profile_get(ZF_PROFILE_6_1);
	expect_true(pr->zonelist_seq && pr->pcp_count_clamp && pr->alloc_oom);
	expect_true(zf_profile_get(ZF_NR_PROFILES) == NULL);

	assert_eq(zf_bug_parse("B11", &bug), 0);
	expect_eq(bug, ZF_BUG_B11);
	assert_eq(zf_bug_parse("b23", &bug), 0);
	expect_eq(bug, ZF_BUG_B23);
	expect_eq(zf_bug_parse("B1", &bug), -1);
	expect_eq(zf_bug_parse("B111", &bug), -1);
	expect_eq(zf_bug_parse("11", &bug), -1);
	{
		static const char *const all[] = {"B3",  "B4",  "B5",  "B6",  "B8", "B11",
						  "B12", "B17", "B18", "B21", "B23"};
		uint32_t seen = 0;

		for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
			assert_eq(zf_bug_parse(all[i], &bug), 0);
			expect_true(strcmp(zf_bug_name(bug), all[i]) == 0);
			expect_true(zf_bug_description(bug) != NULL);
			expect_eq(seen & bug, 0);
			seen |= bug;
		}
	}
	expect_true(zf_bug_name(ZF_BUG_B3 | ZF_BUG_B4) == NULL);
	return true;
}

ZF_TEST_MAIN("machine", ZF_CASE(default_layout), ZF_CASE(boot_state),
	     ZF_CASE(unaligned_zones_reserved_cma), ZF_CASE(cma_splits_max_order_block),
	     ZF_CASE(zonelists), ZF_CASE(zonelist_rebuild_event), ZF_CASE(mobility_disabled_small),
	     ZF_CASE(pageblock_bits), ZF_CASE(config_validation), ZF_CASE(copy_and_clone),
	     ZF_CASE(state_sized_from_config), ZF_CASE(prng), ZF_CASE(huge_machine), ZF_CASE(names),
	     ZF_CASE(profiles_and_bugs))
