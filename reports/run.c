/* SPDX-License-Identifier: MIT */
/*
 * reports/run.c - replay a scenario with every oracle on, exactly as the
 * fuzz harness runs an input (targets/harness.c): oracles reset at start,
 * fed every event, walked every walk_interval operations, the run stopped
 * at the end of the operation that produced the first finding, and a final
 * walk only when nothing was found. The first finding is the one the
 * harness aborts on, so it is the one triage reproduces.
 *
 * With a capture, the same run also records what the report shows: each
 * zone's free pages and watermarks after every operation and at the events
 * that move them, marks for reclaim / compaction / OOM / the violation, the
 * operation trace, the last events and the full state at the violation.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define ZF_TR_MAX_SAMPLES    4000 /* event samples stop here; op-end samples go on */
#define ZF_TR_MAX_OP_SAMPLES 8000
#define ZF_TR_MAX_MARKS      400
#define ZF_TR_MAX_TRACE_OPS  2000
#define ZF_TR_MAX_MESSAGES   200
#define ZF_TR_MAX_UNROLLED   4096

static const char *const zf_tr_mark_names[ZF_TR_NR_MARKS] = {"reclaim", "kswapd", "compaction",
							     "oom", "violation"};

const char *zf_tr_mark_name(enum zf_tr_mark_kind k)
{
	return (unsigned int)k < ZF_TR_NR_MARKS ? zf_tr_mark_names[k] : "?";
}

/* ------------------------------------------------------------------ */
/* describing operations                                                */
/* ------------------------------------------------------------------ */
static const char *task_name(const struct zf_scenario *sc, int t)
{
	if (t < 0)
		return "(allocating task)";
	if ((unsigned int)t < sc->nr_tasks)
		return sc->tasks[t].name;
	return "?";
}

static void nodes_fmt(char *buf, size_t len, uint32_t mask)
{
	size_t o = 0;
	buf[0] = '\0';
	for (int n = 0; n < 32 && o + 4 < len; n++)
		if (mask >> n & 1)
			o += (size_t)snprintf(buf + o, len - o, "%s%d", o ? "," : "", n);
	if (!mask)
		snprintf(buf, len, "none");
}

