// The fuser: a peephole pass over translated code (loader/module.h) that
// replaces common sequences of instructions by superinstructions
// (interp/binops.def), which the interpreter executes with one dispatch
// instead of two to four. Compilers emit wasm in which almost every operator
// takes its operands from `local.get` and `i32.const`, and almost every
// comparison feeds a `br_if` or an `if`, so these few patterns cover most of
// the instructions that run:
//
//   local.get x; local.get y; OP    ->  OP_ll x y
//   local.get x; CONST c; OP        ->  OP_lc x c
//   local.get y; OP                 ->  OP_sl y       (a is already on the stack)
//   CONST c; OP                     ->  OP_sc c
//   local.get x; LOAD offset        ->  LOAD_l x offset   (memory 0)
//   CMP...; br_if L                 ->  br_if_CMP... L    (L moves no values)
//   CMP...; br_unless L             ->  br_if_NOTCMP... L (integer compares)
//   i32.eqz; br_if L                ->  br_unless L, and the reverse
//
// A sequence is only fused when no branch lands inside it (on any of its
// instructions but the first): a branch target must stay an instruction
// boundary. Fusing shortens the code, so branch targets are renumbered at the
// end. One linear pass plus the renumbering: fusing costs far less than the
// validation that precedes it.
#include <array>
#include <type_traits>
#include <vector>

#include "loader/loader.h"

