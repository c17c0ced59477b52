#include "wasmslot/async.h"

#include "host/shadow_stack.h"
#include "interp/cells.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace wasmslot {

namespace {

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

std::string slot_text(Handle h, const std::string* import) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%08x", h);
  std::string s = std::string("promise slot ") + buf;
  if (import) s += " of " + *import;
  return s;
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
  auto* aux = rt_->aux_of(h_);
  return aux && aux->import ? aux->import->name : none;
}

bool Slot::pending() const { return rt_ && rt_->slots_.is_pending(h_); }
Status Slot::resolve(Value v) const { return rt_->settle_resolve(h_, v); }
Status Slot::resolve() const { return rt_->settle_resolve(h_, std::nullopt); }
Status Slot::reject(int32_t code) const { return rt_->settle_reject(h_, code); }
Status Slot::set_deadline(std::chrono::milliseconds ms) const { return rt_->set_deadline(h_, ms); }
Status Slot::on_cancel(std::function<void()> fn) const { return rt_->add_on_cancel(h_, std::move(fn)); }
EventLoop& Slot::loop() const { return rt_->loop_; }
RemoteSlot Slot::remote() const { return RemoteSlot(rt_, h_, rt_->loop_.keep_alive()); }

// ---------------------------------------------------------------------------
// RemoteSlot: the settlement travels to the loop's thread through its post
// box; the slot itself is only ever touched there.

void RemoteSlot::send(std::function<void(Slot)> settle) {
  if (!rt_) return;  // settled once already
  // Post first, then give the token back: the loop cannot see itself idle
  // in between and return before the settlement arrives.
  token_.post([rt = rt_, h = h_, settle = std::move(settle)] { settle(Slot(rt, h)); });
  token_.reset();
  rt_ = nullptr;
}

// A settlement that finds the slot gone (its call failed or was cancelled
// meanwhile) has nothing left to do: the error is dropped on purpose.
void RemoteSlot::resolve(Value v) { send([v](Slot s) { (void)s.resolve(v); }); }
void RemoteSlot::resolve() { send([](Slot s) { (void)s.resolve(); }); }
void RemoteSlot::reject(int32_t code) { send([code](Slot s) { (void)s.reject(code); }); }

// Never settled: the worker gave up. Cancel the slot rather than leave a call
// waiting forever.
RemoteSlot::~RemoteSlot() { send([](Slot s) { (void)s.runtime().cancel(s.handle()); }); }

RemoteSlot& RemoteSlot::operator=(RemoteSlot&& o) noexcept {
  if (this != &o) {
    send([](Slot s) { (void)s.runtime().cancel(s.handle()); });
    rt_ = o.rt_;
    h_ = o.h_;
    token_ = std::move(o.token_);
    o.rt_ = nullptr;
  }
  return *this;
}

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
  imports_.push_back(std::make_unique<ImportDef>(ImportDef{type, std::move(fn), name}));
  const ImportDef* def = imports_.back().get();
  return store_.make_host_func(
      std::move(type), [this, def](HostCall& hc) { return on_import(*def, hc); }, std::move(name));
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
  const std::string* import = nullptr;
  if (slots_.check(h) == HandleCheck::Live) {
    const SlotAux& aux = aux_[handle_index(h)];
    if (aux.import) import = &aux.import->name;
  }
  return slot_text(h, import);
}

// Why a rejected slot failed its call ("... rejected with code 9"), once the
// table gave up the slot and before its entry here is cleared.
std::string AsyncRuntime::rejection_text(Handle h, const Settlement& st) const {
  const ImportDef* import = aux_[handle_index(h)].import;
  std::string name = slot_text(h, import ? &import->name : nullptr);
  return st.reason == RejectReason::HostError
             ? name + " rejected with code " + std::to_string(st.code)
             : name + " " + to_string(st.reason) + " (code " + std::to_string(st.code) + ")";
}

// ---------------------------------------------------------------------------
// The slot side table

AsyncRuntime::SlotAux* AsyncRuntime::aux_of(Handle h) {
  return slots_.check(h) == HandleCheck::Live ? &aux_[handle_index(h)] : nullptr;
}

