// SPDX-License-Identifier: MIT
/*
 * allocator/watermark.c - zone watermarks of Linux 4.12 (spec §3): the
 * min_free_kbytes default, the per-zone min/low/high marks, lowmem_reserve,
 * totalreserve_pages, and the watermark tests every allocation decision uses.
 *
 * The model's counters are exact (no per-cpu vmstat deltas), so
 * percpu_drift_mark is 0 and the "safe" snapshot read equals the cached one.
 */
#include "internal.h"

/* int_sqrt: floor of the square root (bit by bit, as lib/int_sqrt.c). */
static uint64_t int_sqrt(uint64_t x)
{
	uint64_t b, y = 0;

	if (x <= 1)
		return x;
	b = 1ULL << 62;
	while (b > x)
		b >>= 2;
	while (b) {
		if (x >= y + b) {
			x -= y + b;
			y = (y >> 1) + b;
		} else {
			y >>= 1;
		}
		b >>= 2;
	}
	return y;
}

/* A zone taken away by hot-remove holds no memory for these sums. */
static uint64_t zone_managed(const struct zone *z)
{
	return z->offline ? 0 : z->managed_pages;
}

/* for_each_zone: every zone of every node, in node then zone order; NULL at the end. */
static struct zone *next_model_zone(struct zf_machine *m, int *i)
{
	int id = (*i)++;

	if (id >= (int)m->nr_nodes * MAX_NR_ZONES)
		return NULL;
	return zone_by_id(m, id);
}

/*
 * calculate_totalreserve_pages (spec §3.2): per zone, the largest
 * lowmem_reserve towards a higher class zone plus the high watermark, capped
 * at the zone's size. Used for dirty limits and overcommit, not by the
 * allocator's own decisions.
 */
void calculate_totalreserve_pages(struct zf_machine *m)
{
	uint64_t reserve_pages = 0;
	struct zone *z;
	int i = 0, j;

	while ((z = next_model_zone(m, &i))) {
		uint64_t max = 0;

		for (j = (i - 1) % MAX_NR_ZONES; j < MAX_NR_ZONES; j++)
			if (z->lowmem_reserve[j] > max)
				max = z->lowmem_reserve[j];
		/* the high watermark counts as reserved pages */
		max += high_wmark_pages(z);
		if (max > zone_managed(z))
			max = zone_managed(z);
		reserve_pages += max;
	}
	m->totalreserve_pages = reserve_pages;
}

/*
 * setup_per_zone_wmarks (spec §3.1, 4.12 __setup_per_zone_wmarks): split
 * min_free_kbytes over the zones in proportion to their size (64-bit floor
 * division); low and high sit one and two "gaps" above min, the gap being a
 * quarter of min or watermark_scale_factor/10000 of the zone, whichever is
 * larger. x86-64 has no highmem zone (and 4.12 treats ZONE_MOVABLE as
 * lowmem there), so every zone counts in lowmem_pages.
 */
void setup_per_zone_wmarks(struct zf_machine *m)
{
	uint64_t pages_min = (uint64_t)m->min_free_kbytes >> (PAGE_SHIFT - 10);
	uint64_t lowmem_pages = 0;
	struct zone *z;
	int i = 0;

	while ((z = next_model_zone(m, &i)))
		lowmem_pages += zone_managed(z);

	i = 0;
	while ((z = next_model_zone(m, &i))) {
		uint64_t managed = zone_managed(z);
		uint64_t tmp, gap;

		zf_spin_lock(m, &z->lock);
		tmp = lowmem_pages ? pages_min * managed / lowmem_pages : 0;
		z->watermark[WMARK_MIN] = tmp;
		/*
		 * The kswapd distance: scale factor of the zone (mult_frac), but
		 * at least a quarter of min on small systems.
		 */
		gap = managed * m->watermark_scale_factor / 10000;
		if (tmp >> 2 > gap)
			gap = tmp >> 2;
		z->watermark[WMARK_LOW] = min_wmark_pages(z) + gap;
		z->watermark[WMARK_HIGH] = min_wmark_pages(z) + gap * 2;
		/* refresh_zone_stat_thresholds: exact counters, no drift */
		z->percpu_drift_mark = 0;
		zf_spin_unlock(m, &z->lock);
	}
	calculate_totalreserve_pages(m);
}

