// Run with --jobs: job argv[1] writes three lines, each in two pieces with a
// sleep in between (so the other jobs write meanwhile), flushing each piece:
//   job I line K: begin ... end
// With line-buffered output per instance, no line ever mixes with another.
// The sleep is shorter for higher I, so the jobs interleave.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int id = argc > 1 ? atoi(argv[1]) : 0;
  for (int k = 0; k < 3; ++k) {
    printf("job %d line %d: begin", id, k);
    fflush(stdout);
    usleep(1000 * (5 + 10 * (3 - id)));
    printf(" ... end\n");
    fflush(stdout);
  }
  return 0;
}
