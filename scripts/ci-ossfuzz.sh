#!/usr/bin/env bash
# Runs .clusterfuzzlite/build.sh here exactly as OSS-Fuzz / ClusterFuzzLite
# would (same variables: CC CXX CFLAGS CXXFLAGS LIB_FUZZING_ENGINE SRC WORK
# OUT), then every produced target briefly on its own seed zip (-runs=200),
# with its dictionary. Known findings of tests/known/*.json are looked past
# (ZF_FUZZ_IGNORE); any other finding fails the script.
#
#   scripts/ci-ossfuzz.sh [--keep]     (--keep: leave $WORK and $OUT behind)
#
# Needs: clang, libclang-rt-14-dev, cmake, ninja-build, zip, unzip, libcjson-dev.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KEEP=0
[ "${1:-}" = "--keep" ] && KEEP=1
for tool in clang clang++ cmake ninja zip unzip; do
  command -v "$tool" >/dev/null || { echo "ci-ossfuzz: $tool not found" >&2; exit 2; }
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/zf-ossfuzz.XXXXXX")
cleanup() { if [ "$KEEP" = 0 ]; then rm -rf "$TMP"; else echo "ci-ossfuzz: kept $TMP"; fi; }
trap cleanup EXIT
export SRC=$TMP/src WORK=$TMP/work OUT=$TMP/out
mkdir -p "$SRC" "$WORK" "$OUT"
ln -s "$ROOT" "$SRC/zonefuzz"          # $SRC/zonefuzz is this checkout
export CC=clang CXX=clang++
export CFLAGS="-O1 -fno-omit-frame-pointer -gline-tables-only -fsanitize=address,undefined -fsanitize=fuzzer-no-link"
export CXXFLAGS="$CFLAGS"
export LIB_FUZZING_ENGINE=-fsanitize=fuzzer
export ZF_SRC="$ROOT"

echo "ci-ossfuzz: build.sh (OUT=$OUT)"
bash "$ROOT/.clusterfuzzlite/build.sh" > "$TMP/build.log" 2>&1 || { tail -40 "$TMP/build.log"; exit 1; }

IGNORE=$("$ROOT/scripts/known-findings.sh" "$ROOT")
export ZF_FUZZ_IGNORE="$IGNORE"
rc=0
for bin in "$OUT"/fuzz_*; do
  case "$bin" in *.dict|*.options|*.zip) continue ;; esac
  t=$(basename "$bin")
  for f in "$t" "${t}_seed_corpus.zip" "$t.options"; do
    [ -e "$OUT/$f" ] || { echo "ci-ossfuzz: $f missing from \$OUT" >&2; rc=1; }
  done
  seeds=$TMP/seeds-$t
  mkdir -p "$seeds"
  [ -f "$OUT/${t}_seed_corpus.zip" ] && unzip -q -o "$OUT/${t}_seed_corpus.zip" -d "$seeds"
  nseeds=$(find "$seeds" -type f | wc -l)
  dict=()
  [ -f "$OUT/$t.dict" ] && dict=(-dict="$OUT/$t.dict")
  if "$bin" -runs=200 -seed=1 "${dict[@]}" -artifact_prefix="$TMP/$t-" "$seeds" > "$TMP/$t.log" 2>&1; then
    echo "ci-ossfuzz: $t: ok ($nseeds seeds, 200 runs)"
  else
    echo "ci-ossfuzz: $t: FAILED"; grep -E 'ASSERTION FAILED|ERROR|runtime error' "$TMP/$t.log" | head -5
    rc=1
  fi
done
exit $rc
