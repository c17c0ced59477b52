#include "host/async.h"

#include "host/shadow_stack.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace wasmslot {

namespace {

// A value as the interpreter's cells: one cell, two for v128 (low half first).
void push_cells(const Value& v, std::vector<uint64_t>& out) {
  out.push_back(v.lo);
  if (v.type == ValType::V128) out.push_back(v.hi);
}

std::vector<Value> values_of(std::span<const uint64_t> cells, const std::vector<ValType>& types) {
  std::vector<Value> out;
  size_t i = 0;
  for (ValType t : types) {
    Value v{t, i < cells.size() ? cells[i] : 0, 0};
    if (t == ValType::V128) v.hi = i + 1 < cells.size() ? cells[i + 1] : 0;
    // Keep the canonical form of Value: an i32 is zero-extended.
    if (t == ValType::I32 || t == ValType::F32) v.lo &= 0xFFFFFFFFu;
    i += cells_of(t);
    out.push_back(v);
  }
  return out;
}

bool is_callback_value_type(ValType t) {
  return t == ValType::I32 || t == ValType::I64 || t == ValType::F32 || t == ValType::F64;
}

std::string types_to_string(const std::vector<ValType>& ts) {
  std::string s = "(";
  for (size_t i = 0; i < ts.size(); ++i) {
    if (i) s += ' ';
    s += to_string(ts[i]);
  }
  return s + ")";
}

}  // namespace

// ---------------------------------------------------------------------------
// Slot: a thin handle-carrying front of the runtime.

std::optional<ValType> Slot::value_type() const {
  auto t = rt_->slots_.value_type(h_);
  return t ? *t : std::nullopt;
}

const std::string& Slot::import_name() const {
  static const std::string none;
  auto it = rt_->aux_.find(h_);
  return it != rt_->aux_.end() && it->second.import ? it->second.import->name : none;
}

bool Slot::pending() const { return rt_ && rt_->slots_.is_pending(h_); }
Status Slot::resolve(Value v) { return rt_->settle_resolve(h_, v); }
Status Slot::resolve() { return rt_->settle_resolve(h_, std::nullopt); }
Status Slot::reject(int32_t code) { return rt_->settle_reject(h_, code); }
Status Slot::set_deadline(std::chrono::milliseconds ms) { return rt_->set_deadline(h_, ms); }
Status Slot::on_cancel(std::function<void()> fn) { return rt_->add_on_cancel(h_, std::move(fn)); }
EventLoop& Slot::loop() const { return rt_->loop_; }

void AsyncCall::on_done(std::function<void(AsyncCall&)> fn) {
  if (done())
    fn(*this);
  else
    on_done_.push_back(std::move(fn));
}

// ---------------------------------------------------------------------------

AsyncRuntime::AsyncRuntime(Store& store, AsyncConfig config)
    : store_(store), slots_(config.slot_capacity) {}

AsyncRuntime::~AsyncRuntime() {
  shutting_down_ = true;
  cancel_all("the runtime was destroyed");
}

FuncInst* AsyncRuntime::make_async_func(FuncType type, AsyncImportFn fn, std::string name) {
  auto def = std::make_shared<ImportDef>(ImportDef{type, std::move(fn), name});
  return store_.make_host_func(
      std::move(type), [this, def](HostCall& hc) { return on_import(def, hc); }, std::move(name));
}

Status AsyncRuntime::define_async(Imports& imports, const Module& module, const std::string& mod,
                                  const std::string& name, AsyncImportFn fn) {
  for (const Import& imp : module.imports) {
    if (imp.module != mod || imp.name != name) continue;
    if (imp.kind != ExternKind::Func)
      return Error{"import " + mod + "." + name + " is a " + to_string(imp.kind) +
                   ", not a function: it cannot be asynchronous"};
    if (imp.type_index >= module.types.size())
      return Error{"import " + mod + "." + name + " has an invalid type index"};
    Extern e;
    e.kind = ExternKind::Func;
    e.func = make_async_func(module.types[imp.type_index], std::move(fn), mod + "." + name);
    imports.add(mod, name, e);
    return Ok{};
  }
  return Error{"the module imports no function " + mod + "." + name};
}

