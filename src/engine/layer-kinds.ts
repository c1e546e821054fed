/**
 * Every layer kind of the engine, described once: its fields as files, links and the form
 * write them (JSON and engine names, bounds, hints, defaults and how they derive), the shape
 * it gives, the parameters it learns, the memory it holds per sample, the engine layer it
 * builds and the words that name it. Whatever knows a kind looks it up here instead of
 * switching on it, so a kind missing from LAYER_KINDS is a type error, and
 * layer-kinds.test.ts walks every kind through every consumer.
 */
import { BatchNorm, usesWasmBatchNorm } from './batchnorm.ts';
import { ACTIVATIONS, type Activation, type Init, type Optimizer } from './config.ts';
import { Conv2D, convGeometry } from './conv2d.ts';
import { Dense } from './dense.ts';
import { inWasm, type Kernels } from './kernels.ts';
import { isDenseSpec, shapeSize, type AvgPool2DSpec, type Layer, type LayerDescription, type LayerSpec, type LayerType, type MaxPool2DSpec, type Shape, type SpecOf } from './layer.ts';
import { AvgPool2D, Flatten, MaxPool2D, poolOutputShape, usesWasmMaxPool } from './pool.ts';
import { stateSlotsPerParam } from './optimizers.ts';
import type { Rng } from './rng.ts';
import { batchNormMemoryBytes } from './wasm/batchnorm-kernels.ts';
import { convMemoryBytes } from './wasm/conv-kernels.ts';
import { denseKernelBytes, weightsInKernelMemory, type DenseTwin } from './wasm/dense-kernels.ts';
import type { KernelMemory } from './wasm/kernel-memory.ts';
import { maxPoolMemoryBytes } from './wasm/pool-kernels.ts';

/** What a config says of a layer of kind T. */
export type DescriptionOf<T extends LayerType> = Extract<LayerDescription, { type: T }>;

/** A layer as files and links write it: `{"type": "conv2d", "filters": 8, "kernel_size": 5, …}`. */
export type LayerJsonOf<T extends LayerType = LayerType> = { type: T } & Record<string, unknown>;

interface FieldBase<D> {
  /** Key in JSON files and links. */
  json: string;
  /** Key in the engine's LayerDescription and LayerSpec. */
  engine: Exclude<keyof D, 'type'> & string;
  label: string;
  hint: string;
  /** Files may leave the field out: it takes this value then, derived from the layer's other fields as written (a pool's stride is its size). */
  default?: (layer: Readonly<Record<string, unknown>>) => unknown;
}

export interface NumberField<D> extends FieldBase<D> {
  kind: 'number';
  integer: true;
  min: number;
  max: number;
}

export interface ChoiceField<D> extends FieldBase<D> {
  kind: 'choice';
  choices: readonly string[];
}

export type LayerField<D> = NumberField<D> | ChoiceField<D>;

/** Learned parameters of a layer: counts, fans for the initialisation, and their shape in words. */
export interface ParameterCount {
  weights: number;
  biases: number;
  /** Values each output sums, and values each input feeds (see Network.build's inits). */
  fanIn: number;
  fanOut: number;
  /** "8×5×5×1 (filters × kernel × kernel × channels)". */
  shape: string;
}

/**
 * What a dense layer on dense inputs holds on WebAssembly kernels, in 4-byte values, besides what
 * its parameters are counted for elsewhere (themselves, their gradients, the optimizer's state):
 * its kernel memory (wasm/dense-kernels.ts) less the parameters, gradients and state that live in
 * it; where the inputs do not come in eights, the weights stay in the layer's arrays, and the
 * optimizer's kernels step them on staged copies.
 */
export function denseKernelFloats(inputs: number, outputs: number, optimizer: Optimizer): number {
  const perParameter = 2 + stateSlotsPerParam(optimizer);
  const resident = weightsInKernelMemory(inputs);
  const inMemory = (resident ? inputs * outputs + outputs : outputs) * perParameter;
  const staged = resident || optimizer === 'sgd' ? 0 : 3 * inputs * outputs;
  return denseKernelBytes(inputs, outputs) / 4 - inMemory + staged;
}

