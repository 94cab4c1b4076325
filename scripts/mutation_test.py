#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""mutation_test.py - do the zonefuzz oracles catch defects nobody told them about?

The tool copies the source tree to a scratch directory, plants one small
mutation at a time in a copy of the allocator's hot files (never in the
oracles, targets or tests), rebuilds only the replay binaries
(zf-replay-{buddy,slowpath,gfp,interleave}) and replays a fixed input set
with every oracle on.  Each mutant ends up as

  killed        an oracle reports a finding the unmutated tree does not
                report on the same input (see classify_input())
  survived      every input behaves, as far as the oracles say, as before
  crashed       no new oracle finding, but an input died (signal, sanitizer,
                abnormal exit): the harness caught it, the oracles did not
  timeout       no new oracle finding, but an input hung past its limit
  equivalent    the mutated object file is byte-identical to the original
                one (trivial compiler equivalence): nothing to detect
  uncompilable  the mutant does not build: discarded and replaced by the
                next candidate, so --mutants N counts compiled mutants

Mutation operators (sites chosen deterministically from --seed):
  ROR  relational operator flip: < <=, > >=, == !=
  AOR  arithmetic swap: binary + -, and += -=
  CRP  off-by-one of a constant (literal or UPPER_CASE name) used next to a
       comparison or a shift
  LCR  && || swap
  SDL  deletion of a statement that updates a counter (++, --, +=, -= on a
       struct member, a dereference or a known counter name; calls of
       __mod_zone_page_state() and friends)
  NEG  negation of an if condition
  RBR  return true <-> return false

