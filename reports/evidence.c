/* SPDX-License-Identifier: MIT */
/*
 * reports/evidence.c - findings that have no model reproducer, as triage
 * meets them (docs/triage.md "Evidence"):
 *
 *   real-kernel findings  the "findings" of a VM result bundle
 *                         (zonefuzz.vm-bundle/1, stress/bundle.c): the
 *                         guest kernel's log and /proc checked against the
 *                         rules (ZF_KERNEL_*, with a severity)
 *   threaded findings     stress-finding-NNN.json / stress-hang.json of
 *                         `zonefuzz stress --threads N`
 *                         (zonefuzz.stress-threads-finding/1, stress/threads.c):
 *                         a full-state walk at a quiescent point, whose
 *                         interleaving the host scheduler chose
 *
 * Neither can be replayed, reduced or run under other profiles, so the
 * pipeline of triage.c does not apply. Each finding gets the same
 * signature as a model finding (signature.c) and one evidence report,
 * OUT/evidence/<ORACLE>-<signature id>/<artifact sha256[:12]>-<n>.json, so
 * equal findings of several runs land in one directory; and triage prints
 * one line naming them with their gfp and order.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#define ZF_EV_SCHEMA_BUNDLE  "zonefuzz.vm-bundle/1"
#define ZF_EV_SCHEMA_THREADS "zonefuzz.stress-threads-finding/1"
#define ZF_EV_SCHEMA_REPORT  "zonefuzz.evidence-report/1"

bool zf_tr_evidence_is_threads_finding(const cJSON *doc)
{
	return cJSON_IsObject(doc) &&
	       !strcmp(zf_tr_json_str(doc, "schema", ""), ZF_EV_SCHEMA_THREADS);
}

/* "gfp": a number (threaded findings) or "0x..." (real-kernel findings): the model encoding. */
static zf_gfp_t zf_ev_gfp(const cJSON *f)
{
	const cJSON *g = cJSON_GetObjectItemCaseSensitive(f, "gfp");

	if (cJSON_IsNumber(g))
		return (zf_gfp_t)g->valuedouble;
	if (cJSON_IsString(g) && g->valuestring)
		return (zf_gfp_t)strtoul(g->valuestring, NULL, 0);
	return 0;
}

/* The finding's struct zf_finding fields, for the signature (strings borrowed from f). */
static void zf_ev_finding(const cJSON *f, struct zf_finding *zf)
{
	const char *msg = zf_tr_json_str(f, "message", "");

	memset(zf, 0, sizeof(*zf));
	zf->oracle_id = zf_tr_json_str(f, "oracle_id", "?");
	zf->func = zf_tr_json_str(f, "func", "?");
	zf->file = zf_tr_json_str(f, "file", "?");
	snprintf(zf->message, sizeof(zf->message), "%s", msg);
	zf->gfp = zf_ev_gfp(f);
	zf->order = (unsigned int)zf_tr_json_num(f, "order", 0);
	zf->in_alloc = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "in_alloc"));
	zf->task = (int)zf_tr_json_num(f, "task", -1);
	zf->zone_id = (int)zf_tr_json_num(f, "zone_id", -1);
}

/* "gfp=0x140dca(GFP_HIGHUSER_MOVABLE|...)": the kernel's own mask where there is one */
static void zf_ev_gfp_text(const cJSON *f, char *buf, size_t len)
{
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(f, "event");
	const char *kraw = zf_tr_json_str(ev, "gfp_mask", NULL);
	char names[160];

	if (kraw) {
		snprintf(buf, len, "%s(%s)", kraw, zf_tr_json_str(ev, "gfp_names", ""));
		return;
	}
	if (!cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(f, "in_alloc"))) {
		snprintf(buf, len, "none"); /* a full-state walk: no request involved */
		return;
	}
	zf_gfp_format(names, sizeof(names), zf_ev_gfp(f));
	snprintf(buf, len, "%#x(%s)", (unsigned int)zf_ev_gfp(f),
		 zf_tr_json_str(f, "gfp_name", zf_tr_json_str(f, "gfp_names", names)));
}

