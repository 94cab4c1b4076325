/* SPDX-License-Identifier: MIT */
/*
 * reports/triage.c - one artifact, from its bytes to a triage record:
 *
 *   load      fuzz input (libFuzzer crash-*, AFL++ crashes/id:*), scenario
 *             JSON, or VM result bundle; the fuzz target and planted bugs
 *             come from --target/--bugs, a sidecar FILE.meta.json, a
 *             campaign.json in a parent directory, or the path itself
 *   reproduce N runs, each rebuilt from the artifact alone; anything below
 *             N/N is reported (the model is deterministic, so a flaky
 *             artifact is itself a finding about the harness)
 *   minimise  ddmin at operation granularity, same signature (minimize.c)
 *   encode    back to ops/v2 bytes with zf_encode(), checked by replaying
 *   profiles  the minimised reproducer under every kernel profile
 *   classify  planted (needs a planted bug: replayed without each one),
 *             known (the .json files of tests/known), or new
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "report_internal.h"

#define ZF_TR_MAX_INPUT (1u << 20) /* an ops/v2 input never needs a MiB */

/* ------------------------------------------------------------------ */
/* metadata: sidecar, campaign.json, path                               */
/* ------------------------------------------------------------------ */
static uint32_t zf_tr_bugs_of(const cJSON *v)
{
	uint32_t bugs = 0, b;
	const cJSON *e;

	if (cJSON_IsString(v) && v->valuestring) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", v->valuestring);
		for (char *save = NULL, *tok = strtok_r(buf, ", ", &save); tok;
		     tok = strtok_r(NULL, ", ", &save))
			if (!zf_bug_parse(tok, &b))
				bugs |= b;
	} else if (cJSON_IsArray(v)) {
		cJSON_ArrayForEach(e, v) if (cJSON_IsString(e) && !zf_bug_parse(e->valuestring, &b))
		    bugs |= b;
	}
	return bugs;
}

/* FILE.meta.json, else the nearest campaign.json above FILE. NULL if none. */
static cJSON *zf_tr_find_meta(const char *path)
{
	size_t n = strlen(path);
	char *p = malloc(n + 32);
	cJSON *doc = NULL;

	if (!p)
		return NULL;
	snprintf(p, n + 32, "%s.meta.json", path);
	doc = zf_tr_read_json(p);
	if (!cJSON_IsObject(doc)) {
		cJSON_Delete(doc);
		doc = NULL;
		/* walk up at most 8 directories */
		snprintf(p, n + 32, "%s", path);
		for (int up = 0; up < 8 && !doc; up++) {
			char *slash = strrchr(p, '/');
			if (!slash)
				break;
			*slash = '\0';
			size_t l = strlen(p);
			char *c = malloc(l + 16);
			if (!c)
				break;
			snprintf(c, l + 16, "%s/campaign.json", l ? p : "");
			doc = zf_tr_read_json(c);
			free(c);
			if (!cJSON_IsObject(doc)) {
				cJSON_Delete(doc);
				doc = NULL;
			}
		}
		if (!doc) {
			cJSON *c = zf_tr_read_json("campaign.json");
			/* a relative path's top directory is the cwd */
			if (path[0] != '/' && cJSON_IsObject(c))
				doc = c;
			else
				cJSON_Delete(c);
		}
	}
	free(p);
	return doc;
}

/* A target named by a path component: "slowpath", "fuzz_slowpath", "zf-replay-slowpath". */
static int zf_tr_target_from_path(const char *path)
{
	char buf[4096];
	int found = -1;

	snprintf(buf, sizeof(buf), "%s", path);
	char *last = strrchr(buf, '/');
	if (!last)
		return -1;
	*last = '\0'; /* directories only */
	for (char *save = NULL, *tok = strtok_r(buf, "/", &save); tok;
	     tok = strtok_r(NULL, "/", &save)) {
		const char *name = tok;
		if (!strncmp(name, "fuzz_", 5))
			name += 5;
		else if (!strncmp(name, "zf-replay-", 10))
			name += 10;
		int t = zf_target_parse(name);
		if (t >= 0)
			found = t; /* the innermost wins */
	}
	return found;
}

/* AFL++ crash names: id:000003,sig:06,src:000001,time:12345,execs:678,op:havoc,rep:4 */
static void zf_tr_afl_name(const char *base, double *time_s, double *execs)
{
	const char *t = strstr(base, ",time:"), *e = strstr(base, ",execs:");
	if (t)
		*time_s = strtod(t + 6, NULL) / 1000.0;
	if (e)
		*execs = strtod(e + 7, NULL);
}

