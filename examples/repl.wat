;; The module of repl.cpp: a few functions to call, a counter kept in a
;; global, and a memory to look at and change.
(module
  (memory (export "memory") 1)
  (data (i32.const 0) "Hello, REPL!")
  (global $count (export "count") (mut i32) (i32.const 0))

  (func (export "add") (param $a i32) (param $b i32) (result i32)
    (i32.add (local.get $a) (local.get $b)))

  (func $fac (export "fac") (param $n i64) (result i64)
    (if (result i64) (i64.le_s (local.get $n) (i64.const 1))
      (then (i64.const 1))
      (else (i64.mul (local.get $n) (call $fac (i64.sub (local.get $n) (i64.const 1)))))))

  (func (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  (func (export "hypot") (param $x f64) (param $y f64) (result f64)
    (f64.sqrt (f64.add (f64.mul (local.get $x) (local.get $x))
                       (f64.mul (local.get $y) (local.get $y)))))

  ;; count += 1; returns the new count. The global outlives the call.
  (func (export "inc") (result i32)
    (global.set $count (i32.add (global.get $count) (i32.const 1)))
    (global.get $count))

  ;; Stores one byte at an address.
  (func (export "poke") (param $addr i32) (param $byte i32)
    (i32.store8 (local.get $addr) (local.get $byte))))
