/* A CoreMark-style mixed workload (written for this project, not CoreMark's
 * code): each round runs
 *   - list work: a linked list of records in a static pool; searches,
 *     reversal, and a merge sort by value then back by index;
 *   - matrix work: 16-bit matrices, add/multiply by a constant, matrix x
 *     vector, matrix x matrix, and bit-field extraction of the products;
 *   - a state machine: a scanner that classifies comma-separated tokens as
 *     integer, decimal, scientific or invalid, counting transitions;
 * and folds every partial result into a CRC-16. Seeds change per round. */
#include "common.h"

/* ---- CRC-16 (CCITT, bitwise) -------------------------------------------- */
static u16 crc16_byte(u16 crc, u8 b) {
  crc ^= (u16)b << 8;
  for (int i = 0; i < 8; i++) crc = (crc & 0x8000) ? (u16)((crc << 1) ^ 0x1021) : (u16)(crc << 1);
  return crc;
}
static u16 crc16_u16(u16 crc, u16 v) { return crc16_byte(crc16_byte(crc, (u8)v), (u8)(v >> 8)); }
static u16 crc16_u32(u16 crc, u32 v) { return crc16_u16(crc16_u16(crc, (u16)v), (u16)(v >> 16)); }

/* ---- List ----------------------------------------------------------------- */
typedef struct Node {
  struct Node* next;
  i16 value;
  i16 index;
} Node;

#define LIST_LEN 400
static Node pool[LIST_LEN];

static Node* list_build(u32* seed) {
  Node* head = 0;
  for (int i = LIST_LEN - 1; i >= 0; i--) {
    pool[i].value = (i16)(xorshift32(seed) & 0x7fff);
    pool[i].index = (i16)i;
    pool[i].next = head;
    head = &pool[i];
  }
  return head;
}

static Node* list_find(Node* l, i16 value) {
  while (l && l->value != value) l = l->next;
  return l;
}

static Node* list_reverse(Node* l) {
  Node* prev = 0;
  while (l) {
    Node* next = l->next;
    l->next = prev;
    prev = l;
    l = next;
  }
  return prev;
}

/* Bottom-up merge sort of a singly linked list; by_value or by index. */
static int before(const Node* a, const Node* b, int by_value) {
  return by_value ? (a->value != b->value ? a->value < b->value : a->index < b->index)
                  : a->index < b->index;
}

static Node* list_sort(Node* list, int by_value) {
  for (int width = 1;; width *= 2) {
    Node *p = list, *head = 0, *tail = 0;
    int merges = 0;
    while (p) {
      merges++;
      Node* q = p;
      int psize = 0;
      for (int i = 0; i < width && q; i++) {
        psize++;
        q = q->next;
      }
      int qsize = width;
      while (psize > 0 || (qsize > 0 && q)) {
        Node* e;
        if (psize == 0) { e = q; q = q->next; qsize--; }
        else if (qsize == 0 || !q) { e = p; p = p->next; psize--; }
        else if (!before(q, p, by_value)) { e = p; p = p->next; psize--; }
        else { e = q; q = q->next; qsize--; }
        if (tail) tail->next = e; else head = e;
        tail = e;
      }
      p = q;
    }
    tail->next = 0;
    list = head;
    if (merges <= 1) return list;
  }
}

static u16 list_bench(u16 crc, u32 seed) {
  Node* l = list_build(&seed);
  u32 found = 0, missed = 0;
  for (int i = 0; i < 40; i++) {
    i16 want = (i & 1) ? pool[(i * 37) % LIST_LEN].value : (i16)(xorshift32(&seed) & 0x7fff);
    Node* f = list_find(l, want);
    if (f) found += (u32)f->index; else missed++;
  }
  l = list_reverse(l);
  l = list_sort(l, 1);
  u32 h = 0;
  int k = 0;
  for (Node* p = l; p; p = p->next, k++)
    if ((k & 15) == 0) h = mix(h, (u32)(u16)p->value);
  l = list_sort(l, 0);
  u32 ordered = 1;
  for (Node* p = l; p && p->next; p = p->next) ordered &= p->index < p->next->index;
  crc = crc16_u32(crc, found);
  crc = crc16_u32(crc, missed);
  crc = crc16_u32(crc, h);
  return crc16_u16(crc, (u16)ordered);
}

/* ---- Matrix ----------------------------------------------------------------- */
#define MN 24
static i16 ma[MN * MN], mb[MN * MN];
static i32 mc[MN * MN];

