/* SPDX-License-Identifier: MIT */
/*
 * main.c - the zonefuzz command: subcommand dispatch and `run`.
 *
 * Exit codes: 0 clean, 1 finding (oracle finding, or a --check mismatch),
 * 2 bad usage / malformed scenario / unreadable file, reported as a single
 * line "zonefuzz: <file>: <what>" on stderr.
 */
#define _GNU_SOURCE /* getopt_long */

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#ifdef ZF_HAVE_STRESS
#include "zonefuzz/stress.h"
#endif
#ifdef ZF_HAVE_REPORTS
#include "zonefuzz/report.h"
#endif
#ifdef ZF_HAVE_CAMPAIGN
#include "campaign.h"
#endif
#ifdef ZF_HAVE_STRESS_THREADS
#include "zonefuzz/stress_threads.h"
#endif

#ifndef ZF_VERSION
#define ZF_VERSION "0.0.0"
#endif

static void zf_cli_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: zonefuzz <command> [options]\n"
	    "\n"
	    "commands:\n"
	    "  run SCENARIO.json [options]  run a scenario (\"-\" reads stdin, \"builtin:NAME\" an embedded one)\n"
	    "      --json                      one JSON object per line: records, findings, summary\n"
	    "      --dump buddyinfo|zoneinfo|vmstat|pagetypeinfo   state at the end, /proc format (repeatable)\n"
	    "      --bug ID                    plant a bug (repeatable; see `zonefuzz bugs`)\n"
	    "      --profile VERSION           kernel profile (see `zonefuzz profiles`)\n"
	    "      --seed N                    PRNG seed\n"
	    "      --oracles all|none|a,b|all,-a  oracles to run (default all)\n"
	    "      --walk-interval N           full-state oracle walks every N operations (default 1; 0: at the end)\n"
	    "      --check                     exit 1 when an expectation fails or an operation errs\n"
	    "      --from-zoneinfo FILE        build the machine from a captured /proc/zoneinfo (SCENARIO optional)\n"
	    "      --buddyinfo FILE            ... and shape its free areas like a captured /proc/buddyinfo\n"
	    "  fuzz --engine libfuzzer|afl --target T --jobs N --time D   a fuzzing campaign\n"
	    "  coverage [--target T|all]     clang coverage of the corpus; unreached slow-path labels/gotos\n"
	    "  decode|encode --target T FILE   fuzz input <-> readable scenario JSON\n"
	    "  corpus regen                  regenerate the seed corpora from their JSON scenarios\n"
	    "  stress --threads N --duration D   several threads on one machine, oracles at quiescent points\n"
	    "  triage INPUT... [--out DIR]   reproduce, minimise, bucket findings; report.json/.sarif/.html\n"
	    "  vm build|run|campaign|profiles  stress the real kernel in a QEMU guest (see `zonefuzz vm help`)\n"
	    "  demo --out DIR                the main job: every embedded scenario, all oracles, DIR/report.json\n"
	    "  show SCENARIO.json            print the scenario as canonical JSON (every field explicit)\n"
	    "  scenarios                     list the embedded scenarios\n"
	    "  bugs                          list the planted bugs\n"
	    "  profiles                      list the kernel profiles\n"
	    "  oracles                       list the oracles\n"
	    "  help                          this text\n"
	    "  version                       print the version\n"
	    "\n"
	    "exit status: 0 clean, 1 finding or --check mismatch, 2 bad usage or malformed input\n");
}

/* One-line usage error. */
static int zf_cli_bad(const char *what, const char *msg)
{
	fprintf(stderr, "zonefuzz: %s: %s\n", what, msg);
	return ZF_EXIT_USAGE;
}

static int zf_cli_parse_u64(const char *s, uint64_t *out)
{
	char *end;
	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	unsigned long long v = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*out = v;
	return 0;
}

/* Load a scenario from a file, stdin or "builtin:NAME". Exit code on failure. */
static int zf_cli_load(const char *path, struct zf_scenario *sc)
{
	char err[512] = "";
	size_t len = 0;
	char *text;
	int rc;

	if (strncmp(path, "builtin:", 8) == 0) {
		const struct zf_embedded_scenario *e = zf_embedded_lookup(path + 8);
		if (!e)
			return zf_cli_bad(path,
					  "no such embedded scenario (see `zonefuzz scenarios`)");
		rc = zf_scenario_parse_json(e->text, e->len, sc, err, sizeof(err));
		if (rc)
			return zf_cli_bad(path, err);
		return 0;
	}
	text = zf_cli_read_file(path, &len, err, sizeof(err));
	if (!text)
		return zf_cli_bad(path, err);
	rc = zf_scenario_parse_json(text, len, sc, err, sizeof(err));
	free(text);
	if (rc)
		return zf_cli_bad(path, err);
	return 0;
}

