#include "host/shadow_stack.h"

#include <cstdint>
#include <string>
#include <vector>

namespace wasmslot {

namespace {

// A bounds-checked reader for the few LEB128 fields of the name section. The
// decoder has already validated the module, but the name section is a custom
// section: the spec says a malformed one is ignored, not an error, so this
// reader fails softly.
struct Bytes {
  const std::vector<uint8_t>& b;
  size_t pos;
  size_t end;
  bool ok = true;

  uint32_t u32() {
    uint32_t v = 0;
    for (unsigned shift = 0; shift < 35; shift += 7) {
      if (pos >= end) {
        ok = false;
        return 0;
      }
      uint8_t byte = b[pos++];
      v |= uint32_t(byte & 0x7F) << shift;
      if (!(byte & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  std::string_view str() {
    uint32_t n = u32();
    if (!ok || n > end - pos) {
      ok = false;
      return {};
    }
    std::string_view s(reinterpret_cast<const char*>(b.data() + pos), n);
    pos += n;
    return s;
  }
};

bool qualifies(const Module& m, uint32_t index) {
  GlobalType t;
  if (index < m.num_imported_globals) {
    uint32_t seen = 0;
    bool found = false;
    for (const Import& imp : m.imports) {
      if (imp.kind != ExternKind::Global) continue;
      if (seen++ == index) {
        t = imp.global;
        found = true;
        break;
      }
    }
    if (!found) return false;
  } else {
    uint32_t i = index - m.num_imported_globals;
    if (i >= m.globals.size()) return false;
    t = m.globals[i].type;
  }
  return t.mut && (t.type == ValType::I32 || t.type == ValType::I64);
}

std::optional<uint32_t> from_name_section(const Module& m, std::string_view name) {
  const auto& b = m.bytes;
  if (b.size() < 8) return std::nullopt;
  Bytes r{b, 8, b.size()};
  while (r.ok && r.pos < r.end) {
    uint8_t id = b[r.pos++];
    uint32_t size = r.u32();
    if (!r.ok || size > r.end - r.pos) return std::nullopt;
    size_t next = r.pos + size;
    if (id == 0) {
      Bytes s{b, r.pos, next};
      if (s.str() == "name" && s.ok) {
        while (s.ok && s.pos < s.end) {
          uint8_t sub = b[s.pos++];
          uint32_t sub_size = s.u32();
          if (!s.ok || sub_size > s.end - s.pos) return std::nullopt;
          size_t sub_end = s.pos + sub_size;
          if (sub == 7) {  // global names: vec(idx name)
            Bytes g{b, s.pos, sub_end};
            uint32_t count = g.u32();
            for (uint32_t i = 0; g.ok && i < count; ++i) {
              uint32_t idx = g.u32();
              std::string_view n = g.str();
              if (g.ok && n == name) return idx;
            }
          }
          s.pos = sub_end;
        }
      }
    }
    r.pos = next;
  }
  return std::nullopt;
}

}  // namespace

std::optional<uint32_t> find_stack_pointer(const Module& module, std::string_view name) {
  for (const Export& e : module.exports)
    if (e.kind == ExternKind::Global && e.name == name)
      return qualifies(module, e.index) ? std::optional<uint32_t>(e.index) : std::nullopt;
  auto idx = from_name_section(module, name);
  if (idx && qualifies(module, *idx)) return idx;
  return std::nullopt;
}

}  // namespace wasmslot
