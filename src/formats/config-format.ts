/**
 * Config files in three dialects, all parsed into the engine's Config:
 *
 * - the seed post's: `{"layers":[784,200,10],"activations":["Sigmoid","Softmax"],
 *   "learning_rate":0.01,"momentum":0.9,"epochs":30}`; momentum is optional (the seed's
 *   program used 0.9) and it trained one sample at a time, so no batch_size means 1;
 * - neural-net-rs's later one, where each layer names the activation applied on its way
 *   out: `"layers":[{"nodes":784,"activation":"Sigmoid"},…,{"nodes":10}]`, with its
 *   defaults (batch_size 32, momentum 0.5, learning_rate 0.01, epochs 30) and
 *   `regularization_rate` (L2, λ/2·Σw², the same as our l2);
 * - ours: the seed's keys plus optimizer, batch_size, seed, l2, dropout, init, samples,
 *   validation (held-out count), patience (early stopping) and augment (true, false or
 *   {"shift": pixels, "rotate": degrees});
 * - ours with typed layers, for networks with convolutions: `"layers": [{"type": "input",
 *   "shape": [28, 28, 1]}, {"type": "conv2d", "filters": 8, "kernel_size": 5, "padding":
 *   "same", "activation": "ReLU"}, {"type": "maxpool2d", "pool_size": 2}, …, {"type":
 *   "dense", "units": 10, "activation": "Softmax"}]` and no "activations" (each layer
 *   names its own); the other keys as ours, missing ones as the seed program.
 *
 * Anything else is refused with a ConfigError whose message names the field and what it
 * accepts. Nothing else is ever thrown.
 */
import { z } from 'zod';
import {
  ACTIVATIONS,
  type Activation,
  type Augmentation,
  type Config,
  type LayerStack,
  DEFAULT_AUGMENTATION,
  MNIST_CLASSES,
  MNIST_INPUTS,
  SEED_CONFIG,
} from '../engine/config.ts';
import {
  AUGMENT_FIELDS,
  boundsText,
  FIELDS,
  LAYER_FIELDS,
  LAYER_TYPES,
  MAX_LAYERS,
  MAX_SIDE,
  type LayerFieldSpec,
  type LayerType,
  SCALAR_KEYS,
  UNITS_FIELD,
  withinBounds,
  type NumberSpec,
  type ScalarJsonKey,
  type ScalarKey,
} from './config-fields.ts';
import { formatShape, shapeSize, type LayerDescription, type Shape } from '../engine/layer.ts';
import { kindOf, layerFromJson as kindLayerFromJson, layerToJson, MAX_LAYER_SIZE, outputShapeAfter, type LayerJsonOf } from '../engine/layer-kinds.ts';
import { estimateTrainingBytes, MAX_TRAINING_BYTES } from '../engine/network.ts';
import { JsonTextError, parseJsonText } from './json-text.ts';
import { describeValue, issueTexts, zodMessage } from './zod-messages.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found, each "field: what is wrong". */
  readonly problems: string[];
  constructor(problems: string[]) {
    const shown = problems.slice(0, 3).join('; ');
    const more = problems.length - 3;
    super(more > 0 ? `${shown}; and ${more} more problem${more === 1 ? '' : 's'}` : shown);
    this.problems = problems;
  }
}

/** A number field checked against its row of the field table; the message says what it must be and what it got. */
function numberField(spec: NumberSpec) {
  const rule = boundsText(spec);
  return z.unknown().transform((value, ctx) => {
    if (typeof value === 'number' && withinBounds(spec, value)) return value;
    ctx.issues.push({ code: 'custom', input: value, message: `must be ${rule}, got ${describeValue(value)}` });
    return z.NEVER;
  });
}

function choiceField<T extends string>(choices: readonly T[], what: string) {
  const list = choices.map((choice) => JSON.stringify(choice)).join(', ');
  return z.unknown().transform((value, ctx) => {
    const found = choices.find((choice) => typeof value === 'string' && choice.toLowerCase() === value.toLowerCase());
    if (found !== undefined) return found;
    ctx.issues.push({ code: 'custom', input: value, message: `unknown ${what} ${describeValue(value)}; known: ${list}` });
    return z.NEVER;
  });
}

