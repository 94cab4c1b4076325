/* SPDX-License-Identifier: MIT */
/*
 * run.c - the scenario executor.
 *
 * Builds a machine from the scenario's configuration, creates its tasks and
 * runs the program. Actions scripted at a yield point of an allocation run
 * from the model's on_yield hook, i.e. in the middle of
 * __alloc_pages_slowpath with no zone lock held (docs/model-contract.md,
 * "Time, background work and yields"): that is how a scenario reproduces a
 * race such as a cpuset update between get_page_from_freelist and the OOM
 * killer (spec §5.4 retry_cpuset, §5.10).
 *
 * Only the public model API is used. Everything that goes wrong in an
 * operation (unknown handle, a call the model rejects) is a message to the
 * observer and a counter, never an abort of the process.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario_internal.h"
#include "zonefuzz/scenario.h"

#define ZF_SC_MAX_ACTIVE 32 /* scenario allocations in progress (nesting) */

struct zf_sc_handle {
	char name[ZF_SC_NAME_LEN];
	uint64_t pfn;
	unsigned int order;
	int task; /* scenario task index */
	bool used, live;
};

/* A scenario allocation in progress: whose yields it counts. */
struct zf_sc_active {
	uint32_t op_ref;
	unsigned int depth; /* zf_alloc_depth() before the call */
	uint32_t seen[ZF_NR_YIELD_POINTS];
	char path[ZF_SC_PATH_LEN];
};

struct zf_sc_exec {
	const struct zf_scenario *sc;
	struct zf_machine *m;
	const struct zf_scenario_observer *obs;
	struct zf_scenario_result *res;
	int task_id[ZF_MAX_TASKS];  /* scenario index -> model task id */
	int task_idx[ZF_MAX_TASKS]; /* model task id -> scenario index */
	struct zf_sc_handle *handles;
	size_t nr_handles, cap_handles; /* open addressing, cap a power of two */
	struct zf_sc_active active[ZF_SC_MAX_ACTIVE];
	unsigned int nr_active;
	uint64_t op; /* current top-level operation */
	uint64_t nr_exec, max_exec;
	bool stop;
	/* fail_page_alloc: the fault attribute's state (lib/fault-inject.c) */
	int64_t fail_times;   /* failures left, -1 unlimited */
	uint64_t fail_count;  /* eligible calls, for the interval */
	uint64_t fail_random; /* splitmix64 state, from the scenario's seed */
};

/* ------------------------------------------------------------------ */
/* messages                                                            */
/* ------------------------------------------------------------------ */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static void
zf_sc_msg(struct zf_sc_exec *x, enum zf_sc_msg_kind kind, const char *path, const char *fmt, ...)
{
	char text[512];
	va_list ap;

	if (kind == ZF_SC_MSG_ERROR)
		x->res->nr_errors++;
	else if (kind == ZF_SC_MSG_MISMATCH)
		x->res->nr_mismatches++;
	else
		x->res->nr_notes++;
	if (!x->obs || !x->obs->on_message)
		return;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	x->obs->on_message(x->obs->priv, kind, x->op, path, text);
}

/* ------------------------------------------------------------------ */
/* handles: name -> live allocation (hash table, never shrinks)        */
/* ------------------------------------------------------------------ */
static uint64_t zf_sc_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull; /* FNV-1a */
	while (*s)
		h = (h ^ (uint8_t)*s++) * 0x100000001b3ull;
	return h;
}

static struct zf_sc_handle *zf_sc_handle_slot(struct zf_sc_exec *x, const char *name, bool create)
{
	if (create && (x->nr_handles + 1) * 2 > x->cap_handles) {
		size_t ncap = x->cap_handles ? x->cap_handles * 2 : 64;
		struct zf_sc_handle *nh = calloc(ncap, sizeof(*nh));
		if (!nh)
			return NULL;
		for (size_t i = 0; i < x->cap_handles; i++) {
			struct zf_sc_handle *h = &x->handles[i];
			if (!h->used)
				continue;
			size_t j = zf_sc_hash(h->name) & (ncap - 1);
			while (nh[j].used)
				j = (j + 1) & (ncap - 1);
			nh[j] = *h;
		}
		free(x->handles);
		x->handles = nh;
		x->cap_handles = ncap;
	}
	if (!x->cap_handles)
		return NULL;
	size_t j = zf_sc_hash(name) & (x->cap_handles - 1);
	while (x->handles[j].used) {
		if (strcmp(x->handles[j].name, name) == 0)
			return &x->handles[j];
		j = (j + 1) & (x->cap_handles - 1);
	}
	if (!create)
		return NULL;
	snprintf(x->handles[j].name, sizeof(x->handles[j].name), "%s", name);
	x->handles[j].used = true;
	x->nr_handles++;
	return &x->handles[j];
}

