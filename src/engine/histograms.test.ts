import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../formats/config-format.ts';
import { SEED_CONFIG, type Config } from './config.ts';
import type { Dataset } from './dataset.ts';
import { Bins, distributionSample, DistributionRecorder, HISTOGRAM_BINS, niceCeil, rangeFor, rangeOf, spreadSample, type DistributionRecord, type Histogram } from './histograms.ts';
import type { Conv2DSpec, DenseSpec } from './layer.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { Trainer } from './train.ts';
import { multiplyAddsPerSample } from './worker-gain.ts';

/** Digit d inks pixels [78·d, 78·d + 78) over faint noise. */
function digits(count: number, seed: number): Dataset {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.nextInt(10);
    labels[i] = label;
    for (let p = 0; p < 784; p++) if (rng.next() < 0.2) images[i * 784 + p] = rng.nextInt(60);
    for (let p = label * 78; p < label * 78 + 78; p++) images[i * 784 + p] = 200 + rng.nextInt(56);
  }
  return { images, labels, count, inputSize: 784 };
}

const total = (h: Histogram) => h.counts.reduce((a, b) => a + b, 0) + h.below + h.above;

const config: Config = {
  ...SEED_CONFIG,
  layers: [784, 24, 12, 10],
  activations: ['ReLU', 'Tanh', 'Softmax'],
  optimizer: 'momentum',
  learningRate: 0.05,
  batchSize: 8,
  init: 'he',
  samples: 400,
  epochs: 3,
};

describe('histogram bins', () => {
  it('count every value once: the bins, below and above add up to the number of values', () => {
    const rng = createRng(5);
    const values = Float32Array.from({ length: 10_000 }, () => 6 * rng.next() - 3);
    values[0] = -2; // the first edge, in the first bin
    values[1] = 2; // the last edge, in the last bin
    values[2] = Number.NaN;
    const bins = new Bins(-2, 2, 8);
    bins.add(values, values.length);
    const histogram = bins.take();
    expect(total(histogram)).toBe(values.length);
    expect(histogram.counts.length).toBe(8);
    expect(histogram.below).toBe(values.filter((v) => v < -2).length);
    expect(histogram.above).toBe(values.filter((v) => v > 2).length + 1);
    // Bin k holds [−2 + k/2, −2 + (k + 1)/2).
    for (let k = 0; k < 8; k++) {
      const lo = -2 + k / 2;
      const inside = values.filter((v) => v >= lo && (k === 7 ? v <= 2 : v < lo + 0.5)).length;
      expect(histogram.counts[k]).toBe(inside);
    }
    // take() leaves an empty tally for the next histogram.
    expect(total(bins.take())).toBe(0);
  });

  it('range from the first values: symmetric, or from zero when none is negative, widened to a round number; bounded activations keep their bounds', () => {
    expect(niceCeil(0.33)).toBe(0.5);
    expect(niceCeil(0.2)).toBe(0.2);
    expect(niceCeil(2.1)).toBe(2.5);
    expect(niceCeil(7)).toBe(10);
    expect(rangeFor(Float32Array.from([-0.1, 0.04]), 2)).toEqual([-0.2, 0.2]);
    expect(rangeFor(Float32Array.from([-0.01, 0.3]), 2)).toEqual([-1, 1]);
    expect(rangeFor(Float32Array.from([0, 1.2, 0.5]), 3)).toEqual([0, 2.5]);
    expect(rangeFor(new Float32Array(4), 4)).toEqual([-1, 1]);
    expect(rangeOf(0, 0.3, 'Sigmoid')).toEqual([0, 1]);
    expect(rangeOf(-0.9, 0.2, 'Tanh')).toEqual([-1, 1]);
    expect(rangeOf(0, 0.9, 'Softmax')).toEqual([0, 1]);
  });

  it('spread a sample over the whole set, so a set sorted by class gives every class', () => {
    const sorted: Dataset = { images: Uint8Array.from({ length: 100 }, (_, i) => i), labels: Uint8Array.from({ length: 100 }, (_, i) => Math.floor(i / 10)), count: 100, inputSize: 1 };
    const sample = spreadSample(sorted, 10);
    expect([...sample.labels]).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect([...sample.images]).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90]);
    expect(spreadSample(sorted, 500).count).toBe(100);
  });
});

