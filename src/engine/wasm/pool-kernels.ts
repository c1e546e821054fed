import { compileKernels } from './compile.ts';
import { POOL_KERNELS_WASM_BASE64 } from './pool-kernels.generated.ts';

/** The exports of pool-kernels.wat: pointers, steps and channels in bytes. */
interface PoolKernelExports {
  maxForward(
    input: number, output: number, winners: number, rows: number, inputBytes: number,
    outHeight: number, outWidth: number, channelBytes: number, poolSize: number, stepY: number, stepX: number, rowBytes: number,
  ): void;
  maxForward2(
    input: number, output: number, winners: number, rows: number, inputBytes: number,
    outHeight: number, outWidth: number, channelBytes: number, stepY: number, stepX: number, rowBytes: number,
  ): void;
  maxBackward(delta: number, winners: number, staged: number, rows: number, inputBytes: number, outputs: number): void;
  maxBackward2(delta: number, winners: number, staged: number, rows: number, inputBytes: number, outHeight: number, outWidth: number, channelBytes: number, rowBytes: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The pooling kernels compiled for this runtime, or null where WebAssembly SIMD is missing. */
export function poolKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileKernels(POOL_KERNELS_WASM_BASE64);
  return compiled;
}

const PAGE_BYTES = 65536;
/** Samples of input copied in (or of its gradient out) at a time: enough to make each kernel call long, few enough to stay in the cache and not to hold a second copy of a large batch. */
const STAGED_ROWS = 8;

/** Bytes of the memory a WasmMaxPool holds for batches of up to `rows` samples (whole pages). */
export function maxPoolMemoryBytes(inputSize: number, outputSize: number, rows: number): number {
  rows = Math.max(1, rows);
  return Math.max(1, Math.ceil((4 * (Math.min(rows, STAGED_ROWS) * inputSize + 3 * rows * outputSize)) / PAGE_BYTES)) * PAGE_BYTES;
}

/**
 * Max pooling in WebAssembly, for maps whose channels are a multiple of 4: the forward
 * pass on SIMD vectors, the gradient as a scatter (on vectors too where 2 × 2 windows tile
 * the input, as in most networks). Its memory holds a few samples at a
 * time (of input copied in, or of the input's gradient to copy out), then the batch's
 * output, winners (each output's input index within its sample) and δ, which the layer
 * and the next one read and write in place through `output`, `winners` and `delta`:
 * views renewed whenever the memory grows.
 */
export class WasmMaxPool {
  output = new Float32Array(0);
  winners = new Int32Array(0);
  delta = new Float32Array(0);
  private readonly kernels: PoolKernelExports;
  private readonly memory: WebAssembly.Memory;
  private capacity = 0;
  private input = new Float32Array(0);

  constructor(
    private readonly inputShape: readonly [number, number, number],
    private readonly outputShape: readonly [number, number, number],
    private readonly poolSize: number,
    private readonly stride: number,
    module: WebAssembly.Module,
  ) {
    if (inputShape[2] % 4 !== 0) throw new Error(`The SIMD max pool takes channels in fours, not ${inputShape[2]}`);
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as PoolKernelExports;
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    const [height, width, channels] = this.inputShape;
    const inputSize = height * width * channels;
    const outputSize = this.outputShape[0] * this.outputShape[1] * channels;
    const pages = maxPoolMemoryBytes(inputSize, outputSize, rows) / PAGE_BYTES - this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.memory.grow(pages);
    const { buffer } = this.memory;
    this.input = new Float32Array(buffer, 0, Math.min(rows, STAGED_ROWS) * inputSize);
    this.output = new Float32Array(buffer, this.input.byteLength, rows * outputSize);
    this.winners = new Int32Array(buffer, this.input.byteLength + this.output.byteLength, rows * outputSize);
    this.delta = new Float32Array(buffer, this.winners.byteOffset + this.winners.byteLength, rows * outputSize);
    this.capacity = rows;
  }

  forward(input: Float32Array, rows: number): void {
    this.reserve(rows);
    const [height, width, channels] = this.inputShape;
    const [outHeight, outWidth] = this.outputShape;
    const inputSize = height * width * channels;
    const outputBytes = 4 * outHeight * outWidth * channels;
    const rowBytes = 4 * width * channels;
    for (let first = 0; first < rows; first += STAGED_ROWS) {
      const count = Math.min(STAGED_ROWS, rows - first);
      this.input.set(input.subarray(first * inputSize, (first + count) * inputSize));
      const output = this.output.byteOffset + first * outputBytes;
      const winners = this.winners.byteOffset + first * outputBytes;
      const stepY = this.stride * rowBytes;
      const stepX = 4 * this.stride * channels;
      if (this.poolSize === 2) this.kernels.maxForward2(this.input.byteOffset, output, winners, count, 4 * inputSize, outHeight, outWidth, 4 * channels, stepY, stepX, rowBytes);
      else this.kernels.maxForward(this.input.byteOffset, output, winners, count, 4 * inputSize, outHeight, outWidth, 4 * channels, this.poolSize, stepY, stepX, rowBytes);
    }
  }

  /** ∂L/∂in into `inputDelta` for `rows` samples, from `delta` and the last forward pass's winners. */
  backward(inputDelta: Float32Array, rows: number): void {
    const [height, width, channels] = this.inputShape;
    const inputSize = height * width * channels;
    const [outHeight, outWidth] = this.outputShape;
    const outputSize = outHeight * outWidth * channels;
    // Windows of 2 × 2, 2 apart, covering every input: no input is in two windows or in none.
    const tiled = this.poolSize === 2 && this.stride === 2 && height === 2 * outHeight && width === 2 * outWidth;
    for (let first = 0; first < rows; first += STAGED_ROWS) {
      const count = Math.min(STAGED_ROWS, rows - first);
      const delta = this.delta.byteOffset + 4 * first * outputSize;
      const winners = this.winners.byteOffset + 4 * first * outputSize;
      if (tiled) this.kernels.maxBackward2(delta, winners, this.input.byteOffset, count, 4 * inputSize, outHeight, outWidth, 4 * channels, 4 * width * channels);
      else this.kernels.maxBackward(delta, winners, this.input.byteOffset, count, 4 * inputSize, outputSize);
      inputDelta.set(this.input.subarray(0, count * inputSize), first * inputSize);
    }
  }

}
