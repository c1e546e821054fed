import { sharedMemoryRuns, WasmArena } from './arena.ts';
import { compileKernels } from './compile.ts';
import { optimizerModule, optimizerStateBytes } from './optimizer-kernels.ts';
import { KERNELS_FUSED_SHARED_WASM_BASE64, KERNELS_FUSED_WASM_BASE64, KERNELS_SHARED_WASM_BASE64, KERNELS_WASM_BASE64 } from './kernels.generated.ts';

/** The exports of kernels.wat: pointers are byte offsets, sizes count floats, all padded (see there). */
interface KernelExports {
  forward(x: number, w: number, b: number, z: number, rows: number, k: number, n: number): void;
  inputGradient(delta: number, w: number, dx: number, rows: number, k: number, n: number): void;
  weightGradient(delta: number, x: number, dw: number, rows: number, k: number, n: number, columns: number, accumulate: number): void;
}

const compiled: { [variant: string]: WebAssembly.Module | null } = {};
const SOURCES = {
  plain: KERNELS_WASM_BASE64,
  fused: KERNELS_FUSED_WASM_BASE64,
  shared: KERNELS_SHARED_WASM_BASE64,
  fusedShared: KERNELS_FUSED_SHARED_WASM_BASE64,
};

/**
 * The dense products of kernels.wat, or null where they cannot run here (see compile.ts);
 * `fused`: its twin whose running sums are relaxed multiply-adds, null where relaxed SIMD is missing;
 * `shared`: the twin of either for a shared memory.
 */
