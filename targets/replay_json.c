/* SPDX-License-Identifier: MIT */
/* zf-replay-json: scenario files under the harness's oracles (targets/harness.h). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return zf_fuzz_one_json(data, size);
}
