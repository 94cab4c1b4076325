/* SPDX-License-Identifier: MIT */
/*
 * targets/campaign.h - the fuzzing subcommands of `zonefuzz`, as functions
 * the CLI dispatches to (library zf_campaign; argv[0] is the subcommand).
 * The same functions back the stand-alone tool build/bin/zf-campaign.
 *
 *   zonefuzz decode --target T FILE [-o OUT]      bytes -> readable JSON scenario
 *   zonefuzz encode --target T FILE.json -o OUT   JSON scenario -> bytes (ops/v2)
 *   zonefuzz corpus regen|check [--target T|all]  corpus/<t>/scenarios/NAME.json -> seeds/NAME
 *   zonefuzz fuzz --engine libfuzzer|afl --target T --jobs N --time D [--dir DIR] ...
 *   zonefuzz coverage [--target T|all] [--out DIR]
 *
 * Exit status: 0 done, 1 a finding (fuzz) / an unreached label (coverage,
 * corpus check), 2 bad usage, a missing tool or an unreadable file (one line
 * on stderr).
 */
#ifndef ZONEFUZZ_TARGETS_CAMPAIGN_H
#define ZONEFUZZ_TARGETS_CAMPAIGN_H

int zf_cmd_decode(int argc, char **argv);
int zf_cmd_encode(int argc, char **argv);
int zf_cmd_corpus(int argc, char **argv);
int zf_cmd_fuzz(int argc, char **argv);
int zf_cmd_coverage(int argc, char **argv);

/* Dispatch argv[1] to the commands above (the zf-campaign tool's main). */
int zf_campaign_main(int argc, char **argv);

#endif /* ZONEFUZZ_TARGETS_CAMPAIGN_H */
