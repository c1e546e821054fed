import type { BatchNormSpec, Layer, Mode, Shape } from './layer.ts';
import { shapeSize } from './layer.ts';
import type { ParamGroup } from './optimizers.ts';

/** PyTorch's defaults, so exported models and train.py keep the same running statistics. */
export const BATCHNORM_MOMENTUM = 0.1;
export const BATCHNORM_EPSILON = 1e-5;

/**
 * Batch normalisation per channel (after a convolution) or per unit (after a dense layer or a
 * flatten: a [1, 1, n] shape has n channels):
 *
 *   y = γ·x̂ + β,  x̂ = (x − μ)/√(σ² + ε)
 *
 * In training μ and σ² are the batch's mean and biased variance over its samples and positions,
 * and the running estimates move towards them: μ̄ ← (1 − m)·μ̄ + m·μ, σ̄² ← (1 − m)·σ̄² + m·σ²·N/(N − 1)
 * (the unbiased variance, N values per channel). In inference μ̄ and σ̄² stand in for them, so an
 * answer depends on its own input only. Batch statistics of one value are undefined: training on
 * one value per channel is refused.
 */
export class BatchNorm implements Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  readonly activation = null;
  readonly batchStatistics = true;
  readonly channels: number;
  /** γ and β. */
  readonly scale: Float32Array;
  readonly shift: Float32Array;
  readonly gradScale: Float32Array;
  readonly gradShift: Float32Array;
  readonly runningMean: Float32Array;
  readonly runningVariance: Float32Array;
  output = new Float32Array(0);
  delta = new Float32Array(0);
  /** x̂ of the last forward batch, which backward reads. */
  private normalised = new Float32Array(0);
  /** 1/√(σ² + ε) per channel of the last forward batch (the running σ̄² in inference). */
  private readonly inverseDeviation: Float32Array;
  /** Per-channel sums, in double precision: a channel sums up to rows × height × width values. */
  private readonly sums: Float64Array;
  private readonly squares: Float64Array;
  /** What the last forward used, which backward must differentiate. */
  private lastMode: Mode = 'inference';
  private capacity = 0;

  constructor(spec: BatchNormSpec) {
    this.inputShape = spec.inputShape;
    this.outputShape = spec.inputShape;
    const channels = spec.inputShape[2];
    this.channels = channels;
    const check = (values: Float32Array, name: string) => {
      if (values.length !== channels) throw new Error(`Batch normalisation over ${channels} channels needs ${channels} values of ${name}, got ${values.length}`);
      return values.slice();
    };
    this.scale = check(spec.weights, 'scale');
    this.shift = check(spec.biases, 'shift');
    this.runningMean = check(spec.runningMean, 'running mean');
    this.runningVariance = check(spec.runningVariance, 'running variance');
    this.gradScale = new Float32Array(channels);
    this.gradShift = new Float32Array(channels);
    this.inverseDeviation = new Float32Array(channels);
    this.sums = new Float64Array(channels);
    this.squares = new Float64Array(channels);
  }

  reserve(rows: number): void {
    if (rows <= this.capacity) return;
    this.capacity = rows;
    const size = rows * shapeSize(this.inputShape);
    this.output = new Float32Array(size);
    this.delta = new Float32Array(size);
    this.normalised = new Float32Array(size);
  }

  forward(input: Float32Array, rows: number, mode: Mode): Float32Array {
    this.reserve(rows);
    this.lastMode = mode;
    const { channels, scale, shift, output, normalised, inverseDeviation, runningMean } = this;
    const length = rows * shapeSize(this.inputShape);
    const count = length / channels;
    if (mode === 'training') this.measureBatch(input, length, count);
    else for (let c = 0; c < channels; c++) inverseDeviation[c] = 1 / Math.sqrt(this.runningVariance[c] + BATCHNORM_EPSILON);
    const mean = mode === 'training' ? this.sums : runningMean;
    for (let i = 0, c = 0; i < length; i++) {
      const value = (input[i] - mean[c]) * inverseDeviation[c];
      normalised[i] = value;
      output[i] = scale[c] * value + shift[c];
      if (++c === channels) c = 0;
    }
    return output;
  }

  /**
   * With g = γ·δ and means over the N values of a channel:
   * - training: ∂L/∂x = (g − mean(g) − x̂·mean(g·x̂))/√(σ² + ε), as μ and σ² depend on every x;
   * - inference: ∂L/∂x = g/√(σ̄² + ε), the running statistics being constants;
   * ∂L/∂γ = Σ δ·x̂ and ∂L/∂β = Σ δ in both.
   */
  backward(_input: Float32Array, rows: number, inputDelta: Float32Array | null): void {
    const { channels, scale, delta, normalised, inverseDeviation, gradScale, gradShift } = this;
    const length = rows * shapeSize(this.inputShape);
    const count = length / channels;
    const sumDelta = this.sums;
    const sumDeltaNormalised = this.squares;
    sumDelta.fill(0);
    sumDeltaNormalised.fill(0);
    for (let i = 0, c = 0; i < length; i++) {
      sumDelta[c] += delta[i];
      sumDeltaNormalised[c] += delta[i] * normalised[i];
      if (++c === channels) c = 0;
    }
    for (let c = 0; c < channels; c++) {
      gradScale[c] = sumDeltaNormalised[c];
      gradShift[c] = sumDelta[c];
    }
    if (!inputDelta) return;
    if (this.lastMode === 'inference') {
      for (let i = 0, c = 0; i < length; i++) {
        inputDelta[i] = delta[i] * scale[c] * inverseDeviation[c];
        if (++c === channels) c = 0;
      }
      return;
    }
    for (let c = 0; c < channels; c++) {
      sumDelta[c] /= count;
      sumDeltaNormalised[c] /= count;
    }
    for (let i = 0, c = 0; i < length; i++) {
      inputDelta[i] = scale[c] * inverseDeviation[c] * (delta[i] - sumDelta[c] - normalised[i] * sumDeltaNormalised[c]);
      if (++c === channels) c = 0;
    }
  }

  /** The batch's mean into `sums`, its 1/√(σ² + ε) into inverseDeviation; the running estimates move towards them. */
  private measureBatch(input: Float32Array, length: number, count: number): void {
    if (count < 2) {
      throw new Error(
        `Batch normalisation cannot train on one value per ${this.inputShape[0] * this.inputShape[1] === 1 ? 'unit' : 'channel'}: ` +
          'a batch of one sample has no batch statistics. Train in batches of 2 or more.',
      );
    }
    const { channels, sums, squares, inverseDeviation, runningMean, runningVariance } = this;
    sums.fill(0);
    for (let i = 0, c = 0; i < length; i++) {
      sums[c] += input[i];
      if (++c === channels) c = 0;
    }
    for (let c = 0; c < channels; c++) sums[c] /= count;
    // Squares about the mean, not Σx² − Nμ²: that difference loses the variance of large values.
    squares.fill(0);
    for (let i = 0, c = 0; i < length; i++) {
      const centred = input[i] - sums[c];
      squares[c] += centred * centred;
      if (++c === channels) c = 0;
    }
    for (let c = 0; c < channels; c++) {
      const variance = squares[c] / count;
      inverseDeviation[c] = 1 / Math.sqrt(variance + BATCHNORM_EPSILON);
      runningMean[c] = (1 - BATCHNORM_MOMENTUM) * runningMean[c] + BATCHNORM_MOMENTUM * sums[c];
      runningVariance[c] = (1 - BATCHNORM_MOMENTUM) * runningVariance[c] + BATCHNORM_MOMENTUM * (squares[c] / (count - 1));
    }
  }

  /** γ decays by `l2` as weights do (PyTorch's weight decay reaches it too), β does not. */
  paramGroups(l2: number): ParamGroup[] {
    return [
      { params: this.scale, grads: this.gradScale, l2 },
      { params: this.shift, grads: this.gradShift, l2: 0 },
    ];
  }

  toSpec(): BatchNormSpec {
    return {
      type: 'batchnorm',
      inputShape: this.inputShape,
      weights: this.scale.slice(),
      biases: this.shift.slice(),
      runningMean: this.runningMean.slice(),
      runningVariance: this.runningVariance.slice(),
    };
  }
}
