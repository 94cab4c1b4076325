/* SPDX-License-Identifier: MIT */
/*
 * runner.c - run one scenario the way `zonefuzz run` does: oracles plugged
 * in through the scenario observer, records printed as text or JSON lines,
 * findings and mismatches reported, /proc dumps at the end.
 *
 * Oracles are optional at build time (ZF_HAVE_ORACLES is defined when the
 * zf_oracles target exists), so the CLI builds before that library does.
 */
#define _POSIX_C_SOURCE 200809L /* open_memstream */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#ifdef ZF_HAVE_STRESS
#include "zonefuzz/stress.h"
#endif
#include "zonefuzz/scenario_cjson.h"

#ifdef ZF_HAVE_ORACLES
#include "zonefuzz/oracle.h"
#endif

void zf_cli_opts_default(struct zf_cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	zf_scenario_options_default(&o->run);
}

bool zf_cli_have_oracles(void)
{
#ifdef ZF_HAVE_ORACLES
	return true;
#else
	return false;
#endif
}

int zf_cli_parse_oracles(struct zf_cli_opts *o, const char *spec, char *err, size_t errlen)
{
	o->oracles_off = false;
	o->oracles_enabled = 0;
	if (strcmp(spec, "all") == 0)
		return 0;
	if (strcmp(spec, "none") == 0) {
		o->oracles_off = true;
		return 0;
	}
#ifdef ZF_HAVE_ORACLES
	/* "a,b" enables a and b; "all,-x" or "-x" enables all but x. */
	size_t n = zf_oracle_count() < 64 ? zf_oracle_count() : 64;
	uint64_t all = n == 64 ? UINT64_MAX : (UINT64_C(1) << n) - 1;
	uint64_t mask = 0;
	bool any = false;
	char buf[1024];
	char *save = NULL;
	snprintf(buf, sizeof(buf), "%s", spec);
	if (buf[0] == '-')
		mask = all;
	for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		bool neg = tok[0] == '-';
		any = true;
		if (strcmp(tok, "all") == 0) {
			mask = all;
			continue;
		}
		int i = zf_oracle_lookup(neg ? tok + 1 : tok);
		if (i < 0 || i >= 64) {
			snprintf(err, errlen, "unknown oracle \"%.64s\" (see `zonefuzz oracles`)",
				 neg ? tok + 1 : tok);
			return -1;
		}
		if (neg)
			mask &= ~(UINT64_C(1) << i);
		else
			mask |= UINT64_C(1) << i;
	}
	if (!any) {
		snprintf(err, errlen, "empty oracle list");
		return -1;
	}
	if (mask == 0)
		o->oracles_off = true; /* enabled == 0 would mean "all" to zf_oracles_create */
	o->oracles_enabled = mask == all ? 0 : mask;
	return 0;
#else
	snprintf(err, errlen, "this build has no oracles: only \"all\" or \"none\"");
	return -1;
#endif
}

void zf_cli_list_oracles(FILE *f)
{
#ifdef ZF_HAVE_ORACLES
	size_t n = zf_oracle_count();
	for (size_t i = 0; i < n; i++) {
		const struct zf_oracle_desc *d = zf_oracle_desc(i);
		if (!d)
			continue;
		fprintf(f, "%-28s %-18s %s\n", d->id ? d->id : "?", d->name ? d->name : "?",
			d->property ? d->property : "");
		if (d->kernel_rule)
			fprintf(f, "%-28s %-18s rule: %s\n", "", "", d->kernel_rule);
		if (d->cost)
			fprintf(f, "%-28s %-18s cost: %s\n", "", "", d->cost);
	}
#else
	fprintf(
	    f,
	    "(this build has no oracles: the zf_oracles library was not found at configure time)\n");
#endif
}

