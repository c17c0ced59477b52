// LEB128: the variable-length integer encoding of the binary format (spec
// section 5.2.2 "Integers").
//
// An integer is written 7 bits at a time, least significant group first; the
// high bit of each byte says "another byte follows". The spec bounds the
// encoding of an N-bit integer in two ways:
//
//   * it takes at most ceil(N / 7) bytes: a longer encoding is malformed
//     ("integer representation too long"), even if the extra bytes are zero;
//   * in the last byte allowed, the bits beyond N must be zero (unsigned) or
//     copies of the sign bit (signed): otherwise the value does not fit in N
//     bits ("integer too large").
//
// Shorter-than-necessary encodings are not required: 0x82 0x00 is a valid 2.
//
// These functions are pure and allocation-free: they look at [p, end) and say
// what they found. The Reader (loader/reader.h) turns their verdicts into
// Errors with byte offsets.
#pragma once

#include <cstddef>
#include <cstdint>

namespace wasmslot {

enum class LebStatus : uint8_t {
  ok,
  unexpected_end,  // the bytes ran out before the last byte of the encoding
  too_long,        // more bytes than ceil(N / 7)
  too_large,       // the unused bits of the last byte are wrong
};

struct LebRead {
  uint64_t value = 0;  // signed readers: the value sign-extended to 64 bits
  size_t length = 0;   // ok: bytes consumed; error: index of the byte at fault
  LebStatus status = LebStatus::ok;
};

// Reads an unsigned integer of `bits` bits (1 to 64). Bit widths below 7 are
// used for flags: a limits flag is a u1, so 0x02 is "too large" and 0x81 0x00
// is "too long".
inline LebRead read_unsigned_leb128(const uint8_t* p, const uint8_t* end, unsigned bits) {
  LebRead r;
  int bits_left = static_cast<int>(bits);  // bits the remaining bytes may still carry
  unsigned shift = 0;
  for (size_t i = 0;; ++i) {
    if (p + i >= end) {
      r.length = i;
      r.status = LebStatus::unexpected_end;
      return r;
    }
    const uint8_t byte = p[i];
    const uint8_t payload = byte & 0x7F;
    // The last byte allowed may only carry the bits that are left.
    if (bits_left < 7 && payload >= (1u << bits_left)) {
      r.length = i;
      r.status = LebStatus::too_large;
      return r;
    }
    r.value |= static_cast<uint64_t>(payload) << shift;
    if ((byte & 0x80) == 0) {
      r.length = i + 1;
      return r;
    }
    // Another byte follows: it must still have bits to carry.
    bits_left -= 7;
    shift += 7;
    if (bits_left <= 0) {
      r.length = i + 1;
      r.status = LebStatus::too_long;
      return r;
    }
  }
}

// Reads a signed (two's complement) integer of `bits` bits (1 to 64). The
// result is sign-extended to 64 bits; cast it to the width you asked for.
inline LebRead read_signed_leb128(const uint8_t* p, const uint8_t* end, unsigned bits) {
  LebRead r;
  int bits_left = static_cast<int>(bits);
  unsigned shift = 0;
  for (size_t i = 0;; ++i) {
    if (p + i >= end) {
      r.length = i;
      r.status = LebStatus::unexpected_end;
      return r;
    }
    const uint8_t byte = p[i];
    const uint8_t payload = byte & 0x7F;
    if (bits_left < 7) {
      // The bits at and above the value's sign bit must all be equal: all
      // zero for a positive value, all one for a negative one.
      const uint8_t mask = static_cast<uint8_t>((0xFFu << (bits_left - 1)) & 0x7F);
      const uint8_t high = payload & mask;
      if (high != 0 && high != mask) {
        r.length = i;
        r.status = LebStatus::too_large;
        return r;
      }
    }
    r.value |= static_cast<uint64_t>(payload) << shift;
    shift += 7;
    if ((byte & 0x80) == 0) {
      // Bit 6 of the last byte is the sign: copy it into the bits above.
      if (shift < 64 && (byte & 0x40) != 0) r.value |= ~uint64_t{0} << shift;
      r.length = i + 1;
      return r;
    }
    bits_left -= 7;
    if (bits_left <= 0) {
      r.length = i + 1;
      r.status = LebStatus::too_long;
      return r;
    }
  }
}

}  // namespace wasmslot
