/* SPDX-License-Identifier: MIT */
/*
 * targets/harness.c - decode, run with the oracles, abort on a finding.
 *
 * The process-wide state here belongs to the fuzz target (engine options read
 * from the environment once, and the oracle sets reused from input to input),
 * never to the model: each input runs on a fresh machine built by the
 * scenario executor.
 *
 * Speed (docs/benchmarks.md, "Executions per second"): the oracles' full
 * walks are O(pages) and were most of an input's time at the intervals the
 * header picks (1 to 64 operations). By default an input first runs with the
 * final walk only (every per-event check stays on); only an input that shows
 * a new finding there (not a ZF_FUZZ_IGNORE one) is run again at its header's
 * interval, and that second run is the one reported, so what a finding prints
 * (oracle, function, operation, message) is what it was with walks at the
 * header's interval. Walks only read the model, and what a walk writes (its
 * scratch bitmaps) no event hook reads (oracles/conservation.c, buddy.c,
 * counters.c, compaction.c), so both runs see the same events and the same
 * per-event findings. What the first run cannot see is a state a walk would
 * have found broken between two operations and that the model repaired
 * before the end (none in the seed corpora, the random sets and the planted
 * bugs measured in docs/benchmarks.md). ZF_FUZZ_WALK=input restores walks at
 * the header's interval on every input.
 */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zonefuzz/oracle.h"
#include "zonefuzz/scenario.h"

/* hs.walk without ZF_FUZZ_WALK: final walk only, then the header's interval on a finding */
#define WALK_CONFIRM (-1)
/* ZF_FUZZ_WALK=input: the header's interval on every input (the behaviour before the above) */
#define WALK_INPUT (-2)
/* walk intervals 0, 1, 4, 16, 64 (the header's) and one ZF_FUZZ_WALK value */
#define HARNESS_NR_SETS 6

struct harness_state {
	bool init;
	bool no_abort;
	uint32_t bugs;
	uint64_t enabled;
	bool diff; /* ZF_FUZZ_DIFF: report only findings the planted bugs cause */
	int walk;  /* ZF_FUZZ_WALK: N >= 0 walks every N ops; WALK_CONFIRM or WALK_INPUT */
	struct zf_fuzz_cov *cov; /* slow-path label/goto counting, NULL: off */
	/* ZF_FUZZ_IGNORE: known findings ("ORACLE_ID", "ORACLE_ID@function[~message text]") */
	unsigned int nr_ignore;
	char ignore[16][96];
	/*
	 * Oracle sets kept from input to input, one per walk interval: a set is
	 * about 190 KiB (256 findings of room, 180 KiB, and per-pfn bitmaps) that
	 * zf_oracles_reset() clears at the start of each run, so creating one
	 * per input only cost a calloc and its page faults.
	 */
	struct {
		struct zf_oracle_set *set;
		unsigned int walk;
	} sets[HARNESS_NR_SETS];
};

static struct harness_state hs;

static void harness_init(void);

static void set_ignore(const char *list)
{
	char buf[1536];

	hs.nr_ignore = 0;
	if (!list || !*list)
		return;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *tok = strtok(buf, ","); tok && hs.nr_ignore < 16; tok = strtok(NULL, ","))
		snprintf(hs.ignore[hs.nr_ignore++], sizeof(hs.ignore[0]), "%s", tok);
}

void zf_fuzz_set_ignore(const char *list)
{
	if (!hs.init)
		harness_init();
	set_ignore(list);
}

