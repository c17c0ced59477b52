// Execution (spec section 4.4 "Instructions" and 4.5.5 "Invocation"): the
// Thread, its stacks, and the dispatch loop.
//
// How to read this file. The validator has already translated each function
// body into a flat array of Instr (see loader/module.h): structured control
// flow is gone, every branch knows its target and how many stack cells it
// keeps and drops. So the machine below is small:
//
//   value stack  one array of 8-byte cells on the heap. A frame's cells start
//                at fp: first the parameters, then the declared locals, then
//                the operand stack, whose next free cell is sp.
//   call stack   a vector of Frames (function, where to continue, fp). A wasm
//                `call` pushes one and jumps; `return` pops one and jumps
//                back. The native C++ stack never grows with wasm recursion,
//                which is what lets a call be suspended (a host function
//                answering Pending) and resumed later, and what makes "call
//                stack exhausted" a clean trap rather than a crash.
//   registers    pc, sp, fp, the running instance, and the base and size of
//                its memory 0, kept in local variables of run() so the
//                compiler can keep them in machine registers.
//
// Speed (numbers in interp/README.md): computed-goto dispatch (a switch on
// other compilers, from the same handlers), superinstructions made by the
// fuser (loader/fuse.cpp, interp/binops.def), memory 0's base and size in
// registers so a bounds check is one compare, and fuel checks folded into
// the backward-branch and call paths.
//
// Values in cells: i32 and f32 use the low 32 bits (the high bits are zero),
// i64 and f64 the whole cell, a reference is a pointer-sized number (0 is
// null), a v128 takes two cells. Floats are always moved as bits, so NaN
// payloads survive every copy.
#include <algorithm>
#include <bit>
#include <cstring>
#include <tuple>
#include <type_traits>
#include <utility>

#include "interp/cells.h"
#include "interp/numeric.h"
#include "wasmslot/runtime.h"
#include "loader/module.h"
#include "interp/simd.h"
#include "interp/trap.h"

namespace wasmslot {

// Linear memory is little-endian (spec 4.3.1 / 5.2.x); loads and stores copy
// bytes straight between memory and native integers, which is only right on
// a little-endian host.
static_assert(std::endian::native == std::endian::little,
              "wasmslot's loads and stores assume a little-endian host");

namespace {

using i32 = int32_t;
using u32 = uint32_t;
using i64 = int64_t;
using u64 = uint64_t;
using f32 = float;
using f64 = double;

// Stacks start small and double as calls need room: a suspended call costs
// only the frames it really has (ASYNC.md: thousands may wait at once), and
// the doubling makes growth amortised O(1) for deep recursion.
constexpr size_t kInitialStackCells = 16;
constexpr size_t kInitialFrames = 4;

// A cell read as the type an instruction expects...
template <class T>
inline T from_cell(uint64_t c) {
  if constexpr (std::is_same_v<T, f32>) return std::bit_cast<f32>(static_cast<u32>(c));
  else if constexpr (std::is_same_v<T, f64>) return std::bit_cast<f64>(c);
  else return static_cast<T>(c);  // integers: the low bits
}

// ... and a result written back: 32-bit values (and booleans, which are i32
// in wasm) are zero-extended to the whole cell.
template <class T>
inline uint64_t to_cell(T v) {
  if constexpr (std::is_same_v<T, f32>) return std::bit_cast<u32>(v);
  else if constexpr (std::is_same_v<T, f64>) return std::bit_cast<u64>(v);
  else if constexpr (sizeof(T) <= 4) return static_cast<u32>(v);
  else return static_cast<u64>(v);
}

// Copies a value of 1 or 2 cells (v128 is the only 2-cell value).
inline void copy_value(uint64_t* dst, const uint64_t* src, uint32_t cells) {
  dst[0] = src[0];
  if (cells == 2) dst[1] = src[1];
}

// The stack room a wasm function needs above its fp.
uint64_t frame_cells(const Code& c) {
  return std::max({c.max_height, c.local_cells, c.result_cells});
}

// ---------------------------------------------------------------------------
// SIMD: the glue between the value stack and the pure functions of
// interp/simd.h, one per instruction. Each function's C++ type says how it
// uses the stack (simd.h's calling convention): its parameters are the
// operands in the order they were pushed, then the immediates; a V128
// occupies two cells (lo first), every scalar one. So a single template,
// simd_apply, can pop the operands of any of them and push its result, and
// the dispatch loop needs one line per instruction, generated from
// opcodes_simd.def.

using simd::V128;

template <class T>
constexpr unsigned kCellsOf = std::is_same_v<T, V128> ? 2 : 1;

template <class T>
inline T read_operand(const uint64_t* c) {
  if constexpr (std::is_same_v<T, V128>) return V128{c[0], c[1]};
  else return static_cast<T>(c[0]);  // uint32_t: the low half (i32, f32 bits)
}
inline void write_result(uint64_t* c, V128 v) {
  c[0] = v.lo;
  c[1] = v.hi;
}
inline void write_result(uint64_t* c, uint32_t v) { c[0] = v; }  // zero-extended
inline void write_result(uint64_t* c, uint64_t v) { c[0] = v; }

// The parameter and result types of a function pointer.
template <class F>
struct FnTraits;
template <class R, class... A>
struct FnTraits<R (*)(A...)> {
  using Result = R;
  using Params = std::tuple<A...>;
  static constexpr size_t arity = sizeof...(A);
};

// Cells taken by the first N parameters of Params.
template <class Params, size_t N>
constexpr unsigned cells_before() {
  return []<size_t... I>(std::index_sequence<I...>) {
    return (0u + ... + kCellsOf<std::tuple_element_t<I, Params>>);
  }(std::make_index_sequence<N>{});
}

// Calls Fn with the top operands of the stack followed by `imms`, and puts
// its result where the operands were. Returns the new sp.
template <auto Fn, class... Imms>
inline uint64_t* simd_apply(uint64_t* sp, Imms... imms) {
  using T = FnTraits<decltype(Fn)>;
  using Params = typename T::Params;
  constexpr size_t kOperands = T::arity - sizeof...(Imms);
  uint64_t* base = sp - cells_before<Params, kOperands>();
  const auto r = [&]<size_t... I>(std::index_sequence<I...>) {
    return Fn(read_operand<std::tuple_element_t<I, Params>>(base + cells_before<Params, I>())..., imms...);
  }(std::make_index_sequence<kOperands>{});
  write_result(base, r);
  return base + kCellsOf<typename T::Result>;
}

// Memory instructions: Fn(p [, V128 v] [, unsigned lane]) with p pointing
// at the accessed bytes. The stack holds the i32 address, then v if Fn takes
// one. The effective address is address + offset, in 64 bits (it cannot
// wrap), and all Width bytes must lie inside the memory, exactly as for the
// scalar loads and stores. Returns the new sp, or nullptr when out of bounds.
template <auto Fn, unsigned Width>
inline uint64_t* simd_memory(uint64_t* sp, uint8_t* mem, uint64_t size, uint64_t offset, unsigned lane) {
  using T = FnTraits<decltype(Fn)>;
  constexpr bool kHasVector = T::arity >= 2;  // (p, v) or (p, v, lane)
  uint64_t* addr = sp - 1 - (kHasVector ? 2 : 0);
  const uint64_t ea = uint64_t{static_cast<uint32_t>(addr[0])} + offset;
  if (ea + Width > size) [[unlikely]] return nullptr;
  uint8_t* p = mem + ea;
  if constexpr (std::is_void_v<typename T::Result>) {  // stores: [i32 v128] -> []
    if constexpr (T::arity == 3) Fn(p, read_operand<V128>(addr + 1), lane);
    else Fn(p, read_operand<V128>(addr + 1));
    return addr;
  } else {  // loads: [i32] -> [v128], [i32 v128] -> [v128]
    V128 r;
    if constexpr (T::arity == 3) r = Fn(p, read_operand<V128>(addr + 1), lane);
    else r = Fn(p);
    write_result(addr, r);
    return addr + 2;
  }
}

// The opcode table and simd.h must agree on every instruction's stack
// effect: the signature string ("VV:V", "iV:") against the function's C++
// type, checked at compile time. Letters: V = V128; i, f = uint32_t (an i32,
// or an f32's bits); I, F = uint64_t; a memory instruction's address `i` is
// its pointer parameter. `imms` trailing parameters are immediates.
template <class P>
constexpr bool letter_matches(char c) {
  if constexpr (std::is_same_v<P, V128>) return c == 'V';
  else if constexpr (std::is_same_v<P, uint32_t>) return c == 'i' || c == 'f';
  else if constexpr (std::is_same_v<P, uint64_t>) return c == 'I' || c == 'F';
  else if constexpr (std::is_pointer_v<P>) return c == 'i';
  else return false;
}
template <auto Fn>
constexpr bool signature_matches(const char* sig, size_t imms) {
  using T = FnTraits<decltype(Fn)>;
  const size_t operands = T::arity - imms;
  size_t colon = 0;
  while (sig[colon] != ':') ++colon;
  if (colon != operands) return false;
  bool ok = true;
  [&]<size_t... I>(std::index_sequence<I...>) {
    ((ok = ok && (I >= operands || letter_matches<std::tuple_element_t<I, typename T::Params>>(sig[I]))), ...);
  }(std::make_index_sequence<T::arity>{});
  const char* result = sig + colon + 1;
  if constexpr (std::is_void_v<typename T::Result>) return ok && result[0] == '\0';
  else return ok && result[0] != '\0' && result[1] == '\0' && letter_matches<typename T::Result>(result[0]);
}
constexpr size_t immediate_params(Imm imm) {
  return imm == Imm::lane || imm == Imm::shuffle || imm == Imm::v128 || imm == Imm::memarg_lane ? 1 : 0;
}
#define X(name, text, prefix, code, imm, sig)                                   \
  static_assert(signature_matches<simd::name>(sig, immediate_params(Imm::imm)), \
                "opcodes_simd.def and simd.h disagree about " text);
#include "interp/opcodes_simd.def"
#undef X

// call_indirect and return_call_indirect (spec 4.4.8.x): the callee is
// whatever table `table_index` holds at index i, so everything the
// validator could not know is checked here. Sets callee, or returns why not.
TrapKind indirect_callee(const Instance* inst, uint32_t type_index, uint32_t table_index, uint32_t i,
                         FuncInst*& callee) {
  const TableInst* table = inst->tables[table_index];
  if (i >= table->elems.size()) return TrapKind::UndefinedElement;
  callee = func_of(table->elems[i]);
  if (callee == nullptr) return TrapKind::UninitializedElement;
  // Function types are compared structurally: a function from another
  // module matches if its parameters and results are the same.
  if (callee->type != inst->module->types[type_index]) return TrapKind::IndirectCallTypeMismatch;
  return TrapKind::None;
}

// Memory index > 0 (multi-memory): the slow path of loads and stores, which
// keep memory 0 in registers.
inline void select_memory(const Instance* inst, uint32_t index, uint8_t*& base, uint64_t& size) {
  MemoryInst* m = inst->memories[index];
  base = m->data.data();
  size = m->data.size();
}

}  // namespace

// ---------------------------------------------------------------------------
// The thread's state

struct Thread::Impl {
  // One activation of a wasm function (spec: frame). Host functions get no
  // frame: they run to completion (or suspend) inside the calling instruction.
  struct Frame {
    FuncInst* func;     // the function running in this frame
    const Instr* pc;    // where it continues when it is resumed
    size_t fp;          // index in `stack` of its first parameter
  };

