import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config';
import type { Dataset } from '../engine/dataset';
import { bestKernels } from '../engine/kernels';
import { FINE_TUNING, minePerBatch, mixedBatches } from '../engine/fine-tune';
import { createRng } from '../engine/rng';
import type { TrainingEvent } from './api';
import { TrainingSession } from './session';

/** Digit d lights pixels [78·d, 78·d + 78) over some noise; `drawn` lights d's band and the band after it. */
function digits(count: number, seed: number, only?: { label: number; drawnAs: number }): Dataset {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = only ? only.drawnAs : rng.nextInt(10);
    labels[i] = only ? only.label : label;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = rng.nextInt(60);
    const bands = only ? 2 : 1;
    for (let p = label * 78; p < Math.min(784, (label + bands) * 78); p++) images[i * 784 + p] = 200 + rng.nextInt(56);
  }
  return { images, labels, count, inputSize: 784 };
}

const config: Config = { ...SEED_CONFIG, layers: [784, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', batchSize: 16, epochs: 2, init: 'he', seed: 3, samples: 1000 };

async function trained() {
  const events: TrainingEvent[] = [];
  const session = new TrainingSession({
    loadData: async () => ({ train: digits(1000, 1), test: digits(300, 2) }),
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => 0,
  });
  session.subscribe((event) => events.push(event));
  await session.loadData(() => {});
  await session.train(config);
  return { session, events };
}

describe('fine-tuning on the user’s examples', () => {
  it('mixes a fixed share of the user’s examples into every batch', () => {
    const base = digits(50, 1);
    const mine = digits(3, 4, { label: 9, drawnAs: 2 });
    const mixed = mixedBatches(base, mine, 10, 16, 0.25, createRng(1));
    expect(mixed.count).toBe(160);
    for (let batch = 0; batch < 10; batch++) {
      const rows = mixed.labels.subarray(batch * 16, batch * 16 + 16);
      expect(rows.subarray(0, 4).every((label) => label === 9)).toBe(true);
    }
    expect(minePerBatch(1, 0.25)).toBe(0);
    expect(minePerBatch(4, 0.25)).toBe(1);
    expect(() => mixedBatches(base, digits(0, 1), 1, 16, 0.25, createRng(1))).toThrow('No examples of your own');
  });

  it('teaches a pattern the model misread, keeps the test accuracy, and Undo gives back the model weight for weight', async () => {
    const { session, events } = await trained();
    const testBefore = (await session.evaluate())?.accuracy ?? 0;
    // The model file but its time of saving.
    const model = () => session.exportModel()?.replace(/"savedAt": "[^"]*"/, '');
    const before = model();
    // Digit 2 drawn with a tail into 3's band, meant as a 9: the model reads 2 (or 3), never 9.
    const mine = digits(12, 5, { label: 9, drawnAs: 2 });
    const heldOut = digits(5, 6, { label: 9, drawnAs: 2 });
    expect(session.scoreOn(heldOut)).toEqual({ correct: 0, total: 5 });
    expect(Math.max(...(session.confidences(heldOut) ?? [1]))).toBeLessThan(0.5);

    const tuning = await session.prepareFineTune(mine);
    expect([tuning.epochs, tuning.samples, tuning.learningRate]).toEqual([1, FINE_TUNING.steps * 16, 0.01 * FINE_TUNING.rateFactor]);
    events.length = 0;
    expect(await session.resume()).toEqual({ status: 'finished', kernels: bestKernels() });
    const epoch = events.find((e) => e.type === 'epoch');
    expect(events.some((e) => e.type === 'progress' && e.points.length > 0)).toBe(true);
    expect(session.scoreOn(heldOut)).toEqual({ correct: 5, total: 5 });
    expect(Math.min(...(session.confidences(heldOut) ?? [0]))).toBeGreaterThan(0.5);
    expect(epoch?.type === 'epoch' && epoch.report.test.accuracy).toBeGreaterThan(testBefore - 0.02);
    expect(model()).not.toBe(before);

    const restored = session.undoFineTune();
    expect(restored?.evaluation?.accuracy).toBe(testBefore);
    expect(model()).toBe(before);
    expect(session.scoreOn(heldOut)).toEqual({ correct: 0, total: 5 });
    expect(session.undoFineTune()).toBeNull();
  });

  it('refuses without a model', async () => {
    const session = new TrainingSession({ loadData: async () => ({ train: digits(10, 1), test: digits(10, 2) }), yieldToEvents: async () => {}, now: () => 0 });
    await session.loadData(() => {});
    await expect(session.prepareFineTune(digits(3, 4))).rejects.toThrow('There is no model to fine-tune');
  });
});
