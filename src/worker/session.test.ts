import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config';
import type { Dataset } from '../engine/dataset';
import { bestKernels } from '../engine/kernels';
import { createRng } from '../engine/rng';
import { parseConfig } from '../formats/config-format';
import { evaluate } from '../engine/metrics';
import { Network } from '../engine/network';
import { parseModel, serializeModel } from '../formats/model-format';
import { inProcessPeer } from '../engine/shards';
import type { TrainingEvent } from './api';
import { pointSpacing, recordsPerEpoch, TrainingSession, type Datasets, type SessionOptions } from './session';

/** Digit d lights pixels [78·d, 78·d + 78) over some noise: learnable in an epoch or two. */
function syntheticDigits(count: number, seed: number): Dataset {
  const rng = createRng(seed);
  const images = new Uint8Array(count * 784);
  const labels = new Uint8Array(count);
  for (let i = 0; i < count; i++) {
    const label = rng.nextInt(10);
    labels[i] = label;
    for (let p = 0; p < 784; p++) images[i * 784 + p] = rng.nextInt(60);
    for (let p = label * 78; p < label * 78 + 78; p++) images[i * 784 + p] = 200 + rng.nextInt(56);
  }
  return { images, labels, count, inputSize: 784 };
}

const config: Config = { ...SEED_CONFIG, layers: [784, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', batchSize: 16, epochs: 2, init: 'he', seed: 3, samples: 600 };

function session(data: Datasets = { train: syntheticDigits(1000, 1), test: syntheticDigits(300, 2) }, options: Partial<SessionOptions> = {}) {
  let clock = 0;
  const events: TrainingEvent[] = [];
  const created = new TrainingSession({
    loadData: async (onProgress) => {
      onProgress({ loadedBytes: 10, totalBytes: 10 });
      return data;
    },
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    // Each look at the clock is 20 ms later: slices and progress events come at a steady pace.
    now: () => (clock += 20),
    ...options,
  });
  created.subscribe((event) => events.push(event));
  return { session: created, events };
}

const epochReports = (events: TrainingEvent[]) => events.flatMap((e) => (e.type === 'epoch' ? [e.report] : []));
const chartPoints = (events: TrainingEvent[]) => events.flatMap((e) => (e.type === 'progress' ? e.points : []));

describe('training session', () => {
  it('trains every epoch, evaluates the test set after each, and learns', async () => {
    const { session: s, events } = session();
    await s.loadData(() => {});
    const outcome = await s.train(config);
    expect(outcome).toEqual({ status: 'finished', kernels: bestKernels() });
    const reports = epochReports(events);
    expect(reports.map((r) => r.epoch)).toEqual([1, 2]);
    for (const report of reports) {
      expect(report.samples).toBe(600);
      expect(report.test.total).toBe(300);
      expect(report.test.confusion.flat().reduce((a, b) => a + b, 0)).toBe(300);
    }
    expect(reports[1].test.accuracy).toBeGreaterThan(0.9);
    expect(reports[1].test.epoch).toBe(2);
  });

  it('streams within-epoch points whose windows average back to the epoch figures', async () => {
    const { session: s, events } = session();
    await s.loadData(() => {});
    await s.train({ ...config, epochs: 1 });
    const points = chartPoints(events);
    const spacing = pointSpacing(600);
    expect(points.length).toBeGreaterThanOrEqual(600 / spacing);
    expect(points[points.length - 1].x).toBeCloseTo(1);
    points.slice(1).forEach((p, i) => expect(p.x).toBeGreaterThan(points[i].x));
    // Weighted by window length, the windows' accuracies make up the epoch's accuracy.
    let previous = 0;
    let correct = 0;
    for (const p of points) {
      correct += p.windowAccuracy * (p.x * 600 - previous);
      previous = p.x * 600;
    }
    expect(correct / 600).toBeCloseTo(epochReports(events)[0].trainAccuracy, 6);
  });

  it('records one to four distributions an epoch, as long as it is, each costing about what 330 samples of training do', () => {
    expect([600, 14_999, 15_000, 29_999, 30_000, 45_000, 60_000, 1_000_000].map(recordsPerEpoch)).toEqual([1, 1, 1, 1, 2, 3, 4, 4]);
  });

  it('records the distributions before training, within a long epoch and at its end, before the epoch’s evaluation', async () => {
    const data = { train: syntheticDigits(30_000, 1), test: syntheticDigits(300, 2) };
    const long = { ...config, samples: 30_000, batchSize: 64 };
    const { session: s, events } = session(data);
    await s.loadData(() => {});
    await s.train(long);
    const records = events.flatMap((e) => (e.type === 'distributions' ? [e.record] : []));
    expect(records).toHaveLength(1 + config.epochs * 2);
    expect(records[0].x).toBe(0);
    expect(records.map((r) => Math.floor(r.x * 2))).toEqual([0, 1, 2, 3, 4]);
    expect(records.filter((r) => Number.isInteger(r.x)).map((r) => r.x)).toEqual([0, 1, 2]);
    // The whole test set when it is smaller than the sample; the same edges all run.
    expect(records.every((r) => r.sampleSize === 300)).toBe(true);
    expect(new Set(records.map((r) => `${r.layers[0].weights.lo},${r.layers[0].weights.hi}`)).size).toBe(1);
    expect(records.map((r) => r.layers.map((l) => l.dead === null))).toContainEqual([false, true]);
    // The epoch-end record comes before that epoch's evaluated report, as the weights it describes do.
    const order = events.flatMap((e) => (e.type === 'epoch' ? ['epoch'] : e.type === 'distributions' && Number.isInteger(e.record.x) ? [`end ${e.record.x}`] : []));
    expect(order).toEqual(['end 0', 'end 1', 'epoch', 'end 2', 'epoch']);

    const off = session(data, { recordDistributions: false });
    await off.session.loadData(() => {});
    await off.session.train(long);
    expect(off.events.some((e) => e.type === 'distributions')).toBe(false);
    // Recording leaves the weights exactly as they would be without it.
    const layersOf = (text: string | null) => (JSON.parse(text as string) as { layers: unknown }).layers;
    expect(layersOf(off.session.exportModel())).toEqual(layersOf(s.exportModel()));
  });

  it('pauses between slices and resumes where it stopped, reaching the same model as an uninterrupted run', async () => {
    const straight = session();
    await straight.session.loadData(() => {});
    await straight.session.train(config);

    const { session: s, events } = session();
    await s.loadData(() => {});
    let paused = false;
    s.subscribe((event) => {
      events.push(event);
      if (!paused && event.type === 'progress' && event.progress.samplesDone > 100) {
        paused = true;
        s.pause();
      }
    });
    const first = await s.train(config);
    expect(first).toEqual({ status: 'paused' });
    expect(epochReports(events)).toHaveLength(0);
    expect(await s.resume()).toEqual({ status: 'finished', kernels: bestKernels() });
    const model = JSON.parse(s.exportModel() as string) as { layers: unknown[]; metrics: unknown };
    const expected = JSON.parse(straight.session.exportModel() as string) as typeof model;
    expect(model.layers).toHaveLength(2);
    expect(model.layers).toEqual(expected.layers);
    expect(model.metrics).toEqual(expected.metrics);
  });

  it("hands over each epoch's model as that epoch left it, before the next epoch trains on", async () => {
    const test = syntheticDigits(300, 2);
    const { session: s, events } = session({ train: syntheticDigits(1000, 1), test });
    await s.loadData(() => {});
    await s.train({ ...config, epochs: 3 });
    const epochs = events.flatMap((e) => (e.type === 'epoch' ? [e] : []));
    expect(epochs).toHaveLength(3);
    for (const { report, model } of epochs) {
      const network = Network.fromLayers(parseModel(model).layers);
      expect(evaluate(network, test).confusion).toEqual(report.test.confusion);
    }
    expect(epochs[0].model).not.toBe(epochs[1].model);
  });

  it('steps to the end of the epoch and pauses there', async () => {
    const { session: s, events } = session();
    await s.loadData(() => {});
    expect(await s.stepEpoch({ ...config, epochs: 3 })).toEqual({ status: 'paused' });
    expect(epochReports(events).map((r) => r.epoch)).toEqual([1]);
    expect(await s.stepEpoch({ ...config, epochs: 3 })).toEqual({ status: 'paused' });
    expect(epochReports(events).map((r) => r.epoch)).toEqual([1, 2]);
  });

  it('stops a run and keeps its model for prediction', async () => {
    const { session: s } = session();
    await s.loadData(() => {});
    s.subscribe((event) => {
      if (event.type === 'progress') s.stop();
    });
    // No epoch completed: there is nothing to go back to, so the weights at the stop stay.
    expect(await s.train({ ...config, epochs: 50 })).toEqual({ status: 'stopped', keptEpoch: 0, droppedSamples: 0 });
    const probabilities = s.predict(new Float32Array(784));
    expect(probabilities).toHaveLength(10);
    expect(Array.from(probabilities ?? []).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    expect(await s.resume()).toEqual({ status: 'stopped', keptEpoch: 0, droppedSamples: 0 });
  });

  it.each(['while running', 'while paused'])(
    "a stop part-way through an epoch goes back to the last complete epoch's model and its evaluation (%s)",
    async (when) => {
      const test = syntheticDigits(300, 2);
      const { session: s } = session({ train: syntheticDigits(1000, 1), test });
      await s.loadData(() => {});
      let epochOne: Extract<TrainingEvent, { type: 'epoch' }> | null = null;
      s.subscribe((event) => {
        if (event.type === 'epoch') epochOne ??= event;
        if (epochOne && event.type === 'progress' && event.progress.epoch === 2 && event.progress.samplesDone > 100) {
          if (when === 'while running') s.stop();
          else s.pause();
        }
      });
      let outcome = await s.train({ ...config, epochs: 3 });
      if (when === 'while paused') {
        expect(outcome).toEqual({ status: 'paused' });
        // Evaluating the part-epoch weights must not leave them as what the stop keeps.
        await s.evaluate();
        outcome = s.stop() as typeof outcome;
      }
      const kept = epochOne as unknown as Extract<TrainingEvent, { type: 'epoch' }>;
      expect(outcome).toMatchObject({ status: 'stopped', keptEpoch: 1 });
      if (outcome.status !== 'stopped') return;
      expect(outcome.droppedSamples).toBeGreaterThan(100);
      expect(outcome.droppedSamples).toBeLessThan(600);
      expect(outcome.test).toEqual(kept.report.test);
      expect(parseModel(s.exportModel() as string).layers).toEqual(parseModel(kept.model).layers);
      expect((await s.evaluate())?.confusion).toEqual(kept.report.test.confusion);
      const cell = await s.getTestImages(3, 3, 0, 5);
      const network = Network.fromLayers(parseModel(kept.model).layers);
      const first = Float32Array.from(cell.images.subarray(0, 784), (v) => v / 255);
      expect(Array.from(cell.probabilities.subarray(0, 10))).toEqual(Array.from(network.predict(first)));
    },
  );

  it.each([2, 3, 4, 5])('a pause that arrives between slices reports where the run really is (pause at yield %i of epoch 2)', async (k) => {
    let yields = 0;
    let inEpochTwo = false;
    let clock = 0;
    const events: TrainingEvent[] = [];
    const s: TrainingSession = new TrainingSession({
      loadData: async () => ({ train: syntheticDigits(1000, 1), test: syntheticDigits(300, 2) }),
      // The pause lands while the loop waits between two slices, not from a progress listener.
      yieldToEvents: () => {
        if (inEpochTwo && ++yields === k) s.pause();
        return new Promise((resolve) => setImmediate(resolve));
      },
      now: () => (clock += 20),
    });
    s.subscribe((event) => {
      events.push(event);
      if (event.type === 'epoch') inEpochTwo = true;
    });
    await s.loadData(() => {});
    expect(await s.train({ ...config, epochs: 3 })).toEqual({ status: 'paused' });
    const outcome = s.stop();
    const last = events.filter((e) => e.type === 'progress').at(-1);
    expect(outcome).toMatchObject({ status: 'stopped', keptEpoch: 1 });
    expect((outcome as { droppedSamples: number }).droppedSamples).toBeGreaterThan(0);
    expect(last?.type === 'progress' && last.progress).toMatchObject({ epoch: 2, samplesDone: (outcome as { droppedSamples: number }).droppedSamples });
  });

  it('answers a stop itself only for a paused run; a running loop reports through its own promise', async () => {
    const { session: s } = session();
    await s.loadData(() => {});
    expect(s.stop()).toBeNull();
    let answeredWhileRunning: unknown = 'not called';
    s.subscribe((event) => {
      if (event.type === 'progress' && answeredWhileRunning === 'not called') answeredWhileRunning = s.stop();
    });
    expect(await s.train({ ...config, epochs: 50 })).toEqual({ status: 'stopped', keptEpoch: 0, droppedSamples: 0 });
    expect(answeredWhileRunning).toBeNull();
    s.subscribe(() => {});
    expect(await s.stepEpoch({ ...config, epochs: 3 })).toEqual({ status: 'paused' });
    // Paused at an epoch's end: nothing to drop.
    expect(s.stop()).toEqual({ status: 'stopped', keptEpoch: 1, droppedSamples: 0 });
    expect(s.stop()).toBeNull();
    expect(await s.resume()).toEqual({ status: 'stopped', keptEpoch: 1, droppedSamples: 0 });
  });

  it('stops a diverging run and falls back to the last complete epoch', async () => {
    const { session: s } = session();
    await s.loadData(() => {});
    await s.train({ ...config, epochs: 1 });
    const before = s.exportModel();
    const outcome = await s.train({ ...config, optimizer: 'sgd', learningRate: 1e30, activations: ['Linear', 'Softmax'] });
    expect(outcome.status).toBe('diverged');
    if (outcome.status === 'diverged') expect(outcome.modelKept).toBe(false);
    expect(s.predict(new Float32Array(784))).toBeNull();
    expect(before).not.toBeNull();
  });

  it('shows the test images of a confusion cell with the probabilities that put them there', async () => {
    const { session: s, events } = session();
    await s.loadData(() => {});
    await s.train({ ...config, epochs: 1 });
    const confusion = epochReports(events)[0].test.confusion;
    const cell = await s.getTestImages(4, 4, 0, 5);
    expect(cell.count).toBe(Math.min(5, confusion[4][4]));
    expect(cell.images).toHaveLength(cell.count * 784);
    for (let k = 0; k < cell.count; k++) {
      const probabilities = Array.from(cell.probabilities.subarray(k * 10, k * 10 + 10));
      expect(probabilities.indexOf(Math.max(...probabilities))).toBe(4);
    }
    const all = await s.getTestImages(4, 4, 0, 1000);
    expect(all.count).toBe(confusion[4][4]);
    // Pages follow one another: the second starts where the first ended.
    const second = await s.getTestImages(4, 4, 5, 5);
    expect(second.offset).toBe(5);
    expect(Array.from(second.indices)).toEqual(Array.from(all.indices.subarray(5, 10)));
    // A model loaded from a file has no per-image answers yet: they are worked out on demand.
    s.importModel(s.exportModel() as string);
    const reloaded = await s.getTestImages(4, 4, 0, 1000);
    expect(Array.from(reloaded.indices)).toEqual(Array.from(all.indices));
  });

  it('reports that it is busy while it reads a large model, so the page does not take it for hung', () => {
    const wide: Config = { ...config, layers: [784, 300, 10] };
    const layers = Network.create(wide.layers, wide.activations, wide.init, createRng(1)).toLayerSpecs();
    let busy = 0;
    const { session: s } = session(undefined, { busy: () => busy++ });
    s.importModel(serializeModel({ config: wide, layers, metrics: null }));
    // 235,200 weights in the first layer: a report at least every 4,096 values.
    expect(busy).toBeGreaterThanOrEqual(Math.ceil((784 * 300) / 4096));
  });

  it('exports and imports models, refusing a bad file without losing the current one', async () => {
    const { session: s } = session();
    await s.loadData(() => {});
    await s.train({ ...config, epochs: 1 });
    const text = s.exportModel() as string;
    const input = new Float32Array(784).fill(0.5);
    const before = s.predict(input);
    expect(() => s.importModel('{"not": "a model"}')).toThrow();
    expect(s.predict(input)).toEqual(before);
    await s.reset();
    expect(s.predict(input)).toBeNull();
    expect(s.importModel(text)).toEqual({ description: '784-16-10 ReLU/Softmax' });
    expect(s.predict(input)).toEqual(before);
    const report = await s.evaluate();
    expect(report?.total).toBe(300);
  });
});

/** A small CNN as the JSON editor would hand it over: parsed from the typed dialect. */
const cnn: Config = parseConfig(
  JSON.stringify({
    layers: [
      { type: 'input', shape: [28, 28, 1] },
      { type: 'conv2d', filters: 4, kernel_size: 5, stride: 2, activation: 'ReLU' },
      { type: 'maxpool2d', pool_size: 2 },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ],
    optimizer: 'adam',
    learning_rate: 0.01,
    batch_size: 16,
    epochs: 2,
    init: 'he',
    seed: 3,
    samples: 600,
  }),
);

describe('training session with a typed config', () => {
  it('trains a CNN, evaluates it, and saves and loads it with the same predictions', async () => {
    const { session: s, events } = session();
    await s.loadData(() => {});
    expect(await s.train(cnn)).toEqual({ status: 'finished', kernels: bestKernels() });
    const reports = epochReports(events);
    expect(reports.map((r) => r.epoch)).toEqual([1, 2]);
    expect(reports[1].test.accuracy).toBeGreaterThan(0.9);

    const text = s.exportModel() as string;
    expect(JSON.parse(text).layers.map((layer: { type: string }) => layer.type)).toEqual(['conv2d', 'maxpool2d', 'dense']);
    expect(JSON.parse(text).kernels).toBe(bestKernels());
    const input = Float32Array.from({ length: 784 }, (_, i) => (i % 5) / 5);
    const before = s.predict(input);
    await s.reset();
    // Its real layers, not the input and output sizes the config's dense fields keep for a stack.
    expect(s.importModel(text)).toEqual({ description: '28×28×1 → conv2d 4×5×5 stride 2 valid ReLU → maxpool2d 2 → dense 10 Softmax' });
    expect(s.predict(input)).toEqual(before);
    expect((await s.evaluate())?.accuracy).toBe(reports[1].test.accuracy);
    // Saved again, it still names the kernels that trained it.
    expect(JSON.parse(s.exportModel() as string).kernels).toBe(bestKernels());
  });

  it('with both cores, asks a second worker only for batches big enough to gain, and trains smaller ones unsplit', async () => {
    const asked: number[] = [];
    const secondWorker = (network: Network, batchSize: number) => {
      asked.push(batchSize);
      return inProcessPeer(network, batchSize);
    };
    const modelAfter = async (run: Config, bothCores: boolean) => {
      const { session: s } = session(undefined, { secondWorker, recordDistributions: false });
      expect(s.useBothCores(bothCores)).toBe(bothCores ? 2 : 1);
      await s.loadData(() => {});
      await s.train(run);
      return s.exportModel()?.replace(/"savedAt": ?"[^"]*"/, '');
    };
    // 784-16-10: 12,704 multiply-adds a sample, 101,632 in half a batch of 16.
    const small = { ...config, epochs: 1 };
    expect(await modelAfter(small, true)).toBe(await modelAfter(small, false));
    expect(asked).toEqual([]);
    // Half a batch of 640: 4.1 million.
    await modelAfter({ ...config, batchSize: 640, epochs: 1 }, true);
    expect(asked).toEqual([640]);
  });

  it('says how many of a two-worker run\'s second halves the second worker computed, and of how many', async () => {
    // 784-200-10 in batches of 64: 5.1 million multiply-adds in half a batch; 2,560 samples make 40 batches.
    const run = { ...config, layers: [784, 200, 10], activations: ['ReLU', 'Softmax'], batchSize: 64, epochs: 1, samples: 2560 } satisfies Config;
    const data = { train: syntheticDigits(2560, 1), test: syntheticDigits(300, 2) };
    const { session: two } = session(data, { secondWorker: (network, batchSize) => inProcessPeer(network, batchSize), recordDistributions: false });
    two.useBothCores(true);
    await two.loadData(() => {});
    const outcome = await two.train(run);
    const split = outcome.status === 'finished' ? outcome.secondHalves : undefined;
    expect(split?.total).toBe(40);
    // The second worker takes the first 24 batches; then each place is timed, so each computed some.
    expect(split?.second).toBeGreaterThanOrEqual(24);
    expect(split?.second).toBeLessThan(40);

    const { session: one } = session(data, { recordDistributions: false });
    one.useBothCores(true);
    await one.loadData(() => {});
    expect(await one.train(run)).toEqual({ status: 'finished', kernels: bestKernels() });
  });
});
