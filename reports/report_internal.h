/* SPDX-License-Identifier: MIT */
/*
 * reports/report_internal.h - what the triage files share: a string
 * builder, file helpers, the replay-with-capture runner, the minimiser and
 * the report writers. Nothing here is seen outside reports/ (and its tests).
 */
#ifndef ZONEFUZZ_REPORT_INTERNAL_H
#define ZONEFUZZ_REPORT_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "decoder.h"
#include "zonefuzz/events.h"
#include "zonefuzz/inspect.h"
#include "zonefuzz/machine.h"
#include "zonefuzz/oracle.h"
#include "zonefuzz/report.h"
#include "zonefuzz/scenario.h"

#define ZF_TR_MAX_ZONES (ZF_MAX_NUMNODES * ZF_MAX_NR_ZONES)

/* ------------------------------------------------------------------ */
/* util.c                                                               */
/* ------------------------------------------------------------------ */

/* Growable string; every append is a no-op once an allocation failed (oom). */
struct zf_sb {
	char *p;
	size_t len, cap;
	bool oom;
};
void zf_sb_putn(struct zf_sb *sb, const char *s, size_t n);
void zf_sb_puts(struct zf_sb *sb, const char *s);
void zf_sb_printf(struct zf_sb *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Append s with &<>"' escaped for HTML text and attributes. */
void zf_sb_html(struct zf_sb *sb, const char *s);
void zf_sb_free(struct zf_sb *sb);

void zf_tr_sha256(const void *data, size_t len, uint8_t out[32]);
char *zf_tr_base64(const uint8_t *data, size_t len); /* malloc'd, NUL-terminated */
/* 0 or -1 (invalid base64); *out malloc'd. */
int zf_tr_base64_decode(const char *s, uint8_t **out, size_t *len);

/* Whole file, malloc'd with a NUL after the data. -1 and a reason in err. */
int zf_tr_read_file(const char *path, uint8_t **data, size_t *len, char *err, size_t errlen);
/*
 * Write path atomically: a temp file in the same directory, fsync, rename,
 * fsync of the directory. A reader sees the old file or the new one, never
 * a part; the old one stays when anything fails.
 */
int zf_tr_write_atomic(const char *path, const void *data, size_t len, char *err, size_t errlen);
int zf_tr_mkdir_p(const char *path, char *err, size_t errlen);
/* "2026-11-24T20:23:49Z" */
void zf_tr_iso_time(time_t t, char *buf, size_t len);
/* Triage time: SOURCE_DATE_EPOCH when set (reproducible reports), else the clock. */
time_t zf_tr_now(void);
/* path joined: a + "/" + b, malloc'd */
char *zf_tr_path_join(const char *a, const char *b);
/* Print cJSON (formatted) and write it atomically. */
int zf_tr_write_json(const char *path, const cJSON *doc, char *err, size_t errlen);
/* Parse a JSON file; NULL on any error. */
cJSON *zf_tr_read_json(const char *path);

/* ------------------------------------------------------------------ */
/* signature.c                                                          */
/* ------------------------------------------------------------------ */
/* Kernel function a model function mirrors (model keeps kernel names; zf_* API mapped). */
const char *zf_tr_kernel_function(const char *model_func);
/* Kernel function behind a scenario operation type (walk findings). */
const char *zf_tr_op_kernel_function(enum zf_sc_op_type t);
/* Source path relative to the source tree when under it. */
const char *zf_tr_relative_source(const char *file);

/* ------------------------------------------------------------------ */
/* run.c: replay a scenario with the oracles, as the fuzz harness does  */
/* ------------------------------------------------------------------ */
struct zf_tr_runopt {
	unsigned int walk_interval; /* oracle walks every N operations (fuzz input: its header) */
	int profile;                /* -1: the scenario's */
	uint32_t bugs;              /* replaces cfg.bugs when set_bugs */
	bool set_bugs;
	uint64_t max_exec; /* 0: the scenario default */
};

struct zf_tr_outcome {
	bool ran;   /* the machine was built */
	bool found; /* an oracle finding */
	char error[256];
	struct zf_finding f; /* the first finding (the one the harness aborts on) */
	struct zf_report_signature sig;
	uint64_t ops_executed;
	unsigned int max_order;
};

enum zf_tr_mark_kind {
	ZF_TR_MARK_RECLAIM = 0,
	ZF_TR_MARK_KSWAPD,
	ZF_TR_MARK_COMPACTION,
	ZF_TR_MARK_OOM,
	ZF_TR_MARK_VIOLATION,
	ZF_TR_NR_MARKS,
};
const char *zf_tr_mark_name(enum zf_tr_mark_kind k);

struct zf_tr_sample {
	uint64_t op; /* top-level operation executing (or just executed) */
	int64_t free[ZF_TR_MAX_ZONES];
	uint64_t wmark[ZF_TR_MAX_ZONES][3];
};

struct zf_tr_mark {
	size_t sample;
	enum zf_tr_mark_kind kind;
	char label[96];
};

struct zf_tr_trace_op {
	uint64_t exec;  /* top-level operation number of the run */
	char text[200]; /* the operation, readable */
	char result[200];
};

#define ZF_TR_EVENT_TAIL 64

/* What a replay with capture collects: the report's state, trace and plot. */
struct zf_tr_capture {
	const struct zf_scenario *sc;
	struct zf_config cfg; /* effective */
	unsigned int nr_zones;
	int zone_ids[ZF_TR_MAX_ZONES];
	char zone_names[ZF_TR_MAX_ZONES][32];
	/* timeline */
	struct zf_tr_sample *samples;
	size_t nr_samples, cap_samples;
	size_t op_end_sample_count;
	struct zf_tr_mark *marks;
	size_t nr_marks, cap_marks;
	/* trace */
	struct zf_tr_trace_op *ops;
	size_t nr_ops, cap_ops;
	uint64_t ops_truncated;
	char (*messages)[240];
	size_t nr_messages, cap_messages;
	struct zf_event tail[ZF_TR_EVENT_TAIL];
	uint64_t nr_events;
	/* the unrolled program: exec index -> op ref / path */
	uint32_t *unrolled_ref;
	char (*unrolled_path)[ZF_SC_PATH_LEN];
	size_t nr_unrolled;
	/* state at the violation */
	bool have_state;
	struct zf_zone_info zones[ZF_TR_MAX_ZONES];
	uint64_t by_mt[ZF_TR_MAX_ZONES][ZF_MAX_ORDER_MAX][ZF_MIGRATE_TYPES];
	uint64_t vmstat[ZF_NR_VMSTAT];
	unsigned int nr_tasks;
	struct zf_task_info tasks[ZF_MAX_TASKS];
	char task_names[ZF_MAX_TASKS][ZF_SC_NAME_LEN];
	uint64_t violation_seq;
	/* internal */
	uint64_t cur_op;
	bool violation_marked;
};

/* Run sc once with every oracle on; stop at the end of the operation of the first finding. */
int zf_tr_run(const struct zf_scenario *sc, const struct zf_tr_runopt *ro,
	      struct zf_tr_capture *cap, struct zf_tr_outcome *out);
void zf_tr_capture_free(struct zf_tr_capture *cap);
/* One line describing operation sc->ops[ref]. */
void zf_tr_describe_op(const struct zf_scenario *sc, uint32_t ref, char *buf, size_t len);
/*
 * Program index (in sc->program) of the top-level operation that executes
 * as operation number exec of a run (repeats unrolled); program.count if beyond.
 */
uint32_t zf_tr_program_index_of_exec(const struct zf_scenario *sc, uint64_t exec);

/* ------------------------------------------------------------------ */
/* minimize.c                                                           */
/* ------------------------------------------------------------------ */
struct zf_tr_minopt {
	unsigned int budget; /* replays at most */
	uint64_t min_repeat; /* smallest "times" a repeat may get */
	/*
	 * When set, a candidate must also pass this test to be kept: a fuzz
	 * input's reproducer must stay in the decodable subset, so that the
	 * report carries bytes (a shortened repeat of a compound op is not).
	 */
	bool (*accept)(const struct zf_scenario *cand, void *arg);
	void *accept_arg;
};
struct zf_tr_minstats {
	unsigned int tests;
	bool budget_exhausted;
	uint32_t ops_before, ops_after; /* every operation, nested ones included */
};
/* Deep copy of the operations reachable from sc->program (nothing else). */
int zf_tr_scenario_copy(const struct zf_scenario *sc, struct zf_scenario *out);
uint32_t zf_tr_scenario_nr_ops(const struct zf_scenario *sc);
/*
 * ddmin over the top-level operations, then over every nested body and
 * at_yield list, then the smallest repeat counts, keeping the signature.
 * out is a fresh scenario (free it).
 */
int zf_tr_minimize(const struct zf_scenario *sc, const struct zf_tr_runopt *ro,
		   const struct zf_report_signature *want, const struct zf_tr_minopt *mo,
		   struct zf_scenario *out, struct zf_tr_minstats *st);
/*
 * Rename handles "h<N>" in the order zf_encode() numbers them, so a minimised
 * decoded scenario becomes encodable again. Returns 0 (sc changed in place).
 */
int zf_tr_renumber_handles(struct zf_scenario *sc);

/* ------------------------------------------------------------------ */
/* report_json.c / report_sarif.c / report_html.c                       */
/* ------------------------------------------------------------------ */
/* Everything known about one triaged artifact, for the report. */
struct zf_tr_artifact_info {
	const char *path;
	char sha256[65];
	size_t size;
	const char *kind;      /* "fuzz-input", "scenario", "vm-bundle" */
	const char *engine;    /* "libFuzzer", "AFL++", "scenario", "vm", "unknown" */
	int target;            /* enum zf_target_kind, -1 for scenarios */
	double time_to_find_s; /* < 0 unknown */
	double execs;          /* < 0 unknown */
	time_t found;          /* the artifact's mtime */
	uint32_t bugs;         /* planted bugs the run had */
	cJSON *vm;             /* the bundle's provenance (borrowed) */
};

struct zf_tr_profile_result {
	int profile;
	bool ran;
	bool reproduced;
	bool other; /* a different finding */
	struct zf_report_signature sig;
};

struct zf_tr_triage {
	struct zf_tr_artifact_info art;
	/* reproducibility from the artifact alone */
	unsigned int attempts, reproduced;
	unsigned int nr_other;
	char other_keys[4][352];
	struct zf_report_signature sig;
	struct zf_finding original; /* finding of the original artifact */
	uint32_t original_ops;
	/* minimised reproducer */
	struct zf_scenario *min;
	struct zf_tr_minstats minstats;
	uint8_t *bytes;
	long nbytes;
	int bytes_target;
	unsigned int walk_interval;
	char bytes_note[256];
	bool bytes_verified;
	/* final replay of the minimised reproducer */
	struct zf_tr_outcome fin;
	struct zf_tr_capture cap;
	/* profiles */
	struct zf_tr_profile_result prof[ZF_NR_PROFILES];
	/* classification */
	const char *kind; /* "planted", "known", "new" */
	uint32_t bugs_enabled, bugs_needed;
	cJSON *known; /* borrowed: the known-findings entry that matched */
	char known_file[256];
	/*
	 * The bucket: the signature's key, plus "|planted:B4,..." for a planted
	 * finding (docs/triage.md "Signature and buckets"); id = sha256[:12].
	 */
	char bucket_key[352];
	char bucket_id[13];
};

/* Build the report document (without dedup, which the caller merges in). */
cJSON *zf_tr_report_build(const struct zf_tr_triage *t, time_t now);
/* The dedup entry of one artifact. */
cJSON *zf_tr_artifact_entry(const struct zf_tr_artifact_info *a, const char *bucket);
/* Render a report document. malloc'd text, NULL on out of memory. */
char *zf_tr_report_sarif(const cJSON *doc);
char *zf_tr_report_html(const cJSON *doc);
char *zf_tr_index_html(const cJSON *index);

/* Small cJSON helpers. */
const char *zf_tr_json_str(const cJSON *o, const char *key, const char *dflt);
double zf_tr_json_num(const cJSON *o, const char *key, double dflt);
const cJSON *zf_tr_json_path(const cJSON *o, const char *dotted);

/* ------------------------------------------------------------------ */
/* triage.c: one artifact from bytes to a triage record                 */
/* ------------------------------------------------------------------ */
enum zf_tr_kind {
	ZF_TR_FUZZ_INPUT = 0,
	ZF_TR_SCENARIO_JSON,
	ZF_TR_VM_BUNDLE,
};

struct zf_tr_opts {
	const char *out;
	int target;          /* --target, -1: from the artifact */
	unsigned int repeat; /* reproduction attempts */
	unsigned int jobs;
	uint32_t bugs; /* --bugs / ZF_BUGS */
	const char *known_dir;
	unsigned int budget;        /* replays per minimisation */
	unsigned int walk_interval; /* scenarios */
	bool quiet;
};

/* One artifact loaded from disk, with everything needed to rebuild its scenario. */
struct zf_tr_loaded {
	enum zf_tr_kind kind;
	uint8_t *data; /* the reproducer: input bytes or scenario JSON text */
	size_t len;
	struct zf_tr_artifact_info art;
	cJSON *meta; /* sidecar / campaign.json / bundle.json (owned) */
	char *path;  /* owned copy of art.path */
};

/* Known findings (the .json files of tests/known). */
struct zf_tr_known {
	cJSON **entries;
	char (*files)[256];
	size_t n, cap;
};
void zf_tr_known_load(struct zf_tr_known *k, const char *dir);
void zf_tr_known_free(struct zf_tr_known *k);
/* The entry matching a signature, or NULL. */
const cJSON *zf_tr_known_match(const struct zf_tr_known *k, const struct zf_report_signature *s,
			       const struct zf_finding *f, int profile, const char **file);
void zf_tr_bucket_of(struct zf_tr_triage *t);

/*
 * Load an artifact. 0: loaded; 1: skipped with a note (in msg); -1: rejected
 * (reason in msg, printed by the caller as "zonefuzz: <path>: <reason>").
 */
int zf_tr_load(const struct zf_tr_opts *o, const char *path, enum zf_tr_kind kind,
	       struct zf_tr_loaded *ld, char *msg, size_t msglen);
void zf_tr_loaded_free(struct zf_tr_loaded *ld);

/*
 * evidence.c: findings without a model reproducer (a VM bundle's real-kernel
 * findings, a threaded stress finding): one evidence report each under
 * OUT/evidence/, and a one-line note in msg. 1 (skipped with the note) or
 * -1 (msg says why).
 */
int zf_tr_evidence_ingest(const struct zf_tr_opts *o, const char *path, const cJSON *doc,
			  const char *sha, char *msg, size_t msglen);
/* A stress-finding-NNN.json / stress-hang.json of `zonefuzz stress --threads`? */
bool zf_tr_evidence_is_threads_finding(const cJSON *doc);

/*
 * Triage a loaded artifact: reproduce it o->repeat times, minimise, encode,
 * replay under every profile, classify. 1: a finding (t filled, free with
 * zf_tr_triage_free); 0: nothing reproduced (why in msg); -1: error (msg).
 */
int zf_tr_triage_one(const struct zf_tr_opts *o, const struct zf_tr_known *known,
		     struct zf_tr_loaded *ld, struct zf_tr_triage *t, char *msg, size_t msglen);
void zf_tr_triage_free(struct zf_tr_triage *t);

#endif /* ZONEFUZZ_REPORT_INTERNAL_H */
