#!/usr/bin/env python3
"""Regenerate tests/reports/crashes/: one fuzz crash file per planted bug.

    python3 tests/reports/make_crash_fixtures.py --replay-dir build/bin

A crash file is what the fuzz harness aborts on in a planted-bug benchmark
(bench/fuzz/bug-bench.sh): run with ZF_BUGS=<bug>, ZF_ORACLES=<the bug's
oracles> (bench/fuzz/bugs.tsv) and ZF_FUZZ_DIFF=1, so that only a finding the
planted bug causes counts. For each bug of bugs.tsv, in order:

* the first committed seed (corpus/<target>/seeds, the bug's target first,
  then the others, names in order) that the replay binary crashes on, unless
  an earlier bug already took those bytes;
* otherwise (B5: the one seed that finds it, stale-zoneref-6.1, is B4's too)
  the first mutant, in a fixed random order, of the seed named in MUTATE that
  crashes with the bug and with none of the bugs holding the parent's other
  inputs: 1..3 bytes past the 4-byte header set to random values, what a
  fuzzer's byte flips do.

Each file is written as crashes/<bug>/crash-<sha1>, libFuzzer's name for a
crash, with a sidecar crash-<sha1>.meta.json naming its target, bug, engine
("seed" or "mutation") and origin (docs/triage.md "Inputs"). The output depends only on the seeds and
the model, so a rerun writes the same files.
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import subprocess
import sys

# bug -> (target, parent seed, random seed): where a distinct crash is bred
MUTATE = {
    # the cpuset race at a yield is B5's own mechanism (planted-bugs.md)
    "B5": ("slowpath", "cpuset-change-retry", 1),
}
TARGETS = ["buddy", "slowpath", "gfp", "interleave"]


def crashes(replay_dir, target, data, bug, oracles, work):
    p = os.path.join(work, "input")
    with open(p, "wb") as f:
        f.write(data)
    env = dict(os.environ, ZF_BUGS=bug, ZF_ORACLES=oracles, ZF_FUZZ_DIFF="1", ZF_FUZZ_NO_ABORT="1")
    r = subprocess.run([os.path.join(replay_dir, "zf-replay-" + target), p],
                       capture_output=True, text=True, env=env, timeout=120)
    return "ASSERTION FAILED" in r.stderr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--replay-dir", required=True, help="directory of zf-replay-<target>")
    ap.add_argument("--source", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
    ap.add_argument("--out", default=None, help="default: tests/reports/crashes of --source")
    ap.add_argument("--tries", type=int, default=5000, help="mutants tried per bug at most")
    a = ap.parse_args()
    src = os.path.abspath(a.source)
    out = a.out or os.path.join(src, "tests", "reports", "crashes")
    work = os.path.join(out + ".work")
    os.makedirs(work, exist_ok=True)
    bugs = []
    with open(os.path.join(src, "bench", "fuzz", "bugs.tsv")) as f:
        for line in f:
            if line.strip() and not line.startswith("#"):
                bug, target, oracles = line.rstrip("\n").split("\t")
                bugs.append((bug, target, oracles))
    oracles_of = {b: o for b, _, o in bugs}
    taken = {}  # sha256 -> bug
    chosen = {}
    for bug, target, oracles in bugs:
        pick = None
        if bug not in MUTATE:
            for t in [target] + [x for x in TARGETS if x != target]:
                sdir = os.path.join(src, "corpus", t, "seeds")
                for name in sorted(os.listdir(sdir)):
                    data = open(os.path.join(sdir, name), "rb").read()
                    if hashlib.sha256(data).hexdigest() in taken:
                        continue
                    if crashes(a.replay_dir, t, data, bug, oracles, work):
                        pick = (t, data, "seed", "corpus/%s/seeds/%s" % (t, name))
                        break
                if pick:
                    break
        else:
            t, parent, rs = MUTATE[bug]
            seed = open(os.path.join(src, "corpus", t, "seeds", parent), "rb").read()
            others = sorted({b for b, p in chosen.items() if p[0] == t})
            rng = random.Random(rs)
            for i in range(a.tries):
                d = bytearray(seed)
                for _ in range(rng.randint(1, 3)):
                    d[rng.randrange(4, len(d))] = rng.randrange(256)
                d = bytes(d)
                if hashlib.sha256(d).hexdigest() in taken:
                    continue
                if crashes(a.replay_dir, t, d, bug, oracles, work) and not any(
                        crashes(a.replay_dir, t, d, o, oracles_of[o], work) for o in others):
                    pick = (t, d, "mutation", "mutant %d (random seed %d) of corpus/%s/seeds/%s" % (i, rs, t, parent))
                    break
        if not pick:
            print("make_crash_fixtures: no crash found for %s" % bug, file=sys.stderr)
            return 1
        chosen[bug] = pick
        taken[hashlib.sha256(pick[1]).hexdigest()] = bug
    shutil.rmtree(work, ignore_errors=True)
    for bug, (t, data, engine, origin) in chosen.items():
        d = os.path.join(out, bug)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
        name = "crash-" + hashlib.sha1(data).hexdigest()
        with open(os.path.join(d, name), "wb") as f:
            f.write(data)
        # engine: how the crash was found (the seed replay, or a mutation)
        meta = {"target": t, "bugs": [bug], "engine": engine, "origin": origin}
        with open(os.path.join(d, name + ".meta.json"), "w") as f:
            f.write(json.dumps(meta, indent=1) + "\n")
        print("%s: %s/%s (%s)" % (bug, bug, name, origin))
    return 0


if __name__ == "__main__":
    sys.exit(main())
