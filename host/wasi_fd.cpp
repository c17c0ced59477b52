// WASI preview 1: the fd_* functions. Each one finds the descriptor in the
// program's table (EBADF if it is not there), checks its rights (ENOTCAPABLE,
// or EBADF for reading or writing, as POSIX programs expect), checks every
// pointer it was given against linear memory (EFAULT) and then does the work
// with the host's POSIX call.
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/wasi_impl.h"

namespace wasmslot::wasi {
namespace {

// The descriptor `fd` if it has every right in `need`.
Errno lookup(Impl& w, uint32_t fd, Rights need, FdEntry*& out, Errno missing_right = kNotcapable) {
  out = w.get(fd);
  if (!out) return kBadf;
  if ((out->base & need) != need) return missing_right;
  return kSuccess;
}

// The buffers of `n` (c)iovecs at `ptr`, each checked against memory. At
// most IOV_MAX are used: a partial read or write, which callers handle.
Errno gather(Memory& mem, uint32_t ptr, uint32_t n, std::vector<struct iovec>& out) {
  if (!mem.ok(ptr, uint64_t(n) * kIovecSize)) return kFault;
  out.clear();
  for (uint32_t i = 0; i < n; ++i) {
    uint32_t buf = 0, len = 0;
    mem.load(ptr + uint64_t(i) * kIovecSize, buf);
    mem.load(ptr + uint64_t(i) * kIovecSize + 4, len);
    if (!mem.ok(buf, len)) return kFault;
    if (out.size() < IOV_MAX) out.push_back({mem.at(buf), len});
  }
  return kSuccess;
}

// A stream (pipe, terminal, socket) whose reader would wait: nothing to read
// yet, not at its end, and not made non-blocking by the program (which then
// wants EAGAIN). Files and directories never wait.
bool would_block(const FdEntry& e) {
  if (e.type == kFiletypeRegularFile || e.type == kFiletypeDirectory) return false;
  int fl = ::fcntl(e.host, F_GETFL);
  if (fl < 0 || (fl & O_NONBLOCK)) return false;
  struct pollfd p{e.host, POLLIN, 0};
  int n;
  do n = ::poll(&p, 1, 0);
  while (n < 0 && errno == EINTR);
  return n == 0;
}

// fd_read(fd, iovs, iovs_len, nread). A read that would wait suspends the
// call when it can (suspend_read), so that the loop runs other programs
// until input arrives.
HostAnswer fd_read(Impl& w, Call& c) {
  ReadArgs a{c.u32(0), c.u32(1), c.u32(2), c.u32(3)};
  FdEntry* e = w.get(a.fd);
  if (e && (e->base & kRightFdRead) && would_block(*e)) {
    HostAnswer pending = suspend_read(w, c, a);
    if (pending.kind == HostAnswer::Pending) return pending;
  }
  c.hc.results[0] = read_now(w, c.mem, a);
  return HostAnswer::ok();
}

// fd_pread and fd_pwrite (fd, iovs, iovs_len, offset, nbytes): the same
// checks and the same shape, one reading and one writing at `offset`
// without moving the file position; `right` is the right the fd needs.
using PositionedIo = ssize_t (*)(int, const struct iovec*, int, off_t);
Errno positioned_io(Impl& w, Call& c, Rights right, PositionedIo io) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), right, e, kBadf)) return r;
  if ((e->base & kRightFdSeek) == 0) return e->type == kFiletypeRegularFile ? kNotcapable : kSpipe;
  std::vector<struct iovec> iov;
  if (Errno r = gather(c.mem, c.u32(1), c.u32(2), iov)) return r;
  if (!c.mem.ok(c.u32(4), 4)) return kFault;
  uint64_t off = c.u64(3);
  if (off > static_cast<uint64_t>(INT64_MAX)) return kInval;
  ssize_t n;
  do n = io(e->host, iov.data(), static_cast<int>(iov.size()), static_cast<off_t>(off));
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  c.mem.store<uint32_t>(c.u32(4), static_cast<uint32_t>(n));
  return kSuccess;
}

