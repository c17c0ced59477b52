// The async import protocol (ASYNC.md): asynchronous host functions, the
// three forms of asynchronous calls, and the glue between the interpreter's
// Thread, the promise-slot table and the event loop.
//
// An embedder
//   1. makes an AsyncRuntime next to its Store (it owns the event loop and the
//      promise-slot table);
//   2. defines asynchronous imports with a C++ function that receives the
//      arguments and a Slot, and later settles the Slot (resolve or reject),
//      right away, from a timer, or from another thread through loop().post;
//   3. starts asynchronous calls of exports and runs the loop.
//
//   Store store;
//   AsyncRuntime rt(store);
//   Imports imports;
//   rt.define_async(imports, *module, "env", "get",
//                   [](std::span<const Value>, Slot slot) { slot.resolve(Value::i32(123)); });
//   Instance* inst = store.instantiate(module, imports).value();
//   auto call = rt.start(*inst, "call", {}).value();
//   rt.loop().run();
//   call->results()[0].as_i32();   // 444 with fixtures/async/seed.wasm
//
// Which form a call takes follows the module's shape (ASYNC.md): if the
// instance exports the callback ("callback" unless CallOptions says
// otherwise), the call is in callback form: form 1 when the callback takes one
// parameter callback(v), form 2 when it takes two callback(h, v). Otherwise the
// call is in suspension form (form 3). CallOptions::mode forces a form.
//
// Callback forms (1 and 2). An asynchronous import creates a pending slot and
// returns at once: nothing if its type returns nothing, else the slot's handle
// (its result must then be one i32). When the export returns, the slot that
// carries the call's result is the handle it returned (an i32 result), or the
// newest slot created during the call (no result). When that slot settles, the
// callback is called with (v) or (h, v); its results are the call's results.
// A rejection calls the `callback_error` export with (code) or (h, code) if it
// exists (its results are then the call's results); otherwise the call fails
// as Rejected with the code. A call that created no slot at all returns its
// own results: it simply never went asynchronous. Slots created during the
// call but not returned keep running and are freed when they settle.
//
// Suspension form (3). An asynchronous import answers Pending: the call's
// Thread suspends with all its state on the heap, and when the slot settles
// the loop resumes it with the value (typed by the import's result type), or
// makes the import trap on a rejection (the call fails as Rejected, with the
// code). Every call has its own Thread, so any number can be suspended.
//
// Rules kept (ASYNC.md):
//   - One end state per slot: the table refuses a second settlement.
//   - Settling a slot never runs wasm: it schedules the continuation (callback
//     dispatch or resumption) on the loop's ready queue, so the order of
//     resumption is the order of settlement.
//   - The host work of an import starts on the loop, after the wasm call that
//     made it has returned or suspended: host code never runs in the middle of
//     wasm code, and a slot cancelled before that reports "cancelled before
//     start" (code -2), after it "cancelled after start" (code -3).
//   - A call that fails (trap, rejection, timeout) cancels the slots it created
//     that are still pending; nothing it owned stays pending or leaks.
//   - New calls into an instance are allowed while others are suspended; they
//     interleave only at suspension points. The exception is an instance with
//     a shadow stack in linear memory (CallOptions::stack_pointer): its
//     suspending calls take turns, since they would share that stack.
#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "host/event_loop.h"
#include "host/promise_slots.h"
#include "interp/runtime.h"
#include "loader/result.h"

namespace wasmslot {

class AsyncRuntime;
class AsyncCall;

// The host side of one pending slot, given to an asynchronous import's C++
// function. A small value (runtime pointer + handle): copy it freely, keep it
// in a timer or a worker's task. Use it on the loop's thread only; from another
// thread, post a task that uses it (EventLoop::post).
class Slot {
 public:
  Slot() = default;
  Slot(AsyncRuntime* rt, Handle h) : rt_(rt), h_(h) {}

  Handle handle() const { return h_; }
  // The type a resolution must carry (typed by the callback's value parameter
  // in forms 1 and 2, by the import's result in form 3), or nullopt when the
  // resolution carries no value (a form 3 import that returns nothing).
  std::optional<ValType> value_type() const;
  const std::string& import_name() const;  // "env.get"
  bool pending() const;                    // false once settled, cancelled or freed

