// Tests of the binary decoder (loader/decoder.cpp): modules are written by
// hand, byte by byte, so each test shows exactly the encoding it exercises.
// Error messages are the spec reference interpreter's (see binary.wast).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <string>
#include <vector>

#include "loader/loader.h"
#include "loader/module.h"
#include "wasmslot/types.h"

namespace wasmslot {
namespace {

using Bytes = std::vector<uint8_t>;

// --- Building binaries -------------------------------------------------------

Bytes uleb(uint64_t v) {
  Bytes out;
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    if (v != 0) b |= 0x80;
    out.push_back(b);
  } while (v != 0);
  return out;
}

Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes name(const std::string& s) {
  Bytes out = uleb(s.size());
  out.insert(out.end(), s.begin(), s.end());
  return out;
}

// A section: id, size, content.
Bytes section(uint8_t id, const Bytes& content) {
  return cat({{id}, uleb(content.size()), content});
}

// A vector: count, then the entries as given.
Bytes vec(uint32_t count, const Bytes& entries) { return cat({uleb(count), entries}); }

const Bytes kHeader = {0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x00};

Bytes module(std::initializer_list<Bytes> sections) {
  Bytes out = kHeader;
  for (const Bytes& s : sections) out.insert(out.end(), s.begin(), s.end());
  return out;
}

// Section ids.
enum : uint8_t {
  kCustom = 0, kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport, kStart,
  kElement, kCode, kData, kDataCount,
};

// Common pieces.
const Bytes kTypeVoid = {0x60, 0x00, 0x00};             // [] -> []
const Bytes kBodyEmpty = {0x02, 0x00, 0x0B};            // size 2: no locals, end
Bytes one_func_module() {
  return module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                 section(kCode, vec(1, kBodyEmpty))});
}

// Decodes and expects failure with `message` (exactly).
void expect_malformed(const Bytes& bytes, const std::string& message, const Features& f = {},
                      const ModuleLimits& l = {}) {
  auto r = decode(bytes, f, l);
  ASSERT_FALSE(r.ok()) << "expected: " << message;
  EXPECT_EQ(r.error().message, message);
}

// --- Preamble ----------------------------------------------------------------

TEST(Decoder, EmptyModule) {
  auto r = decode(kHeader);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->types.empty());
  EXPECT_TRUE(r->funcs.empty());
  EXPECT_EQ(r->bytes, kHeader);  // the module keeps its bytes
}

TEST(Decoder, Preamble) {
  expect_malformed({}, "unexpected end of section or function");
  expect_malformed({0x00, 0x61, 0x73}, "unexpected end of section or function");
  expect_malformed({0x00, 0x61, 0x73, 0x6D}, "unexpected end of section or function");
  expect_malformed({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00}, "unexpected end of section or function");
  expect_malformed({'a', 's', 'm', 0x00, 0x01, 0x00, 0x00, 0x00}, "magic header not detected");
  expect_malformed({0x00, 'A', 'S', 'M', 0x01, 0x00, 0x00, 0x00}, "magic header not detected");
  expect_malformed({0x00, 0x61, 0x73, 0x6D, 0x00, 0x00, 0x00, 0x00}, "unknown binary version");
  expect_malformed({0x00, 0x61, 0x73, 0x6D, 0x0D, 0x00, 0x00, 0x00}, "unknown binary version");
  expect_malformed({0x00, 0x61, 0x73, 0x6D, 0x01, 0x00, 0x00, 0x01}, "unknown binary version");
  auto r = decode({0x00, 0x61, 0x73, 0x6D, 0x02, 0x00, 0x00, 0x00});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, 4u);
}

// --- A module with every section ---------------------------------------------

// The sections of a module that uses every section, kept apart so tests can
// know where the section boundaries are.
std::vector<Bytes> every_section() {
  return {
      // type: 0 = (i32 i32) -> (i64), 1 = [] -> [], 2 = (v128 funcref) -> (externref f32 f64)
      section(kType, vec(3, cat({{0x60, 0x02, 0x7F, 0x7F, 0x01, 0x7E},
                                 kTypeVoid,
                                 {0x60, 0x02, 0x7B, 0x70, 0x03, 0x6F, 0x7D, 0x7C}}))),
      // import: env.f func type 0, env.t table externref 1..2, env.m memory 1,
      // env.g global (mut i64)
      section(kImport, vec(4, cat({name("env"), name("f"), {0x00, 0x00},
                                   name("env"), name("t"), {0x01, 0x6F, 0x01, 0x01, 0x02},
                                   name("env"), name("m"), {0x02, 0x00, 0x01},
                                   name("env"), name("g"), {0x03, 0x7E, 0x01}}))),
      // function: two functions, types 1 and 0
      section(kFunction, vec(2, {0x01, 0x00})),
      // table: funcref, min 1, max 10
      section(kTable, vec(1, {0x70, 0x01, 0x01, 0x0A})),
      // memory: min 2, no max (minimum written non-minimally, 0x82 0x00)
      section(kMemory, vec(1, {0x00, 0x82, 0x00})),
      // global: (mut i32) = i32.const -5; f64 = f64.const 1.0; funcref = ref.func 1;
      //         i64 = global.get 0, i64.const 2, i64.mul (extended const)
      section(kGlobal, vec(4, cat({{0x7F, 0x01, 0x41, 0x7B, 0x0B},
                                   {0x7C, 0x00, 0x44, 0, 0, 0, 0, 0, 0, 0xF0, 0x3F, 0x0B},
                                   {0x70, 0x00, 0xD2, 0x01, 0x0B},
                                   {0x7E, 0x00, 0x23, 0x00, 0x42, 0x02, 0x7E, 0x0B}}))),
      // export: "run" func 2, "mem" memory 0
      section(kExport, vec(2, cat({name("run"), {0x00, 0x02}, name("mem"), {0x02, 0x00}}))),
      // start: function 1
      section(kStart, {0x01}),
      // element: every form
      section(kElement,
              vec(8, cat({
                         {0x00, 0x41, 0x00, 0x0B, 0x02, 0x01, 0x02},        // 0: active t0, (i32.const 0), funcs 1 2
                         {0x01, 0x00, 0x01, 0x00},                          // 1: passive, elemkind, funcs 0
                         {0x02, 0x00, 0x41, 0x03, 0x0B, 0x00, 0x01, 0x02},  // 2: active t0 explicit, offset 3
                         {0x03, 0x00, 0x01, 0x01},                          // 3: declarative, funcs 1
                         {0x04, 0x41, 0x05, 0x0B, 0x02, 0xD2, 0x01, 0x0B, 0xD0, 0x70, 0x0B},  // 4
                         {0x05, 0x6F, 0x01, 0xD0, 0x6F, 0x0B},              // 5: passive externref
                         {0x06, 0x00, 0x41, 0x07, 0x0B, 0x70, 0x01, 0xD2, 0x02, 0x0B},  // 6
                         {0x07, 0x70, 0x01, 0xD2, 0x00, 0x0B},              // 7: declarative exprs
                     }))),
      // data count: 3
      section(kDataCount, {0x03}),
      // code: function 1 (type []->[]): locals 2 x i32, 1 x f64; body nop end
      //       function 2 (type 0): no locals; body local.get 0 drop i64.const 0 end
      section(kCode, vec(2, cat({{0x07, 0x02, 0x02, 0x7F, 0x01, 0x7C, 0x01, 0x0B},
                                 {0x07, 0x00, 0x20, 0x00, 0x1A, 0x42, 0x00, 0x0B}}))),
      // data: form 0 "hi" at 16, form 1 passive "abc", form 2 memory 0 at 32 ""
      section(kData, vec(3, cat({{0x00, 0x41, 0x10, 0x0B}, name("hi"),
                                 {0x01}, name("abc"),
                                 {0x02, 0x00, 0x41, 0x20, 0x0B, 0x00}}))),
      // custom "name": module name "demo"; function names 1 -> "one", 2 -> "two"
      section(kCustom, cat({name("name"),
                            {0x00}, uleb(5), name("demo"),
                            {0x01}, uleb(11), vec(2, cat({{0x01}, name("one"), {0x02}, name("two")}))})),
  };
}

