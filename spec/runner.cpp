// wasmslot-spec: runs the official spec tests, as converted by wast2json.
//
//   wasmslot-spec [options] FILE.json [FILE.json...]
//
// A .wast script is a sequence of commands: define a module, register it
// under a name for later imports, invoke an export, and assert something
// about the outcome. wast2json turns each script into a JSON list of those
// commands plus one .wasm file per module; this program replays the list
// against wasmslot and counts every command as passed, failed or skipped.
//
// Counting follows wabt's spectest-interp, so the totals can be compared: all
// commands count except a successful `register` (which asserts nothing). A
// module given in the text format (assert_malformed of a .wat, which only a
// text parser could reject) is skipped: wasmslot reads binaries only.
//
// The last line printed is always "N passed, N failed, N skipped", summed
// over all files; the exit status is 1 when anything failed.

#include <csignal>
#include <cstdio>
#include <cstring>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <unistd.h>
#include <vector>

#include "wasmslot/runtime.h"
#include "loader/loader.h"
#include "spec/json.h"
#include "spec/spectest.h"
#include "spec/wast_value.h"

namespace wasmslot::spec {
namespace {

// ---------------------------------------------------------------------------
// Crash reporting
//
// The runner executes untrusted modules in-process, so a bug in the
// interpreter can kill it. Then the most useful thing left to say is which
// command was running: the handler prints the location recorded before each
// command. Only async-signal-safe calls (write, signal, raise) are used, from
// an alternate stack so that a native stack overflow can be reported too.

char g_where[600] = "(no command running)";

void write_str(const char* s) {
  ssize_t ignored = write(STDERR_FILENO, s, std::strlen(s));
  (void)ignored;
}

extern "C" void on_crash(int sig) {
  char num[12];
  int n = 0;
  char tmp[12];
  unsigned u = static_cast<unsigned>(sig);
  do { tmp[n++] = static_cast<char>('0' + u % 10); u /= 10; } while (u && n < 11);
  for (int i = 0; i < n; ++i) num[i] = tmp[n - 1 - i];
  num[n] = '\0';
  write_str("\nwasmslot-spec: crashed with signal ");
  write_str(num);
  write_str(" while running ");
  write_str(g_where);
  write_str("\n");
  std::signal(sig, SIG_DFL);
  std::raise(sig);
}

void install_crash_handler() {
  static std::vector<char> alt_stack(1 << 16);
  stack_t ss{};
  ss.ss_sp = alt_stack.data();
  ss.ss_size = alt_stack.size();
  sigaltstack(&ss, nullptr);
  struct sigaction sa{};
  sa.sa_handler = on_crash;
  sa.sa_flags = SA_ONSTACK;
  sigemptyset(&sa.sa_mask);
  for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
}

// ---------------------------------------------------------------------------

struct Options {
  bool verbose = false;
  bool quiet = false;
  bool per_file = false;
  // The core testsuite is Wasm 2.0 plus SIMD. The later proposals must be off
  // for it: core tests assert that e.g. a second memory is invalid. Options
  // named like wast2json's enable them, so the same flags serve both tools.
  Features features{/*simd=*/true, /*tail_call=*/false, /*extended_const=*/false,
                    /*multi_memory=*/false};
};

struct Counts {
  uint64_t passed = 0, failed = 0, skipped = 0;
  Counts& operator+=(const Counts& o) {
    passed += o.passed; failed += o.failed; skipped += o.skipped;
    return *this;
  }
};

std::string counts_text(const Counts& c) {
  return std::to_string(c.passed) + " passed, " + std::to_string(c.failed) + " failed, " +
         std::to_string(c.skipped) + " skipped";
}

// The outcome of one command. `note` is extra detail shown with -v only
// (e.g. both error messages of an assert_invalid that passed).
struct Outcome {
  enum Kind { Pass, Fail, Skip, Uncounted } kind = Pass;
  std::string why;
  std::string note;
  static Outcome pass(std::string note = {}) { return {Pass, {}, std::move(note)}; }
  static Outcome fail(std::string why) { return {Fail, std::move(why), {}}; }
  static Outcome skip(std::string why) { return {Skip, std::move(why), {}}; }
  static Outcome uncounted() { return {Uncounted, {}, {}}; }
};

// Names in scripts may hold any character (names.wast has them all): quote
// them with escapes so a failure line stays one readable line.
std::string quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') { out += '\\'; out += static_cast<char>(c); }
    else if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string values_text(const std::vector<Value>& vs, const std::vector<Expected>* shapes = nullptr) {
  std::string s = "(";
  for (size_t i = 0; i < vs.size(); ++i) {
    if (i) s += ", ";
    // Show a v128 in the lane shape that was expected, for comparison.
    Lanes lanes = shapes && i < shapes->size() ? (*shapes)[i].lanes : Lanes::I32;
    s += to_string(vs[i], lanes);
  }
  return s + ")";
}

std::string expected_text(const std::vector<Expected>& es) {
  std::string s = "(";
  for (size_t i = 0; i < es.size(); ++i) s += (i ? ", " : "") + to_string(es[i]);
  return s + ")";
}

// The spec's texts are what the reference interpreter says, and it may add
// details after them; so a trap matches when our message starts with the
// expected text. One test (bulk.wast) puts such a detail in the expected text
// itself ("uninitialized element 2"): a message that is the expected text up
// to a space is accepted as well.
bool message_matches(std::string_view got, std::string_view expected) {
  if (got.starts_with(expected)) return true;
  return !got.empty() && expected.starts_with(got) && expected.size() > got.size() &&
         expected[got.size()] == ' ';
}

// A command with a missing or ill-typed field: reported as a failure of that
// command, never a crash.
struct BadCommand {
  std::string why;
};

const std::string& get_string(const json::Value& obj, const char* key) {
  const json::Value* v = obj.find(key);
  if (!v || !v->is_string()) throw BadCommand{std::string("missing string field \"") + key + "\""};
  return *v->as_string();
}

const std::string* find_string(const json::Value& obj, const char* key) {
  const json::Value* v = obj.find(key);
  return v ? v->as_string() : nullptr;
}

// ---------------------------------------------------------------------------
// One script: its own Store, spectest, registrations and named modules, so
// scripts cannot affect each other.

class ScriptRunner {
 public:
  ScriptRunner(std::string json_path, const Options& opts)
      : path_(std::move(json_path)), opts_(opts) {}