const layerSize = numberField(UNITS_FIELD);
const activation = choiceField(ACTIVATIONS, 'activation');

/** The validator of one scalar field, from its row of the table. */
function scalarSchema(key: ScalarKey) {
  const spec = FIELDS[key];
  return spec.kind === 'number' ? numberField(spec) : choiceField<string>(spec.choices, spec.json);
}

/** Every scalar field under its JSON key; the `required` ones must be there, the rest may be left out. */
function scalarShape(required: readonly ScalarKey[]): Record<ScalarJsonKey, z.ZodType> {
  const shape: Partial<Record<ScalarJsonKey, z.ZodType>> = {};
  for (const key of SCALAR_KEYS) shape[FIELDS[key].json] = required.includes(key) ? scalarSchema(key) : scalarSchema(key).optional();
  return shape as Record<ScalarJsonKey, z.ZodType>;
}

/** A checked scalar field's value, or undefined where the file left it out. */
function scalarValue<K extends ScalarKey>(value: Record<string, unknown>, key: K): Config[K] | undefined {
  return value[FIELDS[key].json] as Config[K] | undefined;
}

/** Each scalar field from the file, or from `defaults` where it was left out. */
function scalarsFrom(value: Record<string, unknown>, defaults: Pick<Config, ScalarKey>): Pick<Config, ScalarKey> {
  const scalars = { ...defaults };
  for (const key of SCALAR_KEYS) {
    const given = scalarValue(value, key);
    if (given !== undefined) (scalars as Record<ScalarKey, unknown>)[key] = given;
  }
  return scalars;
}

const AUGMENT_RULE = 'must be true, false or {"shift": N, "rotate": N}';

const augmentation = z.strictObject({
  shift: numberField(AUGMENT_FIELDS.shift),
  rotate: numberField(AUGMENT_FIELDS.rotate),
});

/** true is the default augmentation, false none, an object its own (checked field by field). */
const augment = z.unknown().transform((value, ctx): boolean | Augmentation => {
  if (typeof value === 'boolean') return value;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    ctx.issues.push({ code: 'custom', input: value, message: `${AUGMENT_RULE}, got ${describeValue(value)}` });
    return z.NEVER;
  }
  const parsed = augmentation.safeParse(value, { error: zodMessage });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) ctx.issues.push({ code: 'custom', input: value, path: issue.path, message: issue.message });
  return z.NEVER;
});

function augmentationOf(value: boolean | Augmentation | undefined): Augmentation | null {
  if (value === undefined || value === false) return null;
  if (value === true) return { ...DEFAULT_AUGMENTATION };
  return value.shift === 0 && value.rotate === 0 ? null : value;
}

const layerList = <T extends z.ZodType>(item: T) =>
  z
    .array(item, { error: (issue) => `must be a list of layers, got ${describeValue(issue.input)}` })
    .min(2, { error: 'needs at least an input and an output layer' })
    .max(MAX_LAYERS, { error: `at most ${MAX_LAYERS} layers` });

/** The seed post's program required a learning rate and a number of epochs. */
const seedDialect = z.strictObject({
  layers: layerList(layerSize),
  activations: z.array(activation, { error: (issue) => `must be a list of activation names, got ${describeValue(issue.input)}` }),
  ...scalarShape(['learningRate', 'epochs']),
  augment: augment.optional(),
});

const rustLayer = z.strictObject(
  { nodes: layerSize, activation: activation.nullable().optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : `must be {"nodes": N, "activation": "…"}, got ${describeValue(issue.input)}`) },
);

const rustDialect = z.strictObject({
  layers: layerList(rustLayer),
  ...scalarShape([]),
  augment: augment.optional(),
  regularization_rate: numberField(FIELDS.l2).optional(),
  regularization_type: z
    .unknown()
    .transform((value, ctx) => {
      if (value === 'L2' || value === null) return value;
      const why = value === 'L1' ? 'L1 is not supported' : `unknown regularization ${describeValue(value)}`;
      ctx.issues.push({ code: 'custom', input: value, message: `${why}; only "L2" is` });
      return z.NEVER;
    })
    .optional(),
});