Bytes every_section_module() {
  Bytes out = kHeader;
  for (const Bytes& s : every_section()) out.insert(out.end(), s.begin(), s.end());
  return out;
}

TEST(Decoder, EverySection) {
  const Bytes bytes = every_section_module();
  auto r = decode(bytes);
  ASSERT_TRUE(r.ok()) << r.error().message << " at " << r.error().offset;
  const Module& m = r.value();

  ASSERT_EQ(m.types.size(), 3u);
  EXPECT_EQ(m.types[0], (FuncType{{ValType::I32, ValType::I32}, {ValType::I64}}));
  EXPECT_EQ(m.types[1], FuncType{});
  EXPECT_EQ(m.types[2], (FuncType{{ValType::V128, ValType::FuncRef},
                                  {ValType::ExternRef, ValType::F32, ValType::F64}}));

  ASSERT_EQ(m.imports.size(), 4u);
  EXPECT_EQ(m.imports[0].module, "env");
  EXPECT_EQ(m.imports[0].name, "f");
  EXPECT_EQ(m.imports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.imports[0].type_index, 0u);
  EXPECT_EQ(m.imports[1].kind, ExternKind::Table);
  EXPECT_EQ(m.imports[1].table.elem, ValType::ExternRef);
  EXPECT_EQ(m.imports[1].table.limits.min, 1u);
  EXPECT_EQ(m.imports[1].table.limits.max, std::optional<uint64_t>(2));
  EXPECT_EQ(m.imports[2].kind, ExternKind::Memory);
  EXPECT_EQ(m.imports[2].memory.limits.min, 1u);
  EXPECT_FALSE(m.imports[2].memory.limits.max.has_value());
  EXPECT_EQ(m.imports[3].kind, ExternKind::Global);
  EXPECT_EQ(m.imports[3].global.type, ValType::I64);
  EXPECT_TRUE(m.imports[3].global.mut);
  EXPECT_EQ(m.num_imported_funcs, 1u);
  EXPECT_EQ(m.num_imported_tables, 1u);
  EXPECT_EQ(m.num_imported_memories, 1u);
  EXPECT_EQ(m.num_imported_globals, 1u);

  ASSERT_EQ(m.funcs.size(), 2u);
  EXPECT_EQ(m.funcs[0].type_index, 1u);
  EXPECT_EQ(m.funcs[1].type_index, 0u);

  ASSERT_EQ(m.tables.size(), 1u);
  EXPECT_EQ(m.tables[0].elem, ValType::FuncRef);
  EXPECT_EQ(m.tables[0].limits.min, 1u);
  EXPECT_EQ(m.tables[0].limits.max, std::optional<uint64_t>(10));

  ASSERT_EQ(m.memories.size(), 1u);
  EXPECT_EQ(m.memories[0].limits.min, 2u);
  EXPECT_FALSE(m.memories[0].limits.max.has_value());

  ASSERT_EQ(m.globals.size(), 4u);
  EXPECT_EQ(m.globals[0].type.type, ValType::I32);
  EXPECT_TRUE(m.globals[0].type.mut);
  ASSERT_EQ(m.globals[0].init.ops.size(), 1u);
  EXPECT_EQ(m.globals[0].init.ops[0].op, Opcode::i32_const);
  EXPECT_EQ(m.globals[0].init.ops[0].imm, 0xFFFFFFFBu);  // -5, as 32 bits
  EXPECT_EQ(m.globals[1].init.ops[0].op, Opcode::f64_const);
  EXPECT_EQ(m.globals[1].init.ops[0].imm, 0x3FF0000000000000u);
  EXPECT_EQ(m.globals[2].type.type, ValType::FuncRef);
  EXPECT_EQ(m.globals[2].init.ops[0].op, Opcode::ref_func);
  EXPECT_EQ(m.globals[2].init.ops[0].imm, 1u);
  ASSERT_EQ(m.globals[3].init.ops.size(), 3u);
  EXPECT_EQ(m.globals[3].init.ops[0].op, Opcode::global_get);
  EXPECT_EQ(m.globals[3].init.ops[1].op, Opcode::i64_const);
  EXPECT_EQ(m.globals[3].init.ops[1].imm, 2u);
  EXPECT_EQ(m.globals[3].init.ops[2].op, Opcode::i64_mul);
  // The expression's offset is that of its first instruction.
  EXPECT_EQ(m.bytes[m.globals[0].init.offset], 0x41);
  EXPECT_EQ(m.bytes[m.globals[3].init.offset], 0x23);

  ASSERT_EQ(m.exports.size(), 2u);
  EXPECT_EQ(m.exports[0].name, "run");
  EXPECT_EQ(m.exports[0].kind, ExternKind::Func);
  EXPECT_EQ(m.exports[0].index, 2u);
  EXPECT_EQ(m.exports[1].kind, ExternKind::Memory);

  EXPECT_EQ(m.start, std::optional<uint32_t>(1));

  ASSERT_EQ(m.elems.size(), 8u);
  // form 0
  EXPECT_EQ(m.elems[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.elems[0].table, 0u);
  EXPECT_EQ(m.elems[0].type, ValType::FuncRef);
  ASSERT_EQ(m.elems[0].offset.ops.size(), 1u);
  EXPECT_EQ(m.elems[0].offset.ops[0].op, Opcode::i32_const);
  // Function indices and ref.func/ref.null func items take the compact form.
  EXPECT_EQ(m.elems[0].funcs, (std::vector<uint32_t>{1, 2}));
  EXPECT_TRUE(m.elems[0].init.empty());
  EXPECT_EQ(m.elems[0].size(), 2u);
  EXPECT_EQ(m.bytes[m.elems[0].items_offset], 0x01);  // the first index
  // form 1
  EXPECT_EQ(m.elems[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.elems[1].funcs, std::vector<uint32_t>{0});
  // form 2
  EXPECT_EQ(m.elems[2].mode, SegmentMode::Active);
  EXPECT_EQ(m.elems[2].offset.ops[0].imm, 3u);
  EXPECT_EQ(m.elems[2].funcs, std::vector<uint32_t>{2});
  // form 3
  EXPECT_EQ(m.elems[3].mode, SegmentMode::Declarative);
  // form 4
  EXPECT_EQ(m.elems[4].mode, SegmentMode::Active);
  EXPECT_EQ(m.elems[4].type, ValType::FuncRef);
  EXPECT_EQ(m.elems[4].funcs, (std::vector<uint32_t>{1, ElemSegment::kNullFunc}));
  EXPECT_TRUE(m.elems[4].init.empty());
  // form 5
  EXPECT_EQ(m.elems[5].mode, SegmentMode::Passive);
  EXPECT_EQ(m.elems[5].type, ValType::ExternRef);
  EXPECT_TRUE(m.elems[5].funcs.empty());  // externref items stay expressions
  ASSERT_EQ(m.elems[5].init.size(), 1u);
  EXPECT_EQ(m.elems[5].init[0].ops[0].op, Opcode::ref_null);
  EXPECT_EQ(m.elems[5].init[0].ops[0].imm, 0x6Fu);
  // form 6
  EXPECT_EQ(m.elems[6].mode, SegmentMode::Active);
  EXPECT_EQ(m.elems[6].offset.ops[0].imm, 7u);
  EXPECT_EQ(m.elems[6].funcs, std::vector<uint32_t>{2});
  // form 7
  EXPECT_EQ(m.elems[7].mode, SegmentMode::Declarative);
  EXPECT_EQ(m.elems[7].type, ValType::FuncRef);

  EXPECT_EQ(m.data_count, std::optional<uint32_t>(3));

  // Function bodies: the locals are decoded, the instructions located.
  const Func& f0 = m.funcs[0];
  ASSERT_EQ(f0.locals.size(), 2u);
  EXPECT_EQ(f0.locals[0].count, 2u);
  EXPECT_EQ(f0.locals[0].type, ValType::I32);
  EXPECT_EQ(f0.locals[1].type, ValType::F64);
  EXPECT_EQ(f0.locals_total, 3u);
  ASSERT_EQ(f0.body_size, 2u);
  EXPECT_EQ(m.bytes[f0.body_offset], 0x01);      // nop
  EXPECT_EQ(m.bytes[f0.body_offset + 1], 0x0B);  // end
  const Func& f1 = m.funcs[1];
  EXPECT_TRUE(f1.locals.empty());
  EXPECT_EQ(f1.body_size, 6u);
  EXPECT_EQ(m.bytes[f1.body_offset], 0x20);  // local.get
  EXPECT_TRUE(f1.code.instrs.empty());       // translation is the validator's job

  ASSERT_EQ(m.datas.size(), 3u);
  EXPECT_EQ(m.datas[0].mode, SegmentMode::Active);
  EXPECT_EQ(m.datas[0].memory, 0u);
  EXPECT_EQ(m.datas[0].offset.ops[0].imm, 16u);
  ASSERT_EQ(m.datas[0].bytes_size, 2u);
  EXPECT_EQ(m.bytes[m.datas[0].bytes_offset], 'h');
  EXPECT_EQ(m.datas[1].mode, SegmentMode::Passive);
  EXPECT_EQ(m.datas[1].bytes_size, 3u);
  EXPECT_EQ(m.bytes[m.datas[1].bytes_offset + 2], 'c');
  EXPECT_EQ(m.datas[2].mode, SegmentMode::Active);
  EXPECT_EQ(m.datas[2].offset.ops[0].imm, 32u);
  EXPECT_EQ(m.datas[2].bytes_size, 0u);

  EXPECT_EQ(m.module_name, "demo");
  ASSERT_EQ(m.func_names.size(), 2u);
  EXPECT_EQ(m.func_names.at(1), "one");
  EXPECT_EQ(m.func_names.at(2), "two");

  // Module::func_type spans imports and definitions.
  EXPECT_EQ(m.func_type(0), m.types[0]);  // the import
  EXPECT_EQ(m.func_type(1), m.types[1]);
  EXPECT_EQ(m.func_type(2), m.types[0]);
  EXPECT_EQ(m.func_type(99), FuncType{});  // out of range: empty, not a crash
  ASSERT_NE(m.find_export("run"), nullptr);
  EXPECT_EQ(m.find_export("run")->index, 2u);
  EXPECT_EQ(m.find_export("walk"), nullptr);
}

// Cutting a module anywhere must give an error, except exactly between two
// sections (a module may end after any section); and it must never crash or
// read out of bounds (run under a sanitizer to check the latter).
TEST(Decoder, TruncatedAtEveryByte) {
  const std::vector<Bytes> sections = every_section();
  const Bytes full = every_section_module();
  std::vector<size_t> boundaries = {kHeader.size()};
  for (const Bytes& s : sections) boundaries.push_back(boundaries.back() + s.size());
  ASSERT_EQ(boundaries.back(), full.size());

  for (size_t n = 0; n < full.size(); ++n) {
    Bytes prefix(full.begin(), full.begin() + n);
    auto r = decode(prefix);
    bool at_boundary = std::find(boundaries.begin(), boundaries.end(), n) != boundaries.end();
    if (!at_boundary) {
      EXPECT_FALSE(r.ok()) << "prefix of " << n << " bytes decoded";
    } else if (n >= boundaries[3] && n <= boundaries[10]) {
      // Cut after the function section but before the code section: the
      // functions have no bodies.
      ASSERT_FALSE(r.ok()) << n;
      EXPECT_EQ(r.error().message, "function and code section have inconsistent lengths");
    }
  }
}

// Corrupting each byte of a valid module in turn must never crash. (Whether
// the result is an error depends on the byte.)
TEST(Decoder, CorruptedBytesNeverCrash) {
  const Bytes full = every_section_module();
  for (size_t i = 0; i < full.size(); ++i) {
    for (uint8_t v : {0x00, 0x01, 0x7F, 0x80, 0xFF}) {
      Bytes b = full;
      b[i] = v;
      (void)decode(b);
    }
  }
  SUCCEED();
}

// --- Sections: order, ids, sizes ---------------------------------------------

TEST(Decoder, SectionOrder) {
  // Function before type.
  expect_malformed(module({section(kFunction, vec(0, {})), section(kType, vec(0, {}))}),
                   "unexpected content after last section");
  // The same section twice.
  expect_malformed(module({section(kType, vec(0, {})), section(kType, vec(0, {}))}),
                   "unexpected content after last section");
  expect_malformed(module({section(kStart, {0x00}), section(kStart, {0x00})}),
                   "unexpected content after last section");
  // The data count section goes after the element section and before code.
  expect_malformed(module({section(kDataCount, {0x00}), section(kElement, vec(0, {}))}),
                   "unexpected content after last section");
  expect_malformed(module({section(kCode, vec(0, {})), section(kDataCount, {0x00})}),
                   "unexpected content after last section");
  EXPECT_TRUE(decode(module({section(kElement, vec(0, {})), section(kDataCount, {0x00}),
                             section(kCode, vec(0, {}))}))
                  .ok());
  // Custom sections go anywhere, any number of times.
  const Bytes custom = section(kCustom, cat({name("x"), {1, 2, 3}}));
  auto r = decode(module({custom, section(kType, vec(1, kTypeVoid)), custom,
                          section(kFunction, vec(1, {0x00})), custom, custom,
                          section(kCode, vec(1, kBodyEmpty)), custom}));
  EXPECT_TRUE(r.ok()) << r.error().message;
}

TEST(Decoder, MalformedSectionId) {
  expect_malformed(module({{0x0D, 0x00}}), "malformed section id");
  expect_malformed(module({{0x7F, 0x00}}), "malformed section id");
  expect_malformed(module({{0x80, 0x00, 0x01, 0x00}}), "malformed section id");
  auto r = decode(module({section(kType, vec(0, {})), {0xFF, 0x00}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, kHeader.size() + 3);
}

TEST(Decoder, SectionSizeMismatch) {
  // Type section claims 5 bytes but its content (1 type) takes 4.
  expect_malformed(module({{kType, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}}), "section size mismatch");
  // 1 global declared, 2 given (binary.wast).
  expect_malformed(module({{kGlobal, 0x0B, 0x01, 0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00, 0x41,
                            0x00, 0x0B}}),
                   "section size mismatch");
  // Section claims fewer bytes than its content needs.
  expect_malformed(module({{kType, 0x03, 0x01, 0x60, 0x00, 0x00}}), "section size mismatch");
  // A section larger than what is left of the module.
  expect_malformed(module({{kType, 0x07, 0x02, 0x60, 0x00, 0x00}}), "length out of bounds");
}

TEST(Decoder, TruncatedSections) {
  // Count says 1, section is empty, module ends.
  expect_malformed(module({{kTable, 0x01, 0x01}}), "unexpected end of section or function");
  expect_malformed(module({{kMemory, 0x01, 0x01}}), "unexpected end of section or function");
  // Section id with no size.
  expect_malformed(module({{kType}}), "unexpected end of section or function");
  // A custom section whose name does not fit in its size.
  expect_malformed(module({{kCustom, 0x00, 0x00, 0x05, 0x01, 0x00, 0x07, 0x00, 0x00}}),
                   "unexpected end of section or function");
}

// --- Counts ---------------------------------------------------------------------

TEST(Decoder, OverLongLebInCount) {
  // The type count 1 written in 6 bytes.
  expect_malformed(module({{kType, 0x09, 0x81, 0x80, 0x80, 0x80, 0x80, 0x00, 0x60, 0x00, 0x00}}),
                   "integer representation too long");
  // The code count 1 with unused bits set.
  expect_malformed(
      module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
              {kCode, 0x08, 0x81, 0x80, 0x80, 0x80, 0x70, 0x02, 0x00, 0x0B}}),
      "integer too large");
  // A section size written too long.
  expect_malformed(module({{kCustom, 0x83, 0x80, 0x80, 0x80, 0x80, 0x00, 0x01, '1', '2'}}),
                   "integer representation too long");
}

// Rejected before anything is allocated for them: were they not, these would
// ask for terabytes (no timing here: the machines are shared and noisy).
TEST(Decoder, HugeCountsAreRejectedBeforeAllocating) {
  // 2^32-1 functions, 2^32-1 types, 2^32-1 data segments, ... in a few bytes:
  // each count is larger than the bytes that follow it.
  const Bytes max_u32 = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  for (uint8_t id : {kType, kImport, kFunction, kTable, kMemory, kGlobal, kExport, kElement,
                     kCode, kData}) {
    expect_malformed(module({section(id, cat({max_u32, {0x00, 0x00}}))}), "length out of bounds");
  }
  // A vector inside an entry: 2^32-1 parameters, elements of a segment, bytes
  // of a data segment, locals runs.
  expect_malformed(module({section(kType, cat({{0x01, 0x60}, max_u32, {0x00}}))}),
                   "length out of bounds");
  expect_malformed(module({section(kElement, cat({{0x01, 0x01, 0x00}, max_u32}))}),
                   "length out of bounds");
  expect_malformed(module({section(kData, cat({{0x01, 0x01}, max_u32}))}), "length out of bounds");
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                           section(kCode, vec(1, cat({{0x06}, max_u32, {0x0B}})))}),
                   "length out of bounds");
}

