/* SPDX-License-Identifier: MIT */
/*
 * reports/triage_cmd.c - `zonefuzz triage INPUT... --out DIR`.
 *
 * Inputs are crash files, findings directories (walked recursively),
 * scenario JSON files and VM result bundles. Each artifact is triaged
 * (triage.c) and lands in the bucket of its signature under DIR:
 *
 *   DIR/<ORACLE>-<id>/report.json     versioned, docs/report-schema.json
 *   DIR/<ORACLE>-<id>/report.sarif    SARIF 2.1.0
 *   DIR/<ORACLE>-<id>/report.html     offline page with the zone plots
 *   DIR/<ORACLE>-<id>/reproducer.json the minimised scenario
 *   DIR/<ORACLE>-<id>/reproducer.bin  its ops/v2 bytes, when encodable
 *   DIR/index.json, DIR/index.html    every bucket, newest first
 *
 * Every file is written atomically, after each artifact, so killing triage
 * midway leaves each finished report whole. Artifacts are counted once by
 * content hash (sha256), so triaging a directory again changes nothing.
 *
 * Exit status: 0 every artifact triaged (findings or not), 1 at least one
 * artifact was rejected (corrupt, empty, foreign, unreadable) while the
 * rest of the batch went on, 2 bad usage or an unusable output directory.
 */
#define _GNU_SOURCE /* getopt_long */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_internal.h"

#ifndef ZF_SOURCE_DIR
#define ZF_SOURCE_DIR ""
#endif

#define ZF_TR_MAX_DEPTH   16
#define ZF_TR_DEFAULT_OUT "zonefuzz-triage"

/* ------------------------------------------------------------------ */
/* artifact discovery                                                   */
/* ------------------------------------------------------------------ */
struct zf_tr_item {
	char *path;
	enum zf_tr_kind kind;
};

struct zf_tr_list {
	struct zf_tr_item *v;
	size_t n, cap;
};

static int zf_tr_list_add(struct zf_tr_list *l, const char *path, enum zf_tr_kind kind)
{
	if (l->n == l->cap) {
		size_t nc = l->cap ? l->cap * 2 : 64;
		struct zf_tr_item *nv = realloc(l->v, nc * sizeof(*nv));
		if (!nv)
			return -1;
		l->v = nv;
		l->cap = nc;
	}
	if (!(l->v[l->n].path = strdup(path)))
		return -1;
	l->v[l->n].kind = kind;
	l->n++;
	return 0;
}

static bool zf_tr_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* Files of our own and of the fuzzers that are never artifacts. */
static bool zf_tr_ignored_name(const char *name)
{
	static const char *const names[] = {"campaign.json", "bundle.json", "report.json",
					    "index.json",    "README.txt",  "fuzzer_stats",
					    "plot_data",     "cmdline",     "fuzz_bitmap"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(name, names[i]))
			return true;
	return zf_tr_suffix(name, ".meta.json") || zf_tr_suffix(name, ".sarif") ||
	       zf_tr_suffix(name, ".html");
}

/* A JSON object with "ops": a scenario. */
static bool zf_tr_is_scenario_file(const char *path)
{
	cJSON *doc = zf_tr_read_json(path);
	bool yes = cJSON_IsObject(doc) && cJSON_GetObjectItemCaseSensitive(doc, "ops");
	cJSON_Delete(doc);
	return yes;
}

/*
 * A .json file inside a directory walk is an artifact when it is a scenario,
 * or when it does not even parse (a corrupt or truncated scenario, reported
 * as such); other JSON documents (fuzzer and tool files) are not artifacts.
 */
static bool zf_tr_walk_json_is_artifact(const char *path)
{
	cJSON *doc = zf_tr_read_json(path);
	/* scenarios; and threaded stress findings, which become evidence (evidence.c) */
	bool yes = !doc || (cJSON_IsObject(doc) && cJSON_GetObjectItemCaseSensitive(doc, "ops")) ||
		   zf_tr_evidence_is_threads_finding(doc);
	cJSON_Delete(doc);
	return yes;
}

