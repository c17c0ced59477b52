#!/usr/bin/env bash
# One entry point for a fresh Debian machine:
#   ./build.sh demo   install what is missing, build, run the seed demo (prints 444)
#   ./build.sh test   install what is missing, build, run every test through ctest,
#                     then the unit, CLI, C API and example tests under ASan + UBSan
#                     (build-asan)
#   ./build.sh build  install what is missing and build only
# Installing needs root (apt-get); as another user the script names the
# packages to install and stops.
set -euo pipefail
cd "$(dirname "$0")"

mode=${1:-build}
case "$mode" in demo|test|build) ;; *) echo "usage: $0 demo|test|build" >&2; exit 2 ;; esac

# --- 1. Debian packages the build needs -------------------------------------
missing=()
command -v cmake >/dev/null || missing+=(cmake)
command -v g++ >/dev/null || missing+=(g++)
command -v ninja >/dev/null || missing+=(ninja-build)
command -v wat2wasm >/dev/null && command -v wast2json >/dev/null || missing+=(wabt)
[ -f /usr/include/gtest/gtest.h ] || missing+=(libgtest-dev)
[ -f /usr/include/benchmark/benchmark.h ] || missing+=(libbenchmark-dev)
# The WASI tests' C programs (tests/wasi/*.c): clang-14 for wasm32-wasi, with
# wasm-ld, wasi-libc and the wasm32 compiler runtime.
command -v clang-14 >/dev/null || missing+=(clang-14)
command -v wasm-ld >/dev/null || command -v wasm-ld-14 >/dev/null || missing+=(lld-14)
[ -f /usr/lib/wasm32-wasi/libc.a ] || [ -d /usr/share/wasi-sysroot ] || missing+=(wasi-libc)
compgen -G "/usr/lib/llvm-14/lib/clang/*/lib/wasi/libclang_rt.builtins-wasm32.a" >/dev/null ||
  missing+=(libclang-rt-14-dev-wasm32)
# The differential tests (tests/differential): binaryen's wasm-opt makes
# random modules, node (V8) is the engine compared against.
command -v wasm-opt >/dev/null || missing+=(binaryen)
command -v node >/dev/null || missing+=(nodejs)
command -v python3 >/dev/null || missing+=(python3)
# The packaging test (tests/package) finds the installed library with it.
command -v pkg-config >/dev/null || missing+=(pkgconf)
# GNU time: the CLI tests measure peak resident sizes with it.
[ -x /usr/bin/time ] || missing+=(time)
# The public-api-docs test (tests/docs) checks with it that every public
# declaration in include/ is documented.
command -v doxygen >/dev/null || missing+=(doxygen)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then
    echo "installing: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "error: missing Debian packages: ${missing[*]}" >&2
    echo "error: installing them needs root; run:  sudo apt-get install -y ${missing[*]}  (or run this script as root)" >&2
    exit 1
  fi
fi

# --- 2. Build ----------------------------------------------------------------
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j "$jobs"

# --- 3. Run ------------------------------------------------------------------
case "$mode" in
  demo)
    build/wasmslot run build/fixtures/seed.wasm --invoke call --async-import env.get=123
    ;;
  test)
    # The spec figure first (informational), then every test through ctest:
    # unit tests, CLI tests and one test per spec file.
    spec/summary.sh build || true
    ctest --test-dir build --output-on-failure -j "$jobs"
    # The sanitizer leg (SECURITY.md): the unit and CLI tests again, built by
    # gcc (so the computed-goto dispatch gcc builds is what is checked) with
    # AddressSanitizer and UBSan; any report fails the run. No spec tests,
    # benchmarks or differential tests here: the plain build above runs them.
    CXX=g++ cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Release -DWASMSLOT_SANITIZE=ON \
      -DWASMSLOT_BENCH=OFF -DWASMSLOT_DIFFERENTIAL=OFF >/dev/null
    cmake --build build-asan -j "$jobs"
    build-asan/tests/wasmslot-tests
    # The C API's C programs and the examples, instrumented the same way.
    ctest --test-dir build-asan --output-on-failure -j "$jobs" -L 'capi|example'
    ;;
esac
