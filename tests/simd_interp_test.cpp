// SIMD end to end: decoding, validation, translation and execution of a
// small module (tests/fixtures/simd_basic.wat), one instruction of each
// immediate kind. The lane semantics themselves are tested in simd_test.cpp,
// and every instruction by the spec tests (simd_*.wast).
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

struct SimdFixture : ::testing::Test {
  std::shared_ptr<const Module> module;
  Store store;
  Instance* inst = nullptr;

  void SetUp() override {
    std::ifstream in(std::string(WASMSLOT_FIXTURE_DIR) + "/simd_basic.wasm", std::ios::binary);
    ASSERT_TRUE(in) << "missing fixture simd_basic.wasm";
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto m = load(std::move(bytes));
    ASSERT_TRUE(m.ok()) << m.error().message;
    module = *m;
    auto r = store.instantiate(module, Imports{});
    ASSERT_TRUE(r.ok()) << r.error().message;
    inst = *r;
  }

  Result<std::vector<Value>> call(const char* name, std::vector<Value> args) {
    return store.call(inst->get_func(name), args);
  }
};

// i32x4 lanes 0..3 as a v128 (lane 0 in the low bits).
Value i32x4(uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
  return Value::v128(a | uint64_t{b} << 32, c | uint64_t{d} << 32);
}

TEST_F(SimdFixture, ConstantGoesToThePool) {
  // add_const is the module's first function: its v128.const is pool entry
  // 0, and its Instr names it.
  const Code& code = module->funcs[0].code;
  ASSERT_EQ(code.v128_pool.size(), 1u);
  EXPECT_EQ(code.v128_pool[0].lo, 0x0000000200000001ull);
  EXPECT_EQ(code.v128_pool[0].hi, 0x0000000400000003ull);
  bool found = false;
  for (const Instr& i : code.instrs)
    if (i.op == Opcode::v128_const) found = i.a == 0;
  EXPECT_TRUE(found);
  // A v128 parameter takes two cells.
  EXPECT_EQ(code.param_cells, 2u);

  auto r = call("add_const", {i32x4(10, 20, 30, 0xFFFFFFFF)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], i32x4(11, 22, 33, 3));
}

TEST_F(SimdFixture, ShuffleAndLanes) {
  auto r = call("reverse", {Value::v128(0x0706050403020100ull, 0x0F0E0D0C0B0A0908ull)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::v128(0x08090A0B0C0D0E0Full, 0x0001020304050607ull));

  r = call("lane3", {i32x4(1, 2, 3, 4)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i32(4));

  r = call("replace1", {i32x4(1, 2, 3, 4), Value::i64(-1)});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::v128(0x0000000200000001ull, ~0ull));
}

TEST_F(SimdFixture, TwoCellValuesInGlobalsLocalsSelectAndBlocks) {
  auto r = call("shuffle_state", {Value::i32(7)});  // nonzero: the old global
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], i32x4(10, 20, 30, 40));
  r = call("shuffle_state", {Value::i32(0)});  // zero: the new global, splat(0)
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], i32x4(0, 0, 0, 0));
}

TEST_F(SimdFixture, MemoryAccessesAreBoundsChecked) {
  const Value v = Value::v128(0x1111111111111111ull, 0x2222222222222222ull);
  auto r = call("store_load", {Value::i32(65536 - 16), v});  // the last 16 bytes
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(0x2222222222222222ll));
  r = call("store_load", {Value::i32(65536 - 15), v});  // one byte past the end
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "out of bounds memory access");
}

}  // namespace
}  // namespace wasmslot