void zf_tr_describe_op(const struct zf_scenario *sc, uint32_t ref, char *buf, size_t len)
{
	const struct zf_sc_op *op = &sc->ops[ref];
	char g[160], nodes[64];

	switch (op->type) {
	case ZF_SC_OP_ALLOC: {
		const struct zf_sc_alloc *a = &op->u.alloc;
		zf_gfp_format(g, sizeof(g), a->gfp);
		int n = snprintf(buf, len, "alloc task=%s gfp=%s order=%u", task_name(sc, a->task),
				 g, a->order);
		if (n > 0 && (size_t)n < len && a->handle[0])
			n += snprintf(buf + n, len - (size_t)n, " handle=%s", a->handle);
		if (n > 0 && (size_t)n < len && a->nid >= 0)
			n += snprintf(buf + n, len - (size_t)n, " nid=%d", a->nid);
		if (n > 0 && (size_t)n < len && a->at_yield.count)
			snprintf(buf + n, len - (size_t)n, " at_yield=%u", a->at_yield.count);
		break;
	}
	case ZF_SC_OP_FREE:
		snprintf(buf, len, "free handle=%s", op->u.free.handle);
		break;
	case ZF_SC_OP_LRU_FILL:
	case ZF_SC_OP_LRU_DIRTY:
	case ZF_SC_OP_LRU_ACTIVATE:
	case ZF_SC_OP_LRU_RELEASE:
		snprintf(buf, len, "%s task=%s kind=%s pages=%" PRIu64, zf_sc_op_name(op->type),
			 task_name(sc, op->u.lru.task),
			 op->u.lru.kind == ZF_LRU_ANON ? "anon" : "file", op->u.lru.pages);
		break;
	case ZF_SC_OP_SET_TASK: {
		const __typeof__(op->u.set_task) *st = &op->u.set_task;
		int n = snprintf(buf, len, "set_task task=%s", task_name(sc, st->task));
		for (uint32_t bit = 1; bit && n > 0 && (size_t)n < len; bit <<= 1) {
			const char *nm = zf_sc_task_flag_name(bit);
			if (st->set & bit)
				n += snprintf(buf + n, len - (size_t)n, " +%s", nm ? nm : "?");
			if ((st->clear & bit) && n > 0 && (size_t)n < len)
				n += snprintf(buf + n, len - (size_t)n, " -%s", nm ? nm : "?");
		}
		if (st->has_mems && n > 0 && (size_t)n < len) {
			nodes_fmt(nodes, sizeof(nodes), st->mems);
			n += snprintf(buf + n, len - (size_t)n, " mems=%s", nodes);
		}
		if (st->has_mempolicy && n > 0 && (size_t)n < len) {
			nodes_fmt(nodes, sizeof(nodes), st->mempolicy);
			n += snprintf(buf + n, len - (size_t)n, " mempolicy=%s", nodes);
		}
		if (st->has_oom_score_adj && n > 0 && (size_t)n < len)
			snprintf(buf + n, len - (size_t)n, " oom_score_adj=%d", st->oom_score_adj);
		break;
	}
	case ZF_SC_OP_KILL:
	case ZF_SC_OP_EXIT:
		snprintf(buf, len, "%s task=%s", zf_sc_op_name(op->type),
			 task_name(sc, op->u.task.task));
		break;
	case ZF_SC_OP_ISOLATE:
	case ZF_SC_OP_UNISOLATE:
		snprintf(buf, len, "%s start_pfn=%" PRIu64 " pages=%" PRIu64,
			 zf_sc_op_name(op->type), op->u.range.start_pfn, op->u.range.pages);
		break;
	case ZF_SC_OP_OFFLINE_ZONE:
	case ZF_SC_OP_ONLINE_ZONE:
		snprintf(buf, len, "%s node=%d zone=%s", zf_sc_op_name(op->type), op->u.zone.node,
			 zf_sc_zone_type_name(op->u.zone.zone));
		break;
	case ZF_SC_OP_POISON:
		snprintf(buf, len, "poison pfn=%" PRIu64, op->u.poison.pfn);
		break;
	case ZF_SC_OP_KSWAPD:
	case ZF_SC_OP_KCOMPACTD:
	case ZF_SC_OP_COMPACT:
		if (op->u.node.node < 0)
			snprintf(buf, len, "%s (every node)", zf_sc_op_name(op->type));
		else
			snprintf(buf, len, "%s node=%d", zf_sc_op_name(op->type), op->u.node.node);
		break;
	case ZF_SC_OP_DRAIN:
		snprintf(buf, len, "drain");
		break;
	case ZF_SC_OP_ADVANCE:
		snprintf(buf, len, "advance ticks=%" PRIu64, op->u.advance.ticks);
		break;
	case ZF_SC_OP_REPEAT:
		snprintf(buf, len, "repeat times=%" PRIu64 " ops=%u", op->u.repeat.times,
			 op->u.repeat.ops.count);
		break;
	default:
		snprintf(buf, len, "?");
		break;
	}
}

/* ------------------------------------------------------------------ */
/* the unrolled program: which operation runs as top-level op number N  */
/* ------------------------------------------------------------------ */
/* Top-level executions of a range (repeats unrolled, as zf_sc_exec_range does); saturates. */
static uint64_t zf_tr_exec_count(const struct zf_scenario *sc, struct zf_sc_range r,
				 unsigned int depth)
{
	uint64_t n = 0;
	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return 0;
	for (uint32_t i = 0; i < r.count; i++) {
		const struct zf_sc_op *op = &sc->ops[r.first + i];
		uint64_t add = 1;
		if (op->type == ZF_SC_OP_REPEAT) {
			uint64_t body = zf_tr_exec_count(sc, op->u.repeat.ops, depth + 1);
			add = body && op->u.repeat.times > UINT64_MAX / 4 / body
				  ? UINT64_MAX / 4
				  : body * op->u.repeat.times;
		}
		n = n > UINT64_MAX / 4 - add ? UINT64_MAX / 4 : n + add;
	}
	return n;
}

