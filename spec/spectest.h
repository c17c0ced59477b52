// The `spectest` host module that the official spec tests import from.
//
// Its contents are fixed by the testsuite's conventions (the reference
// interpreter's spectest.ml defines them):
//   print, print_i32, print_i64, print_f32, print_f64, print_i32_f32,
//   print_f64_f64                     functions returning nothing
//   global_i32 = 666, global_i64 = 666, global_f32 = 666.6,
//   global_f64 = 666.6               immutable globals
//   table                            (table 10 20 funcref)
//   memory                           (memory 1 2)
#pragma once

#include <ostream>

#include "wasmslot/runtime.h"

namespace wasmslot::spec {

// Creates the spectest objects in `store` and offers them in `imports` under
// the module name "spectest". The print functions write their arguments to
// `out`, one per line as "123 : i32" like the reference interpreter, or
// nothing when `out` is null.
void add_spectest(Store& store, Imports& imports, std::ostream* out);

}  // namespace wasmslot::spec
