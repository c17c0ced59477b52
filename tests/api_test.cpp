// The public API (include/wasmslot/) as an embedder sees it: what a module
// imports and exports, exports by kind, a host function reading the
// caller's memory through a bounds-checked view, the Result contract, and
// instruction names in traces. Only public headers are included here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;

namespace {

std::string fixture(const char* name) { return std::string(WASMSLOT_FIXTURE_DIR) + "/" + name + ".wasm"; }

// What api_surface.wat imports, with `log` as env.log.
Imports surface_imports(Store& store, HostFunc log) {
  Imports imports;
  imports.add("env", "log", Extern{ExternKind::Func, store.make_host_func({{ValType::I32, ValType::I32}, {}}, log)});
  Extern table{ExternKind::Table};
  table.table = store.make_table({ValType::FuncRef, {1, std::nullopt}}).value();
  imports.add("env", "table", table);
  Extern limit{ExternKind::Global};
  limit.global = store.make_global({ValType::I32, false}, Value::i32(3));
  imports.add("env", "limit", limit);
  Extern mem{ExternKind::Memory};
  mem.memory = store.make_memory({{1, 2}}).value();
  imports.add("env", "mem", mem);
  return imports;
}

TEST(PublicApi, LoadFileReportsTheFileAndTheOffset) {
  auto missing = load_file("/nonexistent/x.wasm");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().message, "/nonexistent/x.wasm: No such file or directory");
  auto bad = load({0x00, 0x61, 0x73, 0x6d, 0x02, 0x00, 0x00, 0x00});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "unknown binary version");
  EXPECT_EQ(bad.error().offset, 4u);
}

TEST(PublicApi, ModuleImportsAndExportsWithTheirTypes) {
  auto module = load_file(fixture("api_surface"));
  ASSERT_TRUE(module.ok()) << module.error().message;
  std::vector<ImportType> imports = module_imports(**module);
  ASSERT_EQ(imports.size(), 4u);
  EXPECT_EQ(imports[0].module + "." + imports[0].name, "env.log");
  EXPECT_EQ(imports[0].type.kind, ExternKind::Func);
  EXPECT_EQ(to_string(imports[0].type.func), "(i32 i32) -> ()");
  EXPECT_EQ(imports[1].type.kind, ExternKind::Table);
  EXPECT_EQ(imports[1].type.table.limits.min, 1u);
  EXPECT_EQ(imports[2].type.kind, ExternKind::Global);
  EXPECT_EQ(imports[2].type.global.type, ValType::I32);
  EXPECT_EQ(imports[3].type.kind, ExternKind::Memory);
  EXPECT_EQ(imports[3].type.memory.limits.max, 2u);

  std::vector<ExportType> exports = module_exports(**module);
  ASSERT_EQ(exports.size(), 7u);
  EXPECT_EQ(exports[1].name, "add");
  EXPECT_EQ(to_string(exports[1].type.func), "(i64 i64) -> (i64)");
  EXPECT_EQ(exports[2].name, "tab");
  EXPECT_EQ(exports[2].type.table.elem, ValType::ExternRef);  // a defined table, after the imported one
  EXPECT_EQ(exports[2].type.table.limits.max, 10u);
  EXPECT_EQ(exports[3].type.kind, ExternKind::Memory);
  EXPECT_FALSE(exports[3].type.memory.limits.max.has_value());
  EXPECT_EQ(exports[4].type.global.type, ValType::I64);
  EXPECT_TRUE(exports[4].type.global.mut);
  EXPECT_EQ(exports[5].name, "limit");
  EXPECT_EQ(exports[5].type.kind, ExternKind::Global);
  EXPECT_EQ(exports[5].type.global.type, ValType::I32);
  EXPECT_FALSE(exports[5].type.global.mut);
  EXPECT_EQ(exports[6].name, "log");
  EXPECT_EQ(to_string(exports[6].type.func), "(i32 i32) -> ()");
}

TEST(PublicApi, HostFunctionReadsTheCallersMemory) {
  auto module = load_file(fixture("api_surface"));
  ASSERT_TRUE(module.ok());
  Store store;
  std::string logged;
  Imports imports = surface_imports(store, [&](HostCall& call) {
    MemoryInst* memory = call.memory();
    if (!memory) return HostAnswer::trap("no memory");
    auto bytes = memory->view(static_cast<uint32_t>(call.arg(0).as_i32()), static_cast<uint32_t>(call.arg(1).as_i32()));
    if (!bytes) return HostAnswer::trap(bytes.error().message);
    logged.assign(bytes->begin(), bytes->end());
    return HostAnswer::ok();
  });
  Instance* instance = store.instantiate(*module, imports).value();
  ASSERT_TRUE(store.call(instance->get_func("greet"), {}).ok());
  EXPECT_EQ(logged, "hello");

  // Exports by kind; a name of another kind gives null.
  EXPECT_NE(instance->get_table("tab"), nullptr);
  EXPECT_NE(instance->get_memory("own"), nullptr);
  ASSERT_NE(instance->get_global("counter"), nullptr);
  EXPECT_EQ(instance->get_global("counter")->get(), Value::i64(7));
  EXPECT_EQ(instance->get_memory("tab"), nullptr);
  EXPECT_EQ(instance->get_func("own"), nullptr);
  EXPECT_EQ(instance->get_table("missing"), nullptr);
}