describe('distribution recorder', () => {
  it('keeps each layer’s bin edges for the whole run, while the values move, and counts every value', () => {
    const rng = createRng(config.seed);
    const network = Network.forConfig(config, rng);
    const trainer = new Trainer(network, config, digits(400, 1), rng);
    const sample = spreadSample(digits(300, 2), 200);
    const recorder = new DistributionRecorder(network, sample);
    const records: DistributionRecord[] = [recorder.record(0, false)];
    for (let epoch = 0; epoch < config.epochs; epoch++) {
      trainer.trainSamples(200);
      records.push(recorder.record(epoch + 0.5, true));
      trainer.trainSamples(200);
      records.push(recorder.record(epoch + 1, true));
    }

    expect(records[0].layers.map((l) => l.gradients)).toEqual([null, null, null]);
    const first = records[0].layers;
    const firstGradients = records[1].layers;
    for (const record of records) {
      expect(record.sampleSize).toBe(200);
      record.layers.forEach((layer, l) => {
        const units = config.layers[l + 1];
        const weights = config.layers[l] * units;
        expect([layer.weights.lo, layer.weights.hi]).toEqual([first[l].weights.lo, first[l].weights.hi]);
        expect([layer.activations.lo, layer.activations.hi]).toEqual([first[l].activations.lo, first[l].activations.hi]);
        expect(layer.weights.counts.length).toBe(HISTOGRAM_BINS);
        expect(total(layer.weights)).toBe(weights);
        expect(total(layer.activations)).toBe(200 * units);
        if (record.x > 0) {
          const gradients = layer.gradients as Histogram;
          expect([gradients.lo, gradients.hi]).toEqual([firstGradients[l].gradients?.lo, firstGradients[l].gradients?.hi]);
          expect(total(gradients)).toBe(weights);
        }
      });
    }
    // The edges were fixed, not the values: training moved the weights' histogram.
    const last = records[records.length - 1].layers[0].weights.counts;
    expect([...last]).not.toEqual([...first[0].weights.counts]);
    // Symmetric ranges for weights, from zero for ReLU outputs, Tanh's and Softmax's own bounds.
    expect(first[0].weights.lo).toBe(-first[0].weights.hi);
    expect(first.map((l) => [l.activations.lo, l.activations.hi])).toEqual([[0, first[0].activations.hi], [-1, 1], [0, 1]]);
    expect(first.map((l) => l.dead === null)).toEqual([false, true, true]);
  });

  it('counts the ReLU units and filters a sample never switches on', () => {
    // Inputs are pixels in [0, 1]: a unit with no positive weight and a negative bias is never on.
    const dense: DenseSpec = {
      inputs: 4,
      outputs: 5,
      activation: 'ReLU',
      // Units 1 and 3 only have negative weights; unit 4 is on for inked pixel 3 only, which no image has.
      weights: Float32Array.from([1, 1, 0, 0, -1, -2, -1, -1, 0, 0, 1, 1, -1, -1, -1, -1, -5, -5, -5, 1]),
      biases: Float32Array.from([0, -0.1, 0, 0, -0.5]),
    };
    const top: DenseSpec = { inputs: 5, outputs: 2, activation: 'Softmax', weights: new Float32Array(10).fill(0.1), biases: new Float32Array(2) };
    const images = Uint8Array.from([255, 0, 0, 0, 0, 255, 0, 0, 0, 0, 255, 0, 255, 255, 255, 0]);
    const sample: Dataset = { images, labels: new Uint8Array(4), count: 4, inputSize: 4 };
    const record = new DistributionRecorder(Network.fromLayers([dense, top]), sample).record(0, false);
    expect(record.layers.map((l) => l.dead)).toEqual([3, null]);

    // A 2×2 image, a 1×1 convolution of three filters: filter 1 is negative everywhere.
    const conv: Conv2DSpec = {
      type: 'conv2d',
      inputShape: [2, 2, 1],
      filters: 3,
      kernelSize: 1,
      stride: 1,
      padding: 'valid',
      activation: 'ReLU',
      weights: Float32Array.from([1, -1, -1]),
      biases: Float32Array.from([0, -0.2, 0.5]),
    };
    const flatten = { type: 'flatten' as const, inputShape: [2, 2, 3] as const };
    const out: DenseSpec = { inputs: 12, outputs: 2, activation: 'Softmax', weights: new Float32Array(24).fill(0.1), biases: new Float32Array(2) };
    const convRecord = new DistributionRecorder(Network.fromLayers([conv, flatten, out]), { images: Uint8Array.from([0, 255, 128, 0]), labels: new Uint8Array(1), count: 1, inputSize: 4 }).record(0, false);
    expect(convRecord.layers.map((l) => [l.index, l.type, l.units, l.dead])).toEqual([
      [0, 'conv2d', 3, 1],
      [2, 'dense', 2, null],
    ]);
    expect(total(convRecord.layers[0].activations)).toBe(12);
  });

  it('fixes each layer’s activation range on the whole sample, whether it fits one forward batch or needs several', () => {
    const network = Network.forConfig(config, createRng(config.seed));
    new Trainer(network, config, digits(400, 1), createRng(2)).trainSamples(400);
    // 200 images go through in one batch (the recorder forwards EVALUATION_BATCH at a time), 600 in three.
    for (const size of [200, 600]) {
      const sample = digits(size, 3);
      // The first images blank: the ReLU layer's large outputs come only later in the sample.
      sample.images.fill(0, 0, 0.6 * size * 784);
      const record = new DistributionRecorder(network, sample).record(0, false);
      // The same images through the network at once, their ranges and counts worked out here.
      const input = Float32Array.from(sample.images, (v) => v / 255);
      network.forwardBatch(input, size, 'inference');
      network.layers.forEach((layer, l) => {
        const values = layer.output.subarray(0, size * config.layers[l + 1]);
        const [lo, hi] = rangeOf(Math.min(0, ...values), Math.max(0, ...values), config.activations[l]);
        const bins = new Bins(lo, hi);
        bins.add(values, values.length);
        expect(record.layers[l].activations).toEqual(bins.take());
      });
    }
  });

  it('leaves training as it was: the same weights, bit for bit, with and without recordings', () => {
    const train = (record: boolean) => {
      const run: Config = { ...config, activations: ['ReLU', 'ReLU', 'Softmax'], dropout: 0.2 };
      const rng = createRng(run.seed);
      const network = Network.forConfig(run, rng);
      const trainer = new Trainer(network, run, digits(400, 1), rng);
      const recorder = new DistributionRecorder(network, digits(50, 2));
      if (record) recorder.record(0, false);
      for (let slice = 0; slice < 6; slice++) {
        trainer.trainSamples(100 + slice * 7);
        if (record) recorder.record(slice, true);
      }
      return network.toLayerSpecs().flatMap((spec) => ('weights' in spec ? [...spec.weights, ...spec.biases] : []));
    };
    expect(train(true)).toEqual(train(false));
  });
});

describe('distributionSample', () => {
  it('records 1,000 images of a cheap network, fewer (down to 250) of a costly one', () => {
    expect(distributionSample(multiplyAddsPerSample({ layers: [784, 128, 10] }))).toBe(1000);
    const cnn = parseConfig(readFileSync(join(import.meta.dirname, '../presets/cnn-99.json'), 'utf8'));
    const work = multiplyAddsPerSample(cnn);
    expect(distributionSample(work)).toBe(250);
    // In between, as many as keep a recording's forward work to 1,000 images of 784-200-10.
    expect(distributionSample(400_000)).toBe(400);
  });
});
