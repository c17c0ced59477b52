#include "host/value_text.h"

#include <charconv>
#include <cstdio>
#include <cstring>
#include <limits>

namespace wasmslot {

namespace {

Error bad(std::string_view text, ValType type, const char* why = nullptr) {
  // Built by appending (GCC 12 warns falsely about `"'" + std::string`).
  std::string m = "'";
  m.append(text);
  m += "' is not a valid ";
  m += to_string(type);
  if (why) m += std::string(": ") + why;
  return Error{m};
}

bool starts_with_hex_prefix(std::string_view s) {
  return s.size() >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
}

// An integer of `bits` bits: the two's-complement bit pattern, accepting any
// value in [-2^(bits-1), 2^bits - 1].
Result<uint64_t> parse_int(std::string_view text, ValType type, unsigned bits) {
  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  int base = 10;
  if (starts_with_hex_prefix(s)) {
    base = 16;
    s.remove_prefix(2);
  }
  if (s.empty()) return bad(text, type);
  uint64_t mag = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), mag, base);
  if (end != s.data() + s.size()) return bad(text, type);
  if (ec == std::errc::result_out_of_range) return bad(text, type, "out of range");
  if (ec != std::errc()) return bad(text, type);
  uint64_t umax = bits == 64 ? ~0ull : (1ull << bits) - 1;
  uint64_t neg_limit = 1ull << (bits - 1);  // |most negative value|
  if (neg) {
    if (mag > neg_limit) return bad(text, type, "out of range");
    return (0 - mag) & umax;
  }
  if (mag > umax) return bad(text, type, "out of range");
  return mag;
}

template <class F, class Bits>
Result<Value> parse_float(std::string_view text, ValType type) {
  constexpr int kMantBits = std::numeric_limits<F>::digits - 1;  // 23 or 52
  constexpr Bits kSign = Bits(1) << (sizeof(Bits) * 8 - 1);
  constexpr Bits kMant = (Bits(1) << kMantBits) - 1;
  constexpr Bits kExp = ~kSign & ~kMant;
  auto make = [&](Bits b) {
    return type == ValType::F32 ? Value::f32_bits(static_cast<uint32_t>(b))
                                : Value::f64_bits(static_cast<uint64_t>(b));
  };

  std::string_view s = text;
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  Bits sign = neg ? kSign : 0;
  if (s == "inf" || s == "infinity") return make(sign | kExp);
  if (s == "nan") return make(sign | kExp | (Bits(1) << (kMantBits - 1)));  // canonical
  if (s.starts_with("nan:")) {
    std::string_view p = s.substr(4);
    if (!starts_with_hex_prefix(p)) return bad(text, type, "expected nan:0xPAYLOAD");
    p.remove_prefix(2);
    uint64_t payload = 0;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), payload, 16);
    if (p.empty() || ec != std::errc() || end != p.data() + p.size())
      return bad(text, type, "expected nan:0xPAYLOAD");
    if (payload == 0 || payload > kMant) return bad(text, type, "NaN payload out of range");
    return make(sign | kExp | static_cast<Bits>(payload));
  }
  if (s.empty()) return bad(text, type);
  // Anything else spelled with letters (from_chars would take "nan(...)" or
  // "INF") is refused: the spellings above are the only ones.
  if (s[0] == 'n' || s[0] == 'N' || s[0] == 'i' || s[0] == 'I') return bad(text, type);
  // from_chars takes no sign and no "0x": the sign is applied by hand, which
  // also gives "-0" its negative zero.
  F f{};
  std::chars_format fmt = std::chars_format::general;
  if (starts_with_hex_prefix(s)) {
    s.remove_prefix(2);
    fmt = std::chars_format::hex;
    if (s.empty()) return bad(text, type);
  }
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), f, fmt);
  if (end != s.data() + s.size()) return bad(text, type);
  if (ec == std::errc::result_out_of_range) {
    // Too large (or too small) for the type: like a wasm text literal, this
    // is refused rather than silently turned into inf or 0.
    return bad(text, type, "out of range");
  }
  if (ec != std::errc()) return bad(text, type);
  Bits b;
  std::memcpy(&b, &f, sizeof b);
  return make(b ^ sign);
}

