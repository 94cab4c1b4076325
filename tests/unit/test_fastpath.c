// SPDX-License-Identifier: MIT
/*
 * test_fastpath.c - the zonelist iterators, __alloc_pages_nodemask's fast
 * path, get_page_from_freelist, rmqueue, prep_new_page and the free path
 * (spec §1.3, §4.1-§4.3, §4.6, docs/model-contract.md). Expected numbers come
 * from the spec's formulas, not from running the model.
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

static struct zf_machine *default_machine(void)
{
	struct zf_config cfg;

	zf_config_default(&cfg);
	return make_machine(&cfg);
}

static int new_task(struct zf_machine *m, const char *name, uint32_t flags)
{
	struct zf_task_config tc = {.name = name, .cpu = 0, .flags = flags};

	return zf_task_create(m, &tc);
}

static int alloc(struct zf_machine *m, int task, gfp_t gfp, unsigned int order,
		 struct zf_alloc_result *res)
{
	struct zf_alloc_request req = {
	    .task = task, .gfp = gfp, .order = order, .preferred_nid = -1, .nodemask = 0};

	return zf_alloc_pages(m, &req, res);
}

static int64_t nr_free(struct zf_machine *m, int zone_id)
{
	struct zf_zone_info zi;

	zf_inspect_zone(m, zone_id, &zi);
	return zi.nr_free_pages;
}

static uint64_t nr_allocated(struct zf_machine *m, int zone_id)
{
	struct zf_zone_info zi;

	zf_inspect_zone(m, zone_id, &zi);
	return zi.nr_allocated;
}

/* Event counting hook */
struct ev_log {
	unsigned int count[ZF_NR_EVENTS];
	unsigned int gotos[ZF_NR_GOTOS];
	const char *last_goto_func;
	unsigned int try_zone_bypass; /* GPFF_TRY_ZONE with a = 1 */
};

static void ev_hook(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ev_log *log = priv;

	(void)m;
	log->count[ev->type]++;
	if (ev->type == ZF_EV_SLOWPATH_GOTO && ev->label < ZF_NR_GOTOS) {
		log->gotos[ev->label]++;
		log->last_goto_func = ev->func;
	}
	if (ev->type == ZF_EV_GPFF_TRY_ZONE && ev->a == 1)
		log->try_zone_bypass++;
}

static void set_log(struct zf_machine *m, struct ev_log *log)
{
	struct zf_hooks h = {.priv = log, .on_event = ev_hook};

	memset(log, 0, sizeof(*log));
	zf_machine_set_hooks(m, &h);
}

/* Exhaust memory with GFP_NOWAIT: it stops at the MIN watermark (no reclaim, spec §5.10). */
static unsigned int exhaust_nowait(struct zf_machine *m, int task)
{
	struct zf_alloc_result res;
	unsigned int n = 0;

	while (alloc(m, task, ZF_GFP_NOWAIT | __GFP_NOWARN, 0, &res) == 0)
		n++;
	return n;
}

/* A zone id on node 0 */
#define ZID_DMA    0
#define ZID_DMA32  1
#define ZID_NORMAL 2

/* ---- zonelists (spec §1.3) ---- */

/*
 * Two nodes: node 0 has DMA, DMA32, NORMAL; node 1 only NORMAL. Node 0's
 * fallback zonelist is its own zones highest first, then node 1's:
 *   [0] N0 Normal (2)  [1] N0 DMA32 (1)  [2] N0 DMA (0)  [3] N1 Normal (6)  [4] end
 */
