/**
 * Trained models as files. Ours is JSON, versioned:
 *
 *   {"format": "mnist-playground-model", "version": 1, "savedAt": "…",
 *    "config": <our config dialect>, "metrics": {accuracy, correct, total, confusion} | null,
 *    "kernels": "fused" | "wasm" | "ts" (optional: which arithmetic trained it),
 *    "layers": [{"inputs", "outputs", "activation", "weights": [outputs × inputs, row-major], "biases"}]}
 *
 * A config with typed layers (convolutions, pools) is saved as version 2, whose layers
 * carry their type and shape beside their parameters:
 *
 *    {"type": "conv2d", "input_shape": [28, 28, 1], "filters": 8, "kernel_size": 5, "stride": 1,
 *     "padding": "same", "activation": "ReLU", "weights": [filters × k × k × channels], "biases": [filters]}
 *    {"type": "maxpool2d", "input_shape": [28, 28, 8], "pool_size": 2, "stride": 2}
 *    {"type": "batchnorm", "input_shape": [14, 14, 8], "weights": [scale per channel], "biases": [shift per channel],
 *     "running_mean": [channels], "running_var": [channels]}
 *    {"type": "flatten", "input_shape": [4, 4, 16]}
 *    {"type": "dense", "inputs": 256, "outputs": 10, "activation": "Softmax", "weights": [outputs × inputs], "biases": [outputs]}
 *
 * and must be exactly the layers the config's stack gives, shapes included.
 *
 * Weights are written with the fewest digits that read back as the same float32, so a
 * saved model predicts exactly as the trained one.
 *
 * neural-net-rs models are read too: `{"layers": [784, 200, 10], "weights": [{"rows",
 * "cols", "data"}], "activation_types": [...], "learning_rate", "momentum"}` where each
 * matrix has rows = outputs and cols = inputs + 1, row-major, the bias in the last column.
 * Later versions of that program name the fields `layers_count` and `activations`, store
 * matrices as ndarray's `{"v": 1, "dim": [rows, cols], "data": [...]}` and may standardise
 * inputs with `mean`/`std_dev`, which is folded into the first layer here.
 *
 * Anything inconsistent is refused with a ModelError; nothing else is thrown.
 */
import { z } from 'zod';
import type { Config, LayerStack } from '../engine/config.ts';
import type { Kernels } from '../engine/kernels.ts';
import { isDenseSpec, type DenseSpec, type LayerSpec, type Shape } from '../engine/layer.ts';
import { emptySpec, layerHeader, outputShapeAfter, specKind, specParameters } from '../engine/layer-kinds.ts';
import { type ConfusionMetrics, metricsFromConfusion } from '../engine/metrics.ts';
import { ConfigError, configFromJson, ioShapeOf, MNIST_IO, serializeConfig, type DatasetRecord } from './config-format.ts';
import { JsonTextError, parseJsonText } from './json-text.ts';
import { describeValue, issueTexts, zodMessage } from './zod-messages.ts';

export const MODEL_FORMAT = 'mnist-playground-model';
export const MODEL_VERSION = 1;
/** Files whose config has typed layers. */
export const TYPED_MODEL_VERSION = 2;

export class ModelError extends Error {
  override name = 'ModelError';
}

/**
 * The largest model file the app and the CLI read: a little under the longest string JavaScript
 * can hold (2²⁹ characters), which a model's JSON text must fit in anyway.
 */
export const MAX_MODEL_FILE_BYTES = 500 * 1024 ** 2;

export interface SavedModel {
  config: Config;
  layers: LayerSpec[];
  /** The test-set evaluation the model reached, or null if it was not evaluated. */
  metrics: ConfusionMetrics | null;
  /** The data it was trained on; files without one (and neural-net-rs models) are MNIST's. */
  dataset?: DatasetRecord;
  /**
   * The kernels that last trained it (engine/kernels.ts): a seed gives these weights again on the
   * same kernels only. Absent where that is not known: imported weights, files from before.
   */
  kernels?: Kernels;
}

export interface LoadedModel extends SavedModel {
  source: 'mnist-playground' | 'neural-net-rs';
  /** ISO time of saving (our files only). */
  savedAt: string | null;
}

