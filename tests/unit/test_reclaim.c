// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_reclaim.c - LRU bookkeeping (lru.c) and direct reclaim
 * (vmscan.c) against the rules of spec §5.5, §7.2-§7.4.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

static struct zf_machine *mk_machine(uint64_t swap_pages)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.swap_pages = swap_pages;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static int mk_task(struct zf_machine *m, const char *name)
{
	struct zf_task_config tc = {.name = name, .cpu = 0};

	return zf_task_create(m, &tc);
}

static uint64_t node_stat(struct zf_machine *m, enum zone_stat_item item)
{
	int64_t sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_page_state(&m->nodes[0].node_zones[i], item);
	return (uint64_t)sum;
}

static uint64_t node_writeback(struct zf_machine *m)
{
	uint64_t sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += m->nodes[0].node_zones[i].nr_writeback;
	return sum;
}

static uint64_t node_reclaimable(struct zf_machine *m)
{
	uint64_t sum = 0;

	for (int i = 0; i < MAX_NR_ZONES; i++)
		sum += zone_reclaimable_pages(m, &m->nodes[0].node_zones[i]);
	return sum;
}

static const struct zonelist *node0_zonelist(struct zf_machine *m)
{
	return &m->nodes[0].node_zonelists[ZONELIST_FALLBACK];
}

/* Walk every LRU list of node 0: lengths must equal the counters, flags must agree. */
static bool lru_lists_consistent(struct zf_machine *m)
{
	for (int zi = 0; zi < MAX_NR_ZONES; zi++) {
		struct zone *z = &m->nodes[0].node_zones[zi];
		uint64_t pending = 0, wb = 0;

		if (!z->present_pages)
			continue;
		for (int l = 0; l < NR_LRU_LISTS; l++) {
			uint64_t len = 0;

			for (uint32_t pfn = z->lru[l].head; pfn != ZF_NIL;
			     pfn = m->pages[pfn].next) {
				const struct page *p = &m->pages[pfn];

				if (!(p->flags & ZF_PG_LRU) || !(p->flags & ZF_PG_HEAD) ||
				    page_lru(p) != (enum lru_list)l || p->zid != z->id)
					return false;
				if (p->flags & (ZF_PG_DIRTY | ZF_PG_WRITEBACK))
					pending++;
				if (p->flags & ZF_PG_WRITEBACK)
					wb++;
				len++;
			}
			if ((int64_t)len !=
			    zone_page_state(z, (enum zone_stat_item)(NR_ZONE_INACTIVE_ANON + l)))
				return false;
		}
		if ((int64_t)pending != zone_page_state(z, NR_ZONE_WRITE_PENDING) ||
		    wb != z->nr_writeback)
			return false;
	}
	return true;
}

/*
 * The pages direct reclaim scans with only clean file pages on the inactive
 * list (spec §7.2/§7.5): pass p scans lru_size >> p pages (the list shrinks as
 * pages are freed) until SWAP_CLUSTER_MAX pages are reclaimed, p = 12..0.
 */
static uint64_t expected_file_progress(uint64_t size)
{
	uint64_t total = 0;

	for (int p = DEF_PRIORITY; p >= 0; p--) {
		uint64_t s = size >> p;

		total += s;
		size -= s;
		if (total >= SWAP_CLUSTER_MAX)
			break;
	}
	return total;
}

