/**
 * Every scalar field of a config, described once: its key in the engine's Config, its key
 * in JSON files and URL hashes, its label and hint in the form, its bounds and its default.
 * The zod schema (config-format.ts), the form's bounds and hints (config-editor), the URL
 * hash codec (config-hash.ts) and the messages all read this table, so they cannot disagree.
 *
 * Layers and activations are structural (a list whose length is the network's depth) and
 * are described in config-format.ts.
 */
import { INITS, MNIST_TRAIN_SIZE, OPTIMIZERS, type Config } from '../engine/config.ts';
import { LAYER_TYPES as KIND_TYPES, type LayerType as KindType } from '../engine/layer.ts';
import { kindOf } from '../engine/layer-kinds.ts';

/** The keys of Config that hold one number. */
export type NumberKey = { [K in keyof Config]-?: Config[K] extends number ? K : never }[keyof Config];
/** The keys of Config that hold one of a few words. */
export type ChoiceKey = 'optimizer' | 'init';
export type ScalarKey = NumberKey | ChoiceKey;

interface FieldText {
  /** Key in JSON files and URL hashes. */
  json: string;
  label: string;
  hint: string;
}

export interface NumberSpec extends FieldText {
  kind: 'number';
  integer: boolean;
  min: number;
  /** The minimum itself is not allowed (a learning rate must be above 0). */
  minExclusive?: boolean;
  /** Infinity where there is no upper bound. */
  max: number;
  /** The maximum itself is not allowed (momentum and dropout stay below 1). */
  maxExclusive?: boolean;
  /** Named after the bounds in messages: "from 0 to 8 (pixels)". */
  unit?: string;
}

export interface ChoiceSpec<T extends string> extends FieldText {
  kind: 'choice';
  choices: readonly T[];
  /** Words a beginner can read, where the value itself is a code name. */
  choiceLabels?: Readonly<Record<T, string>>;
}

export type FieldSpec<K extends ScalarKey> = K extends ChoiceKey ? ChoiceSpec<Config[K]> : NumberSpec;

/** At least half the training set stays for training. */
export const MAX_VALIDATION = MNIST_TRAIN_SIZE / 2;
export const MAX_EPOCHS = 10_000;
export const MAX_SEED = 0xffff_ffff;
export const MAX_PATIENCE = 1000;

/**
 * In the order files are written: the seed post's keys first. What a file leaves out is
 * SEED_CONFIG's value (the seed program's behaviour), except in neural-net-rs's dialect,
 * which has defaults of its own (config-format.ts).
 */