/* ------------------------------------------------------------------ */
/* expectations                                                        */
/* ------------------------------------------------------------------ */
static void zf_sc_interval_str(char *buf, size_t len, const struct zf_sc_interval *iv)
{
	if (iv->min == iv->max)
		snprintf(buf, len, "%" PRId64, iv->min);
	else if (iv->max == INT64_MAX)
		snprintf(buf, len, ">= %" PRId64, iv->min);
	else if (iv->min == INT64_MIN)
		snprintf(buf, len, "<= %" PRId64, iv->max);
	else
		snprintf(buf, len, "%" PRId64 "..%" PRId64, iv->min, iv->max);
}

static const char *zf_sc_tname(const struct zf_scenario *sc, int t)
{
	return t >= 0 && (unsigned int)t < sc->nr_tasks ? sc->tasks[t].name : "?";
}

static void zf_sc_compact_list(char *buf, size_t len, const uint8_t *v, unsigned int n)
{
	size_t off = 0;

	buf[0] = '\0';
	off += (size_t)snprintf(buf, len, "[");
	for (unsigned int i = 0; i < n && i < ZF_MAX_COMPACT_LOG && off < len; i++) {
		const char *name = zf_compact_result_name((enum zf_compact_result)v[i]);
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					name ? name : "?");
	}
	if (off < len)
		snprintf(buf + off, len - off, "]");
}

