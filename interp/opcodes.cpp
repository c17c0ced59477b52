#include "opcodes.h"

namespace wasmslot {

// Everything about opcodes is computed at compile time from the table
// (opcodes.h); these checks keep the table honest as it grows.

// Every opcode fits the int16_t of the lookup tables.
static_assert(kOpcodeCount < 0x7FFF);

// Each encoding decodes back to its own row: no two rows share an encoding,
// and no row was shadowed by a later one.
constexpr bool encodings_are_unique() {
  for (unsigned i = 0; i < kOpcodeCount; ++i) {
    const OpInfo& in = kOpInfo[i];
    if (in.prefix == 0xFF) continue;
    const int16_t found = in.prefix == 0x00   ? kOpcodeTables.byte[in.code]
                          : in.prefix == 0xFC ? kOpcodeTables.fc[in.code]
                                              : kOpcodeTables.fd[in.code];
    if (found != static_cast<int16_t>(i)) return false;
  }
  return true;
}
static_assert(encodings_are_unique(), "two rows of opcodes.def share an encoding");

}  // namespace wasmslot
