#!/bin/bash -eu
# Builds every target fuzz/targets lists with the compiler, CFLAGS and
# $LIB_FUZZING_ENGINE that ClusterFuzzLite provides, and installs each one
# into $OUT with its seed corpus (corpus/<target> plus
# corpus/regressions/<target>, those that exist), the shared dictionary
# and an .options file giving its max_len.
cd "$SRC/respect"
cmake -S . -B build/cflite -G Ninja \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DRESPECT_FUZZ_ENGINE=external \
  -DRESPECT_TESTS=OFF -DRESPECT_BENCH=OFF
while read -r target max_len _ <&3; do
  case $target in '' | '#'*) continue ;; esac
  cmake --build build/cflite --target "${target}_fuzz"
  cp "build/cflite/fuzz/${target}_fuzz" "$OUT/"
  cp corpus/resp.dict "$OUT/${target}_fuzz.dict"
  printf '[libfuzzer]\ndict = %s_fuzz.dict\nmax_len = %s\n' "$target" "$max_len" \
    >"$OUT/${target}_fuzz.options"
  seeds=()
  for dir in "corpus/$target" "corpus/regressions/$target"; do
    [ -d "$dir" ] && seeds+=("$dir")
  done
  if [ ${#seeds[@]} -gt 0 ]; then
    zip -q -r -j "$OUT/${target}_fuzz_seed_corpus.zip" "${seeds[@]}" -x '*.keep'
  fi
done 3<fuzz/targets
