/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_PREMATURE_OOM: the OOM killer runs only when no eligible zone could
 * serve the request (spec §11 item 14; planted bugs B4, B5, B6, B8).
 *
 * At each out_of_memory() call (the first of OOM_INVOKE / OOM_KILL of the call;
 * the model emits OOM_INVOKE before any kill and before the sleep that lets a
 * victim exit, so the state judged is the one that led to the call), with the
 * allocation in progress (zf_inspect_alloc_ctx):
 *  - the eligible set is the current zonelist (zf_inspect_zonelist of the
 *    preferred node, NOFALLBACK for __GFP_THISNODE) restricted to idx <=
 *    gfp_zone(gfp), nodes in ac->nodemask and, with ALLOC_CPUSET, the task's
 *    cpuset (4.12 cpuset_zone_allowed). An empty set must restart the
 *    allocation, not OOM (B6, fixed by check_retry_cpuset in 4.13);
 *  - the preferred zone must be a zone of that zonelist with idx <= gfp_zone
 *    and a node in the nodemask (B5, the 4.7 cpuset race; B4 a zoneref left
 *    stale by a zonelist rebuild);
 *  - no eligible zone may pass the order-0 MIN watermark once the pcp lists
 *    are drained and the highatomic reserve unreserved: free = NR_FREE_PAGES +
 *    the zone's pcp pages, the alloc_flags of the slow path without ALLOC_HARDER
 *    (as should_reclaim_retry uses them, §5.7) and without deducting
 *    nr_reserved_highatomic (B8), lowmem_reserve[classzone] included.
 *
 *  - an out_of_memory() call that returned true or killed / marked a victim
 *    (OOM_INVOKE a = 1, or OOM_KILL by the calling task) makes
 *    __alloc_pages_may_oom report progress: MAY_OOM (label ZF_OOM_CALLED) of
 *    the same allocation has a = did_some_progress = 1 (§5.9: "if
 *    (out_of_memory(&oc) || ...) *did_some_progress = 1");
 *  - should_reclaim_retry() may say "stop" only after more than 16 loops without
 *    progress or when no eligible zone passes the MIN watermark with free +
 *    reclaimable pages (§5.7; judge_reclaim_retry below).
 *
 * Cost: O(zones) per out_of_memory() and should_reclaim_retry() call.
 */
#include <string.h>

#include "oracle_internal.h"

struct premature_state {
	bool checked; /* this out_of_memory() call was judged */
	/* one finding per allocation: an allocation looping on OOM repeats the same one */
	unsigned int depth;
	bool reported[ZF_O_MAX_NEST];
	/*
	 * Per allocation: its last out_of_memory() call returned true or killed /
	 * marked a victim (OOM_INVOKE a != 0, or an OOM_KILL by the same task), so
	 * the MAY_OOM that closes __alloc_pages_may_oom must report progress.
	 */
	bool progress_due[ZF_O_MAX_NEST];
	int16_t oom_task[ZF_O_MAX_NEST];
};

static void premature_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	(void)c;
	(void)m;
	memset(p, 0, sizeof(struct premature_state));
}

static bool in_mask(uint32_t mask, int nid)
{
	return !mask || ((mask >> nid) & 1u);
}

