// Shadow stacks (ASYNC.md, "Rules every form keeps").
//
// Code compiled from C or Rust keeps part of its stack in linear memory,
// addressed through a mutable global, by convention `__stack_pointer`. Two
// calls suspended in one instance would share that stack: the second pushes
// its frames below the first one's, and when the first resumes it pushes new
// frames over them. The runtime therefore needs to find that global; the
// async glue then saves and restores it across each suspension and gives each
// concurrent suspending call a stack of its own (a region of linear memory),
// or makes them take turns (CallOptions::stack_pointer, include/wasmslot/async.h).
#pragma once

#include <optional>
#include <string_view>

#include "loader/module.h"

namespace wasmslot {

// The global index (in the global index space, imports first) of the module's
// global named `name`: an exported global of that name, or else one the
// "name" custom section (subsection 7, global names) calls so. Only a mutable
// i32 or i64 global qualifies. nullopt when there is none.
std::optional<uint32_t> find_stack_pointer(const Module& module,
                                           std::string_view name = "__stack_pointer");

}  // namespace wasmslot
