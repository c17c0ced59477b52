/// @file
/// The async import protocol (ASYNC.md): asynchronous host functions, the
/// three forms of asynchronous calls, and the glue between the interpreter's
/// Thread, the promise-slot table and the event loop.
///
/// An embedder
///   1. makes an AsyncRuntime next to its Store (it owns the event loop and the
///      promise-slot table; declare it after the Store, so it goes first);
///   2. defines asynchronous imports with a C++ function that receives the
///      arguments and a Slot, and later settles the Slot (resolve or reject):
///      right away, from a timer, or from another thread through a RemoteSlot;
///   3. starts asynchronous calls of exports and runs the loop.
///
/// @code
///   Store store;
///   AsyncRuntime rt(store);
///   Imports imports;
///   rt.define_async(imports, *module, "env", "get",
///                   [](std::span<const Value>, Slot slot) { slot.resolve(Value::i32(123)); });
///   Instance* inst = store.instantiate(module, imports).value();
///   auto call = rt.start(*inst, "call", {}).value();
///   rt.loop().run();
///   call->results()[0].as_i32();   // 444 with fixtures/async/seed.wasm
/// @endcode
///
/// examples/async_worker.cpp is the same with a worker thread as the source.
///
/// Which form a call takes follows the module's shape (ASYNC.md): if the
/// instance exports the callback ("callback" unless CallOptions says
/// otherwise), the call is in callback form: form 1 when the callback takes one
/// parameter callback(v), form 2 when it takes two callback(h, v). Otherwise the
/// call is in suspension form (form 3). CallOptions::mode forces a form.
///
/// Callback forms (1 and 2). An asynchronous import creates a pending slot and
/// returns at once: nothing if its type returns nothing, else the slot's handle
/// (its result must then be one i32). When the export returns, the slot that
/// carries the call's result is the handle it returned (an i32 result), or the
/// newest slot created during the call (no result). When that slot settles, the
/// callback is called with (v) or (h, v); its results are the call's results.
/// A rejection calls the `callback_error` export with (code) or (h, code) if it
/// exists (its results are then the call's results); otherwise the call fails
/// as Rejected with the code. A call that created no slot at all returns its
/// own results: it simply never went asynchronous. Slots created during the
/// call but not returned keep running and are freed when they settle.
///
/// Suspension form (3). An asynchronous import answers Pending: the call's
/// Thread suspends with all its state on the heap, and when the slot settles
/// the loop resumes it with the value (typed by the import's result type), or
/// makes the import trap on a rejection (the call fails as Rejected, with the
/// code). Every call has its own Thread, so any number can be suspended.
///
/// Rules kept (ASYNC.md):
///   - One end state per slot: the table refuses a second settlement.
///   - Settling a slot never runs wasm: it schedules the continuation (callback
///     dispatch or resumption) on the loop's ready queue, so the order of
///     resumption is the order of settlement.
///   - The host work of an import starts on the loop, after the wasm call that
///     made it has returned or suspended: host code never runs in the middle of
///     wasm code, and a slot cancelled before that reports "cancelled before
///     start" (code -2), after it "cancelled after start" (code -3).
///   - A call that fails (trap, rejection, timeout, its instance dropped)
///     cancels the slots it created that are still pending; nothing it owned
///     stays pending or leaks.
///   - New calls into an instance are allowed while others are suspended; they
///     interleave only at suspension points. Code compiled from C or Rust keeps
///     a shadow stack in linear memory: see CallOptions::stack_pointer.
///
/// Cost. In a steady state (calls suspending and resuming over and over) a
/// round trip allocates nothing: what the runtime knows about a slot lives in
/// a table indexed like the slot table, continuations are (runtime, handle)
/// pairs that fit std::function's inline buffer, and the ready queue is a ring.
#pragma once

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "wasmslot/event_loop.h"
#include "wasmslot/promise_slots.h"
#include "wasmslot/runtime.h"
#include "wasmslot/result.h"

namespace wasmslot {

class AsyncRuntime;
class AsyncCall;
class RemoteSlot;

/// The host side of one pending slot, given to an asynchronous import's C++
/// function. A small value (runtime pointer + handle): copy it freely, keep it
/// in a timer or a callback. Use it on the loop's thread only; to settle the
/// slot from another thread, take a RemoteSlot (remote()).
class Slot {
 public:
  /// An empty slot, naming none.
  Slot() = default;
  /// Slot `h` of runtime `rt` (the runtime makes them).
  Slot(AsyncRuntime* rt, Handle h) : rt_(rt), h_(h) {}