  std::vector<uint64_t> stack;  // the value stack; grows by doubling
  std::vector<Frame> frames;    // the call stack; the running frame is last
  size_t sp = 0;                // stack height while not running
  FuncInst* entry = nullptr;    // the function invoke() was called with
  uint32_t pending_cells = 0;   // result cells owed by a suspended host call
  std::vector<uint64_t> host_results;
  bool metered = false;         // fuel is counted ...
  uint64_t fuel = 0;            // ... and this much is left
  TraceFunc trace;              // Thread::set_trace; empty: untraced

  void save_fuel(int64_t left) {
    if (metered) fuel = left < 0 ? 0 : static_cast<uint64_t>(left);
  }

  // Makes the value stack at least `need` cells long, within `limit`.
  bool reserve(uint64_t need, uint64_t limit) {
    if (need <= stack.size()) return true;
    if (need > limit) return false;
    uint64_t cap = std::max<uint64_t>(stack.size(), kInitialStackCells);
    while (cap < need) cap *= 2;
    try {
      stack.resize(std::min(cap, limit));
    } catch (const std::bad_alloc&) {
      return false;
    }
    return true;
  }

  // Calls a host function with its arguments at `args`; its results are left
  // in host_results.
  HostAnswer call_host(Thread& thread, Instance* caller, FuncInst& f, const uint64_t* args) {
    const uint32_t np = cells_of(f.type.params);
    host_results.assign(cells_of(f.type.results), 0);
    if (!f.host) return HostAnswer::trap("host function " + f.name + " has no implementation");
    HostCall call{thread.store_, thread, caller, f, {args, np}, {host_results.data(), host_results.size()}};
    return f.host(call);
  }

  // A host function called by a wasm instruction, with its arguments at
  // `args` (the top cells of the stack). Ok: its results have replaced the
  // arguments (host_results.size() cells). Trap: `message` says why.
  // Pending: the thread's pending handle is set. A function of its own so
  // that the HostAnswer, which owns a string, lives and dies here: the
  // dispatch loop keeps no object with a destructor in scope of its
  // indirect jumps (clang refuses to compile such a jump).
  HostAnswer::Kind call_host_from_loop(Thread& thread, Instance* caller, FuncInst& f, uint64_t* args,
                                       std::string& message) {
    HostAnswer answer = call_host(thread, caller, f, args);
    switch (answer.kind) {
      case HostAnswer::Ok: std::copy(host_results.begin(), host_results.end(), args); break;
      case HostAnswer::Trap: message = std::move(answer.message); break;
      case HostAnswer::Pending: thread.pending_handle_ = answer.handle; break;
    }
    return answer.kind;
  }

  ExecState trap(Thread& thread, std::string message) {
    frames.clear();
    sp = 0;
    thread.trap_ = std::move(message);
    thread.state_ = ExecState::Trapped;
    return ExecState::Trapped;
  }

  // The call finished: its results are the bottom cells of the stack.
  ExecState finish(Thread& thread) {
    thread.results_.clear();
    const uint64_t* c = stack.data();
    for (ValType t : entry->type.results) {
      thread.results_.push_back(value_of(t, c));
      c += cells_of(t);
    }
    frames.clear();
    sp = 0;
    thread.state_ = ExecState::Done;
    return ExecState::Done;
  }

  // A traced run's step: reports the instruction at pc of the running
  // function to the trace function, with the registers as they are. Never
  // inlined: the dispatch loop's registers stay as if it did not exist.
  [[gnu::cold, gnu::noinline]] void trace_step(const FuncInst* func, const Instr* pc, const uint64_t* fp,
                                                const uint64_t* sp) const {
    const Code& code = func->func->code;
    const auto index = static_cast<uint32_t>(pc - code.instrs.data());
    const uint64_t* operands = fp + code.local_cells;
    trace(TraceEvent{*func, static_cast<uint32_t>(frames.size() - 1), index, *pc, info(pc->op).text,
                     code.offsets.empty() ? TraceEvent::kNoOffset : code.offsets[index],
                     static_cast<uint64_t>(sp - stack.data()),
                     {operands, static_cast<size_t>(sp - operands)}});
  }

  ExecState run(Thread& thread);
};

Thread::Thread(Store& store) : store_(store), impl_(std::make_unique<Impl>()) {
  set_fuel(store.config().fuel);
  set_trace(store.config().trace);
}
Thread::~Thread() = default;

// ---------------------------------------------------------------------------
// Invocation (spec 4.5.5): check the arguments, put them on the stack, and
// run until the outermost function returns, traps or suspends.

ExecState Thread::invoke(FuncInst* func, std::span<const Value> args) {
  Impl& im = *impl_;
  im.frames.clear();  // a Thread may be reused (a suspended call is abandoned)
  im.sp = 0;
  results_.clear();
  trap_.clear();
  pending_handle_ = 0;
  state_ = ExecState::Idle;

  if (!func) return im.trap(*this, "invoke: null function");
  const FuncType& ft = func->type;
  if (args.size() != ft.params.size())
    return im.trap(*this, "invoke: expected " + std::to_string(ft.params.size()) + " arguments, got " +
                              std::to_string(args.size()));
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != ft.params[i])
      return im.trap(*this, "invoke: argument " + std::to_string(i) + " is " + to_string(args[i].type) +
                                ", expected " + to_string(ft.params[i]));

