/**
 * Trained models as files. Ours is JSON, versioned:
 *
 *   {"format": "mnist-playground-model", "version": 1, "savedAt": "…",
 *    "config": <our config dialect>, "metrics": {accuracy, correct, total, confusion} | null,
 *    "layers": [{"inputs", "outputs", "activation", "weights": [outputs × inputs, row-major], "biases"}]}
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
import type { Config } from '../engine/config.ts';
import { isDenseSpec, type DenseSpec, type LayerSpec } from '../engine/layer.ts';
import { type ConfusionMetrics, metricsFromConfusion } from '../engine/metrics.ts';
import { ConfigError, configFromJson, ioShapeOf, MNIST_IO, serializeConfig, type DatasetRecord } from './config-format.ts';
import { JsonTextError, parseJsonText } from './json-text.ts';
import { describeValue, issueTexts, zodMessage } from './zod-messages.ts';

export const MODEL_FORMAT = 'mnist-playground-model';
export const MODEL_VERSION = 1;

export class ModelError extends Error {
  override name = 'ModelError';
}

export interface SavedModel {
  config: Config;
  layers: LayerSpec[];
  /** The test-set evaluation the model reached, or null if it was not evaluated. */
  metrics: ConfusionMetrics | null;
  /** The data it was trained on; files without one (and neural-net-rs models) are MNIST's. */
  dataset?: DatasetRecord;
}

export interface LoadedModel extends SavedModel {
  layers: DenseSpec[];
  source: 'mnist-playground' | 'neural-net-rs';
  /** ISO time of saving (our files only). */
  savedAt: string | null;
}

/** The shortest decimal that reads back as the same float32. */
export function float32Text(value: number): string {
  if (value === 0) return '0';
  // Precision p round-trips ⇒ p + 1 does too, so the shortest is found by bisection over 1…9.
  let low = 1;
  let high = 9;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (Math.fround(Number(value.toPrecision(mid))) === value) high = mid;
    else low = mid + 1;
  }
  return String(Number(value.toPrecision(low)));
}

function floatList(values: Float32Array): string {
  const parts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) parts[i] = float32Text(values[i]);
  return `[${parts.join(',')}]`;
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