Everything is stdlib Python; the build uses CMake + Ninja in one configured
build directory per job, and only the mutated file is recompiled per mutant.
Run with --self-test to check the lexer and the operators on
tests/mutation/fixture.c.
"""

import argparse
import concurrent.futures
import difflib
import glob
import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

HOT_FILES = [
    "buddy.c", "pcp.c", "watermark.c", "page_alloc.c", "slowpath.c", "highatomic.c",
    "page_isolation.c", "compaction.c", "vmscan.c", "kswapd.c", "oom_kill.c",
]
TARGETS = ["buddy", "slowpath", "gfp", "interleave"]
# zf-replay-json: the hand-written scenario files (SCENARIO_DIRS, tests/known's
# embedded scenarios) under the same harness, oracles and ignore list.
JSON_TARGET = "json"
REPLAYS = TARGETS + [JSON_TARGET]
SCENARIO_DIRS = ["tests/scenarios", "cli/scenarios", "tests/planted"]
OPERATORS = ["ROR", "AOR", "CRP", "LCR", "SDL", "NEG", "RBR"]
OPERATOR_DOC = {
    "ROR": "relational operator flip (< <=, > >=, == !=)",
    "AOR": "arithmetic + / - swap (also += / -=)",
    "CRP": "off-by-one of a constant used in a comparison or shift",
    "LCR": "&& / || swap",
    "SDL": "deletion of a counter-update statement",
    "NEG": "negated if condition",
    "RBR": "return true <-> return false",
}
RESULTS = ["killed", "survived", "crashed", "timeout", "equivalent", "uncompilable"]

# ---------------------------------------------------------------------------
# A small C lexer: enough to find operators outside comments, strings and
# preprocessor directives (macro bodies are never mutated).
# ---------------------------------------------------------------------------

PUNCT = sorted([
    "...", "<<=", ">>=", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
    "*=", "/=", "%=", "+=", "-=", "&=", "^=", "|=", "##",
], key=len, reverse=True)


class Tok:
    __slots__ = ("kind", "text", "start", "end", "line")

    def __init__(self, kind, text, start, end, line):
        self.kind, self.text, self.start, self.end, self.line = kind, text, start, end, line

    def __repr__(self):
        return f"Tok({self.kind},{self.text!r},{self.line})"


def _skip_quoted(text, i):
    q = text[i]
    j = i + 1
    while j < len(text) and text[j] != q and text[j] != "\n":
        j += 2 if text[j] == "\\" else 1
    return min(j + 1, len(text))


def tokenize(text):
    toks = []
    i, n, line, bol = 0, len(text), 1, True
    while i < n:
        c = text[i]
        if c == "\n":
            line, i, bol = line + 1, i + 1, True
            continue
        if c in " \t\r\f\v":
            i += 1
            continue
        if c == "\\" and i + 1 < n and text[i + 1] == "\n":
            line, i = line + 1, i + 2
            continue
        if text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
            continue
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            line += text.count("\n", i, j)
            i = j
            continue
        if c == "#" and bol:
            # a directive runs to the end of the line, continuations included
            j = i
            while j < n and text[j] != "\n":
                if text[j] == "\\" and j + 1 < n and text[j + 1] == "\n":
                    line, j = line + 1, j + 2
                elif text.startswith("/*", j):
                    k = text.find("*/", j + 2)
                    k = n if k < 0 else k + 2
                    line += text.count("\n", j, k)
                    j = k
                elif text.startswith("//", j):
                    k = text.find("\n", j)
                    j = n if k < 0 else k
                elif text[j] in "\"'":
                    j = _skip_quoted(text, j)
                else:
                    j += 1
            i = j
            continue
        bol = False
        if c in "\"'":
            j = _skip_quoted(text, i)
            toks.append(Tok("str", text[i:j], i, j, line))
            i = j
            continue
        if c.isalpha() or c == "_":
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] == "_"):
                j += 1
            toks.append(Tok("id", text[i:j], i, j, line))
            i = j
            continue
        if c.isdigit() or (c == "." and i + 1 < n and text[i + 1].isdigit()):
            j = i + 1
            while j < n and (text[j].isalnum() or text[j] in "_." or
                             (text[j] in "+-" and text[j - 1] in "eEpP")):
                j += 1
            toks.append(Tok("num", text[i:j], i, j, line))
            i = j
            continue
        for p in PUNCT:
            if text.startswith(p, i):
                toks.append(Tok("op", p, i, i + len(p), line))
                i += len(p)
                break
        else:
            toks.append(Tok("op", c, i, i + 1, line))
            i += 1
    return toks


def match_brackets(toks):
    """Index of the partner of every ( [ { and ) ] } token."""
    match, stack = {}, []
    pairs = {")": "(", "]": "[", "}": "{"}
    for k, t in enumerate(toks):
        if t.kind != "op":
            continue
        if t.text in "([{":
            stack.append(k)
        elif t.text in pairs:
            while stack and toks[stack[-1]].text != pairs[t.text]:
                stack.pop()  # tolerate an unbalanced macro-heavy region
            if stack:
                o = stack.pop()
                match[o], match[k] = k, o
    return match


def in_function_body(toks):
    """Per token: inside a function body? A '{' at file scope that follows a
    ')' opens a function body; other file-scope braces (struct definitions,
    initializers of static tables) hold no code to mutate."""
    depth, body, out = 0, False, []
    for k, t in enumerate(toks):
        if t.kind == "op" and t.text == "}":
            depth = max(0, depth - 1)
            if depth == 0:
                body = False
        out.append(body and depth > 0)
        if t.kind == "op" and t.text == "{":
            if depth == 0:
                body = k > 0 and toks[k - 1].text == ")"
            depth += 1
    return out

# ---------------------------------------------------------------------------
# Mutation operators
# ---------------------------------------------------------------------------

REL_SWAP = {"<": "<=", "<=": "<", ">": ">=", ">=": ">", "==": "!=", "!=": "=="}
REL_OPS = set(REL_SWAP)
SHIFT_OPS = {"<<", ">>", "<<=", ">>="}
KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch",
    "typedef", "union", "unsigned", "void", "volatile", "while", "_Bool", "bool",
    "_Static_assert", "_Alignof", "alignof",
}
DECL_START = {
    "char", "const", "double", "enum", "extern", "float", "int", "long", "register", "short",
    "signed", "static", "struct", "typedef", "union", "unsigned", "void", "volatile", "_Bool",
    "bool",
}
# Counters the allocator's decisions read (docs/model-contract.md, spec §2):
# also accepted when they are plain locals that are returned or stored later.
KNOWN_COUNTERS = {
    "vm_stat", "nr_free", "count", "nr_reserved_highatomic", "managed_pages",
    "present_pages", "nr_isolated", "nr_scanned", "nr_reclaimed", "nr_taken",
    "nr_migratepages", "nr_freepages", "nr_migrated", "nr_moved", "pages_moved",
    "alloced", "freed", "progress", "reclaimed", "compact_considered",
    "compact_defer_shift", "compact_order_failed", "kswapd_failures",
    "no_progress_loops", "compaction_retries", "nr_retries",
}
COUNTER_FUNC_RE = re.compile(r"^_*(mod|inc|dec)_\w*(state|stat)$|^_*count\w*vm_events?$")
INT_RE = re.compile(r"^(0[xX][0-9a-fA-F]+|0|[1-9][0-9]*)([uUlL]*)$")
CONST_ID_RE = re.compile(r"^[A-Z][A-Z0-9_]+$")


class Site:
    __slots__ = ("file", "op", "start", "end", "repl", "line", "end_line")

    def __init__(self, file, op, start, end, repl, line, end_line):
        self.file, self.op, self.start, self.end = file, op, start, end
        self.repl, self.line, self.end_line = repl, line, end_line

    def key(self):
        return (self.file, self.start, self.end, self.op, self.repl)


def _stmt_bounds(toks, i, match):
    """[s, e] token range of the simple statement holding token i (e is its ';'),
    or None when i sits in a condition, a for header, an initializer or a
    declaration: deleting those is not 'deleting a counter update'."""
    depth, j = 0, i - 1
    while j >= 0:
        t = toks[j].text
        if toks[j].kind == "op" and t in (")", "]"):
            depth += 1
        elif toks[j].kind == "op" and t in ("(", "["):
            if depth == 0:
                return None
            depth -= 1
        elif depth == 0 and toks[j].kind == "op" and t in (";", "{", "}"):
            break
        j -= 1
    s, n = j + 1, len(toks)
    while s < n:
        t = toks[s]
        if t.kind == "id" and t.text in ("if", "while", "for", "switch") and s + 1 < n \
                and toks[s + 1].text == "(" and (s + 1) in match:
            s = match[s + 1] + 1
        elif t.kind == "id" and t.text in ("else", "do"):
            s += 1
        elif t.kind == "id" and t.text in ("case", "default"):
            while s < n and toks[s].text != ":":
                s += 1
            s += 1
        elif t.kind == "id" and t.text not in KEYWORDS and s + 1 < n and toks[s + 1].text == ":":
            s += 2  # a label
        else:
            break
    if s > i:
        return None
    depth, k = 0, i
    while k < n:
        t = toks[k]
        if t.kind == "op" and t.text in ("(", "["):
            depth += 1
        elif t.kind == "op" and t.text in (")", "]"):
            depth -= 1
            if depth < 0:
                return None
        elif t.kind == "op" and t.text in ("{", "}"):
            return None
        elif t.kind == "op" and t.text == ";" and depth == 0:
            break
        k += 1
    if k >= n:
        return None
    first = toks[s]
    if first.kind == "id" and (first.text in DECL_START or
                               first.text in ("return", "goto", "break", "continue")):
        return None
    if first.kind == "id" and s + 1 < k and toks[s + 1].kind == "id":
        return None  # "type name ..." : a declaration
    if first.kind == "id" and first.text.endswith("_t") and s + 1 < k and toks[s + 1].text == "*":
        return None
    return s, k


def _is_counter_update(toks, s, e, i):
    t = toks[i]
    if t.kind == "id":  # a counter helper call
        return True
    if t.text in ("++", "--") and i + 1 <= e and (i == s or toks[i - 1].text in ("(", ";")):
        lhs = toks[i + 1:e]  # prefix form: ++x;
    else:
        lhs = toks[s:i]
    for x in lhs:
        if x.kind == "op" and x.text in ("->", "."):
            return True
        if x.kind == "id" and x.text in KNOWN_COUNTERS:
            return True
    return bool(lhs) and lhs[0].kind == "op" and lhs[0].text in ("*", "(") and \
        any(x.text == "*" for x in lhs[:2])


def _binary_context(prev):
    if prev is None:
        return False
    if prev.kind in ("num", "str"):
        return True
    if prev.kind == "id":
        return prev.text not in KEYWORDS or prev.text in ("true", "false")
    return prev.text in (")", "]")


def _int_variants(text):
    m = INT_RE.match(text)
    if not m:
        return []
    digits, suffix = m.group(1), m.group(2)
    if digits.lower().startswith("0x"):
        v = int(digits, 16)
        fmt = (lambda x: "0x%x" % x)
    else:
        v = int(digits)
        fmt = str
    out = [fmt(v + 1) + suffix]
    if v > 0:
        out.append(fmt(v - 1) + suffix)
    return out


def find_sites(fname, text):
    toks = tokenize(text)
    match = match_brackets(toks)
    code = in_function_body(toks)
    sites, seen_stmt = [], set()

    def add(op, a, b, repl):
        ta, tb = toks[a], toks[b]
        end_line = tb.line + text.count("\n", tb.start, tb.end)
        sites.append(Site(fname, op, ta.start, tb.end, repl, ta.line, end_line))

    n = len(toks)
    for k, t in enumerate(toks):
        if not code[k]:
            continue  # file scope: tables, struct definitions, static asserts
        prev = toks[k - 1] if k else None
        nxt = toks[k + 1] if k + 1 < n else None
        if t.kind == "op":
            if t.text in REL_SWAP:
                add("ROR", k, k, REL_SWAP[t.text])
            elif t.text in ("+", "-") and _binary_context(prev):
                add("AOR", k, k, "-" if t.text == "+" else "+")
            elif t.text in ("+=", "-="):
                add("AOR", k, k, "-=" if t.text == "+=" else "+=")
            elif t.text in ("&&", "||"):
                add("LCR", k, k, "||" if t.text == "&&" else "&&")
        # CRP: a constant next to a comparison or a shift
        near = (prev is not None and prev.kind == "op" and prev.text in REL_OPS | SHIFT_OPS) or \
               (nxt is not None and nxt.kind == "op" and nxt.text in REL_OPS | SHIFT_OPS)
        if near and t.kind == "num":
            for v in _int_variants(t.text):
                add("CRP", k, k, v)
        elif near and t.kind == "id" and CONST_ID_RE.match(t.text) and \
                (nxt is None or nxt.text != "(") and \
                (prev is None or prev.text not in (".", "->")):
            add("CRP", k, k, "(%s + 1)" % t.text)
            add("CRP", k, k, "(%s - 1)" % t.text)
        # NEG: if (cond) -> if (!(cond))
        if t.kind == "id" and t.text == "if" and nxt is not None and nxt.text == "(" and \
                (k + 1) in match:
            c = match[k + 1]
            inner = text[toks[k + 1].end:toks[c].start]
            add("NEG", k + 1, c, "(!(" + inner + "))")
        # RBR: return true; <-> return false;
        if t.kind == "id" and t.text == "return" and nxt is not None and \
                nxt.text in ("true", "false") and k + 2 < n and toks[k + 2].text == ";":
            add("RBR", k + 1, k + 1, "false" if nxt.text == "true" else "true")
        # SDL: a statement that updates a counter
        is_upd = (t.kind == "op" and t.text in ("++", "--", "+=", "-=")) or \
                 (t.kind == "id" and COUNTER_FUNC_RE.match(t.text) and nxt is not None and
                  nxt.text == "(")
        if is_upd:
            b = _stmt_bounds(toks, k, match)
            if b and b not in seen_stmt and _is_counter_update(toks, b[0], b[1], k):
                seen_stmt.add(b)
                s, e = b
                # keep the line count: __LINE__ in trace macros must not move
                nl = text.count("\n", toks[s].start, toks[e].end)
                add("SDL", s, e, "(void)0;" + "\n" * nl)
    return sites


def apply_site(text, site):
    return text[:site.start] + site.repl + text[site.end:]


def site_lines(text, site, mutated=False):
    """The whole source line(s) of a site, before or after the mutation, on one line."""
    a = text.rfind("\n", 0, site.start) + 1
    b = text.find("\n", site.end)
    b = len(text) if b < 0 else b
    seg = text[a:site.start] + (site.repl if mutated else text[site.start:site.end]) + text[site.end:b]
    seg = re.sub(r"\s+", " ", seg).strip()
    return seg if len(seg) <= 200 else seg[:197] + "..."


def choose_candidates(sites, seed):
    """Deterministic candidate order: operators round-robin, each operator's
    sites in a seeded shuffle. The first N that compile are the mutants."""
    rng = random.Random(seed)
    groups = {op: sorted([s for s in sites if s.op == op], key=Site.key) for op in OPERATORS}
    for op in OPERATORS:
        rng.shuffle(groups[op])
    out, idx = [], {op: 0 for op in OPERATORS}
    while True:
        progressed = False
        for op in OPERATORS:
            if idx[op] < len(groups[op]):
                out.append(groups[op][idx[op]])
                idx[op] += 1
                progressed = True
        if not progressed:
            return out

# ---------------------------------------------------------------------------
# Judging one input
# ---------------------------------------------------------------------------

FIND_RE = re.compile(r"^zonefuzz: ASSERTION FAILED: (\S+) in (.*)$", re.M)
MSG_RE = re.compile(r"^zonefuzz: message: (.*)$", re.M)
AT_RE = re.compile(r"^zonefuzz: at (\S+):(-?\d+), op (\d+), event (\d+)", re.M)
SAN_RE = re.compile(r"ERROR: AddressSanitizer|runtime error:|ERROR: LeakSanitizer")


def parse_run(rc, err, dt):
    r = {"status": "ok", "rc": rc, "dt": round(dt, 4)}
    m = FIND_RE.search(err)
    if m:
        r.update(status="finding", oracle=m.group(1), func=m.group(2).strip())
        mm = MSG_RE.search(err)
        r["msg"] = mm.group(1)[:240] if mm else ""
        ma = AT_RE.search(err)
        r["op"] = int(ma.group(3)) if ma else -1
        r["event"] = int(ma.group(4)) if ma else -1
        return r
    if rc < 0:
        try:
            sig = signal.Signals(-rc).name
        except ValueError:
            sig = "signal %d" % -rc
        r.update(status="crash", why=sig)
    elif SAN_RE.search(err):
        r.update(status="crash", why="sanitizer: " + SAN_RE.search(err).group(0))
    elif rc not in (0,):
        r.update(status="crash", why="exit %d without an oracle line" % rc)
    if r["status"] == "crash":
        tail = [x for x in err.strip().splitlines() if x.strip()][-1:] or [""]
        r["tail"] = tail[0][:200]
    return r


def finding_class(r):
    """The harness's own granularity for known findings (ZF_FUZZ_IGNORE)."""
    return "%s@%s" % (r["oracle"], r["func"])


