/* Quicksort (recursive, median of three, insertion sort for short ranges) of
 * 100000 ints from a xorshift PRNG, n rounds. Measures compares, swaps,
 * unpredictable branches and recursion. */
#include "common.h"

#define LEN 100000
static i32 arr[LEN];

static void insertion(i32* a, i32 lo, i32 hi) {
  for (i32 i = lo + 1; i <= hi; i++) {
    i32 v = a[i], j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static inline void swap(i32* a, i32 i, i32 j) {
  i32 t = a[i];
  a[i] = a[j];
  a[j] = t;
}

static void quicksort(i32* a, i32 lo, i32 hi) {
  while (hi - lo > 16) {
    i32 mid = lo + (hi - lo) / 2;
    if (a[mid] < a[lo]) swap(a, mid, lo);
    if (a[hi] < a[lo]) swap(a, hi, lo);
    if (a[hi] < a[mid]) swap(a, hi, mid);
    i32 pivot = a[mid];
    i32 i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    /* Recurse into the smaller part, loop on the larger one. */
    if (j - lo < hi - i) {
      quicksort(a, lo, j);
      lo = i;
    } else {
      quicksort(a, i, hi);
      hi = j;
    }
  }
  insertion(a, lo, hi);
}

u32 run(u32 n) {
  u32 h = 2166136261u;
  for (u32 r = 0; r < n; r++) {
    u32 seed = 0xC0FFEEu + r * 7777u;
    for (i32 i = 0; i < LEN; i++) arr[i] = (i32)(xorshift32(&seed) % 1000000u) - 500000;
    quicksort(arr, 0, LEN - 1);
    u32 sorted = 1;
    for (i32 i = 1; i < LEN; i++) sorted &= arr[i - 1] <= arr[i];
    h = mix(mix(mix(h, sorted), (u32)arr[LEN / 2]), (u32)arr[(r * 12345u) % LEN]);
  }
  return h;
}

BENCH_N(3, 1)
