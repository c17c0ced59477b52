;; The micro benchmarks' kernels (bench/micro.cpp). Each exported loop runs
;; its body n times (n >= 1) and returns a value that depends on every
;; iteration, so nothing can be skipped. The loop overhead (local.get,
;; i32.const, i32.sub, local.tee, br_if) is the same in each.
(module
  (type $unop (func (param i32) (result i32)))
  (import "env" "host" (func $host (param i32) (result i32)))
  (import "env" "wait" (func $wait (param i32) (result i32)))
  (memory 1)
  (table 4 funcref)
  (elem (i32.const 0) $f0 $f1 $f2 $f3)

  (func $f0 (type $unop) (i32.add (local.get 0) (i32.const 1)))
  (func $f1 (type $unop) (i32.xor (local.get 0) (i32.const 3)))
  (func $f2 (type $unop) (i32.sub (local.get 0) (i32.const 5)))
  (func $f3 (type $unop) (i32.mul (local.get 0) (i32.const 3)))

  ;; Entry and exit only: Store::call of the identity.
  (func (export "id") (type $unop) (local.get 0))

  ;; 8 dependent i32.add per iteration, plus the loop overhead.
  (func (export "add_loop") (param $n i32) (result i32)
    (local $a i32) (local $b i32)
    (loop $l
      (local.set $a (i32.add (local.get $a) (local.get $n)))
      (local.set $b (i32.add (local.get $b) (local.get $a)))
      (local.set $a (i32.add (local.get $a) (local.get $b)))
      (local.set $b (i32.add (local.get $b) (i32.const 7)))
      (local.set $a (i32.add (local.get $a) (local.get $b)))
      (local.set $b (i32.add (local.get $b) (local.get $a)))
      (local.set $a (i32.add (local.get $a) (i32.const 11)))
      (local.set $b (i32.add (local.get $b) (local.get $a)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (i32.xor (local.get $a) (local.get $b)))

  ;; One direct call of a leaf function (and its return) per iteration.
  (func (export "call_loop") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (call $f0 (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; One br_table with 8 targets (plus a default) per iteration; the index
  ;; cycles through all targets.
  (func (export "br_table_loop") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (block $d
        (block $c7 (block $c6 (block $c5 (block $c4
        (block $c3 (block $c2 (block $c1 (block $c0
          (br_table $c0 $c1 $c2 $c3 $c4 $c5 $c6 $c7 $d
            (i32.and (local.get $n) (i32.const 7))))
          (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (i32.const 2))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (i32.const 3))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (i32.const 4))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (i32.const 5))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (i32.const 6))) (br $d))
          (local.set $acc (i32.add (local.get $acc) (i32.const 7))) (br $d))
          (local.set $acc (i32.xor (local.get $acc) (i32.const 8))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; Per iteration: two i32.load and two i32.store at addresses walking a
  ;; 64 KiB page (one load+store pair with a static offset).
  (func (export "mem_loop") (param $n i32) (result i32)
    (local $p i32) (local $acc i32)
    (loop $l
      (local.set $p (i32.and (i32.mul (local.get $n) (i32.const 4)) (i32.const 0xfff8)))
      (i32.store (local.get $p) (i32.add (i32.load (local.get $p)) (local.get $n)))
      (i32.store offset=4 (local.get $p)
        (i32.xor (i32.load offset=4 (local.get $p)) (local.get $acc)))
      (local.set $acc (i32.add (local.get $acc) (i32.load (local.get $p))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; One call_indirect through a 4-entry table (type check included) per
  ;; iteration; the callee cycles.
  (func (export "call_indirect_loop") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc
        (call_indirect (type $unop) (local.get $acc) (i32.and (local.get $n) (i32.const 3))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; One call of the host function env.host per iteration.
  (func (export "host_loop") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (call $host (local.get $acc)))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc))

  ;; One call of env.wait per iteration; the host answers Pending, so every
  ;; iteration is a suspension and a resumption of the Thread.
  (func (export "wait_loop") (param $n i32) (result i32)
    (local $acc i32)
    (loop $l
      (local.set $acc (i32.add (local.get $acc) (call $wait (local.get $n))))
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $acc)))