static int zf_tr_cmp_names(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool zf_tr_same_dir(const char *a, const struct stat *out_st)
{
	struct stat st;
	return out_st && !stat(a, &st) && st.st_dev == out_st->st_dev &&
	       st.st_ino == out_st->st_ino;
}

/*
 * Walk a findings directory: libFuzzer crash-* files, AFL++ id:* files
 * inside a crashes/ directory, files with a .meta.json sidecar, scenario
 * JSON files, and VM result bundles (a directory holding bundle.json).
 */
static int zf_tr_walk(struct zf_tr_list *l, const char *dir, const struct stat *out_st,
		      unsigned int depth)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;
	const char *dbase = strrchr(dir, '/') ? strrchr(dir, '/') + 1 : dir;
	bool crashes_dir = !strcmp(dbase, "crashes");

	if (depth > ZF_TR_MAX_DEPTH || zf_tr_same_dir(dir, out_st))
		return 0;
	{
		char *bj = zf_tr_path_join(dir, "bundle.json");
		struct stat st;
		bool bundle = bj && !stat(bj, &st) && S_ISREG(st.st_mode);
		free(bj);
		if (bundle)
			return zf_tr_list_add(l, dir, ZF_TR_VM_BUNDLE);
	}
	if (!(d = opendir(dir)))
		return 0;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 64) * sizeof(*names));
			if (!nn)
				break;
			names = nn;
		}
		if (!(names[n] = strdup(de->d_name)))
			break;
		n++;
	}
	closedir(d);
	if (n)
		qsort(names, n, sizeof(*names), zf_tr_cmp_names); /* deterministic order */
	for (size_t i = 0; i < n; i++) {
		char *p = zf_tr_path_join(dir, names[i]);
		struct stat st;
		if (p && !stat(p, &st)) {
			if (S_ISDIR(st.st_mode)) {
				zf_tr_walk(l, p, out_st, depth + 1);
			} else if (S_ISREG(st.st_mode) && !zf_tr_ignored_name(names[i])) {
				char *meta = malloc(strlen(p) + 16);
				bool sidecar = false;
				if (meta) {
					struct stat ms;
					snprintf(meta, strlen(p) + 16, "%s.meta.json", p);
					sidecar = !stat(meta, &ms);
					free(meta);
				}
				if (zf_tr_suffix(names[i], ".json")) {
					if (zf_tr_walk_json_is_artifact(p))
						zf_tr_list_add(l, p, ZF_TR_SCENARIO_JSON);
				} else if (!strncmp(names[i], "crash-", 6) || sidecar ||
					   (crashes_dir && !strncmp(names[i], "id:", 3))) {
					zf_tr_list_add(l, p, ZF_TR_FUZZ_INPUT);
				}
			}
		}
		free(p);
		free(names[i]);
	}
	free(names);
	return 0;
}

/* An explicit file argument: any name; JSON by extension or content. */
static enum zf_tr_kind zf_tr_kind_of_file(const char *path, int target)
{
	if (zf_tr_suffix(path, ".json"))
		return ZF_TR_SCENARIO_JSON;
	if (target >= 0 && target != ZF_TARGET_SCENARIO)
		return ZF_TR_FUZZ_INPUT;
	FILE *f = fopen(path, "rb");
	int c = EOF;
	if (f) {
		do
			c = fgetc(f);
		while (c == ' ' || c == '\n' || c == '\t' || c == '\r');
		fclose(f);
	}
	if (c == '{' && zf_tr_is_scenario_file(path))
		return ZF_TR_SCENARIO_JSON;
	return ZF_TR_FUZZ_INPUT;
}

/* ------------------------------------------------------------------ */
/* the bucket store                                                     */
/* ------------------------------------------------------------------ */
struct zf_tr_bucket {
	char name[96]; /* directory name: <ORACLE>-<id> */
	cJSON *doc;
};

struct zf_tr_store {
	const char *out;
	struct zf_tr_bucket *b;
	size_t n, cap;
	cJSON *unreproduced; /* array of {path, sha256, reason} */
	size_t created, updated;
};

static int zf_tr_store_add(struct zf_tr_store *s, const char *name, cJSON *doc)
{
	if (s->n == s->cap) {
		size_t nc = s->cap ? s->cap * 2 : 16;
		struct zf_tr_bucket *nb = realloc(s->b, nc * sizeof(*nb));
		if (!nb)
			return -1;
		s->b = nb;
		s->cap = nc;
	}
	snprintf(s->b[s->n].name, sizeof(s->b[s->n].name), "%s", name);
	s->b[s->n].doc = doc;
	s->n++;
	return 0;
}

static void zf_tr_store_load(struct zf_tr_store *s)
{
	DIR *d = opendir(s->out);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	if (d) {
		while ((de = readdir(d))) {
			if (de->d_name[0] == '.')
				continue;
			if (n == cap) {
				char **nn =
				    realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*nn));
				if (!nn)
					break;
				names = nn;
			}
			if (!(names[n] = strdup(de->d_name)))
				break;
			n++;
		}
		closedir(d);
	}
	if (n)
		qsort(names, n, sizeof(*names), zf_tr_cmp_names);
	for (size_t i = 0; i < n; i++) {
		char *dir = zf_tr_path_join(s->out, names[i]);
		char *rj = dir ? zf_tr_path_join(dir, "report.json") : NULL;
		cJSON *doc = rj ? zf_tr_read_json(rj) : NULL;
		/* only our own, whole reports: anything else is left alone */
		if (doc && !strcmp(zf_tr_json_str(doc, "schema", ""), ZF_REPORT_SCHEMA) &&
		    strstr(names[i], zf_tr_json_str(doc, "id", "\x01")) &&
		    cJSON_IsObject(cJSON_GetObjectItemCaseSensitive(doc, "dedup")))
			zf_tr_store_add(s, names[i], doc);
		else
			cJSON_Delete(doc);
		free(rj);
		free(dir);
		free(names[i]);
	}
	free(names);
	char *ij = zf_tr_path_join(s->out, "index.json");
	cJSON *idx = ij ? zf_tr_read_json(ij) : NULL;
	free(ij);
	cJSON *un = cJSON_GetObjectItemCaseSensitive(idx, "unreproduced");
	s->unreproduced =
	    cJSON_IsArray(un) ? cJSON_DetachItemViaPointer(idx, un) : cJSON_CreateArray();
	cJSON_Delete(idx);
}

static void zf_tr_store_free(struct zf_tr_store *s)
{
	for (size_t i = 0; i < s->n; i++)
		cJSON_Delete(s->b[i].doc);
	free(s->b);
	cJSON_Delete(s->unreproduced);
}

