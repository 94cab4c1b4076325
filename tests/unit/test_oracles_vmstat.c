/* SPDX-License-Identifier: MIT */
/*
 * test_oracles_vmstat.c - ZF_INV_VMSTAT: the /proc/vmstat event counters
 * agree with the trace events at their sites. The model under a mixed
 * workload with reclaim, compaction, kswapd and kcompactd must stay quiet;
 * the mutants that survived mutation testing as "statistics only"
 * (docs/mutation-testing.md: a deleted count_vm_event() or counter update)
 * are planted test-only, by taking the count back from the machine's
 * counter as the event goes by, and must be reported.
 */
#include "test_oracles_fixture.h"

static int normal_zone(void)
{
	return ZF_ZONE_NORMAL;
}

enum plant_kind {
	PLANT_NONE = 0,
	PLANT_MIGRATE_SCANNED,  /* total_migrate_scanned never summed (compaction.c) */
	PLANT_FREE_SCANNED,     /* the free scanner's nr_scanned lost */
	PLANT_PCP_DRAIN,        /* count_vm_event(PCP_DRAIN) deleted */
	PLANT_KSWAPD_WAKEUPS,   /* count_vm_event(KSWAPD_WAKEUPS) deleted */
	PLANT_PGACTIVATE,       /* shrink_page_list's PGACTIVATE deleted */
	PLANT_PGSCAN,           /* PGSCAN_{KSWAPD,DIRECT} deleted */
	PLANT_PGALLOC,          /* PGALLOC_<zone> deleted */
	PLANT_EXTRA_ACTIVATE,   /* an activation without tracepoint: allowed (lower bound) */
	PLANT_RESULT_RECLAIMED, /* res->reclaimed += progress deleted (slowpath.c) */
	PLANT_PSWPOUT,          /* count_vm_event(PSWPOUT) deleted (shrink_page_list) */
	PLANT_ROUND_SCANNED,    /* sc->nr_scanned += nr_taken deleted (shrink_inactive_list) */
	PLANT_NR,
};

static const char *const plant_counter[PLANT_NR] = {
    [PLANT_MIGRATE_SCANNED] = "compact_migrate_scanned",
    [PLANT_FREE_SCANNED] = "compact_free_scanned",
    [PLANT_PCP_DRAIN] = "pcp_drain",
    [PLANT_KSWAPD_WAKEUPS] = "kswapd_wakeups_woken",
    [PLANT_PGACTIVATE] = "pgactivate",
    [PLANT_PGSCAN] = "pgscan_",
    [PLANT_PGALLOC] = "pgalloc_",
    [PLANT_RESULT_RECLAIMED] = "pages reclaimed",
    [PLANT_PSWPOUT] = "pswpout",
    [PLANT_ROUND_SCANNED] = "shrink_node round",
};

struct vm_plant {
	struct zf_oracle_set *s;
	enum plant_kind kind;
	uint64_t hits;    /* events the plant acted on (or could have) */
	uint64_t pswpout; /* PLANT_PSWPOUT: the counter as last left */
};

static void take(const struct zf_machine *cm, enum zf_vmstat_item i, int64_t n)
{
	/* the machine is the test's: the hook may touch it */
	struct zf_machine *m = (struct zf_machine *)cm;
	m->vmstat[i] -= (uint64_t)n;
}