/*
 * setup_per_zone_lowmem_reserve (spec §3.2): zone idx keeps
 * (managed pages of zones idx+1 .. j) / ratio[idx] free from requests whose
 * class zone is j. A ratio below 1 is forced to 1, as 4.12 does to the sysctl.
 */
void setup_per_zone_lowmem_reserve(struct zf_machine *m)
{
	unsigned int nid;
	int j;

	for (nid = 0; nid < m->nr_nodes; nid++) {
		struct pglist_data *pgdat = &m->nodes[nid];

		/* entries towards the zone itself and lower zones stay 0 */
		for (j = 0; j < MAX_NR_ZONES; j++) {
			int k;

			for (k = 0; k < MAX_NR_ZONES; k++)
				pgdat->node_zones[j].lowmem_reserve[k] = 0;
		}
		for (j = 0; j < MAX_NR_ZONES; j++) {
			uint64_t managed_pages = zone_managed(&pgdat->node_zones[j]);
			int idx = j;

			pgdat->node_zones[j].lowmem_reserve[j] = 0;
			while (idx) {
				struct zone *lower_zone;

				idx--;
				if (m->lowmem_reserve_ratio[idx] < 1)
					m->lowmem_reserve_ratio[idx] = 1;
				lower_zone = &pgdat->node_zones[idx];
				lower_zone->lowmem_reserve[j] =
				    managed_pages / m->lowmem_reserve_ratio[idx];
				managed_pages += zone_managed(lower_zone);
			}
		}
	}
	calculate_totalreserve_pages(m);
}

/*
 * init_per_zone_wmark_min (spec §1.1, 4.12 page_alloc.c:6976): the default
 * min_free_kbytes is int_sqrt(lowmem_kbytes * 16), clamped to [128, 65536],
 * lowmem being nr_free_buffer_pages() (zones up to NORMAL, above their high
 * marks). A value given in the config plays the sysctl set by the user and
 * is kept. Then the marks and reserves are (re)computed. Returns the
 * min_free_kbytes in force. Also called after memory online, as in 4.12.
 */
long init_per_zone_wmark_min(struct zf_machine *m)
{
	uint64_t lowmem_kbytes = nr_free_buffer_pages(m) * ((1ULL << PAGE_SHIFT) >> 10);
	long new_min_free_kbytes = (long)int_sqrt(lowmem_kbytes * 16);

	if (m->cfg.min_free_kbytes < 0) {
		if (new_min_free_kbytes < 128)
			new_min_free_kbytes = 128;
		if (new_min_free_kbytes > 65536)
			new_min_free_kbytes = 65536;
		m->min_free_kbytes = new_min_free_kbytes;
	} else {
		m->min_free_kbytes = m->cfg.min_free_kbytes;
	}
	setup_per_zone_wmarks(m);
	setup_per_zone_lowmem_reserve(m);
	return m->min_free_kbytes;
}

/*
 * __zone_watermark_ok (spec §3.3, 4.12 page_alloc.c:2887-2953), in signed
 * arithmetic as the kernel (free_pages may go negative):
 *  - the pages an order-N request cannot use are taken off first;
 *  - ALLOC_HIGH halves min, then ALLOC_HARDER takes a quarter of the rest
 *    (GFP_ATOMIC: 37.5% of min); callers without ALLOC_HARDER lose the whole
 *    highatomic reserve, free or not; callers without ALLOC_CMA lose free CMA;
 *  - fail if free <= min + lowmem_reserve[classzone] ("<=");
 *  - for order > 0 some free list of at least that order must be usable;
 *    4.12's ALLOC_HARDER accepts any non-empty area, even one holding only
 *    HIGHATOMIC or ISOLATE blocks (spec §12, a faithful quirk).
 */
