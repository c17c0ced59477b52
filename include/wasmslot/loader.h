/// @file
/// Loading a module: bytes in, a validated and translated Module out, and
/// what the module imports and exports.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasmslot/result.h"
#include "wasmslot/types.h"

namespace wasmslot {

/// A decoded, validated and translated module. Opaque to embedders: what
/// they may ask of it is module_imports() and module_exports(). Immutable
/// once loaded, and shared by every instance made from it.
struct Module;

/// Which proposals beyond Wasm 2.0 the loader accepts. Wasm 2.0 itself (MVP,
/// sign extension, saturating conversions, multi-value, bulk memory,
/// reference types) is always on.
struct Features {
  bool simd = true;            ///< 128-bit SIMD (part of Wasm 2.0's draft, on by default)
  bool tail_call = true;       ///< return_call, return_call_indirect
  bool extended_const = true;  ///< i32/i64 add, sub, mul in constant expressions
  bool multi_memory = true;    ///< more than one memory per module
};

/// Limits a module may not exceed (the JS API's limits by default). Each is
/// checked before anything is allocated for it, so a hostile module cannot
/// make the loader allocate more than its own size suggests.
struct ModuleLimits {
  uint32_t max_types = 1000000;            ///< entries of the type section
  uint32_t max_functions = 1000000;        ///< functions, imported and defined
  uint32_t max_imports = 100000;           ///< imports
  uint32_t max_exports = 100000;           ///< exports
  uint32_t max_globals = 1000000;          ///< globals, imported and defined
  uint32_t max_data_segments = 100000;     ///< data segments
  uint32_t max_elem_segments = 10000000;   ///< element segments
  uint32_t max_table_size = 10000000;      ///< a table's declared minimum
  uint32_t max_locals = 50000;             ///< locals of one function (parameters included)
  uint32_t max_params = 1000;              ///< parameters of one function type
  uint32_t max_results = 1000;             ///< results of one function type
  uint32_t max_body_size = 7654321;        ///< bytes of one function body
  uint64_t max_module_size = 1024ull * 1024 * 1024;  ///< bytes of the whole module
};

/// Decodes (spec chapter 5), validates (chapter 3) and translates a binary
/// module. An Error says what is wrong and where: Error::offset is the byte
/// offset of the problem in `bytes`, and the message is the spec test
/// suite's wording ("type mismatch", "unexpected end", ...).
Result<std::shared_ptr<const Module>> load(std::vector<uint8_t> bytes, const Features& features = {},
                                           const ModuleLimits& limits = {});

/// Reads the file at `path` and loads it as load() does. An Error names the
/// file when it cannot be read.
Result<std::shared_ptr<const Module>> load_file(const std::string& path, const Features& features = {},
                                                const ModuleLimits& limits = {});

/// The type of an external value (spec: externtype): `kind` says which of
/// the other members is meaningful.
struct ExternType {
  ExternKind kind = ExternKind::Func;  ///< which member below applies
  FuncType func;                       ///< kind Func
  TableType table;                     ///< kind Table
  MemoryType memory;                   ///< kind Memory
  GlobalType global;                   ///< kind Global
};

/// One import of a module, in the module's order.
struct ImportType {
  std::string module;  ///< the module name ("env", "wasi_snapshot_preview1")
  std::string name;    ///< the field name
  ExternType type;     ///< what the import must be
};

/// One export of a module, in the module's order.
struct ExportType {
  std::string name;  ///< the export's name
  ExternType type;   ///< what it is
};

/// The module's imports (spec: module_imports), in order.
std::vector<ImportType> module_imports(const Module& module);
/// The module's exports (spec: module_exports), in order.
std::vector<ExportType> module_exports(const Module& module);

}  // namespace wasmslot
