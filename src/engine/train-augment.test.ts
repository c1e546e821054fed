import { describe, expect, it, vi } from 'vitest';
import { SEED_CONFIG, type Config } from './config.ts';
import { copyImage, type Dataset } from './dataset.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { Trainer } from './train.ts';

const SIZE = 784;

/** 40 images with a block of ink in a place that depends on the label. */
function blocks(): Dataset {
  const count = 40;
  const images = new Uint8Array(count * SIZE);
  const labels = Uint8Array.from({ length: count }, (_, i) => i % 10);
  for (let i = 0; i < count; i++) {
    const top = 4 + 2 * labels[i];
    for (let y = top; y < top + 4; y++) images.fill(200, i * SIZE + y * 28 + 8, i * SIZE + y * 28 + 20);
  }
  return { images, labels, count, inputSize: SIZE };
}

function run(config: Config, data: Dataset) {
  const rng = createRng(config.seed);
  const network = Network.create(config.layers, config.activations, config.init, rng);
  const inputs: Float32Array[] = [];
  const forward = network.forwardBatch.bind(network);
  vi.spyOn(network, 'forwardBatch').mockImplementation((input, rows, dropout) => {
    inputs.push(input.slice(0, rows * SIZE));
    return forward(input, rows, dropout);
  });
  const trainer = new Trainer(network, config, data, rng);
  const result = trainer.runEpoch();
  return { inputs, result, weights: network.toLayerSpecs()[0].weights };
}

describe('Trainer with augmentation', () => {
  const config: Config = { ...SEED_CONFIG, layers: [784, 8, 10], activations: ['ReLU', 'Softmax'], batchSize: 40, samples: 40 };
  const data = blocks();

  it('trains on moved images, not the stored ones', () => {
    const plain = run(config, data).inputs[0];
    const moved = run({ ...config, augment: { shift: 2, rotate: 10 } }, data).inputs[0];
    const stored = new Float32Array(40 * SIZE);
    for (let i = 0; i < 40; i++) copyImage(data, i, stored, i * SIZE);
    const sum = (values: Float32Array) => values.reduce((a, b) => a + b, 0);
    // Same images in another order without augmentation; other pixels (but about as much ink) with it.
    expect(sum(plain)).toBeCloseTo(sum(stored), 1);
    expect(Array.from(plain).sort()).toEqual(Array.from(stored).sort());
    expect(Array.from(moved).sort()).not.toEqual(Array.from(stored).sort());
    expect(sum(moved) / sum(stored)).toBeGreaterThan(0.9);
  });

  it('is deterministic under the seed', () => {
    const augmented = { ...config, augment: { shift: 1, rotate: 5 } };
    const a = run(augmented, data);
    const b = run(augmented, data);
    expect(b.weights).toEqual(a.weights);
    expect(b.result.loss).toBe(a.result.loss);
    expect(run({ ...augmented, seed: 2 }, data).weights).not.toEqual(a.weights);
  });
});
