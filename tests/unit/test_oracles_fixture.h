/* SPDX-License-Identifier: MIT */
/*
 * tests/unit/test_oracles_fixture.h - what the oracle unit tests share: a
 * machine with the oracle set hooked in, synthetic events for crafted
 * violations, and a mixed workload that stays clear of OOM (the situations
 * in which 4.12 itself trips the oracles are tested on their own).
 */
#ifndef ZF_TEST_ORACLES_FIXTURE_H
#define ZF_TEST_ORACLES_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "zonefuzz/oracle.h"
#include "zf_test.h"

#define OFIX_TASKS 4

struct ofix {
	struct zf_machine *m;
	struct zf_oracle_set *s;
	int task[OFIX_TASKS];
	uint64_t op;
	uint64_t seq; /* synthetic event numbers */
};

/* A copy of oracles/registry.c's bit for one oracle, by name ("" or NULL = all). */
static inline uint64_t ofix_only(const char *name)
{
	int i = name && *name ? zf_oracle_lookup(name) : -1;
	return i < 0 ? 0 : UINT64_C(1) << i;
}

static inline void ofix_dump(const struct ofix *f)
{
	for (size_t i = 0; i < zf_oracles_nr_findings(f->s); i++) {
		char buf[1024];
		zf_finding_format(buf, sizeof(buf), zf_oracles_finding(f->s, i));
		fprintf(stderr, "    finding: %s\n", buf);
	}
}

/* Create the machine, the tasks (with task_flags) and the oracle set (enabled: 0 = all). */
static inline bool ofix_init_tasks(struct ofix *f, const struct zf_config *cfg, uint64_t enabled,
				   unsigned int walk_interval, uint32_t task_flags)
{
	char err[256];
	memset(f, 0, sizeof(*f));
	f->m = zf_machine_create(cfg, err, sizeof(err));
	if (!f->m) {
		fprintf(stderr, "zf_machine_create: %s\n", err);
		return false;
	}
	for (int i = 0; i < OFIX_TASKS; i++) {
		struct zf_task_config tc = {
		    .name = "otest", .cpu = (unsigned int)i % cfg->nr_cpus, .flags = task_flags};
		f->task[i] = zf_task_create(f->m, &tc);
	}
	struct zf_oracle_options o = {
	    .enabled = enabled, .walk_interval = walk_interval, .max_findings = 256};
	f->s = zf_oracles_create(&o);
	if (!f->s)
		return false;
	zf_oracles_reset(f->s, f->m);
	struct zf_hooks h = {.priv = f->s, .on_event = zf_oracles_event_hook};
	zf_machine_set_hooks(f->m, &h);
	return true;
}

static inline bool ofix_init(struct ofix *f, const struct zf_config *cfg, uint64_t enabled,
			     unsigned int walk_interval)
{
	return ofix_init_tasks(f, cfg, enabled, walk_interval, 0);
}

static inline int ofix_alloc(struct ofix *f, int task, zf_gfp_t gfp, unsigned int order,
			     struct zf_alloc_result *res)
{
	struct zf_alloc_request rq = {
	    .task = task, .gfp = gfp, .order = order, .preferred_nid = -1};
	zf_oracles_begin_op(f->s, f->m, f->op);
	int rc = zf_alloc_pages(f->m, &rq, res);
	zf_oracles_end_op(f->s, f->m, f->op++);
	return rc;
}

/*
 * Hold every page an order-0 GFP_KERNEL request of task can get (kernel memory: not
 * reclaimable, not in any RSS). With unkillable tasks the request that finally fails
 * finds nobody to kill. Returns the pages taken; the oracle set is reset afterwards
 * so that a test judges only what follows.
 */
static inline uint64_t ofix_exhaust(struct ofix *f, int task)
{
	struct zf_alloc_result res;
	uint64_t n = 0;
	while (ofix_alloc(f, task, ZF_GFP_KERNEL | ZF_GFP_NOWARN, 0, &res) == 0 &&
	       res.status == ZF_ALLOC_OK)
		n++;
	zf_oracles_reset(f->s, f->m);
	return n;
}

