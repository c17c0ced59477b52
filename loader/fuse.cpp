// The fuser: a peephole that the translator (loader/validate_code.cpp) runs
// on every instruction it emits, replacing common sequences by
// superinstructions (interp/binops.def), which the interpreter executes with
// one dispatch instead of two to five. Compilers emit wasm in which almost
// every operator takes its operands from `local.get` and `i32.const`, stores
// its result with `local.set`, and almost every comparison feeds a `br_if` or
// an `if`, so these few rules cover most of the instructions that run:
//
//   local.get x; local.get y; OP    ->  OP_ll x y
//   local.get x; CONST c; OP        ->  OP_lc x c
//   local.get y; OP                 ->  OP_sl y       (a is already on the stack)
//   CONST c; OP                     ->  OP_sc c
//   OP...; local.set z              ->  OP..._set z   (any of the five forms)
//   local.get y; local.set z        ->  local_set_l z y
//   CONST c; local.set z            ->  local_set_c z c
//   X; local.tee z                  ->  X; local.set z; local.get z, when
//                                       X; local.set z fuses (any rule above)
//   local.get x; LOAD offset        ->  LOAD_l x offset          (memory 0)
//   i32_add_lc x c; LOAD offset     ->  LOAD_lc x c offset       (memory 0)
//   local.get v; STORE offset       ->  STORE_sl v offset        (memory 0)
//   CONST c; STORE offset           ->  STORE_sc c offset        (memory 0)
//   CMP...; br_if L                 ->  br_if_CMP... L    (L moves no values)
//   CMP...; br_unless L             ->  br_if_NOTCMP... L (integer compares)
//   i32.eqz; br_if L                ->  br_unless L, and the reverse
//
// Rules compose because they run as the code is emitted: `local.get x;
// i32.const 8; i32.add; f64.load` is first i32_add_lc, which the load then
// absorbs. The tee rule turns a tee into a set and a get, and the get then
// fuses with what follows: `local.tee i; i32.const 512; i32.ne; br_if` ends
// as OP_set i and br_if_i32_ne_lc i 512.
//
// A branch target must stay an instruction boundary, so the translator
// passes a barrier: the index of the last instruction a branch may land on.
// Nothing at or after it is merged with anything before it. Fusing as the
// code is emitted needs no second pass and no renumbering of targets: the
// instructions it rewrites are never branch targets.
#include <array>
#include <type_traits>

#include "loader/validator_internal.h"

