// SPDX-License-Identifier: MIT
/*
 * allocator/sched.c - virtual time. m->jiffies moves only when somebody
 * sleeps (schedule_timeout(), congestion_wait(), zf_advance_time()); every
 * sleep then runs the background "threads" that would have run meanwhile on
 * other CPUs, in one fixed order, so that a run is a pure function of its
 * inputs (docs/model-contract.md "Time, background work and yields";
 * spec §12 timing notes).
 */
#include "internal.h"

/*
 * Killed tasks leave at their next sleep: do_exit() frees their memory.
 * A ZF_TASK_STUCK task never gets there (it waits on something the allocator
 * holds), and a task inside an allocation finishes the allocation first
 * (SIGKILL is acted on when it returns to user space).
 */
static void exit_killed_tasks(struct zf_machine *m)
{
	for (int i = 0; i < (int)m->nr_tasks && i < ZF_MAX_TASKS; i++) {
		const struct task_struct *t = &m->tasks[i];

		if (!t->alive || !(t->flags & ZF_TASK_FATAL_SIGNAL) || (t->flags & ZF_TASK_STUCK))
			continue;
		if (t->exit_at > m->jiffies || zf_task_allocating(m, i))
			continue;
		zf_task_exit(m, i);
	}
}

/*
 * The oom_reaper thread: every victim whose next attempt is due tries now.
 * Time may have moved by more than one retry interval during one sleep, so a
 * victim keeps trying until it is done or its next try lies in the future
 * (at most MAX_OOM_REAP_RETRIES + 1 steps). The kernel's reaper works its
 * (LIFO) list one victim at a time; victims are rare enough that the model
 * serves them side by side, lowest task id first.
 */
static void oom_reaper_run(struct zf_machine *m)
{
	for (int i = 0; i < (int)m->nr_tasks && i < ZF_MAX_TASKS; i++) {
		const struct task_struct *t = &m->tasks[i];

		for (int step = 0; step <= MAX_OOM_REAP_RETRIES; step++) {
			uint64_t before = t->reap_at;

			if (!t->reap_queued || t->reap_at > m->jiffies)
				break;
			if (oom_reap_task_once(m, i))
				break;
			if (t->reap_at == before)
				break; /* blocked on oom_lock: nothing changes until it is released
					*/
		}
	}
}

/*
 * Background work in a fixed order: IO completion (only when time moved),
 * exits of killed tasks, the OOM reaper, kswapd of each woken node, then
 * kcompactd of each woken node. It runs as no task (kernel threads), except
 * that an exiting task runs its own do_exit(). Nested sleeps inside
 * background work (kswapd's congestion_wait) advance time but do not recurse.
 */
static void __run_background_work(struct zf_machine *m, bool time_advanced)
{
	int saved = m->current;

	if (m->in_background)
		return;
	m->in_background = true;
	m->current = ZF_NO_TASK;

	if (time_advanced)
		writeback_complete_due(m);
	exit_killed_tasks(m);
	oom_reaper_run(m);
	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		if (m->nodes[nid].kswapd_woken)
			kswapd_run_once(m, &m->nodes[nid]);
	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		if (m->nodes[nid].kcompactd_woken)
			kcompactd_do_work(m, &m->nodes[nid]);

	m->current = saved;
	m->in_background = false;
}

/* Background work without a sleep (zf_run_kswapd() and friends): no IO completes. */
void run_background_work(struct zf_machine *m)
{
	__run_background_work(m, false);
}

/*
 * schedule_timeout(): the caller sleeps for at least one tick; what the
 * other CPUs did meanwhile runs now.
 */
void schedule_timeout(struct zf_machine *m, uint64_t ticks)
{
	if (ticks == 0)
		ticks = 1;
	m->jiffies += ticks;
	zf_trace(m, ZF_EV_SCHEDULE, -1, ZF_NO_PAGE, 0, (int64_t)ticks, 0, 0);
	__run_background_work(m, true);
}

/*
 * congestion_wait(BLK_RW_ASYNC, timeout): the model has no congestion
 * wakeups, so the caller sleeps the whole timeout.
 */
void congestion_wait(struct zf_machine *m, uint64_t ticks)
{
	schedule_timeout(m, ticks);
}

/*
 * One pass of an allocation's retry loop costs one jiffy of virtual time. In
 * the kernel the loop burns CPU time while kswapd, exiting OOM victims and the
 * OOM reaper run on other CPUs (spec §5.10: a victim is waited for, and
 * MMF_OOM_SKIP ends the wait after about a second). The sequential model has
 * no other CPUs, so without this a loop that waits for them would spin at a
 * frozen clock: a model artefact, not a 4.12 livelock. It is a stand-in for
 * concurrency, not a kernel sleep, and traces no SCHEDULE event.
 */
void zf_loop_tick(struct zf_machine *m)
{
	m->jiffies++;
	__run_background_work(m, true);
}

/* cond_resched(): never sleeps in the model and runs nothing (model contract). */
void cond_resched(struct zf_machine *m)
{
	(void)m;
}

uint64_t zf_jiffies(const struct zf_machine *m)
{
	return m->jiffies;
}

/*
 * Let virtual time pass outside any task (the harness "sleeps"). 0 ticks runs
 * the background work that is due without moving time.
 */
void zf_advance_time(struct zf_machine *m, uint64_t ticks)
{
	int saved = m->current;

	m->current = ZF_NO_TASK;
	if (ticks == 0)
		run_background_work(m);
	else
		schedule_timeout(m, ticks);
	m->current = saved;
}