/** What training a layer holds beyond its parameters, in 4-byte values (see estimateTrainingBytes). */
export interface Memory {
  /** Per sample row of the largest batch. */
  valuesPerRow: number;
  /** Once: the kernels' copies of the weights and their own buffers. */
  kernelCopies?: number;
  /** Once: what lazy momentum sets aside (a sparse first dense layer's weights). */
  lazyCopy?: number;
}

export interface MemoryContext {
  first: boolean;
  optimizer: Optimizer;
  kernels: Kernels;
  /** Rows of the largest batch buffers. */
  rows: number;
}

export interface CreateContext {
  first: boolean;
  kernels: Kernels;
  below: Shape | null;
  memory?: KernelMemory;
  /** For a replica of a dense layer: the layer's twin, to compute in its memory (DenseTwin). */
  twin?: DenseTwin;
}

export interface LayerKind<T extends LayerType> {
  type: T;
  /** On screen: "Max pooling". */
  label: string;
  /** In run names: "pool2"; empty where the kind says nothing there (a flatten). */
  short(layer: DescriptionOf<T>): string;
  /** In a network's one-line description: "maxpool2d 2 stride 1". */
  summary(layer: DescriptionOf<T>): string;
  /** Its settings, in the order files and links write them (a link's values follow this order). */
  fields: readonly LayerField<DescriptionOf<T>>[];
  /** A new layer of this kind in the form, fitting the `before` shape; `activation` for kinds that have one. */
  initial(before: Shape, activation: Activation): DescriptionOf<T>;
  /** The window that must fit within what reaches it: its JSON field and side. */
  window?(layer: DescriptionOf<T>): { json: string; size: number };
  /** For pooling kinds: what each window keeps, and a pool of this window and stride (as another format's pool is read). */
  pool?: { keeps: 'max' | 'average'; of(size: number, stride: number): DescriptionOf<T> };
  outputShape(input: Shape, layer: DescriptionOf<T>): Shape;
  /** What it learns on inputs of `input`; null for a kind that learns nothing. */
  parameters(input: Shape, layer: DescriptionOf<T>): ParameterCount | null;
  /** Trains on each batch's statistics (batch normalisation): batches of one sample cannot train it. */
  batchStatistics?: true;
  /** Parameters a new layer starts from whatever the init (batch normalisation's scale 1, shift 0); by default drawn as the init says. */
  startingParameters?(count: ParameterCount): { weights: Float32Array; biases: Float32Array };
  /**
   * What the layer keeps beside its parameters and model files save after them, one value per
   * bias (batch normalisation's running statistics): JSON name and spec key.
   */
  statistics?: readonly { json: string; engine: Exclude<keyof SpecOf<T>, 'type'> & string }[];
  memory(input: Shape, output: Shape, layer: DescriptionOf<T>, context: MemoryContext): Memory;
  /** Its spec on inputs of `input`, holding `params` (as many as `parameters` says; ignored by kinds without). */
  spec(input: Shape, layer: DescriptionOf<T>, params: { weights: Float32Array; biases: Float32Array }): SpecOf<T>;
  /** What a config says of a spec. */
  describe(spec: SpecOf<T>): DescriptionOf<T>;
  /** A model file's record of the layer, parameters aside; by default its type, input shape and fields. */
  header?(spec: SpecOf<T>): Record<string, unknown>;
  /**
   * The engine layer holding `spec`; `below` is the shape under it (null for the first); `memory`, where
   * given, the one its WebAssembly kernels share with the network's other layers.
   */
  create(spec: SpecOf<T>, context: CreateContext): Layer;
}

export const MAX_FILTERS = 1024;
export const MAX_KERNEL = 32;
/** As large as a pool, whose stride defaults to its size. */
export const MAX_STRIDE = MAX_KERNEL;
/** Units of one dense layer. */
export const MAX_LAYER_SIZE = 100_000;
export const PADDINGS = ['same', 'valid'] as const;

