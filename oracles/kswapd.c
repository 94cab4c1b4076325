/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_KSWAPD: when kswapd may be woken (spec §7.1, §11 item 15; planted
 * bug B17, c73322d098e4).
 *
 *  - Hopeless node: after MAX_RECLAIM_RETRIES (16) consecutive balance_pgdat
 *    runs on a node that reclaimed nothing, kswapd leaves the node to direct
 *    reclaim until some reclaim makes progress there (shrink_node resets
 *    kswapd_failures whenever it reclaims anything, direct reclaim included):
 *    no WAKE_KSWAPD with a = 1 on that node, and the run that made the node
 *    hopeless ends with kswapd going to sleep (prepare_kswapd_sleep: a
 *    hopeless node may sleep), so no further KSWAPD_BALANCE follows without a
 *    KSWAPD_SLEEP in between. A run counts as failed when it reclaimed nothing
 *    and either the model's kswapd_failures (b) went up or the node is still
 *    unbalanced for the run's (order, classzone) (a run that finds the node
 *    balanced exits without counting a failure).
 *  - kswapd is woken only when the node is not balanced at HIGH for (order,
 *    classzone): pgdat_balanced of 4.12 = some managed zone of the node with
 *    idx <= classzone passes zone_watermark_ok_safe(order, high, classzone),
 *    alloc_flags 0 (exact counters: _safe equals the plain test here); a node
 *    without such a zone counts as balanced. classzone = the one passed to
 *    wakeup_kswapd (WAKE_KSWAPD b; wake_all_kswapds passes ac->high_zoneidx).
 *
 *  - Throttled reclaimers (§11.16, throttle_direct_reclaim / allow_direct_reclaim):
 *    while a node has reclaimers waiting on its pfmemalloc_wait and its free
 *    pages (zones <= NORMAL with reclaimable pages) are at most half the sum
 *    of their MIN watermarks (and kswapd_failures < 16), its kswapd is awake:
 *    allow_direct_reclaim wakes it before the reclaimer sleeps. Checked at
 *    each SCHEDULE (a throttled reclaimer's sleep), before kswapd runs. The
 *    sleeper is never a kernel thread (PF_KTHREAD is not throttled, §7.2).
 *
 * Cost: O(1) per event, O(zones of a node) per wakeup, O(zones) per SCHEDULE
 * while some node has throttled reclaimers.
 */
#include <string.h>

#include "oracle_internal.h"

struct kswapd_state {
	unsigned int failures[ZF_MAX_NUMNODES]; /* consecutive zero-progress runs */
	int64_t last_b[ZF_MAX_NUMNODES];        /* kswapd_failures the model reported */
	bool shrink_has_node;                   /* SHRINK_NODE events carry a zone id */
	/* one report per episode: until progress / until an unbalanced wakeup */
	bool hopeless_reported[ZF_MAX_NUMNODES], balanced_reported[ZF_MAX_NUMNODES];
	bool expect_sleep[ZF_MAX_NUMNODES];      /* the node just became hopeless */
	bool throttle_reported[ZF_MAX_NUMNODES]; /* until the node's waitqueue empties */
};

/*
 * allow_direct_reclaim() of 4.12 (vmscan.c:2830-2868) on inspected state: free
 * pages of the zones <= NORMAL that have reclaimable pages above half their
 * summed MIN watermarks, or the node hopeless (kswapd_failures >= 16).
 */
static bool oracle_allow_direct_reclaim(const struct zf_machine *m, const struct zf_node_info *ni,
					uint64_t *free_out, uint64_t *reserve_out)
{
	uint64_t reserve = 0, free = 0;
	*free_out = *reserve_out = 0;
	if (ni->kswapd_failures >= ZF_O_MAX_RECLAIM_RETRIES)
		return true;
	for (int idx = 0; idx <= ZF_ZONE_NORMAL; idx++) {
		struct zf_zone_info zi;
		int zid = ni->nid * ZF_MAX_NR_ZONES + idx;
		if (zf_inspect_zone(m, zid, &zi) != 0 || !zi.managed_pages ||
		    !zf_zone_reclaimable_pages(m, zid))
			continue;
		reserve += zi.wmark[0];
		free += (uint64_t)zf_o_stat_read(zi.nr_free_pages);
	}
	*free_out = free;
	*reserve_out = reserve;
	return !reserve || free > reserve / 2;
}

static void check_throttled(struct zf_oracle_set *c, struct kswapd_state *st,
			    const struct zf_machine *m, const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	for (int nid = 0; nid < (int)g->nr_nodes && nid < ZF_MAX_NUMNODES; nid++) {
		struct zf_node_info ni;
		uint64_t free, reserve;
		if (zf_inspect_node(m, nid, &ni) != 0)
			continue;
		if (!ni.pfmemalloc_wait) {
			st->throttle_reported[nid] = false;
			continue;
		}
		/* the sleeper is the throttled task: never a kernel thread (§7.2) */
		struct zf_task_info ti;
		if (ev->task >= 0 && zf_inspect_task(m, ev->task, &ti) == 0 &&
		    (ti.flags & ZF_PF_KTHREAD))
			zf_oreport(c, m, ev, -1,
				   "node %d: kernel thread (task %d) throttled in direct reclaim: "
				   "throttle_direct_reclaim never throttles PF_KTHREAD",
				   nid, ev->task);
		if (st->throttle_reported[nid] || !ni.kswapd_sleeping ||
		    oracle_allow_direct_reclaim(m, &ni, &free, &reserve))
			continue;
		st->throttle_reported[nid] = true;
		zf_oreport(c, m, ev, -1,
			   "node %d: reclaimers throttled (free %llu <= half the MIN reserve %llu) "
			   "while kswapd sleeps: allow_direct_reclaim did not wake it",
			   nid, (unsigned long long)free, (unsigned long long)reserve);
	}
}

static void node_progress(struct kswapd_state *st, int nid)
{
	st->failures[nid] = 0;
	st->hopeless_reported[nid] = false;
	st->expect_sleep[nid] = false;
}

static void report_hopeless(struct zf_oracle_set *c, struct kswapd_state *st,
			    const struct zf_machine *m, const struct zf_event *ev, int nid,
			    const char *what)
{
	if (st->hopeless_reported[nid])
		return;
	st->hopeless_reported[nid] = true;
	zf_oreport(c, m, ev, ev->zone_id,
		   "%s on node %d after %u consecutive balance runs without reclaim progress "
		   "(hopeless node, B17)",
		   what, nid, st->failures[nid]);
}

static void kswapd_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct kswapd_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	memset(st, 0, sizeof(*st));
	for (unsigned int nid = 0; nid < g->nr_nodes && nid < ZF_MAX_NUMNODES; nid++) {
		struct zf_node_info ni;
		if (zf_inspect_node(m, (int)nid, &ni) == 0)
			st->last_b[nid] = ni.kswapd_failures;
	}
}

