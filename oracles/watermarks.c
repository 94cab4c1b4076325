/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_WATERMARKS ("watermarks"): the numbers the allocator derives at
 * set-up (boot and every memory hotplug recompute) are the ones the spec's
 * formulas give (spec §1.1, §3.1, §3.2; 4.12 page_alloc.c
 * init_per_zone_wmark_min, __setup_per_zone_wmarks,
 * setup_per_zone_lowmem_reserve, calculate_totalreserve_pages,
 * zone_batchsize, pageset_set_high_and_batch).
 *
 * The arithmetic below is this file's own, written from the spec; it reads
 * the model only through zf_inspect_*() and the configuration.
 *
 *  - the sysctls in force are the configuration's (watermark_scale_factor 0
 *    -> 10, lowmem_reserve_ratio 0 -> 256/256/32/32 and below 1 -> 1,
 *    percpu_pagelist_fraction);
 *  - min_free_kbytes: a configured value (>= 0) is kept as it is. From the
 *    formula, int_sqrt(lowmem_kbytes * 16) clamped to [128, 65536], lowmem
 *    being nr_free_buffer_pages(): the managed pages above the high mark of
 *    every zone up to NORMAL in the zonelist. Exactly at boot (every high
 *    mark 0; the oracle knows it is at boot while no zonelist rebuild
 *    happened, zonelist_seq 1 on every node) and after every
 *    ZONELIST_REBUILD event it saw (hotplug rebuilds the zonelists, then
 *    recomputes from the high marks still in place: the event reads them).
 *    Otherwise (a set reset on a machine that already went through hotplug)
 *    the clamp and the upper bound int_sqrt(64 * lowmem managed pages);
 *  - per zone: WMARK_MIN = pages_min * managed / lowmem_pages (64-bit floor),
 *    gap = max(min / 4, managed * watermark_scale_factor / 10000), LOW =
 *    MIN + gap, HIGH = MIN + 2 * gap, where a hot-removed zone's managed
 *    pages count 0 and lowmem_pages sums every zone (x86-64: no highmem,
 *    4.12 counts ZONE_MOVABLE as lowmem);
 *  - lowmem_reserve[j] of zone idx < j = (managed of zones idx+1 .. j of its
 *    node) / ratio[idx], 0 for j <= idx;
 *  - totalreserve_pages = sum over zones of min(managed, HIGH + max_{j >= idx}
 *    lowmem_reserve[j]) (from the zones' values as they are);
 *  - each CPU's pageset of each zone: high = 6 * batch with batch =
 *    rounddown_pow_of_two(b + b/2) - 1, b = max(1, min(managed / 1024, 128) / 4)
 *    (pageset batch at least 1); with percpu_pagelist_fraction, high =
 *    managed / fraction and batch = max(1, high / 4) capped at PAGE_SHIFT * 8;
 *    a hot-removed zone has the boot pageset (high 0, batch 1);
 *  - a zone's managed pages are the configuration's.
 *
 * Marks and reserves a caller put in place with zf_machine_override_zone()
 * (a captured real machine) are not judged: they come from another kernel.
 * Every profile follows 4.12's set-up: the model's profiles carry no flag for
 * the later changes (§8: 5.0 boosting, 5.7 min_free_kbytes cap, 5.14 pcp high,
 * 6.x ZONE_MOVABLE as highmem), and the oracle judges what the model claims.
 *
 * Cost: event ZONELIST_REBUILD O(zones); walk O(zones + cpus * zones).
 */
#include <string.h>

#include "oracle_internal.h"

#define WM_PAGE_SHIFT      12 /* x86-64, 4 KiB pages (spec §1.1) */
#define WM_MIN_FREE_FLOOR  128
#define WM_MIN_FREE_CEIL   65536
#define WM_BATCH_CAP_PAGES ((512 * 1024) >> WM_PAGE_SHIFT) /* zone_batchsize(): 512 KiB */
#define WM_SCALE_DEFAULT   10

static const unsigned int wm_default_ratio[ZF_MAX_NR_ZONES] = {256, 256, 32, 32};

struct wm_state {
	bool exact;   /* expect exactly 'expect' when min_free_kbytes comes from the formula */
	long expect;  /* the formula's min_free_kbytes for the last recompute */
	bool at_boot; /* expect was computed at reset (boot), not at a rebuild event */
};

/* floor(sqrt(x)) by bisection on y*y <= x. */
static uint64_t wm_isqrt(uint64_t x)
{
	uint64_t lo = 0, hi = UINT64_C(1) << 32;

	if (hi > x)
		hi = x + 1;
	while (hi - lo > 1) {
		uint64_t mid = lo + (hi - lo) / 2;

		if (mid <= x / mid)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/* The spec §1.1 default: int_sqrt(lowmem_kbytes * 16), clamped. */
static long wm_formula(uint64_t lowmem_pages)
{
	uint64_t kbytes = lowmem_pages << (WM_PAGE_SHIFT - 10);
	uint64_t v = wm_isqrt(kbytes * 16);

	if (v < WM_MIN_FREE_FLOOR)
		v = WM_MIN_FREE_FLOOR;
	if (v > WM_MIN_FREE_CEIL)
		v = WM_MIN_FREE_CEIL;
	return (long)v;
}

/* gfp_zone(GFP_USER): zones up to NORMAL count for nr_free_buffer_pages(). */
static bool wm_buffer_zone(const struct zf_zone_info *zi)
{
	return zi->idx <= ZF_ZONE_NORMAL;
}

/* Is the zone in the zonelists (populated and not hot-removed)? */
static bool wm_online(const struct zf_zone_info *zi)
{
	return zi->managed_pages && !zi->offline;
}

/*
 * nr_free_buffer_pages() as the zones stand now: every online zone up to
 * NORMAL, managed minus its high mark where positive. (Every node's fallback
 * zonelist holds every populated zone, so the sum is the same from any node.)
 * With use_high false, the high marks count 0 (boot, or an upper bound).
 */
static uint64_t wm_buffer_pages(const struct zf_oracle_set *c, const struct zf_machine *m,
				bool use_high)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	uint64_t sum = 0;

	for (int zid = 0; zid < zf_o_nr_zone_ids(g); zid++) {
		struct zf_zone_info zi;
		uint64_t high;

		if (zf_inspect_zone(m, zid, &zi) != 0 || !wm_online(&zi) || !wm_buffer_zone(&zi))
			continue;
		high = use_high ? zi.wmark[2] : 0;
		if (zi.managed_pages > high)
			sum += zi.managed_pages - high;
	}
	return sum;
}

static bool wm_all_zonelists_from_boot(const struct zf_oracle_set *c, const struct zf_machine *m)
{
	const struct zf_geometry *g = zf_oset_geometry(c);

	for (unsigned int nid = 0; nid < g->nr_nodes; nid++) {
		struct zf_node_info ni;

		if (zf_inspect_node(m, (int)nid, &ni) != 0 || ni.zonelist_seq != 1)
			return false;
	}
	return true;
}

static void wm_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct wm_state *st = p;

	memset(st, 0, sizeof(*st));
	if (zf_machine_config(m)->min_free_kbytes >= 0)
		return;
	/* boot: build_all_zonelists() once, then the formula with every high mark 0 */
	if (wm_all_zonelists_from_boot(c, m)) {
		st->exact = true;
		st->at_boot = true;
		st->expect = wm_formula(wm_buffer_pages(c, m, false));
	}
}

/*
 * Hotplug rebuilds the zonelists (the event), then init_per_zone_wmark_min()
 * sizes min_free_kbytes from the zones of the new zonelists and the high
 * marks still in place: both are what the zones show now.
 */
static void wm_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			const struct zf_event *ev)
{
	struct wm_state *st = p;

	if (ev->type != ZF_EV_ZONELIST_REBUILD || zf_machine_config(m)->min_free_kbytes >= 0)
		return;
	st->exact = true;
	st->at_boot = false;
	st->expect = wm_formula(wm_buffer_pages(c, m, true));
}

