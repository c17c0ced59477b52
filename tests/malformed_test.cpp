// Malformed input, generated: every fixture and a few spec modules are
// truncated (every prefix of the small ones) and mutated (seeded PRNG: bit
// flips, random and interesting bytes, LEB stretching, count inflation,
// insertions, deletions), and each variant goes
//   - in process through load(), instantiation with stub imports and calls of
//     every export under fuel and small limits (fuzz/harness.h): the
//     outcome must be a value or an Error, never a crash, and an Error from
//     the loader must carry a message and an offset inside the module;
//   - for a sample, through the command line (`wasmslot validate` and
//     `wasmslot run`): exit status 0, or non-zero with exactly one stderr
//     line starting `error:`; never a signal.
// A failing variant is written to the test's temporary directory as
// malformed-*.wasm, so it can be replayed with the CLI or fuzz_load_run.
//
// Regression inputs found by fuzzing are byte vectors in regressions() below.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/harness.h"
#include "wasmslot/runtime.h"
#include "loader/loader.h"

extern char** environ;

namespace {

namespace fs = std::filesystem;
using namespace wasmslot;
using Bytes = std::vector<uint8_t>;

const std::string kCli = WASMSLOT_CLI;
const fs::path kFixtures = WASMSLOT_FIXTURE_DIR;

// Spec modules (build/spec/NAME/NAME.0.wasm) mutated on top of the fixtures:
// a spread of sections and instructions.
const char* const kSpecModules[] = {
    "call_indirect", "global", "conversions", "select", "left-to-right",
    "memory_grow", "elem", "data", "imports", "loop", "bulk", "ref_func",
};

constexpr size_t kEveryPrefixUpTo = 4096;  // larger modules: kPrefixSamples prefixes
constexpr size_t kPrefixSamples = 512;
constexpr int kMutantsPerModule = 300;
constexpr int kCliEvery = 150;  // every Nth mutant also goes through the CLI

Bytes read_bytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return Bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Source {
  std::string name;
  Bytes bytes;
};

std::vector<Source> sources() {
  std::vector<Source> out;
  std::vector<fs::path> paths;
  if (fs::is_directory(kFixtures))
    for (const auto& e : fs::directory_iterator(kFixtures))
      if (e.path().extension() == ".wasm") paths.push_back(e.path());
  std::sort(paths.begin(), paths.end());
  const fs::path spec = kFixtures.parent_path() / "spec";
  for (const char* n : kSpecModules) {
    fs::path p = spec / n / (std::string(n) + ".0.wasm");
    if (fs::exists(p)) paths.push_back(p);
  }
  for (const auto& p : paths) out.push_back({p.filename().string(), read_bytes(p)});
  return out;
}

// ---------------------------------------------------------------------------
// Mutations

void put_leb(Bytes& out, uint64_t v) {
  do {
    uint8_t b = v & 0x7F;
    v >>= 7;
    out.push_back(b | (v ? 0x80 : 0));
  } while (v);
}

Bytes mutate(const Bytes& in, std::mt19937_64& rng) {
  Bytes d = in;
  auto below = [&](size_t n) { return static_cast<size_t>(rng() % n); };
  const int rounds = 1 + static_cast<int>(below(3));
  for (int r = 0; r < rounds; ++r) {
    if (d.size() <= 8) break;
    const size_t pos = 8 + below(d.size() - 8);  // keep the magic and version
    switch (below(8)) {
      case 0:  // flip one bit
        d[pos] ^= static_cast<uint8_t>(1u << below(8));
        break;
      case 1:  // a random byte
        d[pos] = static_cast<uint8_t>(rng());
        break;
      case 2: {  // an interesting byte: LEB continuation, opcodes, types
        static const uint8_t k[] = {0x00, 0x01, 0x7F, 0x80, 0xFF, 0x40, 0x0B,
                                    0x0F, 0x70, 0x6F, 0x7B, 0xFC, 0xFD, 0x10, 0x11};
        d[pos] = k[below(std::size(k))];
        break;
      }
      case 3:  // stretch a LEB by one byte (same value, longer encoding), or
               // past its limit when repeated
        if (d[pos] < 0x80) {
          const uint8_t b = d[pos];
          d[pos] = b | 0x80;
          d.insert(d.begin() + static_cast<ptrdiff_t>(pos) + 1, 0x00);
        } else {
          d.insert(d.begin() + static_cast<ptrdiff_t>(pos), 0x80);
        }
        break;
      case 4: {  // count / size inflation: a large LEB in place of one byte
        static const uint64_t k[] = {0x7F, 0x80, 0x3FFF, 0xFFFF, 0x10000, 0xFFFFFFF, 0xFFFFFFFF,
                                     0x100000000ull};
        Bytes leb;
        put_leb(leb, below(2) ? k[below(std::size(k))] : rng() & 0xFFFFF);
        d.erase(d.begin() + static_cast<ptrdiff_t>(pos));
        d.insert(d.begin() + static_cast<ptrdiff_t>(pos), leb.begin(), leb.end());
        break;
      }
      case 5: {  // delete a few bytes
        const size_t n = std::min<size_t>(1 + below(4), d.size() - pos);
        d.erase(d.begin() + static_cast<ptrdiff_t>(pos), d.begin() + static_cast<ptrdiff_t>(pos + n));
        break;
      }
      case 6: {  // insert a few random bytes
        const size_t n = 1 + below(4);
        for (size_t i = 0; i < n; ++i)
          d.insert(d.begin() + static_cast<ptrdiff_t>(pos), static_cast<uint8_t>(rng()));
        break;
      }
      default: {  // duplicate a short range (repeated sections, instructions)
        const size_t n = std::min<size_t>(1 + below(16), d.size() - pos);
        Bytes chunk(d.begin() + static_cast<ptrdiff_t>(pos), d.begin() + static_cast<ptrdiff_t>(pos + n));
        d.insert(d.begin() + static_cast<ptrdiff_t>(pos), chunk.begin(), chunk.end());
        break;
      }
    }
  }
  return d;
}

// ---------------------------------------------------------------------------
// In process

struct Failures {
  std::vector<std::string> list;
  int written = 0;
  void add(const std::string& what, const Bytes& bytes) {
    std::string path = ::testing::TempDir() + "malformed-" + std::to_string(getpid()) + "-" +
                       std::to_string(written++) + ".wasm";
    std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                                 static_cast<std::streamsize>(bytes.size()));
    list.push_back(what + " (saved as " + path + ")");
  }
};

