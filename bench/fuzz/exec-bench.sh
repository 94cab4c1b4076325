#!/usr/bin/env bash
# Executions per second of every fuzz target beside the empty harness
# (targets/fuzz_empty.c: same flags, no model), for libFuzzer and AFL++,
# from the seed corpus, one core, SECS seconds each, all oracles on.
#
#   bench/fuzz/exec-bench.sh [-s SECS] [-e "libfuzzer libfuzzer-asan afl"]
# Engines: libfuzzer (preset fuzz-libfuzzer-nosan), libfuzzer-asan (preset
# fuzz-libfuzzer, ASan+UBSan as in CI and ClusterFuzzLite), afl (preset
# fuzz-afl). Prints a markdown table.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SECS=30 ENGINES="libfuzzer libfuzzer-asan afl"
while getopts "s:e:" o; do
  case $o in s) SECS=$OPTARG ;; e) ENGINES=$OPTARG ;; *) exit 2 ;; esac
done
cd "$ROOT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-exec-bench.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
TARGETS="empty buddy slowpath gfp interleave scenario"
declare -A PRESET=([libfuzzer]=fuzz-libfuzzer-nosan [libfuzzer-asan]=fuzz-libfuzzer [afl]=fuzz-afl)
declare -A BDIR=([libfuzzer]=build-fuzz-nosan [libfuzzer-asan]=build-fuzz [afl]=build-afl)
declare -A R
for e in $ENGINES; do
  args=(); for t in $TARGETS; do args+=(--target "fuzz_$t"); done
  cmake --preset "${PRESET[$e]}" >/dev/null && cmake --build --preset "${PRESET[$e]}" "${args[@]}" >/dev/null \
    || { echo "exec-bench: build ${PRESET[$e]} failed" >&2; exit 2; }
  for t in $TARGETS; do
    in=$TMP/in-$e-$t; mkdir -p "$in"
    if [ "$t" = empty ]; then cp corpus/buddy/seeds/* "$in/"; else cp corpus/$t/seeds/* "$in/"; fi
    if [ "$e" = afl ]; then
      AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_ALLOW_TMP=1 \
        AFL_NO_AFFINITY=1 ZF_FUZZ_NO_ABORT=1 \
        afl-fuzz -i "$in" -o "$TMP/out-$t" -V "$SECS" -t 10000+ -m none -s 1 \
        -- "${BDIR[$e]}/bin/fuzz_$t" > "$TMP/log-$e-$t" 2>&1
      v=$(awk -F: '/^execs_done/ {d=$2} /^run_time/ {r=$2} END {if (r > 0) printf "%.0f", d / r}' \
          "$TMP/out-$t/default/fuzzer_stats" 2>/dev/null)
      rm -rf "$TMP/out-$t"
    else
      # known findings must not end the run: ZF_FUZZ_NO_ABORT keeps every input a normal one
      ZF_FUZZ_NO_ABORT=1 "${BDIR[$e]}/bin/fuzz_$t" -max_total_time="$SECS" -seed=1 -timeout=60 \
        -print_final_stats=1 "$in" > "$TMP/log-$e-$t" 2>&1
      v=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$TMP/log-$e-$t")
    fi
    R[$e,$t]=${v:-?}
    echo "exec-bench: $e $t: ${v:-?} execs/s" >&2
  done
done
printf '| target |'; for e in $ENGINES; do printf ' %s execs/s |' "$e"; done; echo
printf '|---|'; for e in $ENGINES; do printf -- '---|'; done; echo
for t in $TARGETS; do
  printf '| %s |' "$( [ $t = empty ] && echo 'empty harness' || echo $t)"
  for e in $ENGINES; do printf ' %s |' "${R[$e,$t]}"; done; echo
done
