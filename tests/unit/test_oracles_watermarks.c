/* SPDX-License-Identifier: MIT */
/*
 * test_oracles_watermarks.c - ZF_INV_WATERMARKS: the set-up values
 * (min_free_kbytes, the zones' min/low/high marks, lowmem_reserve[],
 * totalreserve_pages, the sysctls in force, every pageset's batch/high)
 * follow spec §1.1, §3.1, §3.2. Quiet on the model in many geometries,
 * every profile, through hotplug, with configured sysctls and captured
 * (overridden) marks; fires on each wrong value planted through
 * allocator/internal.h, among them the effect of the surviving mutant
 * M003 (`new_min_free_kbytes < 127` in init_per_zone_wmark_min).
 */
#include "test_oracles_fixture.h"
#include "zonefuzz/snapshot.h"

#define MOVABLE_ID 3 /* node 0 ZONE_MOVABLE */

static bool mk(struct ofix *f, const struct zf_config *cfg)
{
	return ofix_init(f, cfg, ofix_only("watermarks"), 1);
}

static size_t nwm(const struct ofix *f)
{
	return ofix_count(f, "watermarks");
}

static bool quiet(struct ofix *f)
{
	ofix_walk(f);
	if (nwm(f))
		ofix_dump(f);
	return nwm(f) == 0;
}

/* the default geometry plus a 4096-page ZONE_MOVABLE on node 0 (zone id 3) */
static void cfg_movable(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->zone_pages[0][ZF_ZONE_MOVABLE] = 4096;
}

/* Recompute the marks and reserves from m->min_free_kbytes as the model does. */
static void resetup(struct zf_machine *m)
{
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
}

static int op_offline(struct ofix *f, int zid)
{
	zf_oracles_begin_op(f->s, f->m, f->op);
	int rc = zf_offline_zone(f->m, zid);
	zf_oracles_end_op(f->s, f->m, f->op++);
	return rc;
}

static int op_online(struct ofix *f, int zid)
{
	zf_oracles_begin_op(f->s, f->m, f->op);
	int rc = zf_online_zone(f->m, zid);
	zf_oracles_end_op(f->s, f->m, f->op++);
	return rc;
}

TEST(quiet_on_many_geometries)
{
	struct zf_config cfgs[10];
	size_t n = 0;

	zf_config_default(&cfgs[n++]);
	/* spec Appendix A: 2 M pages, batch 31 in NORMAL and DMA32 (512 KiB cap) */
	zf_config_kernel(&cfgs[n], 3976, 740000, 1256024);
	cfgs[n++].min_free_kbytes = 11584;
	/* the same from the formula */
	zf_config_kernel(&cfgs[n++], 3976, 740000, 1256024);
	/* the smallest clamp: 253 pages, int_sqrt(16 * 1012) = 127 -> 128 */
	zf_config_kernel(&cfgs[n++], 253, 0, 0);
	/* two nodes, MOVABLE on both, CMA, reserved pages, 4 CPUs, sysctls */
	zf_config_default(&cfgs[n]);
	cfgs[n].nr_nodes = 2;
	cfgs[n].nr_cpus = 4;
	cfgs[n].zone_pages[0][ZF_ZONE_MOVABLE] = 8192;
	cfgs[n].zone_pages[1][ZF_ZONE_NORMAL] = 12288;
	cfgs[n].zone_pages[1][ZF_ZONE_MOVABLE] = 2048;
	cfgs[n].reserved_pages[0][ZF_ZONE_DMA] = 100;
	cfgs[n].reserved_pages[1][ZF_ZONE_NORMAL] = 37;
	cfgs[n].cma_pages[0] = 1024;
	cfgs[n].watermark_scale_factor = 200;
	cfgs[n].lowmem_reserve_ratio[0] = 100;
	cfgs[n].lowmem_reserve_ratio[1] = 1;
	cfgs[n++].lowmem_reserve_ratio[2] = 7;
	/* percpu_pagelist_fraction, small and large */
	cfg_movable(&cfgs[n]);
	cfgs[n++].percpu_pagelist_fraction = 8;
	zf_config_kernel(&cfgs[n], 4096, 65536, 200000);
	cfgs[n++].percpu_pagelist_fraction = 100;
	/* a configured min_free_kbytes, and one of 0 */
	cfg_movable(&cfgs[n]);
	cfgs[n++].min_free_kbytes = 4000;
	zf_config_default(&cfgs[n]);
	cfgs[n++].min_free_kbytes = 0;
	/* max_order 8, pageblock 7, one CPU */
	zf_config_default(&cfgs[n]);
	cfgs[n].max_order = 8;
	cfgs[n].pageblock_order = 7;
	cfgs[n++].nr_cpus = 1;

	for (size_t i = 0; i < n; i++) {
		struct ofix f;
		assert_true(mk(&f, &cfgs[i]));
		if (!quiet(&f))
			fprintf(stderr, "  geometry %zu\n", i);
		expect_eq(nwm(&f), 0);
		ofix_fini(&f);
	}
	return true;
}

