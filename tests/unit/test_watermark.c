// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_watermark.c - spec §3: the Appendix A watermarks, lowmem
 * reserves, totalreserve and pcp sizes, the min_free_kbytes default, and
 * __zone_watermark_ok's rules (signed "<=", HIGH halving then HARDER
 * quarter: GFP_ATOMIC keeps 37.5% of min; highatomic and CMA deductions;
 * the high-order free-list test with 4.12's ALLOC_HARDER quirk), plus the
 * zone_watermark_fast order-0 shortcut and zone_watermark_ok_safe.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

static struct zf_machine *machine(uint64_t dma, uint64_t dma32, uint64_t normal,
				  long min_free_kbytes)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_kernel(&cfg, dma, dma32, normal);
	cfg.min_free_kbytes = min_free_kbytes;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static struct zone *zone(struct zf_machine *m, int idx)
{
	return &m->nodes[0].node_zones[idx];
}

TEST(appendix_a_watermarks_and_reserves)
{
	/* Appendix A: min_free_kbytes 11584 -> pages_min 2896, lowmem 2,000,000 pages */
	struct zf_machine *m = machine(3976, 740000, 1256024, 11584);
	struct zone *dma, *dma32, *nrm;

	assert_true(m);
	dma = zone(m, ZONE_DMA);
	dma32 = zone(m, ZONE_DMA32);
	nrm = zone(m, ZONE_NORMAL);
	expect_eq(m->min_free_kbytes, 11584);

	expect_eq(nrm->watermark[WMARK_MIN], 1818);
	expect_eq(nrm->watermark[WMARK_LOW], 3074);
	expect_eq(nrm->watermark[WMARK_HIGH], 4330);
	expect_eq(dma32->watermark[WMARK_MIN], 1071);
	expect_eq(dma32->watermark[WMARK_LOW], 1811);
	expect_eq(dma32->watermark[WMARK_HIGH], 2551);
	expect_eq(dma->watermark[WMARK_MIN], 5);
	expect_eq(dma->watermark[WMARK_LOW], 8);
	expect_eq(dma->watermark[WMARK_HIGH], 11);

	/* lowmem_reserve with ratios 256, 256, 32; an empty MOVABLE adds nothing */
	expect_eq(dma->lowmem_reserve[ZONE_DMA], 0);
	expect_eq(dma->lowmem_reserve[ZONE_DMA32], 2890);
	/* (740000 + 1256024) / 256 = 7796.97: the kernel floors (Appendix A rounds to 7797) */
	expect_eq(dma->lowmem_reserve[ZONE_NORMAL], 7796);
	expect_eq(dma->lowmem_reserve[ZONE_MOVABLE], 7796);
	expect_eq(dma32->lowmem_reserve[ZONE_DMA], 0);
	expect_eq(dma32->lowmem_reserve[ZONE_DMA32], 0);
	expect_eq(dma32->lowmem_reserve[ZONE_NORMAL], 4906);
	expect_eq(nrm->lowmem_reserve[ZONE_NORMAL], 0);
	expect_eq(nrm->lowmem_reserve[ZONE_MOVABLE], 0);

	/* totalreserve: DMA min(3976, 11 + 7796), DMA32 2551 + 4906, NORMAL 4330 + 0 */
	expect_eq(m->totalreserve_pages, 3976 + 7457 + 4330);

	/* pcp (NORMAL): batch 31, high 186; DMA: batch 0 -> high 0, batch 1 */
	expect_eq(zone_pcp(m, nrm, 0)->batch, 31);
	expect_eq(zone_pcp(m, nrm, 0)->high, 186);
	expect_eq(zone_pcp(m, dma, 0)->high, 0);
	expect_eq(zone_pcp(m, dma, 0)->batch, 1);
	expect_eq(nrm->percpu_drift_mark, 0);

	/* the highatomic cap of NORMAL is 1256024/100 + 512 = 13072 pages */
	expect_eq(nrm->managed_pages / 100 + m->pageblock_nr_pages, 13072);

	/*
	 * A GFP_KERNEL order-0 request (classzone NORMAL) falling back to DMA32
	 * needs free > 1071 + 4906 at MIN.
	 */
	expect_true(__zone_watermark_ok(dma32, 0, min_wmark_pages(dma32), ZONE_NORMAL, 0, 5978,
					m->max_order));
	expect_false(__zone_watermark_ok(dma32, 0, min_wmark_pages(dma32), ZONE_NORMAL, 0, 5977,
					 m->max_order));
	zf_machine_destroy(m);
	return true;
}

