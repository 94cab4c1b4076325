/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_GFP: what each gfp flag promises about one allocation (spec §5.4,
 * §5.9, §5.10 "when the request fails instead", §11 items 11, 12, 13).
 *
 * Per allocation (ALLOC_BEGIN .. ALLOC_END; counters restart at every
 * retry_cpuset: entry, where the kernel restarts the whole attempt):
 *  - __GFP_NORETRY, and costly orders without __GFP_REPEAT (4.12) /
 *    __GFP_RETRY_MAYFAIL (4.13+): at most one direct reclaim, at most two
 *    direct compactions (early async + after reclaim), no OOM;
 *  - no direct reclaim, compaction or OOM without __GFP_DIRECT_RECLAIM;
 *  - no direct reclaim under PF_MEMALLOC, nor inside another direct reclaim;
 *  - out_of_memory() is never reached for order > 3, __GFP_NORETRY,
 *    __GFP_THISNODE, high_zoneidx < ZONE_NORMAL, PF_DUMPCORE, suspended storage,
 *    PF_MEMALLOC, !__GFP_DIRECT_RECLAIM, and (4.13+) __GFP_RETRY_MAYFAIL; a
 *    !__GFP_FS request may reach it but must not kill anyone (other than the
 *    allocating task marking itself when it is already exiting). __GFP_NOFAIL
 *    does not lift any of these since 4.10: a NOFAIL request that kills where
 *    the same request without NOFAIL would not is planted bug B21;
 *  - __GFP_NOFAIL with __GFP_DIRECT_RECLAIM never returns NULL;
 *  - reclaim progress comes from reclaim: when should_reclaim_retry() counts
 *    progress (no_progress_loops back to 0 for order <= 3), a direct reclaim
 *    of this retry round must have ended with progress, or the task has a
 *    fatal signal pending (try_to_free_pages() returns 1 without reclaiming
 *    only when throttle_direct_reclaim() reports one, spec §7.2; 4.12
 *    vmscan.c:2986); and the other way: after a direct reclaim that made
 *    progress an order <= 3 request's no_progress_loops is 0, and a costly
 *    order's never is (spec §5.7 should_reclaim_retry);
 *  - a failed allocation's ALLOC_END carries the alloc_flags the slow path
 *    reached got_pg: with (the frame's flags switch to the successful
 *    attempt's only when there is a page; model contract "Allocating");
 *  - direct reclaim and direct compaction run with PF_MEMALLOC set
 *    (memalloc_noreclaim_save, §5.5, §5.6);
 *  - fault injection (CONFIG_FAIL_PAGE_ALLOC, should_fail_alloc_page() in
 *    prepare_alloc_pages()): never fails a __GFP_NOFAIL request, and a
 *    request it fails returns NULL at once, without entering the slow path;
 *    and the other way, a request below MAX_ORDER that fault injection did
 *    not fail returns NULL only from the slow path;
 *  - early async compaction (§5.4): between retry_cpuset: and the first
 *    retry: reached without a goto, direct compaction runs exactly when the
 *    request may reclaim, is costly or a non-movable high order, and may not
 *    use the reserves (gfp_pfmemalloc_allowed, §5.2).
 *
 * Cost: O(1) per event (a task snapshot per should_reclaim_retry that counts
 * progress without a reclaim that made some, and at the two labels above).
 */
#include <string.h>

#include "oracle_internal.h"

struct gfp_rec {
	zf_gfp_t gfp; /* request gfp */
	unsigned int order;
	int task;
	bool memalloc; /* PF_MEMALLOC when the allocation started */
	bool in_reclaim;
	bool reclaim_progress; /* a DIRECT_RECLAIM_END with progress since the last retry check */
	bool last_progress;    /* the latest direct reclaim of this round ended with progress */
	bool got_pg;           /* the slow path reached got_pg: (gotpg_flags: the frame's there) */
	bool fault_injected;   /* should_fail_alloc_page() failed it (FAULT_INJECT) */
	bool slowpath;         /* a slow-path label was reached */
	uint32_t gotpg_flags;
	unsigned int reclaims, compactions;
	bool reported_oom;
	/* early async compaction, between retry_cpuset: and the first retry: */
	bool early_phase, early_compacted;
	int early_expect; /* verdict at retry_cpuset:, -1 unknown */
};

struct gfp_state {
	struct gfp_rec rec[ZF_O_MAX_NEST];
	unsigned int depth;
};

static struct gfp_rec *top(struct gfp_state *st)
{
	return st->depth && st->depth <= ZF_O_MAX_NEST ? &st->rec[st->depth - 1] : NULL;
}

static void gfp_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	(void)c;
	(void)m;
	memset(p, 0, sizeof(struct gfp_state));
}

