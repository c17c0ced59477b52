/// @file
/// WASI preview 1: the host module `wasi_snapshot_preview1`, so that programs
/// compiled for wasm32-wasi (C with wasi-libc, Rust's wasm32-wasi target, ...)
/// run on wasmslot.
///
/// @code
///   Store store;
///   AsyncRuntime rt(store);                       // optional, see "Waiting" below
///   WasiConfig cfg;
///   cfg.args = {"prog.wasm", "hello"};
///   cfg.env = {"HOME=/data"};
///   cfg.preopens = {{"/tmp/box", "/data"}};       // host directory, guest name
///   cfg.async = &rt;
///   auto wasi = WasiCtx::create(cfg).value();     // opens the preopened directories
///   Imports imports;
///   wasi->define(store, imports);                 // every wasi_snapshot_preview1 function
///   Instance* inst = store.instantiate(module, imports).value();
///   auto call = rt.start(*inst, "_start", {}).value();
///   rt.loop().run();
///   wasi->flush();
///   // call->failure() == Trap and wasi->exit_code(): the program called proc_exit
/// @endcode
///
/// One WasiCtx belongs to one instance: it is that program's file descriptor
/// table, arguments, environment and exit status. The functions find the
/// memory to read and write through the calling instance (its memory 0).
///
/// Guarantees
///   - Errno values and structure layouts are those of WASI preview 1
///     (host/wasi_abi.h).
///   - The module never makes the host touch memory outside its linear memory:
///     every pointer and length is checked first; a bad one gives EFAULT
///     (errno 21) and nothing is read or written.
///   - Sandbox: the only directories reachable are the preopened ones. Paths
///     are resolved by the host component by component from the directory
///     descriptor, never by the kernel in one go: every directory is opened
///     with O_NOFOLLOW, every symbolic link is read and followed by hand, and
///     `..` may not climb above the preopened directory. An absolute path, a
///     `..` too many or a symbolic link leading outside gives ENOTCAPABLE
///     (errno 76); making a symbolic link with an absolute target, EPERM.
///     Rights are honoured: a descriptor can do only what its rights allow,
///     and a descriptor opened from a directory has at most that directory's
///     inheriting rights.
///   - proc_exit unwinds the call: the host function answers with a trap (the
///     message says "proc_exit(CODE)") and exit_code() holds the code.
///   - sock_* answer ENOTSUP (EBADF for a descriptor that is not open);
///     proc_raise ENOSYS.
///
/// wasi_unstable: the module name of WASI's snapshot 0, still imported by
/// programs built with older toolchains. Its functions are preview 1's, with
/// the same signatures and meaning, except for three layouts that the
/// functions concerned follow when called through that name: fd_seek's whence
/// (cur 0, end 1, set 2), the filestat of fd_filestat_get and path_filestat_get
/// (a 32-bit nlink, 56 bytes) and poll_oneoff's clock subscription (an extra
/// 64-bit identifier first, 56 bytes). sock_accept is preview 1 only.
///
/// Waiting (poll_oneoff, sched_yield, fd_read): with WasiConfig::async set
/// and the program running as a suspension-form asynchronous call of that
/// runtime (AsyncRuntime::start), a poll_oneoff that must wait suspends the call
/// (form 3 of ASYNC.md): its Thread stays on the heap, the event loop resumes
/// it when a clock subscription expires (a timer) or a polled descriptor
/// becomes ready (a descriptor watch), and runs other work meanwhile. fd_read
/// on a stream (pipe, terminal, socket) with nothing to read yet suspends the
/// same way and reads once there is input or its end; files never wait.
/// sched_yield suspends and resumes after the work already queued. Called any
/// other way (Store::call, a callback-form call, no runtime), they block the
/// thread instead, like a native program.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "wasmslot/runtime.h"
#include "wasmslot/loader.h"
#include "wasmslot/result.h"

namespace wasmslot {

class AsyncRuntime;

/// A host directory given to the program, and the name it sees it by.
struct WasiPreopen {
  std::string host_path;   ///< a directory of the host
  std::string guest_path;  ///< the name the program sees (fd_prestat_dir_name)
};

/// What a WasiCtx gives its program: arguments, environment, preopened
/// directories and standard descriptors, and how it waits.
struct WasiConfig {
  std::vector<std::string> args;  ///< argv; args[0] is the program's name
  std::vector<std::string> env;   ///< "NAME=VALUE" each
  std::vector<WasiPreopen> preopens;  ///< descriptors 3, 4, ... in this order
  /// The host descriptors behind the program's 0, 1 and 2. Borrowed: never
  /// closed by the WasiCtx.
  int stdin_fd = 0;   ///< behind the program's 0
  int stdout_fd = 1;  ///< behind the program's 1
  int stderr_fd = 2;  ///< behind the program's 2
  /// Output of fd 1 and 2 leaves in whole lines (one write per line; the last
  /// partial line at flush()): several programs sharing one stdout never mix
  /// within a line. Off: every fd_write goes straight through.
  bool line_buffered_output = false;
  /// The runtime through which poll_oneoff and sched_yield suspend (see above).
  AsyncRuntime* async = nullptr;
};

/// The WASI preview 1 host functions of one program (see the file comment).
class WasiCtx {
 public:
  /// The module name of WASI preview 1.
  static constexpr const char* kModuleName = "wasi_snapshot_preview1";
  /// The same functions under the older name (snapshot 0), with its ABI
  /// where it differs (see "wasi_unstable" above).
  static constexpr const char* kUnstableModuleName = "wasi_unstable";

  /// Opens the preopened directories (an Error names the one that fails).
  static Result<std::unique_ptr<WasiCtx>> create(WasiConfig config);
  ~WasiCtx();                                   ///< flushes, closes the descriptors it opened
  WasiCtx(const WasiCtx&) = delete;             ///< not copyable: its functions point to it
  WasiCtx& operator=(const WasiCtx&) = delete;  ///< not copyable: its functions point to it

  /// Makes every function of wasi_snapshot_preview1 and wasi_unstable in
  /// `store` and adds them to `imports`. The functions refer to this WasiCtx:
  /// it must outlive their use.
  void define(Store& store, Imports& imports);

  /// Whether `module` imports anything from wasi_snapshot_preview1 or
  /// wasi_unstable.
  static bool imported_by(const Module& module);

  /// The code given to proc_exit, once the program called it.
  std::optional<uint32_t> exit_code() const;
  /// Writes out what line buffering still holds (a last line without '\n').
  void flush();

  struct Impl;  ///< Private: the state, defined in host/wasi_impl.h

 private:
  WasiCtx();
  std::unique_ptr<Impl> impl_;
};

}  // namespace wasmslot
