// The standard WebAssembly C API (include/wasm.h), synchronous subset, over
// wasmslot's C++ API (wasmslot/loader.h, wasmslot/runtime.h).
//
// Object model. The C types are C++ structs defined here:
//   - types (wasm_valtype_t, wasm_externtype_t and its four kinds,
//     wasm_importtype_t, wasm_exporttype_t) are plain values the caller owns;
//     the four type kinds derive from wasm_externtype_t, so the `_as_`
//     conversions are casts;
//   - wasm_store_t holds a wasmslot::Store, which owns every function, table,
//     memory, global and instance made in it;
//   - handles to those (wasm_func_t, wasm_global_t, wasm_table_t,
//     wasm_memory_t, all deriving from wasm_extern_t, which derives from
//     wasm_ref_t; wasm_instance_t) are small heap objects naming the store
//     object: deleting a handle frees the handle alone;
//   - wasm_module_t shares the loaded Module (shared_ptr), as instances do.
//
// Vectors are allocated with new[] and freed with delete[]; a vector's
// `_delete` deletes its elements first. No C++ exception leaves this file:
// allocation uses nothrow new where a failure can be reported (NULL, false,
// an empty vector), and every entry point that calls into the library catches
// and reports failure the same way.
#include <wasm.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "loader/module.h"
#include "wasmslot/loader.h"
#include "wasmslot/runtime.h"

namespace ws = wasmslot;

// ===========================================================================
// The C types

struct wasm_config_t {};
struct wasm_engine_t {
  ws::Config config;
};
struct wasm_store_t {
  explicit wasm_store_t(const ws::Config& c) : store(c) {}
  ws::Store store;
};

struct wasm_valtype_t {
  wasm_valkind_t kind;
};

struct wasm_externtype_t {
  explicit wasm_externtype_t(wasm_externkind_t k) : kind(k) {}
  virtual ~wasm_externtype_t() = default;
  wasm_externtype_t(const wasm_externtype_t&) = delete;
  wasm_externtype_t& operator=(const wasm_externtype_t&) = delete;
  wasm_externkind_t kind;
};
struct wasm_functype_t : wasm_externtype_t {
  wasm_functype_t() : wasm_externtype_t(WASM_EXTERN_FUNC) {}
  ~wasm_functype_t() override;
  wasm_valtype_vec_t params{0, nullptr};
  wasm_valtype_vec_t results{0, nullptr};
};
struct wasm_globaltype_t : wasm_externtype_t {
  wasm_globaltype_t(wasm_valkind_t k, wasm_mutability_t m)
      : wasm_externtype_t(WASM_EXTERN_GLOBAL), content{k}, mutability(m) {}
  wasm_valtype_t content;
  wasm_mutability_t mutability;
};
struct wasm_tabletype_t : wasm_externtype_t {
  wasm_tabletype_t(wasm_valkind_t k, wasm_limits_t l) : wasm_externtype_t(WASM_EXTERN_TABLE), element{k}, limits(l) {}
  wasm_valtype_t element;
  wasm_limits_t limits;
};
struct wasm_memorytype_t : wasm_externtype_t {
  explicit wasm_memorytype_t(wasm_limits_t l) : wasm_externtype_t(WASM_EXTERN_MEMORY), limits(l) {}
  wasm_limits_t limits;
};

struct wasm_importtype_t {
  ~wasm_importtype_t();
  wasm_name_t module{0, nullptr};
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};
struct wasm_exporttype_t {
  ~wasm_exporttype_t();
  wasm_name_t name{0, nullptr};
  wasm_externtype_t* type = nullptr;
};

// A handle to an object of a store. The dynamic type always matches the
// kind (a function's handle is a wasm_func_t), so the casts between the
// views are valid.
struct wasm_ref_t {
  wasm_ref_t(wasm_store_t* s, const ws::Extern& e) : store(s), ext(e) {}
  virtual ~wasm_ref_t() = default;
  wasm_ref_t(const wasm_ref_t&) = delete;
  wasm_ref_t& operator=(const wasm_ref_t&) = delete;
  wasm_store_t* store;
  ws::Extern ext;
};
struct wasm_extern_t : wasm_ref_t {
  using wasm_ref_t::wasm_ref_t;
};
struct wasm_func_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_global_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_table_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};
struct wasm_memory_t : wasm_extern_t {
  using wasm_extern_t::wasm_extern_t;
};

struct wasm_instance_t {
  wasm_store_t* store;
  ws::Instance* instance;
};
struct wasm_module_t {
  std::shared_ptr<const ws::Module> module;
};
struct wasm_shared_module_t {
  std::shared_ptr<const ws::Module> module;
};
struct wasm_trap_t {
  std::string message;
};
struct wasm_frame_t {};  // never made: wasmslot records no stack traces

// ===========================================================================
// Helpers

