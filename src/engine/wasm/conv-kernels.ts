import { compileKernels } from './compile.ts';
import { KernelMemory, type Tenant } from './kernel-memory.ts';
import { CONV_KERNELS_FUSED_WASM_BASE64, CONV_KERNELS_WASM_BASE64 } from './conv-kernels.generated.ts';

/** The exports of conv-kernels.wat: pointers and strides in bytes, sizes in floats. */
interface ConvKernelExports {
  forward(origin: number, wt: number, b: number, z: number, count: number, f8: number, k: number, kc: number, rowStride: number, relu: number): void;
  weightGradient(origin: number, d: number, dwt: number, first: number, count: number, f8: number, k: number, kc: number, rowStride: number): void;
  inputGradient(origin: number, d: number, wk: number, shift: number, count: number, f8: number, f: number, k: number, kc8: number, rowStride: number): void;
  inputGradientPairs(origin: number, d: number, wk: number, shift: number, pairs: number, positions: number, f8: number, f: number, k: number, kc8: number, rowStride: number): void;
  biasGradient(d: number, db: number, count: number, f8: number): void;
  reluBackward(z: number, d: number, count: number): void;
}

const compiled: { plain?: WebAssembly.Module | null; fused?: WebAssembly.Module | null } = {};

/**
 * The convolution kernels compiled for this runtime, or null where WebAssembly SIMD is missing;
 * `fused`: their twin whose running sums are relaxed multiply-adds, null where relaxed SIMD is missing.
 */
