// The binary format (spec chapter 5): from the bytes of a module to a Module.
//
// A module is a preamble (magic and version) followed by sections. Each
// section is an id byte, a u32 size and that many bytes of content. Custom
// sections (id 0) may appear anywhere and are ignored, except the "name"
// section, which we read for better error messages and traces. The other
// sections appear at most once each, in a fixed order.
//
// What this file does not do: it does not look inside function bodies beyond
// their locals (the validator decodes instructions, from Func::body_offset),
// and it checks no typing rules or index ranges (validation, chapter 3).
//
// Error messages are those of the spec's reference interpreter, because the
// spec tests (binary.wast, binary-leb128.wast, custom.wast, utf8-*.wast) check
// them. Two of its habits show through, and are followed on purpose:
//   * a section's content is read from the module's bytes, not from a window
//     cut to the section's size; only afterwards is the size compared with
//     what was read ("section size mismatch"). Reads can never go past the
//     end of the module, so this is safe, and a count that claims more entries
//     than the section holds fails the same way the reference fails. (The
//     exception: a constant expression is read within its section, see
//     const_expr: one without its `end` never runs on into the next section.)
//   * the checks that relate sections to each other (function and code
//     counts, data count) run after the last section.
//
// Robustness: every count is read with Reader::read_length, which rejects a
// count larger than the bytes that are left (each entry takes at least one
// byte), and is compared with ModuleLimits, before anything is reserved for
// it. Reservations are further capped by the section's size, so a module that
// declares 2^32-1 functions fails at once and allocates nothing.

#include <algorithm>
#include <cstdio>
#include <string>

#include "loader/instr_reader.h"
#include "loader/loader.h"
#include "loader/reader.h"

namespace wasmslot {

namespace {

#define TRY WASMSLOT_TRY
#define CHECK WASMSLOT_CHECK

// Section ids (spec section 5.5.2).
enum SectionId : uint8_t {
  kCustomSection = 0,
  kTypeSection = 1,
  kImportSection = 2,
  kFunctionSection = 3,
  kTableSection = 4,
  kMemorySection = 5,
  kGlobalSection = 6,
  kExportSection = 7,
  kStartSection = 8,
  kElementSection = 9,
  kCodeSection = 10,
  kDataSection = 11,
  kDataCountSection = 12,
};

// Where each non-custom section must come in the module. The ids follow the
// order of the spec's chapters, except the data count section (added by bulk
// memory with the next free id), which goes between element and code: a
// single-pass validator must know the number of data segments before it meets
// memory.init or data.drop in a function body.
int section_rank(uint8_t id) {
  switch (id) {
    case kTypeSection: return 1;
    case kImportSection: return 2;
    case kFunctionSection: return 3;
    case kTableSection: return 4;
    case kMemorySection: return 5;
    case kGlobalSection: return 6;
    case kExportSection: return 7;
    case kStartSection: return 8;
    case kElementSection: return 9;
    case kDataCountSection: return 10;
    case kCodeSection: return 11;
    case kDataSection: return 12;
    default: return 0;
  }
}

std::string hex_byte(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02x", v);
  return buf;
}

class Decoder {
 public:
  Decoder(Module& module, const Features& features, const ModuleLimits& limits)
      : m_(module), features_(features), limits_(limits), r_(module.bytes) {}

  Status decode_module();

 private:
  // Sections (spec section 5.5), each reading its content from r_.
  Status custom_section(uint32_t size);
  Status type_section();
  Status import_section();
  Status function_section();
  Status table_section();
  Status memory_section();
  Status global_section();
  Status export_section();
  Status start_section();
  Status element_section();
  Status data_count_section();
  Status code_section();
  Status data_section();
  void name_section(size_t begin, size_t end);

  // Types (spec section 5.3) and constant expressions (5.4.9), from any reader.
  Result<ValType> value_type(Reader& r);
  Result<ValType> ref_type(Reader& r);
  Result<FuncType> func_type(Reader& r);
  Result<Limits> limits(Reader& r);
  Result<TableType> table_type(Reader& r);
  Result<MemoryType> memory_type(Reader& r);
  Result<GlobalType> global_type(Reader& r);
  Result<ConstExpr> const_expr(Reader& r);
  Status elem_items(ElemSegment& seg, uint32_t n, bool expressions);
  Status locals(Reader& r, Func& func);