/* Returns true when it filed a finding. */
static bool judge_oom(struct zf_oracle_set *c, const struct zf_machine *m,
		      const struct zf_event *ev)
{
	bool found = false;
	const struct zf_geometry *g = zf_oset_geometry(c);
	struct zf_alloc_ctx_info ci;
	zf_inspect_alloc_ctx(m, &ci);
	if (!ci.active)
		return false;
	struct zf_task_info ti;
	bool have_ti = zf_inspect_task(m, ci.task, &ti) == 0;
	int high = zf_o_gfp_zone(ci.gfp);
	if (high < 0)
		high = ci.high_zoneidx;
	int nid = ci.preferred_zone_id >= 0 ? zf_o_zone_nid(ci.preferred_zone_id)
		  : have_ti                 ? zf_o_cpu_nid(g, ti.cpu)
					    : 0;
	int ids[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES + 1];
	int n = zf_inspect_zonelist(m, nid, (ci.gfp & ZF_GFP_THISNODE) != 0, ids,
				    (int)(sizeof(ids) / sizeof(ids[0])));
	uint32_t flags = ci.alloc_flags;
	bool cpuset = (flags & ZF_ALLOC_CPUSET) && !(flags & ZF_ALLOC_NO_WATERMARKS);

	/* B5 / B4: the preferred zone must be in the current allowed set */
	bool pref_ok = false;
	int classzone = -1;
	int in_nodemask = 0; /* zones of the zonelist with idx <= high in ac->nodemask */
	int in_cpuset = 0;   /* ... and, ignoring the nodemask, allowed by the cpuset */
	for (int i = 0; i < n && ids[i] >= 0; i++) {
		int zid = ids[i];
		if (zf_o_zone_idx(zid) > high)
			continue;
		if (!cpuset ||
		    zf_o_cpuset_node_allowed(m, have_ti ? &ti : NULL, ci.gfp, zf_o_zone_nid(zid)))
			in_cpuset++;
		if (!in_mask(ci.nodemask, zf_o_zone_nid(zid)))
			continue;
		in_nodemask++;
		if (classzone < 0)
			classzone = zf_o_zone_idx(zid); /* 4.12 ac_classzone_idx: the first one */
		if (zid == ci.preferred_zone_id)
			pref_ok = true;
	}
	/*
	 * A cpuset never keeps mems without memory: when a hot-remove empties
	 * its nodes, 4.12's cpuset_hotplug_workfn() shrinks them to N_MEMORY or
	 * moves the tasks to an ancestor with memory (remove_tasks_in_empty_cpuset).
	 * An OOM of a task whose cpuset mems hold no populated zone while some
	 * node has memory therefore means the model kept a stale cpuset.
	 */
	if (cpuset && have_ti && ti.mems_allowed && zf_machine_config(m)->cpusets_enabled) {
		uint32_t memory = 0;
		for (int zid = 0; zid < zf_o_nr_zone_ids(g); zid++) {
			struct zf_zone_info zi;
			/* populated_zone(): present and not offline (only a managed zone
			 * can be offlined, so an unmanaged present zone is online) */
			if (zf_inspect_zone(m, zid, &zi) == 0 && zi.present_pages &&
			    (zi.populated || !zi.managed_pages))
				memory |= 1u << zf_o_zone_nid(zid);
		}
		if (memory && !(ti.mems_allowed & memory)) {
			zf_oreport(
			    c, m, ev, -1,
			    "OOM of task %d whose cpuset mems 0x%x hold no memory (nodes with "
			    "memory 0x%x): the cpuset hotplug update must have moved it",
			    ci.task, ti.mems_allowed, memory);
			return true;
		}
	}
	/*
	 * No zone of the (rebuilt) zonelist may serve the request at all: its
	 * memory was hot-removed, or the nodemask names only memoryless nodes.
	 * first_zones_zonelist() then rightly gives a NULL preferred zone and the
	 * OOM, futile as it is, is not premature: nothing is free for this request
	 * anywhere (an impossible __GFP_NOFAIL request reaches it in 4.12).
	 */
	if (!in_nodemask)
		return false;
	if (!pref_ok) {
		found = true;
		zf_oreport(
		    c, m, ev, ci.preferred_zone_id,
		    "OOM with preferred zone %d outside the current allowed set (zonelist of "
		    "node %d, high_zoneidx %d, nodemask 0x%x) (B5/B4)",
		    ci.preferred_zone_id, nid, high, ci.nodemask);
	}
	if (g->profile >= ZF_PROFILE_5_9 || classzone < 0)
		classzone = high; /* 5.8+: ac->highest_zoneidx is the classzone */

	int eligible = 0;
	for (int i = 0; i < n && ids[i] >= 0; i++) {
		int zid = ids[i];
		int znid = zf_o_zone_nid(zid);
		if (zf_o_zone_idx(zid) > high || !in_mask(ci.nodemask, znid))
			continue;
		if (cpuset && !zf_o_cpuset_node_allowed(m, have_ti ? &ti : NULL, ci.gfp, znid))
			continue;
		eligible++;
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) != 0 || !zi.populated)
			continue;
		uint32_t wflags = flags & (ZF_ALLOC_HIGH | ZF_ALLOC_CMA);
		int64_t pcp = (int64_t)zi.nr_pcp, ha = (int64_t)zi.nr_reserved_highatomic;
		/*
		 * The slow path reads NR_FREE_PAGES through zone_page_state_snapshot(),
		 * which clamps a negative (drifted) counter at 0; a drain adds the pcp
		 * pages to the counter before that read.
		 */
		int64_t free_now = zf_o_stat_read(zi.nr_free_pages);
		int64_t free_drained = zf_o_stat_read(zi.nr_free_pages + pcp);
		/* drained pcp + unreserved highatomic: cancel the reserve deduction */
		if (!zf_o_wmark_ok(m, &zi, 0, zi.wmark[0], classzone, wflags, free_drained + ha))
			continue;
		/* which step would have saved the allocation (for triage) */
		const char *why =
		    zf_o_wmark_ok(m, &zi, 0, zi.wmark[0], classzone, wflags, free_now)
			? (ci.order ? "as it is (a high-order request failing on fragmentation)"
				    : "as it is")
		    : zf_o_wmark_ok(m, &zi, 0, zi.wmark[0], classzone, wflags, free_drained)
			? "once the pcp lists are drained"
			: "once the highatomic reserve is released (B8)";
		zf_oreport(c, m, ev, zid,
			   "premature OOM (order %u): zone %s passes the order-0 min watermark %s: "
			   "NR_FREE_PAGES %lld, pcp %lld, highatomic reserve %lld, min %llu + "
			   "lowmem_reserve[%d] %llu",
			   ci.order, zi.name, why, (long long)zi.nr_free_pages, (long long)pcp,
			   (long long)ha, (unsigned long long)zi.wmark[0], classzone,
			   (unsigned long long)zi.lowmem_reserve[classzone]);
		return true;
	}
	/*
	 * B6 is a nodemask (MPOL_BIND) disjoint from the cpuset's mems, which
	 * could serve the request (in_cpuset). A cpuset whose nodes hold memory
	 * only above the request's zones (a node with only ZONE_MOVABLE) cannot,
	 * with or without the nodemask: that OOM is futile, not the race.
	 */
	if (!eligible && ci.nodemask && in_cpuset) {
		found = true;
		zf_oreport(c, m, ev, -1,
			   "OOM with an empty eligible zone set (nodemask 0x%x, cpuset mems 0x%x, "
			   "high_zoneidx %d): a cpuset race must restart the allocation (B6)",
			   ci.nodemask, have_ti ? ti.mems_allowed : 0, high);
	}
	return found;
}

