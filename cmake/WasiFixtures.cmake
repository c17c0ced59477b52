# The WAT modules of the WASI tests (tests/wasi/*.wat, by wat2wasm into
# ${WASMSLOT_FIXTURE_DIR}/), and their C programs (tests/wasi/*.c), compiled for wasm32-wasi by
# clang-14 against wasi-libc at build time into ${WASMSLOT_FIXTURE_DIR}/wasi/.
# Needs clang-14, wasm-ld (lld) and wasi-libc (Debian: clang-14 lld-14
# wasi-libc libclang-rt-14-dev-wasm32; build.sh installs them). When they are
# missing the programs are skipped with a message, and the tests that run them
# report themselves skipped. Included from tests/CMakeLists.txt, after the
# wasmslot-tests target exists. Also registers the ctest that runs the programs
# under node:wasi too and compares (wasi_differential_node).

# WAT modules of tests/wasi/ (wat2wasm, found by Fixtures.cmake): always built.
file(GLOB _wasi_wat_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/wasi/*.wat")
set(_wasi_wat_outputs "")
foreach(wat IN LISTS _wasi_wat_sources)
  get_filename_component(name "${wat}" NAME_WE)
  set(out "${WASMSLOT_FIXTURE_DIR}/${name}.wasm")
  add_custom_command(OUTPUT "${out}"
    COMMAND "${WAT2WASM}" "${wat}" -o "${out}"
    DEPENDS "${wat}" COMMENT "wat2wasm ${name}.wat" VERBATIM)
  list(APPEND _wasi_wat_outputs "${out}")
endforeach()
add_custom_target(wasi-wat-fixtures ALL DEPENDS ${_wasi_wat_outputs})
add_dependencies(wasmslot-tests wasi-wat-fixtures)

include(${CMAKE_CURRENT_LIST_DIR}/WasiClang.cmake)
set(WASMSLOT_WASI_C_DIR "${WASMSLOT_FIXTURE_DIR}/wasi")

if(WASMSLOT_WASI_WHY STREQUAL "")
  file(MAKE_DIRECTORY "${WASMSLOT_WASI_C_DIR}")
  file(GLOB _wasi_sources CONFIGURE_DEPENDS "${PROJECT_SOURCE_DIR}/tests/wasi/*.c")
  set(_wasi_outputs "")
  foreach(src IN LISTS _wasi_sources)
    get_filename_component(name "${src}" NAME_WE)
    set(out "${WASMSLOT_WASI_C_DIR}/${name}.wasm")
    add_custom_command(OUTPUT "${out}"
      COMMAND "${WASMSLOT_WASI_CLANG}" ${WASMSLOT_WASI_FLAGS} -O2 "${src}" -o "${out}"
      DEPENDS "${src}" COMMENT "clang-14 wasm32-wasi ${name}.wasm" VERBATIM)
    list(APPEND _wasi_outputs "${out}")
  endforeach()
  add_custom_target(wasi-fixtures ALL DEPENDS ${_wasi_outputs})
  add_dependencies(wasmslot-tests wasi-fixtures)
  target_compile_definitions(wasmslot-tests PRIVATE WASMSLOT_WASI_C_DIR="${WASMSLOT_WASI_C_DIR}")

  # The same programs under node:wasi: stdout and exit status must match
  # (tests/wasi/differential.sh). Skipped (status 77) without node 20+.
  find_program(WASMSLOT_NODE NAMES node nodejs DOC "node, runs the WASI programs for comparison")
  if(NOT WASMSLOT_NODE)
    set(WASMSLOT_NODE "")
  endif()
  add_test(NAME wasi_differential_node
    COMMAND sh "${PROJECT_SOURCE_DIR}/tests/wasi/differential.sh"
            "$<TARGET_FILE:wasmslot-cli>" "${WASMSLOT_NODE}" "${WASMSLOT_WASI_C_DIR}")
  set_tests_properties(wasi_differential_node PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 120)
else()
  message(STATUS "WASI C test programs skipped: ${WASMSLOT_WASI_WHY}")
endif()
