// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_oom.c - the 4.12 OOM killer and oom_reaper (spec §5.9,
 * §5.10, §11 item 13): badness, victim selection, constraints, the
 * !__GFP_FS fake progress, the "wait for the existing victim" abort and the
 * reaper's MMF_OOM_SKIP timing.
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

#define MAX_EVENTS 1024

struct ev_log {
	unsigned int n;
	struct zf_event ev[MAX_EVENTS];
};

static void log_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct ev_log *log = priv;

	(void)m;
	/* only what these tests look at: the log stays small enough for the stack */
	switch (ev->type) {
	case ZF_EV_OOM_INVOKE:
	case ZF_EV_OOM_KILL:
	case ZF_EV_OOM_REAP:
	case ZF_EV_OOM_SKIP_VICTIM:
	case ZF_EV_TASK_EXIT:
	case ZF_EV_SCHEDULE:
		if (log->n < MAX_EVENTS)
			log->ev[log->n++] = *ev;
		break;
	default:
		break;
	}
}

static const struct zf_event *last_event(const struct ev_log *log, enum zf_event_type type)
{
	for (unsigned int i = log->n; i-- > 0;)
		if (log->ev[i].type == type)
			return &log->ev[i];
	return NULL;
}

static unsigned int count_events(const struct ev_log *log, enum zf_event_type type)
{
	unsigned int n = 0;

	for (unsigned int i = 0; i < log->n; i++)
		n += log->ev[i].type == type;
	return n;
}

static struct zf_machine *machine(unsigned int nodes, bool kill_allocating)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.oom_kill_allocating_task = kill_allocating;
	if (nodes == 2) {
		cfg.nr_nodes = 2;
		cfg.zone_pages[1][ZF_ZONE_NORMAL] = 4096;
	}
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static int task(struct zf_machine *m, uint64_t rss, int adj, uint32_t flags, uint32_t mems,
		uint32_t policy)
{
	struct zf_task_config tc = {.name = NULL,
				    .cpu = 0,
				    .flags = flags,
				    .oom_score_adj = adj,
				    .mems_allowed = mems,
				    .mempolicy_nodes = policy};
	int id = zf_task_create(m, &tc);

	if (id >= 0)
		m->tasks[id].rss[ZF_LRU_ANON] = rss; /* badness input only: no pages behind it */
	return id;
}

/* totalram_pages + total_swap_pages, from the inspection API */
static uint64_t total_pages(const struct zf_machine *m)
{
	struct zf_geometry g;
	uint64_t total;

	zf_inspect_geometry(m, &g);
	total = g.swap_pages;
	for (int id = 0; id < ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES; id++) {
		struct zf_zone_info zi;

		if (zf_inspect_zone(m, id, &zi) == 0)
			total += zi.managed_pages;
	}
	return total;
}

/* the node's pfn span (node_spanned_pages), from its zones */
static uint64_t node_span(const struct zf_machine *m, int nid)
{
	uint64_t lo = UINT64_MAX, hi = 0;

	for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
		struct zf_zone_info zi;

		if (zf_inspect_zone(m, nid * ZF_MAX_NR_ZONES + i, &zi) || !zi.spanned_pages)
			continue;
		if (zi.start_pfn < lo)
			lo = zi.start_pfn;
		if (zi.start_pfn + zi.spanned_pages > hi)
			hi = zi.start_pfn + zi.spanned_pages;
	}
	return hi > lo ? hi - lo : 0;
}

/* An order-0 GFP_KERNEL-like request on node 0's fallback zonelist. */
static void kernel_ac(struct alloc_context *ac, uint32_t nodemask)
{
	memset(ac, 0, sizeof(*ac));
	ac->zonelist_nid = 0;
	ac->zonelist_which = ZONELIST_FALLBACK;
	ac->nodemask = nodemask;
	ac->preferred_zoneref = 0;
	ac->migratetype = MIGRATE_UNMOVABLE;
	ac->high_zoneidx = ZONE_NORMAL;
}