TEST(Decoder, CountsAreCheckedAgainstModuleLimits) {
  ModuleLimits limits;
  limits.max_types = 2;
  limits.max_functions = 1;
  limits.max_imports = 1;
  limits.max_exports = 1;
  limits.max_globals = 1;
  limits.max_data_segments = 1;
  limits.max_elem_segments = 1;
  limits.max_params = 1;
  limits.max_results = 1;
  expect_malformed(module({section(kType, vec(3, cat({kTypeVoid, kTypeVoid, kTypeVoid})))}),
                   "too many types", {}, limits);
  expect_malformed(module({section(kType, vec(1, {0x60, 0x02, 0x7F, 0x7F, 0x00}))}),
                   "too many parameters", {}, limits);
  expect_malformed(module({section(kType, vec(1, {0x60, 0x00, 0x02, 0x7F, 0x7F}))}),
                   "too many results", {}, limits);
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(2, {0, 0}))}),
                   "too many functions", {}, limits);
  // Imported functions count toward the limit too.
  expect_malformed(module({section(kType, vec(1, kTypeVoid)),
                           section(kImport, vec(1, cat({name("a"), name("b"), {0x00, 0x00}}))),
                           section(kFunction, vec(1, {0}))}),
                   "too many functions", {}, limits);
  expect_malformed(module({section(kImport, vec(2, cat({name("a"), name("b"), {0x00, 0x00},
                                                        name("a"), name("c"), {0x00, 0x00}})))}),
                   "too many imports", {}, limits);
  expect_malformed(module({section(kGlobal, vec(2, {0x7F, 0x00, 0x41, 0x00, 0x0B, 0x7F, 0x00,
                                                    0x41, 0x00, 0x0B}))}),
                   "too many globals", {}, limits);
  expect_malformed(module({section(kExport, vec(2, cat({name("a"), {0x00, 0x00}, name("b"),
                                                        {0x00, 0x00}})))}),
                   "too many exports", {}, limits);
  expect_malformed(module({section(kData, vec(2, {0x01, 0x00, 0x01, 0x00}))}),
                   "too many data segments", {}, limits);
  expect_malformed(module({section(kElement, vec(2, {0x01, 0x00, 0x00, 0x01, 0x00, 0x00}))}),
                   "too many element segments", {}, limits);
  limits = ModuleLimits{};
  limits.max_body_size = 3;
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                           section(kCode, vec(1, {0x04, 0x00, 0x01, 0x01, 0x0B}))}),
                   "function body too large", {}, limits);
  limits = ModuleLimits{};
  limits.max_module_size = 8;
  expect_malformed(module({section(kType, vec(0, {}))}), "module too large", {}, limits);
}

