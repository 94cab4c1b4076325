// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_buddy.c - the buddy core (spec §4.4, §4.5, §4.8) and the
 * highatomic reserve (spec §4.6): splitting keeps the low chunk, freeing
 * merges maximally and stops at the ISOLATE boundary (B11 merges across),
 * tail placement, the 4.12 largest-first fallback (4.13 smallest for
 * movable), whole-block stealing, move_freepages_block's zone rules,
 * __isolate_free_page, the highatomic cap and counter (B8).
 *
 * Most cases start from an emptied zone so that every free block is one the
 * test placed; the expected numbers follow from the spec's rules.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/* default geometry: DMA [0,1024), DMA32 [1024,8192), NORMAL [8192,16384) */
#define NORMAL_START 8192u

static struct zf_machine *machine(enum zf_profile_id prof, uint32_t bugs)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.profile = prof;
	cfg.bugs = bugs;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static struct zone *normal(struct zf_machine *m)
{
	return &m->nodes[0].node_zones[ZONE_NORMAL];
}

static uint64_t list_len(struct zf_machine *m, struct zone *z, unsigned int order, int mt)
{
	uint64_t n = 0;

	for (uint32_t p = z->free_area[order].free_list[mt].head; p != ZF_NIL; p = m->pages[p].next)
		n++;
	return n;
}

static uint64_t pages_on_lists(struct zf_machine *m, struct zone *z, int mt)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o < m->max_order; o++)
		n += list_len(m, z, o, mt) << o;
	return n;
}

/* spec §11 items 1 and 4: nr_free matches the lists, NR_FREE(_CMA) the non-ISOLATE pages */
static bool counters_consistent(struct zf_machine *m, struct zone *z)
{
	uint64_t free = 0;

	for (unsigned int o = 0; o < m->max_order; o++) {
		uint64_t blocks = 0;

		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			blocks += list_len(m, z, o, mt);
		if (blocks != z->free_area[o].nr_free)
			return false;
	}
	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (mt != MIGRATE_ISOLATE)
			free += pages_on_lists(m, z, mt);
	return (int64_t)free == zone_page_state(z, NR_FREE_PAGES) &&
	       (int64_t)pages_on_lists(m, z, MIGRATE_CMA) == zone_page_state(z, NR_FREE_CMA_PAGES);
}

/* take every free block of the zone off the lists, as if allocated */
static void empty_zone(struct zf_machine *m, struct zone *z)
{
	for (unsigned int o = 0; o < m->max_order; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			while (z->free_area[o].free_list[mt].head != ZF_NIL) {
				uint32_t p = z->free_area[o].free_list[mt].head;

				del_from_free_area(m, z, p, o);
				if (mt != MIGRATE_ISOLATE)
					__mod_zone_page_state(z, NR_FREE_PAGES, -(1L << o));
				if (mt == MIGRATE_CMA)
					__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -(1L << o));
			}
}

struct ev_count {
	unsigned int n[ZF_NR_EVENTS];
	struct zf_event last[ZF_NR_EVENTS];
};

static void count_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ev_count *c = priv;

	(void)m;
	c->n[ev->type]++;
	c->last[ev->type] = *ev;
}

