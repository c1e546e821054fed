import { WasmArena } from './arena.ts';
import { compileKernels } from './compile.ts';
import { kernelModule } from './dense-kernels.ts';
import { optimizerStateBytes } from './optimizer-kernels.ts';
import { SPARSE_INPUT_WASM_BASE64 } from './sparse-input.generated.ts';

interface SparseExports {
  sparseRows(targets: number, count: number, start: number, end: number, index: number, value: number, m: number, init: number, out: number, n: number): void;
}

/** The exports of sparse-input.wat. */
interface SparseInputExports {
  scan(input: number, rows: number, inputs: number, pixel: number, value: number, rowEnd: number, seenIn: number, rowsOf: number, active: number, pass: number): number;
  group(rows: number, inputs: number, pixel: number, value: number, rowEnd: number, active: number, count: number, rowsOf: number, bucketStart: number, bucketEnd: number, bucketRow: number, bucketValue: number): void;
  sigmoid(z: number, length: number): void;
}

let compiled: WebAssembly.Module | null | undefined;

function sparseInputModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileKernels(SPARSE_INPUT_WASM_BASE64);
  return compiled;
}

/**
 * The sparse-input first layer's products in WebAssembly, on arrays that live in
 * the kernel's own memory (`arena`): weights W (input-major, inputs × outputs),
 * biases b, the gradients ∂W and ∂b, the outputs z and the deltas δ are views of
 * it, and it has room for an optimizer's state, so the optimizer's kernels update
 * W in place and nothing is copied per batch. Sized once for up to `maxRows` rows:
 * the memory never grows, so the views stay valid.
 *
 * load() scans a batch for its non-zero pixels; forward() and weightGradient()
 * then skip the zeros, as the TypeScript path in dense.ts does. sigmoid() is the
 * layer's activation when it is one: in float32 SIMD, where Math.exp took longer
 * than either product.
 */
export class WasmSparseLayer {
  readonly weights: Float32Array;
  readonly biases: Float32Array;
  readonly gradWeights: Float32Array;
  readonly gradBiases: Float32Array;
  readonly output: Float32Array<ArrayBuffer>;
  readonly delta: Float32Array<ArrayBuffer>;
  /** The inputs non-zero somewhere in the loaded batch (activeList[0 … activeCount − 1]). */
  readonly activeList: Int32Array;
  activeCount = 0;
  readonly arena: WasmArena;

  private readonly kernels: SparseExports;
  private readonly inputKernels: SparseInputExports;
  private rows = 0;
  /** The loaded batch, rows × inputs. */
  private readonly input: Float32Array;
  /** Per row r: its non-zeros (pixel, x) at r·inputs … rowEnd[r] − 1. */
  private readonly pixel: Int32Array;
  private readonly value: Float32Array;
  private readonly rowStart: Int32Array;
  private readonly rowEnd: Int32Array;
  private readonly identity: Int32Array;
  /** Per pixel i: the rows (row, x) where it is non-zero, at bucketStart[i] … bucketEnd[i] − 1. */
  private readonly bucketRow: Int32Array;
  private readonly bucketValue: Float32Array;
  private readonly bucketStart: Int32Array;
  private readonly bucketEnd: Int32Array;
  private readonly seenIn: Int32Array;
  private readonly rowsOf: Int32Array;
  private pass = 0;
  /** The rows of gradWeights the last weightGradient wrote (the others are zero). */
  private readonly gradientRows: Int32Array;
  private gradientRowCount = 0;