/** The shortest decimal that reads back as the same float32. */
export function float32Text(value: number): string {
  if (value === 0) return '0';
  // Precision p round-trips ⇒ p + 1 does too, and 9 always does. Trained weights mostly need 8 (or 7),
  // so the search starts there and walks down until a precision fails: fewer conversions than bisecting 1…9.
  let text = value.toPrecision(8);
  if (Math.fround(Number(text)) !== value) text = value.toPrecision(9);
  else {
    for (let p = 7; p >= 1; p--) {
      const candidate = value.toPrecision(p);
      if (Math.fround(Number(candidate)) !== value) break;
      text = candidate;
    }
  }
  // Without an exponent it is already JavaScript's own form: the shortest has no trailing zero. With one,
  // 1e+2 becomes 100 as JSON readers print it. (The conversions cost a third of writing a model.)
  return text.includes('e') ? String(Number(text)) : text;
}

/** Values written between two calls of a long write's `onProgress`: 20 ms of work, 0.5 s on a machine loaded 25 to its 2 cores. */
const VALUES_PER_PROGRESS = 1 << 12;

/** Joined a slice at a time: one join of millions of strings held the thread for seconds. */
function floatList(values: Float32Array, onProgress?: () => void): string {
  const slices: string[] = [];
  const parts: string[] = [];
  for (let start = 0; start < values.length; start += VALUES_PER_PROGRESS) {
    const end = Math.min(values.length, start + VALUES_PER_PROGRESS);
    parts.length = end - start;
    for (let i = start; i < end; i++) parts[i - start] = float32Text(values[i]);
    slices.push(parts.join(','));
    if (end - start === VALUES_PER_PROGRESS) onProgress?.();
  }
  return `[${slices.join(',')}]`;
}

function checkSpecs(config: Config, specs: LayerSpec[], where: string): asserts specs is DenseSpec[] {
  const layers = specs.filter(isDenseSpec);
  if (layers.length < specs.length) throw new ModelError(`${where}: only dense layers can be saved with this config`);
  if (layers.length !== config.layers.length - 1) {
    throw new ModelError(`${where}: the config has ${config.layers.length - 1} weight layers but the model has ${layers.length}`);
  }
  layers.forEach((layer, l) => {
    const [inputs, outputs] = [config.layers[l], config.layers[l + 1]];
    if (layer.inputs !== inputs || layer.outputs !== outputs) {
      throw new ModelError(
        `${where}[${l}]: is ${layer.inputs}→${layer.outputs} but the config's layers say ${inputs}→${outputs}`,
      );
    }
    if (layer.activation !== config.activations[l]) {
      throw new ModelError(`${where}[${l}]: activation ${layer.activation} but the config says ${config.activations[l]}`);
    }
  });
}

/** The layers a stack gives, shapes followed from its input, with no parameters yet. */
export function stackSpecs(stack: LayerStack): LayerSpec[] {
  let shape: Shape = stack.input;
  return stack.layers.map((layer): LayerSpec => {
    const spec = emptySpec(shape, layer);
    shape = outputShapeAfter(shape, layer);
    return spec;
  });
}

/** Each layer must be the one the stack gives at its place; `where` names the list. */
function checkTypedSpecs(stack: LayerStack, specs: readonly LayerSpec[], where: string): void {
  const expected = stackSpecs(stack);
  if (specs.length !== expected.length) throw new ModelError(`${where}: the config has ${expected.length} layers after the input but the model has ${specs.length}`);
  specs.forEach((spec, l) => {
    const [is, should] = [layerHeader(spec), layerHeader(expected[l])];
    if (JSON.stringify(is) !== JSON.stringify(should)) throw new ModelError(`${where}[${l}]: is ${JSON.stringify(is)} but the config's layers give ${JSON.stringify(should)}`);
  });
}

/**
 * Our model file as pretty JSON text; throws ModelError for a model that could not be read back.
 * `onProgress` is called as the weights are written, for a caller that must show it is alive.
 */