namespace {

// Runs `f`, turning any exception into `fallback`.
template <class R, class F>
R guarded(R fallback, F&& f) noexcept {
  try {
    return f();
  } catch (...) {
    return fallback;
  }
}

// Vectors: `size` elements at `data`, allocated with new[]. On allocation
// failure a vector is left empty.
template <class Vec>
bool vec_alloc(Vec* out, size_t n) noexcept {
  using T = std::remove_pointer_t<decltype(out->data)>;
  static_assert(std::is_trivially_destructible_v<T>, "no array cookie: n * sizeof(T) is the whole size");
  out->size = 0;
  out->data = nullptr;
  if (n == 0) return true;
  // A size whose byte count overflows makes new[] throw
  // std::bad_array_new_length, even the nothrow form, and no object may be
  // larger than PTRDIFF_MAX bytes anyway.
  if (n > PTRDIFF_MAX / sizeof(T)) return false;
  T* data = new (std::nothrow) T[n]();  // value-initialised: zero values, null pointers
  if (!data) return false;
  out->data = data;
  out->size = n;
  return true;
}
template <class Vec>
void vec_free(Vec* v) noexcept {
  delete[] v->data;
  v->data = nullptr;
  v->size = 0;
}

// A new trap with a copy of `message`, or NULL if out of memory. The copy is
// made here, under the guard: callers pass a view, never a std::string built
// outside a try block.
wasm_trap_t* new_trap(std::string_view message) noexcept {
  return guarded<wasm_trap_t*>(nullptr, [&] { return new wasm_trap_t{std::string(message)}; });
}

// ---------------------------------------------------------------------------
// Kinds and types

bool to_valtype(wasm_valkind_t k, ws::ValType* out) {
  switch (k) {
    case WASM_I32: *out = ws::ValType::I32; return true;
    case WASM_I64: *out = ws::ValType::I64; return true;
    case WASM_F32: *out = ws::ValType::F32; return true;
    case WASM_F64: *out = ws::ValType::F64; return true;
    case WASMSLOT_V128: *out = ws::ValType::V128; return true;
    case WASM_EXTERNREF: *out = ws::ValType::ExternRef; return true;
    case WASM_FUNCREF: *out = ws::ValType::FuncRef; return true;
    default: return false;
  }
}

wasm_valkind_t to_valkind(ws::ValType t) {
  switch (t) {
    case ws::ValType::I32: return WASM_I32;
    case ws::ValType::I64: return WASM_I64;
    case ws::ValType::F32: return WASM_F32;
    case ws::ValType::F64: return WASM_F64;
    case ws::ValType::V128: return WASMSLOT_V128;
    case ws::ValType::ExternRef: return WASM_EXTERNREF;
    case ws::ValType::FuncRef: return WASM_FUNCREF;
  }
  return WASM_I32;
}

wasm_externkind_t to_externkind(ws::ExternKind k) {
  switch (k) {
    case ws::ExternKind::Func: return WASM_EXTERN_FUNC;
    case ws::ExternKind::Global: return WASM_EXTERN_GLOBAL;
    case ws::ExternKind::Table: return WASM_EXTERN_TABLE;
    case ws::ExternKind::Memory: return WASM_EXTERN_MEMORY;
  }
  return WASM_EXTERN_FUNC;
}

wasm_limits_t to_c_limits(const ws::Limits& l) {
  return {static_cast<uint32_t>(std::min<uint64_t>(l.min, UINT32_MAX)),
          l.max ? static_cast<uint32_t>(std::min<uint64_t>(*l.max, UINT32_MAX)) : wasm_limits_max_default};
}
ws::Limits to_limits(const wasm_limits_t& l) {
  ws::Limits r;
  r.min = l.min;
  if (l.max != wasm_limits_max_default) r.max = l.max;
  return r;
}

// A vector of new value types of the given kinds; throws std::bad_alloc.
wasm_valtype_vec_t make_valtype_vec(const std::vector<ws::ValType>& types) {
  wasm_valtype_vec_t v;
  if (!vec_alloc(&v, types.size())) throw std::bad_alloc();
  for (size_t i = 0; i < types.size(); ++i) {
    v.data[i] = new (std::nothrow) wasm_valtype_t{to_valkind(types[i])};
    if (!v.data[i]) {
      wasm_valtype_vec_delete(&v);
      throw std::bad_alloc();
    }
  }
  return v;
}

// The C++ function type of a C one; false if a kind is unknown or a value
// type missing.
bool to_functype(const wasm_functype_t* t, ws::FuncType* out) {
  if (!t) return false;
  auto convert = [](const wasm_valtype_vec_t& v, std::vector<ws::ValType>& dst) {
    for (size_t i = 0; i < v.size; ++i) {
      ws::ValType vt;
      if (!v.data[i] || !to_valtype(v.data[i]->kind, &vt)) return false;
      dst.push_back(vt);
    }
    return true;
  };
  return convert(t->params, out->params) && convert(t->results, out->results);
}

// New C types from C++ ones; they throw std::bad_alloc.
wasm_functype_t* make_functype(const ws::FuncType& ft) {
  auto t = std::make_unique<wasm_functype_t>();
  t->params = make_valtype_vec(ft.params);
  t->results = make_valtype_vec(ft.results);
  return t.release();
}
wasm_externtype_t* make_externtype(const ws::ExternType& et) {
  switch (et.kind) {
    case ws::ExternKind::Func: return make_functype(et.func);
    case ws::ExternKind::Global:
      return new wasm_globaltype_t(to_valkind(et.global.type), et.global.mut ? WASM_VAR : WASM_CONST);
    case ws::ExternKind::Table: return new wasm_tabletype_t(to_valkind(et.table.elem), to_c_limits(et.table.limits));
    case ws::ExternKind::Memory: return new wasm_memorytype_t(to_c_limits(et.memory.limits));
  }
  throw std::bad_alloc();
}

wasm_name_t make_name(const std::string& s) {
  wasm_name_t n;
  if (!vec_alloc(&n, s.size())) throw std::bad_alloc();
  if (!s.empty()) std::memcpy(n.data, s.data(), s.size());
  return n;
}

// ---------------------------------------------------------------------------
// Handles

// A new handle of the dynamic type matching e.kind; throws std::bad_alloc.
wasm_extern_t* make_extern(wasm_store_t* store, const ws::Extern& e) {
  switch (e.kind) {
    case ws::ExternKind::Func: return new wasm_func_t(store, e);
    case ws::ExternKind::Global: return new wasm_global_t(store, e);
    case ws::ExternKind::Table: return new wasm_table_t(store, e);
    case ws::ExternKind::Memory: return new wasm_memory_t(store, e);
  }
  throw std::bad_alloc();
}
wasm_func_t* make_func(wasm_store_t* store, ws::FuncInst* f) {
  ws::Extern e;
  e.kind = ws::ExternKind::Func;
  e.func = f;
  return new wasm_func_t(store, e);
}

// The store object an external value names.
const void* object_of(const ws::Extern& e) {
  switch (e.kind) {
    case ws::ExternKind::Func: return e.func;
    case ws::ExternKind::Global: return e.global;
    case ws::ExternKind::Table: return e.table;
    case ws::ExternKind::Memory: return e.memory;
  }
  return nullptr;
}
bool same_object(const ws::Extern& a, const ws::Extern& b) { return a.kind == b.kind && object_of(a) == object_of(b); }

// ---------------------------------------------------------------------------
// Values

// A reference cell from a C reference: only functions (and null) are
// references in wasmslot's C API.
bool to_ref(const wasm_ref_t* r, ws::ValType type, ws::Ref* out, std::string* error) {
  if (!r) {
    *out = 0;
    return true;
  }
  if (type != ws::ValType::FuncRef || r->ext.kind != ws::ExternKind::Func) {
    *error = type == ws::ValType::ExternRef ? "non-null externref values are not supported by the C API"
                                            : "reference is not a function";
    return false;
  }
  *out = ws::ref_of(r->ext.func);
  return true;
}

// The C++ value of a C one of type `type`; false (with `error`) on a kind
// mismatch or an unsupported value.
bool to_value(const wasm_val_t& v, ws::ValType type, ws::Value* out, std::string* error) {
  ws::ValType vt;
  if (!to_valtype(v.kind, &vt) || vt != type) {
    *error = std::string("expected a value of type ") + ws::to_string(type);
    return false;
  }
  switch (type) {
    case ws::ValType::I32: *out = ws::Value::i32(v.of.i32); return true;
    case ws::ValType::I64: *out = ws::Value::i64(v.of.i64); return true;
    case ws::ValType::F32: *out = ws::Value::f32(v.of.f32); return true;
    case ws::ValType::F64: *out = ws::Value::f64(v.of.f64); return true;
    case ws::ValType::FuncRef:
    case ws::ValType::ExternRef: {
      ws::Ref r;
      if (!to_ref(v.of.ref, type, &r, error)) return false;
      *out = ws::Value::ref(type, r);
      return true;
    }
    case ws::ValType::V128: break;
  }
  *error = "v128 values are not supported by the C API";
  return false;
}

// A C value from a C++ one (a funcref gets a new handle, owned by the
// receiver); throws std::bad_alloc; false for v128.
bool to_c_value(wasm_store_t* store, const ws::Value& v, wasm_val_t* out) {
  out->kind = to_valkind(v.type);
  switch (v.type) {
    case ws::ValType::I32: out->of.i32 = v.as_i32(); return true;
    case ws::ValType::I64: out->of.i64 = v.as_i64(); return true;
    case ws::ValType::F32: out->of.f32 = v.as_f32(); return true;
    case ws::ValType::F64: out->of.f64 = v.as_f64(); return true;
    case ws::ValType::FuncRef:
      out->of.ref = v.lo ? make_func(store, ws::func_of(v.lo)) : nullptr;
      return true;
    case ws::ValType::ExternRef:
      // Only the host makes non-null externrefs, and this API cannot.
      out->of.ref = nullptr;
      return true;
    case ws::ValType::V128: break;
  }
  out->kind = WASM_I32;
  out->of.i64 = 0;
  return false;
}

// A zero value of type `t`, as a host function's result slots start.
wasm_val_t zero_value(ws::ValType t) {
  wasm_val_t v;
  v.kind = to_valkind(t);
  v.of.i64 = 0;
  if (is_ref(t)) v.of.ref = nullptr;
  return v;
}

// Deletes a value vector on scope exit.
struct ValVecGuard {
  wasm_val_vec_t vec{0, nullptr};
  ~ValVecGuard() { wasm_val_vec_delete(&vec); }
};

bool has_v128(const ws::FuncType& ft) {
  auto v = [](ws::ValType t) { return t == ws::ValType::V128; };
  return std::any_of(ft.params.begin(), ft.params.end(), v) || std::any_of(ft.results.begin(), ft.results.end(), v);
}

// ---------------------------------------------------------------------------
// Host functions

// Calls `finalizer(env)` when the last copy of the host function's closure
// goes, that is when the store frees the function.
struct HostEnv {
  HostEnv(void* e, void (*f)(void*)) : env(e), finalizer(f) {}
  ~HostEnv() {
    if (finalizer) finalizer(env);
  }
  HostEnv(const HostEnv&) = delete;
  HostEnv& operator=(const HostEnv&) = delete;
  void* env;
  void (*finalizer)(void*);
};

// One call of a host function made by wasm_func_new(_with_env): the cells
// become C values, the callback runs, its results become cells.
ws::HostAnswer call_host(wasm_store_t* store, wasm_func_callback_t plain, wasm_func_callback_with_env_t with_env,
                         void* env, ws::HostCall& call) {
  const ws::FuncType& ft = call.func.type;
  if (has_v128(ft)) return ws::HostAnswer::trap("v128 values are not supported by the C API");
  ValVecGuard args, results;
  if (!vec_alloc(&args.vec, ft.params.size()) || !vec_alloc(&results.vec, ft.results.size()))
    return ws::HostAnswer::trap("out of memory");
  for (uint32_t i = 0; i < ft.params.size(); ++i) to_c_value(store, call.arg(i), &args.vec.data[i]);
  for (size_t i = 0; i < ft.results.size(); ++i) results.vec.data[i] = zero_value(ft.results[i]);

  wasm_trap_t* trap = with_env ? with_env(env, &args.vec, &results.vec) : plain(&args.vec, &results.vec);
  if (trap) {
    std::string message = std::move(trap->message);
    wasm_trap_delete(trap);
    return ws::HostAnswer::trap(std::move(message));
  }
  if (results.vec.size != ft.results.size())
    return ws::HostAnswer::trap("host function changed its results vector");
  for (size_t i = 0; i < ft.results.size(); ++i) {
    ws::Value v;
    std::string error;
    if (!to_value(results.vec.data[i], ft.results[i], &v, &error))
      return ws::HostAnswer::trap("host function result " + std::to_string(i) + ": " + error);
    call.set_result(static_cast<uint32_t>(i), v);  // to_value gave it the result's type
  }
  return ws::HostAnswer::ok();
}

wasm_func_t* new_host_func(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t plain,
                           wasm_func_callback_with_env_t with_env, void* env, void (*finalizer)(void*)) noexcept {
  // The finalizer runs even if making the function fails, as the caller
  // has handed `env` over.
  std::shared_ptr<HostEnv> holder;
  try {
    holder = std::make_shared<HostEnv>(env, finalizer);
  } catch (...) {
    if (finalizer) finalizer(env);
    return nullptr;
  }
  if (!store || !type || (!plain && !with_env)) return nullptr;
  return guarded<wasm_func_t*>(nullptr, [&]() -> wasm_func_t* {
    ws::FuncType ft;
    if (!to_functype(type, &ft)) return nullptr;
    auto handle = std::make_unique<wasm_func_t>(store, ws::Extern{});
    ws::HostFunc fn = [store, plain, with_env, holder](ws::HostCall& call) -> ws::HostAnswer {
      try {
        return call_host(store, plain, with_env, holder->env, call);
      } catch (...) {
        return ws::HostAnswer::trap("out of memory");
      }
    };
    holder.reset();  // the closure holds it now
    handle->ext.kind = ws::ExternKind::Func;
    handle->ext.func = store->store.make_host_func(std::move(ft), std::move(fn), "host");
    return handle.release();
  });
}

}  // namespace

