// Validation of function bodies (spec section 3.3 "Instructions"), and their
// translation into the interpreter's instruction stream (loader/module.h,
// struct Instr), in one pass over the bytes.
//
// The validator is the spec's algorithm (appendix "Validation Algorithm"):
//
//   * an operand stack of value types; a type may be "unknown" (the spec's
//     Unknown/bottom), which is what popping from the polymorphic stack of
//     unreachable code yields, and which matches every type;
//   * a control stack of frames, one per enclosing block, loop, if or the
//     function itself, each remembering its label types, the operand stack
//     height where it starts, and whether the rest of it is unreachable.
//
// The translator rides along. Because the validator knows, at every
// instruction, the exact stack height and the types of every value, it can
// resolve each branch into "jump to instruction N, carrying K cells and
// dropping D cells below them": the interpreter then never looks for an
// `end`, never counts labels, and never inspects types.
//
// Heights are counted twice: in values (for validation, vals_.size()) and in
// 8-byte cells (for translation, cells_), because a v128 takes two cells.
// Cell heights here are relative to the top of the locals: the interpreter's
// absolute height is local_cells + cells_.

#include <array>
#include <bit>

#include "interp/simd.h"  // simd::access_bytes, simd::lane_index_bound
#include "loader/instr_reader.h"
#include "loader/reader.h"
#include "loader/validator_internal.h"

namespace wasmslot::validation {

namespace {

// The spec's Unknown: the type of a value popped from the polymorphic stack
// below the current frame's height in unreachable code. 0x00 is no value
// type's encoding, so it cannot be confused with a real one.
constexpr ValType kUnknown = static_cast<ValType>(0x00);

constexpr uint32_t kNone = UINT32_MAX;  // "no instruction" in patch chains

// ---------------------------------------------------------------------------
// Stack effects of the instructions with a fixed signature, parsed once from
// the opcode table's signature strings ("ii:i" = [i32 i32] -> [i32]).

struct Signature {
  bool fixed = false;      // the table gives a signature
  bool supported = false;  // and this validator could parse it
  uint8_t num_params = 0;
  uint8_t num_results = 0;
  std::array<ValType, 4> params{};
  std::array<ValType, 2> results{};
};

struct Signatures {
  std::array<Signature, kOpcodeCount> of{};
  Signatures() {
    for (unsigned i = 0; i < kOpcodeCount; ++i) {
      const char* s = kOpInfo[i].signature;
      if (s == nullptr || *s == '\0') continue;
      Signature& sig = of[i];
      sig.fixed = true;
      sig.supported = true;
      bool in_results = false;
      for (; *s != '\0'; ++s) {
        if (*s == ':') {
          in_results = true;
          continue;
        }
        ValType t;
        if (!type_of_signature_letter(*s, t)) sig.supported = false;
        else if (!in_results && sig.num_params < sig.params.size()) sig.params[sig.num_params++] = t;
        else if (in_results && sig.num_results < sig.results.size()) sig.results[sig.num_results++] = t;
        else sig.supported = false;
      }
      if (!in_results) sig.supported = false;
    }
  }
};

const Signatures& signatures() {
  static const Signatures table;
  return table;
}

// log2 of the natural alignment of a memory access: its width in bytes
// (spec 3.3.7: "2^memarg.align must not be larger than the bit width of t
// divided by 8"). -1 for an instruction this validator does not know.
int natural_alignment(Opcode op) {
  // SIMD accesses: the width comes with the lane semantics (interp/simd.h),
  // keyed by the code after 0xFD: 16 for v128.load, 8 for load8x8_s, ...
  if (info(op).prefix == 0xFD) {
    const unsigned bytes = simd::access_bytes(info(op).code);
    return bytes == 0 ? -1 : std::countr_zero(bytes);
  }
  switch (op) {
    case Opcode::i32_load8_s: case Opcode::i32_load8_u: case Opcode::i64_load8_s:
    case Opcode::i64_load8_u: case Opcode::i32_store8: case Opcode::i64_store8:
      return 0;
    case Opcode::i32_load16_s: case Opcode::i32_load16_u: case Opcode::i64_load16_s:
    case Opcode::i64_load16_u: case Opcode::i32_store16: case Opcode::i64_store16:
      return 1;
    case Opcode::i32_load: case Opcode::f32_load: case Opcode::i64_load32_s:
    case Opcode::i64_load32_u: case Opcode::i32_store: case Opcode::f32_store:
    case Opcode::i64_store32:
      return 2;
    case Opcode::i64_load: case Opcode::f64_load: case Opcode::i64_store:
    case Opcode::f64_store:
      return 3;
    default:
      return -1;
  }
}

// ---------------------------------------------------------------------------
// Types of labels and blocks.

// A list of value types stored elsewhere (in a FuncType of the module, or in
// kSingleTypes), with its size in cells.
struct TypeList {
  const ValType* data = nullptr;
  uint32_t size = 0;
  uint32_t cells = 0;
  ValType operator[](uint32_t i) const { return data[i]; }
  bool operator==(const TypeList& o) const {
    if (size != o.size) return false;
    for (uint32_t i = 0; i < size; ++i)
      if (data[i] != o.data[i]) return false;
    return true;
  }
};

TypeList list_of(const std::vector<ValType>& types) {
  TypeList l{types.data(), static_cast<uint32_t>(types.size()), 0};
  for (ValType t : types) l.cells += cells_of(t);
  return l;
}

// A block type with one value type, [] -> [t], points into this table.
constexpr ValType kSingleTypes[] = {ValType::I32,  ValType::I64,     ValType::F32,      ValType::F64,
                                    ValType::V128, ValType::FuncRef, ValType::ExternRef};

TypeList list_of(ValType t) {
  for (const ValType& s : kSingleTypes)
    if (s == t) return TypeList{&s, 1, cells_of(t)};
  return TypeList{};
}

// A frame of the control stack (the spec's ctrl_frame), plus what the
// translator needs to resolve branches to its label.
enum class FrameKind : uint8_t { Function, Block, Loop, If, Else };

struct Frame {
  FrameKind kind = FrameKind::Block;
  // The spec's `unreachable` flag: an unconditional branch (or unreachable,
  // return...) happened in this block, so the rest of it never runs and its
  // operand stack is polymorphic.
  bool unreachable = false;
  // The whole block lies in unreachable code (it was entered after its
  // parent became unreachable): it is validated like any other, but nothing
  // of it is emitted.
  bool dead = false;
  TypeList params;   // start_types
  TypeList results;  // end_types
  uint32_t height = 0;      // operand stack size (in values) below this block's stack
  uint32_t base_cells = 0;  // the same height, in cells
  uint32_t loop_start = 0;  // Loop: index of the first instruction of its body
  // Forward branches to this label wait for its `end` to know their target:
  // they form a chain through `fixups_`, headed here.
  uint32_t fixups = kNone;
  uint32_t br_unless = kNone;  // If: the br_unless emitted for it, patched at else/end

