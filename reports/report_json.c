/* SPDX-License-Identifier: MIT */
/*
 * reports/report_json.c - the report document (docs/report-schema.json),
 * built with cJSON only. The shape follows ecosystem notes §4.5: a title
 * and signature (ClusterFuzz crash state), a crash line and location
 * (CASR), the reproducer, build and reproducibility (syzbot), and the
 * allocator state the kernel's own OOM / dump_page reports print: free
 * pages per order and migratetype, min/low/high, managed pages, lowmem
 * reserves and vmstat counters.
 *
 * report.json is the single source of truth of a bucket: report.sarif and
 * report.html are rendered from it, so a bucket can be re-rendered (a new
 * duplicate counted) without replaying anything.
 */
#define _POSIX_C_SOURCE 200809L

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report_internal.h"

#ifndef ZF_GIT_COMMIT
#define ZF_GIT_COMMIT "unknown"
#endif
#ifndef ZF_GIT_DIRTY
#define ZF_GIT_DIRTY 0
#endif
#ifndef ZF_VERSION
#define ZF_VERSION "0.0.0"
#endif

static cJSON *zf_tr_bug_list(uint32_t bugs)
{
	cJSON *a = cJSON_CreateArray();
	for (uint32_t b = 1; a && b; b <<= 1) {
		const char *n = (bugs & b) ? zf_bug_name(b) : NULL;
		if (n)
			cJSON_AddItemToArray(a, cJSON_CreateString(n));
	}
	return a;
}

static void zf_tr_add_u64(cJSON *o, const char *k, uint64_t v)
{
	cJSON_AddNumberToObject(o, k, (double)v);
}

static void zf_tr_add_str_or_null(cJSON *o, const char *k, const char *v)
{
	if (v)
		cJSON_AddStringToObject(o, k, v);
	else
		cJSON_AddNullToObject(o, k);
}

static cJSON *zf_tr_signature_json(const struct zf_report_signature *s)
{
	cJSON *o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "oracle", s->oracle);
	cJSON_AddStringToObject(o, "function", s->function);
	cJSON_AddStringToObject(o, "gfp_class", s->gfp_class);
	cJSON_AddStringToObject(o, "order_class", s->order_class);
	cJSON_AddStringToObject(o, "key", s->key);
	cJSON_AddStringToObject(o, "id", s->id);
	return o;
}

cJSON *zf_tr_artifact_entry(const struct zf_tr_artifact_info *a, const char *bucket)
{
	cJSON *o = cJSON_CreateObject();
	char t[32];

	cJSON_AddStringToObject(o, "path", a->path);
	cJSON_AddStringToObject(o, "sha256", a->sha256);
	cJSON_AddNumberToObject(o, "size", (double)a->size);
	cJSON_AddStringToObject(o, "kind", a->kind);
	cJSON_AddStringToObject(o, "engine", a->engine);
	zf_tr_add_str_or_null(o, "target", a->target >= 0 ? zf_target_name(a->target) : NULL);
	zf_tr_iso_time(a->found, t, sizeof(t));
	cJSON_AddStringToObject(o, "found", t);
	if (a->time_to_find_s >= 0)
		cJSON_AddNumberToObject(o, "time_to_find_s", a->time_to_find_s);
	else
		cJSON_AddNullToObject(o, "time_to_find_s");
	if (bucket)
		cJSON_AddStringToObject(o, "bucket", bucket);
	return o;
}

/* buddyinfo line: "Node 0, zone    DMA32     12      3 ..." (mm/vmstat.c frag_show) */
static void zf_tr_buddyinfo_line(char *buf, size_t len, int nid, const char *name,
				 const struct zf_zone_info *zi, unsigned int max_order)
{
	int n = snprintf(buf, len, "Node %d, zone %8s ", nid, name);
	for (unsigned int o = 0; o < max_order && o < ZF_MAX_ORDER_MAX && n > 0 && (size_t)n < len;
	     o++)
		n += snprintf(buf + n, len - (size_t)n, "%6" PRIu64 " ", zi->nr_free[o]);
}

