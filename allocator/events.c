/* SPDX-License-Identifier: MIT */
/*
 * allocator/events.c - the event emitter and every name table of events.h
 * and inspect.h (events, slow-path labels and gotos, compaction results, OOM
 * skip reasons, vmstat counters, yield points, migratetypes).
 */
#include <string.h>

#include "internal.h"

/*
 * __zf_emit() - build one event and hand it to hooks.on_event. zf_trace()
 * only calls it when a hook is set, so the model pays one branch per site
 * when nobody listens. The current allocation's gfp mask and alloc_flags
 * come from the innermost frame so that an oracle sees the flags the slow
 * path was using when the event happened (model-contract "Events").
 */
void __zf_emit(struct zf_machine *m, enum zf_event_type type, unsigned int label, int zone_id,
	       uint64_t pfn, unsigned int order, int64_t a, int64_t b, int64_t c, const char *func,
	       const char *file, int line)
{
	struct zf_event ev;
	const struct zf_alloc_frame *f;

	if (!m->hooks.on_event)
		return;
	memset(&ev, 0, sizeof(ev));
	ev.type = (uint16_t)type;
	ev.label = (uint16_t)label;
	ev.task = (int16_t)zf_current(m);
	ev.zone_id = (int16_t)(zone_id < 0 ? -1 : zone_id);
	ev.order = (uint8_t)(order > UINT8_MAX ? UINT8_MAX : order);
	ev.pfn = pfn;
	ev.a = a;
	ev.b = b;
	ev.c = c;
	f = cur_frame(m);
	if (f) {
		ev.gfp = f->gfp;
		ev.alloc_flags = f->alloc_flags;
		if (f->ac)
			ev.migratetype = (uint8_t)f->ac->migratetype;
	}
	/* several CPUs may emit at once in a threaded machine (the hook serialises them) */
	ev.seq =
	    m->threaded ? __atomic_fetch_add(&m->event_seq, 1, __ATOMIC_RELAXED) : m->event_seq++;
	ev.jiffies = jiffies_now(m);
	ev.func = func;
	ev.file = file;
	ev.line = line;
	m->hooks.on_event(m->hooks.priv, m, &ev);
}

#define ZF_NAME_OF(table, i)                                                                       \
	(((size_t)(i) < sizeof(table) / sizeof(table[0])) ? table[(size_t)(i)] : "?")

static const char *const zf_event_names[] = {
#define ZF_EV_NAME(name, doc) #name,
    ZF_EVENT_LIST(ZF_EV_NAME)
#undef ZF_EV_NAME
};

const char *zf_event_name(enum zf_event_type t)
{
	return ZF_NAME_OF(zf_event_names, t);
}

/* The label names as spelled in __alloc_pages_slowpath. */
static const char *const zf_label_names[ZF_NR_LABELS] = {
    [ZF_LABEL_RETRY_CPUSET] = "retry_cpuset",
    [ZF_LABEL_RETRY] = "retry",
    [ZF_LABEL_NOPAGE] = "nopage",
    [ZF_LABEL_FAIL] = "fail",
    [ZF_LABEL_GOT_PG] = "got_pg",
};

const char *zf_slowpath_label_name(enum zf_slowpath_label l)
{
	return ZF_NAME_OF(zf_label_names, l);
}

static const char *const zf_goto_names[] = {
#define ZF_GOTO_NAME(name, doc) #name,
    ZF_SLOWPATH_GOTO_LIST(ZF_GOTO_NAME)
#undef ZF_GOTO_NAME
};

static const char *const zf_goto_docs[] = {
#define ZF_GOTO_DOC(name, doc) doc,
    ZF_SLOWPATH_GOTO_LIST(ZF_GOTO_DOC)
#undef ZF_GOTO_DOC
};

const char *zf_slowpath_goto_name(enum zf_slowpath_goto g)
{
	return ZF_NAME_OF(zf_goto_names, g);
}

const char *zf_slowpath_goto_doc(enum zf_slowpath_goto g)
{
	return ZF_NAME_OF(zf_goto_docs, g);
}

