/* SPDX-License-Identifier: MIT */
/*
 * allocator/gfp.c - GFP names (parse / format like the kernel's %pGg),
 * gfp_zone(), gfpflags_to_migratetype() and current_gfp_context().
 *
 * The model keeps the 4.12 bit layout (spec §1.4), so the numbers printed
 * here are the numbers a 4.12 kernel prints in its OOM and allocation
 * failure reports.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

/* GFP_KERNEL_ACCOUNT is in the kernel's name table (between USER and KERNEL). */
#define ZF_GFP_KERNEL_ACCOUNT (ZF_GFP_KERNEL | ZF_GFP_ACCOUNT)

struct zf_gfp_name {
	zf_gfp_t mask;
	const char *name;
};

/*
 * The order of the 4.12 trace table (__def_gfpflag_names, mmflags.h):
 * composite masks with the most bits first, so that formatting is greedy,
 * then the single bits. __GFP_NOLOCKDEP is not in the 4.12 table (the kernel
 * prints it as leftover hex); the model names it at the very end.
 */
static const struct zf_gfp_name zf_gfp_names[] = {
    {ZF_GFP_TRANSHUGE, "GFP_TRANSHUGE"},
    {ZF_GFP_TRANSHUGE_LIGHT, "GFP_TRANSHUGE_LIGHT"},
    {ZF_GFP_HIGHUSER_MOVABLE, "GFP_HIGHUSER_MOVABLE"},
    {ZF_GFP_HIGHUSER, "GFP_HIGHUSER"},
    {ZF_GFP_USER, "GFP_USER"},
    {ZF_GFP_TEMPORARY, "GFP_TEMPORARY"},
    {ZF_GFP_KERNEL_ACCOUNT, "GFP_KERNEL_ACCOUNT"},
    {ZF_GFP_KERNEL, "GFP_KERNEL"},
    {ZF_GFP_NOFS, "GFP_NOFS"},
    {ZF_GFP_ATOMIC_MASK, "GFP_ATOMIC"},
    {ZF_GFP_NOIO, "GFP_NOIO"},
    {ZF_GFP_NOWAIT, "GFP_NOWAIT"},
    {ZF_GFP_DMA, "GFP_DMA"},
    {ZF_GFP_HIGHMEM, "__GFP_HIGHMEM"},
    {ZF_GFP_DMA32, "GFP_DMA32"},
    {ZF_GFP_HIGH, "__GFP_HIGH"},
    {ZF_GFP_ATOMIC, "__GFP_ATOMIC"},
    {ZF_GFP_IO, "__GFP_IO"},
    {ZF_GFP_FS, "__GFP_FS"},
    {ZF_GFP_COLD, "__GFP_COLD"},
    {ZF_GFP_NOWARN, "__GFP_NOWARN"},
    {ZF_GFP_REPEAT, "__GFP_REPEAT"},
    {ZF_GFP_NOFAIL, "__GFP_NOFAIL"},
    {ZF_GFP_NORETRY, "__GFP_NORETRY"},
    {ZF_GFP_COMP, "__GFP_COMP"},
    {ZF_GFP_ZERO, "__GFP_ZERO"},
    {ZF_GFP_NOMEMALLOC, "__GFP_NOMEMALLOC"},
    {ZF_GFP_MEMALLOC, "__GFP_MEMALLOC"},
    {ZF_GFP_HARDWALL, "__GFP_HARDWALL"},
    {ZF_GFP_THISNODE, "__GFP_THISNODE"},
    {ZF_GFP_RECLAIMABLE, "__GFP_RECLAIMABLE"},
    {ZF_GFP_MOVABLE, "__GFP_MOVABLE"},
    {ZF_GFP_ACCOUNT, "__GFP_ACCOUNT"},
    {ZF_GFP_NOTRACK, "__GFP_NOTRACK"},
    {ZF_GFP_WRITE, "__GFP_WRITE"},
    {ZF_GFP_RECLAIM, "__GFP_RECLAIM"},
    {ZF_GFP_DIRECT_RECLAIM, "__GFP_DIRECT_RECLAIM"},
    {ZF_GFP_KSWAPD_RECLAIM, "__GFP_KSWAPD_RECLAIM"},
    {ZF_GFP_NOLOCKDEP, "__GFP_NOLOCKDEP"},
};

/* Names of the single bits, by bit number (the kernel's __GFP_* spelling). */
static const char *const zf_gfp_bit_names[] = {
    "__GFP_DMA",
    "__GFP_HIGHMEM",
    "__GFP_DMA32",
    "__GFP_MOVABLE",
    "__GFP_RECLAIMABLE",
    "__GFP_HIGH",
    "__GFP_IO",
    "__GFP_FS",
    "__GFP_COLD",
    "__GFP_NOWARN",
    "__GFP_REPEAT",
    "__GFP_NOFAIL",
    "__GFP_NORETRY",
    "__GFP_MEMALLOC",
    "__GFP_COMP",
    "__GFP_ZERO",
    "__GFP_NOMEMALLOC",
    "__GFP_HARDWALL",
    "__GFP_THISNODE",
    "__GFP_ATOMIC",
    "__GFP_ACCOUNT",
    "__GFP_NOTRACK",
    "__GFP_DIRECT_RECLAIM",
    "__GFP_WRITE",
    "__GFP_KSWAPD_RECLAIM",
    "__GFP_NOLOCKDEP",
};