static unsigned int zf_sc_check_expect(struct zf_sc_exec *x, const struct zf_sc_expect *e,
				       const struct zf_sc_record *r)
{
	const struct zf_scenario *sc = x->sc;
	unsigned int bad = 0;
	char want[192], got[192];
	int64_t nums[ZF_SC_NR_NUM_KEYS] = {
	    [ZF_SC_NUM_ORDER] = r->order,
	    [ZF_SC_NUM_PFN] = r->res.pfn == ZF_NO_PAGE ? -1 : (int64_t)r->res.pfn,
	    [ZF_SC_NUM_RETRIES] = r->res.retries,
	    [ZF_SC_NUM_RETRY_CPUSET] = r->res.retry_cpuset,
	    [ZF_SC_NUM_DIRECT_RECLAIM] = r->res.direct_reclaim_calls,
	    [ZF_SC_NUM_DIRECT_COMPACT] = r->res.direct_compact_calls,
	    [ZF_SC_NUM_OOM_INVOKED] = r->res.oom_invoked,
	    [ZF_SC_NUM_NOFAIL_LOOPS] = r->res.nofail_loops,
	    [ZF_SC_NUM_STALL_WARNINGS] = r->res.stall_warnings,
	};

	x->res->nr_expect_checked++;
	if ((e->keys & ZF_SC_EXP_RESULT) && e->result != r->res.status) {
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "result: expected %s, got %s",
			  zf_sc_result_name(e->result), zf_sc_result_name(r->res.status));
		bad++;
	}
	if ((e->keys & ZF_SC_EXP_PFN_NULL) && r->res.pfn != ZF_NO_PAGE) {
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "pfn: expected null, got %" PRIu64,
			  r->res.pfn);
		bad++;
	}
	for (int k = 0; k < ZF_SC_NR_NUM_KEYS; k++) {
		if (!(e->keys & ZF_SC_EXP_NUM(k)))
			continue;
		if (k == ZF_SC_NUM_PFN && (e->keys & ZF_SC_EXP_PFN_NULL))
			continue;
		if (k == ZF_SC_NUM_PFN && r->res.pfn == ZF_NO_PAGE) {
			zf_sc_interval_str(want, sizeof(want), &e->num[k]);
			zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "pfn: expected %s, got null",
				  want);
			bad++;
			continue;
		}
		if (nums[k] < e->num[k].min || nums[k] > e->num[k].max) {
			zf_sc_interval_str(want, sizeof(want), &e->num[k]);
			zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "%s: expected %s, got %" PRId64,
				  zf_sc_num_key_name((enum zf_sc_num_key)k), want, nums[k]);
			bad++;
		}
	}
	if ((e->keys & ZF_SC_EXP_ZONE) && e->zone_id != r->res.zone_id) {
		zf_sc_zone_id_format(want, sizeof(want), e->zone_id);
		zf_sc_zone_id_format(got, sizeof(got), r->res.zone_id);
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "zone: expected %s, got %s",
			  e->zone_id < 0 ? "null" : want, r->res.zone_id < 0 ? "null" : got);
		bad++;
	}
	if ((e->keys & ZF_SC_EXP_SLOWPATH) && e->slowpath != r->res.slowpath) {
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "slowpath: expected %s, got %s",
			  e->slowpath ? "true" : "false", r->res.slowpath ? "true" : "false");
		bad++;
	}
	if ((e->keys & ZF_SC_EXP_WARNED_FAILURE) && e->warned_failure != r->res.warned_failure) {
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "warned_failure: expected %s, got %s",
			  e->warned_failure ? "true" : "false",
			  r->res.warned_failure ? "true" : "false");
		bad++;
	}
	if (e->keys & ZF_SC_EXP_COMPACT_RESULTS) {
		unsigned int n = r->res.nr_compact_results;
		bool same = n == e->nr_compact_results &&
			    memcmp(e->compact_results, r->res.compact_results,
				   n < ZF_MAX_COMPACT_LOG ? n : ZF_MAX_COMPACT_LOG) == 0;
		if (!same) {
			zf_sc_compact_list(want, sizeof(want), e->compact_results,
					   e->nr_compact_results);
			zf_sc_compact_list(got, sizeof(got), r->res.compact_results, n);
			zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path,
				  "compact_results: expected %s, got %s", want, got);
			bad++;
		}
	}
	if ((e->keys & ZF_SC_EXP_OOM_KILLED) &&
	    !(e->oom_killed < 0 ? r->res.oom_killed < 0 : r->oom_killed_task == e->oom_killed)) {
		if (r->res.oom_killed < 0)
			snprintf(got, sizeof(got), "null");
		else if (r->oom_killed_task >= 0)
			snprintf(got, sizeof(got), "%s", zf_sc_tname(sc, r->oom_killed_task));
		else
			snprintf(got, sizeof(got), "model task %d", r->res.oom_killed);
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "oom_killed: expected %s, got %s",
			  e->oom_killed < 0 ? "null" : zf_sc_tname(sc, e->oom_killed), got);
		bad++;
	}
	if ((e->keys & ZF_SC_EXP_GFP) && e->gfp != r->gfp) {
		zf_gfp_format(want, sizeof(want), e->gfp);
		zf_gfp_format(got, sizeof(got), r->gfp);
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "gfp: expected %s, got %s", want, got);
		bad++;
	}
	if ((e->keys & ZF_SC_EXP_TASK) && e->task != r->task) {
		zf_sc_msg(x, ZF_SC_MSG_MISMATCH, r->path, "task: expected %s, got %s",
			  zf_sc_tname(sc, e->task), zf_sc_tname(sc, r->task));
		bad++;
	}
	return bad;
}

/* ------------------------------------------------------------------ */
/* operations                                                          */
/* ------------------------------------------------------------------ */
static void zf_sc_exec_range(struct zf_sc_exec *x, struct zf_sc_range r, const char *prefix,
			     bool top, unsigned int depth);

static int zf_sc_tid(struct zf_sc_exec *x, int t)
{
	return t >= 0 && (unsigned int)t < x->sc->nr_tasks ? x->task_id[t] : ZF_NO_TASK;
}