TEST(quiet_on_every_profile_under_a_workload)
{
	for (int p = 0; p < ZF_NR_PROFILES; p++) {
		struct zf_config cfg;
		struct ofix f;

		cfg_movable(&cfg);
		cfg.profile = (enum zf_profile_id)p;
		/* every oracle runs: the workload must not disturb the set-up values */
		assert_true(ofix_init(&f, &cfg, 0, 4));
		ofix_workload(&f, 0x5eed + (uint64_t)p, 300);
		if (nwm(&f))
			ofix_dump(&f);
		expect_eq(nwm(&f), 0);
		ofix_fini(&f);
	}
	return true;
}

/* offline / online recompute min_free_kbytes (exactly, from the rebuild event) and the rest */
TEST(quiet_through_hotplug)
{
	static const long min_free[] = {-1, 4000};
	static const unsigned int fraction[] = {0, 8};

	for (int i = 0; i < 2; i++) {
		for (int k = 0; k < 2; k++) {
			struct zf_config cfg;
			struct ofix f;
			long before;

			cfg_movable(&cfg);
			cfg.min_free_kbytes = min_free[i];
			cfg.percpu_pagelist_fraction = fraction[k];
			assert_true(mk(&f, &cfg));
			before = f.m->min_free_kbytes;
			assert_eq(op_offline(&f, MOVABLE_ID), 0);
			expect_true(quiet(&f));
			/* the formula saw less memory; a configured value stays */
			if (min_free[i] < 0)
				expect_true(f.m->min_free_kbytes < before);
			else
				expect_eq(f.m->min_free_kbytes, before);
			assert_eq(op_online(&f, MOVABLE_ID), 0);
			expect_true(quiet(&f));
			/* twice round: the second offline starts from the recomputed marks */
			assert_eq(op_offline(&f, MOVABLE_ID), 0);
			assert_eq(op_online(&f, MOVABLE_ID), 0);
			expect_true(quiet(&f));
			ofix_fini(&f);
		}
	}
	return true;
}

/* the online that races a free with zone_pcp_update (two rebuilds in one operation) */
TEST(quiet_through_the_racing_online_and_two_nodes)
{
	struct zf_config cfg;
	struct ofix f;

	cfg_movable(&cfg);
	assert_true(mk(&f, &cfg));
	assert_eq(op_offline(&f, MOVABLE_ID), 0);
	zf_oracles_begin_op(f.s, f.m, f.op);
	assert_eq(zf_online_zone_racing_free(f.m, MOVABLE_ID, f.task[1]), 0);
	zf_oracles_end_op(f.s, f.m, f.op++);
	expect_true(quiet(&f));
	ofix_fini(&f);

	zf_config_default(&cfg);
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 8192;
	cfg.zone_pages[1][ZF_ZONE_MOVABLE] = 4096;
	assert_true(mk(&f, &cfg));
	assert_eq(op_offline(&f, ZF_MAX_NR_ZONES + ZF_ZONE_MOVABLE), 0);
	expect_true(quiet(&f));
	assert_eq(op_offline(&f, ZF_MAX_NR_ZONES + ZF_ZONE_NORMAL), 0);
	expect_true(quiet(&f));
	assert_eq(op_online(&f, ZF_MAX_NR_ZONES + ZF_ZONE_NORMAL), 0);
	assert_eq(op_online(&f, ZF_MAX_NR_ZONES + ZF_ZONE_MOVABLE), 0);
	expect_true(quiet(&f));
	ofix_fini(&f);
	return true;
}

/*
 * M003: `if (new_min_free_kbytes < 127)` leaves the formula's 127 unclamped on
 * a machine with 1009-1023 KiB of lowmem. Planted as the mutant's effect: the
 * model's own set-up run from min_free_kbytes 127.
 */
