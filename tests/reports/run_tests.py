#!/usr/bin/env python3
"""End-to-end tests of `zonefuzz triage` (the zf-triage program).

Inputs are built here from the ops/v2 format (targets/decoder.h) and the
planted-bug catalogue, so every expectation follows from the spec:

* B23 (take_page_off_buddy() leaves NR_FREE_PAGES one page high): one
  `poison` of a free page is the whole trigger; the NR_FREE_PAGES equality
  of spec section 2 fails (oracle ZF_INV_COUNTERS) by exactly one page.
* B17 (kswapd woken forever on an unreclaimable node): anonymous memory
  filled by an unkillable task with no swap; after 16 balance runs without
  progress kswapd must stay asleep (oracle ZF_INV_KSWAPD).

Prints one line per test and "N passed, N failed, N skipped"; exit 1 on a
failure, 77 when python3-jsonschema is missing.
"""
import argparse
import base64
import glob
import hashlib
import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import time
import zlib

try:
    import jsonschema
except ImportError:  # pragma: no cover
    print("reports.e2e: python3-jsonschema is not installed (Debian: python3-jsonschema)")
    sys.exit(77)

ARGS = None
SCHEMA = None
SARIF_SCHEMA = None
PROFILES = ["4.12", "4.13", "4.14", "4.15", "5.9", "6.1"]

# ops/v2 (targets/decoder.c): header [geometry, profile|swap<<3, walk, task flags],
# then 4-byte ops [opcode][x][y][z]; the opcode indexes the target's op table.
BUDDY_POISON = 9      # ops_buddy[9] = D_POISON, pfn = x | y << 8 | z << 16
BUDDY_DRAIN = 8       # ops_buddy[8] = D_DRAIN
BUDDY_ALLOC = 0       # ops_buddy[0] = D_ALLOC: task x%3, order y&15, gfp class z
SLOWPATH_LRU_FILL = 3  # ops_slowpath[3] = D_LRU_FILL: task x%3, anon if y&1==0, (z+1)*scale pages


def b23_input(pfn, prefix=b""):
    """Geometry 0 (DMA 512, DMA32 1536, Normal 2048), 4.12, no swap."""
    return bytes([0, 0, 0, 0]) + prefix + bytes([BUDDY_POISON, pfn & 255, (pfn >> 8) & 255, pfn >> 16])


def b17_input():
    """Geometry 1 (DMA 256, DMA32 768, Normal 1024), no swap; task c has
    oom_score_adj -1000 (b3 & 3 == 2) and faults in 249 * 8 anon pages."""
    return bytes([1, 0, 0, 0x1E, SLOWPATH_LRU_FILL, 2, 0, 0xF8])


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def triage(inputs, out, *extra, env=None, check_rc=None):
    e = dict(os.environ)
    e.pop("ZF_BUGS", None)
    if env:
        e.update(env)
    cmd = [ARGS.triage] + list(inputs) + ["--out", out, "--known", os.path.join(ARGS.work, "no-known")] + list(extra)
    r = subprocess.run(cmd, capture_output=True, text=True, env=e, timeout=240)
    if check_rc is not None and r.returncode != check_rc:
        raise AssertionError("triage exited %d, want %d\nstdout:\n%s\nstderr:\n%s" % (r.returncode, check_rc, r.stdout, r.stderr))
    return r


def reports(out):
    return sorted(glob.glob(os.path.join(out, "*", "report.json")))


def load(p):
    with open(p) as f:
        return json.load(f)


def check_schema(doc, path):
    errs = sorted(jsonschema.Draft7Validator(SCHEMA).iter_errors(doc), key=lambda e: list(e.path))
    if errs:
        raise AssertionError("%s: %s at %s" % (path, errs[0].message[:300], list(errs[0].path)))


def check_sarif(path):
    doc = load(path)
    errs = list(jsonschema.Draft7Validator(SARIF_SCHEMA).iter_errors(doc))
    if errs:
        raise AssertionError("%s: %s at %s" % (path, errs[0].message[:300], list(errs[0].path)))
    return doc


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def replay(target, data, bugs):
    p = os.path.join(ARGS.work, "replay.bin")
    write(p, data)
    env = dict(os.environ, ZF_FUZZ_NO_ABORT="1", ZF_BUGS=bugs)
    r = subprocess.run([os.path.join(ARGS.replay_dir, "zf-replay-" + target), p], capture_output=True, text=True, env=env, timeout=60)
    return r.stderr


