// Host functions: C++ code that a module imports and calls like its own.
//
// The module imports env.log(ptr, len), which prints a string that lives in
// the module's memory, and env.random(max), which returns a number. A host
// function sees its arguments as 8-byte cells (one per value), writes its
// results the same way, and answers with HostAnswer::ok() or, to make the
// call fail, HostAnswer::trap(message).
//
//   build/examples/host_function [MODULE.wasm]   (default: build/examples/host_function.wasm)
#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;

// Prints an Error the way every example does; returns main's exit status.
int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : WASM_DIR "/host_function.wasm";
  auto module = load_file(path);
  if (!module) return fail(module.error());

  Store store;

  // env.log: (i32 ptr, i32 len) -> (). A pointer is an offset into the
  // caller's linear memory. Never trust it: MemoryInst::view checks that
  // all `len` bytes are inside the memory and returns an Error otherwise,
  // which we turn into a trap so the wasm call fails cleanly.
  HostFunc log = [](HostCall& call) -> HostAnswer {
    // Arguments arrive typed by the function's type; an i32 address is
    // unsigned, so read it back as such.
    uint32_t ptr = static_cast<uint32_t>(call.arg(0).as_i32());
    uint32_t len = static_cast<uint32_t>(call.arg(1).as_i32());
    MemoryInst* memory = call.memory();  // the calling instance's memory 0
    if (!memory) return HostAnswer::trap("env.log: the caller has no memory");
    Result<std::span<uint8_t>> bytes = memory->view(ptr, len);
    if (!bytes) return HostAnswer::trap("env.log: " + bytes.error().message);
    std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    std::printf("[wasm says] %.*s\n", static_cast<int>(text.size()), text.data());
    return HostAnswer::ok();
  };

  // env.random: (i32 max) -> (i32), a number in 1..max. A deterministic
  // generator, so that this example always prints the same; its state is a
  // variable the lambda captures: host functions may keep state.
  uint32_t seed = 12345;
  HostFunc random = [&seed](HostCall& call) -> HostAnswer {
    int32_t max = call.arg(0).as_i32();
    if (max <= 0) return HostAnswer::trap("env.random: max must be positive, got " + std::to_string(max));
    seed = seed * 1103515245u + 12345u;
    call.set_result(0, Value::i32(static_cast<int32_t>((seed >> 16) % max) + 1));  // 1..max
    return HostAnswer::ok();
  };

  // Each host function becomes a FuncInst of the Store with its wasm type,
  // then an Extern offered under the module and field names it is imported by.
  // Instantiation checks that the types match what the module declares.
  Imports imports;
  FuncInst* log_fn = store.make_host_func({{ValType::I32, ValType::I32}, {}}, log, "env.log");
  FuncInst* random_fn = store.make_host_func({{ValType::I32}, {ValType::I32}}, random, "env.random");
  imports.add("env", "log", Extern{.kind = ExternKind::Func, .func = log_fn});
  imports.add("env", "random", Extern{.kind = ExternKind::Func, .func = random_fn});
  auto instance = store.instantiate(*module, imports);
  if (!instance) return fail(instance.error());

  // Runs one export with no arguments and prints its result or its error.
  auto run = [&](const char* name) {
    auto r = store.call((*instance)->get_func(name), {});
    if (!r)
      std::printf("%s() failed: %s\n", name, r.error().message.c_str());
    else if (r->empty())
      std::printf("%s() ok\n", name);
    else
      std::printf("%s() = %d\n", name, (*r)[0].as_i32());
  };

  run("greet");              // wasm -> env.log -> reads wasm memory
  run("roll2");              // wasm -> env.random, twice
  run("roll2");
  run("log_out_of_bounds");  // the bounds check refuses: a trap, not a crash
  run("roll0");              // the host refuses with its own message
  run("greet");              // a trap leaves the instance usable
  return 0;
}
