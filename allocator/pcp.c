// SPDX-License-Identifier: MIT
/*
 * allocator/pcp.c - the per-cpu page lists of Linux 4.12 (order 0 only):
 * batch/high sizing, refill from the buddy (rmqueue_bulk), freeing to the
 * lists (free_hot_cold_page) and draining back (free_pcppages_bulk,
 * drain_*_pages). Spec §1.1, §4.3, §4.7, §4.9; planted bugs B3 and B12.
 *
 * Counters: pages on pcp lists are not free memory (NR_FREE_PAGES drops in
 * rmqueue_bulk and rises in __free_one_page); the model counts them in the
 * zone's NR_PCP, which rmqueue_bulk and free_hot_cold_page raise and
 * free_pcppages_bulk lowers. rmqueue() (page_alloc.c) lowers NR_PCP and
 * pcp->count when it hands a pcp page out.
 */
#include "internal.h"

#define pcp_trace_label(m, type, label, zid, pfn, order, a, b, c)                                  \
	do {                                                                                       \
		if ((m)->hooks.on_event)                                                           \
			__zf_emit((m), (type), (label), (zid), (pfn), (order), (a), (b), (c),      \
				  __func__, __FILE__, __LINE__);                                   \
	} while (0)

#define PAGE_SIZE_BYTES (1UL << PAGE_SHIFT)

/* rounddown_pow_of_two for the small positive values zone_batchsize() feeds it. */
static int rounddown_pow_of_two(int n)
{
	int r = 1;

	while (r <= n / 2)
		r <<= 1;
	return r;
}

/*
 * zone_batchsize (spec §1.1, 4.12 page_alloc.c:5356): about a quarter of
 * 1/1024 of the zone, at most 512KiB worth, then clamped to 2^n - 1 (so that
 * batches do not keep hitting the same cache colours). A zone without
 * memory gets 0 (-> batch 1, high 0 through pageset_set_batch).
 */
int zone_batchsize(const struct zone *z)
{
	uint64_t b = z->managed_pages / 1024;
	int batch;

	if (b * PAGE_SIZE_BYTES > 512 * 1024)
		b = (512 * 1024) / PAGE_SIZE_BYTES;
	batch = (int)(b / 4); /* we effectively *= 4 below */
	if (batch < 1)
		batch = 1;
	return rounddown_pow_of_two(batch + batch / 2) - 1;
}

/*
 * pageset_update (4.12): batch is first set to the fail-safe 1, then high,
 * then the new batch, so that a concurrent free never sees a batch larger
 * than it expects... except that a free which already compared count with
 * the *old* high and reads batch afterwards gets the new batch (planted bug
 * B3, fixed in 5.9 by clamping the count in free_pcppages_bulk).
 *
 * The model runs that interleaving deterministically: with 'race' set, the
 * racing free_hot_cold_page() on race->cpu links its page and tests
 * count >= high before the update, and reads batch and drains after it.
 * m may be NULL when race is NULL.
 */
static inline struct per_cpu_pages *free_hot_cold_page_link(struct zf_machine *m, uint64_t pfn,
							    bool cold, unsigned int cpu,
							    bool *over_high);
static __cold void free_hot_cold_page_trim(struct zf_machine *m, struct zone *z,
					   struct per_cpu_pages *pcp);
static inline void __free_hot_cold_page(struct zf_machine *m, uint64_t pfn, bool cold,
					unsigned int cpu);
static unsigned int pcp_cpu(const struct zf_machine *m, const struct per_cpu_pages *pcp);

