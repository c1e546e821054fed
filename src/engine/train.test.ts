import { describe, expect, it, vi } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { SEED_CONFIG, type Config } from './config.ts';
import { firstSamples, type Dataset } from './dataset.ts';
import { evaluate } from './metrics.ts';
import type { Kernels } from './kernels.ts';
import type { Mode } from './layer.ts';
import { Network } from './network.ts';
import { Sgd } from './optimizers.ts';
import { createRng } from './rng.ts';
import { DivergenceError, Trainer, type EpochProgress } from './train.ts';

function config(overrides: Partial<Config>): Config {
  return { ...SEED_CONFIG, ...overrides };
}

function trainer(network: Network, overrides: Partial<Config>, data: Dataset): Trainer {
  const c = config(overrides);
  return new Trainer(network, c, data, createRng(c.seed));
}

/** count samples of two pixels: the first is the sample's index, so a batch shows which samples it holds. */
function indexedData(count: number): Dataset {
  const images = new Uint8Array(count * 2);
  for (let i = 0; i < count; i++) images.set([i, 255], i * 2);
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 2), count, inputSize: 2 };
}

/** The sample indices of every batch the trainer pushes through the network. */
function recordBatches(network: Network): { batches: number[][]; dropouts: (number | undefined)[]; modes: Mode[] } {
  const batches: number[][] = [];
  const dropouts: (number | undefined)[] = [];
  const modes: Mode[] = [];
  const forward = network.forwardBatch.bind(network);
  vi.spyOn(network, 'forwardBatch').mockImplementation((input, rows, mode, dropout) => {
    batches.push(Array.from({ length: rows }, (_, r) => Math.round(input[r * 2] * 255)));
    dropouts.push(dropout?.rate);
    modes.push(mode);
    return forward(input, rows, mode, dropout);
  });
  return { batches, dropouts, modes };
}

const tiny = () => Network.create([2, 3, 2], ['Tanh', 'Softmax'], 'xavier', createRng(1));

