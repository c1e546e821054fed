;; Checks over a WasmArena's views, where the kernels that write them live.
;; scripts/build-wasm.mjs compiles this file. Pointers are byte offsets; lengths count floats.
(module
  (import "env" "memory" (memory 1))

  ;; 1 when each of the $n floats from $p is finite, else 0. x − x is 0 for a finite x and
  ;; NaN for ±∞ and NaN, and a NaN stays in a sum: no branch per value.
  (func (export "allFinite") (param $p i32) (param $n i32) (result i32)
    (local $sum v128) (local $tail f32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.shl (i32.and (local.get $n) (i32.const -4)) (i32.const 2))))
    (block $done (loop $fours
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $sum (f32x4.add (local.get $sum)
        (f32x4.sub (v128.load (local.get $p)) (v128.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $fours)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $n) (i32.const 3)) (i32.const 2))))
    (block $done (loop $ones
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $tail (f32.add (local.get $tail)
        (f32.sub (f32.load (local.get $p)) (f32.load (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $ones)))
    (i32.and
      (i32x4.all_true (f32x4.eq (local.get $sum) (v128.const f32x4 0 0 0 0)))
      (f32.eq (local.get $tail) (f32.const 0))))
)
