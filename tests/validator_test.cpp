// Tests of validation (spec chapter 3) and of the translation into Instrs
// (loader/module.h) that the validator does on the way.
//
// Most tests build a Module by hand (types, functions and raw body bytes), so
// they exercise validate() alone; a few load WAT fixtures end to end.

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "loader/loader.h"

namespace wasmslot {
namespace {

constexpr ValType i32 = ValType::I32;
constexpr ValType i64 = ValType::I64;
constexpr ValType f32 = ValType::F32;
constexpr ValType f64 = ValType::F64;
constexpr ValType v128 = ValType::V128;
constexpr ValType funcref = ValType::FuncRef;
constexpr ValType externref = ValType::ExternRef;

// A Module assembled field by field. Function bodies are appended to
// Module::bytes, where the validator reads them.
struct TestModule {
  Module m;

  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    m.types.push_back(FuncType{std::move(params), std::move(results)});
    return static_cast<uint32_t>(m.types.size() - 1);
  }
  // A defined function; `body` is its instructions, including the final end.
  // Returns its index among the defined functions.
  uint32_t func(uint32_t type_index, std::vector<uint8_t> body, std::vector<LocalRun> locals = {}) {
    Func f;
    f.type_index = type_index;
    for (const LocalRun& r : locals) f.locals_total += r.count;
    f.locals = std::move(locals);
    f.body_offset = m.bytes.size();
    f.body_size = body.size();
    m.bytes.insert(m.bytes.end(), body.begin(), body.end());
    m.funcs.push_back(std::move(f));
    return static_cast<uint32_t>(m.funcs.size() - 1);
  }
  void import_func(uint32_t type_index) {
    Import im;
    im.module = "env";
    im.name = "f" + std::to_string(m.imports.size());
    im.kind = ExternKind::Func;
    im.type_index = type_index;
    m.imports.push_back(im);
    ++m.num_imported_funcs;
  }
  void import_global(ValType t, bool mut) {
    Import im;
    im.module = "env";
    im.name = "g" + std::to_string(m.imports.size());
    im.kind = ExternKind::Global;
    im.global = GlobalType{t, mut};
    m.imports.push_back(im);
    ++m.num_imported_globals;
  }
  void global(ValType t, bool mut, std::vector<ConstOp> init) {
    m.globals.push_back(Global{GlobalType{t, mut}, ConstExpr{std::move(init), 0}});
  }
  void memory(uint64_t min, std::optional<uint64_t> max = std::nullopt) {
    m.memories.push_back(MemoryType{Limits{min, max}});
  }
  void table(ValType elem, uint64_t min) { m.tables.push_back(TableType{elem, Limits{min, {}}}); }