static inline void ofix_fini(struct ofix *f)
{
	zf_oracles_destroy(f->s);
	zf_machine_destroy(f->m);
}

static inline size_t ofix_count(const struct ofix *f, const char *oracle)
{
	return zf_oracles_nr_findings_of(f->s, oracle);
}

/* Did some finding of this oracle mention text? */
static inline bool ofix_has(const struct ofix *f, const char *oracle, const char *text)
{
	int idx = zf_oracle_lookup(oracle);
	for (size_t i = 0; i < zf_oracles_nr_findings(f->s); i++) {
		const struct zf_finding *fd = zf_oracles_finding(f->s, i);
		if (idx >= 0 && strcmp(fd->oracle_id, zf_oracle_desc((size_t)idx)->id))
			continue;
		if (strstr(fd->message, text))
			return true;
	}
	return false;
}

static inline void ofix_walk(struct ofix *f)
{
	zf_oracles_walk(f->s, f->m);
}

/* Feed one synthetic event, as the model would have emitted it now. */
static inline void ofix_event(struct ofix *f, enum zf_event_type type, unsigned int label,
			      int zone_id, uint64_t pfn, unsigned int order, int64_t a, int64_t b,
			      int64_t c, int task, zf_gfp_t gfp, uint32_t alloc_flags)
{
	struct zf_event ev;
	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.label = (uint16_t)label;
	ev.task = (int16_t)task;
	ev.zone_id = (int16_t)zone_id;
	ev.order = (uint8_t)order;
	ev.gfp = gfp;
	ev.alloc_flags = alloc_flags;
	ev.pfn = pfn;
	ev.a = a;
	ev.b = b;
	ev.c = c;
	ev.seq = 1000000 + f->seq++;
	ev.jiffies = zf_jiffies(f->m);
	ev.func = "synthetic_site";
	ev.file = "test_oracles";
	ev.line = 4242;
	zf_oracles_on_event(f->s, f->m, &ev);
}

/* A free pfn heading a block of at least min_order in zone_id (first list found), or NO_PAGE. */
static inline uint64_t ofix_free_block(struct ofix *f, int zone_id, unsigned int min_order,
				       unsigned int *order, int *mt)
{
	for (unsigned int o = f->m->max_order; o-- > min_order;) {
		for (int t = 0; t < ZF_MIGRATE_TYPES; t++) {
			uint64_t pfn = zf_inspect_free_list_first(f->m, zone_id, o, t);
			if (pfn != ZF_NO_PAGE) {
				*order = o;
				*mt = t;
				return pfn;
			}
		}
	}
	return ZF_NO_PAGE;
}

static inline uint64_t ofix_rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * A mixed workload that keeps well below the watermarks: order 0..9
 * allocations with several gfp classes (atomic high orders create highatomic
 * reserves), frees, page cache and anon LRU pages with swap, dirtying,
 * reclaim by kswapd, compaction, drains, time, isolating and releasing a
 * MAX_ORDER block of ZONE_NORMAL. At most ~half of memory is
 * held, so no allocation reaches the OOM killer.
 */
