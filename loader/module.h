// Module: what the loader produces from a binary (spec section 2.5 "Modules"),
// plus the translated code of each function that the interpreter executes.
//
// A Module is immutable once loaded: decoded, validated and translated. Any
// number of instances can be made from it.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "interp/opcodes.h"
#include "wasmslot/types.h"

namespace wasmslot {

// ---------------------------------------------------------------------------
// Translated code: the interpreter's instruction stream.
//
// The validator walks each function body once, checks it against the typing
// rules, and at the same time emits one Instr per executed instruction.
// Structured control flow disappears in that translation: `block`, `loop` and
// `nop` emit nothing, `if` becomes `br_unless`, `else` becomes `br`, and every
// branch carries its resolved target and how to reshape the value stack. The
// interpreter never searches for an `end`.
//
// Stack heights are counted in 8-byte cells from the frame pointer fp: the
// function's parameters and locals occupy the first `local_cells` cells, the
// operand stack grows above them (v128 values take two cells).
//
// Immediates, by opcode (every unused field is 0):
//   br, br_unless        a = target instruction index; b = keep | drop << 32
//   br_if                same as br, taken when the popped i32 is nonzero
//                        (br_unless: taken when it is zero)
//                        Taking a branch: the top `keep` cells move down by
//                        `drop` cells (to where the label's stack starts),
//                        then execution continues at `a`.
//   br_table             a = index of the first entry in Code::br_tables,
//                        b = number of labels n; entries a .. a+n-1 are the
//                        labels, entry a+n the default.
//   return_              a = number of result cells: they move to fp[0..a),
//                        the frame is popped and the caller continues.
//   call                 a = function index in the instance's function space
//   call_indirect        a = type index (of this module), b = table index
//   return_call          as call, return_call_indirect as call_indirect (tail
//   return_call_indirect calls); each is always followed by a `return_`
//                        with a = the caller's result cells, which a host
//                        callee (called like `call`) then runs.
//   drop                 a = number of cells to drop (1, or 2 for v128)
//   select, select_t     a = number of cells of each operand (1 or 2)
//   local_get/set/tee    a = cell offset of the local from fp;
//                        b = its number of cells (1, or 2 for v128)
//   global_get/set       a = global index
//   table_* , elem_drop  a = table index (table_init: a = elem index,
//                        b = table index; table_copy: a = dst, b = src)
//   loads and stores     a = memory index, b = the static offset
//   memory_size/grow/fill a = memory index
//   memory_init          a = data index, b = memory index
//   memory_copy          a = dst memory, b = src memory
//   data_drop            a = data index
//   *_const              b = the value's bits (f32: the low 32 bits)
//   ref_func             a = function index
//   SIMD (interp/opcodes_simd.def), by immediate kind:
//     memarg             a = memory index, b = the static offset (as above)
//     memarg_lane        the same, and reserved = the lane index
//     lane               a = the lane index (validated < the lane count)
//     v128 (v128.const), shuffle (i8x16.shuffle)
//                        a = index into Code::v128_pool of the 128-bit
//                        immediate (the value; the 16 lane indices)
//   ref_null, ref_is_null, unreachable and all numeric ops (SIMD ones
//   included): no immediates
// A function's code always ends with `return_`.
//
// Superinstructions. validate() produces exactly the form above by default;
// load() translates with Translation::fused, which runs the fuser
// (loader/fuse.cpp) on every emitted instruction and replaces common
// sequences by internal opcodes listed in interp/binops.def (`local.get x;
// i32.const c; i32.add` becomes one i32_add_lc with a = x, b = c; `i32.lt_s;
// br_if L` becomes br_if_i32_lt_s with a = L). Their immediates are
// documented next to their handlers in interp/exec.cpp. The interpreter runs
// both forms.
struct Instr {
  Opcode op;
  uint16_t reserved = 0;
  uint32_t a = 0;
  uint64_t b = 0;
};
static_assert(sizeof(Instr) == 16);

struct BranchTarget {
  uint32_t target;  // instruction index
  uint32_t keep;    // cells carried by the branch
  uint32_t drop;    // cells removed below them
};

// A 128-bit immediate, which does not fit in an Instr: bytes 0-7 of the
// binary's 16 little-endian bytes in lo, bytes 8-15 in hi (the layout of
// simd::V128 and of a v128's two stack cells).
struct V128Imm {
  uint64_t lo = 0;
  uint64_t hi = 0;
};

struct Code {
  std::vector<Instr> instrs;
  std::vector<BranchTarget> br_tables;
  std::vector<V128Imm> v128_pool;  // v128.const values, i8x16.shuffle lanes
  // Plain translation only (empty for fused code): offsets[i] is the byte
  // offset in Module::bytes of the wasm instruction instrs[i] translates
  // (`if` for its br_unless, `else` for its br, the final `end` for the
  // closing return_). Traces show it (Thread::set_trace).
  std::vector<uint32_t> offsets;
  uint32_t param_cells = 0;   // cells of the parameters (they come first)
  uint32_t local_cells = 0;   // cells of parameters + declared locals
  uint32_t result_cells = 0;
  uint32_t max_height = 0;    // highest stack height (in cells from fp) reached
  // On entry the interpreter zeroes cells [param_cells, local_cells): all zero
  // bits are 0, +0.0 and the null reference, the default of every type.
};

// ---------------------------------------------------------------------------
// Constant expressions (globals, segment offsets, and the element items that
// are not plain function references: see ElemSegment): decoded into a short
// list of operations and evaluated at instantiation.
//
// The decoder keeps any well-formed instruction here: that an expression is
// constant is checked by validation (check_const, loader/validator.cpp), so
// instantiation, which comes after it, only ever meets the constant ones.
struct ConstOp {
  Opcode op;      // valid: i32_const, i64_const, f32_const, f64_const,
                  // v128_const, ref_null, ref_func, global_get, and
                  // (extended-const) i32/i64 add, sub, mul; anything else
                  // is kept, without its immediates, to be rejected
  uint64_t imm = 0;     // constant bits, function index or global index;
                        // ref_null: the ValType byte of the heap type
  uint64_t imm_hi = 0;  // v128.const: the high 64 bits
};
struct ConstExpr {
  std::vector<ConstOp> ops;  // without the final `end`
  size_t offset = 0;         // byte offset in the module, for errors
};

// ---------------------------------------------------------------------------
// The module's components, named as in the spec.

struct Import {
  std::string module;
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t type_index = 0;  // Func: index into Module::types
  TableType table;          // Table
  MemoryType memory;        // Memory
  GlobalType global;        // Global
};

struct Export {
  std::string name;
  ExternKind kind = ExternKind::Func;
  uint32_t index = 0;  // into the kind's index space (imports first)
};

struct Global {
  GlobalType type;
  ConstExpr init;
};

// A locals declaration as the binary writes it: `count` locals of `type`.
struct LocalRun {
  uint32_t count;
  ValType type;
};

struct Func {
  uint32_t type_index = 0;
  std::vector<LocalRun> locals;  // as declared (not expanded: counts may be huge)
  uint64_t locals_total = 0;     // sum of the counts, checked against the limit
  size_t body_offset = 0;        // the instruction bytes in Module::bytes,
  size_t body_size = 0;          // after the locals, including the final `end`
  Code code;                     // filled in by the validator
};

enum class SegmentMode : uint8_t { Active, Passive, Declarative };

// An element segment's items are held in one of two forms, never both:
//
//   funcs  a funcref segment whose every item is a function index (the forms
//          that list indices) or, in the forms that list expressions, exactly
//          `ref.func x` or `ref.null func`: one u32 per item, the function
//          index, or kNullFunc for the null reference. This is the common case
//          (a C program's function table) and costs 4 bytes an item.
//   init   any other segment: one constant expression per item, evaluated at
//          instantiation (global.get, extended-const arithmetic, externref
//          items, and anything that validation must reject).
//
// An index equal to kNullFunc cannot name a function; the decoder keeps a
// segment that lists it in the init form, where validation reports it.
// size() counts the items of either form.
struct ElemSegment {
  static constexpr uint32_t kNullFunc = UINT32_MAX;  // funcs: ref.null func