  // A vector's length: at most the bytes left (Reader::read_length) and at
  // most `max` (a ModuleLimits entry, reported as `too_many`).
  Result<uint32_t> count(Reader& r, uint64_t max, const char* too_many) {
    const size_t at = r.position();
    TRY(uint32_t n, r.read_length());
    if (n > max) return Error{too_many, at};
    return n;
  }

  // How many entries of a vector of n to reserve room for: never more than
  // the bytes left in the current section, since each entry takes one byte at
  // least. (Vectors still grow if a count is honest but entries are packed.)
  size_t reservation(uint32_t n) const {
    const size_t pos = r_.position();
    const size_t left = section_end_ > pos ? section_end_ - pos : 0;
    return std::min<size_t>(n, left);
  }

  Module& m_;
  const Features& features_;
  const ModuleLimits& limits_;
  Reader r_;                   // over the whole module
  size_t section_end_ = 0;     // where the current section should end
  bool have_code_section_ = false;
  uint32_t code_count_ = 0;    // bodies in the code section
};

// ---------------------------------------------------------------------------
// The module (spec section 5.5.16)

Status Decoder::decode_module() {
  if (m_.bytes.size() > limits_.max_module_size) return Error{"module too large", 0};

  // The preamble: "\0asm" and the version, 1, as a 4-byte little-endian u32.
  static constexpr uint8_t kMagic[4] = {0x00, 0x61, 0x73, 0x6D};
  static constexpr uint8_t kVersion[4] = {0x01, 0x00, 0x00, 0x00};
  TRY(auto magic, r_.read_bytes(4));
  if (!std::equal(magic.begin(), magic.end(), kMagic)) return Error{"magic header not detected", 0};
  TRY(auto version, r_.read_bytes(4));
  if (!std::equal(version.begin(), version.end(), kVersion))
    return Error{"unknown binary version", 4};

  int last_rank = 0;
  while (!r_.at_end()) {
    const size_t id_at = r_.position();
    TRY(uint8_t id, r_.read_u8());
    if (id > kDataCountSection) return Error{"malformed section id", id_at};
    if (id != kCustomSection) {
      // A section that repeats or comes too late is where the reference
      // interpreter stops reading sections: what is left is "content after
      // the last section".
      const int rank = section_rank(id);
      if (rank <= last_rank) return Error{"unexpected content after last section", id_at};
      last_rank = rank;
    }
    TRY(uint32_t size, r_.read_length());
    const size_t start = r_.position();
    section_end_ = start + size;
    switch (id) {
      case kCustomSection: CHECK(custom_section(size)); break;
      case kTypeSection: CHECK(type_section()); break;
      case kImportSection: CHECK(import_section()); break;
      case kFunctionSection: CHECK(function_section()); break;
      case kTableSection: CHECK(table_section()); break;
      case kMemorySection: CHECK(memory_section()); break;
      case kGlobalSection: CHECK(global_section()); break;
      case kExportSection: CHECK(export_section()); break;
      case kStartSection: CHECK(start_section()); break;
      case kElementSection: CHECK(element_section()); break;
      case kDataCountSection: CHECK(data_count_section()); break;
      case kCodeSection: CHECK(code_section()); break;
      case kDataSection: CHECK(data_section()); break;
    }
    if (r_.position() != start + size) return Error{"section size mismatch", start};
  }

  // Checks across sections, once all are read. The function section gives
  // each function its type, the code section its body: one of each per
  // function. A missing section counts as empty.
  const size_t end = r_.position();
  const uint32_t bodies = have_code_section_ ? code_count_ : 0;
  if (bodies != m_.funcs.size())
    return Error{"function and code section have inconsistent lengths", end};
  if (m_.data_count && *m_.data_count != m_.datas.size())
    return Error{"data count and data section have inconsistent lengths", end};
  return Ok{};
}

// ---------------------------------------------------------------------------
// Custom sections (spec section 5.5.3): a name, then bytes for whoever knows
// that name. Only the name must be well formed; the rest is skipped.

Status Decoder::custom_section(uint32_t size) {
  const size_t start = r_.position();
  TRY(std::string name, r_.read_name());
  const size_t used = r_.position() - start;
  // The name must fit in the section, and the section in the module.
  if (used > size) return Error{kUnexpectedEnd, r_.end()};
  const size_t payload = r_.position();
  CHECK(r_.skip(size - used));
  if (name == "name") name_section(payload, r_.position());
  return Ok{};
}

// The name section (spec appendix 7.4.1): subsections of an id byte, a size
// and content. We take the module name (id 0) and the function names (id 1)
// and ignore the rest. The spec asks implementations to ignore a malformed
// name section, so any problem here just stops reading it; subsections read
// completely before that are kept.
void Decoder::name_section(size_t begin, size_t end) {
  Reader r(m_.bytes, begin, end);
  while (!r.at_end()) {
    auto id = r.read_u8();
    if (!id) return;
    auto size = r.read_length();
    if (!size || size.value() > r.remaining()) return;
    const size_t sub_end = r.position() + size.value();
    Reader sub(m_.bytes, r.position(), sub_end);
    if (id.value() == 0) {
      auto name = sub.read_name();
      if (!name || !sub.at_end()) return;
      m_.module_name = std::move(name).value();
    } else if (id.value() == 1) {
      // A name map: vec(funcidx name).
      auto n = sub.read_length();
      if (!n) return;
      std::map<uint32_t, std::string> names;
      for (uint32_t i = 0; i < n.value(); ++i) {
        auto index = sub.read_u32();
        if (!index) return;
        auto name = sub.read_name();
        if (!name) return;
        names[index.value()] = std::move(name).value();
      }
      if (!sub.at_end()) return;
      m_.func_names = std::move(names);
    }
    r.seek(sub_end);
  }
}

// ---------------------------------------------------------------------------
// Types (spec section 5.3)

Result<ValType> Decoder::value_type(Reader& r) {
  const size_t at = r.position();
  TRY(uint8_t byte, r.read_u8());
  switch (byte) {
    case 0x7F: case 0x7E: case 0x7D: case 0x7C:  // i32 i64 f32 f64
    case 0x70: case 0x6F:                        // funcref externref
      return static_cast<ValType>(byte);
    case 0x7B:  // v128
      if (features_.simd) return ValType::V128;
      break;
  }
  return Error{"malformed value type", at};
}

Result<ValType> Decoder::ref_type(Reader& r) {
  const size_t at = r.position();
  TRY(uint8_t byte, r.read_u8());
  if (byte == 0x70 || byte == 0x6F) return static_cast<ValType>(byte);
  return Error{"malformed reference type", at};
}

// functype ::= 0x60 vec(valtype) vec(valtype)
Result<FuncType> Decoder::func_type(Reader& r) {
  const size_t at = r.position();
  TRY(uint8_t form, r.read_u8());
  // The form byte is formally a signed LEB128 of 7 bits (0x60 is -0x20): a
  // byte with the continuation bit set is an over-long encoding.
  if (form & 0x80) return Error{kTooLong, at + 1};
  if (form != 0x60) return Error{"malformed function type", at};
  FuncType type;
  TRY(uint32_t num_params, count(r, limits_.max_params, "too many parameters"));
  type.params.reserve(reservation(num_params));
  for (uint32_t i = 0; i < num_params; ++i) {
    TRY(ValType t, value_type(r));
    type.params.push_back(t);
  }
  TRY(uint32_t num_results, count(r, limits_.max_results, "too many results"));
  type.results.reserve(reservation(num_results));
  for (uint32_t i = 0; i < num_results; ++i) {
    TRY(ValType t, value_type(r));
    type.results.push_back(t);
  }
  return type;
}

// limits ::= 0x00 min:u32 | 0x01 min:u32 max:u32
// The flag is read as a 1-bit LEB128, as the reference interpreter does: 0x02
// is "integer too large" and 0x81 0x00 "integer representation too long".
// (The threads and memory64 proposals give meaning to more flag bits; this
// decoder supports neither, so they stay malformed.)
Result<Limits> Decoder::limits(Reader& r) {
  TRY(uint64_t has_max, r.read_unsigned(1));
  Limits l;
  TRY(uint32_t min, r.read_u32());
  l.min = min;
  if (has_max) {
    TRY(uint32_t max, r.read_u32());
    l.max = max;
  }
  return l;
}

// tabletype ::= reftype limits
Result<TableType> Decoder::table_type(Reader& r) {
  TableType t;
  TRY(t.elem, ref_type(r));
  TRY(t.limits, limits(r));
  return t;
}

// memtype ::= limits (in pages)
Result<MemoryType> Decoder::memory_type(Reader& r) {
  MemoryType t;
  TRY(t.limits, limits(r));
  return t;
}

// globaltype ::= valtype mut, mut ::= 0x00 (const) | 0x01 (var)
Result<GlobalType> Decoder::global_type(Reader& r) {
  GlobalType g;
  TRY(g.type, value_type(r));
  const size_t at = r.position();
  TRY(uint8_t mut, r.read_u8());
  if (mut > 1) return Error{"malformed mutability", at};
  g.mut = mut == 1;
  return g;
}

// ---------------------------------------------------------------------------
// Constant expressions (spec section 3.3.10 and 5.4.9): an instruction
// sequence ended by `end`. Which instructions are *constant* is a validation
// rule (3.3.10, "constant expression required"), not a rule of the binary
// format: `(global i32 (i32.ctz (i32.const 1)))` is well formed, but invalid.
// So any instruction is read here, with its immediates, by the reader that
// reads function bodies (that is how the expression's `end` is found), and
// kept as a ConstOp with its real opcode for the validator (check_const in
// loader/validator.cpp) to reject. Only the immediates of the constant
// instructions are kept: the others are never evaluated.
//
// Memory: a ConstOp takes 24 bytes, an instruction as little as one, so an
// expression is kept only up to its first non-constant instruction. That one
// is kept (check_const rejects it, and reports the expression's offset, so
// nothing after it could change the error); the rest is read, to find the
// expression's `end`, and dropped. Blocks are counted, not stored
// (InstrReader::read_expression). And the reader's window ends with the
// section: an expression cannot run on into the next one.

// One instruction of a constant expression as a ConstOp (module.h says where
// each kind of immediate goes).
ConstOp const_op(Opcode op, const InstrImm& imm) {
  ConstOp c{op};
  switch (op) {
    case Opcode::i32_const:  // the value's 32 bits, zero-extended
    case Opcode::i64_const:
    case Opcode::f32_const:
    case Opcode::f64_const:
      c.imm = imm.bits;
      break;
    case Opcode::v128_const:  // 16 bytes, little endian: the low 8 first
      c.imm = imm.bits;
      c.imm_hi = imm.bits_hi;
      break;
    case Opcode::ref_null:
      c.imm = static_cast<uint8_t>(imm.type);
      break;
    case Opcode::ref_func:
    case Opcode::global_get:
      c.imm = imm.x;
      break;
    default:  // not constant (extended-const's add, sub, mul have no immediates)
      break;
  }
  return c;
}

// Can `op` be part of a valid constant expression (given the right
// features, types and indices, which the validator checks)? The decoder
// keeps an expression's instructions up to the first one that cannot.
bool may_be_constant(Opcode op) {
  switch (op) {
    case Opcode::i32_const: case Opcode::i64_const:
    case Opcode::f32_const: case Opcode::f64_const: case Opcode::v128_const:
    case Opcode::ref_null: case Opcode::ref_func: case Opcode::global_get:
    case Opcode::i32_add: case Opcode::i32_sub: case Opcode::i32_mul:  // extended-const
    case Opcode::i64_add: case Opcode::i64_sub: case Opcode::i64_mul:
      return true;
    default:
      return false;
  }
}

Result<ConstExpr> Decoder::const_expr(Reader& r) {
  ConstExpr e;
  e.offset = r.position();
  // The window ends with the current section (every caller reads one).
  // Only when an earlier item has already run past that end is it left at
  // r's end, so that the section size check reports it as before.
  const size_t end = section_end_ >= r.position() ? std::min(section_end_, r.end()) : r.end();
  InstrReader in(m_, features_, r.position(), end);
  in.allow_data_indices();
  bool keep = true;  // until the first instruction that is not constant
  const bool ok = in.read_expression([&](Opcode op, const InstrImm& imm, size_t) {
    if (!keep) return;
    e.ops.push_back(const_op(op, imm));
    keep = may_be_constant(op);
  });
  if (!ok) {
    Error error = in.error();
    // The instruction reader, written for the validator's hot loop, says
    // only "illegal opcode"; name the bytes like the reference interpreter
    // ("illegal opcode fd 99"), reading them again where the reader stopped.
    if (error.message == "illegal opcode") {
      r.seek(error.offset);
      TRY(uint8_t byte, r.read_u8());
      error.message = "illegal opcode " + hex_byte(byte);
      if (byte == 0xFC || byte == 0xFD) {
        TRY(uint32_t code, r.read_u32());
        error.message.append(" ").append(hex_byte(code));
      }
    }
    return error;
  }
  r.seek(in.position());
  return e;
}

// ---------------------------------------------------------------------------
// Sections with their content (spec sections 5.5.4 to 5.5.13)

// typesec ::= vec(functype)
Status Decoder::type_section() {
  TRY(uint32_t n, count(r_, limits_.max_types, "too many types"));
  m_.types.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    TRY(FuncType t, func_type(r_));
    m_.types.push_back(std::move(t));
  }
  return Ok{};
}

// importsec ::= vec(import), import ::= module:name name:name importdesc
Status Decoder::import_section() {
  TRY(uint32_t n, count(r_, limits_.max_imports, "too many imports"));
  m_.imports.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    Import im;
    TRY(im.module, r_.read_name());
    TRY(im.name, r_.read_name());
    const size_t at = r_.position();
    TRY(uint8_t kind, r_.read_u8());
    switch (kind) {
      case 0x00: {
        im.kind = ExternKind::Func;
        TRY(im.type_index, r_.read_u32());
        ++m_.num_imported_funcs;
        break;
      }
      case 0x01: {
        im.kind = ExternKind::Table;
        TRY(im.table, table_type(r_));
        ++m_.num_imported_tables;
        break;
      }
      case 0x02: {
        im.kind = ExternKind::Memory;
        TRY(im.memory, memory_type(r_));
        ++m_.num_imported_memories;
        break;
      }
      case 0x03: {
        im.kind = ExternKind::Global;
        TRY(im.global, global_type(r_));
        ++m_.num_imported_globals;
        break;
      }
      default:
        return Error{"malformed import kind", at};
    }
    m_.imports.push_back(std::move(im));
  }
  // Imports count toward the limits of their index spaces.
  if (m_.num_imported_funcs > limits_.max_functions) return Error{"too many functions", r_.position()};
  if (m_.num_imported_globals > limits_.max_globals) return Error{"too many globals", r_.position()};
  return Ok{};
}

