import { afterEach, describe, expect, it } from 'vitest';
import { serializeConfig } from '../formats/config-format';
import type { DistributionRecord, EpochReport, EvaluationReport, RunningPoint, TestImages } from '../worker/api';
import {
  cellImagesReceived,
  cellPageSelected,
  cellSelected,
  downloadFailed,
  downloadProgressed,
  downloadStarted,
  configFieldReverted,
  editConfigField,
  editConfigText,
  importConfigFile,
  loadConfig,
  pauseRequested,
  runContinuing,
  runEnded,
  runReset,
  runStarting,
  trainingEventReceived,
} from './actions';
import { PRESETS } from './presets';
import { DISTRIBUTIONS_CAP, RUNNING_POINTS_CAP } from './state';
import { resetStore, useAppStore } from './store';

afterEach(resetStore);

const state = () => useAppStore.getState();

function evaluation(epoch: number, accuracy: number): EvaluationReport {
  return { epoch, confusion: [], correct: accuracy * 100, total: 100, accuracy, perDigit: [] };
}

function epochReport(epoch: number): EpochReport {
  return { epoch, seconds: 1, averageError: 0.1, loss: 0.2, trainAccuracy: 0.9, samples: 100, test: evaluation(epoch, 0.8 + epoch / 100) };
}

const point = (x: number): RunningPoint => ({ x, windowLoss: 1, windowAccuracy: 0.5, runningLoss: 1, runningAccuracy: 0.5 });

describe('config editing', () => {
  it('accepts a valid JSON edit into the config', () => {
    editConfigText(JSON.stringify({ layers: [784, 50, 10], activations: ['Tanh', 'Softmax'], learning_rate: 0.2, epochs: 4 }));
    expect(state().config).toMatchObject({ layers: [784, 50, 10], activations: ['Tanh', 'Softmax'], learningRate: 0.2, epochs: 4 });
    expect(state().configError).toBeNull();
  });

  it('keeps the last valid config and the typed text when an edit is invalid, and says which field', () => {
    const before = state().config;
    const text = serializeConfig(before).replace(/"batch_size": \d+/, '"batch_size": 0');
    editConfigText(text);
    expect(state().config).toEqual(before);
    expect(state().configText).toBe(text);
    expect(state().configError).toContain('batch_size');
    expect(state().configErrorSource).toBe('json');
  });

  it('takes form edits through the same validation, and rewrites the JSON to match', () => {
    editConfigText('{ broken');
    editConfigField('learning_rate', { learningRate: 0.5 });
    editConfigField('batch_size', { batchSize: 8 });
    expect(state().config).toMatchObject({ learningRate: 0.5, batchSize: 8 });
    expect(JSON.parse(state().configText)).toMatchObject({ learning_rate: 0.5, batch_size: 8 });
    expect(state().configError).toBeNull();

    editConfigField('dropout', { dropout: 2 });
    expect(state().config.dropout).toBe(0);
    expect(state().fieldErrors).toEqual({ dropout: 'dropout: must be a number from 0 up to (not including) 1, got 2' });
  });

  it('forgets a field’s refused edit once the field holds a valid value, and only that field’s', () => {
    editConfigField('learning_rate', { learningRate: -1 });
    editConfigField('dropout', { dropout: 2 });
    expect(Object.keys(state().fieldErrors)).toEqual(['learning_rate', 'dropout']);
    // Typing the value the config already has is a valid edit too.
    editConfigField('learning_rate', { learningRate: state().config.learningRate });
    expect(Object.keys(state().fieldErrors)).toEqual(['dropout']);
    configFieldReverted('dropout');
    expect(state().fieldErrors).toEqual({});

    editConfigField('layers[1]', { layers: [784, 1.5, 10] });
    expect(state().fieldErrors['layers[1]']).toBe('layers[1]: must be an integer from 1 to 100000, got 1.5');
  });

  it('loads presets, and refuses a bad config file without touching the editor', () => {
    loadConfig(PRESETS[1].config);
    expect(state().config).toEqual(PRESETS[1].config);
    const text = state().configText;
    importConfigFile('mine.json', '[1, 2, 3]');
    expect(state().configText).toBe(text);
    expect(state().configError).toMatch(/^mine\.json was not loaded: /);
    expect(state().configErrorSource).toBe('file');
  });
});