static void vm_plant_fn(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct vm_plant *h = priv;
	switch (h->kind) {
	case PLANT_MIGRATE_SCANNED:
		if (ev->type == ZF_EV_ISOLATE_MIGRATEPAGES && ev->a > 0) {
			h->hits++;
			take(m, ZF_VM_compact_migrate_scanned, ev->a);
		}
		break;
	case PLANT_FREE_SCANNED:
		if (ev->type == ZF_EV_ISOLATE_FREEPAGES && ev->a > 0) {
			h->hits++;
			take(m, ZF_VM_compact_free_scanned, ev->a);
		}
		break;
	case PLANT_PCP_DRAIN:
		if (ev->type == ZF_EV_PCPU_DRAIN && ev->label == 0) {
			h->hits++;
			take(m, ZF_VM_pcp_drain, 1);
		}
		break;
	case PLANT_KSWAPD_WAKEUPS:
		if (ev->type == ZF_EV_WAKE_KSWAPD && ev->a == 1) {
			h->hits++;
			take(m, ZF_VM_kswapd_wakeups_woken, 1);
		}
		break;
	case PLANT_PGACTIVATE:
		if (ev->type == ZF_EV_LRU_SHRINK_INACTIVE && ev->c > 0) {
			h->hits++;
			take(m, ZF_VM_pgactivate, ev->c);
		}
		break;
	case PLANT_PGSCAN:
		if (ev->type == ZF_EV_LRU_SHRINK_INACTIVE && ev->a > 0) {
			h->hits++;
			take(m, ev->label ? ZF_VM_pgscan_kswapd : ZF_VM_pgscan_direct, ev->a);
		}
		break;
	case PLANT_PGALLOC:
		if (ev->type == ZF_EV_ALLOC_END && ev->pfn != ZF_NO_PAGE && ev->zone_id >= 0) {
			h->hits++;
			take(m,
			     (enum zf_vmstat_item)(ZF_VM_pgalloc_dma +
						   ev->zone_id % ZF_MAX_NR_ZONES),
			     INT64_C(1) << ev->order);
		}
		break;
	case PLANT_EXTRA_ACTIVATE:
		if (ev->type == ZF_EV_LRU_SHRINK_INACTIVE) {
			h->hits++;
			take(m, ZF_VM_pgactivate, -2);
		}
		break;
	case PLANT_PSWPOUT:
		/* every swap-out since the last event taken back */
		if (ev->type == ZF_EV_LRU_SHRINK_INACTIVE) {
			uint64_t now = zf_inspect_vmstat(m, ZF_VM_pswpout);
			if (now > h->pswpout) {
				h->hits++;
				take(m, ZF_VM_pswpout, (int64_t)(now - h->pswpout));
			}
			h->pswpout = zf_inspect_vmstat(m, ZF_VM_pswpout);
		}
		break;
	case PLANT_ROUND_SCANNED:
		if (ev->type == ZF_EV_SHRINK_NODE && ev->a > 0) {
			struct zf_event e = *ev;
			h->hits++;
			e.a = 0; /* what a round that never added nr_taken reports */
			zf_oracles_event_hook(h->s, m, &e);
			return;
		}
		break;
	case PLANT_RESULT_RECLAIMED:
		if (ev->type == ZF_EV_SLOWPATH_RESULT && ev->a > 0) {
			struct zf_event e = *ev;
			h->hits++;
			e.a = 0;
			zf_oracles_event_hook(h->s, m, &e);
			return;
		}
		break;
	default:
		break;
	}
	zf_oracles_event_hook(h->s, m, ev);
}

/*
 * The workload: the fixture's mix, then memory pressure (page cache and anon
 * pages filling the machine, order-0 and costly requests that reclaim and
 * compact), kswapd and kcompactd, and a drain.
 */
static void vm_workload(struct ofix *f, uint64_t seed)
{
	struct zf_alloc_result res;
	ofix_workload(f, seed, 1500);
	for (int t = 0; t < OFIX_TASKS; t++)
		zf_lru_fill(f->m, f->task[t], (enum zf_lru_kind)(t % 2), 3000, 0);
	for (unsigned int i = 0; i < 3000; i++) {
		unsigned int order = (i % 7 == 0) ? 4 : 0;
		zf_gfp_t gfp = (i % 3 == 0) ? ZF_GFP_HIGHUSER_MOVABLE : ZF_GFP_KERNEL;
		if (ofix_alloc(f, f->task[i % OFIX_TASKS], gfp | ZF_GFP_NOWARN | ZF_GFP_NORETRY,
			       order, &res) != 0)
			break;
	}
	zf_oracles_begin_op(f->s, f->m, f->op);
	zf_run_kswapd(f->m, 0);
	zf_compact_node(f->m, 0);
	zf_run_kcompactd(f->m, 0);
	zf_drain_all_pages(f->m);
	zf_oracles_end_op(f->s, f->m, f->op++);
	ofix_walk(f);
}

