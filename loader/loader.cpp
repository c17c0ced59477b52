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
static ExternType import_type(const Module& m, const Import& im) {
  ExternType t;
  t.kind = im.kind;
  if (im.kind == ExternKind::Func) t.func = m.types[im.type_index];
  t.table = im.table;
  t.memory = im.memory;
  t.global = im.global;
  return t;
}

std::vector<ImportType> module_imports(const Module& module) {
  std::vector<ImportType> out;
  out.reserve(module.imports.size());
  for (const Import& im : module.imports) out.push_back({im.module, im.name, import_type(module, im)});
  return out;
}

std::vector<ExportType> module_exports(const Module& module) {
  // Every index space lists its imports first, in import order. Gathered
  // once, so that each export is found by its index, not by a walk over
  // the imports (a module may have many of both).
  std::vector<const Import*> imported[4];  // by ExternKind
  for (const Import& im : module.imports) imported[static_cast<size_t>(im.kind)].push_back(&im);

  std::vector<ExportType> out;
  out.reserve(module.exports.size());
  for (const Export& ex : module.exports) {
    const std::vector<const Import*>& imports = imported[static_cast<size_t>(ex.kind)];
    if (ex.index < imports.size()) {
      out.push_back({ex.name, import_type(module, *imports[ex.index])});
      continue;
    }
    const size_t own = ex.index - imports.size();  // in the module's own definitions
    ExternType t;
    t.kind = ex.kind;
    switch (ex.kind) {
      case ExternKind::Func: t.func = module.types[module.funcs[own].type_index]; break;
      case ExternKind::Table: t.table = module.tables[own]; break;
      case ExternKind::Memory: t.memory = module.memories[own]; break;
      case ExternKind::Global: t.global = module.globals[own].type; break;
    }
    out.push_back({ex.name, std::move(t)});
  }
  return out;
}

}  // namespace wasmslot