# --------------------------------------------------------------------------
# tests
# --------------------------------------------------------------------------
def test_planted_b23_report_fields():
    src = os.path.join(ARGS.work, "b23", "findings", "buddy")
    data = b23_input(100)  # pfn 100: DMA, free at boot
    write(os.path.join(src, "crash-b23"), data)
    out = os.path.join(ARGS.work, "b23", "out")
    r = triage([os.path.dirname(src)], out, "--bugs", "B23", check_rc=0)
    rs = reports(out)
    expect(len(rs) == 1, "one bucket, got %d" % len(rs))
    d = load(rs[0])
    check_schema(d, rs[0])
    bdir = os.path.dirname(rs[0])
    for f in ("report.json", "report.sarif", "report.html", "reproducer.json", "reproducer.bin"):
        expect(os.path.isfile(os.path.join(bdir, f)), "missing " + f)
    s = d["signature"]
    expect(s["oracle"] == "ZF_INV_COUNTERS", "oracle %s" % s["oracle"])
    expect(s["function"].startswith("oracle walk: ") and "NR_FREE_PAGES" in s["function"], s["function"])
    expect(s["gfp_class"] == "none" and s["order_class"] == "none", "classes of a finding between operations")
    expect(s["key"] == "|".join([s["oracle"], s["function"], s["gfp_class"], s["order_class"]]), "key")
    expect(s["id"] == sha256(s["key"].encode())[:12], "signature id is sha256(key)[:12]")
    # a planted finding's bucket also names the planted bug it needs
    expect(s["bucket_key"] == s["key"] + "|planted:B23", s["bucket_key"])
    expect(d["id"] == sha256(s["bucket_key"].encode())[:12], "bucket id is sha256(bucket_key)[:12]")
    expect(os.path.basename(bdir) == "ZF_INV_COUNTERS-" + d["id"], "bucket dir " + bdir)
    c = d["classification"]
    expect(c["kind"] == "planted" and c["planted_bugs"] == ["B23"] and c["bugs_enabled"] == ["B23"], str(c))
    expect(c["crash_line"] == "zonefuzz: ASSERTION FAILED: ZF_INV_COUNTERS in oracle walk", c["crash_line"])
    expect(d["oracle"]["id"] == "ZF_INV_COUNTERS" and "NR_FREE_PAGES" in d["oracle"]["message"], str(d["oracle"]))
    loc = d["location"]
    expect(loc["found_by"] == "walk" and loc["function"] == "oracle walk", str(loc))
    expect(loc["kernel_function"] == "take_page_off_buddy", "kernel function %s" % loc["kernel_function"])
    expect(loc["file"].startswith("oracles/") and loc["line"] > 0, "check site %s" % loc["crashline"])
    expect("poison pfn=100" in loc["operation"] and loc["op_index"] == 0, loc["operation"])
    expect(d["allocation"]["in_progress"] is False and d["allocation"]["gfp"] is None, str(d["allocation"]))
    expect(d["allocation"]["zone"] == "Node 0 DMA", str(d["allocation"]))
    # the state at the violation: NR_FREE_PAGES still counts the poisoned page
    zones = {z["zone"]: z for z in d["model_state"]["zones"]}
    expect(set(zones) == {"Node 0 DMA", "Node 0 DMA32", "Node 0 Normal"}, str(list(zones)))
    dma = zones["Node 0 DMA"]
    on_lists = sum(a["nr_free"] << a["order"] for a in dma["free_area"])
    expect(dma["managed"] == 512 and dma["free"] == 512 and on_lists == 511, "DMA free %d, on lists %d" % (dma["free"], on_lists))
    by_mt = sum(sum(a["by_mt"].values()) for a in dma["free_area"])
    expect(by_mt == sum(a["nr_free"] for a in dma["free_area"]), "free_area by_mt sums to nr_free")
    expect(dma["nr_poisoned"] == 1, "one page poisoned")
    w = dma["wmark"]
    expect(0 < w["min"] <= w["low"] <= w["high"], str(w))
    expect(len(dma["lowmem_reserve"]) == 4 and dma["lowmem_reserve"][0] == 0, str(dma["lowmem_reserve"]))
    expect(dma["buddyinfo"].startswith("Node 0, zone") and "DMA" in dma["buddyinfo"], dma["buddyinfo"])
    expect("pgfree" in d["model_state"]["vmstat"], "vmstat counters")
    rp = d["reproducer"]
    expect(rp["reproducibility"] == {"attempts": 5, "reproduced": 5, "rate": 1, "stable": True, "other_signatures": []}, str(rp["reproducibility"]))
    expect(rp["minimized"]["ops"] == 1 and rp["original"]["ops"] == 1, str(rp["minimized"]))
    expect(rp["original"]["sha256"] == sha256(data) and rp["original"]["size"] == len(data), "original")
    expect(rp["scenario"]["config"]["bugs"] == ["B23"], "the readable reproducer names its planted bug")
    expect([o["op"] for o in rp["scenario"]["ops"]] == ["poison"], str(rp["scenario"]["ops"]))
    by = rp["bytes"]
    expect(by and by["verified"] and by["target"] == "buddy", str(by))
    raw = base64.b64decode(by["data"])
    expect(len(raw) == by["size"] and sha256(raw) == by["sha256"], "bytes")
    with open(os.path.join(bdir, "reproducer.bin"), "rb") as f:
        expect(f.read() == raw, "reproducer.bin is the report's bytes")
    expect(load(os.path.join(bdir, "reproducer.json")) == rp["scenario"], "reproducer.json")
    # the bytes reproduce with the planted bug and only with it
    expect("ASSERTION FAILED: ZF_INV_COUNTERS" in replay("buddy", raw, "B23"), "bytes reproduce with B23")
    expect("ASSERTION FAILED" not in replay("buddy", raw, ""), "bytes are clean without B23")
    expect(rp["command"] == "ZF_BUGS=B23 zf-replay-buddy reproducer.bin", rp["command"])
    expect([p["profile"] for p in d["profiles"]] == PROFILES, str(d["profiles"]))
    expect(all(p["result"] == "reproduced" and p["signature"] == s["key"] for p in d["profiles"]), "B23 reverts the fix in every profile")
    pv = d["provenance"]
    expect(pv["engine"] == "libFuzzer" and pv["target"] == "buddy", str(pv))
    expect(re.match(r"^([0-9a-f]{40}|unknown)$", pv["build"]["git_commit"]), pv["build"]["git_commit"])
    dd = d["dedup"]
    expect(dd["count"] == 1 and dd["artifacts"][0]["sha256"] == sha256(data), str(dd))
    expect(dd["bucket"] == os.path.basename(bdir), dd["bucket"])
    tl = d["timeline"]
    expect(tl["samples"] >= 2 and any(m["kind"] == "violation" for m in tl["marks"]), "timeline and violation mark")
    expect(all(len(z["free"]) == tl["samples"] for z in tl["zones"]), "one value per sample")
    expect(d["trace"]["ops"][0]["op"].endswith("poison pfn=100"), str(d["trace"]["ops"]))
    sar = check_sarif(os.path.join(bdir, "report.sarif"))
    run = sar["runs"][0]
    rules = [x["id"] for x in run["tool"]["driver"]["rules"]]
    res = run["results"][0]
    expect(run["tool"]["driver"]["name"] == "zonefuzz" and "ZF_INV_COUNTERS" in rules, "rules = oracles")
    expect(res["ruleId"] == "ZF_INV_COUNTERS" and rules[res["ruleIndex"]] == res["ruleId"], "ruleIndex")
    ph = res["locations"][0]["physicalLocation"]
    expect(ph["artifactLocation"]["uri"] == loc["file"] and ph["region"]["startLine"] == loc["line"], "SARIF location")
    expect(res["partialFingerprints"]["zonefuzzSignature/v1"] == s["key"], "fingerprint")
    idx = load(os.path.join(out, "index.json"))
    expect(len(idx["buckets"]) == 1 and idx["buckets"][0]["dir"] == os.path.basename(bdir), "index")


