/* The C API's broad test: validation, import and export listings, every kind
 * of external, memory, globals, tables, multi-value, references, and traps
 * from the code, from the host and from instantiation.
 * Usage: capi-api api.wasm */
#include <string.h>

#include "common.h"

/* ------------------------------------------------------------------------ */
/* Printing types */

static const char* kind_name(wasm_valkind_t k) {
  switch (k) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASM_FUNCREF: return "funcref";
    case WASM_EXTERNREF: return "externref";
    default: return "?";
  }
}

static void print_valtypes(const wasm_valtype_vec_t* v) {
  printf("(");
  for (size_t i = 0; i < v->size; ++i) printf("%s%s", i ? " " : "", kind_name(wasm_valtype_kind(v->data[i])));
  printf(")");
}

static void print_limits(const wasm_limits_t* l) {
  if (l->max == wasm_limits_max_default)
    printf("%u", l->min);
  else
    printf("%u..%u", l->min, l->max);
}

static void print_externtype(const wasm_externtype_t* t) {
  switch (wasm_externtype_kind(t)) {
    case WASM_EXTERN_FUNC: {
      const wasm_functype_t* f = wasm_externtype_as_functype_const(t);
      printf("func ");
      print_valtypes(wasm_functype_params(f));
      printf(" -> ");
      print_valtypes(wasm_functype_results(f));
      break;
    }
    case WASM_EXTERN_GLOBAL: {
      const wasm_globaltype_t* g = wasm_externtype_as_globaltype_const(t);
      printf("global %s %s", wasm_globaltype_mutability(g) == WASM_VAR ? "var" : "const",
             kind_name(wasm_valtype_kind(wasm_globaltype_content(g))));
      break;
    }
    case WASM_EXTERN_TABLE: {
      const wasm_tabletype_t* tt = wasm_externtype_as_tabletype_const(t);
      printf("table %s ", kind_name(wasm_valtype_kind(wasm_tabletype_element(tt))));
      print_limits(wasm_tabletype_limits(tt));
      break;
    }
    case WASM_EXTERN_MEMORY:
      printf("memory ");
      print_limits(wasm_memorytype_limits(wasm_externtype_as_memorytype_const(t)));
      break;
  }
  if (wasm_externtype_as_functype_const(t) && wasm_externtype_kind(t) != WASM_EXTERN_FUNC) die("bad cast");
}

static void print_name(const wasm_name_t* n) { printf("%.*s", (int)n->size, n->data); }

/* ------------------------------------------------------------------------ */
/* Host functions */

static wasm_memory_t* the_memory; /* set once the instance exists */

/* env.log(ptr, len): prints that many bytes of the memory. */
static wasm_trap_t* log_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)results;
  const byte_t* data = wasm_memory_data(the_memory);
  printf("log: %.*s\n", (int)args->data[1].of.i32, data + args->data[0].of.i32);
  return NULL;
}

static wasm_store_t* the_store;

/* env.fail: traps. */
static wasm_trap_t* fail_callback(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  (void)results;
  wasm_message_t message;
  wasm_name_new_from_string_nt(&message, "host says no");
  wasm_trap_t* trap = wasm_trap_new(the_store, &message);
  wasm_name_delete(&message);
  return trap;
}

/* env.dup, as a function: returns the int32_t its env points to. */
static wasm_trap_t* dup_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  (void)args;
  results->data[0].of.i32 = *(const int32_t*)env;
  return NULL;
}

/* A host function called directly, which calls back into wasm: its env is
 * the exported `div`. */
static wasm_trap_t* reenter_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  const wasm_func_t* div = (const wasm_func_t*)env;
  wasm_val_t in[2] = {WASM_I32_VAL(args->data[0].of.i32), WASM_I32_VAL(4)};
  wasm_val_vec_t in_vec = WASM_ARRAY_VEC(in);
  return wasm_func_call(div, &in_vec, results); /* a trap passes through */
}

/* ------------------------------------------------------------------------ */
/* Calling */

/* Calls an export taking and returning at most two i32 values; prints the
 * outcome. */