uint32_t zf_tr_program_index_of_exec(const struct zf_scenario *sc, uint64_t exec)
{
	uint64_t at = 0;
	for (uint32_t i = 0; i < sc->program.count; i++) {
		struct zf_sc_range one = {sc->program.first + i, 1};
		uint64_t n = zf_tr_exec_count(sc, one, 0);
		if (exec < at + n)
			return i;
		at += n;
	}
	return sc->program.count;
}

static void zf_tr_unroll(struct zf_tr_capture *cap, const struct zf_scenario *sc,
			 struct zf_sc_range r, const char *prefix, unsigned int depth)
{
	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return;
	for (uint32_t i = 0; i < r.count && cap->nr_unrolled < ZF_TR_MAX_UNROLLED; i++) {
		const struct zf_sc_op *op = &sc->ops[r.first + i];
		char path[ZF_SC_PATH_LEN + 16];
		snprintf(path, sizeof(path), "%s[%u]", prefix, i);
		if (op->type == ZF_SC_OP_REPEAT) {
			char body[ZF_SC_PATH_LEN + 24];
			snprintf(body, sizeof(body), "%s.ops", path);
			for (uint64_t t = 0;
			     t < op->u.repeat.times && cap->nr_unrolled < ZF_TR_MAX_UNROLLED; t++)
				zf_tr_unroll(cap, sc, op->u.repeat.ops, body, depth + 1);
			continue;
		}
		cap->unrolled_ref[cap->nr_unrolled] = r.first + i;
		snprintf(cap->unrolled_path[cap->nr_unrolled], ZF_SC_PATH_LEN, "%.*s",
			 (int)(ZF_SC_PATH_LEN - 1), path);
		cap->nr_unrolled++;
	}
}

/* ------------------------------------------------------------------ */
/* capture                                                              */
/* ------------------------------------------------------------------ */
static bool zf_tr_grow(void **p, size_t *cap, size_t n, size_t elem, size_t first)
{
	if (n < *cap)
		return true;
	size_t nc = *cap ? *cap * 2 : first;
	void *np = realloc(*p, nc * elem);
	if (!np)
		return false;
	*p = np;
	*cap = nc;
	return true;
}

static void zf_tr_take_sample(struct zf_tr_capture *cap, const struct zf_machine *m, bool op_end)
{
	if (op_end ? cap->op_end_sample_count >= ZF_TR_MAX_OP_SAMPLES
		   : cap->nr_samples >= ZF_TR_MAX_SAMPLES)
		return;
	if (!zf_tr_grow((void **)&cap->samples, &cap->cap_samples, cap->nr_samples,
			sizeof(*cap->samples), 256))
		return;
	struct zf_tr_sample *s = &cap->samples[cap->nr_samples++];
	memset(s, 0, sizeof(*s));
	s->op = cap->cur_op;
	for (unsigned int z = 0; z < cap->nr_zones; z++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, cap->zone_ids[z], &zi))
			continue;
		s->free[z] = zi.nr_free_pages;
		memcpy(s->wmark[z], zi.wmark, sizeof(s->wmark[z]));
	}
	if (op_end)
		cap->op_end_sample_count++;
}

static void zf_tr_mark(struct zf_tr_capture *cap, enum zf_tr_mark_kind k, const char *label)
{
	if (cap->nr_marks >= ZF_TR_MAX_MARKS || !cap->nr_samples)
		return;
	if (!zf_tr_grow((void **)&cap->marks, &cap->cap_marks, cap->nr_marks, sizeof(*cap->marks),
			32))
		return;
	struct zf_tr_mark *mk = &cap->marks[cap->nr_marks++];
	mk->sample = cap->nr_samples - 1;
	mk->kind = k;
	snprintf(mk->label, sizeof(mk->label), "%s", label);
}