export function serializeModel(model: SavedModel, savedAt = new Date().toISOString(), onProgress?: () => void): string {
  if (model.config.stack) checkTypedSpecs(model.config.stack, model.layers, 'layers');
  else checkSpecs(model.config, model.layers, 'layers');
  model.layers.forEach((layer, l) => {
    const declared = specParameters(layer);
    if (!declared || !('weights' in layer)) return;
    if (layer.weights.length !== declared.weights || layer.biases.length !== declared.biases) {
      throw new ModelError(`layers[${l}]: ${layer.weights.length} weights and ${layer.biases.length} biases do not fit ${declared.shape}`);
    }
    const statistics = specKind(layer).statistics?.map(({ engine }) => (layer as unknown as Record<string, Float32Array>)[engine]) ?? [];
    if (statistics.some((values) => values.length !== declared.biases)) throw new ModelError(`layers[${l}]: its running statistics do not fit ${declared.shape}`);
    if (![layer.weights, layer.biases, ...statistics].every((values) => values.every(Number.isFinite))) {
      throw new ModelError(`layers[${l}]: cannot save NaN or infinite parameters (did training diverge?)`);
    }
  });
  const metrics = model.metrics && {
    accuracy: model.metrics.accuracy,
    correct: model.metrics.correct,
    total: model.metrics.total,
    confusion: model.metrics.confusion,
  };
  const indent = (text: string) => text.trimEnd().replaceAll('\n', '\n  ');
  const typed = model.config.stack !== undefined;
  const layers = model.layers.map((layer) => {
    const header = typed ? JSON.stringify(layerHeader(layer)).slice(1, -1) : `"inputs": ${(layer as DenseSpec).inputs}, "outputs": ${(layer as DenseSpec).outputs}, "activation": ${JSON.stringify((layer as DenseSpec).activation)}`;
    if (!('weights' in layer)) return `    {${header}}`;
    const statistics = (specKind(layer).statistics ?? []).map(({ json, engine }) => `,\n     "${json}": ${floatList((layer as unknown as Record<string, Float32Array>)[engine], onProgress)}`);
    return `    {${header},\n     "weights": ${floatList(layer.weights, onProgress)},\n     "biases": ${floatList(layer.biases, onProgress)}${statistics.join('')}}`;
  });
  return (
    `{\n  "format": ${JSON.stringify(MODEL_FORMAT)},\n  "version": ${typed ? TYPED_MODEL_VERSION : MODEL_VERSION},\n` +
    `  "savedAt": ${JSON.stringify(savedAt)},\n` +
    `  "config": ${indent(serializeConfig(model.config))},\n` +
    `  "metrics": ${metrics ? JSON.stringify(metrics) : 'null'},\n` +
    (model.kernels ? `  "kernels": ${JSON.stringify(model.kernels)},\n` : '') +
    (model.dataset ? `  "dataset": ${JSON.stringify(model.dataset)},\n` : '') +
    `  "layers": [\n${layers.join(',\n')}\n  ]\n}\n`
  );
}

/** Values as float32, refusing anything that is not a number or would not fit a float32. */
function float32s(values: readonly unknown[], expected: number, where: string, onProgress?: () => void): Float32Array {
  if (values.length !== expected) throw new ModelError(`${where}: expected ${expected} numbers, got ${values.length}`);
  const result = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
    if (i % VALUES_PER_PROGRESS === 0) onProgress?.();
    const value = values[i];
    const single = typeof value === 'number' ? Math.fround(value) : NaN;
    if (!Number.isFinite(single)) {
      throw new ModelError(`${where}[${i}]: must be a finite number, got ${describeValue(value)}`);
    }
    result[i] = single;
  }
  return result;
}

function configOrModelError(json: unknown, where: string, dataset?: DatasetRecord): Config {
  try {
    return configFromJson(json, dataset ? ioShapeOf(dataset) : MNIST_IO);
  } catch (error) {
    if (error instanceof ConfigError) throw new ModelError(`${where}: ${error.message}`);
    throw error;
  }
}

const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** A list of parameters, its items left to float32s: z.array visits each of millions (seconds, with nothing to report progress). */
const parameterList = z.custom<unknown[]>((value) => Array.isArray(value), { error: (issue) => `must be a list, got ${describeValue(issue.input)}` });

const ourLayer = z.strictObject({
  inputs: count,
  outputs: count,
  activation: z.string(),
  weights: parameterList,
  biases: parameterList,
});

