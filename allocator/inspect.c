/* SPDX-License-Identifier: MIT */
/*
 * allocator/inspect.c - the read-only inspection API (zonefuzz/inspect.h).
 *
 * Nothing here modifies the machine. Some model helpers take a non-const
 * machine or zone because the kernel functions they mirror do; they only
 * read, so the const is cast away at those calls (zf_mut()).
 */
#include <string.h>

#include "internal.h"

static inline struct zf_machine *zf_mut(const struct zf_machine *m)
{
	return (struct zf_machine *)(uintptr_t)m;
}

static const struct zone *zf_zone_of(const struct zf_machine *m, int zone_id)
{
	if (zone_id < 0 || zone_id >= (int)(m->nr_nodes * MAX_NR_ZONES))
		return NULL;
	return &m->nodes[zone_id / MAX_NR_ZONES].node_zones[zone_id % MAX_NR_ZONES];
}

void zf_inspect_geometry(const struct zf_machine *m, struct zf_geometry *g)
{
	memset(g, 0, sizeof(*g));
	g->nr_nodes = m->nr_nodes;
	g->nr_cpus = m->nr_cpus;
	g->max_order = m->max_order;
	g->pageblock_order = m->pageblock_order;
	g->nr_pages = m->nr_pages;
	g->swap_pages = m->total_swap_pages;
	g->profile = m->cfg.profile;
	g->bugs = m->cfg.bugs;
}

static uint64_t zf_nonneg(int64_t v)
{
	return v > 0 ? (uint64_t)v : 0;
}

/*
 * The counter as the zone holds it. zone_page_state() clamps a negative item
 * to 0 as the kernel's readers do (internal.h); inspection must not, or a
 * drifted counter would be invisible to ZF_INV_COUNTERS.
 */
static int64_t zone_page_state_raw(const struct zone *z, enum zone_stat_item i)
{
	return ZF_READ_ONCE(z->vm_stat[i]);
}

