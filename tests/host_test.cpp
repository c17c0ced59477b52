// The host side that needs no interpreter: the promise-slot table, the event
// loop, and the text form of values.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "wasmslot/event_loop.h"
#include "wasmslot/promise_slots.h"
#include "host/value_text.h"

using namespace wasmslot;
using namespace std::chrono_literals;

// ---------------------------------------------------------------------------
// Promise slots

TEST(PromiseSlots, HandlesAreIndexAndGeneration) {
  PromiseSlots t(8);
  Handle a = t.create(ValType::I32).value();
  Handle b = t.create(ValType::I32).value();
  EXPECT_EQ(a, 0u);
  EXPECT_EQ(b, 1u);
  EXPECT_EQ(t.live(), 2u);
  EXPECT_EQ(t.pending(), 2u);
  ASSERT_TRUE(t.resolve(a, Value::i32(5)));
  auto s = t.take(a);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->state, SlotState::Resolved);
  EXPECT_EQ(s->value, Value::i32(5));
  // Index 0 comes back with the next generation: the handle differs.
  Handle c = t.create(ValType::I32).value();
  EXPECT_EQ(handle_index(c), 0u);
  EXPECT_EQ(handle_generation(c), 1u);
  EXPECT_EQ(c, 1u << 20);
  EXPECT_EQ(t.check(a), HandleCheck::Stale);
  EXPECT_EQ(t.check(c), HandleCheck::Live);
}

TEST(PromiseSlots, StaleHandleIsAnErrorNamingIt) {
  PromiseSlots t;
  Handle a = t.create(std::nullopt).value();
  ASSERT_TRUE(t.resolve(a));
  ASSERT_TRUE(t.take(a));
  Status s = t.resolve(a);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("stale"), std::string::npos) << s.error().message;
  EXPECT_NE(s.error().message.find("0x00000000"), std::string::npos) << s.error().message;
  EXPECT_FALSE(t.take(a));
  EXPECT_FALSE(t.reject(a, 3));
  EXPECT_FALSE(t.state(a));
  EXPECT_FALSE(t.is_pending(a));
}

TEST(PromiseSlots, ForgedHandles) {
  PromiseSlots t;
  Handle a = t.create(ValType::I32).value();
  EXPECT_EQ(t.check(0x80000000u), HandleCheck::Forged);  // negative as an i32
  EXPECT_EQ(t.check(0xFFFFFFFFu), HandleCheck::Forged);  // -1
  EXPECT_EQ(t.check(5), HandleCheck::Forged);            // index never issued
  EXPECT_EQ(t.check(make_handle(0, 3)), HandleCheck::Forged);  // future generation
  EXPECT_EQ(t.check(a), HandleCheck::Live);
  Status s = t.resolve(0x80000000u, Value::i32(1));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("never negative"), std::string::npos) << s.error().message;
  s = t.resolve(12345, Value::i32(1));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("unknown promise slot handle"), std::string::npos) << s.error().message;
  // The real slot is untouched by the failed attempts.
  EXPECT_TRUE(t.is_pending(a));
}

TEST(PromiseSlots, CapacityExhaustedIsAnError) {
  PromiseSlots t(2);
  EXPECT_EQ(t.capacity(), 2u);
  Handle a = t.create(ValType::I32).value();
  ASSERT_TRUE(t.create(ValType::I32));
  auto full = t.create(ValType::I32);
  ASSERT_FALSE(full);
  EXPECT_NE(full.error().message.find("full"), std::string::npos) << full.error().message;
  ASSERT_TRUE(t.release(a));
  EXPECT_TRUE(t.create(ValType::I32));  // freed room is usable again
  EXPECT_EQ(PromiseSlots(0).capacity(), 1u);
  EXPECT_EQ(PromiseSlots(0xFFFFFFFFu).capacity(), kMaxSlotCapacity);
}

TEST(PromiseSlots, OneEndStatePerSlot) {
  PromiseSlots t;
  Handle a = t.create(ValType::I32).value();
  ASSERT_TRUE(t.resolve(a, Value::i32(1)));
  Status again = t.resolve(a, Value::i32(2));
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message.find("already settled"), std::string::npos);
  EXPECT_FALSE(t.reject(a, 9));
  EXPECT_FALSE(t.cancel(a));
  EXPECT_FALSE(t.reject_for(a, RejectReason::TimedOut));
  auto s = t.take(a);
  ASSERT_TRUE(s);
  EXPECT_EQ(s->value, Value::i32(1));  // the first settlement won

  Handle b = t.create(ValType::I32).value();
  ASSERT_TRUE(t.reject(b, 7));
  EXPECT_FALSE(t.resolve(b, Value::i32(1)));
  EXPECT_EQ(t.state(b).value(), SlotState::Rejected);
  EXPECT_EQ(t.pending(), 0u);
}

