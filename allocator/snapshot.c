// SPDX-License-Identifier: MIT
/*
 * allocator/snapshot.c - a real machine's allocator state put into a model
 * machine (zonefuzz/snapshot.h): captured watermarks and lowmem reserves,
 * and free areas shaped to captured /proc/buddyinfo block counts.
 *
 * These are set-up operations on a fresh machine, not kernel behaviour. The
 * pages that shaping takes out of the buddy go through prep_new_page(), the
 * one place NR_ALLOCATED grows (docs/model-contract.md), and belong to a
 * task like any other allocation, so the conservation and buddy oracles see
 * an ordinary machine afterwards.
 */
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "zonefuzz/snapshot.h"

static struct zone *snapshot_zone(struct zf_machine *m, int zone_id)
{
	if (!m || zone_id < 0 || zone_id >= (int)m->nr_nodes * MAX_NR_ZONES)
		return NULL;
	return zone_by_id(m, zone_id);
}

int zf_machine_override_zone(struct zf_machine *m, int zone_id, const uint64_t wmark[3],
			     const uint64_t *lowmem_reserve)
{
	struct zone *z = snapshot_zone(m, zone_id);

	if (!z || !wmark || !managed_zone(z))
		return -1;
	/* spec §11 item 8: min <= low <= high */
	if (wmark[WMARK_MIN] > wmark[WMARK_LOW] || wmark[WMARK_LOW] > wmark[WMARK_HIGH])
		return -1;
	/* spec §3.2: a zone reserves nothing against itself or lower class zones */
	if (lowmem_reserve)
		for (int j = 0; j <= zone_idx(z); j++)
			if (lowmem_reserve[j])
				return -1;

	zf_spin_lock(m, &z->lock);
	for (int i = 0; i < NR_WMARK; i++)
		z->watermark[i] = wmark[i];
	if (lowmem_reserve)
		for (int j = 0; j < MAX_NR_ZONES; j++)
			z->lowmem_reserve[j] = lowmem_reserve[j];
	/* for the inspection API: these marks are captured, not derived */
	z->wmark_overridden = true;
	zf_spin_unlock(m, &z->lock);
	/* dirty limits / overcommit follow the marks (spec §3.2) */
	calculate_totalreserve_pages(m);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Free-area shaping                                                   */
/* ------------------------------------------------------------------ */

struct shape_ctx {
	struct zf_machine *m;
	struct zone *z;
	uint64_t want[ZF_MAX_ORDER_MAX]; /* blocks still to place, per order */
	int owner;
};

/* free accounting as __free_pages_memory / __free_one_page keep it (spec §2) */
static void shape_account_free(struct zone *z, int mt, long pages)
{
	if (!is_migrate_isolate(mt))
		__mod_zone_page_state(z, NR_FREE_PAGES, pages);
	if (is_migrate_cma(mt))
		__mod_zone_page_state(z, NR_FREE_CMA_PAGES, pages);
}

static bool shape_want_below(const struct shape_ctx *c, unsigned int order)
{
	for (unsigned int o = 0; o < order; o++)
		if (c->want[o])
			return true;
	return false;
}

/* The block [pfn, pfn + 2^order), off the free lists, becomes an allocation of owner. */
static void shape_take(struct shape_ctx *c, uint64_t pfn, unsigned int order)
{
	struct zf_machine *m = c->m;
	int saved;

	m->pages[pfn].mt = (uint8_t)get_pageblock_migratetype(m, pfn);
	saved = zf_set_current(m, c->owner);
	prep_new_page(m, pfn, order, GFP_KERNEL, ALLOC_WMARK_MIN);
	zf_set_current(m, saved);
}

/*
 * Lay out the region [pfn, pfn + 2^order) that is off the free lists.
 * may_be_free: the region may stay one free block (its buddy is not one).
 * A region that is not kept whole holds at least one allocated page, so
 * its halves never both stay whole and nothing free could merge (spec §11
 * item 2). Greedy: the largest wanted blocks first, smaller ones packed
 * into the halves of regions that cannot be whole. Returns true if the
 * region stayed one free block.
 */
static bool shape_region(struct shape_ctx *c, uint64_t pfn, unsigned int order, bool may_be_free)
{
	unsigned int half;
	bool left_free;

	if (may_be_free && c->want[order]) {
		int mt = get_pageblock_migratetype(c->m, pfn);

		c->want[order]--;
		add_to_free_area_tail(c->m, c->z, pfn, order, mt);
		shape_account_free(c->z, mt, 1L << order);
		return true;
	}
	if (order == 0 || !shape_want_below(c, order)) {
		shape_take(c, pfn, order);
		return false;
	}
	half = order - 1;
	left_free = shape_region(c, pfn, half, true);
	shape_region(c, pfn + (1ULL << half), half, !left_free);
	return false;
}

struct shape_block {
	uint64_t pfn;
	unsigned int order;
};

static int shape_block_cmp(const void *a, const void *b)
{
	const struct shape_block *x = a, *y = b;

	if (x->order != y->order)
		return x->order > y->order ? -1 : 1;
	return x->pfn < y->pfn ? -1 : x->pfn > y->pfn;
}

int zf_machine_shape_free_area_owner(struct zf_machine *m, int zone_id, const uint64_t *nr_free,
				     int owner)
{
	struct zone *z = snapshot_zone(m, zone_id);
	struct shape_ctx c;
	struct shape_block *blocks;
	uint64_t nblocks = 0, short_blocks = 0, vmstat[ZF_NR_VMSTAT];
	int64_t pgalloc;
	size_t i = 0;

	if (!z || !nr_free || !managed_zone(z) || zf_alloc_depth(m))
		return -1;
	if (!task_of(m, owner) || !m->tasks[owner].alive)
		return -1;
	memset(&c, 0, sizeof(c));
	c.m = m;
	c.z = z;
	c.owner = owner;
	for (unsigned int o = 0; o < ZF_MAX_ORDER_MAX; o++) {
		if (o >= m->max_order) {
			short_blocks += nr_free[o];
			continue;
		}
		c.want[o] = nr_free[o];
	}

	/* every free block of the zone (ISOLATE lists are left alone), largest first */
	for (unsigned int o = 0; o < m->max_order; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			if (!is_migrate_isolate(mt))
				nblocks += zf_inspect_list_len(m, zone_id, o, mt);
	blocks = nblocks ? malloc(nblocks * sizeof(*blocks)) : NULL;
	if (nblocks && !blocks)
		return -1;
	for (unsigned int o = 0; o < m->max_order; o++) {
		for (int mt = 0; mt < MIGRATE_TYPES; mt++) {
			uint32_t p;

			if (is_migrate_isolate(mt))
				continue;
			for (p = z->free_area[o].free_list[mt].head; p != ZF_NIL && i < nblocks;
			     p = m->pages[p].next) {
				blocks[i].pfn = p;
				blocks[i].order = o;
				i++;
			}
		}
	}
	nblocks = i;
	qsort(blocks, (size_t)nblocks, sizeof(*blocks), shape_block_cmp);

	/* the pages taken are the real machine's memory in use, not workload allocations */
	memcpy(vmstat, m->vmstat, sizeof(vmstat));
	pgalloc = zone_page_state(z, NR_ZONE_PGALLOC);
	zf_spin_lock(m, &z->lock);
	for (i = 0; i < nblocks; i++) {
		uint64_t pfn = blocks[i].pfn;
		unsigned int order = blocks[i].order;
		int mt = m->pages[pfn].mt;

		del_from_free_area(m, z, pfn, order);
		shape_account_free(z, mt, -(1L << order));
		/* a free block's buddy is not a free block of its order: it may stay whole */
		shape_region(&c, pfn, order, true);
	}
	zf_spin_unlock(m, &z->lock);
	memcpy(m->vmstat, vmstat, sizeof(vmstat));
	z->vm_stat[NR_ZONE_PGALLOC] = pgalloc;
	free(blocks);

	for (unsigned int o = 0; o < m->max_order; o++)
		short_blocks += c.want[o];
	return short_blocks > (uint64_t)INT32_MAX ? INT32_MAX : (int)short_blocks;
}

int zf_machine_shape_free_area(struct zf_machine *m, int zone_id, const uint64_t *nr_free)
{
	/* task 0 is init: unkillable, so the captured in-use memory stays in use */
	return zf_machine_shape_free_area_owner(m, zone_id, nr_free, 0);
}
