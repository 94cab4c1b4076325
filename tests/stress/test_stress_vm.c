// SPDX-License-Identifier: MIT
/*
 * tests/stress/test_stress_vm.c - the VM runner's pieces that need no QEMU:
 * the shipped profiles and their sidecar settings, sizes and durations,
 * the ttyS1 section framing, and the bundle written from a captured run
 * (tests/stress/data/oom-run-*). Nothing here boots a guest.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/ioctl.h>
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
	/* the number in front of the unit: decimal, >= 0, in range */
	expect_eq(zf_vm_parse_size_mb("-5M"), -1);
	expect_eq(zf_vm_parse_size_mb("M"), -1);
	expect_eq(zf_vm_parse_size_mb(NULL), -1);
	expect_eq(zf_vm_parse_size_mb("2048K"), 2);
	expect_eq(zf_vm_parse_duration_s("-1s"), -1);
	expect_eq(zf_vm_parse_duration_s("s"), -1);
	expect_eq(zf_vm_parse_duration_s(""), -1);
	expect_eq(zf_vm_parse_duration_s("99999999999999999999"), -1);
	return true;
}

/* stress_internal.h's files.c, shared by the VM runner and `zonefuzz stress` */
TEST(file_helpers)
{
	char dir[] = "/tmp/zf-test-files-XXXXXX", deep[600], file[700], cmd[700];
	const char text[] = "Node 0, zone   Normal\n";
	struct stat st;
	mode_t mask = umask(0);
	size_t len = 0;
	char *back;

	umask(mask);
	assert_true(mkdtemp(dir) != NULL);
	snprintf(deep, sizeof(deep), "%s/a/b/c/", dir);
	assert_eq(zf_mkdir_p(deep, 0700), 0);
	assert_eq(stat(deep, &st), 0);
	expect_true(S_ISDIR(st.st_mode));
	expect_eq(st.st_mode & 0777, 0700 & ~mask);
	expect_eq(zf_mkdir_p(deep, 0700), 0); /* already there */
	expect_eq(zf_mkdir_p("", 0755), -1);

	snprintf(file, sizeof(file), "%s/a/b/f", dir);
	assert_eq(zf_write_file(file, text, strlen(text)), 0);
	back = zf_read_file(file, &len);
	assert_true(back != NULL);
	expect_eq(len, strlen(text));
	expect_true(!strcmp(back, text));
	free(back);
	snprintf(file, sizeof(file), "%s/missing", dir);
	expect_true(zf_read_file(file, NULL) == NULL);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	expect_eq(system(cmd), 0);
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
	/* free memory in order-0 holes, or compaction_suitable() skips (no stall) */
	expect_true(p.fragment_mb >= p.mem_mb / 4 && p.fragment_mb < p.mem_mb);

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
	expect_eq(p.fragment_mb, 0);
	expect_eq(zf_vm_profile_parse("#@ mem: 1G\n#@ fragment: 512M\n", "x", &p, err, sizeof(err)),
		  0);
	expect_eq(p.fragment_mb, 512);
	/* fragmenting all of the guest's memory leaves nothing to boot with */
	expect_eq(zf_vm_profile_parse("#@ mem: 1G\n#@ fragment: 1G\n", "x", &p, err, sizeof(err)),
		  -1);
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

/*
 * The accelerator probe (docs/stress.md "The runner"): KVM only where the
 * device answers as KVM and the CPU can virtualise; anything else is TCG.
 * The device and cpuinfo are paths, so unusable ones can be given here.
 */
TEST(kvm_probe)
{
	char dir[] = "/tmp/zf-test-kvm-XXXXXX", novirt[600], virt[600], why[160];
	bool have_kvm_api;
	int fd;

	assert_true(mkdtemp(dir) != NULL);
	snprintf(novirt, sizeof(novirt), "%s/cpuinfo-novirt", dir);
	snprintf(virt, sizeof(virt), "%s/cpuinfo-vmx", dir);
	const char *flags_novirt = "flags\t\t: fpu sse2 lm\n";
	const char *flags_virt = "flags\t\t: fpu vmx sse2 lm\n";

	assert_eq(zf_write_file(novirt, flags_novirt, strlen(flags_novirt)), 0);
	assert_eq(zf_write_file(virt, flags_virt, strlen(flags_virt)), 0);

	/* no device: TCG */
	expect_false(zf_vm_kvm_usable("/nonexistent/kvm", virt, why, sizeof(why)));
	expect_true(strstr(why, "No such file") != NULL);
	/* a device that opens read-write but is not KVM */
	expect_false(zf_vm_kvm_usable("/dev/null", virt, why, sizeof(why)));
	expect_true(strstr(why, "not a KVM device") != NULL);
	/* a directory does not open read-write */
	expect_false(zf_vm_kvm_usable(dir, virt, why, sizeof(why)));

	/* where this host has a working /dev/kvm, the CPU flags decide */
	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	have_kvm_api = fd >= 0 && ioctl(fd, 0xAE00, 0) == 12;
	if (fd >= 0)
		close(fd);
	if (have_kvm_api) {
		expect_false(zf_vm_kvm_usable("/dev/kvm", novirt, why, sizeof(why)));
		expect_true(strstr(why, "neither vmx nor svm") != NULL);
		expect_true(zf_vm_kvm_usable("/dev/kvm", virt, why, sizeof(why)));
	}
	snprintf(novirt, sizeof(novirt), "rm -rf '%s'", dir);
	expect_eq(system(novirt), 0);
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

/*
 * The bundle of the captured oom run: one OOM kill, order 0, which the rules
 * allow: one info finding (ZF_KERNEL_OOM_KILL) with gfp, order and victim.
 */
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
	expect_eq(sum.findings, 1);
	expect_eq(sum.findings_info, 1);
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
	assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(b, "findings")), 1);
	o = cJSON_GetArrayItem(cJSON_GetObjectItem(b, "findings"), 0);
	expect_true(!strcmp(cJSON_GetObjectItem(o, "oracle_id")->valuestring, ZF_KERNEL_OOM_KILL));
	expect_true(!strcmp(cJSON_GetObjectItem(o, "severity")->valuestring, "info"));
	expect_eq(num(o, "order"), 0);
	expect_true(
	    !strcmp(cJSON_GetObjectItem(o, "kernel_release")->valuestring, "6.1.0-56-cloud-amd64"));
	o = cJSON_GetObjectItem(o, "event");
	expect_true(!strcmp(cJSON_GetObjectItem(o, "gfp_mask")->valuestring, "0x140dca"));
	expect_eq(num(cJSON_GetObjectItem(o, "victim"), "pid"), 133);
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

