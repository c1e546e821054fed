import { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.ts';
import type { Activation } from './config.ts';
import { inWasm, type Kernels } from './kernels.ts';
import type { DenseSpec, Layer, Shape } from './layer.ts';
import type { ActiveRows, ParamGroup } from './optimizers.ts';
import { WasmDenseKernels, type DenseTwin, type RowShare, type ShardRegions } from './wasm/dense-kernels.ts';
import { WasmSparseLayer } from './wasm/sparse-kernels.ts';

/** Rows a sparse-input layer's WebAssembly buffers hold: the evaluation batch, above any usual training batch. */
const SPARSE_WASM_ROWS = 256;

/**
 * A fully connected layer, z = W·x + b, a = f(z), on batches of `rows` samples
 * stored row after row in flat Float32Arrays.
 *
 * A layer with dense inputs stores W output-major (row o: the weights into unit o),
 * so each unit's sum is one contiguous dot product. A sparse-input layer stores W
 * input-major (row i: the weights out of input i), so a non-zero input reads, and
 * its gradient writes, one contiguous row, and inputs that are zero are never visited.
 *
 * Batch buffers are allocated once by `reserve` and reused, so training allocates
 * nothing per batch.
 */
export class Dense implements Layer {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** W[o * inputs + i] (output-major), or W[i * outputs + o] for a sparse-input layer (input-major). */
  readonly weights: Float32Array;
  readonly biases: Float32Array;
  /** ∂L/∂W and ∂L/∂b of the last backward batch, laid out like weights and biases. */
  readonly gradWeights: Float32Array;
  readonly gradBiases: Float32Array;
  /**
   * Inputs are mostly zeros (the first layer's pixels: about 80% of MNIST is
   * background), so both products with the input visit the non-zero inputs only.
   */
  readonly sparseInput: boolean;

  /**
   * For a sparse-input layer, the inputs that are non-zero in some row of the
   * last forward batch: the only rows of (input-major) W with a non-zero gradient.
   */
  readonly activeRows: ActiveRows | null;
  /**
   * Called by a sparse-input forward once activeRows is known, before the
   * weights are read: a lazy optimizer brings those rows up to date here.
   */
  beforeRead: (() => void) | null = null;
  /**
   * Where two workers share this batch's weight gradient by rows (engine/row-split.ts): the rows
   * the backward pass computes; null for all of them.
   */
  rowShare: RowShare | null = null;

  /** a = f(z) of the last forward batch: rows × outputs. */
  output = new Float32Array(0);
  /** ∂L/∂z of the last backward batch: rows × outputs. */
  delta = new Float32Array(0);

  private readonly fn: ActivationFunction;
  private capacity = 0;
  /** Per row r: nonZeroCount[r] pairs (index, value) from r * inputs on. */
  private nonZeroIndex = new Int32Array(0);
  private nonZeroValue = new Float32Array(0);
  private nonZeroCount = new Int32Array(0);
  /** inputSeenIn[i] = the forward pass that last added input i to activeRows. */
  private readonly inputSeenIn: Int32Array;
  private pass = 0;
  /**
   * The weight gradient of a sparse-input layer, grouped by input: the pairs
   * (row r's offset r·outputs, x[r][i]) of input i sit at bucketStart[i] … bucketEnd[i] − 1,
   * and nonZeroRows[i] counts them.
   */
  private readonly nonZeroRows: Int32Array;
  private readonly bucketStart: Int32Array;
  private readonly bucketEnd: Int32Array;
  private bucketOffset = new Int32Array(0);
  private bucketValue = new Float32Array(0);
  /** The rows of gradWeights the last backward pass wrote (the others are zero). */
  private readonly gradientRows: Int32Array;
  private gradientRowCount = 0;

  /**
   * The WebAssembly kernels of a dense-input layer, when asked for; else the TypeScript loops below
   * run. Their memory holds the biases, and the weights too where the inputs come in eights (this
   * layer's arrays are then views of it): the optimizer steps them there, and nothing is copied.
   */
  private readonly wasm: WasmDenseKernels | null = null;
  /**
   * Those of a sparse-input layer, which hold its weights, biases, gradient and batch
   * buffers in their memory (this layer's arrays are views of it), for batches of up
   * to SPARSE_WASM_ROWS rows; larger ones take the TypeScript loops on the same arrays.
   */
  private readonly sparseWasm: WasmSparseLayer | null = null;

  /**
   * `inputShape` is what the layer below gives (its values taken in order); [1, 1, inputs] by default.
   * With `twin` (another layer's, see DenseTwin) the layer computes in that layer's memory, on its
   * weights and biases as they are there: `spec`'s parameters only give the shapes.
   */
  constructor(spec: DenseSpec, sparseInput = false, kernels: Kernels = 'ts', inputShape?: Shape, twin?: DenseTwin) {
    if (spec.weights.length !== spec.inputs * spec.outputs || spec.biases.length !== spec.outputs) {
      throw new Error(`A ${spec.inputs}→${spec.outputs} layer needs ${spec.inputs * spec.outputs} weights and ${spec.outputs} biases`);
    }
    this.inputs = spec.inputs;
    this.outputs = spec.outputs;
    this.activation = spec.activation;
    this.inputShape = inputShape ?? [1, 1, spec.inputs];
    this.outputShape = [1, 1, spec.outputs];
    if (inWasm(kernels) && sparseInput) {
      this.sparseWasm = new WasmSparseLayer(spec.inputs, spec.outputs, SPARSE_WASM_ROWS);
      this.sparseWasm.weights.set(transpose(spec.weights, spec.outputs, spec.inputs));
      this.sparseWasm.biases.set(spec.biases);
    }
    if (inWasm(kernels) && !sparseInput) {
      this.wasm = new WasmDenseKernels(spec.inputs, spec.outputs, kernels === 'fused', twin);
      if (!twin) {
        this.wasm.weights?.set(spec.weights);
        this.wasm.biases.set(spec.biases);
      }
    }
    const held = this.sparseWasm ?? this.wasm;
    this.weights = held?.weights ?? (sparseInput ? transpose(spec.weights, spec.outputs, spec.inputs) : spec.weights);
    this.biases = held?.biases ?? spec.biases;
    this.gradWeights = held?.gradWeights ?? new Float32Array(spec.weights.length);
    this.gradBiases = held?.gradBiases ?? new Float32Array(spec.outputs);
    this.sparseInput = sparseInput;
    this.activeRows = sparseInput ? { rowLength: spec.outputs, list: this.sparseWasm?.activeList ?? new Int32Array(spec.inputs), count: 0 } : null;
    const sparseInputs = sparseInput ? spec.inputs : 0;
    this.inputSeenIn = new Int32Array(sparseInputs);
    this.nonZeroRows = new Int32Array(sparseInputs);
    this.bucketStart = new Int32Array(sparseInputs);
    this.bucketEnd = new Int32Array(sparseInputs);
    this.gradientRows = new Int32Array(sparseInputs);
    this.fn = ACTIVATION_FUNCTIONS[spec.activation];
  }

  /** Where a replica of this layer can compute in its memory (DenseTwin), or null. */
  get twin(): DenseTwin | null {
    return this.wasm?.twin ?? null;
  }

  /** Rows [from, to) of the weight gradient of the other half of a batch, in its regions of this layer's memory (RowShare). */
  weightGradientRows(half: ShardRegions, rows: number, from: number, to: number): void {
    if (!this.wasm) throw new Error('Only a layer with WebAssembly kernels shares its weight gradient by rows');
    this.wasm.weightGradientRows(half, rows, from, to);
  }

  /** The gradient of weights and biases a replica on `twin` left by its last backward pass, or null without a twin. */
  twinGradients(): [Float32Array, Float32Array] | null {
    return this.wasm?.twinGradients() ?? null;
  }

  /** Makes the batch buffers hold at least `rows` samples. */
  reserve(rows: number): void {
    if (this.usesSparseWasm(rows)) {
      const kernels = this.sparseWasm as WasmSparseLayer;
      this.output = kernels.output;
      this.delta = kernels.delta;
      return;
    }
    if (rows <= this.capacity && this.output !== this.sparseWasm?.output) return;
    this.capacity = Math.max(rows, this.capacity);
    rows = this.capacity;
    this.output = new Float32Array(rows * this.outputs);
    this.delta = new Float32Array(rows * this.outputs);
    if (this.sparseInput) {
      this.nonZeroIndex = new Int32Array(rows * this.inputs);
      this.nonZeroValue = new Float32Array(rows * this.inputs);
      this.nonZeroCount = new Int32Array(rows);
      this.bucketOffset = new Int32Array(rows * this.inputs);
      this.bucketValue = new Float32Array(rows * this.inputs);
    }
  }

  /**
   * Weights with decay `l2`, biases without. A sparse-input layer's weights come
   * with their active rows, which lets an optimizer skip or defer the others.
   */
  paramGroups(l2: number): ParamGroup[] {
    const arena = (this.sparseWasm ?? this.wasm)?.arena ?? undefined;
    return [
      { params: this.weights, grads: this.gradWeights, l2, activeRows: this.activeRows ?? undefined, arena },
      { params: this.biases, grads: this.gradBiases, l2: 0, arena },
    ];
  }

  /** A copy of the layer's shape and parameters, W output-major as in DenseSpec. */
  toSpec(): DenseSpec {
    const { inputs, outputs, activation, weights, biases } = this;
    return {
      type: 'dense',
      inputs,
      outputs,
      activation,
      weights: this.sparseInput ? transpose(weights, inputs, outputs) : weights.slice(),
      biases: biases.slice(),
    };
  }

  /** z[r][o] = b[o] + Σ_i W[o][i]·x[r][i];  a = f(z). Returns `output`. */
  forward(input: Float32Array, rows: number): Float32Array {
    this.weightedSum(input, rows);
    this.activate(rows);
    return this.output;
  }

  /** z = W·x + b into `output`: the forward pass before its activation. */
  weightedSum(input: Float32Array, rows: number): void {
    this.reserve(rows);
    if (this.usesSparseWasm(rows)) {
      const kernels = this.sparseWasm as WasmSparseLayer;
      kernels.load(input, rows);
      (this.activeRows as ActiveRows).count = kernels.activeCount;
      this.beforeRead?.();
      kernels.forward();
    } else if (this.sparseInput) {
      this.findNonZeros(input, rows);
      this.beforeRead?.();
      this.forwardSparse(rows);
    } else if (this.wasm) {
      this.wasm.forward(input, rows, this.weights, this.output);
    } else {
      this.forwardDense(input, rows);
    }
  }

  /** a = f(z) in place on `output`, after weightedSum. */
  activate(rows: number): void {
    // A float32 SIMD σ, within 2 ulp of Math.exp's, took the layer's costliest step down to a tenth.
    if (this.activation === 'Sigmoid' && this.usesSparseWasm(rows)) (this.sparseWasm as WasmSparseLayer).sigmoid();
    else this.fn.forward(this.output, this.output, rows * this.outputs, this.outputs);
  }

  /**
   * From `delta` = ∂L/∂z (filled by the caller):
   *   ∂L/∂b[o]    = Σ_r δ[r][o]
   *   ∂L/∂W[o][i] = Σ_r δ[r][o]·x[r][i]
   *   ∂L/∂x[r][i] = Σ_o δ[r][o]·W[o][i]   written to `inputDelta`, when given.
   * `input` must be the batch of the last forward call.
   */
  backward(input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    const { outputs, delta, gradBiases } = this;
    gradBiases.fill(0);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outputs; o++) gradBiases[o] += delta[r * outputs + o];
    }
    if (this.wasm) {
      this.wasm.backward(input, delta, rows, this.gradWeights, inputDelta, this.rowShare);
      return;
    }
    if (this.usesSparseWasm(rows)) {
      (this.sparseWasm as WasmSparseLayer).weightGradient();
      if (inputDelta) this.inputGradientInputMajor(rows, inputDelta);
      return;
    }
    if (this.sparseInput) {
      this.weightGradientSparse(rows);
    } else {
      this.weightGradientDense(input, rows);
    }
    if (inputDelta) {
      if (this.sparseInput) this.inputGradientInputMajor(rows, inputDelta);
      else this.inputGradient(rows, inputDelta);
    }
  }

  private usesSparseWasm(rows: number): boolean {
    return this.sparseWasm !== null && rows <= this.sparseWasm.maxRows;
  }

  // The kernels below take output units four (or eight) at a time: each input value
  // loaded then serves several weight rows, which roughly halves the loads per
  // multiply-add. Units left over at the end go one by one.

  private forwardDense(input: Float32Array, rows: number): void {
    const { inputs, outputs, weights, biases, output } = this;
    let o = 0;
    for (; o + 3 < outputs; o += 4) {
      const w0 = o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
      for (let r = 0; r < rows; r++) {
        const x = r * inputs;
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let i = 0; i < inputs; i++) {
          const v = input[x + i];
          s0 += weights[w0 + i] * v;
          s1 += weights[w1 + i] * v;
          s2 += weights[w2 + i] * v;
          s3 += weights[w3 + i] * v;
        }
        const z = r * outputs + o;
        output[z] = biases[o] + s0;
        output[z + 1] = biases[o + 1] + s1;
        output[z + 2] = biases[o + 2] + s2;
        output[z + 3] = biases[o + 3] + s3;
      }
    }
    for (; o < outputs; o++) {
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let i = 0; i < inputs; i++) s += weights[o * inputs + i] * input[r * inputs + i];
        output[r * outputs + o] = biases[o] + s;
      }
    }
  }

  /**
   * forwardDense over each row's non-zero inputs only, on input-major W, eight
   * units at a time: the (index, value) pairs cost a load each, so sharing them
   * wider pays, and the eight weights of an input sit side by side.
   */
  private forwardSparse(rows: number): void {
    const { inputs, outputs, weights, biases, output, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    let o = 0;
    for (; o + 7 < outputs; o += 8) {
      for (let r = 0; r < rows; r++) {
        const end = r * inputs + nonZeroCount[r];
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (let k = r * inputs; k < end; k++) {
          const w = nonZeroIndex[k] * outputs + o;
          const v = nonZeroValue[k];
          s0 += weights[w] * v;
          s1 += weights[w + 1] * v;
          s2 += weights[w + 2] * v;
          s3 += weights[w + 3] * v;
          s4 += weights[w + 4] * v;
          s5 += weights[w + 5] * v;
          s6 += weights[w + 6] * v;
          s7 += weights[w + 7] * v;
        }
        const z = r * outputs + o;
        output[z] = biases[o] + s0;
        output[z + 1] = biases[o + 1] + s1;
        output[z + 2] = biases[o + 2] + s2;
        output[z + 3] = biases[o + 3] + s3;
        output[z + 4] = biases[o + 4] + s4;
        output[z + 5] = biases[o + 5] + s5;
        output[z + 6] = biases[o + 6] + s6;
        output[z + 7] = biases[o + 7] + s7;
      }
    }
    for (; o < outputs; o++) {
      for (let r = 0; r < rows; r++) {
        const end = r * inputs + nonZeroCount[r];
        let s = 0;
        for (let k = r * inputs; k < end; k++) s += weights[nonZeroIndex[k] * outputs + o] * nonZeroValue[k];
        output[r * outputs + o] = biases[o] + s;
      }
    }
  }

  private weightGradientDense(input: Float32Array, rows: number): void {
    const { inputs, outputs, delta, gradWeights: g } = this;
    let o = 0;
    for (; o + 3 < outputs; o += 4) {
      const w0 = o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
      g.fill(0, w0, w3 + inputs);
      for (let r = 0; r < rows; r++) {
        const z = r * outputs + o;
        const d0 = delta[z], d1 = delta[z + 1], d2 = delta[z + 2], d3 = delta[z + 3];
        const x = r * inputs;
        for (let i = 0; i < inputs; i++) {
          const v = input[x + i];
          g[w0 + i] += d0 * v;
          g[w1 + i] += d1 * v;
          g[w2 + i] += d2 * v;
          g[w3 + i] += d3 * v;
        }
      }
    }
    for (; o < outputs; o++) {
      g.fill(0, o * inputs, (o + 1) * inputs);
      for (let r = 0; r < rows; r++) {
        const d = delta[r * outputs + o];
        for (let i = 0; i < inputs; i++) g[o * inputs + i] += d * input[r * inputs + i];
      }
    }
  }

  /**
   * weightGradientDense on input-major W, for the inputs of activeRows only (the
   * other rows are zero). The batch's (row, value) pairs are first grouped by
   * input, so each of the row's sums stays in a register until it is written once.
   */
  private weightGradientSparse(rows: number): void {
    const { inputs, outputs, delta, gradWeights: g, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    const { bucketStart, bucketEnd, bucketOffset, bucketValue, inputSeenIn, gradientRows } = this;
    const { list, count } = this.activeRows as ActiveRows;
    for (let n = 0; n < this.gradientRowCount; n++) {
      const i = gradientRows[n];
      if (inputSeenIn[i] !== this.pass) g.fill(0, i * outputs, (i + 1) * outputs);
    }
    gradientRows.set(list.subarray(0, count));
    this.gradientRowCount = count;
    if (rows === 1) {
      // One sample: each row of the gradient is a single term, x[i]·δ, with no sums to keep.
      for (let k = 0; k < nonZeroCount[0]; k++) {
        const row = nonZeroIndex[k] * outputs;
        const v = nonZeroValue[k];
        for (let o = 0; o < outputs; o++) g[row + o] = delta[o] * v;
      }
      return;
    }
    let offset = 0;
    for (let n = 0; n < count; n++) {
      const i = list[n];
      bucketStart[i] = offset;
      bucketEnd[i] = offset;
      offset += this.nonZeroRows[i];
    }
    for (let r = 0; r < rows; r++) {
      const end = r * inputs + nonZeroCount[r];
      for (let k = r * inputs; k < end; k++) {
        const e = bucketEnd[nonZeroIndex[k]]++;
        bucketOffset[e] = r * outputs;
        bucketValue[e] = nonZeroValue[k];
      }
    }
    for (let n = 0; n < count; n++) {
      const i = list[n];
      const first = bucketStart[i];
      const last = bucketEnd[i];
      const row = i * outputs;
      let o = 0;
      for (; o + 7 < outputs; o += 8) {
        let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0, g6 = 0, g7 = 0;
        for (let e = first; e < last; e++) {
          const d = bucketOffset[e] + o;
          const v = bucketValue[e];
          g0 += delta[d] * v;
          g1 += delta[d + 1] * v;
          g2 += delta[d + 2] * v;
          g3 += delta[d + 3] * v;
          g4 += delta[d + 4] * v;
          g5 += delta[d + 5] * v;
          g6 += delta[d + 6] * v;
          g7 += delta[d + 7] * v;
        }
        const w = row + o;
        g[w] = g0;
        g[w + 1] = g1;
        g[w + 2] = g2;
        g[w + 3] = g3;
        g[w + 4] = g4;
        g[w + 5] = g5;
        g[w + 6] = g6;
        g[w + 7] = g7;
      }
      for (; o < outputs; o++) {
        let sum = 0;
        for (let e = first; e < last; e++) sum += delta[bucketOffset[e] + o] * bucketValue[e];
        g[row + o] = sum;
      }
    }
  }

  private inputGradient(rows: number, inputDelta: Float32Array): void {
    const { inputs, outputs, delta, weights } = this;
    inputDelta.fill(0, 0, rows * inputs);
    for (let r = 0; r < rows; r++) {
      const x = r * inputs;
      let o = 0;
      for (; o + 3 < outputs; o += 4) {
        const z = r * outputs + o;
        const d0 = delta[z], d1 = delta[z + 1], d2 = delta[z + 2], d3 = delta[z + 3];
        const w0 = o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
        for (let i = 0; i < inputs; i++) {
          inputDelta[x + i] += d0 * weights[w0 + i] + d1 * weights[w1 + i] + d2 * weights[w2 + i] + d3 * weights[w3 + i];
        }
      }
      for (; o < outputs; o++) {
        const d = delta[r * outputs + o];
        for (let i = 0; i < inputs; i++) inputDelta[x + i] += d * weights[o * inputs + i];
      }
    }
  }

  /** ∂L/∂x[r][i] = Σ_o δ[r][o]·W[i][o]: on input-major W, one contiguous dot product per input. */
  private inputGradientInputMajor(rows: number, inputDelta: Float32Array): void {
    const { inputs, outputs, delta, weights } = this;
    for (let r = 0; r < rows; r++) {
      const d = r * outputs;
      for (let i = 0; i < inputs; i++) {
        const w = i * outputs;
        let sum = 0;
        for (let o = 0; o < outputs; o++) sum += delta[d + o] * weights[w + o];
        inputDelta[r * inputs + i] = sum;
      }
    }
  }

  /** Each row's non-zero inputs, their union over the batch in activeRows, and how many rows each is non-zero in. */
  private findNonZeros(input: Float32Array, rows: number): void {
    const { inputs, nonZeroIndex, nonZeroValue, nonZeroCount, inputSeenIn, nonZeroRows } = this;
    const active = this.activeRows as ActiveRows;
    const pass = ++this.pass;
    active.count = 0;
    for (let r = 0; r < rows; r++) {
      const start = r * inputs;
      let count = 0;
      for (let i = 0; i < inputs; i++) {
        const x = input[start + i];
        if (x !== 0) {
          nonZeroIndex[start + count] = i;
          nonZeroValue[start + count] = x;
          count++;
          if (inputSeenIn[i] !== pass) {
            inputSeenIn[i] = pass;
            active.list[active.count++] = i;
            nonZeroRows[i] = 0;
          }
          nonZeroRows[i]++;
        }
      }
      nonZeroCount[r] = count;
    }
  }
}

/** The transpose of a rows × columns row-major matrix: a fresh columns × rows one. */
export function transpose(values: Float32Array, rows: number, columns: number): Float32Array {
  const result = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < columns; c++) result[c * rows + r] = values[r * columns + c];
  }
  return result;
}
