/* SPDX-License-Identifier: MIT */
/*
 * procfs.c - the machine's state in the kernel's own /proc formats, laid out
 * as Linux 4.12's mm/vmstat.c prints them (frag_show_print,
 * zoneinfo_show_print, pagetypeinfo_show*, vmstat_show), so that dumps can
 * be diffed against a real 4.12 box. Only inspect.h is used.
 *
 * Like 4.12, every file skips unpopulated zones (walk_zones_in_node; 4.13
 * started printing them in zoneinfo). Lines for kernel counters the model
 * does not keep (slab, page tables, NUMA hits, vm stats thresholds) are left
 * out rather than printed as invented zeros.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "zonefuzz/inspect.h"

#define ZF_MAX_RECLAIM_RETRIES 16 /* kswapd_failures limit, spec §1.1 */

/* Each file: its name (--dump NAME) and its formatter (below). */
static const struct {
	const char *name;
	void (*dump)(FILE *f, const struct zf_machine *m);
} zf_procfs_files[ZF_NR_PROCFS] = {
    [ZF_PROCFS_BUDDYINFO] = {"buddyinfo", zf_procfs_buddyinfo},
    [ZF_PROCFS_ZONEINFO] = {"zoneinfo", zf_procfs_zoneinfo},
    [ZF_PROCFS_VMSTAT] = {"vmstat", zf_procfs_vmstat},
    [ZF_PROCFS_PAGETYPEINFO] = {"pagetypeinfo", zf_procfs_pagetypeinfo},
};

int zf_procfs_parse(const char *name)
{
	for (int i = 0; i < ZF_NR_PROCFS; i++)
		if (strcmp(name, zf_procfs_files[i].name) == 0)
			return i;
	return -1;
}

const char *zf_procfs_name(enum zf_procfs_kind k)
{
	return (unsigned int)k < ZF_NR_PROCFS ? zf_procfs_files[k].name : "?";
}

/* The populated zone nid/idx, or false. */
static bool zf_procfs_zone(const struct zf_machine *m, int nid, int idx, struct zf_zone_info *zi)
{
	memset(zi, 0, sizeof(*zi));
	if (zf_inspect_zone(m, nid * ZF_MAX_NR_ZONES + idx, zi) != 0)
		return false;
	return zi->populated || zi->present_pages > 0;
}

/*
 * The next populated zone of node nid after *idx (start at -1) into zi, in
 * the order walk_zones_in_node() visits them; false after the last.
 */
static bool zf_procfs_next_zone(const struct zf_machine *m, unsigned int nid, int *idx,
				struct zf_zone_info *zi)
{
	while (++*idx < ZF_MAX_NR_ZONES)
		if (zf_procfs_zone(m, (int)nid, *idx, zi))
			return true;
	return false;
}

static const char *zf_procfs_zone_name(const struct zf_zone_info *zi)
{
	return zi->name ? zi->name : zf_sc_zone_type_name(zi->idx);
}

/* /proc/buddyinfo: "Node 0, zone      DMA" then "%6lu " per order. */
void zf_procfs_buddyinfo(FILE *f, const struct zf_machine *m)
{
	struct zf_geometry g;

	zf_inspect_geometry(m, &g);
	for (unsigned int nid = 0; nid < g.nr_nodes; nid++) {
		struct zf_zone_info zi;

		for (int idx = -1; zf_procfs_next_zone(m, nid, &idx, &zi);) {
			fprintf(f, "Node %u, zone %8s ", nid, zf_procfs_zone_name(&zi));
			for (unsigned int o = 0; o < g.max_order && o < ZF_MAX_ORDER_MAX; o++)
				fprintf(f, "%6" PRIu64 " ", zi.nr_free[o]);
			fputc('\n', f);
		}
	}
}

static void zf_procfs_stat(FILE *f, const char *name, int64_t v)
{
	fprintf(f, "\n      %-12s %" PRId64, name, v);
}

