/* SPDX-License-Identifier: MIT */
/*
 * test_scenario_lib.c - the scenario library: JSON errors name the field,
 * malformed input never crashes or leaks (run under ASan), to_json/parse
 * round-trip, and the executor's semantics (handles, yield actions with nth
 * counting, observer stop, execution limit).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zf_test.h"
#include "zonefuzz/scenario.h"

static int parse(const char *text, struct zf_scenario *sc, char *err, size_t errlen)
{
	return zf_scenario_parse_json(text, strlen(text), sc, err, errlen);
}

/* The parse must fail with exactly this message. */
static bool parse_fails_with(const char *text, const char *want)
{
	struct zf_scenario sc;
	char err[512];

	if (parse(text, &sc, err, sizeof(err)) == 0) {
		zf_scenario_free(&sc);
		fprintf(stderr, "  parsed, expected error \"%s\"\n", want);
		return false;
	}
	if (strcmp(err, want) != 0) {
		fprintf(stderr, "  error \"%s\", expected \"%s\"\n", err, want);
		return false;
	}
	return true;
}

TEST(errors_name_the_field)
{
	expect_true(
	    parse_fails_with("{\"ops\":[{\"op\":\"drain\"},{\"op\":\"drain\"},{\"op\":\"drain\"},"
			     "{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"order\":64}]}",
			     "ops[3].order: expected an integer 0..63"));
	expect_true(
	    parse_fails_with("{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"order\":1.5}]}",
			     "ops[0].order: expected an integer 0..63"));
	expect_true(
	    parse_fails_with("{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"ordr\":1}]}",
			     "ops[0]: unknown key \"ordr\""));
	expect_true(parse_fails_with("{\"ops\":[{\"op\":\"alloc\"}]}", "ops[0].gfp: missing"));
	expect_true(
	    parse_fails_with("{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL|__GFP_BOGUS\"}]}",
			     "ops[0].gfp: unknown GFP flag \"__GFP_BOGUS\""));
	expect_true(parse_fails_with("{\"ops\":[{\"op\":\"kill\",\"task\":\"nobody\"}]}",
				     "ops[0].task: unknown task \"nobody\""));
	expect_true(parse_fails_with(
	    "{\"tasks\":[{\"name\":\"a\",\"flags\":[\"PF_BOGUS\"]}],\"ops\":[]}",
	    "tasks[0].flags[0]: unknown task flag (PF_MEMALLOC, PF_DUMPCORE, PF_MEMALLOC_NOIO, PF_MEMALLOC_NOFS, PF_KTHREAD, PF_WQ_WORKER, PF_EXITING, TIF_MEMDIE, FATAL_SIGNAL, RT, UNKILLABLE, STUCK, MMAP_LOCKED, IN_INTERRUPT)"));
	expect_true(parse_fails_with("{\"ops\":[{\"op\":\"drain\",\"op\":\"drain\"}]}",
				     "ops[0]: duplicate key \"op\""));
	expect_true(parse_fails_with("{}", "ops: missing"));
	expect_true(parse_fails_with("[]", "a scenario is a JSON object"));
	expect_true(parse_fails_with("{\"ops\":[]} x", "trailing characters at line 1, column 12"));
	expect_true(parse_fails_with("{\n\"ops\": [\n}", "invalid JSON at line 3, column 1"));
	expect_true(parse_fails_with(
	    "{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"at_yield\":[{\"point\":\"retry\","
	    "\"ops\":[{\"op\":\"drain\"},{\"op\":\"alloc\",\"gfp\":\"NOPE\"}]}]}]}",
	    "ops[0].at_yield[0].ops[1].gfp: unknown GFP flag \"NOPE\""));
	expect_true(parse_fails_with(
	    "{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"at_yield\":[{\"point\":\"soon\",\"ops\":[]}]}]}",
	    "ops[0].at_yield[0].point: expected one of after_wake_kswapd, retry, after_reclaim, after_compact, before_oom, in_oom_wait"));
	expect_true(parse_fails_with(
	    "{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"expect\":{\"retries\":{\">\":3,\"<\":2}}}]}",
	    "ops[0].expect.retries: the comparison can never hold"));
	expect_true(parse_fails_with("{\"config\":{\"cpus\":17},\"ops\":[]}",
				     "config.cpus: expected an integer 1..16"));
	expect_true(
	    parse_fails_with("{\"config\":{\"nodes\":[{\"zones\":{\"Highmem\":5}}]},\"ops\":[]}",
			     "config.nodes[0].zones: unknown key \"Highmem\""));
	expect_true(parse_fails_with("{\"tasks\":[{\"name\":\"a\",\"cpu\":2}],\"ops\":[]}",
				     "tasks[0].cpu: expected an integer 0..1"));
	expect_true(parse_fails_with("{\"fail_page_alloc\":{\"probability\":101},\"ops\":[]}",
				     "fail_page_alloc.probability: expected an integer 0..100"));
	expect_true(parse_fails_with("{\"fail_page_alloc\":{\"space\":1},\"ops\":[]}",
				     "fail_page_alloc: unknown key \"space\""));
	expect_true(parse_fails_with("{\"fail_page_alloc\":true,\"ops\":[]}",
				     "fail_page_alloc: expected an object"));
	expect_true(parse_fails_with(
	    "{\"ops\":[{\"op\":\"fly\"}]}",
	    "ops[0].op: expected an operation name (alloc, free, lru_fill, lru_dirty, lru_activate, lru_release, set_task, kill, exit, isolate, unisolate, offline_zone, online_zone, poison, kswapd, kcompactd, compact, drain, advance, repeat)"));
	return true;
}

