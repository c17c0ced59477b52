// wasmslot-bench: Google Benchmark micro benchmarks of the interpreter, the
// host boundary, the async protocol and the loader. See bench/README.md for
// what each one measures.
//
//   build-bench/bench/wasmslot-bench                       # everything
//   build-bench/bench/wasmslot-bench --benchmark_filter=loop/
//   build-bench/bench/wasmslot-bench --dump-generated=big.wasm   # the generated module
//
// The kernels are bench/wat/*.wat, compiled by wat2wasm at build time into
// WASMSLOT_BENCH_WAT_DIR. Load throughput also reads the workloads' .wasm
// files in WASMSLOT_BENCH_DIR when they were built (clang-14).
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "wasmslot/async.h"
#include "wasmslot/runtime.h"
#include "loader/loader.h"

// The memory benchmark reads the heap's size from glibc (mallinfo2, 2.33+).
#if defined(__GLIBC__) && defined(__GLIBC_PREREQ)
#if __GLIBC_PREREQ(2, 33)
#include <malloc.h>
#define WASMSLOT_BENCH_HEAP_SIZE 1
#endif
#endif

#ifndef WASMSLOT_BENCH_WAT_DIR
#error "WASMSLOT_BENCH_WAT_DIR must name the directory of the compiled bench/wat modules"
#endif
#ifndef WASMSLOT_BENCH_DIR
#define WASMSLOT_BENCH_DIR ""
#endif

using namespace wasmslot;

namespace {

// ---------------------------------------------------------------------------
// Helpers

std::vector<uint8_t> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::shared_ptr<const Module> load_file(const std::string& name) {
  auto path = std::filesystem::path(WASMSLOT_BENCH_WAT_DIR) / name;
  auto m = load(read_file(path));
  if (!m.ok()) throw std::runtime_error(path.string() + ": " + m.error().message);
  return m.value();
}

Instance* instantiate_or_throw(Store& store, std::shared_ptr<const Module> m, const Imports& imports) {
  auto inst = store.instantiate(std::move(m), imports);
  if (!inst.ok()) throw std::runtime_error("instantiate: " + inst.error().message);
  return inst.value();
}

const FuncType kUnop{{ValType::I32}, {ValType::I32}};

// Reports, besides time per call, the rate of loop iterations (items_per_second)
// and the time of one iteration ("per_iter").
void report_iterations(benchmark::State& state, int64_t per_call) {
  state.SetItemsProcessed(state.iterations() * per_call);
  state.counters["per_iter"] = benchmark::Counter(
      static_cast<double>(per_call),
      benchmark::Counter::kIsIterationInvariantRate | benchmark::Counter::kInvert);
}

// ---------------------------------------------------------------------------
// bench/wat/micro.wat, instantiated once: env.host answers Ok (x + 1),
// env.wait answers Pending (the Thread suspends).

struct Micro {
  Store store;
  Instance* inst = nullptr;