TEST(PromiseSlots, ValueTypeIsChecked) {
  PromiseSlots t;
  Handle a = t.create(ValType::I64).value();
  Status s = t.resolve(a, Value::i32(1));
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("i64"), std::string::npos);
  EXPECT_FALSE(t.resolve(a));  // a value is required
  EXPECT_TRUE(t.is_pending(a));
  EXPECT_TRUE(t.resolve(a, Value::i64(-1)));
  Handle b = t.create(std::nullopt).value();
  EXPECT_FALSE(t.resolve(b, Value::i32(1)));  // no value expected
  EXPECT_TRUE(t.resolve(b));
  auto sb = t.take(b);
  ASSERT_TRUE(sb);
  EXPECT_FALSE(sb->has_value);
}

TEST(PromiseSlots, RejectionCodesTellReasonsApart) {
  PromiseSlots t;
  EXPECT_FALSE(t.reject(t.create(ValType::I32).value(), kCodeTimedOut));  // reserved
  Handle host = t.create(ValType::I32).value();
  Handle late = t.create(ValType::I32).value();
  Handle early = t.create(ValType::I32).value();
  Handle started = t.create(ValType::I32).value();
  ASSERT_TRUE(t.reject(host, 42));
  ASSERT_TRUE(t.reject_for(late, RejectReason::TimedOut));
  ASSERT_TRUE(t.cancel(early));
  ASSERT_TRUE(t.mark_started(started));
  ASSERT_TRUE(t.cancel(started));
  auto h = t.take(host).value();
  EXPECT_EQ(h.code, 42);
  EXPECT_EQ(h.reason, RejectReason::HostError);
  auto l = t.take(late).value();
  EXPECT_EQ(l.code, kCodeTimedOut);
  EXPECT_EQ(l.reason, RejectReason::TimedOut);
  auto e = t.take(early).value();
  EXPECT_EQ(e.code, kCodeCancelledBeforeStart);
  EXPECT_EQ(e.reason, RejectReason::CancelledBeforeStart);
  auto s = t.take(started).value();
  EXPECT_EQ(s.code, kCodeCancelledAfterStart);
  EXPECT_EQ(s.reason, RejectReason::CancelledAfterStart);
}

TEST(PromiseSlots, TakingAPendingSlotIsAnError) {
  PromiseSlots t;
  Handle a = t.create(ValType::I32).value();
  auto s = t.take(a);
  ASSERT_FALSE(s);
  EXPECT_NE(s.error().message.find("still pending"), std::string::npos);
  EXPECT_TRUE(t.is_pending(a));
}

TEST(PromiseSlots, FreedIndexesAreReusedOldestFirst) {
  PromiseSlots t(4);
  std::vector<Handle> h;
  for (int i = 0; i < 3; ++i) h.push_back(t.create(ValType::I32).value());
  ASSERT_TRUE(t.release(h[1]));
  ASSERT_TRUE(t.release(h[0]));
  // Indexes stay compact (1 then 0, the order they were freed), not 3.
  EXPECT_EQ(handle_index(t.create(ValType::I32).value()), 1u);
  EXPECT_EQ(handle_index(t.create(ValType::I32).value()), 0u);
  EXPECT_EQ(handle_index(t.create(ValType::I32).value()), 3u);
  EXPECT_EQ(t.live_handles().size(), 4u);
}

TEST(PromiseSlots, GenerationsWrapAndHandlesStayNonNegative) {
  PromiseSlots t(1);
  Handle first = t.create(ValType::I32).value();
  Handle prev = first;
  ASSERT_TRUE(t.release(first));
  for (uint32_t i = 1; i <= kHandleGenerationMask; ++i) {
    Handle h = t.create(ValType::I32).value();
    EXPECT_EQ(handle_generation(h), i);
    EXPECT_LT(h, 0x80000000u);
    EXPECT_EQ(t.check(prev), HandleCheck::Stale);
    ASSERT_TRUE(t.release(h));
    prev = h;
  }
  // After 2^11 uses the index's handles repeat; older ones stay stale.
  Handle again = t.create(ValType::I32).value();
  EXPECT_EQ(again, first);
  EXPECT_EQ(t.check(prev), HandleCheck::Stale);
  EXPECT_EQ(t.check(make_handle(0, 5)), HandleCheck::Stale);
}

