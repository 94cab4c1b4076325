// SPDX-License-Identifier: MIT
/*
 * tests/stress/test_stress_vm.c - the VM runner's pieces that need no QEMU:
 * the shipped profiles and their sidecar settings, sizes and durations,
 * the ttyS1 section framing, and the bundle written from a captured run
 * (tests/stress/data/oom-run-*). Nothing here boots a guest.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "stress_internal.h"
#include "zf_test.h"
#include "zonefuzz/stress.h"

#ifndef ZF_STRESS_TEST_DATA
#define ZF_STRESS_TEST_DATA "tests/stress/data"
#endif

TEST(sizes_and_durations)
{
	expect_eq(zf_vm_parse_size_mb("256M"), 256);
	expect_eq(zf_vm_parse_size_mb("1G"), 1024);
	expect_eq(zf_vm_parse_size_mb("512"), 512);
	expect_eq(zf_vm_parse_size_mb("2GiB"), 2048);
	expect_eq(zf_vm_parse_size_mb("12X"), -1);
	expect_eq(zf_vm_parse_size_mb(""), -1);
	expect_eq(zf_vm_parse_duration_s("10"), 10);
	expect_eq(zf_vm_parse_duration_s("10s"), 10);
	expect_eq(zf_vm_parse_duration_s("2m"), 120);
	expect_eq(zf_vm_parse_duration_s("1h"), 3600);
	expect_eq(zf_vm_parse_duration_s("5x"), -1);
	return true;
}

/* The profiles the brief asks for, with the guest settings of ecosystem notes §6.5/§6.6. */
TEST(shipped_profiles)
{
	struct zf_vm_profile p;
	char err[256];

	assert_eq(zf_vm_profile_load(NULL, "smoke", &p, err, sizeof(err)), 0);
	expect_true(p.time_s <= 5); /* CI: the whole boot must fit in minutes */
	expect_eq(p.swap_mb, 0);

	assert_eq(zf_vm_profile_load(NULL, "oom", &p, err, sizeof(err)), 0);
	expect_eq(p.mem_mb, 256);
	expect_eq(p.swap_mb, 0); /* no swap: straight to OOM (pitfall 7) */
	expect_eq(p.time_s, 10);
	expect_eq(p.nr_sysctl, 1);

	assert_eq(zf_vm_profile_load(NULL, "reclaim", &p, err, sizeof(err)), 0);
	expect_true(p.swap_mb > 0);

	assert_eq(zf_vm_profile_load(NULL, "compaction", &p, err, sizeof(err)), 0);
	expect_true(p.mem_mb >= 1024); /* THP is off below 512 MB (pitfall 5) */
	expect_true(!strcmp(p.thp, "always"));
	expect_true(!strcmp(p.defrag, "always")); /* pitfall 6 */
	expect_true(p.swap_mb > 0);

	assert_eq(zf_vm_profile_load(NULL, "hotplug", &p, err, sizeof(err)), 0);
	expect_true(p.dimm_mb > 0); /* pitfall 9: a movable DIMM, not boot memory */
	expect_true(strstr(p.append, "memhp_default_state=online_movable") != NULL);

	assert_eq(zf_vm_profile_load(NULL, "soak", &p, err, sizeof(err)), 0);
	expect_true(p.smp >= 2);

	expect_eq(zf_vm_profile_load(NULL, "../etc/passwd", &p, err, sizeof(err)), -1);
	expect_eq(zf_vm_profile_load(NULL, "no-such-profile", &p, err, sizeof(err)), -1);
	return true;
}

TEST(profile_sidecar_parse)
{
	struct zf_vm_profile p;
	char err[256];
	const char *job = "#@ mem: 1G\n#@ smp: 2\n#@ swap: 512M\n#@ time: 30\n"
			  "#@ sysctl: vm.a=1\n#@ sysctl: vm.b=2\n#@ model: --ops,5\n"
			  "run parallel\ntimeout 7s\nvm 1\n";

	assert_eq(zf_vm_profile_parse(job, "x", &p, err, sizeof(err)), 0);
	expect_eq(p.mem_mb, 1024);
	expect_eq(p.smp, 2);
	expect_eq(p.swap_mb, 512);
	expect_eq(p.time_s, 7); /* the job's own timeout line wins */
	expect_eq(p.nr_sysctl, 2);
	expect_true(!strcmp(p.sysctl[1], "vm.b=2"));
	expect_eq(zf_vm_profile_parse("#@ bogus: 1\n", "x", &p, err, sizeof(err)), -1);
	expect_eq(zf_vm_profile_parse("#@ dimm: 100M\n", "x", &p, err, sizeof(err)), -1);
	expect_eq(zf_vm_profile_parse("#@ model: --ops 5\n", "x", &p, err, sizeof(err)), -1);
	return true;
}

