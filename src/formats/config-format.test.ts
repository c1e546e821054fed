import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Config, SEED_CONFIG } from '../engine/config.ts';
import { ConfigError, checkConfig, datasetFitProblem, parseConfig, serializeConfig } from './config-format.ts';

/** The message of the ConfigError that parsing `text` throws. */
function problemWith(text: string | object): string {
  try {
    parseConfig(typeof text === 'string' ? text : JSON.stringify(text));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('the config was accepted');
}

const seedFile = { layers: [784, 200, 10], activations: ['Sigmoid', 'Softmax'], learning_rate: 0.01, momentum: 0.9, epochs: 30 };

describe('parseConfig: the seed dialect', () => {
  it("reads the seed post's config into the seed's program: momentum 0.9, one sample at a time", () => {
    expect(parseConfig(JSON.stringify(seedFile))).toEqual(SEED_CONFIG);
  });

  it('defaults momentum to 0.9 as the seed program did', () => {
    const text = '{\n"layers": [784, 200, 10],\n"activations": ["Sigmoid", "Softmax"],\n"learning_rate": 0.01,\n"epochs": 30\n}';
    expect(parseConfig(text)).toEqual(SEED_CONFIG);
  });

  it('reads more hidden layers and a batch size', () => {
    const config = parseConfig(
      '{"layers": [784, 128, 64, 10], "activations": ["Sigmoid", "Sigmoid", "Softmax"], "learning_rate": 0.01, "epochs": 30, "batch_size": 256}',
    );
    expect(config.layers).toEqual([784, 128, 64, 10]);
    expect(config.activations).toEqual(['Sigmoid', 'Sigmoid', 'Softmax']);
    expect(config.batchSize).toBe(256);
  });

  it('reads our extensions', () => {
    const config = parseConfig(
      JSON.stringify({
        ...seedFile,
        activations: ['relu', 'Softmax'],
        optimizer: 'adam',
        batch_size: 32,
        seed: 7,
        l2: 0.0001,
        dropout: 0.2,
        init: 'he',
        samples: 10000,
      }),
    );
    expect(config).toEqual({
      ...SEED_CONFIG,
      activations: ['ReLU', 'Softmax'],
      optimizer: 'adam',
      batchSize: 32,
      seed: 7,
      l2: 0.0001,
      dropout: 0.2,
      init: 'he',
      samples: 10000,
    });
  });
});

describe('parseConfig: validation, early stopping and augmentation', () => {
  it('reads a validation split, patience and augmentation', () => {
    const config = parseConfig(JSON.stringify({ ...seedFile, validation: 5000, patience: 3, augment: { shift: 1, rotate: 15 } }));
    expect(config).toMatchObject({ validation: 5000, patience: 3, augment: { shift: 1, rotate: 15 } });
  });

  it('takes augment true as the default moves, and false or all zeros as none', () => {
    expect(parseConfig(JSON.stringify({ ...seedFile, augment: true })).augment).toEqual({ shift: 2, rotate: 10 });
    expect(parseConfig(JSON.stringify({ ...seedFile, augment: false })).augment).toBeNull();
    expect(parseConfig(JSON.stringify({ ...seedFile, augment: { shift: 0, rotate: 0 } })).augment).toBeNull();
    expect(parseConfig(JSON.stringify(seedFile))).toMatchObject({ validation: 0, patience: 0, augment: null });
  });

  it('refuses values out of range, naming the field', () => {
    expect(problemWith({ ...seedFile, validation: 40000 })).toBe('validation: must be an integer from 0 to 30000, got 40000');
    expect(problemWith({ ...seedFile, patience: -1 })).toBe('patience: must be an integer from 0 to 1000, got -1');
    expect(problemWith({ ...seedFile, augment: { shift: 9, rotate: 0 } })).toBe('augment.shift: must be an integer from 0 to 8 (pixels), got 9');
    expect(problemWith({ ...seedFile, augment: 'yes' })).toMatch(/^augment: must be true, false or \{"shift": N, "rotate": N\}/);
  });
});

describe('parseConfig: the neural-net-rs dialect', () => {
  const rustFile = {
    layers: [
      { nodes: 784, activation: 'Sigmoid' },
      { nodes: 100, activation: 'Softmax' },
      { nodes: 10 },
    ],
    learning_rate: 0.02,
    epochs: 12,
    batch_size: 64,
    momentum: 0.6,
    regularization_rate: 0.001,
  };

  it("reads each layer's activation as the one applied on its way to the next layer", () => {
    expect(parseConfig(JSON.stringify(rustFile))).toEqual({
      ...SEED_CONFIG,
      layers: [784, 100, 10],
      activations: ['Sigmoid', 'Softmax'],
      learningRate: 0.02,
      learningRateDecay: 1,
      momentum: 0.6,
      epochs: 12,
      batchSize: 64,
      l2: 0.001,
    });
  });

  it("takes neural-net-rs's defaults for what is missing", () => {
    const config = parseConfig('{"layers": [{"nodes": 784, "activation": "Sigmoid"}, {"nodes": 10, "activation": null}]}');
    expect(config).toMatchObject({ learningRate: 0.01, momentum: 0.5, epochs: 30, batchSize: 32, l2: 0, optimizer: 'momentum' });
  });

  it('refuses a hidden layer without an activation, and one on the output layer', () => {
    expect(problemWith({ layers: [{ nodes: 784 }, { nodes: 10 }] })).toMatch(/^layers\[0\]\.activation: missing/);
    expect(
      problemWith({ layers: [{ nodes: 784, activation: 'Sigmoid' }, { nodes: 10, activation: 'Softmax' }] }),
    ).toMatch(/^layers\[1\]\.activation: the last layer takes no activation/);
  });

  it('points at nested fields', () => {
    expect(problemWith({ ...rustFile, layers: [{ nodes: 784, activation: 'Sigmoid' }, { nodes: 10.5 }] })).toBe(
      'layers[1].nodes: must be an integer from 1 to 100000, got 10.5',
    );
    expect(problemWith({ ...rustFile, layers: [{ nodes: 784, activation: 'Softmax' }, { nodes: 30, activation: 'Sigmoid' }, { nodes: 10 }] })).toBe(
      'layers[0].activation: Softmax is only allowed on the output layer',
    );
  });

  it('refuses unknown fields in a layer', () => {
    expect(problemWith({ ...rustFile, layers: [{ nodes: 784, activation: 'Sigmoid', size: 3 }, { nodes: 10 }] })).toBe(
      'layers[0]: unknown field "size"',
    );
  });

  it('refuses L1 regularization, and l2 given twice', () => {
    expect(problemWith({ ...rustFile, regularization_type: 'L1' })).toBe('regularization_type: L1 is not supported; only "L2" is');
    expect(problemWith({ ...rustFile, l2: 0.1 })).toBe('l2: give either l2 or regularization_rate, not both');
  });
});

describe('parseConfig: refusals name the field and what it accepts', () => {
  it('wrong activation count', () => {
    expect(problemWith({ ...seedFile, activations: ['Sigmoid', 'Sigmoid', 'Softmax'] })).toBe(
      'activations: expected 2 (one per layer after the input, for 3 layers), got 3',
    );
  });

  it('unknown activation, listing the known ones', () => {
    const message = problemWith({ ...seedFile, activations: ['Sigmoidal', 'Softmax'] });
    expect(message).toBe(`activations[0]: unknown activation "Sigmoidal"; known: ${ACTIVATIONS.map((a) => `"${a}"`).join(', ')}`);
  });

  it.each([0, -0.5, 'fast', null])('non-positive or non-numeric learning rate %j', (rate) => {
    expect(problemWith({ ...seedFile, learning_rate: rate })).toMatch(/^learning_rate: must be a positive number, got /);
  });

  it('input layer that is not 784, output that is not 10', () => {
    expect(problemWith({ ...seedFile, layers: [100, 200, 10] })).toBe(
      'layers[0]: the input layer must have 784 nodes (28×28 pixels), got 100',
    );
    expect(problemWith({ ...seedFile, layers: [784, 200, 2] })).toBe(
      'layers[2]: the output layer must have 10 nodes (one per digit), got 2',
    );
  });

  it('Softmax anywhere but the output', () => {
    expect(problemWith({ ...seedFile, activations: ['Softmax', 'Softmax'] })).toBe(
      'activations[0]: Softmax is only allowed on the output layer',
    );
  });

  it('malformed JSON, with line and column', () => {
    expect(problemWith('{\n  "layers": [784, 200, 10],\n  "epochs": 30,\n}')).toBe(
      "the config is not valid JSON: line 4, column 1: trailing comma before '}'",
    );
  });

  it('a network too large for memory, with the estimate', () => {
    expect(problemWith({ ...seedFile, layers: [784, 50000, 50000, 10], activations: ['ReLU', 'ReLU', 'Softmax'] })).toMatch(
      /^layers: network too large: training 784-50000-50000-10 with batch size 1 needs about \d+\.\d GB of memory, more than the 512 MB allowed/,
    );
  });

  it('784-80000-10, which the worker could not build in time nor keep as a file, with its figure and the cap', () => {
    expect(problemWith({ ...seedFile, layers: [784, 80000, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', batch_size: 64 })).toBe(
      'layers: network too large: training 784-80000-10 with batch size 64 needs about 1.4 GB of memory, more than the 512 MB allowed; use smaller layers',
    );
  });

  it('non-integer and non-positive sizes', () => {
    expect(problemWith({ ...seedFile, layers: [784, 20.5, 10] })).toBe('layers[1]: must be an integer from 1 to 100000, got 20.5');
    expect(problemWith({ ...seedFile, layers: [784, 0, 10] })).toBe('layers[1]: must be an integer from 1 to 100000, got 0');
    expect(problemWith({ ...seedFile, epochs: 2.5 })).toBe('epochs: must be an integer from 1 to 10000, got 2.5');
    expect(problemWith({ ...seedFile, batch_size: 0 })).toBe('batch_size: must be an integer from 1 to 60000, got 0');
  });

  it('missing required fields', () => {
    expect(problemWith({ layers: [784, 10], activations: ['Softmax'] })).toBe(
      'learning_rate: must be a positive number, got nothing; epochs: must be an integer from 1 to 10000, got nothing',
    );
    expect(problemWith({ ...seedFile, layers: undefined })).toBe('layers: must be a list of layers, got nothing');
  });

  it('too few layers', () => {
    expect(problemWith({ ...seedFile, layers: [784], activations: [] })).toBe('layers: needs at least an input and an output layer');
  });

  it('unknown fields, so that typos are not silently ignored', () => {
    expect(problemWith({ ...seedFile, learningrate: 0.1 })).toMatch(/^unknown field "learningrate"; known fields: layers, activations, learning_rate/);
  });

  it('out-of-range extensions', () => {
    expect(problemWith({ ...seedFile, momentum: 1 })).toBe('momentum: must be a number from 0 up to (not including) 1, got 1');
    expect(problemWith({ ...seedFile, dropout: -0.1 })).toBe('dropout: must be a number from 0 up to (not including) 1, got -0.1');
    expect(problemWith({ ...seedFile, optimizer: 'rmsprop' })).toBe('optimizer: unknown optimizer "rmsprop"; known: "sgd", "momentum", "adam"');
    expect(problemWith({ ...seedFile, init: 'zeros' })).toBe('init: unknown init "zeros"; known: "uniform", "xavier", "he"');
    expect(problemWith({ ...seedFile, samples: 70000 })).toBe('samples: must be an integer from 1 to 60000, got 70000');
    expect(problemWith({ ...seedFile, seed: -1 })).toBe('seed: must be an integer from 0 to 4294967295, got -1');
    expect(problemWith({ ...seedFile, l2: -1 })).toBe('l2: must be a number ≥ 0, got -1');
  });

  it('something that is not an object', () => {
    expect(problemWith('[784, 200, 10]')).toBe('a config must be a JSON object, got a list');
    expect(problemWith('"config"')).toBe('a config must be a JSON object, got "config"');
  });

  it('reports several problems at once', () => {
    const error = (() => {
      try {
        parseConfig(JSON.stringify({ ...seedFile, layers: [100, 200, 3], activations: ['Softmax', 'Softmax'] }));
      } catch (e) {
        return e as ConfigError;
      }
    })();
    expect(error?.problems).toHaveLength(3);
  });

  it('shows three problems and counts the rest in words', () => {
    const problems = ['a: one', 'b: two', 'c: three', 'd: four'];
    expect(new ConfigError(problems).message).toBe('a: one; b: two; c: three; and 1 more problem');
    expect(new ConfigError([...problems, 'e: five']).message).toBe('a: one; b: two; c: three; and 2 more problems');
    expect(new ConfigError(problems.slice(0, 3)).message).toBe('a: one; b: two; c: three');
  });
});

describe('serializeConfig', () => {
  const config: Config = {
    layers: [784, 128, 64, 10],
    activations: ['ReLU', 'Tanh', 'Softmax'],
    optimizer: 'adam',
    learningRate: 0.001,
    learningRateDecay: 0.8,
    momentum: 0.9,
    adamBeta1: 0.9,
    adamBeta2: 0.999,
    batchSize: 32,
    epochs: 5,
    l2: 1e-5,
    dropout: 0.25,
    init: 'xavier',
    seed: 42,
    samples: 20000,
    validation: 5000,
    patience: 3,
    augment: { shift: 1, rotate: 8 },
  };

  it('writes the seed keys first, lists on one line', () => {
    const text = serializeConfig(config);
    expect(text.split('\n').slice(0, 4)).toEqual([
      '{',
      '  "layers": [784, 128, 64, 10],',
      '  "activations": ["ReLU", "Tanh", "Softmax"],',
      '  "learning_rate": 0.001,',
    ]);
    expect(parseConfig(text)).toEqual(config);
  });

  it('round-trips the seed config', () => {
    expect(parseConfig(serializeConfig(SEED_CONFIG))).toEqual(SEED_CONFIG);
  });
});

describe('checkConfig', () => {
  it('applies the file rules to a config built in code', () => {
    expect(checkConfig({ ...SEED_CONFIG, epochs: 3 })).toEqual({ ...SEED_CONFIG, epochs: 3 });
    expect(() => checkConfig({ ...SEED_CONFIG, samples: 0 })).toThrow(new ConfigError(['samples: must be an integer from 1 to 60000, got 0']));
  });
});

describe('datasetFitProblem', () => {
  it('accepts images a network’s input layer can take, up to one node per pixel at the most a layer may have', () => {
    expect(datasetFitProblem({ height: 28, width: 28 })).toBeNull();
    expect(datasetFitProblem({ height: 100, width: 1000 })).toBeNull();
    expect(datasetFitProblem({ height: 2000, width: 2000 })).toBe('its images have 2000×2000 = 4000000 pixels, more than the 100000 inputs a network here may take');
  });
});
