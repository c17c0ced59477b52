/* Shared by every workload: fixed-width types, a tiny PRNG, and the two
 * entry points.
 *
 * A workload is one freestanding C file (no libc, no headers but this one)
 * that defines `u32 run(u32 n)` returning a checksum, and ends with
 * BENCH_N(default_n, check_n):
 *   - default_n is the size bench/compare measures (chosen so that wasmslot
 *     takes roughly 0.5-2 s); `run_default()` calls run(default_n), for
 *     engines that cannot pass arguments (wabt's wasm-interp);
 *   - check_n is a small size for the quick checksum test (compare --check).
 * bench/compare reads both numbers from the source text.
 *
 * Data lives in static arrays (linear memory in wasm). Results must not
 * depend on pointer sizes or addresses: the same file is compiled for wasm32
 * and natively (x86-64) and the checksums must agree. */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

typedef unsigned char u8;
typedef signed char i8;
typedef unsigned short u16;
typedef short i16;
typedef unsigned int u32;
typedef int i32;
typedef unsigned long long u64;
typedef long long i64;

u32 run(u32 n);
u32 run_default(void);

/* The size is read from a volatile so that the compiler can neither inline a
 * constant into run() nor specialise it: run_default() runs the same code as
 * run(n) called from outside. */
#define BENCH_N(default_n, check_n)                     \
  static volatile u32 bench_default_n = (default_n);    \
  u32 run_default(void) { return run(bench_default_n); }

/* xorshift32: deterministic, never returns 0 for a non-zero state. */
static inline u32 xorshift32(u32* s) {
  u32 x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

/* Mixes a value into a running checksum (FNV-1a style on 32-bit words). */
static inline u32 mix(u32 h, u32 v) { return (h ^ v) * 16777619u; }

#ifdef __wasm__
/* With -nostdlib nothing provides these; clang may still emit calls to them
 * for loops it recognises as copies or fills. Natively, libc's are used. */
void* memset(void* d, int c, unsigned long n) {
  u8* p = (u8*)d;
  while (n--) *p++ = (u8)c;
  return d;
}
void* memcpy(void* d, const void* s, unsigned long n) {
  u8* p = (u8*)d;
  const u8* q = (const u8*)s;
  while (n--) *p++ = *q++;
  return d;
}
#endif

#endif