static cJSON *zf_tr_zone_json(const struct zf_tr_capture *cap, unsigned int z)
{
	const struct zf_zone_info *zi = &cap->zones[z];
	cJSON *o = cJSON_CreateObject(), *w, *lr, *fa, *lru, *cp;
	char line[256];
	unsigned int max_order = cap->cfg.max_order;

	cJSON_AddNumberToObject(o, "id", cap->zone_ids[z]);
	cJSON_AddNumberToObject(o, "node", cap->zone_ids[z] / ZF_MAX_NR_ZONES);
	cJSON_AddStringToObject(o, "name", zi->name ? zi->name : "?");
	cJSON_AddStringToObject(o, "zone", cap->zone_names[z]);
	zf_tr_add_u64(o, "start_pfn", zi->start_pfn);
	zf_tr_add_u64(o, "spanned", zi->spanned_pages);
	zf_tr_add_u64(o, "present", zi->present_pages);
	zf_tr_add_u64(o, "managed", zi->managed_pages);
	cJSON_AddNumberToObject(o, "free", (double)zi->nr_free_pages);
	cJSON_AddNumberToObject(o, "free_cma", (double)zi->nr_free_cma);
	w = cJSON_AddObjectToObject(o, "wmark");
	zf_tr_add_u64(w, "min", zi->wmark[0]);
	zf_tr_add_u64(w, "low", zi->wmark[1]);
	zf_tr_add_u64(w, "high", zi->wmark[2]);
	lr = cJSON_AddArrayToObject(o, "lowmem_reserve");
	for (int i = 0; i < ZF_MAX_NR_ZONES; i++)
		cJSON_AddItemToArray(lr, cJSON_CreateNumber((double)zi->lowmem_reserve[i]));
	fa = cJSON_AddArrayToObject(o, "free_area");
	for (unsigned int ord = 0; ord < max_order && ord < ZF_MAX_ORDER_MAX; ord++) {
		cJSON *e = cJSON_CreateObject(), *bm;
		cJSON_AddNumberToObject(e, "order", ord);
		zf_tr_add_u64(e, "nr_free", zi->nr_free[ord]);
		bm = cJSON_AddObjectToObject(e, "by_mt");
		for (int mt = 0; mt < ZF_MIGRATE_TYPES; mt++) {
			char k[2] = {zf_migratetype_letter(mt), '\0'};
			zf_tr_add_u64(bm, k, cap->by_mt[z][ord][mt]);
		}
		cJSON_AddItemToArray(fa, e);
	}
	zf_tr_buddyinfo_line(line, sizeof(line), cap->zone_ids[z] / ZF_MAX_NR_ZONES,
			     zi->name ? zi->name : "?", zi, max_order);
	cJSON_AddStringToObject(o, "buddyinfo", line);
	zf_tr_add_u64(o, "nr_reserved_highatomic", zi->nr_reserved_highatomic);
	zf_tr_add_u64(o, "nr_isolate_pageblock", zi->nr_isolate_pageblock);
	lru = cJSON_AddObjectToObject(o, "lru");
	zf_tr_add_u64(lru, "inactive_anon", zi->lru[0]);
	zf_tr_add_u64(lru, "active_anon", zi->lru[1]);
	zf_tr_add_u64(lru, "inactive_file", zi->lru[2]);
	zf_tr_add_u64(lru, "active_file", zi->lru[3]);
	zf_tr_add_u64(o, "nr_dirty", zi->nr_dirty);
	zf_tr_add_u64(o, "nr_writeback", zi->nr_writeback);
	zf_tr_add_u64(o, "nr_isolated", zi->nr_isolated);
	zf_tr_add_u64(o, "nr_allocated", zi->nr_allocated);
	zf_tr_add_u64(o, "nr_pcp", zi->nr_pcp);
	zf_tr_add_u64(o, "nr_poisoned", zi->nr_poisoned);
	zf_tr_add_u64(o, "nr_offline", zi->nr_offline);
	cp = cJSON_AddObjectToObject(o, "compaction");
	cJSON_AddNumberToObject(cp, "considered", zi->compact_considered);
	cJSON_AddNumberToObject(cp, "defer_shift", zi->compact_defer_shift);
	cJSON_AddNumberToObject(cp, "order_failed", zi->compact_order_failed);
	return o;
}

