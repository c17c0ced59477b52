#include "loader/instr_reader.h"

#include "loader/reader.h"  // the reference interpreter's messages (kUnexpectedEnd, ...)

namespace wasmslot {

bool is_value_type_byte(uint8_t byte, const Features& features) {
  switch (byte) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C:  // i32 i64 f32 f64
    case 0x70: case 0x6F:                        // funcref externref
      return true;
    case 0x7B:                                   // v128
      return features.simd;
    default:
      return false;
  }
}

InstrReader::InstrReader(const Module& module, const Features& features, size_t begin, size_t end)
    : data_(module.bytes.data()),
      pos_(begin),
      end_(end),
      features_(features),
      has_data_count_(module.data_count.has_value()) {
  // A window past the module's end would be the caller's bug; clamp it so
  // that nothing is ever read out of bounds.
  if (end_ > module.bytes.size()) end_ = module.bytes.size();
  if (pos_ > end_) pos_ = end_;
}

// --- Primitive values -------------------------------------------------------------

bool InstrReader::fail(size_t offset, const char* message) {
  error_ = Error{message, offset};
  return false;
}

bool InstrReader::leb_error(const LebRead& r) {
  switch (r.status) {
    case LebStatus::unexpected_end: return fail(end_, kUnexpectedEnd);
    case LebStatus::too_long: return fail(pos_ + r.length, kTooLong);
    case LebStatus::too_large: return fail(pos_ + r.length, kTooLarge);
    case LebStatus::ok: break;
  }
  return true;
}

bool InstrReader::read_byte(uint8_t& out) {
  if (pos_ == end_) return fail(end_, kUnexpectedEnd);
  out = data_[pos_++];
  return true;
}

bool InstrReader::read_u32(uint32_t& out) {
  // Most indices are below 128: one byte, no loop.
  if (pos_ < end_ && data_[pos_] < 0x80) {
    out = data_[pos_++];
    return true;
  }
  const LebRead r = read_unsigned_leb128(data_ + pos_, data_ + end_, 32);
  if (r.status != LebStatus::ok) return leb_error(r);
  pos_ += r.length;
  out = static_cast<uint32_t>(r.value);
  return true;
}

// A count of things that follow, each at least one byte long: larger than
// the bytes left means malformed, and is refused before anything is
// allocated for it. (The bytes left are counted from where the count starts,
// as the reference interpreter and loader/reader.h do.)
bool InstrReader::read_length(uint32_t& out) {
  const size_t start = pos_;
  if (!read_u32(out)) return false;
  if (out > end_ - start) return fail(start, kLengthOutOfBounds);
  return true;
}

bool InstrReader::read_signed(unsigned bits, int64_t& out) {
  const LebRead r = read_signed_leb128(data_ + pos_, data_ + end_, bits);
  if (r.status != LebStatus::ok) return leb_error(r);
  pos_ += r.length;
  out = static_cast<int64_t>(r.value);
  return true;
}

// `bytes` bytes, little endian: the bits of an f32 or f64.
bool InstrReader::read_fixed(unsigned bytes, uint64_t& out) {
  if (end_ - pos_ < bytes) return fail(end_, kUnexpectedEnd);
  out = 0;
  for (unsigned i = bytes; i-- > 0;) out = (out << 8) | data_[pos_ + i];
  pos_ += bytes;
  return true;
}

bool InstrReader::read_value_type(ValType& type) {
  const size_t at = pos_;
  uint8_t byte = 0;
  if (!read_byte(byte)) return false;
  if (!is_value_type_byte(byte, features_)) return fail(at, "malformed value type");
  type = static_cast<ValType>(byte);
  return true;
}

// memidx in memory instructions. Before multi-memory it was a reserved byte
// that had to be exactly 0x00 (not even a longer LEB128 zero); with
// multi-memory it is an ordinary u32 index.
bool InstrReader::read_memory_index(uint32_t& index) {
  if (features_.multi_memory) return read_u32(index);
  const size_t at = pos_;
  uint8_t byte = 0;
  if (!read_byte(byte)) return false;
  if (byte != 0) return fail(at, "zero byte expected");
  index = 0;
  return true;
}

// 0x40 is the empty type; a value type is its own byte; anything else is a
// type index written as a (non-negative) s33. Every single byte 0x40..0x7F
// reads as a negative s33, so after ruling out the two one-byte forms, a
// negative number is a bad type byte.
bool InstrReader::read_block_type(BlockType& bt) {
  const size_t at = pos_;
  uint8_t first = 0;
  if (!read_byte(first)) return false;
  if (first == 0x40) {
    bt.kind = BlockType::Empty;
    return true;
  }
  if (is_value_type_byte(first, features_)) {
    bt.kind = BlockType::Value;
    bt.value = static_cast<ValType>(first);
    return true;
  }
  pos_ = at;
  int64_t index = 0;
  if (!read_signed(33, index)) return false;
  if (index < 0) return fail(at, "malformed value type");
  bt.kind = BlockType::Index;
  bt.index = static_cast<uint32_t>(index);
  return true;
}

// --- Instructions ----------------------------------------------------------------

