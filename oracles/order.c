/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_ORDER ("order-bounds"): no order >= MAX_ORDER reaches a per-order
 * array (planted bug B18, "mm, page_alloc: check for max order in hot path",
 * v4.20; spec §4.1 notes, §5.4 entry check).
 *
 *  - every event whose order indexes free_area[] / per-order state (watermark
 *    tests, rmqueue, frees, merges, pcp, fallback, kswapd, reclaim, compaction,
 *    highatomic) carries an order < MAX_ORDER; MERGE's final order (a) and
 *    KSWAPD_BALANCE's order (c) too. The events that only repeat the request's
 *    order (ALLOC_BEGIN, slow-path labels and gotos, warn_alloc, OOM, yields)
 *    are exempt: an oversized request may be seen, it must not be used;
 *  - a request with order >= MAX_ORDER fails (4.12: the slow path returns NULL
 *    at its first test; 4.20+: rejected at entry) without touching per-order
 *    state: free_area[].nr_free, compaction deferral (order_failed,
 *    considered, defer_shift) and kswapd/kcompactd orders hash the same at
 *    ALLOC_END as at ALLOC_BEGIN (unless a nested allocation ran between);
 *  - every event's zone id is -1 or a zone of the machine;
 *  - profiles with the 4.20 fix (5.9, 6.1) reject it at entry: it must not
 *    reach get_page_from_freelist and the slow path (vmstat slowpath_entered
 *    unchanged). The model has no node_reclaim path, so B18's out-of-bounds
 *    read cannot happen there; what B18 changes observably is this.
 *
 * Cost: O(1) per event; O(zones * orders) per oversized request.
 */
#include <string.h>

#include "oracle_internal.h"

struct order_rec {
	bool oversize;
	bool nested; /* another allocation ran inside this one */
	uint64_t hash;
	uint64_t slowpath_entered; /* vmstat at ALLOC_BEGIN */
	unsigned int order;
};

struct order_state {
	struct order_rec rec[ZF_O_MAX_NEST];
	unsigned int depth;
};

/* Events whose order field is an index into per-order state. */
static const uint64_t indexing_events =
    ZF_EVBIT(PAGE_ALLOC_ZONE_LOCKED) | ZF_EVBIT(GPFF_ZONE_OK) | ZF_EVBIT(GPFF_TRY_ZONE) |
    ZF_EVBIT(PAGE_FREE) | ZF_EVBIT(PCPU_DRAIN) | ZF_EVBIT(PCP_REFILL) | ZF_EVBIT(EXTFRAG) |
    ZF_EVBIT(MERGE) | ZF_EVBIT(WAKE_KSWAPD) | ZF_EVBIT(KSWAPD_BALANCE) | ZF_EVBIT(KSWAPD_SLEEP) |
    ZF_EVBIT(DIRECT_RECLAIM_BEGIN) | ZF_EVBIT(DIRECT_RECLAIM_END) | ZF_EVBIT(SHRINK_NODE) |
    ZF_EVBIT(COMPACT_TRY) | ZF_EVBIT(COMPACT_BEGIN) | ZF_EVBIT(COMPACT_END) |
    ZF_EVBIT(COMPACT_DEFER) | ZF_EVBIT(COMPACT_DEFERRED) | ZF_EVBIT(COMPACT_DEFER_RESET) |
    ZF_EVBIT(COMPACT_STALL) | ZF_EVBIT(COMPACT_SUCCESS) | ZF_EVBIT(COMPACT_FAIL) |
    ZF_EVBIT(MIGRATE_PAGE) | ZF_EVBIT(SHOULD_RECLAIM_RETRY) | ZF_EVBIT(SHOULD_COMPACT_RETRY) |
    ZF_EVBIT(HIGHATOMIC_RESERVE) | ZF_EVBIT(HIGHATOMIC_UNRESERVE);

static void order_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	(void)c;
	(void)m;
	memset(p, 0, sizeof(struct order_state));
}

static uint64_t per_order_hash(const struct zf_oracle_set *c, const struct zf_machine *m)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	uint64_t h = 0;
	for (int zid = 0; zid < zf_o_nr_zone_ids(g); zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) != 0)
			continue;
		for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++)
			h = zf_o_mix(h, zi.nr_free[o]);
		h = zf_o_mix(h, zi.compact_order_failed);
		h = zf_o_mix(h, zi.compact_considered);
		h = zf_o_mix(h, zi.compact_defer_shift);
	}
	for (unsigned int nid = 0; nid < g->nr_nodes; nid++) {
		struct zf_node_info ni;
		if (zf_inspect_node(m, (int)nid, &ni) != 0)
			continue;
		h = zf_o_mix(h, ni.kswapd_order);
		h = zf_o_mix(h, ni.kcompactd_max_order);
	}
	return h;
}

