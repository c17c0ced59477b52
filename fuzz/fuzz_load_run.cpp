// fuzz_load_run: any bytes through the whole pipeline.
//
//   decode + validate (+ translate)   always
//   instantiate with stub imports     when every import fits the store's
//                                     limits; the start function is dropped
//                                     if it is not provably bounded
//   call every exported function      when provably bounded (harness.h),
//   with zero arguments               under small call-depth/stack limits
//
// Any crash, sanitizer report, or uncaught exception is a finding. An input
// is expected to be rejected cleanly or run to a result or a trap.
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

  fuzz::WorkBound bound(*module);
  if (module->start && !bound.bounded(*module->start, fuzz::kCallBudget)) {
    auto copy = std::make_shared<Module>(*module);
    copy->start.reset();
    module = copy;
  }

  Store store(fuzz::fuzz_config());
  Imports imports;
  if (!fuzz::stub_imports(store, *module, imports)) return 0;
  auto inst = store.instantiate(module, imports);
  if (!inst) return 0;

  for (const Export& e : module->exports) {
    if (e.kind != ExternKind::Func) continue;
    if (!bound.bounded(e.index, fuzz::kCallBudget)) continue;
    FuncInst* f = (*inst)->get_func(e.name);
    if (!f) continue;
    std::vector<Value> args;
    for (ValType t : f->type.params) args.push_back(fuzz::value_of(t));
    Thread thread(store);
    ExecState s = thread.invoke(f, args);
    // Stubs never answer Pending, so a call ends Done or Trapped.
    if (s == ExecState::Done && thread.results().size() != f->type.results.size()) __builtin_trap();
    if (s != ExecState::Done && s != ExecState::Trapped) __builtin_trap();
  }
  return 0;
}
