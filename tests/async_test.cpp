// The async import protocol through the C++ embedding API (include/wasmslot/async.h): the
// three forms of ASYNC.md on the shared fixtures and on tests/fixtures/async_*.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <thread>
#include <vector>

#include "wasmslot/async.h"
#include "host/shadow_stack.h"
#include "loader/loader.h"

using namespace wasmslot;
using namespace std::chrono_literals;

namespace {

std::shared_ptr<const Module> load_fixture(const std::string& name) {
  std::string path = std::string(WASMSLOT_FIXTURE_DIR) + "/" + name;
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << path;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load(std::move(bytes));
  EXPECT_TRUE(m) << name << ": " << (m ? "" : m.error().message);
  return m ? *m : nullptr;
}

// A store, a runtime and one instance of a fixture, with the given async imports.
struct Fixture {
  Store store;
  AsyncRuntime rt;
  std::shared_ptr<const Module> module;
  Imports imports;
  Instance* instance = nullptr;

  explicit Fixture(const std::string& name, AsyncConfig config = {}, Config store_config = {})
      : store(store_config), rt(store, config), module(load_fixture(name)) {}
  void async(const std::string& mod, const std::string& field, AsyncImportFn fn) {
    ASSERT_TRUE(module);
    Status s = rt.define_async(imports, *module, mod, field, std::move(fn));
    ASSERT_TRUE(s) << s.error().message;
  }
  void instantiate() {
    ASSERT_TRUE(module);
    auto i = store.instantiate(module, imports);
    ASSERT_TRUE(i) << i.error().message;
    instance = *i;
  }
  CallPtr start(const std::string& name, std::vector<Value> args = {}, CallOptions o = {}) {
    auto c = rt.start(*instance, name, args, o);
    EXPECT_TRUE(c) << (c ? "" : c.error().message);
    return c ? *c : nullptr;
  }
};

AsyncImportFn resolve_with(Value v) {
  return [v](std::span<const Value>, Slot slot) { ASSERT_TRUE(slot.resolve(v)); };
}

}  // namespace

// ---------------------------------------------------------------------------
// Form 1: the seed

TEST(AsyncForm1, SeedGives444) {
  Fixture f("seed.wasm");
  f.async("env", "get", resolve_with(Value::i32(123)));
  f.instantiate();
  auto call = f.start("call");
  ASSERT_TRUE(call);
  EXPECT_FALSE(call->done());  // start only queues the call
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->form(), AsyncCall::Form::Callback1);
  ASSERT_EQ(call->results().size(), 1u);
  EXPECT_EQ(call->results()[0].as_i32(), 444);
  EXPECT_EQ(f.rt.slots().live(), 0u);  // the slot was taken and freed
}

TEST(AsyncForm1, CallConvenience) {
  Fixture f("seed.wasm");
  f.async("env", "get", resolve_with(Value::i32(1)));
  f.instantiate();
  auto r = f.rt.call(*f.instance, "call", {});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].as_i32(), 322);
}

TEST(AsyncForm1, ResolvedLaterFromATimer) {
  Fixture f("seed.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    slot.loop().after(10ms, [slot]() mutable { ASSERT_TRUE(slot.resolve(Value::i32(123))); });
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  ASSERT_TRUE(call->done());
  EXPECT_EQ(call->results()[0].as_i32(), 444);
}

TEST(AsyncForm1, ResolvedFromAnotherThread) {
  Fixture f("seed.wasm");
  std::thread worker;
  f.async("env", "get", [&worker](std::span<const Value>, Slot slot) {
    // The worker computes the value; the settlement itself is posted back to
    // the loop's thread, and the keep-alive token keeps run() waiting for it.
    EventLoop& loop = slot.loop();
    worker = std::thread([&loop, slot, token = loop.keep_alive()]() mutable {
      std::this_thread::sleep_for(10ms);
      loop.post([slot, token = std::move(token)]() mutable {
        EXPECT_TRUE(slot.resolve(Value::i32(123)));
        token.reset();
      });
    });
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  worker.join();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 444);
}

TEST(AsyncForm1, ResolveNeverRunsWasm) {
  Fixture f("seed.wasm");
  CallPtr call;
  bool checked = false;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    ASSERT_TRUE(slot.resolve(Value::i32(123)));
    // The callback has not run inside resolve: it is only scheduled.
    EXPECT_FALSE(call->done());
    EXPECT_FALSE(slot.pending());
    checked = true;
  });
  f.instantiate();
  call = f.start("call");
  f.rt.loop().run();
  EXPECT_TRUE(checked);
  EXPECT_EQ(call->results()[0].as_i32(), 444);
}

TEST(AsyncForm1, HostWorkStartsAfterTheWasmCallReturned) {
  Fixture f("seed.wasm");
  std::vector<std::string> log;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    log.push_back("host");
    (void)slot.resolve(Value::i32(0));
  });
  f.instantiate();
  auto call = f.start("call");
  call->on_done([&](AsyncCall&) { log.push_back("done"); });
  f.rt.loop().run_once();  // the main phase: `call` runs, get creates a slot
  EXPECT_TRUE(log.empty());
  EXPECT_EQ(f.rt.slots().pending(), 1u);
  f.rt.loop().run();
  EXPECT_EQ(log, (std::vector<std::string>{"host", "done"}));
}

