// SPDX-License-Identifier: MIT
/*
 * tests/stress/test_stress_procfs.c - a model machine from /proc/zoneinfo
 * (+ /proc/buddyinfo): the captured 6.1 guest, a zoneinfo whose marks the
 * 4.12 formulas reproduce (spec §3.1, §3.2), and this machine's own /proc.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "zf_test.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/stress.h"

#ifndef ZF_STRESS_TEST_DATA
#define ZF_STRESS_TEST_DATA "tests/stress/data"
#endif

/* Conservation (docs/model-contract.md): managed = buddy free + pcp + allocated (+ ...). */
static bool zone_conserves(const struct zf_machine *m, int id, uint64_t *buddy_free)
{
	struct zf_zone_info zi;
	uint64_t free = 0;

	if (zf_inspect_zone(m, id, &zi))
		return false;
	for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++)
		free += zi.nr_free[o] << o;
	*buddy_free = free;
	return zi.managed_pages == free + zi.nr_pcp + zi.nr_allocated + zi.nr_isolated +
				       zi.nr_poisoned + zi.nr_offline &&
	       (uint64_t)zi.nr_free_pages == free;
}

/* No free block may have a free buddy of its own order below MAX_ORDER-1 (spec §11 item 2). */
static bool merged_maximally(const struct zf_machine *m, int id, unsigned int max_order)
{
	for (unsigned int o = 0; o + 1 < max_order; o++) {
		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
			for (uint64_t pfn = zf_inspect_free_list_first(m, id, o, mt);
			     pfn != ZF_NO_PAGE; pfn = zf_inspect_list_next(m, pfn)) {
				struct zf_page_info pi;
				uint64_t buddy = pfn ^ (1ULL << o);

				if (zf_inspect_page(m, buddy, &pi) == 0 &&
				    (pi.flags & ZF_PG_BUDDY) && pi.order == o && pi.zone_id == id)
					return false;
			}
		}
	}
	return true;
}

/*
 * The 6.1 guest (256 MiB, captured): zone_pages = managed, reserved =
 * present - managed. Its marks were computed at boot from the managed
 * pages of that moment, so the model's formula cannot give them back and
 * they are set as captured; the free areas get the buddyinfo counts.
 */
TEST(captured_guest)
{
	char zi_path[512], bi_path[512], err[256];
	struct zf_config cfg;
	struct zf_proc_snapshot snap;
	struct zf_machine *m;
	static const uint64_t want_dma[11] = {0, 0, 0, 0, 0, 1, 1, 1, 0, 1, 3};
	static const uint64_t want_dma32[11] = {5, 7, 6, 6, 6, 6, 5, 7, 7, 3, 31};
	struct zf_zone_info z0, z1;
	uint64_t free0, free1;

	snprintf(zi_path, sizeof(zi_path), "%s/guest61-256M-zoneinfo.txt", ZF_STRESS_TEST_DATA);
	snprintf(bi_path, sizeof(bi_path), "%s/guest61-256M-buddyinfo.txt", ZF_STRESS_TEST_DATA);
	zf_config_default(&cfg);
	assert_eq(zf_config_from_proc(zi_path, bi_path, &cfg, &snap, err, sizeof(err)), 0);
	expect_eq(cfg.nr_nodes, 1);
	expect_eq(cfg.nr_cpus, 1);
	expect_eq(cfg.max_order, 11);
	/* the real pfns: DMA start_pfn 1 + spanned 4095 ends at 4096, DMA32 at 4096 + 61408 */
	expect_eq(cfg.zone_pages[0][ZF_ZONE_DMA], 3840);
	expect_eq(cfg.reserved_pages[0][ZF_ZONE_DMA], 4096 - 3840);
	expect_eq(cfg.zone_pages[0][ZF_ZONE_DMA32], 52068);
	expect_eq(cfg.reserved_pages[0][ZF_ZONE_DMA32], 61408 - 52068);
	expect_eq(cfg.zone_pages[0][ZF_ZONE_NORMAL], 0);
	expect_false(snap.wmarks_derived);
	/* protection 182 = floor(52068 / ratio) has a solution (285, 286): the smallest */
	expect_true(snap.reserve_derived);
	expect_eq(52068 / cfg.lowmem_reserve_ratio[ZF_ZONE_DMA], 182);
	expect_eq(cfg.lowmem_reserve_ratio[ZF_ZONE_DMA], 285);

	m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m != NULL);
	expect_eq(zf_proc_apply(m, &snap, err, sizeof(err)), 0);
	assert_eq(zf_inspect_zone(m, 0, &z0), 0);
	assert_eq(zf_inspect_zone(m, 1, &z1), 0);
	expect_eq(z0.managed_pages, 3840);
	expect_eq(z1.start_pfn, 4096);
	expect_eq(z0.wmark[0], 34);
	expect_eq(z0.wmark[1], 42);
	expect_eq(z0.wmark[2], 50);
	expect_eq(z0.lowmem_reserve[ZF_ZONE_DMA32], 182);
	expect_eq(z0.lowmem_reserve[ZF_ZONE_MOVABLE], 182);
	expect_eq(z1.wmark[0], 414);
	expect_eq(z1.wmark[1], 517);
	expect_eq(z1.wmark[2], 620);
	for (int o = 0; o < 11; o++) {
		expect_eq(z0.nr_free[o], want_dma[o]);
		expect_eq(z1.nr_free[o], want_dma32[o]);
	}
	expect_true(zone_conserves(m, 0, &free0));
	expect_true(zone_conserves(m, 1, &free1));
	expect_eq(free0, 3808); /* = zoneinfo "pages free" of the capture */
	expect_eq(free1, 36667);
	expect_true(merged_maximally(m, 0, 11));
	expect_true(merged_maximally(m, 1, 11));
	zf_machine_destroy(m);
	return true;
}

