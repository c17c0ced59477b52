#include "loader/loader.h"

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

}  // namespace wasmslot
