// Tests of the interpreter (interp/): the store, instantiation, the Thread
// and its dispatch loop.
//
// The first part builds modules by hand, writing the translated code that the
// validator would produce (see loader/module.h), so calls, traps, deep
// recursion, stack growth and host functions (Ok, Trap, Pending + resume) are
// tested independently of the loader. The second part loads WAT fixtures
// compiled by wat2wasm at build time.
#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "wasmslot/runtime.h"
#include "loader/loader.h"

namespace wasmslot {
namespace {

using O = Opcode;

Instr I(Opcode op, uint32_t a = 0, uint64_t b = 0) { return Instr{op, 0, a, b}; }
uint64_t keep_drop(uint32_t keep, uint32_t drop) { return keep | (uint64_t{drop} << 32); }

// Builds a Module the way the loader would leave it (types, functions with
// translated code, imports, exports), without bytes to decode.
struct ModuleBuilder {
  Module m;

  uint32_t type(std::vector<ValType> params, std::vector<ValType> results) {
    m.types.push_back({std::move(params), std::move(results)});
    return static_cast<uint32_t>(m.types.size() - 1);
  }
  uint32_t import_func(std::string mod, std::string name, uint32_t type_index) {
    Import imp;
    imp.module = std::move(mod);
    imp.name = std::move(name);
    imp.kind = ExternKind::Func;
    imp.type_index = type_index;
    m.imports.push_back(imp);
    return m.num_imported_funcs++;
  }
  // A function: extra_locals i32/i64 locals after the parameters; max_height
  // is the highest stack height from fp, locals included.
  uint32_t func(uint32_t type_index, std::vector<Instr> code, uint32_t extra_locals, uint32_t max_height,
                const char* export_name = nullptr) {
    Func f;
    f.type_index = type_index;
    const FuncType& t = m.types[type_index];
    f.code.instrs = std::move(code);
    f.code.param_cells = static_cast<uint32_t>(t.params.size());
    f.code.local_cells = f.code.param_cells + extra_locals;
    f.code.result_cells = static_cast<uint32_t>(t.results.size());
    f.code.max_height = max_height;
    if (extra_locals) f.locals.push_back({extra_locals, ValType::I64});
    m.funcs.push_back(std::move(f));
    const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(m.funcs.size() - 1);
    if (export_name) m.exports.push_back({export_name, ExternKind::Func, index});
    return index;
  }
  std::shared_ptr<const Module> build() { return std::make_shared<const Module>(std::move(m)); }
};

Instance* must_instantiate(Store& store, std::shared_ptr<const Module> m, const Imports& imports = {}) {
  auto r = store.instantiate(std::move(m), imports);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
  return r.ok() ? r.value() : nullptr;
}

// (func (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
TEST(Interp, AddTwoNumbers) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I32, ValType::I32}, {ValType::I32});
  b.func(t, {I(O::local_get, 0, 1), I(O::local_get, 1, 1), I(O::i32_add), I(O::return_, 1)}, 0, 4, "add");
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  ASSERT_TRUE(inst);
  const Value args[] = {Value::i32(40), Value::i32(2)};
  auto r = store.call(inst->get_func("add"), args);
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0], Value::i32(42));
  // Wrap-around.
  const Value args2[] = {Value::i32(INT32_MAX), Value::i32(1)};
  EXPECT_EQ(store.call(inst->get_func("add"), args2).value()[0], Value::i32(INT32_MIN));
}

// fac(n) = n == 0 ? 1 : n * fac(n - 1), over i64, with recursion through the
// heap call stack.
std::vector<Instr> fac_code(uint32_t self) {
  return {
      I(O::local_get, 0, 1),                       // 0
      I(O::i64_eqz),                               // 1
      I(O::br_unless, 5, keep_drop(0, 0)),         // 2: if n != 0 goto 5
      I(O::i64_const, 0, 1),                       // 3
      I(O::return_, 1),                            // 4
      I(O::local_get, 0, 1),                       // 5
      I(O::local_get, 0, 1),                       // 6
      I(O::i64_const, 0, 1),                       // 7
      I(O::i64_sub),                               // 8
      I(O::call, self),                            // 9
      I(O::i64_mul),                               // 10
      I(O::return_, 1),                            // 11
  };
}

TEST(Interp, RecursiveFactorial) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I64}, {ValType::I64});
  b.func(t, fac_code(0), 0, 4, "fac");
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  const Value args[] = {Value::i64(20)};
  auto r = store.call(inst->get_func("fac"), args);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(2432902008176640000ll));
}

// sum(n) = n == 0 ? 0 : n + sum(n - 1), each frame with 8 extra locals: deep
// recursion that needs the value stack to grow many times from its initial
// 1024 cells, and far more frames than a native stack would survive.
TEST(Interp, DeepRecursionGrowsTheStack) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I64}, {ValType::I64});
  b.func(t,
         {
             I(O::local_get, 0, 1),                // 0
             I(O::i64_eqz),                        // 1
             I(O::br_unless, 5, keep_drop(0, 0)),  // 2
             I(O::i64_const, 0, 0),                // 3
             I(O::return_, 1),                     // 4
             I(O::local_get, 0, 1),                // 5
             I(O::local_get, 0, 1),                // 6
             I(O::i64_const, 0, 1),                // 7
             I(O::i64_sub),                        // 8
             I(O::local_tee, 3, 1),                // 9: a declared local, to touch it
             I(O::call, 0),                        // 10
             I(O::i64_add),                        // 11
             I(O::return_, 1),                     // 12
         },
         8, 12, "sum");
  Config config;
  config.max_call_depth = 300000;
  config.max_stack_cells = 1ull << 24;
  Store store(config);
  Instance* inst = must_instantiate(store, b.build());
  const Value args[] = {Value::i64(200000)};
  auto r = store.call(inst->get_func("sum"), args);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i64(200000ll * 200001 / 2));
}