TEST(expand_keeps_low_chunk)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	uint64_t head, pfn, nr10;

	assert_true(m);
	z = normal(m);
	nr10 = z->free_area[10].nr_free;
	head = z->free_area[10].free_list[MIGRATE_MOVABLE].head;
	assert_true(head != ZF_NIL);
	assert_eq(z->free_area[0].nr_free, 0);

	pfn = __rmqueue_smallest(m, z, 0, MIGRATE_MOVABLE);
	/* the lowest-addressed chunk of the first order-10 block */
	expect_eq(pfn, head);
	expect_eq(m->pages[pfn].mt, MIGRATE_MOVABLE);
	expect_false(m->pages[pfn].flags & ZF_PG_BUDDY);
	expect_eq(z->free_area[10].nr_free, nr10 - 1);
	/* one remainder per order 0..9, at pfn + 2^o, on the request's list */
	for (unsigned int o = 0; o < 10; o++) {
		expect_eq(z->free_area[o].nr_free, 1);
		expect_eq(z->free_area[o].free_list[MIGRATE_MOVABLE].head, head + (1u << o));
		expect_eq(m->pages[head + (1u << o)].order, o);
	}
	/* the caller (rmqueue) accounts the allocation */
	__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	expect_true(counters_consistent(m, z));

	/* freeing it merges all the way back to one order-10 block (spec §4.8) */
	__free_one_page(m, pfn, z, 0, MIGRATE_MOVABLE);
	for (unsigned int o = 0; o < 10; o++)
		expect_eq(z->free_area[o].nr_free, 0);
	expect_eq(z->free_area[10].nr_free, nr10);
	expect_eq(m->pages[head].order, 10);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(merge_ignores_types_below_and_above_pageblock)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	set_pageblock_migratetype(m, b, MIGRATE_UNMOVABLE);
	/* the upper half arrives on the RECLAIMABLE list, the lower half as UNMOVABLE */
	__free_one_page(m, b + 512, z, 9, MIGRATE_RECLAIMABLE);
	__free_one_page(m, b, z, 9, MIGRATE_UNMOVABLE);
	/* no isolated block: the two pageblocks merge; the result goes to the freeing type */
	expect_eq(z->free_area[9].nr_free, 0);
	expect_eq(z->free_area[10].nr_free, 1);
	expect_eq(list_len(m, z, 10, MIGRATE_UNMOVABLE), 1);
	expect_eq(get_pageblock_migratetype(m, b + 512), MIGRATE_MOVABLE);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), 1024);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

static bool isolate_boundary_case(uint32_t bugs, bool *merged)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, bugs);
	struct zone *z;
	const uint64_t b = NORMAL_START;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	/* the lower pageblock is isolated (as set_migratetype_isolate leaves it) */
	set_pageblock_migratetype(m, b, MIGRATE_ISOLATE);
	z->nr_isolate_pageblock++;
	__free_one_page(m, b + 512, z, 9, MIGRATE_MOVABLE);
	__free_one_page(m, b, z, 9, MIGRATE_ISOLATE);
	/* the isolated half is not free memory */
	expect_eq(zone_page_state(z, NR_FREE_PAGES), 512);
	*merged = z->free_area[10].nr_free == 1;
	if (!*merged) {
		expect_eq(z->free_area[9].nr_free, 2);
		expect_eq(list_len(m, z, 9, MIGRATE_ISOLATE), 1);
		expect_eq(list_len(m, z, 9, MIGRATE_MOVABLE), 1);
		expect_true(counters_consistent(m, z));
	} else {
		/* B11: the block spans both and sits on the ISOLATE list, 512 free pages lost */
		expect_eq(list_len(m, z, 10, MIGRATE_ISOLATE), 1);
		expect_false(counters_consistent(m, z));
	}
	zf_machine_destroy(m);
	return true;
}

TEST(merge_stops_at_isolate_boundary)
{
	bool merged = true;

	assert_true(isolate_boundary_case(0, &merged));
	expect_false(merged);
	return true;
}

TEST(b11_merges_across_isolate_boundary)
{
	bool merged = false;

	assert_true(isolate_boundary_case(ZF_BUG_B11, &merged));
	expect_true(merged);
	return true;
}