// ===========================================================================
// The API

extern "C" {

// ---------------------------------------------------------------------------
// Vectors

#define WS_VEC_COMMON(name)                                                                        \
  void wasm_##name##_vec_new_empty(wasm_##name##_vec_t* out) {                                     \
    out->size = 0;                                                                                 \
    out->data = nullptr;                                                                           \
  }                                                                                                \
  void wasm_##name##_vec_new_uninitialized(wasm_##name##_vec_t* out, size_t size) { vec_alloc(out, size); }

// Vectors of owned pointers: new takes the elements, copy copies them,
// delete deletes them.
#define WS_VEC_OF_POINTERS(name)                                                                   \
  WS_VEC_COMMON(name)                                                                              \
  void wasm_##name##_vec_new(wasm_##name##_vec_t* out, size_t size, wasm_##name##_t* const src[]) { \
    if (vec_alloc(out, size))                                                                      \
      for (size_t i = 0; i < size; ++i) out->data[i] = src[i];                                     \
  }                                                                                                \
  void wasm_##name##_vec_copy(wasm_##name##_vec_t* out, const wasm_##name##_vec_t* src) {          \
    if (!vec_alloc(out, src->size)) return;                                                        \
    for (size_t i = 0; i < src->size; ++i)                                                         \
      out->data[i] = src->data[i] ? wasm_##name##_copy(src->data[i]) : nullptr;                    \
  }                                                                                                \
  void wasm_##name##_vec_delete(wasm_##name##_vec_t* vec) {                                        \
    if (!vec) return;                                                                              \
    for (size_t i = 0; i < vec->size; ++i)                                                         \
      if (vec->data[i]) wasm_##name##_delete(vec->data[i]);                                        \
    vec_free(vec);                                                                                 \
  }