// A call's slots form a list through the table, newest first: form 1 needs
// the newest, a failed call cancels them all, a resumed call unlinks one.
void AsyncRuntime::link_created(AsyncCall& call, Handle h) {
  uint32_t index = handle_index(h);
  SlotAux& aux = aux_[index];
  aux.creator = &call;
  aux.prev = AsyncCall::kNoSlot;
  aux.next = call.created_head_;
  if (aux.next != AsyncCall::kNoSlot) aux_[aux.next].prev = index;
  call.created_head_ = index;
}

void AsyncRuntime::unlink_created(SlotAux& aux) {
  if (!aux.creator) return;
  if (aux.prev != AsyncCall::kNoSlot)
    aux_[aux.prev].next = aux.next;
  else
    aux.creator->created_head_ = aux.next;
  if (aux.next != AsyncCall::kNoSlot) aux_[aux.next].prev = aux.prev;
  aux.creator = nullptr;
  aux.prev = aux.next = AsyncCall::kNoSlot;
}

// Clears a slot's entry for its next user, keeping the capacity of its
// vectors; `h` must be live (it is released from the table here) or already
// taken.
void AsyncRuntime::free_slot(Handle h) {
  if (slots_.check(h) == HandleCheck::Live) (void)slots_.release(h);
  SlotAux& aux = aux_[handle_index(h)];
  unlink_created(aux);
  if (aux.deadline) loop_.cancel(aux.deadline);
  aux.deadline = 0;
  aux.import = nullptr;
  aux.waiter = nullptr;
  aux.resume = aux.scheduled = aux.orphan = false;
  aux.args.clear();
  aux.on_cancel.clear();
}

// ---------------------------------------------------------------------------
// The asynchronous import, as the interpreter calls it.

HostAnswer AsyncRuntime::on_import(const ImportDef& def, HostCall& hc) {
  AsyncCall* call = current_;
  // Only a call started by this runtime has somewhere to deliver the result;
  // a synchronous Store::call (or the start function) does not.
  if (!call || !call->thread_ || &hc.thread != call->thread_.get())
    return HostAnswer::trap("asynchronous import " + def.name + " called outside an asynchronous call");

  bool callback_form = call->form_ != AsyncCall::Form::Suspend;
  const auto& results = def.type.results;
  std::optional<ValType> type;
  if (callback_form) {
    // Forms 1 and 2: the import returns nothing or the slot's handle, and the
    // value later goes to the callback, so the callback decides its type.
    if (!(results.empty() || (results.size() == 1 && results[0] == ValType::I32)))
      return HostAnswer::trap("asynchronous import " + def.name + " returns " + types_to_string(results) +
                              ": in callback form it must return nothing or an i32 handle");
    type = call->value_type_;
  } else {
    // Form 3: the value becomes the import's result when the call resumes.
    if (results.size() > 1)
      return HostAnswer::trap("asynchronous import " + def.name + " returns " + types_to_string(results) +
                              ": a suspending import returns at most one value");
    if (results.size() == 1) type = results[0];
  }

  auto h = slots_.create(type);
  if (!h) return HostAnswer::trap(def.name + ": " + h.error().message);
  Handle handle = *h;
  uint32_t index = handle_index(handle);
  while (aux_.size() <= index) aux_.emplace_back();
  SlotAux& aux = aux_[index];
  aux.handle = handle;
  aux.import = &def;
  aux.args.clear();
  // The arguments wait in the table (no allocation once its vectors have
  // grown) until the host work starts.
  const uint64_t* c = hc.args.data();
  for (ValType t : def.type.params) {
    aux.args.push_back(value_of(t, c));
    c += cells_of(t);
  }
  link_created(*call, handle);

  // The host work starts on the loop, once the wasm code that made the call
  // has returned or suspended: nothing of the host runs inside wasm code, and
  // a cancellation until then is "before start".
  loop_.defer([this, handle] { start_host_work(handle); });

  if (callback_form) {
    if (!results.empty()) hc.results[0] = handle;
    return HostAnswer::ok();
  }
  return HostAnswer::pending(handle);
}

