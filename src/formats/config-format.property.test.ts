import fc from 'fast-check';
import { AUGMENT_FIELDS, MAX_PATIENCE, MAX_SEED, MAX_VALIDATION } from './config-fields.ts';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Config, INITS, MNIST_TRAIN_SIZE, OPTIMIZERS, SEED_CONFIG } from '../engine/config.ts';
import { estimateTrainingBytes, MAX_TRAINING_BYTES, Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import {
  ConfigError,
  configFromJson,
  configToJson,
  parseConfig,
  serializeConfig,
} from './config-format.ts';
import { jsonValue, mutatedJson, mutatedText } from '../testing/json-mutations.ts';

/** Everything the engine relies on, checked on an accepted config. */
function expectUsable(config: Config): void {
  const { layers, activations } = config;
  expect(layers.length).toBeGreaterThanOrEqual(2);
  for (const size of layers) expect(Number.isInteger(size) && size > 0).toBe(true);
  expect(layers[0]).toBe(784);
  expect(layers.at(-1)).toBe(10);
  expect(activations).toHaveLength(layers.length - 1);
  activations.forEach((activation, i) => {
    expect(ACTIVATIONS).toContain(activation);
    if (i < activations.length - 1) expect(activation).not.toBe('Softmax');
  });
  expect(OPTIMIZERS).toContain(config.optimizer);
  expect(INITS).toContain(config.init);
  expect(config.learningRate > 0 && Number.isFinite(config.learningRate)).toBe(true);
  expect(config.momentum >= 0 && config.momentum < 1).toBe(true);
  expect(config.dropout >= 0 && config.dropout < 1).toBe(true);
  expect(config.l2 >= 0 && Number.isFinite(config.l2)).toBe(true);
  for (const count of [config.batchSize, config.epochs, config.samples]) expect(Number.isInteger(count) && count >= 1).toBe(true);
  expect(config.samples).toBeLessThanOrEqual(MNIST_TRAIN_SIZE);
  expect(Number.isInteger(config.seed) && config.seed >= 0 && config.seed <= MAX_SEED).toBe(true);
  expect(Number.isInteger(config.validation) && config.validation >= 0 && config.validation <= MAX_VALIDATION).toBe(true);
  expect(Number.isInteger(config.patience) && config.patience >= 0).toBe(true);
  if (config.augment) {
    const { shift, rotate } = config.augment;
    expect(Number.isInteger(shift) && shift >= 0 && shift <= AUGMENT_FIELDS.shift.max).toBe(true);
    expect(rotate >= 0 && rotate <= AUGMENT_FIELDS.rotate.max).toBe(true);
    expect(shift + rotate).toBeGreaterThan(0);
  }
  expect(estimateTrainingBytes(layers, config.batchSize, config.optimizer)).toBeLessThanOrEqual(MAX_TRAINING_BYTES);
  let parameters = 0;
  for (let l = 1; l < layers.length; l++) parameters += layers[l - 1] * layers[l];
  if (parameters < 200_000) {
    const network = Network.create(layers, activations, config.init, createRng(config.seed));
    network.layers.forEach((layer, l) => expect(layer.weights.length).toBe(layers[l] * layers[l + 1]));
  }
}

/** The parser's contract: a usable Config, or a ConfigError with a message; nothing else. */
function accepts(parse: () => Config): boolean {
  let config: Config;
  try {
    config = parse();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message.length).toBeGreaterThan(0);
    expect((error as ConfigError).problems.every((problem) => problem.length > 0)).toBe(true);
    return false;
  }
  expectUsable(config);
  return true;
}

const seedDialect = {
  layers: [784, 200, 10],
  activations: ['Sigmoid', 'Softmax'],
  learning_rate: 0.01,
  momentum: 0.9,
  epochs: 30,
};
const rustDialect = {
  layers: [
    { nodes: 784, activation: 'Sigmoid' },
    { nodes: 64, activation: 'Softmax' },
    { nodes: 10 },
  ],
  learning_rate: 0.01,
  epochs: 30,
  batch_size: 32,
  momentum: 0.5,
  regularization_rate: 0.0001,
};
const ourDialect = configToJson({
  ...SEED_CONFIG,
  layers: [784, 32, 16, 10],
  activations: ['ReLU', 'Tanh', 'Softmax'],
  validation: 5000,
  patience: 3,
  augment: { shift: 2, rotate: 10 },
});