WS_VEC_COMMON(byte)
void wasm_byte_vec_new(wasm_byte_vec_t* out, size_t size, const wasm_byte_t src[]) {
  if (vec_alloc(out, size) && size) std::memcpy(out->data, src, size);
}
void wasm_byte_vec_copy(wasm_byte_vec_t* out, const wasm_byte_vec_t* src) { wasm_byte_vec_new(out, src->size, src->data); }
void wasm_byte_vec_delete(wasm_byte_vec_t* vec) {
  if (vec) vec_free(vec);
}

WS_VEC_COMMON(val)
void wasm_val_vec_new(wasm_val_vec_t* out, size_t size, const wasm_val_t src[]) {
  if (vec_alloc(out, size) && size) std::memcpy(out->data, src, size * sizeof(wasm_val_t));
}
void wasm_val_vec_copy(wasm_val_vec_t* out, const wasm_val_vec_t* src) {
  if (!vec_alloc(out, src->size)) return;
  for (size_t i = 0; i < src->size; ++i) wasm_val_copy(&out->data[i], &src->data[i]);
}
void wasm_val_vec_delete(wasm_val_vec_t* vec) {
  if (!vec) return;
  for (size_t i = 0; i < vec->size; ++i) wasm_val_delete(&vec->data[i]);
  vec_free(vec);
}

WS_VEC_OF_POINTERS(valtype)
WS_VEC_OF_POINTERS(functype)
WS_VEC_OF_POINTERS(globaltype)
WS_VEC_OF_POINTERS(tabletype)
WS_VEC_OF_POINTERS(memorytype)
WS_VEC_OF_POINTERS(externtype)
WS_VEC_OF_POINTERS(importtype)
WS_VEC_OF_POINTERS(exporttype)
WS_VEC_OF_POINTERS(frame)
WS_VEC_OF_POINTERS(extern)

// ---------------------------------------------------------------------------
// Runtime environment

wasm_config_t* wasm_config_new(void) { return new (std::nothrow) wasm_config_t{}; }
void wasm_config_delete(wasm_config_t* config) { delete config; }

wasm_engine_t* wasm_engine_new(void) { return new (std::nothrow) wasm_engine_t{}; }
wasm_engine_t* wasm_engine_new_with_config(wasm_config_t* config) {
  delete config;
  return wasm_engine_new();
}
void wasm_engine_delete(wasm_engine_t* engine) { delete engine; }

wasm_store_t* wasm_store_new(wasm_engine_t* engine) {
  return guarded<wasm_store_t*>(nullptr, [&] { return new wasm_store_t(engine ? engine->config : ws::Config{}); });
}
void wasm_store_delete(wasm_store_t* store) { delete store; }

// ---------------------------------------------------------------------------
// Value types

void wasm_valtype_delete(wasm_valtype_t* type) { delete type; }
wasm_valtype_t* wasm_valtype_copy(const wasm_valtype_t* type) { return new (std::nothrow) wasm_valtype_t{type->kind}; }
wasm_valtype_t* wasm_valtype_new(wasm_valkind_t kind) { return new (std::nothrow) wasm_valtype_t{kind}; }
wasm_valkind_t wasm_valtype_kind(const wasm_valtype_t* type) { return type->kind; }

// ---------------------------------------------------------------------------
// Function types

wasm_functype_t::~wasm_functype_t() {
  wasm_valtype_vec_delete(&params);
  wasm_valtype_vec_delete(&results);
}

void wasm_functype_delete(wasm_functype_t* type) { delete type; }
wasm_functype_t* wasm_functype_copy(const wasm_functype_t* type) {
  auto* t = new (std::nothrow) wasm_functype_t();
  if (!t) return nullptr;
  wasm_valtype_vec_copy(&t->params, &type->params);
  wasm_valtype_vec_copy(&t->results, &type->results);
  if (t->params.size != type->params.size || t->results.size != type->results.size) {
    delete t;
    return nullptr;
  }
  return t;
}
wasm_functype_t* wasm_functype_new(wasm_valtype_vec_t* params, wasm_valtype_vec_t* results) {
  auto* t = new (std::nothrow) wasm_functype_t();
  if (!t) {
    wasm_valtype_vec_delete(params);
    wasm_valtype_vec_delete(results);
    return nullptr;
  }
  t->params = *params;
  t->results = *results;
  wasm_valtype_vec_new_empty(params);
  wasm_valtype_vec_new_empty(results);
  return t;
}
const wasm_valtype_vec_t* wasm_functype_params(const wasm_functype_t* type) { return &type->params; }
const wasm_valtype_vec_t* wasm_functype_results(const wasm_functype_t* type) { return &type->results; }

// ---------------------------------------------------------------------------
// Global, table and memory types

void wasm_globaltype_delete(wasm_globaltype_t* type) { delete type; }
wasm_globaltype_t* wasm_globaltype_copy(const wasm_globaltype_t* type) {
  return new (std::nothrow) wasm_globaltype_t(type->content.kind, type->mutability);
}
wasm_globaltype_t* wasm_globaltype_new(wasm_valtype_t* content, wasm_mutability_t mutability) {
  if (!content) return nullptr;
  auto* t = new (std::nothrow) wasm_globaltype_t(content->kind, mutability);
  delete content;
  return t;
}
const wasm_valtype_t* wasm_globaltype_content(const wasm_globaltype_t* type) { return &type->content; }
wasm_mutability_t wasm_globaltype_mutability(const wasm_globaltype_t* type) { return type->mutability; }

void wasm_tabletype_delete(wasm_tabletype_t* type) { delete type; }
wasm_tabletype_t* wasm_tabletype_copy(const wasm_tabletype_t* type) {
  return new (std::nothrow) wasm_tabletype_t(type->element.kind, type->limits);
}
wasm_tabletype_t* wasm_tabletype_new(wasm_valtype_t* element, const wasm_limits_t* limits) {
  if (!element || !limits) {
    delete element;
    return nullptr;
  }
  auto* t = new (std::nothrow) wasm_tabletype_t(element->kind, *limits);
  delete element;
  return t;
}
const wasm_valtype_t* wasm_tabletype_element(const wasm_tabletype_t* type) { return &type->element; }
const wasm_limits_t* wasm_tabletype_limits(const wasm_tabletype_t* type) { return &type->limits; }

