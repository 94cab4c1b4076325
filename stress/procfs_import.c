// SPDX-License-Identifier: MIT
/*
 * stress/procfs_import.c - a model machine from a real machine's
 * /proc/zoneinfo (+ /proc/buddyinfo): `zonefuzz run --from-zoneinfo F
 * [--buddyinfo F]` (docs/stress.md "From a real machine into the model").
 *
 * Geometry: per zone, model zone_pages = managed, reserved_pages = present -
 * managed. The model's zones are contiguous from pfn 0 and have no holes;
 * where zoneinfo gives start_pfn, the holes (before the zone and between
 * spanned and present) are taken as reserved pages as well, so that every
 * model pfn is the real pfn: a buddy block's alignment decides what can
 * merge, and the captured free areas only fit with the real alignment (the
 * 6.1 guest's DMA zone, pfns 1..4095, holds three order-10 blocks; packed
 * from pfn 0 without its holes it could hold two). CPUs = the pagesets
 * listed per zone.
 *
 * Watermarks and reserves: the importer looks for the sysctls under which
 * the model's own formulas (spec §3.1, §3.2) give back every captured
 * value - min_free_kbytes, watermark_scale_factor, lowmem_reserve_ratio -
 * so that a later recomputation by the model (memory online) agrees. A real
 * kernel often cannot be matched: it computed its marks at boot from the
 * managed pages of that moment (free_initmem() frees more later), and
 * newer kernels treat ZONE_MOVABLE like highmem. zf_proc_apply() therefore
 * always sets the captured values as they are, after zf_machine_create().
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stress_internal.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/snapshot.h"
#include "zonefuzz/stress.h"

/* x86-64 zone names; "Device" (ZONE_DEVICE) holds no allocator memory */
static int zone_index(const char *name)
{
	static const char *const names[ZF_MAX_NR_ZONES] = {"DMA", "DMA32", "Normal", "Movable"};

	for (int i = 0; i < ZF_MAX_NR_ZONES; i++)
		if (!strcmp(name, names[i]))
			return i;
	return -1;
}

/* Declared in stress_internal.h: evidence.c reads the same header lines of a
 * zoneinfo/buddyinfo dump taken by the guest. */
const char *zf_proc_node_zone(const char *p, int *node, char *name, size_t n)
{
	char *end;
	size_t len = 0;

	if (strncmp(p, "Node", 4))
		return NULL;
	*node = (int)strtol(p + 4, &end, 10);
	if (end == p + 4 || *end != ',')
		return NULL;
	p = end + 1;
	while (*p == ' ')
		p++;
	if (strncmp(p, "zone", 4))
		return NULL;
	p += 4;
	while (*p == ' ')
		p++;
	while (p[len] && p[len] != ' ' && p[len] != '\n' && p[len] != ',')
		len++;
	if (!len || len >= n)
		return NULL;
	memcpy(name, p, len);
	name[len] = '\0';
	return p + len;
}

static void note(struct zf_proc_snapshot *s, const char *msg)
{
	size_t n = strlen(s->notes);

	if (n + strlen(msg) + 3 < sizeof(s->notes))
		snprintf(s->notes + n, sizeof(s->notes) - n, "%s%s", n ? "; " : "", msg);
}