def test_sidecar_and_afl_names():
    base = os.path.join(ARGS.work, "sidecar")
    # a crash file whose directory says nothing: the sidecar names target, bugs, engine
    p = os.path.join(base, "in", "x", "input-1")
    write(p, b23_input(2100))
    write(p + ".meta.json", json.dumps({"target": "buddy", "bugs": ["B23"], "engine": "honggfuzz", "time_to_find_s": 12.5}))
    # AFL++ layout: the target from the path, the time from the name, bugs from campaign.json
    q = os.path.join(base, "in", "afl", "buddy", "default", "crashes", "id:000000,sig:06,src:000000,time:4321,execs:99,op:havoc,rep:2")
    write(q, b23_input(2101, prefix=bytes([BUDDY_DRAIN, 0, 0, 0])))
    write(os.path.join(base, "in", "afl", "campaign.json"), json.dumps({"bugs": "B23"}))
    write(os.path.join(base, "in", "afl", "buddy", "default", "crashes", "README.txt"), "AFL++ notes")
    write(os.path.join(base, "in", "afl", "buddy", "default", "queue", "id:000001,src:000000"), b"\0" * 8)
    out = os.path.join(base, "out")
    triage([os.path.join(base, "in")], out, check_rc=0)
    rs = reports(out)
    expect(len(rs) == 1, "both in one bucket, got %d" % len(rs))
    d = load(rs[0])
    check_schema(d, rs[0])
    arts = {os.path.basename(a["path"]): a for a in d["dedup"]["artifacts"]}
    expect(set(arts) == {"input-1", os.path.basename(q)}, "queue/ and README are not artifacts: %s" % list(arts))
    expect(arts["input-1"]["engine"] == "honggfuzz" and arts["input-1"]["time_to_find_s"] == 12.5, str(arts["input-1"]))
    a = arts[os.path.basename(q)]
    expect(a["engine"] == "AFL++" and abs(a["time_to_find_s"] - 4.321) < 1e-9 and a["target"] == "buddy", str(a))
    expect(d["classification"]["planted_bugs"] == ["B23"], "bugs from the sidecar / campaign.json")


def same_bug_inputs(n):
    """n distinct inputs of the B23 bug: other pfns of the Normal zone, some after a drain."""
    out = []
    for i in range(n):
        prefix = bytes([BUDDY_DRAIN, 0, 0, 0]) * (i % 3)
        out.append(b23_input(3000 + 17 * i, prefix))
    return out