TEST(Interp, InfiniteRecursionExhaustsFrames) {
  ModuleBuilder b;
  const uint32_t t = b.type({}, {});
  b.func(t, {I(O::call, 0), I(O::return_, 0)}, 0, 0, "loop");
  Config config;
  config.max_call_depth = 150000;
  Store store(config);
  Instance* inst = must_instantiate(store, b.build());
  auto r = store.call(inst->get_func("loop"), {});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "call stack exhausted");
}

TEST(Interp, InfiniteRecursionExhaustsStackCells) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I64}, {});
  b.func(t, {I(O::local_get, 0, 1), I(O::call, 0), I(O::return_, 0)}, 30, 32, "loop");
  Config config;
  config.max_call_depth = 1000000;
  config.max_stack_cells = 100000;
  Store store(config);
  Instance* inst = must_instantiate(store, b.build());
  const Value args[] = {Value::i64(1)};
  auto r = store.call(inst->get_func("loop"), args);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "call stack exhausted");
}

TEST(Interp, Traps) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I32, ValType::I32}, {ValType::I32});
  const uint32_t t0 = b.type({}, {});
  b.func(t, {I(O::local_get, 0, 1), I(O::local_get, 1, 1), I(O::i32_div_s), I(O::return_, 1)}, 0, 4, "div");
  b.func(t0, {I(O::unreachable), I(O::return_, 0)}, 0, 0, "unreachable");
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  const Value zero[] = {Value::i32(1), Value::i32(0)};
  EXPECT_EQ(store.call(inst->get_func("div"), zero).error().message, "integer divide by zero");
  const Value ovf[] = {Value::i32(INT32_MIN), Value::i32(-1)};
  EXPECT_EQ(store.call(inst->get_func("div"), ovf).error().message, "integer overflow");
  const Value ok[] = {Value::i32(-7), Value::i32(2)};
  EXPECT_EQ(store.call(inst->get_func("div"), ok).value()[0], Value::i32(-3));
  EXPECT_EQ(store.call(inst->get_func("unreachable"), {}).error().message, "unreachable");
}

TEST(Interp, ArgumentsAreChecked) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I32, ValType::I32}, {ValType::I32});
  b.func(t, {I(O::local_get, 0, 1), I(O::return_, 1)}, 0, 3, "first");
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  const Value one[] = {Value::i32(1)};
  EXPECT_FALSE(store.call(inst->get_func("first"), one).ok());
  const Value wrong[] = {Value::i32(1), Value::i64(2)};
  EXPECT_FALSE(store.call(inst->get_func("first"), wrong).ok());
}

// br_table choosing among three exits, each carrying one value over a
// dropped operand.
TEST(Interp, BrTableKeepsAndDrops) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I32}, {ValType::I32});
  std::vector<Instr> code = {
      I(O::i32_const, 0, 99),        // 0: an operand the branches drop
      I(O::i32_const, 0, 100),       // 1: the value they keep
      I(O::local_get, 0, 1),         // 2
      I(O::br_table, 0, 2),          // 3: labels 0, 1; default 2
      I(O::return_, 1),              // 4 (unreachable)
      I(O::i32_const, 0, 1),         // 5: target A: 100 + 1
      I(O::i32_add),                 // 6
      I(O::return_, 1),              // 7
      I(O::i32_const, 0, 2),         // 8: target B: 100 + 2
      I(O::i32_add),                 // 9
      I(O::return_, 1),              // 10
  };
  b.func(t, code, 0, 5, "pick");
  b.m.funcs.back().code.br_tables = {{5, 1, 1}, {8, 1, 1}, {4, 1, 1}};
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  auto pick = [&](int32_t i) {
    const Value args[] = {Value::i32(i)};
    return store.call(inst->get_func("pick"), args).value()[0].as_i32();
  };
  EXPECT_EQ(pick(0), 101);
  EXPECT_EQ(pick(1), 102);
  EXPECT_EQ(pick(2), 100);
  EXPECT_EQ(pick(-1), 100);  // huge unsigned index: the default
}

// ---------------------------------------------------------------------------
// Host functions

struct HostFixture {
  Store store;
  FuncInst* host = nullptr;
  Instance* inst = nullptr;

  // (import "env" "f" (func (param i32) (result i32)))
  // (func (export "run") (param i32) (result i32)
  //   local.get 0  call $f  i32.const 1000  i32.add)
  explicit HostFixture(HostFunc fn) {
    ModuleBuilder b;
    const uint32_t t = b.type({ValType::I32}, {ValType::I32});
    b.import_func("env", "f", t);
    b.func(t, {I(O::local_get, 0, 1), I(O::call, 0), I(O::i32_const, 0, 1000), I(O::i32_add), I(O::return_, 1)}, 0,
           3, "run");
    host = store.make_host_func({{ValType::I32}, {ValType::I32}}, std::move(fn), "env.f");
    Imports imports;
    imports.add("env", "f", Extern{ExternKind::Func, host});
    inst = must_instantiate(store, b.build(), imports);
  }
  FuncInst* run() { return inst->get_func("run"); }
};

