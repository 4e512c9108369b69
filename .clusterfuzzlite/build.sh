#!/bin/bash -eu
# Builds every fuzz target with the compiler, CFLAGS and $LIB_FUZZING_ENGINE
# that ClusterFuzzLite provides, and installs each one into $OUT with its
# seed corpus (corpus/<target> plus corpus/regressions/<target>), the
# shared dictionary and its .options file.
cd "$SRC/respect"
cmake -S . -B build/cflite -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRESPECT_FUZZ_ENGINE=external \
  -DRESPECT_TESTS=OFF -DRESPECT_BENCH=OFF
for target in request reply server hiredis_diff net; do
  cmake --build build/cflite --target "${target}_fuzz"
  cp "build/cflite/fuzz/${target}_fuzz" "$OUT/"
  cp corpus/resp.dict "$OUT/${target}_fuzz.dict"
  cp "corpus/${target}.options" "$OUT/${target}_fuzz.options"
  (cd corpus && zip -q -r -j "$OUT/${target}_fuzz_seed_corpus.zip" \
     "${target}" "regressions/${target}" -x '*.keep')
done
