/**
 * Looks inside a trained network for the page's pictures: what each first-layer unit
 * looks for, and how strongly each hidden unit answers a given image. Works on layer
 * specs (copies), never on the training network's buffers.
 */
import { ACTIVATION_FUNCTIONS } from './activations.ts';
import type { DenseSpec } from './layer.ts';

/**
 * Every layer's outputs for one input, in order (the last is the network's output):
 * a_l = f_l(W_l·a_{l−1} + b_l), the same sums as Network.predict.
 */
export function layerOutputs(specs: readonly DenseSpec[], input: Float32Array): Float32Array[] {
  const outputs: Float32Array[] = [];
  let previous = input;
  for (const { inputs, outputs: size, activation, weights, biases } of specs) {
    const a = new Float32Array(size);
    for (let o = 0; o < size; o++) {
      let sum = biases[o];
      const row = o * inputs;
      for (let i = 0; i < inputs; i++) sum += weights[row + i] * previous[i];
      a[o] = sum;
    }
    ACTIVATION_FUNCTIONS[activation].forward(a, a, size, size);
    outputs.push(a);
    previous = a;
  }
  return outputs;
}

/**
 * The largest |weight| of each unit's incoming weights (spec rows), so each image can be
 * drawn on its own symmetric colour scale: −max is full blue, +max full red.
 */
export function rowScales(weights: Float32Array, rows: number, columns: number): Float32Array {
  const scales = new Float32Array(rows);
  for (let r = 0; r < rows; r++) {
    let max = 0;
    for (let c = r * columns; c < (r + 1) * columns; c++) max = Math.max(max, Math.abs(weights[c]));
    scales[r] = max;
  }
  return scales;
}
