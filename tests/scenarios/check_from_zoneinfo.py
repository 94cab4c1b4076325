#!/usr/bin/env python3
"""`zonefuzz run --from-zoneinfo /proc/zoneinfo --dump zoneinfo` must reproduce the
captured watermarks and managed pages of every populated zone (issue: real
machine into the model). Usage: check_from_zoneinfo.py ZONEFUZZ [ZONEINFO]."""
import re
import subprocess
import sys

def parse(text):
    zones, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"Node (\d+), zone\s+(\S+)", line)
        if m:
            cur = (int(m.group(1)), m.group(2))
            zones[cur] = {}
            continue
        m = re.match(r"\s+(min|low|high|managed)\s+(\d+)$", line)
        if cur and m and m.group(1) not in zones[cur]:
            zones[cur][m.group(1)] = int(m.group(2))
    return {k: v for k, v in zones.items() if v.get("managed")}

def main():
    zf, src = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "/proc/zoneinfo"
    try:
        want = parse(open(src).read())
    except OSError as e:
        print(f"check_from_zoneinfo: skipped: {src}: {e}")
        return 0
    r = subprocess.run([zf, "run", "--from-zoneinfo", src, "--dump", "zoneinfo", "--oracles", "none"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(r.stdout, r.stderr)
        return 1
    got = parse(r.stdout)
    bad = 0
    for z, v in want.items():
        for k in ("managed", "min", "low", "high"):
            if got.get(z, {}).get(k) != v.get(k):
                print(f"Node {z[0]} {z[1]}: {k} captured {v.get(k)} model {got.get(z, {}).get(k)}")
                bad += 1
    print(f"check_from_zoneinfo: {len(want)} zones, {bad} mismatches")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