/*
 * Marks made by the 4.12 formula itself: min_free_kbytes 67584 (pages_min
 * 16896) over DMA 3840 + DMA32 772918 + Normal 360448 managed pages gives
 * min 57 / 11483 / 5355 (floor of the proportional share), the gap
 * max(min/4, managed*10/10000) gives low/high, and ratios 256/256 give the
 * protection. The importer finds exactly those sysctls, so the model's own
 * computation already agrees before any override.
 */
static const char host_like_zoneinfo[] =
    "Node 0, zone      DMA\n"
    "  pages free     3840\n"
    "        min      57\n        low      71\n        high     85\n"
    "        spanned  4095\n        present  3998\n        managed  3840\n"
    "        protection: (0, 3019, 4427, 4427)\n"
    "  pagesets\n    cpu: 0\n              count: 0\n              high:  0\n"
    "              batch: 1\n  vm stats threshold: 4\n"
    "    cpu: 1\n              count: 0\n              high:  0\n              batch: 1\n"
    "  vm stats threshold: 4\n"
    "Node 0, zone    DMA32\n"
    "  pages free     772855\n"
    "        min      11483\n        low      14353\n        high     17223\n"
    "        spanned  1044480\n        present  782336\n        managed  772918\n"
    "        protection: (0, 0, 1408, 1408)\n"
    "  pagesets\n    cpu: 0\n              count: 1\n    cpu: 1\n              count: 62\n"
    "Node 0, zone   Normal\n"
    "  pages free     73696\n"
    "        min      5355\n        low      6693\n        high     8031\n"
    "        spanned  360448\n        present  360448\n        managed  360448\n"
    "        protection: (0, 0, 0, 0)\n"
    "Node 0, zone  Movable\n"
    "  pages free     0\n        min      0\n        low      0\n        high     0\n"
    "        spanned  0\n        present  0\n        managed  0\n"
    "        protection: (0, 0, 0, 0)\n";

TEST(derived_sysctls_reproduce_the_marks)
{
	struct zf_config cfg;
	struct zf_proc_snapshot snap;
	struct zf_machine *m;
	char err[256];
	static const uint64_t wm[3][3] = {{57, 71, 85}, {11483, 14353, 17223}, {5355, 6693, 8031}};

	zf_config_default(&cfg);
	assert_eq(zf_config_from_proc_text(host_like_zoneinfo, NULL, &cfg, &snap, err, sizeof(err)),
		  0);
	expect_true(snap.wmarks_derived);
	expect_true(snap.reserve_derived);
	expect_eq(cfg.min_free_kbytes, 67584);
	expect_eq(cfg.watermark_scale_factor, 10);
	expect_eq(cfg.lowmem_reserve_ratio[ZF_ZONE_DMA], 256);
	expect_eq(cfg.lowmem_reserve_ratio[ZF_ZONE_DMA32], 256);
	expect_eq(cfg.nr_cpus, 2);
	expect_eq(cfg.reserved_pages[0][ZF_ZONE_DMA32], 782336 - 772918);
	m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m != NULL);
	/* no override yet: the model's own formulas */
	for (int id = 0; id < 3; id++) {
		struct zf_zone_info zi;

		assert_eq(zf_inspect_zone(m, id, &zi), 0);
		for (int w = 0; w < 3; w++)
			expect_eq(zi.wmark[w], wm[id][w]);
		if (id == 0) {
			expect_eq(zi.lowmem_reserve[ZF_ZONE_DMA32], 3019);
			expect_eq(zi.lowmem_reserve[ZF_ZONE_NORMAL], 4427);
		} else if (id == 1) {
			expect_eq(zi.lowmem_reserve[ZF_ZONE_NORMAL], 1408);
		}
	}
	zf_machine_destroy(m);
	return true;
}