  Status validate(const Features& features = {}, const ModuleLimits& limits = {}) {
    return wasmslot::validate(m, features, limits);
  }
};

// The message of a failed validation ("" if it succeeded).
std::string error_of(const Status& s) { return s.ok() ? "" : s.error().message; }

// The spec tests match messages by prefix, and so do these tests.
#define EXPECT_INVALID(status, prefix)                                              \
  do {                                                                              \
    const Status s_ = (status);                                                     \
    ASSERT_FALSE(s_.ok()) << "expected an error starting with: " << (prefix);       \
    EXPECT_EQ(s_.error().message.rfind((prefix), 0), 0u) << s_.error().message;     \
  } while (0)

#define EXPECT_VALID(status)                              \
  do {                                                    \
    const Status s_ = (status);                           \
    EXPECT_TRUE(s_.ok()) << error_of(s_);                 \
  } while (0)

ConstOp i32_const(uint32_t v) { return ConstOp{Opcode::i32_const, v}; }
ConstOp global_get(uint32_t g) { return ConstOp{Opcode::global_get, g}; }
ConstOp ref_func(uint32_t f) { return ConstOp{Opcode::ref_func, f}; }

// A one-function module: validates `body` as a function of type
// params -> results.
Status validate_body(std::vector<ValType> params, std::vector<ValType> results,
                     std::vector<uint8_t> body, std::vector<LocalRun> locals = {},
                     const Features& features = {}) {
  TestModule t;
  t.memory(1);
  t.table(funcref, 1);
  t.func(t.type(std::move(params), std::move(results)), std::move(body), std::move(locals));
  return t.validate(features);
}

// Compare translated code as text: on failure, the whole stream shows.
std::string dump(const Code& code) {
  std::string s;
  for (size_t i = 0; i < code.instrs.size(); ++i) {
    const Instr& in = code.instrs[i];
    s += std::to_string(i) + ": " + info(in.op).text;
    if (in.a != 0) s += " a=" + std::to_string(in.a);
    if (in.b != 0) {
      if (in.op == Opcode::br || in.op == Opcode::br_if || in.op == Opcode::br_unless)
        s += " keep=" + std::to_string(in.b & 0xFFFFFFFF) + " drop=" + std::to_string(in.b >> 32);
      else
        s += " b=" + std::to_string(in.b);
    }
    s += "\n";
  }
  return s;
}

// ---------------------------------------------------------------------------
// Translation

TEST(ValidatorTranslate, StraightLineCode) {
  TestModule t;
  // (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
  t.func(t.type({i32, i32}, {i32}), {0x20, 0x00, 0x20, 0x01, 0x6A, 0x0B});
  ASSERT_TRUE(t.validate().ok());
  const Code& c = t.m.funcs[0].code;
  EXPECT_EQ(dump(c),
            "0: local.get b=1\n"  // a=0 (cell offset), b=1 (cells)
            "1: local.get a=1 b=1\n"
            "2: i32.add\n"
            "3: return a=1\n");
  EXPECT_EQ(c.param_cells, 2u);
  EXPECT_EQ(c.local_cells, 2u);
  EXPECT_EQ(c.result_cells, 1u);
  EXPECT_EQ(c.max_height, 4u);  // two locals + two operands
}

TEST(ValidatorTranslate, BrIfOutOfBlock) {
  TestModule t;
  // (func (param i32) (result i32)
  //   (block (result i32)
  //     i32.const 1  local.get 0  br_if 0  drop  i32.const 2))
  t.func(t.type({i32}, {i32}), {0x02, 0x7F,              // block (result i32)
                                0x41, 0x01, 0x20, 0x00,  // i32.const 1, local.get 0
                                0x0D, 0x00,              // br_if 0
                                0x1A, 0x41, 0x02,        // drop, i32.const 2
                                0x0B, 0x0B});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  const Code& c = t.m.funcs[0].code;
  EXPECT_EQ(dump(c),
            "0: i32.const b=1\n"
            "1: local.get b=1\n"
            "2: br_if a=5 keep=1 drop=0\n"
            "3: drop a=1\n"
            "4: i32.const b=2\n"
            "5: return a=1\n");
  EXPECT_EQ(c.max_height, 3u);
}

TEST(ValidatorTranslate, BranchDropsValuesBelowTheLabel) {
  TestModule t;
  // (func (result i32)
  //   i32.const 1
  //   (block (result i32) i32.const 2 i32.const 3 br 0)
  //   i32.add)
  t.func(t.type({}, {i32}), {0x41, 0x01, 0x02, 0x7F, 0x41, 0x02, 0x41, 0x03, 0x0C, 0x00,
                             0x0B, 0x6A, 0x0B});
  ASSERT_TRUE(t.validate().ok());
  // The br carries 3 and drops the 2 below it, down to the block's base (1 cell).
  EXPECT_EQ(dump(t.m.funcs[0].code),
            "0: i32.const b=1\n"
            "1: i32.const b=2\n"
            "2: i32.const b=3\n"
            "3: br a=4 keep=1 drop=1\n"
            "4: i32.add\n"
            "5: return a=1\n");
}

TEST(ValidatorTranslate, LoopIfElseBrTable) {
  TestModule t;
  const uint32_t sig = t.type({i32}, {i32});
  // (func (type 0) (param i32) (result i32) (local i64)
  //   (block (result i32)             ;; label 1 inside the loop
  //     local.get 0
  //     (loop (type 0) (param i32) (result i32)  ;; label 0 inside the loop
  //       local.get 0
  //       (if (result i32) (then i32.const 7) (else i32.const 8))
  //       local.get 0
  //       br_table 0 1 2))            ;; 2 = the function's label
  //   i32.const 9 i32.add)
  t.func(sig,
         {0x02, 0x7F,                    // block (result i32)
          0x20, 0x00,                    // local.get 0
          0x03, 0x00,                    // loop (type 0)
          0x20, 0x00,                    // local.get 0
          0x04, 0x7F,                    // if (result i32)
          0x41, 0x07,                    // i32.const 7
          0x05,                          // else
          0x41, 0x08,                    // i32.const 8
          0x0B,                          // end (if)
          0x20, 0x00,                    // local.get 0
          0x0E, 0x02, 0x00, 0x01, 0x02,  // br_table 0 1 2
          0x0B,                          // end (loop)
          0x0B,                          // end (block)
          0x41, 0x09, 0x6A,              // i32.const 9, i32.add
          0x0B},
         {LocalRun{1, i64}});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  const Code& c = t.m.funcs[0].code;
  EXPECT_EQ(dump(c),
            "0: local.get b=1\n"
            "1: local.get b=1\n"         // the loop starts here
            "2: br_unless a=5\n"         // to the else-arm, keeping the stack as is
            "3: i32.const b=7\n"
            "4: br a=6 keep=1 drop=0\n"  // the then-arm jumps over the else-arm
            "5: i32.const b=8\n"
            "6: local.get b=1\n"
            "7: br_table b=2\n"          // entries 0..2 of br_tables
            "8: i32.const b=9\n"
            "9: i32.add\n"
            "10: return a=1\n");
  ASSERT_EQ(c.br_tables.size(), 3u);
  // Label 0 is the loop: back to its start, carrying its parameter and
  // dropping the if's result below it.
  EXPECT_EQ(c.br_tables[0].target, 1u);
  EXPECT_EQ(c.br_tables[0].keep, 1u);
  EXPECT_EQ(c.br_tables[0].drop, 1u);
  // Label 1 is the block: past its end, carrying its result.
  EXPECT_EQ(c.br_tables[1].target, 8u);
  EXPECT_EQ(c.br_tables[1].keep, 1u);
  EXPECT_EQ(c.br_tables[1].drop, 1u);
  // The default is the function's label: to the final return.
  EXPECT_EQ(c.br_tables[2].target, 10u);
  EXPECT_EQ(c.br_tables[2].keep, 1u);
  EXPECT_EQ(c.br_tables[2].drop, 1u);
  EXPECT_EQ(c.param_cells, 1u);
  EXPECT_EQ(c.local_cells, 2u);
  EXPECT_EQ(c.result_cells, 1u);
  EXPECT_EQ(c.max_height, 5u);  // two cells of locals + three operands
}

TEST(ValidatorTranslate, IfWithoutElseTargetsTheEnd) {
  TestModule t;
  // (func (param i32) (if (local.get 0) (then nop)) )
  t.func(t.type({i32}, {}), {0x20, 0x00, 0x04, 0x40, 0x01, 0x0B, 0x0B});
  ASSERT_TRUE(t.validate().ok());
  EXPECT_EQ(dump(t.m.funcs[0].code),
            "0: local.get b=1\n"
            "1: br_unless a=2\n"
            "2: return\n");
}

TEST(ValidatorTranslate, LoopWithParametersBranchesBackCarryingThem) {
  TestModule t;
  const uint32_t sig = t.type({i32}, {i32});  // the loop's type: [i32] -> [i32]
  // (func (param i32) (result i32)
  //   local.get 0
  //   (loop (type 0) (param i32) (result i32)
  //     i32.const 1  i32.sub  local.tee 0  local.get 0  br_if 0))
  t.func(sig, {0x20, 0x00, 0x03, 0x00, 0x41, 0x01, 0x6B, 0x22, 0x00, 0x20, 0x00, 0x0D, 0x00,
               0x0B, 0x0B});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  EXPECT_EQ(dump(t.m.funcs[0].code),
            "0: local.get b=1\n"
            "1: i32.const b=1\n"
            "2: i32.sub\n"
            "3: local.tee b=1\n"
            "4: local.get b=1\n"
            "5: br_if a=1 keep=1 drop=0\n"  // back to the loop's first instruction
            "6: return a=1\n");
}

TEST(ValidatorTranslate, UnreachableCodeEmitsNothing) {
  TestModule t;
  // (func (result i32) i32.const 1 return i32.const 2 drop (block) br 0)
  t.func(t.type({}, {i32}),
         {0x41, 0x01, 0x0F, 0x41, 0x02, 0x1A, 0x02, 0x40, 0x0B, 0x0C, 0x00, 0x0B});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  EXPECT_EQ(dump(t.m.funcs[0].code),
            "0: i32.const b=1\n"
            "1: return a=1\n"
            "2: return a=1\n");
}

TEST(ValidatorTranslate, BrToTheFunctionLabelIsAReturn) {
  TestModule t;
  t.func(t.type({}, {i64}), {0x42, 0x05, 0x0C, 0x00, 0x0B});  // i64.const 5 br 0
  ASSERT_TRUE(t.validate().ok());
  EXPECT_EQ(dump(t.m.funcs[0].code),
            "0: i64.const b=5\n"
            "1: return a=1\n"
            "2: return a=1\n");
}

TEST(ValidatorTranslate, V128LocalsTakeTwoCells) {
  TestModule t;
  // (func (param v128 i32) (result i32) (local f64)
  //   local.get 0 drop local.get 2 drop local.get 1)
  t.func(t.type({v128, i32}, {i32}),
         {0x20, 0x00, 0x1A, 0x20, 0x02, 0x1A, 0x20, 0x01, 0x0B}, {LocalRun{1, f64}});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  const Code& c = t.m.funcs[0].code;
  EXPECT_EQ(dump(c),
            "0: local.get b=2\n"
            "1: drop a=2\n"
            "2: local.get a=3 b=1\n"
            "3: drop a=1\n"
            "4: local.get a=2 b=1\n"
            "5: return a=1\n");
  EXPECT_EQ(c.param_cells, 3u);
  EXPECT_EQ(c.local_cells, 4u);
  EXPECT_EQ(c.max_height, 6u);  // four cells of locals + one v128 on the stack
}

TEST(ValidatorTranslate, Immediates) {
  TestModule t;
  t.import_func(t.type({}, {}));
  t.global(i32, true, {i32_const(0)});
  t.memory(1);
  // (func call 0  global.get 0  i64.load offset=8 align=4 (after i32.const 0)
  //   drop drop ... )
  t.func(t.type({}, {}), {0x10, 0x00,              // call 0
                          0x23, 0x00,              // global.get 0
                          0x29, 0x02, 0x08,        // i64.load align=4 offset=8
                          0x1A,                    // drop
                          0x43, 0x00, 0x00, 0x80, 0x3F,  // f32.const 1.0
                          0x1A,                    // drop
                          0x42, 0x7F,              // i64.const -1
                          0x1A, 0x0B});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  const Code& c = t.m.funcs[0].code;
  ASSERT_EQ(c.instrs.size(), 9u);
  EXPECT_EQ(c.instrs[0].op, Opcode::call);
  EXPECT_EQ(c.instrs[0].a, 0u);
  EXPECT_EQ(c.instrs[2].op, Opcode::i64_load);
  EXPECT_EQ(c.instrs[2].a, 0u);  // memory 0
  EXPECT_EQ(c.instrs[2].b, 8u);  // offset
  EXPECT_EQ(c.instrs[4].b, 0x3F800000u);
  EXPECT_EQ(c.instrs[6].b, ~uint64_t{0});
  EXPECT_EQ(c.instrs.back().op, Opcode::return_);
}

// ---------------------------------------------------------------------------
// Typing of instructions

TEST(ValidatorTypes, TypeMismatch) {
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x00, 0x8C, 0x1A, 0x0B}), "type mismatch");  // f32.neg of i32
  EXPECT_INVALID(validate_body({}, {i32}, {0x42, 0x00, 0x0B}), "type mismatch");  // returns i64
  EXPECT_INVALID(validate_body({}, {i32}, {0x0B}), "type mismatch");              // returns nothing
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x00, 0x0B}), "type mismatch");     // value left over
  EXPECT_INVALID(validate_body({}, {}, {0x6A, 0x1A, 0x0B}), "type mismatch");     // i32.add of nothing
  // A block cannot pop values from outside it.
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x00, 0x02, 0x40, 0x1A, 0x0B, 0x0B}), "type mismatch");
}