/* /proc/zoneinfo (4.12 zoneinfo_show_print). */
void zf_procfs_zoneinfo(FILE *f, const struct zf_machine *m)
{
	struct zf_geometry g;

	zf_inspect_geometry(m, &g);
	for (unsigned int nid = 0; nid < g.nr_nodes; nid++) {
		struct zf_node_info ni;
		struct zf_zone_info zi;
		bool first = true;

		memset(&ni, 0, sizeof(ni));
		zf_inspect_node(m, (int)nid, &ni);
		for (int idx = -1; zf_procfs_next_zone(m, nid, &idx, &zi);) {
			fprintf(f, "Node %u, zone %8s", nid, zf_procfs_zone_name(&zi));
			if (first) {
				/* 4.12 prints the node's LRU counters under its first populated
				 * zone. */
				uint64_t lru[4] = {0}, dirty = 0, writeback = 0, isolated = 0;
				struct zf_zone_info zz;

				for (int z = -1; zf_procfs_next_zone(m, nid, &z, &zz);) {
					for (int l = 0; l < 4; l++)
						lru[l] += zz.lru[l];
					dirty += zz.nr_dirty;
					writeback += zz.nr_writeback;
					isolated += zz.nr_isolated;
				}
				fprintf(f, "\n  per-node stats");
				zf_procfs_stat(f, "nr_inactive_anon", (int64_t)lru[0]);
				zf_procfs_stat(f, "nr_active_anon", (int64_t)lru[1]);
				zf_procfs_stat(f, "nr_inactive_file", (int64_t)lru[2]);
				zf_procfs_stat(f, "nr_active_file", (int64_t)lru[3]);
				zf_procfs_stat(f, "nr_unevictable", 0);
				zf_procfs_stat(f, "nr_isolated", (int64_t)isolated);
				zf_procfs_stat(f, "nr_dirty", (int64_t)dirty);
				zf_procfs_stat(f, "nr_writeback", (int64_t)writeback);
				first = false;
			}
			fprintf(f,
				"\n  pages free     %" PRId64 "\n        min      %" PRIu64
				"\n        low      %" PRIu64 "\n        high     %" PRIu64
				"\n        spanned  %" PRIu64 "\n        present  %" PRIu64
				"\n        managed  %" PRIu64,
				zi.nr_free_pages, zi.wmark[0], zi.wmark[1], zi.wmark[2],
				zi.spanned_pages, zi.present_pages, zi.managed_pages);
			fprintf(f, "\n        protection: (%" PRIu64, zi.lowmem_reserve[0]);
			for (int j = 1; j < ZF_MAX_NR_ZONES; j++)
				fprintf(f, ", %" PRIu64, zi.lowmem_reserve[j]);
			fputc(')', f);
			zf_procfs_stat(f, "nr_free_pages", zi.nr_free_pages);
			zf_procfs_stat(f, "nr_zone_inactive_anon", (int64_t)zi.lru[0]);
			zf_procfs_stat(f, "nr_zone_active_anon", (int64_t)zi.lru[1]);
			zf_procfs_stat(f, "nr_zone_inactive_file", (int64_t)zi.lru[2]);
			zf_procfs_stat(f, "nr_zone_active_file", (int64_t)zi.lru[3]);
			zf_procfs_stat(f, "nr_zone_unevictable", 0);
			zf_procfs_stat(f, "nr_zone_write_pending",
				       (int64_t)(zi.nr_dirty + zi.nr_writeback));
			zf_procfs_stat(f, "nr_free_cma", zi.nr_free_cma);
			fprintf(f, "\n  pagesets");
			for (unsigned int cpu = 0; cpu < g.nr_cpus; cpu++) {
				struct zf_pcp_info pi;
				memset(&pi, 0, sizeof(pi));
				zf_inspect_pcp(m, cpu, zi.id, &pi);
				fprintf(
				    f,
				    "\n    cpu: %u\n              count: %d\n              high:  %d\n              batch: %d",
				    cpu, pi.count, pi.high, pi.batch);
			}
			fprintf(f, "\n  node_unreclaimable:  %d\n  start_pfn:           %" PRIu64,
				ni.kswapd_failures >= ZF_MAX_RECLAIM_RETRIES, zi.start_pfn);
			fputc('\n', f);
		}
	}
}