int zf_proc_parse_zoneinfo(const char *text, struct zf_proc_snapshot *s, char *err, size_t errlen)
{
	struct zf_proc_zone *z = NULL;
	bool any = false;
	int max_node = -1;

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		char line[256], name[32];
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *q;
		int node;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : NULL;

		if (zf_proc_node_zone(line, &node, name, sizeof(name))) {
			int idx = zone_index(name);

			z = NULL;
			if (idx < 0) {
				if (strcmp(name, "Device")) {
					char msg[96];

					snprintf(msg, sizeof(msg), "zone %s ignored", name);
					note(s, msg);
				}
				continue;
			}
			if (node < 0 || node >= ZF_MAX_NUMNODES) {
				snprintf(err, errlen,
					 "zoneinfo: node %d (the model has at most %d)", node,
					 ZF_MAX_NUMNODES);
				return -1;
			}
			z = &s->zones[node][idx];
			memset(z, 0, sizeof(*z));
			z->seen = true;
			any = true;
			if (node > max_node)
				max_node = node;
			continue;
		}
		if (!z)
			continue;
		q = line;
		while (*q == ' ' || *q == '\t')
			q++;
#define KEY(k) (!strncmp(q, k, strlen(k)) && (q[strlen(k)] == ' ' || q[strlen(k)] == ':'))
#define VAL(k) strtoull(q + strlen(k) + 1, NULL, 10)
		if (!strncmp(q, "pages free", 10))
			z->free = strtoull(q + 10, NULL, 10);
		else if (KEY("boost"))
			z->boost = VAL("boost");
		else if (KEY("min"))
			z->wmark[0] = VAL("min");
		else if (KEY("low"))
			z->wmark[1] = VAL("low");
		else if (KEY("high") && !strchr(q, ':'))
			z->wmark[2] = VAL("high");
		else if (KEY("spanned"))
			z->spanned = VAL("spanned");
		else if (KEY("present"))
			z->present = VAL("present");
		else if (KEY("managed"))
			z->managed = VAL("managed");
		else if (KEY("cma"))
			z->cma = VAL("cma");
		else if (!strncmp(q, "start_pfn:", 10)) {
			z->start_pfn = strtoull(q + 10, NULL, 10);
			z->has_start_pfn = true;
		} else if (!strncmp(q, "protection: (", 13)) {
			const char *r = q + 13;
			char *end;

			z->nr_protection = 0;
			for (;;) {
				unsigned long long v = strtoull(r, &end, 10);

				if (end == r)
					break;
				if (z->nr_protection < ZF_MAX_NR_ZONES)
					z->protection[z->nr_protection] = v;
				z->nr_protection++;
				r = end;
				while (*r == ',' || *r == ' ')
					r++;
			}
		} else if (!strncmp(q, "cpu:", 4)) {
			z->nr_cpus++;
		} else if (!strncmp(q, "count:", 6)) {
			z->pcp_count += strtoull(q + 6, NULL, 10);
		} else if (!strncmp(q, "high:", 5) && z->nr_cpus == 1) {
			z->pcp_high = (int)strtol(q + 5, NULL, 10);
		} else if (!strncmp(q, "batch:", 6) && z->nr_cpus == 1) {
			z->pcp_batch = (int)strtol(q + 6, NULL, 10);
		} else if (!strncmp(q, "vm stats threshold:", 19)) {
			unsigned int t = (unsigned int)strtoul(q + 19, NULL, 10);

			if (t > z->stat_threshold)
				z->stat_threshold = t;
		}
#undef KEY
#undef VAL
	}
	if (!any) {
		snprintf(err, errlen, "zoneinfo: no 'Node N, zone NAME' block");
		return -1;
	}
	s->nr_nodes = (unsigned int)max_node + 1;
	for (unsigned int n = 0; n < s->nr_nodes; n++) {
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
			struct zf_proc_zone *pz = &s->zones[n][i];

			if (pz->nr_cpus > s->nr_cpus)
				s->nr_cpus = pz->nr_cpus;
			if (pz->managed > pz->present) {
				snprintf(err, errlen,
					 "zoneinfo: node %u zone %d: managed %llu > present %llu",
					 n, i, (unsigned long long)pz->managed,
					 (unsigned long long)pz->present);
				return -1;
			}
			/* zoneinfo prints the boosted marks (wmark_pages() adds watermark_boost) */
			for (int w = 0; w < 3; w++)
				pz->wmark[w] =
				    pz->wmark[w] > pz->boost ? pz->wmark[w] - pz->boost : 0;
		}
	}
	return 0;
}