static bool zf_tr_artifacts_have(const cJSON *arts, const char *sha)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, arts) if (!strcmp(zf_tr_json_str(e, "sha256", ""), sha)) return true;
	return false;
}

/* The bucket that already counted this content, or -1. */
static long zf_tr_store_find_hash(const struct zf_tr_store *s, const char *sha)
{
	for (size_t i = 0; i < s->n; i++)
		if (zf_tr_artifacts_have(zf_tr_json_path(s->b[i].doc, "dedup.artifacts"), sha))
			return (long)i;
	return -1;
}

static long zf_tr_store_find_id(const struct zf_tr_store *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (!strcmp(zf_tr_json_str(s->b[i].doc, "id", ""), id))
			return (long)i;
	return -1;
}

static int zf_tr_cmp_artifacts(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int c = strcmp(zf_tr_json_str(x, "found", ""), zf_tr_json_str(y, "found", ""));
	return c ? c : strcmp(zf_tr_json_str(x, "sha256", ""), zf_tr_json_str(y, "sha256", ""));
}

/* Recompute count / first_seen / last_seen from the artifact list (sorted). */
static void zf_tr_dedup_refresh(cJSON *dedup, const char *bucket)
{
	cJSON *arts = cJSON_GetObjectItemCaseSensitive(dedup, "artifacts");
	int n = cJSON_GetArraySize(arts);
	cJSON **v = n ? malloc((size_t)n * sizeof(*v)) : NULL;

	if (n && v) {
		for (int i = 0; i < n; i++)
			v[i] = cJSON_DetachItemFromArray(arts, 0);
		qsort(v, (size_t)n, sizeof(*v), zf_tr_cmp_artifacts);
		for (int i = 0; i < n; i++)
			cJSON_AddItemToArray(arts, v[i]);
	}
	free(v);
	cJSON_DeleteItemFromObjectCaseSensitive(dedup, "bucket");
	cJSON_DeleteItemFromObjectCaseSensitive(dedup, "count");
	cJSON_DeleteItemFromObjectCaseSensitive(dedup, "first_seen");
	cJSON_DeleteItemFromObjectCaseSensitive(dedup, "last_seen");
	cJSON_AddStringToObject(dedup, "bucket", bucket);
	cJSON_AddNumberToObject(dedup, "count", n);
	cJSON_AddStringToObject(dedup, "first_seen",
				n ? zf_tr_json_str(cJSON_GetArrayItem(arts, 0), "found", "") : "");
	cJSON_AddStringToObject(dedup, "last_seen",
				n ? zf_tr_json_str(cJSON_GetArrayItem(arts, n - 1), "found", "")
				  : "");
}

/* Which reproducer represents the bucket: fewest operations, then fewest bytes, then hash. */
static bool zf_tr_better(const cJSON *a, const cJSON *b)
{
	double oa = zf_tr_json_num(zf_tr_json_path(a, "reproducer.minimized"), "ops", 1e18);
	double ob = zf_tr_json_num(zf_tr_json_path(b, "reproducer.minimized"), "ops", 1e18);
	if (oa != ob)
		return oa < ob;
	double sa = zf_tr_json_num(zf_tr_json_path(a, "reproducer.original"), "size", 1e18);
	double sb = zf_tr_json_num(zf_tr_json_path(b, "reproducer.original"), "size", 1e18);
	if (sa != sb)
		return sa < sb;
	return strcmp(zf_tr_json_str(zf_tr_json_path(a, "reproducer.original"), "sha256", ""),
		      zf_tr_json_str(zf_tr_json_path(b, "reproducer.original"), "sha256", "")) < 0;
}

