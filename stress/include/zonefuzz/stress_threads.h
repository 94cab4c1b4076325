/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/stress_threads.h - real concurrency in the model
 * (docs/concurrency.md): several host threads allocate, free and fill or
 * drop page cache on ONE threaded machine through the model's own locks
 * (zone->lock, the per-cpu pcp locks, the node lru_lock, oom_lock, the
 * background lock), each bound to one CPU of the machine. At quiescent
 * points every thread is parked and the oracles' full-state walks run;
 * at the end a corpus can be replayed through the plain decoder.
 *
 * The CLI (cli/, owned elsewhere) wires
 *   zonefuzz stress --threads N --duration D ...   -> zf_cmd_stress()
 * The same command is also built as the stand-alone program zf-stress-threads.
 */
#ifndef ZONEFUZZ_STRESS_THREADS_H
#define ZONEFUZZ_STRESS_THREADS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/events.h"
#include "zonefuzz/machine.h"

#define ZF_STRESS_MAX_REPLAY 16

struct zf_stress_options {
	unsigned int threads;    /* worker threads, one per CPU (1..ZF_MAX_CPUS; default 2) */
	double duration_s;       /* wall-clock time of the threaded phase (default 10) */
	uint64_t max_ops;        /* operations per thread, 0: until the duration is over */
	uint64_t seed;           /* the workers' PRNGs and the machine's seed */
	uint64_t pages;          /* managed pages of the machine (default 65536) */
	unsigned int nodes;      /* NUMA nodes 1..4 (default 1) */
	int profile;             /* enum zf_profile_id (default 4.12) */
	uint32_t bugs;           /* planted bugs (enum zf_bug) */
	unsigned int quiesce_ms; /* full checks every M ms (default 200; 0: only at the end) */
	const char *replay[ZF_STRESS_MAX_REPLAY]; /* corpus directories replayed afterwards */
	size_t nr_replay;
	const char *out_dir; /* findings as JSON (NULL: none written) */
	bool quiet;          /* only the summary line */
};

struct zf_stress_result {
	unsigned int threads;
	double elapsed_s;          /* the threaded phase */
	uint64_t ops[ZF_MAX_CPUS]; /* operations done by each thread */
	uint64_t total_ops;
	uint64_t allocs_ok, allocs_failed, allocs_aborted; /* aborted: the machine's watchdog */
	uint64_t frees, lru_ops, sleeps, drains;
	uint64_t oom_kills_seen;   /* tasks found killed (SIGKILL) and exited by their thread */
	uint64_t respawns;         /* tasks created again at quiescent points */
	uint64_t checks;           /* quiescent points with a full walk */
	uint64_t findings;         /* distinct findings of the threaded phase */
	uint64_t findings_dropped; /* repeats of a finding already recorded */
	bool hang;                 /* a thread did not reach a quiescent point in time */
	uint64_t replay_inputs, replay_findings, replay_errors;
	uint64_t vmstat[ZF_NR_VMSTAT]; /* the machine's counters at the end of the threaded phase */
};

void zf_stress_options_default(struct zf_stress_options *o);
/*
 * Run the threaded phase and the replay. Returns 0 when nothing was found,
 * 1 on a finding (threaded or replay), -1 when the run could not start
 * (message on stderr). res may be NULL.
 */
int zf_stress_run(const struct zf_stress_options *o, struct zf_stress_result *res);

/*
 * `zonefuzz stress --threads N --duration D [--seed S] [--pages P]
 *  [--nodes K] [--profile X] [--bug Bn[,Bm]] [--quiesce-ms M] [--ops N]
 *  [--replay DIR]... [--out DIR] [--quiet]`; argv[0] is "stress" (skipped).
 * Exit codes: 0 clean, 1 a finding, 2 usage or set-up error.
 */
int zf_cmd_stress(int argc, char **argv);

#endif /* ZONEFUZZ_STRESS_THREADS_H */