void AsyncRuntime::start_host_work(Handle h) {
  if (!slots_.is_pending(h)) return;  // cancelled before start
  (void)slots_.mark_started(h);
  SlotAux& aux = aux_[handle_index(h)];
  // The function gets the arguments in a buffer of the runtime's own: if it
  // cancels the slot (freeing its entry) they stay valid until it returns.
  std::swap(host_args_, aux.args);
  aux.import->fn(host_args_, Slot(this, h));
  std::swap(host_args_, aux_[handle_index(h)].args);
  host_args_.clear();
}

// ---------------------------------------------------------------------------
// Settlement: the table records it, the loop gets the continuation.

void AsyncRuntime::settled(Handle h) {
  SlotAux* aux = aux_of(h);
  if (!aux) return;
  if (aux->deadline) {
    loop_.cancel(aux->deadline);
    aux->deadline = 0;
  }
  aux->on_cancel.clear();
  if (aux->waiter) {
    // Never run wasm here: the resolve call came from host code. The waiter
    // continues in a later turn of the loop, in settlement order.
    if (!aux->scheduled) {
      aux->scheduled = true;
      loop_.defer([this, h] { continue_slot(h); });
    }
  } else if (aux->orphan) {
    free_slot(h);
  }
}

void AsyncRuntime::continue_slot(Handle h) {
  SlotAux* aux = aux_of(h);
  if (!aux || !aux->scheduled) return;  // freed meanwhile: its call ended
  aux->scheduled = false;
  AsyncCall* call = aux->waiter;
  if (!call) {
    // The waiting call stopped waiting (it failed); a slot nobody owns any
    // more is freed now.
    if (aux->orphan || !aux->creator) free_slot(h);
    return;
  }
  CallPtr keep = call->self_;  // finishing must not destroy it under us
  if (aux->resume)
    deliver_resume(*call, h);
  else
    deliver_callback(*call, h);
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
  if (!slots_.is_pending(h)) {
    Status live = slots_.check_live(h);
    if (!live) return live;
    return Error{slot_name(h) + " is already settled"};
  }
  // Host cleanup first (stop a timer, abort a request), then the rejection.
  auto hooks = std::move(aux_[handle_index(h)].on_cancel);
  aux_[handle_index(h)].on_cancel.clear();
  for (auto& fn : hooks) fn();
  if (!slots_.is_pending(h)) return Ok{};  // a hook settled it
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
  SlotAux& aux = aux_[handle_index(h)];
  if (aux.deadline) loop_.cancel(aux.deadline);
  aux.deadline = loop_.after(ms, [this, h] {
    if (SlotAux* a = aux_of(h)) a->deadline = 0;  // this timer has fired
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
  aux_[handle_index(h)].on_cancel.push_back(std::move(fn));
  return Ok{};
}

// Nobody will take this slot's result: free it now if it is settled, else
// once it settles.
void AsyncRuntime::orphan(Handle h) {
  SlotAux* aux = aux_of(h);
  if (!aux) return;
  unlink_created(*aux);
  aux->waiter = nullptr;
  if (!slots_.is_pending(h)) {
    free_slot(h);
    return;
  }
  aux->orphan = true;
}

// ---------------------------------------------------------------------------
// Calls

Result<CallPtr> AsyncRuntime::start(Instance& instance, std::string_view name,
                                    std::span<const Value> args, const CallOptions& options) {
  if (dropped(instance)) return Error{"cannot call " + std::string(name) + ": the instance was dropped"};
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
  // The name as the module spells it: it lives as long as the instance.
  for (const Export& e : instance.module->exports)
    if (e.name == name) call->export_name_ = e.name;
  call->instance_ = &instance;
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
    if (GlobalInst* g = stack_pointer_of(instance, options.stack_pointer)) {
      call->stack_ = std::make_unique<AsyncCall::StackUse>();
      call->stack_->global = g;
      call->stack_->region_size = options.stack_region_size;
    }

  // Running: the call holds itself alive and joins the list.
  call->self_ = call;
  call->next_ = calls_;
  if (calls_) calls_->prev_ = call.get();
  calls_ = call.get();
  ++running_;
  if (options.timeout) {
    auto ms = *options.timeout;
    std::weak_ptr<AsyncCall> weak = call;
    call->timeout_timer_ = loop_.after(ms, [this, weak, ms] {
      auto c = weak.lock();
      if (!c || c->done()) return;
      c->timeout_timer_ = 0;
      c->reject_code_ = kCodeTimedOut;
      finish(*c, AsyncCall::State::Failed, AsyncCall::Failure::Rejected,
             std::string(c->export_name_) + " timed out after " + std::to_string(ms.count()) + " ms");
    });
  }
  loop_.defer([this, call] { begin(*call); });
  return call;
}

void AsyncRuntime::begin(AsyncCall& call) {
  if (call.done()) return;
  if (call.stack_ && !call.stack_->claimed && !claim_stack(call)) {
    stacks_[call.stack_->global].waiting.push_back(call.self_);
    return;
  }
  call.phase_ = AsyncCall::Phase::Main;
  run_phase(call, call.func_, call.args_);
  std::vector<Value>().swap(call.args_);  // in the Thread's stack now
}

// Runs the call's Thread (`go` invokes or resumes it) with the call's shadow
// stack in place, then decides what comes next.
template <class Go>
void AsyncRuntime::run_thread(AsyncCall& call, Go&& go) {
  enter_stack(call);
  AsyncCall* saved = current_;
  current_ = &call;
  ExecState s = go(*call.thread_);
  current_ = saved;
  leave_stack(call, s);
  step(call, s);
}

// Runs `f(args)` on a fresh Thread as the call's current phase.
void AsyncRuntime::run_phase(AsyncCall& call, FuncInst* f, std::span<const Value> args) {
  call.thread_ = std::make_unique<Thread>(store_);
  run_thread(call, [&](Thread& t) { return t.invoke(f, args); });
}

void AsyncRuntime::step(AsyncCall& call, ExecState s) {
  if (call.done()) return;
  Thread& t = *call.thread_;
  switch (s) {
    case ExecState::Suspended:
      await_slot(call, t.pending_handle(), /*resume=*/true);
      return;
    case ExecState::Trapped:
      finish(call, AsyncCall::State::Failed,
             call.rejecting_ ? AsyncCall::Failure::Rejected : AsyncCall::Failure::Trap, t.trap_message());
      return;
    case ExecState::Done:
      if (call.phase_ == AsyncCall::Phase::Main && call.form_ != AsyncCall::Form::Suspend) {
        main_returned(call);
        return;
      }
      call.results_ = t.results();
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
void AsyncRuntime::main_returned(AsyncCall& call) {
  const std::vector<Value>& r = call.thread_->results();
  if (call.created_head_ == AsyncCall::kNoSlot) {
    // Nothing asynchronous happened: the export's results are the results.
    call.results_ = r;
    finish(call, AsyncCall::State::Done, AsyncCall::Failure::None, {});
    return;
  }
  Handle h;
  if (r.empty()) {
    h = aux_[call.created_head_].handle;  // form 1: the newest slot created during the call
  } else if (r.size() == 1 && r[0].type == ValType::I32) {
    h = static_cast<uint32_t>(r[0].as_i32());  // form 2: the returned handle
  } else {
    std::vector<ValType> types;
    for (auto& v : r) types.push_back(v.type);
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
           "in callback form, " + std::string(call.export_name_) + " must return nothing or an i32 handle, not " +
               types_to_string(types));
    return;
  }
  Status live = slots_.check_live(h);
  if (!live) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
           std::string(call.export_name_) + " returned a bad handle: " + live.error().message);
    return;
  }
  SlotAux& aux = aux_[handle_index(h)];
  if (aux.waiter || aux.orphan || aux.creator != &call) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
           std::string(call.export_name_) + " returned " + slot_name(h) + ", which belongs to another call");
    return;
  }
  // The other slots created by the call go on alone and are freed once settled.
  for (uint32_t i = call.created_head_; i != AsyncCall::kNoSlot;) {
    uint32_t next = aux_[i].next;
    if (aux_[i].handle != h) orphan(aux_[i].handle);
    i = next;
  }
  call.thread_.reset();  // its frames are done with; the callback gets a new Thread
  await_slot(call, h, /*resume=*/false);
}