// funcsec ::= vec(typeidx): the type of each function whose body is in the
// code section.
Status Decoder::function_section() {
  const uint64_t max = uint64_t{limits_.max_functions} - m_.num_imported_funcs;
  TRY(uint32_t n, count(r_, max, "too many functions"));
  m_.funcs.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    Func f;
    TRY(f.type_index, r_.read_u32());
    m_.funcs.push_back(std::move(f));
  }
  return Ok{};
}

// tablesec ::= vec(tabletype)
Status Decoder::table_section() {
  TRY(uint32_t n, r_.read_length());
  m_.tables.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    TRY(TableType t, table_type(r_));
    m_.tables.push_back(t);
  }
  return Ok{};
}

// memsec ::= vec(memtype)
Status Decoder::memory_section() {
  TRY(uint32_t n, r_.read_length());
  m_.memories.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    TRY(MemoryType t, memory_type(r_));
    m_.memories.push_back(t);
  }
  return Ok{};
}

// globalsec ::= vec(global), global ::= globaltype expr
Status Decoder::global_section() {
  const uint64_t max = uint64_t{limits_.max_globals} - m_.num_imported_globals;
  TRY(uint32_t n, count(r_, max, "too many globals"));
  m_.globals.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    Global g;
    TRY(g.type, global_type(r_));
    TRY(g.init, const_expr(r_));
    m_.globals.push_back(std::move(g));
  }
  return Ok{};
}

