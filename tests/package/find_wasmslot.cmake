# How both consumer projects get wasmslot::wasmslot:
#   -DWASMSLOT_FROM=package  find_package(wasmslot) from an installed prefix
#                            (CMAKE_PREFIX_PATH)
#   -DWASMSLOT_FROM=source   FetchContent from a source tree (WASMSLOT_SOURCE),
#                            which is add_subdirectory underneath
set(WASMSLOT_FROM package CACHE STRING "package or source")
if(WASMSLOT_FROM STREQUAL "package")
  find_package(wasmslot 0.1 REQUIRED)
else()
  include(FetchContent)
  FetchContent_Declare(wasmslot SOURCE_DIR "${WASMSLOT_SOURCE}")
  FetchContent_MakeAvailable(wasmslot)
endif()