static int event_nid(const struct zf_oracle_set *c, const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	if (ev->zone_id >= 0)
		return zf_o_zone_nid(ev->zone_id);
	return g->nr_nodes == 1 ? 0 : -1;
}

/* pgdat_balanced(pgdat, order, classzone) of 4.12 (§7.1) with the oracle's arithmetic. */
static bool node_balanced(const struct zf_machine *m, int nid, unsigned int order, int classzone)
{
	bool any_managed = false;
	for (int idx = 0; idx <= classzone && idx < ZF_MAX_NR_ZONES; idx++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, nid * ZF_MAX_NR_ZONES + idx, &zi) != 0 || !zi.populated)
			continue;
		any_managed = true;
		if (zf_o_wmark_ok(m, &zi, order, zi.wmark[2], classzone, 0,
				  zf_o_stat_read(zi.nr_free_pages)))
			return true;
	}
	return !any_managed;
}

static void kswapd_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			    const struct zf_event *ev)
{
	struct kswapd_state *st = p;
	int nid = event_nid(c, ev);
	switch (ev->type) {
	case ZF_EV_SCHEDULE:
		check_throttled(c, st, m, ev);
		break;
	case ZF_EV_KSWAPD_BALANCE:
		if (nid < 0 || nid >= ZF_MAX_NUMNODES)
			break;
		if (st->expect_sleep[nid])
			report_hopeless(c, st, m, ev, nid,
					"kswapd stayed awake and balanced again");
		if (ev->a > 0) {
			node_progress(st, nid);
		} else if (ev->b > st->last_b[nid] ||
			   !node_balanced(m, nid, ev->c >= 0 ? (unsigned int)ev->c : 0,
					  zf_o_zone_idx(ev->zone_id))) {
			st->failures[nid]++;
		}
		st->last_b[nid] = ev->b;
		if (st->failures[nid] >= ZF_O_MAX_RECLAIM_RETRIES)
			st->expect_sleep[nid] = true;
		break;
	case ZF_EV_KSWAPD_SLEEP:
		if (nid >= 0 && nid < ZF_MAX_NUMNODES)
			st->expect_sleep[nid] = false;
		break;
	case ZF_EV_SHRINK_NODE:
		if (nid >= 0 && nid < ZF_MAX_NUMNODES) {
			st->shrink_has_node = true;
			if (ev->b > 0)
				node_progress(st, nid);
		}
		break;
	case ZF_EV_DIRECT_RECLAIM_END:
		/* only if shrink_node cannot tell which node made progress */
		if (ev->a > 0 && !st->shrink_has_node) {
			for (int i = 0; i < ZF_MAX_NUMNODES; i++)
				node_progress(st, i);
		}
		break;
	case ZF_EV_WAKE_KSWAPD: {
		if (ev->a != 1 || nid < 0 || nid >= ZF_MAX_NUMNODES)
			break;
		if (st->failures[nid] >= ZF_O_MAX_RECLAIM_RETRIES)
			report_hopeless(c, st, m, ev, nid, "kswapd woken");
		int classzone = (int)ev->b;
		if (classzone < 0 || classzone >= ZF_MAX_NR_ZONES)
			break;
		if (!node_balanced(m, nid, ev->order, classzone)) {
			st->balanced_reported[nid] = false;
		} else if (!st->balanced_reported[nid]) {
			st->balanced_reported[nid] = true;
			zf_oreport(
			    c, m, ev, ev->zone_id,
			    "kswapd woken on node %d although it is balanced at HIGH for order "
			    "%u classzone %d",
			    nid, ev->order, classzone);
		}
		break;
	}
	default:
		break;
	}
}

