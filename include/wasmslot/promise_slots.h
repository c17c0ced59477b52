/// @file
/// The pending-result table of the async import protocol (ASYNC.md, "The
/// pending-result table (promise slots)").
///
/// A slot is created when an asynchronous host function is called. It is
/// *pending* until the host settles it: *resolved* with a value, or *rejected*
/// with a code (a host error, a timeout or a cancellation). The consumer (the
/// callback dispatch or the resumption of a suspended call) then *takes* the
/// settlement, which frees the slot for reuse.
///
/// Wasm code names a slot by a handle: a non-negative i32 whose low 20 bits are
/// the slot's index in the table and whose next 11 bits are the slot's
/// generation (how many times the index was reused, modulo 2^11). Every freed
/// slot comes back with the next generation, so a handle kept after its slot was
/// freed (stale) or made up by the module (forged) is detected and reported as
/// an Error naming the handle, never undefined behaviour.
///
/// The table is plain data: it never calls back into anything, never runs wasm
/// and is not thread-safe. The runtime glue (include/wasmslot/async.h) drives it from the
/// event loop's thread and decides what happens after a settlement.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "wasmslot/runtime.h"
#include "wasmslot/result.h"

namespace wasmslot {

/// A slot handle as wasm sees it (an i32 that is never negative).
using Handle = uint32_t;

constexpr unsigned kHandleIndexBits = 20;  ///< bits 0..19 of a handle: the slot's index
constexpr uint32_t kHandleIndexMask = (1u << kHandleIndexBits) - 1;  ///< 0xFFFFF
constexpr unsigned kHandleGenerationBits = 11;  ///< bits 20..30; bit 31 stays 0
constexpr uint32_t kHandleGenerationMask = (1u << kHandleGenerationBits) - 1;  ///< 0x7FF
constexpr uint32_t kMaxSlotCapacity = 1u << kHandleIndexBits;  ///< 1048576 slots

/// The slot index `h` names.
inline uint32_t handle_index(Handle h) { return h & kHandleIndexMask; }
/// The generation `h` names.
inline uint32_t handle_generation(Handle h) { return (h >> kHandleIndexBits) & kHandleGenerationMask; }
/// The handle of slot `index` at `generation`, each cut to its field.
inline Handle make_handle(uint32_t index, uint32_t generation) {
  return ((generation & kHandleGenerationMask) << kHandleIndexBits) | (index & kHandleIndexMask);
}
std::string handle_to_string(Handle h);  ///< "0x00100002 (slot 2, generation 1)"

/// The end states a slot can reach, and the codes they carry.
///
/// ASYNC.md: rejections carry a code that distinguishes cancelled and timed out
/// from a host error. Host errors use any i32 code except the three reserved
/// ones below, so wasm (callback_error) can tell them apart by the code alone.
enum class SlotState : uint8_t {
  Pending,   ///< not settled yet
  Resolved,  ///< settled with a value (or with none, for a slot of no value type)
  Rejected   ///< settled with a code (RejectReason says why)
};
/// Why a slot was rejected. Each reason but HostError has its reserved code.
enum class RejectReason : uint8_t {
  HostError,             ///< the host rejected the slot with its own code
  TimedOut,              ///< the slot's deadline passed first
  CancelledBeforeStart,  ///< cancelled before the host work began
  CancelledAfterStart,   ///< cancelled while the host work was running
};
constexpr int32_t kCodeTimedOut = -1;              ///< the code of TimedOut
constexpr int32_t kCodeCancelledBeforeStart = -2;  ///< the code of CancelledBeforeStart
constexpr int32_t kCodeCancelledAfterStart = -3;   ///< the code of CancelledAfterStart
constexpr int32_t kDefaultRejectCode = 1;         ///< `reject` without a code (CLI)

const char* to_string(SlotState s);      ///< "pending", "resolved", "rejected"
const char* to_string(RejectReason r);   ///< "rejected", "timed out", "cancelled before start", ...
int32_t code_of(RejectReason r, int32_t host_code);  ///< the code a reason carries
bool is_reserved_code(int32_t code);  ///< whether `code` is one of the three reserved codes above

/// What a settled slot holds.
struct Settlement {
  Value value;             ///< when resolved with a value
  int32_t code = 0;        ///< when rejected
  SlotState state = SlotState::Pending;  ///< Resolved or Rejected
  bool has_value = false;  ///< resolved with a value (false: a slot of no value type)
  RejectReason reason = RejectReason::HostError;  ///< when rejected: why
};  // (in this order: 32 bytes, one per slot in the table)

/// How a handle relates to the table, for callers that need more than a message.
enum class HandleCheck : uint8_t {
  Live,    ///< names a slot that exists now
  Forged,  ///< can never have been issued: negative, or an index never used
  Stale,   ///< names a slot that was freed (and maybe reused since)
};

/// The pending-result table (see the file comment): slots, the handles
/// that name them, and their settlements.
class PromiseSlots {
 public:
  static constexpr uint32_t kDefaultCapacity = 1u << 16;  ///< 65536 slots