/* The state at the violation, in /proc/buddyinfo + zoneinfo + vmstat terms. */
static void zf_tr_snapshot(struct zf_tr_capture *cap, const struct zf_machine *m)
{
	cap->have_state = true;
	for (unsigned int z = 0; z < cap->nr_zones; z++) {
		struct zf_zone_info *zi = &cap->zones[z];
		if (zf_inspect_zone(m, cap->zone_ids[z], zi))
			memset(zi, 0, sizeof(*zi));
		for (unsigned int o = 0; o < cap->cfg.max_order && o < ZF_MAX_ORDER_MAX; o++)
			for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++)
				cap->by_mt[z][o][mt] =
				    zf_inspect_list_len(m, cap->zone_ids[z], o, mt);
	}
	for (int i = 0; i < ZF_NR_VMSTAT; i++)
		cap->vmstat[i] = zf_inspect_vmstat(m, (enum zf_vmstat_item)i);
	cap->nr_tasks = zf_inspect_nr_tasks(m);
	if (cap->nr_tasks > ZF_MAX_TASKS)
		cap->nr_tasks = ZF_MAX_TASKS;
	for (unsigned int t = 0; t < cap->nr_tasks; t++) {
		if (zf_inspect_task(m, (int)t, &cap->tasks[t]))
			memset(&cap->tasks[t], 0, sizeof(cap->tasks[t]));
		snprintf(cap->task_names[t], sizeof(cap->task_names[t]), "%s",
			 cap->tasks[t].name ? cap->tasks[t].name : "?");
		cap->tasks[t].name = NULL; /* the machine (and its strings) go away */
	}
}

static void zf_tr_capture_start(struct zf_tr_capture *cap, const struct zf_machine *m)
{
	struct zf_geometry g;
	zf_inspect_geometry(m, &g);
	cap->nr_zones = 0;
	for (int id = 0; id < (int)g.nr_nodes * ZF_MAX_NR_ZONES && id < ZF_TR_MAX_ZONES; id++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, id, &zi) || !zi.populated)
			continue;
		cap->zone_ids[cap->nr_zones] = id;
		zf_sc_zone_id_format(cap->zone_names[cap->nr_zones],
				     sizeof(cap->zone_names[cap->nr_zones]), id);
		cap->nr_zones++;
	}
	cap->cur_op = 0;
	zf_tr_take_sample(cap, m, true);
}

static void zf_tr_capture_event(struct zf_tr_capture *cap, const struct zf_machine *m,
				const struct zf_event *ev)
{
	char label[96];

	cap->tail[cap->nr_events % ZF_TR_EVENT_TAIL] = *ev;
	cap->nr_events++;
	/* after the violation the operation only runs to its end: no more detail */
	if (cap->violation_marked)
		return;
	switch (ev->type) {
	case ZF_EV_ALLOC_END:
	case ZF_EV_PAGE_FREE:
	case ZF_EV_PCPU_DRAIN:
		zf_tr_take_sample(cap, m, false);
		break;
	case ZF_EV_DIRECT_RECLAIM_END:
		zf_tr_take_sample(cap, m, false);
		snprintf(label, sizeof(label), "direct reclaim: %" PRId64 " pages", ev->a);
		zf_tr_mark(cap, ZF_TR_MARK_RECLAIM, label);
		break;
	case ZF_EV_KSWAPD_BALANCE:
		zf_tr_take_sample(cap, m, false);
		snprintf(label, sizeof(label), "kswapd balance_pgdat: %" PRId64 " reclaimed",
			 ev->a);
		zf_tr_mark(cap, ZF_TR_MARK_KSWAPD, label);
		break;
	case ZF_EV_COMPACT_END:
		zf_tr_take_sample(cap, m, false);
		snprintf(label, sizeof(label), "compaction end: %s",
			 zf_compact_result_name((enum zf_compact_result)ev->a));
		zf_tr_mark(cap, ZF_TR_MARK_COMPACTION, label);
		break;
	case ZF_EV_OOM_KILL:
		zf_tr_take_sample(cap, m, false);
		snprintf(label, sizeof(label), "OOM kill: task %" PRId64, ev->a);
		zf_tr_mark(cap, ZF_TR_MARK_OOM, label);
		break;
	default:
		break;
	}
}

void zf_tr_capture_free(struct zf_tr_capture *cap)
{
	free(cap->samples);
	free(cap->marks);
	free(cap->ops);
	free(cap->messages);
	free(cap->unrolled_ref);
	free(cap->unrolled_path);
	memset(cap, 0, sizeof(*cap));
}

/* ------------------------------------------------------------------ */
/* the observer                                                         */
/* ------------------------------------------------------------------ */
struct zf_tr_ctx {
	struct zf_oracle_set *oracles;
	struct zf_tr_capture *cap;
	const struct zf_scenario *sc;
	bool stopped_on_finding;
};