TEST(fires_on_min_free_kbytes_127_from_the_formula)
{
	struct zf_config cfg;
	struct ofix f;

	zf_config_kernel(&cfg, 253, 0, 0);
	assert_true(mk(&f, &cfg));
	expect_eq(f.m->min_free_kbytes, 128);
	expect_true(quiet(&f));
	f.m->min_free_kbytes = 127;
	resetup(f.m);
	ofix_walk(&f);
	expect_eq(nwm(&f), 1);
	expect_true(ofix_has(&f, "watermarks", "min_free_kbytes 127 from the kernel formula"));
	ofix_fini(&f);
	return true;
}

/* a min_free_kbytes inside the clamp but not the formula's: exact at boot */
TEST(fires_on_a_wrong_min_free_kbytes_at_boot)
{
	struct zf_config cfg;
	struct ofix f;

	zf_config_default(&cfg);
	assert_true(mk(&f, &cfg));
	f.m->min_free_kbytes += 4;
	resetup(f.m);
	ofix_walk(&f);
	expect_eq(nwm(&f), 1);
	expect_true(ofix_has(&f, "watermarks", "at boot"));
	ofix_fini(&f);
	return true;
}

/* after a hotplug recompute: exact from the zones and high marks at the rebuild */
TEST(fires_on_a_wrong_min_free_kbytes_after_hotplug)
{
	struct zf_config cfg;
	struct ofix f;

	cfg_movable(&cfg);
	assert_true(mk(&f, &cfg));
	assert_eq(op_offline(&f, MOVABLE_ID), 0);
	expect_eq(nwm(&f), 0);
	f.m->min_free_kbytes -= 1;
	resetup(f.m);
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "last zonelist rebuild"));
	ofix_fini(&f);

	/*
	 * A set reset on a machine that went through hotplug does not know the
	 * high marks of the last recompute: bounds only. Quiet on the model; a
	 * value above the formula's with every high mark 0 fires.
	 */
	assert_true(mk(&f, &cfg));
	assert_eq(zf_offline_zone(f.m, MOVABLE_ID), 0);
	assert_eq(zf_online_zone(f.m, MOVABLE_ID), 0);
	zf_oracles_reset(f.s, f.m);
	expect_true(quiet(&f));
	f.m->min_free_kbytes += 200;
	resetup(f.m);
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "with every high mark 0"));
	ofix_fini(&f);
	return true;
}

TEST(fires_on_a_changed_configured_min_free_kbytes)
{
	struct zf_config cfg;
	struct ofix f;

	cfg_movable(&cfg);
	cfg.min_free_kbytes = 4000;
	assert_true(mk(&f, &cfg));
	assert_eq(op_offline(&f, MOVABLE_ID), 0);
	expect_eq(nwm(&f), 0);
	f.m->min_free_kbytes = 4004;
	resetup(f.m);
	ofix_walk(&f);
	expect_eq(nwm(&f), 1);
	expect_true(ofix_has(&f, "watermarks", "set by the configuration"));
	ofix_fini(&f);
	return true;
}

enum zone_plant {
	PLANT_MIN,
	PLANT_LOW,
	PLANT_HIGH_ONE_GAP, /* high = min + gap */
	PLANT_RESERVE,
	PLANT_RESERVE_SELF, /* a reserve against the zone itself */
	PLANT_TOTALRESERVE,
	PLANT_PCP_HIGH,
	PLANT_PCP_BATCH,
	PLANT_SCALE_FACTOR,
	PLANT_RATIO,
	PLANT_FRACTION,
	PLANT_MANAGED,
	PLANT_NR_ZONE,
};

static const char *const zone_plant_text[PLANT_NR_ZONE] = {
    [PLANT_MIN] = "zone Normal node 0: watermarks",
    [PLANT_LOW] = "zone DMA32 node 0: watermarks",
    [PLANT_HIGH_ONE_GAP] = "zone Normal node 0: watermarks",
    [PLANT_RESERVE] = "zone DMA node 0: lowmem_reserve[2]",
    [PLANT_RESERVE_SELF] = "zone DMA32 node 0: lowmem_reserve[1]",
    [PLANT_TOTALRESERVE] = "totalreserve_pages",
    [PLANT_PCP_HIGH] = "zone Normal node 0 cpu 1: pcp high/batch",
    [PLANT_PCP_BATCH] = "zone DMA32 node 0 cpu 0: pcp high/batch",
    [PLANT_SCALE_FACTOR] = "watermark_scale_factor in force 20",
    [PLANT_RATIO] = "lowmem_reserve_ratio[1] in force 128",
    [PLANT_FRACTION] = "percpu_pagelist_fraction in force 9",
    [PLANT_MANAGED] = "managed_pages 7169 != 7168 configured",
};

