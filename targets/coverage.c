/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "campaign.h"

#include "campaign_util.h"

int zf_cmd_coverage(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return zf_cu_fail("coverage", "not yet");
}
