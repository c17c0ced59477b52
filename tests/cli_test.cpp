// The `wasmslot` command line, run as a process: what it prints on stdout and
// stderr and its exit status, for the demos of ASYNC.md and for bad input of
// every kind (which must give one `error:` line and a non-zero status, never a
// crash).
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

extern char** environ;

namespace {

const std::string kCli = WASMSLOT_CLI;
const std::string kDir = WASMSLOT_FIXTURE_DIR;

std::string fixture(const std::string& name) { return kDir + "/" + name; }

struct CliRun {
  int status = -1;  // exit status, or 128 + signal
  std::string out, err;
};

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'')
      q += "'\\''";
    else
      q += c;
  }
  return q + "'";
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CliRun run(const std::vector<std::string>& args) {
  static int counter = 0;
  std::string base = ::testing::TempDir() + "wasmslot_cli_" + std::to_string(getpid()) + "_" +
                     std::to_string(counter++);
  std::string cmd = quote(kCli);
  for (const auto& a : args) cmd += " " + quote(a);
  cmd += " >" + quote(base + ".out") + " 2>" + quote(base + ".err") + " </dev/null";
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

std::string write_temp(const std::string& name, const std::string& bytes) {
  std::string path = ::testing::TempDir() + "wasmslot_cli_" + std::to_string(getpid()) + "_" + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

// A failure: non-zero status (and not a crash), nothing on stdout, exactly
// one line on stderr starting with "error:".
void expect_error(const CliRun& r, int status = -1, const std::string& contains = "") {
  EXPECT_NE(r.status, 0);
  EXPECT_LT(r.status, 128) << "crashed: " << r.err;
  if (status >= 0) {
    EXPECT_EQ(r.status, status) << r.err;
  }
  EXPECT_EQ(r.out, "");
  ASSERT_FALSE(r.err.empty());
  EXPECT_EQ(r.err.rfind("error: ", 0), 0u) << r.err;
  EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "not one line: " << r.err;
  if (!contains.empty()) {
    EXPECT_NE(r.err.find(contains), std::string::npos) << r.err;
  }
}

void expect_output(const CliRun& r, const std::string& out) {
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, out);
  EXPECT_EQ(r.err, "");
}

}  // namespace

// ---------------------------------------------------------------------------
// The demos

TEST(Cli, SeedDemoPrints444) {
  expect_output(run({"run", fixture("seed.wasm"), "--invoke", "call", "--async-import", "env.get=123"}),
                "444\n");
}

TEST(Cli, HandlesDemo) {
  expect_output(run({"run", fixture("handles.wasm"), "--invoke", "call", "30", "--async-import",
                     "env.sleep=sleep"}),
                "30030\n");
}

TEST(Cli, SuspendDemo) {
  expect_output(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "10", "--async-import",
                     "env.get=5@1"}),
                "60\n");
}

TEST(Cli, OptionsMayComeFirst) {
  expect_output(run({"run", "--async-import=env.get=123", fixture("seed.wasm"), "--invoke=call"}), "444\n");
}

TEST(Cli, JobsPrintInJobOrder) {
  // Job i sleeps 3i ms... in reverse: 32, 31, 30 ms settle last-first, yet the
  // lines follow the job order.
  expect_output(run({"run", fixture("handles.wasm"), "--invoke", "call", "3{i}", "--jobs", "3",
                     "--async-import", "env.sleep=sleep"}),
                "30030\n31031\n32032\n");
  std::string sixty;
  for (int i = 0; i < 50; ++i) sixty += "60\n";
  expect_output(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "10", "--jobs", "50",
                     "--async-import", "env.get=5@1"}),
                sixty);
}

TEST(Cli, JobsOnAShadowStackTakeTurns) {
  expect_output(run({"run", fixture("async_stack.wasm"), "--invoke", "work", "{i}1", "--jobs", "3",
                     "--async-import", "env.get=100@1"}),
                "101\n111\n121\n");
}