void wasm_memorytype_delete(wasm_memorytype_t* type) { delete type; }
wasm_memorytype_t* wasm_memorytype_copy(const wasm_memorytype_t* type) {
  return new (std::nothrow) wasm_memorytype_t(type->limits);
}
wasm_memorytype_t* wasm_memorytype_new(const wasm_limits_t* limits) {
  return limits ? new (std::nothrow) wasm_memorytype_t(*limits) : nullptr;
}
const wasm_limits_t* wasm_memorytype_limits(const wasm_memorytype_t* type) { return &type->limits; }

// ---------------------------------------------------------------------------
// External types

void wasm_externtype_delete(wasm_externtype_t* type) { delete type; }
wasm_externtype_t* wasm_externtype_copy(const wasm_externtype_t* type) {
  switch (type->kind) {
    case WASM_EXTERN_FUNC: return wasm_functype_copy(static_cast<const wasm_functype_t*>(type));
    case WASM_EXTERN_GLOBAL: return wasm_globaltype_copy(static_cast<const wasm_globaltype_t*>(type));
    case WASM_EXTERN_TABLE: return wasm_tabletype_copy(static_cast<const wasm_tabletype_t*>(type));
    case WASM_EXTERN_MEMORY: return wasm_memorytype_copy(static_cast<const wasm_memorytype_t*>(type));
  }
  return nullptr;
}
wasm_externkind_t wasm_externtype_kind(const wasm_externtype_t* type) { return type->kind; }

#define WS_EXTERNTYPE_CASTS(name, KIND)                                                                \
  wasm_externtype_t* wasm_##name##_as_externtype(wasm_##name##_t* t) { return t; }                     \
  const wasm_externtype_t* wasm_##name##_as_externtype_const(const wasm_##name##_t* t) { return t; }   \
  wasm_##name##_t* wasm_externtype_as_##name(wasm_externtype_t* t) {                                   \
    return t && t->kind == KIND ? static_cast<wasm_##name##_t*>(t) : nullptr;                          \
  }                                                                                                    \
  const wasm_##name##_t* wasm_externtype_as_##name##_const(const wasm_externtype_t* t) {               \
    return t && t->kind == KIND ? static_cast<const wasm_##name##_t*>(t) : nullptr;                    \
  }
WS_EXTERNTYPE_CASTS(functype, WASM_EXTERN_FUNC)
WS_EXTERNTYPE_CASTS(globaltype, WASM_EXTERN_GLOBAL)
WS_EXTERNTYPE_CASTS(tabletype, WASM_EXTERN_TABLE)
WS_EXTERNTYPE_CASTS(memorytype, WASM_EXTERN_MEMORY)

// ---------------------------------------------------------------------------
// Import and export types

wasm_importtype_t::~wasm_importtype_t() {
  wasm_byte_vec_delete(&module);
  wasm_byte_vec_delete(&name);
  delete type;
}
wasm_exporttype_t::~wasm_exporttype_t() {
  wasm_byte_vec_delete(&name);
  delete type;
}

void wasm_importtype_delete(wasm_importtype_t* type) { delete type; }
wasm_importtype_t* wasm_importtype_copy(const wasm_importtype_t* type) {
  auto* t = new (std::nothrow) wasm_importtype_t();
  if (!t) return nullptr;
  wasm_byte_vec_copy(&t->module, &type->module);
  wasm_byte_vec_copy(&t->name, &type->name);
  t->type = type->type ? wasm_externtype_copy(type->type) : nullptr;
  return t;
}
wasm_importtype_t* wasm_importtype_new(wasm_name_t* module, wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new (std::nothrow) wasm_importtype_t();
  if (!t) {
    wasm_byte_vec_delete(module);
    wasm_byte_vec_delete(name);
    delete type;
    return nullptr;
  }
  t->module = *module;
  t->name = *name;
  t->type = type;
  wasm_byte_vec_new_empty(module);
  wasm_byte_vec_new_empty(name);
  return t;
}
const wasm_name_t* wasm_importtype_module(const wasm_importtype_t* type) { return &type->module; }
const wasm_name_t* wasm_importtype_name(const wasm_importtype_t* type) { return &type->name; }
const wasm_externtype_t* wasm_importtype_type(const wasm_importtype_t* type) { return type->type; }

void wasm_exporttype_delete(wasm_exporttype_t* type) { delete type; }
wasm_exporttype_t* wasm_exporttype_copy(const wasm_exporttype_t* type) {
  auto* t = new (std::nothrow) wasm_exporttype_t();
  if (!t) return nullptr;
  wasm_byte_vec_copy(&t->name, &type->name);
  t->type = type->type ? wasm_externtype_copy(type->type) : nullptr;
  return t;
}
wasm_exporttype_t* wasm_exporttype_new(wasm_name_t* name, wasm_externtype_t* type) {
  auto* t = new (std::nothrow) wasm_exporttype_t();
  if (!t) {
    wasm_byte_vec_delete(name);
    delete type;
    return nullptr;
  }
  t->name = *name;
  t->type = type;
  wasm_byte_vec_new_empty(name);
  return t;
}
const wasm_name_t* wasm_exporttype_name(const wasm_exporttype_t* type) { return &type->name; }
const wasm_externtype_t* wasm_exporttype_type(const wasm_exporttype_t* type) { return type->type; }

// ---------------------------------------------------------------------------
// Values and references

void wasm_val_delete(wasm_val_t* v) {
  if (v && wasm_valkind_is_ref(v->kind) && v->of.ref) {
    wasm_ref_delete(v->of.ref);
    v->of.ref = nullptr;
  }
}
void wasm_val_copy(wasm_val_t* out, const wasm_val_t* src) {
  *out = *src;
  if (wasm_valkind_is_ref(src->kind) && src->of.ref) out->of.ref = wasm_ref_copy(src->of.ref);
}

void wasm_ref_delete(wasm_ref_t* ref) { delete ref; }
wasm_ref_t* wasm_ref_copy(const wasm_ref_t* ref) {
  if (!ref) return nullptr;
  return guarded<wasm_ref_t*>(nullptr, [&] { return make_extern(ref->store, ref->ext); });
}
bool wasm_ref_same(const wasm_ref_t* a, const wasm_ref_t* b) {
  if (!a || !b) return a == b;
  return same_object(a->ext, b->ext);
}

