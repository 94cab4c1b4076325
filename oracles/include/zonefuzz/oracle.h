/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/oracle.h - invariant checkers over a running machine.
 *
 * Oracles see the model only through events (zonefuzz/events.h) and the
 * read-only inspection API (zonefuzz/inspect.h). A violation is a finding,
 * never an assert: it is recorded with where it fired, and the caller
 * (scenario runner, fuzz target) decides what to do with it.
 */
#ifndef ZONEFUZZ_ORACLE_H
#define ZONEFUZZ_ORACLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/events.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/machine.h"

/* A structured finding (its signature: oracle id + model function + gfp class + order class). */
struct zf_finding {
	const char *oracle_id; /* stable id, e.g. "ZF_INV_CONSERVATION" */
	char message[256];
	const char *func; /* model function where it fired (event site), or the oracle's */
	const char *file;
	int line;
	uint64_t op_index;  /* operation index in the run */
	uint64_t event_seq; /* event number, 0 if found by a full walk */
	uint64_t jiffies;
	bool in_alloc; /* an allocation was in progress */
	int task;
	zf_gfp_t gfp;
	unsigned int order;
	int zone_id;              /* -1 if none */
	struct zf_zone_info zone; /* snapshot of the relevant zone (valid when zone_id >= 0) */
};

/* The registry entry of one oracle (stress-ng's stressor_info_t pattern). */
struct zf_oracle_desc {
	const char *id;          /* ZF_INV_* */
	const char *name;        /* short name used on the command line */
	const char *property;    /* what it checks */
	const char *kernel_rule; /* the kernel rule / spec item it comes from */
	const char *cost;        /* per event / per walk cost */
};

size_t zf_oracle_count(void);
const struct zf_oracle_desc *zf_oracle_desc(size_t i);
int zf_oracle_lookup(const char *name_or_id); /* index or -1 */

struct zf_oracle_options {
	uint64_t enabled; /* bit i enables oracle i; 0 = all */
	unsigned int
	    walk_interval; /* full-state walks every N operations (1 = every op; 0 = only final) */
	size_t max_findings; /* stop recording after this many (0 = 64) */
};

struct zf_oracle_set;
struct zf_oracle_set *zf_oracles_create(const struct zf_oracle_options *opt);
void zf_oracles_destroy(struct zf_oracle_set *s);
/* Start a run on machine m (clears state and findings). */
void zf_oracles_reset(struct zf_oracle_set *s, const struct zf_machine *m);
/* Feed one event (install as / call from zf_hooks.on_event). */
void zf_oracles_on_event(struct zf_oracle_set *s, const struct zf_machine *m,
			 const struct zf_event *ev);
/* Before / after operation op_index of the run. */
void zf_oracles_begin_op(struct zf_oracle_set *s, const struct zf_machine *m, uint64_t op_index);
void zf_oracles_end_op(struct zf_oracle_set *s, const struct zf_machine *m, uint64_t op_index);
/* Final full walk at the end of a run. */
void zf_oracles_finish(struct zf_oracle_set *s, const struct zf_machine *m);

size_t zf_oracles_nr_findings(const struct zf_oracle_set *s);
const struct zf_finding *zf_oracles_finding(const struct zf_oracle_set *s, size_t i);

/* ---- additions (oracles area) ---- */
/* zf_hooks.on_event-compatible trampoline: priv is the struct zf_oracle_set. */
void zf_oracles_event_hook(void *priv, const struct zf_machine *m, const struct zf_event *ev);
/* Run every enabled oracle's full walk now (at a point where no zone lock is held). */
void zf_oracles_walk(struct zf_oracle_set *s, const struct zf_machine *m);
/* Findings recorded by one oracle (name or ZF_INV_* id); 0 for an unknown oracle. */
size_t zf_oracles_nr_findings_of(const struct zf_oracle_set *s, const char *name_or_id);
/* Findings not recorded: over max_findings, or a walk repeating a state already reported. */
uint64_t zf_oracles_nr_dropped(const struct zf_oracle_set *s);
/* Write one finding as a line of text (snprintf semantics). */
int zf_finding_format(char *buf, size_t len, const struct zf_finding *f);

#endif /* ZONEFUZZ_ORACLE_H */