/* The request that the kernel gives a single reclaim/compaction round (§5.10). */
static bool single_round(zf_gfp_t gfp, unsigned int order)
{
	if (gfp & ZF_GFP_NOFAIL)
		return false;
	return (gfp & ZF_GFP_NORETRY) ||
	       (order > ZF_O_COSTLY_ORDER && !(gfp & ZF_GFP_REPEAT /* RETRY_MAYFAIL */));
}

/*
 * Why this request must not reach out_of_memory() (§11 item 13), or NULL.
 * gfp is the request's gfp with or without __GFP_NOFAIL (B21 asks "would the same
 * request without NOFAIL have been refused?").
 */
static const char *oom_forbidden(const struct zf_machine *m, zf_gfp_t gfp, unsigned int order,
				 const struct zf_task_info *ti, bool memalloc)
{
	struct zf_geometry g;
	zf_inspect_geometry(m, &g);
	int high = zf_o_gfp_zone(gfp);
	if (!(gfp & ZF_GFP_DIRECT_RECLAIM))
		return "!__GFP_DIRECT_RECLAIM";
	if (memalloc || (ti && (ti->flags & ZF_PF_MEMALLOC)))
		return "PF_MEMALLOC";
	if (gfp & ZF_GFP_NORETRY)
		return "__GFP_NORETRY";
	if (order > ZF_O_COSTLY_ORDER)
		return "costly order";
	if (high >= 0 && high < ZF_ZONE_NORMAL)
		return "high_zoneidx < ZONE_NORMAL (lowmem request)";
	if (gfp & ZF_GFP_THISNODE)
		return "__GFP_THISNODE";
	if (ti && (ti->flags & ZF_PF_DUMPCORE))
		return "PF_DUMPCORE";
	if (zf_machine_config(m)->suspended_storage)
		return "pm_suspended_storage()";
	if (g.profile >= ZF_PROFILE_4_13 && (gfp & ZF_GFP_REPEAT))
		return "__GFP_RETRY_MAYFAIL (4.13+)";
	return NULL;
}

static void check_oom(struct zf_oracle_set *c, const struct zf_machine *m,
		      const struct zf_event *ev, struct gfp_rec *r)
{
	struct zf_task_info ti;
	bool have_ti = ev->task >= 0 && zf_inspect_task(m, ev->task, &ti) == 0;
	if (r->reported_oom)
		return;
	const char *why =
	    oom_forbidden(m, r->gfp & ~ZF_GFP_NOFAIL, r->order, have_ti ? &ti : NULL, r->memalloc);
	if (why) {
		r->reported_oom = true;
		zf_oreport(c, m, ev, -1, "%s reached for a request that must not OOM: %s%s",
			   ev->type == ZF_EV_OOM_KILL ? "OOM kill" : "out_of_memory()", why,
			   (r->gfp & ZF_GFP_NOFAIL) ? " (__GFP_NOFAIL overrode the skip: B21)"
						    : "");
		return;
	}
	if (ev->type != ZF_EV_OOM_KILL)
		return;
	/* !__GFP_FS: out_of_memory() reports progress without killing (§5.9) */
	struct zf_alloc_ctx_info ci;
	zf_inspect_alloc_ctx(m, &ci);
	zf_gfp_t ctx = ci.active ? ci.gfp : r->gfp;
	if (have_ti && (ti.flags & ZF_PF_MEMALLOC_NOFS))
		ctx &= ~ZF_GFP_FS;
	if (have_ti && (ti.flags & ZF_PF_MEMALLOC_NOIO))
		ctx &= ~(ZF_GFP_FS | ZF_GFP_IO);
	bool self = ev->a == r->task; /* task_will_free_mem(current): marks itself */
	if (!(ctx & ZF_GFP_FS) && !self) {
		r->reported_oom = true;
		zf_oreport(c, m, ev, -1,
			   "OOM killed task %lld for a !__GFP_FS request (gfp context 0x%x)%s",
			   (long long)ev->a, ctx,
			   (r->gfp & ZF_GFP_NOFAIL) ? " (__GFP_NOFAIL overrode the skip: B21)"
						    : "");
	}
}

/*
 * Does the slow path compact early, before its first retry: (spec §5.4)?
 * can_direct_reclaim && (costly || (order > 0 && !MOVABLE)) &&
 * !gfp_pfmemalloc_allowed() (§5.2; 4.14+: any OOM victim). -1 when the
 * oracle cannot tell (interrupt context, no task or allocation context).
 */
