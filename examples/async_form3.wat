;; Form 3 of the async protocol (ASYNC.md, "suspension"): no callback export.
;; sum(n) calls env.get n times as if it were synchronous; each time, the
;; interpreter suspends the call until the host settles, then resumes it
;; with the value. It returns the sum of (value + 1) over the n calls.
(module
  (import "env" "get" (func $get (result i32)))
  (func (export "sum") (param $n i32) (result i32)
    (local $acc i32)
    (block $done
      (loop $next
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $acc (i32.add (local.get $acc) (i32.add (call $get) (i32.const 1))))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $next)))
    (local.get $acc)))