static const char *zf_tr_basename(const char *p)
{
	const char *s = strrchr(p, '/');
	return s ? s + 1 : p;
}

static const char *zf_tr_foreign(const uint8_t *d, size_t n)
{
	static const struct {
		const char *magic;
		size_t len;
		const char *what;
	} m[] = {{"\x7f"
		  "ELF",
		  4, "an ELF binary"},
		 {"\x89PNG", 4, "a PNG image"},
		 {"PK\x03\x04", 4, "a zip archive"},
		 {"\x1f\x8b", 2, "a gzip file"},
		 {"%PDF", 4, "a PDF document"},
		 {"#!", 2, "a script"}};
	for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++)
		if (n >= m[i].len && !memcmp(d, m[i].magic, m[i].len))
			return m[i].what;
	return NULL;
}

static bool zf_tr_has_suffix(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);
	return a >= b && !strcmp(s + a - b, suf);
}

/* ------------------------------------------------------------------ */
/* loading                                                              */
/* ------------------------------------------------------------------ */
void zf_tr_loaded_free(struct zf_tr_loaded *ld)
{
	free(ld->data);
	cJSON_Delete(ld->meta);
	free(ld->path);
	memset(ld, 0, sizeof(*ld));
}

static int zf_tr_load_bundle(const struct zf_tr_opts *o, const char *dir, struct zf_tr_loaded *ld,
			     char *msg, size_t msglen)
{
	char *bj = zf_tr_path_join(dir, "bundle.json");
	cJSON *b = bj ? zf_tr_read_json(bj) : NULL;
	const cJSON *sc, *in;
	char err[256];

	free(bj);
	if (!cJSON_IsObject(b)) {
		cJSON_Delete(b);
		snprintf(msg, msglen, "bundle.json: not a JSON object");
		return -1;
	}
	ld->meta = b;
	ld->art.vm = b;
	ld->art.engine = "vm";
	sc = cJSON_GetObjectItemCaseSensitive(b, "scenario");
	in = cJSON_GetObjectItemCaseSensitive(b, "input");
	if (cJSON_IsObject(sc)) {
		char *text = cJSON_PrintUnformatted(sc);
		if (!text) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		ld->kind = ZF_TR_SCENARIO_JSON;
		ld->data = (uint8_t *)text;
		ld->len = strlen(text);
		return 0;
	}
	if (cJSON_IsString(sc) || cJSON_IsString(in)) {
		const char *rel = cJSON_IsString(sc) ? sc->valuestring : in->valuestring;
		char *p = rel[0] == '/' ? strdup(rel) : zf_tr_path_join(dir, rel);
		int rc = p ? zf_tr_read_file(p, &ld->data, &ld->len, err, sizeof(err)) : -1;
		if (rc) {
			snprintf(msg, msglen, "bundle.json names %s: %s", rel,
				 p ? err : "out of memory");
			free(p);
			return -1;
		}
		free(p);
		ld->kind = cJSON_IsString(sc) ? ZF_TR_SCENARIO_JSON : ZF_TR_FUZZ_INPUT;
		if (ld->kind == ZF_TR_FUZZ_INPUT) {
			int t = zf_target_parse(zf_tr_json_str(b, "target", ""));
			if (t >= 0)
				ld->art.target = t;
		}
		return 0;
	}
	/*
	 * A real-kernel run (stress/, schema zonefuzz.vm-bundle/1): its findings
	 * come from the guest's kernel log and /proc, which the model cannot
	 * replay: evidence reports (evidence.c), keyed by the bundle's content.
	 */
	{
		char *text = cJSON_PrintUnformatted(b);
		char sha[65];

		if (!text) {
			snprintf(msg, msglen, "out of memory");
			return -1;
		}
		zf_report_sha256_hex(text, strlen(text), sha);
		free(text);
		return zf_tr_evidence_ingest(o, dir, b, sha, msg, msglen);
	}
}

int zf_tr_load(const struct zf_tr_opts *o, const char *path, enum zf_tr_kind kind,
	       struct zf_tr_loaded *ld, char *msg, size_t msglen)
{
	struct stat st;
	char err[256];
	const char *base = zf_tr_basename(path);

