/* Helpers shared by the C API tests. Plain C11. */
#ifndef CAPI_TEST_COMMON_H
#define CAPI_TEST_COMMON_H

#include <stdio.h>
#include <stdlib.h>

#include <wasm.h>

/* Stops the test with a message. */
static inline void die(const char* what) {
  printf("FAILED: %s\n", what);
  exit(1);
}

/* Reads the file at `path` into `*out` (owned by the caller). */
static inline void read_binary(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) die("cannot open the module file");
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if (fread(out->data, 1, (size_t)size, f) != (size_t)size) die("cannot read the module file");
  fclose(f);
}

/* Prints a trap's message and deletes the trap. */
static inline void print_trap(const char* what, wasm_trap_t* trap) {
  if (!trap) {
    printf("%s: no trap\n", what);
    return;
  }
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  printf("%s: trap: %s\n", what, message.data);
  wasm_byte_vec_delete(&message);
  wasm_trap_delete(trap);
}

#endif
