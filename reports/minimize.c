/* SPDX-License-Identifier: MIT */
/*
 * reports/minimize.c - minimisation at operation granularity (ecosystem
 * notes §4.4: "delete whole ops (ddmin over op indices) ... check that the
 * invariant ID, not just a crash, reproduces"). A candidate keeps the same
 * signature, not merely some finding, so minimising never slides from one
 * bug to another.
 *
 * A candidate is the source scenario plus keep flags over its operation and
 * yield pools and a "times" per repeat; it is laid out into a fresh
 * scenario for each test. Passes: cut everything after the operation that
 * found the violation, ddmin over the top-level operations, ddmin over every
 * nested body (repeat bodies, at_yield lists and their bodies), the smallest
 * repeat counts, and the top level once more if the nested passes helped.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

struct zf_tr_mctx {
	const struct zf_scenario *src;
	bool *keep_op;
	bool *keep_y;
	uint64_t *times;
	const struct zf_tr_runopt *ro;
	const struct zf_report_signature *want;
	unsigned int budget, tests;
	bool exhausted;
	uint64_t min_repeat;
};

/* ------------------------------------------------------------------ */
/* laying a candidate out                                               */
/* ------------------------------------------------------------------ */
static int zf_tr_place(const struct zf_scenario *src, const bool *keep_op, const bool *keep_y,
		       const uint64_t *times, struct zf_sc_range sr, struct zf_scenario *dst,
		       struct zf_sc_range *dr, unsigned int depth)
{
	uint32_t n = 0, j;

	if (depth > ZF_SC_MAX_DEPTH || sr.first > src->nr_ops || sr.count > src->nr_ops - sr.first)
		return -1;
	for (uint32_t i = 0; i < sr.count; i++)
		n += keep_op[sr.first + i];
	if (!n) {
		/* nothing kept: an empty range (never reserve 0 entries of an empty pool) */
		*dr = (struct zf_sc_range){0, 0};
		return 0;
	}
	if (zf_scenario_reserve_ops(dst, n, dr))
		return -1;
	j = 0;
	for (uint32_t i = 0; i < sr.count; i++)
		if (keep_op[sr.first + i])
			dst->ops[dr->first + j++] = src->ops[sr.first + i];
	j = 0;
	for (uint32_t i = 0; i < sr.count; i++) {
		uint32_t ref = sr.first + i;
		const struct zf_sc_op *op = &src->ops[ref];
		uint32_t at = dr->first + j;

		if (!keep_op[ref])
			continue;
		j++;
		if (op->type == ZF_SC_OP_REPEAT) {
			struct zf_sc_range r;
			if (zf_tr_place(src, keep_op, keep_y, times, op->u.repeat.ops, dst, &r,
					depth + 1))
				return -1;
			dst->ops[at].u.repeat.ops = r;
			dst->ops[at].u.repeat.times = times ? times[ref] : op->u.repeat.times;
		} else if (op->type == ZF_SC_OP_ALLOC) {
			struct zf_sc_range ar = op->u.alloc.at_yield, yr;
			uint32_t ny = 0, k = 0;
			if (ar.first > src->nr_yields || ar.count > src->nr_yields - ar.first)
				return -1;
			for (uint32_t y = 0; y < ar.count; y++)
				ny += keep_y[ar.first + y];
			if (!ny) {
				dst->ops[at].u.alloc.at_yield = (struct zf_sc_range){0, 0};
				continue;
			}
			if (zf_scenario_reserve_yields(dst, ny, &yr))
				return -1;
			for (uint32_t y = 0; y < ar.count; y++) {
				const struct zf_sc_yield *sy = &src->yields[ar.first + y];
				struct zf_sc_range r;
				if (!keep_y[ar.first + y])
					continue;
				if (zf_tr_place(src, keep_op, keep_y, times, sy->ops, dst, &r,
						depth + 1))
					return -1;
				dst->yields[yr.first + k].point = sy->point;
				dst->yields[yr.first + k].nth = sy->nth;
				dst->yields[yr.first + k].ops = r;
				k++;
			}
			dst->ops[at].u.alloc.at_yield = yr;
		}
	}
	return 0;
}

