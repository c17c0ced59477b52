// WASI preview 1 (include/wasmslot/wasi.h): precise checks in process through
// tests/fixtures/wasi_calls.wat (every WASI function behind a wasm export, so
// a test chooses the arguments and pointers), suspension through the async
// runtime with wasi_sleep.wat, and whole programs through the CLI: the .wat
// commands and the C programs of tests/wasi/ (compiled with wasi-libc when
// clang-14 and wasi-libc are installed; skipped otherwise).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "wasmslot/async.h"
#include "wasmslot/event_loop.h"
#include "wasmslot/wasi.h"
#include "host/wasi_abi.h"
#include "loader/loader.h"

namespace {

using namespace wasmslot;
namespace fs = std::filesystem;
namespace wasi = wasmslot::wasi;

const std::string kCli = WASMSLOT_CLI;
const std::string kDir = WASMSLOT_FIXTURE_DIR;

std::string fixture(const std::string& name) { return kDir + "/" + name; }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::shared_ptr<const Module> load_fixture(const std::string& name) {
  std::string bytes = slurp(fixture(name));
  auto m = load(std::vector<uint8_t>(bytes.begin(), bytes.end()));
  EXPECT_TRUE(m) << name << ": " << (m ? "" : m.error().message);
  return m ? *m : nullptr;
}

// A fresh directory, removed with everything in it at the end.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = ::testing::TempDir() + "wasmslot_wasi_XXXXXX";
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    path_ = mkdtemp(buf.data()) ? std::string(buf.data()) : std::string();
    EXPECT_FALSE(path_.empty());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

void write_file(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary) << text;
}

// ---------------------------------------------------------------------------
// In process: wasi_calls.wasm, one instance with its own WasiCtx.