def classify_input(base, mut, ignore_mode):
    """Is mut's finding one the unmutated tree does not report for this input?

    ignore_mode (harness with ZF_FUZZ_IGNORE): the baseline collected every
    finding class (oracle@function) the input reports, and the mutant ran with
    them ignored, so anything it reports is new:
      'new'        the baseline is clean on this input;
      'new-class'  the baseline has findings there, but not of this class.
    Without it each replay stops at its first finding, and the rule is:
      'new'        baseline clean, mutant has a finding;
      'new-class'  different (oracle, function) than the baseline's first;
      'earlier'    same (oracle, function) at an earlier operation: the
                   baseline was clean at that operation, so it is a new one.
    A finding that moves later or vanishes is not a kill."""
    if mut.get("status") != "finding":
        return None
    classes = base.get("classes") or []
    if ignore_mode:
        if finding_class(mut) in classes:
            return None
        return "new-class" if classes else "new"
    if base.get("status") != "finding":
        return "new"
    if (mut["oracle"], mut["func"]) != (base["oracle"], base["func"]):
        return "new-class"
    if 0 <= mut.get("op", -1) < base.get("op", -1):
        return "earlier"
    return None


KILL_RANK = {"new": 3, "new-class": 2, "earlier": 1}
ZF_MAX_IGNORE = 16  # entries targets/harness.c keeps of ZF_FUZZ_IGNORE