static cJSON *zf_tr_config_json(const struct zf_config *cfg)
{
	cJSON *o = cJSON_CreateObject(), *zones;
	cJSON_AddStringToObject(o, "profile", zf_profile_name(cfg->profile));
	cJSON_AddNumberToObject(o, "nodes", cfg->nr_nodes);
	cJSON_AddNumberToObject(o, "cpus", cfg->nr_cpus);
	cJSON_AddNumberToObject(o, "max_order", cfg->max_order);
	cJSON_AddNumberToObject(o, "pageblock_order", cfg->pageblock_order);
	zf_tr_add_u64(o, "swap_pages", cfg->swap_pages);
	cJSON_AddNumberToObject(o, "min_free_kbytes", (double)cfg->min_free_kbytes);
	cJSON_AddItemToObject(o, "bugs", zf_tr_bug_list(cfg->bugs));
	zones = cJSON_AddArrayToObject(o, "zone_pages");
	for (unsigned int n = 0; n < cfg->nr_nodes && n < ZF_MAX_NUMNODES; n++) {
		cJSON *row = cJSON_CreateArray();
		for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
			cJSON_AddItemToArray(row,
					     cJSON_CreateNumber((double)cfg->zone_pages[n][z]));
		cJSON_AddItemToArray(zones, row);
	}
	return o;
}

static cJSON *zf_tr_state_json(const struct zf_tr_triage *t)
{
	const struct zf_tr_capture *cap = &t->cap;
	cJSON *o = cJSON_CreateObject(), *zones, *vm, *tasks;

	cJSON_AddItemToObject(o, "config", zf_tr_config_json(&cap->cfg));
	zones = cJSON_AddArrayToObject(o, "zones");
	vm = cJSON_AddObjectToObject(o, "vmstat");
	tasks = cJSON_AddArrayToObject(o, "tasks");
	if (!cap->have_state)
		return o;
	for (unsigned int z = 0; z < cap->nr_zones; z++)
		cJSON_AddItemToArray(zones, zf_tr_zone_json(cap, z));
	for (int i = 0; i < ZF_NR_VMSTAT; i++)
		zf_tr_add_u64(vm, zf_vmstat_name((enum zf_vmstat_item)i), cap->vmstat[i]);
	for (unsigned int i = 0; i < cap->nr_tasks; i++) {
		const struct zf_task_info *ti = &cap->tasks[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "id", i);
		cJSON_AddStringToObject(e, "name", cap->task_names[i]);
		cJSON_AddBoolToObject(e, "alive", ti->alive);
		zf_tr_add_u64(e, "rss_anon", ti->rss_anon);
		zf_tr_add_u64(e, "rss_file", ti->rss_file);
		zf_tr_add_u64(e, "swapents", ti->swapents);
		cJSON_AddBoolToObject(e, "oom_victim", ti->oom_victim);
		cJSON_AddNumberToObject(e, "oom_score_adj", ti->oom_score_adj);
		cJSON_AddItemToArray(tasks, e);
	}
	return o;
}

