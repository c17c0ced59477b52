/* Double-precision matrix multiply, 64x64, n rounds. Each round multiplies,
 * then feeds the normalised product back as the left operand. Measures f64
 * arithmetic and indexed loads. The checksum hashes the bits of the results:
 * every operation is plain IEEE double arithmetic in a fixed order, so wasm
 * and native agree to the bit (build with -ffp-contract=off). */
#include "common.h"

#define M 64
static double A[M * M], B[M * M], C[M * M];

static u32 bits_hash(u32 h, double d) {
  union { double d; u64 u; } v;
  v.d = d;
  return mix(mix(h, (u32)v.u), (u32)(v.u >> 32));
}

u32 run(u32 n) {
  u32 seed = 0x9e3779b9u;
  for (u32 i = 0; i < M * M; i++) {
    A[i] = (double)(xorshift32(&seed) >> 8) * (1.0 / 16777216.0);
    B[i] = (double)(xorshift32(&seed) >> 8) * (1.0 / 16777216.0) - 0.5;
  }
  u32 h = 2166136261u;
  double trace = 0.0;
  for (u32 r = 0; r < n; r++) {
    for (u32 i = 0; i < M; i++)
      for (u32 j = 0; j < M; j++) {
        double s = 0.0;
        for (u32 k = 0; k < M; k++) s += A[i * M + k] * B[k * M + j];
        C[i * M + j] = s;
      }
    double mx = 0.0;
    for (u32 i = 0; i < M * M; i++) {
      double a = C[i] < 0.0 ? -C[i] : C[i];
      if (a > mx) mx = a;
    }
    double inv = mx > 0.0 ? 1.0 / mx : 1.0;
    for (u32 i = 0; i < M * M; i++) A[i] = C[i] * inv + 0.001 * (double)(i & 15);
    trace += C[(r % M) * M + (r % M)];
    h = bits_hash(h, C[(r * 31u) % (M * M)]);
  }
  return bits_hash(h, trace);
}

BENCH_N(24, 2)
