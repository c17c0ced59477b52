/* Recursive calls: naive Fibonacci, plus Takeuchi's function for calls with
 * three arguments. Measures call/return and argument passing. */
#include "common.h"

static u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static i32 tak(i32 x, i32 y, i32 z) {
  if (y >= x) return z;
  return tak(tak(x - 1, y, z), tak(y - 1, z, x), tak(z - 1, x, y));
}

u32 run(u32 n) {
  u32 h = mix(2166136261u, fib(n));
  /* tak(3k, 2k, k) grows fast; keep it a fraction of the fib work. */
  i32 k = (i32)(n / 4);
  h = mix(h, (u32)tak(3 * k, 2 * k, k));
  return h;
}

BENCH_N(33, 20)