TEST(InterpHost, Ok) {
  Instance* seen_caller = nullptr;
  HostFixture fx([&](HostCall& c) {
    seen_caller = c.caller;
    c.results[0] = static_cast<uint32_t>(static_cast<int32_t>(c.args[0]) * 2);
    return HostAnswer::ok();
  });
  const Value args[] = {Value::i32(21)};
  auto r = fx.store.call(fx.run(), args);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0], Value::i32(1042));
  EXPECT_EQ(seen_caller, fx.inst);
}

TEST(InterpHost, Trap) {
  HostFixture fx([](HostCall&) { return HostAnswer::trap("host says no"); });
  const Value args[] = {Value::i32(1)};
  auto r = fx.store.call(fx.run(), args);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "host says no");
}

TEST(InterpHost, PendingThenResume) {
  std::vector<int32_t> seen;
  HostFixture fx([&](HostCall& c) {
    seen.push_back(static_cast<int32_t>(c.args[0]));
    return HostAnswer::pending(77);
  });
  Thread thread(fx.store);
  const Value args[] = {Value::i32(5)};
  ASSERT_EQ(thread.invoke(fx.run(), args), ExecState::Suspended);
  EXPECT_EQ(thread.pending_handle(), 77u);
  EXPECT_EQ(seen, std::vector<int32_t>{5});
  const uint64_t result[] = {123};
  ASSERT_EQ(thread.resume(result), ExecState::Done) << thread.trap_message();
  ASSERT_EQ(thread.results().size(), 1u);
  EXPECT_EQ(thread.results()[0], Value::i32(1123));

  // The same thread, reused; this time the pending call is rejected.
  ASSERT_EQ(thread.invoke(fx.run(), args), ExecState::Suspended);
  ASSERT_EQ(thread.resume_trap("rejected: 9"), ExecState::Trapped);
  EXPECT_EQ(thread.trap_message(), "rejected: 9");
  // And reused once more after the trap.
  ASSERT_EQ(thread.invoke(fx.run(), args), ExecState::Suspended);
  const uint64_t wrong[] = {1, 2};
  EXPECT_EQ(thread.resume(wrong), ExecState::Trapped);  // wrong number of cells
}

TEST(InterpHost, ManySuspendedThreadsAtOnce) {
  HostFixture fx([](HostCall& c) { return HostAnswer::pending(static_cast<uint32_t>(c.args[0])); });
  std::vector<std::unique_ptr<Thread>> threads;
  for (int i = 0; i < 1000; ++i) {
    threads.push_back(std::make_unique<Thread>(fx.store));
    const Value args[] = {Value::i32(i)};
    ASSERT_EQ(threads.back()->invoke(fx.run(), args), ExecState::Suspended);
    EXPECT_EQ(threads.back()->pending_handle(), static_cast<uint32_t>(i));
  }
  // Resume in reverse order: each result reaches its own call.
  for (int i = 999; i >= 0; --i) {
    const uint64_t result[] = {static_cast<uint64_t>(i) * 3};
    ASSERT_EQ(threads[i]->resume(result), ExecState::Done);
    EXPECT_EQ(threads[i]->results()[0], Value::i32(i * 3 + 1000));
  }
}

TEST(InterpHost, PendingDuringSynchronousCallTraps) {
  HostFixture fx([](HostCall&) { return HostAnswer::pending(1); });
  const Value args[] = {Value::i32(1)};
  auto r = fx.store.call(fx.run(), args);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "asynchronous import called synchronously");
}

TEST(InterpHost, InvokedDirectly) {
  Store store;
  FuncInst* ok = store.make_host_func({{ValType::I64, ValType::I64}, {ValType::I64}}, [](HostCall& c) {
    c.results[0] = c.args[0] - c.args[1];
    return HostAnswer::ok();
  });
  const Value args[] = {Value::i64(10), Value::i64(3)};
  EXPECT_EQ(store.call(ok, args).value()[0], Value::i64(7));

  FuncInst* later = store.make_host_func({{}, {ValType::F64}}, [](HostCall&) { return HostAnswer::pending(5); });
  Thread thread(store);
  ASSERT_EQ(thread.invoke(later, {}), ExecState::Suspended);
  EXPECT_EQ(thread.pending_handle(), 5u);
  const uint64_t result[] = {Value::f64(2.5).lo};
  ASSERT_EQ(thread.resume(result), ExecState::Done);
  EXPECT_EQ(thread.results()[0], Value::f64(2.5));
}

// A host function that re-enters wasm synchronously through Store::call
// while the outer call is running.
TEST(InterpHost, ReentrantCall) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I64}, {ValType::I64});
  b.import_func("env", "twice_fac", t);
  b.func(t, fac_code(1), 0, 4, "fac");
  b.func(t, {I(O::local_get, 0, 1), I(O::call, 0), I(O::return_, 1)}, 0, 2, "outer");
  Store store;
  Instance* inst = nullptr;
  FuncInst* host = store.make_host_func(FuncType{{ValType::I64}, {ValType::I64}}, [&](HostCall& c) {
    const Value args[] = {Value::i64(static_cast<int64_t>(c.args[0]))};
    auto r = c.store.call(inst->get_func("fac"), args);
    if (!r) return HostAnswer::trap(r.error().message);
    c.results[0] = 2 * (*r)[0].lo;
    return HostAnswer::ok();
  });
  Imports imports;
  imports.add("env", "twice_fac", Extern{ExternKind::Func, host});
  inst = must_instantiate(store, b.build(), imports);
  const Value args[] = {Value::i64(5)};
  EXPECT_EQ(store.call(inst->get_func("outer"), args).value()[0], Value::i64(240));
}

