// Tests of LEB128 decoding (loader/leb128.h) and of the Reader built on it
// (loader/reader.h): valid encodings, the spec's two limits on the encoding
// ("integer representation too long", "integer too large"), truncation, and
// the other primitive values a module is made of.

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "loader/leb128.h"
#include "loader/reader.h"

namespace wasmslot {
namespace {

using Bytes = std::vector<uint8_t>;

LebRead unsigned_of(const Bytes& b, unsigned bits) {
  return read_unsigned_leb128(b.data(), b.data() + b.size(), bits);
}
LebRead signed_of(const Bytes& b, unsigned bits) {
  return read_signed_leb128(b.data(), b.data() + b.size(), bits);
}

// ---------------------------------------------------------------------------
// The pure decoders

TEST(Leb128, UnsignedValid) {
  struct Case {
    Bytes bytes;
    uint64_t value;
  } cases[] = {
      {{0x00}, 0},
      {{0x01}, 1},
      {{0x7F}, 127},
      {{0x80, 0x01}, 128},
      {{0xE5, 0x8E, 0x26}, 624485},  // the classic example
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 0xFFFFFFFFu},
  };
  for (const Case& c : cases) {
    LebRead r = unsigned_of(c.bytes, 32);
    EXPECT_EQ(r.status, LebStatus::ok);
    EXPECT_EQ(r.value, c.value);
    EXPECT_EQ(r.length, c.bytes.size());
  }
}

TEST(Leb128, UnsignedNonMinimalIsAllowed) {
  // 2 written in 2 and in 5 bytes: longer than needed but within ceil(32/7).
  LebRead r = unsigned_of({0x82, 0x00}, 32);
  EXPECT_EQ(r.status, LebStatus::ok);
  EXPECT_EQ(r.value, 2u);
  EXPECT_EQ(r.length, 2u);
  r = unsigned_of({0x82, 0x80, 0x80, 0x80, 0x00}, 32);
  EXPECT_EQ(r.status, LebStatus::ok);
  EXPECT_EQ(r.value, 2u);
  EXPECT_EQ(r.length, 5u);
}

TEST(Leb128, UnsignedTooLong) {
  // Six bytes for a u32, even though the extra byte is zero.
  LebRead r = unsigned_of({0x82, 0x80, 0x80, 0x80, 0x80, 0x00}, 32);
  EXPECT_EQ(r.status, LebStatus::too_long);
  EXPECT_EQ(r.length, 5u);  // the fault: a sixth byte was announced
}

TEST(Leb128, UnsignedTooLarge) {
  // The fifth byte of a u32 carries only 4 bits.
  for (uint8_t last : {0x10, 0x40, 0x70, 0x1F}) {
    LebRead r = unsigned_of({0x82, 0x80, 0x80, 0x80, last}, 32);
    EXPECT_EQ(r.status, LebStatus::too_large) << int(last);
    EXPECT_EQ(r.length, 4u);  // index of the offending byte
  }
  // The largest u32 is fine, one more is not.
  EXPECT_EQ(unsigned_of({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 32).status, LebStatus::ok);
  EXPECT_EQ(unsigned_of({0x80, 0x80, 0x80, 0x80, 0x10}, 32).status, LebStatus::too_large);
}

TEST(Leb128, UnsignedTruncated) {
  EXPECT_EQ(unsigned_of({}, 32).status, LebStatus::unexpected_end);
  EXPECT_EQ(unsigned_of({0x80}, 32).status, LebStatus::unexpected_end);
  EXPECT_EQ(unsigned_of({0xFF, 0xFF, 0xFF, 0xFF}, 32).status, LebStatus::unexpected_end);
}

TEST(Leb128, Unsigned64) {
  LebRead r = unsigned_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 64);
  EXPECT_EQ(r.status, LebStatus::ok);
  EXPECT_EQ(r.value, std::numeric_limits<uint64_t>::max());
  EXPECT_EQ(r.length, 10u);
  // The tenth byte carries a single bit.
  EXPECT_EQ(unsigned_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02}, 64).status,
            LebStatus::too_large);
  EXPECT_EQ(unsigned_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64).status,
            LebStatus::too_long);
  // A 5-byte u32 encoding is a fine u64.
  EXPECT_EQ(unsigned_of({0x80, 0x80, 0x80, 0x80, 0x10}, 64).value, 0x100000000u);
}

