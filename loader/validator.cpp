// Validation of a decoded module (spec chapter 3, section 3.4 "Modules"):
// the context C, the types of imports and definitions, constant
// expressions, segments, the start function and exports. Function bodies
// are validated (and translated) in loader/validate_code.cpp.
//
// The checks come in the order of the reference interpreter, so that a
// module with several problems reports the same one the spec tests expect:
// imports, function types, globals, tables, memories, element and data
// segments, function bodies, start, exports, and the number of memories.

#include <algorithm>
#include <string_view>

#include "loader/reader.h"  // WASMSLOT_CHECK
#include "loader/validator_internal.h"

namespace wasmslot {

namespace validation {
namespace {

Error error_at(size_t offset, std::string message) { return Error{std::move(message), offset}; }

// --- Types (spec 3.2) ---------------------------------------------------------

// Limits must lie within `range`, and the minimum must not exceed the maximum.
Status check_limits(const Limits& limits, uint64_t range, const char* range_message) {
  if (limits.min > range || (limits.max && *limits.max > range)) return error_at(0, range_message);
  if (limits.max && limits.min > *limits.max)
    return error_at(0, "size minimum must not be greater than maximum");
  return Ok{};
}

Status check_table_type(const TableType& t) {
  if (!is_ref(t.elem)) return error_at(0, "malformed reference type");
  return check_limits(t.limits, 0xFFFFFFFFull, "table size must be at most 2^32-1");
}

Status check_memory_type(const MemoryType& t) {
  return check_limits(t.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)");
}

// --- Constant expressions (spec 3.3.10) ---------------------------------------

// The type an `N.const` instruction pushes, from the opcode table's
// signature (":i" pushes an i32): covers every constant instruction the
// table will ever have, v128.const included.
bool const_type(Opcode op, ValType& t) {
  const OpInfo& in = info(op);
  std::string_view text(in.text);
  if (text.size() < 6 || text.substr(text.size() - 6) != ".const") return false;
  const char* sig = in.signature;
  if (sig[0] != ':' || sig[1] == '\0' || sig[2] != '\0') return false;
  return type_of_signature_letter(sig[1], t);
}

// The arithmetic that extended-const allows in constant expressions.
bool is_extended_const_op(Opcode op, ValType& t) {
  switch (op) {
    case Opcode::i32_add: case Opcode::i32_sub: case Opcode::i32_mul:
      t = ValType::I32;
      return true;
    case Opcode::i64_add: case Opcode::i64_sub: case Opcode::i64_mul:
      t = ValType::I64;
      return true;
    default:
      return false;
  }
}

// A constant expression must consist of constant instructions only, and
// leave exactly one value of type `expected`. Like the reference
// interpreter, constness is checked for the whole expression before types,
// and reported at the expression's offset.
//
// This is where a non-constant instruction is rejected: the decoder keeps
// well-formed instructions (`(global i32 (i32.ctz (i32.const 1)))` is
// invalid, not malformed) as ConstOps with their own opcodes, up to and
// including the first one that cannot be constant; what follows that one
// could not change the error, which is reported at the expression's offset.
//
// In Wasm 2.0 a constant expression may read only *imported* globals, and
// only immutable ones: global initialisers, element and data offsets alike
// (global.wast and elem.wast test exactly that; extended-const keeps it).
Status check_const(const Context& c, const ConstExpr& e, ValType expected) {
  const size_t at = e.offset;
  for (const ConstOp& op : e.ops) {
    ValType t;
    if (const_type(op.op, t)) continue;
    switch (op.op) {
      case Opcode::ref_null:
        continue;
      case Opcode::ref_func:
        if (op.imm >= c.funcs.size()) return unknown(at, "function", op.imm);
        continue;
      case Opcode::global_get:
        if (op.imm >= c.imported_globals) return unknown(at, "global", op.imm);
        if (c.globals[op.imm].mut) return error_at(at, "constant expression required");
        continue;
      default:
        if (c.features.extended_const && is_extended_const_op(op.op, t)) continue;
        return error_at(at, "constant expression required");
    }
  }

  // Typing: a small operand stack (expressions are a handful of operations).
  std::vector<ValType> stack;
  auto pop = [&](ValType want) -> Status {
    if (stack.empty())
      return error_at(at, std::string("type mismatch: expected ") + to_string(want) +
                              ", but the stack is empty");
    if (stack.back() != want)
      return error_at(at, std::string("type mismatch: expected ") + to_string(want) + ", found " +
                              to_string(stack.back()));
    stack.pop_back();
    return Ok{};
  };
  for (const ConstOp& op : e.ops) {
    ValType t;
    if (const_type(op.op, t)) {
      stack.push_back(t);
    } else if (op.op == Opcode::ref_null) {
      const auto byte = static_cast<uint8_t>(op.imm);
      if (byte != 0x70 && byte != 0x6F) return error_at(at, "malformed reference type");
      stack.push_back(static_cast<ValType>(byte));
    } else if (op.op == Opcode::ref_func) {
      stack.push_back(ValType::FuncRef);
    } else if (op.op == Opcode::global_get) {
      stack.push_back(c.globals[op.imm].type);
    } else if (is_extended_const_op(op.op, t)) {
      WASMSLOT_CHECK(pop(t));
      WASMSLOT_CHECK(pop(t));
      stack.push_back(t);
    }
  }
  WASMSLOT_CHECK(pop(expected));
  if (!stack.empty())
    return error_at(at, "type mismatch: constant expression leaves " +
                            std::to_string(stack.size() + 1) + " values");
  return Ok{};
}

// --- The context ----------------------------------------------------------------

// Builds C from the imports and definitions, checking the type indices of
// functions on the way (nothing else can be looked up without them).
Status build_context(Context& c, const Module& m) {
  for (const Import& im : m.imports) {
    switch (im.kind) {
      case ExternKind::Func:
        if (im.type_index >= m.types.size()) return unknown(0, "type", im.type_index);
        c.funcs.push_back(im.type_index);
        break;
      case ExternKind::Table:
        WASMSLOT_CHECK(check_table_type(im.table));
        c.tables.push_back(im.table.elem);
        break;
      case ExternKind::Memory:
        WASMSLOT_CHECK(check_memory_type(im.memory));
        ++c.memories;
        break;
      case ExternKind::Global:
        c.globals.push_back(im.global);
        ++c.imported_globals;
        break;
    }
  }
  for (const Func& f : m.funcs) {
    if (f.type_index >= m.types.size()) return unknown(0, "type", f.type_index);
    c.funcs.push_back(f.type_index);
  }
  for (const TableType& t : m.tables) c.tables.push_back(t.elem);
  c.memories += static_cast<uint32_t>(m.memories.size());
  for (const Global& g : m.globals) c.globals.push_back(g.type);
  for (const ElemSegment& e : m.elems) c.elems.push_back(e.type);
  // The data count section, when present, announces the data section's
  // length; the decoder checks they agree, and so do we before trusting it.
  if (m.data_count && *m.data_count != m.datas.size())
    return error_at(0, "data count and data section have inconsistent lengths");
  c.datas = static_cast<uint32_t>(m.datas.size());

  // C.refs: the functions that the module mentions outside function bodies
  // (spec 3.4.10, "the set of function indices occurring in the module,
  // except in its functions or start function"). Out-of-range indices are
  // skipped here and reported by the checks below.
  c.refs.assign(c.funcs.size(), false);
  auto declare = [&](const ConstExpr& e) {
    for (const ConstOp& op : e.ops)
      if (op.op == Opcode::ref_func && op.imm < c.refs.size()) c.refs[op.imm] = true;
  };
  for (const Global& g : m.globals) declare(g.init);
  for (const ElemSegment& e : m.elems) {
    declare(e.offset);
    for (uint32_t f : e.funcs)
      if (f < c.refs.size()) c.refs[f] = true;  // skips kNullFunc too
    for (const ConstExpr& item : e.init) declare(item);
  }
  for (const DataSegment& d : m.datas) declare(d.offset);
  for (const Export& ex : m.exports)
    if (ex.kind == ExternKind::Func && ex.index < c.refs.size()) c.refs[ex.index] = true;
  return Ok{};
}

// --- Everything but the function bodies --------------------------------------------

Status check_globals(const Context& c, const Module& m) {
  for (const Global& g : m.globals) WASMSLOT_CHECK(check_const(c, g.init, g.type.type));
  return Ok{};
}

Status check_tables_and_memories(const Module& m) {
  for (const TableType& t : m.tables) WASMSLOT_CHECK(check_table_type(t));
  for (const MemoryType& mem : m.memories) WASMSLOT_CHECK(check_memory_type(mem));
  return Ok{};
}

Status check_segments(const Context& c, const Module& m) {
  for (const ElemSegment& e : m.elems) {
    if (!is_ref(e.type)) return error_at(e.offset.offset, "malformed reference type");
    // A funcs item is a ref.func or a null funcref (the decoder keeps only
    // funcref segments in that form): only its index needs checking.
    if (!e.funcs.empty() && e.type != ValType::FuncRef)
      return error_at(e.items_offset, "type mismatch: function references in a segment of " +
                                          std::string(to_string(e.type)));
    for (uint32_t f : e.funcs)
      if (f != ElemSegment::kNullFunc && f >= c.funcs.size()) return unknown(e.items_offset, "function", f);
    for (const ConstExpr& item : e.init) WASMSLOT_CHECK(check_const(c, item, e.type));
    if (e.mode == SegmentMode::Active) {
      if (e.table >= c.tables.size()) return unknown(e.offset.offset, "table", e.table);
      if (c.tables[e.table] != e.type)
        return error_at(e.offset.offset, std::string("type mismatch: element segment of ") +
                                             to_string(e.type) + " for a table of " +
                                             to_string(c.tables[e.table]));
      WASMSLOT_CHECK(check_const(c, e.offset, ValType::I32));
    }
  }
  for (const DataSegment& d : m.datas) {
    if (d.mode == SegmentMode::Active) {
      if (d.memory >= c.memories) return unknown(d.offset.offset, "memory", d.memory);
      WASMSLOT_CHECK(check_const(c, d.offset, ValType::I32));
    }
  }
  return Ok{};
}

Status check_start(const Context& c, const Module& m) {
  if (!m.start) return Ok{};
  if (*m.start >= c.funcs.size()) return unknown(0, "function", *m.start);
  const FuncType& t = c.func_type(*m.start);
  if (!t.params.empty() || !t.results.empty())
    return error_at(0, "start function must not have parameters or results");
  return Ok{};
}

Status check_exports(const Context& c, const Module& m) {
  for (const Export& ex : m.exports) {
    switch (ex.kind) {
      case ExternKind::Func:
        if (ex.index >= c.funcs.size()) return unknown(0, "function", ex.index);
        break;
      case ExternKind::Table:
        if (ex.index >= c.tables.size()) return unknown(0, "table", ex.index);
        break;
      case ExternKind::Memory:
        if (ex.index >= c.memories) return unknown(0, "memory", ex.index);
        break;
      case ExternKind::Global:
        if (ex.index >= c.globals.size()) return unknown(0, "global", ex.index);
        break;
    }
  }
  // Names must be unique: sort views of them and compare neighbours.
  std::vector<std::string_view> names;
  names.reserve(m.exports.size());
  for (const Export& ex : m.exports) names.push_back(ex.name);
  std::sort(names.begin(), names.end());
  if (std::adjacent_find(names.begin(), names.end()) != names.end())
    return error_at(0, "duplicate export name");
  return Ok{};
}

Status validate_module(Context& c, Module& m, Translation translation) {
  WASMSLOT_CHECK(build_context(c, m));
  WASMSLOT_CHECK(check_globals(c, m));
  WASMSLOT_CHECK(check_tables_and_memories(m));
  WASMSLOT_CHECK(check_segments(c, m));
  WASMSLOT_CHECK(validate_functions(c, m, translation));
  WASMSLOT_CHECK(check_start(c, m));
  WASMSLOT_CHECK(check_exports(c, m));
  // Wasm 2.0 allows one memory; the multi-memory proposal lifts that.
  if (c.memories > 1 && !c.features.multi_memory) return error_at(0, "multiple memories");
  return Ok{};
}

}  // namespace
}  // namespace validation

Status validate(Module& module, const Features& features, const ModuleLimits& limits,
                Translation translation) {
  validation::Context c;
  c.module = &module;
  c.features = features;
  c.limits = limits;
  Status s = validation::validate_module(c, module, translation);
  if (!s) {
    // Malformed bodies take precedence over invalid definitions (see
    // find_malformed_body). validate_functions already did this for errors
    // in bodies; it is cheap to redo, and covers every other error.
    if (auto e = validation::find_malformed_body(c, module, 0)) return *e;
    return s;
  }
  return Ok{};
}

}  // namespace wasmslot
