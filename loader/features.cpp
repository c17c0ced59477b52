#include "loader/features.h"

#include <algorithm>

#include "loader/instr_reader.h"

namespace wasmslot {

namespace {

enum Feature : unsigned {
  kMutableGlobals, kSignExt, kSatFloatToInt, kMultiValue, kBulkMemory,
  kReferenceTypes, kSimd, kTailCall, kExtendedConst, kMultiMemory, kCount
};
constexpr const char* kNames[kCount] = {
    "mutable-globals", "sign-ext",  "saturating-float-to-int", "multi-value", "bulk-memory",
    "reference-types", "simd",      "tail-call",               "extended-const", "multi-memory"};

bool is_between(Opcode op, Opcode first, Opcode last) { return op >= first && op <= last; }

// The feature an instruction belongs to, or kCount for the MVP's own.
Feature feature_of(Opcode op) {
  if (info(op).prefix == 0xFD) return kSimd;
  if (is_between(op, Opcode::i32_extend8_s, Opcode::i64_extend32_s)) return kSignExt;
  if (is_between(op, Opcode::i32_trunc_sat_f32_s, Opcode::i64_trunc_sat_f64_u)) return kSatFloatToInt;
  switch (op) {
    case Opcode::memory_init: case Opcode::data_drop: case Opcode::memory_copy:
    case Opcode::memory_fill: case Opcode::table_init: case Opcode::elem_drop:
    case Opcode::table_copy:
      return kBulkMemory;
    case Opcode::ref_null: case Opcode::ref_is_null: case Opcode::ref_func:
    case Opcode::table_get: case Opcode::table_set: case Opcode::table_grow:
    case Opcode::table_size: case Opcode::table_fill: case Opcode::select_t:
      return kReferenceTypes;
    case Opcode::return_call: case Opcode::return_call_indirect:
      return kTailCall;
    default:
      return kCount;
  }
}

}  // namespace

std::vector<std::string> features_used(const Module& m, const Features& features) {
  bool used[kCount] = {};
  auto note_type = [&](ValType t) {
    if (t == ValType::V128) used[kSimd] = true;
    if (is_ref(t)) used[kReferenceTypes] = true;
  };
  for (const FuncType& t : m.types) {
    if (t.results.size() > 1) used[kMultiValue] = true;
    for (ValType v : t.params) note_type(v);
    for (ValType v : t.results) note_type(v);
  }
  for (const Global& g : m.globals) note_type(g.type.type);
  for (const Import& i : m.imports)
    if (i.kind == ExternKind::Global) {
      note_type(i.global.type);
      if (i.global.mut) used[kMutableGlobals] = true;
    }
  for (const Export& e : m.exports)
    if (e.kind == ExternKind::Global && e.index >= m.num_imported_globals &&
        m.globals[e.index - m.num_imported_globals].type.mut)
      used[kMutableGlobals] = true;
  if (m.num_imported_tables + m.tables.size() > 1) used[kReferenceTypes] = true;
  if (m.num_imported_memories + m.memories.size() > 1) used[kMultiMemory] = true;
  for (const ElemSegment& e : m.elems) {
    if (e.mode != SegmentMode::Active) used[kBulkMemory] = true;
    if (e.type == ValType::ExternRef) used[kReferenceTypes] = true;
  }
  for (const DataSegment& d : m.datas)
    if (d.mode == SegmentMode::Passive) used[kBulkMemory] = true;

  // Constant expressions with arithmetic are extended-const.
  auto note_expr = [&](const ConstExpr& e) {
    for (const ConstOp& op : e.ops)
      if (info(op.op).signature[0] != ':' && info(op.op).signature[0] != '\0')
        used[kExtendedConst] = true;  // an operator that consumes operands
  };
  for (const Global& g : m.globals) note_expr(g.init);
  for (const ElemSegment& e : m.elems) note_expr(e.offset);
  for (const DataSegment& d : m.datas) note_expr(d.offset);

  for (const Func& f : m.funcs) {
    for (const LocalRun& run : f.locals) note_type(run.type);
    InstrReader r(m, features, f.body_offset, f.body_offset + f.body_size);
    Opcode op;
    InstrImm imm;
    while (!r.at_end() && r.read(op, imm = InstrImm{})) {
      if (Feature ft = feature_of(op); ft != kCount) used[ft] = true;
      if (info(op).imm == Imm::block_type && imm.block.kind == BlockType::Index) used[kMultiValue] = true;
      // A memory index other than 0 is multi-memory; a table index other
      // than 0 in call_indirect is reference types.
      switch (info(op).imm) {
        case Imm::memarg: case Imm::memarg_lane: case Imm::mem:
          if (imm.x != 0) used[kMultiMemory] = true;
          break;
        case Imm::mem_init:
          if (imm.y != 0) used[kMultiMemory] = true;
          break;
        case Imm::mem_copy:
          if (imm.x != 0 || imm.y != 0) used[kMultiMemory] = true;
          break;
        case Imm::call_indirect:
          if (imm.y != 0) used[kReferenceTypes] = true;
          break;
        default:
          break;
      }
    }
  }

  std::vector<std::string> names;
  for (unsigned i = 0; i < kCount; ++i)
    if (used[i]) names.emplace_back(kNames[i]);
  return names;
}

}  // namespace wasmslot
