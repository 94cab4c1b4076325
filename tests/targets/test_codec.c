/* SPDX-License-Identifier: MIT */
/*
 * test_codec - the ops/v1 decoder is total and its encoder is its inverse:
 * for every target, random byte strings decode, encode, and decode again to
 * the identical scenario (compared as canonical JSON, walk interval
 * included). Also the edges: the empty input, a header-only input, the gfp
 * target's tail, and that the gfp class of every decoded alloc is known.
 */
#include <stdlib.h>
#include <string.h>

#include "decoder.h"
#include "zf_test.h"

#define CAP (1u << 16)

/* splitmix64: deterministic bytes without rand() */
static uint64_t mix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* decode -> JSON a; encode; decode -> JSON b; a == b. */
static bool round_trip(enum zf_target_kind k, const uint8_t *data, size_t len)
{
	struct zf_scenario a, b;
	unsigned int wa = 0, wb = 0;
	static uint8_t buf[CAP];
	char err[256] = "";
	bool ok = false;

	if (zf_decode(k, data, len, &a, &wa))
		return false;
	long n = zf_encode(k, &a, wa, buf, sizeof(buf), err, sizeof(err));
	if (n < 0) {
		fprintf(stderr, "  %s: encode failed: %s\n", zf_target_name(k), err);
		zf_scenario_free(&a);
		return false;
	}
	if (!zf_decode(k, buf, (size_t)n, &b, &wb)) {
		char *ja = zf_scenario_to_json(&a), *jb = zf_scenario_to_json(&b);
		ok = ja && jb && !strcmp(ja, jb) && wa == wb;
		if (!ok)
			fprintf(stderr, "  %s: round trip differs (%zu input bytes)\n",
				zf_target_name(k), len);
		free(ja);
		free(jb);
		zf_scenario_free(&b);
	}
	zf_scenario_free(&a);
	return ok;
}

TEST(random_inputs_round_trip)
{
	uint64_t s = 0x5eed;
	static uint8_t data[4096];

	for (int t = 0; t < ZF_NR_TARGETS; t++) {
		if (t == ZF_TARGET_SCENARIO)
			continue;
		for (int i = 0; i < 400; i++) {
			size_t len = (size_t)(mix(&s) % 1200);
			for (size_t j = 0; j < len; j++)
				data[j] = (uint8_t)mix(&s);
			if (!round_trip((enum zf_target_kind)t, data, len)) {
				fprintf(stderr, "  target %s input %d\n",
					zf_target_name((enum zf_target_kind)t), i);
				zf_test_failures_in_test++;
			}
		}
	}
	return true;
}

/* Opcode bytes that hit the yield/repeat entries often, the shapes most likely to go wrong. */
TEST(nested_programs_round_trip)
{
	uint64_t s = 77;
	static uint8_t data[2048];

	for (int t = 0; t < ZF_NR_TARGETS; t++) {
		if (t == ZF_TARGET_SCENARIO)
			continue;
		for (int i = 0; i < 300; i++) {
			size_t len = 4 + 4 * (size_t)(mix(&s) % 200);
			for (size_t j = 0; j < len; j++)
				data[j] = (uint8_t)mix(&s);
			/* bias: every other op an alloc-or-yield-ish small opcode */
			for (size_t j = 4; j + 4 <= len; j += 8)
				data[j] = (uint8_t)(mix(&s) % 24);
			expect_true(round_trip((enum zf_target_kind)t, data, len));
		}
	}
	return true;
}

TEST(empty_and_short_inputs)
{
	static const uint8_t hdr[12] = {3, 9, 2, 0x1f, 0, 0, 0, 0, 0, 0, 0, 0};

	for (int t = 0; t < ZF_NR_TARGETS; t++) {
		if (t == ZF_TARGET_SCENARIO)
			continue;
		for (size_t len = 0; len <= sizeof(hdr); len++)
			expect_true(round_trip((enum zf_target_kind)t, hdr, len));
	}
	return true;
}

/* The gfp target's last 8 bytes are one raw request: gfp (LE), order, task, flag, nid. */
TEST(gfp_tail_is_the_final_request)
{
	/* header: geometry 0 (MAX_ORDER 11), profile 4.12, walk 1, no personalities */
	uint8_t in[12] = {0, 0, 0, 0, 0xc0, 0x00, 0x40, 0x01, 11, 1, 0x80, 0};
	struct zf_scenario sc;
	unsigned int w;

	assert_eq(zf_decode(ZF_TARGET_GFP, in, sizeof(in), &sc, &w), 0);
	assert_eq(sc.program.count, 2); /* the task flag, then the request */
	const struct zf_sc_op *set = &sc.ops[sc.program.first];
	const struct zf_sc_op *al = &sc.ops[sc.program.first + 1];
	expect_eq(set->type, ZF_SC_OP_SET_TASK);
	expect_eq(al->type, ZF_SC_OP_ALLOC);
	expect_eq(al->u.alloc.gfp, 0x014000c0u & ZF_GFP_BITS_MASK);
	/* order 11 == MAX_ORDER: one past the largest free area (spec §5.4 order >= MAX_ORDER) */
	expect_eq(al->u.alloc.order, 11);
	expect_eq(al->u.alloc.task, 1);
	expect_eq(al->u.alloc.nid, -1);
	zf_scenario_free(&sc);
	return true;
}

TEST(gfp_classes_of_decoded_allocs_are_known)
{
	uint64_t s = 9;
	static uint8_t data[1024];

	for (int t = 0; t < ZF_NR_TARGETS; t++) {
		if (t == ZF_TARGET_SCENARIO || t == ZF_TARGET_GFP)
			continue;
		for (int i = 0; i < 100; i++) {
			struct zf_scenario sc;
			unsigned int w;
			for (size_t j = 0; j < sizeof(data); j++)
				data[j] = (uint8_t)mix(&s);
			assert_eq(zf_decode((enum zf_target_kind)t, data, sizeof(data), &sc, &w),
				  0);
			for (uint32_t o = 0; o < sc.nr_ops; o++)
				if (sc.ops[o].type == ZF_SC_OP_ALLOC)
					expect_true(
					    zf_decoder_gfp_class_of((enum zf_target_kind)t,
								    sc.ops[o].u.alloc.gfp) >= 0);
			zf_scenario_free(&sc);
		}
	}
	return true;
}

ZF_TEST_MAIN("codec", ZF_CASE(random_inputs_round_trip), ZF_CASE(nested_programs_round_trip),
	     ZF_CASE(empty_and_short_inputs), ZF_CASE(gfp_tail_is_the_final_request),
	     ZF_CASE(gfp_classes_of_decoded_allocs_are_known))