static int zf_tr_write_text(const char *dir, const char *name, const char *text, size_t len,
			    char *err, size_t errlen)
{
	char *p = zf_tr_path_join(dir, name);
	int rc;
	if (!p || !text) {
		free(p);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	rc = zf_tr_write_atomic(p, text, len, err, errlen);
	free(p);
	return rc;
}

/* Write every file of one bucket from its document (atomically, report.json first). */
static int zf_tr_bucket_write(const struct zf_tr_store *s, const struct zf_tr_bucket *b, char *err,
			      size_t errlen)
{
	char *dir = zf_tr_path_join(s->out, b->name), *text;
	const cJSON *rp = cJSON_GetObjectItemCaseSensitive(b->doc, "reproducer");
	int rc = -1;

	if (!dir || zf_tr_mkdir_p(dir, err, errlen))
		goto out;
	/* the reproducer files first: the report points at them */
	text = cJSON_Print(cJSON_GetObjectItemCaseSensitive(rp, "scenario"));
	if (text) {
		size_t n = strlen(text);
		char *t2 = realloc(text, n + 2);
		if (t2) {
			t2[n] = '\n';
			t2[n + 1] = '\0';
			text = t2;
			n++;
		}
		rc = zf_tr_write_text(dir, "reproducer.json", text, n, err, errlen);
		free(text);
		if (rc)
			goto out;
	}
	const cJSON *by = cJSON_GetObjectItemCaseSensitive(rp, "bytes");
	if (cJSON_IsObject(by)) {
		uint8_t *bin;
		size_t n;
		if (!zf_tr_base64_decode(zf_tr_json_str(by, "data", ""), &bin, &n)) {
			rc = zf_tr_write_text(dir, "reproducer.bin", (const char *)bin, n, err,
					      errlen);
			free(bin);
			if (rc)
				goto out;
		}
	}
	char *rj = zf_tr_path_join(dir, "report.json");
	rc = rj ? zf_tr_write_json(rj, b->doc, err, errlen) : -1;
	free(rj);
	if (rc)
		goto out;
	text = zf_tr_report_sarif(b->doc);
	rc = zf_tr_write_text(dir, "report.sarif", text, text ? strlen(text) : 0, err, errlen);
	free(text);
	if (rc)
		goto out;
	text = zf_tr_report_html(b->doc);
	rc = zf_tr_write_text(dir, "report.html", text, text ? strlen(text) : 0, err, errlen);
	free(text);
out:
	free(dir);
	return rc;
}

/* Put a triaged artifact into its bucket; 1 if it made a new bucket. */
static int zf_tr_store_merge(struct zf_tr_store *s, const struct zf_tr_triage *t, time_t now,
			     const char **bucket_name, char *err, size_t errlen)
{
	cJSON *fresh = zf_tr_report_build(t, now), *doc, *dedup, *arts;
	long i = zf_tr_store_find_id(s, t->bucket_id);
	char ts[32], name[96];
	bool created = i < 0;

	if (!fresh) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	snprintf(name, sizeof(name), "%s-%s", t->sig.oracle, t->bucket_id);
	zf_tr_iso_time(now, ts, sizeof(ts));
	if (created) {
		doc = fresh;
		dedup = cJSON_AddObjectToObject(doc, "dedup");
		arts = cJSON_AddArrayToObject(dedup, "artifacts");
		if (zf_tr_store_add(s, name, doc)) {
			cJSON_Delete(doc);
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		i = (long)s->n - 1;
	} else {
		cJSON *old = s->b[i].doc;
		dedup = cJSON_DetachItemFromObjectCaseSensitive(old, "dedup");
		if (!cJSON_IsObject(dedup)) {
			cJSON_Delete(dedup);
			dedup = cJSON_CreateObject();
		}
		if (zf_tr_better(fresh, old)) {
			/* a smaller reproducer represents the bucket from now on */
			cJSON *cr = cJSON_GetObjectItemCaseSensitive(old, "created");
			if (cJSON_IsString(cr))
				cJSON_ReplaceItemInObjectCaseSensitive(
				    fresh, "created", cJSON_CreateString(cr->valuestring));
			cJSON_Delete(old);
			doc = fresh;
		} else {
			cJSON_Delete(fresh);
			doc = old;
			cJSON_ReplaceItemInObjectCaseSensitive(doc, "updated",
							       cJSON_CreateString(ts));
		}
		cJSON_AddItemToObject(doc, "dedup", dedup);
		s->b[i].doc = doc;
		arts = cJSON_GetObjectItemCaseSensitive(dedup, "artifacts");
		if (!cJSON_IsArray(arts)) {
			cJSON_DeleteItemFromObjectCaseSensitive(dedup, "artifacts");
			arts = cJSON_AddArrayToObject(dedup, "artifacts");
		}
	}
	if (!zf_tr_artifacts_have(arts, t->art.sha256))
		cJSON_AddItemToArray(arts, zf_tr_artifact_entry(&t->art, NULL));
	zf_tr_dedup_refresh(dedup, s->b[i].name);
	*bucket_name = s->b[i].name;
	if (zf_tr_bucket_write(s, &s->b[i], err, errlen))
		return -1;
	return created ? 1 : 0;
}

static int zf_tr_cmp_index(const void *a, const void *b)
{
	const cJSON *x = *(const cJSON *const *)a, *y = *(const cJSON *const *)b;
	int c = strcmp(zf_tr_json_str(y, "last_seen", ""), zf_tr_json_str(x, "last_seen", ""));
	return c ? c : strcmp(zf_tr_json_str(x, "id", ""), zf_tr_json_str(y, "id", ""));
}

static int zf_tr_index_write(const struct zf_tr_store *s, time_t now, char *err, size_t errlen)
{
	cJSON *idx = cJSON_CreateObject(), *arr;
	char ts[32], buf[512];
	cJSON **v = s->n ? calloc(s->n, sizeof(*v)) : NULL;
	int rc = -1;

	if (!idx || (s->n && !v))
		goto out;
	zf_tr_iso_time(now, ts, sizeof(ts));
	cJSON_AddStringToObject(idx, "schema", ZF_REPORT_INDEX_SCHEMA);
	cJSON_AddStringToObject(idx, "generated", ts);
	for (size_t i = 0; i < s->n; i++) {
		const cJSON *d = s->b[i].doc, *e;
		cJSON *o = cJSON_CreateObject();
		size_t bo = 0;
		cJSON_AddStringToObject(o, "id", zf_tr_json_str(d, "id", "?"));
		cJSON_AddStringToObject(o, "dir", s->b[i].name);
		cJSON_AddStringToObject(o, "title", zf_tr_json_str(d, "title", "?"));
		cJSON_AddStringToObject(
		    o, "signature", zf_tr_json_str(zf_tr_json_path(d, "signature"), "key", "?"));
		cJSON_AddStringToObject(
		    o, "kind", zf_tr_json_str(zf_tr_json_path(d, "classification"), "kind", "?"));
		cJSON_AddNumberToObject(o, "count",
					zf_tr_json_num(zf_tr_json_path(d, "dedup"), "count", 0));
		cJSON_AddStringToObject(
		    o, "first_seen", zf_tr_json_str(zf_tr_json_path(d, "dedup"), "first_seen", ""));
		cJSON_AddStringToObject(
		    o, "last_seen", zf_tr_json_str(zf_tr_json_path(d, "dedup"), "last_seen", ""));
		const cJSON *rr = zf_tr_json_path(d, "reproducer.reproducibility");
		snprintf(buf, sizeof(buf), "%.0f/%.0f", zf_tr_json_num(rr, "reproduced", 0),
			 zf_tr_json_num(rr, "attempts", 0));
		cJSON_AddStringToObject(o, "reproducibility", buf);
		buf[0] = '\0';
		cJSON_ArrayForEach(e, cJSON_GetObjectItemCaseSensitive(d, "profiles"))
		{
			if (bo < sizeof(buf))
				bo += (size_t)snprintf(buf + bo, sizeof(buf) - bo, "%s%s:%s",
						       bo ? " " : "",
						       zf_tr_json_str(e, "profile", "?"),
						       zf_tr_json_str(e, "result", "?"));
		}
		cJSON_AddStringToObject(o, "profiles", buf);
		snprintf(buf, sizeof(buf), "%s/report.html", s->b[i].name);
		cJSON_AddStringToObject(o, "html", buf);
		snprintf(buf, sizeof(buf), "%s/report.json", s->b[i].name);
		cJSON_AddStringToObject(o, "json", buf);
		snprintf(buf, sizeof(buf), "%s/report.sarif", s->b[i].name);
		cJSON_AddStringToObject(o, "sarif", buf);
		v[i] = o;
	}
	if (s->n)
		qsort(v, s->n, sizeof(*v), zf_tr_cmp_index); /* newest first */
	arr = cJSON_AddArrayToObject(idx, "buckets");
	for (size_t i = 0; i < s->n; i++)
		cJSON_AddItemToArray(arr, v[i]);
	cJSON_AddItemToObject(idx, "unreproduced", cJSON_Duplicate(s->unreproduced, 1));
	{
		char *p = zf_tr_path_join(s->out, "index.json");
		rc = p ? zf_tr_write_json(p, idx, err, errlen) : -1;
		free(p);
	}
	if (!rc) {
		char *html = zf_tr_index_html(idx);
		rc = zf_tr_write_text(s->out, "index.html", html, html ? strlen(html) : 0, err,
				      errlen);
		free(html);
	}
out:
	free(v);
	cJSON_Delete(idx);
	return rc;
}

static void zf_tr_note_unreproduced(struct zf_tr_store *s, const struct zf_tr_loaded *ld,
				    const char *why)
{
	const cJSON *e;
	cJSON_ArrayForEach(e, s->unreproduced) if (!strcmp(zf_tr_json_str(e, "sha256", ""),
							   ld->art.sha256)) return;
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "path", ld->art.path);
	cJSON_AddStringToObject(o, "sha256", ld->art.sha256);
	cJSON_AddStringToObject(o, "reason", why);
	cJSON_AddItemToArray(s->unreproduced, o);
}

/* ------------------------------------------------------------------ */
/* the batch: workers triage, the main thread merges in input order      */
/* ------------------------------------------------------------------ */

struct zf_tr_slot {
	bool done;
	int lr; /* zf_tr_load(): 0 loaded, 1 skipped, -1 rejected */
	int tr; /* zf_tr_triage_one(), or 2: already counted */
	struct zf_tr_loaded ld;
	struct zf_tr_triage t;
	char msg[512];
};

struct zf_tr_counts {
	size_t rejected, skipped, dup, unrepro, findings;
};

struct zf_tr_pool {
	const struct zf_tr_opts *o;
	const struct zf_tr_known *known;
	struct zf_tr_store *store;
	const struct zf_tr_list *list;
	struct zf_tr_slot *slots;
	char (*seen)[65]; /* sorted copies of the sha256s counted before this batch */
	size_t nr_seen;
	size_t next;   /* next artifact a worker takes */
	size_t merged; /* artifacts merged so far */
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static int zf_tr_cmp_hash(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* The hashes counted before this batch, copied and sorted (workers bsearch them). */
static void zf_tr_seen_build(struct zf_tr_pool *p)
{
	size_t cap = 0;
	const cJSON *e;

	p->seen = NULL;
	p->nr_seen = 0;
	for (size_t i = 0; i < p->store->n; i++)
		cap += (size_t)cJSON_GetArraySize(
		    zf_tr_json_path(p->store->b[i].doc, "dedup.artifacts"));
	cap += (size_t)cJSON_GetArraySize(p->store->unreproduced);
	if (!cap || !(p->seen = calloc(cap, sizeof(*p->seen))))
		return;
	for (size_t i = 0; i <= p->store->n; i++) {
		const cJSON *arr = i < p->store->n
				       ? zf_tr_json_path(p->store->b[i].doc, "dedup.artifacts")
				       : p->store->unreproduced;
		cJSON_ArrayForEach(e, arr)
		{
			const char *h = zf_tr_json_str(e, "sha256", NULL);
			if (h && p->nr_seen < cap)
				snprintf(p->seen[p->nr_seen++], sizeof(*p->seen), "%s", h);
		}
	}
	qsort(p->seen, p->nr_seen, sizeof(*p->seen), zf_tr_cmp_hash);
}

/* Load and triage one artifact: pure computation on its own machines. */
static void zf_tr_process(struct zf_tr_pool *p, size_t i, bool threaded)
{
	struct zf_tr_slot *sl = &p->slots[i];
	const struct zf_tr_item *it = &p->list->v[i];

	sl->lr = zf_tr_load(p->o, it->path, it->kind, &sl->ld, sl->msg, sizeof(sl->msg));
	if (sl->lr)
		return;
	/*
	 * Counted once by content: what earlier runs counted is not triaged again
	 * (the snapshot taken before the batch is read-only, so workers need no
	 * lock; a duplicate inside one batch is triaged twice and counted once).
	 */
	if ((p->nr_seen &&
	     bsearch(sl->ld.art.sha256, p->seen, p->nr_seen, sizeof(*p->seen), zf_tr_cmp_hash)) ||
	    /* one at a time, the live store also knows this batch's earlier artifacts */
	    (!threaded && (zf_tr_store_find_hash(p->store, sl->ld.art.sha256) >= 0 ||
			   zf_tr_artifacts_have(p->store->unreproduced, sl->ld.art.sha256)))) {
		sl->tr = 2;
		return;
	}
	sl->tr = zf_tr_triage_one(p->o, p->known, &sl->ld, &sl->t, sl->msg, sizeof(sl->msg));
}

/* Report one finished artifact and fold it into the store (main thread, in input order). */
static void zf_tr_merge_slot(struct zf_tr_pool *p, size_t i, struct zf_tr_counts *c)
{
	struct zf_tr_slot *sl = &p->slots[i];
	const char *path = p->list->v[i].path;
	const struct zf_tr_opts *o = p->o;
	struct zf_tr_store *store = p->store;
	char err[512];

	if (sl->lr) {
		fprintf(stderr, "zonefuzz: %s: %s\n", path, sl->msg);
		if (sl->lr < 0)
			c->rejected++;
		else
			c->skipped++;
	} else if (sl->tr == 2) {
		long have = zf_tr_store_find_hash(store, sl->ld.art.sha256);
		if (!o->quiet)
			printf("zonefuzz: %s: already triaged (%s)\n", path,
			       have >= 0 ? store->b[have].name : "did not reproduce");
		c->dup++;
	} else if (sl->tr < 0) {
		fprintf(stderr, "zonefuzz: %s: %s\n", path, sl->msg);
		c->rejected++;
	} else if (sl->tr == 0) {
		fprintf(stderr, "zonefuzz: %s: %s\n", path, sl->msg);
		zf_tr_note_unreproduced(store, &sl->ld, sl->msg);
		c->unrepro++;
	} else {
		const struct zf_tr_triage *t = &sl->t;
		const char *bname = "?";
		int m = zf_tr_store_merge(store, t, zf_tr_now(), &bname, err, sizeof(err));
		if (m < 0) {
			fprintf(stderr, "zonefuzz: %s: writing the report: %s\n", path, err);
			c->rejected++;
		} else {
			c->findings++;
			if (m)
				store->created++;
			else
				store->updated++;
			if (!o->quiet)
				printf("zonefuzz: %s: %s %s (%s, reproduced %u/%u, %u -> %u ops)\n",
				       path, m ? "new bucket" : "bucket", bname, t->kind,
				       t->reproduced, t->attempts, t->minstats.ops_before,
				       t->minstats.ops_after);
			if (t->reproduced < t->attempts)
				fprintf(stderr, "zonefuzz: %s: reproduced only %u of %u attempts\n",
					path, t->reproduced, t->attempts);
		}
	}
	if (sl->lr == 0 && sl->tr == 1)
		zf_tr_triage_free(&sl->t);
	zf_tr_loaded_free(&sl->ld);
	fflush(stdout);
	/* the index after every artifact: a kill leaves it matching the buckets */
	if (zf_tr_index_write(store, zf_tr_now(), err, sizeof(err)))
		fprintf(stderr, "zonefuzz: %s: index: %s\n", o->out, err);
}

static void *zf_tr_worker(void *arg)
{
	struct zf_tr_pool *p = arg;
	size_t ahead = 2 * (size_t)p->o->jobs; /* finished results waiting to be merged, at most */

	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->next < p->list->n && p->next >= p->merged + ahead)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->next >= p->list->n)
			break;
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		zf_tr_process(p, i, true);
		pthread_mutex_lock(&p->mu);
		p->slots[i].done = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/*
 * Run the batch. With --jobs N, N worker threads triage artifacts (the model
 * keeps all state in its machine, so runs are independent) and the main
 * thread merges results in input order, so buckets, counts and reports do
 * not depend on N.
 */
static int zf_tr_pool_run(struct zf_tr_pool *p, struct zf_tr_counts *c)
{
	size_t n = p->list->n;
	unsigned int jobs = p->o->jobs;
	pthread_t *th = NULL;
	unsigned int started = 0;

	p->slots = n ? calloc(n, sizeof(*p->slots)) : NULL;
	if (n && !p->slots) {
		fprintf(stderr, "zonefuzz: triage: out of memory\n");
		return -1;
	}
	zf_tr_seen_build(p);
	if (jobs > n)
		jobs = (unsigned int)n;
	if (jobs > 1) {
		pthread_mutex_init(&p->mu, NULL);
		pthread_cond_init(&p->cv, NULL);
		th = calloc(jobs, sizeof(*th));
		for (unsigned int j = 0; th && j < jobs; j++)
			if (!pthread_create(&th[j], NULL, zf_tr_worker, p))
				started++;
	}
	if (!started) {
		for (size_t i = 0; i < n; i++) {
			zf_tr_process(p, i, false);
			zf_tr_merge_slot(p, i, c);
		}
	} else {
		for (size_t i = 0; i < n; i++) {
			pthread_mutex_lock(&p->mu);
			while (!p->slots[i].done)
				pthread_cond_wait(&p->cv, &p->mu);
			pthread_mutex_unlock(&p->mu);
			/* the store changes only here; workers never read it */
			zf_tr_merge_slot(p, i, c);
			pthread_mutex_lock(&p->mu);
			p->merged = i + 1;
			pthread_cond_broadcast(&p->cv);
			pthread_mutex_unlock(&p->mu);
		}
		for (unsigned int j = 0; j < started; j++)
			pthread_join(th[j], NULL);
	}
	if (jobs > 1) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->cv);
	}
	free(th);
	free(p->slots);
	free(p->seen);
	return 0;
}