// ---------------------------------------------------------------------------
// Frames and traps

void wasm_frame_delete(wasm_frame_t* frame) { delete frame; }
wasm_frame_t* wasm_frame_copy(const wasm_frame_t* frame) { return frame ? new (std::nothrow) wasm_frame_t{} : nullptr; }
wasm_instance_t* wasm_frame_instance(const wasm_frame_t*) { return nullptr; }
uint32_t wasm_frame_func_index(const wasm_frame_t*) { return 0; }
size_t wasm_frame_func_offset(const wasm_frame_t*) { return 0; }
size_t wasm_frame_module_offset(const wasm_frame_t*) { return 0; }

void wasm_trap_delete(wasm_trap_t* trap) { delete trap; }
wasm_trap_t* wasm_trap_copy(const wasm_trap_t* trap) { return new_trap(trap->message); }
bool wasm_trap_same(const wasm_trap_t* a, const wasm_trap_t* b) { return a == b; }
wasm_trap_t* wasm_trap_new(wasm_store_t*, const wasm_message_t* message) {
  if (!message || !message->data) return new_trap({});
  // The message ends at its first NUL, if it has one.
  const char* end = static_cast<const char*>(std::memchr(message->data, 0, message->size));
  return new_trap({message->data, end ? static_cast<size_t>(end - message->data) : message->size});
}
void wasm_trap_message(const wasm_trap_t* trap, wasm_message_t* out) {
  if (vec_alloc(out, trap->message.size() + 1)) std::memcpy(out->data, trap->message.c_str(), out->size);
}
wasm_frame_t* wasm_trap_origin(const wasm_trap_t*) { return nullptr; }
void wasm_trap_trace(const wasm_trap_t*, wasm_frame_vec_t* out) { wasm_frame_vec_new_empty(out); }

// ---------------------------------------------------------------------------
// Modules

void wasm_module_delete(wasm_module_t* module) { delete module; }
wasm_module_t* wasm_module_copy(const wasm_module_t* module) {
  return new (std::nothrow) wasm_module_t{module->module};
}
bool wasm_module_same(const wasm_module_t* a, const wasm_module_t* b) { return a->module == b->module; }

wasm_module_t* wasm_module_new(wasm_store_t*, const wasm_byte_vec_t* binary) {
  if (!binary) return nullptr;
  return guarded<wasm_module_t*>(nullptr, [&]() -> wasm_module_t* {
    const auto* bytes = reinterpret_cast<const uint8_t*>(binary->data);
    auto loaded = ws::load(std::vector<uint8_t>(bytes, bytes + binary->size));
    if (!loaded.ok()) return nullptr;
    return new wasm_module_t{std::move(loaded).value()};
  });
}
bool wasm_module_validate(wasm_store_t* store, const wasm_byte_vec_t* binary) {
  wasm_module_t* m = wasm_module_new(store, binary);
  wasm_module_delete(m);
  return m != nullptr;
}

void wasm_module_imports(const wasm_module_t* module, wasm_importtype_vec_t* out) {
  wasm_importtype_vec_new_empty(out);
  bool ok = guarded(false, [&] {
    auto imports = ws::module_imports(*module->module);
    if (!vec_alloc(out, imports.size())) return false;
    for (size_t i = 0; i < imports.size(); ++i) {
      auto t = std::make_unique<wasm_importtype_t>();
      t->module = make_name(imports[i].module);
      t->name = make_name(imports[i].name);
      t->type = make_externtype(imports[i].type);
      out->data[i] = t.release();
    }
    return true;
  });
  if (!ok) wasm_importtype_vec_delete(out);
}
void wasm_module_exports(const wasm_module_t* module, wasm_exporttype_vec_t* out) {
  wasm_exporttype_vec_new_empty(out);
  bool ok = guarded(false, [&] {
    auto exports = ws::module_exports(*module->module);
    if (!vec_alloc(out, exports.size())) return false;
    for (size_t i = 0; i < exports.size(); ++i) {
      auto t = std::make_unique<wasm_exporttype_t>();
      t->name = make_name(exports[i].name);
      t->type = make_externtype(exports[i].type);
      out->data[i] = t.release();
    }
    return true;
  });
  if (!ok) wasm_exporttype_vec_delete(out);
}

void wasm_module_serialize(const wasm_module_t* module, wasm_byte_vec_t* out) {
  const std::vector<uint8_t>& bytes = module->module->bytes;
  wasm_byte_vec_new(out, bytes.size(), reinterpret_cast<const wasm_byte_t*>(bytes.data()));
}
wasm_module_t* wasm_module_deserialize(wasm_store_t* store, const wasm_byte_vec_t* serialized) {
  return wasm_module_new(store, serialized);
}

void wasm_shared_module_delete(wasm_shared_module_t* shared) { delete shared; }
wasm_shared_module_t* wasm_module_share(const wasm_module_t* module) {
  return new (std::nothrow) wasm_shared_module_t{module->module};
}
wasm_module_t* wasm_module_obtain(wasm_store_t*, const wasm_shared_module_t* shared) {
  return new (std::nothrow) wasm_module_t{shared->module};
}

// ---------------------------------------------------------------------------
// Handles to store objects: deleting one frees the handle alone, a copy is a
// new handle to the same object (of the same dynamic type, see make_extern),
// and two handles are the same if they name the same object.

#define WS_HANDLE_BASICS(name)                                                      \
  void wasm_##name##_delete(wasm_##name##_t* x) { delete x; }                       \
  wasm_##name##_t* wasm_##name##_copy(const wasm_##name##_t* x) {                   \
    return static_cast<wasm_##name##_t*>(wasm_ref_copy(x));                         \
  }                                                                                 \
  bool wasm_##name##_same(const wasm_##name##_t* a, const wasm_##name##_t* b) {     \
    return wasm_ref_same(a, b);                                                     \
  }
WS_HANDLE_BASICS(func)
WS_HANDLE_BASICS(global)
WS_HANDLE_BASICS(table)
WS_HANDLE_BASICS(memory)
WS_HANDLE_BASICS(extern)

// ---------------------------------------------------------------------------
// Functions

wasm_ref_t* wasm_func_as_ref(wasm_func_t* func) { return func; }
wasm_func_t* wasm_ref_as_func(wasm_ref_t* ref) {
  return ref && ref->ext.kind == ws::ExternKind::Func ? static_cast<wasm_func_t*>(ref) : nullptr;
}
const wasm_ref_t* wasm_func_as_ref_const(const wasm_func_t* func) { return func; }
const wasm_func_t* wasm_ref_as_func_const(const wasm_ref_t* ref) {
  return ref && ref->ext.kind == ws::ExternKind::Func ? static_cast<const wasm_func_t*>(ref) : nullptr;
}

