#!/usr/bin/env python3
"""Generate docs/kernel-map.md: kernel function -> model function -> file:line.

The model keeps kernel names, so the map is found by looking for each name's
definition in allocator/*.c. `--check` exits 1 when the committed map is stale
or a listed kernel function has no model definition (ctest runs it).
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "kernel-map.md"

# (kernel function, kernel file in 4.12 (or the version that added it), model function)
MAP = [
    ("Fast path", None, None),
    ("__alloc_pages_nodemask", "mm/page_alloc.c", None),
    ("prepare_alloc_pages", "mm/page_alloc.c", None),
    ("finalise_ac", "mm/page_alloc.c", None),
    ("get_page_from_freelist", "mm/page_alloc.c", None),
    ("rmqueue", "mm/page_alloc.c", None),
    ("prep_new_page", "mm/page_alloc.c", None),
    ("should_fail_alloc_page", "mm/page_alloc.c", None),
    ("node_dirty_ok", "mm/page-writeback.c", None),
    ("gfp_zone", "include/linux/gfp.h", None),
    ("gfpflags_to_migratetype", "include/linux/gfp.h", None),
    ("current_gfp_context", "include/linux/sched/mm.h", None),
    ("first_zones_zonelist", "include/linux/mmzone.h", None),
    ("next_zones_zonelist", "mm/mmzone.c", None),
    ("ac_classzone_idx", "mm/internal.h", None),
    ("__free_pages", "mm/page_alloc.c", None),
    ("Slow path", None, None),
    ("__alloc_pages_slowpath", "mm/page_alloc.c", None),
    ("gfp_to_alloc_flags", "mm/page_alloc.c", None),
    ("gfp_pfmemalloc_allowed", "mm/page_alloc.c", None),
    ("wake_all_kswapds", "mm/page_alloc.c", None),
    ("__alloc_pages_direct_reclaim", "mm/page_alloc.c", None),
    ("__alloc_pages_direct_compact", "mm/page_alloc.c", None),
    ("should_reclaim_retry", "mm/page_alloc.c", None),
    ("should_compact_retry", "mm/page_alloc.c", None),
    ("__alloc_pages_cpuset_fallback", "mm/page_alloc.c", None),
    ("__alloc_pages_may_oom", "mm/page_alloc.c", None),
    ("warn_alloc", "mm/page_alloc.c", None),
    ("check_retry_cpuset", "mm/page_alloc.c (4.13)", None),
    ("Buddy lists", None, None),
    ("__free_one_page", "mm/page_alloc.c", None),
    ("free_one_page", "mm/page_alloc.c", None),
    ("__free_pages_ok", "mm/page_alloc.c", None),
    ("page_is_buddy", "mm/page_alloc.c", None),
    ("expand", "mm/page_alloc.c", None),
    ("__rmqueue_smallest", "mm/page_alloc.c", None),
    ("__rmqueue", "mm/page_alloc.c", None),
    ("__rmqueue_fallback", "mm/page_alloc.c", None),
    ("can_steal_fallback", "mm/page_alloc.c", None),
    ("find_suitable_fallback", "mm/page_alloc.c", None),
    ("steal_suitable_fallback", "mm/page_alloc.c", None),
    ("move_freepages", "mm/page_alloc.c", None),
    ("move_freepages_block", "mm/page_alloc.c", None),
    ("__isolate_free_page", "mm/page_alloc.c", None),
    ("reserve_highatomic_pageblock", "mm/page_alloc.c", None),
    ("unreserve_highatomic_pageblock", "mm/page_alloc.c", None),
    ("get_pageblock_migratetype", "include/linux/mmzone.h", None),
    ("set_pageblock_migratetype", "mm/page_alloc.c", None),
    ("get_pageblock_skip", "mm/compaction.c", None),
    ("set_pageblock_skip", "mm/compaction.c", None),
    ("clear_pageblock_skip", "mm/compaction.c", None),
    ("take_page_off_buddy", "mm/page_alloc.c (5.8)", None),
    ("Per-cpu lists", None, None),
    ("rmqueue_bulk", "mm/page_alloc.c", None),
    ("free_pcppages_bulk", "mm/page_alloc.c", None),
    ("free_hot_cold_page", "mm/page_alloc.c", None),
    ("drain_pages_zone", "mm/page_alloc.c", None),
    ("drain_local_pages", "mm/page_alloc.c", None),
    ("drain_all_pages", "mm/page_alloc.c", None),
    ("zone_batchsize", "mm/page_alloc.c", None),
    ("pageset_set_batch", "mm/page_alloc.c", None),
    ("pageset_set_high", "mm/page_alloc.c", None),
    ("pageset_update", "mm/page_alloc.c", None),
    ("zone_pcp_init", "mm/page_alloc.c", None),
    ("Watermarks", None, None),
    ("init_per_zone_wmark_min", "mm/page_alloc.c", None),
    ("setup_per_zone_wmarks", "mm/page_alloc.c", None),
    ("setup_per_zone_lowmem_reserve", "mm/page_alloc.c", None),
    ("calculate_totalreserve_pages", "mm/page_alloc.c", None),
    ("__zone_watermark_ok", "mm/page_alloc.c", None),
    ("zone_watermark_ok", "mm/page_alloc.c", None),
    ("zone_watermark_fast", "mm/page_alloc.c", None),
    ("zone_watermark_ok_safe", "mm/page_alloc.c", None),
    ("build_all_zonelists", "mm/page_alloc.c", None),
    ("nr_free_buffer_pages", "mm/page_alloc.c", None),
    ("Page isolation", None, None),
    ("set_migratetype_isolate", "mm/page_isolation.c", None),
    ("unset_migratetype_isolate", "mm/page_isolation.c", None),
    ("start_isolate_page_range", "mm/page_isolation.c", None),
    ("undo_isolate_page_range", "mm/page_isolation.c", None),
    ("test_pages_isolated", "mm/page_isolation.c", None),
    ("Reclaim and kswapd", None, None),
    ("add_page_to_lru_list", "include/linux/mm_inline.h", None),
    ("del_page_from_lru_list", "include/linux/mm_inline.h", None),
    ("zone_reclaimable_pages", "mm/vmscan.c", None),
    ("try_to_free_pages", "mm/vmscan.c", None),
    ("throttle_direct_reclaim", "mm/vmscan.c", None),
    ("allow_direct_reclaim", "mm/vmscan.c", None),
    ("do_try_to_free_pages", "mm/vmscan.c", None),
    ("shrink_zones", "mm/vmscan.c", None),
    ("shrink_node", "mm/vmscan.c", None),
    ("shrink_active_list", "mm/vmscan.c", None),
    ("shrink_inactive_list", "mm/vmscan.c", None),
    ("shrink_page_list", "mm/vmscan.c", None),
    ("compaction_ready", "mm/vmscan.c", None),
    ("wakeup_kswapd", "mm/vmscan.c", None),
    ("pgdat_balanced", "mm/vmscan.c", None),
    ("prepare_kswapd_sleep", "mm/vmscan.c", None),
    ("balance_pgdat", "mm/vmscan.c", None),
    ("kswapd", "mm/vmscan.c", "kswapd_run_once"),
    ("Compaction", None, None),
    ("fragmentation_index", "mm/vmstat.c", None),
    ("__compaction_suitable", "mm/compaction.c", None),
    ("compaction_suitable", "mm/compaction.c", None),
    ("compaction_zonelist_suitable", "mm/compaction.c", None),
    ("defer_compaction", "mm/compaction.c", None),
    ("compaction_deferred", "mm/compaction.c", None),
    ("compaction_defer_reset", "mm/compaction.c", None),
    ("compaction_restarting", "mm/compaction.c", None),
    ("try_to_compact_pages", "mm/compaction.c", None),
    ("compact_zone_order", "mm/compaction.c", None),
    ("compact_zone", "mm/compaction.c", None),
    ("compact_finished", "mm/compaction.c", None),
    ("__compact_finished", "mm/compaction.c", None),
    ("isolate_migratepages", "mm/compaction.c", None),
    ("isolate_freepages", "mm/compaction.c", None),
    ("migrate_pages", "mm/migrate.c", "zf_migrate_page"),
    ("wakeup_kcompactd", "mm/compaction.c", None),
    ("kcompactd_do_work", "mm/compaction.c", None),
    ("compact_node", "mm/compaction.c", None),
    ("reset_isolation_suitable", "mm/compaction.c", None),
    ("OOM killer", None, None),
    ("out_of_memory", "mm/oom_kill.c", None),
    ("oom_badness", "mm/oom_kill.c", None),
    ("select_bad_process", "mm/oom_kill.c", None),
    ("oom_kill_process", "mm/oom_kill.c", None),
    ("mark_oom_victim", "mm/oom_kill.c", None),
    ("wake_oom_reaper", "mm/oom_kill.c", None),
    ("oom_reap_task", "mm/oom_kill.c", "oom_reap_task_once"),
    ("task_will_free_mem", "mm/oom_kill.c", None),
    ("constrained_alloc", "mm/oom_kill.c", None),
    ("tsk_is_oom_victim", "include/linux/oom.h", None),
    ("Cpusets, tasks, time", None, None),
    ("cpuset_zone_allowed", "include/linux/cpuset.h", None),
    ("cpuset_current_mems_allowed", "include/linux/cpuset.h", None),
    ("read_mems_allowed_begin", "include/linux/cpuset.h", None),
    ("read_mems_allowed_retry", "include/linux/cpuset.h", None),
    ("cpusets_enabled", "include/linux/cpuset.h", None),
    ("do_exit", "kernel/exit.c", "zf_task_exit"),
    ("exit_mm", "kernel/exit.c", "task_exit_mm"),
    ("schedule_timeout", "kernel/time/timer.c", None),
    ("congestion_wait", "mm/backing-dev.c", None),
    ("cond_resched", "include/linux/sched.h", None),
    ("Public API (zf_*) and the kernel entry point it stands for", None, None),
    ("alloc_pages_nodemask", "include/linux/gfp.h", "zf_alloc_pages"),
    ("__free_pages", "mm/page_alloc.c", "zf_free_pages"),
    ("handle_mm_fault (anon/page-cache page)", "mm/memory.c", "zf_lru_fill"),
    ("munmap / truncate", "mm/mmap.c", "zf_lru_release"),
    ("set_page_dirty", "mm/page-writeback.c", "zf_lru_dirty"),
    ("mark_page_accessed", "mm/swap.c", "zf_lru_activate"),
    ("kswapd thread loop", "mm/vmscan.c", "zf_run_kswapd"),
    ("kcompactd thread loop", "mm/compaction.c", "zf_run_kcompactd"),
    ("sysctl_compaction_handler", "mm/compaction.c", "zf_compact_node"),
    ("drain_all_pages", "mm/page_alloc.c", "zf_drain_all_pages"),
    ("start_isolate_page_range", "mm/page_isolation.c", "zf_isolate_range"),
    ("undo_isolate_page_range", "mm/page_isolation.c", "zf_unisolate_range"),
    ("memory_failure -> take_page_off_buddy", "mm/memory-failure.c", "zf_poison_page"),
    ("cpuset_change_task_nodemask", "kernel/cgroup/cpuset.c", "zf_task_set_mems"),
    ("do_set_mempolicy (MPOL_BIND)", "mm/mempolicy.c", "zf_task_set_mempolicy"),
    ("send_sig(SIGKILL)", "kernel/signal.c", "zf_task_kill"),
    ("Memory hotplug", None, None),
    ("offline_pages", "mm/memory_hotplug.c", "zf_offline_zone"),
    ("online_pages", "mm/memory_hotplug.c", "zf_online_zone"),
]

DEF_RE_CACHE = {}


def find_definition(name):
    pat = re.compile(r"^(?:static\s+)?(?:inline\s+)?[A-Za-z_][\w\s\*]*?\b" + re.escape(name) + r"\s*\(")
    hits = []
    for path in sorted((ROOT / "allocator").glob("*.c")) + [ROOT / "allocator" / "internal.h"]:
        lines = path.read_text().splitlines()
        for i, line in enumerate(lines):
            if pat.match(line) and not line.rstrip().endswith(";"):
                # a definition: the line (or the next ones) opens a body, not a prototype
                j = i
                while j < len(lines) and ";" not in lines[j] and "{" not in lines[j]:
                    j += 1
                if j < len(lines) and "{" in lines[j] or (j < len(lines) and lines[j].strip() == "{"):
                    hits.append((path.relative_to(ROOT).as_posix(), i + 1))
                    break
                if j + 1 < len(lines) and lines[j + 1].strip() == "{":
                    hits.append((path.relative_to(ROOT).as_posix(), i + 1))
                    break
    return hits


def render():
    out = ["# Kernel map: kernel function -> model function -> file:line", "",
           "Generated by `scripts/gen_kernel_map.py` from the sources (ctest checks it is current).",
           "Every function that mirrors a kernel function keeps the kernel's name; the rows below",
           "are the ones a kernel developer looks for first. Line numbers point at the definition.", ""]
    missing = []
    for kfunc, kfile, mfunc in MAP:
        if kfile is None:
            out += ["", f"## {kfunc}", "", "| kernel function | kernel file | model function | model file:line |",
                    "|---|---|---|---|"]
            continue
        model = mfunc or kfunc
        hits = find_definition(model)
        if not hits:
            missing.append(model)
            loc = "**missing**"
        else:
            loc = ", ".join(f"[{p}:{ln}](../{p}#L{ln})" for p, ln in hits)
        out.append(f"| `{kfunc}` | {kfile} | `{model}` | {loc} |")
    # the labels of __alloc_pages_slowpath
    out += ["", "## Labels of `__alloc_pages_slowpath` (4.12)", "", "| label | model file:line |", "|---|---|"]
    sp = ROOT / "allocator" / "slowpath.c"
    inside = False
    for i, line in enumerate(sp.read_text().splitlines()):
        if re.match(r"^\S.*\b__alloc_pages_slowpath\(", line) and not line.rstrip().endswith(";"):
            inside = True
        if not inside:
            continue
        m = re.match(r"^(retry_cpuset|retry|nopage|fail|got_pg):", line)
        if m:
            out.append(f"| `{m.group(1)}:` | [allocator/slowpath.c:{i + 1}](../allocator/slowpath.c#L{i + 1}) |")
    return "\n".join(out) + "\n", missing


def main():
    text, missing = render()
    if "--check" in sys.argv:
        ok = True
        if missing:
            print("gen_kernel_map: no model definition for: " + ", ".join(missing))
            ok = False
        if not OUT.exists() or OUT.read_text() != text:
            print("gen_kernel_map: docs/kernel-map.md is stale; run scripts/gen_kernel_map.py")
            ok = False
        return 0 if ok else 1
    OUT.write_text(text)
    if missing:
        print("gen_kernel_map: missing: " + ", ".join(missing), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
