// Opcode, its immediates and its metadata: all generated from opcodes.def.
#pragma once

#include <cstdint>

#include "wasmslot/types.h"

namespace wasmslot {

// How an instruction's immediates are encoded in the binary format.
enum class Imm : uint8_t {
  none,
  block_type,     // blocktype: 0x40, a value type, or an s33 type index
  label,          // labelidx
  br_table,       // vec(labelidx) labelidx
  func,           // funcidx
  call_indirect,  // typeidx tableidx
  select_t,       // vec(valtype)
  local,          // localidx
  global,         // globalidx
  table,          // tableidx
  memarg,         // align:u32 offset:u32
  mem,            // memidx (a reserved 0x00 byte in Wasm 2.0)
  i32,            // s32
  i64,            // s64
  f32,            // 4 bytes, little endian
  f64,            // 8 bytes, little endian
  ref_type,       // reftype byte
  mem_init,       // dataidx memidx
  mem_copy,       // memidx memidx
  data,           // dataidx
  table_init,     // elemidx tableidx
  elem,           // elemidx
  table_copy,     // tableidx(dst) tableidx(src)
  // SIMD (interp/opcodes_simd.def):
  v128,           // 16 bytes, little endian: v128.const's value
  shuffle,        // 16 bytes, one lane index (< 32) each: i8x16.shuffle
  lane,           // 1 byte: a lane index (< the shape's lane count)
  memarg_lane,    // memarg, then a 1-byte lane index: v128.loadN_lane/storeN_lane
};

enum class Opcode : uint16_t {
#define X(name, text, prefix, code, imm, sig) name,
#include "opcodes.def"
#undef X
  count_
};

constexpr unsigned kOpcodeCount = static_cast<unsigned>(Opcode::count_);

struct OpInfo {
  const char* text;       // "i32.add"
  uint8_t prefix;         // 0x00, 0xFC, 0xFD, or 0xFF (internal)
  uint32_t code;          // the byte, or the u32 after the prefix
  Imm imm;
  const char* signature;  // "ii:i", or "" when typed by hand
};

inline constexpr OpInfo kOpInfo[] = {
#define X(name, text, prefix, code, imm, sig) {text, prefix, code, Imm::imm, sig},
#include "opcodes.def"
#undef X
};

inline const OpInfo& info(Opcode op) { return kOpInfo[static_cast<unsigned>(op)]; }

// A letter of an OpInfo::signature as the value type it stands for: i i32,
// I i64, f f32, F f64, V v128. False for anything else (':', the end).
inline bool type_of_signature_letter(char c, ValType& t) {
  switch (c) {
    case 'i': t = ValType::I32; return true;
    case 'I': t = ValType::I64; return true;
    case 'f': t = ValType::F32; return true;
    case 'F': t = ValType::F64; return true;
    case 'V': t = ValType::V128; return true;
    default: return false;
  }
}

// Lookup from the binary encoding: the one-byte space, and the spaces after
// the prefixes 0xFC and 0xFD (then a u32). Built from kOpInfo at compile
// time, so decoding an opcode is one array load, even for the 236 SIMD
// instructions; -1 marks a code that is no instruction.
struct OpcodeTables {
  static constexpr uint32_t kPrefixedSize = 512;  // every prefixed code in use is below this
  int16_t byte[256];
  int16_t fc[kPrefixedSize];
  int16_t fd[kPrefixedSize];
};

constexpr OpcodeTables make_opcode_tables() {
  OpcodeTables t{};
  for (auto& e : t.byte) e = -1;
  for (auto& e : t.fc) e = -1;
  for (auto& e : t.fd) e = -1;
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& in = kOpInfo[i];
    const auto op = static_cast<int16_t>(i);
    if (in.prefix == 0x00 && in.code < 256) t.byte[in.code] = op;
    if (in.prefix == 0xFC && in.code < OpcodeTables::kPrefixedSize) t.fc[in.code] = op;
    if (in.prefix == 0xFD && in.code < OpcodeTables::kPrefixedSize) t.fd[in.code] = op;
    // Prefix 0xFF: internal instructions, which have no encoding.
  }
  return t;
}

inline constexpr OpcodeTables kOpcodeTables = make_opcode_tables();

}  // namespace wasmslot
