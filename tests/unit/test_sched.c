// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_sched.c - virtual time and background work
 * (docs/model-contract.md "Time, background work and yields"), and the task
 * lifecycle: create, SIGKILL, exit at the next sleep.
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

static int find_event(const struct ev_log *log, enum zf_event_type type, unsigned int from)
{
	for (unsigned int i = from; i < log->n; i++)
		if (log->ev[i].type == type)
			return (int)i;
	return -1;
}

static struct zf_machine *machine(void)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static int task(struct zf_machine *m, uint32_t flags)
{
	struct zf_task_config tc = {.name = "t", .cpu = 1, .flags = flags};

	return zf_task_create(m, &tc);
}

static uint64_t allocated_pages(const struct zf_machine *m)
{
	uint64_t n = 0;

	for (int id = 0; id < ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES; id++) {
		struct zf_zone_info zi;

		if (zf_inspect_zone(m, id, &zi) == 0)
			n += zi.nr_allocated;
	}
	return n;
}

TEST(sleeps_advance_virtual_time)
{
	struct zf_machine *m = machine();
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	uint64_t j0;
	int i;

	assert_true(m);
	zf_machine_set_hooks(m, &h);
	j0 = zf_jiffies(m);
	schedule_timeout(m, 5);
	expect_eq(zf_jiffies(m), j0 + 5);
	schedule_timeout(m, 0); /* a sleep is at least one tick */
	expect_eq(zf_jiffies(m), j0 + 6);
	congestion_wait(m, HZ / 10);
	expect_eq(zf_jiffies(m), j0 + 6 + HZ / 10);
	cond_resched(m); /* never sleeps */
	expect_eq(zf_jiffies(m), j0 + 6 + HZ / 10);
	zf_advance_time(m, 7);
	expect_eq(zf_jiffies(m), j0 + 13 + HZ / 10);
	zf_advance_time(m, 0); /* background work only */
	expect_eq(zf_jiffies(m), j0 + 13 + HZ / 10);

	i = find_event(log, ZF_EV_SCHEDULE, 0);
	assert_true(i >= 0);
	expect_eq(log->ev[i].a, 5);
	i = find_event(log, ZF_EV_SCHEDULE, (unsigned int)i + 1);
	assert_true(i >= 0);
	expect_eq(log->ev[i].a, 1);
	zf_machine_destroy(m);
	return true;
}

TEST(advance_time_keeps_current)
{
	struct zf_machine *m = machine();
	int t;

	assert_true(m);
	t = task(m, 0);
	assert_true(t >= 0);
	zf_set_current(m, t);
	zf_advance_time(m, 3);
	expect_eq(zf_current(m), t);
	schedule_timeout(m, 1);
	expect_eq(zf_current(m), t);
	expect_false(zf_in_background(m));
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

TEST(killed_task_exits_at_next_sleep)
{
	struct zf_machine *m = machine();
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	uint64_t alloc0, swap0;
	int t, i;

	assert_true(m);
	t = task(m, 0);
	assert_true(t >= 0);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 16, ZF_GFP_HIGHUSER_MOVABLE), 16);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_FILE, 8, ZF_GFP_HIGHUSER_MOVABLE), 8);
	m->tasks[t].swapents = 3;
	m->nr_swap_pages -= 3;
	swap0 = m->nr_swap_pages;
	alloc0 = allocated_pages(m);
	zf_machine_set_hooks(m, &h);

	expect_eq(zf_task_kill(m, t), 0);
	expect_true(m->tasks[t].alive);
	expect_true(m->tasks[t].flags & ZF_TASK_FATAL_SIGNAL);
	zf_advance_time(m, 0); /* no time passed: not yet */
	expect_true(m->tasks[t].alive);
	zf_advance_time(m, 1);
	expect_false(m->tasks[t].alive);
	expect_eq(alloc0 - allocated_pages(m), 24);
	expect_eq(m->nr_swap_pages, swap0 + 3);
	expect_eq(m->tasks[t].rss[ZF_LRU_ANON] + m->tasks[t].rss[ZF_LRU_FILE], 0);
	i = find_event(log, ZF_EV_TASK_EXIT, 0);
	assert_true(i >= 0);
	expect_eq(log->ev[i].a, t);
	expect_eq(log->ev[i].b, 24);
	expect_eq(log->ev[i].task, t); /* do_exit runs as the task itself */
	/* a dead task cannot be killed, exited or changed */
	expect_eq(zf_task_kill(m, t), -1);
	expect_eq(zf_task_exit(m, t), -1);
	expect_eq(zf_task_set_flags(m, t, ZF_TASK_STUCK, 0), -1);
	zf_machine_destroy(m);
	return true;
}

TEST(stuck_task_never_exits)
{
	struct zf_machine *m = machine();
	int t;

	assert_true(m);
	t = task(m, ZF_TASK_STUCK);
	assert_true(t >= 0);
	expect_eq(zf_task_kill(m, t), 0);
	zf_advance_time(m, 10 * HZ);
	expect_true(m->tasks[t].alive);
	expect_eq(zf_task_set_flags(m, t, 0, ZF_TASK_STUCK), 0);
	expect_true(m->tasks[t].alive);
	zf_advance_time(m, 1);
	expect_false(m->tasks[t].alive);
	zf_machine_destroy(m);
	return true;
}