static cJSON *zf_tr_trace_json(const struct zf_tr_capture *cap)
{
	cJSON *o = cJSON_CreateObject(), *ops, *msgs, *evs;
	char g[128], z[48];

	ops = cJSON_AddArrayToObject(o, "ops");
	for (size_t i = 0; i < cap->nr_ops; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "exec", (double)cap->ops[i].exec);
		cJSON_AddStringToObject(e, "op", cap->ops[i].text);
		cJSON_AddStringToObject(e, "result", cap->ops[i].result);
		cJSON_AddItemToArray(ops, e);
	}
	cJSON_AddNumberToObject(o, "ops_truncated", (double)cap->ops_truncated);
	msgs = cJSON_AddArrayToObject(o, "messages");
	for (size_t i = 0; i < cap->nr_messages; i++)
		cJSON_AddItemToArray(msgs, cJSON_CreateString(cap->messages[i]));
	cJSON_AddNumberToObject(o, "nr_events", (double)cap->nr_events);
	evs = cJSON_AddArrayToObject(o, "events_tail");
	uint64_t first = cap->nr_events > ZF_TR_EVENT_TAIL ? cap->nr_events - ZF_TR_EVENT_TAIL : 0;
	for (uint64_t i = first; i < cap->nr_events; i++) {
		const struct zf_event *ev = &cap->tail[i % ZF_TR_EVENT_TAIL];
		cJSON *e = cJSON_CreateObject();
		zf_tr_add_u64(e, "seq", ev->seq);
		zf_tr_add_u64(e, "jiffies", ev->jiffies);
		cJSON_AddStringToObject(e, "event", zf_event_name((enum zf_event_type)ev->type));
		cJSON_AddStringToObject(e, "function", ev->func ? ev->func : "?");
		cJSON_AddNumberToObject(e, "task", ev->task);
		if (ev->zone_id >= 0) {
			zf_sc_zone_id_format(z, sizeof(z), ev->zone_id);
			cJSON_AddStringToObject(e, "zone", z);
		} else {
			cJSON_AddNullToObject(e, "zone");
		}
		cJSON_AddNumberToObject(e, "order", ev->order);
		zf_gfp_format(g, sizeof(g), ev->gfp);
		cJSON_AddStringToObject(e, "gfp", g);
		if (ev->pfn != ZF_NO_PAGE)
			zf_tr_add_u64(e, "pfn", ev->pfn);
		else
			cJSON_AddNullToObject(e, "pfn");
		cJSON_AddNumberToObject(e, "a", (double)ev->a);
		cJSON_AddNumberToObject(e, "b", (double)ev->b);
		cJSON_AddNumberToObject(e, "c", (double)ev->c);
		cJSON_AddBoolToObject(e, "violation",
				      cap->violation_seq && ev->seq == cap->violation_seq);
		cJSON_AddItemToArray(evs, e);
	}
	return o;
}

static cJSON *zf_tr_timeline_json(const struct zf_tr_capture *cap)
{
	cJSON *o = cJSON_CreateObject(), *zones, *ops, *marks;

	cJSON_AddNumberToObject(o, "samples", (double)cap->nr_samples);
	ops = cJSON_AddArrayToObject(o, "op");
	for (size_t s = 0; s < cap->nr_samples; s++)
		cJSON_AddItemToArray(ops, cJSON_CreateNumber((double)cap->samples[s].op));
	zones = cJSON_AddArrayToObject(o, "zones");
	for (unsigned int z = 0; z < cap->nr_zones; z++) {
		cJSON *e = cJSON_CreateObject();
		static const char *const wn[3] = {"min", "low", "high"};
		cJSON *free_a;
		cJSON_AddStringToObject(e, "zone", cap->zone_names[z]);
		free_a = cJSON_AddArrayToObject(e, "free");
		for (size_t s = 0; s < cap->nr_samples; s++)
			cJSON_AddItemToArray(free_a,
					     cJSON_CreateNumber((double)cap->samples[s].free[z]));
		for (int w = 0; w < 3; w++) {
			cJSON *a = cJSON_AddArrayToObject(e, wn[w]);
			for (size_t s = 0; s < cap->nr_samples; s++)
				cJSON_AddItemToArray(
				    a, cJSON_CreateNumber((double)cap->samples[s].wmark[z][w]));
		}
		cJSON_AddItemToArray(zones, e);
	}
	marks = cJSON_AddArrayToObject(o, "marks");
	for (size_t i = 0; i < cap->nr_marks; i++) {
		cJSON *e = cJSON_CreateObject();
		cJSON_AddNumberToObject(e, "sample", (double)cap->marks[i].sample);
		cJSON_AddStringToObject(e, "kind", zf_tr_mark_name(cap->marks[i].kind));
		cJSON_AddStringToObject(e, "label", cap->marks[i].label);
		cJSON_AddItemToArray(marks, e);
	}
	return o;
}

