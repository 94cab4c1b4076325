// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_isolation.c - pageblock isolation of 4.12
 * (mm/page_isolation.c): accounting (isolated free pages leave
 * NR_FREE_PAGES, spec §2), has_unmovable_pages' rules, the pcp drain,
 * test_pages_isolated, the roll-back of a failed range, the re-merge on
 * undo across the ISOLATE boundary (spec §4.8; B11 merges too early), and
 * the public zf_isolate_range / zf_unisolate_range.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/* default geometry: DMA [0,1024), DMA32 [1024,8192), NORMAL [8192,16384) */
#define NORMAL_START 8192u

static struct zf_machine *machine(uint32_t bugs)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.bugs = bugs;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static struct zone *zone(struct zf_machine *m, int idx)
{
	return &m->nodes[0].node_zones[idx];
}

static uint64_t pages_on_lists(struct zf_machine *m, struct zone *z, int mt)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o < m->max_order; o++)
		for (uint32_t p = z->free_area[o].free_list[mt].head; p != ZF_NIL;
		     p = m->pages[p].next)
			n += 1ULL << o;
	return n;
}

static bool counters_consistent(struct zf_machine *m, struct zone *z)
{
	uint64_t free = 0;

	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (mt != MIGRATE_ISOLATE)
			free += pages_on_lists(m, z, mt);
	return (int64_t)free == zone_page_state(z, NR_FREE_PAGES);
}

/* spec §11 item 7 (4.12): ISOLATE lists hold exactly the free pages of ISOLATE blocks */
static bool isolate_lists_match_blocks(struct zf_machine *m, struct zone *z)
{
	for (unsigned int o = 0; o < m->max_order; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			for (uint32_t p = z->free_area[o].free_list[mt].head; p != ZF_NIL;
			     p = m->pages[p].next)
				for (uint64_t q = p; q < p + (1ULL << o);
				     q += m->pageblock_nr_pages)
					if ((get_pageblock_migratetype(m, q) == MIGRATE_ISOLATE) !=
					    (mt == MIGRATE_ISOLATE))
						return false;
	return true;
}

struct ev_count {
	unsigned int n[ZF_NR_EVENTS];
};

static void count_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	(void)m;
	((struct ev_count *)priv)->n[ev->type]++;
}

TEST(public_range_isolate_and_undo)
{
	struct zf_machine *m = machine(0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	struct ev_count ev;
	struct zf_hooks h = {.priv = &ev, .on_event = count_event};
	int64_t free0;
	uint64_t nr10;

	assert_true(m);
	memset(&ev, 0, sizeof(ev));
	zf_machine_set_hooks(m, &h);
	z = zone(m, ZONE_NORMAL);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	nr10 = z->free_area[10].nr_free;

	/* not pageblock-aligned, empty, or past the end: refused */
	expect_eq(zf_isolate_range(m, b + 1, 512), -1);
	expect_eq(zf_isolate_range(m, b, 100), -1);
	expect_eq(zf_isolate_range(m, b, 0), -1);
	expect_eq(zf_isolate_range(m, 16384, 512), -1);

	/* one pageblock asked; widened to MAX_ORDER_NR_PAGES as alloc_contig_range does */
	expect_eq(zf_isolate_range(m, b + 512, 512), 0);
	expect_eq(z->nr_isolate_pageblock, 2);
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_ISOLATE);
	expect_eq(get_pageblock_migratetype(m, b + 512), MIGRATE_ISOLATE);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0 - 1024);
	expect_eq(pages_on_lists(m, z, MIGRATE_ISOLATE), 1024);
	expect_eq(test_pages_isolated(m, b, b + 1024), 0);
	expect_eq(ev.n[ZF_EV_ISOLATE_RANGE], 1);
	expect_true(counters_consistent(m, z));
	expect_true(isolate_lists_match_blocks(m, z));
	/* a second isolator of the same range is refused */
	expect_eq(zf_isolate_range(m, b, 512), -1);

	expect_eq(zf_unisolate_range(m, b, 1024), 0);
	expect_eq(ev.n[ZF_EV_UNISOLATE_RANGE], 1);
	expect_eq(z->nr_isolate_pageblock, 0);
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_MOVABLE);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0);
	expect_eq(z->free_area[10].nr_free, nr10);
	expect_eq(test_pages_isolated(m, b, b + 1024), -1);
	expect_true(counters_consistent(m, z));
	expect_true(isolate_lists_match_blocks(m, z));
	zf_machine_destroy(m);
	return true;
}

