// Module instantiation (spec section 4.5.4 "Instantiation"):
//
//   1. resolve each import by name, and check it has the declared type
//      (spec 4.5.1 "External Typing", 4.5.2 "Import Matching");
//   2. allocate the module's own functions, tables, memories and globals,
//      evaluating each global's initialiser;
//   3. evaluate every element segment's items;
//   4. apply the active element segments, in order, as `table.init` followed
//      by `elem.drop` (declarative segments are just dropped);
//   5. apply the active data segments, in order, as `memory.init` followed by
//      `data.drop`;
//   6. run the start function, if any.
//
// Steps 4 to 6 can trap. The instance then fails, but what it already wrote
// into imported (shared) tables and memories stays written: other instances
// can observe it, and linking.wast checks that they do.
#include <algorithm>
#include <cstring>
#include <new>

#include "wasmslot/runtime.h"
#include "loader/module.h"
#include "interp/trap.h"

namespace wasmslot {

namespace {

std::string import_name(const Import& imp) { return imp.module + "." + imp.name; }

// Limits subtyping (spec 4.5.2.x "Limits"): an actual limits {n, m} matches
// the declared {n', m'} when n >= n', and, if m' is given, m is given too and
// m <= m'. The actual min of a table or memory is its current size.
bool limits_match(uint64_t actual_min, std::optional<uint64_t> actual_max, const Limits& declared) {
  if (actual_min < declared.min) return false;
  if (declared.max) {
    if (!actual_max || *actual_max > *declared.max) return false;
  }
  return true;
}

// Does the external value `e` have the type `imp` declares?
bool import_matches(const Module& m, const Import& imp, const Extern& e) {
  if (e.kind != imp.kind) return false;
  switch (imp.kind) {
    case ExternKind::Func:
      return e.func && imp.type_index < m.types.size() && e.func->type == m.types[imp.type_index];
    case ExternKind::Table:
      return e.table && e.table->type.elem == imp.table.elem &&
             limits_match(e.table->elems.size(), e.table->type.limits.max, imp.table.limits);
    case ExternKind::Memory:
      return e.memory &&
             limits_match(e.memory->pages(), e.memory->type.limits.max, imp.memory.limits);
    case ExternKind::Global:
      return e.global && e.global->type.type == imp.global.type &&
             e.global->type.mut == imp.global.mut;
  }
  return false;
}

// Constant expressions (spec 4.4.10 "Expressions" restricted to constant
// instructions, plus extended-const's i32/i64 add, sub, mul), evaluated on a
// stack of their own. The validator has already checked the expression's
// type, but not its depth: any number of operands may wait for extended-const
// arithmetic. Each instruction pushes one value at most, so a stack as long
// as the expression always has room: a small one on the C++ stack for the
// usual expressions (one instruction, or a few: element segments evaluate
// one per element), a vector for longer ones.
Result<Value> eval_const(const ConstExpr& expr, const Instance& inst) {
  Value small[8];
  std::vector<Value> large;
  Value* stack = small;
  if (expr.ops.size() > std::size(small)) {
    large.resize(expr.ops.size());
    stack = large.data();
  }
  size_t n = 0;
  auto fail = [&] { return Error{"invalid constant expression", expr.offset}; };
  for (const ConstOp& op : expr.ops) {
    switch (op.op) {
      case Opcode::i32_const:
      case Opcode::i64_const:
      case Opcode::f32_const:
      case Opcode::f64_const:
      case Opcode::ref_null:
      case Opcode::ref_func:
      case Opcode::global_get: {
        Value v;
        if (op.op == Opcode::i32_const) v = Value::i32(static_cast<int32_t>(op.imm));
        else if (op.op == Opcode::i64_const) v = Value::i64(static_cast<int64_t>(op.imm));
        else if (op.op == Opcode::f32_const) v = Value::f32_bits(static_cast<uint32_t>(op.imm));
        else if (op.op == Opcode::f64_const) v = Value::f64_bits(op.imm);
        else if (op.op == Opcode::ref_null) v = Value::ref(static_cast<ValType>(op.imm), 0);
        else if (op.op == Opcode::ref_func) {
          if (op.imm >= inst.funcs.size()) return fail();
          v = Value::ref(ValType::FuncRef, ref_of(inst.funcs[op.imm]));
        } else {
          if (op.imm >= inst.globals.size()) return fail();
          v = inst.globals[op.imm]->get();
        }
        stack[n++] = v;
        break;
      }
      case Opcode::v128_const:
        stack[n++] = Value::v128(op.imm, op.imm_hi);
        break;
      case Opcode::i32_add:
      case Opcode::i32_sub:
      case Opcode::i32_mul: {
        if (n < 2) return fail();
        const uint32_t b = static_cast<uint32_t>(stack[--n].lo);
        const uint32_t a = static_cast<uint32_t>(stack[n - 1].lo);
        const uint32_t r = op.op == Opcode::i32_add ? a + b : op.op == Opcode::i32_sub ? a - b : a * b;
        stack[n - 1] = Value::i32(static_cast<int32_t>(r));
        break;
      }
      case Opcode::i64_add:
      case Opcode::i64_sub:
      case Opcode::i64_mul: {
        if (n < 2) return fail();
        const uint64_t b = stack[--n].lo;
        const uint64_t a = stack[n - 1].lo;
        const uint64_t r = op.op == Opcode::i64_add ? a + b : op.op == Opcode::i64_sub ? a - b : a * b;
        stack[n - 1] = Value::i64(static_cast<int64_t>(r));
        break;
      }
      default:
        return fail();
    }
  }
  if (n != 1) return fail();
  return stack[0];
}

}  // namespace

// Imports by name are looked up in order, then instantiated by position, as
// the spec's instantiation takes them.
Result<Instance*> Store::instantiate(std::shared_ptr<const Module> module, const Imports& imports) {
  if (!module) return Error{"no module"};
  std::vector<Extern> externs;
  externs.reserve(module->imports.size());
  for (const Import& imp : module->imports) {
    const Extern* e = imports.find(imp.module, imp.name);
    if (!e) return Error{"unknown import: " + import_name(imp)};
    externs.push_back(*e);
  }
  return instantiate(std::move(module), externs);
}

Result<Instance*> Store::instantiate(std::shared_ptr<const Module> module, std::span<const Extern> imports) {
  if (!module) return Error{"no module"};
  const Module& m = *module;

  // 1. Imports: one per import of the module, in order, each of a matching
  // type. Nothing is allocated before all of them are checked, so an
  // unlinkable module leaves no trace in the store.
  if (imports.size() != m.imports.size())
    return Error{"expected " + std::to_string(m.imports.size()) + " imports, got " +
                 std::to_string(imports.size())};
  std::vector<Extern> resolved(imports.begin(), imports.end());
  for (size_t i = 0; i < m.imports.size(); ++i)
    if (!import_matches(m, m.imports[i], resolved[i]))
      return Error{"incompatible import type: " + import_name(m.imports[i])};
  // Refuse sizes beyond the store's limits, for each object and for all of
  // them together with what the store already holds, before allocating
  // anything: a module of a few bytes can declare thousands of big tables
  // and memories. (Each sum stays below its limit, so it cannot overflow.)
  uint64_t table_elems = totals_.table_elems;
  for (const TableType& t : m.tables) {
    if (Status fits = table_fits(t, table_elems); !fits) return fits.error();
    table_elems += t.limits.min;
  }
  uint64_t memory_bytes = totals_.memory_bytes;
  for (const MemoryType& mt : m.memories) {
    if (Status fits = memory_fits(mt, memory_bytes); !fits) return fits.error();
    memory_bytes += mt.limits.min * kPageSize;
  }

  // 2. The instance, its index spaces: imports first, then the module's own.
  instances_.push_back(std::make_unique<Instance>());
  Instance* inst = instances_.back().get();
  inst->module = module;
  for (const Extern& e : resolved) {
    switch (e.kind) {
      case ExternKind::Func: inst->funcs.push_back(e.func); break;
      case ExternKind::Table: inst->tables.push_back(e.table); break;
      case ExternKind::Memory: inst->memories.push_back(e.memory); break;
      case ExternKind::Global: inst->globals.push_back(e.global); break;
    }
  }

  for (size_t i = 0; i < m.funcs.size(); ++i) {
    const Func& f = m.funcs[i];
    auto fi = std::make_unique<FuncInst>();
    fi->type = m.types.at(f.type_index);
    fi->instance = inst;
    fi->func = &f;
    const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
    auto name = m.func_names.find(index);
    fi->name = name != m.func_names.end() ? "$" + name->second : "func " + std::to_string(index);
    funcs_.push_back(std::move(fi));
    inst->funcs.push_back(funcs_.back().get());
  }
  // The limits were checked above; what can still fail is the system
  // refusing to reserve address space.
  for (const TableType& t : m.tables) {
    Result<TableInst*> table = make_table(t);
    if (!table) return table.error();
    inst->tables.push_back(*table);
  }
  for (const MemoryType& mt : m.memories) {
    Result<MemoryInst*> memory = make_memory(mt);
    if (!memory) return memory.error();
    inst->memories.push_back(*memory);
  }

  // Globals, in order: an initialiser may read the imported globals (and,
  // with extended-const, earlier ones) and take references to functions.
  for (const Global& g : m.globals) {
    Result<Value> v = eval_const(g.init, *inst);
    if (!v) return v.error();
    inst->globals.push_back(make_global(g.type, *v));
  }

  // 3. Element segments: each item evaluated to a reference (a function
  // index to its function, kNullFunc to null; an expression by eval_const).
  inst->elems.resize(m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    std::vector<Ref>& refs = inst->elems[i];
    refs.reserve(seg.size());
    for (uint32_t f : seg.funcs) {
      if (f == ElemSegment::kNullFunc) {
        refs.push_back(Ref{0});  // null
        continue;
      }
      if (f >= inst->funcs.size()) return Error{"invalid constant expression", seg.items_offset};
      refs.push_back(ref_of(inst->funcs[f]));
    }
    for (const ConstExpr& item : seg.init) {
      Result<Value> v = eval_const(item, *inst);
      if (!v) return v.error();
      refs.push_back(v->lo);
    }
  }
  inst->data_dropped.assign(m.datas.size(), false);

  // 4. Active element segments: table.init from 0 over the whole segment at
  // the evaluated offset, then elem.drop. Bounds are checked before any write.
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& seg = m.elems[i];
    std::vector<Ref>& refs = inst->elems[i];
    if (seg.mode == SegmentMode::Active) {
      Result<Value> off = eval_const(seg.offset, *inst);
      if (!off) return off.error();
      if (seg.table >= inst->tables.size()) return Error{"unknown table"};
      TableInst* table = inst->tables[seg.table];
      const uint64_t d = static_cast<uint32_t>(off->lo);
      if (d + refs.size() > table->elems.size()) return Error{trap_text(TrapKind::TableOutOfBounds)};
      std::copy(refs.begin(), refs.end(), table->elems.begin() + static_cast<ptrdiff_t>(d));
    }
    // Active and declarative segments are dropped: only passive ones remain
    // available to table.init at run time.
    if (seg.mode != SegmentMode::Passive) std::vector<Ref>().swap(refs);
  }

  // 5. Active data segments: memory.init, then data.drop.
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& seg = m.datas[i];
    if (seg.mode != SegmentMode::Active) continue;
    Result<Value> off = eval_const(seg.offset, *inst);
    if (!off) return off.error();
    if (seg.memory >= inst->memories.size()) return Error{"unknown memory"};
    MemoryInst* mem = inst->memories[seg.memory];
    const uint64_t d = static_cast<uint32_t>(off->lo);
    if (d + seg.bytes_size > mem->data.size()) return Error{trap_text(TrapKind::MemoryOutOfBounds)};
    if (seg.bytes_size > 0) std::memcpy(mem->data.data() + d, m.bytes.data() + seg.bytes_offset, seg.bytes_size);
    inst->data_dropped[i] = true;
  }

  // 6. The start function runs last, on the fully initialised instance.
  if (m.start) {
    if (*m.start >= inst->funcs.size()) return Error{"unknown start function"};
    Result<std::vector<Value>> r = call(inst->funcs[*m.start], {});
    if (!r) return r.error();
  }
  return inst;
}

}  // namespace wasmslot