  Handle handle() const { return h_; }  ///< the slot's handle, as wasm sees it
  /// The type a resolution must carry (typed by the callback's value parameter
  /// in forms 1 and 2, by the import's result in form 3), or nullopt when the
  /// resolution carries no value (a form 3 import that returns nothing).
  std::optional<ValType> value_type() const;
  const std::string& import_name() const;  ///< "env.get"
  bool pending() const;                    ///< false once settled, cancelled or freed

  /// Resolves the slot with `v`, of value_type(); an Error if the slot is
  /// not pending or `v` has another type.
  Status resolve(Value v) const;
  Status resolve() const;  ///< for a slot of no value type
  /// Rejects the slot as a host error with `code` (not one of the reserved
  /// codes); an Error if the slot is not pending.
  Status reject(int32_t code = kDefaultRejectCode) const;

  /// Rejects the slot as timed out (code -1) if it is still pending after `ms`.
  Status set_deadline(std::chrono::milliseconds ms) const;
  /// Host cleanup to run if the slot is cancelled or times out (e.g. to stop
  /// a timer or a request); not run after a normal settlement.
  Status on_cancel(std::function<void()> fn) const;

  /// The slot as another thread may settle it (see RemoteSlot).
  RemoteSlot remote() const;

  EventLoop& loop() const;                        ///< the runtime's event loop
  AsyncRuntime& runtime() const { return *rt_; }  ///< the runtime the slot belongs to

 private:
  AsyncRuntime* rt_ = nullptr;
  Handle h_ = 0;
};

/// A slot to settle from any thread: give it to a worker. Settling posts the
/// settlement into the loop (the thread-safe part of EventLoop), where it is
/// applied as Slot::resolve / reject would. While a RemoteSlot exists the loop
/// keeps running (it holds a keep-alive token), so run() waits for the worker.
/// It settles once: later calls do nothing. Dropped without settling, it
/// cancels the slot ("cancelled after start", code -3): a worker that gives up
/// never leaves a call waiting forever. If the runtime is gone by then, the
/// settlement is dropped, harmlessly. Move-only.
class RemoteSlot {
 public:
  /// An empty RemoteSlot, naming no slot.
  RemoteSlot() = default;
  /// Takes over `o`'s slot; `o` is left empty.
  RemoteSlot(RemoteSlot&& o) noexcept : rt_(o.rt_), h_(o.h_), token_(std::move(o.token_)) { o.rt_ = nullptr; }
  /// Cancels this one's slot if still unsettled (as the destructor does),
  /// then takes over `o`'s.
  RemoteSlot& operator=(RemoteSlot&& o) noexcept;
  ~RemoteSlot();  ///< cancels the slot if it was not settled (see above)

  Handle handle() const { return h_; }  ///< the slot's handle
  void resolve(Value v);                ///< resolves the slot with `v`, on the loop's thread
  void resolve();                       ///< for a slot of no value type
  /// Rejects the slot with `code`, on the loop's thread.
  void reject(int32_t code = kDefaultRejectCode);

 private:
  friend class Slot;
  RemoteSlot(AsyncRuntime* rt, Handle h, EventLoop::KeepAlive token)
      : rt_(rt), h_(h), token_(std::move(token)) {}
  void send(std::function<void(Slot)> settle);

