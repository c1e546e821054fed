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
 *   {"shift": pixels, "rotate": degrees}).
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
  DEFAULT_AUGMENTATION,
  INITS,
  MNIST_CLASSES,
  MNIST_INPUTS,
  MNIST_TRAIN_SIZE,
  OPTIMIZERS,
  SEED_CONFIG,
} from '../engine/config.ts';
import { estimateTrainingBytes, MAX_TRAINING_BYTES } from '../engine/network.ts';
import { JsonTextError, parseJsonText } from './json-text.ts';
import { describeValue, issueTexts, zodMessage } from './zod-messages.ts';

export class ConfigError extends Error {
  override name = 'ConfigError';
  /** Every problem found, each "field: what is wrong". */
  readonly problems: string[];
  constructor(problems: string[]) {
    const shown = problems.slice(0, 3).join('; ');
    super(problems.length > 3 ? `${shown}; and ${problems.length - 3} more problems` : shown);
    this.problems = problems;
  }
}

export const MAX_LAYERS = 32;
export const MAX_LAYER_SIZE = 100_000;
export const MAX_EPOCHS = 10_000;
export const MAX_SEED = 0xffff_ffff;
/** At least half the training set stays for training. */
export const MAX_VALIDATION = MNIST_TRAIN_SIZE / 2;
export const MAX_PATIENCE = 1000;
export const MAX_SHIFT = 8;
export const MAX_ROTATE = 45;

