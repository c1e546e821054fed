;; The sparse-input first layer's work around its products (kernels.wat's sparseRows):
;; finding a batch's non-zero pixels, grouping them by pixel for the weight gradient,
;; and the Sigmoid on its outputs. They share the layer's memory (sparse-kernels.ts),
;; where pointers are byte offsets and sizes count elements.
(module
  (import "env" "memory" (memory 1))

  ;; For each of `rows` input rows of `inputs` floats at $input, its non-zero pixels as
  ;; pairs (pixel[k], value[k]) from k = r·inputs on, and rowEnd[r] = the k past them;
  ;; the pixels non-zero in any row, in order of first sight, into active[] (their count
  ;; is returned); rowsOf[i] = how many rows pixel i is non-zero in. seenIn[i] = $pass
  ;; marks a pixel already listed, so nothing needs clearing between batches.
  ;; Four pixels are tested at once: most of an MNIST row is background, and a vector of
  ;; zeros is passed over with one comparison. -0 counts as zero, as `x === 0` does.
  (func (export "scan")
    (param $input i32) (param $rows i32) (param $inputs i32)
    (param $pixel i32) (param $value i32) (param $rowEnd i32)
    (param $seenIn i32) (param $rowsOf i32) (param $active i32) (param $pass i32)
    (result i32)
    (local $r i32) (local $i i32) (local $j i32) (local $k i32) (local $count i32)
    (local $row i32) (local $x f32) (local $p i32) (local $wide i32)
    (local.set $wide (i32.and (local.get $inputs) (i32.const -4)))
    (block $done_rows (loop $each_row
      (br_if $done_rows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $row (i32.add (local.get $input) (i32.shl (i32.mul (local.get $r) (local.get $inputs)) (i32.const 2))))
      (local.set $k (i32.mul (local.get $r) (local.get $inputs)))
      (local.set $i (i32.const 0))
      (block $done_pixels (loop $each_pixels
        (br_if $done_pixels (i32.ge_u (local.get $i) (local.get $inputs)))
        ;; A whole vector of zeros (not in the last, partial one) is skipped at once.
        (if (i32.and
              (i32.lt_u (local.get $i) (local.get $wide))
              (i32.eqz (v128.any_true (f32x4.ne
                (v128.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2))))
                (v128.const f32x4 0 0 0 0)))))
          (then
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $each_pixels)))
        ;; Else its pixels one by one (at most four, fewer at the row's end).
        (local.set $j (i32.const 0))
        (block $done_lanes (loop $each_lane
          (br_if $done_lanes (i32.or (i32.ge_u (local.get $j) (i32.const 4)) (i32.ge_u (local.get $i) (local.get $inputs))))
          (local.set $x (f32.load (i32.add (local.get $row) (i32.shl (local.get $i) (i32.const 2)))))
          (if (f32.ne (local.get $x) (f32.const 0))
            (then
              (i32.store (i32.add (local.get $pixel) (i32.shl (local.get $k) (i32.const 2))) (local.get $i))
              (f32.store (i32.add (local.get $value) (i32.shl (local.get $k) (i32.const 2))) (local.get $x))
              (local.set $k (i32.add (local.get $k) (i32.const 1)))
              (local.set $p (i32.shl (local.get $i) (i32.const 2)))
              (if (i32.ne (i32.load (i32.add (local.get $seenIn) (local.get $p))) (local.get $pass))
                (then
                  (i32.store (i32.add (local.get $seenIn) (local.get $p)) (local.get $pass))
                  (i32.store (i32.add (local.get $active) (i32.shl (local.get $count) (i32.const 2))) (local.get $i))
                  (local.set $count (i32.add (local.get $count) (i32.const 1)))
                  (i32.store (i32.add (local.get $rowsOf) (local.get $p)) (i32.const 0))))
              (i32.store (i32.add (local.get $rowsOf) (local.get $p))
                (i32.add (i32.load (i32.add (local.get $rowsOf) (local.get $p))) (i32.const 1)))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br $each_lane)))
        (br $each_pixels)))
      (i32.store (i32.add (local.get $rowEnd) (i32.shl (local.get $r) (i32.const 2))) (local.get $k))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $each_row)))
    (local.get $count))

  ;; The pairs scan found, grouped by pixel for the weight gradient: pixel i's rows where it
  ;; is non-zero, (bucketRow[e], bucketValue[e]) for e = bucketStart[i] … bucketEnd[i] − 1,
  ;; rows in order within each group. Only the $count active pixels get a group.
  (func (export "group")
    (param $rows i32) (param $inputs i32) (param $pixel i32) (param $value i32) (param $rowEnd i32)
    (param $active i32) (param $count i32) (param $rowsOf i32)
    (param $bucketStart i32) (param $bucketEnd i32) (param $bucketRow i32) (param $bucketValue i32)
    (local $n i32) (local $p i32) (local $offset i32) (local $r i32) (local $k i32) (local $end i32) (local $e i32)
    (block $done_groups (loop $each_group
      (br_if $done_groups (i32.ge_u (local.get $n) (local.get $count)))
      (local.set $p (i32.shl (i32.load (i32.add (local.get $active) (i32.shl (local.get $n) (i32.const 2)))) (i32.const 2)))
      (i32.store (i32.add (local.get $bucketStart) (local.get $p)) (local.get $offset))
      (i32.store (i32.add (local.get $bucketEnd) (local.get $p)) (local.get $offset))
      (local.set $offset (i32.add (local.get $offset) (i32.load (i32.add (local.get $rowsOf) (local.get $p)))))
      (local.set $n (i32.add (local.get $n) (i32.const 1)))
      (br $each_group)))
    (block $done_rows (loop $each_row
      (br_if $done_rows (i32.ge_u (local.get $r) (local.get $rows)))
      (local.set $k (i32.mul (local.get $r) (local.get $inputs)))
      (local.set $end (i32.load (i32.add (local.get $rowEnd) (i32.shl (local.get $r) (i32.const 2)))))
      (block $done_pairs (loop $each_pair
        (br_if $done_pairs (i32.ge_u (local.get $k) (local.get $end)))
        (local.set $p (i32.add (local.get $bucketEnd)
          (i32.shl (i32.load (i32.add (local.get $pixel) (i32.shl (local.get $k) (i32.const 2)))) (i32.const 2))))
        (local.set $e (i32.load (local.get $p)))
        (i32.store (local.get $p) (i32.add (local.get $e) (i32.const 1)))
        (i32.store (i32.add (local.get $bucketRow) (i32.shl (local.get $e) (i32.const 2))) (local.get $r))
        (f32.store (i32.add (local.get $bucketValue) (i32.shl (local.get $e) (i32.const 2)))
          (f32.load (i32.add (local.get $value) (i32.shl (local.get $k) (i32.const 2)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $each_pair)))
      (local.set $r (i32.add (local.get $r) (i32.const 1)))
      (br $each_row))))

  ;; e^x in float32, four lanes, as Cephes' expf: x = n·ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 in
  ;; two parts, so n·ln 2 is exact), e^r by a degree-7 polynomial, 2^n put in the exponent
  ;; bits. Within 2 ulp of e^x. x is clamped to [−87.3, 88], where 2^n stays a normal float;
  ;; NaN stays NaN.
  (func $exp (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128)
    (local.set $x (f32x4.max (f32x4.min (local.get $x) (v128.const f32x4 88 88 88 88))
      (v128.const f32x4 -87.3 -87.3 -87.3 -87.3)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x)
      (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r (f32x4.sub
      (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
      (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    ;; p·r² + r + 1
    (local.set $p (f32x4.add
      (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
      (v128.const f32x4 1 1 1 1)))
    (f32x4.mul (local.get $p)
      (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23))))

  ;; a = σ(z) = 1 / (1 + e^−z) in place on $length floats at $z. The last vector may run
  ;; past $length into the 16 bytes of slack every arena view is followed by.
  (func (export "sigmoid") (param $z i32) (param $length i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $z) (i32.shl (local.get $length) (i32.const 2))))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $z) (local.get $end)))
      (v128.store (local.get $z) (f32x4.div (v128.const f32x4 1 1 1 1)
        (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp (f32x4.neg (v128.load (local.get $z)))))))
      (local.set $z (i32.add (local.get $z) (i32.const 16)))
      (br $each))))
)
