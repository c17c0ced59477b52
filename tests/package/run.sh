#!/usr/bin/env bash
# Builds tests/package/consumer against wasmslot three ways and runs it:
#   1. installed (cmake --install BUILD --prefix P) and found by CMake's
#      find_package(wasmslot);
#   2. the same installed files, found by pkg-config (wasmslot.pc);
#   3. from the source tree by FetchContent (add_subdirectory underneath).
# Each time in C++ (main.cpp, the C++ API) and in C (main.c, <wasm.h>).
# Usage: run.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src=$1 build=$2 work=$3
expected="run(20) = 41"
rm -rf "$work" && mkdir -p "$work"
consumer="$src/tests/package/consumer"

check() {  # name, binary
  local out
  out=$("$2")
  if [ "$out" != "$expected" ]; then
    echo "FAIL ($1): got '$out', expected '$expected'" >&2
    exit 1
  fi
  echo "ok ($1): $out"
}

# 1. install, then find_package
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/wasmslot/wasmslot.h"
test -f "$work/prefix/include/wasm.h"
test ! -e "$work/prefix/include/loader"   # private headers stay private
test -x "$work/prefix/bin/wasmslot"
cmake -S "$consumer" -B "$work/cmake" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/cmake" >/dev/null
check "find_package" "$work/cmake/consumer"
check "find_package, C API" "$work/cmake/consumer-c"

# 2. pkg-config, with the compiler alone
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
pkg-config --exists wasmslot
${CXX:-c++} -std=c++20 -fno-exceptions "$consumer/main.cpp" -o "$work/consumer-pc" \
  $(pkg-config --cflags --libs wasmslot)
check "pkg-config" "$work/consumer-pc"
${CC:-cc} -std=c11 "$consumer/main.c" -o "$work/consumer-pc-c" $(pkg-config --cflags --libs --static wasmslot)
check "pkg-config, C API" "$work/consumer-pc-c"

# 3. FetchContent from the source tree: only the library is built.
cmake -S "$consumer" -B "$work/fetch" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DWASMSLOT_FROM=source -DWASMSLOT_SOURCE="$src" >/dev/null  # Release: the same flags as users
cmake --build "$work/fetch" >/dev/null
check "FetchContent" "$work/fetch/consumer"
check "FetchContent, C API" "$work/fetch/consumer-c"