void pageset_update(struct zf_machine *m, struct per_cpu_pages *pcp, int high, int batch,
		    const struct pcp_racing_free *race)
{
	struct per_cpu_pages *racing_pcp = NULL;
	bool over_high = false;
	unsigned int cpu = 0;

	/*
	 * The update runs with the CPU's pcp lock held in a threaded machine
	 * (the kernel relies on the batch/high write order instead: the B3
	 * window below is that order's flaw, replayed deterministically).
	 */
	if (m) {
		cpu = pcp_cpu(m, pcp);
		pcp_lock(m, cpu);
	}
	if (m && race && race->pfn != ZF_NO_PAGE) {
		struct zone *z = page_zone(m, race->pfn);

		if (zone_pcp(m, z, race->cpu) == pcp)
			racing_pcp = free_hot_cold_page_link(m, race->pfn, race->cold, race->cpu,
							     &over_high);
		else { /* not the pcp being updated: no window, an ordinary free */
			pcp_unlock(m, cpu);
			__free_hot_cold_page(m, race->pfn, race->cold, race->cpu);
			pcp_lock(m, cpu);
		}
	}

	/* start with a fail-safe value for batch, then high, then batch */
	pcp->batch = 1;
	pcp->high = high;
	pcp->batch = batch;

	if (racing_pcp && over_high)
		free_hot_cold_page_trim(m, page_zone(m, race->pfn), racing_pcp);
	if (m)
		pcp_unlock(m, cpu);
}

/* the batch pageset_set_high() pairs with a high: high/4, in [1, PAGE_SHIFT * 8] */
static int pageset_batch_for_high(int high)
{
	int batch = high / 4 > 1 ? high / 4 : 1;

	if (high / 4 > PAGE_SHIFT * 8)
		batch = PAGE_SHIFT * 8;
	return batch;
}

/* pageset_set_batch (4.12): high = 6 * batch, batch at least 1. */
void pageset_set_batch(struct per_cpu_pages *pcp, int batch)
{
	pageset_update(NULL, pcp, 6 * batch, batch > 1 ? batch : 1, NULL);
}

/* pageset_set_high (4.12, percpu_pagelist_fraction) */
void pageset_set_high(struct per_cpu_pages *pcp, int high)
{
	pageset_update(NULL, pcp, high, pageset_batch_for_high(high), NULL);
}

/* pageset_set_high_and_batch (4.12) for one CPU, with an optional racing free. */
static void pageset_set_high_and_batch(struct zf_machine *m, struct zone *z, unsigned int cpu,
				       const struct pcp_racing_free *race)
{
	struct per_cpu_pages *pcp = zone_pcp(m, z, cpu);
	int high, batch;

	if (m->percpu_pagelist_fraction) {
		high = (int)(z->managed_pages / m->percpu_pagelist_fraction);
		batch = pageset_batch_for_high(high);
	} else {
		batch = zone_batchsize(z);
		high = 6 * batch;
		if (batch < 1)
			batch = 1;
	}
	pageset_update(m, pcp, high, batch, race);
}

/*
 * zone_pcp_init (4.12 zone_pcp_init + setup_zone_pageset): empty lists and
 * the zone's batch/high on every CPU.
 */
void zone_pcp_init(struct zf_machine *m, struct zone *z)
{
	unsigned int cpu;
	int mt;

	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = zone_pcp(m, z, cpu);

		pcp->count = 0;
		for (mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			zf_list_init(&pcp->lists[mt]);
		pageset_set_high_and_batch(m, z, cpu, NULL);
	}
}

/*
 * zone_pcp_update (4.12): recompute batch/high on every CPU after the zone's
 * size changed (memory online, percpu_pagelist_fraction). race: an order-0
 * free interleaved with the update of race->cpu's pcp (planted bug B3); the
 * page must already be cleared of its allocated state, as __free_pages does.
 */
void zone_pcp_update(struct zf_machine *m, struct zone *z, const struct pcp_racing_free *race)
{
	unsigned int cpu;

	/* a free from a CPU the machine does not have is an ordinary free on this one */
	if (race && race->pfn != ZF_NO_PAGE && race->cpu >= m->nr_cpus) {
		__free_hot_cold_page(m, race->pfn, race->cold, smp_processor_id(m));
		race = NULL;
	}
	for (cpu = 0; cpu < m->nr_cpus; cpu++)
		pageset_set_high_and_batch(m, z, cpu, (race && race->cpu == cpu) ? race : NULL);
}

/*
 * rmqueue_bulk (spec §4.3): under zone->lock, take up to count blocks from
 * __rmqueue and link each after the previous one (list_add at a moving
 * cursor, so the list keeps physical order), or before it when cold
 * (list_add_tail at the same cursor). NR_FREE_PAGES drops by what left the
 * buddy; CMA pages also leave NR_FREE_CMA_PAGES.
 */