/** neural-net-rs's Default for NetworkConfig; what it lacks, as the seed program. */
const RUST_DEFAULTS: Pick<Config, ScalarKey> = {
  ...SEED_CONFIG,
  optimizer: 'momentum',
  learningRate: 0.01,
  momentum: 0.5,
  epochs: 30,
  batchSize: 32,
};

/** zod's issues as problems; an unknown top-level field also lists the known ones, to help with typos. */
function zodProblems(error: z.ZodError, known: readonly string[]): string[] {
  return issueTexts(error).map((text, i) =>
    error.issues[i].code === 'unrecognized_keys' && error.issues[i].path.length === 0 ? `${text}; known fields: ${known.join(', ')}` : text,
  );
}

export function formatBytes(bytes: number): string {
  const GB = 1024 ** 3;
  return bytes >= GB ? `${(bytes / GB).toFixed(1)} GB` : `${Math.ceil(bytes / 1024 ** 2)} MB`;
}

/** Names of fields in messages, so nested-dialect errors point at `layers[1].activation`. */
interface FieldNames {
  layer(i: number): string;
  activation(i: number): string;
}

const SEED_NAMES: FieldNames = { layer: (i) => `layers[${i}]`, activation: (i) => `activations[${i}]` };
const RUST_NAMES: FieldNames = { layer: (i) => `layers[${i}].nodes`, activation: (i) => `layers[${i}].activation` };

/** The input and output sizes the data asks for, with the words that explain them in messages. */
export interface IoShape {
  inputs: number;
  /** The images' [height, width, channels], which a typed network's input layer must have. */
  shape: Shape;
  classes: number;
  /** "28×28 pixels" */
  inputWhat: string;
  /** "one per digit" */
  classWhat: string;
}

export const MNIST_IO: IoShape = { inputs: MNIST_INPUTS, shape: [28, 28, 1], classes: MNIST_CLASSES, inputWhat: '28×28 pixels', classWhat: 'one per digit' };

/** What a model file records of the data it was trained on. */
export interface DatasetRecord {
  name: string;
  height: number;
  width: number;
  classNames: string[];
}

export const MNIST_RECORD: DatasetRecord = {
  name: 'MNIST',
  height: 28,
  width: 28,
  classNames: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
};

/**
 * Why no network here can take the set's images, or null. A dense network's input layer has a
 * node per pixel, at most MAX_LAYER_SIZE; the page fits its network to every set made active, so
 * a set it could not fit is refused before it is kept or made active.
 */
export function datasetFitProblem({ height, width }: Pick<DatasetRecord, 'height' | 'width'>): string | null {
  const pixels = height * width;
  return pixels <= MAX_LAYER_SIZE ? null : `its images have ${height}×${width} = ${pixels} pixels, more than the ${MAX_LAYER_SIZE} inputs a network here may take`;
}

/** "MNIST (28×28 images, 10 classes)" */
export function describeRecord(set: DatasetRecord): string {
  return `${set.name} (${set.height}×${set.width} images, ${set.classNames.length} classes)`;
}

/** Same image size and class count: a network for one runs on the other. */
export function sameRecordShape(a: DatasetRecord, b: DatasetRecord): boolean {
  return a.height === b.height && a.width === b.width && a.classNames.length === b.classNames.length;
}

/** Why a model trained on `trained` cannot run on `active`, naming both shapes; null when the shapes agree. */
export function shapeMismatch(trained: DatasetRecord, active: DatasetRecord): string | null {
  return sameRecordShape(trained, active) ? null : `the model was trained on ${describeRecord(trained)} and cannot run on ${describeRecord(active)}`;
}

/** The sizes a network for `set` must have, in the words config messages use. */
export function ioShapeOf(set: DatasetRecord): IoShape {
  return {
    inputs: set.height * set.width,
    shape: [set.height, set.width, 1],
    classes: set.classNames.length,
    inputWhat: `${set.height}×${set.width} pixels of ${set.name}`,
    classWhat: `one per class of ${set.name}`,
  };
}

