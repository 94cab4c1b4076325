/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/snapshot.h - putting a real machine's state into a model machine
 * (docs/stress.md "From a real machine into the model"): the watermarks and
 * lowmem reserves as the real kernel computed them, and free areas with the
 * real per-order block counts (/proc/buddyinfo).
 *
 * Both are meant for a machine fresh from zf_machine_create(), before any
 * workload: they are explicit set-up operations, not kernel behaviour.
 */
#ifndef ZONEFUZZ_SNAPSHOT_H
#define ZONEFUZZ_SNAPSHOT_H

#include <stdint.h>

#include "zonefuzz/machine.h"

/*
 * Set a zone's min/low/high watermarks (wmark[0..2], min <= low <= high) and,
 * if lowmem_reserve is not NULL, its lowmem_reserve[ZF_MAX_NR_ZONES]
 * (entries at or below the zone's own index must be 0, as the kernel keeps
 * them), then recompute totalreserve_pages. A later recomputation by the
 * model's own formula (memory online) replaces them. 0, or -1 on bad input.
 */
int zf_machine_override_zone(struct zf_machine *m, int zone_id, const uint64_t wmark[3],
			     const uint64_t *lowmem_reserve);

/*
 * Give the zone's free area the block counts nr_free[order] (ZF_MAX_ORDER_MAX
 * entries; orders at or above the machine's max_order must be 0) by
 * allocating every other free page to the init task (task 0, unkillable: the
 * memory the real machine had in use). The free blocks are laid out so that
 * no two free buddies could merge. The pages taken this way do not count as
 * allocations in vmstat. Returns 0 when every block was placed, the number
 * of blocks that did not fit (the zone's free memory was too small or too
 * fragmented a shape), or -1 on bad input or inside an allocation.
 */
int zf_machine_shape_free_area(struct zf_machine *m, int zone_id, const uint64_t *nr_free);

/* The same, with the pages owned by task owner (an existing task id). */
int zf_machine_shape_free_area_owner(struct zf_machine *m, int zone_id, const uint64_t *nr_free,
				     int owner);

#endif /* ZONEFUZZ_SNAPSHOT_H */
