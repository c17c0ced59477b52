// show-code: prints the interpreter's code of each function of a module, the
// Instr stream that validation leaves in Func::code (loader/module.h). The
// guided tour (docs/02-control-flow.md, docs/03-interpreter-loop.md) uses it
// to show what `wasmslot dump -d` cannot: the translation, not the bytes.
//
//   show-code [--plain] MODULE.wasm [FUNC]
//
// By default the code is translated as load() translates it (with the
// fuser's superinstructions); --plain asks validate() for the plain form.
// FUNC limits the output to one function (its index in the function space,
// imports first, or its export or debug name).
#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "loader/loader.h"
#include "loader/module.h"

namespace {

using namespace wasmslot;

bool is_branch(Opcode op) {
  const std::string_view text = info(op).text;
  return op == Opcode::br || op == Opcode::br_if || op == Opcode::br_unless ||
         text.starts_with("br_if_");
}

void print_function(const Module& m, uint32_t index) {
  const Func& f = m.funcs[index - m.num_imported_funcs];
  const Code& c = f.code;
  std::string name;
  if (auto it = m.func_names.find(index); it != m.func_names.end()) name = " <" + it->second + ">";
  for (const Export& e : m.exports)
    if (e.kind == ExternKind::Func && e.index == index && name.empty()) name = " <" + e.name + ">";
  std::printf("func[%u]%s: locals %u cells (params %u), results %u, max height %u\n", index, name.c_str(),
              c.local_cells, c.param_cells, c.result_cells, c.max_height);
  for (size_t i = 0; i < c.instrs.size(); ++i) {
    const Instr& x = c.instrs[i];
    const OpInfo& in = info(x.op);
    char buf[96];
    std::string line;
    std::snprintf(buf, sizeof buf, "  %3zu: %-22s", i, in.text);
    line = buf;
    if (x.op == Opcode::br || x.op == Opcode::br_if || x.op == Opcode::br_unless) {
      std::snprintf(buf, sizeof buf, " -> %u  keep %u drop %u", x.a, static_cast<uint32_t>(x.b),
                    static_cast<uint32_t>(x.b >> 32));
      line += buf;
    } else if (x.op == Opcode::br_table) {
      for (uint64_t k = 0; k <= x.b; ++k) {
        const BranchTarget& t = c.br_tables[x.a + k];
        std::snprintf(buf, sizeof buf, " %s-> %u (keep %u drop %u)", k == x.b ? "default " : "", t.target,
                      t.keep, t.drop);
        line += buf;
      }
    } else if (x.op == Opcode::return_) {
      std::snprintf(buf, sizeof buf, " a=%u", x.a);
      line += buf;
    } else if (in.imm != Imm::none || in.prefix == 0xFF) {
      // Raw immediates (their meaning: loader/module.h, and for the
      // superinstructions the comment above FUSED_OP2 in interp/exec.cpp).
      // A b that packs two 32-bit fields prints as low,high.
      if (is_branch(x.op)) std::snprintf(buf, sizeof buf, " -> %u", x.a);
      else std::snprintf(buf, sizeof buf, " a=%u", x.a);
      line += buf;
      if (x.b >> 32)
        std::snprintf(buf, sizeof buf, " b=%u,%u", static_cast<uint32_t>(x.b), static_cast<uint32_t>(x.b >> 32));
      else
        std::snprintf(buf, sizeof buf, " b=%u", static_cast<uint32_t>(x.b));
      line += buf;
      if (x.reserved != 0) {
        std::snprintf(buf, sizeof buf, " r=%u", x.reserved);
        line += buf;
      }
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    std::printf("%s\n", line.c_str());
  }
}

}  // namespace

int main(int argc, char** argv) {
  bool plain = false;
  std::vector<std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--plain") plain = true;
    else args.push_back(a);
  }
  if (args.empty() || args.size() > 2) {
    std::fprintf(stderr, "usage: show-code [--plain] MODULE.wasm [FUNC]\n");
    return 1;
  }
  std::ifstream in(args[0], std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "error: cannot read %s\n", args[0].c_str());
    return 1;
  }
  std::vector<uint8_t> bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  auto decoded = decode(std::move(bytes));
  if (!decoded) {
    std::fprintf(stderr, "error: %s\n", decoded.error().message.c_str());
    return 1;
  }
  Module m = std::move(*decoded);
  if (Status s = validate(m, {}, {}, plain ? Translation::plain : Translation::fused); !s) {
    std::fprintf(stderr, "error: %s\n", s.error().message.c_str());
    return 1;
  }
  const uint32_t first = m.num_imported_funcs;
  const uint32_t end = first + static_cast<uint32_t>(m.funcs.size());
  for (uint32_t i = first; i < end; ++i) {
    if (args.size() == 2) {
      bool match = args[1] == std::to_string(i);
      if (auto it = m.func_names.find(i); it != m.func_names.end() && it->second == args[1]) match = true;
      for (const Export& e : m.exports)
        if (e.kind == ExternKind::Func && e.index == i && e.name == args[1]) match = true;
      if (!match) continue;
    }
    print_function(m, i);
  }
  return 0;
}
