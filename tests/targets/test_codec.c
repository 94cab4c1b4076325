/* SPDX-License-Identifier: MIT */
/*
 * test_codec - the ops/v2 decoder is total and its encoder is its inverse:
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
				data[j] = (uint8_t)(mix(&s) % 32);
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

/* The first opcode byte of the target whose op is `label` (a compound op), -1 if none. */
static int compound_opcode(enum zf_target_kind k, const char *label)
{
	for (unsigned int o = 0; o < zf_decoder_nr_ops(k); o++) {
		const char *l = zf_decoder_op_label(k, o);
		if (l && !strcmp(l, label))
			return (int)o;
	}
	return -1;
}

/* Decode header + one op of the slowpath target. */
static int decode_one(const uint8_t hdr[4], int opc, uint8_t x, uint8_t y, uint8_t z,
		      struct zf_scenario *sc)
{
	uint8_t in[8] = {hdr[0], hdr[1], hdr[2], hdr[3], (uint8_t)opc, x, y, z};
	unsigned int w;
	return zf_decode(ZF_TARGET_SLOWPATH, in, sizeof(in), sc, &w);
}

/* The compound op decodes to one canonical shape: encoding it gives the op back. */
static bool encodes_to_itself(const uint8_t hdr[4], int opc, uint8_t x, uint8_t y, uint8_t z)
{
	uint8_t in[8] = {hdr[0], hdr[1], hdr[2], hdr[3], (uint8_t)opc, x, y, z}, out[64];
	struct zf_scenario sc;
	unsigned int w;
	char err[256];
	long n;

	if (zf_decode(ZF_TARGET_SLOWPATH, in, sizeof(in), &sc, &w))
		return false;
	n = zf_encode(ZF_TARGET_SLOWPATH, &sc, w, out, sizeof(out), err, sizeof(err));
	zf_scenario_free(&sc);
	return n == (long)sizeof(in) && !memcmp(in, out, sizeof(in));
}

static uint64_t node_pages(const struct zf_scenario *sc, int nid)
{
	uint64_t n = 0;
	for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
		n += sc->cfg.zone_pages[nid][z];
	return n;
}

/* A zero zone selector is the node's highest populated zone (ZONE_MOVABLE where there is one). */
TEST(zone_selector_zero_is_the_highest_populated_zone)
{
	int off = -1;

	/* the plain offline_zone opcode: the one whose op alone decodes to offline_zone */
	for (unsigned int o = 0; o < zf_decoder_nr_ops(ZF_TARGET_SLOWPATH) && off < 0; o++) {
		struct zf_scenario sc;
		const uint8_t h[4] = {0, 0, 0, 0};
		assert_eq(decode_one(h, (int)o, 0, 0, 0, &sc), 0);
		if (sc.program.count == 1 && sc.ops[sc.program.first].type == ZF_SC_OP_OFFLINE_ZONE)
			off = (int)o;
		zf_scenario_free(&sc);
	}
	assert_true(off >= 0);
	for (unsigned int g = 0; g < zf_decoder_nr_geometries(); g++) {
		const uint8_t h[4] = {zf_decoder_geometry_byte(g), 0, 0, 0};
		for (uint8_t nid = 0; nid < ZF_MAX_NUMNODES; nid++) {
			struct zf_scenario sc;
			assert_eq(decode_one(h, off, nid, 0, 0, &sc), 0);
			if (nid < sc.cfg.nr_nodes) {
				int want = -1;
				for (int z = 0; z < ZF_MAX_NR_ZONES; z++)
					if (sc.cfg.zone_pages[nid][z])
						want = z;
				assert_eq(sc.program.count, 1);
				const struct zf_sc_op *op = &sc.ops[sc.program.first];
				expect_eq(op->u.zone.node, nid);
				expect_eq(op->u.zone.zone, want);
			}
			zf_scenario_free(&sc);
		}
	}
	return true;
}