__cold int rmqueue_bulk(struct zf_machine *m, struct zone *z, unsigned int order, int count,
			struct zf_list *list, int migratetype, bool cold, unsigned int cpu)
{
	uint32_t cursor = ZF_NIL; /* ZF_NIL: the list head itself */
	uint64_t first = ZF_NO_PAGE;
	int i, alloced = 0;

	zf_spin_lock(m, &z->lock);
	for (i = 0; i < count; ++i) {
		uint64_t pfn = __rmqueue(m, z, order, migratetype);
		struct page *page;

		if (pfn == ZF_NO_PAGE)
			break;
		page = &m->pages[pfn];
		page->flags = (uint16_t)(page->flags | ZF_PG_PCP);
		page->cpu = (uint8_t)cpu;
		if (!cold) {
			if (cursor == ZF_NIL)
				zf_list_add(m, list, (uint32_t)pfn);
			else
				zf_list_add_after(m, list, cursor, (uint32_t)pfn);
		} else {
			/* list_add_tail(page, cursor): just before the cursor */
			uint32_t prev = cursor == ZF_NIL ? list->tail : m->pages[cursor].prev;

			if (cursor == ZF_NIL)
				zf_list_add_tail(m, list, (uint32_t)pfn);
			else if (prev == ZF_NIL)
				zf_list_add(m, list, (uint32_t)pfn);
			else
				zf_list_add_after(m, list, prev, (uint32_t)pfn);
		}
		cursor = (uint32_t)pfn;
		if (first == ZF_NO_PAGE)
			first = pfn;
		alloced++;
		if (is_migrate_cma(page->mt))
			__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -(1L << order));
	}
	/* i blocks left the buddy lists (the kernel counts leaked bad pages too) */
	__mod_zone_page_state(z, NR_FREE_PAGES, -((long)i << order));
	__mod_zone_page_state(z, NR_PCP, (long)alloced << order);
	zf_spin_unlock(m, &z->lock);

	zf_trace(m, ZF_EV_PCP_REFILL, z->id, first, order, alloced, count, migratetype);
	count_vm_event(m, ZF_VM_pcp_refill);
	return alloced;
}

static unsigned int pcp_cpu(const struct zf_machine *m, const struct per_cpu_pages *pcp)
{
	return (unsigned int)((pcp - &m->pcp[0][0]) / NR_ZONES_TOTAL);
}

/*
 * free_pcppages_bulk (spec §4.7, 4.12 page_alloc.c:1100-1154): give count
 * pages back to the buddy, round robin over the three lists starting with
 * MOVABLE, from the TAIL (the coldest), more from fuller lists (batch_free
 * grows with every empty list met and is not reset between rounds). The
 * page's cached type is used unless the zone has isolated blocks, when the
 * block type is re-read (Joonsoo Kim, 3.18; planted bug B12 reverts it).
 * The caller adjusts pcp->count.
 *
 * Asked for more pages than the lists hold (planted bug B3), 4.12 spins
 * forever in the "find a non-empty list" loop with interrupts off. The model
 * notices that every list is empty, emits a second PCPU_DRAIN event with
 * label 1 (a = pages still asked for) and stops: a model safety net, not
 * kernel behaviour. The first PCPU_DRAIN event (a = count asked, b =
 * pcp->count) is what oracles judge. The 5.9 profile clamps count to
 * pcp->count first (88e8ac11d2ea), unless B3 reverts it.
 */
