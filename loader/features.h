// Which proposals beyond the MVP a module uses, for `wasmslot validate
// --features`: a look at a validated module, never on the execution path.
#pragma once

#include <string>
#include <vector>

#include "loader/loader.h"
#include "loader/module.h"

namespace wasmslot {

// The names wabt's --enable-* flags use ("sign-ext", "simd", "tail-call",
// ...), in a fixed order; empty for a pure MVP module.
std::vector<std::string> features_used(const Module& module, const Features& features = {});

}  // namespace wasmslot
