// SPDX-License-Identifier: MIT
/*
 * test_inspect.c - zf_inspect_pages(), the bulk page read of the oracles'
 * O(pages) walks (allocator/include/zonefuzz/inspect.h): for every pfn it
 * must say what zf_inspect_page() says (flags, order, cached migratetype,
 * owner, zone, -1 in a hole), in any chunk size, and stop at the end of the
 * pfn space. And the allocation context's zonelist and the free swap count
 * that ZF_INV_COMPACTION's compaction_zonelist_suitable() reads.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/*
 * A machine with every kind of pfn: a hole (the padding after an unaligned
 * NORMAL), reserved pages, CMA pageblocks, free blocks, pcp pages, allocated
 * heads and tails of several orders with owners, LRU pages.
 */
static struct zf_machine *varied_machine(void)
{
	struct zf_config cfg;
	char err[256] = "";

	zf_config_default(&cfg);
	cfg.zone_pages[0][ZF_ZONE_DMA] = 1000;
	cfg.reserved_pages[0][ZF_ZONE_DMA] = 24;
	cfg.zone_pages[0][ZF_ZONE_DMA32] = 3001;
	/* 16384 pages or more: a pcp batch above 0, so freed pages stay on the pcp lists */
	cfg.zone_pages[0][ZF_ZONE_NORMAL] = 16387;
	cfg.cma_pages[0] = 700;
	struct zf_machine *m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "  zf_machine_create: %s\n", err);
		return NULL;
	}
	struct zf_task_config tc = {.name = "a", .cpu = 0, .flags = 0};
	int t = zf_task_create(m, &tc);
	if (t < 0)
		return m;
	zf_lru_fill(m, t, ZF_LRU_FILE, 40, 0);
	zf_lru_fill(m, t, ZF_LRU_ANON, 30, 0);
	static const zf_gfp_t gfps[] = {ZF_GFP_KERNEL, ZF_GFP_HIGHUSER_MOVABLE,
					ZF_GFP_KERNEL | ZF_GFP_DMA32, ZF_GFP_KERNEL | ZF_GFP_DMA};
	uint64_t pfns[24];
	for (unsigned int i = 0; i < 24; i++) {
		struct zf_alloc_request req = {.task = t,
					       .gfp = gfps[i % 4],
					       .order = i % 5,
					       .preferred_nid = -1,
					       .nodemask = 0};
		struct zf_alloc_result res;
		pfns[i] = zf_alloc_pages(m, &req, &res) == 0 ? res.pfn : ZF_NO_PAGE;
	}
	/* order-0 frees (last) go to the pcp lists; the others back to the buddy */
	for (unsigned int i = 1; i < 24; i += 3)
		if (pfns[i] != ZF_NO_PAGE && i % 5)
			zf_free_pages(m, t, pfns[i], i % 5);
	for (unsigned int i = 0; i < 24; i += 5)
		if (pfns[i] != ZF_NO_PAGE)
			zf_free_pages(m, t, pfns[i], i % 5);
	return m;
}

static bool same_page(const struct zf_machine *m, uint64_t pfn, const struct zf_page_state *ps)
{
	struct zf_page_info pi;

	if (zf_inspect_page(m, pfn, &pi) != 0)
		return false;
	return pi.flags == ps->flags && pi.order == ps->order &&
	       pi.migratetype == ps->migratetype && pi.owner == ps->owner &&
	       pi.zone_id == ps->zone_id;
}

/* Every chunk size reads every pfn as zf_inspect_page() does. */
TEST(inspect_pages_matches_inspect_page)
{
	struct zf_machine *m = varied_machine();
	static const uint64_t chunks[] = {1, 7, 64, 256, 1000, UINT64_MAX};
	unsigned int kinds = 0;

	assert_true(m != NULL);
	uint64_t nr = m->nr_pages;
	struct zf_page_state *ps = malloc(nr * sizeof(*ps));
	assert_true(ps != NULL);
	for (size_t c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
		uint64_t base = 0, n, bad = 0;
		while ((n = zf_inspect_pages(m, base, chunks[c], ps)) != 0) {
			expect_true(n <= chunks[c]);
			for (uint64_t i = 0; i < n; i++) {
				if (!same_page(m, base + i, &ps[i]))
					bad++;
				kinds |= ps[i].zone_id < 0 ? 1u : 0;
				kinds |= (ps[i].flags & ZF_PG_RESERVED) ? 2u : 0;
				kinds |= (ps[i].flags & ZF_PG_BUDDY) ? 4u : 0;
				kinds |= (ps[i].flags & ZF_PG_PCP) ? 8u : 0;
				kinds |= (ps[i].flags & ZF_PG_HEAD) && ps[i].order ? 16u : 0;
				kinds |= (ps[i].flags & ZF_PG_TAIL) ? 32u : 0;
				kinds |= (ps[i].flags & ZF_PG_LRU) ? 64u : 0;
				kinds |= ps[i].owner >= 0 ? 128u : 0;
			}
			base += n;
		}
		expect_eq(bad, 0);
		expect_eq(base, nr);
	}
	/* the machine had every kind of page the walks classify */
	expect_eq(kinds, 255);
	free(ps);
	zf_machine_destroy(m);
	return true;
}

