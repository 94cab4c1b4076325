/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_LIVELOCK: an allocation that keeps going back to `retry:` while
 * nothing outside it makes progress (spec §5.10, §11 item 11). See
 * docs/oracles.md for the derivation of the bound; in short, between two
 * "outside progress" points a 4.12 allocation of order o takes at most
 *
 *     B(o) = MAX_RECLAIM_RETRIES (16)                    should_reclaim_retry
 *          + U  (highatomic unreserve events seen)        forced unreserve retries
 *          + C(o)                                         should_compact_retry
 *          + 1                                            one OOM-progress retry
 *
 * `goto retry` edges, with C(0) = 0, C(1..3) = 16 + 1 + 16 = 33 (16 SUCCESS
 * retries per priority, one escalation SYNC_LIGHT -> SYNC_FULL) and
 * C(>3) = 16/4 = 4 (no escalation below MIN_COMPACT_COSTLY_PRIORITY).
 * The edges counted are SLOWPATH_GOTO RETRY_SHOULD_RECLAIM,
 * RETRY_SHOULD_COMPACT, RETRY_OOM_PROGRESS and RETRY_NOFAIL; a retry_cpuset /
 * restart re-entry counts as an edge too unless a cpuset or zonelist change
 * (MEMS_CHANGE, ZONELIST_REBUILD) happened since the allocation (re)started.
 *
 * Outside progress (resets the count and the state history of every
 * allocation on the stack): an OOM kill, a task exit, the OOM reaper freeing
 * pages or setting MMF_OOM_SKIP, reclaim that really reclaimed pages
 * (SHRINK_NODE b > 0: kswapd, or the allocation's own direct reclaim, which can
 * only happen finitely often because nothing refills the LRU without an
 * outside actor), a cpuset/zonelist change followed by a restart, a yield
 * point whose callback changed the state, and virtual time passing
 * (SCHEDULE) while time-driven work is pending (a victim yet to exit or be
 * skipped, writeback in flight, kswapd or kcompactd woken): that work finishes
 * within a bounded time (MAX_OOM_REAP_RETRIES * HZ/10 for a stuck victim). The
 * jiffy every `goto retry` costs (zf_loop_tick) is such time too: an edge taken while
 * such bounded work is pending opens a new window (loop_tick_bounded).
 *
 * Second detector: at each counted edge the relevant state is hashed in
 * O(zones + nodes + tasks) (zone free counters and nr_free arrays, LRU,
 * dirty/writeback, isolated, highatomic, compaction state, kswapd/kcompactd
 * state, tasks, and the allocation's own alloc_flags / no_progress_loops
 * (capped at 17) / compaction_retries / compact_priority / nodemask). The
 * model is deterministic, so an identical full state at two retry entries
 * means the loop repeats forever; the hash is not the full state (list order,
 * pcp contents and pageblock types are left out), so a livelock is reported
 * when the same hash is seen N = 4 times with no outside progress in between.
 *
 * A WATCHDOG event (the model's own retry cap) is always a finding.
 * 4.12 does livelock for real in some cases (GFP_NOFS "fake progress" in
 * out_of_memory, withdrawn compaction with forced reclaim progress, NOFAIL with
 * nothing to free): those are findings about 4.12, reported, not hidden.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "oracle_internal.h"

#define LIVELOCK_REPEATS 4
#define HASH_SLOTS       32

struct livelock_rec {
	unsigned int order;
	unsigned int edges;      /* counted retry edges since the last outside progress */
	unsigned int unreserves; /* HIGHATOMIC_UNRESERVE events in the same window */
	bool cpuset_changed;     /* MEMS_CHANGE / ZONELIST_REBUILD since (re)start */
	bool reported;
	int last_compact;      /* result of the last try_to_compact_pages, -1 none */
	int64_t last_progress; /* did_some_progress of the last direct reclaim */
	bool forced_progress;  /* ... forced to 1 by compaction_ready (§5.5) */
	bool yield_pending;    /* a yield ran; compare the state at the next slow-path step */
	uint64_t yield_hash;
	unsigned int nr_hashes;
	uint64_t hash[HASH_SLOTS];
	unsigned int seen[HASH_SLOTS];
};

struct livelock_state {
	struct livelock_rec rec[ZF_O_MAX_NEST];
	unsigned int depth;
	/* the zone ids that span pages (fixed for a machine's life: hotplug changes only
	 * what they hold), so that machine_hash() does not inspect empty slots */
	unsigned int nr_zones;
	int zone_ids[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES];
	/* the last light hash and the event it was taken at (a YIELD right after it reuses it) */
	bool light_valid;
	uint64_t light_hash, light_seq;
};

static void livelock_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct livelock_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	memset(st, 0, sizeof(*st));
	for (int zid = 0; zid < zf_o_nr_zone_ids(g) && zid < ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES;
	     zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) == 0 && zi.spanned_pages)
			st->zone_ids[st->nr_zones++] = zid;
	}
}

