# One CTest per .wast file of the official testsuite: wast2json converts it at
# build time, build/wasmslot-spec runs the JSON. Files that do not pass yet are
# listed, each with its reason, in spec/expected-failures.txt: they still run
# and still count, and CTest marks them WILL_FAIL so the list must shrink as
# soon as one passes.
#
# For the overall figure (every command of every core file, summed):
#   cmake --build build --target spec-summary      or
#   spec/summary.sh build
find_program(WAST2JSON wast2json REQUIRED)

# Names listed in spec/expected-failures.txt: the test name without its
# leading "spec/" ("i32", "tail-call/return_call"), then the reason.
set(WASMSLOT_SPEC_EXPECTED_FAILURES "")
set(_expected_file "${CMAKE_CURRENT_SOURCE_DIR}/spec/expected-failures.txt")
if(EXISTS "${_expected_file}")
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${_expected_file}")
  file(STRINGS "${_expected_file}" _lines)
  foreach(line IN LISTS _lines)
    if(line MATCHES "^([A-Za-z0-9_./-]+)[ \t]")
      list(APPEND WASMSLOT_SPEC_EXPECTED_FAILURES "${CMAKE_MATCH_1}")
    endif()
  endforeach()
endif()

# wasmslot_spec_tests(DIRECTORY dir PREFIX prefix [FLAGS flag...])
#
# Adds one test per DIRECTORY/*.wast, named spec/PREFIX/NAME, or spec/NAME
# when PREFIX is empty (the core suite). The JSON and .wasm files go to
# build/spec/[PREFIX/]NAME/. FLAGS are given to wast2json and to
# wasmslot-spec alike: both understand --enable-tail-call,
# --enable-extended-const and --enable-multi-memory. For example:
#   wasmslot_spec_tests(DIRECTORY ${WASMSLOT_TESTSUITE}/proposals/tail-call
#                       PREFIX tail-call FLAGS --enable-tail-call)
function(wasmslot_spec_tests)
  cmake_parse_arguments(ARG "" "DIRECTORY;PREFIX" "FLAGS" ${ARGN})
  file(GLOB wasts CONFIGURE_DEPENDS "${ARG_DIRECTORY}/*.wast")
  if(NOT wasts)
    message(WARNING "no .wast files in ${ARG_DIRECTORY}: those spec tests are disabled")
    return()
  endif()
  if(ARG_PREFIX)
    set(rel "${ARG_PREFIX}/")
    string(MAKE_C_IDENTIFIER "spec-json-${ARG_PREFIX}" target)
  else()
    set(rel "")
    set(target spec-json)
  endif()

  # One word for the script's -D (a ';' list would be split on the way).
  string(JOIN " " flags_word ${ARG_FLAGS})

  set(jsons "")
  foreach(wast IN LISTS wasts)
    get_filename_component(name "${wast}" NAME_WE)
    set(dir "${CMAKE_BINARY_DIR}/spec/${rel}${name}")
    set(json "${dir}/${name}.json")
    add_custom_command(OUTPUT "${json}"
      COMMAND ${CMAKE_COMMAND} -DWAST2JSON=${WAST2JSON} -DWAST=${wast} -DJSON=${json}
              "-DFLAGS=${flags_word}" -P "${PROJECT_SOURCE_DIR}/cmake/Wast2Json.cmake"
      DEPENDS "${wast}" "${PROJECT_SOURCE_DIR}/cmake/Wast2Json.cmake"
      COMMENT "wast2json ${rel}${name}.wast" VERBATIM)
    list(APPEND jsons "${json}")

    set(test "spec/${rel}${name}")
    add_test(NAME "${test}" COMMAND wasmslot-spec --quiet ${ARG_FLAGS} "${json}")
    # A runaway module must not hold the whole CTest run.
    set_tests_properties("${test}" PROPERTIES TIMEOUT 600)
    if("${rel}${name}" IN_LIST WASMSLOT_SPEC_EXPECTED_FAILURES)
      set_tests_properties("${test}" PROPERTIES WILL_FAIL TRUE LABELS "spec;expected-failure")
    else()
      set_tests_properties("${test}" PROPERTIES LABELS spec)
    endif()
  endforeach()
  add_custom_target(${target} ALL DEPENDS ${jsons})
endfunction()

# The core suite (Wasm 2.0 + SIMD).
wasmslot_spec_tests(DIRECTORY "${WASMSLOT_TESTSUITE}" PREFIX "")

# Proposals wasmslot implements, each with the flag that enables it in both
# wast2json and wasmslot-spec (the core tests run with them off: they assert
# e.g. that a second memory is invalid). wabt 1.0.32 converts every file of
# these three. Not wired: memory64 and relaxed-simd, which wasmslot does not
# implement (their tests would only fail).
set(_proposals "${WASMSLOT_TESTSUITE}/proposals")
wasmslot_spec_tests(DIRECTORY "${_proposals}/tail-call" PREFIX tail-call FLAGS --enable-tail-call)
wasmslot_spec_tests(DIRECTORY "${_proposals}/extended-const" PREFIX extended-const
                    FLAGS --enable-extended-const)
wasmslot_spec_tests(DIRECTORY "${_proposals}/multi-memory" PREFIX multi-memory
                    FLAGS --enable-multi-memory)

# All core files in one figure: spec/summary.sh runs each file in its own
# process, so that a crash costs one file, not the total.
add_custom_target(spec-summary
  COMMAND "${PROJECT_SOURCE_DIR}/spec/summary.sh" --report "${CMAKE_BINARY_DIR}"
  DEPENDS wasmslot-spec spec-json
  USES_TERMINAL VERBATIM)