/*
 * Block b isolated while its order-9 half is allocated and the upper half
 * b+512 is free; then the half at b is freed. Returns the order of the free
 * block at b after the free (9: stopped at the boundary) and checks undo.
 */
static int boundary_then_undo(uint32_t bugs)
{
	struct zf_machine *m = machine(bugs);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	int order;

	if (!m)
		return -1;
	z = zone(m, ZONE_NORMAL);
	/* "allocate" the order-10 block at b, free its upper half back */
	del_from_free_area(m, z, b, 10);
	__mod_zone_page_state(z, NR_FREE_PAGES, -1024);
	__free_one_page(m, b + 512, z, 9, MIGRATE_MOVABLE);

	if (start_isolate_page_range(m, b, b + 512, MIGRATE_MOVABLE))
		return -2;
	/* __free_pages_ok: the pageblock type is ISOLATE now */
	__free_pages_ok(m, b, 9);
	order = m->pages[b].order;
	if (!bugs) {
		expect_eq(order, 9);
		expect_eq(test_pages_isolated(m, b, b + 512), 0);
		expect_true(counters_consistent(m, z));
		expect_true(isolate_lists_match_blocks(m, z));
		/* undo: the order-9 buddy heading the block is re-freed and merges */
		undo_isolate_page_range(m, b, b + 512, MIGRATE_MOVABLE);
		expect_eq(m->pages[b].order, 10);
		expect_true(m->pages[b].flags & ZF_PG_BUDDY);
		expect_eq(m->pages[b].mt, MIGRATE_MOVABLE);
		expect_eq(z->nr_isolate_pageblock, 0);
		expect_true(counters_consistent(m, z));
		expect_true(isolate_lists_match_blocks(m, z));
	} else {
		/* B11: merged with the normal half; its 512 counted pages vanished */
		expect_false(counters_consistent(m, z));
		expect_false(isolate_lists_match_blocks(m, z));
	}
	zf_machine_destroy(m);
	return order;
}

TEST(undo_remerges_across_boundary)
{
	expect_eq(boundary_then_undo(0), 9);
	expect_eq(boundary_then_undo(ZF_BUG_B11), 10);
	return true;
}

