// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_kswapd.c - kswapd (kswapd.c) against spec §7.1 and the
 * oracle of §11.15, with and without planted bug B17.
 *
 * The machines have one node with a single ZONE_NORMAL of 8192 pages, so that
 * "balanced" means exactly "NORMAL meets its high watermark".
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

struct ev_log {
	unsigned int count[ZF_NR_EVENTS];
	struct zf_event last[ZF_NR_EVENTS];
	struct zf_event last_woken; /* last WAKE_KSWAPD with a = 1 */
};

static void log_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ev_log *log = priv;

	(void)m;
	if (ev->type < ZF_NR_EVENTS) {
		log->count[ev->type]++;
		log->last[ev->type] = *ev;
		if (ev->type == ZF_EV_WAKE_KSWAPD && ev->a == 1)
			log->last_woken = *ev;
	}
}

static struct zf_machine *mk_normal_only(uint64_t swap_pages, uint32_t bugs, struct ev_log *log)
{
	struct zf_config cfg;
	struct zf_hooks hooks = {0};
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.zone_pages[0][ZONE_DMA] = 0;
	cfg.zone_pages[0][ZONE_DMA32] = 0;
	cfg.zone_pages[0][ZONE_NORMAL] = 8192;
	cfg.swap_pages = swap_pages;
	cfg.bugs = bugs;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m) {
		fprintf(stderr, "zf_machine_create: %s\n", err);
		return NULL;
	}
	if (log) {
		memset(log, 0, sizeof(*log));
		hooks.priv = log;
		hooks.on_event = log_event;
		zf_machine_set_hooks(m, &hooks);
	}
	return m;
}

static int mk_task(struct zf_machine *m)
{
	struct zf_task_config tc = {.name = "t", .cpu = 0};

	return zf_task_create(m, &tc);
}

static struct zone *normal_zone(struct zf_machine *m)
{
	return &m->nodes[0].node_zones[ZONE_NORMAL];
}

/* The node's only zone at its high watermark, as pgdat_balanced tests it (spec §7.1). */
static bool normal_at_high(struct zf_machine *m, int order, int classzone)
{
	struct zone *z = normal_zone(m);

	return zone_watermark_ok_safe(z, (unsigned int)order, high_wmark_pages(z), classzone,
				      m->max_order);
}

TEST(wakeup_on_balanced_node_does_not_wake)
{
	struct ev_log log;
	struct zf_machine *m = mk_normal_only(0, 0, &log);
	struct pglist_data *pgdat;
	uint64_t wakeups0;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	wakeups0 = zf_inspect_vmstat(m, ZF_VM_kswapd_wakeups_woken);
	assert_true(pgdat->kswapd_sleeping);

	wakeup_kswapd(m, normal_zone(m), 2, ZONE_NORMAL);
	expect_false(pgdat->kswapd_woken);
	expect_true(pgdat->kswapd_sleeping);
	/* the request is recorded even when the thread is not woken */
	expect_eq(pgdat->kswapd_order, 2);
	expect_eq(pgdat->kswapd_classzone_idx, ZONE_NORMAL);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_kswapd_wakeups_woken), wakeups0);
	expect_eq(log.count[ZF_EV_WAKE_KSWAPD], 1);
	expect_eq(log.last[ZF_EV_WAKE_KSWAPD].a, 0);
	expect_eq(log.last[ZF_EV_WAKE_KSWAPD].b, ZONE_NORMAL);
	expect_eq(log.last[ZF_EV_WAKE_KSWAPD].zone_id, ZONE_NORMAL);

	/* a zone without managed pages is ignored entirely */
	wakeup_kswapd(m, &pgdat->node_zones[ZONE_DMA], 5, ZONE_DMA);
	expect_eq(log.count[ZF_EV_WAKE_KSWAPD], 1);
	expect_eq(pgdat->kswapd_order, 2);
	zf_machine_destroy(m);
	return true;
}

