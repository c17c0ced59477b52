// fuzz_spec_calls: a module and a script of calls into it.
//
// Input format (fuzz/make_corpus.sh writes seeds in it):
//   u32 little-endian N | N bytes: the module | the rest: the call script
// (if N is larger than what follows, the whole rest is the module and the
// script is empty).
//
// The script, read a byte at a time (0 once it runs out), makes up to
// kMaxCalls calls of exported functions on ONE instance, so memory, tables and globals carry over from call to call. Each
// call takes arguments drawn from a table of interesting values or from raw
// script bytes, and decides how the stub imports answer: zeros, script
// values, a trap, Pending (the Thread suspends; the script then resumes it
// with values, makes the import trap, or abandons the call by starting the
// next one on the same Thread), or a re-entrant call back into an export.
// Calls are metered: each gets some fuel from the input's budget
// (harness.h); when a call runs out, the script adds more and resumes it, or
// abandons it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "fuzz/harness.h"

using namespace wasmslot;

namespace {

constexpr int kMaxCalls = 32;
constexpr int kMaxResumes = 256;
constexpr int kMaxReentry = 3;

struct Script {
  const uint8_t* p;
  size_t n;
  uint8_t byte() {
    if (n == 0) return 0;
    --n;
    return *p++;
  }
  uint64_t u64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v |= uint64_t{byte()} << (8 * i);
    return v;
  }
  bool empty() const { return n == 0; }
};

constexpr uint64_t kInteresting[] = {
    0, 1, 2, 0xFFFFFFFFull, 0x7FFFFFFFull, 0x80000000ull, 0xFFFFFFFFFFFFFFFFull,
    0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0x10000ull, 0xFFFFull, 0xFFFFFFF0ull,
    0x7FC00000ull,           // f32 quiet NaN
    0x7F800000ull,           // f32 +inf
    0xFF800001ull,           // f32 signalling NaN, negative
    0x80000000ull,           // f32 -0
    0x7FF8000000000000ull,   // f64 quiet NaN
    0x7FF0000000000000ull,   // f64 +inf
    0xFFF0000000000001ull,   // f64 signalling NaN, negative
    0x4F000000ull,           // f32 2^31
    0x43E0000000000000ull,   // f64 2^63
    0x41DFFFFFFFC00000ull,   // f64 2^31 - 1
    65535, 65536, 1ull << 32, 100,
};

uint64_t pick(Script& s) {
  const uint8_t sel = s.byte();
  if (sel < 0xC0) return kInteresting[sel % std::size(kInteresting)];
  return s.u64();
}

struct State {
  Script script;
  Store* store = nullptr;
  std::vector<FuncInst*> callable;  // the exported functions
  uint64_t fuel_left = fuzz::kFuelPerInput;
  uint8_t import_mode = 0;      // < 128: every import answers this way; else per call
  const FuncType* pending = nullptr;  // the import that answered Pending last
  int reentry = 0;
};

std::vector<Value> make_args(Script& s, const FuncType& t) {
  std::vector<Value> args;
  for (ValType v : t.params) {
    const uint64_t lo = pick(s);
    const uint64_t hi = v == ValType::V128 ? pick(s) : 0;
    args.push_back(fuzz::value_of(v, lo, hi));
  }
  return args;
}

// Result cells for a host function, read from the script. A funcref result
// must be null (the script cannot make a valid FuncInst pointer).
void fill_results(Script& s, const FuncType& t, std::span<uint64_t> cells) {
  size_t k = 0;
  for (ValType v : t.results) {
    const uint64_t x = pick(s);
    if (k < cells.size()) cells[k++] = v == ValType::FuncRef ? 0 : x;
    if (v == ValType::V128 && k < cells.size()) cells[k++] = pick(s);
  }
}

void run_call(State& st, FuncInst* f, Thread& thread);

