#include "tools/import_spec.h"

#include <charconv>

#include "host/value_text.h"

namespace wasmslot::cli {

namespace {

template <class T>
bool parse_number(std::string_view s, T& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out, 10);
  return ec == std::errc() && end == s.data() + s.size();
}

// The value a `sleep` import resolves with: its delay, in the slot's type.
std::optional<Value> delay_as(int64_t ms, ValType t) {
  switch (t) {
    case ValType::I32: return Value::i32(static_cast<int32_t>(ms));
    case ValType::I64: return Value::i64(ms);
    case ValType::F32: return Value::f32(static_cast<float>(ms));
    case ValType::F64: return Value::f64(static_cast<double>(ms));
    default: return std::nullopt;
  }
}

}  // namespace

Result<ImportSpec> parse_import_spec(std::string_view arg) {
  ImportSpec spec;
  auto eq = arg.find('=');
  if (eq == std::string_view::npos)
    return Error{"--async-import " + std::string(arg) + ": expected MOD.NAME=SPEC"};
  spec.target = std::string(arg.substr(0, eq));
  spec.text = std::string(arg.substr(eq + 1));
  auto dot = spec.target.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == spec.target.size())
    return Error{"--async-import " + std::string(arg) + ": expected MOD.NAME=SPEC"};
  auto fail = [&](const std::string& why) {
    return Error{"--async-import " + std::string(arg) + ": " + why};
  };

  std::string_view s = spec.text;
  if (s == "sleep") {
    spec.kind = ImportSpec::Kind::Sleep;
    return spec;
  }
  // The delay comes last: "@MS". A VALUE never contains '@'.
  auto at = s.rfind('@');
  if (at != std::string_view::npos) {
    if (!parse_number(s.substr(at + 1), spec.delay_ms))
      return fail("'" + std::string(s.substr(at + 1)) + "' is not a delay in milliseconds");
    s = s.substr(0, at);
  }
  if (s == "reject" || s.starts_with("reject:")) {
    spec.kind = ImportSpec::Kind::Reject;
    if (s.size() > 6) {
      std::string_view c = s.substr(7);
      if (!parse_number(c, spec.code))
        return fail("'" + std::string(c) + "' is not a rejection code (an i32)");
      if (is_reserved_code(spec.code))
        return fail("code " + std::string(c) +
                    " is reserved (-1 timed out, -2 and -3 cancelled)");
    }
    return spec;
  }
  if (s.empty()) return fail("expected VALUE[@MS], reject[:CODE][@MS] or sleep");
  // The type is known only once the slot exists; check now that the text is
  // a number of some type, so a typo is reported before anything runs.
  if (!parse_value(s, ValType::I64) && !parse_value(s, ValType::F64))
    return fail("'" + std::string(s) + "' is not a number");
  spec.kind = ImportSpec::Kind::Resolve;
  spec.value = std::string(s);
  return spec;
}

AsyncImportFn make_import_fn(const ImportSpec& spec, std::shared_ptr<HostErrors> errors) {
  return [spec, errors](std::span<const Value> args, Slot slot) {
    // What the host does once the delay has passed.
    std::function<void()> settle;
    uint32_t delay = spec.delay_ms;
    std::optional<ValType> type = slot.value_type();
    switch (spec.kind) {
      case ImportSpec::Kind::Resolve:
        settle = [spec, errors, slot, type]() mutable {
          if (!type) {
            (void)slot.resolve();
            return;
          }
          auto v = parse_value(spec.value, *type);
          if (!v) {
            errors->add("--async-import " + spec.target + "=" + spec.text + ": " + v.error().message);
            (void)slot.reject();
            return;
          }
          (void)slot.resolve(*v);
        };
        break;
      case ImportSpec::Kind::Reject:
        settle = [spec, slot]() mutable { (void)slot.reject(spec.code); };
        break;
      case ImportSpec::Kind::Sleep: {
        int64_t ms = 0;
        if (!args.empty() && args[0].type == ValType::I32) ms = args[0].as_i32();
        else if (!args.empty() && args[0].type == ValType::I64) ms = args[0].as_i64();
        if (ms < 0) ms = 0;
        delay = static_cast<uint32_t>(std::min<int64_t>(ms, UINT32_MAX));
        settle = [spec, errors, slot, type, ms]() mutable {
          if (!type) {
            (void)slot.resolve();
            return;
          }
          auto v = delay_as(ms, *type);
          if (!v) {
            errors->add("--async-import " + spec.target + "=sleep: cannot resolve a " +
                        to_string(*type) + " with a delay");
            (void)slot.reject();
            return;
          }
          (void)slot.resolve(*v);
        };
        break;
      }
    }
    if (delay == 0) {
      settle();
      return;
    }
    auto timer = slot.loop().after(std::chrono::milliseconds(delay), settle);
    // If the slot is cancelled first (its call failed or timed out), the timer
    // has nothing left to do: drop it so the loop does not wait for it.
    EventLoop* loop = &slot.loop();
    (void)slot.on_cancel([loop, timer] { loop->cancel(timer); });
  };
}

}  // namespace wasmslot::cli