static unsigned int wm_ratio(const struct zf_config *cfg, int idx)
{
	unsigned int r = cfg->lowmem_reserve_ratio[idx];

	if (!r)
		r = wm_default_ratio[idx];
	return r < 1 ? 1 : r;
}

/* rounddown_pow_of_two(n), n >= 1 */
static int64_t wm_pow2_floor(int64_t n)
{
	int64_t r = 1;

	while (r * 2 <= n)
		r *= 2;
	return r;
}

/* 4.12 pageset_set_high_and_batch() (or the boot pageset of a removed zone) */
static void wm_pcp_expect(const struct zf_wmark_setup_info *wi, const struct zf_zone_info *zi,
			  int64_t *high, int64_t *batch)
{
	if (zi->offline) {
		/* zone_pcp_reset(): boot_pageset, pageset_set_batch(p, 0) */
		*high = 0;
		*batch = 1;
	} else if (wi->percpu_pagelist_fraction) {
		/* pageset_set_high() */
		*high = (int64_t)(zi->managed_pages / wi->percpu_pagelist_fraction);
		*batch = *high / 4 > 1 ? *high / 4 : 1;
		if (*high / 4 > WM_PAGE_SHIFT * 8)
			*batch = WM_PAGE_SHIFT * 8;
	} else {
		/* zone_batchsize(), then pageset_set_batch() */
		uint64_t b = zi->managed_pages / 1024;
		int64_t zb;

		if (b > WM_BATCH_CAP_PAGES)
			b = WM_BATCH_CAP_PAGES;
		zb = (int64_t)(b / 4);
		if (zb < 1)
			zb = 1;
		zb = wm_pow2_floor(zb + zb / 2) - 1;
		*high = 6 * zb;
		*batch = zb > 1 ? zb : 1;
	}
}

