// SPDX-License-Identifier: MIT
/*
 * stress/bundle.c - the result bundle of one VM run: the ttyS1 sections as
 * raw files, the vmstat deltas, stress-ng's metrics, the in-guest model
 * stress summary, the real-kernel evidence, and bundle.json (cJSON) that
 * ties them together for `zonefuzz triage` (docs/stress.md "Bundle").
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "stress_internal.h"
#include "zonefuzz/stress.h"

#ifndef ZF_SOURCE_DIR
#define ZF_SOURCE_DIR "."
#endif

/* ------------------------------------------------------------------ */
/* Where the stress/ files are                                         */
/* ------------------------------------------------------------------ */

const char *zf_vm_stress_dir(void)
{
	const char *d = getenv("ZF_STRESS_DIR");

	return d && *d ? d : ZF_SOURCE_DIR "/stress";
}

const char *zf_vm_profiles_dir(void)
{
	const char *d = getenv("ZF_PROFILES_DIR");

	return d && *d ? d : ZF_SOURCE_DIR "/stress/profiles";
}

/* ------------------------------------------------------------------ */
/* Pieces of the bundle                                                */
/* ------------------------------------------------------------------ */

/* Deltas of every counter that moved, as "name delta" lines and a JSON object. */
static cJSON *vmstat_delta(const char *before, const char *after, char **text)
{
	cJSON *o = cJSON_CreateObject();
	size_t cap = 4096, n = 0;
	char *out = malloc(cap);
	const char *p;

	if (!o || !out) {
		free(out);
		cJSON_Delete(o);
		return NULL;
	}
	out[0] = '\0';
	for (p = after; p && *p;) {
		const char *eol = strchr(p, '\n');
		char key[64];
		long long va, vb = 0;
		int64_t b;
		size_t klen = strcspn(p, " \n");

		if (klen && klen < sizeof(key)) {
			memcpy(key, p, klen);
			key[klen] = '\0';
			va = strtoll(p + klen, NULL, 10);
			if (zf_vmstat_get(before ? before : "", key, &b))
				vb = b;
			if (va != vb) {
				char line[128];
				int len = snprintf(line, sizeof(line), "%s %lld\n", key, va - vb);

				if (n + (size_t)len + 1 > cap) {
					char *no = realloc(out, cap * 2);

					if (!no)
						break;
					out = no;
					cap *= 2;
				}
				memcpy(out + n, line, (size_t)len + 1);
				n += (size_t)len;
				cJSON_AddNumberToObject(o, key, (double)(va - vb));
			}
		}
		p = eol ? eol + 1 : NULL;
	}
	*text = out;
	return o;
}

/* stress-ng's YAML "metrics:" list -> [{stressor, bogo-ops, ...}] */
static cJSON *sng_metrics(const char *yaml)
{
	cJSON *arr = cJSON_CreateArray(), *cur = NULL;
	const char *p = yaml ? strstr(yaml, "\nmetrics:") : NULL;

	if (!arr || !p)
		return arr;
	p = strchr(p + 1, '\n');
	while (p && *p) {
		const char *l = p + 1, *eol = strchr(l, '\n');
		size_t len = eol ? (size_t)(eol - l) : strlen(l);
		char line[256], *colon, *key, *val;

		p = eol;
		if (len >= sizeof(line))
			continue;
		memcpy(line, l, len);
		line[len] = '\0';
		if (line[0] && line[0] != ' ')
			break; /* the next top-level key */
		key = line;
		while (*key == ' ')
			key++;
		if (!strncmp(key, "- ", 2)) {
			cur = cJSON_CreateObject();
			cJSON_AddItemToArray(arr, cur);
			key += 2;
		}
		if (!cur || !(colon = strchr(key, ':')))
			continue;
		*colon = '\0';
		val = colon + 1;
		while (*val == ' ')
			val++;
		if (!strcmp(key, "stressor")) {
			cJSON_AddStringToObject(cur, key, val);
		} else {
			char *end;
			double d = strtod(val, &end);

			if (end != val)
				cJSON_AddNumberToObject(cur, key, d);
			else
				cJSON_AddStringToObject(cur, key, val);
		}
	}
	return arr;
}

