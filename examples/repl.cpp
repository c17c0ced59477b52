// A read-eval-print loop over one instance: each line of stdin is a command,
//   NAME ARG...   calls the exported function NAME (or shows global NAME)
//   exports       lists the exports and their types
//   mem OFF LEN   dumps LEN bytes of the exported memory from OFF
//   quit          (or the end of the input) ends the loop
// and its answer is one line (an error too: "error: ..."). The instance
// lives as long as the loop, so its globals and memory keep what earlier
// lines did to them.
//
//   build/examples/repl [MODULE.wasm]   (default: build/examples/repl.wasm)
#include <charconv>
#include <cinttypes>
#include <cstdio>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "wasmslot/wasmslot.h"

using namespace wasmslot;

namespace {

// Prints an Error the way every example does; returns main's exit status.
int fail(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  return 1;
}

// Text -> a Value of type t. Only numbers: references cannot be typed in.
bool parse(const std::string& s, ValType t, Value& out) {
  const char* end = s.data() + s.size();
  int64_t i = 0;
  double d = 0;
  switch (t) {
    case ValType::I32: case ValType::I64: {
      auto [p, ec] = std::from_chars(s.data(), end, i);
      if (ec != std::errc() || p != end) return false;
      out = t == ValType::I32 ? Value::i32(static_cast<int32_t>(i)) : Value::i64(i);
      return true;
    }
    case ValType::F32: case ValType::F64: {
      auto [p, ec] = std::from_chars(s.data(), end, d);
      if (ec != std::errc() || p != end) return false;
      out = t == ValType::F32 ? Value::f32(static_cast<float>(d)) : Value::f64(d);
      return true;
    }
    default: return false;
  }
}

std::string show(const Value& v) {
  switch (v.type) {
    case ValType::I32: return std::to_string(v.as_i32());
    case ValType::I64: return std::to_string(v.as_i64());
    case ValType::F32: { char b[32]; std::snprintf(b, sizeof b, "%g", v.as_f32()); return b; }
    case ValType::F64: { char b[32]; std::snprintf(b, sizeof b, "%g", v.as_f64()); return b; }
    default: return std::string(to_string(v.type)) + " value";
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string path = argc > 1 ? argv[1] : WASM_DIR "/repl.wasm";
  auto module = load_file(path);
  if (!module) return fail(module.error());
  Store store;
  auto instance = store.instantiate(*module, Imports{});
  if (!instance) return fail(instance.error());
  Instance& inst = **instance;

  std::string line;
  for (;;) {
    std::fputs("> ", stderr);  // to stderr, as Python's prompt: stdout holds only answers
    if (!std::getline(std::cin, line)) break;
    std::istringstream in(line);
    std::string cmd, word;
    std::vector<std::string> args;
    if (!(in >> cmd)) continue;  // an empty line
    while (in >> word) args.push_back(word);

    if (cmd == "quit") break;
    if (cmd == "exports") {
      for (const ExportType& e : module_exports(*inst.module)) {
        std::printf("%s %s", to_string(e.type.kind), e.name.c_str());
        if (e.type.kind == ExternKind::Func) std::printf(" %s", to_string(e.type.func).c_str());
        if (e.type.kind == ExternKind::Memory)
          std::printf(" (%" PRIu64 " pages)", inst.get_memory(e.name)->pages());
        if (e.type.kind == ExternKind::Global)
          std::printf(" %s%s", e.type.global.mut ? "mut " : "", to_string(e.type.global.type));
        std::printf("\n");
      }
    } else if (cmd == "mem") {
      // MemoryInst::view checks the whole range against the memory's size.
      MemoryInst* memory = inst.get_memory("memory");
      Value off, len;
      if (!memory || args.size() != 2 || !parse(args[0], ValType::I64, off) ||
          !parse(args[1], ValType::I64, len)) {
        std::printf("error: usage: mem OFFSET LENGTH\n");
        continue;
      }
      auto bytes = memory->view(off.lo, len.lo);
      if (!bytes) { std::printf("error: %s\n", bytes.error().message.c_str()); continue; }
      for (size_t i = 0; i < bytes->size(); i += 16) {  // 16 bytes a row: hex, then text
        std::string hex, text;
        for (size_t j = i; j < i + 16 && j < bytes->size(); ++j) {
          char b[4];
          std::snprintf(b, sizeof b, "%02x ", (*bytes)[j]);
          hex += b;
          text += (*bytes)[j] >= 32 && (*bytes)[j] < 127 ? static_cast<char>((*bytes)[j]) : '.';
        }
        std::printf("%08" PRIx64 "  %-48s|%s|\n", off.lo + i, hex.c_str(), text.c_str());
      }
    } else if (GlobalInst* global = inst.get_global(cmd)) {
      std::printf("%s\n", show(global->get()).c_str());
    } else if (FuncInst* func = inst.get_func(cmd)) {
      // Parse the arguments by the function's parameter types, then call.
      const std::vector<ValType>& params = func->type.params;
      if (args.size() != params.size()) {
        std::printf("error: %s takes %zu arguments, got %zu\n", cmd.c_str(), params.size(), args.size());
        continue;
      }
      std::vector<Value> values(params.size());
      size_t bad = 0;  // the first argument that does not parse, if any
      while (bad < params.size() && parse(args[bad], params[bad], values[bad])) ++bad;
      if (bad < params.size()) {
        std::printf("error: '%s' is not an %s\n", args[bad].c_str(), to_string(params[bad]));
        continue;
      }
      auto r = store.call(func, values);
      if (!r) { std::printf("error: %s\n", r.error().message.c_str()); continue; }
      std::string out;
      for (const Value& v : *r) out += (out.empty() ? "" : " ") + show(v);
      std::printf("%s\n", r->empty() ? "ok" : out.c_str());
    } else {
      std::printf("error: unknown command or export '%s'\n", cmd.c_str());
    }
  }
  return 0;
}