# ---------------------------------------------------------------------------
# Build directories and runs
# ---------------------------------------------------------------------------


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def run_env(args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZF_")}
    env["ZF_FUZZ_NO_ABORT"] = "1"  # report the finding, then exit 1
    if args.walk is not None:
        env["ZF_FUZZ_WALK"] = str(args.walk)  # oracle walk interval for every input
    env["ASAN_OPTIONS"] = "abort_on_error=1:detect_leaks=0:symbolize=0"
    env["UBSAN_OPTIONS"] = "halt_on_error=1:abort_on_error=1:print_stacktrace=0"
    return env


def copy_tree(src, dst):
    def ignore(d, names):
        if os.path.abspath(d) == os.path.abspath(src):
            return [x for x in names if x.startswith("build") or x in (".git", "out", "findings",
                                                                       "campaigns", "reports-out")]
        return [x for x in names if x in ("CMakeCache.txt",) or x.endswith((".o", ".gcda", ".gcno"))]
    shutil.copytree(src, dst, ignore=ignore, symlinks=True)


def configure(src, bdir, args, coverage=False):
    cmd = ["cmake", "-S", src, "-B", bdir, "-G", "Ninja", "-DCMAKE_C_COMPILER=" + args.cc,
           "-DZF_WERROR=OFF", "-DZF_BUILD_TESTS=OFF", "-DZF_BUILD_CLI=OFF",
           "-DCMAKE_INTERPROCEDURAL_OPTIMIZATION=OFF"]
    if coverage:
        cmd += ["-DCMAKE_BUILD_TYPE=Debug", "-DCMAKE_C_FLAGS=-O0 --coverage"]
    else:
        # release-ish: optimised like a campaign build, but no LTO (relinks stay cheap)
        cmd += ["-DCMAKE_BUILD_TYPE=Release", "-DCMAKE_C_FLAGS_RELEASE=-O2"]
        if args.sanitize:
            cmd += ["-DZF_SANITIZE=ON"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode:
        raise SystemExit("mutation_test: configure failed in %s:\n%s" % (bdir, p.stderr[-3000:]))


def build(bdir, jobs, timeout=600):
    cmd = ["cmake", "--build", bdir, "-j", str(jobs), "--target"] + \
          ["zf-replay-" + t for t in REPLAYS]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, "build timed out"
    return p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]


def sha(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


class Worker:
    def __init__(self, idx, root, snap, args):
        self.idx, self.args = idx, args
        self.src = os.path.join(root, "w%d" % idx, "src")
        self.bdir = os.path.join(root, "w%d" % idx, "build")
        self.snap = snap
        self.objs, self.obj_sha = {}, {}

    def setup(self):
        if os.path.exists(os.path.dirname(self.src)):  # a reused --workdir
            shutil.rmtree(os.path.dirname(self.src))
        copy_tree(self.snap, self.src)
        configure(self.src, self.bdir, self.args)
        ok, out = build(self.bdir, self.args.build_jobs)
        if not ok:
            raise SystemExit("mutation_test: the unmutated tree does not build:\n" + out)
        for f in self.args.files:
            hits = glob.glob(os.path.join(self.bdir, "**", "zf_allocator.dir", "**", f + ".o"),
                             recursive=True)
            if len(hits) != 1:
                raise SystemExit("mutation_test: object of %s not found in %s" % (f, self.bdir))
            self.objs[f] = hits[0]
            self.obj_sha[f] = sha(hits[0])

    def binary(self, target):
        return os.path.join(self.bdir, "bin", "zf-replay-" + target)

    def _write(self, f, text):
        with open(os.path.join(self.src, "allocator", f), "w", encoding="utf-8") as fh:
            fh.write(text)
        # remove the object so ninja recompiles whatever the timestamps say
        try:
            os.unlink(self.objs[f])
        except FileNotFoundError:
            pass

    def build_mutant(self, f, text):
        self._write(f, text)
        ok, out = build(self.bdir, self.args.build_jobs)
        if not ok:
            err = [x for x in out.splitlines() if "error" in x]
            return "uncompilable", (err[0] if err else out.strip().splitlines()[-1:] or [""])[:200]
        if sha(self.objs[f]) == self.obj_sha[f]:
            return "equivalent", "object file identical to the unmutated one"
        return "built", ""

    def restore(self, f, text):
        self._write(f, text)


def run_input(binary, path, env, timeout):
    t0 = time.monotonic()
    try:
        p = subprocess.run([binary, path], capture_output=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"status": "timeout", "rc": None, "dt": round(time.monotonic() - t0, 4)}
    return parse_run(p.returncode, p.stderr.decode("utf-8", "replace"), time.monotonic() - t0)

# ---------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------


def collect_inputs(args, src, root):
    inputs = []
    for t in TARGETS:
        corpus = []
        for sub in ("seeds", "scenarios"):
            d = os.path.join(src, "corpus", t, sub)
            if os.path.isdir(d):
                corpus += [os.path.join(d, x) for x in sorted(os.listdir(d))
                           if os.path.isfile(os.path.join(d, x))]
        rnd = []
        mode = args.inputs
        if mode in ("random", "both") or (mode == "auto" and not corpus):
            d = os.path.join(root, "inputs", t)
            os.makedirs(d, exist_ok=True)
            rng = random.Random("%s/%s" % (args.input_seed, t))
            for i in range(args.random_inputs):
                p = os.path.join(d, "r%04d" % i)
                with open(p, "wb") as fh:
                    fh.write(bytes(rng.getrandbits(8) for _ in range(rng.randint(64, 1024))))
                rnd.append(p)
        if mode == "random":
            corpus = []
        if len(corpus) > args.max_corpus:
            corpus = sorted(random.Random(args.input_seed).sample(corpus, args.max_corpus))
        for p in corpus + rnd:
            inputs.append((t, p))
    if args.scenario_inputs:
        inputs += scenario_inputs(src, root)
    return inputs


def scenario_inputs(src, root):
    """The scenario files of SCENARIO_DIRS, and the scenario of every
    tests/known entry (written out to the scratch dir): written for one rule
    each, they reach what the decoder's byte format cannot express (configured
    min_free_kbytes, kernel threads, oom_kill_allocating_task, at_yield
    programs). Planted-bug scenarios run without their bug."""
    out = []
    for d in SCENARIO_DIRS:
        full = os.path.join(src, d)
        if os.path.isdir(full):
            out += [(JSON_TARGET, os.path.join(full, x)) for x in sorted(os.listdir(full))
                    if x.endswith(".json")]
    known = os.path.join(src, "tests", "known")
    if os.path.isdir(known):
        dst = os.path.join(root, "inputs", JSON_TARGET)
        os.makedirs(dst, exist_ok=True)
        for x in sorted(os.listdir(known)):
            if not x.endswith(".json"):
                continue
            with open(os.path.join(known, x), encoding="utf-8") as fh:
                sc = json.load(fh).get("scenario")
            if not isinstance(sc, dict):
                continue
            p = os.path.join(dst, "known-" + x)
            with open(p, "w", encoding="utf-8") as fh:
                json.dump(sc, fh)
            out.append((JSON_TARGET, p))
    return out


def input_name(inp, src, root):
    t, p = inp
    for base in (src, root):
        if p.startswith(base + os.sep):
            return t + ":" + os.path.relpath(p, base)
    return t + ":" + p

# ---------------------------------------------------------------------------
# Coverage of the mutation sites by the input set (gcov, one extra build)
# ---------------------------------------------------------------------------


def line_coverage(args, snap, root, inputs):
    bdir = os.path.join(root, "cov-build")
    configure(snap, bdir, args, coverage=True)
    ok, out = build(bdir, args.cpus)
    if not ok:
        log("coverage build failed; sites will be reported as reach=unknown")
        return {}
    env = run_env(args)
    by_target = {}
    for t, p in inputs:
        by_target.setdefault(t, []).append(p)
    for t, paths in by_target.items():
        # one process per target: gcda files are merged at exit
        for i in range(0, len(paths), 200):
            try:
                subprocess.run([os.path.join(bdir, "bin", "zf-replay-" + t)] + paths[i:i + 200],
                               capture_output=True, env=env, timeout=600)
            except subprocess.TimeoutExpired:
                pass
    cov = {}
    for f in args.files:
        gcda = glob.glob(os.path.join(bdir, "**", "zf_allocator.dir", "**", f + ".gcda"),
                         recursive=True)
        if not gcda:
            continue
        p = subprocess.run(["gcov", "-b", "-c", "-t", os.path.basename(gcda[0])],
                           cwd=os.path.dirname(gcda[0]), capture_output=True, text=True)
        # line -> [count, branches, branches taken at least once]
        lines, current, last = {}, None, None
        for ln in p.stdout.splitlines():
            if ln.startswith("branch "):
                if current == f and last in lines:
                    lines[last][1] += 1
                    m = re.search(r"taken (\d+)", ln)
                    if m and int(m.group(1)) > 0:
                        lines[last][2] += 1
                continue
            parts = ln.split(":", 2)
            if len(parts) < 3:
                continue
            cnt, no = parts[0].strip(), parts[1].strip()
            if no == "0" and parts[2].startswith("Source:"):
                current = os.path.basename(parts[2][len("Source:"):])
                continue
            if current != f or not no.isdigit():
                continue
            last = int(no)
            cnt = cnt.rstrip("*")
            if cnt.isdigit():
                lines[last] = [int(cnt), 0, 0]
            elif cnt in ("#####", "====="):
                lines[last] = [0, 0, 0]
        cov[f] = lines
    return cov


def site_reach(cov, site):
    """reached: the site's line(s) ran and every branch on them went both ways;
    partial: they ran, but some branch outcome never happened (a condition
    that was never true, say), so a mutant may only differ there;
    not-reached: never executed by the input set."""
    lines = cov.get(site.file)
    if not lines:
        return "unknown"
    vals = [lines[x] for x in range(site.line, site.end_line + 1) if x in lines]
    if not vals:  # a continuation line: gcov counts the statement's first line
        for x in range(site.line - 1, max(0, site.line - 6), -1):
            if x in lines:
                vals = [lines[x]]
                break
    if not vals:
        return "unknown"
    if max(v[0] for v in vals) == 0:
        return "not-reached"
    if any(v[2] < v[1] for v in vals):
        return "partial"
    return "reached"


# ---------------------------------------------------------------------------
# The run
# ---------------------------------------------------------------------------


EQUIVALENT_REGISTRY = os.path.join(REPO, "tests", "mutation", "equivalent.txt")


def norm_line(s):
    return re.sub(r"\s+", " ", s).strip()


def parse_equivalents(text, where="equivalent.txt"):
    """The registry of documented equivalent mutants: one entry per line,
    five tab-separated fields: file (allocator/ basename), operator, the
    mutated source line before and after the mutation (as mutants.json
    writes them, whitespace runs read as one space) and the reason. '#'
    starts a comment line. Returns ({(file, op, before, after): reason}, errors)."""
    reg, errors = {}, []
    for no, ln in enumerate(text.splitlines(), 1):
        if not ln.strip() or ln.lstrip().startswith("#"):
            continue
        f = ln.split("\t")
        if len(f) != 5 or not all(x.strip() for x in f):
            errors.append("%s:%d: want 5 tab-separated fields, got %d" % (where, no, len(f)))
            continue
        fname, op, before, after, why = (x.strip() for x in f)
        if op not in OPERATORS:
            errors.append("%s:%d: unknown operator %r" % (where, no, op))
            continue
        key = (fname, op, norm_line(before), norm_line(after))
        if key in reg:
            errors.append("%s:%d: duplicate entry" % (where, no))
        reg[key] = why
    return reg, errors


def load_equivalents(path):
    if not path or path == "none":
        return {}
    with open(path, encoding="utf-8") as fh:
        reg, errors = parse_equivalents(fh.read(), os.path.basename(path))
    if errors:
        raise SystemExit("mutation_test: " + "; ".join(errors))
    return reg


def documented_equivalent(reg, rec):
    """The registry's reason for a mutant record, or None."""
    key = (os.path.basename(rec["file"]), rec["operator"], norm_line(rec["before"]),
           norm_line(rec["after"]))
    return reg.get(key)


def apply_equivalents(reg, rec):
    """A survivor the registry documents becomes 'equivalent' (documented),
    out of the oracle score but listed; a documented mutant that an oracle
    killed stays killed and is flagged (the registry entry is wrong)."""
    why = documented_equivalent(reg, rec)
    if why is None:
        return rec
    if rec["result"] == "survived":
        rec["result"], rec["equivalent_kind"] = "equivalent", "documented"
        rec["note"] = "documented: " + why
    elif rec["result"] == "killed":
        rec["registry_conflict"] = True
        rec["note"] = "registry says equivalent, but an oracle killed it"
    return rec


def evaluate(mid, site, orig_text, worker, inputs, baseline, args, env):
    t0 = time.monotonic()
    rec = {"id": mid, "file": "allocator/" + site.file, "line": site.line, "operator": site.op,
           "before": site_lines(orig_text, site), "after": site_lines(orig_text, site, True),
           "oracles": [], "kill_kind": None, "kill_input": None, "kills": 0,
           "crash": None, "timeout_input": None, "inputs_run": 0}
    mut_text = apply_site(orig_text, site)
    rec["diff"] = "".join(difflib.unified_diff(
        orig_text.splitlines(True), mut_text.splitlines(True),
        "a/allocator/" + site.file, "b/allocator/" + site.file, n=1))
    try:
        st, why = worker.build_mutant(site.file, mut_text)
        rec["build_s"] = round(time.monotonic() - t0, 2)
        if st != "built":
            rec["result"], rec["note"] = st, why
            if st == "equivalent":
                rec["equivalent_kind"] = "tce"
            return rec
        deadline = time.monotonic() + args.timeout
        oracles, best = {}, None
        for inp in inputs:
            left = deadline - time.monotonic()
            if left <= 0:
                rec["timeout_input"] = rec["timeout_input"] or "(mutant time limit %gs)" % args.timeout
                break
            b = baseline[inp]
            r = run_input(worker.binary(inp[0]), inp[1], input_env(env, b, args),
                          min(left, args.input_timeout))
            rec["inputs_run"] += 1
            kind = classify_input(b, r, args.ignore_mode)
            if kind:
                rec["kills"] += 1
                key = r["oracle"]
                oracles[key] = oracles.get(key, 0) + 1
                if best is None or KILL_RANK[kind] > KILL_RANK[best[0]]:
                    best = (kind, inp, r)
                if args.stop_on_kill and kind != "earlier":
                    break
            elif r["status"] == "crash" and rec["crash"] is None:
                rec["crash"] = {"input": input_name(inp, args.snap, args.root),
                                "why": r.get("why"), "tail": r.get("tail")}
            elif r["status"] == "timeout":
                rec["timeout_input"] = input_name(inp, args.snap, args.root)
                break  # one hang is enough: the next inputs would likely hang too
        rec["run_s"] = round(time.monotonic() - t0 - rec["build_s"], 2)
        rec["oracles"] = sorted(oracles, key=lambda k: (-oracles[k], k))
        rec["oracle_kills"] = oracles
        if best:
            kind, inp, r = best
            rec["result"], rec["kill_kind"] = "killed", kind
            rec["kill_input"] = input_name(inp, args.snap, args.root)
            rec["kill_finding"] = "%s in %s: %s" % (r["oracle"], r["func"], r.get("msg", ""))
            if r.get("op", -1) >= 0:
                rec["kill_finding"] += " (op %d)" % r["op"]
        elif rec["crash"]:
            rec["result"] = "crashed"
        elif rec["timeout_input"]:
            rec["result"] = "timeout"
        else:
            rec["result"] = "survived"
        return rec
    finally:
        worker.restore(site.file, orig_text)


def summarise(recs):
    c = {k: 0 for k in RESULTS}
    for r in recs:
        c[r["result"]] += 1
    compiled = len(recs) - c["uncompilable"]
    ks = c["killed"] + c["survived"]
    doc = sum(1 for r in recs if r.get("equivalent_kind") == "documented")
    strict = sum(1 for r in recs if r["result"] == "killed" and r["kill_kind"] != "earlier")
    s = {
        "counts": c, "tried": len(recs), "compiled": compiled,
        "score_oracles": round(c["killed"] / ks, 4) if ks else None,
        "equivalent_documented": doc,
        "equivalent_tce": c["equivalent"] - doc,
        # the documented equivalents counted as survivors (the score without the registry)
        "score_oracles_raw": round(c["killed"] / (ks + doc), 4) if ks + doc else None,
        "registry_conflicts": [r["id"] for r in recs if r.get("registry_conflict")],
        "score_oracles_strict": round(strict / (strict + c["survived"]), 4)
        if strict + c["survived"] else None,
        "score_harness": round((c["killed"] + c["crashed"] + c["timeout"]) / compiled, 4)
        if compiled else None,
        "score_harness_non_equivalent": round(
            (c["killed"] + c["crashed"] + c["timeout"]) / (compiled - c["equivalent"]), 4)
        if compiled - c["equivalent"] else None,
        "killed_only_earlier": c["killed"] - strict,
    }
    by = {}
    for key in ("operator", "file"):
        t = {}
        for r in recs:
            if r["result"] == "uncompilable":
                continue
            d = t.setdefault(r[key], {k: 0 for k in RESULTS})
            d[r["result"]] += 1
        by[key] = t
    s["by_operator"], s["by_file"] = by["operator"], by["file"]
    ora = {}
    for r in recs:
        if r["result"] != "killed":
            continue
        for o in r["oracles"]:
            d = ora.setdefault(o, {"killed": 0, "alone": 0})
            d["killed"] += 1
            if len(r["oracles"]) == 1:
                d["alone"] += 1
    s["by_oracle"] = ora
    return s


def md_code(s):
    s = s.replace("|", "\\|")
    return "`" + s.replace("`", "'") + "`" if s else ""


def pct(x):
    return "n/a" if x is None else "%.1f%%" % (100 * x)


def write_reports(out, meta, recs, summary):
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "mutants.json"), "w") as fh:
        json.dump({"meta": meta, "summary": summary, "mutants": recs}, fh, indent=1)
    c = summary["counts"]
    L = ["# zonefuzz oracle mutation run", "",
         "Command: `%s`" % meta["command"], "",
         "Inputs: %d (%s), %d excluded by the baseline (crash/hang/non-deterministic); "
         "baseline inputs with a finding: %d." % (meta["nr_inputs"], meta["inputs_desc"],
                                                 meta["excluded_inputs"],
                                                 meta["baseline_findings"]), "",
         "| result | mutants |", "|---|---|"]
    for k in RESULTS:
        L.append("| %s | %d |" % (k, c[k]))
    L += ["", "* killed / (killed + survived): **%s** (%d / %d); counting only new or "
          "different findings (not 'earlier'): %s" % (
              pct(summary["score_oracles"]), c["killed"], c["killed"] + c["survived"],
              pct(summary["score_oracles_strict"])),
          "* equivalent: %d (TCE: identical object %d; documented in "
          "tests/mutation/equivalent.txt %d); killed / (killed + survived + documented "
          "equivalent): %s" % (
              c["equivalent"], summary["equivalent_tce"], summary["equivalent_documented"],
              pct(summary["score_oracles_raw"])),
          "* (killed + crashed + timeout) / compiled: **%s** (%d compiled, %d of them "
          "equivalent; %s without those)" % (
              pct(summary["score_harness"]), summary["compiled"], c["equivalent"],
              pct(summary["score_harness_non_equivalent"])), "",
          "| operator | killed | survived | crashed | timeout | equivalent |", "|---|---|---|---|---|---|"]
    for op in OPERATORS:
        d = summary["by_operator"].get(op)
        if d:
            L.append("| %s | %d | %d | %d | %d | %d |" % (op, d["killed"], d["survived"],
                                                        d["crashed"], d["timeout"], d["equivalent"]))
    if summary["registry_conflicts"]:
        L += ["", "**Registry conflicts** (documented equivalent, but killed: fix "
              "tests/mutation/equivalent.txt): %s" % ", ".join(summary["registry_conflicts"])]
    L += ["", "| oracle | mutants killed | the only killer |", "|---|---|---|"]
    for o, d in sorted(summary["by_oracle"].items(), key=lambda x: -x[1]["killed"]):
        L.append("| %s | %d | %d |" % (o, d["killed"], d["alone"]))
    L += ["", "## Mutants", "",
          "| id | site | op | before | after | result | oracles (inputs) | reach |",
          "|---|---|---|---|---|---|---|---|"]
    for r in recs:
        if r["result"] == "killed":
            how = ", ".join("%s (%d)" % (o, r["oracle_kills"][o]) for o in r["oracles"])
            if r["kill_kind"] == "earlier":
                how += " [earlier only]"
        elif r["result"] == "crashed":
            how = "%s on %s" % (r["crash"]["why"], r["crash"]["input"])
        elif r["result"] == "timeout":
            how = "hang on %s" % r["timeout_input"]
        else:
            how = r.get("note", "")
        L.append("| %s | %s:%d | %s | %s | %s | %s | %s | %s |" % (
            r["id"], r["file"], r["line"], r["operator"], md_code(r["before"]),
            md_code(r["after"]), r["result"], how.replace("|", "\\|"), r.get("reach", "")))
    with open(os.path.join(out, "mutation-report.md"), "w") as fh:
        fh.write("\n".join(L) + "\n")
    with open(os.path.join(out, "survivors.diff"), "w") as fh:
        for r in recs:
            if r["result"] == "survived":
                fh.write("# %s %s:%d %s reach=%s\n%s\n" % (r["id"], r["file"], r["line"],
                                                           r["operator"], r.get("reach"),
                                                           r["diff"]))


