/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_PLACEMENT: where a returned page may come from (spec §11 item 10,
 * §4.2, §5.4).
 *
 * Per allocation (ALLOC_BEGIN .. ALLOC_END, nested allocations stacked), the
 * oracle follows get_page_from_freelist: GPFF_ZONE_OK says a zone passed the
 * watermark (a = mark, b = classzone, c = free) and is re-checked with the
 * spec's arithmetic (zone_watermark_fast, §3.3) at that moment; GPFF_TRY_ZONE
 * is try_this_zone (a = 1: the ALLOC_NO_WATERMARKS bypass). At ALLOC_END the
 * page must be aligned to 2^order, lie in the zone of the last try_this_zone,
 * and that try must follow a passed watermark for that zone or be the bypass;
 * the zone index must be <= gfp_zone(gfp); the node must be in the nodemask the
 * allocation was using (ac->nodemask, zf_inspect_alloc_ctx) and, when the
 * attempt's alloc_flags had ALLOC_CPUSET without NO_WATERMARKS, allowed by the
 * task's cpuset (4.12 cpuset_zone_allowed; the cpuset fallback and atomic
 * requests clear ALLOC_CPUSET). Both are judged as they stood at
 * try_this_zone: the slow path yields after direct reclaim / compaction
 * before it returns the page those took, and the yield may change the cpuset.
 * An order-0 page taken right after a pcp refill (PCP_REFILL after the last
 * try_this_zone) is the first page of the batch: the list was empty and
 * rmqueue_bulk keeps physical order, hot requests take its head, cold ones
 * its tail (§4.3).
 *
 * Cost: O(1) per event plus one zone snapshot on GPFF_ZONE_OK.
 */
#include <string.h>

#include "oracle_internal.h"

struct placement_rec {
	zf_gfp_t gfp; /* request gfp (ALLOC_BEGIN) */
	unsigned int order;
	int ok_zone;  /* zone of the last GPFF_ZONE_OK not yet tried, -1 */
	int try_zone; /* zone of the last try_this_zone, -1 */
	bool try_ok;  /* that try followed a passed watermark or was the bypass */
	uint32_t try_flags;
	/*
	 * The nodemask and cpuset verdicts at try_this_zone: a yield after direct
	 * reclaim or compaction runs before the page is returned and may change the
	 * task's cpuset meanwhile.
	 */
	uint32_t try_nodemask;
	bool try_cpuset_ok;
	uint32_t try_mems;
	uint64_t refill_first; /* PCP_REFILL's first page after the last try, or NO_PAGE */
};

struct placement_state {
	struct placement_rec rec[ZF_O_MAX_NEST];
	unsigned int depth;
};

static struct placement_rec *top(struct placement_state *st)
{
	return st->depth && st->depth <= ZF_O_MAX_NEST ? &st->rec[st->depth - 1] : NULL;
}

static void placement_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	(void)c;
	(void)m;
	memset(p, 0, sizeof(struct placement_state));
}

