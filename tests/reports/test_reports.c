/* SPDX-License-Identifier: MIT */
/*
 * test_reports.c - the triage pieces on their own: signature classes
 * (docs/triage.md), SHA-256 and base64 against their standards' test
 * vectors, atomic writes, known-finding matching, handle renumbering and
 * the minimiser on a planted bug whose trigger is known from the spec.
 */
#define _POSIX_C_SOURCE 200809L

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "report_internal.h"
#include "zf_test.h"

/* ---- signature classes ---- */
TEST(gfp_class_reclaim_context)
{
	char b[32];
	/* spec §1.4 composites: what each one allows the slow path to do */
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_KERNEL, true, b, sizeof(b)), "kernel"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_NOFS, true, b, sizeof(b)), "nofs"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_NOIO, true, b, sizeof(b)), "noio"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_ATOMIC_MASK, true, b, sizeof(b)), "atomic"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_NOWAIT, true, b, sizeof(b)), "nowait"));
	expect_true(
	    !strcmp(zf_report_gfp_class(ZF_GFP_HIGHUSER_MOVABLE, true, b, sizeof(b)), "kernel"));
	/* THP light has no direct reclaim */
	expect_true(
	    !strcmp(zf_report_gfp_class(ZF_GFP_TRANSHUGE_LIGHT, true, b, sizeof(b)), "nowait"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_KERNEL, false, b, sizeof(b)), "none"));
	return true;
}

TEST(gfp_class_retry_mode)
{
	char b[32];
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_KERNEL | ZF_GFP_NOFAIL, true, b, sizeof(b)),
			    "kernel+nofail"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_NOFS | ZF_GFP_NORETRY, true, b, sizeof(b)),
			    "nofs+noretry"));
	expect_true(!strcmp(zf_report_gfp_class(ZF_GFP_KERNEL | ZF_GFP_REPEAT, true, b, sizeof(b)),
			    "kernel+repeat"));
	/* NOFAIL decides the exit whatever else is set */
	expect_true(!strcmp(
	    zf_report_gfp_class(ZF_GFP_KERNEL | ZF_GFP_NOFAIL | ZF_GFP_NORETRY, true, b, sizeof(b)),
	    "kernel+nofail"));
	/* zone and mobility modifiers do not split a class */
	expect_true(!strcmp(
	    zf_report_gfp_class(ZF_GFP_KERNEL | ZF_GFP_DMA32 | ZF_GFP_ZERO, true, b, sizeof(b)),
	    "kernel"));
	return true;
}

TEST(order_class_costly_boundary)
{
	/* PAGE_ALLOC_COSTLY_ORDER = 3 (spec §1.1) */
	expect_true(!strcmp(zf_report_order_class(0, 11, true), "order-0"));
	expect_true(!strcmp(zf_report_order_class(1, 11, true), "low"));
	expect_true(!strcmp(zf_report_order_class(3, 11, true), "low"));
	expect_true(!strcmp(zf_report_order_class(4, 11, true), "costly"));
	expect_true(!strcmp(zf_report_order_class(10, 11, true), "costly"));
	/* MAX_ORDER and above never reach the free lists (B18) */
	expect_true(!strcmp(zf_report_order_class(11, 11, true), "invalid"));
	expect_true(!strcmp(zf_report_order_class(6, 6, true), "invalid"));
	expect_true(!strcmp(zf_report_order_class(2, 11, false), "none"));
	return true;
}

TEST(message_template_drops_instances)
{
	char a[128], b[128];
	zf_report_message_template("zone DMA32: NR_FREE_PAGES 512 != 511 pages on lists", a,
				   sizeof(a));
	zf_report_message_template("zone Normal: NR_FREE_PAGES 2048 != 2046 pages on lists", b,
				   sizeof(b));
	expect_true(!strcmp(a, "zone Z: NR_FREE_PAGES N != N pages on lists"));
	expect_true(!strcmp(a, b));
	zf_report_message_template("free block 0x1a20 order 3 at pfn 4096", a, sizeof(a));
	expect_true(!strcmp(a, "free block N order N at pfn N"));
	return true;
}