def input_env(env, base, args):
    """The run environment of one input: its baseline findings ignored."""
    if not args.ignore_mode or not base.get("classes"):
        return env
    e = dict(env)
    e["ZF_FUZZ_IGNORE"] = ",".join(base["classes"])
    return e


def baseline_input(worker, inp, args, env):
    """Every finding class the unmutated tree reports on one input: run it,
    ignore what it reported (ZF_FUZZ_IGNORE), run again, until it is clean.
    Returns (record, honoured): honoured is False when the harness reported
    an ignored class again (a tree without ZF_FUZZ_IGNORE)."""
    first = run_input(worker.binary(inp[0]), inp[1], env, args.baseline_input_timeout)
    rec = dict(first)
    rec["classes"] = []
    r = first
    while r["status"] == "finding":
        c = finding_class(r)
        if c in rec["classes"]:
            return rec, False
        rec["classes"].append(c)
        if len(rec["classes"]) >= ZF_MAX_IGNORE:
            break
        e = dict(env)
        e["ZF_FUZZ_IGNORE"] = ",".join(rec["classes"])
        r = run_input(worker.binary(inp[0]), inp[1], e, args.baseline_input_timeout)
        rec["dt"] = max(rec["dt"], r["dt"])  # the full run is what a mutant pays
    if r["status"] in ("crash", "timeout"):
        rec["status"] = r["status"]
    return rec, True