static const char *const full_scenario =
    "{\"name\":\"full\",\"description\":\"every operation\","
    "\"config\":{\"profile\":\"4.12\",\"nodes\":[{\"zones\":{\"DMA\":1024,\"DMA32\":2048,\"Normal\":4096},"
    "\"reserved\":{\"DMA\":16},\"distance\":[10,20]},{\"zones\":{\"Normal\":4096,\"Movable\":1024},"
    "\"distance\":[20,10]}],\"cpus\":4,\"swap\":1000,\"min_free_kbytes\":512,\"bugs\":[\"B11\"],"
    "\"seed\":7,\"max_retries\":30,\"lowmem_reserve_ratio\":[256,256,32,32]},"
    "\"fail_page_alloc\":{\"probability\":50,\"interval\":3,\"times\":7,\"min_order\":0,"
    "\"ignore_gfp_highmem\":false},"
    "\"tasks\":[{\"name\":\"a\",\"cpu\":1,\"flags\":[\"PF_MEMALLOC_NOFS\",\"RT\"],\"oom_score_adj\":-5,"
    "\"mems\":[0,1],\"mempolicy\":[1]},{\"name\":\"b\"}],"
    "\"ops\":[{\"op\":\"alloc\",\"task\":\"a\",\"gfp\":\"GFP_KERNEL|__GFP_NORETRY\",\"order\":3,\"nid\":1,"
    "\"nodemask\":[1],\"handle\":\"h\",\"quiet\":true,"
    "\"expect\":{\"result\":\"fail\",\"pfn\":null,\"zone\":null,\"retries\":{\">\":0},"
    "\"oom_invoked\":{\">=\":1,\"<=\":3},\"compact_results\":[],\"oom_killed\":\"b\",\"slowpath\":true},"
    "\"at_yield\":[{\"point\":\"after_reclaim\",\"nth\":2,\"ops\":[{\"op\":\"kill\",\"task\":\"b\"},"
    "{\"op\":\"alloc\",\"task\":\"b\",\"gfp\":\"GFP_ATOMIC\"}]}]},"
    "{\"op\":\"free\",\"handle\":\"h\",\"task\":\"b\"},"
    "{\"op\":\"lru_fill\",\"task\":\"b\",\"kind\":\"anon\",\"pages\":10,\"gfp\":\"GFP_HIGHUSER_MOVABLE\"},"
    "{\"op\":\"lru_dirty\",\"task\":\"b\",\"pages\":3},{\"op\":\"lru_activate\",\"task\":\"b\",\"kind\":\"anon\",\"pages\":2},"
    "{\"op\":\"lru_release\",\"task\":\"b\",\"kind\":\"file\",\"pages\":1},"
    "{\"op\":\"set_task\",\"task\":\"a\",\"set\":[\"TIF_MEMDIE\"],\"clear\":[\"RT\"],\"mems\":[1],\"mempolicy\":[],"
    "\"oom_score_adj\":100},{\"op\":\"exit\",\"task\":\"a\"},{\"op\":\"isolate\",\"start_pfn\":512,\"pages\":512},"
    "{\"op\":\"unisolate\",\"start_pfn\":512,\"pages\":512},{\"op\":\"offline_zone\",\"node\":1,\"zone\":\"Movable\"},"
    "{\"op\":\"online_zone\",\"node\":1,\"zone\":\"Movable\"},{\"op\":\"poison\",\"pfn\":3},{\"op\":\"kswapd\",\"node\":1},"
    "{\"op\":\"kcompactd\"},{\"op\":\"compact\"},{\"op\":\"drain\"},{\"op\":\"advance\",\"ticks\":100},"
    "{\"op\":\"repeat\",\"times\":3,\"ops\":[{\"op\":\"advance\"},{\"op\":\"repeat\",\"times\":2,\"ops\":[{\"op\":\"drain\"}]}]}]}";

