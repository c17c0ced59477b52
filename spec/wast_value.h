// Values as wast2json writes them, and how a result is compared with an
// expected one.
//
// wast2json writes every value as {"type": T, "value": V} with V a string:
//   i32, i64        the bits as an unsigned decimal ("4294967295" is -1)
//   f32, f64        the bits as an unsigned decimal, so NaN payloads and -0
//                   are exact; in expected results also "nan:canonical" or
//                   "nan:arithmetic" (see NanPattern)
//   v128            "lane_type" (i8 i16 i32 i64 f32 f64) and "value", an
//                   array of one string per lane, formatted as above
//   funcref         "null" (a script cannot name a function)
//   externref       "null" or a number N: the host reference N. Our Ref 0 is
//                   null, so externref N is Ref N+1.
// In expected results of assert_trap and friends the "value" is absent (only
// the type is given); in assert_return an absent value of a reference type
// means "any non-null reference".
//
// Header-only so that tests/json_test.cpp can test it without linking the
// runner.
#pragma once

#include <cinttypes>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "wasmslot/runtime.h"
#include "wasmslot/result.h"
#include "spec/json.h"

namespace wasmslot::spec {

// The spec's two NaN patterns (spec 4.3.3, "NaN propagation"):
//   canonical   exactly the canonical NaN: exponent all ones, only the top
//               fraction bit set (0x7fc00000 / 0x7ff8000000000000), either sign
//   arithmetic  any NaN with the top fraction bit (the "quiet" bit) set,
//               canonical ones included, either sign
enum class NanPattern : uint8_t { None, Canonical, Arithmetic };

inline bool f32_matches(uint32_t bits, NanPattern p) {
  switch (p) {
    case NanPattern::Canonical: return (bits & 0x7fffffffu) == 0x7fc00000u;
    case NanPattern::Arithmetic: return (bits & 0x7fc00000u) == 0x7fc00000u;
    case NanPattern::None: break;
  }
  return false;
}
inline bool f64_matches(uint64_t bits, NanPattern p) {
  switch (p) {
    case NanPattern::Canonical: return (bits & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
    case NanPattern::Arithmetic: return (bits & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
    case NanPattern::None: break;
  }
  return false;
}

// How a v128 is split into lanes. None for every other type.
enum class Lanes : uint8_t { None, I8, I16, I32, I64, F32, F64 };

inline unsigned lane_count(Lanes l) {
  switch (l) {
    case Lanes::I8: return 16;
    case Lanes::I16: return 8;
    case Lanes::I32: case Lanes::F32: return 4;
    case Lanes::I64: case Lanes::F64: return 2;
    case Lanes::None: break;
  }
  return 0;
}
inline unsigned lane_bits(Lanes l) { return lane_count(l) ? 128 / lane_count(l) : 0; }
inline const char* lanes_name(Lanes l) {
  switch (l) {
    case Lanes::I8: return "i8x16";
    case Lanes::I16: return "i16x8";
    case Lanes::I32: return "i32x4";
    case Lanes::I64: return "i64x2";
    case Lanes::F32: return "f32x4";
    case Lanes::F64: return "f64x2";
    case Lanes::None: break;
  }
  return "";
}

// Lane i of a v128 (lanes numbered from the low, little-endian end).
inline uint64_t get_lane(const Value& v, Lanes l, unsigned i) {
  unsigned bits = lane_bits(l);
  unsigned bit = i * bits;
  uint64_t half = bit < 64 ? v.lo : v.hi;
  bit %= 64;
  return bits == 64 ? half : (half >> bit) & ((uint64_t{1} << bits) - 1);
}
inline void set_lane(Value& v, Lanes l, unsigned i, uint64_t x) {
  unsigned bits = lane_bits(l);
  unsigned bit = i * bits;
  uint64_t& half = bit < 64 ? v.lo : v.hi;
  bit %= 64;
  uint64_t mask = bits == 64 ? ~uint64_t{0} : ((uint64_t{1} << bits) - 1);
  half = (half & ~(mask << bit)) | ((x & mask) << bit);
}

// An expected result. `value` holds the exact bits; where a NaN pattern is
// given instead (for a scalar float: nan[0]; for a float lane i: nan[i]),
// those bits are ignored. For references, `any_ref` means "not null".
struct Expected {
  ValType type = ValType::I32;
  Value value;
  Lanes lanes = Lanes::None;  // v128 only
  NanPattern nan[4] = {NanPattern::None, NanPattern::None, NanPattern::None, NanPattern::None};
  bool any_ref = false;
};

// ---------------------------------------------------------------------------
// Parsing

namespace detail {

inline Result<ValType> parse_type(std::string_view t) {
  if (auto type = parse_val_type(t)) return *type;
  return Error{"unknown value type \"" + std::string(t) + "\""};
}

inline Result<Lanes> parse_lanes(std::string_view t) {
  if (t == "i8") return Lanes::I8;
  if (t == "i16") return Lanes::I16;
  if (t == "i32") return Lanes::I32;
  if (t == "i64") return Lanes::I64;
  if (t == "f32") return Lanes::F32;
  if (t == "f64") return Lanes::F64;
  return Error{"unknown lane type \"" + std::string(t) + "\""};
}

// A decimal integer of `bits` bits. wast2json writes unsigned values, but a
// leading '-' (two's complement) is accepted too, as hand-written scripts use
// it. Every character is checked: "12x" or an overflow is an error, not 12.
inline Result<uint64_t> parse_int(std::string_view s, unsigned bits) {
  bool neg = !s.empty() && s[0] == '-';
  if (neg) s.remove_prefix(1);
  if (s.empty()) return Error{"empty number"};
  uint64_t max = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  // A negative value may reach -2^(bits-1); its magnitude is (max >> 1) + 1.
  uint64_t limit = neg ? (max >> 1) + 1 : max;
  uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return Error{"invalid digit in \"" + std::string(s) + "\""};
    uint64_t d = static_cast<uint64_t>(c - '0');
    if (v > (limit - d) / 10) return Error{"\"" + std::string(s) + "\" is out of range for " +
                                           std::to_string(bits) + " bits"};
    v = v * 10 + d;
  }
  return neg ? (0 - v) & max : v;
}

inline NanPattern parse_nan(std::string_view s) {
  if (s == "nan:canonical") return NanPattern::Canonical;
  if (s == "nan:arithmetic") return NanPattern::Arithmetic;
  return NanPattern::None;
}

inline Result<std::string> member_string(const json::Value& v, const char* key) {
  const json::Value* m = v.find(key);
  if (!m || !m->is_string()) return Error{std::string("missing string \"") + key + "\""};
  return *m->as_string();
}

// Shared by arguments and expected results; `allow_patterns` is false for
// arguments, which must be concrete.
inline Result<Expected> parse(const json::Value& j, bool allow_patterns) {
  if (!j.is_object()) return Error{"a value must be an object"};
  auto type_name = member_string(j, "type");
  if (!type_name) return type_name.error();
  auto type = parse_type(*type_name);
  if (!type) return type.error();

  Expected e;
  e.type = *type;
  e.value.type = *type;
  const json::Value* val = j.find("value");

  if (*type == ValType::V128) {
    auto lane_name = member_string(j, "lane_type");
    if (!lane_name) return lane_name.error();
    auto lanes = parse_lanes(*lane_name);
    if (!lanes) return lanes.error();
    e.lanes = *lanes;
    if (!val || !val->is_array()) return Error{"v128 needs a \"value\" array of lanes"};
    const auto& items = *val->as_array();
    if (items.size() != lane_count(e.lanes))
      return Error{std::string("v128 ") + lanes_name(e.lanes) + " needs " +
                   std::to_string(lane_count(e.lanes)) + " lanes, got " + std::to_string(items.size())};
    bool is_float = e.lanes == Lanes::F32 || e.lanes == Lanes::F64;
    for (unsigned i = 0; i < items.size(); ++i) {
      const std::string* s = items[i].as_string();
      if (!s) return Error{"v128 lanes must be strings"};
      NanPattern p = is_float ? parse_nan(*s) : NanPattern::None;
      if (p != NanPattern::None) {
        if (!allow_patterns) return Error{"a NaN pattern cannot be an argument"};
        e.nan[i] = p;
        continue;
      }
      auto bits = parse_int(*s, lane_bits(e.lanes));
      if (!bits) return bits.error();
      set_lane(e.value, e.lanes, i, *bits);
    }
    return e;
  }

  if (!val) {
    // Only the type: fine for references in expected results ("some
    // reference"); a number needs its value.
    if (allow_patterns && is_ref(*type)) { e.any_ref = true; return e; }
    return Error{std::string("missing \"value\" for ") + to_string(*type)};
  }
  const std::string* s = val->as_string();
  if (!s) return Error{"\"value\" must be a string"};

  switch (*type) {
    case ValType::I32:
    case ValType::F32:
    case ValType::I64:
    case ValType::F64: {
      bool is_float = *type == ValType::F32 || *type == ValType::F64;
      NanPattern p = is_float ? parse_nan(*s) : NanPattern::None;
      if (p != NanPattern::None) {
        if (!allow_patterns) return Error{"a NaN pattern cannot be an argument"};
        e.nan[0] = p;
        return e;
      }
      unsigned bits = (*type == ValType::I32 || *type == ValType::F32) ? 32 : 64;
      auto v = parse_int(*s, bits);
      if (!v) return v.error();
      e.value.lo = *v;
      return e;
    }
    case ValType::FuncRef:
      if (*s == "null") return e;
      // A script has no way to name a function: any number stands for "some
      // function", meaningful in expected results only.
      if (!allow_patterns) return Error{"a non-null funcref cannot be an argument"};
      e.any_ref = true;
      return e;
    case ValType::ExternRef: {
      if (*s == "null") return e;
      auto v = parse_int(*s, 64);
      if (!v) return v.error();
      if (*v == ~uint64_t{0}) return Error{"externref value out of range"};
      e.value.lo = *v + 1;  // Ref 0 is null
      return e;
    }
    case ValType::V128: break;  // handled above
  }
  return Error{"unhandled type"};
}

}  // namespace detail

// An argument: a concrete value.
inline Result<Value> parse_value(const json::Value& j) {
  auto e = detail::parse(j, /*allow_patterns=*/false);
  if (!e) return e.error();
  return e->value;
}

// An expected result: a value, possibly with NaN patterns or "any reference".
inline Result<Expected> parse_expected(const json::Value& j) { return detail::parse(j, true); }

// ---------------------------------------------------------------------------
// Matching

inline bool lane_matches(const Value& got, const Expected& exp, unsigned i) {
  uint64_t g = get_lane(got, exp.lanes, i);
  if (exp.lanes == Lanes::F32 && exp.nan[i] != NanPattern::None)
    return f32_matches(static_cast<uint32_t>(g), exp.nan[i]);
  if (exp.lanes == Lanes::F64 && exp.nan[i] != NanPattern::None) return f64_matches(g, exp.nan[i]);
  return g == get_lane(exp.value, exp.lanes, i);
}

// Bits are compared exactly (so -0.0 differs from +0.0 and NaN payloads
// count), except where a NaN pattern is expected.
inline bool matches(const Value& got, const Expected& exp) {
  if (got.type != exp.type) return false;
  switch (exp.type) {
    case ValType::I32: return static_cast<uint32_t>(got.lo) == static_cast<uint32_t>(exp.value.lo);
    case ValType::I64: return got.lo == exp.value.lo;
    case ValType::F32:
      if (exp.nan[0] != NanPattern::None) return f32_matches(static_cast<uint32_t>(got.lo), exp.nan[0]);
      return static_cast<uint32_t>(got.lo) == static_cast<uint32_t>(exp.value.lo);
    case ValType::F64:
      if (exp.nan[0] != NanPattern::None) return f64_matches(got.lo, exp.nan[0]);
      return got.lo == exp.value.lo;
    case ValType::V128:
      for (unsigned i = 0; i < lane_count(exp.lanes); ++i)
        if (!lane_matches(got, exp, i)) return false;
      return true;
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (exp.any_ref) return got.lo != 0;
      return got.lo == exp.value.lo;
  }
  return false;
}

// ---------------------------------------------------------------------------
// Formatting, for failure messages: the type, a readable value and, where
// the bits matter (floats), the bits in hex.

namespace detail {


inline std::string fmt(const char* f, auto... args) {
  char buf[96];
  std::snprintf(buf, sizeof buf, f, args...);
  return buf;
}

inline std::string f32_text(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return fmt("%.9g (0x%08" PRIx32 ")", static_cast<double>(f), bits);
}
inline std::string f64_text(uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, 8);
  return fmt("%.17g (0x%016" PRIx64 ")", d, bits);
}
inline const char* nan_text(NanPattern p) {
  return p == NanPattern::Canonical ? "nan:canonical" : "nan:arithmetic";
}

inline std::string lane_text(const Value& v, Lanes l, unsigned i) {
  uint64_t x = get_lane(v, l, i);
  switch (l) {
    case Lanes::F32: return f32_text(static_cast<uint32_t>(x));
    case Lanes::F64: return f64_text(x);
    default: return std::to_string(x);
  }
}

}  // namespace detail

// "i32:4294967295 (-1)", "f32:1.5 (0x3fc00000)", "v128 i32x4:1 2 3 4",
// "externref:41" (the script's number, not our Ref), "funcref:null".
// A v128 is shown in the given lane shape (i32x4 by default).
inline std::string to_string(const Value& v, Lanes lanes = Lanes::I32) {
  using detail::fmt;
  switch (v.type) {
    case ValType::I32: {
      uint32_t u = static_cast<uint32_t>(v.lo);
      int32_t s = static_cast<int32_t>(u);
      return s < 0 ? fmt("i32:%" PRIu32 " (%" PRId32 ")", u, s) : fmt("i32:%" PRIu32, u);
    }
    case ValType::I64: {
      int64_t s = static_cast<int64_t>(v.lo);
      return s < 0 ? fmt("i64:%" PRIu64 " (%" PRId64 ")", v.lo, s) : fmt("i64:%" PRIu64, v.lo);
    }
    case ValType::F32: return "f32:" + detail::f32_text(static_cast<uint32_t>(v.lo));
    case ValType::F64: return "f64:" + detail::f64_text(v.lo);
    case ValType::V128: {
      if (lanes == Lanes::None) lanes = Lanes::I32;
      std::string s = std::string("v128 ") + lanes_name(lanes) + ":";
      for (unsigned i = 0; i < lane_count(lanes); ++i) s += (i ? " " : "") + detail::lane_text(v, lanes, i);
      return s;
    }
    case ValType::FuncRef:
      return v.lo == 0 ? "funcref:null" : fmt("funcref:0x%" PRIx64, v.lo);
    case ValType::ExternRef:
      return v.lo == 0 ? "externref:null" : "externref:" + std::to_string(v.lo - 1);
  }
  return "?";
}

inline std::string to_string(const Expected& e) {
  switch (e.type) {
    case ValType::F32:
    case ValType::F64:
      if (e.nan[0] != NanPattern::None) return std::string(to_string(e.type)) + ":" + detail::nan_text(e.nan[0]);
      return to_string(e.value);
    case ValType::V128: {
      std::string s = std::string("v128 ") + lanes_name(e.lanes) + ":";
      for (unsigned i = 0; i < lane_count(e.lanes); ++i) {
        s += i ? " " : "";
        s += e.nan[i] != NanPattern::None ? detail::nan_text(e.nan[i]) : detail::lane_text(e.value, e.lanes, i);
      }
      return s;
    }
    case ValType::FuncRef:
    case ValType::ExternRef:
      if (e.any_ref) return std::string(to_string(e.type)) + ":<any non-null>";
      return to_string(e.value);
    default:
      return to_string(e.value);
  }
}

}  // namespace wasmslot::spec
