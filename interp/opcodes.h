// Opcode, its immediates and its metadata: all generated from opcodes.def.
#pragma once

#include <cstdint>
#include <optional>

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

// Lookup from the binary encoding: one-byte opcodes, and prefixed ones.
std::optional<Opcode> decode_opcode(uint8_t byte);
std::optional<Opcode> decode_prefixed_opcode(uint8_t prefix, uint32_t code);

}  // namespace wasmslot
