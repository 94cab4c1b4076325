// SPDX-License-Identifier: MIT
/*
 * tests/stress/test_stress_evidence.c - the real-kernel evidence parsers on
 * committed log excerpts (tests/stress/data/README.md): OOM reports, page
 * allocation failures and stalls, lockups, panics, the free-page
 * cross-check, and GFP masks as a 6.1 kernel prints them.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>

#include "stress_internal.h"
#include "zf_test.h"
#include "zonefuzz/stress.h"

#ifndef ZF_STRESS_TEST_DATA
#define ZF_STRESS_TEST_DATA "tests/stress/data"
#endif

static char *load(const char *name)
{
	char path[512];
	char *buf;

	snprintf(path, sizeof(path), "%s/%s", ZF_STRESS_TEST_DATA, name);
	buf = zf_read_file(path, NULL);
	if (!buf)
		fprintf(stderr, "cannot open %s\n", path);
	return buf;
}

static size_t count_kind(const struct zf_evidence *e, enum zf_kevent_kind k)
{
	size_t n = 0;

	for (size_t i = 0; i < e->nr_events; i++)
		n += e->events[i].kind == k;
	return n;
}

/* The 6.1 bit layout (gfp_types.h): 0xcc0 = __GFP_IO|__GFP_FS|__GFP_RECLAIM = GFP_KERNEL. */
TEST(kgfp_names_and_hex)
{
	struct zf_kgfp g;

	assert_eq(zf_kgfp_parse("0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)", &g), 0);
	expect_eq(g.raw, 0x140dca);
	expect_true(!strcmp(g.names, "GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO"));
	expect_eq(g.model_gfp, ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_COMP | ZF_GFP_ZERO);
	expect_false(g.retry_mayfail);

	/* no names: decoded with the 6.1 layout */
	assert_eq(zf_kgfp_parse("0xcc0", &g), 0);
	expect_eq(g.model_gfp, ZF_GFP_KERNEL);
	/* 0x140dca = HIGHUSER_MOVABLE (0x100cca) | COMP (0x40000) | ZERO (0x100) in 6.1 */
	assert_eq(zf_kgfp_parse("0x140dca", &g), 0);
	expect_eq(g.model_gfp, ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_COMP | ZF_GFP_ZERO);
	/* 0x4000 is __GFP_RETRY_MAYFAIL in 6.1 */
	assert_eq(zf_kgfp_parse("0x4cc0", &g), 0);
	expect_true(g.retry_mayfail);
	expect_eq(g.model_gfp, ZF_GFP_KERNEL | ZF_GFP_REPEAT);
	/* GFP_ATOMIC = __GFP_HIGH|__GFP_ATOMIC|__GFP_KSWAPD_RECLAIM */
	assert_eq(zf_kgfp_parse("0xa20(GFP_ATOMIC)", &g), 0);
	expect_eq(g.model_gfp, ZF_GFP_ATOMIC_MASK);
	expect_eq(zf_kgfp_parse("nothex", &g), -1);
	return true;
}

/*
 * The oom profile's real report: order 0 GFP_HIGHUSER_MOVABLE is what the
 * rules allow, so it breaks no rule; the kill is recorded as an info finding
 * with the parsed gfp, order and victim.
 */
