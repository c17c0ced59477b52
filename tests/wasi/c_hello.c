// Hello world with the usual C library: stdio, argv, getenv, the clocks,
// random bytes and a short nanosleep.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char** argv) {
  printf("hello from C\n");
  printf("argc=%d\n", argc);
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  const char* g = getenv("GREETING");
  printf("GREETING=%s\n", g ? g : "(unset)");

  struct timespec a, b, res;
  clock_gettime(CLOCK_MONOTONIC, &a);
  struct timespec nap = {0, 20 * 1000 * 1000};  // 20 ms
  nanosleep(&nap, NULL);
  clock_gettime(CLOCK_MONOTONIC, &b);
  long long slept = (b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
  printf("slept enough: %s\n", slept >= 20 * 1000 * 1000 ? "yes" : "no");
  printf("clock resolution ok: %s\n", clock_getres(CLOCK_MONOTONIC, &res) == 0 ? "yes" : "no");
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  printf("realtime after 2020: %s\n", now.tv_sec > 1577836800 ? "yes" : "no");

  unsigned char r1[32], r2[32];
  int ok = getentropy(r1, sizeof r1) == 0 && getentropy(r2, sizeof r2) == 0 && memcmp(r1, r2, sizeof r1) != 0;
  printf("random: %s\n", ok ? "yes" : "no");
  return 0;
}