describe('Trainer', () => {
  it('lowers the learning rate smoothly, by the decay over each epoch', () => {
    const rates: number[] = [];
    const step = Sgd.prototype.step;
    vi.spyOn(Sgd.prototype, 'step').mockImplementation(function (this: Sgd) {
      rates.push(this.learningRate);
      step.call(this);
    });
    const t = trainer(tiny(), { layers: [2, 3, 2], optimizer: 'sgd', learningRate: 0.2, learningRateDecay: 0.5, batchSize: 4, samples: 8 }, indexedData(8));
    for (let epoch = 0; epoch < 3; epoch++) t.runEpoch();
    vi.restoreAllMocks();
    // Two batches an epoch: each starts half an epoch after the last.
    expect(rates.map((rate) => rate / 0.2)).toEqual([1, 0.5 ** 0.5, 0.5, 0.5 ** 1.5, 0.25, 0.5 ** 2.5].map((factor) => expect.closeTo(factor, 12)));
  });

  it('learns XOR', () => {
    const xor: Dataset = {
      images: Uint8Array.from([0, 0, 0, 255, 255, 0, 255, 255]),
      labels: Uint8Array.from([0, 1, 1, 0]),
      count: 4,
      inputSize: 2,
    };
    const network = Network.create([2, 8, 2], ['Tanh', 'Softmax'], 'xavier', createRng(3));
    const t = trainer(network, { layers: [2, 8, 2], batchSize: 4, learningRate: 0.3, momentum: 0.9, samples: 4 }, xor);
    let last = t.runEpoch();
    for (let epoch = 1; epoch < 500; epoch++) last = t.runEpoch();
    expect(last.accuracy).toBe(1);
    expect(last.loss).toBeLessThan(0.05);
    expect(Array.from(evaluate(network, xor).predicted)).toEqual([0, 1, 1, 0]);
  });

  it.each([
    [1, 10, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]],
    [4, 10, [4, 4, 2]],
    [32, 10, [10]],
  ])('with batch size %i trains each of %i samples once per epoch in batches of %j', (batchSize, count, sizes) => {
    const network = tiny();
    const { batches } = recordBatches(network);
    const t = trainer(network, { layers: [2, 3, 2], batchSize, samples: count }, indexedData(50));
    const orders: number[][] = [];
    for (let epoch = 0; epoch < 3; epoch++) {
      const start = batches.length;
      const result = t.runEpoch();
      expect(result.samples).toBe(count);
      expect(batches.slice(start).map((b) => b.length)).toEqual(sizes);
      const order = batches.slice(start).flat();
      expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
      orders.push(order);
    }
    // Shuffled afresh each epoch.
    expect(new Set(orders.map((o) => o.join())).size).toBeGreaterThan(1);
  });

  it.each([
    [4, 9, [4, 5]],
    [3, 7, [3, 4]],
    [4, 10, [4, 4, 2]],
  ])('with batch normalisation, batch size %i and %i samples, a lone last sample joins the batch before it: %j', (batchSize, count, sizes) => {
    const network = Network.build([1, 1, 2], [{ type: 'dense', units: 3, activation: 'Tanh' }, { type: 'batchnorm' }, { type: 'dense', units: 2, activation: 'Softmax' }], 'xavier', createRng(1));
    const { batches } = recordBatches(network);
    const t = trainer(network, { layers: [2, 2], batchSize, samples: count }, indexedData(50));
    expect(t.runEpoch().samples).toBe(count);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
  });

  it('with batch normalisation, batches of one sample are refused, naming why', () => {
    const network = Network.build([1, 1, 2], [{ type: 'batchnorm' }, { type: 'dense', units: 2, activation: 'Softmax' }], 'xavier', createRng(1));
    expect(() => trainer(network, { layers: [2, 2], batchSize: 1, samples: 10 }, indexedData(10))).toThrow(
      "Batch normalisation trains on each batch's statistics, which one sample does not have: train in batches of 2 or more (batch size 1)",
    );
    expect(() => trainer(network, { layers: [2, 2], batchSize: 8, samples: 1 }, indexedData(10))).toThrow('train on 2 samples or more');
  });

  it('reports progress in whole batches and finishes the epoch exactly once', () => {
    const t = trainer(tiny(), { layers: [2, 3, 2], batchSize: 4, samples: 10 }, indexedData(10));
    const seen: EpochProgress[] = [];
    const result = t.runEpoch((p) => seen.push(p), 3);
    expect(seen.map((p) => [p.epoch, p.samplesDone, p.done])).toEqual([
      [1, 4, false],
      [1, 8, false],
      [1, 10, true],
    ]);
    expect(seen[2].lastEpoch).toBe(result);
    expect(result.epoch).toBe(1);
    expect(result.accuracy).toBeGreaterThanOrEqual(0);
    expect(result.accuracy).toBeLessThanOrEqual(1);
    expect(result.seconds).toBeGreaterThanOrEqual(0);
    const next = t.trainSamples(100);
    expect([next.epoch, next.samplesDone, next.done]).toEqual([2, 10, true]);
  });

  it('gives the same weights however the epoch is sliced', () => {
    const data = indexedData(40);
    const whole = tiny();
    trainer(whole, { layers: [2, 3, 2], batchSize: 3, samples: 40 }, data).runEpoch();
    const sliced = tiny();
    const t = trainer(sliced, { layers: [2, 3, 2], batchSize: 3, samples: 40 }, data);
    while (!t.trainSamples(5).done);
    expect(sliced.toLayerSpecs()).toEqual(whole.toLayerSpecs());
  });

  it('applies dropout in training only, and forwards in training mode to train and in inference mode to evaluate', () => {
    const network = Network.create([2, 6, 2], ['ReLU', 'Softmax'], 'he', createRng(1));
    const { dropouts, modes } = recordBatches(network);
    trainer(network, { layers: [2, 6, 2], batchSize: 5, samples: 20, dropout: 0.3 }, indexedData(20)).runEpoch();
    expect(dropouts).toEqual([0.3, 0.3, 0.3, 0.3]);
    expect(modes).toEqual(['training', 'training', 'training', 'training']);
    dropouts.length = 0;
    modes.length = 0;
    const first = evaluate(network, indexedData(20));
    expect(evaluate(network, indexedData(20))).toEqual(first);
    expect(dropouts.every((rate) => rate === undefined)).toBe(true);
    expect(modes.every((mode) => mode === 'inference')).toBe(true);

    const plain = Network.create([2, 6, 2], ['ReLU', 'Softmax'], 'he', createRng(1));
    const record = recordBatches(plain);
    trainer(plain, { layers: [2, 6, 2], batchSize: 5, samples: 20, dropout: 0 }, indexedData(20)).runEpoch();
    expect(record.dropouts.every((rate) => rate === undefined)).toBe(true);
  });

  it('refuses to hand back a network with a non-finite weight, even one no loss has seen yet', () => {
    // Pixel 0 is background in every sample, so the broken weight never reaches an output.
    const data: Dataset = { images: Uint8Array.from([0, 10, 0, 200, 0, 90, 0, 255]), labels: Uint8Array.from([0, 1, 0, 1]), count: 4, inputSize: 2 };
    const network = tiny();
    network.layers[0].weights[0] = Number.NaN;
    const t = trainer(network, { layers: [2, 3, 2], batchSize: 2, samples: 4 }, data);
    expect(() => t.trainSamples(2)).toThrow(DivergenceError);
  });

  it('refuses labels the network has no output for', () => {
    const data = { ...indexedData(4), labels: Uint8Array.from([0, 1, 2, 1]) };
    expect(() => trainer(tiny(), {}, data)).toThrow(/Sample 2 has label 2 but the network has only 2 outputs/);
  });

  it('refuses images of the wrong size', () => {
    expect(() => trainer(tiny(), {}, { ...indexedData(4), inputSize: 3 })).toThrow(/takes 2 inputs but the images have 3 pixels/);
  });
});

