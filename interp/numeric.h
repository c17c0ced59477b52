// Numeric semantics (spec section 4.3 "Numerics"): every operator whose exact
// behaviour is subtle, as pure functions named after the spec's operators.
//
// The dispatch loop calls these and nothing else for the tricky cases, so each
// rule is written once, here, and unit-tested in tests/numeric_test.cpp:
//   - integers are bit patterns; signedness is a property of the operator
//     (idiv_s, ishr_u, ...), never of the value;
//   - shift and rotate counts are taken modulo the width;
//   - division traps on zero, and idiv_s traps on MIN / -1 (the one quotient
//     that does not fit); irem_s of MIN by -1 is 0;
//   - float results that are NaN follow the spec's NaN propagation rule: if
//     every NaN input is canonical the result is a canonical NaN, otherwise it
//     is an arithmetic NaN (quiet bit set). abs, neg and copysign only touch
//     the sign bit and keep any payload as is;
//   - trunc to an integer traps on NaN ("invalid conversion to integer") and
//     on values whose integer part does not fit ("integer overflow");
//     trunc_sat clamps instead;
//   - conversions round to nearest, ties to even, with a single rounding.
//
// Portability note: +, -, *, / and sqrt are done by the hardware. IEEE 754
// hardware (x86-64 SSE, AArch64) already returns a quieted input NaN or a
// canonical NaN for them, which is what the spec asks. Every other operator
// that can see a NaN handles it explicitly below.
#pragma once

#include <bit>
#include <cmath>
#include <concepts>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "interp/trap.h"

