import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config';
import type { Dataset } from '../engine/dataset';
import { bestKernels } from '../engine/kernels';
import { createRng } from '../engine/rng';
import type { BestKept, TrainingEvent } from './api';
import { TrainingSession } from './session';
import { evaluate } from '../engine/metrics';
import { Network } from '../engine/network';
import { parseModel } from '../formats/model-format';

/** Digit d lights pixels [78·d, 78·d + 78) over some noise. */
function syntheticDigits(count: number, seed: number): Dataset {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    labels[i] = rng.nextInt(10);
    for (let p = 0; p < 784; p++) images[i * 784 + p] = rng.nextInt(60);
    images.fill(230, i * 784 + labels[i] * 78, i * 784 + labels[i] * 78 + 78);
  }
  return { images, labels, count, inputSize: 784 };
}

const config: Config = {
  ...SEED_CONFIG,
  layers: [784, 16, 10],
  activations: ['ReLU', 'Softmax'],
  optimizer: 'adam',
  learningRate: 0.005,
  batchSize: 16,
  epochs: 20,
  init: 'he',
  seed: 3,
  samples: 1000,
};

async function train(train: Dataset, runConfig: Config) {
  const events: TrainingEvent[] = [];
  const session = new TrainingSession({
    loadData: async () => ({ train, test: TEST }),
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => 0,
  });
  session.subscribe((event) => events.push(event));
  await session.loadData(() => {});
  const outcome = await session.train(runConfig);
  const reports = events.flatMap((e) => (e.type === 'epoch' ? [e.report] : []));
  const kept = events.find((e): e is BestKept => e.type === 'best-kept');
  return { session, outcome, reports, kept };
}

const TEST = syntheticDigits(300, 2);

/** The confusion matrix of a model file on the test images. */
function confusionOf(modelText: string): number[][] {
  return evaluate(Network.fromLayers(parseModel(modelText).layers), TEST).confusion;
}

describe('training session with a validation split', () => {
  it('trains on the images before the held-out ones and reports validation accuracy each epoch', async () => {
    const { reports, kept } = await train(syntheticDigits(1000, 1), { ...config, epochs: 2, validation: 250 });
    expect(reports.map((r) => r.samples)).toEqual([750, 750]);
    for (const report of reports) expect(report.validationAccuracy).toBeGreaterThan(0.5);
    expect(kept).toBeUndefined();
  });

  it('without a split: no validation accuracy, every sample trained', async () => {
    const { reports } = await train(syntheticDigits(1000, 1), { ...config, epochs: 1 });
    expect(reports[0].samples).toBe(1000);
    expect(reports[0].validationAccuracy).toBeUndefined();
  });

  it('stops when validation accuracy stalls for `patience` epochs and keeps the best epoch’s model', async () => {
    // Blank validation images all labelled 0: every one gets the same answer, so accuracy is 0 or 1 and soon stops improving.
    const data = syntheticDigits(1000, 1);
    data.images.fill(0, 800 * 784);
    data.labels.fill(0, 800);
    const { session, outcome, reports, kept } = await train(data, { ...config, validation: 200, patience: 3 });
    expect(outcome).toEqual({ status: 'finished', kernels: bestKernels() });
    if (!kept) throw new Error('no best-kept event');
    expect(kept.stoppedEarly).toBe(true);
    expect(kept.epochsRun).toBe(kept.bestEpoch + 3);
    expect(reports).toHaveLength(kept.epochsRun);
    expect(reports.length).toBeLessThan(config.epochs);
    const best = reports[kept.bestEpoch - 1];
    expect(kept.validationAccuracy).toBe(best.validationAccuracy);
    for (const report of reports.slice(kept.bestEpoch)) expect(report.validationAccuracy).toBeLessThanOrEqual(kept.validationAccuracy);
    // The kept model answers the test set exactly as the best epoch's did, and is what Evaluate now sees.
    expect(kept.test.confusion).toEqual(best.test.confusion);
    expect(kept.test.epoch).toBe(kept.bestEpoch);
    expect((await session.evaluate())?.confusion).toEqual(best.test.confusion);
    // The model the runs history keeps for this run is the kept one, not the last epoch's.
    expect(confusionOf(kept.model)).toEqual(best.test.confusion);
    // Same seed, same run: stopping a run by hand at the best and at the last epoch gives those two models.
    const probe = new Float32Array(784).map((_, p) => ((p * 37) % 100) / 100);
    const atBest = await train(data, { ...config, validation: 200, epochs: kept.bestEpoch });
    const atLast = await train(data, { ...config, validation: 200, epochs: kept.epochsRun });
    expect(session.predict(probe)).toEqual(atBest.session.predict(probe));
    expect(session.predict(probe)).not.toEqual(atLast.session.predict(probe));
  });
});
