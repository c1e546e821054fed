import { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.ts';
import type { Activation } from './config.ts';
import type { ActiveColumns } from './optimizers.ts';

/** A dense layer's shape, activation and parameters: what a model file stores. */
export interface LayerSpec {
  inputs: number;
  outputs: number;
  activation: Activation;
  /** outputs × inputs, row-major: weights[o * inputs + i] connects input i to output o. */
  weights: Float32Array;
  biases: Float32Array;
}

/**
 * A fully connected layer, z = W·x + b, a = f(z), on batches of `rows` samples
 * stored row after row in flat Float32Arrays.
 *
 * Batch buffers are allocated once by `reserve` and reused, so training allocates
 * nothing per batch.
 */
export class Dense {
  readonly inputs: number;
  readonly outputs: number;
  readonly activation: Activation;
  /** W[o * inputs + i]: row o holds the weights into output unit o. */
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
   * last forward batch: the only columns of W with a non-zero gradient.
   */
  readonly activeInputs: ActiveColumns | null;
  /**
   * Called by a sparse-input forward once activeInputs is known, before the
   * weights are read: a lazy optimizer brings those columns up to date here.
   */
  beforeRead: (() => void) | null = null;

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
  /** inputSeenIn[i] = the forward pass that last added input i to activeInputs. */
  private readonly inputSeenIn: Int32Array;
  private pass = 0;

  constructor(spec: LayerSpec, sparseInput = false) {
    if (spec.weights.length !== spec.inputs * spec.outputs || spec.biases.length !== spec.outputs) {
      throw new Error(`A ${spec.inputs}→${spec.outputs} layer needs ${spec.inputs * spec.outputs} weights and ${spec.outputs} biases`);
    }
    this.inputs = spec.inputs;
    this.outputs = spec.outputs;
    this.activation = spec.activation;
    this.weights = spec.weights;
    this.biases = spec.biases;
    this.gradWeights = new Float32Array(spec.weights.length);
    this.gradBiases = new Float32Array(spec.outputs);
    this.sparseInput = sparseInput;
    this.activeInputs = sparseInput ? { columns: spec.inputs, list: new Int32Array(spec.inputs), count: 0 } : null;
    this.inputSeenIn = new Int32Array(sparseInput ? spec.inputs : 0);
    this.fn = ACTIVATION_FUNCTIONS[spec.activation];
  }

  /** Makes the batch buffers hold at least `rows` samples. */
  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    this.output = new Float32Array(rows * this.outputs);
    this.delta = new Float32Array(rows * this.outputs);
    if (this.sparseInput) {
      this.nonZeroIndex = new Int32Array(rows * this.inputs);
      this.nonZeroValue = new Float32Array(rows * this.inputs);
      this.nonZeroCount = new Int32Array(rows);
    }
  }

  /** z[r][o] = b[o] + Σ_i W[o][i]·x[r][i];  a = f(z). Returns `output`. */
  forward(input: Float32Array, rows: number): Float32Array {
    this.reserve(rows);
    if (this.sparseInput) {
      this.findNonZeros(input, rows);
      this.beforeRead?.();
      this.forwardSparse(rows);
    } else {
      this.forwardDense(input, rows);
    }
    this.fn.forward(this.output, this.output, rows * this.outputs, this.outputs);
    return this.output;
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
    if (this.sparseInput) {
      this.weightGradientSparse(rows);
    } else {
      this.weightGradientDense(input, rows);
    }
    if (inputDelta) this.inputGradient(rows, inputDelta);
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
   * forwardDense over each row's non-zero inputs only, eight units at a time:
   * the (index, value) pairs cost a load each, so sharing them wider pays.
   */
  private forwardSparse(rows: number): void {
    const { inputs, outputs, weights, biases, output, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    let o = 0;
    for (; o + 7 < outputs; o += 8) {
      const w0 = o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
      const w4 = w3 + inputs, w5 = w4 + inputs, w6 = w5 + inputs, w7 = w6 + inputs;
      for (let r = 0; r < rows; r++) {
        const end = r * inputs + nonZeroCount[r];
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
        for (let k = r * inputs; k < end; k++) {
          const i = nonZeroIndex[k];
          const v = nonZeroValue[k];
          s0 += weights[w0 + i] * v;
          s1 += weights[w1 + i] * v;
          s2 += weights[w2 + i] * v;
          s3 += weights[w3 + i] * v;
          s4 += weights[w4 + i] * v;
          s5 += weights[w5 + i] * v;
          s6 += weights[w6 + i] * v;
          s7 += weights[w7 + i] * v;
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
        for (let k = r * inputs; k < end; k++) s += weights[o * inputs + nonZeroIndex[k]] * nonZeroValue[k];
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

  /** weightGradientDense over each row's non-zero inputs only, eight units at a time like forwardSparse. */
  private weightGradientSparse(rows: number): void {
    const { inputs, outputs, delta, gradWeights: g, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    let o = 0;
    for (; o + 7 < outputs; o += 8) {
      const w0 = o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
      const w4 = w3 + inputs, w5 = w4 + inputs, w6 = w5 + inputs, w7 = w6 + inputs;
      g.fill(0, w0, w7 + inputs);
      for (let r = 0; r < rows; r++) {
        const z = r * outputs + o;
        const d0 = delta[z], d1 = delta[z + 1], d2 = delta[z + 2], d3 = delta[z + 3];
        const d4 = delta[z + 4], d5 = delta[z + 5], d6 = delta[z + 6], d7 = delta[z + 7];
        const end = r * inputs + nonZeroCount[r];
        for (let k = r * inputs; k < end; k++) {
          const i = nonZeroIndex[k];
          const v = nonZeroValue[k];
          g[w0 + i] += d0 * v;
          g[w1 + i] += d1 * v;
          g[w2 + i] += d2 * v;
          g[w3 + i] += d3 * v;
          g[w4 + i] += d4 * v;
          g[w5 + i] += d5 * v;
          g[w6 + i] += d6 * v;
          g[w7 + i] += d7 * v;
        }
      }
    }
    for (; o < outputs; o++) {
      g.fill(0, o * inputs, (o + 1) * inputs);
      for (let r = 0; r < rows; r++) {
        const d = delta[r * outputs + o];
        const end = r * inputs + nonZeroCount[r];
        for (let k = r * inputs; k < end; k++) g[o * inputs + nonZeroIndex[k]] += d * nonZeroValue[k];
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

  /** Each row's non-zero inputs, and their union over the batch in activeInputs. */
  private findNonZeros(input: Float32Array, rows: number): void {
    const { inputs, nonZeroIndex, nonZeroValue, nonZeroCount, inputSeenIn } = this;
    const active = this.activeInputs as ActiveColumns;
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
          }
        }
      }
      nonZeroCount[r] = count;
    }
  }
}
