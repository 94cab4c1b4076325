// SPDX-License-Identifier: MIT
/*
 * allocator/task.c - the model's tasks: creation, flags, SIGKILL and exit
 * (kernel/fork.c, kernel/exit.c, kernel/signal.c as far as the allocator
 * sees them). A task is a task_struct plus the mm counters the OOM killer
 * reads (rss, swap entries, page tables); its memory is the LRU pages it
 * owns. cpuset mems and the mempolicy are updated in cpuset.c.
 */
#include <string.h>

#include "internal.h"

/*
 * Is the task on an allocation frame? A thread bound to a CPU of a threaded
 * machine looks at its own CPU's frames: a task runs only on its CPU, and
 * the other CPUs' frames belong to threads running meanwhile. Any other
 * caller looks at every CPU (nested allocations of several tasks from yield
 * callbacks sit on their CPUs' contexts).
 */
static bool ctx_has_task(const struct zf_cpu_ctx *c, int task)
{
	for (unsigned int i = 0; i < c->alloc_depth && i < ZF_MAX_ALLOC_DEPTH; i++)
		if (c->frames[i].task == task)
			return true;
	return false;
}

bool zf_task_allocating(const struct zf_machine *m, int task)
{
	if (zf_thread_bound(m))
		return ctx_has_task(this_cpu_ctx_ro(m), task);
	for (unsigned int cpu = 0; cpu < m->nr_cpus && cpu < ZF_MAX_CPUS; cpu++)
		if (ctx_has_task(&m->cpu_ctx[cpu], task))
			return true;
	return false;
}

static struct task_struct *live_task(struct zf_machine *m, int task)
{
	struct task_struct *t = task_of(m, task);

	return (t && ZF_READ_ONCE(t->alive)) ? t : NULL;
}

static void task_set_comm(struct task_struct *t, const char *name, int id)
{
	size_t i = 0;

	memset(t->comm, 0, sizeof(t->comm));
	if (name) {
		for (; name[i] && i < sizeof(t->comm) - 1; i++)
			t->comm[i] = name[i];
		return;
	}
	/* "task<id>": ids are < ZF_MAX_TASKS, two digits at most */
	memcpy(t->comm, "task", 4);
	i = 4;
	if (id >= 10)
		t->comm[i++] = (char)('0' + (id / 10) % 10);
	t->comm[i] = (char)('0' + id % 10);
}

/*
 * A new task (fork + cpuset attach + set_mempolicy in one step). Ids are
 * handed out in creation order; once all ZF_MAX_TASKS slots were used, the
 * lowest slot of an exited task is reused (pages it still owns outside the
 * LRU, which exit does not free, then belong to the new task).
 * Bad input gives -1: cpu >= nr_cpus, oom_score_adj outside -1000..1000,
 * mems not a subset of the nodes with memory (cpuset -EINVAL), a policy
 * naming a node that does not exist or that has no node in common with the
 * mems (mpol_set_nodemask() -EINVAL; the policy keeps the intersection).
 */
int zf_task_create(struct zf_machine *m, const struct zf_task_config *tc)
{
	uint32_t memory = node_states_memory(m);
	uint32_t mems, policy = 0;
	struct task_struct *t;
	int id = -1;

	if (!tc || tc->cpu >= m->nr_cpus)
		return -1;
	if (tc->oom_score_adj < OOM_SCORE_ADJ_MIN || tc->oom_score_adj > OOM_SCORE_ADJ_MAX)
		return -1;
	mems = tc->mems_allowed ? tc->mems_allowed : memory;
	if (!mems || (mems & ~memory))
		return -1;
	if (tc->mempolicy_nodes) {
		if (tc->mempolicy_nodes >> m->nr_nodes)
			return -1;
		policy = tc->mempolicy_nodes & mems & memory;
		if (!policy)
			return -1;
	}

	if (m->nr_tasks < ZF_MAX_TASKS) {
		id = (int)m->nr_tasks++;
	} else {
		for (int i = 0; i < ZF_MAX_TASKS; i++) {
			if (!m->tasks[i].alive && !zf_task_allocating(m, i)) {
				id = i;
				break;
			}
		}
		if (id < 0)
			return -1;
	}

	t = &m->tasks[id];
	memset(t, 0, sizeof(*t));
	t->alive = true;
	task_set_comm(t, tc->name, id);
	t->flags = tc->flags;
	t->oom_score_adj = tc->oom_score_adj;
	t->cpu = tc->cpu;
	t->mems_allowed = mems;
	t->mems_allowed_seq = 0;
	t->mempolicy = policy;
	if (t->flags & ZF_TASK_FATAL_SIGNAL)
		t->exit_at = m->jiffies + 1;
	return id;
}

/*
 * Set and clear task flags (PF_*, TIF_MEMDIE, ZF_TASK_*). A fatal signal set
 * this way behaves like zf_task_kill().
 */