static void wm_check_sysctls(struct zf_oracle_set *c, const struct zf_machine *m,
			     const struct zf_config *cfg, const struct zf_wmark_setup_info *wi)
{
	unsigned int wsf =
	    cfg->watermark_scale_factor ? cfg->watermark_scale_factor : WM_SCALE_DEFAULT;

	if (wi->watermark_scale_factor != wsf)
		zf_oreport(c, m, NULL, -1,
			   "watermark_scale_factor in force %u != %u (the configuration's, "
			   "default 10)",
			   wi->watermark_scale_factor, wsf);
	/* sysctl_lowmem_reserve_ratio has MAX_NR_ZONES-1 entries: MOVABLE's is never read */
	for (int i = 0; i < ZF_MAX_NR_ZONES - 1; i++)
		if (wi->lowmem_reserve_ratio[i] != wm_ratio(cfg, i))
			zf_oreport(c, m, NULL, -1,
				   "lowmem_reserve_ratio[%d] in force %u != %u (the "
				   "configuration's, default 256/256/32, at least 1)",
				   i, wi->lowmem_reserve_ratio[i], wm_ratio(cfg, i));
	if (wi->percpu_pagelist_fraction != cfg->percpu_pagelist_fraction)
		zf_oreport(c, m, NULL, -1,
			   "percpu_pagelist_fraction in force %u != %u (the configuration's)",
			   wi->percpu_pagelist_fraction, cfg->percpu_pagelist_fraction);
}

