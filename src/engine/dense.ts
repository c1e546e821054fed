import { ACTIVATION_FUNCTIONS, type ActivationFunction } from './activations.ts';
import type { Activation } from './config.ts';

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

  private forwardDense(input: Float32Array, rows: number): void {
    const { inputs, outputs, weights, biases, output } = this;
    // Output-major: row o of W stays in cache while every sample of the batch uses it.
    for (let o = 0; o < outputs; o++) {
      for (let r = 0; r < rows; r++) {
        output[r * outputs + o] = biases[o] + dot(weights, o * inputs, input, r * inputs, inputs);
      }
    }
  }

  private weightGradientDense(input: Float32Array, rows: number): void {
    const { inputs, outputs, delta, gradWeights } = this;
    for (let o = 0; o < outputs; o++) {
      gradWeights.fill(0, o * inputs, (o + 1) * inputs);
      for (let r = 0; r < rows; r++) {
        const d = delta[r * outputs + o];
        if (d !== 0) axpy(gradWeights, o * inputs, d, input, r * inputs, inputs);
      }
    }
  }

  private inputGradient(rows: number, inputDelta: Float32Array): void {
    const { inputs, outputs, delta, weights } = this;
    inputDelta.fill(0, 0, rows * inputs);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outputs; o++) {
        const d = delta[r * outputs + o];
        if (d !== 0) axpy(inputDelta, r * inputs, d, weights, o * inputs, inputs);
      }
    }
  }

  private findNonZeros(input: Float32Array, rows: number): void {
    const { inputs, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    for (let r = 0; r < rows; r++) {
      const start = r * inputs;
      let count = 0;
      for (let i = 0; i < inputs; i++) {
        const x = input[start + i];
        if (x !== 0) {
          nonZeroIndex[start + count] = i;
          nonZeroValue[start + count] = x;
          count++;
        }
      }
      nonZeroCount[r] = count;
    }
  }

  /**
   * forwardDense over the non-zero inputs only. Four output units at a time, so
   * each (index, value) pair loaded serves four weight rows.
   */
  private forwardSparse(rows: number): void {
    const { inputs, outputs, weights, biases, output, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    let o = 0;
    for (; o + 3 < outputs; o += 4) {
      const w0 = o * inputs, w1 = w0 + inputs, w2 = w1 + inputs, w3 = w2 + inputs;
      for (let r = 0; r < rows; r++) {
        const end = r * inputs + nonZeroCount[r];
        let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        for (let k = r * inputs; k < end; k++) {
          const i = nonZeroIndex[k];
          const x = nonZeroValue[k];
          s0 += weights[w0 + i] * x;
          s1 += weights[w1 + i] * x;
          s2 += weights[w2 + i] * x;
          s3 += weights[w3 + i] * x;
        }
        const z = r * outputs + o;
        output[z] = biases[o] + s0;
        output[z + 1] = biases[o + 1] + s1;
        output[z + 2] = biases[o + 2] + s2;
        output[z + 3] = biases[o + 3] + s3;
      }
    }
    for (; o < outputs; o++) {
      const w = o * inputs;
      for (let r = 0; r < rows; r++) {
        const end = r * inputs + nonZeroCount[r];
        let s = 0;
        for (let k = r * inputs; k < end; k++) s += weights[w + nonZeroIndex[k]] * nonZeroValue[k];
        output[r * outputs + o] = biases[o] + s;
      }
    }
  }

  /** weightGradientDense over the non-zero inputs only. */
  private weightGradientSparse(rows: number): void {
    const { inputs, outputs, delta, gradWeights, nonZeroIndex, nonZeroValue, nonZeroCount } = this;
    for (let o = 0; o < outputs; o++) {
      const w = o * inputs;
      gradWeights.fill(0, w, w + inputs);
      for (let r = 0; r < rows; r++) {
        const d = delta[r * outputs + o];
        if (d === 0) continue;
        const end = r * inputs + nonZeroCount[r];
        for (let k = r * inputs; k < end; k++) gradWeights[w + nonZeroIndex[k]] += d * nonZeroValue[k];
      }
    }
  }
}

/** Σ_k a[aStart + k]·b[bStart + k] for k < n, in four independent sums so the additions overlap. */
function dot(a: Float32Array, aStart: number, b: Float32Array, bStart: number, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let k = 0;
  for (; k + 3 < n; k += 4) {
    s0 += a[aStart + k] * b[bStart + k];
    s1 += a[aStart + k + 1] * b[bStart + k + 1];
    s2 += a[aStart + k + 2] * b[bStart + k + 2];
    s3 += a[aStart + k + 3] * b[bStart + k + 3];
  }
  for (; k < n; k++) s0 += a[aStart + k] * b[bStart + k];
  return s0 + s1 + s2 + s3;
}

/** y[yStart + k] += alpha·x[xStart + k] for k < n. */
function axpy(y: Float32Array, yStart: number, alpha: number, x: Float32Array, xStart: number, n: number): void {
  let k = 0;
  for (; k + 3 < n; k += 4) {
    y[yStart + k] += alpha * x[xStart + k];
    y[yStart + k + 1] += alpha * x[xStart + k + 1];
    y[yStart + k + 2] += alpha * x[xStart + k + 2];
    y[yStart + k + 3] += alpha * x[xStart + k + 3];
  }
  for (; k < n; k++) y[yStart + k] += alpha * x[xStart + k];
}
