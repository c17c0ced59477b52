// wasmslot: the command line.
//
//   wasmslot run MODULE.wasm --invoke NAME [ARG...] [--async-import MOD.NAME=SPEC]...
//   wasmslot run [--dir HOST[::GUEST]]... [--env NAME=VALUE]... PROG.wasm [-- ARGS...]
//   wasmslot validate MODULE.wasm
//   wasmslot dump [-h] [-x] [-d] MODULE.wasm
//
// Output discipline (ASYNC.md, "Command line"): results go to stdout, one value
// per line, and nothing else ever does; any failure is exactly one line
// `error: ...` on stderr and a non-zero exit status (see kUsage for the codes).
#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <exception>
#include <fstream>
#include <iterator>
#include <memory>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <csignal>

#include "wasmslot/async.h"
#include "host/value_text.h"
#include "interp/cells.h"
#include "wasmslot/wasi.h"
#include "loader/features.h"
#include "loader/loader.h"
#include "tools/dump.h"
#include "tools/import_spec.h"

namespace wasmslot::cli {
namespace {

// The project version (CMakeLists.txt), passed in by the build.
constexpr const char* kVersion = WASMSLOT_VERSION;

// Exit statuses, documented in --help.
constexpr int kExitOk = 0;
constexpr int kExitError = 1;     // bad input, usage, load, link, protocol errors
constexpr int kExitTrap = 2;      // the wasm code trapped
constexpr int kExitRejected = 3;  // an awaited slot was rejected / timed out / cancelled

constexpr const char* kUsage =
    "wasmslot: a WebAssembly interpreter with native promise slots\n"
    "\n"
    "Usage:\n"
    "  wasmslot run MODULE.wasm [--invoke NAME [ARG...]] [OPTIONS]\n"
    "  wasmslot run [OPTIONS] PROGRAM.wasm [OPTIONS] [-- ARGS...]   (WASI)\n"
    "  wasmslot validate [--features] MODULE.wasm\n"
    "  wasmslot dump [-h] [-x] [-d] MODULE.wasm\n"
    "  wasmslot --help | --version\n"
    "  wasmslot run --help      the options of run\n"
    "\n"
    "Commands:\n"
    "  run        instantiate MODULE and call an export, asynchronously\n"
    "  validate   decode and validate MODULE; silent on success\n"
    "  dump       show MODULE's sections (-h), details (-x), disassembly (-d),\n"
    "             as wabt's wasm-objdump does\n"
    "\n"
    "Exit status: 0 success; 1 error (bad input, usage, module or import\n"
    "errors); 2 the wasm code trapped; 3 an asynchronous result was rejected,\n"
    "timed out or cancelled; a WASI program's proc_exit code. Errors are one\n"
    "line on stderr: `error: ...`.\n";

constexpr const char* kRunUsage =
    "Usage: wasmslot run MODULE.wasm [--invoke NAME [ARG...]] [OPTIONS]\n"
    "       wasmslot run [OPTIONS] PROGRAM.wasm [OPTIONS] [-- ARGS...]\n"
    "\n"
    "Instantiates MODULE and calls export NAME with the ARGs, as an asynchronous\n"
    "call in the module's form of the async import protocol, runs the event loop\n"
    "until the call finishes, and prints its results, one value per line.\n"
    "\n"
    "WASI: a module importing wasi_snapshot_preview1 gets all of it. Without\n"
    "--invoke, PROGRAM's _start runs as a command: ARGS (after --) are its\n"
    "arguments (argv[0] is PROGRAM as given), stdin, stdout and stderr are\n"
    "wasmslot's own, and its proc_exit code is wasmslot's exit status. Files\n"
    "are reachable only inside the --dir directories. poll_oneoff (sleeping)\n"
    "and sched_yield suspend the call, so the loop runs other work meanwhile.\n"
    "\n"
    "  --invoke NAME         the export to call (default: _start)\n"
    "  ARG...                its arguments, read by its parameter types:\n"
    "                        i32/i64 decimal (signed or unsigned) or 0x hex;\n"
    "                        f32/f64 decimal, 0x hex float, inf, -inf, nan,\n"
    "                        nan:0xPAYLOAD; v128 0x + 32 hex digits; refs null\n"
    "                        (externref: a number). Use -- before ARGs that\n"
    "                        start with --.\n"
    "  --dir HOST[::GUEST]   WASI: preopen directory HOST, named GUEST in the\n"
    "                        program (default: HOST); repeat for more. Paths\n"
    "                        may not leave it (.., absolute, symbolic links)\n"
    "  --env NAME=VALUE      WASI: an environment variable; repeat for more\n"
    "  -- ARGS...            WASI (no --invoke): the program's arguments\n"
    "  --async-import MOD.NAME=SPEC\n"
    "                        make function import MOD.NAME asynchronous (repeat\n"
    "                        for each); imports not given are unknown:\n"
    "      VALUE[@MS]        resolve with VALUE after MS milliseconds (default\n"
    "                        0); VALUE is typed by the import's result (form 3)\n"
    "                        or by the callback's value parameter (forms 1, 2)\n"
    "      reject[:CODE][@MS]  reject with CODE (default 1); codes -1 (timed\n"
    "                        out), -2 and -3 (cancelled before / after the\n"
    "                        host work started) are reserved\n"
    "      sleep             the import's first argument is a delay in ms;\n"
    "                        resolve with it once it has passed\n"
    "  --jobs K              run K concurrent asynchronous calls of NAME on one\n"
    "                        instance in one event loop; an ARG may contain {i},\n"
    "                        replaced by the job's index 0..K-1; results print\n"
    "                        in job order. Suspending calls of a module with a\n"
    "                        __stack_pointer global (C, Rust) each get a 64 KiB\n"
    "                        region of stack at the end of its memory (or take\n"
    "                        turns if memory cannot grow).\n"
    "                        A WASI command (no --invoke) runs as K instances,\n"
    "                        each with its own memory and WASI state ({i} works\n"
    "                        in its ARGS and --env values); their output leaves\n"
    "                        line by line, so lines never mix; the exit status\n"
    "                        is the first non-zero one in job order\n"
    "  --callback NAME       force the callback forms, with export NAME as the\n"
    "                        callback (NAME_error handles rejections)\n"
    "  --suspend             force the suspension form (form 3)\n"
    "                        Default: the callback forms if the module exports\n"
    "                        \"callback\" (form 1 for callback(v), form 2 for\n"
    "                        callback(h, v)), the suspension form otherwise.\n"
    "  --timeout MS          fail a call still running after MS milliseconds,\n"
    "                        suspensions included (exit status 3)\n"
    "  --max-slots N         capacity of the promise-slot table (default 65536)\n"
    "  --fuel N              give each call N units of fuel (one per wasm call\n"
    "                        and per loop iteration); running out traps with\n"
    "                        `out of fuel` (default: unmetered)\n"
    "  --max-memory BYTES    limit the linear memories to BYTES (rounded down\n"
    "                        to 64 KiB pages), each and all of them together:\n"
    "                        memory.grow beyond it returns -1 (default: 4 GiB)\n"
    "  --max-call-depth N    at most N nested wasm calls; deeper recursion traps\n"
    "                        with `call stack exhausted` (default 10000)\n"
    "  --max-stack BYTES     limit each call's value stack to BYTES (8 a value);\n"
    "                        overflowing it traps with `call stack exhausted`\n"
    "                        (default 8388608)\n"
    "  --trace               print each executed instruction on stderr, with\n"
    "                        its offset and the stack's top (as wasm-interp)\n"
    "  -h, --help            this help\n"
    "\n"
    "Exit status: 0 success; 1 error; 2 trap; 3 rejected, timed out or\n"
    "cancelled; a WASI program's proc_exit code.\n";

// Every failure leaves through here: one line on stderr.
struct Failure {
  int status;
  std::string message;
};

int fail(const Failure& f) {
  std::string line = "error: " + f.message;
  // One line, whatever the message holds.
  for (char& c : line)
    if (c == '\n' || c == '\r') c = ' ';
  std::fprintf(stderr, "%s\n", line.c_str());
  return f.status;
}

// The module file, read with the loader's size bound (an endless file is
// refused at the limit, not read until memory runs out).
Result<std::vector<uint8_t>> read_file(const std::string& path) {
  auto bytes = read_module_file(path, ModuleLimits{}.max_module_size);
  if (!bytes) return Error{"cannot read " + path + ": " + bytes.error().message, bytes.error().offset};
  return bytes;
}

std::string hex(size_t v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%zx", v);
  return buf;
}

// load(), or with Translation::plain (no superinstructions) the
// translation --trace shows: one Instr per wasm instruction, with its offset.
Result<std::shared_ptr<const Module>> load_bytes(std::vector<uint8_t> bytes, Translation translation) {
  if (translation == Translation::fused) return load(std::move(bytes));
  auto m = decode(std::move(bytes));
  if (!m) return m.error();
  if (auto valid = validate(*m, {}, {}, translation); !valid) return valid.error();
  return std::shared_ptr<const Module>(std::make_shared<Module>(std::move(*m)));
}

Result<std::shared_ptr<const Module>> load_file(const std::string& path,
                                                Translation translation = Translation::fused) {
  auto bytes = read_file(path);
  if (!bytes) return bytes.error();
  auto m = load_bytes(std::move(*bytes), translation);
  if (!m) return Error{path + ":" + hex(m.error().offset) + ": " + m.error().message};
  return m;
}

// --trace: one line on stderr (stdout is for results only) per executed
// instruction, in the layout of wabt's `wasm-interp --trace`:
//   #DEPTH. OFFSET: V:HEIGHT | TEXT OPERANDS
// DEPTH counts the frames below (0: the called export), OFFSET is the
// instruction's byte offset in the module (as `wasmslot dump -d` shows it),
// HEIGHT the value stack's cells, TEXT the instruction as the disassembly
// shows it. OPERANDS is the top of the stack: the values the instruction
// takes, typed, when the opcode table gives its signature (`i64.sub 3, 1`),
// else the top cell's bits (`local.set 1 ; top 0x2a`).
TraceFunc trace_printer(std::shared_ptr<const Module> module) {
  return [text = instruction_texts(module)](const TraceEvent& e) {
    const Module& m = *e.func.instance->module;
    const auto func_index = static_cast<uint32_t>(m.num_imported_funcs + (e.func.func - m.funcs.data()));
    std::string line = "#" + std::to_string(e.depth) + ". ";
    char buf[32];
    std::snprintf(buf, sizeof buf, "%06x", e.offset);
    line += buf;
    line += ": V:" + std::to_string(e.height) + " | ";
    line += text(func_index, e.offset);
    const std::string_view sig = info(e.instr.op).signature;
    const std::string_view params = sig.substr(0, sig.find(':'));
    if (!params.empty()) {
      // The operands, bottom first (validation put them there); a v128
      // takes two cells.
      size_t cells = 0;
      for (char c : params) cells += c == 'V' ? 2 : 1;
      const uint64_t* at = e.operands.data() + e.operands.size() - cells;
      const char* sep = " ";
      for (char c : params) {
        ValType t = ValType::I32;
        type_of_signature_letter(c, t);
        line += sep + format_value(value_of(t, at));
        at += cells_of(t);
        sep = ", ";
      }
    } else if (!e.operands.empty()) {
      std::snprintf(buf, sizeof buf, " ; top 0x%llx", static_cast<unsigned long long>(e.operands.back()));
      line += buf;
    }
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), stderr);
  };
}