TEST(tail_placement_when_next_buddy_free)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	const struct zf_list *l;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	/* an order-2 block at b+4: its order-3 buddy b is not free -> head */
	__free_one_page(m, b + 4, z, 2, MIGRATE_MOVABLE);
	/* an order-1 block at b+16 whose order-2 neighbour b+20 is not free -> head */
	__free_one_page(m, b + 16, z, 1, MIGRATE_MOVABLE);
	/* an order-1 block at b+2: the order-2 buddy of b (b+4) is free -> tail */
	__free_one_page(m, b + 2, z, 1, MIGRATE_MOVABLE);
	l = &z->free_area[1].free_list[MIGRATE_MOVABLE];
	expect_eq(l->head, b + 16);
	expect_eq(l->tail, b + 2);
	/* the order-1 block b completes b+2, then b+4: order 3 */
	__free_one_page(m, b, z, 1, MIGRATE_MOVABLE);
	expect_eq(m->pages[b].order, 3);
	expect_eq(z->free_area[3].nr_free, 1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

/* place an order-'o' free block at pfn on list mt with pageblock type pbt */
static void place(struct zf_machine *m, struct zone *z, uint64_t pfn, unsigned int o, int mt,
		  int pbt)
{
	set_pageblock_migratetype(m, pfn, pbt);
	__free_one_page(m, pfn, z, o, mt);
}

TEST(fallback_4_12_steals_largest)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START, c = NORMAL_START + 2048;
	struct ev_count ev;
	struct zf_hooks h = {.priv = &ev, .on_event = count_event};
	uint64_t pfn;

	assert_true(m);
	memset(&ev, 0, sizeof(ev));
	zf_machine_set_hooks(m, &h);
	z = normal(m);
	empty_zone(m, z);
	place(m, z, b, 10, MIGRATE_MOVABLE, MIGRATE_MOVABLE);
	place(m, z, c, 3, MIGRATE_MOVABLE, MIGRATE_MOVABLE);

	pfn = __rmqueue(m, z, 0, MIGRATE_UNMOVABLE);
	/* largest first: the order-10 block; >= pageblock_order takes both pageblocks */
	expect_eq(pfn, b);
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_UNMOVABLE);
	expect_eq(get_pageblock_migratetype(m, b + 512), MIGRATE_UNMOVABLE);
	expect_eq(pages_on_lists(m, z, MIGRATE_UNMOVABLE), 1023);
	expect_eq(list_len(m, z, 3, MIGRATE_MOVABLE), 1);
	expect_eq(ev.n[ZF_EV_EXTFRAG], 1);
	expect_eq(ev.last[ZF_EV_EXTFRAG].a, MIGRATE_MOVABLE); /* fallback type */
	expect_eq(ev.last[ZF_EV_EXTFRAG].b, 1);               /* ownership changed */
	__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

/* a MOVABLE order-0 request with only small UNMOVABLE blocks (order 3 at b, order 1 at c) */
static uint64_t small_movable_fallback(enum zf_profile_id prof, uint64_t *b, uint64_t *c)
{
	struct zf_machine *m = machine(prof, 0);
	struct zone *z;
	uint64_t pfn;

	if (!m)
		return ZF_NO_PAGE - 1;
	z = normal(m);
	*b = NORMAL_START;
	*c = NORMAL_START + 1024;
	empty_zone(m, z);
	place(m, z, *b, 3, MIGRATE_UNMOVABLE, MIGRATE_UNMOVABLE);
	place(m, z, *c, 1, MIGRATE_UNMOVABLE, MIGRATE_UNMOVABLE);
	pfn = __rmqueue(m, z, 0, MIGRATE_MOVABLE);
	/* a movable request cannot claim a block for orders < pageblock_order/2 */
	if (get_pageblock_migratetype(m, *b) != MIGRATE_UNMOVABLE ||
	    get_pageblock_migratetype(m, *c) != MIGRATE_UNMOVABLE)
		pfn = ZF_NO_PAGE - 2;
	__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	if (!counters_consistent(m, z))
		pfn = ZF_NO_PAGE - 3;
	zf_machine_destroy(m);
	return pfn;
}

TEST(fallback_movable_largest_vs_smallest)
{
	uint64_t b, c;

	/* 4.12: the largest (order 3) block is split */
	expect_eq(small_movable_fallback(ZF_PROFILE_4_12, &b, &c), b);
	/* 4.13: the smallest suitable (order 1) block is split instead */
	expect_true(zf_profile_get(ZF_PROFILE_4_13)->fallback_smallest);
	expect_eq(small_movable_fallback(ZF_PROFILE_4_13, &b, &c), c);
	return true;
}

