/* SPDX-License-Identifier: MIT */
/*
 * parse.c - JSON scenario -> struct zf_scenario (docs/scenario-format.md).
 *
 * Strict on purpose: unknown keys, wrong types and out-of-range numbers are
 * errors naming the field ("ops[3].order: expected an integer 0..63"), so a
 * typo in an expectation can never make a scenario test pass vacuously. Keys
 * that start with '_' are comments and ignored. Malformed input of any shape
 * ends in one error line and a freed scenario, never a crash or a leak.
 */
#define _POSIX_C_SOURCE 200809L /* strdup, strcasecmp */

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <cjson/cJSON.h>

#include "scenario_internal.h"
#include "zonefuzz/scenario.h"

/* Integers must survive a round trip through a double. */
#define ZF_SC_INT_MAX (INT64_C(1) << 53)

struct zf_sc_parser {
	struct zf_scenario *sc;
	char *err;
	size_t errlen;
};

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int
zf_sc_perr(struct zf_sc_parser *p, const char *path, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (p->err && p->errlen) {
		snprintf(p->err, p->errlen, "%s%s%s", path, path[0] ? ": " : "", msg);
		/* keys and names are echoed from the input: keep the error one line */
		for (char *c = p->err; *c; c++)
			if ((unsigned char)*c < 0x20 || *c == 0x7f)
				*c = '?';
	}
	return -1;
}

/* Every key of obj must be in allowed[] (NULL-terminated) or start with '_'. */
static int zf_sc_check_keys(struct zf_sc_parser *p, const cJSON *obj, const char *path,
			    const char *const *allowed)
{
	const cJSON *it;

	cJSON_ArrayForEach(it, obj)
	{
		bool ok = it->string && it->string[0] == '_';
		for (size_t i = 0; !ok && allowed[i]; i++)
			ok = it->string && strcmp(it->string, allowed[i]) == 0;
		if (!ok)
			return zf_sc_perr(p, path, "unknown key \"%s\"",
					  it->string ? it->string : "");
	}
	/* cJSON keeps duplicate keys; the first would silently win. */
	cJSON_ArrayForEach(it, obj)
	{
		for (const cJSON *o = it->next; o; o = o->next)
			if (it->string && o->string && strcmp(it->string, o->string) == 0)
				return zf_sc_perr(p, path, "duplicate key \"%s\"", it->string);
	}
	return 0;
}

static void zf_sc_subpath(char *buf, size_t len, const char *path, const char *key)
{
	zf_sc_fmt(buf, len, "%s%s%s", path, path[0] ? "." : "", key);
}

static void zf_sc_idxpath(char *buf, size_t len, const char *path, int idx)
{
	zf_sc_fmt(buf, len, "%s[%d]", path, idx);
}

static int zf_sc_int(struct zf_sc_parser *p, const cJSON *it, const char *path, int64_t min,
		     int64_t max, int64_t *out)
{
	if (!cJSON_IsNumber(it))
		goto bad;
	double d = it->valuedouble;
	if (!(d >= (double)min && d <= (double)max))
		goto bad;
	int64_t v = (int64_t)d;
	if ((double)v != d)
		goto bad;
	*out = v;
	return 0;
bad:
	return zf_sc_perr(p, path, "expected an integer %" PRId64 "..%" PRId64, min, max);
}

/* Optional integer member: absent leaves *out alone. */
static int zf_sc_opt_int(struct zf_sc_parser *p, const cJSON *obj, const char *path,
			 const char *key, int64_t min, int64_t max, int64_t *out, bool *present)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char sub[ZF_SC_PATH_LEN * 2];

	if (present)
		*present = it != NULL;
	if (!it)
		return 0;
	zf_sc_subpath(sub, sizeof(sub), path, key);
	return zf_sc_int(p, it, sub, min, max, out);
}

static int zf_sc_opt_bool(struct zf_sc_parser *p, const cJSON *obj, const char *path,
			  const char *key, bool *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char sub[ZF_SC_PATH_LEN * 2];

	if (!it)
		return 0;
	zf_sc_subpath(sub, sizeof(sub), path, key);
	if (!cJSON_IsBool(it))
		return zf_sc_perr(p, sub, "expected true or false");
	*out = cJSON_IsTrue(it);
	return 0;
}

/* A name: non-empty string shorter than ZF_SC_NAME_LEN. */
static int zf_sc_name(struct zf_sc_parser *p, const cJSON *it, const char *path, char *out,
		      size_t outlen)
{
	if (!cJSON_IsString(it) || !it->valuestring || !it->valuestring[0] ||
	    strlen(it->valuestring) >= outlen)
		return zf_sc_perr(p, path, "expected a non-empty string of at most %zu characters",
				  outlen - 1);
	memcpy(out, it->valuestring, strlen(it->valuestring) + 1);
	return 0;
}

static int zf_sc_gfp(struct zf_sc_parser *p, const cJSON *it, const char *path, zf_gfp_t *out)
{
	if (cJSON_IsNumber(it)) {
		int64_t v = 0;
		if (zf_sc_int(p, it, path, 0, UINT32_MAX, &v))
			return -1;
		*out = (zf_gfp_t)v;
		return 0;
	}
	if (!cJSON_IsString(it) || !it->valuestring)
		return zf_sc_perr(p, path,
				  "expected GFP flags (\"GFP_KERNEL|__GFP_NORETRY\") or a number");
	const char *bad = NULL;
	if (zf_gfp_parse(it->valuestring, out, &bad) != 0) {
		const char *s = bad ? bad : it->valuestring;
		size_t n = strcspn(s, "|");
		return zf_sc_perr(p, path, "unknown GFP flag \"%.*s\"", (int)(n > 64 ? 64 : n), s);
	}
	return 0;
}

/* A task by name; missing means task 0 when allow_default. */
static int zf_sc_task_ref(struct zf_sc_parser *p, const cJSON *obj, const char *path,
			  const char *key, bool allow_default, int *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(obj, key);
	char sub[ZF_SC_PATH_LEN * 2];

	zf_sc_subpath(sub, sizeof(sub), path, key);
	if (!it) {
		if (!allow_default)
			return zf_sc_perr(p, sub, "missing");
		if (p->sc->nr_tasks == 0)
			return zf_sc_perr(p, sub, "missing and the scenario has no tasks");
		*out = 0;
		return 0;
	}
	if (!cJSON_IsString(it) || !it->valuestring)
		return zf_sc_perr(p, sub, "expected a task name");
	int t = zf_scenario_find_task(p->sc, it->valuestring);
	if (t < 0)
		return zf_sc_perr(p, sub, "unknown task \"%.40s\"", it->valuestring);
	*out = t;
	return 0;
}