TEST(round_trip)
{
	struct zf_scenario a, b;
	char err[512];

	assert_eq(parse(full_scenario, &a, err, sizeof(err)), 0);
	expect_eq(a.nr_tasks, 2);
	expect_eq(a.program.count, 19);
	expect_eq(a.cfg.nr_nodes, 2);
	expect_eq(a.cfg.zone_pages[1][ZF_ZONE_MOVABLE], 1024);
	expect_eq(a.cfg.reserved_pages[0][ZF_ZONE_DMA], 16);
	expect_eq(a.cfg.bugs, ZF_BUG_B11);
	expect_eq(a.tasks[0].flags, ZF_PF_MEMALLOC_NOFS | ZF_TASK_RT);
	expect_eq(a.tasks[0].mems, 3);
	const struct zf_sc_alloc *al = &a.ops[a.program.first].u.alloc;
	expect_eq(al->gfp, ZF_GFP_KERNEL | ZF_GFP_NORETRY);
	expect_eq(al->expect.num[ZF_SC_NUM_RETRIES].min, 1);
	expect_eq(al->expect.num[ZF_SC_NUM_RETRIES].max, INT64_MAX);
	expect_eq(al->expect.num[ZF_SC_NUM_OOM_INVOKED].min, 1);
	expect_eq(al->expect.num[ZF_SC_NUM_OOM_INVOKED].max, 3);
	expect_eq(al->expect.oom_killed, 1);
	expect_eq(al->at_yield.count, 1);
	expect_eq(a.yields[al->at_yield.first].nth, 2);
	expect_eq(a.yields[al->at_yield.first].ops.count, 2);
	expect_true(a.fail_page_alloc.enabled);
	expect_eq(a.fail_page_alloc.probability, 50);
	expect_eq(a.fail_page_alloc.interval, 3);
	expect_eq(a.fail_page_alloc.times, 7);
	expect_eq(a.fail_page_alloc.min_order, 0);
	expect_true(!a.fail_page_alloc.ignore_gfp_highmem);
	expect_true(a.fail_page_alloc.ignore_gfp_reclaim); /* the kernel's default */
	assert_eq(zf_scenario_validate(&a, err, sizeof(err)), 0);

	char *ja = zf_scenario_to_json(&a);
	assert_true(ja != NULL);
	int rc = parse(ja, &b, err, sizeof(err));
	if (rc)
		fprintf(stderr, "  re-parse: %s\n", err);
	assert_eq(rc, 0);
	char *jb = zf_scenario_to_json(&b);
	assert_true(jb != NULL);
	expect_eq(strcmp(ja, jb), 0);
	expect_eq(memcmp(&a.cfg, &b.cfg, sizeof(a.cfg)), 0);
	expect_true(b.fail_page_alloc.enabled);
	expect_eq(b.fail_page_alloc.probability, a.fail_page_alloc.probability);
	expect_eq(b.fail_page_alloc.interval, a.fail_page_alloc.interval);
	expect_eq(b.fail_page_alloc.times, a.fail_page_alloc.times);
	expect_eq(b.fail_page_alloc.min_order, a.fail_page_alloc.min_order);
	expect_eq(b.fail_page_alloc.ignore_gfp_highmem, a.fail_page_alloc.ignore_gfp_highmem);
	expect_eq(b.fail_page_alloc.ignore_gfp_reclaim, a.fail_page_alloc.ignore_gfp_reclaim);
	free(ja);
	free(jb);
	zf_scenario_free(&a);
	zf_scenario_free(&b);
	return true;
}

