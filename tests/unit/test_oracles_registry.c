// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_oracles_registry.c - the oracle registry and set
 * (oracles/registry.c): stable ids, lookup, the enabled mask, where a
 * finding says it fired, max_findings, walk_interval and walk deduplication.
 */
#include "test_oracles_fixture.h"

static void default_cfg(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->swap_pages = 2048;
}

TEST(registry_lists_every_oracle_with_a_stable_id)
{
	static const char *const ids[] = {
	    "ZF_INV_CONSERVATION", "ZF_INV_BUDDY", "ZF_INV_COUNTERS",      "ZF_INV_PLACEMENT",
	    "ZF_INV_LIVELOCK",     "ZF_INV_GFP",   "ZF_INV_PREMATURE_OOM", "ZF_INV_KSWAPD",
	    "ZF_INV_COMPACTION",   "ZF_INV_ORDER", "ZF_INV_VMSTAT",        "ZF_INV_WATERMARKS",
	};
	static const char *const names[] = {
	    "conservation",  "buddy",  "counters",   "placement",    "livelock", "gfp",
	    "premature-oom", "kswapd", "compaction", "order-bounds", "vmstat",   "watermarks",
	};
	assert_eq(zf_oracle_count(), 12);
	for (size_t i = 0; i < 12; i++) {
		const struct zf_oracle_desc *d = zf_oracle_desc(i);
		assert_true(d != NULL);
		expect_true(!strcmp(d->id, ids[i]));
		expect_true(!strcmp(d->name, names[i]));
		expect_true(d->property && *d->property);
		expect_true(d->kernel_rule && *d->kernel_rule);
		expect_true(d->cost && *d->cost);
		expect_eq(zf_oracle_lookup(ids[i]), (long long)i);
		expect_eq(zf_oracle_lookup(names[i]), (long long)i);
	}
	expect_true(zf_oracle_desc(12) == NULL);
	expect_eq(zf_oracle_lookup("no-such-oracle"), -1);
	expect_eq(zf_oracle_lookup(NULL), -1);
	return true;
}

/* free_pcppages_bulk asked for more than the pcp holds: the B3 signature */
static void bad_drain(struct ofix *f)
{
	ofix_event(f, ZF_EV_PCPU_DRAIN, 0, 2, ZF_NO_PAGE, 0, 31, 1, 0, -1, 0, 0);
}

TEST(enabled_mask_selects_the_oracles_that_run)
{
	struct zf_config cfg;
	struct ofix f;
	default_cfg(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("conservation"), 0));
	bad_drain(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);

	assert_true(ofix_init(&f, &cfg, ofix_only("counters"), 0));
	bad_drain(&f);
	expect_eq(ofix_count(&f, "counters"), 1);
	expect_eq(ofix_count(&f, "ZF_INV_COUNTERS"), 1);
	ofix_fini(&f);

	/* a bit no oracle has: nothing runs (targets/harness.c uses this) */
	assert_true(ofix_init(&f, &cfg, UINT64_C(1) << 63, 1));
	bad_drain(&f);
	ofix_walk(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	ofix_fini(&f);
	return true;
}

TEST(finding_reports_the_event_site)
{
	struct zf_config cfg;
	struct ofix f;
	default_cfg(&cfg);
	assert_true(ofix_init(&f, &cfg, 0, 0));
	zf_oracles_begin_op(f.s, f.m, 7);
	ofix_event(&f, ZF_EV_PCPU_DRAIN, 0, 2, ZF_NO_PAGE, 0, 31, 1, 0, 3, ZF_GFP_KERNEL, 0);
	assert_eq(zf_oracles_nr_findings(f.s), 1);
	const struct zf_finding *fd = zf_oracles_finding(f.s, 0);
	expect_true(!strcmp(fd->oracle_id, "ZF_INV_COUNTERS"));
	expect_true(!strcmp(fd->func, "synthetic_site"));
	expect_true(!strcmp(fd->file, "test_oracles"));
	expect_eq(fd->line, 4242);
	expect_eq(fd->op_index, 7);
	expect_eq(fd->event_seq, 1000000);
	expect_eq(fd->task, 3);
	expect_eq(fd->gfp, ZF_GFP_KERNEL);
	expect_eq(fd->zone_id, 2);
	expect_eq(fd->zone.id, 2); /* the zone snapshot */
	struct zf_zone_info zi;
	assert_eq(zf_inspect_zone(f.m, 2, &zi), 0);
	expect_eq(fd->zone.managed_pages, zi.managed_pages);
	expect_eq(fd->zone.nr_free_pages, zi.nr_free_pages);
	char buf[512];
	expect_true(zf_finding_format(buf, sizeof(buf), fd) > 0);
	expect_true(strstr(buf, "ZF_INV_COUNTERS") && strstr(buf, "synthetic_site"));
	ofix_fini(&f);
	return true;
}

