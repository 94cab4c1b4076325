/* SPDX-License-Identifier: MIT */
/*
 * test_oracles_deviations.c - the three model deviations the soak found
 * (docs/known-findings.md, "Model deviations found") and the oracle checks
 * that replaced the workarounds for them:
 *  D1 zone_page_state() clamps a negative counter to 0 (SMP vmstat.h), while
 *     inspection keeps the raw value for ZF_INV_COUNTERS;
 *  D2 out_of_memory() emits OOM_INVOKE before mark_oom_victim(current);
 *  D3 a hot-remove that empties a cpuset's nodes moves its tasks to the root
 *     (cpuset_hotplug_workfn), and ZF_INV_PREMATURE_OOM reports an OOM of a
 *     task left in a cpuset without memory.
 * Plus the counter-sign check of ZF_INV_COUNTERS (mutation-testing.md: the
 * inspection API used to hide negative items).
 */
#include "test_oracles_fixture.h"

/* Default geometry (node 0: DMA 1024, DMA32 7168, Normal 8192) plus node 1 with a Normal zone. */
static void cfg_two_nodes(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->nr_nodes = 2;
	cfg->nr_cpus = 2;
	cfg->zone_pages[1][ZF_ZONE_NORMAL] = 4096;
}

static int normal_zone_id(int nid)
{
	return nid * ZF_MAX_NR_ZONES + ZF_ZONE_NORMAL;
}

/* D1: the clamped read, the fast watermark and the raw inspection value. */
TEST(d1_negative_free_pages_reads_as_zero)
{
	struct zf_config cfg;
	char err[256];
	zf_config_default(&cfg);
	struct zf_machine *m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m);
	struct zone *z = &m->nodes[0].node_zones[ZONE_NORMAL];
	int64_t free = z->vm_stat[NR_FREE_PAGES];
	assert_true(free > 0);
	/* the double-isolation drift of tests/known: the counter 32 pages below zero */
	z->vm_stat[NR_FREE_PAGES] = -32;
	expect_eq(zone_page_state(z, NR_FREE_PAGES), 0);
	expect_eq(zone_page_state_snapshot(z, NR_FREE_PAGES), 0);
	/* 4.12 compares (free - cma) with the mark in unsigned arithmetic: -32 would pass */
	expect_false(zone_watermark_fast(z, 0, z->watermark[WMARK_MIN], ZONE_NORMAL,
					 ALLOC_WMARK_MIN, m->max_order));
	expect_false(zone_watermark_ok(z, 0, 0, ZONE_NORMAL, ALLOC_WMARK_MIN, m->max_order));
	struct zf_zone_info zi;
	assert_eq(zf_inspect_zone(m, z->id, &zi), 0);
	expect_eq(zi.nr_free_pages, -32); /* raw: the drift stays visible */
	z->vm_stat[NR_FREE_PAGES] = free;
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free);
	expect_true(zone_watermark_fast(z, 0, z->watermark[WMARK_MIN], ZONE_NORMAL, ALLOC_WMARK_MIN,
					m->max_order));
	zf_machine_destroy(m);
	return true;
}

/*
 * D1 through the oracles: with NR_FREE_PAGES of ZONE_NORMAL drifted below
 * zero, an allocation must not take a page from it on the fast watermark
 * (ZF_INV_PLACEMENT stays quiet) while ZF_INV_COUNTERS reports the drift.
 */
TEST(d1_placement_quiet_counters_see_the_drift)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("placement") | ofix_only("counters"), 0));
	struct zone *z = &f.m->nodes[0].node_zones[ZONE_NORMAL];
	int64_t free = z->vm_stat[NR_FREE_PAGES];
	z->vm_stat[NR_FREE_PAGES] = -32;
	struct zf_alloc_result res;
	assert_eq(ofix_alloc(&f, f.task[0], ZF_GFP_KERNEL | ZF_GFP_NOWARN, 0, &res), 0);
	expect_eq(ofix_count(&f, "placement"), 0);
	if (res.status == ZF_ALLOC_OK)
		expect_ne(zf_inspect_pfn_zone(f.m, res.pfn), z->id);
	ofix_walk(&f);
	expect_true(ofix_has(&f, "counters", "NR_FREE_PAGES -32"));
	if (ofix_count(&f, "placement"))
		ofix_dump(&f);
	z->vm_stat[NR_FREE_PAGES] = free;
	ofix_fini(&f);
	return true;
}