TEST(Decoder, TooManyLocals) {
  auto with_locals = [](const Bytes& runs) {
    Bytes body = cat({runs, {0x0B}});
    return module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                   section(kCode, vec(1, cat({uleb(body.size()), body})))});
  };
  // Two runs of 2^32-1: their sum overflows 32 bits, and must still be caught
  // even when the limit is as high as a u32 goes.
  ModuleLimits no_limit;
  no_limit.max_locals = 0xFFFFFFFFu;
  expect_malformed(with_locals({0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF,
                                0x0F, 0x7E}),
                   "too many locals", {}, no_limit);
  // binary.wast: 2^32-1 + 2.
  expect_malformed(with_locals({0x02, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x7F, 0x02, 0x7E}),
                   "too many locals");
  // Just over the default limit (50000), and just at it.
  expect_malformed(with_locals(cat({{0x02}, uleb(25000), {0x7F}, uleb(25001), {0x7E}})),
                   "too many locals");
  auto ok = decode(with_locals(cat({{0x02}, uleb(25000), {0x7F}, uleb(25000), {0x7E}})));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->funcs[0].locals_total, 50000u);
  // A local count that is not a u32.
  expect_malformed(with_locals({0x01, 0x80, 0x80, 0x80, 0x80, 0x10, 0x7F}), "integer too large");
  // Zero-count runs are fine.
  auto zero = decode(with_locals({0x02, 0x00, 0x7F, 0x00, 0x7E}));
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->funcs[0].locals_total, 0u);
}

