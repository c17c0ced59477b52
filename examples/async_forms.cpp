// Asynchronous host functions and the three forms of asynchronous calls
// (`../shared/design/ASYNC.md`; docs/05-suspension.md shows form 3 inside).
//
// An asynchronous import is a C++ function that receives the call's
// arguments and a Slot: a pending result that it settles later (here from a
// timer of the event loop) with slot.resolve(value) or slot.reject(code).
// How the wasm side waits for it follows the module's shape:
//   form 1  callback(v):     the import returns nothing; when the slot
//                            settles, the runtime calls export callback(v);
//   form 2  callback(h, v):  the import returns a handle (an i32 naming the
//                            slot); many calls may be pending at once;
//   form 3  suspension:      no callback; the wasm call itself is suspended
//                            until the slot settles, then resumes with the
//                            value as the import's result.
//
//   build/examples/async_forms
#include <chrono>
#include <cstdio>
#include <span>
#include <string>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;
using namespace std::chrono_literals;

namespace {

// Prints an Error the way every example does; returns main's exit status.
int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

// Loads WASM_DIR/file and instantiates it with env.NAME defined as the
// asynchronous function `fn` (define_async reads the import's type from the
// module).
Result<Instance*> instantiate(Store& store, AsyncRuntime& rt, const char* file, const char* name,
                              AsyncImportFn fn) {
  auto module = load_file(std::string(WASM_DIR "/") + file);
  if (!module) return module.error();
  Imports imports;
  Status defined = rt.define_async(imports, **module, "env", name, std::move(fn));
  if (!defined) return defined.error();
  return store.instantiate(*module, imports);
}

// Prints how a finished call ended.
void report(const std::string& what, const AsyncCall& call) {
  int form = static_cast<int>(call.form());  // AsyncCall::Form: 1, 2 or 3
  if (call.state() == AsyncCall::State::Done)
    std::printf("form %d: %s = %d\n", form, what.c_str(), call.results()[0].as_i32());
  else
    std::printf("form %d: %s failed: %s\n", form, what.c_str(), call.message().c_str());
}

}  // namespace

int main() {
  // The runtime owns the event loop and the table of pending slots. Declare
  // it after the Store so that it is destroyed first.
  Store store;
  AsyncRuntime rt(store);

  // Form 1. env.get settles 10 ms later with 123; callback adds 321.
  // The import's C++ side returns at once and leaves a timer behind: the
  // Slot is a small value, kept by the timer's lambda. start() only queues
  // the call; run_until_done runs the loop until the call ends.
  auto seed = instantiate(store, rt, "async_form1.wasm", "get", [](std::span<const Value>, Slot slot) {
    slot.loop().after(10ms, [slot]() { slot.resolve(Value::i32(123)); });
  });
  if (!seed) return fail(seed.error());
  auto call1 = rt.start(**seed, "call", {});
  if (!call1) return fail(call1.error());
  rt.run_until_done(*call1);
  report("call()", **call1);

  // Form 2. env.sleep(ms) settles after ms milliseconds with ms itself. Three
  // calls are pending at once and finish in the order their timers fire, not
  // the order they started; each result still reaches its own call, because
  // callback(h, v) gets the handle. on_done prints each as it finishes.
  auto sleep = [](std::span<const Value> args, Slot slot) {
    int32_t ms = args[0].as_i32();
    slot.loop().after(std::chrono::milliseconds(ms), [slot, ms]() { slot.resolve(Value::i32(ms)); });
  };
  auto handles = instantiate(store, rt, "async_form2.wasm", "sleep", sleep);
  if (!handles) return fail(handles.error());
  for (int32_t x : {30, 10, 20}) {
    const Value args[] = {Value::i32(x)};
    auto call = rt.start(**handles, "call", args);
    if (!call) return fail(call.error());
    (*call)->on_done([x](AsyncCall& c) { report("call(" + std::to_string(x) + ")", c); });
  }
  rt.loop().run();  // returns when nothing is left to do: all three are done

  // Form 3. env.get settles 1 ms later with 5; sum(n) awaits it n times.
  // Two calls run at once: while one is suspended the loop runs the other.
  auto suspend = instantiate(store, rt, "async_form3.wasm", "get", [](std::span<const Value>, Slot slot) {
    slot.loop().after(1ms, [slot]() { slot.resolve(Value::i32(5)); });
  });
  if (!suspend) return fail(suspend.error());
  for (int32_t n : {10, 3}) {
    const Value args[] = {Value::i32(n)};
    auto call = rt.start(**suspend, "sum", args);
    if (!call) return fail(call.error());
    (*call)->on_done([n](AsyncCall& c) { report("sum(" + std::to_string(n) + ")", c); });
  }
  rt.loop().run();

  // Form 3, the error path: a host that rejects. In the suspended call the
  // import traps, and the call fails as Rejected with the host's code.
  auto failing = instantiate(store, rt, "async_form3.wasm", "get", [](std::span<const Value>, Slot slot) {
    slot.loop().after(1ms, [slot]() { slot.reject(7); });
  });
  if (!failing) return fail(failing.error());
  const Value two[] = {Value::i32(2)};
  auto call3 = rt.start(**failing, "sum", two);
  if (!call3) return fail(call3.error());
  rt.run_until_done(*call3);
  report("sum(2) with a rejecting host", **call3);
  std::printf("rejected: %s, code %d\n", (*call3)->failure() == AsyncCall::Failure::Rejected ? "yes" : "no",
              (*call3)->reject_code().value_or(0));
  return 0;
}