def baseline_runs(worker, inputs, args, env):
    """The unmutated tree, twice: first every finding class per input, then a
    check pass with those classes ignored that must come out clean (and the
    first finding must repeat). An input that crashes, hangs or does not repeat
    its result is left out: a mutant could not be judged on it."""
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        first = list(ex.map(lambda i: baseline_input(worker, i, args, env), inputs))
    args.ignore_mode = all(h for _, h in first) and not args.no_ignore
    if not args.ignore_mode:
        for rec, _ in first:  # first-finding mode: only the first class counts
            rec["classes"] = rec["classes"][:1]
    recs = [r for r, _ in first]

    def check(item):
        inp, rec = item
        if args.ignore_mode:
            return run_input(worker.binary(inp[0]), inp[1], input_env(env, rec, args),
                             args.baseline_input_timeout)
        return run_input(worker.binary(inp[0]), inp[1], env, args.baseline_input_timeout)
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        second = list(ex.map(check, zip(inputs, recs)))
    keep, base, excluded = [], {}, []
    for inp, a, b in zip(inputs, recs, second):
        if args.ignore_mode:
            same = b["status"] == "ok"
        else:
            same = {k: a.get(k) for k in ("status", "oracle", "func", "op", "msg")} == \
                   {k: b.get(k) for k in ("status", "oracle", "func", "op", "msg")}
        if a["status"] in ("crash", "timeout"):
            excluded.append((inp, a["status"]))
            continue
        if not same:
            excluded.append((inp, "non-deterministic"))
            continue
        a["dt"] = max(a["dt"], b["dt"])
        keep.append(inp)
        base[inp] = a
    return keep, base, excluded


