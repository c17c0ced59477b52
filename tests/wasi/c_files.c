// The file system through wasi-libc, inside the preopened directory argv[1]
// (the test prepares it: it holds `out` -> `..` and `abs` -> `/etc`,
// symbolic links that lead outside, and `../outside.txt` exists next to it).
// Prints one line per check, "ok NAME" or "FAIL NAME (errno ...)", and exits
// with the number of failures.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static int failures;
static char path_buf[4][512];
static int path_i;
static const char* dir;

// dir/name, in one of four rotating buffers.
static const char* P(const char* name) {
  char* p = path_buf[path_i++ % 4];
  snprintf(p, 512, "%s/%s", dir, name);
  return p;
}

#define CHECK(cond, name)                                                   \
  do {                                                                      \
    errno = 0;                                                              \
    if (cond) {                                                             \
      printf("ok %s\n", name);                                              \
    } else {                                                                \
      printf("FAIL %s (errno %d: %s)\n", name, errno, strerror(errno));     \
      ++failures;                                                           \
    }                                                                       \
  } while (0)

// `expr` fails (returns < 0 or NULL) with errno `err`.
#define REFUSED(expr, err, name)                                            \
  do {                                                                      \
    errno = 0;                                                              \
    long r_ = (long)(expr);                                                 \
    int e_ = errno;                                                         \
    if ((r_ < 0 || r_ == 0) && e_ == (err)) {                               \
      printf("ok %s\n", name);                                              \
    } else {                                                                \
      printf("FAIL %s (got %ld, errno %d: %s)\n", name, r_, e_, strerror(e_)); \
      ++failures;                                                           \
    }                                                                       \
  } while (0)

static long fd_or_zero(int fd) { return fd < 0 ? -1 : fd + 1; }  // REFUSED wants <= 0 on failure

