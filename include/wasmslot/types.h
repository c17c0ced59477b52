/// @file
/// The types of WebAssembly (spec section 2.3 "Types"), as the binary format
/// encodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wasmslot {

/// A value type (spec: valtype).
/// Value types carry their binary encoding, so the decoder can cast a byte.
enum class ValType : uint8_t {
  I32 = 0x7F,        ///< 32-bit integer
  I64 = 0x7E,        ///< 64-bit integer
  F32 = 0x7D,        ///< IEEE 754 single precision
  F64 = 0x7C,        ///< IEEE 754 double precision
  V128 = 0x7B,       ///< 128-bit vector (SIMD)
  FuncRef = 0x70,    ///< reference to a function
  ExternRef = 0x6F,  ///< reference to a host object, opaque to wasm
};

/// Whether `t` is a number type (spec: numtype): i32, i64, f32 or f64.
inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
/// Whether `t` is a reference type (spec: reftype): funcref or externref.
inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }

/// The interpreter's value stack is made of 8-byte cells: every value takes one
/// cell, except v128, which takes two (low half first).
inline uint32_t cells_of(ValType t) { return t == ValType::V128 ? 2 : 1; }

const char* to_string(ValType t);  ///< "i32", "funcref", ...
/// The inverse of to_string(ValType): nullopt for anything else.
std::optional<ValType> parse_val_type(std::string_view name);

/// A function type (spec: functype): what a function takes and returns.
struct FuncType {
  std::vector<ValType> params;                       ///< parameter types, in order
  std::vector<ValType> results;                      ///< result types, in order
  bool operator==(const FuncType&) const = default;  ///< the same parameters and results
};
std::string to_string(const FuncType& t);  ///< "(i32 i32) -> (i64)"

/// The size limits of a table or memory (spec: limits), in elements or pages.
/// min/max are u64 so memory64 and table limits share one shape.
struct Limits {
  uint64_t min = 0;             ///< the initial size
  std::optional<uint64_t> max;  ///< the maximum size; none: no maximum declared
};

/// A table type (spec: tabletype): element type and limits, in elements.
struct TableType {
  ValType elem = ValType::FuncRef;  ///< FuncRef or ExternRef
  Limits limits;                    ///< in elements
};

/// A memory type (spec: memtype): its limits.
struct MemoryType {
  Limits limits;  ///< in pages of 64 KiB
};

/// A global type (spec: globaltype): value type and mutability.
struct GlobalType {
  ValType type = ValType::I32;  ///< the value type
  bool mut = false;             ///< mutable (spec: `var`); false: `const`
};

/// The kinds of external values (spec: externtype), with the encoding of
/// import and export descriptors.
enum class ExternKind : uint8_t {
  Func = 0,    ///< a function
  Table = 1,   ///< a table
  Memory = 2,  ///< a linear memory
  Global = 3   ///< a global
};
const char* to_string(ExternKind k);  ///< "func", "table", "memory", "global"

constexpr uint64_t kPageSize = 65536;  ///< bytes in a page of linear memory (64 KiB)
constexpr uint64_t kMaxPages = 65536;  ///< 4 GiB for a 32-bit memory

}  // namespace wasmslot