describe('runs', () => {
  it('freezes the run config: later edits do not change it', () => {
    const config = state().config;
    runStarting(config, true);
    expect(state().status).toBe('loading');
    runContinuing();
    editConfigField('epochs', { epochs: 99 });
    expect(state().runConfig).toEqual(config);
    expect(state().config.epochs).toBe(99);
  });

  it('collects chart points and epochs, and a new run starts from empty charts', () => {
    runStarting(state().config, false);
    trainingEventReceived({
      type: 'progress',
      progress: { epoch: 1, epochs: 2, samplesDone: 50, samplesTotal: 100, samplesPerSecond: 10, runningLoss: 1, runningAccuracy: 0.5 },
      points: [point(0.25), point(0.5)],
    });
    trainingEventReceived({ type: 'epoch', report: epochReport(1), model: '{}' });
    expect(state().running.points.map((p) => p.x)).toEqual([0.25, 0.5]);
    expect(state().epochs.points).toEqual([{ epoch: 1, seconds: 1, averageError: 0.1, loss: 0.2, trainAccuracy: 0.9, testAccuracy: 0.81 }]);
    expect(state().evaluation?.epoch).toBe(1);
    expect(state().hasModel).toBe(true);

    runStarting(state().config, false);
    expect(state().running.points).toEqual([]);
    expect(state().epochs.points).toEqual([]);
    expect(state().evaluation).toBeNull();
  });

  it('keeps the within-epoch curve under its cap however long the run', () => {
    runStarting(state().config, false);
    const progress = { epoch: 1, epochs: 1, samplesDone: 0, samplesTotal: 1, samplesPerSecond: 0, runningLoss: 0, runningAccuracy: 0 };
    for (let k = 0; k < 5000; k++) trainingEventReceived({ type: 'progress', progress, points: [point(k)] });
    expect(state().running.points.length).toBeLessThanOrEqual(RUNNING_POINTS_CAP);
    expect(state().running.points[0].x).toBe(0);
  });

  it('keeps the distributions a run records, under their cap, and a new run starts without them', () => {
    runStarting(state().config, false);
    const record = (x: number): DistributionRecord => ({ x, sampleSize: 10, layers: [] });
    for (let k = 0; k < 3 * DISTRIBUTIONS_CAP; k++) trainingEventReceived({ type: 'distributions', record: record(k / 4) });
    const { points } = state().distributions;
    expect(points.length).toBeLessThanOrEqual(DISTRIBUTIONS_CAP);
    expect(points.length).toBeGreaterThan(DISTRIBUTIONS_CAP / 2);
    expect(points[0].x).toBe(0);
    runStarting(state().config, false);
    expect(state().distributions.points).toEqual([]);
  });

  it('pauses only a running run, and reports how a run ended', () => {
    pauseRequested();
    expect(state().status).toBe('idle');
    runStarting(state().config, false);
    runContinuing();
    pauseRequested();
    expect(state().status).toBe('pausing');
    runEnded({ status: 'paused' });
    expect(state().status).toBe('paused');
    runEnded({ status: 'diverged', message: 'Training diverged at epoch 2, sample 40.', epoch: 2, modelKept: true });
    expect(state().status).toBe('diverged');
    expect(state().runError).toContain('Training diverged at epoch 2');
    expect(state().runError).toContain('last complete epoch was kept');
    expect(state().hasModel).toBe(true);
  });

  it('forgets everything on reset', () => {
    runStarting(state().config, false);
    trainingEventReceived({ type: 'epoch', report: epochReport(1), model: '{}' });
    runEnded({ status: 'stopped', keptEpoch: 1, droppedSamples: 0 });
    runReset();
    expect(state()).toMatchObject({ status: 'idle', runConfig: null, hasModel: false, evaluation: null });
    expect(state().epochs.points).toEqual([]);
  });

  it('returns to idle with the reason when the dataset cannot be fetched', () => {
    runStarting(state().config, true);
    downloadStarted('mnist');
    downloadFailed('train-images-idx3-ubyte.gz: the server answered HTTP 404');
    expect(state().status).toBe('idle');
    expect(state().download.status).toBe('error');
    expect(state().runError).toContain('HTTP 404');
    downloadProgressed({ loadedBytes: 10, totalBytes: 20 });
    expect(state().download.status).toBe('error');
  });
});

describe('confusion cells', () => {
  const images: TestImages = { offset: 0, count: 0, images: new Uint8Array(0), probabilities: new Float32Array(0), indices: new Uint32Array(0) };

  it('shows the images of the selected cell and drops those of a cell no longer selected', () => {
    cellSelected({ actual: 4, predicted: 9 });
    expect(state().cellImages).toBeNull();
    cellSelected({ actual: 7, predicted: 1 });
    cellImagesReceived({ actual: 4, predicted: 9 }, images);
    expect(state().cellImages).toBeNull();
    cellImagesReceived({ actual: 7, predicted: 1 }, images);
    expect(state().cellImages).toBe(images);
    // Turning the page drops an answer for the page before.
    cellPageSelected(48);
    cellImagesReceived({ actual: 7, predicted: 1 }, images);
    expect(state().cellImages).toBeNull();
    const second = { ...images, offset: 48 };
    cellImagesReceived({ actual: 7, predicted: 1 }, second);
    expect(state().cellImages).toBe(second);
  });
});
