// Result<T>: the one way fallible operations report failure in wasmslot.
//
// Decoding, validation, instantiation and invocation never throw through the
// hot path: they return either a value or an Error carrying a precise message
// and, for module bytes, the byte offset where the problem was found.
#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <variant>

namespace wasmslot {

struct Error {
  std::string message;
  size_t offset = 0;  // byte offset in the module, when the error is about bytes
};

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}
  Result(Error error) : v_(std::move(error)) {}

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// Result<void>: success carries nothing.
struct Ok {};
using Status = Result<Ok>;

}  // namespace wasmslot
