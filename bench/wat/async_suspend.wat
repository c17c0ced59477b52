;; Form 3 (suspension) through the AsyncRuntime: sum(n) awaits n results of
;; the asynchronous import env.get, each one a pending promise slot settled by
;; the host, then resumed by the event loop.
(module
  (import "env" "get" (func $get (result i32)))
  (func (export "sum") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $get)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))
