/**
 * Looks inside a trained network for the page's pictures: what each first-layer unit
 * looks for, and how strongly each hidden unit answers a given image. Works on layer
 * specs (copies), or copies out what one forward pass leaves in a network's buffers.
 */
import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { Conv2D } from './conv2d.ts';
import { shapeSize, type Conv2DSpec, type DenseSpec, type LayerSpec, type Shape } from './layer.ts';
import type { Network } from './network.ts';

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

/** The first convolution's filters, W[f][ky][kx][c] as in Conv2DSpec; null for a network without one. */
export function firstConvSpec(specs: readonly LayerSpec[]): Conv2DSpec | null {
  return specs.find((spec): spec is Conv2DSpec => spec.type === 'conv2d') ?? null;
}

/** What one convolution layer made of one input: its [height, width, filters] map, channels last. */
export interface FeatureMap {
  /** The layer's position among the network's layers, from 0. */
  layer: number;
  shape: Shape;
  values: Float32Array;
}

/**
 * Each convolution layer's output (after its activation) for one input, copied out of the
 * network's buffers, which the next forward pass overwrites. The same forward pass as
 * Network.predict, so the maps are what the prediction was made from.
 */
export function featureMaps(network: Network, input: Float32Array): FeatureMap[] {
  network.forwardBatch(input, 1, 'inference');
  const maps: FeatureMap[] = [];
  network.layers.forEach((layer, l) => {
    if (layer instanceof Conv2D) maps.push({ layer: l, shape: layer.outputShape, values: layer.output.slice(0, shapeSize(layer.outputShape)) });
  });
  return maps;
}
