/* SPDX-License-Identifier: MIT */
/*
 * allocator/pageblock.c - per-pageblock flags: 3 bits of migratetype plus
 * the compaction skip bit PB_migrate_skip (spec §1.1, NR_PAGEBLOCK_BITS 4).
 *
 * m->pageblock_flags[] is indexed by pfn >> pageblock_order over the whole
 * pfn space, so a pageblock may straddle two zones as in the kernel. The
 * pfn space is padded to a MAX_ORDER block (machine.c), so every pfn the
 * buddy code can compute has a flag byte.
 */
#include "internal.h"

static inline uint8_t *pageblock_flags_of(struct zf_machine *m, uint64_t pfn)
{
	uint64_t idx = pfn >> m->pageblock_order;

	/* Never index out of the array, even for a bogus pfn. */
	return idx < m->nr_pageblocks ? &m->pageblock_flags[idx] : NULL;
}

int get_pageblock_migratetype(struct zf_machine *m, uint64_t pfn)
{
	const uint8_t *f = pageblock_flags_of(m, pfn);

	return f ? (int)(*f & PB_MIGRATE_MASK) : MIGRATE_UNMOVABLE;
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
	*f = (uint8_t)((*f & ~PB_MIGRATE_MASK) | ((unsigned int)mt & PB_MIGRATE_MASK));
}

bool get_pageblock_skip(struct zf_machine *m, uint64_t pfn)
{
	const uint8_t *f = pageblock_flags_of(m, pfn);

	return f && (*f & PB_MIGRATE_SKIP);
}

void set_pageblock_skip(struct zf_machine *m, uint64_t pfn)
{
	uint8_t *f = pageblock_flags_of(m, pfn);

	if (f)
		*f |= PB_MIGRATE_SKIP;
}

void clear_pageblock_skip(struct zf_machine *m, uint64_t pfn)
{
	uint8_t *f = pageblock_flags_of(m, pfn);

	if (f)
		*f &= (uint8_t)~PB_MIGRATE_SKIP;
}