	memset(ld, 0, sizeof(*ld));
	ld->path = strdup(path);
	if (!ld->path) {
		snprintf(msg, msglen, "out of memory");
		return -1;
	}
	ld->art.path = ld->path;
	ld->art.target = -1;
	ld->art.time_to_find_s = -1;
	ld->art.execs = -1;
	ld->art.engine = "unknown";
	ld->kind = kind;
	if (stat(path, &st)) {
		snprintf(msg, msglen, "%s", strerror(errno));
		return -1;
	}
	ld->art.found = st.st_mtime;

	if (kind == ZF_TR_VM_BUNDLE) {
		int rc = zf_tr_load_bundle(o, path, ld, msg, msglen);
		if (rc)
			return rc;
		ld->art.kind = "vm-bundle";
	} else {
		if (!S_ISREG(st.st_mode)) {
			snprintf(msg, msglen, "not a regular file");
			return -1;
		}
		if (zf_tr_read_file(path, &ld->data, &ld->len, err, sizeof(err))) {
			snprintf(msg, msglen, "%s", err);
			return -1;
		}
		if (kind == ZF_TR_SCENARIO_JSON) {
			/* a threaded stress finding: evidence, not a scenario (evidence.c) */
			cJSON *doc = cJSON_Parse((const char *)ld->data);
			int rc = 0;

			if (zf_tr_evidence_is_threads_finding(doc)) {
				char sha[65];

				zf_report_sha256_hex(ld->data, ld->len, sha);
				rc = zf_tr_evidence_ingest(o, path, doc, sha, msg, msglen);
			}
			cJSON_Delete(doc);
			if (rc)
				return rc;
		}
		ld->meta = zf_tr_find_meta(path);
		ld->art.kind = kind == ZF_TR_SCENARIO_JSON ? "scenario" : "fuzz-input";
	}
	if (!ld->len) {
		snprintf(msg, msglen, "empty file");
		return -1;
	}
	if (ld->kind == ZF_TR_FUZZ_INPUT) {
		const char *what = zf_tr_foreign(ld->data, ld->len);
		if (what) {
			snprintf(msg, msglen, "foreign file (%s), not a fuzz input", what);
			return -1;
		}
		if (ld->len > ZF_TR_MAX_INPUT) {
			snprintf(msg, msglen, "%zu bytes: too large for an ops/v2 fuzz input",
				 ld->len);
			return -1;
		}
	}

	/* provenance: engine, target, bugs, time to find */
	if (!strncmp(base, "crash-", 6) || !strncmp(base, "leak-", 5) ||
	    !strncmp(base, "timeout-", 8) || !strncmp(base, "oom-", 4))
		ld->art.engine = "libFuzzer";
	else if (!strncmp(base, "id:", 3)) {
		ld->art.engine = "AFL++";
		zf_tr_afl_name(base, &ld->art.time_to_find_s, &ld->art.execs);
	} else if (ld->kind == ZF_TR_SCENARIO_JSON && kind != ZF_TR_VM_BUNDLE)
		ld->art.engine = "scenario";
	if (ld->meta && kind != ZF_TR_VM_BUNDLE) {
		const char *eng = zf_tr_json_str(ld->meta, "engine", NULL);
		if (eng) {
			/* keep a stable string: the meta document lives as long as ld */
			ld->art.engine = eng;
		}
		ld->art.time_to_find_s =
		    zf_tr_json_num(ld->meta, "time_to_find_s", ld->art.time_to_find_s);
		ld->art.execs = zf_tr_json_num(ld->meta, "execs", ld->art.execs);
	}
	if (ld->meta)
		ld->art.bugs |= zf_tr_bugs_of(cJSON_GetObjectItemCaseSensitive(ld->meta, "bugs"));
	ld->art.bugs |= o->bugs;

	if (ld->kind == ZF_TR_FUZZ_INPUT) {
		int t = o->target;
		if (t < 0 && ld->meta)
			t = zf_target_parse(zf_tr_json_str(ld->meta, "target", ""));
		if (t < 0 && ld->art.target >= 0)
			t = ld->art.target;
		if (t < 0)
			t = zf_tr_target_from_path(path);
		if (t < 0) {
			snprintf(
			    msg, msglen,
			    "unknown fuzz target (name it with --target, a %s.meta.json sidecar "
			    "or a campaign.json)",
			    base);
			return -1;
		}
		if (t == ZF_TARGET_SCENARIO) {
			/* the scenario target fuzzes the JSON parser: its inputs are scenarios */
			ld->kind = ZF_TR_SCENARIO_JSON;
		}
		ld->art.target = t;
	}
	zf_report_sha256_hex(ld->data, ld->len, ld->art.sha256);
	ld->art.size = ld->len;
	return 0;
}