/* get_page_from_freelist's zone_watermark_fast (4.12, §3.3), re-done by the oracle. */
static void check_zone_ok(struct zf_oracle_set *c, const struct zf_machine *m,
			  const struct zf_event *ev)
{
	struct zf_zone_info zi;
	if (ev->zone_id < 0 || zf_inspect_zone(m, ev->zone_id, &zi) != 0) {
		zf_oreport(c, m, ev, -1, "GPFF_ZONE_OK for an invalid zone %d", ev->zone_id);
		return;
	}
	uint32_t flags = ev->alloc_flags;
	uint64_t mark = (uint64_t)ev->a;
	int cz = (int)ev->b;
	int64_t free = ev->c;
	if (mark != zi.wmark[flags & ZF_ALLOC_WMARK_MASK])
		zf_oreport(c, m, ev, zi.id,
			   "zone %s checked against mark %llu but alloc_flags 0x%x select "
			   "watermark[%u] = %llu",
			   zi.name, (unsigned long long)mark, flags, flags & ZF_ALLOC_WMARK_MASK,
			   (unsigned long long)zi.wmark[flags & ZF_ALLOC_WMARK_MASK]);
	/* get_page_from_freelist reads the counter through zone_page_state(): clamped at 0 */
	if (free != zf_o_stat_read(zi.nr_free_pages))
		zf_oreport(c, m, ev, zi.id,
			   "zone %s watermark checked with free %lld but NR_FREE_PAGES is %lld",
			   zi.name, (long long)free, (long long)zi.nr_free_pages);
	if (cz < 0 || cz >= ZF_MAX_NR_ZONES) {
		zf_oreport(c, m, ev, zi.id, "zone %s watermark checked with classzone %d", zi.name,
			   cz);
		return;
	}
	int64_t cma = (flags & ZF_ALLOC_CMA) ? 0 : zf_o_stat_read(zi.nr_free_cma);
	bool fast = ev->order == 0 && free - cma > (int64_t)(mark + zi.lowmem_reserve[cz]);
	if (!fast && !zf_o_wmark_ok(m, &zi, ev->order, mark, cz, flags, free))
		zf_oreport(c, m, ev, zi.id,
			   "zone %s reported as passing the watermark but fails it: order %u mark "
			   "%llu classzone %d flags 0x%x free %lld (reserve %llu, highatomic %llu, "
			   "cma %lld)",
			   zi.name, ev->order, (unsigned long long)mark, cz, flags, (long long)free,
			   (unsigned long long)zi.lowmem_reserve[cz],
			   (unsigned long long)zi.nr_reserved_highatomic,
			   (long long)zi.nr_free_cma);
}

static void check_page(struct zf_oracle_set *c, const struct zf_machine *m,
		       const struct zf_event *ev, const struct placement_rec *r)
{
	uint64_t pfn = ev->pfn;
	unsigned int order = ev->order;
	int zid = zf_inspect_pfn_zone(m, pfn);
	if (order < 63 && (pfn & ((UINT64_C(1) << order) - 1)))
		zf_oreport(c, m, ev, zid, "page %llu of order %u is not aligned",
			   (unsigned long long)pfn, order);
	if (zid < 0) {
		zf_oreport(c, m, ev, -1, "page %llu returned from outside every zone",
			   (unsigned long long)pfn);
		return;
	}
	if (r) {
		if (r->try_zone != zid)
			zf_oreport(
			    c, m, ev, zid,
			    "page %llu comes from zone %d but the last try_this_zone was zone %d",
			    (unsigned long long)pfn, zid, r->try_zone);
		else if (!r->try_ok)
			zf_oreport(c, m, ev, zid,
				   "page %llu taken from zone %d which did not pass the watermark "
				   "(flags 0x%x) and was not a NO_WATERMARKS bypass",
				   (unsigned long long)pfn, zid, r->try_flags);
	}
	zf_gfp_t gfp = r ? r->gfp : ev->gfp;
	int high = zf_o_gfp_zone(gfp);
	if (high < 0)
		high = zf_gfp_zone(gfp);
	if (zf_o_zone_idx(zid) > high)
		zf_oreport(c, m, ev, zid,
			   "page %llu in zone index %d above the request's highest zone %d",
			   (unsigned long long)pfn, zf_o_zone_idx(zid), high);

	int nid = zf_o_zone_nid(zid);
	uint32_t nodemask;
	if (r) {
		nodemask = r->try_nodemask;
	} else {
		struct zf_alloc_ctx_info ci;
		zf_inspect_alloc_ctx(m, &ci);
		nodemask = ci.active ? ci.nodemask : 0;
	}
	if (nodemask && !((nodemask >> nid) & 1u))
		zf_oreport(c, m, ev, zid, "page %llu on node %d outside the nodemask 0x%x",
			   (unsigned long long)pfn, nid, nodemask);
	/* the try that produced the page is the one for its zone (checked above) */
	if (r && r->try_zone == zid && (r->try_flags & ZF_ALLOC_CPUSET) &&
	    !(r->try_flags & ZF_ALLOC_NO_WATERMARKS) && !r->try_cpuset_ok)
		zf_oreport(c, m, ev, zid,
			   "page %llu on node %d outside task %d's cpuset mems 0x%x (ALLOC_CPUSET "
			   "set)",
			   (unsigned long long)pfn, nid, ev->task, r->try_mems);
}