int zf_proc_parse_buddyinfo(const char *text, struct zf_proc_snapshot *s, char *err, size_t errlen)
{
	bool any = false;

	for (const char *p = text; p && *p;) {
		const char *eol = strchr(p, '\n');
		char line[512], name[32];
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		const char *r;
		int node, idx;
		struct zf_proc_zone *z;
		unsigned int o = 0;

		if (len >= sizeof(line))
			len = sizeof(line) - 1;
		memcpy(line, p, len);
		line[len] = '\0';
		p = eol ? eol + 1 : NULL;
		if (!(r = zf_proc_node_zone(line, &node, name, sizeof(name))))
			continue;
		idx = zone_index(name);
		if (idx < 0 || node < 0 || node >= ZF_MAX_NUMNODES)
			continue;
		z = &s->zones[node][idx];
		for (;;) {
			char *end;
			unsigned long long v = strtoull(r, &end, 10);

			if (end == r)
				break;
			if (o >= ZF_MAX_ORDER_MAX) {
				snprintf(err, errlen,
					 "buddyinfo: node %d zone %s has more than %d orders", node,
					 name, ZF_MAX_ORDER_MAX);
				return -1;
			}
			z->nr_free[o++] = v;
			r = end;
		}
		z->has_buddy = true;
		z->nr_orders = o;
		if (o > s->max_order)
			s->max_order = o;
		any = true;
	}
	if (!any) {
		snprintf(err, errlen, "buddyinfo: no 'Node N, zone NAME counts...' line");
		return -1;
	}
	s->has_buddyinfo = true;
	return 0;
}

/* ------------------------------------------------------------------ */
/* The sysctls the model's formulas need                               */
/* ------------------------------------------------------------------ */

/* The model's per-zone formula (spec §3.1, watermark.c) for one candidate. */
static bool wmarks_match(const struct zf_proc_snapshot *s, uint64_t pages_min, unsigned int wsf,
			 bool check_gap)
{
	uint64_t lowmem = 0;

	for (unsigned int n = 0; n < s->nr_nodes; n++)
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++)
			lowmem += s->zones[n][i].managed;
	if (!lowmem)
		return false;
	for (unsigned int n = 0; n < s->nr_nodes; n++) {
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
			const struct zf_proc_zone *z = &s->zones[n][i];
			uint64_t tmp, gap;

			if (!z->managed)
				continue;
			tmp = pages_min * z->managed / lowmem;
			if (tmp != z->wmark[0])
				return false;
			if (!check_gap)
				continue;
			gap = z->managed * wsf / 10000;
			if (tmp / 4 > gap)
				gap = tmp / 4;
			if (z->wmark[1] != tmp + gap || z->wmark[2] != tmp + 2 * gap)
				return false;
		}
	}
	return true;
}

static void derive_wmarks(struct zf_proc_snapshot *s)
{
	uint64_t sum = 0, nz = 0;

	for (unsigned int n = 0; n < s->nr_nodes; n++)
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++)
			if (s->zones[n][i].managed) {
				sum += s->zones[n][i].wmark[0];
				nz++;
			}
	s->min_free_kbytes = (long)(sum * 4);
	s->watermark_scale_factor = 10;
	s->wmarks_derived = false;
	/* each zone's floor loses less than a page: pages_min is within nz of the sum */
	for (uint64_t pm = sum; pm <= sum + nz; pm++) {
		if (!wmarks_match(s, pm, 0, false))
			continue;
		s->min_free_kbytes = (long)(pm * 4);
		/* the default scale factor first, then any that fits */
		if (wmarks_match(s, pm, 10, true)) {
			s->wmarks_derived = true;
			return;
		}
		for (unsigned int wsf = 1; wsf <= 1000; wsf++) {
			if (wmarks_match(s, pm, wsf, true)) {
				s->watermark_scale_factor = wsf;
				s->wmarks_derived = true;
				return;
			}
		}
		return;
	}
}

/* lower[idx].lowmem_reserve[j] = managed(idx+1 .. j) / ratio[idx] (spec §3.2) */
static bool ratio_fits(const struct zf_proc_snapshot *s, int idx, uint64_t r)
{
	for (unsigned int n = 0; n < s->nr_nodes; n++) {
		uint64_t sum = 0;

		if (!s->zones[n][idx].managed)
			continue;
		for (int j = idx + 1; j < ZF_MAX_NR_ZONES; j++) {
			sum += s->zones[n][j].managed;
			if (sum / r != s->zones[n][idx].protection[j])
				return false;
		}
	}
	return true;
}

