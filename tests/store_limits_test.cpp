// The store's resource limits (SECURITY.md, "Limits"): the store-wide totals
// of table elements and memory bytes, checked at instantiation, by
// make_table and make_memory, and on table.grow and memory.grow; and memory
// bytes that cost nothing until touched. The CLI tests (cli_test.cpp) check
// the same from outside, with peak resident sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <new>
#include <vector>

#include "wasmslot/runtime.h"
#include "loader/module.h"

namespace wasmslot {
namespace {

// A module that only declares tables and memories (instantiation needs no
// code for them).
std::shared_ptr<const Module> declaring(std::vector<TableType> tables,
                                        std::vector<MemoryType> memories) {
  Module m;
  m.tables = std::move(tables);
  m.memories = std::move(memories);
  return std::make_shared<const Module>(std::move(m));
}

Config small_totals() {
  Config c;
  c.max_total_memory_bytes = 10 * kPageSize;
  c.max_total_table_elems = 100;
  return c;
}

TEST(StoreLimits, InstantiationChecksTheTotalsFirst) {
  Store store(small_totals());
  // Each memory fits, together they do not: nothing is allocated.
  auto r = store.instantiate(declaring({}, {{{6, std::nullopt}}, {{6, std::nullopt}}}), Imports{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "memories exceed the store's limit of 655360 bytes in all");
  EXPECT_EQ(store.totals().memory_bytes, 0u);
  const TableType sixty{ValType::FuncRef, {60, std::nullopt}};
  auto t = store.instantiate(declaring({sixty, sixty}, {}), Imports{});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "tables exceed the store's limit of 100 elements in all");
  EXPECT_EQ(store.totals().table_elems, 0u);
  // What earlier instances hold counts too.
  ASSERT_TRUE(store.instantiate(declaring({sixty}, {{{6, std::nullopt}}}), Imports{}).ok());
  EXPECT_EQ(store.totals().memory_bytes, 6 * kPageSize);
  EXPECT_EQ(store.totals().table_elems, 60u);
  EXPECT_FALSE(store.instantiate(declaring({}, {{{5, std::nullopt}}}), Imports{}).ok());
  EXPECT_FALSE(store.instantiate(declaring({{ValType::FuncRef, {41, std::nullopt}}}, {}), Imports{}).ok());
  EXPECT_TRUE(
      store.instantiate(declaring({{ValType::FuncRef, {40, std::nullopt}}}, {{{4, std::nullopt}}}), Imports{}).ok());
}

TEST(StoreLimits, MakeFailsBeyondTheTotals) {
  Store store(small_totals());
  ASSERT_TRUE(store.make_memory({{8, std::nullopt}}).ok());
  auto m = store.make_memory({{3, std::nullopt}});
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.error().message, "memories exceed the store's limit of 655360 bytes in all");
  ASSERT_TRUE(store.make_table({ValType::FuncRef, {90, std::nullopt}}).ok());
  auto t = store.make_table({ValType::ExternRef, {11, std::nullopt}});
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.error().message, "tables exceed the store's limit of 100 elements in all");
  Config one_page;
  one_page.max_memory_pages = 1;
  Store small(one_page);
  auto big = small.make_memory({{2, std::nullopt}});
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.error().message, "memory size 2 pages exceeds the store's limit of 1 pages per memory");
  EXPECT_EQ(store.totals().memory_bytes, 8 * kPageSize);
  EXPECT_EQ(store.totals().table_elems, 90u);
}

TEST(StoreLimits, GrowFailsBeyondTheTotals) {
  Store store(small_totals());
  MemoryInst* a = store.make_memory({{4, std::nullopt}}).value();
  MemoryInst* b = store.make_memory({{4, std::nullopt}}).value();
  EXPECT_EQ(a->grow(3), -1);  // 11 pages in all
  EXPECT_EQ(a->grow(2), 4);   // 10: exactly the limit
  EXPECT_EQ(b->grow(1), -1);
  EXPECT_EQ(b->grow(0), 4);
  EXPECT_EQ(store.totals().memory_bytes, 10 * kPageSize);
  TableInst* t = store.make_table({ValType::FuncRef, {50, std::nullopt}}).value();
  TableInst* u = store.make_table({ValType::FuncRef, {40, std::nullopt}}).value();
  EXPECT_EQ(t->grow(11), -1);
  EXPECT_EQ(u->grow(10), 40);
  EXPECT_EQ(t->grow(1), -1);
  EXPECT_EQ(store.totals().table_elems, 100u);
}

TEST(StoreLimits, MemoryGrowsInPlaceWithZeroBytes) {
  Store store;
  MemoryInst* m = store.make_memory({{1, std::nullopt}}).value();
  // No maximum: the memory reserves what the store's limits allow.
  EXPECT_EQ(m->data.capacity(), kMaxPages * kPageSize);
  uint8_t* const base = m->data.data();
  m->data[kPageSize - 1] = 0xAB;
  ASSERT_EQ(m->grow(1000), 1);
  EXPECT_EQ(m->data.data(), base) << "growing must not move the bytes";
  EXPECT_EQ(m->data.size(), 1001 * kPageSize);
  EXPECT_EQ(m->data[kPageSize - 1], 0xAB);
  for (uint64_t at : {kPageSize, 500 * kPageSize + 7, 1001 * kPageSize - 1})
    EXPECT_EQ(m->data[at], 0) << at;
  // A declared maximum bounds the reservation; growing past it fails.
  MemoryInst* n = store.make_memory({{0, 2}}).value();
  EXPECT_EQ(n->data.capacity(), 2 * kPageSize);
  EXPECT_EQ(n->data.size(), 0u);
  EXPECT_EQ(n->grow(3), -1);
  EXPECT_EQ(n->grow(2), 0);
  n->data[2 * kPageSize - 1] = 1;
  EXPECT_FALSE(n->data.grow_to(3 * kPageSize));
}

}  // namespace
}  // namespace wasmslot
