/**
 * Where the network looks: the gradient of the predicted class's output (its probability
 * under Softmax) with respect to each input pixel (Simonyan et al. 2013's saliency map).
 */
import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { layerOutputs } from './inspect.ts';
import type { DenseSpec } from './layer.ts';
import { argmax } from './metrics.ts';

export interface Saliency {
  /** The class whose output is differentiated: the network's answer. */
  predicted: number;
  /** ∂y/∂x_i for each input pixel x_i in [0, 1]. */
  gradient: Float32Array;
}

/** The saliency of a dense network's answer for one input, by backpropagation from its output. */
export function saliency(specs: readonly DenseSpec[], input: Float32Array): Saliency {
  const outputs = layerOutputs(specs, input);
  const last = outputs[outputs.length - 1];
  const predicted = argmax(last, 0, last.length);
  // g holds ∂y/∂(this layer's output), then ∂y/∂(its weighted sums), then ∂y/∂(its input).
  let g: Float32Array = new Float32Array(last.length);
  g[predicted] = 1;
  for (let l = specs.length - 1; l >= 0; l--) {
    const { inputs, outputs: size, activation, weights } = specs[l];
    ACTIVATION_FUNCTIONS[activation].backward(outputs[l], g, size, size);
    const below = new Float32Array(inputs);
    for (let o = 0; o < size; o++) {
      const d = g[o];
      if (d === 0) continue;
      const row = o * inputs;
      for (let i = 0; i < inputs; i++) below[i] += weights[row + i] * d;
    }
    g = below;
  }
  return { predicted, gradient: g };
}
