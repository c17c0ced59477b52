// The loader's entry points: bytes in, a validated and translated Module out.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "loader/module.h"
#include "loader/result.h"

namespace wasmslot {

// Which proposals beyond Wasm 2.0 the loader accepts. Wasm 2.0 itself (MVP,
// sign extension, saturating conversions, multi-value, bulk memory, reference
// types) is always on.
struct Features {
  bool simd = true;
  bool tail_call = true;
  bool extended_const = true;
  bool multi_memory = true;
};

// Limits a module may not exceed (the JS API's limits by default). Each is
// checked before anything is allocated for it.
struct ModuleLimits {
  uint32_t max_types = 1000000;
  uint32_t max_functions = 1000000;
  uint32_t max_imports = 100000;
  uint32_t max_exports = 100000;
  uint32_t max_globals = 1000000;
  uint32_t max_data_segments = 100000;
  uint32_t max_elem_segments = 10000000;
  uint32_t max_table_size = 10000000;
  uint32_t max_locals = 50000;
  uint32_t max_params = 1000;
  uint32_t max_results = 1000;
  uint32_t max_body_size = 7654321;
  uint64_t max_module_size = 1024ull * 1024 * 1024;
};

// Binary format only (spec chapter 5): sections, LEB128, UTF-8, counts. Does
// not check types; leaves Func::code empty.
Result<Module> decode(std::vector<uint8_t> bytes, const Features& = {}, const ModuleLimits& = {});

// How validate() translates function bodies: `plain` is exactly the form
// that loader/module.h documents, one Instr per executed instruction;
// `fused` also runs the fuser's peephole (loader/fuse.cpp) as it emits, so
// common sequences become superinstructions (interp/binops.def). The
// interpreter runs both; load() asks for `fused`.
enum class Translation : uint8_t { plain, fused };

// Validation (spec chapter 3) of a decoded module; translates every function
// body into Func::code on the way.
Status validate(Module& module, const Features& = {}, const ModuleLimits& = {},
                Translation = Translation::plain);

// decode + validate, translating with superinstructions.
Result<std::shared_ptr<const Module>> load(std::vector<uint8_t> bytes, const Features& = {},
                                           const ModuleLimits& = {});

}  // namespace wasmslot
