// The `wasmslot` command line, run as a process: what it prints on stdout and
// stderr and its exit status, for the demos of ASYNC.md and for bad input of
// every kind (which must give one `error:` line and a non-zero status, never a
// crash).
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

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