/* [0, 1] -> node bitmask; every id must be a node of the configuration. */
static int zf_sc_nodemask(struct zf_sc_parser *p, const cJSON *it, const char *path, uint32_t *out)
{
	unsigned int nr = p->sc->cfg.nr_nodes ? p->sc->cfg.nr_nodes : 1;
	const cJSON *e;
	int i = 0;
	uint32_t mask = 0;

	if (!cJSON_IsArray(it))
		return zf_sc_perr(p, path, "expected an array of node ids");
	cJSON_ArrayForEach(e, it)
	{
		char sub[ZF_SC_PATH_LEN * 2];
		int64_t v = 0;
		zf_sc_idxpath(sub, sizeof(sub), path, i++);
		if (zf_sc_int(p, e, sub, 0, (int64_t)nr - 1, &v))
			return -1;
		mask |= 1u << v;
	}
	*out = mask;
	return 0;
}

static int zf_sc_task_flags(struct zf_sc_parser *p, const cJSON *it, const char *path,
			    uint32_t *out)
{
	const cJSON *e;
	int i = 0;
	uint32_t flags = 0;

	if (!cJSON_IsArray(it))
		return zf_sc_perr(p, path, "expected an array of flag names");
	cJSON_ArrayForEach(e, it)
	{
		char sub[ZF_SC_PATH_LEN * 2];
		uint32_t bit;
		zf_sc_idxpath(sub, sizeof(sub), path, i++);
		if (!cJSON_IsString(e) || !e->valuestring ||
		    zf_sc_task_flag_parse(e->valuestring, &bit))
			return zf_sc_perr(
			    p, sub,
			    "unknown task flag (PF_MEMALLOC, PF_DUMPCORE, PF_MEMALLOC_NOIO, PF_MEMALLOC_NOFS, PF_KTHREAD, PF_WQ_WORKER, PF_EXITING, TIF_MEMDIE, FATAL_SIGNAL, RT, UNKILLABLE, STUCK, MMAP_LOCKED, IN_INTERRUPT)");
		flags |= bit;
	}
	*out = flags;
	return 0;
}

/* ------------------------------------------------------------------ */
/* config                                                              */
/* ------------------------------------------------------------------ */

/* {"DMA": n, "DMA32": n, "Normal": n, "Movable": n} */
static int zf_sc_zone_sizes(struct zf_sc_parser *p, const cJSON *it, const char *path,
			    uint64_t *out)
{
	const cJSON *e;

	if (!cJSON_IsObject(it))
		return zf_sc_perr(
		    p, path,
		    "expected an object {\"DMA\": pages, \"DMA32\": pages, \"Normal\": pages, \"Movable\": pages}");
	if (zf_sc_check_keys(p, it, path,
			     (const char *const[]){"DMA", "DMA32", "Normal", "Movable", NULL}))
		return -1;
	cJSON_ArrayForEach(e, it)
	{
		char sub[ZF_SC_PATH_LEN * 2];
		int idx = zf_sc_zone_type_parse(e->string);
		int64_t v = 0;
		if (idx < 0)
			continue; /* a comment key */
		zf_sc_subpath(sub, sizeof(sub), path, e->string);
		if (zf_sc_int(p, e, sub, 0, INT64_C(1) << 24, &v))
			return -1;
		out[idx] = (uint64_t)v;
	}
	return 0;
}

static int zf_sc_parse_nodes(struct zf_sc_parser *p, const cJSON *nodes, const char *path)
{
	struct zf_config *cfg = &p->sc->cfg;
	const cJSON *n;
	int nid = 0;
	int nr = cJSON_GetArraySize(nodes);

	if (!cJSON_IsArray(nodes) || nr < 1 || nr > ZF_MAX_NUMNODES)
		return zf_sc_perr(p, path, "expected an array of 1..%d nodes", ZF_MAX_NUMNODES);
	/* An explicit geometry replaces the default one entirely. */
	cfg->nr_nodes = (unsigned int)nr;
	memset(cfg->zone_pages, 0, sizeof(cfg->zone_pages));
	memset(cfg->reserved_pages, 0, sizeof(cfg->reserved_pages));
	memset(cfg->cma_pages, 0, sizeof(cfg->cma_pages));
	memset(cfg->distance, 0, sizeof(cfg->distance));
	cJSON_ArrayForEach(n, nodes)
	{
		char np[ZF_SC_PATH_LEN], sub[ZF_SC_PATH_LEN * 2];
		const cJSON *it;
		int64_t v = 0;

		zf_sc_idxpath(np, sizeof(np), path, nid);
		if (!cJSON_IsObject(n))
			return zf_sc_perr(p, np, "expected an object");
		if (zf_sc_check_keys(
			p, n, np,
			(const char *const[]){"zones", "reserved", "cma", "distance", NULL}))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(n, "zones");
		zf_sc_subpath(sub, sizeof(sub), np, "zones");
		if (!it)
			return zf_sc_perr(p, sub, "missing");
		if (zf_sc_zone_sizes(p, it, sub, cfg->zone_pages[nid]))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(n, "reserved");
		zf_sc_subpath(sub, sizeof(sub), np, "reserved");
		if (it && zf_sc_zone_sizes(p, it, sub, cfg->reserved_pages[nid]))
			return -1;
		v = 0;
		if (zf_sc_opt_int(p, n, np, "cma", 0, INT64_C(1) << 24, &v, NULL))
			return -1;
		cfg->cma_pages[nid] = (uint64_t)v;
		it = cJSON_GetObjectItemCaseSensitive(n, "distance");
		if (it) {
			const cJSON *d;
			int j = 0;
			zf_sc_subpath(sub, sizeof(sub), np, "distance");
			if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) != nr)
				return zf_sc_perr(p, sub, "expected an array of %d distances", nr);
			cJSON_ArrayForEach(d, it)
			{
				char dp[ZF_SC_PATH_LEN * 3];
				zf_sc_idxpath(dp, sizeof(dp), sub, j);
				if (zf_sc_int(p, d, dp, 0, 255, &v))
					return -1;
				cfg->distance[nid][j++] = (uint8_t)v;
			}
		}
		nid++;
	}
	return 0;
}

