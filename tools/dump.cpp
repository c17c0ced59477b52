// `wasmslot dump`: sections, details and a disassembly of a module, in the
// layout of wabt's wasm-objdump.
//
// Where the facts come from:
//   * decode() (loader/decoder.cpp) checks that the module is well formed and
//     gives its components: types, imports, exports, bodies...;
//   * a walk over the section headers here gives what the Module does not
//     keep: where each section starts and ends, and where each function's
//     locals declarations are;
//   * InstrReader (loader/instr_reader.h) decodes the ORIGINAL instruction
//     bytes of each body, one instruction with its immediates at a time; the
//     text of each instruction is its row of the opcode table
//     (interp/opcodes.def) and the table's immediate kind (enum Imm).
// The interpreter's translated code (Func::code) is never looked at: a
// disassembly shows what the module says, not what wasmslot makes of it.
//
// wasm-objdump's output has habits of its own that are copied on purpose, so
// that a diff between the two tools is empty (tests/dump/compare_objdump.py
// checks it on every spec module): i32.const prints its value unsigned and
// i64.const signed; floats print in hex, subnormals normalized ("0x1.p-149");
// some instructions print a name after an index and others do not (see
// instr_text()). Its plain mistakes are not copied: it numbers a function's
// locals after the parameters of the wrong type, shows one type of a
// multi-type select, and in -x prints garbage for some initializers and
// carries a segment's offset over to the next, passive one.

#include "tools/dump.h"

#include <cinttypes>
#include <cstdio>
#include <map>
#include <optional>
#include <span>

#include "interp/opcodes.h"
#include "loader/instr_reader.h"
#include "loader/leb128.h"
#include "loader/loader.h"
#include "loader/reader.h"

