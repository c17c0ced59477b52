// Prints "partial" (no newline: exit() must flush it) and exits with argv[1].
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  printf("partial");
  exit(argc > 1 ? atoi(argv[1]) : 0);
}
