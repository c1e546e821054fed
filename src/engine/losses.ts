import type { ActivationFunction } from './activations.ts';
import type { Loss } from './config.ts';

/**
 * A loss and the gradient it sends into the output layer, side by side.
 * Buffers hold `rows` samples of `width` values; targets are given the same way
 * (one-hot rows for classification).
 */
export interface LossFunction {
  /** Σ over the rows of each sample's loss (callers divide by the sample count). */
  sum(output: Float32Array, target: Float32Array, rows: number, width: number): number;
  /**
   * delta ← ∂L/∂z of the output layer for L = the summed loss of the `rows` samples
   * divided by `meanOver` (by default `rows`: their mean), given the output a = f(z)
   * and the output layer's activation f. A shard of a batch divides by the whole
   * batch's size, so the shards' gradients add up to the batch's.
   */
  outputDelta(
    output: Float32Array,
    target: Float32Array,
    delta: Float32Array,
    rows: number,
    width: number,
    activation: ActivationFunction,
    meanOver?: number,
  ): void;
}

/**
 * Cross-entropy of a Softmax output: L = −Σ_k t_k·log a_k per sample.
 * A true class judged less likely than float32 can hold (about 1e−45, a logit
 * some 100 below the winner's) gives log 0 = −∞: healthy training never gets
 * there, a far too large learning rate does within a few batches, so the
 * infinite loss is reported as divergence rather than clamped away.
 */
const crossEntropy: LossFunction = {
  sum(output, target, rows, width) {
    let total = 0;
    for (let i = 0; i < rows * width; i++) {
      if (target[i] !== 0) total -= target[i] * Math.log(output[i]);
    }
    return total;
  },
  /**
   * With a = softmax(z): ∂L/∂z_j = Σ_k (−t_k/a_k)·a_k(δ_kj − a_j) = a_j·Σ_k t_k − t_j
   * = a_j − t_j, because the targets sum to 1. The softmax Jacobian cancels
   * against the logarithm's derivative, so the activation's backward is skipped.
   */
  outputDelta(output, target, delta, rows, width, _activation, meanOver = rows) {
    const scale = 1 / meanOver;
    for (let i = 0; i < rows * width; i++) delta[i] = (output[i] - target[i]) * scale;
  },
};

/** Mean squared error, halved so its gradient has no factor 2: L = ½·Σ_k (a_k − t_k)² per sample. */
const meanSquaredError: LossFunction = {
  sum(output, target, rows, width) {
    return squaredError(output, target, rows * width) / 2;
  },
  /** ∂L/∂z = (a − t)·f′(z). */
  outputDelta(output, target, delta, rows, width, activation, meanOver = rows) {
    const scale = 1 / meanOver;
    for (let i = 0; i < rows * width; i++) delta[i] = (output[i] - target[i]) * scale;
    activation.backward(output, delta, rows * width, width);
  },
};

export const LOSS_FUNCTIONS: Record<Loss, LossFunction> = {
  'cross-entropy': crossEntropy,
  mse: meanSquaredError,
};

/**
 * Σ (t − a)² over `length` values: summed per sample, then averaged over the
 * samples, this is the seed program's "Average Error".
 */
export function squaredError(output: Float32Array, target: Float32Array, length: number): number {
  let total = 0;
  for (let i = 0; i < length; i++) {
    const e = target[i] - output[i];
    total += e * e;
  }
  return total;
}
