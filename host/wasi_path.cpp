// WASI preview 1: path resolution inside the sandbox, and the path_*
// functions.
//
// The sandbox. A path given to a path_* function is relative to a directory
// descriptor the program holds (a preopened directory or one opened from it)
// and must stay beneath it. The kernel is never handed a path with more than
// one component: resolve() walks the path itself, like cap-std does,
//   - opening each directory on the way with openat(O_PATH | O_DIRECTORY |
//     O_NOFOLLOW) relative to the previous one, so a symbolic link is never
//     followed by the kernel;
//   - reading each symbolic link it meets (readlinkat) and splicing its
//     target into the rest of the path: a relative target goes on from the
//     link's directory, an absolute one is refused;
//   - keeping the directories it went through on a stack, so `..` steps back
//     to the previous one, and refusing a `..` at the bottom of the stack.
// What comes out is a directory descriptor and one last component (a name,
// or "."), which the function uses with the *at() calls (AT_SYMLINK_NOFOLLOW /
// O_NOFOLLOW where they exist, so the last component is never followed by the
// kernel either). Refusals are ENOTCAPABLE.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <string_view>

#include "host/wasi_impl.h"

namespace wasmslot::wasi {
namespace {

#ifdef O_PATH
constexpr int kWalkFlags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
#else
constexpr int kWalkFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
#endif
constexpr int kMaxSymlinks = 40;  // as Linux's MAXSYMLINKS: then ELOOP

// A host descriptor the resolution owns (closed at the end) or borrows (the
// descriptor table's own).
class Dir {
 public:
  Dir() = default;
  Dir(int fd, bool owned) : fd_(fd), owned_(owned) {}
  Dir(Dir&& o) noexcept : fd_(o.fd_), owned_(o.owned_) { o.owned_ = false; }
  Dir& operator=(Dir&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.fd_;
      owned_ = o.owned_;
      o.owned_ = false;
    }
    return *this;
  }
  ~Dir() { reset(); }
  int fd() const { return fd_; }

 private:
  void reset() {
    if (owned_ && fd_ >= 0) ::close(fd_);
    owned_ = false;
  }
  int fd_ = -1;
  bool owned_ = false;
};

struct Resolved {
  Dir parent;          // the directory the last component is in
  std::string name;    // the last component: a name, or "."
  bool must_be_dir = false;  // the path ended with '/'
};

// Splits `path` into its components, dropping empty ones ("a//b") and
// noting a trailing '/'.
void split(std::string_view path, std::deque<std::string>& out, bool& trailing_slash) {
  std::deque<std::string> parts;
  size_t i = 0;
  while (i < path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string_view::npos) j = path.size();
    if (j > i) parts.emplace_back(path.substr(i, j - i));
    i = j + 1;
  }
  trailing_slash = !path.empty() && path.back() == '/';
  // In front of what is left to resolve (a symbolic link's target).
  out.insert(out.begin(), parts.begin(), parts.end());
}

// Paths are strings (UTF-8) in WASI; anything else is EILSEQ.
bool valid_utf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t n;  // continuation bytes
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
      n = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      n = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (n >= s.size() - i) return false;  // truncated
    for (size_t k = 1; k <= n; ++k) {
      unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF are not UTF-8.
    if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += n + 1;
  }
  return true;
}

// Reads the symbolic link `name` in `dir` into `target`.
Errno read_link(int dir, const std::string& name, std::string& target) {
  std::vector<char> buf(256);
  for (;;) {
    ssize_t n = ::readlinkat(dir, name.c_str(), buf.data(), buf.size());
    if (n < 0) return last_errno();
    if (static_cast<size_t>(n) < buf.size()) {
      target.assign(buf.data(), static_cast<size_t>(n));
      return kSuccess;
    }
    if (buf.size() >= 65536) return kNametoolong;
    buf.resize(buf.size() * 4);
  }
}

