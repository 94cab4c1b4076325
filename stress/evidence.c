// SPDX-License-Identifier: MIT
/*
 * stress/evidence.c - real-kernel evidence: read a guest kernel's log and
 * /proc snapshots and turn what breaks the allocator's rules into findings
 * (struct zf_finding with ZF_KERNEL_* oracle ids), next to a list of every
 * allocator event the log shows (OOM kills, allocation failures, stalls,
 * lockups, panics) whether it is a finding or not.
 *
 * The rules are the slow path's (kernel spec §5.9, §5.10, §11 item 13, and
 * the 4.13 __GFP_RETRY_MAYFAIL change of §8), as a 6.1 kernel applies them:
 *   __alloc_pages_may_oom() never reaches the OOM killer for order > 3
 *   (PAGE_ALLOC_COSTLY_ORDER), for __GFP_RETRY_MAYFAIL or __GFP_THISNODE, or
 *   when the highest zone the mask allows is below ZONE_NORMAL; a request
 *   without __GFP_DIRECT_RECLAIM or with __GFP_NORETRY leaves for nopage
 *   before it; out_of_memory() returns without a kill (and without the
 *   "invoked oom-killer" report) for a global OOM without __GFP_FS.
 * Memcg OOMs (charge-driven, the order is the charge's) and sysrq OOMs
 * (order=-1) are outside those rules and are only listed as events.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stress_internal.h"
#include "zonefuzz/stress.h"

/* ------------------------------------------------------------------ */
/* GFP masks as a real kernel prints them (%pGg)                       */
/* ------------------------------------------------------------------ */

/*
 * Names the kernel prints (include/trace/events/mmflags.h, 4.12 .. 6.1),
 * with the same mask in the model's 4.12 encoding. __GFP_RETRY_MAYFAIL
 * maps onto the model's 0x400 (which the 4.13+ profiles read as
 * RETRY_MAYFAIL) and is also flagged separately.
 */
struct kgfp_name {
	const char *name;
	zf_gfp_t model;
	bool retry_mayfail;
};

static const struct kgfp_name kgfp_names[] = {
    {"GFP_TRANSHUGE", ZF_GFP_TRANSHUGE, false},
    {"GFP_TRANSHUGE_LIGHT", ZF_GFP_TRANSHUGE_LIGHT, false},
    {"GFP_HIGHUSER_MOVABLE", ZF_GFP_HIGHUSER_MOVABLE, false},
    {"GFP_HIGHUSER", ZF_GFP_HIGHUSER, false},
    {"GFP_USER", ZF_GFP_USER, false},
    {"GFP_KERNEL_ACCOUNT", ZF_GFP_KERNEL | ZF_GFP_ACCOUNT, false},
    {"GFP_TEMPORARY", ZF_GFP_TEMPORARY, false},
    {"GFP_KERNEL", ZF_GFP_KERNEL, false},
    {"GFP_NOFS", ZF_GFP_NOFS, false},
    {"GFP_ATOMIC", ZF_GFP_ATOMIC_MASK, false},
    {"GFP_NOIO", ZF_GFP_NOIO, false},
    {"GFP_NOWAIT", ZF_GFP_NOWAIT, false},
    {"GFP_DMA", ZF_GFP_DMA, false},
    {"GFP_DMA32", ZF_GFP_DMA32, false},
    {"__GFP_DMA", ZF_GFP_DMA, false},
    {"__GFP_DMA32", ZF_GFP_DMA32, false},
    {"__GFP_HIGHMEM", ZF_GFP_HIGHMEM, false},
    {"__GFP_MOVABLE", ZF_GFP_MOVABLE, false},
    {"__GFP_RECLAIMABLE", ZF_GFP_RECLAIMABLE, false},
    {"__GFP_HIGH", ZF_GFP_HIGH, false},
    {"__GFP_ATOMIC", ZF_GFP_ATOMIC, false},
    {"__GFP_IO", ZF_GFP_IO, false},
    {"__GFP_FS", ZF_GFP_FS, false},
    {"__GFP_COLD", ZF_GFP_COLD, false},
    {"__GFP_NOWARN", ZF_GFP_NOWARN, false},
    {"__GFP_REPEAT", ZF_GFP_REPEAT, false},
    {"__GFP_RETRY_MAYFAIL", ZF_GFP_REPEAT, true},
    {"__GFP_NOFAIL", ZF_GFP_NOFAIL, false},
    {"__GFP_NORETRY", ZF_GFP_NORETRY, false},
    {"__GFP_MEMALLOC", ZF_GFP_MEMALLOC, false},
    {"__GFP_COMP", ZF_GFP_COMP, false},
    {"__GFP_ZERO", ZF_GFP_ZERO, false},
    {"__GFP_NOMEMALLOC", ZF_GFP_NOMEMALLOC, false},
    {"__GFP_HARDWALL", ZF_GFP_HARDWALL, false},
    {"__GFP_THISNODE", ZF_GFP_THISNODE, false},
    {"__GFP_ACCOUNT", ZF_GFP_ACCOUNT, false},
    {"__GFP_NOTRACK", ZF_GFP_NOTRACK, false},
    {"__GFP_WRITE", ZF_GFP_WRITE, false},
    {"__GFP_RECLAIM", ZF_GFP_RECLAIM, false},
    {"__GFP_DIRECT_RECLAIM", ZF_GFP_DIRECT_RECLAIM, false},
    {"__GFP_KSWAPD_RECLAIM", ZF_GFP_KSWAPD_RECLAIM, false},
    {"__GFP_NOLOCKDEP", ZF_GFP_NOLOCKDEP, false},
    /* 5.x/6.x bits without a 4.12 meaning for the allocator's policy */
    {"__GFP_ZEROTAGS", 0, false},
    {"__GFP_SKIP_ZERO", 0, false},
    {"__GFP_SKIP_KASAN_POISON", 0, false},
    {"__GFP_SKIP_KASAN_UNPOISON", 0, false},
    {"__GFP_OTHER_NODE", 0, false},
};

