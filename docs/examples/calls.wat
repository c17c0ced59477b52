;; Calls, tail calls and traps for docs/04-calls-and-traps.md.
;; Compile with: wat2wasm --enable-tail-call calls.wat
(module
  ;; depth(n): n nested calls, each adding 1 on the way back: returns n.
  (func $depth (export "depth") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $depth (i32.sub (local.get $n) (i32.const 1)))
                     (i32.const 1)))
      (else (i32.const 0))))

  ;; sum(n, acc): 1 + 2 + ... + n as a chain of n tail calls.
  (func $sum (export "sum") (param $n i64) (param $acc i64) (result i64)
    (if (result i64) (i64.eqz (local.get $n))
      (then (local.get $acc))
      (else (return_call $sum (i64.sub (local.get $n) (i64.const 1))
                              (i64.add (local.get $acc) (local.get $n))))))

  ;; div(a, b): traps when b is 0, or for -2^31 / -1.
  (func $div (export "div") (param $a i32) (param $b i32) (result i32)
    (i32.div_s (local.get $a) (local.get $b)))

  ;; A trap three calls deep: the whole call is abandoned.
  (func $inner (param $x i32) (result i32) (i32.div_u (i32.const 1) (local.get $x)))
  (func $middle (param $x i32) (result i32) (call $inner (local.get $x)))
  (func (export "outer") (param $x i32) (result i32)
    (i32.add (call $middle (local.get $x)) (i32.const 100))))
