/* SPDX-License-Identifier: MIT */
/*
 * ZF_INV_BUDDY: the shape of the free lists (spec §11 items 1, 2, 7; §4.8).
 *
 * For every block on free_area[o].free_list[mt] of a zone: the head is
 * PG_buddy with page order o (list order == page order), aligned to 2^o, the
 * whole block lies inside that zone, the head is on exactly one list and no
 * two blocks overlap. Merging is maximal: no free buddy pair of equal order
 * o < MAX_ORDER-1 in one zone stays unmerged, except at o >= pageblock_order
 * next to an ISOLATE pageblock (4.12 __free_one_page refuses an ISOLATE /
 * non-ISOLATE merge, spec §4.8; see check_merged). The ISOLATE type rule, exactly as spec §11 item
 * 7 states it for 4.12: pages of ISOLATE pageblocks only on ISOLATE lists, and ISOLATE lists only
 * hold pages of ISOLATE pageblocks. In 4.12 this holds per pageblock, not per migratetype (a
 * MOVABLE block's pages may sit on the UNMOVABLE list after a partial steal, §4.5), so the other
 * types are not checked.
 *
 * Walk: O(pages), every list once plus one page lookup per head.
 *
 * Event: the verdict of set_migratetype_isolate() on one pageblock (the
 * model's ISOLATE_BLOCK event, §4.8; 4.12 has_unmovable_pages with count 0)
 * is recomputed from the pages: in ZONE_MOVABLE, or a block that was MOVABLE
 * or CMA, nothing is looked at (isolation succeeds); otherwise, from the
 * block's first valid pfn over pageblock_nr_pages pfns, free buddies are
 * skipped whole, pages with no reference (pcp, tail, offline: none of
 * head/isolated/hwpoison/reserved) are skipped, hwpoisoned ones too when the
 * caller skips them (hot-remove), and any other page that is not on the LRU
 * or is isolated by compaction makes the block busy (EBUSY). Isolation must
 * succeed exactly when no such page is found; the "already isolated" refusal
 * (4.20 and later profiles) needs a block that was ISOLATE. O(pageblock) per
 * isolated block.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_internal.h"

struct buddy_state {
	struct zf_obitmap head_seen; /* heads met on some list during this walk */
	struct zf_obitmap covered;   /* pfns covered by a free block during this walk */
	uint64_t nr_pages;
	bool ready;
};

static void buddy_release(void *p)
{
	struct buddy_state *st = p;
	zf_obitmap_free(&st->head_seen);
	zf_obitmap_free(&st->covered);
	st->ready = false;
}

static void buddy_reset(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct buddy_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	(void)m;
	st->nr_pages = g->nr_pages;
	st->ready = zf_obitmap_resize(&st->head_seen, g->nr_pages) &&
		    zf_obitmap_resize(&st->covered, g->nr_pages);
}

static bool is_isolate_pb(const struct zf_machine *m, uint64_t pfn)
{
	return zf_inspect_pageblock_mt(m, pfn) == ZF_MIGRATE_ISOLATE;
}

/* §11 item 7 over every pageblock a free block covers. */
static void check_isolate_rule(struct zf_oracle_set *c, const struct zf_machine *m, int zid,
			       uint64_t pfn, unsigned int order, int mt)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	uint64_t pb = UINT64_C(1) << g->pageblock_order;
	uint64_t end = pfn + (UINT64_C(1) << order);
	bool on_iso = mt == ZF_MIGRATE_ISOLATE;
	unsigned int nr_iso = 0, nr_blocks = 0;
	for (uint64_t b = pfn & ~(pb - 1); b < end; b += pb) {
		nr_blocks++;
		if (is_isolate_pb(m, b))
			nr_iso++;
	}
	if (nr_iso && nr_iso != nr_blocks) {
		/* B11: a merge above pageblock_order joined an isolated and a normal block */
		zf_oreport(c, m, NULL, zid,
			   "free block %llu order %u on list %s spans %u ISOLATE and %u other "
			   "pageblocks",
			   (unsigned long long)pfn, order, zf_migratetype_name(mt), nr_iso,
			   nr_blocks - nr_iso);
	} else if (nr_iso && !on_iso) {
		/* B12: a page of an isolated block landed on a normal list */
		zf_oreport(c, m, NULL, zid,
			   "free block %llu order %u of an ISOLATE pageblock sits on the %s list",
			   (unsigned long long)pfn, order, zf_migratetype_name(mt));
	} else if (!nr_iso && on_iso) {
		zf_oreport(c, m, NULL, zid,
			   "free block %llu order %u on the ISOLATE list but its pageblock is %s",
			   (unsigned long long)pfn, order,
			   zf_migratetype_name(zf_inspect_pageblock_mt(m, pfn)));
	}
}