/* __alloc_pages_may_oom's call: oom_lock held around out_of_memory() */
static bool oom(struct zf_machine *m, int current, gfp_t gfp, uint32_t nodemask, int *chosen)
{
	struct alloc_context ac;
	struct oom_control oc;
	bool ret;

	kernel_ac(&ac, nodemask);
	memset(&oc, 0, sizeof(oc));
	oc.ac = &ac;
	oc.gfp_mask = gfp;
	zf_set_current(m, current);
	if (!mutex_trylock_oom(m))
		return false;
	ret = out_of_memory(m, &oc);
	mutex_unlock_oom(m);
	zf_set_current(m, ZF_NO_TASK);
	if (chosen)
		*chosen = oc.chosen;
	return ret;
}

TEST(badness_formula)
{
	struct zf_machine *m = machine(1, false);
	int t;

	assert_true(m);
	t = task(m, 100, 0, 0, 0, 0);
	assert_true(t >= 0);
	m->tasks[t].rss[ZF_LRU_FILE] = 50;
	m->tasks[t].swapents = 10;
	m->tasks[t].nr_ptes = 2;
	/* rss + swapents + page tables */
	expect_eq(oom_badness(m, t, 100000), 162);
	/* oom_score_adj in units of totalpages/1000 (integer division first) */
	m->tasks[t].oom_score_adj = 100;
	expect_eq(oom_badness(m, t, 100000), 162 + 100 * 100);
	expect_eq(oom_badness(m, t, 1999), 162 + 100 * 1);
	/* never 0 for an eligible task */
	m->tasks[t].oom_score_adj = -100;
	expect_eq(oom_badness(m, t, 100000), 1);
	/* OOM_SCORE_ADJ_MIN, unkillable, kthread, reaped mm: 0 */
	m->tasks[t].oom_score_adj = OOM_SCORE_ADJ_MIN;
	expect_eq(oom_badness(m, t, 100000), 0);
	m->tasks[t].oom_score_adj = 0;
	m->tasks[t].flags = ZF_TASK_UNKILLABLE;
	expect_eq(oom_badness(m, t, 100000), 0);
	m->tasks[t].flags = ZF_PF_KTHREAD;
	expect_eq(oom_badness(m, t, 100000), 0);
	m->tasks[t].flags = 0;
	m->tasks[t].mmf_oom_skip = true;
	expect_eq(oom_badness(m, t, 100000), 0);
	zf_machine_destroy(m);
	return true;
}

TEST(selects_highest_badness)
{
	struct zf_machine *m = machine(1, false);
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	int cur, a, b, c, d, e, chosen = -1;
	uint64_t j0;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	cur = task(m, 10, 0, 0, 0, 0);
	a = task(m, 300, 0, 0, 0, 0);
	b = task(m, 900, 0, 0, 0, 0);
	c = task(m, 5000, 0, ZF_TASK_UNKILLABLE, 0, 0);
	d = task(m, 5000, OOM_SCORE_ADJ_MIN, 0, 0, 0);
	e = task(m, 5000, 0, ZF_PF_KTHREAD, 0, 0);
	assert_true(cur >= 0 && a >= 0 && b >= 0 && c >= 0 && d >= 0 && e >= 0);
	j0 = zf_jiffies(m);

	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, b);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 1);
	expect_true(tsk_is_oom_victim(m, b));
	expect_true(m->tasks[b].flags & ZF_TASK_FATAL_SIGNAL);
	expect_false(tsk_is_oom_victim(m, a));
	/* schedule_timeout_killable(1) after the kill: the victim exits meanwhile */
	expect_eq(zf_jiffies(m), j0 + 1);
	expect_false(m->tasks[b].alive);
	expect_false(m->tasks[b].flags & ZF_TIF_MEMDIE);
	expect_eq(count_events(log, ZF_EV_OOM_KILL), 1);
	expect_eq(count_events(log, ZF_EV_TASK_EXIT), 1);
	/* OOM_INVOKE, then the kill, then the victim's exit during the killer's sleep */
	assert_true(last_event(log, ZF_EV_OOM_INVOKE) && last_event(log, ZF_EV_OOM_KILL) &&
		    last_event(log, ZF_EV_TASK_EXIT));
	expect_true(last_event(log, ZF_EV_OOM_INVOKE)->seq < last_event(log, ZF_EV_OOM_KILL)->seq);
	expect_true(last_event(log, ZF_EV_OOM_KILL)->seq < last_event(log, ZF_EV_TASK_EXIT)->seq);
	assert_true(last_event(log, ZF_EV_OOM_INVOKE));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->label, ZF_OOM_OUT_KILLED);
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->a, 1);
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->b, b);
	/* CONSTRAINT_NONE: totalram_pages + total_swap_pages */
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->c, (int64_t)total_pages(m));

	/* the dead victim no longer blocks: the next OOM takes a */
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, a);
	zf_machine_destroy(m);
	return true;
}