/* enum compact_result spellings (spec §1.6). */
static const char *const zf_compact_result_names[ZF_NR_COMPACT_RESULTS] = {
    [ZF_COMPACT_NOT_SUITABLE_ZONE] = "COMPACT_NOT_SUITABLE_ZONE",
    [ZF_COMPACT_SKIPPED] = "COMPACT_SKIPPED",
    [ZF_COMPACT_DEFERRED] = "COMPACT_DEFERRED",
    [ZF_COMPACT_NO_SUITABLE_PAGE] = "COMPACT_NO_SUITABLE_PAGE",
    [ZF_COMPACT_CONTINUE] = "COMPACT_CONTINUE",
    [ZF_COMPACT_COMPLETE] = "COMPACT_COMPLETE",
    [ZF_COMPACT_PARTIAL_SKIPPED] = "COMPACT_PARTIAL_SKIPPED",
    [ZF_COMPACT_CONTENDED] = "COMPACT_CONTENDED",
    [ZF_COMPACT_SUCCESS] = "COMPACT_SUCCESS",
};

const char *zf_compact_result_name(enum zf_compact_result r)
{
	return ZF_NAME_OF(zf_compact_result_names, r);
}

/* Why __alloc_pages_may_oom() did not call out_of_memory() (spec §5.9). */
static const char *const zf_oom_skip_names[ZF_NR_OOM_SKIPS] = {
    [ZF_OOM_CALLED] = "CALLED",
    [ZF_OOM_LOCK_CONTENDED] = "LOCK_CONTENDED",
    [ZF_OOM_LAST_CHANCE_PAGE] = "LAST_CHANCE_PAGE",
    [ZF_OOM_SKIP_DUMPCORE] = "SKIP_DUMPCORE",
    [ZF_OOM_SKIP_COSTLY] = "SKIP_COSTLY",
    [ZF_OOM_SKIP_LOWMEM] = "SKIP_LOWMEM",
    [ZF_OOM_SKIP_SUSPENDED] = "SKIP_SUSPENDED",
    [ZF_OOM_SKIP_THISNODE] = "SKIP_THISNODE",
    [ZF_OOM_SKIP_RETRY_MAYFAIL] = "SKIP_RETRY_MAYFAIL",
};

const char *zf_oom_skip_name(enum zf_oom_skip s)
{
	return ZF_NAME_OF(zf_oom_skip_names, s);
}

static const char *const zf_vmstat_names[] = {
#define ZF_VMSTAT_NAME(name) #name,
    ZF_VMSTAT_LIST(ZF_VMSTAT_NAME)
#undef ZF_VMSTAT_NAME
};

const char *zf_vmstat_name(enum zf_vmstat_item i)
{
	return ZF_NAME_OF(zf_vmstat_names, i);
}

static const char *const zf_yield_names[ZF_NR_YIELD_POINTS] = {
    [ZF_YIELD_AFTER_WAKE_KSWAPD] = "AFTER_WAKE_KSWAPD",
    [ZF_YIELD_AT_RETRY] = "AT_RETRY",
    [ZF_YIELD_AFTER_RECLAIM] = "AFTER_RECLAIM",
    [ZF_YIELD_AFTER_COMPACT] = "AFTER_COMPACT",
    [ZF_YIELD_BEFORE_OOM] = "BEFORE_OOM",
    [ZF_YIELD_IN_OOM_WAIT] = "IN_OOM_WAIT",
};

const char *zf_yield_point_name(enum zf_yield_point yp)
{
	return ZF_NAME_OF(zf_yield_names, yp);
}

/* /proc/pagetypeinfo spellings (migratetype_names[]) and show_free_areas() letters. */
static const char *const zf_migratetype_names[ZF_MIGRATE_TYPES] = {
    "Unmovable", "Movable", "Reclaimable", "HighAtomic", "CMA", "Isolate",
};

const char *zf_migratetype_name(int mt)
{
	if (mt < 0)
		return "?";
	return ZF_NAME_OF(zf_migratetype_names, mt);
}

char zf_migratetype_letter(int mt)
{
	static const char letters[ZF_MIGRATE_TYPES] = {'U', 'M', 'E', 'H', 'C', 'I'};

	if (mt < 0 || mt >= ZF_MIGRATE_TYPES)
		return '?';
	return letters[mt];
}