Errno fd_pread(Impl& w, Call& c) { return positioned_io(w, c, kRightFdRead, ::preadv); }

Errno fd_write(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdWrite, e, kBadf)) return r;
  std::vector<struct iovec> iov;
  if (Errno r = gather(c.mem, c.u32(1), c.u32(2), iov)) return r;
  if (!c.mem.ok(c.u32(3), 4)) return kFault;
  if (e->line_buffered) {
    // Whole lines only (WasiConfig::line_buffered_output): the rest waits.
    uint64_t total = 0;
    for (const auto& v : iov) {
      e->pending.append(static_cast<const char*>(v.iov_base), v.iov_len);
      total += v.iov_len;
    }
    // A "line" past 64 KiB leaves as it is, rather than growing without end.
    if (Errno r = e->flush(e->pending.size() > 65536)) return r;
    c.mem.store<uint32_t>(c.u32(3), static_cast<uint32_t>(total));
    return kSuccess;
  }
  ssize_t n;
  do n = ::writev(e->host, iov.data(), static_cast<int>(iov.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  c.mem.store<uint32_t>(c.u32(3), static_cast<uint32_t>(n));
  return kSuccess;
}

Errno fd_pwrite(Impl& w, Call& c) { return positioned_io(w, c, kRightFdWrite, ::pwritev); }

Errno fd_seek(Impl& w, Call& c) {
  int64_t off = static_cast<int64_t>(c.u64(1));
  uint32_t whence = c.u32(2);
  if (c.abi == Abi::Unstable) {
    switch (whence) {
      case kUnstableWhenceCur: whence = kWhenceCur; break;
      case kUnstableWhenceEnd: whence = kWhenceEnd; break;
      case kUnstableWhenceSet: whence = kWhenceSet; break;
      default: whence = 0xFF;  // EINVAL below
    }
  }
  FdEntry* e = w.get(c.u32(0));
  if (!e) return kBadf;
  // Asking where one is (offset 0 from the current position) is telling.
  Rights need = (whence == kWhenceCur && off == 0) ? kRightFdTell : kRightFdSeek;
  if ((e->base & need) == 0 && (e->base & kRightFdSeek) == 0)
    return e->type == kFiletypeRegularFile || e->type == kFiletypeDirectory ? kNotcapable : kSpipe;
  int how;
  switch (whence) {
    case kWhenceSet: how = SEEK_SET; break;
    case kWhenceCur: how = SEEK_CUR; break;
    case kWhenceEnd: how = SEEK_END; break;
    default: return kInval;
  }
  if (!c.mem.ok(c.u32(3), 8)) return kFault;
  off_t r = ::lseek(e->host, static_cast<off_t>(off), how);
  if (r < 0) return last_errno();
  c.mem.store<uint64_t>(c.u32(3), static_cast<uint64_t>(r));
  return kSuccess;
}

Errno fd_tell(Impl& w, Call& c) {
  FdEntry* e = w.get(c.u32(0));
  if (!e) return kBadf;
  if ((e->base & (kRightFdTell | kRightFdSeek)) == 0)
    return e->type == kFiletypeRegularFile ? kNotcapable : kSpipe;
  if (!c.mem.ok(c.u32(1), 8)) return kFault;
  off_t r = ::lseek(e->host, 0, SEEK_CUR);
  if (r < 0) return last_errno();
  c.mem.store<uint64_t>(c.u32(1), static_cast<uint64_t>(r));
  return kSuccess;
}

Errno fd_close(Impl& w, Call& c) {
  auto it = w.fds.find(c.u32(0));
  if (it == w.fds.end()) return kBadf;
  w.fds.erase(it);  // the entry flushes and closes what it owns
  return kSuccess;
}

Errno fd_sync(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdSync, e)) return r;
  if (e->line_buffered) (void)e->flush(true);
  return ::fsync(e->host) == 0 ? kSuccess : last_errno();
}

Errno fd_datasync(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdDatasync, e)) return r;
  return ::fdatasync(e->host) == 0 ? kSuccess : last_errno();
}