class WasiCalls : public ::testing::Test {
 protected:
  // Instantiates `module` (wasi_calls.wasm: every function of
  // wasi_snapshot_preview1) with `cfg` (stdout goes to a file here).
  void start(WasiConfig cfg = {}, const std::string& module_name = "wasi_calls.wasm") {
    out_path_ = box_ / "stdout.txt";
    out_fd_ = ::open(out_path_.c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
    ASSERT_GE(out_fd_, 0);
    cfg.stdout_fd = out_fd_;
    auto ctx = WasiCtx::create(std::move(cfg));
    ASSERT_TRUE(ctx) << ctx.error().message;
    wasi_ = std::move(*ctx);
    auto module = load_fixture(module_name);
    ASSERT_TRUE(module);
    Imports imports;
    wasi_->define(store_, imports);
    auto inst = store_.instantiate(module, imports);
    ASSERT_TRUE(inst) << inst.error().message;
    inst_ = *inst;
  }
  void TearDown() override {
    wasi_.reset();
    if (out_fd_ >= 0) ::close(out_fd_);
  }

  // Calls export `name` (i32 and i64 arguments as given) and returns its errno.
  int call(const std::string& name, std::vector<Value> args) {
    FuncInst* f = inst_->get_func(name);
    EXPECT_NE(f, nullptr) << name;
    if (!f) return -1;
    auto r = store_.call(f, args);
    EXPECT_TRUE(r) << name << ": " << (r ? "" : r.error().message);
    if (!r || r->empty()) return -1;
    return (*r)[0].as_i32();
  }
  static Value I(uint32_t v) { return Value::i32(static_cast<int32_t>(v)); }
  static Value L(uint64_t v) { return Value::i64(static_cast<int64_t>(v)); }

  MemoryBytes& mem() { return inst_->memories[0]->data; }
  uint32_t mem_size() { return static_cast<uint32_t>(mem().size()); }
  void put(uint32_t at, const std::string& s) { std::memcpy(mem().data() + at, s.data(), s.size()); }
  std::string get(uint32_t at, size_t n) { return std::string(reinterpret_cast<char*>(mem().data() + at), n); }
  uint32_t u32(uint32_t at) { uint32_t v; std::memcpy(&v, mem().data() + at, 4); return v; }
  uint64_t u64(uint32_t at) { uint64_t v; std::memcpy(&v, mem().data() + at, 8); return v; }
  uint16_t u16(uint32_t at) { uint16_t v; std::memcpy(&v, mem().data() + at, 2); return v; }
  void set_u32(uint32_t at, uint32_t v) { std::memcpy(mem().data() + at, &v, 4); }
  void set_u64(uint32_t at, uint64_t v) { std::memcpy(mem().data() + at, &v, 8); }

  // path_open(dirfd, path) with the given rights; the new fd, or -errno.
  int open_at(uint32_t dirfd, const std::string& path, uint32_t oflags, uint64_t rights,
              bool follow = true, uint32_t fdflags = 0) {
    put(0x1000, path);
    int e = call("path_open", {I(dirfd), I(follow ? wasi::kLookupSymlinkFollow : 0), I(0x1000),
                               I(static_cast<uint32_t>(path.size())), I(oflags), L(rights), L(rights),
                               I(fdflags), I(0x2000)});
    return e == 0 ? static_cast<int>(u32(0x2000)) : -e;
  }
  // A path function (fd, path, path_len) by name: its errno.
  int path_call(const std::string& name, uint32_t dirfd, const std::string& path) {
    put(0x1000, path);
    return call(name, {I(dirfd), I(0x1000), I(static_cast<uint32_t>(path.size()))});
  }
  // fd_write of `text` (one iovec): errno, and the count written at 0x2100.
  int write_fd(uint32_t fd, const std::string& text) {
    put(0x3000, text);
    set_u32(0x2000, 0x3000);
    set_u32(0x2004, static_cast<uint32_t>(text.size()));
    return call("fd_write", {I(fd), I(0x2000), I(1), I(0x2100)});
  }
  // fd_read of up to n bytes: the bytes, or "ERRNO <e>".
  std::string read_fd(uint32_t fd, uint32_t n) {
    set_u32(0x2000, 0x3000);
    set_u32(0x2004, n);
    int e = call("fd_read", {I(fd), I(0x2000), I(1), I(0x2100)});
    if (e) return "ERRNO " + std::to_string(e);
    return get(0x3000, u32(0x2100));
  }
  std::string captured_stdout() { return slurp(out_path_); }

  TempDir box_;
  Store store_;
  std::unique_ptr<WasiCtx> wasi_;
  Instance* inst_ = nullptr;
  std::string out_path_;
  int out_fd_ = -1;
};

constexpr uint64_t kAll = wasi::kRightsAll;

TEST_F(WasiCalls, ArgsAndEnvironLayout) {
  WasiConfig cfg;
  cfg.args = {"prog", "one", ""};
  cfg.env = {"A=1", "LONGER=two words"};
  start(cfg);
  ASSERT_EQ(call("args_sizes_get", {I(0), I(4)}), 0);
  EXPECT_EQ(u32(0), 3u);
  EXPECT_EQ(u32(4), 5u + 4u + 1u);  // each string with its NUL
  ASSERT_EQ(call("args_get", {I(100), I(200)}), 0);
  EXPECT_EQ(u32(100), 200u);
  EXPECT_EQ(u32(104), 205u);
  EXPECT_EQ(u32(108), 209u);
  EXPECT_EQ(get(200, 10), std::string("prog\0one\0\0", 10));
  ASSERT_EQ(call("environ_sizes_get", {I(0), I(4)}), 0);
  EXPECT_EQ(u32(0), 2u);
  EXPECT_EQ(u32(4), 4u + 17u);
  ASSERT_EQ(call("environ_get", {I(100), I(200)}), 0);
  EXPECT_EQ(get(u32(104), 17), std::string("LONGER=two words\0", 17));
}

TEST_F(WasiCalls, BadPointersAreEfaultAndWriteNothing) {
  WasiConfig cfg;
  cfg.args = {"prog", "argument"};
  cfg.preopens = {{box_.path(), "/box"}};
  start(cfg);
  const uint32_t end = mem_size();
  const int kFault = wasi::kFault;
  // Results that do not fit, by one byte; and pointers that would wrap.
  EXPECT_EQ(call("args_sizes_get", {I(end - 3), I(0)}), kFault);
  EXPECT_EQ(call("args_sizes_get", {I(0), I(0xFFFFFFFF)}), kFault);
  // args_get: the pointers fit, the strings (14 bytes) do not: nothing written.
  std::fill(mem().begin(), mem().end(), 0xAB);
  EXPECT_EQ(call("args_get", {I(0), I(end - 13)}), kFault);
  EXPECT_EQ(u32(0), 0xABABABABu) << "args_get wrote before failing";
  EXPECT_EQ(call("args_get", {I(end - 4), I(0)}), kFault);
  EXPECT_EQ(call("environ_get", {I(0xFFFFFFFC), I(0)}), kFault) << "even for no strings at all";
  EXPECT_EQ(call("clock_time_get", {I(wasi::kClockMonotonic), L(0), I(end - 7)}), kFault);
  EXPECT_EQ(call("clock_res_get", {I(wasi::kClockRealtime), I(0xFFFFFFFF)}), kFault);
  EXPECT_EQ(call("random_get", {I(end - 10), I(11)}), kFault);
  EXPECT_EQ(call("random_get", {I(1), I(0xFFFFFFFF)}), kFault);
  EXPECT_EQ(call("random_get", {I(end - 10), I(10)}), 0);
  // fd_write: the iovec array, then a buffer it names, outside memory.
  EXPECT_EQ(call("fd_write", {I(1), I(end - 4), I(1), I(0)}), kFault);
  EXPECT_EQ(call("fd_write", {I(1), I(0), I(0x20000000), I(8)}), kFault);  // n * 8 past the end
  set_u32(0, end - 2);
  set_u32(4, 3);
  EXPECT_EQ(call("fd_write", {I(1), I(0), I(1), I(8)}), kFault);
  set_u32(0, 0xFFFFFFF0);
  set_u32(4, 0x20);  // ptr + len wraps in 32 bits
  EXPECT_EQ(call("fd_write", {I(1), I(0), I(1), I(8)}), kFault);
  set_u32(0, 16);
  set_u32(4, 1);
  EXPECT_EQ(call("fd_write", {I(1), I(0), I(1), I(end)}), kFault);  // nwritten outside
  EXPECT_EQ(captured_stdout(), "") << "nothing may be written when a pointer is bad";
  EXPECT_EQ(call("fd_read", {I(0), I(0), I(1), I(end)}), kFault);
  EXPECT_EQ(call("fd_fdstat_get", {I(1), I(end - 23)}), kFault);
  EXPECT_EQ(call("fd_filestat_get", {I(3), I(end - 63)}), kFault);
  EXPECT_EQ(call("fd_prestat_get", {I(3), I(end - 7)}), kFault);
  EXPECT_EQ(call("fd_prestat_dir_name", {I(3), I(end - 3), I(4)}), kFault);
  EXPECT_EQ(call("fd_readdir", {I(3), I(end - 10), I(11), L(0), I(0)}), kFault);
  EXPECT_EQ(call("fd_seek", {I(3), L(0), I(0), I(end - 7)}), kFault);
  // Paths outside memory (and results outside, for a good path).
  put(0, "x");
  EXPECT_EQ(call("path_open", {I(3), I(0), I(end - 2), I(3), I(0), L(kAll), L(kAll), I(0), I(0)}), kFault);
  EXPECT_EQ(call("path_create_directory", {I(3), I(0xFFFFFFFF), I(2)}), kFault);
  EXPECT_EQ(call("path_filestat_get", {I(3), I(0), I(0), I(1), I(end - 1)}), kFault);
  EXPECT_EQ(call("path_readlink", {I(3), I(0), I(1), I(end - 1), I(2), I(0)}), kFault);
  EXPECT_EQ(call("path_symlink", {I(end), I(1), I(3), I(0), I(1)}), kFault);
  // poll_oneoff: subscriptions or events past the end (n * 48 and n * 32).
  EXPECT_EQ(call("poll_oneoff", {I(0), I(0), I(0x10000000), I(0)}), kFault);
  EXPECT_EQ(call("poll_oneoff", {I(end - 47), I(0), I(1), I(0)}), kFault);
  EXPECT_EQ(call("poll_oneoff", {I(0), I(end - 31), I(1), I(64)}), kFault);
  EXPECT_FALSE(fs::exists(box_ / "x"));
}

TEST_F(WasiCalls, StdoutAndFdstat) {
  start();
  EXPECT_EQ(write_fd(1, "to stdout\n"), 0);
  EXPECT_EQ(u32(0x2100), 10u);
  EXPECT_EQ(captured_stdout(), "to stdout\n");
  // fdstat: a regular file here (the test's file), writable, not readable.
  ASSERT_EQ(call("fd_fdstat_get", {I(1), I(0x100)}), 0);
  EXPECT_EQ(mem()[0x100], wasi::kFiletypeRegularFile);
  EXPECT_TRUE(u64(0x108) & wasi::kRightFdWrite);
  EXPECT_FALSE(u64(0x108) & wasi::kRightFdRead);
  EXPECT_EQ(read_fd(1, 4), "ERRNO " + std::to_string(wasi::kBadf));
  EXPECT_EQ(write_fd(9, "x"), wasi::kBadf);
  EXPECT_EQ(call("fd_close", {I(77)}), wasi::kBadf);
  EXPECT_EQ(call("fd_prestat_get", {I(1), I(0x100)}), wasi::kBadf) << "not a preopened directory";
}

TEST_F(WasiCalls, FilesInAPreopenedDirectory) {
  WasiConfig cfg;
  cfg.preopens = {{box_.path(), "/data"}};
  start(cfg);
  // The preopen: fd 3, a directory named /data.
  ASSERT_EQ(call("fd_prestat_get", {I(3), I(0x100)}), 0);
  EXPECT_EQ(mem()[0x100], wasi::kPreopentypeDir);
  EXPECT_EQ(u32(0x104), 5u);
  EXPECT_EQ(call("fd_prestat_dir_name", {I(3), I(0x200), I(2)}), wasi::kNametoolong);
  ASSERT_EQ(call("fd_prestat_dir_name", {I(3), I(0x200), I(5)}), 0);
  EXPECT_EQ(get(0x200, 5), "/data");
  EXPECT_EQ(call("fd_prestat_get", {I(4), I(0x100)}), wasi::kBadf);

  int fd = open_at(3, "notes.txt", wasi::kOflagCreat | wasi::kOflagTrunc, kAll);
  ASSERT_GT(fd, 3);
  EXPECT_EQ(write_fd(fd, "first line\nsecond\n"), 0);
  EXPECT_EQ(slurp(box_ / "notes.txt"), "first line\nsecond\n");
  ASSERT_EQ(call("fd_seek", {I(fd), L(6), I(wasi::kWhenceSet), I(0x100)}), 0);
  EXPECT_EQ(u64(0x100), 6u);
  EXPECT_EQ(read_fd(fd, 4), "line");
  ASSERT_EQ(call("fd_tell", {I(fd), I(0x100)}), 0);
  EXPECT_EQ(u64(0x100), 10u);
  EXPECT_EQ(call("fd_seek", {I(fd), L(0), I(9), I(0x100)}), wasi::kInval);
  // pwrite / pread leave the position alone.
  put(0x3000, "FIRST");
  set_u32(0x2000, 0x3000);
  set_u32(0x2004, 5);
  ASSERT_EQ(call("fd_pwrite", {I(fd), I(0x2000), I(1), L(0), I(0x2100)}), 0);
  set_u32(0x2004, 6);
  ASSERT_EQ(call("fd_pread", {I(fd), I(0x2000), I(1), L(0), I(0x2100)}), 0);
  EXPECT_EQ(get(0x3000, 6), "FIRST ");
  ASSERT_EQ(call("fd_tell", {I(fd), I(0x100)}), 0);
  EXPECT_EQ(u64(0x100), 10u);
  // filestat: layout and values.
  ASSERT_EQ(call("fd_filestat_get", {I(fd), I(0x400)}), 0);
  EXPECT_EQ(mem()[0x400 + 16], wasi::kFiletypeRegularFile);
  EXPECT_EQ(u64(0x400 + 24), 1u);   // nlink
  EXPECT_EQ(u64(0x400 + 32), 18u);  // size
  ASSERT_EQ(call("fd_filestat_set_size", {I(fd), L(5)}), 0);
  ASSERT_EQ(call("fd_filestat_set_times", {I(fd), L(0), L(1234000000000ull), I(wasi::kFstMtim)}), 0);
  ASSERT_EQ(call("fd_filestat_get", {I(fd), I(0x400)}), 0);
  EXPECT_EQ(u64(0x400 + 32), 5u);
  EXPECT_EQ(u64(0x400 + 48), 1234000000000ull);  // mtim
  EXPECT_EQ(call("fd_filestat_set_times", {I(fd), L(0), L(0), I(wasi::kFstMtim | wasi::kFstMtimNow)}),
            wasi::kInval);
  EXPECT_EQ(call("fd_sync", {I(fd)}), 0);
  EXPECT_EQ(call("fd_datasync", {I(fd)}), 0);
  EXPECT_EQ(call("fd_advise", {I(fd), L(0), L(0), I(wasi::kAdviceSequential)}), 0);
  EXPECT_EQ(call("fd_advise", {I(fd), L(0), L(0), I(6)}), wasi::kInval);
  // Renumber onto stdin's number, then close.
  ASSERT_EQ(call("fd_renumber", {I(fd), I(0)}), 0);
  EXPECT_EQ(call("fd_fdstat_get", {I(fd), I(0x100)}), wasi::kBadf);
  ASSERT_EQ(call("fd_seek", {I(0), L(0), I(wasi::kWhenceSet), I(0x100)}), 0);
  EXPECT_EQ(read_fd(0, 5), "FIRST");
  EXPECT_EQ(call("fd_close", {I(0)}), 0);
  EXPECT_EQ(call("fd_close", {I(0)}), wasi::kBadf);

  // Directories and the listing.
  EXPECT_EQ(path_call("path_create_directory", 3, "sub"), 0);
  EXPECT_EQ(path_call("path_create_directory", 3, "sub"), wasi::kExist);
  EXPECT_TRUE(fs::is_directory(box_ / "sub"));
  int d = open_at(3, "sub", wasi::kOflagDirectory, kAll & ~(wasi::kRightFdWrite));
  ASSERT_EQ(d, 0) << "the lowest free number: 0 was closed above";
  write_file(box_ / "sub/one", "1");
  write_file(box_ / "sub/two", "22");
  ASSERT_EQ(call("fd_readdir", {I(d), I(0x4000), I(4096), L(0), I(0x100)}), 0);
  uint32_t used = u32(0x100);
  std::vector<std::string> names;
  for (uint32_t at = 0x4000; at < 0x4000 + used;) {
    uint32_t namlen = u32(at + 16);
    std::string name = get(at + 24, namlen);
    if (name == "one" || name == "two") {
      EXPECT_EQ(mem()[at + 20], wasi::kFiletypeRegularFile) << name;
    }
    names.push_back(name);
    at += 24 + namlen;
  }
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{".", "..", "one", "two"}));
  // A buffer too small for one entry is filled completely: bufused == buf_len.
  ASSERT_EQ(call("fd_readdir", {I(d), I(0x4000), I(10), L(0), I(0x100)}), 0);
  EXPECT_EQ(u32(0x100), 10u);
  // Past the last cookie: nothing.
  ASSERT_EQ(call("fd_readdir", {I(d), I(0x4000), I(4096), L(4), I(0x100)}), 0);
  EXPECT_EQ(u32(0x100), 0u);
  EXPECT_EQ(call("fd_readdir", {I(1), I(0x4000), I(4096), L(0), I(0x100)}), wasi::kNotcapable);

  // filestat by path, rename, links, unlink, rmdir.
  put(0x1000, "sub/two");
  ASSERT_EQ(call("path_filestat_get", {I(3), I(0), I(0x1000), I(7), I(0x400)}), 0);
  EXPECT_EQ(u64(0x400 + 32), 2u);
  put(0x1000, "sub/two");
  put(0x1100, "sub/three");
  ASSERT_EQ(call("path_rename", {I(3), I(0x1000), I(7), I(3), I(0x1100), I(9)}), 0);
  EXPECT_TRUE(fs::exists(box_ / "sub/three"));
  put(0x1000, "sub/one");
  put(0x1100, "sub/uno");
  ASSERT_EQ(call("path_link", {I(3), I(0), I(0x1000), I(7), I(3), I(0x1100), I(7)}), 0);
  EXPECT_EQ(fs::hard_link_count(box_ / "sub/one"), 2u);
  put(0x1000, "one");
  put(0x1100, "sub/alias");
  ASSERT_EQ(call("path_symlink", {I(0x1000), I(3), I(3), I(0x1100), I(9)}), 0);
  ASSERT_EQ(call("path_readlink", {I(3), I(0x1100), I(9), I(0x3000), I(64), I(0x100)}), 0);
  EXPECT_EQ(get(0x3000, u32(0x100)), "one");
  ASSERT_EQ(call("path_readlink", {I(3), I(0x1100), I(9), I(0x3000), I(2), I(0x100)}), 0);
  EXPECT_EQ(u32(0x100), 2u) << "truncated to the buffer";
  int via_link = open_at(3, "sub/alias", 0, wasi::kRightFdRead);
  ASSERT_GT(via_link, 0);
  EXPECT_EQ(read_fd(via_link, 10), "1");
  EXPECT_EQ(path_call("path_remove_directory", 3, "sub"), wasi::kNotempty);
  EXPECT_EQ(path_call("path_unlink_file", 3, "sub"), wasi::kIsdir);
  for (const char* f : {"sub/one", "sub/uno", "sub/three", "sub/alias"})
    EXPECT_EQ(path_call("path_unlink_file", 3, f), 0) << f;
  EXPECT_EQ(path_call("path_unlink_file", 3, "sub/one"), wasi::kNoent);
  EXPECT_EQ(path_call("path_remove_directory", 3, "sub"), 0);
  EXPECT_FALSE(fs::exists(box_ / "sub"));
  EXPECT_EQ(open_at(3, "", 0, kAll), -wasi::kNoent);
  EXPECT_EQ(open_at(3, std::string("a\0b", 3), 0, kAll), -wasi::kInval);
  EXPECT_EQ(open_at(3, "\xff", 0, kAll), -wasi::kIlseq);
  EXPECT_EQ(open_at(1, "x", 0, kAll), -wasi::kNotdir);
}

