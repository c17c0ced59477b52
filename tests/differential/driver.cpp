// wasmslot-diff-driver: the wasmslot side of the differential test against
// node (tests/differential/run.py; the node side is run.mjs, which prints the
// same format).
//
//   wasmslot-diff-driver MODULE.wasm
//
// Loads MODULE, provides every function import with a host function that
// logs its arguments and returns zeros, then calls each exported function in
// export order with zero arguments (calling the export hangLimitInitializer
// first if there is one: wasm-opt -ttf modules bound their loops and
// recursion with it). Prints, one line each:
//   call NAME                     before each call
//   log MOD.NAME V...             each import call, with its arguments
//   result V...                   the call's results, or
//   trap KIND                     a trap, by kind (see trap_kind); an import
//                                 with a v128 in its type traps `jstype`, as in V8
//   skip NAME                     an export whose signature JS cannot call
// Values: i32 and i64 as signed decimals, f32/f64 as f32:0xBITS / f64:0xBITS
// (any NaN prints as nan), references as null or ref.
// A module that does not load prints `invalid: MESSAGE`; one that does not
// instantiate prints `link-error: MESSAGE` (or `trap KIND` for a trap in the
// start function or segment initialisation); exit status 0 in every case.
#include <cinttypes>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasmslot/runtime.h"
#include "loader/loader.h"

using namespace wasmslot;

namespace {

std::string fmt(ValType t, uint64_t lo) {
  char buf[64];
  switch (t) {
    case ValType::I32:
      std::snprintf(buf, sizeof buf, "%" PRId32, static_cast<int32_t>(static_cast<uint32_t>(lo)));
      return buf;
    case ValType::I64:
      std::snprintf(buf, sizeof buf, "%" PRId64, static_cast<int64_t>(lo));
      return buf;
    case ValType::F32: {
      const uint32_t b = static_cast<uint32_t>(lo);
      if ((b & 0x7F800000u) == 0x7F800000u && (b & 0x7FFFFFu) != 0) return "nan";
      std::snprintf(buf, sizeof buf, "f32:0x%08" PRIx32, b);
      return buf;
    }
    case ValType::F64:
      if ((lo & 0x7FF0000000000000ull) == 0x7FF0000000000000ull && (lo & 0xFFFFFFFFFFFFFull) != 0)
        return "nan";
      std::snprintf(buf, sizeof buf, "f64:0x%016" PRIx64, lo);
      return buf;
    case ValType::V128: return "v128";
    case ValType::FuncRef:
    case ValType::ExternRef: return lo ? "ref" : "null";
  }
  return "?";
}

// The trap texts of the spec (interp/trap.h) mapped to kinds both sides can
// name; node's messages are mapped to the same kinds in run.mjs.
std::string trap_kind(const std::string& msg) {
  auto has = [&](const char* s) { return msg.find(s) != std::string::npos; };
  if (has("unreachable")) return "unreachable";
  if (has("out of bounds memory") || has("memory access out of bounds")) return "memory";
  if (has("integer divide by zero") || has("divide by zero")) return "div0";
  // V8 says "float unrepresentable in integer range" for NaN and for
  // out-of-range truncations alike: one kind for both.
  if (has("integer overflow") || has("invalid conversion")) return "numeric";
  if (has("undefined element") || has("uninitialized element") || has("out of bounds table") ||
      has("indirect call type mismatch") || has("null"))
    return "table";
  if (has("call stack exhausted")) return "stack";
  if (msg.starts_with("jstype")) return "jstype";
  return "other(" + msg + ")";
}

bool js_callable(const FuncType& t) {
  for (ValType v : t.params)
    if (v == ValType::V128) return false;
  for (ValType v : t.results)
    if (v == ValType::V128) return false;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s MODULE.wasm\n", argv[0]);
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot read %s\n", argv[1]);
    return 2;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto loaded = load(std::move(bytes));
  if (!loaded) {
    std::printf("invalid: %s\n", loaded.error().message.c_str());
    return 0;
  }
  std::shared_ptr<const Module> module = *loaded;

  Store store;
  Imports imports;
  for (const Import& imp : module->imports) {
    if (imp.kind != ExternKind::Func) {
      std::printf("link-error: non-function import %s.%s\n", imp.module.c_str(), imp.name.c_str());
      return 0;
    }
    const FuncType& ft = module->types.at(imp.type_index);
    std::string name = imp.module + "." + imp.name;
    const bool v128 = !js_callable(ft);
    HostFunc fn = [name, ft, v128](HostCall& c) {
      // V8 refuses to pass a v128 to or from a JS function: the call throws
      // a TypeError before the function runs.
      if (v128) return HostAnswer::trap("jstype: v128 crosses the JS boundary");
      std::string line = "log " + name;
      size_t k = 0;
      for (ValType t : ft.params) {
        line += " " + fmt(t, c.args[k]);
        k += cells_of(t);
      }
      std::printf("%s\n", line.c_str());
      std::fill(c.results.begin(), c.results.end(), uint64_t{0});
      return HostAnswer::ok();
    };
    Extern e;
    e.kind = ExternKind::Func;
    e.func = store.make_host_func(ft, fn, name);
    imports.add(imp.module, imp.name, e);
  }
  auto inst = store.instantiate(module, imports);
  if (!inst) {
    const std::string& msg = inst.error().message;
    if (msg.starts_with("unknown import") || msg.starts_with("incompatible import"))
      std::printf("link-error: %s\n", msg.c_str());
    else
      std::printf("trap %s\n", trap_kind(msg).c_str());
    return 0;
  }

  FuncInst* hang = (*inst)->get_func("hangLimitInitializer");
  for (const Export& e : module->exports) {
    if (e.kind != ExternKind::Func) continue;
    FuncInst* f = (*inst)->get_func(e.name);
    if (!f) continue;
    if (!js_callable(f->type)) {
      std::printf("skip %s\n", e.name.c_str());
      continue;
    }
    if (hang) (void)store.call(hang, {});
    std::printf("call %s\n", e.name.c_str());
    std::vector<Value> args;
    for (ValType t : f->type.params) args.push_back(Value{t, 0, 0});
    auto r = store.call(f, args);
    if (!r) {
      std::printf("trap %s\n", trap_kind(r.error().message).c_str());
      continue;
    }
    std::string line = "result";
    for (const Value& v : *r) line += " " + fmt(v.type, v.lo);
    std::printf("%s\n", line.c_str());
  }
  return 0;
}