TEST(Cli, CallbackValueTypedByTheCallback) {
  expect_output(run({"run", fixture("async_f64.wasm"), "--invoke", "call", "1", "--async-import",
                     "env.get=1.25"}),
                "2.5\n");
}

TEST(Cli, CallbackErrorHandlesRejection) {
  expect_output(run({"run", fixture("async_reject.wasm"), "--invoke", "call", "--async-import",
                     "env.get=reject:7"}),
                "993\n");
  expect_output(run({"run", fixture("async_reject.wasm"), "--invoke", "call", "--async-import",
                     "env.get=reject@2"}),
                "999\n");
}

TEST(Cli, ForcedModes) {
  // Suspension form on the seed: `call` awaits get and returns nothing.
  expect_output(run({"run", fixture("seed.wasm"), "--invoke", "call", "--suspend", "--async-import",
                     "env.get=123"}),
                "");
  expect_output(run({"run", fixture("seed.wasm"), "--invoke", "call", "--callback", "callback",
                     "--async-import", "env.get=123"}),
                "444\n");
  expect_error(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "1", "--callback", "cb",
                    "--async-import", "env.get=1"}),
               1, "cb");
  expect_error(run({"run", fixture("seed.wasm"), "--invoke", "call", "--callback", "callback",
                    "--suspend"}),
               1);
}

// ---------------------------------------------------------------------------
// Values

TEST(Cli, ValuesInAndOut) {
  std::string m = fixture("cli_basic.wasm");
  expect_output(run({"run", m, "--invoke", "add", "0xffffffff", "2"}), "1\n");
  expect_output(run({"run", m, "--invoke", "add", "4294967295", "-1"}), "-2\n");
  expect_output(run({"run", m, "--invoke", "pair", "-3"}), "-3\n-3\n");
  expect_output(run({"run", m, "--invoke", "id_i64", "18446744073709551615"}), "-1\n");
  expect_output(run({"run", m, "--invoke", "id_f32", "0.1"}), "0.1\n");
  expect_output(run({"run", m, "--invoke", "id_f32", "-nan"}), "-nan\n");
  expect_output(run({"run", m, "--invoke", "id_f64", "nan:0x123"}), "nan:0x123\n");
  expect_output(run({"run", m, "--invoke", "id_f64", "-inf"}), "-inf\n");
  expect_output(run({"run", m, "--invoke", "id_f64", "1e300"}), "1e+300\n");
  expect_output(run({"run", m, "--invoke", "null_ref"}), "null\n");
  expect_output(run({"run", m, "--invoke", "nothing"}), "");
}

// ---------------------------------------------------------------------------
// Failures: one line, non-zero status

TEST(Cli, TrapsExitWith2) {
  expect_error(run({"run", fixture("cli_basic.wasm"), "--invoke", "div", "1", "0"}), 2,
               "error: trap: integer divide by zero");
  expect_error(run({"run", fixture("cli_basic.wasm"), "--invoke", "boom"}), 2, "error: trap: unreachable");
}

TEST(Cli, RejectionsExitWith3) {
  expect_error(run({"run", fixture("seed.wasm"), "--invoke", "call", "--async-import", "env.get=reject:7"}),
               3, "code 7");
  expect_error(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "3", "--async-import",
                    "env.get=reject:9@1"}),
               3, "code 9");
  expect_error(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "10", "--async-import",
                    "env.get=5@50", "--timeout", "20"}),
               3, "timed out");
}

TEST(Cli, BadFiles) {
  expect_error(run({"run", "/nonexistent/x.wasm", "--invoke", "f"}), 1, "cannot read");
  expect_error(run({"validate", "/nonexistent/x.wasm"}), 1, "cannot read");
  std::string text = write_temp("text.wasm", "hello, not wasm\n");
  expect_error(run({"run", text, "--invoke", "f"}), 1);
  expect_error(run({"validate", text}), 1);
  std::string empty = write_temp("empty.wasm", "");
  expect_error(run({"run", empty, "--invoke", "f"}), 1);
  std::string bytes = slurp(fixture("cli_basic.wasm"));
  ASSERT_GT(bytes.size(), 30u);
  for (size_t cut : {4ul, 9ul, 20ul, bytes.size() - 1}) {
    std::string truncated = write_temp("trunc" + std::to_string(cut) + ".wasm", bytes.substr(0, cut));
    expect_error(run({"run", truncated, "--invoke", "add", "1", "2"}), 1);
    expect_error(run({"validate", truncated}), 1);
  }
  // A directory is not a module either.
  expect_error(run({"run", kDir, "--invoke", "f"}), 1);
}