bool __zone_watermark_ok(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
			 uint32_t alloc_flags, int64_t free_pages, unsigned int max_order)
{
	int64_t min = (int64_t)mark;
	/*
	 * 4.14 ("do not rely on TIF_MEMDIE for memory reserves access"): an OOM
	 * victim's ALLOC_OOM tries harder too, and halves min instead of taking
	 * a quarter. The flag is never set on 4.12 profiles (spec §8).
	 */
	const bool alloc_harder = (alloc_flags & (ALLOC_HARDER | ALLOC_OOM)) != 0;
	unsigned int o;

	/* an order this large cannot be satisfied (and would overflow the shift) */
	if (order >= 62)
		return false;

	/* free_pages may go negative - that's OK */
	free_pages -= (INT64_C(1) << order) - 1;

	if (alloc_flags & ALLOC_HIGH)
		min -= min / 2;

	/*
	 * Without ALLOC_HARDER the highatomic reserve is not usable: subtract
	 * all of it (over-estimates, avoids a search).
	 */
	if (!alloc_harder)
		free_pages -= (int64_t)ZF_READ_ONCE(z->nr_reserved_highatomic);
	else if (alloc_flags & ALLOC_OOM)
		min -= min / 2;
	else
		min -= min / 4;

	/* an allocation that cannot use CMA areas does not count free CMA pages */
	if (!(alloc_flags & ALLOC_CMA))
		free_pages -= zone_page_state(z, NR_FREE_CMA_PAGES);

	/*
	 * The order-0 watermark must be met; if not, a high-order request cannot
	 * go ahead even if a suitable page happens to be free.
	 */
	if (free_pages <= min + (int64_t)z->lowmem_reserve[classzone_idx])
		return false;

	if (!order)
		return true;

	/* for a high-order request, check that at least one suitable block is free */
	for (o = order; o < max_order && o < ZF_MAX_ORDER_MAX; o++) {
		struct free_area *area = &z->free_area[o];
		int mt;

		/* read without zone->lock, as in the kernel */
		if (!ZF_READ_ONCE(area->nr_free))
			continue;
		if (alloc_harder)
			return true;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			if (!zf_list_empty(&area->free_list[mt]))
				return true;
		if ((alloc_flags & ALLOC_CMA) && !zf_list_empty(&area->free_list[MIGRATE_CMA]))
			return true;
	}
	return false;
}

/* zone_watermark_ok: the test fed with the NR_FREE_PAGES counter. */
bool zone_watermark_ok(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
		       uint32_t alloc_flags, unsigned int max_order)
{
	return __zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags,
				   zone_page_state(z, NR_FREE_PAGES), max_order);
}

/*
 * zone_watermark_fast (spec §3.3, 4.12 page_alloc.c:2962-2986): an order-0
 * shortcut that ignores the highatomic deduction and the HIGH/HARDER
 * discounts; only when it fails does the full test run. The comparison is
 * made as in the kernel's C: signed free pages against the unsigned
 * mark + reserve, i.e. in unsigned arithmetic.
 */
bool zone_watermark_fast(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
			 uint32_t alloc_flags, unsigned int max_order)
{
	int64_t free_pages = zone_page_state(z, NR_FREE_PAGES);
	int64_t cma_pages = 0;

	if (!(alloc_flags & ALLOC_CMA))
		cma_pages = zone_page_state(z, NR_FREE_CMA_PAGES);

	if (!order && (uint64_t)(free_pages - cma_pages) > mark + z->lowmem_reserve[classzone_idx])
		return true;

	return __zone_watermark_ok(z, order, mark, classzone_idx, alloc_flags, free_pages,
				   max_order);
}

/*
 * zone_watermark_ok_safe: kswapd's and compaction's test, with the snapshot
 * count below percpu_drift_mark (always 0 here: counters are exact) and no
 * alloc_flags at all.
 */
bool zone_watermark_ok_safe(struct zone *z, unsigned int order, uint64_t mark, int classzone_idx,
			    unsigned int max_order)
{
	int64_t free_pages = zone_page_state(z, NR_FREE_PAGES);

	if (z->percpu_drift_mark && free_pages < (int64_t)z->percpu_drift_mark)
		free_pages = zone_page_state_snapshot(z, NR_FREE_PAGES);

	return __zone_watermark_ok(z, order, mark, classzone_idx, 0, free_pages, max_order);
}