#ifdef ZF_STRESS_HAVE_REPORTS
#include "zonefuzz/report.h"

/* The one evidence report under OUT/evidence/<prefix>*, parsed (NULL if not exactly one). */
static cJSON *evidence_report(const char *out, const char *prefix)
{
	char cmd[1200], path[1200] = "";
	FILE *p;
	char *text;
	cJSON *doc;
	int n = 0;

	snprintf(cmd, sizeof(cmd), "find '%s/evidence' -path '*/%s*' -name '*.json' -type f", out,
		 prefix);
	p = popen(cmd, "r");
	if (!p)
		return NULL;
	while (fgets(cmd, sizeof(cmd), p)) {
		cmd[strcspn(cmd, "\n")] = '\0';
		snprintf(path, sizeof(path), "%s", cmd);
		n++;
	}
	pclose(p);
	if (n != 1)
		return NULL;
	text = zf_read_file(path, NULL);
	doc = text ? cJSON_Parse(text) : NULL;
	free(text);
	return doc;
}

static const char *str(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

/*
 * zonefuzz triage reads what stress/ writes but cannot replay: the captured
 * oom run's bundle (its OOM-kill finding, gfp and order from the guest log)
 * and a threaded stress finding in the stress-finding-NNN.json format of
 * stress/threads.c. Each becomes one evidence report; nothing is rejected.
 */
TEST(triage_reads_evidence)
{
	char dir[] = "/tmp/zf-test-triage-XXXXXX", bdir[400], out[400], sf[400], err[256];
	struct zf_vm_profile prof;
	struct zf_vm_run_info ri;
	struct zf_vm_summary sum;
	const char *argv0[] = {"qemu-system-x86_64", NULL};
	const char *threaded =
	    "{\"schema\":\"zonefuzz.stress-threads-finding/1\",\"source\":\"threaded\","
	    "\"oracle_id\":\"ZF_INV_COUNTERS\",\"message\":\"zone Normal: NR_FREE_PAGES 1234 "
	    "but the free lists hold 1230\",\"func\":\"oracle walk\",\"file\":\"oracles/x.c\","
	    "\"line\":1,\"op_index\":5,\"event_seq\":7,\"jiffies\":100,\"in_alloc\":false,"
	    "\"task\":-1,\"gfp\":0,\"gfp_name\":\"0\",\"order\":0,\"zone_id\":2,\"check\":14,"
	    "\"total_ops\":143181,\"at_s\":2.1,\"reproducer\":null,\"run\":{\"threads\":2,"
	    "\"seed\":1,\"profile\":\"4.12\",\"bugs\":[\"B11\"]}}";
	cJSON *r;
	char cmd[700];
	int rc;

	assert_true(mkdtemp(dir) != NULL);
	snprintf(bdir, sizeof(bdir), "%s/oom", dir);
	snprintf(out, sizeof(out), "%s/triage", dir);
	assert_eq(zf_mkdir_p(bdir, 0755), 0);
	assert_true(copy_data("oom-run-ttyS1.out", bdir, "ttyS1.out"));
	assert_true(copy_data("oom-run-console.log", bdir, "console.log"));
	assert_eq(zf_vm_profile_load(NULL, "oom", &prof, err, sizeof(err)), 0);
	memset(&ri, 0, sizeof(ri));
	ri.profile = &prof;
	snprintf(ri.out_dir, sizeof(ri.out_dir), "%s", bdir);
	snprintf(ri.accel, sizeof(ri.accel), "tcg");
	ri.qemu_argv = argv0;
	assert_eq(zf_vm_write_bundle(&ri, &sum), 0);
	snprintf(sf, sizeof(sf), "%s/threads", dir);
	assert_eq(zf_mkdir_p(sf, 0755), 0);
	snprintf(sf, sizeof(sf), "%s/threads/stress-finding-000.json", dir);
	assert_eq(zf_write_file(sf, threaded, strlen(threaded)), 0);

	{
		/* the bundle directory and the findings directory, as a user passes them */
		char a0[] = "triage", a2[] = "--out", a4[] = "--quiet";
		char *argv[] = {a0, bdir, sf, a2, out, a4, NULL};

		snprintf(cmd, sizeof(cmd), "%s/threads", dir);
		argv[2] = cmd;
		rc = zf_cmd_triage(6, argv);
	}
	expect_eq(rc, 0); /* nothing rejected */

	r = evidence_report(out, "ZF_KERNEL_OOM_KILL-");
	assert_true(r != NULL);
	expect_true(!strcmp(str(r, "schema"), "zonefuzz.evidence-report/1"));
	expect_true(!strcmp(str(r, "source"), "kernel"));
	expect_true(!strcmp(str(r, "severity"), "info"));
	expect_true(!strcmp(str(r, "gfp"), "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP|__GFP_ZERO)"));
	expect_eq(num(r, "order"), 0);
	expect_true(!strcmp(str(r, "kernel_release"), "6.1.0-56-cloud-amd64"));
	expect_eq(num(cJSON_GetObjectItem(r, "victim"), "pid"), 133);
	expect_true(!strcmp(str(cJSON_GetObjectItem(r, "signature"), "order_class"), "order-0"));
	expect_true(cJSON_IsNull(cJSON_GetObjectItem(r, "reproducer")));
	cJSON_Delete(r);

	r = evidence_report(out, "ZF_INV_COUNTERS-");
	assert_true(r != NULL);
	expect_true(!strcmp(str(r, "source"), "threaded"));
	expect_true(!strcmp(str(r, "severity"), "error"));
	/* a full-state walk: the check's template stands in for the site */
	expect_true(strstr(str(cJSON_GetObjectItem(r, "signature"), "function"),
			   "oracle walk: zone Z: NR_FREE_PAGES N") != NULL);
	expect_eq(num(cJSON_GetObjectItem(r, "run"), "threads"), 2);
	cJSON_Delete(r);

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	expect_eq(system(cmd), 0);
	return true;
}
#define ZF_TRIAGE_CASE , ZF_CASE(triage_reads_evidence)
#else
#define ZF_TRIAGE_CASE
#endif

ZF_TEST_MAIN("stress_vm", ZF_CASE(sizes_and_durations), ZF_CASE(file_helpers),
	     ZF_CASE(shipped_profiles), ZF_CASE(profile_sidecar_parse), ZF_CASE(sections_framing),
	     ZF_CASE(kvm_probe), ZF_CASE(bundle_from_captured_run) ZF_TRIAGE_CASE)
