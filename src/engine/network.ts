import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { lossFor, type Activation, type Init, type Loss, type Optimizer as OptimizerKind } from './config.ts';
import { Dense, type LayerSpec } from './dense.ts';
import { bestKernels, type Kernels } from './kernels.ts';
import { LOSS_FUNCTIONS, type LossFunction } from './losses.ts';
import { stateSlotsPerParam, type ParamGroup } from './optimizers.ts';
import type { Rng } from './rng.ts';

/** Inverted dropout during training: each hidden unit is zeroed with probability `rate`, survivors scaled by 1/(1 − rate). */
export interface Dropout {
  rate: number;
  rng: Rng;
}

/** Networks whose training would need more memory than this are refused (see estimateTrainingBytes). */
export const MAX_TRAINING_BYTES = 1.5 * 1024 ** 3;

/** Rows of the batches that `evaluate` pushes through the network. */
export const EVALUATION_BATCH = 256;

/** A stack of dense layers trained with the loss its output activation calls for. */
export class Network {
  readonly layers: Dense[];
  readonly loss: Loss;
  /** What runs the dense layers' products (see kernels.ts). */
  readonly kernels: Kernels;

  private readonly lossFunction: LossFunction;
  /** For hidden layer l with dropout: the mask (0 or 1/(1 − rate)) and the masked output fed to layer l + 1. */
  private readonly masks: Float32Array[];
  private readonly masked: Float32Array[];
  private dropoutApplied = false;

  private constructor(layers: Dense[], kernels: Kernels) {
    if (layers.length === 0) throw new Error('A network needs at least one layer');
    for (let l = 1; l < layers.length; l++) {
      if (layers[l].inputs !== layers[l - 1].outputs) {
        throw new Error(`Layer ${l + 1} takes ${layers[l].inputs} inputs but layer ${l} gives ${layers[l - 1].outputs}`);
      }
    }
    this.layers = layers;
    this.kernels = kernels;
    this.loss = lossFor(layers.map((layer) => layer.activation));
    this.lossFunction = LOSS_FUNCTIONS[this.loss];
    this.masks = layers.map(() => new Float32Array(0));
    this.masked = layers.map(() => new Float32Array(0));
  }

  /**
   * A freshly initialised network; `layers` are the sizes including input and
   * output, `activations` one per weight layer. Inits (fanIn = inputs, fanOut = outputs of a layer):
   * - 'uniform' (the seed's): weights and biases U(−1/√fanOut, +1/√fanOut);
   * - 'xavier': weights U(±√(6/(fanIn + fanOut))), biases 0;
   * - 'he': weights N(0, 2/fanIn), biases 0.
   * `kernels` picks what runs the dense layers' products: by default the WebAssembly ones where they run.
   */
  static create(layers: number[], activations: Activation[], init: Init, rng: Rng, kernels: Kernels = bestKernels()): Network {
    if (activations.length !== layers.length - 1) {
      throw new Error(`${layers.length} layer sizes need ${layers.length - 1} activations, got ${activations.length}`);
    }
    const specs = activations.map((activation, l): LayerSpec => {
      const inputs = layers[l];
      const outputs = layers[l + 1];
      const weights = new Float32Array(inputs * outputs);
      const biases = new Float32Array(outputs);
      if (init === 'uniform') {
        const limit = 1 / Math.sqrt(outputs);
        for (let i = 0; i < weights.length; i++) weights[i] = (2 * rng.next() - 1) * limit;
        for (let o = 0; o < outputs; o++) biases[o] = (2 * rng.next() - 1) * limit;
      } else if (init === 'xavier') {
        const limit = Math.sqrt(6 / (inputs + outputs));
        for (let i = 0; i < weights.length; i++) weights[i] = (2 * rng.next() - 1) * limit;
      } else {
        const deviation = Math.sqrt(2 / inputs);
        for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * deviation;
      }
      return { inputs, outputs, activation, weights, biases };
    });
    return Network.fromLayers(specs, kernels);
  }

  /** A network holding the given parameters (not copied, except the first layer's: it keeps them transposed, see Dense). */
  static fromLayers(specs: LayerSpec[], kernels: Kernels = bestKernels()): Network {
    return new Network(specs.map((spec, l) => new Dense(spec, l === 0, kernels)), kernels);
  }

  get inputSize(): number {
    return this.layers[0].inputs;
  }

  get outputSize(): number {
    return this.layers[this.layers.length - 1].outputs;
  }

  /** The outputs (class probabilities for a Softmax output) for one input, e.g. an image scaled to [0, 1]; a fresh array. */
  predict(input: Float32Array): Float32Array {
    return this.forwardBatch(input, 1).slice(0, this.outputSize);
  }