std::string AsyncRuntime::slot_name(Handle h) const {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", h);
  std::string s = std::string("promise slot ") + buf;
  auto it = aux_.find(h);
  if (it != aux_.end() && it->second.import) s += " of " + it->second.import->name;
  return s;
}

// ---------------------------------------------------------------------------
// The asynchronous import, as the interpreter calls it.

HostAnswer AsyncRuntime::on_import(const std::shared_ptr<ImportDef>& def, HostCall& hc) {
  AsyncCall* call = current_;
  // Only a call started by this runtime has somewhere to deliver the result;
  // a synchronous Store::call (or the start function) does not.
  if (!call || !call->thread_ || &hc.thread != call->thread_.get())
    return HostAnswer::trap("asynchronous import " + def->name +
                            " called outside an asynchronous call");

  bool callback_form = call->form_ != AsyncCall::Form::Suspend;
  const auto& results = def->type.results;
  std::optional<ValType> type;
  if (callback_form) {
    // Forms 1 and 2: the import returns nothing or the slot's handle, and the
    // value later goes to the callback, so the callback decides its type.
    if (!(results.empty() || (results.size() == 1 && results[0] == ValType::I32)))
      return HostAnswer::trap("asynchronous import " + def->name + " returns " +
                              types_to_string(results) +
                              ": in callback form it must return nothing or an i32 handle");
    type = call->value_type_;
  } else {
    // Form 3: the value becomes the import's result when the call resumes.
    if (results.size() > 1)
      return HostAnswer::trap("asynchronous import " + def->name + " returns " +
                              types_to_string(results) +
                              ": a suspending import returns at most one value");
    if (results.size() == 1) type = results[0];
  }

  auto h = slots_.create(type);
  if (!h) return HostAnswer::trap(def->name + ": " + h.error().message);
  Handle handle = *h;
  SlotAux& aux = aux_[handle];
  aux = SlotAux{};
  aux.import = def;
  aux.creator = call;
  call->created_.push_back(handle);

  // The host work starts on the loop, once the wasm code that made the call
  // has returned or suspended: nothing of the host runs inside wasm code, and
  // a cancellation until then is "before start".
  std::vector<Value> args = values_of(hc.args, def->type.params);
  loop_.defer([this, handle, def, args = std::move(args)] {
    if (!slots_.is_pending(handle)) return;  // cancelled before start
    (void)slots_.mark_started(handle);
    def->fn(args, Slot(this, handle));
  });

  if (callback_form) {
    if (!results.empty()) hc.results[0] = handle;
    return HostAnswer::ok();
  }
  return HostAnswer::pending(handle);
}

// ---------------------------------------------------------------------------
// Settlement: the table records it, the loop gets the continuation.

void AsyncRuntime::settled(Handle h) {
  auto it = aux_.find(h);
  if (it == aux_.end()) return;
  SlotAux& aux = it->second;
  if (aux.deadline) {
    loop_.cancel(*aux.deadline);
    aux.deadline.reset();
  }
  aux.on_cancel.clear();
  if (aux.waiter) {
    // Never run wasm here: the resolve call came from host code. The waiter
    // runs in a later turn of the loop, in settlement order.
    loop_.defer(std::move(aux.waiter));
    aux.waiter = nullptr;
  } else if (aux.orphan) {
    (void)slots_.release(h);
    aux_.erase(it);
  }
}

Status AsyncRuntime::settle_resolve(Handle h, std::optional<Value> v) {
  Status s = v ? slots_.resolve(h, *v) : slots_.resolve(h);
  if (!s) return s;
  settled(h);
  return Ok{};
}

