#!/usr/bin/env python3
"""Check targets/coverage-ignorelist.txt against the sources (ctest
targets.coverage-ignorelist).

A "fun:NAME" entry matches a function of that name in every file, so each
name must be defined exactly once in the project's C sources (a second
definition, say a static helper of the model with the same name, would
silently lose its coverage), and a renamed walk function must not leave a
stale entry behind (its loops would be instrumented again). Every "src:"
glob must match a file.

    check-ignorelist.py ROOT
"""
import fnmatch
import os
import re
import sys

DIRS = ("allocator", "oracles", "scenario", "targets", "reports", "stress", "cli", "bench")


def sources(root):
    for d in DIRS:
        for dirpath, _, files in os.walk(os.path.join(root, d)):
            for f in files:
                if f.endswith((".c", ".h")):
                    yield os.path.join(dirpath, f)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    root = os.path.abspath(root)
    lst = os.path.join(root, "targets", "coverage-ignorelist.txt")
    funs, srcs = [], []
    for n, line in enumerate(open(lst), 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        kind, _, pat = line.partition(":")
        if kind == "fun" and re.fullmatch(r"[A-Za-z_]\w*", pat):
            funs.append(pat)
        elif kind == "src" and pat:
            srcs.append(pat)
        else:
            print(f"{lst}:{n}: expected fun:NAME or src:GLOB, got '{line}'")
            return 1
    files = list(sources(root))
    defs = {f: [] for f in funs}
    for path in files:
        header = path.endswith(".h")
        for n, line in enumerate(open(path, errors="replace"), 1):
            if not line[:1].isalpha() or line.rstrip().endswith(";"):
                continue
            if header and "inline" not in line and not re.match(r"\w+\(", line):
                continue  # prototypes in headers
            for f in funs:
                if re.search(r"(^|[\s*])" + f + r"\(", line):
                    defs[f].append(f"{os.path.relpath(path, root)}:{n}")
    bad = 0
    for f, where in defs.items():
        if len(where) != 1:
            bad += 1
            print(f"fun:{f}: defined {len(where)} times (want 1): {', '.join(where) or '-'}")
    for s in srcs:
        if not any(fnmatch.fnmatch(p, s) for p in files):
            bad += 1
            print(f"src:{s}: matches no source file")
    if bad:
        return 1
    print(f"coverage-ignorelist: {len(funs)} functions, {len(srcs)} source globs: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
