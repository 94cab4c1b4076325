#!/usr/bin/env bash
# CI lane for the fuzz targets (under ~5 minutes on 2 cores):
#   1. every target built for libFuzzer (preset fuzz-libfuzzer, ASan+UBSan)
#      and for AFL++ (preset fuzz-afl, afl-clang-fast);
#   2. each target fuzzed briefly by each engine (ZF_CI_FUZZ_SECONDS, default
#      10) from its seed corpus, with its dictionary;
#   3. the whole committed corpus replayed through the plain replay binaries
#      (preset default, zf-replay-<t>) with every oracle on.
# No finding is allowed except the known ones: tests/known/*.json (if any)
# and the findings seed scenarios document ("_expect_finding"), passed to
# the harness as ZF_FUZZ_IGNORE by scripts/known-findings.sh.
#
#   scripts/ci-fuzz.sh            exit 0 clean, 1 a finding or a failed step
# Needs: cmake ninja-build clang libclang-rt-14-dev afl++ libcjson-dev python3.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
SECS=${ZF_CI_FUZZ_SECONDS:-10}
JOBS=$(nproc 2>/dev/null || echo 2)
TARGETS="buddy slowpath gfp interleave scenario"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-ci-fuzz.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
rc=0
fail() { echo "ci-fuzz: FAIL: $*"; rc=1; }

for tool in cmake ninja clang afl-fuzz afl-clang-fast python3; do
  command -v "$tool" >/dev/null || { echo "ci-fuzz: $tool not found" >&2; exit 2; }
done
export ZF_FUZZ_IGNORE
ZF_FUZZ_IGNORE=$(scripts/known-findings.sh "$ROOT")
echo "ci-fuzz: known findings: ${ZF_FUZZ_IGNORE:-none}"

build() { # preset target...
  local preset=$1; shift
  local args=()
  for t in "$@"; do args+=(--target "$t"); done
  { cmake --preset "$preset" && cmake --build --preset "$preset" -j "$JOBS" "${args[@]}"; } \
    > "$TMP/build-$preset.log" 2>&1 || { tail -30 "$TMP/build-$preset.log"; fail "build $preset"; return 1; }
  echo "ci-fuzz: built preset $preset"
}
FUZZ=(); REPLAY=()
for t in $TARGETS; do FUZZ+=("fuzz_$t"); REPLAY+=("zf-replay-$t"); done
build fuzz-libfuzzer "${FUZZ[@]}"
build fuzz-afl "${FUZZ[@]}"
build default "${REPLAY[@]}"

# 2. brief fuzzing, both engines
for t in $TARGETS; do
  dict=corpus/$t/$t.dict
  max_len=$(sed -n 's/^max_len *= *//p' corpus/$t/fuzz_$t.options 2>/dev/null)
  c=$TMP/lf-$t; mkdir -p "$c"; cp corpus/$t/seeds/* "$c/" 2>/dev/null
  if build-fuzz/bin/fuzz_$t -max_total_time="$SECS" -seed=1 -timeout=60 \
       ${max_len:+-max_len=$max_len} -dict="$dict" -artifact_prefix="$TMP/lf-$t-" "$c" \
       > "$TMP/lf-$t.log" 2>&1; then
    echo "ci-fuzz: libFuzzer $t: ok ($(grep -o 'exec/s: [0-9]*' "$TMP/lf-$t.log" | tail -1))"
  else
    grep -m3 -E 'ASSERTION FAILED|ERROR|runtime error' "$TMP/lf-$t.log"
    fail "libFuzzer $t found something (artifact in the log above)"
  fi
  a=$TMP/afl-$t
  AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_ALLOW_TMP=1 \
    AFL_FAST_CAL=1 AFL_NO_AFFINITY=1 \
    afl-fuzz -i "corpus/$t/seeds" -o "$a" -V "$SECS" -t 10000+ -m none -x "$dict" -s 1 \
      -- "build-afl/bin/fuzz_$t" > "$TMP/afl-$t.log" 2>&1
  st=$?
  crashes=$(find "$a" -path '*crashes/id:*' 2>/dev/null | wc -l)
  if [ "$st" -ne 0 ]; then
    tail -5 "$TMP/afl-$t.log"; fail "AFL++ $t: afl-fuzz exit $st"
  elif [ "$crashes" -ne 0 ]; then
    fail "AFL++ $t: $crashes crash(es): $(find "$a" -path '*crashes/id:*' | head -2)"
  else
    echo "ci-fuzz: AFL++ $t: ok ($(sed -n 's/^execs_done *: //p' "$a"/default/fuzzer_stats 2>/dev/null) execs)"
  fi
done

# 3. the committed corpus, plain replay, every oracle
for t in $TARGETS; do
  if build/bin/zf-replay-$t "corpus/$t/seeds" > "$TMP/replay-$t.log" 2>&1; then
    echo "ci-fuzz: replay $t: $(tail -1 "$TMP/replay-$t.log")"
  else
    grep -m3 'ASSERTION FAILED' "$TMP/replay-$t.log"
    fail "replay of corpus/$t/seeds"
  fi
done
[ $rc -eq 0 ] && echo "ci-fuzz: all clean" || echo "ci-fuzz: FAILED"
exit $rc