// Paths may not leave the preopened directory, by any road.
TEST_F(WasiCalls, SandboxEscapesAreRefused) {
  // box/
  //   root/            preopened as fd 3
  //     sub/inner.txt
  //     file.txt
  //     out  -> ../           (relative, leads outside)
  //     deep -> sub/../../outside
  //     abs  -> /etc          (absolute)
  //     in   -> sub           (stays inside)
  //     loop -> loop
  //     dangling -> nowhere
  //   outside/secret.txt
  fs::create_directories(box_ / "root/sub");
  fs::create_directories(box_ / "outside");
  write_file(box_ / "root/sub/inner.txt", "inner");
  write_file(box_ / "root/file.txt", "file");
  write_file(box_ / "outside/secret.txt", "secret");
  fs::create_directory_symlink("..", box_ / "root/out");
  fs::create_directory_symlink("sub/../../outside", box_ / "root/deep");
  fs::create_directory_symlink("/etc", box_ / "root/abs");
  fs::create_directory_symlink("sub", box_ / "root/in");
  fs::create_symlink("loop", box_ / "root/loop");
  fs::create_symlink("nowhere", box_ / "root/dangling");
  WasiConfig cfg;
  cfg.preopens = {{box_ / "root", "/"}};
  start(cfg);
  const int kNotcapable = -wasi::kNotcapable;
  const uint64_t r = wasi::kRightFdRead;

  EXPECT_EQ(open_at(3, "../outside/secret.txt", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "..", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "sub/../../outside/secret.txt", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "sub/./../sub/../..", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "/etc/passwd", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "/", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "out/outside/secret.txt", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "out", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "deep/secret.txt", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "abs/passwd", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "abs", 0, r), kNotcapable);
  EXPECT_EQ(open_at(3, "in/../out/outside/secret.txt", 0, r), kNotcapable);
  // Not following the last link: that link is not opened either.
  EXPECT_EQ(open_at(3, "abs", 0, r, /*follow=*/false), -wasi::kLoop);
  EXPECT_EQ(open_at(3, "loop", 0, r), -wasi::kLoop);
  EXPECT_EQ(open_at(3, "loop/x", 0, r), -wasi::kLoop);
  // Creating through links that lead outside: refused, nothing created.
  EXPECT_EQ(open_at(3, "out/created.txt", wasi::kOflagCreat, kAll), kNotcapable);
  EXPECT_FALSE(fs::exists(box_ / "created.txt"));
  EXPECT_EQ(path_call("path_create_directory", 3, "../evil"), wasi::kNotcapable);
  EXPECT_EQ(path_call("path_create_directory", 3, "out/evil"), wasi::kNotcapable);
  EXPECT_FALSE(fs::exists(box_ / "evil"));
  EXPECT_EQ(path_call("path_unlink_file", 3, "out/outside/secret.txt"), wasi::kNotcapable);
  EXPECT_EQ(path_call("path_unlink_file", 3, "deep/secret.txt"), wasi::kNotcapable);
  EXPECT_EQ(path_call("path_remove_directory", 3, "../outside"), wasi::kNotcapable);
  put(0x1000, "file.txt");
  put(0x1100, "../stolen.txt");
  EXPECT_EQ(call("path_rename", {I(3), I(0x1000), I(8), I(3), I(0x1100), I(13)}), wasi::kNotcapable);
  EXPECT_EQ(call("path_link", {I(3), I(0), I(0x1000), I(8), I(3), I(0x1100), I(13)}), wasi::kNotcapable);
  put(0x1100, "deep/secret.txt");
  EXPECT_EQ(call("path_link", {I(3), I(wasi::kLookupSymlinkFollow), I(0x1100), I(15), I(3), I(0x1000), I(8)}),
            wasi::kNotcapable);
  put(0x1000, "/etc/passwd");
  put(0x1100, "newlink");
  EXPECT_EQ(call("path_symlink", {I(0x1000), I(11), I(3), I(0x1100), I(7)}), wasi::kPerm);
  put(0x1000, "out");
  EXPECT_EQ(call("path_filestat_get", {I(3), I(wasi::kLookupSymlinkFollow), I(0x1000), I(3), I(0x400)}),
            wasi::kNotcapable);
  ASSERT_EQ(call("path_filestat_get", {I(3), I(0), I(0x1000), I(3), I(0x400)}), 0);
  EXPECT_EQ(mem()[0x400 + 16], wasi::kFiletypeSymbolicLink) << "the link itself may be looked at";
  EXPECT_EQ(call("path_filestat_set_times",
                 {I(3), I(wasi::kLookupSymlinkFollow), I(0x1000), I(3), L(0), L(0), I(wasi::kFstMtimNow)}),
            wasi::kNotcapable);
  // Reading a link's text is fine, whatever it says.
  put(0x1000, "abs");
  ASSERT_EQ(call("path_readlink", {I(3), I(0x1000), I(3), I(0x3000), I(64), I(0x100)}), 0);
  EXPECT_EQ(get(0x3000, u32(0x100)), "/etc");
  EXPECT_EQ(slurp(box_ / "outside/secret.txt"), "secret");
  EXPECT_FALSE(fs::exists(box_ / "stolen.txt"));

  // What stays inside works, links and .. included.
  int fd = open_at(3, "in/../sub/inner.txt", 0, r);
  ASSERT_GT(fd, 0);
  EXPECT_EQ(read_fd(fd, 16), "inner");
  fd = open_at(3, "sub/..", wasi::kOflagDirectory, kAll & ~wasi::kRightFdWrite);
  ASSERT_GT(fd, 0);
  int inner = open_at(fd, "file.txt", 0, r);
  ASSERT_GT(inner, 0);
  EXPECT_EQ(read_fd(inner, 16), "file");
  EXPECT_EQ(open_at(fd, "../root/file.txt", 0, r), kNotcapable) << "a directory opened inside is a sandbox too";
  // Creating through a dangling link creates its target, inside.
  fd = open_at(3, "dangling", wasi::kOflagCreat, kAll);
  ASSERT_GT(fd, 0);
  EXPECT_TRUE(fs::exists(box_ / "root/nowhere"));
  EXPECT_EQ(path_call("path_unlink_file", 3, "out"), 0) << "removing the link itself is allowed";
  EXPECT_TRUE(fs::exists(box_ / "outside/secret.txt"));
  EXPECT_TRUE(fs::is_directory(box_.path()));
}

