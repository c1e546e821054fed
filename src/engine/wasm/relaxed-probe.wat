;; c + a·b as the fused kernels' running sums compute it (f32x4.relaxed_madd), in a module
;; small enough for the page's first script: valid only where relaxed SIMD is, and telling
;; whether this CPU rounds the multiply-add once (see features.ts).
(module
  (func (export "multiplyAdd") (param $a f32) (param $b f32) (param $c f32) (result f32)
    (f32x4.extract_lane 0
      (f32x4.relaxed_madd (f32x4.splat (local.get $a)) (f32x4.splat (local.get $b)) (f32x4.splat (local.get $c))))))