// Resolves `path` from the directory `base` (borrowed) down to its last
// component. `follow` follows a symbolic link in the last place too (the
// lookupflags of the call); a link anywhere before it is always followed.
Errno resolve(int base, std::string_view path, bool follow, Resolved& out) {
  if (path.empty()) return kNoent;
  if (path.find('\0') != std::string_view::npos) return kInval;
  if (!valid_utf8(path)) return kIlseq;
  if (path.front() == '/') return kNotcapable;  // absolute: outside any directory

  std::deque<std::string> todo;
  bool trailing = false;
  split(path, todo, trailing);
  out.must_be_dir = trailing;
  if (trailing) follow = true;  // "link/" names the directory the link leads to
  std::vector<Dir> stack;       // the directories entered below `base`
  auto cur = [&] { return stack.empty() ? base : stack.back().fd(); };
  int links = 0;
  const std::string dot = ".";
  std::string last = dot;

  while (!todo.empty()) {
    std::string comp = std::move(todo.front());
    todo.pop_front();
    bool is_last = todo.empty();
    if (comp == ".") {
      if (is_last) last = dot;
      continue;
    }
    if (comp == "..") {
      if (stack.empty()) return kNotcapable;  // above the directory: refused
      stack.pop_back();
      if (is_last) last = dot;
      continue;
    }
    if (is_last) {
      last = comp;
      if (!follow) break;
      struct stat st{};
      if (::fstatat(cur(), comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 || !S_ISLNK(st.st_mode))
        break;  // not there (to be created), or not a link: the last component
    } else {
      int fd = ::openat(cur(), comp.c_str(), kWalkFlags);
      if (fd >= 0) {
        stack.emplace_back(fd, true);
        continue;
      }
      if (errno != ENOTDIR && errno != ELOOP) return last_errno();
      // Not a directory: a symbolic link to follow by hand, or a file.
      struct stat st{};
      if (::fstatat(cur(), comp.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_errno();
      if (!S_ISLNK(st.st_mode)) return kNotdir;
    }
    // A symbolic link: its target replaces it.
    if (++links > kMaxSymlinks) return kLoop;
    std::string target;
    if (Errno r = read_link(cur(), comp, target)) return r;
    if (target.empty()) return kNoent;
    if (target.front() == '/') return kNotcapable;  // would leave the sandbox
    bool link_trailing = false;
    split(target, todo, link_trailing);
    if (is_last && link_trailing) out.must_be_dir = true;
    if (todo.empty()) todo.push_back(dot);
    last = dot;
  }

  out.name = last;
  out.parent = stack.empty() ? Dir(base, false) : std::move(stack.back());
  return kSuccess;
}

// The directory descriptor `fd` with the rights `need`.
Errno dir_lookup(Impl& w, uint32_t fd, Rights need, FdEntry*& out) {
  out = w.get(fd);
  if (!out) return kBadf;
  if (out->type != kFiletypeDirectory) return kNotdir;
  if ((out->base & need) != need) return kNotcapable;
  return kSuccess;
}

// Reads the path argument at (ptr, len).
Errno path_arg(Call& c, size_t ptr_arg, std::string& out) {
  return c.mem.read_string(c.u32(ptr_arg), c.u32(ptr_arg + 1), out) ? kSuccess : kFault;
}

// dir_lookup + path_arg + resolve, the start of most path functions.
Errno locate(Impl& w, Call& c, uint32_t fd, Rights need, size_t path_arg_index, bool follow,
             Resolved& out) {
  FdEntry* d;
  if (Errno r = dir_lookup(w, fd, need, d)) return r;
  std::string path;
  if (Errno r = path_arg(c, path_arg_index, path)) return r;
  return resolve(d->host, path, follow, out);
}

// A trailing '/' names a directory: for a last component that exists and is
// not one, ENOTDIR.
Errno check_dir_suffix(const Resolved& r) {
  if (!r.must_be_dir) return kSuccess;
  struct stat st{};
  if (::fstatat(r.parent.fd(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
    return kNotdir;
  return kSuccess;
}

// ---------------------------------------------------------------------------

// path_open(fd, dirflags, path, path_len, oflags, rights_base, rights_inheriting, fdflags, fd_out)
Errno path_open(Impl& w, Call& c) {
  uint32_t dirflags = c.u32(1);
  uint32_t oflags = c.u32(4);
  Rights base = c.u64(5), inheriting = c.u64(6);
  uint32_t fdflags = c.u32(7);
  uint32_t out_ptr = c.u32(8);
  if (oflags & ~0xFu) return kInval;
  if (fdflags & ~0x1Fu) return kInval;

  Rights need = kRightPathOpen;
  if (oflags & kOflagCreat) need |= kRightPathCreateFile;
  if (oflags & kOflagTrunc) need |= kRightPathFilestatSetSize;
  FdEntry* d;
  if (Errno r = dir_lookup(w, c.u32(0), need, d)) return r;
  // A descriptor opened through a directory gets at most its inheriting rights.
  if ((base & ~d->inheriting) || (inheriting & ~d->inheriting)) return kNotcapable;
  if (!c.mem.ok(out_ptr, 4)) return kFault;
  std::string path;
  if (Errno r = path_arg(c, 2, path)) return r;
  Resolved res;
  if (Errno r = resolve(d->host, path, dirflags & kLookupSymlinkFollow, res)) return r;

  bool read = base & (kRightFdRead | kRightFdReaddir);
  bool write = base & (kRightFdWrite | kRightFdDatasync | kRightFdAllocate | kRightFdFilestatSetSize);
  // A directory is never opened for writing (its rights simply go unused).
  if ((oflags & kOflagDirectory) || res.must_be_dir) write = false;
  int flags = O_CLOEXEC | O_NOFOLLOW | O_NOCTTY;
  flags |= write ? (read ? O_RDWR : O_WRONLY) : O_RDONLY;
  if (oflags & kOflagCreat) flags |= O_CREAT;
  if (oflags & kOflagExcl) flags |= O_EXCL;
  if (oflags & kOflagTrunc) flags |= O_TRUNC;
  if ((oflags & kOflagDirectory) || res.must_be_dir) flags |= O_DIRECTORY;
  if (fdflags & kFdflagAppend) flags |= O_APPEND;
  if (fdflags & kFdflagNonblock) flags |= O_NONBLOCK;
  if (fdflags & kFdflagDsync) flags |= O_DSYNC;
  if (fdflags & kFdflagSync) flags |= O_SYNC;
  if (fdflags & kFdflagRsync) flags |= O_RSYNC;

  int fd;
  do fd = ::openat(res.parent.fd(), res.name.c_str(), flags, 0666);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    // A directory wanted for writing: EISDIR, as POSIX says.
    return last_errno();
  }
  struct stat st{};
  if (::fstat(fd, &st) != 0) {
    Errno r = last_errno();
    ::close(fd);
    return r;
  }
  auto e = std::make_unique<FdEntry>();
  e->host = fd;
  e->type = filetype_of(st.st_mode);
  e->base = base;
  e->inheriting = inheriting;
  if (e->type != kFiletypeDirectory) {
    // Rights a file cannot use are not kept (a terminal cannot seek: isatty).
    e->base &= S_ISREG(st.st_mode) ? kRightsRegularFile : kRightsStream;
    e->inheriting = 0;
  }
  auto n = w.insert(std::move(e));
  if (!n) return kMfile;
  c.mem.store<uint32_t>(out_ptr, *n);
  return kSuccess;
}

// path_create_directory(fd, path, path_len)
Errno path_create_directory(Impl& w, Call& c) {
  Resolved r;
  if (Errno e = locate(w, c, c.u32(0), kRightPathCreateDirectory, 1, false, r)) return e;
  return ::mkdirat(r.parent.fd(), r.name.c_str(), 0777) == 0 ? kSuccess : last_errno();
}

// path_remove_directory(fd, path, path_len)
Errno path_remove_directory(Impl& w, Call& c) {
  Resolved r;
  if (Errno e = locate(w, c, c.u32(0), kRightPathRemoveDirectory, 1, false, r)) return e;
  return ::unlinkat(r.parent.fd(), r.name.c_str(), AT_REMOVEDIR) == 0 ? kSuccess : last_errno();
}

// path_unlink_file(fd, path, path_len)
Errno path_unlink_file(Impl& w, Call& c) {
  Resolved r;
  if (Errno e = locate(w, c, c.u32(0), kRightPathUnlinkFile, 1, false, r)) return e;
  if (r.must_be_dir) {
    // "file/" names no file; "dir/" is a directory, which this does not remove.
    struct stat st{};
    if (::fstatat(r.parent.fd(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_errno();
    return S_ISDIR(st.st_mode) ? kIsdir : kNotdir;
  }
  return ::unlinkat(r.parent.fd(), r.name.c_str(), 0) == 0 ? kSuccess : last_errno();
}

// path_filestat_get(fd, flags, path, path_len, buf)
Errno path_filestat_get(Impl& w, Call& c) {
  if (!c.mem.ok(c.u32(4), filestat_size(c.abi))) return kFault;
  Resolved r;
  if (Errno e = locate(w, c, c.u32(0), kRightPathFilestatGet, 2, c.u32(1) & kLookupSymlinkFollow, r))
    return e;
  struct stat st{};
  if (::fstatat(r.parent.fd(), r.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return last_errno();
  if (r.must_be_dir && !S_ISDIR(st.st_mode)) return kNotdir;
  store_filestat(c.mem, c.u32(4), st, c.abi);
  return kSuccess;
}

// path_filestat_set_times(fd, flags, path, path_len, atim, mtim, fst_flags)
Errno path_filestat_set_times(Impl& w, Call& c) {
  struct timespec ts[2];
  if (Errno e = times_of(c.u64(4), c.u64(5), static_cast<uint16_t>(c.u32(6)), ts)) return e;
  Resolved r;
  if (Errno e = locate(w, c, c.u32(0), kRightPathFilestatSetTimes, 2, c.u32(1) & kLookupSymlinkFollow, r))
    return e;
  if (Errno e = check_dir_suffix(r)) return e;
  return ::utimensat(r.parent.fd(), r.name.c_str(), ts, AT_SYMLINK_NOFOLLOW) == 0 ? kSuccess
                                                                                   : last_errno();
}

// path_readlink(fd, path, path_len, buf, buf_len, bufused)
Errno path_readlink(Impl& w, Call& c) {
  uint32_t buf = c.u32(3), buf_len = c.u32(4), used = c.u32(5);
  if (!c.mem.ok(buf, buf_len) || !c.mem.ok(used, 4)) return kFault;
  Resolved r;
  if (Errno e = locate(w, c, c.u32(0), kRightPathReadlink, 1, false, r)) return e;
  std::string target;
  if (Errno e = read_link(r.parent.fd(), r.name, target)) return e;
  // Truncated to the buffer, as readlink(2) does.
  uint32_t n = static_cast<uint32_t>(std::min<size_t>(target.size(), buf_len));
  c.mem.copy_out(buf, target.data(), n);
  c.mem.store<uint32_t>(used, n);
  return kSuccess;
}

// path_symlink(old_path, old_path_len, fd, new_path, new_path_len): a link at
// new_path whose target is old_path. The target is only text, but an absolute
// one could never be followed inside the sandbox, and it would lead the host's
// own programs out of it: refused with EPERM, as wasmtime, node (uvwasi) and
// the WASI filesystem's path-resolution rules ("not-permitted") do.
Errno path_symlink(Impl& w, Call& c) {
  std::string target;
  if (!c.mem.read_string(c.u32(0), c.u32(1), target)) return kFault;
  if (target.find('\0') != std::string::npos) return kInval;
  if (!valid_utf8(target)) return kIlseq;
  if (!target.empty() && target.front() == '/') return kPerm;
  Resolved r;
  if (Errno e = locate(w, c, c.u32(2), kRightPathSymlink, 3, false, r)) return e;
  if (r.must_be_dir) return kNoent;
  return ::symlinkat(target.c_str(), r.parent.fd(), r.name.c_str()) == 0 ? kSuccess : last_errno();
}

// path_link(old_fd, old_flags, old_path, old_path_len, new_fd, new_path, new_path_len)
Errno path_link(Impl& w, Call& c) {
  Resolved from, to;
  if (Errno e = locate(w, c, c.u32(0), kRightPathLinkSource, 2, c.u32(1) & kLookupSymlinkFollow, from))
    return e;
  if (Errno e = locate(w, c, c.u32(4), kRightPathLinkTarget, 5, false, to)) return e;
  if (from.must_be_dir || to.must_be_dir) {
    if (Errno e = check_dir_suffix(from)) return e;
  }
  // The source was resolved (links followed by hand if asked): link to what
  // it names now, never following anything more.
  return ::linkat(from.parent.fd(), from.name.c_str(), to.parent.fd(), to.name.c_str(), 0) == 0
             ? kSuccess
             : last_errno();
}

// path_rename(fd, old_path, old_path_len, new_fd, new_path, new_path_len)
Errno path_rename(Impl& w, Call& c) {
  Resolved from, to;
  if (Errno e = locate(w, c, c.u32(0), kRightPathRenameSource, 1, false, from)) return e;
  if (Errno e = locate(w, c, c.u32(3), kRightPathRenameTarget, 4, false, to)) return e;
  if (Errno e = check_dir_suffix(from)) return e;
  if (to.must_be_dir) {
    struct stat st{};
    if (::fstatat(from.parent.fd(), from.name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 &&
        !S_ISDIR(st.st_mode))
      return kNotdir;
  }
  return ::renameat(from.parent.fd(), from.name.c_str(), to.parent.fd(), to.name.c_str()) == 0
             ? kSuccess
             : last_errno();
}

}  // namespace

void add_path_functions(std::vector<FuncDef>& out) {
  out.insert(out.end(), {
      {"path_create_directory", "iii", true, path_create_directory, nullptr},
      {"path_filestat_get", "iiiii", true, path_filestat_get, nullptr},
      {"path_filestat_set_times", "iiiiIIi", true, path_filestat_set_times, nullptr},
      {"path_link", "iiiiiii", true, path_link, nullptr},
      {"path_open", "iiiiiIIii", true, path_open, nullptr},
      {"path_readlink", "iiiiii", true, path_readlink, nullptr},
      {"path_remove_directory", "iii", true, path_remove_directory, nullptr},
      {"path_rename", "iiiiii", true, path_rename, nullptr},
      {"path_symlink", "iiiii", true, path_symlink, nullptr},
      {"path_unlink_file", "iii", true, path_unlink_file, nullptr},
  });
}

}  // namespace wasmslot::wasi
