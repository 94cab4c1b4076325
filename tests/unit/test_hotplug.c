/* SPDX-License-Identifier: MIT */
/*
 * test_hotplug.c - memory hot-remove / hot-add of a zone (offline_pages /
 * online_pages) and the hwpoison take-off of a free page, with the
 * conservation rule of docs/model-contract.md and the NR_FREE_PAGES rule of
 * spec §2 checked after every step. Planted bug B23 is checked too.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

static struct zf_machine *make(struct zf_config *cfg)
{
	char err[256];
	struct zf_machine *m = zf_machine_create(cfg, err, sizeof(err));

	if (!m)
		fprintf(stderr, "  create failed: %s\n", err);
	return m;
}

/* default geometry plus a 4096-page ZONE_MOVABLE on node 0 (zone id 3) */
static struct zf_machine *make_movable(uint32_t bugs)
{
	struct zf_config cfg;

	zf_config_default(&cfg);
	cfg.zone_pages[0][ZF_ZONE_MOVABLE] = 4096;
	cfg.bugs = bugs;
	return make(&cfg);
}

/* Pages on the zone's free lists: all of them, and those NR_FREE_PAGES counts (not ISOLATE). */
static uint64_t list_pages(const struct zf_machine *m, int zid, bool counted_only)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o < m->max_order; o++)
		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++)
			if (!counted_only || mt != ZF_MIGRATE_ISOLATE)
				n += zf_inspect_list_len(m, zid, o, mt) << o;
	return n;
}

/*
 * model-contract conservation: managed == buddy free (ISOLATE included) +
 * pcp + allocated + isolated + poisoned + offline; and spec §2:
 * NR_FREE_PAGES == pages on the non-ISOLATE lists. 'drift' is the expected
 * NR_FREE_PAGES excess (a planted bug).
 */
static bool zone_consistent(const struct zf_machine *m, int zid, int64_t drift)
{
	struct zf_zone_info zi;
	uint64_t buddy = list_pages(m, zid, false);

	assert_eq(zf_inspect_zone(m, zid, &zi), 0);
	expect_eq(zi.managed_pages, buddy + zi.nr_pcp + zi.nr_allocated + zi.nr_isolated +
					zi.nr_poisoned + zi.nr_offline);
	expect_eq(zi.nr_free_pages, (int64_t)list_pages(m, zid, true) + drift);
	return true;
}

static bool all_consistent(const struct zf_machine *m)
{
	for (int zid = 0; zid < 4; zid++)
		if (!zone_consistent(m, zid, 0))
			return false;
	return true;
}

static bool in_zonelist(const struct zf_machine *m, int nid, int zid)
{
	int ids[32];
	int n = zf_inspect_zonelist(m, nid, false, ids, 32);

	for (int i = 0; i < n; i++)
		if (ids[i] == zid)
			return true;
	return false;
}

static int new_task(struct zf_machine *m)
{
	struct zf_task_config tc = {0};

	tc.name = "user";
	tc.cpu = 1;
	return zf_task_create(m, &tc);
}