/* /proc/pagetypeinfo (4.12 pagetypeinfo_show: free counts, then block counts). */
void zf_procfs_pagetypeinfo(FILE *f, const struct zf_machine *m)
{
	struct zf_geometry g;

	zf_inspect_geometry(m, &g);
	uint64_t pb_pages = UINT64_C(1) << g.pageblock_order;
	for (unsigned int nid = 0; nid < g.nr_nodes; nid++) {
		struct zf_zone_info zi;
		int idx = -1;

		if (!zf_procfs_next_zone(m, nid, &idx, &zi))
			continue; /* !node_state(N_MEMORY) */
		fprintf(f, "Page block order: %u\n", g.pageblock_order);
		fprintf(f, "Pages per block:  %" PRIu64 "\n", pb_pages);
		fputc('\n', f);
		fprintf(f, "%-43s ", "Free pages count per migrate type at order");
		for (unsigned int o = 0; o < g.max_order; o++)
			fprintf(f, "%6u ", o);
		fputc('\n', f);
		for (idx = -1; zf_procfs_next_zone(m, nid, &idx, &zi);) {
			for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
				fprintf(f, "Node %4u, zone %8s, type %12s ", nid,
					zf_procfs_zone_name(&zi), zf_migratetype_name(mt));
				for (unsigned int o = 0; o < g.max_order; o++)
					fprintf(f, "%6" PRIu64 " ",
						zf_inspect_list_len(m, zi.id, o, mt));
				fputc('\n', f);
			}
		}
		fprintf(f, "\n%-23s", "Number of blocks type ");
		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++)
			fprintf(f, "%12s ", zf_migratetype_name(mt));
		fputc('\n', f);
		for (idx = -1; zf_procfs_next_zone(m, nid, &idx, &zi);) {
			uint64_t count[ZF_MIGRATE_TYPES] = {0};
			/* One read per pageblock, like pagetypeinfo_showblockcount_print. */
			uint64_t end = zi.start_pfn + zi.spanned_pages;
			for (uint64_t pfn = zi.start_pfn; pfn < end;
			     pfn = (pfn | (pb_pages - 1)) + 1) {
				if (zf_inspect_pfn_zone(m, pfn) != zi.id)
					continue;
				int mt = zf_inspect_pageblock_mt(m, pfn);
				if (mt >= 0 && mt < ZF_MIGRATE_TYPES)
					count[mt]++;
			}
			fprintf(f, "Node %u, zone %8s ", nid, zf_procfs_zone_name(&zi));
			for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++)
				fprintf(f, "%12" PRIu64 " ", count[mt]);
			fputc('\n', f);
		}
	}
}

/* /proc/vmstat: zone counters summed over zones, then the model's event counters. */
void zf_procfs_vmstat(FILE *f, const struct zf_machine *m)
{
	struct zf_geometry g;
	int64_t free_pages = 0, free_cma = 0;
	uint64_t lru[4] = {0}, wp = 0;

	zf_inspect_geometry(m, &g);
	for (unsigned int nid = 0; nid < g.nr_nodes; nid++) {
		struct zf_zone_info zi;

		for (int idx = -1; zf_procfs_next_zone(m, nid, &idx, &zi);) {
			free_pages += zi.nr_free_pages;
			free_cma += zi.nr_free_cma;
			for (int l = 0; l < 4; l++)
				lru[l] += zi.lru[l];
			wp += zi.nr_dirty + zi.nr_writeback;
		}
	}
	fprintf(f, "nr_free_pages %" PRId64 "\n", free_pages);
	fprintf(f, "nr_zone_inactive_anon %" PRIu64 "\n", lru[0]);
	fprintf(f, "nr_zone_active_anon %" PRIu64 "\n", lru[1]);
	fprintf(f, "nr_zone_inactive_file %" PRIu64 "\n", lru[2]);
	fprintf(f, "nr_zone_active_file %" PRIu64 "\n", lru[3]);
	fprintf(f, "nr_zone_write_pending %" PRIu64 "\n", wp);
	fprintf(f, "nr_free_cma %" PRId64 "\n", free_cma);
	for (int i = 0; i < ZF_NR_VMSTAT; i++) {
		const char *name = zf_vmstat_name((enum zf_vmstat_item)i);
		fprintf(f, "%s %" PRIu64 "\n", name ? name : "?",
			zf_inspect_vmstat(m, (enum zf_vmstat_item)i));
	}
}

void zf_procfs_dump(FILE *f, const struct zf_machine *m, enum zf_procfs_kind k)
{
	if ((unsigned int)k < ZF_NR_PROCFS)
		zf_procfs_files[k].dump(f, m);
}
