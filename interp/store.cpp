// The store (spec section 4.2.3 "Store") and the allocation and growth of its
// objects (spec 4.5.3 "Allocation", 4.5.3.8 "Growing tables", 4.5.3.9
// "Growing memories"), plus export lookup on module instances.
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <span>
#include <string>
#include <utility>

#include "wasmslot/runtime.h"
#include "interp/cells.h"
#include "loader/module.h"

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

// ---------------------------------------------------------------------------
// Limits. A table or memory may hold at most the least of: its declared
// maximum, its index space (2^32 table elements, 65536 pages of a 32-bit
// memory), the embedder's limit for one object (Config), and what the
// store-wide limit leaves beside everything else the store holds. Making,
// instantiating and growing all ask these two functions.

uint64_t Store::table_room(const TableType& type, uint64_t others) const {
  return std::min({type.limits.max.value_or(UINT64_MAX), uint64_t{0xFFFFFFFF}, config_.max_table_elems,
                   config_.max_total_table_elems - std::min(others, config_.max_total_table_elems)});
}

uint64_t Store::memory_room(const MemoryType& type, uint64_t others) const {
  return std::min({type.limits.max.value_or(UINT64_MAX), kMaxPages, config_.max_memory_pages,
                   (config_.max_total_memory_bytes - std::min(others, config_.max_total_memory_bytes)) /
                       kPageSize});
}

// A module's types are valid, but an embedder's (make_table, make_memory)
// may not be: those are refused with the validator's words first, so that
// what remains names one of the embedder's limits.
static Status valid_limits(const Limits& limits, uint64_t index_space, const char* too_big) {
  if (limits.max && *limits.max < limits.min) return Error{"size minimum must not be greater than maximum"};
  if (limits.min > index_space || (limits.max && *limits.max > index_space)) return Error{too_big};
  return Ok{};
}

Status Store::table_fits(const TableType& type, uint64_t others) const {
  if (Status valid = valid_limits(type.limits, 0xFFFFFFFF, "table size must be at most 2^32-1"); !valid)
    return valid;
  if (type.limits.min <= table_room(type, others)) return Ok{};
  if (type.limits.min > config_.max_table_elems)
    return Error{"table size " + std::to_string(type.limits.min) + " exceeds the store's limit of " +
                 std::to_string(config_.max_table_elems) + " elements per table"};
  return Error{"tables exceed the store's limit of " + std::to_string(config_.max_total_table_elems) +
               " elements in all"};
}

Status Store::memory_fits(const MemoryType& type, uint64_t others) const {
  if (Status valid = valid_limits(type.limits, kMaxPages, "memory size must be at most 65536 pages (4GiB)"); !valid)
    return valid;
  if (type.limits.min <= memory_room(type, others)) return Ok{};
  if (type.limits.min > config_.max_memory_pages)
    return Error{"memory size " + std::to_string(type.limits.min) + " pages exceeds the store's limit of " +
                 std::to_string(config_.max_memory_pages) + " pages per memory"};
  return Error{"memories exceed the store's limit of " + std::to_string(config_.max_total_memory_bytes) +
               " bytes in all"};
}

// A new table holds `min` elements, all set to `init` (null by default), and
// reserves room for the most it can ever hold (table_room). Likewise a new
// memory holds `min` pages of zero bytes.
Result<TableInst*> Store::make_table(TableType type, Ref init) {
  if (Status fits = table_fits(type, totals_.table_elems); !fits) return fits.error();
  std::unique_ptr<TableInst> t(new TableInst(type, table_room(type, totals_.table_elems), *this));
  if (!t->elems.reserved()) return Error{"out of memory: cannot reserve a table"};
  if (init != 0) std::fill(t->elems.begin(), t->elems.end(), init);  // null needs no writing
  tables_.push_back(std::move(t));
  totals_.table_elems += type.limits.min;
  return tables_.back().get();
}

