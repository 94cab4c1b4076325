/* SPDX-License-Identifier: MIT */
/*
 * cli/cli.h - pieces shared by the zonefuzz subcommands: running one
 * scenario with oracles and output, the /proc formatters, the embedded
 * scenario set and the demo job.
 */
#ifndef ZONEFUZZ_CLI_H
#define ZONEFUZZ_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cjson/cJSON.h>

#include "zonefuzz/machine.h"
#include "zonefuzz/scenario.h"

/* Exit codes (README "CLI"). */
#define ZF_EXIT_CLEAN   0
#define ZF_EXIT_FINDING 1 /* an oracle finding or a --check mismatch */
#define ZF_EXIT_USAGE   2 /* bad usage, malformed scenario, unreadable file */

/* ---- /proc formatters (procfs.c), Linux 4.12 layouts ---- */
enum zf_procfs_kind {
	ZF_PROCFS_BUDDYINFO = 0,
	ZF_PROCFS_ZONEINFO,
	ZF_PROCFS_VMSTAT,
	ZF_PROCFS_PAGETYPEINFO,
	ZF_NR_PROCFS,
};
int zf_procfs_parse(const char *name); /* enum zf_procfs_kind or -1 */
const char *zf_procfs_name(enum zf_procfs_kind k);
void zf_procfs_buddyinfo(FILE *f, const struct zf_machine *m);
void zf_procfs_zoneinfo(FILE *f, const struct zf_machine *m);
void zf_procfs_vmstat(FILE *f, const struct zf_machine *m);
void zf_procfs_pagetypeinfo(FILE *f, const struct zf_machine *m);
void zf_procfs_dump(FILE *f, const struct zf_machine *m, enum zf_procfs_kind k);

/* ---- embedded scenarios (generated embedded_scenarios.c) ---- */
struct zf_embedded_scenario {
	const char *name; /* file name without .json */
	const char *text;
	size_t len;
};
extern const struct zf_embedded_scenario zf_embedded_scenarios[];
extern const size_t zf_nr_embedded_scenarios;
const struct zf_embedded_scenario *zf_embedded_lookup(const char *name);

/* ---- running one scenario (runner.c) ---- */
#define ZF_CLI_MAX_DUMPS 16

struct zf_cli_opts {
	bool json;  /* records as JSON lines on stdout */
	bool check; /* mismatches and operation errors make the exit code 1 */
	bool quiet; /* no per-record output (demo) */
	unsigned int nr_dumps;
	enum zf_procfs_kind dumps[ZF_CLI_MAX_DUMPS];
	struct zf_scenario_options run;
	bool oracles_off;         /* --oracles none */
	uint64_t oracles_enabled; /* bit i = oracle i; 0 = all */
	unsigned int walk_interval;
	bool walk_interval_set;
	/* --from-zoneinfo: a captured /proc snapshot applied right after the machine
	 * is built (struct zf_proc_snapshot of zonefuzz/stress.h), NULL otherwise */
	const void *proc_snapshot;
};

struct zf_cli_outcome {
	struct zf_scenario_result res;
	size_t nr_findings;
	bool ran; /* the machine was built */
};

void zf_cli_opts_default(struct zf_cli_opts *o);
/* Parse --oracles all|none|name,name; 0 or -1 with a message in err. */
int zf_cli_parse_oracles(struct zf_cli_opts *o, const char *spec, char *err, size_t errlen);
bool zf_cli_have_oracles(void);
/* List the oracle registry on f (nothing but a note when not linked). */
void zf_cli_list_oracles(FILE *f);

/*
 * Run sc as `zonefuzz run` does. label names the scenario in messages (the
 * file name). If report is not NULL, records, findings and messages are also
 * appended to it as arrays "records", "findings", "messages".
 * Returns the exit code (0 clean, 1 finding / mismatch, 2 machine not built).
 */
int zf_cli_run_scenario(const char *label, const struct zf_scenario *sc,
			const struct zf_cli_opts *o, cJSON *report, struct zf_cli_outcome *out);

/* Read a whole file (or "-" for stdin); malloc'd, NUL-terminated. NULL + errno text. */
char *zf_cli_read_file(const char *path, size_t *len, char *err, size_t errlen);

/* ---- the main job (demo.c) ---- */
int zf_cli_demo(int argc, char **argv);

#endif /* ZONEFUZZ_CLI_H */
