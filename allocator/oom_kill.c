// SPDX-License-Identifier: MIT
/*
 * allocator/oom_kill.c - the OOM killer and the oom_reaper of Linux 4.12
 * (mm/oom_kill.c; spec §5.9, §5.10, §11 item 13).
 *
 * out_of_memory() is called by __alloc_pages_may_oom() with oom_lock held.
 * It picks the task with the highest badness in the allocation's constraint,
 * sends it SIGKILL, marks it as a victim (TIF_MEMDIE, signal->oom_mm) and
 * queues it for the oom_reaper. While a victim exists and its mm is not
 * MMF_OOM_SKIP, every later selection aborts ("wait for the victim"); the
 * reaper bounds that wait by setting MMF_OOM_SKIP after reaping, or after
 * MAX_OOM_REAP_RETRIES failed tries HZ/10 apart.
 *
 * Model differences (the kernel facts are in the comments at each site):
 * one mm per task (no threads, no mm shared between processes, no children
 * to sacrifice), no root tasks (no 3% bonus), no notifier chain, no memcg,
 * no sysrq, no panic_on_oom. The "no killable processes" panic is traced and
 * returns false: a panic ends the machine, the oracle reports it.
 */
#include "internal.h"

/* The allocation that invoked the OOM killer, for its zf_alloc_result. */
static struct zf_alloc_result *oom_frame_result(struct zf_machine *m)
{
	struct zf_alloc_frame *f = cur_frame(m);

	return f ? f->res : NULL;
}

/*
 * oom_lock is a mutex in the kernel; only its trylock semantics matter to
 * the allocator. The single-threaded model keeps it as a flag (a nested
 * allocation from a yield callback finds it held); a threaded machine takes
 * the real lock (m->oom_lock), and the flag and owner are then only written
 * by its holder.
 */
bool mutex_trylock_oom(struct zf_machine *m)
{
	if (m->threaded) {
		if (!zf_spin_trylock(m, &m->oom_lock))
			return false;
	} else if (m->oom_lock_held) {
		return false;
	}
	m->oom_lock_held = true;
	m->oom_lock_owner = zf_current(m);
	return true;
}

void mutex_unlock_oom(struct zf_machine *m)
{
	m->oom_lock_held = false;
	m->oom_lock_owner = ZF_NO_TASK;
	if (m->threaded)
		zf_spin_unlock(m, &m->oom_lock);
}

/* tsk_is_oom_victim(): signal->oom_mm is set (stays set for the task's life). */
bool tsk_is_oom_victim(struct zf_machine *m, int task)
{
	const struct task_struct *t = task_of(m, task);

	return t && ZF_READ_ONCE(t->oom_victim);
}

/*
 * mark_oom_victim(): TIF_MEMDIE gives the victim the memory reserves
 * (gfp_pfmemalloc_allowed, spec §5.2); signal->oom_mm makes it a victim for
 * select_bad_process(). A task that already has TIF_MEMDIE is left alone.
 */
void mark_oom_victim(struct zf_machine *m, int task)
{
	struct task_struct *t = task_of(m, task);

	if (!t || (task_flags(t) & ZF_TIF_MEMDIE))
		return;
	/* set_tsk_thread_flag(): the victim may be running on another CPU */
	zf_atomic_or32(m, &t->flags, ZF_TIF_MEMDIE);
	ZF_WRITE_ONCE(t->oom_victim, true);
}

/*
 * wake_oom_reaper(): queue the victim unless it is queued already. The first
 * try is due at once; it happens at the next background run (the next sleep
 * of anyone), as soon as oom_lock is free (__oom_reap_task_mm takes it).
 */
void wake_oom_reaper(struct zf_machine *m, int task)
{
	struct task_struct *t = task_of(m, task);

	if (!t || ZF_READ_ONCE(t->reap_queued))
		return;
	/* the reaper (background work on another CPU) reads these without oom_lock */
	ZF_WRITE_ONCE(t->reap_attempts, 0u);
	ZF_WRITE_ONCE(t->reap_at, jiffies_now(m));
	ZF_WRITE_ONCE(t->reap_queued, true);
}

/*
 * __oom_reap_task_mm() unmaps the anonymous and private mappings: the
 * victim's anon LRU pages are freed and its swap entries released (zap of a
 * swap pte frees the slot); page-cache pages stay, as the reaper only drops
 * the mapping. Page tables are freed only by exit_mmap(), so nr_ptes stays.
 */
