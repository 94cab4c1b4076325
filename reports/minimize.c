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
 * repeat counts, and the top level once more if the nested passes helped;
 * then a value pass (larger allocation orders that let other operations go)
 * and the top level again.
 *
 * Removal follows the data dependencies of decoded inputs: an operation
 * that frees a handle goes with the allocation that made it, as the
 * scenario runner rejects a free of an unknown handle (so plain ddmin
 * could never drop an alloc/free pair, one half at a time).
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
	unsigned int *order; /* per alloc op: the order the candidate uses */
	/* handle dependencies: hid[op] groups an alloc and the frees of its handle */
	int32_t *hid;
	bool *h_has_alloc, *h_alive;
	bool *live, *eff;
	const struct zf_tr_runopt *ro;
	const struct zf_report_signature *want;
	unsigned int budget, tests;
	bool exhausted;
	uint64_t min_repeat;
	bool (*accept)(const struct zf_scenario *cand, void *arg);
	void *accept_arg;
};

/* ------------------------------------------------------------------ */
/* laying a candidate out                                               */
/* ------------------------------------------------------------------ */
static int zf_tr_place(const struct zf_scenario *src, const bool *keep_op, const bool *keep_y,
		       const uint64_t *times, const unsigned int *order, struct zf_sc_range sr,
		       struct zf_scenario *dst, struct zf_sc_range *dr, unsigned int depth)
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
			if (zf_tr_place(src, keep_op, keep_y, times, order, op->u.repeat.ops, dst,
					&r, depth + 1))
				return -1;
			dst->ops[at].u.repeat.ops = r;
			dst->ops[at].u.repeat.times = times ? times[ref] : op->u.repeat.times;
		} else if (op->type == ZF_SC_OP_ALLOC) {
			struct zf_sc_range ar = op->u.alloc.at_yield, yr;
			uint32_t ny = 0, k = 0;
			if (order)
				dst->ops[at].u.alloc.order = order[ref];
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
				if (zf_tr_place(src, keep_op, keep_y, times, order, sy->ops, dst,
						&r, depth + 1))
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
		       const uint64_t *times, const unsigned int *order, struct zf_scenario *out)
{
	zf_scenario_init(out);
	memcpy(out->name, src->name, sizeof(out->name));
	out->description = src->description ? strdup(src->description) : NULL;
	out->cfg = src->cfg;
	out->fail_page_alloc = src->fail_page_alloc;
	out->nr_tasks = src->nr_tasks;
	memcpy(out->tasks, src->tasks, sizeof(out->tasks));
	if (zf_tr_place(src, keep_op, keep_y, times, order, src->program, out, &out->program, 0)) {
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
		rc = zf_tr_build(sc, ko, ky, NULL, NULL, out);
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
/* handle dependencies                                                  */
/* ------------------------------------------------------------------ */
static const char *zf_tr_op_handle(const struct zf_sc_op *op)
{
	if (op->type == ZF_SC_OP_ALLOC)
		return op->u.alloc.handle;
	if (op->type == ZF_SC_OP_FREE)
		return op->u.free.handle;
	return "";
}

/* Group every alloc with the frees of its handle (hid, -1: no handle). */
static int zf_tr_handle_groups(struct zf_tr_mctx *c)
{
	const struct zf_scenario *sc = c->src;
	uint32_t n = 0;

	for (uint32_t i = 0; i < sc->nr_ops; i++) {
		const char *h = zf_tr_op_handle(&sc->ops[i]);
		c->hid[i] = -1;
		if (!h[0])
			continue;
		for (uint32_t j = 0; j < i; j++) {
			if (c->hid[j] >= 0 && !strcmp(zf_tr_op_handle(&sc->ops[j]), h)) {
				c->hid[i] = c->hid[j];
				break;
			}
		}
		if (c->hid[i] < 0)
			c->hid[i] = (int32_t)n++;
		if (sc->ops[i].type == ZF_SC_OP_ALLOC)
			c->h_has_alloc[c->hid[i]] = true;
	}
	return 0;
}

/* live[op]: kept, and so are the repeat bodies / at_yield entries holding it. */
static void zf_tr_mark_live(struct zf_tr_mctx *c, struct zf_sc_range r, unsigned int depth)
{
	const struct zf_scenario *sc = c->src;

	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return;
	for (uint32_t i = 0; i < r.count; i++) {
		uint32_t ref = r.first + i;
		const struct zf_sc_op *op = &sc->ops[ref];
		if (!c->keep_op[ref])
			continue;
		c->live[ref] = true;
		if (op->type == ZF_SC_OP_REPEAT) {
			zf_tr_mark_live(c, op->u.repeat.ops, depth + 1);
		} else if (op->type == ZF_SC_OP_ALLOC) {
			struct zf_sc_range ar = op->u.alloc.at_yield;
			for (uint32_t y = 0; y < ar.count && ar.first + y < sc->nr_yields; y++)
				if (c->keep_y[ar.first + y])
					zf_tr_mark_live(c, sc->yields[ar.first + y].ops, depth + 1);
		}
	}
}

/*
 * The operations a candidate really holds: the kept ones, less the frees
 * whose allocation was removed. Returns how many live operations remain.
 */
static uint32_t zf_tr_effective(struct zf_tr_mctx *c)
{
	const struct zf_scenario *sc = c->src;
	uint32_t n = 0;

	memset(c->live, 0, (sc->nr_ops + 1) * sizeof(bool));
	memset(c->h_alive, 0, (sc->nr_ops + 1) * sizeof(bool));
	zf_tr_mark_live(c, sc->program, 0);
	for (uint32_t i = 0; i < sc->nr_ops; i++)
		if (c->live[i] && sc->ops[i].type == ZF_SC_OP_ALLOC && c->hid[i] >= 0)
			c->h_alive[c->hid[i]] = true;
	for (uint32_t i = 0; i < sc->nr_ops; i++) {
		int32_t h = c->hid[i];
		c->eff[i] = c->keep_op[i] && !(sc->ops[i].type == ZF_SC_OP_FREE && h >= 0 &&
					       c->h_has_alloc[h] && !c->h_alive[h]);
		n += c->live[i] && c->eff[i];
	}
	return n;
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
	zf_tr_effective(c);
	if (zf_tr_build(c->src, c->eff, c->keep_y, c->times, c->order, &cand))
		return false;
	if (c->accept && !c->accept(&cand, c->accept_arg)) {
		zf_scenario_free(&cand);
		return false;
	}
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

/*
 * One greedy sweep over the operations of one range (but `skip`): drop each
 * one whose removal keeps the signature. Returns true when one went.
 */
static bool zf_tr_sweep(struct zf_tr_mctx *c, struct zf_sc_range r, uint32_t skip)
{
	bool any = false;

	for (uint32_t i = 0; i < r.count && !c->exhausted; i++) {
		uint32_t ref = r.first + i;
		if (ref == skip || !c->keep_op[ref])
			continue;
		c->keep_op[ref] = false;
		if (zf_tr_mtest(c))
			any = true;
		else
			c->keep_op[ref] = true;
	}
	return any;
}

/*
 * Value pass ("simplify values", ecosystem notes §4.4): a larger order for
 * one allocation can stand in for several others of its program - B8's
 * seed fills a pageblock with orders 8, 7, 6, 4, 2, 1, 0 (and frees them),
 * where 8, 7, 6, 5 leave the same few pages free; a repeat body of four
 * order-2 allocations can become one of order 4. A raised order stays only
 * when it lets another allocation of the same program (top level, repeat
 * body or at_yield body) go, of at most as many pages as the raise adds:
 * the raise and the removal are tested together, since a finding that
 * needs free pages in a narrow window (a premature OOM) survives the pair
 * but neither half. So no value changes for nothing; an order stays below
 * MAX_ORDER (an order >= MAX_ORDER is another bug, B18).
 */
static void zf_tr_raise_orders(struct zf_tr_mctx *c, struct zf_sc_range r, unsigned int depth)
{
	const struct zf_scenario *sc = c->src;
	unsigned int max_order = sc->cfg.max_order ? sc->cfg.max_order : 11;

	if (depth > ZF_SC_MAX_DEPTH || r.first > sc->nr_ops || r.count > sc->nr_ops - r.first)
		return;
	for (uint32_t i = 0; i < r.count && !c->exhausted; i++) {
		uint32_t ref = r.first + i;
		const struct zf_sc_op *op = &sc->ops[ref];
		if (!c->keep_op[ref])
			continue;
		if (op->type == ZF_SC_OP_REPEAT) {
			zf_tr_raise_orders(c, op->u.repeat.ops, depth + 1);
			continue;
		}
		if (op->type != ZF_SC_OP_ALLOC)
			continue;
		for (uint32_t y = 0; y < op->u.alloc.at_yield.count; y++) {
			uint32_t yi = op->u.alloc.at_yield.first + y;
			if (yi < sc->nr_yields && c->keep_y[yi])
				zf_tr_raise_orders(c, sc->yields[yi].ops, depth + 1);
		}
		unsigned int orig = c->order[ref];
		zf_tr_effective(c);
		if (!c->live[ref])
			continue;
		for (unsigned int d = 1; d <= 2 && orig + d < max_order && !c->exhausted; d++) {
			/* pages the raise adds; an allocation of at most as many may go */
			uint64_t more = (UINT64_C(1) << (orig + d)) - (UINT64_C(1) << orig);
			bool kept = false;
			c->order[ref] = orig + d;
			for (uint32_t j = 0; j < r.count && !kept && !c->exhausted; j++) {
				uint32_t other = r.first + j;
				if (other == ref || !c->keep_op[other] ||
				    sc->ops[other].type != ZF_SC_OP_ALLOC ||
				    c->order[other] >= 64 ||
				    (UINT64_C(1) << c->order[other]) > more)
					continue;
				c->keep_op[other] = false;
				kept = zf_tr_mtest(c);
				if (!kept)
					c->keep_op[other] = true;
			}
			if (kept) {
				zf_tr_sweep(c, r, ref); /* it made room: whatever else goes */
				break;
			}
			c->order[ref] = orig;
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
	c.accept = mo->accept;
	c.accept_arg = mo->accept_arg;
	c.keep_op = malloc((sc->nr_ops + 1) * sizeof(bool));
	c.keep_y = malloc((sc->nr_yields + 1) * sizeof(bool));
	c.times = malloc((sc->nr_ops + 1) * sizeof(uint64_t));
	c.order = malloc((sc->nr_ops + 1) * sizeof(unsigned int));
	c.hid = malloc((sc->nr_ops + 1) * sizeof(int32_t));
	c.h_has_alloc = calloc(sc->nr_ops + 1, sizeof(bool));
	c.h_alive = calloc(sc->nr_ops + 1, sizeof(bool));
	c.live = calloc(sc->nr_ops + 1, sizeof(bool));
	c.eff = calloc(sc->nr_ops + 1, sizeof(bool));
	if (!c.keep_op || !c.keep_y || !c.times || !c.order || !c.hid || !c.h_has_alloc ||
	    !c.h_alive || !c.live || !c.eff)
		goto out;
	for (uint32_t i = 0; i < sc->nr_ops; i++) {
		c.keep_op[i] = true;
		c.times[i] = sc->ops[i].type == ZF_SC_OP_REPEAT ? sc->ops[i].u.repeat.times : 0;
		c.order[i] = sc->ops[i].type == ZF_SC_OP_ALLOC ? sc->ops[i].u.alloc.order : 0;
	}
	zf_tr_handle_groups(&c);
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
	/* 5. larger orders that let other operations go, then the top level again */
	uint32_t before_values = zf_tr_effective(&c);
	zf_tr_raise_orders(&c, sc->program, 0);
	if (zf_tr_effective(&c) < before_values && !c.exhausted)
		zf_tr_ddmin_range(&c, sc->program);

	zf_tr_effective(&c);
	rc = zf_tr_build(sc, c.eff, c.keep_y, c.times, c.order, out);
	if (!rc)
		st->ops_after = zf_tr_scenario_nr_ops(out);
out:
	st->tests = c.tests;
	st->budget_exhausted = c.exhausted;
	free(c.keep_op);
	free(c.keep_y);
	free(c.times);
	free(c.order);
	free(c.hid);
	free(c.h_has_alloc);
	free(c.h_alive);
	free(c.live);
	free(c.eff);
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
