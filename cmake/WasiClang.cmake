# clang-14 for wasm32-wasi, with wasi-libc: what compiles the C programs of
# the WASI tests (WasiFixtures.cmake) and of examples/wasi_preopen. Probed
# once per configure by compiling and linking a tiny program that uses stdio.
# Sets, in the including directory's scope (so each directory that needs it
# includes it; the probe takes a fraction of a second):
#   WASMSLOT_WASI_CLANG        the compiler (cache)
#   WASMSLOT_WASI_FLAGS        flags every compile needs (the sysroot, if any)
#   WASMSLOT_WASI_WHY          empty when it works, else why not

find_program(WASMSLOT_WASI_CLANG NAMES clang-14 DOC "clang-14, compiles C programs for wasm32-wasi")
set(WASMSLOT_WASI_FLAGS --target=wasm32-wasi)
set(WASMSLOT_WASI_WHY "clang-14 not found")
if(WASMSLOT_WASI_CLANG)
  # The sysroot: the upstream wasi-sdk layout if present, else Debian's
  # wasi-libc, which clang-14 finds by itself under /usr.
  if(EXISTS "/usr/share/wasi-sysroot")
    list(APPEND WASMSLOT_WASI_FLAGS "--sysroot=/usr/share/wasi-sysroot")
  endif()
  set(_probe_dir "${CMAKE_BINARY_DIR}/wasi-probe")
  file(MAKE_DIRECTORY "${_probe_dir}")
  file(WRITE "${_probe_dir}/probe.c" "#include <stdio.h>\nint main(void) { puts(\"probe\"); return 0; }\n")
  execute_process(
    COMMAND "${WASMSLOT_WASI_CLANG}" ${WASMSLOT_WASI_FLAGS} -O2 "${_probe_dir}/probe.c" -o "${_probe_dir}/probe.wasm"
    RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(_probe_rc EQUAL 0)
    set(WASMSLOT_WASI_WHY "")
  else()
    set(WASMSLOT_WASI_WHY "clang-14 cannot build for wasm32-wasi (wasi-libc, lld or libclang-rt-14-dev-wasm32 missing?)")
  endif()
endif()
