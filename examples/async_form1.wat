;; Form 1 of the async protocol (ASYNC.md, "the seed"): env.get is
;; asynchronous on the host side but returns nothing to wasm. The call's
;; result is whatever `callback` makes of the value the host settles with.
(module
  (import "env" "get" (func $get))
  (func (export "call")
    (call $get))                           ;; starts the host work, returns at once
  (func (export "callback") (param $v i32) (result i32)
    (i32.add (local.get $v) (i32.const 321))))