/** The checks that span fields; every problem found, empty if the config is usable. */
function crossFieldProblems(config: Config, names: FieldNames, io: IoShape): string[] {
  const { layers, activations } = config;
  const problems: string[] = [];
  if (layers[0] !== io.inputs) {
    problems.push(`${names.layer(0)}: the input layer must have ${io.inputs} nodes (${io.inputWhat}), got ${layers[0]}`);
  }
  const last = layers.length - 1;
  if (layers[last] !== io.classes) {
    problems.push(`${names.layer(last)}: the output layer must have ${io.classes} nodes (${io.classWhat}), got ${layers[last]}`);
  }
  if (activations.length !== layers.length - 1) {
    problems.push(
      `activations: expected ${layers.length - 1} (one per layer after the input, for ${layers.length} layers), got ${activations.length}`,
    );
  } else {
    activations.forEach((name, i) => {
      if (name === 'Softmax' && i !== activations.length - 1) {
        problems.push(`${names.activation(i)}: Softmax is only allowed on the output layer`);
      }
    });
  }
  const needsBatches = config.stack?.layers.findIndex((layer) => kindOf(layer.type).batchStatistics) ?? -1;
  if (needsBatches >= 0 && config.batchSize < 2) {
    problems.push(`${FIELDS.batchSize.json}: layers[${needsBatches + 1}] (${kindOf(config.stack!.layers[needsBatches].type).label.toLowerCase()}) trains on each batch's statistics, so batches need 2 samples or more, got ${config.batchSize}`);
  }
  if (problems.length === 0) problems.push(...memoryProblems(config));
  return problems;
}

/** The network, too large to train, refused with its estimate. */
function memoryProblems(config: Config): string[] {
  const bytes = estimateTrainingBytes(config.stack ?? config.layers, config.batchSize, config.optimizer);
  if (bytes <= MAX_TRAINING_BYTES) return [];
  const network = config.stack ? 'this network' : config.layers.join('-');
  return [
    `layers: network too large: training ${network} with batch size ${config.batchSize} needs about ` +
      `${formatBytes(bytes)} of memory, more than the ${formatBytes(MAX_TRAINING_BYTES)} allowed; use smaller layers`,
  ];
}

function fromSeedDialect(value: z.output<typeof seedDialect>): Config {
  return {
    ...scalarsFrom(value, SEED_CONFIG),
    layers: value.layers,
    activations: value.activations,
    augment: augmentationOf(value.augment),
  };
}

function fromRustDialect(value: z.output<typeof rustDialect>): Config | string[] {
  const problems: string[] = [];
  const last = value.layers.length - 1;
  const activations: Activation[] = [];
  value.layers.forEach((layer, i) => {
    if (i < last && layer.activation == null) {
      problems.push(`layers[${i}].activation: missing; each layer but the last names the activation of the weights leaving it`);
    } else if (i === last && layer.activation != null) {
      problems.push(`layers[${i}].activation: the last layer takes no activation (layer i's activation applies between layer i and i+1)`);
    } else if (layer.activation != null) {
      activations.push(layer.activation);
    }
  });
  const l2 = scalarValue(value, 'l2');
  if (l2 !== undefined && value.regularization_rate !== undefined) {
    problems.push('l2: give either l2 or regularization_rate, not both');
  }
  if (problems.length > 0) return problems;
  const scalars = scalarsFrom(value, RUST_DEFAULTS);
  return {
    ...scalars,
    layers: value.layers.map((layer) => layer.nodes),
    activations,
    l2: l2 ?? value.regularization_rate ?? 0,
    augment: augmentationOf(value.augment),
  };
}

/** A typed layer as files write it: `{"type": "conv2d", "filters": 8, …}`. */
export type LayerJson = { type: LayerType } & Record<string, unknown>;

/** The typed dialect: layers are objects with a "type", and there is no "activations". */
const typedDialect = z.strictObject({
  layers: z.array(z.unknown()),
  ...scalarShape([]),
  augment: augment.optional(),
});

function isTypedDialect(value: Record<string, unknown>): boolean {
  return Array.isArray(value.layers) && value.layers.some((layer) => typeof layer === 'object' && layer !== null && 'type' in layer);
}

/** What is wrong with one field of a typed layer, without its name; null when it is allowed. */
function layerFieldProblem(spec: LayerFieldSpec, value: unknown): string | null {
  if (spec.kind === 'number') return typeof value === 'number' && withinBounds(spec, value) ? null : `must be ${boundsText(spec)}, got ${describeValue(value)}`;
  return typeof value === 'string' && spec.choices.some((choice) => choice.toLowerCase() === value.toLowerCase())
    ? null
    : `must be one of ${spec.choices.map((choice) => JSON.stringify(choice)).join(', ')}, got ${describeValue(value)}`;
}

