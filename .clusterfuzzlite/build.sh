#!/bin/bash -eu
# OSS-Fuzz / ClusterFuzzLite build script. Honours $CC $CXX $CFLAGS
# $LIB_FUZZING_ENGINE $SRC $WORK $OUT as the OSS-Fuzz build environment sets
# them; CI runs it locally with the same variables (scripts/ci-ossfuzz.sh).
SRCDIR=${ZF_SRC:-$SRC/zonefuzz}
BUILD=$WORK/zonefuzz-build
cmake -S "$SRCDIR" -B "$BUILD" -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
  -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_CXX_FLAGS="${CXXFLAGS:-$CFLAGS}" \
  -DZF_FUZZ_ENGINE=oss-fuzz -DZF_BUILD_TESTS=OFF -DZF_BUILD_CLI=OFF -DZF_WERROR=OFF
TARGETS="buddy slowpath gfp interleave scenario"
for t in $TARGETS; do
  cmake --build "$BUILD" --target "fuzz_$t"
  cp "$BUILD/bin/fuzz_$t" "$OUT/"
  c="$SRCDIR/corpus/$t"
  [ -f "$c/$t.dict" ] && cp "$c/$t.dict" "$OUT/fuzz_$t.dict"
  [ -f "$c/fuzz_$t.options" ] && cp "$c/fuzz_$t.options" "$OUT/"
  if [ -d "$c/seeds" ] && [ -n "$(ls -A "$c/seeds")" ]; then
    rm -f "$OUT/fuzz_${t}_seed_corpus.zip"
    (cd "$c/seeds" && zip -q -r "$OUT/fuzz_${t}_seed_corpus.zip" .)
  fi
done