TEST(AsyncForm1, RejectionWithoutCallbackErrorRejectsTheCall) {
  Fixture f("seed.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) { ASSERT_TRUE(slot.reject(7)); });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_EQ(call->failure(), AsyncCall::Failure::Rejected);
  EXPECT_EQ(call->reject_code(), 7);
  EXPECT_NE(call->message().find("env.get"), std::string::npos) << call->message();
  EXPECT_NE(call->message().find("code 7"), std::string::npos) << call->message();
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm1, CallbackErrorHandlesRejection) {
  Fixture f("async_reject.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) { ASSERT_TRUE(slot.reject(7)); });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 993);
  EXPECT_EQ(call->reject_code(), 7);
}

TEST(AsyncForm1, DeadlineRejectsAsTimedOut) {
  Fixture f("async_reject.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    ASSERT_TRUE(slot.set_deadline(5ms));  // and never settle it
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 1000 - kCodeTimedOut);
}

TEST(AsyncForm1, DeadlineTimerDoesNotOutliveTheSlot) {
  Fixture f("seed.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    ASSERT_TRUE(slot.set_deadline(10s));
    ASSERT_TRUE(slot.resolve(Value::i32(1)));
  });
  f.instantiate();
  auto call = f.start("call");
  auto t0 = std::chrono::steady_clock::now();
  f.rt.loop().run();
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  EXPECT_EQ(call->results()[0].as_i32(), 322);
}

TEST(AsyncForm1, CancelledBeforeStartIsVisible) {
  Fixture f("async_reject.wasm");
  bool host_ran = false;
  f.async("env", "get", [&](std::span<const Value>, Slot) { host_ran = true; });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run_once();  // runs `call`: the slot exists, its host work is queued
  auto live = f.rt.slots().live_handles();
  ASSERT_EQ(live.size(), 1u);
  ASSERT_TRUE(f.rt.cancel(live[0]));
  f.rt.loop().run();
  EXPECT_FALSE(host_ran);
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 1000 - kCodeCancelledBeforeStart);
}

TEST(AsyncForm1, CancelledAfterStartRunsTheHostCleanup) {
  Fixture f("async_reject.wasm");
  bool cleaned = false;
  Handle h = 0;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    h = slot.handle();
    ASSERT_TRUE(slot.on_cancel([&] { cleaned = true; }));
    // The host would settle later; the embedder cancels it first.
    slot.loop().defer([&f, &h] { ASSERT_TRUE(f.rt.cancel(h)); });
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  EXPECT_TRUE(cleaned);
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 1000 - kCodeCancelledAfterStart);
  EXPECT_FALSE(f.rt.cancel(h));  // freed: a stale handle now
}

TEST(AsyncForm1, ASecondSettlementIsRefused) {
  Fixture f("seed.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    ASSERT_TRUE(slot.resolve(Value::i32(123)));
    Status again = slot.resolve(Value::i32(5));
    EXPECT_FALSE(again);
    EXPECT_FALSE(slot.reject(3));
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  EXPECT_EQ(call->results()[0].as_i32(), 444);
}

TEST(AsyncForm1, WrongValueTypeIsRefused) {
  Fixture f("seed.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    EXPECT_EQ(slot.value_type(), ValType::I32);  // the callback's parameter
    EXPECT_FALSE(slot.resolve(Value::f64(1.0)));
    EXPECT_TRUE(slot.resolve(Value::i32(0)));
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  EXPECT_EQ(call->results()[0].as_i32(), 321);
}

TEST(AsyncForm1, ManyConcurrentCalls) {
  Fixture f("seed.wasm");
  int n = 0;
  f.async("env", "get", [&n](std::span<const Value>, Slot slot) {
    int v = n++;
    slot.loop().after(std::chrono::milliseconds(v % 5), [slot, v]() mutable {
      (void)slot.resolve(Value::i32(v));
    });
  });
  f.instantiate();
  std::vector<CallPtr> calls;
  for (int i = 0; i < 100; ++i) calls.push_back(f.start("call"));
  f.rt.loop().run();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(calls[i]->done());
    EXPECT_EQ(calls[i]->results()[0].as_i32(), 321 + i);
  }
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm1, NeverSettledSlotFailsClearly) {
  Fixture f("seed.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot) {});
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();  // returns: nothing could settle the slot
  EXPECT_FALSE(call->done());
  f.rt.run_until_done(call);
  ASSERT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_NE(call->message().find("still pending"), std::string::npos) << call->message();
  EXPECT_EQ(f.rt.slots().live(), 0u);  // its slot was cancelled and freed
}

TEST(AsyncForm1, AsyncImportCalledSynchronouslyTraps) {
  Fixture f("seed.wasm");
  f.async("env", "get", resolve_with(Value::i32(1)));
  f.instantiate();
  auto r = f.store.call(f.instance->get_func("call"), {});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("outside an asynchronous call"), std::string::npos)
      << r.error().message;
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm1, InvokingTheCallbackDirectlyIsSynchronous) {
  Fixture f("seed.wasm");
  f.async("env", "get", resolve_with(Value::i32(1)));
  f.instantiate();
  auto call = f.start("callback", {Value::i32(1)});
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done);
  EXPECT_EQ(call->results()[0].as_i32(), 322);
}

TEST(AsyncCalls, StartChecksExportAndArguments) {
  Fixture f("handles.wasm");
  f.async("env", "sleep", [](std::span<const Value>, Slot) {});
  f.instantiate();
  auto none = f.rt.start(*f.instance, "nope", {});
  ASSERT_FALSE(none);
  EXPECT_EQ(none.error().message, "unknown export: nope");
  auto count = f.rt.start(*f.instance, "call", {});
  ASSERT_FALSE(count);
  EXPECT_NE(count.error().message.find("takes 1 argument"), std::string::npos);
  std::vector<Value> wrong{Value::f32(1)};
  auto type = f.rt.start(*f.instance, "call", wrong);
  ASSERT_FALSE(type);
  EXPECT_NE(type.error().message.find("must be i32"), std::string::npos);
  CallOptions forced;
  forced.mode = AsyncMode::Callback;
  forced.callback = "cb";
  std::vector<Value> one{Value::i32(1)};
  auto missing = f.rt.start(*f.instance, "call", one, forced);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no function cb"), std::string::npos);
}