const struct zf_oracle_ops zf_oracle_kswapd = {
    .desc =
	{
	    .id = "ZF_INV_KSWAPD",
	    .name = "kswapd",
	    .property = "after 16 consecutive zero-progress balance_pgdat runs on a node, "
			"kswapd sleeps and is not woken until some reclaim progress there; "
			"kswapd woken only when the node is not balanced at HIGH for (order, "
			"classzone); a node with throttled reclaimers below half its MIN "
			"reserve has kswapd awake",
	    .kernel_rule =
		"spec §7.1 wakeup_kswapd / pgdat_balanced / balance_pgdat; §11 "
		"item 15, §11.16 throttle_direct_reclaim; planted bug B17 (c73322d098e4, v4.11)",
	    .cost = "event: O(1), O(zones of the node) per wakeup; no walk",
	},
    .event_mask = ZF_EVBIT(KSWAPD_BALANCE) | ZF_EVBIT(KSWAPD_SLEEP) | ZF_EVBIT(SHRINK_NODE) |
		  ZF_EVBIT(DIRECT_RECLAIM_END) | ZF_EVBIT(WAKE_KSWAPD) | ZF_EVBIT(SCHEDULE),
    .state_size = sizeof(struct kswapd_state),
    .reset = kswapd_reset,
    .on_event = kswapd_on_event,
};
