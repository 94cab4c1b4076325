/* SPDX-License-Identifier: MIT */
/*
 * reports/signature.c - the deduplication signature of a finding:
 *   oracle id | model function | gfp class | order class
 * (design.md "Findings and reports"; ClusterFuzz crash state, ecosystem
 * notes §4.2). The classes are coarse on purpose: two fuzz inputs that trip
 * the same invariant at the same model site from the same kind of request
 * are one bug, whatever the exact gfp bits, order or pfn.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "report_internal.h"

#ifndef ZF_SOURCE_DIR
#define ZF_SOURCE_DIR ""
#endif

/* PAGE_ALLOC_COSTLY_ORDER (spec §1.1): above it the slow path gives up earlier. */
#define ZF_TR_COSTLY_ORDER 3

const char *zf_report_gfp_class(zf_gfp_t gfp, bool in_alloc, char *buf, size_t len)
{
	const char *base, *mode = "";

	if (!in_alloc) {
		snprintf(buf, len, "none");
		return buf;
	}
	/*
	 * The reclaim context decides which slow-path steps may run at all
	 * (spec §5.4: direct reclaim, then what reclaim may do: IO, FS).
	 */
	if (gfp & ZF_GFP_DIRECT_RECLAIM) {
		if ((gfp & ZF_GFP_IO) && (gfp & ZF_GFP_FS))
			base = "kernel";
		else if (gfp & ZF_GFP_IO)
			base = "nofs";
		else
			base = "noio";
	} else {
		base = (gfp & (ZF_GFP_ATOMIC | ZF_GFP_HIGH)) ? "atomic" : "nowait";
	}
	/* The retry mode decides how the slow path ends (nopage / retry / OOM). */
	if (gfp & ZF_GFP_NOFAIL)
		mode = "+nofail";
	else if (gfp & ZF_GFP_NORETRY)
		mode = "+noretry";
	else if (gfp & ZF_GFP_REPEAT)
		mode = "+repeat";
	snprintf(buf, len, "%s%s", base, mode);
	return buf;
}

const char *zf_report_order_class(unsigned int order, unsigned int max_order, bool in_alloc)
{
	if (!in_alloc)
		return "none";
	if (order == 0)
		return "order-0";
	if (max_order && order >= max_order)
		return "invalid";
	if (order <= ZF_TR_COSTLY_ORDER)
		return "low";
	return "costly";
}

void zf_report_message_template(const char *msg, char *buf, size_t len)
{
	size_t o = 0;
	const char *s = msg;

	if (!len)
		return;
	while (*s && o + 1 < len) {
		if (isdigit((unsigned char)*s)) {
			/* a number (decimal or 0x hex) is an instance detail: pfn, count, order */
			if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') &&
			    isxdigit((unsigned char)s[2]))
				s += 2;
			while (isalnum((unsigned char)*s))
				s++;
			buf[o++] = 'N';
			continue;
		}
		if (!strncmp(s, "zone ", 5) && (s == msg || !isalnum((unsigned char)s[-1]))) {
			/* "zone DMA32: ..." - the same check in another zone is the same bug */
			const char *w = s + 5;
			if (isalpha((unsigned char)*w)) {
				while (isalnum((unsigned char)*w))
					w++;
				if (o + 7 < len) {
					memcpy(buf + o, "zone Z", 6);
					o += 6;
				}
				s = w;
				continue;
			}
		}
		buf[o++] = *s++;
	}
	buf[o] = '\0';
}

void zf_report_signature_of(const struct zf_finding *f, unsigned int max_order,
			    struct zf_report_signature *sig)
{
	char hex[65];

	memset(sig, 0, sizeof(*sig));
	snprintf(sig->oracle, sizeof(sig->oracle), "%s", f->oracle_id ? f->oracle_id : "?");
	if (f->func && strcmp(f->func, "oracle walk")) {
		snprintf(sig->function, sizeof(sig->function), "%s", f->func);
	} else {
		/*
		 * A full-state walk has no model site: the check that failed stands in
		 * for it, as an assert's message is part of ClusterFuzz's crash state.
		 */
		char tmpl[120];
		zf_report_message_template(f->message, tmpl, sizeof(tmpl));
		snprintf(sig->function, sizeof(sig->function), "oracle walk: %s", tmpl);
	}
	zf_report_gfp_class(f->gfp, f->in_alloc, sig->gfp_class, sizeof(sig->gfp_class));
	snprintf(sig->order_class, sizeof(sig->order_class), "%s",
		 zf_report_order_class(f->order, max_order, f->in_alloc));
	snprintf(sig->key, sizeof(sig->key), "%s|%s|%s|%s", sig->oracle, sig->function,
		 sig->gfp_class, sig->order_class);
	zf_report_sha256_hex(sig->key, strlen(sig->key), hex);
	memcpy(sig->id, hex, 12);
	sig->id[12] = '\0';
}