// ---------------------------------------------------------------------------

int cmd_validate(const std::vector<std::string>& args) {
  std::optional<std::string> file;
  bool list_features = false;
  for (const auto& a : args) {
    if (a == "-h" || a == "--help") {
      std::printf("Usage: wasmslot validate [--features] MODULE.wasm\n\n"
                  "Decodes and validates MODULE. Silent on success (exit 0); an invalid\n"
                  "module gives one line `error: MODULE:0xOFFSET: message` (exit 1).\n\n"
                  "  --features   on success, print the proposals beyond the MVP that\n"
                  "               MODULE uses, one per line, by wabt's --enable-* names\n"
                  "               (sign-ext, simd, tail-call, ...); nothing for an MVP module\n");
      return kExitOk;
    }
    if (a == "--features") { list_features = true; continue; }
    if (a.starts_with("--")) return fail({kExitError, "unknown option for validate: " + a});
    if (file) return fail({kExitError, "validate takes one file, got another: " + a});
    file = a;
  }
  if (!file) return fail({kExitError, "validate: no module given (wasmslot validate MODULE.wasm)"});
  auto m = load_file(*file);
  if (!m) return fail({kExitError, m.error().message});
  if (list_features)
    for (const std::string& name : features_used(**m)) std::printf("%s\n", name.c_str());
  return kExitOk;
}

