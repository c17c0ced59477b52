// Reader: a cursor over the bytes of a module, reading the binary format's
// primitive values (spec section 5.2 "Values") that sections are made of:
// bytes, LEB128 integers, byte vectors and names.
//
// The decoder reads sections with it. Instructions, in function bodies and
// constant expressions alike, are read by InstrReader (loader/instr_reader.h),
// which has its own readers for their immediates (signed integers, floats).
// Every read either succeeds and advances, or returns an Error whose message
// is the one the spec's reference interpreter gives and whose offset is a
// byte offset in the module. Nothing throws, and nothing reads outside the
// window the Reader was given.
//
// Positions are always offsets into the whole span the Reader was built on
// (normally Module::bytes), even when the Reader only covers a window of it:
// so `Reader(module.bytes, f.body_offset, f.body_offset + f.body_size)` reports
// errors at module offsets.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "loader/leb128.h"
#include "wasmslot/result.h"

namespace wasmslot {

// The messages of the reference interpreter for the binary format's basic
// errors. The spec tests match on them (by prefix: "unexpected end" also
// accepts the longer text).
inline constexpr const char* kUnexpectedEnd = "unexpected end of section or function";
inline constexpr const char* kLengthOutOfBounds = "length out of bounds";
inline constexpr const char* kTooLong = "integer representation too long";
inline constexpr const char* kTooLarge = "integer too large";
inline constexpr const char* kMalformedUtf8 = "malformed UTF-8 encoding";

// Is `s` well-formed UTF-8 (spec section 5.2.4 "Names")? Rejects overlong
// forms, surrogates (U+D800..U+DFFF) and code points above U+10FFFF.
bool is_valid_utf8(std::string_view s);

class Reader {
 public:
  // A reader over all of `bytes`.
  explicit Reader(std::span<const uint8_t> bytes)
      : data_(bytes.data()), pos_(0), end_(bytes.size()) {}
  // A reader over the window [begin, end) of `bytes`; positions stay offsets
  // into `bytes`. (begin <= end <= bytes.size() is the caller's promise; a
  // window past the end is clamped to it.)
  Reader(std::span<const uint8_t> bytes, size_t begin, size_t end)
      : data_(bytes.data()),
        pos_(begin < bytes.size() ? begin : bytes.size()),
        end_(end < bytes.size() ? end : bytes.size()) {
    if (pos_ > end_) pos_ = end_;
  }

  // --- Where we are ---------------------------------------------------------
  size_t position() const { return pos_; }
  size_t end() const { return end_; }
  size_t remaining() const { return end_ - pos_; }
  bool at_end() const { return pos_ == end_; }
  // Moves the cursor, within the window (a position past the end is clamped).
  void seek(size_t position) { pos_ = position < end_ ? position : end_; }

  // An Error at `offset` (a position), for callers' own checks.
  static Error error_at(size_t offset, std::string message) {
    return Error{std::move(message), offset};
  }

  // --- Bytes ----------------------------------------------------------------
  std::optional<uint8_t> peek_u8() const {
    if (pos_ >= end_) return std::nullopt;
    return data_[pos_];
  }

  Result<uint8_t> read_u8() {
    if (pos_ >= end_) return Error{kUnexpectedEnd, end_};
    return data_[pos_++];
  }

  // Exactly n bytes, as a view into the module's bytes.
  Result<std::span<const uint8_t>> read_bytes(size_t n) {
    if (n > remaining()) return Error{kUnexpectedEnd, end_};
    std::span<const uint8_t> s(data_ + pos_, n);
    pos_ += n;
    return s;
  }

  Status skip(size_t n) {
    if (n > remaining()) return Error{kUnexpectedEnd, end_};
    pos_ += n;
    return Ok{};
  }

  // --- Integers (LEB128) ----------------------------------------------------
  Result<uint32_t> read_u32() {
    // Fast path: most immediates fit in one byte.
    if (pos_ < end_ && data_[pos_] < 0x80) return static_cast<uint32_t>(data_[pos_++]);
    auto r = read_unsigned(32);
    if (!r) return r.error();
    return static_cast<uint32_t>(r.value());
  }
  Result<uint64_t> read_u64() { return read_unsigned(64); }