/* Write one evidence report; appends "ORACLE [sev] order=N gfp=..." to the note. */
static int zf_ev_one(const struct zf_tr_opts *o, const char *path, const char *sha,
		     const char *source, const cJSON *run, const cJSON *f, size_t n,
		     struct zf_sb *note, char *err, size_t errlen)
{
	struct zf_finding zf;
	struct zf_report_signature sig;
	char gfp[224], dirname[160], file[64], *dir = NULL, *evdir = NULL, *p = NULL;
	const char *severity = zf_tr_json_str(f, "severity", NULL);
	const cJSON *ev = cJSON_GetObjectItemCaseSensitive(f, "event");
	const cJSON *victim = cJSON_GetObjectItemCaseSensitive(ev, "victim");
	cJSON *doc, *s, *a;
	int rc = -1;

	zf_ev_finding(f, &zf);
	zf_report_signature_of(&zf, 0, &sig);
	zf_ev_gfp_text(f, gfp, sizeof(gfp));
	/* a threaded finding is a model invariant broken: an error; kernel ones say theirs */
	if (!severity)
		severity = "error";

	doc = cJSON_CreateObject();
	if (!doc)
		return -1;
	cJSON_AddStringToObject(doc, "schema", ZF_EV_SCHEMA_REPORT);
	cJSON_AddStringToObject(doc, "source", source);
	cJSON_AddStringToObject(doc, "oracle_id", sig.oracle);
	cJSON_AddStringToObject(doc, "severity", severity);
	cJSON_AddStringToObject(doc, "message", zf.message);
	cJSON_AddStringToObject(doc, "rule", zf_tr_json_str(f, "rule", ""));
	cJSON_AddStringToObject(doc, "gfp", gfp);
	cJSON_AddNumberToObject(doc, "order", zf_tr_json_num(ev, "order", zf.order));
	if (cJSON_IsObject(victim))
		cJSON_AddItemToObject(doc, "victim", cJSON_Duplicate(victim, 1));
	if (cJSON_IsString(cJSON_GetObjectItemCaseSensitive(run, "kernel_release")))
		cJSON_AddStringToObject(doc, "kernel_release",
					zf_tr_json_str(run, "kernel_release", ""));
	s = cJSON_AddObjectToObject(doc, "signature");
	cJSON_AddStringToObject(s, "oracle", sig.oracle);
	cJSON_AddStringToObject(s, "function", sig.function);
	cJSON_AddStringToObject(s, "gfp_class", sig.gfp_class);
	cJSON_AddStringToObject(s, "order_class", sig.order_class);
	cJSON_AddStringToObject(s, "key", sig.key);
	cJSON_AddStringToObject(s, "id", sig.id);
	a = cJSON_AddObjectToObject(doc, "artifact");
	cJSON_AddStringToObject(a, "path", path);
	cJSON_AddStringToObject(a, "sha256", sha);
	cJSON_AddNumberToObject(a, "finding_index", (double)n);
	cJSON_AddNullToObject(doc, "reproducer");
	cJSON_AddStringToObject(
	    doc, "note",
	    !strcmp(source, "kernel")
		? "found in a real kernel's log or /proc by stress/evidence.c: the model "
		  "cannot replay it; the bundle holds the raw log"
		: "found by a full-state walk of a threaded run: the interleaving is not "
		  "recorded, so there is no reproducer; rerun with the same run parameters");
	cJSON_AddItemToObject(doc, "finding", cJSON_Duplicate(f, 1));
	if (run)
		cJSON_AddItemToObject(doc, "run", cJSON_Duplicate(run, 1));

