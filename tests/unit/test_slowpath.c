// SPDX-License-Identifier: MIT
/*
 * test_slowpath.c - __alloc_pages_slowpath of 4.12 and its profile switches
 * and planted bugs, driven through real machines (spec §5, §5.10, §8,
 * §11 items 11-13; planted-bugs.md B4 B5 B6 B21).
 *
 * Most tests start from an "exhausted" machine: a hog task fills memory with
 * GFP_NOWAIT allocations (no direct reclaim, no OOM), which stop at each
 * zone's MIN watermark (spec §5.10: !can_direct_reclaim fails after the MIN
 * attempt). The hog's pages are not on the LRU, so nothing is reclaimable.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/* ---- helpers ---- */

static struct zf_machine *make_machine(const struct zf_config *cfg)
{
	char err[256] = "";
	struct zf_machine *m = zf_machine_create(cfg, err, sizeof(err));

	if (!m)
		fprintf(stderr, "  zf_machine_create: %s\n", err);
	return m;
}

static int new_task(struct zf_machine *m, const char *name, uint32_t flags, uint32_t mems,
		    uint32_t policy)
{
	struct zf_task_config tc = {.name = name,
				    .cpu = 0,
				    .flags = flags,
				    .mems_allowed = mems,
				    .mempolicy_nodes = policy};

	return zf_task_create(m, &tc);
}

static int alloc(struct zf_machine *m, int task, gfp_t gfp, unsigned int order,
		 struct zf_alloc_result *res)
{
	struct zf_alloc_request req = {
	    .task = task, .gfp = gfp, .order = order, .preferred_nid = -1, .nodemask = 0};

	return zf_alloc_pages(m, &req, res);
}

/* pages the hog holds, so a yield callback can give them back */
#define MAX_HELD 70000
struct held {
	uint64_t pfn[MAX_HELD];
	unsigned int n;
};
static struct held hog_pages;

/*
 * Exhaust with GFP_NOWAIT for each class zone (NORMAL, DMA32, DMA): every
 * zone ends at or below its MIN watermark for its own class (lowmem reserves
 * included). Returns the number of pages taken.
 */
static unsigned int exhaust(struct zf_machine *m, int task)
{
	static const gfp_t zone_bits[] = {0, __GFP_DMA32, __GFP_DMA};
	struct zf_alloc_result res;
	unsigned int n = 0;

	for (unsigned int i = 0; i < sizeof(zone_bits) / sizeof(zone_bits[0]); i++) {
		while (alloc(m, task, ZF_GFP_NOWAIT | __GFP_NOWARN | zone_bits[i], 0, &res) == 0) {
			if (hog_pages.n < MAX_HELD)
				hog_pages.pfn[hog_pages.n++] = res.pfn;
			n++;
		}
	}
	return n;
}

/* Event log */
struct ev_log {
	unsigned int count[ZF_NR_EVENTS];
	unsigned int labels[ZF_NR_LABELS];
	unsigned int gotos[ZF_NR_GOTOS];
	unsigned int may_oom[ZF_NR_OOM_SKIPS];
	unsigned int yields[ZF_NR_YIELD_POINTS];
};

/* Yield action, run once at a chosen point */
struct yield_action {
	enum zf_yield_point at;
	unsigned int skip; /* let this many matching yields pass first */
	bool done;
	void (*fn)(struct zf_machine *m, struct yield_action *ya);
	int task;
	uint32_t mems;
	int zone_id;
	unsigned int nr_free;
};

struct harness {
	struct ev_log log;
	struct yield_action ya;
};

static void ev_hook(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct harness *h = priv;

	(void)m;
	h->log.count[ev->type]++;
	if (ev->type == ZF_EV_SLOWPATH_LABEL && ev->label < ZF_NR_LABELS)
		h->log.labels[ev->label]++;
	if (ev->type == ZF_EV_SLOWPATH_GOTO && ev->label < ZF_NR_GOTOS)
		h->log.gotos[ev->label]++;
	if (ev->type == ZF_EV_MAY_OOM && ev->label < ZF_NR_OOM_SKIPS)
		h->log.may_oom[ev->label]++;
	if (ev->type == ZF_EV_YIELD && ev->label < ZF_NR_YIELD_POINTS)
		h->log.yields[ev->label]++;
}