TEST(zonelist_iterators)
{
	struct zf_config cfg;
	struct zf_machine *m;
	const struct zonelist *zl;
	struct alloc_context ac;

	zf_config_default(&cfg);
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZONE_NORMAL] = 4096;
	m = make_machine(&cfg);
	assert_true(m != NULL);
	zl = &m->nodes[0].node_zonelists[ZONELIST_FALLBACK];
	assert_eq(zl->zoneref[0], 2);
	assert_eq(zl->zoneref[3], 6);
	assert_eq(zl->zoneref[4], -1);

	expect_eq(first_zones_zonelist(m, zl, ZONE_NORMAL, 0), 0);
	expect_eq(first_zones_zonelist(m, zl, ZONE_DMA32, 0), 1);
	expect_eq(first_zones_zonelist(m, zl, ZONE_DMA, 0), 2);
	expect_eq(first_zones_zonelist(m, zl, ZONE_NORMAL, 1u << 1), 3);
	expect_eq(first_zones_zonelist(m, zl, ZONE_DMA32, 1u << 1), -1); /* N1 has no DMA32 */
	expect_eq(next_zones_zonelist(m, zl, 1, ZONE_NORMAL, 0), 1);
	expect_eq(next_zones_zonelist(m, zl, 3, ZONE_NORMAL, 1u << 0), -1);
	/* a start index at or past the terminator: no zone (the stale zoneref of B4) */
	expect_eq(next_zones_zonelist(m, zl, 4, ZONE_NORMAL, 0), -1);
	expect_eq(next_zones_zonelist(m, zl, 7, ZONE_NORMAL, 0), -1);
	expect_eq(next_zones_zonelist(m, zl, -1, ZONE_NORMAL, 0), -1);

	memset(&ac, 0, sizeof(ac));
	ac.zonelist_nid = 0;
	ac.zonelist_which = ZONELIST_FALLBACK;
	ac.high_zoneidx = ZONE_NORMAL;
	ac.preferred_zoneref = 1;
	expect_eq(ac_classzone_idx(m, &ac), ZONE_DMA32);
	expect_eq(ac_preferred_zone(m, &ac)->id, 1);
	ac.preferred_zoneref = 3;
	expect_eq(ac_classzone_idx(m, &ac), ZONE_NORMAL);
	ac.preferred_zoneref = 5; /* past the terminator: zone NULL, terminator zone_idx 0 */
	expect_true(ac_preferred_zone(m, &ac) == NULL);
	expect_eq(ac_classzone_idx(m, &ac), 0);
	/* THISNODE uses the NOFALLBACK list: only node 1's own zones */
	zl = &m->nodes[1].node_zonelists[gfp_zonelist(__GFP_THISNODE)];
	expect_eq(zl->zoneref[0], 6);
	expect_eq(zl->zoneref[1], -1);
	zf_machine_destroy(m);
	return true;
}

/* ---- fast path (spec §4.1) ---- */

/* gfp_zone picks the highest usable zone; the zonelist walk starts there. */
TEST(fastpath_zone_choice)
{
	struct zf_machine *m = default_machine();
	struct zf_alloc_result res;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	assert_true(t > 0);
	assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_eq(res.status, ZF_ALLOC_OK);
	expect_eq(res.zone_id, ZID_NORMAL);
	expect_false(res.slowpath);
	assert_eq(alloc(m, t, GFP_KERNEL | __GFP_DMA32, 0, &res), 0);
	expect_eq(res.zone_id, ZID_DMA32);
	assert_eq(alloc(m, t, GFP_KERNEL | __GFP_DMA, 0, &res), 0);
	expect_eq(res.zone_id, ZID_DMA);
	zf_machine_destroy(m);
	return true;
}

/*
 * Fast-path alloc_flags (spec §4.1): ALLOC_WMARK_LOW; with cpusets a NULL
 * nodemask becomes the cpuset's mems (no ALLOC_CPUSET), an explicit one gets
 * ALLOC_CPUSET; MOVABLE requests get ALLOC_CMA.
 */
TEST(fastpath_alloc_flags)
{
	struct zf_machine *m = default_machine();
	struct zf_alloc_result res;
	struct zf_alloc_request req;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_eq(res.alloc_flags, ALLOC_WMARK_LOW);
	assert_eq(alloc(m, t, GFP_HIGHUSER_MOVABLE, 0, &res), 0);
	expect_eq(res.alloc_flags, ALLOC_WMARK_LOW | ALLOC_CMA);
	req = (struct zf_alloc_request){
	    .task = t, .gfp = GFP_KERNEL, .order = 0, .preferred_nid = 0, .nodemask = 1};
	assert_eq(zf_alloc_pages(m, &req, &res), 0);
	expect_eq(res.alloc_flags, ALLOC_WMARK_LOW | ALLOC_CPUSET);
	zf_machine_destroy(m);
	return true;
}