// exportsec ::= vec(export), export ::= name exportdesc
Status Decoder::export_section() {
  TRY(uint32_t n, count(r_, limits_.max_exports, "too many exports"));
  m_.exports.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    Export e;
    TRY(e.name, r_.read_name());
    const size_t at = r_.position();
    TRY(uint8_t kind, r_.read_u8());
    if (kind > 0x03) return Error{"malformed export kind", at};
    e.kind = static_cast<ExternKind>(kind);
    TRY(e.index, r_.read_u32());
    m_.exports.push_back(std::move(e));
  }
  return Ok{};
}

// startsec ::= funcidx
Status Decoder::start_section() {
  TRY(uint32_t index, r_.read_u32());
  m_.start = index;
  return Ok{};
}

// elemsec ::= vec(elem). A segment starts with a u32 whose three bits say
// how the rest is written:
//   bit 0  0: active;  1: passive, or declarative when bit 1 is set too
//   bit 1  active: an explicit table index follows (else table 0);
//          otherwise: declarative
//   bit 2  0: the elements are function indices, after an elemkind byte
//             (only 0x00, funcref), which forms 0 and 4 leave out;
//          1: the elements are constant expressions, after a reftype.
Status Decoder::element_section() {
  TRY(uint32_t n, count(r_, limits_.max_elem_segments, "too many element segments"));
  m_.elems.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    const size_t at = r_.position();
    TRY(uint32_t form, r_.read_u32());
    if (form > 7) return Error{"malformed elements segment kind", at};
    const bool passive_or_declarative = form & 1;
    const bool table_or_declarative = form & 2;
    const bool expressions = form & 4;

    ElemSegment seg;
    if (!passive_or_declarative) {
      seg.mode = SegmentMode::Active;
      if (table_or_declarative) {
        TRY(seg.table, r_.read_u32());
      }
      TRY(seg.offset, const_expr(r_));
    } else {
      seg.mode = table_or_declarative ? SegmentMode::Declarative : SegmentMode::Passive;
    }

    if (form == 0 || form == 4) {
      seg.type = ValType::FuncRef;
    } else if (expressions) {
      TRY(seg.type, ref_type(r_));
    } else {
      const size_t kind_at = r_.position();
      TRY(uint8_t elemkind, r_.read_u8());
      if (elemkind != 0x00) return Error{"malformed element kind", kind_at};
      seg.type = ValType::FuncRef;
    }

    TRY(uint32_t num_elems, count(r_, limits_.max_table_size, "too many table elements"));
    CHECK(elem_items(seg, num_elems, expressions));
    m_.elems.push_back(std::move(seg));
  }
  return Ok{};
}

