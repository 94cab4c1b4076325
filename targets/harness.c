/* SPDX-License-Identifier: MIT */
/*
 * targets/harness.c - decode, run with the oracles, abort on a finding.
 *
 * The process-wide state here belongs to the fuzz target (engine options read
 * from the environment once), never to the model: each input runs on a fresh
 * machine built by the scenario executor.
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonefuzz/oracle.h"
#include "zonefuzz/scenario.h"

struct harness_state {
	bool init;
	bool no_abort;
	uint32_t bugs;
	uint64_t enabled;
	struct zf_fuzz_cov *cov; /* slow-path label/goto counting, NULL: off */
};

static struct harness_state hs;

static void harness_init(void)
{
	const char *e;

	hs.init = true;
	e = getenv("ZF_FUZZ_NO_ABORT");
	hs.no_abort = e && *e && strcmp(e, "0");
	e = getenv("ZF_BUGS");
	if (e && *e) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", e);
		for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
			uint32_t b;
			if (zf_bug_parse(tok, &b)) {
				fprintf(stderr, "zonefuzz: ZF_BUGS: unknown planted bug '%s'\n", tok);
				exit(2);
			}
			hs.bugs |= b;
		}
	}
	e = getenv("ZF_ORACLES");
	if (e && *e && strcmp(e, "all")) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", e);
		if (strcmp(buf, "none")) {
			for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
				int i = zf_oracle_lookup(tok);
				if (i < 0) {
					fprintf(stderr, "zonefuzz: ZF_ORACLES: unknown oracle '%s'\n",
						tok);
					exit(2);
				}
				hs.enabled |= 1ULL << i;
			}
		} else {
			hs.enabled = ~0ULL << 63; /* a bit no oracle has: none enabled */
		}
	}
}

struct run_ctx {
	struct zf_oracle_set *oracles;
};

static void obs_start(void *priv, struct zf_machine *m)
{
	struct run_ctx *c = priv;
	zf_oracles_reset(c->oracles, m);
}

static void obs_event(void *priv, const struct zf_machine *m, const struct zf_event *ev)
{
	struct run_ctx *c = priv;
	if (hs.cov) {
		if (ev->type == ZF_EV_SLOWPATH_LABEL && ev->label < ZF_NR_LABELS)
			hs.cov->labels[ev->label]++;
		else if (ev->type == ZF_EV_SLOWPATH_GOTO && ev->label < ZF_NR_GOTOS)
			hs.cov->gotos[ev->label]++;
	}
	zf_oracles_on_event(c->oracles, m, ev);
}

void zf_fuzz_count_into(struct zf_fuzz_cov *cov)
{
	hs.cov = cov;
}

/* The gfp classes of every alloc op the decoder produced, nested ones included. */
static void count_gfp_classes(enum zf_target_kind kind, const struct zf_scenario *sc)
{
	for (uint32_t i = 0; i < sc->nr_ops; i++) {
		if (sc->ops[i].type != ZF_SC_OP_ALLOC)
			continue;
		int c = zf_decoder_gfp_class_of(kind, sc->ops[i].u.alloc.gfp);
		if (c >= 0 && c < ZF_DEC_MAX_GFP_CLASSES)
			hs.cov->gfp_classes[c]++;
	}
}

int zf_fuzz_cov_write(const struct zf_fuzz_cov *cov, const char *path)
{
	FILE *f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "inputs %llu\n", (unsigned long long)cov->inputs);
	fprintf(f, "findings %llu\n", (unsigned long long)cov->findings);
	for (int i = 0; i < ZF_NR_LABELS; i++)
		fprintf(f, "label %s %llu\n", zf_slowpath_label_name((enum zf_slowpath_label)i),
			(unsigned long long)cov->labels[i]);
	for (int i = 0; i < ZF_NR_GOTOS; i++)
		fprintf(f, "goto %s %llu\n", zf_slowpath_goto_name((enum zf_slowpath_goto)i),
			(unsigned long long)cov->gotos[i]);
	for (int i = 0; i < ZF_DEC_MAX_GFP_CLASSES; i++)
		fprintf(f, "gfp %d %llu\n", i, (unsigned long long)cov->gfp_classes[i]);
	return fclose(f) ? -1 : 0;
}

