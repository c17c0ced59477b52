/* CRC-32 (IEEE, reflected, table-driven) over a 64 KiB buffer, n passes; the
 * buffer changes a little between passes. Measures byte loads, table lookups,
 * shifts and xors. */
#include "common.h"

#define LEN 65536u
static u32 table[256];
static u8 buf[LEN];

static void make_table(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    table[i] = c;
  }
}

static u32 crc32(u32 crc, const u8* p, u32 len) {
  crc = ~crc;
  while (len--) crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
  return ~crc;
}

u32 run(u32 n) {
  make_table();
  u32 seed = 0x12345678u;
  for (u32 i = 0; i < LEN; i++) buf[i] = (u8)(xorshift32(&seed) >> 24);
  u32 crc = 0, h = 2166136261u;
  for (u32 r = 0; r < n; r++) {
    crc = crc32(crc, buf, LEN);
    buf[(r * 2654435761u) % LEN] ^= (u8)crc;
    h = mix(h, crc);
  }
  return h;
}

BENCH_N(140, 3)