// ---------------------------------------------------------------------------
// Instantiation

ConstExpr i32_expr(int32_t v) {
  ConstExpr e;
  e.ops.push_back({Opcode::i32_const, static_cast<uint32_t>(v), 0});
  return e;
}

TEST(InterpInstantiate, ImportErrors) {
  ModuleBuilder b;
  const uint32_t t = b.type({ValType::I32}, {ValType::I32});
  b.import_func("env", "f", t);
  auto m = b.build();
  Store store;
  auto r = store.instantiate(m, Imports{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "unknown import: env.f");

  Imports wrong_type;
  wrong_type.add("env", "f", Extern{ExternKind::Func, store.make_host_func({{}, {}}, nullptr)});
  r = store.instantiate(m, wrong_type);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "incompatible import type: env.f");

  Imports wrong_kind;
  Extern mem;
  mem.kind = ExternKind::Memory;
  mem.memory = store.make_memory({}).value();
  wrong_kind.add("env", "f", mem);
  r = store.instantiate(m, wrong_kind);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "incompatible import type: env.f");
}

TEST(InterpInstantiate, MemoryLimitsMatching) {
  Module m;
  Import imp;
  imp.module = "env";
  imp.name = "mem";
  imp.kind = ExternKind::Memory;
  imp.memory.limits = {2, 4};
  m.imports.push_back(imp);
  m.num_imported_memories = 1;
  auto mod = std::make_shared<const Module>(std::move(m));
  Store store;
  auto try_with = [&](Limits l) {
    Imports imports;
    Extern e;
    e.kind = ExternKind::Memory;
    e.memory = store.make_memory({l}).value();
    imports.add("env", "mem", e);
    return store.instantiate(mod, imports).ok();
  };
  EXPECT_TRUE(try_with({2, 4}));
  EXPECT_TRUE(try_with({3, 3}));
  EXPECT_FALSE(try_with({1, 4}));             // too small
  EXPECT_FALSE(try_with({2, std::nullopt}));  // no max where one is required
  EXPECT_FALSE(try_with({2, 5}));             // max too large
}

// Segments apply in order; a trapping one fails the instantiation but keeps
// what earlier segments wrote into the (imported, shared) memory.
TEST(InterpInstantiate, DataSegmentsAndPartialFailure) {
  Module m;
  m.bytes = {'h', 'i', 'x', 'y', 'z'};
  Import imp;
  imp.module = "env";
  imp.name = "mem";
  imp.kind = ExternKind::Memory;
  imp.memory.limits = {1, std::nullopt};
  m.imports.push_back(imp);
  m.num_imported_memories = 1;
  DataSegment ok;
  ok.mode = SegmentMode::Active;
  ok.offset = i32_expr(10);
  ok.bytes_offset = 0;
  ok.bytes_size = 2;
  DataSegment bad = ok;
  bad.offset = i32_expr(65534);
  bad.bytes_offset = 2;
  bad.bytes_size = 3;
  m.datas = {ok, bad};
  Store store;
  MemoryInst* mem = store.make_memory({{1, std::nullopt}}).value();
  Imports imports;
  Extern e;
  e.kind = ExternKind::Memory;
  e.memory = mem;
  imports.add("env", "mem", e);
  auto r = store.instantiate(std::make_shared<const Module>(std::move(m)), imports);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "out of bounds memory access");
  EXPECT_EQ(mem->data[10], 'h');
  EXPECT_EQ(mem->data[11], 'i');
  EXPECT_EQ(mem->data[65534], 0);  // nothing of the failing segment
}

// Element items in both of ElemSegment's forms become the same references:
// function indices (kNullFunc: null) and expressions, in segment order.
TEST(InterpInstantiate, ElementSegmentForms) {
  ModuleBuilder b;
  const uint32_t t = b.type({}, {});
  b.func(t, {I(O::return_, 0)}, 0, 0);
  b.func(t, {I(O::return_, 0)}, 0, 0);
  b.m.tables.push_back(TableType{ValType::FuncRef, {5, std::nullopt}});
  b.m.exports.push_back({"t", ExternKind::Table, 0});
  ElemSegment funcs;  // active at 0: func 1, null, func 0
  funcs.mode = SegmentMode::Active;
  funcs.offset = i32_expr(0);
  funcs.funcs = {1, ElemSegment::kNullFunc, 0};
  ElemSegment exprs;  // active at 3: (ref.func 0) (ref.null func)
  exprs.mode = SegmentMode::Active;
  exprs.offset = i32_expr(3);
  exprs.init = {ConstExpr{{ConstOp{O::ref_func, 0}}, 0},
                ConstExpr{{ConstOp{O::ref_null, static_cast<uint8_t>(ValType::FuncRef)}}, 0}};
  ElemSegment passive;  // kept for table.init
  passive.funcs = {ElemSegment::kNullFunc, 1};
  b.m.elems = {funcs, exprs, passive};
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  ASSERT_TRUE(inst);
  auto e = inst->get_export("t");
  ASSERT_TRUE(e && e->kind == ExternKind::Table);
  const auto& table = e->table->elems;
  ASSERT_EQ(table.size(), 5u);
  EXPECT_EQ(table[0], ref_of(inst->funcs[1]));
  EXPECT_EQ(table[1], Ref{0});
  EXPECT_EQ(table[2], ref_of(inst->funcs[0]));
  EXPECT_EQ(table[3], ref_of(inst->funcs[0]));
  EXPECT_EQ(table[4], Ref{0});
  ASSERT_EQ(inst->elems.size(), 3u);
  EXPECT_TRUE(inst->elems[0].empty());  // active segments are dropped
  EXPECT_EQ(inst->elems[2], (std::vector<Ref>{Ref{0}, ref_of(inst->funcs[1])}));
}

