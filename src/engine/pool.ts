import { inWasm, type Kernels } from './kernels.ts';
import type { AvgPool2DSpec, FlattenSpec, Layer, MaxPool2DSpec, Shape } from './layer.ts';
import { shapeSize } from './layer.ts';
import type { ParamGroup } from './optimizers.ts';
import { poolKernelModule, WasmMaxPool } from './wasm/pool-kernels.ts';
import type { KernelMemory } from './wasm/kernel-memory.ts';

/** The shape a pool with no padding gives: windows that would cross the edge are left out (sizes below 1 where it does not fit). */
export function poolOutputShape([height, width, channels]: Shape, poolSize: number, stride: number): Shape {
  return [Math.floor((height - poolSize) / stride) + 1, Math.floor((width - poolSize) / stride) + 1, channels];
}

/** Whether a max pool on inputs of `inputShape` runs its forward pass on the SIMD kernel (its channels come in fours). */
export function usesWasmMaxPool(inputShape: Shape, kernels: Kernels): boolean {
  return inWasm(kernels) && inputShape[2] % 4 === 0 && poolKernelModule() !== null;
}

/**
 * Max pooling over poolSize × poolSize windows, `stride` apart, per channel, no
 * padding: out[y][x][c] = max over the window at (y·stride, x·stride) of in[·][·][c].
 * The gradient goes to the input that won each window (the first one, on ties).
 * On 'wasm' kernels, maps whose channels come in fours run both passes in
 * WebAssembly (wasm/pool-kernels.wat), which picks the same winners and adds the
 * same gradients.
 */
export class MaxPool2D implements Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly activation = null;
  readonly poolSize: number;
  readonly stride: number;
  output = new Float32Array(0);
  delta = new Float32Array(0);
  /** For each output value of the last forward batch: the index (within its sample) of the input that won. */
  private winners = new Int32Array(0);
  private capacity = 0;
  private readonly wasm: WasmMaxPool | null = null;

  /** `shared`: the memory its kernels lay their regions out in, beside the network's other layers' (one of their own by default). */
  constructor(spec: MaxPool2DSpec, kernels: Kernels = 'ts', shared?: KernelMemory) {
    const [height, width] = spec.inputShape;
    this.outputShape = poolOutputShape(spec.inputShape, spec.poolSize, spec.stride);
    if (this.outputShape[0] < 1 || this.outputShape[1] < 1) throw new Error(`A ${spec.poolSize}×${spec.poolSize} pool does not fit a ${height}×${width} input`);
    this.inputShape = spec.inputShape;
    this.poolSize = spec.poolSize;
    this.stride = spec.stride;
    if (usesWasmMaxPool(spec.inputShape, kernels)) {
      this.wasm = new WasmMaxPool(spec.inputShape, this.outputShape, spec.poolSize, spec.stride, poolKernelModule() as WebAssembly.Module, shared);
    }
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    const size = rows * shapeSize(this.outputShape);
    if (this.wasm) {
      this.wasm.reserve(rows);
      ({ output: this.output, winners: this.winners, delta: this.delta } = this.wasm);
      return;
    }
    this.delta = new Float32Array(size);
    this.output = new Float32Array(size);
    this.winners = new Int32Array(size);
  }

  forward(input: Float32Array, rows: number): Float32Array {
    this.reserve(rows);
    if (this.wasm) {
      this.wasm.forward(input, rows);
      return this.output;
    }
    const [, width, channels] = this.inputShape;
    const [outHeight, outWidth] = this.outputShape;
    const { poolSize, stride, output, winners } = this;
    const inputSize = shapeSize(this.inputShape);
    const rowLength = width * channels;
    const step = stride * channels;
    // Channels innermost, so each window value is read as a run of `channels` consecutive
    // floats: the window's first value of every channel starts the race, then each later
    // one (row by row) replaces it only if strictly greater, the order and test of a
    // window scanned one channel at a time.
    let at = 0;
    for (let r = 0; r < rows; r++) {
      const sample = r * inputSize;
      for (let y = 0; y < outHeight; y++) {
        for (let x = 0; x < outWidth; x++) {
          // The window's first value of channel 0, within the sample.
          const corner = y * stride * rowLength + x * step;
          for (let c = 0; c < channels; c++) {
            output[at + c] = input[sample + corner + c];
            winners[at + c] = corner + c;
          }
          for (let py = 0; py < poolSize; py++) {
            for (let px = py === 0 ? 1 : 0; px < poolSize; px++) {
              const first = corner + py * rowLength + px * channels;
              const from = sample + first;
              for (let c = 0; c < channels; c++) {
                const value = input[from + c];
                if (value > output[at + c]) {
                  output[at + c] = value;
                  winners[at + c] = first + c;
                }
              }
            }
          }
          at += channels;
        }
      }
    }
    return output;
  }

  /** ∂L/∂in[i] = Σ of δ over the windows that input i won. */
  backward(_input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    if (!inputDelta) return;
    if (this.wasm) return this.wasm.backward(inputDelta, rows);
    const inputSize = shapeSize(this.inputShape);
    const outputSize = shapeSize(this.outputShape);
    const { delta, winners } = this;
    inputDelta.fill(0, 0, rows * inputSize);
    for (let r = 0; r < rows; r++) {
      const sample = r * inputSize;
      for (let o = r * outputSize; o < (r + 1) * outputSize; o++) inputDelta[sample + winners[o]] += delta[o];
    }
  }

  paramGroups(): ParamGroup[] {
    return [];
  }

  toSpec(): MaxPool2DSpec {
    return { type: 'maxpool2d', inputShape: this.inputShape, poolSize: this.poolSize, stride: this.stride };
  }
}

