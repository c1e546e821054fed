import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { SEED_CONFIG, type Config } from './config.ts';
import { firstSamples } from './dataset.ts';
import type { LayerSpec } from './layer.ts';
import { evaluate } from './metrics.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { TrainingRun, type RunStep } from './run.ts';
import { lastSamples } from './validation.ts';

const train = firstSamples(loadMnistNode('train'), 1500);
const test = firstSamples(loadMnistNode('test'), 500);

/** Small and fast; a high rate makes validation accuracy go up and down from epoch to epoch. */
function config(overrides: Partial<Config>): Config {
  return { ...SEED_CONFIG, layers: [784, 16, 10], activations: ['ReLU', 'Softmax'], optimizer: 'sgd', momentum: 0, learningRate: 0.3, batchSize: 10, samples: 1000, epochs: 12, validation: 300, patience: 2, seed: 3, ...overrides };
}

interface Recorded {
  epochs: Extract<RunStep, { type: 'epoch' }>[];
  /** The trained network's weights at the end of each epoch. */
  weights: LayerSpec[][];
  last: Extract<RunStep, { type: 'finished' } | { type: 'diverged' }>;
  steps: number;
}

function runToEnd(run: TrainingRun, slice: number): Recorded {
  const epochs: Recorded['epochs'] = [];
  const weights: LayerSpec[][] = [];
  for (let steps = 1; ; steps++) {
    const step = run.step(slice);
    if (step.type === 'epoch') {
      epochs.push(step);
      weights.push(run.network.toLayerSpecs());
    }
    if (step.type === 'finished' || step.type === 'diverged') return { epochs, weights, last: step, steps };
  }
}

describe('TrainingRun', () => {
  it('holds out the last `validation` images, trains on the first `samples` of the rest, and scores each epoch on both held-out and test images', () => {
    const run = new TrainingRun(config({ epochs: 2, patience: 0 }), train, createRng(3), { test });
    expect(run.validation?.count).toBe(300);
    expect(run.validation?.labels).toEqual(lastSamples(train, 300).labels);
    expect(run.samplesTotal).toBe(1000);
    const { epochs, weights } = runToEnd(run, 256);
    expect(epochs.map((e) => e.result.samples)).toEqual([1000, 1000]);
    epochs.forEach((epoch, i) => {
      const network = Network.fromLayers(weights[i]);
      expect(epoch.validationAccuracy).toBe(evaluate(network, lastSamples(train, 300)).accuracy);
      expect(epoch.test?.confusion).toEqual(evaluate(network, test).confusion);
      expect(epoch.test?.predicted).toEqual(evaluate(network, test).predicted);
    });
  });

  it('stops once validation accuracy has not improved for `patience` epochs, and keeps the best epoch’s model', () => {
    const { epochs, weights, last } = runToEnd(new TrainingRun(config({}), train, createRng(3), { test }), 256);
    const accuracies = epochs.map((e) => e.validationAccuracy as number);
    const bestIndex = accuracies.indexOf(Math.max(...accuracies));
    // This seed stops early, after the best epoch and two that were no better.
    expect(epochs.length).toBeLessThan(12);
    expect(epochs.length).toBe(bestIndex + 1 + 2);
    expect(epochs.map((e) => e.verdict).at(-1)).toBe('stop');
    expect(epochs.map((e) => e.last)).toEqual(epochs.map((_, i) => i === epochs.length - 1));
    expect(last.type).toBe('finished');
    if (last.type !== 'finished') return;
    expect(last.stoppedEarly).toBe(true);
    expect(last.epochsRun).toBe(epochs.length);
    expect(last.kept?.epoch).toBe(bestIndex + 1);
    expect(last.kept?.validationAccuracy).toBe(accuracies[bestIndex]);
    // The kept model is the best epoch's weights, not the last epoch's, and its test figures are its own.
    expect(last.kept?.specs).toEqual(weights[bestIndex]);
    expect(last.kept?.specs).not.toEqual(weights.at(-1));
    expect(last.kept?.test?.accuracy).toBe(evaluate(Network.fromLayers(weights[bestIndex]), test).accuracy);
  });

  it('without patience runs every epoch and keeps the last model', () => {
    const { epochs, last } = runToEnd(new TrainingRun(config({ epochs: 3, patience: 0 }), train, createRng(3)), 1000);
    expect(epochs.map((e) => e.result.epoch)).toEqual([1, 2, 3]);
    expect(last).toMatchObject({ type: 'finished', stoppedEarly: false, kept: null });
  });

  it('gives the same epochs and model however finely it is stepped', () => {
    const coarse = runToEnd(new TrainingRun(config({ epochs: 4 }), train, createRng(3), { test }), 100000);
    const fine = runToEnd(new TrainingRun(config({ epochs: 4 }), train, createRng(3), { test }), 37);
    expect(fine.steps).toBeGreaterThan(coarse.steps);
    const figures = (r: Recorded) => r.epochs.map((e) => [e.result.loss, e.result.accuracy, e.validationAccuracy, e.test?.accuracy]);
    expect(figures(fine)).toEqual(figures(coarse));
    expect(fine.weights).toEqual(coarse.weights);
  });

  it('stops on divergence with the message naming the epoch and sample, and steps no further', () => {
    const run = new TrainingRun(config({ learningRate: 1e30, validation: 0 }), train, createRng(3));
    const { epochs, last } = runToEnd(run, 100);
    expect(epochs).toEqual([]);
    expect(last.type).toBe('diverged');
    if (last.type !== 'diverged') return;
    expect(last.error.epoch).toBe(1);
    expect(last.error.message).toMatch(/^Training diverged at epoch 1, sample \d+: the loss or a weight became NaN or infinite\. Try a smaller learning rate\.$/);
    expect(() => run.step(100)).toThrow('The run is over');
  });
});
