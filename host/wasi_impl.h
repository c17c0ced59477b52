// The inside of WasiCtx, shared by host/wasi*.cpp (not a public header):
// checked access to linear memory, the descriptor table, and the table of
// functions each file contributes to wasi_snapshot_preview1.
//
//   wasi.cpp        the context, args/environ, clocks, random, proc_*, sock_*
//   wasi_fd.cpp     fd_*
//   wasi_path.cpp   the sandboxed path resolution and path_*
//   wasi_poll.cpp   poll_oneoff, sched_yield and fd_read's waits (form 3)
#pragma once

#include <sys/stat.h>

#include <bit>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "wasmslot/wasi.h"
#include "host/wasi_abi.h"
#include "wasmslot/runtime.h"

namespace wasmslot::wasi {

static_assert(std::endian::native == std::endian::little,
              "linear memory is little-endian; this host code copies fields as they are");

// Linear memory as the host may touch it: every access is checked against the
// memory's current size first (64-bit arithmetic, so ptr + len cannot wrap).
// A failed check is the caller's EFAULT; nothing outside is ever read or written.
class Memory {
 public:
  explicit Memory(MemoryInst* m) : m_(m) {}
  uint64_t size() const { return m_ ? m_->data.size() : 0; }
  bool ok(uint64_t ptr, uint64_t len) const { return ptr <= size() && len <= size() - ptr; }
  // Only after ok(ptr, ...).
  uint8_t* at(uint64_t ptr) { return m_->data.data() + ptr; }

  template <class T>
  bool load(uint64_t ptr, T& v) const {
    if (!ok(ptr, sizeof(T))) return false;
    std::memcpy(&v, m_->data.data() + ptr, sizeof(T));
    return true;
  }
  template <class T>
  bool store(uint64_t ptr, T v) {
    if (!ok(ptr, sizeof(T))) return false;
    std::memcpy(m_->data.data() + ptr, &v, sizeof(T));
    return true;
  }
  bool copy_out(uint64_t ptr, const void* src, uint64_t len) {
    if (!ok(ptr, len)) return false;
    if (len) std::memcpy(m_->data.data() + ptr, src, len);
    return true;
  }
  bool read_string(uint64_t ptr, uint64_t len, std::string& out) const {
    if (!ok(ptr, len)) return false;
    out.assign(reinterpret_cast<const char*>(m_->data.data() + ptr), len);
    return true;
  }
  MemoryInst* inst() const { return m_; }

 private:
  MemoryInst* m_;
};

// The module a function was imported from. wasi_unstable (snapshot 0, what
// older toolchains emit) has the functions of wasi_snapshot_preview1 with the
// same signatures and meaning; its ABI differs in three places only: fd_seek's
// whence values, the filestat layout (fd_filestat_get, path_filestat_get) and
// the clock subscription layout (poll_oneoff). Those functions look at `abi`;
// sock_accept does not exist there.
enum class Abi : uint8_t { Preview1, Unstable };

// One call of a WASI function: its arguments (cells) and the caller's memory.
struct Call {
  HostCall& hc;
  Memory mem;
  Abi abi;
  uint32_t u32(size_t i) const { return static_cast<uint32_t>(hc.args[i]); }
  uint64_t u64(size_t i) const { return hc.args[i]; }
};

// An entry of the program's descriptor table.
struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  Filetype type = kFiletypeUnknown;
};

struct FdEntry {
  int host = -1;       // the host descriptor
  bool owned = true;   // closed with the entry (false: the process's stdio)
  Filetype type = kFiletypeUnknown;
  Rights base = 0;        // what this descriptor allows
  Rights inheriting = 0;  // what descriptors opened through it may get at most
  std::optional<std::string> preopen;  // the guest name of a preopened directory
  // Line-buffered output (WasiConfig::line_buffered_output, fds 1 and 2).
  bool line_buffered = false;
  std::string pending;  // the current line, not written yet
  // fd_readdir: the directory's entries, read when a listing starts (cookie 0).
  std::vector<DirEntry> dir;
  bool dir_read = false;

