// WASI preview 1: the context (descriptor table, arguments, environment,
// exit code), the registration of every wasi_snapshot_preview1 function, and
// the small functions: args_*, environ_*, clock_*, random_get, proc_exit,
// proc_raise, sock_*. The fd_*, path_* and poll functions live in
// wasi_fd.cpp, wasi_path.cpp and wasi_poll.cpp.
#include "wasmslot/wasi.h"

#include "loader/module.h"

#include <fcntl.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "host/wasi_impl.h"

namespace wasmslot {
namespace wasi {

// ---------------------------------------------------------------------------
// Shared helpers (declared in wasi_impl.h)

Errno errno_of(int e) {
  switch (e) {
    case 0: return kSuccess;
    case E2BIG: return k2big;
    case EACCES: return kAcces;
    case EADDRINUSE: return kAddrinuse;
    case EADDRNOTAVAIL: return kAddrnotavail;
    case EAFNOSUPPORT: return kAfnosupport;
    case EAGAIN: return kAgain;
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK: return kAgain;
#endif
    case EALREADY: return kAlready;
    case EBADF: return kBadf;
    case EBADMSG: return kBadmsg;
    case EBUSY: return kBusy;
    case ECANCELED: return kCanceled;
    case ECHILD: return kChild;
    case ECONNABORTED: return kConnaborted;
    case ECONNREFUSED: return kConnrefused;
    case ECONNRESET: return kConnreset;
    case EDEADLK: return kDeadlk;
    case EDESTADDRREQ: return kDestaddrreq;
    case EDOM: return kDom;
    case EDQUOT: return kDquot;
    case EEXIST: return kExist;
    case EFAULT: return kFault;
    case EFBIG: return kFbig;
    case EHOSTUNREACH: return kHostunreach;
    case EIDRM: return kIdrm;
    case EILSEQ: return kIlseq;
    case EINPROGRESS: return kInprogress;
    case EINTR: return kIntr;
    case EINVAL: return kInval;
    case EIO: return kIo;
    case EISCONN: return kIsconn;
    case EISDIR: return kIsdir;
    case ELOOP: return kLoop;
    case EMFILE: return kMfile;
    case EMLINK: return kMlink;
    case EMSGSIZE: return kMsgsize;
    case EMULTIHOP: return kMultihop;
    case ENAMETOOLONG: return kNametoolong;
    case ENETDOWN: return kNetdown;
    case ENETRESET: return kNetreset;
    case ENETUNREACH: return kNetunreach;
    case ENFILE: return kNfile;
    case ENOBUFS: return kNobufs;
    case ENODEV: return kNodev;
    case ENOENT: return kNoent;
    case ENOEXEC: return kNoexec;
    case ENOLCK: return kNolck;
    case ENOLINK: return kNolink;
    case ENOMEM: return kNomem;
    case ENOMSG: return kNomsg;
    case ENOPROTOOPT: return kNoprotoopt;
    case ENOSPC: return kNospc;
    case ENOSYS: return kNosys;
    case ENOTCONN: return kNotconn;
    case ENOTDIR: return kNotdir;
    case ENOTEMPTY: return kNotempty;
    case ENOTRECOVERABLE: return kNotrecoverable;
    case ENOTSOCK: return kNotsock;
    case ENOTSUP: return kNotsup;
#if EOPNOTSUPP != ENOTSUP
    case EOPNOTSUPP: return kNotsup;
#endif
    case ENOTTY: return kNotty;
    case ENXIO: return kNxio;
    case EOVERFLOW: return kOverflow;
    case EOWNERDEAD: return kOwnerdead;
    case EPERM: return kPerm;
    case EPIPE: return kPipe;
    case EPROTO: return kProto;
    case EPROTONOSUPPORT: return kProtonosupport;
    case EPROTOTYPE: return kPrototype;
    case ERANGE: return kRange;
    case EROFS: return kRofs;
    case ESPIPE: return kSpipe;
    case ESRCH: return kSrch;
    case ESTALE: return kStale;
    case ETIMEDOUT: return kTimedout;
    case ETXTBSY: return kTxtbsy;
    case EXDEV: return kXdev;
    default: return kIo;
  }
}

Filetype filetype_of(mode_t mode) {
  if (S_ISREG(mode)) return kFiletypeRegularFile;
  if (S_ISDIR(mode)) return kFiletypeDirectory;
  if (S_ISCHR(mode)) return kFiletypeCharacterDevice;
  if (S_ISBLK(mode)) return kFiletypeBlockDevice;
  if (S_ISLNK(mode)) return kFiletypeSymbolicLink;
  if (S_ISSOCK(mode)) return kFiletypeSocketStream;
  return kFiletypeUnknown;  // a pipe: preview 1 has no type for it
}

uint64_t to_ns(const struct timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

bool store_filestat(Memory& mem, uint64_t ptr, const struct stat& st, Abi abi) {
  const uint32_t size = filestat_size(abi);
  if (!mem.ok(ptr, size)) return false;
  uint8_t buf[kFilestatSize] = {};
  auto put64 = [&](size_t off, uint64_t v) { std::memcpy(buf + off, &v, 8); };
  put64(0, static_cast<uint64_t>(st.st_dev));
  put64(8, static_cast<uint64_t>(st.st_ino));
  buf[16] = filetype_of(st.st_mode);
  // From nlink on, wasi_unstable's fields are 8 bytes earlier (a u32 nlink).
  size_t at = 24;
  if (abi == Abi::Unstable) {
    uint32_t nlink = static_cast<uint32_t>(std::min<uint64_t>(st.st_nlink, UINT32_MAX));
    std::memcpy(buf + 20, &nlink, 4);
    at = 24 - 8;
  } else {
    put64(24, static_cast<uint64_t>(st.st_nlink));
  }
  put64(at + 8, static_cast<uint64_t>(st.st_size));
  put64(at + 16, to_ns(st.st_atim));
  put64(at + 24, to_ns(st.st_mtim));
  put64(at + 32, to_ns(st.st_ctim));
  return mem.copy_out(ptr, buf, size);
}

Errno times_of(uint64_t atim, uint64_t mtim, uint16_t flags, struct timespec out[2]) {
  if (flags & ~(kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow)) return kInval;
  if ((flags & kFstAtim) && (flags & kFstAtimNow)) return kInval;
  if ((flags & kFstMtim) && (flags & kFstMtimNow)) return kInval;
  auto one = [](uint16_t f, uint16_t set, uint16_t now, uint64_t ns) {
    struct timespec ts{};
    if (f & now) {
      ts.tv_nsec = UTIME_NOW;
    } else if (f & set) {
      ts.tv_sec = static_cast<time_t>(ns / 1000000000ull);
      ts.tv_nsec = static_cast<long>(ns % 1000000000ull);
    } else {
      ts.tv_nsec = UTIME_OMIT;
    }
    return ts;
  };
  out[0] = one(flags, kFstAtim, kFstAtimNow, atim);
  out[1] = one(flags, kFstMtim, kFstMtimNow, mtim);
  return kSuccess;
}

FdEntry::~FdEntry() {
  if (line_buffered) (void)flush(true);
  if (owned && host >= 0) ::close(host);
}

Errno FdEntry::flush(bool all) {
  size_t end = pending.size();
  if (!all) {
    size_t nl = pending.rfind('\n');
    if (nl == std::string::npos) return kSuccess;
    end = nl + 1;  // up to and with the last newline
  }
  if (end == 0) return kSuccess;
  // One write per flush: a line leaves whole even when other programs share
  // the descriptor (a pipe takes up to PIPE_BUF bytes atomically).
  size_t done = 0;
  while (done < end) {
    ssize_t n = ::write(host, pending.data() + done, end - done);
    if (n < 0) {
      if (errno == EINTR) continue;
      Errno e = last_errno();
      pending.erase(0, end);  // dropped, as a failed write would have
      return e;
    }
    done += static_cast<size_t>(n);
  }
  pending.erase(0, end);
  return kSuccess;
}

namespace {

// ---------------------------------------------------------------------------
// args and environ: the strings, NUL-terminated, and pointers to them.

Errno sizes_get(const std::vector<std::string>& v, Call& c) {
  uint64_t total = 0;
  for (const auto& s : v) total += s.size() + 1;
  if (!c.mem.ok(c.u32(0), 4) || !c.mem.ok(c.u32(1), 4)) return kFault;
  c.mem.store<uint32_t>(c.u32(0), static_cast<uint32_t>(v.size()));
  c.mem.store<uint32_t>(c.u32(1), static_cast<uint32_t>(total));
  return kSuccess;
}

Errno strings_get(const std::vector<std::string>& v, Call& c) {
  uint32_t ptrs = c.u32(0), buf = c.u32(1);
  uint64_t total = 0;
  for (const auto& s : v) total += s.size() + 1;
  // Everything is checked before anything is written.
  if (!c.mem.ok(ptrs, 4ull * v.size()) || !c.mem.ok(buf, total)) return kFault;
  uint64_t at = buf;
  for (size_t i = 0; i < v.size(); ++i) {
    c.mem.store<uint32_t>(ptrs + 4ull * i, static_cast<uint32_t>(at));
    c.mem.copy_out(at, v[i].c_str(), v[i].size() + 1);
    at += v[i].size() + 1;
  }
  return kSuccess;
}

Errno args_sizes_get(Impl& w, Call& c) { return sizes_get(w.config.args, c); }
Errno args_get(Impl& w, Call& c) { return strings_get(w.config.args, c); }
Errno environ_sizes_get(Impl& w, Call& c) { return sizes_get(w.config.env, c); }
Errno environ_get(Impl& w, Call& c) { return strings_get(w.config.env, c); }

// ---------------------------------------------------------------------------
// Clocks and randomness

bool host_clock(uint32_t id, clockid_t& out) {
  switch (id) {
    case kClockRealtime: out = CLOCK_REALTIME; return true;
    case kClockMonotonic: out = CLOCK_MONOTONIC; return true;
    case kClockProcessCputime: out = CLOCK_PROCESS_CPUTIME_ID; return true;
    case kClockThreadCputime: out = CLOCK_THREAD_CPUTIME_ID; return true;
    default: return false;
  }
}

Errno clock_res_get(Impl&, Call& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), id)) return kInval;
  struct timespec ts{};
  if (clock_getres(id, &ts) != 0) return last_errno();
  return c.mem.store<uint64_t>(c.u32(1), to_ns(ts)) ? kSuccess : kFault;
}

Errno clock_time_get(Impl&, Call& c) {
  clockid_t id;
  if (!host_clock(c.u32(0), id)) return kInval;
  struct timespec ts{};
  if (clock_gettime(id, &ts) != 0) return last_errno();
  return c.mem.store<uint64_t>(c.u32(2), to_ns(ts)) ? kSuccess : kFault;
}

Errno random_get(Impl&, Call& c) {
  uint32_t buf = c.u32(0), len = c.u32(1);
  if (!c.mem.ok(buf, len)) return kFault;
  uint8_t* p = c.mem.at(buf);
  size_t done = 0;
  while (done < len) {
    ssize_t n = ::getrandom(p + done, len - done, 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      return last_errno();
    }
    done += static_cast<size_t>(n);
  }
  return kSuccess;
}

// ---------------------------------------------------------------------------
// Process

// proc_exit never returns to the module: the call unwinds like a trap, and
// the embedder reads the code from exit_code().
HostAnswer proc_exit(Impl& w, Call& c) {
  uint32_t code = c.u32(0);
  w.exit_code = code;
  for (auto& [fd, e] : w.fds)
    if (e->line_buffered) (void)e->flush(true);
  return HostAnswer::trap("proc_exit(" + std::to_string(code) + ")");
}

Errno proc_raise(Impl&, Call&) { return kNosys; }

// Sockets: preview 1 can only use sockets it was given; wasmslot gives none.
Errno sock_any(Impl& w, Call& c) { return w.get(c.u32(0)) ? kNotsup : kBadf; }

void add_core_functions(std::vector<FuncDef>& out) {
  out.insert(out.end(), {
      {"args_get", "ii", true, args_get, nullptr},
      {"args_sizes_get", "ii", true, args_sizes_get, nullptr},
      {"environ_get", "ii", true, environ_get, nullptr},
      {"environ_sizes_get", "ii", true, environ_sizes_get, nullptr},
      {"clock_res_get", "ii", true, clock_res_get, nullptr},
      {"clock_time_get", "iIi", true, clock_time_get, nullptr},
      {"random_get", "ii", true, random_get, nullptr},
      {"proc_exit", "i", false, nullptr, proc_exit},
      {"proc_raise", "i", true, proc_raise, nullptr},
      {"sock_accept", "iii", true, sock_any, nullptr},
      {"sock_recv", "iiiiii", true, sock_any, nullptr},
      {"sock_send", "iiiii", true, sock_any, nullptr},
      {"sock_shutdown", "ii", true, sock_any, nullptr},
  });
}

MemoryInst* memory_of(const HostCall& hc) {
  if (!hc.caller || hc.caller->memories.empty()) return nullptr;
  return hc.caller->memories[0];
}

}  // namespace
}  // namespace wasi