/* Extra spellings accepted by the parser only. */
static const struct zf_gfp_name zf_gfp_aliases[] = {
    {ZF_GFP_REPEAT, "__GFP_RETRY_MAYFAIL"}, /* 4.13 name of bit 0x400 */
    {ZF_GFP_DMA, "__GFP_DMA"},
    {ZF_GFP_DMA32, "__GFP_DMA32"},
    {ZF_GFP_HIGHMEM, "GFP_HIGHMEM"},
    {0, "none"}, /* show_gfp_flags() spelling of 0 */
};

const char *zf_gfp_bit_name(zf_gfp_t bit)
{
	if (bit == 0 || (bit & (bit - 1)) != 0)
		return NULL;
	for (unsigned int i = 0; i < sizeof(zf_gfp_bit_names) / sizeof(zf_gfp_bit_names[0]); i++)
		if (bit == (1u << i))
			return zf_gfp_bit_names[i];
	return NULL;
}

static bool zf_token_eq(const char *tok, size_t len, const char *name)
{
	size_t n = strlen(name);

	if (n != len)
		return false;
	for (size_t i = 0; i < n; i++) {
		char a = tok[i], b = name[i];

		if (a >= 'a' && a <= 'z')
			a = (char)(a - 'a' + 'A');
		if (b >= 'a' && b <= 'z')
			b = (char)(b - 'a' + 'A');
		if (a != b)
			return false;
	}
	return true;
}