wasm_func_t* wasm_func_new(wasm_store_t* store, const wasm_functype_t* type, wasm_func_callback_t callback) {
  return new_host_func(store, type, callback, nullptr, nullptr, nullptr);
}
wasm_func_t* wasm_func_new_with_env(wasm_store_t* store, const wasm_functype_t* type,
                                    wasm_func_callback_with_env_t callback, void* env, void (*finalizer)(void*)) {
  return new_host_func(store, type, nullptr, callback, env, finalizer);
}

wasm_functype_t* wasm_func_type(const wasm_func_t* func) {
  return guarded<wasm_functype_t*>(nullptr, [&] { return make_functype(func->ext.func->type); });
}
size_t wasm_func_param_arity(const wasm_func_t* func) { return func->ext.func->type.params.size(); }
size_t wasm_func_result_arity(const wasm_func_t* func) { return func->ext.func->type.results.size(); }

wasm_trap_t* wasm_func_call(const wasm_func_t* func, const wasm_val_vec_t* args, wasm_val_vec_t* results) {
  try {
    const ws::FuncType& ft = func->ext.func->type;
    const size_t nargs = args ? args->size : 0;
    if (nargs != ft.params.size())
      return new_trap("expected " + std::to_string(ft.params.size()) + " arguments, got " + std::to_string(nargs));
    std::vector<ws::Value> values(nargs);
    for (size_t i = 0; i < nargs; ++i) {
      std::string error;
      if (!to_value(args->data[i], ft.params[i], &values[i], &error))
        return new_trap("argument " + std::to_string(i) + ": " + error);
    }
    if (has_v128(ft)) return new_trap("v128 values are not supported by the C API");
    // A results vector of the wrong size traps before the call, with nothing
    // run, except an empty one: the standard's example/trap.c
    // (github.com/WebAssembly/wasm-c-api) calls two exports of type
    // () -> (i32) that trap, passing `results = WASM_EMPTY_VEC`, and prints
    // the code's trap messages ("callback abort", "unreachable"); its
    // reference implementation (src/wasm-v8.cc, Func::call) only writes
    // results once the call has returned. An empty vector is therefore
    // refused after the call, if it returned, when its effects have happened.
    const size_t nresults = results ? results->size : 0;
    auto wrong_results = [&] {
      return new_trap("expected room for " + std::to_string(ft.results.size()) + " results, got " +
                      std::to_string(nresults));
    };
    if (nresults != ft.results.size() && nresults != 0) return wrong_results();
    auto out = func->store->store.call(func->ext.func, values);
    if (!out.ok()) return new_trap(out.error().message);
    if (nresults != ft.results.size()) return wrong_results();
    for (size_t i = 0; i < nresults; ++i) to_c_value(func->store, out.value()[i], &results->data[i]);
    return nullptr;
  } catch (...) {
    return new_trap("out of memory");
  }
}

// ---------------------------------------------------------------------------
// Globals

wasm_global_t* wasm_global_new(wasm_store_t* store, const wasm_globaltype_t* type, const wasm_val_t* value) {
  if (!store || !type || !value) return nullptr;
  return guarded<wasm_global_t*>(nullptr, [&]() -> wasm_global_t* {
    ws::GlobalType gt;
    if (!to_valtype(type->content.kind, &gt.type)) return nullptr;
    gt.mut = type->mutability == WASM_VAR;
    ws::Value init;
    std::string error;
    if (!to_value(*value, gt.type, &init, &error)) return nullptr;
    auto handle = std::make_unique<wasm_global_t>(store, ws::Extern{});
    handle->ext.kind = ws::ExternKind::Global;
    handle->ext.global = store->store.make_global(gt, init);
    return handle.release();
  });
}
wasm_globaltype_t* wasm_global_type(const wasm_global_t* global) {
  const ws::GlobalType& t = global->ext.global->type;
  return new (std::nothrow) wasm_globaltype_t(to_valkind(t.type), t.mut ? WASM_VAR : WASM_CONST);
}
void wasm_global_get(const wasm_global_t* global, wasm_val_t* out) {
  bool ok = guarded(false, [&] { return to_c_value(global->store, global->ext.global->get(), out); });
  if (!ok) *out = zero_value(ws::ValType::I32);
}
void wasm_global_set(wasm_global_t* global, const wasm_val_t* value) {
  ws::GlobalInst* g = global->ext.global;
  if (!g->type.mut || !value) return;
  ws::Value v;
  std::string error;
  bool ok = guarded(false, [&] { return to_value(*value, g->type.type, &v, &error); });
  if (ok) g->set(v);
}

// ---------------------------------------------------------------------------
// Tables

wasm_table_t* wasm_table_new(wasm_store_t* store, const wasm_tabletype_t* type, wasm_ref_t* init) {
  if (!store || !type) return nullptr;
  return guarded<wasm_table_t*>(nullptr, [&]() -> wasm_table_t* {
    ws::TableType tt;
    if (!to_valtype(type->element.kind, &tt.elem) || !ws::is_ref(tt.elem)) return nullptr;
    tt.limits = to_limits(type->limits);
    if (tt.limits.max && *tt.limits.max < tt.limits.min) return nullptr;
    ws::Ref r;
    std::string error;
    if (!to_ref(init, tt.elem, &r, &error)) return nullptr;
    auto handle = std::make_unique<wasm_table_t>(store, ws::Extern{});
    handle->ext.kind = ws::ExternKind::Table;
    auto made = store->store.make_table(tt, r);
    if (!made) return nullptr;
    handle->ext.table = *made;
    return handle.release();
  });
}
wasm_tabletype_t* wasm_table_type(const wasm_table_t* table) {
  const ws::TableInst* t = table->ext.table;
  ws::Limits l = t->type.limits;
  l.min = t->elems.size();
  return new (std::nothrow) wasm_tabletype_t(to_valkind(t->type.elem), to_c_limits(l));
}
wasm_ref_t* wasm_table_get(const wasm_table_t* table, wasm_table_size_t index) {
  const ws::TableInst* t = table->ext.table;
  if (index >= t->elems.size() || t->type.elem != ws::ValType::FuncRef) return nullptr;
  const ws::Ref r = t->elems[index];
  if (!r) return nullptr;
  return guarded<wasm_ref_t*>(nullptr, [&] { return make_func(table->store, ws::func_of(r)); });
}
bool wasm_table_set(wasm_table_t* table, wasm_table_size_t index, wasm_ref_t* ref) {
  ws::TableInst* t = table->ext.table;
  if (index >= t->elems.size()) return false;
  ws::Ref r;
  std::string error;
  if (!guarded(false, [&] { return to_ref(ref, t->type.elem, &r, &error); })) return false;
  t->elems[index] = r;
  return true;
}
wasm_table_size_t wasm_table_size(const wasm_table_t* table) {
  return static_cast<wasm_table_size_t>(table->ext.table->elems.size());
}
bool wasm_table_grow(wasm_table_t* table, wasm_table_size_t delta, wasm_ref_t* init) {
  ws::TableInst* t = table->ext.table;
  ws::Ref r;
  std::string error;
  if (!guarded(false, [&] { return to_ref(init, t->type.elem, &r, &error); })) return false;
  return t->grow(delta, r) >= 0;
}