// The items of an element segment, into seg.funcs when every one is a
// function index or a null funcref (module.h, ElemSegment), else into
// seg.init. The first pass reads them as indices and stops at the first item
// that is not one; the items are then read again from the start as
// expressions, so that each keeps its own offset for errors.
Status Decoder::elem_items(ElemSegment& seg, uint32_t n, bool expressions) {
  seg.items_offset = r_.position();
  if (seg.type == ValType::FuncRef) {
    seg.funcs.reserve(reservation(n));
    uint32_t j = 0;
    for (; j < n; ++j) {
      uint32_t f;
      if (expressions) {
        TRY(ConstExpr e, const_expr(r_));
        if (e.ops.size() != 1) break;
        const ConstOp& op = e.ops[0];
        if (op.op == Opcode::ref_func) {
          f = static_cast<uint32_t>(op.imm);
        } else if (op.op == Opcode::ref_null && op.imm == static_cast<uint8_t>(ValType::FuncRef)) {
          seg.funcs.push_back(ElemSegment::kNullFunc);
          continue;
        } else {
          break;
        }
      } else {
        TRY(f, r_.read_u32());
      }
      if (f == ElemSegment::kNullFunc) break;  // would read as null
      seg.funcs.push_back(f);
    }
    if (j == n) return Ok{};
    std::vector<uint32_t>().swap(seg.funcs);
    r_.seek(seg.items_offset);
  }
  seg.init.reserve(reservation(n));
  for (uint32_t j = 0; j < n; ++j) {
    if (expressions) {
      TRY(ConstExpr e, const_expr(r_));
      seg.init.push_back(std::move(e));
    } else {
      // A function index x stands for the expression (ref.func x).
      ConstExpr e;
      e.offset = r_.position();
      TRY(uint32_t func_index, r_.read_u32());
      e.ops.push_back(ConstOp{Opcode::ref_func, func_index});
      seg.init.push_back(std::move(e));
    }
  }
  return Ok{};
}