static int early_compaction_expected(const struct zf_machine *m, const struct gfp_rec *r)
{
	struct zf_alloc_ctx_info ci;
	struct zf_task_info ti;
	zf_inspect_alloc_ctx(m, &ci);
	if (!ci.active || ci.task != r->task || r->task < 0 ||
	    zf_inspect_task(m, r->task, &ti) != 0 || (ti.flags & ZF_TASK_IN_INTERRUPT))
		return -1;
	zf_gfp_t gfp = ci.gfp;
	unsigned int order = ci.order;
	if (!(gfp & ZF_GFP_DIRECT_RECLAIM))
		return 0;
	if (!(order > 3 || (order > 0 && ci.migratetype != ZF_MIGRATE_MOVABLE)))
		return 0;
	bool pfmemalloc;
	if (gfp & ZF_GFP_NOMEMALLOC)
		pfmemalloc = false;
	else if (gfp & ZF_GFP_MEMALLOC)
		pfmemalloc = true;
	else if (ti.flags & ZF_PF_MEMALLOC)
		pfmemalloc = true;
	else if (zf_machine_config(m)->profile >= ZF_PROFILE_4_14)
		pfmemalloc = ti.oom_victim;
	else
		pfmemalloc = (ti.flags & ZF_TIF_MEMDIE) != 0;
	return pfmemalloc ? 0 : 1;
}

/*
 * §5.5 / §5.6: the direct reclaim and direct compaction wrappers set
 * PF_MEMALLOC (memalloc_noreclaim_save) around try_to_free_pages() /
 * try_to_compact_pages(), so that an allocation from inside them cannot
 * recurse into reclaim; DIRECT_RECLAIM_BEGIN and COMPACT_TRY_BEGIN are
 * emitted inside that scope.
 */
static void check_memalloc_scope(struct zf_oracle_set *c, const struct zf_machine *m,
				 const struct zf_event *ev, const char *what)
{
	struct zf_task_info ti;

	if (ev->task < 0 || zf_inspect_task(m, ev->task, &ti) != 0)
		return;
	if (!(ti.flags & ZF_PF_MEMALLOC))
		zf_oreport(c, m, ev, -1, "%s without PF_MEMALLOC (memalloc_noreclaim_save scope)",
			   what);
}