TEST(ValidatorTypes, PolymorphicStackAfterUnreachable) {
  // unreachable i32.add: the operands come from the polymorphic stack.
  EXPECT_VALID(validate_body({}, {i32}, {0x00, 0x6A, 0x0B}));
  // After br, anything goes... as long as what is there has the right types.
  EXPECT_VALID(validate_body({}, {i32}, {0x02, 0x40, 0x0C, 0x00, 0x6A, 0x1A, 0x0B, 0x41, 0x00, 0x0B}));
  EXPECT_INVALID(validate_body({}, {i32}, {0x00, 0x42, 0x00, 0x6A, 0x0B}), "type mismatch");
  // Unknown operands of select, and select's result, stay unknown.
  EXPECT_VALID(validate_body({}, {i32}, {0x00, 0x1B, 0x0B}));
  // The polymorphic stack ends with its block: the block's results are known again.
  EXPECT_INVALID(validate_body({}, {}, {0x02, 0x7F, 0x00, 0x0B, 0x42, 0x00, 0x6A, 0x1A, 0x0B}),
                 "type mismatch");
  // return after a value: still polymorphic, but the values left must match.
  EXPECT_INVALID(validate_body({}, {i32}, {0x00, 0x43, 0, 0, 0, 0, 0x0F, 0x0B}), "type mismatch");
}