TEST(offline_movable_zone_migrates_lru)
{
	struct zf_machine *m = make_movable(0);
	struct zf_zone_info zi;
	struct zf_task_info ti;
	struct zf_pcp_info pcp_before, pcp;
	uint64_t lru_elsewhere = 0;
	int task;

	assert_true(m != NULL);
	assert_true((task = new_task(m)) > 0);
	/* GFP_HIGHUSER_MOVABLE may use ZONE_MOVABLE, the first zone of the zonelist */
	assert_eq(zf_lru_fill(m, task, ZF_LRU_ANON, 300, 0), 300);
	assert_eq(zf_lru_fill(m, task, ZF_LRU_FILE, 100, 0), 100);
	assert_eq(zf_inspect_zone(m, 3, &zi), 0);
	expect_eq(zi.lru[0] + zi.lru[1], 300);
	expect_eq(zi.lru[2] + zi.lru[3], 100);
	assert_eq(zf_inspect_pcp(m, 0, 3, &pcp_before), 0);
	expect_true(in_zonelist(m, 0, 3));
	assert_true(all_consistent(m));

	assert_eq(zf_offline_zone(m, 3), 0);

	/* the zone left the zonelists and holds nothing but offline pages */
	expect_false(in_zonelist(m, 0, 3));
	{
		int ids[32];

		expect_eq(zf_inspect_zonelist(m, 0, false, ids, 32), 3);
		expect_eq(ids[0], 2);
		expect_eq(zf_inspect_zonelist(m, 0, true, ids, 32), 3);
	}
	assert_eq(zf_inspect_zone(m, 3, &zi), 0);
	expect_false(zi.populated);
	expect_eq(zi.nr_offline, 4096);
	expect_eq(zi.nr_free_pages, 0);
	expect_eq(zi.nr_allocated, 0);
	expect_eq(zi.nr_pcp, 0);
	expect_eq(zi.lru[0] + zi.lru[1] + zi.lru[2] + zi.lru[3], 0);
	for (uint64_t pfn = 16384; pfn < 20480; pfn++) {
		struct zf_page_info pi;

		zf_inspect_page(m, pfn, &pi);
		if (pi.flags != ZF_PG_OFFLINE) {
			expect_eq(pi.flags, ZF_PG_OFFLINE);
			break;
		}
	}
	/* the task kept its pages: they moved to the other zones */
	assert_eq(zf_inspect_task(m, task, &ti), 0);
	expect_eq(ti.rss_anon, 300);
	expect_eq(ti.rss_file, 100);
	for (int zid = 0; zid < 3; zid++) {
		zf_inspect_zone(m, zid, &zi);
		lru_elsewhere += zi.lru[0] + zi.lru[1] + zi.lru[2] + zi.lru[3];
	}
	expect_eq(lru_elsewhere, 400);
	assert_true(all_consistent(m));

	/* a movable allocation is now served by NORMAL */
	{
		struct zf_alloc_request req = {task, ZF_GFP_HIGHUSER_MOVABLE, 0, -1, 0};
		struct zf_alloc_result res;

		assert_eq(zf_alloc_pages(m, &req, &res), 0);
		expect_eq(res.zone_id, 2);
		expect_eq(zf_free_pages(m, task, res.pfn, 0), 0);
	}
	expect_eq(zf_offline_zone(m, 3), -1); /* already offline */

	/* hot-add it back: MOVABLE blocks, the pagesets resized, in the zonelist again */
	assert_eq(zf_online_zone(m, 3), 0);
	expect_eq(zf_online_zone(m, 3), -1);
	assert_eq(zf_inspect_zone(m, 3, &zi), 0);
	expect_true(zi.populated);
	expect_eq(zi.nr_offline, 0);
	expect_eq(zi.nr_free_pages, 4096);
	expect_eq(zi.nr_free[10], 4);
	expect_eq(zi.nr_isolate_pageblock, 0);
	for (uint64_t pfn = 16384; pfn < 20480; pfn += 512)
		expect_eq(zf_inspect_pageblock_mt(m, pfn), ZF_MIGRATE_MOVABLE);
	assert_eq(zf_inspect_pcp(m, 0, 3, &pcp), 0);
	expect_eq(pcp.batch, pcp_before.batch);
	expect_eq(pcp.high, pcp_before.high);
	{
		int ids[32];

		zf_inspect_zonelist(m, 0, false, ids, 32);
		expect_eq(ids[0], 3);
	}
	assert_true(all_consistent(m));
	zf_machine_destroy(m);
	return true;
}

