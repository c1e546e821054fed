import { WasmArena } from './arena.ts';
import { compileKernels } from './compile.ts';
import { optimizerStateBytes } from './optimizer-kernels.ts';
import { KERNELS_FUSED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.ts';

/** The exports of kernels.wat: pointers are byte offsets, sizes count floats, all padded (see there). */
interface KernelExports {
  forward(x: number, w: number, b: number, z: number, rows: number, k: number, n: number): void;
  inputGradient(delta: number, w: number, dx: number, rows: number, k: number, n: number): void;
  weightGradient(delta: number, x: number, dw: number, rows: number, k: number, n: number, accumulate: number): void;
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
 * Rows the kernels take at a time, which fixes the memory's size: a larger batch goes through in
 * parts, its outputs row by row and its weight gradient summed part after part in row order, so
 * the bits are those of one call. Training batches and their halves are seldom larger.
 */
export const DENSE_KERNEL_ROWS = 128;

/**
 * Bytes of a dense layer's kernel memory (WasmDenseKernels): its regions, the optimizer's state, and
 * room for another shard's gradient of the weights and biases (ArenaAddend).
 */
export function denseKernelBytes(inputs: number, outputs: number): number {
  const { k8, n4 } = padded(inputs, outputs);
  const cost = (length: number) => WasmArena.cost(length, 4);
  const regions = 2 * cost(n4 * k8) + cost(n4) + cost(outputs) + 2 * cost(DENSE_KERNEL_ROWS * k8) + 2 * cost(DENSE_KERNEL_ROWS * n4);
  return regions + optimizerStateBytes(inputs, outputs) + cost(inputs * outputs) + cost(outputs);
}

/** Whether a layer with this many inputs keeps its weights in its kernels' memory: rows of them then need no padding. */
export function weightsInKernelMemory(inputs: number): boolean {
  return inputs % 8 === 0;
}

function padded(inputs: number, outputs: number) {
  return { k8: roundUp(inputs, 8), n4: roundUp(outputs, 4) };
}

/**
 * A dense layer's three products (forward, ∂W, ∂x) in WebAssembly SIMD, on a memory of fixed
 * size (a WasmArena) laid out as
 *   w (n4 × k8) | b (n4) | dw (n4 × k8) | db (n) | x, dx (DENSE_KERNEL_ROWS × k8 each) | z, δ (DENSE_KERNEL_ROWS × n4 each)
 * with k8 and n4 the inputs and outputs rounded up to 8 and 4, then the optimizer's state and
 * room for another shard's gradient.
 * Where the inputs come in eights, w's rows need no padding: the layer's weights, biases and
 * their gradients are views of this memory (`weights` … `gradBiases`), so nothing of them is
 * copied per batch and the optimizer's kernels step them in place. Otherwise the layer keeps
 * its weights and their gradient, copied in and out each batch, and only the biases live here.
 */
export class WasmDenseKernels {
  readonly arena: WasmArena;
  /** The layer's weights (n × k, output-major) and their gradient, where the inputs come in eights; else null. */
  readonly weights: Float32Array | null;
  readonly gradWeights: Float32Array | null;
  readonly biases: Float32Array;
  readonly gradBiases: Float32Array;
  private readonly inputs: number;
  private readonly outputs: number;
  private readonly k8: number;
  private readonly n4: number;
  private readonly kernels: KernelExports;
  private readonly w: Float32Array;
  private readonly dw: Float32Array;
  private readonly x: Float32Array;
  private readonly dx: Float32Array;
  private readonly z: Float32Array;
  private readonly delta: Float32Array;

  constructor(inputs: number, outputs: number, module: WebAssembly.Module) {
    this.inputs = inputs;
    this.outputs = outputs;
    const { k8, n4 } = padded(inputs, outputs);
    this.k8 = k8;
    this.n4 = n4;
    const arena = new WasmArena(denseKernelBytes(inputs, outputs));
    this.arena = arena;
    this.kernels = new WebAssembly.Instance(module, { env: { memory: arena.memory } }).exports as unknown as KernelExports;
    this.w = arena.floats(n4 * k8);
    this.biases = arena.floats(n4).subarray(0, outputs);
    this.dw = arena.floats(n4 * k8);
    this.gradBiases = arena.floats(outputs);
    this.x = arena.floats(DENSE_KERNEL_ROWS * k8);
    this.dx = arena.floats(DENSE_KERNEL_ROWS * k8);
    this.z = arena.floats(DENSE_KERNEL_ROWS * n4);
    this.delta = arena.floats(DENSE_KERNEL_ROWS * n4);
    arena.seal();
    const resident = weightsInKernelMemory(inputs);
    this.weights = resident ? this.w.subarray(0, outputs * inputs) : null;
    this.gradWeights = resident ? this.dw.subarray(0, outputs * inputs) : null;
  }

  /** z = W·x + b for `rows` rows of `input`, written to `output` (rows × outputs); `weights` is the layer's. */
  forward(input: Float32Array, rows: number, weights: Float32Array, output: Float32Array): void {
    const { inputs, outputs, k8, n4, x, z } = this;
    if (weights !== this.weights) copyRows(weights, 0, inputs, this.w, 0, k8, outputs, inputs);
    for (let first = 0; first < rows; first += DENSE_KERNEL_ROWS) {
      const count = Math.min(DENSE_KERNEL_ROWS, rows - first);
      this.load(input, first, count);
      this.kernels.forward(x.byteOffset, this.w.byteOffset, this.biases.byteOffset, z.byteOffset, roundUp(count, 4), k8, n4);
      copyRows(z, 0, n4, output, first * outputs, outputs, count, outputs);
    }
  }

  /**
   * ∂L/∂W = δᵀ·x into `gradWeights` (the layer's), and ∂L/∂x = δ·W into `inputDelta` when given,
   * for `input` and the weights of the last forward call.
   */
  backward(input: Float32Array, delta: Float32Array, rows: number, gradWeights: Float32Array, inputDelta: Float32Array | null): void {
    const { inputs, outputs, k8, n4, x, dx, dw } = this;
    for (let first = 0; first < rows; first += DENSE_KERNEL_ROWS) {
      const count = Math.min(DENSE_KERNEL_ROWS, rows - first);
      const count4 = roundUp(count, 4);
      // A batch of one part still has its rows in x from the forward pass.
      if (rows > DENSE_KERNEL_ROWS) this.load(input, first, count);
      copyRows(delta, first * outputs, outputs, this.delta, 0, n4, count, outputs);
      // ∂W sums over every row it is given: the padding rows of δ must add nothing.
      this.delta.fill(0, count * n4, count4 * n4);
      this.kernels.weightGradient(this.delta.byteOffset, x.byteOffset, dw.byteOffset, count4, k8, n4, first > 0 ? 1 : 0);
      if (inputDelta) {
        this.kernels.inputGradient(this.delta.byteOffset, this.w.byteOffset, dx.byteOffset, count4, k8, n4);
        copyRows(dx, 0, k8, inputDelta, first * inputs, inputs, count, inputs);
      }
    }
    if (gradWeights !== this.gradWeights) copyRows(dw, 0, k8, gradWeights, 0, inputs, outputs, inputs);
  }

  /** Rows [first, first + count) of `input` into x, its padding rows zeroed (0·∞ in ∂W would not be 0). */
  private load(input: Float32Array, first: number, count: number): void {
    const { inputs, k8, x } = this;
    copyRows(input, first * inputs, inputs, x, 0, k8, count, inputs);
    x.fill(0, count * k8, roundUp(count, 4) * k8);
  }
}
