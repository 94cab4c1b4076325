#!/usr/bin/env bash
# Prints the known findings of tests/known/*.json (the triage format:
# "oracle" + "function", or "signature": "ORACLE|function|gfp|order") as the
# ZF_FUZZ_IGNORE list of the fuzz harness: ORACLE[@function[~text]],... (an
# entry's "fuzz_ignore" verbatim where it has one). Nothing when
# the directory is absent or empty. Also the "_expect_finding" oracles that
# seed scenarios document (corpus/*/scenarios/*.json): those seeds reproduce
# a faithful kernel behaviour on purpose.
ROOT=${1:-$(cd "$(dirname "$0")/.." && pwd)}
python3 - "$ROOT" <<'PY'
import glob, json, os, sys
root = sys.argv[1]
out = []
def add(x):
    if x and x not in out:
        out.append(x)
for p in sorted(glob.glob(os.path.join(root, 'tests/known/*.json'))):
    try:
        doc = json.load(open(p))
    except Exception:
        continue
    if isinstance(doc, dict):
        doc = doc.get('findings', doc.get('known', [doc]))
    for e in doc if isinstance(doc, list) else []:
        if not isinstance(e, dict):
            continue
        sig = e.get('signature', e)
        if isinstance(e.get('fuzz_ignore'), str):
            # ORACLE@function~message text: a known finding whose oracle and
            # function also report findings that are not known
            add(e['fuzz_ignore'])
        elif isinstance(sig, str):
            parts = sig.split('|')
            add(parts[0] + ('@' + parts[1] if len(parts) > 1 and parts[1] not in ('', '*') else ''))
        elif isinstance(sig, dict) and sig.get('oracle'):
            fn = sig.get('function')
            add(sig['oracle'] + ('@' + fn if fn and fn != '*' else ''))
for p in sorted(glob.glob(os.path.join(root, 'corpus/*/scenarios/*.json'))):
    try:
        e = json.load(open(p)).get('_expect_finding')
    except Exception:
        continue
    add(e)
print(','.join(out))
PY