static uint64_t oom_reap_anon_pages(struct zf_machine *m, int task)
{
	struct task_struct *t = &m->tasks[task];
	uint64_t freed;

	/* lru.c's release path: off the LRU, MM_ANONPAGES--, __free_pages() */
	freed = zf_lru_release(m, task, ZF_LRU_ANON, UINT64_MAX);
	/* reclaim on other CPUs may be adding swap entries meanwhile: take them atomically */
	zf_atomic_add(m, &m->nr_swap_pages,
		      (int64_t)(m->threaded ? __atomic_exchange_n(&t->swapents, 0, __ATOMIC_RELAXED)
					    : t->swapents));
	ZF_WRITE_ONCE(t->swapents, 0);
	return freed;
}

/* set_bit(MMF_OOM_SKIP) at the end of oom_reap_task(), reaped or not. */
static void oom_reap_done(struct zf_machine *m, int task)
{
	struct task_struct *t = &m->tasks[task];

	ZF_WRITE_ONCE(t->reap_queued, false);
	ZF_WRITE_ONCE(t->mmf_oom_skip, true);
	zf_trace(m, ZF_EV_OOM_SKIP_VICTIM, -1, ZF_NO_PAGE, 0, task, t->reap_attempts, 0);
}

/*
 * One step of oom_reap_task(): the loop "while (attempts++ < 10 &&
 * !__oom_reap_task_mm()) schedule_timeout_idle(HZ/10)" split at its sleeps.
 * A try first takes oom_lock (mutex_lock: while the OOM killer holds it the
 * reaper waits and no try is used up); then down_read_trylock(mmap_sem)
 * fails for a ZF_TASK_MMAP_LOCKED victim, and a victim whose mm is gone
 * (it exited) counts as done without reaping. After the 10th failed try the
 * reaper still sleeps HZ/10, then sets MMF_OOM_SKIP ("unable to reap"), so
 * an unreapable victim is skipped HZ after the first try.
 * Returns true when the reaper is done with the task.
 */
bool oom_reap_task_once(struct zf_machine *m, int task)
{
	struct task_struct *t = task_of(m, task);
	bool done = true;

	if (!t || !ZF_READ_ONCE(t->reap_queued))
		return true;
	if (ZF_READ_ONCE(t->reap_attempts) >= MAX_OOM_REAP_RETRIES) {
		oom_reap_done(m, task); /* "unable to reap" */
		return true;
	}
	/* mutex_lock(&oom_lock): a threaded machine takes the real lock */
	if (m->threaded ? !zf_spin_trylock(m, &m->oom_lock) : m->oom_lock_held) {
		if (ZF_READ_ONCE(t->reap_at) < jiffies_now(m))
			ZF_WRITE_ONCE(t->reap_at, jiffies_now(m));
		return false;
	}
	ZF_WRITE_ONCE(t->reap_attempts, t->reap_attempts + 1);
	if (!ZF_READ_ONCE(t->alive)) {
		/* !mmget_not_zero(mm): the victim already released its memory */
		oom_reap_done(m, task);
	} else if (task_flags(t) & ZF_TASK_MMAP_LOCKED) {
		/* down_read_trylock(mmap_sem) failed: schedule_timeout_idle(HZ/10) */
		ZF_WRITE_ONCE(t->reap_at, t->reap_at + HZ / 10);
		done = false;
	} else {
		uint64_t freed = oom_reap_anon_pages(m, task);

		count_vm_event(m, ZF_VM_oom_reaped);
		zf_trace(m, ZF_EV_OOM_REAP, -1, ZF_NO_PAGE, 0, task, (int64_t)freed,
			 t->reap_attempts);
		oom_reap_done(m, task);
	}
	if (m->threaded)
		zf_spin_unlock(m, &m->oom_lock);
	return done;
}

/*
 * __task_will_free_mem() + task_will_free_mem() for the model's one-thread,
 * one-mm tasks: the task still has its mm, is not dumping core
 * (SIGNAL_GROUP_COREDUMP; PF_DUMPCORE here), is dying (SIGNAL_GROUP_EXIT
 * from a fatal signal, or PF_EXITING), and its mm is not MMF_OOM_SKIP (the
 * reaper has already drained it).
 */
