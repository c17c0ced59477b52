# C programs of the WASI tests (tests/wasi/*.c), compiled for wasm32-wasi by
# clang-14 against wasi-libc at build time into ${WASMSLOT_FIXTURE_DIR}/wasi/.
# Needs clang-14, wasm-ld (lld) and wasi-libc (Debian: clang-14 lld-14
# wasi-libc libclang-rt-14-dev-wasm32; build.sh installs them). When they are
# missing the programs are skipped with a message, and the tests that run them
# report themselves skipped. Included from tests/CMakeLists.txt, after the
# wasmslot-tests target exists.

find_program(WASMSLOT_WASI_CLANG NAMES clang-14 DOC "clang-14, compiles the WASI test programs")
set(WASMSLOT_WASI_C_DIR "${WASMSLOT_FIXTURE_DIR}/wasi")
set(_wasi_ok OFF)
set(_wasi_why "clang-14 not found")
if(WASMSLOT_WASI_CLANG)
  # The sysroot: the upstream wasi-sdk layout if present, else Debian's
  # wasi-libc, which clang-14 finds by itself under /usr.
  set(_wasi_sysroot_flag "")
  if(EXISTS "/usr/share/wasi-sysroot")
    set(_wasi_sysroot_flag "--sysroot=/usr/share/wasi-sysroot")
  endif()
  # Probe once: compile and link a tiny program.
  set(_probe_dir "${CMAKE_CURRENT_BINARY_DIR}/wasi-probe")
  file(MAKE_DIRECTORY "${_probe_dir}")
  file(WRITE "${_probe_dir}/probe.c" "#include <stdio.h>\nint main(void) { puts(\"probe\"); return 0; }\n")
  execute_process(
    COMMAND "${WASMSLOT_WASI_CLANG}" --target=wasm32-wasi ${_wasi_sysroot_flag} -O2
            "${_probe_dir}/probe.c" -o "${_probe_dir}/probe.wasm"
    RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_VARIABLE _probe_err)
  if(_probe_rc EQUAL 0)
    set(_wasi_ok ON)
  else()
    set(_wasi_why "clang-14 cannot build for wasm32-wasi (wasi-libc, lld or libclang-rt-14-dev-wasm32 missing?)")
  endif()
endif()

if(_wasi_ok)
  file(MAKE_DIRECTORY "${WASMSLOT_WASI_C_DIR}")
  file(GLOB _wasi_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/wasi/*.c")
  set(_wasi_outputs "")
  foreach(src IN LISTS _wasi_sources)
    get_filename_component(name "${src}" NAME_WE)
    set(out "${WASMSLOT_WASI_C_DIR}/${name}.wasm")
    add_custom_command(OUTPUT "${out}"
      COMMAND "${WASMSLOT_WASI_CLANG}" --target=wasm32-wasi ${_wasi_sysroot_flag} -O2 "${src}" -o "${out}"
      DEPENDS "${src}" COMMENT "clang-14 wasm32-wasi ${name}.wasm" VERBATIM)
    list(APPEND _wasi_outputs "${out}")
  endforeach()
  add_custom_target(wasi-fixtures ALL DEPENDS ${_wasi_outputs})
  add_dependencies(wasmslot-tests wasi-fixtures)
  target_compile_definitions(wasmslot-tests PRIVATE WASMSLOT_WASI_C_DIR="${WASMSLOT_WASI_C_DIR}")
else()
  message(STATUS "WASI C test programs skipped: ${_wasi_why}")
endif()