/* splitmix64, so the test needs no rand() */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Every prefix and many byte mutations of a valid scenario: fail cleanly or parse. */
TEST(malformed_input_never_crashes)
{
	size_t len = strlen(full_scenario);
	char *buf = malloc(len + 1);
	char err[512];
	uint64_t seed = 42;
	unsigned int ok = 0;

	assert_true(buf != NULL);
	for (size_t n = 0; n < len; n++) {
		struct zf_scenario sc;
		memcpy(buf, full_scenario, n);
		buf[n] = '\0';
		if (zf_scenario_parse_json(buf, n, &sc, err, sizeof(err)) == 0) {
			ok++;
			zf_scenario_free(&sc);
		} else {
			expect_true(err[0] != '\0' && strchr(err, '\n') == NULL);
		}
	}
	expect_eq(ok, 0); /* a strict prefix is never a complete document here */
	for (int i = 0; i < 3000; i++) {
		struct zf_scenario sc;
		memcpy(buf, full_scenario, len + 1);
		for (int k = 0; k < 3; k++) {
			static const char alphabet[] = "{}[]\":,0123456789-.aetxz_ \\";
			uint64_t r = mix(&seed);
			buf[r % len] = alphabet[(r >> 32) % (sizeof(alphabet) - 1)];
		}
		if (zf_scenario_parse_json(buf, len, &sc, err, sizeof(err)) == 0) {
			char *j = zf_scenario_to_json(&sc);
			expect_true(j != NULL);
			free(j);
			zf_scenario_free(&sc);
		} else {
			expect_true(err[0] != '\0' && strchr(err, '\n') == NULL);
		}
	}
	free(buf);
	return true;
}

/* ---- executor ---- */
struct obs_log {
	unsigned int records, errors, mismatches, nested, begins, ends;
	uint64_t stop_at;
	char last_path[ZF_SC_PATH_LEN];
	char last_error[512];
};

static void on_record(void *priv, const struct zf_machine *m, const struct zf_sc_record *r)
{
	struct obs_log *l = priv;
	(void)m;
	l->records++;
	if (strstr(r->path, ".at_yield["))
		l->nested++;
	snprintf(l->last_path, sizeof(l->last_path), "%s", r->path);
}

static void on_message(void *priv, enum zf_sc_msg_kind kind, uint64_t op, const char *path,
		       const char *text)
{
	struct obs_log *l = priv;
	(void)op;
	if (kind == ZF_SC_MSG_ERROR) {
		l->errors++;
		snprintf(l->last_error, sizeof(l->last_error), "%s: %s", path, text);
	} else if (kind == ZF_SC_MSG_MISMATCH) {
		l->mismatches++;
	}
}

static void begin_op(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct obs_log *l = priv;
	(void)m;
	(void)idx;
	l->begins++;
}

static bool end_op(void *priv, const struct zf_machine *m, uint64_t idx)
{
	struct obs_log *l = priv;
	(void)m;
	l->ends++;
	return l->stop_at && idx + 1 >= l->stop_at;
}

static int run(const char *text, struct obs_log *l, struct zf_scenario_result *res,
	       uint64_t max_exec)
{
	struct zf_scenario sc;
	struct zf_scenario_options opt;
	struct zf_scenario_observer obs = {
	    .priv = l,
	    .on_record = on_record,
	    .on_message = on_message,
	    .begin_op = begin_op,
	    .end_op = end_op,
	};
	char err[512];

	if (parse(text, &sc, err, sizeof(err))) {
		fprintf(stderr, "  parse: %s\n", err);
		return -2;
	}
	zf_scenario_options_default(&opt);
	opt.max_exec = max_exec;
	int rc = zf_scenario_run(&sc, &opt, &obs, res);
	zf_scenario_free(&sc);
	return rc;
}