void AsyncRuntime::await_slot(AsyncCall& call, Handle h, bool resume) {
  SlotAux* aux = aux_of(h);
  std::string why;
  if (!aux) {
    // A suspension on a handle the table does not know: the host function
    // answered Pending with a made-up handle.
    why = "suspended on an unknown " + slots_.check_live(h).error().message;
  } else if (aux->waiter) {
    why = slot_name(h) + " is already awaited by another call";
  }
  if (!why.empty()) {
    // Make the import trap (a suspended call) or fail the call.
    if (resume && call.thread_)
      run_thread(call, [&](Thread& t) { return t.resume_trap(why); });
    else
      finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, why);
    return;
  }
  call.awaiting_ = h;
  aux->waiter = &call;
  aux->resume = resume;
  if (!slots_.is_pending(h)) {  // settled already: continue in a later turn
    aux->scheduled = true;
    loop_.defer([this, h] { continue_slot(h); });
  }
}

// The settlement of the slot `call` awaited, which stops awaiting it; if
// the table refuses (the protocol was broken), the call fails instead.
std::optional<Settlement> AsyncRuntime::take_awaited(AsyncCall& call, Handle h) {
  call.awaiting_ = AsyncCall::kNotAwaiting;
  auto taken = slots_.take(h);
  if (!taken) {
    finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Error, taken.error().message);
    return std::nullopt;
  }
  return std::move(*taken);
}

