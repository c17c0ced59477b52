// Shared pieces of the fuzz targets, the malformed-input test and the
// differential driver: limits small enough that one input runs in
// milliseconds, stub imports for any module, and a static bound on how much
// work a call can do.
//
// Why a static bound: the interpreter has no fuel (instruction budget) and no
// way to interrupt a running Thread yet, so a module with a loop can run
// forever, which a fuzzer would report as a timeout, not as a bug. Until fuel
// exists, a function is only *run* when its translated code proves that it
// terminates quickly (see work_bound below); everything else about the module
// (decoding, validation, translation, instantiation without the start
// function) is still exercised. SECURITY.md lists this as a known gap.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "interp/runtime.h"
#include "loader/loader.h"

namespace wasmslot::fuzz {

// Loader limits for fuzzing: well below the defaults so that a few bytes
// cannot ask for gigabytes (the loader checks counts against the bytes left,
// but sizes of tables and memories are only numbers).
inline ModuleLimits fuzz_module_limits() {
  ModuleLimits l;
  l.max_table_size = 1u << 16;
  return l;
}

// Store limits: a shallow call stack, a small value stack, 16 pages (1 MiB)
// per memory, 64 Ki table elements.
inline Config fuzz_config() {
  Config c;
  c.max_call_depth = 200;
  c.max_stack_cells = 1u << 16;
  c.max_memory_pages = 16;
  c.max_table_elems = 1u << 16;
  return c;
}

// A value of type t made from `bits` (0: the type's default). References are
// only ever null or, for externref, an opaque number: never a pointer.
inline Value value_of(ValType t, uint64_t bits = 0, uint64_t hi = 0) {
  switch (t) {
    case ValType::I32: return Value::i32(static_cast<int32_t>(bits));
    case ValType::I64: return Value::i64(static_cast<int64_t>(bits));
    case ValType::F32: return Value::f32_bits(static_cast<uint32_t>(bits));
    case ValType::F64: return Value::f64_bits(bits);
    case ValType::V128: return Value::v128(bits, hi);
    case ValType::FuncRef: return Value::ref(t, 0);
    case ValType::ExternRef: return Value::ref(t, bits);
  }
  return Value::i32(0);
}

inline uint32_t cells_of(const std::vector<ValType>& ts) {
  uint32_t n = 0;
  for (ValType t : ts) n += wasmslot::cells_of(t);
  return n;
}

// Provides every import of `m` with a stub of the right type: functions run
// `fn` (by default: return zeros), tables and memories have the declared
// limits, globals hold zero. Returns false if an import cannot be provided
// within the store's limits (a memory whose minimum exceeds
// Config::max_memory_pages, ...): the module is then not instantiated.
inline bool stub_imports(Store& store, const Module& m, Imports& imports, HostFunc fn = {}) {
  if (!fn) fn = [](HostCall& c) {
    std::fill(c.results.begin(), c.results.end(), uint64_t{0});
    return HostAnswer::ok();
  };
  const Config& cfg = store.config();
  for (const Import& imp : m.imports) {
    Extern e;
    e.kind = imp.kind;
    switch (imp.kind) {
      case ExternKind::Func:
        if (imp.type_index >= m.types.size()) return false;
        e.func = store.make_host_func(m.types[imp.type_index], fn, imp.module + "." + imp.name);
        break;
      case ExternKind::Table:
        if (imp.table.limits.min > cfg.max_table_elems) return false;
        e.table = store.make_table(imp.table);
        break;
      case ExternKind::Memory:
        if (imp.memory.limits.min > cfg.max_memory_pages) return false;
        e.memory = store.make_memory(imp.memory);
        break;
      case ExternKind::Global:
        e.global = store.make_global(imp.global, value_of(imp.global.type));
        break;
    }
    imports.add(imp.module, imp.name, e);
  }
  return true;
}

// An upper bound of the instructions one call of each function executes,
// computed on the translated code, or kUnbounded. A function is bounded when
// its code has no backward branch (no loop can iterate) and everything it may
// call is bounded, with no recursion: direct calls name their callee;
// call_indirect may reach any defined function of the same type (imported
// functions are host stubs, cost 1). Bulk memory and table operations cost
// a flat amount: their length is capped by the store's limits.
class WorkBound {
 public:
  static constexpr uint64_t kUnbounded = UINT64_MAX;