TEST(oom_order0_is_an_info_finding)
{
	char *ttys = load("oom-run-ttyS1.out");
	struct zf_vm_sections s;
	const struct zf_vm_section *dm;
	struct zf_evidence e;
	const struct zf_kevent *ev = NULL;

	assert_true(ttys != NULL);
	assert_eq(zf_vm_sections_parse(ttys, strlen(ttys), &s), 0);
	dm = zf_vm_section_get(&s, "dmesg");
	assert_true(dm != NULL);
	zf_evidence_init(&e);
	assert_eq(zf_evidence_scan_log(&e, dm->text, "6.1.0-56-cloud-amd64"), 1);
	expect_true(!strcmp(e.findings[0].f.oracle_id, ZF_KERNEL_OOM_KILL));
	expect_true(!strcmp(e.findings[0].severity, ZF_KSEV_INFO));
	expect_eq(e.findings[0].f.order, 0);
	expect_eq(e.findings[0].f.gfp, ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_COMP | ZF_GFP_ZERO);
	expect_true(e.findings[0].f.in_alloc);
	expect_eq(e.findings[0].ev.victim_pid, 133);
	expect_true(!strcmp(e.findings[0].ev.victim_comm, "stress-ng-vm"));
	expect_true(!strcmp(e.findings[0].kernel_release, "6.1.0-56-cloud-amd64"));
	expect_true(strstr(e.findings[0].f.message, "OOM-killed stress-ng-vm (pid 133)") != NULL);
	expect_true(strstr(e.findings[0].f.message, "gfp_mask=0x140dca") != NULL);
	expect_true(strstr(e.findings[0].rule, "allowed") != NULL);
	expect_eq(count_kind(&e, ZF_KEV_OOM_INVOKED), 1);
	expect_eq(e.oom_kills, 1);
	for (size_t i = 0; i < e.nr_events; i++)
		if (e.events[i].kind == ZF_KEV_OOM_INVOKED)
			ev = &e.events[i];
	assert_true(ev != NULL);
	expect_eq(ev->order, 0);
	expect_eq(ev->gfp.raw, 0x140dca);
	expect_eq(ev->gfp.model_gfp, ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_COMP | ZF_GFP_ZERO);
	expect_true(!strcmp(ev->comm, "stress-ng-vm"));
	expect_eq(ev->pid, 132);
	expect_false(ev->memcg);
	zf_evidence_free(&e);
	zf_vm_sections_free(&s);
	free(ttys);
	return true;
}

/* spec §5.9: __alloc_pages_may_oom bails out for order > PAGE_ALLOC_COSTLY_ORDER */
TEST(oom_costly_order)
{
	char *log = load("oom-costly-6.1.log");
	struct zf_evidence e;
	const struct zf_kernel_finding *kf;

	assert_true(log != NULL);
	zf_evidence_init(&e);
	assert_eq(zf_evidence_scan_log(&e, log, "6.1.0-56-cloud-amd64"), 1);
	kf = &e.findings[0];
	expect_true(!strcmp(kf->f.oracle_id, ZF_KERNEL_OOM_COSTLY));
	expect_eq(kf->f.order, 4);
	expect_eq(kf->f.gfp, ZF_GFP_KERNEL | ZF_GFP_COMP | ZF_GFP_ZERO);
	expect_eq(kf->ev.gfp.raw, 0x40dc0);
	expect_eq(kf->ev.pid, 87);
	expect_true(!strcmp(kf->kernel_release, "6.1.0-56-cloud-amd64"));
	expect_true(strstr(kf->f.message, "order=4") != NULL);
	expect_true(!strcmp(kf->severity, ZF_KSEV_ERROR));
	expect_eq(kf->ev.victim_pid, 122);
	expect_eq(e.oom_kills, 1);
	zf_evidence_free(&e);
	free(log);
	return true;
}

/*
 * spec §5.9 + §8 (4.13): no OOM kill for !__GFP_FS, __GFP_RETRY_MAYFAIL, a
 * highest zone below NORMAL or __GFP_THISNODE; memcg and sysrq OOMs are not
 * the page allocator's and give no finding.
 */