static bool task_will_free_mem(const struct task_struct *t)
{
	uint32_t flags;

	if (!t || !ZF_READ_ONCE(t->alive))
		return false;
	flags = task_flags(t);
	if (flags & ZF_PF_DUMPCORE)
		return false;
	if (!(flags & (ZF_TASK_FATAL_SIGNAL | ZF_PF_EXITING)))
		return false;
	return !ZF_READ_ONCE(t->mmf_oom_skip);
}

/*
 * has_intersects_mems_allowed(): for a mempolicy-constrained OOM (nodemask
 * set) a task is eligible when its MPOL_BIND nodes intersect the mask (any
 * other policy always intersects); otherwise when its cpuset mems intersect
 * current's (cpuset_mems_allowed_intersects), whatever the constraint.
 */
static bool has_intersects_mems_allowed(struct zf_machine *m, const struct task_struct *t,
					uint32_t nodemask)
{
	if (nodemask)
		return !t->mempolicy || (t->mempolicy & nodemask);
	return (t->mems_allowed & cpuset_current_mems_allowed(m)) != 0;
}

/*
 * oom_unkillable_task(): global init and kernel threads (PF_KTHREAD; the
 * model's ZF_TASK_UNKILLABLE marks the same), and tasks that cannot free
 * memory in the constraint. Exited tasks are not in the task list at all.
 */
static bool oom_unkillable_task(struct zf_machine *m, const struct task_struct *t,
				uint32_t nodemask)
{
	if (task_flags(t) & (ZF_PF_KTHREAD | ZF_TASK_UNKILLABLE))
		return true;
	return !has_intersects_mems_allowed(m, t, nodemask);
}

/*
 * oom_badness(): rss (anon + file) + swap entries + page tables, plus
 * oom_score_adj in units of totalpages/1000 (the kernel multiplies by
 * totalpages / 1000 after the integer division), never below 1 for an
 * eligible task. 0 for unkillable tasks, OOM_SCORE_ADJ_MIN and an mm that
 * is MMF_OOM_SKIP. The 3% CAP_SYS_ADMIN bonus of 4.12 does not apply: the
 * model has no root tasks.
 */
uint64_t oom_badness(struct zf_machine *m, int task, uint64_t totalpages)
{
	const struct task_struct *t = task_of(m, task);
	int64_t points, adj;

	if (!t || !ZF_READ_ONCE(t->alive) || (task_flags(t) & (ZF_PF_KTHREAD | ZF_TASK_UNKILLABLE)))
		return 0;
	adj = t->oom_score_adj;
	if (adj == OOM_SCORE_ADJ_MIN || ZF_READ_ONCE(t->mmf_oom_skip))
		return 0;
	/* get_mm_rss(): counters other CPUs are moving */
	points = (int64_t)(ZF_READ_ONCE(t->rss[0]) + ZF_READ_ONCE(t->rss[1]) +
			   ZF_READ_ONCE(t->swapents) + ZF_READ_ONCE(t->nr_ptes));
	adj *= (int64_t)(totalpages / 1000);
	points += adj;
	return points > 0 ? (uint64_t)points : 1;
}

enum oom_constraint {
	CONSTRAINT_NONE,
	CONSTRAINT_CPUSET,
	CONSTRAINT_MEMORY_POLICY,
};

/* node_spanned_pages() summed over a nodemask, plus total_swap_pages */
static uint64_t constrained_totalpages(const struct zf_machine *m, uint32_t nodes)
{
	uint64_t total = m->total_swap_pages;

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		if (nodes & (1u << nid))
			total += m->nodes[nid].node_spanned_pages;
	return total;
}

/*
 * constrained_alloc(): totalpages = totalram_pages (managed pages) + swap by
 * default. __GFP_THISNODE is never constrained. A nodemask that does not
 * cover every node with memory means a mempolicy (CONSTRAINT_MEMORY_POLICY,
 * totalpages = its nodes' spanned pages + swap); a zone of the zonelist that
 * cpuset_zone_allowed() refuses means CONSTRAINT_CPUSET (totalpages = the
 * cpuset nodes' spanned pages + swap).
 */
