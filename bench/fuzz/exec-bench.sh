#!/usr/bin/env bash
# Executions per second of every fuzz target, for libFuzzer and AFL++, from
# the seed corpus, one core, SECS seconds each, all oracles on, against two
# references measured in the same run:
#   empty   targets/fuzz_empty.c: same flags, returns at once (the engine's ceiling);
#   header  the same target with inputs cut to the 4-byte header: decoder,
#           machine, oracle reset and final walk, zero operations (the
#           harness's own floor: no target input can be cheaper).
# Targets run as CI runs them (scripts/ci-fuzz.sh): the dictionary and max_len
# of corpus/<t>/fuzz_<t>.options (max_len also as AFL_INPUT_LEN_MAX for AFL++),
# the known findings of tests/known as ZF_FUZZ_IGNORE, and ZF_FUZZ_NO_ABORT=1
# so that a finding does not end the run.
#
#   bench/fuzz/exec-bench.sh [-s SECS] [-e "libfuzzer libfuzzer-asan afl"] [-t "buddy slowpath"]
# Engines: libfuzzer (preset fuzz-libfuzzer-nosan), libfuzzer-asan (preset
# fuzz-libfuzzer, ASan+UBSan as in CI and ClusterFuzzLite), afl (preset
# fuzz-afl). Prints a markdown table: execs/s, and the ratios target/empty
# and target/header.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=30 ENGINES="libfuzzer libfuzzer-asan afl" TARGETS="buddy slowpath gfp interleave scenario"
while getopts "s:e:t:" o; do
  case $o in s) SECS=$OPTARG ;; e) ENGINES=$OPTARG ;; t) TARGETS=$OPTARG ;; *) exit 2 ;; esac
done
case "$SECS" in '' | *[!0-9]*) echo "exec-bench: -s: not a number of seconds: $SECS" >&2; exit 2 ;; esac
for e in $ENGINES; do
  case $e in libfuzzer | libfuzzer-asan | afl) ;; *) echo "exec-bench: unknown engine '$e'" >&2; exit 2 ;; esac
done
for t in $TARGETS; do
  [ -d "$ROOT/corpus/$t/seeds" ] || { echo "exec-bench: unknown target '$t'" >&2; exit 2; }
done
cd "$ROOT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-exec-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
declare -A PRESET=([libfuzzer]=fuzz-libfuzzer-nosan [libfuzzer-asan]=fuzz-libfuzzer [afl]=fuzz-afl)
declare -A BDIR=([libfuzzer]=build-fuzz-nosan [libfuzzer-asan]=build-fuzz [afl]=build-afl)
declare -A R
export ZF_FUZZ_IGNORE ZF_FUZZ_NO_ABORT=1
ZF_FUZZ_IGNORE=$(scripts/known-findings.sh "$ROOT")

# run ENGINE BINARY SEED_DIR MAX_LEN DICT LOG -> prints execs/s (empty if none)
run() {
  local e=$1 bin=$2 in=$3 max_len=$4 dict=$5 log=$6
  if [ "$e" = afl ]; then
    AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_ALLOW_TMP=1 \
      AFL_NO_AFFINITY=1 env ${max_len:+AFL_INPUT_LEN_MAX=$max_len} \
      afl-fuzz -i "$in" -o "$TMP/out" -V "$SECS" -t 10000+ -m none -s 1 ${dict:+-x "$dict"} \
      -- "$bin" > "$log" 2>&1
    awk -F: '/^execs_done/ {d=$2} /^run_time/ {r=$2} END {if (r > 0) printf "%.0f", d / r}' \
      "$TMP/out/default/fuzzer_stats" 2>/dev/null
    rm -rf "$TMP/out"
  else
    "$bin" -max_total_time="$SECS" -seed=1 -timeout=60 -print_final_stats=1 \
      ${max_len:+-max_len=$max_len} ${dict:+-dict="$dict"} "$in" > "$log" 2>&1
    sed -n 's/^stat::average_exec_per_sec: *//p' "$log"
  fi
}

for e in $ENGINES; do
  args=(--target fuzz_empty); for t in $TARGETS; do args+=(--target "fuzz_$t"); done
  cmake --preset "${PRESET[$e]}" >/dev/null && cmake --build --preset "${PRESET[$e]}" "${args[@]}" >/dev/null \
    || { echo "exec-bench: build ${PRESET[$e]} failed" >&2; exit 2; }
  b=${BDIR[$e]}/bin
  in=$TMP/in-$e-empty; mkdir -p "$in"; cp corpus/buddy/seeds/* "$in/"
  v=$(run "$e" "$b/fuzz_empty" "$in" "" "" "$TMP/log-$e-empty")
  R[$e,empty]=${v:-?}
  echo "exec-bench: $e empty: ${v:-?} execs/s" >&2
  for t in $TARGETS; do
    max_len=$(sed -n 's/^max_len *= *//p' "corpus/$t/fuzz_$t.options" 2>/dev/null)
    dict=corpus/$t/$t.dict; [ -f "$dict" ] || dict=
    in=$TMP/in-$e-$t; mkdir -p "$in"; cp corpus/$t/seeds/* "$in/"
    v=$(run "$e" "$b/fuzz_$t" "$in" "$max_len" "$dict" "$TMP/log-$e-$t")
    R[$e,$t]=${v:-?}
    echo "exec-bench: $e $t: ${v:-?} execs/s" >&2
    [ "$t" = scenario ] && continue # JSON, no header: no zero-operation input
    # the harness's floor: every seed cut to its header, no input longer than it
    in=$TMP/hdr-$e-$t; mkdir -p "$in"
    for f in corpus/$t/seeds/*; do head -c 4 "$f" > "$in/$(basename "$f")"; done
    v=$(run "$e" "$b/fuzz_$t" "$in" 4 "" "$TMP/log-$e-$t-hdr")
    R[$e,$t,hdr]=${v:-?}
    echo "exec-bench: $e $t, header only: ${v:-?} execs/s" >&2
  done
done

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2g%%", 100 * a / b; else printf "?" }'; }
printf '| target |'
for e in $ENGINES; do printf ' %s execs/s | /empty | /header |' "$e"; done; echo
printf '|---|'; for e in $ENGINES; do printf -- '---|---|---|'; done; echo
printf '| empty harness |'
for e in $ENGINES; do printf ' %s | | |' "${R[$e,empty]}"; done; echo
for t in $TARGETS; do
  [ "$t" = scenario ] || {
    printf '| %s, header only |' "$t"
    for e in $ENGINES; do
      printf ' %s | %s | |' "${R[$e,$t,hdr]}" "$(ratio "${R[$e,$t,hdr]}" "${R[$e,empty]}")"
    done
    echo
  }
  printf '| %s |' "$t"
  for e in $ENGINES; do
    printf ' %s | %s | %s |' "${R[$e,$t]}" "$(ratio "${R[$e,$t]}" "${R[$e,empty]}")" \
      "$( [ "$t" = scenario ] && echo "" || ratio "${R[$e,$t]}" "${R[$e,$t,hdr]:-0}")"
  done
  echo
done