static void placement_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			       const struct zf_event *ev)
{
	struct placement_state *st = p;
	struct placement_rec *r = top(st);
	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (st->depth < ZF_O_MAX_NEST) {
			r = &st->rec[st->depth];
			memset(r, 0, sizeof(*r));
			r->gfp = ev->gfp;
			r->order = ev->order;
			r->ok_zone = r->try_zone = -1;
			r->refill_first = ZF_NO_PAGE;
		}
		st->depth++;
		break;
	case ZF_EV_GPFF_ZONE_OK:
		check_zone_ok(c, m, ev);
		if (r)
			r->ok_zone = ev->zone_id;
		break;
	case ZF_EV_GPFF_TRY_ZONE:
		if (r) {
			r->try_zone = ev->zone_id;
			r->refill_first = ZF_NO_PAGE;
			r->try_ok = ev->a == 1 || r->ok_zone == ev->zone_id;
			r->try_flags = ev->alloc_flags | (ev->a == 1 ? ZF_ALLOC_NO_WATERMARKS : 0);
			r->ok_zone = -1;
			struct zf_alloc_ctx_info ci;
			struct zf_task_info ti;
			zf_inspect_alloc_ctx(m, &ci);
			r->try_nodemask = ci.active ? ci.nodemask : 0;
			r->try_cpuset_ok = true;
			r->try_mems = 0;
			if (ev->zone_id >= 0 && ev->task >= 0 &&
			    zf_inspect_task(m, ev->task, &ti) == 0) {
				r->try_mems = ti.mems_allowed;
				r->try_cpuset_ok = zf_o_cpuset_node_allowed(
				    m, &ti, ev->gfp, zf_o_zone_nid(ev->zone_id));
			}
		}
		break;
	case ZF_EV_PCP_REFILL:
		/* pfn = the first block rmqueue_bulk took, a = how many it took */
		if (r && ev->order == 0 && ev->a > 0)
			r->refill_first = ev->pfn;
		break;
	case ZF_EV_ALLOC_END:
		if (ev->pfn != ZF_NO_PAGE)
			check_page(c, m, ev, r);
		/*
		 * §4.3 rmqueue_pcplist: the list was empty, rmqueue_bulk linked the
		 * batch in physical order after a moving cursor (list_add) or, cold,
		 * before it (list_add_tail), and the request takes the head (hot)
		 * or the tail (cold): both are the first page the batch took.
		 */
		if (r && ev->pfn != ZF_NO_PAGE && ev->order == 0 && r->refill_first != ZF_NO_PAGE &&
		    ev->pfn != r->refill_first)
			zf_oreport(
			    c, m, ev, ev->zone_id,
			    "order-0 %s allocation got page %llu from the pcp list it had just "
			    "refilled, not the batch's first page %llu",
			    (ev->gfp & ZF_GFP_COLD) ? "cold" : "hot", (unsigned long long)ev->pfn,
			    (unsigned long long)r->refill_first);
		if (st->depth)
			st->depth--;
		break;
	default:
		break;
	}
}

const struct zf_oracle_ops zf_oracle_placement = {
    .desc =
	{
	    .id = "ZF_INV_PLACEMENT",
	    .name = "placement",
	    .property = "a returned page is aligned, comes from the zone get_page_from_freelist "
			"tried after that zone passed the watermark for the alloc_flags used "
			"(or the NO_WATERMARKS bypass), has zone idx <= gfp_zone, and is on a "
			"node in the nodemask and (with ALLOC_CPUSET) the task's cpuset; "
			"after a pcp refill it is the batch's first page",
	    .kernel_rule = "spec §11 item 10; §4.2 get_page_from_freelist; §4.3 rmqueue_bulk; §3.3 "
			   "zone_watermark_fast; §5.4 cpuset_fallback / ALLOC_CPUSET",
	    .cost = "event: O(1) (+ one zone snapshot per GPFF_ZONE_OK); no walk",
	},
    .event_mask = ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END) | ZF_EVBIT(GPFF_ZONE_OK) |
		  ZF_EVBIT(GPFF_TRY_ZONE) | ZF_EVBIT(PCP_REFILL),
    .state_size = sizeof(struct placement_state),
    .reset = placement_reset,
    .on_event = placement_on_event,
};