static void zf_tr_violation(struct zf_tr_ctx *c, const struct zf_machine *m)
{
	struct zf_tr_capture *cap = c->cap;
	const struct zf_finding *f;
	char label[96];

	if (!cap || cap->violation_marked)
		return;
	f = zf_oracles_finding(c->oracles, 0);
	if (!f)
		return;
	cap->violation_marked = true;
	cap->violation_seq = f->event_seq;
	zf_tr_snapshot(cap, m);
	zf_tr_take_sample(cap, m, false);
	snprintf(label, sizeof(label), "%s in %s", f->oracle_id, f->func ? f->func : "?");
	zf_tr_mark(cap, ZF_TR_MARK_VIOLATION, label);
}

static void zf_tr_obs_start(void *priv, struct zf_machine *m)
{
	struct zf_tr_ctx *c = priv;
	zf_oracles_reset(c->oracles, m);
	if (c->cap)
		zf_tr_capture_start(c->cap, m);
}

static void zf_tr_obs_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct zf_tr_ctx *c = priv;
	size_t before = zf_oracles_nr_findings(c->oracles);

	zf_oracles_on_event(c->oracles, m, ev);
	if (!c->cap)
		return;
	zf_tr_capture_event(c->cap, m, ev);
	if (!before && zf_oracles_nr_findings(c->oracles))
		zf_tr_violation(c, m);
}

static void zf_tr_obs_begin(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct zf_tr_ctx *c = priv;
	struct zf_tr_capture *cap = c->cap;

	zf_oracles_begin_op(c->oracles, m, idx);
	if (!cap)
		return;
	cap->cur_op = idx;
	if (cap->nr_ops >= ZF_TR_MAX_TRACE_OPS) {
		cap->ops_truncated++;
		return;
	}
	if (!zf_tr_grow((void **)&cap->ops, &cap->cap_ops, cap->nr_ops, sizeof(*cap->ops), 64))
		return;
	struct zf_tr_trace_op *t = &cap->ops[cap->nr_ops++];
	memset(t, 0, sizeof(*t));
	t->exec = idx;
	if (idx < cap->nr_unrolled) {
		char d[160];
		zf_tr_describe_op(c->sc, cap->unrolled_ref[idx], d, sizeof(d));
		snprintf(t->text, sizeof(t->text), "%s: %s", cap->unrolled_path[idx], d);
	} else {
		snprintf(t->text, sizeof(t->text), "operation %" PRIu64, idx);
	}
}

static bool zf_tr_obs_end(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct zf_tr_ctx *c = priv;
	size_t before = zf_oracles_nr_findings(c->oracles);

	zf_oracles_end_op(c->oracles, m, idx);
	if (c->cap) {
		if (!before && zf_oracles_nr_findings(c->oracles))
			zf_tr_violation(c, m);
		zf_tr_take_sample(c->cap, m, true);
	}
	/* the harness stops at the end of the operation that found something */
	if (zf_oracles_nr_findings(c->oracles)) {
		c->stopped_on_finding = true;
		return true;
	}
	return false;
}

static void zf_tr_obs_record(void *priv, const struct zf_machine *m, const struct zf_sc_record *r)
{
	struct zf_tr_ctx *c = priv;
	struct zf_tr_capture *cap = c->cap;
	(void)m;

	if (!cap || !cap->nr_ops)
		return;
	struct zf_tr_trace_op *t = &cap->ops[cap->nr_ops - 1];
	if (t->exec != r->op)
		return;
	size_t o = strlen(t->result);
	if (o + 2 >= sizeof(t->result))
		return;
	if (o)
		t->result[o++] = ';', t->result[o++] = ' ', t->result[o] = '\0';
	if (r->res.status == ZF_ALLOC_OK) {
		char z[48];
		zf_sc_zone_id_format(z, sizeof(z), r->res.zone_id);
		snprintf(t->result + o, sizeof(t->result) - o, "%s: page pfn=%" PRIu64 " (%s)%s",
			 r->path, r->res.pfn, z, r->res.slowpath ? " slowpath" : "");
	} else {
		snprintf(t->result + o, sizeof(t->result) - o,
			 "%s: %s (retries %u, reclaim %u, compact %u, oom %u)", r->path,
			 zf_sc_result_name(r->res.status), r->res.retries,
			 r->res.direct_reclaim_calls, r->res.direct_compact_calls,
			 r->res.oom_invoked);
	}
}

