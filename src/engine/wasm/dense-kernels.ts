import { compileKernels } from './compile.ts';
import { KERNELS_FUSED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.ts';

/** The exports of kernels.wat: pointers are byte offsets, sizes count floats, all padded (see there). */
interface KernelExports {
  forward(x: number, w: number, b: number, z: number, rows: number, k: number, n: number): void;
  inputGradient(delta: number, w: number, dx: number, rows: number, k: number, n: number): void;
  weightGradient(delta: number, x: number, dw: number, rows: number, k: number, n: number): void;
}

const compiled: { plain?: WebAssembly.Module | null; fused?: WebAssembly.Module | null } = {};

/**
 * The dense products of kernels.wat, or null where they cannot run here (see compile.ts);
 * `fused`: its twin whose running sums are relaxed multiply-adds, null where relaxed SIMD is missing.
 */
export function kernelModule(fused = false): WebAssembly.Module | null {
  const which = fused ? 'fused' : 'plain';
  if (compiled[which] === undefined) compiled[which] = compileKernels(fused ? KERNELS_FUSED_WASM_BASE64 : KERNELS_WASM_BASE64);
  return compiled[which];
}

const PAGE_BYTES = 65536;

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * Copies `rows` rows of `length` floats from `from` (rows `fromStride` apart) to
 * `to` (rows `toStride` apart): between a layer's arrays and their padded copies.
 */
function copyRows(from: Float32Array, fromStart: number, fromStride: number, to: Float32Array, toStart: number, toStride: number, rows: number, length: number): void {
  if (fromStride === length && toStride === length) {
    to.set(from.subarray(fromStart, fromStart + rows * length), toStart);
    return;
  }
  for (let r = 0; r < rows; r++) {
    const start = fromStart + r * fromStride;
    to.set(from.subarray(start, start + length), toStart + r * toStride);
  }
}

/**
 * A dense layer's three products (forward, ∂W, ∂x) in WebAssembly SIMD. The layer
 * keeps its parameters in its own arrays, the optimizer's to update; this keeps
 * padded copies in a memory of its own, laid out as
 *   w (n4 × k8) | b (n4) | dw (n4 × k8) | x (rows4 × k8) | z, δ (rows4 × n4 each) | dx (rows4 × k8)
 * with k8, n4, rows4 the inputs, outputs and rows rounded up to 8, 4 and 4.
 * Copying in and out costs O(parameters + rows·(inputs + outputs)) per batch,
 * small beside the O(rows·parameters) products.
 */
export class WasmDenseKernels {
  private readonly inputs: number;
  private readonly outputs: number;
  private readonly k8: number;
  private readonly n4: number;
  private readonly memory: WebAssembly.Memory;
  private readonly kernels: KernelExports;
  /** A view of memory, made again whenever it grows. */
  private floats: Float32Array;
  private capacity = 0;
  // Float offsets of the regions.
  private readonly b: number;
  private readonly dw: number;
  private x = 0;
  private z = 0;
  private delta = 0;
  private dx = 0;

  constructor(inputs: number, outputs: number, module: WebAssembly.Module) {
    this.inputs = inputs;
    this.outputs = outputs;
    this.k8 = roundUp(inputs, 8);
    this.n4 = roundUp(outputs, 4);
    this.b = this.n4 * this.k8;
    this.dw = this.b + this.n4;
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as KernelExports;
    this.floats = new Float32Array(this.memory.buffer);
    this.reserve(4);
  }

  /** z = W·x + b for `rows` rows of `input`, written to `output` (rows × outputs). */
  forward(input: Float32Array, rows: number, weights: Float32Array, biases: Float32Array, output: Float32Array): void {
    this.reserve(rows);
    const { inputs, outputs, k8, n4, floats } = this;
    const rows4 = roundUp(rows, 4);
    copyRows(weights, 0, inputs, floats, 0, k8, outputs, inputs);
    floats.set(biases, this.b);
    copyRows(input, 0, inputs, floats, this.x, k8, rows, inputs);
    // Rows left from a larger batch would only reach z's padding, but 0·∞ in ∂W would not be 0.
    floats.fill(0, this.x + rows * k8, this.x + rows4 * k8);
    this.kernels.forward(4 * this.x, 0, 4 * this.b, 4 * this.z, rows4, k8, n4);
    copyRows(floats, this.z, n4, output, 0, outputs, rows, outputs);
  }

  /**
   * ∂L/∂W = δᵀ·x into `gradWeights`, and ∂L/∂x = δ·W into `inputDelta` when given,
   * for the input and weights of the last forward call.
   */
  backward(delta: Float32Array, rows: number, gradWeights: Float32Array, inputDelta: Float32Array | null): void {
    const { inputs, outputs, k8, n4, floats } = this;
    const rows4 = roundUp(rows, 4);
    copyRows(delta, 0, outputs, floats, this.delta, n4, rows, outputs);
    // ∂W sums over every row it is given: the padding rows of δ must add nothing.
    floats.fill(0, this.delta + rows * n4, this.delta + rows4 * n4);
    this.kernels.weightGradient(4 * this.delta, 4 * this.x, 4 * this.dw, rows4, k8, n4);
    copyRows(floats, this.dw, k8, gradWeights, 0, inputs, outputs, inputs);
    if (inputDelta) {
      this.kernels.inputGradient(4 * this.delta, 0, 4 * this.dx, rows4, k8, n4);
      copyRows(floats, this.dx, k8, inputDelta, 0, inputs, rows, inputs);
    }
  }

  /** Lays the batch regions out for at least `rows` rows, growing the memory if needed. */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const rows4 = roundUp(rows, 4);
    const { k8, n4 } = this;
    this.x = this.dw + n4 * k8;
    this.z = this.x + rows4 * k8;
    this.delta = this.z + rows4 * n4;
    this.dx = this.delta + rows4 * n4;
    const bytes = 4 * (this.dx + rows4 * k8);
    const pages = Math.ceil(bytes / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.memory.grow(pages);
    this.floats = new Float32Array(this.memory.buffer);
    // The padding of x and δ must hold zeros; regions moved over older ones may not.
    this.floats.fill(0, this.x);
    this.capacity = rows4;
  }
}
