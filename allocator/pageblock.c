/* SPDX-License-Identifier: MIT */
/*
 * allocator/pageblock.c - per-pageblock flags: 3 bits of migratetype plus
 * the compaction skip bit PB_migrate_skip (spec §1.1, NR_PAGEBLOCK_BITS 4).
 *
 * m->pageblock_flags[] is indexed by pfn >> pageblock_order over the whole
 * pfn space, so a pageblock may straddle two zones as in the kernel. The
 * pfn space is padded to a MAX_ORDER block (machine.c), so every pfn the
 * buddy code can compute has a flag byte.
 *
 * The migratetype bits change under zone->lock, the skip bit without it
 * (compaction), and both are read without locks: the kernel updates the
 * word with cmpxchg (set_pfnblock_flags_mask). A threaded machine does the
 * same with atomic and/or on the byte; reads are READ_ONCE.
 */
#include "internal.h"

static inline uint8_t *pageblock_flags_of(struct zf_machine *m, uint64_t pfn)
{
	uint64_t idx = pfn >> m->pageblock_order;

	/* Never index out of the array, even for a bogus pfn. */
	return idx < m->nr_pageblocks ? &m->pageblock_flags[idx] : NULL;
}

/* get_pageblock_migratetype() is inline in internal.h (the order-0 free reads it) */

/* Replace the bits of mask in the byte by val: cmpxchg when several CPUs may write it. */
static void pageblock_update(struct zf_machine *m, uint8_t *f, uint8_t mask, uint8_t val)
{
	uint8_t old;

	if (!m->threaded) {
		*f = (uint8_t)((*f & ~mask) | val);
		return;
	}
	old = ZF_READ_ONCE(*f);
	while (!__atomic_compare_exchange_n(f, &old, (uint8_t)((old & ~mask) | val), false,
					    __ATOMIC_RELAXED, __ATOMIC_RELAXED))
		;
}

/*
 * set_pageblock_migratetype(): with page_group_by_mobility_disabled every
 * request for one of the pcp types becomes UNMOVABLE (4.12 page_alloc.c);
 * HIGHATOMIC, CMA and ISOLATE are kept.
 */
void set_pageblock_migratetype(struct zf_machine *m, uint64_t pfn, int mt)
{
	uint8_t *f = pageblock_flags_of(m, pfn);

	if (!f)
		return;
	if (m->page_group_by_mobility_disabled && mt < MIGRATE_PCPTYPES)
		mt = MIGRATE_UNMOVABLE;
	pageblock_update(m, f, PB_MIGRATE_MASK, (uint8_t)((unsigned int)mt & PB_MIGRATE_MASK));
}

bool get_pageblock_skip(struct zf_machine *m, uint64_t pfn)
{
	const uint8_t *f = pageblock_flags_of(m, pfn);

	return f && (ZF_READ_ONCE(*f) & PB_MIGRATE_SKIP);
}

void set_pageblock_skip(struct zf_machine *m, uint64_t pfn)
{
	uint8_t *f = pageblock_flags_of(m, pfn);

	if (f)
		pageblock_update(m, f, PB_MIGRATE_SKIP, PB_MIGRATE_SKIP);
}

void clear_pageblock_skip(struct zf_machine *m, uint64_t pfn)
{
	uint8_t *f = pageblock_flags_of(m, pfn);

	if (f)
		pageblock_update(m, f, PB_MIGRATE_SKIP, 0);
}