  Counts run() {
    Counts counts;
    std::string text;
    if (!read_text(path_, text)) {
      report_file_error("cannot read file");
      counts.failed = 1;
      return counts;
    }
    auto doc = json::parse(text);
    if (!doc) {
      report_file_error("invalid JSON: " + doc.error().message);
      counts.failed = 1;
      return counts;
    }
    // Our CMake rule writes this key when wast2json could not convert the
    // script (some proposal files), so that the failure shows up here.
    if (const std::string* err = find_string(*doc, "wast2json_error")) {
      report_file_error("wast2json failed: " + *err);
      counts.failed = 1;
      return counts;
    }
    const json::Value* commands = doc->find("commands");
    if (!commands || !commands->is_array()) {
      report_file_error("no \"commands\" array: not a wast2json file?");
      counts.failed = 1;
      return counts;
    }
    // Line numbers are the .wast's, so failures name the .wast when known.
    // (Normalised: "build/../shared/x.wast" reads better as "shared/x.wast".)
    const std::string* src = find_string(*doc, "source_filename");
    source_ = std::filesystem::path(src ? *src : path_).lexically_normal().string();
    dir_ = std::filesystem::path(path_).parent_path();

    spectest_out_ = opts_.verbose && !opts_.quiet ? &std::cout : nullptr;
    add_spectest(store_, imports_, spectest_out_);

    for (const json::Value& cmd : *commands->as_array()) {
      Outcome o = run_one(cmd);
      switch (o.kind) {
        case Outcome::Pass: ++counts.passed; break;
        case Outcome::Fail: ++counts.failed; break;
        case Outcome::Skip: ++counts.skipped; break;
        case Outcome::Uncounted: break;
      }
    }
    return counts;
  }