int zf_task_set_flags(struct zf_machine *m, int task, uint32_t set, uint32_t clear)
{
	struct task_struct *t = live_task(m, task);
	uint32_t old;

	if (!t)
		return -1;
	old = task_flags(t);
	zf_atomic_andnot32(m, &t->flags, clear);
	zf_atomic_or32(m, &t->flags, set);
	if ((task_flags(t) & ZF_TASK_FATAL_SIGNAL) && !(old & ZF_TASK_FATAL_SIGNAL))
		ZF_WRITE_ONCE(t->exit_at, jiffies_now(m) + 1);
	return 0;
}

int zf_task_set_oom_score_adj(struct zf_machine *m, int task, int adj)
{
	struct task_struct *t = live_task(m, task);

	if (!t || adj < OOM_SCORE_ADJ_MIN || adj > OOM_SCORE_ADJ_MAX)
		return -1;
	t->oom_score_adj = adj;
	return 0;
}

/*
 * SIGKILL: the signal is pending at once (fatal_signal_pending() sees it in
 * the slow path); the task leaves through do_exit() at its next sleep, i.e.
 * the next run_background_work() after virtual time moved, unless it is
 * ZF_TASK_STUCK or still inside an allocation (sched.c).
 */
int zf_task_kill(struct zf_machine *m, int task)
{
	struct task_struct *t = live_task(m, task);

	if (!t)
		return -1;
	if (!(task_flags(t) & ZF_TASK_FATAL_SIGNAL)) {
		/* the signal is sent by another CPU (the OOM killer): an atomic bit */
		zf_atomic_or32(m, &t->flags, ZF_TASK_FATAL_SIGNAL);
		ZF_WRITE_ONCE(t->exit_at, jiffies_now(m) + 1);
	}
	return 0;
}

/*
 * exit_mm() -> mmput() -> exit_mmap(): every LRU page the task owns is taken
 * off its LRU list and freed, and its swap slots are released (zap_pte_range
 * frees swap entries: nr_swap_pages grows back). Finding the pages walks the
 * LRU lists of every zone, O(LRU pages), which is acceptable for an exit.
 * Pages the task owns outside the LRU (kernel allocations charged to it) and
 * pages isolated by reclaim/compaction at this moment are not freed. Returns
 * the number of pages freed.
 */
uint64_t task_exit_mm(struct zf_machine *m, int task)
{
	struct task_struct *t = task_of(m, task);
	uint64_t freed;

	if (!t)
		return 0;
	/* zap every mapping: lru.c's release path takes each page off its LRU and frees it */
	freed = zf_lru_release(m, task, ZF_LRU_ANON, UINT64_MAX);
	freed += zf_lru_release(m, task, ZF_LRU_FILE, UINT64_MAX);
	/* reclaim on other CPUs may be adding swap entries meanwhile: take them atomically */
	zf_atomic_add(m, &m->nr_swap_pages,
		      (int64_t)(m->threaded ? __atomic_exchange_n(&t->swapents, 0, __ATOMIC_RELAXED)
					    : t->swapents));
	ZF_WRITE_ONCE(t->swapents, 0);
	/* the mm is gone, its counters with it (free_pgtables() took the page tables) */
	ZF_WRITE_ONCE(t->rss[0], 0);
	ZF_WRITE_ONCE(t->rss[1], 0);
	ZF_WRITE_ONCE(t->nr_ptes, 0);
	return freed;
}

/*
 * do_exit(): PF_EXITING (exit_signals), exit_mm() frees the memory, and
 * exit_oom_victim() clears TIF_MEMDIE. 4.12's __mmput() ends with
 * set_bit(MMF_OOM_SKIP) so a dead victim never blocks the next OOM kill.
 * The task runs its own exit: the task is current meanwhile, so its
 * order-0 frees go to its CPU's per-cpu lists. A task inside an allocation
 * cannot exit (-1): it leaves the allocator first.
 */
int zf_task_exit(struct zf_machine *m, int task)
{
	struct task_struct *t = live_task(m, task);
	int saved;
	uint64_t freed;

	if (!t || zf_task_allocating(m, task))
		return -1;
	saved = zf_set_current(m, task);
	zf_atomic_or32(m, &t->flags, ZF_PF_EXITING);
	freed = task_exit_mm(m, task);
	ZF_WRITE_ONCE(t->mmf_oom_skip, true);
	zf_atomic_andnot32(m, &t->flags, ZF_TIF_MEMDIE); /* exit_oom_victim() */
	ZF_WRITE_ONCE(t->alive, false);
	zf_trace(m, ZF_EV_TASK_EXIT, -1, ZF_NO_PAGE, 0, task, (int64_t)freed, 0);
	zf_set_current(m, saved);
	return 0;
}