static inline void ofix_workload(struct ofix *f, uint64_t seed, unsigned int nops)
{
	static const zf_gfp_t gfps[] = {
	    ZF_GFP_KERNEL,
	    ZF_GFP_HIGHUSER_MOVABLE,
	    ZF_GFP_ATOMIC_MASK,
	    ZF_GFP_NOWAIT,
	    ZF_GFP_KERNEL | ZF_GFP_NORETRY,
	    ZF_GFP_NOFS,
	    ZF_GFP_KERNEL | ZF_GFP_DMA32,
	    ZF_GFP_TRANSHUGE,
	    ZF_GFP_KERNEL | ZF_GFP_REPEAT,
	};
	struct held {
		uint64_t pfn;
		unsigned int order;
		int task;
	} held[512];
	unsigned int nh = 0;
	uint64_t held_pages = 0, total = 0, s = seed | 1, iso = ZF_NO_PAGE;
	uint64_t iso_len = UINT64_C(1) << (f->m->max_order - 1);
	const struct zone *normal = &f->m->nodes[0].node_zones[ZONE_NORMAL];
	struct zf_geometry g;
	zf_inspect_geometry(f->m, &g);
	for (int zid = 0; zid < (int)g.nr_nodes * ZF_MAX_NR_ZONES; zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(f->m, zid, &zi) == 0)
			total += zi.managed_pages;
	}
	for (unsigned int i = 0; i < nops; i++) {
		unsigned int k = (unsigned int)(ofix_rnd(&s) % 100);
		int t = f->task[ofix_rnd(&s) % OFIX_TASKS];
		uint64_t lru = 0;
		for (int j = 0; j < OFIX_TASKS; j++) {
			struct zf_task_info ti;
			if (zf_inspect_task(f->m, f->task[j], &ti) == 0)
				lru += ti.rss_anon + ti.rss_file + ti.swapents;
		}
		zf_oracles_begin_op(f->s, f->m, f->op);
		if (k < 40 && nh < 512 && held_pages < total / 4) {
			struct zf_alloc_request rq = {
			    .task = t,
			    .gfp = gfps[ofix_rnd(&s) % (sizeof(gfps) / sizeof(gfps[0]))],
			    .order = (ofix_rnd(&s) % 4) ? 0 : (unsigned int)(ofix_rnd(&s) % 10),
			    .preferred_nid = -1};
			struct zf_alloc_result res;
			if (zf_alloc_pages(f->m, &rq, &res) == 0 && res.status == ZF_ALLOC_OK) {
				held[nh++] = (struct held){res.pfn, rq.order, t};
				held_pages += UINT64_C(1) << rq.order;
			}
		} else if (k < 65 && nh) {
			unsigned int j = (unsigned int)(ofix_rnd(&s) % nh);
			zf_free_pages(f->m, held[j].task, held[j].pfn, held[j].order);
			held_pages -= UINT64_C(1) << held[j].order;
			held[j] = held[--nh];
		} else if (k < 78 && lru < total / 4) {
			zf_lru_fill(f->m, t, (enum zf_lru_kind)(ofix_rnd(&s) % 2),
				    ofix_rnd(&s) % 150, 0);
		} else if (k < 84) {
			zf_lru_release(f->m, t, (enum zf_lru_kind)(ofix_rnd(&s) % 2),
				       ofix_rnd(&s) % 150);
		} else if (k < 87) {
			zf_lru_dirty(f->m, t, ofix_rnd(&s) % 50);
		} else if (k < 91) {
			zf_advance_time(f->m, ofix_rnd(&s) % 200);
		} else if (k < 93) {
			zf_run_kswapd(f->m, 0);
		} else if (k < 95) {
			zf_compact_node(f->m, -1);
		} else if (k < 96) {
			zf_drain_all_pages(f->m);
		} else if (k < 97) {
			zf_run_kcompactd(f->m, 0);
		} else if (iso == ZF_NO_PAGE && normal->spanned_pages >= 4 * iso_len) {
			/* start_isolate_page_range over one MAX_ORDER block of NORMAL */
			uint64_t n = normal->spanned_pages / iso_len;
			uint64_t start = normal->zone_start_pfn + (ofix_rnd(&s) % n) * iso_len;
			if (zf_isolate_range(f->m, start, iso_len) == 0)
				iso = start;
		} else if (iso != ZF_NO_PAGE) {
			zf_unisolate_range(f->m, iso, iso_len);
			iso = ZF_NO_PAGE;
		}
		zf_oracles_end_op(f->s, f->m, f->op++);
	}
	if (iso != ZF_NO_PAGE)
		zf_unisolate_range(f->m, iso, iso_len);
	zf_oracles_finish(f->s, f->m);
}

#endif /* ZF_TEST_ORACLES_FIXTURE_H */
