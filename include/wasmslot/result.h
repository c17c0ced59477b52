/// @file
/// Result<T>: the one way fallible operations report failure in wasmslot.
///
/// Decoding, validation, instantiation and invocation never throw through the
/// hot path: they return either a value or an Error carrying a precise message
/// and, for module bytes, the byte offset where the problem was found.
#pragma once

#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <variant>

namespace wasmslot {

/// What went wrong: a message and, for module bytes, where.
struct Error {
  std::string message;  ///< what went wrong (for module bytes, the spec test suite's wording)
  size_t offset = 0;    ///< byte offset in the module, when the error is about bytes
};

/// Called when a program takes the value of a Result holding an Error (or
/// the error of one holding a value): a bug in the caller, so it says what
/// was asked and what the Result held on stderr, and aborts. No exception is
/// thrown, so a program built with -fno-exceptions sees the same.
[[noreturn]] inline void result_misuse(const char* asked, const Error* held) {
  std::fprintf(stderr, "wasmslot: Result::%s() called on a Result holding %s%s\n", asked,
               held ? "the error: " : "a value", held ? held->message.c_str() : "");
  std::abort();
}

/// A value of type T, or the Error saying why there is none. Check ok()
/// (or the Result as a bool) before value(); taking the value of an Error
/// aborts with its message (result_misuse).
template <class T>
class Result {
 public:
  /// Success, holding `value`.
  Result(T value) : v_(std::move(value)) {}
  /// Failure, holding `error`.
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }      ///< true when it holds a value
  explicit operator bool() const { return ok(); }  ///< ok()

  T& value() & { return *checked_value(); }                  ///< the value (only when ok())
  const T& value() const& { return *checked_value(); }       ///< the value (only when ok())
  T&& value() && { return std::move(*checked_value()); }     ///< the value, moved out (only when ok())
  T* operator->() { return &value(); }                   ///< the value's members (only when ok())
  const T* operator->() const { return &value(); }       ///< the value's members (only when ok())
  T& operator*() & { return value(); }                   ///< the value (only when ok())

  /// The error (only when !ok()).
  const Error& error() const {
    if (const Error* e = std::get_if<1>(&v_)) return *e;
    result_misuse("error", nullptr);
  }

 private:
  T* checked_value() {
    if (T* v = std::get_if<0>(&v_)) return v;
    result_misuse("value", std::get_if<1>(&v_));
  }
  const T* checked_value() const {
    if (const T* v = std::get_if<0>(&v_)) return v;
    result_misuse("value", std::get_if<1>(&v_));
  }

  std::variant<T, Error> v_;
};

/// Result<void>: success carries nothing.
struct Ok {};
/// What an operation that returns nothing answers: Ok, or an Error.
using Status = Result<Ok>;

}  // namespace wasmslot