/* hotplug: offline then online of the same zone, with a racing free by task z mod 3 */
TEST(compound_hotplug)
{
	const uint8_t big_movable[4] = {zf_decoder_geometry_byte(9), 4, 0, 0};
	int opc = compound_opcode(ZF_TARGET_SLOWPATH, "hotplug");
	struct zf_scenario sc;

	assert_true(opc >= 0);
	assert_eq(decode_one(big_movable, opc, 0, 0, 0, &sc), 0);
	expect_eq(sc.cfg.profile, ZF_PROFILE_5_9);
	expect_true(sc.cfg.zone_pages[0][ZF_ZONE_MOVABLE] > 0);
	assert_eq(sc.program.count, 2);
	const struct zf_sc_op *off = &sc.ops[sc.program.first], *on = off + 1;
	expect_eq(off->type, ZF_SC_OP_OFFLINE_ZONE);
	expect_eq(on->type, ZF_SC_OP_ONLINE_ZONE);
	expect_eq(off->u.zone.zone, ZF_ZONE_MOVABLE);
	expect_eq(on->u.zone.zone, ZF_ZONE_MOVABLE);
	expect_true(on->u.zone.has_racing_free);
	expect_eq(on->u.zone.racing_task, 0);
	zf_scenario_free(&sc);

	/* the selector counts populated zones only: 1 is ZONE_DMA, 2 wraps to ZONE_MOVABLE */
	assert_eq(decode_one(big_movable, opc, 0, 1, 2, &sc), 0);
	assert_eq(sc.program.count, 2);
	expect_eq(sc.ops[sc.program.first].u.zone.zone, ZF_ZONE_DMA);
	expect_eq(sc.ops[sc.program.first + 1].u.zone.racing_task, 2);
	zf_scenario_free(&sc);
	assert_eq(decode_one(big_movable, opc, 0, 2, 0, &sc), 0);
	expect_eq(sc.ops[sc.program.first].u.zone.zone, ZF_ZONE_MOVABLE);
	zf_scenario_free(&sc);
	expect_true(encodes_to_itself(big_movable, opc, 0, 0, 0));
	expect_true(encodes_to_itself(big_movable, opc, 0, 1, 2));
	return true;
}

/*
 * fill: one allocation more than the node (or machine) has blocks of the
 * order; the default (order bits 0) is staged: order-4 blocks, then pages.
 */
