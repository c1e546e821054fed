import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { runSteps, type BatchSteps } from './batch-sums.ts';
import { lossFor, type Config, type Init, type LayerStack, type Loss, type Activation, type Optimizer as OptimizerKind } from './config.ts';
import { Dense } from './dense.ts';
import { bestKernels, inWasm, type Kernels } from './kernels.ts';
import { formatShape, shapeSize, type DenseSpec, type Layer, type LayerDescription, type LayerSpec, type Mode, type Shape } from './layer.ts';
import { denseKernelFloats, initialSpec, kindOf, outputShapeOf, specKind } from './layer-kinds.ts';
import { LOSS_FUNCTIONS, type LossFunction } from './losses.ts';
import { stateSlotsPerParam, type ParamGroup } from './optimizers.ts';
import type { Rng } from './rng.ts';
import { KernelMemory } from './wasm/kernel-memory.ts';
import { allFinite } from './wasm/arena.ts';
import type { DenseTwin } from './wasm/dense-kernels.ts';

/** Inverted dropout during training: each hidden unit is zeroed with probability `rate`, survivors scaled by 1/(1 − rate). */
export interface Dropout {
  rate: number;
  rng: Rng;
}

/**
 * Networks whose training would need more memory than this are refused (see
 * estimateTrainingBytes). Not what a 64-bit tab could allocate, but what it can still train and
 * keep: in Chromium 784-80000-10 (1.4 GB with Adam, 63.5 million parameters) held its worker
 * silent until the heartbeat ended it 13 s after it started (in Node: 8 s to initialise and copy
 * into the WebAssembly memory, 10.5 s for its first batch, load average 10), and its model
 * file would be about 776 million characters (12.2 per parameter), more than the 2²⁹ a
 * JavaScript string can hold, so no epoch of it could ever be kept, restored or saved. On 28×28
 * images the widest dense network this cap allows, 784-45500-10 with plain SGD, has 36 million
 * parameters: a model text of about 440 million characters.
 */
export const MAX_TRAINING_BYTES = 512 * 1024 ** 2;

/** Rows of the batches that `evaluate` pushes through the network. */
export const EVALUATION_BATCH = 256;

/**
 * A sequence of layers trained with the loss its output activation calls for.
 * `L` narrows what the layers are known to be: Network<Dense> for a stack of dense layers.
 */
export class Network<L extends Layer = Layer> {
  readonly layers: L[];
  readonly loss: Loss;
  /** What runs the dense and convolution layers' products (see kernels.ts). */
  readonly kernels: Kernels;

  private readonly lossFunction: LossFunction;
  /** For hidden dense layer l with dropout: the mask (0 or 1/(1 − rate)) and the masked output fed to layer l + 1. */
  private readonly masks: Float32Array[];
  private readonly masked: Float32Array[];
  private dropoutApplied = false;

  private constructor(layers: L[], kernels: Kernels) {
    if (layers.length === 0) throw new Error('A network needs at least one layer');
    for (let l = 1; l < layers.length; l++) {
      const given = layers[l - 1].outputShape;
      const taken = layers[l].inputShape;
      const fits = layers[l] instanceof Dense ? shapeSize(given) === shapeSize(taken) : given.every((size, axis) => size === taken[axis]);
      if (!fits) throw new Error(`Layer ${l + 1} takes ${formatShape(taken)} inputs but layer ${l} gives ${formatShape(given)}`);
    }
    const top = layers[layers.length - 1];
    this.layers = layers;
    this.kernels = kernels;
    this.loss = lossFor([top.activation ?? 'Linear']);
    this.lossFunction = LOSS_FUNCTIONS[this.loss];
    this.masks = layers.map(() => new Float32Array(0));
    this.masked = layers.map(() => new Float32Array(0));
  }

  /**
   * A freshly initialised stack of dense layers; `layers` are the sizes including input and
   * output, `activations` one per weight layer (see build for the inits).
   */
  static create(layers: number[], activations: Activation[], init: Init, rng: Rng, kernels: Kernels = bestKernels()): Network<Dense> {
    if (activations.length !== layers.length - 1) {
      throw new Error(`${layers.length} layer sizes need ${layers.length - 1} activations, got ${activations.length}`);
    }
    const dense = activations.map((activation, l): LayerDescription => ({ type: 'dense', units: layers[l + 1], activation }));
    return Network.build([1, 1, layers[0]], dense, init, rng, kernels) as Network<Dense>;
  }