// "SHAPE:lane,lane,..." (see value_text.h). Each lane is parsed as the
// scalar of its type and its low bits placed at lane position i.
Result<Value> parse_v128_lanes(std::string_view text, std::string_view shape, std::string_view lanes) {
  struct Shape { const char* name; ValType scalar; unsigned bits; };
  static constexpr Shape kShapes[] = {{"i8x16", ValType::I32, 8},  {"i16x8", ValType::I32, 16},
                                      {"i32x4", ValType::I32, 32}, {"i64x2", ValType::I64, 64},
                                      {"f32x4", ValType::F32, 32}, {"f64x2", ValType::F64, 64}};
  const Shape* sh = nullptr;
  for (const Shape& c : kShapes)
    if (shape == c.name) sh = &c;
  if (!sh) return bad(text, ValType::V128, "unknown shape (i8x16 i16x8 i32x4 i64x2 f32x4 f64x2)");
  const unsigned count = 128 / sh->bits;
  uint64_t half[2] = {0, 0};
  for (unsigned i = 0; i < count; ++i) {
    const size_t comma = lanes.find(',');
    const std::string_view lane = lanes.substr(0, comma);
    if ((comma == std::string_view::npos) != (i + 1 == count))
      return bad(text, ValType::V128, ("expected " + std::to_string(count) + " lanes").c_str());
    lanes.remove_prefix(comma == std::string_view::npos ? lanes.size() : comma + 1);
    uint64_t bits = 0;
    if (sh->scalar == ValType::I32 || sh->scalar == ValType::I64) {
      auto b = parse_int(lane, sh->scalar, sh->bits);  // i8/i16 lanes: range of their width
      if (!b) return bad(text, ValType::V128, b.error().message.c_str());
      bits = *b;
    } else {
      auto v = parse_value(lane, sh->scalar);
      if (!v) return bad(text, ValType::V128, v.error().message.c_str());
      bits = v->lo;
    }
    const unsigned at = i * sh->bits;  // bit position in the 128-bit value
    half[at / 64] |= bits << (at % 64);
  }
  return Value::v128(half[0], half[1]);
}

Result<Value> parse_v128(std::string_view text) {
  std::string_view s = text;
  if (const size_t colon = s.find(':'); colon != std::string_view::npos)
    return parse_v128_lanes(text, s.substr(0, colon), s.substr(colon + 1));
  if (!starts_with_hex_prefix(s)) return bad(text, ValType::V128, "expected SHAPE:lanes or 0x and hex digits");
  s.remove_prefix(2);
  if (s.empty() || s.size() > 32) return bad(text, ValType::V128, "expected 0x and up to 32 hex digits");
  uint64_t hi = 0, lo = 0;
  size_t split = s.size() > 16 ? s.size() - 16 : 0;
  std::string_view hs = s.substr(0, split), ls = s.substr(split);
  auto parse = [](std::string_view p, uint64_t& out) {
    if (p.empty()) return true;
    auto [end, ec] = std::from_chars(p.data(), p.data() + p.size(), out, 16);
    return ec == std::errc() && end == p.data() + p.size();
  };
  if (!parse(hs, hi) || !parse(ls, lo)) return bad(text, ValType::V128);
  return Value::v128(lo, hi);
}

template <class F, class Bits>
std::string format_float(Bits b) {
  constexpr int kMantBits = std::numeric_limits<F>::digits - 1;
  constexpr Bits kSign = Bits(1) << (sizeof(Bits) * 8 - 1);
  constexpr Bits kMant = (Bits(1) << kMantBits) - 1;
  constexpr Bits kExp = ~kSign & ~kMant;
  std::string sign = (b & kSign) ? "-" : "";
  if ((b & kExp) == kExp) {
    Bits mant = b & kMant;
    if (mant == 0) return sign + "inf";
    if (mant == (Bits(1) << (kMantBits - 1))) return sign + "nan";
    char buf[32];
    std::snprintf(buf, sizeof buf, "nan:0x%llx", static_cast<unsigned long long>(mant));
    return sign + buf;
  }
  F f;
  std::memcpy(&f, &b, sizeof f);
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, f);  // shortest round trip
  return std::string(buf, ec == std::errc() ? end : buf);
}

}  // namespace

Result<Value> parse_value(std::string_view text, ValType type) {
  switch (type) {
    case ValType::I32: {
      auto b = parse_int(text, type, 32);
      if (!b) return b.error();
      return Value::i32(static_cast<int32_t>(static_cast<uint32_t>(*b)));
    }
    case ValType::I64: {
      auto b = parse_int(text, type, 64);
      if (!b) return b.error();
      return Value::i64(static_cast<int64_t>(*b));
    }
    case ValType::F32: return parse_float<float, uint32_t>(text, type);
    case ValType::F64: return parse_float<double, uint64_t>(text, type);
    case ValType::V128: return parse_v128(text);
    case ValType::FuncRef:
      if (text == "null") return Value::ref(type, 0);
      return bad(text, type, "only null can be given");
    case ValType::ExternRef: {
      if (text == "null") return Value::ref(type, 0);
      uint64_t r = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), r, 10);
      if (text.empty() || ec != std::errc() || end != text.data() + text.size() || r == 0)
        return bad(text, type, "expected null or a non-zero number");
      return Value::ref(type, r);
    }
  }
  return bad(text, type);
}

std::string format_value(const Value& v) {
  switch (v.type) {
    case ValType::I32: return std::to_string(v.as_i32());
    case ValType::I64: return std::to_string(v.as_i64());
    case ValType::F32: return format_float<float, uint32_t>(static_cast<uint32_t>(v.lo));
    case ValType::F64: return format_float<double, uint64_t>(v.lo);
    case ValType::V128: {
      std::string s = "i32x4:";
      for (unsigned i = 0; i < 4; ++i) {
        const uint64_t half = i < 2 ? v.lo : v.hi;
        if (i) s += ',';
        s += std::to_string(static_cast<int32_t>(static_cast<uint32_t>(half >> (32 * (i % 2)))));
      }
      return s;
    }
    case ValType::FuncRef: return v.lo ? "funcref" : "null";
    case ValType::ExternRef: return v.lo ? std::to_string(v.lo) : "null";
  }
  return "?";
}


}  // namespace wasmslot