namespace wasmslot {

namespace {

// What the fuser knows about an opcode.
struct Fusion {
  // An operator with operand variants (OP2_FUSED/CMP_FUSED): its variants
  // reading a local (sl), a constant (sc), two locals (ll), a local and a
  // constant (lc); count_ when the opcode has none.
  Opcode sl = Opcode::count_, sc = Opcode::count_, ll = Opcode::count_, lc = Opcode::count_;
  Opcode constant = Opcode::count_;  // the const instruction of its operand type
  // A comparison (CMP_FUSED): fused with br_if, for each operand variant
  // (stack-stack, sl, sc, ll, lc), and the comparison that is its negation
  // (for br_unless, which branches when the comparison is false).
  Opcode br_ss = Opcode::count_, br_sl = Opcode::count_, br_sc = Opcode::count_,
         br_ll = Opcode::count_, br_lc = Opcode::count_;
  Opcode negation = Opcode::count_;
  Opcode load_l = Opcode::count_;  // a load: its variant with the address in a local
  bool branch = false;             // Instr::a is a branch target
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
#define OP2_FUSED(name, T, expr)                         \
  of[idx(Opcode::name)].sl = Opcode::name##_sl;          \
  of[idx(Opcode::name)].sc = Opcode::name##_sc;          \
  of[idx(Opcode::name)].ll = Opcode::name##_ll;          \
  of[idx(Opcode::name)].lc = Opcode::name##_lc;          \
  of[idx(Opcode::name)].constant = const_of<T>();
#define CMP_FUSED(name, T, expr)                                       \
  OP2_FUSED(name, T, expr)                                             \
  for (Opcode v : {Opcode::name, Opcode::name##_sl, Opcode::name##_sc, \
                   Opcode::name##_ll, Opcode::name##_lc}) {            \
    of[idx(v)].br_ss = Opcode::br_if_##name;                           \
    of[idx(v)].br_sl = Opcode::br_if_##name##_sl;                      \
    of[idx(v)].br_sc = Opcode::br_if_##name##_sc;                      \
    of[idx(v)].br_ll = Opcode::br_if_##name##_ll;                      \
    of[idx(v)].br_lc = Opcode::br_if_##name##_lc;                      \
  }                                                                    \
  for (Opcode v : {Opcode::br_if_##name, Opcode::br_if_##name##_sl,    \
                   Opcode::br_if_##name##_sc, Opcode::br_if_##name##_ll, \
                   Opcode::br_if_##name##_lc})                         \
    of[idx(v)].branch = true;
#define LOAD_FUSED(name, T, R) of[idx(Opcode::name)].load_l = Opcode::name##_l;
#include "interp/binops.def"
    for (Opcode v : {Opcode::br, Opcode::br_if, Opcode::br_unless}) of[idx(v)].branch = true;
    // Negations, for `CMP; if` (br_unless): exact for integers. (Not for
    // floats, where a comparison with NaN and its "negation" are both false.)
    const Opcode pairs[][2] = {
        {Opcode::i32_eq, Opcode::i32_ne},     {Opcode::i32_lt_s, Opcode::i32_ge_s},
        {Opcode::i32_lt_u, Opcode::i32_ge_u}, {Opcode::i32_gt_s, Opcode::i32_le_s},
        {Opcode::i32_gt_u, Opcode::i32_le_u}, {Opcode::i64_eq, Opcode::i64_ne},
        {Opcode::i64_lt_s, Opcode::i64_ge_s}, {Opcode::i64_lt_u, Opcode::i64_ge_u},
        {Opcode::i64_gt_s, Opcode::i64_le_s}, {Opcode::i64_gt_u, Opcode::i64_le_u}};
    for (const auto& p : pairs) {
      for (int k = 0; k < 2; ++k) {
        const Opcode op = p[k], neg = p[1 - k];
        for (Opcode v : {op, of[idx(op)].sl, of[idx(op)].sc, of[idx(op)].ll, of[idx(op)].lc})
          of[idx(v)].negation = neg;
      }
    }
  }
};

constexpr FusionTable kFusion{};

const Fusion& fusion(Opcode op) { return kFusion.of[idx(op)]; }

// Where an operator's operands come from: stack-stack, stack-local,
// stack-constant, local-local, local-constant.
enum class Mode { ss, sl, sc, ll, lc };

}  // namespace

void fuse(Code& code) {
  std::vector<Instr>& in = code.instrs;
  const size_t n = in.size();
  if (n < 2) return;

  // renumber[i]: first, whether a branch lands on instruction i (kTarget);
  // then, where instruction i ends up. One buffer per thread, reused.
  constexpr uint32_t kTarget = 1;
  thread_local std::vector<uint32_t> renumber;
  renumber.assign(n + 1, 0);
  for (const Instr& i : in)
    if (fusion(i.op).branch) renumber[i.a] = kTarget;
  for (const BranchTarget& t : code.br_tables) renumber[t.target] = kTarget;

  // The fused code is written over the input: it is never longer, so
  // instruction `out` is written only after every instruction it reads.
  size_t out = 0;
  // Instruction i, and the k-1 after it, can become one: none of the later
  // ones is a branch target.
  auto fusable = [&](size_t i, size_t k) {
    if (i + k > n) return false;
    for (size_t j = i + 1; j < i + k; ++j)
      if (renumber[j] == kTarget) return false;
    return true;
  };
  auto is_local1 = [&](size_t i) { return in[i].op == Opcode::local_get && in[i].b == 1; };

  size_t i = 0;
  while (i < n) {
    const uint32_t at = static_cast<uint32_t>(out);
    Instr x = in[i];
    size_t used = 1;
    Mode mode = Mode::ss;
    bool is_op = false;  // x is an operator (plain or fused) of binops.def

    if (is_local1(i) && fusable(i, 2)) {
      const Instr& next = in[i + 1];
      const Fusion* f3 = fusable(i, 3) ? &fusion(in[i + 2].op) : nullptr;
      if (f3 && f3->ll != Opcode::count_ && is_local1(i + 1)) {
        x = Instr{f3->ll, 0, in[i].a, next.a};
        used = 3, mode = Mode::ll, is_op = true;
      } else if (f3 && f3->lc != Opcode::count_ && next.op == f3->constant) {
        x = Instr{f3->lc, 0, in[i].a, next.b};
        used = 3, mode = Mode::lc, is_op = true;
      } else if (fusion(next.op).load_l != Opcode::count_ && next.a == 0) {
        x = Instr{fusion(next.op).load_l, 0, in[i].a, next.b};
        used = 2;
      } else if (fusion(next.op).sl != Opcode::count_) {
        x = Instr{fusion(next.op).sl, 0, in[i].a, 0};
        used = 2, mode = Mode::sl, is_op = true;
      }
    } else if (fusable(i, 2) && fusion(in[i + 1].op).sc != Opcode::count_ &&
               in[i].op == fusion(in[i + 1].op).constant) {
      x = Instr{fusion(in[i + 1].op).sc, 0, 0, in[i].b};
      used = 2, mode = Mode::sc, is_op = true;
    } else if (fusion(x.op).br_ss != Opcode::count_) {
      is_op = true;  // a plain comparison
    }

    // A comparison followed by a conditional branch that moves no values.
    if (is_op && fusion(x.op).br_ss != Opcode::count_ && fusable(i, used + 1)) {
      const Instr& br = in[i + used];
      if ((br.op == Opcode::br_if || br.op == Opcode::br_unless) && br.b == 0 &&
          !(mode == Mode::lc && x.a > UINT16_MAX)) {
        Opcode cmp = x.op;
        if (br.op == Opcode::br_unless) cmp = fusion(x.op).negation;
        const Fusion& c = fusion(cmp);
        switch (mode) {
          case Mode::ss: x = Instr{c.br_ss, 0, br.a, 0}; break;
          case Mode::sl: x = Instr{c.br_sl, 0, br.a, x.a}; break;
          case Mode::sc: x = Instr{c.br_sc, 0, br.a, x.b}; break;
          case Mode::ll: x = Instr{c.br_ll, 0, br.a, x.a | x.b << 32}; break;
          case Mode::lc: x = Instr{c.br_lc, static_cast<uint16_t>(x.a), br.a, x.b}; break;
        }
        ++used;
      }
    } else if (x.op == Opcode::i32_eqz && fusable(i, 2)) {
      // eqz then br_if is br_unless, and the other way round.
      const Instr& br = in[i + 1];
      if (br.op == Opcode::br_if || br.op == Opcode::br_unless) {
        x = br;
        x.op = br.op == Opcode::br_if ? Opcode::br_unless : Opcode::br_if;
        used = 2;
      }
    }

    // Checked before: the interior instructions are not targets; nothing
    // reads their new number.
    renumber[i] = at;
    in[out++] = x;
    i += used;
  }
  renumber[n] = static_cast<uint32_t>(out);
  if (out == n) return;  // nothing fused

  in.resize(out);
  for (Instr& x : in)
    if (fusion(x.op).branch) x.a = renumber[x.a];
  for (BranchTarget& t : code.br_tables) t.target = renumber[t.target];
}

}  // namespace wasmslot