def main_run(args):
    t_start = time.monotonic()
    src = os.path.abspath(args.src)
    args.files = args.files.split(",") if args.files else HOT_FILES
    root = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="zf-mutation-")
    os.makedirs(root, exist_ok=True)
    args.root = root
    snap = os.path.join(root, "snapshot")
    if os.path.exists(snap):
        shutil.rmtree(snap)
    copy_tree(src, snap)  # the tree is edited by others: freeze it once
    args.snap = snap
    log("mutation_test: scratch %s" % root)
    equivalents = load_equivalents(args.equivalents)
    if equivalents:
        log("mutation_test: %d documented equivalent mutant(s) in %s" % (
            len(equivalents), args.equivalents))

    texts, sites = {}, []
    for f in args.files:
        with open(os.path.join(snap, "allocator", f), encoding="utf-8") as fh:
            texts[f] = fh.read()
        sites += find_sites(f, texts[f])
    cands = choose_candidates(sites, args.seed)
    per_op = {op: sum(1 for s in sites if s.op == op) for op in OPERATORS}
    log("mutation_test: %d sites in %d files: %s" % (
        len(sites), len(args.files), ", ".join("%s %d" % kv for kv in per_op.items())))
    if args.list_sites:
        for s in sorted(sites, key=Site.key):
            print("%s:%d %s %s -> %s" % (s.file, s.line, s.op, site_lines(texts[s.file], s),
                                         site_lines(texts[s.file], s, True)))
        return 0
    if args.dry_run:
        for i, s in enumerate(cands[:args.mutants]):
            print("M%03d %s:%d %s %s -> %s" % (i + 1, s.file, s.line, s.op,
                                               site_lines(texts[s.file], s),
                                               site_lines(texts[s.file], s, True)))
        return 0

    inputs = collect_inputs(args, snap, root)
    if not inputs:
        raise SystemExit("mutation_test: no inputs")
    workers = [Worker(i, root, snap, args) for i in range(args.jobs)]
    log("mutation_test: configuring and building %d build dir(s)" % len(workers))
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        list(ex.map(lambda w: w.setup(), workers))
    env = run_env(args)
    log("mutation_test: baseline over %d inputs (twice)" % len(inputs))
    inputs, baseline, excluded = baseline_runs(workers[0], inputs, args, env)
    base_total = sum(b["dt"] for b in baseline.values())
    if args.timeout is None:
        args.timeout = max(60.0, 6 * base_total)
    if args.input_timeout is None:
        args.input_timeout = max(3.0, 20 * max((b["dt"] for b in baseline.values()), default=0.1))
    nfind = sum(1 for b in baseline.values() if b["status"] == "finding")
    log("mutation_test: %d inputs kept (%d excluded), %d with a baseline finding, "
        "%.1fs per mutant sequentially" % (len(inputs), len(excluded), nfind, base_total))

    cov = {}
    if not args.no_coverage:
        log("mutation_test: coverage build (gcov) to tell unreached sites apart")
        cov = line_coverage(args, snap, root, inputs)

    pool = list(workers)
    lock = threading.Lock()

    def job(item):
        mid, site = item
        with lock:
            w = pool.pop()
        try:
            r = evaluate(mid, site, texts[site.file], w, inputs, baseline, args, env)
        finally:
            with lock:
                pool.append(w)
        r["reach"] = site_reach(cov, site)
        apply_equivalents(equivalents, r)
        shown = r["result"] + (" (doc)" if r.get("equivalent_kind") == "documented" else "")
        if r.get("registry_conflict"):
            shown += " [registry says equivalent]"
        log("  %s %-22s %s %-12s %s %s" % (mid, "%s:%d" % (site.file, site.line), site.op,
                                           shown, ",".join(r["oracles"]),
                                           "(%.1fs)" % (r.get("build_s", 0) + r.get("run_s", 0))))
        return r

    recs, nxt, want = [], 0, args.mutants
    if args.only:
        ids = [int(x.strip().lstrip("Mm")) for x in args.only.split(",") if x.strip()]
        with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
            recs = list(ex.map(job, [("M%03d" % i, cands[i - 1]) for i in ids
                                     if 0 < i <= len(cands)]))
        want = 0
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        while want > 0 and nxt < len(cands):
            batch = [("M%03d" % (nxt + i + 1), cands[nxt + i])
                     for i in range(min(want, len(cands) - nxt))]
            nxt += len(batch)
            got = list(ex.map(job, batch))
            recs += got
            # an uncompilable mutant is replaced by the next candidate, in order
            want = sum(1 for r in got if r["result"] == "uncompilable")
    summary = summarise(recs)
    meta = {
        "command": " ".join(["scripts/mutation_test.py"] + sys.argv[1:]),
        "seed": args.seed, "input_seed": args.input_seed, "jobs": args.jobs,
        "timeout_s": args.timeout, "input_timeout_s": args.input_timeout,
        "files": {f: sha(os.path.join(snap, "allocator", f))[:12] for f in args.files},
        "sites": per_op, "nr_inputs": len(inputs),
        "inputs_desc": ", ".join("%s %d" % (t, sum(1 for i in inputs if i[0] == t))
                                 for t in REPLAYS),
        "excluded_inputs": len(excluded),
        "excluded": [(input_name(i, snap, root), why) for i, why in excluded],
        "baseline_findings": nfind,
        "ignore_mode": args.ignore_mode, "walk": args.walk,
        "baseline_by_oracle": {},
        "wall_s": None,
    }
    for b in baseline.values():
        for k in b.get("classes", []):
            meta["baseline_by_oracle"][k] = meta["baseline_by_oracle"].get(k, 0) + 1
    meta["wall_s"] = round(time.monotonic() - t_start, 1)
    write_reports(args.out, meta, recs, summary)
    c = summary["counts"]
    log("mutation_test: %s" % ", ".join("%s %d" % (k, c[k]) for k in RESULTS))
    log("mutation_test: killed/(killed+survived) %s (%d documented equivalent excluded; "
        "%s with them as survivors), (killed+crashed+timeout)/compiled %s; "
        "report in %s (%.0fs)" % (pct(summary["score_oracles"]), summary["equivalent_documented"],
                                  pct(summary["score_oracles_raw"]), pct(summary["score_harness"]),
                                  args.out, meta["wall_s"]))
    if summary["registry_conflicts"]:
        log("mutation_test: documented equivalent but killed (fix %s): %s" % (
            args.equivalents, ", ".join(summary["registry_conflicts"])))
    if not args.keep and not args.workdir:
        shutil.rmtree(root, ignore_errors=True)
    if args.min_score is not None and (summary["score_oracles"] or 0) < args.min_score:
        return 1
    return 0

# ---------------------------------------------------------------------------
# Self-test on tests/mutation/fixture.c
# ---------------------------------------------------------------------------