static cJSON *zf_tr_reproducer_json(const struct zf_tr_triage *t)
{
	cJSON *o = cJSON_CreateObject(), *orig, *mn, *rp, *other;
	char *js = t->min ? zf_scenario_to_json(t->min) : NULL;
	cJSON *scj = js ? cJSON_Parse(js) : NULL;
	char cmd[512], bugs[128] = "";
	size_t bo = 0;

	free(js);
	for (uint32_t b = 1; b; b <<= 1) {
		const char *n = (t->art.bugs & b) ? zf_bug_name(b) : NULL;
		if (n && bo + 8 < sizeof(bugs))
			bo += (size_t)snprintf(bugs + bo, sizeof(bugs) - bo, "%s%s", bo ? "," : "",
					       n);
	}
	cJSON_AddStringToObject(o, "format", "zonefuzz-scenario");
	if (scj)
		cJSON_AddItemToObject(o, "scenario", scj);
	else
		cJSON_AddNullToObject(o, "scenario");
	if (t->bytes && t->nbytes > 0) {
		cJSON *b = cJSON_AddObjectToObject(o, "bytes");
		char *b64 = zf_tr_base64(t->bytes, (size_t)t->nbytes);
		char sha[65];
		zf_report_sha256_hex(t->bytes, (size_t)t->nbytes, sha);
		cJSON_AddStringToObject(b, "format", ZF_DEC_FORMAT);
		cJSON_AddStringToObject(b, "target", zf_target_name(t->bytes_target));
		cJSON_AddNumberToObject(b, "walk_interval", t->walk_interval);
		cJSON_AddStringToObject(b, "encoding", "base64");
		cJSON_AddNumberToObject(b, "size", (double)t->nbytes);
		cJSON_AddStringToObject(b, "sha256", sha);
		cJSON_AddStringToObject(b, "data", b64 ? b64 : "");
		cJSON_AddBoolToObject(b, "verified", t->bytes_verified);
		free(b64);
		snprintf(cmd, sizeof(cmd), "%s%s%szf-replay-%s reproducer.bin",
			 bo ? "ZF_BUGS=" : "", bugs, bo ? " " : "",
			 zf_target_name(t->bytes_target));
	} else {
		cJSON_AddNullToObject(o, "bytes");
		/* the scenario's config names its planted bugs itself */
		snprintf(cmd, sizeof(cmd), "zonefuzz run --walk-interval %u reproducer.json",
			 t->walk_interval);
	}
	cJSON_AddStringToObject(o, "bytes_note", t->bytes_note);
	cJSON_AddStringToObject(o, "command", cmd);
	orig = cJSON_AddObjectToObject(o, "original");
	cJSON_AddStringToObject(orig, "path", t->art.path);
	cJSON_AddStringToObject(orig, "sha256", t->art.sha256);
	cJSON_AddNumberToObject(orig, "size", (double)t->art.size);
	cJSON_AddStringToObject(orig, "kind", t->art.kind);
	cJSON_AddNumberToObject(orig, "ops", t->original_ops);
	cJSON_AddStringToObject(orig, "message", t->original.message);
	mn = cJSON_AddObjectToObject(o, "minimized");
	cJSON_AddNumberToObject(mn, "ops", t->minstats.ops_after);
	cJSON_AddNumberToObject(mn, "ops_before", t->minstats.ops_before);
	cJSON_AddNumberToObject(mn, "tests", t->minstats.tests);
	cJSON_AddBoolToObject(mn, "budget_exhausted", t->minstats.budget_exhausted);
	rp = cJSON_AddObjectToObject(o, "reproducibility");
	cJSON_AddNumberToObject(rp, "attempts", t->attempts);
	cJSON_AddNumberToObject(rp, "reproduced", t->reproduced);
	cJSON_AddNumberToObject(rp, "rate", t->attempts ? (double)t->reproduced / t->attempts : 0);
	cJSON_AddBoolToObject(rp, "stable", t->attempts && t->reproduced == t->attempts);
	other = cJSON_AddArrayToObject(rp, "other_signatures");
	for (unsigned int i = 0; i < t->nr_other && i < 4; i++)
		cJSON_AddItemToArray(other, cJSON_CreateString(t->other_keys[i]));
	return o;
}

