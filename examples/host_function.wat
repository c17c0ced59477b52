;; The module of host_function.cpp: it imports two functions the host writes
;; in C++ and keeps its strings in its own memory.
(module
  (import "env" "log" (func $log (param $ptr i32) (param $len i32)))
  (import "env" "random" (func $random (param $max i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 16) "hello from wasm")   ;; 15 bytes at address 16

  ;; Logs the greeting: passes the host a pointer and a length.
  (func (export "greet")
    (call $log (i32.const 16) (i32.const 15)))

  ;; Rolls two dice through the host and returns their sum.
  (func (export "roll2") (result i32)
    (i32.add (call $random (i32.const 6)) (call $random (i32.const 6))))

  ;; Asks for a string that runs past the end of memory (64 KiB).
  (func (export "log_out_of_bounds")
    (call $log (i32.const 65530) (i32.const 100)))

  ;; Asks for a random number below 0: the host refuses.
  (func (export "roll0") (result i32)
    (call $random (i32.const 0))))
