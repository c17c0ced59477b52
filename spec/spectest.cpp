#include "spec/spectest.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace wasmslot::spec {

namespace {

// One argument, as the reference interpreter prints it: "VALUE : TYPE".
std::string print_arg(ValType t, uint64_t cell) {
  char buf[64];
  switch (t) {
    case ValType::I32:
      std::snprintf(buf, sizeof buf, "%" PRId32 " : i32", static_cast<int32_t>(static_cast<uint32_t>(cell)));
      break;
    case ValType::I64:
      std::snprintf(buf, sizeof buf, "%" PRId64 " : i64", static_cast<int64_t>(cell));
      break;
    case ValType::F32: {
      float f;
      uint32_t b = static_cast<uint32_t>(cell);
      std::memcpy(&f, &b, 4);
      std::snprintf(buf, sizeof buf, "%.9g : f32", static_cast<double>(f));
      break;
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, &cell, 8);
      std::snprintf(buf, sizeof buf, "%.17g : f64", d);
      break;
    }
    default:
      // spectest's functions take numbers only; anything else is a bug in
      // whoever built the type, shown rather than hidden.
      std::snprintf(buf, sizeof buf, "0x%" PRIx64 " : ?", cell);
      break;
  }
  return buf;
}

}  // namespace

void add_spectest(Store& store, Imports& imports, std::ostream* out) {
  auto add = [&](const char* name, Extern e) { imports.add("spectest", name, e); };

  auto add_print = [&](const char* name, std::vector<ValType> params) {
    FuncType type{params, {}};
    // Arguments arrive one cell each (the print functions take no v128).
    HostFunc fn = [out, params](HostCall& call) {
      if (out) {
        for (size_t i = 0; i < params.size() && i < call.args.size(); ++i)
          *out << print_arg(params[i], call.args[i]) << '\n';
        out->flush();
      }
      return HostAnswer::ok();
    };
    Extern e;
    e.kind = ExternKind::Func;
    e.func = store.make_host_func(type, std::move(fn), std::string("spectest.") + name);
    add(name, e);
  };
  add_print("print", {});
  add_print("print_i32", {ValType::I32});
  add_print("print_i64", {ValType::I64});
  add_print("print_f32", {ValType::F32});
  add_print("print_f64", {ValType::F64});
  add_print("print_i32_f32", {ValType::I32, ValType::F32});
  add_print("print_f64_f64", {ValType::F64, ValType::F64});

  auto add_global = [&](const char* name, ValType t, Value v) {
    Extern e;
    e.kind = ExternKind::Global;
    e.global = store.make_global(GlobalType{t, /*mut=*/false}, v);
    add(name, e);
  };
  add_global("global_i32", ValType::I32, Value::i32(666));
  add_global("global_i64", ValType::I64, Value::i64(666));
  add_global("global_f32", ValType::F32, Value::f32(666.6f));
  add_global("global_f64", ValType::F64, Value::f64(666.6));

  Extern table;
  table.kind = ExternKind::Table;
  table.table = store.make_table(TableType{ValType::FuncRef, Limits{10, 20}}).value();
  add("table", table);

  Extern memory;
  memory.kind = ExternKind::Memory;
  memory.memory = store.make_memory(MemoryType{Limits{1, 2}}).value();
  add("memory", memory);
}

}  // namespace wasmslot::spec