def test_thirty_crashes_one_bucket():
    d = os.path.join(ARGS.work, "thirty", "in", "buddy")
    for i, data in enumerate(same_bug_inputs(30)):
        write(os.path.join(d, "crash-%02d" % i), data)
    out = os.path.join(ARGS.work, "thirty", "out")
    # two workers: the merge is in input order, so the result is that of --jobs 1
    r = triage([os.path.dirname(d)], out, "--bugs", "B23", "--jobs", "2", check_rc=0)
    rs = reports(out)
    expect(len(rs) == 1, "thirty crashes of one bug: %d buckets\n%s" % (len(rs), r.stdout))
    doc = load(rs[0])
    check_schema(doc, rs[0])
    expect(doc["dedup"]["count"] == 30 and len(doc["dedup"]["artifacts"]) == 30, "count %d" % doc["dedup"]["count"])
    expect(doc["reproducer"]["minimized"]["ops"] == 1, "the smallest reproducer represents the bucket")
    expect(len({a["sha256"] for a in doc["dedup"]["artifacts"]}) == 30, "distinct hashes")


def test_idempotent_second_run():
    out = os.path.join(ARGS.work, "thirty", "out")
    before = {p: open(p, "rb").read() for p in glob.glob(os.path.join(out, "*", "*"))}
    r = triage([os.path.join(ARGS.work, "thirty", "in")], out, "--bugs", "B23", check_rc=0)
    after = {p: open(p, "rb").read() for p in glob.glob(os.path.join(out, "*", "*"))}
    expect(before.keys() == after.keys(), "same files")
    expect(all(before[p] == after[p] for p in before), "bucket files unchanged on a second run")
    expect("30 already triaged" in r.stdout, r.stdout[-300:])
    # the same bytes under another name are the same artifact
    shutil.copy(os.path.join(ARGS.work, "thirty", "in", "buddy", "crash-00"), os.path.join(ARGS.work, "thirty", "copy-of-00"))
    triage([os.path.join(ARGS.work, "thirty", "copy-of-00")], out, "--target", "buddy", "--bugs", "B23", check_rc=0)
    expect(load(reports(out)[0])["dedup"]["count"] == 30, "counted once by content")


def test_two_bugs_two_buckets():
    d = os.path.join(ARGS.work, "two", "in")
    write(os.path.join(d, "buddy", "crash-b23"), b23_input(100))
    write(os.path.join(d, "slowpath", "crash-b17"), b17_input())
    out = os.path.join(ARGS.work, "two", "out")
    triage([d], out, env={"ZF_BUGS": "B17,B23"}, check_rc=0)
    rs = reports(out)
    expect(len(rs) == 2, "two bugs, %d buckets" % len(rs))
    docs = {load(p)["signature"]["oracle"]: load(p) for p in rs}
    expect(set(docs) == {"ZF_INV_COUNTERS", "ZF_INV_KSWAPD"}, str(list(docs)))
    for p in rs:
        check_schema(load(p), p)
        check_sarif(os.path.join(os.path.dirname(p), "report.sarif"))
    # both bugs were on; each finding needs exactly its own
    expect(docs["ZF_INV_COUNTERS"]["classification"]["planted_bugs"] == ["B23"], "B23 alone")
    expect(docs["ZF_INV_KSWAPD"]["classification"]["planted_bugs"] == ["B17"], "B17 alone")
    expect(docs["ZF_INV_KSWAPD"]["classification"]["bugs_enabled"] == ["B17", "B23"], "both enabled")
    k = docs["ZF_INV_KSWAPD"]
    expect(k["location"]["found_by"] == "event" and k["location"]["function"] == k["signature"]["function"], str(k["location"]))
    expect(k["allocation"]["in_progress"] and k["allocation"]["gfp"].startswith("GFP_HIGHUSER_MOVABLE"), str(k["allocation"]))
    expect(k["signature"]["gfp_class"] == "kernel" and k["signature"]["order_class"] == "order-0", str(k["signature"]))
    expect(any(m["kind"] == "kswapd" for m in k["timeline"]["marks"]), "kswapd runs marked")
    idx = load(os.path.join(out, "index.json"))
    seen = [b["last_seen"] for b in idx["buckets"]]
    expect(seen == sorted(seen, reverse=True), "index newest first")


def test_robustness_bad_artifacts():
    d = os.path.join(ARGS.work, "bad", "in")
    write(os.path.join(d, "buddy", "crash-empty"), b"")
    write(os.path.join(d, "buddy", "crash-elf"), b"\x7fELF\x02\x01\x01" + b"\0" * 40)
    write(os.path.join(d, "buddy", "crash-good"), b23_input(101))
    write(os.path.join(d, "truncated.json"), '{"name": "t", "ops": [{"op": "alloc", "gfp": "GFP_KER')
    write(os.path.join(d, "corrupt.json"), '{"name": "c", "ops": [{"op": "teleport"}]}')
    write(os.path.join(d, "nowhere", "crash-notarget"), b23_input(102))
    out = os.path.join(ARGS.work, "bad", "out")
    r = triage([d, os.path.join(ARGS.work, "bad", "missing-file")], out, "--bugs", "B23")
    expect(r.returncode == 1, "exit 1 when some artifact is rejected, got %d" % r.returncode)
    errs = [l for l in r.stderr.splitlines() if l.strip()]
    for name in ("crash-empty", "crash-elf", "truncated.json", "corrupt.json", "crash-notarget", "missing-file"):
        lines = [l for l in errs if name + ":" in l]
        expect(len(lines) == 1, "one line for %s: %s" % (name, errs))
        expect(re.match(r"^zonefuzz: \S+: \S.*$", lines[0]), lines[0])
    expect(any("empty file" in l for l in errs), "empty file reason")
    expect(any("ELF" in l for l in errs), "foreign file reason")
    rs = reports(out)
    expect(len(rs) == 1 and load(rs[0])["dedup"]["count"] == 1, "the good artifact was triaged")
    # bad usage
    r2 = subprocess.run([ARGS.triage, "--out", out], capture_output=True, text=True)
    expect(r2.returncode == 2 and "no INPUT" in r2.stderr, "usage error")
    r3 = subprocess.run([ARGS.triage, d, "--out", out, "--repeat", "0"], capture_output=True, text=True)
    expect(r3.returncode == 2, "--repeat 0 is bad usage")