// Typed arguments and results, v128 included (two cells each).
TEST(PublicApi, HostCallArgumentsAndResultsAreTyped) {
  Store store;
  const FuncType type{{ValType::I32, ValType::V128, ValType::F64}, {ValType::V128, ValType::I64}};
  FuncInst* f = store.make_host_func(type, [](HostCall& call) {
    const Value v = call.arg(1);
    // Wrong index or type: refused, nothing written past the results.
    EXPECT_EQ(call.set_result(2, Value::i32(1)).error().message, "set_result: no result 2");
    EXPECT_EQ(call.set_result(1, Value::v128(9, 9)).error().message, "set_result: result 1 is i64, not v128");
    EXPECT_EQ(call.arg(3), Value{});
    EXPECT_TRUE(call.set_result(0, Value::v128(v.hi, v.lo)).ok());  // halves swapped
    EXPECT_TRUE(call.set_result(1, Value::i64(call.arg(0).as_i32() + static_cast<int64_t>(call.arg(2).as_f64()))).ok());
    return HostAnswer::ok();
  });
  const Value args[] = {Value::i32(-5), Value::v128(1, 2), Value::f64(40.0)};
  auto r = store.call(f, args);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0], Value::v128(2, 1));
  EXPECT_EQ((*r)[1], Value::i64(35));
}

// The embedder's own types are checked as the validator would.
TEST(PublicApi, MakeRefusesInvalidLimits) {
  Store store;
  EXPECT_EQ(store.make_table({ValType::FuncRef, {5, 2}}).error().message,
            "size minimum must not be greater than maximum");
  EXPECT_EQ(store.make_memory({{3, 1}}).error().message, "size minimum must not be greater than maximum");
  EXPECT_EQ(store.make_memory({{0, kMaxPages + 1}}).error().message,
            "memory size must be at most 65536 pages (4GiB)");
  EXPECT_EQ(store.make_table({ValType::FuncRef, {0, uint64_t{1} << 32}}).error().message,
            "table size must be at most 2^32-1");
  EXPECT_EQ(store.totals().memory_bytes, 0u);
  EXPECT_EQ(store.totals().table_elems, 0u);
}

TEST(PublicApi, MemoryViewsAreBoundsChecked) {
  Store store;
  MemoryInst* memory = store.make_memory({{1, std::nullopt}}).value();
  const uint8_t in[4] = {1, 2, 3, 4};
  ASSERT_TRUE(memory->write(kPageSize - 4, in).ok());
  uint8_t out[4] = {};
  ASSERT_TRUE(memory->read(kPageSize - 4, out).ok());
  EXPECT_EQ(std::vector<uint8_t>(out, out + 4), std::vector<uint8_t>(in, in + 4));
  // One byte past the end, an offset past it, and a length that would wrap.
  EXPECT_EQ(memory->write(kPageSize - 3, in).error().message, "out of bounds memory access");
  EXPECT_FALSE(memory->read(kPageSize + 1, {out, 0}).ok());
  EXPECT_FALSE(memory->view(8, UINT64_MAX - 4).ok());
  EXPECT_TRUE(memory->view(kPageSize, 0).ok());  // an empty view at the end is in bounds
  // A grown memory's new bytes are zero and reachable.
  ASSERT_EQ(memory->grow(1), 1);
  auto tail = memory->view(2 * kPageSize - 1, 1);
  ASSERT_TRUE(tail.ok());
  EXPECT_EQ((*tail)[0], 0);
}

TEST(PublicApi, TracesNameEachInstruction) {
  auto module = load_file(fixture("api_surface"));
  ASSERT_TRUE(module.ok());
  Config config;
  std::vector<std::string> names;
  config.trace = [&](const TraceEvent& e) { names.emplace_back(e.name); };
  Store store(config);
  Imports imports = surface_imports(store, [](HostCall&) { return HostAnswer::ok(); });
  Instance* instance = store.instantiate(*module, imports).value();
  const Value args[] = {Value::i64(2), Value::i64(40)};
  auto sum = store.call(instance->get_func("add"), args);
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ((*sum)[0], Value::i64(42));
  ASSERT_FALSE(names.empty());
  EXPECT_EQ(names.back(), "return");
}

TEST(PublicApiDeathTest, TakingTheValueOfAnErrorAborts) {
  Result<int> r = Error{"boom"};
  EXPECT_DEATH((void)r.value(), "Result::value\\(\\) called on a Result holding the error: boom");
  Result<int> v = 5;
  EXPECT_DEATH((void)v.error(), "Result::error\\(\\) called on a Result holding a value");
}

}  // namespace