TEST(kswapd_balances_to_high_and_sleeps)
{
	struct ev_log log;
	struct zf_machine *m = mk_normal_only(0, 0, &log);
	struct pglist_data *pgdat;
	uint64_t outrun0, steal0;
	int t, classzone;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	t = mk_task(m);
	assert_true(t >= 0);
	/* page cache fills the node: the allocator reclaims directly and wakes kswapd */
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 8192, 0), 8192);
	assert_true(pgdat->kswapd_woken);
	classzone = pgdat->kswapd_classzone_idx;
	assert_true(classzone >= ZONE_NORMAL && classzone < MAX_NR_ZONES);
	assert_true(!normal_at_high(m, 0, classzone));

	outrun0 = zf_inspect_vmstat(m, ZF_VM_pageoutrun);
	steal0 = zf_inspect_vmstat(m, ZF_VM_pgsteal_kswapd);
	zf_advance_time(m, 1); /* the next sleep runs the woken kswapd */

	expect_true(normal_at_high(m, 0, classzone));
	expect_true(pgdat_balanced(m, pgdat, 0, classzone));
	expect_true(pgdat->kswapd_sleeping);
	expect_false(pgdat->kswapd_woken);
	expect_eq(pgdat->kswapd_failures, 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pageoutrun), outrun0 + 1);
	expect_true(zf_inspect_vmstat(m, ZF_VM_pgsteal_kswapd) > steal0);
	expect_eq(log.count[ZF_EV_KSWAPD_BALANCE], 1);
	expect_eq(log.last[ZF_EV_KSWAPD_BALANCE].a,
		  zf_inspect_vmstat(m, ZF_VM_pgsteal_kswapd) - steal0);
	expect_eq(log.count[ZF_EV_KSWAPD_SLEEP], 1);
	/* the pending request was consumed */
	expect_eq(pgdat->kswapd_order, 0);
	expect_eq(pgdat->kswapd_classzone_idx, MAX_NR_ZONES);

	/* balanced and asleep: a new wakeup does not wake it */
	wakeup_kswapd(m, normal_zone(m), 0, ZONE_NORMAL);
	expect_false(pgdat->kswapd_woken);
	zf_machine_destroy(m);
	return true;
}

/* Fill the node with anon pages it cannot reclaim (no swap) without invoking the OOM killer. */
static bool fill_unreclaimable(struct zf_machine *m, int t)
{
	uint64_t n = zf_lru_fill(m, t, ZF_LRU_ANON, 8192, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY);

	return n > 7000 && n < 8192;
}

/* Use up what was freed again with unreclaimable anon pages (stops at the first failure). */
static bool fill_more_unreclaimable(struct zf_machine *m, int t)
{
	uint64_t n = zf_lru_fill(m, t, ZF_LRU_ANON, 8192, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY);

	return n > 0 && n < 8192;
}

/* Oracle §11.15: 16 zero-progress runs make the node hopeless; wakeups stop until progress. */
TEST(kswapd_failures_stop_wakeups)
{
	struct ev_log log;
	struct zf_machine *m = mk_normal_only(0, 0, &log);
	struct pglist_data *pgdat;
	uint64_t outrun, wakeups;
	int t;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	t = mk_task(m);
	assert_true(fill_unreclaimable(m, t));
	assert_true(pgdat->kswapd_woken);

	for (unsigned int i = 1; i <= MAX_RECLAIM_RETRIES; i++) {
		zf_advance_time(m, 1);
		expect_eq(pgdat->kswapd_failures, i);
		if (i < MAX_RECLAIM_RETRIES)
			expect_true(
			    pgdat->kswapd_woken); /* unbalanced, not hopeless: stays awake */
	}
	expect_true(pgdat->kswapd_sleeping);
	expect_false(pgdat->kswapd_woken);

	outrun = zf_inspect_vmstat(m, ZF_VM_pageoutrun);
	wakeups = zf_inspect_vmstat(m, ZF_VM_kswapd_wakeups_woken);
	wakeup_kswapd(m, normal_zone(m), 0, ZONE_NORMAL);
	expect_false(pgdat->kswapd_woken);
	expect_eq(log.last[ZF_EV_WAKE_KSWAPD].a, 0);
	expect_eq(log.last[ZF_EV_WAKE_KSWAPD].c, MAX_RECLAIM_RETRIES);
	for (int i = 0; i < 5; i++)
		zf_advance_time(m, 1);
	expect_eq(pgdat->kswapd_failures, MAX_RECLAIM_RETRIES);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pageoutrun), outrun);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_kswapd_wakeups_woken), wakeups);

	/* memory freed without reclaim (munmap) and used again: still hopeless, no wakeup */
	expect_eq(zf_lru_release(m, t, ZF_LRU_ANON, 300), 300);
	zf_advance_time(m, 1);
	expect_true(fill_more_unreclaimable(m, t));
	expect_eq(pgdat->kswapd_failures, MAX_RECLAIM_RETRIES);
	expect_false(pgdat->kswapd_woken);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_kswapd_wakeups_woken), wakeups);

	/*
	 * Progress revives it: free some anon, then page cache that direct
	 * reclaim can take back; its progress resets kswapd_failures and the
	 * allocator's own wakeups get through again.
	 */
	expect_eq(zf_lru_release(m, t, ZF_LRU_ANON, 600), 600);
	expect_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 1200, GFP_HIGHUSER_MOVABLE | __GFP_NORETRY), 1200);
	expect_true(zf_inspect_vmstat(m, ZF_VM_pgsteal_direct) > 0);
	expect_eq(pgdat->kswapd_failures, 0);
	expect_true(pgdat->kswapd_woken);
	expect_true(zf_inspect_vmstat(m, ZF_VM_kswapd_wakeups_woken) > wakeups);
	zf_machine_destroy(m);
	return true;
}