  /** A freshly initialised network as a config describes it: its typed stack, or its dense sizes. */
  static forConfig(config: Pick<Config, 'layers' | 'activations' | 'init' | 'stack'>, rng: Rng, kernels: Kernels = bestKernels()): Network {
    if (config.stack) return Network.build(config.stack.input, config.stack.layers, config.init, rng, kernels);
    return Network.create(config.layers, config.activations, config.init, rng, kernels);
  }

  /**
   * A freshly initialised network taking inputs of `inputShape`. Inits, with fanIn the
   * values each output sums (inputs, or k·k·channels of a convolution) and fanOut the
   * values each input feeds (outputs, or k·k·filters):
   * - 'uniform' (the seed's): weights and biases U(−1/√fanOut, +1/√fanOut);
   * - 'xavier': weights U(±√(6/(fanIn + fanOut))), biases 0;
   * - 'he': weights N(0, 2/fanIn), biases 0.
   * Layers are drawn in order, weights before biases.
   * `kernels` picks what runs the products: by default the WebAssembly ones where they run.
   */
  static build(inputShape: Shape, layers: readonly LayerDescription[], init: Init, rng: Rng, kernels: Kernels = bestKernels()): Network {
    let shape = inputShape;
    const specs = layers.map((layer): LayerSpec => {
      const spec = initialSpec(shape, layer, init, rng);
      shape = outputShapeOf(spec);
      return spec;
    });
    return Network.fromLayers(specs, kernels);
  }

  /**
   * A network holding the given parameters (not copied, except a first dense
   * layer's: it keeps them transposed, see Dense). With `twins` (another network's,
   * see twins()), a replica of that network: each layer with a twin computes in its
   * counterpart's memory, on the parameters there, which `specs` then only shape.
   */
  static fromLayers(specs: readonly DenseSpec[], kernels?: Kernels): Network<Dense>;
  static fromLayers(specs: readonly LayerSpec[], kernels?: Kernels, twins?: readonly (DenseTwin | null)[]): Network;
  static fromLayers(specs: readonly LayerSpec[], kernels: Kernels = bestKernels(), twins?: readonly (DenseTwin | null)[]): Network {
    let below: Shape | null = null;
    const memory = inWasm(kernels) ? new KernelMemory() : undefined;
    const layers = specs.map((spec, l): Layer => {
      const layer = specKind(spec).create(spec, { first: l === 0, kernels, below, memory, twin: twins?.[l] ?? undefined });
      below = layer.outputShape;
      return layer;
    });
    return new Network(layers, kernels);
  }

  /** Each layer's DenseTwin, where it has one: what a replica of this network computes in (fromLayers). */
  twins(): (DenseTwin | null)[] {
    return this.layers.map((layer) => (layer instanceof Dense ? layer.twin : null));
  }

  get inputShape(): Shape {
    return this.layers[0].inputShape;
  }

  get inputSize(): number {
    return shapeSize(this.inputShape);
  }

  get outputSize(): number {
    return shapeSize(this.layers[this.layers.length - 1].outputShape);
  }

  /** The outputs (class probabilities for a Softmax output) for one input, e.g. an image scaled to [0, 1], in inference mode; a fresh array. */
  predict(input: Float32Array): Float32Array {
    return this.forwardBatch(input, 1, 'inference').slice(0, this.outputSize);
  }

  /**
   * Outputs for `rows` inputs stored row after row. The result is the output
   * layer's buffer: valid until the next forward call, possibly longer than rows × outputs.
   * `mode` is what the pass is for (see Mode): every caller says it, so no evaluation
   * normalises with a batch's statistics by default. With `dropout` (training only), hidden
   * dense units are dropped, and the next backwardBatch uses the same masks.
   */
  forwardBatch(input: Float32Array, rows: number, mode: Mode, dropout?: Dropout): Float32Array {
    return runSteps(this.forwardSteps(input, rows, mode, dropout));
  }