static void yield_hook(void *priv, struct zf_machine *m, enum zf_yield_point yp, int task)
{
	struct harness *h = priv;

	(void)task;
	if (!h->ya.fn || h->ya.done || yp != h->ya.at)
		return;
	if (h->ya.skip) {
		h->ya.skip--;
		return;
	}
	h->ya.done = true;
	h->ya.fn(m, &h->ya);
}

static void set_harness(struct zf_machine *m, struct harness *h)
{
	struct zf_hooks hooks = {.priv = h, .on_event = ev_hook, .on_yield = yield_hook};

	zf_machine_set_hooks(m, &hooks);
}

static struct zf_machine *exhausted_machine(struct zf_config *cfg, int *hog)
{
	struct zf_machine *m = make_machine(cfg);

	if (!m)
		return NULL;
	hog_pages.n = 0;
	*hog = new_task(m, "hog", 0, 0, 0);
	if (*hog < 0 || exhaust(m, *hog) < 1000) {
		zf_machine_destroy(m);
		return NULL;
	}
	return m;
}

static int zone_node(int zone_id)
{
	return zone_id / ZF_MAX_NR_ZONES;
}

/* ---- §5.10 / §11 item 12: __GFP_NORETRY ---- */

TEST(noretry_one_reclaim_no_oom)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	uint64_t fails;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "a", 0, 0, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	fails = zf_inspect_vmstat(m, ZF_VM_alloc_fail); /* the hog's last NOWAIT attempts */
	expect_eq(alloc(m, t, GFP_KERNEL | __GFP_NORETRY, 0, &res), -1);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_true(res.slowpath);
	expect_eq(res.direct_reclaim_calls, 1);
	expect_eq(res.oom_invoked, 0);
	expect_eq(res.retries, 0);
	expect_true(res.warned_failure);
	expect_eq(h.log.gotos[ZF_GOTO_NOPAGE_NORETRY], 1);
	/* every label of the failure path, once */
	expect_eq(h.log.labels[ZF_LABEL_RETRY_CPUSET], 1);
	expect_eq(h.log.labels[ZF_LABEL_RETRY], 1);
	expect_eq(h.log.labels[ZF_LABEL_NOPAGE], 1);
	expect_eq(h.log.labels[ZF_LABEL_FAIL], 1);
	expect_eq(h.log.labels[ZF_LABEL_GOT_PG], 1);
	expect_eq(h.log.count[ZF_EV_WARN_ALLOC], 1);
	/* __GFP_NOWARN silences the failure report (not the vmstat) */
	expect_eq(alloc(m, t, GFP_KERNEL | __GFP_NORETRY | __GFP_NOWARN, 0, &res), -1);
	expect_false(res.warned_failure);
	expect_eq(h.log.count[ZF_EV_WARN_ALLOC], 1);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_alloc_fail), fails + 2);
	zf_machine_destroy(m);
	return true;
}

/* ---- costly orders (spec §5.4, §5.10) ---- */

/*
 * order 4 without __GFP_REPEAT: one round (early async compaction, one
 * direct reclaim, one more compaction), then nopage; never OOM.
 */
TEST(costly_without_repeat_single_round)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "a", 0, 0, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	expect_eq(alloc(m, t, GFP_KERNEL | __GFP_NOWARN, 4, &res), -1);
	expect_eq(res.direct_reclaim_calls, 1);
	expect_eq(res.direct_compact_calls, 2);
	expect_eq(res.nr_compact_results, 2);
	expect_eq(res.retries, 0);
	expect_eq(res.oom_invoked, 0);
	expect_eq(h.log.gotos[ZF_GOTO_NOPAGE_COSTLY_NO_REPEAT], 1);
	zf_machine_destroy(m);
	return true;
}

/*
 * order 4 with __GFP_REPEAT, GFP_NOIO, anon memory that the request cannot
 * swap (no __GFP_IO) but that zone_reclaimable_pages() counts (swap space is
 * free): should_reclaim_retry() keeps finding a zone that would pass MIN
 * with the reclaimable pages, and costly orders always count as no progress,
 * so it loops exactly MAX_RECLAIM_RETRIES (16) times; then may_oom skips the
 * costly order: fail, no OOM (spec §5.7, §5.10).
 */