/** A choice as the table spells it ("relu" → "ReLU"). */
function canonical(spec: LayerFieldSpec, value: unknown): unknown {
  if (spec.kind === 'number' || typeof value !== 'string') return value;
  return spec.choices.find((choice) => choice.toLowerCase() === value.toLowerCase());
}

const INPUT_SHAPE_RULE = `must be [height, width, channels], integers from 1 to ${MAX_SIDE}`;

/** One typed layer's fields checked against its row of LAYER_FIELDS, with each problem named `layers[i].field`. */
function checkedLayerJson(value: unknown, i: number, problems: string[]): LayerJson | null {
  const where = `layers[${i}]`;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${where}: must be a layer {"type": …}, got ${describeValue(value)}`);
    return null;
  }
  const record = value as Record<string, unknown>;
  const type = LAYER_TYPES.find((known) => known === record.type);
  if (!type) {
    problems.push(`${where}.type: unknown layer type ${describeValue(record.type)}; known: ${LAYER_TYPES.map((known) => JSON.stringify(known)).join(', ')}`);
    return null;
  }
  const fields = type === 'input' ? { shape: null } : LAYER_FIELDS[type];
  const unknown = Object.keys(record).filter((key) => key !== 'type' && !Object.hasOwn(fields, key));
  if (unknown.length > 0) {
    const known = Object.keys(fields).join(', ') || 'none';
    problems.push(`${where}: unknown field${unknown.length > 1 ? 's' : ''} ${unknown.map((key) => JSON.stringify(key)).join(', ')}; a ${type} layer's fields: ${known}`);
    return null;
  }
  const before = problems.length;
  const layer: LayerJson = { type };
  if (type === 'input') {
    const shape = record.shape;
    const valid = Array.isArray(shape) && shape.length === 3 && shape.every((side) => Number.isInteger(side) && side >= 1 && side <= MAX_SIDE);
    if (!valid) problems.push(`${where}.shape: ${INPUT_SHAPE_RULE}, got ${Array.isArray(shape) ? JSON.stringify(shape) : describeValue(shape)}`);
    layer.shape = shape;
  }
  for (const [key, spec] of Object.entries(LAYER_FIELDS[type === 'input' ? 'flatten' : type])) {
    if (record[key] === undefined) {
      if (!spec.optional) problems.push(`${where}.${key}: missing; a ${type} layer needs it (${spec.kind === 'number' ? boundsText(spec) : spec.choices.join(', ')})`);
      continue;
    }
    const problem = layerFieldProblem(spec, record[key]);
    if (problem) problems.push(`${where}.${key}: ${problem}`);
    else layer[key] = canonical(spec, record[key]);
  }
  return problems.length === before ? layer : null;
}

/**
 * A typed layer (not the input) as the engine describes it, with the defaults its kind
 * gives filled in. Its fields are taken as they are: checkConfig on a config with the
 * result names what is wrong.
 */
export function layerFromJson(layer: LayerJson): LayerDescription {
  return kindLayerFromJson(layer as LayerJsonOf);
}

/** A network in a few words: "784-32-10 ReLU/Softmax", or "28×28×1 → conv2d 8×5×5 same ReLU → maxpool2d 2 → dense 10 Softmax". */
export function describeNetwork(config: Config): string {
  if (!config.stack) return `${config.layers.join('-')} ${config.activations.join('/')}`;
  const layers = config.stack.layers.map((layer) => kindOf(layer.type).summary(layer));
  return [config.stack.input.join('×'), ...layers].join(' → ');
}

/** The stack's layers as files write them, every field spelled out. */
export function stackToJson(stack: LayerStack): LayerJson[] {
  return [{ type: 'input', shape: [...stack.input] }, ...stack.layers.map(layerToJson)];
}

/** "a 3×3 input" */
const sides = (shape: Shape) => `${shape[0]}×${shape[1]}`;

/**
 * A typed layer list as a stack, following the shape through it: a window larger than
 * what reaches it, Softmax before the output, or an output that is not one dense unit
 * per class is named with its layer and field.
 */
