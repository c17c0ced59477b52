/// @file
/// wasm.h: the standard WebAssembly C API (github.com/WebAssembly/wasm-c-api),
/// as implemented by wasmslot. This header is wasmslot's own text; its names,
/// types and signatures are the standard header's, so a program written
/// against the standard `wasm.h` (or wasmtime's copy of it) compiles against
/// this one unchanged, as long as it keeps to the subset implemented here.
///
/// It is the *synchronous subset*: everything needed to compile a module,
/// list its imports and exports, instantiate it with host functions written
/// in C, call its exports, and use its memories, globals and tables. wasmslot's
/// asynchronous features (promise slots, suspension) are not reachable from
/// it; a host function must answer at once.
///
/// Missing, compared with the standard header:
///   - externref values: a null externref is accepted and returned; passing a
///     non-null one (WASM_EXTERNREF with a non-NULL `of.ref`) makes the call
///     trap. The `wasm_foreign_t` objects (wasm_foreign_*) are absent.
///   - host info on references (`wasm_*_get_host_info`, `wasm_*_set_host_info`,
///     `wasm_*_set_host_info_with_finalizer`) and the `wasm_*_as_ref`
///     conversions of everything but functions (funcref values need those).
///   - stack traces: wasm_trap_origin() returns NULL and wasm_trap_trace() an
///     empty vector, so no `wasm_frame_t` ever exists (the frame functions are
///     declared only so that code using them compiles).
///   - v128 values: a v128 type is reported as the non-standard kind
///     WASMSLOT_V128, but no wasm_val_t can hold one, so calls passing or
///     returning v128 trap.
///   - the `own` marker macro: ownership is written in the comments instead.
///     Every function documents what it takes and what it hands back.
///
/// Ownership, as in the standard: a function named `_new` or `_copy`, and any
/// result documented as "owned", hands the caller an object that the caller
/// must release with the matching `_delete`. A parameter documented as
/// "taken" passes ownership to the callee. A vector owns its elements, so
/// `wasm_xxx_vec_delete` frees them too. Deleting a reference (a wasm_func_t,
/// wasm_memory_t, wasm_extern_t, wasm_instance_t...) frees only that handle:
/// the object itself lives as long as its store, and wasm_store_delete frees
/// everything made in the store (and runs the finalizers of
/// wasm_func_new_with_env). Module handles share their module, which lives
/// until its last handle and instance are gone.
///
/// No function throws; failure is a NULL result, `false`, an empty vector
/// (e.g. a vector too large to allocate), or a trap.
#ifndef WASM_H
#define WASM_H

// <assert.h> is not needed here, but the standard header includes it and
// programs written against that header rely on it.
#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/// Decorates every function of the API; define it before including this
/// header to add, e.g., `__declspec(dllimport)`. Empty by default.
#ifndef WASM_API_EXTERN
#define WASM_API_EXTERN
#endif

