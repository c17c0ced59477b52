// Shared pieces of the fuzz targets, the malformed-input test and the
// differential driver: limits small enough that one input runs in
// milliseconds, and stub imports for any module.
//
// Every call runs metered (Config::fuel): an endless loop or recursion stops
// with ExecState::OutOfFuel instead of hanging the fuzzer.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <new>
#include <string>
#include <vector>

#include "wasmslot/runtime.h"
#include "loader/loader.h"

namespace wasmslot::fuzz {

constexpr uint64_t kFuelPerCall = 2000;
constexpr uint64_t kFuelPerInput = 20000;

// Loader limits for fuzzing: well below the defaults so that a few bytes
// cannot ask for gigabytes (the loader checks counts against the bytes left,
// but sizes of tables and memories are only numbers).
inline ModuleLimits fuzz_module_limits() {
  ModuleLimits l;
  l.max_table_size = 1u << 16;
  return l;
}

// Store limits: a shallow call stack, a small value stack, 16 pages (1 MiB)
// per memory and 16 MiB in all, 64 Ki elements per table and 256 Ki in all,
// and fuel for every Thread (the start function's included).
inline Config fuzz_config() {
  Config c;
  c.fuel = kFuelPerCall;
  c.max_call_depth = 200;
  c.max_stack_cells = 1u << 16;
  c.max_memory_pages = 16;
  c.max_table_elems = 1u << 16;
  c.max_total_memory_bytes = 16u << 20;
  c.max_total_table_elems = 1u << 18;
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
// Config::max_memory_pages, tables beyond Config::max_total_table_elems,
// ...): the module is then not instantiated.
inline bool stub_imports(Store& store, const Module& m, Imports& imports, HostFunc fn = {}) {
  if (!fn) fn = [](HostCall& c) {
    std::fill(c.results.begin(), c.results.end(), uint64_t{0});
    return HostAnswer::ok();
  };
  // make_table and make_memory throw std::bad_alloc beyond the store's
  // limits for all tables or memories together.
  try {
    for (const Import& imp : m.imports) {
      Extern e;
      e.kind = imp.kind;
      switch (imp.kind) {
        case ExternKind::Func:
          if (imp.type_index >= m.types.size()) return false;
          e.func = store.make_host_func(m.types[imp.type_index], fn, imp.module + "." + imp.name);
          break;
        case ExternKind::Table:
        {
          auto table = store.make_table(imp.table);
          if (!table) return false;
          e.table = *table;
          break;
        }
        case ExternKind::Memory:
        {
          auto memory = store.make_memory(imp.memory);
          if (!memory) return false;
          e.memory = *memory;
          break;
        }
        case ExternKind::Global:
          e.global = store.make_global(imp.global, value_of(imp.global.type));
          break;
      }
      imports.add(imp.module, imp.name, e);
    }
  } catch (const std::bad_alloc&) {
    return false;
  }
  return true;
}

// Fuel for the fuzz targets (Thread::set_fuel: one unit per wasm call and
// per loop iteration). kFuelPerCall bounds one call; kFuelPerInput the sum
// over all the calls an input makes, so that an input of many exports with
// loops still runs in milliseconds.
// A module whose start function runs out of fuel (or traps) does not
// instantiate; fuzz targets then try again without the start function, so
// the rest of the module still runs.
inline std::shared_ptr<const Module> without_start(const std::shared_ptr<const Module>& m) {
  auto copy = std::make_shared<Module>(*m);
  copy->start.reset();
  return copy;
}

}  // namespace wasmslot::fuzz
