/* SPDX-License-Identifier: MIT */
/*
 * targets/campaign_util.h - small POSIX helpers shared by the fuzzing
 * subcommands (files, directories, child processes). Internal to targets/.
 */
#ifndef ZONEFUZZ_TARGETS_CAMPAIGN_UTIL_H
#define ZONEFUZZ_TARGETS_CAMPAIGN_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "decoder.h"

#define ZF_CU_PATH 4096

/* One-line error "zonefuzz <cmd>: <what>" on stderr; returns 2 (usage / environment). */
int zf_cu_fail(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* snprintf into a path buffer; -1 (and an empty buffer) when it does not fit. */
int zf_cu_pathf(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* The source tree: $ZF_SRC, else the tree this was built from. */
const char *zf_cu_source_dir(void);

/* Whole file ("-" is stdin) into a NUL-terminated malloc'd buffer. NULL + errno. */
uint8_t *zf_cu_read_file(const char *path, size_t *len);
/* Write via PATH.tmp + rename, so a reader (or a crash) never sees half a file. */
int zf_cu_write_atomic(const char *path, const void *data, size_t len);
int zf_cu_mkdir_p(const char *path);
bool zf_cu_is_dir(const char *path);
bool zf_cu_is_file(const char *path);
/* Number of regular files directly inside dir (0 if it does not exist). */
unsigned long zf_cu_count_files(const char *dir);
/* Sorted names of the regular files directly inside dir; free with zf_cu_free_names. */
char **zf_cu_list_files(const char *dir, size_t *n);
void zf_cu_free_names(char **names, size_t n);
int zf_cu_copy_file(const char *from, const char *to);
/* rm -rf (only used on directories this tool created). */
int zf_cu_remove_tree(const char *path);

/* An executable named name on $PATH (or a path that is executable). */
bool zf_cu_have_program(const char *name);

/*
 * Run argv (argv[0] looked up on $PATH), optionally with stdout/stderr sent
 * to a file (NULL: inherited), in its own process group when own_group.
 * Returns the pid (spawn) or the exit status (run: 128+signal if killed,
 * -1 if it could not start).
 */
pid_t zf_cu_spawn(char *const argv[], const char *log, bool own_group);
int zf_cu_wait(pid_t pid);
int zf_cu_run(char *const argv[], const char *log);

/* Target name list: "all" or one name. Returns the number of targets written. */
int zf_cu_parse_targets(const char *arg, bool include_scenario, enum zf_target_kind out[]);

/* "90", "90s", "15m", "2h" -> seconds; -1 if malformed. */
long zf_cu_parse_duration(const char *s);

#endif /* ZONEFUZZ_TARGETS_CAMPAIGN_UTIL_H */
