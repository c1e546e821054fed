import { CONV_KERNELS_WASM_BASE64 } from './conv-kernels.generated.ts';

/** The exports of conv-kernels.wat: pointers and strides in bytes, sizes in floats. */
interface ConvKernelExports {
  forward(
    p: number, wt: number, b: number, z: number,
    rows: number, outH: number, outW: number, f8: number, k: number, kc: number,
    rowStride: number, xStride: number, yStride: number, sampleStride: number,
  ): void;
  weightGradient(
    p: number, d: number, dwt: number,
    rows: number, outH: number, outW: number, f8: number, k: number, kc: number,
    rowStride: number, xStride: number, yStride: number, sampleStride: number,
  ): void;
  inputGradient(
    d: number, wk: number, dp: number,
    rows: number, outH: number, outW: number, f8: number, f: number, k: number, kc8: number,
    rowStride: number, xStride: number, yStride: number, sampleStride: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The convolution kernels compiled for this runtime, or null where WebAssembly SIMD is missing. */
export function convKernelModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(Uint8Array.from(atob(CONV_KERNELS_WASM_BASE64), (c) => c.charCodeAt(0)));
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** The geometry of one convolution, as Conv2D works it out. */
export interface ConvGeometry {
  height: number;
  width: number;
  channels: number;
  filters: number;
  kernelSize: number;
  stride: number;
  outHeight: number;
  outWidth: number;
  padTop: number;
  padLeft: number;
}

const PAGE_BYTES = 65536;

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * A convolution's three products (forward, ∂W, ∂x) in WebAssembly SIMD, direct
 * rather than through im2col: no k²-times copy of the input is ever made. The layer
 * keeps its parameters and batch arrays; this keeps copies in a memory of its own:
 *   Wt (K × F8) | Wk (F × k × KC8) | b (F8) | dWt (K × F8) | P, dP (rows × padded map, + slack) | Z, D (rows × positions × F8)
 * (K = k·k·C, F8 the filters rounded up to 8, KC8 a window row k·C rounded up to 8;
 * see conv-kernels.wat). Copying in and out costs O(parameters + rows·(input + output))
 * per batch, small beside the O(rows·positions·parameters) products.
 */
export class WasmConvKernels {
  private readonly g: ConvGeometry;
  private readonly kernels: ConvKernelExports;
  private readonly memory: WebAssembly.Memory;
  private floats: Float32Array;
  private capacity = 0;
  private readonly f8: number;
  private readonly kc: number;
  private readonly kc8: number;
  /** Rows and columns of the padded map: exactly those the windows cover. */
  private readonly paddedHeight: number;
  private readonly paddedWidth: number;
  private readonly paddedSize: number;
  private readonly positions: number;
  // Float offsets of the regions.
  private readonly wk: number;
  private readonly b: number;
  private readonly dwt: number;
  private p = 0;
  private dp = 0;
  private z = 0;
  private d = 0;
  /** The byte strides the kernels take: P's rows, and a step of the window along x, along y, and between samples. */
  private readonly strides: [number, number, number, number];

  constructor(geometry: ConvGeometry, module: WebAssembly.Module) {
    this.g = geometry;
    const { channels, filters, kernelSize: k, stride, outHeight, outWidth } = geometry;
    this.f8 = roundUp(filters, 8);
    this.kc = k * channels;
    this.kc8 = roundUp(this.kc, 8);
    this.paddedHeight = (outHeight - 1) * stride + k;
    this.paddedWidth = (outWidth - 1) * stride + k;
    this.paddedSize = this.paddedHeight * this.paddedWidth * channels;
    this.positions = outHeight * outWidth;
    const fieldSize = k * this.kc;
    this.wk = fieldSize * this.f8;
    this.b = this.wk + filters * k * this.kc8;
    this.dwt = this.b + this.f8;
    const row = 4 * this.paddedWidth * channels;
    this.strides = [row, 4 * stride * channels, stride * row, 4 * this.paddedSize];
    this.memory = new WebAssembly.Memory({ initial: 1 });
    this.kernels = new WebAssembly.Instance(module, { env: { memory: this.memory } }).exports as unknown as ConvKernelExports;
    this.floats = new Float32Array(this.memory.buffer);
    this.reserve(1);
  }

  /** z = W ∗ x + b for `rows` samples of `input`, written to `output` (rows × positions × filters). */
  forward(input: Float32Array, rows: number, weights: Float32Array, biases: Float32Array, output: Float32Array): void {
    this.reserve(rows);
    const { floats, f8, kc, g } = this;
    this.loadWeights(weights);
    floats.set(biases, this.b);
    this.loadInput(input, rows);
    this.kernels.forward(4 * this.p, 0, 4 * this.b, 4 * this.z, rows, g.outHeight, g.outWidth, f8, g.kernelSize, kc, ...this.strides);
    copyColumns(floats, this.z, f8, output, 0, g.filters, rows * this.positions);
  }

  /**
   * ∂L/∂W into `gradWeights`, and ∂L/∂x into `inputDelta` when given, from
   * δ = ∂L/∂z, for the input and weights of the last forward call.
   */
  backward(delta: Float32Array, rows: number, gradWeights: Float32Array, inputDelta: Float32Array | null): void {
    const { floats, f8, kc, kc8, g } = this;
    const fieldSize = g.kernelSize * kc;
    copyColumns(delta, 0, g.filters, floats, this.d, f8, rows * this.positions);
    floats.fill(0, this.dwt, this.dwt + fieldSize * f8);
    this.kernels.weightGradient(4 * this.p, 4 * this.d, 4 * this.dwt, rows, g.outHeight, g.outWidth, f8, g.kernelSize, kc, ...this.strides);
    // gradWeights[f][j] = dWt[j][f]
    for (let f = 0; f < g.filters; f++) {
      for (let j = 0; j < fieldSize; j++) gradWeights[f * fieldSize + j] = floats[this.dwt + j * f8 + f];
    }
    if (!inputDelta) return;
    floats.fill(0, this.dp, this.dp + rows * this.paddedSize);
    this.kernels.inputGradient(4 * this.d, 4 * this.wk, 4 * this.dp, rows, g.outHeight, g.outWidth, f8, g.filters, g.kernelSize, kc8, ...this.strides);
    this.storeInputDelta(inputDelta, rows);
  }

  /** Wt[j][f] = W[f][j] for the forward pass and ∂W; Wk[f][ky][j] = W[f][ky·k·C + j] for ∂x. */
  private loadWeights(weights: Float32Array): void {
    const { floats, f8, kc, kc8, wk, g } = this;
    const k = g.kernelSize;
    const fieldSize = k * kc;
    for (let f = 0; f < g.filters; f++) {
      const from = f * fieldSize;
      for (let j = 0; j < fieldSize; j++) floats[j * f8 + f] = weights[from + j];
      for (let ky = 0; ky < k; ky++) {
        const to = wk + (f * k + ky) * kc8;
        for (let j = 0; j < kc; j++) floats[to + j] = weights[from + ky * kc + j];
      }
    }
  }

  /** P[n][py][px][c] = x[n][py − padTop][px − padLeft][c]; the border keeps the zeros reserve wrote. */
  private loadInput(input: Float32Array, rows: number): void {
    const { floats, paddedHeight, paddedWidth, paddedSize, g } = this;
    const { width, channels } = g;
    const inputSize = g.height * width * channels;
    const [y0, y1] = inside(g.padTop, g.height, paddedHeight);
    const [x0, x1] = inside(g.padLeft, width, paddedWidth);
    const length = (x1 - x0) * channels;
    for (let n = 0; n < rows; n++) {
      for (let py = y0; py < y1; py++) {
        const from = n * inputSize + ((py - g.padTop) * width + (x0 - g.padLeft)) * channels;
        const to = this.p + n * paddedSize + (py * paddedWidth + x0) * channels;
        for (let i = 0; i < length; i++) floats[to + i] = input[from + i];
      }
    }
  }

  /** ∂L/∂x[n][y][x][c] = dP[n][y + padTop][x + padLeft][c]; inputs no window covers get 0. */
  private storeInputDelta(inputDelta: Float32Array, rows: number): void {
    const { floats, paddedHeight, paddedWidth, paddedSize, g } = this;
    const { width, channels } = g;
    const inputSize = g.height * width * channels;
    const [y0, y1] = inside(g.padTop, g.height, paddedHeight);
    const [x0, x1] = inside(g.padLeft, width, paddedWidth);
    const length = (x1 - x0) * channels;
    const covers = y1 - y0 === g.height && x1 - x0 === width;
    if (!covers) inputDelta.fill(0, 0, rows * inputSize);
    for (let n = 0; n < rows; n++) {
      for (let py = y0; py < y1; py++) {
        const to = n * inputSize + ((py - g.padTop) * width + (x0 - g.padLeft)) * channels;
        const from = this.dp + n * paddedSize + (py * paddedWidth + x0) * channels;
        for (let i = 0; i < length; i++) inputDelta[to + i] = floats[from + i];
      }
    }
  }

  /** Lays the batch regions out for at least `rows` samples, growing the memory if needed. */
  private reserve(rows: number): void {
    if (rows <= this.capacity) return;
    // dP's window rows, padded to KC8, reach up to 8 floats past the last sample.
    const slack = 8;
    this.p = this.dwt + this.g.kernelSize * this.kc * this.f8;
    this.dp = this.p + rows * this.paddedSize + slack;
    this.z = this.dp + rows * this.paddedSize + slack;
    this.d = this.z + rows * this.positions * this.f8;
    const bytes = 4 * (this.d + rows * this.positions * this.f8);
    const pages = Math.ceil(bytes / PAGE_BYTES) - this.memory.buffer.byteLength / PAGE_BYTES;
    if (pages > 0) this.memory.grow(pages);
    this.floats = new Float32Array(this.memory.buffer);
    // Zeros where they must stay: Wt's and Wk's padding, P's border, δ's padded filters.
    this.floats.fill(0);
    this.capacity = rows;
  }
}

/** The padded rows (or columns) [first, end) that hold input, of `padded` with `before` zeros first and `size` input values. */
function inside(before: number, size: number, padded: number): [number, number] {
  return [before, Math.min(before + size, padded)];
}

/** Copies `count` rows of `length` floats between arrays whose rows are `fromStride` and `toStride` floats apart. */
function copyColumns(from: Float32Array, fromStart: number, fromStride: number, to: Float32Array, toStart: number, toStride: number, count: number, length = Math.min(fromStride, toStride)): void {
  if (fromStride === toStride) {
    const end = count * fromStride;
    for (let i = 0; i < end; i++) to[toStart + i] = from[fromStart + i];
    return;
  }
  for (let r = 0; r < count; r++) {
    const a = fromStart + r * fromStride;
    const b = toStart + r * toStride;
    for (let i = 0; i < length; i++) to[b + i] = from[a + i];
  }
}
