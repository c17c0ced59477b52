#include "loader/loader.h"

namespace wasmslot {

// Loading is the binary format (chapter 5) followed by validation (chapter 3).
// The validator also translates every function body, so what comes out is
// ready to instantiate; the fuser then turns common sequences into
// superinstructions (loader/fuse.cpp); it is shared because any number of instances may use
// it, and const because nothing changes it after this point.
Result<std::shared_ptr<const Module>> load(std::vector<uint8_t> bytes, const Features& features,
                                           const ModuleLimits& limits) {
  auto decoded = decode(std::move(bytes), features, limits);
  if (!decoded) return decoded.error();
  auto module = std::make_shared<Module>(std::move(decoded).value());
  if (auto valid = validate(*module, features, limits); !valid) return valid.error();
  for (Func& f : module->funcs) fuse(f.code);
  return std::shared_ptr<const Module>(std::move(module));
}

}  // namespace wasmslot
