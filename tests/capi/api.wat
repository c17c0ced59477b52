;; The C API's broad test (api.c): every kind of import and export, memory,
;; globals, a table, multi-value, traps from the code and from the host.
;; It imports env.dup three times, as a function, a global and another
;; function: imports are given by position, not by name.
(module
  (import "env" "log" (func $log (param i32 i32)))
  (import "env" "fail" (func $fail))
  (import "env" "base" (global $base (mut i32)))
  (import "env" "dup" (func $dup_a (result i32)))
  (import "env" "dup" (global $dup_g i32))
  (import "env" "dup" (func $dup_b (result i32)))
  (memory (export "memory") 1 4)
  (global $counter (export "counter") (mut i32) (i32.const 7))
  (global (export "pi") f64 (f64.const 3.5))
  (table $t (export "table") 2 10 funcref)
  (elem (table $t) (i32.const 0) func $div $get_counter)
  (data (i32.const 16) "Hello from wasm!")

  ;; log(16, 16): the host prints the greeting from memory
  (func (export "greet") (call $log (i32.const 16) (i32.const 16)))
  (func $div (export "div") (param i32 i32) (result i32)
    (i32.div_s (local.get 0) (local.get 1)))
  (func (export "boom") unreachable)
  (func (export "call_fail") (call $fail))
  (func $get_counter (export "get_counter") (result i32) (global.get $counter))
  ;; base += n; returns the new value
  (func (export "add_base") (param i32) (result i32)
    (global.set $base (i32.add (global.get $base) (local.get 0)))
    (global.get $base))
  (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
  (func (export "load") (param i32) (result i32) (i32.load8_u (local.get 0)))
  (func (export "mixed") (param i64 f32 f64) (result f64 i64)
    (f64.mul (f64.promote_f32 (local.get 1)) (local.get 2))
    (i64.mul (local.get 0) (i64.const 3)))
  (func (export "ref") (param i32) (result funcref) (table.get $t (local.get 0)))
  ;; what each of the three env.dup imports holds
  (func (export "dups") (result i32 i32 i32)
    (call $dup_a) (global.get $dup_g) (call $dup_b)))
