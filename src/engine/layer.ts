/**
 * The one interface every layer type implements, and the model-file spec of each.
 *
 * Activations flow between layers as batches of `rows` samples stored row after
 * row in flat Float32Arrays; a sample of shape [height, width, channels] is laid
 * out channels-last: value (y, x, c) sits at (y·width + x)·channels + c. A dense
 * layer's [1, 1, n] and an MNIST image's [28, 28, 1] are the same flat arrays as
 * before, so flattening costs nothing.
 */
import type { BatchSteps } from './batch-sums.ts';
import type { Activation } from './config.ts';
import type { ParamGroup } from './optimizers.ts';

/** [height, width, channels]. */
export type Shape = readonly [number, number, number];

export function shapeSize([height, width, channels]: Shape): number {
  return height * width * channels;
}

/** "14×14×8", or "10" for a vector. */
export function formatShape(shape: Shape): string {
  return shape[0] === 1 && shape[1] === 1 ? String(shape[2]) : shape.join('×');
}

export type Padding = 'same' | 'valid';

/** A dense layer: `type` may be left out, as in model files written before layer types existed. */
export interface DenseSpec {
  type?: 'dense';
  inputs: number;
  outputs: number;
  activation: Activation;
  /** outputs × inputs, row-major: weights[o * inputs + i] connects input i to output o. */
  weights: Float32Array;
  biases: Float32Array;
}

export interface Conv2DSpec {
  type: 'conv2d';
  inputShape: Shape;
  filters: number;
  kernelSize: number;
  stride: number;
  padding: Padding;
  activation: Activation;
  /**
   * filters × kernelSize × kernelSize × input channels, row-major:
   * weights[((f·k + ky)·k + kx)·channels + c] weighs input (y·stride + ky − padTop, x·stride + kx − padLeft, c)
   * into output (y, x, f).
   */
  weights: Float32Array;
  biases: Float32Array;
}

/** Max pooling with no padding: windows that would cross the edge are left out. */
export interface MaxPool2DSpec {
  type: 'maxpool2d';
  inputShape: Shape;
  poolSize: number;
  stride: number;
}

/** Average pooling with no padding, as MaxPool2DSpec: each window's mean. */
export interface AvgPool2DSpec {
  type: 'avgpool2d';
  inputShape: Shape;
  poolSize: number;
  stride: number;
}

/**
 * Batch normalisation per channel (per unit on a [1, 1, n] shape), see BatchNorm: weights are the
 * learned scale γ, biases the shift β, one per channel, beside the running statistics.
 */
export interface BatchNormSpec {
  type: 'batchnorm';
  inputShape: Shape;
  weights: Float32Array;
  biases: Float32Array;
  runningMean: Float32Array;
  runningVariance: Float32Array;
}

export interface FlattenSpec {
  type: 'flatten';
  inputShape: Shape;
}

/** What a model file stores of one layer: its type, shape and parameters. */
export type LayerSpec = DenseSpec | Conv2DSpec | MaxPool2DSpec | AvgPool2DSpec | BatchNormSpec | FlattenSpec;

/**
 * Every layer type the engine has, in the order the form offers them: the `type`s of LayerSpec
 * (checked both ways where the list is used). Each has its descriptor in layer-kinds.ts.
 */
export const LAYER_TYPES = ['conv2d', 'maxpool2d', 'avgpool2d', 'batchnorm', 'flatten', 'dense'] as const satisfies readonly NonNullable<LayerSpec['type']>[];
export type LayerType = (typeof LAYER_TYPES)[number];

/** The spec of one layer type. */
export type SpecOf<T extends LayerType> = T extends 'dense' ? DenseSpec : Extract<LayerSpec, { type: T }>;

export function isDenseSpec(spec: LayerSpec): spec is DenseSpec {
  return spec.type === undefined || spec.type === 'dense';
}

/**
 * What a forward pass is for. Training normalises with the batch's own statistics (and updates
 * the running ones); inference (evaluation, prediction, the drawing pad, exports) with the
 * running statistics, so each answer depends on its own input only.
 */
export type Mode = 'training' | 'inference';

/**
 * A layer of a Network. `forward` and `backward` work on batches; `delta` is
 * ∂L/∂z of the last backward batch, where z is the output before the
 * activation (the output itself for layers without one): the network fills the
 * top layer's, and each layer's backward fills the one below.
 */
export interface Layer {
  readonly inputShape: Shape;
  readonly outputShape: Shape;
  /** Applied to the output; null for layers that only move values (pooling, flatten). */
  readonly activation: Activation | null;
  /** Set for layers that normalise with their batch's statistics in training: a batch of one sample cannot train them. */
  readonly batchStatistics?: boolean;
  /**
   * Such a layer gives its passes as steps that yield per-channel sums over its rows (see
   * batch-sums.ts), so a batch split in shards still normalises with the whole batch's
   * statistics; `sharedSums` is the most values one step yields.
   */
  readonly sharedSums?: number;
  forwardSteps?(input: Float32Array, rows: number, mode: Mode): BatchSteps<Float32Array>;
  backwardSteps?(input: Float32Array, rows: number, inputDelta: Float32Array | null): BatchSteps<void>;
  /** The last forward batch's output: rows × size(outputShape), possibly longer. */
  readonly output: Float32Array;
  /** ∂L/∂z of the last backward batch, laid out like output (∂L/∂a where the layer owns its activation's gradient). */
  readonly delta: Float32Array;
  /** Whether backward applies the activation's gradient itself, so the network leaves `delta` as ∂L/∂a. */
  readonly ownsActivationGradient?: boolean;
  /** Makes the batch buffers hold at least `rows` samples. */
  reserve(rows: number): void;
  /** Computes and returns `output` for `rows` samples of `input`; only batch normalisation reads `mode`. */
  forward(input: Float32Array, rows: number, mode: Mode): Float32Array;
  /**
   * From `delta` (filled by the caller) computes the parameter gradients and,
   * when `inputDelta` is given, ∂L/∂input into it (rows × size(inputShape)).
   * `input` must be the batch of the last forward call, whose mode it differentiates.
   */
  backward(input: Float32Array, rows: number, inputDelta: Float32Array | null): void;
  /** The parameters and gradients the optimizer updates; weights decay by `l2`, biases do not. */
  paramGroups(l2: number): ParamGroup[];
  /** A copy of the layer's shape and parameters. */
  toSpec(): LayerSpec;
}

/** A layer to build, before it has parameters: what a config describes. */
export type LayerDescription =
  | { type: 'dense'; units: number; activation: Activation }
  | { type: 'conv2d'; filters: number; kernelSize: number; stride: number; padding: Padding; activation: Activation }
  | { type: 'maxpool2d'; poolSize: number; stride: number }
  | { type: 'avgpool2d'; poolSize: number; stride: number }
  | { type: 'batchnorm' }
  | { type: 'flatten' };