  const Config& config = store_.config();
  const uint32_t np = cells_of(ft.params);
  const uint64_t need = func->is_host() ? std::max(np, cells_of(ft.results)) : frame_cells(func->func->code);
  if (!im.reserve(std::max<uint64_t>(need, np), config.max_stack_cells))
    return im.trap(*this, trap_text(TrapKind::CallStackExhausted));
  uint64_t* c = im.stack.data();
  for (const Value& v : args) c += put_value(v, c);
  im.entry = func;

  if (func->is_host()) {
    // A host function invoked directly: no frame, no loop.
    HostAnswer answer = im.call_host(*this, nullptr, *func, im.stack.data());
    switch (answer.kind) {
      case HostAnswer::Ok:
        std::copy(im.host_results.begin(), im.host_results.end(), im.stack.begin());
        return im.finish(*this);
      case HostAnswer::Trap:
        return im.trap(*this, std::move(answer.message));
      case HostAnswer::Pending:
        im.sp = 0;  // resume() puts the results at the bottom of the stack
        im.pending_cells = static_cast<uint32_t>(im.host_results.size());
        pending_handle_ = answer.handle;
        state_ = ExecState::Suspended;
        return state_;
    }
  }

  if (config.max_call_depth == 0) return im.trap(*this, trap_text(TrapKind::CallStackExhausted));
  const Code& code = func->func->code;
  if (im.frames.capacity() == 0) im.frames.reserve(std::min<uint32_t>(config.max_call_depth, kInitialFrames));
  im.frames.push_back({func, code.instrs.data(), 0});
  std::fill(im.stack.begin() + code.param_cells, im.stack.begin() + code.local_cells, 0);
  im.sp = code.local_cells;
  return im.run(*this);
}

ExecState Thread::resume(std::span<const uint64_t> results) {
  Impl& im = *impl_;
  if (state_ != ExecState::Suspended) return im.trap(*this, "resume: the thread is not suspended");
  if (results.size() != im.pending_cells)
    return im.trap(*this, "resume: expected " + std::to_string(im.pending_cells) + " result cells, got " +
                              std::to_string(results.size()));
  // The results take the place of the host call's arguments, exactly as if
  // the host function had answered Ok.
  std::copy(results.begin(), results.end(), im.stack.begin() + static_cast<ptrdiff_t>(im.sp));
  im.sp += results.size();
  state_ = ExecState::Idle;
  pending_handle_ = 0;
  if (im.frames.empty()) return im.finish(*this);  // the host function was the entry
  return im.run(*this);
}

ExecState Thread::resume() {
  Impl& im = *impl_;
  if (state_ == ExecState::Suspended) return resume(std::span<const uint64_t>{});
  if (state_ != ExecState::OutOfFuel) return im.trap(*this, "resume: the thread is not stopped");
  // The branch or call that ran out has happened already, on credit: the
  // unit it needed is paid now, so fuel counts exactly. Without it, the
  // thread stays stopped.
  if (im.metered) {
    if (im.fuel == 0) return state_;
    --im.fuel;
  }
  state_ = ExecState::Idle;
  trap_.clear();
  return im.run(*this);
}

void Thread::set_fuel(std::optional<uint64_t> fuel) {
  impl_->metered = fuel.has_value();
  impl_->fuel = fuel.value_or(0);
}

void Thread::add_fuel(uint64_t n) {
  Impl& im = *impl_;
  im.fuel = im.metered && im.fuel > UINT64_MAX - n ? UINT64_MAX : (im.metered ? im.fuel : 0) + n;
  im.metered = true;
}

void Thread::set_trace(TraceFunc trace) { impl_->trace = std::move(trace); }

std::optional<uint64_t> Thread::fuel() const {
  if (!impl_->metered) return std::nullopt;
  return impl_->fuel;
}

ExecState Thread::resume_trap(std::string message) {
  Impl& im = *impl_;
  if (state_ != ExecState::Suspended) return im.trap(*this, "resume_trap: the thread is not suspended");
  pending_handle_ = 0;
  return im.trap(*this, std::move(message));
}

const char* to_string(ExecState s) {
  switch (s) {
    case ExecState::Idle: return "Idle";
    case ExecState::Done: return "Done";
    case ExecState::Trapped: return "Trapped";
    case ExecState::Suspended: return "Suspended";
    case ExecState::OutOfFuel: return "OutOfFuel";
  }
  return "?";
}

Result<std::vector<Value>> Store::call(FuncInst* func, std::span<const Value> args) {
  Thread thread(*this);
  switch (thread.invoke(func, args)) {
    case ExecState::Done: return thread.results();
    case ExecState::Trapped: return Error{thread.trap_message()};
    case ExecState::Suspended: return Error{"asynchronous import called synchronously"};
    case ExecState::OutOfFuel: return Error{thread.trap_message()};
    case ExecState::Idle: break;
  }
  return Error{"the call did not run"};
}

// ---------------------------------------------------------------------------
// The dispatch loop.
//
// Each handler executes one instruction: a handler that simply goes on to
// the next instruction ends with NEXT, one that jumps sets pc and ends with
// DISPATCH(), one that traps jumps to `trapped`. Every macro below is a recipe for one family of instructions;
// each handler is then one line naming its operand type and its operation.

// Dispatch: computed goto where the compiler has it (GCC, Clang), a switch
// otherwise; the handlers are the same source either way. CASE(name) opens
// the handler of an opcode; DISPATCH() jumps to the handler of *pc. With
// computed goto every handler ends in its own indirect jump, which the CPU's
// branch predictor learns separately (the next opcode depends on the current
// one); a switch funnels every instruction through one jump. Build with
// -DWASMSLOT_SWITCH_DISPATCH=1 to get the portable form on any compiler.
//
// Tracing changes only where DISPATCH() lands: computed goto jumps through
// `handlers`, which a traced run points at kTraceHandlers, a table whose
// every entry is the trace stub; the switch's operand gets kTracedBit, which
// no opcode has, so every instruction lands in `default`, the stub. The stub
// reports the instruction, then runs its real handler (UNTRACED_DISPATCH).
#if !defined(WASMSLOT_SWITCH_DISPATCH) && (defined(__GNUC__) || defined(__clang__))
#define WASMSLOT_COMPUTED_GOTO 1
#define CASE(name) L_##name:
#define DISPATCH() goto* handlers[static_cast<unsigned>(pc->op)]
#define UNTRACED_DISPATCH() goto* kHandlers[static_cast<unsigned>(pc->op)]
#else
#define WASMSLOT_COMPUTED_GOTO 0
#define CASE(name) case static_cast<unsigned>(Opcode::name):
#define DISPATCH() continue  // back to the switch
#define UNTRACED_DISPATCH()             \
  {                                     \
    op = static_cast<unsigned>(pc->op); \
    goto dispatch_op;                   \
  }
#endif

// Go on with the next instruction.
#define NEXT \
  {              \
    ++pc;        \
    DISPATCH();  \
  }

// Trap: abandon the whole call with the spec's text.
#define TRAP(kind)                          \
  {                                         \
    trap_message = trap_text(kind);         \
    goto trapped;                           \
  }

// Taking a branch (br, br_if, br_table, br_unless): the branch's values, the
// top `keep` cells, move down over the `drop` cells of operands the target
// label no longer sees; then execution continues at `target`. Moving down can
// copy forward: the destination is below the source.
#define BRANCH(target, keep, drop)                                   \
  {                                                                  \
    const uint32_t keep_ = (keep), drop_ = (drop);                   \
    if (drop_ != 0) {                                                \
      const uint64_t* from_ = sp - keep_;                            \
      uint64_t* to_ = sp - keep_ - drop_;                            \
      for (uint32_t i_ = 0; i_ < keep_; ++i_) to_[i_] = from_[i_];   \
      sp -= drop_;                                                   \
    }                                                                \
    JUMP(target);                                                    \
  }
// A taken branch that moves no values. Going backward, it starts another
// iteration of a loop: that consumes fuel (see CONSUME_FUEL).
#define JUMP(target)                          \
  {                                           \
    const Instr* from_ = pc;                  \
    pc = code_start + (target);               \
    if (pc <= from_) CONSUME_FUEL();          \
    DISPATCH();                               \
  }