 private:
  std::string path_;
  const Options& opts_;
  std::string source_;
  std::filesystem::path dir_;
  std::ostream* spectest_out_ = nullptr;

  Store store_;
  Imports imports_;
  // The instances a command may refer to. A module command that failed
  // leaves null behind, with the reason, so that later commands using it fail
  // with a clear message instead of silently running against an older one.
  Instance* current_ = nullptr;
  std::string current_error_ = "no module defined yet";
  std::map<std::string, Instance*> named_;
  std::map<std::string, std::string> named_error_;

  static bool read_text(const std::string& path, std::string& out) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return false;
    std::ostringstream ss;
    ss << in.rdbuf();
    out = ss.str();
    return !in.bad();
  }

  void report_file_error(const std::string& msg) {
    std::cout << path_ << ": error: " << msg << std::endl;
  }

  Outcome run_one(const json::Value& cmd) {
    long line = 0;
    if (const json::Value* l = cmd.find("line"); l && l->is_number()) line = static_cast<long>(*l->as_number());
    const std::string* type_p = find_string(cmd, "type");
    std::string type = type_p ? *type_p : "(command without type)";
    std::snprintf(g_where, sizeof g_where, "%s:%ld: %s", source_.c_str(), line, type.c_str());

    Outcome o;
    try {
      if (!cmd.is_object()) throw BadCommand{"a command must be an object"};
      o = dispatch(cmd, type);
    } catch (const BadCommand& e) {
      o = Outcome::fail("malformed command: " + e.why);
    } catch (const std::exception& e) {
      // e.g. bad_alloc from the standard library: a failed command, not a
      // reason to stop the whole run.
      o = Outcome::fail(std::string("exception: ") + e.what());
    }

    std::string where = source_ + ":" + std::to_string(line) + ": " + type + ": ";
    if (o.kind == Outcome::Fail) {
      if (!opts_.quiet) std::cout << where << o.why << std::endl;
    } else if (opts_.verbose && !opts_.quiet) {
      if (o.kind == Outcome::Pass) std::cout << where << "ok" << (o.note.empty() ? "" : " (" + o.note + ")");
      else if (o.kind == Outcome::Skip) std::cout << where << "skipped: " << o.why;
      else std::cout << where << "done";
      std::cout << std::endl;  // flushed: a crash then shows where it happened
    }
    return o;
  }

  Outcome dispatch(const json::Value& cmd, const std::string& type) {
    if (type == "module") return cmd_module(cmd);
    if (type == "register") return cmd_register(cmd);
    if (type == "action") return cmd_action(cmd);
    if (type == "assert_return") return cmd_assert_return(cmd);
    if (type == "assert_trap") {
      // (assert_trap (module ...) "text"): instantiation must trap.
      if (cmd.find("filename")) return cmd_assert_uninstantiable(cmd);
      return cmd_assert_trap(cmd);
    }
    if (type == "assert_exhaustion") return cmd_assert_trap(cmd);
    if (type == "assert_invalid" || type == "assert_malformed") return cmd_assert_invalid(cmd);
    if (type == "assert_unlinkable") return cmd_assert_unlinkable(cmd);
    if (type == "assert_uninstantiable") return cmd_assert_uninstantiable(cmd);
    return Outcome::fail("unknown command type");
  }

  // -------------------------------------------------------------------------
  // Modules

  // Reads and loads (decode + validate) the module file a command names.
  Result<std::shared_ptr<const Module>> load_module(const json::Value& cmd) {
    const std::string& filename = get_string(cmd, "filename");
    std::filesystem::path p = dir_ / filename;
    std::ifstream in(p, std::ios::binary);
    if (!in) throw BadCommand{"cannot read module file " + p.string()};
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return load(std::move(bytes), opts_.features);
  }