  AsyncRuntime* rt_ = nullptr;  // null once settled (or moved from)
  Handle h_ = 0;
  EventLoop::KeepAlive token_;
};

/// The C++ side of an asynchronous import: runs on the loop when the host work
/// should start. It settles the slot now or later.
using AsyncImportFn = std::function<void(std::span<const Value> args, Slot slot)>;

/// Which form an asynchronous call takes (CallOptions::mode; ASYNC.md).
enum class AsyncMode : uint8_t {
  Auto,      ///< callback form if the callback export exists, else suspension
  Callback,  ///< forms 1 and 2 (by the callback's arity); the callback must exist
  Suspend,   ///< form 3, even if the module exports a callback
};

/// How AsyncRuntime::start makes a call: its form, its callbacks, its
/// time limit and its shadow stack.
struct CallOptions {
  AsyncMode mode = AsyncMode::Auto;   ///< which form; Auto follows the module's shape
  std::string callback = "callback";  ///< the callback export of forms 1 and 2
  /// The rejection callback; empty means callback + "_error" ("callback_error").
  std::string callback_error;
  /// Wall-clock limit of the whole call, across suspensions: when it passes,
  /// the call fails as Rejected with code -1 (timed out) and its slots are
  /// cancelled. nullopt: no limit.
  std::optional<std::chrono::milliseconds> timeout;
  /// Shadow stacks (ASYNC.md, "Rules every form keeps"). Code compiled from C
  /// or Rust keeps a stack in linear memory through a mutable global, by
  /// convention `__stack_pointer` (exported, or named in the name section).
  /// Two suspended calls of one instance would push their frames over each
  /// other's there. For a suspending call (form 3) of an instance that has
  /// this global, the runtime saves the global when the call suspends and
  /// restores it when it resumes, and:
  ///   - the first such call uses the module's own stack;
  ///   - a call that starts while that stack is held by a suspended call gets
  ///     a region of its own: `stack_region_size` bytes (whole pages) that the
  ///     runtime adds at the end of memory 0, as memory.grow would (the module
  ///     sees memory.size grow; allocators that grow memory themselves, like
  ///     dlmalloc's sbrk, simply get the pages after it). The global points
  ///     to the region's top while the call runs. A finished call's region is
  ///     kept for the next call: memory never shrinks, it grows up to the
  ///     largest number of such calls suspended at once;
  ///   - when there is no region to give (stack_region_size 0, no memory, or
  ///     memory cannot grow: its maximum or the Store's limit), calls take
  ///     turns: the next one starts when a stack is free.
  /// A call that traps leaves the module's stack pointer where it found it.
  /// Empty `stack_pointer`: no protection at all.
  std::string stack_pointer = "__stack_pointer";
  uint32_t stack_region_size = 64 * 1024;  ///< wasm-ld's default stack size
};

/// One asynchronous call of an export: its form, its state, its outcome.
class AsyncCall {
 public:
  /// Where the call stands.
  enum class State : uint8_t {
    Running,  ///< queued, running, suspended or waiting for a slot
    Done,     ///< finished: results() holds its results
    Failed    ///< failed: failure() and message() say how
  };
  /// How a call failed.
  enum class Failure : uint8_t {
    None,      ///< it has not failed
    Error,     ///< the protocol was not followed (bad handle, bad result, ...),
               ///< or the call was abandoned (its instance or runtime dropped)
    Trap,      ///< the wasm code trapped
    Rejected,  ///< the awaited slot was rejected (host error, timeout,
               ///< cancellation) and nothing handled it
  };
  /// The form the call takes (ASYNC.md), numbered as there.
  enum class Form : uint8_t {
    Callback1 = 1,  ///< form 1: callback(v)
    Callback2 = 2,  ///< form 2: callback(h, v)
    Suspend = 3     ///< form 3: the call suspends until its slot settles
  };

  State state() const { return state_; }                          ///< where the call stands
  bool done() const { return state_ != State::Running; }          ///< finished, successfully or not
  Form form() const { return form_; }                             ///< its form
  const std::vector<Value>& results() const { return results_; }  ///< its results, once Done
  Failure failure() const { return failure_; }                    ///< how it failed, once Failed
  const std::string& message() const { return message_; }         ///< why it failed
  /// The rejection's code, when it failed as Rejected.
  std::optional<int32_t> reject_code() const { return reject_code_; }
  /// The slot the call is waiting for right now, if any.
  std::optional<Handle> awaiting() const {
    return awaiting_ == kNotAwaiting ? std::nullopt : std::optional<Handle>(awaiting_);
  }
  Instance& instance() const { return *instance_; }  ///< the instance whose export it calls

  /// Runs `fn` on the loop when the call finishes (right away if it has).
  void on_done(std::function<void(AsyncCall&)> fn);

 private:
  friend class AsyncRuntime;
  enum class Phase : uint8_t { Queued, Main, Callback, Finished };
  static constexpr uint32_t kNoSlot = UINT32_MAX;
  static constexpr Handle kNotAwaiting = UINT32_MAX;  // never a handle: they are non-negative

  // Kept small: thousands of calls may be suspended at once, and this is what
  // each costs besides its Thread (its frames and values).
  State state_ = State::Running;
  Form form_ = Form::Suspend;
  Phase phase_ = Phase::Queued;
  Failure failure_ = Failure::None;
  bool rejecting_ = false;         // resume_trap was called for a rejection
  std::optional<ValType> value_type_;  // callback forms: the callback's value type
  uint32_t created_head_ = kNoSlot;    // newest slot this call created (a list through
                                       // the runtime's slot table, newest first)
  std::optional<int32_t> reject_code_;
  Handle awaiting_ = kNotAwaiting;
  std::vector<Value> results_;
  std::string message_;