  explicit WorkBound(const Module& m) : m_(m), cost_(m.funcs.size(), kUnknown) {}

  // Bound of the function with index `func_index` in the function index space.
  uint64_t of(uint32_t func_index) {
    if (func_index < m_.num_imported_funcs) return 1;
    const uint32_t i = func_index - m_.num_imported_funcs;
    if (i >= m_.funcs.size()) return kUnbounded;
    return compute(i);
  }

  bool bounded(uint32_t func_index, uint64_t budget) {
    const uint64_t c = of(func_index);
    return c != kUnbounded && c <= budget;
  }

 private:
  static constexpr uint64_t kUnknown = UINT64_MAX - 1;
  static constexpr uint64_t kVisiting = UINT64_MAX - 2;
  static constexpr uint64_t kCap = uint64_t{1} << 40;  // saturate here
  static constexpr uint64_t kBulkCost = 1u << 12;

  static uint64_t add(uint64_t a, uint64_t b) {
    if (a == kUnbounded || b == kUnbounded) return kUnbounded;
    return std::min(kCap, a + b);
  }

  uint64_t compute(uint32_t i) {
    uint64_t& slot = cost_[i];
    if (slot == kVisiting) return kUnbounded;  // recursion
    if (slot != kUnknown) return slot;
    if (depth_ >= 256) return kUnbounded;  // keeps this analysis off deep native recursion
    ++depth_;
    slot = kVisiting;
    const Code& code = m_.funcs[i].code;
    uint64_t total = code.instrs.size();
    for (size_t pc = 0; pc < code.instrs.size() && total != kUnbounded; ++pc) {
      const Instr& in = code.instrs[pc];
      switch (in.op) {
        case Opcode::br:
        case Opcode::br_if:
        case Opcode::br_unless:
          if (in.a <= pc) total = kUnbounded;
          break;
        case Opcode::br_table:
          for (uint64_t k = 0; k <= in.b && total != kUnbounded; ++k) {
            const uint64_t e = uint64_t{in.a} + k;
            if (e >= code.br_tables.size() || code.br_tables[e].target <= pc) total = kUnbounded;
          }
          break;
        case Opcode::call:
        case Opcode::return_call:
          total = add(total, of(in.a));
          break;
        case Opcode::call_indirect:
        case Opcode::return_call_indirect: {
          if (in.a >= m_.types.size()) {
            total = kUnbounded;
            break;
          }
          uint64_t worst = 1;  // a host stub, or a trap
          for (uint32_t j = 0; j < m_.funcs.size() && worst != kUnbounded; ++j)
            if (m_.funcs[j].type_index < m_.types.size() &&
                m_.types[m_.funcs[j].type_index] == m_.types[in.a])
              worst = std::max(worst, compute(j));
          total = add(total, worst);
          break;
        }
        case Opcode::memory_fill:
        case Opcode::memory_copy:
        case Opcode::memory_init:
        case Opcode::table_fill:
        case Opcode::table_copy:
        case Opcode::table_init:
        case Opcode::table_grow:
        case Opcode::memory_grow:
          total = add(total, kBulkCost);
          break;
        default:
          break;
      }
    }
    cost_[i] = total;
    --depth_;
    return total;
  }

  const Module& m_;
  std::vector<uint64_t> cost_;
  uint32_t depth_ = 0;
};

// The work budget of one call in the fuzz targets (instructions).
constexpr uint64_t kCallBudget = 1u << 20;

}  // namespace wasmslot::fuzz