void free_pcppages_bulk(struct zf_machine *m, struct zone *z, int count, struct per_cpu_pages *pcp)
{
	int migratetype = 0;
	int batch_free = 0;
	long freed = 0;
	bool isolated_pageblocks;

	if (m->profile->pcp_count_clamp && !zf_bug(m, ZF_BUG_B3) && count > pcp->count)
		count = pcp->count;
	zf_trace(m, ZF_EV_PCPU_DRAIN, z->id, ZF_NO_PAGE, 0, count, pcp->count, pcp_cpu(m, pcp));
	count_vm_event(m, ZF_VM_pcp_drain);

	zf_spin_lock(m, &z->lock);
	isolated_pageblocks = has_isolate_pageblock(z);

	while (count) {
		struct zf_list *list;

		if (zf_list_empty(&pcp->lists[0]) && zf_list_empty(&pcp->lists[1]) &&
		    zf_list_empty(&pcp->lists[2])) {
			/* model safety net: the kernel would never leave the loop below */
			pcp_trace_label(m, ZF_EV_PCPU_DRAIN, 1, z->id, ZF_NO_PAGE, 0, count, 0,
					pcp_cpu(m, pcp));
			break;
		}
		/*
		 * Remove pages from lists in a round-robin fashion; batch_free
		 * grows with every empty list so that fuller lists give more.
		 */
		do {
			batch_free++;
			if (++migratetype == MIGRATE_PCPTYPES)
				migratetype = 0;
			list = &pcp->lists[migratetype];
		} while (zf_list_empty(list));

		/* this is the only non-empty list: free them all */
		if (batch_free == MIGRATE_PCPTYPES)
			batch_free = count;

		do {
			uint32_t pfn = list->tail;
			struct page *page = &m->pages[pfn];
			int mt;

			/* must delete as __free_one_page list manipulates */
			zf_list_del(m, list, pfn);
			mt = page->mt;
			/* the pageblock could have been isolated meanwhile */
			if (isolated_pageblocks && !zf_bug(m, ZF_BUG_B12))
				mt = get_pageblock_migratetype(m, pfn);
			page->flags = (uint16_t)(page->flags & ~ZF_PG_PCP);
			__free_one_page(m, pfn, z, 0, mt);
			freed++;
		} while (--count && --batch_free && !zf_list_empty(list));
	}
	__mod_zone_page_state(z, NR_PCP, -freed);
	zf_spin_unlock(m, &z->lock);
}

/*
 * First half of free_hot_cold_page: cache the block type in the page, send
 * ISOLATE pages straight to the buddy, and link the rest on their pcp list
 * (HIGHATOMIC and CMA pages on the MOVABLE list, keeping their cached type so
 * that a drain returns them to their own buddy lists). Returns the pcp, or
 * NULL if the page went to the buddy; *over_high: count >= high was seen.
 */
static inline struct per_cpu_pages *free_hot_cold_page_link(struct zf_machine *m, uint64_t pfn,
							    bool cold, unsigned int cpu,
							    bool *over_high)
{
	struct zone *z = page_zone(m, pfn);
	struct page *page = &m->pages[pfn];
	struct per_cpu_pages *pcp;
	int migratetype;

	*over_high = false;
	migratetype = get_pageblock_migratetype(m, pfn);
	page->mt = (uint8_t)migratetype; /* set_pcppage_migratetype */
	count_vm_event(m, ZF_VM_pgfree);

	/*
	 * Only unmovable, reclaimable and movable pages live on pcp lists.
	 * Pages of isolated blocks go back to the allocator at once (they are
	 * being offlined); highatomic and CMA pages are kept as movable.
	 */
	if (migratetype >= MIGRATE_PCPTYPES) {
		if (is_migrate_isolate(migratetype)) {
			free_one_page(m, z, pfn, 0, migratetype);
			return NULL;
		}
		migratetype = MIGRATE_MOVABLE;
	}

	pcp = zone_pcp(m, z, cpu);
	page->flags = (uint16_t)(page->flags | ZF_PG_PCP);
	page->cpu = (uint8_t)cpu;
	if (!cold)
		zf_list_add(m, &pcp->lists[migratetype], (uint32_t)pfn);
	else
		zf_list_add_tail(m, &pcp->lists[migratetype], (uint32_t)pfn);
	pcp->count++;
	__mod_zone_page_state(z, NR_PCP, 1);
	*over_high = pcp->count >= pcp->high;
	return pcp;
}