TEST(costly_with_repeat_loops_then_fails)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	struct zf_zone_info zi;
	bool high_block = false;
	int filler, t;

	zf_config_default(&cfg);
	m = make_machine(&cfg);
	assert_true(m != NULL);
	filler = new_task(m, "anon", 0, 0, 0);
	t = new_task(m, "a", 0, 0, 0);
	/*
	 * anon pages down to the MIN watermark, without reclaim and without
	 * waking kswapd: kswapd (GFP_KERNEL) could swap them out while the
	 * request loops (each retry pass lets other CPUs' work run), which is
	 * not the rule under test.
	 */
	assert_true(zf_lru_fill(m, filler, ZF_LRU_ANON, 1u << 20,
				__GFP_HIGHMEM | __GFP_MOVABLE | __GFP_NOWARN) > 1000);
	/* precondition of the loop: a free block of order >= 4 on a normal list somewhere */
	for (int zid = 0; zid < 3; zid++) {
		zf_inspect_zone(m, zid, &zi);
		for (int o = 4; o < 11; o++)
			for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
				if (zf_inspect_list_len(m, zid, (unsigned int)o, mt))
					high_block = true;
	}
	assert_true(high_block);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	/* GFP_NOIO without __GFP_KSWAPD_RECLAIM: direct reclaim cannot swap */
	expect_eq(alloc(m, t, __GFP_DIRECT_RECLAIM | __GFP_REPEAT | __GFP_NOWARN, 4, &res), -1);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_eq(res.retries, MAX_RECLAIM_RETRIES);
	expect_eq(h.log.gotos[ZF_GOTO_RETRY_SHOULD_RECLAIM], MAX_RECLAIM_RETRIES);
	expect_eq(res.direct_reclaim_calls, MAX_RECLAIM_RETRIES + 1);
	expect_eq(res.oom_invoked, 0);
	expect_eq(h.log.may_oom[ZF_OOM_SKIP_COSTLY], 1);
	zf_machine_destroy(m);
	return true;
}

/* ---- atomic (spec §5.1, §5.10) ---- */

/*
 * GFP_ATOMIC digs below MIN (ALLOC_HIGH|ALLOC_HARDER, no ALLOC_CPUSET) and
 * never reclaims: when it fails it fails at "!can_direct_reclaim".
 */
TEST(atomic_no_reclaim)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	unsigned int got = 0;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "irq", 0, 0, 0);
	assert_eq(alloc(m, t, ZF_GFP_ATOMIC_MASK, 0, &res), 0);
	expect_true(res.slowpath);
	expect_eq(res.alloc_flags, ALLOC_WMARK_MIN | ALLOC_HIGH | ALLOC_HARDER);
	expect_eq(res.direct_reclaim_calls, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	while (alloc(m, t, ZF_GFP_ATOMIC_MASK | __GFP_NOWARN, 0, &res) == 0) {
		expect_eq(res.direct_reclaim_calls, 0);
		got++;
	}
	expect_true(got > 0);
	expect_eq(res.direct_reclaim_calls, 0);
	expect_eq(res.oom_invoked, 0);
	expect_eq(res.retries, 0);
	expect_eq(h.log.gotos[ZF_GOTO_NOPAGE_NO_DIRECT_RECLAIM], 1);
	zf_machine_destroy(m);
	return true;
}

/* ---- __GFP_NOFAIL (spec §5.4 nopage, §5.9, §11 item 11) ---- */

/*
 * GFP_NOFS|__GFP_NOFAIL: out_of_memory() fakes progress for !__GFP_FS (no
 * kill), and NOFAIL then takes a page from the full reserves
 * (cpuset_fallback with ALLOC_NO_WATERMARKS, first with ALLOC_CPUSET).
 */
TEST(nofail_nofs_never_null)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "a", 0, 0, 0);
	assert_eq(alloc(m, t, ZF_GFP_NOFS | __GFP_NOFAIL, 0, &res), 0);
	expect_true(res.pfn != ZF_NO_PAGE);
	expect_eq(res.oom_invoked, 1);
	expect_eq(res.oom_killed, ZF_NO_TASK);
	expect_eq(res.alloc_flags, ALLOC_NO_WATERMARKS | ALLOC_CPUSET);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 0);
	zf_machine_destroy(m);
	return true;
}

/*
 * A lowmem NOFAIL request skips the OOM killer (the skip conditions come
 * before the NOFAIL rule) and gets its page in nopage: from
 * cpuset_fallback(ALLOC_HARDER), i.e. 3/4 of the MIN watermark.
 * Planted bug B21 (pre-4.10) lets NOFAIL override the skip: OOM is invoked.
 */