/*
 * Order 0 goes through the pcp: an empty list is refilled with pcp->batch
 * pages. A 512 MiB NORMAL zone (131072 pages) has batch
 * rounddown_pow_of_two(min(131072/1024, 128)/4 * 3/2) - 1 = 31 (spec §1.1).
 * So the first order-0 allocation takes 31 pages off NR_FREE_PAGES and leaves
 * 30 on the pcp list; the next 30 do not touch NR_FREE_PAGES.
 */
TEST(rmqueue_pcp_refill)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	struct zf_pcp_info pi;
	int64_t before;
	int t;

	zf_config_kernel(&cfg, 1024, 7168, 131072);
	m = make_machine(&cfg);
	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	zf_inspect_pcp(m, 0, ZID_NORMAL, &pi);
	assert_eq(pi.batch, 31);
	assert_eq(pi.count, 0);
	before = nr_free(m, ZID_NORMAL);
	assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_eq(res.zone_id, ZID_NORMAL);
	expect_eq(nr_free(m, ZID_NORMAL), before - 31);
	zf_inspect_pcp(m, 0, ZID_NORMAL, &pi);
	expect_eq(pi.count, 30);
	expect_eq(pi.list_len[MIGRATE_UNMOVABLE], 30);
	for (int i = 0; i < 30; i++)
		assert_eq(alloc(m, t, GFP_KERNEL, 0, &res), 0);
	expect_eq(nr_free(m, ZID_NORMAL), before - 31);
	zf_inspect_pcp(m, 0, ZID_NORMAL, &pi);
	expect_eq(pi.count, 0);
	expect_eq(nr_allocated(m, ZID_NORMAL), 31);
	zf_machine_destroy(m);
	return true;
}

/*
 * Order > 0 comes from the buddy under zone->lock: NR_FREE_PAGES drops by
 * exactly 2^order; prep_new_page marks the head and the tails (model
 * contract); __free_pages undoes all of it.
 */
TEST(order3_alloc_and_free)
{
	struct zf_machine *m = default_machine();
	struct zf_alloc_result res;
	struct zf_page_info pi;
	int64_t before;
	uint64_t alloc_before, pgfree_before;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	before = nr_free(m, ZID_NORMAL);
	alloc_before = nr_allocated(m, ZID_NORMAL);
	assert_eq(alloc(m, t, GFP_KERNEL, 3, &res), 0);
	expect_eq(res.zone_id, ZID_NORMAL);
	expect_eq(res.pfn % 8, 0);
	expect_eq(nr_free(m, ZID_NORMAL), before - 8);
	expect_eq(nr_allocated(m, ZID_NORMAL), alloc_before + 8);
	zf_inspect_page(m, res.pfn, &pi);
	expect_true(pi.flags & ZF_PG_HEAD);
	expect_eq(pi.order, 3);
	expect_eq(pi.owner, t);
	for (uint64_t i = 1; i < 8; i++) {
		zf_inspect_page(m, res.pfn + i, &pi);
		expect_true(pi.flags & ZF_PG_TAIL);
		expect_eq(pi.owner, t);
	}
	pgfree_before = zf_inspect_vmstat(m, ZF_VM_pgfree);
	/* refused: wrong order, a tail, not aligned */
	expect_eq(zf_free_pages(m, t, res.pfn, 2), -1);
	expect_eq(zf_free_pages(m, t, res.pfn + 1, 0), -1);
	expect_eq(nr_allocated(m, ZID_NORMAL), alloc_before + 8);
	expect_eq(zf_free_pages(m, t, res.pfn, 3), 0);
	expect_eq(nr_free(m, ZID_NORMAL), before);
	expect_eq(nr_allocated(m, ZID_NORMAL), alloc_before);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pgfree), pgfree_before + 8);
	/* double free refused, nothing changes */
	expect_eq(zf_free_pages(m, t, res.pfn, 3), -1);
	expect_eq(nr_free(m, ZID_NORMAL), before);
	zf_inspect_page(m, res.pfn, &pi);
	expect_false(pi.flags & (ZF_PG_HEAD | ZF_PG_TAIL));
	zf_machine_destroy(m);
	return true;
}

