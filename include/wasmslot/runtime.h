/// @file
/// The runtime's objects (spec section 4.2 "Runtime Structure"): values, the
/// store and what it owns (function, table, memory and global instances),
/// module instances, and the Thread that executes calls.
///
/// Ownership: the Store owns every instance it creates; raw pointers to them
/// stay valid for the Store's lifetime. A Module is shared by its instances.
#pragma once

#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "wasmslot/loader.h"
#include "wasmslot/result.h"
#include "wasmslot/types.h"

namespace wasmslot {

struct Func;   ///< a module's function (private: loader/module.h)
struct Instr;  ///< one translated instruction (private: loader/module.h)
class Instance;
class Store;
class Thread;
struct FuncInst;
struct MemoryInst;
struct TraceEvent;

/// Called before each instruction a traced Thread executes (Thread::set_trace).
using TraceFunc = std::function<void(const TraceEvent&)>;

// ---------------------------------------------------------------------------
// Values

/// A reference is one cell: 0 is null. A funcref is the FuncInst* as an
/// integer. An externref is an opaque non-zero number chosen by the embedder.
using Ref = uint64_t;
/// The funcref naming function `f` (0, null, for a null `f`).
inline Ref ref_of(const FuncInst* f) { return reinterpret_cast<uintptr_t>(f); }
/// The function a funcref names; null for the null reference.
inline FuncInst* func_of(Ref r) { return reinterpret_cast<FuncInst*>(static_cast<uintptr_t>(r)); }

/// A typed value, as the API and the tools see it. Floats are kept as bits so
/// NaN payloads survive every copy.
struct Value {
  ValType type = ValType::I32;  ///< which type, and so which of lo and hi hold what
  uint64_t lo = 0;              ///< i32 (zero-extended), i64, f32 bits, f64 bits, ref, v128 low
  uint64_t hi = 0;              ///< v128 high half

  /// An i32 (kept zero-extended in lo).
  static Value i32(int32_t v) { return {ValType::I32, static_cast<uint32_t>(v), 0}; }
  /// An i64.
  static Value i64(int64_t v) { return {ValType::I64, static_cast<uint64_t>(v), 0}; }
  /// An f32 given by its bits (NaN payloads kept).
  static Value f32_bits(uint32_t b) { return {ValType::F32, b, 0}; }
  /// An f64 given by its bits (NaN payloads kept).
  static Value f64_bits(uint64_t b) { return {ValType::F64, b, 0}; }
  /// An f32 (its bits, as f32_bits).
  static Value f32(float f) { uint32_t b; std::memcpy(&b, &f, 4); return f32_bits(b); }
  /// An f64 (its bits, as f64_bits).
  static Value f64(double d) { uint64_t b; std::memcpy(&b, &d, 8); return f64_bits(b); }
  /// A v128 from its low and high halves.
  static Value v128(uint64_t lo, uint64_t hi) { return {ValType::V128, lo, hi}; }
  /// A reference of type `t` (FuncRef or ExternRef); `r` 0 is null.
  static Value ref(ValType t, Ref r) { return {t, r, 0}; }

  /// The i32 it holds (type I32).
  int32_t as_i32() const { return static_cast<int32_t>(static_cast<uint32_t>(lo)); }
  /// The i64 it holds (type I64).
  int64_t as_i64() const { return static_cast<int64_t>(lo); }
  /// The f32 it holds (type F32).
  float as_f32() const { float f; uint32_t b = static_cast<uint32_t>(lo); std::memcpy(&f, &b, 4); return f; }
  /// The f64 it holds (type F64).
  double as_f64() const { double d; std::memcpy(&d, &lo, 8); return d; }

  /// The same type and the same bits: NaNs with the same payload are equal.
  bool operator==(const Value&) const = default;
};

// ---------------------------------------------------------------------------
// Host functions

/// What a host function answers.
///
/// A host function receives its arguments as cells (one per value, two for
/// v128, in parameter order) and writes its results the same way. It answers:
///   Ok       results are written, execution continues;
///   Trap     the call traps with `message`;
///   Pending  the result is not known yet: the Thread suspends and returns
///            ExecState::Suspended with `handle` (a promise slot's handle);
///            the embedder later calls Thread::resume with the results, or
///            Thread::resume_trap. This is the only hook the async protocol
///            needs from the interpreter.
struct HostAnswer {
  /// The three answers (above).
  enum Kind : uint8_t {
    Ok,      ///< results are written, execution continues
    Trap,    ///< the call traps with `message`
    Pending  ///< the result is not known yet: the Thread suspends
  } kind = Ok;          ///< which answer
  uint32_t handle = 0;  ///< Pending: the promise slot's handle
  std::string message;  ///< Trap: the trap's text