/* ------------------------------------------------------------------ */
/* known findings                                                       */
/* ------------------------------------------------------------------ */
static void zf_tr_known_add(struct zf_tr_known *k, cJSON *e, const char *file)
{
	if (!cJSON_IsObject(e))
		return;
	if (k->n == k->cap) {
		size_t nc = k->cap ? k->cap * 2 : 16;
		cJSON **ne = realloc(k->entries, nc * sizeof(*ne));
		if (!ne)
			return;
		k->entries = ne;
		char(*nf)[256] = realloc(k->files, nc * sizeof(*nf));
		if (!nf)
			return;
		k->files = nf;
		k->cap = nc;
	}
	k->entries[k->n] = e;
	snprintf(k->files[k->n], sizeof(k->files[k->n]), "%s", file);
	k->n++;
}

static int zf_tr_cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

void zf_tr_known_load(struct zf_tr_known *k, const char *dir)
{
	DIR *d;
	struct dirent *de;
	char **names = NULL;
	size_t n = 0, cap = 0;

	memset(k, 0, sizeof(*k));
	if (!dir || !(d = opendir(dir)))
		return; /* tolerated: the directory is filled by another area */
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !zf_tr_has_suffix(de->d_name, ".json"))
			continue;
		if (n == cap) {
			char **nn = realloc(names, (cap = cap ? cap * 2 : 16) * sizeof(*names));
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
		qsort(names, n, sizeof(*names), zf_tr_cmp_str);
	for (size_t i = 0; i < n; i++) {
		char *p = zf_tr_path_join(dir, names[i]);
		cJSON *doc = p ? zf_tr_read_json(p) : NULL;
		free(p);
		if (cJSON_IsArray(doc)) {
			/* an array of entries: detach each */
			while (cJSON_GetArraySize(doc))
				zf_tr_known_add(k, cJSON_DetachItemFromArray(doc, 0), names[i]);
			cJSON_Delete(doc);
		} else if (cJSON_IsObject(doc)) {
			cJSON *list = cJSON_GetObjectItemCaseSensitive(doc, "findings");
			if (!list)
				list = cJSON_GetObjectItemCaseSensitive(doc, "known");
			if (cJSON_IsArray(list)) {
				while (cJSON_GetArraySize(list))
					zf_tr_known_add(k, cJSON_DetachItemFromArray(list, 0),
							names[i]);
				cJSON_Delete(doc);
			} else {
				zf_tr_known_add(k, doc, names[i]);
			}
		} else {
			cJSON_Delete(doc);
		}
		free(names[i]);
	}
	free(names);
}

void zf_tr_known_free(struct zf_tr_known *k)
{
	for (size_t i = 0; i < k->n; i++)
		cJSON_Delete(k->entries[i]);
	free(k->entries);
	free(k->files);
	memset(k, 0, sizeof(*k));
}

/*
 * A field of a known entry matches when absent, "*", equal, or (an array)
 * when one of its strings does. For "function", an entry written for a
 * full-state walk ("oracle walk", what the finding itself records and what
 * tests/known and the soak use) also matches triage's "oracle walk: <check
 * template>" (docs/triage.md "Signature and buckets"): the check is then
 * narrowed by the entry's "classify" messages, not by the template.
 */
static bool zf_tr_known_one(const char *want, const char *got, bool walk_prefix)
{
	size_t n = strlen(want);
	if (!strcmp(want, "*") || !strcmp(want, got))
		return true;
	return walk_prefix && !strcmp(want, "oracle walk") && !strncmp(got, want, n) &&
	       !strncmp(got + n, ": ", 2);
}

static bool zf_tr_known_field(const cJSON *o, const char *key, const char *val, bool walk_prefix)
{
	const cJSON *v = o ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL, *e;
	if (!v || cJSON_IsNull(v))
		return true;
	if (cJSON_IsString(v))
		return zf_tr_known_one(v->valuestring, val, walk_prefix);
	if (!cJSON_IsArray(v) || !cJSON_GetArraySize(v))
		return true;
	cJSON_ArrayForEach(e, v)
	{
		if (cJSON_IsString(e) && zf_tr_known_one(e->valuestring, val, walk_prefix))
			return true;
	}
	return false;
}

