/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/scenario.h - scripted runs of the allocator model.
 *
 * A scenario is plain data: a machine configuration (struct zf_config), a
 * table of tasks and a program of operations. It comes from JSON
 * (docs/scenario-format.md) or from a fuzz-input decoder, which builds the
 * same structure with zf_scenario_init() / zf_scenario_add_task() /
 * zf_scenario_reserve_ops() and never touches JSON.
 *
 * Nested programs (the body of a "repeat", the actions scripted at a yield
 * point of an allocation) are ranges into one pool of operations owned by the
 * scenario, so a scenario holds no pointers except its two pools and the
 * description string, and it is freed with one call.
 *
 * The executor zf_scenario_run() builds a machine, runs the program and
 * reports to an observer; it uses only the public model API
 * (zonefuzz/machine.h, inspect.h, events.h) and knows nothing of oracles:
 * the CLI plugs them in through the observer.
 */
#ifndef ZONEFUZZ_SCENARIO_H
#define ZONEFUZZ_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/events.h"
#include "zonefuzz/gfp.h"
#include "zonefuzz/machine.h"

#define ZF_SC_NAME_LEN         32          /* task and handle names, NUL included */
#define ZF_SC_TITLE_LEN        64          /* scenario name */
#define ZF_SC_PATH_LEN         128         /* "ops[3].at_yield[0].ops[1]" */
#define ZF_SC_MAX_OPS          1000000     /* operations in one scenario (pool size) */
#define ZF_SC_MAX_REPEAT       1000000     /* "times" of one repeat */
#define ZF_SC_MAX_DEPTH        16          /* nesting of repeat / at_yield programs */
#define ZF_SC_DEFAULT_MAX_EXEC 10000000ull /* executed operations per run */

/* ---- operations ---- */
#define ZF_SC_OP_LIST(X)                                                                           \
	X(ALLOC, "alloc")                                                                          \
	X(FREE, "free")                                                                            \
	X(LRU_FILL, "lru_fill")                                                                    \
	X(LRU_DIRTY, "lru_dirty")                                                                  \
	X(LRU_ACTIVATE, "lru_activate")                                                            \
	X(LRU_RELEASE, "lru_release")                                                              \
	X(SET_TASK, "set_task")                                                                    \
	X(KILL, "kill")                                                                            \
	X(EXIT, "exit")                                                                            \
	X(ISOLATE, "isolate")                                                                      \
	X(UNISOLATE, "unisolate")                                                                  \
	X(OFFLINE_ZONE, "offline_zone")                                                            \
	X(ONLINE_ZONE, "online_zone")                                                              \
	X(POISON, "poison")                                                                        \
	X(KSWAPD, "kswapd")                                                                        \
	X(KCOMPACTD, "kcompactd")                                                                  \
	X(COMPACT, "compact")                                                                      \
	X(DRAIN, "drain")                                                                          \
	X(ADVANCE, "advance")                                                                      \
	X(REPEAT, "repeat")

enum zf_sc_op_type {
#define ZF_SC_OP_ENUM(id, name) ZF_SC_OP_##id,
	ZF_SC_OP_LIST(ZF_SC_OP_ENUM)
#undef ZF_SC_OP_ENUM
	    ZF_SC_NR_OP_TYPES
};

const char *zf_sc_op_name(enum zf_sc_op_type t);
/* Reverse of zf_sc_op_name(); -1 if unknown. */
int zf_sc_op_parse(const char *name);

/* A run of consecutive entries of sc->ops (or sc->yields). */
struct zf_sc_range {
	uint32_t first;
	uint32_t count;
};

/* Task flags by name ("PF_MEMALLOC", "RT", ...) <-> ZF_PF_* / ZF_TASK_* bits. */
int zf_sc_task_flag_parse(const char *name, uint32_t *bit);
const char *zf_sc_task_flag_name(uint32_t bit); /* NULL if the bit has no name */

/* Yield point names of the format ("after_wake_kswapd", "retry", ...). */
const char *zf_sc_yield_name(enum zf_yield_point yp);
int zf_sc_yield_parse(const char *name); /* -1 if unknown */

