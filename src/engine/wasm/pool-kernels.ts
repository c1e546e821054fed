import { compileKernels } from './compile.ts';
import { KernelMemory, type Tenant } from './kernel-memory.ts';
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

/** Bytes of a WasmMaxPool's regions for batches of up to `rows` samples. */
function maxPoolBytes(inputSize: number, outputSize: number, rows: number): number {
  return 4 * (Math.min(rows, STAGED_ROWS) * inputSize + 3 * rows * outputSize);
}

/** Bytes of the memory a WasmMaxPool holds for batches of up to `rows` samples, in a memory of its own (whole pages). */
export function maxPoolMemoryBytes(inputSize: number, outputSize: number, rows: number): number {
  return Math.max(1, Math.ceil(maxPoolBytes(inputSize, outputSize, Math.max(1, rows)) / PAGE_BYTES)) * PAGE_BYTES;
}

/**
 * Max pooling in WebAssembly, for maps whose channels are a multiple of 4: the forward
 * pass on SIMD vectors, the gradient as a scatter (on vectors too where 2 × 2 windows tile
 * the input, as in most networks). Its regions of a KernelMemory hold a few samples at a
 * time (of input copied in, or of the input's gradient to copy out), then the batch's
 * output, winners (each output's input index within its sample) and δ, which the layer
 * and the next one read and write in place through `output`, `winners` and `delta`:
 * views renewed whenever the memory is laid out again. An input that lies in the same
 * memory (a convolution's output below) is read there, and its gradient written there.
 */
export class WasmMaxPool implements Tenant {
  output = new Float32Array(0);
  winners = new Int32Array(0);
  delta = new Float32Array(0);
  private readonly kernels: PoolKernelExports;
  private readonly shared: KernelMemory;
  private input = new Float32Array(0);

  constructor(
    private readonly inputShape: readonly [number, number, number],
    private readonly outputShape: readonly [number, number, number],
    private readonly poolSize: number,
    private readonly stride: number,
    module: WebAssembly.Module,
    shared = new KernelMemory(),
  ) {
    if (inputShape[2] % 4 !== 0) throw new Error(`The SIMD max pool takes channels in fours, not ${inputShape[2]}`);
    this.shared = shared;
    this.kernels = new WebAssembly.Instance(module, { env: { memory: shared.memory } }).exports as unknown as PoolKernelExports;
    shared.join(this);
  }

  reserve(rows: number): void {
    this.shared.reserve(rows);
  }

  bytes(rows: number): number {
    return maxPoolBytes(...this.sizes(), rows);
  }

  place(memory: WebAssembly.Memory, base: number, rows: number): void {
    const [inputSize, outputSize] = this.sizes();
    const { buffer } = memory;
    this.input = new Float32Array(buffer, base, Math.min(rows, STAGED_ROWS) * inputSize);
    this.output = new Float32Array(buffer, this.input.byteOffset + this.input.byteLength, rows * outputSize);
    this.winners = new Int32Array(buffer, this.output.byteOffset + this.output.byteLength, rows * outputSize);
    this.delta = new Float32Array(buffer, this.winners.byteOffset + this.winners.byteLength, rows * outputSize);
  }

  forward(input: Float32Array, rows: number): void {
    this.reserve(rows);
    const [height, width, channels] = this.inputShape;
    const [outHeight, outWidth] = this.outputShape;
    const inputSize = height * width * channels;
    const outputBytes = 4 * outHeight * outWidth * channels;
    const rowBytes = 4 * width * channels;
    const stepY = this.stride * rowBytes;
    const stepX = 4 * this.stride * channels;
    const inPlace = this.shared.holds(input);
    // Otherwise a few samples at a time are copied in, while they are still in cache.
    const chunk = inPlace ? rows : STAGED_ROWS;
    for (let first = 0; first < rows; first += chunk) {
      const count = Math.min(chunk, rows - first);
      if (!inPlace) this.input.set(input.subarray(first * inputSize, (first + count) * inputSize));
      const from = inPlace ? input.byteOffset : this.input.byteOffset;
      const output = this.output.byteOffset + first * outputBytes;
      const winners = this.winners.byteOffset + first * outputBytes;
      if (this.poolSize === 2) this.kernels.maxForward2(from, output, winners, count, 4 * inputSize, outHeight, outWidth, 4 * channels, stepY, stepX, rowBytes);
      else this.kernels.maxForward(from, output, winners, count, 4 * inputSize, outHeight, outWidth, 4 * channels, this.poolSize, stepY, stepX, rowBytes);
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
    const inPlace = this.shared.holds(inputDelta);
    const chunk = inPlace ? rows : STAGED_ROWS;
    for (let first = 0; first < rows; first += chunk) {
      const count = Math.min(chunk, rows - first);
      const delta = this.delta.byteOffset + 4 * first * outputSize;
      const winners = this.winners.byteOffset + 4 * first * outputSize;
      const into = inPlace ? inputDelta.byteOffset : this.input.byteOffset;
      if (tiled) this.kernels.maxBackward2(delta, winners, into, count, 4 * inputSize, outHeight, outWidth, 4 * channels, 4 * width * channels);
      else this.kernels.maxBackward(delta, winners, into, count, 4 * inputSize, outputSize);
      if (!inPlace) inputDelta.set(this.input.subarray(0, count * inputSize), first * inputSize);
    }
  }

  /** Values per sample of the input and of the output. */
  private sizes(): [number, number] {
    const [height, width, channels] = this.inputShape;
    return [height * width * channels, this.outputShape[0] * this.outputShape[1] * channels];
  }
}