/**
 * Average pooling over poolSize × poolSize windows, `stride` apart, per channel, no
 * padding: out[y][x][c] = (1/k²)·Σ over the window at (y·stride, x·stride) of in[·][·][c],
 * with k the pool size. Each input shares each window's gradient equally.
 */
export class AvgPool2D implements Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly activation = null;
  readonly poolSize: number;
  readonly stride: number;
  output = new Float32Array(0);
  delta = new Float32Array(0);
  private capacity = 0;

  constructor(spec: AvgPool2DSpec) {
    const [height, width] = spec.inputShape;
    this.outputShape = poolOutputShape(spec.inputShape, spec.poolSize, spec.stride);
    if (this.outputShape[0] < 1 || this.outputShape[1] < 1) throw new Error(`A ${spec.poolSize}×${spec.poolSize} pool does not fit a ${height}×${width} input`);
    this.inputShape = spec.inputShape;
    this.poolSize = spec.poolSize;
    this.stride = spec.stride;
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    const size = rows * shapeSize(this.outputShape);
    this.output = new Float32Array(size);
    this.delta = new Float32Array(size);
  }

  forward(input: Float32Array, rows: number): Float32Array {
    this.reserve(rows);
    const { poolSize, output } = this;
    const scale = 1 / (poolSize * poolSize);
    let at = 0;
    this.eachWindow(rows, (sample, corner, rowLength, channels) => {
      let sum = 0;
      for (let py = 0; py < poolSize; py++) {
        const row = sample + corner + py * rowLength;
        for (let px = 0; px < poolSize; px++) sum += input[row + px * channels];
      }
      output[at++] = sum * scale;
    });
    return output;
  }

  /** ∂L/∂in[i] = (1/k²)·Σ of δ over the windows that hold input i. */
  backward(_input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    if (!inputDelta) return;
    const { poolSize, delta } = this;
    const scale = 1 / (poolSize * poolSize);
    inputDelta.fill(0, 0, rows * shapeSize(this.inputShape));
    let at = 0;
    this.eachWindow(rows, (sample, corner, rowLength, channels) => {
      const share = delta[at++] * scale;
      for (let py = 0; py < poolSize; py++) {
        const row = sample + corner + py * rowLength;
        for (let px = 0; px < poolSize; px++) inputDelta[row + px * channels] += share;
      }
    });
  }

  /**
   * Calls `visit` for every output value in order (sample, y, x, channel) with the start of its
   * sample in the batch and its window's first value within the sample (channel c's, at c).
   */
  private eachWindow(rows: number, visit: (sample: number, corner: number, rowLength: number, channels: number) => void): void {
    const [, width, channels] = this.inputShape;
    const [outHeight, outWidth] = this.outputShape;
    const inputSize = shapeSize(this.inputShape);
    const rowLength = width * channels;
    for (let r = 0; r < rows; r++) {
      for (let y = 0; y < outHeight; y++) {
        for (let x = 0; x < outWidth; x++) {
          const corner = y * this.stride * rowLength + x * this.stride * channels;
          for (let c = 0; c < channels; c++) visit(r * inputSize, corner + c, rowLength, channels);
        }
      }
    }
  }

  paramGroups(): ParamGroup[] {
    return [];
  }

  toSpec(): AvgPool2DSpec {
    return { type: 'avgpool2d', inputShape: this.inputShape, poolSize: this.poolSize, stride: this.stride };
  }
}

/**
 * [h, w, c] → [1, 1, h·w·c]. Channels-last maps are already flat arrays in the
 * order a dense layer reads them, so the output is the input itself.
 */
export class Flatten implements Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly activation = null;
  output: Float32Array = new Float32Array(0);
  delta = new Float32Array(0);

  constructor(spec: FlattenSpec) {
    this.inputShape = spec.inputShape;
    this.outputShape = [1, 1, shapeSize(spec.inputShape)];
  }

  reserve(rows: number): void {
    const size = rows * shapeSize(this.inputShape);
    if (this.delta.length < size) this.delta = new Float32Array(size);
  }

  forward(input: Float32Array, rows: number): Float32Array {
    this.reserve(rows);
    this.output = input;
    return input;
  }

  backward(_input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    inputDelta?.set(this.delta.subarray(0, rows * shapeSize(this.inputShape)));
  }

  paramGroups(): ParamGroup[] {
    return [];
  }

  toSpec(): FlattenSpec {
    return { type: 'flatten', inputShape: this.inputShape };
  }
}
