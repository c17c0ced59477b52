#include "loader/module.h"

namespace wasmslot {

// The function index space lists the imported functions first, in import
// order, then the module's own functions (spec section 2.5.1 "Indices").
//
// Indices are checked by validation; for an index that is out of range
// anyway (a module that was only decoded) this returns an empty type rather
// than reading out of bounds.
const FuncType& Module::func_type(uint32_t func_index) const {
  static const FuncType kNone;
  uint32_t type_index;
  if (func_index < num_imported_funcs) {
    // Imports of all kinds share one list: find the func_index-th function.
    // A linear walk; callers that need this often should cache the results.
    uint32_t seen = 0;
    const Import* found = nullptr;
    for (const Import& im : imports) {
      if (im.kind != ExternKind::Func) continue;
      if (seen++ == func_index) {
        found = &im;
        break;
      }
    }
    if (!found) return kNone;
    type_index = found->type_index;
  } else {
    const uint64_t defined = uint64_t{func_index} - num_imported_funcs;
    if (defined >= funcs.size()) return kNone;
    type_index = funcs[defined].type_index;
  }
  return type_index < types.size() ? types[type_index] : kNone;
}

const Export* Module::find_export(std::string_view name) const {
  for (const Export& e : exports)
    if (e.name == name) return &e;
  return nullptr;
}

}  // namespace wasmslot
