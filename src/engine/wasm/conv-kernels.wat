;; Convolution kernels on 128-bit SIMD vectors (f32x4), direct (no im2col), over a
;; memory the engine gives in (see conv-kernels.ts for the layout).
;;
;; The caller copies each input map into a zero-padded one, P, holding exactly the
;; rows and columns the convolution reads, so no loop tests for the border: output
;; (y, x) reads the k×k window of P at (y·stride, x·stride). For one row ky of that
;; window, its k columns of C channels are k·C consecutive floats of P ("a window
;; row"), and the weights they meet are k·C consecutive rows of Wt (ky·k·C + j).
;;
;; Layouts (row-major, sizes in floats, pointers and strides in bytes):
;;   P    rows × (Hp·Wp·C)        the padded input maps, and dP (∂L/∂P) alike
;;   Wt   (k·k·C) × F8            W transposed: Wt[j][f] = W[f][j], filters padded to 8
;;   Wk   F × k × KC8             W row by window row: Wk[f][ky][j] = W[f][ky·k·C + j],
;;                                j padded to KC8 (k·C rounded up to 8) with zeros
;;   Z, D rows × positions × F8   outputs z and their gradients δ, channels last
;; Padded filters hold zero weights and zero δ, so they add nothing.
(module
  (import "env" "memory" (memory 1))

  ;; z[n][y][x][f] = b[f] + Σ_{ky, j} P[n][window row (y, x, ky)][j] · Wt[ky·kc + j][f]
  ;; Eight filters (two vectors) at a time: each P value, splat across a vector, serves 8.
  (func (export "forward")
    (param $p i32) (param $wt i32) (param $b i32) (param $z i32)
    (param $rows i32) (param $outH i32) (param $outW i32) (param $f8 i32) (param $k i32) (param $kc i32)
    (param $rowStride i32) (param $xStride i32) (param $yStride i32) (param $sampleStride i32)
    (local $fBytes i32) (local $wBlock i32) (local $n i32) (local $y i32) (local $x i32) (local $fb i32) (local $ky i32)
    (local $sample i32) (local $rowAt i32) (local $at i32) (local $src i32) (local $end i32) (local $w i32) (local $out i32)
    (local $a0 v128) (local $a1 v128) (local $v v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    ;; Bytes of Wt per window row: kc rows of F8 floats.
    (local.set $wBlock (i32.mul (local.get $kc) (local.get $fBytes)))
    (local.set $out (local.get $z))
    (local.set $n (i32.const 0))
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $sample (i32.add (local.get $p) (i32.mul (local.get $n) (local.get $sampleStride))))
      (local.set $y (i32.const 0))
      (block $done_y (loop $each_y
        (br_if $done_y (i32.ge_u (local.get $y) (local.get $outH)))
        (local.set $rowAt (i32.add (local.get $sample) (i32.mul (local.get $y) (local.get $yStride))))
        (local.set $x (i32.const 0))
        (block $done_x (loop $each_x
          (br_if $done_x (i32.ge_u (local.get $x) (local.get $outW)))
          (local.set $at (i32.add (local.get $rowAt) (i32.mul (local.get $x) (local.get $xStride))))
          (local.set $fb (i32.const 0))
          (block $done_f (loop $each_f
            (br_if $done_f (i32.ge_u (local.get $fb) (local.get $fBytes)))
            (local.set $a0 (v128.load (i32.add (local.get $b) (local.get $fb))))
            (local.set $a1 (v128.load offset=16 (i32.add (local.get $b) (local.get $fb))))
            (local.set $ky (i32.const 0))
            (block $done_ky (loop $each_ky
              (br_if $done_ky (i32.ge_u (local.get $ky) (local.get $k)))
              (local.set $src (i32.add (local.get $at) (i32.mul (local.get $ky) (local.get $rowStride))))
              (local.set $end (i32.add (local.get $src) (i32.shl (local.get $kc) (i32.const 2))))
              (local.set $w (i32.add (i32.add (local.get $wt) (i32.mul (local.get $ky) (local.get $wBlock))) (local.get $fb)))
              (block $done_j (loop $each_j
                (br_if $done_j (i32.ge_u (local.get $src) (local.get $end)))
                (local.set $v (v128.load32_splat (local.get $src)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $w)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $w)))))
                (local.set $src (i32.add (local.get $src) (i32.const 4)))
                (local.set $w (i32.add (local.get $w) (local.get $fBytes)))
                (br $each_j)))
              (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
              (br $each_ky)))
            (v128.store (i32.add (local.get $out) (local.get $fb)) (local.get $a0))
            (v128.store offset=16 (i32.add (local.get $out) (local.get $fb)) (local.get $a1))
            (local.set $fb (i32.add (local.get $fb) (i32.const 32)))
            (br $each_f)))
          (local.set $out (i32.add (local.get $out) (local.get $fBytes)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $each_x)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $each_y)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )

  ;; dWt[ky·kc + j][f] += Σ_{n, y, x} P[n][window row (y, x, ky)][j] · δ[n][y][x][f]
  ;; Sample by sample, so one sample's P and δ stay in the cache while every weight
  ;; sweeps them; each weight's 8-filter sum stays in two registers over the positions.
  (func (export "weightGradient")
    (param $p i32) (param $d i32) (param $dwt i32)
    (param $rows i32) (param $outH i32) (param $outW i32) (param $f8 i32) (param $k i32) (param $kc i32)
    (param $rowStride i32) (param $xStride i32) (param $yStride i32) (param $sampleStride i32)
    (local $fBytes i32) (local $dSample i32) (local $n i32) (local $ky i32) (local $j i32) (local $fb i32) (local $y i32)
    (local $sample i32) (local $dBase i32) (local $first i32) (local $src i32) (local $end i32) (local $dp i32) (local $dw i32)
    (local $a0 v128) (local $a1 v128) (local $v v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $dSample (i32.mul (i32.mul (local.get $outH) (local.get $outW)) (local.get $fBytes)))
    (local.set $n (i32.const 0))
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $sample (i32.add (local.get $p) (i32.mul (local.get $n) (local.get $sampleStride))))
      (local.set $dBase (i32.add (local.get $d) (i32.mul (local.get $n) (local.get $dSample))))
      (local.set $dw (local.get $dwt))
      (local.set $ky (i32.const 0))
      (block $done_ky (loop $each_ky
        (br_if $done_ky (i32.ge_u (local.get $ky) (local.get $k)))
        (local.set $j (i32.const 0))
        (block $done_j (loop $each_j
          (br_if $done_j (i32.ge_u (local.get $j) (local.get $kc)))
          ;; P at window row ky, value j, of output (0, 0).
          (local.set $first (i32.add (i32.add (local.get $sample) (i32.mul (local.get $ky) (local.get $rowStride)))
            (i32.shl (local.get $j) (i32.const 2))))
          (local.set $fb (i32.const 0))
          (block $done_f (loop $each_f
            (br_if $done_f (i32.ge_u (local.get $fb) (local.get $fBytes)))
            (local.set $a0 (v128.const i32x4 0 0 0 0))
            (local.set $a1 (v128.const i32x4 0 0 0 0))
            (local.set $dp (i32.add (local.get $dBase) (local.get $fb)))
            (local.set $y (i32.const 0))
            (block $done_y (loop $each_y
              (br_if $done_y (i32.ge_u (local.get $y) (local.get $outH)))
              (local.set $src (i32.add (local.get $first) (i32.mul (local.get $y) (local.get $yStride))))
              (local.set $end (i32.add (local.get $src) (i32.mul (local.get $outW) (local.get $xStride))))
              (block $done_x (loop $each_x
                (br_if $done_x (i32.ge_u (local.get $src) (local.get $end)))
                (local.set $v (v128.load32_splat (local.get $src)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $dp)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $dp)))))
                (local.set $src (i32.add (local.get $src) (local.get $xStride)))
                (local.set $dp (i32.add (local.get $dp) (local.get $fBytes)))
                (br $each_x)))
              (local.set $y (i32.add (local.get $y) (i32.const 1)))
              (br $each_y)))
            (v128.store (i32.add (local.get $dw) (local.get $fb))
              (f32x4.add (v128.load (i32.add (local.get $dw) (local.get $fb))) (local.get $a0)))
            (v128.store offset=16 (i32.add (local.get $dw) (local.get $fb))
              (f32x4.add (v128.load offset=16 (i32.add (local.get $dw) (local.get $fb))) (local.get $a1)))
            (local.set $fb (i32.add (local.get $fb) (i32.const 32)))
            (br $each_f)))
          (local.set $dw (i32.add (local.get $dw) (local.get $fBytes)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $each_j)))
        (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
        (br $each_ky)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )

  ;; dP[n][window row (y, x, ky)][j] += Σ_f δ[n][y][x][f] · Wk[f][ky][j]
  ;; Eight window values (two vectors) at a time: each δ, splat across a vector,
  ;; serves 8. A window row padded to KC8 spills past its k·C values into the next
  ;; ones (or the region's slack) and adds zero there: Wk's padding is zero.
  (func (export "inputGradient")
    (param $d i32) (param $wk i32) (param $dp i32)
    (param $rows i32) (param $outH i32) (param $outW i32) (param $f8 i32) (param $f i32) (param $k i32) (param $kc8 i32)
    (param $rowStride i32) (param $xStride i32) (param $yStride i32) (param $sampleStride i32)
    (local $fBytes i32) (local $rowBytes i32) (local $filterStride i32) (local $n i32) (local $y i32) (local $x i32) (local $ky i32)
    (local $sample i32) (local $rowAt i32) (local $at i32) (local $dst i32) (local $end i32) (local $wRow i32) (local $w i32)
    (local $pos i32) (local $dd i32) (local $dEnd i32)
    (local $a0 v128) (local $a1 v128) (local $v v128)
    (local.set $fBytes (i32.shl (local.get $f8) (i32.const 2)))
    (local.set $rowBytes (i32.shl (local.get $kc8) (i32.const 2)))
    (local.set $filterStride (i32.mul (local.get $k) (local.get $rowBytes)))
    (local.set $pos (local.get $d))
    (local.set $n (i32.const 0))
    (block $done_n (loop $each_n
      (br_if $done_n (i32.ge_u (local.get $n) (local.get $rows)))
      (local.set $sample (i32.add (local.get $dp) (i32.mul (local.get $n) (local.get $sampleStride))))
      (local.set $y (i32.const 0))
      (block $done_y (loop $each_y
        (br_if $done_y (i32.ge_u (local.get $y) (local.get $outH)))
        (local.set $rowAt (i32.add (local.get $sample) (i32.mul (local.get $y) (local.get $yStride))))
        (local.set $x (i32.const 0))
        (block $done_x (loop $each_x
          (br_if $done_x (i32.ge_u (local.get $x) (local.get $outW)))
          (local.set $at (i32.add (local.get $rowAt) (i32.mul (local.get $x) (local.get $xStride))))
          (local.set $dEnd (i32.add (local.get $pos) (i32.shl (local.get $f) (i32.const 2))))
          (local.set $ky (i32.const 0))
          (block $done_ky (loop $each_ky
            (br_if $done_ky (i32.ge_u (local.get $ky) (local.get $k)))
            (local.set $dst (i32.add (local.get $at) (i32.mul (local.get $ky) (local.get $rowStride))))
            (local.set $end (i32.add (local.get $dst) (local.get $rowBytes)))
            (local.set $wRow (i32.add (local.get $wk) (i32.mul (local.get $ky) (local.get $rowBytes))))
            (block $done_j (loop $each_j
              (br_if $done_j (i32.ge_u (local.get $dst) (local.get $end)))
              (local.set $a0 (v128.load (local.get $dst)))
              (local.set $a1 (v128.load offset=16 (local.get $dst)))
              (local.set $w (local.get $wRow))
              (local.set $dd (local.get $pos))
              (block $done_f (loop $each_f
                (br_if $done_f (i32.ge_u (local.get $dd) (local.get $dEnd)))
                (local.set $v (v128.load32_splat (local.get $dd)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $v) (v128.load (local.get $w)))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $v) (v128.load offset=16 (local.get $w)))))
                (local.set $dd (i32.add (local.get $dd) (i32.const 4)))
                (local.set $w (i32.add (local.get $w) (local.get $filterStride)))
                (br $each_f)))
              (v128.store (local.get $dst) (local.get $a0))
              (v128.store offset=16 (local.get $dst) (local.get $a1))
              (local.set $dst (i32.add (local.get $dst) (i32.const 32)))
              (local.set $wRow (i32.add (local.get $wRow) (i32.const 32)))
              (br $each_j)))
            (local.set $ky (i32.add (local.get $ky) (i32.const 1)))
            (br $each_ky)))
          (local.set $pos (i32.add (local.get $pos) (local.get $fBytes)))
          (local.set $x (i32.add (local.get $x) (i32.const 1)))
          (br $each_x)))
        (local.set $y (i32.add (local.get $y) (i32.const 1)))
        (br $each_y)))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_n)))
  )
)