static void zf_sc_do_alloc(struct zf_sc_exec *x, uint32_t op_ref, const char *path)
{
	const struct zf_sc_alloc *a = &x->sc->ops[op_ref].u.alloc;
	struct zf_alloc_request req = {
	    .task = zf_sc_tid(x, a->task),
	    .gfp = a->gfp,
	    .order = a->order,
	    .preferred_nid = a->nid,
	    .nodemask = a->nodemask,
	};
	struct zf_sc_record rec;

	if (x->nr_active >= ZF_SC_MAX_ACTIVE) {
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "alloc: scripted allocations nested too deep");
		return;
	}
	memset(&rec, 0, sizeof(rec));
	rec.res.status = ZF_ALLOC_FAIL;
	rec.res.pfn = ZF_NO_PAGE;
	rec.res.zone_id = -1;
	rec.res.oom_killed = ZF_NO_TASK;

	struct zf_sc_active *act = &x->active[x->nr_active++];
	memset(act, 0, sizeof(*act));
	act->op_ref = op_ref;
	act->depth = zf_alloc_depth(x->m);
	zf_sc_fmt(act->path, sizeof(act->path), "%s", path);
	zf_alloc_pages(x->m, &req, &rec.res);
	x->nr_active--;

	rec.op = x->op;
	rec.op_ref = op_ref;
	zf_sc_fmt(rec.path, sizeof(rec.path), "%s", path);
	rec.task = a->task;
	rec.gfp = a->gfp;
	rec.order = a->order;
	rec.jiffies = zf_jiffies(x->m);
	rec.oom_killed_task = rec.res.oom_killed >= 0 && rec.res.oom_killed < ZF_MAX_TASKS
				  ? x->task_idx[rec.res.oom_killed]
				  : -1;
	x->res->nr_allocs++;
	if (rec.res.status == ZF_ALLOC_OK)
		x->res->nr_alloc_ok++;
	else if (rec.res.status == ZF_ALLOC_ABORTED)
		x->res->nr_alloc_aborted++;
	else
		x->res->nr_alloc_fail++;

	if (a->handle[0] && rec.res.status == ZF_ALLOC_OK && rec.res.pfn != ZF_NO_PAGE) {
		/* Rebinding a live name leaves the earlier allocation allocated (a leak by
		 * design: it lets "repeat" fill memory under one name). */
		struct zf_sc_handle *h = zf_sc_handle_slot(x, a->handle, true);
		if (!h) {
			zf_sc_msg(x, ZF_SC_MSG_ERROR, path,
				  "alloc: out of memory for handle \"%s\"", a->handle);
		} else {
			h->pfn = rec.res.pfn;
			h->order = a->order;
			h->task = a->task;
			h->live = true;
		}
	}
	if (a->has_expect) {
		rec.has_expect = true;
		rec.nr_mismatches = zf_sc_check_expect(x, &a->expect, &rec);
	}
	if (x->obs && x->obs->on_record && !a->quiet)
		x->obs->on_record(x->obs->priv, x->m, &rec);
}

static void zf_sc_do_free(struct zf_sc_exec *x, const struct zf_sc_op *op, const char *path)
{
	struct zf_sc_handle *h = zf_sc_handle_slot(x, op->u.free.handle, false);

	if (!h || !h->live) {
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "free: %s handle \"%s\"",
			  h ? "already freed" : "unknown", op->u.free.handle);
		return;
	}
	int task = op->u.free.task >= 0 ? op->u.free.task : h->task;
	h->live = false;
	if (zf_free_pages(x->m, zf_sc_tid(x, task), h->pfn, h->order) < 0)
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path,
			  "free: the model refused pfn %" PRIu64 " order %u of handle \"%s\"",
			  h->pfn, h->order, op->u.free.handle);
}

static void zf_sc_do_set_task(struct zf_sc_exec *x, const struct zf_sc_op *op, const char *path)
{
	int t = zf_sc_tid(x, op->u.set_task.task);

	if ((op->u.set_task.set || op->u.set_task.clear) &&
	    zf_task_set_flags(x->m, t, op->u.set_task.set, op->u.set_task.clear) < 0)
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "set_task: flags rejected");
	if (op->u.set_task.has_mems && zf_task_set_mems(x->m, t, op->u.set_task.mems) < 0)
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "set_task: mems rejected");
	if (op->u.set_task.has_mempolicy &&
	    zf_task_set_mempolicy(x->m, t, op->u.set_task.mempolicy) < 0)
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "set_task: mempolicy rejected");
	if (op->u.set_task.has_oom_score_adj &&
	    zf_task_set_oom_score_adj(x->m, t, op->u.set_task.oom_score_adj) < 0)
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "set_task: oom_score_adj rejected");
}