static void gfp_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			 const struct zf_event *ev)
{
	struct gfp_state *st = p;
	struct gfp_rec *r = top(st);
	struct zf_geometry g;
	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (st->depth < ZF_O_MAX_NEST) {
			struct zf_task_info ti;
			r = &st->rec[st->depth];
			memset(r, 0, sizeof(*r));
			r->gfp = ev->gfp;
			r->order = ev->order;
			r->task = ev->task;
			r->memalloc = ev->task >= 0 && zf_inspect_task(m, ev->task, &ti) == 0 &&
				      (ti.flags & ZF_PF_MEMALLOC);
		}
		st->depth++;
		return;
	case ZF_EV_ALLOC_END:
		zf_inspect_geometry(m, &g);
		if (r && ev->pfn == ZF_NO_PAGE && ev->a == ZF_ALLOC_FAIL &&
		    (r->gfp & ZF_GFP_NOFAIL) && (r->gfp & ZF_GFP_DIRECT_RECLAIM) &&
		    r->order < g.max_order)
			zf_oreport(
			    c, m, ev, -1,
			    "__GFP_NOFAIL|__GFP_DIRECT_RECLAIM allocation of order %u returned "
			    "NULL",
			    r->order);
		/*
		 * The frame keeps the slow path's alloc_flags current (model
		 * contract, "Allocating"); only a page makes got_pg switch it to
		 * the flags of the attempt that produced it. A NULL return reports
		 * the slow path's own flags, the ones got_pg: was reached with.
		 */
		/*
		 * __alloc_pages_nodemask() returns NULL only from the slow path,
		 * for an order at or above MAX_ORDER, or when
		 * prepare_alloc_pages() fails (fault injection): a failed fast
		 * path, a missing zone (no_zone:) included, always goes on to
		 * __alloc_pages_slowpath().
		 */
		if (r && ev->pfn == ZF_NO_PAGE && ev->a == ZF_ALLOC_FAIL && !r->slowpath &&
		    !r->fault_injected && r->order < g.max_order)
			zf_oreport(c, m, ev, -1,
				   "order-%u allocation returned NULL without entering the slow "
				   "path (no fault injection)",
				   r->order);
		if (r && r->fault_injected && ev->pfn != ZF_NO_PAGE)
			zf_oreport(
			    c, m, ev, -1,
			    "allocation failed by should_fail_alloc_page() returned pfn %llu",
			    (unsigned long long)ev->pfn);
		if (r && r->got_pg && ev->pfn == ZF_NO_PAGE && ev->a == ZF_ALLOC_FAIL &&
		    ev->alloc_flags != r->gotpg_flags)
			zf_oreport(c, m, ev, -1,
				   "failed allocation reports alloc_flags 0x%x, the slow path "
				   "reached got_pg with 0x%x",
				   (unsigned)ev->alloc_flags, (unsigned)r->gotpg_flags);
		if (st->depth)
			st->depth--;
		return;
	default:
		break;
	}
	if (!r)
		return;
	if (r->fault_injected && ev->type != ZF_EV_FAULT_INJECT) {
		/* prepare_alloc_pages() failed: __alloc_pages_nodemask returns NULL */
		zf_oreport(c, m, ev, -1,
			   "allocation failed by should_fail_alloc_page() went on (%s event)",
			   zf_event_name(ev->type));
		r->fault_injected = false; /* one finding per allocation */
	}
	switch (ev->type) {
	case ZF_EV_FAULT_INJECT:
		if (r->gfp & ZF_GFP_NOFAIL)
			zf_oreport(c, m, ev, -1,
				   "should_fail_alloc_page() failed a __GFP_NOFAIL request (gfp "
				   "0x%x, order %u)",
				   (unsigned)r->gfp, r->order);
		r->fault_injected = true;
		break;
	case ZF_EV_SLOWPATH_GOTO:
		/*
		 * A goto before the first retry: leaves the early block (no zone:
		 * nopage, a page: got_pg, costly NORETRY deferred: nopage); a
		 * retry: reached from there (NOFAIL's nopage -> retry) is not the
		 * fall-through the early compaction rule is about.
		 */
		r->early_phase = false;
		break;
	case ZF_EV_SLOWPATH_LABEL:
		r->slowpath = true;
		if (ev->label == ZF_LABEL_GOT_PG) {
			r->got_pg = true;
			r->gotpg_flags = ev->alloc_flags;
		}
		if (ev->label == ZF_LABEL_RETRY && r->early_phase) {
			/*
			 * Judged only when the verdict is the same at both labels: a
			 * yield in between may make the task an OOM victim.
			 */
			int expect = early_compaction_expected(m, r);
			if (expect >= 0 && expect == r->early_expect &&
			    (expect == 1) != r->early_compacted)
				zf_oreport(c, m, ev, -1,
					   "early async compaction %s before the first retry: "
					   "(order %u, gfp 0x%x, §5.4: costly or non-movable high "
					   "order, may reclaim, no reserves)",
					   expect ? "skipped" : "run", r->order, (unsigned)r->gfp);
			r->early_phase = false;
		}
		if (ev->label == ZF_LABEL_RETRY_CPUSET) {
			r->reclaims = r->compactions = 0; /* the kernel restarts the attempt */
			r->reclaim_progress = false;
			r->last_progress = false;
			r->early_phase = true;
			r->early_compacted = false;
			r->early_expect = early_compaction_expected(m, r);
			r->reported_oom = false;
		}
		break;
	case ZF_EV_DIRECT_RECLAIM_BEGIN:
		if (!(r->gfp & ZF_GFP_DIRECT_RECLAIM))
			zf_oreport(c, m, ev, -1, "direct reclaim without __GFP_DIRECT_RECLAIM");
		if (r->memalloc)
			zf_oreport(c, m, ev, -1,
				   "direct reclaim from a PF_MEMALLOC task (reclaim recursion)");
		for (unsigned int i = 0; i + 1 < st->depth && i < ZF_O_MAX_NEST; i++) {
			if (st->rec[i].in_reclaim) {
				zf_oreport(c, m, ev, -1,
					   "direct reclaim nested inside another direct reclaim");
				break;
			}
		}
		r->in_reclaim = true;
		r->last_progress = false;
		check_memalloc_scope(c, m, ev, "direct reclaim");
		if (++r->reclaims > 1 && single_round(r->gfp, r->order))
			zf_oreport(
			    c, m, ev, -1, "%s request (order %u) entered direct reclaim %u times",
			    (r->gfp & ZF_GFP_NORETRY) ? "__GFP_NORETRY" : "costly non-REPEAT",
			    r->order, r->reclaims);
		break;
	case ZF_EV_DIRECT_RECLAIM_END:
		r->in_reclaim = false;
		if (ev->a > 0)
			r->reclaim_progress = true;
		r->last_progress = ev->a > 0;
		break;
	case ZF_EV_SHOULD_RECLAIM_RETRY:
		/* b = no_progress_loops after the update: 0 means progress was counted */
		if (ev->b == 0 && ev->order <= 3 && !r->reclaim_progress) {
			struct zf_task_info ti;
			bool dying = r->task < 0 || zf_inspect_task(m, r->task, &ti) != 0 ||
				     !ti.alive || (ti.flags & ZF_TASK_FATAL_SIGNAL);
			if (!dying)
				zf_oreport(
				    c, m, ev, -1,
				    "should_reclaim_retry counted reclaim progress (order %u) "
				    "but no direct reclaim of this round made any, and the "
				    "task has no fatal signal pending",
				    ev->order);
		}
		/*
		 * and the other way (§5.7 should_reclaim_retry): did_some_progress is
		 * the round's try_to_free_pages() result, so after a direct reclaim
		 * that reclaimed something an order <= 3 request restarts the count
		 * at 0, and a costly order always counts up.
		 */
		if (ev->order <= 3 && r->last_progress && ev->b != 0)
			zf_oreport(c, m, ev, -1,
				   "should_reclaim_retry after a direct reclaim with progress left "
				   "no_progress_loops at %lld (order %u <= 3: want 0)",
				   (long long)ev->b, ev->order);
		else if (ev->order > 3 && ev->b == 0)
			zf_oreport(
			    c, m, ev, -1,
			    "should_reclaim_retry left no_progress_loops at 0 for costly order "
			    "%u (costly orders always count up)",
			    ev->order);
		r->reclaim_progress = false;
		break;
	case ZF_EV_COMPACT_TRY:
		if (r->early_phase)
			r->early_compacted = true;
		if (!(r->gfp & ZF_GFP_DIRECT_RECLAIM))
			zf_oreport(c, m, ev, -1, "direct compaction without __GFP_DIRECT_RECLAIM");
		if (++r->compactions > 2 && single_round(r->gfp, r->order))
			zf_oreport(
			    c, m, ev, -1, "%s request (order %u) ran direct compaction %u times",
			    (r->gfp & ZF_GFP_NORETRY) ? "__GFP_NORETRY" : "costly non-REPEAT",
			    r->order, r->compactions);
		break;
	case ZF_EV_OOM_INVOKE:
	case ZF_EV_OOM_KILL:
		check_oom(c, m, ev, r);
		break;
	case ZF_EV_COMPACT_TRY_BEGIN:
		check_memalloc_scope(c, m, ev, "direct compaction");
		break;
	default:
		break;
	}
}

