/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_CONSERVATION: every managed pfn is in exactly one state, and the
 * per-zone counters add up to managed_pages (docs/model-contract.md, spec §11
 * item 3).
 *
 * Incremental part (O(2^order) bit operations per event, done a word at a
 * time): a per-pfn bitmap of pages handed out, fed by ALLOC_END (pfn, order),
 * MIGRATE_PAGE (the new page becomes allocated) and PAGE_FREE (pfn, order).
 * A page handed out twice, or a free of a page that is not allocated (or with
 * another order than it was allocated with), fires at the event.
 *
 * Walk (O(pages)): mark every pfn covered by a free block (walking every
 * free_area[o].free_list[mt]) and every pfn on a pcp list; a pfn covered
 * twice is double ownership. Then classify every pfn by its flags and compare
 * with the coverage, the counters and the incremental bitmap.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_internal.h"

#define NOT_HEAD 0xffu

struct conservation_state {
	struct zf_obitmap allocated; /* incremental: pfns handed out */
	uint8_t *head_order;         /* allocation order at each head pfn, NOT_HEAD */
	struct zf_obitmap covered;   /* walk scratch: on a free list or a pcp list */
	uint64_t nr_pages;
	bool ready;
};

static void conservation_release(void *p)
{
	struct conservation_state *st = p;
	zf_obitmap_free(&st->allocated);
	zf_obitmap_free(&st->covered);
	free(st->head_order);
	st->head_order = NULL;
	st->ready = false;
}

static bool page_allocated_state(uint16_t flags)
{
	return (flags & (ZF_PG_HEAD | ZF_PG_TAIL)) != 0;
}

/* Seed the incremental map from the machine as it is (a snapshot may hold allocations). */
static void conservation_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct conservation_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	st->ready = false;
	if (!zf_obitmap_resize(&st->allocated, g->nr_pages) ||
	    !zf_obitmap_resize(&st->covered, g->nr_pages))
		return;
	uint8_t *ho = realloc(st->head_order, g->nr_pages ? g->nr_pages : 1);
	if (!ho)
		return;
	st->head_order = ho;
	memset(ho, NOT_HEAD, g->nr_pages);
	st->nr_pages = g->nr_pages;
	struct zf_o_pages cur;
	zf_o_pages_begin(&cur, c, m);
	for (uint64_t pfn = 0; pfn < g->nr_pages; pfn++) {
		const struct zf_page_state *pi = zf_o_page(m, &cur, pfn);
		if (!pi)
			continue;
		if (pi->flags & ZF_PG_HEAD) {
			st->head_order[pfn] = pi->order;
			zf_obitmap_set_range(&st->allocated, pfn, UINT64_C(1) << pi->order);
		}
	}
	st->ready = true;
}

static void conservation_on_alloc(struct zf_oracle_set *c, struct conservation_state *st,
				  const struct zf_machine *m, const struct zf_event *ev,
				  uint64_t pfn, unsigned int order)
{
	uint64_t n = UINT64_C(1) << order;
	int zid = zf_inspect_pfn_zone(m, pfn);
	if (pfn >= st->nr_pages || order >= 32 || pfn + n > st->nr_pages) {
		zf_oreport(c, m, ev, zid,
			   "page %llu order %u handed out beyond the pfn space (%llu)",
			   (unsigned long long)pfn, order, (unsigned long long)st->nr_pages);
		return;
	}
	uint64_t twice = zf_obitmap_count_range(&st->allocated, pfn, n);
	if (twice) {
		zf_oreport(c, m, ev, zid,
			   "page %llu order %u handed out twice: %llu of its pfns are already "
			   "allocated",
			   (unsigned long long)pfn, order, (unsigned long long)twice);
	}
	struct zf_page_info pi;
	if (zf_inspect_page(m, pfn, &pi) == 0 &&
	    (!(pi.flags & ZF_PG_HEAD) || (pi.flags & (ZF_PG_BUDDY | ZF_PG_PCP)))) {
		zf_oreport(c, m, ev, zid,
			   "page %llu handed out but its state is flags 0x%x (want HEAD, not "
			   "BUDDY/PCP)",
			   (unsigned long long)pfn, pi.flags);
	}
	zf_obitmap_set_range(&st->allocated, pfn, n);
	st->head_order[pfn] = (uint8_t)order;
}

