// The lane semantics of the fixed-width SIMD instructions (Wasm 2.0, spec
// section 4.3 "Numerics" applied lanewise, and 4.4.3 "Vector Instructions").
//
// One pure function per instruction of interp/opcodes_simd.def, named like
// its enumerator (i8x16_add, f32x4_pmin, v128_load8x8_s, ...), so that an
// X-macro can dispatch to them mechanically. A family of instructions that
// several shapes share (add, eq, extend_low_..._s, ...) is defined once, by
// a macro that takes the shape's name and lane types: look for `##_add`. The
// calling convention:
//
//   * operands in stack order (the first pushed is the first parameter),
//     then the immediates;
//   * v128 operands and results are V128; i32 is uint32_t, i64 is uint64_t;
//     f32 and f64 are passed as their bits (uint32_t, uint64_t), like the
//     interpreter's cells, so a signalling NaN moved by splat, extract_lane
//     or replace_lane keeps its exact bits;
//   * immediates: a lane index is `unsigned lane`; the 16 lane indices of
//     i8x16.shuffle are a V128 (byte i = index i), as the binary stores them;
//   * memory instructions take a pointer to the accessed bytes: the
//     interpreter computes the effective address, checks it against the
//     memory's size (access_bytes() gives the width) and passes mem + ea.
//     A memory is little endian whatever the host is; the functions read and
//     write byte by byte, which compilers turn into plain loads and stores.
//
// Everything is portable C++20: no intrinsics, no assumption about the
// host's byte order (lanes are extracted with shifts, not by aliasing).
// Performance is secondary to being obviously right; the loops are short and
// fixed-length, so an optimising compiler unrolls them.
#pragma once

#include <bit>
#include <cfloat>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

