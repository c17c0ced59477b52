// Tests of the spec runner's building blocks: the JSON parser (spec/json.h)
// and the reading and matching of wast2json values (spec/wast_value.h).
#include <gtest/gtest.h>

#include "spec/json.h"
#include "spec/wast_value.h"

namespace wasmslot {
namespace {

using json::Value;
using spec::Expected;
using spec::Lanes;
using spec::NanPattern;

Value parse_ok(std::string_view text) {
  auto r = json::parse(text);
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Value();
}

std::string parse_error(std::string_view text) {
  auto r = json::parse(text);
  EXPECT_FALSE(r.ok()) << text << " should not parse";
  return r.ok() ? "" : r.error().message;
}

// ---------------------------------------------------------------------------
// JSON

TEST(Json, Literals) {
  EXPECT_TRUE(parse_ok("null").is_null());
  EXPECT_EQ(*parse_ok("true").as_bool(), true);
  EXPECT_EQ(*parse_ok(" false ").as_bool(), false);
}

TEST(Json, Numbers) {
  EXPECT_EQ(*parse_ok("0").as_number(), 0);
  EXPECT_EQ(*parse_ok("-12").as_number(), -12);
  EXPECT_EQ(*parse_ok("1.5e3").as_number(), 1500);
  EXPECT_EQ(*parse_ok("2E-1").as_number(), 0.2);
  // The text is kept: a 64-bit integer a double would round.
  EXPECT_EQ(*parse_ok("18446744073709551615").number_text(), "18446744073709551615");
  for (auto bad : {"01", "+1", "1.", ".5", "-", "1e", "1e+", "0x10"}) parse_error(bad);
}

TEST(Json, Strings) {
  EXPECT_EQ(*parse_ok(R"("abc")").as_string(), "abc");
  EXPECT_EQ(*parse_ok(R"("a\"b\\c\/d")").as_string(), "a\"b\\c/d");
  EXPECT_EQ(*parse_ok(R"("\b\f\n\r\t")").as_string(), "\b\f\n\r\t");
  // wast2json escapes control characters, including NUL, as \u00XX.
  EXPECT_EQ(*parse_ok(R"("\u0000\u001f")").as_string(), std::string("\0\x1f", 2));
  EXPECT_EQ(*parse_ok(R"("\u00e9")").as_string(), "\xc3\xa9");      // é
  EXPECT_EQ(*parse_ok(R"("\u20AC")").as_string(), "\xe2\x82\xac");  // €
  EXPECT_EQ(*parse_ok(R"("\ud83d\ude00")").as_string(), "\xf0\x9f\x98\x80");  // U+1F600
  // Raw UTF-8 passes through unchanged.
  EXPECT_EQ(*parse_ok("\"\xe2\x82\xac\"").as_string(), "\xe2\x82\xac");
  EXPECT_EQ(*parse_ok(R"("")").as_string(), "");
}

TEST(Json, StringErrors) {
  parse_error(R"("abc)");
  parse_error(R"("\x")");
  parse_error(R"("\u12")");
  parse_error(R"("\u12g4")");
  parse_error(R"("\ud83d")");        // lone high surrogate
  parse_error(R"("\ud83d\u0041")");  // not followed by a low one
  parse_error(R"("\ude00")");        // lone low surrogate
  parse_error("\"a\nb\"");           // raw control character
}

TEST(Json, Nesting) {
  Value v = parse_ok(R"({"commands": [{"type": "module", "line": 3}, [], {}], "x": {"y": [1, [2, [3]]]}})");
  ASSERT_TRUE(v.is_object());
  const Value* cmds = v.find("commands");
  ASSERT_TRUE(cmds && cmds->is_array());
  ASSERT_EQ(cmds->as_array()->size(), 3u);
  const Value& first = (*cmds->as_array())[0];
  EXPECT_EQ(*first.find("type")->as_string(), "module");
  EXPECT_EQ(*first.find("line")->as_number(), 3);
  EXPECT_EQ(first.find("nothing"), nullptr);
  EXPECT_TRUE((*cmds->as_array())[1].as_array()->empty());
  EXPECT_TRUE((*cmds->as_array())[2].as_object()->empty());
  const Value& deep = (*v.find("x")->find("y")->as_array())[1];
  EXPECT_EQ(*(*(*deep.as_array())[1].as_array())[0].as_number(), 3);
  // Members keep their order.
  const auto& members = *v.as_object();
  EXPECT_EQ(members[0].first, "commands");
  EXPECT_EQ(members[1].first, "x");
}

TEST(Json, WrongKindAccessorsAnswerNull) {
  Value v = parse_ok(R"({"a": 1})");
  EXPECT_EQ(v.as_string(), nullptr);
  EXPECT_EQ(v.as_array(), nullptr);
  EXPECT_EQ(v.find("a")->as_string(), nullptr);
  EXPECT_EQ(parse_ok("[1]").find("a"), nullptr);
}

TEST(Json, StructureErrors) {
  EXPECT_NE(parse_error("").find("unexpected end"), std::string::npos);
  parse_error("[1, 2");
  parse_error("[1 2]");
  parse_error("[1,]");
  parse_error(R"({"a" 1})");
  parse_error(R"({"a": 1,})");
  parse_error(R"({1: 2})");
  parse_error("{} {}");
  parse_error("nul");
  parse_error("tru");
  parse_error("@");
}

TEST(Json, ErrorsSayWhere) {
  std::string msg = parse_error("{\n  \"a\": [1,\n  x]}");
  EXPECT_NE(msg.find("line 3, column 3"), std::string::npos) << msg;
}

TEST(Json, DepthIsLimited) {
  std::string deep(json::kMaxDepth + 10, '[');
  deep += std::string(json::kMaxDepth + 10, ']');
  EXPECT_NE(parse_error(deep).find("too deep"), std::string::npos);
  std::string ok(100, '[');
  ok += std::string(100, ']');
  parse_ok(ok);
}

// ---------------------------------------------------------------------------
// wast2json values

wasmslot::Value arg(std::string_view text) {
  auto r = spec::parse_value(parse_ok(text));
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : wasmslot::Value();
}

Expected expected(std::string_view text) {
  auto r = spec::parse_expected(parse_ok(text));
  EXPECT_TRUE(r.ok()) << text << ": " << (r.ok() ? "" : r.error().message);
  return r.ok() ? *r : Expected();
}

bool arg_fails(std::string_view text) { return !spec::parse_value(parse_ok(text)).ok(); }

TEST(WastValue, Integers) {
  EXPECT_EQ(arg(R"({"type": "i32", "value": "4294967295"})"), wasmslot::Value::i32(-1));
  EXPECT_EQ(arg(R"({"type": "i32", "value": "-1"})"), wasmslot::Value::i32(-1));
  EXPECT_EQ(arg(R"({"type": "i32", "value": "-2147483648"})"), wasmslot::Value::i32(INT32_MIN));
  EXPECT_EQ(arg(R"({"type": "i64", "value": "18446744073709551615"})"), wasmslot::Value::i64(-1));
  EXPECT_EQ(arg(R"({"type": "i64", "value": "-9223372036854775808"})"), wasmslot::Value::i64(INT64_MIN));
  EXPECT_TRUE(arg_fails(R"({"type": "i32", "value": "4294967296"})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i32", "value": "-2147483649"})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i64", "value": "18446744073709551616"})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i32", "value": "12x"})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i32", "value": ""})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i32", "value": 12})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i32"})"));
  EXPECT_TRUE(arg_fails(R"({"type": "i33", "value": "1"})"));
  EXPECT_TRUE(arg_fails(R"({"value": "1"})"));
  EXPECT_TRUE(arg_fails(R"(["i32", "1"])"));
}