HostAnswer on_import(State& st, HostCall& c) {
  std::fill(c.results.begin(), c.results.end(), uint64_t{0});
  const uint8_t mode = st.import_mode < 128 ? st.import_mode : st.script.byte();
  switch (mode % 6) {
    case 0:
      return HostAnswer::ok();
    case 1:
      fill_results(st.script, c.func.type, c.results);
      return HostAnswer::ok();
    case 2:
      return HostAnswer::trap("fuzz: host trap");
    case 3:
    case 4:
      st.pending = &c.func.type;
      return HostAnswer::pending(st.script.byte() + 1u);
    default:
      // Re-entry: the host calls back into the instance on a new Thread
      // while the calling Thread is in the middle of its call.
      if (st.reentry < kMaxReentry && !st.callable.empty()) {
        ++st.reentry;
        FuncInst* g = st.callable[st.script.byte() % st.callable.size()];
        Thread inner(*st.store);
        run_call(st, g, inner);  // takes its fuel from the same budget
        --st.reentry;
      }
      fill_results(st.script, c.func.type, c.results);
      return HostAnswer::ok();
  }
}

void check_outcome(const FuncInst* f, const Thread& t) {
  if (t.state() == ExecState::Done && t.results().size() != f->type.results.size()) __builtin_trap();
  if (t.state() == ExecState::Done)
    for (size_t i = 0; i < t.results().size(); ++i)
      if (t.results()[i].type != f->type.results[i]) __builtin_trap();
}

// Takes up to `want` units from the input's fuel budget.
uint64_t take_fuel(State& st, uint64_t want) {
  const uint64_t n = std::min(want, st.fuel_left);
  st.fuel_left -= n;
  return n;
}

// One call, through its suspensions and refuellings. Returns with the Thread
// Done, Trapped, or (abandoned) Suspended or OutOfFuel.
void run_call(State& st, FuncInst* f, Thread& thread) {
  std::vector<Value> args = make_args(st.script, f->type);
  thread.set_fuel(take_fuel(st, fuzz::kFuelPerCall));
  ExecState s = thread.invoke(f, args);
  for (int r = 0; (s == ExecState::Suspended || s == ExecState::OutOfFuel) && r < kMaxResumes; ++r) {
    const uint8_t how = st.script.byte();
    if (s == ExecState::OutOfFuel) {
      if (how % 4 == 3 || st.fuel_left == 0) return;  // abandoned
      thread.add_fuel(take_fuel(st, 1 + st.script.byte() * 4u));
      s = thread.resume();
      continue;
    }
    if (how % 8 == 7) return;  // abandoned: the next invoke on this Thread drops it
    if (how % 8 == 6) {
      s = thread.resume_trap("fuzz: rejected");
      continue;
    }
    // The pending import's results, from the script; now and then a wrong
    // number of cells, which must be refused cleanly.
    std::vector<uint64_t> res(st.pending ? fuzz::cells_of(st.pending->results) : 0);
    if (st.pending) fill_results(st.script, *st.pending, res);
    if (how % 8 == 5) res.resize(st.script.byte() % 4);
    s = thread.resume(res);
  }
  check_outcome(f, thread);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 4) return 0;
  uint32_t n;
  std::memcpy(&n, data, 4);
  data += 4;
  size -= 4;
  if (n > size) n = static_cast<uint32_t>(size);

  auto loaded = load(std::vector<uint8_t>(data, data + n), Features{}, fuzz::fuzz_module_limits());
  if (!loaded) return 0;
  std::shared_ptr<const Module> module = *loaded;

  Store store(fuzz::fuzz_config());
  State st{Script{data + n, size - n}};
  st.store = &store;
  Imports imports;
  HostFunc fn = [&st](HostCall& c) { return on_import(st, c); };
  if (!fuzz::stub_imports(store, *module, imports, fn)) return 0;
  auto inst = store.instantiate(module, imports);
  if (!inst && module->start) {
    module = fuzz::without_start(module);
    inst = store.instantiate(module, imports);
  }
  if (!inst) return 0;

  for (const Export& e : module->exports)
    if (e.kind == ExternKind::Func)
      if (FuncInst* f = (*inst)->get_func(e.name)) st.callable.push_back(f);
  if (st.callable.empty()) return 0;

  Thread thread(store);
  for (int i = 0; i < kMaxCalls && !st.script.empty() && st.fuel_left > 0; ++i) {
    FuncInst* f = st.callable[st.script.byte() % st.callable.size()];
    st.import_mode = st.script.byte();
    run_call(st, f, thread);
  }
  return 0;
}