TEST_F(WasiCalls, RightsAreHonoured) {
  write_file(box_ / "f.txt", "data");
  WasiConfig cfg;
  cfg.preopens = {{box_.path(), "."}};
  start(cfg);
  // Read-only descriptor: no writing, no truncating.
  int fd = open_at(3, "f.txt", 0, wasi::kRightFdRead | wasi::kRightFdSeek);
  ASSERT_GT(fd, 0);
  EXPECT_EQ(write_fd(fd, "x"), wasi::kBadf);
  EXPECT_EQ(call("fd_filestat_set_size", {I(fd), L(0)}), wasi::kNotcapable);
  EXPECT_EQ(call("fd_filestat_get", {I(fd), I(0x400)}), wasi::kNotcapable);
  EXPECT_EQ(slurp(box_ / "f.txt"), "data");
  // Rights only shrink.
  EXPECT_EQ(call("fd_fdstat_set_rights", {I(fd), L(kAll), L(0)}), wasi::kNotcapable);
  ASSERT_EQ(call("fd_fdstat_set_rights", {I(fd), L(wasi::kRightFdRead), L(0)}), 0);
  EXPECT_EQ(call("fd_seek", {I(fd), L(1), I(wasi::kWhenceSet), I(0x100)}), wasi::kNotcapable);
  ASSERT_EQ(call("fd_fdstat_get", {I(fd), I(0x100)}), 0);
  EXPECT_EQ(u64(0x108), wasi::kRightFdRead);
  EXPECT_EQ(read_fd(fd, 4), "data");
  // A directory's inheriting rights bound what is opened through it.
  ASSERT_EQ(call("fd_fdstat_set_rights", {I(3), L(kAll), L(kAll & ~wasi::kRightFdWrite)}), 0);
  EXPECT_EQ(open_at(3, "f.txt", 0, wasi::kRightFdWrite), -wasi::kNotcapable);
  // Without PATH_OPEN / PATH_CREATE_FILE, no opening / creating.
  ASSERT_EQ(call("fd_fdstat_set_rights",
                 {I(3), L(kAll & ~wasi::kRightPathCreateFile), L(kAll & ~wasi::kRightFdWrite)}),
            0);
  EXPECT_EQ(open_at(3, "new.txt", wasi::kOflagCreat, wasi::kRightFdRead), -wasi::kNotcapable);
  EXPECT_FALSE(fs::exists(box_ / "new.txt"));
  ASSERT_EQ(call("fd_fdstat_set_rights", {I(3), L(wasi::kRightFdReaddir), L(0)}), 0);
  EXPECT_EQ(open_at(3, "f.txt", 0, 0), -wasi::kNotcapable);
  EXPECT_EQ(path_call("path_create_directory", 3, "d"), wasi::kNotcapable);
  EXPECT_EQ(path_call("path_unlink_file", 3, "f.txt"), wasi::kNotcapable);
  EXPECT_TRUE(fs::exists(box_ / "f.txt"));
}

TEST_F(WasiCalls, ProcExitUnwindsWithItsCode) {
  start();
  EXPECT_FALSE(wasi_->exit_code());
  auto r = store_.call(inst_->get_func("proc_exit"), std::vector<Value>{I(7)});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("proc_exit(7)"), std::string::npos) << r.error().message;
  ASSERT_TRUE(wasi_->exit_code());
  EXPECT_EQ(*wasi_->exit_code(), 7u);
}

