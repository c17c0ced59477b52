// Sleeps 20 ms (nanosleep: poll_oneoff with a clock subscription), then says
// so. 50 of them with --jobs 50 must take about as long as one.
#include <stdio.h>
#include <time.h>

int main(void) {
  struct timespec nap = {0, 20 * 1000 * 1000};
  if (nanosleep(&nap, NULL) != 0) return 1;
  puts("slept 20 ms");
  return 0;
}