TEST(allocating_task_exits_after_its_allocation)
{
	struct zf_machine *m = machine();
	struct zf_alloc_result res;
	int t;

	assert_true(m);
	t = task(m, 0);
	assert_true(t >= 0);
	memset(&res, 0, sizeof(res));
	m->cpu_ctx[0].frames[0].task = t;
	m->cpu_ctx[0].frames[0].res = &res;
	m->cpu_ctx[0].alloc_depth = 1; /* one frame, on CPU 0 */
	m->alloc_nesting = 1;
	expect_eq(zf_task_set_flags(m, t, ZF_TASK_FATAL_SIGNAL, 0), 0);
	zf_set_current(m, t);
	schedule_timeout(m, 1); /* its own sleep inside the allocation */
	expect_true(m->tasks[t].alive);
	expect_eq(zf_task_exit(m, t), -1);
	m->cpu_ctx[0].alloc_depth = 0;
	m->alloc_nesting = 0;
	zf_set_current(m, ZF_NO_TASK);
	zf_advance_time(m, 1);
	expect_false(m->tasks[t].alive);
	zf_machine_destroy(m);
	return true;
}

/* Exits run before the reaper: a victim that exited is done without reaping. */
TEST(background_order_exit_then_reaper)
{
	struct zf_machine *m = machine();
	struct ev_log logbuf = {0}, *log = &logbuf;
	struct zf_hooks h = {.priv = log, .on_event = log_event};
	int t, e, s;

	assert_true(m);
	t = task(m, 0);
	assert_true(t >= 0);
	assert_eq(zf_lru_fill(m, t, ZF_LRU_ANON, 4, ZF_GFP_HIGHUSER_MOVABLE), 4);
	zf_machine_set_hooks(m, &h);
	zf_task_kill(m, t);
	mark_oom_victim(m, t);
	wake_oom_reaper(m, t);
	zf_advance_time(m, 1);
	e = find_event(log, ZF_EV_TASK_EXIT, 0);
	s = find_event(log, ZF_EV_OOM_SKIP_VICTIM, 0);
	assert_true(e >= 0 && s >= 0);
	expect_true(e < s);
	expect_eq(find_event(log, ZF_EV_OOM_REAP, 0), -1);
	expect_eq(zf_inspect_vmstat(m, ZF_VM_oom_reaped), 0);
	expect_true(m->tasks[t].mmf_oom_skip);
	expect_false(m->tasks[t].reap_queued);
	zf_machine_destroy(m);
	return true;
}

TEST(no_background_recursion)
{
	struct zf_machine *m = machine();
	uint64_t j0;
	int t;

	assert_true(m);
	t = task(m, 0);
	assert_true(t >= 0);
	zf_task_kill(m, t);
	j0 = zf_jiffies(m);
	zf_set_background(m, true); /* a sleep of kswapd itself */
	schedule_timeout(m, 2);
	expect_eq(zf_jiffies(m), j0 + 2);
	expect_true(m->tasks[t].alive);
	zf_set_background(m, false);
	schedule_timeout(m, 1);
	expect_false(m->tasks[t].alive);
	zf_machine_destroy(m);
	return true;
}

TEST(woken_kswapd_runs_at_the_next_sleep)
{
	struct zf_machine *m = machine();

	assert_true(m);
	m->nodes[0].kswapd_woken = true;
	m->nodes[0].kswapd_order = 0;
	m->nodes[0].kswapd_classzone_idx = ZONE_NORMAL;
	zf_advance_time(m, 1);
	expect_false(m->nodes[0].kswapd_woken);
	zf_machine_destroy(m);
	return true;
}

TEST(task_create_ids_and_validation)
{
	struct zf_machine *m = machine();
	struct zf_task_config tc = {.name = "a-very-long-task-name", .cpu = 0};
	int first, id, last = -1;

	assert_true(m);
	first = zf_task_create(m, &tc);
	assert_true(first >= 0);
	expect_eq(strcmp(m->tasks[first].comm, "a-very-long-tas"), 0);
	expect_eq(m->tasks[first].mems_allowed, node_states_memory(m));
	tc.cpu = m->nr_cpus;
	expect_eq(zf_task_create(m, &tc), -1);
	tc.cpu = 0;
	tc.oom_score_adj = 1001;
	expect_eq(zf_task_create(m, &tc), -1);
	tc.oom_score_adj = -1000;
	expect_eq(zf_task_create(m, NULL), -1);
	/* ids in creation order until the table is full */
	id = zf_task_create(m, &tc);
	expect_eq(id, first + 1);
	while ((id = zf_task_create(m, &tc)) >= 0)
		last = id;
	expect_eq(last, ZF_MAX_TASKS - 1);
	/* then the lowest exited slot is reused */
	expect_eq(zf_task_exit(m, first + 1), 0);
	expect_eq(zf_task_exit(m, first), 0);
	expect_eq(zf_task_create(m, &tc), first);
	expect_eq(m->tasks[first].oom_score_adj, -1000);
	expect_true(m->tasks[first].alive);
	expect_false(m->tasks[first].mmf_oom_skip);
	expect_eq(zf_task_set_oom_score_adj(m, first, 1001), -1);
	expect_eq(zf_task_set_oom_score_adj(m, first, 500), 0);
	expect_eq(m->tasks[first].oom_score_adj, 500);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("sched", ZF_CASE(sleeps_advance_virtual_time), ZF_CASE(advance_time_keeps_current),
	     ZF_CASE(killed_task_exits_at_next_sleep), ZF_CASE(stuck_task_never_exits),
	     ZF_CASE(allocating_task_exits_after_its_allocation),
	     ZF_CASE(background_order_exit_then_reaper), ZF_CASE(no_background_recursion),
	     ZF_CASE(woken_kswapd_runs_at_the_next_sleep), ZF_CASE(task_create_ids_and_validation))
