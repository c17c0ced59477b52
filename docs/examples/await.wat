;; A call that suspends deep inside its own recursion, for
;; docs/05-suspension.md. There is no "callback" export, so the runtime runs
;; it in form 3: env.get looks synchronous to the wasm code.
(module
  (import "env" "get" (func $get (result i32)))
  ;; nest(n): n frames deep, awaits get, then adds n, n-1, ..., 1 on the way
  ;; back up: get + n(n+1)/2.
  (func $nest (export "nest") (param $n i32) (result i32)
    (if (result i32) (local.get $n)
      (then (i32.add (call $nest (i32.sub (local.get $n) (i32.const 1)))
                     (local.get $n)))
      (else (call $get))))
  ;; twice(): awaits get twice in a row: 2 * get.
  (func (export "twice") (result i32)
    (i32.add (call $get) (call $get))))
