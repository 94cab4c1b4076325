/* SPDX-License-Identifier: MIT */
/*
 * reports/report_sarif.c - report.sarif: SARIF 2.1.0 (OASIS), one run whose
 * tool is zonefuzz, whose rules are the oracle registry (stable ids
 * ZF_INV_*), and one result located at the model source line where the
 * invariant failed, so code-scanning viewers put it on the model's code.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#ifndef ZF_VERSION
#define ZF_VERSION "0.0.0"
#endif
#ifndef ZF_SOURCE_DIR
#define ZF_SOURCE_DIR ""
#endif

static cJSON *zf_tr_sarif_text(const char *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "text", s && *s ? s : "-");
	return o;
}

static cJSON *zf_tr_sarif_rules(void)
{
	cJSON *rules = cJSON_CreateArray();
	for (size_t i = 0; i < zf_oracle_count(); i++) {
		const struct zf_oracle_desc *d = zf_oracle_desc(i);
		cJSON *r = cJSON_CreateObject(), *dc, *pr;
		cJSON_AddStringToObject(r, "id", d->id);
		cJSON_AddStringToObject(r, "name", d->name);
		cJSON_AddItemToObject(r, "shortDescription", zf_tr_sarif_text(d->property));
		cJSON_AddItemToObject(r, "fullDescription", zf_tr_sarif_text(d->kernel_rule));
		dc = cJSON_AddObjectToObject(r, "defaultConfiguration");
		cJSON_AddStringToObject(dc, "level", "error");
		pr = cJSON_AddObjectToObject(r, "properties");
		cJSON_AddStringToObject(pr, "cost", d->cost ? d->cost : "");
		cJSON_AddItemToArray(rules, r);
	}
	return rules;
}

char *zf_tr_report_sarif(const cJSON *doc)
{
	cJSON *s = cJSON_CreateObject(), *runs, *run, *tool, *drv, *results, *res, *locs, *loc, *pl,
	      *al, *ll, *fp, *props, *bases, *base;
	const cJSON *sig = cJSON_GetObjectItemCaseSensitive(doc, "signature");
	const cJSON *locj = cJSON_GetObjectItemCaseSensitive(doc, "location");
	const char *oracle =
	    zf_tr_json_str(cJSON_GetObjectItemCaseSensitive(doc, "oracle"), "id", "?");
	const char *file = zf_tr_json_str(locj, "file", "?");
	int line = (int)zf_tr_json_num(locj, "line", 0);
	char msg[768], uri[1024];
	char *text;

	if (!s)
		return NULL;
	cJSON_AddStringToObject(s, "$schema", "https://json.schemastore.org/sarif-2.1.0.json");
	cJSON_AddStringToObject(s, "version", "2.1.0");
	runs = cJSON_AddArrayToObject(s, "runs");
	run = cJSON_CreateObject();
	cJSON_AddItemToArray(runs, run);
	tool = cJSON_AddObjectToObject(run, "tool");
	drv = cJSON_AddObjectToObject(tool, "driver");
	cJSON_AddStringToObject(drv, "name", "zonefuzz");
	cJSON_AddStringToObject(drv, "version", ZF_VERSION);
	cJSON_AddItemToObject(drv, "rules", zf_tr_sarif_rules());

	if (ZF_SOURCE_DIR[0] == '/') {
		bases = cJSON_AddObjectToObject(run, "originalUriBaseIds");
		base = cJSON_AddObjectToObject(bases, "SRCROOT");
		snprintf(uri, sizeof(uri), "file://%s/", ZF_SOURCE_DIR);
		cJSON_AddStringToObject(base, "uri", uri);
	}
	cJSON *auto_d = cJSON_AddObjectToObject(run, "automationDetails");
	snprintf(uri, sizeof(uri), "zonefuzz-triage/%s", zf_tr_json_str(doc, "id", "?"));
	cJSON_AddStringToObject(auto_d, "id", uri);

	results = cJSON_AddArrayToObject(run, "results");
	res = cJSON_CreateObject();
	cJSON_AddItemToArray(results, res);
	cJSON_AddStringToObject(res, "ruleId", oracle);
	int ri = zf_oracle_lookup(oracle);
	if (ri >= 0)
		cJSON_AddNumberToObject(res, "ruleIndex", ri);
	cJSON_AddStringToObject(res, "kind", "fail");
	cJSON_AddStringToObject(res, "level", "error");
	snprintf(msg, sizeof(msg), "%s: %s (signature %s)", zf_tr_json_str(doc, "title", "?"),
		 zf_tr_json_str(cJSON_GetObjectItemCaseSensitive(doc, "oracle"), "message", ""),
		 zf_tr_json_str(sig, "key", "?"));
	cJSON *m = cJSON_AddObjectToObject(res, "message");
	cJSON_AddStringToObject(m, "text", msg);

	locs = cJSON_AddArrayToObject(res, "locations");
	loc = cJSON_CreateObject();
	cJSON_AddItemToArray(locs, loc);
	pl = cJSON_AddObjectToObject(loc, "physicalLocation");
	al = cJSON_AddObjectToObject(pl, "artifactLocation");
	if (file[0] == '/') {
		snprintf(uri, sizeof(uri), "file://%s", file);
		cJSON_AddStringToObject(al, "uri", uri);
	} else {
		cJSON_AddStringToObject(al, "uri", file);
		if (ZF_SOURCE_DIR[0] == '/')
			cJSON_AddStringToObject(al, "uriBaseId", "SRCROOT");
	}
	if (line > 0) {
		cJSON *rg = cJSON_AddObjectToObject(pl, "region");
		cJSON_AddNumberToObject(rg, "startLine", line);
	}
	ll = cJSON_AddArrayToObject(loc, "logicalLocations");
	cJSON *lo = cJSON_CreateObject();
	cJSON_AddStringToObject(lo, "name", zf_tr_json_str(locj, "function", "?"));
	cJSON_AddStringToObject(lo, "kind", "function");
	cJSON_AddItemToArray(ll, lo);

	fp = cJSON_AddObjectToObject(res, "partialFingerprints");
	cJSON_AddStringToObject(fp, "zonefuzzSignature/v1", zf_tr_json_str(sig, "key", "?"));
	props = cJSON_AddObjectToObject(res, "properties");
	cJSON_AddStringToObject(props, "bucket", zf_tr_json_str(doc, "id", "?"));
	cJSON_AddStringToObject(
	    props, "classification",
	    zf_tr_json_str(cJSON_GetObjectItemCaseSensitive(doc, "classification"), "kind", "?"));
	cJSON_AddNumberToObject(
	    props, "occurrences",
	    zf_tr_json_num(cJSON_GetObjectItemCaseSensitive(doc, "dedup"), "count", 1));
	const char *kf = zf_tr_json_str(locj, "kernel_function", NULL);
	if (kf)
		cJSON_AddStringToObject(props, "kernelFunction", kf);

	text = cJSON_Print(s);
	cJSON_Delete(s);
	if (text) {
		size_t n = strlen(text);
		char *t2 = realloc(text, n + 2);
		if (t2) {
			t2[n] = '\n';
			t2[n + 1] = '\0';
			text = t2;
		}
	}
	return text;
}
