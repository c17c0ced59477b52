#include "loader/loader.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace wasmslot {

// Loading is the binary format (chapter 5) followed by validation (chapter 3).
// The validator also translates every function body, turning common
// sequences into superinstructions as it goes (loader/fuse.cpp), so what
// comes out is ready to instantiate. It is shared because any number of
// instances may use it, and const because nothing changes it after this
// point.
Result<std::shared_ptr<const Module>> load(std::vector<uint8_t> bytes, const Features& features,
                                           const ModuleLimits& limits) {
  auto decoded = decode(std::move(bytes), features, limits);
  if (!decoded) return decoded.error();
  auto module = std::make_shared<Module>(std::move(decoded).value());
  if (auto valid = validate(*module, features, limits, Translation::fused); !valid) return valid.error();
  return std::shared_ptr<const Module>(std::move(module));
}

Result<std::vector<uint8_t>> read_module_file(const std::string& path, uint64_t max_size) {
  // stdio rather than iostreams: it reports why a file cannot be read
  // (errno), and needs no exceptions.
  //
  // Reading stops as soon as the file is larger than max_size, with the
  // error decode() gives such a module: a huge file, or an endless one
  // (/dev/zero, a pipe), costs at most the limit, not all of memory.
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Error{std::strerror(errno)};
  std::vector<uint8_t> bytes;
  uint8_t buf[65536];
  size_t n;
  bool too_large = false;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (n > max_size - bytes.size()) {  // bytes.size() <= max_size here
      too_large = true;
      break;
    }
    bytes.insert(bytes.end(), buf, buf + n);
  }
  const bool failed = std::ferror(f);
  const int err = errno;
  std::fclose(f);
  if (too_large) return Error{"module too large", max_size};
  if (failed) return Error{std::strerror(err)};
  return bytes;
}

Result<std::shared_ptr<const Module>> load_file(const std::string& path, const Features& features,
                                                const ModuleLimits& limits) {
  auto bytes = read_module_file(path, limits.max_module_size);
  if (!bytes) {
    if (bytes.error().offset) return bytes.error();  // too large: the error decode() gives
    return Error{path + ": " + bytes.error().message};
  }
  return load(std::move(*bytes), features, limits);
}

// The types of imports and exports, with every index resolved: an embedder
// sees function types, not indices into the type section.
// The `index`-th import of `kind` (index spaces list imports first).
static const Import& nth_import(const Module& m, ExternKind kind, uint32_t index) {
  for (const Import& im : m.imports)
    if (im.kind == kind && index-- == 0) return im;
  return m.imports.front();  // unreachable for a validated module
}

static ExternType extern_type(const Module& m, ExternKind kind, uint32_t index) {
  ExternType t;
  t.kind = kind;
  switch (kind) {
    case ExternKind::Func: t.func = m.func_type(index); break;
    case ExternKind::Table:
      t.table = index < m.num_imported_tables ? nth_import(m, kind, index).table
                                              : m.tables[index - m.num_imported_tables];
      break;
    case ExternKind::Memory:
      t.memory = index < m.num_imported_memories ? nth_import(m, kind, index).memory
                                                 : m.memories[index - m.num_imported_memories];
      break;
    case ExternKind::Global:
      t.global = index < m.num_imported_globals ? nth_import(m, kind, index).global
                                                : m.globals[index - m.num_imported_globals].type;
      break;
  }
  return t;
}

std::vector<ImportType> module_imports(const Module& module) {
  std::vector<ImportType> out;
  out.reserve(module.imports.size());
  for (const Import& im : module.imports) {
    ImportType t{im.module, im.name, {}};
    t.type.kind = im.kind;
    t.type.func = im.kind == ExternKind::Func ? module.types[im.type_index] : FuncType{};
    t.type.table = im.table;
    t.type.memory = im.memory;
    t.type.global = im.global;
    out.push_back(std::move(t));
  }
  return out;
}

std::vector<ExportType> module_exports(const Module& module) {
  std::vector<ExportType> out;
  out.reserve(module.exports.size());
  for (const Export& ex : module.exports) out.push_back({ex.name, extern_type(module, ex.kind, ex.index)});
  return out;
}

}  // namespace wasmslot