namespace wasmslot::simd {

// The float instructions rely on the host computing IEEE 754 binary32 and
// binary64 arithmetic in round-to-nearest-even, without excess precision
// (x87 code would round twice and silently quiet signalling NaNs).
static_assert(std::numeric_limits<float>::is_iec559 && std::numeric_limits<double>::is_iec559);
static_assert(FLT_EVAL_METHOD == 0, "float expressions must be evaluated in their own type");

// ---------------------------------------------------------------------------
// The value: 128 bits, as two 64-bit halves. Byte k of the vector (byte k in
// memory, lane k of i8x16) is bits 8k..8k+7 of the 128-bit number, i.e. lanes
// are numbered from the least significant end. `lo` holds bytes 0-7 and is
// the first of the value's two stack cells.
struct V128 {
  uint64_t lo = 0;
  uint64_t hi = 0;
  bool operator==(const V128&) const = default;
};

// The unsigned integer type of each lane width; floats are handled through
// their bits so NaN payloads never pass through a float register unasked.
template <unsigned Bytes> struct UintOfSize;
template <> struct UintOfSize<1> { using type = uint8_t; };
template <> struct UintOfSize<2> { using type = uint16_t; };
template <> struct UintOfSize<4> { using type = uint32_t; };
template <> struct UintOfSize<8> { using type = uint64_t; };
template <class L> using Bits = typename UintOfSize<sizeof(L)>::type;

template <class L> inline constexpr unsigned kLanes = 16 / sizeof(L);

// Lane i of v, read as type L (int8_t ... uint64_t, float, double).
template <class L>
constexpr L lane(V128 v, unsigned i) {
  constexpr unsigned per_half = 8 / sizeof(L);
  const uint64_t half = i < per_half ? v.lo : v.hi;
  const unsigned shift = 8 * sizeof(L) * (i % per_half);
  return std::bit_cast<L>(static_cast<Bits<L>>(half >> shift));
}

// Overwrite lane i of v with x.
template <class L>
constexpr void set_lane(V128& v, unsigned i, L x) {
  constexpr unsigned per_half = 8 / sizeof(L);
  constexpr uint64_t ones = sizeof(L) == 8 ? ~uint64_t{0} : (uint64_t{1} << (8 * sizeof(L))) - 1;
  const unsigned shift = 8 * sizeof(L) * (i % per_half);
  uint64_t& half = i < per_half ? v.lo : v.hi;
  half = (half & ~(ones << shift)) | (static_cast<uint64_t>(std::bit_cast<Bits<L>>(x)) << shift);
}

// A vector from its lanes, lane 0 first (what `v128.const i16x8 ...` writes).
template <class L, class... Ls>
constexpr V128 from_lanes(Ls... xs) {
  static_assert(sizeof...(xs) == kLanes<L>, "give every lane");
  V128 r;
  unsigned i = 0;
  ((set_lane<L>(r, i++, static_cast<L>(xs))), ...);
  return r;
}

// ---------------------------------------------------------------------------
// Building blocks. Every lanewise instruction is one of these shapes.
namespace detail {

// The one loop of this file. Every instruction that computes its result lane
// by lane does it the same way: lane i of the result, of type R, is some
// function of i (of lane i of the operands, mostly, but also of lanes 2i and
// 2i+1, or of lane i of the high half). So the instructions give only that
// function, as a lambda, and this loop does the rest. The first N lanes are
// computed; the others stay zero (the _zero conversions fill two lanes of
// four). The lambda is inlined and the loop has a constant trip count, so
// an optimising compiler emits the same straight-line code as for a loop
// written out in each instruction.
template <class R, unsigned N = kLanes<R>, class Fn>
constexpr V128 make_lanes(Fn f) {
  static_assert(N <= kLanes<R>);
  V128 r;
  for (unsigned i = 0; i < N; ++i) set_lane<R>(r, i, static_cast<R>(f(i)));
  return r;
}

// The commonest shapes: lane i of the result is f of lane i of each operand.
template <class L, class Fn>
constexpr V128 map(V128 a, Fn f) {
  return make_lanes<L>([&](unsigned i) { return f(lane<L>(a, i)); });
}
template <class L, class Fn>
constexpr V128 map(V128 a, V128 b, Fn f) {
  return make_lanes<L>([&](unsigned i) { return f(lane<L>(a, i), lane<L>(b, i)); });
}

// Comparisons produce a mask: all ones in a lane where the relation holds,
// all zeros elsewhere (so the result can feed v128.bitselect directly).
template <class L, class Pred>
constexpr V128 compare(V128 a, V128 b, Pred p) {
  constexpr Bits<L> kTrue = static_cast<Bits<L>>(~Bits<L>{0});
  return make_lanes<Bits<L>>([&](unsigned i) { return p(lane<L>(a, i), lane<L>(b, i)) ? kTrue : 0; });
}

// --- integer lanes -----------------------------------------------------------
// Wrapping arithmetic is done on unsigned types widened to 64 bits: C++
// promotes uint16_t to int, and 0xFFFF * 0xFFFF would overflow int (UB).
template <class U> constexpr V128 add(V128 a, V128 b) {
  return map<U>(a, b, [](U x, U y) { return static_cast<U>(uint64_t{x} + y); });
}
template <class U> constexpr V128 sub(V128 a, V128 b) {
  return map<U>(a, b, [](U x, U y) { return static_cast<U>(uint64_t{x} - y); });
}
template <class U> constexpr V128 mul(V128 a, V128 b) {
  return map<U>(a, b, [](U x, U y) { return static_cast<U>(uint64_t{x} * y); });
}
template <class U> constexpr V128 neg(V128 a) {
  return map<U>(a, [](U x) { return static_cast<U>(uint64_t{0} - x); });
}
// abs of the most negative value is itself (its negation wraps around):
// i8x16.abs(-128) = -128, which read unsigned is 128, the true |x|.
template <class S> constexpr V128 abs(V128 a) {
  using U = Bits<S>;
  return map<S>(a, [](S x) {
    return x < 0 ? static_cast<S>(static_cast<U>(uint64_t{0} - static_cast<U>(x))) : x;
  });
}

// Saturating add/sub (i8x16 and i16x8 only): the exact result fits in int32,
// then it is clamped to L's range instead of wrapping.
template <class L> constexpr L saturate(int64_t x) {
  if (x < std::numeric_limits<L>::min()) return std::numeric_limits<L>::min();
  if (x > std::numeric_limits<L>::max()) return std::numeric_limits<L>::max();
  return static_cast<L>(x);
}
template <class L> constexpr V128 add_sat(V128 a, V128 b) {
  return map<L>(a, b, [](L x, L y) { return saturate<L>(int64_t{x} + y); });
}
template <class L> constexpr V128 sub_sat(V128 a, V128 b) {
  return map<L>(a, b, [](L x, L y) { return saturate<L>(int64_t{x} - y); });
}

template <class L> constexpr V128 min(V128 a, V128 b) {
  return map<L>(a, b, [](L x, L y) { return y < x ? y : x; });
}
template <class L> constexpr V128 max(V128 a, V128 b) {
  return map<L>(a, b, [](L x, L y) { return x < y ? y : x; });
}
// Rounding average: (x + y + 1) / 2 computed without overflow, so 255 and
// 255 average to 255 and 0 and 1 average to 1 (halves round up).
template <class U> constexpr V128 avgr_u(V128 a, V128 b) {
  return map<U>(a, b, [](U x, U y) { return static_cast<U>((uint64_t{x} + y + 1) >> 1); });
}

// Shifts take the count modulo the lane width, like the scalar shifts do
// modulo 32 or 64: i8x16.shl by 9 shifts by 1.
template <class U> constexpr V128 shl(V128 a, uint32_t count) {
  const unsigned k = count % (8 * sizeof(U));
  return map<U>(a, [k](U x) { return static_cast<U>(uint64_t{x} << k); });
}
// C++20 defines >> of a negative value as the arithmetic (sign-filling) shift.
template <class S> constexpr V128 shr_s(V128 a, uint32_t count) {
  const unsigned k = count % (8 * sizeof(S));
  return map<S>(a, [k](S x) { return static_cast<S>(int64_t{x} >> k); });
}
template <class U> constexpr V128 shr_u(V128 a, uint32_t count) {
  const unsigned k = count % (8 * sizeof(U));
  return map<U>(a, [k](U x) { return static_cast<U>(x >> k); });
}

template <class U> constexpr uint32_t all_true(V128 a) {
  for (unsigned i = 0; i < kLanes<U>; ++i)
    if (lane<U>(a, i) == 0) return 0;
  return 1;
}
// Bit i of the result is the top (sign) bit of lane i.
template <class S> constexpr uint32_t bitmask(V128 a) {
  uint32_t r = 0;
  for (unsigned i = 0; i < kLanes<S>; ++i)
    if (lane<S>(a, i) < 0) r |= uint32_t{1} << i;
  return r;
}

// Narrowing: the lanes of a then those of b, each *signed* input clamped to
// the range of the narrower type To (signed or unsigned). Note that _u
// narrowing still reads its inputs as signed: -1 becomes 0, not 255.
template <class From, class To> constexpr V128 narrow(V128 a, V128 b) {
  constexpr unsigned n = kLanes<From>;
  return make_lanes<To>([&](unsigned i) { return saturate<To>(i < n ? lane<From>(a, i) : lane<From>(b, i - n)); });
}

// Extension: the low or high half of the lanes, sign- or zero-extended
// (the signedness is that of From) to twice their width.
template <class From, class To> constexpr V128 extend(V128 a, bool high) {
  const unsigned base = high ? kLanes<To> : 0;
  return make_lanes<To>([&](unsigned i) { return lane<From>(a, base + i); });
}

// Extended multiplication: extend the low or high halves of both operands,
// then multiply in the wide type, where the product always fits: -128 * -128
// = 2^14 fits i16, 255 * 255 = 65025 fits u16, -32768 * -32768 = 2^30 fits
// i32. The product is formed in 64 bits, signed or unsigned like From: the
// product of two u32 can exceed INT64_MAX (signed overflow is UB), but not
// UINT64_MAX.
template <class From, class To> constexpr V128 extmul(V128 a, V128 b, bool high) {
  using Wide = std::conditional_t<std::is_signed_v<From>, int64_t, uint64_t>;
  const unsigned base = high ? kLanes<To> : 0;
  return make_lanes<To>([&](unsigned i) { return Wide{lane<From>(a, base + i)} * lane<From>(b, base + i); });
}

// Pairwise widening add: lane i of the result is a[2i] + a[2i+1], extended.
template <class From, class To> constexpr V128 extadd_pairwise(V128 a) {
  return make_lanes<To>([&](unsigned i) { return int64_t{lane<From>(a, 2 * i)} + lane<From>(a, 2 * i + 1); });
}

// --- float lanes ---------------------------------------------------------------
template <class F> constexpr Bits<F> kSignBit = Bits<F>{1} << (8 * sizeof(F) - 1);
// The canonical NaN: quiet bit set, rest of the payload zero, sign positive.
template <class F> constexpr Bits<F> kCanonicalNan =
    sizeof(F) == 4 ? Bits<F>{0x7FC00000u} : static_cast<Bits<F>>(0x7FF8000000000000ull);

// The spec lets an operation that produces a NaN return any NaN of the set
// nans{inputs}: the canonical NaN always belongs to it (and an arithmetic
// NaN, quiet bit set, when some input was a non-canonical NaN). The canonical
// NaN is a valid answer in every case, so we always give it: the result is
// then the same on every host, whatever its hardware does with payloads.
template <class F> constexpr Bits<F> canon(F x) {
  return std::isnan(x) ? kCanonicalNan<F> : std::bit_cast<Bits<F>>(x);
}

// Lanewise float operation whose NaN results are canonicalised.
template <class F, class Fn> constexpr V128 fmap(V128 a, Fn f) {
  return make_lanes<Bits<F>>([&](unsigned i) { return canon<F>(f(lane<F>(a, i))); });
}
template <class F, class Fn> constexpr V128 fmap(V128 a, V128 b, Fn f) {
  return make_lanes<Bits<F>>([&](unsigned i) { return canon<F>(f(lane<F>(a, i), lane<F>(b, i))); });
}

// min/max as f32.min/f32.max: NaN if either operand is NaN, and -0 < +0
// (which IEEE comparison does not see: -0 == +0).
template <class F> constexpr F fmin(F x, F y) {
  if (std::isnan(x) || std::isnan(y)) return std::bit_cast<F>(kCanonicalNan<F>);
  if (x == y) return std::signbit(x) ? x : y;  // equal, or +0/-0: prefer -0
  return x < y ? x : y;
}
template <class F> constexpr F fmax(F x, F y) {
  if (std::isnan(x) || std::isnan(y)) return std::bit_cast<F>(kCanonicalNan<F>);
  if (x == y) return std::signbit(x) ? y : x;  // prefer +0
  return x < y ? y : x;
}

// Pseudo-min/max: exactly `b < a ? b : a` and `a < b ? b : a`, the C
// expressions (and the x86 minps/maxps instructions) they are named after.
// Unlike min/max they are not symmetric: when the comparison is false (a NaN
// operand, or +0 vs -0) the *first* operand is returned, bit for bit, NaN
// payload and all. So no canonicalisation here, and we select bits rather than
// returning a float, to move the chosen operand untouched.
template <class F> constexpr V128 pmin(V128 a, V128 b) {
  return make_lanes<Bits<F>>(
      [&](unsigned i) { return lane<F>(b, i) < lane<F>(a, i) ? lane<Bits<F>>(b, i) : lane<Bits<F>>(a, i); });
}
template <class F> constexpr V128 pmax(V128 a, V128 b) {
  return make_lanes<Bits<F>>(
      [&](unsigned i) { return lane<F>(a, i) < lane<F>(b, i) ? lane<Bits<F>>(b, i) : lane<Bits<F>>(a, i); });
}

// abs and neg only touch the sign bit, also of NaNs: they are bit operations,
// not arithmetic, and never canonicalise.
template <class F> constexpr V128 fabs(V128 a) {
  return map<Bits<F>>(a, [](Bits<F> x) { return static_cast<Bits<F>>(x & ~kSignBit<F>); });
}
template <class F> constexpr V128 fneg(V128 a) {
  return map<Bits<F>>(a, [](Bits<F> x) { return static_cast<Bits<F>>(x ^ kSignBit<F>); });
}

// Round to nearest, ties to even, keeping the sign of zero (nearest(-0.5) is
// -0). Written out instead of std::nearbyint so the result does not depend on
// the host's current rounding mode.
template <class F> F nearest(F x) {
  // From 2^23 (f32) or 2^52 (f64) on every float is an integer; NaN and the
  // infinities also return as they are.
  constexpr F integral_from = sizeof(F) == 4 ? F(8388608.0) : F(4503599627370496.0);
  if (!(std::fabs(x) < integral_from)) return x;
  const F t = std::trunc(x);
  const F frac = std::fabs(x - t);  // exact: x and t share their high bits
  F r = t;
  if (frac > F(0.5) || (frac == F(0.5) && std::fmod(t, F(2)) != 0)) r = t + std::copysign(F(1), x);
  return std::copysign(r, x);
}

// Saturating truncation to a 32-bit integer: NaN gives 0, values beyond the
// range give its nearest bound. The bounds 2^31, -2^31 and 2^32 are exact in
// both float and double, so comparing the truncated value with them is exact.
template <class I, class F> constexpr I trunc_sat(F x) {
  static_assert(sizeof(I) == 4);
  if (std::isnan(x)) return 0;
  const F t = std::trunc(x);
  constexpr F upper = std::is_signed_v<I> ? F(2147483648.0) : F(4294967296.0);
  constexpr F lower = std::is_signed_v<I> ? F(-2147483648.0) : F(0.0);
  if (t >= upper) return std::numeric_limits<I>::max();
  if (t <= lower) return std::numeric_limits<I>::min();
  return static_cast<I>(t);
}

// Conversion between shapes: lane i of the result, of type To, is f of lane i
// of a, read as From. Only the first N lanes are converted (when the shapes'
// lane counts differ, those that both have); the others are zero.
template <class From, class To, unsigned N = kLanes<To>, class Fn>
constexpr V128 convert(V128 a, Fn f) {
  return make_lanes<To, N>([&](unsigned i) { return f(lane<From>(a, i)); });
}

}  // namespace detail

// ---------------------------------------------------------------------------
// Byte-order-independent access to little-endian memory.
inline uint64_t read_le(const uint8_t* p, unsigned n) {
  uint64_t v = 0;
  for (unsigned i = 0; i < n; ++i) v |= uint64_t{p[i]} << (8 * i);
  return v;
}
inline void write_le(uint8_t* p, uint64_t v, unsigned n) {
  for (unsigned i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

// ---------------------------------------------------------------------------
// The instructions, grouped by kind in about the order of opcodes_simd.def.

// --- memory: loads and stores ---
inline V128 v128_load(const uint8_t* p) { return {read_le(p, 8), read_le(p + 8, 8)}; }
// loadNxM: M lanes of N bits, extended to 2N bits.
inline V128 v128_load8x8_s(const uint8_t* p) { return detail::extend<int8_t, int16_t>({read_le(p, 8), 0}, false); }
inline V128 v128_load8x8_u(const uint8_t* p) { return detail::extend<uint8_t, uint16_t>({read_le(p, 8), 0}, false); }
inline V128 v128_load16x4_s(const uint8_t* p) { return detail::extend<int16_t, int32_t>({read_le(p, 8), 0}, false); }
inline V128 v128_load16x4_u(const uint8_t* p) { return detail::extend<uint16_t, uint32_t>({read_le(p, 8), 0}, false); }
inline V128 v128_load32x2_s(const uint8_t* p) { return detail::extend<int32_t, int64_t>({read_le(p, 8), 0}, false); }
inline V128 v128_load32x2_u(const uint8_t* p) { return detail::extend<uint32_t, uint64_t>({read_le(p, 8), 0}, false); }
inline V128 i8x16_splat(uint32_t x);
inline V128 i16x8_splat(uint32_t x);
inline V128 i32x4_splat(uint32_t x);
inline V128 i64x2_splat(uint64_t x);
inline V128 v128_load8_splat(const uint8_t* p) { return i8x16_splat(p[0]); }
inline V128 v128_load16_splat(const uint8_t* p) { return i16x8_splat(static_cast<uint32_t>(read_le(p, 2))); }
inline V128 v128_load32_splat(const uint8_t* p) { return i32x4_splat(static_cast<uint32_t>(read_le(p, 4))); }
inline V128 v128_load64_splat(const uint8_t* p) { return i64x2_splat(read_le(p, 8)); }
inline void v128_store(uint8_t* p, V128 v) {
  write_le(p, v.lo, 8);
  write_le(p + 8, v.hi, 8);
}

// --- constant, shuffle, swizzle ---
inline V128 v128_const(V128 imm) { return imm; }
// Byte i of the result is byte lanes[i] of the 32-byte concatenation a ++ b.
// The validator has checked every index < 32; the & 31 only keeps this
// function memory-safe if handed an unchecked one.
inline V128 i8x16_shuffle(V128 a, V128 b, V128 lanes) {
  return detail::make_lanes<uint8_t>([&](unsigned i) {
    const unsigned k = lane<uint8_t>(lanes, i) & 31;
    return k < 16 ? lane<uint8_t>(a, k) : lane<uint8_t>(b, k - 16);
  });
}
// Like shuffle, but the indices are a run-time operand, and any index >= 16
// (including those >= 128, not taken modulo anything) selects 0.
inline V128 i8x16_swizzle(V128 a, V128 s) {
  return detail::make_lanes<uint8_t>([&](unsigned i) {
    const unsigned k = lane<uint8_t>(s, i);
    return k < 16 ? lane<uint8_t>(a, k) : uint8_t{0};
  });
}

// --- splat: the scalar in every lane (i8 and i16 take the low bits of an i32) ---
inline V128 i8x16_splat(uint32_t x) { return detail::make_lanes<uint8_t>([x](unsigned) { return x; }); }
inline V128 i16x8_splat(uint32_t x) { return detail::make_lanes<uint16_t>([x](unsigned) { return x; }); }
inline V128 i32x4_splat(uint32_t x) { return {x | uint64_t{x} << 32, x | uint64_t{x} << 32}; }
inline V128 i64x2_splat(uint64_t x) { return {x, x}; }
inline V128 f32x4_splat(uint32_t bits) { return i32x4_splat(bits); }
inline V128 f64x2_splat(uint64_t bits) { return i64x2_splat(bits); }

// --- lane access: extract_lane_s/_u extend a narrow lane to the i32 result ---
// The lane index is validated against the lane count; masking it again only
// keeps these functions memory-safe on their own.
inline uint32_t i8x16_extract_lane_s(V128 v, unsigned l) { return static_cast<uint32_t>(int32_t{lane<int8_t>(v, l & 15)}); }
inline uint32_t i8x16_extract_lane_u(V128 v, unsigned l) { return lane<uint8_t>(v, l & 15); }
inline V128 i8x16_replace_lane(V128 v, uint32_t x, unsigned l) { set_lane<uint8_t>(v, l & 15, static_cast<uint8_t>(x)); return v; }
inline uint32_t i16x8_extract_lane_s(V128 v, unsigned l) { return static_cast<uint32_t>(int32_t{lane<int16_t>(v, l & 7)}); }
inline uint32_t i16x8_extract_lane_u(V128 v, unsigned l) { return lane<uint16_t>(v, l & 7); }
inline V128 i16x8_replace_lane(V128 v, uint32_t x, unsigned l) { set_lane<uint16_t>(v, l & 7, static_cast<uint16_t>(x)); return v; }
inline uint32_t i32x4_extract_lane(V128 v, unsigned l) { return lane<uint32_t>(v, l & 3); }
inline V128 i32x4_replace_lane(V128 v, uint32_t x, unsigned l) { set_lane<uint32_t>(v, l & 3, x); return v; }
inline uint64_t i64x2_extract_lane(V128 v, unsigned l) { return lane<uint64_t>(v, l & 1); }
inline V128 i64x2_replace_lane(V128 v, uint64_t x, unsigned l) { set_lane<uint64_t>(v, l & 1, x); return v; }
inline uint32_t f32x4_extract_lane(V128 v, unsigned l) { return lane<uint32_t>(v, l & 3); }
inline V128 f32x4_replace_lane(V128 v, uint32_t bits, unsigned l) { set_lane<uint32_t>(v, l & 3, bits); return v; }
inline uint64_t f64x2_extract_lane(V128 v, unsigned l) { return lane<uint64_t>(v, l & 1); }
inline V128 f64x2_replace_lane(V128 v, uint64_t bits, unsigned l) { set_lane<uint64_t>(v, l & 1, bits); return v; }

// --- comparisons ---
// Each shape has eq and ne, and the four orderings, once or twice: the
// integer shapes name them by the signedness they read the lanes with
// (i8x16_lt_s, i8x16_lt_u), the float shapes have only one (f32x4_lt). T is
// the type the lanes are compared as: for the floats the float type, not its
// bits, since the comparisons are IEEE's: every relation with a NaN is false,
// except ne, which is true; -0 == +0.
#define WASMSLOT_SIMD_EQ(shape, T)                                                                             \
  inline V128 shape##_eq(V128 a, V128 b) { return detail::compare<T>(a, b, [](T x, T y) { return x == y; }); } \
  inline V128 shape##_ne(V128 a, V128 b) { return detail::compare<T>(a, b, [](T x, T y) { return x != y; }); }
#define WASMSLOT_SIMD_ORDER(shape, suffix, T)                                                                          \
  inline V128 shape##_lt##suffix(V128 a, V128 b) { return detail::compare<T>(a, b, [](T x, T y) { return x < y; }); }  \
  inline V128 shape##_gt##suffix(V128 a, V128 b) { return detail::compare<T>(a, b, [](T x, T y) { return x > y; }); }  \
  inline V128 shape##_le##suffix(V128 a, V128 b) { return detail::compare<T>(a, b, [](T x, T y) { return x <= y; }); } \
  inline V128 shape##_ge##suffix(V128 a, V128 b) { return detail::compare<T>(a, b, [](T x, T y) { return x >= y; }); }
WASMSLOT_SIMD_EQ(i8x16, uint8_t)
WASMSLOT_SIMD_ORDER(i8x16, _s, int8_t)
WASMSLOT_SIMD_ORDER(i8x16, _u, uint8_t)
WASMSLOT_SIMD_EQ(i16x8, uint16_t)
WASMSLOT_SIMD_ORDER(i16x8, _s, int16_t)
WASMSLOT_SIMD_ORDER(i16x8, _u, uint16_t)
WASMSLOT_SIMD_EQ(i32x4, uint32_t)
WASMSLOT_SIMD_ORDER(i32x4, _s, int32_t)
WASMSLOT_SIMD_ORDER(i32x4, _u, uint32_t)
WASMSLOT_SIMD_EQ(i64x2, uint64_t)
WASMSLOT_SIMD_ORDER(i64x2, _s, int64_t)  // i64x2 has no unsigned orderings
WASMSLOT_SIMD_EQ(f32x4, float)
WASMSLOT_SIMD_ORDER(f32x4, , float)
WASMSLOT_SIMD_EQ(f64x2, double)
WASMSLOT_SIMD_ORDER(f64x2, , double)
#undef WASMSLOT_SIMD_EQ
#undef WASMSLOT_SIMD_ORDER

// --- bitwise ---
inline V128 v128_not(V128 a) { return {~a.lo, ~a.hi}; }
inline V128 v128_and(V128 a, V128 b) { return {a.lo & b.lo, a.hi & b.hi}; }
inline V128 v128_andnot(V128 a, V128 b) { return {a.lo & ~b.lo, a.hi & ~b.hi}; }  // a & ~b
inline V128 v128_or(V128 a, V128 b) { return {a.lo | b.lo, a.hi | b.hi}; }
inline V128 v128_xor(V128 a, V128 b) { return {a.lo ^ b.lo, a.hi ^ b.hi}; }
// Bit by bit: where the mask c has a 1 take v1's bit, else v2's.
inline V128 v128_bitselect(V128 v1, V128 v2, V128 c) {
  return {(v1.lo & c.lo) | (v2.lo & ~c.lo), (v1.hi & c.hi) | (v2.hi & ~c.hi)};
}
inline uint32_t v128_any_true(V128 a) { return (a.lo | a.hi) != 0; }

// --- lane loads and stores: one lane from/to memory, the others untouched ---
inline V128 v128_load8_lane(const uint8_t* p, V128 v, unsigned l) { return i8x16_replace_lane(v, p[0], l); }
inline V128 v128_load16_lane(const uint8_t* p, V128 v, unsigned l) { return i16x8_replace_lane(v, static_cast<uint32_t>(read_le(p, 2)), l); }
inline V128 v128_load32_lane(const uint8_t* p, V128 v, unsigned l) { return i32x4_replace_lane(v, static_cast<uint32_t>(read_le(p, 4)), l); }
inline V128 v128_load64_lane(const uint8_t* p, V128 v, unsigned l) { return i64x2_replace_lane(v, read_le(p, 8), l); }
inline void v128_store8_lane(uint8_t* p, V128 v, unsigned l) { p[0] = lane<uint8_t>(v, l & 15); }
inline void v128_store16_lane(uint8_t* p, V128 v, unsigned l) { write_le(p, lane<uint16_t>(v, l & 7), 2); }
inline void v128_store32_lane(uint8_t* p, V128 v, unsigned l) { write_le(p, lane<uint32_t>(v, l & 3), 4); }
inline void v128_store64_lane(uint8_t* p, V128 v, unsigned l) { write_le(p, lane<uint64_t>(v, l & 1), 8); }
inline V128 v128_load32_zero(const uint8_t* p) { return {read_le(p, 4), 0}; }
inline V128 v128_load64_zero(const uint8_t* p) { return {read_le(p, 8), 0}; }

// --- float shape conversions ---
// demote: the two f64 lanes, rounded to f32, into lanes 0 and 1; lanes 2 and
// 3 are zero. promote_low: f32 lanes 0 and 1 widened (exactly) to f64.
inline V128 f32x4_demote_f64x2_zero(V128 a) {
  return detail::convert<double, uint32_t, 2>(a, [](double x) { return detail::canon<float>(static_cast<float>(x)); });
}
inline V128 f64x2_promote_low_f32x4(V128 a) {
  return detail::convert<float, uint64_t>(a, [](float x) { return detail::canon<double>(static_cast<double>(x)); });
}

// --- integer lanes ---
// The spec defines most integer instructions once, for every shape that has
// them (spec 4.4.3: ishape.abs, ishape.add, ...), and so do these macros,
// like the comparisons above: `shape` is the prefix of the names (i16x8), S
// and U are its signed and unsigned lane types. Instructions that wrap work
// on U (see detail::add); the comment before each macro says which shapes
// have its instructions.

// All four integer shapes.
#define WASMSLOT_SIMD_IOPS(shape, S, U)                                            \
  inline V128 shape##_abs(V128 a) { return detail::abs<S>(a); }                    \
  inline V128 shape##_neg(V128 a) { return detail::neg<U>(a); }                    \
  inline uint32_t shape##_all_true(V128 a) { return detail::all_true<U>(a); }      \
  inline uint32_t shape##_bitmask(V128 a) { return detail::bitmask<S>(a); }        \
  inline V128 shape##_shl(V128 a, uint32_t n) { return detail::shl<U>(a, n); }     \
  inline V128 shape##_shr_s(V128 a, uint32_t n) { return detail::shr_s<S>(a, n); } \
  inline V128 shape##_shr_u(V128 a, uint32_t n) { return detail::shr_u<U>(a, n); } \
  inline V128 shape##_add(V128 a, V128 b) { return detail::add<U>(a, b); }         \
  inline V128 shape##_sub(V128 a, V128 b) { return detail::sub<U>(a, b); }
// i8x16, i16x8, i32x4: i64x2 has no min and max.
#define WASMSLOT_SIMD_IMINMAX(shape, S, U)                                   \
  inline V128 shape##_min_s(V128 a, V128 b) { return detail::min<S>(a, b); } \
  inline V128 shape##_min_u(V128 a, V128 b) { return detail::min<U>(a, b); } \
  inline V128 shape##_max_s(V128 a, V128 b) { return detail::max<S>(a, b); } \
  inline V128 shape##_max_u(V128 a, V128 b) { return detail::max<U>(a, b); }
// i8x16 and i16x8: the saturating add and sub, and the rounding average.
#define WASMSLOT_SIMD_ISAT(shape, S, U)                                              \
  inline V128 shape##_add_sat_s(V128 a, V128 b) { return detail::add_sat<S>(a, b); } \
  inline V128 shape##_add_sat_u(V128 a, V128 b) { return detail::add_sat<U>(a, b); } \
  inline V128 shape##_sub_sat_s(V128 a, V128 b) { return detail::sub_sat<S>(a, b); } \
  inline V128 shape##_sub_sat_u(V128 a, V128 b) { return detail::sub_sat<U>(a, b); } \
  inline V128 shape##_avgr_u(V128 a, V128 b) { return detail::avgr_u<U>(a, b); }
// i16x8, i32x4, i64x2: mul (i8x16 has none), and the widening instructions,
// which read the low or high half of the shape `half` of half their width
// (HS and HU its lane types): extension, and multiplication of the extended
// lanes.
#define WASMSLOT_SIMD_IWIDEN(shape, half, S, U, HS, HU)                                                    \
  inline V128 shape##_mul(V128 a, V128 b) { return detail::mul<U>(a, b); }                                 \
  inline V128 shape##_extend_low_##half##_s(V128 a) { return detail::extend<HS, S>(a, false); }            \
  inline V128 shape##_extend_high_##half##_s(V128 a) { return detail::extend<HS, S>(a, true); }            \
  inline V128 shape##_extend_low_##half##_u(V128 a) { return detail::extend<HU, U>(a, false); }            \
  inline V128 shape##_extend_high_##half##_u(V128 a) { return detail::extend<HU, U>(a, true); }            \
  inline V128 shape##_extmul_low_##half##_s(V128 a, V128 b) { return detail::extmul<HS, S>(a, b, false); } \
  inline V128 shape##_extmul_high_##half##_s(V128 a, V128 b) { return detail::extmul<HS, S>(a, b, true); } \
  inline V128 shape##_extmul_low_##half##_u(V128 a, V128 b) { return detail::extmul<HU, U>(a, b, false); } \
  inline V128 shape##_extmul_high_##half##_u(V128 a, V128 b) { return detail::extmul<HU, U>(a, b, true); }
WASMSLOT_SIMD_IOPS(i8x16, int8_t, uint8_t)
WASMSLOT_SIMD_IOPS(i16x8, int16_t, uint16_t)
WASMSLOT_SIMD_IOPS(i32x4, int32_t, uint32_t)
WASMSLOT_SIMD_IOPS(i64x2, int64_t, uint64_t)
WASMSLOT_SIMD_IMINMAX(i8x16, int8_t, uint8_t)
WASMSLOT_SIMD_IMINMAX(i16x8, int16_t, uint16_t)
WASMSLOT_SIMD_IMINMAX(i32x4, int32_t, uint32_t)
WASMSLOT_SIMD_ISAT(i8x16, int8_t, uint8_t)
WASMSLOT_SIMD_ISAT(i16x8, int16_t, uint16_t)
WASMSLOT_SIMD_IWIDEN(i16x8, i8x16, int16_t, uint16_t, int8_t, uint8_t)
WASMSLOT_SIMD_IWIDEN(i32x4, i16x8, int32_t, uint32_t, int16_t, uint16_t)
WASMSLOT_SIMD_IWIDEN(i64x2, i32x4, int64_t, uint64_t, int32_t, uint32_t)
#undef WASMSLOT_SIMD_IOPS
#undef WASMSLOT_SIMD_IMINMAX
#undef WASMSLOT_SIMD_ISAT
#undef WASMSLOT_SIMD_IWIDEN

// The integer instructions of one or two shapes.
inline V128 i8x16_popcnt(V128 a) {
  return detail::map<uint8_t>(a, [](uint8_t x) { return static_cast<uint8_t>(std::popcount(x)); });
}
inline V128 i8x16_narrow_i16x8_s(V128 a, V128 b) { return detail::narrow<int16_t, int8_t>(a, b); }
inline V128 i8x16_narrow_i16x8_u(V128 a, V128 b) { return detail::narrow<int16_t, uint8_t>(a, b); }
inline V128 i16x8_narrow_i32x4_s(V128 a, V128 b) { return detail::narrow<int32_t, int16_t>(a, b); }
inline V128 i16x8_narrow_i32x4_u(V128 a, V128 b) { return detail::narrow<int32_t, uint16_t>(a, b); }
inline V128 i16x8_extadd_pairwise_i8x16_s(V128 a) { return detail::extadd_pairwise<int8_t, int16_t>(a); }
inline V128 i16x8_extadd_pairwise_i8x16_u(V128 a) { return detail::extadd_pairwise<uint8_t, uint16_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_s(V128 a) { return detail::extadd_pairwise<int16_t, int32_t>(a); }
inline V128 i32x4_extadd_pairwise_i16x8_u(V128 a) { return detail::extadd_pairwise<uint16_t, uint32_t>(a); }
// Q15 fixed-point multiply with rounding: (x * y + 2^14) >> 15, saturated.
// Only -1.0 * -1.0 (0x8000 * 0x8000) overflows: it gives 0x7FFF, not 0x8000.
inline V128 i16x8_q15mulr_sat_s(V128 a, V128 b) {
  return detail::map<int16_t>(a, b, [](int16_t x, int16_t y) {
    return detail::saturate<int16_t>((int64_t{x} * y + 0x4000) >> 15);
  });
}
// Dot product: lane i = a[2i]*b[2i] + a[2i+1]*b[2i+1], the signed products
// summed and wrapped to 32 bits. Only the all -32768 case wraps: 2^30 + 2^30
// = 2^31 becomes INT32_MIN.
inline V128 i32x4_dot_i16x8_s(V128 a, V128 b) {
  return detail::make_lanes<uint32_t>([&](unsigned i) {
    return int64_t{lane<int16_t>(a, 2 * i)} * lane<int16_t>(b, 2 * i) +
           int64_t{lane<int16_t>(a, 2 * i + 1)} * lane<int16_t>(b, 2 * i + 1);
  });
}
// (i64x2_eq ... i64x2_ge_s are defined with the other comparisons above.)

// --- f32x4 and f64x2 arithmetic ---
// Both float shapes have the same instructions, defined once for lanes of
// type F. add/sub/mul/div/sqrt are the host's IEEE operations (correctly
// rounded); only their NaN results are replaced by the canonical NaN (see
// detail::canon). std::ceil/floor/trunc are exact and independent of the
// rounding mode; they keep the sign of zero (ceil(-0.5) = -0), and so does
// detail::nearest.
#define WASMSLOT_SIMD_FOPS(shape, F)                                                                                     \
  inline V128 shape##_abs(V128 a) { return detail::fabs<F>(a); }                                                         \
  inline V128 shape##_neg(V128 a) { return detail::fneg<F>(a); }                                                         \
  inline V128 shape##_sqrt(V128 a) { return detail::fmap<F>(a, [](F x) { return std::sqrt(x); }); }                      \
  inline V128 shape##_add(V128 a, V128 b) { return detail::fmap<F>(a, b, [](F x, F y) { return x + y; }); }              \
  inline V128 shape##_sub(V128 a, V128 b) { return detail::fmap<F>(a, b, [](F x, F y) { return x - y; }); }              \
  inline V128 shape##_mul(V128 a, V128 b) { return detail::fmap<F>(a, b, [](F x, F y) { return x * y; }); }              \
  inline V128 shape##_div(V128 a, V128 b) { return detail::fmap<F>(a, b, [](F x, F y) { return x / y; }); }              \
  inline V128 shape##_min(V128 a, V128 b) { return detail::fmap<F>(a, b, [](F x, F y) { return detail::fmin(x, y); }); } \
  inline V128 shape##_max(V128 a, V128 b) { return detail::fmap<F>(a, b, [](F x, F y) { return detail::fmax(x, y); }); } \
  inline V128 shape##_pmin(V128 a, V128 b) { return detail::pmin<F>(a, b); }                                             \
  inline V128 shape##_pmax(V128 a, V128 b) { return detail::pmax<F>(a, b); }                                             \
  inline V128 shape##_ceil(V128 a) { return detail::fmap<F>(a, [](F x) { return std::ceil(x); }); }                      \
  inline V128 shape##_floor(V128 a) { return detail::fmap<F>(a, [](F x) { return std::floor(x); }); }                    \
  inline V128 shape##_trunc(V128 a) { return detail::fmap<F>(a, [](F x) { return std::trunc(x); }); }                    \
  inline V128 shape##_nearest(V128 a) { return detail::fmap<F>(a, [](F x) { return detail::nearest(x); }); }
WASMSLOT_SIMD_FOPS(f32x4, float)
WASMSLOT_SIMD_FOPS(f64x2, double)
#undef WASMSLOT_SIMD_FOPS

// --- conversions between integer and float lanes ---
// These read or write integer lanes through their integer type: an integer
// whose bits happen to look like a signalling NaN must not pass through a
// float variable.
inline V128 i32x4_trunc_sat_f32x4_s(V128 a) {
  return detail::convert<float, int32_t>(a, [](float x) { return detail::trunc_sat<int32_t>(x); });
}
inline V128 i32x4_trunc_sat_f32x4_u(V128 a) {
  return detail::convert<float, uint32_t>(a, [](float x) { return detail::trunc_sat<uint32_t>(x); });
}
// int -> float rounds to nearest, ties to even (an i32 has more significant
// bits than f32's 24): 16777217 becomes 16777216.
inline V128 f32x4_convert_i32x4_s(V128 a) {
  return detail::convert<int32_t, float>(a, [](int32_t x) { return static_cast<float>(x); });
}
inline V128 f32x4_convert_i32x4_u(V128 a) {
  return detail::convert<uint32_t, float>(a, [](uint32_t x) { return static_cast<float>(x); });
}
// The two f64 lanes truncate into i32 lanes 0 and 1; lanes 2 and 3 are zero.
inline V128 i32x4_trunc_sat_f64x2_s_zero(V128 a) {
  return detail::convert<double, int32_t, 2>(a, [](double x) { return detail::trunc_sat<int32_t>(x); });
}
inline V128 i32x4_trunc_sat_f64x2_u_zero(V128 a) {
  return detail::convert<double, uint32_t, 2>(a, [](double x) { return detail::trunc_sat<uint32_t>(x); });
}
// i32 lanes 0 and 1 to f64: exact, every i32 and u32 is a double.
inline V128 f64x2_convert_low_i32x4_s(V128 a) {
  return detail::convert<int32_t, double>(a, [](int32_t x) { return static_cast<double>(x); });
}
inline V128 f64x2_convert_low_i32x4_u(V128 a) {
  return detail::convert<uint32_t, double>(a, [](uint32_t x) { return static_cast<double>(x); });
}

// ---------------------------------------------------------------------------
// Facts about the immediates that the validator and interpreter need, keyed by
// the code after the 0xFD prefix (so this header does not depend on where the
// SIMD opcodes land in enum Opcode).

// Bytes read or written by a memory instruction (2^align must not exceed it);
// 0 for instructions that do not access memory.
constexpr unsigned access_bytes(uint32_t code) {
  switch (code) {
    case 0x00: case 0x0B: return 16;                            // v128.load, v128.store
    case 0x01: case 0x02: case 0x03: case 0x04: case 0x05: case 0x06:
      return 8;                                                 // v128.loadNxM_s/u
    case 0x07: case 0x54: case 0x58: return 1;                  // load8_splat, load8_lane, store8_lane
    case 0x08: case 0x55: case 0x59: return 2;
    case 0x09: case 0x56: case 0x5A: case 0x5C: return 4;       // ... and load32_zero
    case 0x0A: case 0x57: case 0x5B: case 0x5D: return 8;       // ... and load64_zero
    default: return 0;
  }
}

// The exclusive upper bound of a lane-index immediate: the lane count for
// extract/replace_lane and loadN_lane/storeN_lane, 32 for each of the 16
// indices of i8x16.shuffle; 0 for instructions without lane immediates.
constexpr unsigned lane_index_bound(uint32_t code) {
  switch (code) {
    case 0x0D: return 32;                                          // i8x16.shuffle
    case 0x15: case 0x16: case 0x17: case 0x54: case 0x58: return 16;  // i8x16 lanes, 8-bit lanes
    case 0x18: case 0x19: case 0x1A: case 0x55: case 0x59: return 8;
    case 0x1B: case 0x1C: case 0x1F: case 0x20: case 0x56: case 0x5A: return 4;
    case 0x1D: case 0x1E: case 0x21: case 0x22: case 0x57: case 0x5B: return 2;
    default: return 0;
  }
}

}  // namespace wasmslot::simd