// The opcode tables (interp/opcodes.h) are built at compile time from the
// one opcode table: decoding an opcode is one array load.
bool InstrReader::read_opcode(Opcode& op) {
  const OpcodeTables& tables = kOpcodeTables;
  const size_t start = pos_;
  uint8_t byte = 0;
  if (!read_byte(byte)) return false;
  int16_t found;
  if (byte == 0xFC || byte == 0xFD) {
    // A prefix byte, then the instruction's number within that prefix's
    // space as a u32 (so 0xFC 0x80 0x00 is a valid, if long, 0xFC 0).
    uint32_t code = 0;
    if (!read_u32(code)) return false;
    found = -1;
    if (code < OpcodeTables::kPrefixedSize) found = byte == 0xFC ? tables.fc[code] : tables.fd[code];
  } else {
    found = tables.byte[byte];
  }
  if (found < 0) return fail(start, "illegal opcode");
  op = static_cast<Opcode>(found);
  // Proposals that are switched off have no opcodes: their bytes are as
  // illegal as any unassigned one.
  if (byte == 0xFD && !features_.simd) return fail(start, "illegal opcode");
  if ((op == Opcode::return_call || op == Opcode::return_call_indirect) && !features_.tail_call)
    return fail(start, "illegal opcode");
  return true;
}

// vec(labelidx) then the default labelidx.
bool InstrReader::read_br_table(uint32_t& default_label) {
  uint32_t n = 0;
  if (!read_length(n)) return false;
  labels_.resize(n);
  for (uint32_t i = 0; i < n; ++i)
    if (!read_u32(labels_[i])) return false;
  return read_u32(default_label);
}

bool InstrReader::read_select_types() {
  uint32_t n = 0;
  if (!read_length(n)) return false;
  types_.resize(n);
  for (uint32_t i = 0; i < n; ++i)
    if (!read_value_type(types_[i])) return false;
  return true;
}

bool InstrReader::read_ref_type(ValType& type) {
  const size_t at = pos_;
  uint8_t byte = 0;
  if (!read_byte(byte)) return false;
  if (byte != 0x70 && byte != 0x6F) return fail(at, "malformed reference type");
  type = static_cast<ValType>(byte);
  return true;
}

// memarg ::= align:u32 offset:u32. With multi-memory, bit 6 of the
// alignment field says that a memory index follows it.
bool InstrReader::read_memarg(InstrImm& imm) {
  uint32_t align = 0, offset = 0;
  if (!read_u32(align)) return false;
  if (features_.multi_memory && (align & 0x40) != 0) {
    align &= ~uint32_t{0x40};
    if (!read_u32(imm.x)) return false;
  }
  if (!read_u32(offset)) return false;
  imm.align = align;
  imm.bits = offset;
  return true;
}

bool InstrReader::read_immediates(Opcode op, InstrImm& imm) {
  const size_t at = pos_;
  switch (info(op).imm) {
    case Imm::none:
      return true;

    case Imm::block_type:
      return read_block_type(imm.block);

    case Imm::br_table:
      return read_br_table(imm.x);

    case Imm::select_t:
      return read_select_types();

    case Imm::label:
    case Imm::func:
    case Imm::local:
    case Imm::global:
    case Imm::table:
    case Imm::elem:
      return read_u32(imm.x);

    case Imm::data:
      // data.drop names a data segment by index before the data section has
      // been seen; the data count section announces how many there will be,
      // so that one-pass validators (like this one) can check the index.
      if (!has_data_count_) return fail(at, "data count section required");
      return read_u32(imm.x);

    case Imm::call_indirect:
      // typeidx, then tableidx (a reserved zero byte before reference types,
      // which Wasm 2.0 includes: now any u32).
      return read_u32(imm.x) && read_u32(imm.y);

    case Imm::memarg:
      return read_memarg(imm);

    case Imm::mem:
      return read_memory_index(imm.x);

    case Imm::i32: {
      int64_t v = 0;
      if (!read_signed(32, v)) return false;
      imm.bits = static_cast<uint32_t>(v);  // the 32 bits, zero-extended
      return true;
    }
    case Imm::i64: {
      int64_t v = 0;
      if (!read_signed(64, v)) return false;
      imm.bits = static_cast<uint64_t>(v);
      return true;
    }
    case Imm::f32:
      return read_fixed(4, imm.bits);
    case Imm::f64:
      return read_fixed(8, imm.bits);

    case Imm::ref_type:
      return read_ref_type(imm.type);

    case Imm::mem_init:
      if (!has_data_count_) return fail(at, "data count section required");
      return read_u32(imm.x) && read_memory_index(imm.y);

    case Imm::mem_copy:
      return read_memory_index(imm.x) && read_memory_index(imm.y);

    case Imm::table_init:
    case Imm::table_copy:
      return read_u32(imm.x) && read_u32(imm.y);

    // SIMD. v128.const's value and shuffle's lane indices are 16 raw bytes
    // (not LEB128); a lane index is one raw byte, whose range validation
    // checks (it depends on the shape).
    case Imm::v128:
    case Imm::shuffle:
      return read_fixed(8, imm.bits) && read_fixed(8, imm.bits_hi);

    case Imm::lane:
      return read_byte(imm.lane);

    case Imm::memarg_lane:
      return read_memarg(imm) && read_byte(imm.lane);
  }
  // An immediate kind added to the opcode table that this reader does not
  // know yet (the table grows by proposals): refuse the instruction rather
  // than misread the bytes that follow.
  return fail(at, "unsupported instruction immediate");
}

}  // namespace wasmslot