TEST(lru_fill_release_accounting)
{
	struct zf_machine *m = mk_machine(4096);
	struct zf_task_info ti;
	uint64_t allocated0;
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "filler");
	assert_true(t >= 0);
	allocated0 = node_stat(m, NR_ALLOCATED);

	expect_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 100, 0), 100);
	expect_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 50, 0), 50);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_FILE), 100);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON), 50);
	expect_eq(node_stat(m, NR_ALLOCATED), allocated0 + 150);
	assert_eq(zf_inspect_task(m, t, &ti), 0);
	expect_eq(ti.rss_file, 100);
	expect_eq(ti.rss_anon, 50);
	expect_true(lru_lists_consistent(m));

	/* munmap/truncate: pages leave the LRU and go back to the allocator */
	expect_eq(zf_lru_release(m, t, ZF_LRU_FILE, 30), 30);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_FILE), 70);
	expect_eq(node_stat(m, NR_ALLOCATED), allocated0 + 120);
	expect_eq(zf_lru_release(m, t, ZF_LRU_ANON, 1000), 50); /* only 50 exist */
	assert_eq(zf_inspect_task(m, t, &ti), 0);
	expect_eq(ti.rss_file, 70);
	expect_eq(ti.rss_anon, 0);
	expect_eq(node_stat(m, NR_ALLOCATED), allocated0 + 70);
	expect_true(lru_lists_consistent(m));

	/* another task's pages are not touched */
	{
		int u = mk_task(m, "other");

		assert_true(u >= 0);
		expect_eq(zf_lru_release(m, u, ZF_LRU_FILE, 10), 0);
		expect_eq(node_stat(m, NR_ZONE_INACTIVE_FILE), 70);
	}
	zf_machine_destroy(m);
	return true;
}

TEST(lru_activate_and_dirty)
{
	struct zf_machine *m = mk_machine(4096);
	uint64_t act0;
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 50, 0), 50);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 100, 0), 100);
	act0 = zf_inspect_vmstat(m, ZF_VM_pgactivate);

	expect_eq(zf_lru_activate(m, t, ZF_LRU_ANON, 20), 20);
	expect_eq(node_stat(m, NR_ZONE_ACTIVE_ANON), 20);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON), 30);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pgactivate), act0 + 20);

	/* dirtying makes clean file pages write-pending (dirty + writeback) */
	expect_eq(zf_lru_dirty(m, t, 40), 40);
	expect_eq(node_stat(m, NR_ZONE_WRITE_PENDING), 40);
	expect_eq(zf_lru_dirty(m, t, 100), 60); /* only 60 clean ones left */
	expect_eq(node_stat(m, NR_ZONE_WRITE_PENDING), 100);
	expect_true(lru_lists_consistent(m));
	zf_machine_destroy(m);
	return true;
}

/* spec §7.3: file LRU + anon LRU only while free swap exists. */
TEST(zone_reclaimable_pages_counts)
{
	struct zf_machine *m = mk_machine(4096);
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 100, 0), 100);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 50, 0), 50);
	assert_eq(zf_lru_activate(m, t, ZF_LRU_FILE, 10), 10);
	expect_eq(node_reclaimable(m), 150);
	expect_true(zone_reclaimable_anon(m));
	for (int i = 0; i < MAX_NR_ZONES; i++)
		expect_eq(zf_zone_reclaimable_pages(m, i),
			  zone_reclaimable_pages(m, &m->nodes[0].node_zones[i]));

	/* swap full: anon no longer counts */
	m->nr_swap_pages = 0;
	expect_false(zone_reclaimable_anon(m));
	expect_eq(node_reclaimable(m), 100);
	zf_machine_destroy(m);

	/* no swap device at all */
	m = mk_machine(0);
	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 50, 0), 50);
	expect_eq(node_reclaimable(m), 0);
	zf_machine_destroy(m);
	return true;
}

/* With a full inactive file list, reclaim takes clean file pages and leaves anon alone. */
TEST(direct_reclaim_prefers_clean_file)
{
	struct zf_machine *m = mk_machine(4096);
	struct zf_task_info ti;
	uint64_t stall0, want;
	unsigned long progress;
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 1000, 0), 1000);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 1000, 0), 1000);
	stall0 = zf_inspect_vmstat(m, ZF_VM_allocstall_normal);

	progress = try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0);
	want = expected_file_progress(1000);
	expect_eq(progress, want);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pgsteal_direct), want);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pgscan_direct), want);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pswpout), 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_allocstall_normal), stall0 + 1);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_FILE), 1000 - want);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON), 1000);
	assert_eq(zf_inspect_task(m, t, &ti), 0);
	expect_eq(ti.rss_file, 1000 - want);
	expect_eq(ti.swapents, 0);
	expect_true(lru_lists_consistent(m));
	zf_machine_destroy(m);
	return true;
}