/* ------------------------------------------------------------------ */
/* the command                                                          */
/* ------------------------------------------------------------------ */
static void zf_tr_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: zonefuzz triage INPUT... [--out DIR] [options]\n"
	    "  INPUT: crash files (libFuzzer crash-*, AFL++ crashes/id:*), findings\n"
	    "         directories (recursive), scenario JSON files, VM result bundles\n"
	    "  --out DIR        bucket directories, index.json and index.html (default ./" ZF_TR_DEFAULT_OUT
	    ")\n"
	    "  --target T       fuzz target of the inputs: buddy slowpath gfp interleave scenario\n"
	    "                   (default: FILE.meta.json, campaign.json, or the path)\n"
	    "  --repeat N       reproduction attempts per artifact (default 5)\n"
	    "  --jobs N         artifacts triaged in parallel (default 1; reports do not depend on N)\n"
	    "  --bugs B11,B12   planted bugs the fuzzing run had (also ZF_BUGS)\n"
	    "  --known DIR      known findings (default tests/known of the source tree)\n"
	    "  --budget N       replays per minimisation (default 2000)\n"
	    "  --walk-interval N  oracle walks every N operations for scenario JSON (default 1)\n"
	    "  --quiet          no per-artifact lines on stdout\n"
	    "exit status: 0 every artifact triaged, 1 some artifact rejected, 2 bad usage\n");
}

