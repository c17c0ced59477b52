# WAT fixtures compiled to wasm by wat2wasm at build time, into
# ${CMAKE_BINARY_DIR}/fixtures/: the async fixtures of ../shared and the
# project's own tests/fixtures/*.wat.
find_program(WAT2WASM wat2wasm REQUIRED)

set(WASMSLOT_FIXTURE_DIR "${CMAKE_BINARY_DIR}/fixtures")
file(MAKE_DIRECTORY "${WASMSLOT_FIXTURE_DIR}")
set(SHARED_FIXTURES "${CMAKE_CURRENT_SOURCE_DIR}/../shared/fixtures/async")

file(GLOB _wat_files CONFIGURE_DEPENDS
     "${SHARED_FIXTURES}/*.wat" "${CMAKE_CURRENT_SOURCE_DIR}/tests/fixtures/*.wat")
set(WASMSLOT_FIXTURES "")
foreach(wat IN LISTS _wat_files)
  get_filename_component(name "${wat}" NAME_WE)
  set(out "${WASMSLOT_FIXTURE_DIR}/${name}.wasm")
  add_custom_command(OUTPUT "${out}"
    COMMAND "${WAT2WASM}" --enable-all "${wat}" -o "${out}"
    DEPENDS "${wat}" COMMENT "wat2wasm ${name}.wat" VERBATIM)
  list(APPEND WASMSLOT_FIXTURES "${out}")
endforeach()
add_custom_target(fixtures ALL DEPENDS ${WASMSLOT_FIXTURES})
