// The loader's inside: decoding and validation as separate steps, for the
// tools and tests (the public entry point, load(), is in wasmslot/loader.h).
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "loader/module.h"
#include "wasmslot/loader.h"
#include "wasmslot/result.h"

namespace wasmslot {

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

// The bytes of the file at `path`, read with a bound: "module too large"
// (offset max_size) as soon as it holds more than `max_size` bytes, so an
// endless file costs at most that; otherwise an Error with the system's
// reason (offset 0). load_file() and the command line use it.
Result<std::vector<uint8_t>> read_module_file(const std::string& path, uint64_t max_size);

}  // namespace wasmslot
