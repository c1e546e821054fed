import { compileKernels } from './compile.ts';
import { RELAXED_PROBE_WASM_BASE64 } from './relaxed-probe.generated.ts';
import { SIMD_PROBE_WASM_BASE64 } from './simd-probe.generated.ts';

/**
 * What this runtime's WebAssembly can do, told by modules of a few dozen bytes rather than by
 * compiling the kernels: the page's first script sizes networks for the kernels its workers
 * will run (engine/network.ts, estimateTrainingBytes) and is built without the kernels' bytes.
 */
let simd: boolean | undefined;
let fuses: boolean | undefined;

/** Whether WebAssembly with 128-bit SIMD, which every kernel needs, runs here. */
export function simdRuns(): boolean {
  return (simd ??= compileKernels(SIMD_PROBE_WASM_BASE64) !== null);
}

/**
 * Whether relaxed SIMD runs here and rounds its multiply-add once, as a fused multiply-add:
 * (1 + 2⁻¹²)² − (1 + 2⁻¹¹) is 2⁻²⁴ when the product keeps all its bits, and 0 when it is
 * rounded to float32 first. Where relaxed SIMD compiles the multiply-add as a multiply and an
 * add, the fused kernels give the plain ones' bits, and this answers false.
 */
export function fusesMultiplyAdd(): boolean {
  if (fuses !== undefined) return fuses;
  const module = compileKernels(RELAXED_PROBE_WASM_BASE64);
  if (!module) return (fuses = false);
  const probe = new WebAssembly.Instance(module).exports as { multiplyAdd(a: number, b: number, c: number): number };
  return (fuses = probe.multiplyAdd(1 + 2 ** -12, 1 + 2 ** -12, -(1 + 2 ** -11)) !== 0);
}
