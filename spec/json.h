// A small JSON parser (RFC 8259), enough to read what wast2json writes.
//
// It is header-only on purpose: the spec runner and the unit tests
// (tests/json_test.cpp) both use it, and neither then needs a library of its
// own. The input is untrusted as far as the runner is concerned (a truncated
// or hand-edited file must give a clear error, never a crash), so the parser
// checks everything, limits nesting depth (it recurses), and reports errors
// with a line and column.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "wasmslot/result.h"

namespace wasmslot::json {

class Value {
 public:
  enum class Kind : uint8_t { Null, Bool, Number, String, Array, Object };
  using Array = std::vector<Value>;
  // Members in file order. wast2json objects have a handful of keys, so a
  // linear search is as fast as a map and keeps the order for printing.
  using Object = std::vector<std::pair<std::string, Value>>;

  Value() = default;
  static Value null() { return Value(); }
  static Value boolean(bool b) { Value v; v.kind_ = Kind::Bool; v.bool_ = b; return v; }
  static Value number(double d, std::string text) {
    Value v; v.kind_ = Kind::Number; v.number_ = d; v.string_ = std::move(text); return v;
  }
  static Value string(std::string s) { Value v; v.kind_ = Kind::String; v.string_ = std::move(s); return v; }
  static Value array(Array a) { Value v; v.kind_ = Kind::Array; v.array_ = std::move(a); return v; }
  static Value object(Object o) { Value v; v.kind_ = Kind::Object; v.object_ = std::move(o); return v; }

  Kind kind() const { return kind_; }
  bool is_null() const { return kind_ == Kind::Null; }
  bool is_bool() const { return kind_ == Kind::Bool; }
  bool is_number() const { return kind_ == Kind::Number; }
  bool is_string() const { return kind_ == Kind::String; }
  bool is_array() const { return kind_ == Kind::Array; }
  bool is_object() const { return kind_ == Kind::Object; }

  // Typed accessors answer null when the value has another kind, so callers
  // check shape and content in one step instead of trusting the file.
  const bool* as_bool() const { return kind_ == Kind::Bool ? &bool_ : nullptr; }
  const double* as_number() const { return kind_ == Kind::Number ? &number_ : nullptr; }
  const std::string* as_string() const { return kind_ == Kind::String ? &string_ : nullptr; }
  const Array* as_array() const { return kind_ == Kind::Array ? &array_ : nullptr; }
  const Object* as_object() const { return kind_ == Kind::Object ? &object_ : nullptr; }
  // A number's text as written ("12", "-1.5e3"): exact even where a double
  // would round, e.g. a 64-bit integer.
  const std::string* number_text() const { return kind_ == Kind::Number ? &string_ : nullptr; }

  // The member `key` of an object; null if this is not an object or has no
  // such member. With duplicate keys, the first wins.
  const Value* find(std::string_view key) const {
    if (kind_ != Kind::Object) return nullptr;
    for (const auto& [k, v] : object_)
      if (k == key) return &v;
    return nullptr;
  }

 private:
  Kind kind_ = Kind::Null;
  bool bool_ = false;
  double number_ = 0;
  std::string string_;  // String; Number: its text
  Array array_;
  Object object_;
};

// Nesting deeper than this is refused rather than risking the native stack.
constexpr int kMaxDepth = 512;

namespace detail {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<Value> parse_document() {
    skip_ws();
    Value v;
    if (!parse_value(v, 0)) return fail();
    skip_ws();
    if (pos_ != s_.size()) {
      error("unexpected text after the JSON value");
      return fail();
    }
    return v;
  }

 private:
  std::string_view s_;
  size_t pos_ = 0;
  std::string err_;
  size_t err_pos_ = 0;

  // Records the first error only: later ones are consequences of it.
  bool error(std::string msg) {
    if (err_.empty()) { err_ = std::move(msg); err_pos_ = pos_; }
    return false;
  }

  Error fail() const {
    size_t line = 1, col = 1;
    for (size_t i = 0; i < err_pos_ && i < s_.size(); ++i) {
      if (s_[i] == '\n') { ++line; col = 1; } else { ++col; }
    }
    return Error{"line " + std::to_string(line) + ", column " + std::to_string(col) + ": " + err_,
                 err_pos_};
  }

  bool at_end() const { return pos_ >= s_.size(); }
  char peek() const { return at_end() ? '\0' : s_[pos_]; }

  void skip_ws() {
    while (!at_end() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  bool literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return error("invalid literal");
    pos_ += word.size();
    return true;
  }

  bool parse_value(Value& out, int depth) {
    if (depth > kMaxDepth) return error("nesting too deep");
    if (at_end()) return error("unexpected end of input");
    switch (peek()) {
      case 'n': if (!literal("null")) return false; out = Value::null(); return true;
      case 't': if (!literal("true")) return false; out = Value::boolean(true); return true;
      case 'f': if (!literal("false")) return false; out = Value::boolean(false); return true;
      case '"': {
        std::string s;
        if (!parse_string(s)) return false;
        out = Value::string(std::move(s));
        return true;
      }
      case '[': return parse_array(out, depth);
      case '{': return parse_object(out, depth);
      default:
        if (peek() == '-' || (peek() >= '0' && peek() <= '9')) return parse_number(out);
        return error(std::string("unexpected character '") + peek() + "'");
    }
  }

  bool parse_array(Value& out, int depth) {
    ++pos_;  // '['
    Value::Array items;
    skip_ws();
    if (peek() == ']') { ++pos_; out = Value::array(std::move(items)); return true; }
    for (;;) {
      skip_ws();
      Value item;
      if (!parse_value(item, depth + 1)) return false;
      items.push_back(std::move(item));
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == ']') { ++pos_; break; }
      return error(at_end() ? "unexpected end of input in array" : "expected ',' or ']'");
    }
    out = Value::array(std::move(items));
    return true;
  }