TEST(nofail_lowmem_fallback_and_b21)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "a", 0, 0, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	assert_eq(alloc(m, t, GFP_KERNEL | __GFP_DMA32 | __GFP_NOFAIL, 0, &res), 0);
	expect_eq(res.oom_invoked, 0);
	expect_eq(res.alloc_flags, ALLOC_HARDER | ALLOC_CPUSET);
	expect_eq(h.log.may_oom[ZF_OOM_SKIP_LOWMEM], 1);
	expect_eq(h.log.gotos[ZF_GOTO_GOT_PG_NOFAIL_FALLBACK], 1);
	zf_machine_destroy(m);

	cfg.bugs = ZF_BUG_B21;
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "a", 0, 0, 0);
	assert_eq(alloc(m, t, GFP_KERNEL | __GFP_DMA32 | __GFP_NOFAIL, 0, &res), 0);
	expect_true(res.oom_invoked >= 1);
	zf_machine_destroy(m);
	return true;
}

/* ---- !__GFP_FS (spec §5.9, §5.10, §11 item 13) ---- */

/*
 * GFP_NOFS reaches out_of_memory(), which kills nothing and reports
 * progress; 4.12 then loops for ever (a real 4.12 livelock, spec §5.10), so
 * the watchdog stops it after cfg.max_retries re-entries of retry:.
 */
TEST(nofs_fake_progress_livelock)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	int hog, t;

	zf_config_default(&cfg);
	cfg.max_retries = 30;
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "fs", 0, 0, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	expect_eq(alloc(m, t, ZF_GFP_NOFS, 0, &res), -1);
	expect_eq(res.status, ZF_ALLOC_ABORTED);
	expect_eq(res.retries, 31);
	expect_eq(res.oom_invoked, 31);
	expect_eq(res.oom_killed, ZF_NO_TASK);
	expect_eq(h.log.count[ZF_EV_WATCHDOG], 1);
	expect_eq(h.log.gotos[ZF_GOTO_RETRY_OOM_PROGRESS], 31);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 0);
	expect_false(res.warned_failure);
	zf_machine_destroy(m);
	return true;
}

/* ---- lowmem and THISNODE never OOM (spec §5.9) ---- */

TEST(lowmem_and_thisnode_no_oom)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "a", 0, 0, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	expect_eq(alloc(m, t, GFP_KERNEL | __GFP_DMA32, 0, &res), -1);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_eq(res.oom_invoked, 0);
	expect_eq(h.log.may_oom[ZF_OOM_SKIP_LOWMEM], 1);
	expect_true(res.warned_failure);
	expect_eq(alloc(m, t, GFP_KERNEL | __GFP_THISNODE, 0, &res), -1);
	expect_eq(res.oom_invoked, 0);
	expect_eq(h.log.may_oom[ZF_OOM_SKIP_THISNODE], 1);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 0);
	zf_machine_destroy(m);
	return true;
}

/* ---- PF_MEMALLOC (spec §5.2, §5.4) ---- */

/*
 * A PF_MEMALLOC task gets ALLOC_NO_WATERMARKS (by assignment) and never
 * enters direct reclaim; when even the reserves are gone it fails at the
 * PF_MEMALLOC check.
 */
TEST(pf_memalloc_no_reclaim_recursion)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	unsigned int n = 0;
	int hog, t;

	zf_config_default(&cfg);
	m = exhausted_machine(&cfg, &hog);
	assert_true(m != NULL);
	t = new_task(m, "kswapd-like", ZF_PF_MEMALLOC, 0, 0);
	assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_eq(res.alloc_flags, ALLOC_NO_WATERMARKS);
	expect_eq(res.direct_reclaim_calls, 0);
	memset(&h, 0, sizeof(h));
	set_harness(m, &h);
	while (alloc(m, t, GFP_KERNEL | __GFP_NOWARN, 0, &res) == 0 && n < 100000)
		n++;
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_eq(res.direct_reclaim_calls, 0);
	expect_eq(res.oom_invoked, 0);
	expect_eq(h.log.gotos[ZF_GOTO_NOPAGE_PF_MEMALLOC], 1);
	expect_eq(h.log.count[ZF_EV_DIRECT_RECLAIM_BEGIN], 0);
	zf_machine_destroy(m);
	return true;
}

/* ---- cpusets (spec §5.4 retry_cpuset, §5.10) ---- */

static void change_mems(struct zf_machine *m, struct yield_action *ya)
{
	zf_task_set_mems(m, ya->task, ya->mems);
}