TEST_F(WasiCalls, SocketsAndSignalsAreUnsupported) {
  start();
  EXPECT_EQ(call("sock_accept", {I(1), I(0), I(0)}), wasi::kNotsup);
  EXPECT_EQ(call("sock_recv", {I(0), I(0), I(0), I(0), I(0), I(0)}), wasi::kNotsup);
  EXPECT_EQ(call("sock_send", {I(1), I(0), I(0), I(0), I(0)}), wasi::kNotsup);
  EXPECT_EQ(call("sock_shutdown", {I(1), I(0)}), wasi::kNotsup);
  EXPECT_EQ(call("sock_shutdown", {I(42), I(0)}), wasi::kBadf);
  EXPECT_EQ(call("proc_raise", {I(9)}), wasi::kNosys);
}

TEST_F(WasiCalls, ClocksAndRandom) {
  start();
  ASSERT_EQ(call("clock_time_get", {I(wasi::kClockMonotonic), L(0), I(0x100)}), 0);
  ASSERT_EQ(call("clock_time_get", {I(wasi::kClockMonotonic), L(0), I(0x108)}), 0);
  EXPECT_GE(u64(0x108), u64(0x100));
  ASSERT_EQ(call("clock_time_get", {I(wasi::kClockRealtime), L(0), I(0x100)}), 0);
  EXPECT_GT(u64(0x100), 1577836800ull * 1000000000ull);  // after 2020
  ASSERT_EQ(call("clock_res_get", {I(wasi::kClockProcessCputime), I(0x100)}), 0);
  EXPECT_GT(u64(0x100), 0u);
  EXPECT_EQ(call("clock_time_get", {I(4), L(0), I(0x100)}), wasi::kInval);
  std::fill(mem().begin() + 0x200, mem().begin() + 0x300, 0);
  ASSERT_EQ(call("random_get", {I(0x200), I(0x100)}), 0);
  EXPECT_GT(std::count_if(mem().begin() + 0x200, mem().begin() + 0x300, [](uint8_t b) { return b != 0; }), 200);
}

// poll_oneoff in a synchronous call: it blocks like a native program.
// wasi_unstable: the three places where its ABI differs from preview 1's.
TEST_F(WasiCalls, WasiUnstableLayouts) {
  write_file(box_ / "f.txt", "0123456789");
  WasiConfig cfg;
  cfg.preopens = {{box_.path(), "."}};
  start(cfg, "wasi_unstable_calls.wasm");
  int fd = open_at(3, "f.txt", 0, kAll);
  ASSERT_GT(fd, 3);

  // fd_seek: whence is cur 0, end 1, set 2.
  ASSERT_EQ(call("fd_seek", {I(fd), L(3), I(2), I(0x100)}), 0);
  EXPECT_EQ(u64(0x100), 3u);
  ASSERT_EQ(call("fd_seek", {I(fd), L(2), I(0), I(0x100)}), 0);
  EXPECT_EQ(u64(0x100), 5u);
  ASSERT_EQ(call("fd_seek", {I(fd), L(static_cast<uint64_t>(-1)), I(1), I(0x100)}), 0);
  EXPECT_EQ(u64(0x100), 9u);
  EXPECT_EQ(call("fd_seek", {I(fd), L(0), I(3), I(0x100)}), wasi::kInval);

  // filestat: 56 bytes, with a u32 nlink at 20 and everything after it 8
  // bytes earlier than in preview 1. Nothing past the 56 bytes is written.
  auto check_filestat = [&](uint32_t at) {
    EXPECT_EQ(mem()[at + 16], wasi::kFiletypeRegularFile);
    EXPECT_EQ(u32(at + 20), 1u);   // nlink
    EXPECT_EQ(u64(at + 24), 10u);  // size
    struct stat st{};
    ASSERT_EQ(::stat((box_ / "f.txt").c_str(), &st), 0);
    EXPECT_EQ(u64(at + 8), static_cast<uint64_t>(st.st_ino));
    auto ns = [](const struct timespec& t) { return uint64_t(t.tv_sec) * 1000000000u + uint64_t(t.tv_nsec); };
    EXPECT_EQ(u64(at + 40), ns(st.st_mtim));
    EXPECT_EQ(u64(at + 48), ns(st.st_ctim));
    EXPECT_EQ(u64(at + 56), 0xAAAAAAAAAAAAAAAAull) << "wrote past the 56 bytes";
  };
  std::fill(mem().begin() + 0x200, mem().begin() + 0x280, 0xAA);
  ASSERT_EQ(call("fd_filestat_get", {I(fd), I(0x200)}), 0);
  check_filestat(0x200);
  std::fill(mem().begin() + 0x300, mem().begin() + 0x380, 0xAA);
  put(0x1000, "f.txt");
  ASSERT_EQ(call("path_filestat_get", {I(3), I(0), I(0x1000), I(5), I(0x300)}), 0);
  check_filestat(0x300);
  // The last byte that fits: EFAULT if the 56 bytes do not.
  EXPECT_EQ(call("fd_filestat_get", {I(fd), I(mem_size() - 56)}), 0);
  EXPECT_EQ(call("fd_filestat_get", {I(fd), I(mem_size() - 55)}), wasi::kFault);

  // fdstat: no sock_accept right (preview 1 added it).
  ASSERT_EQ(call("fd_fdstat_get", {I(fd), I(0x400)}), 0);
  EXPECT_EQ(u64(0x408) & wasi::kRightSockAccept, 0u);
  EXPECT_NE(u64(0x408) & wasi::kRightFdRead, 0u);

  // poll_oneoff: 56-byte subscriptions, a clock's fields after its 64-bit
  // identifier. The identifier is 3 (a CPU-time clock, which cannot be waited
  // for) and the real id 1 (monotonic): read at preview 1's offsets, the
  // subscription would fail at once with EINVAL instead of sleeping 30 ms.
  std::fill(mem().begin() + 0x500, mem().begin() + 0x500 + 56, 0);
  set_u64(0x500, 77);                   // userdata
  mem()[0x508] = wasi::kEventtypeClock;
  set_u64(0x510, 3);                    // identifier
  set_u32(0x518, wasi::kClockMonotonic);
  set_u64(0x520, 30'000'000);           // timeout: 30 ms, relative
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(call("poll_oneoff", {I(0x500), I(0x600), I(1), I(0x700)}), 0);
  auto waited = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(waited, std::chrono::milliseconds(30));
  EXPECT_EQ(u32(0x700), 1u);
  EXPECT_EQ(u64(0x600), 77u);
  EXPECT_EQ(u16(0x608), 0u);
  EXPECT_EQ(mem()[0x60a], wasi::kEventtypeClock);
}

// Both names are defined; sock_accept only under preview 1's.
TEST(WasiModules, BothNamesAreDefined) {
  Store store;
  auto ctx = WasiCtx::create({});
  ASSERT_TRUE(ctx);
  Imports imports;
  (*ctx)->define(store, imports);
  EXPECT_NE(imports.find("wasi_snapshot_preview1", "fd_seek"), nullptr);
  EXPECT_NE(imports.find("wasi_unstable", "fd_seek"), nullptr);
  EXPECT_NE(imports.find("wasi_snapshot_preview1", "sock_accept"), nullptr);
  EXPECT_EQ(imports.find("wasi_unstable", "sock_accept"), nullptr);
  auto module = load_fixture("wasi_unstable_calls.wasm");
  ASSERT_TRUE(module);
  EXPECT_TRUE(WasiCtx::imported_by(*module));
}