int zf_inspect_zone(const struct zf_machine *m, int zone_id, struct zf_zone_info *zi)
{
	const struct zone *z = zf_zone_of(m, zone_id);

	if (!z)
		return -1;
	memset(zi, 0, sizeof(*zi));
	zi->id = z->id;
	zi->nid = z->node;
	zi->idx = z->idx;
	zi->name = z->name;
	zi->populated = managed_zone(z);
	zi->start_pfn = z->zone_start_pfn;
	zi->spanned_pages = z->spanned_pages;
	zi->present_pages = z->present_pages;
	zi->managed_pages = z->managed_pages;
	for (int i = 0; i < NR_WMARK; i++)
		zi->wmark[i] = z->watermark[i];
	for (int i = 0; i < MAX_NR_ZONES; i++)
		zi->lowmem_reserve[i] = z->lowmem_reserve[i];
	zi->nr_free_pages = zone_page_state_raw(z, NR_FREE_PAGES);
	zi->nr_free_cma = zone_page_state_raw(z, NR_FREE_CMA_PAGES);
	for (unsigned int o = 0; o < m->max_order && o < ZF_MAX_ORDER_MAX; o++)
		zi->nr_free[o] = z->free_area[o].nr_free;
	zi->nr_reserved_highatomic = z->nr_reserved_highatomic;
	zi->nr_isolate_pageblock = z->nr_isolate_pageblock;
	zi->lru[LRU_INACTIVE_ANON] = zf_nonneg(zone_page_state_raw(z, NR_ZONE_INACTIVE_ANON));
	zi->lru[LRU_ACTIVE_ANON] = zf_nonneg(zone_page_state_raw(z, NR_ZONE_ACTIVE_ANON));
	zi->lru[LRU_INACTIVE_FILE] = zf_nonneg(zone_page_state_raw(z, NR_ZONE_INACTIVE_FILE));
	zi->lru[LRU_ACTIVE_FILE] = zf_nonneg(zone_page_state_raw(z, NR_ZONE_ACTIVE_FILE));
	/*
	 * NR_ZONE_WRITE_PENDING counts each LRU page that is dirty or under
	 * writeback once; the zone keeps its writeback part separately, so the
	 * rest are the dirty pages not (yet) under writeback.
	 */
	zi->nr_writeback = z->nr_writeback;
	zi->nr_dirty =
	    zf_nonneg(zone_page_state_raw(z, NR_ZONE_WRITE_PENDING) - (int64_t)z->nr_writeback);
	zi->nr_isolated = zf_nonneg(zone_page_state_raw(z, NR_ISOLATED));
	zi->nr_allocated = zf_nonneg(zone_page_state_raw(z, NR_ALLOCATED));
	zi->nr_pcp = zf_nonneg(zone_page_state_raw(z, NR_PCP));
	zi->nr_poisoned = zf_nonneg(zone_page_state_raw(z, NR_POISONED));
	zi->nr_offline = zf_nonneg(zone_page_state_raw(z, NR_OFFLINE));
	zi->compact_considered = z->compact_considered;
	zi->compact_defer_shift = z->compact_defer_shift;
	zi->compact_order_failed = (unsigned int)z->compact_order_failed;
	zi->compact_cached_free_pfn = z->compact_cached_free_pfn;
	zi->compact_cached_migrate_pfn[0] = z->compact_cached_migrate_pfn[0];
	zi->compact_cached_migrate_pfn[1] = z->compact_cached_migrate_pfn[1];
	zi->compact_blockskip_flush = z->compact_blockskip_flush;
	zi->vmstat_pgalloc = zf_nonneg(zone_page_state_raw(z, NR_ZONE_PGALLOC));
	zi->raw.lru[LRU_INACTIVE_ANON] = zone_page_state_raw(z, NR_ZONE_INACTIVE_ANON);
	zi->raw.lru[LRU_ACTIVE_ANON] = zone_page_state_raw(z, NR_ZONE_ACTIVE_ANON);
	zi->raw.lru[LRU_INACTIVE_FILE] = zone_page_state_raw(z, NR_ZONE_INACTIVE_FILE);
	zi->raw.lru[LRU_ACTIVE_FILE] = zone_page_state_raw(z, NR_ZONE_ACTIVE_FILE);
	zi->raw.write_pending = zone_page_state_raw(z, NR_ZONE_WRITE_PENDING);
	zi->raw.isolated = zone_page_state_raw(z, NR_ISOLATED);
	zi->raw.allocated = zone_page_state_raw(z, NR_ALLOCATED);
	zi->raw.pcp = zone_page_state_raw(z, NR_PCP);
	zi->raw.poisoned = zone_page_state_raw(z, NR_POISONED);
	zi->raw.offline = zone_page_state_raw(z, NR_OFFLINE);
	zi->offline = z->offline;
	zi->wmark_overridden = z->wmark_overridden;
	return 0;
}

int zf_inspect_node(const struct zf_machine *m, int nid, struct zf_node_info *ni)
{
	const struct pglist_data *pgdat;

	if (nid < 0 || nid >= (int)m->nr_nodes)
		return -1;
	pgdat = &m->nodes[nid];
	memset(ni, 0, sizeof(*ni));
	ni->nid = nid;
	ni->kswapd_failures = pgdat->kswapd_failures;
	ni->kswapd_order = pgdat->kswapd_order;
	ni->kswapd_classzone_idx = pgdat->kswapd_classzone_idx;
	ni->kswapd_sleeping = pgdat->kswapd_sleeping;
	ni->kswapd_woken = pgdat->kswapd_woken;
	ni->kcompactd_max_order = pgdat->kcompactd_max_order;
	ni->kcompactd_classzone_idx = pgdat->kcompactd_classzone_idx;
	ni->kcompactd_woken = pgdat->kcompactd_woken;
	ni->zonelist_seq = pgdat->zonelist_seq;
	ni->pfmemalloc_wait = pgdat->pfmemalloc_wait;
	return 0;
}

int zf_inspect_pcp(const struct zf_machine *m, unsigned int cpu, int zone_id,
		   struct zf_pcp_info *pi)
{
	const struct zone *z = zf_zone_of(m, zone_id);
	const struct per_cpu_pages *pcp;