  constructor(
    readonly inputs: number,
    readonly outputs: number,
    readonly maxRows: number,
    module: WebAssembly.Module | null = kernelModule(),
    inputModule: WebAssembly.Module | null = sparseInputModule(),
  ) {
    if (!module || !inputModule) throw new Error('The WebAssembly SIMD kernels do not run here: WebAssembly or its SIMD instructions are missing');
    const entries = maxRows * inputs;
    const { cost } = WasmArena;
    const floats = [inputs * outputs, outputs, inputs * outputs, outputs, maxRows * outputs, maxRows * outputs, entries, entries, entries];
    const ints = [entries, entries, maxRows, maxRows, maxRows, inputs, inputs, inputs, inputs, inputs, inputs];
    const bytes = [...floats, ...ints].reduce((sum, length) => sum + cost(length, 4), 0) + optimizerStateBytes(inputs, outputs);
    const arena = new WasmArena(bytes);
    this.arena = arena;
    this.kernels = new WebAssembly.Instance(module, { env: { memory: arena.memory } }).exports as unknown as SparseExports;
    this.inputKernels = new WebAssembly.Instance(inputModule, { env: { memory: arena.memory } }).exports as unknown as SparseInputExports;
    this.weights = arena.floats(inputs * outputs);
    this.biases = arena.floats(outputs);
    this.gradWeights = arena.floats(inputs * outputs);
    this.gradBiases = arena.floats(outputs);
    this.output = arena.floats(maxRows * outputs);
    this.delta = arena.floats(maxRows * outputs);
    this.value = arena.floats(entries);
    this.bucketValue = arena.floats(entries);
    this.input = arena.floats(entries);
    this.pixel = arena.ints(entries);
    this.bucketRow = arena.ints(entries);
    this.rowStart = arena.ints(maxRows);
    this.rowEnd = arena.ints(maxRows);
    this.identity = arena.ints(maxRows);
    this.activeList = arena.ints(inputs);
    this.bucketStart = arena.ints(inputs);
    this.bucketEnd = arena.ints(inputs);
    this.seenIn = arena.ints(inputs);
    this.rowsOf = arena.ints(inputs);
    this.gradientRows = arena.ints(inputs);
    arena.seal();
    for (let r = 0; r < maxRows; r++) {
      this.identity[r] = r;
      this.rowStart[r] = r * inputs;
    }
  }

  /** Reads `rows` input rows: each row's non-zeros, their union (activeList), and the rows of each pixel. */
  load(input: Float32Array, rows: number): void {
    if (rows > this.maxRows) throw new Error(`This layer was sized for ${this.maxRows} rows, not ${rows}`);
    const { inputs, pixel, value, rowEnd, seenIn, rowsOf, activeList, inputKernels } = this;
    this.input.set(input.subarray(0, rows * inputs));
    const active = inputKernels.scan(this.input.byteOffset, rows, inputs, pixel.byteOffset, value.byteOffset, rowEnd.byteOffset, seenIn.byteOffset, rowsOf.byteOffset, activeList.byteOffset, ++this.pass);
    this.activeCount = active;
    this.rows = rows;
    const { bucketStart, bucketEnd, bucketRow, bucketValue } = this;
    inputKernels.group(rows, inputs, pixel.byteOffset, value.byteOffset, rowEnd.byteOffset, activeList.byteOffset, active, rowsOf.byteOffset, bucketStart.byteOffset, bucketEnd.byteOffset, bucketRow.byteOffset, bucketValue.byteOffset);
  }

  /** z[r][o] = b[o] + Σ_{x[r][i] ≠ 0} x[r][i]·W[i][o] into `output`, for the loaded batch. */
  forward(): void {
    const { identity, rowStart, rowEnd, pixel, value, weights, biases, output } = this;
    this.kernels.sparseRows(identity.byteOffset, this.rows, rowStart.byteOffset, rowEnd.byteOffset, pixel.byteOffset, value.byteOffset, weights.byteOffset, biases.byteOffset, output.byteOffset, this.outputs);
  }

  /** a = σ(z) in place on the loaded batch's outputs. */
  sigmoid(): void {
    this.inputKernels.sigmoid(this.output.byteOffset, this.rows * this.outputs);
  }

  /** ∂W[i][o] = Σ_r x[r][i]·δ[r][o] from `delta`: the active pixels' rows computed, the other rows zero. */
  weightGradient(): void {
    const { gradWeights, gradientRows, seenIn, outputs } = this;
    for (let n = 0; n < this.gradientRowCount; n++) {
      const i = gradientRows[n];
      if (seenIn[i] !== this.pass) gradWeights.fill(0, i * outputs, (i + 1) * outputs);
    }
    const { activeList, activeCount } = this;
    for (let n = 0; n < activeCount; n++) gradientRows[n] = activeList[n];
    this.gradientRowCount = activeCount;
    const { bucketStart, bucketEnd, bucketRow, bucketValue, delta } = this;
    this.kernels.sparseRows(activeList.byteOffset, activeCount, bucketStart.byteOffset, bucketEnd.byteOffset, bucketRow.byteOffset, bucketValue.byteOffset, delta.byteOffset, 0, gradWeights.byteOffset, outputs);
  }
}