static int zf_tr_build(const struct zf_scenario *src, const bool *keep_op, const bool *keep_y,
		       const uint64_t *times, struct zf_scenario *out)
{
	zf_scenario_init(out);
	memcpy(out->name, src->name, sizeof(out->name));
	out->description = src->description ? strdup(src->description) : NULL;
	out->cfg = src->cfg;
	out->nr_tasks = src->nr_tasks;
	memcpy(out->tasks, src->tasks, sizeof(out->tasks));
	if (zf_tr_place(src, keep_op, keep_y, times, src->program, out, &out->program, 0)) {
		zf_scenario_free(out);
		return -1;
	}
	return 0;
}

int zf_tr_scenario_copy(const struct zf_scenario *sc, struct zf_scenario *out)
{
	bool *ko = malloc((sc->nr_ops + 1) * sizeof(bool));
	bool *ky = malloc((sc->nr_yields + 1) * sizeof(bool));
	int rc = -1;

	if (ko && ky) {
		for (uint32_t i = 0; i < sc->nr_ops; i++)
			ko[i] = true;
		for (uint32_t i = 0; i < sc->nr_yields; i++)
			ky[i] = true;
		rc = zf_tr_build(sc, ko, ky, NULL, out);
	}
	free(ko);
	free(ky);
	return rc;
}

static uint32_t zf_tr_count_range(const struct zf_scenario *sc, struct zf_sc_range r,
				  unsigned int depth)
{
	uint32_t n = 0;
	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return 0;
	for (uint32_t i = 0; i < r.count; i++) {
		const struct zf_sc_op *op = &sc->ops[r.first + i];
		n++;
		if (op->type == ZF_SC_OP_REPEAT)
			n += zf_tr_count_range(sc, op->u.repeat.ops, depth + 1);
		else if (op->type == ZF_SC_OP_ALLOC)
			for (uint32_t y = 0; y < op->u.alloc.at_yield.count &&
					     op->u.alloc.at_yield.first + y < sc->nr_yields;
			     y++)
				n += zf_tr_count_range(
				    sc, sc->yields[op->u.alloc.at_yield.first + y].ops, depth + 1);
	}
	return n;
}

uint32_t zf_tr_scenario_nr_ops(const struct zf_scenario *sc)
{
	return zf_tr_count_range(sc, sc->program, 0);
}

/* ------------------------------------------------------------------ */
/* the test and ddmin                                                   */
/* ------------------------------------------------------------------ */
static bool zf_tr_mtest(struct zf_tr_mctx *c)
{
	struct zf_scenario cand;
	struct zf_tr_outcome o;
	bool same;

	if (c->tests >= c->budget) {
		c->exhausted = true;
		return false;
	}
	c->tests++;
	if (zf_tr_build(c->src, c->keep_op, c->keep_y, c->times, &cand))
		return false;
	zf_tr_run(&cand, c->ro, NULL, &o);
	zf_scenario_free(&cand);
	same = o.found && !strcmp(o.sig.key, c->want->key);
	return same;
}

/*
 * ddmin (Zeller & Hildebrandt) over the flags flags[items[0..n)], all set on
 * entry; reduces to complement tests, which reach 1-minimality at the finest
 * granularity. Returns the number of items still kept.
 */
static size_t zf_tr_ddmin(struct zf_tr_mctx *c, bool *flags, uint32_t *items, size_t n)
{
	size_t gran = 2;

	while (n > 0 && !c->exhausted) {
		size_t chunk = (n + gran - 1) / gran;
		bool reduced = false;

		for (size_t start = 0; start < n; start += chunk) {
			size_t end = start + chunk < n ? start + chunk : n;
			for (size_t i = start; i < end; i++)
				flags[items[i]] = false;
			if (zf_tr_mtest(c)) {
				memmove(items + start, items + end, (n - end) * sizeof(*items));
				n -= end - start;
				gran = gran > 2 ? gran - 1 : 2;
				reduced = true;
				break;
			}
			for (size_t i = start; i < end; i++)
				flags[items[i]] = true;
			if (c->exhausted)
				break;
		}
		if (!reduced) {
			if (gran >= n)
				break;
			gran = gran * 2 < n ? gran * 2 : n;
		}
	}
	return n;
}