const size = <D>(json: string, engine: FieldBase<D>['engine'], label: string, hint: string, max: number, fallback?: FieldBase<D>['default']): NumberField<D> => ({
  kind: 'number',
  json,
  engine,
  label,
  hint,
  integer: true,
  min: 1,
  max,
  ...(fallback && { default: fallback }),
});

const activationField = <D extends { activation: Activation }>(): ChoiceField<D> => ({
  kind: 'choice',
  json: 'activation',
  engine: 'activation' as ChoiceField<D>['engine'],
  label: 'Activation',
  hint: 'Applied to each output value.',
  choices: ACTIVATIONS,
});

const noParams = { weights: new Float32Array(0), biases: new Float32Array(0) };

/** The pooling kinds: they differ only in what they keep of each window. */
type PoolType = 'maxpool2d' | 'avgpool2d';

function poolKind<T extends PoolType>(
  type: T,
  label: string,
  keeps: 'max' | 'average',
  create: (spec: SpecOf<PoolType>, context: CreateContext) => Layer,
  memory: LayerKind<PoolType>['memory'],
): LayerKind<T> {
  const what = keeps === 'max' ? 'largest value' : 'mean';
  type D = DescriptionOf<PoolType>;
  const of = (poolSize: number, stride: number) => ({ type, poolSize, stride }) as D;
  const kind: LayerKind<PoolType> = {
    type,
    label,
    short: (layer) => `pool${layer.poolSize}`,
    summary: (layer) => `${type} ${layer.poolSize}${layer.stride !== layer.poolSize ? ` stride ${layer.stride}` : ''}`,
    fields: [
      size<D>('pool_size', 'poolSize', 'Pool size', `Side of each window whose ${what} is kept; 2 or 3.`, MAX_KERNEL),
      size<D>('stride', 'stride', 'Stride', 'Pixels between windows; the pool size by default.', MAX_STRIDE, (layer) => layer.pool_size),
    ],
    initial: (before) => of(Math.min(2, before[0], before[1]), Math.min(2, before[0], before[1])),
    window: (layer) => ({ json: 'pool_size', size: layer.poolSize }),
    pool: { keeps, of },
    outputShape: (input, layer) => poolOutputShape(input, layer.poolSize, layer.stride),
    parameters: () => null,
    memory,
    spec: (inputShape, { poolSize, stride }) => ({ type, inputShape, poolSize, stride }) as SpecOf<PoolType>,
    describe: (spec) => of(spec.poolSize, spec.stride),
    create,
  };
  return kind as unknown as LayerKind<T>;
}