enum {
	OPT_JSON = 256,
	OPT_DUMP,
	OPT_BUG,
	OPT_PROFILE,
	OPT_SEED,
	OPT_ORACLES,
	OPT_WALK,
	OPT_CHECK,
	OPT_FROM_ZONEINFO,
	OPT_BUDDYINFO,
};

static int zf_cli_run(int argc, char **argv)
{
	static const struct option longopts[] = {
	    {"json", no_argument, NULL, OPT_JSON},
	    {"dump", required_argument, NULL, OPT_DUMP},
	    {"bug", required_argument, NULL, OPT_BUG},
	    {"profile", required_argument, NULL, OPT_PROFILE},
	    {"seed", required_argument, NULL, OPT_SEED},
	    {"oracles", required_argument, NULL, OPT_ORACLES},
	    {"walk-interval", required_argument, NULL, OPT_WALK},
	    {"check", no_argument, NULL, OPT_CHECK},
	    {"from-zoneinfo", required_argument, NULL, OPT_FROM_ZONEINFO},
	    {"buddyinfo", required_argument, NULL, OPT_BUDDYINFO},
	    {"help", no_argument, NULL, 'h'},
	    {NULL, 0, NULL, 0},
	};
	struct zf_cli_opts o;
	char err[256];
	int c;
	const char *from_zoneinfo = NULL, *from_buddyinfo = NULL;

	zf_cli_opts_default(&o);
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_JSON:
			o.json = true;
			break;
		case OPT_DUMP: {
			int k = zf_procfs_parse(optarg);
			if (k < 0)
				return zf_cli_bad(
				    "--dump",
				    "expected buddyinfo, zoneinfo, vmstat or pagetypeinfo");
			if (o.nr_dumps >= ZF_CLI_MAX_DUMPS)
				return zf_cli_bad("--dump", "too many dumps");
			o.dumps[o.nr_dumps++] = (enum zf_procfs_kind)k;
			break;
		}
		case OPT_BUG: {
			uint32_t bug;
			if (zf_bug_parse(optarg, &bug) != 0)
				return zf_cli_bad("--bug", "unknown bug (see `zonefuzz bugs`)");
			o.run.extra_bugs |= bug;
			break;
		}
		case OPT_PROFILE: {
			enum zf_profile_id p;
			if (zf_profile_parse(optarg, &p) != 0)
				return zf_cli_bad("--profile",
						  "unknown profile (see `zonefuzz profiles`)");
			o.run.profile = (int)p;
			break;
		}
		case OPT_SEED:
			if (zf_cli_parse_u64(optarg, &o.run.seed))
				return zf_cli_bad("--seed", "expected a non-negative integer");
			o.run.override_seed = true;
			break;
		case OPT_ORACLES:
			if (zf_cli_parse_oracles(&o, optarg, err, sizeof(err)))
				return zf_cli_bad("--oracles", err);
			break;
		case OPT_WALK: {
			uint64_t v;
			if (zf_cli_parse_u64(optarg, &v) || v > UINT32_MAX)
				return zf_cli_bad("--walk-interval",
						  "expected a non-negative integer");
			o.walk_interval = (unsigned int)v;
			o.walk_interval_set = true;
			break;
		}
		case OPT_CHECK:
			o.check = true;
			break;
		case OPT_FROM_ZONEINFO:
			from_zoneinfo = optarg;
			break;
		case OPT_BUDDYINFO:
			from_buddyinfo = optarg;
			break;
		case 'h':
			zf_cli_usage(stdout);
			return ZF_EXIT_CLEAN;
		case ':':
			return zf_cli_bad("run", "an option is missing its argument");
		default:
			if (optopt)
				snprintf(err, sizeof(err), "unknown option -%c", optopt);
			else
				snprintf(err, sizeof(err), "unknown option %.200s",
					 argv[optind - 1]);
			return zf_cli_bad("run", err);
		}
	}
	if (from_buddyinfo && !from_zoneinfo)
		return zf_cli_bad("--buddyinfo", "needs --from-zoneinfo");
	if (optind < argc - 1 || (optind == argc && !from_zoneinfo))
		return zf_cli_bad("run", optind >= argc ? "missing SCENARIO.json"
							: "exactly one scenario file expected");
	const char *path = optind < argc ? argv[optind] : from_zoneinfo;
	struct zf_scenario sc;
	int rc;
	if (optind < argc) {
		rc = zf_cli_load(path, &sc);
		if (rc)
			return rc;
	} else {
		zf_scenario_init(&sc); /* no operations: the captured machine itself */
		snprintf(sc.name, sizeof(sc.name), "from-zoneinfo");
	}
#ifdef ZF_HAVE_STRESS
	static struct zf_proc_snapshot snap;
	if (from_zoneinfo) {
		struct zf_config cfg = sc.cfg;
		if (zf_config_from_proc(from_zoneinfo, from_buddyinfo, &cfg, &snap, err,
					sizeof(err))) {
			zf_scenario_free(&sc);
			return zf_cli_bad(from_zoneinfo, err);
		}
		sc.cfg = cfg; /* geometry and sysctls from the capture; profile, bugs, seed kept */
		o.proc_snapshot = &snap;
	}