// A start function runs after the segments; it sets a global.
TEST(InterpInstantiate, StartFunctionAndGlobals) {
  ModuleBuilder b;
  const uint32_t t = b.type({}, {});
  Global g;
  g.type = {ValType::I32, true};
  g.init = i32_expr(5);
  b.m.globals.push_back(g);
  b.m.exports.push_back({"g", ExternKind::Global, 0});
  // start: g = g * 3
  b.m.start = b.func(t, {I(O::global_get, 0), I(O::i32_const, 0, 3), I(O::i32_mul), I(O::global_set, 0),
                         I(O::return_, 0)},
                     0, 2);
  Store store;
  Instance* inst = must_instantiate(store, b.build());
  ASSERT_TRUE(inst);
  auto e = inst->get_export("g");
  ASSERT_TRUE(e && e->kind == ExternKind::Global);
  EXPECT_EQ(e->global->get(), Value::i32(15));
  EXPECT_FALSE(inst->get_export("nope"));
  EXPECT_EQ(inst->get_func("g"), nullptr);
}

TEST(InterpStore, Growth) {
  Store store;
  MemoryInst* m = store.make_memory({{1, 3}}).value();
  EXPECT_EQ(m->grow(1), 1);
  EXPECT_EQ(m->pages(), 2u);
  EXPECT_EQ(m->grow(2), -1);  // past the declared max
  EXPECT_EQ(m->grow(0), 2);
  MemoryInst* n = store.make_memory({{0, std::nullopt}}).value();
  EXPECT_EQ(n->grow(kMaxPages + 1), -1);  // past the index space
  Config two_pages;
  two_pages.max_memory_pages = 2;
  Store small(two_pages);
  MemoryInst* o = small.make_memory({{0, std::nullopt}}).value();
  EXPECT_EQ(o->grow(3), -1);  // past the store's limit
  EXPECT_EQ(o->grow(2), 0);
  TableInst* t = store.make_table({ValType::FuncRef, {2, 10}}).value();
  EXPECT_EQ(t->grow(8, 7), 2);
  EXPECT_EQ(t->elems.size(), 10u);
  EXPECT_EQ(t->elems[9], 7u);
  EXPECT_EQ(t->grow(1), -1);  // past the declared max
  Config four_elems;
  four_elems.max_table_elems = 4;
  Store small_tables(four_elems);
  TableInst* u = small_tables.make_table({ValType::ExternRef, {0, std::nullopt}}).value();
  EXPECT_EQ(u->grow(5), -1);  // past the store's limit
  EXPECT_EQ(u->grow(4), 0);
}

// ---------------------------------------------------------------------------
// Fixtures: WAT compiled by wat2wasm at build time, loaded by the loader.

std::shared_ptr<const Module> load_fixture(const std::string& name) {
  std::ifstream in(std::string(WASMSLOT_FIXTURE_DIR) + "/" + name + ".wasm", std::ios::binary);
  EXPECT_TRUE(in) << "missing fixture " << name;
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto m = load(std::move(bytes));
  EXPECT_TRUE(m.ok()) << name << ": " << (m.ok() ? "" : m.error().message);
  return m.ok() ? m.value() : nullptr;
}

// The stackful async form (ASYNC.md, form 3): `sum 10` with get resolving to
// 5 every time suspends ten times and gives 60.
TEST(InterpFixture, SuspendFormThree) {
  auto m = load_fixture("suspend");
  ASSERT_TRUE(m);
  Store store;
  uint32_t next_handle = 0;
  FuncInst* get = store.make_host_func({{}, {ValType::I32}},
                                       [&](HostCall&) { return HostAnswer::pending(next_handle++); });
  Imports imports;
  imports.add("env", "get", Extern{ExternKind::Func, get});
  Instance* inst = must_instantiate(store, m, imports);
  ASSERT_TRUE(inst);
  Thread thread(store);
  const Value args[] = {Value::i32(10)};
  ExecState s = thread.invoke(inst->get_func("sum"), args);
  int suspensions = 0;
  while (s == ExecState::Suspended) {
    EXPECT_EQ(thread.pending_handle(), static_cast<uint32_t>(suspensions));
    ++suspensions;
    const uint64_t five[] = {5};
    s = thread.resume(five);
  }
  ASSERT_EQ(s, ExecState::Done) << thread.trap_message();
  EXPECT_EQ(suspensions, 10);
  EXPECT_EQ(thread.results()[0], Value::i32(60));
}

