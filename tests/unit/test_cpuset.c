// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_cpuset.c - cpuset mems, the mems_allowed seqcount,
 * __cpuset_node_allowed() rules, check_retry_cpuset() (4.13, 902b62810a57,
 * planted bug B6) and the MPOL_BIND mempolicy (policy_nodemask, rebind).
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/* 1..4 nodes; node n > 0 gets NORMAL (or only MOVABLE when movable_only) */
static struct zf_machine *machine(unsigned int nodes, enum zf_profile_id prof, uint32_t bugs,
				  bool movable_only)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.profile = prof;
	cfg.bugs = bugs;
	cfg.nr_nodes = nodes;
	cfg.nr_cpus = nodes;
	for (unsigned int n = 1; n < nodes; n++)
		cfg.zone_pages[n][movable_only ? ZF_ZONE_MOVABLE : ZF_ZONE_NORMAL] = 4096;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static int task(struct zf_machine *m, uint32_t mems, uint32_t policy)
{
	struct zf_task_config tc = {
	    .name = "t", .cpu = 0, .mems_allowed = mems, .mempolicy_nodes = policy};

	return zf_task_create(m, &tc);
}

static const struct zone *zone_of(struct zf_machine *m, int nid, int idx)
{
	return &m->nodes[nid].node_zones[idx];
}

TEST(node_states_memory)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_12, 0, false);

	assert_true(m);
	expect_eq(node_states_memory(m), 0x3);
	zf_machine_destroy(m);
	m = machine(1, ZF_PROFILE_4_12, 0, false);
	assert_true(m);
	expect_eq(node_states_memory(m), 0x1);
	zf_machine_destroy(m);
	return true;
}

TEST(task_mems_validation)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_12, 0, false);
	int t;

	assert_true(m);
	t = task(m, 0, 0);
	assert_true(t >= 0);
	expect_eq(m->tasks[t].mems_allowed, 0x3); /* 0: every node with memory */
	expect_eq(task(m, 0x4, 0), -1);           /* node 2 does not exist */
	expect_eq(task(m, 0x1, 0x2), -1);         /* policy and cpuset disjoint: -EINVAL */
	t = task(m, 0x1, 0x3);
	assert_true(t >= 0);
	expect_eq(m->tasks[t].mempolicy, 0x1); /* the policy keeps the intersection */
	expect_eq(zf_task_set_mems(m, t, 0x8), -1);
	expect_eq(zf_task_set_mempolicy(m, t, 0x2), -1);
	expect_eq(zf_task_set_mempolicy(m, t, 0), 0);
	expect_eq(m->tasks[t].mempolicy, 0);
	expect_eq(zf_task_set_mems(m, t, 0), 0);
	expect_eq(m->tasks[t].mems_allowed, 0x3);
	zf_machine_destroy(m);
	return true;
}

/* 4.12 cpuset_change_task_nodemask(): the seqcount moves only when needed. */
TEST(seqcount_412_need_loop)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_12, 0, false);
	unsigned int cookie;
	int a, b;

	assert_true(m);
	a = task(m, 0x3, 0);
	b = task(m, 0x3, 0x2);
	assert_true(a >= 0 && b >= 0);

	zf_set_current(m, a);
	cookie = read_mems_allowed_begin(m);
	expect_false(read_mems_allowed_retry(m, cookie));
	/* no mempolicy and the masks intersect: no write section */
	expect_eq(zf_task_set_mems(m, a, 0x1), 0);
	expect_eq(m->tasks[a].mems_allowed, 0x1);
	expect_false(read_mems_allowed_retry(m, cookie));
	/* disjoint masks: a reader could see an empty mask, so the count moves */
	expect_eq(zf_task_set_mems(m, a, 0x2), 0);
	expect_true(read_mems_allowed_retry(m, cookie));
	expect_eq(m->tasks[a].mems_allowed_seq % 2, 0);
	cookie = read_mems_allowed_begin(m);
	expect_false(read_mems_allowed_retry(m, cookie));
	/* an unchanged mask touches nothing */
	expect_eq(zf_task_set_mems(m, a, 0x2), 0);
	expect_false(read_mems_allowed_retry(m, cookie));

	/* a task with a mempolicy always takes the write section; its policy is rebound */
	zf_set_current(m, b);
	cookie = read_mems_allowed_begin(m);
	expect_eq(zf_task_set_mems(m, b, 0x1), 0);
	expect_true(read_mems_allowed_retry(m, cookie));
	expect_eq(m->tasks[b].mempolicy, 0x1); /* node 1 was the 2nd of {0,1}: 2nd mod 1 of {0} */
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

