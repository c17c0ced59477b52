// fuzz_load_run: any bytes through the whole pipeline.
//
//   decode + validate (+ translate and fuse)   always
//   instantiate with stub imports               when every import fits the
//                                               store's limits; again without
//                                               the start function if it
//                                               fails (trap, out of fuel)
//   call every exported function                with zero arguments, under
//                                               fuel and small call-depth,
//                                               stack and memory limits
//
// Any crash, sanitizer report, or uncaught exception is a finding. An input
// is expected to be rejected cleanly or run to a result, a trap, or out of
// fuel.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "fuzz/harness.h"

using namespace wasmslot;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  auto loaded = load(std::move(bytes), Features{}, fuzz::fuzz_module_limits());
  if (!loaded) return 0;
  std::shared_ptr<const Module> module = *loaded;

  Store store(fuzz::fuzz_config());
  Imports imports;
  if (!fuzz::stub_imports(store, *module, imports)) return 0;
  auto inst = store.instantiate(module, imports);
  if (!inst && module->start) {
    module = fuzz::without_start(module);
    inst = store.instantiate(module, imports);
  }
  if (!inst) return 0;

  uint64_t fuel_left = fuzz::kFuelPerInput;
  for (const Export& e : module->exports) {
    if (e.kind != ExternKind::Func || fuel_left == 0) continue;
    FuncInst* f = (*inst)->get_func(e.name);
    if (!f) continue;
    std::vector<Value> args;
    for (ValType t : f->type.params) args.push_back(fuzz::value_of(t));
    Thread thread(store);
    const uint64_t fuel = std::min(fuel_left, fuzz::kFuelPerCall);
    thread.set_fuel(fuel);
    ExecState s = thread.invoke(f, args);
    fuel_left -= fuel - thread.fuel().value_or(0);
    // Stubs never answer Pending: a call ends Done, Trapped or OutOfFuel.
    if (s == ExecState::Done) {
      if (thread.results().size() != f->type.results.size()) __builtin_trap();
      for (size_t i = 0; i < thread.results().size(); ++i)
        if (thread.results()[i].type != f->type.results[i]) __builtin_trap();
    } else if (s != ExecState::Trapped && s != ExecState::OutOfFuel) {
      __builtin_trap();
    }
  }
  return 0;
}