  Status resolve(Value v);
  Status resolve();  // for a slot of no value type
  Status reject(int32_t code = kDefaultRejectCode);

  // Rejects the slot as timed out (code -1) if it is still pending after `ms`.
  Status set_deadline(std::chrono::milliseconds ms);
  // Host cleanup to run if the slot is cancelled or times out (e.g. to stop
  // a timer or a request); not run after a normal settlement.
  Status on_cancel(std::function<void()> fn);

  EventLoop& loop() const;
  AsyncRuntime& runtime() const { return *rt_; }

 private:
  AsyncRuntime* rt_ = nullptr;
  Handle h_ = 0;
};

// The C++ side of an asynchronous import: runs on the loop when the host work
// should start. It settles the slot now or later.
using AsyncImportFn = std::function<void(std::span<const Value> args, Slot slot)>;

enum class AsyncMode : uint8_t {
  Auto,      // callback form if the callback export exists, else suspension
  Callback,  // forms 1 and 2 (by the callback's arity); the callback must exist
  Suspend,   // form 3, even if the module exports a callback
};

struct CallOptions {
  AsyncMode mode = AsyncMode::Auto;
  std::string callback = "callback";  // the callback export of forms 1 and 2
  // The rejection callback; empty means callback + "_error" ("callback_error").
  std::string callback_error;
  // Wall-clock limit of the whole call, across suspensions: when it passes,
  // the call fails as Rejected with code -1 (timed out) and its slots are
  // cancelled. nullopt: no limit.
  std::optional<std::chrono::milliseconds> timeout;
  // The shadow-stack pointer of code compiled from C or Rust (ASYNC.md,
  // "Shadow stacks"): if the instance has a mutable global of this name
  // (exported, or named in the name section), suspending calls (form 3) of
  // the instance run one at a time -- the next one starts when the previous
  // one finished -- and the global is saved when a call suspends and restored
  // when it resumes. Empty: no such protection.
  std::string stack_pointer = "__stack_pointer";
};

// One asynchronous call of an export: its form, its state, its outcome.
class AsyncCall {
 public:
  enum class State : uint8_t { Running, Done, Failed };
  enum class Failure : uint8_t {
    None,
    Error,     // the protocol was not followed (bad handle, bad result, ...)
    Trap,      // the wasm code trapped
    Rejected,  // the awaited slot was rejected (host error, timeout,
               // cancellation) and nothing handled it
  };
  enum class Form : uint8_t { Callback1 = 1, Callback2 = 2, Suspend = 3 };

  State state() const { return state_; }
  bool done() const { return state_ != State::Running; }
  Form form() const { return form_; }
  const std::vector<Value>& results() const { return results_; }
  Failure failure() const { return failure_; }
  const std::string& message() const { return message_; }  // why it failed
  std::optional<int32_t> reject_code() const { return reject_code_; }
  // The slot the call is waiting for right now, if any.
  std::optional<Handle> awaiting() const { return awaiting_; }

  // Runs `fn` on the loop when the call finishes (right away if it has).
  void on_done(std::function<void(AsyncCall&)> fn);

 private:
  friend class AsyncRuntime;
  enum class Phase : uint8_t { Queued, Main, Callback, Finished };

  State state_ = State::Running;
  Form form_ = Form::Suspend;
  Phase phase_ = Phase::Queued;
  std::vector<Value> results_;
  Failure failure_ = Failure::None;
  std::string message_;
  std::optional<int32_t> reject_code_;
  std::optional<Handle> awaiting_;

  std::string export_name_;
  FuncInst* func_ = nullptr;
  std::vector<Value> args_;
  FuncInst* callback_ = nullptr;
  FuncInst* callback_error_ = nullptr;
  std::optional<ValType> value_type_;  // callback forms: the callback's value type
  std::unique_ptr<Thread> thread_;
  std::vector<Handle> created_;        // slots created by this call, oldest first
  bool rejecting_ = false;             // resume_trap was called for a rejection
  std::optional<EventLoop::TimerId> timeout_timer_;
  std::vector<std::function<void(AsyncCall&)>> on_done_;
  uint64_t seq_ = 0;                    // order of start()
  GlobalInst* stack_global_ = nullptr;  // the shadow-stack pointer, if protected
  uint64_t saved_stack_[2] = {0, 0};    // its value while the call is suspended
};
using CallPtr = std::shared_ptr<AsyncCall>;

struct AsyncConfig {
  uint32_t slot_capacity = PromiseSlots::kDefaultCapacity;
};

class AsyncRuntime {
 public:
  explicit AsyncRuntime(Store& store, AsyncConfig config = {});
  ~AsyncRuntime();
  AsyncRuntime(const AsyncRuntime&) = delete;
  AsyncRuntime& operator=(const AsyncRuntime&) = delete;