  // A branch to a loop's label goes back to its start and carries the
  // loop's parameters; to any other label it goes to the end and carries the
  // results.
  const TypeList& label_types() const { return kind == FrameKind::Loop ? params : results; }
};

// A branch whose target is not known yet: an Instr (br, br_if, br_unless) or
// an entry of Code::br_tables, waiting for the `end` of its label.
struct Fixup {
  uint32_t index;     // into instrs_ or br_tables_
  uint32_t next;      // the next fixup of the same label, or kNone
  bool in_br_tables;  // which of the two `index` points into
};

// ---------------------------------------------------------------------------

class FunctionValidator {
 public:
  FunctionValidator(const Context& c, Translation translation)
      : c_(c), sigs_(signatures()), translation_(translation) {}

  // Validates func's body and, if it is valid, fills func.code.
  bool validate(Func& func);
  const Error& error() const { return error_; }

 private:
  // --- errors ---------------------------------------------------------------
  bool fail(std::string message) {
    error_ = Error{std::move(message), offset_};
    return false;
  }
  bool fail_unknown(const char* space, uint64_t index) {
    error_ = unknown(offset_, space, index);
    return false;
  }
  bool fail_mismatch(ValType expected, ValType actual, bool empty) {
    std::string msg = "type mismatch: expected ";
    msg += type_name(expected);
    msg += empty ? ", but the stack is empty" : std::string(", found ") + type_name(actual);
    return fail(std::move(msg));
  }

  // --- the operand stack (spec: push_val, pop_val, push_vals, pop_vals) -----
  void push(ValType t) {
    vals_.push_back(t);
    cells_ += cells_of(t);
    if (cells_ > max_cells_) max_cells_ = cells_;
  }

  // Pops a value that must have type `expect`; *actual (when asked) receives
  // the popped type, which is kUnknown when the stack is polymorphic.
  bool pop(ValType expect, ValType* actual = nullptr) {
    const Frame& f = ctrls_.back();
    if (vals_.size() == f.height) {
      // Nothing left of this block's stack. In unreachable code that is fine:
      // the polymorphic stack can provide any value.
      if (actual) *actual = kUnknown;
      if (f.unreachable) return true;
      return fail_mismatch(expect, kUnknown, true);
    }
    const ValType t = vals_.back();
    if (t != expect && t != kUnknown) return fail_mismatch(expect, t, false);
    vals_.pop_back();
    cells_ -= cells_of(t);
    if (actual) *actual = t;
    return true;
  }

  // Pops a value of any type (for drop, select, ref.is_null).
  bool pop_any(ValType& actual) {
    const Frame& f = ctrls_.back();
    if (vals_.size() == f.height) {
      actual = kUnknown;
      if (f.unreachable) return true;
      return fail("type mismatch: expected a value, but the stack is empty");
    }
    actual = vals_.back();
    vals_.pop_back();
    cells_ -= cells_of(actual);
    return true;
  }

  bool pop_list(const TypeList& types) {
    for (uint32_t i = types.size; i-- > 0;)
      if (!pop(types[i])) return false;
    return true;
  }
  void push_list(const TypeList& types) {
    for (uint32_t i = 0; i < types.size; ++i) push(types[i]);
  }