// --- Function and code, data count --------------------------------------------

TEST(Decoder, InconsistentFunctionAndCodeCounts) {
  const std::string msg = "function and code section have inconsistent lengths";
  // Functions without a code section.
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(2, {0, 0}))}),
                   msg);
  // Code without a function section.
  expect_malformed(module({section(kCode, vec(1, kBodyEmpty))}), msg);
  // 2 functions, 1 body; 1 function, 2 bodies.
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(2, {0, 0})),
                           section(kCode, vec(1, kBodyEmpty))}),
                   msg);
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0})),
                           section(kCode, vec(2, cat({kBodyEmpty, kBodyEmpty})))}),
                   msg);
  // Zero functions need no code section, and the other way round.
  EXPECT_TRUE(decode(module({section(kFunction, vec(0, {}))})).ok());
  EXPECT_TRUE(decode(module({section(kCode, vec(0, {}))})).ok());
  EXPECT_TRUE(decode(one_func_module()).ok());
}

TEST(Decoder, DataCount) {
  const std::string msg = "data count and data section have inconsistent lengths";
  expect_malformed(module({section(kDataCount, {0x03}), section(kData, vec(2, {0x01, 0x00, 0x01, 0x00}))}),
                   msg);
  expect_malformed(module({section(kDataCount, {0x01}), section(kData, vec(2, {0x01, 0x00, 0x01, 0x00}))}),
                   msg);
  expect_malformed(module({section(kDataCount, {0x01})}), msg);  // no data section: 0 segments
  auto r = decode(module({section(kDataCount, {0x02}), section(kData, vec(2, {0x01, 0x00, 0x01, 0x00}))}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->data_count, std::optional<uint32_t>(2));
  EXPECT_FALSE(decode(kHeader)->data_count.has_value());
}

// --- Names and UTF-8 -------------------------------------------------------------

TEST(Decoder, InvalidUtf8Names) {
  const std::string msg = "malformed UTF-8 encoding";
  const Bytes bad = {0x02, 0xC0, 0x80};  // an overlong NUL
  expect_malformed(module({section(kImport, vec(1, cat({bad, name("f"), {0x00, 0x00}})))}), msg);
  expect_malformed(module({section(kImport, vec(1, cat({name("m"), bad, {0x00, 0x00}})))}), msg);
  expect_malformed(module({section(kExport, vec(1, cat({bad, {0x00, 0x00}})))}), msg);
  expect_malformed(module({section(kCustom, cat({{0x03, 0xED, 0xA0, 0x80}, {1, 2}}))}), msg);
  auto r = decode(module({section(kImport, vec(1, cat({name("m"), bad, {0x00, 0x00}})))}));
  EXPECT_EQ(r.error().offset, kHeader.size() + 5);  // at the name's length
  // A valid multi-byte name.
  auto ok = decode(module({section(kType, vec(1, kTypeVoid)),
                           section(kImport, vec(1, cat({name("\xE2\x8C\xA3"), name("\xF0\x9F\x98\x80"),
                                                        {0x00, 0x00}})))}));
  ASSERT_TRUE(ok.ok()) << ok.error().message;
  EXPECT_EQ(ok->imports[0].module, "\xE2\x8C\xA3");
}

TEST(Decoder, MalformedNameSectionIsIgnored) {
  auto check_ignored = [](const Bytes& payload) {
    auto r = decode(module({section(kCustom, cat({name("name"), payload}))}));
    ASSERT_TRUE(r.ok()) << r.error().message;
    EXPECT_TRUE(r->func_names.empty());
  };
  check_ignored({0x01, 0x05, 0x01});                    // subsection larger than the section
  check_ignored({0x01, 0x02, 0x05, 0x00});              // 5 names announced, none given
  check_ignored({0x01, 0x04, 0x01, 0x00, 0x02, 0xC0});  // bad UTF-8 (and short)
  check_ignored({0x01, 0x05, 0x01, 0x00, 0x01, 'a', 'x'});  // trailing byte in the subsection
  check_ignored({0x01});                                // id without size
  // A good module name survives a bad function-name subsection after it.
  auto r = decode(module({section(kCustom, cat({name("name"), {0x00, 0x02, 0x01, 'm'},
                                                {0x01, 0x09, 0xFF}}))}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->module_name, "m");
  EXPECT_TRUE(r->func_names.empty());
  // Unknown subsections (local names, ...) are skipped.
  r = decode(module({section(kCustom, cat({name("name"), {0x02, 0x03, 0xAA, 0xBB, 0xCC},
                                           {0x01, 0x04, 0x01, 0x00, 0x01, 'f'}}))}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->func_names.at(0), "f");
}

// --- Malformed entries ---------------------------------------------------------

TEST(Decoder, MalformedTypes) {
  // -0x20 as a 2-byte signed LEB128 (binary.wast).
  expect_malformed(module({{kType, 0x05, 0x01, 0xE0, 0x7F, 0x00, 0x00}}),
                   "integer representation too long");
  expect_malformed(module({section(kType, vec(1, {0x61, 0x00, 0x00}))}), "malformed function type");
  expect_malformed(module({section(kType, vec(1, {0x60, 0x01, 0x7A, 0x00}))}), "malformed value type");
  // v128 needs SIMD.
  Features no_simd;
  no_simd.simd = false;
  expect_malformed(module({section(kType, vec(1, {0x60, 0x01, 0x7B, 0x00}))}), "malformed value type",
                   no_simd);
}

TEST(Decoder, MalformedImports) {
  for (uint8_t kind : {0x04, 0x05, 0x80}) {
    expect_malformed(module({section(kImport, vec(1, {0x00, 0x00, kind}))}), "malformed import kind");
  }
  expect_malformed(module({section(kImport, vec(1, {0x00, 0x00, 0x03, 0x7F, 0x02}))}),
                   "malformed mutability");
  expect_malformed(module({section(kImport, vec(1, {0x00, 0x00, 0x03, 0x7F, 0xFF}))}),
                   "malformed mutability");
  expect_malformed(module({section(kImport, vec(1, {0x00, 0x00, 0x01, 0x7F, 0x00, 0x00}))}),
                   "malformed reference type");
}

TEST(Decoder, LimitsFlags) {
  // The flag is a 1-bit LEB128 (binary.wast).
  expect_malformed(module({{kTable, 0x03, 0x01, 0x70, 0x02}}), "integer too large");
  expect_malformed(module({{kTable, 0x06, 0x01, 0x70, 0x81, 0x00, 0x00, 0x00}}),
                   "integer representation too long");
  expect_malformed(module({{kMemory, 0x02, 0x01, 0x02}}), "integer too large");
  expect_malformed(module({{kMemory, 0x05, 0x01, 0x81, 0x01, 0x00, 0x00}}),
                   "integer representation too long");
  // Minimum written with unused bits set / too long.
  expect_malformed(module({{kMemory, 0x07, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x70}}),
                   "integer too large");
  expect_malformed(module({{kMemory, 0x08, 0x01, 0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00}}),
                   "integer representation too long");
  auto r = decode(module({section(kMemory, vec(1, {0x01, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}))}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->memories[0].limits.max, std::optional<uint64_t>(0xFFFFFFFFu));
}

TEST(Decoder, MalformedGlobals) {
  expect_malformed(module({section(kGlobal, vec(1, {0x7F, 0x02, 0x41, 0x00, 0x0B}))}),
                   "malformed mutability");
  // Over-long / too-large constants (binary.wast).
  expect_malformed(module({section(kGlobal, vec(1, {0x7F, 0x00, 0x41, 0x80, 0x80, 0x80, 0x80, 0x80,
                                                    0x00, 0x0B}))}),
                   "integer representation too long");
  expect_malformed(module({section(kGlobal, vec(1, {0x7F, 0x00, 0x41, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F,
                                                    0x0B}))}),
                   "integer too large");
  expect_malformed(module({section(kGlobal, vec(1, {0x7E, 0x00, 0x42, 0x80, 0x80, 0x80, 0x80, 0x80,
                                                    0x80, 0x80, 0x80, 0x80, 0x7E, 0x0B}))}),
                   "integer too large");
  // Missing `end`: runs into the end of the module.
  expect_malformed(module({section(kGlobal, vec(1, {0x7F, 0x00, 0x41, 0x00}))}),
                   "unexpected end of section or function");
}

TEST(Decoder, ConstantExpressions) {
  auto global_init = [](const Bytes& expr, const Features& f = {}) {
    return decode(module({section(kGlobal, vec(1, cat({{0x7F, 0x00}, expr})))}), f);
  };
  // Not an opcode at all: malformed, and named like the reference
  // interpreter names it.
  auto r = global_init({0xF3, 0x00, 0x0B});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "illegal opcode f3");
  r = global_init({0xFC, 0x7F, 0x0B});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "illegal opcode fc 7f");
  // Extended-const arithmetic, on and off: it decodes either way (whether
  // it is constant is for validation to say, see NonConstantInstructions).
  const Bytes sum = {0x41, 0x01, 0x41, 0x02, 0x6A, 0x41, 0x03, 0x6B, 0x41, 0x04, 0x6C, 0x0B};
  Features no_ext;
  no_ext.extended_const = false;
  for (const Features& f : {Features{}, no_ext}) {
    r = global_init(sum, f);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->globals[0].init.ops.size(), 7u);
    EXPECT_EQ(r->globals[0].init.ops[2].op, Opcode::i32_add);
    EXPECT_EQ(r->globals[0].init.ops[4].op, Opcode::i32_sub);
    EXPECT_EQ(r->globals[0].init.ops[6].op, Opcode::i32_mul);
    EXPECT_EQ(validate(*r, f).ok(), f.extended_const);
  }
  const Status s = validate(*r, no_ext);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "constant expression required");
  // Constants of every number type, with their bits.
  r = global_init({0x42, 0x7F, 0x43, 0x00, 0x00, 0xC0, 0x7F, 0x0B});  // i64 -1, f32 NaN
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->globals[0].init.ops[0].imm, ~uint64_t{0});
  EXPECT_EQ(r->globals[0].init.ops[1].imm, 0x7FC00000u);
  // An empty expression is well formed (validation rejects its type).
  r = global_init({0x0B});
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->globals[0].init.ops.empty());
  // ref.null with a bad type byte.
  r = global_init({0xD0, 0x7F, 0x0B});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "malformed reference type");
}

