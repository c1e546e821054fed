;; Optimizer updates over parameters, gradients and state that live in the memory the
;; engine gives in (a layer's WasmArena). scripts/build-wasm.mjs compiles this file.
;;
;; Every value is stored as float32. The momentum updates compute in float64, in the same
;; operations and order as the TypeScript optimizers (optimizers.ts), which compute in
;; JavaScript numbers and round on store; two values go through f64x2 lanes at a time, an
;; odd last one alone. Adam computes in float32, four values at a time, and its TypeScript
;; loop rounds each operation to float32. Either way both paths give bit-identical
;; parameters, and the TypeScript one stays the reference. Pointers are byte offsets;
;; lengths count floats.
(module
  (import "env" "memory" (memory 1))
  ;; μ^k and μ + μ² + … + μ^k for gaps beyond the tables (rare), by the same JavaScript
  ;; function the TypeScript path calls, so the rounding is the same.
  (import "env" "power" (func $power (param i32) (result f64)))
  (import "env" "gain" (func $gain (param i32) (result f64)))

  ;; Lazy momentum (LazyMomentumRows in optimizers.ts), on a matrix of rows of $n floats.
  ;; Per row: touchedAt, currentAt (i32), savedRow (u8); gains[k], powers[k] (f64) for k < $tabled.
  ;; $bring: w[row] ← kept[row] + v[row]·(μ + … + μ^gap), kept being saved[row] where savedRow[row] is set.
  (func $bring
    (param $row i32) (param $steps i32) (param $n i32) (param $w i32) (param $v i32)
    (param $saved i32) (param $savedRow i32) (param $touchedAt i32) (param $currentAt i32)
    (param $gains i32) (param $tabled i32)
    (local $gap i32) (local $g f64) (local $g2 v128) (local $kept i32) (local $p i32) (local $end i32)
    (if (i32.eq (i32.load (i32.add (local.get $currentAt) (i32.shl (local.get $row) (i32.const 2)))) (local.get $steps))
      (then (return)))
    (local.set $gap (i32.sub (local.get $steps)
      (i32.load (i32.add (local.get $touchedAt) (i32.shl (local.get $row) (i32.const 2))))))
    (local.set $g (if (result f64) (i32.lt_u (local.get $gap) (local.get $tabled))
      (then (f64.load (i32.add (local.get $gains) (i32.shl (local.get $gap) (i32.const 3)))))
      (else (call $gain (local.get $gap)))))
    (local.set $g2 (f64x2.splat (local.get $g)))
    (local.set $kept (select (local.get $saved) (local.get $w)
      (i32.load8_u (i32.add (local.get $savedRow) (local.get $row)))))
    ;; $p: byte offset of the element from the matrix start, over the row.
    (local.set $p (i32.shl (i32.mul (local.get $row) (local.get $n)) (i32.const 2)))
    (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
      (v128.store64_lane 0 (i32.add (local.get $w) (local.get $p))
        (f32x4.demote_f64x2_zero (f64x2.add
          (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $kept) (local.get $p))))
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v) (local.get $p)))) (local.get $g2)))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (f32.store (i32.add (local.get $w) (local.get $p))
          (f32.demote_f64 (f64.add
            (f64.promote_f32 (f32.load (i32.add (local.get $kept) (local.get $p))))
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $p)))) (local.get $g)))))))
    (i32.store (i32.add (local.get $currentAt) (i32.shl (local.get $row) (i32.const 2))) (local.get $steps)))

  ;; Brings rows list[0 … count − 1] to their weights after $steps steps.
  (func (export "lazyCatchUp")
    (param $list i32) (param $count i32) (param $steps i32) (param $n i32) (param $w i32) (param $v i32)
    (param $saved i32) (param $savedRow i32) (param $touchedAt i32) (param $currentAt i32)
    (param $gains i32) (param $tabled i32)
    (local $j i32)
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
      (call $bring (i32.load (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2))))
        (local.get $steps) (local.get $n) (local.get $w) (local.get $v) (local.get $saved) (local.get $savedRow)
        (local.get $touchedAt) (local.get $currentAt) (local.get $gains) (local.get $tabled))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows)))
  )

  ;; The step after $steps steps for the gradient $grad of rows list[0 … count − 1]:
  ;;   v ← μ^(gap + 1)·v − lr·g  (rounded to float32);  w ← w + v  (in float32)
  (func (export "lazyStep")
    (param $list i32) (param $count i32) (param $steps i32) (param $n i32) (param $w i32) (param $v i32)
    (param $grad i32) (param $saved i32) (param $savedRow i32) (param $touchedAt i32) (param $currentAt i32)
    (param $gains i32) (param $powers i32) (param $tabled i32) (param $lr f64)
    (local $j i32) (local $row i32) (local $gap i32) (local $decay f64) (local $decay2 v128) (local $lr2 v128)
    (local $p i32) (local $end i32) (local $velocity v128) (local $one f32)
    (local.set $lr2 (f64x2.splat (local.get $lr)))
    (block $done (loop $rows
      (br_if $done (i32.ge_u (local.get $j) (local.get $count)))
      (local.set $row (i32.load (i32.add (local.get $list) (i32.shl (local.get $j) (i32.const 2)))))
      (call $bring (local.get $row) (local.get $steps) (local.get $n) (local.get $w) (local.get $v) (local.get $saved)
        (local.get $savedRow) (local.get $touchedAt) (local.get $currentAt) (local.get $gains) (local.get $tabled))
      (local.set $gap (i32.add (i32.const 1) (i32.sub (local.get $steps)
        (i32.load (i32.add (local.get $touchedAt) (i32.shl (local.get $row) (i32.const 2)))))))
      (local.set $decay (if (result f64) (i32.lt_u (local.get $gap) (local.get $tabled))
        (then (f64.load (i32.add (local.get $powers) (i32.shl (local.get $gap) (i32.const 3)))))
        (else (call $power (local.get $gap)))))
      (local.set $decay2 (f64x2.splat (local.get $decay)))
      (local.set $p (i32.shl (i32.mul (local.get $row) (local.get $n)) (i32.const 2)))
      (local.set $end (i32.add (local.get $p) (i32.shl (local.get $n) (i32.const 2))))
      (block $row_done (loop $pairs
        (br_if $row_done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
        (local.set $velocity (f32x4.demote_f64x2_zero (f64x2.sub
          (f64x2.mul (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v) (local.get $p)))) (local.get $decay2))
          (f64x2.mul (local.get $lr2) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $grad) (local.get $p))))))))
        (v128.store64_lane 0 (i32.add (local.get $v) (local.get $p)) (local.get $velocity))
        (v128.store64_lane 0 (i32.add (local.get $w) (local.get $p))
          (f32x4.add (v128.load64_zero (i32.add (local.get $w) (local.get $p))) (local.get $velocity)))
        (local.set $p (i32.add (local.get $p) (i32.const 8)))
        (br $pairs)))
      (if (i32.lt_u (local.get $p) (local.get $end))
        (then
          (local.set $one (f32.demote_f64 (f64.sub
            (f64.mul (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $p)))) (local.get $decay))
            (f64.mul (local.get $lr) (f64.promote_f32 (f32.load (i32.add (local.get $grad) (local.get $p))))))))
          (f32.store (i32.add (local.get $v) (local.get $p)) (local.get $one))
          (f32.store (i32.add (local.get $w) (local.get $p))
            (f32.add (f32.load (i32.add (local.get $w) (local.get $p))) (local.get $one)))))
      (i32.store (i32.add (local.get $touchedAt) (i32.shl (local.get $row) (i32.const 2))) (i32.add (local.get $steps) (i32.const 1)))
      (i32.store (i32.add (local.get $currentAt) (i32.shl (local.get $row) (i32.const 2))) (i32.add (local.get $steps) (i32.const 1)))
      (i32.store8 (i32.add (local.get $savedRow) (local.get $row)) (i32.const 0))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $rows)))
  )

  ;; Momentum on every element (Momentum in optimizers.ts):
  ;;   v ← μ·v − lr·(g + λ·w)  (rounded to float32);  w ← w + v  (in float32)
  ;; With $sum set, g is grad + addend (another shard's gradient), rounded to float32 as "add"
  ;; rounds it and left in grad as "add" leaves it: one pass over the group where two took longer.
  (func (export "momentumStep")
    (param $w i32) (param $v i32) (param $grad i32) (param $addend i32) (param $sum i32) (param $length i32) (param $lr f64) (param $mu f64) (param $l2 f64)
    (local $p i32) (local $end i32) (local $velocity v128) (local $g v128) (local $one f32) (local $gOne f32)
    (local $lr2 v128) (local $mu2 v128) (local $l22 v128)
    (local.set $lr2 (f64x2.splat (local.get $lr)))
    (local.set $mu2 (f64x2.splat (local.get $mu)))
    (local.set $l22 (f64x2.splat (local.get $l2)))
    (local.set $end (i32.shl (local.get $length) (i32.const 2)))
    (block $done (loop $pairs
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 8)) (local.get $end)))
      (local.set $g (v128.load64_zero (i32.add (local.get $grad) (local.get $p))))
      (if (local.get $sum)
        (then
          (local.set $g (f32x4.add (local.get $g) (v128.load64_zero (i32.add (local.get $addend) (local.get $p)))))
          (v128.store64_lane 0 (i32.add (local.get $grad) (local.get $p)) (local.get $g))))
      (local.set $velocity (f32x4.demote_f64x2_zero (f64x2.sub
        (f64x2.mul (local.get $mu2) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $v) (local.get $p)))))
        (f64x2.mul (local.get $lr2) (f64x2.add
          (f64x2.promote_low_f32x4 (local.get $g))
          (f64x2.mul (local.get $l22) (f64x2.promote_low_f32x4 (v128.load64_zero (i32.add (local.get $w) (local.get $p))))))))))
      (v128.store64_lane 0 (i32.add (local.get $v) (local.get $p)) (local.get $velocity))
      (v128.store64_lane 0 (i32.add (local.get $w) (local.get $p))
        (f32x4.add (v128.load64_zero (i32.add (local.get $w) (local.get $p))) (local.get $velocity)))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $pairs)))
    (if (i32.lt_u (local.get $p) (local.get $end))
      (then
        (local.set $gOne (f32.load (i32.add (local.get $grad) (local.get $p))))
        (if (local.get $sum)
          (then
            (local.set $gOne (f32.add (local.get $gOne) (f32.load (i32.add (local.get $addend) (local.get $p)))))
            (f32.store (i32.add (local.get $grad) (local.get $p)) (local.get $gOne))))
        (local.set $one (f32.demote_f64 (f64.sub
          (f64.mul (local.get $mu) (f64.promote_f32 (f32.load (i32.add (local.get $v) (local.get $p)))))
          (f64.mul (local.get $lr) (f64.add
            (f64.promote_f32 (local.get $gOne))
            (f64.mul (local.get $l2) (f64.promote_f32 (f32.load (i32.add (local.get $w) (local.get $p))))))))))
        (f32.store (i32.add (local.get $v) (local.get $p)) (local.get $one))
        (f32.store (i32.add (local.get $w) (local.get $p))
          (f32.add (f32.load (i32.add (local.get $w) (local.get $p))) (local.get $one)))))
  )

  ;; Adam (Adam in optimizers.ts) in float32, with the step's scalars s = lr / (1 − β1^t),
  ;; k = 1 / √(1 − β2^t), b1c = 1 − β1, b2c = 1 − β2 (all float32):
  ;;   g = g + λ·w;  m ← β1·m + b1c·g;  v ← β2·v + (b2c·g)·g;  w ← w − (s·m) / (√v·k + ε)
  ;; Four weights at a time, the rest one by one with the same operations.
  (func (export "adamStep")
    (param $w i32) (param $m i32) (param $v i32) (param $grad i32) (param $length i32)
    (param $b1 f32) (param $b1c f32) (param $b2 f32) (param $b2c f32) (param $s f32) (param $k f32) (param $eps f32) (param $l2 f32)
    (local $p i32) (local $end i32)
    (local $weight v128) (local $g v128) (local $mNew v128) (local $vNew v128)
    (local $one f32) (local $gOne f32) (local $mOne f32) (local $vOne f32)
    (local $b14 v128) (local $b1c4 v128) (local $b24 v128) (local $b2c4 v128) (local $s4 v128) (local $k4 v128) (local $eps4 v128) (local $l24 v128)
    (local.set $b14 (f32x4.splat (local.get $b1)))
    (local.set $b1c4 (f32x4.splat (local.get $b1c)))
    (local.set $b24 (f32x4.splat (local.get $b2)))
    (local.set $b2c4 (f32x4.splat (local.get $b2c)))
    (local.set $s4 (f32x4.splat (local.get $s)))
    (local.set $k4 (f32x4.splat (local.get $k)))
    (local.set $eps4 (f32x4.splat (local.get $eps)))
    (local.set $l24 (f32x4.splat (local.get $l2)))
    (local.set $end (i32.shl (local.get $length) (i32.const 2)))
    (block $done (loop $fours
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (local.set $weight (v128.load (i32.add (local.get $w) (local.get $p))))
      (local.set $g (f32x4.add (v128.load (i32.add (local.get $grad) (local.get $p))) (f32x4.mul (local.get $l24) (local.get $weight))))
      (local.set $mNew (f32x4.add
        (f32x4.mul (local.get $b14) (v128.load (i32.add (local.get $m) (local.get $p))))
        (f32x4.mul (local.get $b1c4) (local.get $g))))
      (local.set $vNew (f32x4.add
        (f32x4.mul (local.get $b24) (v128.load (i32.add (local.get $v) (local.get $p))))
        (f32x4.mul (f32x4.mul (local.get $b2c4) (local.get $g)) (local.get $g))))
      (v128.store (i32.add (local.get $m) (local.get $p)) (local.get $mNew))
      (v128.store (i32.add (local.get $v) (local.get $p)) (local.get $vNew))
      (v128.store (i32.add (local.get $w) (local.get $p))
        (f32x4.sub (local.get $weight)
          (f32x4.div (f32x4.mul (local.get $s4) (local.get $mNew))
            (f32x4.add (f32x4.mul (f32x4.sqrt (local.get $vNew)) (local.get $k4)) (local.get $eps4)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $fours)))
    (block $end (loop $ones
      (br_if $end (i32.ge_u (local.get $p) (local.get $end)))
      (local.set $one (f32.load (i32.add (local.get $w) (local.get $p))))
      (local.set $gOne (f32.add (f32.load (i32.add (local.get $grad) (local.get $p))) (f32.mul (local.get $l2) (local.get $one))))
      (local.set $mOne (f32.add
        (f32.mul (local.get $b1) (f32.load (i32.add (local.get $m) (local.get $p))))
        (f32.mul (local.get $b1c) (local.get $gOne))))
      (local.set $vOne (f32.add
        (f32.mul (local.get $b2) (f32.load (i32.add (local.get $v) (local.get $p))))
        (f32.mul (f32.mul (local.get $b2c) (local.get $gOne)) (local.get $gOne))))
      (f32.store (i32.add (local.get $m) (local.get $p)) (local.get $mOne))
      (f32.store (i32.add (local.get $v) (local.get $p)) (local.get $vOne))
      (f32.store (i32.add (local.get $w) (local.get $p))
        (f32.sub (local.get $one)
          (f32.div (f32.mul (local.get $s) (local.get $mOne))
            (f32.add (f32.mul (f32.sqrt (local.get $vOne)) (local.get $k)) (local.get $eps)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $ones)))
  )

  ;; into ← into + from, float32 by float32: one shard's gradient added to the other's, rounded
  ;; as JavaScript's float64 sum stored to float32 rounds it (the exact sum of two floats, once).
  (func (export "add") (param $into i32) (param $from i32) (param $length i32)
    (local $p i32) (local $end i32)
    (local.set $end (i32.shl (local.get $length) (i32.const 2)))
    (block $done (loop $fours
      (br_if $done (i32.gt_u (i32.add (local.get $p) (i32.const 16)) (local.get $end)))
      (v128.store (i32.add (local.get $into) (local.get $p))
        (f32x4.add (v128.load (i32.add (local.get $into) (local.get $p))) (v128.load (i32.add (local.get $from) (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 16)))
      (br $fours)))
    (block $end (loop $ones
      (br_if $end (i32.ge_u (local.get $p) (local.get $end)))
      (f32.store (i32.add (local.get $into) (local.get $p))
        (f32.add (f32.load (i32.add (local.get $into) (local.get $p))) (f32.load (i32.add (local.get $from) (local.get $p)))))
      (local.set $p (i32.add (local.get $p) (i32.const 4)))
      (br $ones)))
  )
)
