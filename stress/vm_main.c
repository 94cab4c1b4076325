// SPDX-License-Identifier: MIT
/*
 * stress/vm_main.c - zf-vm: `zonefuzz vm ...` as a stand-alone program, for
 * CI (stress/ci-smoke.sh) and for trees where the CLI does not link yet.
 *   zf-vm build|run|campaign|profiles [options]   (see zonefuzz/stress.h)
 */
#include "zonefuzz/stress.h"

int main(int argc, char **argv)
{
	return zf_cmd_vm(argc - 1, argv + 1);
}