export const LAYER_KINDS: { readonly [T in LayerType]: LayerKind<T> } = {
  conv2d: {
    type: 'conv2d',
    label: 'Convolution',
    short: (layer) => `conv${layer.filters}`,
    summary: (layer) => `conv2d ${layer.filters}×${layer.kernelSize}×${layer.kernelSize}${layer.stride > 1 ? ` stride ${layer.stride}` : ''} ${layer.padding} ${layer.activation}`,
    fields: [
      size('filters', 'filters', 'Filters', 'Feature maps this layer makes; 8–64.', MAX_FILTERS),
      size('kernel_size', 'kernelSize', 'Kernel size', 'Side of each filter in pixels; 3 or 5.', MAX_KERNEL),
      size('stride', 'stride', 'Stride', 'Pixels between filter positions; 1 keeps the size.', MAX_STRIDE, () => 1),
      {
        kind: 'choice',
        json: 'padding',
        engine: 'padding',
        label: 'Padding',
        hint: '"same" pads the edges to keep the size (at stride 1); "valid" keeps only whole windows.',
        choices: PADDINGS,
        default: () => 'valid',
      },
      activationField(),
    ],
    initial: (before, activation) => ({ type: 'conv2d', filters: 8, kernelSize: Math.min(3, before[0], before[1]), stride: 1, padding: 'same', activation }),
    window: (layer) => ({ json: 'kernel_size', size: layer.kernelSize }),
    outputShape: ([height, width], { kernelSize: k, stride, padding, filters }) => [convGeometry(height, k, stride, padding).out, convGeometry(width, k, stride, padding).out, filters],
    parameters: (input, { filters, kernelSize: k }) => {
      const channels = input[2];
      return { weights: filters * k * k * channels, biases: filters, fanIn: k * k * channels, fanOut: k * k * filters, shape: `${filters}×${k}×${k}×${channels} (filters × kernel × kernel × channels)` };
    },
    // Output and delta; then on the 'ts' path its receptive fields and their gradients
    // (im2col) and, once, which input each field value reads; on the 'wasm' path (direct, no im2col) its kernels' memory: zero-padded
    // copies of the input and of its gradient, the output and delta padded to 8 filters
    // (the layer's own, where the filters come in eights), and the weights in two layouts.
    memory: (input, output, layer, { kernels, rows }) => {
      const positions = output[0] * output[1];
      const field = layer.kernelSize * layer.kernelSize * input[2];
      if (kernels === 'ts') return { valuesPerRow: 2 * positions * layer.filters + 2 * positions * field, kernelCopies: positions * field };
      const height = convGeometry(input[0], layer.kernelSize, layer.stride, layer.padding);
      const width = convGeometry(input[1], layer.kernelSize, layer.stride, layer.padding);
      const geometry = { height: input[0], width: input[1], channels: input[2], filters: layer.filters, kernelSize: layer.kernelSize, stride: layer.stride, outHeight: height.out, outWidth: width.out, padTop: height.before, padLeft: width.before };
      return { valuesPerRow: layer.filters % 8 === 0 ? 0 : 2 * positions * layer.filters, kernelCopies: convMemoryBytes(geometry, rows) / 4 };
    },
    spec: (inputShape, { filters, kernelSize, stride, padding, activation }, { weights, biases }) => ({ type: 'conv2d', inputShape, filters, kernelSize, stride, padding, activation, weights, biases }),
    describe: ({ filters, kernelSize, stride, padding, activation }) => ({ type: 'conv2d', filters, kernelSize, stride, padding, activation }),
    create: (spec, { kernels, memory }) => new Conv2D(spec, kernels, memory),
  },
  // Output, delta and each output's winner; where the SIMD kernels run, they live in the kernels'
  // memory beside a few samples' copy of the input (or of its gradient), counted in whole pages
  // as if the layer had that memory to itself (the network's layers share one: a little less).
  maxpool2d: poolKind('maxpool2d', 'Max pooling', 'max', (spec, { kernels, memory }) => new MaxPool2D(spec as MaxPool2DSpec, kernels, memory), (input, output, _layer, { kernels, rows }) => {
    if (!usesWasmMaxPool(input, kernels)) return { valuesPerRow: 3 * shapeSize(output) };
    return { valuesPerRow: 0, kernelCopies: maxPoolMemoryBytes(shapeSize(input), shapeSize(output), rows) / 4 };
  }),
  avgpool2d: poolKind('avgpool2d', 'Average pooling', 'average', (spec) => new AvgPool2D(spec as AvgPool2DSpec), (_input, output) => ({ valuesPerRow: 2 * shapeSize(output) })),
  batchnorm: {
    type: 'batchnorm',
    label: 'Batch norm',
    short: () => 'bn',
    summary: () => 'batchnorm',
    fields: [],
    initial: () => ({ type: 'batchnorm' }),
    outputShape: (input) => input,
    parameters: (input) => {
      const channels = input[2];
      const per = input[0] * input[1] === 1 ? 'unit' : 'channel';
      return { weights: channels, biases: channels, fanIn: 1, fanOut: 1, shape: `${channels} scales and ${channels} shifts (one per ${per})` };
    },
    batchStatistics: true,
    startingParameters: ({ weights, biases }) => ({ weights: new Float32Array(weights).fill(1), biases: new Float32Array(biases) }),
    statistics: [
      { json: 'running_mean', engine: 'runningMean' },
      { json: 'running_var', engine: 'runningVariance' },
    ],
    // Output, delta and the normalised input per row; once, the running statistics and the
    // batch's per-channel sums (two of them in double precision) and deviations. Where the SIMD
    // kernels run, the rows live in the kernels' memory with room for a copy of the input and of
    // the gradient passed down, counted in whole pages as for a max pool.
    memory: (input, _output, _layer, { kernels, rows }) => {
      if (!usesWasmBatchNorm(input, kernels)) return { valuesPerRow: 3 * shapeSize(input), kernelCopies: 7 * input[2] };
      return { valuesPerRow: 0, kernelCopies: 7 * input[2] + batchNormMemoryBytes(shapeSize(input), input[2], rows) / 4 };
    },
    // A new layer's running statistics are PyTorch's: mean 0, variance 1.
    spec: (inputShape, _layer, { weights, biases }) => ({
      type: 'batchnorm',
      inputShape,
      weights,
      biases,
      runningMean: new Float32Array(inputShape[2]),
      runningVariance: new Float32Array(inputShape[2]).fill(1),
    }),
    describe: () => ({ type: 'batchnorm' }),
    create: (spec, { kernels, memory }) => new BatchNorm(spec, kernels, memory),
  },
  flatten: {
    type: 'flatten',
    label: 'Flatten',
    short: () => '',
    summary: () => 'flatten',
    fields: [],
    initial: () => ({ type: 'flatten' }),
    outputShape: (input) => [1, 1, shapeSize(input)],
    parameters: () => null,
    memory: (input) => ({ valuesPerRow: shapeSize(input) }),
    spec: (inputShape) => ({ type: 'flatten', inputShape }),
    describe: () => ({ type: 'flatten' }),
    create: (spec) => new Flatten(spec),
  },
  dense: {
    type: 'dense',
    label: 'Dense',
    short: (layer) => String(layer.units),
    summary: (layer) => `dense ${layer.units} ${layer.activation}`,
    fields: [size('units', 'units', 'Units', 'More units learn more detail and overfit sooner; 64–1024.', MAX_LAYER_SIZE), activationField()],
    initial: (_before, activation) => ({ type: 'dense', units: 64, activation }),
    outputShape: (_input, layer) => [1, 1, layer.units],
    parameters: (input, { units }) => {
      const inputs = shapeSize(input);
      return { weights: inputs * units, biases: units, fanIn: inputs, fanOut: units, shape: `${units}×${inputs} (outputs × inputs)` };
    },
    // Output, delta, dropout mask and masked output; a first layer is sparse as in a dense
    // stack (its non-zero pixels and their copy grouped by pixel), the others have their
    // kernels' memory on WebAssembly (denseKernelFloats).
    memory: (input, output, _layer, { first, optimizer, kernels }) => {
      const [inputs, outputs] = [shapeSize(input), shapeSize(output)];
      if (first) return { valuesPerRow: outputs * 4 + inputs * 4, lazyCopy: optimizer === 'momentum' ? inputs * outputs : 0 };
      return { valuesPerRow: outputs * 4, kernelCopies: inWasm(kernels) ? denseKernelFloats(inputs, outputs, optimizer) : 0 };
    },
    spec: (input, { units, activation }, { weights, biases }) => ({ type: 'dense', inputs: shapeSize(input), outputs: units, activation, weights, biases }),
    describe: (spec) => ({ type: 'dense', units: spec.outputs, activation: spec.activation }),
    header: (spec) => ({ type: 'dense', inputs: spec.inputs, outputs: spec.outputs, activation: spec.activation }),
    // A dense layer reads whatever is below it in order; it keeps the shape only to describe
    // itself. The first layer's inputs are pixels, mostly background: see Dense.sparseInput.
    create: (spec, { first, kernels, below, twin }) => new Dense(spec, first, kernels, below && shapeSize(below) === spec.inputs ? below : undefined, twin),
  },
};