  static bool is_text_module(const json::Value& cmd) {
    const std::string* mt = find_string(cmd, "module_type");
    return mt && *mt == "text";
  }

  Outcome cmd_module(const json::Value& cmd) {
    const std::string* name = find_string(cmd, "name");
    // Whatever happens, this is now the current module: on failure, later
    // commands must not run against the previous one.
    current_ = nullptr;
    if (name) named_[*name] = nullptr;

    auto fail = [&](std::string why) {
      current_error_ = "the module at line " + line_of(cmd) + " failed";
      if (name) named_error_[*name] = "module " + *name + " failed at line " + line_of(cmd);
      return Outcome::fail(std::move(why));
    };
    if (is_text_module(cmd)) return fail("text modules are not supported");
    auto module = load_module(cmd);
    if (!module) return fail("load failed: " + module.error().message + at_offset(module.error()));
    auto inst = store_.instantiate(*module, imports_);
    if (!inst) return fail("instantiation failed: " + inst.error().message);
    current_ = *inst;
    if (name) named_[*name] = *inst;
    return Outcome::pass();
  }

  Outcome cmd_register(const json::Value& cmd) {
    const std::string& as = get_string(cmd, "as");
    auto inst = instance_for(cmd, "name");
    if (!inst) return Outcome::fail("cannot register " + quote(as) + ": " + inst.error().message);
    // Every export becomes importable as (as, export name).
    for (const Export& ex : (*inst)->module->exports) {
      auto e = (*inst)->get_export(ex.name);
      if (!e) return Outcome::fail("export " + quote(ex.name) + " is listed but not found");
      imports_.add(as, ex.name, *e);
    }
    return Outcome::uncounted();
  }

  // The instance named by the command's `key` member ("module" in actions,
  // "name" in register), or the current one when absent.
  Result<Instance*> instance_for(const json::Value& obj, const char* key) {
    if (const std::string* name = find_string(obj, key)) {
      auto it = named_.find(*name);
      if (it == named_.end()) return Error{"no module named " + *name};
      if (!it->second) return Error{named_error_[*name]};
      return it->second;
    }
    if (!current_) return Error{current_error_};
    return current_;
  }

  // -------------------------------------------------------------------------
  // Actions

  struct ActionResult {
    bool trapped = false;
    std::string trap;
    std::vector<Value> values;
  };

  // Performs an invoke or get. Errors (missing export, wrong argument types,
  // module that failed) are the script's or the loader's problem and are
  // returned as Error; a trap is a normal outcome, in ActionResult.
  Result<ActionResult> perform(const json::Value& cmd) {
    const json::Value* action = cmd.find("action");
    if (!action || !action->is_object()) throw BadCommand{"missing \"action\" object"};
    const std::string& type = get_string(*action, "type");
    const std::string& field = get_string(*action, "field");
    auto inst = instance_for(*action, "module");
    if (!inst) return inst.error();

    ActionResult r;
    if (type == "get") {
      auto e = (*inst)->get_export(field);
      if (!e || e->kind != ExternKind::Global || !e->global)
        return Error{"no exported global " + quote(field)};
      r.values.push_back(e->global->get());
      return r;
    }
    if (type != "invoke") throw BadCommand{"unknown action type " + quote(type)};

    FuncInst* func = (*inst)->get_func(field);
    if (!func) return Error{"no exported function " + quote(field)};

    std::vector<Value> args;
    const json::Value* jargs = action->find("args");
    if (jargs && !jargs->is_array()) throw BadCommand{"\"args\" must be an array"};
    if (jargs) {
      for (const json::Value& a : *jargs->as_array()) {
        auto v = parse_value(a);
        if (!v) throw BadCommand{"argument: " + v.error().message};
        args.push_back(*v);
      }
    }
    // Checked here too, so that a script error reads as one, not as a trap.
    const FuncType& ft = func->type;
    if (args.size() != ft.params.size())
      return Error{quote(field) + " takes " + std::to_string(ft.params.size()) + " arguments, the script gives " +
                   std::to_string(args.size())};
    for (size_t i = 0; i < args.size(); ++i)
      if (args[i].type != ft.params[i])
        return Error{"argument " + std::to_string(i) + " of " + quote(field) + " has the wrong type"};

    auto results = store_.call(func, args);
    if (!results) {
      r.trapped = true;
      r.trap = results.error().message;
    } else {
      r.values = std::move(*results);
    }
    return r;
  }

