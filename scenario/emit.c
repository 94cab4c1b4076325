/* SPDX-License-Identifier: MIT */
/*
 * emit.c - struct zf_scenario -> JSON, and allocation records -> JSON lines.
 *
 * zf_scenario_to_json() writes every configuration field explicitly, so the
 * output is a complete, canonical description of the run: a scenario built
 * by the fuzz-input decoder becomes a reproducer that the CLI replays.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "zonefuzz/scenario.h"
#include "zonefuzz/scenario_cjson.h"

/* cJSON reports allocation failure through NULL returns; one flag collects them. */
struct zf_sc_emit {
	const struct zf_scenario *sc;
	bool oom;
};

static cJSON *zf_sc_add(struct zf_sc_emit *e, cJSON *obj, const char *key, cJSON *val)
{
	if (!val || !cJSON_AddItemToObject(obj, key, val)) {
		cJSON_Delete(val);
		e->oom = true;
		return NULL;
	}
	return val;
}

static void zf_sc_add_num(struct zf_sc_emit *e, cJSON *obj, const char *key, double v)
{
	zf_sc_add(e, obj, key, cJSON_CreateNumber(v));
}

static void zf_sc_add_str(struct zf_sc_emit *e, cJSON *obj, const char *key, const char *s)
{
	zf_sc_add(e, obj, key, cJSON_CreateString(s));
}

static void zf_sc_push(struct zf_sc_emit *e, cJSON *arr, cJSON *val)
{
	if (!val || !cJSON_AddItemToArray(arr, val)) {
		cJSON_Delete(val);
		e->oom = true;
	}
}

static void zf_sc_add_gfp(struct zf_sc_emit *e, cJSON *obj, const char *key, zf_gfp_t gfp)
{
	char buf[512];

	zf_gfp_format(buf, sizeof(buf), gfp);
	zf_sc_add_str(e, obj, key, buf);
}

static cJSON *zf_sc_nodes_json(struct zf_sc_emit *e, uint32_t mask)
{
	cJSON *arr = cJSON_CreateArray();

	if (!arr) {
		e->oom = true;
		return NULL;
	}
	for (int n = 0; n < 32; n++)
		if (mask & (1u << n))
			zf_sc_push(e, arr, cJSON_CreateNumber(n));
	return arr;
}

static cJSON *zf_sc_flags_json(struct zf_sc_emit *e, uint32_t flags)
{
	cJSON *arr = cJSON_CreateArray();

	if (!arr) {
		e->oom = true;
		return NULL;
	}
	for (int b = 0; b < 32; b++) {
		const char *n = (flags & (1u << b)) ? zf_sc_task_flag_name(1u << b) : NULL;
		if (n)
			zf_sc_push(e, arr, cJSON_CreateString(n));
	}
	return arr;
}

static const char *zf_sc_task_name(const struct zf_scenario *sc, int t)
{
	if (t < 0 || (unsigned int)t >= sc->nr_tasks)
		return "?";
	return sc->tasks[t].name;
}

static cJSON *zf_sc_zones_json(struct zf_sc_emit *e, const uint64_t *pages)
{
	cJSON *o = cJSON_CreateObject();

	if (!o) {
		e->oom = true;
		return NULL;
	}
	for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
		zf_sc_add_num(e, o, zf_sc_zone_type_name(z), (double)pages[z]);
	return o;
}