static void two_node_config(struct zf_config *cfg)
{
	zf_config_default(cfg);
	cfg->nr_nodes = 2;
	cfg->zone_pages[1][ZONE_NORMAL] = 8192;
	cfg->nr_cpus = 2;
}

/*
 * Node 0 exhausted, node 1 free; the task's cpuset is node 0. 4.12's
 * should_reclaim_retry() has no cpuset filter, so node 1's free memory keeps
 * it retrying for MAX_RECLAIM_RETRIES rounds; then, at the yield before OOM,
 * the cpuset changes to node 1: read_mems_allowed_retry() sends the
 * allocation back to retry_cpuset, which finds node 1. No OOM.
 */
TEST(cpuset_change_restarts_at_retry_cpuset)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	static struct harness h;
	int hog, t;

	two_node_config(&cfg);
	m = make_machine(&cfg);
	assert_true(m != NULL);
	hog_pages.n = 0;
	hog = new_task(m, "hog", 0, 1u << 0, 0);
	assert_true(hog > 0);
	assert_true(exhaust(m, hog) > 1000);
	t = new_task(m, "a", 0, 1u << 0, 0);
	assert_true(t > 0);
	memset(&h, 0, sizeof(h));
	h.ya = (struct yield_action){
	    .at = ZF_YIELD_BEFORE_OOM, .fn = change_mems, .task = t, .mems = 1u << 1};
	set_harness(m, &h);
	assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_true(h.ya.done);
	expect_eq(zone_node(res.zone_id), 1);
	expect_eq(res.retry_cpuset, 1);
	expect_eq(res.retries, MAX_RECLAIM_RETRIES);
	expect_eq(res.oom_invoked, 0);
	expect_eq(h.log.gotos[ZF_GOTO_RETRY_CPUSET_BEFORE_OOM], 1);
	expect_eq(h.log.labels[ZF_LABEL_RETRY_CPUSET], 2);
	zf_machine_destroy(m);
	return true;
}

/*
 * B6 (4.13 check_retry_cpuset): the task's MPOL_BIND policy is node 1
 * (exhausted); while it allocates, its cpuset moves to node 0. The 4.13
 * profile drops the stale policy mask before OOM and allocates on node 0;
 * with B6 the eligible set stays empty and the OOM killer runs.
 */
TEST(check_retry_cpuset_and_b6)
{
	struct zf_config cfg;
	static struct harness h;
	struct zf_alloc_result res;

	for (int bug = 0; bug < 2; bug++) {
		struct zf_machine *m;
		int hog, t;

		two_node_config(&cfg);
		cfg.profile = ZF_PROFILE_4_13;
		cfg.max_retries = 200;
		cfg.bugs = bug ? ZF_BUG_B6 : 0;
		m = make_machine(&cfg);
		assert_true(m != NULL);
		hog_pages.n = 0;
		hog = new_task(m, "hog1", 0, 1u << 1, 0);
		assert_true(exhaust(m, hog) > 1000);
		t = new_task(m, "a", 0, (1u << 0) | (1u << 1), 1u << 1);
		assert_true(t > 0);
		memset(&h, 0, sizeof(h));
		h.ya = (struct yield_action){.at = ZF_YIELD_AFTER_WAKE_KSWAPD,
					     .fn = change_mems,
					     .task = t,
					     .mems = 1u << 0};
		set_harness(m, &h);
		alloc(m, t, GFP_KERNEL | __GFP_NOWARN, 0, &res);
		expect_true(h.ya.done);
		if (!bug) {
			expect_eq(res.status, ZF_ALLOC_OK);
			expect_eq(zone_node(res.zone_id), 0);
			expect_eq(res.oom_invoked, 0);
			expect_eq(h.log.gotos[ZF_GOTO_RESTART_CHECK_RETRY_CPUSET], 1);
		} else {
			expect_true(res.oom_invoked >= 1);
			expect_eq(h.log.gotos[ZF_GOTO_RESTART_CHECK_RETRY_CPUSET], 0);
		}
		zf_machine_destroy(m);
	}
	return true;
}

/*
 * B5 (the 4.7-4.9 state): the slow path keeps the fast path's preferred
 * zoneref, computed with the old cpuset (node 1, exhausted). After the cpuset
 * moves to node 0, 4.12 recomputes the zoneref and allocates on node 0; with
 * B5 the zonelist walk still starts at node 1's zone: premature OOM (which
 * may end with the task itself killed and served from the reserves).
 */