TEST(ties_go_to_the_first_task)
{
	struct zf_machine *m = machine(1, false);
	int cur, a, b, chosen = -1;

	assert_true(m);
	cur = task(m, 1, 0, 0, 0, 0);
	a = task(m, 400, 0, 0, 0, 0);
	b = task(m, 400, 0, 0, 0, 0);
	assert_true(cur >= 0 && a >= 0 && b > a);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, a);
	zf_machine_destroy(m);
	return true;
}

TEST(oom_score_adj_changes_the_choice)
{
	struct zf_machine *m = machine(1, false);
	uint64_t total;
	int cur, a, b, chosen = -1;
	int64_t pa, pb;

	assert_true(m);
	total = total_pages(m);
	cur = task(m, 1, 0, 0, 0, 0);
	a = task(m, 3000, -300, 0, 0, 0);
	b = task(m, 1000, 200, 0, 0, 0);
	assert_true(cur >= 0 && a >= 0 && b >= 0);
	pa = 3000 - 300 * (int64_t)(total / 1000);
	pb = 1000 + 200 * (int64_t)(total / 1000);
	if (pa < 1)
		pa = 1;
	expect_eq(oom_badness(m, a, total), pa);
	expect_eq(oom_badness(m, b, total), pb);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, pb > pa ? b : a);
	zf_machine_destroy(m);
	return true;
}

TEST(nofs_never_kills)
{
	struct zf_machine *m = machine(1, false);
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	int cur, a, chosen = 0;
	uint64_t j0;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	cur = task(m, 1, 0, 0, 0, 0);
	a = task(m, 1000, 0, 0, 0, 0);
	assert_true(cur >= 0 && a >= 0);
	j0 = zf_jiffies(m);
	/* GFP_NOFS and GFP_NOIO: "progress" without a kill (spec §11 item 13) */
	expect_true(oom(m, cur, ZF_GFP_NOFS, 0, &chosen));
	expect_true(oom(m, cur, ZF_GFP_NOIO, 0, &chosen));
	expect_eq(chosen, -1);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 0);
	expect_false(tsk_is_oom_victim(m, a));
	expect_false(m->tasks[a].flags & ZF_TASK_FATAL_SIGNAL);
	expect_eq(zf_jiffies(m), j0);
	assert_true(last_event(log, ZF_EV_OOM_INVOKE));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->label, ZF_OOM_OUT_FAKE_PROGRESS);
	expect_eq(count_events(log, ZF_EV_OOM_INVOKE), 2);
	/* gfp_mask 0 (pagefault_out_of_memory) is not !__GFP_FS: it kills */
	expect_true(oom(m, cur, 0, 0, &chosen));
	expect_eq(chosen, a);
	zf_machine_destroy(m);
	return true;
}