static cJSON *zf_sc_config_json(struct zf_sc_emit *e, const struct zf_config *cfg)
{
	cJSON *c = cJSON_CreateObject(), *nodes, *arr;
	const char *prof = zf_profile_name(cfg->profile);

	if (!c) {
		e->oom = true;
		return NULL;
	}
	zf_sc_add_str(e, c, "profile", prof ? prof : "4.12");
	nodes = zf_sc_add(e, c, "nodes", cJSON_CreateArray());
	for (unsigned int n = 0; nodes && n < cfg->nr_nodes && n < ZF_MAX_NUMNODES; n++) {
		cJSON *node = cJSON_CreateObject();
		bool has_dist = false, has_resv = false;

		zf_sc_push(e, nodes, node);
		if (!node)
			continue;
		zf_sc_add(e, node, "zones", zf_sc_zones_json(e, cfg->zone_pages[n]));
		for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
			has_resv |= cfg->reserved_pages[n][z] != 0;
		if (has_resv)
			zf_sc_add(e, node, "reserved", zf_sc_zones_json(e, cfg->reserved_pages[n]));
		if (cfg->cma_pages[n])
			zf_sc_add_num(e, node, "cma", (double)cfg->cma_pages[n]);
		for (unsigned int j = 0; j < cfg->nr_nodes && j < ZF_MAX_NUMNODES; j++)
			has_dist |= cfg->distance[n][j] != 0;
		if (has_dist) {
			cJSON *d = zf_sc_add(e, node, "distance", cJSON_CreateArray());
			for (unsigned int j = 0; d && j < cfg->nr_nodes && j < ZF_MAX_NUMNODES; j++)
				zf_sc_push(e, d, cJSON_CreateNumber(cfg->distance[n][j]));
		}
	}
	zf_sc_add_num(e, c, "cpus", cfg->nr_cpus);
	zf_sc_add_num(e, c, "max_order", cfg->max_order);
	zf_sc_add_num(e, c, "pageblock_order", cfg->pageblock_order);
	zf_sc_add_num(e, c, "swap", (double)cfg->swap_pages);
	zf_sc_add_num(e, c, "min_free_kbytes",
		      cfg->min_free_kbytes < 0 ? -1.0 : (double)cfg->min_free_kbytes);
	zf_sc_add_num(e, c, "watermark_scale_factor", cfg->watermark_scale_factor);
	arr = zf_sc_add(e, c, "lowmem_reserve_ratio", cJSON_CreateArray());
	for (int z = 0; arr && z < ZF_MAX_NR_ZONES; z++)
		zf_sc_push(e, arr, cJSON_CreateNumber(cfg->lowmem_reserve_ratio[z]));
	zf_sc_add_num(e, c, "percpu_pagelist_fraction", cfg->percpu_pagelist_fraction);
	zf_sc_add(e, c, "mobility_disabled", cJSON_CreateBool(cfg->mobility_disabled));
	zf_sc_add(e, c, "cpusets_enabled", cJSON_CreateBool(cfg->cpusets_enabled));
	zf_sc_add(e, c, "oom_kill_allocating_task",
		  cJSON_CreateBool(cfg->oom_kill_allocating_task));
	zf_sc_add(e, c, "suspended_storage", cJSON_CreateBool(cfg->suspended_storage));
	arr = zf_sc_add(e, c, "bugs", cJSON_CreateArray());
	for (int b = 0; arr && b < 32; b++) {
		const char *n = (cfg->bugs & (1u << b)) ? zf_bug_name(1u << b) : NULL;
		if (n)
			zf_sc_push(e, arr, cJSON_CreateString(n));
	}
	zf_sc_add_num(e, c, "seed", (double)cfg->seed);
	zf_sc_add_num(e, c, "max_retries", cfg->max_retries);
	return c;
}

static cJSON *zf_sc_interval_json(struct zf_sc_emit *e, const struct zf_sc_interval *iv)
{
	if (iv->min == iv->max)
		return cJSON_CreateNumber((double)iv->min);
	cJSON *o = cJSON_CreateObject();
	if (!o)
		return NULL;
	if (iv->min != INT64_MIN)
		zf_sc_add_num(e, o, ">=", (double)iv->min);
	if (iv->max != INT64_MAX)
		zf_sc_add_num(e, o, "<=", (double)iv->max);
	return o;
}

