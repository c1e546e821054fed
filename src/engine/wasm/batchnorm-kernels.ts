import { compileKernels } from './compile.ts';
import { KernelMemory, type Tenant } from './kernel-memory.ts';
import { BATCHNORM_KERNELS_WASM_BASE64 } from './batchnorm-kernels.generated.ts';

/** The exports of batchnorm-kernels.wat: pointers and channels in bytes. */
interface BatchNormKernelExports {
  sumChannels(input: number, positions: number, channelBytes: number, sums: number): void;
  sumSquares(input: number, positions: number, channelBytes: number, mean: number, squares: number): void;
  normalise(input: number, normalised: number, output: number, positions: number, channelBytes: number, mean: number, inverse: number, scale: number, shift: number): void;
  sumDeltas(delta: number, normalised: number, positions: number, channelBytes: number, sums: number): void;
  passDown(delta: number, normalised: number, into: number, positions: number, channelBytes: number, means: number, gain: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The batch normalisation kernels compiled for this runtime, or null where WebAssembly SIMD is missing. */
export function batchNormKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileKernels(BATCHNORM_KERNELS_WASM_BASE64);
  return compiled;
}

const PAGE_BYTES = 65536;
/** Per-channel floats (scale, shift, 1/√(σ² + ε), the mean, the gain, two means of δ) and doubles (mean, and two sums), in values per channel. */
const CHANNEL_FLOATS = 7;
const CHANNEL_DOUBLES = 3;
/** Per row: the input's copy, x̂, the output, δ and the gradient passed down. */
const ROW_ARRAYS = 5;

/** Bytes of a WasmBatchNorm's regions for batches of up to `rows` samples of `size` values. */
function batchNormBytes(size: number, channels: number, rows: number): number {
  return 4 * CHANNEL_FLOATS * channels + 8 * CHANNEL_DOUBLES * channels + 4 * ROW_ARRAYS * rows * size;
}

/** Bytes of the memory a WasmBatchNorm holds for batches of up to `rows` samples of `size` values, in a memory of its own (whole pages). */
export function batchNormMemoryBytes(size: number, channels: number, rows: number): number {
  return Math.max(1, Math.ceil(batchNormBytes(size, channels, Math.max(1, rows)) / PAGE_BYTES)) * PAGE_BYTES;
}

/**
 * Batch normalisation's passes in WebAssembly SIMD, for maps whose channels are a multiple
 * of 4; the layer (batchnorm.ts) keeps its statistics and parameters in its own arrays and
 * hands each pass what it reads. The batch's arrays live in its regions of a KernelMemory:
 * the input is read where it lies when the layer below shares the memory, else copied in once
 * a forward pass; the next layer reads `output` and writes `delta` in place; the gradient
 * passed down goes straight to the layer below's δ when that shares the memory, else is copied
 * out. Views are renewed whenever the memory is laid out again.
 */
export class WasmBatchNorm implements Tenant {
  normalised = new Float32Array(0);
  output = new Float32Array(0);
  delta = new Float32Array(0);
  /** The copy of the input made where the layer below does not share the memory. */
  private input = new Float32Array(0);
  /** The batch the passes read: `input`, or the layer below's output in place. */
  private source: Float32Array = new Float32Array(0);
  private into = new Float32Array(0);
  private scale = new Float32Array(0);
  private shift = new Float32Array(0);
  private inverse = new Float32Array(0);
  private meanFloats = new Float32Array(0);
  private gain = new Float32Array(0);
  private deltaMeans = new Float32Array(0);
  private mean = new Float64Array(0);
  private sums = new Float64Array(0);
  private readonly kernels: BatchNormKernelExports;
  private readonly shared: KernelMemory;
  private readonly channelBytes: number;

  constructor(
    private readonly channels: number,
    private readonly size: number,
    module: WebAssembly.Module,
    shared = new KernelMemory(),
  ) {
    if (channels % 4 !== 0) throw new Error(`The SIMD batch normalisation takes channels in fours, not ${channels}`);
    this.channelBytes = 4 * channels;
    this.shared = shared;
    this.kernels = new WebAssembly.Instance(module, { env: { memory: shared.memory } }).exports as unknown as BatchNormKernelExports;
    shared.join(this);
  }