static struct livelock_rec *top(struct livelock_state *st)
{
	return st->depth && st->depth <= ZF_O_MAX_NEST ? &st->rec[st->depth - 1] : NULL;
}

static unsigned int compaction_bound(unsigned int order)
{
	if (order == 0)
		return 0; /* should_compact_retry: order 0 never retries */
	if (order > ZF_O_COSTLY_ORDER)
		return ZF_O_MAX_COMPACT_RETRIES / 4; /* prio stays at SYNC_LIGHT */
	return 2 * ZF_O_MAX_COMPACT_RETRIES + 1;     /* 16 + escalation + 16 */
}

static unsigned int retry_bound(const struct livelock_rec *r)
{
	return ZF_O_MAX_RECLAIM_RETRIES + r->unreserves + compaction_bound(r->order) + 1;
}

static void outside_progress(struct livelock_rec *r)
{
	r->edges = 0;
	r->unreserves = 0;
	r->nr_hashes = 0;
}

/* Does some allocation on the stack have a window that outside progress would reset? */
static bool window_open(const struct livelock_state *st)
{
	for (unsigned int i = 0; i < st->depth && i < ZF_O_MAX_NEST; i++) {
		const struct livelock_rec *r = &st->rec[i];
		if (r->edges || r->nr_hashes || r->unreserves)
			return true;
	}
	return false;
}

static void all_progress(struct livelock_state *st)
{
	for (unsigned int i = 0; i < st->depth && i < ZF_O_MAX_NEST; i++)
		outside_progress(&st->rec[i]);
}

/*
 * One field into the state hash: rotate, xor, multiply by an odd constant.
 * For a fixed field value each step is a bijection of h, and so is the
 * splitmix64 finaliser applied once at the end (hash_final), so two states
 * that differ in one field never hash alike. A full zf_o_mix per field (three
 * multiplies in a dependent chain, about 80 fields) was most of
 * machine_hash's time.
 */
static inline uint64_t hash_step(uint64_t h, uint64_t v)
{
	return (((h << 23) | (h >> 41)) ^ v) * UINT64_C(0x9e3779b97f4a7c15);
}