static enum oom_constraint constrained_alloc(struct zf_machine *m, struct oom_control *oc,
					     uint32_t *nodemask)
{
	const struct alloc_context *ac = oc->ac;
	const struct zonelist *zl;
	bool cpuset_limited = false;
	uint64_t totalram = 0;

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		for (int zi = 0; zi < MAX_NR_ZONES; zi++)
			if (!m->nodes[nid].node_zones[zi].offline)
				totalram += m->nodes[nid].node_zones[zi].managed_pages;
	oc->totalpages = totalram + m->total_swap_pages;

	*nodemask = ac ? ac->nodemask : 0;
	if (!ac)
		return CONSTRAINT_NONE;
	if (oc->gfp_mask & __GFP_THISNODE)
		return CONSTRAINT_NONE;
	if (*nodemask && (node_states_memory(m) & ~*nodemask)) {
		oc->totalpages = constrained_totalpages(m, *nodemask);
		return CONSTRAINT_MEMORY_POLICY;
	}

	zl = &m->nodes[ac->zonelist_nid].node_zonelists[ac->zonelist_which];
	for (int i = 0; i < NR_ZONES_TOTAL && zl->zoneref[i] >= 0; i++) {
		const struct zone *z = zone_by_id(m, zl->zoneref[i]);

		if (zone_idx(z) > ac->high_zoneidx)
			continue;
		if (*nodemask && !(*nodemask & (1u << z->node)))
			continue;
		if (!cpuset_zone_allowed(m, z, oc->gfp_mask))
			cpuset_limited = true;
	}
	if (cpuset_limited) {
		oc->totalpages = constrained_totalpages(m, cpuset_current_mems_allowed(m));
		return CONSTRAINT_CPUSET;
	}
	return CONSTRAINT_NONE;
}

/*
 * oom_evaluate_task() over every task (for_each_process: the model walks
 * task ids in order). Returns true when the scan must abort: a victim whose
 * mm is not yet MMF_OOM_SKIP is still on its way out (chosen = -2). Ties go
 * to the first task with the highest points, as the kernel's strict
 * "points < chosen_points" and leader preference do for one-thread tasks.
 */
static void select_bad_process(struct zf_machine *m, struct oom_control *oc, uint32_t nodemask)
{
	unsigned int nr_tasks = ZF_READ_ONCE(m->nr_tasks);

	for (int i = 0; i < (int)nr_tasks && i < ZF_MAX_TASKS; i++) {
		const struct task_struct *t = &m->tasks[i];
		uint64_t points;

		if (!ZF_READ_ONCE(t->alive) || oom_unkillable_task(m, t, nodemask))
			continue;
		if (ZF_READ_ONCE(t->oom_victim)) {
			if (ZF_READ_ONCE(t->mmf_oom_skip))
				continue;
			oc->chosen = -2;
			return;
		}
		points = oom_badness(m, i, oc->totalpages);
		if (!points || points < oc->chosen_points)
			continue;
		if (points == oc->chosen_points && oc->chosen >= 0)
			continue;
		oc->chosen = i;
		oc->chosen_points = points;
	}
	/* the score printed in the kill message, normalised to 0..1000 */
	if (oc->totalpages)
		oc->chosen_points = oc->chosen_points * 1000 / oc->totalpages;
}

/*
 * oom_kill_process(): a chosen task that is already dying only gets
 * TIF_MEMDIE and the reaper; otherwise OOM_KILL is counted, SIGKILL sent
 * (before TIF_MEMDIE, so the victim cannot drain the reserves from user
 * space), the victim marked and the reaper woken. 4.12 would also kill
 * other processes sharing the mm and sacrifice a child: the model has
 * neither.
 */
static void oom_kill_process(struct zf_machine *m, struct oom_control *oc)
{
	struct task_struct *victim = task_of(m, oc->chosen);
	struct zf_alloc_result *res;

	if (!victim)
		return;
	if (task_will_free_mem(victim)) {
		mark_oom_victim(m, oc->chosen);
		wake_oom_reaper(m, oc->chosen);
		return;
	}
	count_vm_event(m, ZF_VM_oom_kill);
	zf_task_kill(m, oc->chosen);
	mark_oom_victim(m, oc->chosen);
	zf_trace(m, ZF_EV_OOM_KILL, -1, ZF_NO_PAGE, 0, oc->chosen, (int64_t)oc->chosen_points,
		 (int64_t)(ZF_READ_ONCE(victim->rss[0]) + ZF_READ_ONCE(victim->rss[1])));
	res = oom_frame_result(m);
	if (res && res->oom_killed == ZF_NO_TASK)
		res->oom_killed = oc->chosen;
	wake_oom_reaper(m, oc->chosen);
}

