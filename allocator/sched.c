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
 *
 * do_exit() runs in the task's own context. In a threaded machine the thread
 * bound to a CPU is that CPU, so it exits only the tasks of its own CPU
 * (cpu >= 0); tasks of other CPUs are left to their threads (-1: all tasks,
 * a sequential machine or a thread that is not bound).
 */
static void exit_killed_tasks(struct zf_machine *m, int cpu)
{
	unsigned int nr_tasks = ZF_READ_ONCE(m->nr_tasks);

	for (int i = 0; i < (int)nr_tasks && i < ZF_MAX_TASKS; i++) {
		const struct task_struct *t = &m->tasks[i];
		uint32_t flags;

		if (cpu >= 0 && t->cpu != (unsigned int)cpu)
			continue;
		flags = task_flags(t);
		if (!ZF_READ_ONCE(t->alive) || !(flags & ZF_TASK_FATAL_SIGNAL) ||
		    (flags & ZF_TASK_STUCK))
			continue;
		if (ZF_READ_ONCE(t->exit_at) > jiffies_now(m) || zf_task_allocating(m, i))
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
	unsigned int nr_tasks = ZF_READ_ONCE(m->nr_tasks);

	for (int i = 0; i < (int)nr_tasks && i < ZF_MAX_TASKS; i++) {
		const struct task_struct *t = &m->tasks[i];

		for (int step = 0; step <= MAX_OOM_REAP_RETRIES; step++) {
			uint64_t before = ZF_READ_ONCE(t->reap_at);

			if (!ZF_READ_ONCE(t->reap_queued) || before > jiffies_now(m))
				break;
			if (oom_reap_task_once(m, i))
				break;
			if (ZF_READ_ONCE(t->reap_at) == before)
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
 *
 * In a threaded machine (docs/concurrency.md) a bound thread completes the
 * IO that is due (an interrupt: any CPU, under the lru_lock) and exits the
 * killed tasks of its own CPU, then runs the kernel threads' work only if no
 * other thread is running it (bg_lock): each of those kernel threads is one
 * thread in the kernel, and a wakeup while it runs is seen at its next cycle.
 * One bound thread whose tasks all run on its CPU does exactly what a
 * sequential machine does.
 */
static void __run_background_work(struct zf_machine *m, bool time_advanced)
{
	bool bound;
	int saved;

	if (zf_in_background(m))
		return;
	zf_set_background(m, true);
	saved = zf_set_current(m, ZF_NO_TASK);

	bound = zf_thread_bound(m);
	if (time_advanced)
		writeback_complete_due(m);
	exit_killed_tasks(m, bound ? (int)smp_processor_id(m) : -1);
	if (bound && !zf_spin_trylock(m, &m->bg_lock))
		goto out;
	oom_reaper_run(m);
	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		if (ZF_READ_ONCE(m->nodes[nid].kswapd_woken))
			kswapd_run_once(m, &m->nodes[nid]);
	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		if (ZF_READ_ONCE(m->nodes[nid].kcompactd_woken))
			kcompactd_do_work(m, &m->nodes[nid]);
	if (bound)
		zf_spin_unlock(m, &m->bg_lock);
out:
	zf_set_current(m, saved);
	zf_set_background(m, false);
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
	zf_atomic_add(m, &m->jiffies, (int64_t)ticks);
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
	zf_atomic_add(m, &m->jiffies, 1);
	__run_background_work(m, true);
}

/* cond_resched(): never sleeps in the model and runs nothing (model contract). */
void cond_resched(struct zf_machine *m)
{
	(void)m;
}

uint64_t zf_jiffies(const struct zf_machine *m)
{
	return jiffies_now(m);
}

/*
 * Let virtual time pass outside any task (the harness "sleeps"). 0 ticks runs
 * the background work that is due without moving time.
 */
void zf_advance_time(struct zf_machine *m, uint64_t ticks)
{
	int saved = zf_set_current(m, ZF_NO_TASK);

	if (ticks == 0)
		run_background_work(m);
	else
		schedule_timeout(m, ticks);
	zf_set_current(m, saved);
}