Errno fd_advise(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdAdvise, e)) return r;
  int advice;
  switch (c.u32(3)) {
    case kAdviceNormal: advice = POSIX_FADV_NORMAL; break;
    case kAdviceSequential: advice = POSIX_FADV_SEQUENTIAL; break;
    case kAdviceRandom: advice = POSIX_FADV_RANDOM; break;
    case kAdviceWillneed: advice = POSIX_FADV_WILLNEED; break;
    case kAdviceDontneed: advice = POSIX_FADV_DONTNEED; break;
    case kAdviceNoreuse: advice = POSIX_FADV_NOREUSE; break;
    default: return kInval;
  }
  uint64_t off = c.u64(1), len = c.u64(2);
  if (off > static_cast<uint64_t>(INT64_MAX) || len > static_cast<uint64_t>(INT64_MAX)) return kInval;
  int r = ::posix_fadvise(e->host, static_cast<off_t>(off), static_cast<off_t>(len), advice);
  return errno_of(r);  // posix_fadvise returns the error instead of setting errno
}

Errno fd_allocate(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdAllocate, e)) return r;
  uint64_t off = c.u64(1), len = c.u64(2);
  if (off > static_cast<uint64_t>(INT64_MAX) || len > static_cast<uint64_t>(INT64_MAX) - off) return kInval;
  if (len == 0) return kInval;  // as posix_fallocate
  int r;
  do r = ::posix_fallocate(e->host, static_cast<off_t>(off), static_cast<off_t>(len));
  while (r == EINTR);
  return errno_of(r);
}

Errno fd_fdstat_get(Impl& w, Call& c) {
  FdEntry* e = w.get(c.u32(0));
  if (!e) return kBadf;
  if (!c.mem.ok(c.u32(1), kFdstatSize)) return kFault;
  int fl = ::fcntl(e->host, F_GETFL);
  if (fl < 0) return last_errno();
  uint16_t flags = 0;
  if (fl & O_APPEND) flags |= kFdflagAppend;
  if (fl & O_NONBLOCK) flags |= kFdflagNonblock;
  if ((fl & O_SYNC) == O_SYNC) flags |= kFdflagSync;
  else if (fl & O_DSYNC) flags |= kFdflagDsync;
  uint8_t buf[kFdstatSize] = {};
  buf[0] = e->type;
  std::memcpy(buf + 2, &flags, 2);
  // wasi_unstable has no sock_accept right (the highest bit of preview 1).
  const Rights known = c.abi == Abi::Unstable ? kRightsAll & ~kRightSockAccept : kRightsAll;
  const Rights base = e->base & known, inheriting = e->inheriting & known;
  std::memcpy(buf + 8, &base, 8);
  std::memcpy(buf + 16, &inheriting, 8);
  c.mem.copy_out(c.u32(1), buf, sizeof buf);
  return kSuccess;
}

Errno fd_fdstat_set_flags(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdFdstatSetFlags, e)) return r;
  uint32_t flags = c.u32(1);
  if (flags & ~0x1Fu) return kInval;
  // The synchronisation flags cannot be changed on an open file in POSIX.
  if (flags & (kFdflagDsync | kFdflagRsync | kFdflagSync)) return kNotsup;
  int fl = ::fcntl(e->host, F_GETFL);
  if (fl < 0) return last_errno();
  fl &= ~(O_APPEND | O_NONBLOCK);
  if (flags & kFdflagAppend) fl |= O_APPEND;
  if (flags & kFdflagNonblock) fl |= O_NONBLOCK;
  return ::fcntl(e->host, F_SETFL, fl) == 0 ? kSuccess : last_errno();
}

Errno fd_fdstat_set_rights(Impl& w, Call& c) {
  FdEntry* e = w.get(c.u32(0));
  if (!e) return kBadf;
  Rights base = c.u64(1), inheriting = c.u64(2);
  // Rights only ever shrink.
  if ((base & ~e->base) || (inheriting & ~e->inheriting)) return kNotcapable;
  e->base = base;
  e->inheriting = inheriting;
  return kSuccess;
}