/* The model's public entry points and the kernel functions they stand for. */
static const struct {
	const char *model, *kernel;
} zf_tr_api_map[] = {
    {"zf_alloc_pages", "__alloc_pages_nodemask"},
    {"zf_free_pages", "__free_pages"},
    {"zf_lru_fill", "handle_mm_fault"},
    {"zf_lru_release", "release_pages"},
    {"zf_lru_dirty", "set_page_dirty"},
    {"zf_lru_activate", "mark_page_accessed"},
    {"zf_isolate_range", "start_isolate_page_range"},
    {"zf_unisolate_range", "undo_isolate_page_range"},
    {"zf_offline_zone", "offline_pages"},
    {"zf_online_zone", "online_pages"},
    {"zf_poison_page", "take_page_off_buddy"},
    {"zf_run_kswapd", "balance_pgdat"},
    {"zf_run_kcompactd", "kcompactd_do_work"},
    {"zf_compact_node", "compact_node"},
    {"zf_drain_all_pages", "drain_all_pages"},
    {"zf_advance_time", "schedule_timeout"},
    {"zf_task_exit", "exit_mm"},
    {"zf_task_kill", "do_send_sig_info"},
    {"zf_task_set_mems", "cpuset_change_task_nodemask"},
};

const char *zf_tr_kernel_function(const char *model_func)
{
	if (!model_func || !*model_func || !strncmp(model_func, "oracle walk", 11))
		return NULL;
	for (size_t i = 0; i < sizeof(zf_tr_api_map) / sizeof(zf_tr_api_map[0]); i++)
		if (!strcmp(model_func, zf_tr_api_map[i].model))
			return zf_tr_api_map[i].kernel;
	/* everything else mirrors a kernel function under the kernel's name (habit 1) */
	if (!strncmp(model_func, "zf_", 3))
		return NULL;
	return model_func;
}

const char *zf_tr_op_kernel_function(enum zf_sc_op_type t)
{
	switch (t) {
	case ZF_SC_OP_ALLOC:
		return "__alloc_pages_nodemask";
	case ZF_SC_OP_FREE:
		return "__free_pages";
	case ZF_SC_OP_LRU_FILL:
		return "handle_mm_fault";
	case ZF_SC_OP_LRU_DIRTY:
		return "set_page_dirty";
	case ZF_SC_OP_LRU_ACTIVATE:
		return "mark_page_accessed";
	case ZF_SC_OP_LRU_RELEASE:
		return "release_pages";
	case ZF_SC_OP_SET_TASK:
		return "cpuset_change_task_nodemask";
	case ZF_SC_OP_KILL:
		return "do_send_sig_info";
	case ZF_SC_OP_EXIT:
		return "exit_mm";
	case ZF_SC_OP_ISOLATE:
		return "start_isolate_page_range";
	case ZF_SC_OP_UNISOLATE:
		return "undo_isolate_page_range";
	case ZF_SC_OP_OFFLINE_ZONE:
		return "offline_pages";
	case ZF_SC_OP_ONLINE_ZONE:
		return "online_pages";
	case ZF_SC_OP_POISON:
		return "take_page_off_buddy";
	case ZF_SC_OP_KSWAPD:
		return "balance_pgdat";
	case ZF_SC_OP_KCOMPACTD:
		return "kcompactd_do_work";
	case ZF_SC_OP_COMPACT:
		return "compact_node";
	case ZF_SC_OP_DRAIN:
		return "drain_all_pages";
	case ZF_SC_OP_ADVANCE:
		return "schedule_timeout";
	default:
		return NULL;
	}
}

const char *zf_tr_relative_source(const char *file)
{
	static const char src[] = ZF_SOURCE_DIR;
	size_t n = strlen(src);

	if (!file)
		return "?";
	if (n && !strncmp(file, src, n)) {
		file += n;
		while (*file == '/')
			file++;
	}
	return file;
}
