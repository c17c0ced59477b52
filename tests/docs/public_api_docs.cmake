# The public-api-docs test: every public declaration in include/ carries a
# Doxygen comment.
#
#   cmake -DDOXYGEN=... -DSOURCE=<source root> -DOUT=<output directory>
#         [-DPYTHON=<python3>] -P public_api_docs.cmake
#
# 1. doxygen runs with docs/Doxyfile (WARN_IF_UNDOCUMENTED, QUIET): any line
#    it prints is a warning, and fails the test.
# 2. undocumented_api.py reads the XML it wrote for what doxygen does not warn
#    about (enum values, deleted and defaulted functions). Skipped without
#    Python.
if(NOT DOXYGEN)
  message("public-api-docs: doxygen not found, test skipped (build.sh installs it)")
  return()
endif()

file(REMOVE_RECURSE "${OUT}")
file(MAKE_DIRECTORY "${OUT}")
# docs/Doxyfile as it is, with the output in the build tree.
file(WRITE "${OUT}/Doxyfile" "@INCLUDE = ${SOURCE}/docs/Doxyfile\nOUTPUT_DIRECTORY = ${OUT}\n")
execute_process(COMMAND "${DOXYGEN}" "${OUT}/Doxyfile"
                WORKING_DIRECTORY "${SOURCE}"
                RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(STRIP "${out}${err}" report)
if(NOT status EQUAL 0 OR NOT report STREQUAL "")
  message("${report}")
  message(FATAL_ERROR "doxygen reports undocumented or badly documented declarations "
                      "(above; exit status ${status})")
endif()

if(PYTHON)
  execute_process(COMMAND "${PYTHON}" "${CMAKE_CURRENT_LIST_DIR}/undocumented_api.py" "${OUT}/xml"
                  RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT status EQUAL 0)
    message("${out}${err}")
    message(FATAL_ERROR "undocumented public declarations that doxygen does not warn about (above)")
  endif()
else()
  message("public-api-docs: no Python, enum values and deleted functions not checked")
endif()
message("public-api-docs: every public declaration in include/ is documented")