Errno fd_filestat_get(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdFilestatGet, e)) return r;
  if (!c.mem.ok(c.u32(1), filestat_size(c.abi))) return kFault;
  struct stat st{};
  if (::fstat(e->host, &st) != 0) return last_errno();
  store_filestat(c.mem, c.u32(1), st, c.abi);
  return kSuccess;
}

Errno fd_filestat_set_size(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdFilestatSetSize, e)) return r;
  uint64_t size = c.u64(1);
  if (size > static_cast<uint64_t>(INT64_MAX)) return kInval;
  return ::ftruncate(e->host, static_cast<off_t>(size)) == 0 ? kSuccess : last_errno();
}

Errno fd_filestat_set_times(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdFilestatSetTimes, e)) return r;
  struct timespec ts[2];
  if (Errno r = times_of(c.u64(1), c.u64(2), static_cast<uint16_t>(c.u32(3)), ts)) return r;
  return ::futimens(e->host, ts) == 0 ? kSuccess : last_errno();
}

Errno fd_prestat_get(Impl& w, Call& c) {
  FdEntry* e = w.get(c.u32(0));
  if (!e || !e->preopen) return kBadf;
  uint8_t buf[kPrestatSize] = {};
  buf[0] = kPreopentypeDir;
  uint32_t len = static_cast<uint32_t>(e->preopen->size());
  std::memcpy(buf + 4, &len, 4);
  return c.mem.copy_out(c.u32(1), buf, sizeof buf) ? kSuccess : kFault;
}

Errno fd_prestat_dir_name(Impl& w, Call& c) {
  FdEntry* e = w.get(c.u32(0));
  if (!e || !e->preopen) return kBadf;
  uint32_t ptr = c.u32(1), len = c.u32(2);
  if (!c.mem.ok(ptr, len)) return kFault;
  if (len < e->preopen->size()) return kNametoolong;
  c.mem.copy_out(ptr, e->preopen->data(), e->preopen->size());
  return kSuccess;
}