TEST(steal_whole_block_by_free_and_alike)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	uint64_t pfn;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	/* MOVABLE block: 384 free pages (orders 8 and 7), 128 unmovable pages in use */
	place(m, z, b, 8, MIGRATE_MOVABLE, MIGRATE_MOVABLE);
	place(m, z, b + 256, 7, MIGRATE_MOVABLE, MIGRATE_MOVABLE);
	for (uint64_t p = b + 384; p < b + 512; p++)
		m->pages[p].flags = ZF_PG_HEAD;

	pfn = __rmqueue(m, z, 0, MIGRATE_UNMOVABLE);
	/* the order-8 buddy was chosen; all free pages moved; 384 + 128 alike >= 256: claimed */
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_UNMOVABLE);
	expect_eq(pages_on_lists(m, z, MIGRATE_MOVABLE), 0);
	/* the smallest UNMOVABLE block (order 7 at b+256) served the request */
	expect_eq(pfn, b + 256);
	__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(steal_moves_pages_but_keeps_block)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	uint64_t pfn;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	/* MOVABLE block: 128 free pages, 384 LRU (movable) pages in use */
	place(m, z, b, 7, MIGRATE_MOVABLE, MIGRATE_MOVABLE);
	for (uint64_t p = b + 128; p < b + 512; p++)
		m->pages[p].flags = ZF_PG_HEAD | ZF_PG_LRU;

	pfn = __rmqueue(m, z, 0, MIGRATE_UNMOVABLE);
	/* alike = 512 - 128 - 384 = 0, 128 < 256: the type stays, the pages moved */
	expect_eq(pfn, b);
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_MOVABLE);
	expect_eq(pages_on_lists(m, z, MIGRATE_UNMOVABLE), 127);
	__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(movable_steal_counts_lru_pages_alike)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	uint64_t pfn;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	/* UNMOVABLE block: 128 free pages, 256 LRU pages, 128 other used pages */
	place(m, z, b, 7, MIGRATE_UNMOVABLE, MIGRATE_UNMOVABLE);
	for (uint64_t p = b + 128; p < b + 384; p++)
		m->pages[p].flags = ZF_PG_HEAD | ZF_PG_LRU;
	for (uint64_t p = b + 384; p < b + 512; p++)
		m->pages[p].flags = ZF_PG_HEAD;
	/* order 4 >= pageblock_order/2: a movable request may claim the block */
	pfn = __rmqueue(m, z, 4, MIGRATE_MOVABLE);
	expect_eq(pfn, b);
	/* 128 free + 256 movable ("alike") >= 256 */
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_MOVABLE);
	__mod_zone_page_state(z, NR_FREE_PAGES, -16);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

static int steal_from_highatomic(uint32_t bugs)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, bugs);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	int mt;

	if (!m)
		return -1;
	z = normal(m);
	empty_zone(m, z);
	/* a HIGHATOMIC block whose free pages (order 8) sit on the MOVABLE list */
	place(m, z, b, 8, MIGRATE_MOVABLE, MIGRATE_HIGHATOMIC);
	z->nr_reserved_highatomic = 512;
	__rmqueue(m, z, 0, MIGRATE_UNMOVABLE);
	mt = get_pageblock_migratetype(m, b);
	zf_machine_destroy(m);
	return mt;
}

TEST(highatomic_block_never_stolen)
{
	expect_eq(steal_from_highatomic(0), MIGRATE_HIGHATOMIC);
	/* B8 reverts 88ed365ea227: 256 free pages, half the block, claim it */
	expect_eq(steal_from_highatomic(ZF_BUG_B8), MIGRATE_UNMOVABLE);
	return true;
}

TEST(move_freepages_block_zone_boundaries)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;
	struct zone *dma, *dma32;
	int movable = -1;

	zf_config_default(&cfg);
	cfg.zone_pages[0][ZONE_DMA] = 1000; /* DMA32 then starts inside pageblock [512, 1024) */
	m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m);
	dma = &m->nodes[0].node_zones[ZONE_DMA];
	dma32 = &m->nodes[0].node_zones[ZONE_DMA32];
	/* the block ends outside DMA: nothing moves */
	expect_eq(move_freepages_block(m, dma, 600, MIGRATE_UNMOVABLE, &movable), 0);
	expect_eq(movable, 0);
	expect_eq(pages_on_lists(m, dma, MIGRATE_UNMOVABLE), 0);
	/* the block starts outside DMA32: start at the page, 1000..1023 are free: 24 pages */
	expect_eq(move_freepages_block(m, dma32, 1000, MIGRATE_UNMOVABLE, &movable), 24);
	expect_eq(pages_on_lists(m, dma32, MIGRATE_UNMOVABLE), 24);
	/* the pageblock type and NR_FREE_PAGES do not change */
	expect_eq(get_pageblock_migratetype(m, 1000), MIGRATE_MOVABLE);
	expect_true(counters_consistent(m, dma32));
	zf_machine_destroy(m);
	return true;
}