TEST(compound_fill)
{
	const uint8_t two_nodes[4] = {zf_decoder_geometry_byte(3), 0, 0, 0};
	int opc = compound_opcode(ZF_TARGET_SLOWPATH, "fill");
	struct zf_scenario sc;

	assert_true(opc >= 0);
	/* node 1 (y = 2), order 2 (bits 3 = order + 1), kernel memory */
	assert_eq(decode_one(two_nodes, opc, 1, 2, 0x03, &sc), 0);
	assert_eq(sc.cfg.nr_nodes, 2);
	assert_eq(sc.program.count, 1);
	const struct zf_sc_op *rep = &sc.ops[sc.program.first];
	assert_eq(rep->type, ZF_SC_OP_REPEAT);
	expect_eq(rep->u.repeat.times, (node_pages(&sc, 1) >> 2) + 1);
	assert_eq(rep->u.repeat.ops.count, 1);
	const struct zf_sc_alloc *al = &sc.ops[rep->u.repeat.ops.first].u.alloc;
	expect_eq(al->task, 1);
	expect_eq(al->order, 2);
	expect_eq(al->nid, 1);
	expect_eq(al->gfp, ZF_GFP_KERNEL | ZF_GFP_NORETRY | ZF_GFP_THISNODE);
	expect_true(al->quiet);
	expect_eq(al->handle[0], 0);
	zf_scenario_free(&sc);

	/* every node, staged: no __GFP_THISNODE; order-4 blocks, then pages */
	assert_eq(decode_one(two_nodes, opc, 0, 0, 0, &sc), 0);
	uint64_t pages = node_pages(&sc, 0) + node_pages(&sc, 1);
	assert_true(sc.cfg.max_order > 4);
	assert_eq(sc.program.count, 2);
	rep = &sc.ops[sc.program.first];
	expect_eq(rep->u.repeat.times, pages >> 4);
	expect_eq(sc.ops[rep->u.repeat.ops.first].u.alloc.order, 4);
	expect_eq(sc.ops[rep->u.repeat.ops.first].u.alloc.gfp, ZF_GFP_KERNEL | ZF_GFP_NORETRY);
	expect_eq(sc.ops[rep->u.repeat.ops.first].u.alloc.nid, -1);
	rep++;
	expect_eq(rep->u.repeat.times, (pages >> 4) + 1 + 16);
	expect_eq(sc.ops[rep->u.repeat.ops.first].u.alloc.order, 0);
	expect_eq(sc.ops[rep->u.repeat.ops.first].u.alloc.gfp, ZF_GFP_KERNEL | ZF_GFP_NORETRY);
	zf_scenario_free(&sc);

	/* class 4: user memory that lru_release and exit give back */
	assert_eq(decode_one(two_nodes, opc, 2, 0, 0x40, &sc), 0);
	assert_eq(sc.program.count, 1);
	const struct zf_sc_op *lf = &sc.ops[sc.program.first];
	expect_eq(lf->type, ZF_SC_OP_LRU_FILL);
	expect_eq(lf->u.lru.task, 2);
	expect_eq(lf->u.lru.kind, ZF_LRU_ANON);
	expect_eq(lf->u.lru.pages, node_pages(&sc, 0) + node_pages(&sc, 1) + 1);
	expect_eq(lf->u.lru.gfp, ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_NORETRY);
	zf_scenario_free(&sc);

	/* class 5: a highatomic reserve taken under user memory, then everything given back */
	assert_eq(decode_one(two_nodes, opc, 1, 0, 0x50, &sc), 0);
	assert_eq(sc.program.count, 4);
	lf = &sc.ops[sc.program.first];
	expect_eq(lf->type, ZF_SC_OP_LRU_FILL);
	expect_eq(lf->u.lru.task, 1);
	const struct zf_sc_op *at = lf + 1, *fr = lf + 2, *rel = lf + 3;
	assert_eq(at->type, ZF_SC_OP_ALLOC);
	expect_eq(at->u.alloc.gfp, ZF_GFP_ATOMIC_MASK);
	expect_eq(at->u.alloc.order, 1);
	expect_eq(at->u.alloc.task, 1);
	assert_eq(fr->type, ZF_SC_OP_FREE);
	expect_eq(strcmp(fr->u.free.handle, at->u.alloc.handle), 0);
	assert_eq(rel->type, ZF_SC_OP_LRU_RELEASE);
	expect_eq(rel->u.lru.task, 1);
	expect_eq(rel->u.lru.pages, node_pages(&sc, 0) + node_pages(&sc, 1) + 1);
	zf_scenario_free(&sc);

	/*
	 * classes 6 and 7: the same reserve, then the task's staged kernel fill and a
	 * GFP_KERNEL order-0 request (planted bug B8's situation in one op)
	 */
	for (uint8_t z = 0x60; z <= 0x70; z += 0x10) {
		assert_eq(decode_one(two_nodes, opc, 2, 0, z, &sc), 0);
		assert_eq(sc.program.count, 7);
		lf = &sc.ops[sc.program.first];
		expect_eq(lf->type, ZF_SC_OP_LRU_FILL);
		expect_eq(lf->u.lru.task, 2);
		expect_eq(lf[1].type, ZF_SC_OP_ALLOC);
		expect_eq(lf[1].u.alloc.gfp, ZF_GFP_ATOMIC_MASK);
		expect_eq(lf[1].u.alloc.order, 1);
		expect_eq(lf[2].type, ZF_SC_OP_FREE);
		expect_eq(lf[3].type, ZF_SC_OP_LRU_RELEASE);
		for (int r = 4; r <= 5; r++) {
			assert_eq(lf[r].type, ZF_SC_OP_REPEAT);
			const struct zf_sc_alloc *fa = &sc.ops[lf[r].u.repeat.ops.first].u.alloc;
			expect_eq(fa->task, 2);
			expect_eq(fa->gfp, ZF_GFP_KERNEL | ZF_GFP_NORETRY);
			expect_eq(fa->nid, -1);
		}
		const struct zf_sc_alloc *rq = &lf[6].u.alloc;
		assert_eq(lf[6].type, ZF_SC_OP_ALLOC);
		expect_eq(rq->task, 2);
		expect_eq(rq->gfp, ZF_GFP_KERNEL);
		expect_eq(rq->order, 0);
		expect_eq(rq->nid, -1);
		expect_false(rq->quiet);
		expect_eq(rq->at_yield.count, 0);
		/* its own handle, after the reserve's atomic request */
		expect_true(strcmp(rq->handle, lf[1].u.alloc.handle) != 0);
		zf_scenario_free(&sc);
	}

	expect_true(encodes_to_itself(two_nodes, opc, 1, 2, 0x03));
	expect_true(encodes_to_itself(two_nodes, opc, 0, 0, 0x00));
	expect_true(encodes_to_itself(two_nodes, opc, 1, 0, 0x50));
	expect_true(encodes_to_itself(two_nodes, opc, 2, 0, 0x54));
	expect_true(encodes_to_itself(two_nodes, opc, 1, 1, 0x31));
	expect_true(encodes_to_itself(two_nodes, opc, 2, 0, 0x40));
	expect_true(encodes_to_itself(two_nodes, opc, 1, 0, 0x60));
	expect_true(encodes_to_itself(two_nodes, opc, 0, 0, 0x63));
	return true;
}