  static HostAnswer ok() { return {}; }  ///< Ok: the results are written
  /// Trap, with `msg` as the trap's text.
  static HostAnswer trap(std::string msg) { return {Trap, 0, std::move(msg)}; }
  static HostAnswer pending(uint32_t h) { return {Pending, h, {}}; }  ///< Pending, on the slot of handle `h`
};

/// What a host function is given: the store, the calling Thread and
/// instance, its arguments, and where its results go.
struct HostCall {
  Store& store;                    ///< the store the function belongs to
  Thread& thread;                  ///< the Thread executing the call
  Instance* caller;                ///< the instance whose code made the call, or null
  const FuncInst& func;            ///< the host function being called
  std::span<const uint64_t> args;  ///< the arguments, as cells in parameter order
  std::span<uint64_t> results;     ///< where the results go, as cells in result order

  /// The caller's memory `index` (memory 0: where C strings and buffers
  /// live), or null when the caller has none or the call came from the host.
  MemoryInst* memory(uint32_t index = 0) const;

  /// Parameter `i` as a typed Value (its cells read by the function's type);
  /// a zero i32 if the function has no parameter `i`.
  Value arg(uint32_t i) const;
  /// Writes result `i`: an Error, writing nothing, if the function has no
  /// result `i` or it is of another type than `v`.
  Status set_result(uint32_t i, const Value& v);
};

/// The C++ side of a host function (Store::make_host_func): see HostAnswer.
using HostFunc = std::function<HostAnswer(HostCall&)>;

// ---------------------------------------------------------------------------
// Store objects

/// A function instance (spec: funcinst): a module's function with its
/// instance, or a host function.
struct FuncInst {
  FuncType type;  ///< its function type
  Instance* instance = nullptr;  ///< the defining instance; null for host functions
  const Func* func = nullptr;    ///< the module's function (with its Code); null for host
  HostFunc host;                 ///< host functions only
  std::string name;              ///< for errors and traces ("env.get", "$fac")
  bool is_host() const { return func == nullptr; }  ///< whether it is a host function
};

/// What the tables and memories of one store hold together, counted against
/// the store-wide limits (Config::max_total_table_elems,
/// Config::max_total_memory_bytes). A module can declare many tables and
/// memories (multi-memory); a limit per object alone would let a few hundred
/// bytes of module ask for hundreds of gigabytes. Tables and memories never
/// shrink, so the totals only grow, for the store's lifetime.
struct StoreTotals {
  uint64_t table_elems = 0;   ///< elements of all the store's tables
  uint64_t memory_bytes = 0;  ///< bytes of all the store's memories
};

/// The bytes of a linear memory (spec: meminst.data), and the storage of a
/// table's elements (TableElems below). They cost nothing until touched: the
/// memory reserves address space for the most it may ever hold (its maximum,
/// within the store's limits), inaccessible, and makes the first size() bytes
/// readable and writable. The system supplies those pages zero-filled on
/// first access, so a memory the module declares but never writes stays out
/// of resident memory, and growing is making more of the reservation
/// accessible: no copy, no zero-filling, and data() never moves. Everything
/// past size() (one guard page at least) stays inaccessible, so an access
/// that escaped the interpreter's bounds checks faults at once instead of
/// reading a neighbour's bytes.
class MemoryBytes {
 public:
  /// Reserves `capacity` bytes, the first `size` usable (size <= capacity).
  /// If the system refuses, the result holds nothing: reserved() is false.
  MemoryBytes(uint64_t size, uint64_t capacity) noexcept;
  /// Gives the reservation back to the system.
  ~MemoryBytes();
  MemoryBytes(const MemoryBytes&) = delete;             ///< not copyable: it owns its reservation
  MemoryBytes& operator=(const MemoryBytes&) = delete;  ///< not copyable: it owns its reservation