// datacountsec ::= u32: the number of data segments, announced before the
// code so that a validator can check data indices in a single pass.
Status Decoder::data_count_section() {
  TRY(uint32_t n, r_.read_u32());
  m_.data_count = n;
  return Ok{};
}

// codesec ::= vec(code), code ::= size:u32 func, func ::= vec(locals) expr
// The instructions are left to the validator: we record where they are.
Status Decoder::code_section() {
  TRY(uint32_t n, count(r_, limits_.max_functions, "too many functions"));
  have_code_section_ = true;
  code_count_ = n;
  for (uint32_t i = 0; i < n; ++i) {
    // More bodies than functions is reported once all sections are read; such
    // extra bodies are still decoded (into `extra`), then dropped.
    Func extra;
    Func& f = i < m_.funcs.size() ? m_.funcs[i] : extra;

    const size_t size_at = r_.position();
    TRY(uint32_t size, r_.read_length());
    if (size > limits_.max_body_size) return Error{"function body too large", size_at};
    const size_t body_begin = r_.position();
    const size_t body_end = body_begin + size;
    if (body_end > r_.end()) return Error{kUnexpectedEnd, r_.end()};

    Reader body(m_.bytes, body_begin, body_end);
    CHECK(locals(body, f));
    f.body_offset = body.position();
    f.body_size = body_end - body.position();
    r_.seek(body_end);
  }
  return Ok{};
}

