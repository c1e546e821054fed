;; Valid only where WebAssembly has 128-bit SIMD, which every kernel needs (see features.ts).
(module
  (func (export "zero") (result v128)
    (v128.const i32x4 0 0 0 0)))