/* Anon goes to swap only with a free swap slot and __GFP_IO (spec §7.2, §7.3). */
TEST(anon_reclaim_needs_swap_and_io)
{
	struct zf_machine *m = mk_machine(4096);
	struct zf_task_info ti;
	unsigned long progress;
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 1000, 0), 1000);

	/* GFP_NOIO cannot swap */
	progress = try_to_free_pages(m, node0_zonelist(m), 0, ZF_GFP_NOIO, 0);
	expect_eq(progress, 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pswpout), 0);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON) + node_stat(m, NR_ZONE_ACTIVE_ANON), 1000);
	expect_eq(m->nr_swap_pages, 4096);

	/* GFP_KERNEL swaps: each reclaimed anon page is a swap entry of its owner */
	progress = try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0);
	expect_true(progress >= SWAP_CLUSTER_MAX);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pswpout), progress);
	expect_eq(m->nr_swap_pages, 4096 - progress);
	assert_eq(zf_inspect_task(m, t, &ti), 0);
	expect_eq(ti.swapents, progress);
	expect_eq(ti.rss_anon, 1000 - progress);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON) + node_stat(m, NR_ZONE_ACTIVE_ANON),
		  1000 - progress);
	expect_true(lru_lists_consistent(m));
	zf_machine_destroy(m);

	/* no swap: anon is not reclaimable at all */
	m = mk_machine(0);
	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 1000, 0), 1000);
	expect_eq(try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0), 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pswpout), 0);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON) + node_stat(m, NR_ZONE_ACTIVE_ANON), 1000);
	zf_machine_destroy(m);
	return true;
}

TEST(noio_reclaims_file_only)
{
	struct zf_machine *m = mk_machine(4096);
	unsigned long progress;
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 500, 0), 500);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 500, 0), 500);
	progress = try_to_free_pages(m, node0_zonelist(m), 0, ZF_GFP_NOIO, 0);
	expect_true(progress >= SWAP_CLUSTER_MAX);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pswpout), 0);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_FILE), 500 - progress);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_ANON), 500);
	zf_machine_destroy(m);
	return true;
}

/*
 * Dirty file pages: direct reclaim never writes them (4.12); kswapd starts
 * writeback below DEF_PRIORITY - 2; the pages become clean at the next sleep
 * and are reclaimable then.
 */
