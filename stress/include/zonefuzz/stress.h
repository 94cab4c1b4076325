/* SPDX-License-Identifier: MIT */
/*
 * zonefuzz/stress.h - stress campaigns against the real kernel in a QEMU
 * guest (docs/stress.md), the evidence checks that turn the guest's kernel
 * log and /proc snapshots into findings, and the importer that builds a
 * model machine from a real machine's /proc/zoneinfo and /proc/buddyinfo.
 *
 * The CLI (cli/, owned elsewhere) wires:
 *   zonefuzz vm build|run|campaign ...          -> zf_cmd_vm()
 *   zonefuzz run --from-zoneinfo F [--buddyinfo F] -> zf_config_from_proc()
 *                                                    + zf_proc_apply()
 */
#ifndef ZONEFUZZ_STRESS_H
#define ZONEFUZZ_STRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/gfp.h"
#include "zonefuzz/machine.h"
#include "zonefuzz/oracle.h"

struct cJSON;

/* ------------------------------------------------------------------ */
/* zonefuzz vm ...                                                     */
/* ------------------------------------------------------------------ */
/*
 * argv[0] may be "vm" (as main() passes it) or the verb itself:
 *   vm build    [--kernel FILE] [--cache DIR] [--force]
 *   vm run      --profile P [--kernel FILE] [--mem M] [--smp N] [--time D]
 *               [--out DIR] [--accel auto|kvm|tcg] [--limit S] [--cache DIR]
 *               [--no-build] [--quiet]
 *   vm campaign --profiles a,b,c [the run options, --out is the parent dir]
 *   vm profiles                 (list the profiles)
 * Exit codes: 0 clean, 1 a finding, 2 usage, 3 the VM or the build failed.
 */
int zf_cmd_vm(int argc, char **argv);

#define ZF_VM_EXIT_CLEAN   0
#define ZF_VM_EXIT_FINDING 1
#define ZF_VM_EXIT_USAGE   2
#define ZF_VM_EXIT_FAILED  3

/* ------------------------------------------------------------------ */
/* Profiles: stress-ng job files with a "#@ key: value" sidecar header */
/* ------------------------------------------------------------------ */
#define ZF_VM_MAX_SYSCTL 8

struct zf_vm_profile {
	char name[64];
	char path[512];
	char description[160];
	uint64_t mem_mb; /* guest RAM */
	unsigned int smp;
	unsigned int time_s;               /* stress-ng timeout (job "timeout" line, or #@ time) */
	uint64_t swap_mb;                  /* NVMe swap disk, 0 = none */
	uint64_t dimm_mb;                  /* hot-pluggable pc-dimm (ZONE_MOVABLE), 0 = none */
	char thp[16];                      /* transparent_hugepage/enabled, "" = kernel default */
	char defrag[16];                   /* transparent_hugepage/defrag */
	char sysctl[ZF_VM_MAX_SYSCTL][64]; /* "vm.x=1" */
	unsigned int nr_sysctl;
	char append[256];           /* extra kernel arguments */
	char model[160];            /* zf-guest-stress arguments, comma separated */
	unsigned int boot_margin_s; /* wall-clock allowance on top of time_s (0: default) */
	uint64_t fragment_mb;       /* zf-guest-stress --fragment before stress-ng, 0 = none */
};

/* Parse a profile from the job file's text; name is the profile name. 0 or -1 (err). */
int zf_vm_profile_parse(const char *text, const char *name, struct zf_vm_profile *p, char *err,
			size_t errlen);
/* Find PROFILE.job in dir (NULL: the built-in stress/profiles) and parse it. */
int zf_vm_profile_load(const char *dir, const char *name, struct zf_vm_profile *p, char *err,
		       size_t errlen);
/* "256M", "1G", "512" (MiB) -> MiB; -1 on a bad size. */
int64_t zf_vm_parse_size_mb(const char *s);
/* "10", "10s", "2m", "1h" -> seconds; -1 on a bad duration. */
int64_t zf_vm_parse_duration_s(const char *s);

/* ------------------------------------------------------------------ */
/* Result channel: ttyS1 sections                                      */
/* ------------------------------------------------------------------ */
struct zf_vm_section {
	char name[64];
	const char *text; /* points into the owning zf_vm_sections buffer, NUL-terminated */
	size_t len;
	bool complete; /* ZF-END seen (else the guest died inside the section) */
};

struct zf_vm_sections {
	char *buf; /* a private copy of the stream, sections NUL-terminated in place */
	struct zf_vm_section *v;
	size_t nr;
	bool done; /* "=== ZF-DONE" seen */
	int done_rc;
};

/* Split a ttyS1 stream into its "=== ZF-SECTION n" .. "=== ZF-END n" sections. */
int zf_vm_sections_parse(const char *stream, size_t len, struct zf_vm_sections *s);
const struct zf_vm_section *zf_vm_section_get(const struct zf_vm_sections *s, const char *name);
void zf_vm_sections_free(struct zf_vm_sections *s);

