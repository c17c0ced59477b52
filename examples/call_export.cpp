// Loading a module and calling its exports: the smallest useful embedding.
//
// A module goes through three steps before any of its code runs:
//   load()         bytes -> a validated Module (shared, immutable);
//   instantiate()  Module + imports -> an Instance living in a Store
//                  (its memory, globals, tables; this one imports nothing);
//   call()         an exported function + arguments -> results, or an Error.
//
//   build/examples/call_export [MODULE.wasm]   (default: build/examples/call_export.wasm)
#include <cinttypes>
#include <cstdio>
#include <string>
#include <vector>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;

// Prints an Error the way every example does; returns main's exit status.
int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  // The build compiles call_export.wat into build/examples/ (WASM_DIR).
  const std::string path = argc > 1 ? argv[1] : WASM_DIR "/call_export.wasm";

  // Every fallible step returns a Result: test it, then use value() (or *).
  // Nothing in the API throws.
  Result<std::shared_ptr<const Module>> module = load_file(path);
  if (!module) return fail(module.error());

  // What the module offers, with each function's type.
  std::printf("exports of %s:\n", path.substr(path.find_last_of('/') + 1).c_str());
  for (const ExportType& e : module_exports(**module))
    std::printf("  %s %s %s\n", to_string(e.type.kind), e.name.c_str(), to_string(e.type.func).c_str());

  // The Store owns everything instances are made of. The module imports
  // nothing, so the Imports are empty.
  Store store;
  Result<Instance*> instance = store.instantiate(*module, Imports{});
  if (!instance) return fail(instance.error());

  // Arguments and results are typed Values; their types must match the
  // function's (a mismatch is an Error, never undefined behaviour).
  FuncInst* fac = (*instance)->get_func("fac");
  const Value fac_args[] = {Value::i64(20)};
  Result<std::vector<Value>> r = store.call(fac, fac_args);
  if (!r) return fail(r.error());
  std::printf("fac(20) = %" PRId64 "\n", (*r)[0].as_i64());

  const Value fib_args[] = {Value::i32(30)};
  r = store.call((*instance)->get_func("fib"), fib_args);
  if (!r) return fail(r.error());
  std::printf("fib(30) = %d\n", (*r)[0].as_i32());

  // A function may return several values (multi-value): one Value each.
  FuncInst* divmod = (*instance)->get_func("divmod");
  const Value ok_args[] = {Value::i32(17), Value::i32(5)};
  r = store.call(divmod, ok_args);
  if (!r) return fail(r.error());
  std::printf("divmod(17, 5) = %d, %d\n", (*r)[0].as_i32(), (*r)[1].as_i32());

  // The error path. A trap stops the call and comes back as an Error whose
  // message is the spec's wording; the instance stays usable afterwards.
  const Value zero_args[] = {Value::i32(1), Value::i32(0)};
  r = store.call(divmod, zero_args);
  if (r) return fail(Error{"divmod(1, 0) did not trap"});
  std::printf("divmod(1, 0) trapped: %s\n", r.error().message.c_str());

  // Calling with the wrong arguments is refused the same way.
  r = store.call(divmod, fib_args);
  if (r) return fail(Error{"divmod(30) was accepted"});
  std::printf("divmod(30) refused: %s\n", r.error().message.c_str());

  // And an export that does not exist is simply not found.
  std::printf("get_func(\"nope\") = %s\n", (*instance)->get_func("nope") ? "found" : "null");
  return 0;
}