// ---------------------------------------------------------------------------
// Event loop

TEST(EventLoop, ReadyTasksRunFirstInFirstOut) {
  EventLoop loop;
  std::vector<int> order;
  for (int i = 0; i < 5; ++i) loop.defer([&order, i] { order.push_back(i); });
  EXPECT_EQ(loop.run(), 5u);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(loop.idle());
}

TEST(EventLoop, TasksDeferredByATaskRunInALaterTurn) {
  EventLoop loop;
  std::vector<int> order;
  loop.defer([&] {
    order.push_back(1);
    loop.defer([&] { order.push_back(3); });
  });
  loop.defer([&] { order.push_back(2); });
  EXPECT_EQ(loop.run_once(), 2u);
  EXPECT_EQ(order, (std::vector<int>{1, 2}));
  EXPECT_EQ(loop.run_once(), 1u);
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
}

TEST(EventLoop, TimersFireInDeadlineOrder) {
  EventLoop loop;
  std::vector<int> order;
  auto t0 = EventLoop::Clock::now();
  loop.after(30ms, [&] { order.push_back(30); });
  loop.after(10ms, [&] { order.push_back(10); });
  loop.after(20ms, [&] { order.push_back(20); });
  loop.defer([&] { order.push_back(0); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 10, 20, 30}));
  EXPECT_GE(EventLoop::Clock::now() - t0, 30ms);
}