	snprintf(dirname, sizeof(dirname), "%s-%s", sig.oracle, sig.id);
	snprintf(file, sizeof(file), "%.12s-%zu.json", sha, n);
	evdir = zf_tr_path_join(o->out, "evidence");
	dir = evdir ? zf_tr_path_join(evdir, dirname) : NULL;
	p = dir ? zf_tr_path_join(dir, file) : NULL;
	if (p && !zf_tr_mkdir_p(dir, err, errlen) && !zf_tr_write_json(p, doc, err, errlen)) {
		rc = 0;
		zf_sb_printf(note, "%s%s [%s] order=%d gfp=%s", n ? "; " : "", sig.oracle, severity,
			     (int)zf_tr_json_num(ev, "order", zf.order), gfp);
		if (cJSON_IsObject(victim))
			zf_sb_printf(note, " victim=%s/%d", zf_tr_json_str(victim, "comm", "?"),
				     (int)zf_tr_json_num(victim, "pid", -1));
		zf_sb_printf(note, " -> evidence/%s", dirname);
	} else if (!p) {
		snprintf(err, errlen, "out of memory");
	}
	free(p);
	free(dir);
	free(evdir);
	cJSON_Delete(doc);
	return rc;
}

int zf_tr_evidence_ingest(const struct zf_tr_opts *o, const char *path, const cJSON *doc,
			  const char *sha, char *msg, size_t msglen)
{
	bool bundle = zf_tr_evidence_is_threads_finding(doc) == false;
	const cJSON *list = bundle ? cJSON_GetObjectItemCaseSensitive(doc, "findings") : NULL;
	const cJSON *f;
	struct zf_sb note = {0};
	char err[256] = "";
	size_t n = 0, total = 0;
	cJSON *run = NULL;

	if (bundle) {
		/* the run, for each report: kernel, profile, status, the VM (no raw data) */
		run = cJSON_CreateObject();
		if (!run)
			return -1;
		cJSON_AddStringToObject(run, "kernel_release",
					zf_tr_json_str(doc, "kernel_release", ""));
		cJSON_AddStringToObject(run, "profile", zf_tr_json_str(doc, "profile", ""));
		cJSON_AddStringToObject(run, "status", zf_tr_json_str(doc, "status", ""));
		cJSON_AddStringToObject(run, "accel",
					zf_tr_json_str(zf_tr_json_path(doc, "vm"), "accel", ""));
		total = cJSON_IsArray(list) ? (size_t)cJSON_GetArraySize(list) : 0;
		cJSON_ArrayForEach(f, list)
		{
			/* an entry without an oracle id is not a finding of ours */
			if (!cJSON_IsObject(f) || !zf_tr_json_str(f, "oracle_id", NULL))
				continue;
			if (zf_ev_one(o, path, sha, "kernel", run, f, n, &note, err, sizeof(err)))
				break;
			n++;
		}
	} else {
		total = 1;
		if (!zf_ev_one(o, path, sha, "threaded", zf_tr_json_path(doc, "run"), doc, 0, &note,
			       err, sizeof(err)))
			n = 1;
	}
	cJSON_Delete(run);
	if (err[0]) {
		snprintf(msg, msglen, "evidence report: %s", err);
		zf_sb_free(&note);
		return -1;
	}
	if (bundle)
		snprintf(
		    msg, msglen,
		    "VM result bundle (%s, %zu real-kernel finding(s)) holds no model reproducer "
		    "(no \"scenario\" or \"input\"): not replayed, skipped; %zu evidence "
		    "report(s)%s%s",
		    zf_tr_json_str(doc, "schema", "no schema"), total, n, n ? ": " : "",
		    note.p ? note.p : "");
	else
		snprintf(msg, msglen,
			 "threaded stress finding (%s, no reproducer): not replayed, skipped; "
			 "evidence report: %s",
			 ZF_EV_SCHEMA_THREADS, note.p ? note.p : "");
	zf_sb_free(&note);
	return 1;
}