static void derive_reserve(struct zf_proc_snapshot *s)
{
	static const unsigned int dflt[ZF_MAX_NR_ZONES] = {256, 256, 32, 32};

	s->reserve_derived = true;
	for (int idx = 0; idx < ZF_MAX_NR_ZONES; idx++) {
		uint64_t lo = 1, hi = 0;

		s->lowmem_reserve_ratio[idx] = dflt[idx];
		if (ratio_fits(s, idx, dflt[idx]))
			continue;
		/* candidates from the first node/class zone with a reserve */
		for (unsigned int n = 0; n < s->nr_nodes && !hi; n++) {
			uint64_t sum = 0;

			if (!s->zones[n][idx].managed)
				continue;
			for (int j = idx + 1; j < ZF_MAX_NR_ZONES; j++) {
				uint64_t p = s->zones[n][idx].protection[j];

				sum += s->zones[n][j].managed;
				if (!sum)
					continue;
				lo = sum / (p + 1) + 1;
				hi = p ? sum / p : sum + 1;
				break;
			}
		}
		s->reserve_derived = false;
		for (uint64_t r = lo; r <= hi && r <= 1000000; r++) {
			if (ratio_fits(s, idx, r)) {
				s->lowmem_reserve_ratio[idx] = (unsigned int)r;
				s->reserve_derived = true;
				break;
			}
		}
		if (!s->reserve_derived)
			return;
	}
}

int zf_config_from_proc_text(const char *zoneinfo, const char *buddyinfo, struct zf_config *cfg,
			     struct zf_proc_snapshot *snap, char *err, size_t errlen)
{
	uint64_t total = 0;
	long phys = sysconf(_SC_PHYS_PAGES), psize = sysconf(_SC_PAGESIZE);

	memset(snap, 0, sizeof(*snap));
	if (zf_proc_parse_zoneinfo(zoneinfo, snap, err, errlen))
		return -1;
	if (buddyinfo && zf_proc_parse_buddyinfo(buddyinfo, snap, err, errlen))
		return -1;
	if (!snap->max_order)
		snap->max_order = 11;
	if (snap->max_order < 2 || snap->max_order > ZF_MAX_ORDER_MAX) {
		snprintf(err, errlen, "buddyinfo: %u orders (the model takes 2..%d)",
			 snap->max_order, ZF_MAX_ORDER_MAX);
		return -1;
	}

	cfg->nr_nodes = snap->nr_nodes;
	cfg->max_order = snap->max_order;
	cfg->pageblock_order = snap->max_order > 9 ? 9 : snap->max_order - 1;
	cfg->nr_cpus = snap->nr_cpus ? snap->nr_cpus : 1;
	if (cfg->nr_cpus > ZF_MAX_CPUS) {
		char msg[96];

		snprintf(msg, sizeof(msg), "%u cpus capped at %d", cfg->nr_cpus, ZF_MAX_CPUS);
		note(snap, msg);
		cfg->nr_cpus = ZF_MAX_CPUS;
	}
	memset(cfg->zone_pages, 0, sizeof(cfg->zone_pages));
	memset(cfg->reserved_pages, 0, sizeof(cfg->reserved_pages));
	memset(cfg->cma_pages, 0, sizeof(cfg->cma_pages));
	for (unsigned int n = 0; n < snap->nr_nodes; n++) {
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
			const struct zf_proc_zone *z = &snap->zones[n][i];
			uint64_t end = z->start_pfn + z->spanned, rsv = z->present - z->managed;

			if (!z->managed)
				continue; /* absent, or present but all reserved: nothing to
					     allocate */
			/* the real pfn layout where it is known and not absurdly sparse */
			if (z->has_start_pfn && z->start_pfn >= total &&
			    end - total >= z->present && end - total <= 4 * z->present + 4096)
				rsv = end - total - z->managed;
			else if (z->has_start_pfn)
				note(snap,
				     "a zone's pfn layout could not be kept (overlap or a large "
				     "gap): its holes were dropped");
			cfg->zone_pages[n][i] = z->managed;
			cfg->reserved_pages[n][i] = rsv;
			total += z->managed + rsv;
			if (z->cma)
				note(snap, "CMA pages are imported as ordinary managed pages");
		}
	}
	if (!total) {
		snprintf(err, errlen, "zoneinfo: no zone has managed pages");
		return -1;
	}
	/* 16 bytes of struct page per pfn: cap at half of what this host has */
	if (phys > 0 && psize > 0 && total * 16 > (uint64_t)phys * (uint64_t)psize / 2) {
		snprintf(err, errlen,
			 "the captured machine has %llu pages (%llu MiB of model state); this host "
			 "has %llu MiB of memory",
			 (unsigned long long)total, (unsigned long long)(total * 16 >> 20),
			 (unsigned long long)((uint64_t)phys * (uint64_t)psize >> 20));
		return -1;
	}

	derive_wmarks(snap);
	derive_reserve(snap);
	cfg->min_free_kbytes = snap->min_free_kbytes;
	cfg->watermark_scale_factor = snap->watermark_scale_factor;
	for (int i = 0; i < ZF_MAX_NR_ZONES; i++)
		cfg->lowmem_reserve_ratio[i] = snap->lowmem_reserve_ratio[i];
	if (!snap->wmarks_derived)
		note(snap, "the model's watermark formula cannot reproduce the captured marks: "
			   "they are set as captured");
	if (!snap->reserve_derived)
		note(snap, "no lowmem_reserve_ratio reproduces the captured protection: set as "
			   "captured");
	return 0;
}

