#!/usr/bin/env bash
# Time to detect each planted bug (planted-bugs.md), Magma/FuzzBench style:
# for every bug of bench/fuzz/bugs.tsv, ENGINES x CORPORA x RUNS runs of at
# most CAP seconds each; a run "detects" the bug when the engine reports a
# crash. The harness runs with ZF_BUGS=<bug>, ZF_ORACLES=<the bug's oracles>
# and ZF_FUZZ_DIFF=1: a finding counts only if the same input without the
# planted bug does not report it (the unmodified model has known findings,
# see docs/fuzzing.md). Both engines use uninstrumented-by-sanitizer builds
# (presets fuzz-libfuzzer-nosan and fuzz-afl: the same flags), one core each.
#
#   bench/fuzz/bug-bench.sh [-c CAP] [-r RUNS] [-e "libfuzzer afl"] [-k "empty seeds"]
#                           [-b "B3 B11"] [-o OUT.tsv]
# Prints one line per run and, at the end, the median table in markdown.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
CAP=60 RUNS=5 ENGINES="libfuzzer afl" CORPORA="empty seeds" BUGS="" OUT=""
while getopts "c:r:e:k:b:o:" o; do
  case $o in
  c) CAP=$OPTARG ;; r) RUNS=$OPTARG ;; e) ENGINES=$OPTARG ;; k) CORPORA=$OPTARG ;;
  b) BUGS=$OPTARG ;; o) OUT=$OPTARG ;; *) exit 2 ;;
  esac
done
cd "$ROOT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-bug-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
OUT=${OUT:-$TMP/runs.tsv}
: > "$OUT"

build() { # preset dir target... (incremental: cheap when up to date)
  local preset=$1; shift 2
  local args=(); for t in "$@"; do args+=(--target "fuzz_$t"); done
  cmake --preset "$preset" >/dev/null && cmake --build --preset "$preset" "${args[@]}" >/dev/null \
    || { echo "bug-bench: building $preset failed" >&2; exit 2; }
}
build fuzz-libfuzzer-nosan build-fuzz-nosan buddy slowpath gfp interleave
case " $ENGINES " in *" afl "*) build fuzz-afl build-afl buddy slowpath gfp interleave ;; esac

now() { date +%s.%N; }
one_run() { # engine corpus bug target oracles seed -> prints seconds or "-"
  local eng=$1 corp=$2 bug=$3 t=$4 orc=$5 seed=$6
  local w=$TMP/run; rm -rf "$w"; mkdir -p "$w/in" "$w/art"
  [ "$corp" = seeds ] && cp corpus/$t/seeds/* "$w/in/"
  local max_len; max_len=$(sed -n 's/^max_len *= *//p' corpus/$t/fuzz_$t.options)
  local t0 t1 found=0
  t0=$(now)
  if [ "$eng" = libfuzzer ]; then
    ZF_BUGS=$bug ZF_ORACLES=$orc ZF_FUZZ_DIFF=1 timeout $((CAP + 30)) \
      build-fuzz-nosan/bin/fuzz_$t -max_total_time="$CAP" -seed="$seed" -timeout=30 \
      -max_len="$max_len" -dict=corpus/$t/$t.dict -artifact_prefix="$w/art/" "$w/in" \
      > "$w/log" 2>&1
    ls "$w/art"/crash-* >/dev/null 2>&1 && found=1
  else
    [ "$corp" = empty ] && printf '\0\0\0\0' > "$w/in/empty"
    # AFL++ 4.04c skips a seed that crashes in its dry run without recording
    # it: replay the seeds first, as that dry run does, and count a crash
    if [ "$corp" = seeds ]; then
      for f in "$w/in"/*; do
        if ! ZF_BUGS=$bug ZF_ORACLES=$orc ZF_FUZZ_DIFF=1 build-afl/bin/fuzz_$t "$f" > /dev/null 2>&1; then
          found=1
          break
        fi
      done
    fi
  fi
  if [ "$eng" = afl ] && [ $found = 0 ]; then
    ZF_BUGS=$bug ZF_ORACLES=$orc ZF_FUZZ_DIFF=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 \
      AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_ALLOW_TMP=1 AFL_BENCH_UNTIL_CRASH=1 \
      AFL_FAST_CAL=1 AFL_NO_AFFINITY=1 timeout $((CAP + 30)) \
      afl-fuzz -i "$w/in" -o "$w/out" -V "$CAP" -s "$seed" -t 10000+ -m none \
      -x corpus/$t/$t.dict -- build-afl/bin/fuzz_$t > "$w/log" 2>&1
    ls "$w/out"/default/crashes/id:* >/dev/null 2>&1 && found=1
  fi
  t1=$(now)
  if [ $found = 1 ]; then awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }'; else echo "-"; fi
}

grep -v '^#' bench/fuzz/bugs.tsv | while IFS=$'\t' read -r bug t orc; do
  [ -n "$BUGS" ] && [[ " $BUGS " != *" $bug "* ]] && continue
  for eng in $ENGINES; do
    for corp in $CORPORA; do
      for i in $(seq 1 "$RUNS"); do
        s=$(one_run "$eng" "$corp" "$bug" "$t" "$orc" "$i")
        printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$bug" "$t" "$eng" "$corp" "$i" "$s" | tee -a "$OUT"
      done
    done
  done
done

# median table: undetected runs count as "> CAP"
python3 - "$OUT" "$CAP" "$RUNS" <<'PY'
import sys, statistics, collections
path, cap, runs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
d = collections.OrderedDict()
for line in open(path):
    bug, t, eng, corp, i, s = line.rstrip('\n').split('\t')
    d.setdefault((bug, t), {}).setdefault((eng, corp), []).append(None if s == '-' else float(s))
cols = [('libfuzzer', 'empty'), ('libfuzzer', 'seeds'), ('afl', 'empty'), ('afl', 'seeds')]
cols = [c for c in cols if any(c in v for v in d.values())]
print('| bug | target | ' + ' | '.join('%s %s' % c for c in cols) + ' |')
print('|---|---|' + '---|' * len(cols))
for (bug, t), v in d.items():
    cells = []
    for c in cols:
        xs = v.get(c)
        if not xs:
            cells.append('n/a'); continue
        found = [x for x in xs if x is not None]
        key = sorted(x if x is not None else float('inf') for x in xs)
        med = statistics.median(key)
        cells.append('%s (%d/%d)' % ('> %gs' % cap if med == float('inf') else '%.1fs' % med,
                                     len(found), len(xs)))
    print('| %s | %s | %s |' % (bug, t, ' | '.join(cells)))
PY
