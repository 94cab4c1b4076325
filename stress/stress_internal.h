/* SPDX-License-Identifier: MIT */
/*
 * stress/stress_internal.h - helpers shared by the stress/ sources (not a
 * public header).
 */
#ifndef ZONEFUZZ_STRESS_INTERNAL_H
#define ZONEFUZZ_STRESS_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "zonefuzz/stress.h"

/* files.c */
/* Whole file into a NUL-terminated buffer (caller frees); NULL on error. */
char *zf_read_file(const char *path, size_t *len);
/* Write len bytes to path (0 / -1). */
int zf_write_file(const char *path, const char *data, size_t len);
/* mkdir -p with mode for the directories it creates (0 / -1; -1 for an empty path). */
int zf_mkdir_p(const char *path, unsigned int mode);

/*
 * "Node 0, zone   DMA32 ..." (the head of a /proc/zoneinfo, buddyinfo or
 * pagetypeinfo zone line) -> node and zone name (n bytes at most); returns
 * the rest of the line, NULL if the line is not one (procfs_import.c).
 */
const char *zf_proc_node_zone(const char *p, int *node, char *name, size_t n);

/* Where the source tree's stress/ files are (ZF_STRESS_DIR overrides the built-in path). */
const char *zf_vm_stress_dir(void);
const char *zf_vm_profiles_dir(void);

/*
 * Can QEMU use KVM here? dev opens read-write and answers KVM_GET_API_VERSION
 * with 12, and cpuinfo_path shows vmx or svm. why says what was found.
 */
bool zf_vm_kvm_usable(const char *dev, const char *cpuinfo_path, char *why, size_t whylen);

/* The result bundle (bundle.c). */
struct zf_vm_run_info {
	const struct zf_vm_profile *profile;
	char out_dir[512];
	char accel[8];
	char accel_why[160]; /* why that accelerator: the option, or what the KVM probe found */
	uint64_t mem_mb;
	unsigned int smp;
	unsigned int time_s;
	unsigned int limit_s;
	const char *const *qemu_argv;
	char kernel_path[700];
	char initrd_path[700];
	char kernel_cmdline[1024];
	int qemu_exit;   /* exit status, -1 if killed by a signal */
	int qemu_signal; /* 0 or the signal that ended it */
	bool timed_out;
	bool interrupted;
	bool kvm_fallback; /* KVM gave no output: rerun under TCG */
	double wall_s;
	double first_output_s;     /* host seconds to the first console byte */
	const char *manifest_json; /* the image manifest (may be NULL) */
};

/* One row of a campaign's summary. */
struct zf_vm_summary {
	char profile[64];
	char status[24];
	double wall_s;
	double boot_s; /* guest uptime at /init */
	int stress_rc;
	int64_t oom_kill, allocstall, compact_stall, compact_success, pgscan_direct,
	    pgmigrate_success;
	size_t findings;
	size_t findings_info; /* of which severity info (evidence that a rule held) */
	char first_oom[96];   /* "order=0 gfp=0x140dca(...)" */
	char dir[512];
};

/* Read the run's raw files, write the bundle (raw files + bundle.json), fill the summary. */
int zf_vm_write_bundle(const struct zf_vm_run_info *ri, struct zf_vm_summary *sum);

#endif /* ZONEFUZZ_STRESS_INTERNAL_H */
