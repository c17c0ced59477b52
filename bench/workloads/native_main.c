/* The native driver of a workload:
 *   NAME-native              prints run_default()
 *   NAME-native N            prints run(N)
 *   NAME-native N REPEAT     calls run(N) REPEAT times (bench/compare uses it
 *                            to time a few milliseconds of native work more
 *                            precisely) and prints the result once; exits 1 if
 *                            the calls disagree.
 * The result is printed as an unsigned decimal. */
#include <stdio.h>
#include <stdlib.h>

unsigned run(unsigned n);
unsigned run_default(void);

int main(int argc, char** argv) {
  if (argc < 2) {
    printf("%u\n", run_default());
    return 0;
  }
  unsigned n = (unsigned)strtoul(argv[1], NULL, 10);
  long repeat = argc > 2 ? strtol(argv[2], NULL, 10) : 1;
  unsigned r = run(n);
  for (long i = 1; i < repeat; i++)
    if (run(n) != r) {
      fprintf(stderr, "error: run(%u) is not deterministic\n", n);
      return 1;
    }
  printf("%u\n", r);
  return 0;
}