  std::string_view export_name_;       // the module's export name
  Instance* instance_ = nullptr;
  FuncInst* func_ = nullptr;
  std::vector<Value> args_;            // until the call begins
  FuncInst* callback_ = nullptr;
  FuncInst* callback_error_ = nullptr;
  std::unique_ptr<Thread> thread_;
  EventLoop::TimerId timeout_timer_ = 0;  // 0: none
  std::vector<std::function<void(AsyncCall&)>> on_done_;

  // The running calls form a list (newest first: the order of start()), each
  // holding itself alive until finished.
  std::shared_ptr<AsyncCall> self_;
  AsyncCall* prev_ = nullptr;
  AsyncCall* next_ = nullptr;

  // Shadow stack (CallOptions::stack_pointer), when protected.
  struct StackUse {
    GlobalInst* global = nullptr;
    uint64_t sp = 0;           // the call's stack pointer while it is not running
    uint64_t entry_sp = 0;     // main stack: the value when the call began
    uint64_t region_top = 0;   // its own region (0: the module's own stack)
    uint32_t region_size = 0;  // requested region size (CallOptions)
    uint64_t ambient = 0;      // region: the module's value, put back when the call leaves
    bool claimed = false;      // the call has its stack (it may begin)
  };
  std::unique_ptr<StackUse> stack_;
};
/// An asynchronous call, shared by its caller and the runtime (which holds
/// it until it finishes).
using CallPtr = std::shared_ptr<AsyncCall>;

/// The settings of an AsyncRuntime.
struct AsyncConfig {
  /// Promise slots that may exist at once.
  uint32_t slot_capacity = PromiseSlots::kDefaultCapacity;
};

/// The async import protocol for one Store (see the file comment): owns
/// the event loop and the promise-slot table, makes asynchronous imports,
/// and starts and runs asynchronous calls.
class AsyncRuntime {
 public:
  /// A runtime for `store`, which must outlive it (declare it after the
  /// Store).
  explicit AsyncRuntime(Store& store, AsyncConfig config = {});
  ~AsyncRuntime();  ///< fails what is still running and cancels what is pending (cancel_all)
  AsyncRuntime(const AsyncRuntime&) = delete;             ///< not copyable: its slots point to it
  AsyncRuntime& operator=(const AsyncRuntime&) = delete;  ///< not copyable: its slots point to it

  Store& store() { return store_; }                     ///< the store its calls run in
  EventLoop& loop() { return loop_; }                   ///< its event loop
  const PromiseSlots& slots() const { return slots_; }  ///< its promise-slot table

  /// An asynchronous host function of type `type` (name: "env.get", for
  /// messages). Add it to Imports yourself.
  FuncInst* make_async_func(FuncType type, AsyncImportFn fn, std::string name);
  /// Defines `mod.name` as asynchronous in `imports`, with the type `module`
  /// imports it with. Error if the module imports no function by that name.
  Status define_async(Imports& imports, const Module& module, const std::string& mod,
                      const std::string& name, AsyncImportFn fn);

  /// Starts an asynchronous call of export `name`: checks the export, the
  /// arguments and the form now (an Error if any is wrong), and queues the call
  /// on the loop; it runs when the loop runs.
  Result<CallPtr> start(Instance& instance, std::string_view name, std::span<const Value> args,
                        const CallOptions& options = {});
  /// start + run the loop until this call is done: its results, or an Error
  /// with the call's failure message.
  Result<std::vector<Value>> call(Instance& instance, std::string_view name,
                                  std::span<const Value> args, const CallOptions& options = {});
  /// Runs the loop until `call` is done or nothing is left that could advance
  /// it; a call still running then fails ("still pending ...").
  void run_until_done(const CallPtr& call);

  /// Cancels a pending slot (rejected as cancelled before or after start; its
  /// on_cancel hooks run; a call waiting for it sees the rejection).
  Status cancel(Handle h);

  /// Dropping an instance: the one way an embedder says "this instance is
  /// gone" to the runtime (the Store keeps owning its memory). Every running
  /// call of the instance fails (Error: "... the instance was dropped"),
  /// every slot those calls created that is still pending is cancelled (its
  /// on_cancel hooks run, so the host stops its work), a call of another
  /// instance waiting on one of them sees the rejection, and every later
  /// start() on the instance is refused. Nothing is left pending, nothing
  /// leaks. Call it on the loop's thread, outside a loop task or inside one
  /// (not from a synchronous host function while wasm code runs: refused).
  Status drop_instance(Instance& instance);
  /// Whether drop_instance() was called on it.
  bool dropped(const Instance& instance) const { return dropped_.contains(&instance); }