TEST(move_freepages_counts_movable)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	int movable = -1;

	assert_true(m);
	z = normal(m);
	empty_zone(m, z);
	place(m, z, b + 64, 6, MIGRATE_MOVABLE, MIGRATE_MOVABLE);
	for (uint64_t p = b; p < b + 10; p++)
		m->pages[p].flags = ZF_PG_HEAD | ZF_PG_LRU;
	m->pages[b + 20].flags = ZF_PG_HEAD;                              /* not movable */
	m->pages[b + 21].flags = ZF_PG_HEAD | ZF_PG_LRU | ZF_PG_ISOLATED; /* off the LRU */
	expect_eq(move_freepages_block(m, z, b + 300, MIGRATE_RECLAIMABLE, &movable), 64);
	expect_eq(movable, 10);
	expect_eq(list_len(m, z, 6, MIGRATE_RECLAIMABLE), 1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(isolate_free_page_watermark_and_retype)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	uint64_t head, free0;

	assert_true(m);
	z = normal(m);
	head = z->free_area[10].free_list[MIGRATE_MOVABLE].head;
	set_pageblock_migratetype(m, head, MIGRATE_UNMOVABLE);
	set_pageblock_migratetype(m, head + 512, MIGRATE_HIGHATOMIC);
	free0 = (uint64_t)zone_page_state(z, NR_FREE_PAGES);
	/* fails unless free > min + 1024 (order-0 test with ALLOC_CMA) */
	z->watermark[WMARK_MIN] = free0 - 1024;
	expect_eq(__isolate_free_page(m, head, 10), 0);
	expect_true(m->pages[head].flags & ZF_PG_BUDDY);
	z->watermark[WMARK_MIN] = free0 - 1025;
	expect_eq(__isolate_free_page(m, head, 10), 1024);
	expect_false(m->pages[head].flags & ZF_PG_BUDDY);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), (int64_t)free0 - 1024);
	/* >= pageblock_order-1: covered blocks become MOVABLE, except HIGHATOMIC (4.10) */
	expect_eq(get_pageblock_migratetype(m, head), MIGRATE_MOVABLE);
	expect_eq(get_pageblock_migratetype(m, head + 512), MIGRATE_HIGHATOMIC);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

static uint64_t count_highatomic_blocks(struct zf_machine *m, struct zone *z)
{
	uint64_t n = 0;

	for (uint64_t p = z->zone_start_pfn; p < z->zone_start_pfn + z->spanned_pages;
	     p += m->pageblock_nr_pages)
		if (get_pageblock_migratetype(m, p) == MIGRATE_HIGHATOMIC)
			n++;
	return n;
}

TEST(highatomic_reserve_cap)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;

	assert_true(m);
	z = normal(m);
	/* cap = 8192/100 + 512 = 593 pages: two blocks fit (0 < 593, 512 < 593), not three */
	reserve_highatomic_pageblock(m, b, z, 1);
	expect_eq(z->nr_reserved_highatomic, 512);
	expect_eq(get_pageblock_migratetype(m, b), MIGRATE_HIGHATOMIC);
	/* move_freepages_block moved the whole order-10 buddy heading the block */
	expect_eq(pages_on_lists(m, z, MIGRATE_HIGHATOMIC), 1024);
	reserve_highatomic_pageblock(m, b, z, 1); /* already HIGHATOMIC: nothing */
	expect_eq(z->nr_reserved_highatomic, 512);
	reserve_highatomic_pageblock(m, b + 2048, z, 1);
	expect_eq(z->nr_reserved_highatomic, 1024);
	reserve_highatomic_pageblock(m, b + 4096, z, 1);
	expect_eq(z->nr_reserved_highatomic, 1024);
	expect_eq(count_highatomic_blocks(m, z) * 512, z->nr_reserved_highatomic);
	/* CMA and ISOLATE blocks are never reserved */
	z->nr_reserved_highatomic = 0;
	set_pageblock_migratetype(m, b + 4096, MIGRATE_ISOLATE);
	reserve_highatomic_pageblock(m, b + 4096, z, 1);
	expect_eq(z->nr_reserved_highatomic, 0);
	zf_machine_destroy(m);
	return true;
}