/* D2: a hook that records, at OOM_INVOKE, whether current was already a victim. */
struct d2_log {
	struct zf_oracle_set *s;
	int invokes;
	bool victim_at_invoke;
	bool memdie_at_invoke;
};

static void d2_hook(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct d2_log *l = priv;
	if (ev->type == ZF_EV_OOM_INVOKE) {
		struct zf_task_info ti;
		l->invokes++;
		if (ev->task >= 0 && zf_inspect_task(m, ev->task, &ti) == 0) {
			l->victim_at_invoke |= ti.oom_victim;
			l->memdie_at_invoke |= (ti.flags & ZF_TIF_MEMDIE) != 0;
		}
	}
	if (l->s)
		zf_oracles_event_hook(l->s, m, ev);
}

TEST(d2_oom_invoke_precedes_marking_a_dying_current)
{
	struct zf_config cfg;
	char err[256];
	zf_config_default(&cfg);
	struct zf_machine *m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m);
	struct zf_task_config tc = {.name = "dying", .cpu = 0, .flags = ZF_TASK_FATAL_SIGNAL};
	int cur = zf_task_create(m, &tc);
	assert_true(cur >= 0);
	struct d2_log log = {0};
	struct zf_hooks h = {.priv = &log, .on_event = d2_hook};
	zf_machine_set_hooks(m, &h);

	struct alloc_context ac;
	memset(&ac, 0, sizeof(ac));
	ac.zonelist_which = ZONELIST_FALLBACK;
	ac.migratetype = MIGRATE_UNMOVABLE;
	ac.high_zoneidx = ZONE_NORMAL;
	struct oom_control oc;
	memset(&oc, 0, sizeof(oc));
	oc.ac = &ac;
	oc.gfp_mask = GFP_KERNEL;
	zf_set_current(m, cur);
	assert_true(mutex_trylock_oom(m));
	expect_true(out_of_memory(m, &oc));
	mutex_unlock_oom(m);
	zf_set_current(m, ZF_NO_TASK);
	expect_eq(log.invokes, 1);
	/* the model contract: OOM_INVOKE comes before any kill or mark */
	expect_false(log.victim_at_invoke);
	expect_false(log.memdie_at_invoke);
	/* ... and the mark does follow */
	expect_true(tsk_is_oom_victim(m, cur));
	expect_true(m->tasks[cur].flags & ZF_TIF_MEMDIE);
	zf_machine_destroy(m);
	return true;
}

/*
 * D2 through ZF_INV_PREMATURE_OOM, which no longer strips the mark: a dying
 * task confined to node 0 by its cpuset OOMs a __GFP_HARDWALL request while
 * node 1 has free memory. Judged at OOM_INVOKE, before mark_oom_victim()
 * opens the TIF_MEMDIE cpuset escape, node 1 is not eligible and the OOM is
 * not premature.
 */
TEST(d2_premature_oom_judges_a_dying_task_before_its_mark)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_two_nodes(&cfg);
	cfg.cpusets_enabled = true;
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE));
	int t = f.task[0];
	assert_eq(zf_task_set_mems(f.m, t, 1u), 0);
	uint64_t taken = ofix_exhaust(&f, t);
	assert_true(taken > 0);
	assert_eq(zf_task_set_flags(f.m, t, ZF_PF_EXITING, 0), 0);
	struct d2_log log = {.s = f.s};
	struct zf_hooks h = {.priv = &log, .on_event = d2_hook};
	zf_machine_set_hooks(f.m, &h);
	struct zf_alloc_result res;
	assert_eq(ofix_alloc(&f, t, ZF_GFP_KERNEL | ZF_GFP_HARDWALL | ZF_GFP_NOWARN, 0, &res), 0);
	expect_true(log.invokes >= 1);
	expect_false(log.memdie_at_invoke);
	expect_eq(ofix_count(&f, "premature-oom"), 0);
	if (ofix_count(&f, "premature-oom"))
		ofix_dump(&f);
	ofix_fini(&f);
	return true;
}