/* Anonymous memory only, then kernel allocations until reclaim has to swap. */
static void anon_pressure(struct ofix *f)
{
	struct zf_alloc_result res;
	for (int t = 0; t < OFIX_TASKS; t++)
		zf_lru_release(f->m, f->task[t], ZF_LRU_FILE, UINT64_MAX);
	for (int t = 0; t < OFIX_TASKS; t++)
		zf_lru_fill(f->m, f->task[t], ZF_LRU_ANON, 2000, 0);
	for (unsigned int i = 0; i < 4000; i++)
		if (ofix_alloc(f, f->task[i % OFIX_TASKS], ZF_GFP_KERNEL | ZF_GFP_NOWARN, 0,
			       &res) != 0)
			break;
	ofix_walk(f);
}

TEST(vmstat_quiet_on_the_model)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	cfg.swap_pages = 4096;
	assert_true(ofix_init(&f, &cfg, ofix_only("vmstat"), 1));
	vm_workload(&f, 7);
	anon_pressure(&f);
	expect_eq(ofix_count(&f, "vmstat"), 0);
	if (ofix_count(&f, "vmstat"))
		ofix_dump(&f);
	/* the workload reaches the counters the planted tests take from */
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_pgalloc_normal) > 0);
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_pcp_drain) > 0);
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_pgscan_kswapd) +
			zf_inspect_vmstat(f.m, ZF_VM_pgscan_direct) >
		    0);
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_compact_migrate_scanned) > 0);
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_compact_free_scanned) > 0);
	expect_true(zf_inspect_vmstat(f.m, ZF_VM_pswpout) > 0);
	ofix_fini(&f);
	return true;
}

TEST(vmstat_reports_a_lost_count)
{
	for (int k = PLANT_MIGRATE_SCANNED; k < PLANT_NR; k++) {
		struct zf_config cfg;
		struct ofix f;
		struct vm_plant h = {.kind = (enum plant_kind)k};
		zf_config_default(&cfg);
		cfg.swap_pages = 4096;
		assert_true(ofix_init(&f, &cfg, ofix_only("vmstat"), 1));
		h.s = f.s;
		struct zf_hooks hk = {.priv = &h, .on_event = vm_plant_fn};
		zf_machine_set_hooks(f.m, &hk);
		vm_workload(&f, 7);
		if (k == PLANT_PSWPOUT)
			anon_pressure(&f);
		if (k == PLANT_KSWAPD_WAKEUPS || k == PLANT_PGACTIVATE) {
			/* reached by this workload or not: judge only what happened */
			if (!h.hits) {
				expect_eq(ofix_count(&f, "vmstat"), 0);
				ofix_fini(&f);
				continue;
			}
		}
		expect_true(h.hits > 0);
		if (k == PLANT_EXTRA_ACTIVATE) {
			expect_eq(ofix_count(&f, "vmstat"), 0);
		} else {
			expect_true(ofix_count(&f, "vmstat") >= 1);
			expect_true(ofix_has(&f, "vmstat", plant_counter[k]));
			if (!ofix_has(&f, "vmstat", plant_counter[k]))
				fprintf(stderr, "    plant %d (%s): %llu hits\n", k,
					plant_counter[k], (unsigned long long)h.hits);
		}
		ofix_fini(&f);
	}
	return true;
}