  // The spec's `unreachable()`: drop this block's operands and make its
  // stack polymorphic.
  void mark_unreachable() {
    Frame& f = ctrls_.back();
    vals_.resize(f.height);
    cells_ = f.base_cells;
    f.unreachable = true;
  }

  // --- the control stack (push_ctrl, pop_ctrl) ------------------------------
  void push_frame(FrameKind kind, const TypeList& params, const TypeList& results, bool dead,
                  uint32_t br_unless) {
    Frame f;
    f.kind = kind;
    f.dead = dead;
    f.params = params;
    f.results = results;
    f.height = static_cast<uint32_t>(vals_.size());
    f.base_cells = cells_;
    f.loop_start = static_cast<uint32_t>(instrs_.size());
    if (kind == FrameKind::Loop) barrier_ = instrs_.size();  // its branches land here
    f.br_unless = br_unless;
    ctrls_.push_back(f);
    push_list(params);
  }

  // The checks of pop_ctrl: the block's stack must hold exactly its results.
  bool check_frame_end() {
    const Frame& f = ctrls_.back();
    if (!pop_list(f.results)) return false;
    if (vals_.size() != f.height)
      return fail("type mismatch: " + std::to_string(vals_.size() - f.height) +
                  " value(s) left on the stack at the end of the block");
    return true;
  }

  // --- translation ------------------------------------------------------------
  // Is the current instruction reachable, i.e. worth emitting?
  bool live() const {
    const Frame& f = ctrls_.back();
    return !f.unreachable && !f.dead;
  }
  void emit(Opcode op, uint32_t a = 0, uint64_t b = 0, uint16_t reserved = 0) {
    if (live()) append(Instr{op, reserved, a, b});
  }
  // Appends x, through the fuser's peephole when fusing (loader/fuse.cpp):
  // x may then merge with the instructions before it. Returns x's index.
  uint32_t append(Instr x) {
    if (translation_ == Translation::fused) return emit_fused(instrs_, barrier_, x);
    return put(x);
  }
  // Appends x as it is. A plain translation also records the byte offset of
  // the instruction x comes from (Code::offsets, for traces); fused code has
  // no such offset, as a superinstruction comes from several.
  uint32_t put(Instr x) {
    instrs_.push_back(x);
    if (translation_ == Translation::plain) offsets_.push_back(static_cast<uint32_t>(offset_));
    return static_cast<uint32_t>(instrs_.size() - 1);
  }
  // A branch lands at the next instruction: nothing before it may fuse
  // with anything after it.
  void mark_target() { barrier_ = instrs_.size(); }
  // A 128-bit immediate goes to the function's pool; its index to Instr::a.
  uint32_t pool_v128(uint64_t lo, uint64_t hi) {
    if (!live()) return 0;  // nothing is emitted: no need to keep it
    v128_pool_.push_back(V128Imm{lo, hi});
    return static_cast<uint32_t>(v128_pool_.size() - 1);
  }

  // How a branch to `target` reshapes the stack: it keeps the label's values
  // (the top `keep` cells) and drops everything between them and the height
  // where the target's block started. Called while the branch's operands
  // are still on the stack.
  void branch_shape(const Frame& target, uint32_t& keep, uint32_t& drop) const {
    keep = target.label_types().cells;
    drop = cells_ - keep - target.base_cells;
  }

  // Emits br/br_if/br_unless to the label of `target`.
  void emit_branch(Opcode op, Frame& target) {
    uint32_t keep, drop;
    branch_shape(target, keep, drop);
    const bool backward = target.kind == FrameKind::Loop;
    const uint32_t to = backward ? target.loop_start : 0;  // forward: known at `end`
    const uint32_t index = append(Instr{op, 0, to, keep | uint64_t{drop} << 32});
    if (!backward) add_fixup(target, index, false);
  }

  void add_fixup(Frame& target, uint32_t index, bool in_br_tables) {
    fixups_.push_back(Fixup{index, target.fixups, in_br_tables});
    target.fixups = static_cast<uint32_t>(fixups_.size() - 1);
  }

  // At a label's `end`: every branch waiting for it now knows its target.
  void resolve_fixups(uint32_t chain, uint32_t target) {
    for (uint32_t i = chain; i != kNone; i = fixups_[i].next) {
      const Fixup& f = fixups_[i];
      if (f.in_br_tables) br_tables_[f.index].target = target;
      else instrs_[f.index].a = target;
    }
  }

  // --- instructions -----------------------------------------------------------
  // Reads, validates and translates one instruction.
  bool instruction(InstrReader& r);
  bool reader_failed(const InstrReader& r) {
    error_ = r.error();
    return false;
  }
  bool block_type(const BlockType& bt, TypeList& params, TypeList& results);
  bool begin_block(Opcode op, const BlockType& bt);
  bool else_arm();
  bool end_block();
  bool branch(Opcode op, uint32_t depth);
  bool br_table(uint32_t default_label, std::span<const uint32_t> labels);
  bool numeric(Opcode op);
  bool fixed_signature(Opcode op, const InstrImm& imm);
  bool check_lane(Opcode op, uint8_t lane) {
    return lane < simd::lane_index_bound(info(op).code) || fail("invalid lane index");
  }
  bool tail_call(const FuncType& callee);
  bool check_memory(uint32_t index) {
    return index < c_.memories || fail_unknown("memory", index);
  }
  bool check_table(uint32_t index) {
    return index < c_.tables.size() || fail_unknown("table", index);
  }

