;; Form 1 (callback) through the AsyncRuntime: call() calls the asynchronous
;; import env.get, which returns at once; when the host settles the slot, the
;; runtime calls callback(v), whose result is the call's result.
(module
  (import "env" "get" (func $get))
  (func (export "call") (call $get))
  (func (export "callback") (param $v i32) (result i32)
    (i32.add (local.get $v) (i32.const 1))))