def test_bundles_and_scenarios():
    d = os.path.join(ARGS.work, "bundle", "in")
    # a real-kernel bundle as stress/ writes it: nothing the model can replay
    write(os.path.join(d, "vm1", "bundle.json"), json.dumps({"schema": "zonefuzz.vm-bundle/1", "kernel_release": "6.1.0", "findings": [{"id": "ZF_KERNEL_OOM"}]}))
    scen = {
        "name": "b23-scenario",
        "config": {"nodes": [{"zones": {"DMA": 1024, "Normal": 4096}}], "cpus": 1, "bugs": ["B23"]},
        "tasks": [{"name": "t"}],
        "ops": [{"op": "alloc", "task": "t", "gfp": "GFP_KERNEL", "order": 2, "handle": "x"},
                {"op": "drain"},
                {"op": "poison", "pfn": 4000},
                {"op": "free", "handle": "x"}],
    }
    write(os.path.join(d, "vm2", "bundle.json"), json.dumps({"kernel_release": "6.1.0", "scenario": "repro.json", "mem_mb": 512}))
    write(os.path.join(d, "vm2", "repro.json"), json.dumps(scen))
    out = os.path.join(ARGS.work, "bundle", "out")
    r = triage([d], out, check_rc=0)
    notes = [l for l in r.stderr.splitlines() if "vm1" in l]
    expect(len(notes) == 1 and "skipped" in notes[0], "one note for a bundle without a reproducer: %s" % r.stderr)
    # a bundle named by its bundle.json, the way stress/ci-smoke.sh calls triage
    r = triage([os.path.join(d, "vm1", "bundle.json")], os.path.join(ARGS.work, "bundle", "out1"), check_rc=0)
    expect("1 real-kernel finding" in r.stderr, r.stderr)
    rs = reports(out)
    expect(len(rs) == 1, "the scenario bundle was triaged")
    doc = load(rs[0])
    check_schema(doc, rs[0])
    expect(doc["provenance"]["vm"]["mem_mb"] == 512 and doc["provenance"]["engine"] == "vm", str(doc["provenance"]))
    expect(doc["classification"]["planted_bugs"] == ["B23"], "the scenario's own bugs")
    expect([o["op"] for o in doc["reproducer"]["scenario"]["ops"]] == ["poison"], "minimised to the poison")
    expect(doc["reproducer"]["bytes"] is None and "decodable" in doc["reproducer"]["bytes_note"], doc["reproducer"]["bytes_note"])


def test_kill_midway_leaves_reports_whole():
    d = os.path.join(ARGS.work, "kill", "in")
    for i, data in enumerate(same_bug_inputs(12)):
        write(os.path.join(d, "buddy", "crash-%02d" % i), data)
    for i in range(8):
        # B17 inputs of other sizes (all large enough to exhaust memory): slower to triage
        data = bytearray(b17_input())
        data[7] = 0xF8 + i
        write(os.path.join(d, "slowpath", "crash-%02d" % i), bytes(data))
    out = os.path.join(ARGS.work, "kill", "out")
    e = dict(os.environ, ZF_BUGS="B17,B23")
    p = subprocess.Popen([ARGS.triage, d, "--out", out, "-q"], env=e, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while time.time() < deadline and len(reports(out)) < 2 and p.poll() is None:
        time.sleep(0.01)
    killed = p.poll() is None
    if killed:
        p.send_signal(signal.SIGKILL)
    p.wait()
    for rp in reports(out):
        check_schema(load(rp), rp)  # every report.json parses and is whole
    load(os.path.join(out, "index.json"))
    leftovers = [f for f in glob.glob(os.path.join(out, "**", "*.tmp.*"), recursive=True)]
    # a kill between write and rename may leave a temp file, never a partial report
    expect(all(".tmp." in f for f in leftovers), "only temp files may be left")
    triage([d], out, env={"ZF_BUGS": "B17,B23"}, check_rc=0)
    ref = os.path.join(ARGS.work, "kill", "ref")
    triage([d], ref, env={"ZF_BUGS": "B17,B23"}, check_rc=0)
    counts = lambda o: sorted((load(x)["id"], load(x)["dedup"]["count"]) for x in reports(o))
    expect(counts(out) == counts(ref), "resumed run matches a clean one: %s vs %s" % (counts(out), counts(ref)))
    expect(sum(c for _, c in counts(ref)) == 20, "every artifact counted once")
    return "killed midway" if killed else "finished before the kill"


# ---- HTML in headless Chromium ----
def png_pixels(path):
    """Tiny PNG decoder (8-bit RGB/RGBA, non-interlaced): rows of pixel tuples."""
    with open(path, "rb") as f:
        data = f.read()
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", "PNG signature")
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", body)
            expect(depth == 8 and ctype in (2, 6) and interlace == 0, "PNG format %d/%d" % (depth, ctype))
            bpp = 3 if ctype == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    raw = zlib.decompress(idat)
    stride = w * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(h):
        ft, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if ft == 1:
                line[x] = (line[x] + a) & 255
            elif ft == 2:
                line[x] = (line[x] + b) & 255
            elif ft == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif ft == 4:
                pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2 * c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x:x + 3]) for x in range(0, stride, bpp)])
        prev = line
    return rows


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        p = shutil.which(name)
        if p:
            return p
    return None