	if (!z || cpu >= m->nr_cpus)
		return -1;
	pcp = &m->pcp[cpu][zone_id];
	memset(pi, 0, sizeof(*pi));
	pi->cpu = cpu;
	pi->zone_id = zone_id;
	pi->count = pcp->count;
	pi->high = pcp->high;
	pi->batch = pcp->batch;
	for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++) {
		int len = 0;

		/* bounded by the pages in the pfn space, even on a corrupted list */
		for (uint32_t pfn = pcp->lists[mt].head;
		     pfn != ZF_NIL && pfn < m->nr_pages && (uint64_t)len <= m->nr_pages;
		     pfn = m->pages[pfn].next)
			len++;
		pi->list_len[mt] = len;
	}
	return 0;
}

int zf_inspect_page(const struct zf_machine *m, uint64_t pfn, struct zf_page_info *pi)
{
	const struct page *p;

	if (pfn >= m->nr_pages)
		return -1;
	p = &m->pages[pfn];
	memset(pi, 0, sizeof(*pi));
	pi->pfn = pfn;
	pi->flags = p->flags;
	pi->order = p->order;
	pi->migratetype = p->mt;
	pi->owner = p->owner;
	pi->zone_id = p->zid == 0xff ? -1 : p->zid;
	pi->pageblock_mt = get_pageblock_migratetype(zf_mut(m), pfn);
	pi->pageblock_skip = get_pageblock_skip(zf_mut(m), pfn);
	pi->pcp_cpu = (p->flags & ZF_PG_PCP) ? p->cpu : -1;
	return 0;
}

uint64_t zf_inspect_pages(const struct zf_machine *m, uint64_t pfn, uint64_t n,
			  struct zf_page_state *out)
{
	if (pfn >= m->nr_pages)
		return 0;
	if (n > m->nr_pages - pfn)
		n = m->nr_pages - pfn;
	for (uint64_t i = 0; i < n; i++) {
		const struct page p = m->pages[pfn + i];

		out[i] = (struct zf_page_state){.flags = p.flags,
						.order = p.order,
						.migratetype = p.mt,
						.owner = p.owner,
						.zone_id = p.zid == 0xff ? -1 : p.zid};
	}
	return n;
}

int zf_inspect_task(const struct zf_machine *m, int task, struct zf_task_info *ti)
{
	const struct task_struct *t;

	if (task < 0 || task >= (int)ZF_READ_ONCE(m->nr_tasks) || task >= ZF_MAX_TASKS)
		return -1;
	t = &m->tasks[task];
	memset(ti, 0, sizeof(*ti));
	ti->id = task;
	ti->name = t->comm;
	/* a thread of a threaded machine may look at its task while other CPUs change it */
	ti->alive = ZF_READ_ONCE(t->alive);
	ti->flags = task_flags(t);
	ti->oom_score_adj = t->oom_score_adj;
	ti->cpu = t->cpu;
	ti->mems_allowed = t->mems_allowed;
	ti->mems_seq = t->mems_allowed_seq;
	ti->mempolicy_nodes = t->mempolicy;
	ti->rss_anon = ZF_READ_ONCE(t->rss[0]);
	ti->rss_file = ZF_READ_ONCE(t->rss[1]);
	ti->swapents = ZF_READ_ONCE(t->swapents);
	ti->oom_victim = ZF_READ_ONCE(t->oom_victim);
	ti->mmf_oom_skip = ZF_READ_ONCE(t->mmf_oom_skip);
	ti->reap_attempts = ZF_READ_ONCE(t->reap_attempts);
	return 0;
}

unsigned int zf_inspect_nr_tasks(const struct zf_machine *m)
{
	return ZF_READ_ONCE(m->nr_tasks);
}

int zf_inspect_pfn_zone(const struct zf_machine *m, uint64_t pfn)
{
	if (pfn >= m->nr_pages || m->pages[pfn].zid == 0xff)
		return -1;
	return m->pages[pfn].zid;
}