cJSON *zf_tr_report_build(const struct zf_tr_triage *t, time_t now)
{
	const struct zf_finding *f = &t->fin.f;
	const struct zf_tr_capture *cap = &t->cap;
	cJSON *doc = cJSON_CreateObject(), *c, *o, *l, *a, *p, *pv, *b;
	char buf[512], g[160], ts[32];
	int oi = zf_oracle_lookup(f->oracle_id);
	const struct zf_oracle_desc *od = oi >= 0 ? zf_oracle_desc((size_t)oi) : NULL;
	bool walk = !f->func || !strcmp(f->func, "oracle walk");
	const char *kfunc = zf_tr_kernel_function(f->func);
	char optext[200] = "";

	if (!doc)
		return NULL;
	if (f->op_index < cap->nr_unrolled && t->min)
		zf_tr_describe_op(t->min, cap->unrolled_ref[f->op_index], optext, sizeof(optext));
	if (walk && f->op_index < cap->nr_unrolled && t->min)
		kfunc = zf_tr_op_kernel_function(t->min->ops[cap->unrolled_ref[f->op_index]].type);

	zf_tr_iso_time(now, ts, sizeof(ts));
	cJSON_AddStringToObject(doc, "schema", ZF_REPORT_SCHEMA);
	cJSON_AddStringToObject(doc, "id", t->bucket_id);
	if (walk)
		/* a walk has no site: the check and the operation it followed name it */
		snprintf(buf, sizeof(buf), "INVARIANT %s: %s (after %s)", t->sig.oracle,
			 t->sig.function + strlen("oracle walk: "), kfunc ? kfunc : "an operation");
	else if (strcmp(t->sig.gfp_class, "none"))
		snprintf(buf, sizeof(buf), "INVARIANT %s in %s (%s, %s)", t->sig.oracle,
			 t->sig.function, t->sig.gfp_class, t->sig.order_class);
	else
		snprintf(buf, sizeof(buf), "INVARIANT %s in %s", t->sig.oracle, t->sig.function);
	cJSON_AddStringToObject(doc, "title", buf);
	cJSON_AddStringToObject(doc, "created", ts);
	cJSON_AddStringToObject(doc, "updated", ts);
	cJSON *sj = zf_tr_signature_json(&t->sig);
	/* the bucket's key: the signature, + the planted bugs a planted finding needs */
	cJSON_AddStringToObject(sj, "bucket_key", t->bucket_key);
	cJSON_AddItemToObject(doc, "signature", sj);

	c = cJSON_AddObjectToObject(doc, "classification");
	cJSON_AddStringToObject(c, "kind", t->kind);
	cJSON_AddItemToObject(c, "bugs_enabled", zf_tr_bug_list(t->bugs_enabled));
	cJSON_AddItemToObject(c, "planted_bugs", zf_tr_bug_list(t->bugs_needed));
	if (t->known) {
		cJSON *k = cJSON_AddObjectToObject(c, "known");
		cJSON_AddStringToObject(k, "file", t->known_file);
		cJSON_AddStringToObject(k, "id", zf_tr_json_str(t->known, "id", t->known_file));
		cJSON_AddStringToObject(k, "explanation",
					zf_tr_json_str(t->known, "explanation", ""));
	} else {
		cJSON_AddNullToObject(c, "known");
	}
	cJSON_AddStringToObject(c, "crash_type", "ASSERT");
	snprintf(buf, sizeof(buf), "zonefuzz: ASSERTION FAILED: %s in %s", f->oracle_id,
		 f->func ? f->func : "?");
	cJSON_AddStringToObject(c, "crash_line", buf);

	o = cJSON_AddObjectToObject(doc, "oracle");
	cJSON_AddStringToObject(o, "id", f->oracle_id ? f->oracle_id : "?");
	cJSON_AddStringToObject(o, "name", od ? od->name : "?");
	cJSON_AddStringToObject(o, "property", od && od->property ? od->property : "");
	cJSON_AddStringToObject(o, "kernel_rule", od && od->kernel_rule ? od->kernel_rule : "");
	cJSON_AddStringToObject(o, "message", f->message);

	l = cJSON_AddObjectToObject(doc, "location");
	cJSON_AddStringToObject(l, "file", zf_tr_relative_source(f->file));
	cJSON_AddNumberToObject(l, "line", f->line);
	cJSON_AddStringToObject(l, "function", f->func ? f->func : "?");
	zf_tr_add_str_or_null(l, "kernel_function", kfunc);
	snprintf(buf, sizeof(buf), "%s:%d", zf_tr_relative_source(f->file), f->line);
	cJSON_AddStringToObject(l, "crashline", buf);
	cJSON_AddStringToObject(l, "found_by", walk ? "walk" : "event");
	zf_tr_add_u64(l, "op_index", f->op_index);
	cJSON_AddStringToObject(l, "operation", optext);
	zf_tr_add_u64(l, "event_seq", f->event_seq);
	zf_tr_add_u64(l, "jiffies", f->jiffies);

	a = cJSON_AddObjectToObject(doc, "allocation");
	cJSON_AddBoolToObject(a, "in_progress", f->in_alloc);
	if (f->in_alloc) {
		cJSON_AddNumberToObject(a, "task", f->task);
		zf_tr_add_str_or_null(
		    a, "task_name",
		    f->task >= 0 && f->task < (int)cap->nr_tasks ? cap->task_names[f->task] : NULL);
		zf_gfp_format(g, sizeof(g), f->gfp);
		cJSON_AddStringToObject(a, "gfp", g);
		snprintf(buf, sizeof(buf), "%#x", f->gfp);
		cJSON_AddStringToObject(a, "gfp_hex", buf);
		cJSON_AddNumberToObject(a, "order", f->order);
	} else {
		cJSON_AddNullToObject(a, "task");
		cJSON_AddNullToObject(a, "task_name");
		cJSON_AddNullToObject(a, "gfp");
		cJSON_AddNullToObject(a, "gfp_hex");
		cJSON_AddNullToObject(a, "order");
	}
	if (f->zone_id >= 0) {
		zf_sc_zone_id_format(buf, sizeof(buf), f->zone_id);
		cJSON_AddStringToObject(a, "zone", buf);
	} else {
		cJSON_AddNullToObject(a, "zone");
	}

	cJSON_AddItemToObject(doc, "model_state", zf_tr_state_json(t));
	cJSON_AddItemToObject(doc, "reproducer", zf_tr_reproducer_json(t));

	p = cJSON_AddArrayToObject(doc, "profiles");
	for (int i = 0; i < ZF_NR_PROFILES; i++) {
		const struct zf_tr_profile_result *r = &t->prof[i];
		cJSON *e = cJSON_CreateObject();
		cJSON_AddStringToObject(e, "profile", zf_profile_name((enum zf_profile_id)i));
		cJSON_AddStringToObject(e, "result",
					!r->ran         ? "error"
					: r->reproduced ? "reproduced"
					: r->other      ? "other-finding"
							: "clean");
		zf_tr_add_str_or_null(e, "signature",
				      r->ran && (r->reproduced || r->other) ? r->sig.key : NULL);
		cJSON_AddItemToArray(p, e);
	}

	pv = cJSON_AddObjectToObject(doc, "provenance");
	cJSON_AddStringToObject(pv, "engine", t->art.engine);
	zf_tr_add_str_or_null(pv, "target",
			      t->art.target >= 0 ? zf_target_name(t->art.target) : NULL);
	cJSON_AddStringToObject(pv, "artifact", t->art.path);
	zf_tr_iso_time(t->art.found, ts, sizeof(ts));
	cJSON_AddStringToObject(pv, "found", ts);
	if (t->art.time_to_find_s >= 0)
		cJSON_AddNumberToObject(pv, "time_to_find_s", t->art.time_to_find_s);
	else
		cJSON_AddNullToObject(pv, "time_to_find_s");
	if (t->art.execs >= 0)
		cJSON_AddNumberToObject(pv, "execs", t->art.execs);
	else
		cJSON_AddNullToObject(pv, "execs");
	b = cJSON_AddObjectToObject(pv, "build");
	cJSON_AddStringToObject(b, "git_commit", ZF_GIT_COMMIT);
	cJSON_AddBoolToObject(b, "dirty", ZF_GIT_DIRTY != 0);
	cJSON_AddStringToObject(b, "version", ZF_VERSION);
#if defined(__clang__)
	snprintf(buf, sizeof(buf), "clang %d.%d.%d", __clang_major__, __clang_minor__,
		 __clang_patchlevel__);
#elif defined(__GNUC__)
	snprintf(buf, sizeof(buf), "gcc %d.%d.%d", __GNUC__, __GNUC_MINOR__, __GNUC_PATCHLEVEL__);
#else
	snprintf(buf, sizeof(buf), "unknown");
#endif
	cJSON_AddStringToObject(b, "compiler", buf);
	if (t->art.vm)
		cJSON_AddItemToObject(pv, "vm", cJSON_Duplicate(t->art.vm, 1));
	else
		cJSON_AddNullToObject(pv, "vm");

	cJSON_AddItemToObject(doc, "trace", zf_tr_trace_json(cap));
	cJSON_AddItemToObject(doc, "timeline", zf_tr_timeline_json(cap));
	return doc;
}