  reserve(rows: number): void {
    this.shared.reserve(rows);
  }

  bytes(rows: number): number {
    return batchNormBytes(this.size, this.channels, rows);
  }

  place(memory: WebAssembly.Memory, base: number, rows: number): void {
    const { channels, size } = this;
    const { buffer } = memory;
    let offset = base;
    const floats = (length: number) => {
      const view = new Float32Array(buffer, offset, length);
      offset += 4 * length;
      return view;
    };
    const doubles = (length: number) => {
      const view = new Float64Array(buffer, offset, length);
      offset += 8 * length;
      return view;
    };
    this.mean = doubles(channels);
    this.sums = doubles(2 * channels);
    this.scale = floats(channels);
    this.shift = floats(channels);
    this.inverse = floats(channels);
    this.meanFloats = floats(channels);
    this.gain = floats(channels);
    this.deltaMeans = floats(2 * channels);
    [this.input, this.normalised, this.output, this.delta, this.into] = Array.from({ length: ROW_ARRAYS }, () => floats(rows * size));
    this.source = this.input;
  }

  /** The batch's input, which the passes below read until the next load. */
  load(input: Float32Array, length: number): void {
    if (this.shared.holds(input)) {
      this.source = input;
      return;
    }
    this.source = this.input;
    this.input.set(input.subarray(0, length));
  }

  /** Σ x per channel into `sums`. */
  sumChannels(length: number, sums: Float64Array): void {
    this.kernels.sumChannels(this.source.byteOffset, length / this.channels, this.channelBytes, this.sums.byteOffset);
    sums.set(this.sums.subarray(0, this.channels));
  }

  /** Σ (x − mean)² per channel into `squares`. */
  sumSquares(length: number, mean: Float64Array, squares: Float64Array): void {
    this.mean.set(mean.subarray(0, this.channels));
    this.kernels.sumSquares(this.source.byteOffset, length / this.channels, this.channelBytes, this.mean.byteOffset, this.sums.byteOffset);
    squares.set(this.sums.subarray(0, this.channels));
  }

  /** x̂ into `normalised` and γ·x̂ + β into `output`, in float32 (`mean` rounded to floats). */
  normalise(length: number, mean: Float32Array, inverse: Float32Array, scale: Float32Array, shift: Float32Array): void {
    this.meanFloats.set(mean);
    this.inverse.set(inverse);
    this.scale.set(scale);
    this.shift.set(shift);
    this.kernels.normalise(
      this.source.byteOffset, this.normalised.byteOffset, this.output.byteOffset, length / this.channels, this.channelBytes,
      this.meanFloats.byteOffset, this.inverse.byteOffset, this.scale.byteOffset, this.shift.byteOffset,
    );
  }

  /** Σ δ then Σ δ·x̂ per channel into `sums` (2 × channels). */
  sumDeltas(length: number, sums: Float64Array): void {
    this.kernels.sumDeltas(this.delta.byteOffset, this.normalised.byteOffset, length / this.channels, this.channelBytes, this.sums.byteOffset);
    sums.set(this.sums);
  }

  /** The training gradient into `inputDelta`, from the floats γ·inverse and the means of δ and of δ·x̂ (2 × channels). */
  passDown(length: number, means: Float32Array, gain: Float32Array, inputDelta: Float32Array): void {
    this.deltaMeans.set(means);
    this.gain.set(gain);
    const inPlace = this.shared.holds(inputDelta);
    this.kernels.passDown(
      this.delta.byteOffset, this.normalised.byteOffset, inPlace ? inputDelta.byteOffset : this.into.byteOffset, length / this.channels, this.channelBytes,
      this.deltaMeans.byteOffset, this.gain.byteOffset,
    );
    if (!inPlace) inputDelta.set(this.into.subarray(0, length));
  }
}
