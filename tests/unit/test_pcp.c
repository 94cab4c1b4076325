// SPDX-License-Identifier: MIT
/*
 * tests/unit/test_pcp.c - per-cpu lists of 4.12 (spec §1.1, §4.3, §4.7,
 * §4.9): batch/high sizing (Appendix A: batch 31, high 186), rmqueue_bulk
 * ordering and accounting, free_hot_cold_page and the drain at high, the
 * round-robin of free_pcppages_bulk, cached types (HIGHATOMIC/CMA on the
 * MOVABLE list, ISOLATE straight to the buddy), B12 and the B3 race.
 * After every step NR_FREE_PAGES equals the pages on non-ISOLATE lists
 * (spec §11 item 4) and pcp->count equals the list lengths (item 6).
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/* DMA [0,1024), DMA32 [1024,8192), NORMAL [8192, 8192+131072): NORMAL batch 31, high 186 */
#define NORMAL_START 8192u

static struct zf_machine *machine(enum zf_profile_id prof, uint32_t bugs)
{
	struct zf_config cfg;
	char err[256];
	struct zf_machine *m;

	zf_config_default(&cfg);
	cfg.profile = prof;
	cfg.bugs = bugs;
	cfg.zone_pages[0][ZONE_NORMAL] = 131072;
	m = zf_machine_create(&cfg, err, sizeof(err));
	if (!m)
		fprintf(stderr, "zf_machine_create: %s\n", err);
	return m;
}

static struct zone *normal(struct zf_machine *m)
{
	return &m->nodes[0].node_zones[ZONE_NORMAL];
}

static uint64_t zlist_len(struct zf_machine *m, const struct zf_list *l)
{
	uint64_t n = 0;

	for (uint32_t p = l->head; p != ZF_NIL; p = m->pages[p].next)
		n++;
	return n;
}

static uint64_t pages_on_lists(struct zf_machine *m, struct zone *z, int mt)
{
	uint64_t n = 0;

	for (unsigned int o = 0; o < m->max_order; o++)
		n += zlist_len(m, &z->free_area[o].free_list[mt]) << o;
	return n;
}

static bool counters_consistent(struct zf_machine *m, struct zone *z)
{
	uint64_t free = 0, pcp_pages = 0;

	for (int mt = 0; mt < MIGRATE_TYPES; mt++)
		if (mt != MIGRATE_ISOLATE)
			free += pages_on_lists(m, z, mt);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		struct per_cpu_pages *pcp = zone_pcp(m, z, cpu);
		uint64_t n = 0;

		for (int mt = 0; mt < MIGRATE_PCPTYPES; mt++)
			n += zlist_len(m, &pcp->lists[mt]);
		if ((int64_t)n != pcp->count)
			return false;
		pcp_pages += n;
	}
	return (int64_t)free == zone_page_state(z, NR_FREE_PAGES) &&
	       (int64_t)pcp_pages == zone_page_state(z, NR_PCP);
}

static void empty_zone(struct zf_machine *m, struct zone *z)
{
	for (unsigned int o = 0; o < m->max_order; o++)
		for (int mt = 0; mt < MIGRATE_TYPES; mt++)
			while (z->free_area[o].free_list[mt].head != ZF_NIL) {
				del_from_free_area(m, z, z->free_area[o].free_list[mt].head, o);
				if (mt != MIGRATE_ISOLATE)
					__mod_zone_page_state(z, NR_FREE_PAGES, -(1L << o));
				if (mt == MIGRATE_CMA)
					__mod_zone_page_state(z, NR_FREE_CMA_PAGES, -(1L << o));
			}
}

/* an order-0 allocation straight from the buddy, accounted as rmqueue does */
static uint64_t take_from_buddy(struct zf_machine *m, struct zone *z)
{
	uint64_t pfn = __rmqueue(m, z, 0, MIGRATE_MOVABLE);

	if (pfn != ZF_NO_PAGE)
		__mod_zone_page_state(z, NR_FREE_PAGES, -1);
	return pfn;
}