/* zf_free_pages refuses LRU pages, free pages and out-of-range pfns. */
TEST(free_refuses_bad_input)
{
	struct zf_machine *m = default_machine();
	struct zf_zone_info zi;
	uint64_t pfn;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 1, 0), 1);
	zf_inspect_zone(m, ZID_NORMAL, &zi);
	expect_eq(zi.lru[2], 1);
	/* the LRU page: find it as the only allocated page of the task in NORMAL */
	for (pfn = zi.start_pfn; pfn < zi.start_pfn + zi.spanned_pages; pfn++) {
		struct zf_page_info pi;

		zf_inspect_page(m, pfn, &pi);
		if (pi.flags & ZF_PG_LRU)
			break;
	}
	assert_true(pfn < zi.start_pfn + zi.spanned_pages);
	expect_eq(zf_free_pages(m, t, pfn, 0), -1);
	/* a free page (buddy head) */
	pfn = zf_inspect_free_list_first(m, ZID_NORMAL, 10, MIGRATE_MOVABLE);
	assert_true(pfn != ZF_NO_PAGE);
	expect_eq(zf_free_pages(m, t, pfn, 10), -1);
	expect_eq(zf_free_pages(m, t, ~0ULL >> 1, 0), -1);
	expect_eq(zf_free_pages(m, t, 0, 11), -1);
	expect_eq(zf_free_pages(m, 99, 0, 0), -1);
	zf_machine_destroy(m);
	return true;
}

/* Requests refused before the allocator: dead task, order >= 64, bad node. */
TEST(alloc_refuses_bad_requests)
{
	struct zf_machine *m = default_machine();
	struct zf_alloc_result res;
	struct zf_alloc_request req;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	expect_eq(alloc(m, 42, GFP_KERNEL, 0, &res), -1);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_eq(res.pfn, ZF_NO_PAGE);
	expect_eq(alloc(m, t, GFP_KERNEL, 64, &res), -1);
	req = (struct zf_alloc_request){.task = t, .gfp = GFP_KERNEL, .preferred_nid = 3};
	expect_eq(zf_alloc_pages(m, &req, &res), -1);
	assert_eq(zf_task_exit(m, t), 0);
	expect_eq(alloc(m, t, GFP_KERNEL, 0, &res), -1);
	expect_eq(zf_alloc_depth(m), 0);
	zf_machine_destroy(m);
	return true;
}

/*
 * order >= MAX_ORDER (spec §4.1 note, §5.4, planted bug B18): 4.12 runs the
 * fast path (which finds nothing) and returns NULL at the slow path's own
 * check, without warn_alloc; 4.20+ profiles reject at entry; B18 reverts the
 * entry check.
 */
TEST(max_order_paths)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_alloc_result res;
	struct ev_log log;
	int t;

	zf_config_default(&cfg);
	m = make_machine(&cfg);
	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	set_log(m, &log);
	expect_eq(alloc(m, t, GFP_KERNEL, 11, &res), -1);
	expect_eq(res.status, ZF_ALLOC_FAIL);
	expect_true(res.slowpath);
	expect_false(res.warned_failure);
	expect_eq(log.gotos[ZF_GOTO_NOPAGE_MAX_ORDER], 1);
	expect_true(log.last_goto_func &&
		    strcmp(log.last_goto_func, "__alloc_pages_slowpath") == 0);
	expect_eq(log.count[ZF_EV_GPFF_TRY_ZONE], 0);
	expect_eq(log.count[ZF_EV_SLOWPATH_LABEL], 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_alloc_fail), 0);
	zf_machine_destroy(m);

	cfg.profile = ZF_PROFILE_5_9;
	m = make_machine(&cfg);
	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	set_log(m, &log);
	expect_eq(alloc(m, t, GFP_KERNEL, 20, &res), -1);
	expect_false(res.slowpath);
	expect_eq(log.gotos[ZF_GOTO_NOPAGE_MAX_ORDER], 1);
	expect_true(log.last_goto_func &&
		    strcmp(log.last_goto_func, "__alloc_pages_nodemask") == 0);
	expect_eq(log.count[ZF_EV_ALLOC_END], 1);
	zf_machine_destroy(m);

	cfg.bugs = ZF_BUG_B18;
	m = make_machine(&cfg);
	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	expect_eq(alloc(m, t, GFP_KERNEL, 11, &res), -1);
	expect_true(res.slowpath);
	zf_machine_destroy(m);
	return true;
}