TEST(dirty_file_writeback)
{
	struct zf_machine *m = mk_machine(0);
	struct pglist_data *pgdat;
	struct scan_control sc;
	uint64_t wbc0;
	int t;

	assert_true(m != NULL);
	pgdat = &m->nodes[0];
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 2000, 0), 2000);
	assert_eq(zf_lru_dirty(m, t, 2000), 2000);
	expect_eq(node_stat(m, NR_ZONE_WRITE_PENDING), 2000);

	/* direct reclaim: nothing clean to take, no writeback started */
	expect_eq(try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0), 0);
	expect_eq(node_writeback(m), 0);
	expect_eq(node_stat(m, NR_ZONE_WRITE_PENDING), 2000);
	expect_true(pgdat->flags & PGDAT_DIRTY); /* every scanned page was dirty, unqueued */

	/* kswapd at DEF_PRIORITY - 2 does not write yet */
	memset(&sc, 0, sizeof(sc));
	sc.gfp_mask = GFP_KERNEL;
	sc.reclaim_idx = ZONE_NORMAL;
	sc.may_writepage = sc.may_unmap = sc.may_swap = true;
	sc.kswapd = true;
	sc.nr_to_reclaim = 10000;
	sc.priority = DEF_PRIORITY - 2;
	expect_false(shrink_node(m, pgdat, &sc));
	expect_true(sc.nr_scanned > 0);
	expect_eq(node_writeback(m), 0);

	/* one priority lower it writes every dirty page it scans */
	sc.nr_scanned = 0;
	sc.priority = 0;
	expect_false(shrink_node(m, pgdat, &sc));
	expect_eq(sc.nr_reclaimed, 0);
	expect_eq(node_writeback(m), 2000);
	expect_eq(node_stat(m, NR_ZONE_WRITE_PENDING), 2000); /* dirty became writeback */
	expect_true(lru_lists_consistent(m));

	/* pages under writeback are skipped; a batch of only those flags the node */
	pgdat->flags = 0;
	expect_eq(try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0), 0);
	expect_true(pgdat->flags & PGDAT_WRITEBACK);

	/* IO completes at the next sleep of >= 1 tick */
	wbc0 = zf_inspect_vmstat(m, ZF_VM_writeback_completed);
	zf_advance_time(m, 1);
	expect_eq(node_writeback(m), 0);
	expect_eq(node_stat(m, NR_ZONE_WRITE_PENDING), 0);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_writeback_completed), wbc0 + 2000);
	expect_true(lru_lists_consistent(m));

	/* now clean: direct reclaim frees them */
	expect_eq(try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0),
		  expected_file_progress(2000));
	zf_machine_destroy(m);
	return true;
}

/* spec §7.1: shrink_node's progress revives a hopeless node, also from direct reclaim. */
TEST(direct_progress_resets_kswapd_failures)
{
	struct zf_machine *m = mk_machine(0);
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 300, 0), 300);
	m->nodes[0].kswapd_failures = MAX_RECLAIM_RETRIES;
	/* nothing reclaimable (anon, no swap): no progress, the node stays hopeless */
	expect_eq(try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0), 0);
	expect_eq(m->nodes[0].kswapd_failures, MAX_RECLAIM_RETRIES);

	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 300, 0), 300);
	expect_true(try_to_free_pages(m, node0_zonelist(m), 0, GFP_KERNEL, 0) > 0);
	expect_eq(m->nodes[0].kswapd_failures, 0);
	zf_machine_destroy(m);
	return true;
}

/*
 * Costly orders stop reclaiming where compaction is ready and report
 * progress 1 without reclaiming (spec §5.5, §7.2): on an idle machine an
 * order-9 block is free, so compaction_suitable says SUCCESS.
 */
TEST(costly_order_compaction_ready)
{
	struct zf_machine *m = mk_machine(4096);
	int t;

	assert_true(m != NULL);
	t = mk_task(m, "t");
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 200, 0), 200);
	expect_eq(try_to_free_pages(m, node0_zonelist(m), 9, GFP_KERNEL, 0), 1);
	expect_eq(node_stat(m, NR_ZONE_INACTIVE_FILE), 200);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_pgscan_direct), 0);

	/* a non-costly order reclaims as usual */
	expect_true(try_to_free_pages(m, node0_zonelist(m), 3, GFP_KERNEL, 0) > 0);
	expect_true(zf_inspect_vmstat(m, ZF_VM_pgscan_direct) > 0);
	zf_machine_destroy(m);
	return true;
}

/* ---- throttling (spec §7.2 throttle_direct_reclaim, oracle §11.16) ---- */

/*
 * The NORMAL zone holds the only reclaimable pages; its free count is set to
 * zero, so allow_direct_reclaim() (free > half the min watermarks of the
 * zones <= NORMAL with reclaimable pages) is false. kswapd cannot help:
 * DMA32 is above its high watermark, so the node counts as balanced (4.12
 * pgdat_balanced: any eligible zone) and kswapd goes back to sleep each time.
 */