  bool reserved() const { return base_ != nullptr; }  ///< whether the reservation succeeded
  uint8_t* data() { return base_; }  ///< the first byte; never moves
  const uint8_t* data() const { return base_; }  ///< the first byte; never moves
  uint64_t size() const { return size_; }  ///< bytes usable now
  uint64_t capacity() const { return capacity_; }  ///< bytes reserved: the most size() can grow to
  uint8_t& operator[](uint64_t i) { return base_[i]; }  ///< byte `i`, unchecked (i < size())
  uint8_t operator[](uint64_t i) const { return base_[i]; }  ///< byte `i`, unchecked (i < size())
  uint8_t* begin() { return base_; }  ///< the usable bytes, as a range
  uint8_t* end() { return base_ + size_; }  ///< the end of the usable bytes

  /// Makes the bytes up to `size` (>= size()) usable, the new ones zero:
  /// false, changing nothing, if size > capacity() or the system refuses.
  bool grow_to(uint64_t size);

 private:
  uint8_t* base_ = nullptr;
  uint64_t size_ = 0;
  uint64_t capacity_ = 0;
  uint64_t accessible_ = 0;  // size_ rounded up to the system's page size
};

/// A table's elements (spec: tableinst.elem). A new element is null, which is
/// the all-zero cell, so the elements live in MemoryBytes: a table of ten
/// million elements costs nothing until they are set.
class TableElems {
 public:
  /// Reserves room for `capacity` elements, the first `size` usable and
  /// null. If the system refuses, reserved() is false.
  TableElems(uint64_t size, uint64_t capacity) noexcept
      : bytes_(size * sizeof(Ref), capacity * sizeof(Ref)) {}

  bool reserved() const { return bytes_.reserved(); }  ///< whether the reservation succeeded
  Ref* data() { return reinterpret_cast<Ref*>(bytes_.data()); }  ///< the first element; never moves
  /// The first element.
  const Ref* data() const { return reinterpret_cast<const Ref*>(bytes_.data()); }
  uint64_t size() const { return bytes_.size() / sizeof(Ref); }  ///< elements usable now
  Ref& operator[](uint64_t i) { return data()[i]; }  ///< element `i`, unchecked (i < size())
  Ref operator[](uint64_t i) const { return data()[i]; }  ///< element `i`, unchecked (i < size())
  Ref* begin() { return data(); }  ///< the usable elements, as a range
  Ref* end() { return data() + size(); }  ///< the end of the usable elements
  /// Makes the elements up to `n` usable, the new ones null: false, changing
  /// nothing, past the capacity or if the system refuses.
  bool grow_to(uint64_t n) { return bytes_.grow_to(n * sizeof(Ref)); }

 private:
  MemoryBytes bytes_;
};

/// A table instance (spec: tableinst). Made by Store::make_table or by
/// instantiation; owned by its store.
struct TableInst {
  TableType type;    ///< its table type
  TableElems elems;  ///< its elements (spec: tableinst.elem)
  Store& store;      ///< the owner, whose limits and totals a grow respects

  uint64_t size() const { return elems.size(); }  ///< the current size, in elements
  /// Grows by `delta` elements set to `init` (spec: table.grow): the old
  /// size, or -1 past the type's maximum or the store's limits.
  int64_t grow(uint64_t delta, Ref init = 0);

 private:
  // Only the Store makes tables, so every one is counted in its totals.
  friend class Store;
  TableInst(TableType t, uint64_t capacity, Store& owner) noexcept
      : type(t), elems(t.limits.min, capacity), store(owner) {}
};

/// A memory instance (spec: meminst). Made by Store::make_memory or by
/// instantiation; owned by its store.
struct MemoryInst {
  MemoryType type;   ///< its memory type
  MemoryBytes data;  ///< size is always pages * 64 KiB
  Store& store;      ///< the owner, whose limits and totals a grow respects

  /// The current size, in pages of 64 KiB.
  uint64_t pages() const { return data.size() / kPageSize; }
  /// Grows by `delta` pages (spec: memory.grow): the old size in pages, or -1
  /// past the type's maximum or the store's limits.
  int64_t grow(uint64_t delta);

