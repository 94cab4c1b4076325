/* SPDX-License-Identifier: MIT */
/*
 * fuzz_empty: the benchmark baseline (bench/fuzz): an LLVMFuzzerTestOneInput
 * that does nothing, built with exactly the flags of the real targets, so
 * that a target's execs/s can be read against the engine's own ceiling.
 */
#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	(void)data;
	(void)size;
	return 0;
}