const struct zf_oracle_ops zf_oracle_gfp = {
    .desc =
	{
	    .id = "ZF_INV_GFP",
	    .name = "gfp",
	    .property = "NORETRY / costly non-REPEAT: <= 1 direct reclaim, <= 2 direct "
			"compactions, no OOM; no reclaim/compaction/OOM without "
			"DIRECT_RECLAIM; no reclaim under PF_MEMALLOC, and direct reclaim / "
			"compaction inside a PF_MEMALLOC scope; OOM only where §11 "
			"item 13 allows it, no kill for !__GFP_FS; NOFAIL never lifts an OOM "
			"skip and never returns NULL when it may block; reclaim progress "
			"only from a reclaim that made some or a fatal signal; early async "
			"compaction exactly for costly / non-movable high orders without "
			"reserves; fault injection never fails NOFAIL and ends the request",
	    .kernel_rule = "spec §5.4, §5.5, §5.6, §5.7, §5.9, §5.10; §11 items 11, 12, 13; 4.13 "
			   "__GFP_RETRY_MAYFAIL (dcda9b04713c); planted bug B21 (4.10 NOFAIL "
			   "OOM cleanup)",
	    .cost = "event: O(1); no walk",
	},
    .event_mask = ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END) | ZF_EVBIT(SLOWPATH_LABEL) |
		  ZF_EVBIT(SLOWPATH_GOTO) | ZF_EVBIT(DIRECT_RECLAIM_BEGIN) |
		  ZF_EVBIT(DIRECT_RECLAIM_END) | ZF_EVBIT(COMPACT_TRY) | ZF_EVBIT(OOM_INVOKE) |
		  ZF_EVBIT(OOM_KILL) | ZF_EVBIT(SHOULD_RECLAIM_RETRY) |
		  ZF_EVBIT(COMPACT_TRY_BEGIN) | ZF_EVBIT(FAULT_INJECT),
    .state_size = sizeof(struct gfp_state),
    .reset = gfp_reset,
    .on_event = gfp_on_event,
};