/* DMA32's order-10 block at 2048 taken out; page 2053 marked with flags */
static int isolate_with_page(int block_mt, uint16_t flags, bool skip_hwpoisoned, int *mt_after)
{
	struct zf_machine *m = machine(0);
	struct zone *z;
	const uint64_t c = 2048;
	int ret;

	if (!m)
		return -99;
	z = zone(m, ZONE_DMA32);
	del_from_free_area(m, z, c, 10);
	__mod_zone_page_state(z, NR_FREE_PAGES, -1024);
	set_pageblock_migratetype(m, c, block_mt);
	m->pages[c + 5].flags = flags;
	ret = set_migratetype_isolate(m, c, skip_hwpoisoned);
	*mt_after = get_pageblock_migratetype(m, c);
	expect_eq(z->nr_isolate_pageblock, ret ? 0 : 1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return ret;
}

TEST(has_unmovable_pages_rules)
{
	int mt;

	/* an allocated non-LRU page in an UNMOVABLE block: -EBUSY, nothing changes */
	expect_eq(isolate_with_page(MIGRATE_UNMOVABLE, ZF_PG_HEAD, true, &mt), -1);
	expect_eq(mt, MIGRATE_UNMOVABLE);
	/* an LRU page is movable */
	expect_eq(isolate_with_page(MIGRATE_UNMOVABLE, ZF_PG_HEAD | ZF_PG_LRU, true, &mt), 0);
	expect_eq(mt, MIGRATE_ISOLATE);
	/* an LRU page isolated by compaction has left the LRU: unmovable */
	expect_eq(isolate_with_page(MIGRATE_RECLAIMABLE, ZF_PG_HEAD | ZF_PG_LRU | ZF_PG_ISOLATED,
				    true, &mt),
		  -1);
	/* 4.12 does not look inside MOVABLE (or CMA) blocks at all */
	expect_eq(isolate_with_page(MIGRATE_MOVABLE, ZF_PG_HEAD, true, &mt), 0);
	expect_eq(mt, MIGRATE_ISOLATE);
	/* hwpoisoned pages block isolation unless skipped */
	expect_eq(isolate_with_page(MIGRATE_UNMOVABLE, ZF_PG_HWPOISON, true, &mt), 0);
	expect_eq(isolate_with_page(MIGRATE_UNMOVABLE, ZF_PG_HWPOISON, false, &mt), -1);
	/* a page on a pcp list has refcount 0 */
	expect_eq(isolate_with_page(MIGRATE_UNMOVABLE, ZF_PG_PCP, false, &mt), 0);
	return true;
}

TEST(isolation_drains_pcp_pages)
{
	struct zf_machine *m = machine(0);
	struct zone *z;
	struct per_cpu_pages *pcp;
	const uint64_t b = NORMAL_START;
	int64_t free0;

	assert_true(m);
	z = zone(m, ZONE_NORMAL);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	pcp = zone_pcp(m, z, 1);
	/* cpu 1 holds b .. b+batch-1 on its list */
	pcp->count += rmqueue_bulk(m, z, 0, pcp->batch, &pcp->lists[MIGRATE_MOVABLE],
				   MIGRATE_MOVABLE, false, 1);
	assert_true(pcp->count > 0);
	expect_eq(start_isolate_page_range(m, b, b + 512, MIGRATE_MOVABLE), 0);
	expect_eq(pcp->count, 0);
	expect_eq(zone_page_state(z, NR_PCP), 0);
	/* the whole block is free on the ISOLATE list, merged up to the block */
	expect_eq(pages_on_lists(m, z, MIGRATE_ISOLATE), 512);
	expect_eq(m->pages[b].order, 9);
	expect_eq(test_pages_isolated(m, b, b + 512), 0);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0 - 512);
	expect_true(counters_consistent(m, z));
	expect_true(isolate_lists_match_blocks(m, z));
	undo_isolate_page_range(m, b, b + 512, MIGRATE_MOVABLE);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0);
	expect_eq(m->pages[b].order, 10);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(test_pages_isolated_sees_used_pages)
{
	struct zf_machine *m = machine(0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	uint64_t p;

	assert_true(m);
	z = zone(m, ZONE_NORMAL);
	/* an order-0 page in use inside a MOVABLE block: isolation succeeds ... */
	p = __rmqueue(m, z, 0, MIGRATE_MOVABLE);
	assert_eq(p, b);
	__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	m->pages[p].flags = ZF_PG_HEAD;
	expect_eq(start_isolate_page_range(m, b, b + 512, MIGRATE_MOVABLE), 0);
	/* ... but the range is not free yet */
	expect_eq(test_pages_isolated(m, b, b + 512), -1);
	expect_true(counters_consistent(m, z));
	/* once it is freed (to the buddy directly: the block is ISOLATE) the range is */
	m->pages[p].flags = 0;
	free_hot_cold_page(m, p, false);
	expect_eq(test_pages_isolated(m, b, b + 512), 0);
	expect_eq(zone_pcp(m, z, 0)->count, 0);
	expect_true(counters_consistent(m, z));
	expect_true(isolate_lists_match_blocks(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(failed_range_rolls_back)
{
	struct zf_machine *m = machine(0);
	struct zone *z;
	const uint64_t c = 2048;
	int64_t free0;

	assert_true(m);
	z = zone(m, ZONE_DMA32);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	/* second block of [c, c+1024) is UNMOVABLE and holds an unmovable page */
	set_pageblock_migratetype(m, c + 512, MIGRATE_UNMOVABLE);
	del_from_free_area(m, z, c, 10);
	__mod_zone_page_state(z, NR_FREE_PAGES, -1024);
	free0 -= 1024;
	__free_one_page(m, c, z, 9, MIGRATE_MOVABLE);
	free0 += 512;
	m->pages[c + 600].flags = ZF_PG_HEAD;
	expect_eq(start_isolate_page_range(m, c, c + 1024, MIGRATE_MOVABLE), -1);
	expect_eq(z->nr_isolate_pageblock, 0);
	expect_eq(get_pageblock_migratetype(m, c), MIGRATE_MOVABLE);
	expect_eq(get_pageblock_migratetype(m, c + 512), MIGRATE_UNMOVABLE);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0);
	expect_eq(pages_on_lists(m, z, MIGRATE_ISOLATE), 0);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("isolation", ZF_CASE(public_range_isolate_and_undo),
	     ZF_CASE(undo_remerges_across_boundary), ZF_CASE(has_unmovable_pages_rules),
	     ZF_CASE(isolation_drains_pcp_pages), ZF_CASE(test_pages_isolated_sees_used_pages),
	     ZF_CASE(failed_range_rolls_back))