TEST(AsyncCalls, DefineAsyncChecksTheImport) {
  Store store;
  AsyncRuntime rt(store);
  auto m = load_fixture("seed.wasm");
  ASSERT_TRUE(m);
  Imports imports;
  Status s = rt.define_async(imports, *m, "env", "nope", [](std::span<const Value>, Slot) {});
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("env.nope"), std::string::npos);
}

// ---------------------------------------------------------------------------
// Form 2: handles

AsyncImportFn sleep_fn() {
  return [](std::span<const Value> args, Slot slot) {
    int32_t ms = args[0].as_i32();
    slot.loop().after(std::chrono::milliseconds(ms), [slot, ms]() mutable {
      ASSERT_TRUE(slot.resolve(Value::i32(ms)));
    });
  };
}

TEST(AsyncForm2, HandlesSettleInAnyOrder) {
  Fixture f("handles.wasm");
  f.async("env", "sleep", sleep_fn());
  f.instantiate();
  std::vector<int> finished;
  std::vector<CallPtr> calls;
  for (int x : {30, 10, 20}) {
    calls.push_back(f.start("call", {Value::i32(x)}));
    calls.back()->on_done([&finished, x](AsyncCall&) { finished.push_back(x); });
  }
  f.rt.loop().run();
  ASSERT_EQ(calls[0]->form(), AsyncCall::Form::Callback2);
  EXPECT_EQ(calls[0]->results()[0].as_i32(), 30030);
  EXPECT_EQ(calls[1]->results()[0].as_i32(), 10010);
  EXPECT_EQ(calls[2]->results()[0].as_i32(), 20020);
  // First settled, first resumed.
  EXPECT_EQ(finished, (std::vector<int>{10, 20, 30}));
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm2, F64Values) {
  Fixture f("async_f64.wasm");
  f.async("env", "get", [](std::span<const Value> args, Slot slot) {
    EXPECT_EQ(slot.value_type(), ValType::F64);
    ASSERT_TRUE(slot.resolve(Value::f64(args[0].as_i32() + 0.25)));
  });
  f.instantiate();
  auto call = f.start("call", {Value::i32(3)});
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_f64(), 6.5);
}

TEST(AsyncForm2, ForgedHandleFailsTheCall) {
  Fixture f("async_forged.wasm");
  f.async("env", "get", resolve_with(Value::i32(1)));
  f.instantiate();
  auto forged = f.start("call");
  auto negative = f.start("negative");
  f.rt.loop().run();
  ASSERT_EQ(forged->state(), AsyncCall::State::Failed);
  EXPECT_EQ(forged->failure(), AsyncCall::Failure::Error);
  EXPECT_NE(forged->message().find("12345"), std::string::npos) << forged->message();
  EXPECT_NE(forged->message().find("unknown promise slot handle"), std::string::npos);
  ASSERT_EQ(negative->state(), AsyncCall::State::Failed);
  EXPECT_NE(negative->message().find("never negative"), std::string::npos) << negative->message();
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm2, StaleHandleFailsTheCall) {
  Fixture f("async_forged.wasm");
  f.async("env", "get", resolve_with(Value::i32(8)));
  f.instantiate();
  auto first = f.start("first");
  f.rt.loop().run();
  ASSERT_EQ(first->state(), AsyncCall::State::Done) << first->message();
  EXPECT_EQ(first->results()[0].as_i32(), 8);
  auto stale = f.start("stale");  // returns the handle `first` used
  f.rt.loop().run();
  ASSERT_EQ(stale->state(), AsyncCall::State::Failed);
  EXPECT_NE(stale->message().find("stale"), std::string::npos) << stale->message();
}

// ---------------------------------------------------------------------------
// Form 3: suspension

TEST(AsyncForm3, SuspendSum) {
  Fixture f("suspend.wasm");
  int calls_to_get = 0;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    ++calls_to_get;
    EXPECT_EQ(slot.value_type(), ValType::I32);  // the import's result type
    slot.loop().after(1ms, [slot]() mutable { ASSERT_TRUE(slot.resolve(Value::i32(5))); });
  });
  f.instantiate();
  auto call = f.start("sum", {Value::i32(10)});
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->form(), AsyncCall::Form::Suspend);
  EXPECT_EQ(call->results()[0].as_i32(), 60);
  EXPECT_EQ(calls_to_get, 10);
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm3, ThousandsSuspendedAtOnce) {
  Fixture f("async_echo.wasm");
  std::vector<Slot> waiting;
  f.async("env", "echo", [&](std::span<const Value> args, Slot slot) {
    waiting.push_back(slot);
    (void)args;
  });
  f.async("env", "tick", [](std::span<const Value>, Slot slot) { (void)slot.resolve(); });
  f.instantiate();
  constexpr int kCalls = 10000;
  std::vector<CallPtr> calls;
  for (int i = 0; i < kCalls; ++i) calls.push_back(f.start("twice", {Value::i32(i)}));
  // Every call is suspended on its first echo; settle them in reverse order,
  // twice (each call awaits two echoes), echoing the slot's argument back.
  for (int round = 0; round < 2; ++round) {
    while (f.rt.loop().run_once() > 0) {}
    ASSERT_EQ(waiting.size(), size_t(kCalls));
    EXPECT_EQ(f.rt.slots().pending(), uint32_t(kCalls));
    std::vector<Slot> now = std::move(waiting);
    waiting.clear();
    std::reverse(now.begin(), now.end());
    for (Slot& s : now) ASSERT_TRUE(s.resolve(Value::i32(7 + round)));
  }
  f.rt.loop().run();
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_EQ(calls[i]->state(), AsyncCall::State::Done) << calls[i]->message();
    EXPECT_EQ(calls[i]->results()[0].as_i32(), 7 * 1000 + 8);
  }
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm3, EachResultReachesItsOwnCall) {
  Fixture f("async_echo.wasm");
  f.async("env", "echo", [](std::span<const Value> args, Slot slot) {
    int32_t x = args[0].as_i32();
    // Later arguments settle sooner: settlement order differs from call order.
    slot.loop().after(std::chrono::milliseconds(20 - x), [slot, x]() mutable {
      ASSERT_TRUE(slot.resolve(Value::i32(x)));
    });
  });
  f.async("env", "tick", [](std::span<const Value>, Slot slot) { (void)slot.resolve(); });
  f.instantiate();
  std::vector<CallPtr> calls;
  for (int x = 0; x < 10; ++x) calls.push_back(f.start("twice", {Value::i32(x)}));
  f.rt.loop().run();
  for (int x = 0; x < 10; ++x) {
    ASSERT_EQ(calls[x]->state(), AsyncCall::State::Done) << calls[x]->message();
    EXPECT_EQ(calls[x]->results()[0].as_i32(), x * 1000 + x + 1);
  }
}