TEST(zone_batchsize_values)
{
	struct zone z;
	struct per_cpu_pages pcp;

	memset(&z, 0, sizeof(z));
	/* Appendix A: min(1256024/1024, 128)/4 = 32 -> rounddown_pow_of_two(48) - 1 = 31 */
	z.managed_pages = 1256024;
	expect_eq(zone_batchsize(&z), 31);
	z.managed_pages = 740000;
	expect_eq(zone_batchsize(&z), 31);
	/* 3976/1024 = 3, /4 = 0 -> 1 -> rounddown_pow_of_two(1) - 1 = 0 */
	z.managed_pages = 3976;
	expect_eq(zone_batchsize(&z), 0);
	/* 16384/1024 = 16, /4 = 4 -> rounddown_pow_of_two(6) - 1 = 3 */
	z.managed_pages = 16384;
	expect_eq(zone_batchsize(&z), 3);
	z.managed_pages = 0;
	expect_eq(zone_batchsize(&z), 0);

	pageset_set_batch(&pcp, 31);
	expect_eq(pcp.high, 186);
	expect_eq(pcp.batch, 31);
	pageset_set_batch(&pcp, 0); /* an empty zone: high 0, batch 1 */
	expect_eq(pcp.high, 0);
	expect_eq(pcp.batch, 1);
	/* percpu_pagelist_fraction: batch = high/4 in [1, PAGE_SHIFT * 8 = 96] */
	pageset_set_high(&pcp, 1000);
	expect_eq(pcp.high, 1000);
	expect_eq(pcp.batch, 96);
	pageset_set_high(&pcp, 100);
	expect_eq(pcp.batch, 25);
	pageset_set_high(&pcp, 3);
	expect_eq(pcp.batch, 1);
	return true;
}

TEST(pcp_init_every_cpu)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);

	assert_true(m);
	for (unsigned int cpu = 0; cpu < m->nr_cpus; cpu++) {
		const struct per_cpu_pages *pcp = zone_pcp(m, normal(m), cpu);
		const struct per_cpu_pages *mov =
		    zone_pcp(m, &m->nodes[0].node_zones[ZONE_MOVABLE], cpu);

		expect_eq(pcp->batch, 31);
		expect_eq(pcp->high, 186);
		expect_eq(pcp->count, 0);
		expect_eq(mov->high, 0);
		expect_eq(mov->batch, 1);
	}
	zf_machine_destroy(m);
	return true;
}