const ourModel = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.union([z.literal(MODEL_VERSION), z.literal(TYPED_MODEL_VERSION)]),
  savedAt: z.string().nullable().optional(),
  config: z.unknown(),
  metrics: z.strictObject({ accuracy: z.number(), correct: count, total: count, confusion: z.array(z.array(count)) }).nullable(),
  // Listed here rather than taken from engine/kernels.ts, which would bring the kernels' code into every page that reads a model.
  kernels: z.enum(['fused', 'wasm', 'ts'] as const satisfies readonly Kernels[]).optional(),
  dataset: z
    .strictObject({
      name: z.string().min(1),
      height: z.number().int().min(1).max(4096),
      width: z.number().int().min(1).max(4096),
      classNames: z.array(z.string()).min(2).max(256),
    })
    .optional(),
  layers: z.array(z.unknown()),
});

function checkMetrics(stored: NonNullable<z.output<typeof ourModel>['metrics']>, classes: number): ConfusionMetrics {
  const { confusion } = stored;
  if (confusion.length !== classes || confusion.some((row) => row.length !== classes)) {
    throw new ModelError(`metrics.confusion: must be ${classes}×${classes}`);
  }
  const metrics = metricsFromConfusion(confusion);
  if (metrics.correct !== stored.correct || metrics.total !== stored.total || Math.abs(metrics.accuracy - stored.accuracy) > 1e-9) {
    throw new ModelError(
      `metrics: correct ${stored.correct} of ${stored.total} (accuracy ${stored.accuracy}) disagree with the confusion matrix ` +
        `(${metrics.correct} of ${metrics.total})`,
    );
  }
  return metrics;
}

function parseOurs(json: Record<string, unknown>, onProgress?: () => void): LoadedModel {
  if (json.format !== MODEL_FORMAT) {
    const found = json.format === undefined ? 'no "format" field' : `unknown model format ${describeValue(json.format)}`;
    throw new ModelError(`${found}; this app reads "${MODEL_FORMAT}" and neural-net-rs models`);
  }
  if (json.version !== MODEL_VERSION && json.version !== TYPED_MODEL_VERSION) {
    const found = json.version === undefined ? 'no "version" field' : `unsupported model version ${describeValue(json.version)}`;
    throw new ModelError(`${found}; this app reads versions ${MODEL_VERSION} and ${TYPED_MODEL_VERSION}`);
  }
  const parsed = ourModel.safeParse(json, { error: zodMessage });
  if (!parsed.success) throw new ModelError(issueTexts(parsed.error)[0]);
  const file = parsed.data;
  const config = configOrModelError(file.config, 'config', file.dataset);
  const layers = config.stack ? typedLayers(config.stack, file.layers, onProgress) : denseLayers(config, file.layers, onProgress);
  const classes = config.layers[config.layers.length - 1];
  const metrics = file.metrics ? checkMetrics(file.metrics, classes) : null;
  return {
    config,
    layers,
    metrics,
    source: 'mnist-playground',
    savedAt: file.savedAt ?? null,
    ...(file.dataset && { dataset: file.dataset }),
    ...(file.kernels && { kernels: file.kernels }),
  };
}

/**
 * A version 2 file's layers: each must be the layer the config's stack gives there
 * (both named when not), and its parameters as many as its declared shape needs.
 */