static inline uint64_t hash_final(uint64_t z)
{
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

/*
 * The machine state an allocation's future depends on, O(zones + nodes + tasks).
 * full = false leaves out what the allocation's own next step may change before it
 * emits its first event (compaction_deferred's silent compact_considered++, cached
 * scanner pfns, wakeup_kswapd's pending order/classzone and woken flags, the LRU
 * active/inactive split, the highatomic reserve moved by an unreserve, PF_MEMALLOC set
 * around direct reclaim and compaction): that smaller
 * hash is the one that tells whether a yield callback changed anything.
 */
static uint64_t machine_hash(const struct zf_oracle_set *c, const struct livelock_state *st,
			     const struct zf_machine *m, bool full)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	uint64_t h = 0x5a17;
	for (unsigned int zi_i = 0; zi_i < st->nr_zones; zi_i++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, st->zone_ids[zi_i], &zi) != 0)
			continue;
		h = hash_step(h, (uint64_t)zi.nr_free_pages);
		h = hash_step(h, (uint64_t)zi.nr_free_cma);
		for (unsigned int o = 0; o < g->max_order && o < ZF_MAX_ORDER_MAX; o++)
			h = hash_step(h, zi.nr_free[o]);
		h = hash_step(h, zi.lru[0] + zi.lru[1]);
		h = hash_step(h, zi.lru[2] + zi.lru[3]);
		h = hash_step(h, zi.nr_dirty);
		h = hash_step(h, zi.nr_writeback);
		h = hash_step(h, zi.nr_isolated);
		h = hash_step(h, zi.nr_allocated);
		h = hash_step(h, zi.nr_pcp);
		h = hash_step(h, zi.nr_poisoned);
		h = hash_step(h, zi.nr_offline);
		h = hash_step(h, zi.nr_isolate_pageblock);
		h = hash_step(h, zi.managed_pages);
		if (!full)
			continue;
		h = hash_step(h, zi.lru[0]);
		h = hash_step(h, zi.lru[2]);
		h = hash_step(h, zi.nr_reserved_highatomic);
		h = hash_step(h, zi.compact_considered);
		h = hash_step(h, zi.compact_defer_shift);
		h = hash_step(h, zi.compact_order_failed);
		h = hash_step(h, zi.compact_cached_free_pfn);
		h = hash_step(h, zi.compact_cached_migrate_pfn[0]);
		h = hash_step(h, zi.compact_cached_migrate_pfn[1]);
	}
	for (unsigned int nid = 0; nid < g->nr_nodes; nid++) {
		struct zf_node_info ni;
		if (zf_inspect_node(m, (int)nid, &ni) != 0)
			continue;
		h = hash_step(h, ni.kswapd_failures);
		h = hash_step(h, ni.zonelist_seq);
		if (!full)
			continue;
		h = hash_step(h, ni.kswapd_order);
		h = hash_step(h, (uint64_t)ni.kswapd_classzone_idx);
		h = hash_step(h, (uint64_t)ni.kswapd_sleeping | (uint64_t)ni.kswapd_woken << 1 |
				     (uint64_t)ni.kcompactd_woken << 2);
		h = hash_step(h, ni.kcompactd_max_order);
		h = hash_step(h, (uint64_t)ni.kcompactd_classzone_idx);
	}
	unsigned int nt = zf_inspect_nr_tasks(m);
	for (unsigned int t = 0; t < nt; t++) {
		struct zf_task_info ti;
		if (zf_inspect_task(m, (int)t, &ti) != 0)
			continue;
		h = hash_step(h, (uint64_t)ti.alive | (uint64_t)ti.oom_victim << 1 |
				     (uint64_t)ti.mmf_oom_skip << 2);
		/* direct reclaim / compaction set PF_MEMALLOC around their work */
		h = hash_step(h, ti.flags & ~(uint32_t)ZF_PF_MEMALLOC);
		h = hash_step(h, (uint64_t)ti.mems_allowed << 32 | ti.mems_seq);
		h = hash_step(h, ti.mempolicy_nodes);
		h = hash_step(h, ti.rss_anon);
		h = hash_step(h, ti.rss_file);
		h = hash_step(h, ti.swapents);
		h = hash_step(h, ti.reap_attempts);
	}
	return hash_final(h);
}

/* The allocation's own loop state (values past the kernel's limits behave alike). */
static uint64_t alloc_hash(const struct zf_machine *m, uint64_t h)
{
	struct zf_alloc_ctx_info ci;
	zf_inspect_alloc_ctx(m, &ci);
	if (!ci.active)
		return h;
	unsigned int loops = ci.no_progress_loops;
	unsigned int cretries = ci.compaction_retries;
	h = zf_o_mix(h, ci.alloc_flags);
	h = zf_o_mix(h,
		     loops > ZF_O_MAX_RECLAIM_RETRIES + 1 ? ZF_O_MAX_RECLAIM_RETRIES + 1 : loops);
	h = zf_o_mix(h, cretries > ZF_O_MAX_COMPACT_RETRIES + 1 ? ZF_O_MAX_COMPACT_RETRIES + 1
								: cretries);
	h = zf_o_mix(h, (uint64_t)(int64_t)ci.compact_priority);
	h = zf_o_mix(h, ci.nodemask);
	h = zf_o_mix(h, (uint64_t)(int64_t)ci.preferred_zone_id);
	return h;
}

/* Writeback in flight, or kswapd / kcompactd woken: work the next tick runs. */
static bool background_work_pending(const struct zf_oracle_set *c, const struct zf_machine *m)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	for (int zid = 0; zid < zf_o_nr_zone_ids(g); zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) == 0 && zi.nr_writeback)
			return true;
	}
	for (unsigned int nid = 0; nid < g->nr_nodes; nid++) {
		struct zf_node_info ni;
		if (zf_inspect_node(m, (int)nid, &ni) == 0 &&
		    (ni.kswapd_woken || ni.kcompactd_woken))
			return true;
	}
	return false;
}

