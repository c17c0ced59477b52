// Traps (spec section 4.4 "Instructions": every "trap" in the execution
// rules). A trap aborts the current call; the embedder sees its text.
//
// The texts are exactly the ones the official test suite expects in
// `assert_trap`, so the spec runner can compare them verbatim.
#pragma once

#include <cstdint>

namespace wasmslot {

enum class TrapKind : uint8_t {
  None,                      // no trap: the operation succeeded
  Unreachable,               // the `unreachable` instruction
  IntegerDivideByZero,       // div/rem by zero
  IntegerOverflow,           // div_s of MIN by -1; trunc of an out-of-range float
  InvalidConversion,         // trunc of NaN
  MemoryOutOfBounds,         // loads, stores, bulk memory, data segments
  TableOutOfBounds,          // table.get/set/fill/copy/init, element segments
  UndefinedElement,          // call_indirect past the end of the table
  UninitializedElement,      // call_indirect of a null entry
  IndirectCallTypeMismatch,  // call_indirect of a function of another type
  CallStackExhausted,        // too many frames, or too many value-stack cells
};

inline const char* trap_text(TrapKind kind) {
  switch (kind) {
    case TrapKind::None: return "no trap";
    case TrapKind::Unreachable: return "unreachable";
    case TrapKind::IntegerDivideByZero: return "integer divide by zero";
    case TrapKind::IntegerOverflow: return "integer overflow";
    case TrapKind::InvalidConversion: return "invalid conversion to integer";
    case TrapKind::MemoryOutOfBounds: return "out of bounds memory access";
    case TrapKind::TableOutOfBounds: return "out of bounds table access";
    case TrapKind::UndefinedElement: return "undefined element";
    case TrapKind::UninitializedElement: return "uninitialized element";
    case TrapKind::IndirectCallTypeMismatch: return "indirect call type mismatch";
    case TrapKind::CallStackExhausted: return "call stack exhausted";
  }
  return "unknown trap";
}

}  // namespace wasmslot
