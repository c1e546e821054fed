;; Dense-layer kernels on 128-bit SIMD vectors (f32x4), over a memory the engine
;; gives in. scripts/build-wasm.mjs compiles this file at install and build time.
;;
;; Matrices are row-major. The caller pads every shape so the loops need no
;; remainders: rows to a multiple of 4, inputs (k) to a multiple of 8, outputs (n)
;; to a multiple of 4, and keeps zeros in the padding, where they add nothing.
;; Pointers are byte offsets into memory; sizes count floats.
;;
;; Each kernel works on a tile of results held in registers and loads every
;; vector once per tile step, where it serves several multiply-adds: that, and the
;; four lanes, is where the speed over plain loops comes from.
(module
  (import "env" "memory" (memory 1))

  ;; a0 + a1 + a2 + a3 of a vector.
  (func $sum (param $v v128) (result f32)
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $v)) (f32x4.extract_lane 1 (local.get $v)))
      (f32.add (f32x4.extract_lane 2 (local.get $v)) (f32x4.extract_lane 3 (local.get $v)))))

  ;; z[r][o] = b[o] + Σ_i x[r][i]·w[o][i]        x: rows × k,  w: n × k (output-major),  z: rows × n
  ;; A tile is 4 rows × 2 outputs: 8 sums of vectors, lane j adding up the i ≡ j (mod 4) terms.
  (func (export "forward")
    (param $x i32) (param $w i32) (param $b i32) (param $z i32)
    (param $rows i32) (param $k i32) (param $n i32)
    (local $stride i32) (local $r i32) (local $o i32) (local $i i32)
    (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $w0 i32) (local $w1 i32) (local $out i32)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128) (local $u v128)
    (local $s00 v128) (local $s10 v128) (local $s20 v128) (local $s30 v128)
    (local $s01 v128) (local $s11 v128) (local $s21 v128) (local $s31 v128)
    (local.set $stride (i32.shl (local.get $k) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $done_rows (loop $each_rows
      (br_if $done_rows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $x0 (i32.add (local.get $x) (i32.mul (local.get $r) (local.get $stride))))
      (local.set $x1 (i32.add (local.get $x0) (local.get $stride)))
      (local.set $x2 (i32.add (local.get $x1) (local.get $stride)))
      (local.set $x3 (i32.add (local.get $x2) (local.get $stride)))
      (local.set $o (i32.const 0))
      (block $done_outputs (loop $each_outputs
        (br_if $done_outputs (i32.ge_u (local.get $o) (local.get $n)))
        (local.set $w0 (i32.add (local.get $w) (i32.mul (local.get $o) (local.get $stride))))
        (local.set $w1 (i32.add (local.get $w0) (local.get $stride)))
        (local.set $s00 (v128.const i32x4 0 0 0 0)) (local.set $s10 (v128.const i32x4 0 0 0 0))
        (local.set $s20 (v128.const i32x4 0 0 0 0)) (local.set $s30 (v128.const i32x4 0 0 0 0))
        (local.set $s01 (v128.const i32x4 0 0 0 0)) (local.set $s11 (v128.const i32x4 0 0 0 0))
        (local.set $s21 (v128.const i32x4 0 0 0 0)) (local.set $s31 (v128.const i32x4 0 0 0 0))
        ;; $i runs over byte offsets along a row, four floats at a time.
        (local.set $i (i32.const 0))
        (block $done_inputs (loop $each_input
          (br_if $done_inputs (i32.ge_u (local.get $i) (local.get $stride)))
          (local.set $v0 (v128.load (i32.add (local.get $x0) (local.get $i))))
          (local.set $v1 (v128.load (i32.add (local.get $x1) (local.get $i))))
          (local.set $v2 (v128.load (i32.add (local.get $x2) (local.get $i))))
          (local.set $v3 (v128.load (i32.add (local.get $x3) (local.get $i))))
          (local.set $u (v128.load (i32.add (local.get $w0) (local.get $i))))
          (local.set $s00 (f32x4.add (local.get $s00) (f32x4.mul (local.get $v0) (local.get $u))))
          (local.set $s10 (f32x4.add (local.get $s10) (f32x4.mul (local.get $v1) (local.get $u))))
          (local.set $s20 (f32x4.add (local.get $s20) (f32x4.mul (local.get $v2) (local.get $u))))
          (local.set $s30 (f32x4.add (local.get $s30) (f32x4.mul (local.get $v3) (local.get $u))))
          (local.set $u (v128.load (i32.add (local.get $w1) (local.get $i))))
          (local.set $s01 (f32x4.add (local.get $s01) (f32x4.mul (local.get $v0) (local.get $u))))
          (local.set $s11 (f32x4.add (local.get $s11) (f32x4.mul (local.get $v1) (local.get $u))))
          (local.set $s21 (f32x4.add (local.get $s21) (f32x4.mul (local.get $v2) (local.get $u))))
          (local.set $s31 (f32x4.add (local.get $s31) (f32x4.mul (local.get $v3) (local.get $u))))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $each_input)))
        ;; $out = &z[r][o]; the rows below it are n floats apart.
        (local.set $out (i32.add (local.get $z)
          (i32.shl (i32.add (i32.mul (local.get $r) (local.get $n)) (local.get $o)) (i32.const 2))))
        (call $store_pair (local.get $out) (local.get $b) (local.get $o) (local.get $s00) (local.get $s01))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
        (call $store_pair (local.get $out) (local.get $b) (local.get $o) (local.get $s10) (local.get $s11))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
        (call $store_pair (local.get $out) (local.get $b) (local.get $o) (local.get $s20) (local.get $s21))
        (local.set $out (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
        (call $store_pair (local.get $out) (local.get $b) (local.get $o) (local.get $s30) (local.get $s31))
        (local.set $o (i32.add (local.get $o) (i32.const 2)))
        (br $each_outputs)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $each_rows)))
  )

  ;; out[0] = b[o] + Σ lanes of s0;  out[1] = b[o + 1] + Σ lanes of s1.
  (func $store_pair (param $out i32) (param $b i32) (param $o i32) (param $s0 v128) (param $s1 v128)
    (local $bias i32)
    (local.set $bias (i32.add (local.get $b) (i32.shl (local.get $o) (i32.const 2))))
    (f32.store offset=0 (local.get $out) (f32.add (f32.load offset=0 (local.get $bias)) (call $sum (local.get $s0))))
    (f32.store offset=4 (local.get $out) (f32.add (f32.load offset=4 (local.get $bias)) (call $sum (local.get $s1)))))

  ;; dx[r][i] = Σ_o δ[r][o]·w[o][i]        δ: rows × n,  w: n × k,  dx: rows × k
  ;; A tile is 4 rows × 8 inputs (two vectors): each pair of w vectors serves 4 rows,
  ;; each δ[r][o], splat across a vector, serves 8 inputs.
  (func (export "inputGradient")
    (param $delta i32) (param $w i32) (param $dx i32)
    (param $rows i32) (param $k i32) (param $n i32)
    (local $stride i32) (local $deltaStride i32) (local $r i32) (local $i i32) (local $o i32)
    (local $d i32) (local $wi i32) (local $end i32) (local $out i32)
    (local $a v128) (local $c v128) (local $e v128)
    (local $s0a v128) (local $s0c v128) (local $s1a v128) (local $s1c v128)
    (local $s2a v128) (local $s2c v128) (local $s3a v128) (local $s3c v128)
    (local.set $stride (i32.shl (local.get $k) (i32.const 2)))
    (local.set $deltaStride (i32.shl (local.get $n) (i32.const 2)))
    (local.set $r (i32.const 0))
    (block $done_rows (loop $each_rows
      (br_if $done_rows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $i (i32.const 0))
      (block $done_inputs (loop $each_inputs
        (br_if $done_inputs (i32.ge_u (local.get $i) (local.get $stride)))
        (local.set $s0a (v128.const i32x4 0 0 0 0)) (local.set $s0c (v128.const i32x4 0 0 0 0))
        (local.set $s1a (v128.const i32x4 0 0 0 0)) (local.set $s1c (v128.const i32x4 0 0 0 0))
        (local.set $s2a (v128.const i32x4 0 0 0 0)) (local.set $s2c (v128.const i32x4 0 0 0 0))
        (local.set $s3a (v128.const i32x4 0 0 0 0)) (local.set $s3c (v128.const i32x4 0 0 0 0))
        ;; $d walks along δ's row r (rows r + 1 … r + 3 sit one, two, three strides below); $wi down w's columns i … i + 7.
        (local.set $d (i32.add (local.get $delta) (i32.mul (local.get $r) (local.get $deltaStride))))
        (local.set $end (i32.add (local.get $d) (local.get $deltaStride)))
        (local.set $wi (i32.add (local.get $w) (local.get $i)))
        (block $done_outputs (loop $each_output
          (br_if $done_outputs (i32.ge_u (local.get $d) (local.get $end)))
          (local.set $a (v128.load offset=0 (local.get $wi)))
          (local.set $c (v128.load offset=16 (local.get $wi)))
          (local.set $e (v128.load32_splat (local.get $d)))
          (local.set $s0a (f32x4.add (local.get $s0a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s0c (f32x4.add (local.get $s0c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $e (v128.load32_splat (i32.add (local.get $d) (local.get $deltaStride))))
          (local.set $s1a (f32x4.add (local.get $s1a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s1c (f32x4.add (local.get $s1c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $e (v128.load32_splat (i32.add (local.get $d) (i32.shl (local.get $deltaStride) (i32.const 1)))))
          (local.set $s2a (f32x4.add (local.get $s2a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s2c (f32x4.add (local.get $s2c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $e (v128.load32_splat (i32.add (local.get $d) (i32.mul (local.get $deltaStride) (i32.const 3)))))
          (local.set $s3a (f32x4.add (local.get $s3a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s3c (f32x4.add (local.get $s3c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $d (i32.add (local.get $d) (i32.const 4)))
          (local.set $wi (i32.add (local.get $wi) (local.get $stride)))
          (br $each_output)))
        (local.set $out (i32.add (i32.add (local.get $dx) (i32.mul (local.get $r) (local.get $stride))) (local.get $i)))
        (v128.store offset=0 (local.get $out) (local.get $s0a))
        (v128.store offset=16 (local.get $out) (local.get $s0c))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store offset=0 (local.get $out) (local.get $s1a))
        (v128.store offset=16 (local.get $out) (local.get $s1c))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store offset=0 (local.get $out) (local.get $s2a))
        (v128.store offset=16 (local.get $out) (local.get $s2c))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store offset=0 (local.get $out) (local.get $s3a))
        (v128.store offset=16 (local.get $out) (local.get $s3c))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $each_inputs)))
      (local.set $r (i32.add (local.get $r) (i32.const 4)))
      (br $each_rows)))
  )

  ;; dw[o][i] = Σ_r δ[r][o]·x[r][i]        δ: rows × n (rows $columns apart),  x: rows × k,  dw: n × k
  ;; A tile is 4 outputs × 8 inputs: each pair of x vectors serves 4 outputs, each
  ;; δ[r][o], splat across a vector, serves 8 inputs.
  ;; With $accumulate ≠ 0 the sums start from dw as it is, not from zero: a batch given in
  ;; parts adds its rows in the same order as in one call, and so to the same bits.
  ;; $columns > n takes some of δ's columns (δ and dw offset to the first): each element's sum
  ;; is the same whichever others are computed with it, so rows of dw come to the same bits
  ;; computed apart, in two workers.
  (func (export "weightGradient")
    (param $delta i32) (param $x i32) (param $dw i32)
    (param $rows i32) (param $k i32) (param $n i32) (param $columns i32) (param $accumulate i32)
    (local $stride i32) (local $deltaStride i32) (local $o i32) (local $i i32)
    (local $d i32) (local $xi i32) (local $end i32) (local $out i32)
    (local $a v128) (local $c v128) (local $e v128)
    (local $s0a v128) (local $s0c v128) (local $s1a v128) (local $s1c v128)
    (local $s2a v128) (local $s2c v128) (local $s3a v128) (local $s3c v128)
    (local.set $stride (i32.shl (local.get $k) (i32.const 2)))
    (local.set $deltaStride (i32.shl (local.get $columns) (i32.const 2)))
    (local.set $o (i32.const 0))
    (block $done_outputs (loop $each_outputs
      (br_if $done_outputs (i32.ge_u (local.get $o) (local.get $n)))
      (local.set $i (i32.const 0))
      (block $done_inputs (loop $each_inputs
        (br_if $done_inputs (i32.ge_u (local.get $i) (local.get $stride)))
        (local.set $out (i32.add (i32.add (local.get $dw) (i32.mul (local.get $o) (local.get $stride))) (local.get $i)))
        (if (local.get $accumulate)
          (then
            (local.set $s0a (v128.load offset=0 (local.get $out)))
            (local.set $s0c (v128.load offset=16 (local.get $out)))
            (local.set $s1a (v128.load offset=0 (i32.add (local.get $out) (local.get $stride))))
            (local.set $s1c (v128.load offset=16 (i32.add (local.get $out) (local.get $stride))))
            (local.set $s2a (v128.load offset=0 (i32.add (local.get $out) (i32.shl (local.get $stride) (i32.const 1)))))
            (local.set $s2c (v128.load offset=16 (i32.add (local.get $out) (i32.shl (local.get $stride) (i32.const 1)))))
            (local.set $s3a (v128.load offset=0 (i32.add (local.get $out) (i32.mul (local.get $stride) (i32.const 3)))))
            (local.set $s3c (v128.load offset=16 (i32.add (local.get $out) (i32.mul (local.get $stride) (i32.const 3))))))
          (else
            (local.set $s0a (v128.const i32x4 0 0 0 0)) (local.set $s0c (v128.const i32x4 0 0 0 0))
            (local.set $s1a (v128.const i32x4 0 0 0 0)) (local.set $s1c (v128.const i32x4 0 0 0 0))
            (local.set $s2a (v128.const i32x4 0 0 0 0)) (local.set $s2c (v128.const i32x4 0 0 0 0))
            (local.set $s3a (v128.const i32x4 0 0 0 0)) (local.set $s3c (v128.const i32x4 0 0 0 0))))
        ;; $d walks down δ's columns o … o + 3, $xi down x's columns i … i + 7, one row at a time.
        (local.set $d (i32.add (local.get $delta) (i32.shl (local.get $o) (i32.const 2))))
        (local.set $end (i32.add (local.get $d) (i32.mul (local.get $rows) (local.get $deltaStride))))
        (local.set $xi (i32.add (local.get $x) (local.get $i)))
        (block $done_rows (loop $each_row
          (br_if $done_rows (i32.ge_u (local.get $d) (local.get $end)))
          (local.set $a (v128.load offset=0 (local.get $xi)))
          (local.set $c (v128.load offset=16 (local.get $xi)))
          (local.set $e (v128.load32_splat offset=0 (local.get $d)))
          (local.set $s0a (f32x4.add (local.get $s0a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s0c (f32x4.add (local.get $s0c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $e (v128.load32_splat offset=4 (local.get $d)))
          (local.set $s1a (f32x4.add (local.get $s1a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s1c (f32x4.add (local.get $s1c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $e (v128.load32_splat offset=8 (local.get $d)))
          (local.set $s2a (f32x4.add (local.get $s2a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s2c (f32x4.add (local.get $s2c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $e (v128.load32_splat offset=12 (local.get $d)))
          (local.set $s3a (f32x4.add (local.get $s3a) (f32x4.mul (local.get $e) (local.get $a))))
          (local.set $s3c (f32x4.add (local.get $s3c) (f32x4.mul (local.get $e) (local.get $c))))
          (local.set $d (i32.add (local.get $d) (local.get $deltaStride)))
          (local.set $xi (i32.add (local.get $xi) (local.get $stride)))
          (br $each_row)))
        (v128.store offset=0 (local.get $out) (local.get $s0a))
        (v128.store offset=16 (local.get $out) (local.get $s0c))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store offset=0 (local.get $out) (local.get $s1a))
        (v128.store offset=16 (local.get $out) (local.get $s1c))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store offset=0 (local.get $out) (local.get $s2a))
        (v128.store offset=16 (local.get $out) (local.get $s2c))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (v128.store offset=0 (local.get $out) (local.get $s3a))
        (v128.store offset=16 (local.get $out) (local.get $s3c))
        (local.set $i (i32.add (local.get $i) (i32.const 32)))
        (br $each_inputs)))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (br $each_outputs)))
  )

  ;; The sparse first layer's two products, one kernel: rows of a sum of scaled rows.
  ;;   out[t][o] = init[o] + Σ_{e = start[t] … end[t] − 1} value[e]·m[index[e]][o],   o < n
  ;; for each t = targets[j], j < count (init = 0 when $init is 0). m and out have rows of n
  ;; floats, unpadded: n need not be a multiple of 4, and the last columns go one by one.
  ;; Forward: t = batch row, entries = the row's non-zero pixels (index = pixel, value = x),
  ;; m = input-major W, init = b. Weight gradient: t = an active pixel, entries = the rows
  ;; where it is non-zero (index = row, value = x), m = δ, init = 0.
  ;; Each output element sums its terms in entry order, in float32, with no fused
  ;; multiply-add: the result does not depend on the vector width.
  (func (export "sparseRows")
    (param $targets i32) (param $count i32) (param $start i32) (param $end i32)
    (param $index i32) (param $value i32) (param $m i32) (param $init i32)
    (param $out i32) (param $n i32)
    (local $stride i32) (local $j i32) (local $t i32) (local $first i32) (local $last i32)
    (local $e i32) (local $o i32) (local $row i32) (local $src i32) (local $v v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $s f32)
    (local.set $stride (i32.shl (local.get $n) (i32.const 2)))
    (local.set $j (i32.const 0))
    (block $done_targets (loop $each_target
      (br_if $done_targets (i32.ge_u (local.get $j) (local.get $count)))
      (local.set $t (i32.load (i32.add (local.get $targets) (i32.shl (local.get $j) (i32.const 2)))))
      (local.set $first (i32.load (i32.add (local.get $start) (i32.shl (local.get $t) (i32.const 2)))))
      (local.set $last (i32.load (i32.add (local.get $end) (i32.shl (local.get $t) (i32.const 2)))))
      (local.set $row (i32.add (local.get $out) (i32.mul (local.get $t) (local.get $stride))))
      ;; $o: byte offset along the row. Sixteen columns at a time …
      (local.set $o (i32.const 0))
      (block $done_wide (loop $each_wide
        (br_if $done_wide (i32.gt_u (i32.add (local.get $o) (i32.const 64)) (local.get $stride)))
        (if (local.get $init)
          (then
            (local.set $a0 (v128.load (i32.add (local.get $init) (local.get $o))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $init) (local.get $o))))
            (local.set $a2 (v128.load offset=32 (i32.add (local.get $init) (local.get $o))))
            (local.set $a3 (v128.load offset=48 (i32.add (local.get $init) (local.get $o)))))
          (else
            (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $a2 (v128.const i32x4 0 0 0 0)) (local.set $a3 (v128.const i32x4 0 0 0 0))))
        (local.set $e (local.get $first))
        (block $done_entries (loop $each_entry
          (br_if $done_entries (i32.ge_u (local.get $e) (local.get $last)))
          (local.set $v (f32x4.splat (f32.load (i32.add (local.get $value) (i32.shl (local.get $e) (i32.const 2))))))
          (local.set $src (i32.add (i32.add (local.get $m) (local.get $o))
            (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $e) (i32.const 2)))) (local.get $stride))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $src)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $src)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $src)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $src)))))
          (local.set $e (i32.add (local.get $e) (i32.const 1)))
          (br $each_entry)))
        (v128.store (i32.add (local.get $row) (local.get $o)) (local.get $a0))
        (v128.store offset=16 (i32.add (local.get $row) (local.get $o)) (local.get $a1))
        (v128.store offset=32 (i32.add (local.get $row) (local.get $o)) (local.get $a2))
        (v128.store offset=48 (i32.add (local.get $row) (local.get $o)) (local.get $a3))
        (local.set $o (i32.add (local.get $o) (i32.const 64)))
        (br $each_wide)))
      ;; … then four …
      (block $done_narrow (loop $each_narrow
        (br_if $done_narrow (i32.gt_u (i32.add (local.get $o) (i32.const 16)) (local.get $stride)))
        (local.set $a0 (if (result v128) (local.get $init)
          (then (v128.load (i32.add (local.get $init) (local.get $o))))
          (else (v128.const i32x4 0 0 0 0))))
        (local.set $e (local.get $first))
        (block $done_entries4 (loop $each_entry4
          (br_if $done_entries4 (i32.ge_u (local.get $e) (local.get $last)))
          (local.set $src (i32.add (i32.add (local.get $m) (local.get $o))
            (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $e) (i32.const 2)))) (local.get $stride))))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
            (f32x4.splat (f32.load (i32.add (local.get $value) (i32.shl (local.get $e) (i32.const 2)))))
            (v128.load (local.get $src)))))
          (local.set $e (i32.add (local.get $e) (i32.const 1)))
          (br $each_entry4)))
        (v128.store (i32.add (local.get $row) (local.get $o)) (local.get $a0))
        (local.set $o (i32.add (local.get $o) (i32.const 16)))
        (br $each_narrow)))
      ;; … then one.
      (block $done_single (loop $each_single
        (br_if $done_single (i32.ge_u (local.get $o) (local.get $stride)))
        (local.set $s (if (result f32) (local.get $init)
          (then (f32.load (i32.add (local.get $init) (local.get $o))))
          (else (f32.const 0))))
        (local.set $e (local.get $first))
        (block $done_entries1 (loop $each_entry1
          (br_if $done_entries1 (i32.ge_u (local.get $e) (local.get $last)))
          (local.set $src (i32.add (i32.add (local.get $m) (local.get $o))
            (i32.mul (i32.load (i32.add (local.get $index) (i32.shl (local.get $e) (i32.const 2)))) (local.get $stride))))
          (local.set $s (f32.add (local.get $s) (f32.mul
            (f32.load (i32.add (local.get $value) (i32.shl (local.get $e) (i32.const 2))))
            (f32.load (local.get $src)))))
          (local.set $e (i32.add (local.get $e) (i32.const 1)))
          (br $each_entry1)))
        (f32.store (i32.add (local.get $row) (local.get $o)) (local.get $s))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))
        (br $each_single)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $each_target)))
  )
)