int zf_config_from_proc(const char *zoneinfo_path, const char *buddyinfo_path,
			struct zf_config *cfg, struct zf_proc_snapshot *snap, char *err,
			size_t errlen)
{
	char *zi = zf_read_file(zoneinfo_path, NULL), *bi = NULL;
	int rc;

	if (!zi) {
		snprintf(err, errlen, "cannot read %s", zoneinfo_path);
		return -1;
	}
	if (buddyinfo_path && !(bi = zf_read_file(buddyinfo_path, NULL))) {
		snprintf(err, errlen, "cannot read %s", buddyinfo_path);
		free(zi);
		return -1;
	}
	rc = zf_config_from_proc_text(zi, bi, cfg, snap, err, errlen);
	free(zi);
	free(bi);
	return rc;
}

int zf_proc_apply(struct zf_machine *m, const struct zf_proc_snapshot *snap, char *err,
		  size_t errlen)
{
	int shortfall = 0;

	if (err && errlen)
		err[0] = '\0';
	for (unsigned int n = 0; n < snap->nr_nodes; n++) {
		for (int i = 0; i < ZF_MAX_NR_ZONES; i++) {
			const struct zf_proc_zone *z = &snap->zones[n][i];
			int id = (int)n * ZF_MAX_NR_ZONES + i;
			struct zf_zone_info zi;
			uint64_t reserve[ZF_MAX_NR_ZONES];
			int rc;

			if (!z->managed)
				continue;
			if (zf_inspect_zone(m, id, &zi) || zi.managed_pages != z->managed) {
				snprintf(err, errlen,
					 "node %u zone %d: the machine does not have the captured "
					 "geometry (build it from zf_config_from_proc)",
					 n, i);
				return -1;
			}
			for (int j = 0; j < ZF_MAX_NR_ZONES; j++)
				reserve[j] = j <= i ? 0 : z->protection[j];
			if (zf_machine_override_zone(m, id, z->wmark, reserve)) {
				snprintf(err, errlen,
					 "node %u zone %d: captured watermarks %llu/%llu/%llu "
					 "are not ordered",
					 n, i, (unsigned long long)z->wmark[0],
					 (unsigned long long)z->wmark[1],
					 (unsigned long long)z->wmark[2]);
				return -1;
			}
			if (!z->has_buddy)
				continue;
			rc = zf_machine_shape_free_area(m, id, z->nr_free);
			if (rc < 0) {
				snprintf(err, errlen, "node %u zone %d: cannot shape the free area",
					 n, i);
				return -1;
			}
			shortfall += rc;
		}
	}
	if (shortfall && err && errlen)
		snprintf(err, errlen,
			 "%d captured buddy blocks did not fit in the model's free memory",
			 shortfall);
	return shortfall;
}