TEST(offline_busy_undoes_isolation)
{
	struct zf_machine *m = make_movable(0);
	struct zf_alloc_request req = {0};
	struct zf_alloc_result res;
	struct zf_zone_info zi;
	int task;

	assert_true(m != NULL);
	assert_true((task = new_task(m)) > 0);
	req.task = task;
	req.gfp = ZF_GFP_HIGHUSER_MOVABLE;
	req.preferred_nid = -1;
	/* an allocated page that is not on the LRU cannot be migrated */
	assert_eq(zf_alloc_pages(m, &req, &res), 0);
	assert_eq(res.zone_id, 3);

	expect_eq(zf_offline_zone(m, 3), -1);
	expect_true(in_zonelist(m, 0, 3));
	assert_eq(zf_inspect_zone(m, 3, &zi), 0);
	expect_true(zi.populated);
	expect_eq(zi.nr_isolate_pageblock, 0);
	expect_eq(zi.nr_offline, 0);
	expect_eq(zi.nr_allocated, 1);
	for (uint64_t pfn = 16384; pfn < 20480; pfn += 512)
		expect_eq(zf_inspect_pageblock_mt(m, pfn), ZF_MIGRATE_MOVABLE);
	expect_eq(zf_inspect_list_len(m, 3, 0, ZF_MIGRATE_ISOLATE), 0);
	assert_true(all_consistent(m));

	/* once it is freed the zone can go */
	assert_eq(zf_free_pages(m, task, res.pfn, 0), 0);
	expect_eq(zf_offline_zone(m, 3), 0);
	assert_true(all_consistent(m));
	/* zones that are absent or not pageblock aligned are refused */
	expect_eq(zf_offline_zone(m, 7), -1);
	expect_eq(zf_offline_zone(m, -1), -1);
	zf_machine_destroy(m);
	return true;
}

/*
 * A page under writeback cannot be migrated until its IO ends: offline
 * waits (one tick completes the IO, model contract) and then moves it.
 */
TEST(offline_waits_for_writeback)
{
	struct zf_machine *m = make_movable(0);
	struct zf_zone_info zi;
	struct zone *z;
	uint64_t pfn, t0;
	int task;

	assert_true(m != NULL);
	assert_true((task = new_task(m)) > 0);
	assert_eq(zf_lru_fill(m, task, ZF_LRU_FILE, 10, 0), 10);
	z = zone_by_id(m, 3);
	pfn = z->lru[LRU_INACTIVE_FILE].head;
	assert_true(pfn != ZF_NIL);
	/* what shrink_page_list does when it starts writeback of a clean-now page */
	m->pages[pfn].flags |= ZF_PG_WRITEBACK;
	z->nr_writeback++;
	__mod_zone_page_state(z, NR_ZONE_WRITE_PENDING, 1);
	assert_eq(zf_inspect_zone(m, 3, &zi), 0);
	expect_eq(zi.nr_writeback, 1);
	expect_eq(zi.nr_dirty, 0);
	t0 = zf_jiffies(m);

	assert_eq(zf_offline_zone(m, 3), 0);
	expect_true(zf_jiffies(m) > t0);
	expect_true(m->pages[pfn].flags & ZF_PG_OFFLINE);
	assert_eq(zf_inspect_zone(m, 2, &zi), 0);
	expect_eq(zi.lru[2] + zi.lru[3], 10);
	assert_true(all_consistent(m));
	zf_machine_destroy(m);
	return true;
}

struct takeoff_log {
	int n;
	struct zf_event ev;
};

static void on_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct takeoff_log *log = priv;

	(void)m;
	if (ev->type == ZF_EV_PAGE_TAKEOFF) {
		log->n++;
		log->ev = *ev;
	}
}