namespace wasmslot {

const char* const kDumpUsage =
    "Usage: wasmslot dump [-h] [-x] [-d] MODULE.wasm\n"
    "\n"
    "Shows what MODULE holds, in the layout of wabt's wasm-objdump (the same\n"
    "flags, the same output), so that the two can be compared:\n"
    "\n"
    "  -h, --headers       the section headers: id, byte range, entry count\n"
    "  -x, --details       the sections' contents: types, imports, functions,\n"
    "                      tables, memories, globals, exports, segments, names\n"
    "  -d, --disassemble   each function's instructions, decoded from the\n"
    "                      module's bytes: offset, bytes | text\n"
    "  --help              this help\n"
    "\n"
    "At least one of -h, -x, -d is needed; short flags combine (-hxd). MODULE\n"
    "must be well formed (the binary format); it need not be valid, so a\n"
    "module that `wasmslot validate` rejects still dumps.\n";

Result<DumpOptions> parse_dump_options(const std::vector<std::string>& args) {
  DumpOptions o;
  for (const std::string& a : args) {
    if (a == "--help") o.help = true;
    else if (a == "--headers") o.headers = true;
    else if (a == "--details") o.details = true;
    else if (a == "--disassemble") o.disassemble = true;
    else if (a.size() > 1 && a[0] == '-' && a[1] != '-') {
      for (char c : a.substr(1)) {
        if (c == 'h') o.headers = true;
        else if (c == 'x') o.details = true;
        else if (c == 'd') o.disassemble = true;
        else return Error{"unknown option for dump: -" + std::string(1, c) + " (see wasmslot dump --help)"};
      }
    } else if (a.starts_with("-")) {
      return Error{"unknown option for dump: " + a + " (see wasmslot dump --help)"};
    } else if (!o.file.empty()) {
      return Error{"dump takes one file, got another: " + a};
    } else {
      o.file = a;
    }
  }
  if (o.help) return o;
  // wasm-objdump has no default view either.
  if (!o.headers && !o.details && !o.disassemble)
    return Error{"dump: give at least one of -h (headers), -x (details), -d (disassembly) (see wasmslot dump --help)"};
  if (o.file.empty()) return Error{"dump: no module given (wasmslot dump -d MODULE.wasm)"};
  return o;
}

namespace {

#define TRY WASMSLOT_TRY

// printf into a std::string.
template <class... Args>
void append(std::string& out, const char* format, Args... args) {
  char buf[256];
  const int n = std::snprintf(buf, sizeof buf, format, args...);
  if (n >= static_cast<int>(sizeof buf)) {
    std::string big(static_cast<size_t>(n) + 1, '\0');
    std::snprintf(big.data(), big.size(), format, args...);
    big.resize(static_cast<size_t>(n));
    out += big;
  } else {
    out.append(buf, static_cast<size_t>(n));
  }
}

// --- Floats ------------------------------------------------------------------

// A float's bits as wasm-objdump spells them: hex with a normalized
// significand for every finite value ("0x1.8p+0", "-0x0p+0"; a subnormal is
// normalized too and keeps its dot: "0x1.p-149"), "inf", "nan" for the
// canonical NaN and "nan:0xPAYLOAD" for any other.
std::string float_text(uint64_t bits, int mantissa_bits, int exponent_bits) {
  const uint64_t mantissa_mask = (uint64_t{1} << mantissa_bits) - 1;
  const uint64_t exponent_max = (uint64_t{1} << exponent_bits) - 1;
  const int bias = static_cast<int>(exponent_max >> 1);
  const bool negative = (bits >> (mantissa_bits + exponent_bits)) & 1;
  const uint64_t biased = (bits >> mantissa_bits) & exponent_max;
  uint64_t mantissa = bits & mantissa_mask;
  std::string s = negative ? "-" : "";

  if (biased == exponent_max) {
    if (mantissa == 0) return s + "inf";
    if (mantissa == uint64_t{1} << (mantissa_bits - 1)) return s + "nan";
    append(s, "nan:0x%" PRIx64, mantissa);
    return s;
  }
  if (biased == 0 && mantissa == 0) return s + "0x0p+0";

  int exponent = static_cast<int>(biased) - bias;
  bool dot = false;
  if (biased == 0) {
    // Subnormal: shift the leading 1 into the implicit bit's place.
    exponent = 1 - bias;
    while (!(mantissa >> mantissa_bits)) {
      mantissa <<= 1;
      --exponent;
    }
    mantissa &= mantissa_mask;
    dot = true;
  }
  // Whole hex digits: f32's 23 bits become 24, f64's 52 stay.
  const int pad = (4 - mantissa_bits % 4) % 4;
  const int digits = (mantissa_bits + pad) / 4;
  std::string hex;
  append(hex, "%0*" PRIx64, digits, mantissa << pad);
  while (!hex.empty() && hex.back() == '0') hex.pop_back();
  s += "0x1";
  if (dot || !hex.empty()) s += "." + hex;
  append(s, "p%+d", exponent);
  return s;
}

std::string f32_text(uint64_t bits) { return float_text(bits & 0xFFFFFFFF, 23, 8); }
std::string f64_text(uint64_t bits) { return float_text(bits, 52, 11); }

// 128 bits (bytes 0-7 in lo, 8-15 in hi) as four little-endian 32-bit words.
std::string v128_text(uint64_t lo, uint64_t hi) {
  std::string s;
  for (uint64_t half : {lo, hi})
    for (int shift : {0, 32}) append(s, "%s0x%08" PRIx64, s.empty() ? "" : " ", (half >> shift) & 0xFFFFFFFF);
  return s;
}

// --- What the Module does not keep ---------------------------------------------

// Up to the first NUL byte, as wasm-objdump shows names (as C strings).
std::string shown(const std::string& name) { return name.substr(0, name.find('\0')); }

// The names wasm-objdump shows are not only the name section's: an import is
// called "module.field", an exported function or global by its export name,
// and the name section, when there is one, has the last word.
struct Names {
  std::map<uint32_t, std::string> funcs, tables, globals;
  std::map<uint32_t, std::map<uint32_t, std::string>> locals;  // by function

