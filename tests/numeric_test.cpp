// Unit tests of interp/numeric.h: the numeric semantics of spec section 4.3,
// table-driven, with the exact boundary values where implementations usually
// go wrong.
#include "interp/numeric.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>

namespace wasmslot::num {
namespace {

using TK = TrapKind;

float F(uint32_t b) { return from_bits<float>(b); }
double D(uint64_t b) { return from_bits<double>(b); }
uint32_t B(float f) { return bits(f); }
uint64_t B(double d) { return bits(d); }

constexpr uint32_t kF32CanonNaN = 0x7FC00000u;
constexpr uint32_t kF32NegCanonNaN = 0xFFC00000u;
constexpr uint32_t kF32SNaN = 0x7FA00000u;      // signaling, payload 0x200000
constexpr uint32_t kF32QNaNPayload = 0x7FC00001u;  // quiet, not canonical
constexpr uint64_t kF64CanonNaN = 0x7FF8000000000000ull;
constexpr uint64_t kF64SNaN = 0x7FF4000000000000ull;

bool is_arithmetic_f32(uint32_t b) { return (b & 0x7FC00000u) == 0x7FC00000u; }
bool is_canonical_f32(uint32_t b) { return (b & 0x7FFFFFFFu) == 0x7FC00000u; }
bool is_arithmetic_f64(uint64_t b) { return (b & 0x7FF8000000000000ull) == 0x7FF8000000000000ull; }
bool is_canonical_f64(uint64_t b) { return (b & 0x7FFFFFFFFFFFFFFFull) == 0x7FF8000000000000ull; }

// ---------------------------------------------------------------------------
// Integers

TEST(NumericInt, DivRemTraps) {
  int32_t s = 0;
  uint32_t u = 0;
  EXPECT_EQ(idiv_s<int32_t>(1, 0, s), TK::IntegerDivideByZero);
  EXPECT_EQ(idiv_s<int32_t>(INT32_MIN, -1, s), TK::IntegerOverflow);
  EXPECT_EQ(idiv_u<uint32_t>(1, 0, u), TK::IntegerDivideByZero);
  EXPECT_EQ(irem_s<int32_t>(1, 0, s), TK::IntegerDivideByZero);
  EXPECT_EQ(irem_u<uint32_t>(1, 0, u), TK::IntegerDivideByZero);
  ASSERT_EQ(irem_s<int32_t>(INT32_MIN, -1, s), TK::None);
  EXPECT_EQ(s, 0);
  int64_t s64 = 0;
  EXPECT_EQ(idiv_s<int64_t>(INT64_MIN, -1, s64), TK::IntegerOverflow);
  ASSERT_EQ(irem_s<int64_t>(INT64_MIN, -1, s64), TK::None);
  EXPECT_EQ(s64, 0);
  ASSERT_EQ(idiv_s<int64_t>(INT64_MIN, 1, s64), TK::None);
  EXPECT_EQ(s64, INT64_MIN);
}

TEST(NumericInt, DivRemValues) {
  struct Case { int32_t a, b, div, rem; };
  const Case cases[] = {
      {7, 2, 3, 1}, {-7, 2, -3, -1}, {7, -2, -3, 1}, {-7, -2, 3, -1},
      {INT32_MIN, 2, INT32_MIN / 2, 0}, {INT32_MAX, -1, -INT32_MAX, 0}, {0, 5, 0, 0},
  };
  for (const Case& c : cases) {
    int32_t q = 0, r = 0;
    ASSERT_EQ(idiv_s(c.a, c.b, q), TK::None);
    ASSERT_EQ(irem_s(c.a, c.b, r), TK::None);
    EXPECT_EQ(q, c.div) << c.a << " / " << c.b;
    EXPECT_EQ(r, c.rem) << c.a << " % " << c.b;
  }
  uint32_t q = 0, r = 0;
  ASSERT_EQ(idiv_u<uint32_t>(0x80000000u, 2, q), TK::None);
  EXPECT_EQ(q, 0x40000000u);
  ASSERT_EQ(irem_u<uint32_t>(0xFFFFFFFFu, 10, r), TK::None);
  EXPECT_EQ(r, 5u);
}

TEST(NumericInt, ShiftsTakeCountModuloWidth) {
  struct Case { uint32_t a, k, shl, shr_s, shr_u, rotl, rotr; };
  const Case cases[] = {
      {1, 0, 1, 1, 1, 1, 1},
      {1, 31, 0x80000000u, 0, 0, 0x80000000u, 2},
      {1, 32, 1, 1, 1, 1, 1},   // 32 mod 32 = 0
      {1, 33, 2, 0, 0, 2, 0x80000000u},
      {0x80000000u, 1, 0, 0xC0000000u, 0x40000000u, 1, 0x40000000u},
      {0x80000000u, 0xFFFFFFFFu, 0, 0xFFFFFFFFu, 1, 0x40000000u, 1},  // count 31
      {0xABCD1234u, 8, 0xCD123400u, 0xFFABCD12u, 0x00ABCD12u, 0xCD1234ABu, 0x34ABCD12u},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(ishl(c.a, c.k), c.shl) << c.a << " shl " << c.k;
    EXPECT_EQ(ishr_s(c.a, c.k), c.shr_s) << c.a << " shr_s " << c.k;
    EXPECT_EQ(ishr_u(c.a, c.k), c.shr_u) << c.a << " shr_u " << c.k;
    EXPECT_EQ(irotl(c.a, c.k), c.rotl) << c.a << " rotl " << c.k;
    EXPECT_EQ(irotr(c.a, c.k), c.rotr) << c.a << " rotr " << c.k;
  }
  EXPECT_EQ(ishl<uint64_t>(1, 64), 1u);
  EXPECT_EQ(ishl<uint64_t>(1, 63), 0x8000000000000000ull);
  EXPECT_EQ(ishr_s<uint64_t>(0x8000000000000000ull, 63), ~0ull);
  EXPECT_EQ(ishr_u<uint64_t>(0x8000000000000000ull, 127), 1u);
  EXPECT_EQ(irotl<uint64_t>(0x8000000000000001ull, 65), 3u);
  EXPECT_EQ(irotr<uint64_t>(3, 0xFFFFFFFFFFFFFFC1ull), 0x8000000000000001ull);  // count 1
}

TEST(NumericInt, BitCounts) {
  EXPECT_EQ(iclz<uint32_t>(0), 32u);
  EXPECT_EQ(ictz<uint32_t>(0), 32u);
  EXPECT_EQ(ipopcnt<uint32_t>(0), 0u);
  EXPECT_EQ(iclz<uint32_t>(1), 31u);
  EXPECT_EQ(ictz<uint32_t>(0x80000000u), 31u);
  EXPECT_EQ(ipopcnt<uint32_t>(0xFFFFFFFFu), 32u);
  EXPECT_EQ(iclz<uint64_t>(0), 64u);
  EXPECT_EQ(ictz<uint64_t>(0), 64u);
  EXPECT_EQ(ipopcnt<uint64_t>(0xAAAAAAAAAAAAAAAAull), 32u);
  EXPECT_EQ(iclz<uint64_t>(0x00008000ull), 48u);
}

TEST(NumericInt, SignExtension) {
  EXPECT_EQ(iextend_s<int8_t>(uint32_t{0x7F}), 0x7Fu);
  EXPECT_EQ(iextend_s<int8_t>(uint32_t{0x80}), 0xFFFFFF80u);
  EXPECT_EQ(iextend_s<int8_t>(uint32_t{0x12345680}), 0xFFFFFF80u);  // high bits ignored
  EXPECT_EQ(iextend_s<int16_t>(uint32_t{0x8000}), 0xFFFF8000u);
  EXPECT_EQ(iextend_s<int16_t>(uint32_t{0xFFFF7FFF}), 0x7FFFu);
  EXPECT_EQ(iextend_s<int8_t>(uint64_t{0x80}), 0xFFFFFFFFFFFFFF80ull);
  EXPECT_EQ(iextend_s<int32_t>(uint64_t{0x80000000}), 0xFFFFFFFF80000000ull);
  EXPECT_EQ(iextend_s<int32_t>(uint64_t{0xFFFFFFFF7FFFFFFF}), 0x7FFFFFFFull);
}

// ---------------------------------------------------------------------------
// Floats: sign-bit operations keep NaN payloads

TEST(NumericFloat, SignOpsKeepPayload) {
  EXPECT_EQ(B(fabs(F(0xFFA00001u))), 0x7FA00001u);
  EXPECT_EQ(B(fneg(F(kF32SNaN))), 0xFFA00000u);
  EXPECT_EQ(B(fcopysign(F(kF32SNaN), -1.0f)), 0xFFA00000u);
  EXPECT_EQ(B(fcopysign(1.0f, F(0xFFC00000u))), B(-1.0f));  // sign from a NaN
  EXPECT_EQ(B(fneg(0.0f)), 0x80000000u);
  EXPECT_EQ(B(fabs(D(0xFFF4000000000001ull))), 0x7FF4000000000001ull);
  EXPECT_EQ(B(fneg(D(kF64SNaN))), 0xFFF4000000000000ull);
  EXPECT_EQ(B(fcopysign(D(kF64SNaN), -0.0)), 0xFFF4000000000000ull);
}

TEST(NumericFloat, MinMaxZeros) {
  EXPECT_EQ(B(fmin(-0.0f, 0.0f)), 0x80000000u);
  EXPECT_EQ(B(fmin(0.0f, -0.0f)), 0x80000000u);
  EXPECT_EQ(B(fmax(-0.0f, 0.0f)), 0u);
  EXPECT_EQ(B(fmax(0.0f, -0.0f)), 0u);
  EXPECT_EQ(B(fmin(-0.0, 0.0)), 0x8000000000000000ull);
  EXPECT_EQ(B(fmax(0.0, -0.0)), 0ull);
  EXPECT_EQ(fmin(1.0f, 2.0f), 1.0f);
  EXPECT_EQ(fmax(1.0f, 2.0f), 2.0f);
  EXPECT_EQ(fmin(-INFINITY, 0.0f), -INFINITY);
  EXPECT_EQ(fmax<double>(INFINITY, 0.0), INFINITY);
}

TEST(NumericFloat, MinMaxNaN) {
  // Canonical NaN in -> canonical NaN out; any other NaN -> arithmetic NaN.
  const float ops[] = {0.0f, -1.0f, INFINITY};
  for (float x : ops) {
    EXPECT_TRUE(is_canonical_f32(B(fmin(F(kF32CanonNaN), x))));
    EXPECT_TRUE(is_canonical_f32(B(fmax(x, F(kF32NegCanonNaN)))));
    EXPECT_TRUE(is_arithmetic_f32(B(fmin(x, F(kF32SNaN)))));
    EXPECT_TRUE(is_arithmetic_f32(B(fmax(F(kF32SNaN), x))));
    EXPECT_TRUE(is_arithmetic_f32(B(fmin(F(kF32QNaNPayload), x))));
  }
  EXPECT_TRUE(is_canonical_f64(B(fmax(D(kF64CanonNaN), 1.0))));
  EXPECT_TRUE(is_arithmetic_f64(B(fmin(1.0, D(kF64SNaN)))));
  EXPECT_TRUE(is_arithmetic_f64(B(fmax(D(kF64SNaN), D(kF64SNaN)))));
}

TEST(NumericFloat, Nearest) {
  struct Case { double in, out; };
  const Case cases[] = {
      {0.5, 0.0}, {1.5, 2.0}, {2.5, 2.0}, {3.5, 4.0}, {-0.5, -0.0}, {-1.5, -2.0}, {-2.5, -2.0},
      {0.49999999999999994, 0.0}, {4503599627370495.5, 4503599627370496.0},
      {4503599627370497.0, 4503599627370497.0}, {-0.0, -0.0}, {1e300, 1e300},
  };
  for (const Case& c : cases) EXPECT_EQ(B(fnearest(c.in)), B(c.out)) << c.in;
  EXPECT_EQ(B(fnearest(8388607.5f)), B(8388608.0f));
  EXPECT_EQ(B(fnearest(-8388607.5f)), B(-8388608.0f));
  EXPECT_EQ(B(fnearest(-0.25f)), B(-0.0f));
  EXPECT_EQ(B(fnearest(2.5f)), B(2.0f));
  EXPECT_EQ(fnearest(INFINITY), INFINITY);
}

TEST(NumericFloat, RoundingKeepsSignOfZero) {
  EXPECT_EQ(B(fceil(-0.5f)), 0x80000000u);
  EXPECT_EQ(B(ffloor(0.5f)), 0u);
  EXPECT_EQ(B(ftrunc(-0.9f)), 0x80000000u);
  EXPECT_EQ(B(fceil(-0.5)), 0x8000000000000000ull);
  EXPECT_EQ(B(ffloor(-0.5)), B(-1.0));
  EXPECT_EQ(B(ftrunc(-1.5)), B(-1.0));
}

TEST(NumericFloat, UnaryNaNsAreQuieted) {
  // Every operator that can return an input NaN must return an arithmetic
  // one, and canonical stays canonical.
  float (*f32ops[])(float) = {fceil<float>, ffloor<float>, ftrunc<float>, fnearest<float>, fsqrt<float>};
  for (auto op : f32ops) {
    EXPECT_TRUE(is_arithmetic_f32(B(op(F(kF32SNaN)))));
    EXPECT_TRUE(is_canonical_f32(B(op(F(kF32CanonNaN)))));
    EXPECT_TRUE(is_canonical_f32(B(op(F(kF32NegCanonNaN)))));
  }
  double (*f64ops[])(double) = {fceil<double>, ffloor<double>, ftrunc<double>, fnearest<double>, fsqrt<double>};
  for (auto op : f64ops) {
    EXPECT_TRUE(is_arithmetic_f64(B(op(D(kF64SNaN)))));
    EXPECT_TRUE(is_canonical_f64(B(op(D(kF64CanonNaN)))));
  }
  EXPECT_TRUE(is_canonical_f32(B(fsqrt(-1.0f))));
  EXPECT_TRUE(is_canonical_f64(B(fsqrt(-1.0))));
  EXPECT_EQ(B(fsqrt(-0.0)), 0x8000000000000000ull);
}

TEST(NumericFloat, HardwareArithmeticNaNs) {
  // Documents the hardware assumption of numeric.h: +,-,*,/ quiet an input
  // NaN and produce a canonical NaN from non-NaN inputs. The operands are
  // volatile so the compiler cannot fold `1 * x` to `x` (which it may do,
  // assuming no signaling NaNs): in the interpreter operands are never
  // compile-time constants either.
  volatile uint32_t snan = kF32SNaN, cnan = kF32CanonNaN;
  volatile float one = 1.0f, inf = INFINITY;
  volatile uint64_t snan64 = kF64SNaN;
  volatile double zero = 0.0, two = 2.0;
  EXPECT_TRUE(is_arithmetic_f32(B(fadd(F(snan), float{one}))));
  EXPECT_TRUE(is_arithmetic_f32(B(fmul(float{one}, F(snan)))));
  EXPECT_TRUE(is_canonical_f32(B(fsub(F(cnan), float{one}))));
  EXPECT_TRUE(is_canonical_f32(B(fsub(float{inf}, float{inf}))));
  EXPECT_TRUE(is_canonical_f64(B(fdiv(double{zero}, double{zero}))));
  EXPECT_TRUE(is_arithmetic_f64(B(fdiv(D(snan64), double{two}))));
}

// ---------------------------------------------------------------------------
// Truncation at the exact boundaries of each of the 8 trapping conversions

template <class I, class Fl>
void expect_trunc(Fl x, TK want, I value = 0) {
  I out = 0;
  EXPECT_EQ(trunc<I>(x, out), want) << x;
  if (want == TK::None) {
    EXPECT_EQ(out, value) << x;
  }
}

TEST(NumericTrunc, I32FromF32Signed) {
  expect_trunc<int32_t>(-2147483648.0f, TK::None, INT32_MIN);
  expect_trunc<int32_t>(F(0xCF000001u), TK::IntegerOverflow);  // -2147483904
  expect_trunc<int32_t>(2147483520.0f, TK::None, 2147483520);  // largest below 2^31
  expect_trunc<int32_t>(2147483648.0f, TK::IntegerOverflow);
  expect_trunc<int32_t>(-1.9f, TK::None, -1);
  expect_trunc<int32_t>(F(0x80000001u), TK::None, 0);  // tiny negative
  expect_trunc<int32_t>(INFINITY, TK::IntegerOverflow);
  expect_trunc<int32_t>(-INFINITY, TK::IntegerOverflow);
  expect_trunc<int32_t>(F(kF32CanonNaN), TK::InvalidConversion);
  expect_trunc<int32_t>(F(0xFFA00000u), TK::InvalidConversion);
}

TEST(NumericTrunc, I32FromF32Unsigned) {
  expect_trunc<uint32_t>(-0.9f, TK::None, 0u);
  expect_trunc<uint32_t>(-1.0f, TK::IntegerOverflow);
  expect_trunc<uint32_t>(4294967040.0f, TK::None, 4294967040u);  // largest below 2^32
  expect_trunc<uint32_t>(4294967296.0f, TK::IntegerOverflow);
  expect_trunc<uint32_t>(2147483648.0f, TK::None, 2147483648u);
  expect_trunc<uint32_t>(F(kF32CanonNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, I32FromF64Signed) {
  expect_trunc<int32_t>(-2147483648.9, TK::None, INT32_MIN);
  expect_trunc<int32_t>(-2147483649.0, TK::IntegerOverflow);
  expect_trunc<int32_t>(2147483647.9, TK::None, INT32_MAX);
  expect_trunc<int32_t>(2147483648.0, TK::IntegerOverflow);
  expect_trunc<int32_t>(D(kF64CanonNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, I32FromF64Unsigned) {
  expect_trunc<uint32_t>(-0.9999999999999999, TK::None, 0u);
  expect_trunc<uint32_t>(-1.0, TK::IntegerOverflow);
  expect_trunc<uint32_t>(4294967295.9, TK::None, 4294967295u);
  expect_trunc<uint32_t>(4294967296.0, TK::IntegerOverflow);
  expect_trunc<uint32_t>(1e16, TK::IntegerOverflow);
  expect_trunc<uint32_t>(D(kF64SNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, I64FromF32Signed) {
  expect_trunc<int64_t>(-9223372036854775808.0f, TK::None, INT64_MIN);
  expect_trunc<int64_t>(F(0xDF000001u), TK::IntegerOverflow);  // next below -2^63
  expect_trunc<int64_t>(F(0x5EFFFFFFu), TK::None, 9223371487098961920ll);
  expect_trunc<int64_t>(9223372036854775808.0f, TK::IntegerOverflow);
  expect_trunc<int64_t>(F(kF32CanonNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, I64FromF32Unsigned) {
  expect_trunc<uint64_t>(-0.9f, TK::None, 0u);
  expect_trunc<uint64_t>(-1.0f, TK::IntegerOverflow);
  expect_trunc<uint64_t>(F(0x5F7FFFFFu), TK::None, 18446742974197923840ull);
  expect_trunc<uint64_t>(18446744073709551616.0f, TK::IntegerOverflow);
  expect_trunc<uint64_t>(F(kF32CanonNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, I64FromF64Signed) {
  expect_trunc<int64_t>(-9223372036854775808.0, TK::None, INT64_MIN);
  expect_trunc<int64_t>(D(0xC3E0000000000001ull), TK::IntegerOverflow);  // next below -2^63
  expect_trunc<int64_t>(D(0x43DFFFFFFFFFFFFFull), TK::None, 9223372036854774784ll);
  expect_trunc<int64_t>(9223372036854775808.0, TK::IntegerOverflow);
  expect_trunc<int64_t>(D(kF64CanonNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, I64FromF64Unsigned) {
  expect_trunc<uint64_t>(-0.9999999999999999, TK::None, 0u);
  expect_trunc<uint64_t>(-1.0, TK::IntegerOverflow);
  expect_trunc<uint64_t>(D(0x43EFFFFFFFFFFFFFull), TK::None, 18446744073709549568ull);
  expect_trunc<uint64_t>(18446744073709551616.0, TK::IntegerOverflow);
  expect_trunc<uint64_t>(9223372036854775808.0, TK::None, 9223372036854775808ull);
  expect_trunc<uint64_t>(D(kF64SNaN), TK::InvalidConversion);
}

TEST(NumericTrunc, Saturating) {
  EXPECT_EQ(trunc_sat<int32_t>(F(kF32CanonNaN)), 0);
  EXPECT_EQ(trunc_sat<int32_t>(2147483648.0f), INT32_MAX);
  EXPECT_EQ(trunc_sat<int32_t>(-2147483904.0f), INT32_MIN);
  EXPECT_EQ(trunc_sat<int32_t>(-2147483648.0f), INT32_MIN);
  EXPECT_EQ(trunc_sat<int32_t>(2147483647.9), INT32_MAX);
  EXPECT_EQ(trunc_sat<uint32_t>(-1.0f), 0u);
  EXPECT_EQ(trunc_sat<uint32_t>(-INFINITY), 0u);
  EXPECT_EQ(trunc_sat<uint32_t>(4294967296.0), 0xFFFFFFFFu);
  EXPECT_EQ(trunc_sat<uint32_t>(4294967295.9), 0xFFFFFFFFu);
  EXPECT_EQ(trunc_sat<int64_t>(INFINITY), INT64_MAX);
  EXPECT_EQ(trunc_sat<int64_t>(-9223372036854777856.0), INT64_MIN);
  EXPECT_EQ(trunc_sat<int64_t>(D(0x43DFFFFFFFFFFFFFull)), 9223372036854774784ll);
  EXPECT_EQ(trunc_sat<uint64_t>(D(kF64CanonNaN)), 0u);
  EXPECT_EQ(trunc_sat<uint64_t>(18446744073709551616.0f), UINT64_MAX);
  EXPECT_EQ(trunc_sat<uint64_t>(-0.9), 0u);
  EXPECT_EQ(trunc_sat<uint64_t>(D(0x43EFFFFFFFFFFFFFull)), 18446744073709549568ull);
}

// ---------------------------------------------------------------------------
// Integer to float: one rounding, to nearest even

TEST(NumericConvert, ToF32) {
  struct U64Case { uint64_t in; uint32_t out; };
  const U64Case u64s[] = {
      {0, 0},
      {0x0020000020000001ull, 0x5A000001u},  // 0x1.000002p+53: double rounding gives 0x1p+53
      {0x0020000020000000ull, 0x5A000000u},  // exactly half: ties to even
      {0x8000008000000001ull, 0x5F000001u},  // top bit set, just above half
      {0x8000008000000000ull, 0x5F000000u},  // top bit set, exactly half: even
      {0xFFFFFFFFFFFFFFFFull, 0x5F800000u},  // rounds up to 2^64
      {0x7FFFFFFFFFFFFFFFull, 0x5F000000u},
  };
  for (const U64Case& c : u64s) EXPECT_EQ(B(convert<float>(c.in)), c.out) << std::hex << c.in;
  EXPECT_EQ(B(convert<float>(int64_t{0x7FFFFF4000000001ll})), 0x5EFFFFFFu);  // 0x1.fffffep+62
  EXPECT_EQ(B(convert<float>(int64_t{INT64_MIN})), 0xDF000000u);
  EXPECT_EQ(B(convert<float>(uint32_t{0xFFFFFF80u})), 0x4F800000u);  // tie -> 2^32
  EXPECT_EQ(B(convert<float>(uint32_t{0xFFFFFF7Fu})), 0x4F7FFFFFu);
  EXPECT_EQ(B(convert<float>(int32_t{16777217})), B(16777216.0f));
  EXPECT_EQ(B(convert<float>(int32_t{-16777219})), B(-16777220.0f));
}

TEST(NumericConvert, ToF64) {
  EXPECT_EQ(B(convert<double>(uint64_t{0xFFFFFFFFFFFFFFFFull})), 0x43F0000000000000ull);
  EXPECT_EQ(B(convert<double>(uint64_t{0x8000000000000400ull})), 0x43E0000000000000ull);  // tie
  EXPECT_EQ(B(convert<double>(uint64_t{0x8000000000000401ull})), 0x43E0000000000001ull);
  EXPECT_EQ(B(convert<double>(uint64_t{0x8000000000000C00ull})), 0x43E0000000000002ull);  // tie up
  EXPECT_EQ(B(convert<double>(int64_t{0x20000000000001ll})), 0x4340000000000000ull);
  EXPECT_EQ(convert<double>(uint32_t{0xFFFFFFFFu}), 4294967295.0);
  EXPECT_EQ(convert<double>(int32_t{INT32_MIN}), -2147483648.0);
}

TEST(NumericConvert, DemotePromote) {
  EXPECT_EQ(B(demote(D(kF64CanonNaN))), kF32CanonNaN);
  EXPECT_EQ(B(demote(D(0xFFF8000000000000ull))), 0xFFC00000u);
  EXPECT_TRUE(is_arithmetic_f32(B(demote(D(kF64SNaN)))));
  EXPECT_EQ(B(demote(D(kF64SNaN))), 0x7FE00000u);  // payload top bits kept, quieted
  EXPECT_EQ(B(promote(F(kF32CanonNaN))), kF64CanonNaN);
  EXPECT_EQ(B(promote(F(kF32SNaN))), 0x7FFC000000000000ull);
  EXPECT_EQ(B(promote(F(0xFFC00001u))), 0xFFF8000020000000ull);
  EXPECT_EQ(B(demote(D(0x3690000000000000ull))), 0u);            // 2^-150: tie, to 0 (even)
  EXPECT_EQ(B(demote(D(0x3690000000000001ull))), 1u);            // just above: 2^-149
  EXPECT_EQ(B(demote(D(0x47EFFFFFEFFFFFFFull))), 0x7F7FFFFFu);   // below the overflow threshold
  EXPECT_EQ(B(demote(D(0x47EFFFFFF0000000ull))), 0x7F800000u);   // at it: infinity
  EXPECT_EQ(B(demote(-0.0)), 0x80000000u);
  EXPECT_EQ(promote(1.5f), 1.5);
  EXPECT_EQ(B(promote(F(1u))), 0x36A0000000000000ull);
}

}  // namespace
}  // namespace wasmslot::num