// Suspended 20000 frames deep: the whole stack waits on the heap, two such
// calls interleave, and each resumes into its own frames.
TEST(InterpFixture, SuspendDeepInRecursion) {
  auto m = load_fixture("interp_suspend_deep");
  ASSERT_TRUE(m);
  Config config;
  config.max_call_depth = 100000;
  Store store(config);
  FuncInst* get = store.make_host_func({{ValType::I32}, {ValType::I32}},
                                       [](HostCall&) { return HostAnswer::pending(1); });
  Imports imports;
  imports.add("env", "get", Extern{ExternKind::Func, get});
  Instance* inst = must_instantiate(store, m, imports);
  ASSERT_TRUE(inst);
  Thread a(store), b(store);
  const Value deep[] = {Value::i32(20000)};
  const Value shallow[] = {Value::i32(3)};
  ASSERT_EQ(a.invoke(inst->get_func("depth"), deep), ExecState::Suspended);
  ASSERT_EQ(b.invoke(inst->get_func("depth"), shallow), ExecState::Suspended);
  const uint64_t seven[] = {7};
  ASSERT_EQ(b.resume(seven), ExecState::Done) << b.trap_message();
  EXPECT_EQ(b.results()[0], Value::i32(10));
  const uint64_t hundred[] = {100};
  ASSERT_EQ(a.resume(hundred), ExecState::Done) << a.trap_message();
  EXPECT_EQ(a.results()[0], Value::i32(20100));
}

TEST(InterpFixture, CallIndirectTraps) {
  auto m = load_fixture("interp_suspend_deep");
  ASSERT_TRUE(m);
  Store store;
  FuncInst* get = store.make_host_func({{ValType::I32}, {ValType::I32}}, [](HostCall& c) {
    c.results[0] = c.args[0];
    return HostAnswer::ok();
  });
  Imports imports;
  imports.add("env", "get", Extern{ExternKind::Func, get});
  Instance* inst = must_instantiate(store, m, imports);
  ASSERT_TRUE(inst);
  auto apply = [&](int32_t f, int32_t x) {
    const Value args[] = {Value::i32(f), Value::i32(x)};
    return store.call(inst->get_func("apply"), args);
  };
  EXPECT_EQ(apply(0, 21).value()[0], Value::i32(42));
  EXPECT_EQ(apply(1, 5).value()[0], Value::i32(25));
  EXPECT_EQ(apply(2, 5).error().message, "uninitialized element");
  EXPECT_EQ(apply(4, 5).error().message, "undefined element");
  EXPECT_EQ(apply(-1, 5).error().message, "undefined element");
}

// Extended-const expressions deeper than eight operands (validation allows
// any depth) are evaluated at instantiation: globals and a data offset.
TEST(InterpFixture, DeepConstantExpressions) {
  auto m = load_fixture("const_deep");
  ASSERT_TRUE(m);
  Store store;
  Instance* inst = must_instantiate(store, m);
  ASSERT_TRUE(inst);
  ASSERT_NE(inst->get_global("sum"), nullptr);
  EXPECT_EQ(inst->get_global("sum")->get(), Value::i32(45));
  ASSERT_NE(inst->get_global("product"), nullptr);
  EXPECT_EQ(inst->get_global("product")->get(), Value::i64(1000));
  const Value args[] = {Value::i32(45)};
  auto at = store.call(inst->get_func("at"), args);
  ASSERT_TRUE(at.ok()) << at.error().message;
  EXPECT_EQ(at.value()[0], Value::i32('*'));
}