struct throttle_env {
	struct zf_machine *m;
	struct zone *normal;
	int64_t saved_free;
	int task;
};

static bool throttle_setup(struct throttle_env *e)
{
	e->m = mk_machine(4096);
	if (!e->m)
		return false;
	e->normal = &e->m->nodes[0].node_zones[ZONE_NORMAL];
	e->task = mk_task(e->m, "t");
	if (e->task < 0 || zf_lru_fill(e->m, e->task, ZF_LRU_FILE, 100, 0) != 100)
		return false;
	if (zone_reclaimable_pages(e->m, &e->m->nodes[0].node_zones[ZONE_DMA32]) != 0)
		return false;
	e->saved_free = e->normal->vm_stat[NR_FREE_PAGES];
	e->normal->vm_stat[NR_FREE_PAGES] = 0;
	return true;
}

static void throttle_teardown(struct throttle_env *e)
{
	e->normal->vm_stat[NR_FREE_PAGES] = e->saved_free;
	zf_set_current(e->m, ZF_NO_TASK);
	zf_machine_destroy(e->m);
}

TEST(allow_direct_reclaim_threshold)
{
	struct throttle_env e;
	struct pglist_data *pgdat;
	uint64_t min;

	assert_true(throttle_setup(&e));
	pgdat = &e.m->nodes[0];
	min = min_wmark_pages(e.normal);
	assert_true(pgdat->kswapd_sleeping);

	expect_false(allow_direct_reclaim(e.m, pgdat));
	/* a throttling check wakes a sleeping kswapd for at most ZONE_NORMAL */
	expect_true(pgdat->kswapd_woken);
	expect_false(pgdat->kswapd_sleeping);
	expect_eq(pgdat->kswapd_classzone_idx, ZONE_NORMAL);

	e.normal->vm_stat[NR_FREE_PAGES] = (int64_t)(min / 2);
	expect_false(allow_direct_reclaim(e.m, pgdat)); /* must exceed half */
	e.normal->vm_stat[NR_FREE_PAGES] = (int64_t)(min / 2 + 1);
	expect_true(allow_direct_reclaim(e.m, pgdat));

	/* a hopeless node never throttles */
	e.normal->vm_stat[NR_FREE_PAGES] = 0;
	pgdat->kswapd_failures = MAX_RECLAIM_RETRIES;
	expect_true(allow_direct_reclaim(e.m, pgdat));
	throttle_teardown(&e);
	return true;
}

TEST(throttle_nofs_waits_at_most_hz)
{
	struct throttle_env e;
	uint64_t j0;

	assert_true(throttle_setup(&e));
	zf_set_current(e.m, e.task);
	j0 = e.m->jiffies;
	expect_false(throttle_direct_reclaim(e.m, ZF_GFP_NOFS, node0_zonelist(e.m), 0));
	expect_eq(e.m->jiffies - j0, HZ);
	expect_false(e.m->nodes[0].pfmemalloc_wait);

	/* a kernel thread is never throttled */
	e.m->tasks[e.task].flags |= ZF_PF_KTHREAD;
	j0 = e.m->jiffies;
	expect_false(throttle_direct_reclaim(e.m, ZF_GFP_NOFS, node0_zonelist(e.m), 0));
	expect_eq(e.m->jiffies, j0);
	throttle_teardown(&e);
	return true;
}

TEST(throttle_fs_waits_longer_than_hz)
{
	struct throttle_env e;
	uint64_t j0;

	assert_true(throttle_setup(&e));
	zf_set_current(e.m, e.task);
	j0 = e.m->jiffies;
	/* killable wait until allowed: longer than the !__GFP_FS timeout (bounded in the model) */
	expect_false(throttle_direct_reclaim(e.m, GFP_KERNEL, node0_zonelist(e.m), 0));
	expect_true(e.m->jiffies - j0 > HZ);
	throttle_teardown(&e);
	return true;
}