static void plant_zone(struct zf_machine *m, enum zone_plant k)
{
	struct zone *dma = zone_by_id(m, ZONE_DMA), *dma32 = zone_by_id(m, ZONE_DMA32);
	struct zone *nrm = zone_by_id(m, ZONE_NORMAL);

	switch (k) {
	case PLANT_MIN:
		nrm->watermark[WMARK_MIN] += 1;
		break;
	case PLANT_LOW:
		dma32->watermark[WMARK_LOW] -= 1;
		break;
	case PLANT_HIGH_ONE_GAP:
		nrm->watermark[WMARK_HIGH] = nrm->watermark[WMARK_LOW];
		break;
	case PLANT_RESERVE:
		dma->lowmem_reserve[ZONE_NORMAL] += 1;
		break;
	case PLANT_RESERVE_SELF:
		dma32->lowmem_reserve[ZONE_DMA32] = 5;
		break;
	case PLANT_TOTALRESERVE:
		m->totalreserve_pages += 1;
		break;
	case PLANT_PCP_HIGH:
		zone_pcp(m, nrm, 1)->high += 1;
		break;
	case PLANT_PCP_BATCH:
		zone_pcp(m, dma32, 0)->batch += 1;
		break;
	case PLANT_SCALE_FACTOR:
		m->watermark_scale_factor = 20;
		break;
	case PLANT_RATIO:
		m->lowmem_reserve_ratio[1] = 128;
		break;
	case PLANT_FRACTION:
		m->percpu_pagelist_fraction = 9;
		break;
	case PLANT_MANAGED:
		dma32->managed_pages += 1;
		break;
	case PLANT_NR_ZONE:
		break;
	}
}

TEST(fires_on_each_planted_zone_value)
{
	for (int k = 0; k < PLANT_NR_ZONE; k++) {
		struct zf_config cfg;
		struct ofix f;

		zf_config_default(&cfg);
		assert_true(mk(&f, &cfg));
		expect_true(quiet(&f));
		plant_zone(f.m, (enum zone_plant)k);
		ofix_walk(&f);
		if (!ofix_has(&f, "watermarks", zone_plant_text[k])) {
			fprintf(stderr, "  plant %d not reported as \"%s\"\n", k,
				zone_plant_text[k]);
			ofix_dump(&f);
			zf_test_failures_in_test++;
		}
		ofix_fini(&f);
	}
	return true;
}

/* percpu_pagelist_fraction sizing: high = managed / fraction, batch high/4 capped at 96 */
TEST(fires_on_a_wrong_fraction_pageset)
{
	struct zf_config cfg;
	struct ofix f;
	struct zf_pcp_info pi;

	zf_config_kernel(&cfg, 4096, 65536, 200000);
	cfg.percpu_pagelist_fraction = 100;
	assert_true(mk(&f, &cfg));
	assert_eq(zf_inspect_pcp(f.m, 0, ZONE_NORMAL, &pi), 0);
	expect_eq(pi.high, 2000);
	expect_eq(pi.batch, 96);
	expect_true(quiet(&f));
	/* the zone_batchsize() sizing where the fraction applies */
	pageset_set_batch(zone_pcp(f.m, zone_by_id(f.m, ZONE_NORMAL), 1),
			  zone_batchsize(zone_by_id(f.m, ZONE_NORMAL)));
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "cpu 1: pcp high/batch 186/31 != 2000/96"));
	ofix_fini(&f);
	return true;
}

/* a hot-removed zone keeps the boot pageset (zone_pcp_reset): high 0, batch 1 */
TEST(fires_on_a_removed_zone_pageset_left_in_place)
{
	struct zf_config cfg;
	struct ofix f;
	struct zone *mov;

	cfg_movable(&cfg);
	assert_true(mk(&f, &cfg));
	assert_eq(op_offline(&f, MOVABLE_ID), 0);
	expect_eq(nwm(&f), 0);
	mov = zone_by_id(f.m, MOVABLE_ID);
	pageset_set_batch(zone_pcp(f.m, mov, 0), 1);
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "cpu 0: pcp high/batch 6/1 != 0/1"));
	ofix_fini(&f);
	return true;
}