static void call_i32(const wasm_func_t* f, const char* what, int nargs, int32_t a, int32_t b) {
  wasm_val_t in[2] = {WASM_I32_VAL(a), WASM_I32_VAL(b)};
  wasm_val_vec_t args;
  wasm_val_vec_new(&args, (size_t)nargs, in);
  wasm_val_vec_t results;
  wasm_val_vec_new_uninitialized(&results, wasm_func_result_arity(f));
  wasm_trap_t* trap = wasm_func_call(f, &args, &results);
  if (trap)
    print_trap(what, trap);
  else if (results.size == 1)
    printf("%s = %d\n", what, results.data[0].of.i32);
  else
    printf("%s: ok\n", what);
  wasm_val_vec_delete(&args);
  wasm_val_vec_delete(&results);
}

static const wasm_func_t* export_func(const wasm_extern_vec_t* exports, const wasm_exporttype_vec_t* types,
                                      const char* name) {
  for (size_t i = 0; i < types->size; ++i) {
    const wasm_name_t* n = wasm_exporttype_name(types->data[i]);
    if (n->size == strlen(name) && memcmp(n->data, name, n->size) == 0) {
      const wasm_func_t* f = wasm_extern_as_func_const(exports->data[i]);
      if (!f) die("not a function");
      return f;
    }
  }
  die("no such export");
  return NULL;
}

/* ------------------------------------------------------------------------ */

