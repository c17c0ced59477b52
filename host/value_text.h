// Values as text: how the command line reads arguments and prints results (and
// anything else that needs the same conventions, like the spec runner).
//
// Reading, by the expected type:
//   i32, i64   signed or unsigned decimal, or hexadecimal (0x..., optionally
//              signed): "-1", "4294967295" and "0xffffffff" are the same i32
//   f32, f64   decimal ("1.5", "-0", "1e-3"), hexadecimal float ("0x1.8p1"),
//              "inf", "-inf", "nan", "-nan", or "nan:0xPAYLOAD" (the payload is
//              the mantissa bits, non-zero)
//   v128       a shape and its lanes, lane 0 first, each lane read as the
//              scalar of its type: "i32x4:1,2,3,-1", "i8x16:" and 16 lanes,
//              "i16x8:", "i64x2:", "f32x4:1.5,nan,-inf,0x1p-3", "f64x2:";
//              or "0x" and up to 32 hex digits (the high bits first)
//   funcref    "null"
//   externref  "null", or a non-zero unsigned number (the reference's value)
//
// Writing:
//   integers   signed decimal
//   floats     the shortest decimal that reads back as the same value
//              (std::to_chars), "inf"/"-inf", "nan"/"-nan" for the canonical
//              NaN, "nan:0x..." (with a '-' if negative) for other payloads
//   v128       as i32x4, signed decimal lanes: "i32x4:1,2,3,-1" (a result
//              carries no shape; read it back with "i32x4:...")
//   refs       "null", an externref's number, "funcref" for a function
#pragma once

#include <string>
#include <string_view>

#include "wasmslot/runtime.h"
#include "wasmslot/result.h"

namespace wasmslot {

// Parses `text` as a value of `type`. The Error says what was expected.
Result<Value> parse_value(std::string_view text, ValType type);

// The text of a value, as the CLI prints results.
std::string format_value(const Value& v);

}  // namespace wasmslot