/*
 * One OOM_INVOKE event per out_of_memory() call, emitted before the kill and
 * the sleep that lets the victim exit; returns ret.
 */
static bool oom_invoked(struct zf_machine *m, struct oom_control *oc, enum zf_oom_outcome how,
			bool ret)
{
	struct zf_alloc_result *res = oom_frame_result(m);

	if (res)
		res->oom_invoked++;
	if (m->hooks.on_event)
		__zf_emit(m, ZF_EV_OOM_INVOKE, how, -1, ZF_NO_PAGE, (unsigned int)oc->order, ret,
			  oc->chosen, (int64_t)oc->totalpages, __func__, __FILE__, __LINE__);
	return ret;
}

/*
 * out_of_memory() of 4.12 (spec §5.9), called with oom_lock held. Returns
 * true for "progress": a kill, an aborted selection (a victim is exiting),
 * current marked because it is dying, or the !__GFP_FS fake progress.
 */
bool out_of_memory(struct zf_machine *m, struct oom_control *oc)
{
	struct task_struct *cur = current_task(m);
	enum oom_constraint constraint;
	uint32_t nodemask;

	oc->chosen = -1;
	oc->chosen_points = 0;
	oc->totalpages = 0;

	if (m->oom_killer_disabled)
		return oom_invoked(m, oc, ZF_OOM_OUT_DISABLED, false);
	/* (no oom notifier chain in the model) */

	/*
	 * If current has a pending SIGKILL or is exiting, select it: it gets
	 * the reserves so that it can exit quickly and free its memory.
	 */
	if (cur && task_will_free_mem(cur)) {
		/*
		 * OOM_INVOKE first (model contract: before any kill or mark), so an
		 * oracle judges the request without the TIF_MEMDIE cpuset escape
		 * that mark_oom_victim() is about to give it.
		 */
		oom_invoked(m, oc, ZF_OOM_OUT_CURRENT_EXITING, true);
		mark_oom_victim(m, zf_current(m));
		wake_oom_reaper(m, zf_current(m));
		return true;
	}

	/*
	 * The OOM killer does not compensate for IO-less reclaim: a request
	 * without __GFP_FS reports progress without killing (GFP_NOFS/NOIO keep
	 * looping, spec §11 item 13). gfp_mask 0 is the page-fault OOM.
	 */
	if (oc->gfp_mask && !(oc->gfp_mask & __GFP_FS))
		return oom_invoked(m, oc, ZF_OOM_OUT_FAKE_PROGRESS, true);

	constraint = constrained_alloc(m, oc, &nodemask);
	if (constraint != CONSTRAINT_MEMORY_POLICY)
		nodemask = 0;
	/* (check_panic_on_oom: panic_on_oom is 0) */

	if (m->cfg.oom_kill_allocating_task && cur && cur->alive &&
	    !oom_unkillable_task(m, cur, nodemask) && cur->oom_score_adj != OOM_SCORE_ADJ_MIN) {
		oc->chosen = zf_current(m);
		oom_invoked(m, oc, ZF_OOM_OUT_ALLOCATING_TASK, true);
		oom_kill_process(m, oc);
		return true;
	}

	select_bad_process(m, oc, nodemask);
	if (oc->chosen == -1) {
		/* panic("Out of memory and no killable processes...") */
		return oom_invoked(m, oc, ZF_OOM_OUT_NO_KILLABLE, false);
	}
	if (oc->chosen == -2)
		return oom_invoked(m, oc, ZF_OOM_OUT_VICTIM_WAIT, true);

	/* OOM_INVOKE precedes the kill, so an oracle sees the memory state that led to it */
	oom_invoked(m, oc,
		    task_will_free_mem(task_of(m, oc->chosen)) ? ZF_OOM_OUT_CHOSEN_EXITING
							       : ZF_OOM_OUT_KILLED,
		    true);
	oom_kill_process(m, oc);
	/*
	 * Give the killed process a good chance to exit before trying to
	 * allocate again: schedule_timeout_killable(1), still under oom_lock.
	 * A killable sleep returns at once when current itself has a fatal
	 * signal pending (it may just have been chosen).
	 */
	if (!fatal_signal_pending(m))
		schedule_timeout(m, 1);
	return true;
}
