#!/usr/bin/env bash
# Builds the consumer projects of tests/package against wasmslot and runs
# them: consumer/ (C++, the C++ API, compiled with -fno-exceptions) and
# consumer-c/ (a C-only project, the standard C API of <wasm.h>).
#   1. installed (cmake --install BUILD --prefix P), found by CMake's
#      find_package(wasmslot): both projects;
#   2. the same installed files, found by pkg-config (wasmslot.pc), with the
#      compiler alone: both programs;
#   3. from the source tree by FetchContent (add_subdirectory underneath):
#      the C++ project, checking that only the library is built.
# Usage: run.sh SOURCE_DIR BUILD_DIR WORK_DIR
set -euo pipefail
src=$1 build=$2 work=$3
expected="run(20) = 41"
rm -rf "$work" && mkdir -p "$work"
here="$src/tests/package"

check() {  # name, binary
  local out
  out=$("$2")
  if [ "$out" != "$expected" ]; then
    echo "FAIL ($1): got '$out', expected '$expected'" >&2
    exit 1
  fi
  echo "ok ($1): $out"
}

configure_and_build() {  # project dir, build dir, extra cmake arguments...
  local dir=$1 out=$2
  shift 2
  cmake -S "$dir" -B "$out" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
  cmake --build "$out" >/dev/null
}

# 1. install, then find_package
cmake --install "$build" --prefix "$work/prefix" >/dev/null
test -f "$work/prefix/include/wasmslot/wasmslot.h"
test -f "$work/prefix/include/wasm.h"
test ! -e "$work/prefix/include/loader"   # private headers stay private
test -x "$work/prefix/bin/wasmslot"
configure_and_build "$here/consumer" "$work/cmake" -DCMAKE_PREFIX_PATH="$work/prefix"
check "find_package" "$work/cmake/consumer"
configure_and_build "$here/consumer-c" "$work/cmake-c" -DCMAKE_PREFIX_PATH="$work/prefix"
check "find_package, C-only project" "$work/cmake-c/consumer-c"

# 2. pkg-config
export PKG_CONFIG_PATH="$work/prefix/lib/pkgconfig"
pkg-config --exists wasmslot
${CXX:-c++} -std=c++20 -fno-exceptions "$here/consumer/main.cpp" -o "$work/consumer-pc" \
  $(pkg-config --cflags --libs wasmslot)
check "pkg-config" "$work/consumer-pc"
${CC:-cc} -std=c11 "$here/consumer-c/main.c" -o "$work/consumer-pc-c" \
  $(pkg-config --cflags --libs --static wasmslot)
check "pkg-config, C" "$work/consumer-pc-c"

# 3. FetchContent from the source tree, built as users would (Release).
configure_and_build "$here/consumer" "$work/fetch" -DWASMSLOT_FROM=source -DWASMSLOT_SOURCE="$src"
check "FetchContent" "$work/fetch/consumer"
if [ -e "$work/fetch/_deps/wasmslot-build/wasmslot" ]; then
  echo "FAIL (FetchContent): the command line was built for a subproject" >&2
  exit 1
fi