Status AsyncRuntime::settle_reject(Handle h, int32_t code) {
  Status s = slots_.reject(h, code);
  if (!s) return s;
  settled(h);
  return Ok{};
}

Status AsyncRuntime::settle_reason(Handle h, RejectReason reason) {
  auto it = aux_.find(h);
  if (!slots_.is_pending(h)) {
    Status live = slots_.check_live(h);
    if (!live) return live;
    return Error{slot_name(h) + " is already settled"};
  }
  // Host cleanup first (stop a timer, abort a request), then the rejection.
  if (it != aux_.end()) {
    auto hooks = std::move(it->second.on_cancel);
    it->second.on_cancel.clear();
    for (auto& fn : hooks) fn();
  }
  Status s = reason == RejectReason::TimedOut ? slots_.reject_for(h, reason) : slots_.cancel(h);
  if (!s) return s;
  settled(h);
  return Ok{};
}

Status AsyncRuntime::cancel(Handle h) { return settle_reason(h, RejectReason::CancelledBeforeStart); }

Status AsyncRuntime::set_deadline(Handle h, std::chrono::milliseconds ms) {
  if (!slots_.is_pending(h)) {
    Status live = slots_.check_live(h);
    if (!live) return live;
    return Error{slot_name(h) + " is already settled"};
  }
  SlotAux& aux = aux_[h];
  if (aux.deadline) loop_.cancel(*aux.deadline);
  aux.deadline = loop_.after(ms, [this, h] {
    auto it = aux_.find(h);
    if (it != aux_.end()) it->second.deadline.reset();  // this timer has fired
    if (slots_.is_pending(h)) (void)settle_reason(h, RejectReason::TimedOut);
  });
  return Ok{};
}

Status AsyncRuntime::add_on_cancel(Handle h, std::function<void()> fn) {
  if (!slots_.is_pending(h)) {
    Status live = slots_.check_live(h);
    if (!live) return live;
    return Error{slot_name(h) + " is already settled"};
  }
  aux_[h].on_cancel.push_back(std::move(fn));
  return Ok{};
}

void AsyncRuntime::orphan(Handle h) {
  auto it = aux_.find(h);
  if (slots_.check(h) != HandleCheck::Live) {
    if (it != aux_.end()) aux_.erase(it);
    return;
  }
  if (!slots_.is_pending(h)) {
    (void)slots_.release(h);
    if (it != aux_.end()) aux_.erase(it);
    return;
  }
  SlotAux& aux = aux_[h];
  aux.orphan = true;
  aux.creator = nullptr;
  aux.waiter = nullptr;
}

// ---------------------------------------------------------------------------
// Calls