/* A synthetic stream: events without their counts, every counter named in one finding. */
TEST(vmstat_synthetic_events)
{
	struct zf_config cfg;
	struct ofix f;
	zf_config_default(&cfg);
	assert_true(ofix_init(&f, &cfg, ofix_only("vmstat"), 0));
	ofix_event(&f, ZF_EV_KCOMPACTD_WAKE, 0, -1, ZF_NO_PAGE, 0, 3, 2, 0, -1, 0, 0);
	ofix_event(&f, ZF_EV_MIGRATE_PAGES, 0, 2, ZF_NO_PAGE, 0, 5, 1, 0, -1, 0, 0);
	/* shrink_page_list put 3 pages back active: PGACTIVATE is a lower bound */
	ofix_event(&f, ZF_EV_LRU_SHRINK_INACTIVE, 0, -1, ZF_NO_PAGE, 0, 0, 0, 3, 0, 0, 0);
	ofix_walk(&f);
	expect_eq(ofix_count(&f, "vmstat"), 1);
	expect_true(ofix_has(&f, "vmstat", "compact_daemon_wake counted 0, events 1"));
	expect_true(ofix_has(&f, "vmstat", "pgmigrate_success counted 0, events 5"));
	expect_true(ofix_has(&f, "vmstat", "pgmigrate_fail counted 0, events 1"));
	expect_true(ofix_has(&f, "vmstat", "pgactivate counted 0, events >= 3"));
	/* the same finding is not repeated by later walks */
	ofix_walk(&f);
	expect_eq(ofix_count(&f, "vmstat"), 1);
	ofix_fini(&f);
	return true;
}

/* The allocation's record against its reclaim and nofail events (synthetic streams). */
TEST(vmstat_allocation_record)
{
	static const struct {
		int64_t ends[2]; /* DIRECT_RECLAIM_END a, -1: none */
		int nofail;      /* RETRY_NOFAIL gotos */
		int64_t a, b, c; /* SLOWPATH_RESULT: reclaimed, calls, nofail_loops */
		bool finding;
		const char *text;
	} cases[] = {
	    {{5, 3}, 0, 8, 2, 0, false, NULL},
	    {{5, -1}, 0, 6, 2, 0, false, NULL},                 /* one throttled call: progress 1 */
	    {{5, 3}, 0, 0, 2, 0, true, "pages reclaimed"},      /* += deleted */
	    {{5, 3}, 0, -8, 2, 0, true, "pages reclaimed"},     /* -= */
	    {{5, -1}, 0, 7, 2, 0, true, "pages reclaimed"},     /* more than 1 per silent call */
	    {{5, 3}, 0, 8, 1, 0, true, "direct reclaim calls"}, /* calls lost */
	    {{-1, -1}, 3, 0, 0, 3, false, NULL},
	    {{-1, -1}, 3, 0, 0, 0, true, "__GFP_NOFAIL loops"}, /* nofail_loops++ deleted */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct zf_config cfg;
		struct ofix f;
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("vmstat"), 0));
		int t = f.task[0];
		ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
			   0);
		/* a nested allocation's reclaim is its own */
		ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
			   0);
		ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 0, 40, 0, 0, t,
			   ZF_GFP_KERNEL, 0);
		ofix_event(&f, ZF_EV_SLOWPATH_RESULT, 0, -1, ZF_NO_PAGE, 0, 40, 1, 0, t,
			   ZF_GFP_KERNEL, 0);
		ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 0);
		for (int k = 0; k < 2; k++)
			if (cases[i].ends[k] >= 0)
				ofix_event(&f, ZF_EV_DIRECT_RECLAIM_END, 0, -1, ZF_NO_PAGE, 0,
					   cases[i].ends[k], 0, 0, t, ZF_GFP_KERNEL, 0);
		for (int k = 0; k < cases[i].nofail; k++)
			ofix_event(&f, ZF_EV_SLOWPATH_GOTO, ZF_GOTO_RETRY_NOFAIL, -1, ZF_NO_PAGE, 0,
				   0, 0, 0, t, ZF_GFP_KERNEL | ZF_GFP_NOFAIL, 0);
		ofix_event(&f, ZF_EV_SLOWPATH_RESULT, 0, -1, ZF_NO_PAGE, 0, cases[i].a, cases[i].b,
			   cases[i].c, t, ZF_GFP_KERNEL, 0);
		ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 0);
		expect_eq(ofix_count(&f, "vmstat"), cases[i].finding ? 1 : 0);
		if (cases[i].text)
			expect_true(ofix_has(&f, "vmstat", cases[i].text));
		if (ofix_count(&f, "vmstat") != (cases[i].finding ? 1u : 0u)) {
			fprintf(stderr, "    case %zu\n", i);
			ofix_dump(&f);
		}
		ofix_fini(&f);
	}
	return true;
}