function typedLayers(stack: LayerStack, list: unknown[], onProgress?: () => void): LayerSpec[] {
  const expected = stackSpecs(stack);
  if (list.length !== expected.length) throw new ModelError(`layers: the config has ${expected.length} layers after the input but the model has ${list.length}`);
  return expected.map((spec, l) => {
    const where = `layers[${l}]`;
    const value = list[l];
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ModelError(`${where}: must be a layer {"type": …}, got ${describeValue(value)}`);
    const kind = specKind(spec);
    const statistics = kind.statistics ?? [];
    const { weights, biases, ...rest } = value as Record<string, unknown>;
    const header = Object.fromEntries(Object.entries(rest).filter(([key]) => !statistics.some((entry) => entry.json === key)));
    const should = layerHeader(spec);
    if (JSON.stringify(header) !== JSON.stringify(should)) {
      throw new ModelError(`${where}: is ${JSON.stringify(header)} but the config's layers give ${JSON.stringify(should)}`);
    }
    const declared = specParameters(spec);
    if (!declared) {
      if (weights !== undefined || biases !== undefined) throw new ModelError(`${where}: a ${should.type as string} layer has no weights or biases`);
      return spec;
    }
    const params = (values: unknown, count: number, name: string) => {
      if (!Array.isArray(values)) throw new ModelError(`${where}.${name}: must be a list of numbers, got ${describeValue(values)}`);
      if (values.length !== count) throw new ModelError(`${where}.${name}: has ${values.length} values but its declared shape ${declared.shape} needs ${count}`);
      return float32s(values, count, `${where}.${name}`, onProgress);
    };
    const read = Object.fromEntries(statistics.map(({ json, engine }) => [engine, params(rest[json], declared.biases, json)]));
    return { ...spec, weights: params(weights, declared.weights, 'weights'), biases: params(biases, declared.biases, 'biases'), ...read } as LayerSpec;
  });
}

/** A version 1 file's dense layers, each checked against the config's sizes and activations. */
function denseLayers(config: Config, list: unknown[], onProgress?: () => void): DenseSpec[] {
  const parsed = z.array(ourLayer).safeParse(list, { error: zodMessage });
  if (!parsed.success) throw new ModelError(issueTexts(parsed.error).map((text) => `layers${text.startsWith('[') ? '' : ': '}${text}`)[0]);
  const file = { layers: parsed.data };
  if (file.layers.length !== config.activations.length) {
    throw new ModelError(`layers: the config has ${config.activations.length} weight layers but the model has ${file.layers.length}`);
  }
  return file.layers.map((layer, l): DenseSpec => {
    const where = `layers[${l}]`;
    const [inputs, outputs] = [config.layers[l], config.layers[l + 1]];
    if (layer.inputs !== inputs || layer.outputs !== outputs) {
      throw new ModelError(`${where}: is ${layer.inputs}→${layer.outputs} but the config's layers say ${inputs}→${outputs}`);
    }
    if (layer.activation !== config.activations[l]) {
      throw new ModelError(`${where}: activation ${describeValue(layer.activation)} but the config says "${config.activations[l]}"`);
    }
    return {
      inputs,
      outputs,
      activation: config.activations[l],
      weights: float32s(layer.weights, inputs * outputs, `${where}.weights`, onProgress),
      biases: float32s(layer.biases, outputs, `${where}.biases`, onProgress),
    };
  });
}

/** A matrix as neural-net-rs's own Matrix wrote it, or as ndarray's serde (bare or wrapped in {data}). */
const rustMatrix = z.union(
  [
    z.object({ rows: count, cols: count, data: parameterList }),
    z.object({ v: z.literal(1), dim: z.tuple([count, count]), data: parameterList }),
    z.object({ data: z.object({ v: z.literal(1), dim: z.tuple([count, count]), data: parameterList }) }),
  ],
  { error: (issue) => `must be a matrix {"rows", "cols", "data"}, got ${describeValue(issue.input)}` },
);

const optionalNumber = z.number().nullable().optional();

const rustModel = z.looseObject({
  layers: z.array(count).optional(),
  layers_count: z.array(count).optional(),
  weights: z.array(rustMatrix),
  activation_types: z.array(z.string()).optional(),
  activations: z.array(z.string()).optional(),
  learning_rate: optionalNumber,
  momentum: optionalNumber,
  epochs: optionalNumber,
  batch_size: optionalNumber,
  regularization_rate: optionalNumber,
  regularization_type: z.string().nullable().optional(),
  mean: optionalNumber,
  std_dev: optionalNumber,
});

function matrixShape(matrix: z.output<typeof rustMatrix>): { rows: number; cols: number; data: unknown[] } {
  if ('rows' in matrix) return matrix;
  const inner = 'v' in matrix ? matrix : matrix.data;
  return { rows: inner.dim[0], cols: inner.dim[1], data: inner.data };
}

/**
 * Standardised inputs (x − mean) / std feed W·x' + b = (W / std)·x + (b − (mean / std)·Σᵢ W[o][i]),
 * so the first layer can take the plain [0, 1] pixels.
 */