static bool fail_all(void *priv, zf_gfp_t gfp, unsigned int order)
{
	(void)gfp;
	(void)order;
	(*(unsigned int *)priv)++;
	return true;
}

/* should_fail_alloc_page(): the hook fails the allocation, never a __GFP_NOFAIL one. */
TEST(fault_injection)
{
	struct zf_machine *m = default_machine();
	struct zf_alloc_result res;
	unsigned int calls = 0;
	struct zf_hooks h = {.priv = &calls, .should_fail_alloc_page = fail_all};
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	zf_machine_set_hooks(m, &h);
	expect_eq(alloc(m, t, GFP_KERNEL, 0, &res), -1);
	expect_false(res.slowpath);
	expect_eq(calls, 1);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_fault_injected), 1);
	expect_eq(alloc(m, t, GFP_KERNEL | __GFP_NOFAIL, 0, &res), 0);
	expect_eq(calls, 1);
	zf_machine_destroy(m);
	return true;
}

static struct alloc_context kernel_ac(struct zf_machine *m, int high_zoneidx, int mt)
{
	struct alloc_context ac;

	memset(&ac, 0, sizeof(ac));
	ac.zonelist_nid = 0;
	ac.zonelist_which = ZONELIST_FALLBACK;
	ac.high_zoneidx = high_zoneidx;
	ac.migratetype = mt;
	ac.preferred_zoneref = first_zones_zonelist(m, ac_zonelist(m, &ac), high_zoneidx, 0);
	return ac;
}

/*
 * After GFP_NOWAIT filled memory down to the MIN watermark, a MIN attempt
 * fails everywhere, and ALLOC_NO_WATERMARKS still gets a page through the
 * try_this_zone bypass (spec §4.2).
 */
TEST(gpff_no_watermarks_bypass)
{
	struct zf_machine *m = default_machine();
	struct alloc_context ac;
	struct ev_log log;
	uint64_t pfn;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "hog", 0);
	assert_true(exhaust_nowait(m, t) > 1000);
	ac = kernel_ac(m, ZONE_NORMAL, MIGRATE_UNMOVABLE);
	set_log(m, &log);
	expect_eq(get_page_from_freelist(m, GFP_KERNEL, 0, ALLOC_WMARK_MIN, &ac), ZF_NO_PAGE);
	expect_eq(log.count[ZF_EV_GPFF_ZONE_OK], 0);
	pfn = get_page_from_freelist(m, GFP_KERNEL, 0, ALLOC_NO_WATERMARKS, &ac);
	expect_true(pfn != ZF_NO_PAGE);
	expect_eq(log.try_zone_bypass, 1);
	zf_machine_destroy(m);
	return true;
}

/*
 * An order > 0 ALLOC_HARDER success reserves its pageblock as HIGHATOMIC
 * (spec §4.2, §4.6): nr_reserved_highatomic grows by pageblock_nr_pages, and
 * the next ALLOC_HARDER request of that order is served from the reserve.
 */