/*
 * The 6.1 bit layout (include/linux/gfp_types.h, no lockdep/KASAN), used
 * only for a mask printed without names.
 */
struct kgfp_bit {
	uint32_t bit;
	zf_gfp_t model;
	bool retry_mayfail;
};

static const struct kgfp_bit kgfp_bits_61[] = {
    {0x01u, ZF_GFP_DMA, false},
    {0x02u, ZF_GFP_HIGHMEM, false},
    {0x04u, ZF_GFP_DMA32, false},
    {0x08u, ZF_GFP_MOVABLE, false},
    {0x10u, ZF_GFP_RECLAIMABLE, false},
    {0x20u, ZF_GFP_HIGH, false},
    {0x40u, ZF_GFP_IO, false},
    {0x80u, ZF_GFP_FS, false},
    {0x100u, ZF_GFP_ZERO, false},
    {0x200u, ZF_GFP_ATOMIC, false},
    {0x400u, ZF_GFP_DIRECT_RECLAIM, false},
    {0x800u, ZF_GFP_KSWAPD_RECLAIM, false},
    {0x1000u, ZF_GFP_WRITE, false},
    {0x2000u, ZF_GFP_NOWARN, false},
    {0x4000u, ZF_GFP_REPEAT, true},
    {0x8000u, ZF_GFP_NOFAIL, false},
    {0x10000u, ZF_GFP_NORETRY, false},
    {0x20000u, ZF_GFP_MEMALLOC, false},
    {0x40000u, ZF_GFP_COMP, false},
    {0x80000u, ZF_GFP_NOMEMALLOC, false},
    {0x100000u, ZF_GFP_HARDWALL, false},
    {0x200000u, ZF_GFP_THISNODE, false},
    {0x400000u, ZF_GFP_ACCOUNT, false},
};