static u16 matrix_bench(u16 crc, u32 seed) {
  for (int i = 0; i < MN * MN; i++) {
    ma[i] = (i16)((xorshift32(&seed) & 0xff) - 128);
    mb[i] = (i16)((xorshift32(&seed) & 0xff) - 128);
  }
  i16 k = (i16)((seed & 0xf) + 1);
  /* add constant */
  for (int i = 0; i < MN * MN; i++) ma[i] = (i16)(ma[i] + k);
  /* multiply by constant */
  i32 acc = 0;
  for (int i = 0; i < MN * MN; i++) { mc[i] = (i32)ma[i] * k; acc += mc[i]; }
  crc = crc16_u32(crc, (u32)acc);
  /* matrix x vector (vector: first row of mb) */
  acc = 0;
  for (int i = 0; i < MN; i++) {
    i32 s = 0;
    for (int j = 0; j < MN; j++) s += (i32)ma[i * MN + j] * mb[j];
    mc[i] = s;
    acc += s > 0 ? s : -s;
  }
  crc = crc16_u32(crc, (u32)acc);
  /* matrix x matrix */
  for (int i = 0; i < MN; i++)
    for (int j = 0; j < MN; j++) {
      i32 s = 0;
      for (int t = 0; t < MN; t++) s += (i32)ma[i * MN + t] * mb[t * MN + j];
      mc[i * MN + j] = s;
    }
  /* bit-field extraction of the products */
  acc = 0;
  for (int i = 0; i < MN * MN; i++) {
    i32 v = mc[i];
    i32 field = (v >> 2) & 0xf;
    i32 hi = (v >> 5) & 0x7f;
    acc += field > 7 ? hi : field * 3;
  }
  crc = crc16_u32(crc, (u32)acc);
  /* back: the products, scaled, into ma */
  for (int i = 0; i < MN * MN; i++) ma[i] = (i16)(mc[i] >> 6);
  acc = 0;
  for (int i = 0; i < MN * MN; i++) acc ^= (i32)ma[i] << (i & 7);
  return crc16_u32(crc, (u32)acc);
}

/* ---- State machine ----------------------------------------------------------- */
enum { S_START, S_INT, S_SIGN, S_DEC, S_FRAC, S_EXP, S_EXP_SIGN, S_SCI, S_INVALID, S_COUNT };

#define TEXT_LEN 2048
static u8 text[TEXT_LEN];

static const char* const tokens[] = {
    "5012", "1.23", "-874", "+122", "7.0e-1", "T0.3e-1F", "-.5e+3", "35.54400",
    "0.9e", "1e9", "-+3", "+0.0", "42", ".e2", "88a", "6.02e23"};

static u32 gen_text(u32 seed) {
  u32 len = 0;
  while (len + 12 < TEXT_LEN) {
    const char* t = tokens[xorshift32(&seed) & 15];
    while (*t) text[len++] = (u8)*t++;
    text[len++] = ',';
  }
  return len;
}

static int is_digit(u8 c) { return c >= '0' && c <= '9'; }

static u16 state_bench(u16 crc, u32 seed) {
  u32 len = gen_text(seed);
  u32 final_count[S_COUNT] = {0};
  u32 transitions = 0;
  int s = S_START;
  for (u32 i = 0; i < len; i++) {
    u8 c = text[i];
    int prev = s;
    if (c == ',') {
      final_count[s]++;
      s = S_START;
      continue;
    }
    switch (s) {
      case S_START:
        if (is_digit(c)) s = S_INT;
        else if (c == '+' || c == '-') s = S_SIGN;
        else if (c == '.') s = S_DEC;
        else s = S_INVALID;
        break;
      case S_SIGN:
        if (is_digit(c)) s = S_INT;
        else if (c == '.') s = S_DEC;
        else s = S_INVALID;
        break;
      case S_INT:
        if (c == '.') s = S_DEC;
        else if (c == 'e' || c == 'E') s = S_EXP;
        else if (!is_digit(c)) s = S_INVALID;
        break;
      case S_DEC:
        if (is_digit(c)) s = S_FRAC;
        else s = S_INVALID;
        break;
      case S_FRAC:
        if (c == 'e' || c == 'E') s = S_EXP;
        else if (!is_digit(c)) s = S_INVALID;
        break;
      case S_EXP:
        if (c == '+' || c == '-') s = S_EXP_SIGN;
        else if (is_digit(c)) s = S_SCI;
        else s = S_INVALID;
        break;
      case S_EXP_SIGN:
        if (is_digit(c)) s = S_SCI;
        else s = S_INVALID;
        break;
      case S_SCI:
        if (!is_digit(c)) s = S_INVALID;
        break;
      default:
        break;
    }
    transitions += s != prev;
  }
  for (int i = 0; i < S_COUNT; i++) crc = crc16_u32(crc, final_count[i]);
  return crc16_u32(crc, transitions);
}

/* ---- Driver ---------------------------------------------------------------- */
u32 run(u32 n) {
  u16 crc = 0xffff;
  u32 h = 2166136261u;
  for (u32 r = 0; r < n; r++) {
    u32 seed = 0x2545F491u ^ (r * 0x9E3779B9u);
    if (seed == 0) seed = 1;
    crc = list_bench(crc, seed);
    crc = matrix_bench(crc, seed ^ 0x5bd1e995u);
    crc = state_bench(crc, seed + 0x27d4eb2du);
    h = mix(h, crc);
  }
  return h;
}

BENCH_N(180, 5)