/* a removed zone whose memory still counts in the marks */
TEST(fires_when_a_removed_zone_still_counts)
{
	struct zf_config cfg;
	struct ofix f;

	cfg_movable(&cfg);
	assert_true(mk(&f, &cfg));
	assert_eq(op_offline(&f, MOVABLE_ID), 0);
	expect_eq(nwm(&f), 0);
	/* marks computed as if the zone were still there */
	zone_by_id(f.m, MOVABLE_ID)->offline = false;
	resetup(f.m);
	zone_by_id(f.m, MOVABLE_ID)->offline = true;
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "watermarks min/low/high"));
	expect_true(ofix_has(&f, "watermarks", "lowmem_reserve[3]"));
	ofix_fini(&f);
	return true;
}

/* captured marks (zf_machine_override_zone) are not judged; totalreserve still is */
TEST(captured_marks_are_left_alone)
{
	struct zf_config cfg;
	struct ofix f;
	const uint64_t wm[3] = {7, 70, 700};
	uint64_t lr[ZF_MAX_NR_ZONES] = {0, 0, 1234, 4321};
	struct zf_zone_info zi;

	zf_config_default(&cfg);
	assert_true(mk(&f, &cfg));
	assert_eq(zf_inspect_zone(f.m, ZONE_DMA32, &zi), 0);
	expect_false(zi.wmark_overridden);
	assert_eq(zf_machine_override_zone(f.m, ZONE_DMA32, wm, lr), 0);
	assert_eq(zf_inspect_zone(f.m, ZONE_DMA32, &zi), 0);
	expect_true(zi.wmark_overridden);
	expect_true(quiet(&f));
	/* the other zones are still judged */
	zone_by_id(f.m, ZONE_NORMAL)->watermark[WMARK_MIN] += 1;
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "zone Normal node 0: watermarks"));
	expect_false(ofix_has(&f, "watermarks", "zone DMA32"));
	f.m->totalreserve_pages -= 1;
	ofix_walk(&f);
	expect_true(ofix_has(&f, "watermarks", "totalreserve_pages"));
	ofix_fini(&f);
	return true;
}

/* the inspection API reports what the oracle reads */
TEST(inspection_reports_the_setup)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_wmark_setup_info wi;
	struct zf_zone_info zi;
	char err[256];

	cfg_movable(&cfg);
	cfg.watermark_scale_factor = 30;
	cfg.percpu_pagelist_fraction = 16;
	cfg.lowmem_reserve_ratio[2] = 64;
	m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m != NULL);
	zf_inspect_wmark_setup(m, &wi);
	expect_eq(wi.min_free_kbytes, m->min_free_kbytes);
	expect_eq(wi.watermark_scale_factor, 30);
	expect_eq(wi.percpu_pagelist_fraction, 16);
	expect_eq(wi.lowmem_reserve_ratio[0], 256);
	expect_eq(wi.lowmem_reserve_ratio[1], 256);
	expect_eq(wi.lowmem_reserve_ratio[2], 64);
	expect_eq(wi.totalreserve_pages, m->totalreserve_pages);
	assert_eq(zf_inspect_zone(m, MOVABLE_ID, &zi), 0);
	expect_false(zi.offline);
	assert_eq(zf_offline_zone(m, MOVABLE_ID), 0);
	assert_eq(zf_inspect_zone(m, MOVABLE_ID, &zi), 0);
	expect_true(zi.offline);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("oracles_watermarks", ZF_CASE(quiet_on_many_geometries),
	     ZF_CASE(quiet_on_every_profile_under_a_workload), ZF_CASE(quiet_through_hotplug),
	     ZF_CASE(quiet_through_the_racing_online_and_two_nodes),
	     ZF_CASE(fires_on_min_free_kbytes_127_from_the_formula),
	     ZF_CASE(fires_on_a_wrong_min_free_kbytes_at_boot),
	     ZF_CASE(fires_on_a_wrong_min_free_kbytes_after_hotplug),
	     ZF_CASE(fires_on_a_changed_configured_min_free_kbytes),
	     ZF_CASE(fires_on_each_planted_zone_value), ZF_CASE(fires_on_a_wrong_fraction_pageset),
	     ZF_CASE(fires_on_a_removed_zone_pageset_left_in_place),
	     ZF_CASE(fires_when_a_removed_zone_still_counts),
	     ZF_CASE(captured_marks_are_left_alone), ZF_CASE(inspection_reports_the_setup))
