/* SPDX-License-Identifier: MIT */
/*
 * allocator/profile.c - kernel profiles (which later fixes and behaviour
 * changes are in effect) and the planted-bug table.
 *
 * A profile is data: struct zf_profile holds one flag per site that changed
 * after 4.12 (spec §8). Profiles are cumulative: each version has every
 * change of the versions before it. Code branches on a flag only at the site
 * the change touched, with a comment naming the version.
 */
#include <ctype.h>
#include <string.h>

#include "internal.h"

/*
 * The profile table (spec §8). Each flag names the version that introduced
 * the change; later profiles inherit it.
 *
 *   stall_warning       4.9..4.14: warn_alloc() stall report every 10 s,
 *                       removed in 4.15 (400e22499dd9).
 *   retry_mayfail       4.13: __GFP_REPEAT becomes __GFP_RETRY_MAYFAIL
 *                       (dcda9b04713c).
 *   check_retry_cpuset  4.13: check_retry_cpuset() (902b62810a57).
 *   retry_nodemask_null 4.13: the ignore-policies branch of retry: sets
 *                       ac->nodemask = NULL instead of switching zonelists.
 *   fallback_smallest   4.13: MOVABLE fallback without whole-block steal
 *                       splits the smallest suitable block.
 *   alloc_oom           4.14: ALLOC_OOM for OOM victims (cd04ae1e2dc8).
 *   max_order_at_entry  4.20: order >= MAX_ORDER rejected at entry.
 *   isolate_busy_if_isolated 4.20: set_migratetype_isolate() fails on a block
 *                       that is already isolated ("make start_isolate_page_range()
 *                       fail if already isolated", 2c7452a075d4 (r)); before it a
 *                       second isolator counted the block's free pages out twice.
 *   pcp_count_clamp     5.9: free_pcppages_bulk() clamps count to pcp->count
 *                       (88e8ac11d2ea).
 *   zonelist_seq        6.1: zonelist_update_seq restart (3d36424b3b58).
 */
static const struct zf_profile zf_profiles[ZF_NR_PROFILES] = {
    [ZF_PROFILE_4_12] =
	{
	    .name = "4.12",
	    .stall_warning = true,
	},
    [ZF_PROFILE_4_13] =
	{
	    .name = "4.13",
	    .stall_warning = true,
	    .retry_mayfail = true,
	    .check_retry_cpuset = true,
	    .retry_nodemask_null = true,
	    .fallback_smallest = true,
	},
    [ZF_PROFILE_4_14] =
	{
	    .name = "4.14",
	    .stall_warning = true,
	    .retry_mayfail = true,
	    .check_retry_cpuset = true,
	    .retry_nodemask_null = true,
	    .fallback_smallest = true,
	    .alloc_oom = true,
	},
    [ZF_PROFILE_4_15] =
	{
	    /* 4.15: stall warning removed */
	    .name = "4.15",
	    .stall_warning = false,
	    .retry_mayfail = true,
	    .check_retry_cpuset = true,
	    .retry_nodemask_null = true,
	    .fallback_smallest = true,
	    .alloc_oom = true,
	},
    [ZF_PROFILE_5_9] =
	{
	    /* + 4.20 max-order check at entry, + 5.9 pcp count clamp */
	    .name = "5.9",
	    .stall_warning = false,
	    .retry_mayfail = true,
	    .check_retry_cpuset = true,
	    .retry_nodemask_null = true,
	    .fallback_smallest = true,
	    .alloc_oom = true,
	    .max_order_at_entry = true,
	    .isolate_busy_if_isolated = true,
	    .pcp_count_clamp = true,
	},
    [ZF_PROFILE_6_1] =
	{
	    /* + 6.1 zonelist_update_seq */
	    .name = "6.1",
	    .stall_warning = false,
	    .retry_mayfail = true,
	    .check_retry_cpuset = true,
	    .retry_nodemask_null = true,
	    .fallback_smallest = true,
	    .alloc_oom = true,
	    .max_order_at_entry = true,
	    .isolate_busy_if_isolated = true,
	    .pcp_count_clamp = true,
	    .zonelist_seq = true,
	},
};

const struct zf_profile *zf_profile_get(enum zf_profile_id id)
{
	if ((unsigned int)id >= ZF_NR_PROFILES)
		return NULL;
	return &zf_profiles[id];
}