// Fuel (Thread::set_fuel): one unit per loop iteration and per wasm call, the
// two ways code can run for ever. Unmetered threads get INT64_MAX, which
// never runs out, so the check is the same decrement and test either way.
// It runs after the branch or call has happened; stopping then leaves a
// state that resume() simply continues.
#define CONSUME_FUEL()                           \
  {                                              \
    if (--fuel < 0) [[unlikely]] goto out_of_fuel; \
  }
#define KEEP(b) static_cast<uint32_t>(b)
#define DROP(b) static_cast<uint32_t>((b) >> 32)

// Numeric families: operands are popped as type T (named a, b in `expr`, in
// the order they were pushed), the result pushed as whatever `expr` yields.
#define UNARY(T, expr)                               \
  {                                                  \
    const T a = from_cell<T>(sp[-1]);                \
    sp[-1] = to_cell(expr);                          \
  }                                                  \
  NEXT
#define BINARY(T, expr)                              \
  {                                                  \
    const T b = from_cell<T>(sp[-1]);                \
    const T a = from_cell<T>(sp[-2]);                \
    --sp;                                            \
    sp[-1] = to_cell(expr);                          \
  }                                                  \
  NEXT
// A binary operator that may trap: `fn(a, b, result)` returns a TrapKind.
#define BINARY_TRAPPING(T, fn)                       \
  {                                                  \
    const T b = from_cell<T>(sp[-1]);                \
    const T a = from_cell<T>(sp[-2]);                \
    T r_{};                                          \
    const TrapKind k_ = fn(a, b, r_);                \
    if (k_ != TrapKind::None) [[unlikely]] TRAP(k_); \
    --sp;                                            \
    sp[-1] = to_cell(r_);                            \
  }                                                  \
  NEXT
// Superinstructions (see interp/binops.def and the loop). Operand sources:
// the stack (sp[-1], sp[-2]), a local (fp[index]), a constant (pc->b); the
// _set forms write their result to a local (fp[z]) instead of pushing it.
// Their immediates (locals are cell offsets from fp):
//   name_sl  a = the local                    name_sc  b = the constant
//   name_ll  a, b = the two locals            name_lc  a = the local, b = the constant
//   name_set     a = z                        name_sl_set  a = the local, b = z
//   name_sc_set  a = z, b = the constant      name_ll_set  a, b = the locals | z << 32
//   name_lc_set  a = the local, b = the constant, reserved = z
//   br_if_name        a = the target: the branch moves no values (keep and
//                     drop are 0, or the fuser does not fuse it)
//   br_if_name_sl     and b = the local       br_if_name_sc  and b = the constant
//   br_if_name_ll     and b = first local | second local << 32
//   br_if_name_lc     and reserved = the local, b = the constant
//   load_l            a = the local holding the address, b = the static offset
//   load_lc           a = the local, b = the constant | the static offset << 32
//   store_sl, store_sc  a = the static offset, b = the local holding the
//                     value, or the value's bits; the address is popped
// Memory accesses are to memory 0 only.
#define OPERANDS(T, x, y)          \
  const T a = from_cell<T>(x);     \
  const T b = from_cell<T>(y)