/* Releases the waiter once allow_direct_reclaim() turns true (oracle §11.16). */
struct release_hook {
	struct zf_machine *m;
	struct zone *normal;
	int64_t free_after;
	unsigned int schedules, release_at;
	uint32_t kill_task_flag;
	int task;
};

static void release_on_schedule(void *priv, const struct zf_machine *cm, const struct zf_event *ev)
{
	struct release_hook *h = priv;

	(void)cm;
	if (ev->type != ZF_EV_SCHEDULE)
		return;
	if (++h->schedules != h->release_at)
		return;
	if (h->kill_task_flag)
		h->m->tasks[h->task].flags |= h->kill_task_flag;
	else
		h->normal->vm_stat[NR_FREE_PAGES] = h->free_after;
}

TEST(throttle_released_when_allowed)
{
	struct throttle_env e;
	struct release_hook h;
	struct zf_hooks hooks = {0};
	uint64_t j0;

	assert_true(throttle_setup(&e));
	memset(&h, 0, sizeof(h));
	h.m = e.m;
	h.normal = e.normal;
	h.free_after = (int64_t)min_wmark_pages(e.normal); /* > min/2: allowed */
	h.release_at = 3;
	hooks.priv = &h;
	hooks.on_event = release_on_schedule;
	zf_machine_set_hooks(e.m, &hooks);

	zf_set_current(e.m, e.task);
	j0 = e.m->jiffies;
	expect_false(throttle_direct_reclaim(e.m, GFP_KERNEL, node0_zonelist(e.m), 0));
	expect_eq(e.m->jiffies - j0, 3 * (HZ / 10));
	zf_machine_set_hooks(e.m, NULL);
	throttle_teardown(&e);
	return true;
}

/* A fatal signal while throttled: try_to_free_pages reports progress 1 without reclaiming. */
TEST(throttle_fatal_signal_gives_progress)
{
	struct throttle_env e;
	struct release_hook h;
	struct zf_hooks hooks = {0};
	uint64_t scan0;
	int victim;

	assert_true(throttle_setup(&e));
	victim = mk_task(e.m, "victim"); /* owns no pages */
	assert_true(victim >= 0);
	memset(&h, 0, sizeof(h));
	h.m = e.m;
	h.task = victim;
	h.kill_task_flag = ZF_TASK_FATAL_SIGNAL;
	h.release_at = 2;
	hooks.priv = &h;
	hooks.on_event = release_on_schedule;
	zf_machine_set_hooks(e.m, &hooks);

	scan0 = zf_inspect_vmstat(e.m, ZF_VM_pgscan_direct);
	zf_set_current(e.m, victim);
	expect_eq(try_to_free_pages(e.m, node0_zonelist(e.m), 0, GFP_KERNEL, 0), 1);
	expect_eq(zf_inspect_vmstat(e.m, ZF_VM_pgscan_direct), scan0);
	expect_eq(h.schedules, 2);
	zf_machine_set_hooks(e.m, NULL);
	throttle_teardown(&e);
	return true;
}

ZF_TEST_MAIN("reclaim", ZF_CASE(lru_fill_release_accounting), ZF_CASE(lru_activate_and_dirty),
	     ZF_CASE(zone_reclaimable_pages_counts), ZF_CASE(direct_reclaim_prefers_clean_file),
	     ZF_CASE(anon_reclaim_needs_swap_and_io), ZF_CASE(noio_reclaims_file_only),
	     ZF_CASE(dirty_file_writeback), ZF_CASE(direct_progress_resets_kswapd_failures),
	     ZF_CASE(costly_order_compaction_ready), ZF_CASE(allow_direct_reclaim_threshold),
	     ZF_CASE(throttle_nofs_waits_at_most_hz), ZF_CASE(throttle_fs_waits_longer_than_hz),
	     ZF_CASE(throttle_released_when_allowed), ZF_CASE(throttle_fatal_signal_gives_progress))