#else
	if (from_zoneinfo) {
		zf_scenario_free(&sc);
		return zf_cli_bad("--from-zoneinfo", "this build has no stress/ support");
	}
#endif
	rc = zf_cli_run_scenario(path, &sc, &o, NULL, NULL);
	zf_scenario_free(&sc);
	fflush(stdout);
	return rc;
}

static int zf_cli_show(int argc, char **argv)
{
	if (argc != 2)
		return zf_cli_bad("show", "expected exactly one scenario file");
	struct zf_scenario sc;
	int rc = zf_cli_load(argv[1], &sc);
	if (rc)
		return rc;
	char *s = zf_scenario_to_json(&sc);
	zf_scenario_free(&sc);
	if (!s)
		return zf_cli_bad(argv[1], "out of memory");
	puts(s);
	free(s);
	return ZF_EXIT_CLEAN;
}

static int zf_cli_bugs(void)
{
	for (int b = 0; b < 32; b++) {
		const char *name = zf_bug_name(1u << b);
		const char *desc = zf_bug_description(1u << b);
		if (name)
			printf("%-4s %s\n", name, desc ? desc : "");
	}
	return ZF_EXIT_CLEAN;
}

static int zf_cli_profiles(void)
{
	for (int p = 0; p < ZF_NR_PROFILES; p++) {
		const char *name = zf_profile_name((enum zf_profile_id)p);
		printf("%s%s\n", name ? name : "?", p == ZF_PROFILE_4_12 ? " (default)" : "");
	}
	return ZF_EXIT_CLEAN;
}

static int zf_cli_scenarios(void)
{
	for (size_t i = 0; i < zf_nr_embedded_scenarios; i++) {
		const struct zf_embedded_scenario *e = &zf_embedded_scenarios[i];
		struct zf_scenario sc;
		char err[256];
		if (zf_scenario_parse_json(e->text, e->len, &sc, err, sizeof(err)) == 0) {
			const char *d = sc.description ? sc.description : "";
			printf("builtin:%-32s %.*s%s\n", e->name, 90, d,
			       strlen(d) > 90 ? "..." : "");
			zf_scenario_free(&sc);
		} else {
			printf("builtin:%-32s (malformed: %s)\n", e->name, err);
		}
	}
	return ZF_EXIT_CLEAN;
}

/* The commands with arguments of their own, each called with argv[0] = its name. */
static const struct {
	const char *name;
	int (*main)(int argc, char **argv);
} zf_cli_commands[] = {
    {"run", zf_cli_run},       {"demo", zf_cli_demo},         {"show", zf_cli_show},
#ifdef ZF_HAVE_STRESS
    {"vm", zf_cmd_vm},
#endif
#ifdef ZF_HAVE_REPORTS
    {"triage", zf_cmd_triage},
#endif
#ifdef ZF_HAVE_CAMPAIGN
    {"fuzz", zf_cmd_fuzz},     {"coverage", zf_cmd_coverage}, {"decode", zf_cmd_decode},
    {"encode", zf_cmd_encode}, {"corpus", zf_cmd_corpus},
#endif
#ifdef ZF_HAVE_STRESS_THREADS
    {"stress", zf_cmd_stress},
#endif
};

int main(int argc, char **argv)
{
	if (argc < 2) {
		zf_cli_usage(stderr);
		return ZF_EXIT_USAGE;
	}
	const char *cmd = argv[1];
	for (size_t i = 0; i < sizeof(zf_cli_commands) / sizeof(zf_cli_commands[0]); i++)
		if (strcmp(cmd, zf_cli_commands[i].name) == 0)
			return zf_cli_commands[i].main(argc - 1, argv + 1);
	if (argc != 2)
		return zf_cli_bad(cmd, "takes no arguments");
	if (strcmp(cmd, "bugs") == 0)
		return zf_cli_bugs();
	if (strcmp(cmd, "profiles") == 0)
		return zf_cli_profiles();
	if (strcmp(cmd, "oracles") == 0) {
		zf_cli_list_oracles(stdout);
		return ZF_EXIT_CLEAN;
	}
	if (strcmp(cmd, "scenarios") == 0)
		return zf_cli_scenarios();
	if (strcmp(cmd, "help") == 0 || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		zf_cli_usage(stdout);
		return ZF_EXIT_CLEAN;
	}
	if (strcmp(cmd, "version") == 0 || strcmp(cmd, "--version") == 0) {
		printf("zonefuzz %s\n", ZF_VERSION);
		return ZF_EXIT_CLEAN;
	}
	return zf_cli_bad(cmd, "unknown command (see `zonefuzz help`)");
}