  /**
   * Outputs for `rows` inputs stored row after row. The result is the output
   * layer's buffer: valid until the next forward call, possibly longer than rows × outputs.
   * With `dropout`, hidden units are dropped as in training, and the next
   * backwardBatch uses the same masks.
   */
  forwardBatch(input: Float32Array, rows: number, dropout?: Dropout): Float32Array {
    const { layers } = this;
    this.dropoutApplied = dropout !== undefined && dropout.rate > 0;
    let x = input;
    for (let l = 0; l < layers.length; l++) {
      x = layers[l].forward(x, rows);
      if (this.dropoutApplied && l < layers.length - 1) x = this.drop(l, rows, dropout as Dropout);
    }
    return x;
  }

  /**
   * Fills every layer's gradWeights and gradBiases with the gradient of the mean
   * loss over the batch of the last forwardBatch (same `input` and `rows`), for
   * one-hot or real-valued `target` rows. Returns the batch's summed loss.
   */
  backwardBatch(input: Float32Array, target: Float32Array, rows: number): number {
    const { layers } = this;
    const top = layers[layers.length - 1];
    const topFunction = ACTIVATION_FUNCTIONS[top.activation];
    this.lossFunction.outputDelta(top.output, target, top.delta, rows, top.outputs, topFunction);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      if (l === 0) {
        layer.backward(input, rows, null);
        break;
      }
      const below = layers[l - 1];
      layer.backward(this.inputOf(l), rows, below.delta);
      const length = rows * below.outputs;
      if (this.dropoutApplied) {
        const mask = this.masks[l - 1];
        for (let i = 0; i < length; i++) below.delta[i] *= mask[i];
      }
      ACTIVATION_FUNCTIONS[below.activation].backward(below.output, below.delta, length, below.outputs);
    }
    return this.lossFunction.sum(top.output, target, rows, top.outputs);
  }

  /** The optimizer's view: weights with weight decay `l2`, biases without. */
  paramGroups(l2: number): ParamGroup[] {
    return this.layers.flatMap((layer) => [
      { params: layer.weights, grads: layer.gradWeights, l2, activeRows: layer.activeRows ?? undefined },
      { params: layer.biases, grads: layer.gradBiases, l2: 0 },
    ]);
  }

  /** Copies of every layer's shape and parameters. */
  toLayerSpecs(): LayerSpec[] {
    return this.layers.map((layer) => layer.toSpec());
  }

  parameterCount(): number {
    return this.layers.reduce((total, layer) => total + layer.weights.length + layer.biases.length, 0);
  }

  /** Whether every weight and bias is a finite number. */
  isFinite(): boolean {
    for (const layer of this.layers) {
      if (!allFinite(layer.weights) || !allFinite(layer.biases)) return false;
    }
    return true;
  }

  /** The input that layer l saw in the last forward pass (l ≥ 1). */
  private inputOf(l: number): Float32Array {
    return this.dropoutApplied ? this.masked[l - 1] : this.layers[l - 1].output;
  }

  private drop(l: number, rows: number, { rate, rng }: Dropout): Float32Array {
    const length = rows * this.layers[l].outputs;
    if (this.masks[l].length < length) {
      this.masks[l] = new Float32Array(length);
      this.masked[l] = new Float32Array(length);
    }
    const mask = this.masks[l];
    const masked = this.masked[l];
    const output = this.layers[l].output;
    const keep = 1 / (1 - rate);
    for (let i = 0; i < length; i++) {
      mask[i] = rng.next() < rate ? 0 : keep;
      masked[i] = output[i] * mask[i];
    }
    return masked;
  }
}

function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * Bytes that training `layers` at `batchSize` will allocate: parameters,
 * gradients and optimizer state, the WebAssembly kernels' copies, plus the batch
 * buffers of training and of evaluation. The dataset itself is not included.
 */
export function estimateTrainingBytes(layers: number[], batchSize: number, optimizer: OptimizerKind): number {
  let parameters = 0;
  let units = 0;
  let denseWeights = 0;
  let denseValuesPerRow = 0;
  for (let l = 1; l < layers.length; l++) {
    parameters += layers[l - 1] * layers[l] + layers[l];
    units += layers[l];
    if (l > 1) {
      denseWeights += layers[l - 1] * layers[l];
      denseValuesPerRow += 2 * (layers[l - 1] + layers[l]);
    }
  }
  const rows = Math.max(batchSize, EVALUATION_BATCH);
  const valuesPerRow =
    layers[0] * 5 + // the input batch, the first layer's non-zero (index, value) pairs and their copy grouped by input
    units * 4 + // output, delta, dropout mask and masked output of every unit
    layers[layers.length - 1] + // targets
    denseValuesPerRow; // the kernels' copies of the dense layers' x, z, δ and ∂x (wasm/dense-kernels.ts)
  // Lazy momentum sets aside the first layer's weights on flush (see optimizers.ts).
  const lazyCopy = optimizer === 'momentum' ? layers[0] * layers[1] : 0;
  // The kernels copy each dense layer's W and ∂W (padding aside).
  const kernelCopies = 2 * denseWeights;
  // Every value is 4 bytes (Float32 or Int32); parameters come with their gradients and optimizer state.
  return 4 * (parameters * (2 + stateSlotsPerParam(optimizer)) + lazyCopy + kernelCopies + rows * valuesPerRow);
}