/** Mostly a good value, rarely a bad one. */
const rarely = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
  fc.oneof({ arbitrary: good, weight: 12 }, { arbitrary: bad, weight: 1 });

/** For optional fields: mostly a good value, sometimes a bad one or none. */
const mostly = <T>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<unknown>) =>
  fc.oneof({ arbitrary: good, weight: 10 }, { arbitrary: bad, weight: 1 }, { arbitrary: fc.constant(undefined), weight: 2 });

/** Our dialect's fields with values on both sides of their limits. */
const nearlyValid = fc
  .record({
    first: rarely(fc.constant(784), fc.constantFrom(783, 0)),
    hidden: fc.array(rarely(fc.constantFrom(1, 2, 50, 300), fc.constantFrom(0, 2.5, -3, 100_001)), { maxLength: 3 }),
    last: rarely(fc.constant(10), fc.constant(9)),
    activations: fc.array(rarely(fc.constantFrom(...ACTIVATIONS, 'relu', 'softmax'), fc.constantFrom('Swish', 3)), {
      minLength: 5,
      maxLength: 5,
    }),
    extraActivations: rarely(fc.constant(0), fc.constantFrom(1, -1)),
    hiddenSoftmax: rarely(fc.constant(false), fc.constant(true)),
    learning_rate: rarely(fc.double({ min: 1e-6, max: 10, noNaN: true }), fc.oneof(fc.double(), jsonValue)),
    momentum: mostly(fc.double({ min: 0, max: 0.99, noNaN: true }), fc.oneof(fc.double({ min: -0.5, max: 1.5 }), jsonValue)),
    epochs: rarely(fc.integer({ min: 1, max: 100 }), fc.oneof(fc.integer({ min: -2, max: 20_000 }), jsonValue)),
    optimizer: mostly(fc.constantFrom(...OPTIMIZERS), fc.oneof(fc.constantFrom('ADAM', 'rmsprop'), jsonValue)),
    batch_size: mostly(fc.integer({ min: 1, max: 512 }), fc.oneof(fc.integer({ min: -1, max: 70_000 }), jsonValue)),
    seed: mostly(fc.integer({ min: 0, max: MAX_SEED }), fc.oneof(fc.integer({ min: -1, max: 2 ** 33 }), jsonValue)),
    l2: mostly(fc.double({ min: 0, max: 1, noNaN: true }), fc.oneof(fc.double({ min: -1, max: 1 }), jsonValue)),
    dropout: mostly(fc.double({ min: 0, max: 0.9, noNaN: true }), fc.oneof(fc.double({ min: -0.5, max: 1.5 }), jsonValue)),
    init: mostly(fc.constantFrom(...INITS), fc.oneof(fc.constantFrom('Xavier', 'zeros'), jsonValue)),
    samples: mostly(fc.integer({ min: 1, max: MNIST_TRAIN_SIZE }), fc.oneof(fc.integer({ min: -1, max: 70_000 }), jsonValue)),
    validation: mostly(fc.integer({ min: 0, max: MAX_VALIDATION }), fc.oneof(fc.integer({ min: -1, max: 70_000 }), jsonValue)),
    patience: mostly(fc.integer({ min: 0, max: 20 }), fc.oneof(fc.double({ min: -1, max: 3 }), jsonValue)),
    augment: mostly(
      fc.oneof(fc.boolean(), fc.record({ shift: fc.integer({ min: 0, max: AUGMENT_FIELDS.shift.max }), rotate: fc.double({ min: 0, max: AUGMENT_FIELDS.rotate.max, noNaN: true }) })),
      fc.oneof(fc.record({ shift: fc.double({ min: -1, max: 10 }), rotate: jsonValue }), jsonValue),
    ),
  })
  .map(({ first, hidden, last, activations, extraActivations, hiddenSoftmax, ...rest }) => {
    const layers = [first, ...hidden, last];
    const used = activations.slice(0, Math.max(0, layers.length - 1 + extraActivations));
    // Softmax is only allowed last: keep it there most of the time.
    const fixed = used.map((name, i) => (i < used.length - 1 && name === 'Softmax' && !hiddenSoftmax ? 'Sigmoid' : name));
    return JSON.parse(JSON.stringify({ layers, activations: fixed, ...rest })) as unknown;
  });