  /// Fails every running call with `why` and cancels every pending slot:
  /// nothing is left pending. The destructor does it too.
  void cancel_all(const std::string& why);
  size_t running_calls() const { return running_; }  ///< calls started and not finished

 private:
  friend class Slot;
  friend class RemoteSlot;
  struct ImportDef {
    FuncType type;
    AsyncImportFn fn;
    std::string name;
  };
  // What the runtime knows about a live slot, at the slot's index in the
  // table (handle_index): no lookup by hash, no allocation per slot once the
  // table has grown.
  struct SlotAux {
    Handle handle = 0;
    const ImportDef* import = nullptr;
    AsyncCall* creator = nullptr;  // the call that created it (null once it finished)
    uint32_t prev = AsyncCall::kNoSlot, next = AsyncCall::kNoSlot;  // creator's list
    AsyncCall* waiter = nullptr;   // the call to continue on settlement
    bool resume = false;           // ... by resumption (form 3) or by its callback
    bool scheduled = false;        // the continuation is on the ready queue
    bool orphan = false;           // nobody will take it: free it once settled
    EventLoop::TimerId deadline = 0;  // 0: none
    std::vector<Value> args;       // the import's arguments (capacity reused)
    std::vector<std::function<void()>> on_cancel;
  };

  HostAnswer on_import(const ImportDef& def, HostCall& hc);
  void start_host_work(Handle h);
  void continue_slot(Handle h);  // a settled slot's continuation, on the loop
  SlotAux* aux_of(Handle h);     // null unless h is live
  void link_created(AsyncCall& call, Handle h);
  void unlink_created(SlotAux& aux);
  void free_slot(Handle h);       // release it from the table, reset its aux
  void begin(AsyncCall& call);
  void run_phase(AsyncCall& call, FuncInst* f, std::span<const Value> args);
  template <class Go>
  void run_thread(AsyncCall& call, Go&& go);
  void step(AsyncCall& call, ExecState s);  // after invoke/resume
  void main_returned(AsyncCall& call);
  void await_slot(AsyncCall& call, Handle h, bool resume);
  std::optional<Settlement> take_awaited(AsyncCall& call, Handle h);
  void deliver_resume(AsyncCall& call, Handle h);
  void deliver_callback(AsyncCall& call, Handle h);
  void finish(AsyncCall& call, AsyncCall::State state, AsyncCall::Failure failure,
              std::string message);
  void abandon_slots(AsyncCall& call);
  void orphan(Handle h);
  // After the table accepted a settlement: schedule the waiter, or free an
  // orphan, and drop the deadline timer.
  void settled(Handle h);
  Status settle_resolve(Handle h, std::optional<Value> v);
  Status settle_reject(Handle h, int32_t code);
  Status settle_reason(Handle h, RejectReason reason);
  Status set_deadline(Handle h, std::chrono::milliseconds ms);
  Status add_on_cancel(Handle h, std::function<void()> fn);
  std::string slot_name(Handle h) const;  // "promise slot 0x00000003 of env.get"
  std::string rejection_text(Handle h, const Settlement& st) const;
  template <class Pred>
  void fail_calls(Pred which, const std::string& why);

  // Shadow stacks.
  struct ShadowStack {
    AsyncCall* main_owner = nullptr;  // the call on the module's own stack
    struct Region {
      uint64_t top;
      uint32_t size;
    };
    std::vector<Region> free_regions;  // given out before memory grows again
    std::deque<std::weak_ptr<AsyncCall>> waiting;  // calls waiting for a stack
  };
  GlobalInst* stack_pointer_of(Instance& instance, const std::string& name);
  bool claim_stack(AsyncCall& call);  // false: wait for a turn
  void enter_stack(AsyncCall& call);  // before its wasm code runs
  void leave_stack(AsyncCall& call, ExecState s);  // after it suspended or ended
  void release_stack(AsyncCall& call);

  Store& store_;
  EventLoop loop_;
  PromiseSlots slots_;
  std::deque<SlotAux> aux_;  // by slot index; a deque: references stay valid as it grows
  std::vector<std::unique_ptr<ImportDef>> imports_;
  std::vector<Value> host_args_;  // the arguments of the host work running now
  AsyncCall* calls_ = nullptr;  // running calls, newest first
  size_t running_ = 0;
  AsyncCall* current_ = nullptr;  // the call whose wasm code is executing
  std::unordered_map<GlobalInst*, ShadowStack> stacks_;
  std::map<std::pair<const Instance*, std::string>, GlobalInst*> stack_pointers_;  // lookup cache
  std::unordered_set<const Instance*> dropped_;
  bool shutting_down_ = false;
};

}  // namespace wasmslot