TEST(AsyncForm3, ResumptionFollowsSettlementOrder) {
  Fixture f("async_echo.wasm");
  std::vector<Slot> slots;
  f.async("env", "echo", [&](std::span<const Value>, Slot slot) { slots.push_back(slot); });
  f.async("env", "tick", [](std::span<const Value>, Slot slot) { (void)slot.resolve(); });
  f.instantiate();
  std::vector<int> order;
  auto a = f.start("div", {Value::i32(10), Value::i32(1)});
  auto b = f.start("div", {Value::i32(20), Value::i32(1)});
  auto c = f.start("div", {Value::i32(30), Value::i32(1)});
  a->on_done([&](AsyncCall&) { order.push_back(0); });
  b->on_done([&](AsyncCall&) { order.push_back(1); });
  c->on_done([&](AsyncCall&) { order.push_back(2); });
  while (f.rt.loop().run_once() > 0) {}
  ASSERT_EQ(slots.size(), 3u);
  ASSERT_TRUE(slots[2].resolve(Value::i32(3)));
  ASSERT_TRUE(slots[0].resolve(Value::i32(1)));
  ASSERT_TRUE(slots[1].resolve(Value::i32(2)));
  f.rt.loop().run();
  EXPECT_EQ(order, (std::vector<int>{2, 0, 1}));
  EXPECT_EQ(a->results()[0].as_i32(), 1);
  EXPECT_EQ(b->results()[0].as_i32(), 2);
  EXPECT_EQ(c->results()[0].as_i32(), 3);
}

TEST(AsyncForm3, VoidImports) {
  Fixture f("async_echo.wasm");
  f.async("env", "echo", [](std::span<const Value>, Slot) {});
  int ticks = 0;
  f.async("env", "tick", [&](std::span<const Value>, Slot slot) {
    ++ticks;
    EXPECT_EQ(slot.value_type(), std::nullopt);
    EXPECT_FALSE(slot.resolve(Value::i32(1)));  // no value expected
    ASSERT_TRUE(slot.resolve());
  });
  f.instantiate();
  auto call = f.start("ticks");
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 7);
  EXPECT_EQ(ticks, 3);
}

TEST(AsyncForm3, RejectionTrapsTheSuspendedCall) {
  Fixture f("suspend.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) { ASSERT_TRUE(slot.reject(9)); });
  f.instantiate();
  auto call = f.start("sum", {Value::i32(3)});
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_EQ(call->failure(), AsyncCall::Failure::Rejected);
  EXPECT_EQ(call->reject_code(), 9);
  EXPECT_NE(call->message().find("code 9"), std::string::npos) << call->message();
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm3, TrapAfterResumption) {
  Fixture f("async_echo.wasm");
  f.async("env", "echo", resolve_with(Value::i32(5)));
  f.async("env", "tick", [](std::span<const Value>, Slot slot) { (void)slot.resolve(); });
  f.instantiate();
  auto call = f.start("div", {Value::i32(1), Value::i32(0)});
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_EQ(call->failure(), AsyncCall::Failure::Trap);
  EXPECT_EQ(call->message(), "integer divide by zero");
}

TEST(AsyncForm3, CallTimeoutAppliesAcrossSuspensions) {
  Fixture f("suspend.wasm");
  bool cleaned = false;
  int calls = 0;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    // The first result comes at once, so the call suspends and resumes once;
    // the second would take an hour: only the call's limit can end it. (No
    // race with the limit on a slow machine, whatever the timers' jitter.)
    auto delay = ++calls == 1 ? std::chrono::milliseconds(1) : std::chrono::milliseconds(3600000);
    auto id = slot.loop().after(delay, [slot]() mutable { (void)slot.resolve(Value::i32(1)); });
    EventLoop* loop = &slot.loop();
    (void)slot.on_cancel([&cleaned, loop, id] {
      cleaned = true;
      loop->cancel(id);
    });
  });
  f.instantiate();
  CallOptions o;
  o.timeout = 15ms;
  auto call = f.start("sum", {Value::i32(10)}, o);
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_EQ(call->failure(), AsyncCall::Failure::Rejected);
  EXPECT_EQ(call->reject_code(), kCodeTimedOut);
  EXPECT_TRUE(cleaned);
  EXPECT_EQ(calls, 2);  // the limit ran across a completed suspension
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm3, SlotCapacityExhaustedTrapsClearly) {
  Fixture f("suspend.wasm", AsyncConfig{2});
  f.async("env", "get", [](std::span<const Value>, Slot) {});
  f.instantiate();
  auto a = f.start("sum", {Value::i32(1)});
  auto b = f.start("sum", {Value::i32(1)});
  auto c = f.start("sum", {Value::i32(1)});
  f.rt.loop().run();
  ASSERT_EQ(c->state(), AsyncCall::State::Failed);
  EXPECT_EQ(c->failure(), AsyncCall::Failure::Trap);
  EXPECT_NE(c->message().find("full"), std::string::npos) << c->message();
  EXPECT_FALSE(a->done());
  EXPECT_FALSE(b->done());
  f.rt.cancel_all("test over");
  EXPECT_TRUE(a->done());
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(AsyncForm3, ForcedSuspendOnACallbackModule) {
  Fixture f("seed.wasm");
  int host_calls = 0;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    ++host_calls;
    ASSERT_TRUE(slot.resolve());  // a void import in form 3: no value
  });
  f.instantiate();
  CallOptions o;
  o.mode = AsyncMode::Suspend;
  auto call = f.start("call", {}, o);
  f.rt.loop().run();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->form(), AsyncCall::Form::Suspend);
  EXPECT_TRUE(call->results().empty());
  EXPECT_EQ(host_calls, 1);
}