/*
 * The lower bound on reclaim retries (spec §5.7): should_reclaim_retry()
 * says "stop" only after more than MAX_RECLAIM_RETRIES (16) rounds without
 * progress, or when no eligible zone passes the MIN watermark for the
 * request's order as if every reclaimable page were free (free +
 * zone_reclaimable_pages, the alloc_flags of the slow path). The oracle's
 * eligible set is never larger than the model's (the zonelist of the
 * preferred node, idx <= high_zoneidx, ac->nodemask, and with ALLOC_CPUSET
 * the cpuset too, which 4.12 does not filter): a zone it finds passing, the
 * model saw too. Stopping early turns into a premature OOM or failure.
 */
static bool judge_reclaim_retry(struct zf_oracle_set *c, const struct zf_machine *m,
				const struct zf_event *ev)
{
	if (ev->a != 0 || ev->b > 16)
		return false;
	struct zf_alloc_ctx_info ci;
	zf_inspect_alloc_ctx(m, &ci);
	if (!ci.active || ci.preferred_zone_id < 0 || ci.classzone_idx < 0 ||
	    ci.classzone_idx >= ZF_MAX_NR_ZONES || ev->order != ci.order)
		return false;
	struct zf_task_info ti;
	bool have_ti = zf_inspect_task(m, ci.task, &ti) == 0;
	int high = zf_o_gfp_zone(ci.gfp);
	if (high < 0)
		high = ci.high_zoneidx;
	bool cpuset =
	    (ci.alloc_flags & ZF_ALLOC_CPUSET) && !(ci.alloc_flags & ZF_ALLOC_NO_WATERMARKS);
	int ids[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES + 1];
	int n = zf_inspect_zonelist(m, zf_o_zone_nid(ci.preferred_zone_id),
				    (ci.gfp & ZF_GFP_THISNODE) != 0, ids,
				    (int)(sizeof(ids) / sizeof(ids[0])));
	for (int i = 0; i < n && ids[i] >= 0; i++) {
		int zid = ids[i], znid = zf_o_zone_nid(zid);
		if (zf_o_zone_idx(zid) > high || zf_o_zone_idx(zid) > ci.high_zoneidx ||
		    !in_mask(ci.nodemask, znid))
			continue;
		if (cpuset && !zf_o_cpuset_node_allowed(m, have_ti ? &ti : NULL, ci.gfp, znid))
			continue;
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) != 0 || !zi.populated)
			continue;
		int64_t available =
		    zf_o_stat_read(zi.nr_free_pages) + (int64_t)zf_zone_reclaimable_pages(m, zid);
		if (!zf_o_wmark_ok(m, &zi, ci.order, zi.wmark[0], ci.classzone_idx, ci.alloc_flags,
				   available))
			continue;
		zf_oreport(c, m, ev, zid,
			   "should_reclaim_retry gave up after %lld no-progress loops (<= 16) "
			   "while zone %s passes the order-%u min watermark with free + "
			   "reclaimable %lld",
			   (long long)ev->b, zi.name, ci.order, (long long)available);
		return true;
	}
	return false;
}