// ---------------------------------------------------------------------------
// WasiCtx

std::optional<uint32_t> WasiCtx::Impl::insert(std::unique_ptr<wasi::FdEntry> e) {
  uint32_t n = 0;
  for (const auto& [fd, entry] : fds) {  // ordered: the first gap is the lowest free number
    if (fd != n) break;
    ++n;
  }
  if (n >= (1u << 31)) return std::nullopt;
  fds.emplace(n, std::move(e));
  return n;
}

WasiCtx::WasiCtx() : impl_(std::make_unique<Impl>()) {}

WasiCtx::~WasiCtx() { flush(); }

Result<std::unique_ptr<WasiCtx>> WasiCtx::create(WasiConfig config) {
  using namespace wasi;
  std::unique_ptr<WasiCtx> ctx(new WasiCtx());
  Impl& w = *ctx->impl_;
  w.config = std::move(config);

  // 0, 1, 2: the host's descriptors, borrowed. A stream (terminal, pipe) has
  // no seek or tell right, which is how wasi-libc's isatty() tells a terminal.
  const int stdio[3] = {w.config.stdin_fd, w.config.stdout_fd, w.config.stderr_fd};
  for (uint32_t i = 0; i < 3; ++i) {
    struct stat st{};
    if (stdio[i] < 0 || ::fstat(stdio[i], &st) != 0) continue;  // closed: EBADF for the program
    auto e = std::make_unique<FdEntry>();
    e->host = stdio[i];
    e->owned = false;
    e->type = filetype_of(st.st_mode);
    e->base = S_ISREG(st.st_mode) ? kRightsRegularFile : kRightsStream;
    e->base &= i == 0 ? ~kRightFdWrite : ~kRightFdRead;
    e->line_buffered = i > 0 && w.config.line_buffered_output;
    w.fds.emplace(i, std::move(e));
  }
  // 3, 4, ...: the preopened directories, with every right.
  uint32_t next = 3;
  for (const WasiPreopen& p : w.config.preopens) {
    int fd = ::open(p.host_path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return Error{"cannot open directory " + p.host_path + ": " + std::strerror(errno)};
    auto e = std::make_unique<FdEntry>();
    e->host = fd;
    e->type = kFiletypeDirectory;
    e->base = kRightsAll;
    e->inheriting = kRightsAll;
    e->preopen = p.guest_path;
    w.fds.emplace(next++, std::move(e));
  }
  return ctx;
}

void WasiCtx::define(Store& store, Imports& imports) {
  using namespace wasi;
  std::vector<FuncDef> defs;
  defs.reserve(64);
  add_core_functions(defs);
  add_fd_functions(defs);
  add_path_functions(defs);
  add_poll_functions(defs);
  define_async_wait(*impl_);

  Impl* w = impl_.get();
  for (Abi abi : {Abi::Preview1, Abi::Unstable}) {
    const char* module = abi == Abi::Unstable ? kUnstableModuleName : kModuleName;
    for (const FuncDef& d : defs) {
      if (abi == Abi::Unstable && std::string_view(d.name) == "sock_accept") continue;  // added in preview 1
      FuncType type;
      for (const char* s = d.sig; *s; ++s) type.params.push_back(*s == 'I' ? ValType::I64 : ValType::I32);
      if (d.returns_errno) type.results.push_back(ValType::I32);
      HostFunc fn = [w, d, abi](HostCall& hc) -> HostAnswer {
        Call c{hc, Memory(memory_of(hc)), abi};
        if (d.raw) return d.raw(*w, c);
        hc.results[0] = d.fn(*w, c);
        return HostAnswer::ok();
      };
      Extern e;
      e.kind = ExternKind::Func;
      e.func = store.make_host_func(std::move(type), std::move(fn), std::string(module) + "." + d.name);
      imports.add(module, d.name, e);
    }
  }
}

bool WasiCtx::imported_by(const Module& module) {
  for (const Import& imp : module.imports)
    if (imp.module == kModuleName || imp.module == kUnstableModuleName) return true;
  return false;
}

std::optional<uint32_t> WasiCtx::exit_code() const { return impl_->exit_code; }

void WasiCtx::flush() {
  for (auto& [fd, e] : impl_->fds)
    if (e->line_buffered) (void)e->flush(true);
}

}  // namespace wasmslot