static cJSON *zf_sc_expect_json(struct zf_sc_emit *e, const struct zf_sc_expect *ex)
{
	cJSON *o = cJSON_CreateObject();
	char buf[64];

	if (!o) {
		e->oom = true;
		return NULL;
	}
	if (ex->keys & ZF_SC_EXP_TASK)
		zf_sc_add_str(e, o, "task", zf_sc_task_name(e->sc, ex->task));
	if (ex->keys & ZF_SC_EXP_GFP)
		zf_sc_add_gfp(e, o, "gfp", ex->gfp);
	if (ex->keys & ZF_SC_EXP_RESULT)
		zf_sc_add_str(e, o, "result", zf_sc_result_name(ex->result));
	if (ex->keys & ZF_SC_EXP_PFN_NULL)
		zf_sc_add(e, o, "pfn", cJSON_CreateNull());
	if (ex->keys & ZF_SC_EXP_ZONE) {
		if (ex->zone_id < 0) {
			zf_sc_add(e, o, "zone", cJSON_CreateNull());
		} else {
			zf_sc_zone_id_format(buf, sizeof(buf), ex->zone_id);
			zf_sc_add_str(e, o, "zone", buf);
		}
	}
	if (ex->keys & ZF_SC_EXP_SLOWPATH)
		zf_sc_add(e, o, "slowpath", cJSON_CreateBool(ex->slowpath));
	if (ex->keys & ZF_SC_EXP_WARNED_FAILURE)
		zf_sc_add(e, o, "warned_failure", cJSON_CreateBool(ex->warned_failure));
	for (int k = 0; k < ZF_SC_NR_NUM_KEYS; k++) {
		if (k == ZF_SC_NUM_PFN && (ex->keys & ZF_SC_EXP_PFN_NULL))
			continue;
		if (ex->keys & ZF_SC_EXP_NUM(k))
			zf_sc_add(e, o, zf_sc_num_key_name((enum zf_sc_num_key)k),
				  zf_sc_interval_json(e, &ex->num[k]));
	}
	if (ex->keys & ZF_SC_EXP_COMPACT_RESULTS) {
		cJSON *arr = zf_sc_add(e, o, "compact_results", cJSON_CreateArray());
		for (unsigned int i = 0;
		     arr && i < ex->nr_compact_results && i < ZF_MAX_COMPACT_LOG; i++) {
			const char *n =
			    zf_compact_result_name((enum zf_compact_result)ex->compact_results[i]);
			zf_sc_push(e, arr, cJSON_CreateString(n ? n : "?"));
		}
	}
	if (ex->keys & ZF_SC_EXP_OOM_KILLED) {
		if (ex->oom_killed < 0)
			zf_sc_add(e, o, "oom_killed", cJSON_CreateNull());
		else
			zf_sc_add_str(e, o, "oom_killed", zf_sc_task_name(e->sc, ex->oom_killed));
	}
	return o;
}

static cJSON *zf_sc_ops_json(struct zf_sc_emit *e, struct zf_sc_range r, unsigned int depth);