TEST(WastValue, FloatsAreBits) {
  wasmslot::Value f = arg(R"({"type": "f32", "value": "2143289344"})");
  EXPECT_EQ(f, wasmslot::Value::f32_bits(0x7fc00000));
  wasmslot::Value d = arg(R"({"type": "f64", "value": "9223372036854775808"})");  // -0.0
  EXPECT_EQ(d, wasmslot::Value::f64_bits(0x8000000000000000ull));
  EXPECT_TRUE(arg_fails(R"({"type": "f32", "value": "nan:canonical"})"));  // not an argument
}

TEST(WastValue, References) {
  EXPECT_EQ(arg(R"({"type": "externref", "value": "null"})"), wasmslot::Value::ref(ValType::ExternRef, 0));
  // externref N is Ref N+1, so that 0 stays null.
  EXPECT_EQ(arg(R"({"type": "externref", "value": "0"})"), wasmslot::Value::ref(ValType::ExternRef, 1));
  EXPECT_EQ(arg(R"({"type": "externref", "value": "41"})"), wasmslot::Value::ref(ValType::ExternRef, 42));
  EXPECT_EQ(arg(R"({"type": "funcref", "value": "null"})"), wasmslot::Value::ref(ValType::FuncRef, 0));
  EXPECT_TRUE(arg_fails(R"({"type": "funcref", "value": "3"})"));

  Expected any = expected(R"({"type": "funcref"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::ref(ValType::FuncRef, 0x1234), any));
  EXPECT_FALSE(spec::matches(wasmslot::Value::ref(ValType::FuncRef, 0), any));
  Expected null = expected(R"({"type": "externref", "value": "null"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::ref(ValType::ExternRef, 0), null));
  EXPECT_FALSE(spec::matches(wasmslot::Value::ref(ValType::ExternRef, 1), null));
  EXPECT_FALSE(spec::matches(wasmslot::Value::ref(ValType::FuncRef, 0), null));  // type differs
  Expected one = expected(R"({"type": "externref", "value": "1"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::ref(ValType::ExternRef, 2), one));
  EXPECT_EQ(spec::to_string(wasmslot::Value::ref(ValType::ExternRef, 2)), "externref:1");
}

TEST(WastValue, ExactMatchComparesTypeAndBits) {
  Expected e = expected(R"({"type": "i32", "value": "2"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::i32(2), e));
  EXPECT_FALSE(spec::matches(wasmslot::Value::i32(3), e));
  EXPECT_FALSE(spec::matches(wasmslot::Value::i64(2), e));
  Expected z = expected(R"({"type": "f64", "value": "0"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::f64(0.0), z));
  EXPECT_FALSE(spec::matches(wasmslot::Value::f64(-0.0), z));
  // A specific NaN must match to the bit.
  Expected n = expected(R"({"type": "f32", "value": "2141192192"})");  // 0x7fa00000
  EXPECT_TRUE(spec::matches(wasmslot::Value::f32_bits(0x7fa00000), n));
  EXPECT_FALSE(spec::matches(wasmslot::Value::f32_bits(0x7fc00000), n));
}

TEST(WastValue, NanPatternsF32) {
  using spec::f32_matches;
  EXPECT_TRUE(f32_matches(0x7fc00000, NanPattern::Canonical));
  EXPECT_TRUE(f32_matches(0xffc00000, NanPattern::Canonical));   // either sign
  EXPECT_FALSE(f32_matches(0x7fc00001, NanPattern::Canonical));  // payload
  EXPECT_FALSE(f32_matches(0x7fa00000, NanPattern::Canonical));  // signalling
  EXPECT_FALSE(f32_matches(0x7f800000, NanPattern::Canonical));  // infinity
  EXPECT_TRUE(f32_matches(0x7fc00000, NanPattern::Arithmetic));
  EXPECT_TRUE(f32_matches(0xffc00001, NanPattern::Arithmetic));
  EXPECT_TRUE(f32_matches(0x7fffffff, NanPattern::Arithmetic));
  EXPECT_FALSE(f32_matches(0x7fa00000, NanPattern::Arithmetic));  // quiet bit clear
  EXPECT_FALSE(f32_matches(0x7f800000, NanPattern::Arithmetic));
  EXPECT_FALSE(f32_matches(0x3fc00000, NanPattern::Arithmetic));  // 1.5

  Expected c = expected(R"({"type": "f32", "value": "nan:canonical"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::f32_bits(0xffc00000), c));
  EXPECT_FALSE(spec::matches(wasmslot::Value::f64_bits(0x7ff8000000000000ull), c));  // type
  EXPECT_EQ(spec::to_string(c), "f32:nan:canonical");
}

TEST(WastValue, NanPatternsF64) {
  using spec::f64_matches;
  EXPECT_TRUE(f64_matches(0x7ff8000000000000ull, NanPattern::Canonical));
  EXPECT_TRUE(f64_matches(0xfff8000000000000ull, NanPattern::Canonical));
  EXPECT_FALSE(f64_matches(0x7ff8000000000001ull, NanPattern::Canonical));
  EXPECT_FALSE(f64_matches(0x7ff4000000000000ull, NanPattern::Canonical));
  EXPECT_TRUE(f64_matches(0x7ffc000000000000ull, NanPattern::Arithmetic));
  EXPECT_TRUE(f64_matches(0xfff8000000000001ull, NanPattern::Arithmetic));
  EXPECT_FALSE(f64_matches(0x7ff4000000000000ull, NanPattern::Arithmetic));
  EXPECT_FALSE(f64_matches(0x7ff0000000000000ull, NanPattern::Arithmetic));

  Expected a = expected(R"({"type": "f64", "value": "nan:arithmetic"})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::f64_bits(0x7ff8000000000123ull), a));
  EXPECT_FALSE(spec::matches(wasmslot::Value::f64_bits(0x7ff0000000000123ull), a));
}

TEST(WastValue, V128Lanes) {
  wasmslot::Value v = arg(R"({"type": "v128", "lane_type": "i32", "value": ["1", "2", "3", "4294967295"]})");
  EXPECT_EQ(v, wasmslot::Value::v128(0x0000000200000001ull, 0xffffffff00000003ull));
  wasmslot::Value b = arg(R"({"type": "v128", "lane_type": "i8",
      "value": ["0","1","2","3","4","5","6","7","8","9","10","11","12","13","14","255"]})");
  EXPECT_EQ(b, wasmslot::Value::v128(0x0706050403020100ull, 0xff0e0d0c0b0a0908ull));
  wasmslot::Value h = arg(R"({"type": "v128", "lane_type": "i16", "value": ["-1","0","0","0","0","0","0","1"]})");
  EXPECT_EQ(h, wasmslot::Value::v128(0xffffull, 0x0001000000000000ull));
  wasmslot::Value d = arg(R"({"type": "v128", "lane_type": "f64", "value": ["0", "9221120237041090560"]})");
  EXPECT_EQ(d, wasmslot::Value::v128(0, 0x7ff8000000000000ull));

  EXPECT_TRUE(arg_fails(R"({"type": "v128", "lane_type": "i32", "value": ["1", "2", "3"]})"));
  EXPECT_TRUE(arg_fails(R"({"type": "v128", "lane_type": "i8", "value": ["256","0","0","0","0","0","0","0","0","0","0","0","0","0","0","0"]})"));
  EXPECT_TRUE(arg_fails(R"({"type": "v128", "lane_type": "i128", "value": ["1"]})"));
  EXPECT_TRUE(arg_fails(R"({"type": "v128", "value": ["1", "2", "3", "4"]})"));
  EXPECT_TRUE(arg_fails(R"({"type": "v128", "lane_type": "i32", "value": "1"})"));
}

TEST(WastValue, V128LanePatterns) {
  Expected e = expected(R"({"type": "v128", "lane_type": "f32",
      "value": ["nan:canonical", "nan:arithmetic", "1065353216", "2143289344"]})");
  wasmslot::Value good = wasmslot::Value::v128(0x7fc00001ull << 32 | 0xffc00000ull,
                                               0x7fc00000ull << 32 | 0x3f800000ull);
  EXPECT_TRUE(spec::matches(good, e));
  // Lane 0 must be exactly canonical.
  wasmslot::Value bad0 = good;
  bad0.lo = 0x7fc00001ull << 32 | 0x7fc00001ull;
  EXPECT_FALSE(spec::matches(bad0, e));
  // Lane 2 is exact: 1.0.
  wasmslot::Value bad2 = good;
  bad2.hi = 0x7fc00000ull << 32 | 0x3f800001ull;
  EXPECT_FALSE(spec::matches(bad2, e));
  EXPECT_EQ(spec::to_string(e).substr(0, 45), "v128 f32x4:nan:canonical nan:arithmetic 1 (0x");

  Expected d = expected(R"({"type": "v128", "lane_type": "f64", "value": ["nan:arithmetic", "0"]})");
  EXPECT_TRUE(spec::matches(wasmslot::Value::v128(0xfff8000000000001ull, 0), d));
  EXPECT_FALSE(spec::matches(wasmslot::Value::v128(0xfff0000000000001ull, 0), d));
  EXPECT_FALSE(spec::matches(wasmslot::Value::v128(0xfff8000000000001ull, 1), d));
  // Integer lanes never take NaN patterns.
  EXPECT_FALSE(spec::parse_expected(parse_ok(
      R"({"type": "v128", "lane_type": "i32", "value": ["nan:canonical", "0", "0", "0"]})")).ok());
}

TEST(WastValue, Lanes) {
  wasmslot::Value v = wasmslot::Value::v128(0, 0);
  spec::set_lane(v, Lanes::I16, 5, 0xabcd);
  EXPECT_EQ(v.hi, 0xabcd0000ull);
  EXPECT_EQ(spec::get_lane(v, Lanes::I16, 5), 0xabcdu);
  EXPECT_EQ(spec::get_lane(v, Lanes::I8, 10), 0xcdu);
  spec::set_lane(v, Lanes::I64, 0, 0x1122334455667788ull);
  EXPECT_EQ(spec::get_lane(v, Lanes::I32, 1), 0x11223344u);
}

TEST(WastValue, Formatting) {
  EXPECT_EQ(spec::to_string(wasmslot::Value::i32(-1)), "i32:4294967295 (-1)");
  EXPECT_EQ(spec::to_string(wasmslot::Value::i32(7)), "i32:7");
  EXPECT_EQ(spec::to_string(wasmslot::Value::i64(-2)), "i64:18446744073709551614 (-2)");
  EXPECT_EQ(spec::to_string(wasmslot::Value::f32(1.5f)), "f32:1.5 (0x3fc00000)");
  EXPECT_EQ(spec::to_string(wasmslot::Value::f64(-0.0)), "f64:-0 (0x8000000000000000)");
  EXPECT_EQ(spec::to_string(wasmslot::Value::v128(0x0000000200000001ull, 0x0000000400000003ull)),
            "v128 i32x4:1 2 3 4");
  EXPECT_EQ(spec::to_string(wasmslot::Value::ref(ValType::FuncRef, 0)), "funcref:null");
}

}  // namespace
}  // namespace wasmslot