// Form 3: the slot settled, resume the suspended Thread.
void AsyncRuntime::deliver_resume(AsyncCall& call, Handle h) {
  std::optional<Settlement> taken = take_awaited(call, h);
  if (!taken) return;
  const Settlement& st = *taken;
  if (st.state == SlotState::Resolved) {
    free_slot(h);
    uint64_t cells[2];
    const size_t n = st.has_value ? put_value(st.value, cells) : 0;
    run_thread(call, [&](Thread& t) { return t.resume(std::span<const uint64_t>(cells, n)); });
    return;
  }
  // A rejection traps in the suspended call; the embedder sees the call fail
  // as Rejected, with the code. (The text names the import: before freeing.)
  std::string why = rejection_text(h, st);
  free_slot(h);
  call.rejecting_ = true;
  call.reject_code_ = st.code;
  run_thread(call, [&](Thread& t) { return t.resume_trap(why); });
}

// Forms 1 and 2: the slot settled, call the callback (or callback_error).
void AsyncRuntime::deliver_callback(AsyncCall& call, Handle h) {
  std::optional<Settlement> taken = take_awaited(call, h);
  if (!taken) return;
  const Settlement& st = *taken;
  std::string why = st.state == SlotState::Resolved ? std::string() : rejection_text(h, st);
  free_slot(h);
  bool two = call.form_ == AsyncCall::Form::Callback2;
  Value hv = Value::i32(static_cast<int32_t>(h));
  call.phase_ = AsyncCall::Phase::Callback;
  Value args[2];
  size_t n = 0;
  if (st.state == SlotState::Resolved) {
    if (two) args[n++] = hv;
    args[n++] = st.value;
    run_phase(call, call.callback_, std::span<const Value>(args, n));
    return;
  }
  call.reject_code_ = st.code;
  if (call.callback_error_) {
    // The module handles the error: callback_error's result is the result.
    if (call.callback_error_->type.params.size() == 2) args[n++] = hv;
    args[n++] = Value::i32(st.code);
    run_phase(call, call.callback_error_, std::span<const Value>(args, n));
    return;
  }
  finish(call, AsyncCall::State::Failed, AsyncCall::Failure::Rejected, why);
}

