/* SPDX-License-Identifier: MIT */
/*
 * targets/decoder.h - the total fuzz-input decoder (input format "ops/v2").
 *
 * Every byte string decodes to a valid scenario (design.md habit 9): the
 * leading header bytes pick the machine geometry, the kernel profile, swap,
 * the task set and the oracle walk interval; the rest is a stream of
 * fixed-size 4-byte operations normalised by modulo, so splicing keeps op
 * boundaries. Each target restricts which operations the stream may hold;
 * slowpath and interleave add compound ops (one op for what a kernel tester
 * scripts in one line: hot-remove and re-add a zone with a racing free, fill
 * a node, an allocation racing a cpuset move or a zone removal).
 * zf_encode() is the inverse for scenarios in the decodable subset, so a
 * finding prints as readable JSON (zonefuzz decode) and edits re-encode.
 */
#ifndef ZONEFUZZ_TARGETS_DECODER_H
#define ZONEFUZZ_TARGETS_DECODER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/scenario.h"

#define ZF_DEC_VERSION         2
#define ZF_DEC_FORMAT          "ops/v2" /* the name reports and docs give the format */
#define ZF_DEC_HEADER          4        /* geometry, profile|swap, walk interval, task flags */
#define ZF_DEC_OP_SIZE         4
#define ZF_DEC_MAX_OPS         512 /* operations decoded from one input */
#define ZF_DEC_NR_TASKS        4   /* t0 init + three workers */
#define ZF_DEC_MAX_GFP_CLASSES 16  /* entries of the largest gfp class table */

enum zf_target_kind {
	ZF_TARGET_BUDDY = 0,  /* fast path, pcp, fallback/stealing, isolation, frees */
	ZF_TARGET_SLOWPATH,   /* pressure: LRU, dirty, swap, reclaim, compaction, OOM, yields */
	ZF_TARGET_GFP,        /* state built by the input, then one allocation of raw gfp/order */
	ZF_TARGET_INTERLEAVE, /* tasks interleaving at yield points, cpusets, mempolicy, exits */
	ZF_TARGET_SCENARIO,   /* the JSON parser itself */
	ZF_NR_TARGETS,
};

const char *zf_target_name(enum zf_target_kind k);
int zf_target_parse(const char *name); /* -1 if unknown */

/* Decode data into sc (initialised here; free with zf_scenario_free). Never fails
 * except on out-of-memory (-1). *walk_interval receives the oracle interval. */
int zf_decode(enum zf_target_kind kind, const uint8_t *data, size_t len, struct zf_scenario *sc,
	      unsigned int *walk_interval);

/*
 * Encode a scenario back to bytes. Returns the length written (<= cap), or -1
 * with err set when the scenario is outside the decodable subset (the message
 * names the field). decode(encode(decode(x))) == decode(x) for every input x.
 */
long zf_encode(enum zf_target_kind kind, const struct zf_scenario *sc, unsigned int walk_interval,
	       uint8_t *out, size_t cap, char *err, size_t errlen);

/* Number of opcodes of a target's op table (opcode bytes are taken mod it). */
size_t zf_decoder_nr_ops(enum zf_target_kind kind);

/*
 * Whether opcode byte opc (< zf_decoder_nr_ops) is the first opcode of one of
 * the target's compound ops (HOTPLUG, FILL, ALLOC_RACE): the dictionary
 * writes their useful argument sets once per op.
 */
bool zf_decoder_op_is_compound(enum zf_target_kind kind, unsigned int opc);
/* "hotplug", "fill", "alloc_race" for a compound opcode, else NULL. */
const char *zf_decoder_op_label(enum zf_target_kind kind, unsigned int opc);

/* Number of geometries of the header's table (for docs and tests). */
unsigned int zf_decoder_nr_geometries(void);
/* The first header byte that selects geometry g (0 <= g < zf_decoder_nr_geometries()). */
uint8_t zf_decoder_geometry_byte(unsigned int g);

/*
 * The gfp classes an alloc op of this target can pick (its table, in index
 * order; 0 for the scenario target), and the class of a decoded gfp mask
 * (the modifier bits NORETRY/REPEAT/NOFAIL/THISNODE ignored), -1 if none.
 */
size_t zf_decoder_gfp_classes(enum zf_target_kind kind, const zf_gfp_t **tab);
int zf_decoder_gfp_class_of(enum zf_target_kind kind, zf_gfp_t gfp);

#endif /* ZONEFUZZ_TARGETS_DECODER_H */