static void zf_sc_exec_op(struct zf_sc_exec *x, uint32_t op_ref, const char *path,
			  unsigned int depth)
{
	const struct zf_sc_op *op = &x->sc->ops[op_ref];
	struct zf_machine *m = x->m;
	int zid;

	switch (op->type) {
	case ZF_SC_OP_ALLOC:
		zf_sc_do_alloc(x, op_ref, path);
		break;
	case ZF_SC_OP_FREE:
		zf_sc_do_free(x, op, path);
		break;
	case ZF_SC_OP_LRU_FILL:
		zf_lru_fill(m, zf_sc_tid(x, op->u.lru.task), op->u.lru.kind, op->u.lru.pages,
			    op->u.lru.gfp ? op->u.lru.gfp : ZF_GFP_HIGHUSER_MOVABLE);
		break;
	case ZF_SC_OP_LRU_DIRTY:
		zf_lru_dirty(m, zf_sc_tid(x, op->u.lru.task), op->u.lru.pages);
		break;
	case ZF_SC_OP_LRU_ACTIVATE:
		zf_lru_activate(m, zf_sc_tid(x, op->u.lru.task), op->u.lru.kind, op->u.lru.pages);
		break;
	case ZF_SC_OP_LRU_RELEASE:
		zf_lru_release(m, zf_sc_tid(x, op->u.lru.task), op->u.lru.kind, op->u.lru.pages);
		break;
	case ZF_SC_OP_SET_TASK:
		zf_sc_do_set_task(x, op, path);
		break;
	case ZF_SC_OP_KILL:
		if (zf_task_kill(m, zf_sc_tid(x, op->u.task.task)) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path, "kill: task \"%s\" not killable (gone?)",
				  zf_sc_tname(x->sc, op->u.task.task));
		break;
	case ZF_SC_OP_EXIT:
		if (zf_task_exit(m, zf_sc_tid(x, op->u.task.task)) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path, "exit: task \"%s\" already gone",
				  zf_sc_tname(x->sc, op->u.task.task));
		break;
	case ZF_SC_OP_ISOLATE:
		if (zf_isolate_range(m, op->u.range.start_pfn, op->u.range.pages) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path, "isolate: range busy or invalid");
		break;
	case ZF_SC_OP_UNISOLATE:
		if (zf_unisolate_range(m, op->u.range.start_pfn, op->u.range.pages) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path,
				  "unisolate: range not isolated or invalid");
		break;
	case ZF_SC_OP_OFFLINE_ZONE:
		zid = op->u.zone.node * ZF_MAX_NR_ZONES + op->u.zone.zone;
		if (zf_offline_zone(m, zid) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path, "offline_zone: refused");
		break;
	case ZF_SC_OP_ONLINE_ZONE:
		zid = op->u.zone.node * ZF_MAX_NR_ZONES + op->u.zone.zone;
		if (op->u.zone.has_racing_free
			? zf_online_zone_racing_free(m, zid, zf_sc_tid(x, op->u.zone.racing_task)) <
			      0
			: zf_online_zone(m, zid) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path, "online_zone: refused");
		break;
	case ZF_SC_OP_POISON:
		if (zf_poison_page(m, op->u.poison.pfn) < 0)
			zf_sc_msg(x, ZF_SC_MSG_NOTE, path,
				  "poison: pfn %" PRIu64 " is not a free buddy page",
				  op->u.poison.pfn);
		break;
	case ZF_SC_OP_KSWAPD:
		zf_run_kswapd(m, op->u.node.node);
		break;
	case ZF_SC_OP_KCOMPACTD:
		zf_run_kcompactd(m, op->u.node.node);
		break;
	case ZF_SC_OP_COMPACT:
		zf_compact_node(m, op->u.node.node);
		break;
	case ZF_SC_OP_DRAIN:
		zf_drain_all_pages(m);
		break;
	case ZF_SC_OP_ADVANCE:
		zf_advance_time(m, op->u.advance.ticks);
		break;
	case ZF_SC_OP_REPEAT:
		/* Handled by zf_sc_exec_range (the body's ops are top-level ops). */
		break;
	case ZF_SC_NR_OP_TYPES:
		zf_sc_msg(x, ZF_SC_MSG_ERROR, path, "unknown operation");
		break;
	}
	(void)depth;
}

/*
 * Run one program range. top: the ops are top-level operations of the run
 * (observer begin_op/end_op around each); yield actions are not, they are
 * part of the allocation that yielded.
 */