static void check_block(struct zf_oracle_set *c, struct buddy_state *st, const struct zf_machine *m,
			const struct zf_zone_info *zi, uint64_t pfn, unsigned int o, int mt)
{
	int zid = zi->id;
	uint64_t n = UINT64_C(1) << o;
	struct zf_page_state pi;
	if (pfn >= st->nr_pages || zf_inspect_pages(m, pfn, 1, &pi) != 1) {
		zf_oreport(c, m, NULL, zid, "free_area[%u].free_list[%s] holds invalid pfn %llu", o,
			   zf_migratetype_name(mt), (unsigned long long)pfn);
		return;
	}
	if (pi.zone_id != zid)
		zf_oreport(c, m, NULL, zid, "free block %llu on zone %d's list belongs to zone %d",
			   (unsigned long long)pfn, zid, pi.zone_id);
	if (!(pi.flags & ZF_PG_BUDDY))
		zf_oreport(c, m, NULL, zid,
			   "free block %llu on free_area[%u] is not PG_buddy (0x%x)",
			   (unsigned long long)pfn, o, pi.flags);
	if (pi.order != o)
		zf_oreport(c, m, NULL, zid, "free block %llu on free_area[%u] has page order %u",
			   (unsigned long long)pfn, o, pi.order);
	if (pfn & (n - 1))
		zf_oreport(c, m, NULL, zid, "free block %llu order %u is not aligned to %llu",
			   (unsigned long long)pfn, o, (unsigned long long)n);
	if (pfn < zi->start_pfn || pfn + n > zi->start_pfn + zi->spanned_pages ||
	    zf_inspect_pfn_zone(m, pfn + n - 1) != zid)
		zf_oreport(c, m, NULL, zid, "free block %llu order %u leaves zone %s [%llu, %llu)",
			   (unsigned long long)pfn, o, zi->name, (unsigned long long)zi->start_pfn,
			   (unsigned long long)(zi->start_pfn + zi->spanned_pages));
	if (zf_obitmap_test(&st->head_seen, pfn))
		zf_oreport(c, m, NULL, zid, "free block %llu is on more than one list (or twice)",
			   (unsigned long long)pfn);
	zf_obitmap_set(&st->head_seen, pfn);
	if (pfn + n <= st->nr_pages) {
		if (zf_obitmap_count_range(&st->covered, pfn, n))
			zf_oreport(c, m, NULL, zid,
				   "free block %llu order %u overlaps another block",
				   (unsigned long long)pfn, o);
		zf_obitmap_set_range(&st->covered, pfn, n);
	}
	check_isolate_rule(c, m, zid, pfn, o, mt);
}

/*
 * __free_one_page merges with a buddy that is PG_buddy, of the same order and
 * zone (page_is_buddy), up to MAX_ORDER-1; at o >= pageblock_order it refuses
 * only an ISOLATE / non-ISOLATE pair (4.12, spec §4.8). Such a refused pair stays
 * unmerged when the second block is isolated afterwards (move_freepages_block
 * moves blocks without merging them), until unset_migratetype_isolate re-frees
 * the block's head buddy; so at o >= pageblock_order a pair with an ISOLATE
 * pageblock on either side is allowed.
 */
static void check_merged(struct zf_oracle_set *c, const struct zf_machine *m,
			 const struct zf_zone_info *zi, uint64_t pfn, unsigned int o)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	if (o + 1 >= g->max_order)
		return;
	uint64_t buddy = pfn ^ (UINT64_C(1) << o);
	if (buddy < pfn || buddy >= g->nr_pages) /* report each pair once, from its lower half */
		return;
	struct zf_page_state bi;
	if (zf_inspect_pages(m, buddy, 1, &bi) != 1 || bi.zone_id != zi->id ||
	    !(bi.flags & ZF_PG_BUDDY) || bi.order != o)
		return;
	if (o >= g->pageblock_order && (is_isolate_pb(m, pfn) || is_isolate_pb(m, buddy)))
		return;
	zf_oreport(c, m, NULL, zi->id,
		   "free buddies %llu and %llu of order %u are not merged (max order %u)",
		   (unsigned long long)pfn, (unsigned long long)buddy, o, g->max_order - 1);
}