/* D3: the cpuset hotplug update after a hot-remove empties a task's nodes. */
TEST(d3_hot_remove_moves_tasks_of_an_empty_cpuset)
{
	struct zf_config cfg;
	char err[256];
	cfg_two_nodes(&cfg);
	cfg.cpusets_enabled = true;
	struct zf_machine *m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m);
	struct zf_task_config only1 = {.name = "only1", .cpu = 1, .mems_allowed = 2u};
	struct zf_task_config both = {.name = "both", .cpu = 0, .mems_allowed = 3u};
	struct zf_task_config only0 = {.name = "only0", .cpu = 0, .mems_allowed = 1u};
	int a = zf_task_create(m, &only1), b = zf_task_create(m, &both),
	    c = zf_task_create(m, &only0);
	assert_true(a >= 0 && b >= 0 && c >= 0);
	assert_eq(zf_task_set_mempolicy(m, a, 2u), 0);
	struct zf_task_info ti;
	assert_eq(zf_inspect_task(m, a, &ti), 0);
	uint32_t seq_a = ti.mems_seq;

	/* node 1 loses its only zone: it leaves N_MEMORY */
	assert_eq(zf_offline_zone(m, normal_zone_id(1)), 0);
	assert_eq(node_states_memory(m), 1u);
	assert_eq(zf_inspect_task(m, a, &ti), 0);
	expect_eq(ti.mems_allowed, 1u);    /* moved to the root: N_MEMORY */
	expect_ne(ti.mems_seq, seq_a);     /* through the seqcount: allocations retry */
	expect_eq(ti.mempolicy_nodes, 1u); /* the BIND policy rebound onto the new mems */
	assert_eq(zf_inspect_task(m, b, &ti), 0);
	expect_eq(ti.mems_allowed, 1u); /* mems & N_MEMORY */
	assert_eq(zf_inspect_task(m, c, &ti), 0);
	expect_eq(ti.mems_allowed, 1u); /* untouched */
	assert_eq(zf_inspect_task(m, 0, &ti), 0);
	expect_eq(ti.mems_allowed, 1u); /* init: the root cpuset */

	/* hot-add: the root follows N_MEMORY, a legacy child cpuset does not grow back */
	assert_eq(zf_online_zone(m, normal_zone_id(1)), 0);
	assert_eq(node_states_memory(m), 3u);
	assert_eq(zf_inspect_task(m, 0, &ti), 0);
	expect_eq(ti.mems_allowed, 3u);
	assert_eq(zf_inspect_task(m, b, &ti), 0);
	expect_eq(ti.mems_allowed, 1u);

	/* the allocation of the moved task is served from node 0, no OOM */
	struct zf_alloc_request rq = {
	    .task = a, .gfp = ZF_GFP_KERNEL, .order = 0, .preferred_nid = -1};
	struct zf_alloc_result res;
	assert_eq(zf_offline_zone(m, normal_zone_id(1)), 0);
	assert_eq(zf_alloc_pages(m, &rq, &res), 0);
	expect_eq(res.status, ZF_ALLOC_OK);
	expect_eq(res.oom_invoked, 0);
	zf_machine_destroy(m);
	return true;
}

/*
 * D3 through ZF_INV_PREMATURE_OOM: a task whose cpuset mems hold no memory at
 * its OOM is a stale cpuset (the hotplug update would have moved it). The
 * defect is planted by writing the stale mask back after the offline.
 */
TEST(d3_premature_oom_reports_a_cpuset_without_memory)
{
	struct zf_config cfg;
	struct ofix f;
	cfg_two_nodes(&cfg);
	cfg.cpusets_enabled = true;
	assert_true(ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE));
	int t = f.task[1];
	assert_eq(zf_task_set_mems(f.m, t, 2u), 0);
	assert_eq(zf_offline_zone(f.m, normal_zone_id(1)), 0);
	struct zf_task_info ti;
	assert_eq(zf_inspect_task(f.m, t, &ti), 0);
	assert_eq(ti.mems_allowed, 1u);
	/* the model as it was: the task keeps node 1 (planted defect) */
	f.m->tasks[t].mems_allowed = 2u;
	zf_oracles_reset(f.s, f.m);
	struct zf_alloc_result res;
	/* nothing on node 1: the request fails (its OOM finds nobody to kill) */
	expect_eq(ofix_alloc(&f, t, ZF_GFP_KERNEL | ZF_GFP_HARDWALL | ZF_GFP_NOWARN, 0, &res), -1);
	expect_true(res.oom_invoked > 0);
	expect_true(ofix_has(&f, "premature-oom", "hold no memory"));
	/* fixed back: the same request is served from node 0 without a finding */
	f.m->tasks[t].mems_allowed = 1u;
	f.m->tasks[t].mems_allowed_seq += 2;
	zf_oracles_reset(f.s, f.m);
	assert_eq(ofix_alloc(&f, t, ZF_GFP_KERNEL | ZF_GFP_HARDWALL | ZF_GFP_NOWARN, 0, &res), 0);
	expect_eq(res.status, ZF_ALLOC_OK);
	expect_eq(ofix_count(&f, "premature-oom"), 0);
	ofix_fini(&f);
	return true;
}

