// Lane semantics of the SIMD instructions (interp/simd.h), table driven, with
// the cases where a plausible implementation goes wrong: saturation bounds,
// the most negative integer, NaN and signed zeros, ties, out-of-range lane
// indices and shift counts. Expected values are worked out from the spec's
// definitions, not from running the code.
#include "interp/simd.h"

#include <gtest/gtest.h>

#include <bit>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

namespace {

using namespace wasmslot::simd;

uint32_t fb(float f) { return std::bit_cast<uint32_t>(f); }
uint64_t db(double d) { return std::bit_cast<uint64_t>(d); }

constexpr uint32_t kCanonF = 0x7FC00000u;           // canonical f32 NaN
constexpr uint64_t kCanonD = 0x7FF8000000000000ull;  // canonical f64 NaN
constexpr uint32_t kSnanF = 0x7F800001u;            // signalling, payload 1
constexpr uint32_t kPayloadF = 0x7FC12345u;         // quiet, non-canonical payload
constexpr uint64_t kPayloadD = 0x7FF8000000012345ull;
const uint32_t kInfF = fb(std::numeric_limits<float>::infinity());

template <class L> int64_t show(L x) {
  if constexpr (std::is_signed_v<L>) {
    return static_cast<int64_t>(x);
  } else {
    return static_cast<int64_t>(static_cast<uint64_t>(x));
  }
}

// ---------------------------------------------------------------------------
// Lanewise checkers. The cases are packed kLanes<L> to a vector and checked
// in every rotation, so each case is seen in every lane position (a result
// written to the wrong lane, or a lane read from the wrong half, shows up).
// Floats are given by their bits (L = uint32_t / uint64_t) so NaN payloads
// and the sign of zero are compared exactly.

template <class L> struct Un { L a, r; };
template <class L> struct Bin { L a, b, r; };

template <class L>
void check_unary(const char* name, V128 (*op)(V128), const std::vector<Un<L>>& cases) {
  constexpr unsigned n = kLanes<L>;
  const size_t m = cases.size();
  for (size_t base = 0; base < m; base += n) {
    for (unsigned rot = 0; rot < n; ++rot) {
      V128 a;
      for (unsigned k = 0; k < n; ++k) set_lane<L>(a, (k + rot) % n, cases[(base + k) % m].a);
      const V128 r = op(a);
      for (unsigned k = 0; k < n; ++k) {
        const auto& c = cases[(base + k) % m];
        const L got = lane<L>(r, (k + rot) % n);
        EXPECT_EQ(show(got), show(c.r)) << name << "(" << show(c.a) << ") in lane " << (k + rot) % n;
      }
    }
  }
}

template <class L>
void check_binary(const char* name, V128 (*op)(V128, V128), const std::vector<Bin<L>>& cases) {
  constexpr unsigned n = kLanes<L>;
  const size_t m = cases.size();
  for (size_t base = 0; base < m; base += n) {
    for (unsigned rot = 0; rot < n; ++rot) {
      V128 a, b;
      for (unsigned k = 0; k < n; ++k) {
        set_lane<L>(a, (k + rot) % n, cases[(base + k) % m].a);
        set_lane<L>(b, (k + rot) % n, cases[(base + k) % m].b);
      }
      const V128 r = op(a, b);
      for (unsigned k = 0; k < n; ++k) {
        const auto& c = cases[(base + k) % m];
        const L got = lane<L>(r, (k + rot) % n);
        EXPECT_EQ(show(got), show(c.r))
            << name << "(" << show(c.a) << ", " << show(c.b) << ") in lane " << (k + rot) % n;
      }
    }
  }
}

// ---------------------------------------------------------------------------
// The opcode table and simd.h agree: every enumerator has a function of the
// same name, the codes are unique and ascending, immediates match the facts
// the validator will use.

struct TableRow {
  const char* name;
  const char* text;
  unsigned prefix;
  uint32_t code;
  std::string imm;
  std::string sig;
};

#define X(name, text, prefix, code, imm, sig) static_assert(sizeof(&wasmslot::simd::name) > 0);
#include "interp/opcodes_simd.def"
#undef X

const std::vector<TableRow> kRows = {
#define X(name, text, prefix, code, imm, sig) {#name, text, prefix, code, #imm, sig},
#include "interp/opcodes_simd.def"
#undef X
};

TEST(SimdTable, CoversTheWholeProposalOnce) {
  EXPECT_EQ(kRows.size(), 236u);  // Wasm 2.0 has 236 SIMD instructions
  std::set<uint32_t> codes;
  uint32_t prev = 0;
  for (size_t i = 0; i < kRows.size(); ++i) {
    const TableRow& r = kRows[i];
    EXPECT_EQ(r.prefix, 0xFDu) << r.name;
    EXPECT_TRUE(codes.insert(r.code).second) << "duplicate code " << r.code;
    if (i > 0) {
      EXPECT_GT(r.code, prev) << r.name << " out of order";
    }
    prev = r.code;
    std::string dotted = r.name;
    for (char& c : dotted)
      if (c == '_' && (&c - dotted.data()) < 6) c = '.';  // only the shape's '.'
    EXPECT_EQ(dotted, r.text);
  }
}

TEST(SimdTable, ImmediatesAgreeWithAccessWidthsAndLaneBounds) {
  for (const TableRow& r : kRows) {
    const bool memory = r.imm == "memarg" || r.imm == "memarg_lane";
    EXPECT_EQ(access_bytes(r.code) != 0, memory) << r.name;
    const bool lanes = r.imm == "lane" || r.imm == "memarg_lane" || r.imm == "shuffle";
    EXPECT_EQ(lane_index_bound(r.code) != 0, lanes) << r.name;
    // Every instruction has a fixed stack effect; its signature says so.
    EXPECT_NE(r.sig.find(':'), std::string::npos) << r.name;
    EXPECT_EQ(r.sig.find_first_not_of("iIfFV:"), std::string::npos) << r.name;
  }
  EXPECT_EQ(access_bytes(0x00), 16u);   // v128.load
  EXPECT_EQ(access_bytes(0x03), 8u);    // v128.load16x4_s
  EXPECT_EQ(access_bytes(0x08), 2u);    // v128.load16_splat
  EXPECT_EQ(access_bytes(0x5C), 4u);    // v128.load32_zero
  EXPECT_EQ(access_bytes(0x5B), 8u);    // v128.store64_lane
  EXPECT_EQ(lane_index_bound(0x0D), 32u);
  EXPECT_EQ(lane_index_bound(0x16), 16u);  // i8x16.extract_lane_u
  EXPECT_EQ(lane_index_bound(0x20), 4u);   // f32x4.replace_lane
  EXPECT_EQ(lane_index_bound(0x55), 8u);   // v128.load16_lane
}

// ---------------------------------------------------------------------------
// Representation

TEST(SimdLanes, LittleEndianLaneOrder) {
  const V128 v = from_lanes<uint8_t>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  EXPECT_EQ(v.lo, 0x0706050403020100ull);
  EXPECT_EQ(v.hi, 0x0F0E0D0C0B0A0908ull);
  EXPECT_EQ(lane<uint16_t>(v, 0), 0x0100);
  EXPECT_EQ(lane<uint16_t>(v, 7), 0x0F0E);
  EXPECT_EQ(lane<uint32_t>(v, 2), 0x0B0A0908u);
  EXPECT_EQ(lane<uint64_t>(v, 1), 0x0F0E0D0C0B0A0908ull);

  uint8_t mem[16];
  v128_store(mem, v);
  for (unsigned i = 0; i < 16; ++i) EXPECT_EQ(mem[i], i);
  EXPECT_EQ(v128_load(mem), v);
}

// ---------------------------------------------------------------------------
// Saturating arithmetic

TEST(SimdSaturate, I8x16) {
  check_binary<int8_t>("i8x16.add_sat_s", i8x16_add_sat_s,
                       {{127, 1, 127}, {-128, -1, -128}, {100, 28, 127}, {100, 27, 127},
                        {-100, -29, -128}, {5, -3, 2}, {-128, 127, -1}, {64, 63, 127}});
  check_binary<uint8_t>("i8x16.add_sat_u", i8x16_add_sat_u,
                        {{255, 1, 255}, {200, 100, 255}, {200, 55, 255}, {200, 54, 254}, {0, 0, 0}});
  check_binary<int8_t>("i8x16.sub_sat_s", i8x16_sub_sat_s,
                       {{-128, 1, -128}, {127, -1, 127}, {0, -128, 127}, {-1, 127, -128}, {-1, -128, 127}, {3, 5, -2}});
  check_binary<uint8_t>("i8x16.sub_sat_u", i8x16_sub_sat_u,
                        {{0, 1, 0}, {5, 10, 0}, {10, 5, 5}, {255, 255, 0}, {255, 0, 255}});
  // The wrapping versions, for contrast.
  check_binary<int8_t>("i8x16.add", i8x16_add, {{127, 1, -128}, {-128, -1, 127}});
  check_binary<uint8_t>("i8x16.sub", i8x16_sub, {{0, 1, 255}});
}

TEST(SimdSaturate, I16x8) {
  check_binary<int16_t>("i16x8.add_sat_s", i16x8_add_sat_s,
                        {{32767, 1, 32767}, {-32768, -1, -32768}, {-32768, 32767, -1}, {20000, 20000, 32767}});
  check_binary<uint16_t>("i16x8.add_sat_u", i16x8_add_sat_u, {{65535, 1, 65535}, {40000, 30000, 65535}, {1, 2, 3}});
  check_binary<int16_t>("i16x8.sub_sat_s", i16x8_sub_sat_s, {{-32768, 1, -32768}, {0, -32768, 32767}, {1, 2, -1}});
  check_binary<uint16_t>("i16x8.sub_sat_u", i16x8_sub_sat_u, {{0, 1, 0}, {65535, 65534, 1}});
  // mul wraps: 0xFFFF * 0xFFFF is 1 (and must not overflow an int in C++).
  check_binary<uint16_t>("i16x8.mul", i16x8_mul, {{65535, 65535, 1}, {256, 256, 0}, {300, 3, 900}});
}

TEST(SimdSaturate, Narrow) {
  const V128 a = from_lanes<int16_t>(-129, -128, 127, 128, 0, -1, 300, -300);
  const V128 b = from_lanes<int16_t>(32767, -32768, 1, 2, 255, 256, -2, 42);
  EXPECT_EQ(i8x16_narrow_i16x8_s(a, b),
            from_lanes<int8_t>(-128, -128, 127, 127, 0, -1, 127, -128, 127, -128, 1, 2, 127, 127, -2, 42));
  // _u reads signed inputs: negatives clamp to 0, not to 255.
  EXPECT_EQ(i8x16_narrow_i16x8_u(a, b),
            from_lanes<uint8_t>(0, 0, 127, 128, 0, 0, 255, 0, 255, 0, 1, 2, 255, 255, 0, 42));

  const V128 c = from_lanes<int32_t>(-32769, 32768, -1, 65535);
  const V128 d = from_lanes<int32_t>(INT32_MIN, INT32_MAX, 7, -7);
  EXPECT_EQ(i16x8_narrow_i32x4_s(c, d), from_lanes<int16_t>(-32768, 32767, -1, 32767, -32768, 32767, 7, -7));
  EXPECT_EQ(i16x8_narrow_i32x4_u(c, d), from_lanes<uint16_t>(0, 32768, 0, 65535, 0, 65535, 7, 0));
}

// Q15 multiply: (a*b + 0x4000) >> 15 with an arithmetic shift, saturated.
TEST(SimdSaturate, Q15MulrSat) {
  check_binary<int16_t>("i16x8.q15mulr_sat_s", i16x8_q15mulr_sat_s,
                        {{-32768, -32768, 32767},  // the one overflow
                         {16384, 16384, 8192},     // 0.5 * 0.5
                         {1, 16384, 1},            // 0.5 ulp rounds up
                         {-1, 16384, 0},           // -0.5 ulp rounds up too (towards +inf)
                         {-1, 16385, -1},
                         {32767, 32767, 32766},
                         {-32768, 32767, -32767},
                         {0, -32768, 0}});
}

TEST(SimdArith, Dot) {
  const V128 m = i16x8_splat(0x8000);  // every lane -32768
  // (-32768)^2 * 2 = 2^31 wraps to INT32_MIN.
  EXPECT_EQ(i32x4_dot_i16x8_s(m, m), i32x4_splat(0x80000000u));
  EXPECT_EQ(i32x4_dot_i16x8_s(from_lanes<int16_t>(1, 2, 3, 4, 5, 6, 7, 8), i16x8_splat(1)),
            from_lanes<int32_t>(3, 7, 11, 15));
  EXPECT_EQ(i32x4_dot_i16x8_s(from_lanes<int16_t>(-1, 2, 32767, 32767, -32768, 32767, 0, 0),
                              from_lanes<int16_t>(3, -4, 32767, 32767, 32767, -32768, 0, 9)),
            from_lanes<int32_t>(-11, 2147352578, -2147418112, 0));
}

// ---------------------------------------------------------------------------
// Integer details

TEST(SimdInt, AbsNegOfMostNegative) {
  check_unary<int8_t>("i8x16.abs", i8x16_abs, {{-128, -128}, {-127, 127}, {127, 127}, {0, 0}, {-1, 1}});
  check_unary<int16_t>("i16x8.abs", i16x8_abs, {{-32768, -32768}, {-5, 5}});
  check_unary<int32_t>("i32x4.abs", i32x4_abs, {{INT32_MIN, INT32_MIN}, {-7, 7}, {7, 7}});
  check_unary<int64_t>("i64x2.abs", i64x2_abs, {{INT64_MIN, INT64_MIN}, {-7, 7}});
  check_unary<int8_t>("i8x16.neg", i8x16_neg, {{-128, -128}, {1, -1}, {0, 0}});
  check_unary<int64_t>("i64x2.neg", i64x2_neg, {{INT64_MIN, INT64_MIN}, {1, -1}});
}

TEST(SimdInt, Popcnt) {
  check_unary<uint8_t>("i8x16.popcnt", i8x16_popcnt,
                       {{0, 0}, {0xFF, 8}, {0x55, 4}, {0x80, 1}, {0x01, 1}, {0x7F, 7}, {0xA5, 4}});
}

TEST(SimdInt, AvgrURoundsHalvesUp) {
  check_binary<uint8_t>("i8x16.avgr_u", i8x16_avgr_u,
                        {{255, 255, 255}, {0, 1, 1}, {0, 0, 0}, {1, 2, 2}, {254, 255, 255}, {0, 255, 128}, {2, 4, 3}});
  check_binary<uint16_t>("i16x8.avgr_u", i16x8_avgr_u, {{65535, 65535, 65535}, {0, 65535, 32768}, {1, 2, 2}});
}

TEST(SimdInt, MinMaxSignedness) {
  check_binary<int8_t>("i8x16.min_s", i8x16_min_s, {{-128, 127, -128}, {-1, 0, -1}});
  check_binary<uint8_t>("i8x16.min_u", i8x16_min_u, {{128, 127, 127}, {255, 0, 0}});
  check_binary<int32_t>("i32x4.max_s", i32x4_max_s, {{INT32_MIN, -1, -1}, {5, 3, 5}});
  check_binary<uint32_t>("i32x4.max_u", i32x4_max_u, {{0x80000000u, 0xFFFFFFFFu, 0xFFFFFFFFu}, {1, 0, 1}});
}

// Shift counts are taken modulo the lane width.
TEST(SimdInt, ShiftCountsWrap) {
  struct Case {
    const char* name;
    V128 (*op)(V128, uint32_t);
    V128 in;
    uint32_t count;
    V128 out;
  };
  const V128 b = from_lanes<int8_t>(1, -128, -1, 64, 3, 0, 127, -2, 1, -128, -1, 64, 3, 0, 127, -2);
  const std::vector<Case> cases = {
      {"i8x16.shl 8", i8x16_shl, b, 8, b},
      {"i8x16.shl 9", i8x16_shl, b, 9, i8x16_shl(b, 1)},
      {"i8x16.shl 1", i8x16_shl, i8x16_splat(0x81), 1, i8x16_splat(0x02)},
      {"i8x16.shr_s 7", i8x16_shr_s, i8x16_splat(0x80), 7, i8x16_splat(0xFF)},
      {"i8x16.shr_s 15", i8x16_shr_s, i8x16_splat(0x80), 15, i8x16_splat(0xFF)},
      {"i8x16.shr_u 15", i8x16_shr_u, i8x16_splat(0x80), 15, i8x16_splat(0x01)},
      {"i8x16.shr_u 8", i8x16_shr_u, b, 8, b},
      {"i16x8.shr_s 1", i16x8_shr_s, i16x8_splat(0x8000), 1, i16x8_splat(0xC000)},
      {"i16x8.shr_u 17", i16x8_shr_u, i16x8_splat(0x8000), 17, i16x8_splat(0x4000)},
      {"i16x8.shl 16", i16x8_shl, i16x8_splat(0x1234), 16, i16x8_splat(0x1234)},
      {"i32x4.shr_u 32", i32x4_shr_u, i32x4_splat(0x80000000u), 32, i32x4_splat(0x80000000u)},
      {"i32x4.shr_s 31", i32x4_shr_s, i32x4_splat(0x80000000u), 31, i32x4_splat(0xFFFFFFFFu)},
      {"i32x4.shl 0xFFFFFFFF", i32x4_shl, i32x4_splat(1), 0xFFFFFFFFu, i32x4_splat(0x80000000u)},
      {"i64x2.shl 64", i64x2_shl, i64x2_splat(5), 64, i64x2_splat(5)},
      {"i64x2.shl 65", i64x2_shl, i64x2_splat(5), 65, i64x2_splat(10)},
      {"i64x2.shr_s 63", i64x2_shr_s, i64x2_splat(1ull << 63), 63, i64x2_splat(~0ull)},
      {"i64x2.shr_u 63", i64x2_shr_u, i64x2_splat(1ull << 63), 63, i64x2_splat(1)},
  };
  for (const Case& c : cases) EXPECT_EQ(c.op(c.in, c.count), c.out) << c.name;
  // Shifts are per lane: nothing crosses into the neighbour.
  EXPECT_EQ(i8x16_shl(i8x16_splat(0x80), 1), V128{});
  EXPECT_EQ(i16x8_shr_u(i16x8_splat(0x0001), 1), V128{});
}

TEST(SimdInt, Bitmask) {
  EXPECT_EQ(i8x16_bitmask(from_lanes<int8_t>(-1, 0, 0, -128, 127, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2)), 0x8009u);
  EXPECT_EQ(i8x16_bitmask(i8x16_splat(0x80)), 0xFFFFu);
  EXPECT_EQ(i16x8_bitmask(from_lanes<int16_t>(0, -1, 0, 0, 0, 0, 0, -32768)), 0x82u);
  EXPECT_EQ(i16x8_bitmask(i16x8_splat(0x7FFF)), 0u);
  EXPECT_EQ(i32x4_bitmask(from_lanes<int32_t>(-1, 1, INT32_MIN, 0)), 0x5u);
  EXPECT_EQ(i64x2_bitmask(from_lanes<int64_t>(0, -1)), 0x2u);
  // only the lane's top bit counts, not the sign bits of its bytes
  EXPECT_EQ(i64x2_bitmask(from_lanes<uint64_t>(0x0000000080000000ull, 0x8000000000000000ull)), 0x2u);
}

TEST(SimdInt, AllTrueAnyTrue) {
  struct Case {
    V128 v;
    uint32_t any, all8, all16, all32, all64;
  };
  const std::vector<Case> cases = {
      {V128{}, 0, 0, 0, 0, 0},
      {i8x16_splat(1), 1, 1, 1, 1, 1},
      {i16x8_splat(0x0100), 1, 0, 1, 1, 1},        // every other byte is zero
      {i32x4_splat(0x00010000), 1, 0, 0, 1, 1},    // zero 16-bit halves
      {i64x2_splat(1ull << 32), 1, 0, 0, 0, 1},    // zero 32-bit halves
      {V128{0, 1ull << 63}, 1, 0, 0, 0, 0},        // one bit, in the high half
      // only byte 15 is zero: the wider lanes that contain it are still 0x0001...
      {from_lanes<int8_t>(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0), 1, 0, 1, 1, 1},
      // ...but a zero wide lane is not all-true even if other lanes are.
      {from_lanes<int16_t>(1, 1, 1, 1, 1, 1, 1, 0), 1, 0, 0, 1, 1},
      {from_lanes<int32_t>(0, 1, 1, 1), 1, 0, 0, 0, 1},
  };
  for (size_t i = 0; i < cases.size(); ++i) {
    const Case& c = cases[i];
    EXPECT_EQ(v128_any_true(c.v), c.any) << i;
    EXPECT_EQ(i8x16_all_true(c.v), c.all8) << i;
    EXPECT_EQ(i16x8_all_true(c.v), c.all16) << i;
    EXPECT_EQ(i32x4_all_true(c.v), c.all32) << i;
    EXPECT_EQ(i64x2_all_true(c.v), c.all64) << i;
  }
}

TEST(SimdInt, Swizzle) {
  const V128 a = from_lanes<uint8_t>(0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB,
                                     0xAC, 0xAD, 0xAE, 0xAF);
  const V128 s = from_lanes<uint8_t>(0, 15, 16, 255, 128, 17, 1, 15, 3, 144, 32, 8, 7, 0x8F, 0x10, 14);
  // Out of range (>= 16) gives 0; 128+15 is not taken modulo 16.
  EXPECT_EQ(i8x16_swizzle(a, s),
            from_lanes<uint8_t>(0xA0, 0xAF, 0, 0, 0, 0, 0xA1, 0xAF, 0xA3, 0, 0, 0xA8, 0xA7, 0, 0, 0xAE));
}

TEST(SimdInt, Shuffle) {
  V128 a, b;
  for (unsigned i = 0; i < 16; ++i) {
    set_lane<uint8_t>(a, i, static_cast<uint8_t>(i));
    set_lane<uint8_t>(b, i, static_cast<uint8_t>(0x10 + i));
  }
  const V128 idx = from_lanes<uint8_t>(31, 0, 16, 15, 1, 17, 30, 14, 2, 2, 2, 18, 8, 24, 7, 23);
  EXPECT_EQ(i8x16_shuffle(a, b, idx), idx);  // a and b hold their own indices
  const V128 x = from_lanes<uint8_t>(9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9);
  EXPECT_EQ(i8x16_shuffle(x, b, from_lanes<uint8_t>(16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31)), b);
}

TEST(SimdInt, Extend) {
  const V128 v = from_lanes<int8_t>(-1, 2, -128, 127, 0, 1, 2, 3, -5, 6, -7, 8, 9, 10, 11, -12);
  EXPECT_EQ(i16x8_extend_low_i8x16_s(v), from_lanes<int16_t>(-1, 2, -128, 127, 0, 1, 2, 3));
  EXPECT_EQ(i16x8_extend_high_i8x16_s(v), from_lanes<int16_t>(-5, 6, -7, 8, 9, 10, 11, -12));
  EXPECT_EQ(i16x8_extend_low_i8x16_u(v), from_lanes<uint16_t>(255, 2, 128, 127, 0, 1, 2, 3));
  EXPECT_EQ(i16x8_extend_high_i8x16_u(v), from_lanes<uint16_t>(251, 6, 249, 8, 9, 10, 11, 244));
  const V128 w = from_lanes<int32_t>(-1, 2, INT32_MIN, 4);
  EXPECT_EQ(i64x2_extend_high_i32x4_s(w), from_lanes<int64_t>(INT32_MIN, 4));
  EXPECT_EQ(i64x2_extend_low_i32x4_u(w), from_lanes<uint64_t>(0xFFFFFFFFull, 2));
}

TEST(SimdInt, Extmul) {
  const V128 a = from_lanes<int8_t>(-128, -128, 127, -1, 2, 0, 1, -1, 100, -100, 3, 4, 5, 6, 7, -128);
  const V128 b = from_lanes<int8_t>(-128, 127, 127, -1, -3, 9, 1, 1, 100, 100, 3, 4, 5, 6, 7, -1);
  EXPECT_EQ(i16x8_extmul_low_i8x16_s(a, b), from_lanes<int16_t>(16384, -16256, 16129, 1, -6, 0, 1, -1));
  EXPECT_EQ(i16x8_extmul_high_i8x16_s(a, b), from_lanes<int16_t>(10000, -10000, 9, 16, 25, 36, 49, 128));
  // unsigned reading: 0x80 * 0x80 = 16384, 0xFF * 0xFF = 65025
  EXPECT_EQ(i16x8_extmul_low_i8x16_u(a, b), from_lanes<uint16_t>(16384, 16256, 16129, 65025, 506, 0, 1, 255));
  EXPECT_EQ(i16x8_extmul_high_i8x16_u(a, b), from_lanes<uint16_t>(10000, 15600, 9, 16, 25, 36, 49, 32640));

  const V128 c = from_lanes<int16_t>(-32768, 2, 3, 4, 5, 6, 32767, -1);
  EXPECT_EQ(i32x4_extmul_low_i16x8_s(c, c), from_lanes<int32_t>(1073741824, 4, 9, 16));
  EXPECT_EQ(i32x4_extmul_high_i16x8_u(c, c), from_lanes<uint32_t>(25, 36, 1073676289, 4294836225u));

  const V128 d = from_lanes<uint32_t>(0xFFFFFFFFu, 0x80000000u, 0x80000000u, 3);
  EXPECT_EQ(i64x2_extmul_low_i32x4_u(d, d), from_lanes<uint64_t>(0xFFFFFFFE00000001ull, 0x4000000000000000ull));
  EXPECT_EQ(i64x2_extmul_low_i32x4_s(d, d), from_lanes<int64_t>(1, 0x4000000000000000ll));
  EXPECT_EQ(i64x2_extmul_high_i32x4_s(d, d), from_lanes<int64_t>(0x4000000000000000ll, 9));
  EXPECT_EQ(i64x2_extmul_high_i32x4_u(d, i32x4_splat(0xFFFFFFFFu)),
            from_lanes<uint64_t>(0x7FFFFFFF80000000ull, 0x2FFFFFFFDull));
}

TEST(SimdInt, ExtaddPairwise) {
  EXPECT_EQ(i16x8_extadd_pairwise_i8x16_s(i8x16_splat(0x80)), i16x8_splat(static_cast<uint16_t>(-256)));
  EXPECT_EQ(i16x8_extadd_pairwise_i8x16_u(i8x16_splat(0xFF)), i16x8_splat(510));
  EXPECT_EQ(i16x8_extadd_pairwise_i8x16_s(from_lanes<int8_t>(1, 2, -3, -4, 127, 127, -128, 127, 0, 0, 5, -5, 9, 1, 1, 1)),
            from_lanes<int16_t>(3, -7, 254, -1, 0, 0, 10, 2));
  EXPECT_EQ(i32x4_extadd_pairwise_i16x8_s(i16x8_splat(0x8000)), i32x4_splat(static_cast<uint32_t>(-65536)));
  EXPECT_EQ(i32x4_extadd_pairwise_i16x8_u(i16x8_splat(0xFFFF)), i32x4_splat(131070));
}

TEST(SimdInt, Comparisons) {
  check_binary<uint8_t>("i8x16.lt_s", i8x16_lt_s, {{0x80, 0x7F, 0xFF}, {0x7F, 0x80, 0}, {1, 1, 0}});
  check_binary<uint8_t>("i8x16.lt_u", i8x16_lt_u, {{0x80, 0x7F, 0}, {0x7F, 0x80, 0xFF}, {1, 1, 0}});
  check_binary<uint16_t>("i16x8.ge_u", i16x8_ge_u, {{0xFFFF, 0, 0xFFFF}, {0, 0xFFFF, 0}, {7, 7, 0xFFFF}});
  check_binary<uint32_t>("i32x4.gt_s", i32x4_gt_s, {{0, 0x80000000u, ~0u}, {0x80000000u, 0, 0}});
  check_binary<uint64_t>("i64x2.lt_s", i64x2_lt_s, {{1ull << 63, 0, ~0ull}, {0, 1ull << 63, 0}});
  check_binary<uint64_t>("i64x2.ne", i64x2_ne, {{1ull << 32, 0, ~0ull}, {5, 5, 0}});
}

TEST(SimdInt, Bitwise) {
  const V128 a{0xFF00FF00FF00FF00ull, 0x0123456789ABCDEFull};
  const V128 b{0x0F0F0F0F0F0F0F0Full, 0xFFFFFFFF00000000ull};
  EXPECT_EQ(v128_andnot(a, b), (V128{0xF000F000F000F000ull, 0x0000000089ABCDEFull}));
  EXPECT_EQ(v128_bitselect(a, b, V128{~0ull, 0x00000000FFFFFFFFull}), (V128{a.lo, 0xFFFFFFFF89ABCDEFull}));
  EXPECT_EQ(v128_not(V128{}), (V128{~0ull, ~0ull}));
}

// ---------------------------------------------------------------------------
// Floats

// pmin is `b < a ? b : a`: a NaN or an equal pair returns the *first*
// operand, exactly (even a signalling NaN's bits); min instead is symmetric,
// orders -0 below +0, and answers NaN whenever either side is NaN.
TEST(SimdFloat, PminPmax) {
  const uint32_t one = fb(1.0f), two = fb(2.0f), pz = fb(0.0f), nz = fb(-0.0f);
  check_binary<uint32_t>("f32x4.pmin", f32x4_pmin,
                         {{one, two, one}, {two, one, one}, {kPayloadF, one, kPayloadF}, {one, kPayloadF, one},
                          {kSnanF, one, kSnanF}, {pz, nz, pz}, {nz, pz, nz}, {kInfF, one, one}});
  check_binary<uint32_t>("f32x4.pmax", f32x4_pmax,
                         {{one, two, two}, {two, one, two}, {kPayloadF, one, kPayloadF}, {one, kPayloadF, one},
                          {kSnanF, one, kSnanF}, {pz, nz, pz}, {nz, pz, nz}, {kInfF, one, kInfF}});
  const uint64_t d1 = db(1.0), dpz = db(0.0), dnz = db(-0.0);
  check_binary<uint64_t>("f64x2.pmin", f64x2_pmin, {{kPayloadD, d1, kPayloadD}, {d1, kPayloadD, d1}, {dpz, dnz, dpz}});
  check_binary<uint64_t>("f64x2.pmax", f64x2_pmax, {{kPayloadD, d1, kPayloadD}, {dnz, dpz, dnz}, {d1, db(3.0), db(3.0)}});
}

TEST(SimdFloat, MinMax) {
  const uint32_t one = fb(1.0f), pz = fb(0.0f), nz = fb(-0.0f), ninf = fb(-INFINITY);
  check_binary<uint32_t>("f32x4.min", f32x4_min,
                         {{pz, nz, nz}, {nz, pz, nz}, {one, kPayloadF, kCanonF}, {kSnanF, one, kCanonF},
                          {ninf, one, ninf}, {one, fb(2.0f), one}});
  check_binary<uint32_t>("f32x4.max", f32x4_max,
                         {{pz, nz, pz}, {nz, pz, pz}, {one, kPayloadF, kCanonF}, {kSnanF, one, kCanonF},
                          {ninf, one, one}, {nz, nz, nz}});
  check_binary<uint64_t>("f64x2.min", f64x2_min, {{db(0.0), db(-0.0), db(-0.0)}, {kPayloadD, db(1.0), kCanonD}});
  check_binary<uint64_t>("f64x2.max", f64x2_max, {{db(-0.0), db(0.0), db(0.0)}, {db(1.0), kPayloadD, kCanonD}});
}

// nearest: ties go to the even neighbour, and the sign of a zero result is
// that of the input.
TEST(SimdFloat, RoundingAndTies) {
  check_unary<uint32_t>("f32x4.nearest", f32x4_nearest,
                        {{fb(0.5f), fb(0.0f)}, {fb(1.5f), fb(2.0f)}, {fb(2.5f), fb(2.0f)}, {fb(-0.5f), fb(-0.0f)},
                         {fb(-1.5f), fb(-2.0f)}, {fb(-2.5f), fb(-2.0f)}, {fb(0.49999997f), fb(0.0f)},
                         {fb(8388607.5f), fb(8388608.0f)}, {fb(4194303.5f), fb(4194304.0f)},
                         {fb(-0.0f), fb(-0.0f)}, {kInfF, kInfF}, {fb(1e10f), fb(1e10f)}, {fb(-0.3f), fb(-0.0f)},
                         {kPayloadF, kCanonF}, {fb(3.5f), fb(4.0f)}, {fb(-3.7f), fb(-4.0f)}});
  check_unary<uint64_t>("f64x2.nearest", f64x2_nearest,
                        {{db(2.5), db(2.0)}, {db(-0.5), db(-0.0)}, {db(4503599627370495.5), db(4503599627370496.0)},
                         {db(0.49999999999999994), db(0.0)}, {db(3.5), db(4.0)}, {kPayloadD, kCanonD}});
  check_unary<uint32_t>("f32x4.ceil", f32x4_ceil,
                        {{fb(-0.5f), fb(-0.0f)}, {fb(0.1f), fb(1.0f)}, {fb(-1.5f), fb(-1.0f)}, {kSnanF, kCanonF}});
  check_unary<uint32_t>("f32x4.floor", f32x4_floor,
                        {{fb(0.5f), fb(0.0f)}, {fb(-0.1f), fb(-1.0f)}, {fb(-0.0f), fb(-0.0f)}});
  check_unary<uint64_t>("f64x2.trunc", f64x2_trunc, {{db(-0.9), db(-0.0)}, {db(2.9), db(2.0)}, {db(-2.9), db(-2.0)}});
}

TEST(SimdFloat, ArithmeticNansAreCanonicalAbsNegAreNot) {
  const uint32_t inf = kInfF;
  check_binary<uint32_t>("f32x4.add", f32x4_add,
                         {{kPayloadF, fb(1.0f), kCanonF}, {kSnanF, fb(1.0f), kCanonF}, {fb(1.0f), fb(2.0f), fb(3.0f)}});
  check_binary<uint32_t>("f32x4.sub", f32x4_sub, {{inf, inf, kCanonF}, {fb(1.0f), fb(1.0f), fb(0.0f)}});
  check_binary<uint32_t>("f32x4.mul", f32x4_mul, {{inf, fb(0.0f), kCanonF}, {fb(-2.0f), fb(0.0f), fb(-0.0f)}});
  check_binary<uint32_t>("f32x4.div", f32x4_div, {{fb(0.0f), fb(0.0f), kCanonF}, {fb(1.0f), fb(-0.0f), fb(-INFINITY)}});
  check_unary<uint32_t>("f32x4.sqrt", f32x4_sqrt, {{fb(-1.0f), kCanonF}, {fb(4.0f), fb(2.0f)}, {fb(-0.0f), fb(-0.0f)}});
  check_binary<uint64_t>("f64x2.add", f64x2_add, {{kPayloadD, db(1.0), kCanonD}, {db(0.1), db(0.2), db(0.1 + 0.2)}});
  // abs/neg flip or clear the sign bit only, NaN payloads (even signalling) stay.
  check_unary<uint32_t>("f32x4.neg", f32x4_neg, {{kSnanF, kSnanF | 0x80000000u}, {fb(0.0f), fb(-0.0f)}});
  check_unary<uint32_t>("f32x4.abs", f32x4_abs, {{kSnanF | 0x80000000u, kSnanF}, {fb(-3.0f), fb(3.0f)}});
  check_unary<uint64_t>("f64x2.neg", f64x2_neg, {{kPayloadD, kPayloadD | (1ull << 63)}});
  check_unary<uint64_t>("f64x2.abs", f64x2_abs, {{db(-0.0), db(0.0)}});
}

TEST(SimdFloat, Comparisons) {
  const uint32_t t = ~0u;
  check_binary<uint32_t>("f32x4.eq", f32x4_eq,
                         {{kCanonF, kCanonF, 0}, {fb(0.0f), fb(-0.0f), t}, {fb(1.0f), fb(1.0f), t}});
  check_binary<uint32_t>("f32x4.ne", f32x4_ne, {{kCanonF, kCanonF, t}, {fb(0.0f), fb(-0.0f), 0}});
  check_binary<uint32_t>("f32x4.lt", f32x4_lt, {{kCanonF, fb(1.0f), 0}, {fb(-0.0f), fb(0.0f), 0}, {fb(-1.0f), fb(0.0f), t}});
  check_binary<uint64_t>("f64x2.ge", f64x2_ge, {{kCanonD, kCanonD, 0}, {db(-0.0), db(0.0), ~0ull}});
}

// Saturating truncation: NaN is 0, beyond the range is the nearest bound.
TEST(SimdFloat, TruncSat) {
  check_unary<uint32_t>("i32x4.trunc_sat_f32x4_s", i32x4_trunc_sat_f32x4_s,
                        {{kCanonF, 0}, {0xFFC00000u, 0}, {kSnanF, 0},
                         {fb(2147483520.0f), 2147483520u},  // largest float below 2^31
                         {fb(2147483648.0f), 0x7FFFFFFFu}, {kInfF, 0x7FFFFFFFu},
                         {fb(-INFINITY), 0x80000000u}, {fb(-2147483648.0f), 0x80000000u},
                         {fb(-2147483904.0f), 0x80000000u}, {fb(1.9f), 1}, {fb(-1.9f), static_cast<uint32_t>(-1)},
                         {fb(-0.0f), 0}});
  check_unary<uint32_t>("i32x4.trunc_sat_f32x4_u", i32x4_trunc_sat_f32x4_u,
                        {{kCanonF, 0}, {fb(-0.9f), 0}, {fb(-1.0f), 0}, {fb(-INFINITY), 0},
                         {fb(4294967040.0f), 4294967040u},  // largest float below 2^32
                         {fb(4294967296.0f), 0xFFFFFFFFu}, {kInfF, 0xFFFFFFFFu}, {fb(2147483648.0f), 0x80000000u},
                         {fb(1.9f), 1}});
  struct Case {
    double a, b;
    int32_t s0, s1;
    uint32_t u0, u1;
  };
  const std::vector<Case> cases = {
      {-2147483648.9, 2147483647.9, INT32_MIN, INT32_MAX, 0, 2147483647u},
      {-2147483649.0, 2147483648.0, INT32_MIN, INT32_MAX, 0, 2147483648u},
      {4294967295.9, 4294967296.0, INT32_MAX, INT32_MAX, 0xFFFFFFFFu, 0xFFFFFFFFu},
      {-0.9, std::numeric_limits<double>::quiet_NaN(), 0, 0, 0, 0},
      {-1e300, 1e300, INT32_MIN, INT32_MAX, 0, 0xFFFFFFFFu},
  };
  for (const Case& c : cases) {
    const V128 v = from_lanes<double>(c.a, c.b);
    EXPECT_EQ(i32x4_trunc_sat_f64x2_s_zero(v), from_lanes<int32_t>(c.s0, c.s1, 0, 0)) << c.a << " " << c.b;
    EXPECT_EQ(i32x4_trunc_sat_f64x2_u_zero(v), from_lanes<uint32_t>(c.u0, c.u1, 0, 0)) << c.a << " " << c.b;
  }
}

TEST(SimdFloat, Conversions) {
  check_unary<uint32_t>("f32x4.convert_i32x4_s", f32x4_convert_i32x4_s,
                        {{16777217u, fb(16777216.0f)}, {0x80000000u, fb(-2147483648.0f)}, {static_cast<uint32_t>(-3), fb(-3.0f)},
                         {16777219u, fb(16777220.0f)}});  // ties to even
  check_unary<uint32_t>("f32x4.convert_i32x4_u", f32x4_convert_i32x4_u,
                        {{0xFFFFFFFFu, fb(4294967296.0f)}, {0x80000000u, fb(2147483648.0f)}, {0, fb(0.0f)}});
  EXPECT_EQ(f64x2_convert_low_i32x4_s(from_lanes<int32_t>(-1, INT32_MIN, 5, 6)), from_lanes<double>(-1.0, -2147483648.0));
  EXPECT_EQ(f64x2_convert_low_i32x4_u(from_lanes<uint32_t>(0xFFFFFFFFu, 1, 5, 6)), from_lanes<double>(4294967295.0, 1.0));

  // demote: rounding, overflow to infinity, NaN canonical, upper lanes zero.
  EXPECT_EQ(f32x4_demote_f64x2_zero(from_lanes<double>(1e300, 0.1)), from_lanes<float>(INFINITY, 0.1f, 0.0f, 0.0f));
  EXPECT_EQ(f32x4_demote_f64x2_zero(from_lanes<uint64_t>(kPayloadD, db(-1e-300))),
            from_lanes<uint32_t>(kCanonF, fb(-0.0f), 0, 0));
  EXPECT_EQ(f64x2_promote_low_f32x4(from_lanes<uint32_t>(kPayloadF, fb(0.1f), fb(7.0f), fb(8.0f))),
            from_lanes<uint64_t>(kCanonD, db(static_cast<double>(0.1f))));
}

// ---------------------------------------------------------------------------
// Lanes and memory

TEST(SimdLanes, SplatExtractReplaceKeepBits) {
  EXPECT_EQ(f32x4_splat(kSnanF), i32x4_splat(kSnanF));
  EXPECT_EQ(f32x4_extract_lane(f32x4_replace_lane(V128{}, kSnanF, 2), 2), kSnanF);
  EXPECT_EQ(f64x2_extract_lane(f64x2_replace_lane(V128{}, kPayloadD, 1), 1), kPayloadD);
  EXPECT_EQ(i8x16_splat(0x1FF), i8x16_splat(0xFF));  // low 8 bits of the i32
  const V128 v = from_lanes<int8_t>(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -2, 0, 0);
  EXPECT_EQ(i8x16_extract_lane_s(v, 13), 0xFFFFFFFEu);
  EXPECT_EQ(i8x16_extract_lane_u(v, 13), 0xFEu);
  EXPECT_EQ(i8x16_extract_lane_u(v, 12), 0u);
  const V128 w = i16x8_replace_lane(V128{}, 0xABCD8000u, 5);
  EXPECT_EQ(i16x8_extract_lane_s(w, 5), 0xFFFF8000u);
  EXPECT_EQ(i16x8_extract_lane_u(w, 5), 0x8000u);
  EXPECT_EQ(w, (V128{0, 0x0000000080000000ull}));
  EXPECT_EQ(i64x2_replace_lane(i64x2_splat(1), 7, 0), from_lanes<uint64_t>(7, 1));
}

TEST(SimdMemory, ExtendingSplattingZeroingLaneLoads) {
  const uint8_t mem[16] = {0x80, 0x7F, 0xFF, 0x01, 0x00, 0x80, 0xFE, 0xFF,
                           0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88};
  EXPECT_EQ(v128_load8x8_s(mem), from_lanes<int16_t>(-128, 127, -1, 1, 0, -128, -2, -1));
  EXPECT_EQ(v128_load8x8_u(mem), from_lanes<uint16_t>(128, 127, 255, 1, 0, 128, 254, 255));
  EXPECT_EQ(v128_load16x4_s(mem), from_lanes<int32_t>(0x7F80, 0x01FF, -32768, -2));
  EXPECT_EQ(v128_load16x4_u(mem), from_lanes<uint32_t>(0x7F80, 0x01FF, 0x8000, 0xFFFE));
  EXPECT_EQ(v128_load32x2_s(mem), from_lanes<int64_t>(0x01FF7F80, static_cast<int32_t>(0xFFFE8000u)));
  EXPECT_EQ(v128_load32x2_u(mem), from_lanes<uint64_t>(0x01FF7F80, 0xFFFE8000u));
  EXPECT_EQ(v128_load8_splat(mem + 2), i8x16_splat(0xFF));
  EXPECT_EQ(v128_load16_splat(mem), i16x8_splat(0x7F80));
  EXPECT_EQ(v128_load32_splat(mem + 8), i32x4_splat(0x44332211u));
  EXPECT_EQ(v128_load64_splat(mem + 8), i64x2_splat(0x8877665544332211ull));
  EXPECT_EQ(v128_load32_zero(mem + 8), (V128{0x44332211u, 0}));
  EXPECT_EQ(v128_load64_zero(mem + 8), (V128{0x8877665544332211ull, 0}));

  const V128 ones{~0ull, ~0ull};
  EXPECT_EQ(v128_load8_lane(mem, ones, 15), (V128{~0ull, 0x80FFFFFFFFFFFFFFull}));
  EXPECT_EQ(v128_load16_lane(mem, ones, 1), (V128{0xFFFFFFFF7F80FFFFull, ~0ull}));
  EXPECT_EQ(v128_load32_lane(mem + 8, V128{}, 2), (V128{0, 0x44332211u}));
  EXPECT_EQ(v128_load64_lane(mem + 8, ones, 0), (V128{0x8877665544332211ull, ~0ull}));
}

TEST(SimdMemory, LaneStoresWriteOnlyTheirBytes) {
  const V128 v = from_lanes<uint8_t>(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  uint8_t mem[10];
  std::memset(mem, 0xEE, sizeof mem);
  v128_store8_lane(mem, v, 9);
  v128_store16_lane(mem + 1, v, 7);   // bytes 14, 15
  v128_store32_lane(mem + 3, v, 1);   // bytes 4..7
  EXPECT_EQ(mem[0], 9);
  EXPECT_EQ(mem[1], 14);
  EXPECT_EQ(mem[2], 15);
  for (unsigned i = 0; i < 4; ++i) EXPECT_EQ(mem[3 + i], 4 + i);
  EXPECT_EQ(mem[7], 0xEE);
  uint8_t m8[8];
  v128_store64_lane(m8, v, 1);
  for (unsigned i = 0; i < 8; ++i) EXPECT_EQ(m8[i], 8 + i);
}

}  // namespace