TEST(Cli, BadArguments) {
  std::string m = fixture("cli_basic.wasm");
  expect_error(run({"run", m, "--invoke", "add", "1"}), 1, "2 arguments");
  expect_error(run({"run", m, "--invoke", "add", "1", "2", "3"}), 1, "2 arguments");
  expect_error(run({"run", m, "--invoke", "add", "1", "x"}), 1, "'x' is not a valid i32");
  expect_error(run({"run", m, "--invoke", "add", "1", "4294967296"}), 1, "out of range");
  expect_error(run({"run", m, "--invoke", "id_f32", "1.5.5"}), 1, "f32");
  expect_error(run({"run", m, "--invoke", "nope"}), 1, "unknown export: nope");
  expect_error(run({"run", m, "--invoke", "mem"}), 1, "not a function");
  expect_error(run({"run", m}), 1, "_start");
  expect_error(run({"run", m, "1"}), 1);
}

TEST(Cli, BadOptions) {
  std::string m = fixture("cli_basic.wasm");
  expect_error(run({"run", m, "--invoke", "nothing", "--bogus"}), 1, "unknown option: --bogus");
  expect_error(run({"run", m, "--invoke"}), 1, "--invoke needs a value");
  expect_error(run({"run", m, "--invoke", "nothing", "--jobs", "0"}), 1, "--jobs");
  expect_error(run({"run", m, "--invoke", "nothing", "--jobs", "x"}), 1, "--jobs");
  expect_error(run({"run", m, "--invoke", "nothing", "--max-slots", "0"}), 1, "--max-slots");
  expect_error(run({"run"}), 1, "no module");
  expect_error(run({}), 1);
  expect_error(run({"frobnicate"}), 1, "unknown command");
  expect_error(run({"--frobnicate"}), 1, "unknown option");
  expect_error(run({"validate"}), 1);
}

TEST(Cli, BadAsyncImports) {
  std::string seed = fixture("seed.wasm");
  expect_error(run({"run", seed, "--invoke", "call"}), 1, "unknown import: env.get");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.nope=1"}), 1, "env.nope");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "envget=1"}), 1, "MOD.NAME=SPEC");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get"}), 1, "MOD.NAME=SPEC");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=abc"}), 1, "abc");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=1@x"}), 1, "delay");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=reject:x"}), 1, "code");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=reject:-1"}), 1, "reserved");
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=1", "--async-import",
                    "env.get=2"}),
               1, "twice");
  // A VALUE that does not fit the slot's type (the callback takes an i32).
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=1.5"}), 1,
               "not a valid i32");
  // sleep needs a delay argument.
  expect_error(run({"run", seed, "--invoke", "call", "--async-import", "env.get=sleep"}), 1, "sleep");
}

TEST(Cli, SlotCapacity) {
  expect_output(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "2", "--jobs", "2",
                     "--max-slots", "2", "--async-import", "env.get=1@1"}),
                "4\n4\n");
  expect_error(run({"run", fixture("suspend.wasm"), "--invoke", "sum", "2", "--jobs", "3",
                    "--max-slots", "2", "--async-import", "env.get=1@1"}),
               2, "full");
}

// ---------------------------------------------------------------------------
// validate, help, version

TEST(Cli, ValidateIsSilentOnSuccess) {
  expect_output(run({"validate", fixture("seed.wasm")}), "");
  expect_output(run({"validate", fixture("cli_basic.wasm")}), "");
}