  /// Bounds-checked access for embedders: the `length` bytes at `offset`, or
  /// an Error ("out of bounds memory access") if any lies outside the memory.
  /// Memory never moves (MemoryBytes), so a view stays valid as long as the
  /// store lives.
  Result<std::span<uint8_t>> view(uint64_t offset, uint64_t length);
  /// The same, read-only.
  Result<std::span<const uint8_t>> view(uint64_t offset, uint64_t length) const;
  /// Copies out of and into the memory, all or nothing.
  Status read(uint64_t offset, std::span<uint8_t> out) const;
  /// Copies `in` into the memory at `offset`, all or nothing.
  Status write(uint64_t offset, std::span<const uint8_t> in);

 private:
  // Only the Store makes memories, so every one is counted in its totals.
  friend class Store;
  MemoryInst(MemoryType t, uint64_t capacity_pages, Store& owner) noexcept
      : type(t), data(t.limits.min * kPageSize, capacity_pages * kPageSize), store(owner) {}
};

/// A global instance (spec: globalinst): its type and its value.
struct GlobalInst {
  GlobalType type;                                               ///< its global type
  uint64_t cells[2] = {0, 0};                                    ///< v128 uses both
  Value get() const { return {type.type, cells[0], cells[1]}; }  ///< its value
  /// Stores `v`; neither its type nor mutability is checked here.
  void set(const Value& v) { cells[0] = v.lo; cells[1] = v.hi; }
};

/// An external value (spec: externval): what imports and exports are.
struct Extern {
  ExternKind kind = ExternKind::Func;  ///< which member below is set
  FuncInst* func = nullptr;            ///< kind Func
  TableInst* table = nullptr;          ///< kind Table
  MemoryInst* memory = nullptr;        ///< kind Memory
  GlobalInst* global = nullptr;        ///< kind Global
};

/// Imports offered to instantiation, by module and field name. The spec
/// runner's `register` and the CLI's host modules fill it.
class Imports {
 public:
  /// Offers `e` as `module.name`, replacing an earlier offer.
  void add(const std::string& module, const std::string& name, Extern e) { map_[{module, name}] = e; }
  /// What is offered as `module.name`, or null.
  const Extern* find(const std::string& module, const std::string& name) const {
    auto it = map_.find({module, name});
    return it == map_.end() ? nullptr : &it->second;
  }
 private:
  std::map<std::pair<std::string, std::string>, Extern> map_;
};

/// A module instance (spec: moduleinst). Index spaces list imports first.
class Instance {
 public:
  std::shared_ptr<const Module> module;  ///< the module it was made from
  std::vector<FuncInst*> funcs;          ///< the function index space
  std::vector<TableInst*> tables;        ///< the table index space
  std::vector<MemoryInst*> memories;     ///< the memory index space
  std::vector<GlobalInst*> globals;      ///< the global index space
  std::vector<std::vector<Ref>> elems;   ///< element segments; emptied by elem.drop
  std::vector<bool> data_dropped;        ///< by data.drop (and after active init)

  /// The export `name` (spec: instance_export), or nullopt if there is none.
  std::optional<Extern> get_export(std::string_view name) const;
  /// The export `name` if it is of that kind; null if absent or another kind.
  FuncInst* get_func(std::string_view name) const;
  TableInst* get_table(std::string_view name) const;    ///< the same, for a table
  MemoryInst* get_memory(std::string_view name) const;  ///< the same, for a memory
  GlobalInst* get_global(std::string_view name) const;  ///< the same, for a global
};

/// Resource limits of a Store, with safe defaults.
struct Config {
  uint32_t max_call_depth = 10000;         ///< frames per Thread
  uint64_t max_stack_cells = 1u << 20;     ///< value-stack cells per Thread (8 MiB)
  uint64_t max_memory_pages = kMaxPages;   ///< per memory
  uint64_t max_table_elems = 10000000;     ///< per table
  /// All the store's memories together (4 GiB: one full 32-bit memory), and
  /// all its tables (80 MB of elements): checked at instantiation (which
  /// fails) and on memory.grow and table.grow (which return -1).
  uint64_t max_total_memory_bytes = kMaxPages * kPageSize;
  uint64_t max_total_table_elems = 10000000;  ///< all the store's tables together (see above)
  /// Fuel given to every new Thread (Thread::set_fuel); none: unmetered.
  /// Store::call with fuel fails with "out of fuel" when it runs out.
  std::optional<uint64_t> fuel;
  /// The trace function of every new Thread (Thread::set_trace); empty: none.
  TraceFunc trace;
};

/// A store (spec: store): owns every function, table, memory, global and
/// instance made in it, for its whole lifetime, within the limits of its
/// Config.
class Store {
 public:
  /// An empty store with the limits of `config`.
  explicit Store(Config config = {}) : config_(std::move(config)) {}
  Store(const Store&) = delete;             ///< not copyable: what it made points to it
  Store& operator=(const Store&) = delete;  ///< not copyable: what it made points to it

