import { convKernelModule } from './wasm/conv-kernels.ts';
import { kernelModule } from './wasm/dense-kernels.ts';
import { fusesMultiplyAdd, simdRuns } from './wasm/features.ts';

/**
 * Which code runs the dense and convolutional layers' products:
 * - 'fused': WebAssembly SIMD whose running sums are fused multiply-adds (relaxed SIMD's
 *   `f32x4.relaxed_madd`, one rounding per step): fastest where the CPU has them;
 * - 'wasm': the same kernels with a multiply and an add (wasm/kernels.wat, conv-kernels.wat);
 * - 'ts': the TypeScript loops, the reference the kernels are tested against and the
 *   fallback where WebAssembly SIMD is missing.
 * The three sum in the same order; 'fused' rounds differently, so a seed trains to the
 * same bits only on the same path (which the status and the model file name).
 * With WebAssembly, the sparse first layer keeps its parameters in WebAssembly memory,
 * where the optimizer's kernels (wasm/optimizer-kernels.wat) update them in place.
 */
export type Kernels = 'fused' | 'wasm' | 'ts';

export const KERNELS: readonly Kernels[] = ['fused', 'wasm', 'ts'];

/** Whether these kernels run in WebAssembly (either SIMD path). */
export function inWasm(kernels: Kernels): boolean {
  return kernels !== 'ts';
}

/**
 * 'fused' where this runtime has relaxed SIMD and the CPU rounds its multiply-add once,
 * else 'wasm' where it runs WebAssembly SIMD, else 'ts'.
 */
export function bestKernels(): Kernels {
  if (!simdRuns()) return 'ts';
  return fusesMultiplyAdd() ? 'fused' : 'wasm';
}

/**
 * Whether `kernels` run here as their name says: 'fused' only where the multiply-add is fused
 * (elsewhere its kernels compute, and a model file would wrongly record, the plain ones' bits).
 */
export function kernelsRunHere(kernels: Kernels): boolean {
  if (kernels === 'ts') return true;
  if (kernels === 'wasm') return kernelModule() !== null && convKernelModule() !== null;
  return fusesMultiplyAdd() && kernelModule(true) !== null && convKernelModule(true) !== null;
}
