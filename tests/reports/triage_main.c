/* SPDX-License-Identifier: MIT */
/*
 * triage_main.c - `zf-triage`: zf_cmd_triage() as a program, so the report
 * tests run without the zonefuzz CLI (the lead wires `zonefuzz triage`).
 */
#include "zonefuzz/report.h"

int main(int argc, char **argv)
{
	return zf_cmd_triage(argc, argv);
}