// Which instructions are constant is a validation rule (spec 3.3.10), not a
// rule of the binary format: an instruction that is not constant decodes,
// with its immediates read like in a function body so that the expression
// ends where it really ends, and validation rejects the module.
TEST(Decoder, NonConstantInstructions) {
  // A global's expression starts after the header (8 bytes), the section's
  // id, size and count, and the global type (2 bytes).
  constexpr size_t kExprOffset = 8 + 3 + 2;
  auto global_init = [](const Bytes& expr, const Features& f = {}) {
    return decode(module({section(kGlobal, vec(1, cat({{0x7F, 0x00}, expr})))}), f);
  };
  struct Case {
    Bytes expr;
    std::vector<Opcode> ops;
  };
  const Case cases[] = {
      {{0x01, 0x0B}, {Opcode::nop}},
      {{0x1A, 0x0B}, {Opcode::drop}},
      {{0x41, 0x01, 0x68, 0x0B}, {Opcode::i32_const, Opcode::i32_ctz}},  // global.wast
      {{0x41, 0x00, 0x01, 0x0B}, {Opcode::i32_const, Opcode::nop}},
      // An immediate that looks like `end` (local 11) is read as the index.
      {{0x20, 0x0B, 0x0B}, {Opcode::local_get}},
      // A memarg, and an immediate of several bytes.
      {{0x41, 0x00, 0x28, 0x02, 0x8B, 0x01, 0x0B}, {Opcode::i32_const, Opcode::i32_load}},
      // A block's `end` does not end the expression. (What follows the
      // first non-constant instruction is read, but not kept.)
      {{0x02, 0x7F, 0x41, 0x00, 0x0B, 0x0B}, {Opcode::block}},
      // data.drop outside the code section needs no data count section.
      {{0xFC, 0x09, 0x00, 0x41, 0x00, 0x0B}, {Opcode::data_drop}},
      // Kept up to and including the first instruction that cannot be
      // constant: extended-const's arithmetic can be.
      {{0x41, 0x01, 0x41, 0x02, 0x6A, 0x68, 0x41, 0x00, 0x01, 0x0B},
       {Opcode::i32_const, Opcode::i32_const, Opcode::i32_add, Opcode::i32_ctz}},
      {{0x01, 0x41, 0x00, 0x41, 0x00, 0x6A, 0x0B}, {Opcode::nop}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.expr));
    auto r = global_init(c.expr);
    ASSERT_TRUE(r.ok()) << r.error().message;
    ASSERT_EQ(r->globals.size(), 1u);
    const ConstExpr& e = r->globals[0].init;
    EXPECT_EQ(e.offset, kExprOffset);
    ASSERT_EQ(e.ops.size(), c.ops.size());
    for (size_t i = 0; i < c.ops.size(); ++i) EXPECT_EQ(e.ops[i].op, c.ops[i]) << i;
    // Invalid, at the expression's offset (as the reference interpreter
    // reports it).
    const Status s = validate(*r);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.error().message, "constant expression required");
    EXPECT_EQ(s.error().offset, kExprOffset);
  }
  // The same in element and data segments (elem.wast, data.wast).
  auto r = decode(module({section(kTable, vec(1, {0x70, 0x00, 0x01})),
                          section(kElement, vec(1, {0x00, 0x41, 0x00, 0x68, 0x0B, 0x00}))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->elems[0].offset.ops.size(), 2u);
  EXPECT_EQ(r->elems[0].offset.ops[1].op, Opcode::i32_ctz);
  EXPECT_EQ(validate(*r).error().message, "constant expression required");
  r = decode(module({section(kMemory, vec(1, {0x00, 0x01})),
                     section(kData, vec(1, {0x00, 0x01, 0x0B, 0x00}))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->datas[0].offset.ops.size(), 1u);
  EXPECT_EQ(r->datas[0].offset.ops[0].op, Opcode::nop);
  EXPECT_EQ(validate(*r).error().message, "constant expression required");
  // Still malformed: a bad immediate, or no `end` before the module's end.
  Bytes bad_leb = {0x20, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00, 0x0B};
  r = global_init(bad_leb);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "integer representation too long");
  r = global_init({0x02, 0x40, 0x0B});  // the block's end only
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unexpected end of section or function");
  // Without SIMD, v128.const is no instruction at all.
  Features no_simd;
  no_simd.simd = false;
  Bytes v = {0xFD, 0x0C};
  v.resize(18, 0x00);
  v.push_back(0x0B);
  r = global_init(v, no_simd);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "illegal opcode fd 0c");
}

// v128.const in a constant expression: the low 8 bytes go to imm, the high
// 8 to imm_hi.
TEST(Decoder, V128ConstantExpression) {
  ASSERT_EQ(kOpcodeTables.fd[12], static_cast<int16_t>(Opcode::v128_const));
  Bytes e = {0xFD, 0x0C};
  for (uint8_t i = 0; i < 16; ++i) e.push_back(i + 1);
  e.push_back(0x0B);
  auto r = decode(module({section(kGlobal, vec(1, cat({{0x7B, 0x00}, e})))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->globals[0].init.ops.size(), 1u);
  EXPECT_EQ(r->globals[0].init.ops[0].imm, 0x0807060504030201u);
  EXPECT_EQ(r->globals[0].init.ops[0].imm_hi, 0x100F0E0D0C0B0A09u);
}

// f32.const and f64.const: the raw IEEE 754 bits, little endian; cut short,
// "unexpected end".
TEST(Decoder, FloatConstantsAreLittleEndianBits) {
  auto global_init = [](ValType t, const Bytes& expr) {
    return decode(module({section(kGlobal, vec(1, cat({{static_cast<uint8_t>(t), 0x00}, expr})))}));
  };
  auto r = global_init(ValType::F32, {0x43, 0x00, 0x00, 0x80, 0x3F, 0x0B});  // 1.0f
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->globals[0].init.ops[0].imm, 0x3F800000u);
  r = global_init(ValType::F64, {0x44, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xF0, 0xBF, 0x0B});  // -1.0
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->globals[0].init.ops[0].imm, 0xBFF0000000000000u);
  r = global_init(ValType::F32, {0x43, 0x00, 0x00, 0x80});  // 3 bytes, no end
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unexpected end of section or function");
}

// A constant expression is read within its section: one that has no `end`
// before the section's end does not run on into the next section.
TEST(Decoder, ConstantExpressionEndsWithItsSection) {
  // The global section holds i32.const 0 and no `end`; the custom section
  // after it is a run of nops and an `end` (0x01 ... 0x0B), which an
  // expression read to the module's end would take as its own.
  const Bytes global = section(kGlobal, vec(1, {0x7F, 0x00, 0x41, 0x00}));
  const Bytes custom = section(kCustom, cat({name("x"), {0x01, 0x01, 0x01, 0x0B}}));
  auto r = decode(module({global, custom}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unexpected end of section or function");
  EXPECT_EQ(r.error().offset, kHeader.size() + global.size());  // the section's end
  // The same in element and data segments.
  r = decode(module({section(kTable, vec(1, {0x70, 0x00, 0x01})),
                     section(kElement, vec(1, {0x00, 0x41, 0x00})), custom}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unexpected end of section or function");
  r = decode(module({section(kMemory, vec(1, {0x00, 0x01})), section(kData, vec(1, {0x00, 0x41, 0x00})),
                     custom}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unexpected end of section or function");
}

// A hostile expression costs memory only for its constant prefix: whatever
// follows the first non-constant instruction (here 100000 nops, or 100000
// unclosed blocks) is read to find the end, and dropped.
TEST(Decoder, NonConstantTailIsNotKept) {
  Bytes nops = {0x41, 0x00};
  nops.insert(nops.end(), 100000, 0x01);
  nops.push_back(0x0B);
  auto r = decode(module({section(kGlobal, vec(1, cat({{0x7F, 0x00}, nops})))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->globals[0].init.ops.size(), 2u);
  EXPECT_EQ(r->globals[0].init.ops[1].op, Opcode::nop);
  EXPECT_EQ(validate(*r).error().message, "constant expression required");

  Bytes blocks;
  for (int i = 0; i < 100000; ++i) blocks.insert(blocks.end(), {0x02, 0x40});
  blocks.insert(blocks.end(), 100000 + 1, 0x0B);  // every block's end, then the expression's
  r = decode(module({section(kGlobal, vec(1, cat({{0x7F, 0x00}, blocks})))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->globals[0].init.ops.size(), 1u);
  EXPECT_EQ(r->globals[0].init.ops[0].op, Opcode::block);
  EXPECT_EQ(validate(*r).error().message, "constant expression required");
  // Unclosed: malformed, at the section's end.
  blocks.resize(2 * 100000);
  r = decode(module({section(kGlobal, vec(1, cat({{0x7F, 0x00}, blocks})))}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unexpected end of section or function");
}

TEST(Decoder, MalformedSegments) {
  expect_malformed(module({section(kElement, vec(1, {0x08}))}), "malformed elements segment kind");
  expect_malformed(module({section(kElement, vec(1, {0x01, 0x01, 0x00}))}), "malformed element kind");
  // Form 5 with a number type instead of a reference type (binary.wast).
  expect_malformed(module({section(kElement, vec(1, {0x05, 0x7F, 0x01, 0xD2, 0x00, 0x0B}))}),
                   "malformed reference type");
  // Form 5 with an illegal opcode (binary.wast).
  auto r = decode(module({section(kElement, vec(1, {0x05, 0x70, 0x01, 0xF3, 0x00, 0x0B}))}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.rfind("illegal opcode", 0), 0u) << r.error().message;
  expect_malformed(module({section(kData, vec(1, {0x03}))}), "malformed data segment kind");
  // Segment forms written with non-minimal LEB128 (binary.wast).
  EXPECT_TRUE(decode(module({section(kMemory, vec(1, {0x00, 0x00})),
                             section(kData, vec(1, {0x82, 0x00, 0x80, 0x00, 0x41, 0x00, 0x0B, 0x00}))}))
                  .ok());
  EXPECT_TRUE(decode(module({section(kTable, vec(1, {0x70, 0x00, 0x00})),
                             section(kElement, vec(1, {0x82, 0x00, 0x80, 0x00, 0x41, 0x00, 0x0B, 0x00,
                                                       0x00}))}))
                  .ok());
  // Data shorter than announced, at the end of the module.
  expect_malformed(module({section(kData, vec(1, {0x01, 0x03, 'a', 'b'}))}),
                   "unexpected end of section or function");
  // Multi-memory: a data segment for memory 1 is well formed (validation
  // decides whether memory 1 exists).
  r = decode(module({section(kData, vec(1, {0x02, 0x01, 0x41, 0x00, 0x0B, 0x00}))}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->datas[0].memory, 1u);
}

// Element items: function indices and exact ref.func / ref.null func items
// go to ElemSegment::funcs; a segment with any other item keeps every item
// as an expression in ElemSegment::init, each with its own offset.
TEST(Decoder, ElementItemForms) {
  // Form 4: ref.func 1, global.get 0, ref.null func.
  const Bytes mixed = {0x04, 0x41, 0x00, 0x0B, 0x03, 0xD2, 0x01, 0x0B, 0x23, 0x00, 0x0B, 0xD0, 0x70, 0x0B};
  auto r = decode(module({section(kElement, vec(1, mixed))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  const ElemSegment& e = r->elems[0];
  EXPECT_TRUE(e.funcs.empty());
  ASSERT_EQ(e.init.size(), 3u);
  EXPECT_EQ(e.size(), 3u);
  EXPECT_EQ(e.init[0].ops[0].op, Opcode::ref_func);
  EXPECT_EQ(e.init[0].ops[0].imm, 1u);
  EXPECT_EQ(r->bytes[e.init[0].offset], 0xD2);
  EXPECT_EQ(e.init[1].ops[0].op, Opcode::global_get);
  EXPECT_EQ(r->bytes[e.init[1].offset], 0x23);
  EXPECT_EQ(e.init[2].ops[0].op, Opcode::ref_null);
  EXPECT_EQ(r->bytes[e.init[2].offset], 0xD0);

  // A longer expression, even one that evaluates to a function, stays one.
  r = decode(module({section(kElement, vec(1, {0x04, 0x41, 0x00, 0x0B, 0x01, 0xD2, 0x00, 0xD2, 0x00, 0x0B}))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->elems[0].funcs.empty());
  ASSERT_EQ(r->elems[0].init.size(), 1u);
  EXPECT_EQ(r->elems[0].init[0].ops.size(), 2u);

  // Form 0 listing the index 2^32-1, which would read as kNullFunc: the
  // segment keeps ref.func expressions, for validation to reject.
  r = decode(module({section(kElement, vec(1, {0x00, 0x41, 0x00, 0x0B, 0x02, 0x00,
                                               0xFF, 0xFF, 0xFF, 0xFF, 0x0F}))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->elems[0].funcs.empty());
  ASSERT_EQ(r->elems[0].init.size(), 2u);
  EXPECT_EQ(r->elems[0].init[0].ops[0].imm, 0u);
  EXPECT_EQ(r->elems[0].init[1].ops[0].op, Opcode::ref_func);
  EXPECT_EQ(r->elems[0].init[1].ops[0].imm, 0xFFFFFFFFu);

  // ref.null extern in a funcref segment is not a null funcref: kept, to be
  // rejected by validation.
  r = decode(module({section(kElement, vec(1, {0x05, 0x70, 0x01, 0xD0, 0x6F, 0x0B}))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_TRUE(r->elems[0].funcs.empty());
  EXPECT_EQ(r->elems[0].init.size(), 1u);

  // An empty segment: no items in either form.
  r = decode(module({section(kElement, vec(1, {0x01, 0x00, 0x00}))}));
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->elems[0].size(), 0u);
}

TEST(Decoder, MalformedExports) {
  expect_malformed(module({section(kExport, vec(1, cat({name("x"), {0x04, 0x00}})))}),
                   "malformed export kind");
  // 2 exports declared, 1 given, then a code section: the second name's
  // length (the code section's id, 10) runs past the module (binary.wast).
  expect_malformed(
      module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(2, {0, 0})),
              {kExport, 0x06, 0x02, 0x02, 'f', '1', 0x00, 0x00},
              section(kCode, vec(2, cat({kBodyEmpty, kBodyEmpty})))}),
      "length out of bounds");
}

TEST(Decoder, CodeBodies) {
  // A body that runs past the end of the module.
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                           {kCode, 0x04, 0x01, 0x03, 0x00, 0x0B}}),
                   "unexpected end of section or function");
  // Locals that run past the body's end.
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                           section(kCode, vec(1, {0x02, 0x01, 0x01}))}),
                   "unexpected end of section or function");
  // A bad local type.
  expect_malformed(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                           section(kCode, vec(1, {0x04, 0x01, 0x01, 0x40, 0x0B}))}),
                   "malformed value type");
  // An empty body (not even `end`) is located; the validator reports it.
  auto r = decode(module({section(kType, vec(1, kTypeVoid)), section(kFunction, vec(1, {0x00})),
                          section(kCode, vec(1, {0x01, 0x00}))}));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->funcs[0].body_size, 0u);
}

TEST(Decoder, ErrorOffsets) {
  // "malformed import kind" points at the kind byte.
  const Bytes bytes = module({section(kImport, vec(1, {0x00, 0x00, 0x09}))});
  auto r = decode(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, bytes.size() - 1);
  // "section size mismatch" points at the section's content.
  r = decode(module({{kType, 0x05, 0x01, 0x60, 0x00, 0x00, 0x00}}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().offset, kHeader.size() + 2);
}

// --- types.cpp ---------------------------------------------------------------------

// --- load_file ------------------------------------------------------------------

// load_file stops reading a file once it is larger than max_module_size,
// with decode()'s error for a module that large (at the limit's offset):
// an endless file costs the limit, not all of memory.
TEST(LoadFile, StopsAtTheModuleSizeLimit) {
  // A 200-byte module: the header and a custom section of padding.
  const Bytes padding(200 - kHeader.size() - 3 - 2, 0x00);  // id, size (2 bytes), name
  const Bytes bytes = module({section(kCustom, cat({name("p"), padding}))});
  ASSERT_EQ(bytes.size(), 200u);
  const std::string unique = std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  const std::string path =
      (std::filesystem::temp_directory_path() / ("wasmslot_load_file_" + unique + ".wasm")).string();
  {
    std::ofstream out(path, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  }
  ModuleLimits limits;
  limits.max_module_size = 100;
  auto r = load_file(path, {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "module too large");
  EXPECT_EQ(r.error().offset, 100u);
  // What decode() says of the same bytes.
  auto d = decode(bytes, {}, limits);
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.error().message, r.error().message);
  // Exactly at the limit, and under the default one: loaded.
  limits.max_module_size = 200;
  EXPECT_TRUE(load_file(path, {}, limits).ok());
  EXPECT_TRUE(load_file(path).ok());
  std::filesystem::remove(path);
}

// An endless file stops at the limit instead of filling memory (the ctest
// timeout would catch a hang).
TEST(LoadFile, EndlessFileStopsAtTheLimit) {
  if (!std::filesystem::exists("/dev/zero")) GTEST_SKIP() << "no /dev/zero";
  ModuleLimits limits;
  limits.max_module_size = 16 << 20;
  auto r = load_file("/dev/zero", {}, limits);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "module too large");
  EXPECT_EQ(r.error().offset, limits.max_module_size);
}

TEST(Types, ToString) {
  EXPECT_STREQ(to_string(ValType::I32), "i32");
  EXPECT_STREQ(to_string(ValType::V128), "v128");
  EXPECT_STREQ(to_string(ValType::FuncRef), "funcref");
  EXPECT_STREQ(to_string(ValType::ExternRef), "externref");
  EXPECT_EQ(to_string(FuncType{{ValType::I32, ValType::I32}, {ValType::I64}}), "(i32 i32) -> (i64)");
  EXPECT_EQ(to_string(FuncType{}), "() -> ()");
  EXPECT_STREQ(to_string(ExternKind::Func), "func");
  EXPECT_STREQ(to_string(ExternKind::Global), "global");
}

}  // namespace
}  // namespace wasmslot