int zf_inspect_pageblock_mt(const struct zf_machine *m, uint64_t pfn)
{
	if (pfn >= m->nr_pages)
		return -1;
	return get_pageblock_migratetype(zf_mut(m), pfn);
}

static const struct zf_list *zf_free_list_of(const struct zf_machine *m, int zone_id,
					     unsigned int order, int mt)
{
	const struct zone *z = zf_zone_of(m, zone_id);

	if (!z || order >= m->max_order || mt < 0 || mt >= MIGRATE_TYPES)
		return NULL;
	return &z->free_area[order].free_list[mt];
}

uint64_t zf_inspect_free_list_first(const struct zf_machine *m, int zone_id, unsigned int order,
				    int mt)
{
	const struct zf_list *l = zf_free_list_of(m, zone_id, order, mt);

	return (l && l->head != ZF_NIL) ? l->head : ZF_NO_PAGE;
}

uint64_t zf_inspect_pcp_list_first(const struct zf_machine *m, unsigned int cpu, int zone_id,
				   int mt)
{
	const struct per_cpu_pages *pcp;

	if (!zf_zone_of(m, zone_id) || cpu >= m->nr_cpus || mt < 0 || mt >= MIGRATE_PCPTYPES)
		return ZF_NO_PAGE;
	pcp = &m->pcp[cpu][zone_id];
	return pcp->lists[mt].head != ZF_NIL ? pcp->lists[mt].head : ZF_NO_PAGE;
}

uint64_t zf_inspect_list_next(const struct zf_machine *m, uint64_t pfn)
{
	uint32_t next;

	if (pfn >= m->nr_pages)
		return ZF_NO_PAGE;
	next = m->pages[pfn].next;
	return (next == ZF_NIL || next >= m->nr_pages) ? ZF_NO_PAGE : next;
}

uint64_t zf_inspect_list_len(const struct zf_machine *m, int zone_id, unsigned int order, int mt)
{
	const struct zf_list *l = zf_free_list_of(m, zone_id, order, mt);
	uint64_t n = 0;

	if (!l)
		return 0;
	for (uint32_t pfn = l->head; pfn != ZF_NIL && pfn < m->nr_pages && n <= m->nr_pages;
	     pfn = m->pages[pfn].next)
		n++;
	return n;
}

uint64_t zf_inspect_vmstat(const struct zf_machine *m, enum zf_vmstat_item i)
{
	if ((unsigned int)i >= ZF_NR_VMSTAT)
		return 0;
	return m->vmstat[i];
}

void zf_inspect_wmark_setup(const struct zf_machine *m, struct zf_wmark_setup_info *wi)
{
	memset(wi, 0, sizeof(*wi));
	wi->min_free_kbytes = m->min_free_kbytes;
	wi->watermark_scale_factor = m->watermark_scale_factor;
	for (int i = 0; i < MAX_NR_ZONES; i++)
		wi->lowmem_reserve_ratio[i] = m->lowmem_reserve_ratio[i];
	wi->percpu_pagelist_fraction = m->percpu_pagelist_fraction;
	wi->totalreserve_pages = m->totalreserve_pages;
}

int zf_inspect_zonelist(const struct zf_machine *m, int nid, bool nofallback, int *ids, int max)
{
	const struct zonelist *zl;
	int n = 0;

	if (nid < 0 || nid >= (int)m->nr_nodes)
		return -1;
	zl = &m->nodes[nid].node_zonelists[nofallback ? ZONELIST_NOFALLBACK : ZONELIST_FALLBACK];
	for (int i = 0; i < NR_ZONES_TOTAL && zl->zoneref[i] >= 0; i++) {
		if (n < max)
			ids[n] = zl->zoneref[i];
		n++;
	}
	if (n < max)
		ids[n] = -1;
	return n < max ? n : max;
}