TEST(ratio_below_one_forced_to_one)
{
	struct zf_machine *m = machine(3976, 740000, 1256024, 11584);

	assert_true(m);
	m->lowmem_reserve_ratio[ZONE_DMA32] = 0;
	setup_per_zone_lowmem_reserve(m);
	expect_eq(m->lowmem_reserve_ratio[ZONE_DMA32], 1);
	expect_eq(zone(m, ZONE_DMA32)->lowmem_reserve[ZONE_NORMAL], 1256024);
	expect_eq(zone(m, ZONE_DMA)->lowmem_reserve[ZONE_NORMAL], 7796);
	zf_machine_destroy(m);
	return true;
}

TEST(min_free_kbytes_default)
{
	/* lowmem 2,000,000 pages = 8,000,000 KiB; int_sqrt(128,000,000) = 11313 */
	struct zf_machine *m = machine(3976, 740000, 1256024, -1);
	struct zone *nrm;

	assert_true(m);
	expect_eq(m->min_free_kbytes, 11313);
	/* pages_min 2828: NORMAL min = 2828 * 1256024 / 2000000 = 1776 */
	nrm = zone(m, ZONE_NORMAL);
	expect_eq(nrm->watermark[WMARK_MIN], 1776);
	zf_machine_destroy(m);

	/* default geometry: 16384 pages = 65536 KiB; int_sqrt(1048576) = 1024 */
	m = machine(1024, 7168, 8192, -1);
	assert_true(m);
	expect_eq(m->min_free_kbytes, 1024);
	zf_machine_destroy(m);
	return true;
}

TEST(gap_quarter_of_min_on_small_zones)
{
	/* pages_min 16384 over 16384 pages: NORMAL min 8192, gap max(8192/4, 8) = 2048 */
	struct zf_machine *m = machine(1024, 7168, 8192, 65536);
	struct zone *z;

	assert_true(m);
	z = zone(m, ZONE_NORMAL);
	expect_eq(z->watermark[WMARK_MIN], 8192);
	expect_eq(z->watermark[WMARK_LOW], 8192 + 2048);
	expect_eq(z->watermark[WMARK_HIGH], 8192 + 4096);
	/* DMA: min 1024, gap max(256, 1024 * 10 / 10000 = 1) */
	expect_eq(zone(m, ZONE_DMA)->watermark[WMARK_LOW], 1024 + 256);
	zf_machine_destroy(m);
	return true;
}

TEST(watermark_discounts)
{
	struct zf_machine *m = machine(3976, 740000, 1256024, 11584);
	struct zone *z;
	const unsigned int mo = 11;

	assert_true(m);
	z = zone(m, ZONE_NORMAL);
	/* "<=": free must exceed min + reserve */
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, 1819, mo));
	expect_false(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, 1818, mo));
	/* ALLOC_HIGH: min - min/2 = 909 */
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HIGH, 910, mo));
	expect_false(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HIGH, 909, mo));
	/* ALLOC_HARDER alone: 1818 - 454 = 1364 */
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HARDER, 1365, mo));
	expect_false(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HARDER, 1364, mo));
	/* GFP_ATOMIC (HIGH then HARDER): 909 - 227 = 682, i.e. 37.5% of min */
	expect_true(
	    __zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HIGH | ALLOC_HARDER, 683, mo));
	expect_false(
	    __zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HIGH | ALLOC_HARDER, 682, mo));
	/* a negative free count is fine (signed) */
	expect_false(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, -5, mo));

	/* the whole highatomic reserve is deducted unless ALLOC_HARDER */
	z->nr_reserved_highatomic = 512;
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, 2331, mo));
	expect_false(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, 2330, mo));
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_HARDER, 1365, mo));
	z->nr_reserved_highatomic = 0;

	/* free CMA pages do not count without ALLOC_CMA */
	__mod_zone_page_state(z, NR_FREE_CMA_PAGES, 100);
	expect_false(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, 1918, mo));
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, 1919, mo));
	expect_true(__zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, ALLOC_CMA, 1819, mo));
	__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -100);

	/* order 3: 2^3 - 1 = 7 pages cannot serve it; the zone has order-10 blocks */
	expect_true(__zone_watermark_ok(z, 3, 1818, ZONE_NORMAL, 0, 1826, mo));
	expect_false(__zone_watermark_ok(z, 3, 1818, ZONE_NORMAL, 0, 1825, mo));
	zf_machine_destroy(m);
	return true;
}