// A failed call's slots: nobody will take them. Pending ones are cancelled
// (their host cleanup runs), settled ones freed.
void AsyncRuntime::abandon_slots(AsyncCall& call) {
  while (call.created_head_ != AsyncCall::kNoSlot) {
    SlotAux& aux = aux_[call.created_head_];
    Handle h = aux.handle;
    unlink_created(aux);
    aux.waiter = nullptr;
    aux.orphan = true;
    if (slots_.is_pending(h))
      (void)settle_reason(h, RejectReason::CancelledBeforeStart);  // then freed as an orphan
    else
      free_slot(h);
  }
  if (call.awaiting_ != AsyncCall::kNotAwaiting) {
    // Waiting on a slot created elsewhere: stop waiting, leave the slot.
    SlotAux* aux = aux_of(call.awaiting_);
    if (aux && aux->waiter == &call) aux->waiter = nullptr;
    call.awaiting_ = AsyncCall::kNotAwaiting;
  }
}

void AsyncRuntime::finish(AsyncCall& call, AsyncCall::State state, AsyncCall::Failure failure,
                          std::string message) {
  if (call.done()) return;
  call.state_ = state;
  call.failure_ = failure;
  call.message_ = std::move(message);
  call.phase_ = AsyncCall::Phase::Finished;
  if (call.timeout_timer_) {
    loop_.cancel(call.timeout_timer_);
    call.timeout_timer_ = 0;
  }
  if (state == AsyncCall::State::Failed) {
    abandon_slots(call);
  } else {
    // Slots it created and did not wait for go on alone.
    while (call.created_head_ != AsyncCall::kNoSlot) orphan(aux_[call.created_head_].handle);
  }
  // The call's frames and values are no longer needed: free them now.
  call.thread_.reset();
  std::vector<Value>().swap(call.args_);
  release_stack(call);
  auto hooks = std::move(call.on_done_);
  call.on_done_.clear();
  // Leave the running list; `keep` holds the call until the hooks ran.
  CallPtr keep = std::move(call.self_);
  if (call.prev_) call.prev_->next_ = call.next_;
  else calls_ = call.next_;
  if (call.next_) call.next_->prev_ = call.prev_;
  call.prev_ = call.next_ = nullptr;
  --running_;
  if (!shutting_down_)
    for (auto& fn : hooks) fn(call);
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
      finish(*call, AsyncCall::State::Failed, AsyncCall::Failure::Error,
             std::string(call->export_name_) +
                 ": cannot wait for an asynchronous call from inside an event-loop task");
    return;
  }
  while (!call->done() && !loop_.idle()) loop_.run_once(std::chrono::milliseconds(1000));
  if (!call->done()) {
    std::string why = std::string(call->export_name_) + " is still pending";
    if (auto h = call->awaiting()) why += ": nothing is left that could settle " + slot_name(*h);
    finish(*call, AsyncCall::State::Failed, AsyncCall::Failure::Error, why);
  }
}

// Fails the running calls `which` selects, oldest first (so that on_done
// hooks run predictably), then nothing of theirs is pending.
template <class Pred>
void AsyncRuntime::fail_calls(Pred which, const std::string& why) {
  std::vector<CallPtr> chosen;
  for (AsyncCall* c = calls_; c; c = c->next_)
    if (which(*c)) chosen.push_back(c->self_);
  std::reverse(chosen.begin(), chosen.end());  // the list is newest first
  for (auto& c : chosen) finish(*c, AsyncCall::State::Failed, AsyncCall::Failure::Error, why);
}

Status AsyncRuntime::drop_instance(Instance& instance) {
  if (current_)
    return Error{"cannot drop an instance while wasm code runs (from a synchronous host function): "
                 "defer it to the event loop"};
  dropped_.insert(&instance);
  fail_calls([&](AsyncCall& c) { return c.instance_ == &instance; },
             "the call was abandoned: the instance was dropped");
  // What the runtime remembers about its shadow stacks.
  for (auto it = stack_pointers_.begin(); it != stack_pointers_.end();)
    it = it->first.first == &instance ? stack_pointers_.erase(it) : std::next(it);
  for (GlobalInst* g : instance.globals) {
    auto it = stacks_.find(g);
    if (it != stacks_.end() && !it->second.main_owner && it->second.waiting.empty()) stacks_.erase(it);
  }
  return Ok{};
}

