// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_snapshot.c - allocator/snapshot.c: captured watermarks and
 * reserves set on a zone, and free areas shaped to buddyinfo block counts.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"
#include "zonefuzz/snapshot.h"

/* DMA 4096 + DMA32 61440 pages: DMA32 is pfns 4096..65535, 60 whole order-10 blocks */
static struct zf_machine *make(void)
{
	struct zf_config cfg;
	char err[128];

	zf_config_kernel(&cfg, 4096, 61440, 0);
	return zf_machine_create(&cfg, err, sizeof(err));
}

static uint64_t buddy_pages(const struct zone *z, unsigned int max_order)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o < max_order; o++)
		n += z->free_area[o].nr_free << o;
	return n;
}

/* spec §11 item 2: no free block has a free buddy of its own order (below MAX_ORDER-1) */
static bool merged_maximally(struct zf_machine *m, struct zone *z)
{
	for (unsigned int o = 0; o + 1 < m->max_order; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			for (uint32_t p = z->free_area[o].free_list[mt].head; p != ZF_NIL;
			     p = m->pages[p].next) {
				uint64_t b = __find_buddy_pfn(p, o);

				if (zone_spans_pfn(z, b) && PageBuddy(&m->pages[b]) &&
				    m->pages[b].order == o)
					return false;
			}
	return true;
}

TEST(shape_exact_counts)
{
	struct zf_machine *m = make();
	struct zone *z;
	static const uint64_t want[ZF_MAX_ORDER_MAX] = {3, 2, 4, 2, 5, 4, 4, 4, 5, 3, 20};
	uint64_t want_pages = 0, pgalloc;

	assert_true(m != NULL);
	z = zone_by_id(m, ZONE_DMA32);
	pgalloc = m->vmstat[ZF_VM_pgalloc_dma32];
	for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++)
		want_pages += want[o] << o;
	assert_eq(zf_machine_shape_free_area(m, ZONE_DMA32, want), 0);
	for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++)
		expect_eq(z->free_area[o].nr_free, want[o]);
	expect_eq(buddy_pages(z, m->max_order), want_pages);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), (int64_t)want_pages);
	/* conservation (docs/model-contract.md): the rest is allocated */
	expect_eq(zone_page_state(z, NR_ALLOCATED), (int64_t)(z->managed_pages - want_pages));
	expect_true(merged_maximally(m, z));
	/* not a workload allocation */
	expect_eq(m->vmstat[ZF_VM_pgalloc_dma32], pgalloc);
	/* the other zone is untouched */
	expect_eq(zone_page_state(zone_by_id(m, ZONE_DMA), NR_ALLOCATED), 0);
	zf_machine_destroy(m);
	return true;
}

/* the taken pages are task 0's allocations and can be given back normally */
TEST(shaped_pages_are_allocations)
{
	struct zf_machine *m = make();
	struct zone *z;
	static const uint64_t want[ZF_MAX_ORDER_MAX] = {1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 59};
	uint64_t pfn, freed = 0;

	assert_true(m != NULL);
	z = zone_by_id(m, ZONE_DMA32);
	assert_eq(zf_machine_shape_free_area(m, ZONE_DMA32, want), 0);
	/* one order-10 block holds the order-0 page; the other 1023 pages are allocated */
	expect_eq(zone_page_state(z, NR_ALLOCATED), 1023);
	for (pfn = z->zone_start_pfn; pfn < z->zone_start_pfn + z->spanned_pages; pfn++) {
		const struct page *p = &m->pages[pfn];

		if (p->flags & ZF_PG_HEAD) {
			expect_eq(p->owner, 0);
			assert_eq(zf_free_pages(m, 0, pfn, p->order), 0);
			freed++;
		}
	}
	expect_true(freed > 0);
	expect_eq(zone_page_state(z, NR_ALLOCATED), 0);
	zf_machine_destroy(m);
	return true;
}

/* 100 order-10 blocks do not fit in 60: 40 are reported short */
TEST(shape_too_many)
{
	struct zf_machine *m = make();
	uint64_t want[ZF_MAX_ORDER_MAX] = {0};

	assert_true(m != NULL);
	want[10] = 100;
	expect_eq(zf_machine_shape_free_area(m, ZONE_DMA32, want), 40);
	expect_eq(zone_by_id(m, ZONE_DMA32)->free_area[10].nr_free, 60);
	zf_machine_destroy(m);
	return true;
}

TEST(shape_bad_input)
{
	struct zf_machine *m = make();
	uint64_t want[ZF_MAX_ORDER_MAX] = {0};

	assert_true(m != NULL);
	expect_eq(zf_machine_shape_free_area(m, -1, want), -1);
	expect_eq(zf_machine_shape_free_area(m, ZONE_NORMAL, want), -1); /* not populated */
	expect_eq(zf_machine_shape_free_area(m, ZONE_DMA32, NULL), -1);
	expect_eq(zf_machine_shape_free_area_owner(m, ZONE_DMA32, want, 40), -1); /* no task */
	zf_machine_destroy(m);
	return true;
}

TEST(override_zone)
{
	struct zf_machine *m = make();
	struct zf_zone_info zi;
	const uint64_t wm[3] = {100, 200, 300}, bad[3] = {300, 200, 100};
	uint64_t lr[ZF_MAX_NR_ZONES] = {0, 0, 0, 0}, lr_bad[ZF_MAX_NR_ZONES] = {0, 7, 0, 0};

	assert_true(m != NULL);
	lr[ZONE_DMA32] = 1234;
	lr[ZONE_NORMAL] = 1234;
	expect_eq(zf_machine_override_zone(m, ZONE_DMA, bad, NULL), -1);
	/* DMA's reserve against itself must stay 0 ... DMA32's against DMA32 too */
	expect_eq(zf_machine_override_zone(m, ZONE_DMA32, wm, lr_bad), -1);
	assert_eq(zf_machine_override_zone(m, ZONE_DMA, wm, lr), 0);
	assert_eq(zf_inspect_zone(m, ZONE_DMA, &zi), 0);
	expect_eq(zi.wmark[0], 100);
	expect_eq(zi.wmark[1], 200);
	expect_eq(zi.wmark[2], 300);
	expect_eq(zi.lowmem_reserve[ZONE_DMA32], 1234);
	expect_eq(zi.lowmem_reserve[ZONE_NORMAL], 1234);
	/* spec §3.2: totalreserve = sum of min(managed, high + max reserve) */
	expect_eq(m->totalreserve_pages,
		  300 + 1234 + high_wmark_pages(zone_by_id(m, ZONE_DMA32)) +
		      zone_by_id(m, ZONE_DMA32)->lowmem_reserve[ZONE_MOVABLE]);
	expect_eq(zf_machine_override_zone(m, ZONE_NORMAL, wm, NULL), -1);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("snapshot", ZF_CASE(shape_exact_counts), ZF_CASE(shaped_pages_are_allocations),
	     ZF_CASE(shape_too_many), ZF_CASE(shape_bad_input), ZF_CASE(override_zone))