static struct alloc_context normal_ac(int mt)
{
	struct alloc_context ac;

	memset(&ac, 0, sizeof(ac));
	ac.zonelist_nid = 0;
	ac.zonelist_which = ZONELIST_FALLBACK;
	ac.nodemask = 0;
	ac.high_zoneidx = ZONE_NORMAL;
	ac.migratetype = mt;
	return ac;
}

TEST(highatomic_unreserve_keeps_one_unless_forced)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	struct alloc_context ac = normal_ac(MIGRATE_MOVABLE);

	assert_true(m);
	z = normal(m);
	reserve_highatomic_pageblock(m, b, z, 1);
	reserve_highatomic_pageblock(m, b + 2048, z, 1);
	assert_eq(z->nr_reserved_highatomic, 1024);

	expect_true(unreserve_highatomic_pageblock(m, &ac, false));
	expect_eq(z->nr_reserved_highatomic, 512);
	expect_eq(count_highatomic_blocks(m, z) * 512, z->nr_reserved_highatomic);
	/* the last block is kept without force */
	expect_false(unreserve_highatomic_pageblock(m, &ac, false));
	expect_eq(z->nr_reserved_highatomic, 512);
	expect_true(unreserve_highatomic_pageblock(m, &ac, true));
	expect_eq(z->nr_reserved_highatomic, 0);
	expect_eq(count_highatomic_blocks(m, z), 0);
	expect_eq(pages_on_lists(m, z, MIGRATE_HIGHATOMIC), 0);
	expect_false(unreserve_highatomic_pageblock(m, &ac, true));
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

/* the block's free pages on the HIGHATOMIC list, the block itself retyped meanwhile */
static uint64_t unreserve_retyped_block(uint32_t bugs)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, bugs);
	struct zone *z;
	const uint64_t b = NORMAL_START;
	struct alloc_context ac = normal_ac(MIGRATE_MOVABLE);
	uint64_t left;

	if (!m)
		return UINT64_MAX;
	z = normal(m);
	empty_zone(m, z);
	place(m, z, b + 1024, 8, MIGRATE_HIGHATOMIC, MIGRATE_HIGHATOMIC);
	place(m, z, b, 8, MIGRATE_HIGHATOMIC, MIGRATE_MOVABLE);
	z->nr_reserved_highatomic = 512; /* one block really is HIGHATOMIC */
	/* the HIGHATOMIC list holds b (a MOVABLE block) at its head */
	unreserve_highatomic_pageblock(m, &ac, true);
	left = z->nr_reserved_highatomic;
	zf_machine_destroy(m);
	return left;
}

TEST(highatomic_no_double_decrement)
{
	/* 4.12 decrements only for a block still typed HIGHATOMIC (4855e4a7f29d) */
	expect_eq(unreserve_retyped_block(0), 512);
	/* B8: the decrement happens anyway, the reserve counter undercounts */
	expect_eq(unreserve_retyped_block(ZF_BUG_B8), 0);
	return true;
}

ZF_TEST_MAIN("buddy", ZF_CASE(expand_keeps_low_chunk),
	     ZF_CASE(merge_ignores_types_below_and_above_pageblock),
	     ZF_CASE(merge_stops_at_isolate_boundary), ZF_CASE(b11_merges_across_isolate_boundary),
	     ZF_CASE(tail_placement_when_next_buddy_free), ZF_CASE(fallback_4_12_steals_largest),
	     ZF_CASE(fallback_movable_largest_vs_smallest),
	     ZF_CASE(steal_whole_block_by_free_and_alike),
	     ZF_CASE(steal_moves_pages_but_keeps_block),
	     ZF_CASE(movable_steal_counts_lru_pages_alike), ZF_CASE(highatomic_block_never_stolen),
	     ZF_CASE(move_freepages_block_zone_boundaries), ZF_CASE(move_freepages_counts_movable),
	     ZF_CASE(isolate_free_page_watermark_and_retype), ZF_CASE(highatomic_reserve_cap),
	     ZF_CASE(highatomic_unreserve_keeps_one_unless_forced),
	     ZF_CASE(highatomic_no_double_decrement))