export const FIELDS = {
  learningRate: {
    kind: 'number',
    json: 'learning_rate',
    label: 'Learning rate',
    hint: 'Step size. Adam ~0.001; SGD 0.01–0.1. Too big diverges, too small crawls.',
    integer: false,
    min: 0,
    minExclusive: true,
    max: Infinity,
  },
  learningRateDecay: {
    kind: 'number',
    json: 'learning_rate_decay',
    label: 'Learning-rate decay',
    hint: 'The rate falls smoothly by this factor over each epoch: 1 keeps it, 0.5 halves it every epoch. Small late steps settle the weights.',
    integer: false,
    min: 0,
    minExclusive: true,
    max: 1,
  },
  momentum: {
    kind: 'number',
    json: 'momentum',
    label: 'Momentum',
    hint: 'Share of the last step kept (SGD with momentum only); 0.9 is usual.',
    integer: false,
    min: 0,
    max: 1,
    maxExclusive: true,
  },
  adamBeta1: {
    kind: 'number',
    json: 'adam_beta1',
    label: 'Adam β1',
    hint: 'How slowly Adam’s running mean of the gradient forgets (Adam only); 0.9 is usual, 0.7 reacts faster.',
    integer: false,
    min: 0,
    max: 1,
    maxExclusive: true,
  },
  adamBeta2: {
    kind: 'number',
    json: 'adam_beta2',
    label: 'Adam β2',
    hint: 'How slowly Adam’s running mean of the squared gradient forgets (Adam only); 0.999 is usual.',
    integer: false,
    min: 0,
    max: 1,
    maxExclusive: true,
  },
  epochs: {
    kind: 'number',
    json: 'epochs',
    label: 'Epochs',
    hint: 'Passes over the training samples; 5–30.',
    integer: true,
    min: 1,
    max: MAX_EPOCHS,
  },
  optimizer: {
    kind: 'choice',
    json: 'optimizer',
    label: 'Optimizer',
    hint: 'How the gradient becomes a step.',
    choices: OPTIMIZERS,
    choiceLabels: { sgd: 'SGD', momentum: 'SGD with momentum', adam: 'Adam' },
  },
  batchSize: {
    kind: 'number',
    json: 'batch_size',
    label: 'Batch size',
    hint: 'Samples per weight update; 1 is the seed post’s. 32–128 is smoother and faster per epoch.',
    integer: true,
    min: 1,
    max: MNIST_TRAIN_SIZE,
  },
  seed: {
    kind: 'number',
    json: 'seed',
    label: 'Seed',
    hint: 'Same seed, same run: weights, order, dropout and augmentation.',
    integer: true,
    min: 0,
    max: MAX_SEED,
  },
  l2: {
    kind: 'number',
    json: 'l2',
    label: 'L2 weight decay',
    hint: 'Pulls weights toward 0 against overfitting; try 1e-5–1e-4.',
    integer: false,
    min: 0,
    max: Infinity,
  },
  dropout: {
    kind: 'number',
    json: 'dropout',
    label: 'Dropout',
    hint: 'Share of hidden units switched off per sample, against overfitting; 0.2–0.5.',
    integer: false,
    min: 0,
    max: 1,
    maxExclusive: true,
  },
  init: {
    kind: 'choice',
    json: 'init',
    label: 'Weight init',
    hint: 'How the weights start.',
    choices: INITS,
    choiceLabels: { uniform: 'Uniform ±1/√fan-out (seed post)', xavier: 'Xavier / Glorot', he: 'He (for ReLU)' },
  },
  samples: {
    kind: 'number',
    json: 'samples',
    label: 'Training samples',
    hint: `The first N of the ${MNIST_TRAIN_SIZE.toLocaleString('en-US')} training images (after any held out for validation).`,
    integer: true,
    min: 1,
    max: MNIST_TRAIN_SIZE,
  },
  validation: {
    kind: 'number',
    json: 'validation',
    label: 'Validation images',
    hint: 'Last N training images held out and checked each epoch (0 = off); 5,000 is usual. The test set stays for the final report.',
    integer: true,
    min: 0,
    max: MAX_VALIDATION,
  },
  patience: {
    kind: 'number',
    json: 'patience',
    label: 'Early stopping patience',
    hint: 'Stop after N epochs without a better validation accuracy and keep the best epoch’s model (0 = off); 2–5.',
    integer: true,
    min: 0,
    max: MAX_PATIENCE,
  },
} as const satisfies { [K in ScalarKey]: FieldSpec<K> };

export const SCALAR_KEYS = Object.keys(FIELDS) as ScalarKey[];
export const NUMBER_KEYS = SCALAR_KEYS.filter((key): key is NumberKey => FIELDS[key].kind === 'number');
export const CHOICE_KEYS = SCALAR_KEYS.filter((key): key is ChoiceKey => FIELDS[key].kind === 'choice');

/** The JSON key of each scalar field, as a type: what configToJson writes and the hash carries. */
export type ScalarJsonKey = (typeof FIELDS)[ScalarKey]['json'];

/** The two numbers of an augmentation, checked like the fields above; `true` in a file means DEFAULT_AUGMENTATION. */
export const AUGMENT_HINT = 'Randomly shift and rotate each training image each time it is used, against overfitting.';

