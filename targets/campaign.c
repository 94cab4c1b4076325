/* SPDX-License-Identifier: MIT */
#define _GNU_SOURCE
#include "campaign.h"

#include <stdio.h>
#include <string.h>

#include "campaign_util.h"

int zf_cmd_fuzz(int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return zf_cu_fail("fuzz", "not yet");
}


int zf_campaign_main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
	    {"decode", zf_cmd_decode},	 {"encode", zf_cmd_encode}, {"corpus", zf_cmd_corpus},
	    {"fuzz", zf_cmd_fuzz},	 {"coverage", zf_cmd_coverage},
	};
	if (argc < 2) {
		fprintf(stderr, "usage: zf-campaign decode|encode|corpus|fuzz|coverage [options]\n");
		return 2;
	}
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(argv[1], cmds[i].name))
			return cmds[i].fn(argc - 1, argv + 1);
	return zf_cu_fail(argv[1], "unknown command (decode, encode, corpus, fuzz, coverage)");
}
