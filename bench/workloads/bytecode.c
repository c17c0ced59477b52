/* A small bytecode interpreter: a stack machine with registers, assembled at
 * run time by a tiny assembler with labels, dispatched by a switch. The
 * program computes the total number of Collatz steps of 1..n-1 and then a
 * multiplicative hash loop. Measures the pattern of an interpreter inside an
 * interpreter: indirect branches (br_table), small loads/stores, a hot loop. */
#include "common.h"

enum {
  OP_HALT, OP_PUSH, OP_LD, OP_ST, OP_ADD, OP_SUB, OP_MUL, OP_AND, OP_XOR,
  OP_SHR, OP_SHL, OP_LT, OP_EQ, OP_JZ, OP_JNZ, OP_JMP, OP_DUP, OP_POP
};

#define MAX_CODE 512
#define MAX_LABELS 32
#define MAX_FIXUPS 64

static i32 code[MAX_CODE];
static i32 ncode;
static i32 labels[MAX_LABELS];
static i32 fix_at[MAX_FIXUPS], fix_label[MAX_FIXUPS];
static i32 nfix;

static void op(i32 o) { code[ncode++] = o; }
static void op1(i32 o, i32 a) { code[ncode++] = o; code[ncode++] = a; }
static void jump(i32 o, i32 label) {
  code[ncode++] = o;
  fix_at[nfix] = ncode;
  fix_label[nfix++] = label;
  code[ncode++] = -1;
}
static void label(i32 l) { labels[l] = ncode; }
static void link(void) {
  for (i32 i = 0; i < nfix; i++) code[fix_at[i]] = labels[fix_label[i]];
}

enum { L_OUTER, L_INNER, L_EVEN, L_COUNT, L_NEXT, L_END, L_HASH, L_HASH_END };

/* Registers: r0 i, r1 x, r2 total, r3 hash, r4 k, r7 n (input). */
static void assemble(void) {
  ncode = nfix = 0;
  op1(OP_PUSH, 1); op1(OP_ST, 0);            /* i = 1 */
  op1(OP_PUSH, 0); op1(OP_ST, 2);            /* total = 0 */
  label(L_OUTER);
  op1(OP_LD, 0); op1(OP_LD, 7); op(OP_LT); jump(OP_JZ, L_END);   /* while i < n */
  op1(OP_LD, 0); op1(OP_ST, 1);              /* x = i */
  label(L_INNER);
  op1(OP_LD, 1); op1(OP_PUSH, 1); op(OP_EQ); jump(OP_JNZ, L_NEXT);  /* while x != 1 */
  op1(OP_LD, 1); op1(OP_PUSH, 1); op(OP_AND); jump(OP_JZ, L_EVEN);
  op1(OP_LD, 1); op(OP_DUP); op(OP_ADD); op1(OP_LD, 1); op(OP_ADD);  /* x = 3x + 1 */
  op1(OP_PUSH, 1); op(OP_ADD); op1(OP_ST, 1); jump(OP_JMP, L_COUNT);
  label(L_EVEN);
  op1(OP_LD, 1); op1(OP_PUSH, 1); op(OP_SHR); op1(OP_ST, 1);        /* x >>= 1 */
  label(L_COUNT);
  op1(OP_LD, 2); op1(OP_PUSH, 1); op(OP_ADD); op1(OP_ST, 2);        /* total++ */
  jump(OP_JMP, L_INNER);
  label(L_NEXT);
  op1(OP_LD, 0); op1(OP_PUSH, 1); op(OP_ADD); op1(OP_ST, 0);        /* i++ */
  jump(OP_JMP, L_OUTER);
  label(L_END);
  /* hash = total; for k = n*8 down to 1: hash = (hash * 31) ^ (hash >> 7) ^ k */
  op1(OP_LD, 2); op1(OP_ST, 3);
  op1(OP_LD, 7); op1(OP_PUSH, 3); op(OP_SHL); op1(OP_ST, 4);
  label(L_HASH);
  op1(OP_LD, 4); jump(OP_JZ, L_HASH_END);
  op1(OP_LD, 3); op1(OP_PUSH, 31); op(OP_MUL);
  op1(OP_LD, 3); op1(OP_PUSH, 7); op(OP_SHR); op(OP_XOR);
  op1(OP_LD, 4); op(OP_XOR); op1(OP_ST, 3);
  op1(OP_LD, 4); op1(OP_PUSH, 1); op(OP_SUB); op1(OP_ST, 4);
  jump(OP_JMP, L_HASH);
  label(L_HASH_END);
  op1(OP_LD, 3); op1(OP_LD, 2); op(OP_POP);  /* exercise POP */
  op(OP_HALT);
  link();
}

static u32 regs[8];
static u32 stack[64];

static u32 execute(void) {
  const i32* pc = code;
  u32* sp = stack; /* points past the top */
  for (;;) {
    switch (*pc++) {
      case OP_HALT: return sp[-1];
      case OP_PUSH: *sp++ = (u32)*pc++; break;
      case OP_LD: *sp++ = regs[*pc++]; break;
      case OP_ST: regs[*pc++] = *--sp; break;
      case OP_ADD: sp--; sp[-1] += sp[0]; break;
      case OP_SUB: sp--; sp[-1] -= sp[0]; break;
      case OP_MUL: sp--; sp[-1] *= sp[0]; break;
      case OP_AND: sp--; sp[-1] &= sp[0]; break;
      case OP_XOR: sp--; sp[-1] ^= sp[0]; break;
      case OP_SHR: sp--; sp[-1] >>= (sp[0] & 31); break;
      case OP_SHL: sp--; sp[-1] <<= (sp[0] & 31); break;
      case OP_LT: sp--; sp[-1] = sp[-1] < sp[0]; break;
      case OP_EQ: sp--; sp[-1] = sp[-1] == sp[0]; break;
      case OP_JZ: { i32 t = *pc++; if (*--sp == 0) pc = code + t; break; }
      case OP_JNZ: { i32 t = *pc++; if (*--sp != 0) pc = code + t; break; }
      case OP_JMP: pc = code + *pc; break;
      case OP_DUP: sp[0] = sp[-1]; sp++; break;
      case OP_POP: sp--; break;
      default: return 0xdeadbeefu;
    }
  }
}

/* n below 77031 keeps every Collatz value under 2^32. */
u32 run(u32 n) {
  assemble();
  for (int i = 0; i < 8; i++) regs[i] = 0;
  regs[7] = n;
  u32 r = execute();
  return mix(mix(2166136261u, r), regs[2]);
}

BENCH_N(4000, 500)