static void buddy_walk(struct zf_oracle_set *c, void *p, const struct zf_machine *m)
{
	struct buddy_state *st = p;
	const struct zf_geometry *g = zf_oset_geometry(c);
	if (!st->ready)
		return;
	zf_obitmap_clear(&st->head_seen);
	zf_obitmap_clear(&st->covered);
	int nz = zf_o_nr_zone_ids(g);
	for (int zid = 0; zid < nz; zid++) {
		struct zf_zone_info zi;
		if (zf_inspect_zone(m, zid, &zi) != 0 || !zi.spanned_pages)
			continue;
		for (unsigned int o = 0; o < g->max_order; o++) {
			for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
				uint64_t steps = 0;
				for (uint64_t pfn = zf_inspect_free_list_first(m, zid, o, mt);
				     pfn != ZF_NO_PAGE; pfn = zf_inspect_list_next(m, pfn)) {
					if (++steps > st->nr_pages) {
						zf_oreport(
						    c, m, NULL, zid,
						    "free_area[%u].free_list[%s] does not end", o,
						    zf_migratetype_name(mt));
						break;
					}
					check_block(c, st, m, &zi, pfn, o, mt);
					check_merged(c, m, &zi, pfn, o);
				}
			}
		}
	}
}

static void buddy_on_event(struct zf_oracle_set *c, void *p, const struct zf_machine *m,
			   const struct zf_event *ev)
{
	const struct zf_geometry *g = zf_oset_geometry(c);
	uint64_t nr = UINT64_C(1) << g->pageblock_order, busy_pfn = ZF_NO_PAGE;
	(void)p;
	if (ev->type != ZF_EV_ISOLATE_BLOCK)
		return;
	if (ev->c == 2) {
		if (ev->a != ZF_MIGRATE_ISOLATE)
			zf_oreport(
			    c, m, ev, ev->zone_id,
			    "pageblock %llu refused as already isolated, but its type was %s",
			    (unsigned long long)ev->pfn, zf_migratetype_name((int)ev->a));
		return;
	}
	if (zf_o_zone_idx(ev->zone_id) != ZF_ZONE_MOVABLE && ev->a != ZF_MIGRATE_MOVABLE &&
	    ev->a != ZF_MIGRATE_CMA) {
		struct zf_page_state ps[64];
		uint64_t have = 0, base = 0;
		for (uint64_t iter = 0; iter < nr && busy_pfn == ZF_NO_PAGE; iter++) {
			uint64_t pfn = ev->pfn + iter;
			if (pfn < base || pfn >= base + have) {
				base = pfn;
				have = zf_inspect_pages(m, pfn, 64, ps);
				if (!have)
					break;
			}
			const struct zf_page_state *st = &ps[pfn - base];
			if (st->zone_id < 0)
				continue;
			if (st->flags & ZF_PG_BUDDY) {
				iter += (UINT64_C(1) << st->order) - 1;
				continue;
			}
			if (!(st->flags &
			      (ZF_PG_HEAD | ZF_PG_ISOLATED | ZF_PG_HWPOISON | ZF_PG_RESERVED)))
				continue;
			if (ev->label && (st->flags & ZF_PG_HWPOISON))
				continue;
			if (!(st->flags & ZF_PG_LRU) || (st->flags & ZF_PG_ISOLATED))
				busy_pfn = pfn;
		}
	}
	if (ev->b == 0 && busy_pfn != ZF_NO_PAGE)
		zf_oreport(c, m, ev, ev->zone_id,
			   "pageblock of pfn %llu (%s) isolated although pfn %llu is in use and "
			   "not movable (has_unmovable_pages)",
			   (unsigned long long)ev->pfn, zf_migratetype_name((int)ev->a),
			   (unsigned long long)busy_pfn);
	else if (ev->b != 0 && busy_pfn == ZF_NO_PAGE)
		zf_oreport(c, m, ev, ev->zone_id,
			   "pageblock of pfn %llu (%s) refused (EBUSY) although it holds no "
			   "unmovable page",
			   (unsigned long long)ev->pfn, zf_migratetype_name((int)ev->a));
}

const struct zf_oracle_ops zf_oracle_buddy = {
    .desc =
	{
	    .id = "ZF_INV_BUDDY",
	    .name = "buddy",
	    .property = "free blocks: head PG_buddy with page order == list order, aligned "
			"to 2^order, inside one zone, on exactly one list, no overlap; "
			"merging maximal (except ISOLATE/non-ISOLATE pairs at >= "
			"pageblock_order); pages of ISOLATE pageblocks only on ISOLATE lists "
			"and vice versa; a pageblock is isolated exactly when it holds no "
			"unmovable page",
	    .kernel_rule = "spec §11 items 1, 2, 7; §4.8 __free_one_page (4.12 merge "
			   "restriction, d9dddbf55667); §4.7 free_pcppages_bulk re-reads the "
			   "pageblock type when the zone has isolated blocks; §4.8 "
			   "set_migratetype_isolate / has_unmovable_pages",
	    .cost = "walk: O(free blocks + pageblocks); event: O(pageblock) per isolated "
		    "block",
	},
    .event_mask = ZF_EVBIT(ISOLATE_BLOCK),
    .on_event = buddy_on_event,
    .state_size = sizeof(struct buddy_state),
    .reset = buddy_reset,
    .walk = buddy_walk,
    .release = buddy_release,
};
