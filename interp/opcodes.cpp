#include "opcodes.h"

#include <array>

namespace wasmslot {

namespace {

// Built once from kOpInfo: byte -> opcode for the one-byte space.
struct ByteTable {
  std::array<int16_t, 256> op{};
  ByteTable() {
    op.fill(-1);
    for (unsigned i = 0; i < kOpcodeCount; ++i)
      if (kOpInfo[i].prefix == 0x00) op[kOpInfo[i].code] = static_cast<int16_t>(i);
  }
};

}  // namespace

std::optional<Opcode> decode_opcode(uint8_t byte) {
  static const ByteTable table;
  if (table.op[byte] < 0) return std::nullopt;
  return static_cast<Opcode>(table.op[byte]);
}

std::optional<Opcode> decode_prefixed_opcode(uint8_t prefix, uint32_t code) {
  // Prefixed spaces are small and dense; a linear scan over the table is only
  // done while decoding, never while executing.
  for (unsigned i = 0; i < kOpcodeCount; ++i)
    if (kOpInfo[i].prefix == prefix && kOpInfo[i].code == code) return static_cast<Opcode>(i);
  return std::nullopt;
}

}  // namespace wasmslot
