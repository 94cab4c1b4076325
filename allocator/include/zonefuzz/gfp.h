/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/gfp.h - GFP flags as the model sees them.
 *
 * The model keeps the Linux 4.12 bit layout as its canonical encoding
 * (spec §1.4). Later-kernel profiles reinterpret bits where the kernel
 * renamed them (0x400 is __GFP_REPEAT in 4.12 and __GFP_RETRY_MAYFAIL from
 * 4.13). Symbolic names are what scenarios and reports use.
 */
#ifndef ZONEFUZZ_GFP_H
#define ZONEFUZZ_GFP_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

typedef uint32_t zf_gfp_t;

#define ZF_GFP_DMA            0x01u
#define ZF_GFP_HIGHMEM        0x02u
#define ZF_GFP_DMA32          0x04u
#define ZF_GFP_MOVABLE        0x08u
#define ZF_GFP_RECLAIMABLE    0x10u
#define ZF_GFP_HIGH           0x20u
#define ZF_GFP_IO             0x40u
#define ZF_GFP_FS             0x80u
#define ZF_GFP_COLD           0x100u
#define ZF_GFP_NOWARN         0x200u
#define ZF_GFP_REPEAT         0x400u /* __GFP_RETRY_MAYFAIL from 4.13 */
#define ZF_GFP_NOFAIL         0x800u
#define ZF_GFP_NORETRY        0x1000u
#define ZF_GFP_MEMALLOC       0x2000u
#define ZF_GFP_COMP           0x4000u
#define ZF_GFP_ZERO           0x8000u
#define ZF_GFP_NOMEMALLOC     0x10000u
#define ZF_GFP_HARDWALL       0x20000u
#define ZF_GFP_THISNODE       0x40000u
#define ZF_GFP_ATOMIC         0x80000u
#define ZF_GFP_ACCOUNT        0x100000u
#define ZF_GFP_NOTRACK        0x200000u
#define ZF_GFP_DIRECT_RECLAIM 0x400000u
#define ZF_GFP_WRITE          0x800000u
#define ZF_GFP_KSWAPD_RECLAIM 0x1000000u
#define ZF_GFP_NOLOCKDEP      0x2000000u
#define ZF_GFP_BITS_MASK      0x3ffffffu

#define ZF_GFP_RECLAIM (ZF_GFP_DIRECT_RECLAIM | ZF_GFP_KSWAPD_RECLAIM)

/* Composite masks of 4.12 (spec §1.4). */
#define ZF_GFP_ATOMIC_MASK      (ZF_GFP_HIGH | ZF_GFP_ATOMIC | ZF_GFP_KSWAPD_RECLAIM)
#define ZF_GFP_KERNEL           (ZF_GFP_RECLAIM | ZF_GFP_IO | ZF_GFP_FS)
#define ZF_GFP_NOWAIT           (ZF_GFP_KSWAPD_RECLAIM)
#define ZF_GFP_NOIO             (ZF_GFP_RECLAIM)
#define ZF_GFP_NOFS             (ZF_GFP_RECLAIM | ZF_GFP_IO)
#define ZF_GFP_TEMPORARY        (ZF_GFP_KERNEL | ZF_GFP_RECLAIMABLE)
#define ZF_GFP_USER             (ZF_GFP_KERNEL | ZF_GFP_HARDWALL)
#define ZF_GFP_HIGHUSER         (ZF_GFP_USER | ZF_GFP_HIGHMEM)
#define ZF_GFP_HIGHUSER_MOVABLE (ZF_GFP_HIGHUSER | ZF_GFP_MOVABLE)
#define ZF_GFP_TRANSHUGE_LIGHT                                                                     \
	((ZF_GFP_HIGHUSER_MOVABLE | ZF_GFP_COMP | ZF_GFP_NOMEMALLOC | ZF_GFP_NOWARN) &             \
	 ~ZF_GFP_RECLAIM)
#define ZF_GFP_TRANSHUGE (ZF_GFP_TRANSHUGE_LIGHT | ZF_GFP_DIRECT_RECLAIM)

/*
 * Parse "GFP_KERNEL|__GFP_NORETRY", "0x14000c0", "GFP_ATOMIC|0x200" ...
 * Returns 0 on success, -1 on an unknown name (bad_token points into s).
 */
int zf_gfp_parse(const char *s, zf_gfp_t *out, const char **bad_token);

/*
 * Format like the kernel's %pGg: "GFP_KERNEL|__GFP_NORETRY" (composite names
 * first, then single bits, then any leftover bits in hex). Returns the length
 * that would have been written (snprintf semantics).
 */
int zf_gfp_format(char *buf, size_t len, zf_gfp_t gfp);

/* Name of a single __GFP_* bit, or NULL. */
const char *zf_gfp_bit_name(zf_gfp_t bit);

#endif /* ZONEFUZZ_GFP_H */