TEST(ValidatorTypes, BrTableInUnreachableCodeMeetsBottom) {
  // From unreached-valid.wast "meet-bottom": labels of f32 and f64 in
  // unreachable code are fine, since the operand is unknown.
  EXPECT_VALID(validate_body({}, {}, {0x02, 0x7C,               // block (result f64)
                                      0x02, 0x7D,               // block (result f32)
                                      0x00,                     // unreachable
                                      0x41, 0x01,               // i32.const 1
                                      0x0E, 0x02, 0x00, 0x01, 0x01,  // br_table 0 1 1
                                      0x0B, 0x1A,               // end, drop
                                      0x44, 0, 0, 0, 0, 0, 0, 0, 0,  // f64.const 0
                                      0x0B, 0x1A, 0x0B}));
  // Labels of different arities never mix.
  EXPECT_INVALID(validate_body({}, {}, {0x02, 0x7F, 0x02, 0x40, 0x00, 0x41, 0x01, 0x0E, 0x01,
                                        0x00, 0x01, 0x0B, 0x41, 0x00, 0x0B, 0x1A, 0x0B}),
                 "type mismatch");
}

TEST(ValidatorTypes, Select) {
  EXPECT_VALID(validate_body({}, {i64}, {0x42, 0x01, 0x42, 0x02, 0x41, 0x00, 0x1B, 0x0B}));
  EXPECT_INVALID(validate_body({}, {i64}, {0x42, 0x01, 0x41, 0x02, 0x41, 0x00, 0x1B, 0x0B}),
                 "type mismatch");
  // References need the typed select.
  EXPECT_INVALID(validate_body({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1B, 0x1A, 0x0B}),
                 "type mismatch");
  EXPECT_VALID(validate_body({}, {}, {0xD0, 0x70, 0xD0, 0x70, 0x41, 0x00, 0x1C, 0x01, 0x70, 0x1A, 0x0B}));
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0x1C, 0x02, 0x7F, 0x7F,
                                        0x1A, 0x0B}),
                 "invalid result arity");
}

TEST(ValidatorTypes, IfWithoutElseMustNotChangeTypes) {
  // (if (result i32) (then i32.const 1)) without else: invalid.
  EXPECT_INVALID(validate_body({}, {i32}, {0x41, 0x00, 0x04, 0x7F, 0x41, 0x01, 0x0B, 0x0B}),
                 "type mismatch");
}