  Micro() {
    Imports imports;
    FuncInst* host = store.make_host_func(
        kUnop,
        [](HostCall& c) {
          c.results[0] = static_cast<uint32_t>(c.args[0] + 1);
          return HostAnswer::ok();
        },
        "env.host");
    FuncInst* wait = store.make_host_func(
        kUnop, [](HostCall&) { return HostAnswer::pending(1); }, "env.wait");
    imports.add("env", "host", Extern{ExternKind::Func, host});
    imports.add("env", "wait", Extern{ExternKind::Func, wait});
    inst = instantiate_or_throw(store, load_file("micro.wasm"), imports);
  }
  FuncInst* func(const char* name) const {
    FuncInst* f = inst->get_func(name);
    if (!f) throw std::runtime_error(std::string("micro.wasm exports no ") + name);
    return f;
  }
};

Micro& micro() {
  static Micro m;
  return m;
}

// A wasm loop of state.range(0) iterations, called through Store::call.
void BM_Loop(benchmark::State& state, const char* export_name) {
  Micro& m = micro();
  FuncInst* f = m.func(export_name);
  const auto n = static_cast<int32_t>(state.range(0));
  const Value args[] = {Value::i32(n)};
  for (auto _ : state) {
    auto r = m.store.call(f, args);
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(r.value().data());
  }
  report_iterations(state, n);
}

// Entry and exit: one Store::call of the identity function.
void BM_EnterExit(benchmark::State& state) {
  Micro& m = micro();
  FuncInst* f = m.func("id");
  const Value args[] = {Value::i32(7)};
  for (auto _ : state) {
    auto r = m.store.call(f, args);
    if (!r.ok()) {
      state.SkipWithError(r.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(r.value().data());
  }
  report_iterations(state, 1);
}

// Entry and exit through a reused Thread (no Store::call wrapper).
void BM_ThreadInvoke(benchmark::State& state) {
  Micro& m = micro();
  FuncInst* f = m.func("id");
  Thread thread(m.store);
  const Value args[] = {Value::i32(7)};
  for (auto _ : state) {
    if (thread.invoke(f, args) != ExecState::Done) {
      state.SkipWithError(thread.trap_message().c_str());
      return;
    }
    benchmark::DoNotOptimize(thread.results().data());
  }
  report_iterations(state, 1);
}

// Suspend/resume round trips at the interpreter's hook (form 3's mechanism):
// wait_loop(n) calls env.wait n times; each call answers Pending, the Thread
// returns Suspended, and Thread::resume continues it with a result.
void BM_SuspendResumeThread(benchmark::State& state) {
  Micro& m = micro();
  FuncInst* f = m.func("wait_loop");
  Thread thread(m.store);
  const auto n = static_cast<int32_t>(state.range(0));
  const Value args[] = {Value::i32(n)};
  const uint64_t answer[] = {1};
  for (auto _ : state) {
    ExecState s = thread.invoke(f, args);
    int32_t rounds = 0;
    while (s == ExecState::Suspended) {
      ++rounds;
      s = thread.resume(answer);
    }
    if (s != ExecState::Done || rounds != n) {
      state.SkipWithError(s == ExecState::Trapped ? thread.trap_message().c_str()
                                                  : "unexpected number of suspensions");
      return;
    }
    benchmark::DoNotOptimize(thread.results().data());
  }
  report_iterations(state, n);
}

// ---------------------------------------------------------------------------
// The async protocol through AsyncRuntime (promise slots + event loop).

// Form 3: sum(n) awaits env.get n times; the import settles its slot at once,
// so each await is: slot created, Pending, settlement, resumption scheduled on
// the ready queue, loop runs it, Thread::resume.
void BM_AsyncSuspend(benchmark::State& state) {
  Store store;
  AsyncRuntime rt(store);
  auto module = load_file("async_suspend.wasm");
  Imports imports;
  auto def = rt.define_async(imports, *module, "env", "get",
                             [](std::span<const Value>, Slot slot) { slot.resolve(Value::i32(1)); });
  if (!def.ok()) {
    state.SkipWithError(def.error().message.c_str());
    return;
  }
  Instance* inst = instantiate_or_throw(store, module, imports);
  const auto n = static_cast<int32_t>(state.range(0));
  const Value args[] = {Value::i32(n)};
  for (auto _ : state) {
    auto r = rt.call(*inst, "sum", args);
    if (!r.ok() || r.value().at(0).as_i32() != n) {
      state.SkipWithError(r.ok() ? "wrong sum" : r.error().message.c_str());
      return;
    }
  }
  report_iterations(state, n);
}

// Form 1: one whole asynchronous call per iteration: call() runs, env.get
// creates a slot and returns, the host settles it, the loop dispatches
// callback(v), whose result is the call's result.
void BM_AsyncCallback(benchmark::State& state) {
  Store store;
  AsyncRuntime rt(store);
  auto module = load_file("async_callback.wasm");
  Imports imports;
  auto def = rt.define_async(imports, *module, "env", "get",
                             [](std::span<const Value>, Slot slot) { slot.resolve(Value::i32(41)); });
  if (!def.ok()) {
    state.SkipWithError(def.error().message.c_str());
    return;
  }
  Instance* inst = instantiate_or_throw(store, module, imports);
  for (auto _ : state) {
    auto r = rt.call(*inst, "call", {});
    if (!r.ok() || r.value().at(0).as_i32() != 42) {
      state.SkipWithError(r.ok() ? "wrong result" : r.error().message.c_str());
      return;
    }
  }
  report_iterations(state, 1);
}

#ifdef WASMSLOT_BENCH_HEAP_SIZE
// Heap bytes in use now (glibc: what malloc handed out, its per-block
// overhead included, plus large mmapped blocks).
size_t heap_in_use() {
  struct mallinfo2 mi = mallinfo2();
  return mi.uordblks + mi.hblkhd;
}
#endif

// N calls of sum(1) started together; env.get keeps every slot pending, so
// after one loop turn all N are suspended at once.
struct SuspendedCalls {
  Store store;
  AsyncRuntime rt{store};
  std::vector<Slot> waiting;
  Instance* inst = nullptr;

  explicit SuspendedCalls(size_t n) {
    auto module = load_file("async_suspend.wasm");
    Imports imports;
    auto def = rt.define_async(imports, *module, "env", "get",
                               [this](std::span<const Value>, Slot slot) { waiting.push_back(slot); });
    if (!def.ok()) throw std::runtime_error(def.error().message);
    inst = instantiate_or_throw(store, module, imports);
    waiting.reserve(n);
  }
  // Starts n calls and runs the loop until they are all suspended.
  bool suspend(size_t n) {
    const Value args[] = {Value::i32(1)};
    for (size_t i = 0; i < n; ++i)
      if (!rt.start(*inst, "sum", args).ok()) return false;
    rt.loop().run();
    return waiting.size() == n && rt.running_calls() == n;
  }
};

#ifdef WASMSLOT_BENCH_HEAP_SIZE
// Memory per suspended call: the heap grown by starting N calls of a shallow
// function and leaving them all suspended on a pending slot, divided by N.
// It is all a suspended call costs: its AsyncCall, Thread (value stack and
// frames included), promise slot and the runtime's entry for it.
void BM_AsyncSuspendedMemory(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  double per_call = 0;
  for (auto _ : state) {
    SuspendedCalls calls(n);
    size_t before = heap_in_use();
    if (!calls.suspend(n)) {
      state.SkipWithError("the calls did not all suspend");
      return;
    }
    per_call = static_cast<double>(heap_in_use() - before) / static_cast<double>(n);
    state.PauseTiming();  // tearing down is not part of it
    calls.rt.cancel_all("done");
    state.ResumeTiming();
  }
  state.counters["bytes_per_call"] = per_call;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}
#endif

// Slots settled per second: N calls are suspended, then every slot is
// resolved and the loop resumes each call to its end. Timed: the
// settlements and the resumptions they schedule.
void BM_AsyncSettleThroughput(benchmark::State& state) {
  const auto n = static_cast<size_t>(state.range(0));
  for (auto _ : state) {
    state.PauseTiming();
    SuspendedCalls calls(n);
    if (!calls.suspend(n)) {
      state.SkipWithError("the calls did not all suspend");
      return;
    }
    state.ResumeTiming();
    for (Slot& s : calls.waiting) (void)s.resolve(Value::i32(1));
    calls.rt.loop().run();
    if (calls.rt.running_calls() != 0) {
      state.SkipWithError("a call did not finish");
      return;
    }
    state.PauseTiming();
    calls.waiting.clear();
    state.ResumeTiming();
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(n));
}

// ---------------------------------------------------------------------------
// Loader throughput.

// A byte emitter for the generated module.
struct Bytes {
  std::vector<uint8_t> b;
  void u8(uint8_t v) { b.push_back(v); }
  void raw(std::initializer_list<uint8_t> v) { b.insert(b.end(), v); }
  void uleb(uint64_t v) {
    do {
      uint8_t byte = v & 0x7f;
      v >>= 7;
      if (v) byte |= 0x80;
      b.push_back(byte);
    } while (v);
  }
  void section(uint8_t id, const Bytes& body) {
    u8(id);
    uleb(body.b.size());
    b.insert(b.end(), body.b.begin(), body.b.end());
  }
};

// A big valid module: `funcs` functions of type (i32 i32) -> i32, each a
// repetition of a mix of locals, arithmetic, blocks and loops, br_if,
// if/else, a load, a call, br_table and float conversions.
std::vector<uint8_t> generate_module(uint32_t funcs = 2000, uint32_t repeats = 25) {
  Bytes m;
  m.raw({0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00});
  Bytes types;  // 1 type: (i32 i32) -> i32
  types.raw({0x01, 0x60, 0x02, 0x7f, 0x7f, 0x01, 0x7f});
  m.section(1, types);
  Bytes fsec;
  fsec.uleb(funcs);
  for (uint32_t i = 0; i < funcs; ++i) fsec.u8(0);
  m.section(3, fsec);
  Bytes mem;  // 1 memory, min 1 page
  mem.raw({0x01, 0x00, 0x01});
  m.section(5, mem);
  Bytes exports;  // func 0 as "f"
  exports.raw({0x01, 0x01, 'f', 0x00, 0x00});
  m.section(7, exports);
  Bytes code;
  code.uleb(funcs);
  for (uint32_t i = 0; i < funcs; ++i) {
    Bytes body;
    body.raw({0x01, 0x02, 0x7f});  // locals: 2 x i32 (indices 2, 3)
    for (uint32_t r = 0; r < repeats; ++r) {
      body.raw({0x20, 0x00, 0x20, 0x01, 0x6a, 0x21, 0x02});            // l2 = p0 + p1
      body.raw({0x02, 0x40, 0x03, 0x40, 0x20, 0x02, 0x41, 0x01, 0x6b,  // block loop l2-1
                0x22, 0x02, 0x0d, 0x00, 0x0b, 0x0b});                  // tee br_if end end
      body.raw({0x20, 0x00, 0x28, 0x02, 0x04, 0x20, 0x01, 0x6c, 0x21, 0x03});  // l3 = load*p1
      body.raw({0x20, 0x02, 0x04, 0x7f, 0x20, 0x03, 0x05, 0x41, 0x07, 0x0b,    // if/else
                0x21, 0x03});
      body.raw({0x20, 0x00, 0x20, 0x03, 0x10});  // call (i - 1, or 0)
      body.uleb(i ? i - 1 : 0);
      body.u8(0x1a);                                                // drop
      body.raw({0x02, 0x40, 0x02, 0x40, 0x02, 0x40, 0x20, 0x02,     // 3 blocks
                0x0e, 0x02, 0x00, 0x01, 0x02, 0x0b, 0x0b, 0x0b});   // br_table
      body.raw({0x20, 0x03, 0xb7, 0x9f, 0xfc, 0x02, 0x21, 0x02});   // f64 round trip
    }
    body.raw({0x20, 0x03, 0x0b});  // local.get 3, end
    code.uleb(body.b.size());
    code.b.insert(code.b.end(), body.b.begin(), body.b.end());
  }
  m.section(10, code);
  return std::move(m.b);
}

const std::vector<uint8_t>& generated_module() {
  static const std::vector<uint8_t> bytes = generate_module();
  return bytes;
}

// The workloads' .wasm files (not the -noarg variants), if they were built.
std::vector<std::vector<uint8_t>> workload_modules() {
  std::vector<std::vector<uint8_t>> out;
  std::string dir = WASMSLOT_BENCH_DIR;
  if (dir.empty() || !std::filesystem::is_directory(dir)) return out;
  std::vector<std::filesystem::path> paths;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    const auto& p = e.path();
    if (p.extension() == ".wasm" && p.stem().string().find("-noarg") == std::string::npos)
      paths.push_back(p);
  }
  std::sort(paths.begin(), paths.end());
  for (const auto& p : paths) out.push_back(read_file(p));
  return out;
}

// decode + validate (+ translation) of a set of modules per iteration; the
// copy of the input bytes (load takes them by value) is not timed.
void load_set(benchmark::State& state, const std::vector<std::vector<uint8_t>>& set, bool validate_too) {
  if (set.empty()) {
    state.SkipWithError("no module (the workloads need clang-14 at build time)");
    return;
  }
  int64_t bytes = 0;
  for (const auto& m : set) bytes += static_cast<int64_t>(m.size());
  for (auto _ : state) {
    for (const auto& m : set) {
      state.PauseTiming();
      std::vector<uint8_t> copy = m;
      state.ResumeTiming();
      if (validate_too) {
        auto r = load(std::move(copy));
        if (!r.ok()) {
          state.SkipWithError(r.error().message.c_str());
          return;
        }
        benchmark::DoNotOptimize(r.value().get());
      } else {
        auto r = decode(std::move(copy));
        if (!r.ok()) {
          state.SkipWithError(r.error().message.c_str());
          return;
        }
        benchmark::DoNotOptimize(&r.value());
      }
    }
  }
  state.SetBytesProcessed(state.iterations() * bytes);
  state.counters["modules"] = static_cast<double>(set.size());
  state.counters["module_bytes"] = static_cast<double>(bytes);
}

void BM_LoadGenerated(benchmark::State& state) {
  load_set(state, {generated_module()}, true);
}
void BM_DecodeGenerated(benchmark::State& state) {
  load_set(state, {generated_module()}, false);
}
void BM_LoadWorkloads(benchmark::State& state) {
  static const auto set = workload_modules();
  load_set(state, set, true);
}

// Instantiation of the generated module (allocation of 2000 function
// instances, a memory) after it was loaded once.
void BM_InstantiateGenerated(benchmark::State& state) {
  auto m = load(generated_module());
  if (!m.ok()) {
    state.SkipWithError(m.error().message.c_str());
    return;
  }
  std::shared_ptr<const Module> module = m.value();
  for (auto _ : state) {
    Store store;
    auto inst = store.instantiate(module, Imports{});
    if (!inst.ok()) {
      state.SkipWithError(inst.error().message.c_str());
      return;
    }
    benchmark::DoNotOptimize(inst.value());
  }
}

void register_all() {
  using benchmark::RegisterBenchmark;
  constexpr int64_t kLoop = 1 << 20;
  // Dispatch and control flow, inside one Store::call each.
  RegisterBenchmark("loop/i32_add", BM_Loop, "add_loop")->Arg(kLoop);
  RegisterBenchmark("loop/call", BM_Loop, "call_loop")->Arg(kLoop);
  RegisterBenchmark("loop/br_table", BM_Loop, "br_table_loop")->Arg(kLoop);
  RegisterBenchmark("loop/memory", BM_Loop, "mem_loop")->Arg(kLoop);
  RegisterBenchmark("loop/call_indirect", BM_Loop, "call_indirect_loop")->Arg(kLoop);
  RegisterBenchmark("loop/host_call", BM_Loop, "host_loop")->Arg(kLoop);
  // Crossing the embedding boundary.
  RegisterBenchmark("enter/store_call", BM_EnterExit);
  RegisterBenchmark("enter/thread_invoke", BM_ThreadInvoke);
  // Asynchrony.
  RegisterBenchmark("async/suspend_resume_thread", BM_SuspendResumeThread)->Arg(1 << 16);
  RegisterBenchmark("async/suspend_form3_runtime", BM_AsyncSuspend)->Arg(1 << 14);
  RegisterBenchmark("async/callback_form1_runtime", BM_AsyncCallback);
#ifdef WASMSLOT_BENCH_HEAP_SIZE
  RegisterBenchmark("async/suspended_call_memory", BM_AsyncSuspendedMemory)->Arg(10000)->Iterations(3);
#endif
  RegisterBenchmark("async/settle_throughput", BM_AsyncSettleThroughput)->Arg(10000);
  // Loader.
  RegisterBenchmark("load/validate_generated", BM_LoadGenerated)->Unit(benchmark::kMillisecond);
  RegisterBenchmark("load/decode_generated", BM_DecodeGenerated)->Unit(benchmark::kMillisecond);
  RegisterBenchmark("load/validate_workloads", BM_LoadWorkloads)->Unit(benchmark::kMicrosecond);
  RegisterBenchmark("load/instantiate_generated", BM_InstantiateGenerated)->Unit(benchmark::kMicrosecond);
}

}  // namespace

int main(int argc, char** argv) {
  // --dump-generated=FILE writes the generated module (to check it with
  // other tools, e.g. wasm-validate) and exits.
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    constexpr std::string_view kDump = "--dump-generated=";
    if (a.substr(0, kDump.size()) == kDump) {
      const auto& bytes = generated_module();
      std::ofstream out(std::string(a.substr(kDump.size())), std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      return out ? 0 : 1;
    }
  }
  try {
    register_all();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}