#define FUSED_OP2(name, T, expr)                                          \
  CASE(name##_sl) { OPERANDS(T, sp[-1], fp[pc->a]); sp[-1] = to_cell(expr); } NEXT \
  CASE(name##_sc) { OPERANDS(T, sp[-1], pc->b); sp[-1] = to_cell(expr); } NEXT     \
  CASE(name##_ll) { OPERANDS(T, fp[pc->a], fp[pc->b]); *sp++ = to_cell(expr); } NEXT \
  CASE(name##_lc) { OPERANDS(T, fp[pc->a], pc->b); *sp++ = to_cell(expr); } NEXT     \
  CASE(name##_set) { OPERANDS(T, sp[-2], sp[-1]); sp -= 2; fp[pc->a] = to_cell(expr); } NEXT \
  CASE(name##_sl_set) { OPERANDS(T, sp[-1], fp[pc->a]); --sp; fp[pc->b] = to_cell(expr); } NEXT \
  CASE(name##_sc_set) { OPERANDS(T, sp[-1], pc->b); --sp; fp[pc->a] = to_cell(expr); } NEXT \
  CASE(name##_ll_set) {                                                   \
    OPERANDS(T, fp[pc->a], fp[static_cast<uint32_t>(pc->b)]);             \
    fp[pc->b >> 32] = to_cell(expr);                                      \
  } NEXT                                                                  \
  CASE(name##_lc_set) { OPERANDS(T, fp[pc->a], pc->b); fp[pc->reserved] = to_cell(expr); } NEXT
#define FUSED_CMP(name, T, expr)                                                     \
  FUSED_OP2(name, T, expr)                                                           \
  CASE(br_if_##name) {                                                               \
    OPERANDS(T, sp[-2], sp[-1]);                                                     \
    sp -= 2;                                                                         \
    if (expr) JUMP(pc->a);                                                           \
  } NEXT                                                                             \
  CASE(br_if_##name##_sl) {                                                          \
    OPERANDS(T, sp[-1], fp[pc->b]);                                                  \
    --sp;                                                                            \
    if (expr) JUMP(pc->a);                                                           \
  } NEXT                                                                             \
  CASE(br_if_##name##_sc) {                                                          \
    OPERANDS(T, sp[-1], pc->b);                                                      \
    --sp;                                                                            \
    if (expr) JUMP(pc->a);                                                           \
  } NEXT                                                                             \
  CASE(br_if_##name##_ll) {                                                          \
    OPERANDS(T, fp[static_cast<uint32_t>(pc->b)], fp[pc->b >> 32]);                  \
    if (expr) JUMP(pc->a);                                                           \
  } NEXT                                                                             \
  CASE(br_if_##name##_lc) {                                                          \
    OPERANDS(T, fp[pc->reserved], pc->b);                                            \
    if (expr) JUMP(pc->a);                                                           \
  } NEXT
// The one bounds check of every load and store: `ea` (the address plus the
// static offset) is computed in 64 bits, so it cannot wrap, and all
// `sizeof(T)` bytes must lie below `size`. READ_MEMORY declares `v` holding
// the bytes; WRITE_MEMORY stores `v`'s.
#define READ_MEMORY(T, base, size, ea, v)                                       \
  if ((ea) + sizeof(T) > (size)) [[unlikely]] TRAP(TrapKind::MemoryOutOfBounds); \
  T v;                                                                          \
  std::memcpy(&v, (base) + (ea), sizeof(T))
#define WRITE_MEMORY(T, base, size, ea, v)                                      \
  if ((ea) + sizeof(T) > (size)) [[unlikely]] TRAP(TrapKind::MemoryOutOfBounds); \
  std::memcpy((base) + (ea), &(v), sizeof(T))
#define FUSED_LOAD(name, T, R)                                                  \
  CASE(name##_l) {                                                              \
    const uint64_t ea = uint64_t{from_cell<u32>(fp[pc->a])} + pc->b;            \
    LOAD_AT(T, R, ea);                                                          \
  } NEXT                                                                        \
  CASE(name##_lc) { /* i32.add wraps: the sum is a u32 */                       \
    const u32 address = from_cell<u32>(fp[pc->a]) + static_cast<u32>(pc->b);    \
    const uint64_t ea = uint64_t{address} + (pc->b >> 32);                      \
    LOAD_AT(T, R, ea);                                                          \
  } NEXT
#define LOAD_AT(T, R, ea)                                                       \
  READ_MEMORY(T, mem, mem_size, ea, v_);                                        \
  *sp++ = to_cell(static_cast<R>(v_))
#define FUSED_STORE(name, T, V, t)                                              \
  CASE(name##_sl) STORE_FROM(T, V, fp[pc->b]);                                  \
  CASE(name##_sc) STORE_FROM(T, V, pc->b);
#define STORE_FROM(T, V, value)                                                 \
  {                                                                             \
    const T v_ = static_cast<T>(from_cell<V>(value));                           \
    const uint64_t ea = uint64_t{from_cell<u32>(*--sp)} + pc->a;                \
    WRITE_MEMORY(T, mem, mem_size, ea, v_);                                     \
  }                                                                             \
  NEXT

// Float to integer truncation, which traps on NaN and overflow.
#define TRUNC(F, I)                                          \
  {                                                          \
    I r_{};                                                  \
    const TrapKind k_ = num::trunc<I>(from_cell<F>(sp[-1]), r_); \
    if (k_ != TrapKind::None) [[unlikely]] TRAP(k_);         \
    sp[-1] = to_cell(r_);                                    \
  }                                                          \
  NEXT

// The memory an access uses: memory 0 from registers, others from the
// instance (multi-memory).
#define ACCESS_MEMORY(base, size)                                      \
  uint8_t* base = mem;                                                 \
  uint64_t size = mem_size;                                            \
  if (pc->a != 0) [[unlikely]] select_memory(inst, pc->a, base, size)

// Loads: pop an i32 address; the effective address is address + static
// offset, computed in 64 bits so it cannot wrap around; all `sizeof(T)` bytes
// must lie inside the memory. Memory holds T (the stored width and
// signedness); the value pushed is R (the instruction's result type), so
// `T = int8_t, R = i32` is a sign-extending 8-bit load.
#define LOAD(T, R)                                                       \
  {                                                                      \
    ACCESS_MEMORY(base_, size_);                                         \
    const uint64_t ea = uint64_t{from_cell<u32>(sp[-1])} + pc->b;        \
    READ_MEMORY(T, base_, size_, ea, v_);                                \
    sp[-1] = to_cell(static_cast<R>(v_));                                \
  }                                                                      \
  NEXT
// Stores: pop a value of type V and an i32 address; write the low
// `sizeof(T)` bytes of the value (i32.store8 wraps to 8 bits).
#define STORE(T, V)                                                      \
  {                                                                      \
    ACCESS_MEMORY(base_, size_);                                         \
    const T v_ = static_cast<T>(from_cell<V>(sp[-1]));                   \
    const uint64_t ea = uint64_t{from_cell<u32>(sp[-2])} + pc->b;        \
    sp -= 2;                                                             \
    WRITE_MEMORY(T, base_, size_, ea, v_);                               \
  }                                                                      \
  NEXT

// SIMD instructions, one recipe per immediate kind of opcodes_simd.def (the
// X-macro below pastes the kind into the name): `none` takes operands only;
// `lane` adds the lane index; `v128` and `shuffle` their 128-bit immediate
// from the function's pool; `memarg` and `memarg_lane` access memory with
// the width simd::access_bytes gives for the instruction's code.
#define SIMD_none(name, enc) sp = simd_apply<simd::name>(sp); NEXT
#define SIMD_lane(name, enc) sp = simd_apply<simd::name>(sp, static_cast<unsigned>(pc->a)); NEXT
#define SIMD_v128(name, enc) SIMD_shuffle(name, enc)
#define SIMD_shuffle(name, enc)                                  \
  {                                                               \
    const V128Imm& imm_ = code->v128_pool[pc->a];                 \
    sp = simd_apply<simd::name>(sp, V128{imm_.lo, imm_.hi});      \
  }                                                               \
  NEXT
#define SIMD_memarg(name, enc)                                                                    \
  {                                                                                                \
    ACCESS_MEMORY(base_, size_);                                                                   \
    uint64_t* sp_ = simd_memory<simd::name, simd::access_bytes(enc)>(sp, base_, size_, pc->b, pc->reserved); \
    if (sp_ == nullptr) [[unlikely]] TRAP(TrapKind::MemoryOutOfBounds);                            \
    sp = sp_;                                                                                      \
  }                                                                                                \
  NEXT
#define SIMD_memarg_lane(name, enc) SIMD_memarg(name, enc)

// After anything that may move or resize memory 0 (memory.grow, a call, a
// return to another instance, a host function), re-read it into registers.
#define RELOAD_MEMORY()                              \
  {                                                  \
    if (!inst->memories.empty()) {                   \
      MemoryInst* m0_ = inst->memories[0];           \
      mem = m0_->data.data();                        \
      mem_size = m0_->data.size();                   \
    } else {                                         \
      mem = nullptr;                                 \
      mem_size = 0;                                  \
    }                                                \
  }

// A call or return continues in the code of `instance`: when that is another
// instance than the running one, its memory 0 goes into the registers. (Within
// one instance they are always current: memory.grow and host calls reload
// them.)
#define ENTER_INSTANCE(instance) \
  {                              \
    Instance* next_ = (instance); \
    if (next_ != inst) {         \
      inst = next_;              \
      RELOAD_MEMORY();           \
    }                            \
  }

ExecState Thread::Impl::run(Thread& thread) {
  const Config& config = thread.store_.config();

  // The machine's registers, loaded from the running frame.
  FuncInst* func = frames.back().func;          // the running function
  Instance* inst = func->instance;              // ... and its module instance
  const Code* code = &func->func->code;         // its translated code
  const Instr* code_start = code->instrs.data();  // branch targets count from here
  const Instr* pc = frames.back().pc;           // the instruction to execute
  uint64_t* bottom = stack.data();              // the value stack's cell 0
  uint64_t* fp = bottom + frames.back().fp;     // the frame's first local
  uint64_t* sp = bottom + this->sp;             // the next free cell
  uint8_t* mem = nullptr;                       // memory 0's bytes ...
  uint64_t mem_size = 0;                        // ... and its size in bytes
  FuncInst* callee = nullptr;                   // set by call / call_indirect
  int64_t fuel = metered ? static_cast<int64_t>(std::min<uint64_t>(this->fuel, INT64_MAX)) : INT64_MAX;
  std::string trap_message;
  RELOAD_MEMORY();

#if WASMSLOT_COMPUTED_GOTO
  // The dispatch table: one handler address per opcode, in the order of
  // interp/opcodes.def (which is the order of enum Opcode).
  static constexpr const void* kHandlers[] = {
#define X(name, text, prefix, code, imm, sig) &&L_##name,
#include "interp/opcodes.def"
#undef X
  };
  static_assert(std::size(kHandlers) == kOpcodeCount);
  static constexpr const void* kTraceHandlers[] = {
#define X(name, text, prefix, code, imm, sig) &&traced,
#include "interp/opcodes.def"
#undef X
  };
  const void* const* handlers = trace ? kTraceHandlers : kHandlers;
  DISPATCH();
  {
    {
    traced:
#else
  constexpr unsigned kTracedBit = 1u << 16;  // above every Opcode (a uint16_t)
  const unsigned traced_bit = trace ? kTracedBit : 0;
  for (;;) {
    unsigned op = static_cast<unsigned>(pc->op) | traced_bit;
  dispatch_op:
    switch (op) {
      default:
#endif
      // The trace stub (Thread::set_trace): a traced run comes here before
      // every instruction.
      trace_step(func, pc, fp, sp);
      UNTRACED_DISPATCH();

      // =====================================================================
      // Control instructions
      // =====================================================================

      CASE(unreachable) TRAP(TrapKind::Unreachable);

      // Structure was translated away: these are never emitted.
      CASE(nop)
      CASE(block)
      CASE(loop)
      CASE(end) NEXT;
      CASE(if_)
      CASE(else_)
        trap_message = std::string("invalid translated instruction: ") + info(pc->op).text;
        goto trapped;

      CASE(br) BRANCH(pc->a, KEEP(pc->b), DROP(pc->b));

      // br_if pops an i32 condition and branches when it is nonzero; the
      // translator turns `if` into br_unless, which branches (to the `else`
      // or `end`) when it is zero.
      CASE(br_if)
        if (from_cell<u32>(*--sp) != 0) BRANCH(pc->a, KEEP(pc->b), DROP(pc->b));
        NEXT;
      CASE(br_unless)
        if (from_cell<u32>(*--sp) == 0) BRANCH(pc->a, KEEP(pc->b), DROP(pc->b));
        NEXT;

      // br_table: an index past the end of the labels picks the default
      // label, which is stored last.
      CASE(br_table) {
        const u32 i = from_cell<u32>(*--sp);
        const BranchTarget& label = code->br_tables[pc->a + std::min<uint64_t>(i, pc->b)];
        BRANCH(label.target, label.keep, label.drop);
      }

      // return: the results move to the bottom of the frame, where the caller
      // had pushed the arguments; the caller continues with them on top of
      // its operand stack.
      CASE(return_) {
        const uint32_t n = pc->a;
        const uint64_t* results = sp - n;
        for (uint32_t i = 0; i < n; ++i) fp[i] = results[i];  // fp <= results: forward copy is safe
        sp = fp + n;
        frames.pop_back();
        if (frames.empty()) goto finished;  // the outermost call returned
        const Frame& caller = frames.back();
        func = caller.func;
        code = &func->func->code;
        code_start = code->instrs.data();
        fp = bottom + caller.fp;
        pc = caller.pc;
        ENTER_INSTANCE(func->instance);
        DISPATCH();
      }

      CASE(call)
        callee = inst->funcs[pc->a];
        goto do_call;

      // call_indirect: the callee is whatever the table holds at the popped
      // index (checks in indirect_callee).
      CASE(call_indirect) {
        const TrapKind k_ = indirect_callee(inst, pc->a, pc->b, from_cell<u32>(*--sp), callee);
        if (k_ != TrapKind::None) TRAP(k_);
        goto do_call;
      }

      // Tail calls: the callee takes over the caller's frame (see
      // do_return_call), so a loop of them runs in constant stack space.
      CASE(return_call)
        callee = inst->funcs[pc->a];
        goto do_return_call;
      CASE(return_call_indirect) {
        const TrapKind k_ = indirect_callee(inst, pc->a, pc->b, from_cell<u32>(*--sp), callee);
        if (k_ != TrapKind::None) TRAP(k_);
        goto do_return_call;
      }

      // =====================================================================
      // Reference instructions
      // =====================================================================

      CASE(ref_null) *sp++ = 0; NEXT;  // null is 0 for both reference types
      CASE(ref_is_null) UNARY(u64, a == 0);
      CASE(ref_func) *sp++ = ref_of(inst->funcs[pc->a]); NEXT;

      // =====================================================================
      // Parametric instructions
      // =====================================================================

      CASE(drop) sp -= pc->a; NEXT;

      // select: pop the condition, then val2; val1 is already where the
      // result goes, so only a zero condition copies val2 over it.
      CASE(select)
      CASE(select_t) {
        const u32 c = from_cell<u32>(*--sp);
        const uint32_t n = pc->a;  // cells per operand: 1, or 2 for v128
        sp -= n;
        if (c == 0) copy_value(sp - n, sp, n);
      }
        NEXT;

      // =====================================================================
      // Variable instructions
      // =====================================================================

      CASE(local_get) copy_value(sp, fp + pc->a, static_cast<uint32_t>(pc->b)); sp += pc->b; NEXT;
      CASE(local_set) sp -= pc->b; copy_value(fp + pc->a, sp, static_cast<uint32_t>(pc->b)); NEXT;
      CASE(local_tee) copy_value(fp + pc->a, sp - pc->b, static_cast<uint32_t>(pc->b)); NEXT;
      // Moves the fuser made (one-cell locals): a = the local set, b = the
      // local read (local_set_l) or the constant's bits (local_set_c).
      CASE(local_set_l) fp[pc->a] = fp[pc->b]; NEXT;
      CASE(local_set_c) fp[pc->a] = pc->b; NEXT;

      // Globals live in the store (they may be shared through imports).
      CASE(global_get) {
        const GlobalInst* g = inst->globals[pc->a];
        const uint32_t n = cells_of(g->type.type);
        copy_value(sp, g->cells, n);
        sp += n;
      }
        NEXT;
      CASE(global_set) {
        GlobalInst* g = inst->globals[pc->a];
        const uint32_t n = cells_of(g->type.type);
        sp -= n;
        copy_value(g->cells, sp, n);
      }
        NEXT;

      // =====================================================================
      // Table instructions. Indices are u32; every range is checked in full
      // before anything is written.
      // =====================================================================

      CASE(table_get) {
        const TableInst* t = inst->tables[pc->a];
        const u32 i = from_cell<u32>(sp[-1]);
        if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
        sp[-1] = t->elems[i];
      }
        NEXT;
      CASE(table_set) {
        TableInst* t = inst->tables[pc->a];
        const Ref r = sp[-1];
        const u32 i = from_cell<u32>(sp[-2]);
        sp -= 2;
        if (i >= t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
        t->elems[i] = r;
      }
        NEXT;
      CASE(table_size) *sp++ = to_cell(static_cast<u32>(inst->tables[pc->a]->elems.size())); NEXT;

      // table.grow (init, n): the old size, or -1 (as an i32) on failure.
      CASE(table_grow) {
        const u32 n = from_cell<u32>(*--sp);
        const Ref init = sp[-1];
        const int64_t old = inst->tables[pc->a]->grow(n, init);
        sp[-1] = to_cell(static_cast<u32>(old));
      }
        NEXT;

      // table.fill (i, val, n)
      CASE(table_fill) {
        TableInst* t = inst->tables[pc->a];
        const u32 n = from_cell<u32>(sp[-1]);
        const Ref val = sp[-2];
        const u32 i = from_cell<u32>(sp[-3]);
        sp -= 3;
        if (uint64_t{i} + n > t->elems.size()) TRAP(TrapKind::TableOutOfBounds);
        std::fill_n(t->elems.begin() + i, n, val);
      }
        NEXT;

      // table.copy (d, s, n): the ranges may overlap; copy as if through a
      // temporary buffer (memmove).
      CASE(table_copy) {
        TableInst* dst = inst->tables[pc->a];
        const TableInst* src = inst->tables[pc->b];
        const u32 n = from_cell<u32>(sp[-1]);
        const u32 s = from_cell<u32>(sp[-2]);
        const u32 d = from_cell<u32>(sp[-3]);
        sp -= 3;
        if (uint64_t{s} + n > src->elems.size() || uint64_t{d} + n > dst->elems.size())
          TRAP(TrapKind::TableOutOfBounds);
        if (n != 0) std::memmove(dst->elems.data() + d, src->elems.data() + s, n * sizeof(Ref));
      }
        NEXT;

      // table.init (d, s, n): from a passive element segment (a dropped
      // segment has length 0, so only n = 0 at s = 0 succeeds).
      CASE(table_init) {
        const std::vector<Ref>& seg = inst->elems[pc->a];
        TableInst* t = inst->tables[pc->b];
        const u32 n = from_cell<u32>(sp[-1]);
        const u32 s = from_cell<u32>(sp[-2]);
        const u32 d = from_cell<u32>(sp[-3]);
        sp -= 3;
        if (uint64_t{s} + n > seg.size() || uint64_t{d} + n > t->elems.size())
          TRAP(TrapKind::TableOutOfBounds);
        std::copy_n(seg.begin() + s, n, t->elems.begin() + d);
      }
        NEXT;
      CASE(elem_drop) inst->elems[pc->a].clear(); NEXT;

      // =====================================================================
      // Memory instructions
      // =====================================================================

      CASE(i32_load)     LOAD(u32, u32);
      CASE(i64_load)     LOAD(u64, u64);
      CASE(f32_load)     LOAD(u32, u32);  // floats move as bits
      CASE(f64_load)     LOAD(u64, u64);
      CASE(i32_load8_s)  LOAD(int8_t, i32);
      CASE(i32_load8_u)  LOAD(uint8_t, u32);
      CASE(i32_load16_s) LOAD(int16_t, i32);
      CASE(i32_load16_u) LOAD(uint16_t, u32);
      CASE(i64_load8_s)  LOAD(int8_t, i64);
      CASE(i64_load8_u)  LOAD(uint8_t, u64);
      CASE(i64_load16_s) LOAD(int16_t, i64);
      CASE(i64_load16_u) LOAD(uint16_t, u64);
      CASE(i64_load32_s) LOAD(int32_t, i64);
      CASE(i64_load32_u) LOAD(uint32_t, u64);
      CASE(i32_store)    STORE(u32, u32);
      CASE(i64_store)    STORE(u64, u64);
      CASE(f32_store)    STORE(u32, u32);
      CASE(f64_store)    STORE(u64, u64);
      CASE(i32_store8)   STORE(uint8_t, u32);
      CASE(i32_store16)  STORE(uint16_t, u32);
      CASE(i64_store8)   STORE(uint8_t, u64);
      CASE(i64_store16)  STORE(uint16_t, u64);
      CASE(i64_store32)  STORE(uint32_t, u64);

      CASE(memory_size) *sp++ = to_cell(static_cast<u32>(inst->memories[pc->a]->pages())); NEXT;

      // memory.grow: the old size in pages, or -1 (as an i32). The bytes may
      // move, so the memory registers are reloaded.
      CASE(memory_grow) {
        const u32 delta = from_cell<u32>(sp[-1]);
        const int64_t old = inst->memories[pc->a]->grow(delta);
        sp[-1] = to_cell(static_cast<u32>(old));
        RELOAD_MEMORY();
      }
        NEXT;

      // Bulk memory (d, ..., n): the whole range is checked first, so a
      // trapping instruction writes nothing; n = 0 exactly at the end is fine.
      CASE(memory_fill) {
        MemoryInst* m = inst->memories[pc->a];
        const u32 n = from_cell<u32>(sp[-1]);
        const uint8_t val = static_cast<uint8_t>(sp[-2]);
        const u32 d = from_cell<u32>(sp[-3]);
        sp -= 3;
        if (uint64_t{d} + n > m->data.size()) TRAP(TrapKind::MemoryOutOfBounds);
        if (n != 0) std::memset(m->data.data() + d, val, n);
      }
        NEXT;
      CASE(memory_copy) {  // overlapping ranges: memmove
        MemoryInst* dst = inst->memories[pc->a];
        const MemoryInst* src = inst->memories[pc->b];
        const u32 n = from_cell<u32>(sp[-1]);
        const u32 s = from_cell<u32>(sp[-2]);
        const u32 d = from_cell<u32>(sp[-3]);
        sp -= 3;
        if (uint64_t{s} + n > src->data.size() || uint64_t{d} + n > dst->data.size())
          TRAP(TrapKind::MemoryOutOfBounds);
        if (n != 0) std::memmove(dst->data.data() + d, src->data.data() + s, n);
      }
        NEXT;
      CASE(memory_init) {  // from a passive data segment
        const DataSegment& seg = inst->module->datas[pc->a];
        MemoryInst* m = inst->memories[pc->b];
        const uint64_t len = inst->data_dropped[pc->a] ? 0 : seg.bytes_size;  // dropped: empty
        const u32 n = from_cell<u32>(sp[-1]);
        const u32 s = from_cell<u32>(sp[-2]);
        const u32 d = from_cell<u32>(sp[-3]);
        sp -= 3;
        if (uint64_t{s} + n > len || uint64_t{d} + n > m->data.size()) TRAP(TrapKind::MemoryOutOfBounds);
        if (n != 0) std::memcpy(m->data.data() + d, inst->module->bytes.data() + seg.bytes_offset + s, n);
      }
        NEXT;
      CASE(data_drop) inst->data_dropped[pc->a] = true; NEXT;

      // =====================================================================
      // Numeric instructions
      // =====================================================================

      // Constants: the bits are in the instruction.
      CASE(i32_const) *sp++ = static_cast<u32>(pc->b); NEXT;
      CASE(i64_const) *sp++ = pc->b; NEXT;
      CASE(f32_const) *sp++ = static_cast<u32>(pc->b); NEXT;
      CASE(f64_const) *sp++ = pc->b; NEXT;

      // The binary operators that are one C++ expression (comparisons,
      // arithmetic, bitwise operators, shifts) are listed, with their
      // semantics, in interp/binops.def; each row becomes one handler:
      //   CASE(i32_add) BINARY(u32, a + b);
      // Comparisons push an i32: 1 for true, 0 for false.
#define OP2(name, T, expr) CASE(name) BINARY(T, expr);
#include "interp/binops.def"
      CASE(i32_eqz) UNARY(u32, a == 0);
      CASE(i64_eqz) UNARY(u64, a == 0);

      // Integer arithmetic wraps around (modulo 2^N): done on unsigned
      // types, where C++ defines wrapping. Division and remainder trap.
      CASE(i32_clz)    UNARY(u32, num::iclz(a));
      CASE(i32_ctz)    UNARY(u32, num::ictz(a));
      CASE(i32_popcnt) UNARY(u32, num::ipopcnt(a));
      CASE(i32_div_s)  BINARY_TRAPPING(i32, num::idiv_s);
      CASE(i32_div_u)  BINARY_TRAPPING(u32, num::idiv_u);
      CASE(i32_rem_s)  BINARY_TRAPPING(i32, num::irem_s);
      CASE(i32_rem_u)  BINARY_TRAPPING(u32, num::irem_u);
      CASE(i64_clz)    UNARY(u64, num::iclz(a));
      CASE(i64_ctz)    UNARY(u64, num::ictz(a));
      CASE(i64_popcnt) UNARY(u64, num::ipopcnt(a));
      CASE(i64_div_s)  BINARY_TRAPPING(i64, num::idiv_s);
      CASE(i64_div_u)  BINARY_TRAPPING(u64, num::idiv_u);
      CASE(i64_rem_s)  BINARY_TRAPPING(i64, num::irem_s);
      CASE(i64_rem_u)  BINARY_TRAPPING(u64, num::irem_u);

      // Float arithmetic: IEEE 754, round to nearest even. abs, neg and
      // copysign only touch the sign bit; see interp/numeric.h for NaNs.
      CASE(f32_abs)      UNARY(f32, num::fabs(a));
      CASE(f32_neg)      UNARY(f32, num::fneg(a));
      CASE(f32_ceil)     UNARY(f32, num::fceil(a));
      CASE(f32_floor)    UNARY(f32, num::ffloor(a));
      CASE(f32_trunc)    UNARY(f32, num::ftrunc(a));
      CASE(f32_nearest)  UNARY(f32, num::fnearest(a));
      CASE(f32_sqrt)     UNARY(f32, num::fsqrt(a));
      CASE(f64_abs)      UNARY(f64, num::fabs(a));
      CASE(f64_neg)      UNARY(f64, num::fneg(a));
      CASE(f64_ceil)     UNARY(f64, num::fceil(a));
      CASE(f64_floor)    UNARY(f64, num::ffloor(a));
      CASE(f64_trunc)    UNARY(f64, num::ftrunc(a));
      CASE(f64_nearest)  UNARY(f64, num::fnearest(a));
      CASE(f64_sqrt)     UNARY(f64, num::fsqrt(a));

      // Conversions.
      CASE(i32_wrap_i64)      UNARY(u64, static_cast<u32>(a));  // keep the low 32 bits
      CASE(i32_trunc_f32_s)   TRUNC(f32, i32);
      CASE(i32_trunc_f32_u)   TRUNC(f32, u32);
      CASE(i32_trunc_f64_s)   TRUNC(f64, i32);
      CASE(i32_trunc_f64_u)   TRUNC(f64, u32);
      CASE(i64_extend_i32_s)  UNARY(i32, static_cast<i64>(a));
      CASE(i64_extend_i32_u)  UNARY(u32, static_cast<u64>(a));
      CASE(i64_trunc_f32_s)   TRUNC(f32, i64);
      CASE(i64_trunc_f32_u)   TRUNC(f32, u64);
      CASE(i64_trunc_f64_s)   TRUNC(f64, i64);
      CASE(i64_trunc_f64_u)   TRUNC(f64, u64);
      CASE(f32_convert_i32_s) UNARY(i32, num::convert<f32>(a));
      CASE(f32_convert_i32_u) UNARY(u32, num::convert<f32>(a));
      CASE(f32_convert_i64_s) UNARY(i64, num::convert<f32>(a));
      CASE(f32_convert_i64_u) UNARY(u64, num::convert<f32>(a));
      CASE(f32_demote_f64)    UNARY(f64, num::demote(a));
      CASE(f64_convert_i32_s) UNARY(i32, num::convert<f64>(a));
      CASE(f64_convert_i32_u) UNARY(u32, num::convert<f64>(a));
      CASE(f64_convert_i64_s) UNARY(i64, num::convert<f64>(a));
      CASE(f64_convert_i64_u) UNARY(u64, num::convert<f64>(a));
      CASE(f64_promote_f32)   UNARY(f32, num::promote(a));
      // Reinterpretations change the type, not the bits: cells hold bits
      // already, so there is nothing to do.
      CASE(i32_reinterpret_f32)
      CASE(i64_reinterpret_f64)
      CASE(f32_reinterpret_i32)
      CASE(f64_reinterpret_i64) NEXT;

      // Sign extension (Wasm 2.0): extend the low 8/16/32 bits' sign.
      CASE(i32_extend8_s)  UNARY(u32, num::iextend_s<int8_t>(a));
      CASE(i32_extend16_s) UNARY(u32, num::iextend_s<int16_t>(a));
      CASE(i64_extend8_s)  UNARY(u64, num::iextend_s<int8_t>(a));
      CASE(i64_extend16_s) UNARY(u64, num::iextend_s<int16_t>(a));
      CASE(i64_extend32_s) UNARY(u64, num::iextend_s<int32_t>(a));

      // Saturating truncation (Wasm 2.0): clamps instead of trapping.
      CASE(i32_trunc_sat_f32_s) UNARY(f32, num::trunc_sat<i32>(a));
      CASE(i32_trunc_sat_f32_u) UNARY(f32, num::trunc_sat<u32>(a));
      CASE(i32_trunc_sat_f64_s) UNARY(f64, num::trunc_sat<i32>(a));
      CASE(i32_trunc_sat_f64_u) UNARY(f64, num::trunc_sat<u32>(a));
      CASE(i64_trunc_sat_f32_s) UNARY(f32, num::trunc_sat<i64>(a));
      CASE(i64_trunc_sat_f32_u) UNARY(f32, num::trunc_sat<u64>(a));
      CASE(i64_trunc_sat_f64_s) UNARY(f64, num::trunc_sat<i64>(a));
      CASE(i64_trunc_sat_f64_u) UNARY(f64, num::trunc_sat<u64>(a));

      // =====================================================================
      // Superinstructions (loader/fuse.cpp): one handler does the work of a
      // common sequence of 2 to 5 instructions, reading its operands straight
      // from locals and constants instead of pushing them first. They are
      // generated from interp/binops.def, e.g. for i32.add:
      //   i32_add_sl  `local.get y; i32.add`           a from the stack
      //   i32_add_sc  `i32.const c; i32.add`           a from the stack
      //   i32_add_ll  `local.get x; local.get y; i32.add`
      //   i32_add_lc  `local.get x; i32.const c; i32.add`
      // each also as _set (`...; local.set z`: the result goes to z), for
      // comparisons br_if_i32_lt_s (`i32.lt_s; br_if`) with the same
      // operand variants, and loads and stores with their address or value
      // in a local (i32_load_l, i32_load_lc, i32_store_sl, i32_store_sc).
      // =====================================================================
#define OP2_FUSED FUSED_OP2
#define CMP_FUSED FUSED_CMP
#define LOAD_FUSED FUSED_LOAD
#define STORE_FUSED FUSED_STORE
#include "interp/binops.def"

      // =====================================================================
      // Vector instructions (SIMD): 236 of them, each a pure function of
      // interp/simd.h named like its opcode, so their cases are generated:
      //   CASE(i8x16_add) SIMD_none(i8x16_add, 110);
      // =====================================================================
#define X(name, text, prefix, code, imm, sig) \
  CASE(name)                          \
    SIMD_##imm(name, code);
#include "interp/opcodes_simd.def"
#undef X
    }

    // -----------------------------------------------------------------------
    // Calls (spec 4.4.8.x "call", 4.4.10 "Function Calls"). `callee` is set.
  do_call:
    if (callee->is_host()) {
      // A host function runs inside this instruction. Its arguments are the
      // top cells; its results replace them.
      const uint32_t np = cells_of(callee->type.params);
      uint64_t* args = sp - np;
      const HostAnswer::Kind kind = call_host_from_loop(thread, inst, *callee, args, trap_message);
      if (kind == HostAnswer::Ok) {
        sp = args + host_results.size();
        RELOAD_MEMORY();  // the host may have grown (and moved) memory
        ++pc;
        DISPATCH();
      }
      if (kind == HostAnswer::Trap) goto trapped;
      // Pending: suspend. Everything needed to go on is already on the heap;
      // save the registers that are not, and hand control back to the
      // embedder. resume() pushes the results at `args` and continues after
      // this call instruction.
      frames.back().pc = pc + 1;
      this->sp = static_cast<size_t>(args - bottom);
      save_fuel(fuel);
      pending_cells = static_cast<uint32_t>(host_results.size());
      thread.state_ = ExecState::Suspended;
      return ExecState::Suspended;
    }
    {
      // A wasm function: a new frame over the arguments already on the
      // stack, then a jump to its first instruction. No native recursion.
      const Code& callee_code = callee->func->code;
      if (frames.size() >= config.max_call_depth) TRAP(TrapKind::CallStackExhausted);
      const size_t new_fp = static_cast<size_t>(sp - bottom) - callee_code.param_cells;
      const uint64_t need = new_fp + frame_cells(callee_code);
      if (need > stack.size()) {
        // Grow the value stack. It may move: pointers become indices and back.
        const size_t sp_index = static_cast<size_t>(sp - bottom);
        const size_t fp_index = static_cast<size_t>(fp - bottom);
        if (!reserve(need, config.max_stack_cells)) TRAP(TrapKind::CallStackExhausted);
        bottom = stack.data();
        sp = bottom + sp_index;
        fp = bottom + fp_index;
      }
      frames.back().pc = pc + 1;  // where the caller continues
      frames.push_back({callee, callee_code.instrs.data(), new_fp});
      func = callee;
      code = &callee_code;
      code_start = code->instrs.data();
      fp = bottom + new_fp;
      // Declared locals start at zero (all-zero bits are 0, +0.0 and null).
      std::fill(fp + code->param_cells, fp + code->local_cells, 0);
      sp = fp + code->local_cells;
      pc = code_start;
      ENTER_INSTANCE(callee->instance);
      CONSUME_FUEL();
      DISPATCH();
    }

    // -----------------------------------------------------------------------
    // Tail calls (tail-call proposal: return_call, return_call_indirect).
    // `callee` is set; its arguments are the top cells.
  do_return_call:
    // A host function is simply called, like `call`; the translator put a
    // `return_` right after the instruction, which then returns its results
    // (also after a suspension: resume continues there).
    if (callee->is_host()) goto do_call;
    {
      // A wasm function replaces the running frame: its arguments move down
      // to fp, where the caller's parameters were, and the frame record is
      // reused with the callee in it. Neither stack grows, however long the
      // chain of tail calls.
      const Code& callee_code = callee->func->code;
      const uint32_t np = callee_code.param_cells;
      const uint64_t* args = sp - np;
      for (uint32_t i = 0; i < np; ++i) fp[i] = args[i];  // fp <= args: forward copy is safe
      const size_t fp_index = static_cast<size_t>(fp - bottom);
      const uint64_t need = fp_index + frame_cells(callee_code);
      if (need > stack.size()) {
        // The callee may need more room than the caller had.
        if (!reserve(need, config.max_stack_cells)) TRAP(TrapKind::CallStackExhausted);
        bottom = stack.data();
        fp = bottom + fp_index;
      }
      frames.back().func = callee;
      func = callee;
      code = &callee_code;
      code_start = code->instrs.data();
      std::fill(fp + code->param_cells, fp + code->local_cells, 0);
      sp = fp + code->local_cells;
      pc = code_start;
      ENTER_INSTANCE(callee->instance);
      CONSUME_FUEL();
      DISPATCH();
    }
  }

trapped:
  save_fuel(fuel);
  return trap(thread, std::move(trap_message));

out_of_fuel:
  // Like a suspension: the state stays, resume() continues at pc.
  frames.back().pc = pc;
  this->sp = static_cast<size_t>(sp - bottom);
  save_fuel(0);
  thread.trap_ = "out of fuel";
  thread.state_ = ExecState::OutOfFuel;
  return ExecState::OutOfFuel;

finished:
  save_fuel(fuel);
  this->sp = static_cast<size_t>(sp - bottom);
  return finish(thread);
}

#undef NEXT
#undef CASE
#undef DISPATCH
#undef UNTRACED_DISPATCH
#undef TRAP
#undef BRANCH
#undef KEEP
#undef JUMP
#undef OPERANDS
#undef FUSED_OP2
#undef FUSED_CMP
#undef FUSED_LOAD
#undef LOAD_AT
#undef FUSED_STORE
#undef STORE_FROM
#undef DROP
#undef UNARY
#undef BINARY
#undef BINARY_TRAPPING
#undef TRUNC
#undef ACCESS_MEMORY
#undef LOAD
#undef STORE
#undef READ_MEMORY
#undef WRITE_MEMORY
#undef RELOAD_MEMORY
#undef ENTER_INSTANCE
#undef SIMD_none
#undef SIMD_lane
#undef SIMD_v128
#undef SIMD_shuffle
#undef SIMD_memarg
#undef SIMD_memarg_lane

}  // namespace wasmslot
