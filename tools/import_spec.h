// The command line's asynchronous imports: `--async-import MOD.NAME=SPEC`
// (ASYNC.md, "Command line"):
//
//   VALUE[@MS]          resolve with VALUE after MS milliseconds (default 0);
//                       VALUE is typed by the slot: the import's result in
//                       form 3, the callback's value parameter in forms 1, 2
//   reject[:CODE][@MS]  reject with CODE (default 1) after MS milliseconds
//   sleep               the import's first argument is a delay in ms; resolve
//                       with it (converted to the slot's type) once it passed
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "wasmslot/async.h"
#include "wasmslot/result.h"

namespace wasmslot::cli {

struct ImportSpec {
  enum class Kind : uint8_t { Resolve, Reject, Sleep } kind = Kind::Resolve;
  std::string target;  // "env.get" as given
  std::string text;    // the SPEC as given, for messages
  std::string value;   // Resolve: the VALUE text (parsed once the type is known)
  int32_t code = kDefaultRejectCode;  // Reject
  uint32_t delay_ms = 0;              // @MS
};

// Parses "MOD.NAME=SPEC" (the argument of --async-import).
Result<ImportSpec> parse_import_spec(std::string_view arg);

// Errors found while the loop runs (a VALUE that does not fit the slot's type):
// the first one is reported when the run ends.
struct HostErrors {
  std::optional<std::string> first;
  void add(std::string m) {
    if (!first) first = std::move(m);
  }
};

// The C++ side of the import, for AsyncRuntime::make_async_func.
AsyncImportFn make_import_fn(const ImportSpec& spec, std::shared_ptr<HostErrors> errors);

}  // namespace wasmslot::cli