TEST(rmqueue_bulk_order_and_accounting)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	struct per_cpu_pages *pcp;
	struct zf_list *list;
	int64_t free0;
	uint64_t b;
	uint32_t p;
	int n;

	assert_true(m);
	z = normal(m);
	pcp = zone_pcp(m, z, 0);
	list = &pcp->lists[MIGRATE_MOVABLE];
	free0 = zone_page_state(z, NR_FREE_PAGES);
	b = z->free_area[10].free_list[MIGRATE_MOVABLE].head;

	n = rmqueue_bulk(m, z, 0, pcp->batch, list, MIGRATE_MOVABLE, false, 0);
	pcp->count += n;
	expect_eq(n, 31);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0 - 31);
	expect_eq(zone_page_state(z, NR_PCP), 31);
	/* successive splits hand out b, b+1, ...; hot refill keeps them in that order */
	p = list->head;
	for (uint64_t i = 0; i < 31; i++, p = m->pages[p].next) {
		assert_true(p != ZF_NIL);
		expect_eq(p, b + i);
		expect_true(m->pages[p].flags & ZF_PG_PCP);
		expect_eq(m->pages[p].mt, MIGRATE_MOVABLE);
		expect_eq(m->pages[p].cpu, 0);
	}
	expect_true(counters_consistent(m, z));

	/* hot onto a non-empty list: the new pages go first, still in physical order */
	n = rmqueue_bulk(m, z, 0, 2, list, MIGRATE_MOVABLE, false, 0);
	pcp->count += n;
	expect_eq(list->head, b + 31);
	expect_eq(m->pages[b + 31].next, b + 32);
	expect_eq(m->pages[b + 32].next, b);

	/* cold: list_add_tail at the moving cursor: each page before the previous one */
	n = rmqueue_bulk(m, z, 0, 3, list, MIGRATE_MOVABLE, true, 0);
	pcp->count += n;
	expect_eq(n, 3);
	expect_eq(list->tail, b + 33);
	expect_eq(m->pages[list->tail].prev, b + 34);
	expect_eq(m->pages[b + 34].prev, b + 35);
	expect_eq(m->pages[b + 35].prev, b + 30);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(free_to_high_drains_a_batch)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	struct per_cpu_pages *pcp;
	uint64_t pgfree0;

	assert_true(m);
	z = normal(m);
	pcp = zone_pcp(m, z, 0);
	pgfree0 = m->vmstat[ZF_VM_pgfree];
	for (int i = 0; i < 185; i++)
		free_hot_cold_page(m, take_from_buddy(m, z), false);
	expect_eq(pcp->count, 185);
	expect_true(counters_consistent(m, z));
	/* the 186th free reaches high: one batch (31) goes back to the buddy */
	free_hot_cold_page(m, take_from_buddy(m, z), false);
	expect_eq(pcp->count, 155);
	expect_eq(zone_page_state(z, NR_PCP), 155);
	expect_eq(m->vmstat[ZF_VM_pgfree] - pgfree0, 186);
	expect_true(counters_consistent(m, z));
	drain_local_pages(m, z);
	expect_eq(pcp->count, 0);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(free_pcppages_bulk_round_robin)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	struct per_cpu_pages *pcp;
	const uint64_t x = NORMAL_START, y = NORMAL_START + 1024;

	assert_true(m);
	z = normal(m);
	pcp = zone_pcp(m, z, 0);
	empty_zone(m, z);
	set_pageblock_migratetype(m, x, MIGRATE_UNMOVABLE);
	/* UNMOVABLE list: x+2, x (tail); MOVABLE list: y+4, y+2, y (tail) */
	free_hot_cold_page(m, x, false);
	free_hot_cold_page(m, x + 2, false);
	free_hot_cold_page(m, y, false);
	free_hot_cold_page(m, y + 2, false);
	free_hot_cold_page(m, y + 4, false);
	assert_eq(pcp->count, 5);

	/*
	 * count 4: MOVABLE first (batch_free 1): y; then RECLAIMABLE is empty so
	 * UNMOVABLE gets batch_free 2: x, x+2; then MOVABLE again: y+2.
	 */
	free_pcppages_bulk(m, z, 4, pcp);
	pcp->count -= 4;
	expect_true(m->pages[y].flags & ZF_PG_BUDDY);
	expect_true(m->pages[x].flags & ZF_PG_BUDDY);
	expect_true(m->pages[x + 2].flags & ZF_PG_BUDDY);
	expect_true(m->pages[y + 2].flags & ZF_PG_BUDDY);
	expect_true(m->pages[y + 4].flags & ZF_PG_PCP);
	expect_eq(pcp->lists[MIGRATE_MOVABLE].head, y + 4);
	expect_true(zf_list_empty(&pcp->lists[MIGRATE_UNMOVABLE]));
	/* each page returned to the list of its cached type */
	expect_eq(pages_on_lists(m, z, MIGRATE_UNMOVABLE), 2);
	expect_eq(pages_on_lists(m, z, MIGRATE_MOVABLE), 2);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(cached_types_and_isolate)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	struct per_cpu_pages *pcp;
	const uint64_t h = NORMAL_START, c = NORMAL_START + 512, i = NORMAL_START + 1024;

	assert_true(m);
	z = normal(m);
	pcp = zone_pcp(m, z, 0);
	empty_zone(m, z);
	set_pageblock_migratetype(m, h, MIGRATE_HIGHATOMIC);
	set_pageblock_migratetype(m, c, MIGRATE_CMA);
	set_pageblock_migratetype(m, i, MIGRATE_ISOLATE);
	z->nr_isolate_pageblock++;

	/* HIGHATOMIC and CMA pages wait on the MOVABLE list with their own cached type */
	free_hot_cold_page(m, h, false);
	free_hot_cold_page(m, c, false);
	expect_eq(pcp->count, 2);
	expect_eq(zlist_len(m, &pcp->lists[MIGRATE_MOVABLE]), 2);
	expect_eq(m->pages[h].mt, MIGRATE_HIGHATOMIC);
	expect_eq(m->pages[c].mt, MIGRATE_CMA);
	/* an ISOLATE page goes straight to the buddy, uncounted */
	free_hot_cold_page(m, i, false);
	expect_eq(pcp->count, 2);
	expect_eq(pages_on_lists(m, z, MIGRATE_ISOLATE), 1);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), 0);
	expect_true(counters_consistent(m, z));

	drain_pages_zone(m, 0, z);
	expect_eq(pcp->count, 0);
	expect_eq(pages_on_lists(m, z, MIGRATE_HIGHATOMIC), 1);
	expect_eq(pages_on_lists(m, z, MIGRATE_CMA), 1);
	expect_eq(zone_page_state(z, NR_FREE_CMA_PAGES), 1);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

/* a pcp page whose block is isolated before the drain: which list does it reach? */
static int isolated_meanwhile(uint32_t bugs)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, bugs);
	struct zone *z;
	const uint64_t p = NORMAL_START;
	int mt = -1;

	if (!m)
		return -2;
	z = normal(m);
	empty_zone(m, z);
	free_hot_cold_page(m, p, false); /* cached MOVABLE */
	set_pageblock_migratetype(m, p, MIGRATE_ISOLATE);
	z->nr_isolate_pageblock++;
	drain_pages_zone(m, 0, z);
	if (m->pages[p].flags & ZF_PG_BUDDY)
		mt = m->pages[p].mt;
	zf_machine_destroy(m);
	return mt;
}

