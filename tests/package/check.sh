#!/bin/sh
# Installs the build into a scratch prefix, then builds a small program
# against it twice: through find_package(resp) and through pkg-config.
set -eu
build_dir=$1
work=$2
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" >"$work/install.log"

# 1. CMake package.
cmake -S "$here/consumer" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" \
      -DCMAKE_C_FLAGS="${CFLAGS:-}" >"$work/configure.log"
cmake --build "$work/cmake-build" >"$work/build.log"
LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:${LD_LIBRARY_PATH:-}" \
  "$work/cmake-build/consumer" | grep -qx 'consumer: +"PONG"'

# 2. pkg-config.
pcdir=$(dirname "$(find "$prefix" -name resp.pc | head -n 1)")
cflags=$(PKG_CONFIG_PATH=$pcdir pkg-config --cflags resp)
libs=$(PKG_CONFIG_PATH=$pcdir pkg-config --libs resp)
# Word splitting of the pkg-config output is intended.
# shellcheck disable=SC2086
${CC:-cc} -std=c11 ${CFLAGS:-} $cflags "$here/consumer/consumer.c" $libs -o "$work/consumer-pc"
LD_LIBRARY_PATH="$prefix/lib:$prefix/lib64:${LD_LIBRARY_PATH:-}" \
  "$work/consumer-pc" | grep -qx 'consumer: +"PONG"'
echo "package check passed: find_package(resp) and pkg-config resp"