/* "fail_page_alloc": {"probability", "interval", "times", "min_order", "ignore_gfp_*"} */
static int zf_sc_parse_fail_page_alloc(struct zf_sc_parser *p, const cJSON *c)
{
	static const char *const keys[] = {
	    "probability",        "interval",           "times", "min_order",
	    "ignore_gfp_highmem", "ignore_gfp_reclaim", NULL};
	struct zf_sc_fail_page_alloc *f = &p->sc->fail_page_alloc;
	const char *path = "fail_page_alloc";
	int64_t v = 0;
	bool present;

	if (!cJSON_IsObject(c))
		return zf_sc_perr(p, path, "expected an object");
	if (zf_sc_check_keys(p, c, path, keys))
		return -1;
	*f = (struct zf_sc_fail_page_alloc){.enabled = true,
					    .probability = 100,
					    .interval = 1,
					    .times = -1,
					    .min_order = 1,
					    .ignore_gfp_highmem = true,
					    .ignore_gfp_reclaim = true};
	if (zf_sc_opt_int(p, c, path, "probability", 0, 100, &v, &present))
		return -1;
	if (present)
		f->probability = (unsigned int)v;
	if (zf_sc_opt_int(p, c, path, "interval", 1, INT64_C(1) << 32, &v, &present))
		return -1;
	if (present)
		f->interval = (unsigned int)v;
	if (zf_sc_opt_int(p, c, path, "times", -1, INT64_C(1) << 32, &v, &present))
		return -1;
	if (present)
		f->times = v;
	if (zf_sc_opt_int(p, c, path, "min_order", 0, ZF_MAX_ORDER_MAX, &v, &present))
		return -1;
	if (present)
		f->min_order = (unsigned int)v;
	if (zf_sc_opt_bool(p, c, path, "ignore_gfp_highmem", &f->ignore_gfp_highmem) ||
	    zf_sc_opt_bool(p, c, path, "ignore_gfp_reclaim", &f->ignore_gfp_reclaim))
		return -1;
	return 0;
}

static int zf_sc_parse_config(struct zf_sc_parser *p, const cJSON *c)
{
	static const char *const keys[] = {"profile",
					   "nodes",
					   "cpus",
					   "max_order",
					   "pageblock_order",
					   "swap",
					   "min_free_kbytes",
					   "watermark_scale_factor",
					   "lowmem_reserve_ratio",
					   "percpu_pagelist_fraction",
					   "mobility_disabled",
					   "cpusets_enabled",
					   "oom_kill_allocating_task",
					   "suspended_storage",
					   "bugs",
					   "seed",
					   "max_retries",
					   NULL};
	struct zf_config *cfg = &p->sc->cfg;
	const char *path = "config";
	const cJSON *it;
	int64_t v = 0;
	bool present;

	if (!cJSON_IsObject(c))
		return zf_sc_perr(p, path, "expected an object");
	if (zf_sc_check_keys(p, c, path, keys))
		return -1;

	it = cJSON_GetObjectItemCaseSensitive(c, "profile");
	if (it) {
		enum zf_profile_id prof;
		if (!cJSON_IsString(it) || !it->valuestring ||
		    zf_profile_parse(it->valuestring, &prof) != 0)
			return zf_sc_perr(p, "config.profile",
					  "unknown profile (see `zonefuzz profiles`)");
		cfg->profile = prof;
	}
	it = cJSON_GetObjectItemCaseSensitive(c, "nodes");
	if (it && zf_sc_parse_nodes(p, it, "config.nodes"))
		return -1;

	if (zf_sc_opt_int(p, c, path, "cpus", 1, ZF_MAX_CPUS, &v, &present))
		return -1;
	if (present)
		cfg->nr_cpus = (unsigned int)v;
	if (zf_sc_opt_int(p, c, path, "max_order", 2, ZF_MAX_ORDER_MAX, &v, &present))
		return -1;
	if (present)
		cfg->max_order = (unsigned int)v;
	if (zf_sc_opt_int(p, c, path, "pageblock_order", 0, ZF_MAX_ORDER_MAX - 1, &v, &present))
		return -1;
	if (present)
		cfg->pageblock_order = (unsigned int)v;
	if (zf_sc_opt_int(p, c, path, "swap", 0, INT64_C(1) << 32, &v, &present))
		return -1;
	if (present)
		cfg->swap_pages = (uint64_t)v;
	if (zf_sc_opt_int(p, c, path, "min_free_kbytes", -1, INT64_C(1) << 30, &v, &present))
		return -1;
	if (present)
		cfg->min_free_kbytes = (long)v;
	if (zf_sc_opt_int(p, c, path, "watermark_scale_factor", 0, 1000, &v, &present))
		return -1;
	if (present)
		cfg->watermark_scale_factor = (unsigned int)v;
	if (zf_sc_opt_int(p, c, path, "percpu_pagelist_fraction", 0, 1 << 20, &v, &present))
		return -1;
	if (present)
		cfg->percpu_pagelist_fraction = (unsigned int)v;
	if (zf_sc_opt_bool(p, c, path, "mobility_disabled", &cfg->mobility_disabled) ||
	    zf_sc_opt_bool(p, c, path, "cpusets_enabled", &cfg->cpusets_enabled) ||
	    zf_sc_opt_bool(p, c, path, "oom_kill_allocating_task",
			   &cfg->oom_kill_allocating_task) ||
	    zf_sc_opt_bool(p, c, path, "suspended_storage", &cfg->suspended_storage))
		return -1;

	it = cJSON_GetObjectItemCaseSensitive(c, "lowmem_reserve_ratio");
	if (it) {
		const cJSON *e;
		int i = 0;
		if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > ZF_MAX_NR_ZONES)
			return zf_sc_perr(p, "config.lowmem_reserve_ratio",
					  "expected an array of at most %d ratios",
					  ZF_MAX_NR_ZONES);
		cJSON_ArrayForEach(e, it)
		{
			char sub[ZF_SC_PATH_LEN];
			zf_sc_idxpath(sub, sizeof(sub), "config.lowmem_reserve_ratio", i);
			if (zf_sc_int(p, e, sub, 0, 1 << 20, &v))
				return -1;
			cfg->lowmem_reserve_ratio[i++] = (unsigned int)v;
		}
	}
	it = cJSON_GetObjectItemCaseSensitive(c, "bugs");
	if (it) {
		const cJSON *e;
		int i = 0;
		if (!cJSON_IsArray(it))
			return zf_sc_perr(p, "config.bugs", "expected an array of bug ids");
		cfg->bugs = 0;
		cJSON_ArrayForEach(e, it)
		{
			char sub[ZF_SC_PATH_LEN];
			uint32_t bug;
			zf_sc_idxpath(sub, sizeof(sub), "config.bugs", i++);
			if (!cJSON_IsString(e) || !e->valuestring ||
			    zf_bug_parse(e->valuestring, &bug) != 0)
				return zf_sc_perr(p, sub, "unknown bug (see `zonefuzz bugs`)");
			cfg->bugs |= bug;
		}
	}
	if (zf_sc_opt_int(p, c, path, "seed", 0, ZF_SC_INT_MAX, &v, &present))
		return -1;
	if (present)
		cfg->seed = (uint64_t)v;
	if (zf_sc_opt_int(p, c, path, "max_retries", 0, UINT32_MAX, &v, &present))
		return -1;
	if (present)
		cfg->max_retries = (uint32_t)v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* tasks                                                               */