TEST(ValidatorTypes, MultiValueBlocks) {
  TestModule t;
  ASSERT_EQ(t.type({i32}, {i32, i32}), 0u);
  // (func (result i32) i32.const 1 (block (type 0) i32.const 2) i32.add):
  // the block takes the 1 as its parameter and leaves both values.
  t.func(t.type({}, {i32}), {0x41, 0x01, 0x02, 0x00, 0x41, 0x02, 0x0B, 0x6A, 0x0B});
  EXPECT_VALID(t.validate());
  EXPECT_INVALID(validate_body({}, {}, {0x02, 0x05, 0x0B, 0x0B}), "unknown type");
}

TEST(ValidatorTypes, GlobalIsImmutable) {
  TestModule t;
  t.global(i32, false, {i32_const(0)});
  t.func(t.type({}, {}), {0x41, 0x01, 0x24, 0x00, 0x0B});
  EXPECT_INVALID(t.validate(), "global is immutable");
}

TEST(ValidatorTypes, References) {
  EXPECT_VALID(validate_body({}, {i32}, {0xD0, 0x6F, 0xD1, 0x0B}));  // ref.is_null (ref.null extern)
  EXPECT_INVALID(validate_body({}, {i32}, {0x41, 0x00, 0xD1, 0x0B}), "type mismatch");
  // table.get of a funcref table gives a funcref, not an externref.
  EXPECT_INVALID(validate_body({}, {externref}, {0x41, 0x00, 0x25, 0x00, 0x0B}), "type mismatch");
  EXPECT_VALID(validate_body({}, {funcref}, {0x41, 0x00, 0x25, 0x00, 0x0B}));
}

// ---------------------------------------------------------------------------
// Indices

TEST(ValidatorIndices, UnknownIndices) {
  EXPECT_INVALID(validate_body({i32}, {}, {0x20, 0x01, 0x1A, 0x0B}), "unknown local 1");
  EXPECT_INVALID(validate_body({}, {}, {0x23, 0x00, 0x1A, 0x0B}), "unknown global 0");
  EXPECT_INVALID(validate_body({}, {}, {0x10, 0x05, 0x0B}), "unknown function 5");
  EXPECT_INVALID(validate_body({}, {}, {0x02, 0x40, 0x0C, 0x02, 0x0B, 0x0B}), "unknown label");
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x00, 0x11, 0x07, 0x00, 0x0B}), "unknown type");
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x00, 0x25, 0x03, 0x1A, 0x0B}), "unknown table");
}

TEST(ValidatorIndices, UnknownMemory) {
  TestModule t;
  t.func(t.type({}, {}), {0x3F, 0x00, 0x1A, 0x0B});  // memory.size without a memory
  EXPECT_INVALID(t.validate(), "unknown memory");
}

TEST(ValidatorIndices, LocalsIncludeDeclaredOnes) {
  EXPECT_VALID(validate_body({i32}, {}, {0x20, 0x03, 0x1A, 0x0B}, {LocalRun{3, f32}}));
  EXPECT_INVALID(validate_body({i32}, {}, {0x20, 0x04, 0x1A, 0x0B}, {LocalRun{3, f32}}),
                 "unknown local 4");
}

TEST(ValidatorIndices, DataAndElemSegments) {
  TestModule t;
  t.memory(1);
  t.table(funcref, 1);
  t.m.data_count = 0;
  // data.drop 0 with no data segments.
  t.func(t.type({}, {}), {0xFC, 0x09, 0x00, 0x0B});
  EXPECT_INVALID(t.validate(), "unknown data segment 0");

  TestModule u;
  u.table(funcref, 1);
  u.func(u.type({}, {}), {0xFC, 0x0D, 0x00, 0x0B});  // elem.drop 0
  EXPECT_INVALID(u.validate(), "unknown elem segment 0");
}

TEST(ValidatorIndices, UndeclaredFunctionReference) {
  TestModule t;
  t.func(t.type({}, {}), {0xD2, 0x00, 0x1A, 0x0B});  // ref.func 0 (itself)
  EXPECT_INVALID(t.validate(), "undeclared function reference");
  // Exporting it declares it.
  t.m.exports.push_back(Export{"f", ExternKind::Func, 0});
  EXPECT_VALID(t.validate());
}

TEST(ValidatorIndices, RefFuncDeclaredByGlobalOrElem) {
  TestModule t;
  t.func(t.type({}, {}), {0xD2, 0x00, 0x1A, 0x0B});
  t.global(funcref, false, {ref_func(0)});
  EXPECT_VALID(t.validate());

  TestModule u;
  u.func(u.type({}, {}), {0xD2, 0x00, 0x1A, 0x0B});
  ElemSegment e;
  e.mode = SegmentMode::Declarative;
  e.init.push_back(ConstExpr{{ref_func(0)}, 0});
  u.m.elems.push_back(e);
  EXPECT_VALID(u.validate());

  TestModule w;  // the same, with the item in the compact form
  w.func(w.type({}, {}), {0xD2, 0x00, 0x1A, 0x0B});
  ElemSegment f;
  f.mode = SegmentMode::Declarative;
  f.funcs = {ElemSegment::kNullFunc};  // a null item declares nothing
  w.m.elems.push_back(f);
  EXPECT_INVALID(w.validate(), "undeclared function reference");
  w.m.elems[0].funcs.push_back(0);
  EXPECT_VALID(w.validate());
}