static void zf_tr_obs_message(void *priv, enum zf_sc_msg_kind kind, uint64_t op, const char *path,
			      const char *text)
{
	struct zf_tr_ctx *c = priv;
	struct zf_tr_capture *cap = c->cap;
	static const char *const kinds[] = {"error", "mismatch", "note"};

	if (!cap || cap->nr_messages >= ZF_TR_MAX_MESSAGES)
		return;
	if (!zf_tr_grow((void **)&cap->messages, &cap->cap_messages, cap->nr_messages,
			sizeof(*cap->messages), 16))
		return;
	snprintf(cap->messages[cap->nr_messages++], sizeof(*cap->messages),
		 "op %" PRIu64 " %s: %s: %s", op, path ? path : "?",
		 (unsigned int)kind < 3 ? kinds[kind] : "?", text ? text : "");
}

static void zf_tr_obs_finish(void *priv, struct zf_machine *m)
{
	struct zf_tr_ctx *c = priv;
	if (!zf_oracles_nr_findings(c->oracles)) {
		zf_oracles_finish(c->oracles, m);
		if (zf_oracles_nr_findings(c->oracles))
			zf_tr_violation(c, m);
	}
}

int zf_tr_run(const struct zf_scenario *sc, const struct zf_tr_runopt *ro,
	      struct zf_tr_capture *cap, struct zf_tr_outcome *out)
{
	struct zf_scenario tmp = *sc; /* shallow: only cfg.bugs may differ */
	struct zf_scenario_options opt;
	struct zf_scenario_result res;
	struct zf_oracle_options oo = {.enabled = 0, .walk_interval = ro->walk_interval};
	struct zf_tr_ctx ctx = {.cap = cap, .sc = sc};

	memset(out, 0, sizeof(*out));
	if (ro->set_bugs)
		tmp.cfg.bugs = ro->bugs;
	zf_scenario_options_default(&opt);
	opt.profile = ro->profile;
	opt.max_exec = ro->max_exec;
	ctx.oracles = zf_oracles_create(&oo);
	if (!ctx.oracles) {
		snprintf(out->error, sizeof(out->error), "out of memory");
		return -1;
	}
	if (cap) {
		memset(cap, 0, sizeof(*cap));
		cap->sc = sc;
		zf_scenario_effective_config(&tmp, &opt, &cap->cfg);
		cap->unrolled_ref = calloc(ZF_TR_MAX_UNROLLED, sizeof(*cap->unrolled_ref));
		cap->unrolled_path = calloc(ZF_TR_MAX_UNROLLED, sizeof(*cap->unrolled_path));
		if (cap->unrolled_ref && cap->unrolled_path)
			zf_tr_unroll(cap, sc, sc->program, "ops", 0);
	}
	struct zf_scenario_observer obs = {
	    .priv = &ctx,
	    .start = zf_tr_obs_start,
	    .on_event = zf_tr_obs_event,
	    .begin_op = zf_tr_obs_begin,
	    .end_op = zf_tr_obs_end,
	    .on_record = cap ? zf_tr_obs_record : NULL,
	    .on_message = cap ? zf_tr_obs_message : NULL,
	    .finish = zf_tr_obs_finish,
	};
	int rc = zf_scenario_run(&tmp, &opt, &obs, &res);
	struct zf_config cfg;
	zf_scenario_effective_config(&tmp, &opt, &cfg);
	out->max_order = cfg.max_order;
	if (rc) {
		snprintf(out->error, sizeof(out->error), "%s", res.error);
		zf_oracles_destroy(ctx.oracles);
		return -1;
	}
	out->ran = true;
	out->ops_executed = res.ops_executed;
	if (zf_oracles_nr_findings(ctx.oracles)) {
		out->found = true;
		out->f = *zf_oracles_finding(ctx.oracles, 0);
		zf_report_signature_of(&out->f, cfg.max_order, &out->sig);
	}
	zf_oracles_destroy(ctx.oracles);
	return 0;
}