/* alloc_race: the races of B4, B5 and B6 with zero arguments */
TEST(compound_alloc_race)
{
	const uint8_t two_nodes[4] = {zf_decoder_geometry_byte(3), 1, 0, 0};
	const uint8_t movable[4] = {zf_decoder_geometry_byte(2), 5, 0, 0};
	int opc = compound_opcode(ZF_TARGET_SLOWPATH, "alloc_race");
	struct zf_scenario sc;

	assert_true(opc >= 0);
	/*
	 * race 0: mems are the other node, the task fills what it may use
	 * (staged GFP_KERNEL fill, two repeats), then node 0 at after_wake_kswapd
	 */
	assert_eq(decode_one(two_nodes, opc, 0, 0, 0, &sc), 0);
	assert_eq(sc.program.count, 4);
	const struct zf_sc_op *st = &sc.ops[sc.program.first], *al = st + 3;
	expect_eq(st->type, ZF_SC_OP_SET_TASK);
	expect_true(st->u.set_task.has_mems);
	expect_eq(st->u.set_task.mems, 2u);
	for (int r = 1; r <= 2; r++) {
		const struct zf_sc_op *rep = st + r;
		assert_eq(rep->type, ZF_SC_OP_REPEAT);
		const struct zf_sc_alloc *fa = &sc.ops[rep->u.repeat.ops.first].u.alloc;
		expect_eq(fa->task, 0);
		expect_eq(fa->gfp, ZF_GFP_KERNEL | ZF_GFP_NORETRY);
		expect_eq(fa->nid, -1);
	}
	assert_eq(al->type, ZF_SC_OP_ALLOC);
	expect_eq(al->u.alloc.gfp, ZF_GFP_KERNEL);
	expect_eq(al->u.alloc.order, 0);
	assert_eq(al->u.alloc.at_yield.count, 1);
	const struct zf_sc_yield *ye = &sc.yields[al->u.alloc.at_yield.first];
	expect_eq(ye->point, ZF_YIELD_AFTER_WAKE_KSWAPD);
	expect_eq(ye->nth, 1);
	assert_eq(ye->ops.count, 1);
	const struct zf_sc_op *act = &sc.ops[ye->ops.first];
	expect_eq(act->type, ZF_SC_OP_SET_TASK);
	expect_eq(act->u.set_task.task, 0);
	expect_true(act->u.set_task.has_mems);
	expect_eq(act->u.set_task.mems, 1u);
	zf_scenario_free(&sc);

	/* race 1: MPOL_BIND on the other node, the fill, cpuset mems at the yield */
	assert_eq(decode_one(two_nodes, opc, 0, 0, 0x40, &sc), 0);
	assert_eq(sc.program.count, 4);
	st = &sc.ops[sc.program.first];
	expect_true(st->u.set_task.has_mempolicy);
	expect_false(st->u.set_task.has_mems);
	expect_eq(st->u.set_task.mempolicy, 2u);
	expect_eq(st[3].type, ZF_SC_OP_ALLOC);
	zf_scenario_free(&sc);

	/* mems = every node: nothing to move from, no set_task before; y: GFP_USER, order 1 */
	assert_eq(decode_one(two_nodes, opc, 0, 0x05, 0x03, &sc), 0);
	assert_eq(sc.program.count, 3);
	expect_eq(sc.ops[sc.program.first].type, ZF_SC_OP_REPEAT);
	al = &sc.ops[sc.program.first + 2];
	expect_eq(al->u.alloc.gfp, ZF_GFP_USER);
	expect_eq(al->u.alloc.order, 1);
	zf_scenario_free(&sc);

	/* race 2: the highest populated zone hot-removed at the yield, after a fill */
	assert_eq(decode_one(movable, opc, 0, 0, 0x80, &sc), 0);
	expect_eq(sc.cfg.profile, ZF_PROFILE_6_1);
	assert_eq(sc.program.count, 3);
	al = &sc.ops[sc.program.first + 2];
	assert_eq(al->u.alloc.at_yield.count, 1);
	act = &sc.ops[sc.yields[al->u.alloc.at_yield.first].ops.first];
	expect_eq(act->type, ZF_SC_OP_OFFLINE_ZONE);
	expect_eq(act->u.zone.zone, ZF_ZONE_MOVABLE);
	zf_scenario_free(&sc);

	/* yield points past the last one are the first */
	assert_eq(decode_one(movable, opc, 7 << 2, 0, 0x80, &sc), 0);
	al = &sc.ops[sc.program.first + 2];
	expect_eq(sc.yields[al->u.alloc.at_yield.first].point, ZF_YIELD_AFTER_WAKE_KSWAPD);
	zf_scenario_free(&sc);

	expect_true(encodes_to_itself(two_nodes, opc, 0, 0, 0));
	expect_true(encodes_to_itself(two_nodes, opc, 0, 0, 0x40));
	expect_true(encodes_to_itself(two_nodes, opc, 2 | (2 << 2), 0x05, 0x03));
	expect_true(encodes_to_itself(movable, opc, 0, 0, 0x80));
	expect_true(encodes_to_itself(movable, opc, 1, 0x0b, 0xc0));
	return true;
}

