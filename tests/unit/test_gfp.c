/* SPDX-License-Identifier: MIT */
/*
 * test_gfp.c - GFP values (spec §1.4), names as the 4.12 kernel prints them
 * (%pGg / show_gfp_flags), parse/format round trips, gfp_zone() (spec
 * §1.3), gfpflags_to_migratetype() (spec §1.2) and current_gfp_context().
 */
#include <string.h>

#include "internal.h"
#include "zf_test.h"

/* The composite masks of spec §1.4, computed there from the 4.12 definitions. */
TEST(composite_values)
{
	expect_eq(ZF_GFP_ATOMIC_MASK, 0x1080020);
	expect_eq(ZF_GFP_KERNEL, 0x14000c0);
	expect_eq(ZF_GFP_NOWAIT, 0x1000000);
	expect_eq(ZF_GFP_NOIO, 0x1400000);
	expect_eq(ZF_GFP_NOFS, 0x1400040);
	expect_eq(ZF_GFP_TEMPORARY, 0x14000d0);
	expect_eq(ZF_GFP_USER, 0x14200c0);
	expect_eq(ZF_GFP_HIGHUSER, 0x14200c2);
	expect_eq(ZF_GFP_HIGHUSER_MOVABLE, 0x14200ca);
	expect_eq(ZF_GFP_TRANSHUGE_LIGHT, 0x0342ca);
	expect_eq(ZF_GFP_TRANSHUGE, 0x4342ca);
	expect_eq(ZF_GFP_RECLAIM, 0x1400000);
	return true;
}

static bool parses_to(const char *s, zf_gfp_t want)
{
	zf_gfp_t got = 0xdeadbeef;
	const char *bad = NULL;

	if (zf_gfp_parse(s, &got, &bad) != 0) {
		fprintf(stderr, "  \"%s\" did not parse (bad token \"%s\")\n", s, bad ? bad : "?");
		return false;
	}
	if (got != want) {
		fprintf(stderr, "  \"%s\" -> %#x, want %#x\n", s, got, want);
		return false;
	}
	return true;
}

TEST(parse)
{
	expect_true(parses_to("GFP_KERNEL", 0x14000c0));
	expect_true(parses_to("GFP_TRANSHUGE", 0x4342ca));
	expect_true(parses_to("GFP_KERNEL|__GFP_NORETRY", 0x14010c0));
	expect_true(parses_to(" GFP_ATOMIC | 0x200 ", 0x1080220));
	expect_true(parses_to("0x14000c0", 0x14000c0));
	expect_true(parses_to("20971712", 0x14000c0));
	expect_true(parses_to("gfp_highuser_movable", 0x14200ca));
	expect_true(parses_to("__GFP_RETRY_MAYFAIL", 0x400));
	expect_true(parses_to("__GFP_REPEAT|__GFP_NOFAIL", 0xc00));
	expect_true(parses_to("__GFP_RECLAIM", 0x1400000));
	expect_true(parses_to("GFP_KERNEL_ACCOUNT", 0x15000c0));
	expect_true(parses_to("GFP_DMA|__GFP_DMA32|__GFP_HIGHMEM", 0x7));
	expect_true(parses_to("none", 0));
	expect_true(parses_to("0", 0));
	{
		const char *s = "GFP_KERNEL|__GFP_BOGUS|__GFP_COMP", *bad = NULL;
		zf_gfp_t v = 123;

		expect_eq(zf_gfp_parse(s, &v, &bad), -1);
		expect_true(bad == s + 11);
		expect_eq(v, 123);
		expect_eq(zf_gfp_parse("", &v, &bad), -1);
		expect_eq(zf_gfp_parse("GFP_KERNEL|", &v, &bad), -1);
		expect_eq(zf_gfp_parse("0x", &v, &bad), -1);
		expect_eq(zf_gfp_parse("0x1g", &v, &bad), -1);
		expect_eq(zf_gfp_parse("0x100000000", &v, &bad), -1);
		expect_eq(zf_gfp_parse(NULL, &v, &bad), -1);
	}
	return true;
}

static bool formats_as(zf_gfp_t gfp, const char *want)
{
	char buf[256];
	int n = zf_gfp_format(buf, sizeof(buf), gfp);

	if (strcmp(buf, want) != 0 || n != (int)strlen(want)) {
		fprintf(stderr, "  %#x -> \"%s\" (%d), want \"%s\"\n", gfp, buf, n, want);
		return false;
	}
	return true;
}