static int zf_tr_parse_uint(const char *s, unsigned int lo, unsigned int hi, unsigned int *out)
{
	char *end;
	unsigned long v;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

static int zf_tr_parse_bugs(const char *s, uint32_t *bugs)
{
	char buf[256];
	uint32_t b;
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
	     tok = strtok_r(NULL, ", ", &save)) {
		if (zf_bug_parse(tok, &b))
			return -1;
		*bugs |= b;
	}
	return 0;
}

int zf_cmd_triage(int argc, char **argv)
{
	static const struct option longopts[] = {{"out", required_argument, NULL, 'o'},
						 {"target", required_argument, NULL, 't'},
						 {"repeat", required_argument, NULL, 'r'},
						 {"jobs", required_argument, NULL, 'j'},
						 {"bugs", required_argument, NULL, 'b'},
						 {"known", required_argument, NULL, 'k'},
						 {"budget", required_argument, NULL, 'B'},
						 {"walk-interval", required_argument, NULL, 'w'},
						 {"quiet", no_argument, NULL, 'q'},
						 {"help", no_argument, NULL, 'h'},
						 {NULL, 0, NULL, 0}};
	struct zf_tr_opts o = {
	    .target = -1, .repeat = 5, .jobs = 1, .budget = 2000, .walk_interval = 1};
	struct zf_tr_list list = {0};
	struct zf_tr_store store = {0};
	struct zf_tr_known known;
	struct stat out_st;
	char err[512], known_default[PATH_MAX];
	int c, rc = ZF_TRIAGE_EXIT_OK;
	size_t nr_rejected = 0, nr_skipped = 0, nr_dup = 0, nr_unrepro = 0, nr_findings = 0;
	const char *env;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "o:t:r:j:b:k:B:w:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'o':
			o.out = optarg;
			break;
		case 't':
			if ((o.target = zf_target_parse(optarg)) < 0) {
				fprintf(stderr, "zonefuzz: triage: --target: unknown target '%s'\n",
					optarg);
				return ZF_TRIAGE_EXIT_USAGE;
			}
			break;
		case 'r':
			if (zf_tr_parse_uint(optarg, 1, 1000, &o.repeat)) {
				fprintf(stderr, "zonefuzz: triage: --repeat: expected 1..1000\n");
				return ZF_TRIAGE_EXIT_USAGE;
			}
			break;
		case 'j':
			if (zf_tr_parse_uint(optarg, 1, 1024, &o.jobs)) {
				fprintf(stderr, "zonefuzz: triage: --jobs: expected 1..1024\n");
				return ZF_TRIAGE_EXIT_USAGE;
			}
			break;
		case 'b':
			if (zf_tr_parse_bugs(optarg, &o.bugs)) {
				fprintf(stderr,
					"zonefuzz: triage: --bugs: unknown planted bug in '%s'\n",
					optarg);
				return ZF_TRIAGE_EXIT_USAGE;
			}
			break;
		case 'k':
			o.known_dir = optarg;
			break;
		case 'B':
			if (zf_tr_parse_uint(optarg, 1, 1000000, &o.budget)) {
				fprintf(stderr,
					"zonefuzz: triage: --budget: expected 1..1000000\n");
				return ZF_TRIAGE_EXIT_USAGE;
			}
			break;
		case 'w':
			if (zf_tr_parse_uint(optarg, 0, 1000000, &o.walk_interval)) {
				fprintf(stderr,
					"zonefuzz: triage: --walk-interval: expected a number\n");
				return ZF_TRIAGE_EXIT_USAGE;
			}
			break;
		case 'q':
			o.quiet = true;
			break;
		case 'h':
			zf_tr_usage(stdout);
			return ZF_TRIAGE_EXIT_OK;
		default:
			fprintf(stderr, "zonefuzz: triage: bad option '%s'\n", argv[optind - 1]);
			zf_tr_usage(stderr);
			return ZF_TRIAGE_EXIT_USAGE;
		}
	}
	if (optind >= argc) {
		fprintf(stderr, "zonefuzz: triage: no INPUT given\n");
		zf_tr_usage(stderr);
		return ZF_TRIAGE_EXIT_USAGE;
	}
	if (!o.out) {
		o.out = ZF_TR_DEFAULT_OUT;
		if (!o.quiet)
			printf("zonefuzz: triage: reports go to %s/ (--out DIR to choose)\n",
			       o.out);
	}
	env = getenv("ZF_BUGS");
	if (env && *env && zf_tr_parse_bugs(env, &o.bugs)) {
		fprintf(stderr, "zonefuzz: ZF_BUGS: unknown planted bug in '%s'\n", env);
		return ZF_TRIAGE_EXIT_USAGE;
	}
	if (zf_tr_mkdir_p(o.out, err, sizeof(err)) || stat(o.out, &out_st)) {
		fprintf(stderr, "zonefuzz: %s: %s\n", o.out, err);
		return ZF_TRIAGE_EXIT_USAGE;
	}
	if (!o.known_dir) {
		struct stat ks;
		if (!stat("tests/known", &ks) && S_ISDIR(ks.st_mode)) {
			o.known_dir = "tests/known";
		} else {
			snprintf(known_default, sizeof(known_default), "%s/tests/known",
				 ZF_SOURCE_DIR);
			o.known_dir = known_default;
		}
	}

	/* collect */
	for (int i = optind; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st)) {
			fprintf(stderr, "zonefuzz: %s: %s\n", argv[i], strerror(errno));
			nr_rejected++;
			continue;
		}
		const char *base = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];
		if (S_ISDIR(st.st_mode)) {
			zf_tr_walk(&list, argv[i], &out_st, 0);
		} else if (!strcmp(base, "bundle.json")) {
			/* a VM result bundle named by its bundle.json: the bundle is the directory
			 */
			char *dir = strdup(argv[i]);
			if (dir) {
				char *slash = strrchr(dir, '/');
				if (slash)
					*slash = '\0';
				zf_tr_list_add(&list, slash ? dir : ".", ZF_TR_VM_BUNDLE);
				free(dir);
			}
		} else {
			zf_tr_list_add(&list, argv[i], zf_tr_kind_of_file(argv[i], o.target));
		}
	}

	store.out = o.out;
	zf_tr_store_load(&store);
	zf_tr_known_load(&known, o.known_dir);

	struct zf_tr_pool pool = {.o = &o, .known = &known, .store = &store, .list = &list};
	struct zf_tr_counts cnt = {0};
	cnt.rejected = nr_rejected;
	if (zf_tr_pool_run(&pool, &cnt))
		rc = ZF_TRIAGE_EXIT_USAGE;
	nr_rejected = cnt.rejected;
	nr_skipped = cnt.skipped;
	nr_dup = cnt.dup;
	nr_unrepro = cnt.unrepro;
	nr_findings = cnt.findings;
	if (zf_tr_index_write(&store, zf_tr_now(), err, sizeof(err))) {
		fprintf(stderr, "zonefuzz: %s: index: %s\n", o.out, err);
		rc = ZF_TRIAGE_EXIT_USAGE;
	}
	if (!o.quiet)
		printf("zonefuzz: triage: %zu artifact(s): %zu finding(s) into %zu bucket(s) (%zu "
		       "new), %zu already triaged, %zu did not reproduce, %zu rejected, %zu "
		       "skipped\n",
		       list.n, nr_findings, store.n, store.created, nr_dup, nr_unrepro, nr_rejected,
		       nr_skipped);
	if (nr_rejected && rc == ZF_TRIAGE_EXIT_OK)
		rc = ZF_TRIAGE_EXIT_ERROR;

	zf_tr_known_free(&known);
	zf_tr_store_free(&store);
	for (size_t i = 0; i < list.n; i++)
		free(list.v[i].path);
	free(list.v);
	return rc;
}
