/**
 * Where the network looks, for one input:
 * - saliency: the gradient of the predicted class's output (its probability under Softmax)
 *   with respect to each input value (Simonyan et al. 2013), backpropagated through every
 *   layer kind (dense, convolution, pooling, flatten) by the layers' own backward passes;
 * - Grad-CAM (Selvaraju et al. 2017), for a network with a convolution: the last
 *   convolution's maps weighted by how much the predicted class's score (before Softmax)
 *   grows with each map on average, summed, negatives cut.
 */
import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { shapeSize, type Layer, type LayerSpec, type Shape } from './layer.ts';
import { specKind } from './layer-kinds.ts';
import { argmax } from './metrics.ts';

export interface Saliency {
  /** The class whose output is differentiated: the network's answer. */
  predicted: number;
  /** ∂y/∂x_i for each input value x_i in [0, 1]. */
  gradient: Float32Array;
}

export interface GradCam {
  /** The class whose score is explained: the network's answer. */
  predicted: number;
  /** The last convolution's position among the layers, from 0, and its output's shape. */
  layer: number;
  shape: Shape;
  /** ReLU(Σ_f α_f·A_f) at each of the map's height × width positions. */
  values: Float32Array;
  /** α_f: the mean over positions of ∂(score)/∂A_f, one per filter. */
  weights: Float32Array;
  /**
   * HiResCAM (Draelos and Carin 2020): ReLU(Σ_f ∂(score)/∂A_f·A_f) position by position, without
   * the average. Where a dense layer reads the maps directly, its weights change sign from place
   * to place and their average can be negative for every filter, leaving Grad-CAM empty; this
   * one still shows where the score came from.
   */
  elementwise: Float32Array;
}

/** The saliency of a network's answer for one input, by backpropagation from its output. */
export function saliency(specs: readonly LayerSpec[], input: Float32Array): Saliency {
  const layers = layersOf(specs);
  const predicted = forward(layers, input);
  const gradient = new Float32Array(input.length);
  backward(layers, input, predicted, true, gradient, -1);
  return { predicted, gradient };
}

/** Grad-CAM on the last convolution for one input; null for a network without a convolution. */
export function gradCam(specs: readonly LayerSpec[], input: Float32Array): GradCam | null {
  const last = specs.findLastIndex((spec) => spec.type === 'conv2d');
  if (last < 0) return null;
  const layers = layersOf(specs);
  const predicted = forward(layers, input);
  const mapGradient = backward(layers, input, predicted, false, null, last) as Float32Array;
  const shape = layers[last].outputShape;
  const [height, width, filters] = shape;
  const positions = height * width;
  const maps = layers[last].output;
  const weights = new Float32Array(filters);
  for (let p = 0; p < positions; p++) for (let f = 0; f < filters; f++) weights[f] += mapGradient[p * filters + f] / positions;
  const values = new Float32Array(positions);
  const elementwise = new Float32Array(positions);
  for (let p = 0; p < positions; p++) {
    let sum = 0;
    let local = 0;
    for (let f = 0; f < filters; f++) {
      sum += weights[f] * maps[p * filters + f];
      local += mapGradient[p * filters + f] * maps[p * filters + f];
    }
    values[p] = Math.max(0, sum);
    elementwise[p] = Math.max(0, local);
  }
  return { predicted, layer: last, shape, values, weights, elementwise };
}

/** Layers reading `specs`' parameters (never writing them), each taking dense (not sparse) input, so each can pass a gradient down. */
function layersOf(specs: readonly LayerSpec[]): Layer[] {
  let below: Shape | null = null;
  return specs.map((spec) => {
    const layer = specKind(spec).create(spec, { first: false, kernels: 'ts', below });
    below = layer.outputShape;
    return layer;
  });
}

/** One input through the layers; answers the predicted class. */
function forward(layers: Layer[], input: Float32Array): number {
  let x = input;
  for (const layer of layers) x = layer.forward(x, 1, 'inference');
  return argmax(x, 0, shapeSize(layers[layers.length - 1].outputShape));
}

/**
 * Backpropagates d(output `predicted`) from the top (its probability when `throughTop`, else
 * its score before the top activation) into `inputGradient`; answers a copy of the gradient
 * with respect to layer `capture`'s output (after its activation) when asked for one.
 */
function backward(layers: Layer[], input: Float32Array, predicted: number, throughTop: boolean, inputGradient: Float32Array | null, capture: number): Float32Array | null {
  const top = layers[layers.length - 1];
  const outputs = shapeSize(top.outputShape);
  top.delta.fill(0, 0, outputs);
  top.delta[predicted] = 1;
  if (throughTop && top.activation) ACTIVATION_FUNCTIONS[top.activation].backward(top.output, top.delta, outputs, top.outputShape[2]);
  let captured: Float32Array | null = null;
  for (let l = layers.length - 1; l >= 0; l--) {
    if (l === 0) {
      if (inputGradient) layers[0].backward(input, 1, inputGradient);
      break;
    }
    const below = layers[l - 1];
    layers[l].backward(below.output, 1, below.delta);
    const length = shapeSize(below.outputShape);
    if (l - 1 === capture) {
      captured = below.delta.slice(0, length);
      if (!inputGradient) break;
    }
    if (below.activation) ACTIVATION_FUNCTIONS[below.activation].backward(below.output, below.delta, length, below.outputShape[2]);
  }
  return captured;
}