static void zf_sc_exec_range(struct zf_sc_exec *x, struct zf_sc_range r, const char *prefix,
			     bool top, unsigned int depth)
{
	const struct zf_scenario *sc = x->sc;

	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return;
	for (uint32_t i = 0; i < r.count && !x->stop; i++) {
		uint32_t ref = r.first + i;
		const struct zf_sc_op *op = &sc->ops[ref];
		char path[ZF_SC_PATH_LEN];

		zf_sc_fmt(path, sizeof(path), "%s[%u]", prefix, i);
		if (op->type == ZF_SC_OP_REPEAT) {
			char body[ZF_SC_PATH_LEN];
			zf_sc_fmt(body, sizeof(body), "%s.ops", path);
			for (uint64_t t = 0; t < op->u.repeat.times && !x->stop; t++)
				zf_sc_exec_range(x, op->u.repeat.ops, body, top, depth + 1);
			continue;
		}
		if (++x->nr_exec > x->max_exec) {
			x->res->exec_limit = true;
			x->stop = true;
			zf_sc_msg(x, ZF_SC_MSG_ERROR, path,
				  "stopped: more than %" PRIu64 " operations executed",
				  x->max_exec);
			break;
		}
		if (top && x->obs && x->obs->begin_op)
			x->obs->begin_op(x->obs->priv, x->m, x->op);
		zf_sc_exec_op(x, ref, path, depth);
		if (top) {
			if (x->obs && x->obs->end_op && x->obs->end_op(x->obs->priv, x->m, x->op)) {
				x->res->stopped = true;
				x->stop = true;
			}
			x->op++;
			x->res->ops_executed++;
		}
	}
}

/* ------------------------------------------------------------------ */
/* hooks                                                               */
/* ------------------------------------------------------------------ */
static void zf_sc_hook_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct zf_sc_exec *x = priv;

	x->obs->on_event(x->obs->priv, m, ev);
}

/*
 * should_fail_alloc_page() hook (CONFIG_FAIL_PAGE_ALLOC): the kernel's
 * filters of 4.12 mm/page_alloc.c should_fail_alloc_page() (min_order,
 * ignore_gfp_highmem, ignore_gfp_reclaim; __GFP_NOFAIL is the model's own
 * test), then lib/fault-inject.c should_fail() without its task filter,
 * space and stack-trace filters: no failure left, the interval, the
 * probability (the scenario seed's PRNG standing in for prandom_u32()), and a
 * failure taken off "times".
 */
