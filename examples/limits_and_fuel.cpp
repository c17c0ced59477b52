// Running code you do not trust: limits on memory and recursion, and fuel.
//
// A Store's Config bounds what its instances may take: pages per memory,
// frames per call, and more (runtime.h). Code that asks for more gets what
// the spec says it gets (memory.grow returns -1) or a trap with a clear
// message; the host is never at risk. Fuel bounds time: a metered Thread
// spends one unit per call and per loop iteration, and when none is left it
// stops in ExecState::OutOfFuel, keeping its state so the host may decide
// to give more (add_fuel) and continue (resume) or give up.
//
//   build/examples/limits_and_fuel [MODULE.wasm]   (default: build/examples/limits_and_fuel.wasm)
#include <cinttypes>
#include <cstdio>
#include <string>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;

// Prints an Error the way every example does; returns main's exit status.
int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : WASM_DIR "/limits_and_fuel.wasm";
  auto module = load_file(path);
  if (!module) return fail(module.error());

  // A small sandbox: 1 MiB per memory, 500 nested calls.
  Config config;
  config.max_memory_pages = 16;
  config.max_call_depth = 500;
  Store store(config);
  auto instance = store.instantiate(*module, Imports{});
  if (!instance) return fail(instance.error());
  Instance& inst = **instance;

  // 1. The memory bomb stops at the limit: memory.grow returns -1 there.
  auto r = store.call(inst.get_func("bomb"), {});
  if (!r) return fail(r.error());
  std::printf("bomb: memory.grow refused at %d pages (%d KiB)\n", (*r)[0].as_i32(), (*r)[0].as_i32() * 64);

  // The host is held to the same limits: a memory bigger than allowed is
  // refused with an Error before anything is allocated.
  MemoryType big;
  big.limits.min = 1000;
  Result<MemoryInst*> made = store.make_memory(big);
  std::printf("make_memory(1000 pages): %s\n", made ? "made (!)" : made.error().message.c_str());

  // 2. Runaway recursion traps at max_call_depth frames. Wasm calls never
  // use the native stack, so there is no crash at any depth.
  const Value zero[] = {Value::i32(0)};
  r = store.call(inst.get_func("recurse"), zero);
  std::printf("recurse: %s\n", r ? "returned (!)" : r.error().message.c_str());

  // 3. Fuel. An infinite loop on a Thread with 10000 units stops with
  // OutOfFuel instead of running forever.
  Thread spinner(store);
  spinner.set_fuel(10000);
  ExecState s = spinner.invoke(inst.get_func("spin"), {});
  std::printf("spin: %s (%s), fuel left %" PRIu64 "\n", to_string(s),
              spinner.trap_message().c_str(), spinner.fuel().value_or(0));

  // 4. A finite computation that needs more than it was given: each time it
  // runs dry, the host tops it up and resume() continues exactly where it
  // stopped. 95000 iterations need about 95000 units: the first 10000 and
  // 9 refills.
  Thread worker(store);
  worker.set_fuel(10000);
  const Value n[] = {Value::i64(95000)};
  int refills = 0;
  for (s = worker.invoke(inst.get_func("sum_to"), n); s == ExecState::OutOfFuel; s = worker.resume()) {
    worker.add_fuel(10000);
    ++refills;
  }
  if (s != ExecState::Done) return fail(Error{worker.trap_message()});
  std::printf("sum_to(95000) = %" PRId64 " after %d refills\n", worker.results()[0].as_i64(), refills);

  // The limits left the instance intact: memory is still 16 pages.
  std::printf("memory now: %" PRIu64 " pages\n", inst.get_memory("memory")->pages());
  return 0;
}
