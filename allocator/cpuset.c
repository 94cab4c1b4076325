// SPDX-License-Identifier: MIT
/*
 * allocator/cpuset.c - cpuset mems_allowed, its seqcount, and the MPOL_BIND
 * mempolicy, as the 4.12 page allocator sees them (kernel/cgroup/cpuset.c,
 * mm/mempolicy.c, include/linux/cpuset.h).
 *
 * The model has one flat cpuset level: every task's cpuset is a child of the
 * root with its own mems, and is treated as mem_hardwall (see
 * cpuset_zone_allowed()). A task's mempolicy is an MPOL_BIND nodemask or none.
 *
 * The 4.13 series of Vlastimil Babka ("cpuset/mempolicies related fixes and
 * cleanups": 902b62810a57 check_retry_cpuset, 5f155f27cb7f always use the
 * seqlock) sits behind profile->check_retry_cpuset; planted bug B6 reverts
 * 902b62810a57 in the profiles that have it (planted-bugs.md B6).
 */
#include "internal.h"

bool cpusets_enabled(const struct zf_machine *m)
{
	return m->cfg.cpusets_enabled;
}

/*
 * node_states[N_MEMORY]: nodes with present memory that is online. A zone
 * that was hot-removed no longer counts (the node leaves N_MEMORY when its
 * last populated zone goes).
 */
uint32_t node_states_memory(const struct zf_machine *m)
{
	uint32_t mask = 0;

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++) {
		for (int i = 0; i < MAX_NR_ZONES; i++) {
			if (populated_zone(&m->nodes[nid].node_zones[i])) {
				mask |= 1u << nid;
				break;
			}
		}
	}
	return mask;
}

/*
 * cpuset_current_mems_allowed is current->mems_allowed. Outside a task
 * (background work, harness calls) the root cpuset applies: every node with
 * memory.
 */
uint32_t cpuset_current_mems_allowed(struct zf_machine *m)
{
	const struct task_struct *t = current_task(m);

	if (!t || !ZF_READ_ONCE(t->alive))
		return node_states_memory(m);
	return t->mems_allowed;
}

/*
 * __cpuset_node_allowed() of 4.12, in its order:
 *   in_interrupt()                 -> any node
 *   node in current->mems_allowed  -> yes
 *   TIF_MEMDIE (4.14+: tsk_is_oom_victim, "mm: replace TIF_MEMDIE checks by
 *   tsk_is_oom_victim", same merge as ALLOC_OOM) -> any node
 *   __GFP_HARDWALL                 -> no
 *   PF_EXITING                     -> any node ("let dying task have memory")
 *   otherwise the nearest hardwall ancestor's mems. The model's cpusets are
 *   one flat level and each task's cpuset counts as mem_hardwall, so the
 *   ancestor is the task's own cpuset and the answer is no. (A real child of
 *   a non-hardwall root would fall back to the root's mems: all nodes.)
 * With cpusets disabled (cpusets_enabled() false) every zone is allowed.
 */
bool cpuset_zone_allowed(struct zf_machine *m, const struct zone *z, gfp_t gfp_mask)
{
	const struct task_struct *t;

	if (!cpusets_enabled(m))
		return true;
	t = current_task(m);
	if (!t)
		return true; /* no task context: the root cpuset */
	if (task_flags(t) & ZF_TASK_IN_INTERRUPT)
		return true;
	if (t->mems_allowed & (1u << z->node))
		return true;
	if (m->profile && m->profile->alloc_oom) {
		if (ZF_READ_ONCE(t->oom_victim))
			return true;
	} else if (task_flags(t) & ZF_TIF_MEMDIE) {
		return true;
	}
	if (gfp_mask & __GFP_HARDWALL)
		return false;
	if (task_flags(t) & ZF_PF_EXITING)
		return true;
	return false; /* nearest_hardwall_ancestor(): the task's own flat cpuset */
}

/*
 * read_mems_allowed_begin(): the seqcount cookie of current->mems_allowed_seq
 * when cpusets are enabled, 0 otherwise. A reader never waits in the model:
 * zf_task_set_mems() runs write_seqcount_begin/end in one step, so the count
 * is even whenever an allocation reads it. An odd value (a threaded writer in
 * the middle of an update) is returned rounded down, which makes the retry
 * check fire, as the kernel's wait-then-retry would.
 */