static bool zf_sc_hook_fail(void *priv, zf_gfp_t gfp, unsigned int order)
{
	struct zf_sc_exec *x = priv;
	const struct zf_sc_fail_page_alloc *f = &x->sc->fail_page_alloc;

	if (order < f->min_order)
		return false;
	if (f->ignore_gfp_highmem && (gfp & ZF_GFP_HIGHMEM))
		return false;
	if (f->ignore_gfp_reclaim && (gfp & ZF_GFP_DIRECT_RECLAIM))
		return false;
	if (x->fail_times == 0)
		return false;
	if (f->interval > 1 && ++x->fail_count % f->interval)
		return false;
	uint64_t z = (x->fail_random += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	if (f->probability <= (uint32_t)z % 100)
		return false;
	if (x->fail_times > 0)
		x->fail_times--;
	return true;
}

/* on_yield: run the actions the innermost scenario allocation scripted for
 * the nth time it reaches this point. Yields of allocations made by other
 * means (lru_fill, a nested allocation of a yield action) do not count. */
static void zf_sc_hook_yield(void *priv, struct zf_machine *m, enum zf_yield_point yp, int task)
{
	struct zf_sc_exec *x = priv;
	(void)task;

	if (!x->nr_active || (unsigned int)yp >= ZF_NR_YIELD_POINTS || x->stop)
		return;
	unsigned int ai = x->nr_active - 1;
	if (zf_alloc_depth(m) != x->active[ai].depth + 1)
		return;
	uint32_t n = ++x->active[ai].seen[yp];
	const struct zf_sc_alloc *a = &x->sc->ops[x->active[ai].op_ref].u.alloc;
	for (uint32_t k = 0; k < a->at_yield.count; k++) {
		const struct zf_sc_yield *y = &x->sc->yields[a->at_yield.first + k];
		char prefix[ZF_SC_PATH_LEN];

		if (y->point != yp || y->nth != n)
			continue;
		zf_sc_fmt(prefix, sizeof(prefix), "%s.at_yield[%u].ops", x->active[ai].path, k);
		zf_sc_exec_range(x, y->ops, prefix, false, 1);
	}
}

/* ------------------------------------------------------------------ */
/* run                                                                 */
/* ------------------------------------------------------------------ */
void zf_scenario_options_default(struct zf_scenario_options *opt)
{
	memset(opt, 0, sizeof(*opt));
	opt->profile = -1;
}

void zf_scenario_effective_config(const struct zf_scenario *sc,
				  const struct zf_scenario_options *opt, struct zf_config *cfg)
{
	*cfg = sc->cfg;
	if (!opt)
		return;
	if (opt->profile >= 0 && opt->profile < ZF_NR_PROFILES)
		cfg->profile = (enum zf_profile_id)opt->profile;
	cfg->bugs |= opt->extra_bugs;
	if (opt->override_seed)
		cfg->seed = opt->seed;
}

int zf_scenario_run(const struct zf_scenario *sc, const struct zf_scenario_options *opt,
		    const struct zf_scenario_observer *obs, struct zf_scenario_result *res)
{
	struct zf_scenario_result dummy;
	struct zf_scenario_options defopt;
	struct zf_sc_exec *x;
	struct zf_config cfg;
	char err[256];

	if (!res)
		res = &dummy;
	memset(res, 0, sizeof(*res));
	if (!opt) {
		zf_scenario_options_default(&defopt);
		opt = &defopt;
	}
	if (zf_scenario_validate(sc, err, sizeof(err))) {
		zf_sc_fmt(res->error, sizeof(res->error), "invalid scenario: %s", err);
		return -1;
	}
	x = calloc(1, sizeof(*x));
	if (!x) {
		snprintf(res->error, sizeof(res->error), "out of memory");
		return -1;
	}
	x->sc = sc;
	x->obs = obs;
	x->res = res;
	x->max_exec = opt->max_exec ? opt->max_exec : ZF_SC_DEFAULT_MAX_EXEC;
	for (int i = 0; i < ZF_MAX_TASKS; i++)
		x->task_id[i] = x->task_idx[i] = -1;

	zf_scenario_effective_config(sc, opt, &cfg);
	err[0] = '\0';
	x->m = zf_machine_create(&cfg, err, sizeof(err));
	if (!x->m) {
		zf_sc_fmt(res->error, sizeof(res->error), "cannot build the machine: %s",
			  err[0] ? err : "zf_machine_create failed");
		free(x);
		return -1;
	}
	for (unsigned int t = 0; t < sc->nr_tasks; t++) {
		const struct zf_sc_task *st = &sc->tasks[t];
		struct zf_task_config tc = {
		    .name = st->name,
		    .cpu = st->cpu,
		    .flags = st->flags,
		    .oom_score_adj = st->oom_score_adj,
		    .mems_allowed = st->mems,
		    .mempolicy_nodes = st->mempolicy,
		};
		int id = zf_task_create(x->m, &tc);
		if (id < 0 || id >= ZF_MAX_TASKS) {
			snprintf(res->error, sizeof(res->error),
				 "tasks[%u]: the model refused task \"%s\"", t, st->name);
			zf_machine_destroy(x->m);
			free(x);
			return -1;
		}
		x->task_id[t] = id;
		x->task_idx[id] = (int)t;
	}

	struct zf_hooks hooks = {
	    .priv = x,
	    .on_event = obs && obs->on_event ? zf_sc_hook_event : NULL,
	    .on_yield = zf_sc_hook_yield,
	    .should_fail_alloc_page = sc->fail_page_alloc.enabled ? zf_sc_hook_fail : NULL,
	};
	x->fail_times = sc->fail_page_alloc.times;
	x->fail_random = sc->cfg.seed ^ 0x6661696c5f706167ull; /* "fail_pag" */
	zf_machine_set_hooks(x->m, &hooks);
	if (obs && obs->start)
		obs->start(obs->priv, x->m);

	zf_sc_exec_range(x, sc->program, "ops", true, 0);

	if (obs && obs->finish)
		obs->finish(obs->priv, x->m);
	zf_machine_destroy(x->m);
	free(x->handles);
	free(x);
	return 0;
}