/* Work that finishes by itself when virtual time passes (§5.9 reaper, writeback, kswapd). */
static bool timed_work_pending(const struct zf_oracle_set *c, const struct zf_machine *m)
{
	unsigned int nt = zf_inspect_nr_tasks(m);
	for (unsigned int t = 0; t < nt; t++) {
		struct zf_task_info ti;
		if (zf_inspect_task(m, (int)t, &ti) == 0 && ti.alive && !ti.mmf_oom_skip &&
		    (ti.oom_victim || (ti.flags & ZF_TASK_FATAL_SIGNAL)))
			return true;
	}
	return background_work_pending(c, m);
}

/*
 * Does the jiffy this `goto retry` costs (zf_loop_tick, model contract "Time,
 * background work and yields") run work that ends by itself within a bounded
 * time? Each loop tick runs the background work a sleep runs, so a retry loop
 * waiting on it is bounded by that work, not a livelock (spec §5.10: "MMF_OOM_SKIP
 * breaks that after about 1 s"): an OOM victim alive without MMF_OOM_SKIP (it exits,
 * or the reaper skips it after MAX_OOM_REAP_RETRIES * HZ/10), a killed task that is
 * not stuck and not the allocating one (it exits at the next tick), writeback in
 * flight (completes at the next tick), kswapd or kcompactd woken (runs at the next
 * tick; a hopeless node is not woken again, §7.1). Narrower than timed_work_pending:
 * a killed task that can never exit does not bound anything. (Added with the soak,
 * docs/known-findings.md: a stuck, unreapable victim was reported as a livelock
 * after 18 edges although 4.12 waits for MMF_OOM_SKIP, ~1000 loop ticks.)
 */
static bool loop_tick_bounded(const struct zf_oracle_set *c, const struct zf_machine *m)
{
	struct zf_alloc_ctx_info ci;
	zf_inspect_alloc_ctx(m, &ci);
	unsigned int nt = zf_inspect_nr_tasks(m);
	for (unsigned int t = 0; t < nt; t++) {
		struct zf_task_info ti;
		if (zf_inspect_task(m, (int)t, &ti) != 0 || !ti.alive || ti.mmf_oom_skip)
			continue;
		if (ti.oom_victim)
			return true;
		if ((ti.flags & ZF_TASK_FATAL_SIGNAL) && !(ti.flags & ZF_TASK_STUCK) &&
		    !(ci.active && ci.task == (int)t))
			return true;
	}
	return background_work_pending(c, m);
}

static bool is_counted_edge(unsigned int label)
{
	return label == ZF_GOTO_RETRY_SHOULD_RECLAIM || label == ZF_GOTO_RETRY_SHOULD_COMPACT ||
	       label == ZF_GOTO_RETRY_OOM_PROGRESS || label == ZF_GOTO_RETRY_NOFAIL;
}

static bool is_restart_edge(unsigned int label)
{
	return label == ZF_GOTO_RETRY_CPUSET_BEFORE_OOM || label == ZF_GOTO_RETRY_CPUSET_NOPAGE ||
	       label == ZF_GOTO_RESTART_ZONELIST || label == ZF_GOTO_RESTART_CHECK_RETRY_CPUSET;
}

/* What the last round looked like, for triage (§5.10 names the unbounded edges). */
static void round_summary(const struct livelock_rec *r, char *buf, size_t len)
{
	snprintf(
	    buf, len, "last compaction %s, reclaim progress %lld%s",
	    r->last_compact < 0 ? "none"
				: zf_compact_result_name((enum zf_compact_result)r->last_compact),
	    (long long)r->last_progress, r->forced_progress ? " forced by compaction_ready" : "");
}

