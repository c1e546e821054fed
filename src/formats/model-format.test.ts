import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Config, SEED_CONFIG } from '../engine/config.ts';
import { metricsFromConfusion } from '../engine/metrics.ts';
import type { LayerSpec } from '../engine/layer.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { float32Text, ModelError, parseModel, serializeModel } from './model-format.ts';
import { MNIST_RECORD, shapeMismatch } from './config-format.ts';

const config: Config = { ...SEED_CONFIG, layers: [784, 16, 10], activations: ['Tanh', 'Softmax'], seed: 3 };

function randomImages(count: number, seed: number): Float32Array[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => Float32Array.from({ length: 784 }, () => (rng.next() < 0.8 ? 0 : rng.nextInt(256) / 255)));
}

/**
 * 784-2-10, Sigmoid then Softmax. Hidden unit 0 counts the ink of the top half of the
 * image, unit 1 of the bottom half; output 3 listens to unit 0, output 8 to unit 1.
 */
function rustModel() {
  const hidden = { rows: 2, cols: 785, data: new Array<number>(2 * 785).fill(0) };
  for (let i = 0; i < 392; i++) hidden.data[i] = 0.05;
  for (let i = 392; i < 784; i++) hidden.data[785 + i] = 0.05;
  hidden.data[784] = -2; // bias of unit 0, last column
  hidden.data[785 + 784] = -2;
  const output = { rows: 10, cols: 3, data: new Array<number>(30).fill(0) };
  output.data[3 * 3 + 0] = 6;
  output.data[8 * 3 + 1] = 6;
  for (let o = 0; o < 10; o++) output.data[o * 3 + 2] = o / 10; // biases
  return {
    layers: [784, 2, 10],
    weights: [hidden, output],
    activation_types: ['Sigmoid', 'Softmax'],
    learning_rate: 0.01,
    momentum: 0.9,
  };
}

/** Our model file as JSON, loosely: the tests damage it on purpose. */
interface OurJson {
  format: string;
  version: number;
  config: { layers: number[] };
  metrics: { correct: number; confusion: number[][] };
  layers: { inputs: number; outputs: number; activation: string; weights: unknown[]; biases: unknown[] }[];
}

type RustJson = ReturnType<typeof rustModel> & { mean?: number; std_dev?: number };

