#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script (ecosystem notes §1.1, §1.2).
#
# Honours the OSS-Fuzz build environment: $CC $CXX $CFLAGS $CXXFLAGS
# $LIB_FUZZING_ENGINE $SRC $WORK $OUT. The sources are $SRC/zonefuzz (the
# Dockerfile's COPY), or $ZF_SRC. scripts/ci-ossfuzz.sh runs this script on a
# developer machine with the same variables.
#
# Ships, per target T (buddy slowpath gfp interleave scenario):
#   $OUT/fuzz_T                 linked with $CXX and $LIB_FUZZING_ENGINE
#   $OUT/fuzz_T_seed_corpus.zip corpus/T/seeds
#   $OUT/fuzz_T.dict            corpus/T/T.dict
#   $OUT/fuzz_T.options         corpus/T/fuzz_T.options ([libfuzzer] dict, max_len)
#
# cJSON must be linked statically ("the built fuzzers should have dependencies
# statically linked"): Debian's libcjson-dev ships only the shared library, so
# when $SRC/cjson (a clone of DaveGamble/cJSON, see the Dockerfile) exists it
# is compiled here with the same compiler and flags; otherwise (local CI) the
# system library is used.
# SanitizerCoverage skips the oracles' full-state walks and the helpers only
# they call (targets/coverage-ignorelist.txt): cmake/Sanitizers.cmake adds
# -fsanitize-coverage-ignorelist when $CFLAGS ask for SanitizerCoverage
# (libFuzzer, honggfuzz, ...), or sets AFL_LLVM_DENYLIST when $CC is afl-*.
SRCDIR=${ZF_SRC:-$SRC/zonefuzz}
BUILD=$WORK/zonefuzz-build
TARGETS="buddy slowpath gfp interleave scenario"

CJSON_ARGS=()
if [ -f "$SRC/cjson/cJSON.c" ]; then
  mkdir -p "$WORK/cjson/include/cjson"
  cp "$SRC/cjson/cJSON.h" "$WORK/cjson/include/cjson/"
  $CC $CFLAGS -c "$SRC/cjson/cJSON.c" -o "$WORK/cjson/cJSON.o"
  ar rcs "$WORK/cjson/libcjson.a" "$WORK/cjson/cJSON.o"
  CJSON_ARGS=(-DCJSON_INCLUDE_DIR="$WORK/cjson/include" -DCJSON_LIBRARY="$WORK/cjson/libcjson.a")
fi

cmake -S "$SRCDIR" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-$CFLAGS}" \
  -DZF_FUZZ_ENGINE=oss-fuzz -DZF_BUILD_TESTS=OFF -DZF_BUILD_CLI=OFF -DZF_WERROR=OFF \
  "${CJSON_ARGS[@]}"

for t in $TARGETS; do
  cmake --build "$BUILD" --target "fuzz_$t"
  cp "$BUILD/bin/fuzz_$t" "$OUT/"
  c="$SRCDIR/corpus/$t"
  if [ -f "$c/$t.dict" ]; then cp "$c/$t.dict" "$OUT/fuzz_$t.dict"; fi
  if [ -f "$c/fuzz_$t.options" ]; then cp "$c/fuzz_$t.options" "$OUT/"; fi
  rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
  if [ -d "$c/seeds" ] && [ -n "$(ls -A "$c/seeds")" ]; then
    (cd "$c/seeds" && zip -q -r "$OUT/fuzz_${t}_seed_corpus.zip" .)
  fi
done