def test_html_in_headless_chromium():
    exe = chromium()
    if not exe:
        return "SKIP: chromium is not installed (Debian package: chromium)"
    out = os.path.join(ARGS.work, "two", "out")
    pages = sorted(glob.glob(os.path.join(out, "*", "report.html"))) + [os.path.join(out, "index.html")]
    expect(len(pages) == 3, "pages of test_two_bugs_two_buckets")
    for page in pages:
        html = open(page).read()
        expect(not re.search(r"(src|href)=\"(https?:)?//", html), "no network resource in " + page)
        prof = os.path.join(ARGS.work, "chromium-profile-%d" % len(page))
        shutil.rmtree(prof, ignore_errors=True)
        flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--user-data-dir=" + prof, "--enable-logging=stderr", "--v=0",
                 "--window-size=1200,1400"]
        url = "file://" + os.path.abspath(page)
        r = subprocess.run([exe] + flags + ["--dump-dom", url], capture_output=True, text=True, timeout=120)
        expect(r.returncode == 0 and "</html>" in r.stdout, "chromium rendered " + page)
        console = [l for l in r.stderr.splitlines() if "CONSOLE" in l]
        expect(not console, "console messages: %s" % console[:3])
        if page.endswith("index.html"):
            expect(r.stdout.count("report.html") >= 2, "index links every bucket")
            continue
        lines = re.findall(r'<polyline class="free"[^>]*points="([^"]*)"', r.stdout)
        expect(lines and all(len(pts.split()) > 2 for pts in lines), "a free-pages polyline with > 2 points per zone")
        shot = os.path.join(ARGS.work, "shot-%d.png" % len(page))
        r = subprocess.run([exe] + flags + ["--screenshot=" + shot, url], capture_output=True, text=True, timeout=120)
        expect(os.path.isfile(shot), "screenshot taken")
        rows = png_pixels(shot)
        # the free-pages line is #0969da; the first plot starts below the summary table
        blue = sum(1 for row in rows for px in row if abs(px[0] - 9) < 40 and abs(px[1] - 105) < 40 and px[2] > 180)
        expect(blue > 200, "the plot is drawn (%d blue pixels)" % blue)
    return None