int cmd_dump(const std::vector<std::string>& args) {
  auto o = parse_dump_options(args);
  if (!o) return fail({kExitError, o.error().message});
  if (o->help) {
    std::printf("%s", kDumpUsage);
    return kExitOk;
  }
  auto bytes = read_file(o->file);
  if (!bytes) return fail({kExitError, bytes.error().message});
  auto text = dump_module(std::move(*bytes), o->file, *o);
  if (!text) return fail({kExitError, o->file + ":" + hex(text.error().offset) + ": " + text.error().message});
  std::fwrite(text->data(), 1, text->size(), stdout);
  return std::fflush(stdout) == 0 ? kExitOk : kExitError;
}

struct RunOptions {
  std::optional<std::string> file;
  std::optional<std::string> invoke;
  std::vector<std::string> args;
  std::vector<ImportSpec> imports;
  uint32_t jobs = 1;
  std::optional<std::string> callback;
  bool suspend = false;
  std::optional<uint32_t> timeout_ms;
  uint32_t max_slots = PromiseSlots::kDefaultCapacity;
  std::optional<uint64_t> fuel;       // --fuel: units of work per call
  std::optional<uint64_t> max_memory;  // --max-memory: bytes of linear memory
  std::optional<uint32_t> max_call_depth;  // --max-call-depth: frames
  std::optional<uint64_t> max_stack;       // --max-stack: value-stack bytes
  bool trace = false;                      // --trace: each instruction on stderr
  bool help = false;
  // WASI
  std::vector<WasiPreopen> dirs;
  std::vector<std::string> env;
  std::vector<std::string> program_args;  // after --, without --invoke
  bool dashdash = false;
};