  const Config& config() const { return config_; }       ///< its limits
  const StoreTotals& totals() const { return totals_; }  ///< what its tables and memories hold now

  /// A host function of type `type`; `name` appears in errors and traces.
  FuncInst* make_host_func(FuncType type, HostFunc fn, std::string name = {});
  /// A table of `type.limits.min` elements set to `init`, or an Error if it
  /// would not fit in the store's limits (Config) or the system has no
  /// memory left. The same for a memory of `type.limits.min` pages.
  Result<TableInst*> make_table(TableType type, Ref init = 0);
  /// A memory of `type.limits.min` pages, or an Error (see make_table).
  Result<MemoryInst*> make_memory(MemoryType type);
  /// A global of type `type`, set to `init`.
  GlobalInst* make_global(GlobalType type, Value init);

  /// Instantiates a validated module (spec: module instantiation): resolves its
  /// imports by name and type, allocates, evaluates constant expressions,
  /// initialises active segments in order, and runs the start function.
  /// Errors: "unknown import: m.n", "incompatible import type: m.n", a table
  /// or memory beyond the store's limits (Config; checked before anything is
  /// allocated), and traps during segment initialisation or the start
  /// function (their text).
  /// Effects of segments applied before a trap stay, as the spec requires;
  /// the partially made instance is still owned by the store.
  Result<Instance*> instantiate(std::shared_ptr<const Module> module, const Imports& imports);
  /// The same with the imports given by position: `imports[i]` is the
  /// module's i-th import (module_imports() order), as the spec and the C
  /// API take them; a module may import one name twice. Error: "expected N
  /// imports, got M", and those above.
  Result<Instance*> instantiate(std::shared_ptr<const Module> module, std::span<const Extern> imports);

  /// Synchronous call of a function: its results, or an Error whose message is
  /// the trap's text ("integer divide by zero", ...). A host function answering
  /// Pending during a synchronous call traps with
  /// "asynchronous import called synchronously".
  Result<std::vector<Value>> call(FuncInst* func, std::span<const Value> args);

 private:
  friend struct TableInst;
  friend struct MemoryInst;
  // The one place the limits on sizes are worked out, for making, for
  // instantiation's check beforehand, and for growing. The most elements
  // (pages) a table (memory) of `type` may hold: the least of its declared
  // maximum, the index space, the per-object limit of Config, and what the
  // store-wide limit leaves when `others` elements (bytes) are already
  // counted against it.
  uint64_t table_room(const TableType& type, uint64_t others) const;
  uint64_t memory_room(const MemoryType& type, uint64_t others) const;
  // Whether a new table (memory) of `type` fits beside `others`: an Error
  // naming the limit it exceeds if not.
  Status table_fits(const TableType& type, uint64_t others) const;
  Status memory_fits(const MemoryType& type, uint64_t others) const;

