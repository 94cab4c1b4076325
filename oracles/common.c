/* SPDX-License-Identifier: MIT */
/*
 * oracles/common.c - helpers the oracles share: per-pfn bitmaps, the 4.12
 * cpuset node test and an independent __zone_watermark_ok written from the
 * spec (§3.3), so that oracles judge the model with their own arithmetic
 * rather than with the function under test.
 */
#include <stdlib.h>
#include <string.h>

#include "oracle_internal.h"

bool zf_obitmap_resize(struct zf_obitmap *b, uint64_t nbits)
{
	uint64_t words = (nbits + 63) / 64;
	if (nbits != b->nbits) {
		uint64_t *w = realloc(b->w, (size_t)(words ? words : 1) * sizeof(uint64_t));
		if (!w)
			return false;
		b->w = w;
		b->nbits = nbits;
	}
	zf_obitmap_clear(b);
	return true;
}

void zf_obitmap_clear(struct zf_obitmap *b)
{
	if (b->w)
		memset(b->w, 0, (size_t)((b->nbits + 63) / 64) * sizeof(uint64_t));
}

void zf_obitmap_free(struct zf_obitmap *b)
{
	free(b->w);
	b->w = NULL;
	b->nbits = 0;
}

/* Word-at-a-time range operations: an order-10 block costs 16 words, not 1024 bits. */
static inline uint64_t range_mask(uint64_t lo, uint64_t hi) /* bits [lo, hi) of one word */
{
	uint64_t m = hi >= 64 ? ~UINT64_C(0) : (UINT64_C(1) << hi) - 1;
	return m & ~((UINT64_C(1) << lo) - 1);
}

uint64_t zf_obitmap_count_range(const struct zf_obitmap *b, uint64_t start, uint64_t n)
{
	uint64_t end = start + n, cnt = 0;
	if (end > b->nbits)
		end = b->nbits;
	while (start < end) {
		uint64_t wi = start >> 6, lo = start & 63;
		uint64_t hi = (end - (wi << 6)) < 64 ? end - (wi << 6) : 64;
		cnt += (uint64_t)__builtin_popcountll(b->w[wi] & range_mask(lo, hi));
		start = (wi << 6) + hi;
	}
	return cnt;
}

void zf_obitmap_set_range(struct zf_obitmap *b, uint64_t start, uint64_t n)
{
	uint64_t end = start + n;
	if (end > b->nbits)
		end = b->nbits;
	while (start < end) {
		uint64_t wi = start >> 6, lo = start & 63;
		uint64_t hi = (end - (wi << 6)) < 64 ? end - (wi << 6) : 64;
		b->w[wi] |= range_mask(lo, hi);
		start = (wi << 6) + hi;
	}
}

void zf_obitmap_clr_range(struct zf_obitmap *b, uint64_t start, uint64_t n)
{
	uint64_t end = start + n;
	if (end > b->nbits)
		end = b->nbits;
	while (start < end) {
		uint64_t wi = start >> 6, lo = start & 63;
		uint64_t hi = (end - (wi << 6)) < 64 ? end - (wi << 6) : 64;
		b->w[wi] &= ~range_mask(lo, hi);
		start = (wi << 6) + hi;
	}
}

bool zf_o_cpuset_node_allowed(const struct zf_machine *m, const struct zf_task_info *ti,
			      zf_gfp_t gfp, int nid)
{
	const struct zf_config *cfg = zf_machine_config(m);
	struct zf_geometry g;
	if (!cfg->cpusets_enabled || !ti)
		return true;
	if (ti->flags & ZF_TASK_IN_INTERRUPT)
		return true;
	/* mems_allowed 0 means "all nodes" (zf_task_config) */
	if (!ti->mems_allowed || (ti->mems_allowed >> nid) & 1u)
		return true;
	zf_inspect_geometry(m, &g);
	/* 4.14 "replace TIF_MEMDIE checks by tsk_is_oom_victim" */
	if (g.profile >= ZF_PROFILE_4_14 ? ti->oom_victim : (ti->flags & ZF_TIF_MEMDIE) != 0)
		return true;
	if (gfp & ZF_GFP_HARDWALL)
		return false;
	/* softwall: a dying task may use any node; otherwise the nearest hardwall ancestor */
	return (ti->flags & ZF_PF_EXITING) != 0;
}

/*
 * __zone_watermark_ok of 4.12 (spec §3.3), with the 4.14..6.2 ALLOC_OOM discount for
 * the later profiles (spec §8 4.14): reserves count as "harder" for the highatomic
 * deduction, and min is halved instead of cut by a quarter.
 */
bool zf_o_wmark_ok(const struct zf_machine *m, const struct zf_zone_info *zi, unsigned int order,
		   uint64_t mark, int classzone_idx, uint32_t alloc_flags, int64_t free_pages)
{
	struct zf_geometry g;
	zf_inspect_geometry(m, &g);
	int64_t min = (int64_t)mark;
	int64_t free = free_pages - (int64_t)((UINT64_C(1) << (order < 63 ? order : 62)) - 1);
	bool harder = (alloc_flags & (ZF_ALLOC_HARDER | ZF_ALLOC_OOM)) != 0;

	if (alloc_flags & ZF_ALLOC_HIGH)
		min -= min / 2;
	if (!harder) {
		free -= (int64_t)zi->nr_reserved_highatomic;
	} else if (alloc_flags & ZF_ALLOC_OOM) {
		min -= min / 2;
	} else {
		min -= min / 4;
	}
	if (!(alloc_flags & ZF_ALLOC_CMA))
		free -= zf_o_stat_read(zi->nr_free_cma); /* zone_page_state(): clamped */
	if (classzone_idx < 0 || classzone_idx >= ZF_MAX_NR_ZONES)
		classzone_idx = 0;
	if (free <= min + (int64_t)zi->lowmem_reserve[classzone_idx])
		return false;
	if (order == 0)
		return true;
	for (unsigned int o = order; o < g.max_order && o < ZF_MAX_ORDER_MAX; o++) {
		if (zi->nr_free[o] == 0)
			continue;
		if (harder)
			return true; /* 4.12: any non-empty area, even HIGHATOMIC / ISOLATE lists */
		for (int mt = 0; mt < ZF_MIGRATE_PCPTYPES; mt++) {
			if (zf_inspect_free_list_first(m, zi->id, o, mt) != ZF_NO_PAGE)
				return true;
		}
		if ((alloc_flags & ZF_ALLOC_CMA) &&
		    zf_inspect_free_list_first(m, zi->id, o, ZF_MIGRATE_CMA) != ZF_NO_PAGE)
			return true;
	}
	return false;
}

int zf_o_gfp_zone(zf_gfp_t gfp)
{
	switch (gfp & (ZF_GFP_DMA | ZF_GFP_HIGHMEM | ZF_GFP_DMA32 | ZF_GFP_MOVABLE)) {
	case 0:
	case ZF_GFP_HIGHMEM: /* HIGHMEM gives NORMAL when there is no ZONE_HIGHMEM */
	case ZF_GFP_MOVABLE:
		return ZF_ZONE_NORMAL;
	case ZF_GFP_DMA:
	case ZF_GFP_MOVABLE | ZF_GFP_DMA:
		return ZF_ZONE_DMA;
	case ZF_GFP_DMA32:
	case ZF_GFP_MOVABLE | ZF_GFP_DMA32:
		return ZF_ZONE_DMA32;
	case ZF_GFP_MOVABLE | ZF_GFP_HIGHMEM:
		return ZF_ZONE_MOVABLE;
	default:
		return -1; /* BUG under DEBUG_VM */
	}
}