TEST(b5_stale_preferred_zoneref)
{
	struct zf_config cfg;
	static struct harness h;
	struct zf_alloc_result res;

	for (int bug = 0; bug < 2; bug++) {
		struct zf_machine *m;
		int hog, t;

		two_node_config(&cfg);
		cfg.max_retries = 200;
		cfg.bugs = bug ? ZF_BUG_B5 : 0;
		m = make_machine(&cfg);
		assert_true(m != NULL);
		hog_pages.n = 0;
		hog = new_task(m, "hog1", 0, 1u << 1, 0);
		assert_true(exhaust(m, hog) > 1000);
		t = new_task(m, "a", 0, 1u << 1, 0);
		memset(&h, 0, sizeof(h));
		h.ya = (struct yield_action){.at = ZF_YIELD_AFTER_WAKE_KSWAPD,
					     .fn = change_mems,
					     .task = t,
					     .mems = 1u << 0};
		set_harness(m, &h);
		alloc(m, t, GFP_KERNEL | __GFP_NOWARN, 0, &res);
		expect_true(h.ya.done);
		if (!bug) {
			expect_eq(res.status, ZF_ALLOC_OK);
			expect_eq(zone_node(res.zone_id), 0);
			expect_eq(res.oom_invoked, 0);
		} else {
			expect_true(res.oom_invoked >= 1);
		}
		zf_machine_destroy(m);
	}
	return true;
}

/* ---- zonelist rebuild (6.1) and B4 ---- */

static void free_hog_and_offline(struct zf_machine *m, struct yield_action *ya)
{
	unsigned int freed = 0;

	for (unsigned int i = 0; i < hog_pages.n && freed < ya->nr_free; i++) {
		int zid = zf_inspect_pfn_zone(m, hog_pages.pfn[i]);

		if (zid == ZONE_NORMAL && zf_free_pages(m, ya->task, hog_pages.pfn[i], 0) == 0) {
			hog_pages.pfn[i] = ZF_NO_PAGE;
			freed++;
		}
	}
	zf_offline_zone(m, ya->zone_id);
}

/*
 * 6.1 profile, node 0 with DMA, DMA32, NORMAL and MOVABLE; zonelist
 * [Movable, Normal, DMA32, DMA]; a GFP_KERNEL request's preferred zoneref is
 * index 1 (Normal). Everything is exhausted; at the yield before OOM the hog
 * frees NORMAL pages and MOVABLE is offlined, which rebuilds the zonelist to
 * [Normal, DMA32, DMA]. 6.1 restarts (zonelist_update_seq) and allocates from
 * NORMAL; with B4 the stale index 1 now starts the walk at DMA32 and NORMAL's
 * free pages are never seen: OOM.
 */
TEST(zonelist_seq_restart_and_b4)
{
	struct zf_config cfg;
	static struct harness h;
	struct zf_alloc_result res;

	for (int bug = 0; bug < 2; bug++) {
		struct zf_machine *m;
		int hog, t;

		zf_config_default(&cfg);
		cfg.profile = ZF_PROFILE_6_1;
		cfg.zone_pages[0][ZONE_MOVABLE] = 2048;
		cfg.max_retries = 200;
		cfg.bugs = bug ? ZF_BUG_B4 : 0;
		m = exhausted_machine(&cfg, &hog);
		assert_true(m != NULL);
		t = new_task(m, "a", 0, 0, 0);
		memset(&h, 0, sizeof(h));
		h.ya = (struct yield_action){.at = ZF_YIELD_BEFORE_OOM,
					     .fn = free_hog_and_offline,
					     .task = hog,
					     .zone_id = ZONE_MOVABLE,
					     .nr_free = 2000};
		set_harness(m, &h);
		alloc(m, t, GFP_KERNEL | __GFP_NOWARN, 0, &res);
		expect_true(h.ya.done);
		if (!bug) {
			expect_eq(res.status, ZF_ALLOC_OK);
			expect_eq(res.zone_id, ZONE_NORMAL);
			expect_eq(res.oom_invoked, 0);
			expect_eq(h.log.gotos[ZF_GOTO_RESTART_ZONELIST], 1);
		} else {
			expect_eq(h.log.gotos[ZF_GOTO_RESTART_ZONELIST], 0);
			expect_true(res.oom_invoked >= 1);
		}
		zf_machine_destroy(m);
	}
	return true;
}