/* Zone names of the format: "DMA", "DMA32", "Normal", "Movable". */
const char *zf_sc_zone_type_name(int zone_idx);
int zf_sc_zone_type_parse(const char *name); /* case-insensitive; -1 if unknown */
/* "Node 0 Normal" for a zone id (nid * ZF_MAX_NR_ZONES + idx). */
void zf_sc_zone_id_format(char *buf, size_t len, int zone_id);
/* Reverse of zf_sc_zone_id_format(); -1 if malformed. */
int zf_sc_zone_id_parse(const char *s);

/* Outcome names of an allocation: "page", "fail", "aborted". */
const char *zf_sc_result_name(enum zf_alloc_status s);

/*
 * Expectations on an allocation's record. Numeric keys are closed intervals
 * [min, max] ("retries": 0 is [0, 0]; "retries": {">": 0} is [1, INT64_MAX]).
 */
enum zf_sc_num_key {
	ZF_SC_NUM_ORDER = 0,
	ZF_SC_NUM_PFN,
	ZF_SC_NUM_RETRIES,
	ZF_SC_NUM_RETRY_CPUSET,
	ZF_SC_NUM_DIRECT_RECLAIM,
	ZF_SC_NUM_DIRECT_COMPACT,
	ZF_SC_NUM_OOM_INVOKED,
	ZF_SC_NUM_NOFAIL_LOOPS,
	ZF_SC_NUM_STALL_WARNINGS,
	ZF_SC_NR_NUM_KEYS,
};
/* The record key of a numeric expectation ("retries", "direct_reclaim_calls", ...). */
const char *zf_sc_num_key_name(enum zf_sc_num_key k);

/* Bits of zf_sc_expect.keys: which keys the expectation names. */
#define ZF_SC_EXP_NUM(k)          (1u << (k)) /* k: enum zf_sc_num_key */
#define ZF_SC_EXP_RESULT          (1u << 16)
#define ZF_SC_EXP_PFN_NULL        (1u << 17) /* "pfn": null */
#define ZF_SC_EXP_ZONE            (1u << 18)
#define ZF_SC_EXP_SLOWPATH        (1u << 19)
#define ZF_SC_EXP_COMPACT_RESULTS (1u << 20)
#define ZF_SC_EXP_OOM_KILLED      (1u << 21)
#define ZF_SC_EXP_GFP             (1u << 22)
#define ZF_SC_EXP_TASK            (1u << 23)
#define ZF_SC_EXP_WARNED_FAILURE  (1u << 24)

struct zf_sc_interval {
	int64_t min, max;
};

struct zf_sc_expect {
	uint32_t keys; /* ZF_SC_EXP_* */
	struct zf_sc_interval num[ZF_SC_NR_NUM_KEYS];
	enum zf_alloc_status result;
	int zone_id; /* -1: null (no page) */
	bool slowpath;
	bool warned_failure;
	unsigned int nr_compact_results;
	uint8_t compact_results[ZF_MAX_COMPACT_LOG]; /* enum zf_compact_result */
	int oom_killed;                              /* scenario task index, -1: null */
	zf_gfp_t gfp;
	int task; /* scenario task index */
};

/* Actions scripted at the nth occurrence of a yield point inside one allocation. */
struct zf_sc_yield {
	enum zf_yield_point point;
	uint32_t nth;           /* 1-based */
	struct zf_sc_range ops; /* into sc->ops */
};

struct zf_sc_alloc {
	int task; /* scenario task index */
	zf_gfp_t gfp;
	unsigned int order;
	int nid;                     /* preferred node, -1: the task's node */
	uint32_t nodemask;           /* node bitmask, 0: NULL */
	char handle[ZF_SC_NAME_LEN]; /* "" = anonymous (never freed) */
	bool has_expect;
	bool quiet; /* no record reported (bulk setup); still counted and checked */
	struct zf_sc_expect expect;
	struct zf_sc_range at_yield; /* into sc->yields */
};