unsigned int read_mems_allowed_begin(struct zf_machine *m)
{
	const struct task_struct *t;

	if (!cpusets_enabled(m))
		return 0;
	t = current_task(m);
	if (!t)
		return 0;
	return t->mems_allowed_seq & ~1u;
}

/* read_mems_allowed_retry(): did mems_allowed change since the cookie? */
bool read_mems_allowed_retry(struct zf_machine *m, unsigned int seq)
{
	const struct task_struct *t;

	if (!cpusets_enabled(m))
		return false;
	t = current_task(m);
	if (!t)
		return false;
	return t->mems_allowed_seq != seq;
}

/*
 * check_retry_cpuset() (4.13, 902b62810a57, spec §8): the slow path's
 * replacement for read_mems_allowed_retry(). If ac->nodemask does not
 * intersect the cpuset's mems any more, the mask is dropped (set to NULL)
 * and the allocation restarts; the kernel assumes such a mask can only be an
 * MPOL_BIND policy mask, whose documented semantics are to be ignored when it
 * does not intersect the cpuset, and the model does the same for an explicit
 * request nodemask. Otherwise it is read_mems_allowed_retry(cookie).
 *
 * In the 4.12 profile (no profile->check_retry_cpuset), and with planted bug
 * B6 in the later ones, only the cookie is checked: a stale policy mask that
 * misses the new cpuset leaves the eligible set empty (premature OOM, B6).
 * So the slow path may call this unconditionally where it checks the cookie.
 */
bool check_retry_cpuset(struct zf_machine *m, unsigned int cpuset_mems_cookie,
			struct alloc_context *ac)
{
	bool fixed = m->profile && m->profile->check_retry_cpuset && !zf_bug(m, ZF_BUG_B6);

	if (fixed && cpusets_enabled(m) && ac->nodemask &&
	    !(ac->nodemask & cpuset_current_mems_allowed(m))) {
		ac->nodemask = 0;
		return true;
	}
	return read_mems_allowed_retry(m, cpuset_mems_cookie);
}

/*
 * policy_zone: the highest zone type other than ZONE_MOVABLE that has memory
 * on some node (check_highest_zone() during build_all_zonelists()).
 */
static int policy_zone(const struct zf_machine *m)
{
	int pz = 0;

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		for (int i = 0; i < ZONE_MOVABLE; i++)
			if (populated_zone(&m->nodes[nid].node_zones[i]) && i > pz)
				pz = i;
	return pz;
}

/*
 * apply_policy_zone(): a BIND policy applies to requests whose highest zone
 * is at least policy_zone; a policy whose nodes have only ZONE_MOVABLE
 * memory (no node with "high" memory, N_HIGH_MEMORY == N_NORMAL_MEMORY on
 * x86-64) applies to ZONE_MOVABLE requests only.
 */
static bool apply_policy_zone(const struct zf_machine *m, uint32_t nodes, int zone)
{
	int dynamic_policy_zone = policy_zone(m);
	uint32_t normal_nodes = 0;

	for (unsigned int nid = 0; nid < m->nr_nodes && nid < MAX_NUMNODES; nid++)
		for (int i = 0; i < ZONE_MOVABLE; i++)
			if (populated_zone(&m->nodes[nid].node_zones[i]))
				normal_nodes |= 1u << nid;
	if (!(nodes & normal_nodes))
		dynamic_policy_zone = ZONE_MOVABLE;
	return zone >= dynamic_policy_zone;
}

/*
 * policy_nodemask() as alloc_pages_current() uses it: the nodemask an
 * allocation of current gets from its mempolicy (0 = NULL).
 * alloc_pages_current() uses the default (local) policy in interrupt context
 * and for __GFP_THISNODE; an MPOL_BIND policy gives its nodes when
 * apply_policy_zone() agrees and the nodes intersect current's cpuset
 * (cpuset_nodemask_valid_mems_allowed()), NULL otherwise.
 */
