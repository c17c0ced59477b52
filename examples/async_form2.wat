;; Form 2 of the async protocol (ASYNC.md, "handles"): env.sleep(ms) returns
;; the handle of a pending slot, `call` returns it too, and callback(h, v)
;; receives the handle with the value, so many calls can be pending at once.
;; call(x) remembers x under its handle; callback answers 1000 * x + v.
(module
  (import "env" "sleep" (func $sleep (param $ms i32) (result i32)))
  (memory 1)
  ;; Where x is kept for handle h: the slot's index (low bits of h) * 4.
  (func $cell (param $h i32) (result i32)
    (i32.shl (i32.and (local.get $h) (i32.const 0x3fff)) (i32.const 2)))
  (func (export "call") (param $x i32) (result i32)
    (local $h i32)
    (local.set $h (call $sleep (local.get $x)))
    (i32.store (call $cell (local.get $h)) (local.get $x))
    (local.get $h))
  (func (export "callback") (param $h i32) (param $v i32) (result i32)
    (i32.add (i32.mul (i32.load (call $cell (local.get $h))) (i32.const 1000))
             (local.get $v))))