/*
 * out_of_memory() of the innermost allocation: OOM_INVOKE opens the call
 * (a = its return value), an OOM_KILL by the same task inside it is a kill or
 * a mark. Either obliges the caller to report progress (§5.9).
 */
static void note_oom_outcome(struct premature_state *st, const struct zf_event *ev)
{
	if (!st->depth || st->depth > ZF_O_MAX_NEST)
		return; /* a page-fault OOM: no __alloc_pages_may_oom to check */
	unsigned int d = st->depth - 1;
	if (ev->type == ZF_EV_OOM_INVOKE) {
		st->progress_due[d] = ev->a != 0;
		st->oom_task[d] = ev->task;
	} else if (st->oom_task[d] == ev->task) {
		st->progress_due[d] = true;
	}
}

/* MAY_OOM after an out_of_memory() that killed, marked or returned true. */
static bool judge_may_oom_progress(struct zf_oracle_set *c, struct premature_state *st,
				   const struct zf_machine *m, const struct zf_event *ev)
{
	if (!st->depth || st->depth > ZF_O_MAX_NEST)
		return false;
	unsigned int d = st->depth - 1;
	bool due = st->progress_due[d] && st->oom_task[d] == ev->task;
	st->progress_due[d] = false;
	if (!due || ev->label != ZF_OOM_CALLED || ev->a != 0)
		return false;
	zf_oreport(c, m, ev, -1,
		   "out_of_memory() killed or returned true, but __alloc_pages_may_oom "
		   "reports did_some_progress 0");
	return true;
}

static void premature_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			       const struct zf_event *ev)
{
	struct premature_state *st = p;
	bool *reported =
	    st->depth && st->depth <= ZF_O_MAX_NEST ? &st->reported[st->depth - 1] : NULL;
	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (st->depth < ZF_O_MAX_NEST) {
			st->reported[st->depth] = false;
			st->progress_due[st->depth] = false;
		}
		st->depth++;
		break;
	case ZF_EV_OOM_KILL:
	case ZF_EV_OOM_INVOKE:
		/* the model emits OOM_INVOKE before the kill: judge each call once */
		if (!st->checked && !(reported && *reported) && judge_oom(c, m, ev) && reported)
			*reported = true;
		st->checked = true;
		note_oom_outcome(st, ev);
		break;
	case ZF_EV_MAY_OOM:
		st->checked = false;
		if (!(reported && *reported) && judge_may_oom_progress(c, st, m, ev) && reported)
			*reported = true;
		break;
	case ZF_EV_SHOULD_RECLAIM_RETRY:
		if (!(reported && *reported) && judge_reclaim_retry(c, m, ev) && reported)
			*reported = true;
		break;
	case ZF_EV_ALLOC_END:
		st->checked = false;
		if (st->depth)
			st->depth--;
		break;
	default:
		break;
	}
}

const struct zf_oracle_ops zf_oracle_premature_oom = {
    .desc =
	{
	    .id = "ZF_INV_PREMATURE_OOM",
	    .name = "premature-oom",
	    .property = "out_of_memory() only when the eligible zone set (current zonelist, "
			"idx <= high_zoneidx, nodemask, cpuset) is non-empty, holds the "
			"preferred zone, and no eligible zone passes the order-0 min "
			"watermark after draining pcp lists and unreserving highatomic; "
			"should_reclaim_retry stops only after 16 no-progress loops or when no "
			"eligible zone passes min with free + reclaimable; an out_of_memory() "
			"that killed, marked or returned true reports progress",
	    .kernel_rule = "spec §11 item 14; §5.7, §5.9; planted bugs B4 (3d36424b3b58), "
			   "B5 (4.10 cpuset fixes), B6 (902b62810a57), B8 (04c8716f7b00)",
	    .cost = "event: O(zones) per out_of_memory() call; no walk",
	},
    .event_mask = ZF_EVBIT(OOM_KILL) | ZF_EVBIT(OOM_INVOKE) | ZF_EVBIT(MAY_OOM) |
		  ZF_EVBIT(SHOULD_RECLAIM_RETRY) | ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END),
    .state_size = sizeof(struct premature_state),
    .reset = premature_reset,
    .on_event = premature_on_event,
};