/* The "ZF-GUEST-STRESS k=v k=v" summary line of zf-guest-stress. */
static cJSON *guest_stress_summary(const char *text)
{
	cJSON *o = cJSON_CreateObject();
	const char *p = text ? strstr(text, "ZF-GUEST-STRESS ") : NULL;
	const char *rc = text ? strstr(text, "\nrc=") : NULL;

	if (!o)
		return NULL;
	if (rc)
		cJSON_AddNumberToObject(o, "rc", strtol(rc + 4, NULL, 10));
	cJSON_AddBoolToObject(o, "completed", p != NULL);
	if (!p)
		return o;
	p += strlen("ZF-GUEST-STRESS ");
	while (*p && *p != '\n') {
		char key[48], val[96];
		size_t kl = strcspn(p, "= \n"), vl;

		if (p[kl] != '=' || kl >= sizeof(key))
			break;
		memcpy(key, p, kl);
		key[kl] = '\0';
		p += kl + 1;
		vl = strcspn(p, " \n");
		if (vl >= sizeof(val))
			vl = sizeof(val) - 1;
		memcpy(val, p, vl);
		val[vl] = '\0';
		p += strcspn(p, " \n");
		while (*p == ' ')
			p++;
		{
			char *end;
			double d = strtod(val, &end);

			if (end != val && !*end && strcmp(key, "profile"))
				cJSON_AddNumberToObject(o, key, d);
			else
				cJSON_AddStringToObject(o, key, val);
		}
	}
	return o;
}

/* "=== ZF-<tag> ... key=<number>" in the console -> number, or -1 */
static double console_number(const char *console, const char *tag, const char *key)
{
	const char *p = console ? strstr(console, tag) : NULL;
	const char *eol, *k;

	if (!p)
		return -1;
	eol = strchr(p, '\n');
	k = strstr(p, key);
	if (!k || (eol && k > eol))
		return -1;
	return strtod(k + strlen(key), NULL);
}

