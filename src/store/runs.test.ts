import { afterEach, describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../engine/config';
import type { EpochReport } from '../worker/api';
import { defaultRunName, hyperparameterTable, interrupted, newRunRecord, withEpoch, withOutcome } from './runs';
import { runRecordEnded, runRecordEpoch, runRecordInterrupted, runRecordStarted, runsLoaded } from './runs-actions';
import { resetStore, useAppStore } from './store';

afterEach(resetStore);

function report(epoch: number, seconds: number, accuracy: number): EpochReport {
  return {
    epoch,
    seconds,
    averageError: 0.1,
    loss: 0.3,
    trainAccuracy: 0.9,
    samples: 100,
    test: { epoch, confusion: [], correct: accuracy * 100, total: 100, accuracy, perDigit: [] },
  };
}

describe('run records', () => {
  it('adds up training time over epochs and keeps the last evaluation', () => {
    let run = newRunRecord('a', SEED_CONFIG, 1, 0);
    run = withEpoch(withEpoch(run, report(1, 2.5, 0.9)), report(2, 3, 0.95));
    expect(run.epochs.map((e) => [e.epoch, e.elapsed, e.testAccuracy])).toEqual([
      [1, 2.5, 0.9],
      [2, 5.5, 0.95],
    ]);
    expect(run.evaluation?.accuracy).toBe(0.95);
  });

  it('marks only unfinished runs interrupted', () => {
    const running = newRunRecord('a', SEED_CONFIG, 1, 0);
    expect(interrupted(running, 'reloaded')).toMatchObject({ status: 'interrupted', note: 'reloaded' });
    const finished = withOutcome(running, { status: 'finished', kernels: 'wasm' });
    expect(interrupted(finished, 'reloaded')).toBe(finished);
  });

  it('marks exactly the fields that differ between configs', () => {
    const a = newRunRecord('a', { ...SEED_CONFIG, batchSize: 32 }, 1, 0);
    const b = newRunRecord('b', { ...SEED_CONFIG, batchSize: 128 }, 2, 0);
    const c = newRunRecord('c', { ...SEED_CONFIG, batchSize: 32, layers: [784, 100, 10] }, 3, 0);
    expect(hyperparameterTable([a, b]).filter((row) => row.differs).map((row) => row.key)).toEqual(['batchSize']);
    const rows = hyperparameterTable([a, b, c]);
    expect(rows.filter((row) => row.differs).map((row) => row.key).sort()).toEqual(['batchSize', 'network']);
    expect(rows.find((row) => row.key === 'network')?.values).toEqual(['784-200-10', '784-200-10', '784-100-10']);
  });

  it('speaks the form’s words, not the config’s code names', () => {
    const a = newRunRecord('a', { ...SEED_CONFIG, optimizer: 'momentum', samples: 60000 }, 1, 0);
    const b = newRunRecord('b', { ...SEED_CONFIG, optimizer: 'adam', augment: { shift: 2, rotate: 10 } }, 2, 0);
    const rows = new Map(hyperparameterTable([a, b]).map((row) => [row.label, row]));
    expect([...rows.keys()]).not.toContain('learningRate');
    expect(rows.get('Learning rate')?.values).toEqual([String(SEED_CONFIG.learningRate), String(SEED_CONFIG.learningRate)]);
    expect(rows.get('Optimizer')?.values).toEqual(['SGD with momentum', 'Adam']);
    expect(rows.get('Training samples')?.values[0]).toBe('60,000');
    expect(rows.get('Augmentation')?.values).toEqual(['off', 'shift 2 px, rotate 10°']);
    expect(rows.get('Activations')?.values[0]).toBe(SEED_CONFIG.activations.join(' / '));
    expect(rows.get('Augmentation')?.differs).toBe(true);
    expect(rows.get('Seed')?.differs).toBe(false);
  });
});

describe('runs history actions', () => {
  const state = () => useAppStore.getState();

  it('records a run from start to finish, and the next run beside it', () => {
    const first = runRecordStarted(SEED_CONFIG, 1000);
    runRecordEpoch(first, report(1, 1, 0.9));
    runRecordEnded({ status: 'finished', kernels: 'wasm' });
    const second = runRecordStarted({ ...SEED_CONFIG, batchSize: 32 }, 2000);
    expect(second).not.toBe(first);
    runRecordInterrupted('The training worker stopped.');
    // The first run's last epoch, arriving late, still goes to the first run.
    runRecordEpoch(first, report(2, 1, 0.92));
    expect(state().runs.map((run) => [run.status, run.epochs.length, run.name])).toEqual([
      ['finished', 2, 'Run 1 · 784-200-10 · per-sample'],
      ['interrupted', 0, 'Run 2 · 784-200-10 · batch 32'],
    ]);
  });

  it('stops a paused run that a new run replaces', () => {
    runRecordStarted(SEED_CONFIG, 1000);
    runRecordEnded({ status: 'paused' });
    runRecordStarted(SEED_CONFIG, 2000);
    expect(state().runs.map((run) => run.status)).toEqual(['stopped', 'running']);
  });

  it('puts stored runs before those started while storage was read, without duplicates', () => {
    const id = runRecordStarted(SEED_CONFIG, 5000);
    const stored = newRunRecord('old', SEED_CONFIG, 1, 10);
    runsLoaded([stored, { ...state().runs[0] }]);
    expect(state().runs.map((run) => run.id)).toEqual(['old', id]);
  });
});

describe('defaultRunName', () => {
  it('names a typed network by its layers, not by its input and output sizes alone', () => {
    const stack = {
      input: [28, 28, 1] as const,
      layers: [
        { type: 'conv2d' as const, filters: 8, kernelSize: 5, stride: 1, padding: 'same' as const, activation: 'ReLU' as const },
        { type: 'maxpool2d' as const, poolSize: 2, stride: 2 },
        { type: 'flatten' as const },
        { type: 'dense' as const, units: 10, activation: 'Softmax' as const },
      ],
    };
    expect(defaultRunName({ ...SEED_CONFIG, layers: [784, 10], activations: ['Softmax'], batchSize: 32, stack }, 4)).toBe('Run 4 · conv8-pool2-10 · batch 32');
    expect(defaultRunName(SEED_CONFIG, 1)).toBe('Run 1 · 784-200-10 · per-sample');
  });

  it('adds what differs from the run before, so two runs of one network can be told apart', () => {
    const first = { ...SEED_CONFIG, batchSize: 32 };
    expect(defaultRunName({ ...first, learningRate: 0.05 }, 2, first)).toBe('Run 2 · 784-200-10 · batch 32 · learning rate 0.05');
    expect(defaultRunName({ ...first, optimizer: 'adam', seed: 9, epochs: 3 }, 2, first)).toBe('Run 2 · 784-200-10 · batch 32 · epochs 3 · optimizer Adam');
    // The network and batch are in the name already; an unchanged config adds nothing.
    expect(defaultRunName({ ...first, batchSize: 128 }, 2, first)).toBe('Run 2 · 784-200-10 · batch 128');
    expect(defaultRunName(first, 2, first)).toBe('Run 2 · 784-200-10 · batch 32');
  });
});