int zf_fuzz_cov_read(struct zf_fuzz_cov *cov, const char *path)
{
	char line[256], kind[16], name[128];
	unsigned long long n;
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "inputs %llu", &n) == 1) {
			cov->inputs += n;
			continue;
		}
		if (sscanf(line, "findings %llu", &n) == 1) {
			cov->findings += n;
			continue;
		}
		if (sscanf(line, "%15s %127s %llu", kind, name, &n) != 3)
			continue;
		if (!strcmp(kind, "label")) {
			for (int i = 0; i < ZF_NR_LABELS; i++)
				if (!strcmp(name, zf_slowpath_label_name((enum zf_slowpath_label)i)))
					cov->labels[i] += n;
		} else if (!strcmp(kind, "goto")) {
			for (int i = 0; i < ZF_NR_GOTOS; i++)
				if (!strcmp(name, zf_slowpath_goto_name((enum zf_slowpath_goto)i)))
					cov->gotos[i] += n;
		} else if (!strcmp(kind, "gfp")) {
			int c = atoi(name);
			if (c >= 0 && c < ZF_DEC_MAX_GFP_CLASSES)
				cov->gfp_classes[c] += n;
		}
	}
	fclose(f);
	return 0;
}

static void obs_begin(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct run_ctx *c = priv;
	zf_oracles_begin_op(c->oracles, m, idx);
}

static bool obs_end(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct run_ctx *c = priv;
	zf_oracles_end_op(c->oracles, m, idx);
	return zf_oracles_nr_findings(c->oracles) != 0;
}

static void obs_finish(void *priv, struct zf_machine *m)
{
	struct run_ctx *c = priv;
	if (!zf_oracles_nr_findings(c->oracles))
		zf_oracles_finish(c->oracles, m);
}

static void report_and_abort(const struct zf_finding *f, const struct zf_scenario *sc)
{
	char gfp[128];

	zf_gfp_format(gfp, sizeof(gfp), f->gfp);
	/* The first line is the crash state: stable per (oracle, model function). */
	fprintf(stderr, "zonefuzz: ASSERTION FAILED: %s in %s\n", f->oracle_id,
		f->func ? f->func : "?");
	fprintf(stderr, "zonefuzz: message: %s\n", f->message);
	fprintf(stderr, "zonefuzz: at %s:%d, op %llu, event %llu, jiffies %llu\n",
		f->file ? f->file : "?", f->line, (unsigned long long)f->op_index,
		(unsigned long long)f->event_seq, (unsigned long long)f->jiffies);
	if (f->in_alloc)
		fprintf(stderr, "zonefuzz: allocation: task %d gfp_mask=%#x(%s) order=%u\n",
			f->task, f->gfp, gfp, f->order);
	if (f->zone_id >= 0)
		fprintf(stderr,
			"zonefuzz: zone %s: free %lld min %llu low %llu high %llu managed %llu\n",
			f->zone.name, (long long)f->zone.nr_free_pages,
			(unsigned long long)f->zone.wmark[0], (unsigned long long)f->zone.wmark[1],
			(unsigned long long)f->zone.wmark[2],
			(unsigned long long)f->zone.managed_pages);
	if (getenv("ZF_FUZZ_PRINT_SCENARIO")) {
		char *js = zf_scenario_to_json(sc);
		if (js)
			fprintf(stderr, "%s\n", js);
		free(js);
	}
	if (!hs.no_abort)
		abort();
}

int zf_fuzz_one(enum zf_target_kind kind, const uint8_t *data, size_t size)
{
	struct zf_scenario sc;
	unsigned int walk = 1;

	if (!hs.init)
		harness_init();

	if (kind == ZF_TARGET_SCENARIO) {
		/* robustness of the JSON parser: any bytes, no crash, no leak */
		char err[256];
		char *text = malloc(size + 1);
		if (!text)
			return 0;
		memcpy(text, data, size);
		text[size] = '\0';
		if (zf_scenario_parse_json(text, size, &sc, err, sizeof(err)) == 0) {
			char *js = zf_scenario_to_json(&sc);
			free(js);
			zf_scenario_free(&sc);
		}
		free(text);
		return 0;
	}

	if (zf_decode(kind, data, size, &sc, &walk))
		return 0;
	sc.cfg.bugs |= hs.bugs;
	if (hs.cov) {
		hs.cov->inputs++;
		count_gfp_classes(kind, &sc);
	}

	struct zf_oracle_options oo = {.enabled = hs.enabled, .walk_interval = walk};
	struct run_ctx ctx = {.oracles = zf_oracles_create(&oo)};
	if (!ctx.oracles) {
		zf_scenario_free(&sc);
		return 0;
	}
	struct zf_scenario_observer obs = {.priv = &ctx,
					   .start = obs_start,
					   .on_event = obs_event,
					   .begin_op = obs_begin,
					   .end_op = obs_end,
					   .finish = obs_finish};
	struct zf_scenario_result res;
	zf_scenario_run(&sc, NULL, &obs, &res);
	if (zf_oracles_nr_findings(ctx.oracles)) {
		if (hs.cov)
			hs.cov->findings++;
		report_and_abort(zf_oracles_finding(ctx.oracles, 0), &sc);
	}
	zf_oracles_destroy(ctx.oracles);
	zf_scenario_free(&sc);
	return 0;
}