  /**
   * forwardBatch as steps: yields the sums its layers on batch statistics need over the whole batch
   * (see batch-sums.ts). `beforeLayer(l)`, where given, runs just before layer l reads its parameters.
   */
  *forwardSteps(input: Float32Array, rows: number, mode: Mode, dropout?: Dropout, beforeLayer?: (l: number) => void): BatchSteps<Float32Array> {
    const { layers } = this;
    this.dropoutApplied = mode === 'training' && dropout !== undefined && dropout.rate > 0;
    let x = input;
    for (let l = 0; l < layers.length; l++) {
      const layer = layers[l];
      beforeLayer?.(l);
      x = layer.forwardSteps ? yield* layer.forwardSteps(x, rows, mode) : layer.forward(x, rows, mode);
      if (this.drops(l)) x = this.drop(l, rows, dropout as Dropout);
    }
    return x;
  }

  /**
   * Fills every layer's parameter gradients with the gradient of the mean
   * loss over the batch of the last forwardBatch (same `input` and `rows`), for
   * one-hot or real-valued `target` rows. Returns the batch's summed loss.
   * `meanOver` is what the loss is divided by: `rows`, or the size of the whole batch
   * these rows are a shard of (see shards.ts).
   */
  backwardBatch(input: Float32Array, target: Float32Array, rows: number, meanOver = rows): number {
    return runSteps(this.backwardSteps(input, target, rows, meanOver));
  }

  /** backwardBatch as steps, as forwardSteps. */
  *backwardSteps(input: Float32Array, target: Float32Array, rows: number, meanOver = rows): BatchSteps<number> {
    const { layers } = this;
    const top = layers[layers.length - 1];
    const outputs = this.outputSize;
    const topFunction = ACTIVATION_FUNCTIONS[top.activation ?? 'Linear'];
    this.lossFunction.outputDelta(top.output, target, top.delta, rows, outputs, topFunction, meanOver);
    for (let l = layers.length - 1; l >= 0; l--) {
      const layer = layers[l];
      if (l === 0) {
        if (layer.backwardSteps) yield* layer.backwardSteps(input, rows, null);
        else layer.backward(input, rows, null);
        break;
      }
      const below = layers[l - 1];
      if (layer.backwardSteps) yield* layer.backwardSteps(this.inputOf(l), rows, below.delta);
      else layer.backward(this.inputOf(l), rows, below.delta);
      const length = rows * shapeSize(below.outputShape);
      if (this.drops(l - 1)) {
        const mask = this.masks[l - 1];
        for (let i = 0; i < length; i++) below.delta[i] *= mask[i];
      }
      // Softmax, if any, runs over each position's channels, as the layer's forward did.
      if (below.activation && !below.ownsActivationGradient) ACTIVATION_FUNCTIONS[below.activation].backward(below.output, below.delta, length, below.outputShape[2]);
    }
    return this.lossFunction.sum(top.output, target, rows, outputs);
  }

  /** The optimizer's view: every layer's parameters and gradients, weights with decay `l2`. */
  paramGroups(l2: number): ParamGroup[] {
    return this.layers.flatMap((layer) => layer.paramGroups(l2));
  }

  /**
   * A sparse-input dense layer calls `catchUp` once it knows which rows of its
   * weights the batch reads, before reading them: a lazy optimizer brings those
   * rows up to date there.
   */
  onSparseRead(catchUp: () => void): void {
    for (const layer of this.layers) if (layer instanceof Dense && layer.sparseInput) layer.beforeRead = catchUp;
  }

  /** Copies of every layer's shape and parameters. */
  toLayerSpecs(): ReturnType<L['toSpec']>[] {
    return this.layers.map((layer) => layer.toSpec() as ReturnType<L['toSpec']>);
  }

  parameterCount(): number {
    return this.paramGroups(0).reduce((total, group) => total + group.params.length, 0);
  }

  /** Whether every weight and bias is a finite number. */
  isFinite(): boolean {
    return this.paramGroups(0).every(({ params, arena }) => (arena?.holds(params) ? arena.allFinite(params) : allFinite(params)));
  }

  /** Dropout applies to the outputs of hidden dense layers. */
  private drops(l: number): boolean {
    return this.dropoutApplied && l < this.layers.length - 1 && this.layers[l] instanceof Dense;
  }

  /** The input that layer l saw in the last forward pass (l ≥ 1). */
  private inputOf(l: number): Float32Array {
    return this.drops(l - 1) ? this.masked[l - 1] : this.layers[l - 1].output;
  }