/* 4.13 (5f155f27cb7f): every mems update bumps the seqcount. */
TEST(seqcount_413_always)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_13, 0, false);
	unsigned int cookie;
	int a;

	assert_true(m);
	a = task(m, 0x3, 0);
	assert_true(a >= 0);
	zf_set_current(m, a);
	cookie = read_mems_allowed_begin(m);
	expect_eq(zf_task_set_mems(m, a, 0x1), 0);
	expect_true(read_mems_allowed_retry(m, cookie));
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

TEST(seqcount_ignored_without_cpusets)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;
	unsigned int cookie;
	int a;

	zf_config_default(&cfg);
	cfg.nr_nodes = 2;
	cfg.zone_pages[1][ZF_ZONE_NORMAL] = 4096;
	cfg.cpusets_enabled = false;
	m = zf_machine_create(&cfg, err, sizeof(err));
	assert_true(m);
	a = task(m, 0x1, 0);
	assert_true(a >= 0);
	zf_set_current(m, a);
	cookie = read_mems_allowed_begin(m);
	expect_eq(cookie, 0);
	expect_eq(zf_task_set_mems(m, a, 0x2), 0);
	expect_false(read_mems_allowed_retry(m, cookie));
	/* cpuset_zone_allowed() is true for every zone */
	expect_true(cpuset_zone_allowed(m, zone_of(m, 0, ZONE_NORMAL), __GFP_HARDWALL));
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

TEST(set_mems_rebinds_policy_by_position)
{
	struct zf_machine *m = machine(4, ZF_PROFILE_4_12, 0, false);
	int t;

	assert_true(m);
	t = task(m, 0x3, 0x2);
	assert_true(t >= 0);
	/* node 1 is the 2nd node of {0,1}: it becomes the 2nd node of {2,3} */
	expect_eq(zf_task_set_mems(m, t, 0xc), 0);
	expect_eq(m->tasks[t].mems_allowed, 0xc);
	expect_eq(m->tasks[t].mempolicy, 0x8);
	/* {2,3} -> {1}: both map onto node 1 */
	expect_eq(zf_task_set_mems(m, t, 0x2), 0);
	expect_eq(m->tasks[t].mempolicy, 0x2);
	zf_machine_destroy(m);
	return true;
}

TEST(zone_allowed_rules)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_12, 0, false);
	const struct zone *z0, *z1;
	int t;

	assert_true(m);
	z0 = zone_of(m, 0, ZONE_NORMAL);
	z1 = zone_of(m, 1, ZONE_NORMAL);
	t = task(m, 0x1, 0);
	assert_true(t >= 0);
	zf_set_current(m, t);
	/* in mems: always */
	expect_true(cpuset_zone_allowed(m, z0, __GFP_HARDWALL));
	expect_true(cpuset_zone_allowed(m, z0, GFP_KERNEL));
	/* outside: hardwall stops; without it the flat cpuset is its own hardwall ancestor */
	expect_false(cpuset_zone_allowed(m, z1, ZF_GFP_USER));
	expect_false(cpuset_zone_allowed(m, z1, GFP_KERNEL));
	/* PF_EXITING: any node, but only without __GFP_HARDWALL */
	m->tasks[t].flags = ZF_PF_EXITING;
	expect_true(cpuset_zone_allowed(m, z1, GFP_KERNEL));
	expect_false(cpuset_zone_allowed(m, z1, ZF_GFP_USER));
	/* TIF_MEMDIE: any node, even hardwall */
	m->tasks[t].flags = ZF_TIF_MEMDIE;
	expect_true(cpuset_zone_allowed(m, z1, ZF_GFP_USER));
	/* 4.12 looks at TIF_MEMDIE, not at signal->oom_mm */
	m->tasks[t].flags = 0;
	m->tasks[t].oom_victim = true;
	expect_false(cpuset_zone_allowed(m, z1, ZF_GFP_USER));
	/* interrupt context: any node */
	m->tasks[t].oom_victim = false;
	m->tasks[t].flags = ZF_TASK_IN_INTERRUPT;
	expect_true(cpuset_zone_allowed(m, z1, ZF_GFP_USER));
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);

	/* 4.14: tsk_is_oom_victim() replaces the TIF_MEMDIE test */
	m = machine(2, ZF_PROFILE_4_14, 0, false);
	assert_true(m);
	t = task(m, 0x1, 0);
	assert_true(t >= 0);
	zf_set_current(m, t);
	m->tasks[t].oom_victim = true;
	expect_true(cpuset_zone_allowed(m, zone_of(m, 1, ZONE_NORMAL), ZF_GFP_USER));
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

