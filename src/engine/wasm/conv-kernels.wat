;; Convolution kernels on 128-bit SIMD vectors (f32x4), direct (no im2col), over a
;; memory the engine gives in (see conv-kernels.ts for the layout).
;;
;; The caller copies each input map into a zero-padded one, P, holding exactly the
;; rows and columns the convolution reads, so no loop tests for the border. Output
;; position q (of all the batch's, sample after sample) reads the k×k window whose
;; first value sits at byte `origin[q]` of memory. One row ky of that window is k·C
;; consecutive floats from origin[q] + ky·rowStride ("a window row"), and the weights
;; it meets are k·C consecutive rows of Wt, from ky·k·C on.
;;
;; Layouts (row-major, sizes in floats, pointers and strides in bytes):
;;   origin  one i32 per output position of the batch, padded to a multiple of 4
;;   P, dP   rows × (Hp·Wp·C): the padded input maps, and ∂L/∂P alike
;;   Wt      (k·k·C) × F8: W transposed, Wt[j][f] = W[f][j], filters padded to 8
;;   dWt     K4 × F8: ∂L/∂W transposed, its K = k·k·C rows padded to K4, a multiple of 4
;;   Wk      F × k × KC8: Wk[f][ky][j] = W[f][ky·k·C + j], each window row padded to KC8
;;   Z, D    positions (padded to a multiple of 4) × F8: outputs z and their gradients δ
;;   db      F8: ∂L/∂b
;; Padded filters hold zero weights and zero δ, and padded window values zero weights,
;; so they add nothing where they are summed.
(module
  (import "env" "memory" (memory 1))

  ;; z[q][f] = b[f] + Σ_{ky, j} P[origin[q] + ky·rowStride + j] · Wt[ky·kc + j][f]
  ;; A tile is 4 positions × 8 filters: each Wt vector serves 4 positions, each P value,
  ;; splat across a vector, 8 filters. Positions past `count` (to the next multiple of
  ;; 4) read whatever their origin points at and write Z's padding.
  ;; With `relu` ≠ 0 it stores ReLU(z) instead, as it leaves the registers: values ≤ 0,
  ;; −0 among them, become +0; others, NaN included, stay as they are (activations.ts's
  ;; ReLU), with no second pass over Z.
  (func (export "forward")
    (param $origin i32) (param $wt i32) (param $b i32) (param $z i32) (param $count i32)
    (param $f8 i32) (param $k i32) (param $kc i32) (param $rowStride i32) (param $relu i32)
    (local $fBytes i32) (local $wBlock i32) (local $q i32) (local $fb i32) (local $ky i32)
    (local $s0 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local $o i32) (local $end i32) (local $w i32) (local $out i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $v v128) (local $u0 v128) (local $u1 v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $wBlock (i32.mul (local.get $kc) (local.get $fBytes)))
    (local.set $q (i32.const 0))
    (block $done_q (loop $each_q
      (br_if $done_q (i32.ge_u (local.get $q) (local.get $count)))
      (local.set $s0 (i32.load offset=0 (i32.add (local.get $origin) (i32.shl (local.get $q) (i32.const 2)))))
      (local.set $s1 (i32.load offset=4 (i32.add (local.get $origin) (i32.shl (local.get $q) (i32.const 2)))))
      (local.set $s2 (i32.load offset=8 (i32.add (local.get $origin) (i32.shl (local.get $q) (i32.const 2)))))
      (local.set $s3 (i32.load offset=12 (i32.add (local.get $origin) (i32.shl (local.get $q) (i32.const 2)))))
      (local.set $out (i32.add (local.get $z) (i32.mul (local.get $q) (local.get $fBytes))))
      (local.set $fb (i32.const 0))
      (block $done_f (loop $each_f
        (br_if $done_f (i32.ge_u (local.get $fb) (local.get $fBytes)))
        (local.set $a00 (v128.load (i32.add (local.get $b) (local.get $fb))))
        (local.set $a01 (v128.load offset=16 (i32.add (local.get $b) (local.get $fb))))
        (local.set $a10 (local.get $a00)) (local.set $a11 (local.get $a01))
        (local.set $a20 (local.get $a00)) (local.set $a21 (local.get $a01))
        (local.set $a30 (local.get $a00)) (local.set $a31 (local.get $a01))
        (local.set $ky (i32.const 0))
        (block $done_ky (loop $each_ky
          (br_if $done_ky (i32.ge_u (local.get $ky) (local.get $k)))
          ;; $o: the byte offset of the window row from each origin, running along it.
          (local.set $o (i32.mul (local.get $ky) (local.get $rowStride)))
          (local.set $end (i32.add (local.get $o) (i32.shl (local.get $kc) (i32.const 2))))
          (local.set $w (i32.add (i32.add (local.get $wt) (i32.mul (local.get $ky) (local.get $wBlock))) (local.get $fb)))
          (block $done_j (loop $each_j
            (br_if $done_j (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $u0 (v128.load (local.get $w)))
            (local.set $u1 (v128.load offset=16 (local.get $w)))
            (local.set $v (v128.load32_splat (i32.add (local.get $s0) (local.get $o))))
            (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $v) (local.get $u0))))
            (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $v) (local.get $u1))))
            (local.set $v (v128.load32_splat (i32.add (local.get $s1) (local.get $o))))
            (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $v) (local.get $u0))))
            (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $v) (local.get $u1))))
            (local.set $v (v128.load32_splat (i32.add (local.get $s2) (local.get $o))))
            (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $v) (local.get $u0))))
            (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $v) (local.get $u1))))
            (local.set $v (v128.load32_splat (i32.add (local.get $s3) (local.get $o))))
            (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $v) (local.get $u0))))
            (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $v) (local.get $u1))))
            (local.set $o (i32.add (local.get $o) (i32.const 4)))
            (local.set $w (i32.add (local.get $w) (local.get $fBytes)))
            (br $each_j)))
          (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
          (br $each_ky)))
        (if (local.get $relu)
          (then
          (local.set $a00 (v128.andnot (local.get $a00) (f32x4.le (local.get $a00) (v128.const i32x4 0 0 0 0))))
          (local.set $a01 (v128.andnot (local.get $a01) (f32x4.le (local.get $a01) (v128.const i32x4 0 0 0 0))))
          (local.set $a10 (v128.andnot (local.get $a10) (f32x4.le (local.get $a10) (v128.const i32x4 0 0 0 0))))
          (local.set $a11 (v128.andnot (local.get $a11) (f32x4.le (local.get $a11) (v128.const i32x4 0 0 0 0))))
          (local.set $a20 (v128.andnot (local.get $a20) (f32x4.le (local.get $a20) (v128.const i32x4 0 0 0 0))))
          (local.set $a21 (v128.andnot (local.get $a21) (f32x4.le (local.get $a21) (v128.const i32x4 0 0 0 0))))
          (local.set $a30 (v128.andnot (local.get $a30) (f32x4.le (local.get $a30) (v128.const i32x4 0 0 0 0))))
          (local.set $a31 (v128.andnot (local.get $a31) (f32x4.le (local.get $a31) (v128.const i32x4 0 0 0 0))))))
        (local.set $w (i32.add (local.get $out) (local.get $fb)))
        (v128.store offset=0 (local.get $w) (local.get $a00))
        (v128.store offset=16 (local.get $w) (local.get $a01))
        (local.set $w (i32.add (local.get $w) (local.get $fBytes)))
        (v128.store offset=0 (local.get $w) (local.get $a10))
        (v128.store offset=16 (local.get $w) (local.get $a11))
        (local.set $w (i32.add (local.get $w) (local.get $fBytes)))
        (v128.store offset=0 (local.get $w) (local.get $a20))
        (v128.store offset=16 (local.get $w) (local.get $a21))
        (local.set $w (i32.add (local.get $w) (local.get $fBytes)))
        (v128.store offset=0 (local.get $w) (local.get $a30))
        (v128.store offset=16 (local.get $w) (local.get $a31))
        (local.set $fb (i32.add (local.get $fb) (i32.const 32)))
        (br $each_f)))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $each_q)))
  )

  ;; dWt[i][f] += Σ_q P[origin[q] + offset(i)] · δ[q][f], over positions [first, first + count),
  ;; where window value i = ky·k·C + j lies at offset(i) = ky·rowStride + 4j bytes.
  ;; A tile is 4 window values × 8 filters: each δ vector serves 4 values, each value,
  ;; splat across a vector, 8 filters. The values run on from one window row to the
  ;; next, so a row of k·C values not a multiple of 4 (5 for a 5×5 kernel on one
  ;; channel) wastes no lanes but the last tile's; values past K = k·k·C (to K4) read
  ;; the next ones along P and sum into dWt's padding. The caller calls it sample by
  ;; sample, so one sample's P and δ stay in the cache while every weight sweeps them.
  (func (export "weightGradient")
    (param $origin i32) (param $d i32) (param $dwt i32) (param $first i32) (param $count i32)
    (param $f8 i32) (param $k i32) (param $kc i32) (param $rowStride i32)
    (local $fBytes i32) (local $kcBytes i32) (local $i i32) (local $values i32) (local $fb i32)
    (local $o i32) (local $rowEnd i32) (local $lastEnd i32) (local $o0 i32) (local $o1 i32) (local $o2 i32) (local $o3 i32)
    (local $q i32) (local $qFirst i32) (local $qEnd i32) (local $dp i32) (local $src i32) (local $dw i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $v v128) (local $u0 v128) (local $u1 v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $kcBytes (i32.shl (local.get $kc) (i32.const 2)))
    (local.set $values (i32.mul (local.get $k) (local.get $kc)))
    (local.set $qFirst (i32.add (local.get $origin) (i32.shl (local.get $first) (i32.const 2))))
    (local.set $qEnd (i32.add (local.get $origin) (i32.shl (i32.add (local.get $first) (local.get $count)) (i32.const 2))))
    ;; $o: the next value's offset; $rowEnd: where its window row ends, except that
    ;; past the last row ($lastEnd) the values run on along P.
    (local.set $o (i32.const 0))
    (local.set $rowEnd (local.get $kcBytes))
    (local.set $lastEnd (i32.add (i32.mul (i32.sub (local.get $k) (i32.const 1)) (local.get $rowStride)) (local.get $kcBytes)))
    (local.set $dw (local.get $dwt))
    (local.set $i (i32.const 0))
    (block $done_i (loop $each_i
      (br_if $done_i (i32.ge_u (local.get $i) (local.get $values)))
      (local.set $o0 (local.get $o))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (if (i32.and (i32.eq (local.get $o) (local.get $rowEnd)) (i32.ne (local.get $o) (local.get $lastEnd)))
        (then
          (local.set $o (i32.add (local.get $o) (i32.sub (local.get $rowStride) (local.get $kcBytes))))
          (local.set $rowEnd (i32.add (local.get $rowEnd) (local.get $rowStride)))))
      (local.set $o1 (local.get $o))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (if (i32.and (i32.eq (local.get $o) (local.get $rowEnd)) (i32.ne (local.get $o) (local.get $lastEnd)))
        (then
          (local.set $o (i32.add (local.get $o) (i32.sub (local.get $rowStride) (local.get $kcBytes))))
          (local.set $rowEnd (i32.add (local.get $rowEnd) (local.get $rowStride)))))
      (local.set $o2 (local.get $o))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (if (i32.and (i32.eq (local.get $o) (local.get $rowEnd)) (i32.ne (local.get $o) (local.get $lastEnd)))
        (then
          (local.set $o (i32.add (local.get $o) (i32.sub (local.get $rowStride) (local.get $kcBytes))))
          (local.set $rowEnd (i32.add (local.get $rowEnd) (local.get $rowStride)))))
      (local.set $o3 (local.get $o))
      (local.set $o (i32.add (local.get $o) (i32.const 4)))
      (if (i32.and (i32.eq (local.get $o) (local.get $rowEnd)) (i32.ne (local.get $o) (local.get $lastEnd)))
        (then
          (local.set $o (i32.add (local.get $o) (i32.sub (local.get $rowStride) (local.get $kcBytes))))
          (local.set $rowEnd (i32.add (local.get $rowEnd) (local.get $rowStride)))))
      (local.set $fb (i32.const 0))
      (block $done_f (loop $each_f
        (br_if $done_f (i32.ge_u (local.get $fb) (local.get $fBytes)))
        (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
        (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
        (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
        (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
        (local.set $q (local.get $qFirst))
        (local.set $dp (i32.add (i32.add (local.get $d) (i32.mul (local.get $first) (local.get $fBytes))) (local.get $fb)))
        (if (i32.eq (local.get $o3) (i32.add (local.get $o0) (i32.const 12)))
          (then
            ;; The four values in one row: one address, and offsets.
            (block $done_q (loop $each_q
              (br_if $done_q (i32.ge_u (local.get $q) (local.get $qEnd)))
              (local.set $src (i32.add (i32.load (local.get $q)) (local.get $o0)))
              (local.set $u0 (v128.load (local.get $dp)))
              (local.set $u1 (v128.load offset=16 (local.get $dp)))
              (local.set $v (v128.load32_splat offset=0 (local.get $src)))
              (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $v (v128.load32_splat offset=4 (local.get $src)))
              (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $v (v128.load32_splat offset=8 (local.get $src)))
              (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $v (v128.load32_splat offset=12 (local.get $src)))
              (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $q (i32.add (local.get $q) (i32.const 4)))
              (local.set $dp (i32.add (local.get $dp) (local.get $fBytes)))
              (br $each_q))))
          (else
            ;; The four values across two or more rows: an address each.
            (block $done_q (loop $each_q
              (br_if $done_q (i32.ge_u (local.get $q) (local.get $qEnd)))
              (local.set $src (i32.load (local.get $q)))
              (local.set $u0 (v128.load (local.get $dp)))
              (local.set $u1 (v128.load offset=16 (local.get $dp)))
              (local.set $v (v128.load32_splat (i32.add (local.get $src) (local.get $o0))))
              (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $v (v128.load32_splat (i32.add (local.get $src) (local.get $o1))))
              (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $v (v128.load32_splat (i32.add (local.get $src) (local.get $o2))))
              (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $v (v128.load32_splat (i32.add (local.get $src) (local.get $o3))))
              (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $v) (local.get $u0))))
              (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $v) (local.get $u1))))
              (local.set $q (i32.add (local.get $q) (i32.const 4)))
              (local.set $dp (i32.add (local.get $dp) (local.get $fBytes)))
              (br $each_q)))))
        ;; Rows i … i + 3 of dWt, F8 floats apart.
        (local.set $src (i32.add (local.get $dw) (local.get $fb)))
        (v128.store offset=0 (local.get $src) (f32x4.add (v128.load offset=0 (local.get $src)) (local.get $a00)))
        (v128.store offset=16 (local.get $src) (f32x4.add (v128.load offset=16 (local.get $src)) (local.get $a01)))
        (local.set $src (i32.add (local.get $src) (local.get $fBytes)))
        (v128.store offset=0 (local.get $src) (f32x4.add (v128.load offset=0 (local.get $src)) (local.get $a10)))
        (v128.store offset=16 (local.get $src) (f32x4.add (v128.load offset=16 (local.get $src)) (local.get $a11)))
        (local.set $src (i32.add (local.get $src) (local.get $fBytes)))
        (v128.store offset=0 (local.get $src) (f32x4.add (v128.load offset=0 (local.get $src)) (local.get $a20)))
        (v128.store offset=16 (local.get $src) (f32x4.add (v128.load offset=16 (local.get $src)) (local.get $a21)))
        (local.set $src (i32.add (local.get $src) (local.get $fBytes)))
        (v128.store offset=0 (local.get $src) (f32x4.add (v128.load offset=0 (local.get $src)) (local.get $a30)))
        (v128.store offset=16 (local.get $src) (f32x4.add (v128.load offset=16 (local.get $src)) (local.get $a31)))
        (local.set $fb (i32.add (local.get $fb) (i32.const 32)))
        (br $each_f)))
      (local.set $dw (i32.add (local.get $dw) (i32.shl (local.get $fBytes) (i32.const 2))))
      (local.set $i (i32.add (local.get $i) (i32.const 4)))
      (br $each_i)))
  )

  ;; dP[origin[q] + shift + ky·rowStride + j] += Σ_f δ[q][f] · Wk[f][ky][j]
  ;; The window's rows, each padded to KC8, are cut into units of 8 values (two vectors),
  ;; U = k·KC8/8 of them, unit u's weights at Wk[f] + 32u bytes. Three units at a time,
  ;; then one at a time: each δ, splat across a vector, serves 24 (or 8) values, and six
  ;; running sums (not two) keep the adders busy. Not four: V8 then loads all eight
  ;; weight vectors before using them and, out of registers, keeps a sum on the stack.
  ;; Each value still adds its δ·w in filter order, position after position. A unit padded past k·C spills into the
  ;; next values (or the region's slack) and adds zero there: Wk's padding is zero.
  ;; Where a map is so narrow that a spill reaches the next window row, a later unit of
  ;; the same three owns those values, and its store, made last, keeps its sums.
  ;; `shift` is dP's byte offset from P, whose addresses origin holds. The caller gives
  ;; it the positions of one sample: the batch's last when it has an odd number of them.
  (func (export "inputGradient")
    (param $origin i32) (param $d i32) (param $wk i32) (param $shift i32) (param $count i32)
    (param $f8 i32) (param $f i32) (param $k i32) (param $kc8 i32) (param $rowStride i32)
    (local $fBytes i32) (local $rowBytes i32) (local $filterStride i32) (local $rowJump i32)
    (local $q i32) (local $qEnd i32) (local $pos i32) (local $dEnd i32) (local $at i32)
    (local $u i32) (local $o i32) (local $rowEnd i32) (local $w i32) (local $dd i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $a4 v128) (local $a5 v128) (local $v v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $kc8) (i32.const 2)))
    ;; Bytes of Wk per filter, and so of all the units.
    (local.set $filterStride (i32.mul (local.get $k) (local.get $rowBytes)))
    ;; From the last unit of a window row to the first of the next, in P.
    (local.set $rowJump (i32.add (i32.sub (local.get $rowStride) (local.get $rowBytes)) (i32.const 32)))
    (local.set $pos (local.get $d))
    (local.set $q (local.get $origin))
    (local.set $qEnd (i32.add (local.get $origin) (i32.shl (local.get $count) (i32.const 2))))
    (block $done_q (loop $each_q
      (br_if $done_q (i32.ge_u (local.get $q) (local.get $qEnd)))
      (local.set $at (i32.add (i32.load (local.get $q)) (local.get $shift)))
      (local.set $dEnd (i32.add (local.get $pos) (i32.shl (local.get $f) (i32.const 2))))
      ;; $u: the next unit's byte offset in Wk[f]; $o: its byte offset in the window, from $at.
      (local.set $u (i32.const 0))
      (local.set $o (i32.const 0))
      (local.set $rowEnd (local.get $rowBytes))
      (block $done_three (loop $each_three
        (br_if $done_three (i32.gt_u (i32.add (local.get $u) (i32.const 96)) (local.get $filterStride)))
        (local.set $w (i32.add (local.get $wk) (local.get $u)))
        (local.set $p0 (i32.add (local.get $at) (local.get $o)))
        (local.set $u (i32.add (local.get $u) (i32.const 32)))
        (local.set $o (i32.add (local.get $o) (select (local.get $rowJump) (i32.const 32) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $rowEnd (i32.add (local.get $rowEnd) (select (local.get $rowBytes) (i32.const 0) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $p1 (i32.add (local.get $at) (local.get $o)))
        (local.set $u (i32.add (local.get $u) (i32.const 32)))
        (local.set $o (i32.add (local.get $o) (select (local.get $rowJump) (i32.const 32) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $rowEnd (i32.add (local.get $rowEnd) (select (local.get $rowBytes) (i32.const 0) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $p2 (i32.add (local.get $at) (local.get $o)))
        (local.set $u (i32.add (local.get $u) (i32.const 32)))
        (local.set $o (i32.add (local.get $o) (select (local.get $rowJump) (i32.const 32) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $rowEnd (i32.add (local.get $rowEnd) (select (local.get $rowBytes) (i32.const 0) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $a0 (v128.load (local.get $p0)))
        (local.set $a1 (v128.load offset=16 (local.get $p0)))
        (local.set $a2 (v128.load (local.get $p1)))
        (local.set $a3 (v128.load offset=16 (local.get $p1)))
        (local.set $a4 (v128.load (local.get $p2)))
        (local.set $a5 (v128.load offset=16 (local.get $p2)))
        (local.set $dd (local.get $pos))
        (block $done_f (loop $each_f
          (br_if $done_f (i32.ge_u (local.get $dd) (local.get $dEnd)))
          (local.set $v (v128.load32_splat (local.get $dd)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load offset=0 (local.get $w)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $w)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $v) (v128.load offset=32 (local.get $w)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $v) (v128.load offset=48 (local.get $w)))))
          (local.set $a4 (f32x4.add (local.get $a4) (f32x4.mul (local.get $v) (v128.load offset=64 (local.get $w)))))
          (local.set $a5 (f32x4.add (local.get $a5) (f32x4.mul (local.get $v) (v128.load offset=80 (local.get $w)))))
          (local.set $dd (i32.add (local.get $dd) (i32.const 4)))
          (local.set $w (i32.add (local.get $w) (local.get $filterStride)))
          (br $each_f)))
        (v128.store (local.get $p0) (local.get $a0))
        (v128.store offset=16 (local.get $p0) (local.get $a1))
        (v128.store (local.get $p1) (local.get $a2))
        (v128.store offset=16 (local.get $p1) (local.get $a3))
        (v128.store (local.get $p2) (local.get $a4))
        (v128.store offset=16 (local.get $p2) (local.get $a5))
        (br $each_three)))
      (block $done_one (loop $each_one
        (br_if $done_one (i32.ge_u (local.get $u) (local.get $filterStride)))
        (local.set $w (i32.add (local.get $wk) (local.get $u)))
        (local.set $p0 (i32.add (local.get $at) (local.get $o)))
        (local.set $u (i32.add (local.get $u) (i32.const 32)))
        (local.set $o (i32.add (local.get $o) (select (local.get $rowJump) (i32.const 32) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $rowEnd (i32.add (local.get $rowEnd) (select (local.get $rowBytes) (i32.const 0) (i32.eq (local.get $u) (local.get $rowEnd)))))
        (local.set $a0 (v128.load (local.get $p0)))
        (local.set $a1 (v128.load offset=16 (local.get $p0)))
        (local.set $dd (local.get $pos))
        (block $done_f (loop $each_f
          (br_if $done_f (i32.ge_u (local.get $dd) (local.get $dEnd)))
          (local.set $v (v128.load32_splat (local.get $dd)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load offset=0 (local.get $w)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $w)))))
          (local.set $dd (i32.add (local.get $dd) (i32.const 4)))
          (local.set $w (i32.add (local.get $w) (local.get $filterStride)))
          (br $each_f)))
        (v128.store (local.get $p0) (local.get $a0))
        (v128.store offset=16 (local.get $p0) (local.get $a1))
        (br $each_one)))
      (local.set $pos (i32.add (local.get $pos) (local.get $fBytes)))
      (local.set $q (i32.add (local.get $q) (i32.const 4)))
      (br $each_q)))
  )
  ;; inputGradient for whole pairs of samples, `pairs` of them from the batch's start:
  ;; position p of sample 2n and of sample 2n + 1 at once, each weight vector loaded once
  ;; for both, so a multiply-add costs 3/4 of a load, not 7/6 (∂x on one sample was
  ;; bound by loads). Two 8-value units of the window at a time (eight running sums), then
  ;; the last one if U is odd. The two samples' maps are apart, and within each the
  ;; values add their δ·w in the order inputGradient keeps, so the sums are the same.
  (func (export "inputGradientPairs")
    (param $origin i32) (param $d i32) (param $wk i32) (param $shift i32) (param $pairs i32) (param $positions i32)
    (param $f8 i32) (param $f i32) (param $k i32) (param $kc8 i32) (param $rowStride i32)
    (local $fBytes i32) (local $rowBytes i32) (local $filterStride i32) (local $rowJump i32)
    (local $pair i32) (local $qa i32) (local $qb i32) (local $qEnd i32) (local $da i32) (local $db i32) (local $dEnd i32)
    (local $atA i32) (local $atB i32) (local $u i32) (local $o i32) (local $rowEnd i32) (local $w i32) (local $dd i32) (local $ddb i32)
    (local $pa0 i32) (local $pa1 i32) (local $pb0 i32) (local $pb1 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $va v128) (local $vb v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $kc8) (i32.const 2)))
    (local.set $filterStride (i32.mul (local.get $k) (local.get $rowBytes)))
    (local.set $rowJump (i32.add (i32.sub (local.get $rowStride) (local.get $rowBytes)) (i32.const 32)))
    (local.set $pair (i32.const 0))
    (block $done_pair (loop $each_pair
      (br_if $done_pair (i32.ge_u (local.get $pair) (local.get $pairs)))
      (local.set $qa (i32.add (local.get $origin) (i32.shl (i32.mul (i32.shl (local.get $pair) (i32.const 1)) (local.get $positions)) (i32.const 2))))
      (local.set $qb (i32.add (local.get $qa) (i32.shl (local.get $positions) (i32.const 2))))
      (local.set $qEnd (local.get $qb))
      (local.set $da (i32.add (local.get $d) (i32.mul (i32.mul (i32.shl (local.get $pair) (i32.const 1)) (local.get $positions)) (local.get $fBytes))))
      (local.set $db (i32.add (local.get $da) (i32.mul (local.get $positions) (local.get $fBytes))))
      (block $done_q (loop $each_q
        (br_if $done_q (i32.ge_u (local.get $qa) (local.get $qEnd)))
        (local.set $atA (i32.add (i32.load (local.get $qa)) (local.get $shift)))
        (local.set $atB (i32.add (i32.load (local.get $qb)) (local.get $shift)))
        (local.set $dEnd (i32.add (local.get $da) (i32.shl (local.get $f) (i32.const 2))))
        (local.set $u (i32.const 0))
        (local.set $o (i32.const 0))
        (local.set $rowEnd (local.get $rowBytes))
        (block $done_two (loop $each_two
          (br_if $done_two (i32.gt_u (i32.add (local.get $u) (i32.const 64)) (local.get $filterStride)))
          (local.set $w (i32.add (local.get $wk) (local.get $u)))
          (local.set $pa0 (i32.add (local.get $atA) (local.get $o)))
          (local.set $pb0 (i32.add (local.get $atB) (local.get $o)))
          (local.set $u (i32.add (local.get $u) (i32.const 32)))
          (local.set $o (i32.add (local.get $o) (select (local.get $rowJump) (i32.const 32) (i32.eq (local.get $u) (local.get $rowEnd)))))
          (local.set $rowEnd (i32.add (local.get $rowEnd) (select (local.get $rowBytes) (i32.const 0) (i32.eq (local.get $u) (local.get $rowEnd)))))
          (local.set $pa1 (i32.add (local.get $atA) (local.get $o)))
          (local.set $pb1 (i32.add (local.get $atB) (local.get $o)))
          (local.set $u (i32.add (local.get $u) (i32.const 32)))
          (local.set $o (i32.add (local.get $o) (select (local.get $rowJump) (i32.const 32) (i32.eq (local.get $u) (local.get $rowEnd)))))
          (local.set $rowEnd (i32.add (local.get $rowEnd) (select (local.get $rowBytes) (i32.const 0) (i32.eq (local.get $u) (local.get $rowEnd)))))
          (local.set $a0 (v128.load (local.get $pa0)))
          (local.set $a1 (v128.load offset=16 (local.get $pa0)))
          (local.set $a2 (v128.load (local.get $pa1)))
          (local.set $a3 (v128.load offset=16 (local.get $pa1)))
          (local.set $b0 (v128.load (local.get $pb0)))
          (local.set $b1 (v128.load offset=16 (local.get $pb0)))
          (local.set $b2 (v128.load (local.get $pb1)))
          (local.set $b3 (v128.load offset=16 (local.get $pb1)))
          (local.set $dd (local.get $da))
          (local.set $ddb (local.get $db))
          (block $done_f (loop $each_f
            (br_if $done_f (i32.ge_u (local.get $dd) (local.get $dEnd)))
            (local.set $va (v128.load32_splat (local.get $dd)))
            (local.set $vb (v128.load32_splat (local.get $ddb)))
            (local.set $w0 (v128.load offset=0 (local.get $w)))
            (local.set $w1 (v128.load offset=16 (local.get $w)))
            (local.set $w2 (v128.load offset=32 (local.get $w)))
            (local.set $w3 (v128.load offset=48 (local.get $w)))
            (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $va) (local.get $w0))))
            (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $vb) (local.get $w0))))
            (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $va) (local.get $w1))))
            (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $vb) (local.get $w1))))
            (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $va) (local.get $w2))))
            (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $vb) (local.get $w2))))
            (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $va) (local.get $w3))))
            (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $vb) (local.get $w3))))
            (local.set $dd (i32.add (local.get $dd) (i32.const 4)))
            (local.set $ddb (i32.add (local.get $ddb) (i32.const 4)))
            (local.set $w (i32.add (local.get $w) (local.get $filterStride)))
            (br $each_f)))
          (v128.store (local.get $pa0) (local.get $a0))
          (v128.store offset=16 (local.get $pa0) (local.get $a1))
          (v128.store (local.get $pa1) (local.get $a2))
          (v128.store offset=16 (local.get $pa1) (local.get $a3))
          (v128.store (local.get $pb0) (local.get $b0))
          (v128.store offset=16 (local.get $pb0) (local.get $b1))
          (v128.store (local.get $pb1) (local.get $b2))
          (v128.store offset=16 (local.get $pb1) (local.get $b3))
          (br $each_two)))
        (if (i32.lt_u (local.get $u) (local.get $filterStride))
          (then
            (local.set $w (i32.add (local.get $wk) (local.get $u)))
            (local.set $pa0 (i32.add (local.get $atA) (local.get $o)))
            (local.set $pb0 (i32.add (local.get $atB) (local.get $o)))
            (local.set $a0 (v128.load (local.get $pa0)))
            (local.set $a1 (v128.load offset=16 (local.get $pa0)))
            (local.set $b0 (v128.load (local.get $pb0)))
            (local.set $b1 (v128.load offset=16 (local.get $pb0)))
            (local.set $dd (local.get $da))
            (local.set $ddb (local.get $db))
            (block $done_f (loop $each_f
              (br_if $done_f (i32.ge_u (local.get $dd) (local.get $dEnd)))
              (local.set $va (v128.load32_splat (local.get $dd)))
              (local.set $vb (v128.load32_splat (local.get $ddb)))
              (local.set $w0 (v128.load offset=0 (local.get $w)))
              (local.set $w1 (v128.load offset=16 (local.get $w)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $va) (local.get $w0))))
              (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $vb) (local.get $w0))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $va) (local.get $w1))))
              (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $vb) (local.get $w1))))
              (local.set $dd (i32.add (local.get $dd) (i32.const 4)))
              (local.set $ddb (i32.add (local.get $ddb) (i32.const 4)))
              (local.set $w (i32.add (local.get $w) (local.get $filterStride)))
              (br $each_f)))
            (v128.store (local.get $pa0) (local.get $a0))
            (v128.store offset=16 (local.get $pa0) (local.get $a1))
            (v128.store (local.get $pb0) (local.get $b0))
            (v128.store offset=16 (local.get $pb0) (local.get $b1))))
        (local.set $qa (i32.add (local.get $qa) (i32.const 4)))
        (local.set $qb (i32.add (local.get $qb) (i32.const 4)))
        (local.set $da (i32.add (local.get $da) (local.get $fBytes)))
        (local.set $db (i32.add (local.get $db) (local.get $fBytes)))
        (br $each_q)))
      (local.set $pair (i32.add (local.get $pair) (i32.const 1)))
      (br $each_pair)))
  )
  ;; db[f] += Σ_{q < count} δ[q][f], 8 filters at a time. Each lane adds the positions one
  ;; by one in order, in float32, onto db: the order and rounding of a scalar loop over q,
  ;; however many calls the batch's positions are cut into.
  (func (export "biasGradient")
    (param $d i32) (param $db i32) (param $count i32) (param $f8 i32)
    (local $fBytes i32) (local $fb i32) (local $p i32) (local $end i32) (local $a0 v128) (local $a1 v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $fb (i32.const 0))
    (block $done_f (loop $each_f
      (br_if $done_f (i32.ge_u (local.get $fb) (local.get $fBytes)))
      (local.set $a0 (v128.load (i32.add (local.get $db) (local.get $fb))))
      (local.set $a1 (v128.load offset=16 (i32.add (local.get $db) (local.get $fb))))
      (local.set $p (i32.add (local.get $d) (local.get $fb)))
      (local.set $end (i32.add (local.get $p) (i32.mul (local.get $count) (local.get $fBytes))))
      (block $done_q (loop $each_q
        (br_if $done_q (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $a0 (f32x4.add (local.get $a0) (v128.load (local.get $p))))
        (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 (local.get $p))))
        (local.set $p (i32.add (local.get $p) (local.get $fBytes)))
        (br $each_q)))
      (v128.store (i32.add (local.get $db) (local.get $fb)) (local.get $a0))
      (v128.store offset=16 (i32.add (local.get $db) (local.get $fb)) (local.get $a1))
      (local.set $fb (i32.add (local.get $fb) (i32.const 32)))
      (br $each_f)))
  )
  ;; δ = ReLU′ · δ in place on `count` floats (a multiple of 4) from $d, where $z holds
  ;; the ReLU's outputs: δ·(1 if z > 0 else 0) + 0, the arithmetic of activations.ts's
  ;; ReLU backward (so −0 becomes +0, and ∞·0 NaN, there as here).
  (func (export "reluBackward") (param $z i32) (param $d i32) (param $count i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $d) (i32.shl (local.get $count) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $d) (local.get $end)))
      (v128.store (local.get $d)
        (f32x4.add
          (f32x4.mul (v128.load (local.get $d))
            (v128.and (f32x4.gt (v128.load (local.get $z)) (v128.const i32x4 0 0 0 0)) (v128.const f32x4 1 1 1 1)))
          (v128.const i32x4 0 0 0 0)))
      (local.set $d (i32.add (local.get $d) (i32.const 16)))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (br $each)))
  )
)