export function convKernelModule(fused = false): WebAssembly.Module | null {
  const which = fused ? 'fused' : 'plain';
  if (compiled[which] === undefined) compiled[which] = compileKernels(fused ? CONV_KERNELS_FUSED_WASM_BASE64 : CONV_KERNELS_WASM_BASE64);
  return compiled[which];
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

/**
 * Where the regions of a WasmConvKernels memory start (in floats) once laid out for `rows`
 * samples, and `end`, its size in floats.
 */
export function convLayout(g: ConvGeometry, rows: number) {
  const { channels, filters, kernelSize: k, stride, outHeight, outWidth } = g;
  const f8 = roundUp(filters, 8);
  const kc = k * channels;
  const field4 = roundUp(k * kc, 4);
  const kc8 = roundUp(kc, 8);
  const paddedHeight = (outHeight - 1) * stride + k;
  const paddedWidth = (outWidth - 1) * stride + k;
  const paddedSize = paddedHeight * paddedWidth * channels;
  const positions = outHeight * outWidth;
  const wk = k * kc * f8;
  const b = wk + filters * k * kc8;
  const db = b + f8;
  const dwt = db + f8;
  const origin = dwt + field4 * f8;
  const count4 = roundUp(rows * positions, 4);
  // Windows read past k·k·C to K4 (∂W) and window rows written to KC8 (∂x): up to 8 floats past the last sample.
  const slack = 8;
  const p = origin + count4;
  const dp = p + rows * paddedSize + slack;
  const z = dp + rows * paddedSize + slack;
  const d = z + count4 * f8;
  return { f8, kc, field4, kc8, paddedHeight, paddedWidth, paddedSize, positions, wk, b, db, dwt, origin, count4, p, dp, z, d, end: d + count4 * f8 };
}

/** Bytes of the memory a WasmConvKernels holds once it has run batches of up to `rows` samples (whole pages). */
export function convMemoryBytes(g: ConvGeometry, rows: number): number {
  return Math.max(1, Math.ceil((4 * convLayout(g, Math.max(1, rows)).end) / PAGE_BYTES)) * PAGE_BYTES;
}

function roundUp(value: number, multiple: number): number {
  return Math.ceil(value / multiple) * multiple;
}

/**
 * A convolution's three products (forward, ∂W, ∂x) in WebAssembly SIMD, direct
 * rather than through im2col: no k²-times copy of the input is ever made. The layer
 * keeps its parameters and batch arrays; this keeps copies in its regions of a KernelMemory:
 *   Wt (K × F8) | Wk (F × k × KC8) | b (F8) | db (F8) | dWt (K4 × F8) | origin (Q4 i32) | P, dP (rows × padded map, + slack) | Z, D (Q4 × F8)
 * (K = k·k·C, F8 the filters rounded up to 8, K4 K rounded up to 4, KC8 a window row's
 * k·C rounded up to 8, Q4 the batch's output positions rounded up to 4; see conv-kernels.wat).
 * Where the windows need no padding and the input lies in the same memory (the output of a
 * layer below that shares it), the windows are read there and ∂x is written there, instead
 * of through P and dP.
 */
export class WasmConvKernels implements Tenant {
  /**
   * Where the filters need no padding to 8, Z and D themselves as the batch's output and δ
   * (rows × positions × filters), which the layer hands out, so neither is copied; else empty.
   * Renewed whenever the memory is laid out again.
   */
  output = new Float32Array(0);
  delta = new Float32Array(0);
  private readonly g: ConvGeometry;
  private readonly kernels: ConvKernelExports;
  private readonly shared: KernelMemory;
  private floats = new Float32Array(0);
  private origins = new Int32Array(0);
  private readonly f8: number;
  private readonly kc: number;
  private readonly kc8: number;
  /** Rows and columns of the padded map: exactly those the windows cover. */
  private readonly paddedHeight: number;
  private readonly paddedWidth: number;
  private readonly paddedSize: number;
  private readonly positions: number;
  /** The windows cover the input exactly (no padding, no row or column left out): P is x, sample for sample. */
  private readonly unpadded: boolean;
  /** Bytes from one row of P to the next. */
  private readonly rowStride: number;
  // Float offsets of the regions in the memory.
  private wt = 0;
  private wk = 0;
  private b = 0;
  private db = 0;
  private dwt = 0;
  private origin = 0;
  private p = 0;
  private dp = 0;
  private z = 0;
  private d = 0;
  /** Rows the origins are written for, and the float offset of the map they point into (P, or an input read in place). */
  private originRows = 0;
  private originMap = -1;

  constructor(geometry: ConvGeometry, module: WebAssembly.Module, shared = new KernelMemory()) {
    this.g = geometry;
    const layout = convLayout(geometry, 1);
    this.f8 = layout.f8;
    this.kc = layout.kc;
    this.kc8 = layout.kc8;
    this.paddedHeight = layout.paddedHeight;
    this.paddedWidth = layout.paddedWidth;
    this.paddedSize = layout.paddedSize;
    this.positions = layout.positions;
    this.rowStride = 4 * this.paddedWidth * geometry.channels;
    this.unpadded = this.paddedHeight === geometry.height && this.paddedWidth === geometry.width && geometry.padTop === 0 && geometry.padLeft === 0;
    this.shared = shared;
    this.kernels = new WebAssembly.Instance(module, { env: { memory: shared.memory } }).exports as unknown as ConvKernelExports;
    shared.join(this);
  }

  /**
   * z = W ∗ x + b for `rows` samples of `input`, or ReLU(z) with `relu`, written to
   * `output` (rows × positions × filters).
   */
  forward(input: Float32Array, rows: number, weights: Float32Array, biases: Float32Array, output: Float32Array, relu = false): void {
    this.reserve(rows);
    const { floats, f8, kc, g } = this;
    this.loadWeights(weights);
    floats.set(biases, this.b);
    const inPlace = this.readsInPlace(input);
    this.pointOrigins(inPlace ? input.byteOffset / 4 : this.p);
    if (!inPlace) this.loadInput(input, rows);
    this.kernels.forward(4 * this.origin, 4 * this.wt, 4 * this.b, 4 * this.z, rows * this.positions, f8, g.kernelSize, kc, this.rowStride, relu ? 1 : 0);
    if (output !== this.output) copyColumns(floats, this.z, f8, output, 0, g.filters, rows * this.positions);
  }

  /**
   * ∂L/∂b into `gradBiases`, ∂L/∂W into `gradWeights`, and ∂L/∂x into `inputDelta`
   * when given, for the input and weights of the last forward call, from δ = ∂L/∂z;
   * with `relu` (the forward call's), from ∂L/∂ReLU(z), which the ReLU's gradient
   * turns into δ here.
   */
  backward(delta: Float32Array, rows: number, gradBiases: Float32Array, gradWeights: Float32Array, inputDelta: Float32Array | null, relu = false): void {
    const { floats, f8, kc, kc8, g, positions } = this;
    const k = g.kernelSize;
    if (delta !== this.delta) copyColumns(delta, 0, g.filters, floats, this.d, f8, rows * positions);
    floats.fill(0, this.db, this.db + f8);
    floats.fill(0, this.dwt, this.origin);
    // Sample by sample, so that ReLU′, ∂b and ∂W find its δ in cache: a batch's δ can be megabytes.
    for (let n = 0; n < rows; n++) {
      const at = n * positions * f8;
      if (relu) this.kernels.reluBackward(4 * (this.z + at), 4 * (this.d + at), positions * f8);
      this.kernels.biasGradient(4 * (this.d + at), 4 * this.db, positions, f8);
      this.kernels.weightGradient(4 * this.origin, 4 * this.d, 4 * this.dwt, n * positions, positions, f8, k, kc, this.rowStride);
    }
    gradBiases.set(floats.subarray(this.db, this.db + g.filters));
    // gradWeights[f][i] = dWt[i][f]
    const fieldSize = k * kc;
    for (let f = 0; f < g.filters; f++) {
      const to = f * fieldSize;
      const from = this.dwt + f;
      for (let i = 0; i < fieldSize; i++) gradWeights[to + i] = floats[from + i * f8];
    }
    if (!inputDelta) return;
    // ∂x where the input was read (P's twin dP, or the layer below's δ in place), zeroed first: windows overlap.
    const inPlace = this.originMap !== this.p && this.shared.holds(inputDelta);
    const into = inPlace ? inputDelta.byteOffset / 4 : this.dp;
    floats.fill(0, into, into + rows * (inPlace ? g.height * g.width * g.channels : this.paddedSize));
    const shift = 4 * (into - this.originMap);
    // Samples two at a time share each weight load; an odd last one goes alone.
    const pairs = Math.floor(rows / 2);
    if (pairs > 0) this.kernels.inputGradientPairs(4 * this.origin, 4 * this.d, 4 * this.wk, shift, pairs, positions, f8, g.filters, k, kc8, this.rowStride);
    if (rows % 2 === 1) {
      const q = (rows - 1) * positions;
      this.kernels.inputGradient(4 * (this.origin + q), 4 * (this.d + q * f8), 4 * this.wk, shift, positions, f8, g.filters, k, kc8, this.rowStride);
    }
    if (!inPlace) this.storeInputDelta(inputDelta, rows);
  }

  /** Whether the windows can be read from `input` where it lies: unpadded, in this memory. */
  private readsInPlace(input: Float32Array): boolean {
    return this.unpadded && this.shared.holds(input);
  }

  /** Wt[j][f] = W[f][j] for the forward pass; Wk[f][ky][j] = W[f][ky·k·C + j] for ∂x. */
  private loadWeights(weights: Float32Array): void {
    const { floats, f8, kc, kc8, wk, wt, g } = this;
    const k = g.kernelSize;
    const fieldSize = k * kc;
    for (let f = 0; f < g.filters; f++) {
      const from = f * fieldSize;
      for (let j = 0; j < fieldSize; j++) floats[wt + j * f8 + f] = weights[from + j];
      for (let ky = 0; ky < k; ky++) {
        const to = wk + (f * k + ky) * kc8;
        for (let j = 0; j < kc; j++) floats[to + j] = weights[from + ky * kc + j];
      }
    }
  }

  /** P[n][py][px][c] = x[n][py − padTop][px − padLeft][c]; the border keeps the zeros the layout wrote. */
  private loadInput(input: Float32Array, rows: number): void {
    const { floats, paddedHeight, paddedWidth, paddedSize, g } = this;
    const { width, channels } = g;
    const inputSize = g.height * width * channels;
    if (this.unpadded) return floats.set(input.subarray(0, rows * inputSize), this.p);
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
    if (this.unpadded) return inputDelta.set(floats.subarray(this.dp, this.dp + rows * inputSize));
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

  /** Makes the regions hold batches of at least `rows` samples. */
  reserve(rows: number): void {
    this.shared.reserve(rows);
  }

  bytes(rows: number): number {
    return 4 * convLayout(this.g, rows).end;
  }

  place(memory: WebAssembly.Memory, base: number, rows: number): void {
    const at = base / 4;
    const layout = convLayout(this.g, rows);
    this.wt = at;
    this.wk = at + layout.wk;
    this.b = at + layout.b;
    this.db = at + layout.db;
    this.dwt = at + layout.dwt;
    this.origin = at + layout.origin;
    this.p = at + layout.p;
    this.dp = at + layout.dp;
    this.z = at + layout.z;
    this.d = at + layout.d;
    this.floats = new Float32Array(memory.buffer);
    this.origins = new Int32Array(memory.buffer, 4 * this.origin, layout.count4);
    this.originRows = rows;
    this.originMap = -1;
    if (this.f8 === this.g.filters) {
      this.output = new Float32Array(memory.buffer, 4 * this.z, rows * this.positions * this.g.filters);
      this.delta = new Float32Array(memory.buffer, 4 * this.d, rows * this.positions * this.g.filters);
    }
  }

  /**
   * Writes where each output position's window starts, in a map laid out as P from float
   * `map` on (P itself, or an input read in place); written again only when the map moves.
   */
  private pointOrigins(map: number): void {
    if (map === this.originMap) return;
    const { paddedSize, g, origins } = this;
    const step = g.stride * g.channels;
    let q = 0;
    for (let n = 0; n < this.originRows; n++) {
      for (let y = 0; y < g.outHeight; y++) {
        for (let x = 0; x < g.outWidth; x++) origins[q++] = 4 * (map + n * paddedSize + y * step * this.paddedWidth + x * step);
      }
    }
    // Padding positions (computed, then never read) start where the first one does.
    origins.fill(4 * map, q);
    this.originMap = map;
  }
}

/** The padded rows (or columns) [first, end) that hold input, of `padded` with `before` zeros first and `size` input values. */
function inside(before: number, size: number, padded: number): [number, number] {
  return [before, Math.min(before + size, padded)];
}

/** Copies `count` rows of `length` floats between arrays whose rows are `fromStride` and `toStride` floats apart. */
function copyColumns(from: Float32Array, fromStart: number, fromStride: number, to: Float32Array, toStart: number, toStride: number, count: number, length = Math.min(fromStride, toStride)): void {
  if (fromStride === toStride) {
    to.set(from.subarray(fromStart, fromStart + count * fromStride), toStart);
    return;
  }
  for (let r = 0; r < count; r++) {
    const a = fromStart + r * fromStride;
    const b = toStart + r * toStride;
    for (let i = 0; i < length; i++) to[b + i] = from[a + i];
  }
}
