;; Max pooling on 128-bit SIMD vectors, four channels at a time, over a memory the
;; engine gives in (see pool-kernels.ts). Maps are channels last, so one window value
;; of four neighbouring channels is one vector.
(module
  (import "env" "memory" (memory 1))

  ;; For each sample, output position and block of four channels: the largest value of
  ;; its poolSize × poolSize window and where it lies (its float index within the sample).
  ;; The window is read row by row and a value replaces the best so far only if strictly
  ;; greater (f32x4.gt, then a bit select), so the first of equal values wins and a NaN
  ;; never does, as in a scalar scan in the same order. The window's first value starts
  ;; the race (it is compared with itself once, which changes nothing).
  ;; Pointers, steps and the channel count in bytes; channels are a multiple of 4.
  (func (export "maxForward")
    (param $in i32) (param $out i32) (param $win i32) (param $rows i32) (param $inputBytes i32)
    (param $outH i32) (param $outW i32) (param $chBytes i32) (param $pool i32)
    (param $stepY i32) (param $stepX i32) (param $rowBytes i32)
    (local $n i32) (local $y i32) (local $x i32) (local $cb i32) (local $py i32) (local $px i32)
    (local $corner i32) (local $row i32) (local $off i32)
    (local $best v128) (local $w v128) (local $v v128) (local $m v128)
    (local.set $n (i32.const 0))
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $y (i32.const 0))
      (block $done_y (loop $each_y
        (br_if $done_y (i32.ge_u (local.get $y) (local.get $outH)))
        (local.set $x (i32.const 0))
        (block $done_x (loop $each_x
          (br_if $done_x (i32.ge_u (local.get $x) (local.get $outW)))
          (local.set $corner (i32.add (i32.mul (local.get $y) (local.get $stepY)) (i32.mul (local.get $x) (local.get $stepX))))
          (local.set $cb (i32.const 0))
          (block $done_c (loop $each_c
            (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
            (local.set $off (i32.add (local.get $corner) (local.get $cb)))
            (local.set $best (v128.load (i32.add (local.get $in) (local.get $off))))
            (local.set $w (i32x4.add (i32x4.splat (i32.shr_u (local.get $off) (i32.const 2))) (v128.const i32x4 0 1 2 3)))
            (local.set $py (i32.const 0))
            (block $done_py (loop $each_py
              (br_if $done_py (i32.ge_u (local.get $py) (local.get $pool)))
              (local.set $row (i32.add (local.get $off) (i32.mul (local.get $py) (local.get $rowBytes))))
              (local.set $px (i32.const 0))
              (block $done_px (loop $each_px
                (br_if $done_px (i32.ge_u (local.get $px) (local.get $pool)))
                (local.set $v (v128.load (i32.add (local.get $in) (local.get $row))))
                (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
                (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
                (local.set $w (v128.bitselect
                  (i32x4.add (i32x4.splat (i32.shr_u (local.get $row) (i32.const 2))) (v128.const i32x4 0 1 2 3))
                  (local.get $w) (local.get $m)))
                (local.set $row (i32.add (local.get $row) (local.get $chBytes)))
                (local.set $px (i32.add (local.get $px) (i32.const 1)))
                (br $each_px)))
              (local.set $py (i32.add (local.get $py) (i32.const 1)))
              (br $each_py)))
            (v128.store (local.get $out) (local.get $best))
            (v128.store (local.get $win) (local.get $w))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $win (i32.add (local.get $win) (i32.const 16)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $each_c)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $each_x)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $each_y)))
      (local.set $in (i32.add (local.get $in) (local.get $inputBytes)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )

;; maxForward for 2 × 2 windows, the commonest pool, unrolled: the same four values in
  ;; the same order (the top row, then the bottom) and the same strict test, so the same
  ;; winners; no loops over the window and no comparison of its first value with itself.
  (func (export "maxForward2")
    (param $in i32) (param $out i32) (param $win i32) (param $rows i32) (param $inputBytes i32)
    (param $outH i32) (param $outW i32) (param $chBytes i32)
    (param $stepY i32) (param $stepX i32) (param $rowBytes i32)
    (local $n i32) (local $y i32) (local $x i32) (local $cb i32) (local $corner i32) (local $off i32) (local $at i32)
    (local $right v128) (local $down v128) (local $lanes v128)
    (local $best v128) (local $w v128) (local $v v128) (local $m v128)
    ;; A window value's float index is the first's plus these, lane by lane.
    (local.set $right (i32x4.splat (i32.shr_u (local.get $chBytes) (i32.const 2))))
    (local.set $down (i32x4.splat (i32.shr_u (local.get $rowBytes) (i32.const 2))))
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $y (i32.const 0))
      (block $done_y (loop $each_y
        (br_if $done_y (i32.ge_u (local.get $y) (local.get $outH)))
        (local.set $x (i32.const 0))
        (block $done_x (loop $each_x
          (br_if $done_x (i32.ge_u (local.get $x) (local.get $outW)))
          (local.set $corner (i32.add (i32.mul (local.get $y) (local.get $stepY)) (i32.mul (local.get $x) (local.get $stepX))))
          (local.set $cb (i32.const 0))
          (block $done_c (loop $each_c
            (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
            (local.set $off (i32.add (local.get $corner) (local.get $cb)))
            (local.set $at (i32.add (local.get $in) (local.get $off)))
            (local.set $lanes (i32x4.add (i32x4.splat (i32.shr_u (local.get $off) (i32.const 2))) (v128.const i32x4 0 1 2 3)))
            (local.set $best (v128.load (local.get $at)))
            (local.set $w (local.get $lanes))
            (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
            (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
            (local.set $w (v128.bitselect (i32x4.add (local.get $lanes) (local.get $right)) (local.get $w) (local.get $m)))
            (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
            (local.set $lanes (i32x4.add (local.get $lanes) (local.get $down)))
            (local.set $v (v128.load (local.get $at)))
            (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
            (local.set $w (v128.bitselect (local.get $lanes) (local.get $w) (local.get $m)))
            (local.set $v (v128.load (i32.add (local.get $at) (local.get $chBytes))))
            (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
            (local.set $w (v128.bitselect (i32x4.add (local.get $lanes) (local.get $right)) (local.get $w) (local.get $m)))
            (v128.store (local.get $out) (local.get $best))
            (v128.store (local.get $win) (local.get $w))
            (local.set $out (i32.add (local.get $out) (i32.const 16)))
            (local.set $win (i32.add (local.get $win) (i32.const 16)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $each_c)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $each_x)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $each_y)))
      (local.set $in (i32.add (local.get $in) (local.get $inputBytes)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )

  ;; The gradient: for each of `rows` samples, its staged input gradient (inputBytes) is
  ;; zeroed, then each output's δ is added where its winner lies (winners are float indices
  ;; within the sample). Adding to zero, rather than storing, gives +0 for a δ of −0, and
  ;; float additions in output order, as the TypeScript loop's (whose double-precision sum
  ;; of two floats rounds to the same float).
  (func (export "maxBackward")
    (param $delta i32) (param $win i32) (param $staged i32) (param $rows i32) (param $inputBytes i32) (param $outputs i32)
    (local $n i32) (local $o i32) (local $b i32) (local $at i32)
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $b (i32.const 0))
      (block $done_z (loop $each_z
        (br_if $done_z (i32.ge_u (local.get $b) (local.get $inputBytes)))
        (v128.store (i32.add (local.get $staged) (local.get $b)) (v128.const i64x2 0 0))
        (local.set $b (i32.add (local.get $b) (i32.const 16)))
        (br $each_z)))
      (local.set $o (i32.const 0))
      (block $done_o (loop $each_o
        (br_if $done_o (i32.ge_u (local.get $o) (local.get $outputs)))
        (local.set $at (i32.add (local.get $staged) (i32.shl (i32.load (local.get $win)) (i32.const 2))))
        (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (f32.load (local.get $delta))))
        (local.set $win (i32.add (local.get $win) (i32.const 4)))
        (local.set $delta (i32.add (local.get $delta) (i32.const 4)))
        (local.set $o (i32.add (local.get $o) (i32.const 1)))
        (br $each_o)))
      (local.set $staged (i32.add (local.get $staged) (local.get $inputBytes)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )

  ;; maxBackward for 2 × 2 windows, 2 apart, that tile the input exactly (even sides): each
  ;; input lies in one window, so its gradient is 0 + that window's δ where it won, else 0,
  ;; written four channels at a time with no zeroing pass and no scatter; the bits are
  ;; maxBackward's (δ + 0 turns −0 into +0, as adding to zero does there).
  (func (export "maxBackward2")
    (param $delta i32) (param $win i32) (param $staged i32) (param $rows i32) (param $inputBytes i32)
    (param $outH i32) (param $outW i32) (param $chBytes i32) (param $rowBytes i32)
    (local $n i32) (local $y i32) (local $x i32) (local $cb i32) (local $off i32) (local $at i32)
    (local $right v128) (local $down v128) (local $lanes v128) (local $d v128) (local $w v128) (local $zero v128)
    (local.set $right (i32x4.splat (i32.shr_u (local.get $chBytes) (i32.const 2))))
    (local.set $down (i32x4.splat (i32.shr_u (local.get $rowBytes) (i32.const 2))))
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $y (i32.const 0))
      (block $done_y (loop $each_y
        (br_if $done_y (i32.ge_u (local.get $y) (local.get $outH)))
        (local.set $x (i32.const 0))
        (block $done_x (loop $each_x
          (br_if $done_x (i32.ge_u (local.get $x) (local.get $outW)))
          (local.set $cb (i32.const 0))
          (block $done_c (loop $each_c
            (br_if $done_c (i32.ge_u (local.get $cb) (local.get $chBytes)))
            ;; The window's first value, in bytes from the sample's start.
            (local.set $off (i32.add
              (i32.add (i32.mul (local.get $y) (i32.shl (local.get $rowBytes) (i32.const 1)))
                       (i32.mul (local.get $x) (i32.shl (local.get $chBytes) (i32.const 1))))
              (local.get $cb)))
            (local.set $at (i32.add (local.get $staged) (local.get $off)))
            (local.set $lanes (i32x4.add (i32x4.splat (i32.shr_u (local.get $off) (i32.const 2))) (v128.const i32x4 0 1 2 3)))
            (local.set $d (f32x4.add (v128.load (local.get $delta)) (local.get $zero)))
            (local.set $w (v128.load (local.get $win)))
            (v128.store (local.get $at)
              (v128.and (local.get $d) (i32x4.eq (local.get $lanes) (local.get $w))))
            (v128.store (i32.add (local.get $at) (local.get $chBytes))
              (v128.and (local.get $d) (i32x4.eq (i32x4.add (local.get $lanes) (local.get $right)) (local.get $w))))
            (local.set $at (i32.add (local.get $at) (local.get $rowBytes)))
            (local.set $lanes (i32x4.add (local.get $lanes) (local.get $down)))
            (v128.store (local.get $at)
              (v128.and (local.get $d) (i32x4.eq (local.get $lanes) (local.get $w))))
            (v128.store (i32.add (local.get $at) (local.get $chBytes))
              (v128.and (local.get $d) (i32x4.eq (i32x4.add (local.get $lanes) (local.get $right)) (local.get $w))))
            (local.set $delta (i32.add (local.get $delta) (i32.const 16)))
            (local.set $win (i32.add (local.get $win) (i32.const 16)))
            (local.set $cb (i32.add (local.get $cb) (i32.const 16)))
            (br $each_c)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $each_x)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $each_y)))
      (local.set $staged (i32.add (local.get $staged) (local.get $inputBytes)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )
)
