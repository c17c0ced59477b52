;; Structured control flow for docs/02-control-flow.md: each function uses
;; one construct, so its translated code (build/tests/docs/show-code) is short.
(module
  ;; block + loop + br_if + br: count up to $n.
  (func $count (export "count") (param $n i32) (result i32)
    (local $i i32)
    (block $done
      (loop $next
        (br_if $done (i32.ge_s (local.get $i) (local.get $n)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (local.get $i))

  ;; if/else with a result: -1, 0 or 1.
  (func $sign (export "sign") (param $x i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $x) (i32.const 0))
      (then (i32.const -1))
      (else (if (result i32) (local.get $x)
              (then (i32.const 1))
              (else (i32.const 0))))))

  ;; A branch that carries a value and drops another one below it.
  ;; pick(c): 20 when c is nonzero (10 is dropped), else 10 + 20.
  (func $pick (export "pick") (param $c i32) (result i32)
    (block $out (result i32)
      (i32.const 10)
      (i32.const 20)
      (br_if $out (local.get $c))
      (i32.add)))

  ;; br_table: 100 for 0, 101 for 1, 999 for anything else.
  (func $classify (export "classify") (param $x i32) (result i32)
    (block $other
      (block $one
        (block $zero
          (br_table $zero $one $other (local.get $x)))
        (return (i32.const 100)))
      (return (i32.const 101)))
    (i32.const 999)))