/* 902b62810a57: a stale MPOL_BIND mask that misses the new cpuset is dropped. */
static bool retry_cpuset_case(enum zf_profile_id prof, uint32_t bugs, bool expect_drop)
{
	struct zf_machine *m = machine(2, prof, bugs, false);
	struct alloc_context ac;
	unsigned int cookie;
	int t;

	if (!m)
		return false;
	t = task(m, 0x3, 0x2);
	if (t < 0)
		return false;
	zf_set_current(m, t);
	memset(&ac, 0, sizeof(ac));
	ac.nodemask = policy_nodemask(m, GFP_KERNEL);
	expect_eq(ac.nodemask, 0x2);
	/* the cpuset moves to {0} after the allocation started with the policy mask */
	zf_task_set_mems(m, t, 0x1);
	cookie = read_mems_allowed_begin(m); /* taken at retry_cpuset: after the change */
	expect_eq(check_retry_cpuset(m, cookie, &ac), expect_drop);
	expect_eq(ac.nodemask, expect_drop ? 0u : 0x2u);
	/* a mask that still intersects is kept; the cookie alone decides */
	ac.nodemask = 0x1;
	expect_false(check_retry_cpuset(m, cookie, &ac));
	expect_eq(ac.nodemask, 0x1);
	zf_task_set_mems(m, t, 0x2);
	ac.nodemask = 0x2;
	expect_true(check_retry_cpuset(m, cookie, &ac));
	expect_eq(ac.nodemask, 0x2);
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

TEST(check_retry_cpuset_by_profile)
{
	assert_true(retry_cpuset_case(ZF_PROFILE_4_12, 0, false));
	assert_true(retry_cpuset_case(ZF_PROFILE_4_13, 0, true));
	assert_true(retry_cpuset_case(ZF_PROFILE_6_1, 0, true));
	/* B6 reverts the fix where the profile has it */
	assert_true(retry_cpuset_case(ZF_PROFILE_4_13, ZF_BUG_B6, false));
	return true;
}

TEST(policy_nodemask_rules)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_12, 0, false);
	int t;

	assert_true(m);
	t = task(m, 0x3, 0x2);
	assert_true(t >= 0);
	zf_set_current(m, t);
	expect_eq(policy_nodemask(m, GFP_KERNEL), 0x2);
	expect_eq(policy_nodemask(m, GFP_HIGHUSER_MOVABLE), 0x2);
	/* __GFP_THISNODE and interrupts use the default policy */
	expect_eq(policy_nodemask(m, GFP_KERNEL | __GFP_THISNODE), 0);
	m->tasks[t].flags = ZF_TASK_IN_INTERRUPT;
	expect_eq(policy_nodemask(m, GFP_KERNEL), 0);
	m->tasks[t].flags = 0;
	/* below policy_zone (NORMAL here) the policy does not apply */
	expect_eq(policy_nodemask(m, GFP_KERNEL | __GFP_DMA32), 0);
	/* a policy that misses the cpuset is ignored (cpuset_nodemask_valid_mems_allowed) */
	m->tasks[t].mems_allowed = 0x1;
	expect_eq(policy_nodemask(m, GFP_KERNEL), 0);
	zf_set_current(m, ZF_NO_TASK);
	expect_eq(policy_nodemask(m, GFP_KERNEL), 0);
	zf_machine_destroy(m);

	/* a policy on a node with only ZONE_MOVABLE memory binds movable requests only */
	m = machine(2, ZF_PROFILE_4_12, 0, true);
	assert_true(m);
	t = task(m, 0x3, 0x2);
	assert_true(t >= 0);
	zf_set_current(m, t);
	expect_eq(policy_nodemask(m, GFP_KERNEL), 0);
	expect_eq(policy_nodemask(m, GFP_HIGHUSER_MOVABLE), 0x2);
	zf_set_current(m, ZF_NO_TASK);
	zf_machine_destroy(m);
	return true;
}

TEST(seqcount_is_even_after_an_update)
{
	struct zf_machine *m = machine(2, ZF_PROFILE_4_13, 0, false);
	int t;

	assert_true(m);
	t = task(m, 0x3, 0);
	assert_true(t >= 0);
	expect_eq(zf_task_set_mems(m, t, 0x2), 0);
	expect_eq(m->tasks[t].mems_allowed_seq, 2); /* begin + end */
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("cpuset", ZF_CASE(node_states_memory), ZF_CASE(task_mems_validation),
	     ZF_CASE(seqcount_412_need_loop), ZF_CASE(seqcount_413_always),
	     ZF_CASE(seqcount_ignored_without_cpusets),
	     ZF_CASE(set_mems_rebinds_policy_by_position), ZF_CASE(zone_allowed_rules),
	     ZF_CASE(check_retry_cpuset_by_profile), ZF_CASE(policy_nodemask_rules),
	     ZF_CASE(seqcount_is_even_after_an_update))