/*
 * "classify" (the keys tests/known entries and bench/soak.c share): every
 * list given must have one entry that matches - gfp_class and order_class
 * exactly, message as a substring of the finding's message. Entries that
 * differ only by message (several oom_invoked findings) are told apart here.
 */
static bool zf_tr_known_classify(const cJSON *cl, const struct zf_report_signature *s,
				 const struct zf_finding *f)
{
	const cJSON *m, *e;
	bool any = false;

	if (!cJSON_IsObject(cl))
		return true;
	if (!zf_tr_known_field(cl, "gfp_class", s->gfp_class, false) ||
	    !zf_tr_known_field(cl, "order_class", s->order_class, false))
		return false;
	m = cJSON_GetObjectItemCaseSensitive(cl, "message");
	if (cJSON_IsString(m))
		return !f || strstr(f->message, m->valuestring);
	if (!cJSON_IsArray(m) || !cJSON_GetArraySize(m) || !f)
		return true;
	cJSON_ArrayForEach(e, m)
	{
		if (cJSON_IsString(e) && strstr(f->message, e->valuestring))
			any = true;
	}
	return any;
}

/* "profiles_affected": a finding on a profile the entry says is fixed is not that entry. */
static bool zf_tr_known_profile(const cJSON *e, int profile)
{
	const cJSON *pa = cJSON_GetObjectItemCaseSensitive(e, "profiles_affected"), *p;
	if (profile < 0 || !cJSON_IsArray(pa) || !cJSON_GetArraySize(pa))
		return true;
	cJSON_ArrayForEach(p, pa)
	{
		enum zf_profile_id id;
		if (cJSON_IsString(p) && !zf_profile_parse(p->valuestring, &id) &&
		    (int)id == profile)
			return true;
	}
	return false;
}

const cJSON *zf_tr_known_match(const struct zf_tr_known *k, const struct zf_report_signature *s,
			       const struct zf_finding *f, int profile, const char **file)
{
	for (size_t i = 0; i < k->n; i++) {
		const cJSON *e = k->entries[i],
			    *sig = cJSON_GetObjectItemCaseSensitive(e, "signature");
		bool ok;
		if (cJSON_IsString(sig)) {
			/* "ORACLE|function|gfp|order" or the bucket id */
			ok = !strcmp(sig->valuestring, s->key) || !strcmp(sig->valuestring, s->id);
		} else {
			const cJSON *o = cJSON_IsObject(sig) ? sig : e;
			const char *oracle = zf_tr_json_str(o, "oracle", NULL);
			if (!oracle)
				continue; /* an entry must name at least the oracle */
			ok = zf_tr_known_field(o, "oracle", s->oracle, false) &&
			     zf_tr_known_field(o, "function", s->function, true) &&
			     zf_tr_known_field(o, "gfp_class", s->gfp_class, false) &&
			     zf_tr_known_field(o, "order_class", s->order_class, false);
		}
		ok = ok &&
		     zf_tr_known_classify(cJSON_GetObjectItemCaseSensitive(e, "classify"), s, f) &&
		     zf_tr_known_profile(e, profile);
		if (ok) {
			*file = k->files[i];
			return e;
		}
	}
	return NULL;
}

void zf_tr_bucket_of(struct zf_tr_triage *t)
{
	char hex[65];
	int n = snprintf(t->bucket_key, sizeof(t->bucket_key), "%s", t->sig.key);

	if (n < 0 || (size_t)n >= sizeof(t->bucket_key))
		n = (int)strlen(t->bucket_key);

	/*
	 * A planted finding's bucket also names the planted bugs it needs: the
	 * leave-one-out replay (step 6) is ground truth the symptom lacks, as a
	 * Magma canary is. Two planted bugs can trip the same check in the same
	 * function (B4 and B5 both leave a stale zoneref that the premature-OOM
	 * oracle reports alike; B11 and B23 both leave NR_FREE_PAGES high), and
	 * must still be two bugs. Likewise a known finding's bucket names its
	 * tests/known entry: entries that share a signature and differ by their
	 * "classify" message are different findings. New findings keep the
	 * plain signature.
	 */
	if (!strcmp(t->kind, "known") && t->known) {
		/* entries told apart by "classify" (four oom_invoked ones) stay apart */
		n += snprintf(t->bucket_key + n, sizeof(t->bucket_key) - (size_t)n, "|known:%s",
			      zf_tr_json_str(t->known, "id", t->known_file));
	} else if (!strcmp(t->kind, "planted") && t->bugs_needed) {
		const char *sep = "|planted:";
		for (uint32_t b = 1; b && n > 0 && (size_t)n < sizeof(t->bucket_key); b <<= 1) {
			const char *name = (t->bugs_needed & b) ? zf_bug_name(b) : NULL;
			if (!name)
				continue;
			n += snprintf(t->bucket_key + n, sizeof(t->bucket_key) - (size_t)n, "%s%s",
				      sep, name);
			sep = ",";
		}
	}
	zf_report_sha256_hex(t->bucket_key, strlen(t->bucket_key), hex);
	memcpy(t->bucket_id, hex, 12);
	t->bucket_id[12] = '\0';
}