// ---------------------------------------------------------------------------
// Memories

wasm_memory_t* wasm_memory_new(wasm_store_t* store, const wasm_memorytype_t* type) {
  if (!store || !type) return nullptr;
  return guarded<wasm_memory_t*>(nullptr, [&]() -> wasm_memory_t* {
    ws::MemoryType mt;
    mt.limits = to_limits(type->limits);
    if (mt.limits.min > ws::kMaxPages || (mt.limits.max && (*mt.limits.max > ws::kMaxPages || *mt.limits.max < mt.limits.min)))
      return nullptr;
    auto handle = std::make_unique<wasm_memory_t>(store, ws::Extern{});
    handle->ext.kind = ws::ExternKind::Memory;
    auto made = store->store.make_memory(mt);
    if (!made) return nullptr;
    handle->ext.memory = *made;
    return handle.release();
  });
}
wasm_memorytype_t* wasm_memory_type(const wasm_memory_t* memory) {
  const ws::MemoryInst* m = memory->ext.memory;
  ws::Limits l = m->type.limits;
  l.min = m->pages();
  return new (std::nothrow) wasm_memorytype_t(to_c_limits(l));
}
byte_t* wasm_memory_data(wasm_memory_t* memory) {
  return reinterpret_cast<byte_t*>(memory->ext.memory->data.data());
}
size_t wasm_memory_data_size(const wasm_memory_t* memory) { return memory->ext.memory->data.size(); }
wasm_memory_pages_t wasm_memory_size(const wasm_memory_t* memory) {
  return static_cast<wasm_memory_pages_t>(memory->ext.memory->pages());
}
bool wasm_memory_grow(wasm_memory_t* memory, wasm_memory_pages_t delta) {
  return memory->ext.memory->grow(delta) >= 0;
}

// ---------------------------------------------------------------------------
// Externals

wasm_externkind_t wasm_extern_kind(const wasm_extern_t* ext) { return to_externkind(ext->ext.kind); }
wasm_externtype_t* wasm_extern_type(const wasm_extern_t* ext) {
  switch (ext->ext.kind) {
    case ws::ExternKind::Func: return wasm_func_type(static_cast<const wasm_func_t*>(ext));
    case ws::ExternKind::Global: return wasm_global_type(static_cast<const wasm_global_t*>(ext));
    case ws::ExternKind::Table: return wasm_table_type(static_cast<const wasm_table_t*>(ext));
    case ws::ExternKind::Memory: return wasm_memory_type(static_cast<const wasm_memory_t*>(ext));
  }
  return nullptr;
}

#define WS_EXTERN_CASTS(name, KIND)                                                              \
  wasm_extern_t* wasm_##name##_as_extern(wasm_##name##_t* x) { return x; }                       \
  const wasm_extern_t* wasm_##name##_as_extern_const(const wasm_##name##_t* x) { return x; }     \
  wasm_##name##_t* wasm_extern_as_##name(wasm_extern_t* e) {                                     \
    return e && e->ext.kind == ws::ExternKind::KIND ? static_cast<wasm_##name##_t*>(e) : nullptr; \
  }                                                                                              \
  const wasm_##name##_t* wasm_extern_as_##name##_const(const wasm_extern_t* e) {                 \
    return e && e->ext.kind == ws::ExternKind::KIND ? static_cast<const wasm_##name##_t*>(e)      \
                                                    : nullptr;                                   \
  }
WS_EXTERN_CASTS(func, Func)
WS_EXTERN_CASTS(global, Global)
WS_EXTERN_CASTS(table, Table)
WS_EXTERN_CASTS(memory, Memory)

// ---------------------------------------------------------------------------
// Instances

void wasm_instance_delete(wasm_instance_t* instance) { delete instance; }
wasm_instance_t* wasm_instance_copy(const wasm_instance_t* instance) {
  return new (std::nothrow) wasm_instance_t{instance->store, instance->instance};
}
bool wasm_instance_same(const wasm_instance_t* a, const wasm_instance_t* b) { return a->instance == b->instance; }

wasm_instance_t* wasm_instance_new(wasm_store_t* store, const wasm_module_t* module, const wasm_extern_vec_t* imports,
                                   wasm_trap_t** trap) {
  if (trap) *trap = nullptr;
  std::string error;  // why it failed; empty: out of memory
  wasm_instance_t* result = guarded<wasm_instance_t*>(nullptr, [&]() -> wasm_instance_t* {
    if (!store || !module) {
      error = "wasm_instance_new: no store or module";
      return nullptr;
    }
    // Imports by position, as the store takes them: a module may import the
    // same name twice, as two different objects or kinds. The store checks
    // their count and types.
    const std::vector<ws::Import>& wanted = module->module->imports;
    const size_t given = imports ? imports->size : 0;
    std::vector<ws::Extern> externs;
    externs.reserve(given);
    for (size_t i = 0; i < given; ++i) {
      const wasm_extern_t* e = imports->data[i];
      if (!e || e->store != store) {
        error = "import " + std::to_string(i);
        if (i < wanted.size()) error += " (" + wanted[i].module + "." + wanted[i].name + ")";
        error += e ? " belongs to another store" : " is null";
        return nullptr;
      }
      externs.push_back(e->ext);
    }
    auto inst = store->store.instantiate(module->module, std::span<const ws::Extern>(externs));
    if (!inst.ok()) {
      error = inst.error().message;
      return nullptr;
    }
    return new wasm_instance_t{store, inst.value()};
  });
  if (!result && trap) *trap = new_trap(error.empty() ? std::string_view("out of memory") : std::string_view(error));
  return result;
}

void wasm_instance_exports(const wasm_instance_t* instance, wasm_extern_vec_t* out) {
  wasm_extern_vec_new_empty(out);
  bool ok = guarded(false, [&] {
    const auto exports = ws::module_exports(*instance->instance->module);
    if (!vec_alloc(out, exports.size())) return false;
    for (size_t i = 0; i < exports.size(); ++i) {
      auto e = instance->instance->get_export(exports[i].name);
      if (!e) return false;
      out->data[i] = make_extern(instance->store, *e);
    }
    return true;
  });
  if (!ok) wasm_extern_vec_delete(out);
}

}  // extern "C"