char *zf_cli_read_file(const char *path, size_t *len, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	if (!f) {
		snprintf(err, errlen, "%s", strerror(errno));
		return NULL;
	}
	buf = malloc(cap);
	while (buf) {
		if (n + 1 >= cap) {
			if (cap >= (size_t)64 << 20) {
				snprintf(err, errlen, "larger than 64 MiB");
				free(buf);
				buf = NULL;
				break;
			}
			char *nb = realloc(buf, cap * 2);
			if (!nb) {
				free(buf);
				buf = NULL;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		size_t got = fread(buf + n, 1, cap - 1 - n, f);
		n += got;
		if (got == 0) {
			if (ferror(f)) {
				snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
				free(buf);
				buf = NULL;
			}
			break;
		}
	}
	if (!buf && err[0] == '\0')
		snprintf(err, errlen, "out of memory");
	if (f != stdin)
		fclose(f);
	if (buf) {
		buf[n] = '\0';
		*len = n;
	}
	return buf;
}

/* ------------------------------------------------------------------ */
/* the observer                                                        */
/* ------------------------------------------------------------------ */
struct zf_cli_ctx {
	const char *label;
	const struct zf_scenario *sc;
	const struct zf_cli_opts *o;
	cJSON *report;
	size_t nr_findings;
#ifdef ZF_HAVE_ORACLES
	struct zf_oracle_set *oracles;
#endif
};

static void zf_cli_report_push(struct zf_cli_ctx *c, const char *array, cJSON *item)
{
	if (!item)
		return;
	if (!c->report) {
		cJSON_Delete(item);
		return;
	}
	cJSON *arr = cJSON_GetObjectItemCaseSensitive(c->report, array);
	if (!arr)
		arr = cJSON_AddArrayToObject(c->report, array);
	if (!arr || !cJSON_AddItemToArray(arr, item))
		cJSON_Delete(item);
}

/* Print a cJSON object as one line on stdout. */
static void zf_cli_print_line(const cJSON *o)
{
	char *s = cJSON_PrintUnformatted(o);
	if (s) {
		puts(s);
		free(s);
	}
}

static void zf_cli_on_record(void *priv, const struct zf_machine *m, const struct zf_sc_record *r)
{
	struct zf_cli_ctx *c = priv;
	char gfp[256], zone[48];
	(void)m;

	if (c->o->json && !c->o->quiet) {
		char *s = zf_sc_record_json(c->sc, r);
		if (s) {
			puts(s);
			free(s);
		}
	} else if (!c->o->quiet) {
		zf_gfp_format(gfp, sizeof(gfp), r->gfp);
		zf_sc_zone_id_format(zone, sizeof(zone), r->res.zone_id);
		printf("op %" PRIu64 " %s: alloc task=%s gfp=%s order=%u -> %s", r->op, r->path,
		       c->sc->tasks[r->task].name, gfp, r->order, zf_sc_result_name(r->res.status));
		if (r->res.pfn != ZF_NO_PAGE)
			printf(" pfn=%" PRIu64 " (%s)", r->res.pfn, zone);
		printf(" slowpath=%d retries=%u retry_cpuset=%u reclaim=%u compact=%u oom=%u",
		       r->res.slowpath, r->res.retries, r->res.retry_cpuset,
		       r->res.direct_reclaim_calls, r->res.direct_compact_calls,
		       r->res.oom_invoked);
		if (r->oom_killed_task >= 0)
			printf(" killed=%s", c->sc->tasks[r->oom_killed_task].name);
		if (r->res.nofail_loops)
			printf(" nofail_loops=%u", r->res.nofail_loops);
		if (r->res.stall_warnings)
			printf(" stalls=%u", r->res.stall_warnings);
		if (r->has_expect)
			printf(" expect=%s", r->nr_mismatches ? "MISMATCH" : "ok");
		putchar('\n');
	}
	if (c->report)
		zf_cli_report_push(c, "records", zf_sc_record_to_cjson(c->sc, r));
}

static void zf_cli_on_message(void *priv, enum zf_sc_msg_kind kind, uint64_t op, const char *path,
			      const char *text)
{
	struct zf_cli_ctx *c = priv;
	static const char *const kinds[] = {"error", "mismatch", "note"};
	const char *k = (unsigned int)kind < 3 ? kinds[kind] : "?";

	if (kind == ZF_SC_MSG_NOTE) {
		if (!c->o->quiet && !c->o->json)
			printf("note: op %" PRIu64 " %s: %s\n", op, path, text);
	} else if (!c->o->quiet) {
		fprintf(stderr, "zonefuzz: %s: %s%s: %s\n", c->label,
			kind == ZF_SC_MSG_MISMATCH ? "MISMATCH " : "", path, text);
	}
	if (c->o->json && !c->o->quiet) {
		cJSON *o = cJSON_CreateObject(), *in = o ? cJSON_AddObjectToObject(o, k) : NULL;
		if (in) {
			cJSON_AddNumberToObject(in, "op", (double)op);
			cJSON_AddStringToObject(in, "path", path);
			cJSON_AddStringToObject(in, "text", text);
			zf_cli_print_line(o);
		}
		cJSON_Delete(o);
	}
	if (c->report) {
		cJSON *o = cJSON_CreateObject();
		if (o) {
			cJSON_AddStringToObject(o, "kind", k);
			cJSON_AddNumberToObject(o, "op", (double)op);
			cJSON_AddStringToObject(o, "path", path);
			cJSON_AddStringToObject(o, "text", text);
		}
		zf_cli_report_push(c, "messages", o);
	}
}

/* The machine exists and nothing has run: apply a captured /proc snapshot, reset the oracles. */
static void zf_cli_start(void *priv, struct zf_machine *m)
{
	struct zf_cli_ctx *c = priv;
#ifdef ZF_HAVE_STRESS
	if (c->o->proc_snapshot) {
		char err[256] = "";
		int r = zf_proc_apply(m, c->o->proc_snapshot, err, sizeof(err));
		if (r < 0)
			fprintf(stderr, "zonefuzz: %s: --from-zoneinfo: %s\n", c->label, err);
		else if (r > 0)
			fprintf(stderr, "zonefuzz: %s: --from-zoneinfo: note: %s\n", c->label, err);
	}
#endif
#ifdef ZF_HAVE_ORACLES
	if (c->oracles)
		zf_oracles_reset(c->oracles, m);
#endif
}

#ifdef ZF_HAVE_ORACLES

static void zf_cli_on_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct zf_cli_ctx *c = priv;
	zf_oracles_on_event(c->oracles, m, ev);
}

static void zf_cli_begin_op(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct zf_cli_ctx *c = priv;
	zf_oracles_begin_op(c->oracles, m, idx);
}

static bool zf_cli_end_op(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct zf_cli_ctx *c = priv;
	zf_oracles_end_op(c->oracles, m, idx);
	return false;
}

static cJSON *zf_cli_finding_json(const struct zf_finding *f)
{
	cJSON *o = cJSON_CreateObject();
	char buf[256];

	if (!o)
		return NULL;
	cJSON_AddStringToObject(o, "oracle", f->oracle_id ? f->oracle_id : "?");
	cJSON_AddStringToObject(o, "message", f->message);
	cJSON_AddStringToObject(o, "func", f->func ? f->func : "?");
	cJSON_AddStringToObject(o, "file", f->file ? f->file : "?");
	cJSON_AddNumberToObject(o, "line", f->line);
	cJSON_AddNumberToObject(o, "op", (double)f->op_index);
	cJSON_AddNumberToObject(o, "event_seq", (double)f->event_seq);
	cJSON_AddNumberToObject(o, "jiffies", (double)f->jiffies);
	cJSON_AddBoolToObject(o, "in_alloc", f->in_alloc);
	cJSON_AddNumberToObject(o, "task", f->task);
	zf_gfp_format(buf, sizeof(buf), f->gfp);
	cJSON_AddStringToObject(o, "gfp", buf);
	cJSON_AddNumberToObject(o, "order", f->order);
	if (f->zone_id >= 0) {
		zf_sc_zone_id_format(buf, sizeof(buf), f->zone_id);
		cJSON_AddStringToObject(o, "zone", buf);
	} else {
		cJSON_AddNullToObject(o, "zone");
	}
	return o;
}
#endif

static void zf_cli_finish(void *priv, struct zf_machine *m)
{
	struct zf_cli_ctx *c = priv;

#ifdef ZF_HAVE_ORACLES
	if (c->oracles) {
		zf_oracles_finish(c->oracles, m);
		c->nr_findings = zf_oracles_nr_findings(c->oracles);
		for (size_t i = 0; i < c->nr_findings; i++) {
			const struct zf_finding *f = zf_oracles_finding(c->oracles, i);
			if (!f)
				continue;
			if (!c->o->quiet)
				fprintf(stderr,
					"zonefuzz: FINDING %s: %s (at %s %s:%d, op %" PRIu64 ")\n",
					f->oracle_id ? f->oracle_id : "?", f->message,
					f->func ? f->func : "?", f->file ? f->file : "?", f->line,
					f->op_index);
			if (c->o->json && !c->o->quiet) {
				cJSON *o = cJSON_CreateObject();
				cJSON *fj = zf_cli_finding_json(f);
				if (o && fj && cJSON_AddItemToObject(o, "finding", fj)) {
					zf_cli_print_line(o);
				} else {
					cJSON_Delete(fj);
				}
				cJSON_Delete(o);
			}
			if (c->report)
				zf_cli_report_push(c, "findings", zf_cli_finding_json(f));
		}
	}
#endif
	for (unsigned int i = 0; i < c->o->nr_dumps; i++) {
		enum zf_procfs_kind k = c->o->dumps[i];
		if (!c->o->json) {
			zf_procfs_dump(stdout, m, k);
			continue;
		}
		/* In --json mode a dump is one more JSON line: {"dump": name, "text": ...}. */
		char *text = NULL;
		size_t len = 0;
		FILE *mf = open_memstream(&text, &len);
		if (!mf)
			continue;
		zf_procfs_dump(mf, m, k);
		fclose(mf);
		cJSON *o = cJSON_CreateObject();
		if (o && cJSON_AddStringToObject(o, "dump", zf_procfs_name(k)) &&
		    cJSON_AddStringToObject(o, "text", text))
			zf_cli_print_line(o);
		cJSON_Delete(o);
		free(text);
	}
}

int zf_cli_run_scenario(const char *label, const struct zf_scenario *sc,
			const struct zf_cli_opts *o, cJSON *report, struct zf_cli_outcome *out)
{
	struct zf_cli_outcome dummy;
	struct zf_cli_ctx c = {.label = label, .sc = sc, .o = o, .report = report};
	struct zf_scenario_observer obs = {
	    .priv = &c,
	    .start = zf_cli_start,
	    .on_record = zf_cli_on_record,
	    .on_message = zf_cli_on_message,
	    .finish = zf_cli_finish,
	};

	if (!out)
		out = &dummy;
	memset(out, 0, sizeof(*out));
#ifdef ZF_HAVE_ORACLES
	if (!o->oracles_off) {
		struct zf_oracle_options oo = {
		    .enabled = o->oracles_enabled,
		    .walk_interval = o->walk_interval_set ? o->walk_interval : 1,
		    .max_findings = 64,
		};
		c.oracles = zf_oracles_create(&oo);
		if (!c.oracles) {
			fprintf(stderr, "zonefuzz: %s: cannot create the oracle set\n", label);
			return ZF_EXIT_USAGE;
		}
		obs.on_event = zf_cli_on_event;
		obs.begin_op = zf_cli_begin_op;
		obs.end_op = zf_cli_end_op;
	}
#endif
	int rc = zf_scenario_run(sc, &o->run, &obs, &out->res);
#ifdef ZF_HAVE_ORACLES
	zf_oracles_destroy(c.oracles);
#endif
	if (rc < 0) {
		fprintf(stderr, "zonefuzz: %s: %s\n", label, out->res.error);
		return ZF_EXIT_USAGE;
	}
	out->ran = true;
	out->nr_findings = c.nr_findings;

	const struct zf_scenario_result *r = &out->res;
	if (!o->quiet) {
		if (o->json) {
			cJSON *s = cJSON_CreateObject(),
			      *in = s ? cJSON_AddObjectToObject(s, "summary") : NULL;
			if (in) {
				cJSON_AddStringToObject(in, "scenario", sc->name);
				cJSON_AddNumberToObject(in, "ops", (double)r->ops_executed);
				cJSON_AddNumberToObject(in, "allocs", (double)r->nr_allocs);
				cJSON_AddNumberToObject(in, "page", (double)r->nr_alloc_ok);
				cJSON_AddNumberToObject(in, "fail", (double)r->nr_alloc_fail);
				cJSON_AddNumberToObject(in, "aborted", (double)r->nr_alloc_aborted);
				cJSON_AddNumberToObject(in, "expectations",
							(double)r->nr_expect_checked);
				cJSON_AddNumberToObject(in, "mismatches", (double)r->nr_mismatches);
				cJSON_AddNumberToObject(in, "errors", (double)r->nr_errors);
				cJSON_AddNumberToObject(in, "findings", (double)c.nr_findings);
				zf_cli_print_line(s);
			}
			cJSON_Delete(s);
		} else {
			printf("%s: %" PRIu64 " ops, %" PRIu64 " allocations (page %" PRIu64
			       ", fail %" PRIu64 ", aborted %" PRIu64 "), %" PRIu64
			       " expectations checked, %" PRIu64 " mismatches, %" PRIu64
			       " errors, %zu findings%s\n",
			       sc->name, r->ops_executed, r->nr_allocs, r->nr_alloc_ok,
			       r->nr_alloc_fail, r->nr_alloc_aborted, r->nr_expect_checked,
			       r->nr_mismatches, r->nr_errors, c.nr_findings,
			       zf_cli_have_oracles() ? (o->oracles_off ? " (oracles off)" : "")
						     : " (no oracles in this build)");
		}
	}
	if (c.nr_findings)
		return ZF_EXIT_FINDING;
	if (o->check && (r->nr_mismatches || r->nr_errors))
		return ZF_EXIT_FINDING;
	return ZF_EXIT_CLEAN;
}

const struct zf_embedded_scenario *zf_embedded_lookup(const char *name)
{
	for (size_t i = 0; i < zf_nr_embedded_scenarios; i++)
		if (strcmp(zf_embedded_scenarios[i].name, name) == 0)
			return &zf_embedded_scenarios[i];
	return NULL;
}
