# One CTest per .wast file of the official testsuite: wast2json converts it at
# build time, build/wasmslot-spec runs the JSON. Files that do not pass yet are
# listed, each with its reason, in spec/expected-failures.txt: they still run
# and still count, and CTest marks them WILL_FAIL so the list must shrink as
# soon as one passes.
find_program(WAST2JSON wast2json REQUIRED)

set(SPEC_OUT "${CMAKE_BINARY_DIR}/spec")
file(GLOB _wast_files CONFIGURE_DEPENDS "${WASMSLOT_TESTSUITE}/*.wast")
if(NOT _wast_files)
  message(WARNING "no .wast files in ${WASMSLOT_TESTSUITE}: spec tests disabled")
endif()

set(_expected "")
if(EXISTS "${CMAKE_CURRENT_SOURCE_DIR}/spec/expected-failures.txt")
  file(STRINGS "${CMAKE_CURRENT_SOURCE_DIR}/spec/expected-failures.txt" _lines)
  foreach(line IN LISTS _lines)
    if(line MATCHES "^([A-Za-z0-9_.-]+)[ \t]")
      list(APPEND _expected "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endif()

set(_spec_jsons "")
foreach(wast IN LISTS _wast_files)
  get_filename_component(name "${wast}" NAME_WE)
  set(dir "${SPEC_OUT}/${name}")
  set(json "${dir}/${name}.json")
  add_custom_command(OUTPUT "${json}"
    COMMAND ${CMAKE_COMMAND} -E make_directory "${dir}"
    COMMAND "${WAST2JSON}" "${wast}" -o "${json}"
    DEPENDS "${wast}" COMMENT "wast2json ${name}.wast" VERBATIM)
  list(APPEND _spec_jsons "${json}")
  add_test(NAME "spec/${name}" COMMAND wasmslot-spec "${json}")
  if(name IN_LIST _expected)
    set_tests_properties("spec/${name}" PROPERTIES WILL_FAIL TRUE LABELS "spec;expected-failure")
  else()
    set_tests_properties("spec/${name}" PROPERTIES LABELS spec)
  endif()
endforeach()
add_custom_target(spec-json ALL DEPENDS ${_spec_jsons})