TEST(drain_rereads_type_when_isolated)
{
	expect_eq(isolated_meanwhile(0), MIGRATE_ISOLATE);
	/* B12: the stale cached type puts a page of an isolated block on a normal list */
	expect_eq(isolated_meanwhile(ZF_BUG_B12), MIGRATE_MOVABLE);
	return true;
}

struct drain_events {
	int n;
	int64_t first_a, first_b;
	int safety_net;
};

static void on_drain(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct drain_events *d = priv;

	(void)m;
	if (ev->type != ZF_EV_PCPU_DRAIN)
		return;
	if (ev->label == 1) {
		d->safety_net++;
		return;
	}
	if (!d->n++) {
		d->first_a = ev->a;
		d->first_b = ev->b;
	}
}

/* a free on an empty zone's boot pageset (high 0, batch 1) racing with zone_pcp_update */
static bool b3_race(enum zf_profile_id prof, uint32_t bugs, struct drain_events *d)
{
	struct zf_machine *m = machine(prof, bugs);
	struct zf_hooks h = {.priv = d, .on_event = on_drain};
	struct pcp_racing_free race;
	struct per_cpu_pages *pcp;
	struct zone *z;
	uint64_t p;

	assert_true(m);
	z = normal(m);
	pcp = zone_pcp(m, z, 0);
	pageset_update(m, pcp, 0, 1, NULL);
	p = take_from_buddy(m, z);
	memset(d, 0, sizeof(*d));
	zf_machine_set_hooks(m, &h);
	race.pfn = p;
	race.cpu = 0;
	race.cold = false;
	zone_pcp_update(m, z, &race);
	/* the update itself completed; the racing page is back in the buddy */
	expect_eq(pcp->high, 186);
	expect_eq(pcp->batch, 31);
	expect_eq(pcp->count, 0);
	expect_true(m->pages[p].flags & ZF_PG_BUDDY);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

TEST(b3_pageset_update_race)
{
	struct drain_events d;

	/* 4.12: count >= old high (0) seen, new batch (31) read: asks 31 of 1 */
	assert_true(b3_race(ZF_PROFILE_4_12, 0, &d));
	expect_eq(d.n, 1);
	expect_eq(d.first_a, 31);
	expect_eq(d.first_b, 1);
	expect_eq(d.safety_net, 1);
	/* 5.9 clamps the count to pcp->count */
	expect_true(zf_profile_get(ZF_PROFILE_5_9)->pcp_count_clamp);
	assert_true(b3_race(ZF_PROFILE_5_9, 0, &d));
	expect_eq(d.first_a, 1);
	expect_eq(d.first_b, 1);
	expect_eq(d.safety_net, 0);
	/* B3 reverts the clamp */
	assert_true(b3_race(ZF_PROFILE_5_9, ZF_BUG_B3, &d));
	expect_eq(d.first_a, 31);
	expect_eq(d.safety_net, 1);
	return true;
}

TEST(drain_all_pages_every_cpu)
{
	struct zf_machine *m = machine(ZF_PROFILE_4_12, 0);
	struct zone *z;
	int64_t free0;
	uint64_t nr10;

	assert_true(m);
	z = normal(m);
	free0 = zone_page_state(z, NR_FREE_PAGES);
	nr10 = z->free_area[10].nr_free;
	for (unsigned int cpu = 0; cpu < 2; cpu++) {
		struct per_cpu_pages *pcp = zone_pcp(m, z, cpu);

		pcp->count += rmqueue_bulk(m, z, 0, pcp->batch, &pcp->lists[MIGRATE_MOVABLE],
					   MIGRATE_MOVABLE, false, cpu);
	}
	expect_eq(zone_page_state(z, NR_PCP), 62);
	zf_drain_all_pages(m);
	expect_eq(zone_pcp(m, z, 0)->count, 0);
	expect_eq(zone_pcp(m, z, 1)->count, 0);
	expect_eq(zone_page_state(z, NR_PCP), 0);
	expect_eq(zone_page_state(z, NR_FREE_PAGES), free0);
	/* everything merged back into order-10 blocks */
	expect_eq(z->free_area[10].nr_free, nr10);
	expect_true(counters_consistent(m, z));
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("pcp", ZF_CASE(zone_batchsize_values), ZF_CASE(pcp_init_every_cpu),
	     ZF_CASE(rmqueue_bulk_order_and_accounting), ZF_CASE(free_to_high_drains_a_batch),
	     ZF_CASE(free_pcppages_bulk_round_robin), ZF_CASE(cached_types_and_isolate),
	     ZF_CASE(drain_rereads_type_when_isolated), ZF_CASE(b3_pageset_update_race),
	     ZF_CASE(drain_all_pages_every_cpu))
