/* Sieve of Eratosthenes over a 1 MiB byte array, repeated n times with a
 * limit that varies per round. Measures byte loads/stores and tight loops. */
#include "common.h"

#define SIZE (1u << 20)
static u8 flags[SIZE];

u32 run(u32 n) {
  u32 h = 2166136261u;
  for (u32 r = 0; r < n; r++) {
    u32 limit = SIZE - (r * 7919u) % 4096u;
    /* Odd numbers are candidates; even ones (but 2) are not. */
    for (u32 i = 0; i < limit; i++) flags[i] = (u8)(i & 1);
    flags[1] = 0;
    flags[2] = 1;
    for (u32 i = 3; i * i < limit; i += 2)
      if (flags[i])
        for (u32 j = i * i; j < limit; j += 2 * i) flags[j] = 0;
    u32 count = 0, last = 0;
    for (u32 i = 0; i < limit; i++)
      if (flags[i]) {
        count++;
        last = i;
      }
    h = mix(mix(h, count), last);
  }
  return h;
}

BENCH_N(5, 2)
