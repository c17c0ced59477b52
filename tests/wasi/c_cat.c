// cat: copies stdin to stdout with read() and write() (fd_read and fd_write;
// no poll), until the end of the input. With an argument N > 0 (--jobs and
// {i}), prints "worker N done" at once instead: while job 0 waits for its
// input, the loop must let the workers run.
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc > 1 && atoi(argv[1]) > 0) {
    printf("worker %s done\n", argv[1]);
    return 0;
  }
  char buf[4096];
  ssize_t n;
  while ((n = read(0, buf, sizeof buf)) > 0)
    for (ssize_t done = 0; done < n;) {
      ssize_t w = write(1, buf + done, n - done);
      if (w < 0) {
        perror("write");
        return 1;
      }
      done += w;
    }
  if (n < 0) {
    perror("read");
    return 1;
  }
  return 0;
}