static void on_edge(struct zf_oracle_set *c, const struct livelock_state *st,
		    struct livelock_rec *r, const struct zf_machine *m, const struct zf_event *ev)
{
	char round[128];
	if (loop_tick_bounded(c, m)) {
		/* this edge's loop tick lets bounded outside work run: a new window */
		outside_progress(r);
		return;
	}
	r->edges++;
	if (r->reported)
		return;
	const char *edge = zf_slowpath_goto_name((enum zf_slowpath_goto)ev->label);
	unsigned int bound = retry_bound(r);
	if (r->edges > bound) {
		r->reported = true;
		zf_oreport(
		    c, m, ev, -1,
		    "order-%u allocation took %u `goto retry` edges with no outside progress "
		    "(bound %u = 16 reclaim + %u unreserve + %u compaction + 1 OOM); last "
		    "edge %s",
		    r->order, r->edges, bound, r->unreserves, compaction_bound(r->order), edge);
		return;
	}
	uint64_t h = alloc_hash(m, machine_hash(c, st, m, true));
	unsigned int i;
	for (i = 0; i < r->nr_hashes; i++) {
		if (r->hash[i] == h)
			break;
	}
	if (i == r->nr_hashes) {
		if (r->nr_hashes == HASH_SLOTS)
			return; /* the count bound still applies */
		r->hash[r->nr_hashes] = h;
		r->seen[r->nr_hashes++] = 0;
	}
	if (++r->seen[i] >= LIVELOCK_REPEATS) {
		r->reported = true;
		round_summary(r, round, sizeof(round));
		zf_oreport(
		    c, m, ev, -1,
		    "order-%u allocation livelocked: the same state was seen at `retry:` %u "
		    "times with no outside progress (last edge %s, %u edges in the window, %s)",
		    r->order, r->seen[i], edge, r->edges, round);
	}
}

/* Slow-path steps the allocation itself emits right after a yield callback returns. */
/*
 * (Not the get_page_from_freelist events, the most frequent of all: a failed
 * attempt changes nothing, and a successful one ends the allocation, so the
 * comparison can wait for the next of these.)
 */
static const uint64_t step_events =
    ZF_EVBIT(SLOWPATH_LABEL) | ZF_EVBIT(SLOWPATH_GOTO) | ZF_EVBIT(DIRECT_RECLAIM_BEGIN) |
    ZF_EVBIT(COMPACT_BEGIN) | ZF_EVBIT(COMPACT_TRY) | ZF_EVBIT(COMPACT_DEFERRED) |
    ZF_EVBIT(SHOULD_RECLAIM_RETRY) | ZF_EVBIT(SHOULD_COMPACT_RETRY) | ZF_EVBIT(MAY_OOM) |
    ZF_EVBIT(OOM_INVOKE) | ZF_EVBIT(WAKE_KSWAPD) | ZF_EVBIT(WARN_ALLOC) | ZF_EVBIT(SHRINK_NODE) |
    ZF_EVBIT(ALLOC_END);

static void livelock_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			      const struct zf_event *ev)
{
	struct livelock_state *st = p;
	struct livelock_rec *r = top(st);

	/* a yield whose callback changed the state is outside progress */
	if (r && r->yield_pending && ((step_events >> ev->type) & 1u)) {
		r->yield_pending = false;
		uint64_t h = machine_hash(c, st, m, false);
		st->light_valid = true;
		st->light_hash = h;
		st->light_seq = ev->seq;
		if (h != r->yield_hash)
			all_progress(st);
	}

	switch (ev->type) {
	case ZF_EV_ALLOC_BEGIN:
		if (st->depth < ZF_O_MAX_NEST) {
			r = &st->rec[st->depth];
			/* hash[] and seen[] are read only below nr_hashes: clear the rest */
			memset(r, 0, offsetof(struct livelock_rec, hash));
			r->order = ev->order;
			r->last_compact = -1;
		}
		st->depth++;
		break;
	case ZF_EV_COMPACT_TRY:
		if (r)
			r->last_compact = (int)ev->a;
		break;
	case ZF_EV_DIRECT_RECLAIM_END:
		if (r) {
			r->last_progress = ev->a;
			r->forced_progress = ev->c != 0; /* sc.compaction_ready */
		}
		break;
	case ZF_EV_ALLOC_END:
		if (st->depth)
			st->depth--;
		break;
	case ZF_EV_WATCHDOG:
		zf_oreport(c, m, ev, -1,
			   "the retry watchdog stopped an allocation after %lld retries "
			   "(order %u)",
			   (long long)ev->a, ev->order);
		if (r)
			r->reported = true;
		break;
	case ZF_EV_SLOWPATH_GOTO:
		if (!r)
			break;
		if (is_counted_edge(ev->label)) {
			on_edge(c, st, r, m, ev);
		} else if (is_restart_edge(ev->label)) {
			if (r->cpuset_changed) {
				r->cpuset_changed = false;
				outside_progress(r);
			} else {
				on_edge(c, st, r, m, ev); /* a restart nothing asked for */
			}
		}
		break;
	case ZF_EV_MEMS_CHANGE:
	case ZF_EV_ZONELIST_REBUILD:
		for (unsigned int i = 0; i < st->depth && i < ZF_O_MAX_NEST; i++)
			st->rec[i].cpuset_changed = true;
		break;
	case ZF_EV_YIELD:
		/*
		 * Only a window that holds something can be reset: while no
		 * allocation on the stack has counted an edge, hashed a state or seen
		 * an unreserve, the callback's effect is moot and the O(zones + nodes
		 * + tasks) hash is skipped (most allocations never loop; this is most
		 * of the oracle's cost, docs/oracles.md "Cost of the oracles").
		 */
		if (r && window_open(st)) {
			/*
			 * Nothing happened since the last light hash when this YIELD is the
			 * very next event (a step event right before it, or the previous
			 * YIELD, whose callback's changes must then still show against
			 * the older baseline): reuse it.
			 */
			if (!st->light_valid || ev->seq != st->light_seq + 1)
				st->light_hash = machine_hash(c, st, m, false);
			st->light_valid = true;
			st->light_seq = ev->seq;
			r->yield_pending = true;
			r->yield_hash = st->light_hash;
		}
		break;
	case ZF_EV_HIGHATOMIC_UNRESERVE:
		if (r)
			r->unreserves++;
		break;
	case ZF_EV_OOM_KILL:
	case ZF_EV_TASK_EXIT:
	case ZF_EV_OOM_SKIP_VICTIM:
		all_progress(st);
		break;
	case ZF_EV_OOM_REAP:
		if (ev->b > 0)
			all_progress(st);
		break;
	case ZF_EV_SHRINK_NODE:
		if (ev->b > 0)
			all_progress(st);
		break;
	case ZF_EV_KSWAPD_BALANCE:
		if (ev->a > 0)
			all_progress(st);
		break;
	case ZF_EV_SCHEDULE:
		if (ev->a > 0 && st->depth && timed_work_pending(c, m))
			all_progress(st);
		break;
	default:
		break;
	}
}