function stackFromJson(list: unknown[], io: IoShape, problems: string[]): LayerStack | null {
  if (list.length < 2) problems.push('layers: needs at least an input and an output layer');
  if (list.length > MAX_LAYERS) problems.push(`layers: at most ${MAX_LAYERS} layers`);
  const checked = list.map((value, i) => checkedLayerJson(value, i, problems));
  if (problems.length > 0) return null;
  const [first, ...rest] = checked as LayerJson[];
  if (first.type !== 'input') {
    problems.push(`layers[0]: the first layer must be {"type": "input", "shape": [${io.shape.join(', ')}]}, got a ${first.type} layer`);
    return null;
  }
  const input = first.shape as Shape;
  if (input.some((side, axis) => side !== io.shape[axis])) {
    problems.push(`layers[0].shape: the input must be ${io.shape.join('×')} (${io.inputWhat}), got ${input.join('×')}`);
  }
  let shape = input;
  const layers = rest.map((layer, j): LayerDescription | null => {
    const i = j + 1;
    if (layer.type === 'input') {
      problems.push(`layers[${i}].type: "input" is only allowed as the first layer`);
      return null;
    }
    const described = layerFromJson(layer);
    const window = kindOf(described.type).window?.(described);
    if (window && (window.size > shape[0] || window.size > shape[1])) {
      problems.push(`layers[${i}].${window.json}: ${window.size} is larger than its ${sides(shape)} input`);
      return null;
    }
    if ('activation' in described && described.activation === 'Softmax' && i < list.length - 1) {
      problems.push(`layers[${i}].activation: Softmax is only allowed on the output layer`);
    }
    shape = outputShapeAfter(shape, described);
    return described;
  });
  if (problems.length > 0) return null;
  const last = list.length - 1;
  const output = layers[layers.length - 1] as LayerDescription;
  if (output.type !== 'dense') {
    problems.push(`layers[${last}]: the output layer must be a dense layer of ${io.classes} units (${io.classWhat}), got a ${output.type} layer giving ${formatShape(shape)}`);
  } else if (output.units !== io.classes) {
    problems.push(`layers[${last}].units: the output layer must have ${io.classes} units (${io.classWhat}), got ${output.units}`);
  }
  return problems.length > 0 ? null : { input, layers: layers as LayerDescription[] };
}

/** The engine's view of a stack: the dense fields carry only input and output sizes (see Config.stack). */
function stackConfig(scalars: Pick<Config, ScalarKey>, stack: LayerStack, augment: Augmentation | null): Config {
  const output = stack.layers[stack.layers.length - 1] as Extract<LayerDescription, { type: 'dense' }>;
  return { ...scalars, layers: [shapeSize(stack.input), output.units], activations: [output.activation], stack, augment };
}

function fromTypedDialect(value: z.output<typeof typedDialect>, io: IoShape): Config {
  const problems: string[] = [];
  const stack = stackFromJson(value.layers, io, problems);
  if (!stack) throw new ConfigError(problems);
  return stackConfig(scalarsFrom(value, SEED_CONFIG), stack, augmentationOf(value.augment));
}

function isRustDialect(value: Record<string, unknown>): boolean {
  return Array.isArray(value.layers) && value.layers.some((layer) => typeof layer === 'object' && layer !== null);
}

/** A parsed JSON value (any dialect) as a Config; throws ConfigError. */
export function configFromJson(value: unknown, io: IoShape = MNIST_IO): Config {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([`a config must be a JSON object, got ${describeValue(value)}`]);
  }
  const record = value as Record<string, unknown>;
  if (isTypedDialect(record)) {
    const parsed = typedDialect.safeParse(record, { error: zodMessage });
    if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, Object.keys(typedDialect.shape)));
    return checked(fromTypedDialect(parsed.data, io), SEED_NAMES, io);
  }
  if (isRustDialect(record)) {
    const parsed = rustDialect.safeParse(record, { error: zodMessage });
    if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, Object.keys(rustDialect.shape)));
    const config = fromRustDialect(parsed.data);
    if (Array.isArray(config)) throw new ConfigError(config);
    return checked(config, RUST_NAMES, io);
  }
  const parsed = seedDialect.safeParse(record, { error: zodMessage });
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, Object.keys(seedDialect.shape)));
  return checked(fromSeedDialect(parsed.data), SEED_NAMES, io);
}