  // Any width from 1 to 64 bits; e.g. read_unsigned(1) reads a limits flag.
  // (Instruction immediates, signed ones and floats among them, are read by
  // InstrReader, loader/instr_reader.h.)
  Result<uint64_t> read_unsigned(unsigned bits) {
    LebRead r = read_unsigned_leb128(data_ + pos_, data_ + end_, bits);
    return finish(r);
  }
  Result<int64_t> read_signed(unsigned bits) {
    LebRead r = read_signed_leb128(data_ + pos_, data_ + end_, bits);
    auto v = finish(r);
    if (!v) return v.error();
    return static_cast<int64_t>(v.value());
  }

  // A u32 that counts what follows (a vector's elements, a string's bytes, a
  // section's size): each counted thing takes at least one byte, so a length
  // larger than the bytes left is malformed ("length out of bounds"). Checked
  // before anyone allocates for it.
  //
  // Like the reference interpreter, the bytes left are counted from where the
  // length itself starts: the spec tests depend on that exact boundary (a
  // length one larger than what follows is "unexpected end", not "out of
  // bounds").
  Result<uint32_t> read_length() {
    const size_t start = pos_;
    auto n = read_u32();
    if (!n) return n.error();
    if (n.value() > end_ - start) return Error{kLengthOutOfBounds, start};
    return n.value();
  }

  // --- Names ------------------------------------------------------------------
  // A name is a length and that many bytes of valid UTF-8.
  Result<std::string> read_name() {
    const size_t start = pos_;
    auto n = read_length();
    if (!n) return n.error();
    auto bytes = read_bytes(n.value());
    if (!bytes) return bytes.error();
    std::string_view s(reinterpret_cast<const char*>(bytes.value().data()), bytes.value().size());
    if (!is_valid_utf8(s)) return Error{kMalformedUtf8, start};
    return std::string(s);
  }

 private:
  Result<uint64_t> finish(const LebRead& r) {
    switch (r.status) {
      case LebStatus::ok:
        pos_ += r.length;
        return r.value;
      case LebStatus::unexpected_end:
        return Error{kUnexpectedEnd, end_};
      case LebStatus::too_long:
        return Error{kTooLong, pos_ + r.length};
      case LebStatus::too_large:
        return Error{kTooLarge, pos_ + r.length};
    }
    return Error{kTooLarge, pos_};  // unreachable: every status is handled
  }

  const uint8_t* data_;
  size_t pos_;
  size_t end_;
};

// Propagating errors without exceptions. In a function returning any Result
// or Status:
//
//   WASMSLOT_TRY(uint32_t count, reader.read_u32());   // declares and assigns
//   WASMSLOT_CHECK(reader.skip(4));                    // for Status
//
// On failure they return the Error from the enclosing function.
// WASMSLOT_TRY expands to several statements around a hidden variable: write it
// as a statement of its own, in braces after `if`/`else`, and in braces
// inside a `case` (a jump may not cross its initialization).
#define WASMSLOT_CONCAT_INNER(a, b) a##b
#define WASMSLOT_CONCAT(a, b) WASMSLOT_CONCAT_INNER(a, b)
#define WASMSLOT_TRY(decl, expr)                                                        \
  auto WASMSLOT_CONCAT(wasmslot_try_, __LINE__) = (expr);                               \
  if (!WASMSLOT_CONCAT(wasmslot_try_, __LINE__))                                        \
    return WASMSLOT_CONCAT(wasmslot_try_, __LINE__).error();                            \
  decl = std::move(WASMSLOT_CONCAT(wasmslot_try_, __LINE__)).value()
#define WASMSLOT_CHECK(expr)                          \
  do {                                                \
    auto wasmslot_check_ = (expr);                    \
    if (!wasmslot_check_) return wasmslot_check_.error(); \
  } while (0)

}  // namespace wasmslot