/* ddmin over the kept operations of one range. */
static void zf_tr_ddmin_range(struct zf_tr_mctx *c, struct zf_sc_range r)
{
	uint32_t *items = malloc((r.count + 1) * sizeof(*items));
	size_t n = 0;
	if (!items)
		return;
	for (uint32_t i = 0; i < r.count; i++)
		if (c->keep_op[r.first + i])
			items[n++] = r.first + i;
	zf_tr_ddmin(c, c->keep_op, items, n);
	free(items);
}

/* Smallest repeat count that keeps the signature (binary search; a heuristic). */
static void zf_tr_shrink_times(struct zf_tr_mctx *c, uint32_t ref)
{
	uint64_t lo = c->min_repeat, hi = c->times[ref];
	if (hi <= lo)
		return;
	while (lo < hi && !c->exhausted) {
		uint64_t mid = lo + (hi - lo) / 2;
		c->times[ref] = mid;
		if (zf_tr_mtest(c))
			hi = mid;
		else
			lo = mid + 1;
	}
	c->times[ref] = hi;
}

static void zf_tr_min_nested(struct zf_tr_mctx *c, struct zf_sc_range r, unsigned int depth)
{
	const struct zf_scenario *sc = c->src;

	if (depth > ZF_SC_MAX_DEPTH)
		return;
	for (uint32_t i = 0; i < r.count && !c->exhausted; i++) {
		uint32_t ref = r.first + i;
		const struct zf_sc_op *op = &sc->ops[ref];
		if (!c->keep_op[ref])
			continue;
		if (op->type == ZF_SC_OP_REPEAT) {
			zf_tr_ddmin_range(c, op->u.repeat.ops);
			zf_tr_min_nested(c, op->u.repeat.ops, depth + 1);
			zf_tr_shrink_times(c, ref);
		} else if (op->type == ZF_SC_OP_ALLOC && op->u.alloc.at_yield.count) {
			struct zf_sc_range ar = op->u.alloc.at_yield;
			uint32_t *items = malloc((ar.count + 1) * sizeof(*items));
			size_t n = 0;
			if (!items)
				continue;
			for (uint32_t y = 0; y < ar.count; y++)
				if (c->keep_y[ar.first + y])
					items[n++] = ar.first + y;
			zf_tr_ddmin(c, c->keep_y, items, n);
			free(items);
			for (uint32_t y = 0; y < ar.count && !c->exhausted; y++) {
				if (!c->keep_y[ar.first + y])
					continue;
				zf_tr_ddmin_range(c, sc->yields[ar.first + y].ops);
				zf_tr_min_nested(c, sc->yields[ar.first + y].ops, depth + 1);
			}
		}
	}
}

int zf_tr_minimize(const struct zf_scenario *sc, const struct zf_tr_runopt *ro,
		   const struct zf_report_signature *want, const struct zf_tr_minopt *mo,
		   struct zf_scenario *out, struct zf_tr_minstats *st)
{
	struct zf_tr_mctx c;
	struct zf_tr_outcome o;
	int rc = -1;

	memset(&c, 0, sizeof(c));
	memset(st, 0, sizeof(*st));
	c.src = sc;
	c.ro = ro;
	c.want = want;
	c.budget = mo->budget ? mo->budget : 1;
	c.min_repeat = mo->min_repeat;
	c.keep_op = malloc((sc->nr_ops + 1) * sizeof(bool));
	c.keep_y = malloc((sc->nr_yields + 1) * sizeof(bool));
	c.times = malloc((sc->nr_ops + 1) * sizeof(uint64_t));
	if (!c.keep_op || !c.keep_y || !c.times)
		goto out;
	for (uint32_t i = 0; i < sc->nr_ops; i++) {
		c.keep_op[i] = true;
		c.times[i] = sc->ops[i].type == ZF_SC_OP_REPEAT ? sc->ops[i].u.repeat.times : 0;
	}
	for (uint32_t i = 0; i < sc->nr_yields; i++)
		c.keep_y[i] = true;
	st->ops_before = zf_tr_scenario_nr_ops(sc);