static void harness_init(void)
{
	const char *e;

	hs.init = true;
	hs.walk = WALK_CONFIRM;
	e = getenv("ZF_FUZZ_WALK");
	if (e && !strcmp(e, "input")) {
		hs.walk = WALK_INPUT;
	} else if (e && *e) {
		char *end;
		long n = strtol(e, &end, 10);
		if (*end || n < 0 || n > 1000000) {
			fprintf(
			    stderr,
			    "zonefuzz: ZF_FUZZ_WALK: expected \"input\" or 0..1000000, got '%s'\n",
			    e);
			exit(2);
		}
		hs.walk = (int)n;
	}
	e = getenv("ZF_FUZZ_DIFF");
	hs.diff = e && *e && strcmp(e, "0");
	e = getenv("ZF_FUZZ_NO_ABORT");
	hs.no_abort = e && *e && strcmp(e, "0");
	e = getenv("ZF_BUGS");
	if (e && *e) {
		char buf[256];
		snprintf(buf, sizeof(buf), "%s", e);
		for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
			uint32_t b;
			if (zf_bug_parse(tok, &b)) {
				fprintf(stderr, "zonefuzz: ZF_BUGS: unknown planted bug '%s'\n",
					tok);
				exit(2);
			}
			hs.bugs |= b;
		}
	}
	set_ignore(getenv("ZF_FUZZ_IGNORE"));
	e = getenv("ZF_ORACLES");
	if (e && *e && strcmp(e, "all")) {
		char buf[512];
		snprintf(buf, sizeof(buf), "%s", e);
		if (strcmp(buf, "none")) {
			for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
				int i = zf_oracle_lookup(tok);
				if (i < 0) {
					fprintf(stderr,
						"zonefuzz: ZF_ORACLES: unknown oracle '%s'\n", tok);
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
	size_t nr_known; /* findings [0, nr_known) are known ones (ZF_FUZZ_IGNORE) */
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
				if (!strcmp(name,
					    zf_slowpath_label_name((enum zf_slowpath_label)i)))
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

/*
 * A known finding (ZF_FUZZ_IGNORE) does not stop the run: the engines keep
 * exploring past it, and only a finding that is not on the list aborts.
 */
/*
 * One ZF_FUZZ_IGNORE entry: ORACLE_ID, ORACLE_ID@function, or
 * ORACLE_ID@function~text (the finding's message must also contain text: a
 * known finding that shares its oracle and function with findings that are
 * not known, tests/known's "fuzz_ignore").
 */
static bool finding_matches(const struct zf_finding *f, const char *entry)
{
	const char *at = strchr(entry, '@');
	const char *tilde = at ? strchr(at + 1, '~') : NULL;
	size_t n = at ? (size_t)(at - entry) : strlen(entry);

	if (strncmp(f->oracle_id, entry, n) || f->oracle_id[n])
		return false;
	if (!at)
		return true;
	size_t fl = tilde ? (size_t)(tilde - (at + 1)) : strlen(at + 1);
	if (!f->func || strncmp(f->func, at + 1, fl) || f->func[fl])
		return false;
	return !tilde || strstr(f->message, tilde + 1) != NULL;
}

static bool finding_ignored(const struct zf_finding *f)
{
	for (unsigned int i = 0; i < hs.nr_ignore; i++)
		if (finding_matches(f, hs.ignore[i]))
			return true;
	return false;
}

/* The first finding that is not a known one, or NULL. */
static const struct zf_finding *first_new_finding(const struct zf_oracle_set *o)
{
	size_t n = zf_oracles_nr_findings(o);
	for (size_t i = 0; i < n; i++) {
		const struct zf_finding *f = zf_oracles_finding(o, i);
		if (!finding_ignored(f))
			return f;
	}
	return NULL;
}

/*
 * Is there a finding that is not a known one? The findings already judged
 * known are skipped: this runs after every operation, and a run past known
 * findings would otherwise match each of them against the list every time.
 */
static bool has_new_finding(struct run_ctx *c)
{
	size_t n = zf_oracles_nr_findings(c->oracles);
	for (; c->nr_known < n; c->nr_known++)
		if (!finding_ignored(zf_oracles_finding(c->oracles, c->nr_known)))
			return true;
	return false;
}

static bool obs_end(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct run_ctx *c = priv;
	zf_oracles_end_op(c->oracles, m, idx);
	return has_new_finding(c);
}

static void obs_finish(void *priv, struct zf_machine *m)
{
	struct run_ctx *c = priv;
	if (!has_new_finding(c))
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

static struct zf_oracle_set *new_set(unsigned int walk)
{
	/* room for known (ignored) findings before a new one */
	struct zf_oracle_options oo = {
	    .enabled = hs.enabled, .walk_interval = walk, .max_findings = 256};
	return zf_oracles_create(&oo);
}

/* The kept set for this walk interval (created on first use), or NULL (no memory). */
static struct zf_oracle_set *kept_set(unsigned int walk)
{
	for (unsigned int i = 0; i < HARNESS_NR_SETS; i++) {
		if (hs.sets[i].set && hs.sets[i].walk == walk)
			return hs.sets[i].set;
		if (!hs.sets[i].set) {
			hs.sets[i].set = new_set(walk);
			hs.sets[i].walk = walk;
			return hs.sets[i].set;
		}
	}
	return new_set(walk); /* never: one slot per interval the harness uses */
}

static bool is_kept(const struct zf_oracle_set *o)
{
	for (unsigned int i = 0; i < HARNESS_NR_SETS; i++)
		if (hs.sets[i].set == o)
			return true;
	return false;
}

static void put_set(struct zf_oracle_set *o)
{
	if (!is_kept(o))
		zf_oracles_destroy(o);
}

/* Run sc (its cfg.bugs as set) under the oracle set o, counting into cov (NULL: not). */
static void run_with_oracles(const struct zf_scenario *sc, struct zf_oracle_set *o,
			     struct zf_fuzz_cov *cov)
{
	struct run_ctx ctx = {.oracles = o};
	struct zf_fuzz_cov *saved = hs.cov;

	hs.cov = cov;
	struct zf_scenario_observer obs = {.priv = &ctx,
					   .start = obs_start,
					   .on_event = obs_event,
					   .begin_op = obs_begin,
					   .end_op = obs_end,
					   .finish = obs_finish};
	struct zf_scenario_result res;
	zf_scenario_run(sc, NULL, &obs, &res);
	hs.cov = saved;
}

/* Add the label and goto counts of one run (scratch) to cov. */
static void add_run_counts(struct zf_fuzz_cov *cov, const struct zf_fuzz_cov *run)
{
	for (int i = 0; i < ZF_NR_LABELS; i++)
		cov->labels[i] += run->labels[i];
	for (int i = 0; i < ZF_NR_GOTOS; i++)
		cov->gotos[i] += run->gotos[i];
}

/*
 * Run the input the way the harness is configured (see the top of the file):
 * the set returned holds the findings to judge (put_set() when done), NULL
 * when out of memory.
 */
static struct zf_oracle_set *run_input(const struct zf_scenario *sc, unsigned int header_walk)
{
	struct zf_oracle_set *o;

	if (hs.walk != WALK_CONFIRM) {
		o = kept_set(hs.walk == WALK_INPUT ? header_walk : (unsigned int)hs.walk);
		if (o)
			run_with_oracles(sc, o, hs.cov);
		return o;
	}
	/* final walk only; the counts are kept only if this is the run reported */
	struct zf_fuzz_cov run_cov;
	if (hs.cov)
		memset(&run_cov, 0, sizeof(run_cov));
	o = kept_set(0);
	if (!o)
		return NULL;
	run_with_oracles(sc, o, hs.cov ? &run_cov : NULL);
	if (!first_new_finding(o) || header_walk == 0) {
		if (hs.cov)
			add_run_counts(hs.cov, &run_cov);
		return o;
	}
	/* a finding: the reported run walks at the header's interval, as it always did */
	o = kept_set(header_walk);
	if (o)
		run_with_oracles(sc, o, hs.cov);
	return o;
}

/*
 * ZF_FUZZ_DIFF=1 (planted-bug benchmarks): a finding counts only when the
 * planted bugs cause it. The model is deterministic, so the same input is
 * run once more with the bugs off; if that run reports the same oracle in
 * the same function, the finding is one the unmodified model has (a known
 * finding of its kernel version), not the planted bug.
 */
static bool planted_bug_finding(struct zf_scenario *sc, unsigned int walk,
				const struct zf_finding *f)
{
	uint32_t bugs = sc->cfg.bugs;
	bool caused = true;

	sc->cfg.bugs &= ~hs.bugs;
	/* a set of its own: f lives in the set of the run being judged */
	struct zf_oracle_set *clean = new_set(walk);
	if (clean)
		run_with_oracles(sc, clean, NULL);
	sc->cfg.bugs = bugs;
	if (!clean)
		return true;
	for (size_t i = 0; i < zf_oracles_nr_findings(clean) && caused; i++) {
		const struct zf_finding *g = zf_oracles_finding(clean, i);
		if (!strcmp(g->oracle_id, f->oracle_id) &&
		    !strcmp(g->func ? g->func : "", f->func ? f->func : ""))
			caused = false;
	}
	zf_oracles_destroy(clean);
	return caused;
}

/*
 * Run one decoded or parsed scenario under the oracles (walks at the input's
 * interval, see run_input) and report its first finding that is not a known
 * one (report_and_abort).
 */
static void judge_input(struct zf_scenario *sc, unsigned int walk)
{
	sc->cfg.bugs |= hs.bugs;
	if (hs.walk >= 0)
		walk = (unsigned int)hs.walk;

	struct zf_oracle_set *o = run_input(sc, walk);
	if (!o)
		return;
	const struct zf_finding *f = first_new_finding(o);
	if (hs.cov && !f && zf_oracles_nr_findings(o))
		hs.cov->known_findings++;
	if (f && hs.diff && hs.bugs && !planted_bug_finding(sc, walk, f))
		f = NULL; /* the model without the planted bugs finds it too: a known finding */
	if (f) {
		if (hs.cov)
			hs.cov->findings++;
		report_and_abort(f, sc);
	}
	put_set(o);
}

/* An input's bytes as scenario JSON (NUL-terminated copy): 0, or -1 with err set. */
static int parse_json_input(const uint8_t *data, size_t size, struct zf_scenario *sc, char *err,
			    size_t errlen)
{
	char *text = malloc(size + 1);
	if (!text) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	memcpy(text, data, size);
	text[size] = '\0';
	int rc = zf_scenario_parse_json(text, size, sc, err, errlen);
	free(text);
	return rc;
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
		if (parse_json_input(data, size, &sc, err, sizeof(err)) == 0) {
			char *js = zf_scenario_to_json(&sc);
			free(js);
			zf_scenario_free(&sc);
		}
		return 0;
	}

	if (zf_decode(kind, data, size, &sc, &walk))
		return 0;
	if (hs.cov) {
		hs.cov->inputs++;
		count_gfp_classes(kind, &sc);
	}
	judge_input(&sc, walk);
	zf_scenario_free(&sc);
	return 0;
}

/*
 * Walk interval of a scenario file: what its ctest runs use
 * (tests/scenarios/CMakeLists.txt), their setup loops run thousands of
 * operations and a walk is O(pages).
 */
#define JSON_WALK 64

int zf_fuzz_one_json(const uint8_t *data, size_t size)
{
	struct zf_scenario sc;
	char err[256];

	if (!hs.init)
		harness_init();
	if (parse_json_input(data, size, &sc, err, sizeof(err))) {
		fprintf(stderr, "zonefuzz: scenario: %s\n", err);
		return 0;
	}
	if (hs.cov)
		hs.cov->inputs++;
	judge_input(&sc, JSON_WALK);
	zf_scenario_free(&sc);
	return 0;
}