template <class T>
bool parse_count(const std::string& s, T& out) {
  if (s.empty() || s[0] == '-' || s[0] == '+') return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
  return ec == std::errc() && end == s.data() + s.size();
}

Result<RunOptions> parse_run(const std::vector<std::string>& argv) {
  RunOptions o;
  bool only_positional = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& a = argv[i];
    auto positional = [&](const std::string& p) -> Status {
      if (!o.file) {
        o.file = p;
        return Ok{};
      }
      if (!o.invoke) {
        // After --, the arguments of a WASI program; before, a mistake.
        if (only_positional) {
          o.program_args.push_back(p);
          return Ok{};
        }
        return Error{"unexpected argument '" + p +
                     "': arguments come after --invoke NAME (or after -- for a WASI program)"};
      }
      o.args.push_back(p);
      return Ok{};
    };
    if (only_positional || !(a.starts_with("--") || a == "-h")) {
      if (auto s = positional(a); !s) return s.error();
      continue;
    }
    if (a == "--") {
      only_positional = true;
      o.dashdash = true;
      continue;
    }
    if (a == "-h" || a == "--help") {
      o.help = true;
      continue;
    }
    // --flag VALUE or --flag=VALUE.
    std::string name = a, value;
    bool has_value = false;
    if (auto eq = a.find('='); eq != std::string::npos) {
      name = a.substr(0, eq);
      value = a.substr(eq + 1);
      has_value = true;
    }
    auto take = [&]() -> Result<std::string> {
      if (has_value) return value;
      if (i + 1 >= argv.size()) return Error{name + " needs a value"};
      return argv[++i];
    };
    // A flag whose value is a number (a count, milliseconds, bytes): parsed
    // into `out`, or an error naming the flag and what it expected.
    auto take_number = [&]<class T>(T& out, const char* expected) -> Status {
      auto v = take();
      if (!v) return v.error();
      if (!parse_count(*v, out)) return Error{name + " " + *v + ": expected " + expected};
      return Ok{};
    };
    if (name == "--suspend") {
      if (has_value) return Error{"--suspend takes no value"};
      o.suspend = true;
    } else if (name == "--trace") {
      if (has_value) return Error{"--trace takes no value"};
      o.trace = true;
    } else if (name == "--invoke") {
      auto v = take();
      if (!v) return v.error();
      if (o.invoke) return Error{"--invoke given twice"};
      o.invoke = *v;
    } else if (name == "--async-import") {
      auto v = take();
      if (!v) return v.error();
      auto spec = parse_import_spec(*v);
      if (!spec) return spec.error();
      for (const auto& other : o.imports)
        if (other.target == spec->target) return Error{"--async-import " + spec->target + " given twice"};
      o.imports.push_back(*spec);
    } else if (name == "--jobs") {
      auto v = take();
      if (!v) return v.error();
      if (!parse_count(*v, o.jobs) || o.jobs == 0 || o.jobs > 1000000)
        return Error{"--jobs " + *v + ": expected a count from 1 to 1000000"};
    } else if (name == "--callback") {
      auto v = take();
      if (!v) return v.error();
      o.callback = *v;
    } else if (name == "--timeout") {
      uint32_t ms;
      if (auto st = take_number(ms, "milliseconds"); !st) return st.error();
      o.timeout_ms = ms;
    } else if (name == "--fuel") {
      uint64_t n;
      if (auto st = take_number(n, "a count"); !st) return st.error();
      o.fuel = n;
    } else if (name == "--max-memory") {
      uint64_t n;
      if (auto st = take_number(n, "a size in bytes"); !st) return st.error();
      o.max_memory = n;
    } else if (name == "--max-call-depth") {
      uint32_t n;
      if (auto st = take_number(n, "a count"); !st) return st.error();
      o.max_call_depth = n;
    } else if (name == "--max-stack") {
      uint64_t n;
      if (auto st = take_number(n, "a size in bytes"); !st) return st.error();
      o.max_stack = n;
    } else if (name == "--max-slots") {
      auto v = take();
      if (!v) return v.error();
      if (!parse_count(*v, o.max_slots) || o.max_slots == 0 || o.max_slots > kMaxSlotCapacity)
        return Error{"--max-slots " + *v + ": expected a count from 1 to " +
                     std::to_string(kMaxSlotCapacity)};
    } else if (name == "--dir") {
      auto v = take();
      if (!v) return v.error();
      WasiPreopen p;
      if (auto sep = v->find("::"); sep != std::string::npos) {
        p.host_path = v->substr(0, sep);
        p.guest_path = v->substr(sep + 2);
      } else {
        p.host_path = p.guest_path = *v;
      }
      if (p.host_path.empty() || p.guest_path.empty())
        return Error{"--dir " + *v + ": expected HOST or HOST::GUEST"};
      o.dirs.push_back(p);
    } else if (name == "--env") {
      auto v = take();
      if (!v) return v.error();
      auto eq = v->find('=');
      if (eq == std::string::npos || eq == 0) return Error{"--env " + *v + ": expected NAME=VALUE"};
      o.env.push_back(*v);
    } else {
      return Error{"unknown option: " + name + " (see wasmslot run --help)"};
    }
  }
  if (o.callback && o.suspend) return Error{"--callback and --suspend exclude each other"};
  return o;
}