TEST(signature_of_event_and_walk_findings)
{
	struct zf_finding f;
	struct zf_report_signature s;
	char hex[65];

	memset(&f, 0, sizeof(f));
	f.oracle_id = "ZF_INV_GFP";
	f.func = "__alloc_pages_may_oom";
	f.in_alloc = true;
	f.gfp = ZF_GFP_NOFS;
	f.order = 5;
	zf_report_signature_of(&f, 11, &s);
	expect_true(!strcmp(s.key, "ZF_INV_GFP|__alloc_pages_may_oom|nofs|costly"));
	zf_report_sha256_hex(s.key, strlen(s.key), hex);
	expect_true(!strncmp(s.id, hex, 12) && strlen(s.id) == 12);

	/* a walk finding: the check (message template) stands in for the site */
	f.func = "oracle walk";
	f.in_alloc = false;
	snprintf(f.message, sizeof(f.message), "zone DMA: NR_PCP 3 != 4 pages on pcp lists");
	zf_report_signature_of(&f, 11, &s);
	expect_true(!strcmp(s.function, "oracle walk: zone Z: NR_PCP N != N pages on pcp lists"));
	expect_true(!strcmp(s.gfp_class, "none") && !strcmp(s.order_class, "none"));
	return true;
}

/* ---- SHA-256 (FIPS 180-4 examples) and base64 (RFC 4648 §10) ---- */
TEST(sha256_fips_vectors)
{
	char h[65];
	zf_report_sha256_hex("abc", 3, h);
	expect_true(!strcmp(h, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
	zf_report_sha256_hex("", 0, h);
	expect_true(!strcmp(h, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
	const char *two = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	zf_report_sha256_hex(two, strlen(two), h);
	expect_true(!strcmp(h, "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
	return true;
}

TEST(base64_rfc4648_vectors)
{
	static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
	static const char *const out[] = {"",         "Zg==",     "Zm8=",    "Zm9v",
					  "Zm9vYg==", "Zm9vYmE=", "Zm9vYmFy"};
	for (int i = 0; i < 7; i++) {
		char *e = zf_tr_base64((const uint8_t *)in[i], strlen(in[i]));
		uint8_t *d = NULL;
		size_t n = 0;
		assert_true(e);
		expect_true(!strcmp(e, out[i]));
		expect_eq(zf_tr_base64_decode(e, &d, &n), 0);
		expect_eq(n, strlen(in[i]));
		expect_true(!memcmp(d, in[i], n));
		free(d);
		free(e);
	}
	uint8_t *d = NULL;
	size_t n;
	expect_eq(zf_tr_base64_decode("Zm9", &d, &n), -1);
	expect_eq(zf_tr_base64_decode("Z=9v", &d, &n), -1);
	return true;
}

/* ---- atomic writes ---- */
TEST(write_atomic_replaces_whole_file)
{
	char dir[] = "/tmp/zf-report-test-XXXXXX", err[256];
	assert_true(mkdtemp(dir));
	char *p = zf_tr_path_join(dir, "a.json");
	assert_eq(zf_tr_write_atomic(p, "old", 3, err, sizeof(err)), 0);
	assert_eq(zf_tr_write_atomic(p, "new content", 11, err, sizeof(err)), 0);
	uint8_t *d;
	size_t n;
	assert_eq(zf_tr_read_file(p, &d, &n, err, sizeof(err)), 0);
	expect_eq(n, 11);
	expect_true(!memcmp(d, "new content", 11));
	free(d);
	/* a failing write (the target is a directory) leaves nothing behind */
	char *sub = zf_tr_path_join(dir, "sub");
	assert_eq(zf_tr_mkdir_p(sub, err, sizeof(err)), 0);
	expect_eq(zf_tr_write_atomic(sub, "x", 1, err, sizeof(err)), -1);
	char tmp[512];
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", sub, (long)getpid());
	struct stat st;
	expect_true(stat(tmp, &st) != 0);
	unlink(p);
	rmdir(sub);
	rmdir(dir);
	free(sub);
	free(p);
	return true;
}

/* ---- known findings ---- */
TEST(known_match_fields_and_wildcards)
{
	struct zf_tr_known k;
	struct zf_report_signature s;
	const char *file = NULL;

	memset(&k, 0, sizeof(k));
	memset(&s, 0, sizeof(s));
	snprintf(s.oracle, sizeof(s.oracle), "ZF_INV_LIVELOCK");
	snprintf(s.function, sizeof(s.function), "__alloc_pages_slowpath");
	snprintf(s.gfp_class, sizeof(s.gfp_class), "kernel+nofail");
	snprintf(s.order_class, sizeof(s.order_class), "order-0");
	snprintf(s.key, sizeof(s.key),
		 "ZF_INV_LIVELOCK|__alloc_pages_slowpath|kernel+nofail|order-0");
	snprintf(s.id, sizeof(s.id), "0123456789ab");

	char dir[] = "/tmp/zf-known-test-XXXXXX", err[128];
	assert_true(mkdtemp(dir));
	char *a = zf_tr_path_join(dir, "a.json"), *b = zf_tr_path_join(dir, "b.json");
	const char *ja =
	    "{\"signature\": {\"oracle\": \"ZF_INV_GFP\"}, \"explanation\": \"other\"}";
	const char *jb =
	    "[{\"oracle\": \"ZF_INV_LIVELOCK\", \"gfp_class\": \"*\", "
	    "\"function\": \"__alloc_pages_slowpath\", \"explanation\": \"NOFAIL loops\"}]";
	assert_eq(zf_tr_write_atomic(a, ja, strlen(ja), err, sizeof(err)), 0);
	assert_eq(zf_tr_write_atomic(b, jb, strlen(jb), err, sizeof(err)), 0);
	zf_tr_known_load(&k, dir);
	expect_eq(k.n, 2);
	const cJSON *e = zf_tr_known_match(&k, &s, NULL, -1, &file);
	assert_true(e != NULL);
	expect_true(!strcmp(file, "b.json"));
	expect_true(!strcmp(zf_tr_json_str(e, "explanation", ""), "NOFAIL loops"));
	snprintf(s.oracle, sizeof(s.oracle), "ZF_INV_BUDDY");
	expect_true(zf_tr_known_match(&k, &s, NULL, -1, &file) == NULL);
	zf_tr_known_free(&k);
	/* an absent directory is tolerated */
	zf_tr_known_load(&k, "/nonexistent/zonefuzz/known");
	expect_eq(k.n, 0);
	unlink(a);
	unlink(b);
	rmdir(dir);
	free(a);
	free(b);
	return true;
}

/*
 * tests/known entries for full-state walks say "oracle walk" (what the
 * finding records); triage's signature says "oracle walk: <check template>".
 * The prefix matches, "classify" messages pick the entry, and a profile the
 * entry lists as fixed does not match.
 */
TEST(known_match_walk_prefix_classify_profiles)
{
	struct zf_tr_known k;
	struct zf_report_signature s;
	struct zf_finding f;
	const char *file = NULL;
	enum zf_profile_id p412, p61;
	char dir[] = "/tmp/zf-known-walk-XXXXXX", err[128];

	assert_eq(zf_profile_parse("4.12", &p412), 0);
	assert_eq(zf_profile_parse("6.1", &p61), 0);
	memset(&f, 0, sizeof(f));
	f.oracle_id = "ZF_INV_COUNTERS";
	f.func = "oracle walk";
	snprintf(f.message, sizeof(f.message),
		 "zone DMA: NR_FREE_PAGES 512 != 511 pages on non-ISOLATE free lists");
	zf_report_signature_of(&f, 11, &s);
	assert_true(!strncmp(s.function, "oracle walk: ", 13));

	assert_true(mkdtemp(dir));
	char *a = zf_tr_path_join(dir, "a.json"), *b = zf_tr_path_join(dir, "b.json");
	/* a.json sorts first and shares oracle and function: only its message differs */
	const char *ja = "{\"id\": \"K-ha\", \"signature\": {\"oracle\": \"ZF_INV_COUNTERS\", "
			 "\"function\": \"oracle walk\"}, \"classify\": {\"message\": "
			 "[\"nr_reserved_highatomic\"]}, \"explanation\": \"x\"}";
	const char *jb = "{\"id\": \"K-nr\", \"signature\": {\"oracle\": \"ZF_INV_COUNTERS\", "
			 "\"function\": \"oracle walk\"}, \"classify\": {\"message\": "
			 "[\"NR_FREE_PAGES\"]}, \"profiles_affected\": [\"4.12\", \"4.13\"], "
			 "\"explanation\": \"y\"}";
	assert_eq(zf_tr_write_atomic(a, ja, strlen(ja), err, sizeof(err)), 0);
	assert_eq(zf_tr_write_atomic(b, jb, strlen(jb), err, sizeof(err)), 0);
	zf_tr_known_load(&k, dir);
	expect_eq(k.n, 2);
	const cJSON *e = zf_tr_known_match(&k, &s, &f, (int)p412, &file);
	assert_true(e != NULL);
	expect_true(!strcmp(zf_tr_json_str(e, "id", ""), "K-nr"));
	expect_true(!strcmp(file, "b.json"));
	/* 6.1 is not among the entry's affected profiles */
	expect_true(zf_tr_known_match(&k, &s, &f, (int)p61, &file) == NULL);
	/* the other check of the same oracle picks the other entry */
	snprintf(f.message, sizeof(f.message),
		 "zone Normal: nr_reserved_highatomic 512 != 0 HIGHATOMIC pageblocks * 512");
	zf_report_signature_of(&f, 11, &s);
	e = zf_tr_known_match(&k, &s, &f, (int)p61, &file);
	assert_true(e != NULL);
	expect_true(!strcmp(zf_tr_json_str(e, "id", ""), "K-ha"));
	/* "oracle walk" is a prefix of walk signatures only, not of any function */
	f.func = "oracle walker";
	zf_report_signature_of(&f, 11, &s);
	expect_true(zf_tr_known_match(&k, &s, &f, (int)p412, &file) == NULL);
	zf_tr_known_free(&k);
	unlink(a);
	unlink(b);
	rmdir(dir);
	free(a);
	free(b);
	return true;
}

/* The bucket: the signature, + the planted bugs needed, + the known entry. */
TEST(bucket_key_names_planted_bugs_and_known_entry)
{
	struct zf_tr_triage t;
	char hex[65];
	cJSON *entry = cJSON_Parse("{\"id\": \"pcp-update-race\"}");

	memset(&t, 0, sizeof(t));
	snprintf(t.sig.key, sizeof(t.sig.key), "ZF_INV_PREMATURE_OOM|oom_invoked|kernel|order-0");
	t.kind = "new";
	zf_tr_bucket_of(&t);
	expect_true(!strcmp(t.bucket_key, t.sig.key));
	zf_report_sha256_hex(t.bucket_key, strlen(t.bucket_key), hex);
	expect_true(!strncmp(t.bucket_id, hex, 12) && strlen(t.bucket_id) == 12);
	t.kind = "planted";
	t.bugs_needed = ZF_BUG_B4;
	zf_tr_bucket_of(&t);
	expect_true(
	    !strcmp(t.bucket_key, "ZF_INV_PREMATURE_OOM|oom_invoked|kernel|order-0|planted:B4"));
	char b4[13];
	memcpy(b4, t.bucket_id, sizeof(b4));
	t.bugs_needed = ZF_BUG_B5;
	zf_tr_bucket_of(&t);
	expect_true(strcmp(b4, t.bucket_id) != 0); /* same symptom, two bugs, two buckets */
	t.bugs_needed = ZF_BUG_B4 | ZF_BUG_B5;
	zf_tr_bucket_of(&t);
	expect_true(
	    !strcmp(t.bucket_key, "ZF_INV_PREMATURE_OOM|oom_invoked|kernel|order-0|planted:B4,B5"));
	t.kind = "known";
	t.known = entry;
	zf_tr_bucket_of(&t);
	expect_true(!strcmp(
	    t.bucket_key, "ZF_INV_PREMATURE_OOM|oom_invoked|kernel|order-0|known:pcp-update-race"));
	cJSON_Delete(entry);
	return true;
}

/* ---- minimiser ---- */
/*
 * Planted bug B23 (take_page_off_buddy() leaves NR_FREE_PAGES one page high):
 * a poison of a free page alone trips the NR_FREE_PAGES equality (spec §2),
 * so everything else in the input is noise the minimiser must remove.
 */
TEST(minimize_keeps_only_the_trigger)
{
	/* buddy target, geometry 0, walk interval 1 (ops/v2: header byte 2 = 1); ops: alloc,
	 * alloc, drain, poison pfn 3000, alloc */
	static const uint8_t in[] = {0, 0, 1, 0, 0, 0,          0,         0, 1, 1, 1, 1,
				     8, 0, 0, 0, 9, 3000 & 255, 3000 >> 8, 0, 2, 0, 2, 0};
	struct zf_scenario sc, min;
	unsigned int walk;
	struct zf_tr_runopt ro = {.profile = -1, .set_bugs = true, .bugs = ZF_BUG_B23};
	struct zf_tr_outcome o;
	struct zf_tr_minopt mo = {.budget = 200, .min_repeat = 2};
	struct zf_tr_minstats st;

	assert_eq(zf_decode(ZF_TARGET_BUDDY, in, sizeof(in), &sc, &walk), 0);
	ro.walk_interval = walk;
	expect_eq(sc.program.count, 5);
	assert_eq(zf_tr_run(&sc, &ro, NULL, &o), 0);
	assert_true(o.found);
	expect_true(!strcmp(o.sig.oracle, "ZF_INV_COUNTERS"));
	/* the run stops after the violating operation (the poison, op 3) */
	expect_eq(o.f.op_index, 3);
	assert_eq(zf_tr_minimize(&sc, &ro, &o.sig, &mo, &min, &st), 0);
	expect_eq(st.ops_before, 5);
	expect_eq(st.ops_after, 1);
	expect_eq(min.program.count, 1);
	expect_eq(min.ops[min.program.first].type, ZF_SC_OP_POISON);
	expect_eq(min.ops[min.program.first].u.poison.pfn, 3000);
	/* without the planted bug the same operation is clean */
	struct zf_tr_runopt r0 = ro;
	r0.bugs = 0;
	assert_eq(zf_tr_run(&min, &r0, NULL, &o), 0);
	expect_false(o.found);
	zf_scenario_free(&min);
	zf_scenario_free(&sc);
	return true;
}

TEST(renumber_handles_in_encoder_order)
{
	struct zf_scenario sc;
	struct zf_sc_range r;
	zf_scenario_init(&sc);
	struct zf_sc_task t = {.name = "a"};
	assert_true(zf_scenario_add_task(&sc, &t) == 0);
	assert_eq(zf_scenario_reserve_ops(&sc, 3, &r), 0);
	sc.program = r;
	sc.ops[0].type = ZF_SC_OP_ALLOC;
	snprintf(sc.ops[0].u.alloc.handle, ZF_SC_NAME_LEN, "h3");
	sc.ops[1].type = ZF_SC_OP_ALLOC;
	snprintf(sc.ops[1].u.alloc.handle, ZF_SC_NAME_LEN, "h7");
	sc.ops[2].type = ZF_SC_OP_FREE;
	snprintf(sc.ops[2].u.free.handle, ZF_SC_NAME_LEN, "h7");
	sc.ops[2].u.free.task = -1;
	assert_eq(zf_tr_renumber_handles(&sc), 0);
	expect_true(!strcmp(sc.ops[0].u.alloc.handle, "h0"));
	expect_true(!strcmp(sc.ops[1].u.alloc.handle, "h1"));
	expect_true(!strcmp(sc.ops[2].u.free.handle, "h1"));
	zf_scenario_free(&sc);
	return true;
}

TEST(program_index_of_exec_unrolls_repeats)
{
	struct zf_scenario sc;
	struct zf_sc_range r, body;
	zf_scenario_init(&sc);
	assert_eq(zf_scenario_reserve_ops(&sc, 3, &r), 0);
	sc.program = r;
	sc.ops[0].type = ZF_SC_OP_DRAIN;
	sc.ops[1].type = ZF_SC_OP_REPEAT;
	sc.ops[2].type = ZF_SC_OP_DRAIN;
	assert_eq(zf_scenario_reserve_ops(&sc, 2, &body), 0);
	sc.ops[body.first].type = ZF_SC_OP_DRAIN;
	sc.ops[body.first + 1].type = ZF_SC_OP_DRAIN;
	sc.ops[1].u.repeat.times = 3;
	sc.ops[1].u.repeat.ops = body;
	/* executions: 0 = ops[0], 1..6 = the repeat (3 x 2), 7 = ops[2] */
	expect_eq(zf_tr_program_index_of_exec(&sc, 0), 0);
	expect_eq(zf_tr_program_index_of_exec(&sc, 1), 1);
	expect_eq(zf_tr_program_index_of_exec(&sc, 6), 1);
	expect_eq(zf_tr_program_index_of_exec(&sc, 7), 2);
	expect_eq(zf_tr_program_index_of_exec(&sc, 8), 3);
	zf_scenario_free(&sc);
	return true;
}

ZF_TEST_MAIN("reports", ZF_CASE(gfp_class_reclaim_context), ZF_CASE(gfp_class_retry_mode),
	     ZF_CASE(order_class_costly_boundary), ZF_CASE(message_template_drops_instances),
	     ZF_CASE(signature_of_event_and_walk_findings), ZF_CASE(sha256_fips_vectors),
	     ZF_CASE(base64_rfc4648_vectors), ZF_CASE(write_atomic_replaces_whole_file),
	     ZF_CASE(known_match_fields_and_wildcards),
	     ZF_CASE(known_match_walk_prefix_classify_profiles),
	     ZF_CASE(bucket_key_names_planted_bugs_and_known_entry),
	     ZF_CASE(minimize_keeps_only_the_trigger), ZF_CASE(renumber_handles_in_encoder_order),
	     ZF_CASE(program_index_of_exec_unrolls_repeats))
