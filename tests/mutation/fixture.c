/* SPDX-License-Identifier: MIT */
/*
 * tests/mutation/fixture.c - input of `scripts/mutation_test.py --self-test`.
 * Not built by CMake. A trailing "@-comment" names how many sites of each
 * operator the line must give (see mutation_test.py for the operators);
 * a line without one must give none. Comments, strings and directives are
 * never mutated: if (a < b) && c || d x++ return true;
 */
#include <stdbool.h>
#include <stdint.h>
#define MAX_ORDER 11
#define BUMP(x)   ((x)++ + (1 < 2))

struct zone {
	long vm_stat[4];
	unsigned long nr_free[MAX_ORDER];
	long nr_reserved_highatomic;
};

static const int table[3] = {1 << 2, 3, 4}; /* file scope: not code */

static long __mod_zone_page_state(struct zone *z, int item, long delta)
{
	z->vm_stat[item] += delta; /*@ AOR=1 SDL=1 */
	return z->vm_stat[item];
}

static bool zone_ok(struct zone *z, unsigned int order, long mark)
{
	long free_pages = z->vm_stat[0] - (1L << order); /*@ AOR=1 CRP=2 */
	const char *s = "a < b && c";                    /* a string is not code */

	(void)s;
	if (free_pages <= mark + z->nr_reserved_highatomic) /*@ ROR=1 AOR=1 NEG=1 */
		return false;                               /*@ RBR=1 */
	for (unsigned int o = order; o < MAX_ORDER; o++) {  /*@ ROR=1 CRP=2 */
		if (!z->nr_free[o] && o > 2)                /*@ ROR=1 CRP=2 LCR=1 NEG=1 */
			continue;
		return true; /*@ RBR=1 */
	}
	return order == 0 || table[0] != 4; /*@ ROR=2 CRP=3 LCR=1 */
}

static void account(struct zone *z, unsigned int order, int *local)
{
	z->nr_free[order]++;                         /*@ SDL=1 */
	(*local)--;                                  /*@ SDL=1 */
	if (order)                                   /*@ NEG=1 */
		z->nr_reserved_highatomic -= 1;      /*@ AOR=1 SDL=1 */
	__mod_zone_page_state(z, 0, -(1L << order)); /*@ CRP=2 SDL=1 */
	while ((*local)--)                           /* a condition: not a deletable statement */
		;
	local[0] = local[0] + -1; /*@ AOR=1 */
}

int fixture_main(void);
int fixture_main(void)
{
	struct zone z = {{0}, {0}, 0};
	int n = 3;

	account(&z, 1, &n);
	return zone_ok(&z, 0, -5) ? 0 : BUMP(n); /*@ NEG=0 */
}