  static std::string of(const std::map<uint32_t, std::string>& map, uint32_t index) {
    // A name shows up to its first NUL byte, as in wasm-objdump (which
    // prints C strings); an empty name (an export may be called "") shows as
    // none.
    auto it = map.find(index);
    if (it == map.end() || it->second.empty()) return "";
    return " <" + shown(it->second) + ">";
  }
};

struct LocalDecl {
  size_t begin, end;  // its bytes: count and type
  uint32_t count;
  ValType type;
};

struct Body {
  size_t begin, end;  // after the size, up to the end of the final `end`
  std::vector<LocalDecl> locals;
};

struct Section {
  uint8_t id;
  size_t begin, end;  // the contents, after id and size
  std::string custom_name;
};

struct Layout {
  std::vector<Section> sections;
  std::vector<Body> bodies;
  std::vector<uint32_t> elem_flags;  // each element segment's first u32
};

// What decode() accepts by default (every proposal wasmslot implements), for
// the InstrReaders here, which keep a reference to it.
const Features kFeatures;

// Moves `r` past a constant expression, reading it as the instructions it
// is (nested blocks too, as the decoder does), up to and including its `end`.
Status skip_const_expr(const Module& m, Reader& r) {
  InstrReader reader(m, kFeatures, r.position(), r.end());
  reader.allow_data_indices();
  if (!reader.read_expression([](Opcode, const InstrImm&, size_t) {})) return reader.error();
  r.seek(reader.position());
  return Ok{};
}

// elemsec ::= vec(elem): each segment's first u32 says which of eight forms
// follows (spec 5.5.12). Bit 0: passive or declarative; bit 1: an explicit
// table index (active) or declarative; bit 2: the elements are expressions,
// not function indices.
Status read_elem_flags(const Module& m, Reader& r, std::vector<uint32_t>& flags) {
  TRY(uint32_t n, r.read_u32());
  for (uint32_t i = 0; i < n; ++i) {
    TRY(uint32_t f, r.read_u32());
    flags.push_back(f);
    const bool active = !(f & 1), expressions = f & 4;
    if (active && (f & 2)) WASMSLOT_CHECK(r.read_u32());  // table index
    if (active) WASMSLOT_CHECK(skip_const_expr(m, r));   // offset
    if (f & 3) WASMSLOT_CHECK(r.read_u8());              // element kind or reference type
    TRY(uint32_t count, r.read_u32());
    for (uint32_t k = 0; k < count; ++k) {
      if (expressions) WASMSLOT_CHECK(skip_const_expr(m, r));
      else WASMSLOT_CHECK(r.read_u32());
    }
  }
  return Ok{};
}

const char* section_name(uint8_t id) {
  static constexpr const char* kNames[] = {"Custom", "Type",   "Import", "Function", "Table",
                                           "Memory", "Global", "Export", "Start",    "Elem",
                                           "Code",   "Data",   "DataCount"};
  return id < std::size(kNames) ? kNames[id] : "Unknown";
}

// Reads the section headers and the code section's entries. decode() has
// already accepted the module, so these reads succeed; they are still checked,
// as every read of a Reader is.
Result<Layout> read_layout(const Module& m) {
  Layout layout;
  Reader r(m.bytes);
  WASMSLOT_CHECK(r.skip(8));  // magic and version
  while (!r.at_end()) {
    Section s;
    TRY(s.id, r.read_u8());
    TRY(uint32_t size, r.read_u32());
    s.begin = r.position();
    s.end = s.begin + size;
    if (s.id == 0) {
      TRY(s.custom_name, r.read_name());
    } else if (s.id == 9) {
      WASMSLOT_CHECK(read_elem_flags(m, r, layout.elem_flags));
    } else if (s.id == 10) {
      TRY(uint32_t n, r.read_u32());
      for (uint32_t i = 0; i < n; ++i) {
        TRY(uint32_t body_size, r.read_u32());
        Body b{r.position(), r.position() + body_size, {}};
        TRY(uint32_t runs, r.read_u32());
        for (uint32_t k = 0; k < runs; ++k) {
          LocalDecl d{r.position(), 0, 0, ValType::I32};
          TRY(d.count, r.read_u32());
          TRY(uint8_t type, r.read_u8());
          d.type = static_cast<ValType>(type);
          d.end = r.position();
          b.locals.push_back(d);
        }
        layout.bodies.push_back(std::move(b));
        r.seek(layout.bodies.back().end);
      }
    }
    layout.sections.push_back(std::move(s));
    r.seek(layout.sections.back().end);
  }
  return layout;
}

// A name map of the name section: vec(index name). nullopt when malformed.
std::optional<std::map<uint32_t, std::string>> read_name_map(Reader& r) {
  std::map<uint32_t, std::string> map;
  auto n = r.read_u32();
  if (!n) return std::nullopt;
  for (uint32_t i = 0; i < *n; ++i) {
    auto index = r.read_u32();
    if (!index) return std::nullopt;
    auto name = r.read_name();
    if (!name) return std::nullopt;
    map[*index] = std::move(*name);
  }
  return map;
}

// The name section (spec appendix 7.4) and the extended-name-section
// proposal's subsections that wasm-objdump reads: 1 functions, 2 locals (an
// indirect map: per function, a name map of its locals), 4 types, 5 tables,
// 6 memories, 7 globals. Like decode(), a malformed name section is ignored
// from where it goes wrong.
void read_name_section(const Module& m, const Section& s, Names& names,
                       std::vector<std::string>* details) {
  Reader r(m.bytes, s.begin, s.end);
  if (!r.read_name()) return;
  while (!r.at_end()) {
    auto id = r.read_u8();
    if (!id) return;
    auto size = r.read_u32();
    if (!size || *size > r.remaining()) return;
    Reader sub(m.bytes, r.position(), r.position() + *size);
    r.seek(r.position() + *size);
    std::map<uint32_t, std::string>* target = nullptr;
    std::map<uint32_t, std::string> listed_only;  // names that only the details list
    const char* kind = nullptr;
    switch (*id) {
      case 0: {
        auto name = sub.read_name();
        if (!name) return;
        if (details) details->push_back(" - module <" + *name + ">");
        continue;
      }
      case 1: target = &names.funcs; kind = "func"; break;
      case 2: {
        auto n = sub.read_u32();
        if (!n) return;
        for (uint32_t i = 0; i < *n; ++i) {
          auto func = sub.read_u32();
          if (!func) return;
          auto map = read_name_map(sub);
          if (!map) return;
          for (const auto& [local, name] : *map) {
            names.locals[*func][local] = name;
            if (details)
              details->push_back(" - func[" + std::to_string(*func) + "] local[" + std::to_string(local) +
                                 "] <" + name + ">");
          }
        }
        continue;
      }
      case 4: target = &listed_only; kind = "type"; break;
      case 5: target = &names.tables; kind = "table"; break;
      case 6: target = &listed_only; kind = "memory"; break;
      case 7: target = &names.globals; kind = "global"; break;
      default: continue;
    }
    auto map = read_name_map(sub);
    if (!map) return;
    for (const auto& [index, name] : *map) {
      (*target)[index] = name;
      if (details) details->push_back(" - " + std::string(kind) + "[" + std::to_string(index) + "] <" + name + ">");
    }
  }
}

Names collect_names(const Module& m, const Layout& layout) {
  Names names;
  uint32_t funcs = 0, tables = 0, globals = 0;
  for (const Import& im : m.imports) {
    const std::string name = im.module + "." + im.name;
    if (im.kind == ExternKind::Func) names.funcs[funcs++] = name;
    if (im.kind == ExternKind::Table) names.tables[tables++] = name;
    if (im.kind == ExternKind::Global) names.globals[globals++] = name;
  }
  for (const Export& e : m.exports) {
    if (e.kind == ExternKind::Func) names.funcs[e.index] = e.name;
    if (e.kind == ExternKind::Global) names.globals[e.index] = e.name;
  }
  for (const Section& s : layout.sections)
    if (s.id == 0 && s.custom_name == "name") read_name_section(m, s, names, nullptr);
  return names;
}

// --- -h ------------------------------------------------------------------------

// What a section header line says after its range: the entry count of a
// vector section, the start function, a custom section's name.
std::string section_summary(const Module& m, const Section& s) {
  if (s.id == 0) return "\"" + shown(s.custom_name) + "\"";
  Reader r(m.bytes, s.begin, s.end);
  auto n = r.read_u32();
  if (!n) return "";
  return (s.id == 8 ? "start: " : "count: ") + std::to_string(*n);
}

void headers(const Module& m, const Layout& layout, std::string& out) {
  out += "\nSections:\n\n";
  for (const Section& s : layout.sections)
    append(out, "%9s start=0x%08zx end=0x%08zx (size=0x%08zx) %s\n", section_name(s.id), s.begin, s.end,
           s.end - s.begin, section_summary(m, s).c_str());
}

// --- -x ------------------------------------------------------------------------

std::string type_list(const std::vector<ValType>& types) {
  std::string s;
  for (size_t i = 0; i < types.size(); ++i) s += (i ? ", " : "") + std::string(to_string(types[i]));
  return s;
}

std::string func_type_text(const FuncType& t) {
  std::string results = t.results.empty()       ? "nil"
                        : t.results.size() == 1 ? std::string(to_string(t.results[0]))
                                                : "(" + type_list(t.results) + ")";
  return "(" + type_list(t.params) + ") -> " + results;
}

std::string limits_text(const Limits& l) {
  std::string s = "initial=" + std::to_string(l.min);
  if (l.max) s += " max=" + std::to_string(*l.max);
  return s;
}

std::string ref_type_text(uint64_t byte) {
  return static_cast<ValType>(byte) == ValType::FuncRef ? "func" : "extern";
}

// One operation of a constant expression, in text-format syntax.
std::string const_op_text(const ConstOp& op, const Names& names) {
  std::string s = info(op.op).text;
  switch (op.op) {
    case Opcode::i32_const: return s + " " + std::to_string(static_cast<int32_t>(op.imm));
    case Opcode::i64_const: return s + " " + std::to_string(static_cast<int64_t>(op.imm));
    case Opcode::f32_const: return s + " " + f32_text(op.imm);
    case Opcode::f64_const: return s + " " + f64_text(op.imm);
    case Opcode::global_get:
      return s + " " + std::to_string(op.imm) + Names::of(names.globals, static_cast<uint32_t>(op.imm));
    case Opcode::ref_func: return s + " " + std::to_string(op.imm);
    case Opcode::ref_null: return s + " " + ref_type_text(op.imm);
    case Opcode::v128_const: return s + " " + v128_text(op.imm, op.imm_hi);
    default: return s;
  }
}

// A constant expression as wasm-objdump summarizes it: "i32=5" and the like
// for one constant or global.get, else the list of its operations. A
// segment's offset (is_offset) is an address: its i32 shows unsigned.
std::string init_text(const ConstExpr& e, const Names& names, bool is_offset = false) {
  if (e.ops.size() == 1) {
    const ConstOp& op = e.ops[0];
    switch (op.op) {
      case Opcode::i32_const:
        return "i32=" + (is_offset ? std::to_string(static_cast<uint32_t>(op.imm))
                                   : std::to_string(static_cast<int32_t>(op.imm)));
      case Opcode::i64_const: return "i64=" + std::to_string(static_cast<int64_t>(op.imm));
      case Opcode::f32_const: return "f32=" + f32_text(op.imm);
      case Opcode::f64_const: return "f64=" + f64_text(op.imm);
      case Opcode::global_get: {
        const auto index = static_cast<uint32_t>(op.imm);
        return "global=" + std::to_string(index) + Names::of(names.globals, index);
      }
      default: break;
    }
  }
  std::string s = "(";
  for (size_t i = 0; i < e.ops.size(); ++i) s += (i ? ", " : "") + const_op_text(e.ops[i], names);
  return s + ")";
}

// Where an active segment starts, when its offset is a constant; else 0.
uint64_t constant_offset(SegmentMode mode, const ConstExpr& offset) {
  if (mode != SegmentMode::Active || offset.ops.size() != 1 || offset.ops[0].op != Opcode::i32_const) return 0;
  return static_cast<uint32_t>(offset.ops[0].imm);
}

// A data segment's bytes, 16 to a line: address (from `base`), hex in pairs,
// then the printable characters.
void hex_dump(std::span<const uint8_t> bytes, uint64_t base, std::string& out) {
  for (size_t line = 0; line < bytes.size(); line += 16) {
    append(out, "  - %07" PRIx64 ": ", base + line);
    std::string text;
    for (size_t i = 0; i < 16; ++i) {
      if (line + i < bytes.size()) {
        const uint8_t b = bytes[line + i];
        append(out, "%02x", b);
        text += b >= 0x20 && b < 0x7F ? static_cast<char>(b) : '.';
      } else {
        out += "  ";
      }
      if (i % 2 == 1) out += ' ';
    }
    out += " " + text + "\n";
  }
}

void details(const Module& m, const Layout& layout, const Names& names, std::string& out) {
  out += "\nSection Details:\n\n";
  const auto& func_name = [&](uint32_t i) { return Names::of(names.funcs, i); };
  for (const Section& s : layout.sections) {
    switch (s.id) {
      case 1:
        append(out, "Type[%zu]:\n", m.types.size());
        for (size_t i = 0; i < m.types.size(); ++i)
          append(out, " - type[%zu] %s\n", i, func_type_text(m.types[i]).c_str());
        break;
      case 2: {
        append(out, "Import[%zu]:\n", m.imports.size());
        uint32_t counts[4] = {0, 0, 0, 0};
        for (const Import& im : m.imports) {
          const uint32_t i = counts[static_cast<int>(im.kind)]++;
          const std::string from = " <- " + im.module + "." + im.name;
          switch (im.kind) {
            case ExternKind::Func:
              append(out, " - func[%u] sig=%u%s%s\n", i, im.type_index, func_name(i).c_str(), from.c_str());
              break;
            case ExternKind::Table:
              append(out, " - table[%u] type=%s %s%s\n", i, to_string(im.table.elem),
                     limits_text(im.table.limits).c_str(), from.c_str());
              break;
            case ExternKind::Memory:
              append(out, " - memory[%u] pages: %s%s\n", i, limits_text(im.memory.limits).c_str(), from.c_str());
              break;
            case ExternKind::Global:
              append(out, " - global[%u] %s mutable=%d%s\n", i, to_string(im.global.type), im.global.mut ? 1 : 0,
                     from.c_str());
              break;
          }
        }
        break;
      }
      case 3:
        append(out, "Function[%zu]:\n", m.funcs.size());
        for (size_t i = 0; i < m.funcs.size(); ++i) {
          const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
          append(out, " - func[%u] sig=%u%s\n", index, m.funcs[i].type_index, func_name(index).c_str());
        }
        break;
      case 4:
        append(out, "Table[%zu]:\n", m.tables.size());
        for (size_t i = 0; i < m.tables.size(); ++i) {
          const uint32_t index = m.num_imported_tables + static_cast<uint32_t>(i);
          append(out, " - table[%u] type=%s %s%s\n", index, to_string(m.tables[i].elem),
                 limits_text(m.tables[i].limits).c_str(), Names::of(names.tables, index).c_str());
        }
        break;
      case 5:
        append(out, "Memory[%zu]:\n", m.memories.size());
        for (size_t i = 0; i < m.memories.size(); ++i) {
          const uint32_t index = m.num_imported_memories + static_cast<uint32_t>(i);
          append(out, " - memory[%u] pages: %s\n", index, limits_text(m.memories[i].limits).c_str());
        }
        break;
      case 6:
        append(out, "Global[%zu]:\n", m.globals.size());
        for (size_t i = 0; i < m.globals.size(); ++i) {
          const uint32_t index = m.num_imported_globals + static_cast<uint32_t>(i);
          const Global& g = m.globals[i];
          append(out, " - global[%u] %s mutable=%d%s - init %s\n", index, to_string(g.type.type),
                 g.type.mut ? 1 : 0, Names::of(names.globals, index).c_str(), init_text(g.init, names).c_str());
        }
        break;
      case 7:
        append(out, "Export[%zu]:\n", m.exports.size());
        for (const Export& e : m.exports) {
          append(out, " - %s[%u]%s -> \"%s\"\n", to_string(e.kind), e.index,
                 e.kind == ExternKind::Func ? func_name(e.index).c_str() : "", e.name.c_str());
        }
        break;
      case 8:
        append(out, "Start:\n - start function: %u\n", m.start.value_or(0));
        break;
      case 9:
        append(out, "Elem[%zu]:\n", m.elems.size());
        for (size_t i = 0; i < m.elems.size(); ++i) {
          const ElemSegment& e = m.elems[i];
          append(out, " - segment[%zu] flags=%u table=%u count=%zu", i,
                 i < layout.elem_flags.size() ? layout.elem_flags[i] : 0, e.table, e.size());
          if (e.mode == SegmentMode::Active) out += " - init " + init_text(e.offset, names, true);
          out += "\n";
          // Elements are numbered by their place in the table.
          uint64_t k = constant_offset(e.mode, e.offset);
          auto func_item = [&](uint32_t f) {
            append(out, "  - elem[%" PRIu64 "] = func[%u]%s\n", k++, f, func_name(f).c_str());
          };
          auto null_item = [&](uint64_t type) {
            append(out, "  - elem[%" PRIu64 "] = ref.null %sref\n", k++, ref_type_text(type).c_str());
          };
          for (uint32_t f : e.funcs) {
            if (f == ElemSegment::kNullFunc) null_item(static_cast<uint8_t>(ValType::FuncRef));
            else func_item(f);
          }
          for (const ConstExpr& x : e.init) {
            if (x.ops.size() == 1 && x.ops[0].op == Opcode::ref_func)
              func_item(static_cast<uint32_t>(x.ops[0].imm));
            else if (x.ops.size() == 1 && x.ops[0].op == Opcode::ref_null)
              null_item(x.ops[0].imm);
            else
              append(out, "  - elem[%" PRIu64 "] = %s\n", k++, init_text(x, names).c_str());
          }
        }
        break;
      case 10:
        append(out, "Code[%zu]:\n", layout.bodies.size());
        for (size_t i = 0; i < layout.bodies.size(); ++i) {
          const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
          append(out, " - func[%u] size=%zu%s\n", index, layout.bodies[i].end - layout.bodies[i].begin,
                 func_name(index).c_str());
        }
        break;
      case 11:
        append(out, "Data[%zu]:\n", m.datas.size());
        for (size_t i = 0; i < m.datas.size(); ++i) {
          const DataSegment& d = m.datas[i];
          if (d.mode == SegmentMode::Passive)
            append(out, " - segment[%zu] passive size=%zu\n", i, d.bytes_size);
          else
            append(out, " - segment[%zu] memory=%u size=%zu - init %s\n", i, d.memory, d.bytes_size,
                   init_text(d.offset, names, true).c_str());
          // Addresses count from the segment's offset.
          hex_dump(std::span(m.bytes).subspan(d.bytes_offset, d.bytes_size), constant_offset(d.mode, d.offset), out);
        }
        break;
      case 12:
        append(out, "DataCount:\n - data count: %u\n", m.data_count.value_or(0));
        break;
      case 0: {
        out += "Custom:\n - name: \"" + shown(s.custom_name) + "\"\n";
        if (s.custom_name == "name") {
          Names ignored;
          std::vector<std::string> lines;
          read_name_section(m, s, ignored, &lines);
          for (const std::string& line : lines) out += line + "\n";
        }
        break;
      }
    }
  }
}

// --- -d ------------------------------------------------------------------------

// One line of the disassembly: offset, up to 9 of the bytes (the rest go on
// continuation lines), then the text.
void line(std::span<const uint8_t> bytes, size_t begin, size_t end, const std::string& text, std::string& out) {
  constexpr size_t kBytesPerLine = 9;
  for (size_t at = begin; at < end || at == begin; at += kBytesPerLine) {
    append(out, " %06zx: ", at);
    std::string hex;
    for (size_t i = at; i < end && i < at + kBytesPerLine; ++i) append(hex, "%02x ", bytes[i]);
    append(out, "%-27s| %s\n", hex.c_str(), at == begin ? text.c_str() : "");
  }
}

// The text of one instruction: its mnemonic from the opcode table, then its
// immediates as the table's immediate kind says they are encoded.
std::string instr_text(const Module& m, const Names& names, uint32_t func_index, Opcode op,
                       const InstrImm& imm, const InstrReader& reader, size_t imm_begin) {
  const OpInfo& in = info(op);
  std::string s = in.text;
  auto num = [&](uint64_t v) { s += " " + std::to_string(v); };
  // The memory index is shown when the memarg encodes one (bit 6 of the
  // alignment field: multi-memory), even when that index is 0.
  auto memarg = [&] {
    num(imm.align);
    const LebRead align = read_unsigned_leb128(m.bytes.data() + imm_begin, m.bytes.data() + m.bytes.size(), 32);
    if (align.value & 0x40) num(imm.x);
    num(imm.bits);
  };
  switch (in.imm) {
    case Imm::none: break;
    case Imm::block_type:
      if (imm.block.kind == BlockType::Value) s += " " + std::string(to_string(imm.block.value));
      if (imm.block.kind == BlockType::Index) s += " type[" + std::to_string(imm.block.index) + "]";
      break;
    case Imm::br_table:
      for (uint32_t label : reader.labels()) num(label);
      num(imm.x);
      break;
    case Imm::select_t:
      for (ValType t : reader.types()) s += " " + std::string(to_string(t));
      break;
    case Imm::func:
      num(imm.x);
      // Of the instructions naming a function, wasm-objdump names it for call only.
      if (op == Opcode::call) s += Names::of(names.funcs, imm.x);
      break;
    case Imm::call_indirect:
      if (op == Opcode::call_indirect) {
        num(imm.y);
        s += Names::of(names.tables, imm.y) + " (type " + std::to_string(imm.x) + ")";
      } else {
        num(imm.x);
        num(imm.y);
      }
      break;
    case Imm::local: {
      num(imm.x);
      // local.tee gets no name in wasm-objdump's output.
      auto it = names.locals.find(func_index);
      if (op != Opcode::local_tee && it != names.locals.end()) s += Names::of(it->second, imm.x);
      break;
    }
    case Imm::global:
      num(imm.x);
      s += Names::of(names.globals, imm.x);
      break;
    case Imm::label:
    case Imm::table:
    case Imm::mem:
    case Imm::data:
    case Imm::elem:
      num(imm.x);
      break;
    case Imm::mem_init:
    case Imm::mem_copy:
    case Imm::table_init:
    case Imm::table_copy:
      num(imm.x);
      num(imm.y);
      break;
    case Imm::memarg: memarg(); break;
    case Imm::memarg_lane:
      memarg();
      num(imm.lane);
      break;
    case Imm::lane: num(imm.lane); break;
    case Imm::i32: num(imm.bits); break;  // unsigned, as wasm-objdump prints it
    case Imm::i64: s += " " + std::to_string(static_cast<int64_t>(imm.bits)); break;
    case Imm::f32: s += " " + f32_text(imm.bits); break;
    case Imm::f64: s += " " + f64_text(imm.bits); break;
    case Imm::ref_type: s += imm.type == ValType::FuncRef ? " func" : " extern"; break;
    case Imm::v128:
    case Imm::shuffle: s += " " + v128_text(imm.bits, imm.bits_hi); break;
  }
  return s;
}

Status disassemble(const Module& m, const Layout& layout, const Names& names, std::string& out) {
  out += "\nCode Disassembly:\n\n";
  const std::span<const uint8_t> bytes(m.bytes);
  Opcode op;
  InstrImm imm;
  for (size_t i = 0; i < m.funcs.size() && i < layout.bodies.size(); ++i) {
    const Func& f = m.funcs[i];
    const Body& body = layout.bodies[i];
    const uint32_t index = m.num_imported_funcs + static_cast<uint32_t>(i);
    append(out, "%06zx func[%u]%s:\n", body.begin, index, Names::of(names.funcs, index).c_str());

    // Locals are numbered after the parameters. (wasm-objdump 1.0.32 counts
    // the parameters of the type whose index is the function's index, a bug
    // this does not copy: the numbers differ when that is another type.)
    // Local indices are u32 (localidx), and so is this arithmetic: a run of
    // zero locals shows as local[N..N-1], wrapped, as in wasm-objdump.
    uint32_t local = f.type_index < m.types.size() ? static_cast<uint32_t>(m.types[f.type_index].params.size()) : 0;
    for (const LocalDecl& d : body.locals) {
      std::string text = "local[" + std::to_string(local);
      if (d.count != 1) text += ".." + std::to_string(static_cast<uint32_t>(local + d.count - 1));
      text += "] type=" + std::string(to_string(d.type));
      line(bytes, d.begin, d.end, text, out);
      local += d.count;
    }

    // The block structure is part of the binary format, which decode()
    // leaves to the validator: `else` only inside an `if`, and the `end`
    // closing the function is the body's last byte. One entry per open
    // block, the function's own first: whether it is an `if`.
    std::vector<bool> open{false};
    InstrReader reader(m, kFeatures, f.body_offset, f.body_offset + f.body_size);
    while (!open.empty()) {
      if (reader.at_end()) return Error{kUnexpectedEnd, reader.position()};
      imm = InstrImm{};
      const size_t begin = reader.position();
      if (!reader.read_opcode(op)) return reader.error();
      const size_t imm_begin = reader.position();
      if (!reader.read_immediates(op, imm)) return reader.error();
      // Blocks indent what they contain; `else` and `end` stand at the
      // level of the instruction that opened the block.
      size_t depth = open.size() - 1;
      if (op == Opcode::block || op == Opcode::loop || op == Opcode::if_) {
        open.push_back(op == Opcode::if_);
      } else if (op == Opcode::else_) {
        if (!open.back()) return Error{"END opcode expected", begin};
        open.back() = false;
        --depth;
      } else if (op == Opcode::end) {
        open.pop_back();
        if (depth > 0) --depth;
      }
      const std::string text = std::string(2 * depth, ' ') + instr_text(m, names, index, op, imm, reader, imm_begin);
      line(bytes, begin, reader.position(), text, out);
    }
    if (!reader.at_end()) return Error{"section size mismatch", reader.position()};
  }
  return Ok{};
}

#undef TRY

}  // namespace

Result<std::string> dump_module(std::vector<uint8_t> bytes, std::string_view filename,
                                const DumpOptions& options) {
  auto decoded = decode(std::move(bytes));
  if (!decoded) return decoded.error();
  const Module& m = *decoded;
  auto layout = read_layout(m);
  if (!layout) return layout.error();
  const Names names = collect_names(m, *layout);

  // The file is named without its directory, as wasm-objdump names it.
  const std::string_view base = filename.substr(filename.find_last_of('/') + 1);
  std::string out = "\n" + std::string(base) + ":\tfile format wasm 0x1\n";
  if (!m.module_name.empty()) out += "module name: <" + shown(m.module_name) + ">\n";
  if (options.headers) headers(m, *layout, out);
  if (options.details) details(m, *layout, names, out);
  if (options.disassemble) {
    if (auto s = disassemble(m, *layout, names, out); !s) return s.error();
  }
  return out;
}

InstrTextFunc instruction_texts(std::shared_ptr<const Module> module) {
  // The names are collected once; a module that decoded lays out, but
  // without its layout there are simply no names.
  auto layout = read_layout(*module);
  Names names = layout ? collect_names(*module, *layout) : Names{};
  return [module = std::move(module), names = std::move(names)](uint32_t func_index, size_t offset) {
    InstrReader reader(*module, kFeatures, offset, module->bytes.size());
    Opcode op;
    InstrImm imm;
    if (!reader.read_opcode(op)) return std::string("?");
    const size_t imm_begin = reader.position();
    if (!reader.read_immediates(op, imm)) return std::string(info(op).text);
    return instr_text(*module, names, func_index, op, imm, reader, imm_begin);
  };
}

}  // namespace wasmslot