namespace wasmslot::validation {

namespace {

// Where an operator's operands come from: stack-stack (the plain operator),
// stack-local, stack-constant, local-local, local-constant.
enum class Mode : uint8_t { ss, sl, sc, ll, lc, count_ };
constexpr unsigned kModes = static_cast<unsigned>(Mode::count_);

// What the fuser knows about an opcode. count_ means "none".
struct Fusion {
  // On the plain operator of an OP2_FUSED/CMP_FUSED row: its five forms,
  // indexed by Mode, and the const instruction of its operand type.
  std::array<Opcode, kModes> form{Opcode::count_, Opcode::count_, Opcode::count_, Opcode::count_,
                                  Opcode::count_};
  Opcode constant = Opcode::count_;
  // On each of the five forms: which form it is, the same form storing its
  // result in a local, and for comparisons the same form fused with br_if
  // and the same form of the negated comparison (for br_unless).
  Mode mode = Mode::count_;
  Opcode set = Opcode::count_;
  Opcode br_if = Opcode::count_;
  Opcode negation = Opcode::count_;
  // Loads: the forms with the address in a local (l) or a local plus a
  // constant (lc). Stores: the forms with the value in a local (sl) or a
  // constant (sc), and the const instruction of the value's type.
  Opcode load_l = Opcode::count_, load_lc = Opcode::count_;
  Opcode store_sl = Opcode::count_, store_sc = Opcode::count_;
  Opcode store_constant = Opcode::count_;
};

template <class T>
constexpr Opcode const_of() {
  if constexpr (std::is_same_v<T, float>) return Opcode::f32_const;
  else if constexpr (std::is_same_v<T, double>) return Opcode::f64_const;
  else if constexpr (sizeof(T) == 4) return Opcode::i32_const;
  else return Opcode::i64_const;
}

using u32 = uint32_t;
using i32 = int32_t;
using u64 = uint64_t;
using i64 = int64_t;
using f32 = float;
using f64 = double;

constexpr unsigned idx(Opcode op) { return static_cast<unsigned>(op); }

struct FusionTable {
  std::array<Fusion, kOpcodeCount> of{};
  constexpr FusionTable() {
#define OP2_FUSED(name, T, expr)                                                     \
  {                                                                                  \
    const Opcode forms[kModes] = {Opcode::name, Opcode::name##_sl, Opcode::name##_sc, \
                                  Opcode::name##_ll, Opcode::name##_lc};             \
    const Opcode sets[kModes] = {Opcode::name##_set, Opcode::name##_sl_set,          \
                                 Opcode::name##_sc_set, Opcode::name##_ll_set,       \
                                 Opcode::name##_lc_set};                             \
    for (unsigned m = 0; m < kModes; ++m) {                                          \
      of[idx(Opcode::name)].form[m] = forms[m];                                      \
      of[idx(forms[m])].mode = static_cast<Mode>(m);                                 \
      of[idx(forms[m])].set = sets[m];                                               \
    }                                                                                \
    of[idx(Opcode::name)].constant = const_of<T>();                                  \
  }
#define CMP_FUSED(name, T, expr)                                                         \
  OP2_FUSED(name, T, expr)                                                               \
  {                                                                                      \
    const Opcode forms[kModes] = {Opcode::name, Opcode::name##_sl, Opcode::name##_sc,     \
                                  Opcode::name##_ll, Opcode::name##_lc};                 \
    const Opcode branches[kModes] = {Opcode::br_if_##name, Opcode::br_if_##name##_sl,    \
                                     Opcode::br_if_##name##_sc, Opcode::br_if_##name##_ll, \
                                     Opcode::br_if_##name##_lc};                         \
    for (unsigned m = 0; m < kModes; ++m) of[idx(forms[m])].br_if = branches[m];          \
  }
#define LOAD_FUSED(name, T, R)                     \
  of[idx(Opcode::name)].load_l = Opcode::name##_l; \
  of[idx(Opcode::name)].load_lc = Opcode::name##_lc;
#define STORE_FUSED(name, T, V, t)                       \
  of[idx(Opcode::name)].store_sl = Opcode::name##_sl;    \
  of[idx(Opcode::name)].store_sc = Opcode::name##_sc;    \
  of[idx(Opcode::name)].store_constant = Opcode::t##_const;
#include "interp/binops.def"
    // Negations, for `CMP; if` (br_unless): exact for integers. (Not for
    // floats, where a comparison with NaN and its "negation" are both false.)
    const Opcode pairs[][2] = {
        {Opcode::i32_eq, Opcode::i32_ne},     {Opcode::i32_lt_s, Opcode::i32_ge_s},
        {Opcode::i32_lt_u, Opcode::i32_ge_u}, {Opcode::i32_gt_s, Opcode::i32_le_s},
        {Opcode::i32_gt_u, Opcode::i32_le_u}, {Opcode::i64_eq, Opcode::i64_ne},
        {Opcode::i64_lt_s, Opcode::i64_ge_s}, {Opcode::i64_lt_u, Opcode::i64_ge_u},
        {Opcode::i64_gt_s, Opcode::i64_le_s}, {Opcode::i64_gt_u, Opcode::i64_le_u}};
    for (const auto& p : pairs)
      for (int k = 0; k < 2; ++k)
        for (unsigned m = 0; m < kModes; ++m)
          of[idx(of[idx(p[k])].form[m])].negation = of[idx(p[1 - k])].form[m];
  }
};

constexpr FusionTable kFusion{};

const Fusion& fusion(Opcode op) { return kFusion.of[idx(op)]; }

bool is_local1(const Instr& i) { return i.op == Opcode::local_get && i.b == 1; }

bool is_const(Opcode op) {
  return op == Opcode::i32_const || op == Opcode::i64_const || op == Opcode::f32_const ||
         op == Opcode::f64_const;
}

// `last` followed by `local.set z` (z of one cell): a move from a local or a
// constant, or an operator in some form storing into z. False when there is
// no such superinstruction, or z does not fit the form's free field.
bool fuse_set(Instr& last, uint32_t z) {
  if (is_local1(last)) {
    last = Instr{Opcode::local_set_l, 0, z, last.a};
    return true;
  }
  if (is_const(last.op)) {
    last = Instr{Opcode::local_set_c, 0, z, last.b};
    return true;
  }
  const Fusion& f = fusion(last.op);
  if (f.set == Opcode::count_) return false;
  switch (f.mode) {
    case Mode::ss: last.a = z; break;                   // a = z
    case Mode::sl: last.b = z; break;                   // a = y, b = z
    case Mode::sc: last.a = z; break;                   // a = z, b = c
    case Mode::ll: last.b |= uint64_t{z} << 32; break;  // a = x, b = y | z << 32
    case Mode::lc:                                      // a = x, b = c, reserved = z
      if (z > UINT16_MAX) return false;
      last.reserved = static_cast<uint16_t>(z);
      break;
    case Mode::count_: return false;
  }
  last.op = f.set;
  return true;
}

// A comparison in some form followed by a branch that moves no values
// (br_if, or br_unless with the negated comparison).
bool fuse_branch(Instr& last, const Instr& br) {
  const Opcode cmp = br.op == Opcode::br_unless ? fusion(last.op).negation : last.op;
  if (cmp == Opcode::count_ || br.b != 0) return false;
  const Fusion& f = fusion(cmp);
  if (f.br_if == Opcode::count_) return false;
  switch (f.mode) {
    case Mode::ss: last = Instr{f.br_if, 0, br.a, 0}; break;
    case Mode::sl: last = Instr{f.br_if, 0, br.a, last.a}; break;
    case Mode::sc: last = Instr{f.br_if, 0, br.a, last.b}; break;
    case Mode::ll: last = Instr{f.br_if, 0, br.a, last.a | last.b << 32}; break;
    case Mode::lc:
      if (last.a > UINT16_MAX) return false;
      last = Instr{f.br_if, static_cast<uint16_t>(last.a), br.a, last.b};
      break;
    case Mode::count_: return false;
  }
  return true;
}

}  // namespace

uint32_t emit_fused(std::vector<Instr>& code, size_t barrier, Instr x) {
  // How many of the last instructions may be rewritten: those after the
  // last branch target.
  const size_t n = code.size();
  const size_t open = n > barrier ? n - barrier : 0;
  Instr* t1 = open >= 1 ? &code[n - 1] : nullptr;  // the last instruction
  Instr* t2 = open >= 2 ? &code[n - 2] : nullptr;  // the one before it
  const Fusion& f = fusion(x.op);
  const auto last = static_cast<uint32_t>(n - 1);

  // An operator: its operands from locals and constants pushed just before.
  if (f.constant != Opcode::count_ && t1) {
    auto form = [&](Mode m) { return f.form[static_cast<unsigned>(m)]; };
    if (t2 && is_local1(*t2) && is_local1(*t1)) {
      *t2 = Instr{form(Mode::ll), 0, t2->a, t1->a};
    } else if (t2 && is_local1(*t2) && t1->op == f.constant) {
      *t2 = Instr{form(Mode::lc), 0, t2->a, t1->b};
    } else if (is_local1(*t1)) {
      *t1 = Instr{form(Mode::sl), 0, t1->a, 0};
      return last;
    } else if (t1->op == f.constant) {
      *t1 = Instr{form(Mode::sc), 0, 0, t1->b};
      return last;
    } else {
      code.push_back(x);
      return last + 1;
    }
    code.pop_back();  // t1 went into t2
    return last - 1;
  }

  switch (x.op) {
    case Opcode::local_set:
      if (t1 && x.b == 1 && fuse_set(*t1, x.a)) return last;
      break;
    case Opcode::local_tee:
      // A tee is a set and a get; the get may fuse with what follows.
      if (t1 && x.b == 1 && fuse_set(*t1, x.a)) {
        code.push_back(Instr{Opcode::local_get, 0, x.a, 1});
        return last + 1;
      }
      break;
    case Opcode::br_if:
    case Opcode::br_unless:
      if (t1 && fuse_branch(*t1, x)) return last;
      if (t1 && t1->op == Opcode::i32_eqz) {  // eqz then br_if is br_unless, and back
        *t1 = x;
        t1->op = x.op == Opcode::br_if ? Opcode::br_unless : Opcode::br_if;
        return last;
      }
      break;
    default:
      if (!t1 || x.a != 0) break;  // memory 0 only: the others are not in registers
      if (f.load_l != Opcode::count_ && is_local1(*t1)) {
        *t1 = Instr{f.load_l, 0, t1->a, x.b};
        return last;
      }
      if (f.load_lc != Opcode::count_ && t1->op == Opcode::i32_add_lc) {
        *t1 = Instr{f.load_lc, 0, t1->a, static_cast<uint32_t>(t1->b) | x.b << 32};
        return last;
      }
      if (f.store_sl != Opcode::count_ && is_local1(*t1)) {
        *t1 = Instr{f.store_sl, 0, static_cast<uint32_t>(x.b), t1->a};
        return last;
      }
      if (f.store_sc != Opcode::count_ && t1->op == f.store_constant) {
        *t1 = Instr{f.store_sc, 0, static_cast<uint32_t>(x.b), t1->b};
        return last;
      }
      break;
  }
  code.push_back(x);
  return last + 1;
}

}  // namespace wasmslot::validation
