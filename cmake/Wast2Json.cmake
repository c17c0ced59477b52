# Runs wast2json on one .wast file; a cmake -P script so that a conversion
# failure does not break the build.
#
#   cmake -DWAST2JSON=... -DWAST=in.wast -DJSON=out.json ["-DFLAGS=--a --b"] -P Wast2Json.cmake
#
# wast2json 1.0.32 predates some proposal tests and rejects a few of them. When
# it fails, this writes a JSON file with a "wast2json_error" member instead:
# wasmslot-spec reports it as a failure of that file, so the test shows up
# (and can be listed in spec/expected-failures.txt) while every other file
# still builds and runs.
separate_arguments(_flags UNIX_COMMAND "${FLAGS}")
get_filename_component(_dir "${JSON}" DIRECTORY)
file(MAKE_DIRECTORY "${_dir}")
execute_process(
  COMMAND "${WAST2JSON}" ${_flags} "${WAST}" -o "${JSON}"
  RESULT_VARIABLE _rc
  OUTPUT_VARIABLE _out
  ERROR_VARIABLE _out)
if(NOT _rc EQUAL 0)
  # Keep the first line of the message and make it a safe JSON string.
  string(REGEX REPLACE "\n.*" "" _first "${_out}")
  string(REPLACE "\\" "\\\\" _first "${_first}")
  string(REPLACE "\"" "\\\"" _first "${_first}")
  string(REPLACE "\t" " " _first "${_first}")
  message(WARNING "wast2json failed on ${WAST}: ${_first}")
  file(WRITE "${JSON}"
    "{\"source_filename\": \"${WAST}\", \"wast2json_error\": \"exit ${_rc}: ${_first}\", \"commands\": []}\n")
endif()