  Outcome cmd_action(const json::Value& cmd) {
    auto r = perform(cmd);
    if (!r) return Outcome::fail(r.error().message);
    if (r->trapped) return Outcome::fail("unexpected trap: " + r->trap);
    return Outcome::pass();
  }

  Outcome cmd_assert_return(const json::Value& cmd) {
    const json::Value* jexp = cmd.find("expected");
    if (!jexp || !jexp->is_array()) throw BadCommand{"missing \"expected\" array"};
    std::vector<Expected> expected;
    for (const json::Value& j : *jexp->as_array()) {
      auto e = parse_expected(j);
      if (!e) throw BadCommand{"expected value: " + e.error().message};
      expected.push_back(*e);
    }

    auto r = perform(cmd);
    if (!r) return Outcome::fail(r.error().message);
    if (r->trapped)
      return Outcome::fail(action_name(cmd) + ": expected " + expected_text(expected) + ", got trap: " + r->trap);

    bool ok = r->values.size() == expected.size();
    for (size_t i = 0; ok && i < expected.size(); ++i) ok = matches(r->values[i], expected[i]);
    if (ok) return Outcome::pass();
    return Outcome::fail(action_name(cmd) + ": expected " + expected_text(expected) + ", got " +
                         values_text(r->values, &expected));
  }

  // assert_trap with an action, and assert_exhaustion (whose text is "call
  // stack exhausted"): the action must trap with the expected message.
  Outcome cmd_assert_trap(const json::Value& cmd) {
    const std::string& text = get_string(cmd, "text");
    auto r = perform(cmd);
    if (!r) return Outcome::fail(r.error().message);
    if (!r->trapped)
      return Outcome::fail(action_name(cmd) + ": expected trap " + quote(text) + ", got " + values_text(r->values));
    if (!message_matches(r->trap, text))
      return Outcome::fail(action_name(cmd) + ": expected trap " + quote(text) + ", got trap " + quote(r->trap));
    return Outcome::pass();
  }

  // -------------------------------------------------------------------------
  // Module assertions

  Outcome cmd_assert_invalid(const json::Value& cmd) {
    const std::string& text = get_string(cmd, "text");
    if (is_text_module(cmd)) return Outcome::skip("text module");
    auto module = load_module(cmd);
    if (module) return Outcome::fail("module loaded, expected failure " + quote(text));
    // Our messages are our own: only the failure itself is required. With
    // -v both are shown, flagged when they differ, since a module rejected
    // for the wrong reason can hide a missing check.
    const std::string& got = module.error().message;
    return Outcome::pass(std::string(message_matches(got, text) ? "" : "message differs: ") + "expected " +
                         quote(text) + ", got " + quote(got) + at_offset(module.error()));
  }

  Outcome cmd_assert_unlinkable(const json::Value& cmd) {
    const std::string& text = get_string(cmd, "text");
    if (is_text_module(cmd)) return Outcome::skip("text module");
    auto module = load_module(cmd);
    if (!module)
      return Outcome::fail("load failed: " + module.error().message + at_offset(module.error()) +
                           " (expected to load, then fail to link with " + quote(text) + ")");
    auto inst = store_.instantiate(*module, imports_);
    if (inst) return Outcome::fail("instantiation succeeded, expected " + quote(text));
    if (!message_matches(inst.error().message, text))
      return Outcome::fail("expected " + quote(text) + ", got " + quote(inst.error().message));
    return Outcome::pass();
  }