	/* 1. the run stops after the violating operation: what follows never ran */
	zf_tr_run(sc, ro, NULL, &o);
	if (o.found && !strcmp(o.sig.key, want->key)) {
		uint32_t p = zf_tr_program_index_of_exec(sc, o.f.op_index);
		if (p + 1 < sc->program.count) {
			for (uint32_t i = p + 1; i < sc->program.count; i++)
				c.keep_op[sc->program.first + i] = false;
			if (!zf_tr_mtest(&c))
				for (uint32_t i = p + 1; i < sc->program.count; i++)
					c.keep_op[sc->program.first + i] = true;
		}
	}
	/* 2. whole top-level operations; 3. nested programs; 4. top level again */
	zf_tr_ddmin_range(&c, sc->program);
	unsigned int before_nested = c.tests;
	zf_tr_min_nested(&c, sc->program, 0);
	if (c.tests != before_nested && !c.exhausted)
		zf_tr_ddmin_range(&c, sc->program);

	rc = zf_tr_build(sc, c.keep_op, c.keep_y, c.times, out);
	if (!rc)
		st->ops_after = zf_tr_scenario_nr_ops(out);
out:
	st->tests = c.tests;
	st->budget_exhausted = c.exhausted;
	free(c.keep_op);
	free(c.keep_y);
	free(c.times);
	return rc;
}

/* ------------------------------------------------------------------ */
/* handles renumbered for zf_encode()                                   */
/* ------------------------------------------------------------------ */
struct zf_tr_hmap {
	char from[ZF_SC_NAME_LEN], to[ZF_SC_NAME_LEN];
};

static bool zf_tr_decoder_handle(const char *h)
{
	if (h[0] != 'h' || !h[1])
		return false;
	for (const char *s = h + 1; *s; s++)
		if (*s < '0' || *s > '9')
			return false;
	return true;
}

static int zf_tr_collect_allocs(const struct zf_scenario *sc, struct zf_sc_range r,
				struct zf_tr_hmap *map, uint32_t *n, uint32_t cap,
				unsigned int depth)
{
	if (depth > ZF_SC_MAX_DEPTH)
		return -1;
	for (uint32_t i = 0; i < r.count; i++) {
		const struct zf_sc_op *op = &sc->ops[r.first + i];
		if (op->type == ZF_SC_OP_ALLOC) {
			if (!zf_tr_decoder_handle(op->u.alloc.handle) || *n >= cap)
				return -1;
			for (uint32_t k = 0; k < *n; k++)
				if (!strcmp(map[k].from, op->u.alloc.handle))
					return -1; /* one name, two allocations: not a decoded input
						    */
			snprintf(map[*n].from, sizeof(map[*n].from), "%s", op->u.alloc.handle);
			snprintf(map[*n].to, sizeof(map[*n].to), "h%u", *n);
			(*n)++;
			for (uint32_t y = 0; y < op->u.alloc.at_yield.count; y++)
				if (zf_tr_collect_allocs(
					sc, sc->yields[op->u.alloc.at_yield.first + y].ops, map, n,
					cap, depth + 1))
					return -1;
		} else if (op->type == ZF_SC_OP_REPEAT) {
			if (zf_tr_collect_allocs(sc, op->u.repeat.ops, map, n, cap, depth + 1))
				return -1;
		}
	}
	return 0;
}

int zf_tr_renumber_handles(struct zf_scenario *sc)
{
	uint32_t n = 0, cap = sc->nr_ops + 1;
	struct zf_tr_hmap *map = calloc(cap, sizeof(*map));
	if (!map)
		return -1;
	/* the encoder numbers allocations depth first: op, its at_yield bodies, repeat bodies */
	if (zf_tr_collect_allocs(sc, sc->program, map, &n, cap, 0)) {
		free(map);
		return -1;
	}
	for (uint32_t i = 0; i < sc->nr_ops; i++) {
		char *h = NULL;
		if (sc->ops[i].type == ZF_SC_OP_ALLOC)
			h = sc->ops[i].u.alloc.handle;
		else if (sc->ops[i].type == ZF_SC_OP_FREE)
			h = sc->ops[i].u.free.handle;
		if (!h)
			continue;
		for (uint32_t k = 0; k < n; k++) {
			if (!strcmp(map[k].from, h)) {
				snprintf(h, ZF_SC_NAME_LEN, "%s", map[k].to);
				break;
			}
		}
	}
	free(map);
	return 0;
}