std::string replace_index(std::string s, uint32_t i) {
  std::string idx = std::to_string(i);
  for (size_t p = s.find("{i}"); p != std::string::npos; p = s.find("{i}", p + idx.size()))
    s.replace(p, 3, idx);
  return s;
}

// The import of `module` that `target` ("mod.name") names: module and field
// names may contain dots themselves, so every import is compared whole.
const Import* find_import(const Module& module, const std::string& target) {
  for (const Import& imp : module.imports)
    if (imp.module + "." + imp.name == target) return &imp;
  return nullptr;
}

// A call's trap that is a WASI program's proc_exit: its exit code.
std::optional<int> exit_code_of(const AsyncCall& c, const WasiCtx* wasi) {
  if (!wasi || c.failure() != AsyncCall::Failure::Trap || !wasi->exit_code()) return std::nullopt;
  if (c.message().rfind("proc_exit(", 0) != 0) return std::nullopt;
  return static_cast<int>(*wasi->exit_code());
}

int cmd_run(const std::vector<std::string>& argv) {
  auto parsed = parse_run(argv);
  if (!parsed) return fail({kExitError, parsed.error().message});
  RunOptions& o = *parsed;
  if (o.help) {
    std::printf("%s", kRunUsage);
    return kExitOk;
  }
  if (!o.file) return fail({kExitError, "run: no module given (wasmslot run --help)"});

  auto loaded = load_file(*o.file, o.trace ? Translation::plain : Translation::fused);
  if (!loaded) return fail({kExitError, loaded.error().message});
  std::shared_ptr<const Module> module = *loaded;

  // WASI: a module importing wasi_snapshot_preview1 gets it. Without --invoke
  // it is a command: its _start runs, in one instance per job.
  const bool wasi = WasiCtx::imported_by(*module);
  if (!wasi) {
    const char* what = !o.dirs.empty() ? "--dir" : !o.env.empty() ? "--env" : nullptr;
    if (!what && !o.program_args.empty()) what = "program arguments (after --)";
    if (what)
      return fail({kExitError, std::string(what) + " given, but " + *o.file +
                                   " does not import wasi_snapshot_preview1"});
  }
  const bool command = wasi && !o.invoke;
  // Writing to a closed pipe is the program's EPIPE, not wasmslot's death.
  if (wasi) std::signal(SIGPIPE, SIG_IGN);

  Config config;
  config.fuel = o.fuel;
  if (o.max_memory) {
    config.max_memory_pages = std::min<uint64_t>(*o.max_memory / kPageSize, kMaxPages);
    config.max_total_memory_bytes = *o.max_memory;
  }
  if (o.max_call_depth) config.max_call_depth = *o.max_call_depth;
  if (o.max_stack) config.max_stack_cells = *o.max_stack / sizeof(uint64_t);
  if (o.trace) config.trace = trace_printer(module);
  Store store(config);
  // Declared before the runtime, so they outlive everything it may still run.
  std::vector<std::unique_ptr<WasiCtx>> wasis;
  AsyncRuntime rt(store, AsyncConfig{o.max_slots});
  auto errors = std::make_shared<HostErrors>();

  // The asynchronous imports. Every other import stays undefined, and
  // instantiation names the first one ("unknown import: env.x").
  Imports imports;
  for (const ImportSpec& spec : o.imports) {
    const Import* imp = find_import(*module, spec.target);
    if (!imp) return fail({kExitError, "--async-import " + spec.target + ": the module imports no " + spec.target});
    if (imp->kind != ExternKind::Func)
      return fail({kExitError, "--async-import " + spec.target + ": the import is a " +
                                   to_string(imp->kind) + ", not a function"});
    const FuncType& ft = module->types.at(imp->type_index);
    if (spec.kind == ImportSpec::Kind::Sleep &&
        (ft.params.empty() || (ft.params[0] != ValType::I32 && ft.params[0] != ValType::I64)))
      return fail({kExitError, "--async-import " + spec.target +
                                   "=sleep: the import's first parameter must be a delay (i32 or i64), its type is " +
                                   to_string(ft)});
    Extern e;
    e.kind = ExternKind::Func;
    e.func = rt.make_async_func(ft, make_import_fn(spec, errors), spec.target);
    imports.add(imp->module, imp->name, e);
  }

  // The instances: one per job for a WASI command (each with its own memory
  // and WASI state), else one that every job calls.
  const uint32_t n_instances = command ? o.jobs : 1;
  std::vector<Instance*> instances;
  std::vector<WasiCtx*> wasi_of;  // per instance, null without WASI
  for (uint32_t i = 0; i < n_instances; ++i) {
    Imports imp = imports;
    WasiCtx* w = nullptr;
    if (wasi) {
      WasiConfig cfg;
      cfg.args.push_back(*o.file);
      for (const auto& a : o.program_args) cfg.args.push_back(replace_index(a, i));
      for (const auto& e : o.env) cfg.env.push_back(replace_index(e, i));
      cfg.preopens = o.dirs;
      cfg.line_buffered_output = o.jobs > 1;  // concurrent programs: whole lines only
      cfg.async = &rt;
      auto ctx = WasiCtx::create(std::move(cfg));
      if (!ctx) return fail({kExitError, "--dir: " + ctx.error().message});
      wasis.push_back(std::move(*ctx));
      w = wasis.back().get();
      w->define(store, imp);
    }
    auto inst = store.instantiate(module, imp);
    if (!inst) {
      if (w && w->exit_code()) return static_cast<int>(*w->exit_code());  // proc_exit in the start function
      return fail({kExitError, inst.error().message});
    }
    instances.push_back(*inst);
    wasi_of.push_back(w);
  }
  Instance& instance = *instances[0];

  // The export and its arguments.
  std::string name = o.invoke.value_or("_start");
  auto ext = instance.get_export(name);
  if (!ext) {
    if (!o.invoke) return fail({kExitError, "no --invoke NAME given, and the module exports no _start"});
    return fail({kExitError, "unknown export: " + name});
  }
  if (ext->kind != ExternKind::Func)
    return fail({kExitError, "export " + name + " is a " + std::string(to_string(ext->kind)) + ", not a function"});
  const FuncType& ft = ext->func->type;
  if (o.args.size() != ft.params.size())
    return fail({kExitError, name + " takes " + std::to_string(ft.params.size()) + " argument" +
                                 (ft.params.size() == 1 ? "" : "s") + " " + to_string(ft) + ", got " +
                                 std::to_string(o.args.size())});

  CallOptions copts;
  if (o.callback) {
    copts.mode = AsyncMode::Callback;
    copts.callback = *o.callback;
  } else if (o.suspend) {
    copts.mode = AsyncMode::Suspend;
  }
  if (o.timeout_ms) copts.timeout = std::chrono::milliseconds(*o.timeout_ms);

  // Every VALUE must fit the type its slots will have: the callback's value
  // parameter in the callback forms, the import's result in form 3. Checked
  // now, so a mistake is reported before anything runs. (AsyncRuntime::start
  // checks the callback's shape itself.)
  FuncInst* cb = nullptr;
  if (copts.mode != AsyncMode::Suspend) cb = instance.get_func(copts.callback);
  for (const ImportSpec& spec : o.imports) {
    if (spec.kind != ImportSpec::Kind::Resolve) continue;
    std::optional<ValType> type;
    if (cb) {
      if (!cb->type.params.empty()) type = cb->type.params.back();
    } else {
      const FuncType& it = module->types.at(find_import(*module, spec.target)->type_index);
      if (it.results.size() == 1) type = it.results[0];
    }
    if (!type) continue;
    if (auto v = parse_value(spec.value, *type); !v)
      return fail({kExitError, "--async-import " + spec.target + "=" + spec.text + ": " + v.error().message});
  }

  // A WASI reactor (a module with _initialize) is initialised before the
  // export is called.
  if (wasi && name != "_initialize" && name != "_start" && instance.get_func("_initialize")) {
    auto init = rt.start(instance, "_initialize", {}, copts);
    if (!init) return fail({kExitError, init.error().message});
    rt.run_until_done(*init);
    const AsyncCall& c = **init;
    if (c.state() != AsyncCall::State::Done) {
      if (auto code = exit_code_of(c, wasi_of[0])) return *code;
      return fail({c.failure() == AsyncCall::Failure::Trap ? kExitTrap : kExitError,
                   "_initialize: " + std::string(c.failure() == AsyncCall::Failure::Trap ? "trap: " : "") +
                       c.message()});
    }
  }

  std::vector<CallPtr> calls;
  calls.reserve(o.jobs);
  for (uint32_t j = 0; j < o.jobs; ++j) {
    std::vector<Value> args;
    for (size_t k = 0; k < o.args.size(); ++k) {
      std::string text = replace_index(o.args[k], j);
      auto v = parse_value(text, ft.params[k]);
      if (!v)
        return fail({kExitError, "argument " + std::to_string(k + 1) + " of " + name + ": " + v.error().message});
      args.push_back(*v);
    }
    auto call = rt.start(command ? *instances[j] : instance, name, args, copts);
    if (!call) return fail({kExitError, call.error().message});
    // A finished program's last partial line leaves with it.
    if (command && wasi_of[j]) (*call)->on_done([w = wasi_of[j]](AsyncCall&) { w->flush(); });
    calls.push_back(*call);
  }

  rt.loop().run();
  // The loop is idle: a call still running waits for a slot nothing can settle.
  for (auto& c : calls) rt.run_until_done(c);
  for (auto& w : wasis) w->flush();

  // The first job (in job order) that did not succeed decides the status: a
  // WASI program's proc_exit code, or an error line.
  for (size_t j = 0; j < calls.size(); ++j) {
    const AsyncCall& c = *calls[j];
    if (c.state() == AsyncCall::State::Done) continue;
    if (auto code = exit_code_of(c, wasi_of[command ? j : 0])) {
      if (*code != 0) return *code;
      continue;  // proc_exit(0): a success without results
    }
    std::string prefix = calls.size() > 1 ? "job " + std::to_string(j) + ": " : "";
    if (errors->first) return fail({kExitError, prefix + *errors->first});
    switch (c.failure()) {
      case AsyncCall::Failure::Trap: return fail({kExitTrap, prefix + "trap: " + c.message()});
      case AsyncCall::Failure::Rejected: return fail({kExitRejected, prefix + c.message()});
      default: return fail({kExitError, prefix + c.message()});
    }
  }
  if (errors->first) return fail({kExitError, *errors->first});

  std::string out;
  for (const auto& c : calls)
    for (const Value& v : c->results()) out += format_value(v) + "\n";
  std::fwrite(out.data(), 1, out.size(), stdout);
  if (std::fflush(stdout) != 0) return kExitError;
  return kExitOk;
}