  Config config_;
  StoreTotals totals_;
  std::vector<std::unique_ptr<FuncInst>> funcs_;
  std::vector<std::unique_ptr<TableInst>> tables_;
  std::vector<std::unique_ptr<MemoryInst>> memories_;
  std::vector<std::unique_ptr<GlobalInst>> globals_;
  std::vector<std::unique_ptr<Instance>> instances_;
};

// ---------------------------------------------------------------------------
// Execution

/// Where a Thread's call stands, after each invoke() or resume().
enum class ExecState : uint8_t {
  Idle,       ///< nothing started, or the last call's outcome was collected
  Done,       ///< finished: results() holds the results
  Trapped,    ///< trapped: trap_message() says why
  Suspended,  ///< a host function answered Pending: pending_handle() names it
  OutOfFuel,  ///< the thread's fuel ran out: trap_message() is "out of fuel";
              ///< add_fuel() then resume() continues where it stopped
};
/// The state's name, as its enumerator is spelled: "Idle", "Done", ...
const char* to_string(ExecState s);

/// One step of a traced Thread: the instruction about to execute, and the
/// machine's state before it. Valid only during the trace function's call.
struct TraceEvent {
  const FuncInst& func;  ///< the running function (a wasm function)
  uint32_t depth;        ///< frames below it on the call stack (0: the entry's)
  uint32_t index;        ///< the instruction's index in its function's translated code
  const Instr& instr;    ///< the translated instruction (private form: loader/module.h)
  /// Its name: the text format's ("i32.add", "local.get"), or for a
  /// superinstruction the interpreter's own ("i32_add_lc").
  std::string_view name;
  /// The byte offset in the module of the wasm instruction it translates
  /// (Code::offsets), or kNoOffset for fused code.
  uint32_t offset;
  /// Offset of code that translates no single wasm instruction.
  static constexpr uint32_t kNoOffset = UINT32_MAX;
  uint64_t height;                   ///< cells on the value stack, all frames
  std::span<const uint64_t> operands;  ///< this frame's operand stack, top last
};

/// A Thread executes one call at a time, on its own value stack and call stack,
/// both on the heap: wasm-to-wasm calls never recurse on the native stack. A
/// suspended Thread keeps its whole state (frames, values, program counter), so
/// any number of calls can be suspended at once, each in its own Thread.
///
/// Tracing: a Thread with a trace function (set_trace, or Config::trace for
/// every new Thread) calls it before every instruction it executes. The
/// dispatch loop jumps through a table of handler addresses held in a local
/// variable; a traced run uses a second table whose every entry is a stub that
/// reports the instruction and then jumps to its real handler. An untraced run
/// pays nothing (interp/README.md, "Tracing"). Each step is one instruction of
/// the *translated* code: load a module with validate(..., Translation::plain)
/// to trace one step per wasm instruction, with its byte offset.
class Thread {
 public:
  /// A Thread that executes in `store`, with its limits (Config), fuel and
  /// trace function.
  explicit Thread(Store& store);
  ~Thread();  ///< frees its stacks, and with them a call it holds suspended
  Thread(const Thread&) = delete;  ///< not copyable: it owns its stacks
  Thread& operator=(const Thread&) = delete;  ///< not copyable: it owns its stacks

  /// Starts a call. Argument count and types must match func's type (checked:
  /// a mismatch is a Trapped state with a message, never undefined behaviour).
  ExecState invoke(FuncInst* func, std::span<const Value> args);

  /// After Suspended: the pending host function's results (cells, as HostCall
  /// results), then execution continues where it stopped.
  ExecState resume(std::span<const uint64_t> results);
  /// After Suspended: the pending host function traps with `message`.
  ExecState resume_trap(std::string message);

  /// Fuel bounds how long a call runs. A metered Thread consumes one unit per
  /// wasm function call (return_call included) and per taken backward branch
  /// (one loop iteration); host calls are free. When a unit is needed and none
  /// is left, the Thread stops in state OutOfFuel, keeping its whole state
  /// like a suspension; add_fuel() and resume() continue it. An unmetered
  /// Thread (the default, unless Config::fuel is set) never stops. Fuel is a
  /// budget of the Thread, not of one call: invoke() does not refill it.
  void set_fuel(std::optional<uint64_t> fuel);  ///< nullopt: unmetered
  void add_fuel(uint64_t units);                ///< also makes the Thread metered
  std::optional<uint64_t> fuel() const;         ///< what is left; nullopt: unmetered
  /// After OutOfFuel: continues (after Suspended with no result cells: the
  /// same as resume({})).
  ExecState resume();

  /// The trace function (see the class comment); empty: no tracing. It takes
  /// effect at the next invoke() or resume(), and must not use the Thread.
  void set_trace(TraceFunc trace);

  ExecState state() const { return state_; }                      ///< where the current call stands
  const std::vector<Value>& results() const { return results_; }  ///< the results, after Done
  /// Why it stopped, after Trapped or OutOfFuel.
  const std::string& trap_message() const { return trap_; }
  /// The pending host function's handle, after Suspended.
  uint32_t pending_handle() const { return pending_handle_; }
  Store& store() { return store_; }  ///< the store it executes in

  /// Opaque to users; the interpreter's state lives here.
  struct Impl;

 private:
  Store& store_;
  ExecState state_ = ExecState::Idle;
  std::vector<Value> results_;
  std::string trap_;
  uint32_t pending_handle_ = 0;
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmslot
