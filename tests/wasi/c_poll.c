// Job 0 waits for stdin with poll() (a poll_oneoff fd_read subscription)
// and echoes the first line; any other job sleeps 20 ms and says so. With the
// waiting job suspended, the sleeper finishes while job 0 still waits.
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  int id = argc > 1 ? atoi(argv[1]) : 0;
  if (id != 0) {
    usleep(20 * 1000);
    printf("sleeper %d done\n", id);
    return 0;
  }
  struct pollfd p = {0, POLLIN, 0};
  int n = poll(&p, 1, 10000);
  if (n != 1 || !(p.revents & POLLIN)) {
    printf("poll failed: %d\n", n);
    return 1;
  }
  char line[256];
  if (!fgets(line, sizeof line, stdin)) return 2;
  line[strcspn(line, "\n")] = 0;
  printf("stdin: %s\n", line);
  return 0;
}
