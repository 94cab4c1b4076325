#!/usr/bin/env python3
"""Enforce the one-way data flow of design.md with the include graph.

allocator/  may include: the C library, its own internal.h, zonefuzz/{machine,gfp,events,inspect,snapshot}.h
oracles/    may include: the C library, zonefuzz/{machine,gfp,events,inspect,oracle}.h, its own headers
            (never allocator/internal.h)
Nobody outside allocator/ and tests/unit includes internal.h.
Exit 1 naming every violation.
"""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
INC = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]')
PUBLIC_MODEL = {"zonefuzz/machine.h", "zonefuzz/gfp.h", "zonefuzz/events.h", "zonefuzz/inspect.h",
                "zonefuzz/snapshot.h"}

def includes(path):
    for n, line in enumerate(path.read_text(errors="replace").splitlines(), 1):
        m = INC.match(line)
        if m:
            yield n, m.group(1), m.group(2)

def main():
    bad = []
    for path in sorted(ROOT.rglob("*.[ch]")):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith(("build", ".git")):
            continue
        top = rel.split("/")[0]
        for n, kind, name in includes(path):
            if name.endswith("internal.h") and "allocator" in name or (name == "internal.h" and top != "allocator"):
                if not (top == "allocator" or rel.startswith("tests/unit/")):
                    bad.append(f"{rel}:{n}: includes the allocator's internal.h")
            if top == "allocator" and kind == '"':
                if name not in PUBLIC_MODEL and name != "internal.h":
                    bad.append(f"{rel}:{n}: allocator/ may not include \"{name}\"")
            if top == "allocator" and kind == "<" and "/" in name and not name.startswith("sys/") \
                    and name not in PUBLIC_MODEL:
                bad.append(f"{rel}:{n}: allocator/ links only libc, may not include <{name}>")
            if top == "oracles" and kind == '"':
                ok = name in PUBLIC_MODEL | {"zonefuzz/oracle.h"} or (ROOT / "oracles" / name).exists()
                if not ok or name == "internal.h":
                    bad.append(f"{rel}:{n}: oracles/ may not include \"{name}\"")
    for b in bad:
        print(b)
    print(f"check_layering: {len(bad)} violation(s)")
    return 1 if bad else 0

if __name__ == "__main__":
    sys.exit(main())