int main_impl(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) return fail({kExitError, "no command given (see wasmslot --help)"});
  const std::string& cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (cmd == "-h" || cmd == "--help" || cmd == "help") {
    std::printf("%s", kUsage);
    return kExitOk;
  }
  if (cmd == "-V" || cmd == "--version") {
    std::printf("wasmslot %s\n", kVersion);
    return kExitOk;
  }
  if (cmd == "run") return cmd_run(rest);
  if (cmd == "validate") return cmd_validate(rest);
  if (cmd == "dump") return cmd_dump(rest);
  if (cmd.starts_with("-")) return fail({kExitError, "unknown option: " + cmd + " (see wasmslot --help)"});
  return fail({kExitError, "unknown command: " + cmd + " (commands: run, validate, dump; see wasmslot --help)"});
}

}  // namespace
}  // namespace wasmslot::cli

int main(int argc, char** argv) {
  // Nothing may escape as a crash: an allocation failure (a module asking for
  // absurd sizes) or any other exception becomes one error line.
  try {
    return wasmslot::cli::main_impl(argc, argv);
  } catch (const std::bad_alloc&) {
    return wasmslot::cli::fail({wasmslot::cli::kExitError, "out of memory"});
  } catch (const std::exception& e) {
    return wasmslot::cli::fail({wasmslot::cli::kExitError, std::string("internal error: ") + e.what()});
  }
}