TEST(Leb128, OneBitFlags) {
  // Limits flags are read as u1: one byte, value 0 or 1.
  EXPECT_EQ(unsigned_of({0x00}, 1).value, 0u);
  EXPECT_EQ(unsigned_of({0x01}, 1).value, 1u);
  EXPECT_EQ(unsigned_of({0x02}, 1).status, LebStatus::too_large);
  EXPECT_EQ(unsigned_of({0x81, 0x00}, 1).status, LebStatus::too_long);
  EXPECT_EQ(unsigned_of({0x80, 0x00}, 1).status, LebStatus::too_long);
}

TEST(Leb128, SignedValid) {
  struct Case {
    Bytes bytes;
    int64_t value;
  } cases[] = {
      {{0x00}, 0},
      {{0x3F}, 63},
      {{0x40}, -64},
      {{0x7F}, -1},
      {{0x80, 0x7F}, -128},
      {{0xC0, 0xBB, 0x78}, -123456},
      {{0xFF, 0x7F}, -1},  // non-minimal -1
      {{0x80, 0x00}, 0},   // non-minimal 0
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x07}, std::numeric_limits<int32_t>::max()},
      {{0x80, 0x80, 0x80, 0x80, 0x78}, std::numeric_limits<int32_t>::min()},
      {{0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, -1},
  };
  for (const Case& c : cases) {
    LebRead r = signed_of(c.bytes, 32);
    EXPECT_EQ(r.status, LebStatus::ok) << c.value;
    EXPECT_EQ(static_cast<int64_t>(r.value), c.value);
    EXPECT_EQ(r.length, c.bytes.size());
  }
}

TEST(Leb128, SignedUnusedBitsMustExtendTheSign) {
  // From binary.wast: the fifth byte of an s32 holds 4 value bits; the three
  // bits above them must equal the sign bit.
  for (Bytes b : {Bytes{0x80, 0x80, 0x80, 0x80, 0x70}, Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x0F},
                  Bytes{0x80, 0x80, 0x80, 0x80, 0x1F}, Bytes{0xFF, 0xFF, 0xFF, 0xFF, 0x4F}}) {
    LebRead r = signed_of(b, 32);
    EXPECT_EQ(r.status, LebStatus::too_large);
    EXPECT_EQ(r.length, 4u);
  }
  EXPECT_EQ(signed_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 32).status, LebStatus::too_long);
  EXPECT_EQ(signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 32).status, LebStatus::too_long);
  EXPECT_EQ(signed_of({0xFF}, 32).status, LebStatus::unexpected_end);
}

TEST(Leb128, Signed33ForBlockTypes) {
  // s33 reaches every u32 type index and the one-byte negative type codes.
  LebRead r = signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0x0F}, 33);
  EXPECT_EQ(r.status, LebStatus::ok);
  EXPECT_EQ(static_cast<int64_t>(r.value), 0xFFFFFFFFll);
  r = signed_of({0x80, 0x80, 0x80, 0x80, 0x70}, 33);
  EXPECT_EQ(r.status, LebStatus::ok);
  EXPECT_EQ(static_cast<int64_t>(r.value), -(1ll << 32));
  r = signed_of({0x40}, 33);  // the empty block type, -64
  EXPECT_EQ(static_cast<int64_t>(r.value), -64);
  r = signed_of({0x7F}, 33);  // i32, -1
  EXPECT_EQ(static_cast<int64_t>(r.value), -1);
  // The fifth byte carries 5 bits: bits 5 and 6 must copy bit 4.
  EXPECT_EQ(signed_of({0x80, 0x80, 0x80, 0x80, 0x10}, 33).status, LebStatus::too_large);
  EXPECT_EQ(signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0x2F}, 33).status, LebStatus::too_large);
  EXPECT_EQ(signed_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 33).status, LebStatus::too_long);
}