void AsyncRuntime::cancel_all(const std::string& why) {
  fail_calls([](AsyncCall&) { return true; }, why);
  for (Handle h : slots_.live_handles()) {
    if (slots_.is_pending(h)) {
      orphan(h);
      (void)settle_reason(h, RejectReason::CancelledBeforeStart);
    } else {
      free_slot(h);
    }
  }
}

// ---------------------------------------------------------------------------
// Shadow stacks (CallOptions::stack_pointer)

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

// A stack for a call about to begin: the module's own if no other call holds
// it, else a free region, else a new region at the end of memory 0.
bool AsyncRuntime::claim_stack(AsyncCall& call) {
  AsyncCall::StackUse& su = *call.stack_;
  ShadowStack& st = stacks_[su.global];
  // First come, first served: a call waiting longer goes first.
  while (!st.waiting.empty()) {
    CallPtr first = st.waiting.front().lock();
    if (first && !first->done()) {
      if (first.get() != &call) return false;
      break;
    }
    st.waiting.pop_front();
  }
  if (!st.main_owner) {
    st.main_owner = &call;
    su.entry_sp = su.sp = su.global->cells[0];
    return su.claimed = true;
  }
  if (su.region_size == 0) return false;
  for (size_t i = 0; i < st.free_regions.size(); ++i) {
    if (st.free_regions[i].size < su.region_size) continue;
    su.region_top = su.sp = st.free_regions[i].top;
    su.region_size = st.free_regions[i].size;
    st.free_regions.erase(st.free_regions.begin() + static_cast<ptrdiff_t>(i));
    return su.claimed = true;
  }
  if (call.instance_->memories.empty()) return false;
  MemoryInst* m = call.instance_->memories[0];
  uint64_t pages = (uint64_t{su.region_size} + kPageSize - 1) / kPageSize;
  uint64_t top = (m->pages() + pages) * kPageSize;
  // The stack grows down from `top`, which an i32 pointer must hold.
  if (su.global->type.type == ValType::I32 && top > UINT32_MAX) return false;
  if (m->grow(pages) < 0) return false;
  su.region_top = su.sp = top;
  su.region_size = static_cast<uint32_t>(pages * kPageSize);
  return su.claimed = true;
}

void AsyncRuntime::enter_stack(AsyncCall& call) {
  if (!call.stack_) return;
  AsyncCall::StackUse& su = *call.stack_;
  // A call on a region keeps whatever the module's stack pointer is now, to
  // put it back when it leaves; the module's own stack needs no such care.
  if (su.region_top) su.ambient = su.global->cells[0];
  su.global->cells[0] = su.sp;
}

void AsyncRuntime::leave_stack(AsyncCall& call, ExecState s) {
  if (!call.stack_) return;
  AsyncCall::StackUse& su = *call.stack_;
  su.sp = su.global->cells[0];
  if (su.region_top)
    su.global->cells[0] = su.ambient;
  else if (s != ExecState::Suspended && s != ExecState::Done)
    su.global->cells[0] = su.entry_sp;  // a trap skipped the code that pops the frames
}

// A finished call's stack goes back: the module's own to the next waiting
// call, a region to the free list (and then to a waiting call).
void AsyncRuntime::release_stack(AsyncCall& call) {
  if (!call.stack_) return;
  AsyncCall::StackUse& su = *call.stack_;
  auto it = stacks_.find(su.global);
  if (it == stacks_.end()) return;
  ShadowStack& st = it->second;
  if (st.main_owner == &call) {
    st.main_owner = nullptr;
    // Failed while suspended (a timeout, a cancellation): its frames will
    // never be popped, so the stack pointer goes back to where it began.
    if (call.state_ == AsyncCall::State::Failed && !current_) su.global->cells[0] = su.entry_sp;
  } else if (su.region_top) {
    st.free_regions.push_back({su.region_top, su.region_size});
  }
  su.region_top = 0;
  while (!st.waiting.empty()) {
    CallPtr next = st.waiting.front().lock();
    if (!next || next->done()) {
      st.waiting.pop_front();
      continue;
    }
    if (!claim_stack(*next)) break;
    st.waiting.pop_front();
    loop_.defer([this, next] { begin(*next); });
  }
}

}  // namespace wasmslot