// The entries of directory `e`, "." and ".." included, in the host's order.
Errno read_dir(FdEntry& e) {
  int d = ::openat(e.host, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (d < 0) return last_errno();
  DIR* dir = ::fdopendir(d);
  if (!dir) {
    Errno r = last_errno();
    ::close(d);
    return r;
  }
  e.dir.clear();
  errno = 0;
  while (struct dirent* de = ::readdir(dir)) {
    DirEntry entry;
    entry.name = de->d_name;
    entry.ino = de->d_ino;
    switch (de->d_type) {
      case DT_REG: entry.type = kFiletypeRegularFile; break;
      case DT_DIR: entry.type = kFiletypeDirectory; break;
      case DT_LNK: entry.type = kFiletypeSymbolicLink; break;
      case DT_CHR: entry.type = kFiletypeCharacterDevice; break;
      case DT_BLK: entry.type = kFiletypeBlockDevice; break;
      case DT_SOCK: entry.type = kFiletypeSocketStream; break;
      case DT_FIFO: entry.type = kFiletypeUnknown; break;
      default: {
        struct stat st{};
        if (::fstatat(::dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0)
          entry.type = filetype_of(st.st_mode);
      }
    }
    e.dir.push_back(std::move(entry));
  }
  Errno r = errno ? last_errno() : kSuccess;
  ::closedir(dir);
  e.dir_read = r == kSuccess;
  return r;
}

// Entries from `cookie` on, as dirents followed by their names, until the
// buffer is full; a full buffer (bufused == buf_len) may end in the middle of
// an entry, and the program asks again from that entry's cookie.
Errno fd_readdir(Impl& w, Call& c) {
  FdEntry* e;
  if (Errno r = lookup(w, c.u32(0), kRightFdReaddir, e)) return r;
  if (e->type != kFiletypeDirectory) return kNotdir;
  uint32_t buf = c.u32(1), buf_len = c.u32(2);
  uint64_t cookie = c.u64(3);
  uint32_t used_ptr = c.u32(4);
  if (!c.mem.ok(buf, buf_len) || !c.mem.ok(used_ptr, 4)) return kFault;
  if (cookie == 0 || !e->dir_read)
    if (Errno r = read_dir(*e)) return r;
  uint64_t used = 0;
  for (uint64_t i = cookie; i < e->dir.size() && used < buf_len; ++i) {
    const DirEntry& d = e->dir[i];
    uint8_t head[kDirentSize] = {};
    uint64_t next = i + 1;
    uint32_t namlen = static_cast<uint32_t>(d.name.size());
    std::memcpy(head, &next, 8);
    std::memcpy(head + 8, &d.ino, 8);
    std::memcpy(head + 16, &namlen, 4);
    head[20] = d.type;
    uint64_t n = std::min<uint64_t>(kDirentSize, buf_len - used);
    c.mem.copy_out(buf + used, head, n);
    used += n;
    n = std::min<uint64_t>(namlen, buf_len - used);
    c.mem.copy_out(buf + used, d.name.data(), n);
    used += n;
  }
  c.mem.store<uint32_t>(used_ptr, static_cast<uint32_t>(used));
  return kSuccess;
}

// fd_renumber(from, to): `to` is closed and `from` takes its number.
Errno fd_renumber(Impl& w, Call& c) {
  uint32_t from = c.u32(0), to = c.u32(1);
  auto f = w.fds.find(from), t = w.fds.find(to);
  if (f == w.fds.end() || t == w.fds.end()) return kBadf;
  if (from == to) return kSuccess;
  t->second = std::move(f->second);  // the old `to` entry closes here
  w.fds.erase(f);
  return kSuccess;
}

}  // namespace

Errno read_now(Impl& w, Memory& mem, const ReadArgs& a) {
  FdEntry* e;
  if (Errno r = lookup(w, a.fd, kRightFdRead, e, kBadf)) return r;
  std::vector<struct iovec> iov;
  if (Errno r = gather(mem, a.iovs, a.iovs_len, iov)) return r;
  if (!mem.ok(a.nread, 4)) return kFault;
  ssize_t n;
  do n = ::readv(e->host, iov.data(), static_cast<int>(iov.size()));
  while (n < 0 && errno == EINTR);
  if (n < 0) return last_errno();
  mem.store<uint32_t>(a.nread, static_cast<uint32_t>(n));
  return kSuccess;
}

void add_fd_functions(std::vector<FuncDef>& out) {
  out.insert(out.end(), {
      {"fd_advise", "iIIi", true, fd_advise, nullptr},
      {"fd_allocate", "iII", true, fd_allocate, nullptr},
      {"fd_close", "i", true, fd_close, nullptr},
      {"fd_datasync", "i", true, fd_datasync, nullptr},
      {"fd_fdstat_get", "ii", true, fd_fdstat_get, nullptr},
      {"fd_fdstat_set_flags", "ii", true, fd_fdstat_set_flags, nullptr},
      {"fd_fdstat_set_rights", "iII", true, fd_fdstat_set_rights, nullptr},
      {"fd_filestat_get", "ii", true, fd_filestat_get, nullptr},
      {"fd_filestat_set_size", "iI", true, fd_filestat_set_size, nullptr},
      {"fd_filestat_set_times", "iIIi", true, fd_filestat_set_times, nullptr},
      {"fd_pread", "iiiIi", true, fd_pread, nullptr},
      {"fd_prestat_get", "ii", true, fd_prestat_get, nullptr},
      {"fd_prestat_dir_name", "iii", true, fd_prestat_dir_name, nullptr},
      {"fd_pwrite", "iiiIi", true, fd_pwrite, nullptr},
      {"fd_read", "iiii", true, nullptr, fd_read},
      {"fd_readdir", "iiiIi", true, fd_readdir, nullptr},
      {"fd_renumber", "ii", true, fd_renumber, nullptr},
      {"fd_seek", "iIii", true, fd_seek, nullptr},
      {"fd_sync", "i", true, fd_sync, nullptr},
      {"fd_tell", "ii", true, fd_tell, nullptr},
      {"fd_write", "iiii", true, fd_write, nullptr},
  });
}

}  // namespace wasmslot::wasi