TEST(AsyncForm3, DestroyingTheRuntimeReleasesEverything) {
  Store store;
  auto m = load_fixture("suspend.wasm");
  ASSERT_TRUE(m);
  CallPtr call;
  bool cleaned = false;
  {
    AsyncRuntime rt(store);
    Imports imports;
    ASSERT_TRUE(rt.define_async(imports, *m, "env", "get", [&](std::span<const Value>, Slot slot) {
      (void)slot.on_cancel([&] { cleaned = true; });
    }));
    auto inst = store.instantiate(m, imports);
    ASSERT_TRUE(inst);
    call = rt.start(**inst, "sum", std::vector<Value>{Value::i32(2)}).value();
    rt.loop().run();
    EXPECT_FALSE(call->done());
  }
  ASSERT_TRUE(call->done());
  EXPECT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_TRUE(cleaned);
}

// ---------------------------------------------------------------------------
// Shadow stacks: suspending calls of an instance with a stack pointer global
// get regions of their own (or take turns), and the global is saved and
// restored across suspensions.

namespace {

// Runs work(1), work(11), work(21) concurrently, get resolving 100 for each.
std::vector<int32_t> run_stack_jobs(Fixture& f, const CallOptions& o, size_t* max_pending) {
  std::vector<Slot> waiting;
  f.async("env", "get", [&waiting](std::span<const Value>, Slot slot) { waiting.push_back(slot); });
  f.instantiate();
  std::vector<CallPtr> calls;
  for (int x : {1, 11, 21}) calls.push_back(f.start("work", {Value::i32(x)}, o));
  *max_pending = 0;
  for (;;) {
    while (f.rt.loop().run_once() > 0) {}
    if (waiting.empty()) break;
    *max_pending = std::max<size_t>(*max_pending, waiting.size());
    std::vector<Slot> now = std::move(waiting);
    waiting.clear();
    for (Slot& s : now) EXPECT_TRUE(s.resolve(Value::i32(100)));
  }
  std::vector<int32_t> out;
  for (auto& c : calls) {
    EXPECT_EQ(c->state(), AsyncCall::State::Done) << c->message();
    out.push_back(c->done() && !c->results().empty() ? c->results()[0].as_i32() : -1);
  }
  return out;
}

}  // namespace

TEST(ShadowStack, EachSuspendedCallGetsItsOwnRegion) {
  Fixture f("async_stack.wasm");
  size_t max_pending = 0;
  auto r = run_stack_jobs(f, {}, &max_pending);
  EXPECT_EQ(r, (std::vector<int32_t>{101, 111, 121}));
  EXPECT_EQ(max_pending, 3u);  // all three suspended at once
  // The first call used the module's own stack, the two others a region of
  // 64 KiB each at the end of memory.
  EXPECT_EQ(f.instance->memories[0]->pages(), 3u);
  auto sp = f.rt.call(*f.instance, "sp", {});
  ASSERT_TRUE(sp);
  EXPECT_EQ((*sp)[0].as_i32(), 1024);
}

TEST(ShadowStack, RegionsAreReused) {
  Fixture f("async_stack.wasm");
  std::vector<Slot> waiting;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) { waiting.push_back(slot); });
  f.instantiate();
  for (int round = 0; round < 3; ++round) {
    std::vector<CallPtr> calls;
    for (int x : {1, 11, 21}) calls.push_back(f.start("work", {Value::i32(x + round)}));
    while (f.rt.loop().run_once() > 0) {}
    ASSERT_EQ(waiting.size(), 3u);
    // Settled in reverse: the region calls finish before the main-stack one.
    for (auto it = waiting.rbegin(); it != waiting.rend(); ++it) ASSERT_TRUE(it->resolve(Value::i32(100)));
    waiting.clear();
    f.rt.loop().run();
    for (size_t i = 0; i < 3; ++i) {
      ASSERT_EQ(calls[i]->state(), AsyncCall::State::Done) << calls[i]->message();
      EXPECT_EQ(calls[i]->results()[0].as_i32(), 101 + 10 * int(i) + round);
    }
  }
  EXPECT_EQ(f.instance->memories[0]->pages(), 3u);  // two regions, made once
}