/* ------------------------------------------------------------------ */
/* the pipeline                                                         */
/* ------------------------------------------------------------------ */
/* Build the scenario from the artifact's bytes (each attempt starts here). */
static int zf_tr_make(const struct zf_tr_opts *o, const struct zf_tr_loaded *ld,
		      struct zf_scenario *sc, unsigned int *walk, char *msg, size_t msglen)
{
	if (ld->kind == ZF_TR_FUZZ_INPUT) {
		if (zf_decode((enum zf_target_kind)ld->art.target, ld->data, ld->len, sc, walk)) {
			snprintf(msg, msglen, "out of memory decoding the input");
			return -1;
		}
		return 0;
	}
	char err[512];
	if (zf_scenario_parse_json((const char *)ld->data, ld->len, sc, err, sizeof(err))) {
		snprintf(msg, msglen, "not a valid scenario: %s", err);
		return -1;
	}
	*walk = o->walk_interval;
	return 0;
}

void zf_tr_triage_free(struct zf_tr_triage *t)
{
	if (t->min) {
		zf_scenario_free(t->min);
		free(t->min);
	}
	free(t->bytes);
	zf_tr_capture_free(&t->cap);
	memset(t, 0, sizeof(*t));
}

/* A minimisation candidate of a fuzz input must still encode for its target. */
struct zf_tr_enc_arg {
	enum zf_target_kind kind;
	unsigned int walk;
};

static bool zf_tr_encodable(const struct zf_scenario *cand, void *arg)
{
	const struct zf_tr_enc_arg *a = arg;
	struct zf_scenario ren;
	char err[256];
	long n = -1;

	if (zf_tr_scenario_copy(cand, &ren))
		return false;
	(void)zf_tr_renumber_handles(&ren); /* zf_encode rejects what still matters */
	size_t cap = 4096 + 64 * (size_t)zf_tr_scenario_nr_ops(&ren);
	uint8_t *buf = malloc(cap);
	if (buf)
		n = zf_encode(a->kind, &ren, a->walk, buf, cap, err, sizeof(err));
	free(buf);
	zf_scenario_free(&ren);
	return n >= 0;
}

/* Encode the minimised scenario to bytes and check that the bytes reproduce. */
static void zf_tr_encode(const struct zf_tr_loaded *ld, const struct zf_tr_runopt *ro,
			 struct zf_tr_triage *t)
{
	static const enum zf_target_kind order[] = {ZF_TARGET_SLOWPATH, ZF_TARGET_INTERLEAVE,
						    ZF_TARGET_GFP, ZF_TARGET_BUDDY};
	struct zf_scenario ren;
	char err[256] = "", first_err[256] = "";
	size_t cap = 4096 + 64 * (size_t)zf_tr_scenario_nr_ops(t->min);
	uint8_t *buf;