namespace wasmslot::num {

// ---------------------------------------------------------------------------
// Integer operators (spec 4.3.2 "Integer Operations")

template <class T>
inline constexpr unsigned kBits = sizeof(T) * 8;

// Shifts and rotations: the count is taken modulo the width, so a shift by 32
// of an i32 is a shift by 0 (unlike C++, where it is undefined).
template <std::unsigned_integral U>
constexpr U ishl(U a, U k) { return static_cast<U>(a << (k & (kBits<U> - 1))); }

template <std::unsigned_integral U>
constexpr U ishr_u(U a, U k) { return static_cast<U>(a >> (k & (kBits<U> - 1))); }

// Arithmetic shift: the sign bit is copied in from the left (C++20 defines >>
// on negative signed values as exactly this).
template <std::unsigned_integral U>
constexpr U ishr_s(U a, U k) {
  using S = std::make_signed_t<U>;
  return static_cast<U>(static_cast<S>(a) >> (k & (kBits<U> - 1)));
}

template <std::unsigned_integral U>
constexpr U irotl(U a, U k) { return std::rotl(a, static_cast<int>(k & (kBits<U> - 1))); }

template <std::unsigned_integral U>
constexpr U irotr(U a, U k) { return std::rotr(a, static_cast<int>(k & (kBits<U> - 1))); }

// Bit counts. clz and ctz of 0 are the width.
template <std::unsigned_integral U>
constexpr U iclz(U a) { return static_cast<U>(std::countl_zero(a)); }
template <std::unsigned_integral U>
constexpr U ictz(U a) { return static_cast<U>(std::countr_zero(a)); }
template <std::unsigned_integral U>
constexpr U ipopcnt(U a) { return static_cast<U>(std::popcount(a)); }

// Division. The result goes to `out`; the return value says whether it traps.
template <std::unsigned_integral U>
constexpr TrapKind idiv_u(U a, U b, U& out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  out = a / b;
  return TrapKind::None;
}

template <std::unsigned_integral U>
constexpr TrapKind irem_u(U a, U b, U& out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  out = a % b;
  return TrapKind::None;
}

// Signed division truncates toward zero. MIN / -1 = -MIN does not fit.
template <std::signed_integral S>
constexpr TrapKind idiv_s(S a, S b, S& out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  if (a == std::numeric_limits<S>::min() && b == -1) return TrapKind::IntegerOverflow;
  out = a / b;
  return TrapKind::None;
}

// The remainder takes the sign of the dividend. MIN % -1 is mathematically 0,
// but C++ (and the x86 idiv instruction) would fault on it: answer directly.
template <std::signed_integral S>
constexpr TrapKind irem_s(S a, S b, S& out) {
  if (b == 0) return TrapKind::IntegerDivideByZero;
  out = (b == -1) ? 0 : a % b;
  return TrapKind::None;
}

// Sign extension (Wasm 2.0 extendN_s): keep the low bits of `Narrow`, then
// copy its sign bit into all the higher bits.
template <std::signed_integral Narrow, std::unsigned_integral U>
constexpr U iextend_s(U a) {
  return static_cast<U>(static_cast<std::make_signed_t<U>>(static_cast<Narrow>(a)));
}

// ---------------------------------------------------------------------------
// IEEE 754 bit layout (spec 4.3.1 "Representations")

template <std::floating_point F>
struct FloatBits;

template <>
struct FloatBits<float> {
  using U = uint32_t;
  static constexpr U kSign = 0x80000000u;
  static constexpr U kExponent = 0x7F800000u;  // all ones: infinity or NaN
  static constexpr U kQuiet = 0x00400000u;     // top payload bit: quiet NaN
  static constexpr int kMantissaBits = 23;
};

template <>
struct FloatBits<double> {
  using U = uint64_t;
  static constexpr U kSign = 0x8000000000000000ull;
  static constexpr U kExponent = 0x7FF0000000000000ull;
  static constexpr U kQuiet = 0x0008000000000000ull;
  static constexpr int kMantissaBits = 52;
};

template <std::floating_point F>
constexpr typename FloatBits<F>::U bits(F x) { return std::bit_cast<typename FloatBits<F>::U>(x); }

template <std::floating_point F>
constexpr F from_bits(typename FloatBits<F>::U b) { return std::bit_cast<F>(b); }

// NaN tested on bits: exponent all ones and a nonzero payload.
template <std::floating_point F>
constexpr bool is_nan(F x) {
  using B = FloatBits<F>;
  return (bits(x) & ~B::kSign) > B::kExponent;
}

// The canonical NaN: only the quiet bit in the payload (positive sign; the
// spec accepts either sign for canonical NaN results).
template <std::floating_point F>
constexpr F canonical_nan() {
  using B = FloatBits<F>;
  return from_bits<F>(B::kExponent | B::kQuiet);
}

// An input NaN made quiet: an arithmetic NaN that is canonical exactly when
// the input was (canonical payload = the quiet bit alone, which stays alone).
template <std::floating_point F>
constexpr F quiet(F x) { return from_bits<F>(bits(x) | FloatBits<F>::kQuiet); }

template <std::floating_point F>
constexpr bool sign_bit(F x) { return (bits(x) & FloatBits<F>::kSign) != 0; }

// ---------------------------------------------------------------------------
// Float operators (spec 4.3.3 "Floating-Point Operations")

// Sign-bit operations: never arithmetic, so NaN payloads pass untouched.
template <std::floating_point F>
constexpr F fabs(F x) { return from_bits<F>(bits(x) & ~FloatBits<F>::kSign); }

template <std::floating_point F>
constexpr F fneg(F x) { return from_bits<F>(bits(x) ^ FloatBits<F>::kSign); }

template <std::floating_point F>
constexpr F fcopysign(F x, F y) {
  using B = FloatBits<F>;
  return from_bits<F>((bits(x) & ~B::kSign) | (bits(y) & B::kSign));
}

// The hardware operators (see the portability note at the top).
template <std::floating_point F> F fadd(F a, F b) { return a + b; }
template <std::floating_point F> F fsub(F a, F b) { return a - b; }
template <std::floating_point F> F fmul(F a, F b) { return a * b; }
template <std::floating_point F> F fdiv(F a, F b) { return a / b; }

template <std::floating_point F>
F fsqrt(F x) {
  if (is_nan(x)) return quiet(x);
  return std::sqrt(x);  // negative -> the hardware's canonical NaN
}

// min/max: a NaN operand wins (quieted); otherwise -0 is below +0, which a
// plain `<` cannot see (-0 == +0), hence the sign test when equal.
template <std::floating_point F>
constexpr F fmin(F a, F b) {
  if (is_nan(a)) return quiet(a);
  if (is_nan(b)) return quiet(b);
  if (a == b) return sign_bit(a) ? a : b;  // min(-0, +0) = -0
  return a < b ? a : b;
}

template <std::floating_point F>
constexpr F fmax(F a, F b) {
  if (is_nan(a)) return quiet(a);
  if (is_nan(b)) return quiet(b);
  if (a == b) return sign_bit(a) ? b : a;  // max(-0, +0) = +0
  return a > b ? a : b;
}

// Rounding to an integral value. The library functions keep the sign of zero
// (ceil(-0.5) = -0) and are exact; a NaN is quieted here explicitly because a
// library may return a signaling NaN unchanged.
template <std::floating_point F>
F fceil(F x) { return is_nan(x) ? quiet(x) : std::ceil(x); }

template <std::floating_point F>
F ffloor(F x) { return is_nan(x) ? quiet(x) : std::floor(x); }

template <std::floating_point F>
F ftrunc(F x) { return is_nan(x) ? quiet(x) : std::trunc(x); }

// Round to nearest, ties to even (2.5 -> 2, 3.5 -> 4, -0.5 -> -0): this is
// nearbyint in the default rounding mode, which the runtime never changes.
template <std::floating_point F>
F fnearest(F x) { return is_nan(x) ? quiet(x) : std::nearbyint(x); }

// ---------------------------------------------------------------------------
// Conversions (spec 4.3.4 "Conversions")

// 2^n, exactly, in F (every power of two used here is representable).
template <std::floating_point F>
constexpr F pow2(int n) {
  F r = 1;
  while (n-- > 0) r *= 2;
  return r;
}

// trunc_s / trunc_u: the integer part of x must fit in I. Comparing the
// truncated value against powers of two is exact in both float widths (unlike
// comparing against INT_MAX, which f32 cannot represent).
template <std::integral I, std::floating_point F>
TrapKind trunc(F x, I& out) {
  if (is_nan(x)) return TrapKind::InvalidConversion;
  const F t = std::trunc(x);
  constexpr int N = kBits<I>;
  if constexpr (std::is_signed_v<I>) {
    if (t < -pow2<F>(N - 1) || t >= pow2<F>(N - 1)) return TrapKind::IntegerOverflow;
  } else {
    // t > -1 admits -0.9 (which truncates to -0, that is 0).
    if (t <= F(-1) || t >= pow2<F>(N)) return TrapKind::IntegerOverflow;
  }
  out = static_cast<I>(t);
  return TrapKind::None;
}

// trunc_sat (Wasm 2.0): never traps. NaN gives 0; out-of-range values clamp
// to the smallest or largest integer.
template <std::integral I, std::floating_point F>
I trunc_sat(F x) {
  if (is_nan(x)) return 0;
  const F t = std::trunc(x);
  constexpr int N = kBits<I>;
  constexpr F lo = std::is_signed_v<I> ? -pow2<F>(N - 1) : F(0);
  constexpr F hi = std::is_signed_v<I> ? pow2<F>(N - 1) : pow2<F>(N);
  if (t < lo) return std::numeric_limits<I>::min();
  if (t >= hi) return std::numeric_limits<I>::max();
  return static_cast<I>(t);
}

// convert_s / convert_u: integer to float, rounded once, to nearest even.
// Signed 32- and 64-bit conversions are single hardware instructions that
// round correctly. An unsigned 64-bit value with its top bit set does not fit
// the signed instruction: halve it first, folding the bit shifted out into the
// lowest bit ("sticky bit") so that the one rounding still sees whether the
// discarded part was zero, below, at or above half; then double (exact).
// Going through double instead would round twice and be wrong for values like
// 0x0020000020000001.
template <std::floating_point F, std::integral I>
F convert(I x) {
  if constexpr (std::is_same_v<I, uint64_t>) {
    if (x >> 63) {
      const uint64_t halved = (x >> 1) | (x & 1);
      return static_cast<F>(static_cast<int64_t>(halved)) * F(2);
    }
    return static_cast<F>(static_cast<int64_t>(x));
  } else if constexpr (std::is_same_v<I, uint32_t>) {
    return static_cast<F>(static_cast<int64_t>(x));  // every u32 fits i64 exactly
  } else {
    return static_cast<F>(x);
  }
}

// demote: f64 -> f32, rounded to nearest (overflowing to infinity). A NaN
// keeps its sign and the top bits of its payload, and is quieted: canonical
// stays canonical, any other NaN becomes arithmetic.
inline float demote(double x) {
  if (is_nan(x)) {
    const uint64_t b = bits(x);
    const uint32_t sign = static_cast<uint32_t>(b >> 32) & FloatBits<float>::kSign;
    const uint32_t payload = static_cast<uint32_t>((b & 0x000FFFFFFFFFFFFFull) >> 29);
    return from_bits<float>(sign | FloatBits<float>::kExponent | FloatBits<float>::kQuiet | payload);
  }
  return static_cast<float>(x);
}

// promote: f32 -> f64 is exact; NaNs as for demote.
inline double promote(float x) {
  if (is_nan(x)) {
    const uint32_t b = bits(x);
    const uint64_t sign = static_cast<uint64_t>(b & FloatBits<float>::kSign) << 32;
    const uint64_t payload = static_cast<uint64_t>(b & 0x007FFFFFu) << 29;
    return from_bits<double>(sign | FloatBits<double>::kExponent | FloatBits<double>::kQuiet | payload);
  }
  return static_cast<double>(x);
}

}  // namespace wasmslot::num