TEST(ShadowStack, SuspendingCallsTakeTurnsWithoutRegions) {
  Fixture f("async_stack.wasm");
  CallOptions o;
  o.stack_region_size = 0;
  size_t max_pending = 0;
  auto r = run_stack_jobs(f, o, &max_pending);
  EXPECT_EQ(r, (std::vector<int32_t>{101, 111, 121}));
  EXPECT_EQ(max_pending, 1u);  // one call at a time on the shared stack
  EXPECT_EQ(f.instance->memories[0]->pages(), 1u);
  auto sp = f.rt.call(*f.instance, "sp", {});
  ASSERT_TRUE(sp);
  EXPECT_EQ((*sp)[0].as_i32(), 1024);
}

TEST(ShadowStack, CallsTakeTurnsWhenMemoryCannotGrow) {
  Config limited;
  limited.max_memory_pages = 1;
  Fixture f("async_stack.wasm", {}, limited);
  size_t max_pending = 0;
  auto r = run_stack_jobs(f, {}, &max_pending);
  EXPECT_EQ(r, (std::vector<int32_t>{101, 111, 121}));
  EXPECT_EQ(max_pending, 1u);
  EXPECT_EQ(f.instance->memories[0]->pages(), 1u);
}

TEST(ShadowStack, ATrapLeavesTheStackPointerAsFound) {
  Fixture f("async_stack.wasm");
  int n = 0;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    // The first call (main stack) is rejected, the second (a region) too.
    slot.loop().after(std::chrono::milliseconds(++n), [slot]() mutable { ASSERT_TRUE(slot.reject(5)); });
  });
  f.instantiate();
  auto a = f.start("work", {Value::i32(1)});
  auto b = f.start("work", {Value::i32(2)});
  f.rt.loop().run();
  EXPECT_EQ(a->failure(), AsyncCall::Failure::Rejected);
  EXPECT_EQ(b->failure(), AsyncCall::Failure::Rejected);
  auto sp = f.rt.call(*f.instance, "sp", {});
  ASSERT_TRUE(sp);
  EXPECT_EQ((*sp)[0].as_i32(), 1024);  // not left 16 bytes down by work(1)
}

TEST(ShadowStack, WithoutProtectionFramesAreClobbered) {
  // What the protection prevents: the calls interleave on one stack.
  Fixture f("async_stack.wasm");
  CallOptions o;
  o.stack_pointer = "";
  size_t max_pending = 0;
  auto r = run_stack_jobs(f, o, &max_pending);
  EXPECT_EQ(max_pending, 3u);
  EXPECT_NE(r, (std::vector<int32_t>{101, 111, 121}));
}

TEST(ShadowStack, ATimedOutCallLeavesTheStackPointerAsFound) {
  Fixture f("async_stack.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot) {});  // never settles
  f.instantiate();
  CallOptions o;
  o.timeout = 5ms;
  auto a = f.start("work", {Value::i32(1)}, o);  // the module's own stack
  auto b = f.start("work", {Value::i32(2)}, o);  // a region
  f.rt.loop().run();
  EXPECT_EQ(a->reject_code(), kCodeTimedOut);
  EXPECT_EQ(b->reject_code(), kCodeTimedOut);
  auto sp = f.rt.call(*f.instance, "sp", {});
  ASSERT_TRUE(sp);
  EXPECT_EQ((*sp)[0].as_i32(), 1024);
}

TEST(ShadowStack, FoundThroughTheNameSection) {
  std::string path = std::string(WASMSLOT_FIXTURE_DIR) + "/async_stack_named.wasm";
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  ASSERT_FALSE(bytes.empty());
  {
    auto plain = load(bytes);
    ASSERT_TRUE(plain);
    EXPECT_EQ(find_stack_pointer(**plain), std::nullopt);
  }
  // Custom section "name", subsection 7 (global names): global 0 is
  // "__stack_pointer".
  std::string gname = "__stack_pointer";
  std::vector<uint8_t> sub = {1, 0, static_cast<uint8_t>(gname.size())};
  sub.insert(sub.end(), gname.begin(), gname.end());
  std::vector<uint8_t> content = {4, 'n', 'a', 'm', 'e', 7, static_cast<uint8_t>(sub.size())};
  content.insert(content.end(), sub.begin(), sub.end());
  bytes.push_back(0);
  bytes.push_back(static_cast<uint8_t>(content.size()));
  bytes.insert(bytes.end(), content.begin(), content.end());
  auto m = load(bytes);
  ASSERT_TRUE(m) << m.error().message;
  EXPECT_EQ(find_stack_pointer(**m), 0u);

  Fixture f("async_stack_named.wasm");
  f.module = *m;
  CallOptions o;
  o.stack_region_size = 0;  // turns: max_pending shows the global was found
  size_t max_pending = 0;
  auto r = run_stack_jobs(f, o, &max_pending);
  EXPECT_EQ(r, (std::vector<int32_t>{101, 111, 121}));
  EXPECT_EQ(max_pending, 1u);
}

// ---------------------------------------------------------------------------
// Depth, and settling from other threads

TEST(AsyncForm3, SuspensionTenThousandFramesDeep) {
  // depth(n) recurses n frames deep, then awaits env.get: the whole stack of
  // frames (10,001 with the entry) waits on the heap.
  Config deep;
  deep.max_call_depth = 10001;
  Fixture f("interp_suspend_deep.wasm", {}, deep);
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    slot.loop().after(1ms, [slot]() mutable { ASSERT_TRUE(slot.resolve(Value::i32(5))); });
  });
  f.instantiate();
  std::vector<CallPtr> calls;
  for (int i = 0; i < 4; ++i) calls.push_back(f.start("depth", {Value::i32(10000)}));
  f.rt.loop().run();
  for (auto& c : calls) {
    ASSERT_EQ(c->state(), AsyncCall::State::Done) << c->message();
    EXPECT_EQ(c->results()[0].as_i32(), 10005);  // depth(n) = get() + n
  }
}