int main(int argc, char** argv) {
  if (argc < 2) return 100;
  dir = argv[1];
  char buf[256];

  // Write a file, read it back.
  FILE* f = fopen(P("a.txt"), "w");
  CHECK(f != NULL, "fopen for writing");
  if (!f) return 1;
  fputs("hello\nworld\n", f);
  fclose(f);
  f = fopen(P("a.txt"), "r");
  CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "hello\n") == 0, "read back");
  if (f) fclose(f);

  struct stat st;
  CHECK(stat(P("a.txt"), &st) == 0 && st.st_size == 12 && S_ISREG(st.st_mode), "stat size");

  // Descriptors: seek, read, pwrite, pread, ftruncate, fstat.
  int fd = open(P("a.txt"), O_RDWR);
  CHECK(fd >= 0, "open O_RDWR");
  CHECK(lseek(fd, 6, SEEK_SET) == 6 && read(fd, buf, 5) == 5 && memcmp(buf, "world", 5) == 0, "seek and read");
  CHECK(lseek(fd, 0, SEEK_CUR) == 11, "tell");
  CHECK(pwrite(fd, "W", 1, 6) == 1 && pread(fd, buf, 5, 6) == 5 && memcmp(buf, "World", 5) == 0,
        "pwrite and pread");
  CHECK(ftruncate(fd, 5) == 0 && fstat(fd, &st) == 0 && st.st_size == 5, "ftruncate");
  struct timespec times[2] = {{1000000000, 0}, {1000000000, 0}};
  CHECK(futimens(fd, times) == 0 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec == 1000000000, "futimens");
  close(fd);
  REFUSED(read(fd, buf, 1), EBADF, "read after close");

  // Append.
  fd = open(P("a.txt"), O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "!", 1) == 1, "append");
  close(fd);
  CHECK(stat(P("a.txt"), &st) == 0 && st.st_size == 6, "appended size");

  // A read-only descriptor cannot write.
  fd = open(P("a.txt"), O_RDONLY);
  REFUSED(write(fd, "x", 1), EBADF, "write to read-only");
  close(fd);

  // O_CREAT | O_EXCL on an existing file.
  REFUSED(fd_or_zero(open(P("a.txt"), O_WRONLY | O_CREAT | O_EXCL, 0644)), EEXIST, "O_EXCL");
  REFUSED(fd_or_zero(open(P("missing.txt"), O_RDONLY)), ENOENT, "missing file");

  // Directories: mkdir, readdir, rename, unlink, rmdir.
  CHECK(mkdir(P("sub"), 0755) == 0, "mkdir");
  REFUSED(mkdir(P("sub"), 0755), EEXIST, "mkdir twice");
  close(open(P("sub/x"), O_WRONLY | O_CREAT, 0644));
  close(open(P("sub/y"), O_WRONLY | O_CREAT, 0644));
  DIR* d = opendir(P("sub"));
  int seen_x = 0, seen_y = 0, others = 0;
  if (d) {
    struct dirent* e;
    while ((e = readdir(d))) {
      if (!strcmp(e->d_name, "x")) seen_x = e->d_type == DT_REG;
      else if (!strcmp(e->d_name, "y")) seen_y = e->d_type == DT_REG;
      else if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) ++others;
    }
    closedir(d);
  }
  CHECK(d && seen_x && seen_y && !others, "readdir");
  CHECK(rename(P("sub/x"), P("sub/z")) == 0, "rename");
  CHECK(access(P("sub/z"), F_OK) == 0, "renamed exists");
  REFUSED(access(P("sub/x"), F_OK), ENOENT, "old name gone");
  REFUSED(rmdir(P("sub")), ENOTEMPTY, "rmdir non-empty");
  CHECK(unlink(P("sub/y")) == 0 && unlink(P("sub/z")) == 0, "unlink");
  CHECK(rmdir(P("sub")) == 0, "rmdir");

  // Many entries: the listing takes several fd_readdir calls.
  mkdir(P("many"), 0755);
  int made = 0;
  for (int i = 0; i < 300; ++i) {
    char name[128];
    snprintf(name, sizeof name, "many/a_rather_long_file_name_to_fill_buffers_quickly_%03d", i);
    int m = open(P(name), O_WRONLY | O_CREAT, 0644);
    if (m >= 0) ++made, close(m);
  }
  int listed = 0;
  d = opendir(P("many"));
  if (d) {
    struct dirent* e;
    while ((e = readdir(d)))
      if (strncmp(e->d_name, "a_rather", 8) == 0) ++listed;
    closedir(d);
  }
  CHECK(made == 300 && listed == 300, "readdir of 300 entries");

  // Symbolic and hard links inside the directory.
  CHECK(symlink("a.txt", P("link")) == 0, "symlink");
  ssize_t n = readlink(P("link"), buf, sizeof buf);
  CHECK(n == 5 && memcmp(buf, "a.txt", 5) == 0, "readlink");
  f = fopen(P("link"), "r");
  CHECK(f && fgets(buf, sizeof buf, f) && strcmp(buf, "hello!") == 0, "open through a link");
  if (f) fclose(f);
  CHECK(lstat(P("link"), &st) == 0 && S_ISLNK(st.st_mode), "lstat of a link");
  CHECK(link(P("a.txt"), P("hard")) == 0 && stat(P("a.txt"), &st) == 0 && st.st_nlink == 2, "hard link");
  unlink(P("hard"));
  mkdir(P("d1"), 0755);
  CHECK(symlink("../a.txt", P("d1/up")) == 0 && access(P("d1/up"), R_OK) == 0, "link with .. inside");

  // The sandbox.
  REFUSED(fd_or_zero(open(P("../outside.txt"), O_RDONLY)), ENOTCAPABLE, "escape with ..");
  REFUSED(fd_or_zero(open(P("d1/../../outside.txt"), O_RDONLY)), ENOTCAPABLE, "escape with d1/../..");
  REFUSED(fd_or_zero(open(P("out/outside.txt"), O_RDONLY)), ENOTCAPABLE, "escape through a link to ..");
  REFUSED(fd_or_zero(open(P("abs/passwd"), O_RDONLY)), ENOTCAPABLE, "escape through an absolute link");
  REFUSED(stat(P("out"), &st), ENOTCAPABLE, "stat through an escaping link");
  CHECK(lstat(P("out"), &st) == 0 && S_ISLNK(st.st_mode), "lstat of an escaping link");
  REFUSED(mkdir(P("../evil"), 0755), ENOTCAPABLE, "mkdir outside");
  REFUSED(symlink("/etc/passwd", P("abs2")), EPERM, "absolute symlink refused");
  REFUSED(rename(P("a.txt"), P("../stolen.txt")), ENOTCAPABLE, "rename outside");
  errno = 0;
  int abs_fd = open("/etc/passwd", O_RDONLY);
  int abs_errno = errno;
  CHECK(abs_fd < 0 && (abs_errno == ENOTCAPABLE || abs_errno == ENOENT), "absolute path outside every preopen");
  return failures;
}
