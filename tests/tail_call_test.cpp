// Tail calls (the tail-call proposal: return_call, return_call_indirect).
//
// The point of a tail call is that it does not grow the stack: the callee
// takes over the caller's frame. These tests run with a call-depth limit of
// 1 and a value stack of 64 cells, so a loop of a million tail calls can
// only succeed if every one of them really reuses the frame: the plain-call
// version of the same loop traps at its first call.
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

std::shared_ptr<const Module> load_tail_call_fixture() {
  std::ifstream in(std::string(WASMSLOT_FIXTURE_DIR) + "/tail_call.wasm", std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture tail_call.wasm";
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load(std::move(bytes));
  EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().message);
  return m.ok() ? m.value() : nullptr;
}

// A store whose threads may hold one frame and 64 value cells.
Config one_frame() {
  Config c;
  c.max_call_depth = 1;
  c.max_stack_cells = 64;
  return c;
}

struct TailCallFixture : ::testing::Test {
  Store store{one_frame()};
  Instance* inst = nullptr;
  uint32_t pending_calls = 0;

  void SetUp() override {
    auto m = load_tail_call_fixture();
    ASSERT_TRUE(m);
    FuncInst* dbl = store.make_host_func({{ValType::I64}, {ValType::I64}}, [](HostCall& c) {
      c.results[0] = c.args[0] * 2;
      return HostAnswer::ok();
    });
    FuncInst* pending = store.make_host_func({{ValType::I32}, {ValType::I32}}, [this](HostCall&) {
      ++pending_calls;
      return HostAnswer::pending(7);
    });
    Imports imports;
    imports.add("env", "host_double", Extern{ExternKind::Func, dbl});
    imports.add("env", "host_pending", Extern{ExternKind::Func, pending});
    auto r = store.instantiate(m, imports);
    ASSERT_TRUE(r.ok()) << r.error().message;
    inst = *r;
  }

  Result<std::vector<Value>> call(const char* name, std::vector<Value> args) {
    return store.call(inst->get_func(name), args);
  }
};

TEST_F(TailCallFixture, AMillionReturnCallsRunInOneFrame) {
  auto r = call("count", {Value::i32(1000000), Value::i64(0)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(1000000));
}

TEST_F(TailCallFixture, ThePlainCallLoopNeedsMoreFrames) {
  // Proof that the limit bites: one ordinary call is already too deep.
  auto r = call("count_call", {Value::i32(1), Value::i64(0)});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "call stack exhausted");
  r = call("count_call", {Value::i32(0), Value::i64(5)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(5));
}

TEST_F(TailCallFixture, AMillionReturnCallIndirectsRunInOneFrame) {
  auto r = call("count_indirect", {Value::i32(1000000), Value::i64(0)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(1000000));
}

TEST_F(TailCallFixture, MutualRecursionBetweenFramesOfDifferentSizes) {
  auto r = call("even", {Value::i32(1000001)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i32(0));
  r = call("even", {Value::i32(1000000)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i32(1));
}

TEST_F(TailCallFixture, TailCallToAHostFunction) {
  auto r = call("to_host", {Value::i64(20)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(42));
}

TEST_F(TailCallFixture, TailCallToASuspendingHostFunction) {
  Thread thread(store);
  const Value args[] = {Value::i32(5)};
  ASSERT_EQ(thread.invoke(inst->get_func("to_pending"), args), ExecState::Suspended);
  EXPECT_EQ(thread.pending_handle(), 7u);
  EXPECT_EQ(pending_calls, 1u);
  const uint64_t eleven[] = {11};
  ASSERT_EQ(thread.resume(eleven), ExecState::Done) << thread.trap_message();
  ASSERT_EQ(thread.results().size(), 1u);
  EXPECT_EQ(thread.results()[0], Value::i32(11));
}

// Validation: the callee's results must be exactly the caller's.
TEST(TailCallValidation, CalleeResultsMustMatch) {
  // (func (result i64) (return_call 1)) (func (result i32) (i32.const 0))
  const std::vector<uint8_t> bytes = {
      0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00,        // magic, version
      0x01, 0x09, 0x02, 0x60, 0x00, 0x01, 0x7E,              // type 0: [] -> [i64]
      0x60, 0x00, 0x01, 0x7F,                                //  type 1: [] -> [i32]
      0x03, 0x03, 0x02, 0x00, 0x01,                          // funcs: type 0, type 1
      0x0A, 0x0B, 0x02,                                      // code: 2 bodies
      0x04, 0x00, 0x12, 0x01, 0x0B,                          //  return_call 1
      0x04, 0x00, 0x41, 0x00, 0x0B,                          //  i32.const 0
  };
  auto m = load(bytes);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message.rfind("type mismatch", 0), 0u) << m.error().message;

  // Without the proposal, 0x12 is no opcode at all.
  Features no_tail_calls;
  no_tail_calls.tail_call = false;
  m = load(bytes, no_tail_calls);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "illegal opcode");
}

}  // namespace
}  // namespace wasmslot