  const Context& c_;
  const Signatures& sigs_;
  const Translation translation_;
  Error error_;
  size_t offset_ = 0;  // of the instruction being validated, for errors

  // The function's locals (parameters first) and their cell offsets from fp.
  std::vector<ValType> locals_;
  std::vector<uint32_t> local_offsets_;
  TypeList results_;  // the function's result types

  // Validation state.
  std::vector<ValType> vals_;
  std::vector<Frame> ctrls_;
  std::vector<ValType> popped_;  // br_table's scratch

  // Translation state: reused from one function to the next, then copied to
  // the function's Code with an exact size.
  std::vector<Instr> instrs_;
  std::vector<uint32_t> offsets_;  // plain translation only: Code::offsets
  std::vector<BranchTarget> br_tables_;
  std::vector<V128Imm> v128_pool_;
  std::vector<Fixup> fixups_;
  size_t barrier_ = 0;      // the last branch target so far (see loader/fuse.cpp)
  uint32_t cells_ = 0;      // current operand stack height in cells
  uint32_t max_cells_ = 0;  // its maximum over the function
};

bool FunctionValidator::validate(Func& func) {
  const Module& m = *c_.module;
  offset_ = func.body_offset;
  const FuncType& type = m.types[func.type_index];  // checked by the caller
  if (func.body_offset > m.bytes.size() || func.body_size > m.bytes.size() - func.body_offset)
    return fail(kUnexpectedEnd);  // a decoder bug, but never read out of bounds

  // Locals: the parameters, then the declared locals. Count them before
  // expanding anything: a body of a few bytes can declare 2^32 locals.
  uint64_t total = type.params.size();
  for (const LocalRun& run : func.locals) total += run.count;
  if (total > c_.limits.max_locals) return fail("too many locals");
  locals_.clear();
  local_offsets_.clear();
  uint32_t cells = 0;
  for (ValType t : type.params) {
    locals_.push_back(t);
    local_offsets_.push_back(cells);
    cells += cells_of(t);
  }
  const uint32_t param_cells = cells;
  for (const LocalRun& run : func.locals) {
    for (uint32_t i = 0; i < run.count; ++i) {
      locals_.push_back(run.type);
      local_offsets_.push_back(cells);
      cells += cells_of(run.type);
    }
  }
  const uint32_t local_cells = cells;

  // The function's own frame: its label is the function's results (a branch
  // to it returns), and its operand stack starts empty, just above the locals.
  vals_.clear();
  ctrls_.clear();
  instrs_.clear();
  offsets_.clear();
  br_tables_.clear();
  v128_pool_.clear();
  fixups_.clear();
  barrier_ = 0;
  cells_ = 0;
  max_cells_ = 0;
  results_ = list_of(type.results);
  push_frame(FrameKind::Function, TypeList{}, results_, false, kNone);

  InstrReader reader(m, c_.features, func.body_offset, func.body_offset + func.body_size);
  while (!ctrls_.empty()) {
    offset_ = reader.position();
    // The body ran out with blocks still open: malformed. (The exact
    // message comes from find_malformed_body, which validate_functions
    // consults on every error.)
    if (reader.at_end()) return fail(kUnexpectedEnd);
    if (!instruction(reader)) return false;
  }
  // The function's `end` must be the body's last byte.
  if (!reader.at_end()) {
    offset_ = reader.position();
    return fail("section size mismatch");
  }

  Code& code = func.code;
  code.instrs.assign(instrs_.begin(), instrs_.end());
  code.offsets.assign(offsets_.begin(), offsets_.end());
  code.br_tables.assign(br_tables_.begin(), br_tables_.end());
  code.v128_pool.assign(v128_pool_.begin(), v128_pool_.end());
  code.param_cells = param_cells;
  code.local_cells = local_cells;
  code.result_cells = results_.cells;
  code.max_height = local_cells + max_cells_;
  return true;
}

bool FunctionValidator::block_type(const BlockType& bt, TypeList& params, TypeList& results) {
  params = TypeList{};
  results = TypeList{};
  switch (bt.kind) {
    case BlockType::Empty:
      return true;
    case BlockType::Value:
      results = list_of(bt.value);
      return true;
    case BlockType::Index:
      if (bt.index >= c_.module->types.size()) return fail_unknown("type", bt.index);
      params = list_of(c_.module->types[bt.index].params);
      results = list_of(c_.module->types[bt.index].results);
      return true;
  }
  return fail("malformed block type");
}

// block, loop and if push a frame; if also emits its br_unless.
bool FunctionValidator::begin_block(Opcode op, const BlockType& bt) {
  TypeList params, results;
  if (!block_type(bt, params, results)) return false;
  if (op == Opcode::if_ && !pop(ValType::I32)) return false;
  if (!pop_list(params)) return false;
  // Whether the block is emitted is decided by its context.
  const bool dead = !live();
  uint32_t br_unless = kNone;
  if (op == Opcode::if_ && !dead) {
    // `if` becomes "branch to the else-arm (or past the end) unless the
    // condition holds"; its target is patched at `else` or `end`. The
    // parameters stay where they are for both arms: keep 0, drop 0.
    br_unless = append(Instr{Opcode::br_unless, 0, 0, 0});
  }
  const FrameKind kind = op == Opcode::block ? FrameKind::Block
                         : op == Opcode::loop ? FrameKind::Loop
                                              : FrameKind::If;
  push_frame(kind, params, results, dead, br_unless);
  return true;
}

bool FunctionValidator::else_arm() {
  Frame& f = ctrls_.back();
  // `else` only continues an `if`. (The reference decoder ends any other
  // block at the `else` byte and then misses its `end`.)
  if (f.kind != FrameKind::If) return fail("END opcode expected");
  // The then-arm, if it can finish, jumps over the else-arm to the end.
  if (live()) emit_branch(Opcode::br, f);
  if (!check_frame_end()) return false;
  // A false condition lands here, at the else-arm's first instruction.
  if (f.br_unless != kNone) {
    instrs_[f.br_unless].a = static_cast<uint32_t>(instrs_.size());
    mark_target();
  }
  f.br_unless = kNone;
  f.kind = FrameKind::Else;
  f.unreachable = false;
  vals_.resize(f.height);
  cells_ = f.base_cells;
  push_list(f.params);
  return true;
}

bool FunctionValidator::end_block() {
  if (!check_frame_end()) return false;
  const Frame f = ctrls_.back();
  // An `if` without `else` has an implicit empty else-arm, which must turn
  // the parameters into the results unchanged.
  if (f.kind == FrameKind::If && !(f.params == f.results))
    return fail("type mismatch: if without else must have matching parameters and results");
  const uint32_t here = static_cast<uint32_t>(instrs_.size());
  if (f.br_unless != kNone || f.fixups != kNone) mark_target();
  if (f.br_unless != kNone) instrs_[f.br_unless].a = here;
  resolve_fixups(f.fixups, here);
  ctrls_.pop_back();
  if (f.kind == FrameKind::Function) {
    // Falling off the end of the function returns (and branches to the
    // function's label land here too). Every Code ends with return_.
    put(Instr{Opcode::return_, 0, f.results.cells, 0});
    return true;
  }
  // The block's results are now on the enclosing block's stack.
  push_list(f.results);
  return true;
}

// br and br_if to the label `depth` frames out.
bool FunctionValidator::branch(Opcode op, uint32_t depth) {
  if (depth >= ctrls_.size()) return fail_unknown("label", depth);
  Frame& target = ctrls_[ctrls_.size() - 1 - depth];
  const TypeList labels = target.label_types();
  if (op == Opcode::br_if && !pop(ValType::I32)) return false;
  if (live()) {
    // A `br` out of the whole function is a return: skip the detour
    // through the final return_.
    if (op == Opcode::br && target.kind == FrameKind::Function)
      put(Instr{Opcode::return_, 0, labels.cells, 0});
    else
      emit_branch(op, target);
  }
  if (!pop_list(labels)) return false;
  if (op == Opcode::br) {
    mark_unreachable();
  } else {
    // Not taken: the label's values stay for the code that follows.
    push_list(labels);
  }
  return true;
}

// br_table l* l_default: every label must take the same number of values,
// and the values on the stack must suit each label.
bool FunctionValidator::br_table(uint32_t default_label, std::span<const uint32_t> labels) {
  if (!pop(ValType::I32)) return false;
  const size_t depth = ctrls_.size();
  if (default_label >= depth) return fail_unknown("label", default_label);
  for (uint32_t l : labels)
    if (l >= depth) return fail_unknown("label", l);

  if (live()) {
    // One BranchTarget per label, the default last; forward ones are patched
    // at the end of their blocks like any branch.
    const uint32_t first = static_cast<uint32_t>(br_tables_.size());
    for (size_t i = 0; i <= labels.size(); ++i) {
      Frame& target = ctrls_[depth - 1 - (i < labels.size() ? labels[i] : default_label)];
      uint32_t keep, drop;
      branch_shape(target, keep, drop);
      const uint32_t index = static_cast<uint32_t>(br_tables_.size());
      uint32_t to = 0;
      if (target.kind == FrameKind::Loop) to = target.loop_start;
      else add_fixup(target, index, true);
      br_tables_.push_back(BranchTarget{to, keep, drop});
    }
    put(Instr{Opcode::br_table, 0, first, labels.size()});
  }

  // Validation, as the spec's algorithm: each label's types are popped and
  // what was popped is pushed back (so in unreachable code, unknown values
  // stay unknown and may suit labels of different types).
  const uint32_t arity = ctrls_[depth - 1 - default_label].label_types().size;
  for (uint32_t l : labels) {
    const TypeList& types = ctrls_[depth - 1 - l].label_types();
    if (types.size != arity)
      return fail("type mismatch: br_table labels have different numbers of values");
    popped_.resize(arity);
    for (uint32_t i = arity; i-- > 0;)
      if (!pop(types[i], &popped_[i])) return false;
    for (uint32_t i = 0; i < arity; ++i) push(popped_[i]);
  }
  if (!pop_list(ctrls_[depth - 1 - default_label].label_types())) return false;
  mark_unreachable();
  return true;
}

// Instructions whose stack effect the opcode table gives: their immediates
// are checked here, by kind, and their operands typed from the signature.
bool FunctionValidator::fixed_signature(Opcode op, const InstrImm& imm) {
  const Signature& sig = sigs_.of[static_cast<unsigned>(op)];
  if (!sig.supported) return fail(std::string("unsupported instruction ") + info(op).text);
  uint32_t a = 0;
  uint64_t b = 0;
  uint16_t reserved = 0;
  switch (info(op).imm) {
    case Imm::none:
      break;
    case Imm::memarg:
    case Imm::memarg_lane: {
      if (!check_memory(imm.x)) return false;
      const int natural = natural_alignment(op);
      if (natural < 0) return fail(std::string("unsupported instruction ") + info(op).text);
      if (imm.align > static_cast<uint32_t>(natural))
        return fail("alignment must not be larger than natural");
      if (info(op).imm == Imm::memarg_lane) {
        if (!check_lane(op, imm.lane)) return false;
        reserved = imm.lane;
      }
      a = imm.x;
      b = imm.bits;
      break;
    }
    case Imm::lane:  // extract_lane, replace_lane
      if (!check_lane(op, imm.lane)) return false;
      a = imm.lane;
      break;
    case Imm::shuffle:  // 16 indices into the 32 bytes of both operands
      for (unsigned i = 0; i < 16; ++i) {
        const uint64_t half = i < 8 ? imm.bits : imm.bits_hi;
        if (!check_lane(op, static_cast<uint8_t>(half >> (8 * (i % 8))))) return false;
      }
      a = pool_v128(imm.bits, imm.bits_hi);
      break;
    case Imm::v128:  // v128.const
      a = pool_v128(imm.bits, imm.bits_hi);
      break;
    case Imm::mem:  // memory.size, memory.grow, memory.fill
      if (!check_memory(imm.x)) return false;
      a = imm.x;
      break;
    case Imm::i32:
    case Imm::i64:
    case Imm::f32:
    case Imm::f64:
      b = imm.bits;
      break;
    case Imm::mem_init:  // memory.init x (memory y)
      if (!check_memory(imm.y)) return false;
      if (imm.x >= c_.datas) return fail_unknown("data segment", imm.x);
      a = imm.x;
      b = imm.y;
      break;
    case Imm::mem_copy:
      if (!check_memory(imm.x) || !check_memory(imm.y)) return false;
      a = imm.x;
      b = imm.y;
      break;
    case Imm::data:  // data.drop
      if (imm.x >= c_.datas) return fail_unknown("data segment", imm.x);
      a = imm.x;
      break;
    case Imm::table:  // table.size
      if (!check_table(imm.x)) return false;
      a = imm.x;
      break;
    case Imm::table_init:  // table.init x (table y)
      if (!check_table(imm.y)) return false;
      if (imm.x >= c_.elems.size()) return fail_unknown("elem segment", imm.x);
      if (c_.elems[imm.x] != c_.tables[imm.y])
        return fail("type mismatch: element segment and table have different element types");
      a = imm.x;
      b = imm.y;
      break;
    case Imm::elem:  // elem.drop
      if (imm.x >= c_.elems.size()) return fail_unknown("elem segment", imm.x);
      a = imm.x;
      break;
    case Imm::table_copy:  // table.copy dst src
      if (!check_table(imm.x) || !check_table(imm.y)) return false;
      if (c_.tables[imm.x] != c_.tables[imm.y])
        return fail("type mismatch: tables have different element types");
      a = imm.x;
      b = imm.y;
      break;
    default:
      return fail(std::string("unsupported instruction ") + info(op).text);
  }
  for (unsigned i = sig.num_params; i-- > 0;)
    if (!pop(sig.params[i])) return false;
  for (unsigned i = 0; i < sig.num_results; ++i) push(sig.results[i]);
  emit(op, a, b, reserved);
  return true;
}

// return_call and return_call_indirect (tail-call proposal): the callee's
// results become the caller's, so they must be exactly the caller's result
// types. The arguments are popped; nothing is pushed, since control never
// comes back here: like `return`, the rest of the block is unreachable.
bool FunctionValidator::tail_call(const FuncType& callee) {
  if (!(list_of(callee.results) == results_))
    return fail("type mismatch: the callee's results differ from the function's");
  return pop_list(list_of(callee.params));
}

// The bulk of the instruction set: a fixed signature and no immediates
// (i32.add, f64.sqrt, i64.extend_i32_s...). Typed from the signature alone.
bool FunctionValidator::numeric(Opcode op) {
  const Signature& sig = sigs_.of[static_cast<unsigned>(op)];
  if (!sig.supported) return fail(std::string("unsupported instruction ") + info(op).text);
  for (unsigned i = sig.num_params; i-- > 0;)
    if (!pop(sig.params[i])) return false;
  for (unsigned i = 0; i < sig.num_results; ++i) push(sig.results[i]);
  emit(op);
  return true;
}

// One switch on the opcode: each case reads its own immediates (through
// the reader's primitives), checks them, types the operands and emits.
bool FunctionValidator::instruction(InstrReader& r) {
  Opcode op;
  if (!r.read_opcode(op)) return reader_failed(r);
  uint32_t x = 0, y = 0;  // index immediates

  switch (op) {
    case Opcode::unreachable:
      emit(op);
      mark_unreachable();
      return true;

    case Opcode::nop:  // nothing to check, nothing to run
      return true;

    case Opcode::block:
    case Opcode::loop:
    case Opcode::if_: {
      BlockType bt;
      if (!r.read_block_type(bt)) return reader_failed(r);
      return begin_block(op, bt);
    }

    case Opcode::else_:
      return else_arm();

    case Opcode::end:
      return end_block();

    case Opcode::br:
    case Opcode::br_if:
      if (!r.read_u32(x)) return reader_failed(r);
      return branch(op, x);

    case Opcode::br_table:
      if (!r.read_br_table(x)) return reader_failed(r);
      return br_table(x, r.labels());

    case Opcode::return_:
      emit(Opcode::return_, results_.cells);
      if (!pop_list(results_)) return false;
      mark_unreachable();
      return true;

    case Opcode::call: {
      if (!r.read_u32(x)) return reader_failed(r);
      if (x >= c_.funcs.size()) return fail_unknown("function", x);
      const FuncType& ft = c_.func_type(x);
      if (!pop_list(list_of(ft.params))) return false;
      push_list(list_of(ft.results));
      emit(op, x);
      return true;
    }

    case Opcode::call_indirect: {
      if (!r.read_u32(x) || !r.read_u32(y)) return reader_failed(r);
      if (!check_table(y)) return false;
      if (x >= c_.module->types.size()) return fail_unknown("type", x);
      if (c_.tables[y] != ValType::FuncRef)
        return fail("type mismatch: call_indirect needs a table of funcref");
      const FuncType& ft = c_.module->types[x];
      if (!pop(ValType::I32)) return false;
      if (!pop_list(list_of(ft.params))) return false;
      push_list(list_of(ft.results));
      emit(op, x, y);
      return true;
    }

    case Opcode::return_call: {
      if (!r.read_u32(x)) return reader_failed(r);
      if (x >= c_.funcs.size()) return fail_unknown("function", x);
      if (!tail_call(c_.func_type(x))) return false;
      // The `return_` after it is what a host callee (called like `call`,
      // in place) continues with; a wasm callee replaces the frame instead.
      emit(op, x);
      emit(Opcode::return_, results_.cells);
      mark_unreachable();
      return true;
    }

    case Opcode::return_call_indirect: {
      if (!r.read_u32(x) || !r.read_u32(y)) return reader_failed(r);
      if (!check_table(y)) return false;
      if (x >= c_.module->types.size()) return fail_unknown("type", x);
      if (c_.tables[y] != ValType::FuncRef)
        return fail("type mismatch: return_call_indirect needs a table of funcref");
      if (!pop(ValType::I32)) return false;
      if (!tail_call(c_.module->types[x])) return false;
      emit(op, x, y);
      emit(Opcode::return_, results_.cells);
      mark_unreachable();
      return true;
    }

    case Opcode::drop: {
      ValType t;
      if (!pop_any(t)) return false;
      emit(op, cells_of(t));
      return true;
    }

    case Opcode::select: {
      // Untyped select only chooses between numbers or vectors: references
      // need select_t, so that the result's type is known without looking
      // at the operands (which may be unknown).
      ValType t1, t2;
      if (!pop(ValType::I32) || !pop_any(t1) || !pop_any(t2)) return false;
      auto numeric = [](ValType t) { return is_num(t) || t == ValType::V128 || t == kUnknown; };
      if (!numeric(t1) || !numeric(t2))
        return fail("type mismatch: select without a type needs numeric or vector operands");
      if (t1 != t2 && t1 != kUnknown && t2 != kUnknown) return fail_mismatch(t1, t2, false);
      const ValType t = t1 == kUnknown ? t2 : t1;
      push(t);
      emit(op, cells_of(t));
      return true;
    }

    case Opcode::select_t: {
      if (!r.read_select_types()) return reader_failed(r);
      const auto types = r.types();
      if (types.size() != 1) return fail("invalid result arity");
      const ValType t = types[0];
      if (!pop(ValType::I32) || !pop(t) || !pop(t)) return false;
      push(t);
      emit(op, cells_of(t));
      return true;
    }

    case Opcode::local_get:
    case Opcode::local_set:
    case Opcode::local_tee: {
      if (!r.read_u32(x)) return reader_failed(r);
      if (x >= locals_.size()) return fail_unknown("local", x);
      const ValType t = locals_[x];
      if (op != Opcode::local_get && !pop(t)) return false;
      if (op != Opcode::local_set) push(t);
      emit(op, local_offsets_[x], cells_of(t));
      return true;
    }

    case Opcode::global_get:
    case Opcode::global_set: {
      if (!r.read_u32(x)) return reader_failed(r);
      if (x >= c_.globals.size()) return fail_unknown("global", x);
      const GlobalType& g = c_.globals[x];
      if (op == Opcode::global_get) {
        push(g.type);
      } else {
        if (!g.mut) return fail("global is immutable");
        if (!pop(g.type)) return false;
      }
      emit(op, x);
      return true;
    }

    case Opcode::table_get:
    case Opcode::table_set:
    case Opcode::table_grow:
    case Opcode::table_fill: {
      if (!r.read_u32(x)) return reader_failed(r);
      if (!check_table(x)) return false;
      const ValType t = c_.tables[x];
      switch (op) {
        case Opcode::table_get:  // [i32] -> [t]
          if (!pop(ValType::I32)) return false;
          push(t);
          break;
        case Opcode::table_set:  // [i32 t] -> []
          if (!pop(t) || !pop(ValType::I32)) return false;
          break;
        case Opcode::table_grow:  // [t i32] -> [i32]
          if (!pop(ValType::I32) || !pop(t)) return false;
          push(ValType::I32);
          break;
        default:  // table.fill: [i32 t i32] -> []
          if (!pop(ValType::I32) || !pop(t) || !pop(ValType::I32)) return false;
          break;
      }
      emit(op, x);
      return true;
    }

    case Opcode::ref_null: {
      ValType t;
      if (!r.read_ref_type(t)) return reader_failed(r);
      push(t);
      emit(op);
      return true;
    }

    case Opcode::ref_is_null: {
      ValType t;
      if (!pop_any(t)) return false;
      if (!is_ref(t) && t != kUnknown)
        return fail(std::string("type mismatch: expected a reference, found ") + type_name(t));
      push(ValType::I32);
      emit(op);
      return true;
    }

    case Opcode::ref_func:
      if (!r.read_u32(x)) return reader_failed(r);
      if (x >= c_.funcs.size()) return fail_unknown("function", x);
      // A body may only take references to functions that the module
      // declares elsewhere (element segments, exports, globals): that way an
      // engine knows, before looking at any code, which functions can escape.
      if (!c_.refs[x]) return fail("undeclared function reference " + std::to_string(x));
      push(ValType::FuncRef);
      emit(op, x);
      return true;

    default: {
      // Everything else has a fixed signature in the opcode table.
      if (!sigs_.of[static_cast<unsigned>(op)].fixed)
        return fail(std::string("unsupported instruction ") + info(op).text);
      if (info(op).imm == Imm::none) return numeric(op);
      InstrImm imm;
      if (!r.read_immediates(op, imm)) return reader_failed(r);
      return fixed_signature(op, imm);
    }
  }
}

// Reads a body without typing it, for find_malformed_body: only the nesting
// of blocks matters, to know where the body's `end` is.
//
// Like the reference interpreter, which decodes a body without bounding it
// by its declared size, this reads on past the body's end when the body
// lacks its final `end`: into the next body, or into the next section. What
// it meets there decides the message (binary.wast tests all three cases):
// typically an `else` ("END opcode expected"), the end of the module
// ("unexpected end of section or function"), or a byte 0x0B that closes the
// function too late ("section size mismatch").
std::optional<Error> malformed(const Context& c, const Module& m, const Func& func) {
  if (func.body_offset > m.bytes.size() || func.body_size > m.bytes.size() - func.body_offset)
    return Error{kUnexpectedEnd, func.body_offset};
  const size_t body_end = func.body_offset + func.body_size;
  InstrReader reader(m, c.features, func.body_offset, m.bytes.size());
  // One entry per open block: whether it is an `if` still waiting for `else`.
  std::vector<bool> open{false};
  Opcode op;
  InstrImm imm;
  while (!open.empty()) {
    if (reader.at_end()) return Error{kUnexpectedEnd, reader.position()};
    const size_t at = reader.position();
    if (!reader.read(op, imm)) return reader.error();
    switch (op) {
      case Opcode::block:
      case Opcode::loop:
        open.push_back(false);
        break;
      case Opcode::if_:
        open.push_back(true);
        break;
      case Opcode::else_:
        if (!open.back()) return Error{"END opcode expected", at};
        open.back() = false;
        break;
      case Opcode::end:
        open.pop_back();
        break;
      default:
        break;
    }
  }
  // The function's `end` must be the body's last byte, neither before (bytes
  // left over) nor after (read past the body).
  if (reader.position() != body_end) return Error{"section size mismatch", reader.position()};
  return std::nullopt;
}

}  // namespace

const char* type_name(ValType t) { return t == kUnknown ? "<unknown>" : to_string(t); }

Status validate_functions(const Context& c, Module& module, Translation translation) {
  FunctionValidator validator(c, translation);
  const size_t n = module.funcs.size();
  for (size_t i = 0; i < n; ++i) {
    if (!validator.validate(module.funcs[i])) {
      if (auto m = find_malformed_body(c, module, i)) return *m;
      return validator.error();
    }
  }
  return Ok{};
}

std::optional<Error> find_malformed_body(const Context& c, const Module& module, size_t first_func) {
  const size_t n = module.funcs.size();
  for (size_t i = first_func; i < n; ++i)
    if (auto e = malformed(c, module, module.funcs[i])) return e;
  return std::nullopt;
}

}  // namespace wasmslot::validation
