/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/scenario_cjson.h - cJSON forms of scenario data, for tools that
 * build larger JSON documents (the CLI's report.json, triage reports).
 * Kept apart from scenario.h so that users of the plain-data API need not
 * see cJSON.
 */
#ifndef ZONEFUZZ_SCENARIO_CJSON_H
#define ZONEFUZZ_SCENARIO_CJSON_H

#include <cjson/cJSON.h>

#include "zonefuzz/scenario.h"

/* The record object of zf_sc_record_json(); caller cJSON_Delete()s it. NULL: out of memory. */
cJSON *zf_sc_record_to_cjson(const struct zf_scenario *sc, const struct zf_sc_record *r);

#endif /* ZONEFUZZ_SCENARIO_CJSON_H */