static void order_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			   const struct zf_event *ev)
{
	struct order_state *st = p;
	unsigned int max = zf_oset_geometry(c)->max_order;

	/* compact_control.order -1 (compact_node, /proc/sys/vm/compact_memory) reads as 255 */
	bool manual_compaction = ev->order == UINT8_MAX &&
				 (ev->type == ZF_EV_COMPACT_BEGIN || ev->type == ZF_EV_COMPACT_END);
	if (((indexing_events >> ev->type) & 1u) && !manual_compaction) {
		if (ev->order >= max)
			zf_oreport(c, m, ev, ev->zone_id,
				   "%s indexes per-order state with order %u >= MAX_ORDER %u",
				   zf_event_name((enum zf_event_type)ev->type), ev->order, max);
		else if (ev->type == ZF_EV_MERGE && (ev->a < 0 || ev->a >= (int64_t)max))
			zf_oreport(c, m, ev, ev->zone_id, "buddy merge ended at order %lld >= %u",
				   (long long)ev->a, max);
		else if (ev->type == ZF_EV_KSWAPD_BALANCE && ev->c >= (int64_t)max)
			zf_oreport(c, m, ev, ev->zone_id, "kswapd balanced order %lld >= %u",
				   (long long)ev->c, max);
	}

	/*
	 * The zone an event names indexes the machine's zones too: -1 (none) or
	 * one of them. A zone id past the last node reads another node's or no
	 * zone at all (the kswapd_zone_id() clamp of docs/mutation-testing.md).
	 */
	if (ev->zone_id < -1 || ev->zone_id >= zf_o_nr_zone_ids(zf_oset_geometry(c)))
		zf_oreport(c, m, ev, -1, "%s names zone %d, outside the machine's %d zone ids",
			   zf_event_name((enum zf_event_type)ev->type), ev->zone_id,
			   zf_o_nr_zone_ids(zf_oset_geometry(c)));

	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		for (unsigned int i = 0; i < st->depth && i < ZF_O_MAX_NEST; i++)
			st->rec[i].nested = true;
		if (st->depth < ZF_O_MAX_NEST) {
			struct order_rec *r = &st->rec[st->depth];
			memset(r, 0, sizeof(*r));
			r->order = ev->order;
			r->oversize = ev->order >= max;
			if (r->oversize) {
				r->hash = per_order_hash(c, m);
				r->slowpath_entered = zf_inspect_vmstat(m, ZF_VM_slowpath_entered);
			}
		}
		st->depth++;
		break;
	case ZF_EV_ALLOC_END:
		if (st->depth && st->depth <= ZF_O_MAX_NEST) {
			struct order_rec *r = &st->rec[st->depth - 1];
			if (r->oversize && ev->pfn != ZF_NO_PAGE)
				zf_oreport(c, m, ev, zf_inspect_pfn_zone(m, ev->pfn),
					   "request of order %u >= MAX_ORDER %u returned page %llu",
					   r->order, max, (unsigned long long)ev->pfn);
			else if (r->oversize && !r->nested && per_order_hash(c, m) != r->hash)
				zf_oreport(
				    c, m, ev, -1,
				    "request of order %u >= MAX_ORDER %u changed per-order state "
				    "(free_area, deferral or kswapd/kcompactd order) before failing",
				    r->order, max);
			else if (r->oversize && !r->nested &&
				 zf_oset_geometry(c)->profile >= ZF_PROFILE_5_9 &&
				 zf_inspect_vmstat(m, ZF_VM_slowpath_entered) !=
				     r->slowpath_entered)
				zf_oreport(
				    c, m, ev, -1,
				    "request of order %u >= MAX_ORDER %u was not rejected at entry "
				    "(4.20 'check for max order in hot path'): it went through the "
				    "fast path into the slow path (B18)",
				    r->order, max);
		}
		if (st->depth)
			st->depth--;
		break;
	default:
		break;
	}
}

const struct zf_oracle_ops zf_oracle_order = {
    .desc =
	{
	    .id = "ZF_INV_ORDER",
	    .name = "order-bounds",
	    .property = "every event that indexes per-order arrays carries order < "
			"MAX_ORDER; a request with order >= MAX_ORDER fails without touching "
			"per-order state; an event's zone id is -1 or a zone of the machine",
	    .kernel_rule = "spec §4.1 (4.12 has no entry check; the slow path returns NULL), "
			   "§8 4.20 'check for max order in hot path'; planted bug B18",
	    .cost = "event: O(1); O(zones * orders) per oversized request; no walk",
	},
    .event_mask = ~UINT64_C(0) >> (64 - ZF_NR_EVENTS),
    .state_size = sizeof(struct order_state),
    .reset = order_reset,
    .on_event = order_on_event,
};