/*
 * Second half: the list went over high, so give a batch back. batch is read
 * only now (READ_ONCE in the kernel), which is what B3's race exploits.
 * 4.12 then subtracts the whole batch from count; when fewer pages were
 * there (only in the B3 window) the model sets count to what the lists
 * hold, 0, as kernels that decrement inside free_pcppages_bulk (4.18+) end.
 */
static __cold void free_hot_cold_page_trim(struct zf_machine *m, struct zone *z,
					   struct per_cpu_pages *pcp)
{
	int batch = pcp->batch;

	free_pcppages_bulk(m, z, batch, pcp);
	pcp->count -= batch;
	if (pcp->count < 0)
		pcp->count = 0;
}

/* always inlined: the order-0 free's call and register saves were a visible share of a pair */
static __always_inline void __free_hot_cold_page(struct zf_machine *m, uint64_t pfn, bool cold,
						 unsigned int cpu)
{
	bool over_high;
	struct per_cpu_pages *pcp;

	pcp_lock(m, cpu); /* local_irq_save */
	pcp = free_hot_cold_page_link(m, pfn, cold, cpu, &over_high);
	if (pcp && over_high)
		free_hot_cold_page_trim(m, page_zone(m, pfn), pcp);
	pcp_unlock(m, cpu);
}

/*
 * free_hot_cold_page (spec §4.7): an order-0 page, already cleared of its
 * allocated state by __free_pages(), goes to the current CPU's list, at the
 * head (hot) or tail (cold); at count >= high a batch goes back.
 */
void free_hot_cold_page(struct zf_machine *m, uint64_t pfn, bool cold)
{
	__free_hot_cold_page(m, pfn, cold, smp_processor_id(m));
}

/*
 * drain_pages_zone (4.12): every pcp page of one CPU and zone back to the
 * buddy. It runs on that CPU in the kernel (local_irq_save there, or the
 * drain work of drain_all_pages); the model takes that CPU's pcp lock.
 */
void drain_pages_zone(struct zf_machine *m, unsigned int cpu, struct zone *z)
{
	struct per_cpu_pages *pcp = zone_pcp(m, z, cpu);

	pcp_lock(m, cpu);
	if (pcp->count) {
		free_pcppages_bulk(m, z, pcp->count, pcp);
		pcp->count = 0;
	}
	pcp_unlock(m, cpu);
}

/* drain_pages (4.12): one CPU, every populated zone. */
static void drain_pages(struct zf_machine *m, unsigned int cpu)
{
	unsigned int nid;
	int idx;

	for (nid = 0; nid < m->nr_nodes; nid++)
		for (idx = 0; idx < MAX_NR_ZONES; idx++) {
			struct zone *z = &m->nodes[nid].node_zones[idx];

			if (populated_zone(z))
				drain_pages_zone(m, cpu, z);
		}
}

/* drain_local_pages (4.12): the current CPU; one zone, or all (z NULL). */
void drain_local_pages(struct zf_machine *m, struct zone *z)
{
	unsigned int cpu = smp_processor_id(m);

	if (z)
		drain_pages_zone(m, cpu, z);
	else
		drain_pages(m, cpu);
}

/*
 * drain_all_pages (spec §4.9): every CPU drains its lists of one zone, or of
 * every populated zone (z NULL). 4.12 queues the work on each CPU with pcp
 * pages and waits; the model runs it in CPU order. A workqueue worker does
 * not drain (it could deadlock waiting on the per-cpu work it is part of).
 * pcpu_drain_mutex only matters between concurrent drains: not modelled.
 */
void drain_all_pages(struct zf_machine *m, struct zone *z)
{
	const struct task_struct *t = current_task(m);
	unsigned int cpu;

	if (t && (task_flags(t) & ZF_PF_WQ_WORKER))
		return;
	zf_trace(m, ZF_EV_DRAIN_ALL, z ? z->id : -1, ZF_NO_PAGE, 0, 0, 0, 0);
	for (cpu = 0; cpu < m->nr_cpus; cpu++) {
		if (z)
			drain_pages_zone(m, cpu, z);
		else
			drain_pages(m, cpu);
	}
}

void zf_drain_all_pages(struct zf_machine *m)
{
	drain_all_pages(m, NULL);
}