/*
 * ZF_INV_COUNTERS sees a negative vm_stat item that the unsigned inspection
 * fields read as 0 (the NR_PCP mutant of docs/mutation-testing.md: the
 * lists are empty and a clamped NR_PCP of -3 would compare equal to them).
 */
TEST(counters_report_a_negative_item)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("counters"), 0));
	ofix_walk(&f);
	expect_eq(ofix_count(&f, "counters"), 0);
	struct zone *z = &f.m->nodes[0].node_zones[ZONE_NORMAL];
	int64_t pcp = z->vm_stat[NR_PCP];
	assert_eq(pcp, 0);
	z->vm_stat[NR_PCP] = -3;
	struct zf_zone_info zi;
	assert_eq(zf_inspect_zone(f.m, z->id, &zi), 0);
	expect_eq(zi.nr_pcp, 0); /* the kernel reader's view */
	expect_eq(zi.raw.pcp, -3);
	ofix_walk(&f);
	expect_true(ofix_has(&f, "counters", "vm_stat NR_PCP is negative (-3)"));
	z->vm_stat[NR_PCP] = pcp;
	z->vm_stat[NR_ZONE_INACTIVE_FILE] -= 1;
	zf_oracles_reset(f.s, f.m);
	ofix_walk(&f);
	expect_true(ofix_has(&f, "counters", "NR_ZONE_INACTIVE_FILE is negative (-1)"));
	z->vm_stat[NR_ZONE_INACTIVE_FILE] += 1;
	zf_oracles_reset(f.s, f.m);
	ofix_walk(&f);
	expect_eq(ofix_count(&f, "counters"), 0);
	ofix_fini(&f);
	return true;
}

/*
 * The lower bound on reclaim retries (premature-oom). The request of an
 * unkillable task on exhausted memory: should_reclaim_retry() says "stop" at
 * once, rightly (no zone passes min with free + reclaimable) and the oracle
 * stays quiet. The planted defect: the hook lowers every min watermark to 0
 * while the model's "stop" is delivered, i.e. the model stops while a zone
 * would pass (what the `> 15` mutant of MAX_RECLAIM_RETRIES does).
 */
struct retry_hook {
	struct zf_oracle_set *s;
	bool plant;
	int stops;
};

static void retry_hook_fn(void *priv, const struct zf_machine *cm, const struct zf_event *ev)
{
	struct retry_hook *h = priv;
	struct zf_machine *m = (struct zf_machine *)(uintptr_t)cm;
	uint64_t saved[ZF_MAX_NUMNODES][MAX_NR_ZONES];
	bool plant = h->plant && ev->type == ZF_EV_SHOULD_RECLAIM_RETRY && ev->a == 0;
	if (ev->type == ZF_EV_SHOULD_RECLAIM_RETRY && ev->a == 0)
		h->stops++;
	if (plant)
		for (unsigned int n = 0; n < m->nr_nodes; n++)
			for (int i = 0; i < MAX_NR_ZONES; i++) {
				saved[n][i] = m->nodes[n].node_zones[i].watermark[WMARK_MIN];
				m->nodes[n].node_zones[i].watermark[WMARK_MIN] = 0;
			}
	zf_oracles_event_hook(h->s, cm, ev);
	if (plant)
		for (unsigned int n = 0; n < m->nr_nodes; n++)
			for (int i = 0; i < MAX_NR_ZONES; i++)
				m->nodes[n].node_zones[i].watermark[WMARK_MIN] = saved[n][i];
}

TEST(premature_oom_reclaim_retry_lower_bound)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		zf_config_default(&cfg);
		assert_true(
		    ofix_init_tasks(&f, &cfg, ofix_only("premature-oom"), 0, ZF_TASK_UNKILLABLE));
		assert_true(ofix_exhaust(&f, f.task[0]) > 0);
		struct retry_hook h = {.s = f.s, .plant = plant != 0};
		struct zf_hooks hk = {.priv = &h, .on_event = retry_hook_fn};
		zf_machine_set_hooks(f.m, &hk);
		struct zf_alloc_result res;
		ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_NOWARN, 0, &res);
		expect_true(h.stops > 0);
		if (plant) {
			expect_true(ofix_has(&f, "premature-oom", "should_reclaim_retry gave up"));
		} else {
			expect_false(ofix_has(&f, "premature-oom", "should_reclaim_retry gave up"));
			if (ofix_count(&f, "premature-oom"))
				ofix_dump(&f);
		}
		ofix_fini(&f);
	}
	return true;
}