  private drop(l: number, rows: number, { rate, rng }: Dropout): Float32Array {
    const length = rows * shapeSize(this.layers[l].outputShape);
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

/** Values the optimizer's staged copies of `parameters` parameters take (their params, grads and another shard's grads), where it stages them. */
function stagedCopies(parameters: number, optimizer: OptimizerKind, kernels: Kernels): number {
  return inWasm(kernels) && optimizer !== 'sgd' ? 3 * parameters : 0;
}

/**
 * Bytes that training `layers` (dense sizes, or a typed stack) at `batchSize` will
 * allocate: parameters, gradients and optimizer state, the WebAssembly kernels'
 * copies, plus the batch buffers of training and of evaluation. The dataset itself
 * is not included. Convolutions are counted on the path `kernels` picks, which
 * Network.build uses too: they allocate very differently (see stackTrainingBytes).
 */
export function estimateTrainingBytes(layers: number[] | LayerStack, batchSize: number, optimizer: OptimizerKind, kernels: Kernels = bestKernels()): number {
  return Array.isArray(layers) ? denseTrainingBytes(layers, batchSize, optimizer) : stackTrainingBytes(layers, batchSize, optimizer, kernels);
}

function denseTrainingBytes(layers: number[], batchSize: number, optimizer: OptimizerKind): number {
  let parameters = 0;
  let units = 0;
  // Every layer but the first has its kernels' memory (see denseKernelFloats).
  let kernelCopies = 0;
  for (let l = 1; l < layers.length; l++) {
    parameters += layers[l - 1] * layers[l] + layers[l];
    units += layers[l];
    if (l > 1) kernelCopies += denseKernelFloats(layers[l - 1], layers[l], optimizer);
  }
  const rows = Math.max(batchSize, EVALUATION_BATCH);
  const valuesPerRow =
    layers[0] * 5 + // the input batch, the first layer's non-zero (index, value) pairs and their copy grouped by input
    units * 4 + // output, delta, dropout mask and masked output of every unit
    layers[layers.length - 1]; // targets
  // Lazy momentum sets aside the first layer's weights on flush (see optimizers.ts).
  const lazyCopy = optimizer === 'momentum' ? layers[0] * layers[1] : 0;
  // Every value is 4 bytes (Float32 or Int32); parameters come with their gradients and optimizer state.
  return 4 * (parameters * (2 + stateSlotsPerParam(optimizer)) + lazyCopy + kernelCopies + rows * valuesPerRow);
}

/**
 * The same count layer by layer for a typed stack: each kind says what it holds
 * (LayerKind.memory), and its parameters come with their gradients and optimizer state.
 */
function stackTrainingBytes(stack: LayerStack, batchSize: number, optimizer: OptimizerKind, kernels: Kernels): number {
  // A layer on batch statistics takes an epoch's lone last sample into the batch before it (see Trainer).
  const joins = stack.layers.some((layer) => kindOf(layer.type).batchStatistics);
  const rows = Math.max(batchSize + (joins ? 1 : 0), EVALUATION_BATCH);
  let shape = stack.input;
  let parameters = 0;
  let kernelCopies = 0;
  let valuesPerRow = shapeSize(stack.input);
  let lazyCopy = 0;
  stack.layers.forEach((layer, l) => {
    const kind = kindOf(layer.type);
    const next = kind.outputShape(shape, layer);
    const count = kind.parameters(shape, layer);
    const memory = kind.memory(shape, next, layer, { first: l === 0, optimizer, kernels, rows });
    parameters += count ? count.weights + count.biases : 0;
    // A dense layer keeps its parameters in its kernels' memory (LayerKind.memory says what it stages); the others', the optimizer stages (StagedGroups).
    if (count && layer.type !== 'dense') kernelCopies += stagedCopies(count.weights + count.biases, optimizer, kernels);
    valuesPerRow += memory.valuesPerRow;
    kernelCopies += memory.kernelCopies ?? 0;
    lazyCopy += memory.lazyCopy ?? 0;
    shape = next;
  });
  valuesPerRow += shapeSize(shape); // targets
  return 4 * (parameters * (2 + stateSlotsPerParam(optimizer)) + lazyCopy + kernelCopies + rows * valuesPerRow);
}