export const AUGMENT_FIELDS: { shift: NumberSpec; rotate: NumberSpec } = {
  shift: {
    kind: 'number',
    json: 'shift',
    label: 'Shift (pixels)',
    hint: 'Largest shift in pixels; 1–3.',
    integer: true,
    min: 0,
    max: 8,
    unit: 'pixels',
  },
  rotate: {
    kind: 'number',
    json: 'rotate',
    label: 'Rotation (degrees)',
    hint: 'Largest rotation in degrees; 5–15.',
    integer: false,
    min: 0,
    max: 45,
    unit: 'degrees',
  },
};

export const MAX_LAYERS = 32;

/** A dense stack's sizes, `"layers": [784, 200, 10]`: each as a dense layer's units. */
export const UNITS_FIELD: NumberSpec = { ...fieldSpecs('dense').units, json: 'layers' } as NumberSpec;

/** Whether `value` is allowed by `spec`. */
export function withinBounds(spec: NumberSpec, value: number): boolean {
  if (!Number.isFinite(value)) return false;
  if (spec.integer && !Number.isInteger(value)) return false;
  if (spec.minExclusive ? value <= spec.min : value < spec.min) return false;
  return spec.maxExclusive ? value < spec.max : value <= spec.max;
}

/** What the field accepts, in words: "an integer from 1 to 60000", "a positive number". */
export function boundsText(spec: NumberSpec): string {
  return spec.unit ? `${rangeText(spec)} (${spec.unit})` : rangeText(spec);
}

function rangeText(spec: NumberSpec): string {
  const kind = spec.integer ? 'an integer' : 'a number';
  if (spec.max === Infinity) {
    if (spec.min === 0 && spec.minExclusive) return spec.integer ? 'a positive integer' : 'a positive number';
    return `${kind} ≥ ${spec.min}`;
  }
  if (spec.maxExclusive) return `${kind} from ${spec.min} up to (not including) ${spec.max}`;
  return `${kind} from ${spec.min} to ${spec.max}`;
}

/** The problem with `value` for this field, or null when it is allowed: "must be …, got …". */
export function numberProblem(spec: NumberSpec, value: number): string | null {
  return withinBounds(spec, value) ? null : `must be ${boundsText(spec)}, got ${value}`;
}

/**
 * The bounds an <input type="number"> can carry (HTML knows only inclusive bounds; an
 * excluded bound still stops the spinner there, and the check above refuses it).
 */
export function inputBounds(spec: NumberSpec): { min: number; max: number | undefined; step: number | 'any' } {
  return { min: spec.min, max: Number.isFinite(spec.max) ? spec.max : undefined, step: spec.integer ? 1 : 'any' };
}

/**
 * The typed layers of the layer-stack dialect, `{"type": "conv2d", "filters": 8, …}`: the
 * input, then every kind of the engine with its fields from its descriptor (layer-kinds.ts),
 * in the order a link writes them. `optional` fields take their descriptor's default when a
 * file leaves them out (stride 1 for a convolution, the pool size for a pool; padding "valid").
 */
export const LAYER_TYPES = ['input', ...KIND_TYPES] as const;
export type LayerType = (typeof LAYER_TYPES)[number];

export type LayerFieldSpec = (NumberSpec | ChoiceSpec<string>) & { optional?: boolean };

/** Each side of an input shape. */
export const MAX_SIDE = 4096;

function fieldSpecs(type: KindType): Record<string, LayerFieldSpec> {
  return Object.fromEntries(kindOf(type).fields.map(({ engine: _engine, default: fallback, ...spec }) => [spec.json, { ...spec, optional: fallback !== undefined }]));
}

export const LAYER_FIELDS = Object.fromEntries([['input', {}], ...KIND_TYPES.map((type) => [type, fieldSpecs(type)])]) as { [T in LayerType]: Record<string, LayerFieldSpec> };