// ---------------------------------------------------------------------------
// Memory instructions

TEST(ValidatorMemory, Alignment) {
  // i32.load align=4 is natural; align=8 is not.
  EXPECT_VALID(validate_body({}, {i32}, {0x41, 0x00, 0x28, 0x02, 0x00, 0x0B}));
  EXPECT_INVALID(validate_body({}, {i32}, {0x41, 0x00, 0x28, 0x03, 0x00, 0x0B}),
                 "alignment must not be larger than natural");
  EXPECT_INVALID(validate_body({}, {i32}, {0x41, 0x00, 0x2C, 0x01, 0x00, 0x0B}),
                 "alignment must not be larger than natural");  // i32.load8_s align=2
}

TEST(ValidatorMemory, ReservedZeroByte) {
  Features no_multi;
  no_multi.multi_memory = false;
  EXPECT_VALID(validate_body({}, {i32}, {0x3F, 0x00, 0x0B}, {}, no_multi));
  EXPECT_INVALID(validate_body({}, {i32}, {0x3F, 0x01, 0x0B}, {}, no_multi), "zero byte expected");
  // A long zero is no zero byte.
  EXPECT_INVALID(validate_body({}, {i32}, {0x3F, 0x80, 0x00, 0x0B}, {}, no_multi),
                 "zero byte expected");
  // With multi-memory it is a memory index: 1 is out of range here.
  EXPECT_INVALID(validate_body({}, {i32}, {0x3F, 0x01, 0x0B}), "unknown memory 1");
}

TEST(ValidatorMemory, MultiMemoryMemarg) {
  TestModule t;
  t.memory(1);
  t.memory(1);
  // i32.load with bit 6 of the alignment set: memory index 1 follows.
  t.func(t.type({}, {i32}), {0x41, 0x00, 0x28, 0x42, 0x01, 0x04, 0x0B});
  ASSERT_TRUE(t.validate().ok()) << error_of(t.validate());
  EXPECT_EQ(t.m.funcs[0].code.instrs[1].a, 1u);
  EXPECT_EQ(t.m.funcs[0].code.instrs[1].b, 4u);
  Features no_multi;
  no_multi.multi_memory = false;
  // Without multi-memory, 0x42 is just a (too large) alignment and the bytes
  // after it mean something else entirely: here, a malformed body.
  EXPECT_FALSE(t.validate(no_multi).ok());
}

TEST(ValidatorMemory, DataCountRequired) {
  TestModule t;
  t.memory(1);
  t.func(t.type({}, {}), {0xFC, 0x09, 0x00, 0x0B});  // data.drop 0, no data count section
  EXPECT_INVALID(t.validate(), "data count section required");
}

// ---------------------------------------------------------------------------
// Malformed bodies

TEST(ValidatorMalformed, Bodies) {
  EXPECT_INVALID(validate_body({}, {}, {0x06, 0x0B}), "illegal opcode");
  EXPECT_INVALID(validate_body({}, {}, {0xFC, 0x7F, 0x0B}), "illegal opcode");
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x01, 0x1A}), "unexpected end");  // no end, last body
  EXPECT_INVALID(validate_body({}, {}, {0x0B, 0x01}), "section size mismatch");  // trailing bytes
  EXPECT_INVALID(validate_body({}, {}, {0x05, 0x0B}), "END opcode expected");   // else without if
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x1A, 0x0B}),
                 "integer representation too long");
  EXPECT_INVALID(validate_body({}, {}, {0x41, 0x80, 0x80, 0x80, 0x80, 0x70, 0x1A, 0x0B}),
                 "integer too large");
  EXPECT_INVALID(validate_body({}, {}, {0xD0, 0x7F, 0x1A, 0x0B}), "malformed reference type");
}

TEST(ValidatorMalformed, MissingEndBetweenFunctions) {
  TestModule t;
  const uint32_t ty = t.type({}, {});
  t.func(ty, {0x41, 0x01, 0x1A});  // no end
  // As in a binary, the next body starts with its size and local count:
  // 0x05 reads as `else`, which is where the reference decoder stops.
  t.m.bytes.push_back(0x05);
  t.m.bytes.push_back(0x00);
  t.func(ty, {0x41, 0x01, 0x1A, 0x0B});
  EXPECT_INVALID(t.validate(), "END opcode expected");
}

TEST(ValidatorMalformed, MissingEndReadsIntoTheNextSection) {
  TestModule t;
  t.func(t.type({}, {}), {0x41, 0x01, 0x1A});  // no end
  // A data section follows: its id 0x0B reads as the function's `end`, one
  // byte past the body (binary.wast: "at end of code sections").
  t.m.bytes.insert(t.m.bytes.end(), {0x0B, 0x03, 0x01, 0x01, 0x00});
  EXPECT_INVALID(t.validate(), "section size mismatch");
}