  /// capacity: how many slots may exist at once (1 .. 2^20; clamped).
  explicit PromiseSlots(uint32_t capacity = kDefaultCapacity);

  /// A new pending slot. `type` is the value type a resolution must carry, or
  /// nullopt for a slot whose resolution carries no value. Fails when all
  /// `capacity` slots are in use.
  Result<Handle> create(std::optional<ValType> type);

  /// Settling: exactly one end state per slot (ASYNC.md). Settling a slot that
  /// is not pending, or through a stale or forged handle, is an Error.
  Status resolve(Handle h, Value v);  ///< v.type must be the slot's type
  Status resolve(Handle h);           ///< for a slot of no value type
  /// A host rejection: `code` must not be one of the reserved codes.
  Status reject(Handle h, int32_t code = kDefaultRejectCode);
  /// A rejection for a reason other than a host error (the code follows from it).
  Status reject_for(Handle h, RejectReason reason);

  /// The host work behind the slot has begun: a later cancellation reports
  /// "cancelled after start".
  Status mark_started(Handle h);
  /// Cancels a pending slot: rejected as cancelled before or after start.
  Status cancel(Handle h);

  // Observation.
  /// How `h` relates to the table (see HandleCheck).
  HandleCheck check(Handle h) const;
  Status check_live(Handle h) const;  ///< Ok when Live, else the precise Error
  /// A live slot's state, or the Error check_live() gives.
  Result<SlotState> state(Handle h) const;
  /// A live slot's value type (see create()).
  Result<std::optional<ValType>> value_type(Handle h) const;
  bool is_pending(Handle h) const;  ///< false for anything but a live pending slot

  /// Consuming: the settlement of a settled slot; the slot is freed (its handle
  /// becomes stale). Taking a pending slot is an Error.
  Result<Settlement> take(Handle h);
  /// Frees a slot in any state (used when its result is no longer wanted).
  Status release(Handle h);

  uint32_t capacity() const { return capacity_; }  ///< how many slots may exist at once
  uint32_t live() const { return live_; }          ///< slots in use (any state)
  uint32_t pending() const { return pending_; }    ///< slots still pending

  /// Every live slot's handle, in index order (for shutdown and diagnostics).
  std::vector<Handle> live_handles() const;

 private:
  static constexpr uint32_t kNoIndex = UINT32_MAX;
  struct Entry {
    uint32_t generation = 0;
    uint32_t next_free = kNoIndex;  // the free list, through the free entries
    bool in_use = false;
    bool started = false;
    bool wrapped = false;  // the generation counter went past its maximum once
    std::optional<ValType> type;
    Settlement settlement;
  };
  Result<Entry*> live_entry(Handle h);
  Result<const Entry*> live_entry(Handle h) const;
  Status settle(Handle h, Settlement s);
  void free_entry(uint32_t index);

  uint32_t capacity_;
  uint32_t live_ = 0;
  uint32_t pending_ = 0;
  std::vector<Entry> entries_;       // grows up to capacity_, never shrinks
  // Freed indexes, oldest first: a queue threaded through the entries, so
  // creating and freeing slots allocates nothing once the table has grown.
  uint32_t free_head_ = kNoIndex, free_tail_ = kNoIndex;
};

}  // namespace wasmslot