/* move every free block of the zone to list mt (types no longer match their blocks) */
static void retag_all(struct zf_machine *m, struct zone *z, int mt)
{
	for (unsigned int o = 0; o < m->max_order; o++)
		for (int t = 0; t < MIGRATE_TYPES; t++) {
			if (t == mt)
				continue;
			while (z->free_area[o].free_list[t].head != ZF_NIL) {
				uint32_t p = z->free_area[o].free_list[t].head;

				del_from_free_area(m, z, p, o);
				add_to_free_area(m, z, p, o, mt);
			}
		}
}

TEST(high_order_needs_usable_list)
{
	struct zf_machine *m = machine(1024, 7168, 8192, -1);
	struct zone *z;
	const int64_t plenty = 100000;

	assert_true(m);
	z = zone(m, ZONE_NORMAL);
	retag_all(m, z, MIGRATE_HIGHATOMIC);
	expect_false(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, 0, plenty, m->max_order));
	/* 4.12 quirk: ALLOC_HARDER accepts any non-empty area */
	expect_true(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, ALLOC_HARDER, plenty, m->max_order));
	retag_all(m, z, MIGRATE_ISOLATE);
	expect_false(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, ALLOC_CMA, plenty, m->max_order));
	expect_true(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, ALLOC_HARDER, plenty, m->max_order));
	retag_all(m, z, MIGRATE_CMA);
	expect_false(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, 0, plenty, m->max_order));
	expect_true(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, ALLOC_CMA, plenty, m->max_order));
	retag_all(m, z, MIGRATE_RECLAIMABLE);
	expect_true(__zone_watermark_ok(z, 4, 10, ZONE_NORMAL, 0, plenty, m->max_order));
	/* an order past every free block */
	expect_false(__zone_watermark_ok(z, 11, 10, ZONE_NORMAL, ALLOC_HARDER, plenty, 11));
	zf_machine_destroy(m);
	return true;
}

TEST(fast_and_safe_variants)
{
	struct zf_machine *m = machine(3976, 740000, 1256024, 11584);
	struct zone *z;
	int64_t saved;

	assert_true(m);
	z = zone(m, ZONE_NORMAL);
	saved = zone_page_state(z, NR_FREE_PAGES);
	z->vm_stat[NR_FREE_PAGES] = 1819;
	z->nr_reserved_highatomic = 1000;
	/* the full test deducts the reserve; the order-0 shortcut does not */
	expect_false(zone_watermark_ok(z, 0, 1818, ZONE_NORMAL, 0, m->max_order));
	expect_true(zone_watermark_fast(z, 0, 1818, ZONE_NORMAL, 0, m->max_order));
	/* for order > 0 the shortcut is not taken */
	expect_false(zone_watermark_fast(z, 1, 1818, ZONE_NORMAL, 0, m->max_order));
	/* ..., and the shortcut failing falls back to the full test with HARDER discounts */
	z->vm_stat[NR_FREE_PAGES] = 1500;
	expect_true(zone_watermark_fast(z, 0, 1818, ZONE_NORMAL, ALLOC_HARDER, m->max_order));
	/* _safe passes no alloc_flags: the reserve is deducted */
	z->vm_stat[NR_FREE_PAGES] = 2818;
	expect_false(zone_watermark_ok_safe(z, 0, 1818, ZONE_NORMAL, m->max_order));
	z->vm_stat[NR_FREE_PAGES] = 2819;
	expect_true(zone_watermark_ok_safe(z, 0, 1818, ZONE_NORMAL, m->max_order));
	z->nr_reserved_highatomic = 0;
	/* the fast path honours the classzone's lowmem reserve */
	z = zone(m, ZONE_DMA32);
	z->vm_stat[NR_FREE_PAGES] = 1811 + 4906;
	expect_false(zone_watermark_fast(z, 0, 1811, ZONE_NORMAL, 0, m->max_order));
	z->vm_stat[NR_FREE_PAGES] = 1811 + 4906 + 1;
	expect_true(zone_watermark_fast(z, 0, 1811, ZONE_NORMAL, 0, m->max_order));
	zone(m, ZONE_NORMAL)->vm_stat[NR_FREE_PAGES] = saved;
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("watermark", ZF_CASE(appendix_a_watermarks_and_reserves),
	     ZF_CASE(ratio_below_one_forced_to_one), ZF_CASE(min_free_kbytes_default),
	     ZF_CASE(gap_quarter_of_min_on_small_zones), ZF_CASE(watermark_discounts),
	     ZF_CASE(high_order_needs_usable_list), ZF_CASE(fast_and_safe_variants))
