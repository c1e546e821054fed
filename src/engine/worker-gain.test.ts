import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config, type LayerStack } from './config.ts';
import { MIN_HALF_BATCH_MULTIPLY_ADDS, multiplyAddsPerSample, smallBatchReason, whyOneWorker } from './worker-gain.ts';

/** CNN (fast)'s layers. */
const CNN: LayerStack = {
  input: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', poolSize: 2, stride: 2 },
    { type: 'conv2d', filters: 16, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', poolSize: 2, stride: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 128, activation: 'ReLU' },
    { type: 'dense', units: 10, activation: 'Softmax' },
  ],
};

const config = (patch: Partial<Config>): Config => ({ ...SEED_CONFIG, ...patch });

describe('whether a second worker gains', () => {
  it('counts a forward pass: each weight once per output position', () => {
    expect(multiplyAddsPerSample(config({ layers: [784, 200, 10] }))).toBe(784 * 200 + 200 * 10);
    const conv1 = 28 * 28 * 8 * 5 * 5;
    const conv2 = 14 * 14 * 16 * 5 * 5 * 8;
    expect(multiplyAddsPerSample(config({ stack: CNN, layers: [784, 10] }))).toBe(conv1 + conv2 + 7 * 7 * 16 * 128 + 128 * 10);
  });

  it('keeps dense networks in small batches in one worker, and gives CNN (fast) two', () => {
    expect(smallBatchReason(config({ layers: [784, 200, 10], batchSize: 32 }))).toBe('its batches are too small to gain from a second');
    expect(smallBatchReason(config({ layers: [784, 200, 10], batchSize: 128 }))).toBeNull();
    expect(smallBatchReason(config({ stack: CNN, layers: [784, 10], batchSize: 16 }))).toBeNull();
    expect(smallBatchReason(config({ stack: CNN, layers: [784, 10], batchSize: 4 }))).not.toBeNull();
    // The rule's edge: half a batch of 784-500-10 with exactly the minimum, and one sample less.
    const perSample = 784 * 500 + 500 * 10;
    const half = Math.ceil(MIN_HALF_BATCH_MULTIPLY_ADDS / perSample);
    expect(smallBatchReason(config({ layers: [784, 500, 10], batchSize: 2 * half }))).toBeNull();
    expect(smallBatchReason(config({ layers: [784, 500, 10], batchSize: 2 * half - 2 }))).not.toBeNull();
  });

  it('gives first the reason a network cannot split at all', () => {
    expect(whyOneWorker(config({ layers: [784, 200, 10], batchSize: 1 }))).toBe('batches of one sample cannot be split');
    expect(whyOneWorker(config({ layers: [784, 200, 10], batchSize: 128, dropout: 0.2 }))).toMatch(/dropout/);
    expect(whyOneWorker(config({ layers: [784, 200, 10], batchSize: 128 }))).toBeNull();
  });
});
