/* The same program as ../consumer/main.cpp, in C, through the standard C API (<wasm.h>)
 * that the package installs. */
#include <stdint.h>
#include <stdio.h>
#include <wasm.h>

/* (module
 *   (import "env" "twice" (func $twice (param i32) (result i32)))
 *   (func (export "run") (param i32) (result i32)
 *     (i32.add (call $twice (local.get 0)) (i32.const 1)))) */
static const uint8_t kModule[] = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, 0x0a,
    0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b};

static wasm_trap_t* twice(const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  results->data[0].kind = WASM_I32;
  results->data[0].of.i32 = args->data[0].of.i32 * 2;
  return NULL;
}

int main(void) {
  wasm_engine_t* engine = wasm_engine_new();
  wasm_store_t* store = wasm_store_new(engine);
  wasm_byte_vec_t binary;
  wasm_byte_vec_new(&binary, sizeof kModule, (const wasm_byte_t*)kModule);
  wasm_module_t* module = wasm_module_new(store, &binary);
  wasm_byte_vec_delete(&binary);
  if (!module) return fprintf(stderr, "error: invalid module\n"), 1;

  wasm_functype_t* type = wasm_functype_new_1_1(wasm_valtype_new_i32(), wasm_valtype_new_i32());
  wasm_func_t* host = wasm_func_new(store, type, twice);
  wasm_functype_delete(type);
  wasm_extern_t* import_list[] = {wasm_func_as_extern(host)};
  wasm_extern_vec_t imports = WASM_ARRAY_VEC(import_list);
  wasm_trap_t* trap = NULL;
  wasm_instance_t* instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) return fprintf(stderr, "error: cannot instantiate\n"), 1;

  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  wasm_val_t arg_values[1] = {WASM_I32_VAL(20)};
  wasm_val_t result_values[1] = {WASM_INIT_VAL};
  wasm_val_vec_t args = WASM_ARRAY_VEC(arg_values);
  wasm_val_vec_t results = WASM_ARRAY_VEC(result_values);
  trap = wasm_func_call(wasm_extern_as_func(exports.data[0]), &args, &results);
  if (trap) return fprintf(stderr, "error: trap\n"), 1;
  printf("run(20) = %d\n", results.data[0].of.i32);

  wasm_extern_vec_delete(&exports);
  wasm_instance_delete(instance);
  wasm_func_delete(host);
  wasm_module_delete(module);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  return 0;
}