function modelError(text: string): string {
  try {
    parseModel(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return (error as Error).message;
  }
  throw new Error('the model was accepted');
}

/** A confusion matrix: 100 images per digit, digit d confused with d+1 d times. */
const confusion = Array.from({ length: 10 }, (_, actual) =>
  Array.from({ length: 10 }, (_, predicted) => (predicted === actual ? 100 - actual : predicted === (actual + 1) % 10 ? actual : 0)),
);

/** The obvious search for the same text: every precision from 1 up, in JavaScript's own form. */
function shortestFromOneUp(value: number): string {
  for (let p = 1; p < 9; p++) {
    const text = value.toPrecision(p);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

describe('float32Text', () => {
  it('writes the shortest decimal that reads back as the same float32', () => {
    expect(float32Text(Math.fround(0.1))).toBe('0.1');
    expect(float32Text(Math.fround(-1.5e-7))).toBe('-1.5e-7');
    expect(float32Text(0)).toBe('0');
    // In JavaScript's own form, as JSON readers print it: no exponent where it prints none.
    expect(float32Text(100)).toBe('100');
    expect(float32Text(Math.fround(0.00012))).toBe('0.00012');
    expect(float32Text(Math.fround(1e21))).toBe('1e+21');
    fc.assert(
      fc.property(fc.float({ noNaN: true, noDefaultInfinity: true }), (value) => {
        const text = float32Text(value);
        expect(Math.fround(Number(text))).toBe(value === 0 ? 0 : value);
        expect(text.length).toBeLessThanOrEqual(String(Number(value.toPrecision(9))).length);
        expect(String(Number(text))).toBe(text);
        expect(text).toBe(shortestFromOneUp(value));
      }),
    );
  });
});

describe('our model file', () => {
  const network = Network.create(config.layers, config.activations, config.init, createRng(config.seed));
  const metrics = metricsFromConfusion(confusion);
  const text = serializeModel({ config, layers: network.toLayerSpecs(), metrics }, '2025-01-02T03:04:05.000Z');

  it('save → load gives identical parameters and identical predictions', () => {
    const loaded = parseModel(text);
    expect(loaded.source).toBe('mnist-playground');
    expect(loaded.config).toEqual(config);
    expect(loaded.savedAt).toBe('2025-01-02T03:04:05.000Z');
    const restored = Network.fromLayers(loaded.layers);
    expect(restored.toLayerSpecs()).toEqual(network.toLayerSpecs());
    for (const image of randomImages(20, 9)) expect(restored.predict(image)).toEqual(network.predict(image));
  });

  it('reports progress while it writes the weights, so a worker writing a large model can say it is alive', () => {
    const wide: Config = { ...config, layers: [784, 300, 10] };
    const layers = Network.create(wide.layers, wide.activations, wide.init, createRng(1)).toLayerSpecs();
    let calls = 0;
    const written = serializeModel({ config: wide, layers, metrics }, 'then', () => calls++);
    expect(written).toBe(serializeModel({ config: wide, layers, metrics }, 'then'));
    // 235,200 weights in the first layer: a call after every 4,096 values.
    expect(calls).toBe(57);
  });

  it('reports progress while it reads the weights, and reads them as it always did', () => {
    const wide: Config = { ...config, layers: [784, 300, 10] };
    const layers = Network.create(wide.layers, wide.activations, wide.init, createRng(1)).toLayerSpecs();
    const written = serializeModel({ config: wide, layers, metrics: null }, 'then');
    // Files written by other tools need not be laid out as ours.
    for (const file of [written, JSON.stringify(JSON.parse(written))]) {
      let calls = 0;
      const read = parseModel(file, () => calls++);
      // Compared value by value: toEqual on arrays this long takes seconds.
      const values = (specs: LayerSpec[]) => specs.flatMap((spec) => ('weights' in spec ? [spec.weights, spec.biases] : []));
      const [got, want] = [values(read.layers), values(layers)];
      expect(got.map((list) => list.length)).toEqual(want.map((list) => list.length));
      expect(got.every((list, l) => list.every((value, i) => Object.is(value, want[l][i])))).toBe(true);
      // 235,200 weights in the first layer: a call at least every 4,096 values.
      expect(calls).toBeGreaterThanOrEqual(Math.ceil((784 * 300) / 4096));
    }
  });

  it('keeps the metrics it reached', () => {
    const loaded = parseModel(text);
    expect(loaded.metrics).toEqual(metrics);
    expect(loaded.metrics?.correct).toBe(955);
  });

  it('is versioned JSON with the config in our dialect', () => {
    const json = JSON.parse(text);
    expect(json.format).toBe('mnist-playground-model');
    expect(json.version).toBe(1);
    expect(json.config.learning_rate).toBe(0.01);
    expect(json.layers[0].weights).toHaveLength(784 * 16);
  });

  it('names the kernels that trained it, when known, and reads them back', () => {
    const saved = serializeModel({ config, layers: network.toLayerSpecs(), metrics, kernels: 'fused' });
    expect(JSON.parse(saved).kernels).toBe('fused');
    expect(parseModel(saved).kernels).toBe('fused');
    expect('kernels' in JSON.parse(text)).toBe(false);
    expect('kernels' in parseModel(text)).toBe(false);
  });

  it('saves a model without metrics', () => {
    const bare = serializeModel({ config, layers: network.toLayerSpecs(), metrics: null });
    expect(parseModel(bare).metrics).toBeNull();
  });

  it('refuses to save NaN parameters or layers that do not match the config', () => {
    const layers = network.toLayerSpecs();
    layers[1].biases[3] = NaN;
    expect(() => serializeModel({ config, layers, metrics: null })).toThrow(ModelError);
    expect(() => serializeModel({ config: { ...config, layers: [784, 17, 10] }, layers: network.toLayerSpecs(), metrics: null })).toThrow(
      'layers[0]: is 784→16 but the config\'s layers say 784→17',
    );
  });

  const edit = (change: (json: OurJson) => void) => {
    const json = JSON.parse(text);
    change(json);
    return JSON.stringify(json);
  };

  it.each([
    ['wrong number of weights', (j: OurJson) => j.layers[0].weights.pop(), 'layers[0].weights: expected 12544 numbers, got 12543'],
    ['wrong number of biases', (j: OurJson) => j.layers[1].biases.push(0), 'layers[1].biases: expected 10 numbers, got 11'],
    ['a weight that is not a number', (j: OurJson) => (j.layers[1].weights[5] = 'x'), 'layers[1].weights[5]: must be a finite number, got "x"'],
    ['a weight too large for float32', (j: OurJson) => (j.layers[0].weights[0] = 1e39), 'layers[0].weights[0]: must be a finite number, got 1e+39'],
    ['a layer shape that disagrees', (j: OurJson) => (j.layers[0].outputs = 15), "layers[0]: is 784→15 but the config's layers say 784→16"],
    ['a missing layer', (j: OurJson) => j.layers.pop(), 'layers: the config has 2 weight layers but the model has 1'],
    ['an activation that disagrees', (j: OurJson) => (j.layers[0].activation = 'ReLU'), 'layers[0]: activation "ReLU" but the config says "Tanh"'],
    ['an invalid config', (j: OurJson) => (j.config.layers = [784, 16, 9]), 'config: layers[2]: the output layer must have 10 nodes (one per digit), got 9'],
    ['an unknown format', (j: OurJson) => (j.format = 'keras'), 'unknown model format "keras"; this app reads "mnist-playground-model" and neural-net-rs models'],
    ['a newer version', (j: OurJson) => (j.version = 3), 'unsupported model version 3; this app reads versions 1 and 2'],
    ['metrics that disagree', (j: OurJson) => (j.metrics.correct = 9999), /^metrics: correct 9999 of 1000 .* disagree with the confusion matrix \(955 of 1000\)$/],
    ['a confusion matrix of the wrong shape', (j: OurJson) => j.metrics.confusion.pop(), 'metrics.confusion: must be 10×10'],
    ['a missing field', (j: OurJson) => delete (j as Partial<OurJson>).layers, 'layers: must be a list, got nothing'],
    ['a missing version', (j: OurJson) => delete (j as Partial<OurJson>).version, 'no "version" field; this app reads versions 1 and 2'],
    ['metrics that are not an object', (j: OurJson) => Object.assign(j, { metrics: 5 }), 'metrics: must be an object, got 5'],
    ['an unknown field', (j: OurJson) => Object.assign(j, { weights: [] }), 'unknown field "weights"'],
    ['unknown kernels', (j: OurJson) => Object.assign(j, { kernels: 'gpu' }), /^kernels: .*"gpu"/],
  ])('refuses %s', (_, change, message) => {
    const error = modelError(edit(change));
    if (typeof message === 'string') expect(error).toBe(message);
    else expect(error).toMatch(message);
  });

  it('refuses text that is not a model', () => {
    expect(modelError('{"layers": [784, 10]')).toBe('the model file is not valid JSON: line 1, column 21: unexpected end of input');
    expect(modelError('[]')).toBe('a model file must be a JSON object, got a list');
    expect(modelError('{"hello": 1}')).toMatch(/^not a model file: /);
  });
});

describe('a neural-net-rs model file', () => {
  /** What the weights say, computed in double precision. */
  function expected(image: Float32Array, model = rustModel()): number[] {
    const [hidden, output] = model.weights;
    const h = [0, 1].map((r) => {
      let z = hidden.data[r * 785 + 784];
      for (let i = 0; i < 784; i++) z += hidden.data[r * 785 + i] * image[i];
      return 1 / (1 + Math.exp(-z));
    });
    const z = Array.from({ length: 10 }, (_, o) => output.data[o * 3] * h[0] + output.data[o * 3 + 1] * h[1] + output.data[o * 3 + 2]);
    const max = Math.max(...z);
    const e = z.map((v) => Math.exp(v - max));
    const sum = e.reduce((a, b) => a + b, 0);
    return e.map((v) => v / sum);
  }

  const topHalf = Float32Array.from({ length: 784 }, (_, i) => (i < 392 && i % 3 === 0 ? 1 : 0));
  const bottomHalf = Float32Array.from({ length: 784 }, (_, i) => (i >= 392 && i % 2 === 0 ? 0.8 : 0));

  it('loads and predicts as its weights say', () => {
    const loaded = parseModel(JSON.stringify(rustModel()));
    expect(loaded.source).toBe('neural-net-rs');
    expect(loaded.config).toMatchObject({ layers: [784, 2, 10], activations: ['Sigmoid', 'Softmax'], learningRate: 0.01, momentum: 0.9 });
    expect(loaded.metrics).toBeNull();
    const network = Network.fromLayers(loaded.layers);
    for (const [image, digit] of [[topHalf, 3], [bottomHalf, 8]] as const) {
      const output = network.predict(image);
      expected(image).forEach((p, k) => expect(output[k]).toBeCloseTo(p, 6));
      expect(output.indexOf(Math.max(...output))).toBe(digit);
    }
  });

  it('reads the later layout: layers_count, activations, ndarray matrices, standardised inputs', () => {
    const old = rustModel();
    const mean = 0.13;
    const std = 0.31;
    const later = {
      layers_count: old.layers,
      activations: old.activation_types,
      weights: old.weights.map(({ rows, cols, data }) => ({ v: 1, dim: [rows, cols], data })),
      learning_rate: 0.01,
      momentum: 0.5,
      epochs: 30,
      batch_size: 32,
      regularization_rate: 0.0001,
      regularization_type: 'L2',
      mean,
      std_dev: std,
    };
    const loaded = parseModel(JSON.stringify(later));
    expect(loaded.config).toMatchObject({ batchSize: 32, l2: 0.0001, momentum: 0.5 });
    const network = Network.fromLayers(loaded.layers);
    for (const image of [topHalf, bottomHalf]) {
      const standardised = image.map((x) => (x - mean) / std);
      const output = network.predict(image);
      expected(standardised).forEach((p, k) => expect(output[k]).toBeCloseTo(p, 5));
    }
  });

  it('reads matrices wrapped as {"data": ndarray}', () => {
    const old = rustModel();
    const wrapped = { ...old, weights: old.weights.map(({ rows, cols, data }) => ({ data: { v: 1, dim: [rows, cols], data } })) };
    const network = Network.fromLayers(parseModel(JSON.stringify(wrapped)).layers);
    expected(topHalf).forEach((p, k) => expect(network.predict(topHalf)[k]).toBeCloseTo(p, 6));
  });

  it.each([
    ['a matrix of the wrong shape', (m: RustJson) => (m.weights[1].cols = 2), 'weights[1]: is 10×2 but layers 2→10 need 10×3 (outputs × inputs + bias)'],
    ['data of the wrong length', (m: RustJson) => m.weights[1].data.pop(), 'weights[1].data: expected 30 numbers, got 29'],
    ['a non-finite number', (m: RustJson) => ((m.weights[0].data as unknown[])[7] = 'HUGE'), 'weights[0].data[7]: must be a finite number, got Infinity'],
    ['a missing matrix', (m: RustJson) => m.weights.pop(), 'weights: 3 layers need 2 weight matrices, got 1'],
    ['missing activations', (m: RustJson) => delete (m as Partial<RustJson>).activation_types, 'neural-net-rs model: "activation_types" is missing'],
    ['an unknown activation', (m: RustJson) => (m.activation_types[0] = 'Swish'), /^neural-net-rs model: activations\[0\]: unknown activation "Swish"/],
    ['a non-MNIST shape', (m: RustJson) => (m.layers = [4, 2, 10]), /^neural-net-rs model: layers\[0\]: the input layer must have 784 nodes/],
    ['a zero std_dev', (m: RustJson) => Object.assign(m, { mean: 0.1, std_dev: 0 }), 'std_dev: must be a positive number, got 0'],
  ])('refuses %s', (_, change, message) => {
    const model = rustModel();
    change(model);
    const error = modelError(JSON.stringify(model).replace('"HUGE"', '1e999'));
    if (typeof message === 'string') expect(error).toBe(message);
    else expect(error).toMatch(message);
  });
});

describe('the dataset a model file records', () => {
  const fashion = { name: 'Fashion-MNIST', height: 28, width: 28, classNames: ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] };
  const small = { name: 'shapes', height: 12, width: 12, classNames: ['circle', 'square', 'star'] };

  it('reads back its name, shape and class names, and checks the config against that shape', () => {
    const rng = createRng(1);
    const network = Network.create([144, 4, 3], ['ReLU', 'Softmax'], 'he', rng);
    const smallConfig = { ...config, layers: [144, 4, 3], activations: ['ReLU', 'Softmax'] } as Config;
    const text = serializeModel({ config: smallConfig, layers: network.toLayerSpecs(), metrics: null, dataset: small });
    expect(parseModel(text).dataset).toEqual(small);
    // Without the record the file is an MNIST model, and 144 inputs are wrong for MNIST.
    const withoutRecord = text.replace(/ {2}"dataset": .*\n/, '');
    expect(modelError(withoutRecord)).toMatch(/the input layer must have 784 nodes \(28×28 pixels\), got 144/);
  });

  it('names both shapes when a model meets data of another shape', () => {
    expect(shapeMismatch(fashion, MNIST_RECORD)).toBeNull();
    expect(shapeMismatch(small, fashion)).toBe(
      'the model was trained on shapes (12×12 images, 3 classes) and cannot run on Fashion-MNIST (28×28 images, 10 classes)',
    );
  });
});