Result<CallPtr> AsyncRuntime::start(Instance& instance, std::string_view name,
                                    std::span<const Value> args, const CallOptions& options) {
  auto ext = instance.get_export(name);
  if (!ext) return Error{"unknown export: " + std::string(name)};
  if (ext->kind != ExternKind::Func || !ext->func)
    return Error{"export " + std::string(name) + " is a " + to_string(ext->kind) + ", not a function"};
  FuncInst* f = ext->func;
  const FuncType& ft = f->type;
  if (args.size() != ft.params.size())
    return Error{"export " + std::string(name) + " takes " + std::to_string(ft.params.size()) +
                 " argument" + (ft.params.size() == 1 ? "" : "s") + " " +
                 types_to_string(ft.params) + ", got " + std::to_string(args.size())};
  for (size_t i = 0; i < args.size(); ++i)
    if (args[i].type != ft.params[i])
      return Error{"argument " + std::to_string(i + 1) + " of " + std::string(name) + " must be " +
                   to_string(ft.params[i]) + ", got " + to_string(args[i].type)};

  auto call = std::make_shared<AsyncCall>();
  call->seq_ = next_seq_++;
  call->export_name_ = std::string(name);
  call->func_ = f;
  call->args_.assign(args.begin(), args.end());

  // The form, from the module's shape unless forced.
  FuncInst* cb = nullptr;
  if (options.mode != AsyncMode::Suspend) {
    auto e = instance.get_export(options.callback);
    if (e && e->kind == ExternKind::Func) cb = e->func;
    if (!cb && options.mode == AsyncMode::Callback)
      return Error{"callback form: the module exports no function " + options.callback};
  }
  if (!cb) {
    call->form_ = AsyncCall::Form::Suspend;
  } else {
    const auto& p = cb->type.params;
    if (p.size() == 1) {
      call->form_ = AsyncCall::Form::Callback1;
    } else if (p.size() == 2 && p[0] == ValType::I32) {
      call->form_ = AsyncCall::Form::Callback2;
    } else {
      return Error{"callback " + options.callback + " has type " + to_string(cb->type) +
                   ": expected (v) or (i32 handle, v)"};
    }
    if (!is_callback_value_type(p.back()))
      return Error{"callback " + options.callback + " takes a " + to_string(p.back()) +
                   " value: expected i32, i64, f32 or f64"};
    call->callback_ = cb;
    call->value_type_ = p.back();
    std::string err_name =
        options.callback_error.empty() ? options.callback + "_error" : options.callback_error;
    auto ee = instance.get_export(err_name);
    if (ee && ee->kind == ExternKind::Func && ee->func) {
      const auto& ep = ee->func->type.params;
      bool ok = (ep.size() == 1 && ep[0] == ValType::I32) ||
                (ep.size() == 2 && ep[0] == ValType::I32 && ep[1] == ValType::I32);
      if (!ok)
        return Error{err_name + " has type " + to_string(ee->func->type) +
                     ": expected (i32 code) or (i32 handle, i32 code)"};
      call->callback_error_ = ee->func;
    }
  }

  if (call->form_ == AsyncCall::Form::Suspend && !options.stack_pointer.empty())
    call->stack_global_ = stack_pointer_of(instance, options.stack_pointer);

  calls_.emplace(call.get(), call);
  if (options.timeout) {
    auto ms = *options.timeout;
    std::weak_ptr<AsyncCall> weak = call;
    call->timeout_timer_ = loop_.after(ms, [this, weak, ms] {
      auto c = weak.lock();
      if (!c || c->done()) return;
      c->timeout_timer_.reset();
      c->reject_code_ = kCodeTimedOut;
      finish(c, AsyncCall::State::Failed, AsyncCall::Failure::Rejected,
             c->export_name_ + " timed out after " + std::to_string(ms.count()) + " ms");
    });
  }
  loop_.defer([this, call] { begin(call); });
  return call;
}

void AsyncRuntime::begin(const CallPtr& call) {
  if (call->done()) return;
  if (call->stack_global_) {
    // One suspending call per shadow stack: wait for the turn.
    StackTurn& turn = stacks_[call->stack_global_];
    if (turn.owner && turn.owner != call.get()) {
      turn.waiting.push_back(call);
      return;
    }
    turn.owner = call.get();
  }
  call->phase_ = AsyncCall::Phase::Main;
  invoke_phase(call, call->func_, call->args_);
}

// Runs `f(args)` on a fresh Thread as the call's current phase.
void AsyncRuntime::invoke_phase(const CallPtr& call, FuncInst* f, std::vector<Value> args) {
  call->thread_ = std::make_unique<Thread>(store_);
  AsyncCall* saved = current_;
  current_ = call.get();
  ExecState s = call->thread_->invoke(f, args);
  current_ = saved;
  step(call, s);
}