int main(int argc, char** argv) {
  if (argc != 2) die("usage: capi-api api.wasm");
  wasm_config_t* config = wasm_config_new();
  wasm_engine_t* engine = wasm_engine_new_with_config(config);
  wasm_store_t* store = wasm_store_new(engine);
  the_store = store;

  /* Vectors too large to allocate (their byte count overflows) come back
   * empty, without aborting. */
  {
    wasm_val_vec_t vals, vals2;
    wasm_val_vec_new_uninitialized(&vals, SIZE_MAX / 4);
    wasm_val_t one[1] = {WASM_I32_VAL(1)};
    wasm_val_vec_new(&vals2, SIZE_MAX / 4, one); /* fails before reading `one` */
    wasm_byte_vec_t bytes;
    wasm_byte_vec_new_uninitialized(&bytes, SIZE_MAX);
    wasm_extern_vec_t externs;
    wasm_extern_vec_new_uninitialized(&externs, SIZE_MAX / 2);
    printf("huge vectors: val %zu %s, val %zu %s, byte %zu %s, extern %zu %s\n", vals.size,
           vals.data ? "data" : "NULL", vals2.size, vals2.data ? "data" : "NULL", bytes.size,
           bytes.data ? "data" : "NULL", externs.size, externs.data ? "data" : "NULL");
    wasm_val_vec_delete(&vals);
    wasm_val_vec_delete(&vals2);
    wasm_byte_vec_delete(&bytes);
    wasm_extern_vec_delete(&externs);
  }

  /* Validation. */
  wasm_byte_vec_t binary;
  read_binary(argv[1], &binary);
  wasm_byte_vec_t garbage;
  wasm_byte_vec_new(&garbage, 8, "\0asm\2\0\0\0");
  printf("validate api.wasm: %d\n", wasm_module_validate(store, &binary));
  printf("validate garbage: %d\n", wasm_module_validate(store, &garbage));
  printf("module_new garbage: %s\n", wasm_module_new(store, &garbage) ? "module" : "NULL");
  wasm_byte_vec_delete(&garbage);

  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) die("wasm_module_new");

  /* Serialization, sharing, copies. */
  wasm_byte_vec_t serialized;
  wasm_module_serialize(module, &serialized);
  wasm_module_t* again = wasm_module_deserialize(store, &serialized);
  wasm_shared_module_t* shared = wasm_module_share(module);
  wasm_module_t* obtained = wasm_module_obtain(store, shared);
  wasm_module_t* copy = wasm_module_copy(module);
  printf("deserialized: %s, obtained same: %d, copy same: %d\n", again ? "module" : "NULL",
         wasm_module_same(obtained, module), wasm_module_same(copy, module));
  wasm_byte_vec_delete(&serialized);
  wasm_module_delete(again);
  wasm_shared_module_delete(shared);
  wasm_module_delete(obtained);
  wasm_module_delete(copy);

  /* Imports and exports. */
  wasm_importtype_vec_t import_types;
  wasm_module_imports(module, &import_types);
  wasm_importtype_vec_t import_copy;
  wasm_importtype_vec_copy(&import_copy, &import_types);
  for (size_t i = 0; i < import_copy.size; ++i) {
    printf("import ");
    print_name(wasm_importtype_module(import_copy.data[i]));
    printf(".");
    print_name(wasm_importtype_name(import_copy.data[i]));
    printf(": ");
    print_externtype(wasm_importtype_type(import_copy.data[i]));
    printf("\n");
  }
  wasm_importtype_vec_delete(&import_copy);
  wasm_importtype_vec_delete(&import_types);

  wasm_exporttype_vec_t export_types;
  wasm_module_exports(module, &export_types);
  for (size_t i = 0; i < export_types.size; ++i) {
    printf("export ");
    print_name(wasm_exporttype_name(export_types.data[i]));
    printf(": ");
    print_externtype(wasm_exporttype_type(export_types.data[i]));
    printf("\n");
  }

  /* Instantiation failures: missing imports, a trapping start function. */
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t no_imports = WASM_EMPTY_VEC;
  wasm_instance_t* failed = wasm_instance_new(store, module, &no_imports, &trap);
  printf("instance without imports: %s\n", failed ? "instance" : "NULL");
  wasm_trap_t* trap_copy = wasm_trap_copy(trap);
  print_trap("instantiate", trap);
  print_trap("instantiate (trap copy)", trap_copy);
  static const char start_traps[] = {0, 'a', 's', 'm', 1, 0, 0, 0,   /* header */
                                     1, 4, 1, 0x60, 0, 0,             /* type () -> () */
                                     3, 2, 1, 0,                      /* func 0: type 0 */
                                     8, 1, 0,                         /* start 0 */
                                     10, 5, 1, 3, 0, 0x00, 0x0b};     /* body: unreachable */
  wasm_byte_vec_t start_binary;
  wasm_byte_vec_new(&start_binary, sizeof start_traps, start_traps);
  wasm_module_t* start_module = wasm_module_new(store, &start_binary);
  wasm_byte_vec_delete(&start_binary);
  if (!start_module) die("start module");
  failed = wasm_instance_new(store, start_module, NULL, &trap);
  printf("instance with a trapping start: %s\n", failed ? "instance" : "NULL");
  print_trap("start", trap);
  wasm_module_delete(start_module);

  /* The imports. */
  wasm_functype_t* log_type = wasm_functype_new_2_0(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* log_func = wasm_func_new(store, log_type, log_callback);
  wasm_functype_delete(log_type);
  wasm_functype_t* fail_type = wasm_functype_new_0_0();
  wasm_func_t* fail_func = wasm_func_new(store, fail_type, fail_callback);
  wasm_functype_delete(fail_type);
  wasm_globaltype_t* base_type = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_VAR);
  wasm_val_t base_init = WASM_I32_VAL(100);
  wasm_global_t* base = wasm_global_new(store, base_type, &base_init);
  wasm_globaltype_delete(base_type);
  /* env.dup three times: two different functions and a global. */
  static const int32_t dup_a_value = 1, dup_b_value = 3;
  wasm_functype_t* dup_type = wasm_functype_new_0_1(wasm_valtype_new_i32());
  wasm_func_t* dup_a = wasm_func_new_with_env(store, dup_type, dup_callback, (void*)&dup_a_value, NULL);
  wasm_func_t* dup_b = wasm_func_new_with_env(store, dup_type, dup_callback, (void*)&dup_b_value, NULL);
  wasm_functype_delete(dup_type);
  wasm_globaltype_t* dup_gtype = wasm_globaltype_new(wasm_valtype_new_i32(), WASM_CONST);
  wasm_val_t dup_init = WASM_I32_VAL(2);
  wasm_global_t* dup_g = wasm_global_new(store, dup_gtype, &dup_init);
  wasm_globaltype_delete(dup_gtype);
  if (!log_func || !fail_func || !base || !dup_a || !dup_b || !dup_g) die("making the imports");

  /* Position matters: the global and a function of env.dup swapped, and a
   * missing one, are refused. */
  {
    wasm_extern_t* swapped[6] = {wasm_func_as_extern(log_func), wasm_func_as_extern(fail_func),
                                 wasm_global_as_extern(base),   wasm_global_as_extern(dup_g),
                                 wasm_func_as_extern(dup_a),    wasm_func_as_extern(dup_b)};
    wasm_extern_vec_t swapped_vec = WASM_ARRAY_VEC(swapped);
    failed = wasm_instance_new(store, module, &swapped_vec, &trap);
    printf("instance with env.dup swapped: %s\n", failed ? "instance" : "NULL");
    print_trap("instantiate", trap);
    swapped[3] = wasm_func_as_extern(dup_a);
    swapped[4] = wasm_global_as_extern(dup_g);
    swapped[5] = NULL;
    failed = wasm_instance_new(store, module, &swapped_vec, &trap);
    printf("instance with a null import: %s\n", failed ? "instance" : "NULL");
    print_trap("instantiate", trap);
  }

  wasm_extern_vec_t imports;
  wasm_extern_vec_new_uninitialized(&imports, 6);
  imports.data[0] = wasm_func_as_extern(log_func);
  imports.data[1] = wasm_func_as_extern(fail_func);
  imports.data[2] = wasm_extern_copy(wasm_global_as_extern(base));
  imports.data[3] = wasm_func_as_extern(dup_a);
  imports.data[4] = wasm_global_as_extern(dup_g);
  imports.data[5] = wasm_func_as_extern(dup_b);
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  /* deletes the handles given, except base, of which it held a copy */
  wasm_extern_vec_delete(&imports);
  if (!instance || trap) {
    print_trap("instantiate", trap);
    die("wasm_instance_new");
  }

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (exports.size != export_types.size) die("export count");
  for (size_t i = 0; i < exports.size; ++i) {
    wasm_externtype_t* t = wasm_extern_type(exports.data[i]);
    if (wasm_externtype_kind(t) != wasm_extern_kind(exports.data[i])) die("extern kind");
    wasm_externtype_delete(t);
  }
  the_memory = wasm_extern_as_memory(exports.data[0]);
  wasm_global_t* counter = wasm_extern_as_global(exports.data[1]);
  wasm_global_t* pi = wasm_extern_as_global(exports.data[2]);
  wasm_table_t* table = wasm_extern_as_table(exports.data[3]);
  if (!the_memory || !counter || !pi || !table || wasm_extern_as_func(exports.data[0])) die("export kinds");

  /* Calls, and traps from the code and from the host. */
  call_i32(export_func(&exports, &export_types, "greet"), "greet", 0, 0, 0);
  const wasm_func_t* div = export_func(&exports, &export_types, "div");
  call_i32(div, "div(7, 2)", 2, 7, 2);
  call_i32(div, "div(-7, 2)", 2, -7, 2);
  call_i32(div, "div(1, 0)", 2, 1, 0);
  call_i32(div, "div(7)", 1, 7, 0);
  call_i32(export_func(&exports, &export_types, "boom"), "boom", 0, 0, 0);
  call_i32(export_func(&exports, &export_types, "call_fail"), "call_fail", 0, 0, 0);
  {
    wasm_val_t wrong[2] = {WASM_I64_VAL(1), WASM_I32_VAL(1)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(wrong);
    wasm_val_t out[1] = {WASM_INIT_VAL};
    wasm_val_vec_t results = WASM_ARRAY_VEC(out);
    print_trap("div(i64, i32)", wasm_func_call(div, &args, &results));
  }

  /* Each env.dup import is the one given at its position. */
  {
    wasm_val_vec_t args = WASM_EMPTY_VEC;
    wasm_val_t out[3] = {WASM_INIT_VAL, WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t results = WASM_ARRAY_VEC(out);
    trap = wasm_func_call(export_func(&exports, &export_types, "dups"), &args, &results);
    if (trap) die("dups");
    printf("dups() = %d %d %d\n", out[0].of.i32, out[1].of.i32, out[2].of.i32);
  }

  /* A host function called directly that calls back into wasm. */
  wasm_functype_t* reenter_type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* reenter = wasm_func_new_with_env(store, reenter_type, reenter_callback, (void*)div, NULL);
  wasm_functype_delete(reenter_type);
  call_i32(reenter, "reenter(20)", 1, 20, 0);
  wasm_func_delete(reenter);

  /* Memory. */
  printf("memory: %u pages, %zu bytes\n", wasm_memory_size(the_memory), wasm_memory_data_size(the_memory));
  printf("memory at 16: %.5s\n", wasm_memory_data(the_memory) + 16);
  wasm_memory_data(the_memory)[100] = 42;
  const wasm_func_t* load = export_func(&exports, &export_types, "load");
  call_i32(load, "load(100)", 1, 100, 0);
  printf("memory_grow(1): %d\n", wasm_memory_grow(the_memory, 1));
  call_i32(export_func(&exports, &export_types, "grow"), "grow(1)", 1, 1, 0);
  printf("memory_grow(5): %d\n", wasm_memory_grow(the_memory, 5));
  wasm_memorytype_t* mt = wasm_memory_type(the_memory);
  printf("memory type: ");
  print_externtype(wasm_memorytype_as_externtype_const(mt));
  printf(", %zu bytes\n", wasm_memory_data_size(the_memory));
  wasm_memorytype_delete(mt);
  call_i32(load, "load(3 * 65536 - 1)", 1, 3 * 65536 - 1, 0);
  call_i32(load, "load(3 * 65536)", 1, 3 * 65536, 0);

  /* Globals. */
  wasm_val_t v;
  wasm_global_get(counter, &v);
  printf("counter = %d\n", v.of.i32);
  wasm_val_t eight = WASM_I32_VAL(8);
  wasm_global_set(counter, &eight);
  call_i32(export_func(&exports, &export_types, "get_counter"), "get_counter()", 0, 0, 0);
  wasm_global_get(pi, &v);
  wasm_val_t ten = WASM_F64_VAL(10.0);
  wasm_global_set(pi, &ten); /* immutable: ignored */
  wasm_val_t after;
  wasm_global_get(pi, &after);
  printf("pi = %g, after a set: %g\n", v.of.f64, after.of.f64);
  call_i32(export_func(&exports, &export_types, "add_base"), "add_base(5)", 1, 5, 0);
  wasm_global_get(base, &v);
  printf("base = %d\n", v.of.i32);
  /* Result vectors: a wrong size traps before the call, nothing run; an
   * empty one lets the call run, as the standard's example/trap.c expects of
   * a call that traps, and is refused once the call has returned. */
  {
    const wasm_func_t* add_base = export_func(&exports, &export_types, "add_base");
    wasm_val_t in[1] = {WASM_I32_VAL(1)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(in);
    wasm_val_t out[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t two = WASM_ARRAY_VEC(out);
    print_trap("add_base(1) into 2 results", wasm_func_call(add_base, &args, &two));
    wasm_global_get(base, &v);
    printf("base = %d\n", v.of.i32);
    wasm_val_vec_t none = WASM_EMPTY_VEC;
    print_trap("add_base(1) into no results", wasm_func_call(add_base, &args, &none));
    wasm_global_get(base, &v);
    printf("base = %d\n", v.of.i32);
    wasm_val_t div_in[2] = {WASM_I32_VAL(1), WASM_I32_VAL(0)};
    wasm_val_vec_t div_args = WASM_ARRAY_VEC(div_in);
    print_trap("div(1, 0) into no results", wasm_func_call(div, &div_args, &none));
    print_trap("div(1, 0) into 2 results", wasm_func_call(div, &div_args, &two));
  }
  wasm_globaltype_t* gt = wasm_global_type(base);
  printf("base type: ");
  print_externtype(wasm_globaltype_as_externtype_const(gt));
  printf("\n");
  wasm_globaltype_delete(gt);

  /* Tables and function references. */
  printf("table size: %u\n", wasm_table_size(table));
  wasm_ref_t* r0 = wasm_table_get(table, 0);
  wasm_func_t* f0 = wasm_ref_as_func(r0);
  printf("table[0] same as div: %d\n", f0 && wasm_func_same(f0, div));
  call_i32(f0, "table[0](9, 3)", 2, 9, 3);
  printf("table[7]: %s\n", wasm_table_get(table, 7) ? "ref" : "NULL");
  bool grew = wasm_table_grow(table, 3, r0);
  printf("table_grow(3): %d, size %u\n", grew, wasm_table_size(table));
  printf("table_grow(100): %d\n", wasm_table_grow(table, 100, NULL));
  wasm_ref_t* r4 = wasm_table_get(table, 4);
  printf("table[4] same as div: %d\n", r4 && wasm_ref_same(r4, r0));
  wasm_ref_delete(r4);
  printf("table_set(1, NULL): %d, table_set(20, NULL): %d\n", wasm_table_set(table, 1, NULL),
         wasm_table_set(table, 20, NULL));
  const wasm_func_t* ref = export_func(&exports, &export_types, "ref");
  for (int32_t i = 0; i < 2; ++i) {
    wasm_val_t in[1] = {WASM_I32_VAL(i)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(in);
    wasm_val_vec_t results;
    wasm_val_vec_new_uninitialized(&results, 1);
    trap = wasm_func_call(ref, &args, &results);
    if (trap) die("ref");
    wasm_val_vec_t copied;
    wasm_val_vec_copy(&copied, &results);
    printf("ref(%d): kind %s, %s\n", i, kind_name(copied.data[0].kind), copied.data[0].of.ref ? "a function" : "null");
    wasm_val_vec_delete(&copied);
    wasm_val_vec_delete(&results);
  }
  wasm_ref_delete(r0);

  /* Multi-value, and the other number types. */
  {
    wasm_val_t in[3] = {WASM_I64_VAL(5000000000LL), WASM_F32_VAL(1.5f), WASM_F64_VAL(2.25)};
    wasm_val_vec_t args = WASM_ARRAY_VEC(in);
    wasm_val_t out[2] = {WASM_INIT_VAL, WASM_INIT_VAL};
    wasm_val_vec_t results = WASM_ARRAY_VEC(out);
    const wasm_func_t* mixed = export_func(&exports, &export_types, "mixed");
    wasm_functype_t* ft = wasm_func_type(mixed);
    printf("mixed: ");
    print_externtype(wasm_functype_as_externtype_const(ft));
    printf("\n");
    wasm_functype_delete(ft);
    trap = wasm_func_call(mixed, &args, &results);
    if (trap) die("mixed");
    printf("mixed(5000000000, 1.5, 2.25) = %g %s, %lld %s\n", out[0].of.f64, kind_name(out[0].kind),
           (long long)out[1].of.i64, kind_name(out[1].kind));
  }

  /* Objects made by the host alone. */
  wasm_limits_t limits = {1, 2};
  wasm_memorytype_t* host_mt = wasm_memorytype_new(&limits);
  wasm_memory_t* host_memory = wasm_memory_new(store, host_mt);
  wasm_memorytype_delete(host_mt);
  printf("host memory: %u page(s)", wasm_memory_size(host_memory));
  printf(", grow(1): %d", wasm_memory_grow(host_memory, 1));
  printf(", grow(1): %d\n", wasm_memory_grow(host_memory, 1));
  wasm_memory_delete(host_memory);
  wasm_limits_t table_limits = {4, wasm_limits_max_default};
  wasm_tabletype_t* host_tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &table_limits);
  wasm_table_t* host_table = wasm_table_new(store, host_tt, wasm_func_as_ref((wasm_func_t*)div));
  wasm_tabletype_delete(host_tt);
  wasm_ref_t* host_elem = wasm_table_get(host_table, 3);
  printf("host table: size %u, [3] same as div: %d\n", wasm_table_size(host_table),
         wasm_ref_same(host_elem, wasm_func_as_ref_const(div)));
  wasm_ref_delete(host_elem);
  wasm_table_delete(host_table);
  /* A maximum below the minimum. */
  wasm_limits_t inverted = {5, 2};
  wasm_tabletype_t* bad_tt = wasm_tabletype_new(wasm_valtype_new_funcref(), &inverted);
  wasm_memorytype_t* bad_mt = wasm_memorytype_new(&inverted);
  wasm_table_t* bad_table = wasm_table_new(store, bad_tt, NULL);
  wasm_memory_t* bad_memory = wasm_memory_new(store, bad_mt);
  printf("table 5..2: %s, memory 5..2: %s\n", bad_table ? "table" : "NULL", bad_memory ? "memory" : "NULL");
  wasm_table_delete(bad_table);
  wasm_memory_delete(bad_memory);
  wasm_tabletype_delete(bad_tt);
  wasm_memorytype_delete(bad_mt);

  /* Copies of handles name the same objects. */
  {
    wasm_table_t* table_copy = wasm_table_copy(table);
    wasm_memory_t* memory_copy = wasm_memory_copy(the_memory);
    wasm_global_t* global_copy = wasm_global_copy(counter);
    wasm_func_t* func_copy = wasm_func_copy(div);
    wasm_extern_t* extern_copy = wasm_extern_copy(exports.data[0]);
    printf("copies same: table %d, memory %d, global %d, func %d, extern %d; counter same as pi: %d\n",
           wasm_table_same(table_copy, table), wasm_memory_same(memory_copy, the_memory),
           wasm_global_same(global_copy, counter), wasm_func_same(func_copy, div),
           wasm_extern_same(extern_copy, exports.data[0]), wasm_global_same(counter, pi));
    wasm_table_delete(table_copy);
    wasm_memory_delete(memory_copy);
    wasm_global_delete(global_copy);
    wasm_func_delete(func_copy);
    wasm_extern_delete(extern_copy);
  }

  wasm_extern_vec_delete(&exports);
  wasm_exporttype_vec_delete(&export_types);
  wasm_global_delete(base);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