TEST(poison_free_page)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_zone_info before, zi;
	struct zf_page_info pi;
	struct takeoff_log log = {0};
	struct zf_hooks h = {0};

	zf_config_default(&cfg);
	assert_true((m = make(&cfg)) != NULL);
	h.priv = &log;
	h.on_event = on_event;
	zf_machine_set_hooks(m, &h);
	assert_eq(zf_inspect_zone(m, 2, &before), 0);
	expect_eq(before.nr_free[10], 8);

	/* 8197 lies in the order-10 block [8192, 9216) of NORMAL */
	assert_eq(zf_poison_page(m, 8197), 0);
	assert_eq(zf_inspect_zone(m, 2, &zi), 0);
	expect_eq(zi.nr_poisoned, 1);
	expect_eq(zi.nr_free_pages, before.nr_free_pages - 1);
	/* the block split into one free block of every order 0..9 around the page */
	expect_eq(zi.nr_free[10], 7);
	for (unsigned int o = 0; o < 10; o++)
		expect_eq(zi.nr_free[o], 1);
	zf_inspect_page(m, 8197, &pi);
	expect_eq(pi.flags, ZF_PG_HWPOISON);
	{
		static const uint64_t head[] = {8196, 8198, 8192, 8200, 8208,
						8224, 8256, 8320, 8448, 8704};

		for (unsigned int o = 0; o < 10; o++) {
			zf_inspect_page(m, head[o], &pi);
			expect_true(pi.flags & ZF_PG_BUDDY);
			expect_eq(pi.order, o);
		}
	}
	assert_eq(log.n, 1);
	expect_eq(log.ev.pfn, 8197);
	expect_eq(log.ev.zone_id, 2);
	assert_true(all_consistent(m));

	/* not free in the buddy any more: refused, nothing changes */
	expect_eq(zf_poison_page(m, 8197), -1);
	expect_eq(zf_poison_page(m, m->nr_pages), -1);
	expect_eq(log.n, 1);
	/* a neighbour in an order-0 block still works */
	expect_eq(zf_poison_page(m, 8196), 0);
	zf_inspect_zone(m, 2, &zi);
	expect_eq(zi.nr_poisoned, 2);
	expect_eq(zi.nr_free[0], 0);
	assert_true(all_consistent(m));
	zf_machine_destroy(m);
	return true;
}

TEST(poison_allocated_page_refused)
{
	struct zf_machine *m = make_movable(0);
	struct zf_alloc_request req = {0};
	struct zf_alloc_result res;
	int task;

	assert_true(m != NULL);
	assert_true((task = new_task(m)) > 0);
	req.task = task;
	req.gfp = ZF_GFP_KERNEL;
	req.order = 2;
	req.preferred_nid = -1;
	assert_eq(zf_alloc_pages(m, &req, &res), 0);
	expect_eq(zf_poison_page(m, res.pfn), -1);
	expect_eq(zf_poison_page(m, res.pfn + 3), -1);
	assert_true(all_consistent(m));
	zf_machine_destroy(m);
	return true;
}

/* An ISOLATE block's pages are not in NR_FREE_PAGES: taking one off leaves the counter alone. */
TEST(poison_isolated_page)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_zone_info before, zi;

	zf_config_default(&cfg);
	assert_true((m = make(&cfg)) != NULL);
	assert_eq(zf_isolate_range(m, 8192, 1024), 0);
	assert_eq(zf_inspect_zone(m, 2, &before), 0);
	assert_eq(zf_poison_page(m, 8197), 0);
	assert_eq(zf_inspect_zone(m, 2, &zi), 0);
	expect_eq(zi.nr_free_pages, before.nr_free_pages);
	expect_eq(zi.nr_poisoned, 1);
	expect_true(zf_inspect_list_len(m, 2, 9, ZF_MIGRATE_ISOLATE) == 1);
	assert_true(all_consistent(m));
	zf_machine_destroy(m);
	return true;
}

/* B23: take_page_off_buddy() without the bac9c6fa1f92 fix leaves NR_FREE_PAGES one too high. */
TEST(planted_b23)
{
	struct zf_config cfg;
	struct zf_machine *m;
	struct zf_zone_info zi;

	zf_config_default(&cfg);
	cfg.bugs = ZF_BUG_B23;
	assert_true((m = make(&cfg)) != NULL);
	assert_eq(zf_poison_page(m, 8197), 0);
	assert_eq(zf_inspect_zone(m, 2, &zi), 0);
	expect_eq(zi.nr_poisoned, 1);
	expect_eq(zi.nr_free_pages, 8192);
	expect_true(zone_consistent(m, 2, 1));
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("hotplug", ZF_CASE(offline_movable_zone_migrates_lru),
	     ZF_CASE(offline_busy_undoes_isolation), ZF_CASE(offline_waits_for_writeback),
	     ZF_CASE(poison_free_page), ZF_CASE(poison_allocated_page_refused),
	     ZF_CASE(poison_isolated_page), ZF_CASE(planted_b23))