void AsyncRuntime::step(const CallPtr& call, ExecState s) {
  if (call->done()) return;
  Thread& t = *call->thread_;
  switch (s) {
    case ExecState::Suspended:
      if (call->stack_global_) {
        call->saved_stack_[0] = call->stack_global_->cells[0];
        call->saved_stack_[1] = call->stack_global_->cells[1];
      }
      await_slot(call, t.pending_handle(), /*resume=*/true);
      return;
    case ExecState::Trapped:
      if (call->rejecting_)
        finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Rejected, t.trap_message());
      else
        finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Trap, t.trap_message());
      return;
    case ExecState::Done:
      if (call->phase_ == AsyncCall::Phase::Main && call->form_ != AsyncCall::Form::Suspend) {
        main_returned(call);
        return;
      }
      call->results_ = t.results();
      finish(call, AsyncCall::State::Done, AsyncCall::Failure::None, {});
      return;
    case ExecState::OutOfFuel:
      // The fuel limit is a trap for an asynchronous call: the runtime has no
      // one to ask for more. (A Thread driven directly can add fuel and resume.)
      finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Trap, t.trap_message());
      return;
    case ExecState::Idle:
      finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
             "the interpreter returned without an outcome");
      return;
  }
}

// Callback forms: the export returned; find the slot carrying the result.
void AsyncRuntime::main_returned(const CallPtr& call) {
  std::vector<Value> r = call->thread_->results();
  if (call->created_.empty()) {
    // Nothing asynchronous happened: the export's results are the results.
    call->results_ = std::move(r);
    finish(call, AsyncCall::State::Done, AsyncCall::Failure::None, {});
    return;
  }
  Handle h;
  if (r.empty()) {
    h = call->created_.back();  // form 1: the newest slot created during the call
  } else if (r.size() == 1 && r[0].type == ValType::I32) {
    h = static_cast<uint32_t>(r[0].as_i32());  // form 2: the returned handle
  } else {
    std::vector<ValType> types;
    for (auto& v : r) types.push_back(v.type);
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
           "in callback form, " + call->export_name_ + " must return nothing or an i32 handle, not " +
               types_to_string(types));
    return;
  }
  Status live = slots_.check_live(h);
  if (!live) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
           call->export_name_ + " returned a bad handle: " + live.error().message);
    return;
  }
  auto it = aux_.find(h);
  if (it != aux_.end() && (it->second.waiter || it->second.orphan ||
                           (it->second.creator && it->second.creator != call.get()))) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
           call->export_name_ + " returned " + slot_name(h) + ", which belongs to another call");
    return;
  }
  // The other slots created by the call go on alone and are freed once settled.
  for (Handle c : call->created_)
    if (c != h) orphan(c);
  call->created_.assign(1, h);
  call->thread_.reset();
  await_slot(call, h, /*resume=*/false);
}

void AsyncRuntime::await_slot(const CallPtr& call, Handle h, bool resume) {
  Status live = slots_.check_live(h);
  if (!live) {
    // A suspension on a handle the table does not know: the host function
    // answered Pending with a made-up handle. Make the import trap.
    if (resume && call->thread_) {
      AsyncCall* saved = current_;
      current_ = call.get();
      ExecState s = call->thread_->resume_trap("suspended on an unknown " + live.error().message);
      current_ = saved;
      step(call, s);
    } else {
      finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, live.error().message);
    }
    return;
  }
  auto found = aux_.find(h);
  if (found != aux_.end() && found->second.waiter) {
    std::string why = slot_name(h) + " is already awaited by another call";
    if (resume && call->thread_) {
      AsyncCall* saved = current_;
      current_ = call.get();
      ExecState s = call->thread_->resume_trap(why);
      current_ = saved;
      step(call, s);
    } else {
      finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, why);
    }
    return;
  }
  call->awaiting_ = h;
  auto cont = [this, weak = std::weak_ptr<AsyncCall>(call), h, resume] {
    auto c = weak.lock();
    if (!c || c->done()) {
      orphan(h);
      return;
    }
    if (resume)
      deliver_resume(c, h);
    else
      deliver_callback(c, h);
  };
  SlotAux& aux = aux_[h];
  if (slots_.is_pending(h)) {
    aux.waiter = std::move(cont);
  } else {
    loop_.defer(std::move(cont));  // settled already: continue in a later turn
  }
}