  FdEntry() = default;
  FdEntry(const FdEntry&) = delete;
  FdEntry& operator=(const FdEntry&) = delete;
  ~FdEntry();
  // Writes the complete lines of `pending` (all of it when `all`).
  Errno flush(bool all);
};

// A poll_oneoff waiting on the event loop (wasi_poll.cpp).
struct PollWait;

}  // namespace wasmslot::wasi

namespace wasmslot {

struct WasiCtx::Impl {
  WasiConfig config;
  std::map<uint32_t, std::unique_ptr<wasi::FdEntry>> fds;
  std::optional<uint32_t> exit_code;
  // The asynchronous import poll_oneoff and sched_yield hand a wait to (made
  // by define() when config.async is set), and the waits by slot handle until
  // the loop starts them.
  FuncInst* async_wait = nullptr;
  std::unordered_map<uint32_t, std::shared_ptr<wasi::PollWait>> waits;

  wasi::FdEntry* get(uint32_t fd) {
    auto it = fds.find(fd);
    return it == fds.end() ? nullptr : it->second.get();
  }
  // Lowest free number (>= 3 once stdio is set up); nullopt when full.
  std::optional<uint32_t> insert(std::unique_ptr<wasi::FdEntry> e);
};

}  // namespace wasmslot

namespace wasmslot::wasi {

using Impl = WasiCtx::Impl;

// A function of wasi_snapshot_preview1. `sig` names its parameter types, one
// letter each: i = i32, I = i64. Every function but proc_exit returns one i32
// (an errno): `fn` computes it. `raw` instead answers for itself (proc_exit,
// and the functions that may suspend).
using ErrnoFn = Errno (*)(Impl&, Call&);
using RawFn = HostAnswer (*)(Impl&, Call&);
struct FuncDef {
  const char* name;
  const char* sig;
  bool returns_errno;
  ErrnoFn fn;
  RawFn raw;
};
void add_fd_functions(std::vector<FuncDef>& out);
void add_path_functions(std::vector<FuncDef>& out);
void add_poll_functions(std::vector<FuncDef>& out);
// Makes impl.async_wait when impl.config.async is set (wasi_poll.cpp).
void define_async_wait(Impl& impl);

// fd_read's arguments: the descriptor, the iovecs (pointer, count) and where
// the number of bytes read goes. Kept as numbers while a read waits, and
// checked against memory again when it happens.
struct ReadArgs {
  uint32_t fd, iovs, iovs_len, nread;
};
// fd_read itself, now (wasi_fd.cpp): its errno. Blocks if a stream has
// nothing to read yet.
Errno read_now(Impl& w, Memory& mem, const ReadArgs& a);
// fd_read of a stream with nothing to read yet (wasi_poll.cpp): waits on the
// loop like poll_oneoff on one fd_read subscription, then reads and resumes
// with the errno. Answers Pending, or anything else when the call cannot
// suspend (the caller then reads, blocking).
HostAnswer suspend_read(Impl& w, Call& c, const ReadArgs& a);

// Host errno -> WASI errno (EIO for anything without a counterpart).
Errno errno_of(int host_errno);
inline Errno last_errno() { return errno_of(errno); }
Filetype filetype_of(mode_t mode);
// The size of a filestat, and writes one at `ptr` (false if it does not fit).
inline uint32_t filestat_size(Abi abi) {
  return abi == Abi::Unstable ? kUnstableFilestatSize : kFilestatSize;
}
bool store_filestat(Memory& mem, uint64_t ptr, const struct stat& st, Abi abi);
// Timespec fields -> nanoseconds since the epoch (0 for times before it).
uint64_t to_ns(const struct timespec& ts);
// fd/path_filestat_set_times: the two timespecs utimensat/futimens take, or
// EINVAL for contradicting flags.
Errno times_of(uint64_t atim, uint64_t mtim, uint16_t fst_flags, struct timespec out[2]);

}  // namespace wasmslot::wasi