static void conservation_on_free(struct zf_oracle_set *c, struct conservation_state *st,
				 const struct zf_machine *m, const struct zf_event *ev)
{
	uint64_t pfn = ev->pfn;
	unsigned int order = ev->order;
	uint64_t n = UINT64_C(1) << (order < 32 ? order : 31);
	int zid = zf_inspect_pfn_zone(m, pfn);
	if (pfn >= st->nr_pages || order >= 32 || pfn + n > st->nr_pages) {
		zf_oreport(c, m, ev, zid, "free of page %llu order %u beyond the pfn space",
			   (unsigned long long)pfn, order);
		return;
	}
	uint64_t held = zf_obitmap_count_range(&st->allocated, pfn, n);
	if (held == 0) {
		zf_oreport(c, m, ev, zid, "free of page %llu order %u that is not allocated",
			   (unsigned long long)pfn, order);
	} else if (st->head_order[pfn] != order || held != n) {
		if (st->head_order[pfn] == NOT_HEAD)
			zf_oreport(c, m, ev, zid,
				   "free of page %llu order %u: not the head of an allocation",
				   (unsigned long long)pfn, order);
		else
			zf_oreport(c, m, ev, zid,
				   "free of page %llu with order %u but it was allocated with "
				   "order %u",
				   (unsigned long long)pfn, order, st->head_order[pfn]);
	}
	zf_obitmap_clr_range(&st->allocated, pfn, n);
	st->head_order[pfn] = NOT_HEAD;
}

static void conservation_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
				  const struct zf_event *ev)
{
	struct conservation_state *st = p;
	if (!st->ready)
		return;
	switch (ev->type) {
	case ZF_EV_ALLOC_END:
		if (ev->pfn != ZF_NO_PAGE)
			conservation_on_alloc(c, st, m, ev, ev->pfn, ev->order);
		break;
	case ZF_EV_MIGRATE_PAGE:
		/* migrate_pages(): the target page now holds the data; the source is freed later */
		if (ev->a >= 0)
			conservation_on_alloc(c, st, m, ev, (uint64_t)ev->a, ev->order);
		break;
	case ZF_EV_PAGE_FREE:
		conservation_on_free(c, st, m, ev);
		break;
	default:
		break;
	}
}

struct zone_tally {
	uint64_t buddy, pcp, allocated, isolated, poisoned, offline, nostate, managed_pfns;
};

/* Mark [pfn, pfn + n) covered; report a pfn covered twice. Returns false on overlap. */
static bool cover(struct zf_oracle_set *c, struct conservation_state *st,
		  const struct zf_machine *m, int zid, uint64_t pfn, uint64_t n, const char *what)
{
	if (pfn >= st->nr_pages || pfn + n > st->nr_pages) {
		zf_oreport(c, m, NULL, zid, "%s at pfn %llu (+%llu) beyond the pfn space", what,
			   (unsigned long long)pfn, (unsigned long long)n);
		return false;
	}
	uint64_t dup = zf_obitmap_count_range(&st->covered, pfn, n);
	if (dup) {
		zf_oreport(c, m, NULL, zid,
			   "double ownership: %s at pfn %llu (+%llu) covers %llu pfns already on a "
			   "free or pcp list",
			   what, (unsigned long long)pfn, (unsigned long long)n,
			   (unsigned long long)dup);
		return false;
	}
	zf_obitmap_set_range(&st->covered, pfn, n);
	return true;
}

static void walk_lists(struct zf_oracle_set *c, struct conservation_state *st,
		       const struct zf_machine *m, int zid, struct zone_tally *t)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	for (unsigned int o = 0; o < g->max_order; o++) {
		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
			uint64_t steps = 0;
			for (uint64_t pfn = zf_inspect_free_list_first(m, zid, o, mt);
			     pfn != ZF_NO_PAGE; pfn = zf_inspect_list_next(m, pfn)) {
				if (++steps > st->nr_pages) {
					zf_oreport(
					    c, m, NULL, zid,
					    "free_area[%u].free_list[%d] does not end (cycle)", o,
					    mt);
					break;
				}
				if (cover(c, st, m, zid, pfn, UINT64_C(1) << o, "free block"))
					t->buddy += UINT64_C(1) << o;
			}
		}
	}
	for (unsigned int cpu = 0; cpu < g->nr_cpus; cpu++) {
		for (int mt = 0; mt < ZF_MIGRATE_PCPTYPES; mt++) {
			uint64_t steps = 0;
			for (uint64_t pfn = zf_inspect_pcp_list_first(m, cpu, zid, mt);
			     pfn != ZF_NO_PAGE; pfn = zf_inspect_list_next(m, pfn)) {
				if (++steps > st->nr_pages) {
					zf_oreport(c, m, NULL, zid,
						   "pcp list cpu %u type %d does not end (cycle)",
						   cpu, mt);
					break;
				}
				if (cover(c, st, m, zid, pfn, 1, "pcp page"))
					t->pcp++;
			}
		}
	}
}