// locals ::= n:u32 valtype, declared as runs. The counts are summed in 64 bits:
// a run of 2^32-1 locals is encodable in a few bytes, and two of them would
// overflow a 32-bit sum.
Status Decoder::locals(Reader& r, Func& f) {
  const size_t at = r.position();
  TRY(uint32_t runs, r.read_length());
  f.locals.reserve(std::min<size_t>(runs, r.remaining()));
  uint64_t total = 0;
  for (uint32_t i = 0; i < runs; ++i) {
    TRY(uint32_t n, r.read_u32());
    TRY(ValType t, value_type(r));
    total += n;
    if (total > limits_.max_locals) return Error{"too many locals", at};
    f.locals.push_back(LocalRun{n, t});
  }
  f.locals_total = total;
  return Ok{};
}

// datasec ::= vec(data). A segment starts with a u32 form:
//   0: active, memory 0, offset expression, bytes
//   1: passive, bytes
//   2: active, explicit memory index, offset expression, bytes
Status Decoder::data_section() {
  TRY(uint32_t n, count(r_, limits_.max_data_segments, "too many data segments"));
  m_.datas.reserve(reservation(n));
  for (uint32_t i = 0; i < n; ++i) {
    const size_t at = r_.position();
    TRY(uint32_t form, r_.read_u32());
    DataSegment seg;
    switch (form) {
      case 0: {
        seg.mode = SegmentMode::Active;
        TRY(seg.offset, const_expr(r_));
        break;
      }
      case 1:
        seg.mode = SegmentMode::Passive;
        break;
      case 2: {
        seg.mode = SegmentMode::Active;
        TRY(seg.memory, r_.read_u32());
        TRY(seg.offset, const_expr(r_));
        break;
      }
      default:
        return Error{"malformed data segment kind", at};
    }
    TRY(uint32_t size, r_.read_length());
    seg.bytes_offset = r_.position();
    seg.bytes_size = size;
    CHECK(r_.skip(size));
    m_.datas.push_back(std::move(seg));
  }
  return Ok{};
}

#undef TRY
#undef CHECK

}  // namespace

Result<Module> decode(std::vector<uint8_t> bytes, const Features& features,
                      const ModuleLimits& limits) {
  Module module;
  module.bytes = std::move(bytes);  // bodies and data segments point into it
  Decoder decoder(module, features, limits);
  if (auto s = decoder.decode_module(); !s) return s.error();
  return Result<Module>(std::move(module));
}

}  // namespace wasmslot