/* Strings as 4.12-era kernels print them in OOM and allocation-failure reports. */
TEST(format)
{
	expect_true(formats_as(0x14000c0, "GFP_KERNEL"));
	expect_true(formats_as(0x4742ca, "GFP_TRANSHUGE|__GFP_THISNODE"));
	expect_true(formats_as(0x14280ca, "GFP_HIGHUSER_MOVABLE|__GFP_ZERO"));
	expect_true(formats_as(0x15080c0, "GFP_KERNEL_ACCOUNT|__GFP_ZERO"));
	expect_true(formats_as(0x1084220, "GFP_ATOMIC|__GFP_NOWARN|__GFP_COMP"));
	expect_true(formats_as(0x1000200, "GFP_NOWAIT|__GFP_NOWARN"));
	expect_true(formats_as(0x14010c0, "GFP_KERNEL|__GFP_NORETRY"));
	expect_true(formats_as(0x14000d0, "GFP_TEMPORARY"));
	expect_true(formats_as(0x14200c0, "GFP_USER"));
	expect_true(formats_as(0x14200c2, "GFP_HIGHUSER"));
	expect_true(formats_as(0x0342ca, "GFP_TRANSHUGE_LIGHT"));
	expect_true(formats_as(0x1400040, "GFP_NOFS"));
	expect_true(formats_as(0x1400000, "GFP_NOIO"));
	expect_true(formats_as(0x1400020, "GFP_NOIO|__GFP_HIGH"));
	expect_true(formats_as(0x14000c1, "GFP_KERNEL|GFP_DMA"));
	expect_true(formats_as(0x6, "__GFP_HIGHMEM|GFP_DMA32"));
	expect_true(formats_as(0x400000, "__GFP_DIRECT_RECLAIM"));
	expect_true(formats_as(0x4000000, "0x4000000"));
	expect_true(formats_as(0x14000c0 | 0x8000000, "GFP_KERNEL|0x8000000"));
	expect_true(formats_as(0, "none"));
	{
		char small[5];

		/* snprintf semantics: the full length, a truncated NUL-terminated string */
		expect_eq(zf_gfp_format(small, sizeof(small), 0x14000c0), 10);
		expect_true(strcmp(small, "GFP_") == 0);
		expect_eq(zf_gfp_format(NULL, 0, 0x4742ca), 28);
	}
	return true;
}

TEST(round_trip)
{
	uint64_t x = 88172645463325252ULL; /* xorshift64 */

	for (int i = 0; i < 20000; i++) {
		char buf[512];
		zf_gfp_t v, back = 0;
		const char *bad;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		v = (zf_gfp_t)x;
		if (i % 3 == 0)
			v &= ZF_GFP_BITS_MASK;
		zf_gfp_format(buf, sizeof(buf), v);
		assert_eq(zf_gfp_parse(buf, &back, &bad), 0);
		assert_eq(back, v);
	}
	return true;
}

TEST(bit_names)
{
	expect_true(strcmp(zf_gfp_bit_name(0x400), "__GFP_REPEAT") == 0);
	expect_true(strcmp(zf_gfp_bit_name(ZF_GFP_DMA), "__GFP_DMA") == 0);
	expect_true(strcmp(zf_gfp_bit_name(ZF_GFP_KSWAPD_RECLAIM), "__GFP_KSWAPD_RECLAIM") == 0);
	expect_true(strcmp(zf_gfp_bit_name(ZF_GFP_ATOMIC), "__GFP_ATOMIC") == 0);
	expect_true(zf_gfp_bit_name(0) == NULL);
	expect_true(zf_gfp_bit_name(0x3) == NULL);
	expect_true(zf_gfp_bit_name(0x4000000) == NULL);
	/* every named bit parses back to itself */
	for (int b = 0; b < 26; b++) {
		const char *n = zf_gfp_bit_name(1u << b);
		zf_gfp_t v = 0;

		assert_true(n != NULL);
		assert_eq(zf_gfp_parse(n, &v, NULL), 0);
		expect_eq(v, 1u << b);
	}
	return true;
}