uint32_t policy_nodemask(struct zf_machine *m, gfp_t gfp)
{
	const struct task_struct *t = current_task(m);

	if (!t || !t->mempolicy)
		return 0;
	if ((task_flags(t) & ZF_TASK_IN_INTERRUPT) || (gfp & __GFP_THISNODE))
		return 0;
	if (apply_policy_zone(m, t->mempolicy, gfp_zone(gfp)) && (t->mempolicy & t->mems_allowed))
		return t->mempolicy;
	return 0;
}

/* bitmap_pos_to_ord(): index of bit 'pos' among the set bits of mask, -1. */
static int bitmap_pos_to_ord(uint32_t mask, unsigned int pos)
{
	if (!(mask & (1u << pos)))
		return -1;
	return __builtin_popcount(mask & ((1u << pos) - 1));
}

/* bitmap_ord_to_pos(): the 'ord'-th set bit of mask. */
static unsigned int bitmap_ord_to_pos(uint32_t mask, unsigned int ord)
{
	for (unsigned int pos = 0; pos < 32; pos++) {
		if (!(mask & (1u << pos)))
			continue;
		if (ord-- == 0)
			return pos;
	}
	return 0;
}

/*
 * nodes_remap() (bitmap_remap): a node that is the n-th node of old maps to
 * the (n mod weight(new))-th node of new; a node not in old, or any node when
 * new is empty, maps to itself.
 */
static uint32_t nodes_remap(uint32_t src, uint32_t old, uint32_t new_nodes)
{
	uint32_t dst = 0;
	unsigned int w = (unsigned int)__builtin_popcount(new_nodes);

	for (unsigned int n = 0; n < MAX_NUMNODES; n++) {
		int ord;

		if (!(src & (1u << n)))
			continue;
		ord = bitmap_pos_to_ord(old, n);
		if (ord < 0 || w == 0)
			dst |= 1u << n;
		else
			dst |= 1u << bitmap_ord_to_pos(new_nodes, (unsigned int)ord % w);
	}
	return dst;
}

/*
 * mpol_rebind_task() for an MPOL_BIND policy without STATIC/RELATIVE flags
 * (mpol_rebind_nodemask): the nodes are remapped from the cpuset mems the
 * policy was bound against (pol->w.cpuset_mems_allowed, which in the model is
 * always the task's mems before this update) onto the new mems; an empty
 * result becomes the new mems. 4.12's two steps (STEP1 ORs the remapped mask
 * in, STEP2 stores it) end in the same mask and happen inside one call here.
 */
static void mpol_rebind_task(struct task_struct *t, uint32_t oldmems, uint32_t newmems)
{
	uint32_t tmp;

	if (!t->mempolicy)
		return;
	tmp = nodes_remap(t->mempolicy, oldmems, newmems);
	if (!tmp)
		tmp = newmems;
	t->mempolicy = tmp;
}

/*
 * cpuset_change_task_nodemask(): update a task's mems and rebind its policy.
 * 4.12 only enters the seqcount write section when a reader could see an
 * empty mask (need_loop: the task has a mempolicy, or the new mems do not
 * intersect the old ones); 4.13 ("mm, cpuset: always use seqlock when
 * changing task's nodemask", 5f155f27cb7f, the check_retry_cpuset series)
 * always does. The model keys that change on profile->check_retry_cpuset.
 */
static void cpuset_change_task_nodemask(struct zf_machine *m, int task, uint32_t newmems)
{
	struct task_struct *t = task_of(m, task);
	uint32_t oldmems = t->mems_allowed;
	bool need_loop = t->mempolicy || !(newmems & oldmems);

	if (m->profile && m->profile->check_retry_cpuset)
		need_loop = true;
	if (need_loop)
		t->mems_allowed_seq++; /* write_seqcount_begin: odd */
	/* nodes_or() first so that a racing reader never sees an empty mask */
	t->mems_allowed |= newmems;
	mpol_rebind_task(t, oldmems, newmems);
	t->mems_allowed = newmems;
	if (need_loop)
		t->mems_allowed_seq++; /* write_seqcount_end: even again */
	zf_trace(m, ZF_EV_MEMS_CHANGE, -1, ZF_NO_PAGE, 0, task, newmems, need_loop);
}