	if (zf_tr_scenario_copy(t->min, &ren)) {
		snprintf(t->bytes_note, sizeof(t->bytes_note), "out of memory");
		return;
	}
	if (zf_tr_renumber_handles(&ren)) {
		/* keep the names; zf_encode says why if they matter */
	}
	buf = malloc(cap);
	if (!buf) {
		zf_scenario_free(&ren);
		return;
	}
	for (int i = -1; i < (int)(sizeof(order) / sizeof(order[0])); i++) {
		enum zf_target_kind k;
		if (i < 0) {
			if (ld->kind != ZF_TR_FUZZ_INPUT)
				continue;
			k = (enum zf_target_kind)ld->art.target;
		} else {
			k = order[i];
			if (ld->kind == ZF_TR_FUZZ_INPUT && (int)k == ld->art.target)
				continue;
		}
		long n = zf_encode(k, &ren, t->walk_interval, buf, cap, err, sizeof(err));
		if (n < 0) {
			if (!first_err[0])
				snprintf(first_err, sizeof(first_err), "%s: %.200s",
					 zf_target_name(k), err);
			continue;
		}
		/* the bytes must reproduce the same signature, or they are not the reproducer */
		struct zf_scenario dec;
		unsigned int walk = 1;
		struct zf_tr_outcome oc;
		struct zf_tr_runopt r2 = *ro;
		if (zf_decode(k, buf, (size_t)n, &dec, &walk))
			continue;
		r2.walk_interval = walk;
		zf_tr_run(&dec, &r2, NULL, &oc);
		zf_scenario_free(&dec);
		if (!oc.found || strcmp(oc.sig.key, t->sig.key)) {
			if (!first_err[0])
				snprintf(first_err, sizeof(first_err),
					 "%s: the encoded bytes do not reproduce the signature",
					 zf_target_name(k));
			continue;
		}
		t->bytes = malloc((size_t)n);
		if (!t->bytes)
			break;
		memcpy(t->bytes, buf, (size_t)n);
		t->nbytes = n;
		t->bytes_target = (int)k;
		t->bytes_verified = true;
		snprintf(t->bytes_note, sizeof(t->bytes_note),
			 "encoded with zf_encode() for the %s "
			 "target and replayed: same signature",
			 zf_target_name(k));
		/* the readable form shows the names the bytes decode to */
		zf_scenario_free(t->min);
		*t->min = ren;
		free(buf);
		return;
	}
	snprintf(t->bytes_note, sizeof(t->bytes_note),
		 "not in the ops/v2 decodable subset (%.200s)",
		 first_err[0] ? first_err : "no target");
	zf_scenario_free(&ren);
	free(buf);
}

int zf_tr_triage_one(const struct zf_tr_opts *o, const struct zf_tr_known *known,
		     struct zf_tr_loaded *ld, struct zf_tr_triage *t, char *msg, size_t msglen)
{
	struct zf_scenario base;
	struct zf_tr_runopt ro;
	struct {
		struct zf_report_signature sig;
		struct zf_finding f;
		unsigned int n;
	} seen[8];
	unsigned int nseen = 0, clean = 0, walk = 1;
	uint32_t bugs;

	memset(t, 0, sizeof(*t));
	t->art = ld->art;
	t->kind = "new";
	if (zf_tr_make(o, ld, &base, &walk, msg, msglen))
		return -1;
	bugs = base.cfg.bugs | ld->art.bugs;
	t->art.bugs = bugs;
	t->walk_interval = walk;
	t->original_ops = zf_tr_scenario_nr_ops(&base);
	memset(&ro, 0, sizeof(ro));
	ro.walk_interval = walk;
	ro.profile = -1;
	ro.set_bugs = true;
	ro.bugs = bugs;

	/* 1. reproduce from the artifact alone, o->repeat times */
	for (unsigned int i = 0; i < o->repeat; i++) {
		struct zf_scenario sc;
		struct zf_tr_outcome oc;
		unsigned int w;
		if (zf_tr_make(o, ld, &sc, &w, msg, msglen)) {
			zf_scenario_free(&base);
			return -1;
		}
		int rc = zf_tr_run(&sc, &ro, NULL, &oc);
		zf_scenario_free(&sc);
		t->attempts++;
		if (rc) {
			snprintf(msg, msglen, "cannot run: %s", oc.error);
			zf_scenario_free(&base);
			return -1;
		}
		if (!oc.found) {
			clean++;
			continue;
		}
		unsigned int k;
		for (k = 0; k < nseen && strcmp(seen[k].sig.key, oc.sig.key); k++)
			;
		if (k == nseen && nseen < 8) {
			seen[nseen].sig = oc.sig;
			seen[nseen].f = oc.f;
			seen[nseen].n = 0;
			nseen++;
		}
		if (k < 8)
			seen[k].n++;
	}
	if (!nseen) {
		snprintf(msg, msglen, "no finding reproduced (0/%u attempts)", t->attempts);
		zf_scenario_free(&base);
		return 0;
	}
	unsigned int best = 0;
	for (unsigned int k = 1; k < nseen; k++)
		if (seen[k].n > seen[best].n)
			best = k;
	t->sig = seen[best].sig;
	t->original = seen[best].f;
	t->reproduced = seen[best].n;
	for (unsigned int k = 0; k < nseen; k++)
		if (k != best && t->nr_other < 4)
			snprintf(t->other_keys[t->nr_other++], sizeof(t->other_keys[0]),
				 "%.300s (%u/%u)", seen[k].sig.key, seen[k].n, t->attempts);