static cJSON *zf_sc_op_json(struct zf_sc_emit *e, const struct zf_sc_op *op, unsigned int depth)
{
	cJSON *o = cJSON_CreateObject();
	const struct zf_scenario *sc = e->sc;

	if (!o) {
		e->oom = true;
		return NULL;
	}
	zf_sc_add_str(e, o, "op", zf_sc_op_name(op->type));
	switch (op->type) {
	case ZF_SC_OP_ALLOC: {
		const struct zf_sc_alloc *a = &op->u.alloc;
		zf_sc_add_str(e, o, "task", zf_sc_task_name(sc, a->task));
		zf_sc_add_gfp(e, o, "gfp", a->gfp);
		zf_sc_add_num(e, o, "order", a->order);
		if (a->nid >= 0)
			zf_sc_add_num(e, o, "nid", a->nid);
		if (a->nodemask)
			zf_sc_add(e, o, "nodemask", zf_sc_nodes_json(e, a->nodemask));
		if (a->handle[0])
			zf_sc_add_str(e, o, "handle", a->handle);
		if (a->quiet)
			zf_sc_add(e, o, "quiet", cJSON_CreateBool(true));
		if (a->has_expect)
			zf_sc_add(e, o, "expect", zf_sc_expect_json(e, &a->expect));
		if (a->at_yield.count) {
			cJSON *arr = zf_sc_add(e, o, "at_yield", cJSON_CreateArray());
			for (uint32_t i = 0; arr && i < a->at_yield.count; i++) {
				const struct zf_sc_yield *y = &sc->yields[a->at_yield.first + i];
				cJSON *yo = cJSON_CreateObject();
				zf_sc_push(e, arr, yo);
				if (!yo)
					break;
				zf_sc_add_str(e, yo, "point", zf_sc_yield_name(y->point));
				zf_sc_add_num(e, yo, "nth", y->nth);
				zf_sc_add(e, yo, "ops", zf_sc_ops_json(e, y->ops, depth + 1));
			}
		}
		break;
	}
	case ZF_SC_OP_FREE:
		zf_sc_add_str(e, o, "handle", op->u.free.handle);
		if (op->u.free.task >= 0)
			zf_sc_add_str(e, o, "task", zf_sc_task_name(sc, op->u.free.task));
		break;
	case ZF_SC_OP_LRU_FILL:
	case ZF_SC_OP_LRU_DIRTY:
	case ZF_SC_OP_LRU_ACTIVATE:
	case ZF_SC_OP_LRU_RELEASE:
		zf_sc_add_str(e, o, "task", zf_sc_task_name(sc, op->u.lru.task));
		if (op->type != ZF_SC_OP_LRU_DIRTY)
			zf_sc_add_str(e, o, "kind",
				      op->u.lru.kind == ZF_LRU_ANON ? "anon" : "file");
		zf_sc_add_num(e, o, "pages", (double)op->u.lru.pages);
		if (op->type == ZF_SC_OP_LRU_FILL && op->u.lru.gfp)
			zf_sc_add_gfp(e, o, "gfp", op->u.lru.gfp);
		break;
	case ZF_SC_OP_SET_TASK:
		zf_sc_add_str(e, o, "task", zf_sc_task_name(sc, op->u.set_task.task));
		if (op->u.set_task.set)
			zf_sc_add(e, o, "set", zf_sc_flags_json(e, op->u.set_task.set));
		if (op->u.set_task.clear)
			zf_sc_add(e, o, "clear", zf_sc_flags_json(e, op->u.set_task.clear));
		if (op->u.set_task.has_mems)
			zf_sc_add(e, o, "mems", zf_sc_nodes_json(e, op->u.set_task.mems));
		if (op->u.set_task.has_mempolicy)
			zf_sc_add(e, o, "mempolicy", zf_sc_nodes_json(e, op->u.set_task.mempolicy));
		if (op->u.set_task.has_oom_score_adj)
			zf_sc_add_num(e, o, "oom_score_adj", op->u.set_task.oom_score_adj);
		break;
	case ZF_SC_OP_KILL:
	case ZF_SC_OP_EXIT:
		zf_sc_add_str(e, o, "task", zf_sc_task_name(sc, op->u.task.task));
		break;
	case ZF_SC_OP_ISOLATE:
	case ZF_SC_OP_UNISOLATE:
		zf_sc_add_num(e, o, "start_pfn", (double)op->u.range.start_pfn);
		zf_sc_add_num(e, o, "pages", (double)op->u.range.pages);
		break;
	case ZF_SC_OP_OFFLINE_ZONE:
	case ZF_SC_OP_ONLINE_ZONE:
		zf_sc_add_num(e, o, "node", op->u.zone.node);
		zf_sc_add_str(e, o, "zone", zf_sc_zone_type_name(op->u.zone.zone));
		if (op->type == ZF_SC_OP_ONLINE_ZONE && op->u.zone.has_racing_free)
			zf_sc_add_str(e, o, "racing_free",
				      zf_sc_task_name(e->sc, op->u.zone.racing_task));
		break;
	case ZF_SC_OP_POISON:
		zf_sc_add_num(e, o, "pfn", (double)op->u.poison.pfn);
		break;
	case ZF_SC_OP_KSWAPD:
	case ZF_SC_OP_KCOMPACTD:
	case ZF_SC_OP_COMPACT:
		if (op->u.node.node >= 0)
			zf_sc_add_num(e, o, "node", op->u.node.node);
		break;
	case ZF_SC_OP_DRAIN:
		break;
	case ZF_SC_OP_ADVANCE:
		zf_sc_add_num(e, o, "ticks", (double)op->u.advance.ticks);
		break;
	case ZF_SC_OP_REPEAT:
		zf_sc_add_num(e, o, "times", (double)op->u.repeat.times);
		zf_sc_add(e, o, "ops", zf_sc_ops_json(e, op->u.repeat.ops, depth + 1));
		break;
	case ZF_SC_NR_OP_TYPES:
		break;
	}
	return o;
}