TEST(RemoteSlot, ResolvedFromAWorkerThread) {
  Fixture f("suspend.wasm");
  std::vector<std::thread> workers;
  f.async("env", "get", [&workers](std::span<const Value>, Slot slot) {
    workers.emplace_back([remote = slot.remote()]() mutable {
      std::this_thread::sleep_for(1ms);
      remote.resolve(Value::i32(5));
    });
  });
  f.instantiate();
  auto call = f.start("sum", {Value::i32(10)});
  f.rt.loop().run();  // waits for the workers: each RemoteSlot keeps the loop alive
  for (auto& w : workers) w.join();
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 60);
  EXPECT_EQ(workers.size(), 10u);
}

TEST(RemoteSlot, DroppedWithoutSettlingCancelsTheSlot) {
  Fixture f("async_reject.wasm");
  std::thread worker;
  f.async("env", "get", [&worker](std::span<const Value>, Slot slot) {
    worker = std::thread([remote = slot.remote()] {});  // gives up
  });
  f.instantiate();
  auto call = f.start("call");
  f.rt.loop().run();
  worker.join();
  // callback_error(code) = 1000 - code, with "cancelled after start".
  ASSERT_EQ(call->state(), AsyncCall::State::Done) << call->message();
  EXPECT_EQ(call->results()[0].as_i32(), 1000 - kCodeCancelledAfterStart);
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(RemoteSlot, SettlingAfterTheRuntimeIsGoneIsHarmless) {
  Store store;
  auto m = load_fixture("suspend.wasm");
  ASSERT_TRUE(m);
  std::optional<RemoteSlot> kept;
  CallPtr call;
  {
    AsyncRuntime rt(store);
    Imports imports;
    ASSERT_TRUE(rt.define_async(imports, *m, "env", "get",
                                [&](std::span<const Value>, Slot slot) { kept.emplace(slot.remote()); }));
    auto inst = store.instantiate(m, imports);
    ASSERT_TRUE(inst);
    call = rt.start(**inst, "sum", std::vector<Value>{Value::i32(1)}).value();
    rt.loop().run_once();
    rt.loop().run_once();
    ASSERT_TRUE(kept);
  }
  EXPECT_EQ(call->state(), AsyncCall::State::Failed);
  kept->resolve(Value::i32(1));  // the loop is gone: dropped
  kept.reset();
}

// ---------------------------------------------------------------------------
// Dropping an instance

TEST(DropInstance, RejectsItsSlotsAndFailsItsCalls) {
  Fixture f("async_echo.wasm");
  int cleaned = 0;
  f.async("env", "echo", [&](std::span<const Value>, Slot slot) {
    ASSERT_TRUE(slot.on_cancel([&cleaned] { ++cleaned; }));
  });
  f.async("env", "tick", [](std::span<const Value>, Slot slot) { (void)slot.resolve(); });
  f.instantiate();
  std::vector<CallPtr> calls;
  for (int i = 0; i < 100; ++i) calls.push_back(f.start("twice", {Value::i32(i)}));
  int finished = 0;
  for (auto& c : calls) c->on_done([&finished](AsyncCall&) { ++finished; });
  f.rt.loop().run();
  EXPECT_EQ(f.rt.slots().pending(), 100u);

  ASSERT_TRUE(f.rt.drop_instance(*f.instance));
  EXPECT_EQ(finished, 100);
  EXPECT_EQ(cleaned, 100);  // every host operation was told to stop
  for (auto& c : calls) {
    EXPECT_EQ(c->state(), AsyncCall::State::Failed);
    EXPECT_EQ(c->failure(), AsyncCall::Failure::Error);
    EXPECT_NE(c->message().find("dropped"), std::string::npos) << c->message();
  }
  EXPECT_EQ(f.rt.slots().live(), 0u);
  EXPECT_EQ(f.rt.running_calls(), 0u);
  f.rt.loop().run();  // nothing left to run on its behalf
  EXPECT_TRUE(f.rt.loop().idle());

  auto again = f.rt.start(*f.instance, "twice", std::vector<Value>{Value::i32(1)});
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("dropped"), std::string::npos);
}