/* order-bounds: an event's zone id is -1 or a zone of the machine. */
TEST(order_bounds_event_zone_ids)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("order-bounds"), 0));
	ofix_workload(&f, 7, 400);
	expect_eq(ofix_count(&f, "order-bounds"), 0);
	int nz = (int)f.m->nr_nodes * ZF_MAX_NR_ZONES;
	ofix_event(&f, ZF_EV_KSWAPD_SLEEP, 0, nz - 1, ZF_NO_PAGE, 0, 0, 0, 0, -1, 0, 0);
	ofix_event(&f, ZF_EV_WAKE_KSWAPD, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, -1, 0, 0);
	expect_eq(ofix_count(&f, "order-bounds"), 0);
	ofix_event(&f, ZF_EV_WAKE_KSWAPD, 0, nz + 1, ZF_NO_PAGE, 0, 1, 0, 0, -1, 0, 0);
	expect_true(ofix_has(&f, "order-bounds", "outside the machine's"));
	ofix_event(&f, ZF_EV_PAGE_FREE, 0, -2, 0, 0, 0, 0, 0, -1, 0, 0);
	expect_eq(ofix_count(&f, "order-bounds"), 2);
	ofix_fini(&f);
	return true;
}

/*
 * gfp: reclaim progress only from a reclaim that made some (or a fatal
 * signal: throttle_direct_reclaim). Crafted rounds of one order-0 GFP_KERNEL
 * allocation; the real model stays quiet on the mixed workload.
 */
TEST(gfp_progress_without_reclaim)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("gfp"), 0));
	ofix_workload(&f, 11, 400);
	expect_eq(ofix_count(&f, "gfp"), 0);
	zf_oracles_reset(f.s, f.m);
	int t = f.task[0];
	zf_gfp_t gfp = ZF_GFP_KERNEL;
	ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, gfp, 0);
	/* reclaim runs in the wrappers' PF_MEMALLOC scope (§5.5), as in the model */
	assert_eq(zf_task_set_flags(f.m, t, ZF_PF_MEMALLOC, 0), 0);
	/* a round whose reclaim made progress: fine */
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 0, 1, 2, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 0, 5, 12, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 0, 1, 0, 0, t, gfp, 0);
	/* a round without progress counted as none: fine */
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 0, 1, 2, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 0, 1, 1, 0, t, gfp, 0);
	expect_eq(ofix_count(&f, "gfp"), 0);
	assert_eq(zf_task_set_flags(f.m, t, 0, ZF_PF_MEMALLOC), 0);
	/* progress counted with no reclaim in the round (the M014 throttle mutant) */
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 0, 1, 0, 0, t, gfp, 0);
	expect_true(ofix_has(&f, "gfp", "counted reclaim progress"));
	size_t n = ofix_count(&f, "gfp");
	/* ... unless the task has a fatal signal pending (throttled and killed) */
	assert_eq(zf_task_set_flags(f.m, t, ZF_TASK_FATAL_SIGNAL, 0), 0);
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 0, 1, 0, 0, t, gfp, 0);
	expect_eq(ofix_count(&f, "gfp"), n);

	/*
	 * §5.7 the other way (M080 of round 2, order <= COSTLY - 1): a round
	 * with progress restarts the count for order <= 3 only; a costly order
	 * counts up whatever reclaim did (quiet: b = 1 at order 4).
	 */
	assert_eq(zf_task_set_flags(f.m, t, ZF_PF_MEMALLOC, 0), 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 3, 1, 2, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 3, 5, 12, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 4, 1, 1, 0, t, gfp, 0);
	expect_eq(ofix_count(&f, "gfp"), n);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_BEGIN, 0, -1, ZF_NO_PAGE, 3, 1, 2, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 3, 5, 12, 0, t, gfp, 0);
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 3, 1, 2, 0, t, gfp, 0);
	expect_true(ofix_has(&f, "gfp", "no_progress_loops at 2 (order 3 <= 3: want 0)"));
	expect_eq(ofix_count(&f, "gfp"), n + 1);
	ofix_event(&f, ZF_EV_SHOULD_RECLAIM_RETRY, 0, -1, ZF_NO_PAGE, 4, 1, 0, 0, t, gfp, 0);
	expect_true(ofix_has(&f, "gfp", "at 0 for costly order 4"));
	expect_eq(ofix_count(&f, "gfp"), n + 2);
	ofix_fini(&f);
	return true;
}