/* A victim that can neither exit nor be reaped blocks every later selection for HZ. */
TEST(existing_victim_blocks_until_oom_skip)
{
	struct zf_machine *m = machine(1, false);
	int cur, v, w, chosen = -1;
	uint64_t killed_at, skipped_at;

	assert_true(m);
	cur = task(m, 1, 0, 0, 0, 0);
	v = task(m, 2000, 0, ZF_TASK_STUCK | ZF_TASK_MMAP_LOCKED, 0, 0);
	w = task(m, 500, 0, 0, 0, 0);
	assert_true(cur >= 0 && v >= 0 && w >= 0);

	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, v);
	killed_at = zf_jiffies(m);
	expect_true(m->tasks[v].alive); /* STUCK: it does not exit */
	/* the reaper could not try yet: the OOM killer held oom_lock while it slept */
	expect_eq(m->tasks[v].reap_attempts, 0);

	/* a second OOM waits for the victim: progress, no kill */
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, -2);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 1);
	expect_false(m->tasks[w].flags & ZF_TASK_FATAL_SIGNAL);

	for (int i = 0; i < 3 * HZ && !m->tasks[v].mmf_oom_skip; i++) {
		zf_advance_time(m, 1);
		if (i % 97 == 0 && !m->tasks[v].mmf_oom_skip) {
			/* still waiting for the victim */
			int c2 = 0;

			expect_true(oom(m, cur, GFP_KERNEL, 0, &c2));
			expect_eq(c2, -2);
		}
	}
	skipped_at = zf_jiffies(m);
	assert_true(m->tasks[v].mmf_oom_skip);
	/*
	 * The first try follows the release of oom_lock at killed_at; 10 failed
	 * tries HZ/10 apart, then one more HZ/10 sleep: MMF_OOM_SKIP at +HZ.
	 */
	expect_eq(m->tasks[v].reap_attempts, MAX_OOM_REAP_RETRIES);
	expect_eq(skipped_at - killed_at, HZ);
	expect_eq(m->tasks[v].rss[ZF_LRU_ANON], 2000); /* nothing was reaped */
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_reaped), 0);

	/* MMF_OOM_SKIP: the next OOM kills w */
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, w);
	zf_machine_destroy(m);
	return true;
}

TEST(reaper_frees_anon_pages_only)
{
	struct zf_machine *m = machine(1, false);
	struct zf_zone_info before[ZF_MAX_NR_ZONES], after[ZF_MAX_NR_ZONES];
	uint64_t alloc_before = 0, alloc_after = 0, anon_after = 0, file_after = 0, swap0;
	int cur, v, chosen = -1;

	assert_true(m);
	cur = task(m, 0, 0, 0, 0, 0);
	v = task(m, 0, 0, ZF_TASK_STUCK, 0, 0);
	assert_true(cur >= 0 && v >= 0);
	assert_eq(zf_lru_fill(m, v, ZF_LRU_ANON, 64, ZF_GFP_HIGHUSER_MOVABLE), 64);
	assert_eq(zf_lru_fill(m, v, ZF_LRU_FILE, 32, ZF_GFP_HIGHUSER_MOVABLE), 32);
	m->tasks[v].swapents = 5;
	m->nr_swap_pages -= 5;
	swap0 = m->nr_swap_pages;
	for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
		zf_inspect_zone(m, i, &before[i]);
		alloc_before += before[i].nr_allocated;
	}

	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, v);
	/* oom_lock was held across the killer's sleep: nothing reaped yet */
	expect_eq(m->tasks[v].rss[ZF_LRU_ANON], 64);
	expect_false(m->tasks[v].mmf_oom_skip);

	zf_advance_time(m, 1); /* the reaper's first try succeeds */
	for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
		zf_inspect_zone(m, i, &after[i]);
		alloc_after += after[i].nr_allocated;
		anon_after += after[i].lru[0] + after[i].lru[1];
		file_after += after[i].lru[2] + after[i].lru[3];
	}
	expect_eq(alloc_before - alloc_after, 64);
	expect_eq(anon_after, 0);
	expect_eq(file_after, 32);
	expect_eq(m->tasks[v].rss[ZF_LRU_ANON], 0);
	expect_eq(m->tasks[v].rss[ZF_LRU_FILE], 32);
	expect_eq(m->tasks[v].swapents, 0);
	expect_eq(m->nr_swap_pages, swap0 + 5);
	expect_true(m->tasks[v].mmf_oom_skip);
	expect_false(m->tasks[v].reap_queued);
	expect_eq(m->tasks[v].reap_attempts, 1);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_reaped), 1);
	expect_true(m->tasks[v].alive);
	zf_machine_destroy(m);
	return true;
}