// ---------------------------------------------------------------------------
// Superinstructions (loader/fuse.cpp): load() translates with the fuser, and
// the fused code must compute exactly what the plain translation computes.
// The module below, written by wat2wasm from this text, exercises every
// operand form and its _set form, moves between locals, the tee rule, fused
// branches (br_if, and `if` through the negated comparison), and loads and
// stores with their address or value in locals and constants, including an
// address that wraps around (x + -8, then offset 16).
//
// (module
//   (memory 1)
//   (func (export "loop") (param i32 i32) (result i32)
//     (local i32 i32)
//     i32.const 0
//     local.set 2
//     local.get 1
//     local.set 3
//     block
//       local.get 0
//       i32.eqz
//       br_if 0
//       loop
//         local.get 2
//         local.get 3
//         local.get 1
//         i32.mul
//         i32.add
//         local.set 2
//         local.get 3
//         i32.const 1
//         i32.add
//         local.tee 3
//         local.get 0
//         i32.lt_u
//         br_if 0
//       end
//     end
//     local.get 2)
//   (func (export "forms") (param i32 i32) (result i32)
//     (local i32 i64)
//     local.get 0 local.get 1 i32.sub local.set 2
//     local.get 2 i32.const 7 i32.mul local.set 2
//     local.get 0 i32.const 3 i32.shl local.get 2 i32.xor local.set 2
//     local.get 2 local.get 1 i32.rotl i32.const 5 i32.sub local.set 2
//     local.get 1 i64.extend_i32_u i64.const 0x100000001 i64.mul local.tee 3
//     i32.wrap_i64 local.get 2 i32.add
//     local.get 3 i64.const 32 i64.shr_u i32.wrap_i64 i32.xor)
//   (func (export "cmp") (param i32 i32) (result i32)
//     local.get 0 local.get 1 i32.lt_s
//     if (result i32)
//       i32.const 1
//     else
//       local.get 0 i32.const 100 i32.gt_u
//       if (result i32) i32.const 2 else i32.const 3 end
//     end)
//   (func (export "mem") (param i32 i32) (result i32)
//     (local f64)
//     local.get 0 i32.const 8 i32.add local.get 1 i32.store
//     local.get 0 i32.const 16 i32.add f64.const 2.5 f64.store
//     local.get 0 i32.const 24 i32.add i32.const 0x1234 i32.store8 offset=1
//     local.get 0 i32.const 16 i32.add f64.load
//     local.get 0 i32.const 8 i32.add i32.load f64.convert_i32_s
//     f64.mul local.set 2
//     local.get 2 i32.trunc_f64_s
//     local.get 0 i32.const -8 i32.add i32.load offset=16 i32.add
//     local.get 0 i32.load16_u offset=24 i32.add))
const uint8_t kFusedModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x07, 0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01,
    0x7f, 0x03, 0x05, 0x04, 0x00, 0x00, 0x00, 0x00, 0x05, 0x03, 0x01, 0x00, 0x01, 0x07, 0x1c, 0x04,
    0x04, 0x6c, 0x6f, 0x6f, 0x70, 0x00, 0x00, 0x05, 0x66, 0x6f, 0x72, 0x6d, 0x73, 0x00, 0x01, 0x03,
    0x63, 0x6d, 0x70, 0x00, 0x02, 0x03, 0x6d, 0x65, 0x6d, 0x00, 0x03, 0x0a, 0xde, 0x01, 0x04, 0x2f,
    0x01, 0x02, 0x7f, 0x41, 0x00, 0x21, 0x02, 0x20, 0x01, 0x21, 0x03, 0x02, 0x40, 0x20, 0x00, 0x45,
    0x0d, 0x00, 0x03, 0x40, 0x20, 0x02, 0x20, 0x03, 0x20, 0x01, 0x6c, 0x6a, 0x21, 0x02, 0x20, 0x03,
    0x41, 0x01, 0x6a, 0x22, 0x03, 0x20, 0x00, 0x49, 0x0d, 0x00, 0x0b, 0x0b, 0x20, 0x02, 0x0b, 0x3f,
    0x02, 0x01, 0x7f, 0x01, 0x7e, 0x20, 0x00, 0x20, 0x01, 0x6b, 0x21, 0x02, 0x20, 0x02, 0x41, 0x07,
    0x6c, 0x21, 0x02, 0x20, 0x00, 0x41, 0x03, 0x74, 0x20, 0x02, 0x73, 0x21, 0x02, 0x20, 0x02, 0x20,
    0x01, 0x77, 0x41, 0x05, 0x6b, 0x21, 0x02, 0x20, 0x01, 0xad, 0x42, 0x81, 0x80, 0x80, 0x80, 0x10,
    0x7e, 0x22, 0x03, 0xa7, 0x20, 0x02, 0x6a, 0x20, 0x03, 0x42, 0x20, 0x88, 0xa7, 0x73, 0x0b, 0x1b,
    0x00, 0x20, 0x00, 0x20, 0x01, 0x48, 0x04, 0x7f, 0x41, 0x01, 0x05, 0x20, 0x00, 0x41, 0xe4, 0x00,
    0x4b, 0x04, 0x7f, 0x41, 0x02, 0x05, 0x41, 0x03, 0x0b, 0x0b, 0x0b, 0x50, 0x01, 0x01, 0x7c, 0x20,
    0x00, 0x41, 0x08, 0x6a, 0x20, 0x01, 0x36, 0x02, 0x00, 0x20, 0x00, 0x41, 0x10, 0x6a, 0x44, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x40, 0x39, 0x03, 0x00, 0x20, 0x00, 0x41, 0x18, 0x6a, 0x41,
    0xb4, 0x24, 0x3a, 0x00, 0x01, 0x20, 0x00, 0x41, 0x10, 0x6a, 0x2b, 0x03, 0x00, 0x20, 0x00, 0x41,
    0x08, 0x6a, 0x28, 0x02, 0x00, 0xb7, 0xa2, 0x21, 0x02, 0x20, 0x02, 0xaa, 0x20, 0x00, 0x41, 0x78,
    0x6a, 0x28, 0x02, 0x10, 0x6a, 0x20, 0x00, 0x2f, 0x01, 0x18, 0x6a, 0x0b,
};

// The module translated plainly (validate() alone) or with superinstructions
// (load()).
std::shared_ptr<const Module> fused_module(Translation translation) {
  std::vector<uint8_t> bytes(std::begin(kFusedModule), std::end(kFusedModule));
  if (translation == Translation::fused) return load(std::move(bytes)).value();
  Module m = decode(std::move(bytes)).value();
  EXPECT_TRUE(validate(m, {}, {}, Translation::plain).ok());
  return std::make_shared<const Module>(std::move(m));
}

bool contains(const Code& code, Opcode op) {
  for (const Instr& i : code.instrs)
    if (i.op == op) return true;
  return false;
}

