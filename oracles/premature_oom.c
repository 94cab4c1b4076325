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
 * Cost: O(zones) per out_of_memory() call.
 */
#include <string.h>

#include "oracle_internal.h"

struct premature_state {
	bool checked; /* this out_of_memory() call was judged */
	/* one finding per allocation: an allocation looping on OOM repeats the same one */
	unsigned int depth;
	bool reported[ZF_O_MAX_NEST];
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
	/*
	 * A dying current is marked an OOM victim inside out_of_memory()
	 * (task_will_free_mem, spec §5.9) before the model emits OOM_INVOKE; the
	 * cpuset escape that mark opens (TIF_MEMDIE / tsk_is_oom_victim in
	 * __cpuset_node_allowed) did not exist when the slow path decided to call
	 * out_of_memory(), so the request is judged without it. (A victim marked
	 * earlier allocates with reserves, which drop ALLOC_CPUSET anyway.)
	 */
	if (have_ti) {
		ti.flags &= ~(uint32_t)ZF_TIF_MEMDIE;
		ti.oom_victim = false;
	}
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
		/* drained pcp + unreserved highatomic: cancel the reserve deduction */
		if (!zf_o_wmark_ok(m, &zi, 0, zi.wmark[0], classzone, wflags,
				   zi.nr_free_pages + pcp + ha))
			continue;
		/* which step would have saved the allocation (for triage) */
		const char *why =
		    zf_o_wmark_ok(m, &zi, 0, zi.wmark[0], classzone, wflags, zi.nr_free_pages)
			? (ci.order ? "as it is (a high-order request failing on fragmentation)"
				    : "as it is")
		    : zf_o_wmark_ok(m, &zi, 0, zi.wmark[0], classzone, wflags,
				    zi.nr_free_pages + pcp)
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
	 * B6 is a nodemask (MPOL_BIND) disjoint from the cpuset's mems. A cpuset
	 * whose mems hold no memory for the request at all (its node's memory was
	 * hot-removed) is not that race: 4.12's cpuset hotplug handler would have
	 * moved the task to a cpuset with memory, which the model does not do.
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

static void premature_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			       const struct zf_event *ev)
{
	struct premature_state *st = p;
	bool *reported =
	    st->depth && st->depth <= ZF_O_MAX_NEST ? &st->reported[st->depth - 1] : NULL;
	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (st->depth < ZF_O_MAX_NEST)
			st->reported[st->depth] = false;
		st->depth++;
		break;
	case ZF_EV_OOM_KILL:
	case ZF_EV_OOM_INVOKE:
		/* the model emits OOM_INVOKE before the kill: judge each call once */
		if (!st->checked && !(reported && *reported) && judge_oom(c, m, ev) && reported)
			*reported = true;
		st->checked = true;
		break;
	case ZF_EV_MAY_OOM:
		st->checked = false;
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
			"watermark after draining pcp lists and unreserving highatomic",
	    .kernel_rule = "spec §11 item 14; §5.7, §5.9; planted bugs B4 (3d36424b3b58), "
			   "B5 (4.10 cpuset fixes), B6 (902b62810a57), B8 (04c8716f7b00)",
	    .cost = "event: O(zones) per out_of_memory() call; no walk",
	},
    .event_mask = ZF_EVBIT(OOM_KILL) | ZF_EVBIT(OOM_INVOKE) | ZF_EVBIT(MAY_OOM) |
		  ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END),
    .state_size = sizeof(struct premature_state),
    .reset = premature_reset,
    .on_event = premature_on_event,
};