// Form 3: the slot settled, resume the suspended Thread.
void AsyncRuntime::deliver_resume(const CallPtr& call, Handle h) {
  std::string name = slot_name(h);
  auto taken = slots_.take(h);
  aux_.erase(h);
  call->awaiting_.reset();
  std::erase(call->created_, h);
  if (!taken) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, taken.error().message);
    return;
  }
  const Settlement& st = *taken;
  if (call->stack_global_) {
    // Whatever ran meanwhile, the call continues with its own stack pointer.
    call->stack_global_->cells[0] = call->saved_stack_[0];
    call->stack_global_->cells[1] = call->saved_stack_[1];
  }
  AsyncCall* saved = current_;
  current_ = call.get();
  ExecState s;
  if (st.state == SlotState::Resolved) {
    std::vector<uint64_t> cells;
    if (st.has_value) push_cells(st.value, cells);
    s = call->thread_->resume(cells);
  } else {
    // A rejection traps in the suspended call; the embedder sees the call
    // fail as Rejected, with the code.
    call->rejecting_ = true;
    call->reject_code_ = st.code;
    std::string why = st.reason == RejectReason::HostError
                          ? name + " rejected with code " + std::to_string(st.code)
                          : name + " " + to_string(st.reason) + " (code " + std::to_string(st.code) + ")";
    s = call->thread_->resume_trap(why);
  }
  current_ = saved;
  step(call, s);
}

// Forms 1 and 2: the slot settled, call the callback (or callback_error).
void AsyncRuntime::deliver_callback(const CallPtr& call, Handle h) {
  std::string name = slot_name(h);
  auto taken = slots_.take(h);
  aux_.erase(h);
  call->awaiting_.reset();
  call->created_.clear();
  if (!taken) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, taken.error().message);
    return;
  }
  const Settlement& st = *taken;
  bool two = call->form_ == AsyncCall::Form::Callback2;
  Value hv = Value::i32(static_cast<int32_t>(h));
  call->phase_ = AsyncCall::Phase::Callback;
  if (st.state == SlotState::Resolved) {
    std::vector<Value> args;
    if (two) args.push_back(hv);
    args.push_back(st.value);
    invoke_phase(call, call->callback_, std::move(args));
    return;
  }
  call->reject_code_ = st.code;
  if (call->callback_error_) {
    // The module handles the error: callback_error's result is the result.
    std::vector<Value> args;
    if (call->callback_error_->type.params.size() == 2) args.push_back(hv);
    args.push_back(Value::i32(st.code));
    invoke_phase(call, call->callback_error_, std::move(args));
    return;
  }
  std::string why = st.reason == RejectReason::HostError
                        ? name + " rejected with code " + std::to_string(st.code)
                        : name + " " + to_string(st.reason) + " (code " + std::to_string(st.code) + ")";
  finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Rejected, why);
}

// A failed call's slots: nobody will take them. Pending ones are cancelled
// (their host cleanup runs), settled ones freed.
void AsyncRuntime::abandon_slots(AsyncCall& call) {
  std::vector<Handle> created = std::move(call.created_);
  call.created_.clear();
  for (Handle h : created) {
    auto it = aux_.find(h);
    if (it == aux_.end() || it->second.creator != &call) continue;
    it->second.waiter = nullptr;
    it->second.orphan = true;
    it->second.creator = nullptr;
    if (slots_.is_pending(h))
      (void)settle_reason(h, RejectReason::CancelledBeforeStart);  // then freed as an orphan
    else
      orphan(h);
  }
  if (call.awaiting_) {
    // Waiting on a slot created elsewhere: stop waiting, leave the slot.
    auto it = aux_.find(*call.awaiting_);
    if (it != aux_.end()) it->second.waiter = nullptr;
    call.awaiting_.reset();
  }
}