describe('Trainer on MNIST', () => {
  const train = loadMnistNode('train');
  const test = loadMnistNode('test');

  function run(overrides: Partial<Config>, epochs: number, kernels: Kernels = 'wasm') {
    const c = config({ layers: [784, 32, 10], activations: ['ReLU', 'Softmax'], init: 'he', batchSize: 16, learningRate: 0.05, samples: 1000, ...overrides });
    const rng = createRng(c.seed);
    const network = Network.create(c.layers, c.activations, c.init, rng, kernels);
    const t = new Trainer(network, c, train, rng);
    // Everything but the time taken.
    const results = Array.from({ length: epochs }, () => ({ ...t.runEpoch(), seconds: 0 }));
    return { results, weights: network.toLayerSpecs(), evaluation: evaluate(network, firstSamples(test, 1000)) };
  }

  it('is deterministic: the same seed gives bit-identical weights and metrics, another seed others', () => {
    const options = { dropout: 0.2, l2: 1e-4 };
    const a = run(options, 2);
    const b = run(options, 2);
    expect(b.weights).toEqual(a.weights);
    expect(b.results).toEqual(a.results);
    expect(b.evaluation).toEqual(a.evaluation);
    const c = run({ ...options, seed: 2 }, 2);
    expect(c.weights[0].weights).not.toEqual(a.weights[0].weights);
    expect(c.results).not.toEqual(a.results);
  });

  it.each([1, 16])('gives the same metrics with the WebAssembly kernels as with the TypeScript loops, up to rounding (batch %i)', (batchSize) => {
    // Training amplifies rounding differences a little with every step (a 3e-8 nudge to one weight grows to
    // 1e-1 over 1,200 steps per sample): a few hundred steps keep the comparison about the kernels.
    const options: Partial<Config> = { layers: [784, 24, 17, 10], activations: ['Sigmoid', 'Tanh', 'Softmax'], init: 'uniform', optimizer: 'momentum', learningRate: 0.02, batchSize, samples: 300 };
    const wasm = run(options, 2, 'wasm');
    const ts = run(options, 2, 'ts');
    wasm.results.forEach((result, epoch) => {
      const reference = ts.results[epoch];
      expect(result.loss).toBeCloseTo(reference.loss, 4);
      expect(result.averageError).toBeCloseTo(reference.averageError, 4);
      expect(result.accuracy).toBeCloseTo(reference.accuracy, 2);
    });
    expect(wasm.evaluation.accuracy).toBeCloseTo(ts.evaluation.accuracy, 2);
    wasm.weights.forEach((layer, l) => {
      const reference = ts.weights[l].weights;
      layer.weights.forEach((w, i) => expect(Math.abs(w - reference[i])).toBeLessThan(1e-3));
    });
  });

  it('gives bit-identical weights however the epochs are sliced, per sample with momentum', () => {
    const weightsAfter = (slice: number) => {
      const c = config({ layers: [784, 16, 10], batchSize: 1, samples: 300 });
      const rng = createRng(c.seed);
      const network = Network.create(c.layers, c.activations, c.init, rng);
      const t = new Trainer(network, c, train, rng);
      for (let epoch = 0; epoch < 2; epoch++) while (!t.trainSamples(slice).done);
      return network.toLayerSpecs();
    };
    expect(weightsAfter(7)).toEqual(weightsAfter(1000));
  });

  it('stops with DivergenceError when the learning rate is far too large', () => {
    const rng = createRng(1);
    const network = Network.create([784, 200, 10], ['Sigmoid', 'Softmax'], 'uniform', rng);
    const t = new Trainer(network, config({ learningRate: 1e6, batchSize: 32, samples: 5000 }), train, rng);
    let error: unknown;
    try {
      t.runEpoch();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DivergenceError);
    expect((error as DivergenceError).message).toMatch(/diverged at epoch 1, sample \d+: .* Try a smaller learning rate/);
    expect((error as DivergenceError).sample).toBeLessThan(5000);
  });

  it('reaches at least 85% test accuracy after one epoch on 10k samples', () => {
    const rng = createRng(1);
    const c = config({ layers: [784, 100, 10], activations: ['ReLU', 'Softmax'], init: 'he', batchSize: 32, learningRate: 0.05, samples: 10_000 });
    const network = Network.create(c.layers, c.activations, c.init, rng);
    const result = new Trainer(network, c, train, rng).runEpoch();
    expect(result.samples).toBe(10_000);
    const evaluation = evaluate(network, test);
    expect(evaluation.total).toBe(10_000);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.85);
  });
});