TEST(EventLoop, EqualDeadlinesFireInSchedulingOrder) {
  EventLoop loop;
  std::vector<int> order;
  auto when = EventLoop::Clock::now() + 5ms;
  for (int i = 0; i < 4; ++i) loop.at(when, [&order, i] { order.push_back(i); });
  loop.run();
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(EventLoop, CancelledTimersDoNotFire) {
  EventLoop loop;
  bool fired = false;
  // An hour: if run() waited for a cancelled timer, the bound below shows it
  // without depending on how loaded the machine is.
  auto id = loop.after(std::chrono::hours(1), [&] { fired = true; });
  EXPECT_EQ(loop.timers(), 1u);
  EXPECT_TRUE(loop.cancel(id));
  EXPECT_FALSE(loop.cancel(id));
  EXPECT_TRUE(loop.idle());
  auto t0 = EventLoop::Clock::now();
  EXPECT_EQ(loop.run(), 0u);
  EXPECT_FALSE(fired);
  EXPECT_LT(EventLoop::Clock::now() - t0, std::chrono::minutes(1));  // did not wait for it
}

TEST(EventLoop, PostFromAnotherThreadRunsOnTheLoopThread) {
  EventLoop loop;
  std::thread::id ran_on;
  int value = 0;
  auto token = loop.keep_alive();
  std::thread worker([&loop, &ran_on, &value, token = std::move(token)]() mutable {
    std::this_thread::sleep_for(20ms);
    loop.post([&] {
      ran_on = std::this_thread::get_id();
      value = 123;
    });
    token.reset();  // no more posts: the loop may go idle
  });
  // run() waits for the worker's post because of the keep-alive token.
  loop.run();
  worker.join();
  EXPECT_EQ(value, 123);
  EXPECT_EQ(ran_on, std::this_thread::get_id());
}

TEST(EventLoop, ManyThreadsPosting) {
  EventLoop loop;
  std::atomic<int> sent{0};
  int received = 0;
  std::vector<std::thread> workers;
  {
    auto token = loop.keep_alive();
    for (int w = 0; w < 4; ++w)
      workers.emplace_back([&loop, &sent, &received, token] {
        for (int i = 0; i < 250; ++i) {
          loop.post([&received] { ++received; });
          ++sent;
        }
      });
  }
  loop.run();
  for (auto& t : workers) t.join();
  loop.run();  // anything posted after the last token went away
  EXPECT_EQ(sent.load(), 1000);
  EXPECT_EQ(received, 1000);
}

TEST(EventLoop, RunOnceWaitsUpToItsTimeout) {
  EventLoop loop;
  auto t0 = EventLoop::Clock::now();
  EXPECT_EQ(loop.run_once(15ms), 0u);
  EXPECT_GE(EventLoop::Clock::now() - t0, 15ms);
  std::thread poster([&] {
    std::this_thread::sleep_for(5ms);
    loop.post([] {});
  });
  EXPECT_EQ(loop.run_once(5000ms), 1u);  // woken by the post, not the timeout
  poster.join();
  EXPECT_LT(EventLoop::Clock::now() - t0, 2000ms);
}

TEST(EventLoop, TasksNeverNest) {
  EventLoop loop;
  size_t inner = 99;
  loop.defer([&] { inner = loop.run(); });
  loop.defer([] {});
  loop.run();
  EXPECT_EQ(inner, 0u);
}

TEST(EventLoop, StopReturnsAfterTheCurrentTask) {
  EventLoop loop;
  int ran = 0;
  loop.defer([&] {
    ++ran;
    loop.stop();
  });
  loop.defer([&] { ++ran; });
  loop.run();
  EXPECT_EQ(ran, 1);
  loop.run();
  EXPECT_EQ(ran, 2);
}

// ---------------------------------------------------------------------------
// Values as text

static uint64_t bits(Result<Value> r) {
  EXPECT_TRUE(r) << (r ? "" : r.error().message);
  return r ? r->lo : 0xDEAD;
}

TEST(ValueText, Integers) {
  EXPECT_EQ(bits(parse_value("-1", ValType::I32)), 0xFFFFFFFFu);
  EXPECT_EQ(bits(parse_value("4294967295", ValType::I32)), 0xFFFFFFFFu);
  EXPECT_EQ(bits(parse_value("0xffffffff", ValType::I32)), 0xFFFFFFFFu);
  EXPECT_EQ(bits(parse_value("-2147483648", ValType::I32)), 0x80000000u);
  EXPECT_EQ(bits(parse_value("+7", ValType::I32)), 7u);
  EXPECT_FALSE(parse_value("4294967296", ValType::I32));
  EXPECT_FALSE(parse_value("-2147483649", ValType::I32));
  EXPECT_FALSE(parse_value("12x", ValType::I32));
  EXPECT_FALSE(parse_value("", ValType::I32));
  EXPECT_FALSE(parse_value("1.5", ValType::I32));
  EXPECT_FALSE(parse_value("0x", ValType::I32));
  EXPECT_EQ(bits(parse_value("18446744073709551615", ValType::I64)), ~0ull);
  EXPECT_EQ(bits(parse_value("-9223372036854775808", ValType::I64)), 1ull << 63);
  EXPECT_FALSE(parse_value("18446744073709551616", ValType::I64));
  EXPECT_EQ(format_value(Value::i32(-5)), "-5");
  EXPECT_EQ(format_value(Value::i64(INT64_MIN)), "-9223372036854775808");
  EXPECT_EQ(parse_value("3", ValType::I64)->type, ValType::I64);
}

TEST(ValueText, Floats) {
  EXPECT_EQ(bits(parse_value("1.5", ValType::F32)), 0x3FC00000u);
  EXPECT_EQ(bits(parse_value("-0", ValType::F32)), 0x80000000u);
  EXPECT_EQ(bits(parse_value("inf", ValType::F32)), 0x7F800000u);
  EXPECT_EQ(bits(parse_value("-inf", ValType::F64)), 0xFFF0000000000000ull);
  EXPECT_EQ(bits(parse_value("nan", ValType::F32)), 0x7FC00000u);
  EXPECT_EQ(bits(parse_value("-nan", ValType::F32)), 0xFFC00000u);
  EXPECT_EQ(bits(parse_value("nan:0x1", ValType::F32)), 0x7F800001u);
  EXPECT_EQ(bits(parse_value("nan:0x8000000000001", ValType::F64)), 0x7FF8000000000001ull);
  EXPECT_EQ(bits(parse_value("0x1.8p1", ValType::F64)), 0x4008000000000000ull);  // 3.0
  EXPECT_FALSE(parse_value("nan:0x0", ValType::F32));
  EXPECT_FALSE(parse_value("nan:0x800000", ValType::F32));
  EXPECT_FALSE(parse_value("nan(1)", ValType::F64));
  EXPECT_FALSE(parse_value("1e999", ValType::F64));
  EXPECT_FALSE(parse_value("abc", ValType::F64));

  EXPECT_EQ(format_value(Value::f32(0.1f)), "0.1");
  EXPECT_EQ(format_value(Value::f64(0.1)), "0.1");
  EXPECT_EQ(format_value(Value::f64(123)), "123");
  EXPECT_EQ(format_value(Value::f64(-0.0)), "-0");
  EXPECT_EQ(format_value(Value::f32_bits(0x7FC00000)), "nan");
  EXPECT_EQ(format_value(Value::f32_bits(0xFFC00000)), "-nan");
  EXPECT_EQ(format_value(Value::f32_bits(0x7F800001)), "nan:0x1");
  EXPECT_EQ(format_value(Value::f64_bits(0xFFF0000000000000ull)), "-inf");
  EXPECT_EQ(format_value(Value::f64_bits(0x7FF4000000000000ull)), "nan:0x4000000000000");
  // Every printed float reads back as the same bits.
  for (uint32_t b : {0x00000001u, 0x3DCCCCCDu, 0x7F7FFFFFu, 0x80800000u, 0x7FA00000u}) {
    Value v = Value::f32_bits(b);
    EXPECT_EQ(bits(parse_value(format_value(v), ValType::F32)), b) << format_value(v);
  }
  for (uint64_t b : {1ull, 0x3FB999999999999Aull, 0x7FEFFFFFFFFFFFFFull, 0xFFF8000000000001ull}) {
    Value v = Value::f64_bits(b);
    EXPECT_EQ(bits(parse_value(format_value(v), ValType::F64)), b) << format_value(v);
  }
}

TEST(ValueText, VectorsAndReferences) {
  auto v = parse_value("0x0102030405060708090a0b0c0d0e0f10", ValType::V128);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->hi, 0x0102030405060708ull);
  EXPECT_EQ(v->lo, 0x090a0b0c0d0e0f10ull);
  EXPECT_EQ(format_value(*v), "i32x4:219025168,151653132,84281096,16909060");
  EXPECT_EQ(parse_value("0x1", ValType::V128)->lo, 1u);
  // Lanes, lane 0 first (the low bits), each read as its scalar type.
  v = parse_value("i32x4:1,2,3,-1", ValType::V128);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->lo, 0x0000000200000001ull);
  EXPECT_EQ(v->hi, 0xFFFFFFFF00000003ull);
  EXPECT_EQ(format_value(*v), "i32x4:1,2,3,-1");
  v = parse_value("i8x16:0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,255", ValType::V128);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->lo, 0x0706050403020100ull);
  EXPECT_EQ(v->hi, 0xFF0E0D0C0B0A0908ull);
  v = parse_value("i16x8:-1,0,0,0,0,0,0,0x7fff", ValType::V128);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->lo, 0xFFFFull);
  EXPECT_EQ(v->hi, 0x7FFF000000000000ull);
  v = parse_value("i64x2:-2,18446744073709551615", ValType::V128);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->lo, 0xFFFFFFFFFFFFFFFEull);
  EXPECT_EQ(v->hi, ~0ull);
  v = parse_value("f32x4:1.5,-0,nan,inf", ValType::V128);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->lo, 0x800000003FC00000ull);
  EXPECT_EQ(v->hi, 0x7F8000007FC00000ull);
  v = parse_value("f64x2:0.5,-nan", ValType::V128);
  ASSERT_TRUE(v) << v.error().message;
  EXPECT_EQ(v->lo, 0x3FE0000000000000ull);
  EXPECT_EQ(v->hi, 0xFFF8000000000000ull);
  EXPECT_FALSE(parse_value("i32x4:1,2,3", ValType::V128));        // too few lanes
  EXPECT_FALSE(parse_value("i32x4:1,2,3,4,5", ValType::V128));    // too many
  EXPECT_FALSE(parse_value("i8x16:256,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0", ValType::V128));  // lane range
  EXPECT_FALSE(parse_value("i32x3:1,2,3", ValType::V128));        // no such shape
  EXPECT_FALSE(parse_value("i32x4:1,,3,4", ValType::V128));
  EXPECT_EQ(format_value(parse_value("null", ValType::FuncRef).value()), "null");
  EXPECT_EQ(format_value(parse_value("17", ValType::ExternRef).value()), "17");
  EXPECT_FALSE(parse_value("3", ValType::FuncRef));
  EXPECT_FALSE(parse_value("0", ValType::ExternRef));
  EXPECT_EQ(parse_val_type("f64").value(), ValType::F64);
  EXPECT_FALSE(parse_val_type("i33"));
}