const char *zf_profile_name(enum zf_profile_id p)
{
	const struct zf_profile *prof = zf_profile_get(p);

	return prof ? prof->name : "?";
}

/* Accepts "4.12", "v4.12" and "linux-4.12". */
int zf_profile_parse(const char *name, enum zf_profile_id *out)
{
	if (!name)
		return -1;
	if (strncmp(name, "linux-", 6) == 0)
		name += 6;
	else if (name[0] == 'v' || name[0] == 'V')
		name++;
	for (int i = 0; i < ZF_NR_PROFILES; i++) {
		if (strcmp(name, zf_profiles[i].name) == 0) {
			if (out)
				*out = (enum zf_profile_id)i;
			return 0;
		}
	}
	return -1;
}

/*
 * Planted bugs (spec/planted-bugs.md). The switch reverts one historical fix
 * at the site that fix changed; the description names the fix.
 */
struct zf_bug_entry {
	uint32_t bit;
	const char *name;
	const char *description;
};

static const struct zf_bug_entry zf_bugs[] = {
    {ZF_BUG_B3, "B3",
     "free_pcppages_bulk() asked for more pages than the pcp lists hold spins forever (fix 88e8ac11d2ea, v5.9)"},
    {ZF_BUG_B4, "B4",
     "slow path keeps a stale preferred_zoneref after a hot-remove zonelist rebuild: premature OOM (fix 3d36424b3b58, v6.1)"},
    {ZF_BUG_B5, "B5",
     "preferred zoneref computed from a stale or empty cpuset nodemask: premature OOM (4.7 regression, fixed v4.10)"},
    {ZF_BUG_B6, "B6",
     "MPOL_BIND nodemask disjoint from the new cpuset mems is not dropped: premature OOM (fix 902b62810a57, v4.13)"},
    {ZF_BUG_B8, "B8", "highatomic reserves are not released before OOM (fix 04c8716f7b00, v4.10)"},
    {ZF_BUG_B11, "B11",
     "buddies of order >= pageblock_order merge across isolated and normal pageblocks (fix d9dddbf55667, v4.6)"},
    {ZF_BUG_B12, "B12",
     "free_pcppages_bulk() trusts the stale cached migratetype of a now-isolated pageblock (fixed v3.18)"},
    {ZF_BUG_B17, "B17",
     "kswapd keeps being woken on an unreclaimable node: no kswapd_failures limit (fix c73322d098e4, v4.11)"},
    {ZF_BUG_B18, "B18",
     "order >= MAX_ORDER is not rejected at entry and reaches per-order arrays (fixed v4.20)"},
    {ZF_BUG_B21, "B21",
     "__GFP_NOFAIL without OOM gets no ALLOC_HARDER fallback and NOFAIL overrides the OOM skips (fixed v4.10)"},
    {ZF_BUG_B23, "B23",
     "take_page_off_buddy() does not subtract the page from NR_FREE_PAGES (fix bac9c6fa1f92, v5.15)"},
};

#define ZF_NR_BUGS (sizeof(zf_bugs) / sizeof(zf_bugs[0]))

static const struct zf_bug_entry *zf_bug_lookup(uint32_t bug)
{
	for (size_t i = 0; i < ZF_NR_BUGS; i++)
		if (zf_bugs[i].bit == bug)
			return &zf_bugs[i];
	return NULL;
}

const char *zf_bug_name(uint32_t bug)
{
	const struct zf_bug_entry *e = zf_bug_lookup(bug);

	return e ? e->name : NULL;
}

const char *zf_bug_description(uint32_t bug)
{
	const struct zf_bug_entry *e = zf_bug_lookup(bug);

	return e ? e->description : NULL;
}

/* "B11" or "b11"; *out gets the enum zf_bug bit. */
int zf_bug_parse(const char *name, uint32_t *out)
{
	if (!name || (name[0] != 'B' && name[0] != 'b'))
		return -1;
	for (size_t i = 0; i < ZF_NR_BUGS; i++) {
		if (strcmp(name + 1, zf_bugs[i].name + 1) == 0) {
			if (out)
				*out = zf_bugs[i].bit;
			return 0;
		}
	}
	return -1;
}