/* B17 (c73322d098e4 reverted): kswapd never gives up on the hopeless node. */
TEST(b17_kswapd_spins_on_hopeless_node)
{
	struct ev_log log;
	struct zf_machine *m = mk_normal_only(0, ZF_BUG_B17, &log);
	struct pglist_data *pgdat;
	uint64_t outrun0;
	int t;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	t = mk_task(m);
	assert_true(fill_unreclaimable(m, t));
	assert_true(pgdat->kswapd_woken);
	outrun0 = zf_inspect_vmstat(m, ZF_VM_pageoutrun);

	for (int i = 0; i < 2 * MAX_RECLAIM_RETRIES; i++)
		zf_advance_time(m, 1);
	expect_eq(pgdat->kswapd_failures, 2 * MAX_RECLAIM_RETRIES);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pageoutrun), outrun0 + 2 * MAX_RECLAIM_RETRIES);
	expect_false(pgdat->kswapd_sleeping);
	expect_true(pgdat->kswapd_woken);

	/* munmap balances the node: kswapd sleeps without any reclaim progress */
	expect_eq(zf_lru_release(m, t, ZF_LRU_ANON, 600), 600);
	zf_advance_time(m, 1);
	expect_true(pgdat->kswapd_sleeping);
	expect_eq(pgdat->kswapd_failures, 2 * MAX_RECLAIM_RETRIES);

	/* the next pressure wakes it although the node is hopeless (what oracle §11.15 flags) */
	expect_true(fill_more_unreclaimable(m, t));
	expect_true(pgdat->kswapd_woken);
	expect_true(log.count[ZF_EV_WAKE_KSWAPD] > 0);
	expect_eq(log.last_woken.a, 1);
	expect_true(log.last_woken.c >= MAX_RECLAIM_RETRIES);
	zf_machine_destroy(m);
	return true;
}

/*
 * A high-order wakeup: kswapd reclaims for the order and falls back to
 * order-0 balancing once compact_gap(order) pages came back (spec §7.1); the
 * node ends balanced for the order it returned.
 */
TEST(kswapd_high_order_fallback)
{
	struct ev_log log;
	struct zf_machine *m = mk_normal_only(0, 0, &log);
	struct pglist_data *pgdat;
	const struct zf_event *bal;
	int t, classzone;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	t = mk_task(m);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 8192, 0), 8192);
	wakeup_kswapd(m, normal_zone(m), 9, ZONE_NORMAL);
	expect_eq(pgdat->kswapd_order, 9);
	classzone = pgdat->kswapd_classzone_idx;

	zf_run_kswapd(m, 0);
	assert_eq(log.count[ZF_EV_KSWAPD_BALANCE], 1);
	bal = &log.last[ZF_EV_KSWAPD_BALANCE];
	expect_eq(bal->order, 9);
	expect_true(bal->c == 0 || bal->c == 9);
	if (bal->c == 0)
		expect_true(bal->a >= (int64_t)compact_gap(9));
	expect_true(pgdat_balanced(m, pgdat, (int)bal->c, classzone));
	expect_true(pgdat->kswapd_sleeping);
	zf_machine_destroy(m);
	return true;
}

/* zf_run_kswapd on a node nobody woke balances the whole node and sleeps again. */
TEST(run_kswapd_unwoken_idle_node)
{
	struct ev_log log;
	struct zf_machine *m = mk_normal_only(0, 0, &log);
	uint64_t steal0;

	assert_true(m != NULL);
	steal0 = zf_inspect_vmstat(m, ZF_VM_pgsteal_kswapd);
	zf_run_kswapd(m, 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pgsteal_kswapd), steal0);
	expect_eq(log.count[ZF_EV_KSWAPD_BALANCE], 1);
	expect_eq(log.last[ZF_EV_KSWAPD_BALANCE].a, 0);
	expect_eq(m->nodes[0].kswapd_failures, 0); /* balanced at once: not a failure */
	expect_true(m->nodes[0].kswapd_sleeping);
	zf_run_kswapd(m, 3); /* no such node: nothing */
	expect_eq(log.count[ZF_EV_KSWAPD_BALANCE], 1);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("kswapd", ZF_CASE(wakeup_on_balanced_node_does_not_wake),
	     ZF_CASE(kswapd_balances_to_high_and_sleeps), ZF_CASE(kswapd_failures_stop_wakeups),
	     ZF_CASE(b17_kswapd_spins_on_hopeless_node), ZF_CASE(kswapd_high_order_fallback),
	     ZF_CASE(run_kswapd_unwoken_idle_node))