TEST(handles_and_errors)
{
	struct obs_log l = {0};
	struct zf_scenario_result res;

	assert_eq(
	    run("{\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"order\":2,\"handle\":\"a\","
		"\"expect\":{\"result\":\"page\",\"order\":2}},"
		"{\"op\":\"free\",\"handle\":\"a\"},{\"op\":\"free\",\"handle\":\"a\"},"
		"{\"op\":\"free\",\"handle\":\"zz\"},"
		"{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"expect\":{\"result\":\"fail\",\"slowpath\":true}}]}",
		&l, &res, 0),
	    0);
	expect_eq(res.ops_executed, 5);
	expect_eq(res.nr_allocs, 2);
	expect_eq(res.nr_errors, 2); /* already freed + unknown */
	expect_eq(res.nr_expect_checked, 2);
	expect_eq(res.nr_mismatches, 2); /* second alloc: page, fast path */
	expect_eq(l.mismatches, 2);
	expect_eq(strcmp(l.last_error, "ops[3]: free: unknown handle \"zz\""), 0);
	expect_eq(l.begins, 5);
	expect_eq(l.ends, 5);
	return true;
}

TEST(observer_stop_and_exec_limit)
{
	struct obs_log l = {.stop_at = 3};
	struct zf_scenario_result res;
	const char *prog =
	    "{\"ops\":[{\"op\":\"repeat\",\"times\":1000,\"ops\":[{\"op\":\"drain\"}]}]}";

	assert_eq(run(prog, &l, &res, 0), 0);
	expect_true(res.stopped);
	expect_eq(res.ops_executed, 3);

	struct obs_log l2 = {0};
	assert_eq(run(prog, &l2, &res, 10), 0);
	expect_true(res.exec_limit);
	expect_eq(res.ops_executed, 10);
	expect_eq(res.nr_errors, 1);
	return true;
}

/*
 * A GFP_NOFS request on a full machine loops through retry: (spec §5.9, the
 * !__GFP_FS fake progress) until the watchdog (max_retries 6): the action
 * scripted for the 3rd "retry" yield runs exactly once, nested allocation
 * records carry the at_yield path, and the outer record comes last.
 */
TEST(yield_actions_nth)
{
	struct obs_log l = {0};
	struct zf_scenario_result res;
	const char *prog =
	    "{\"config\":{\"nodes\":[{\"zones\":{\"Normal\":2048}}],\"swap\":0,\"max_retries\":6},"
	    "\"tasks\":[{\"name\":\"hog\",\"flags\":[\"UNKILLABLE\"]},{\"name\":\"fs\",\"flags\":[\"UNKILLABLE\"]}],"
	    "\"ops\":[{\"op\":\"repeat\",\"times\":2100,\"ops\":[{\"op\":\"alloc\",\"task\":\"hog\","
	    "\"gfp\":\"__GFP_MEMALLOC|__GFP_NOWARN\",\"quiet\":true}]},"
	    "{\"op\":\"alloc\",\"task\":\"fs\",\"gfp\":\"GFP_NOFS\",\"at_yield\":["
	    "{\"point\":\"retry\",\"nth\":3,\"ops\":[{\"op\":\"alloc\",\"task\":\"hog\",\"gfp\":\"GFP_NOWAIT\"}]},"
	    "{\"point\":\"retry\",\"nth\":100,\"ops\":[{\"op\":\"free\",\"handle\":\"never\"}]}]}]}";

	assert_eq(run(prog, &l, &res, 0), 0);
	expect_eq(res.nr_alloc_aborted, 1);
	expect_eq(l.records, 2);
	expect_eq(l.nested, 1);
	expect_eq(strcmp(l.last_path, "ops[1]"), 0);
	expect_eq(res.nr_errors, 0);
	expect_eq(res.ops_executed, 2101);
	return true;
}

