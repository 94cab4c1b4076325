/* SPDX-License-Identifier: MIT */
/*
 * campaign_main.c - build/bin/zf-campaign: the fuzzing subcommands without
 * the zonefuzz CLI (scripts and ctest use it; `zonefuzz fuzz|coverage|
 * decode|encode|corpus` call the same functions).
 */
#include "campaign.h"

int main(int argc, char **argv)
{
	return zf_campaign_main(argc, argv);
}
