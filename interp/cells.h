// Values as the interpreter holds them: 8-byte cells on the value stack, one
// per value and two for a v128 (low half first). Host functions see their
// arguments and results in the same layout (HostCall), so these conversions
// serve the interpreter's entry and exit, HostCall::arg/set_result and the
// async runtime alike.
#pragma once

#include <cstdint>
#include <vector>

#include "wasmslot/runtime.h"

namespace wasmslot {

// The cells of values of these types, one after another.
inline uint32_t cells_of(const std::vector<ValType>& types) {
  uint32_t n = 0;
  for (ValType t : types) n += cells_of(t);
  return n;
}

// The Value of type t held in the cells at c, in its canonical form: an i32
// or f32 is zero-extended whatever the upper half of its cell holds.
inline Value value_of(ValType t, const uint64_t* c) {
  switch (t) {
    case ValType::I32:
    case ValType::F32: return {t, static_cast<uint32_t>(c[0]), 0};
    case ValType::V128: return {t, c[0], c[1]};
    default: return {t, c[0], 0};
  }
}

// Writes v into the cells at c: how many it took.
inline uint32_t put_value(const Value& v, uint64_t* c) {
  switch (v.type) {
    case ValType::I32:
    case ValType::F32: c[0] = static_cast<uint32_t>(v.lo); return 1;
    case ValType::V128: c[0] = v.lo; c[1] = v.hi; return 2;
    default: c[0] = v.lo; return 1;
  }
}

}  // namespace wasmslot