TEST(gpff_highatomic_reserve)
{
	struct zf_machine *m = default_machine();
	struct alloc_context ac;
	struct zf_zone_info zi;
	uint64_t pfn, pfn2;

	assert_true(m != NULL);
	ac = kernel_ac(m, ZONE_NORMAL, MIGRATE_UNMOVABLE);
	pfn = get_page_from_freelist(m, GFP_KERNEL, 1, ALLOC_WMARK_MIN | ALLOC_HARDER, &ac);
	assert_true(pfn != ZF_NO_PAGE);
	zf_inspect_zone(m, ZID_NORMAL, &zi);
	expect_eq(zi.nr_reserved_highatomic, m->pageblock_nr_pages);
	expect_eq(zf_inspect_pageblock_mt(m, pfn), MIGRATE_HIGHATOMIC);
	pfn2 = get_page_from_freelist(m, GFP_KERNEL, 1, ALLOC_WMARK_MIN | ALLOC_HARDER, &ac);
	assert_true(pfn2 != ZF_NO_PAGE);
	expect_eq(zf_inspect_pageblock_mt(m, pfn2), MIGRATE_HIGHATOMIC);
	zf_inspect_zone(m, ZID_NORMAL, &zi);
	expect_eq(zi.nr_reserved_highatomic, m->pageblock_nr_pages);
	zf_machine_destroy(m);
	return true;
}

/*
 * node_dirty_ok(): dirty + writeback <= 20% of (free + file LRU) of the node
 * (the model's documented dirty limit).
 */
TEST(node_dirty_limit)
{
	struct zf_machine *m = default_machine();
	struct pglist_data *pgdat;
	int64_t dirtyable = 0;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	for (int i = 0; i < MAX_NR_ZONES; i++)
		if (populated_zone(&pgdat->node_zones[i]))
			dirtyable += pgdat->node_zones[i].vm_stat[NR_FREE_PAGES];
	expect_true(node_dirty_ok(m, 0));
	pgdat->node_zones[ZONE_NORMAL].vm_stat[NR_ZONE_WRITE_PENDING] = dirtyable / 5;
	expect_true(node_dirty_ok(m, 0));
	pgdat->node_zones[ZONE_NORMAL].vm_stat[NR_ZONE_WRITE_PENDING] = dirtyable / 5 + 1;
	expect_false(node_dirty_ok(m, 0));
	pgdat->node_zones[ZONE_NORMAL].vm_stat[NR_ZONE_WRITE_PENDING] = 0;
	zf_machine_destroy(m);
	return true;
}

/* Events of one fast-path allocation: ALLOC_BEGIN, a zone passing, TRY_ZONE, ALLOC_END. */
TEST(fastpath_events)
{
	struct zf_machine *m = default_machine();
	struct zf_alloc_result res;
	struct ev_log log;
	int t;

	assert_true(m != NULL);
	t = new_task(m, "a", 0);
	set_log(m, &log);
	assert_eq(alloc(m, t, GFP_KERNEL, 2, &res), 0);
	expect_eq(log.count[ZF_EV_ALLOC_BEGIN], 1);
	expect_eq(log.count[ZF_EV_ALLOC_END], 1);
	expect_eq(log.count[ZF_EV_GPFF_ZONE_OK], 1);
	expect_eq(log.count[ZF_EV_GPFF_TRY_ZONE], 1);
	expect_eq(log.try_zone_bypass, 0);
	expect_eq(log.count[ZF_EV_SLOWPATH_LABEL], 0);
	assert_eq(zf_free_pages(m, t, res.pfn, 2), 0);
	expect_eq(log.count[ZF_EV_PAGE_FREE], 1);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("fastpath", ZF_CASE(zonelist_iterators), ZF_CASE(fastpath_zone_choice),
	     ZF_CASE(fastpath_alloc_flags), ZF_CASE(rmqueue_pcp_refill),
	     ZF_CASE(order3_alloc_and_free), ZF_CASE(free_refuses_bad_input),
	     ZF_CASE(alloc_refuses_bad_requests), ZF_CASE(max_order_paths),
	     ZF_CASE(fault_injection), ZF_CASE(gpff_no_watermarks_bypass),
	     ZF_CASE(gpff_highatomic_reserve), ZF_CASE(node_dirty_limit), ZF_CASE(fastpath_events))