/* /proc/vmstat text -> value of one counter; false if absent. */
bool zf_vmstat_get(const char *vmstat, const char *key, int64_t *out);

/* ------------------------------------------------------------------ */
/* Real-kernel evidence (evidence.c)                                   */
/* ------------------------------------------------------------------ */
/* Oracle ids of findings that come from a real kernel. */
#define ZF_KERNEL_OOM_COSTLY       "ZF_KERNEL_OOM_COSTLY"
#define ZF_KERNEL_OOM_EXCLUDED_GFP "ZF_KERNEL_OOM_EXCLUDED_GFP"
#define ZF_KERNEL_ALLOC_FAILURE    "ZF_KERNEL_ALLOC_FAILURE"
#define ZF_KERNEL_STALL            "ZF_KERNEL_STALL"
#define ZF_KERNEL_FREE_MISMATCH    "ZF_KERNEL_FREE_MISMATCH"
#define ZF_KERNEL_LOCKUP           "ZF_KERNEL_LOCKUP"
#define ZF_KERNEL_PANIC            "ZF_KERNEL_PANIC"
/*
 * Evidence, severity info: a global OOM kill the rules allow (order <= 3,
 * __GFP_FS|__GFP_DIRECT_RECLAIM, none of the excluded bits, spec §5.9), with
 * the request's gfp and order and the victim. It records that the check ran
 * on a real OOM and held; it breaks no rule.
 */
#define ZF_KERNEL_OOM_KILL "ZF_KERNEL_OOM_KILL"

/* Severity of a real-kernel finding (zf_kernel_finding.severity). */
#define ZF_KSEV_ERROR   "error"   /* the kernel broke a rule of the spec */
#define ZF_KSEV_WARNING "warning" /* suspicious, not a rule: stalls */
#define ZF_KSEV_INFO    "info"    /* evidence the rule held (allowed OOM kills, failures) */

/* What the kernel log says happened (a finding or not). */
enum zf_kevent_kind {
	ZF_KEV_OOM_INVOKED = 0, /* "<comm> invoked oom-killer: gfp_mask=..., order=N" */
	ZF_KEV_OOM_KILLED,      /* "Out of memory: Killed process N (comm)" */
	ZF_KEV_ALLOC_FAILURE,   /* "<comm>: page allocation failure: order:N, mode:..." */
	ZF_KEV_ALLOC_STALL,     /* "<comm>: page allocation stalls for Nms, order:N, mode:..." */
	ZF_KEV_SOFT_LOCKUP,     /* "watchdog: BUG: soft lockup - CPU#N stuck for Ns! [comm:pid]" */
	ZF_KEV_HUNG_TASK,       /* "INFO: task comm:pid blocked for more than N seconds." */
	ZF_KEV_RCU_STALL,       /* "rcu: INFO: rcu_sched self-detected stall on CPU" */
	ZF_KEV_PANIC,           /* "Kernel panic - not syncing: ..." */
	ZF_NR_KEV_KINDS,
};
const char *zf_kevent_kind_name(enum zf_kevent_kind k);

/*
 * A GFP mask as a real kernel printed it: "0x140dca(GFP_HIGHUSER_MOVABLE|__GFP_COMP)".
 * The hex value is in that kernel's own bit layout (it moved after 4.12), so
 * the symbolic names are authoritative; hex is decoded with the 6.1 layout
 * only when the names are missing. model_gfp is the same mask in the model's
 * (4.12) encoding, for struct zf_finding.
 */
struct zf_kgfp {
	uint32_t raw;
	char names[192];
	zf_gfp_t model_gfp;
	bool retry_mayfail; /* __GFP_RETRY_MAYFAIL (no 4.12 equivalent as such) */
};
int zf_kgfp_parse(const char *s, struct zf_kgfp *g);

struct zf_kevent {
	enum zf_kevent_kind kind;
	double timestamp; /* printk seconds, -1 if the line had none */
	char comm[32];
	int pid;   /* -1 unknown */
	int order; /* -1 unknown (sysrq OOM prints order=-1) */
	bool has_gfp;
	struct zf_kgfp gfp;
	bool memcg;   /* OOM: constraint=CONSTRAINT_MEMCG / oom_memcg */
	bool mm_path; /* lockups: the trace shows allocator/reclaim/compaction frames */
	/* OOM reports: the "Out of memory: Killed process N (comm)" that followed, -1 if none */
	int victim_pid;
	char victim_comm[32];
	char line[256];
};

/* A finding from the real kernel: struct zf_finding plus where it came from. */
struct zf_kernel_finding {
	struct zf_finding f; /* oracle_id ZF_KERNEL_*, message, gfp (model encoding), order */
	char kernel_release[64];
	char rule[128];       /* the rule the kernel broke, or the check that fired */
	char excerpt[512];    /* the log line(s) / numbers */
	struct zf_kevent ev;  /* the event behind it (kind ZF_NR_KEV_KINDS for FREE_MISMATCH) */
	const char *severity; /* ZF_KSEV_ERROR, ZF_KSEV_WARNING or ZF_KSEV_INFO */
};