TEST(ValidatorMalformed, MalformedWinsOverInvalid) {
  TestModule t;
  const uint32_t ty = t.type({}, {});
  t.func(ty, {0x41, 0x01, 0x0B});   // invalid: a value left over
  t.func(ty, {0x41, 0x01, 0x1A});   // malformed: no end
  EXPECT_INVALID(t.validate(), "unexpected end");
}

TEST(ValidatorMalformed, TooManyLocals) {
  ModuleLimits limits;
  limits.max_locals = 10;
  TestModule t;
  t.func(t.type({i32, i32}, {}), {0x0B}, {LocalRun{9, i32}});
  EXPECT_INVALID(t.validate({}, limits), "too many locals");
  TestModule u;
  u.func(u.type({i32, i32}, {}), {0x0B}, {LocalRun{8, i32}});
  EXPECT_VALID(u.validate({}, limits));
}

// ---------------------------------------------------------------------------
// Module-level rules

TEST(ValidatorModule, ConstantExpressions) {
  {
    TestModule t;  // global.get of a defined global: not visible in Wasm 2.0
    t.global(i32, false, {i32_const(0)});
    t.global(i32, false, {global_get(0)});
    EXPECT_INVALID(t.validate(), "unknown global 0");
  }
  {
    TestModule t;  // of an imported immutable one: fine
    t.import_global(i32, false);
    t.global(i32, false, {global_get(0)});
    EXPECT_VALID(t.validate());
  }
  {
    TestModule t;  // of an imported mutable one: not constant
    t.import_global(i32, true);
    t.global(i32, false, {global_get(0)});
    EXPECT_INVALID(t.validate(), "constant expression required");
  }
  {
    TestModule t;
    t.global(i32, false, {ConstOp{Opcode::f32_const, 0}});
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;
    t.global(i32, false, {});
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;
    t.global(i32, false, {i32_const(1), i32_const(2)});
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;
    t.global(i32, false, {i32_const(1), ConstOp{Opcode::i32_eqz}});
    EXPECT_INVALID(t.validate(), "constant expression required");
  }
  {
    TestModule t;  // extended-const arithmetic
    t.import_global(i32, false);
    t.global(i32, false, {global_get(0), i32_const(2), ConstOp{Opcode::i32_mul}});
    EXPECT_VALID(t.validate());
    Features off;
    off.extended_const = false;
    EXPECT_INVALID(t.validate(off), "constant expression required");
  }
  {
    TestModule t;
    t.global(i64, false, {i32_const(1), i32_const(2), ConstOp{Opcode::i32_add}});
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;
    t.global(funcref, false, {ref_func(3)});
    EXPECT_INVALID(t.validate(), "unknown function 3");
  }
}

// The decoder keeps any well-formed instruction in a constant expression
// (decoder_test's NonConstantInstructions); validation rejects those that
// are not constant, wherever the expression is, at the expression's offset,
// and before looking at types (the reference interpreter's order: `(nop)`
// alone is "constant expression required", not "type mismatch").
TEST(ValidatorModule, NonConstantInstructions) {
  const ConstExpr nop{{ConstOp{Opcode::nop}}, 0x40};
  const ConstExpr ctz{{i32_const(1), ConstOp{Opcode::i32_ctz}}, 0x41};
  const ConstExpr block{{ConstOp{Opcode::block}, i32_const(0), ConstOp{Opcode::end}}, 0x42};
  auto expect_rejected = [](TestModule& t, size_t offset) {
    const Status s = t.validate();
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "constant expression required");
    EXPECT_EQ(s.error().offset, offset);
  };
  for (const ConstExpr& e : {nop, ctz, block}) {
    SCOPED_TRACE(e.offset);
    {
      TestModule t;
      t.m.globals.push_back(Global{GlobalType{i32, false}, e});
      expect_rejected(t, e.offset);
    }
    {
      TestModule t;
      t.table(funcref, 1);
      ElemSegment s;
      s.mode = SegmentMode::Active;
      s.offset = e;
      t.m.elems.push_back(s);
      expect_rejected(t, e.offset);
    }
    {
      TestModule t;  // an element's expression (elem.wast: `(item (call $f))`)
      ElemSegment s;
      s.init.push_back(e);
      t.m.elems.push_back(s);
      expect_rejected(t, e.offset);
    }
    {
      TestModule t;
      t.memory(1);
      DataSegment d;
      d.mode = SegmentMode::Active;
      d.offset = e;
      t.m.datas.push_back(d);
      expect_rejected(t, e.offset);
    }
  }
}