// Returns the loaded module (or null) so the CLI sample can use the analysis.
std::shared_ptr<const Module> check_in_process(const Bytes& bytes, const std::string& what,
                                               Failures& failures) {
  auto loaded = load(bytes);
  if (!loaded) {
    const Error& e = loaded.error();
    if (e.message.empty()) failures.add(what + ": load error without a message", bytes);
    if (e.offset > bytes.size())
      failures.add(what + ": load error offset " + std::to_string(e.offset) + " beyond the module's " +
                       std::to_string(bytes.size()) + " bytes (" + e.message + ")",
                   bytes);
    return nullptr;
  }
  std::shared_ptr<const Module> module = *loaded;
  std::shared_ptr<const Module> runnable = module;
  Store store(fuzz::fuzz_config());
  Imports imports;
  if (!fuzz::stub_imports(store, *runnable, imports)) return module;
  auto inst = store.instantiate(runnable, imports);
  if (!inst && runnable->start) {  // a start function that traps or runs out of fuel
    runnable = fuzz::without_start(module);
    inst = store.instantiate(runnable, imports);
  }
  if (!inst) {
    if (inst.error().message.empty()) failures.add(what + ": instantiation error without a message", bytes);
    return module;
  }
  for (const Export& e : runnable->exports) {
    if (e.kind != ExternKind::Func) continue;
    FuncInst* f = (*inst)->get_func(e.name);
    if (!f) continue;
    std::vector<Value> args;
    for (ValType t : f->type.params) args.push_back(fuzz::value_of(t));
    auto r = store.call(f, args);
    if (r && r->size() != f->type.results.size())
      failures.add(what + ": export " + e.name + " returned the wrong number of results", bytes);
    if (!r && r.error().message.empty()) failures.add(what + ": trap without a message", bytes);
  }
  return module;
}

// ---------------------------------------------------------------------------
// Through the command line

struct Proc {
  int status = -1;  // exit status, or 128 + signal
  std::string err;
};

Proc spawn(const std::vector<std::string>& args) {
  static int counter = 0;
  const std::string err_path = ::testing::TempDir() + "malformed_err_" + std::to_string(getpid()) +
                               "_" + std::to_string(counter++);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 2, err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid;
  Proc p;
  if (posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ) == 0) {
    int raw = 0;
    waitpid(pid, &raw, 0);
    if (WIFEXITED(raw)) p.status = WEXITSTATUS(raw);
    else if (WIFSIGNALED(raw)) p.status = 128 + WTERMSIG(raw);
  }
  posix_spawn_file_actions_destroy(&fa);
  std::ifstream in(err_path);
  std::stringstream ss;
  ss << in.rdbuf();
  p.err = ss.str();
  std::remove(err_path.c_str());
  return p;
}

// Exit 0 with nothing on stderr, or a non-zero status below 128 with exactly
// one line `error: ...`.
std::string judge(const Proc& p) {
  if (p.status < 0) return "could not run the CLI";
  if (p.status >= 128) return "killed by signal " + std::to_string(p.status - 128) + ": " + p.err;
  if (p.status == 0) return p.err.empty() ? "" : "exit 0 with stderr: " + p.err;
  const size_t nl = p.err.find('\n');
  if (!p.err.starts_with("error: ") || nl != p.err.size() - 1)
    return "exit " + std::to_string(p.status) + " without exactly one `error:` line: " + p.err;
  return "";
}