/* meta "key=value" line */
static void meta_value(const char *meta, const char *key, char *out, size_t n)
{
	const char *p = meta;
	size_t kl = strlen(key);

	out[0] = '\0';
	while (p && *p) {
		if (!strncmp(p, key, kl) && p[kl] == '=') {
			size_t vl = strcspn(p + kl + 1, "\n");

			if (vl >= n)
				vl = n - 1;
			memcpy(out, p + kl + 1, vl);
			out[vl] = '\0';
			return;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
}

/* The file name of a section inside the bundle. */
static void section_file(const char *name, char *out, size_t n)
{
	if (!strcmp(name, "dmesg"))
		snprintf(out, n, "kernel.log");
	else if (!strcmp(name, "stress-ng.yaml"))
		snprintf(out, n, "stress-ng.yaml");
	else
		snprintf(out, n, "%s.txt", name);
}

static int write_in(const char *dir, const char *name, const char *data, size_t len)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return zf_write_file(path, data, len);
}

static int64_t delta_of(const cJSON *delta, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(delta, key);

	return cJSON_IsNumber(v) ? (int64_t)v->valuedouble : 0;
}

/* allocstall_* (per zone index since 4.x; pitfall 8) summed */
static int64_t delta_prefix_sum(const cJSON *delta, const char *prefix)
{
	int64_t s = 0;
	const cJSON *it;
	size_t n = strlen(prefix);

	cJSON_ArrayForEach(it, delta)
	{
		if (it->string && !strncmp(it->string, prefix, n) && cJSON_IsNumber(it))
			s += (int64_t)it->valuedouble;
	}
	return s;
}

int zf_vm_write_bundle(const struct zf_vm_run_info *ri, struct zf_vm_summary *sum)
{
	char path[1024], release[64] = "", version[256] = "", sngver[128] = "";
	size_t tty_len = 0, con_len = 0;
	char *tty, *console;
	struct zf_vm_sections secs;
	const struct zf_vm_section *s;
	struct zf_evidence ev;
	cJSON *root, *vm, *arr, *files, *delta = NULL, *snap, *timing, *qemu;
	char *json, *delta_text = NULL;
	const char *status;
	double boot_s, stress_start, stress_end;
	int stress_rc = -1;

	memset(sum, 0, sizeof(*sum));
	snprintf(sum->profile, sizeof(sum->profile), "%s", ri->profile->name);
	snprintf(sum->dir, sizeof(sum->dir), "%s", ri->out_dir);
	snprintf(path, sizeof(path), "%s/ttyS1.out", ri->out_dir);
	tty = zf_read_file(path, &tty_len);
	snprintf(path, sizeof(path), "%s/console.log", ri->out_dir);
	console = zf_read_file(path, &con_len);
	if (zf_vm_sections_parse(tty ? tty : "", tty ? tty_len : 0, &secs)) {
		free(tty);
		free(console);
		return -1;
	}

	root = cJSON_CreateObject();
	files = cJSON_CreateArray();
	cJSON_AddStringToObject(root, "schema", "zonefuzz.vm-bundle/1");
	cJSON_AddStringToObject(root, "profile", ri->profile->name);
	cJSON_AddStringToObject(root, "description", ri->profile->description);

	/* raw files: every section */
	for (size_t i = 0; i < secs.nr; i++) {
		char name[96];

		section_file(secs.v[i].name, name, sizeof(name));
		if (!write_in(ri->out_dir, name, secs.v[i].text, secs.v[i].len))
			cJSON_AddItemToArray(files, cJSON_CreateString(name));
	}
	cJSON_AddItemToArray(files, cJSON_CreateString("console.log"));
	cJSON_AddItemToArray(files, cJSON_CreateString("ttyS1.out"));
	cJSON_AddItemToArray(files, cJSON_CreateString("qemu.log"));

	/* kernel release: the guest's uname, else the console banner */
	if ((s = zf_vm_section_get(&secs, "meta"))) {
		meta_value(s->text, "release", release, sizeof(release));
		meta_value(s->text, "version", version, sizeof(version));
		meta_value(s->text, "stress_ng", sngver, sizeof(sngver));
	}
	if (!release[0] && console) {
		const char *v = strstr(console, "Linux version ");

		if (v && sscanf(v + 14, "%63s", release) != 1)
			release[0] = '\0';
	}
	cJSON_AddStringToObject(root, "kernel_release", release);
	cJSON_AddStringToObject(root, "kernel_version", version);

	/* status */
	if (ri->interrupted)
		status = "interrupted";
	else if (ri->timed_out)
		status = "timeout";
	else if (console && strstr(console, "Kernel panic - not syncing"))
		status = "guest-panic";
	else if (!secs.done)
		status = ri->qemu_exit != 0 ? "qemu-failed" : "no-results";
	else
		status = "ok";
	cJSON_AddStringToObject(root, "status", status);
	snprintf(sum->status, sizeof(sum->status), "%s", status);

	/* the VM (ecosystem notes §4.5 "vm" block) */
	vm = cJSON_AddObjectToObject(root, "vm");
	qemu = cJSON_AddArrayToObject(vm, "qemu_argv");
	for (size_t i = 0; ri->qemu_argv && ri->qemu_argv[i]; i++)
		cJSON_AddItemToArray(qemu, cJSON_CreateString(ri->qemu_argv[i]));
	cJSON_AddStringToObject(vm, "accel", ri->accel);
	cJSON_AddStringToObject(vm, "accel_reason", ri->accel_why);
	cJSON_AddBoolToObject(vm, "kvm_fallback_to_tcg", ri->kvm_fallback);
	cJSON_AddNumberToObject(vm, "mem_mb", (double)ri->mem_mb);
	cJSON_AddNumberToObject(vm, "smp", ri->smp);
	cJSON_AddNumberToObject(vm, "swap_mb", (double)ri->profile->swap_mb);
	cJSON_AddNumberToObject(vm, "dimm_mb", (double)ri->profile->dimm_mb);
	cJSON_AddNumberToObject(vm, "time_s", ri->time_s);
	cJSON_AddNumberToObject(vm, "limit_s", ri->limit_s);
	cJSON_AddStringToObject(vm, "kernel", ri->kernel_path);
	cJSON_AddStringToObject(vm, "initrd", ri->initrd_path);
	cJSON_AddStringToObject(vm, "kernel_cmdline", ri->kernel_cmdline);
	cJSON_AddStringToObject(vm, "stress_ng_version", sngver);
	cJSON_AddStringToObject(vm, "job_file", ri->profile->path);
	cJSON_AddNumberToObject(vm, "exit_code", ri->qemu_exit);
	cJSON_AddNumberToObject(vm, "exit_signal", ri->qemu_signal);
	cJSON_AddBoolToObject(vm, "timed_out", ri->timed_out);
	cJSON_AddBoolToObject(vm, "interrupted", ri->interrupted);
	cJSON_AddBoolToObject(vm, "results_complete", secs.done);
	if (ri->manifest_json) {
		cJSON *m = cJSON_Parse(ri->manifest_json);

		if (m)
			cJSON_AddItemToObject(vm, "image", m);
	}

	/* timing */
	boot_s = console_number(console, "=== ZF-GUEST-UP", "uptime=");
	stress_start = console_number(console, "=== ZF-STRESS-START", "uptime=");
	stress_end = console_number(console, "=== ZF-STRESS-END", "uptime=");
	timing = cJSON_AddObjectToObject(root, "timing");
	cJSON_AddNumberToObject(timing, "wall_s", ri->wall_s);
	cJSON_AddNumberToObject(timing, "first_output_s", ri->first_output_s);
	cJSON_AddNumberToObject(timing, "guest_init_uptime_s", boot_s);
	cJSON_AddNumberToObject(timing, "stress_start_uptime_s", stress_start);
	cJSON_AddNumberToObject(timing, "stress_end_uptime_s", stress_end);
	cJSON_AddNumberToObject(timing, "guest_done_uptime_s",
				console_number(console, "=== ZF-DONE", "uptime="));
	sum->wall_s = ri->wall_s;
	sum->boot_s = boot_s;

	/* stress-ng */
	{
		cJSON *sng = cJSON_AddObjectToObject(root, "stress_ng");

		if ((s = zf_vm_section_get(&secs, "stress-ng.rc")))
			stress_rc = (int)strtol(s->text, NULL, 10);
		cJSON_AddNumberToObject(sng, "rc", stress_rc);
		s = zf_vm_section_get(&secs, "stress-ng.yaml");
		cJSON_AddItemToObject(sng, "metrics", sng_metrics(s ? s->text : NULL));
		cJSON_AddStringToObject(sng, "yaml", s ? "stress-ng.yaml" : "");
		sum->stress_rc = stress_rc;
	}

	/* vmstat before/after/delta */
	{
		const struct zf_vm_section *b = zf_vm_section_get(&secs, "vmstat.before");
		const struct zf_vm_section *a = zf_vm_section_get(&secs, "vmstat.after");

		if (a) {
			delta = vmstat_delta(b ? b->text : NULL, a->text, &delta_text);
			if (delta_text && !write_in(ri->out_dir, "vmstat.delta.txt", delta_text,
						    strlen(delta_text)))
				cJSON_AddItemToArray(files, cJSON_CreateString("vmstat.delta.txt"));
			free(delta_text);
		}
		if (!delta)
			delta = cJSON_CreateObject();
		cJSON_AddItemToObject(root, "vmstat_delta", delta);
		sum->oom_kill = delta_of(delta, "oom_kill");
		sum->allocstall = delta_prefix_sum(delta, "allocstall_");
		sum->compact_stall = delta_of(delta, "compact_stall");
		sum->compact_success = delta_of(delta, "compact_success");
		sum->pgscan_direct = delta_of(delta, "pgscan_direct");
		sum->pgmigrate_success = delta_of(delta, "pgmigrate_success");
	}

	/* snapshots present */
	snap = cJSON_AddObjectToObject(root, "snapshots");
	{
		static const char *const names[] = {
		    "vmstat.before",
		    "vmstat.after",
		    "buddyinfo.before",
		    "buddyinfo.after",
		    "zoneinfo.before",
		    "zoneinfo.after",
		    "pagetypeinfo.before",
		    "pagetypeinfo.after",
		    "meminfo.before",
		    "meminfo.after",
		    "dmesg",
		};

		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
			char fname[96];

			s = zf_vm_section_get(&secs, names[i]);
			section_file(names[i], fname, sizeof(fname));
			if (s && s->complete && s->len)
				cJSON_AddStringToObject(snap, names[i], fname);
			else
				cJSON_AddNullToObject(snap, names[i]);
		}
	}

	/* in-guest model stress */
	s = zf_vm_section_get(&secs, "guest-stress");
	cJSON_AddItemToObject(root, "guest_stress", guest_stress_summary(s ? s->text : NULL));

	/* real-kernel evidence */
	zf_evidence_init(&ev);
	s = zf_vm_section_get(&secs, "dmesg");
	if (s && s->complete) {
		zf_evidence_scan_log(&ev, s->text, release);
	} else if (console) {
		/* the guest died before sending dmesg: the console has the kernel log */
		zf_evidence_scan_log(&ev, console, release);
		if (!write_in(ri->out_dir, "kernel.log", console, con_len))
			cJSON_AddItemToArray(files, cJSON_CreateString("kernel.log"));
	}
	for (int when = 0; when < 2; when++) {
		const char *w = when ? "after" : "before";
		char n1[32], n2[32], n3[32], n4[32];
		const struct zf_vm_section *vs, *bs, *zs, *ps;
		size_t first = ev.nr_findings;

		snprintf(n1, sizeof(n1), "vmstat.%s", w);
		snprintf(n2, sizeof(n2), "buddyinfo.%s", w);
		snprintf(n3, sizeof(n3), "zoneinfo.%s", w);
		snprintf(n4, sizeof(n4), "pagetypeinfo.%s", w);
		vs = zf_vm_section_get(&secs, n1);
		bs = zf_vm_section_get(&secs, n2);
		zs = zf_vm_section_get(&secs, n3);
		ps = zf_vm_section_get(&secs, n4);
		if (!bs || !zs || !bs->complete || !zs->complete)
			continue;
		zf_evidence_check_free(&ev, vs ? vs->text : NULL, bs->text, zs->text,
				       ps ? ps->text : NULL, release);
		for (size_t i = first; i < ev.nr_findings; i++) {
			char tmp[sizeof(ev.findings[i].excerpt)];

			memcpy(tmp, ev.findings[i].excerpt, sizeof(tmp));
			snprintf(ev.findings[i].excerpt, sizeof(ev.findings[i].excerpt),
				 "snapshot %s: %.480s", w, tmp);
		}
	}
	arr = cJSON_AddArrayToObject(root, "findings");
	for (size_t i = 0; i < ev.nr_findings; i++)
		cJSON_AddItemToArray(arr, zf_kernel_finding_json(&ev.findings[i]));
	arr = cJSON_AddArrayToObject(root, "kernel_events");
	for (size_t i = 0; i < ev.nr_events; i++) {
		const struct zf_kevent *k = &ev.events[i];

		cJSON_AddItemToArray(arr, zf_kevent_json(k));
		if (k->kind == ZF_KEV_OOM_INVOKED && !sum->first_oom[0])
			snprintf(sum->first_oom, sizeof(sum->first_oom), "order=%d gfp=%#x(%.60s)",
				 k->order, k->gfp.raw, k->gfp.names);
	}
	cJSON_AddNumberToObject(root, "oom_kills_in_log", ev.oom_kills);
	sum->findings = ev.nr_findings;
	for (size_t i = 0; i < ev.nr_findings; i++)
		sum->findings_info +=
		    ev.findings[i].severity && !strcmp(ev.findings[i].severity, ZF_KSEV_INFO);
	zf_evidence_free(&ev);

	cJSON_AddItemToObject(root, "files", files);
	json = cJSON_Print(root);
	snprintf(path, sizeof(path), "%s/bundle.json", ri->out_dir);
	if (!json || zf_write_file(path, json, strlen(json))) {
		free(json);
		cJSON_Delete(root);
		zf_vm_sections_free(&secs);
		free(tty);
		free(console);
		return -1;
	}
	free(json);
	cJSON_Delete(root);
	zf_vm_sections_free(&secs);
	free(tty);
	free(console);
	return 0;
}