function checked(config: Config, names: FieldNames, io: IoShape): Config {
  const problems = crossFieldProblems(config, names, io);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Config file text (any dialect) as a Config; throws ConfigError, with line and column for bad JSON. */
export function parseConfig(text: string, io: IoShape = MNIST_IO): Config {
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonTextError) throw new ConfigError([`the config is not valid JSON: ${error.message}`]);
    throw error;
  }
  return configFromJson(value, io);
}

/** What is wrong with one scalar field's value, without the field's name; null when it is allowed. */
export function scalarProblem(key: ScalarKey, value: unknown): string | null {
  const spec = FIELDS[key];
  if (spec.kind === 'choice') {
    if ((spec.choices as readonly unknown[]).includes(value)) return null;
    return `unknown ${spec.json} ${describeValue(value)}; known: ${spec.choices.map((choice) => JSON.stringify(choice)).join(', ')}`;
  }
  return typeof value === 'number' && withinBounds(spec, value) ? null : `must be ${boundsText(spec)}, got ${describeValue(value)}`;
}

/**
 * Checks a Config built in code (CLI overrides, the UI's form) field by field, with the
 * same rules and messages as a file in our dialect; throws ConfigError.
 */
export function checkConfig(config: Config, io: IoShape = MNIST_IO): Config {
  const problems: string[] = [];
  for (const key of SCALAR_KEYS) {
    const problem = scalarProblem(key, config[key]);
    if (problem) problems.push(`${FIELDS[key].json}: ${problem}`);
  }
  if (config.stack) {
    const stack = stackFromJson(stackToJson(config.stack), io, problems);
    if (stack) config = stackConfig(config, stack, config.augment);
  } else {
    if (config.layers.length < 2) problems.push('layers: needs at least an input and an output layer');
    if (config.layers.length > MAX_LAYERS) problems.push(`layers: at most ${MAX_LAYERS} layers`);
    config.layers.forEach((size, i) => {
      if (!withinBounds(UNITS_FIELD, size)) problems.push(`layers[${i}]: must be ${boundsText(UNITS_FIELD)}, got ${describeValue(size)}`);
    });
  }
  if (config.augment) {
    for (const key of ['shift', 'rotate'] as const) {
      const spec = AUGMENT_FIELDS[key];
      const value = config.augment[key];
      if (!withinBounds(spec, value)) problems.push(`augment.${key}: must be ${boundsText(spec)}, got ${describeValue(value)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return checked(config, SEED_NAMES, io);
}

/** A config in our dialect, as files and links carry it: dense sizes and activations, or typed layers. */
export type ConfigJson = { layers: number[] | LayerJson[]; activations?: Activation[] } & Record<ScalarJsonKey, number | string> & {
  augment: Augmentation | false;
};

/** Our dialect, with the seed's keys first. */
export function configToJson(config: Config): ConfigJson {
  const scalars = Object.fromEntries(SCALAR_KEYS.map((key) => [FIELDS[key].json, config[key]])) as Record<ScalarJsonKey, number | string>;
  return {
    ...(config.stack ? { layers: stackToJson(config.stack) } : { layers: config.layers, activations: config.activations }),
    ...scalars,
    augment: config.augment ? { shift: config.augment.shift, rotate: config.augment.rotate } : false,
  };
}

/** Pretty-printed, one field per line with lists kept on their line (`"layers": [784, 200, 10]`), typed layers one a line. */
export function serializeConfig(config: Config): string {
  const lines = Object.entries(configToJson(config)).map(([key, value]) => {
    const text = key === 'layers' && config.stack ? `[\n    ${(value as LayerJson[]).map(oneLine).join(',\n    ')}\n  ]` : oneLine(value);
    return `  ${JSON.stringify(key)}: ${text}`;
  });
  return `{\n${lines.join(',\n')}\n}\n`;
}

/** A list or a small object on one line, with a space after each separator. */
function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => JSON.stringify(item)).join(', ')}]`;
  if (typeof value === 'object' && value !== null) {
    return `{${Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}: ${JSON.stringify(item)}`).join(', ')}}`;
  }
  return JSON.stringify(value);
}