/* Header bytes of zero: walk interval 16; profile bits 6 and 7 are 6.1 and 5.9 */
TEST(header_defaults)
{
	const uint8_t h6[4] = {0, 6, 0, 0}, h7[4] = {0, 7, 1, 0};
	struct zf_scenario sc;
	unsigned int w;

	assert_eq(zf_decode(ZF_TARGET_SLOWPATH, h6, 4, &sc, &w), 0);
	expect_eq(sc.cfg.profile, ZF_PROFILE_6_1);
	expect_eq(w, 16u);
	zf_scenario_free(&sc);
	assert_eq(zf_decode(ZF_TARGET_SLOWPATH, h7, 4, &sc, &w), 0);
	expect_eq(sc.cfg.profile, ZF_PROFILE_5_9);
	expect_eq(w, 1u);
	zf_scenario_free(&sc);
	return true;
}

ZF_TEST_MAIN("codec", ZF_CASE(random_inputs_round_trip), ZF_CASE(nested_programs_round_trip),
	     ZF_CASE(empty_and_short_inputs), ZF_CASE(gfp_tail_is_the_final_request),
	     ZF_CASE(gfp_classes_of_decoded_allocs_are_known),
	     ZF_CASE(zone_selector_zero_is_the_highest_populated_zone), ZF_CASE(compound_hotplug),
	     ZF_CASE(compound_fill), ZF_CASE(compound_alloc_race), ZF_CASE(header_defaults))