struct zf_sc_op {
	enum zf_sc_op_type type;
	union {
		struct zf_sc_alloc alloc;
		struct {
			char handle[ZF_SC_NAME_LEN];
			int task; /* -1: the task that allocated it */
		} free;
		struct { /* lru_fill, lru_dirty, lru_activate, lru_release */
			int task;
			enum zf_lru_kind kind;
			uint64_t pages;
			zf_gfp_t gfp; /* lru_fill only; 0: GFP_HIGHUSER_MOVABLE */
		} lru;
		struct {
			int task;
			uint32_t set, clear;
			bool has_mems, has_mempolicy, has_oom_score_adj;
			uint32_t mems, mempolicy;
			int oom_score_adj;
		} set_task;
		struct { /* kill, exit */
			int task;
		} task;
		struct { /* isolate, unisolate */
			uint64_t start_pfn, pages;
		} range;
		struct { /* offline_zone, online_zone */
			int node, zone;
			/* added by planted bugs (B3): online_zone "racing_free": a task that
			 * allocates a page of the zone and frees it during zone_pcp_update() */
			bool has_racing_free;
			int racing_task; /* scenario task index */
		} zone;
		struct {
			uint64_t pfn;
		} poison;
		struct { /* kswapd, kcompactd, compact (-1: every node) */
			int node;
		} node;
		struct {
			uint64_t ticks;
		} advance;
		struct {
			uint64_t times;
			struct zf_sc_range ops;
		} repeat;
	} u;
};

struct zf_sc_task {
	char name[ZF_SC_NAME_LEN];
	unsigned int cpu;
	uint32_t flags; /* ZF_PF_* / ZF_TASK_* */
	int oom_score_adj;
	uint32_t mems;      /* node bitmask, 0: all nodes */
	uint32_t mempolicy; /* MPOL_BIND node bitmask, 0: none */
};

/*
 * Fault injection of page allocations (CONFIG_FAIL_PAGE_ALLOC, the
 * /sys/kernel/debug/fail_page_alloc/ attributes of
 * Documentation/fault-injection): the hook the runner installs as the model's
 * should_fail_alloc_page() (which never fails a __GFP_NOFAIL request). Filters
 * as the kernel's should_fail_alloc_page(), then lib/fault-inject.c
 * should_fail(): failures left ("times", -1 unlimited), every interval-th
 * eligible call, then probability percent from the scenario's seed.
 * Defaults: the kernel's filters (min_order 1, ignore_gfp_highmem and
 * ignore_gfp_reclaim true) with probability 100, interval 1, times -1.
 */
struct zf_sc_fail_page_alloc {
	bool enabled;             /* the scenario has a "fail_page_alloc" object */
	unsigned int probability; /* percent, 0..100 */
	unsigned int interval;    /* >= 1 */
	int64_t times;            /* -1: unlimited */
	unsigned int min_order;
	bool ignore_gfp_highmem;
	bool ignore_gfp_reclaim;
};

struct zf_scenario {
	char name[ZF_SC_TITLE_LEN];
	char *description; /* owned, may be NULL */
	struct zf_config cfg;
	struct zf_sc_fail_page_alloc fail_page_alloc;
	unsigned int nr_tasks;
	struct zf_sc_task tasks[ZF_MAX_TASKS];
	struct zf_sc_op *ops; /* pool of every operation, nested ones included */
	uint32_t nr_ops, cap_ops;
	struct zf_sc_yield *yields; /* pool of every at_yield entry */
	uint32_t nr_yields, cap_yields;
	struct zf_sc_range program; /* the top-level operations */
};

/* ---- building and freeing ---- */
/* Empty scenario with zf_config_default() and no tasks. */
void zf_scenario_init(struct zf_scenario *sc);
void zf_scenario_free(struct zf_scenario *sc);
/* Append a task; its index or -1 (table full / duplicate name). */
int zf_scenario_add_task(struct zf_scenario *sc, const struct zf_sc_task *t);
int zf_scenario_find_task(const struct zf_scenario *sc, const char *name); /* -1 if none */
/*
 * Reserve n consecutive zeroed operations (or yield entries); 0 and *r set, or
 * -1 when the pool would exceed ZF_SC_MAX_OPS / memory runs out. Reserving
 * moves the pool: address entries by index, not by pointer, while building.
 */
int zf_scenario_reserve_ops(struct zf_scenario *sc, uint32_t n, struct zf_sc_range *r);
int zf_scenario_reserve_yields(struct zf_scenario *sc, uint32_t n, struct zf_sc_range *r);
/*
 * Structural check of a built scenario: indices in range, nesting depth <=
 * ZF_SC_MAX_DEPTH, and every nested program (repeat body, yield actions)
 * laid out after the operation that owns it, which rules out cycles.
 * zf_scenario_run() calls it first. 0, or -1 with err.
 */
int zf_scenario_validate(const struct zf_scenario *sc, char *err, size_t errlen);

/* ---- JSON ---- */
/*
 * Parse a scenario. On error returns -1, leaves *sc freed and writes one line
 * naming the field, e.g. "ops[3].order: expected an integer 0..63".
 */