static void conservation_walk(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct conservation_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	if (!st->ready)
		return;
	int nz = zf_o_nr_zone_ids(g);
	struct zone_tally tally[ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES];
	memset(tally, 0, sizeof(tally));
	zf_obitmap_clear(&st->covered);

	for (int zid = 0; zid < nz; zid++)
		walk_lists(c, st, m, zid, &tally[zid]);

	bool lost_alloc = false, lost_free = false;
	struct zf_o_pages cur;
	zf_o_pages_begin(&cur, c, m);
	for (uint64_t pfn = 0; pfn < st->nr_pages; pfn++) {
		const struct zf_page_state *pi = zf_o_page(m, &cur, pfn);
		if (!pi)
			continue;
		bool covered = zf_obitmap_test(&st->covered, pfn);
		bool alloc_state = page_allocated_state(pi->flags);
		int zid = pi->zone_id;
		if (zid < 0 || zid >= nz) {
			if (covered)
				zf_oreport(c, m, NULL, -1,
					   "pfn %llu in a hole sits on a free/pcp list",
					   (unsigned long long)pfn);
			continue;
		}
		struct zone_tally *t = &tally[zid];
		if (pi->flags & ZF_PG_RESERVED) {
			if (covered || alloc_state)
				zf_oreport(
				    c, m, NULL, zid,
				    "reserved (unmanaged) pfn %llu is free or allocated (flags "
				    "0x%x)",
				    (unsigned long long)pfn, pi->flags);
			continue;
		}
		t->managed_pfns++;
		const uint16_t held = ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_LRU | ZF_PG_ISOLATED |
				      ZF_PG_HWPOISON | ZF_PG_OFFLINE;
		if (covered) {
			if (pi->flags & held)
				zf_oreport(
				    c, m, NULL, zid,
				    "pfn %llu is on a free/pcp list and also held (flags 0x%x)",
				    (unsigned long long)pfn, pi->flags);
			if (pi->flags & ZF_PG_PCP && pi->flags & ZF_PG_BUDDY)
				zf_oreport(c, m, NULL, zid,
					   "pfn %llu is both PG_buddy and on a pcp list",
					   (unsigned long long)pfn);
		} else {
			if (pi->flags & ZF_PG_BUDDY)
				zf_oreport(c, m, NULL, zid,
					   "pfn %llu has PG_buddy but is on no free list (lost)",
					   (unsigned long long)pfn);
			if (pi->flags & ZF_PG_PCP)
				zf_oreport(c, m, NULL, zid,
					   "pfn %llu is marked pcp but is on no pcp list (lost)",
					   (unsigned long long)pfn);
			if ((pi->flags & ZF_PG_HEAD) && (pi->flags & ZF_PG_TAIL))
				zf_oreport(c, m, NULL, zid, "pfn %llu is both HEAD and TAIL",
					   (unsigned long long)pfn);
			if ((pi->flags & (ZF_PG_HWPOISON | ZF_PG_OFFLINE)) &&
			    (pi->flags & (ZF_PG_HEAD | ZF_PG_TAIL | ZF_PG_ISOLATED)))
				zf_oreport(
				    c, m, NULL, zid,
				    "pfn %llu is poisoned/offline and also allocated/isolated "
				    "(flags 0x%x)",
				    (unsigned long long)pfn, pi->flags);
			/* one state per pfn; an isolated migrate source is still allocated */
			if (pi->flags & ZF_PG_OFFLINE)
				t->offline++;
			else if (pi->flags & ZF_PG_HWPOISON)
				t->poisoned++;
			else if (pi->flags & ZF_PG_ISOLATED)
				t->isolated++;
			else if (alloc_state)
				t->allocated++;
			else if (!(pi->flags & (ZF_PG_BUDDY | ZF_PG_PCP))) {
				t->nostate++;
				zf_oreport(c, m, NULL, zid,
					   "pfn %llu is in no state (not free, not allocated, not "
					   "isolated): leaked",
					   (unsigned long long)pfn);
			}
		}
		/* the incremental map must agree with the page flags (events are complete) */
		bool in_map = zf_obitmap_test(&st->allocated, pfn);
		if (alloc_state && !in_map && !lost_alloc) {
			lost_alloc = true;
			zf_oreport(
			    c, m, NULL, zid,
			    "pfn %llu is allocated (flags 0x%x) but no ALLOC_END / MIGRATE_PAGE "
			    "handed it out",
			    (unsigned long long)pfn, pi->flags);
		} else if (!alloc_state && in_map && !lost_free) {
			lost_free = true;
			zf_oreport(
			    c, m, NULL, zid,
			    "pfn %llu was handed out and is no longer allocated (flags 0x%x), "
			    "but no PAGE_FREE released it",
			    (unsigned long long)pfn, pi->flags);
		}
	}

	for (int zid = 0; zid < nz; zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) != 0)
			continue;
		const struct zone_tally *t = &tally[zid];
		/* each pfn once: an isolated migrate source counts under isolated */
		uint64_t sum =
		    t->buddy + t->pcp + t->allocated + t->isolated + t->poisoned + t->offline;
		if (!zi.spanned_pages && !sum)
			continue;
		if (sum != zi.managed_pages)
			zf_oreport(
			    c, m, NULL, zid,
			    "zone %s: managed %llu != buddy %llu + pcp %llu + allocated %llu + "
			    "isolated %llu + poisoned %llu + offline %llu (= %llu)",
			    zi.name, (unsigned long long)zi.managed_pages,
			    (unsigned long long)t->buddy, (unsigned long long)t->pcp,
			    (unsigned long long)t->allocated, (unsigned long long)t->isolated,
			    (unsigned long long)t->poisoned, (unsigned long long)t->offline,
			    (unsigned long long)sum);
		if (t->managed_pfns != zi.managed_pages)
			zf_oreport(c, m, NULL, zid,
				   "zone %s: %llu unreserved pfns but managed_pages %llu", zi.name,
				   (unsigned long long)t->managed_pfns,
				   (unsigned long long)zi.managed_pages);
		if (zi.nr_pcp != t->pcp)
			zf_oreport(c, m, NULL, zid,
				   "zone %s: NR_PCP %llu != pages on pcp lists %llu", zi.name,
				   (unsigned long long)zi.nr_pcp, (unsigned long long)t->pcp);
		/*
		 * An isolated migrate source leaves NR_ALLOCATED for NR_ISOLATED while
		 * compaction holds it (allocator/compaction.c), so NR_ALLOCATED counts the
		 * HEAD/TAIL pfns that are not isolated.
		 */
		if (zi.nr_allocated != t->allocated)
			zf_oreport(c, m, NULL, zid,
				   "zone %s: NR_ALLOCATED %llu != allocated (HEAD/TAIL) pages %llu",
				   zi.name, (unsigned long long)zi.nr_allocated,
				   (unsigned long long)t->allocated);
		if (zi.nr_isolated != t->isolated)
			zf_oreport(c, m, NULL, zid,
				   "zone %s: NR_ISOLATED %llu != isolated pages %llu", zi.name,
				   (unsigned long long)zi.nr_isolated,
				   (unsigned long long)t->isolated);
		if (zi.nr_poisoned != t->poisoned)
			zf_oreport(c, m, NULL, zid,
				   "zone %s: NR_POISONED %llu != poisoned pages %llu", zi.name,
				   (unsigned long long)zi.nr_poisoned,
				   (unsigned long long)t->poisoned);
		if (zi.nr_offline != t->offline)
			zf_oreport(c, m, NULL, zid,
				   "zone %s: NR_OFFLINE %llu != offline pages %llu", zi.name,
				   (unsigned long long)zi.nr_offline,
				   (unsigned long long)t->offline);
	}
}

const struct zf_oracle_ops zf_oracle_conservation = {
    .desc =
	{
	    .id = "ZF_INV_CONSERVATION",
	    .name = "conservation",
	    .property = "every managed pfn is in exactly one state (one free block, one pcp "
			"list, allocated, isolated, poisoned or offline); per zone managed = "
			"buddy free + pcp + allocated + isolated + poisoned + offline; no page "
			"handed out twice, no free of a page not allocated",
	    .kernel_rule = "docs/model-contract.md page states; spec §11 item 3; §4.7 "
			   "(every page leaves through __free_pages)",
	    .cost = "event: O(2^order) bit ops, word at a time; walk: O(pages)",
	},
    .event_mask = ZF_EVBIT(ALLOC_END) | ZF_EVBIT(PAGE_FREE) | ZF_EVBIT(MIGRATE_PAGE),
    .state_size = sizeof(struct conservation_state),
    .reset = conservation_reset,
    .on_event = conservation_on_event,
    .walk = conservation_walk,
    .release = conservation_release,
};
