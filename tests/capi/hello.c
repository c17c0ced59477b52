/* The C API's first test: load hello.wasm, give it a host function written
 * in C, call the export that calls it back, and check the finalizer runs
 * when the store goes. Usage: capi-hello hello.wasm */
#include "common.h"

struct counter {
  int calls;
};

/* env.hello: prints its argument, returns it doubled. */
static wasm_trap_t* hello_callback(void* env, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  struct counter* c = (struct counter*)env;
  c->calls++;
  printf("host: hello %d\n", args->data[0].of.i32);
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 2;
  return NULL;
}

static void finalize(void* env) {
  printf("finalizer: %d call(s)\n", ((struct counter*)env)->calls);
}

int main(int argc, char** argv) {
  if (argc != 2) die("usage: capi-hello hello.wasm");
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);

  wasm_byte_vec_t binary;
  read_binary(argv[1], &binary);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) die("wasm_module_new");

  struct counter counter = {0};
  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* hello = wasm_func_new_with_env(store, type, hello_callback, &counter, finalize);
  wasm_functype_delete(type);

  wasm_extern_t* imports_array[] = {wasm_func_as_extern(hello)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(imports_array);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) die("wasm_instance_new");
  wasm_func_delete(hello);

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  if (exports.size != 1) die("expected one export");
  const wasm_func_t* run = wasm_extern_as_func(exports.data[0]);
  if (!run) die("run is not a function");

  wasm_val_t arg_values[1] = {WASM_I32_VAL(20)};
  wasm_val_t result_values[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_values);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_values);
  trap = wasm_func_call(run, &args, &results);
  if (trap) print_trap("run", trap);
  printf("run(20) = %d\n", results.data[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_module_delete(module);
  printf("deleting the store\n");
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  printf("done\n");
  return 0;
}