TEST(InterpFused, SameResultsAsPlainCode) {
  auto plain = fused_module(Translation::plain);
  auto fused = fused_module(Translation::fused);
  // The fuser did fuse: fewer instructions, and the expected forms.
  for (size_t i = 0; i < fused->funcs.size(); ++i)
    EXPECT_LT(fused->funcs[i].code.instrs.size(), plain->funcs[i].code.instrs.size()) << "function " << i;
  EXPECT_TRUE(contains(fused->funcs[0].code, O::i32_add_set));
  EXPECT_TRUE(contains(fused->funcs[0].code, O::i32_add_lc_set));
  EXPECT_TRUE(contains(fused->funcs[0].code, O::br_if_i32_lt_u_ll));
  EXPECT_TRUE(contains(fused->funcs[0].code, O::local_set_c));
  EXPECT_TRUE(contains(fused->funcs[0].code, O::local_set_l));
  EXPECT_TRUE(contains(fused->funcs[1].code, O::i32_sub_ll_set));
  EXPECT_TRUE(contains(fused->funcs[1].code, O::i32_mul_lc_set));
  EXPECT_TRUE(contains(fused->funcs[1].code, O::i32_xor_sl_set));
  EXPECT_TRUE(contains(fused->funcs[1].code, O::i32_sub_sc_set));
  EXPECT_TRUE(contains(fused->funcs[1].code, O::i64_mul_sc_set));
  EXPECT_TRUE(contains(fused->funcs[2].code, O::br_if_i32_ge_s_ll));
  EXPECT_TRUE(contains(fused->funcs[2].code, O::br_if_i32_le_u_lc));
  EXPECT_TRUE(contains(fused->funcs[3].code, O::i32_store_sl));
  EXPECT_TRUE(contains(fused->funcs[3].code, O::f64_store_sc));
  EXPECT_TRUE(contains(fused->funcs[3].code, O::i32_store8_sc));
  EXPECT_TRUE(contains(fused->funcs[3].code, O::f64_load_lc));
  EXPECT_TRUE(contains(fused->funcs[3].code, O::f64_mul_set));

  Store store;
  Instance* p = must_instantiate(store, plain);
  Instance* f = must_instantiate(store, fused);
  ASSERT_TRUE(p && f);
  const int32_t inputs[][2] = {{0, 0},   {1, 2},       {5, 3},     {-7, 9},         {100, 100},
                               {101, 4}, {16, -16},    {200, 1},   {65512, 77},     {65520, 1},
                               {8, 8},   {INT32_MIN, -1}, {INT32_MAX, 3}};
  for (const char* name : {"loop", "forms", "cmp", "mem"}) {
    for (const auto& in : inputs) {
      if (std::string(name) == "loop" && (in[0] < 0 || in[0] > 1000)) continue;  // keep loops short
      const Value args[] = {Value::i32(in[0]), Value::i32(in[1])};
      auto expected = store.call(p->get_func(name), args);
      auto actual = store.call(f->get_func(name), args);
      SCOPED_TRACE(std::string(name) + "(" + std::to_string(in[0]) + ", " + std::to_string(in[1]) + ")");
      ASSERT_EQ(expected.ok(), actual.ok()) << (expected.ok() ? actual.error().message : expected.error().message);
      if (expected.ok()) EXPECT_EQ(expected.value(), actual.value());
      else EXPECT_EQ(expected.error().message, actual.error().message);
    }
  }
  // The wrapping address traps in both (0 + -8 is 0xFFFFFFF8; + 16 is past
  // the memory), and does not when it does not wrap.
  const Value wraps[] = {Value::i32(0), Value::i32(1)};
  EXPECT_EQ(store.call(f->get_func("mem"), wraps).error().message, "out of bounds memory access");
  const Value fits[] = {Value::i32(8), Value::i32(1)};
  EXPECT_TRUE(store.call(f->get_func("mem"), fits).ok());
}

// Thread::set_trace: one event per executed instruction, before it runs. On
// plain code each names the wasm instruction it comes from by its byte
// offset; fused code takes fewer steps, and has no offsets.
TEST(InterpTrace, OneEventPerInstruction) {
  auto plain = fused_module(Translation::plain);
  auto fused = fused_module(Translation::fused);
  Store store;
  Instance* p = must_instantiate(store, plain);
  Instance* f = must_instantiate(store, fused);
  ASSERT_TRUE(p && f);
  const Value args[] = {Value::i32(10), Value::i32(3)};

  std::vector<uint32_t> offsets;
  std::vector<uint64_t> heights;
  Thread thread(store);
  thread.set_trace([&](const TraceEvent& e) {
    EXPECT_EQ(e.depth, 0u);
    EXPECT_EQ(&e.instr, &e.func.func->code.instrs[e.index]);
    EXPECT_EQ(e.height, e.func.func->code.local_cells + e.operands.size());
    offsets.push_back(e.offset);
    heights.push_back(e.height);
  });
  ASSERT_EQ(thread.invoke(p->get_func("loop"), args), ExecState::Done);
  const std::vector<Value> expected = thread.results();
  const size_t plain_steps = offsets.size();
  ASSERT_GT(plain_steps, 10u);
  for (uint32_t at : offsets) {
    ASSERT_LT(at, plain->bytes.size());
    // Every step is a real instruction of the body: its first byte decodes.
    EXPECT_GE(kOpcodeTables.byte[plain->bytes[at]], 0) << at;
  }
  EXPECT_EQ(heights.front(), plain->funcs[0].code.local_cells);  // nothing pushed yet

  offsets.clear();
  ASSERT_EQ(thread.invoke(f->get_func("loop"), args), ExecState::Done);
  EXPECT_EQ(thread.results(), expected);
  EXPECT_LT(offsets.size(), plain_steps);
  for (uint32_t at : offsets) EXPECT_EQ(at, TraceEvent::kNoOffset);

  // No trace function: no events; Config::trace gives every new Thread one.
  offsets.clear();
  thread.set_trace({});
  ASSERT_EQ(thread.invoke(p->get_func("loop"), args), ExecState::Done);
  EXPECT_TRUE(offsets.empty());
  Config config;
  config.trace = [&](const TraceEvent& e) { offsets.push_back(e.offset); };
  Store traced(config);
  Instance* t = must_instantiate(traced, plain);
  ASSERT_TRUE(t);
  EXPECT_EQ(traced.call(t->get_func("loop"), args).value(), expected);
  EXPECT_EQ(offsets.size(), plain_steps);
}

}  // namespace
}  // namespace wasmslot