  ValType type = ValType::FuncRef;
  SegmentMode mode = SegmentMode::Passive;
  uint32_t table = 0;             // Active
  ConstExpr offset;               // Active
  std::vector<uint32_t> funcs;    // the compact form (see above)
  std::vector<ConstExpr> init;    // the general form: one expression per item
  size_t items_offset = 0;        // byte offset of the items in the module:
                                  // where errors about a funcs item point

  size_t size() const { return funcs.size() + init.size(); }
};

struct DataSegment {
  SegmentMode mode = SegmentMode::Passive;  // Active or Passive
  uint32_t memory = 0;
  ConstExpr offset;
  size_t bytes_offset = 0;  // the data bytes in Module::bytes
  size_t bytes_size = 0;
};

struct Module {
  std::vector<uint8_t> bytes;  // the binary, kept: bodies and data point into it

  std::vector<FuncType> types;
  std::vector<Import> imports;
  std::vector<Func> funcs;            // defined functions only (not imports)
  std::vector<TableType> tables;      // defined tables only
  std::vector<MemoryType> memories;   // defined memories only
  std::vector<Global> globals;        // defined globals only
  std::vector<Export> exports;
  std::optional<uint32_t> start;
  std::vector<ElemSegment> elems;
  std::vector<DataSegment> datas;
  std::optional<uint32_t> data_count;

  // Counts of imports by kind: index spaces put imports first.
  uint32_t num_imported_funcs = 0;
  uint32_t num_imported_tables = 0;
  uint32_t num_imported_memories = 0;
  uint32_t num_imported_globals = 0;

  // From the custom "name" section, when present and well formed.
  std::string module_name;
  std::map<uint32_t, std::string> func_names;

  // The type of any function in the function index space (imports first).
  const FuncType& func_type(uint32_t func_index) const;
  const Export* find_export(std::string_view name) const;
};

}  // namespace wasmslot