TEST(DropInstance, OtherInstancesGoOn) {
  Fixture f("suspend.wasm");
  f.async("env", "get", [](std::span<const Value>, Slot slot) {
    slot.loop().after(1ms, [slot]() mutable { (void)slot.resolve(Value::i32(5)); });
  });
  f.instantiate();
  auto other = f.store.instantiate(f.module, f.imports);
  ASSERT_TRUE(other);
  auto doomed = f.start("sum", {Value::i32(10)});
  auto kept = f.rt.start(**other, "sum", std::vector<Value>{Value::i32(10)}).value();
  f.rt.loop().run_once();
  ASSERT_TRUE(f.rt.drop_instance(*f.instance));
  f.rt.loop().run();
  EXPECT_EQ(doomed->state(), AsyncCall::State::Failed);
  ASSERT_EQ(kept->state(), AsyncCall::State::Done) << kept->message();
  EXPECT_EQ(kept->results()[0].as_i32(), 60);
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

TEST(DropInstance, FromInsideAHostFunctionOfTheLoop) {
  // The host work of an import runs on the loop, outside wasm code: it may
  // drop the very instance whose call made it.
  Fixture f("suspend.wasm");
  Instance* inst = nullptr;
  f.async("env", "get", [&](std::span<const Value>, Slot slot) {
    ASSERT_TRUE(slot.runtime().drop_instance(*inst));
    EXPECT_FALSE(slot.pending());  // cancelled, and freed with its call
  });
  f.instantiate();
  inst = f.instance;
  auto call = f.start("sum", {Value::i32(3)});
  f.rt.loop().run();
  EXPECT_EQ(call->state(), AsyncCall::State::Failed);
  EXPECT_EQ(f.rt.slots().live(), 0u);
}

// ---------------------------------------------------------------------------
// The randomized test: modules with async imports under random settle orders
// and delays; every result equals the same module run with synchronous
// imports.

namespace {

// The imports' behaviour, the same for both runs.
Value behave_f(const Value& x) { return Value::i32(x.as_i32() * 7 + 3); }
Value behave_g(const Value& x) { return Value::i64(x.as_i64() ^ 0x5555); }
Value behave_h(const Value& x) { return Value::f64(x.as_f64() * 0.5); }

struct Job {
  const char* name;
  Value arg;
};

std::vector<Job> random_jobs(std::mt19937& rng, size_t n) {
  std::vector<Job> jobs;
  for (size_t i = 0; i < n; ++i) {
    switch (rng() % 3) {
      case 0: jobs.push_back({"loop", Value::i32(int32_t(rng() % 20))}); break;
      case 1: jobs.push_back({"rec", Value::i32(int32_t(rng() % 12))}); break;
      default: jobs.push_back({"mixed", Value::i32(int32_t(i))}); break;
    }
  }
  return jobs;
}

std::vector<Value> synchronous_results(const std::vector<Job>& jobs) {
  Store store;
  Imports imports;
  auto sync = [&](const char* name, FuncType type, Value (*fn)(const Value&)) {
    FuncInst* f = store.make_host_func(type, [fn, type](HostCall& c) {
      if (fn) c.results[0] = fn(Value{type.params[0], c.args[0], 0}).lo;
      return HostAnswer::ok();
    });
    imports.add("env", name, Extern{ExternKind::Func, f});
  };
  sync("f", FuncType{{ValType::I32}, {ValType::I32}}, behave_f);
  sync("g", FuncType{{ValType::I64}, {ValType::I64}}, behave_g);
  sync("h", FuncType{{ValType::F64}, {ValType::F64}}, behave_h);
  sync("t", FuncType{{}, {}}, nullptr);
  auto inst = store.instantiate(load_fixture("async_mix.wasm"), imports);
  EXPECT_TRUE(inst) << inst.error().message;
  std::vector<Value> out;
  for (const Job& j : jobs) {
    auto r = store.call((*inst)->get_func(j.name), std::vector<Value>{j.arg});
    EXPECT_TRUE(r) << r.error().message;
    out.push_back(r ? (*r)[0] : Value{});
  }
  return out;
}

}  // namespace

TEST(AsyncRandomized, ResultsEqualTheSynchronousRun) {
  for (uint32_t seed = 1; seed <= 12; ++seed) {
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 rng(seed);
    std::vector<Job> jobs = random_jobs(rng, 40);
    std::vector<Value> expected = synchronous_results(jobs);

    Fixture f("async_mix.wasm");
    struct Held {
      Slot slot;
      std::optional<Value> value;
    };
    std::vector<Held> held;
    std::vector<std::thread> workers;
    // Each settlement takes one of four ways, at random: at once, from a
    // timer of 0-2 ms, held back and settled later in a shuffled order, or
    // from a worker thread.
    auto settle = [&](Slot slot, std::optional<Value> v) {
      auto apply = [](Slot& s, const std::optional<Value>& v) {
        ASSERT_TRUE(v ? s.resolve(*v) : s.resolve());
      };
      switch (rng() % 4) {
        case 0: apply(slot, v); break;
        case 1:
          slot.loop().after(std::chrono::milliseconds(rng() % 3),
                            [slot, v, apply]() mutable { apply(slot, v); });
          break;
        case 2: held.push_back({slot, v}); break;
        default: {
          auto pause = std::chrono::microseconds(rng() % 500);
          workers.emplace_back([remote = slot.remote(), v, pause]() mutable {
            std::this_thread::sleep_for(pause);
            if (v)
              remote.resolve(*v);
            else
              remote.resolve();
          });
        }
      }
    };
    auto async_of = [&](Value (*fn)(const Value&)) {
      return [&settle, fn](std::span<const Value> args, Slot slot) {
        settle(slot, fn ? std::optional<Value>(fn(args[0])) : std::nullopt);
      };
    };
    f.async("env", "f", async_of(behave_f));
    f.async("env", "g", async_of(behave_g));
    f.async("env", "h", async_of(behave_h));
    f.async("env", "t", async_of(nullptr));
    f.instantiate();

    std::vector<CallPtr> calls;
    for (const Job& j : jobs) calls.push_back(f.start(j.name, {j.arg}));
    auto give_up = std::chrono::steady_clock::now() + 20s;
    while (f.rt.running_calls() > 0 && std::chrono::steady_clock::now() < give_up) {
      f.rt.loop().run_once(1ms);
      std::shuffle(held.begin(), held.end(), rng);
      size_t k = held.empty() ? 0 : rng() % (held.size() + 1);
      std::vector<Held> now(held.end() - static_cast<ptrdiff_t>(k), held.end());
      held.resize(held.size() - k);
      for (Held& h : now) ASSERT_TRUE(h.value ? h.slot.resolve(*h.value) : h.slot.resolve());
    }
    for (auto& w : workers) w.join();
    for (size_t i = 0; i < jobs.size(); ++i) {
      ASSERT_EQ(calls[i]->state(), AsyncCall::State::Done) << jobs[i].name << ": " << calls[i]->message();
      EXPECT_EQ(calls[i]->results()[0], expected[i]) << jobs[i].name << "(" << jobs[i].arg.as_i32() << ")";
    }
    EXPECT_EQ(f.rt.slots().live(), 0u);
  }
}