TEST(Leb128, Signed64) {
  const Bytes min = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7F};
  const Bytes max = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x00};
  EXPECT_EQ(static_cast<int64_t>(signed_of(min, 64).value), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(static_cast<int64_t>(signed_of(max, 64).value), std::numeric_limits<int64_t>::max());
  // The tenth byte carries one value bit: the rest must all copy it.
  EXPECT_EQ(signed_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x7E}, 64).status,
            LebStatus::too_large);
  EXPECT_EQ(signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01}, 64).status,
            LebStatus::too_large);
  EXPECT_EQ(signed_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x02}, 64).status,
            LebStatus::too_large);
  EXPECT_EQ(signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x41}, 64).status,
            LebStatus::too_large);
  EXPECT_EQ(
      signed_of({0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00}, 64).status,
      LebStatus::too_long);
  EXPECT_EQ(
      signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 64).status,
      LebStatus::too_long);
  // Non-minimal but in bounds.
  EXPECT_EQ(static_cast<int64_t>(
                signed_of({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F}, 64).value),
            -1);
}

// ---------------------------------------------------------------------------
// The Reader: messages and offsets

TEST(Reader, ReadsIntegersAndAdvances) {
  Bytes b = {0x80, 0x01, 0x7F, 0x7F, 0x40, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F};
  Reader r(b);
  auto u = r.read_u32();
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u.value(), 128u);
  EXPECT_EQ(r.position(), 2u);
  auto s = r.read_signed(32);
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s.value(), -1);
  auto s64 = r.read_signed(64);
  ASSERT_TRUE(s64.ok());
  EXPECT_EQ(s64.value(), -1);
  auto s33 = r.read_signed(33);
  ASSERT_TRUE(s33.ok());
  EXPECT_EQ(s33.value(), -64);
  auto u64 = r.read_u64();
  ASSERT_TRUE(u64.ok());
  EXPECT_EQ(u64.value(), 0xFFFFFFFFu);
  EXPECT_TRUE(r.at_end());
}

TEST(Reader, ErrorsCarryTheSpecMessagesAndOffsets) {
  {
    Bytes b = {0x00, 0x82, 0x80, 0x80, 0x80, 0x80, 0x00};
    Reader r(b);
    ASSERT_TRUE(r.read_u8().ok());
    auto v = r.read_u32();
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().message, "integer representation too long");
    EXPECT_EQ(v.error().offset, 6u);
  }
  {
    Bytes b = {0x00, 0x82, 0x80, 0x80, 0x80, 0x70};
    Reader r(b);
    ASSERT_TRUE(r.read_u8().ok());
    auto v = r.read_u32();
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().message, "integer too large");
    EXPECT_EQ(v.error().offset, 5u);
  }
  {
    Bytes b = {0x80, 0x80};
    Reader r(b);
    auto v = r.read_signed(64);
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().message, "unexpected end of section or function");
    EXPECT_EQ(v.error().offset, 2u);
    EXPECT_EQ(r.position(), 0u);  // a failed read does not move
  }
  {
    Reader r(Bytes{});
    auto v = r.read_u8();
    ASSERT_FALSE(v.ok());
    EXPECT_EQ(v.error().message, "unexpected end of section or function");
  }
}

TEST(Reader, WindowsKeepModuleOffsets) {
  Bytes b = {0xAA, 0xBB, 0x05, 0x80};
  Reader r(b, 2, 4);
  EXPECT_EQ(r.position(), 2u);
  EXPECT_EQ(r.remaining(), 2u);
  auto v = r.read_u32();
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.value(), 5u);
  auto w = r.read_u32();  // 0x80 continues past the window
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.error().offset, 4u);
  // A window never reaches past the bytes.
  Reader clamped(b, 3, 100);
  EXPECT_EQ(clamped.remaining(), 1u);
  // Reading stops at the window's end even though the bytes go on.
  Reader first(b, 0, 1);
  EXPECT_TRUE(first.read_u8().ok());
  EXPECT_FALSE(first.read_u8().ok());
}