TEST(Cli, HelpExplainsEveryFlag) {
  CliRun top = run({"--help"});
  EXPECT_EQ(top.status, 0);
  EXPECT_NE(top.out.find("run"), std::string::npos);
  EXPECT_NE(top.out.find("validate"), std::string::npos);
  CliRun r = run({"run", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.err, "");
  for (const char* flag : {"--invoke", "--async-import", "--jobs", "--callback", "--suspend",
                           "--timeout", "--max-slots", "reject[:CODE][@MS]", "sleep", "VALUE[@MS]",
                           "Exit status"})
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
}

TEST(Cli, Version) {
  CliRun r = run({"--version"});
  EXPECT_EQ(r.status, 0);
  EXPECT_EQ(r.out.rfind("wasmslot ", 0), 0u) << r.out;
}

TEST(Cli, FuelStopsAnEndlessLoop) {
  expect_error(run({"run", fixture("cli_limits.wasm"), "--invoke", "spin", "--fuel", "100000"}), 2,
               "out of fuel");
}

TEST(Cli, MaxMemoryCapsMemoryGrow) {
  // 3 pages allowed; the memory has 1: growing by 3 fails, by 2 succeeds.
  expect_output(run({"run", fixture("cli_limits.wasm"), "--invoke", "grow", "3", "--max-memory",
                     "196608"}),
                "-1\n");
  expect_output(run({"run", fixture("cli_limits.wasm"), "--invoke", "grow", "2", "--max-memory",
                     "196608"}),
                "1\n");
}

TEST(Cli, ValidateReportsTheFeaturesAModuleUses) {
  expect_output(run({"validate", "--features", fixture("seed.wasm")}), "");  // MVP only
  expect_output(run({"validate", "--features", fixture("simd_basic.wasm")}), "simd\n");
  expect_output(run({"validate", "--features", fixture("tail_call.wasm")}), "simd\ntail-call\n");
  expect_output(run({"validate", fixture("simd_basic.wasm")}), "");  // silent without the flag
}

// ---------------------------------------------------------------------------
// Resource limits (SECURITY.md): allocation bombs are refused, or cost only
// what they touch; recursion ends in a trap.

// The CLI's peak resident set size in KiB for one run, as GNU time reports
// it. Not wait4's rusage of a child spawned from here: the child starts on
// this process's memory (vfork, or a fork's copy), and exec keeps the larger
// of the two high-water marks, so a big test process (under ASan, ~100 MB)
// would be measured instead. time forks the CLI from its own small image.
long peak_rss_kib(const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string out = ::testing::TempDir() + "wasmslot_cli_rss_" + std::to_string(getpid()) + "_" +
                          std::to_string(counter++);
  std::vector<std::string> argv_s = {"/usr/bin/time", "-f", "%M", "-o", out, kCli};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid;
  const int err = posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return -1;
  int status = 0;
  waitpid(pid, &status, 0);
  // The last line: time writes "Command exited with non-zero status N" first.
  std::istringstream lines(slurp(out));
  std::remove(out.c_str());
  long kib = -1;
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos) kib = std::stol(line);
  return kib;
}

// Runs the CLI and requires a peak resident size under 64 MB.
void expect_small_rss(const std::vector<std::string>& args) {
  const long kib = peak_rss_kib(args);
  EXPECT_GT(kib, 0) << "could not run or measure " << args[1];
  EXPECT_LT(kib, 64 * 1024) << args[1] << ": peak resident size " << kib << " KiB";
}