/* spec §1.3 gfp_zone() on x86-64 (no ZONE_HIGHMEM) */
TEST(gfp_zone_table)
{
	expect_eq(zf_gfp_zone(0), ZF_ZONE_NORMAL);
	expect_eq(zf_gfp_zone(ZF_GFP_DMA), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_HIGHMEM), ZF_ZONE_NORMAL);
	expect_eq(zf_gfp_zone(ZF_GFP_DMA32), ZF_ZONE_DMA32);
	expect_eq(zf_gfp_zone(ZF_GFP_MOVABLE), ZF_ZONE_NORMAL);
	expect_eq(zf_gfp_zone(ZF_GFP_MOVABLE | ZF_GFP_HIGHMEM), ZF_ZONE_MOVABLE);
	expect_eq(zf_gfp_zone(ZF_GFP_MOVABLE | ZF_GFP_DMA), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_MOVABLE | ZF_GFP_DMA32), ZF_ZONE_DMA32);
	expect_eq(zf_gfp_zone(ZF_GFP_HIGHUSER_MOVABLE), ZF_ZONE_MOVABLE);
	expect_eq(zf_gfp_zone(ZF_GFP_HIGHUSER), ZF_ZONE_NORMAL);
	expect_eq(zf_gfp_zone(ZF_GFP_KERNEL), ZF_ZONE_NORMAL);
	expect_eq(zf_gfp_zone(ZF_GFP_KERNEL | ZF_GFP_DMA32), ZF_ZONE_DMA32);
	expect_eq(zf_gfp_zone(ZF_GFP_TRANSHUGE), ZF_ZONE_MOVABLE);
	/* invalid combinations: GFP_ZONE_BAD, slot 0 = ZONE_DMA without DEBUG_VM */
	expect_eq(zf_gfp_zone(ZF_GFP_DMA | ZF_GFP_HIGHMEM), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_DMA | ZF_GFP_DMA32), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_HIGHMEM | ZF_GFP_DMA32), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_DMA | ZF_GFP_HIGHMEM | ZF_GFP_DMA32), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_MOVABLE | ZF_GFP_DMA | ZF_GFP_HIGHMEM), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(ZF_GFP_MOVABLE | ZF_GFP_HIGHMEM | ZF_GFP_DMA32), ZF_ZONE_DMA);
	expect_eq(zf_gfp_zone(0xf), ZF_ZONE_DMA);
	return true;
}

TEST(migratetype_and_context)
{
	struct zf_config cfg;
	struct zf_machine *m;
	char err[128];

	zf_config_default(&cfg);
	assert_true((m = zf_machine_create(&cfg, err, sizeof(err))) != NULL);
	/* spec §1.2: (gfp & (MOVABLE|RECLAIMABLE)) >> 3 */
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_KERNEL), ZF_MIGRATE_UNMOVABLE);
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_HIGHUSER_MOVABLE), ZF_MIGRATE_MOVABLE);
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_TEMPORARY), ZF_MIGRATE_RECLAIMABLE);
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_ATOMIC_MASK), ZF_MIGRATE_UNMOVABLE);
	expect_true(zf_gfp_migratetype(m, ZF_GFP_MOVABLE | ZF_GFP_RECLAIMABLE) <
		    ZF_MIGRATE_PCPTYPES);
	m->page_group_by_mobility_disabled = true;
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_HIGHUSER_MOVABLE), ZF_MIGRATE_UNMOVABLE);
	expect_eq(zf_gfp_migratetype(m, ZF_GFP_TEMPORARY), ZF_MIGRATE_UNMOVABLE);
	m->page_group_by_mobility_disabled = false;

	/* no current task: unchanged */
	expect_eq(current_gfp_context(m, ZF_GFP_KERNEL), ZF_GFP_KERNEL);
	zf_set_current(m, 0);
	expect_eq(current_gfp_context(m, ZF_GFP_KERNEL), ZF_GFP_KERNEL);
	m->tasks[0].flags |= ZF_PF_MEMALLOC_NOFS;
	expect_eq(current_gfp_context(m, ZF_GFP_KERNEL), ZF_GFP_NOFS);
	m->tasks[0].flags |= ZF_PF_MEMALLOC_NOIO;
	expect_eq(current_gfp_context(m, ZF_GFP_KERNEL), ZF_GFP_NOIO);
	expect_eq(current_gfp_context(m, ZF_GFP_HIGHUSER_MOVABLE),
		  ZF_GFP_HIGHUSER_MOVABLE & ~(ZF_GFP_IO | ZF_GFP_FS));
	m->tasks[0].flags &= ~ZF_PF_MEMALLOC_NOFS;
	expect_eq(current_gfp_context(m, ZF_GFP_NOFS), ZF_GFP_NOIO);
	zf_set_current(m, -1);
	zf_machine_destroy(m);
	return true;
}

ZF_TEST_MAIN("gfp", ZF_CASE(composite_values), ZF_CASE(parse), ZF_CASE(format), ZF_CASE(round_trip),
	     ZF_CASE(bit_names), ZF_CASE(gfp_zone_table), ZF_CASE(migratetype_and_context))