TEST(oom_excluded_gfp)
{
	char *log = load("oom-excluded-6.1.log");
	struct zf_evidence e;

	assert_true(log != NULL);
	zf_evidence_init(&e);
	assert_eq(zf_evidence_scan_log(&e, log, "6.1.0-56-cloud-amd64"), 4);
	for (size_t i = 0; i < e.nr_findings; i++)
		expect_true(!strcmp(e.findings[i].f.oracle_id, ZF_KERNEL_OOM_EXCLUDED_GFP));
	expect_true(!strcmp(e.findings[0].ev.comm, "fsworker"));
	expect_true(strstr(e.findings[0].rule, "__GFP_FS") != NULL);
	expect_true(!strcmp(e.findings[1].ev.comm, "tryhard"));
	expect_true(strstr(e.findings[1].rule, "RETRY_MAYFAIL") != NULL);
	expect_eq(e.findings[1].f.order, 2);
	expect_true(!strcmp(e.findings[2].ev.comm, "dmadrv"));
	expect_true(strstr(e.findings[2].rule, "ZONE_NORMAL") != NULL);
	/* 0x200c40 without names: 6.1 __GFP_THISNODE (0x200000) | GFP_NOFS (0xc40) */
	expect_true(!strcmp(e.findings[3].ev.comm, "nonames"));
	expect_true(strstr(e.findings[3].rule, "THISNODE") != NULL);
	expect_eq(e.findings[3].f.gfp, ZF_GFP_THISNODE | ZF_GFP_NOFS);
	expect_eq(count_kind(&e, ZF_KEV_OOM_INVOKED), 6);
	expect_eq(e.oom_kills, 6);
	/* the memcg OOM is marked as such, with its victim; it gives no finding, not even info */
	for (size_t i = 0; i < e.nr_events; i++)
		if (e.events[i].kind == ZF_KEV_OOM_INVOKED && e.events[i].order == 9) {
			expect_true(e.events[i].memcg);
			expect_eq(e.events[i].victim_pid, 140);
		}
	for (size_t i = 0; i < e.nr_findings; i++)
		expect_true(!strcmp(e.findings[i].severity, ZF_KSEV_ERROR));
	zf_evidence_free(&e);
	free(log);
	return true;
}

/* warn_alloc lines: every failure is a finding; only the "too small to fail" one is suspect */
TEST(alloc_failures_and_stall)
{
	char *log = load("alloc-failure-6.1.log");
	struct zf_evidence e;
	int suspect = 0;

	assert_true(log != NULL);
	zf_evidence_init(&e);
	assert_eq(zf_evidence_scan_log(&e, log, "6.1.0-56-cloud-amd64"), 5);
	expect_eq(count_kind(&e, ZF_KEV_ALLOC_FAILURE), 4);
	expect_eq(count_kind(&e, ZF_KEV_ALLOC_STALL), 1);
	for (size_t i = 0; i < e.nr_findings; i++) {
		const struct zf_kernel_finding *kf = &e.findings[i];

		if (strstr(kf->rule, "suspect")) {
			suspect++;
			expect_true(!strcmp(kf->ev.comm, "mydrv"));
			expect_eq(kf->f.order, 1);
			expect_eq(kf->f.gfp, ZF_GFP_KERNEL);
		}
	}
	expect_eq(suspect, 1);
	for (size_t i = 0; i < e.nr_findings; i++) {
		const struct zf_kernel_finding *kf = &e.findings[i];

		if (kf->ev.kind == ZF_KEV_ALLOC_STALL)
			expect_true(!strcmp(kf->severity, ZF_KSEV_WARNING));
		else
			expect_true(!strcmp(kf->severity, strstr(kf->rule, "suspect")
							      ? ZF_KSEV_ERROR
							      : ZF_KSEV_INFO));
	}
	expect_true(!strcmp(e.findings[0].f.oracle_id, ZF_KERNEL_ALLOC_FAILURE));
	expect_eq(e.findings[0].f.order, 5);
	expect_true(!strcmp(e.findings[0].ev.comm, "kworker/0:2"));
	/* the OOM victim's own failure (pid 133 was killed just before) is allowed */
	expect_eq(e.findings[1].ev.pid, 133);
	expect_true(strstr(e.findings[1].rule, "allowed") != NULL);
	expect_true(!strcmp(e.findings[4].f.oracle_id, ZF_KERNEL_STALL));
	expect_eq(e.findings[4].ev.gfp.model_gfp, ZF_GFP_HIGHUSER_MOVABLE);
	expect_true(!strcmp(e.findings[4].ev.comm, "kswapd0"));
	zf_evidence_free(&e);
	free(log);
	return true;
}

