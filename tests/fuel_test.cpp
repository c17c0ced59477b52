// Fuel (Thread::set_fuel, add_fuel, resume; Config::fuel): a metered Thread
// consumes one unit per wasm call and per taken backward branch, stops in
// state OutOfFuel when none is left, and continues where it stopped once
// fuel is added. Fixture: tests/fixtures/fuel.wat.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasmslot/runtime.h"
#include "loader/loader.h"

namespace wasmslot {
namespace {

std::shared_ptr<const Module> load_fixture() {
  std::ifstream in(std::string(WASMSLOT_FIXTURE_DIR) + "/fuel.wasm", std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture fuel.wasm";
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load(std::move(bytes));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? m.value() : nullptr;
}

struct Fuel : ::testing::Test {
  Config config;
  std::unique_ptr<Store> store;
  Instance* inst = nullptr;

  void make(Config c = {}) {
    store = std::make_unique<Store>(c);
    auto m = load_fixture();
    ASSERT_TRUE(m);
    // env.pending answers Pending: the embedder resumes with the argument.
    FuncInst* pending = store->make_host_func({{ValType::I32}, {ValType::I32}},
                                              [](HostCall&) { return HostAnswer::pending(1); });
    Imports imports;
    imports.add("env", "pending", Extern{ExternKind::Func, pending});
    auto r = store->instantiate(m, imports);
    ASSERT_TRUE(r.ok()) << r.error().message;
    inst = *r;
  }
  void SetUp() override { make(); }
  FuncInst* fn(const char* name) { return inst->get_func(name); }
};

TEST_F(Fuel, UnmeteredByDefault) {
  Thread t(*store);
  EXPECT_FALSE(t.fuel().has_value());
  const Value n = Value::i32(100000);
  ASSERT_EQ(t.invoke(fn("sum"), {&n, 1}), ExecState::Done);
  EXPECT_EQ(t.results()[0].as_i32(), static_cast<int32_t>(100000ull * 100001 / 2));
}

TEST_F(Fuel, AnInfiniteLoopStops) {
  Thread t(*store);
  t.set_fuel(1000);
  EXPECT_EQ(t.invoke(fn("spin"), {}), ExecState::OutOfFuel);
  EXPECT_EQ(t.trap_message(), "out of fuel");
  EXPECT_EQ(t.fuel(), 0u);
  // More fuel, and it runs on (and stops again: it is infinite).
  t.add_fuel(500);
  EXPECT_EQ(t.resume(), ExecState::OutOfFuel);
  EXPECT_EQ(t.fuel(), 0u);
  // Without fuel, resume() does not move.
  EXPECT_EQ(t.resume(), ExecState::OutOfFuel);
}

TEST_F(Fuel, AddingFuelResumesAndCompletes) {
  Thread t(*store);
  t.set_fuel(10);
  const Value n = Value::i32(1000);
  ExecState s = t.invoke(fn("sum"), {&n, 1});
  int stops = 0;
  while (s == ExecState::OutOfFuel) {
    ++stops;
    t.add_fuel(10);
    s = t.resume();
  }
  ASSERT_EQ(s, ExecState::Done) << t.trap_message();
  EXPECT_EQ(t.results()[0].as_i32(), 500500);
  // ~1000 iterations at 10 units a time: fuel counts exactly.
  EXPECT_GE(stops, 98);
  EXPECT_LE(stops, 100);
}

TEST_F(Fuel, EnoughFuelRunsToTheEndAndCounts) {
  Thread t(*store);
  t.set_fuel(1000000);
  const Value n = Value::i32(1000);
  ASSERT_EQ(t.invoke(fn("sum"), {&n, 1}), ExecState::Done);
  EXPECT_EQ(t.results()[0].as_i32(), 500500);
  ASSERT_TRUE(t.fuel().has_value());
  const uint64_t used = 1000000 - *t.fuel();
  EXPECT_GE(used, 1000u);  // one backward branch per iteration, at least
  EXPECT_LE(used, 1002u);
}

TEST_F(Fuel, CallsConsumeFuel) {
  Thread t(*store);
  t.set_fuel(50);
  const Value n = Value::i32(200);
  ExecState s = t.invoke(fn("count"), {&n, 1});
  EXPECT_EQ(s, ExecState::OutOfFuel);
  while (s == ExecState::OutOfFuel) {
    t.add_fuel(50);
    s = t.resume();
  }
  ASSERT_EQ(s, ExecState::Done) << t.trap_message();
  EXPECT_EQ(t.results()[0].as_i32(), 200);
}

TEST_F(Fuel, EndlessTailCallsStop) {
  Thread t(*store);
  t.set_fuel(100000);
  const Value n = Value::i32(0);
  EXPECT_EQ(t.invoke(fn("forever"), {&n, 1}), ExecState::OutOfFuel);
}

TEST_F(Fuel, ConfigFuelAppliesToStoreCall) {
  Config c;
  c.fuel = 1000;
  make(c);
  auto r = store->call(fn("spin"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "out of fuel");
  const Value n = Value::i32(10);
  auto ok = store->call(fn("sum"), {&n, 1});
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ((*ok)[0].as_i32(), 55);
}

TEST_F(Fuel, SuspensionAndFuelTogether) {
  // Each iteration suspends once (env.pending) and takes one backward
  // branch; both kinds of stop interleave, and the result is exact.
  Thread t(*store);
  t.set_fuel(3);
  const Value n = Value::i32(20);
  ExecState s = t.invoke(fn("await_sum"), {&n, 1});
  int suspensions = 0, refuels = 0;
  while (s == ExecState::Suspended || s == ExecState::OutOfFuel) {
    if (s == ExecState::Suspended) {
      ++suspensions;
      const uint64_t v = 2;
      s = t.resume({&v, 1});
    } else {
      ++refuels;
      t.add_fuel(3);
      s = t.resume();
    }
  }
  ASSERT_EQ(s, ExecState::Done) << t.trap_message();
  EXPECT_EQ(t.results()[0].as_i32(), 40);
  EXPECT_EQ(suspensions, 20);
  EXPECT_GE(refuels, 5);
}

TEST_F(Fuel, ResumeWhenNotStoppedIsAnError) {
  Thread t(*store);
  EXPECT_EQ(t.resume(), ExecState::Trapped);
}

}  // namespace
}  // namespace wasmslot