const struct zf_oracle_ops zf_oracle_livelock = {
    .desc =
	{
	    .id = "ZF_INV_LIVELOCK",
	    .name = "livelock",
	    .property = "between two outside-progress points an allocation re-enters retry: "
			"at most 16 + unreserves + C(order) + 1 times (C = 0 / 33 / 4 for "
			"order 0 / 1-3 / costly), and never sees the same state 4 times; a "
			"WATCHDOG stop is always a finding",
	    .kernel_rule = "spec §5.7, §5.8, §5.9, §5.10 termination analysis; §11 item 11",
	    .cost = "event: O(1); O(zones + nodes + tasks) hash per retry edge and per "
		    "yield; no walk",
	},
    .event_mask = ZF_EVBIT(ALLOC_BEGIN) | ZF_EVBIT(ALLOC_END) | ZF_EVBIT(WATCHDOG) |
		  ZF_EVBIT(SLOWPATH_GOTO) | ZF_EVBIT(SLOWPATH_LABEL) | ZF_EVBIT(MEMS_CHANGE) |
		  ZF_EVBIT(ZONELIST_REBUILD) | ZF_EVBIT(YIELD) | ZF_EVBIT(HIGHATOMIC_UNRESERVE) |
		  ZF_EVBIT(OOM_KILL) | ZF_EVBIT(TASK_EXIT) | ZF_EVBIT(OOM_SKIP_VICTIM) |
		  ZF_EVBIT(OOM_REAP) | ZF_EVBIT(SHRINK_NODE) | ZF_EVBIT(KSWAPD_BALANCE) |
		  ZF_EVBIT(SCHEDULE) | ZF_EVBIT(DIRECT_RECLAIM_BEGIN) | ZF_EVBIT(COMPACT_BEGIN) |
		  ZF_EVBIT(COMPACT_TRY) | ZF_EVBIT(COMPACT_DEFERRED) |
		  ZF_EVBIT(SHOULD_RECLAIM_RETRY) | ZF_EVBIT(SHOULD_COMPACT_RETRY) |
		  ZF_EVBIT(MAY_OOM) | ZF_EVBIT(OOM_INVOKE) | ZF_EVBIT(WAKE_KSWAPD) |
		  ZF_EVBIT(WARN_ALLOC),
    .state_size = sizeof(struct livelock_state),
    .reset = livelock_reset,
    .on_event = livelock_on_event,
};
