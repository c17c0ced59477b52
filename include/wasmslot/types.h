// The types of WebAssembly (spec section 2.3 "Types"), as the binary format
// encodes them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wasmslot {

// Value types carry their binary encoding, so the decoder can cast a byte.
enum class ValType : uint8_t {
  I32 = 0x7F,
  I64 = 0x7E,
  F32 = 0x7D,
  F64 = 0x7C,
  V128 = 0x7B,
  FuncRef = 0x70,
  ExternRef = 0x6F,
};

inline bool is_num(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}
inline bool is_ref(ValType t) { return t == ValType::FuncRef || t == ValType::ExternRef; }

// The interpreter's value stack is made of 8-byte cells: every value takes one
// cell, except v128, which takes two (low half first).
inline uint32_t cells_of(ValType t) { return t == ValType::V128 ? 2 : 1; }

const char* to_string(ValType t);  // "i32", "funcref", ...
// The inverse of to_string(ValType): nullopt for anything else.
std::optional<ValType> parse_val_type(std::string_view name);

struct FuncType {
  std::vector<ValType> params;
  std::vector<ValType> results;
  bool operator==(const FuncType&) const = default;
};
std::string to_string(const FuncType& t);  // "(i32 i32) -> (i64)"

// min/max are u64 so memory64 and table limits share one shape.
struct Limits {
  uint64_t min = 0;
  std::optional<uint64_t> max;
};

struct TableType {
  ValType elem = ValType::FuncRef;
  Limits limits;
};

struct MemoryType {
  Limits limits;  // in pages of 64 KiB
};

struct GlobalType {
  ValType type = ValType::I32;
  bool mut = false;
};

enum class ExternKind : uint8_t { Func = 0, Table = 1, Memory = 2, Global = 3 };
const char* to_string(ExternKind k);  // "func", "table", "memory", "global"

constexpr uint64_t kPageSize = 65536;
constexpr uint64_t kMaxPages = 65536;  // 4 GiB for a 32-bit memory

}  // namespace wasmslot
