// The store (spec section 4.2.3 "Store") and the allocation and growth of its
// objects (spec 4.5.3 "Allocation", 4.5.3.8 "Growing tables", 4.5.3.9
// "Growing memories"), plus export lookup on module instances.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <new>

#include "interp/runtime.h"

namespace wasmslot {

// ---------------------------------------------------------------------------
// Allocation. Every object is owned by the store, so the raw pointers handed
// out stay valid for as long as the store lives.

FuncInst* Store::make_host_func(FuncType type, HostFunc fn, std::string name) {
  auto f = std::make_unique<FuncInst>();
  f->type = std::move(type);
  f->host = std::move(fn);
  f->name = std::move(name);
  funcs_.push_back(std::move(f));
  return funcs_.back().get();
}

// A new table holds `min` elements, all set to `init` (null by default).
// Like a memory, it reserves room for the most it can ever hold: its declared
// maximum, the per-table limit, the index space and what the store's total
// leaves, whichever is least.
TableInst* Store::make_table(TableType type, Ref init) {
  const uint64_t n = type.limits.min;
  uint64_t max_elems = std::min<uint64_t>(config_.max_table_elems, 0xFFFFFFFFull);
  if (type.limits.max) max_elems = std::min(max_elems, *type.limits.max);
  max_elems = std::min(max_elems, totals_.max_table_elems - totals_.table_elems);
  if (n > max_elems) throw std::bad_alloc();
  auto t = std::make_unique<TableInst>(type, max_elems, &totals_);
  if (init != 0) std::fill(t->elems.begin(), t->elems.end(), init);  // null needs no writing
  tables_.push_back(std::move(t));
  totals_.table_elems += n;
  return tables_.back().get();
}

// A new memory holds `min` pages of zero bytes, and reserves room for the
// most it can ever hold: its declared maximum, the per-memory limit, and
// what the store's total leaves (which only shrinks), whichever is least.
MemoryInst* Store::make_memory(MemoryType type) {
  uint64_t max_pages = std::min(config_.max_memory_pages, kMaxPages);
  if (type.limits.max) max_pages = std::min(max_pages, *type.limits.max);
  max_pages = std::min(max_pages, (totals_.max_memory_bytes - totals_.memory_bytes) / kPageSize);
  if (type.limits.min > max_pages) throw std::bad_alloc();
  auto m = std::make_unique<MemoryInst>(type, max_pages, &totals_);
  memories_.push_back(std::move(m));
  totals_.memory_bytes += type.limits.min * kPageSize;
  return memories_.back().get();
}

GlobalInst* Store::make_global(GlobalType type, Value init) {
  auto g = std::make_unique<GlobalInst>();
  g->type = type;
  g->set(init);
  globals_.push_back(std::move(g));
  return globals_.back().get();
}

// ---------------------------------------------------------------------------
// Growth. Failure is not a trap: table.grow and memory.grow push -1 and the
// program decides what to do. A grow fails when the new size would exceed the
// type's declared maximum, the embedder's limit for one object or for the
// whole store, or the index space (2^32 table elements, 65536 pages of a
// 32-bit memory); or when the host has no memory left.

int64_t TableInst::grow(uint64_t delta, Ref init, uint64_t limit) {
  const uint64_t old_size = elems.size();
  uint64_t max = std::min<uint64_t>(limit, 0xFFFFFFFFull);  // i32 indices
  if (type.limits.max) max = std::min(max, *type.limits.max);
  if (delta > max || old_size > max - delta) return -1;  // old + delta > max, without overflow
  if (totals && delta > totals->max_table_elems - totals->table_elems) return -1;
  if (!elems.grow_to(old_size + delta)) return -1;  // past the reservation, or no memory left
  if (init != 0) std::fill(elems.begin() + old_size, elems.end(), init);
  if (totals) totals->table_elems += delta;
  return static_cast<int64_t>(old_size);
}

int64_t MemoryInst::grow(uint64_t delta, uint64_t limit_pages) {
  const uint64_t old_pages = pages();
  uint64_t max = std::min(limit_pages, kMaxPages);
  if (type.limits.max) max = std::min(max, *type.limits.max);
  if (delta > max || old_pages > max - delta) return -1;
  const uint64_t bytes = delta * kPageSize;
  if (totals && bytes > totals->max_memory_bytes - totals->memory_bytes) return -1;
  if (!data.grow_to(data.size() + bytes)) return -1;  // past the reservation, or no memory left
  if (totals) totals->memory_bytes += bytes;
  return static_cast<int64_t>(old_pages);
}

// ---------------------------------------------------------------------------
// Memory bytes: an anonymous private mapping (POSIX mmap), reserved with no
// access and without swap space (MAP_NORESERVE), made readable and writable
// page range by page range as the memory grows. The system hands out a zero
// page the first time each one is touched.

namespace {
// Kept inaccessible past the reservation: a v128 access is 16 bytes, so one
// page catches any access that starts at most one page past the end.
constexpr uint64_t kGuardBytes = kPageSize;
}  // namespace

MemoryBytes::MemoryBytes(uint64_t size, uint64_t capacity)
    : size_(0), capacity_(capacity), accessible_(0) {
  void* p = mmap(nullptr, capacity + kGuardBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) throw std::bad_alloc();
  base_ = static_cast<uint8_t*>(p);
  if (!grow_to(size)) {
    munmap(base_, capacity_ + kGuardBytes);
    throw std::bad_alloc();
  }
}

MemoryBytes::~MemoryBytes() { munmap(base_, capacity_ + kGuardBytes); }

// mprotect works on whole system pages: a memory's sizes are multiples of
// them (64 KiB), a table's need not be, so what is accessible is the size
// rounded up to a system page (the bytes past size() but in that page are
// still zero when a later grow hands them out).
bool MemoryBytes::grow_to(uint64_t size) {
  if (size < size_ || size > capacity_) return false;
  static const uint64_t system_page = static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
  const uint64_t accessible = (size + system_page - 1) / system_page * system_page;
  if (accessible > accessible_ &&
      mprotect(base_ + accessible_, accessible - accessible_, PROT_READ | PROT_WRITE) != 0)
    return false;
  accessible_ = std::max(accessible_, accessible);
  size_ = size;
  return true;
}

// ---------------------------------------------------------------------------
// Exports (spec 4.5.3.1: an instance's exports are its module's exports,
// resolved in the instance's index spaces).

std::optional<Extern> Instance::get_export(std::string_view name) const {
  if (!module) return std::nullopt;
  for (const Export& e : module->exports) {
    if (e.name != name) continue;
    Extern x;
    x.kind = e.kind;
    switch (e.kind) {
      case ExternKind::Func:
        if (e.index >= funcs.size()) return std::nullopt;
        x.func = funcs[e.index];
        break;
      case ExternKind::Table:
        if (e.index >= tables.size()) return std::nullopt;
        x.table = tables[e.index];
        break;
      case ExternKind::Memory:
        if (e.index >= memories.size()) return std::nullopt;
        x.memory = memories[e.index];
        break;
      case ExternKind::Global:
        if (e.index >= globals.size()) return std::nullopt;
        x.global = globals[e.index];
        break;
    }
    return x;
  }
  return std::nullopt;
}

FuncInst* Instance::get_func(std::string_view name) const {
  auto e = get_export(name);
  return (e && e->kind == ExternKind::Func) ? e->func : nullptr;
}

}  // namespace wasmslot
