// `wasmslot dump`: what a module holds, in the layout of wabt's wasm-objdump
// (-h section headers, -x section details, -d disassembly), so that the two
// tools' outputs can be compared line by line.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "loader/module.h"
#include "wasmslot/result.h"

namespace wasmslot {

struct DumpOptions {
  bool headers = false;      // -h
  bool details = false;      // -x
  bool disassemble = false;  // -d
  bool help = false;         // --help
  std::string file;
};

extern const char* const kDumpUsage;

// The command line of `wasmslot dump` (without the word `dump`).
Result<DumpOptions> parse_dump_options(const std::vector<std::string>& args);

// The dump of `bytes`, read from `filename` (which the output names, as
// wasm-objdump does). Fails, with the loader's message and offset, on a
// module that is not well formed (the binary format of spec chapter 5);
// validity is not checked, so an invalid module still disassembles.
Result<std::string> dump_module(std::vector<uint8_t> bytes, std::string_view filename,
                                const DumpOptions& options);

// The text of single instructions of `module`, as the disassembly (-d) shows
// them ("i64.const 1", "call 0 <fac>"): text(func_index, offset) decodes the
// instruction at byte `offset` of the body of function func_index (in the
// function index space). For traces (`wasmslot run --trace`).
using InstrTextFunc = std::function<std::string(uint32_t func_index, size_t offset)>;
InstrTextFunc instruction_texts(std::shared_ptr<const Module> module);

}  // namespace wasmslot
