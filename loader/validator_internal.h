// Shared between the two halves of validation: the module's components
// (loader/validator.cpp) and the function bodies (loader/validate_code.cpp).
// Not part of the loader's API.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "loader/loader.h"
#include "loader/module.h"

namespace wasmslot::validation {

// The validation context C of the spec (section 3.1.6 "Contexts"): what a
// definition may refer to, with every index space flattened, imports first.
// Built once per module, so that an index check is one comparison and a type
// lookup one load.
struct Context {
  const Module* module = nullptr;
  Features features;
  ModuleLimits limits;

  std::vector<uint32_t> funcs;      // C.funcs: the type index of each function
  std::vector<ValType> tables;      // C.tables: the element type of each table
  uint32_t memories = 0;            // C.mems: how many (their types do not matter here)
  std::vector<GlobalType> globals;  // C.globals
  uint32_t imported_globals = 0;    // constant expressions see only these (Wasm 2.0)
  std::vector<ValType> elems;       // C.elems: the reference type of each segment
  uint32_t datas = 0;               // C.datas: how many data segments
  std::vector<bool> refs;           // C.refs: functions a body's ref.func may name

  const FuncType& func_type(uint32_t func_index) const { return module->types[funcs[func_index]]; }
};

// "unknown global 7": the reference interpreter's wording for every index
// space, which the spec tests match by prefix.
inline Error unknown(size_t offset, const char* space, uint64_t index) {
  return Error{std::string("unknown ") + space + " " + std::to_string(index), offset};
}

// The name of a value type for messages; `ValType{0}` is the validator's
// "unknown" type of the polymorphic stack.
const char* type_name(ValType t);

// Validates and translates every function body (spec 3.3 "Instructions",
// 3.4.1 "Functions"), filling each Func::code. Context and module types are
// already checked.
Status validate_functions(const Context& c, Module& module, Translation translation);

// The fuser's peephole (loader/fuse.cpp): appends x to code, merging it with
// the instructions before it into a superinstruction when they form one of
// its sequences, but never with those before `barrier` (a branch lands at
// code[barrier]). Returns the index of the instruction that holds x.
uint32_t emit_fused(std::vector<Instr>& code, size_t barrier, Instr x);

// The first body, from `first_func` on, that is malformed (spec chapter 5),
// found by reading the instructions without typing them. The binary format
// comes before validation: the reference interpreter decodes the whole module
// before it checks anything, so a module that is both malformed and invalid
// must be reported as malformed, even when this validator, which reads bodies
// lazily, met the invalid part first.
std::optional<Error> find_malformed_body(const Context& c, const Module& module, size_t first_func);

}  // namespace wasmslot::validation