def self_test(args):
    fx = os.path.join(REPO, "tests", "mutation", "fixture.c")
    with open(fx, encoding="utf-8") as fh:
        text = fh.read()
    sites = find_sites("fixture.c", text)
    fails = []
    # expectations: "/*@ ROR=1 SDL=1 */" at the end of a line; no annotation: no site
    expect = {}
    for no, ln in enumerate(text.splitlines(), 1):
        m = re.search(r"/\*@([^*]*)\*/", ln)
        if m:
            expect[no] = {k: int(v) for k, v in re.findall(r"([A-Z]{3})=(\d+)", m.group(1))
                          if int(v)}
    got = {}
    for s in sites:
        got.setdefault(s.line, {}).setdefault(s.op, 0)
        got[s.line][s.op] += 1
    for no in sorted(set(expect) | set(got)):
        e, g = expect.get(no, {}), got.get(no, {})
        if e != g:
            fails.append("fixture.c:%d: expected %s, found %s" % (no, e, g))
    # every mutant must still be C (the fixture is self-contained)
    cc = shutil.which(args.cc) or shutil.which("gcc") or shutil.which("cc")
    with tempfile.TemporaryDirectory() as td:
        for s in sites:
            p = os.path.join(td, "m.c")
            with open(p, "w") as fh:
                fh.write(apply_site(text, s))
            r = subprocess.run([cc, "-std=c11", "-fsyntax-only", "-w", p], capture_output=True,
                               text=True)
            if r.returncode:
                fails.append("fixture.c:%d %s %r does not compile: %s" % (
                    s.line, s.op, s.repl, r.stderr.strip().splitlines()[:1]))
    # SDL keeps the line count (__LINE__ in trace macros must not move)
    for s in sites:
        if apply_site(text, s).count("\n") != text.count("\n"):
            fails.append("fixture.c:%d %s changes the line count" % (s.line, s.op))
    # the kill rule
    base_clean = {"status": "ok"}
    base_f = {"status": "finding", "oracle": "ZF_INV_COUNTERS", "func": "oracle walk", "op": 7}
    f2 = dict(base_f, classes=["ZF_INV_COUNTERS@oracle walk"])
    cases = [
        (base_clean, {"status": "ok"}, False, None),
        (base_clean, {"status": "finding", "oracle": "ZF_INV_BUDDY", "func": "x", "op": 3},
         False, "new"),
        (base_f, dict(base_f), False, None),
        (base_f, dict(base_f, op=9), False, None),
        (base_f, dict(base_f, op=2), False, "earlier"),
        (base_f, dict(base_f, oracle="ZF_INV_PLACEMENT"), False, "new-class"),
        (base_f, {"status": "ok"}, False, None),
        (base_f, {"status": "crash"}, False, None),
        (f2, dict(base_f, op=2), True, None),
        (f2, dict(base_f, func="__free_one_page"), True, "new-class"),
        (base_clean, dict(base_f), True, "new"),
    ]
    for b, m, mode, want in cases:
        if classify_input(b, m, mode) != want:
            fails.append("classify_input(%s, %s, %s) != %s" % (b, m, mode, want))
    # the run parser
    r = parse_run(1, "zonefuzz: ASSERTION FAILED: ZF_INV_BUDDY in __free_one_page\n"
                     "zonefuzz: message: m\nzonefuzz: at a.c:3, op 12, event 40, jiffies 1\n", 0.1)
    if (r["status"], r["oracle"], r["func"], r["op"]) != ("finding", "ZF_INV_BUDDY",
                                                          "__free_one_page", 12):
        fails.append("parse_run(finding) = %s" % r)
    if parse_run(-6, "boom", 0.1)["status"] != "crash" or parse_run(0, "", 0.1)["status"] != "ok":
        fails.append("parse_run(crash/ok) wrong")
    # the registry of documented equivalents
    reg, errs = parse_equivalents(
        "# comment\n"
        "fixture.c\tROR\tif (a  < b)\tif (a <= b)\tsame value when equal\n"
        "bad line without tabs\n"
        "fixture.c\tXXX\ta\tb\tc\n", "t")
    if len(reg) != 1 or len(errs) != 2:
        fails.append("parse_equivalents: %d entries, errors %s" % (len(reg), errs))
    rec = {"file": "allocator/fixture.c", "operator": "ROR", "before": "if (a < b)",
           "after": "if (a <= b)", "result": "survived"}
    apply_equivalents(reg, rec)
    if rec["result"] != "equivalent" or rec.get("equivalent_kind") != "documented":
        fails.append("apply_equivalents(survived) = %s" % rec)
    rec = dict(rec, result="killed")
    rec.pop("equivalent_kind", None)
    apply_equivalents(reg, rec)
    if rec["result"] != "killed" or not rec.get("registry_conflict"):
        fails.append("apply_equivalents(killed) = %s" % rec)
    rec = {"file": "allocator/fixture.c", "operator": "ROR", "before": "if (a < b)",
           "after": "if (a > b)", "result": "survived"}
    if apply_equivalents(reg, rec)["result"] != "survived":
        fails.append("apply_equivalents matched another mutation of the same line")
    summ = summarise([dict(rec, id="M1", kill_kind=None, oracles=[]),
                      {"id": "M2", "result": "equivalent", "equivalent_kind": "documented",
                       "kill_kind": None, "oracles": [], "operator": "ROR", "file": "f"},
                      {"id": "M3", "result": "killed", "kill_kind": "new", "oracles": ["X"],
                       "operator": "ROR", "file": "f"}])
    if (summ["score_oracles"], summ["score_oracles_raw"], summ["equivalent_documented"]) != (
            0.5, round(1 / 3, 4), 1):
        fails.append("summarise with a documented equivalent: %s" % summ)
    # the committed registry parses, and every entry names a line of its allocator file
    try:
        with open(EQUIVALENT_REGISTRY, encoding="utf-8") as fh:
            reg, errs = parse_equivalents(fh.read())
        fails += errs
        for (fname, op, before, after) in reg:
            path = os.path.join(REPO, "allocator", fname)
            with open(path, encoding="utf-8") as fh:
                lines = [norm_line(x) for x in fh.read().splitlines()]
            n = sum(1 for x in lines if len(x) > 8 and before.startswith(x))
            if n != 1:
                fails.append("equivalent.txt: %s: %d lines match %r (want exactly one)" % (
                    fname, n, before))
    except OSError as e:
        fails.append("equivalent.txt: %s" % e)
    # determinism of the choice
    a = [s.key() for s in choose_candidates(sites, 7)]
    b = [s.key() for s in choose_candidates(list(reversed(sites)), 7)]
    if a != b:
        fails.append("choose_candidates depends on the site order")
    for f in fails:
        print("FAIL " + f)
    print("self-test: %d sites, %d failure(s)" % (len(sites), len(fails)))
    return 1 if fails else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter,
                                 epilog=__doc__.split("\n\n", 1)[1])
    ap.add_argument("--mutants", type=int, default=60, help="compiled mutants to evaluate (60)")
    ap.add_argument("--seed", type=int, default=1, help="site choice seed (1)")
    ap.add_argument("--jobs", type=int, default=max(1, min(os.cpu_count() or 1, 8)),
                    help="mutants evaluated in parallel, one build dir each (cpu count)")
    ap.add_argument("--timeout", type=float, default=None,
                    help="seconds per mutant for the whole input set "
                         "(default max(60, 6 x the baseline's sequential time))")
    ap.add_argument("--input-timeout", type=float, default=None,
                    help="seconds per input (default max(3, 20 x the slowest baseline input))")
    ap.add_argument("--baseline-input-timeout", type=float, default=30.0)
    ap.add_argument("--inputs", choices=["both", "auto", "corpus", "random"], default="both",
                    help="both (default): corpus/<target>/{seeds,scenarios} plus generated "
                         "inputs; auto: the corpus where not empty, else generated inputs")
    ap.add_argument("--no-scenario-inputs", dest="scenario_inputs", action="store_false",
                    help="leave out the scenario files (%s, tests/known) that "
                         "zf-replay-json runs" % ", ".join(SCENARIO_DIRS))
    ap.add_argument("--random-inputs", type=int, default=300,
                    help="generated inputs per target (300), 64-1024 bytes each")
    ap.add_argument("--input-seed", type=int, default=1)
    ap.add_argument("--max-corpus", type=int, default=300,
                    help="at most this many corpus files per target (seeded sample)")
    ap.add_argument("--files", default=None,
                    help="comma-separated allocator/*.c to mutate (default: the hot files)")
    ap.add_argument("--out", default=os.path.join(REPO, "out", "mutation"))
    ap.add_argument("--src", default=REPO, help="tree to copy (default: this checkout)")
    ap.add_argument("--workdir", default=None, help="scratch dir (default: a new one in /tmp)")
    ap.add_argument("--keep", action="store_true", help="keep the scratch dir")
    ap.add_argument("--cc", default="gcc")
    ap.add_argument("--sanitize", action="store_true", help="ASan+UBSan mutant builds")
    ap.add_argument("--no-coverage", action="store_true", help="skip the gcov reach analysis")
    ap.add_argument("--walk", type=int, default=None,
                    help="oracle full-walk interval for every input (ZF_FUZZ_WALK; "
                         "default: each input's own)")
    ap.add_argument("--no-ignore", action="store_true",
                    help="judge first findings only, even if the harness has ZF_FUZZ_IGNORE")
    ap.add_argument("--equivalents", default=EQUIVALENT_REGISTRY,
                    help="registry of documented equivalent mutants ('none': no registry; "
                         "default tests/mutation/equivalent.txt)")
    ap.add_argument("--only", default=None,
                    help="evaluate just these candidates (e.g. M003,M054: ids of an earlier "
                         "run with the same seed and tree)")
    ap.add_argument("--stop-on-kill", action="store_true",
                    help="stop a mutant at its first kill (faster; fewer oracles named)")
    ap.add_argument("--min-score", type=float, default=None,
                    help="exit 1 when killed/(killed+survived) is below this (CI gate)")
    ap.add_argument("--list-sites", action="store_true", help="print every site and exit")
    ap.add_argument("--dry-run", action="store_true", help="print the chosen mutants and exit")
    ap.add_argument("--self-test", action="store_true",
                    help="check the lexer and operators on tests/mutation/fixture.c")
    args = ap.parse_args()
    args.cpus = os.cpu_count() or 1
    args.jobs = max(1, args.jobs)
    args.build_jobs = max(1, args.cpus // args.jobs)
    if args.self_test:
        return self_test(args)
    return main_run(args)


if __name__ == "__main__":
    sys.exit(main())
