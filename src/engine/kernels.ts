import { kernelModule } from './wasm/dense-kernels.ts';

/**
 * Which code runs the dense layers' products: WebAssembly SIMD ('wasm', see
 * wasm/kernels.wat), or the TypeScript loops ('ts'), which are the reference the
 * kernels are tested against and the fallback where WebAssembly SIMD is missing.
 * With 'wasm', the sparse first layer keeps its parameters in WebAssembly memory,
 * where the optimizer's kernels (wasm/optimizer-kernels.wat) update them in place.
 */
export type Kernels = 'wasm' | 'ts';

/** 'wasm' where this runtime can run the kernels, else 'ts'. */
export function bestKernels(): Kernels {
  return kernelModule() ? 'wasm' : 'ts';
}
