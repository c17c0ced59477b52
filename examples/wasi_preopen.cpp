// Running a WASI program (C compiled for wasm32-wasi) in a sandbox that can
// see one host directory.
//
// The host makes a temporary directory holding input.txt and lets the
// program see it as "/data" (a preopen). The program, wasi_preopen.c, reads
// /data/input.txt, writes /data/output.txt and prints to its stdout, which is
// ours. Afterwards the host reads output.txt back from its side.
//
//   build/examples/wasi_preopen [MODULE.wasm]   (default: build/examples/wasi_preopen.wasm)
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>
#include <string>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;
namespace fs = std::filesystem;

namespace {

// Prints an Error the way every example does; returns -1, run_program's
// "it did not run".
int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return -1;
}

// Loads the program and runs it with `dir` preopened as /data: its exit
// code, or -1 after printing why it could not run.
int run_program(const std::string& path, const fs::path& dir) {
  auto module = load_file(path);
  if (!module) return fail(module.error());

  // The WasiCtx is the program's world: its arguments, environment and file
  // descriptors. 0, 1, 2 are ours (the defaults); the preopens come next.
  WasiConfig config;
  config.args = {"wasi_preopen.wasm"};
  config.preopens = {{dir.string(), "/data"}};  // host directory, name in the guest
  auto wasi = WasiCtx::create(config);
  if (!wasi) return fail(wasi.error());

  // define() adds every wasi_snapshot_preview1 function to the imports.
  Store store;
  Imports imports;
  (*wasi)->define(store, imports);
  auto instance = store.instantiate(*module, imports);
  if (!instance) return fail(instance.error());

  // A WASI command's entry point is _start. Our printf output is buffered
  // and the program writes to file descriptor 1 directly: flush first, so
  // the lines come out in order.
  std::fflush(stdout);
  auto r = store.call((*instance)->get_func("_start"), {});
  (*wasi)->flush();
  // exit(n) (and returning n != 0 from main) ends in proc_exit, which
  // unwinds the call as a trap; exit_code() tells it from a real trap.
  if (!r && !(*wasi)->exit_code()) return fail(r.error());
  return static_cast<int>((*wasi)->exit_code().value_or(0));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : WASM_DIR "/wasi_preopen.wasm";

  // A fresh directory under the system's temporary directory, with one file.
  fs::path dir = fs::temp_directory_path() / ("wasmslot-example-" + std::to_string(std::random_device{}()));
  fs::create_directories(dir);
  std::ofstream(dir / "input.txt") << "hello\nfrom the host\n";

  int code = run_program(path, dir);
  std::printf("host: the program exited with %d\n", code);

  // What the program wrote, seen from the host.
  std::ifstream out(dir / "output.txt");
  std::string text((std::istreambuf_iterator<char>(out)), std::istreambuf_iterator<char>());
  std::printf("host: output.txt holds:\n%s", text.c_str());
  bool ok = code == 0 && text == "1: HELLO\n2: FROM THE HOST\n";
  std::printf("host: %s\n", ok ? "as expected" : "NOT as expected");

  fs::remove_all(dir);
  return ok ? 0 : 1;
}