int zf_scenario_parse_json(const char *text, size_t len, struct zf_scenario *sc, char *err,
			   size_t errlen);
/* Pretty JSON that zf_scenario_parse_json() reads back to an equal scenario. malloc'd. */
char *zf_scenario_to_json(const struct zf_scenario *sc);

/* ---- running ---- */

/* What one allocation operation did (the --json record). */
struct zf_sc_record {
	uint64_t op;               /* top-level operation number of the run (0-based) */
	uint32_t op_ref;           /* index into sc->ops */
	char path[ZF_SC_PATH_LEN]; /* "ops[3]", "ops[1].at_yield[0].ops[0]", "ops[2].ops[0]" */
	int task;                  /* scenario task index */
	zf_gfp_t gfp;
	unsigned int order;
	struct zf_alloc_result res; /* oom_killed is a model task id */
	int oom_killed_task;        /* scenario task index of res.oom_killed, -1 */
	uint64_t jiffies;           /* virtual time when it returned */
	bool has_expect;
	unsigned int nr_mismatches;
};

/* One-line JSON object of a record (keys of docs/scenario-format.md). malloc'd. */
char *zf_sc_record_json(const struct zf_scenario *sc, const struct zf_sc_record *r);

enum zf_sc_msg_kind {
	ZF_SC_MSG_ERROR = 0, /* an operation could not run (unknown handle, bad pfn, ...) */
	ZF_SC_MSG_MISMATCH,  /* an expectation failed */
	ZF_SC_MSG_NOTE,      /* the model declined an operation (isolate of a busy range,
			      * poison of a page that is not free): a kernel outcome, not an error */
};

/*
 * Observer: how a caller (CLI, fuzz target) watches a run. Every member may
 * be NULL. op indices are top-level operation numbers; actions run at a
 * yield point belong to the operation of the allocation that yielded.
 */
struct zf_scenario_observer {
	void *priv;
	/* The machine is built and the tasks exist; nothing has run yet. */
	void (*start)(void *priv, struct zf_machine *m);
	void (*on_event)(void *priv, const struct zf_machine *m, const struct zf_event *ev);
	void (*begin_op)(void *priv, const struct zf_machine *m, uint64_t idx);
	/* Return true to stop the run after this operation. */
	bool (*end_op)(void *priv, const struct zf_machine *m, uint64_t idx);
	void (*on_record)(void *priv, const struct zf_machine *m, const struct zf_sc_record *r);
	void (*on_message)(void *priv, enum zf_sc_msg_kind kind, uint64_t op, const char *path,
			   const char *text);
	/* The program has ended (or stopped); the machine is destroyed after this. */
	void (*finish)(void *priv, struct zf_machine *m);
};

struct zf_scenario_options {
	int profile;         /* -1: the scenario's; else enum zf_profile_id */
	uint32_t extra_bugs; /* OR'ed into cfg.bugs */
	bool override_seed;
	uint64_t seed;
	uint64_t max_exec; /* executed operations (repeats unrolled); 0: ZF_SC_DEFAULT_MAX_EXEC */
};

struct zf_scenario_result {
	uint64_t ops_executed; /* top-level operations */
	uint64_t nr_allocs;    /* alloc operations, nested ones included */
	uint64_t nr_alloc_ok, nr_alloc_fail, nr_alloc_aborted;
	uint64_t nr_expect_checked;
	uint64_t nr_mismatches;
	uint64_t nr_errors;
	uint64_t nr_notes;
	bool stopped;    /* end_op asked to stop */
	bool exec_limit; /* max_exec reached */
	char error[256]; /* why the run could not start (return -1) */
};

void zf_scenario_options_default(struct zf_scenario_options *opt);
/* Apply options to the scenario's configuration (what zf_scenario_run builds). */
void zf_scenario_effective_config(const struct zf_scenario *sc,
				  const struct zf_scenario_options *opt, struct zf_config *cfg);
/* Run; 0 when the program ran (mismatches and errors are counted), -1 if the machine
 * could not be built (res->error). opt and obs may be NULL. */
int zf_scenario_run(const struct zf_scenario *sc, const struct zf_scenario_options *opt,
		    const struct zf_scenario_observer *obs, struct zf_scenario_result *res);

#endif /* ZONEFUZZ_SCENARIO_H */