void zf_inspect_alloc_ctx(const struct zf_machine *m, struct zf_alloc_ctx_info *ci)
{
	const struct zf_alloc_frame *f = cur_frame(zf_mut(m));
	const struct alloc_context *ac;

	memset(ci, 0, sizeof(*ci));
	ci->task = ZF_NO_TASK;
	ci->preferred_zone_id = -1;
	ci->classzone_idx = -1;
	ci->zonelist_nid = -1;
	if (!f)
		return;
	ci->active = true;
	ci->task = f->task;
	ci->gfp = f->gfp;
	ci->order = f->order;
	ci->alloc_flags = f->alloc_flags;
	ci->no_progress_loops = f->no_progress_loops;
	ci->compaction_retries = f->compaction_retries;
	ci->compact_priority = f->compact_priority;
	if (f->res) {
		ci->retries = f->res->retries;
		ci->direct_reclaim_calls = f->res->direct_reclaim_calls;
		ci->direct_compact_calls = f->res->direct_compact_calls;
		ci->oom_invoked = f->res->oom_invoked;
	}
	ac = f->ac;
	if (!ac)
		return;
	ci->high_zoneidx = ac->high_zoneidx;
	ci->migratetype = ac->migratetype;
	ci->nodemask = ac->nodemask;
	if (ac->zonelist_nid >= 0 && ac->zonelist_nid < (int)m->nr_nodes &&
	    ac->zonelist_which >= 0 && ac->zonelist_which < MAX_ZONELISTS) {
		ci->zonelist_nid = ac->zonelist_nid;
		ci->zonelist_nofallback = ac->zonelist_which == ZONELIST_NOFALLBACK;
	}
	ci->classzone_idx = ac->high_zoneidx;
	if (ac->preferred_zoneref >= 0 && ac->preferred_zoneref <= NR_ZONES_TOTAL &&
	    ac->zonelist_nid >= 0 && ac->zonelist_nid < (int)m->nr_nodes &&
	    ac->zonelist_which >= 0 && ac->zonelist_which < MAX_ZONELISTS) {
		int zid = m->nodes[ac->zonelist_nid]
			      .node_zonelists[ac->zonelist_which]
			      .zoneref[ac->preferred_zoneref];

		ci->preferred_zone_id = zid;
		/* the model's own classzone rule (4.12: zone_idx(preferred zone)) */
		if (zid >= 0)
			ci->classzone_idx = ac_classzone_idx(zf_mut(m), ac);
	}
}

bool zf_zone_watermark_ok(const struct zf_machine *m, int zone_id, unsigned int order,
			  uint64_t mark, int classzone_idx, uint32_t alloc_flags,
			  int64_t free_pages)
{
	const struct zone *z = zf_zone_of(m, zone_id);

	if (!z || classzone_idx < 0 || classzone_idx >= MAX_NR_ZONES)
		return false;
	/* __zone_watermark_ok() reads the zone only */
	return __zone_watermark_ok((struct zone *)(uintptr_t)z, order, mark, classzone_idx,
				   alloc_flags, free_pages, m->max_order);
}

uint64_t zf_zone_reclaimable_pages(const struct zf_machine *m, int zone_id)
{
	const struct zone *z = zf_zone_of(m, zone_id);

	return z ? zone_reclaimable_pages(zf_mut(m), z) : 0;
}

uint64_t zf_inspect_nr_swap_pages(const struct zf_machine *m)
{
	return ZF_READ_ONCE(m->nr_swap_pages);
}

int zf_inspect_node_lru(const struct zf_machine *m, int nid, uint64_t lru[4])
{
	static const enum zone_stat_item items[4] = {NR_ZONE_INACTIVE_ANON, NR_ZONE_ACTIVE_ANON,
						     NR_ZONE_INACTIVE_FILE, NR_ZONE_ACTIVE_FILE};

	if (nid < 0 || nid >= (int)m->nr_nodes)
		return -1;
	for (int l = 0; l < 4; l++) {
		lru[l] = 0;
		for (int i = 0; i < MAX_NR_ZONES; i++)
			lru[l] +=
			    zf_nonneg(zone_page_state_raw(&m->nodes[nid].node_zones[i], items[l]));
	}
	return 0;
}