export function kernelModule(fused = false, shared = false): WebAssembly.Module | null {
  const which = fused ? (shared ? 'fusedShared' : 'fused') : shared ? 'shared' : 'plain';
  if (compiled[which] === undefined) compiled[which] = compileKernels(SOURCES[which]);
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

/** Rows a twin takes at a time: half of DENSE_KERNEL_ROWS, the second half of the largest batch one call takes whole. */
export const TWIN_ROWS = DENSE_KERNEL_ROWS / 2;

/**
 * Bytes of a dense layer's kernel memory (WasmDenseKernels): its regions, those of its twin where it
 * has one (hostsTwin), the optimizer's state, and room for another shard's gradient of the weights
 * and biases (ArenaAddend).
 */
export function denseKernelBytes(inputs: number, outputs: number, twin = hostsTwin(inputs)): number {
  const { k8, n4 } = padded(inputs, outputs);
  const cost = (length: number) => WasmArena.cost(length, 4);
  const batch = (rows: number) => cost(n4 * k8) + cost(outputs) + 2 * cost(rows * k8) + 2 * cost(rows * n4);
  const regions = cost(n4 * k8) + cost(n4) + batch(DENSE_KERNEL_ROWS) + (twin ? batch(TWIN_ROWS) : 0);
  return regions + optimizerStateBytes(inputs, outputs) + cost(inputs * outputs) + cost(outputs);
}

/** Whether a layer with this many inputs keeps its weights in its kernels' memory: rows of them then need no padding. */
export function weightsInKernelMemory(inputs: number): boolean {
  return inputs % 8 === 0;
}

/**
 * Whether a dense layer with this many inputs keeps a twin's regions in a shared memory (DenseTwin):
 * where its weights live in its kernels' memory, and memories can be shared here.
 */
export function hostsTwin(inputs: number): boolean {
  return weightsInKernelMemory(inputs) && sharedMemoryRuns();
}

/**
 * A replica of a dense layer that computes in the layer's own memory, in another worker or this
 * one (the second half of each batch, engine/shards.ts): it reads the layer's weights and biases
 * where they lie (byte offsets w and b), and has its own batch regions and gradient there (dw …
 * delta), where the layer's optimizer step reads it. So neither the parameters nor that gradient
 * are copied per batch. Plain numbers and a shared memory: a worker can be sent it.
 */
export interface DenseTwin {
  memory: WebAssembly.Memory;
  w: number;
  b: number;
  dw: number;
  db: number;
  x: number;
  dx: number;
  z: number;
  delta: number;
  /** The layer's own batch regions, where the twin computes rows of the layer's gradient (RowShare). */
  host: ShardRegions;
}

/** Where one half of a batch lies in a layer's memory (byte offsets): its inputs x, its δ (rows n4 apart) and its weight gradient. */
export interface ShardRegions {
  x: number;
  delta: number;
  dw: number;
}

/**
 * The rows [from, to) of the weight gradient (output units, multiples of 4 or the padded end) that a
 * backward pass computes, the rest left to the other worker; `ready` is called once its δ and x are
 * in the memory, where that worker reads them for the rest (weightGradientRows).
 */
export interface RowShare {
  from: number;
  to: number;
  ready(): void;
}

function padded(inputs: number, outputs: number) {
  return { k8: roundUp(inputs, 8), n4: roundUp(outputs, 4) };
}

/**
 * A dense layer's three products (forward, ∂W, ∂x) in WebAssembly SIMD, on a memory of fixed
 * size (a WasmArena) laid out as
 *   w (n4 × k8) | b (n4) | dw (n4 × k8) | db (n) | x, dx (DENSE_KERNEL_ROWS × k8 each) | z, δ (DENSE_KERNEL_ROWS × n4 each)
 * with k8 and n4 the inputs and outputs rounded up to 8 and 4, then, where it hosts a twin, the
 * twin's dw … δ (TWIN_ROWS rows), then the optimizer's state and room for another shard's gradient.
 * Where the inputs come in eights, w's rows need no padding: the layer's weights, biases and
 * their gradients are views of this memory (`weights` … `gradBiases`), so nothing of them is
 * copied per batch and the optimizer's kernels step them in place. Otherwise the layer keeps
 * its weights and their gradient, copied in and out each batch, and only the biases live here.
 */
export class WasmDenseKernels {
  /** The memory this layer owns, null for a twin's (which computes in another layer's). */
  readonly arena: WasmArena | null;
  /** The twin's regions in this layer's memory, where it has them (hostsTwin). */
  readonly twin: DenseTwin | null = null;
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
  /** Rows the batch regions hold: a batch with more goes through in parts. */
  private readonly rows: number;
  private readonly w: Float32Array;
  private readonly dw: Float32Array;
  private readonly x: Float32Array;
  private readonly dx: Float32Array;
  private readonly z: Float32Array;
  private readonly delta: Float32Array;
  /** x, δ and dw's offsets: this half's regions, where a twin computes rows of its gradient. */
  private readonly regions: ShardRegions;

  /**
   * `fused`: the kernels whose running sums are relaxed multiply-adds. With `twin`, the kernels of
   * that twin, in the memory of the layer that made it.
   */
  constructor(inputs: number, outputs: number, fused: boolean, twin?: DenseTwin) {
    this.inputs = inputs;
    this.outputs = outputs;
    const { k8, n4 } = padded(inputs, outputs);
    this.k8 = k8;
    this.n4 = n4;
    const hosts = !twin && hostsTwin(inputs) && kernelModule(fused, true) !== null && optimizerModule(true) !== null;
    const arena = twin ? null : new WasmArena(denseKernelBytes(inputs, outputs, hosts), hosts);
    this.arena = arena;
    const memory = twin?.memory ?? (arena as WasmArena).memory;
    // Not `memory.buffer instanceof SharedArrayBuffer`: a page without cross-origin isolation has no such global.
    const module = kernelModule(fused, twin !== undefined || hosts);
    if (!module) throw new Error('The WebAssembly SIMD kernels do not run here: WebAssembly or its SIMD instructions are missing');
    this.kernels = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as KernelExports;
    const at = (offset: number, length: number) => new Float32Array(memory.buffer, offset, length);
    const take = twin ? (length: number, offset: number) => at(offset, length) : (length: number) => (arena as WasmArena).floats(length);
    this.w = take(n4 * k8, twin?.w ?? 0);
    this.biases = take(n4, twin?.b ?? 0).subarray(0, outputs);
    this.dw = take(n4 * k8, twin?.dw ?? 0);
    this.gradBiases = take(outputs, twin?.db ?? 0);
    const rows = (this.rows = twin ? TWIN_ROWS : DENSE_KERNEL_ROWS);
    this.x = take(rows * k8, twin?.x ?? 0);
    this.dx = take(rows * k8, twin?.dx ?? 0);
    this.z = take(rows * n4, twin?.z ?? 0);
    this.delta = take(rows * n4, twin?.delta ?? 0);
    this.regions = { x: this.x.byteOffset, delta: this.delta.byteOffset, dw: this.dw.byteOffset };
    if (arena && hosts) {
      const offset = (length: number) => arena.floats(length).byteOffset;
      this.twin = {
        memory: arena.memory,
        w: this.w.byteOffset,
        b: this.biases.byteOffset,
        dw: offset(n4 * k8),
        db: offset(outputs),
        x: offset(TWIN_ROWS * k8),
        dx: offset(TWIN_ROWS * k8),
        z: offset(TWIN_ROWS * n4),
        delta: offset(TWIN_ROWS * n4),
        host: this.regions,
      };
    }
    arena?.seal();
    const resident = weightsInKernelMemory(inputs);
    this.weights = resident ? this.w.subarray(0, outputs * inputs) : null;
    this.gradWeights = resident ? this.dw.subarray(0, outputs * inputs) : null;
  }

  /** The gradient the twin's last backward pass left (weights, biases), where this layer has a twin. */
  twinGradients(): [Float32Array, Float32Array] | null {
    const { twin, inputs, outputs } = this;
    if (!twin) return null;
    return [new Float32Array(twin.memory.buffer, twin.dw, outputs * inputs), new Float32Array(twin.memory.buffer, twin.db, outputs)];
  }

  /** z = W·x + b for `rows` rows of `input`, written to `output` (rows × outputs); `weights` is the layer's. */
  forward(input: Float32Array, rows: number, weights: Float32Array, output: Float32Array): void {
    const { inputs, outputs, k8, n4, x, z } = this;
    if (weights !== this.weights) copyRows(weights, 0, inputs, this.w, 0, k8, outputs, inputs);
    for (let first = 0; first < rows; first += this.rows) {
      const count = Math.min(this.rows, rows - first);
      this.load(input, first, count);
      this.kernels.forward(x.byteOffset, this.w.byteOffset, this.biases.byteOffset, z.byteOffset, roundUp(count, 4), k8, n4);
      copyRows(z, 0, n4, output, first * outputs, outputs, count, outputs);
    }
  }

  /**
   * ∂L/∂W = δᵀ·x into `gradWeights` (the layer's), and ∂L/∂x = δ·W into `inputDelta` when given,
   * for `input` and the weights of the last forward call. With `share`, only its rows of ∂W, on a
   * batch the memory takes at once.
   */
  backward(input: Float32Array, delta: Float32Array, rows: number, gradWeights: Float32Array, inputDelta: Float32Array | null, share: RowShare | null = null): void {
    const { inputs, outputs, k8, n4, x, dx, dw } = this;
    if (share && rows > this.rows) throw new Error(`A batch whose weight gradient two workers share by rows must fit the kernels' ${this.rows} rows`);
    for (let first = 0; first < rows; first += this.rows) {
      const count = Math.min(this.rows, rows - first);
      const count4 = roundUp(count, 4);
      // A batch of one part still has its rows in x from the forward pass.
      if (rows > this.rows) this.load(input, first, count);
      copyRows(delta, first * outputs, outputs, this.delta, 0, n4, count, outputs);
      // ∂W sums over every row it is given: the padding rows of δ must add nothing.
      this.delta.fill(0, count * n4, count4 * n4);
      if (share) {
        share.ready();
        this.weightGradientRows(this.regions, count, share.from, share.to);
      } else {
        this.kernels.weightGradient(this.delta.byteOffset, x.byteOffset, dw.byteOffset, count4, k8, n4, n4, first > 0 ? 1 : 0);
      }
      if (inputDelta) {
        this.kernels.inputGradient(this.delta.byteOffset, this.w.byteOffset, dx.byteOffset, count4, k8, n4);
        copyRows(dx, 0, k8, inputDelta, first * inputs, inputs, count, inputs);
      }
    }
    if (gradWeights !== this.gradWeights) copyRows(dw, 0, k8, gradWeights, 0, inputs, outputs, inputs);
  }

  /**
   * Rows [from, to) of the weight gradient of a half of `rows` rows whose x and δ lie in `half`'s
   * regions of this memory, into its dw: the same bits as that half's own backward pass computes.
   */
  weightGradientRows(half: ShardRegions, rows: number, from: number, to: number): void {
    const { k8, n4 } = this;
    this.kernels.weightGradient(half.delta + 4 * from, half.x, half.dw + 4 * from * k8, roundUp(rows, 4), k8, to - from, n4, 0);
  }

  /** Rows [first, first + count) of `input` into x, its padding rows zeroed (0·∞ in ∂W would not be 0). */
  private load(input: Float32Array, first: number, count: number): void {
    const { inputs, k8, x } = this;
    copyRows(input, first * inputs, inputs, x, 0, k8, count, inputs);
    x.fill(0, count * k8, roundUp(count, 4) * k8);
  }
}