TEST(Cli, AllocationBombsAreRefusedBeforeAllocating) {
  // 100 memories of 4 GiB; 100 tables of 10^7 elements: each object is
  // within its own limit, the sum is not.
  const std::vector<std::string> memories = {"run", fixture("regress_memory_bomb.wasm"), "--invoke", "f"};
  expect_error(run(memories), 1, "memories exceed the store's limit of 4294967296 bytes");
  expect_small_rss(memories);
  const std::vector<std::string> tables = {"run", fixture("regress_table_bomb.wasm"), "--invoke", "f"};
  expect_error(run(tables), 1, "tables exceed the store's limit of 10000000 elements");
  expect_small_rss(tables);
  // One table of 2^32-1 elements (valid: the most a table type may declare).
  const std::string huge_table =
      write_temp("huge_table.wasm", std::string("\0asm\1\0\0\0\4\x08\1\x70\0\xFF\xFF\xFF\xFF\x0F", 18));
  expect_error(run({"run", huge_table}), 1, "exceeds the store's limit of 10000000 elements per table");
  expect_small_rss({"run", huge_table});
  // 2^32-1 functions; a body with 2^32-1 + 2 locals: malformed, found out
  // from the counts alone.
  const std::string functions =
      write_temp("many_funcs.wasm", std::string("\0asm\1\0\0\0\3\5\xFF\xFF\xFF\xFF\x0F", 15));
  expect_error(run({"validate", functions}), 1, "length out of bounds");
  expect_small_rss({"validate", functions});
  const std::string locals = write_temp(
      "many_locals.wasm", std::string("\0asm\1\0\0\0\1\4\1\x60\0\0\3\2\1\0"
                                      "\x0A\x0C\1\x0A\2\xFF\xFF\xFF\xFF\x0F\x7F\2\x7E\x0B",
                                      32));
  expect_error(run({"validate", locals}), 1, "too many locals");
  expect_small_rss({"validate", locals});
}

TEST(Cli, MemoryIsCommittedWhenTouched) {
  // Two 1 GiB memories, then one grown by 1 GiB, one byte written at the end
  // of each: 3 GiB of memory, a few pages of it resident.
  const std::vector<std::string> f = {"run", fixture("regress_memory_commit.wasm"), "--invoke", "f"};
  expect_output(run(f), "7\n");
  expect_small_rss(f);
  const std::vector<std::string> grow = {"run", fixture("regress_memory_commit.wasm"), "--invoke", "grow"};
  expect_output(run(grow), "3\n");
  expect_small_rss(grow);
  // --max-memory bounds the memories together, not only each one.
  expect_error(run({"run", fixture("regress_memory_commit.wasm"), "--invoke", "f", "--max-memory",
                    "1073741824"}),
               1, "memories exceed the store's limit of 1073741824 bytes");
  // 2 GiB in all: the grow fails (-1), so the store at 0x7FFFFFFF traps.
  expect_error(run({"run", fixture("regress_memory_commit.wasm"), "--invoke", "grow", "--max-memory",
                    "2147483648"}),
               2, "out of bounds memory access");
}

TEST(Cli, TableIsCommittedWhenSet) {
  // Almost ten million elements (the default limit), a few of them set:
  // a few pages resident, not 80 MB.
  const std::vector<std::string> f = {"run", fixture("regress_table_commit.wasm"), "--invoke", "f"};
  expect_output(run(f), "7\n");
  expect_small_rss(f);
  const std::vector<std::string> grow = {"run", fixture("regress_table_commit.wasm"), "--invoke", "grow"};
  expect_output(run(grow), "10000000\n");  // 9999993 elements + 7
  expect_small_rss(grow);
}

TEST(Cli, RecursionEndsInATrap) {
  const std::string m = fixture("regress_recursion.wasm");
  expect_output(run({"run", m, "--invoke", "depth", "1000"}), "1000\n");
  // Without end: the default limit of 10000 frames.
  expect_error(run({"run", m, "--invoke", "depth", "-1"}), 2, "call stack exhausted");
  // --max-call-depth N: N frames, the first call's included.
  expect_output(run({"run", m, "--invoke", "depth", "99", "--max-call-depth", "100"}), "99\n");
  expect_error(run({"run", m, "--invoke", "depth", "100", "--max-call-depth", "100"}), 2,
               "call stack exhausted");
  // --max-stack: 64 KiB of value stack hold fewer than 128 of wide's frames,
  // the default 8 MiB more than 1000.
  expect_output(run({"run", m, "--invoke", "wide", "1000"}), "1000\n");
  expect_output(run({"run", m, "--invoke", "wide", "50", "--max-stack", "65536"}), "50\n");
  expect_error(run({"run", m, "--invoke", "wide", "1000", "--max-stack", "65536"}), 2,
               "call stack exhausted");
  expect_error(run({"run", m, "--invoke", "depth", "1", "--max-call-depth", "x"}), 1, "--max-call-depth");
  expect_error(run({"run", m, "--invoke", "depth", "1", "--max-stack", "-1"}), 1, "--max-stack");
  CliRun help = run({"run", "--help"});
  for (const char* flag : {"--max-call-depth", "--max-stack"})
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
}

