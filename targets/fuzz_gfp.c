/* SPDX-License-Identifier: MIT */
/* fuzz_gfp: the gfp target (see targets/decoder.h for what its inputs hold). */
#include "harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return zf_fuzz_one(ZF_TARGET_GFP, data, size);
}