/* A decimal or 0x-prefixed hex number that fits in 32 bits, spanning the whole token. */
static bool zf_token_number(const char *tok, size_t len, zf_gfp_t *val)
{
	uint64_t v = 0;
	size_t i = 0;
	unsigned int base = 10;

	if (len >= 2 && tok[0] == '0' && (tok[1] == 'x' || tok[1] == 'X')) {
		base = 16;
		i = 2;
		if (len == 2)
			return false;
	}
	for (; i < len; i++) {
		char c = tok[i];
		unsigned int d;

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (base == 16 && c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (base == 16 && c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return false;
		v = v * base + d;
		if (v > UINT32_MAX)
			return false;
	}
	*val = (zf_gfp_t)v;
	return true;
}

static bool zf_gfp_token(const char *tok, size_t len, zf_gfp_t *val)
{
	if (len == 0)
		return false;
	if (tok[0] >= '0' && tok[0] <= '9')
		return zf_token_number(tok, len, val);
	for (size_t i = 0; i < sizeof(zf_gfp_names) / sizeof(zf_gfp_names[0]); i++) {
		if (zf_token_eq(tok, len, zf_gfp_names[i].name)) {
			*val = zf_gfp_names[i].mask;
			return true;
		}
	}
	for (size_t i = 0; i < sizeof(zf_gfp_aliases) / sizeof(zf_gfp_aliases[0]); i++) {
		if (zf_token_eq(tok, len, zf_gfp_aliases[i].name)) {
			*val = zf_gfp_aliases[i].mask;
			return true;
		}
	}
	return false;
}

static bool zf_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int zf_gfp_parse(const char *s, zf_gfp_t *out, const char **bad_token)
{
	zf_gfp_t acc = 0;
	const char *p = s;

	if (bad_token)
		*bad_token = NULL;
	if (!s)
		return -1;
	for (;;) {
		const char *tok, *end;
		zf_gfp_t v = 0;

		while (zf_is_space(*p))
			p++;
		tok = p;
		while (*p && *p != '|')
			p++;
		end = p;
		while (end > tok && zf_is_space(end[-1]))
			end--;
		if (!zf_gfp_token(tok, (size_t)(end - tok), &v)) {
			if (bad_token)
				*bad_token = tok;
			return -1;
		}
		acc |= v;
		if (*p == '\0')
			break;
		p++; /* skip '|' */
	}
	if (out)
		*out = acc;
	return 0;
}

/* snprintf-style appender: counts every character, writes what fits. */
struct zf_buf {
	char *buf;
	size_t len;
	size_t pos;
};

static void zf_buf_puts(struct zf_buf *b, const char *s)
{
	for (; *s; s++, b->pos++)
		if (b->pos + 1 < b->len)
			b->buf[b->pos] = *s;
}

/*
 * Kernel %pGg semantics (format_flags): walk the table, print every entry
 * whose whole mask is still set and clear it, then print the leftover bits in
 * hex. 0 prints as "none", the spelling of show_gfp_flags() in the kernel's
 * tracepoints (%pGg itself prints nothing for 0).
 */
int zf_gfp_format(char *buf, size_t len, zf_gfp_t gfp)
{
	struct zf_buf b = {buf, len, 0};
	zf_gfp_t left = gfp;
	bool first = true;

	if (gfp == 0) {
		zf_buf_puts(&b, "none");
	} else {
		for (size_t i = 0; left && i < sizeof(zf_gfp_names) / sizeof(zf_gfp_names[0]);
		     i++) {
			zf_gfp_t mask = zf_gfp_names[i].mask;

			if ((left & mask) != mask)
				continue;
			if (!first)
				zf_buf_puts(&b, "|");
			zf_buf_puts(&b, zf_gfp_names[i].name);
			first = false;
			left &= ~mask;
		}
		if (left) {
			char hex[16];

			snprintf(hex, sizeof(hex), "%#x", (unsigned int)left);
			if (!first)
				zf_buf_puts(&b, "|");
			zf_buf_puts(&b, hex);
		}
	}
	if (len)
		buf[b.pos < len ? b.pos : len - 1] = '\0';
	return (int)b.pos;
}

/*
 * gfp_zone() (spec §1.3): the highest usable zone from the four zone
 * modifier bits, as the kernel's GFP_ZONE_TABLE encodes it for x86-64
 * (no ZONE_HIGHMEM, so __GFP_HIGHMEM alone means ZONE_NORMAL, and
 * __GFP_MOVABLE|__GFP_HIGHMEM means ZONE_MOVABLE). The invalid combinations
 * (GFP_ZONE_BAD: two of DMA/HIGHMEM/DMA32, with or without MOVABLE) are a
 * VM_BUG_ON under DEBUG_VM; without it their table slot holds 0, so they
 * yield ZONE_DMA. The model reproduces the non-debug kernel.
 */
int gfp_zone(gfp_t flags)
{
	static const int8_t zone_table[16] = {
	    [0x0] = ZONE_NORMAL,  [0x1] = ZONE_DMA, /* __GFP_DMA */
	    [0x2] = ZONE_NORMAL,                    /* __GFP_HIGHMEM: no HIGHMEM on x86-64 */
	    [0x3] = ZONE_DMA,                       /* bad */
	    [0x4] = ZONE_DMA32,                     /* __GFP_DMA32 */
	    [0x5] = ZONE_DMA,                       /* bad */
	    [0x6] = ZONE_DMA,                       /* bad */
	    [0x7] = ZONE_DMA,                       /* bad */
	    [0x8] = ZONE_NORMAL,                    /* __GFP_MOVABLE alone */
	    [0x9] = ZONE_DMA,                       /* MOVABLE|DMA */
	    [0xa] = ZONE_MOVABLE,                   /* MOVABLE|HIGHMEM */
	    [0xb] = ZONE_DMA,                       /* bad */
	    [0xc] = ZONE_DMA32,                     /* MOVABLE|DMA32 */
	    [0xd] = ZONE_DMA,                       /* bad */
	    [0xe] = ZONE_DMA,                       /* bad */
	    [0xf] = ZONE_DMA,                       /* bad */
	};

	return zone_table[flags & (__GFP_DMA | __GFP_HIGHMEM | __GFP_DMA32 | __GFP_MOVABLE)];
}

/*
 * gfpflags_to_migratetype() (spec §1.2): MOVABLE (0x8) -> 1, RECLAIMABLE
 * (0x10) -> 2, neither -> 0; always UNMOVABLE when page grouping by
 * mobility is disabled. Both bits at once is a VM_WARN in the kernel and
 * yields 3 (MIGRATE_HIGHATOMIC), which the kernel then uses to index the
 * three pcp lists out of bounds; there is no kernel behaviour to reproduce
 * there, so the model maps that caller bug to MIGRATE_UNMOVABLE.
 */
int gfpflags_to_migratetype(struct zf_machine *m, gfp_t gfp)
{
	gfp_t mob = gfp & (__GFP_MOVABLE | __GFP_RECLAIMABLE);

	if (m && m->page_group_by_mobility_disabled)
		return MIGRATE_UNMOVABLE;
	if (mob == (__GFP_MOVABLE | __GFP_RECLAIMABLE))
		return MIGRATE_UNMOVABLE;
	return (int)(mob >> 3);
}

/*
 * current_gfp_context() (4.12 sched/mm.h): a memalloc_noio_save() scope
 * clears __GFP_IO and __GFP_FS, a memalloc_nofs_save() scope clears __GFP_FS.
 */
gfp_t current_gfp_context(struct zf_machine *m, gfp_t flags)
{
	const struct task_struct *t = current_task(m);

	if (!t)
		return flags;
	if (task_flags(t) & ZF_PF_MEMALLOC_NOIO)
		flags &= ~(__GFP_IO | __GFP_FS);
	else if (task_flags(t) & ZF_PF_MEMALLOC_NOFS)
		flags &= ~__GFP_FS;
	return flags;
}

int zf_gfp_zone(zf_gfp_t gfp)
{
	return gfp_zone(gfp);
}

int zf_gfp_migratetype(const struct zf_machine *m, zf_gfp_t gfp)
{
	/* gfpflags_to_migratetype() only reads the machine. */
	return gfpflags_to_migratetype((struct zf_machine *)(uintptr_t)m, gfp);
}