/* The free scanner's nr_scanned against the pfns it passed (synthetic ISOLATE_FREEPAGES). */
TEST(vmstat_free_scanner_count)
{
	static const struct {
		uint64_t start, stop;
		int64_t scanned;
		bool finding;
	} cases[] = {
	    {1024, 1536, 40, false}, {1024, 1024, 0, false},
	    {1024, 1025, 2, false},  {1024, 1536, 0, true}, /* the nr_scanned++ deleted */
	    {1024, 1030, 8, true},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct zf_config cfg;
		struct ofix f;
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("vmstat"), 0));
		ofix_event(&f, ZF_EV_ISOLATE_FREEPAGES, 0, normal_zone(), cases[i].stop, 0,
			   cases[i].scanned, 0, (int64_t)cases[i].start, -1, 0, 0);
		expect_eq(ofix_count(&f, "vmstat"), cases[i].finding ? 1 : 0);
		if (cases[i].finding)
			expect_true(ofix_has(&f, "vmstat", "free scanner"));
		ofix_fini(&f);
	}
	return true;
}

/* 4.9-4.14 stall reports: the k-th one more than k * 10 s after the slow path began. */
TEST(vmstat_stall_report_timing)
{
	for (int plant = 0; plant < 3; plant++) {
		struct zf_config cfg;
		struct ofix f;
		zf_config_default(&cfg);
		assert_true(ofix_init(&f, &cfg, ofix_only("vmstat"), 0));
		int t = f.task[0];
		ofix_event(&f, ZF_EV_ALLOC_BEGIN, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
			   0);
		ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY_CPUSET, -1, ZF_NO_PAGE, 0, 0, 0,
			   0, t, ZF_GFP_KERNEL, 0);
		/* plant 1: the first report at once (alloc_start - stall_timeout) */
		if (plant != 1)
			zf_advance_time(f.m, 10 * ZF_HZ + 1);
		ofix_event(&f, ZF_EV_WARN_ALLOC, 1, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
			   0);
		/* a retry_cpuset goto keeps alloc_start; plant 2: the next report 10 s too early */
		ofix_event(&f, ZF_EV_SLOWPATH_LABEL, ZF_LABEL_RETRY_CPUSET, -1, ZF_NO_PAGE, 0, 0, 0,
			   0, t, ZF_GFP_KERNEL, 0);
		zf_advance_time(f.m, plant == 2 ? 5 * ZF_HZ : 10 * ZF_HZ);
		ofix_event(&f, ZF_EV_WARN_ALLOC, 1, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL,
			   0);
		ofix_event(&f, ZF_EV_ALLOC_END, 0, -1, ZF_NO_PAGE, 0, 0, 0, 0, t, ZF_GFP_KERNEL, 0);
		expect_eq(ofix_count(&f, "vmstat"), plant ? 1 : 0);
		if (plant)
			expect_true(ofix_has(&f, "vmstat", "stall report"));
		ofix_fini(&f);
	}
	return true;
}

ZF_TEST_MAIN("oracles_vmstat", ZF_CASE(vmstat_quiet_on_the_model),
	     ZF_CASE(vmstat_reports_a_lost_count), ZF_CASE(vmstat_synthetic_events),
	     ZF_CASE(vmstat_allocation_record), ZF_CASE(vmstat_stall_report_timing),
	     ZF_CASE(vmstat_free_scanner_count))