#ifdef __cplusplus
extern "C" {
#endif

// ===========================================================================
// Basic types

/// A byte of a binary, a name or a memory.
typedef char byte_t;
/// A 32-bit IEEE 754 float.
typedef float float32_t;
/// A 64-bit IEEE 754 float.
typedef double float64_t;

/// A byte, as byte vectors hold them.
typedef byte_t wasm_byte_t;

/// A vector of bytes: `size` elements at `data` (NULL when empty).
typedef struct wasm_byte_vec_t {
  size_t size;  ///< number of elements
  wasm_byte_t* data;  ///< the elements (heap-allocated by the API)
} wasm_byte_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_byte_vec_new_empty(wasm_byte_vec_t* out);
/// Makes `*out` a vector of `size` zeroed elements, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_byte_vec_new_uninitialized(wasm_byte_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The elements are copied; the array stays the caller's.
WASM_API_EXTERN void wasm_byte_vec_new(wasm_byte_vec_t* out, size_t size, wasm_byte_t const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_byte_vec_copy(wasm_byte_vec_t* out, const wasm_byte_vec_t* src);
/// Frees the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_byte_vec_delete(wasm_byte_vec_t* vec);

/// A name (of an import, export or module): a byte vector, UTF-8, not
/// NUL-terminated.
typedef wasm_byte_vec_t wasm_name_t;

/// Same as wasm_byte_vec_new(): a name holding a copy of `size` bytes.
static inline void wasm_name_new(wasm_name_t* out, size_t size, const wasm_byte_t* data) {
  wasm_byte_vec_new(out, size, data);
}
/// Same as wasm_byte_vec_new_empty().
static inline void wasm_name_new_empty(wasm_name_t* out) { wasm_byte_vec_new_empty(out); }
/// Same as wasm_byte_vec_new_uninitialized().
static inline void wasm_name_new_uninitialized(wasm_name_t* out, size_t size) {
  wasm_byte_vec_new_uninitialized(out, size);
}
/// The standard header's misspelt alias of wasm_name_new_uninitialized().
static inline void wasm_name_new_new_uninitialized(wasm_name_t* out, size_t size) {
  wasm_byte_vec_new_uninitialized(out, size);
}
/// Same as wasm_byte_vec_copy().
static inline void wasm_name_copy(wasm_name_t* out, const wasm_name_t* src) { wasm_byte_vec_copy(out, src); }
/// Same as wasm_byte_vec_delete().
static inline void wasm_name_delete(wasm_name_t* name) { wasm_byte_vec_delete(name); }
/// Makes `*out` a name holding the characters of the C string `s`, without its NUL.
static inline void wasm_name_new_from_string(wasm_name_t* out, const char* s) {
  wasm_byte_vec_new(out, strlen(s), s);
}
/// Makes `*out` a name holding the characters of `s` and its terminating NUL
/// (the form trap messages use).
static inline void wasm_name_new_from_string_nt(wasm_name_t* out, const char* s) {
  wasm_byte_vec_new(out, strlen(s) + 1, s);
}

// ===========================================================================
// Runtime environment

/// Engine configuration. wasmslot has no options to set yet: a config only
/// exists to be passed to wasm_engine_new_with_config().
typedef struct wasm_config_t wasm_config_t;
/// A new default configuration, owned by the caller.
WASM_API_EXTERN wasm_config_t* wasm_config_new(void);
/// Frees a configuration (takes it).
WASM_API_EXTERN void wasm_config_delete(wasm_config_t* config);

/// An engine: what stores are made from. Owned by the caller.
typedef struct wasm_engine_t wasm_engine_t;
/// A new engine with the default configuration; NULL if out of memory.
WASM_API_EXTERN wasm_engine_t* wasm_engine_new(void);
/// A new engine configured by `config`, which it takes (the caller must not
/// delete it afterwards); NULL if out of memory.
WASM_API_EXTERN wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config);
/// Frees an engine (takes it). Delete its stores first.
WASM_API_EXTERN void wasm_engine_delete(wasm_engine_t* engine);

/// A store: owns every function, global, table, memory and instance made in
/// it, and frees them all when deleted. Not thread-safe: use a store from one
/// thread at a time.
typedef struct wasm_store_t wasm_store_t;
/// A new, empty store using `engine` (borrowed; it must outlive the store);
/// NULL if out of memory.
WASM_API_EXTERN wasm_store_t* wasm_store_new(wasm_engine_t* engine);
/// Frees a store and everything made in it (takes it). Handles to its objects
/// must not be used afterwards, except to delete them.
WASM_API_EXTERN void wasm_store_delete(wasm_store_t* store);

// ===========================================================================
// Types

/// Whether a global can be set: WASM_CONST or WASM_VAR.
typedef uint8_t wasm_mutability_t;
/// The values of wasm_mutability_t.
enum wasm_mutability_enum {
  WASM_CONST,  ///< immutable
  WASM_VAR,    ///< mutable
};

/// The size limits of a table (in elements) or a memory (in 64 KiB pages).
typedef struct wasm_limits_t {
  uint32_t min;  ///< initial size
  uint32_t max;  ///< maximum size; wasm_limits_max_default means none
} wasm_limits_t;

/// The `max` of a wasm_limits_t that has no maximum.
static const uint32_t wasm_limits_max_default = 0xffffffff;

// ---------------------------------------------------------------------------
// Value types

/// A value type (i32, i64, f32, f64, funcref, externref). Owned by the caller.
typedef struct wasm_valtype_t wasm_valtype_t;
/// Frees a value type (takes it).
WASM_API_EXTERN void wasm_valtype_delete(wasm_valtype_t* type);
/// A vector of value types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_valtype_vec_t {
  size_t size;  ///< number of elements
  wasm_valtype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_valtype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_valtype_vec_new_empty(wasm_valtype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_valtype_vec_new_uninitialized(wasm_valtype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_valtype_vec_new(wasm_valtype_vec_t* out, size_t size, wasm_valtype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_valtype_vec_copy(wasm_valtype_vec_t* out, const wasm_valtype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_valtype_vec_delete(wasm_valtype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* type);

/// The kind of a value or value type: one of wasm_valkind_enum.
typedef uint8_t wasm_valkind_t;
/// The values of wasm_valkind_t.
enum wasm_valkind_enum {
  WASM_I32,              ///< 32-bit integer
  WASM_I64,              ///< 64-bit integer
  WASM_F32,              ///< 32-bit float
  WASM_F64,              ///< 64-bit float
  WASMSLOT_V128 = 4,     ///< not standard: a v128 type (no wasm_val_t holds one)
  WASM_EXTERNREF = 128,  ///< a host reference (only null is supported)
  WASM_FUNCREF,          ///< a function reference
};

/// A new value type of kind `kind`, owned by the caller.
WASM_API_EXTERN wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind);
/// The kind of `type`.
WASM_API_EXTERN wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* type);

/// Whether `kind` is a number kind (i32, i64, f32, f64; v128 too).
static inline bool wasm_valkind_is_num(wasm_valkind_t kind) { return kind < WASM_EXTERNREF; }
/// Whether `kind` is a reference kind (funcref, externref).
static inline bool wasm_valkind_is_ref(wasm_valkind_t kind) { return kind >= WASM_EXTERNREF; }
/// Whether `type` is a number type.
static inline bool wasm_valtype_is_num(const wasm_valtype_t* type) {
  return wasm_valkind_is_num(wasm_valtype_kind(type));
}
/// Whether `type` is a reference type.
static inline bool wasm_valtype_is_ref(const wasm_valtype_t* type) {
  return wasm_valkind_is_ref(wasm_valtype_kind(type));
}

// ---------------------------------------------------------------------------
// Function types

/// A function type: parameter and result types. Owned by the caller.
typedef struct wasm_functype_t wasm_functype_t;
/// Frees a function type and its value types (takes it).
WASM_API_EXTERN void wasm_functype_delete(wasm_functype_t* type);
/// A vector of function types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_functype_vec_t {
  size_t size;  ///< number of elements
  wasm_functype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_functype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_functype_vec_new_empty(wasm_functype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_functype_vec_new_uninitialized(wasm_functype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_functype_vec_new(wasm_functype_vec_t* out, size_t size, wasm_functype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_functype_vec_copy(wasm_functype_vec_t* out, const wasm_functype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_functype_vec_delete(wasm_functype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_functype_t* wasm_functype_copy(const wasm_functype_t* type);
/// A new function type taking the vectors `params` and `results` with their
/// elements (the vectors are left empty; their structs stay the caller's).
WASM_API_EXTERN wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results);
/// The parameter types, borrowed from `type`.
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* type);
/// The result types, borrowed from `type`.
WASM_API_EXTERN const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* type);

// ---------------------------------------------------------------------------
// Global types

/// A global type: a value type and a mutability. Owned by the caller.
typedef struct wasm_globaltype_t wasm_globaltype_t;
/// Frees a global type (takes it).
WASM_API_EXTERN void wasm_globaltype_delete(wasm_globaltype_t* type);
/// A vector of global types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_globaltype_vec_t {
  size_t size;  ///< number of elements
  wasm_globaltype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_globaltype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_globaltype_vec_new_empty(wasm_globaltype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_globaltype_vec_new_uninitialized(wasm_globaltype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_globaltype_vec_new(wasm_globaltype_vec_t* out, size_t size, wasm_globaltype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_globaltype_vec_copy(wasm_globaltype_vec_t* out, const wasm_globaltype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_globaltype_vec_delete(wasm_globaltype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* type);
/// A new global type holding `content` (taken) with `mutability`.
WASM_API_EXTERN wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability);
/// The type of the global's value, borrowed from `type`.
WASM_API_EXTERN const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* type);
/// Whether the global is mutable.
WASM_API_EXTERN wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* type);

// ---------------------------------------------------------------------------
// Table types

/// A table type: an element type and limits. Owned by the caller.
typedef struct wasm_tabletype_t wasm_tabletype_t;
/// Frees a table type (takes it).
WASM_API_EXTERN void wasm_tabletype_delete(wasm_tabletype_t* type);
/// A vector of table types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_tabletype_vec_t {
  size_t size;  ///< number of elements
  wasm_tabletype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_tabletype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_tabletype_vec_new_empty(wasm_tabletype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_tabletype_vec_new_uninitialized(wasm_tabletype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_tabletype_vec_new(wasm_tabletype_vec_t* out, size_t size, wasm_tabletype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_tabletype_vec_copy(wasm_tabletype_vec_t* out, const wasm_tabletype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_tabletype_vec_delete(wasm_tabletype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* type);
/// A new table type of `element` (taken; funcref or externref) and `limits`
/// (copied).
WASM_API_EXTERN wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits);
/// The element type, borrowed from `type`.
WASM_API_EXTERN const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* type);
/// The limits, borrowed from `type`.
WASM_API_EXTERN const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* type);

// ---------------------------------------------------------------------------
// Memory types

/// A memory type: limits in 64 KiB pages. Owned by the caller.
typedef struct wasm_memorytype_t wasm_memorytype_t;
/// Frees a memory type (takes it).
WASM_API_EXTERN void wasm_memorytype_delete(wasm_memorytype_t* type);
/// A vector of memory types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_memorytype_vec_t {
  size_t size;  ///< number of elements
  wasm_memorytype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_memorytype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_memorytype_vec_new_empty(wasm_memorytype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_memorytype_vec_new_uninitialized(wasm_memorytype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_memorytype_vec_new(wasm_memorytype_vec_t* out, size_t size, wasm_memorytype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_memorytype_vec_copy(wasm_memorytype_vec_t* out, const wasm_memorytype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_memorytype_vec_delete(wasm_memorytype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* type);
/// A new memory type with `limits` (copied).
WASM_API_EXTERN wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits);
/// The limits, borrowed from `type`.
WASM_API_EXTERN const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* type);

// ---------------------------------------------------------------------------
// External types: any of the four above, as imports and exports carry them.

/// The type of an import or export: a function, global, table or memory type.
/// The four type kinds convert to and from it in place (the `_as_`
/// functions below cast; they allocate nothing).
typedef struct wasm_externtype_t wasm_externtype_t;
/// Frees an external type (takes it).
WASM_API_EXTERN void wasm_externtype_delete(wasm_externtype_t* type);
/// A vector of external types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_externtype_vec_t {
  size_t size;  ///< number of elements
  wasm_externtype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_externtype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_externtype_vec_new_empty(wasm_externtype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_externtype_vec_new_uninitialized(wasm_externtype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_externtype_vec_new(wasm_externtype_vec_t* out, size_t size, wasm_externtype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_externtype_vec_copy(wasm_externtype_vec_t* out, const wasm_externtype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_externtype_vec_delete(wasm_externtype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* type);

/// What an external type or value is: one of wasm_externkind_enum.
typedef uint8_t wasm_externkind_t;
/// The values of wasm_externkind_t (the standard order, not the binary's).
enum wasm_externkind_enum {
  WASM_EXTERN_FUNC,    ///< a function
  WASM_EXTERN_GLOBAL,  ///< a global
  WASM_EXTERN_TABLE,   ///< a table
  WASM_EXTERN_MEMORY,  ///< a memory
};

/// The kind of `type`.
WASM_API_EXTERN wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* type);

/// `type` seen as an external type (the same object).
WASM_API_EXTERN wasm_externtype_t* wasm_functype_as_externtype(wasm_functype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN wasm_externtype_t* wasm_globaltype_as_externtype(wasm_globaltype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN wasm_externtype_t* wasm_tabletype_as_externtype(wasm_tabletype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN wasm_externtype_t* wasm_memorytype_as_externtype(wasm_memorytype_t* type);
/// `type` as a function type, or NULL if it is of another kind.
WASM_API_EXTERN wasm_functype_t* wasm_externtype_as_functype(wasm_externtype_t* type);
/// `type` as a global type, or NULL if it is of another kind.
WASM_API_EXTERN wasm_globaltype_t* wasm_externtype_as_globaltype(wasm_externtype_t* type);
/// `type` as a table type, or NULL if it is of another kind.
WASM_API_EXTERN wasm_tabletype_t* wasm_externtype_as_tabletype(wasm_externtype_t* type);
/// `type` as a memory type, or NULL if it is of another kind.
WASM_API_EXTERN wasm_memorytype_t* wasm_externtype_as_memorytype(wasm_externtype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN const wasm_externtype_t* wasm_functype_as_externtype_const(const wasm_functype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN const wasm_externtype_t* wasm_globaltype_as_externtype_const(const wasm_globaltype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN const wasm_externtype_t* wasm_tabletype_as_externtype_const(const wasm_tabletype_t* type);
/// `type` seen as an external type (the same object).
WASM_API_EXTERN const wasm_externtype_t* wasm_memorytype_as_externtype_const(const wasm_memorytype_t* type);
/// `type` as a function type, or NULL if it is of another kind.
WASM_API_EXTERN const wasm_functype_t* wasm_externtype_as_functype_const(const wasm_externtype_t* type);
/// `type` as a global type, or NULL if it is of another kind.
WASM_API_EXTERN const wasm_globaltype_t* wasm_externtype_as_globaltype_const(const wasm_externtype_t* type);
/// `type` as a table type, or NULL if it is of another kind.
WASM_API_EXTERN const wasm_tabletype_t* wasm_externtype_as_tabletype_const(const wasm_externtype_t* type);
/// `type` as a memory type, or NULL if it is of another kind.
WASM_API_EXTERN const wasm_memorytype_t* wasm_externtype_as_memorytype_const(const wasm_externtype_t* type);

// ---------------------------------------------------------------------------
// Import and export types

/// One import of a module: module name, field name, and type.
typedef struct wasm_importtype_t wasm_importtype_t;
/// Frees an import type and its parts (takes it).
WASM_API_EXTERN void wasm_importtype_delete(wasm_importtype_t* type);
/// A vector of import types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_importtype_vec_t {
  size_t size;  ///< number of elements
  wasm_importtype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_importtype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_importtype_vec_new_empty(wasm_importtype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_importtype_vec_new_uninitialized(wasm_importtype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_importtype_vec_new(wasm_importtype_vec_t* out, size_t size, wasm_importtype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_importtype_vec_copy(wasm_importtype_vec_t* out, const wasm_importtype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_importtype_vec_delete(wasm_importtype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* type);
/// A new import type taking the names `module` and `name` (their contents
/// are moved; the vectors are left empty) and the type `type`.
WASM_API_EXTERN wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name,
                                                       wasm_externtype_t* type);
/// The module name, borrowed.
WASM_API_EXTERN const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* type);
/// The field name, borrowed.
WASM_API_EXTERN const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* type);
/// The imported item's type, borrowed.
WASM_API_EXTERN const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* type);

/// One export of a module: name and type.
typedef struct wasm_exporttype_t wasm_exporttype_t;
/// Frees an export type and its parts (takes it).
WASM_API_EXTERN void wasm_exporttype_delete(wasm_exporttype_t* type);
/// A vector of export types: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_exporttype_vec_t {
  size_t size;  ///< number of elements
  wasm_exporttype_t** data;  ///< the elements (heap-allocated by the API)
} wasm_exporttype_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_exporttype_vec_new_empty(wasm_exporttype_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_exporttype_vec_new_uninitialized(wasm_exporttype_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_exporttype_vec_new(wasm_exporttype_vec_t* out, size_t size, wasm_exporttype_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_exporttype_vec_copy(wasm_exporttype_vec_t* out, const wasm_exporttype_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_exporttype_vec_delete(wasm_exporttype_vec_t* vec);

/// An owned copy of `type`.
WASM_API_EXTERN wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* type);
/// A new export type taking the name `name` (its contents are moved; the
/// vector is left empty) and the type `type`.
WASM_API_EXTERN wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type);
/// The export's name, borrowed.
WASM_API_EXTERN const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* type);
/// The exported item's type, borrowed.
WASM_API_EXTERN const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* type);

// ===========================================================================
// Values and references

/// A reference: in wasmslot, always a function (see wasm_ref_as_func()).
/// NULL is the null reference. Owned where a value holding it is owned.
typedef struct wasm_ref_t wasm_ref_t;

/// A value: its kind, and the member of `of` that kind selects. A value of
/// a reference kind owns its reference (wasm_val_delete() frees it).
typedef struct wasm_val_t {
  wasm_valkind_t kind;  ///< which member of `of` is meaningful
  /// The value itself.
  union {
    int32_t i32;      ///< WASM_I32
    int64_t i64;      ///< WASM_I64
    float32_t f32;    ///< WASM_F32
    float64_t f64;    ///< WASM_F64
    wasm_ref_t* ref;  ///< WASM_FUNCREF, WASM_EXTERNREF (NULL: null)
  } of;
} wasm_val_t;

/// Frees the reference `*v` holds, if any (takes the value's contents).
WASM_API_EXTERN void wasm_val_delete(wasm_val_t* v);
/// Makes `*out` a copy of `*src`, with its own copy of any reference.
WASM_API_EXTERN void wasm_val_copy(wasm_val_t* out, const wasm_val_t* src);

/// A vector of values: `size` elements at `data` (NULL when empty).
typedef struct wasm_val_vec_t {
  size_t size;  ///< number of elements
  wasm_val_t* data;  ///< the elements (heap-allocated by the API)
} wasm_val_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_val_vec_new_empty(wasm_val_vec_t* out);
/// Makes `*out` a vector of `size` zeroed elements, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_val_vec_new_uninitialized(wasm_val_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The values are moved in: references they hold become the vector's; the array itself stays the caller's.
WASM_API_EXTERN void wasm_val_vec_new(wasm_val_vec_t* out, size_t size, wasm_val_t const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_val_vec_copy(wasm_val_vec_t* out, const wasm_val_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_val_vec_delete(wasm_val_vec_t* vec);

/// Frees a reference handle (takes it); the function it names stays in its store.
WASM_API_EXTERN void wasm_ref_delete(wasm_ref_t* ref);
/// An owned copy of the handle `ref` (naming the same function).
WASM_API_EXTERN wasm_ref_t* wasm_ref_copy(const wasm_ref_t* ref);
/// Whether `a` and `b` name the same object.
WASM_API_EXTERN bool wasm_ref_same(const wasm_ref_t* a, const wasm_ref_t* b);

// ===========================================================================
// Frames and traps

/// A frame of a trap's stack trace. wasmslot records no stack traces, so no
/// frame is ever handed out; these declarations exist for code that uses them.
typedef struct wasm_frame_t wasm_frame_t;
/// Frees a frame (takes it).
WASM_API_EXTERN void wasm_frame_delete(wasm_frame_t* frame);
/// A vector of frames: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_frame_vec_t {
  size_t size;  ///< number of elements
  wasm_frame_t** data;  ///< the elements (heap-allocated by the API)
} wasm_frame_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_frame_vec_new_empty(wasm_frame_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_frame_vec_new_uninitialized(wasm_frame_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_frame_vec_new(wasm_frame_vec_t* out, size_t size, wasm_frame_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_frame_vec_copy(wasm_frame_vec_t* out, const wasm_frame_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_frame_vec_delete(wasm_frame_vec_t* vec);

/// An owned copy of `frame`.
WASM_API_EXTERN wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame);
/// The instance whose function the frame is in.
WASM_API_EXTERN struct wasm_instance_t* wasm_frame_instance(const wasm_frame_t* frame);
/// The index of the frame's function in its module.
WASM_API_EXTERN uint32_t wasm_frame_func_index(const wasm_frame_t* frame);
/// The byte offset of the frame's instruction from the start of its function.
WASM_API_EXTERN size_t wasm_frame_func_offset(const wasm_frame_t* frame);
/// The byte offset of the frame's instruction from the start of the module.
WASM_API_EXTERN size_t wasm_frame_module_offset(const wasm_frame_t* frame);

/// A message: a name whose last byte is a NUL.
typedef wasm_name_t wasm_message_t;

/// A trap: why a call or an instantiation failed. Owned by whoever receives it.
typedef struct wasm_trap_t wasm_trap_t;
/// Frees a trap (takes it).
WASM_API_EXTERN void wasm_trap_delete(wasm_trap_t* trap);
/// An owned copy of `trap`.
WASM_API_EXTERN wasm_trap_t* wasm_trap_copy(const wasm_trap_t* trap);
/// Whether `a` and `b` are the same trap object.
WASM_API_EXTERN bool wasm_trap_same(const wasm_trap_t* a, const wasm_trap_t* b);
/// A new trap with the text of `message` (borrowed; read up to its first NUL
/// or its end), owned by the caller. A host function returns one to trap.
WASM_API_EXTERN wasm_trap_t* wasm_trap_new(wasm_store_t* store, const wasm_message_t* message);
/// Makes `*out` the trap's message, NUL-terminated (the NUL counts in
/// `size`), owned by the caller. wasmslot's trap texts are the spec's:
/// "integer divide by zero", "unreachable", "out of bounds memory access"...
WASM_API_EXTERN void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out);
/// Where the trap happened: always NULL in wasmslot (no stack traces).
WASM_API_EXTERN wasm_frame_t* wasm_trap_origin(const wasm_trap_t* trap);
/// Makes `*out` the trap's stack trace: always empty in wasmslot.
WASM_API_EXTERN void wasm_trap_trace(const wasm_trap_t* trap, wasm_frame_vec_t* out);

// ===========================================================================
// Modules

/// A compiled (decoded, validated and translated) module. A handle is owned
/// by the caller; the module itself lives as long as a handle or an instance
/// uses it, and can be instantiated in any store.
typedef struct wasm_module_t wasm_module_t;
/// Frees a module handle (takes it).
WASM_API_EXTERN void wasm_module_delete(wasm_module_t* module);
/// An owned new handle to the same module.
WASM_API_EXTERN wasm_module_t* wasm_module_copy(const wasm_module_t* module);
/// Whether `a` and `b` are handles to the same module.
WASM_API_EXTERN bool wasm_module_same(const wasm_module_t* a, const wasm_module_t* b);
/// Compiles the binary module in `binary` (borrowed): an owned module, or
/// NULL if the bytes are not a valid module.
WASM_API_EXTERN wasm_module_t* wasm_module_new(wasm_store_t* store, const wasm_byte_vec_t* binary);
/// Whether `binary` (borrowed) is a valid module.
WASM_API_EXTERN bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary);
/// Makes `*out` the module's imports, in order, owned by the caller.
WASM_API_EXTERN void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out);
/// Makes `*out` the module's exports, in order, owned by the caller.
WASM_API_EXTERN void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out);
/// Makes `*out` a serialized form of the module, owned by the caller. In
/// wasmslot it is the module's binary, which wasm_module_deserialize()
/// compiles again.
WASM_API_EXTERN void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out);
/// The module `serialized` (borrowed) holds, as wasm_module_new() would
/// compile it: owned, or NULL.
WASM_API_EXTERN wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* serialized);

/// A module handle that may cross threads and stores (wasm_module_share()).
typedef struct wasm_shared_module_t wasm_shared_module_t;
/// Frees a shared module handle (takes it).
WASM_API_EXTERN void wasm_shared_module_delete(wasm_shared_module_t* shared);
/// An owned shareable handle to `module`.
WASM_API_EXTERN wasm_shared_module_t* wasm_module_share(const wasm_module_t* module);
/// An owned module handle, for use with `store`, to the module `shared` names.
WASM_API_EXTERN wasm_module_t* wasm_module_obtain(wasm_store_t* store, const wasm_shared_module_t* shared);

// ===========================================================================
// Functions

/// A function of a store: exported by an instance, or a host function.
/// A handle is owned by the caller; the function lives as long as its store.
typedef struct wasm_func_t wasm_func_t;
/// Frees a function handle (takes it).
WASM_API_EXTERN void wasm_func_delete(wasm_func_t* func);
/// An owned new handle to the same function.
WASM_API_EXTERN wasm_func_t* wasm_func_copy(const wasm_func_t* func);
/// Whether `a` and `b` name the same function.
WASM_API_EXTERN bool wasm_func_same(const wasm_func_t* a, const wasm_func_t* b);
/// `func` seen as a reference (the same handle; a funcref value holds it).
WASM_API_EXTERN wasm_ref_t* wasm_func_as_ref(wasm_func_t* func);
/// `ref` as a function (the same handle), or NULL if `ref` is NULL.
WASM_API_EXTERN wasm_func_t* wasm_ref_as_func(wasm_ref_t* ref);
/// `func` seen as a reference (the same handle).
WASM_API_EXTERN const wasm_ref_t* wasm_func_as_ref_const(const wasm_func_t* func);
/// `ref` as a function (the same handle), or NULL if `ref` is NULL.
WASM_API_EXTERN const wasm_func_t* wasm_ref_as_func_const(const wasm_ref_t* ref);

/// A host function: reads `args` (borrowed), writes the results into
/// `results`, which arrives sized to the function's result count, each value
/// already of the expected kind and zero. Returns NULL, or an owned trap to
/// make the call trap with its message.
typedef wasm_trap_t* (*wasm_func_callback_t)(const wasm_val_vec_t* args, wasm_val_vec_t* results);
/// A host function with an environment: as wasm_func_callback_t, and `env`
/// is the pointer given to wasm_func_new_with_env().
typedef wasm_trap_t* (*wasm_func_callback_with_env_t)(void* env, const wasm_val_vec_t* args,
                                                      wasm_val_vec_t* results);

/// A new host function of type `type` (borrowed) in `store`, which calls
/// `callback`; an owned handle, or NULL if out of memory.
WASM_API_EXTERN wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type,
                                           wasm_func_callback_t callback);
/// As wasm_func_new(), with `env` passed to every call of `callback`.
/// `finalizer` (may be NULL) is called with `env` when the store is deleted.
WASM_API_EXTERN wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                                    wasm_func_callback_with_env_t callback, void* env,
                                                    void (*finalizer)(void*));
/// The function's type, owned by the caller.
WASM_API_EXTERN wasm_functype_t* wasm_func_type(const wasm_func_t* func);
/// The number of the function's parameters.
WASM_API_EXTERN size_t wasm_func_param_arity(const wasm_func_t* func);
/// The number of the function's results.
WASM_API_EXTERN size_t wasm_func_result_arity(const wasm_func_t* func);
/// Calls `func` with `args` (borrowed; kinds must match the parameters) and
/// writes its results into `results`, which the caller sizes to the result
/// count (e.g. with wasm_val_vec_new_uninitialized(), or an array); results
/// of a reference kind are then owned by the caller. Returns NULL on success,
/// or an owned trap: a trap of the code, or a wrong argument count or kind,
/// or a `results` of the wrong size, all checked before the call (nothing
/// runs). An empty `results` (WASM_EMPTY_VEC) for a function with results
/// is the exception, as the standard's example/trap.c relies on it: the call
/// runs, its trap is returned as usual, and if it returns instead, the
/// results are dropped and a trap says so.
/// May be called from inside a host function.
WASM_API_EXTERN wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args,
                                            wasm_val_vec_t* results);

// ===========================================================================
// Globals

/// A global of a store. A handle is owned by the caller; the global lives as
/// long as its store.
typedef struct wasm_global_t wasm_global_t;
/// Frees a global handle (takes it).
WASM_API_EXTERN void wasm_global_delete(wasm_global_t* global);
/// An owned new handle to the same global.
WASM_API_EXTERN wasm_global_t* wasm_global_copy(const wasm_global_t* global);
/// Whether `a` and `b` name the same global.
WASM_API_EXTERN bool wasm_global_same(const wasm_global_t* a, const wasm_global_t* b);
/// A new global of type `type` (borrowed) holding `*value` (borrowed; its
/// kind must be the type's content): an owned handle, or NULL.
WASM_API_EXTERN wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type,
                                               const wasm_val_t* value);
/// The global's type, owned by the caller.
WASM_API_EXTERN wasm_globaltype_t* wasm_global_type(const wasm_global_t* global);
/// Makes `*out` the global's value (a reference in it is owned by the caller).
WASM_API_EXTERN void wasm_global_get(const wasm_global_t* global, wasm_val_t* out);
/// Sets the global to `*value` (borrowed). Ignored if the global is
/// immutable or the kind differs from its type (the API has no way to fail).
WASM_API_EXTERN void wasm_global_set(wasm_global_t* global, const wasm_val_t* value);

// ===========================================================================
// Tables

/// A table of a store. A handle is owned by the caller; the table lives as
/// long as its store.
typedef struct wasm_table_t wasm_table_t;
/// Frees a table handle (takes it).
WASM_API_EXTERN void wasm_table_delete(wasm_table_t* table);
/// An owned new handle to the same table.
WASM_API_EXTERN wasm_table_t* wasm_table_copy(const wasm_table_t* table);
/// Whether `a` and `b` name the same table.
WASM_API_EXTERN bool wasm_table_same(const wasm_table_t* a, const wasm_table_t* b);

/// A table size or index, in elements.
typedef uint32_t wasm_table_size_t;

/// A new table of type `type` (borrowed), every element `init` (borrowed;
/// NULL: null): an owned handle, or NULL if its maximum is below its minimum
/// or the store's limits refuse it.
WASM_API_EXTERN wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init);
/// The table's type (its minimum is the current size), owned by the caller.
WASM_API_EXTERN wasm_tabletype_t* wasm_table_type(const wasm_table_t* table);
/// The element at `index`: an owned reference, or NULL if it is null or
/// `index` is out of bounds.
WASM_API_EXTERN wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index);
/// Sets the element at `index` to `ref` (borrowed; NULL: null); false if
/// `index` is out of bounds.
WASM_API_EXTERN bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index, wasm_ref_t* ref);
/// The table's current size, in elements.
WASM_API_EXTERN wasm_table_size_t wasm_table_size(const wasm_table_t* table);
/// Grows the table by `delta` elements set to `init` (borrowed); false,
/// changing nothing, if that would pass its maximum or the store's limits.
WASM_API_EXTERN bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta, wasm_ref_t* init);

// ===========================================================================
// Memories

/// A linear memory of a store. A handle is owned by the caller; the memory
/// lives as long as its store.
typedef struct wasm_memory_t wasm_memory_t;
/// Frees a memory handle (takes it).
WASM_API_EXTERN void wasm_memory_delete(wasm_memory_t* memory);
/// An owned new handle to the same memory.
WASM_API_EXTERN wasm_memory_t* wasm_memory_copy(const wasm_memory_t* memory);
/// Whether `a` and `b` name the same memory.
WASM_API_EXTERN bool wasm_memory_same(const wasm_memory_t* a, const wasm_memory_t* b);

/// A memory size, in 64 KiB pages.
typedef uint32_t wasm_memory_pages_t;
/// The size of a page of linear memory, in bytes.
static const size_t MEMORY_PAGE_SIZE = 0x10000;

/// A new zero-filled memory of type `type` (borrowed): an owned handle, or
/// NULL if its maximum is below its minimum or the store's limits refuse it.
WASM_API_EXTERN wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type);
/// The memory's type (its minimum is the current size), owned by the caller.
WASM_API_EXTERN wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory);
/// The memory's bytes, borrowed. In wasmslot the address never changes,
/// even when the memory grows.
WASM_API_EXTERN byte_t* wasm_memory_data(wasm_memory_t* memory);
/// The memory's size in bytes.
WASM_API_EXTERN size_t wasm_memory_data_size(const wasm_memory_t* memory);
/// The memory's size in pages.
WASM_API_EXTERN wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory);
/// Grows the memory by `delta` zero-filled pages; false, changing nothing,
/// if that would pass its maximum or the store's limits.
WASM_API_EXTERN bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta);

// ===========================================================================
// Externals: a function, global, table or memory, as imports and exports
// pass them. Each of the four converts to and from wasm_extern_t in place
// (the `_as_` functions cast; they allocate nothing), so deleting either
// view frees the one handle.

/// An external value: a handle to a function, global, table or memory.
typedef struct wasm_extern_t wasm_extern_t;
/// Frees an external handle (takes it).
WASM_API_EXTERN void wasm_extern_delete(wasm_extern_t* ext);
/// An owned new handle to the same object.
WASM_API_EXTERN wasm_extern_t* wasm_extern_copy(const wasm_extern_t* ext);
/// Whether `a` and `b` name the same object.
WASM_API_EXTERN bool wasm_extern_same(const wasm_extern_t* a, const wasm_extern_t* b);
/// A vector of external values: `size` elements at `data` (NULL when empty). The vector owns its elements: deleting it deletes each non-null one.
typedef struct wasm_extern_vec_t {
  size_t size;  ///< number of elements
  wasm_extern_t** data;  ///< the elements (heap-allocated by the API)
} wasm_extern_vec_t;

/// Makes `*out` an empty vector (size 0, data NULL); nothing to free, but deleting it is allowed.
WASM_API_EXTERN void wasm_extern_vec_new_empty(wasm_extern_vec_t* out);
/// Makes `*out` a vector of `size` null pointers, for the caller to fill; the caller owns it.
WASM_API_EXTERN void wasm_extern_vec_new_uninitialized(wasm_extern_vec_t* out, size_t size);
/// Makes `*out` a new vector holding the `size` elements of `src`. The vector takes ownership of the elements (the pointers are moved, not copied); the array itself stays the caller's.
WASM_API_EXTERN void wasm_extern_vec_new(wasm_extern_vec_t* out, size_t size, wasm_extern_t* const src[]);
/// Makes `*out` a deep copy of `*src` (each element copied); the caller owns the copy.
WASM_API_EXTERN void wasm_extern_vec_copy(wasm_extern_vec_t* out, const wasm_extern_vec_t* src);
/// Frees each element, then the array, and leaves `*vec` empty. Takes ownership of the contents; `vec` itself may be on the stack.
WASM_API_EXTERN void wasm_extern_vec_delete(wasm_extern_vec_t* vec);

/// What `ext` is.
WASM_API_EXTERN wasm_externkind_t wasm_extern_kind(const wasm_extern_t* ext);
/// The type of `ext`, owned by the caller.
WASM_API_EXTERN wasm_externtype_t* wasm_extern_type(const wasm_extern_t* ext);

/// `func` seen as an external (the same handle).
WASM_API_EXTERN wasm_extern_t* wasm_func_as_extern(wasm_func_t* func);
/// `global` seen as an external (the same handle).
WASM_API_EXTERN wasm_extern_t* wasm_global_as_extern(wasm_global_t* global);
/// `table` seen as an external (the same handle).
WASM_API_EXTERN wasm_extern_t* wasm_table_as_extern(wasm_table_t* table);
/// `memory` seen as an external (the same handle).
WASM_API_EXTERN wasm_extern_t* wasm_memory_as_extern(wasm_memory_t* memory);
/// `ext` as a function, or NULL if it is something else.
WASM_API_EXTERN wasm_func_t* wasm_extern_as_func(wasm_extern_t* ext);
/// `ext` as a global, or NULL if it is something else.
WASM_API_EXTERN wasm_global_t* wasm_extern_as_global(wasm_extern_t* ext);
/// `ext` as a table, or NULL if it is something else.
WASM_API_EXTERN wasm_table_t* wasm_extern_as_table(wasm_extern_t* ext);
/// `ext` as a memory, or NULL if it is something else.
WASM_API_EXTERN wasm_memory_t* wasm_extern_as_memory(wasm_extern_t* ext);
/// `func` seen as an external (the same handle).
WASM_API_EXTERN const wasm_extern_t* wasm_func_as_extern_const(const wasm_func_t* func);
/// `global` seen as an external (the same handle).
WASM_API_EXTERN const wasm_extern_t* wasm_global_as_extern_const(const wasm_global_t* global);
/// `table` seen as an external (the same handle).
WASM_API_EXTERN const wasm_extern_t* wasm_table_as_extern_const(const wasm_table_t* table);
/// `memory` seen as an external (the same handle).
WASM_API_EXTERN const wasm_extern_t* wasm_memory_as_extern_const(const wasm_memory_t* memory);
/// `ext` as a function, or NULL if it is something else.
WASM_API_EXTERN const wasm_func_t* wasm_extern_as_func_const(const wasm_extern_t* ext);
/// `ext` as a global, or NULL if it is something else.
WASM_API_EXTERN const wasm_global_t* wasm_extern_as_global_const(const wasm_extern_t* ext);
/// `ext` as a table, or NULL if it is something else.
WASM_API_EXTERN const wasm_table_t* wasm_extern_as_table_const(const wasm_extern_t* ext);
/// `ext` as a memory, or NULL if it is something else.
WASM_API_EXTERN const wasm_memory_t* wasm_extern_as_memory_const(const wasm_extern_t* ext);

// ===========================================================================
// Instances

/// An instance of a module in a store. A handle is owned by the caller; the
/// instance lives as long as its store.
typedef struct wasm_instance_t wasm_instance_t;
/// Frees an instance handle (takes it).
WASM_API_EXTERN void wasm_instance_delete(wasm_instance_t* instance);
/// An owned new handle to the same instance.
WASM_API_EXTERN wasm_instance_t* wasm_instance_copy(const wasm_instance_t* instance);
/// Whether `a` and `b` name the same instance.
WASM_API_EXTERN bool wasm_instance_same(const wasm_instance_t* a, const wasm_instance_t* b);
/// Instantiates `module` in `store`. `imports` (borrowed) gives one external
/// per import of the module, in the order wasm_module_imports() lists them
/// (NULL is allowed when there are none); they must belong to `store`. A
/// module importing the same name twice gets, at each position, the external
/// given there.
/// Returns an owned instance, or NULL: then, if `trap` is not NULL, `*trap`
/// is set to an owned trap saying why (a wrong number of imports, a null,
/// foreign or mistyped one, a resource limit, or a trap in the start
/// function or in segment initialisation). On success `*trap` is set to NULL.
WASM_API_EXTERN wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module,
                                                   const wasm_extern_vec_t* imports, wasm_trap_t** trap);
/// Makes `*out` the instance's exports, in the module's export order (the
/// order of wasm_module_exports()), owned by the caller.
WASM_API_EXTERN void wasm_instance_exports(const wasm_instance_t* instance, wasm_extern_vec_t* out);

// ===========================================================================
// Conveniences

/// An initializer for an empty vector of any kind.
#define WASM_EMPTY_VEC {0, NULL}
/// An initializer for a vector borrowing the C array `array` (not to be
/// deleted with `_vec_delete`).
#define WASM_ARRAY_VEC(array) {sizeof(array) / sizeof(*(array)), array}

/// An initializer for an i32 value.
#define WASM_I32_VAL(x) {.kind = WASM_I32, .of = {.i32 = (x)}}
/// An initializer for an i64 value.
#define WASM_I64_VAL(x) {.kind = WASM_I64, .of = {.i64 = (x)}}
/// An initializer for an f32 value.
#define WASM_F32_VAL(x) {.kind = WASM_F32, .of = {.f32 = (x)}}
/// An initializer for an f64 value.
#define WASM_F64_VAL(x) {.kind = WASM_F64, .of = {.f64 = (x)}}
/// An initializer for a reference value (externref kind, as the standard has it).
#define WASM_REF_VAL(r) {.kind = WASM_EXTERNREF, .of = {.ref = (r)}}
/// An initializer for a null reference value.
#define WASM_INIT_VAL {.kind = WASM_EXTERNREF, .of = {.ref = NULL}}

/// A new i32 value type, owned by the caller.
static inline wasm_valtype_t* wasm_valtype_new_i32(void) { return wasm_valtype_new(WASM_I32); }
/// A new i64 value type, owned by the caller.
static inline wasm_valtype_t* wasm_valtype_new_i64(void) { return wasm_valtype_new(WASM_I64); }
/// A new f32 value type, owned by the caller.
static inline wasm_valtype_t* wasm_valtype_new_f32(void) { return wasm_valtype_new(WASM_F32); }
/// A new f64 value type, owned by the caller.
static inline wasm_valtype_t* wasm_valtype_new_f64(void) { return wasm_valtype_new(WASM_F64); }
/// A new externref value type, owned by the caller.
static inline wasm_valtype_t* wasm_valtype_new_externref(void) { return wasm_valtype_new(WASM_EXTERNREF); }
/// A new funcref value type, owned by the caller.
static inline wasm_valtype_t* wasm_valtype_new_funcref(void) { return wasm_valtype_new(WASM_FUNCREF); }

/// A function type from `np` parameter and `nr` result types, all taken from
/// the arrays (a helper of the wasm_functype_new_P_R shorthands).
static inline wasm_functype_t* wasmslot_functype_from_arrays(size_t np, wasm_valtype_t* const* p, size_t nr,
                                                             wasm_valtype_t* const* r) {
  wasm_valtype_vec_t params, results;
  wasm_valtype_vec_new(&params, np, p);
  wasm_valtype_vec_new(&results, nr, r);
  return wasm_functype_new(&params, &results);
}
/// A new function type with 0 parameters and 0 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_0_0(void) {
  wasm_valtype_t* ps[1] = {NULL};
  wasm_valtype_t* rs[1] = {NULL};
  return wasmslot_functype_from_arrays(0, ps, 0, rs);
}
/// A new function type with 1 parameter and 0 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_1_0(wasm_valtype_t* p) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {NULL};
  return wasmslot_functype_from_arrays(1, ps, 0, rs);
}
/// A new function type with 2 parameters and 0 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_2_0(wasm_valtype_t* p1, wasm_valtype_t* p2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {NULL};
  return wasmslot_functype_from_arrays(2, ps, 0, rs);
}
/// A new function type with 3 parameters and 0 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_3_0(wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* p3) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {NULL};
  return wasmslot_functype_from_arrays(3, ps, 0, rs);
}
/// A new function type with 0 parameters and 1 result, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_0_1(wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {NULL};
  wasm_valtype_t* rs[1] = {r};
  return wasmslot_functype_from_arrays(0, ps, 1, rs);
}
/// A new function type with 1 parameter and 1 result, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_1_1(wasm_valtype_t* p, wasm_valtype_t* r) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[1] = {r};
  return wasmslot_functype_from_arrays(1, ps, 1, rs);
}
/// A new function type with 2 parameters and 1 result, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_2_1(wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* r) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[1] = {r};
  return wasmslot_functype_from_arrays(2, ps, 1, rs);
}
/// A new function type with 3 parameters and 1 result, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_3_1(wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* p3, wasm_valtype_t* r) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[1] = {r};
  return wasmslot_functype_from_arrays(3, ps, 1, rs);
}
/// A new function type with 0 parameters and 2 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_0_2(wasm_valtype_t* r1, wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {NULL};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasmslot_functype_from_arrays(0, ps, 2, rs);
}
/// A new function type with 1 parameter and 2 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_1_2(wasm_valtype_t* p, wasm_valtype_t* r1, wasm_valtype_t* r2) {
  wasm_valtype_t* ps[1] = {p};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasmslot_functype_from_arrays(1, ps, 2, rs);
}
/// A new function type with 2 parameters and 2 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_2_2(wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* r1, wasm_valtype_t* r2) {
  wasm_valtype_t* ps[2] = {p1, p2};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasmslot_functype_from_arrays(2, ps, 2, rs);
}
/// A new function type with 3 parameters and 2 results, taking the value types given; owned by the caller.
static inline wasm_functype_t* wasm_functype_new_3_2(wasm_valtype_t* p1, wasm_valtype_t* p2, wasm_valtype_t* p3, wasm_valtype_t* r1, wasm_valtype_t* r2) {
  wasm_valtype_t* ps[3] = {p1, p2, p3};
  wasm_valtype_t* rs[2] = {r1, r2};
  return wasmslot_functype_from_arrays(3, ps, 2, rs);
}
/// Makes `*out` an integer value holding the pointer `p` (i64 on 64-bit
/// hosts, i32 on 32-bit ones).
static inline void wasm_val_init_ptr(wasm_val_t* out, void* p) {
#if UINTPTR_MAX == UINT32_MAX
  out->kind = WASM_I32;
  out->of.i32 = (int32_t)(intptr_t)p;
#else
  out->kind = WASM_I64;
  out->of.i64 = (int64_t)(intptr_t)p;
#endif
}
/// The pointer a value made by wasm_val_init_ptr() holds.
static inline void* wasm_val_ptr(const wasm_val_t* val) {
#if UINTPTR_MAX == UINT32_MAX
  return (void*)(intptr_t)val->of.i32;
#else
  return (void*)(intptr_t)val->of.i64;
#endif
}

#ifdef __cplusplus
}  // extern "C"
#endif

#endif  // WASM_H