TEST(ValidatorModule, Limits) {
  {
    TestModule t;
    t.memory(2, 1);
    EXPECT_INVALID(t.validate(), "size minimum must not be greater than maximum");
  }
  {
    TestModule t;
    t.memory(65537);
    EXPECT_INVALID(t.validate(), "memory size must be at most 65536 pages (4GiB)");
  }
  {
    TestModule t;
    t.memory(0, 65536);
    EXPECT_VALID(t.validate());
  }
  {
    TestModule t;
    t.m.tables.push_back(TableType{funcref, Limits{5, 4}});
    EXPECT_INVALID(t.validate(), "size minimum must not be greater than maximum");
  }
  {
    TestModule t;
    t.memory(0);
    t.memory(0);
    EXPECT_VALID(t.validate());
    Features off;
    off.multi_memory = false;
    EXPECT_INVALID(t.validate(off), "multiple memories");
  }
}

TEST(ValidatorModule, StartFunction) {
  {
    TestModule t;
    t.func(t.type({i32}, {}), {0x0B});
    t.m.start = 0;
    EXPECT_INVALID(t.validate(), "start function");
  }
  {
    TestModule t;
    t.func(t.type({}, {}), {0x0B});
    t.m.start = 1;
    EXPECT_INVALID(t.validate(), "unknown function 1");
    t.m.start = 0;
    EXPECT_VALID(t.validate());
  }
}

TEST(ValidatorModule, Exports) {
  TestModule t;
  t.func(t.type({}, {}), {0x0B});
  t.m.exports.push_back(Export{"a", ExternKind::Func, 0});
  t.m.exports.push_back(Export{"b", ExternKind::Func, 0});
  EXPECT_VALID(t.validate());
  t.m.exports.push_back(Export{"a", ExternKind::Func, 0});
  EXPECT_INVALID(t.validate(), "duplicate export name");
  t.m.exports.pop_back();
  t.m.exports.push_back(Export{"g", ExternKind::Global, 0});
  EXPECT_INVALID(t.validate(), "unknown global 0");
}

TEST(ValidatorModule, Segments) {
  {
    TestModule t;  // an active element segment needs a table
    ElemSegment e;
    e.mode = SegmentMode::Active;
    e.offset = ConstExpr{{i32_const(0)}, 0};
    t.m.elems.push_back(e);
    EXPECT_INVALID(t.validate(), "unknown table 0");
    t.table(externref, 1);
    EXPECT_INVALID(t.validate(), "type mismatch");  // funcref segment, externref table
  }
  {
    TestModule t;
    t.table(funcref, 1);
    ElemSegment e;
    e.mode = SegmentMode::Active;
    e.offset = ConstExpr{{ConstOp{Opcode::i64_const, 0}}, 0};
    t.m.elems.push_back(e);
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;  // element expressions must have the segment's type
    ElemSegment e;
    e.mode = SegmentMode::Passive;
    e.init.push_back(ConstExpr{{ConstOp{Opcode::ref_null, 0x6F}}, 0});
    t.m.elems.push_back(e);
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;  // compact items: function indices in range, or null
    t.func(t.type({}, {}), {0x0B});
    ElemSegment e;
    e.funcs = {0, ElemSegment::kNullFunc};
    t.m.elems.push_back(e);
    EXPECT_VALID(t.validate());
    t.m.elems[0].funcs.push_back(1);
    t.m.elems[0].items_offset = 42;
    auto r = t.validate();
    EXPECT_INVALID(r, "unknown function 1");
    if (!r.ok()) EXPECT_EQ(r.error().offset, 42u);
    t.m.elems[0].funcs = {0};
    t.m.elems[0].type = externref;  // function references in an externref segment
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
  {
    TestModule t;  // active data needs a memory
    DataSegment d;
    d.mode = SegmentMode::Active;
    d.offset = ConstExpr{{i32_const(0)}, 0};
    t.m.datas.push_back(d);
    EXPECT_INVALID(t.validate(), "unknown memory 0");
    t.memory(1);
    EXPECT_VALID(t.validate());
  }
  {
    TestModule t;  // table.init: segment and table types must agree
    t.table(externref, 1);
    ElemSegment e;
    t.m.elems.push_back(e);  // passive funcref
    t.func(t.type({}, {}), {0x41, 0x00, 0x41, 0x00, 0x41, 0x00, 0xFC, 0x0C, 0x00, 0x00, 0x0B});
    EXPECT_INVALID(t.validate(), "type mismatch");
  }
}

// ---------------------------------------------------------------------------
// End to end: WAT fixtures through decode + validate.

std::vector<uint8_t> read_fixture(const std::string& name) {
  std::ifstream in(std::string(WASMSLOT_FIXTURE_DIR) + "/" + name, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

TEST(ValidatorFixture, LoadsAndTranslatesEveryFunction) {
  std::vector<uint8_t> bytes = read_fixture("validator_sample.wasm");
  ASSERT_FALSE(bytes.empty()) << "missing fixture validator_sample.wasm";
  auto module = load(std::move(bytes));
  ASSERT_TRUE(module.ok()) << module.error().message;
  for (const Func& f : (*module)->funcs) {
    ASSERT_FALSE(f.code.instrs.empty());
    EXPECT_EQ(f.code.instrs.back().op, Opcode::return_);
    EXPECT_GE(f.code.max_height, f.code.local_cells);
  }
}

}  // namespace
}  // namespace wasmslot