// --trace: every executed instruction on stderr, as `wasm-interp --trace`
// shows it (depth, offset, value stack height, text, the top of the stack),
// while stdout keeps the results alone.
TEST(Cli, TraceShowsEachInstructionOnStderr) {
  // (func $fac (export "fac") (param i64) (result i64)
  //   (if (result i64) (i64.eqz (local.get 0)) (then (i64.const 1))
  //     (else (i64.mul (local.get 0) (call $fac (i64.sub (local.get 0) (i64.const 1)))))))
  const std::string fac = write_temp(
      "fac.wasm", std::string("\0asm\1\0\0\0\1\6\1\x60\1\x7e\1\x7e\3\2\1\0\7\7\1\3fac\0\0\n\x17\1\x15\0"
                              "\x20\0\x50\4\x7e\x42\1\5\x20\0\x20\0\x42\1\x7d\x10\0\x7e\x0b\x0b",
                              54));
  CliRun r = run({"run", fac, "--invoke", "fac", "2", "--trace"});
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "2\n");
  EXPECT_EQ(r.err,
            "#0. 000022: V:1 | local.get 0\n"
            "#0. 000024: V:2 | i64.eqz 2\n"
            "#0. 000025: V:2 | if i64 ; top 0x0\n"
            "#0. 00002a: V:1 | local.get 0\n"
            "#0. 00002c: V:2 | local.get 0 ; top 0x2\n"
            "#0. 00002e: V:3 | i64.const 1 ; top 0x2\n"
            "#0. 000030: V:4 | i64.sub 2, 1\n"
            "#0. 000031: V:3 | call 0 <fac> ; top 0x1\n"
            "#1. 000022: V:3 | local.get 0\n"
            "#1. 000024: V:4 | i64.eqz 1\n"
            "#1. 000025: V:4 | if i64 ; top 0x0\n"
            "#1. 00002a: V:3 | local.get 0\n"
            "#1. 00002c: V:4 | local.get 0 ; top 0x1\n"
            "#1. 00002e: V:5 | i64.const 1 ; top 0x1\n"
            "#1. 000030: V:6 | i64.sub 1, 1\n"
            "#1. 000031: V:5 | call 0 <fac> ; top 0x0\n"
            "#2. 000022: V:5 | local.get 0\n"
            "#2. 000024: V:6 | i64.eqz 0\n"
            "#2. 000025: V:6 | if i64 ; top 0x1\n"
            "#2. 000027: V:5 | i64.const 1\n"
            "#2. 000029: V:6 | else ; top 0x1\n"
            "#2. 000035: V:6 | end ; top 0x1\n"
            "#1. 000033: V:5 | i64.mul 1, 1\n"
            "#1. 000035: V:4 | end ; top 0x1\n"
            "#0. 000033: V:3 | i64.mul 2, 1\n"
            "#0. 000035: V:2 | end ; top 0x2\n");

  // The seed demo, suspended and resumed: the result alone on stdout.
  CliRun seed =
      run({"run", fixture("seed.wasm"), "--invoke", "call", "--async-import", "env.get=123", "--trace"});
  EXPECT_EQ(seed.status, 0) << seed.err;
  EXPECT_EQ(seed.out, "444\n");
  ASSERT_FALSE(seed.err.empty());
  for (size_t at = 0; at < seed.err.size(); at = seed.err.find('\n', at) + 1)
    EXPECT_EQ(seed.err.compare(at, 1, "#"), 0) << seed.err.substr(at, seed.err.find('\n', at) - at);
  EXPECT_EQ(seed.err.back(), '\n');
  EXPECT_NE(run({"run", "--help"}).out.find("--trace"), std::string::npos);
}
