// An asynchronous import whose results come from worker threads.
//
// The module below imports env.count_primes(n) and calls it as if it were an
// ordinary function: form 3 of the async import protocol (ASYNC.md,
// "suspension"). The host answers every call on a std::thread. While a worker
// counts, the wasm call that asked is suspended (its frames wait on the
// heap) and the event loop starts the other calls, so all of them wait at
// once. A worker hands its result back through a RemoteSlot, the one
// thread-safe way into the loop; the loop then resumes the suspended call
// with the value, exactly where it stopped.
//
//   build/examples/async_worker
//   primes in [0, 100000) = 9592
//   primes in [100000, 200000) = 8392
//   primes in [200000, 300000) = 8013
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <thread>
#include <vector>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;

namespace {

// The module, as wat2wasm writes it:
//
//   (module
//     (import "env" "count_primes" (func $count_primes (param i32) (result i32)))
//     (func (export "primes_between") (param $lo i32) (param $hi i32) (result i32)
//       (i32.sub (call $count_primes (local.get $hi))
//                (call $count_primes (local.get $lo)))))
//
// Nothing in it is asynchronous: the host decides that count_primes is.
const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,  // "\0asm", version 1
    // type section: (i32) -> i32, (i32 i32) -> i32
    0x01, 0x0c, 0x02, 0x60, 0x01, 0x7f, 0x01, 0x7f, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f,
    // import section: env.count_primes, a function of type 0
    0x02, 0x14, 0x01, 0x03, 'e', 'n', 'v', 0x0c, 'c', 'o', 'u', 'n', 't', '_', 'p', 'r', 'i',
    'm', 'e', 's', 0x00, 0x00,
    // function section: one function of type 1
    0x03, 0x02, 0x01, 0x01,
    // export section: "primes_between" is function 1
    0x07, 0x12, 0x01, 0x0e, 'p', 'r', 'i', 'm', 'e', 's', '_', 'b', 'e', 't', 'w', 'e', 'e',
    'n', 0x00, 0x01,
    // code section: local.get 1, call 0, local.get 0, call 0, i32.sub, end
    0x0a, 0x0d, 0x01, 0x0b, 0x00, 0x20, 0x01, 0x10, 0x00, 0x20, 0x00, 0x10, 0x00, 0x6b, 0x0b};

// The slow work a worker does: the number of primes below n.
int32_t count_primes(int32_t n) {
  int32_t count = 0;
  for (int32_t k = 2; k < n; ++k) {
    bool prime = true;
    for (int32_t d = 2; d * d <= k && prime; ++d) prime = k % d != 0;
    count += prime;
  }
  return count;
}

}  // namespace

int main() {
  auto module = load(kModule);
  if (!module) {
    std::fprintf(stderr, "error: %s\n", module.error().message.c_str());
    return 1;
  }

  // The store holds the instances; the runtime (declared after it, so
  // destroyed first) holds the event loop and the promise slots.
  Store store;
  AsyncRuntime rt(store);

  // env.count_primes is asynchronous. Its C++ side runs on the loop's thread
  // and must not block it: it gives the work to a new thread together with a
  // RemoteSlot. The RemoteSlot keeps the loop running until it is used, and
  // settling it from the worker posts the result back to the loop's thread.
  std::vector<std::thread> workers;
  Imports imports;
  Status defined = rt.define_async(imports, **module, "env", "count_primes",
                                   [&workers](std::span<const Value> args, Slot slot) {
                                     int32_t n = args[0].as_i32();
                                     workers.emplace_back([n, remote = slot.remote()]() mutable {
                                       remote.resolve(Value::i32(count_primes(n)));
                                     });
                                   });
  if (!defined) {
    std::fprintf(stderr, "error: %s\n", defined.error().message.c_str());
    return 1;
  }
  auto instance = store.instantiate(*module, imports);
  if (!instance) {
    std::fprintf(stderr, "error: %s\n", instance.error().message.c_str());
    return 1;
  }

  // Three calls, started together. start() only queues them: they run, and
  // suspend on their first count_primes, when the loop runs.
  const int32_t bounds[][2] = {{0, 100000}, {100000, 200000}, {200000, 300000}};
  std::vector<CallPtr> calls;
  for (const auto& b : bounds) {
    const Value args[] = {Value::i32(b[0]), Value::i32(b[1])};
    auto call = rt.start(**instance, "primes_between", args);
    if (!call) {
      std::fprintf(stderr, "error: %s\n", call.error().message.c_str());
      return 1;
    }
    calls.push_back(*call);
  }

  // Runs until every call is done: while workers hold RemoteSlots, run()
  // sleeps until one of them posts, instead of returning.
  rt.loop().run();
  for (std::thread& w : workers) w.join();

  int status = 0;
  for (size_t i = 0; i < calls.size(); ++i) {
    const AsyncCall& c = *calls[i];
    if (c.state() != AsyncCall::State::Done) {
      std::fprintf(stderr, "error: %s\n", c.message().c_str());
      status = 1;
      continue;
    }
    std::printf("primes in [%d, %d) = %d\n", bounds[i][0], bounds[i][1], c.results()[0].as_i32());
  }
  return status;
}