/* lockups count only with allocator/reclaim frames (or kswapd itself) */
TEST(lockups_in_reclaim)
{
	char *log = load("lockup-6.1.log");
	struct zf_evidence e;

	assert_true(log != NULL);
	zf_evidence_init(&e);
	assert_eq(zf_evidence_scan_log(&e, log, "6.1.0-56-cloud-amd64"), 2);
	expect_eq(count_kind(&e, ZF_KEV_SOFT_LOCKUP), 1);
	expect_eq(count_kind(&e, ZF_KEV_HUNG_TASK), 2);
	expect_eq(count_kind(&e, ZF_KEV_RCU_STALL), 1);
	expect_true(!strcmp(e.findings[0].f.oracle_id, ZF_KERNEL_LOCKUP));
	expect_true(!strcmp(e.findings[0].ev.comm, "kswapd0"));
	expect_eq(e.findings[0].ev.pid, 35);
	expect_true(!strcmp(e.findings[1].ev.comm, "stress-ng-vm"));
	expect_eq(e.findings[1].ev.pid, 150);
	/* jbd2 waiting on IO is not an allocator stall */
	for (size_t i = 0; i < e.nr_events; i++)
		if (e.events[i].kind == ZF_KEV_HUNG_TASK && e.events[i].pid == 120)
			expect_false(e.events[i].mm_path);
	zf_evidence_free(&e);
	free(log);
	return true;
}

TEST(panic)
{
	char *log = load("panic-6.1.log");
	struct zf_evidence e;

	assert_true(log != NULL);
	zf_evidence_init(&e);
	assert_eq(zf_evidence_scan_log(&e, log, "6.1.0-56-cloud-amd64"), 1);
	expect_true(!strcmp(e.findings[0].f.oracle_id, ZF_KERNEL_PANIC));
	expect_true(strstr(e.findings[0].f.message, "deadlocked on memory") != NULL);
	zf_evidence_free(&e);
	free(log);
	return true;
}

/*
 * The captured snapshot: DMA buddyinfo 1x32K(o5)+64+128+512+3x1024 pages =
 * 3808 = zoneinfo "pages free"; DMA32 sums to 36667 = its counter; vmstat
 * nr_free_pages 40475 = 3808 + 36667. No finding. With 1000 more order-0
 * pages in buddyinfo (buddyinfo-mismatch.txt) DMA32 is off by -1000, over
 * the tolerance 1 cpu x threshold 4 + 1 x batch 15 + 16 = 35.
 */
TEST(free_pages_cross_check)
{
	char *zi = load("guest61-256M-zoneinfo.txt"), *bi = load("guest61-256M-buddyinfo.txt");
	char *pt = load("guest61-256M-pagetypeinfo.txt"), *vm = load("guest61-256M-vmstat.txt");
	char *bad = load("buddyinfo-mismatch.txt");
	struct zf_evidence e;
	int64_t v;

	assert_true(zi && bi && pt && vm && bad);
	assert_true(zf_vmstat_get(vm, "nr_free_pages", &v));
	expect_eq(v, 40475);
	zf_evidence_init(&e);
	expect_eq(zf_evidence_check_free(&e, vm, bi, zi, pt, "6.1.0-56-cloud-amd64"), 0);
	/* per zone and in total */
	assert_eq(zf_evidence_check_free(&e, vm, bad, zi, pt, "6.1.0-56-cloud-amd64"), 2);
	expect_true(!strcmp(e.findings[0].f.oracle_id, ZF_KERNEL_FREE_MISMATCH));
	expect_true(strstr(e.findings[0].f.message, "zone DMA32") != NULL);
	expect_true(strstr(e.findings[0].f.message, "off by -1000 > tolerance 35") != NULL);
	expect_true(strstr(e.findings[1].f.message, "vmstat nr_free_pages 40475") != NULL);
	zf_evidence_free(&e);
	free(zi);
	free(bi);
	free(pt);
	free(vm);
	free(bad);
	return true;
}

ZF_TEST_MAIN("stress_evidence", ZF_CASE(kgfp_names_and_hex), ZF_CASE(oom_order0_is_an_info_finding),
	     ZF_CASE(oom_costly_order), ZF_CASE(oom_excluded_gfp),
	     ZF_CASE(alloc_failures_and_stall), ZF_CASE(lockups_in_reclaim), ZF_CASE(panic),
	     ZF_CASE(free_pages_cross_check))