/*
 * gfp: early async compaction (§5.4). An order-2 GFP_KERNEL|__GFP_NORETRY
 * request on exhausted memory compacts before its first retry: (quiet); the
 * planted defect hides that COMPACT_TRY from the oracles (what the M015
 * mutant, early compaction only for reserve-allowed tasks, does), and a
 * PF_MEMALLOC task must not compact early at all.
 */
struct early_hook {
	struct zf_oracle_set *s;
	bool drop_early, add_early;
	bool after_retry;
	int dropped, added;
};

static void early_hook_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct early_hook *h = priv;
	if (ev->type == ZF_EV_SLOWPATH_LABEL && ev->label == ZF_LABEL_RETRY && !h->after_retry) {
		h->after_retry = true;
		if (h->add_early) {
			struct zf_event planted = *ev;
			planted.type = ZF_EV_COMPACT_TRY;
			planted.label = 0;
			h->added++;
			zf_oracles_event_hook(h->s, m, &planted);
		}
	}
	if (h->drop_early && !h->after_retry && ev->type == ZF_EV_COMPACT_TRY) {
		h->dropped++;
		return;
	}
	zf_oracles_event_hook(h->s, m, ev);
}

TEST(gfp_early_async_compaction)
{
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		zf_config_default(&cfg);
		assert_true(ofix_init_tasks(&f, &cfg, ofix_only("gfp"), 0, ZF_TASK_UNKILLABLE));
		assert_true(ofix_exhaust(&f, f.task[0]) > 0);
		struct early_hook h = {.s = f.s, .drop_early = plant != 0};
		struct zf_hooks hk = {.priv = &h, .on_event = early_hook_fn};
		zf_machine_set_hooks(f.m, &hk);
		struct zf_alloc_result res;
		ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_NORETRY | ZF_GFP_NOWARN, 2, &res);
		expect_true(h.after_retry);
		if (plant) {
			expect_true(h.dropped > 0);
			expect_true(ofix_has(&f, "gfp", "early async compaction skipped"));
		} else {
			expect_eq(ofix_count(&f, "gfp"), 0);
			ofix_dump(&f);
		}
		ofix_fini(&f);
	}
	/*
	 * The opposite defect: a PF_MEMALLOC task (reserves allowed) must not
	 * compact early; the hook plants a COMPACT_TRY just before retry:.
	 */
	for (int plant = 0; plant < 2; plant++) {
		struct zf_config cfg;
		struct ofix f;
		zf_config_default(&cfg);
		assert_true(ofix_init_tasks(&f, &cfg, ofix_only("gfp"), 0, ZF_TASK_UNKILLABLE));
		assert_true(ofix_exhaust(&f, f.task[0]) > 0);
		assert_eq(zf_task_set_flags(f.m, f.task[1], ZF_PF_MEMALLOC, 0), 0);
		struct early_hook h = {.s = f.s, .add_early = plant != 0};
		struct zf_hooks hk = {.priv = &h, .on_event = early_hook_fn};
		zf_machine_set_hooks(f.m, &hk);
		struct zf_alloc_result res;
		ofix_alloc(&f, f.task[1], ZF_GFP_KERNEL | ZF_GFP_NOWARN, 2, &res);
		expect_true(h.after_retry);
		expect_eq(h.added, plant);
		expect_eq(ofix_has(&f, "gfp", "early async compaction run"), plant != 0);
		ofix_fini(&f);
	}
	return true;
}

ZF_TEST_MAIN("oracles_deviations", ZF_CASE(d1_negative_free_pages_reads_as_zero),
	     ZF_CASE(d1_placement_quiet_counters_see_the_drift),
	     ZF_CASE(d2_oom_invoke_precedes_marking_a_dying_current),
	     ZF_CASE(d2_premature_oom_judges_a_dying_task_before_its_mark),
	     ZF_CASE(d3_hot_remove_moves_tasks_of_an_empty_cpuset),
	     ZF_CASE(d3_premature_oom_reports_a_cpuset_without_memory),
	     ZF_CASE(counters_report_a_negative_item),
	     ZF_CASE(premature_oom_reclaim_retry_lower_bound), ZF_CASE(order_bounds_event_zone_ids),
	     ZF_CASE(gfp_progress_without_reclaim), ZF_CASE(gfp_early_async_compaction))