/** The kind of a layer whose type is only known at run time (TypeScript cannot tie the entry to the value's type). */
export function kindOf(type: LayerType): LayerKind<LayerType> {
  return LAYER_KINDS[type] as unknown as LayerKind<LayerType>;
}

/** A spec's kind: model files written before layer types left a dense layer's out. */
export function specKind(spec: LayerSpec): LayerKind<LayerType> {
  return kindOf(spec.type ?? 'dense');
}

/** The shape a spec's layer takes. */
export function specInputShape(spec: LayerSpec): Shape {
  return isDenseSpec(spec) ? [1, 1, spec.inputs] : spec.inputShape;
}

/** The shape a layer gives for inputs of `shape` (a size may come out below 1 for a layer that does not fit). */
export function outputShapeAfter(shape: Shape, layer: LayerDescription): Shape {
  return kindOf(layer.type).outputShape(shape, layer);
}

export function outputShapeOf(spec: LayerSpec): Shape {
  const kind = specKind(spec);
  return kind.outputShape(specInputShape(spec), kind.describe(spec));
}

/** What a config says of a spec's layer. */
export function describeSpec(spec: LayerSpec): LayerDescription {
  return specKind(spec).describe(spec);
}

/** The parameters a spec's layer holds by its shape; null for a kind without. */
export function specParameters(spec: LayerSpec): ParameterCount | null {
  const kind = specKind(spec);
  return kind.parameters(specInputShape(spec), kind.describe(spec));
}