void AsyncRuntime::finish(const CallPtr& call, AsyncCall::State state, AsyncCall::Failure failure,
                          std::string message) {
  if (call->done()) return;
  call->state_ = state;
  call->failure_ = failure;
  call->message_ = std::move(message);
  call->phase_ = AsyncCall::Phase::Finished;
  if (call->timeout_timer_) {
    loop_.cancel(*call->timeout_timer_);
    call->timeout_timer_.reset();
  }
  if (state == AsyncCall::State::Failed) {
    abandon_slots(*call);
  } else {
    // Slots it created and did not wait for go on alone.
    for (Handle h : std::vector<Handle>(call->created_)) orphan(h);
    call->created_.clear();
  }
  // The call's frames and values are no longer needed: free them now.
  call->thread_.reset();
  release_stack(*call);
  auto hooks = std::move(call->on_done_);
  call->on_done_.clear();
  CallPtr keep = call;  // erasing from calls_ must not destroy it under us
  calls_.erase(call.get());
  if (!shutting_down_)
    for (auto& fn : hooks) fn(*keep);
}

Result<std::vector<Value>> AsyncRuntime::call(Instance& instance, std::string_view name,
                                              std::span<const Value> args, const CallOptions& options) {
  auto c = start(instance, name, args, options);
  if (!c) return c.error();
  run_until_done(*c);
  if ((*c)->state() == AsyncCall::State::Done) return (*c)->results();
  return Error{(*c)->message()};
}

void AsyncRuntime::run_until_done(const CallPtr& call) {
  if (loop_.running()) {
    // Inside a loop task the loop cannot be driven (tasks never nest), and
    // waiting here would block the very loop that has to settle the call.
    if (!call->done())
      finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
             call->export_name_ + ": cannot wait for an asynchronous call from inside an event-loop task");
    return;
  }
  while (!call->done() && !loop_.idle()) loop_.run_once(std::chrono::milliseconds(1000));
  if (!call->done()) {
    std::string why = call->export_name_ + " is still pending";
    if (call->awaiting_)
      why += ": nothing is left that could settle " + slot_name(*call->awaiting_);
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, why);
  }
}

GlobalInst* AsyncRuntime::stack_pointer_of(Instance& instance, const std::string& name) {
  auto key = std::make_pair(static_cast<const Instance*>(&instance), name);
  auto it = stack_pointers_.find(key);
  if (it != stack_pointers_.end()) return it->second;
  GlobalInst* g = nullptr;
  if (instance.module)
    if (auto idx = find_stack_pointer(*instance.module, name); idx && *idx < instance.globals.size())
      g = instance.globals[*idx];
  stack_pointers_.emplace(key, g);
  return g;
}

// A finished call hands its shadow stack to the next waiting call.
void AsyncRuntime::release_stack(AsyncCall& call) {
  if (!call.stack_global_) return;
  auto it = stacks_.find(call.stack_global_);
  if (it == stacks_.end() || it->second.owner != &call) return;
  StackTurn& turn = it->second;
  turn.owner = nullptr;
  while (!turn.waiting.empty()) {
    CallPtr next = turn.waiting.front().lock();
    turn.waiting.pop_front();
    if (!next || next->done()) continue;
    turn.owner = next.get();  // claimed now, so no newer call can overtake it
    loop_.defer([this, next] { begin(next); });
    return;
  }
  stacks_.erase(it);
}

void AsyncRuntime::cancel_all(const std::string& why) {
  std::vector<CallPtr> running;
  for (auto& [p, c] : calls_) running.push_back(c);
  // In the order they were started, so that on_done hooks run predictably.
  std::sort(running.begin(), running.end(),
            [](const CallPtr& a, const CallPtr& b) { return a->seq_ < b->seq_; });
  for (auto& c : running)
    finish(c, AsyncCall::State::Failed, AsyncCall::Failure::Error, why);
  for (Handle h : slots_.live_handles()) {
    if (slots_.is_pending(h)) {
      orphan(h);
      (void)settle_reason(h, RejectReason::CancelledBeforeStart);
    } else {
      orphan(h);
    }
  }
}

}  // namespace wasmslot