TEST(decoder_built_scenario_validated)
{
	struct zf_scenario sc;
	struct zf_sc_range r;
	struct zf_sc_task t = {.name = "t"};
	struct zf_scenario_result res;
	char err[256];

	zf_scenario_init(&sc);
	assert_eq(zf_scenario_add_task(&sc, &t), 0);
	expect_eq(zf_scenario_add_task(&sc, &t), -1); /* duplicate name */
	assert_eq(zf_scenario_reserve_ops(&sc, 2, &sc.program), 0);
	sc.ops[0].type = ZF_SC_OP_DRAIN;
	sc.ops[1].type = ZF_SC_OP_REPEAT;
	sc.ops[1].u.repeat.times = 2;
	sc.ops[1].u.repeat.ops =
	    (struct zf_sc_range){.first = 0, .count = 1}; /* points back: a cycle */
	expect_eq(zf_scenario_validate(&sc, err, sizeof(err)), -1);
	expect_eq(zf_scenario_run(&sc, NULL, NULL, &res), -1);
	assert_eq(zf_scenario_reserve_ops(&sc, 1, &r), 0);
	sc.ops[r.first].type = ZF_SC_OP_ADVANCE;
	sc.ops[r.first].u.advance.ticks = 1;
	sc.ops[1].u.repeat.ops = r;
	expect_eq(zf_scenario_validate(&sc, err, sizeof(err)), 0);
	sc.ops[0].type = ZF_SC_OP_ALLOC;
	sc.ops[0].u.alloc.task = 5; /* no such task */
	expect_eq(zf_scenario_validate(&sc, err, sizeof(err)), -1);
	sc.ops[0].u.alloc.task = 0;
	sc.ops[0].u.alloc.gfp = ZF_GFP_KERNEL;
	sc.ops[0].u.alloc.nid = -1;
	expect_eq(zf_scenario_run(&sc, NULL, NULL, &res), 0);
	expect_eq(res.ops_executed, 3);
	expect_eq(res.nr_alloc_ok, 1);
	zf_scenario_free(&sc);
	return true;
}

/*
 * fail_page_alloc with probability 50: the failures come from the scenario's
 * seed (the same seed, the same failures), about half of the counted calls
 * fail, and "times" caps them; ignore_gfp_reclaim (the default) exempts
 * GFP_KERNEL, so only the GFP_NOWAIT requests are counted.
 */
static uint64_t fail_count(uint64_t seed, const char *times)
{
	char text[1024];
	struct obs_log l = {0};
	struct zf_scenario_result res;

	snprintf(text, sizeof(text),
		 "{\"config\":{\"seed\":%llu},\"fail_page_alloc\":{\"probability\":50,"
		 "\"min_order\":0,\"times\":%s},\"ops\":[{\"op\":\"repeat\",\"times\":200,"
		 "\"ops\":[{\"op\":\"alloc\",\"gfp\":\"GFP_NOWAIT\",\"quiet\":true},"
		 "{\"op\":\"alloc\",\"gfp\":\"GFP_KERNEL\",\"quiet\":true}]}]}",
		 (unsigned long long)seed, times);
	if (run(text, &l, &res, 0))
		return UINT64_MAX;
	return res.nr_alloc_fail;
}

TEST(fail_page_alloc_probability)
{
	uint64_t a = fail_count(1, "-1"), b = fail_count(1, "-1"), c = fail_count(2, "-1");

	expect_eq(a, b);
	expect_true(a >= 60 && a <= 140);
	expect_true(c >= 60 && c <= 140);
	expect_eq(fail_count(1, "5"), 5);
	expect_eq(fail_count(1, "0"), 0);
	return true;
}

ZF_TEST_MAIN("scenario", ZF_CASE(errors_name_the_field), ZF_CASE(round_trip),
	     ZF_CASE(malformed_input_never_crashes), ZF_CASE(handles_and_errors),
	     ZF_CASE(observer_stop_and_exec_limit), ZF_CASE(yield_actions_nth),
	     ZF_CASE(decoder_built_scenario_validated), ZF_CASE(fail_page_alloc_probability))