TEST(Reader, BytesAndSkip) {
  Bytes b = {1, 2, 3, 4, 5};
  Reader r(b);
  auto s = r.read_bytes(3);
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s.value().size(), 3u);
  EXPECT_EQ(s.value()[2], 3);
  EXPECT_FALSE(r.read_bytes(3).ok());
  EXPECT_TRUE(r.skip(2).ok());
  EXPECT_TRUE(r.at_end());
  EXPECT_FALSE(r.skip(1).ok());
  EXPECT_EQ(r.peek_u8(), std::nullopt);
}

TEST(Reader, LengthsMustFitInWhatIsLeft) {
  // Like the reference interpreter, the bytes left are counted from the
  // length itself: 3 fits here (the length byte and two more), 4 does not.
  {
    Bytes b = {0x03, 0xAA, 0xBB};
    Reader r(b);
    auto n = r.read_length();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), 3u);
  }
  {
    Bytes b = {0x04, 0xAA, 0xBB};
    Reader r(b);
    auto n = r.read_length();
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().message, "length out of bounds");
    EXPECT_EQ(n.error().offset, 0u);
  }
  {
    Bytes b = {0xFF, 0xFF, 0xFF, 0xFF, 0x0F};  // 2^32-1 things in 5 bytes
    Reader r(b);
    EXPECT_EQ(r.read_length().error().message, "length out of bounds");
  }
}

TEST(Reader, Names) {
  {
    Bytes b = {0x05, 'h', 'e', 'l', 'l', 'o'};
    Reader r(b);
    auto n = r.read_name();
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(n.value(), "hello");
  }
  {
    Bytes b = {0x02, 0xC0, 0x80};  // an overlong NUL
    Reader r(b);
    auto n = r.read_name();
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().message, "malformed UTF-8 encoding");
    EXPECT_EQ(n.error().offset, 0u);
  }
  {
    Bytes b = {0x03, 'a', 'b'};  // shorter than announced
    Reader r(b);
    auto n = r.read_name();
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.error().message, "unexpected end of section or function");
  }
}

TEST(Utf8, WellFormedSequences) {
  EXPECT_TRUE(is_valid_utf8(""));
  EXPECT_TRUE(is_valid_utf8("plain ascii \x7f"));
  EXPECT_TRUE(is_valid_utf8("\xC2\x80"));          // U+0080
  EXPECT_TRUE(is_valid_utf8("\xDF\xBF"));          // U+07FF
  EXPECT_TRUE(is_valid_utf8("\xE0\xA0\x80"));      // U+0800
  EXPECT_TRUE(is_valid_utf8("\xED\x9F\xBF"));      // U+D7FF
  EXPECT_TRUE(is_valid_utf8("\xEE\x80\x80"));      // U+E000
  EXPECT_TRUE(is_valid_utf8("\xEF\xBB\xBF"));      // BOM, a fine character
  EXPECT_TRUE(is_valid_utf8("\xF0\x90\x80\x80"));  // U+10000
  EXPECT_TRUE(is_valid_utf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(is_valid_utf8(std::string("a\0b", 3)));
}

TEST(Utf8, IllFormedSequences) {
  EXPECT_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(is_valid_utf8("\xC0\x80"));          // overlong U+0000
  EXPECT_FALSE(is_valid_utf8("\xC1\xBF"));          // overlong U+007F
  EXPECT_FALSE(is_valid_utf8("\xE0\x9F\xBF"));      // overlong U+07FF
  EXPECT_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  EXPECT_FALSE(is_valid_utf8("\xED\xBF\xBF"));      // surrogate U+DFFF
  EXPECT_FALSE(is_valid_utf8("\xF0\x8F\xBF\xBF"));  // overlong U+FFFF
  EXPECT_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // U+110000
  EXPECT_FALSE(is_valid_utf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(is_valid_utf8("\xFF"));
  EXPECT_FALSE(is_valid_utf8("\xE2\x82"));          // truncated
  EXPECT_FALSE(is_valid_utf8("\xE2\x28\xA1"));      // bad continuation
  EXPECT_FALSE(is_valid_utf8("\xF0\x90\x80"));      // truncated 4-byte form
  EXPECT_FALSE(is_valid_utf8("ok\xC2"));
}

}  // namespace
}  // namespace wasmslot