TEST(max_findings_caps_and_counts_the_rest)
{
	struct zf_config cfg;
	struct ofix f;
	default_cfg(&cfg);
	assert_true(ofix_init(&f, &cfg, 0, 0));
	zf_oracles_destroy(f.s);
	struct zf_oracle_options o = {.enabled = 0, .walk_interval = 0, .max_findings = 2};
	f.s = zf_oracles_create(&o);
	assert_true(f.s != NULL);
	zf_oracles_reset(f.s, f.m);
	for (int i = 0; i < 5; i++)
		bad_drain(&f);
	expect_eq(zf_oracles_nr_findings(f.s), 2);
	expect_eq(zf_oracles_nr_dropped(f.s), 3);
	expect_true(zf_oracles_finding(f.s, 2) == NULL);
	/* reset starts a new run */
	zf_oracles_reset(f.s, f.m);
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	expect_eq(zf_oracles_nr_dropped(f.s), 0);
	ofix_fini(&f);
	return true;
}

TEST(walks_run_every_walk_interval_ops_and_report_a_state_once)
{
	struct zf_config cfg;
	struct ofix f;
	default_cfg(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("counters"), 3));
	/* a counter one page off: NR_FREE_PAGES != pages on the lists (spec §2) */
	f.m->nodes[0].node_zones[ZONE_NORMAL].vm_stat[NR_FREE_PAGES] += 1;
	for (uint64_t op = 0; op < 2; op++) {
		zf_oracles_begin_op(f.s, f.m, op);
		zf_oracles_end_op(f.s, f.m, op);
	}
	expect_eq(zf_oracles_nr_findings(f.s), 0);
	zf_oracles_begin_op(f.s, f.m, 2);
	zf_oracles_end_op(f.s, f.m, 2);
	expect_eq(zf_oracles_nr_findings(f.s), 1);
	expect_true(ofix_has(&f, "counters", "NR_FREE_PAGES"));
	const struct zf_finding *fd = zf_oracles_finding(f.s, 0);
	expect_true(!strcmp(fd->func, "oracle walk"));
	expect_eq(fd->event_seq, 0);
	expect_eq(fd->op_index, 2);
	/* the same broken state at the next walks is not filed again */
	for (uint64_t op = 3; op < 9; op++) {
		zf_oracles_begin_op(f.s, f.m, op);
		zf_oracles_end_op(f.s, f.m, op);
	}
	zf_oracles_finish(f.s, f.m);
	expect_eq(zf_oracles_nr_findings(f.s), 1);
	expect_true(zf_oracles_nr_dropped(f.s) >= 2);
	f.m->nodes[0].node_zones[ZONE_NORMAL].vm_stat[NR_FREE_PAGES] -= 1;
	ofix_fini(&f);
	return true;
}

TEST(fresh_machine_passes_every_walk)
{
	struct zf_config cfg;
	struct ofix f;
	for (int p = 0; p < ZF_NR_PROFILES; p++) {
		default_cfg(&cfg);
		cfg.profile = (enum zf_profile_id)p;
		assert_true(ofix_init(&f, &cfg, 0, 1));
		zf_oracles_finish(f.s, f.m);
		if (zf_oracles_nr_findings(f.s))
			ofix_dump(&f);
		expect_eq(zf_oracles_nr_findings(f.s), 0);
		ofix_fini(&f);
	}
	return true;
}

ZF_TEST_MAIN("oracles_registry", ZF_CASE(registry_lists_every_oracle_with_a_stable_id),
	     ZF_CASE(enabled_mask_selects_the_oracles_that_run),
	     ZF_CASE(finding_reports_the_event_site),
	     ZF_CASE(max_findings_caps_and_counts_the_rest),
	     ZF_CASE(walks_run_every_walk_interval_ops_and_report_a_state_once),
	     ZF_CASE(fresh_machine_passes_every_walk))
