// The store (spec section 4.2.3 "Store") and the allocation and growth of its
// objects (spec 4.5.3 "Allocation", 4.5.3.8 "Growing tables", 4.5.3.9
// "Growing memories"), plus export lookup on module instances.
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
TableInst* Store::make_table(TableType type, Ref init) {
  auto t = std::make_unique<TableInst>();
  t->type = type;
  t->elems.assign(type.limits.min, init);
  tables_.push_back(std::move(t));
  return tables_.back().get();
}

// A new memory holds `min` pages of zero bytes.
MemoryInst* Store::make_memory(MemoryType type) {
  auto m = std::make_unique<MemoryInst>();
  m->type = type;
  m->data.resize(type.limits.min * kPageSize);
  memories_.push_back(std::move(m));
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
// type's declared maximum, the embedder's limit, or the index space (2^32
// table elements, 65536 pages of a 32-bit memory); or when the host has no
// memory left.

int64_t TableInst::grow(uint64_t delta, Ref init, uint64_t limit) {
  const uint64_t old_size = elems.size();
  uint64_t max = std::min<uint64_t>(limit, 0xFFFFFFFFull);  // i32 indices
  if (type.limits.max) max = std::min(max, *type.limits.max);
  if (delta > max || old_size > max - delta) return -1;  // old + delta > max, without overflow
  try {
    elems.resize(old_size + delta, init);
  } catch (const std::bad_alloc&) {
    return -1;
  }
  return static_cast<int64_t>(old_size);
}

int64_t MemoryInst::grow(uint64_t delta, uint64_t limit_pages) {
  const uint64_t old_pages = pages();
  uint64_t max = std::min(limit_pages, kMaxPages);
  if (type.limits.max) max = std::min(max, *type.limits.max);
  if (delta > max || old_pages > max - delta) return -1;
  try {
    data.resize((old_pages + delta) * kPageSize);  // new bytes are zero
  } catch (const std::bad_alloc&) {
    return -1;
  }
  return static_cast<int64_t>(old_pages);
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
