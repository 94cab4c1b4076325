/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/report.h - bug triage: reproduce an artifact (fuzz input,
 * scenario JSON, VM result bundle), minimise it at operation granularity,
 * deduplicate it by signature into buckets and write per bucket
 * report.json (docs/report-schema.json), report.sarif (SARIF 2.1.0) and
 * report.html, plus index.json / index.html over every bucket.
 *
 * The signature of a finding (design.md "Findings and reports") is
 *   oracle id | model function | gfp class | order class
 * with the classes defined below and in docs/triage.md.
 */
#ifndef ZONEFUZZ_REPORT_H
#define ZONEFUZZ_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/gfp.h"

struct zf_finding;

/* Version of report.json ("schema" key); bump on an incompatible change. */
#define ZF_REPORT_SCHEMA       "zonefuzz.report/1"
#define ZF_REPORT_INDEX_SCHEMA "zonefuzz.report-index/1"

/* Exit codes of `zonefuzz triage` (docs/triage.md). */
#define ZF_TRIAGE_EXIT_OK    0 /* every artifact triaged (findings or not) */
#define ZF_TRIAGE_EXIT_ERROR 1 /* at least one artifact was rejected or failed; the rest ran */
#define ZF_TRIAGE_EXIT_USAGE 2 /* bad usage, or the output directory is unusable */

/* `zonefuzz triage INPUT... --out DIR [...]`; argv[0] is "triage". Returns the exit code. */
int zf_cmd_triage(int argc, char **argv);

/* The deduplication signature of a finding. */
struct zf_report_signature {
	char oracle[64];      /* "ZF_INV_BUDDY" */
	char function[160];   /* model function, or "oracle walk: <check>" for walk findings */
	char gfp_class[32];   /* "none", "atomic", "nowait", "noio", "nofs", "kernel" + suffix */
	char order_class[16]; /* "none", "order-0", "low", "costly", "invalid" */
	char key[320];        /* "oracle|function|gfp_class|order_class" */
	char id[13];          /* first 12 hex digits of sha256(key): the bucket id */
};

/*
 * gfp class of a request (docs/triage.md): the reclaim context
 *   "kernel" (__GFP_DIRECT_RECLAIM + __GFP_IO + __GFP_FS), "nofs" (no FS),
 *   "noio" (no IO), "atomic" (no direct reclaim, __GFP_ATOMIC or __GFP_HIGH),
 *   "nowait" (no direct reclaim otherwise)
 * plus the retry mode that changes the slow path's exits (spec §5.4):
 *   "+nofail", else "+noretry", else "+repeat". "none" when no allocation ran.
 */
const char *zf_report_gfp_class(zf_gfp_t gfp, bool in_alloc, char *buf, size_t len);
/*
 * order class: "order-0", "low" (1..PAGE_ALLOC_COSTLY_ORDER = 3), "costly"
 * (4..MAX_ORDER-1), "invalid" (>= MAX_ORDER), "none" when no allocation ran.
 */
const char *zf_report_order_class(unsigned int order, unsigned int max_order, bool in_alloc);
/* Normalise a message into a check template: digit runs become N, "zone <name>" "zone Z". */
void zf_report_message_template(const char *msg, char *buf, size_t len);
/* Signature of a finding on a machine of the given MAX_ORDER. */
void zf_report_signature_of(const struct zf_finding *f, unsigned int max_order,
			    struct zf_report_signature *sig);

/* SHA-256 (FIPS 180-4) of data as 64 lowercase hex digits + NUL. */
void zf_report_sha256_hex(const void *data, size_t len, char out[65]);

#endif /* ZONEFUZZ_REPORT_H */