static cJSON *zf_sc_ops_json(struct zf_sc_emit *e, struct zf_sc_range r, unsigned int depth)
{
	const struct zf_scenario *sc = e->sc;
	cJSON *arr = cJSON_CreateArray();

	if (!arr) {
		e->oom = true;
		return NULL;
	}
	/* A decoder-built scenario may be malformed: never walk out of the pool. */
	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return arr;
	for (uint32_t i = 0; i < r.count; i++)
		zf_sc_push(e, arr, zf_sc_op_json(e, &sc->ops[r.first + i], depth));
	return arr;
}

char *zf_scenario_to_json(const struct zf_scenario *sc)
{
	struct zf_sc_emit e = {.sc = sc};
	cJSON *root = cJSON_CreateObject(), *tasks;
	char *out = NULL;

	if (!root)
		return NULL;
	zf_sc_add_str(&e, root, "name", sc->name);
	if (sc->description)
		zf_sc_add_str(&e, root, "description", sc->description);
	zf_sc_add(&e, root, "config", zf_sc_config_json(&e, &sc->cfg));
	if (sc->fail_page_alloc.enabled) {
		const struct zf_sc_fail_page_alloc *f = &sc->fail_page_alloc;
		cJSON *o = zf_sc_add(&e, root, "fail_page_alloc", cJSON_CreateObject());
		if (o) {
			zf_sc_add_num(&e, o, "probability", f->probability);
			zf_sc_add_num(&e, o, "interval", f->interval);
			zf_sc_add_num(&e, o, "times", (double)f->times);
			zf_sc_add_num(&e, o, "min_order", f->min_order);
			zf_sc_add(&e, o, "ignore_gfp_highmem",
				  cJSON_CreateBool(f->ignore_gfp_highmem));
			zf_sc_add(&e, o, "ignore_gfp_reclaim",
				  cJSON_CreateBool(f->ignore_gfp_reclaim));
		}
	}
	tasks = zf_sc_add(&e, root, "tasks", cJSON_CreateArray());
	for (unsigned int t = 0; tasks && t < sc->nr_tasks && t < ZF_MAX_TASKS; t++) {
		const struct zf_sc_task *tk = &sc->tasks[t];
		cJSON *o = cJSON_CreateObject();
		zf_sc_push(&e, tasks, o);
		if (!o)
			break;
		zf_sc_add_str(&e, o, "name", tk->name);
		zf_sc_add_num(&e, o, "cpu", tk->cpu);
		if (tk->flags)
			zf_sc_add(&e, o, "flags", zf_sc_flags_json(&e, tk->flags));
		if (tk->oom_score_adj)
			zf_sc_add_num(&e, o, "oom_score_adj", tk->oom_score_adj);
		if (tk->mems)
			zf_sc_add(&e, o, "mems", zf_sc_nodes_json(&e, tk->mems));
		if (tk->mempolicy)
			zf_sc_add(&e, o, "mempolicy", zf_sc_nodes_json(&e, tk->mempolicy));
	}
	zf_sc_add(&e, root, "ops", zf_sc_ops_json(&e, sc->program, 0));
	if (!e.oom)
		out = cJSON_Print(root);
	cJSON_Delete(root);
	return out;
}

