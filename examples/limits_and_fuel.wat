;; The module of limits_and_fuel.cpp: code that would take all the memory,
;; all the stack or all the time it is given.
(module
  (memory (export "memory") 1)

  ;; A memory bomb: grows memory 1 page (64 KiB) at a time until memory.grow
  ;; answers -1, then returns the size it reached, in pages.
  (func (export "bomb") (result i32)
    (loop $more
      (br_if $more (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))
    (memory.size))

  ;; Runaway recursion: no base case.
  (func $recurse (export "recurse") (param $n i32) (result i32)
    (i32.add (call $recurse (i32.add (local.get $n) (i32.const 1))) (i32.const 1)))

  ;; An infinite loop.
  (func (export "spin")
    (loop $forever (br $forever)))

  ;; 1 + 2 + ... + n, one loop iteration per term.
  (func (export "sum_to") (param $n i64) (result i64)
    (local $acc i64)
    (loop $next
      (local.set $acc (i64.add (local.get $acc) (local.get $n)))
      (local.set $n (i64.sub (local.get $n) (i64.const 1)))
      (br_if $next (i64.gt_s (local.get $n) (i64.const 0))))
    (local.get $acc)))