TEST_F(WasiCalls, PollOneoffWithoutARuntimeBlocks) {
  write_file(box_ / "f.txt", "12345");
  WasiConfig cfg;
  cfg.preopens = {{box_.path(), "."}};
  start(cfg);
  int fd = open_at(3, "f.txt", 0, kAll);
  ASSERT_GT(fd, 0);
  auto clock_sub = [&](uint32_t at, uint64_t userdata, uint32_t id, uint64_t timeout, uint16_t flags) {
    std::fill(mem().begin() + at, mem().begin() + at + 48, 0);
    set_u64(at, userdata);
    mem()[at + 8] = wasi::kEventtypeClock;
    set_u32(at + 16, id);
    set_u64(at + 24, timeout);
    std::memcpy(mem().data() + at + 40, &flags, 2);
  };
  auto fd_sub = [&](uint32_t at, uint64_t userdata, uint8_t tag, uint32_t which) {
    std::fill(mem().begin() + at, mem().begin() + at + 48, 0);
    set_u64(at, userdata);
    mem()[at + 8] = tag;
    set_u32(at + 16, which);
  };
  // Two clocks: 5 ms and an hour. Only the first fires.
  clock_sub(0x100, 11, wasi::kClockMonotonic, 5000000, 0);
  clock_sub(0x130, 22, wasi::kClockMonotonic, 3600ull * 1000000000ull, 0);
  ASSERT_EQ(call("poll_oneoff", {I(0x100), I(0x800), I(2), I(0x900)}), 0);
  EXPECT_EQ(u32(0x900), 1u);
  EXPECT_EQ(u64(0x800), 11u);
  EXPECT_EQ(u16(0x808), 0u);
  EXPECT_EQ(mem()[0x80A], wasi::kEventtypeClock);
  // An absolute realtime deadline in the past fires at once.
  clock_sub(0x100, 33, wasi::kClockRealtime, 1000, wasi::kSubclockAbstime);
  ASSERT_EQ(call("poll_oneoff", {I(0x100), I(0x800), I(1), I(0x900)}), 0);
  EXPECT_EQ(u64(0x800), 33u);
  // A regular file is always ready; the read event tells what is left.
  fd_sub(0x100, 44, wasi::kEventtypeFdRead, static_cast<uint32_t>(fd));
  fd_sub(0x130, 55, wasi::kEventtypeFdRead, 99);  // not open: an EBADF event
  clock_sub(0x160, 66, wasi::kClockMonotonic, 3600ull * 1000000000ull, 0);
  ASSERT_EQ(call("poll_oneoff", {I(0x100), I(0x800), I(3), I(0x900)}), 0);
  ASSERT_EQ(u32(0x900), 2u);
  EXPECT_EQ(u64(0x800), 44u);
  EXPECT_EQ(mem()[0x80A], wasi::kEventtypeFdRead);
  EXPECT_EQ(u64(0x810), 5u);
  EXPECT_EQ(u64(0x820), 55u);
  EXPECT_EQ(u16(0x828), wasi::kBadf);
  // Bad input.
  EXPECT_EQ(call("poll_oneoff", {I(0x100), I(0x800), I(0), I(0x900)}), wasi::kInval);
  mem()[0x108] = 7;  // no such event type
  EXPECT_EQ(call("poll_oneoff", {I(0x100), I(0x800), I(1), I(0x900)}), wasi::kInval);
  // sched_yield without a runtime: just yields.
  EXPECT_EQ(call("sched_yield", {}), 0);
}

// ---------------------------------------------------------------------------
// Suspension: poll_oneoff in asynchronous calls (form 3).

struct SleepInstance {
  std::unique_ptr<WasiCtx> wasi;
  Instance* inst = nullptr;
};

SleepInstance make_sleeper(Store& store, AsyncRuntime& rt, const std::shared_ptr<const Module>& module) {
  SleepInstance s;
  WasiConfig cfg;
  cfg.async = &rt;
  auto ctx = WasiCtx::create(cfg);
  EXPECT_TRUE(ctx);
  s.wasi = std::move(*ctx);
  Imports imports;
  s.wasi->define(store, imports);
  auto inst = store.instantiate(module, imports);
  EXPECT_TRUE(inst) << inst.error().message;
  s.inst = *inst;
  return s;
}

TEST(WasiAsync, SleepsSuspendAndOverlap) {
  auto module = load_fixture("wasi_sleep.wasm");
  ASSERT_TRUE(module);
  Store store;
  AsyncRuntime rt(store);
  SleepInstance a = make_sleeper(store, rt, module);
  SleepInstance b = make_sleeper(store, rt, module);
  std::vector<std::string> finished;
  auto ca = rt.start(*a.inst, "sleep_ms", std::vector<Value>{Value::i32(60)}).value();
  auto cb = rt.start(*b.inst, "sleep_ms", std::vector<Value>{Value::i32(15)}).value();
  ca->on_done([&](AsyncCall&) { finished.push_back("a"); });
  cb->on_done([&](AsyncCall&) { finished.push_back("b"); });
  // One turn runs both calls up to their poll_oneoff: both are suspended at
  // once, each on a slot, and the loop is free.
  rt.loop().run_once();
  EXPECT_EQ(rt.slots().pending(), 2u);
  EXPECT_FALSE(ca->done());
  EXPECT_FALSE(cb->done());
  EXPECT_TRUE(ca->awaiting());
  rt.loop().run();
  ASSERT_EQ(ca->state(), AsyncCall::State::Done) << ca->message();
  ASSERT_EQ(cb->state(), AsyncCall::State::Done) << cb->message();
  EXPECT_EQ(ca->results()[0].as_i32(), 0);
  EXPECT_EQ(cb->results()[0].as_i32(), 0);
  // The shorter sleep, started second, finished first.
  EXPECT_EQ(finished, (std::vector<std::string>{"b", "a"}));
  EXPECT_EQ(rt.slots().live(), 0u);
}

TEST(WasiAsync, ManySleepersAtOnce) {
  auto module = load_fixture("wasi_sleep.wasm");
  ASSERT_TRUE(module);
  Store store;
  AsyncRuntime rt(store);
  std::vector<SleepInstance> progs;
  std::vector<CallPtr> calls;
  std::vector<int> order;
  // Job i sleeps (20 - i) * 10 ms: 10 ms apart, far more than starting a
  // call takes, even under valgrind.
  for (int i = 0; i < 20; ++i) {
    progs.push_back(make_sleeper(store, rt, module));
    calls.push_back(
        rt.start(*progs.back().inst, "sleep_ms", std::vector<Value>{Value::i32((20 - i) * 10)}).value());
    calls.back()->on_done([&order, i](AsyncCall&) { order.push_back(i); });
  }
  rt.loop().run_once();
  EXPECT_EQ(rt.slots().pending(), 20u) << "every call suspended at the same time";
  rt.loop().run();
  ASSERT_EQ(order.size(), 20u);
  for (int i = 0; i < 20; ++i) EXPECT_EQ(order[i], 19 - i) << "they finish shortest first";
}

TEST(WasiAsync, SchedYieldLetsOthersRun) {
  auto module = load_fixture("wasi_sleep.wasm");
  ASSERT_TRUE(module);
  Store store;
  AsyncRuntime rt(store);
  SleepInstance a = make_sleeper(store, rt, module);
  auto c = rt.start(*a.inst, "yield", {}).value();
  rt.loop().run_once();
  EXPECT_EQ(rt.slots().live(), 1u) << "the call suspended at sched_yield";
  rt.loop().run();
  ASSERT_EQ(c->state(), AsyncCall::State::Done) << c->message();
  EXPECT_EQ(c->results()[0].as_i32(), 0);
}

TEST(WasiAsync, SynchronousCallFallsBackToBlocking) {
  auto module = load_fixture("wasi_sleep.wasm");
  ASSERT_TRUE(module);
  Store store;
  AsyncRuntime rt(store);
  SleepInstance a = make_sleeper(store, rt, module);
  auto r = store.call(a.inst->get_func("sleep_ms"), std::vector<Value>{Value::i32(5)});
  ASSERT_TRUE(r) << r.error().message;
  EXPECT_EQ((*r)[0].as_i32(), 0);
  EXPECT_EQ(rt.slots().live(), 0u);
}

TEST(WasiAsync, TimeoutCancelsTheSleep) {
  auto module = load_fixture("wasi_sleep.wasm");
  ASSERT_TRUE(module);
  Store store;
  AsyncRuntime rt(store);
  SleepInstance a = make_sleeper(store, rt, module);
  CallOptions opts;
  opts.timeout = std::chrono::milliseconds(10);
  auto start = std::chrono::steady_clock::now();
  auto c = rt.start(*a.inst, "sleep_ms", std::vector<Value>{Value::i32(3600 * 1000)}, opts).value();
  rt.loop().run();  // returns: the hour-long timer went with the call
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(60));
  EXPECT_EQ(c->state(), AsyncCall::State::Failed);
  EXPECT_EQ(c->failure(), AsyncCall::Failure::Rejected);
  EXPECT_TRUE(rt.loop().idle());
  EXPECT_EQ(rt.slots().live(), 0u);
}