/** Any config our parser should accept, built from the allowed ranges. */
const validConfig: fc.Arbitrary<Config> = fc
  .record({
    hidden: fc.array(fc.tuple(fc.integer({ min: 1, max: 300 }), fc.constantFrom(...ACTIVATIONS.filter((a) => a !== 'Softmax'))), {
      maxLength: 4,
    }),
    output: fc.constantFrom(...ACTIVATIONS),
    optimizer: fc.constantFrom(...OPTIMIZERS),
    learningRate: fc.double({ min: 1e-8, max: 1e6, noNaN: true }),
    learningRateDecay: fc.double({ min: 1e-6, max: 1, noNaN: true }),
    momentum: fc.double({ min: 0, max: 0.999, noNaN: true }),
    adamBeta1: fc.double({ min: 0, max: 0.999, noNaN: true }),
    adamBeta2: fc.double({ min: 0, max: 0.999999, noNaN: true }),
    batchSize: fc.integer({ min: 1, max: 512 }),
    epochs: fc.integer({ min: 1, max: 10_000 }),
    l2: fc.double({ min: 0, max: 10, noNaN: true }),
    dropout: fc.double({ min: 0, max: 0.99, noNaN: true }),
    init: fc.constantFrom(...INITS),
    seed: fc.integer({ min: 0, max: MAX_SEED }),
    samples: fc.integer({ min: 1, max: MNIST_TRAIN_SIZE }),
    validation: fc.integer({ min: 0, max: MAX_VALIDATION }),
    patience: fc.integer({ min: 0, max: MAX_PATIENCE }),
    augment: fc.option(fc.record({ shift: fc.integer({ min: 1, max: AUGMENT_FIELDS.shift.max }), rotate: fc.double({ min: 0, max: AUGMENT_FIELDS.rotate.max, noNaN: true }) })),
  })
  .map(({ hidden, output, momentum, adamBeta1, adamBeta2, l2, dropout, ...rest }) => ({
    ...rest,
    layers: [784, ...hidden.map(([size]) => size), 10],
    activations: [...hidden.map(([, activation]) => activation), output],
    // JSON has no negative zero.
    momentum: momentum + 0,
    adamBeta1: adamBeta1 + 0,
    adamBeta2: adamBeta2 + 0,
    l2: l2 + 0,
    dropout: dropout + 0,
  }));

describe('config parser properties', () => {
  it('any JSON value: a usable config or a ConfigError', () => {
    fc.assert(fc.property(jsonValue, (value) => void accepts(() => configFromJson(value))), { numRuns: 500 });
  });

  it('any text: a usable config or a ConfigError', () => {
    fc.assert(fc.property(fc.string(), (text) => void accepts(() => parseConfig(text))), { numRuns: 300 });
  });

  it('fields near their limits: a usable config or a ConfigError, and many accepted', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearlyValid, (value) => {
        if (accepts(() => configFromJson(value))) accepted++;
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  it.each([
    ['seed', seedDialect],
    ['neural-net-rs', rustDialect],
    ['our', ourDialect],
  ])('mutations of a valid %s-dialect file: a usable config or a ConfigError', (_, base) => {
    expect(accepts(() => configFromJson(base))).toBe(true);
    fc.assert(fc.property(mutatedJson(base), (value) => void accepts(() => configFromJson(value))), { numRuns: 400 });
    const text = JSON.stringify(base, null, 2);
    fc.assert(fc.property(mutatedText(text), (mutated) => void accepts(() => parseConfig(mutated))), { numRuns: 200 });
  });

  it('serialize then parse gives back the same config', () => {
    fc.assert(
      fc.property(validConfig, (config) => {
        expect(parseConfig(serializeConfig(config))).toEqual(config);
      }),
      { numRuns: 300 },
    );
  });
});