  // assert_uninstantiable, and assert_trap given a module: the module loads
  // and links, then traps while initialising segments or in its start
  // function. (What it wrote before the trap stays, as the spec requires;
  // later commands may check that.)
  Outcome cmd_assert_uninstantiable(const json::Value& cmd) {
    const std::string& text = get_string(cmd, "text");
    if (is_text_module(cmd)) return Outcome::skip("text module");
    auto module = load_module(cmd);
    if (!module)
      return Outcome::fail("load failed: " + module.error().message + at_offset(module.error()) +
                           " (expected to load, then trap with " + quote(text) + ")");
    auto inst = store_.instantiate(*module, imports_);
    if (inst) return Outcome::fail("instantiation succeeded, expected trap " + quote(text));
    if (!message_matches(inst.error().message, text))
      return Outcome::fail("expected trap " + quote(text) + ", got " + quote(inst.error().message));
    return Outcome::pass();
  }

  // -------------------------------------------------------------------------

  static std::string line_of(const json::Value& cmd) {
    const json::Value* l = cmd.find("line");
    return l && l->is_number() ? *l->number_text() : "?";
  }

  static std::string at_offset(const Error& e) {
    char buf[32];
    std::snprintf(buf, sizeof buf, " (at byte 0x%zx)", e.offset);
    return buf;
  }

  // "invoke "add"" or "get $M "g"", for messages.
  static std::string action_name(const json::Value& cmd) {
    const json::Value* a = cmd.find("action");
    if (!a) return "action";
    std::string s;
    if (const std::string* t = find_string(*a, "type")) s += *t;
    if (const std::string* m = find_string(*a, "module")) s += " " + *m;
    if (const std::string* f = find_string(*a, "field")) s += " " + quote(*f);
    return s;
  }
};

void usage(std::ostream& out) {
  out << "usage: wasmslot-spec [options] FILE.json [FILE.json...]\n"
         "\n"
         "Runs spec test scripts converted by wast2json. Prints every failure as\n"
         "FILE:LINE: COMMAND: why, then \"N passed, N failed, N skipped\".\n"
         "\n"
         "options:\n"
         "  -v, --verbose            print every command and spectest.print output\n"
         "  -q, --quiet              print the final counts only\n"
         "  --per-file               print the counts of each file too\n"
         "  --enable-tail-call       enable a proposal (same names as wast2json)\n"
         "  --enable-extended-const\n"
         "  --enable-multi-memory\n"
         "  --disable-simd\n"
         "  -h, --help               this text\n";
}

int run_main(int argc, char** argv) {
  Options opts;
  std::vector<std::string> files;
  for (int i = 1; i < argc; ++i) {
    std::string_view a = argv[i];
    if (a == "-v" || a == "--verbose") opts.verbose = true;
    else if (a == "-q" || a == "--quiet") opts.quiet = true;
    else if (a == "--per-file") opts.per_file = true;
    else if (a == "--enable-tail-call") opts.features.tail_call = true;
    else if (a == "--enable-extended-const") opts.features.extended_const = true;
    else if (a == "--enable-multi-memory") opts.features.multi_memory = true;
    else if (a == "--disable-simd") opts.features.simd = false;
    else if (a == "-h" || a == "--help") { usage(std::cout); return 0; }
    else if (a.starts_with("-") && a != "-") {
      std::cerr << "wasmslot-spec: unknown option " << a << "\n";
      usage(std::cerr);
      return 2;
    } else {
      files.emplace_back(a);
    }
  }
  if (files.empty()) {
    usage(std::cerr);
    return 2;
  }

  install_crash_handler();
  Counts total;
  for (const std::string& f : files) {
    Counts c = ScriptRunner(f, opts).run();
    if (opts.per_file) std::cout << f << ": " << counts_text(c) << "\n";
    total += c;
  }
  std::cout << counts_text(total) << std::endl;
  return total.failed ? 1 : 0;
}

}  // namespace
}  // namespace wasmslot::spec

int main(int argc, char** argv) { return wasmslot::spec::run_main(argc, argv); }