TEST(sections_framing)
{
	/* CRLF from a tty, and a guest that died inside a section */
	const char *stream = "noise\r\n=== ZF-SECTION a\r\nline1\r\nline2\r\n=== ZF-END a\r\n"
			     "=== ZF-SECTION b\r\npartial\r\n";
	struct zf_vm_sections s;
	const struct zf_vm_section *a, *b;

	assert_eq(zf_vm_sections_parse(stream, strlen(stream), &s), 0);
	expect_eq(s.nr, 2);
	a = zf_vm_section_get(&s, "a");
	b = zf_vm_section_get(&s, "b");
	assert_true(a && b);
	expect_true(!strcmp(a->text, "line1\nline2\n"));
	expect_true(a->complete);
	expect_true(!strcmp(b->text, "partial\n"));
	expect_false(b->complete);
	expect_false(s.done);
	zf_vm_sections_free(&s);
	return true;
}

static bool copy_data(const char *name, const char *dir, const char *to)
{
	char src[512], dst[512];
	size_t len;
	char *d;
	bool ok;

	snprintf(src, sizeof(src), "%s/%s", ZF_STRESS_TEST_DATA, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, to);
	d = zf_read_file(src, &len);
	ok = d && zf_write_file(dst, d, len) == 0;
	free(d);
	return ok;
}

static double num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : -12345;
}

/* The bundle of the captured oom run: one OOM kill, order 0, no finding. */
TEST(bundle_from_captured_run)
{
	char dir[] = "/tmp/zf-test-bundle-XXXXXX", path[600], err[256];
	struct zf_vm_profile prof;
	struct zf_vm_run_info ri;
	struct zf_vm_summary sum;
	const char *argv[] = {"qemu-system-x86_64", "-accel", "tcg", NULL};
	char *json;
	cJSON *b, *o, *m0;

	assert_true(mkdtemp(dir) != NULL);
	assert_true(copy_data("oom-run-ttyS1.out", dir, "ttyS1.out"));
	assert_true(copy_data("oom-run-console.log", dir, "console.log"));
	assert_eq(zf_vm_profile_load(NULL, "oom", &prof, err, sizeof(err)), 0);
	memset(&ri, 0, sizeof(ri));
	ri.profile = &prof;
	snprintf(ri.out_dir, sizeof(ri.out_dir), "%s", dir);
	snprintf(ri.accel, sizeof(ri.accel), "tcg");
	ri.mem_mb = 256;
	ri.smp = 1;
	ri.time_s = 10;
	ri.qemu_argv = argv;
	ri.wall_s = 15.9;
	assert_eq(zf_vm_write_bundle(&ri, &sum), 0);
	expect_true(!strcmp(sum.status, "ok"));
	expect_eq(sum.oom_kill, 1);
	expect_eq(sum.findings, 0);
	expect_eq(sum.stress_rc, 0);
	expect_true(sum.boot_s > 3.09 && sum.boot_s < 3.11);
	expect_true(!strcmp(sum.first_oom, "order=0 gfp=0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|"
					   "__GFP_ZERO)"));

	snprintf(path, sizeof(path), "%s/bundle.json", dir);
	json = zf_read_file(path, NULL);
	assert_true(json != NULL);
	b = cJSON_Parse(json);
	assert_true(b != NULL);
	expect_true(
	    !strcmp(cJSON_GetObjectItem(b, "kernel_release")->valuestring, "6.1.0-56-cloud-amd64"));
	o = cJSON_GetObjectItem(b, "vmstat_delta");
	expect_eq(num(o, "oom_kill"), 1);
	o = cJSON_GetObjectItem(b, "stress_ng");
	expect_eq(num(o, "rc"), 0);
	m0 = cJSON_GetArrayItem(cJSON_GetObjectItem(o, "metrics"), 0);
	assert_true(m0 != NULL);
	expect_true(!strcmp(cJSON_GetObjectItem(m0, "stressor")->valuestring, "vm"));
	expect_true(num(m0, "bogo-ops") > 0);
	o = cJSON_GetObjectItem(b, "snapshots");
	expect_true(cJSON_IsString(cJSON_GetObjectItem(o, "buddyinfo.after")));
	expect_true(cJSON_IsString(cJSON_GetObjectItem(o, "zoneinfo.before")));
	expect_true(cJSON_IsString(cJSON_GetObjectItem(o, "dmesg")));
	expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(b, "findings")), 0);
	expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(b, "kernel_events")), 2);
	o = cJSON_GetObjectItem(b, "guest_stress");
	expect_true(cJSON_IsTrue(cJSON_GetObjectItem(o, "completed")));
	o = cJSON_GetObjectItem(b, "timing");
	expect_true(num(o, "stress_end_uptime_s") > num(o, "stress_start_uptime_s"));
	cJSON_Delete(b);
	free(json);

	/* the raw files are there */
	snprintf(path, sizeof(path), "%s/vmstat.delta.txt", dir);
	expect_eq(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "%s/kernel.log", dir);
	expect_eq(access(path, R_OK), 0);
	snprintf(path, sizeof(path), "rm -rf '%s'", dir);
	expect_eq(system(path), 0);
	return true;
}

ZF_TEST_MAIN("stress_vm", ZF_CASE(sizes_and_durations), ZF_CASE(shipped_profiles),
	     ZF_CASE(profile_sidecar_parse), ZF_CASE(sections_framing),
	     ZF_CASE(bundle_from_captured_run))