// ---------------------------------------------------------------------------
// The event loop's descriptor watches, on which WASI's waits for input rest.

struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { EXPECT_EQ(::pipe(fds), 0); }
  ~Pipe() {
    for (int fd : fds)
      if (fd >= 0) ::close(fd);
  }
  int read_end() const { return fds[0]; }
  void write(const char* s) { EXPECT_EQ(::write(fds[1], s, std::strlen(s)), static_cast<ssize_t>(std::strlen(s))); }
  void close_write_end() {
    ::close(fds[1]);
    fds[1] = -1;
  }
};

TEST(EventLoopWatch, FiresWhenReadableAndKeepsRunWaiting) {
  EventLoop loop;
  Pipe p;
  std::vector<std::string> order;
  loop.watch_readable(p.read_end(), [&] { order.push_back("readable"); });
  EXPECT_FALSE(loop.idle());
  EXPECT_EQ(loop.watches(), 1u);
  loop.after(std::chrono::milliseconds(20), [&] {
    order.push_back("timer");
    p.write("x");
  });
  loop.run();  // returns only once the watch fired: nothing else is left
  EXPECT_EQ(order, (std::vector<std::string>{"timer", "readable"}));
  EXPECT_EQ(loop.watches(), 0u);
  EXPECT_TRUE(loop.idle());
}

TEST(EventLoopWatch, TheEndOfInputIsReadable) {
  EventLoop loop;
  Pipe p;
  bool fired = false;
  loop.watch_readable(p.read_end(), [&] { fired = true; });
  loop.after(std::chrono::milliseconds(5), [&] { p.close_write_end(); });
  loop.run();
  EXPECT_TRUE(fired);
}

TEST(EventLoopWatch, AnotherThreadsPostWakesTheLoop) {
  // The loop waits in poll(2) on a descriptor that never becomes ready; a
  // post from another thread must still wake it at once.
  EventLoop loop;
  Pipe p;
  EventLoop::WatchId id = loop.watch_readable(p.read_end(), [] { FAIL() << "nothing was written"; });
  ASSERT_NE(id, 0u);
  auto t0 = std::chrono::steady_clock::now();
  std::thread poster([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    loop.post([&] { EXPECT_TRUE(loop.unwatch(id)); });
  });
  loop.run();
  poster.join();
  auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_GE(took, std::chrono::milliseconds(30));
  EXPECT_LT(took, std::chrono::milliseconds(1000));
  EXPECT_FALSE(loop.unwatch(id));
  EXPECT_TRUE(loop.idle());
}

TEST(EventLoopWatch, BusyLoopDoesNotStarveWatches) {
  // A task that keeps deferring itself never lets the loop wait; the watch
  // fires anyway, since every turn looks at the descriptors.
  EventLoop loop;
  Pipe p;
  p.write("x");
  bool fired = false;
  int turns = 0;
  loop.watch_readable(p.read_end(), [&] { fired = true; });
  std::function<void()> spin = [&] {
    if (!fired && ++turns < 1000) loop.defer(spin);
  };
  loop.defer(spin);
  loop.run();
  EXPECT_TRUE(fired);
  EXPECT_LT(turns, 10);
}

TEST(EventLoopWatch, WritableAndRunOnce) {
  EventLoop loop;
  Pipe p;
  bool writable = false, readable = false;
  loop.watch_writable(p.fds[1], [&] { writable = true; });
  EXPECT_EQ(loop.run_once(), 1u);  // an empty pipe has room
  EXPECT_TRUE(writable);
  loop.watch_readable(p.read_end(), [&] { readable = true; });
  auto t0 = std::chrono::steady_clock::now();
  EXPECT_EQ(loop.run_once(std::chrono::milliseconds(20)), 0u);  // nothing to read: times out
  EXPECT_GE(std::chrono::steady_clock::now() - t0, std::chrono::milliseconds(20));
  p.write("x");
  EXPECT_EQ(loop.run_once(std::chrono::milliseconds(1000)), 1u);
  EXPECT_TRUE(readable);
}

// ---------------------------------------------------------------------------
// Whole programs through the command line.

struct CliRun {
  int status = -1;
  std::string out, err;
};

// Runs `shell_prefix wasmslot ARGS...` through /bin/sh (stdin from
// /dev/null unless the prefix pipes something in).
CliRun run_cli(const std::vector<std::string>& args, const std::string& shell_prefix = "") {
  static int counter = 0;
  std::string base = ::testing::TempDir() + "wasmslot_wasi_cli_" + std::to_string(getpid()) + "_" +
                     std::to_string(counter++);
  auto quote = [](const std::string& s) {
    std::string q = "'";
    for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
  };
  std::string cmd = quote(kCli);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote(base + ".out") + " 2>" + quote(base + ".err");
  if (shell_prefix.empty()) cmd += " </dev/null";
  else cmd = shell_prefix + " " + cmd;
  int raw = std::system(cmd.c_str());
  CliRun r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  else if (raw != -1 && WIFSIGNALED(raw)) r.status = 128 + WTERMSIG(raw);
  r.out = slurp(base + ".out");
  r.err = slurp(base + ".err");
  std::remove((base + ".out").c_str());
  std::remove((base + ".err").c_str());
  return r;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(WasiCli, HelloWorld) {
  CliRun r = run_cli({"run", fixture("wasi_hello.wasm")});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hello, world\n");
  EXPECT_EQ(r.err, "");
}

TEST(WasiCli, ArgumentsAndEnvironment) {
  std::string m = fixture("wasi_args.wasm");
  CliRun r = run_cli({"run", "--env", "A=1", m, "--env=B=two=2", "--", "one", "two words", "--invoke", ""});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "arg " + m + "\narg one\narg two words\narg --invoke\narg \nenv A=1\nenv B=two=2\n");
  // No arguments, no environment: argv[0] only.
  r = run_cli({"run", m});
  EXPECT_EQ(r.out, "arg " + m + "\n");
}

TEST(WasiCli, ProcExitIsTheExitStatus) {
  CliRun r = run_cli({"run", fixture("wasi_exit.wasm"), "--", "42"});
  EXPECT_EQ(r.status, 42);
  EXPECT_EQ(r.out, "before exit\n") << "proc_exit must not return";
  EXPECT_EQ(r.err, "");
  r = run_cli({"run", fixture("wasi_exit.wasm")});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "before exit\n");
  // With jobs: the first non-zero status in job order.
  r = run_cli({"run", fixture("wasi_exit.wasm"), "--jobs", "3", "--", "{i}"});
  EXPECT_EQ(r.status, 1);
  EXPECT_EQ(r.out, "before exit\nbefore exit\nbefore exit\n");
}

TEST(WasiCli, TrapHasItsOwnStatusAndALine) {
  CliRun r = run_cli({"run", fixture("wasi_trap.wasm")});
  EXPECT_EQ(r.status, 2);
  EXPECT_EQ(r.out, "about to trap\n");
  EXPECT_EQ(r.err, "error: trap: unreachable\n");
}

