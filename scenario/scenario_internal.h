/* SPDX-License-Identifier: MIT */
/*
 * scenario/scenario_internal.h - helpers shared by the scenario/ sources
 * (not a public header).
 */
#ifndef ZONEFUZZ_SCENARIO_INTERNAL_H
#define ZONEFUZZ_SCENARIO_INTERNAL_H

#include <stddef.h>

/*
 * snprintf whose truncation is intended: paths and messages are cut at the
 * buffer size, never overflowed (the vsnprintf inside keeps gcc's
 * -Wformat-truncation quiet about it). parse.c and run.c (scenario.c).
 */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
void zf_sc_fmt(char *buf, size_t len, const char *fmt, ...);

#endif /* ZONEFUZZ_SCENARIO_INTERNAL_H */