static void wm_check_min_free(struct zf_oracle_set *c, const struct zf_machine *m,
			      const struct wm_state *st, const struct zf_config *cfg,
			      const struct zf_wmark_setup_info *wi)
{
	long bound;

	if (cfg->min_free_kbytes >= 0) {
		/* the sysctl set by the user is kept, through hotplug too */
		if (wi->min_free_kbytes != cfg->min_free_kbytes)
			zf_oreport(c, m, NULL, -1,
				   "min_free_kbytes %ld != %ld set by the configuration (a "
				   "user's sysctl is never recomputed)",
				   wi->min_free_kbytes, cfg->min_free_kbytes);
		return;
	}
	if (wi->min_free_kbytes < WM_MIN_FREE_FLOOR || wi->min_free_kbytes > WM_MIN_FREE_CEIL) {
		zf_oreport(c, m, NULL, -1,
			   "min_free_kbytes %ld from the kernel formula lies outside its clamp "
			   "[%d, %d] (spec §1.1)",
			   wi->min_free_kbytes, WM_MIN_FREE_FLOOR, WM_MIN_FREE_CEIL);
		return;
	}
	if (st->exact) {
		if (wi->min_free_kbytes != st->expect)
			zf_oreport(c, m, NULL, -1,
				   "min_free_kbytes %ld != %ld = clamp(int_sqrt(16 * lowmem "
				   "kbytes)) %s (spec §1.1)",
				   wi->min_free_kbytes, st->expect,
				   st->at_boot ? "at boot (every high mark 0)"
					       : "from the zones and high marks at the last "
						 "zonelist rebuild");
		return;
	}
	/* the high marks of the last recompute are unknown: they only lower lowmem */
	bound = wm_formula(wm_buffer_pages(c, m, false));
	if (wi->min_free_kbytes > bound)
		zf_oreport(c, m, NULL, -1,
			   "min_free_kbytes %ld exceeds %ld, the formula's value with every "
			   "high mark 0 (spec §1.1)",
			   wi->min_free_kbytes, bound);
}

static void wm_walk(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	const struct wm_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	const struct zf_config *cfg = zf_machine_config(m);
	const int nz = zf_o_nr_zone_ids(g);
	struct zf_zone_info zi[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES];
	uint64_t managed[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES];
	struct zf_wmark_setup_info wi;
	uint64_t lowmem_pages = 0, pages_min, totalreserve = 0;
	unsigned int wsf;

	if (nz > ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES)
		return;
	zf_inspect_wmark_setup(m, &wi);
	wm_check_sysctls(c, m, cfg, &wi);
	wm_check_min_free(c, m, st, cfg, &wi);

	for (int zid = 0; zid < nz; zid++) {
		if (zf_inspect_zone(m, zid, &zi[zid]) != 0) {
			memset(&zi[zid], 0, sizeof(zi[zid]));
			zi[zid].offline = true;
		}
		/* zone_managed(): a hot-removed zone holds no memory for these sums */
		managed[zid] = zi[zid].offline ? 0 : zi[zid].managed_pages;
		lowmem_pages += managed[zid];
	}

	/* the formulas take the sysctls in force (checked against the config above) */
	pages_min =
	    (uint64_t)(wi.min_free_kbytes < 0 ? 0 : wi.min_free_kbytes) >> (WM_PAGE_SHIFT - 10);
	wsf = wi.watermark_scale_factor;

	for (int zid = 0; zid < nz; zid++) {
		const struct zf_zone_info *z = &zi[zid];
		int idx = zf_o_zone_idx(zid), nid = zf_o_zone_nid(zid);
		uint64_t tmp, gap, want[3], rmax = 0, above = 0, reserve;

		if (z->managed_pages != cfg->zone_pages[nid][idx])
			zf_oreport(c, m, NULL, zid,
				   "zone %s node %d: managed_pages %llu != %llu configured",
				   z->name, nid, (unsigned long long)z->managed_pages,
				   (unsigned long long)cfg->zone_pages[nid][idx]);

		/* __setup_per_zone_wmarks (spec §3.1) */
		tmp = lowmem_pages ? pages_min * managed[zid] / lowmem_pages : 0;
		gap = managed[zid] * wsf / 10000;
		if (tmp / 4 > gap)
			gap = tmp / 4;
		want[0] = tmp;
		want[1] = tmp + gap;
		want[2] = tmp + 2 * gap;
		if (!z->wmark_overridden &&
		    (z->wmark[0] != want[0] || z->wmark[1] != want[1] || z->wmark[2] != want[2]))
			zf_oreport(
			    c, m, NULL, zid,
			    "zone %s node %d: watermarks min/low/high %llu/%llu/%llu != "
			    "%llu/%llu/%llu (min_free_kbytes %ld, managed %llu of %llu lowmem "
			    "pages, watermark_scale_factor %u; spec §3.1)",
			    z->name, nid, (unsigned long long)z->wmark[0],
			    (unsigned long long)z->wmark[1], (unsigned long long)z->wmark[2],
			    (unsigned long long)want[0], (unsigned long long)want[1],
			    (unsigned long long)want[2], wi.min_free_kbytes,
			    (unsigned long long)managed[zid], (unsigned long long)lowmem_pages,
			    wsf);

		/* setup_per_zone_lowmem_reserve (spec §3.2), zone idx against class zone j */
		for (int j = 0; j < ZF_MAX_NR_ZONES; j++) {
			uint64_t expect = 0;

			if (j > idx) {
				above += managed[nid * ZF_MAX_NR_ZONES + j];
				expect = above / wm_ratio(cfg, idx);
			}
			if (!z->wmark_overridden && z->lowmem_reserve[j] != expect)
				zf_oreport(
				    c, m, NULL, zid,
				    "zone %s node %d: lowmem_reserve[%d] %llu != %llu "
				    "(managed pages of zones %d..%d / ratio %u; spec §3.2)",
				    z->name, nid, j, (unsigned long long)z->lowmem_reserve[j],
				    (unsigned long long)expect, idx + 1, j, wm_ratio(cfg, idx));
			if (j >= idx && z->lowmem_reserve[j] > rmax)
				rmax = z->lowmem_reserve[j];
		}

		/* calculate_totalreserve_pages (spec §3.2), from the zone's values */
		reserve = rmax + z->wmark[2];
		if (reserve > managed[zid])
			reserve = managed[zid];
		totalreserve += reserve;

		/* the pagesets (spec §1.1 pcp batch / pcp high) */
		for (unsigned int cpu = 0; cpu < g->nr_cpus; cpu++) {
			struct zf_pcp_info pi;
			int64_t high, batch;

			if (zf_inspect_pcp(m, cpu, zid, &pi) != 0)
				continue;
			wm_pcp_expect(&wi, z, &high, &batch);
			if (pi.high != high || pi.batch != batch)
				zf_oreport(c, m, NULL, zid,
					   "zone %s node %d cpu %u: pcp high/batch %d/%d != "
					   "%lld/%lld (managed %llu%s, percpu_pagelist_fraction "
					   "%u; spec §1.1)",
					   z->name, nid, cpu, pi.high, pi.batch, (long long)high,
					   (long long)batch, (unsigned long long)z->managed_pages,
					   z->offline ? ", hot-removed" : "",
					   wi.percpu_pagelist_fraction);
		}
	}
	if (wi.totalreserve_pages != totalreserve)
		zf_oreport(c, m, NULL, -1,
			   "totalreserve_pages %llu != %llu = sum over zones of min(managed, high "
			   "+ largest lowmem_reserve) (spec §3.2)",
			   (unsigned long long)wi.totalreserve_pages,
			   (unsigned long long)totalreserve);
}

