#include "loader/reader.h"

namespace wasmslot {

// UTF-8 (spec section 5.2.4, and Unicode's table of well-formed byte
// sequences): the first byte says how many continuation bytes (10xxxxxx)
// follow. Three rules make the encoding of each code point unique and keep it
// inside Unicode's scalar values:
//   * no overlong forms: C0 and C1 never start a sequence, and after E0 / F0
//     the second byte must be at least A0 / 90;
//   * no surrogates: after ED the second byte is at most 9F (U+D800..DFFF
//     would be ED A0..BF xx);
//   * nothing above U+10FFFF: after F4 the second byte is at most 8F, and F5..FF
//     never start a sequence.
bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data());
  const auto* end = p + s.size();
  auto is_cont = [](unsigned char b) { return (b & 0xC0) == 0x80; };
  while (p < end) {
    const unsigned char b = *p;
    if (b < 0x80) {  // ASCII
      ++p;
      continue;
    }
    size_t n;                        // number of continuation bytes
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (b >= 0xC2 && b <= 0xDF) {
      n = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      n = 2;
      if (b == 0xE0) lo = 0xA0;
      if (b == 0xED) hi = 0x9F;
    } else if (b >= 0xF0 && b <= 0xF4) {
      n = 3;
      if (b == 0xF0) lo = 0x90;
      if (b == 0xF4) hi = 0x8F;
    } else {
      return false;  // a stray continuation byte, C0, C1, or F5..FF
    }
    if (static_cast<size_t>(end - p) <= n) return false;  // truncated sequence
    if (p[1] < lo || p[1] > hi) return false;
    for (size_t i = 2; i <= n; ++i)
      if (!is_cont(p[i])) return false;
    p += n + 1;
  }
  return true;
}

}  // namespace wasmslot