TEST(WasiCli, JobsSleepConcurrently) {
  // Job I sleeps (4 - I) * 40 ms: overlapping, the last job finishes first.
  CliRun r = run_cli({"run", fixture("wasi_sleep.wasm"), "--jobs", "3", "--", "{i}"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2\n1\n0\n");
}

TEST(WasiCli, LinesNeverMixBetweenJobs) {
  CliRun r = run_cli({"run", fixture("wasi_hello.wasm"), "--jobs", "20"});
  EXPECT_EQ(r.status, 0) << r.err;
  std::string expected;
  for (int i = 0; i < 20; ++i) expected += "hello, world\n";
  EXPECT_EQ(r.out, expected);
}

TEST(WasiCli, WasiUnstableCommand) {
  CliRun r = run_cli({"run", fixture("wasi_unstable_hello.wasm")});
  EXPECT_EQ(r.status, 7) << r.err;
  EXPECT_EQ(r.out, "hello from wasi_unstable\n");
  EXPECT_EQ(r.err, "");
}

TEST(WasiCli, BadWasiOptions) {
  auto expect_error = [](const CliRun& r, const std::string& contains) {
    EXPECT_EQ(r.status, 1) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(contains), std::string::npos) << r.err;
  };
  std::string hello = fixture("wasi_hello.wasm");
  expect_error(run_cli({"run", hello, "--dir", "/no/such/dir/anywhere"}), "/no/such/dir/anywhere");
  expect_error(run_cli({"run", hello, "--dir", "::guest"}), "--dir");
  expect_error(run_cli({"run", hello, "--env", "NOVALUE"}), "NAME=VALUE");
  expect_error(run_cli({"run", hello, "--env", "=x"}), "NAME=VALUE");
  expect_error(run_cli({"run", hello, "extra"}), "--");
  // WASI options for a module without WASI.
  expect_error(run_cli({"run", fixture("cli_basic.wasm"), "--dir", "/tmp", "--invoke", "nothing"}),
               "wasi_snapshot_preview1");
  expect_error(run_cli({"run", fixture("cli_basic.wasm"), "--", "x"}), "wasi_snapshot_preview1");
}

TEST(WasiCli, InvokeOnAWasiModule) {
  // --invoke still works on a WASI module: an export with its own arguments.
  CliRun r = run_cli({"run", fixture("wasi_sleep.wasm"), "--invoke", "sleep_ms", "1"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0\n");
  r = run_cli({"run", fixture("wasi_sleep.wasm"), "--invoke", "sleep_ms", "{i}", "--jobs", "3"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "0\n0\n0\n");
}

// ---------------------------------------------------------------------------
// C programs (wasi-libc)

#ifdef WASMSLOT_WASI_C_DIR
const std::string kCDir = WASMSLOT_WASI_C_DIR;
#define NEED_WASI_C() (void)0
#else
const std::string kCDir;
#define NEED_WASI_C() GTEST_SKIP() << "clang-14 / wasi-libc not installed: C programs not built"
#endif

std::string c_program(const std::string& name) { return kCDir + "/" + name + ".wasm"; }

TEST(WasiC, HelloWorld) {
  NEED_WASI_C();
  std::string m = c_program("c_hello");
  CliRun r = run_cli({"run", m, "--env", "GREETING=hi there", "--", "a", "b c"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out,
            "hello from C\nargc=3\nargv[0]=" + m +
                "\nargv[1]=a\nargv[2]=b c\nGREETING=hi there\nslept enough: yes\n"
                "clock resolution ok: yes\nrealtime after 2020: yes\nrandom: yes\n");
  EXPECT_EQ(r.err, "");
}

TEST(WasiC, ExitFlushesAndSetsTheStatus) {
  NEED_WASI_C();
  CliRun r = run_cli({"run", c_program("c_exit"), "--", "5"});
  EXPECT_EQ(r.status, 5);
  EXPECT_EQ(r.out, "partial");
  EXPECT_EQ(r.err, "");
  r = run_cli({"run", c_program("c_exit"), "--jobs", "2", "--", "0"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out, "partialpartial");
}

TEST(WasiC, FilesAndTheSandbox) {
  NEED_WASI_C();
  TempDir box;
  fs::create_directory(box / "root");
  write_file(box / "outside.txt", "outside");
  fs::create_directory_symlink("..", box / "root/out");
  fs::create_directory_symlink("/etc", box / "root/abs");
  CliRun r = run_cli({"run", "--dir", box / "root" + "::/sandbox", c_program("c_files"), "--", "/sandbox"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("FAIL"), std::string::npos) << r.out;
  for (const char* check : {"ok read back", "ok readdir of 300 entries", "ok escape with ..",
                            "ok escape through a link to ..", "ok escape through an absolute link",
                            "ok absolute path outside every preopen", "ok rename outside"})
    EXPECT_NE(r.out.find(std::string(check) + "\n"), std::string::npos) << check;
  EXPECT_EQ(lines_of(r.out).size(), 41u) << r.out;
  // Nothing happened outside.
  EXPECT_EQ(slurp(box / "outside.txt"), "outside");
  EXPECT_FALSE(fs::exists(box / "evil"));
  EXPECT_FALSE(fs::exists(box / "stolen.txt"));
  EXPECT_EQ(slurp(box / "root/a.txt"), "hello!");
  // The guest name defaults to the host path.
  fs::remove_all(box / "root");
  fs::create_directory(box / "root");
  fs::create_directory_symlink("..", box / "root/out");
  fs::create_directory_symlink("/etc", box / "root/abs");
  r = run_cli({"run", c_program("c_files"), "--dir", box / "root", "--", box / "root"});
  EXPECT_EQ(r.status, 0) << r.out << r.err;
}

TEST(WasiC, LinesOfConcurrentJobsNeverMix) {
  NEED_WASI_C();
  CliRun r = run_cli({"run", c_program("c_lines"), "--jobs", "3", "--", "{i}"});
  EXPECT_EQ(r.status, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 9u) << r.out;
  std::regex whole("job [0-2] line [0-2]: begin \\.\\.\\. end");
  for (const auto& l : lines) EXPECT_TRUE(std::regex_match(l, whole)) << "mixed: " << l;
  // They ran concurrently: job 2 (the shortest sleeps, started last) wrote
  // the first line; one after the other, job 0 would have.
  EXPECT_EQ(lines[0].rfind("job 2", 0), 0u) << r.out;
}

TEST(WasiC, PollOnStdinDoesNotBlockTheLoop) {
  NEED_WASI_C();
  // stdin gets its line after 300 ms; meanwhile the sleepers finish.
  CliRun r = run_cli({"run", c_program("c_poll"), "--jobs", "3", "--", "{i}"}, "(sleep 0.3; echo hi there) |");
  EXPECT_EQ(r.status, 0) << r.err;
  auto lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), 3u) << r.out;
  EXPECT_EQ(lines[2], "stdin: hi there") << r.out;
  std::sort(lines.begin(), lines.begin() + 2);
  EXPECT_EQ(lines[0], "sleeper 1 done");
  EXPECT_EQ(lines[1], "sleeper 2 done");
  // Input already there.
  r = run_cli({"run", c_program("c_poll"), "--", "0"}, "echo ready |");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "stdin: ready\n");
}

TEST(WasiC, FiftySleepersInWellUnderHalfASecond) {
  NEED_WASI_C();
  // One after the other they would take 50 x 20 ms = 1 s; their sleeps
  // suspend, so together they take about one sleep plus the set-up.
  auto t0 = std::chrono::steady_clock::now();
  CliRun r = run_cli({"run", c_program("c_sleep"), "--jobs", "50"});
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0).count();
  EXPECT_EQ(r.status, 0) << r.err;
  std::string expected;
  for (int i = 0; i < 50; ++i) expected += "slept 20 ms\n";
  EXPECT_EQ(r.out, expected);
  EXPECT_LT(ms, 500) << "50 programs sleeping 20 ms each took " << ms << " ms";
}

TEST(WasiC, CatCopiesStdinToItsEnd) {
  NEED_WASI_C();
  std::string cat = c_program("c_cat");
  CliRun r = run_cli({"run", cat}, "echo hi |");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "hi\n");
  // Input arriving in pieces, each read when it comes; then the end.
  r = run_cli({"run", cat}, "(printf 'a\\n'; sleep 0.1; printf 'b'; sleep 0.1; printf 'c\\n') |");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "a\nbc\n");
  // More than a pipe holds at once.
  std::string expected;
  for (int i = 1; i <= 30000; ++i) expected += std::to_string(i) + "\n";
  r = run_cli({"run", cat}, "seq 1 30000 |");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, expected);
  // Empty input: a pipe closed at once, and /dev/null.
  r = run_cli({"run", cat}, "true |");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
  r = run_cli({"run", cat});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "");
}

TEST(WasiC, ReadingStdinDoesNotBlockTheLoop) {
  NEED_WASI_C();
  // Job 0 reads stdin (fd_read, no poll), which gets its line after 300 ms;
  // job 1 prints at once. A read blocking the loop would hold job 1 back
  // until the line came, and job 0's line would come first.
  CliRun r = run_cli({"run", c_program("c_cat"), "--jobs", "2", "--", "{i}"}, "(sleep 0.3; echo late line) |");
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "worker 1 done\nlate line\n");
}

}  // namespace