TEST(reaper_waits_for_oom_lock)
{
	struct zf_machine *m = machine(1, false);
	int cur, v;

	assert_true(m);
	cur = task(m, 0, 0, 0, 0, 0);
	v = task(m, 0, 0, ZF_TASK_STUCK, 0, 0);
	assert_true(cur >= 0 && v >= 0);
	assert_eq(zf_lru_fill(m, v, ZF_LRU_ANON, 8, ZF_GFP_HIGHUSER_MOVABLE), 8);
	mark_oom_victim(m, v);
	wake_oom_reaper(m, v);
	zf_set_current(m, cur);
	assert_true(mutex_trylock_oom(m));
	expect_false(mutex_trylock_oom(m)); /* a second trylock fails */
	zf_advance_time(m, HZ);
	expect_eq(m->tasks[v].reap_attempts, 0);
	expect_eq(m->tasks[v].rss[ZF_LRU_ANON], 8);
	mutex_unlock_oom(m);
	zf_advance_time(m, 1);
	expect_eq(m->tasks[v].rss[ZF_LRU_ANON], 0);
	expect_true(m->tasks[v].mmf_oom_skip);
	zf_machine_destroy(m);
	return true;
}

TEST(current_dying_is_marked_not_killed)
{
	struct zf_machine *m = machine(1, false);
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	int cur, a, chosen = 0;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	cur = task(m, 10, 0, ZF_TASK_FATAL_SIGNAL, 0, 0);
	a = task(m, 1000, 0, 0, 0, 0);
	assert_true(cur >= 0 && a >= 0);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_true(m->tasks[cur].flags & ZF_TIF_MEMDIE);
	expect_true(tsk_is_oom_victim(m, cur));
	expect_true(m->tasks[cur].reap_queued);
	expect_false(tsk_is_oom_victim(m, a));
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_kill), 0);
	assert_true(last_event(log, ZF_EV_OOM_INVOKE));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->label, ZF_OOM_OUT_CURRENT_EXITING);
	zf_machine_destroy(m);
	return true;
}

TEST(kill_allocating_task)
{
	struct zf_machine *m = machine(1, true);
	int cur, a, chosen = -1;
	uint64_t j0;

	assert_true(m);
	cur = task(m, 10, 0, 0, 0, 0);
	a = task(m, 1000, 0, 0, 0, 0);
	assert_true(cur >= 0 && a >= 0);
	j0 = zf_jiffies(m);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, cur);
	expect_true(m->tasks[cur].flags & ZF_TASK_FATAL_SIGNAL);
	expect_true(m->tasks[cur].flags & ZF_TIF_MEMDIE);
	expect_false(tsk_is_oom_victim(m, a));
	expect_eq(zf_jiffies(m), j0); /* no sleep on this path */
	/* an OOM_SCORE_ADJ_MIN current is not killed this way: the scan finds the victim */
	zf_machine_destroy(m);

	m = machine(1, true);
	assert_true(m);
	cur = task(m, 10, OOM_SCORE_ADJ_MIN, 0, 0, 0);
	a = task(m, 1000, 0, 0, 0, 0);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, a);
	zf_machine_destroy(m);
	return true;
}

TEST(no_killable_task_is_a_panic)
{
	struct zf_machine *m = machine(1, false);
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	int cur, chosen = 0;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	cur = task(m, 100, OOM_SCORE_ADJ_MIN, 0, 0, 0);
	assert_true(cur >= 0 && task(m, 100, 0, ZF_TASK_UNKILLABLE, 0, 0) >= 0);
	expect_false(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, -1);
	assert_true(last_event(log, ZF_EV_OOM_INVOKE));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->label, ZF_OOM_OUT_NO_KILLABLE);
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->a, 0);
	/* oom_killer_disabled: false without looking at tasks */
	m->oom_killer_disabled = true;
	expect_false(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->label, ZF_OOM_OUT_DISABLED);
	zf_machine_destroy(m);
	return true;
}