/** A number field checked by `ok`; the message says what it must be and what it got. */
function numberField(rule: string, ok: (n: number) => boolean) {
  return z.unknown().transform((value, ctx) => {
    if (typeof value === 'number' && Number.isFinite(value) && ok(value)) return value;
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

const isInt = (min: number, max: number) => (n: number) => Number.isInteger(n) && n >= min && n <= max;

const layerSize = numberField(`an integer from 1 to ${MAX_LAYER_SIZE}`, isInt(1, MAX_LAYER_SIZE));
const activation = choiceField(ACTIVATIONS, 'activation');
const learningRate = numberField('a positive number', (n) => n > 0);
const momentum = numberField('a number from 0 up to (not including) 1', (n) => n >= 0 && n < 1);
const epochs = numberField(`an integer from 1 to ${MAX_EPOCHS}`, isInt(1, MAX_EPOCHS));
const batchSize = numberField(`an integer from 1 to ${MNIST_TRAIN_SIZE}`, isInt(1, MNIST_TRAIN_SIZE));

const AUGMENT_RULE = 'must be true, false or {"shift": N, "rotate": N}';

const augmentation = z.strictObject({
  shift: numberField(`an integer from 0 to ${MAX_SHIFT} (pixels)`, isInt(0, MAX_SHIFT)),
  rotate: numberField(`a number from 0 to ${MAX_ROTATE} (degrees)`, (n) => n >= 0 && n <= MAX_ROTATE),
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

/** Our extensions, optional in both dialects. */
const extensions = {
  optimizer: choiceField(OPTIMIZERS, 'optimizer').optional(),
  seed: numberField(`an integer from 0 to ${MAX_SEED}`, isInt(0, MAX_SEED)).optional(),
  l2: numberField('a number ≥ 0', (n) => n >= 0).optional(),
  dropout: numberField('a number from 0 up to (not including) 1', (n) => n >= 0 && n < 1).optional(),
  init: choiceField(INITS, 'init').optional(),
  samples: numberField(`an integer from 1 to ${MNIST_TRAIN_SIZE}`, isInt(1, MNIST_TRAIN_SIZE)).optional(),
  validation: numberField(`an integer from 0 to ${MAX_VALIDATION}`, isInt(0, MAX_VALIDATION)).optional(),
  patience: numberField(`an integer from 0 to ${MAX_PATIENCE}`, isInt(0, MAX_PATIENCE)).optional(),
  augment: augment.optional(),
};

const layerList = <T extends z.ZodType>(item: T) =>
  z
    .array(item, { error: (issue) => `must be a list of layers, got ${describeValue(issue.input)}` })
    .min(2, { error: 'needs at least an input and an output layer' })
    .max(MAX_LAYERS, { error: `at most ${MAX_LAYERS} layers` });

const seedDialect = z.strictObject({
  layers: layerList(layerSize),
  activations: z.array(activation, { error: (issue) => `must be a list of activation names, got ${describeValue(issue.input)}` }),
  learning_rate: learningRate,
  momentum: momentum.optional(),
  epochs,
  batch_size: batchSize.optional(),
  ...extensions,
});

const rustLayer = z.strictObject(
  { nodes: layerSize, activation: activation.nullable().optional() },
  { error: (issue) => (issue.code === 'unrecognized_keys' ? undefined : `must be {"nodes": N, "activation": "…"}, got ${describeValue(issue.input)}`) },
);

const rustDialect = z.strictObject({
  layers: layerList(rustLayer),
  learning_rate: learningRate.optional(),
  momentum: momentum.optional(),
  epochs: epochs.optional(),
  batch_size: batchSize.optional(),
  regularization_rate: numberField('a number ≥ 0', (n) => n >= 0).optional(),
  regularization_type: z
    .unknown()
    .transform((value, ctx) => {
      if (value === 'L2' || value === null) return value;
      const why = value === 'L1' ? 'L1 is not supported' : `unknown regularization ${describeValue(value)}`;
      ctx.issues.push({ code: 'custom', input: value, message: `${why}; only "L2" is` });
      return z.NEVER;
    })
    .optional(),
  ...extensions,
});

/** neural-net-rs's Default for NetworkConfig. */
const RUST_DEFAULTS = { learningRate: 0.01, momentum: 0.5, epochs: 30, batchSize: 32 };

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

/** The checks that span fields; every problem found, empty if the config is usable. */
function crossFieldProblems(config: Config, names: FieldNames): string[] {
  const { layers, activations } = config;
  const problems: string[] = [];
  if (layers[0] !== MNIST_INPUTS) {
    problems.push(`${names.layer(0)}: the input layer must have ${MNIST_INPUTS} nodes (28×28 pixels), got ${layers[0]}`);
  }
  const last = layers.length - 1;
  if (layers[last] !== MNIST_CLASSES) {
    problems.push(`${names.layer(last)}: the output layer must have ${MNIST_CLASSES} nodes (one per digit), got ${layers[last]}`);
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
  if (problems.length === 0) {
    const bytes = estimateTrainingBytes(layers, config.batchSize, config.optimizer);
    if (bytes > MAX_TRAINING_BYTES) {
      problems.push(
        `layers: network too large: training ${layers.join('-')} with batch size ${config.batchSize} needs about ` +
          `${formatBytes(bytes)} of memory, more than the ${formatBytes(MAX_TRAINING_BYTES)} allowed; use smaller layers`,
      );
    }
  }
  return problems;
}

function fromSeedDialect(value: z.output<typeof seedDialect>): Config {
  return {
    layers: value.layers,
    activations: value.activations,
    optimizer: value.optimizer ?? SEED_CONFIG.optimizer,
    learningRate: value.learning_rate,
    momentum: value.momentum ?? SEED_CONFIG.momentum,
    batchSize: value.batch_size ?? SEED_CONFIG.batchSize,
    epochs: value.epochs,
    l2: value.l2 ?? SEED_CONFIG.l2,
    dropout: value.dropout ?? SEED_CONFIG.dropout,
    init: value.init ?? SEED_CONFIG.init,
    seed: value.seed ?? SEED_CONFIG.seed,
    samples: value.samples ?? SEED_CONFIG.samples,
    validation: value.validation ?? 0,
    patience: value.patience ?? 0,
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
  if (value.l2 !== undefined && value.regularization_rate !== undefined) {
    problems.push('l2: give either l2 or regularization_rate, not both');
  }
  if (problems.length > 0) return problems;
  return {
    layers: value.layers.map((layer) => layer.nodes),
    activations,
    optimizer: value.optimizer ?? 'momentum',
    learningRate: value.learning_rate ?? RUST_DEFAULTS.learningRate,
    momentum: value.momentum ?? RUST_DEFAULTS.momentum,
    batchSize: value.batch_size ?? RUST_DEFAULTS.batchSize,
    epochs: value.epochs ?? RUST_DEFAULTS.epochs,
    l2: value.l2 ?? value.regularization_rate ?? 0,
    dropout: value.dropout ?? 0,
    init: value.init ?? SEED_CONFIG.init,
    seed: value.seed ?? SEED_CONFIG.seed,
    samples: value.samples ?? MNIST_TRAIN_SIZE,
    validation: value.validation ?? 0,
    patience: value.patience ?? 0,
    augment: augmentationOf(value.augment),
  };
}

function isRustDialect(value: Record<string, unknown>): boolean {
  return Array.isArray(value.layers) && value.layers.some((layer) => typeof layer === 'object' && layer !== null);
}

/** A parsed JSON value (any dialect) as a Config; throws ConfigError. */
export function configFromJson(value: unknown): Config {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ConfigError([`a config must be a JSON object, got ${describeValue(value)}`]);
  }
  const record = value as Record<string, unknown>;
  if (isRustDialect(record)) {
    const parsed = rustDialect.safeParse(record, { error: zodMessage });
    if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, Object.keys(rustDialect.shape)));
    const config = fromRustDialect(parsed.data);
    if (Array.isArray(config)) throw new ConfigError(config);
    return checked(config, RUST_NAMES);
  }
  const parsed = seedDialect.safeParse(record, { error: zodMessage });
  if (!parsed.success) throw new ConfigError(zodProblems(parsed.error, Object.keys(seedDialect.shape)));
  return checked(fromSeedDialect(parsed.data), SEED_NAMES);
}

function checked(config: Config, names: FieldNames): Config {
  const problems = crossFieldProblems(config, names);
  if (problems.length > 0) throw new ConfigError(problems);
  return config;
}

/** Config file text (any dialect) as a Config; throws ConfigError, with line and column for bad JSON. */
export function parseConfig(text: string): Config {
  let value: unknown;
  try {
    value = parseJsonText(text);
  } catch (error) {
    if (error instanceof JsonTextError) throw new ConfigError([`the config is not valid JSON: ${error.message}`]);
    throw error;
  }
  return configFromJson(value);
}

/**
 * Checks a Config built in code (CLI overrides, the UI's form) with the same rules and
 * messages as a file in our dialect.
 */
export function checkConfig(config: Config): Config {
  return configFromJson(configToJson(config));
}

/** Our dialect, with the seed's keys first. */
export function configToJson(config: Config): Record<string, unknown> {
  return {
    layers: config.layers,
    activations: config.activations,
    learning_rate: config.learningRate,
    momentum: config.momentum,
    epochs: config.epochs,
    optimizer: config.optimizer,
    batch_size: config.batchSize,
    seed: config.seed,
    l2: config.l2,
    dropout: config.dropout,
    init: config.init,
    samples: config.samples,
    validation: config.validation,
    patience: config.patience,
    augment: config.augment ? { shift: config.augment.shift, rotate: config.augment.rotate } : false,
  };
}

/** Pretty-printed, one field per line with lists kept on their line: `"layers": [784, 200, 10]`. */
export function serializeConfig(config: Config): string {
  const lines = Object.entries(configToJson(config)).map(([key, value]) => `  ${JSON.stringify(key)}: ${oneLine(value)}`);
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