	/* 2. minimise, keeping the signature */
	struct zf_tr_enc_arg enc = {.kind = (enum zf_target_kind)ld->art.target,
				    .walk = t->walk_interval};
	struct zf_tr_minopt mo = {.budget = o->budget,
				  .min_repeat = ld->kind == ZF_TR_FUZZ_INPUT ? 2 : 1};
	if (ld->kind == ZF_TR_FUZZ_INPUT) {
		mo.accept = zf_tr_encodable;
		mo.accept_arg = &enc;
	}
	t->min = calloc(1, sizeof(*t->min));
	if (!t->min || zf_tr_minimize(&base, &ro, &t->sig, &mo, t->min, &t->minstats)) {
		free(t->min);
		t->min = calloc(1, sizeof(*t->min));
		if (!t->min || zf_tr_scenario_copy(&base, t->min)) {
			snprintf(msg, msglen, "out of memory minimising");
			zf_scenario_free(&base);
			return -1;
		}
	}

	/* 3. back to bytes (zf_encode), checked */
	zf_tr_encode(ld, &ro, t);
	/* the readable reproducer stands alone: it names the planted bugs it needs */
	t->min->cfg.bugs = bugs;

	/* 4. the report's replay, with capture */
	zf_tr_run(t->min, &ro, &t->cap, &t->fin);
	if (!t->fin.found || strcmp(t->fin.sig.key, t->sig.key)) {
		/* cannot happen for a deterministic model; fall back to the original */
		zf_tr_capture_free(&t->cap);
		zf_scenario_free(t->min);
		free(t->bytes);
		t->bytes = NULL;
		t->nbytes = 0;
		snprintf(t->bytes_note, sizeof(t->bytes_note),
			 "the minimised reproducer did not replay; the original is kept");
		if (zf_tr_scenario_copy(&base, t->min)) {
			snprintf(msg, msglen, "out of memory");
			zf_scenario_free(&base);
			return -1;
		}
		t->minstats.ops_after = t->minstats.ops_before = t->original_ops;
		zf_tr_run(t->min, &ro, &t->cap, &t->fin);
		if (!t->fin.found)
			t->fin.f = t->original;
	}
	zf_scenario_free(&base);

	/* 5. every kernel profile */
	for (int p = 0; p < ZF_NR_PROFILES; p++) {
		struct zf_tr_runopt rp = ro;
		struct zf_tr_outcome oc;
		rp.profile = p;
		t->prof[p].profile = p;
		if (zf_tr_run(t->min, &rp, NULL, &oc))
			continue;
		t->prof[p].ran = true;
		if (oc.found) {
			t->prof[p].sig = oc.sig;
			t->prof[p].reproduced = !strcmp(oc.sig.key, t->sig.key);
			t->prof[p].other = !t->prof[p].reproduced;
		}
	}

	/* 6. classify: planted (it needs a planted bug), known, new */
	t->bugs_enabled = bugs;
	if (bugs) {
		struct zf_tr_runopt r0 = ro;
		struct zf_tr_outcome oc;
		r0.bugs = 0;
		zf_tr_run(t->min, &r0, NULL, &oc);
		if (!oc.found || strcmp(oc.sig.key, t->sig.key)) {
			t->kind = "planted";
			for (uint32_t b = 1; b; b <<= 1) {
				if (!(bugs & b))
					continue;
				r0.bugs = bugs & ~b;
				zf_tr_run(t->min, &r0, NULL, &oc);
				if (!oc.found || strcmp(oc.sig.key, t->sig.key))
					t->bugs_needed |= b;
			}
			if (!t->bugs_needed)
				t->bugs_needed = bugs; /* only the combination triggers it */
		}
	}
	if (known && strcmp(t->kind, "planted")) {
		const char *file = NULL;
		const cJSON *e =
		    zf_tr_known_match(known, &t->sig, &t->fin.f, (int)t->min->cfg.profile, &file);
		if (e) {
			t->kind = "known";
			t->known = (cJSON *)e;
			snprintf(t->known_file, sizeof(t->known_file), "%s", file);
		}
	}
	zf_tr_bucket_of(t);
	return 1;
}