TEST(cpuset_constraint)
{
	struct zf_machine *m = machine(2, false);
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	struct zf_geometry g;
	int cur, far, both, chosen = -1;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	zf_inspect_geometry(m, &g);
	cur = task(m, 1, 0, 0, 0x1, 0);
	far = task(m, 5000, 0, 0, 0x2, 0); /* cannot free memory on node 0 */
	both = task(m, 100, 0, 0, 0x3, 0); /* shares node 0 with current */
	assert_true(cur >= 0 && far >= 0 && both >= 0);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, both);
	/* CONSTRAINT_CPUSET: spanned pages of current's mems + swap */
	assert_true(last_event(log, ZF_EV_OOM_INVOKE));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->c, (int64_t)(node_span(m, 0) + g.swap_pages));
	zf_machine_destroy(m);
	return true;
}

TEST(mempolicy_constraint)
{
	struct zf_machine *m = machine(2, false);
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	struct zf_geometry g;
	int cur, bound0, bound1, chosen = -1;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	zf_inspect_geometry(m, &g);
	cur = task(m, 1, 0, 0, 0, 0x2);
	bound0 = task(m, 5000, 0, 0, 0, 0x1); /* its policy misses the OOMing node */
	bound1 = task(m, 200, 0, 0, 0, 0x2);
	assert_true(cur >= 0 && bound0 >= 0 && bound1 >= 0);
	/* an MPOL_BIND nodemask {1} that does not cover node 0 */
	expect_true(oom(m, cur, GFP_KERNEL, 0x2, &chosen));
	expect_eq(chosen, bound1);
	assert_true(last_event(log, ZF_EV_OOM_INVOKE));
	expect_eq(last_event(log, ZF_EV_OOM_INVOKE)->c, (int64_t)(node_span(m, 1) + g.swap_pages));
	zf_machine_destroy(m);
	return true;
}

TEST(result_counts_invocations_and_first_kill)
{
	struct zf_machine *m = machine(1, false);
	struct zf_alloc_result res;
	struct alloc_context ac;
	int cur, a, b, chosen = -1;

	assert_true(m);
	cur = task(m, 1, 0, 0, 0, 0);
	a = task(m, 900, 0, ZF_TASK_STUCK, 0, 0);
	b = task(m, 800, 0, 0, 0, 0);
	assert_true(cur >= 0 && a >= 0 && b >= 0);
	memset(&res, 0, sizeof(res));
	res.oom_killed = ZF_NO_TASK;
	kernel_ac(&ac, 0);
	/* an allocation of cur in progress (zf_alloc_pages' frame) */
	m->cpu_ctx[0].frames[0].ac = &ac;
	m->cpu_ctx[0].frames[0].gfp = GFP_KERNEL;
	m->cpu_ctx[0].frames[0].task = cur;
	m->cpu_ctx[0].frames[0].res = &res;
	m->cpu_ctx[0].alloc_depth = 1; /* one frame, on CPU 0 */
	m->alloc_nesting = 1;
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, a);
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen)); /* a cannot exit: wait */
	expect_eq(chosen, -2);
	expect_true(oom(m, cur, ZF_GFP_NOFS, 0, &chosen));
	m->tasks[a].mmf_oom_skip = true;
	expect_true(oom(m, cur, GFP_KERNEL, 0, &chosen));
	expect_eq(chosen, b);
	expect_eq(res.oom_invoked, 4);
	expect_eq(res.oom_killed, a);    /* the first kill of this allocation */
	expect_false(m->tasks[b].alive); /* it exited at the killer's sleep */
	m->cpu_ctx[0].alloc_depth = 0;
	m->alloc_nesting = 0;
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("oom", ZF_CASE(badness_formula), ZF_CASE(selects_highest_badness),
	     ZF_CASE(ties_go_to_the_first_task), ZF_CASE(oom_score_adj_changes_the_choice),
	     ZF_CASE(nofs_never_kills), ZF_CASE(existing_victim_blocks_until_oom_skip),
	     ZF_CASE(reaper_frees_anon_pages_only), ZF_CASE(reaper_waits_for_oom_lock),
	     ZF_CASE(current_dying_is_marked_not_killed), ZF_CASE(kill_allocating_task),
	     ZF_CASE(no_killable_task_is_a_panic), ZF_CASE(cpuset_constraint),
	     ZF_CASE(mempolicy_constraint), ZF_CASE(result_counts_invocations_and_first_kill))