TEST(bad_inputs)
{
	struct zf_config cfg;
	struct zf_proc_snapshot snap;
	char err[256];

	zf_config_default(&cfg);
	expect_eq(zf_config_from_proc_text("nothing here\n", NULL, &cfg, &snap, err, sizeof(err)),
		  -1);
	expect_eq(zf_config_from_proc_text("Node 7, zone DMA\n  managed 5\n  present 5\n", NULL,
					   &cfg, &snap, err, sizeof(err)),
		  -1);
	expect_eq(zf_config_from_proc_text(host_like_zoneinfo, "garbage\n", &cfg, &snap, err,
					   sizeof(err)),
		  -1);
	expect_eq(zf_config_from_proc("/nonexistent/zoneinfo", NULL, &cfg, &snap, err, sizeof(err)),
		  -1);
	return true;
}

/*
 * This machine's own /proc/zoneinfo: the model has the captured managed
 * pages, watermarks (zoneinfo prints them with the boost added) and
 * reserves in every zone; buddyinfo, read a moment later, shapes the free
 * areas with no block more than captured.
 */
TEST(this_machine)
{
	struct zf_config cfg;
	struct zf_proc_snapshot snap;
	struct zf_machine *m;
	char err[256];
	int rc;

	if (access("/proc/zoneinfo", R_OK) || access("/proc/buddyinfo", R_OK)) {
		printf("  (no /proc/zoneinfo here: skipped)\n");
		return true;
	}
	zf_config_default(&cfg);
	rc =
	    zf_config_from_proc("/proc/zoneinfo", "/proc/buddyinfo", &cfg, &snap, err, sizeof(err));
	if (rc && strstr(err, "this host has")) {
		printf("  (%s: skipped)\n", err);
		return true;
	}
	assert_eq(rc, 0);
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "  %s\n", err);
	assert_true(m != NULL);
	rc = zf_proc_apply(m, &snap, err, sizeof(err));
	expect_true(rc >= 0);
	printf("  this machine: %u node(s), %u cpus, %llu pfns, %d buddy blocks short%s%s\n",
	       snap.nr_nodes, cfg.nr_cpus, (unsigned long long)zf_machine_state_bytes(m) / 16, rc,
	       snap.notes[0] ? "; " : "", snap.notes);
	for (unsigned int n = 0; n < snap.nr_nodes; n++) {
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
			const struct zf_proc_zone *pz = &snap.zones[n][i];
			struct zf_zone_info zi;
			uint64_t free;
			int id = (int)n * ZF_MAX_NR_ZONES + i;

			if (!pz->managed)
				continue;
			assert_eq(zf_inspect_zone(m, id, &zi), 0);
			expect_eq(zi.managed_pages, pz->managed);
			/* holes are reserved pages in the model: it spans what the zone spans */
			expect_true(zi.present_pages >= pz->present);
			if (pz->has_start_pfn)
				expect_eq(zi.start_pfn + zi.spanned_pages,
					  pz->start_pfn + pz->spanned);
			for (int w = 0; w < 3; w++)
				expect_eq(zi.wmark[w], pz->wmark[w]);
			for (int j = i + 1; j < ZF_MAX_NR_ZONES; j++)
				expect_eq(zi.lowmem_reserve[j], pz->protection[j]);
			for (unsigned int o = 0; o < cfg.max_order; o++)
				expect_true(zi.nr_free[o] <= pz->nr_free[o]);
			expect_true(zone_conserves(m, id, &free));
			expect_true(merged_maximally(m, id, cfg.max_order));
		}
	}
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("stress_procfs", ZF_CASE(captured_guest), ZF_CASE(derived_sysctls_reproduce_the_marks),
	     ZF_CASE(bad_inputs), ZF_CASE(this_machine))