/* ---- OOM kill (spec §5.9) ---- */

/*
 * No swap, memory held by anon pages of two tasks and the hog: a GFP_KERNEL
 * request finds nothing reclaimable and the OOM killer picks the task with
 * the biggest rss; it exits at the next sleep, and the retry gets a page.
 */
TEST(oom_kills_biggest_task)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	struct zf_task_info ti;
	int big, small, hog, t;

	zf_config_default(&cfg);
	cfg.swap_pages = 0;
	m = make_machine(&cfg);
	assert_true(m != NULL);
	big = new_task(m, "big", 0, 0, 0);
	small = new_task(m, "small", 0, 0, 0);
	assert_eq(zf_lru_fill(m, big, ZF_LRU_ANON, 3000, 0), 3000);
	assert_eq(zf_lru_fill(m, small, ZF_LRU_ANON, 200, 0), 200);
	hog_pages.n = 0;
	hog = new_task(m, "hog", 0, 0, 0);
	assert_true(exhaust(m, hog) > 1000);
	t = new_task(m, "a", 0, 0, 0);
	assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_eq(res.oom_invoked, 1);
	expect_eq(res.oom_killed, big);
	zf_inspect_task(m, big, &ti);
	expect_false(ti.alive);
	zf_inspect_task(m, small, &ti);
	expect_true(ti.alive);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 1);
	zf_machine_destroy(m);
	return true;
}

/* ---- stall warning (4.9-4.14, removed in 4.15) ---- */

static void advance_6s(struct zf_machine *m, struct yield_action *ya)
{
	zf_advance_time(m, 6 * HZ);
	ya->done = false; /* every time */
}

/*
 * Each pass through retry: advances virtual time by 6 s. The check
 * "jiffies > alloc_start + stall_timeout" fires at 12 s, 24 s and 36 s
 * (stall_timeout 10, 20, 30 s) within the 6 passes the watchdog allows with
 * max_retries = 5; the report ignores __GFP_NOWARN. 4.15 has no stall check.
 */
TEST(stall_warning_profile)
{
	struct zf_config cfg;
	static struct harness h;
	struct zf_alloc_result res;

	for (int p = 0; p < 2; p++) {
		struct zf_machine *m;
		int hog, t;

		zf_config_default(&cfg);
		cfg.profile = p ? ZF_PROFILE_4_15 : ZF_PROFILE_4_12;
		cfg.max_retries = 5;
		m = exhausted_machine(&cfg, &hog);
		assert_true(m != NULL);
		t = new_task(m, "fs", 0, 0, 0);
		memset(&h, 0, sizeof(h));
		h.ya = (struct yield_action){.at = ZF_YIELD_AT_RETRY, .fn = advance_6s};
		set_harness(m, &h);
		expect_eq(alloc(m, t, ZF_GFP_NOFS | __GFP_NOWARN, 0, &res), -1);
		expect_eq(res.status, ZF_ALLOC_ABORTED);
		expect_eq(res.stall_warnings, p ? 0 : 3);
		expect_eq(zf_inspect_vmstat(m, ZF_VM_alloc_stall_warn), p ? 0 : 3);
		zf_machine_destroy(m);
	}
	return true;
}

/* ---- helpers of §5.7 / §5.8 directly ---- */

/*
 * should_compact_retry (spec §5.8): order 0 never; SUCCESS counts retries up
 * to 16 (4 costly) then escalates the priority once per level down to
 * SYNC_FULL (SYNC_LIGHT costly); COMPLETE escalates at once.
 */