/** A layer's JSON (its fields already checked) as the engine describes it, with the defaults filled in. */
export function layerFromJson(layer: LayerJsonOf): LayerDescription {
  const fields: Record<string, unknown> = { type: layer.type };
  for (const field of kindOf(layer.type).fields) fields[field.engine] = layer[field.json] ?? field.default?.(layer);
  return fields as LayerDescription;
}

/** A layer as files write it, every field spelled out. */
export function layerToJson(layer: LayerDescription): LayerJsonOf {
  const json: LayerJsonOf = { type: layer.type };
  for (const field of kindOf(layer.type).fields) json[field.json] = (layer as unknown as Record<string, unknown>)[field.engine];
  return json;
}

/** A model file's record of a layer, its parameters aside: type, input shape and fields. */
export function layerHeader(spec: LayerSpec): Record<string, unknown> {
  const kind = specKind(spec);
  if (kind.header) return kind.header(spec);
  const { type, ...fields } = layerToJson(kind.describe(spec));
  return { type, input_shape: [...specInputShape(spec)], ...fields };
}

/** A spec for `layer` on inputs of `shape`, with parameters drawn as `init` says (layers in order, weights before biases). */
export function initialSpec(shape: Shape, layer: LayerDescription, init: Init, rng: Rng): LayerSpec {
  const kind = kindOf(layer.type);
  const count = kind.parameters(shape, layer);
  return kind.spec(shape, layer, count ? (kind.startingParameters?.(count) ?? initialParams(count, init, rng)) : noParams);
}

/** The spec of `layer` on inputs of `shape` with no parameter values yet (empty arrays). */
export function emptySpec(shape: Shape, layer: LayerDescription): LayerSpec {
  return kindOf(layer.type).spec(shape, layer, noParams);
}

function initialParams({ weights: count, biases: units, fanIn, fanOut }: ParameterCount, init: Init, rng: Rng): { weights: Float32Array; biases: Float32Array } {
  const weights = new Float32Array(count);
  const biases = new Float32Array(units);
  if (init === 'uniform') {
    const limit = 1 / Math.sqrt(fanOut);
    for (let i = 0; i < weights.length; i++) weights[i] = (2 * rng.next() - 1) * limit;
    for (let o = 0; o < units; o++) biases[o] = (2 * rng.next() - 1) * limit;
  } else if (init === 'xavier') {
    const limit = Math.sqrt(6 / (fanIn + fanOut));
    for (let i = 0; i < weights.length; i++) weights[i] = (2 * rng.next() - 1) * limit;
  } else {
    const deviation = Math.sqrt(2 / fanIn);
    for (let i = 0; i < weights.length; i++) weights[i] = rng.normal() * deviation;
  }
  return { weights, biases };
}