/* The end of the pfn space: a short last chunk, nothing past it. */
TEST(inspect_pages_bounds)
{
	struct zf_machine *m = varied_machine();
	struct zf_page_state ps[16];

	assert_true(m != NULL);
	uint64_t nr = m->nr_pages;
	memset(ps, 0xa5, sizeof(ps));
	expect_eq(zf_inspect_pages(m, nr - 3, 16, ps), 3);
	expect_true(same_page(m, nr - 1, &ps[2]));
	/* nothing written past the pages filled */
	expect_eq(ps[3].flags, 0xa5a5);
	expect_eq(zf_inspect_pages(m, nr, 16, ps), 0);
	expect_eq(zf_inspect_pages(m, nr + 5, 1, ps), 0);
	expect_eq(zf_inspect_pages(m, ZF_NO_PAGE, 1, ps), 0);
	expect_eq(zf_inspect_pages(m, 0, 0, ps), 0);
	zf_machine_destroy(m);
	return true;
}

/* What a hook saw of the allocation in progress at the first buddy take. */
struct ctx_hook {
	bool seen;
	struct zf_alloc_ctx_info ci;
};

static void ctx_hook_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ctx_hook *h = priv;
	if (!h->seen && (ev->type == ZF_EV_GPFF_ZONE_OK || ev->type == ZF_EV_GPFF_TRY_ZONE)) {
		zf_inspect_alloc_ctx(m, &h->ci);
		h->seen = true;
	}
}

/*
 * zf_alloc_ctx_info.zonelist_nid / zonelist_nofallback name ac->zonelist
 * (node_zonelist(preferred nid, gfp): NOFALLBACK for __GFP_THISNODE), -1
 * outside an allocation; zf_inspect_nr_swap_pages() is the free swap count.
 */
TEST(inspect_alloc_ctx_zonelist_and_swap)
{
	struct zf_config cfg;
	char err[256] = "";
	zf_config_default(&cfg);
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 4096;
	cfg.nr_cpus = 2;
	cfg.swap_pages = 321;
	struct zf_machine *m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m != NULL);
	struct zf_task_config tc = {.name = "a", .cpu = 0, .flags = 0};
	int t = zf_task_create(m, &tc);
	assert_true(t >= 0);

	struct zf_alloc_ctx_info ci;
	zf_inspect_alloc_ctx(m, &ci);
	expect_false(ci.active);
	expect_eq(ci.zonelist_nid, -1);
	expect_eq(zf_inspect_nr_swap_pages(m), 321);
	m->nr_swap_pages = 7;
	expect_eq(zf_inspect_nr_swap_pages(m), 7);

	static const struct {
		int nid;
		zf_gfp_t gfp;
		int want_nid;
		bool nofallback;
	} cases[] = {
	    {-1, ZF_GFP_KERNEL, 0, false},
	    {1, ZF_GFP_KERNEL, 1, false},
	    {1, ZF_GFP_KERNEL | ZF_GFP_THISNODE, 1, true},
	};
	for (unsigned int i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ctx_hook h = {.seen = false};
		struct zf_hooks hk = {.priv = &h, .on_event = ctx_hook_fn};
		zf_machine_set_hooks(m, &hk);
		struct zf_alloc_request req = {
		    .task = t, .gfp = cases[i].gfp, .order = 0, .preferred_nid = cases[i].nid};
		struct zf_alloc_result res;
		expect_eq(zf_alloc_pages(m, &req, &res), 0);
		expect_true(h.seen);
		expect_true(h.ci.active);
		expect_eq(h.ci.zonelist_nid, cases[i].want_nid);
		expect_eq(h.ci.zonelist_nofallback, cases[i].nofallback);
	}
	zf_machine_destroy(m);
	return true;
}

/* zf_inspect_node_lru(): the sum of the node's zones' lru[] (should_continue_reclaim's read). */
TEST(inspect_node_lru_sums_the_zones)
{
	struct zf_machine *m = varied_machine();
	uint64_t lru[4], want[4] = {0, 0, 0, 0};

	assert_true(m != NULL);
	for (int z = 0; z < ZF_MAX_NR_ZONES; z++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, z, &zi) == 0)
			for (int l = 0; l < 4; l++)
				want[l] += zi.lru[l];
	}
	assert_eq(zf_inspect_node_lru(m, 0, lru), 0);
	for (int l = 0; l < 4; l++)
		expect_eq(lru[l], want[l]);
	expect_true(lru[0] + lru[1] + lru[2] + lru[3] > 0); /* the machine has LRU pages */
	expect_eq(zf_inspect_node_lru(m, 5, lru), -1);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("inspect", ZF_CASE(inspect_pages_matches_inspect_page), ZF_CASE(inspect_pages_bounds),
	     ZF_CASE(inspect_alloc_ctx_zonelist_and_swap), ZF_CASE(inspect_node_lru_sums_the_zones))
