// InstrReader: reads the instructions of one function body, one at a time:
// the opcode and its immediates (spec section 5.4 "Instructions").
//
// This is the binary format only. It checks what makes a body *malformed*:
// unknown opcodes, bad LEB128 encodings, the reserved zero bytes, value and
// reference type bytes, the data count section that memory.init and data.drop
// require. It knows nothing about types or indices being in range: that is
// validation (loader/validate_code.cpp), which drives this reader.
//
// It never allocates per instruction: the two variable-length immediates
// (br_table's labels and select's type vector) land in vectors that are
// reused from one instruction to the next.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "interp/opcodes.h"
#include "loader/loader.h"
#include "loader/leb128.h"
#include "wasmslot/result.h"
#include "wasmslot/types.h"

namespace wasmslot {

// A block type (spec 5.4.1): empty, one value type (the block's result), or
// the index of a function type (multi-value: params and results).
struct BlockType {
  enum Kind : uint8_t { Empty, Value, Index } kind = Empty;
  ValType value = ValType::I32;  // Value
  uint32_t index = 0;            // Index: into Module::types
};

// The immediates of one instruction, by Imm kind (unused fields stay 0):
//   block_type     block
//   label          x = label index
//   br_table       labels() = the n labels, x = the default label
//   func           x = function index
//   call_indirect  x = type index, y = table index
//   select_t       types() = the type vector
//   local, global, table, data, elem   x = the index
//   memarg         x = memory index, align = log2 of the alignment,
//                  bits = the static offset
//   mem            x = memory index
//   i32, i64       bits = the value's two's complement bits (i32: zero-
//                  extended from 32 bits)
//   f32, f64       bits = the IEEE 754 bits (f32: in the low 32 bits)
//   ref_type       type = funcref or externref
//   mem_init       x = data index, y = memory index
//   mem_copy       x = destination memory, y = source memory
//   table_init     x = element segment index, y = table index
//   table_copy     x = destination table, y = source table
//   v128, shuffle  bits = bytes 0-7, bits_hi = bytes 8-15 (little endian)
//   lane           lane = the lane index byte (not range-checked here)
//   memarg_lane    as memarg, plus lane
struct InstrImm {
  uint32_t x = 0;
  uint32_t y = 0;
  uint32_t align = 0;
  uint64_t bits = 0;
  uint64_t bits_hi = 0;
  uint8_t lane = 0;
  ValType type = ValType::I32;
  BlockType block;
};

class InstrReader {
 public:
  // Reads the body [begin, end) of module.bytes; error offsets are offsets in
  // the module.
  InstrReader(const Module& module, const Features& features, size_t begin, size_t end);

  bool at_end() const { return pos_ == end_; }
  size_t position() const { return pos_; }

  // Reads the next instruction into op and imm. Returns false on malformed
  // bytes (including running out of them); error() then says why, with the
  // reference interpreter's message.
  //
  // This runs once per instruction: it returns a bool rather than a Status,
  // and reads LEB128 with the pure functions of leb128.h, so that the common
  // case builds no Result.
  bool read(Opcode& op, InstrImm& imm) { return read_opcode(op) && read_immediates(op, imm); }
  const Error& error() const { return error_; }

  // The two halves of read(), and the pieces of the second, for a caller
  // that dispatches on the opcode itself (the validator does: one switch
  // per instruction instead of two).
  bool read_opcode(Opcode& op);
  bool read_immediates(Opcode op, InstrImm& imm);
  bool read_u32(uint32_t& out);
  bool read_block_type(BlockType& bt);
  bool read_br_table(uint32_t& default_label);  // the other labels: labels()
  bool read_select_types();                     // the types: types()
  bool read_ref_type(ValType& type);

  // Reads an expression (spec 5.4.9: instructions ended by `end`), such as a
  // constant expression outside the code section: calls
  // visit(op, imm, offset) for each instruction but the final `end`, and
  // stops after that `end`. Blocks nest, so the `end` of a block, loop or if
  // inside the expression is one of its instructions, not its end: such an
  // expression is well formed (if never constant), and the next item of the
  // section starts where the reference interpreter says it does. Blocks are
  // only counted (nothing is allocated per block), in 64 bits: a module may
  // be allowed more than 2^32 bytes.
  template <class Visit>
  bool read_expression(Visit&& visit) {
    uint64_t depth = 0;  // blocks opened and not yet ended
    Opcode op;
    InstrImm imm;
    for (;;) {
      const size_t at = pos_;
      if (!read(op, imm)) return false;
      if (op == Opcode::end && depth-- == 0) return true;
      if (info(op).imm == Imm::block_type) ++depth;
      visit(op, imm, at);
    }
  }

  // The data count section is required only by data indices in the code
  // section (spec 5.5.16). An expression elsewhere, decoded before that
  // section is even reached, may name a data segment without it (and is
  // then invalid, not malformed: data.drop is not constant).
  void allow_data_indices() { has_data_count_ = true; }

  // The variable-length immediates of the last instruction read.
  std::span<const uint32_t> labels() const { return labels_; }  // br_table
  std::span<const ValType> types() const { return types_; }      // select_t

 private:
  bool read_memarg(InstrImm& imm);
  bool read_memory_index(uint32_t& index);
  bool read_value_type(ValType& type);
  bool read_byte(uint8_t& out);
  bool read_length(uint32_t& out);
  bool read_signed(unsigned bits, int64_t& out);
  bool read_fixed(unsigned bytes, uint64_t& out);
  bool leb_error(const LebRead& r);
  bool fail(size_t offset, const char* message);

  const uint8_t* data_;  // Module::bytes
  size_t pos_;
  size_t end_;
  Features features_;  // a copy: four flags, and no dangling reference to a temporary
  bool has_data_count_;
  Error error_;
  std::vector<uint32_t> labels_;
  std::vector<ValType> types_;
};

// Does `byte` encode a value type (spec 5.3.1-5.3.3)? v128 only with SIMD.
bool is_value_type_byte(uint8_t byte, const Features& features);

}  // namespace wasmslot
