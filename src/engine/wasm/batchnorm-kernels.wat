;; Batch normalisation's passes over a batch on 128-bit SIMD vectors, four channels at a
;; time, over a memory the engine gives in (see batchnorm-kernels.ts). Maps are channels
;; last: a position's channels are contiguous, and the passes walk positions in order with
;; the channels' sums in memory. The sums are in double precision (a channel sums thousands
;; of values), in the order of batchnorm.ts's loops, one operation at a time (no fused
;; multiply-add); a float is widened with f64x2.promote_low_f32x4, its two high lanes first
;; moved low by a shuffle. The passes over every value (normalise, passDown) compute in
;; float32, four lanes at a time, with per-channel constants the layer rounds to float32,
;; as its loops do with Math.fround. Either way each result is that loop's bit for bit.
;; Pointers and the channel count are in bytes (channels × 4); channels are a multiple of 4.
;; Per-channel float arrays take chBytes bytes, per-channel doubles twice that.
(module
  (import "env" "memory" (memory 1))

  ;; sums[c] = 0, for 2 × chBytes bytes of doubles from $sums.
  (func $zero (param $sums i32) (param $bytes i32)
    (local $b i32)
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $b) (local.get $bytes)))
      (v128.store (i32.add (local.get $sums) (local.get $b)) (v128.const i64x2 0 0))
      (local.set $b (i32.add (local.get $b) (i32.const 16)))
      (br $each)))
  )

  ;; sums[c] = Σ x over the positions, in double precision.
  (func (export "sumChannels") (param $in i32) (param $positions i32) (param $chBytes i32) (param $sums i32)
    (local $p i32) (local $cb i32) (local $s i32) (local $v v128)
    (call $zero (local.get $sums) (i32.shl (local.get $chBytes) (i32.const 1)))
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $cb (i32.const 0))
      (block $done_c (loop $each_c
        (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
        (local.set $v (v128.load (i32.add (local.get $in) (local.get $cb))))
        (local.set $s (i32.add (local.get $sums) (i32.shl (local.get $cb) (i32.const 1))))
        (v128.store (local.get $s)
          (f64x2.add (v128.load (local.get $s)) (f64x2.promote_low_f32x4 (local.get $v))))
        (v128.store offset=16 (local.get $s)
          (f64x2.add (v128.load offset=16 (local.get $s))
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $each_c)))
      (local.set $in (i32.add (local.get $in) (local.get $chBytes)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )

  ;; squares[c] = Σ (x − mean[c])², mean in doubles.
  (func (export "sumSquares") (param $in i32) (param $positions i32) (param $chBytes i32) (param $mean i32) (param $squares i32)
    (local $p i32) (local $cb i32) (local $s i32) (local $m i32) (local $v v128) (local $d v128)
    (call $zero (local.get $squares) (i32.shl (local.get $chBytes) (i32.const 1)))
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $cb (i32.const 0))
      (block $done_c (loop $each_c
        (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
        (local.set $v (v128.load (i32.add (local.get $in) (local.get $cb))))
        (local.set $s (i32.add (local.get $squares) (i32.shl (local.get $cb) (i32.const 1))))
        (local.set $m (i32.add (local.get $mean) (i32.shl (local.get $cb) (i32.const 1))))
        (local.set $d (f64x2.sub (f64x2.promote_low_f32x4 (local.get $v)) (v128.load (local.get $m))))
        (v128.store (local.get $s) (f64x2.add (v128.load (local.get $s)) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $d (f64x2.sub
          (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $v) (local.get $v)))
          (v128.load offset=16 (local.get $m))))
        (v128.store offset=16 (local.get $s) (f64x2.add (v128.load offset=16 (local.get $s)) (f64x2.mul (local.get $d) (local.get $d))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $each_c)))
      (local.set $in (i32.add (local.get $in) (local.get $chBytes)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )

  ;; x̂ = (x − mean)·inverse and out = scale·x̂ + shift, in float32 ($mean, $inverse,
  ;; $scale and $shift: floats per channel).
  (func (export "normalise")
    (param $in i32) (param $normalised i32) (param $out i32) (param $positions i32) (param $chBytes i32)
    (param $mean i32) (param $inverse i32) (param $scale i32) (param $shift i32)
    (local $p i32) (local $cb i32) (local $x v128)
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $cb (i32.const 0))
      (block $done_c (loop $each_c
        (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
        (local.set $x (f32x4.mul
          (f32x4.sub (v128.load (i32.add (local.get $in) (local.get $cb))) (v128.load (i32.add (local.get $mean) (local.get $cb))))
          (v128.load (i32.add (local.get $inverse) (local.get $cb)))))
        (v128.store (i32.add (local.get $normalised) (local.get $cb)) (local.get $x))
        (v128.store (i32.add (local.get $out) (local.get $cb))
          (f32x4.add
            (f32x4.mul (v128.load (i32.add (local.get $scale) (local.get $cb))) (local.get $x))
            (v128.load (i32.add (local.get $shift) (local.get $cb)))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $each_c)))
      (local.set $in (i32.add (local.get $in) (local.get $chBytes)))
      (local.set $normalised (i32.add (local.get $normalised) (local.get $chBytes)))
      (local.set $out (i32.add (local.get $out) (local.get $chBytes)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )

  ;; sums[c] = Σ δ and sums[channels + c] = Σ δ·x̂, in doubles.
  (func (export "sumDeltas") (param $delta i32) (param $normalised i32) (param $positions i32) (param $chBytes i32) (param $sums i32)
    (local $p i32) (local $cb i32) (local $s i32) (local $t i32) (local $d v128) (local $n v128) (local $w v128)
    (call $zero (local.get $sums) (i32.shl (local.get $chBytes) (i32.const 2)))
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $cb (i32.const 0))
      (block $done_c (loop $each_c
        (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
        (local.set $d (v128.load (i32.add (local.get $delta) (local.get $cb))))
        (local.set $n (v128.load (i32.add (local.get $normalised) (local.get $cb))))
        (local.set $s (i32.add (local.get $sums) (i32.shl (local.get $cb) (i32.const 1))))
        (local.set $t (i32.add (local.get $s) (i32.shl (local.get $chBytes) (i32.const 1))))
        (local.set $w (f64x2.promote_low_f32x4 (local.get $d)))
        (v128.store (local.get $s) (f64x2.add (v128.load (local.get $s)) (local.get $w)))
        (v128.store (local.get $t) (f64x2.add (v128.load (local.get $t))
          (f64x2.mul (local.get $w) (f64x2.promote_low_f32x4 (local.get $n)))))
        (local.set $w (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $d) (local.get $d))))
        (v128.store offset=16 (local.get $s) (f64x2.add (v128.load offset=16 (local.get $s)) (local.get $w)))
        (v128.store offset=16 (local.get $t) (f64x2.add (v128.load offset=16 (local.get $t))
          (f64x2.mul (local.get $w)
            (f64x2.promote_low_f32x4 (i8x16.shuffle 8 9 10 11 12 13 14 15 8 9 10 11 12 13 14 15 (local.get $n) (local.get $n))))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $each_c)))
      (local.set $delta (i32.add (local.get $delta) (local.get $chBytes)))
      (local.set $normalised (i32.add (local.get $normalised) (local.get $chBytes)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )

;; Training: ∂x = gain·((δ − means[c]) − x̂·means[channels + c]), in float32, with the floats
  ;; gain = scale·inverse per channel and the two means (2 × chBytes bytes).
  (func (export "passDown")
    (param $delta i32) (param $normalised i32) (param $into i32) (param $positions i32) (param $chBytes i32)
    (param $means i32) (param $gain i32)
    (local $p i32) (local $cb i32) (local $m i32)
    (block $done_p (loop $each_p
      (br_if $done_p (i32.ge_u (local.get $p) (local.get $positions)))
      (local.set $cb (i32.const 0))
      (block $done_c (loop $each_c
        (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
        (local.set $m (i32.add (local.get $means) (local.get $cb)))
        (v128.store (i32.add (local.get $into) (local.get $cb))
          (f32x4.mul (v128.load (i32.add (local.get $gain) (local.get $cb)))
            (f32x4.sub
              (f32x4.sub (v128.load (i32.add (local.get $delta) (local.get $cb))) (v128.load (local.get $m)))
              (f32x4.mul (v128.load (i32.add (local.get $normalised) (local.get $cb)))
                (v128.load (i32.add (local.get $m) (local.get $chBytes)))))))
        (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
        (br $each_c)))
      (local.set $delta (i32.add (local.get $delta) (local.get $chBytes)))
      (local.set $normalised (i32.add (local.get $normalised) (local.get $chBytes)))
      (local.set $into (i32.add (local.get $into) (local.get $chBytes)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (br $each_p)))
  )
)