/* ------------------------------------------------------------------ */
static int zf_sc_parse_tasks(struct zf_sc_parser *p, const cJSON *tasks)
{
	const cJSON *t;
	int i = 0;

	if (!cJSON_IsArray(tasks) || cJSON_GetArraySize(tasks) > ZF_MAX_TASKS)
		return zf_sc_perr(p, "tasks", "expected an array of at most %d tasks",
				  ZF_MAX_TASKS);
	cJSON_ArrayForEach(t, tasks)
	{
		char path[ZF_SC_PATH_LEN], sub[ZF_SC_PATH_LEN * 2];
		struct zf_sc_task task;
		const cJSON *it;
		int64_t v = 0;
		unsigned int nr_cpus = p->sc->cfg.nr_cpus ? p->sc->cfg.nr_cpus : 1;

		memset(&task, 0, sizeof(task));
		zf_sc_idxpath(path, sizeof(path), "tasks", i++);
		if (!cJSON_IsObject(t))
			return zf_sc_perr(p, path, "expected an object");
		if (zf_sc_check_keys(p, t, path,
				     (const char *const[]){"name", "cpu", "flags", "oom_score_adj",
							   "mems", "mempolicy", NULL}))
			return -1;
		zf_sc_subpath(sub, sizeof(sub), path, "name");
		it = cJSON_GetObjectItemCaseSensitive(t, "name");
		if (!it)
			return zf_sc_perr(p, sub, "missing");
		if (zf_sc_name(p, it, sub, task.name, sizeof(task.name)))
			return -1;
		if (zf_scenario_find_task(p->sc, task.name) >= 0)
			return zf_sc_perr(p, sub, "duplicate task name \"%s\"", task.name);
		v = 0;
		if (zf_sc_opt_int(p, t, path, "cpu", 0, (int64_t)nr_cpus - 1, &v, NULL))
			return -1;
		task.cpu = (unsigned int)v;
		v = 0;
		if (zf_sc_opt_int(p, t, path, "oom_score_adj", -1000, 1000, &v, NULL))
			return -1;
		task.oom_score_adj = (int)v;
		it = cJSON_GetObjectItemCaseSensitive(t, "flags");
		zf_sc_subpath(sub, sizeof(sub), path, "flags");
		if (it && zf_sc_task_flags(p, it, sub, &task.flags))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(t, "mems");
		zf_sc_subpath(sub, sizeof(sub), path, "mems");
		if (it && zf_sc_nodemask(p, it, sub, &task.mems))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(t, "mempolicy");
		zf_sc_subpath(sub, sizeof(sub), path, "mempolicy");
		if (it && zf_sc_nodemask(p, it, sub, &task.mempolicy))
			return -1;
		if (zf_scenario_add_task(p->sc, &task) < 0)
			return zf_sc_perr(p, path, "cannot add task");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* expectations                                                        */
/* ------------------------------------------------------------------ */

/* 5, or {">": 0}, {">=": 1, "<=": 3}, {"==": 2}, {"<": 4} */
static int zf_sc_interval(struct zf_sc_parser *p, const cJSON *it, const char *path,
			  struct zf_sc_interval *out)
{
	int64_t v = 0;

	out->min = INT64_MIN;
	out->max = INT64_MAX;
	if (cJSON_IsNumber(it)) {
		if (zf_sc_int(p, it, path, -ZF_SC_INT_MAX, ZF_SC_INT_MAX, &v))
			return -1;
		out->min = out->max = v;
		return 0;
	}
	if (!cJSON_IsObject(it) || cJSON_GetArraySize(it) == 0)
		return zf_sc_perr(
		    p, path,
		    "expected an integer or a comparison like {\">\": 0} or {\">=\": 1, \"<=\": 3}");
	if (zf_sc_check_keys(p, it, path, (const char *const[]){"==", ">", ">=", "<", "<=", NULL}))
		return -1;
	const cJSON *e;
	cJSON_ArrayForEach(e, it)
	{
		char sub[ZF_SC_PATH_LEN * 2];
		if (e->string[0] == '_')
			continue;
		zf_sc_subpath(sub, sizeof(sub), path, e->string);
		if (zf_sc_int(p, e, sub, -ZF_SC_INT_MAX, ZF_SC_INT_MAX, &v))
			return -1;
		if (strcmp(e->string, "==") == 0) {
			out->min = out->min > v ? out->min : v;
			out->max = out->max < v ? out->max : v;
		} else if (strcmp(e->string, ">") == 0) {
			out->min = out->min > v + 1 ? out->min : v + 1;
		} else if (strcmp(e->string, ">=") == 0) {
			out->min = out->min > v ? out->min : v;
		} else if (strcmp(e->string, "<") == 0) {
			out->max = out->max < v - 1 ? out->max : v - 1;
		} else {
			out->max = out->max < v ? out->max : v;
		}
	}
	if (out->min > out->max)
		return zf_sc_perr(p, path, "the comparison can never hold");
	return 0;
}

static int zf_sc_compact_result_parse(const char *name)
{
	for (int i = 0; i < ZF_NR_COMPACT_RESULTS; i++) {
		const char *n = zf_compact_result_name((enum zf_compact_result)i);
		if (!n)
			continue;
		if (strcasecmp(name, n) == 0)
			return i;
		/* Accept the kernel's COMPACT_ prefix either way. */
		if (strncasecmp(n, "COMPACT_", 8) == 0 && strcasecmp(name, n + 8) == 0)
			return i;
		if (strncasecmp(name, "COMPACT_", 8) == 0 && strcasecmp(name + 8, n) == 0)
			return i;
	}
	return -1;
}

static int zf_sc_parse_expect(struct zf_sc_parser *p, const cJSON *ex, const char *path,
			      struct zf_sc_expect *e)
{
	static const char *const keys[] = {"result",
					   "pfn",
					   "zone",
					   "slowpath",
					   "retries",
					   "retry_cpuset",
					   "direct_reclaim_calls",
					   "direct_compact_calls",
					   "compact_results",
					   "oom_invoked",
					   "oom_killed",
					   "nofail_loops",
					   "stall_warnings",
					   "order",
					   "gfp",
					   "task",
					   "warned_failure",
					   NULL};
	const cJSON *it;

	memset(e, 0, sizeof(*e));
	e->zone_id = -1;
	e->oom_killed = -1;
	if (!cJSON_IsObject(ex))
		return zf_sc_perr(p, path, "expected an object");
	if (zf_sc_check_keys(p, ex, path, keys))
		return -1;
	cJSON_ArrayForEach(it, ex)
	{
		char sub[ZF_SC_PATH_LEN * 2];
		const char *k = it->string;

		if (k[0] == '_')
			continue;
		zf_sc_subpath(sub, sizeof(sub), path, k);
		if (strcmp(k, "result") == 0) {
			const char *s = cJSON_IsString(it) ? it->valuestring : NULL;
			if (s && strcmp(s, "page") == 0)
				e->result = ZF_ALLOC_OK;
			else if (s && strcmp(s, "fail") == 0)
				e->result = ZF_ALLOC_FAIL;
			else if (s && strcmp(s, "aborted") == 0)
				e->result = ZF_ALLOC_ABORTED;
			else
				return zf_sc_perr(p, sub,
						  "expected \"page\", \"fail\" or \"aborted\"");
			e->keys |= ZF_SC_EXP_RESULT;
		} else if (strcmp(k, "pfn") == 0 && cJSON_IsNull(it)) {
			e->keys |= ZF_SC_EXP_PFN_NULL;
		} else if (strcmp(k, "zone") == 0) {
			if (cJSON_IsNull(it)) {
				e->zone_id = -1;
			} else if (!cJSON_IsString(it) ||
				   (e->zone_id = zf_sc_zone_id_parse(it->valuestring)) < 0) {
				return zf_sc_perr(p, sub,
						  "expected a zone like \"Node 0 Normal\" or null");
			}
			e->keys |= ZF_SC_EXP_ZONE;
		} else if (strcmp(k, "slowpath") == 0 || strcmp(k, "warned_failure") == 0) {
			if (!cJSON_IsBool(it))
				return zf_sc_perr(p, sub, "expected true or false");
			if (k[0] == 's') {
				e->slowpath = cJSON_IsTrue(it);
				e->keys |= ZF_SC_EXP_SLOWPATH;
			} else {
				e->warned_failure = cJSON_IsTrue(it);
				e->keys |= ZF_SC_EXP_WARNED_FAILURE;
			}
		} else if (strcmp(k, "compact_results") == 0) {
			const cJSON *r;
			int i = 0;
			if (!cJSON_IsArray(it) || cJSON_GetArraySize(it) > ZF_MAX_COMPACT_LOG)
				return zf_sc_perr(
				    p, sub, "expected an array of at most %d compaction results",
				    ZF_MAX_COMPACT_LOG);
			cJSON_ArrayForEach(r, it)
			{
				char rp[ZF_SC_PATH_LEN * 3];
				int cr = cJSON_IsString(r)
					     ? zf_sc_compact_result_parse(r->valuestring)
					     : -1;
				zf_sc_idxpath(rp, sizeof(rp), sub, i);
				if (cr < 0)
					return zf_sc_perr(p, rp, "unknown compaction result");
				e->compact_results[i++] = (uint8_t)cr;
			}
			e->nr_compact_results = (unsigned int)i;
			e->keys |= ZF_SC_EXP_COMPACT_RESULTS;
		} else if (strcmp(k, "oom_killed") == 0) {
			if (cJSON_IsNull(it)) {
				e->oom_killed = -1;
			} else if (!cJSON_IsString(it) || (e->oom_killed = zf_scenario_find_task(
							       p->sc, it->valuestring)) < 0) {
				return zf_sc_perr(p, sub, "expected a task name or null");
			}
			e->keys |= ZF_SC_EXP_OOM_KILLED;
		} else if (strcmp(k, "gfp") == 0) {
			if (zf_sc_gfp(p, it, sub, &e->gfp))
				return -1;
			e->keys |= ZF_SC_EXP_GFP;
		} else if (strcmp(k, "task") == 0) {
			if (!cJSON_IsString(it) ||
			    (e->task = zf_scenario_find_task(p->sc, it->valuestring)) < 0)
				return zf_sc_perr(p, sub, "expected a task name");
			e->keys |= ZF_SC_EXP_TASK;
		} else {
			int nk;
			for (nk = 0; nk < ZF_SC_NR_NUM_KEYS; nk++)
				if (strcmp(k, zf_sc_num_key_name((enum zf_sc_num_key)nk)) == 0)
					break;
			if (nk == ZF_SC_NR_NUM_KEYS)
				return zf_sc_perr(p, sub, "unknown key");
			if (zf_sc_interval(p, it, sub, &e->num[nk]))
				return -1;
			e->keys |= ZF_SC_EXP_NUM(nk);
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* operations                                                          */
/* ------------------------------------------------------------------ */
static int zf_sc_parse_ops(struct zf_sc_parser *p, const cJSON *arr, const char *path,
			   unsigned int depth, struct zf_sc_range *out);

static int zf_sc_parse_at_yield(struct zf_sc_parser *p, const cJSON *arr, const char *path,
				unsigned int depth, struct zf_sc_range *out)
{
	struct zf_sc_range r;
	const cJSON *y;
	int n = cJSON_GetArraySize(arr);
	uint32_t i = 0;

	if (!cJSON_IsArray(arr))
		return zf_sc_perr(p, path, "expected an array of {\"point\", \"nth\", \"ops\"}");
	if (zf_scenario_reserve_yields(p->sc, (uint32_t)n, &r))
		return zf_sc_perr(p, path, "too many yield actions");
	cJSON_ArrayForEach(y, arr)
	{
		char yp[ZF_SC_PATH_LEN * 2], sub[ZF_SC_PATH_LEN * 3];
		const cJSON *it;
		int64_t v = 1;
		struct zf_sc_range ops;

		zf_sc_idxpath(yp, sizeof(yp), path, (int)i);
		if (!cJSON_IsObject(y))
			return zf_sc_perr(p, yp, "expected an object");
		if (zf_sc_check_keys(p, y, yp, (const char *const[]){"point", "nth", "ops", NULL}))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(y, "point");
		zf_sc_subpath(sub, sizeof(sub), yp, "point");
		int point = it && cJSON_IsString(it) ? zf_sc_yield_parse(it->valuestring) : -1;
		if (point < 0)
			return zf_sc_perr(
			    p, sub,
			    "expected one of after_wake_kswapd, retry, after_reclaim, after_compact, before_oom, in_oom_wait");
		if (zf_sc_opt_int(p, y, yp, "nth", 1, UINT32_MAX, &v, NULL))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(y, "ops");
		zf_sc_subpath(sub, sizeof(sub), yp, "ops");
		if (!it)
			return zf_sc_perr(p, sub, "missing");
		if (zf_sc_parse_ops(p, it, sub, depth + 1, &ops))
			return -1;
		/* Index, not pointer: parsing the nested ops may have moved the pool. */
		p->sc->yields[r.first + i].point = (enum zf_yield_point)point;
		p->sc->yields[r.first + i].nth = (uint32_t)v;
		p->sc->yields[r.first + i].ops = ops;
		i++;
	}
	*out = r;
	return 0;
}

static int zf_sc_parse_alloc(struct zf_sc_parser *p, const cJSON *o, const char *path,
			     unsigned int depth, uint32_t idx)
{
	struct zf_sc_alloc a;
	const cJSON *it;
	char sub[ZF_SC_PATH_LEN * 2];
	int64_t v = 0;

	memset(&a, 0, sizeof(a));
	if (zf_sc_check_keys(p, o, path,
			     (const char *const[]){"op", "task", "gfp", "order", "nid", "nodemask",
						   "handle", "quiet", "expect", "at_yield", NULL}))
		return -1;
	if (zf_sc_task_ref(p, o, path, "task", true, &a.task))
		return -1;
	it = cJSON_GetObjectItemCaseSensitive(o, "gfp");
	zf_sc_subpath(sub, sizeof(sub), path, "gfp");
	if (!it)
		return zf_sc_perr(p, sub, "missing");
	if (zf_sc_gfp(p, it, sub, &a.gfp))
		return -1;
	v = 0;
	if (zf_sc_opt_int(p, o, path, "order", 0, 63, &v, NULL))
		return -1;
	a.order = (unsigned int)v;
	v = -1;
	if (zf_sc_opt_int(p, o, path, "nid", -1,
			  (int64_t)(p->sc->cfg.nr_nodes ? p->sc->cfg.nr_nodes : 1) - 1, &v, NULL))
		return -1;
	a.nid = (int)v;
	it = cJSON_GetObjectItemCaseSensitive(o, "nodemask");
	zf_sc_subpath(sub, sizeof(sub), path, "nodemask");
	if (it && zf_sc_nodemask(p, it, sub, &a.nodemask))
		return -1;
	it = cJSON_GetObjectItemCaseSensitive(o, "handle");
	zf_sc_subpath(sub, sizeof(sub), path, "handle");
	if (it && zf_sc_name(p, it, sub, a.handle, sizeof(a.handle)))
		return -1;
	if (zf_sc_opt_bool(p, o, path, "quiet", &a.quiet))
		return -1;
	it = cJSON_GetObjectItemCaseSensitive(o, "expect");
	zf_sc_subpath(sub, sizeof(sub), path, "expect");
	if (it) {
		if (zf_sc_parse_expect(p, it, sub, &a.expect))
			return -1;
		a.has_expect = true;
	}
	it = cJSON_GetObjectItemCaseSensitive(o, "at_yield");
	zf_sc_subpath(sub, sizeof(sub), path, "at_yield");
	if (it && zf_sc_parse_at_yield(p, it, sub, depth, &a.at_yield))
		return -1;
	p->sc->ops[idx].u.alloc = a;
	return 0;
}

static int zf_sc_parse_lru_kind(struct zf_sc_parser *p, const cJSON *o, const char *path,
				bool required, enum zf_lru_kind *out)
{
	const cJSON *it = cJSON_GetObjectItemCaseSensitive(o, "kind");
	char sub[ZF_SC_PATH_LEN * 2];

	zf_sc_subpath(sub, sizeof(sub), path, "kind");
	if (!it) {
		if (required)
			return zf_sc_perr(p, sub, "missing");
		*out = ZF_LRU_FILE;
		return 0;
	}
	if (cJSON_IsString(it) && strcmp(it->valuestring, "anon") == 0)
		*out = ZF_LRU_ANON;
	else if (cJSON_IsString(it) && strcmp(it->valuestring, "file") == 0)
		*out = ZF_LRU_FILE;
	else
		return zf_sc_perr(p, sub, "expected \"anon\" or \"file\"");
	return 0;
}

static int zf_sc_parse_op(struct zf_sc_parser *p, const cJSON *o, const char *path,
			  unsigned int depth, uint32_t idx)
{
	const cJSON *it;
	char sub[ZF_SC_PATH_LEN * 2];
	int64_t v = 0;
	struct zf_sc_op op;

	if (!cJSON_IsObject(o))
		return zf_sc_perr(p, path, "expected an object with an \"op\" key");
	it = cJSON_GetObjectItemCaseSensitive(o, "op");
	zf_sc_subpath(sub, sizeof(sub), path, "op");
	int type = it && cJSON_IsString(it) ? zf_sc_op_parse(it->valuestring) : -1;
	if (type < 0)
		return zf_sc_perr(
		    p, sub,
		    "expected an operation name (alloc, free, lru_fill, lru_dirty, lru_activate, lru_release, set_task, kill, exit, isolate, unisolate, offline_zone, online_zone, poison, kswapd, kcompactd, compact, drain, advance, repeat)");
	p->sc->ops[idx].type = (enum zf_sc_op_type)type;
	if (type == ZF_SC_OP_ALLOC)
		return zf_sc_parse_alloc(p, o, path, depth, idx);

	memset(&op, 0, sizeof(op));
	op.type = (enum zf_sc_op_type)type;
	switch (op.type) {
	case ZF_SC_OP_FREE:
		if (zf_sc_check_keys(p, o, path,
				     (const char *const[]){"op", "handle", "task", NULL}))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(o, "handle");
		zf_sc_subpath(sub, sizeof(sub), path, "handle");
		if (!it)
			return zf_sc_perr(p, sub, "missing");
		if (zf_sc_name(p, it, sub, op.u.free.handle, sizeof(op.u.free.handle)))
			return -1;
		op.u.free.task = -1;
		if (cJSON_GetObjectItemCaseSensitive(o, "task") &&
		    zf_sc_task_ref(p, o, path, "task", false, &op.u.free.task))
			return -1;
		break;
	case ZF_SC_OP_LRU_FILL:
	case ZF_SC_OP_LRU_DIRTY:
	case ZF_SC_OP_LRU_ACTIVATE:
	case ZF_SC_OP_LRU_RELEASE:
		if (op.type == ZF_SC_OP_LRU_FILL) {
			if (zf_sc_check_keys(
				p, o, path,
				(const char *const[]){"op", "task", "kind", "pages", "gfp", NULL}))
				return -1;
		} else if (op.type == ZF_SC_OP_LRU_DIRTY) {
			if (zf_sc_check_keys(p, o, path,
					     (const char *const[]){"op", "task", "pages", NULL}))
				return -1;
		} else if (zf_sc_check_keys(
			       p, o, path,
			       (const char *const[]){"op", "task", "kind", "pages", NULL})) {
			return -1;
		}
		if (zf_sc_task_ref(p, o, path, "task", true, &op.u.lru.task))
			return -1;
		if (op.type != ZF_SC_OP_LRU_DIRTY &&
		    zf_sc_parse_lru_kind(p, o, path,
					 op.type != ZF_SC_OP_LRU_RELEASE &&
					     op.type != ZF_SC_OP_LRU_ACTIVATE,
					 &op.u.lru.kind))
			return -1;
		if (op.type == ZF_SC_OP_LRU_DIRTY)
			op.u.lru.kind = ZF_LRU_FILE;
		it = cJSON_GetObjectItemCaseSensitive(o, "pages");
		zf_sc_subpath(sub, sizeof(sub), path, "pages");
		if (!it)
			return zf_sc_perr(p, sub, "missing");
		if (zf_sc_int(p, it, sub, 0, INT64_C(1) << 32, &v))
			return -1;
		op.u.lru.pages = (uint64_t)v;
		it = cJSON_GetObjectItemCaseSensitive(o, "gfp");
		zf_sc_subpath(sub, sizeof(sub), path, "gfp");
		if (it && zf_sc_gfp(p, it, sub, &op.u.lru.gfp))
			return -1;
		break;
	case ZF_SC_OP_SET_TASK:
		if (zf_sc_check_keys(p, o, path,
				     (const char *const[]){"op", "task", "set", "clear", "mems",
							   "mempolicy", "oom_score_adj", NULL}))
			return -1;
		if (zf_sc_task_ref(p, o, path, "task", true, &op.u.set_task.task))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(o, "set");
		zf_sc_subpath(sub, sizeof(sub), path, "set");
		if (it && zf_sc_task_flags(p, it, sub, &op.u.set_task.set))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(o, "clear");
		zf_sc_subpath(sub, sizeof(sub), path, "clear");
		if (it && zf_sc_task_flags(p, it, sub, &op.u.set_task.clear))
			return -1;
		it = cJSON_GetObjectItemCaseSensitive(o, "mems");
		zf_sc_subpath(sub, sizeof(sub), path, "mems");
		if (it) {
			if (zf_sc_nodemask(p, it, sub, &op.u.set_task.mems))
				return -1;
			op.u.set_task.has_mems = true;
		}
		it = cJSON_GetObjectItemCaseSensitive(o, "mempolicy");
		zf_sc_subpath(sub, sizeof(sub), path, "mempolicy");
		if (it) {
			if (zf_sc_nodemask(p, it, sub, &op.u.set_task.mempolicy))
				return -1;
			op.u.set_task.has_mempolicy = true;
		}
		if (zf_sc_opt_int(p, o, path, "oom_score_adj", -1000, 1000, &v,
				  &op.u.set_task.has_oom_score_adj))
			return -1;
		if (op.u.set_task.has_oom_score_adj)
			op.u.set_task.oom_score_adj = (int)v;
		break;
	case ZF_SC_OP_KILL:
	case ZF_SC_OP_EXIT:
		if (zf_sc_check_keys(p, o, path, (const char *const[]){"op", "task", NULL}))
			return -1;
		if (zf_sc_task_ref(p, o, path, "task", false, &op.u.task.task))
			return -1;
		break;
	case ZF_SC_OP_ISOLATE:
	case ZF_SC_OP_UNISOLATE: {
		bool present;
		if (zf_sc_check_keys(p, o, path,
				     (const char *const[]){"op", "start_pfn", "pages", NULL}))
			return -1;
		v = 0;
		if (zf_sc_opt_int(p, o, path, "start_pfn", 0, ZF_SC_INT_MAX, &v, &present))
			return -1;
		zf_sc_subpath(sub, sizeof(sub), path, "start_pfn");
		if (!present)
			return zf_sc_perr(p, sub, "missing");
		op.u.range.start_pfn = (uint64_t)v;
		if (zf_sc_opt_int(p, o, path, "pages", 1, ZF_SC_INT_MAX, &v, &present))
			return -1;
		zf_sc_subpath(sub, sizeof(sub), path, "pages");
		if (!present)
			return zf_sc_perr(p, sub, "missing");
		op.u.range.pages = (uint64_t)v;
		break;
	}
	case ZF_SC_OP_OFFLINE_ZONE:
	case ZF_SC_OP_ONLINE_ZONE: {
		if (zf_sc_check_keys(
			p, o, path,
			type == ZF_SC_OP_ONLINE_ZONE
			    ? (const char *const[]){"op", "node", "zone", "racing_free", NULL}
			    : (const char *const[]){"op", "node", "zone", NULL}))
			return -1;
		/* online_zone "racing_free": TASK (planted bug B3, docs/scenario-format.md) */
		if (cJSON_GetObjectItemCaseSensitive(o, "racing_free")) {
			if (zf_sc_task_ref(p, o, path, "racing_free", false,
					   &op.u.zone.racing_task))
				return -1;
			op.u.zone.has_racing_free = true;
		}
		v = 0;
		if (zf_sc_opt_int(p, o, path, "node", 0,
				  (int64_t)(p->sc->cfg.nr_nodes ? p->sc->cfg.nr_nodes : 1) - 1, &v,
				  NULL))
			return -1;
		op.u.zone.node = (int)v;
		it = cJSON_GetObjectItemCaseSensitive(o, "zone");
		zf_sc_subpath(sub, sizeof(sub), path, "zone");
		op.u.zone.zone =
		    it && cJSON_IsString(it) ? zf_sc_zone_type_parse(it->valuestring) : -1;
		if (op.u.zone.zone < 0)
			return zf_sc_perr(p, sub,
					  "expected \"DMA\", \"DMA32\", \"Normal\" or \"Movable\"");
		break;
	}
	case ZF_SC_OP_POISON: {
		bool present;
		if (zf_sc_check_keys(p, o, path, (const char *const[]){"op", "pfn", NULL}))
			return -1;
		if (zf_sc_opt_int(p, o, path, "pfn", 0, ZF_SC_INT_MAX, &v, &present))
			return -1;
		zf_sc_subpath(sub, sizeof(sub), path, "pfn");
		if (!present)
			return zf_sc_perr(p, sub, "missing");
		op.u.poison.pfn = (uint64_t)v;
		break;
	}
	case ZF_SC_OP_KSWAPD:
	case ZF_SC_OP_KCOMPACTD:
	case ZF_SC_OP_COMPACT:
		if (zf_sc_check_keys(p, o, path, (const char *const[]){"op", "node", NULL}))
			return -1;
		/* compact without a node is /proc/sys/vm/compact_memory: every node. */
		v = op.type == ZF_SC_OP_COMPACT ? -1 : 0;
		if (zf_sc_opt_int(p, o, path, "node", op.type == ZF_SC_OP_COMPACT ? -1 : 0,
				  (int64_t)(p->sc->cfg.nr_nodes ? p->sc->cfg.nr_nodes : 1) - 1, &v,
				  NULL))
			return -1;
		op.u.node.node = (int)v;
		break;
	case ZF_SC_OP_DRAIN:
		if (zf_sc_check_keys(p, o, path, (const char *const[]){"op", NULL}))
			return -1;
		break;
	case ZF_SC_OP_ADVANCE:
		if (zf_sc_check_keys(p, o, path, (const char *const[]){"op", "ticks", NULL}))
			return -1;
		v = 1;
		if (zf_sc_opt_int(p, o, path, "ticks", 0, INT64_C(1) << 40, &v, NULL))
			return -1;
		op.u.advance.ticks = (uint64_t)v;
		break;
	case ZF_SC_OP_REPEAT: {
		struct zf_sc_range body;
		if (zf_sc_check_keys(p, o, path, (const char *const[]){"op", "times", "ops", NULL}))
			return -1;
		bool present;
		if (zf_sc_opt_int(p, o, path, "times", 0, ZF_SC_MAX_REPEAT, &v, &present))
			return -1;
		zf_sc_subpath(sub, sizeof(sub), path, "times");
		if (!present)
			return zf_sc_perr(p, sub, "missing");
		op.u.repeat.times = (uint64_t)v;
		it = cJSON_GetObjectItemCaseSensitive(o, "ops");
		zf_sc_subpath(sub, sizeof(sub), path, "ops");
		if (!it)
			return zf_sc_perr(p, sub, "missing");
		if (zf_sc_parse_ops(p, it, sub, depth + 1, &body))
			return -1;
		op.u.repeat.ops = body;
		break;
	}
	case ZF_SC_OP_ALLOC:
	case ZF_SC_NR_OP_TYPES:
		break;
	}
	p->sc->ops[idx] = op;
	return 0;
}

static int zf_sc_parse_ops(struct zf_sc_parser *p, const cJSON *arr, const char *path,
			   unsigned int depth, struct zf_sc_range *out)
{
	struct zf_sc_range r;
	const cJSON *o;
	uint32_t i = 0;

	if (depth > ZF_SC_MAX_DEPTH)
		return zf_sc_perr(p, path, "operations nested deeper than %d", ZF_SC_MAX_DEPTH);
	if (!cJSON_IsArray(arr))
		return zf_sc_perr(p, path, "expected an array of operations");
	/* Reserve the whole list first so that its ops are contiguous and every nested
	 * program is laid out after its owner (see zf_scenario_validate). */
	if (zf_scenario_reserve_ops(p->sc, (uint32_t)cJSON_GetArraySize(arr), &r))
		return zf_sc_perr(p, path, "too many operations (at most %d)", ZF_SC_MAX_OPS);
	cJSON_ArrayForEach(o, arr)
	{
		char op_path[ZF_SC_PATH_LEN * 2];
		zf_sc_idxpath(op_path, sizeof(op_path), path, (int)i);
		if (zf_sc_parse_op(p, o, op_path, depth, r.first + i))
			return -1;
		i++;
	}
	*out = r;
	return 0;
}

/* "line L, column C" of an offset, for JSON syntax errors. */
static void zf_sc_position(const char *text, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t i = 0; i < off && i < len; i++) {
		if (text[i] == '\n') {
			(*line)++;
			*col = 1;
		} else {
			(*col)++;
		}
	}
}

int zf_scenario_parse_json(const char *text, size_t len, struct zf_scenario *sc, char *err,
			   size_t errlen)
{
	struct zf_sc_parser p = {.sc = sc, .err = err, .errlen = errlen};
	const char *end = NULL;
	cJSON *root;
	const cJSON *it;
	int ret = -1;

	zf_scenario_init(sc);
	if (err && errlen)
		err[0] = '\0';
	if (!text) {
		zf_sc_perr(&p, "", "no input");
		return -1;
	}
	root = cJSON_ParseWithLengthOpts(text, len, &end, false);
	if (!root) {
		int line, col;
		size_t off = end && end >= text ? (size_t)(end - text) : 0;
		zf_sc_position(text, len, off, &line, &col);
		zf_sc_perr(&p, "", "invalid JSON at line %d, column %d", line, col);
		return -1;
	}
	/* Anything but whitespace after the document is an error too. */
	if (end) {
		for (const char *c = end; c < text + len; c++) {
			if (*c == '\0' && c + 1 == text + len)
				break;
			if (*c != ' ' && *c != '\t' && *c != '\n' && *c != '\r') {
				int line, col;
				zf_sc_position(text, len, (size_t)(c - text), &line, &col);
				zf_sc_perr(&p, "", "trailing characters at line %d, column %d",
					   line, col);
				goto out;
			}
		}
	}
	if (!cJSON_IsObject(root)) {
		zf_sc_perr(&p, "", "a scenario is a JSON object");
		goto out;
	}
	if (zf_sc_check_keys(&p, root, "",
			     (const char *const[]){"name", "description", "config",
						   "fail_page_alloc", "tasks", "ops", NULL}))
		goto out;
	it = cJSON_GetObjectItemCaseSensitive(root, "name");
	if (it) {
		if (!cJSON_IsString(it) || strlen(it->valuestring) >= sizeof(sc->name)) {
			zf_sc_perr(&p, "name", "expected a string of at most %zu characters",
				   sizeof(sc->name) - 1);
			goto out;
		}
		snprintf(sc->name, sizeof(sc->name), "%s", it->valuestring);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "description");
	if (it) {
		if (!cJSON_IsString(it)) {
			zf_sc_perr(&p, "description", "expected a string");
			goto out;
		}
		sc->description = strdup(it->valuestring);
		if (!sc->description) {
			zf_sc_perr(&p, "description", "out of memory");
			goto out;
		}
	}
	/* config first: tasks and ops are checked against its nodes and cpus. */
	it = cJSON_GetObjectItemCaseSensitive(root, "config");
	if (it && zf_sc_parse_config(&p, it))
		goto out;
	it = cJSON_GetObjectItemCaseSensitive(root, "fail_page_alloc");
	if (it && zf_sc_parse_fail_page_alloc(&p, it))
		goto out;
	it = cJSON_GetObjectItemCaseSensitive(root, "tasks");
	if (it) {
		if (zf_sc_parse_tasks(&p, it))
			goto out;
	} else {
		/* No task table: one task named "main" on CPU 0. */
		struct zf_sc_task t = {.name = "main"};
		zf_scenario_add_task(sc, &t);
	}
	it = cJSON_GetObjectItemCaseSensitive(root, "ops");
	if (!it) {
		zf_sc_perr(&p, "ops", "missing");
		goto out;
	}
	if (zf_sc_parse_ops(&p, it, "ops", 0, &sc->program))
		goto out;
	ret = 0;
out:
	cJSON_Delete(root);
	if (ret)
		zf_scenario_free(sc);
	return ret;
}
