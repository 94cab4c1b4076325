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
 * Cost: O(1) per event, O(zones of a node) per wakeup.
 */
#include <string.h>

#include "oracle_internal.h"

struct kswapd_state {
	unsigned int failures[ZF_MAX_NUMNODES]; /* consecutive zero-progress runs */
	int64_t last_b[ZF_MAX_NUMNODES];        /* kswapd_failures the model reported */
	bool shrink_has_node;                   /* SHRINK_NODE events carry a zone id */
	/* one report per episode: until progress / until an unbalanced wakeup */
	bool hopeless_reported[ZF_MAX_NUMNODES], balanced_reported[ZF_MAX_NUMNODES];
	bool expect_sleep[ZF_MAX_NUMNODES]; /* the node just became hopeless */
};

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
			"classzone)",
	    .kernel_rule = "spec §7.1 wakeup_kswapd / pgdat_balanced / balance_pgdat; §11 "
			   "item 15; planted bug B17 (c73322d098e4, v4.11)",
	    .cost = "event: O(1), O(zones of the node) per wakeup; no walk",
	},
    .event_mask = ZF_EVBIT(KSWAPD_BALANCE) | ZF_EVBIT(KSWAPD_SLEEP) | ZF_EVBIT(SHRINK_NODE) |
		  ZF_EVBIT(DIRECT_RECLAIM_END) | ZF_EVBIT(WAKE_KSWAPD),
    .state_size = sizeof(struct kswapd_state),
    .reset = kswapd_reset,
    .on_event = kswapd_on_event,
};
