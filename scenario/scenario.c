/* SPDX-License-Identifier: MIT */
/*
 * scenario.c - the in-memory scenario: name tables, building, validation.
 *
 * The scenario is plain data so that a fuzz-input decoder can produce it
 * without JSON; every nested program is a range of the one operation pool.
 */
#define _POSIX_C_SOURCE 200809L /* strcasecmp */

#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_internal.h"
#include "zonefuzz/scenario.h"

void zf_sc_fmt(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

/* names[k] of a table of n names (the enum's order); "?" out of range. */
static const char *zf_sc_table_name(const char *const *names, unsigned int n, unsigned int k)
{
	return k < n ? names[k] : "?";
}

/* The index of name in names[n] under cmp (strcmp, strcasecmp); -1 if absent. */
static int zf_sc_table_index(const char *const *names, int n, const char *name,
			     int (*cmp)(const char *, const char *))
{
	for (int i = 0; i < n; i++)
		if (cmp(name, names[i]) == 0)
			return i;
	return -1;
}

static const char *const zf_sc_op_names[ZF_SC_NR_OP_TYPES] = {
#define ZF_SC_OP_NAME(id, name) name,
    ZF_SC_OP_LIST(ZF_SC_OP_NAME)
#undef ZF_SC_OP_NAME
};

const char *zf_sc_op_name(enum zf_sc_op_type t)
{
	return zf_sc_table_name(zf_sc_op_names, ZF_SC_NR_OP_TYPES, (unsigned int)t);
}

int zf_sc_op_parse(const char *name)
{
	return zf_sc_table_index(zf_sc_op_names, ZF_SC_NR_OP_TYPES, name, strcmp);
}

/* Task flags as scenarios name them: the kernel's PF_ and TIF_ names, and
 * the model's task properties (machine.h) without their ZF_TASK_ prefix. */
static const struct {
	const char *name;
	uint32_t bit;
} zf_sc_task_flags[] = {
    {"PF_MEMALLOC", ZF_PF_MEMALLOC},
    {"PF_DUMPCORE", ZF_PF_DUMPCORE},
    {"PF_MEMALLOC_NOIO", ZF_PF_MEMALLOC_NOIO},
    {"PF_MEMALLOC_NOFS", ZF_PF_MEMALLOC_NOFS},
    {"PF_KTHREAD", ZF_PF_KTHREAD},
    {"PF_WQ_WORKER", ZF_PF_WQ_WORKER},
    {"PF_EXITING", ZF_PF_EXITING},
    {"TIF_MEMDIE", ZF_TIF_MEMDIE},
    {"FATAL_SIGNAL", ZF_TASK_FATAL_SIGNAL},
    {"RT", ZF_TASK_RT},
    {"UNKILLABLE", ZF_TASK_UNKILLABLE},
    {"STUCK", ZF_TASK_STUCK},
    {"MMAP_LOCKED", ZF_TASK_MMAP_LOCKED},
    {"IN_INTERRUPT", ZF_TASK_IN_INTERRUPT},
};

int zf_sc_task_flag_parse(const char *name, uint32_t *bit)
{
	for (size_t i = 0; i < sizeof(zf_sc_task_flags) / sizeof(zf_sc_task_flags[0]); i++) {
		if (strcmp(name, zf_sc_task_flags[i].name) == 0) {
			*bit = zf_sc_task_flags[i].bit;
			return 0;
		}
	}
	return -1;
}

const char *zf_sc_task_flag_name(uint32_t bit)
{
	for (size_t i = 0; i < sizeof(zf_sc_task_flags) / sizeof(zf_sc_task_flags[0]); i++)
		if (zf_sc_task_flags[i].bit == bit)
			return zf_sc_task_flags[i].name;
	return NULL;
}

/* Our own table rather than zf_yield_point_name(): these spellings are part
 * of the documented file format and must not move with the model. */
static const char *const zf_sc_yield_names[ZF_NR_YIELD_POINTS] = {
    [ZF_YIELD_AFTER_WAKE_KSWAPD] = "after_wake_kswapd",
    [ZF_YIELD_AT_RETRY] = "retry",
    [ZF_YIELD_AFTER_RECLAIM] = "after_reclaim",
    [ZF_YIELD_AFTER_COMPACT] = "after_compact",
    [ZF_YIELD_BEFORE_OOM] = "before_oom",
    [ZF_YIELD_IN_OOM_WAIT] = "in_oom_wait",
};

const char *zf_sc_yield_name(enum zf_yield_point yp)
{
	return zf_sc_table_name(zf_sc_yield_names, ZF_NR_YIELD_POINTS, (unsigned int)yp);
}

int zf_sc_yield_parse(const char *name)
{
	return zf_sc_table_index(zf_sc_yield_names, ZF_NR_YIELD_POINTS, name, strcmp);
}

/* The kernel's zone names (mm/page_alloc.c zone_names[] on x86-64). */
static const char *const zf_sc_zone_names[ZF_MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable"};

const char *zf_sc_zone_type_name(int zone_idx)
{
	/* a negative index wraps to a large unsigned one: "?" */
	return zf_sc_table_name(zf_sc_zone_names, ZF_MAX_NR_ZONES, (unsigned int)zone_idx);
}

int zf_sc_zone_type_parse(const char *name)
{
	return zf_sc_table_index(zf_sc_zone_names, ZF_MAX_NR_ZONES, name, strcasecmp);
}

void zf_sc_zone_id_format(char *buf, size_t len, int zone_id)
{
	if (zone_id < 0) {
		snprintf(buf, len, "none");
		return;
	}
	snprintf(buf, len, "Node %d %s", zone_id / ZF_MAX_NR_ZONES,
		 zf_sc_zone_type_name(zone_id % ZF_MAX_NR_ZONES));
}

int zf_sc_zone_id_parse(const char *s)
{
	int nid, n = 0;
	char name[16];

	if (sscanf(s, "Node %d %15s%n", &nid, name, &n) != 2 || s[n] != '\0')
		return -1;
	if (nid < 0 || nid >= ZF_MAX_NUMNODES)
		return -1;
	int idx = zf_sc_zone_type_parse(name);
	if (idx < 0)
		return -1;
	return nid * ZF_MAX_NR_ZONES + idx;
}

const char *zf_sc_result_name(enum zf_alloc_status s)
{
	switch (s) {
	case ZF_ALLOC_OK:
		return "page";
	case ZF_ALLOC_FAIL:
		return "fail";
	case ZF_ALLOC_ABORTED:
		return "aborted";
	}
	return "?";
}

static const char *const zf_sc_num_key_names[ZF_SC_NR_NUM_KEYS] = {
    [ZF_SC_NUM_ORDER] = "order",
    [ZF_SC_NUM_PFN] = "pfn",
    [ZF_SC_NUM_RETRIES] = "retries",
    [ZF_SC_NUM_RETRY_CPUSET] = "retry_cpuset",
    [ZF_SC_NUM_DIRECT_RECLAIM] = "direct_reclaim_calls",
    [ZF_SC_NUM_DIRECT_COMPACT] = "direct_compact_calls",
    [ZF_SC_NUM_OOM_INVOKED] = "oom_invoked",
    [ZF_SC_NUM_NOFAIL_LOOPS] = "nofail_loops",
    [ZF_SC_NUM_STALL_WARNINGS] = "stall_warnings",
};

const char *zf_sc_num_key_name(enum zf_sc_num_key k)
{
	return zf_sc_table_name(zf_sc_num_key_names, ZF_SC_NR_NUM_KEYS, (unsigned int)k);
}

void zf_scenario_init(struct zf_scenario *sc)
{
	memset(sc, 0, sizeof(*sc));
	zf_config_default(&sc->cfg);
	snprintf(sc->name, sizeof(sc->name), "unnamed");
}

void zf_scenario_free(struct zf_scenario *sc)
{
	if (!sc)
		return;
	free(sc->description);
	free(sc->ops);
	free(sc->yields);
	sc->description = NULL;
	sc->ops = NULL;
	sc->yields = NULL;
	sc->nr_ops = sc->cap_ops = 0;
	sc->nr_yields = sc->cap_yields = 0;
	sc->program.first = sc->program.count = 0;
}

int zf_scenario_find_task(const struct zf_scenario *sc, const char *name)
{
	for (unsigned int i = 0; i < sc->nr_tasks; i++)
		if (strcmp(sc->tasks[i].name, name) == 0)
			return (int)i;
	return -1;
}

int zf_scenario_add_task(struct zf_scenario *sc, const struct zf_sc_task *t)
{
	if (sc->nr_tasks >= ZF_MAX_TASKS)
		return -1;
	if (t->name[0] && zf_scenario_find_task(sc, t->name) >= 0)
		return -1;
	sc->tasks[sc->nr_tasks] = *t;
	sc->tasks[sc->nr_tasks].name[ZF_SC_NAME_LEN - 1] = '\0';
	return (int)sc->nr_tasks++;
}

/* Grow a pool by n zeroed entries (amortised doubling). */
static int zf_sc_pool_reserve(void **pool, uint32_t *nr, uint32_t *cap, size_t elem, uint32_t n,
			      struct zf_sc_range *r)
{
	if (n > ZF_SC_MAX_OPS || *nr > ZF_SC_MAX_OPS - n)
		return -1;
	if (*nr + n > *cap) {
		uint32_t ncap = *cap ? *cap : 16;
		while (ncap < *nr + n)
			ncap = ncap > ZF_SC_MAX_OPS / 2 ? ZF_SC_MAX_OPS : ncap * 2;
		void *p = realloc(*pool, (size_t)ncap * elem);
		if (!p)
			return -1;
		*pool = p;
		*cap = ncap;
	}
	if (n) /* an empty pool is NULL: memset(NULL, 0, 0) is still undefined */
		memset((char *)*pool + (size_t)*nr * elem, 0, (size_t)n * elem);
	r->first = *nr;
	r->count = n;
	*nr += n;
	return 0;
}

int zf_scenario_reserve_ops(struct zf_scenario *sc, uint32_t n, struct zf_sc_range *r)
{
	void *pool = sc->ops;
	int ret =
	    zf_sc_pool_reserve(&pool, &sc->nr_ops, &sc->cap_ops, sizeof(struct zf_sc_op), n, r);
	sc->ops = pool;
	return ret;
}

int zf_scenario_reserve_yields(struct zf_scenario *sc, uint32_t n, struct zf_sc_range *r)
{
	void *pool = sc->yields;
	int ret = zf_sc_pool_reserve(&pool, &sc->nr_yields, &sc->cap_yields,
				     sizeof(struct zf_sc_yield), n, r);
	sc->yields = pool;
	return ret;
}

static bool zf_sc_task_ok(const struct zf_scenario *sc, int task, bool allow_none)
{
	if (allow_none && task == -1)
		return true;
	return task >= 0 && (unsigned int)task < sc->nr_tasks;
}

/*
 * Check one program range. Nested ranges must lie strictly after the
 * operation that owns them: that is how the parser lays them out, and it
 * rules out cycles in a decoder-built scenario without a visited set.
 */
static int zf_sc_validate_range(const struct zf_scenario *sc, struct zf_sc_range r,
				uint32_t min_first, unsigned int depth, char *err, size_t errlen)
{
	if (depth > ZF_SC_MAX_DEPTH) {
		snprintf(err, errlen, "programs nested deeper than %d", ZF_SC_MAX_DEPTH);
		return -1;
	}
	if (r.count == 0)
		return 0;
	if (r.first < min_first || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first) {
		snprintf(err, errlen, "operation range %u+%u out of bounds", r.first, r.count);
		return -1;
	}
	for (uint32_t i = r.first; i < r.first + r.count; i++) {
		const struct zf_sc_op *op = &sc->ops[i];
		bool task_ok = true;

		switch (op->type) {
		case ZF_SC_OP_ALLOC: {
			const struct zf_sc_alloc *a = &op->u.alloc;
			task_ok = zf_sc_task_ok(sc, a->task, false);
			if (a->at_yield.count &&
			    (a->at_yield.first > sc->nr_yields ||
			     a->at_yield.count > sc->nr_yields - a->at_yield.first)) {
				snprintf(err, errlen, "op %u: at_yield range out of bounds", i);
				return -1;
			}
			for (uint32_t y = 0; y < a->at_yield.count; y++) {
				const struct zf_sc_yield *yd = &sc->yields[a->at_yield.first + y];
				if ((unsigned int)yd->point >= ZF_NR_YIELD_POINTS || yd->nth == 0) {
					snprintf(err, errlen, "op %u: bad yield entry", i);
					return -1;
				}
				if (zf_sc_validate_range(sc, yd->ops, i + 1, depth + 1, err,
							 errlen))
					return -1;
			}
			break;
		}
		case ZF_SC_OP_FREE:
			task_ok = zf_sc_task_ok(sc, op->u.free.task, true);
			break;
		case ZF_SC_OP_LRU_FILL:
		case ZF_SC_OP_LRU_DIRTY:
		case ZF_SC_OP_LRU_ACTIVATE:
		case ZF_SC_OP_LRU_RELEASE:
			task_ok = zf_sc_task_ok(sc, op->u.lru.task, false);
			break;
		case ZF_SC_OP_SET_TASK:
			task_ok = zf_sc_task_ok(sc, op->u.set_task.task, false);
			break;
		case ZF_SC_OP_KILL:
		case ZF_SC_OP_EXIT:
			task_ok = zf_sc_task_ok(sc, op->u.task.task, false);
			break;
		case ZF_SC_OP_REPEAT:
			if (op->u.repeat.times > ZF_SC_MAX_REPEAT) {
				snprintf(err, errlen, "op %u: repeat times out of range", i);
				return -1;
			}
			if (zf_sc_validate_range(sc, op->u.repeat.ops, i + 1, depth + 1, err,
						 errlen))
				return -1;
			break;
		default:
			if ((unsigned int)op->type >= ZF_SC_NR_OP_TYPES) {
				snprintf(err, errlen, "op %u: unknown type %d", i, (int)op->type);
				return -1;
			}
			break;
		}
		if (!task_ok) {
			snprintf(err, errlen, "op %u: task index out of range", i);
			return -1;
		}
	}
	return 0;
}

int zf_scenario_validate(const struct zf_scenario *sc, char *err, size_t errlen)
{
	if (sc->nr_ops > sc->cap_ops || sc->nr_yields > sc->cap_yields ||
	    sc->nr_tasks > ZF_MAX_TASKS) {
		snprintf(err, errlen, "pool counts out of range");
		return -1;
	}
	return zf_sc_validate_range(sc, sc->program, 0, 0, err, errlen);
}