struct zf_evidence {
	struct zf_kevent *events;
	size_t nr_events, cap_events;
	struct zf_kernel_finding *findings;
	size_t nr_findings, cap_findings;
	unsigned int oom_kills; /* "Killed process" lines */
};

void zf_evidence_init(struct zf_evidence *e);
void zf_evidence_free(struct zf_evidence *e);
/* Scan a kernel log (dmesg or console text); adds events and findings. Returns findings added. */
int zf_evidence_scan_log(struct zf_evidence *e, const char *log, const char *kernel_release);
/*
 * Free-page cross-check at one instant: per zone, zoneinfo "pages free"
 * (NR_FREE_PAGES) against the buddyinfo block counts, and in total vmstat
 * nr_free_pages against the sum. pagetypeinfo (may be NULL) gives the free
 * pages on MIGRATE_ISOLATE lists, which buddyinfo counts and NR_FREE_PAGES
 * does not. The tolerance is documented in docs/stress.md. Returns findings added.
 */
int zf_evidence_check_free(struct zf_evidence *e, const char *vmstat, const char *buddyinfo,
			   const char *zoneinfo, const char *pagetypeinfo,
			   const char *kernel_release);
/* JSON of one finding / event (the caller owns the returned object). */
struct cJSON *zf_kernel_finding_json(const struct zf_kernel_finding *kf);
struct cJSON *zf_kevent_json(const struct zf_kevent *ev);

/* ------------------------------------------------------------------ */
/* From a real machine into the model (procfs_import.c)                */
/* ------------------------------------------------------------------ */
struct zf_proc_zone {
	bool seen;          /* a "Node n, zone X" block was read */
	bool has_start_pfn; /* "start_pfn:" was there */
	uint64_t start_pfn, spanned, present, managed, free, boost, cma;
	uint64_t wmark[3]; /* min, low, high without the boost (zoneinfo prints them boosted) */
	uint64_t protection[ZF_MAX_NR_ZONES]; /* lowmem_reserve[] */
	unsigned int nr_protection;
	unsigned int nr_cpus;        /* "cpu: N" pagesets */
	unsigned int stat_threshold; /* largest "vm stats threshold" */
	uint64_t pcp_count;          /* pages on the pcp lists, all cpus */
	int pcp_high, pcp_batch;     /* of the first cpu */
	bool has_buddy;              /* a buddyinfo line */
	unsigned int nr_orders;
	uint64_t nr_free[ZF_MAX_ORDER_MAX]; /* buddyinfo blocks per order */
};

struct zf_proc_snapshot {
	unsigned int nr_nodes;
	unsigned int nr_cpus;
	struct zf_proc_zone zones[ZF_MAX_NUMNODES][ZF_MAX_NR_ZONES];
	bool has_buddyinfo;
	unsigned int max_order; /* from buddyinfo's columns (11 if none) */
	/* derived: the sysctls under which the model's own 4.12 formulas give the captured values
	 */
	long min_free_kbytes;
	unsigned int watermark_scale_factor;
	unsigned int lowmem_reserve_ratio[ZF_MAX_NR_ZONES];
	bool wmarks_derived;  /* the formula reproduces every captured min/low/high */
	bool reserve_derived; /* ... and every lowmem_reserve */
	char notes[512];      /* what could not be matched, dropped or capped */
};

int zf_proc_parse_zoneinfo(const char *text, struct zf_proc_snapshot *s, char *err, size_t errlen);
int zf_proc_parse_buddyinfo(const char *text, struct zf_proc_snapshot *s, char *err, size_t errlen);
/*
 * Read zoneinfo (and buddyinfo, may be NULL) into snap and fill the geometry
 * of cfg: nodes, zone_pages = managed, reserved_pages = the rest of the zone
 * (present - managed; where start_pfn is known, the holes before and inside
 * the zone's span count as reserved too, so the model's pfns line up with
 * the real ones and buddy blocks can have the real alignment),
 * nr_cpus (from the pagesets, at most ZF_MAX_CPUS), min_free_kbytes,
 * watermark_scale_factor and lowmem_reserve_ratio as derived. Other fields
 * of cfg (profile, seed, bugs, swap) are left as the caller set them.
 */
int zf_config_from_proc(const char *zoneinfo_path, const char *buddyinfo_path,
			struct zf_config *cfg, struct zf_proc_snapshot *snap, char *err,
			size_t errlen);
/* The same from text already in memory. */
int zf_config_from_proc_text(const char *zoneinfo, const char *buddyinfo, struct zf_config *cfg,
			     struct zf_proc_snapshot *snap, char *err, size_t errlen);
/*
 * After zf_machine_create(cfg): set every zone's watermarks and reserves to
 * the captured ones, and (with buddyinfo) shape the free areas to the
 * captured block counts. Returns 0, or the number of buddy blocks that did
 * not fit (a note in err), or -1 on an error.
 */
int zf_proc_apply(struct zf_machine *m, const struct zf_proc_snapshot *snap, char *err,
		  size_t errlen);

#endif /* ZONEFUZZ_STRESS_H */
