import type { Activation } from './config.ts';

/**
 * An activation and its derivative, side by side. Both work in place on a batch
 * buffer of `length` values laid out as rows of `width` (only Softmax cares about rows).
 * The derivative is expressed through the output a = f(z), so z need not be kept.
 */
export interface ActivationFunction {
  /** a = f(z); z and a may be the same buffer. */
  forward(z: Float32Array, a: Float32Array, length: number, width: number): void;
  /** g ← g·f′(z): turns ∂L/∂a into ∂L/∂z, given a = f(z). */
  backward(a: Float32Array, g: Float32Array, length: number, width: number): void;
}

/** Slope of LeakyReLU for negative inputs. */
export const LEAKY_SLOPE = 0.01;

const sigmoid: ActivationFunction = {
  /** σ(z) = 1 / (1 + e^−z) */
  forward(z, a, length) {
    for (let i = 0; i < length; i++) a[i] = 1 / (1 + Math.exp(-z[i]));
  },
  /** σ′(z) = σ(z)(1 − σ(z)) = a(1 − a) */
  backward(a, g, length) {
    for (let i = 0; i < length; i++) g[i] *= a[i] * (1 - a[i]);
  },
};

// ReLU's sign tests are written without branches: on a trained layer about half the
// units are negative in no pattern a branch predictor can learn, and each mispredicted
// branch cost more than the arithmetic (the 784-800-10 ReLU network spent as long in
// these two loops as in its first layer's ∂W). +(v > 0) is 1 or 0 with no jump.
const relu: ActivationFunction = {
  /** max(0, z); v·0 is −0 for negative v, and + 0 makes it 0 */
  forward(z, a, length) {
    for (let i = 0; i < length; i++) {
      const v = z[i];
      a[i] = v * +(v > 0) + 0;
    }
  },
  /** 1 where z > 0, that is where a > 0; else 0 */
  backward(a, g, length) {
    for (let i = 0; i < length; i++) g[i] = g[i] * +(a[i] > 0) + 0;
  },
};

const leakyRelu: ActivationFunction = {
  /** z for z > 0, else 0.01·z */
  forward(z, a, length) {
    for (let i = 0; i < length; i++) a[i] = z[i] > 0 ? z[i] : LEAKY_SLOPE * z[i];
  },
  /** 1 where z > 0, else 0.01; a has the sign of z */
  backward(a, g, length) {
    for (let i = 0; i < length; i++) if (a[i] <= 0) g[i] *= LEAKY_SLOPE;
  },
};

const tanh: ActivationFunction = {
  /** tanh(z) */
  forward(z, a, length) {
    for (let i = 0; i < length; i++) a[i] = Math.tanh(z[i]);
  },
  /** tanh′(z) = 1 − tanh²(z) = 1 − a² */
  backward(a, g, length) {
    for (let i = 0; i < length; i++) g[i] *= 1 - a[i] * a[i];
  },
};

const linear: ActivationFunction = {
  /** z */
  forward(z, a, length) {
    if (z !== a) a.set(z.subarray(0, length));
  },
  /** 1 */
  backward() {},
};

const softmax: ActivationFunction = {
  /**
   * a_j = e^(z_j) / Σ_k e^(z_k), per row. Subtracting the row's maximum first leaves
   * the result unchanged and keeps every exponent ≤ 0, so nothing overflows.
   */
  forward(z, a, length, width) {
    for (let row = 0; row < length; row += width) {
      let max = -Infinity;
      for (let j = row; j < row + width; j++) if (z[j] > max) max = z[j];
      let sum = 0;
      for (let j = row; j < row + width; j++) {
        a[j] = Math.exp(z[j] - max);
        sum += a[j];
      }
      for (let j = row; j < row + width; j++) a[j] /= sum;
    }
  },
  /**
   * ∂a_k/∂z_j = a_k(δ_kj − a_j), so (g·J)_j = a_j(g_j − Σ_k g_k a_k), per row.
   * Only used below the output: a Softmax output trained with cross-entropy
   * skips this (see losses.ts).
   */
  backward(a, g, length, width) {
    for (let row = 0; row < length; row += width) {
      let dot = 0;
      for (let k = row; k < row + width; k++) dot += g[k] * a[k];
      for (let j = row; j < row + width; j++) g[j] = a[j] * (g[j] - dot);
    }
  },
};

export const ACTIVATION_FUNCTIONS: Record<Activation, ActivationFunction> = {
  Sigmoid: sigmoid,
  ReLU: relu,
  LeakyReLU: leakyRelu,
  Tanh: tanh,
  Linear: linear,
  Softmax: softmax,
};
