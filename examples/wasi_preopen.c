/* The program of wasi_preopen.cpp, compiled for wasm32-wasi (clang-14 and
 * wasi-libc). It is an ordinary C program: wasi-libc turns fopen, fgets,
 * printf ... into calls of wasi_snapshot_preview1 functions, which the host
 * (WasiCtx) answers. The only files it can reach are under /data, the
 * directory the host preopened for it. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

int main(void) {
  FILE* in = fopen("/data/input.txt", "r");
  if (!in) {
    printf("wasm: cannot open /data/input.txt: %s\n", strerror(errno));
    return 1;
  }
  FILE* out = fopen("/data/output.txt", "w");
  if (!out) {
    printf("wasm: cannot create /data/output.txt: %s\n", strerror(errno));
    return 1;
  }
  /* Copy the lines, numbered and in upper case. */
  char line[256];
  int n = 0;
  while (fgets(line, sizeof line, in)) {
    for (char* p = line; *p; ++p) *p = (char)toupper((unsigned char)*p);
    fprintf(out, "%d: %s", ++n, line);
  }
  fclose(in);
  fclose(out);
  printf("wasm: copied %d lines from /data/input.txt to /data/output.txt\n", n);

  /* Anything outside the preopened directory does not exist for it. */
  FILE* secret = fopen("/etc/passwd", "r");
  printf("wasm: fopen(\"/etc/passwd\"): %s\n", secret ? "opened (!)" : strerror(errno));
  FILE* up = fopen("/data/../etc/passwd", "r");
  printf("wasm: fopen(\"/data/../etc/passwd\"): %s\n", up ? "opened (!)" : strerror(errno));
  return 0;
}