/** Our model file as pretty JSON text; throws ModelError for a model that could not be read back. */
export function serializeModel(model: SavedModel, savedAt = new Date().toISOString()): string {
  checkSpecs(model.config, model.layers, 'layers');
  model.layers.forEach((layer, l) => {
    if (layer.weights.length !== layer.inputs * layer.outputs || layer.biases.length !== layer.outputs) {
      throw new ModelError(`layers[${l}]: ${layer.weights.length} weights and ${layer.biases.length} biases do not fit ${layer.inputs}→${layer.outputs}`);
    }
    if (!layer.weights.every(Number.isFinite) || !layer.biases.every(Number.isFinite)) {
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
  const layers = model.layers.map(
    (layer) =>
      `    {"inputs": ${layer.inputs}, "outputs": ${layer.outputs}, "activation": ${JSON.stringify(layer.activation)},\n` +
      `     "weights": ${floatList(layer.weights)},\n` +
      `     "biases": ${floatList(layer.biases)}}`,
  );
  return (
    `{\n  "format": ${JSON.stringify(MODEL_FORMAT)},\n  "version": ${MODEL_VERSION},\n` +
    `  "savedAt": ${JSON.stringify(savedAt)},\n` +
    `  "config": ${indent(serializeConfig(model.config))},\n` +
    `  "metrics": ${metrics ? JSON.stringify(metrics) : 'null'},\n` +
    (model.dataset ? `  "dataset": ${JSON.stringify(model.dataset)},\n` : '') +
    `  "layers": [\n${layers.join(',\n')}\n  ]\n}\n`
  );
}

/** Values as float32, refusing anything that is not a number or would not fit a float32. */
function float32s(values: readonly unknown[], expected: number, where: string): Float32Array {
  if (values.length !== expected) throw new ModelError(`${where}: expected ${expected} numbers, got ${values.length}`);
  const result = new Float32Array(expected);
  for (let i = 0; i < expected; i++) {
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

const ourLayer = z.strictObject({
  inputs: count,
  outputs: count,
  activation: z.string(),
  weights: z.array(z.unknown()),
  biases: z.array(z.unknown()),
});

const ourModel = z.strictObject({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  savedAt: z.string().nullable().optional(),
  config: z.unknown(),
  metrics: z.strictObject({ accuracy: z.number(), correct: count, total: count, confusion: z.array(z.array(count)) }).nullable(),
  dataset: z
    .strictObject({
      name: z.string().min(1),
      height: z.number().int().min(1).max(4096),
      width: z.number().int().min(1).max(4096),
      classNames: z.array(z.string()).min(2).max(256),
    })
    .optional(),
  layers: z.array(ourLayer),
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

function parseOurs(json: Record<string, unknown>): LoadedModel {
  if (json.format !== MODEL_FORMAT) {
    const found = json.format === undefined ? 'no "format" field' : `unknown model format ${describeValue(json.format)}`;
    throw new ModelError(`${found}; this app reads "${MODEL_FORMAT}" and neural-net-rs models`);
  }
  if (json.version !== MODEL_VERSION) {
    const found = json.version === undefined ? 'no "version" field' : `unsupported model version ${describeValue(json.version)}`;
    throw new ModelError(`${found}; this app reads version ${MODEL_VERSION}`);
  }
  const parsed = ourModel.safeParse(json, { error: zodMessage });
  if (!parsed.success) throw new ModelError(issueTexts(parsed.error)[0]);
  const file = parsed.data;
  const config = configOrModelError(file.config, 'config', file.dataset);
  if (file.layers.length !== config.activations.length) {
    throw new ModelError(`layers: the config has ${config.activations.length} weight layers but the model has ${file.layers.length}`);
  }
  const layers = file.layers.map((layer, l): DenseSpec => {
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
      weights: float32s(layer.weights, inputs * outputs, `${where}.weights`),
      biases: float32s(layer.biases, outputs, `${where}.biases`),
    };
  });
  const metrics = file.metrics ? checkMetrics(file.metrics, config.layers[config.layers.length - 1]) : null;
  return { config, layers, metrics, source: 'mnist-playground', savedAt: file.savedAt ?? null, ...(file.dataset && { dataset: file.dataset }) };
}

/** A matrix as neural-net-rs's own Matrix wrote it, or as ndarray's serde (bare or wrapped in {data}). */
const rustMatrix = z.union(
  [
    z.object({ rows: count, cols: count, data: z.array(z.unknown()) }),
    z.object({ v: z.literal(1), dim: z.tuple([count, count]), data: z.array(z.unknown()) }),
    z.object({ data: z.object({ v: z.literal(1), dim: z.tuple([count, count]), data: z.array(z.unknown()) }) }),
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

function parseRust(json: Record<string, unknown>): LoadedModel {
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
    const values = float32s(data, rows * cols, `weights[${l}].data`);
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

/** A model file (ours or neural-net-rs's) as config, layer specs and metrics; throws ModelError. */
export function parseModel(text: string): LoadedModel {
  let json: unknown;
  try {
    json = parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonTextError) throw new ModelError(`the model file is not valid JSON: ${error.message}`);
    throw error;
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new ModelError(`a model file must be a JSON object, got ${describeValue(json)}`);
  }
  const record = json as Record<string, unknown>;
  if ('format' in record || 'version' in record) return parseOurs(record);
  if ('weights' in record) return parseRust(record);
  throw new ModelError(
    `not a model file: expected "format": "${MODEL_FORMAT}" or a neural-net-rs model ("layers", "weights", "activation_types")`,
  );
}
