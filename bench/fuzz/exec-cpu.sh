#!/usr/bin/env bash
# Executions per CPU second of the libFuzzer targets: the CPU-time table of
# docs/benchmarks.md ("Executions per second"), which a loaded machine does
# not inflate the way it does wall-clock rates. Per target, user + sys CPU
# seconds (/usr/bin/time) of
#   fuzz_<t> -runs=RUNS -seed=1 -max_len=<options' max_len> -dict=<t>.dict DIR
# with DIR a fresh copy of corpus/<t>/seeds (libFuzzer writes new inputs into
# it); header only: -runs=HRUNS -max_len=4 on the seeds cut to 4 bytes;
# empty: fuzz_empty -runs=3000000. Environment as in exec-bench.sh: every
# oracle on, ZF_FUZZ_IGNORE = the known findings, ZF_FUZZ_NO_ABORT=1.
#
#   bench/fuzz/exec-cpu.sh [-b BINDIR] [-r RUNS] [-H HRUNS] [-t "buddy slowpath"]
# BINDIR: the fuzz_* binaries (default build-fuzz/bin, preset fuzz-libfuzzer,
# built by the caller). Prints "target execs-per-cpu-second" lines.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BIN=$ROOT/build-fuzz/bin RUNS=300 HRUNS=1000 TARGETS="buddy slowpath gfp interleave"
while getopts "b:r:H:t:" o; do
  case $o in b) BIN=$OPTARG ;; r) RUNS=$OPTARG ;; H) HRUNS=$OPTARG ;; t) TARGETS=$OPTARG ;; *) exit 2 ;; esac
done
cd "$ROOT"
TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-exec-cpu.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export ZF_FUZZ_IGNORE ZF_FUZZ_NO_ABORT=1
ZF_FUZZ_IGNORE=$(scripts/known-findings.sh "$ROOT")

# cpu RUNS CMD... -> execs per CPU second (user + sys)
cpu() {
  local runs=$1
  shift
  /usr/bin/time -f "%U %S" -o "$TMP/time" "$@" > "$TMP/log" 2>&1 || {
    echo "exec-cpu: $* failed (see below)" >&2
    tail -5 "$TMP/log" >&2
  }
  awk -v n="$runs" '{ s = $1 + $2; if (s > 0) printf "%.0f", n / s; else printf "?" }' "$TMP/time"
}

mkdir -p "$TMP/empty"
echo "empty $(cpu 3000000 "$BIN/fuzz_empty" -runs=3000000 -seed=1 "$TMP/empty")"
for t in $TARGETS; do
  max_len=$(sed -n 's/^max_len *= *//p' "corpus/$t/fuzz_$t.options" 2>/dev/null)
  dict=corpus/$t/$t.dict
  rm -rf "$TMP/in" "$TMP/hdr"
  mkdir -p "$TMP/in" "$TMP/hdr"
  cp corpus/"$t"/seeds/* "$TMP/in/"
  for f in corpus/"$t"/seeds/*; do head -c 4 "$f" > "$TMP/hdr/$(basename "$f")"; done
  echo "$t,header $(cpu "$HRUNS" "$BIN/fuzz_$t" -runs="$HRUNS" -seed=1 -max_len=4 "$TMP/hdr")"
  echo "$t $(cpu "$RUNS" "$BIN/fuzz_$t" -runs="$RUNS" -seed=1 ${max_len:+-max_len=$max_len} \
    ${dict:+-dict=$dict} "$TMP/in")"
done
