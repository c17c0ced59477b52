#include "wasmslot/promise_slots.h"

#include <algorithm>
#include <cstdio>

namespace wasmslot {

std::string handle_to_string(Handle h) {
  char buf[80];
  std::snprintf(buf, sizeof buf, "0x%08x (slot %u, generation %u)", h, handle_index(h),
                handle_generation(h));
  return buf;
}

const char* to_string(SlotState s) {
  switch (s) {
    case SlotState::Pending: return "pending";
    case SlotState::Resolved: return "resolved";
    case SlotState::Rejected: return "rejected";
  }
  return "?";
}

const char* to_string(RejectReason r) {
  switch (r) {
    case RejectReason::HostError: return "rejected";
    case RejectReason::TimedOut: return "timed out";
    case RejectReason::CancelledBeforeStart: return "cancelled before start";
    case RejectReason::CancelledAfterStart: return "cancelled after start";
  }
  return "?";
}

int32_t code_of(RejectReason r, int32_t host_code) {
  switch (r) {
    case RejectReason::HostError: return host_code;
    case RejectReason::TimedOut: return kCodeTimedOut;
    case RejectReason::CancelledBeforeStart: return kCodeCancelledBeforeStart;
    case RejectReason::CancelledAfterStart: return kCodeCancelledAfterStart;
  }
  return host_code;
}

bool is_reserved_code(int32_t code) {
  return code == kCodeTimedOut || code == kCodeCancelledBeforeStart ||
         code == kCodeCancelledAfterStart;
}

PromiseSlots::PromiseSlots(uint32_t capacity)
    : capacity_(std::clamp<uint32_t>(capacity, 1, kMaxSlotCapacity)) {}

Result<Handle> PromiseSlots::create(std::optional<ValType> type) {
  uint32_t index;
  // Reuse the slot freed longest ago before growing: indexes stay below the
  // number of slots ever alive at once (wasm may index its own arrays with
  // them), and a given index is reused as rarely as possible, so a stale
  // handle needs 2^11 reuses of its index before its bits could come back.
  if (free_head_ != kNoIndex) {
    index = free_head_;
    free_head_ = entries_[index].next_free;
    if (free_head_ == kNoIndex) free_tail_ = kNoIndex;
  } else if (entries_.size() < capacity_) {
    index = static_cast<uint32_t>(entries_.size());
    entries_.emplace_back();
  } else {
    return Error{"promise slot table is full: all " + std::to_string(capacity_) +
                 " slots are in use"};
  }
  Entry& e = entries_[index];
  e.in_use = true;
  e.started = false;
  e.type = type;
  e.settlement = Settlement{};
  ++live_;
  ++pending_;
  return make_handle(index, e.generation);
}

HandleCheck PromiseSlots::check(Handle h) const {
  // Bit 31 is never set in a handle we issue (handles are non-negative i32),
  // and an index beyond what the table ever allocated was never issued either.
  if (h >> 31) return HandleCheck::Forged;
  uint32_t index = handle_index(h);
  if (index >= entries_.size()) return HandleCheck::Forged;
  const Entry& e = entries_[index];
  uint32_t gen = handle_generation(h);
  if (e.in_use && e.generation == gen) return HandleCheck::Live;
  // The index exists. An older generation was issued and freed since
  // (stale). The current generation of a free slot, or a later one, was never
  // issued (forged) -- decidable only until the generation counter wraps.
  if (e.wrapped) return HandleCheck::Stale;
  return gen < e.generation ? HandleCheck::Stale : HandleCheck::Forged;
}

Status PromiseSlots::check_live(Handle h) const {
  switch (check(h)) {
    case HandleCheck::Live: return Ok{};
    case HandleCheck::Forged:
      if (h >> 31) return Error{"invalid promise slot handle " + std::to_string(static_cast<int32_t>(h)) +
                                ": handles are never negative"};
      return Error{"unknown promise slot handle " + handle_to_string(h) + ": no such slot was ever issued"};
    case HandleCheck::Stale: {
      const Entry& e = entries_[handle_index(h)];
      std::string now = e.in_use ? "reused as generation " + std::to_string(e.generation) : "free";
      return Error{"stale promise slot handle " + handle_to_string(h) + ": the slot was freed (now " +
                   now + ")"};
    }
  }
  return Error{"bad handle"};
}

Result<PromiseSlots::Entry*> PromiseSlots::live_entry(Handle h) {
  Status s = check_live(h);
  if (!s) return s.error();
  return &entries_[handle_index(h)];
}

Result<const PromiseSlots::Entry*> PromiseSlots::live_entry(Handle h) const {
  Status s = check_live(h);
  if (!s) return s.error();
  return &entries_[handle_index(h)];
}

Status PromiseSlots::settle(Handle h, Settlement s) {
  auto e = live_entry(h);
  if (!e) return e.error();
  Entry& entry = **e;
  if (entry.settlement.state != SlotState::Pending) {
    // One end state per slot: the first settlement wins, later ones are the
    // caller's bug and are reported, not applied.
    const Settlement& old = entry.settlement;
    std::string was = old.state == SlotState::Resolved ? "resolved" : to_string(old.reason);
    return Error{"promise slot " + handle_to_string(h) + " is already settled (" + was + ")"};
  }
  entry.settlement = std::move(s);
  --pending_;
  return Ok{};
}

Status PromiseSlots::resolve(Handle h, Value v) {
  auto e = live_entry(h);
  if (!e) return e.error();
  const auto& type = (*e)->type;
  if (!type)
    return Error{"promise slot " + handle_to_string(h) + " carries no value: resolve it without one"};
  if (v.type != *type)
    return Error{"promise slot " + handle_to_string(h) + " expects a value of type " +
                 to_string(*type) + ", got " + to_string(v.type)};
  Settlement s;
  s.state = SlotState::Resolved;
  s.has_value = true;
  s.value = v;
  return settle(h, s);
}

Status PromiseSlots::resolve(Handle h) {
  auto e = live_entry(h);
  if (!e) return e.error();
  if ((*e)->type)
    return Error{"promise slot " + handle_to_string(h) + " expects a value of type " +
                 to_string(*(*e)->type)};
  Settlement s;
  s.state = SlotState::Resolved;
  return settle(h, s);
}

Status PromiseSlots::reject(Handle h, int32_t code) {
  if (is_reserved_code(code))
    return Error{"rejection code " + std::to_string(code) +
                 " is reserved (timed out -1, cancelled -2 and -3)"};
  Settlement s;
  s.state = SlotState::Rejected;
  s.code = code;
  s.reason = RejectReason::HostError;
  return settle(h, s);
}

Status PromiseSlots::reject_for(Handle h, RejectReason reason) {
  Settlement s;
  s.state = SlotState::Rejected;
  s.reason = reason;
  s.code = code_of(reason, kDefaultRejectCode);
  return settle(h, s);
}

Status PromiseSlots::mark_started(Handle h) {
  auto e = live_entry(h);
  if (!e) return e.error();
  (*e)->started = true;
  return Ok{};
}

Status PromiseSlots::cancel(Handle h) {
  auto e = live_entry(h);
  if (!e) return e.error();
  return reject_for(h, (*e)->started ? RejectReason::CancelledAfterStart
                                     : RejectReason::CancelledBeforeStart);
}

Result<SlotState> PromiseSlots::state(Handle h) const {
  auto e = live_entry(h);
  if (!e) return e.error();
  return (*e)->settlement.state;
}

Result<std::optional<ValType>> PromiseSlots::value_type(Handle h) const {
  auto e = live_entry(h);
  if (!e) return e.error();
  return (*e)->type;
}

bool PromiseSlots::is_pending(Handle h) const {
  return check(h) == HandleCheck::Live &&
         entries_[handle_index(h)].settlement.state == SlotState::Pending;
}

void PromiseSlots::free_entry(uint32_t index) {
  Entry& e = entries_[index];
  if (e.settlement.state == SlotState::Pending) --pending_;
  e.in_use = false;
  e.type.reset();
  e.settlement = Settlement{};
  // The next user of this index gets the next generation: every handle issued
  // for the old one is stale from now on.
  e.generation = (e.generation + 1) & kHandleGenerationMask;
  if (e.generation == 0) e.wrapped = true;
  --live_;
  e.next_free = kNoIndex;
  if (free_tail_ == kNoIndex)
    free_head_ = index;
  else
    entries_[free_tail_].next_free = index;
  free_tail_ = index;
}

Result<Settlement> PromiseSlots::take(Handle h) {
  auto e = live_entry(h);
  if (!e) return e.error();
  if ((*e)->settlement.state == SlotState::Pending)
    return Error{"promise slot " + handle_to_string(h) + " is still pending"};
  Settlement s = (*e)->settlement;
  free_entry(handle_index(h));
  return s;
}

Status PromiseSlots::release(Handle h) {
  Status s = check_live(h);
  if (!s) return s;
  free_entry(handle_index(h));
  return Ok{};
}

std::vector<Handle> PromiseSlots::live_handles() const {
  std::vector<Handle> out;
  for (uint32_t i = 0; i < entries_.size(); ++i)
    if (entries_[i].in_use) out.push_back(make_handle(i, entries_[i].generation));
  return out;
}

}  // namespace wasmslot