  bool parse_object(Value& out, int depth) {
    ++pos_;  // '{'
    Value::Object members;
    skip_ws();
    if (peek() == '}') { ++pos_; out = Value::object(std::move(members)); return true; }
    for (;;) {
      skip_ws();
      if (peek() != '"') return error(at_end() ? "unexpected end of input in object" : "expected a string key");
      std::string key;
      if (!parse_string(key)) return false;
      skip_ws();
      if (peek() != ':') return error("expected ':'");
      ++pos_;
      skip_ws();
      Value v;
      if (!parse_value(v, depth + 1)) return false;
      members.emplace_back(std::move(key), std::move(v));
      skip_ws();
      if (peek() == ',') { ++pos_; continue; }
      if (peek() == '}') { ++pos_; break; }
      return error(at_end() ? "unexpected end of input in object" : "expected ',' or '}'");
    }
    out = Value::object(std::move(members));
    return true;
  }

  // JSON's number grammar, checked exactly: no leading '+', no leading zeros,
  // digits required after '.' and in the exponent.
  bool parse_number(Value& out) {
    size_t start = pos_;
    auto digits = [&] {
      size_t n = 0;
      while (!at_end() && s_[pos_] >= '0' && s_[pos_] <= '9') { ++pos_; ++n; }
      return n;
    };
    if (peek() == '-') ++pos_;
    if (peek() == '0') {
      ++pos_;
    } else if (digits() == 0) {
      return error("invalid number");
    }
    if (peek() == '.') {
      ++pos_;
      if (digits() == 0) return error("invalid number: digits expected after '.'");
    }
    if (peek() == 'e' || peek() == 'E') {
      ++pos_;
      if (peek() == '+' || peek() == '-') ++pos_;
      if (digits() == 0) return error("invalid number: digits expected in exponent");
    }
    std::string text(s_.substr(start, pos_ - start));
    double d = std::strtod(text.c_str(), nullptr);  // before `text` is moved from
    out = Value::number(d, std::move(text));
    return true;
  }

  bool hex4(uint32_t& out) {
    if (s_.size() - pos_ < 4) return error("truncated \\u escape");
    out = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      out <<= 4;
      if (c >= '0' && c <= '9') out |= c - '0';
      else if (c >= 'a' && c <= 'f') out |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') out |= c - 'A' + 10;
      else return error("invalid hex digit in \\u escape");
    }
    return true;
  }

  static void append_utf8(std::string& s, uint32_t cp) {
    if (cp < 0x80) {
      s += static_cast<char>(cp);
    } else if (cp < 0x800) {
      s += static_cast<char>(0xC0 | (cp >> 6));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      s += static_cast<char>(0xE0 | (cp >> 12));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      s += static_cast<char>(0xF0 | (cp >> 18));
      s += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      s += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      s += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  // Strings come out as UTF-8. wast2json writes export names (which may hold
  // any Unicode, control characters included) partly as raw UTF-8 and partly
  // as \u00XX escapes; both must give the same bytes as the module's name.
  // Raw bytes are passed through as they are: validating UTF-8 is the
  // loader's business, not the script reader's.
  bool parse_string(std::string& out) {
    ++pos_;  // opening quote
    for (;;) {
      if (at_end()) return error("unterminated string");
      char c = s_[pos_];
      if (c == '"') { ++pos_; return true; }
      if (static_cast<unsigned char>(c) < 0x20) return error("control character in string");
      if (c != '\\') { out += c; ++pos_; continue; }
      ++pos_;
      if (at_end()) return error("unterminated string");
      char e = s_[pos_++];
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          uint32_t cp;
          if (!hex4(cp)) return false;
          // Characters beyond the BMP are written as a UTF-16 surrogate pair.
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t lo;
            if (s_.substr(pos_, 2) != "\\u") return error("lone high surrogate in \\u escape");
            pos_ += 2;
            if (!hex4(lo)) return false;
            if (lo < 0xDC00 || lo > 0xDFFF) return error("invalid low surrogate in \\u escape");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            return error("lone low surrogate in \\u escape");
          }
          append_utf8(out, cp);
          break;
        }
        default:
          --pos_;
          return error(std::string("invalid escape '\\") + e + "'");
      }
    }
  }
};

}  // namespace detail

// Parses a whole document. Errors say "line L, column C: what"; Error::offset
// is the byte offset.
inline Result<Value> parse(std::string_view text) { return detail::Parser(text).parse_document(); }

}  // namespace wasmslot::json