function foldStandardisation(layer: DenseSpec, mean: number, std: number): void {
  for (let o = 0; o < layer.outputs; o++) {
    let rowSum = 0;
    for (let i = 0; i < layer.inputs; i++) {
      rowSum += layer.weights[o * layer.inputs + i];
      layer.weights[o * layer.inputs + i] /= std;
    }
    layer.biases[o] -= (mean / std) * rowSum;
  }
}

function parseRust(json: Record<string, unknown>, onProgress?: () => void): LoadedModel {
  const parsed = rustModel.safeParse(json, { error: zodMessage });
  if (!parsed.success) throw new ModelError(`neural-net-rs model: ${issueTexts(parsed.error)[0]}`);
  const file = parsed.data;
  const sizes = file.layers ?? file.layers_count;
  const activations = file.activation_types ?? file.activations;
  if (!sizes) throw new ModelError('neural-net-rs model: "layers" (the layer sizes) is missing');
  if (!activations) throw new ModelError('neural-net-rs model: "activation_types" is missing');

  const settings: Record<string, unknown> = { layers: sizes, activations };
  const copy = (from: keyof typeof file, to: string) => {
    if (typeof file[from] === 'number') settings[to] = file[from];
  };
  copy('learning_rate', 'learning_rate');
  copy('momentum', 'momentum');
  copy('batch_size', 'batch_size');
  copy('epochs', 'epochs');
  if (file.regularization_type === 'L2') copy('regularization_rate', 'l2');
  settings.epochs ??= 30;
  settings.learning_rate ??= 0.01;
  const config = configOrModelError(settings, 'neural-net-rs model');

  if (file.weights.length !== sizes.length - 1) {
    throw new ModelError(`weights: ${sizes.length} layers need ${sizes.length - 1} weight matrices, got ${file.weights.length}`);
  }
  const layers = file.weights.map((matrix, l): DenseSpec => {
    const { rows, cols, data } = matrixShape(matrix);
    const [inputs, outputs] = [sizes[l], sizes[l + 1]];
    if (rows !== outputs || cols !== inputs + 1) {
      throw new ModelError(
        `weights[${l}]: is ${rows}×${cols} but layers ${inputs}→${outputs} need ${outputs}×${inputs + 1} (outputs × inputs + bias)`,
      );
    }
    const values = float32s(data, rows * cols, `weights[${l}].data`, onProgress);
    const weights = new Float32Array(outputs * inputs);
    const biases = new Float32Array(outputs);
    for (let o = 0; o < outputs; o++) {
      weights.set(values.subarray(o * cols, o * cols + inputs), o * inputs);
      biases[o] = values[o * cols + inputs];
    }
    return { inputs, outputs, activation: config.activations[l], weights, biases };
  });

  const { mean, std_dev: std } = file;
  if (typeof mean === 'number' && typeof std === 'number') {
    if (!(std > 0)) throw new ModelError(`std_dev: must be a positive number, got ${std}`);
    foldStandardisation(layers[0], mean, std);
    const broken = layers[0].weights.some((w) => !Number.isFinite(w)) || layers[0].biases.some((b) => !Number.isFinite(b));
    if (broken) throw new ModelError('mean/std_dev: standardising the inputs overflows the first layer');
  }
  return { config, layers, metrics: null, source: 'neural-net-rs', savedAt: null };
}

/**
 * A model file (ours or neural-net-rs's) as config, layer specs and metrics; throws ModelError.
 * `onProgress` is called as the numbers are read, for a caller that must show it is alive.
 */
export function parseModel(text: string, onProgress?: () => void): LoadedModel {
  let json: unknown;
  try {
    json = parseJsonText(text, onProgress);
  } catch (error) {
    if (error instanceof JsonTextError) throw new ModelError(`the model file is not valid JSON: ${error.message}`);
    throw error;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelError(`a model file must be a JSON object, got ${describeValue(json)}`);
  }
  const record = json as Record<string, unknown>;
  if ('format' in record || 'version' in record) return parseOurs(record, onProgress);
  if ('weights' in record) return parseRust(record, onProgress);
  throw new ModelError(
    `not a model file: expected "format": "${MODEL_FORMAT}" or a neural-net-rs model ("layers", "weights", "activation_types")`,
  );
}