const struct zf_oracle_ops zf_oracle_watermarks = {
    .desc =
	{
	    .id = "ZF_INV_WATERMARKS",
	    .name = "watermarks",
	    .property = "the set-up values follow the spec's formulas: min_free_kbytes (the "
			"config's, or int_sqrt(16 * lowmem KiB) clamped to [128, 65536], exact "
			"at boot and after each hotplug rebuild), every zone's min/low/high "
			"marks, lowmem_reserve[], totalreserve_pages, the sysctls in force and "
			"every pageset's batch/high (zone_batchsize or percpu_pagelist_fraction; "
			"high 0, batch 1 for a hot-removed zone)",
	    .kernel_rule = "spec §1.1 (min_free_kbytes, pcp batch/high), §3.1 "
			   "(__setup_per_zone_wmarks), §3.2 (setup_per_zone_lowmem_reserve, "
			   "calculate_totalreserve_pages); 4.12 init_per_zone_wmark_min, "
			   "pageset_set_high_and_batch",
	    .cost = "event: O(zones) per ZONELIST_REBUILD; walk: O(zones + cpus * zones)",
	},
    .event_mask = ZF_EVBIT(ZONELIST_REBUILD),
    .state_size = sizeof(struct wm_state),
    .reset = wm_reset,
    .on_event = wm_on_event,
    .walk = wm_walk,
};