  Store& store() { return store_; }
  EventLoop& loop() { return loop_; }
  const PromiseSlots& slots() const { return slots_; }

  // An asynchronous host function of type `type` (name: "env.get", for
  // messages). Add it to Imports yourself.
  FuncInst* make_async_func(FuncType type, AsyncImportFn fn, std::string name);
  // Defines `mod.name` as asynchronous in `imports`, with the type `module`
  // imports it with. Error if the module imports no function by that name.
  Status define_async(Imports& imports, const Module& module, const std::string& mod,
                      const std::string& name, AsyncImportFn fn);

  // Starts an asynchronous call of export `name`: checks the export, the
  // arguments and the form now (an Error if any is wrong), and queues the call
  // on the loop; it runs when the loop runs.
  Result<CallPtr> start(Instance& instance, std::string_view name, std::span<const Value> args,
                        const CallOptions& options = {});
  // start + run the loop until this call is done: its results, or an Error
  // with the call's failure message.
  Result<std::vector<Value>> call(Instance& instance, std::string_view name,
                                  std::span<const Value> args, const CallOptions& options = {});
  // Runs the loop until `call` is done or nothing is left that could advance
  // it; a call still running then fails ("still pending ...").
  void run_until_done(const CallPtr& call);

  // Cancels a pending slot (rejected as cancelled before or after start; its
  // on_cancel hooks run; a call waiting for it sees the rejection).
  Status cancel(Handle h);
  // Fails every running call with `why` and cancels every pending slot:
  // nothing is left pending. The destructor does it too.
  void cancel_all(const std::string& why);
  size_t running_calls() const { return calls_.size(); }

 private:
  friend class Slot;
  struct ImportDef {
    FuncType type;
    AsyncImportFn fn;
    std::string name;
  };
  struct SlotAux {  // what the runtime knows about a live slot
    std::shared_ptr<ImportDef> import;
    AsyncCall* creator = nullptr;  // the call that created it (null once it finished)
    std::function<void()> waiter;  // the continuation to schedule on settlement
    bool orphan = false;           // nobody will take it: free it once settled
    std::optional<EventLoop::TimerId> deadline;
    std::vector<std::function<void()>> on_cancel;
  };

  HostAnswer on_import(const std::shared_ptr<ImportDef>& def, HostCall& hc);
  void begin(const CallPtr& call);
  void step(const CallPtr& call, ExecState s);  // after invoke/resume
  void main_returned(const CallPtr& call);
  void await_slot(const CallPtr& call, Handle h, bool resume);
  void deliver_resume(const CallPtr& call, Handle h);
  void deliver_callback(const CallPtr& call, Handle h);
  void invoke_phase(const CallPtr& call, FuncInst* f, std::vector<Value> args);
  void finish(const CallPtr& call, AsyncCall::State state, AsyncCall::Failure failure,
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
  std::string slot_name(Handle h) const;
  GlobalInst* stack_pointer_of(Instance& instance, const std::string& name);
  void release_stack(AsyncCall& call);  // "promise slot 0x00000003 of env.get"

  Store& store_;
  EventLoop loop_;
  PromiseSlots slots_;
  std::unordered_map<Handle, SlotAux> aux_;
  std::unordered_map<AsyncCall*, CallPtr> calls_;  // running calls
  AsyncCall* current_ = nullptr;  // the call whose wasm code is executing
  // Shadow stacks: the call using each one, and the calls waiting their turn.
  struct StackTurn {
    AsyncCall* owner = nullptr;
    std::deque<std::weak_ptr<AsyncCall>> waiting;
  };
  std::unordered_map<GlobalInst*, StackTurn> stacks_;
  std::map<std::pair<const Instance*, std::string>, GlobalInst*> stack_pointers_;  // lookup cache
  bool shutting_down_ = false;
  uint64_t next_seq_ = 0;
};

}  // namespace wasmslot
