// A program that uses wasmslot as an installed package would: it includes
// the umbrella header and nothing else of wasmslot's, and it is compiled with
// -fno-exceptions, since the API reports every failure as a Result.
#include <cstdint>
#include <cstdio>
#include <vector>

#include <wasmslot/wasmslot.h>

using namespace wasmslot;

// (module
//   (import "env" "twice" (func $twice (param i32) (result i32)))
//   (func (export "run") (param i32) (result i32)
//     (i32.add (call $twice (local.get 0)) (i32.const 1))))
static const std::vector<uint8_t> kModule = {
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x06, 0x01, 0x60, 0x01, 0x7f, 0x01,
    0x7f, 0x02, 0x0d, 0x01, 0x03, 0x65, 0x6e, 0x76, 0x05, 0x74, 0x77, 0x69, 0x63, 0x65, 0x00,
    0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x07, 0x01, 0x03, 0x72, 0x75, 0x6e, 0x00, 0x01, 0x0a,
    0x0b, 0x01, 0x09, 0x00, 0x20, 0x00, 0x10, 0x00, 0x41, 0x01, 0x6a, 0x0b};

int main() {
  auto module = load(kModule);
  if (!module) {
    std::fprintf(stderr, "error: %s\n", module.error().message.c_str());
    return 1;
  }
  Store store;
  Imports imports;
  FuncType type{{ValType::I32}, {ValType::I32}};
  FuncInst* twice = store.make_host_func(type, [](HostCall& call) {
    call.results[0] = static_cast<uint32_t>(call.args[0]) * 2;
    return HostAnswer::ok();
  }, "env.twice");
  imports.add("env", "twice", Extern{ExternKind::Func, twice});
  auto instance = store.instantiate(*module, imports);
  if (!instance) {
    std::fprintf(stderr, "error: %s\n", instance.error().message.c_str());
    return 1;
  }
  Value arg = Value::i32(20);
  auto results = store.call((*instance)->get_func("run"), {&arg, 1});
  if (!results) {
    std::fprintf(stderr, "error: %s\n", results.error().message.c_str());
    return 1;
  }
  std::printf("run(20) = %d\n", (*results)[0].as_i32());
  return 0;
}