int zf_kgfp_parse(const char *s, struct zf_kgfp *g)
{
	char *end;
	unsigned long v;
	const char *open;

	memset(g, 0, sizeof(*g));
	while (*s == ' ')
		s++;
	v = strtoul(s, &end, 16);
	if (end == s)
		return -1;
	g->raw = (uint32_t)v;
	open = end;
	if (*open == '(') {
		const char *close = strchr(open, ')');
		size_t n;
		const char *p;

		if (!close)
			return -1;
		n = (size_t)(close - open - 1);
		if (n >= sizeof(g->names))
			n = sizeof(g->names) - 1;
		memcpy(g->names, open + 1, n);
		g->names[n] = '\0';
		/* each |-separated token: a known name, or leftover hex bits (ignored) */
		p = g->names;
		while (*p) {
			const char *bar = strchr(p, '|');
			size_t len = bar ? (size_t)(bar - p) : strlen(p);

			for (size_t i = 0; i < sizeof(kgfp_names) / sizeof(kgfp_names[0]); i++) {
				if (strlen(kgfp_names[i].name) == len &&
				    !strncmp(kgfp_names[i].name, p, len)) {
					g->model_gfp |= kgfp_names[i].model;
					g->retry_mayfail |= kgfp_names[i].retry_mayfail;
					break;
				}
			}
			p += len;
			if (*p == '|')
				p++;
		}
		if (g->names[0])
			return 0;
	}
	/* no names: decode the hex with the 6.1 layout */
	for (size_t i = 0; i < sizeof(kgfp_bits_61) / sizeof(kgfp_bits_61[0]); i++) {
		if (g->raw & kgfp_bits_61[i].bit) {
			g->model_gfp |= kgfp_bits_61[i].model;
			g->retry_mayfail |= kgfp_bits_61[i].retry_mayfail;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Containers                                                          */
/* ------------------------------------------------------------------ */

static const char *const kev_names[ZF_NR_KEV_KINDS] = {
    [ZF_KEV_OOM_INVOKED] = "oom_invoked",     [ZF_KEV_OOM_KILLED] = "oom_killed",
    [ZF_KEV_ALLOC_FAILURE] = "alloc_failure", [ZF_KEV_ALLOC_STALL] = "alloc_stall",
    [ZF_KEV_SOFT_LOCKUP] = "soft_lockup",     [ZF_KEV_HUNG_TASK] = "hung_task",
    [ZF_KEV_RCU_STALL] = "rcu_stall",         [ZF_KEV_PANIC] = "panic",
};

const char *zf_kevent_kind_name(enum zf_kevent_kind k)
{
	return (unsigned int)k < ZF_NR_KEV_KINDS ? kev_names[k] : "free_mismatch";
}

void zf_evidence_init(struct zf_evidence *e)
{
	memset(e, 0, sizeof(*e));
}

void zf_evidence_free(struct zf_evidence *e)
{
	free(e->events);
	free(e->findings);
	memset(e, 0, sizeof(*e));
}

/*
 * Room for one more element in the array v (nr used, *cap allocated, first
 * allocation first elements, doubling after): the array, moved or not, or
 * NULL when out of memory (v is then left as it was).
 */
static void *grow_one(void *v, size_t nr, size_t *cap, size_t size, size_t first)
{
	size_t ncap;

	if (nr < *cap)
		return v;
	ncap = *cap ? *cap * 2 : first;
	v = realloc(v, ncap * size);
	if (v)
		*cap = ncap;
	return v;
}

static struct zf_kevent *add_event(struct zf_evidence *e)
{
	struct zf_kevent *v = grow_one(e->events, e->nr_events, &e->cap_events, sizeof(*v), 16);

	if (!v)
		return NULL;
	e->events = v;
	memset(&e->events[e->nr_events], 0, sizeof(e->events[0]));
	return &e->events[e->nr_events++];
}

static struct zf_kernel_finding *add_finding(struct zf_evidence *e, const char *oracle_id,
					     const char *release)
{
	struct zf_kernel_finding *kf =
	    grow_one(e->findings, e->nr_findings, &e->cap_findings, sizeof(*kf), 8);

	if (!kf)
		return NULL;
	e->findings = kf;
	kf = &e->findings[e->nr_findings++];
	memset(kf, 0, sizeof(*kf));
	kf->f.oracle_id = oracle_id;
	/* the "site" of a real-kernel finding: the guest kernel, not a model function */
	kf->f.func = "guest-kernel";
	kf->f.file = "dmesg";
	kf->f.task = -1;
	kf->f.zone_id = -1;
	kf->ev.kind = ZF_NR_KEV_KINDS;
	kf->severity = ZF_KSEV_ERROR;
	snprintf(kf->kernel_release, sizeof(kf->kernel_release), "%s", release ? release : "");
	return kf;
}

/* ------------------------------------------------------------------ */
/* Log lines                                                           */
/* ------------------------------------------------------------------ */

struct logline {
	const char *p; /* the line, after any "<N>" level and "[ time]" prefix */
	size_t len;
	double ts;
	const char *next;
	int lineno;
};

/* Read the line at s into l; false at the end of the text. */
static bool read_line(const char *s, struct logline *l)
{
	const char *e, *p = s;

	if (!s || !*s)
		return false;
	e = strchr(s, '\n');
	if (!e)
		e = s + strlen(s);
	l->next = *e ? e + 1 : e;
	l->ts = -1;
	if (*p == '<') { /* syslog level prefix */
		const char *q = p + 1;

		while (q < e && isdigit((unsigned char)*q))
			q++;
		if (q < e && *q == '>')
			p = q + 1;
	}
	if (*p == '[') {
		const char *q = memchr(p, ']', (size_t)(e - p));

		if (q) {
			l->ts = strtod(p + 1, NULL);
			p = q + 1;
			if (*p == ' ')
				p++;
		}
	}
	l->p = p;
	l->len = (size_t)(e - p);
	return true;
}

/* A bounded copy of a line (NUL-terminated). */
static void line_copy(char *dst, size_t n, const struct logline *l)
{
	size_t len = l->len < n - 1 ? l->len : n - 1;

	memcpy(dst, l->p, len);
	dst[len] = '\0';
	while (len && (dst[len - 1] == '\r' || dst[len - 1] == ' '))
		dst[--len] = '\0';
}

static const char *line_find(const struct logline *l, const char *needle)
{
	size_t n = strlen(needle);

	if (n > l->len)
		return NULL;
	for (size_t i = 0; i + n <= l->len; i++)
		if (!memcmp(l->p + i, needle, n))
			return l->p + i;
	return NULL;
}

/* Frames that put a stall inside the allocator, reclaim, compaction or OOM. */
static bool is_mm_frame(const struct logline *l)
{
	static const char *const frames[] = {
	    "__alloc_pages",          "shrink_",
	    "try_to_free_pages",      "do_try_to_free_pages",
	    "balance_pgdat",          "kswapd",
	    "compact_zone",           "try_to_compact_pages",
	    "isolate_migratepages",   "migrate_pages",
	    "out_of_memory",          "throttle_direct_reclaim",
	    "__perform_reclaim",      "kcompactd",
	    "get_page_from_freelist", "drain_all_pages",
	    "offline_pages",          "alloc_contig_range",
	};

	for (size_t i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		if (line_find(l, frames[i]))
			return true;
	return false;
}

/* Does this line start a new report (ends the look-ahead of the previous one)? */
static bool is_report_start(const struct logline *l)
{
	return line_find(l, " invoked oom-killer: ") || line_find(l, "page allocation failure:") ||
	       line_find(l, "page allocation stalls for") || line_find(l, "BUG: soft lockup") ||
	       (line_find(l, "INFO: task ") && line_find(l, " blocked for more than")) ||
	       line_find(l, "Kernel panic - not syncing");
}

#define LOOKAHEAD_LINES 160

/* "order=N" / "order:N" after key; -1 when missing. */
static int parse_int_after(const struct logline *l, const char *key, int dflt)
{
	const char *p = line_find(l, key);

	if (!p)
		return dflt;
	return (int)strtol(p + strlen(key), NULL, 10);
}

/* gfp after key ("gfp_mask=" / "mode:") */
static bool parse_gfp_after(const struct logline *l, const char *key, struct zf_kgfp *g)
{
	const char *p = line_find(l, key);
	char buf[256];
	size_t off, n;

	if (!p)
		return false;
	off = (size_t)(p - l->p) + strlen(key);
	n = l->len - off < sizeof(buf) - 1 ? l->len - off : sizeof(buf) - 1;
	memcpy(buf, l->p + off, n);
	buf[n] = '\0';
	return zf_kgfp_parse(buf, g) == 0;
}

/* comm of "<comm> invoked oom-killer" / "<comm>: page allocation failure" */
static void parse_comm_before(const struct logline *l, const char *at, char *comm, size_t n)
{
	size_t len = (size_t)(at - l->p);

	if (len && l->p[len - 1] == ':')
		len--;
	if (len >= n)
		len = n - 1;
	memcpy(comm, l->p, len);
	comm[len] = '\0';
}

/*
 * The slow-path rule an OOM report breaks (spec §5.9 + the 4.13 RETRY_MAYFAIL
 * skip), or NULL. *costly tells which finding it is.
 */
static const char *oom_rule_broken(const struct zf_kevent *ev, bool *costly)
{
	zf_gfp_t g = ev->gfp.model_gfp;

	*costly = false;
	if (ev->order > 3) {
		*costly = true;
		return "__alloc_pages_may_oom: no OOM kill for order > PAGE_ALLOC_COSTLY_ORDER (3)";
	}
	if (!(g & ZF_GFP_DIRECT_RECLAIM))
		return "no OOM without __GFP_DIRECT_RECLAIM: the slow path leaves for nopage first";
	if (g & ZF_GFP_NORETRY)
		return "no OOM for __GFP_NORETRY: the slow path leaves for nopage after one round";
	if (ev->gfp.retry_mayfail)
		return "__alloc_pages_may_oom: no OOM for __GFP_RETRY_MAYFAIL (4.13+)";
	if (g & ZF_GFP_THISNODE)
		return "__alloc_pages_may_oom: no OOM for __GFP_THISNODE";
	if (g & (ZF_GFP_DMA | ZF_GFP_DMA32))
		return "__alloc_pages_may_oom: no OOM when the highest zone is below ZONE_NORMAL";
	if (!(g & ZF_GFP_FS))
		return "out_of_memory: a global OOM without __GFP_FS returns without a kill";
	return NULL;
}

/*
 * Is a page allocation failure one the rules allow? Failures of costly,
 * atomic, NORETRY, RETRY_MAYFAIL, THISNODE and lowmem requests are normal;
 * so is the failure of a task that was just chosen as an OOM victim (its
 * allocation gives up after the ALLOC_OOM attempt). A small GFP_KERNEL-like
 * request failing otherwise breaks "too small to fail" (spec §5.10).
 */
static bool failure_allowed(const struct zf_evidence *e, const struct zf_kevent *ev)
{
	zf_gfp_t g = ev->gfp.model_gfp;

	if (ev->order > 3 || !(g & ZF_GFP_DIRECT_RECLAIM) || (g & ZF_GFP_NORETRY) ||
	    ev->gfp.retry_mayfail || (g & ZF_GFP_THISNODE) || (g & (ZF_GFP_DMA | ZF_GFP_DMA32)) ||
	    !(g & ZF_GFP_FS))
		return true;
	for (size_t i = 0; i < e->nr_events; i++) {
		const struct zf_kevent *k = &e->events[i];

		if (k->kind == ZF_KEV_OOM_KILLED && ev->pid >= 0 && k->pid == ev->pid)
			return true;
	}
	return false;
}

static void fill_finding_from_event(struct zf_kernel_finding *kf, const struct zf_kevent *ev)
{
	kf->ev = *ev;
	kf->f.gfp = ev->has_gfp ? ev->gfp.model_gfp : 0;
	kf->f.order = ev->order > 0 ? (unsigned int)ev->order : 0;
	kf->f.in_alloc = ev->has_gfp;
	snprintf(kf->excerpt, sizeof(kf->excerpt), "%s", ev->line);
}

/* "... Killed process 133 (stress-ng-vm) total-vm:..." -> pid and comm; false if not such a line */
static bool parse_killed(const struct logline *l, int *pid, char *comm, size_t n)
{
	const char *at = line_find(l, "Killed process ");
	const char *open, *close;
	size_t len = 0;

	if (!at)
		return false;
	*pid = (int)strtol(at + strlen("Killed process "), NULL, 10);
	open = memchr(at, '(', (size_t)(l->p + l->len - at));
	close = open ? memchr(open, ')', (size_t)(l->p + l->len - open)) : NULL;
	if (close)
		len = (size_t)(close - open - 1);
	if (len >= n)
		len = n - 1;
	memcpy(comm, open ? open + 1 : "", len);
	comm[len] = '\0';
	return true;
}

/*
 * The look-ahead after a report: "CPU: 0 PID: 122 Comm: stress-ng-vm ..."
 * gives the pid, an OOM report's "Out of memory: Killed process" its victim.
 */
static void lookahead(const struct logline *start, struct zf_kevent *ev)
{
	struct logline l;
	const char *s = start->next;

	for (int i = 0; i < LOOKAHEAD_LINES && read_line(s, &l); i++, s = l.next) {
		const char *p;

		if (is_report_start(&l))
			break;
		if (ev->pid < 0 && (p = line_find(&l, " PID: ")) && line_find(&l, "Comm:"))
			ev->pid = (int)strtol(p + 6, NULL, 10);
		if (ev->kind == ZF_KEV_OOM_INVOKED &&
		    (line_find(&l, "constraint=CONSTRAINT_MEMCG") || line_find(&l, "oom_memcg=")))
			ev->memcg = true;
		if (ev->kind == ZF_KEV_OOM_INVOKED &&
		    (line_find(&l, "Out of memory: Killed process") ||
		     line_find(&l, "Memory cgroup out of memory: Killed process"))) {
			parse_killed(&l, &ev->victim_pid, ev->victim_comm, sizeof(ev->victim_comm));
			break;
		}
		if (is_mm_frame(&l))
			ev->mm_path = true;
	}
}

int zf_evidence_scan_log(struct zf_evidence *e, const char *log, const char *release)
{
	struct logline l;
	const char *s = log;
	size_t before = e->nr_findings;

	while (read_line(s, &l)) {
		struct zf_kevent tmp, *ev;
		const char *at;

		s = l.next;
		memset(&tmp, 0, sizeof(tmp));
		tmp.timestamp = l.ts;
		tmp.pid = -1;
		tmp.victim_pid = -1;
		tmp.order = -1;
		line_copy(tmp.line, sizeof(tmp.line), &l);

		if ((at = line_find(&l, " invoked oom-killer: "))) {
			tmp.kind = ZF_KEV_OOM_INVOKED;
			parse_comm_before(&l, at, tmp.comm, sizeof(tmp.comm));
			tmp.has_gfp = parse_gfp_after(&l, "gfp_mask=", &tmp.gfp);
			tmp.order = parse_int_after(&l, "order=", -1);
		} else if (parse_killed(&l, &tmp.pid, tmp.comm, sizeof(tmp.comm))) {
			tmp.kind = ZF_KEV_OOM_KILLED;
			e->oom_kills++;
		} else if ((at = line_find(&l, "page allocation failure:")) ||
			   (at = line_find(&l, "page allocation stalls for"))) {
			tmp.kind = line_find(&l, "page allocation failure:") ? ZF_KEV_ALLOC_FAILURE
									     : ZF_KEV_ALLOC_STALL;
			parse_comm_before(&l, at > l.p ? at - 1 : at, tmp.comm, sizeof(tmp.comm));
			tmp.has_gfp = parse_gfp_after(&l, "mode:", &tmp.gfp);
			tmp.order = parse_int_after(&l, "order:", -1);
		} else if ((at = line_find(&l, "BUG: soft lockup"))) {
			const char *br = memchr(at, '[', (size_t)(l.p + l.len - at));

			tmp.kind = ZF_KEV_SOFT_LOCKUP;
			if (br) {
				const char *colon = memchr(br, ':', (size_t)(l.p + l.len - br));
				const char *rb = memchr(br, ']', (size_t)(l.p + l.len - br));
				size_t n = colon ? (size_t)(colon - br - 1) : 0;

				if (n >= sizeof(tmp.comm))
					n = sizeof(tmp.comm) - 1;
				memcpy(tmp.comm, br + 1, n);
				tmp.comm[n] = '\0';
				if (colon && rb && colon < rb)
					tmp.pid = (int)strtol(colon + 1, NULL, 10);
			}
		} else if ((at = line_find(&l, "INFO: task ")) &&
			   line_find(&l, " blocked for more")) {
			const char *name = at + strlen("INFO: task ");
			const char *end = line_find(&l, " blocked for more");
			const char *colon = end;
			size_t n;

			tmp.kind = ZF_KEV_HUNG_TASK;
			while (colon > name && *colon != ':')
				colon--;
			n = colon > name ? (size_t)(colon - name) : 0;
			if (n >= sizeof(tmp.comm))
				n = sizeof(tmp.comm) - 1;
			memcpy(tmp.comm, name, n);
			tmp.comm[n] = '\0';
			if (colon > name)
				tmp.pid = (int)strtol(colon + 1, NULL, 10);
		} else if (line_find(&l, "rcu: INFO: ") && line_find(&l, "stall")) {
			tmp.kind = ZF_KEV_RCU_STALL;
		} else if (line_find(&l, "Kernel panic - not syncing")) {
			tmp.kind = ZF_KEV_PANIC;
		} else {
			continue;
		}
		if (tmp.kind != ZF_KEV_OOM_KILLED)
			lookahead(&l, &tmp);
		if (tmp.kind == ZF_KEV_SOFT_LOCKUP || tmp.kind == ZF_KEV_HUNG_TASK) {
			/* kswapd / kcompactd stuck is an mm stall whatever the trace shows */
			if (!strncmp(tmp.comm, "kswapd", 6) || !strncmp(tmp.comm, "kcompactd", 9))
				tmp.mm_path = true;
		}
		ev = add_event(e);
		if (!ev)
			return -1;
		*ev = tmp;

		switch (ev->kind) {
		case ZF_KEV_OOM_INVOKED: {
			bool costly;
			const char *rule;
			struct zf_kernel_finding *kf;

			/* memcg and sysrq OOMs are not the allocator's (see the header) */
			if (ev->memcg || ev->order < 0 || !ev->has_gfp || ev->gfp.raw == 0)
				break;
			rule = oom_rule_broken(ev, &costly);
			if (!rule) {
				/*
				 * The rules allow this OOM. A kill is still recorded, as
				 * info: the gfp and order the check was run on, and who
				 * paid for it (docs/stress.md "Real-kernel evidence").
				 */
				if (ev->victim_pid < 0)
					break;
				kf = add_finding(e, ZF_KERNEL_OOM_KILL, release);
				if (!kf)
					return -1;
				fill_finding_from_event(kf, ev);
				kf->severity = ZF_KSEV_INFO;
				snprintf(
				    kf->rule, sizeof(kf->rule), "%s",
				    "allowed: order <= 3 with __GFP_FS|__GFP_DIRECT_RECLAIM, no "
				    "NORETRY/RETRY_MAYFAIL/THISNODE, highest zone >= NORMAL "
				    "(spec §5.9)");
				snprintf(kf->f.message, sizeof(kf->f.message),
					 "real kernel %.40s OOM-killed %.16s (pid %d) for %.16s: "
					 "order=%d gfp_mask=%#x(%.80s) [allowed]",
					 release ? release : "?", ev->victim_comm, ev->victim_pid,
					 ev->comm, ev->order, ev->gfp.raw, ev->gfp.names);
				break;
			}
			kf = add_finding(
			    e, costly ? ZF_KERNEL_OOM_COSTLY : ZF_KERNEL_OOM_EXCLUDED_GFP, release);
			if (!kf)
				return -1;
			fill_finding_from_event(kf, ev);
			snprintf(kf->rule, sizeof(kf->rule), "%s", rule);
			snprintf(kf->f.message, sizeof(kf->f.message),
				 "real kernel %.40s invoked the OOM killer for %.24s: order=%d "
				 "gfp_mask=%#x(%.100s)",
				 release ? release : "?", ev->comm, ev->order, ev->gfp.raw,
				 ev->gfp.names);
			break;
		}
		case ZF_KEV_ALLOC_FAILURE:
		case ZF_KEV_ALLOC_STALL: {
			bool stall = ev->kind == ZF_KEV_ALLOC_STALL;
			bool allowed = !stall && failure_allowed(e, ev);
			struct zf_kernel_finding *kf = add_finding(
			    e, stall ? ZF_KERNEL_STALL : ZF_KERNEL_ALLOC_FAILURE, release);

			if (!kf)
				return -1;
			fill_finding_from_event(kf, ev);
			kf->severity = stall     ? ZF_KSEV_WARNING
				       : allowed ? ZF_KSEV_INFO
						 : ZF_KSEV_ERROR;
			snprintf(
			    kf->rule, sizeof(kf->rule), "%s",
			    stall ? "warn_alloc: an allocation stalled in the slow path"
			    : allowed
				? "allowed by the rules (costly, atomic, NORETRY, RETRY_MAYFAIL, "
				  "THISNODE, lowmem, !FS or an OOM victim)"
				: "suspect: an order <= 3 __GFP_FS|__GFP_DIRECT_RECLAIM request "
				  "failed (too small to fail, spec §5.10)");
			snprintf(kf->f.message, sizeof(kf->f.message),
				 "real kernel %.40s: %.24s %s order=%d mode=%#x(%.100s)%s",
				 release ? release : "?", ev->comm,
				 stall ? "page allocation stall" : "page allocation failure",
				 ev->order, ev->gfp.raw, ev->gfp.names,
				 allowed ? " [allowed]" : "");
			break;
		}
		case ZF_KEV_SOFT_LOCKUP:
		case ZF_KEV_HUNG_TASK:
		case ZF_KEV_RCU_STALL: {
			struct zf_kernel_finding *kf;

			/* only stalls inside the allocator are ours (TCG alone can trip RCU) */
			if (!ev->mm_path)
				break;
			kf = add_finding(e, ZF_KERNEL_LOCKUP, release);
			if (!kf)
				return -1;
			fill_finding_from_event(kf, ev);
			kf->f.in_alloc = true;
			snprintf(kf->rule, sizeof(kf->rule),
				 "%s with allocator/reclaim/compaction frames on the stack",
				 zf_kevent_kind_name(ev->kind));
			snprintf(kf->f.message, sizeof(kf->f.message),
				 "real kernel %.40s: %s: %.180s", release ? release : "?",
				 zf_kevent_kind_name(ev->kind), ev->line);
			break;
		}
		case ZF_KEV_PANIC: {
			struct zf_kernel_finding *kf = add_finding(e, ZF_KERNEL_PANIC, release);

			if (!kf)
				return -1;
			fill_finding_from_event(kf, ev);
			snprintf(kf->rule, sizeof(kf->rule), "the guest kernel panicked");
			snprintf(kf->f.message, sizeof(kf->f.message), "real kernel %.40s: %.200s",
				 release ? release : "?", ev->line);
			break;
		}
		default:
			break;
		}
	}
	return (int)(e->nr_findings - before);
}

/* ------------------------------------------------------------------ */
/* Free-page cross-check                                               */
/* ------------------------------------------------------------------ */

#define EV_MAX_ZONES 32

struct free_zone {
	int node;
	char name[16];
	bool have_counter, have_buddy;
	int64_t counter; /* zoneinfo "pages free" = NR_FREE_PAGES */
	int64_t buddy;   /* sum of buddyinfo blocks x 2^order */
	int64_t isolate; /* free pages on Isolate lists (pagetypeinfo) */
	unsigned int cpus, threshold;
	int batch;
};

static struct free_zone *free_zone_get(struct free_zone *z, int *n, int node, const char *name)
{
	for (int i = 0; i < *n; i++)
		if (z[i].node == node && !strcmp(z[i].name, name))
			return &z[i];
	if (*n >= EV_MAX_ZONES)
		return NULL;
	memset(&z[*n], 0, sizeof(z[0]));
	z[*n].node = node;
	snprintf(z[*n].name, sizeof(z[*n].name), "%s", name);
	return &z[(*n)++];
}

/* The pages in a row of free block counts, order 0 first (buddyinfo, pagetypeinfo): sum n << order.
 */
static int64_t pages_per_order(const char *s)
{
	int64_t pages = 0;
	char *end;

	for (int o = 0; o < 20; o++) {
		long long v = strtoll(s, &end, 10);

		if (end == s)
			break;
		pages += (int64_t)v << o;
		s = end;
	}
	return pages;
}

bool zf_vmstat_get(const char *vmstat, const char *key, int64_t *out)
{
	size_t n = strlen(key);
	const char *p = vmstat;

	while (p && *p) {
		if (!strncmp(p, key, n) && p[n] == ' ') {
			*out = strtoll(p + n + 1, NULL, 10);
			return true;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return false;
}

int zf_evidence_check_free(struct zf_evidence *e, const char *vmstat, const char *buddyinfo,
			   const char *zoneinfo, const char *pagetypeinfo, const char *release)
{
	struct free_zone zones[EV_MAX_ZONES];
	int nz = 0;
	size_t before = e->nr_findings;
	const char *p;
	struct free_zone *cur = NULL;
	int64_t total_buddy = 0, total_counter = 0, total_tol = 0, vm_free;

	if (!buddyinfo)
		return 0;
	/* buddyinfo: blocks per order */
	for (p = buddyinfo; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		int node;
		char name[16];
		const char *rest = zf_proc_node_zone(p, &node, name, sizeof(name));
		struct free_zone *z;

		if (!rest || !(z = free_zone_get(zones, &nz, node, name)))
			continue;
		z->have_buddy = true;
		z->buddy += pages_per_order(rest);
	}
	/* zoneinfo: the NR_FREE_PAGES counter, cpus, stat threshold, pcp batch */
	for (p = zoneinfo; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		int node;
		char name[16];
		const char *q = p;

		if (zf_proc_node_zone(p, &node, name, sizeof(name))) {
			cur = free_zone_get(zones, &nz, node, name);
			continue;
		}
		if (!cur)
			continue;
		while (*q == ' ')
			q++;
		if (!strncmp(q, "pages free", 10)) {
			cur->counter = strtoll(q + 10, NULL, 10);
			cur->have_counter = true;
		} else if (!strncmp(q, "cpu:", 4)) {
			cur->cpus++;
		} else if (!strncmp(q, "vm stats threshold:", 19)) {
			unsigned int t = (unsigned int)strtoul(q + 19, NULL, 10);

			if (t > cur->threshold)
				cur->threshold = t;
		} else if (!strncmp(q, "batch:", 6) && !cur->batch) {
			cur->batch = (int)strtol(q + 6, NULL, 10);
		}
	}
	/* pagetypeinfo: free pages on the Isolate lists */
	for (p = pagetypeinfo; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
		int node;
		char name[16];
		const char *rest = zf_proc_node_zone(p, &node, name, sizeof(name));
		const char *t;
		struct free_zone *z;

		if (!rest || !(t = strstr(rest, "type")) || (size_t)(t - rest) > 8)
			continue;
		t += 4;
		while (*t == ' ')
			t++;
		if (strncmp(t, "Isolate", 7) || !(z = free_zone_get(zones, &nz, node, name)))
			continue;
		z->isolate += pages_per_order(t + 7);
	}

	for (int i = 0; i < nz; i++) {
		struct free_zone *z = &zones[i];
		/*
		 * Tolerance (docs/stress.md): per-cpu vmstat deltas not yet folded
		 * into the zone counter (at most stat_threshold per cpu), plus the
		 * pages one pcp refill/drain per cpu can move between the two reads
		 * (a batch each), plus 16 for the allocator's own activity in between.
		 */
		unsigned int cpus = z->cpus ? z->cpus : 1;
		unsigned int thr = z->threshold ? z->threshold : 125;
		int64_t tol =
		    (int64_t)cpus * thr + (int64_t)cpus * (z->batch > 0 ? z->batch : 63) + 16;
		int64_t expect = z->buddy - z->isolate;
		int64_t diff;

		if (!z->have_buddy || !z->have_counter)
			continue;
		total_buddy += expect;
		total_counter += z->counter;
		total_tol += tol;
		diff = z->counter - expect;
		if (diff > tol || -diff > tol) {
			struct zf_kernel_finding *kf =
			    add_finding(e, ZF_KERNEL_FREE_MISMATCH, release);

			if (!kf)
				return -1;
			snprintf(
			    kf->rule, sizeof(kf->rule),
			    "NR_FREE_PAGES == free buddy pages outside MIGRATE_ISOLATE "
			    "(spec §11 item 4), within nr_cpus*stat_threshold+nr_cpus*batch+16");
			snprintf(
			    kf->f.message, sizeof(kf->f.message),
			    "real kernel %s: node %d zone %s: NR_FREE_PAGES %lld but the "
			    "buddy lists hold %lld (isolate %lld), off by %lld > tolerance %lld",
			    release ? release : "?", z->node, z->name, (long long)z->counter,
			    (long long)z->buddy, (long long)z->isolate, (long long)diff,
			    (long long)tol);
			snprintf(kf->excerpt, sizeof(kf->excerpt),
				 "zoneinfo pages free %lld; buddyinfo sum %lld; isolate %lld; "
				 "cpus %u threshold %u batch %d",
				 (long long)z->counter, (long long)z->buddy, (long long)z->isolate,
				 cpus, thr, z->batch);
		}
	}
	/* the global counter against the same sum (a separate read: the summed tolerance) */
	if (vmstat && nz && zf_vmstat_get(vmstat, "nr_free_pages", &vm_free) && total_tol) {
		int64_t diff = vm_free - total_buddy;

		if (diff > total_tol || -diff > total_tol) {
			struct zf_kernel_finding *kf =
			    add_finding(e, ZF_KERNEL_FREE_MISMATCH, release);

			if (!kf)
				return -1;
			snprintf(kf->rule, sizeof(kf->rule),
				 "vmstat nr_free_pages == sum of free buddy pages outside "
				 "MIGRATE_ISOLATE, within the summed zone tolerances");
			snprintf(kf->f.message, sizeof(kf->f.message),
				 "real kernel %s: vmstat nr_free_pages %lld but the buddy lists "
				 "hold %lld (zone counters %lld), off by %lld > tolerance %lld",
				 release ? release : "?", (long long)vm_free,
				 (long long)total_buddy, (long long)total_counter, (long long)diff,
				 (long long)total_tol);
			snprintf(kf->excerpt, sizeof(kf->excerpt), "nr_free_pages %lld",
				 (long long)vm_free);
		}
	}
	return (int)(e->nr_findings - before);
}

/* ------------------------------------------------------------------ */
/* JSON                                                                */
/* ------------------------------------------------------------------ */

cJSON *zf_kevent_json(const struct zf_kevent *ev)
{
	cJSON *o = cJSON_CreateObject();
	char gfp[192];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "kind", zf_kevent_kind_name(ev->kind));
	if (ev->timestamp >= 0)
		cJSON_AddNumberToObject(o, "timestamp", ev->timestamp);
	if (ev->comm[0])
		cJSON_AddStringToObject(o, "comm", ev->comm);
	if (ev->pid >= 0)
		cJSON_AddNumberToObject(o, "pid", ev->pid);
	if (ev->kind == ZF_KEV_OOM_INVOKED || ev->kind == ZF_KEV_ALLOC_FAILURE ||
	    ev->kind == ZF_KEV_ALLOC_STALL)
		cJSON_AddNumberToObject(o, "order", ev->order);
	if (ev->has_gfp) {
		snprintf(gfp, sizeof(gfp), "%#x", ev->gfp.raw);
		cJSON_AddStringToObject(o, "gfp_mask", gfp);
		cJSON_AddStringToObject(o, "gfp_names", ev->gfp.names);
		zf_gfp_format(gfp, sizeof(gfp), ev->gfp.model_gfp);
		cJSON_AddStringToObject(o, "model_gfp", gfp);
	}
	if (ev->kind == ZF_KEV_OOM_INVOKED) {
		cJSON_AddBoolToObject(o, "memcg", ev->memcg);
		if (ev->victim_pid >= 0) {
			cJSON *v = cJSON_AddObjectToObject(o, "victim");

			if (v) {
				cJSON_AddNumberToObject(v, "pid", ev->victim_pid);
				cJSON_AddStringToObject(v, "comm", ev->victim_comm);
			}
		}
	}
	if (ev->kind == ZF_KEV_SOFT_LOCKUP || ev->kind == ZF_KEV_HUNG_TASK ||
	    ev->kind == ZF_KEV_RCU_STALL)
		cJSON_AddBoolToObject(o, "mm_path", ev->mm_path);
	cJSON_AddStringToObject(o, "line", ev->line);
	return o;
}

cJSON *zf_kernel_finding_json(const struct zf_kernel_finding *kf)
{
	cJSON *o = cJSON_CreateObject();
	char buf[192];

	if (!o)
		return NULL;
	/* the struct zf_finding fields, under the same names */
	cJSON_AddStringToObject(o, "oracle_id", kf->f.oracle_id);
	cJSON_AddStringToObject(o, "message", kf->f.message);
	cJSON_AddStringToObject(o, "func", kf->f.func ? kf->f.func : "");
	cJSON_AddStringToObject(o, "file", kf->f.file ? kf->f.file : "");
	cJSON_AddNumberToObject(o, "line", kf->f.line);
	cJSON_AddNumberToObject(o, "op_index", (double)kf->f.op_index);
	cJSON_AddNumberToObject(o, "event_seq", (double)kf->f.event_seq);
	cJSON_AddNumberToObject(o, "jiffies", (double)kf->f.jiffies);
	cJSON_AddBoolToObject(o, "in_alloc", kf->f.in_alloc);
	cJSON_AddNumberToObject(o, "task", kf->f.task);
	snprintf(buf, sizeof(buf), "%#x", kf->f.gfp);
	cJSON_AddStringToObject(o, "gfp", buf);
	zf_gfp_format(buf, sizeof(buf), kf->f.gfp);
	cJSON_AddStringToObject(o, "gfp_names", buf);
	cJSON_AddNumberToObject(o, "order", kf->f.order);
	cJSON_AddNumberToObject(o, "zone_id", kf->f.zone_id);
	/* where it came from */
	cJSON_AddStringToObject(o, "source", "kernel");
	cJSON_AddStringToObject(o, "severity", kf->severity ? kf->severity : ZF_KSEV_ERROR);
	cJSON_AddStringToObject(o, "kernel_release", kf->kernel_release);
	cJSON_AddStringToObject(o, "rule", kf->rule);
	cJSON_AddStringToObject(o, "excerpt", kf->excerpt);
	if (kf->ev.kind < ZF_NR_KEV_KINDS)
		cJSON_AddItemToObject(o, "event", zf_kevent_json(&kf->ev));
	return o;
}