void check_cli(const Bytes& bytes, const std::shared_ptr<const Module>& module, const std::string& what,
               Failures& failures) {
  const std::string path = ::testing::TempDir() + "malformed_cli_" + std::to_string(getpid()) + ".wasm";
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()),
                                               static_cast<std::streamsize>(bytes.size()));
  Proc v = spawn({kCli, "validate", path});
  if (std::string j = judge(v); !j.empty()) failures.add(what + ": wasmslot validate: " + j, bytes);
  if ((v.status == 0) != (module != nullptr))
    failures.add(what + ": wasmslot validate disagrees with load()", bytes);

  // `run` with fuel: --timeout alone cannot interrupt running wasm code.
  std::vector<std::string> run = {kCli, "run", path, "--fuel", "2000", "--timeout", "2000"};
  if (module) {
    for (const Export& e : module->exports) {
      if (e.kind != ExternKind::Func) continue;
      run.push_back("--invoke");
      run.push_back(e.name);
      for (ValType t : module->func_type(e.index).params)
        run.push_back(t == ValType::V128 ? "0x" + std::string(32, '0') : is_ref(t) ? "null" : "0");
      break;
    }
  }
  Proc r = spawn(run);
  // A WASI program may write to stderr and exit with its own status: for
  // those, only a signal is a failure.
  bool wasi = false;
  if (module)
    for (const Import& imp : module->imports) wasi |= imp.module.starts_with("wasi_");
  if (wasi && r.status >= 128)
    failures.add(what + ": wasmslot run: killed by signal " + std::to_string(r.status - 128) + ": " + r.err,
                 bytes);
  else if (std::string j = judge(r); !wasi && !j.empty())
    failures.add(what + ": wasmslot run: " + j, bytes);
  std::remove(path.c_str());
}

void report(const Failures& f) {
  for (size_t i = 0; i < f.list.size() && i < 20; ++i) ADD_FAILURE() << f.list[i];
  if (f.list.size() > 20) ADD_FAILURE() << "... and " << (f.list.size() - 20) << " more";
}

// ---------------------------------------------------------------------------

TEST(Malformed, HasSources) {
  auto s = sources();
  ASSERT_GE(s.size(), 5u) << "no fixtures in " << kFixtures;
}

TEST(Malformed, Truncations) {
  Failures failures;
  for (const Source& src : sources()) {
    const size_t n = src.bytes.size();
    const size_t step = n <= kEveryPrefixUpTo ? 1 : n / kPrefixSamples + 1;
    for (size_t len = 0; len < n; len += step) {
      Bytes prefix(src.bytes.begin(), src.bytes.begin() + static_cast<ptrdiff_t>(len));
      check_in_process(prefix, src.name + " truncated to " + std::to_string(len), failures);
    }
    // A sample through the CLI: a cut in the middle, one byte short (cuts in
    // the header are the same for every source: Cli.BadFiles has them).
    for (size_t len : {n / 2, n - 1}) {
      if (len >= n) continue;
      Bytes prefix(src.bytes.begin(), src.bytes.begin() + static_cast<ptrdiff_t>(len));
      const std::string what = src.name + " truncated to " + std::to_string(len);
      check_cli(prefix, check_in_process(prefix, what, failures), what, failures);
    }
  }
  report(failures);
}

TEST(Malformed, Mutations) {
  Failures failures;
  int valid = 0, total = 0;
  for (const Source& src : sources()) {
    std::seed_seq seq(src.name.begin(), src.name.end());
    std::mt19937_64 rng(seq);
    for (int i = 0; i < kMutantsPerModule; ++i) {
      Bytes m = mutate(src.bytes, rng);
      const std::string what = src.name + " mutant " + std::to_string(i);
      auto module = check_in_process(m, what, failures);
      valid += module != nullptr;
      ++total;
      if (i % kCliEvery == 0) check_cli(m, module, what, failures);
    }
  }
  report(failures);
  // Mutations that keep a module valid are still common enough to exercise
  // instantiation and calls.
  EXPECT_GT(valid, total / 50) << valid << " of " << total << " mutants valid";
}

// Inputs found by fuzz/ (see SECURITY.md): each must load or fail cleanly.
struct Regression {
  const char* name;
  Bytes bytes;
};

const std::vector<Regression>& regressions() {
  static const std::vector<Regression> r = {
      {"empty", {}},
      {"magic only", {0x00, 0x61, 0x73, 0x6D}},
  };
  return r;
}

TEST(Malformed, Regressions) {
  Failures failures;
  for (const Regression& r : regressions()) check_in_process(r.bytes, r.name, failures);
  report(failures);
}

}  // namespace