# ---- the bars: every planted bug, 30 crashes of one bug, known findings ----
def bugs_tsv():
    """bench/fuzz/bugs.tsv: bug -> (fuzz target, the oracles that catch it)."""
    out = {}
    with open(os.path.join(ARGS.source, "bench", "fuzz", "bugs.tsv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                bug, target, oracles = line.rstrip("\n").split("\t")
                out[bug] = (target, oracles)
    return out


def planted_oracle(bug):
    """The oracle the catalogue names for a bug (tests/planted/Bn.json "_planted")."""
    return load(os.path.join(ARGS.source, "tests", "planted", bug + ".json"))["_planted"]["oracle"]


def fuzz_crashes(target, data, bug, oracles):
    """The harness's verdict in a planted-bug benchmark (bug-bench.sh): a finding only with the bug."""
    p = os.path.join(ARGS.work, "fuzz-crash.bin")
    write(p, data)
    env = dict(os.environ, ZF_BUGS=bug, ZF_ORACLES=oracles, ZF_FUZZ_DIFF="1", ZF_FUZZ_NO_ABORT="1")
    r = subprocess.run([os.path.join(ARGS.replay_dir, "zf-replay-" + target), p], capture_output=True, text=True, env=env, timeout=120)
    return "ASSERTION FAILED" in r.stderr


def crash_fixtures():
    """tests/reports/crashes/<bug>/crash-*: one per planted bug (make_crash_fixtures.py)."""
    out = {}
    for bug in bugs_tsv():
        files = [p for p in glob.glob(os.path.join(ARGS.source, "tests", "reports", "crashes", bug, "crash-*"))
                 if not p.endswith(".meta.json")]
        expect(len(files) == 1, "%s: one crash fixture, found %d" % (bug, len(files)))
        out[bug] = files[0]
    return out


def test_bars_every_planted_bug():
    """Each planted bug's fuzz crash: one bucket of its own, <= 20 ops, 5/5, its oracle, its bug."""
    tsv = bugs_tsv()
    fixtures = crash_fixtures()
    expect(len(fixtures) == 11, "eleven planted bugs in bugs.tsv, got %d" % len(fixtures))
    src = os.path.join(ARGS.work, "bars", "in")
    for bug, path in fixtures.items():
        target, oracles = tsv[bug]
        meta = load(path + ".meta.json")
        expect(meta["bugs"] == [bug] and meta["target"] == target, "%s sidecar %s" % (bug, meta))
        data = open(path, "rb").read()
        # still a crash of that bug for the harness (a stale fixture fails here, not later)
        expect(fuzz_crashes(target, data, bug, oracles), "%s: %s no longer crashes zf-replay-%s" % (bug, path, target))
        shutil.copytree(os.path.dirname(path), os.path.join(src, bug))
    out = os.path.join(ARGS.work, "bars", "out")
    # together, in one run: the target and the bug come from each file's sidecar
    triage([src], out, "--jobs", "2", check_rc=0)
    rs = reports(out)
    by_bug = {}
    for rp in rs:
        d = load(rp)
        check_schema(d, rp)
        check_sarif(os.path.join(os.path.dirname(rp), "report.sarif"))
        arts = d["dedup"]["artifacts"]
        bugs = sorted({a["path"].split(os.sep)[-2] for a in arts})
        expect(len(bugs) == 1, "bucket %s holds crashes of %s" % (d["id"], bugs))
        expect(bugs[0] not in by_bug, "%s: two buckets" % bugs[0])
        by_bug[bugs[0]] = d
    expect(sorted(by_bug) == sorted(fixtures), "buckets %s for bugs %s" % (sorted(by_bug), sorted(fixtures)))
    expect(len(rs) == 11 and len({d["id"] for d in by_bug.values()}) == 11, "eleven bugs, eleven distinct buckets: %d" % len(rs))
    for bug, d in sorted(by_bug.items()):
        target, oracles = tsv[bug]
        rp = d["reproducer"]
        c = d["classification"]
        expect(d["dedup"]["count"] == 1, "%s: count %d" % (bug, d["dedup"]["count"]))
        expect(rp["minimized"]["ops"] <= 20, "%s: minimised to %d ops (> 20)" % (bug, rp["minimized"]["ops"]))
        expect(rp["minimized"]["ops"] <= rp["original"]["ops"], "%s: minimisation grew the input" % bug)
        r = rp["reproducibility"]
        expect(r["attempts"] == 5 and r["reproduced"] == 5 and r["rate"] == 1 and r["stable"], "%s: %s" % (bug, r))
        expect(d["signature"]["oracle"] == planted_oracle(bug), "%s: oracle %s, want %s" % (bug, d["signature"]["oracle"], planted_oracle(bug)))
        expect(c["kind"] == "planted" and c["planted_bugs"] == [bug] and c["bugs_enabled"] == [bug], "%s: %s" % (bug, c))
        expect(d["signature"]["bucket_key"] == d["signature"]["key"] + "|planted:" + bug, d["signature"]["bucket_key"])
        expect(d["provenance"]["target"] == target, "%s: target %s" % (bug, d["provenance"]["target"]))
        # the minimised bytes are a crash of that bug for the harness, and only with it
        by = rp["bytes"]
        expect(by and by["verified"], "%s: no verified bytes (%s)" % (bug, rp.get("bytes_note")))
        raw = base64.b64decode(by["data"])
        expect(fuzz_crashes(by["target"], raw, bug, oracles), "%s: the minimised bytes do not crash zf-replay-%s" % (bug, by["target"]))
        expect("ASSERTION FAILED: " + planted_oracle(bug) in replay(by["target"], raw, bug), "%s: replay names the oracle" % bug)
    return "ops " + " ".join("%s:%d" % (b, by_bug[b]["reproducer"]["minimized"]["ops"]) for b in sorted(by_bug, key=lambda x: int(x[1:])))


def test_bars_thirty_mutants_one_bucket():
    """30 distinct fuzz crashes of B11 (byte mutations of its fixture that the harness
    still reports, generated from a fixed random seed) -> one bucket, count 30."""
    import random
    bug = "B11"
    target, oracles = bugs_tsv()[bug]
    seed = open(crash_fixtures()[bug], "rb").read()
    rng = random.Random(30)
    d = os.path.join(ARGS.work, "mutants", "in", target)
    seen, n, tries = {sha256(seed)}, 0, 0
    while n < 30 and tries < 3000:
        tries += 1
        m = bytearray(seed)
        for _ in range(rng.randint(1, 3)):  # byte flips past the 4-byte header
            m[rng.randrange(4, len(m))] = rng.randrange(256)
        if rng.random() < 0.5:  # and an operation inserted at the end
            m += bytes(rng.randrange(256) for _ in range(4))
        m = bytes(m)
        if sha256(m) in seen:
            continue
        seen.add(sha256(m))
        if fuzz_crashes(target, m, bug, oracles):
            write(os.path.join(d, "crash-%s" % hashlib.sha1(m).hexdigest()), m)
            n += 1
    expect(n == 30, "30 crashing mutants of %s, found %d in %d tries" % (bug, n, tries))
    out = os.path.join(ARGS.work, "mutants", "out")
    triage([os.path.dirname(d)], out, "--bugs", bug, "--jobs", "2", check_rc=0)
    rs = reports(out)
    expect(len(rs) == 1, "thirty crashes of %s: %d buckets (%s)" % (bug, len(rs), [load(p)["signature"]["bucket_key"] for p in rs]))
    doc = load(rs[0])
    check_schema(doc, rs[0])
    expect(doc["dedup"]["count"] == 30 and len({a["sha256"] for a in doc["dedup"]["artifacts"]}) == 30, "count %d" % doc["dedup"]["count"])
    expect(doc["classification"]["planted_bugs"] == [bug], str(doc["classification"]))
    expect(doc["signature"]["oracle"] == planted_oracle(bug), doc["signature"]["oracle"])
    expect(doc["reproducer"]["minimized"]["ops"] <= 20, "ops %d" % doc["reproducer"]["minimized"]["ops"])
    return "%d tries" % tries


def test_bars_known_scenarios_triage_as_known():
    """Every tests/known/NAME.json scenario triages as known, with its own id."""
    kdir = os.path.join(ARGS.source, "tests", "known")
    entries = sorted(glob.glob(os.path.join(kdir, "*.json")))
    expect(entries, "no tests/known entries")
    ids = []
    for path in entries:
        e = load(path)
        scen = dict(e["scenario"])
        scen.setdefault("name", e["id"])
        base = os.path.join(ARGS.work, "known", e["id"])
        p = os.path.join(base, "in", e["id"] + ".json")
        write(p, json.dumps(scen))
        out = os.path.join(base, "out")
        # the walk interval of check_known.cmake; one attempt, a small budget: speed only
        r = subprocess.run([ARGS.triage, p, "--out", out, "--known", kdir, "--walk-interval", "64", "--repeat", "1", "--budget", "400", "-q"],
                           capture_output=True, text=True, timeout=280, env={k: v for k, v in os.environ.items() if k != "ZF_BUGS"})
        expect(r.returncode == 0, "%s: triage exit %d %s" % (e["id"], r.returncode, r.stderr[-300:]))
        rs = reports(out)
        expect(len(rs) == 1, "%s: %d buckets" % (e["id"], len(rs)))
        d = load(rs[0])
        check_schema(d, rs[0])
        c = d["classification"]
        expect(c["kind"] == "known" and c["known"] and c["known"]["id"] == e["id"],
               "%s triaged as %s %s (%s)" % (e["id"], c["kind"], c["known"] and c["known"]["id"], d["signature"]["key"]))
        expect(d["signature"]["oracle"] == e["signature"]["oracle"], "%s: oracle" % e["id"])
        expect(d["signature"]["bucket_key"] == d["signature"]["key"] + "|known:" + e["id"], d["signature"]["bucket_key"])
        ids.append(d["id"])
    expect(len(set(ids)) == len(ids), "each known finding has a bucket of its own")
    return "%d entries" % len(entries)


TESTS = [
    test_planted_b23_report_fields,
    test_sidecar_and_afl_names,
    test_thirty_crashes_one_bucket,
    test_idempotent_second_run,
    test_two_bugs_two_buckets,
    test_robustness_bad_artifacts,
    test_bundles_and_scenarios,
    test_kill_midway_leaves_reports_whole,
    test_html_in_headless_chromium,
    test_bars_every_planted_bug,
    test_bars_thirty_mutants_one_bucket,
    test_bars_known_scenarios_triage_as_known,
]


def main():
    global ARGS, SCHEMA, SARIF_SCHEMA
    ap = argparse.ArgumentParser()
    ap.add_argument("--triage", required=True)
    ap.add_argument("--replay-dir", required=True)
    ap.add_argument("--source", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("-k", default="", help="run only the tests whose name contains this")
    ap.add_argument("--skip", default="", help="skip the tests whose name contains this")
    ARGS = ap.parse_args()
    shutil.rmtree(ARGS.work, ignore_errors=True)
    os.makedirs(ARGS.work)
    SCHEMA = load(os.path.join(ARGS.source, "docs", "report-schema.json"))
    SARIF_SCHEMA = load(os.path.join(ARGS.source, "tests", "reports", "sarif-2.1.0-subset.schema.json"))
    jsonschema.Draft7Validator.check_schema(SCHEMA)
    jsonschema.Draft7Validator.check_schema(SARIF_SCHEMA)
    passed = failed = skipped = 0
    for t in TESTS:
        if (ARGS.k and ARGS.k not in t.__name__) or (ARGS.skip and ARGS.skip in t.__name__):
            continue
        t0 = time.time()
        try:
            note = t()
        except Exception as e:  # noqa: BLE001 - report every failure and go on
            failed += 1
            print("FAIL %s: %s" % (t.__name__, e))
            continue
        if note and note.startswith("SKIP"):
            skipped += 1
            print("skip %s: %s" % (t.__name__, note))
        else:
            passed += 1
            print("ok   %s (%.1fs)%s" % (t.__name__, time.time() - t0, " - " + note if note else ""))
    print("reports.e2e: %d passed, %d failed, %d skipped" % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