static bool task_alive(struct zf_machine *m, int task)
{
	const struct task_struct *t = task_of(m, task);

	return t && t->alive;
}

/*
 * A cpuset mems update (cpuset.mems write -> update_nodemask() ->
 * update_tasks_nodemask() -> cpuset_change_task_nodemask()). 0 means every
 * node with memory (the root cpuset). update_nodemask() rejects masks that
 * are not a subset of the root's mems (N_MEMORY) with -EINVAL; an unchanged
 * mask returns early without touching the tasks (no seqcount change).
 */
int zf_task_set_mems(struct zf_machine *m, int task, uint32_t nodes)
{
	uint32_t memory = node_states_memory(m);

	if (!task_alive(m, task))
		return -1;
	if (!nodes)
		nodes = memory;
	if (!nodes || (nodes & ~memory))
		return -1;
	if (nodes == m->tasks[task].mems_allowed)
		return 0;
	cpuset_change_task_nodemask(m, task, nodes);
	return 0;
}

/*
 * cpuset_hotplug_workfn() of 4.12 for memory (kernel/cgroup/cpuset.c), run
 * when a hot-remove or hot-add changed node_states[N_MEMORY] (old_memory is
 * the mask before; nothing happens if it did not change, as mems_updated is
 * false then). The kernel queues it from the memory hotplug notifier
 * (cpuset_track_online_nodes); the model runs it at the end of the hotplug
 * operation, in no task's context.
 *
 * - The root cpuset's mems become N_MEMORY and its tasks follow
 *   (update_tasks_nodemask(&top_cpuset)). Task 0 (init) is the model's only
 *   task in the root cpuset; with cpusets disabled every task is.
 * - A child cpuset (every other task's flat cpuset) of the legacy (v1)
 *   hierarchy, hotplug_update_tasks_legacy(): its mems become mems & N_MEMORY
 *   and its tasks are updated (update_tasks_nodemask); if nothing is left,
 *   remove_tasks_in_empty_cpuset() moves its tasks to the nearest ancestor
 *   with memory, here the root, whose mems are N_MEMORY (cpuset_attach:
 *   cpuset_change_task_nodemask + mpol_rebind). A child's mems never grow
 *   back on hot-add (legacy hierarchy). A task moved to the root keeps the
 *   N_MEMORY of the move: the model does not track cpuset membership, so it
 *   does not follow a later hot-add as a root task would.
 * Each change goes through cpuset_change_task_nodemask(): seqcount, policy
 * rebind and a MEMS_CHANGE event.
 */
void cpuset_hotplug_workfn(struct zf_machine *m, uint32_t old_memory)
{
	uint32_t memory = node_states_memory(m);

	if (memory == old_memory || !memory)
		return;
	for (unsigned int i = 0; i < m->nr_tasks && i < ZF_MAX_TASKS; i++) {
		const struct task_struct *t = &m->tasks[i];
		uint32_t newmems;

		if (!t->alive)
			continue;
		if (i == 0 || !cpusets_enabled(m))
			newmems = memory; /* top_cpuset */
		else
			newmems = t->mems_allowed & memory;
		if (!newmems)
			newmems = memory; /* remove_tasks_in_empty_cpuset() -> the root */
		if (newmems != t->mems_allowed)
			cpuset_change_task_nodemask(m, (int)i, newmems);
	}
}

/*
 * mpol_set_nodemask() for set_mempolicy(MPOL_BIND, nodes): the policy keeps
 * nodes & cpuset mems & N_MEMORY, and an empty result is -EINVAL. 0 removes
 * the policy (MPOL_DEFAULT). The mems_allowed seqcount is not touched.
 */
int zf_task_set_mempolicy(struct zf_machine *m, int task, uint32_t nodes)
{
	struct task_struct *t = task_of(m, task);
	uint32_t allowed;

	if (!t || !t->alive)
		return -1;
	if (!nodes) {
		t->mempolicy = 0;
		return 0;
	}
	if (nodes >> m->nr_nodes)
		return -1;
	allowed = nodes & t->mems_allowed & node_states_memory(m);
	if (!allowed)
		return -1;
	t->mempolicy = allowed;
	return 0;
}