/* ------------------------------------------------------------------ */
/* records                                                             */
/* ------------------------------------------------------------------ */
cJSON *zf_sc_record_to_cjson(const struct zf_scenario *sc, const struct zf_sc_record *r)
{
	struct zf_sc_emit e = {.sc = sc};
	cJSON *o = cJSON_CreateObject(), *arr;
	char buf[64];

	if (!o)
		return NULL;
	zf_sc_add_num(&e, o, "op", (double)r->op);
	zf_sc_add_str(&e, o, "path", r->path);
	zf_sc_add_str(&e, o, "task", zf_sc_task_name(sc, r->task));
	zf_sc_add_gfp(&e, o, "gfp", r->gfp);
	zf_sc_add_num(&e, o, "order", r->order);
	zf_sc_add_str(&e, o, "result", zf_sc_result_name(r->res.status));
	if (r->res.pfn == ZF_NO_PAGE)
		zf_sc_add(&e, o, "pfn", cJSON_CreateNull());
	else
		zf_sc_add_num(&e, o, "pfn", (double)r->res.pfn);
	if (r->res.zone_id < 0) {
		zf_sc_add(&e, o, "zone", cJSON_CreateNull());
	} else {
		zf_sc_zone_id_format(buf, sizeof(buf), r->res.zone_id);
		zf_sc_add_str(&e, o, "zone", buf);
	}
	zf_sc_add(&e, o, "slowpath", cJSON_CreateBool(r->res.slowpath));
	zf_sc_add_num(&e, o, "retries", r->res.retries);
	zf_sc_add_num(&e, o, "retry_cpuset", r->res.retry_cpuset);
	zf_sc_add_num(&e, o, "direct_reclaim_calls", r->res.direct_reclaim_calls);
	zf_sc_add_num(&e, o, "direct_compact_calls", r->res.direct_compact_calls);
	arr = zf_sc_add(&e, o, "compact_results", cJSON_CreateArray());
	for (unsigned int i = 0; arr && i < r->res.nr_compact_results && i < ZF_MAX_COMPACT_LOG;
	     i++) {
		const char *n =
		    zf_compact_result_name((enum zf_compact_result)r->res.compact_results[i]);
		zf_sc_push(&e, arr, cJSON_CreateString(n ? n : "?"));
	}
	zf_sc_add_num(&e, o, "oom_invoked", r->res.oom_invoked);
	if (r->oom_killed_task >= 0)
		zf_sc_add_str(&e, o, "oom_killed", zf_sc_task_name(sc, r->oom_killed_task));
	else if (r->res.oom_killed >= 0)
		zf_sc_add_num(&e, o, "oom_killed",
			      r->res.oom_killed); /* a task of the model's own */
	else
		zf_sc_add(&e, o, "oom_killed", cJSON_CreateNull());
	zf_sc_add_num(&e, o, "nofail_loops", r->res.nofail_loops);
	zf_sc_add_num(&e, o, "stall_warnings", r->res.stall_warnings);
	zf_sc_add(&e, o, "warned_failure", cJSON_CreateBool(r->res.warned_failure));
	zf_sc_add_num(&e, o, "alloc_flags", r->res.alloc_flags);
	zf_sc_add_num(&e, o, "reclaimed", (double)r->res.reclaimed);
	zf_sc_add_num(&e, o, "jiffies", (double)r->jiffies);
	if (r->has_expect)
		zf_sc_add(&e, o, "expect_ok", cJSON_CreateBool(r->nr_mismatches == 0));
	if (e.oom) {
		cJSON_Delete(o);
		return NULL;
	}
	return o;
}

char *zf_sc_record_json(const struct zf_scenario *sc, const struct zf_sc_record *r)
{
	cJSON *o = zf_sc_record_to_cjson(sc, r);
	char *s = o ? cJSON_PrintUnformatted(o) : NULL;

	cJSON_Delete(o);
	return s;
}