TEST(should_compact_retry_rules)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct alloc_context ac;
	int prio;
	unsigned int retries;
	unsigned int n;

	zf_config_default(&cfg);
	m = make_machine(&cfg);
	assert_true(m != NULL);
	memset(&ac, 0, sizeof(ac));
	ac.high_zoneidx = ZONE_NORMAL;
	ac.preferred_zoneref = 0;

	prio = DEF_COMPACT_PRIORITY;
	retries = 0;
	expect_false(should_compact_retry(m, &ac, 0, 0, COMPACT_SUCCESS, &prio, &retries));

	/* order 2, SUCCESS: 16 retries, then one escalation to SYNC_FULL, 16 more, then stop */
	n = 0;
	while (should_compact_retry(m, &ac, 2, 0, COMPACT_SUCCESS, &prio, &retries) && n < 100)
		n++;
	expect_eq(n, 16 + 1 + 16);
	expect_eq(prio, COMPACT_PRIO_SYNC_FULL);

	/* costly order 4: max 16/4 = 4 retries, no escalation below SYNC_LIGHT */
	prio = DEF_COMPACT_PRIORITY;
	retries = 0;
	n = 0;
	while (should_compact_retry(m, &ac, 4, 0, COMPACT_SUCCESS, &prio, &retries) && n < 100)
		n++;
	expect_eq(n, 4);
	expect_eq(prio, COMPACT_PRIO_SYNC_LIGHT);

	/* COMPLETE: escalate once (order 2), then give up */
	prio = DEF_COMPACT_PRIORITY;
	retries = 5;
	expect_true(should_compact_retry(m, &ac, 2, 0, COMPACT_COMPLETE, &prio, &retries));
	expect_eq(prio, COMPACT_PRIO_SYNC_FULL);
	expect_eq(retries, 0);
	expect_false(should_compact_retry(m, &ac, 2, 0, COMPACT_COMPLETE, &prio, &retries));
	zf_machine_destroy(m);
	return true;
}

/* gfp_to_alloc_flags (spec §5.1) */
TEST(gfp_to_alloc_flags_rules)
{
	struct zf_config cfg;
	struct zf_machine *m;
	int rt;

	zf_config_default(&cfg);
	m = make_machine(&cfg);
	assert_true(m != NULL);
	expect_eq(gfp_to_alloc_flags(m, GFP_KERNEL), ALLOC_WMARK_MIN | ALLOC_CPUSET);
	expect_eq(gfp_to_alloc_flags(m, ZF_GFP_NOWAIT), ALLOC_WMARK_MIN | ALLOC_CPUSET);
	expect_eq(gfp_to_alloc_flags(m, ZF_GFP_ATOMIC_MASK), ALLOC_HIGH | ALLOC_HARDER);
	expect_eq(gfp_to_alloc_flags(m, ZF_GFP_ATOMIC_MASK | __GFP_NOMEMALLOC), ALLOC_HIGH);
	expect_eq(gfp_to_alloc_flags(m, GFP_HIGHUSER_MOVABLE),
		  ALLOC_WMARK_MIN | ALLOC_CPUSET | ALLOC_CMA);
	rt = new_task(m, "rt", ZF_TASK_RT, 0, 0);
	zf_set_current(m, rt);
	expect_eq(gfp_to_alloc_flags(m, GFP_KERNEL), ALLOC_CPUSET | ALLOC_HARDER);
	zf_task_set_flags(m, rt, ZF_TASK_IN_INTERRUPT, 0);
	expect_eq(gfp_to_alloc_flags(m, GFP_KERNEL), ALLOC_CPUSET);
	/* PF_MEMALLOC outside interrupts: reserves; __GFP_NOMEMALLOC forbids them */
	zf_task_set_flags(m, rt, ZF_PF_MEMALLOC, ZF_TASK_IN_INTERRUPT);
	expect_true(gfp_pfmemalloc_allowed(m, GFP_KERNEL));
	expect_false(gfp_pfmemalloc_allowed(m, GFP_KERNEL | __GFP_NOMEMALLOC));
	zf_set_current(m, -1);
	expect_true(gfp_pfmemalloc_allowed(m, GFP_KERNEL | __GFP_MEMALLOC));
	expect_false(gfp_pfmemalloc_allowed(m, GFP_KERNEL));
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("slowpath", ZF_CASE(noretry_one_reclaim_no_oom),
	     ZF_CASE(costly_without_repeat_single_round),
	     ZF_CASE(costly_with_repeat_loops_then_fails), ZF_CASE(atomic_no_reclaim),
	     ZF_CASE(nofail_nofs_never_null), ZF_CASE(nofail_lowmem_fallback_and_b21),
	     ZF_CASE(nofs_fake_progress_livelock), ZF_CASE(lowmem_and_thisnode_no_oom),
	     ZF_CASE(pf_memalloc_no_reclaim_recursion),
	     ZF_CASE(cpuset_change_restarts_at_retry_cpuset), ZF_CASE(check_retry_cpuset_and_b6),
	     ZF_CASE(b5_stale_preferred_zoneref), ZF_CASE(zonelist_seq_restart_and_b4),
	     ZF_CASE(oom_kills_biggest_task), ZF_CASE(stall_warning_profile),
	     ZF_CASE(should_compact_retry_rules), ZF_CASE(gfp_to_alloc_flags_rules))