Result<MemoryInst*> Store::make_memory(MemoryType type) {
  if (Status fits = memory_fits(type, totals_.memory_bytes); !fits) return fits.error();
  std::unique_ptr<MemoryInst> m(new MemoryInst(type, memory_room(type, totals_.memory_bytes), *this));
  if (!m->data.reserved()) return Error{"out of memory: cannot reserve a memory"};
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

int64_t TableInst::grow(uint64_t delta, Ref init) {
  const uint64_t old_size = elems.size();
  const uint64_t max = store.table_room(type, store.totals_.table_elems - old_size);
  if (delta > max || old_size > max - delta) return -1;  // old + delta > max, without overflow
  if (!elems.grow_to(old_size + delta)) return -1;       // the system has no memory left
  if (init != 0) std::fill(elems.begin() + old_size, elems.end(), init);
  store.totals_.table_elems += delta;
  return static_cast<int64_t>(old_size);
}

int64_t MemoryInst::grow(uint64_t delta) {
  const uint64_t old_pages = pages();
  const uint64_t max = store.memory_room(type, store.totals_.memory_bytes - data.size());
  if (delta > max || old_pages > max - delta) return -1;
  if (!data.grow_to(data.size() + delta * kPageSize)) return -1;  // the system has no memory left
  store.totals_.memory_bytes += delta * kPageSize;
  return static_cast<int64_t>(old_pages);
}

// Embedders' access: one bounds check (written so it cannot overflow), then
// plain bytes; the writable view is the same check.
Result<std::span<const uint8_t>> MemoryInst::view(uint64_t offset, uint64_t length) const {
  if (offset > data.size() || length > data.size() - offset) return Error{"out of bounds memory access"};
  return std::span<const uint8_t>(data.data() + offset, length);
}

Result<std::span<uint8_t>> MemoryInst::view(uint64_t offset, uint64_t length) {
  if (auto checked = std::as_const(*this).view(offset, length); !checked) return checked.error();
  return std::span<uint8_t>(data.data() + offset, length);
}

Status MemoryInst::read(uint64_t offset, std::span<uint8_t> out) const {
  auto bytes = view(offset, out.size());
  if (!bytes) return bytes.error();
  std::copy(bytes->begin(), bytes->end(), out.begin());
  return Ok{};
}

Status MemoryInst::write(uint64_t offset, std::span<const uint8_t> in) {
  auto bytes = view(offset, in.size());
  if (!bytes) return bytes.error();
  std::copy(in.begin(), in.end(), bytes->begin());
  return Ok{};
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

MemoryBytes::MemoryBytes(uint64_t size, uint64_t capacity) noexcept {
  void* p = mmap(nullptr, capacity + kGuardBytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE,
                 -1, 0);
  if (p == MAP_FAILED) return;  // reserved() is false
  base_ = static_cast<uint8_t*>(p);
  capacity_ = capacity;
  if (!grow_to(size)) {
    munmap(base_, capacity_ + kGuardBytes);
    base_ = nullptr;
    capacity_ = 0;
  }
}

MemoryBytes::~MemoryBytes() {
  if (base_) munmap(base_, capacity_ + kGuardBytes);
}

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

TableInst* Instance::get_table(std::string_view name) const {
  auto e = get_export(name);
  return (e && e->kind == ExternKind::Table) ? e->table : nullptr;
}

MemoryInst* Instance::get_memory(std::string_view name) const {
  auto e = get_export(name);
  return (e && e->kind == ExternKind::Memory) ? e->memory : nullptr;
}

GlobalInst* Instance::get_global(std::string_view name) const {
  auto e = get_export(name);
  return (e && e->kind == ExternKind::Global) ? e->global : nullptr;
}

// Arguments and results are cells (interp/cells.h): the i-th value starts
// after the cells of the values before it.
static uint32_t cell_of(const std::vector<ValType>& types, uint32_t i) {
  uint32_t cell = 0;
  for (uint32_t k = 0; k < i; ++k) cell += cells_of(types[k]);
  return cell;
}

Value HostCall::arg(uint32_t i) const {
  if (i >= func.type.params.size()) return Value{};
  return value_of(func.type.params[i], args.data() + cell_of(func.type.params, i));
}

Status HostCall::set_result(uint32_t i, const Value& v) {
  if (i >= func.type.results.size()) return Error{"set_result: no result " + std::to_string(i)};
  const ValType t = func.type.results[i];
  if (v.type != t)
    return Error{std::string("set_result: result ") + std::to_string(i) + " is " + to_string(t) + ", not " +
                 to_string(v.type)};
  put_value(v, results.data() + cell_of(func.type.results, i));
  return Ok{};
}

MemoryInst* HostCall::memory(uint32_t index) const {
  return caller && index < caller->memories.size() ? caller->memories[index] : nullptr;
}

}  // namespace wasmslot
