import { afterEach, describe, expect, it } from 'vitest';
import type { DrawnExample } from '../data/drawn-examples';
import { datasetSelected, downloadFinished, downloadStarted, exampleAdded, exampleRemoved, fineTuneFinished, fineTuneStarted, modelImported, runStarting } from './actions';
import { DEFAULT_CONFIG } from './presets';
import { resetStore, useAppStore } from './store';

afterEach(resetStore);

const state = () => useAppStore.getState();
const drawnSet = { id: 'shapes', name: 'Shapes', height: 28, width: 28, classNames: ['I', 'O', 'Z'], drawn: true };
const example = (id: string, datasetId: string): DrawnExample => ({
  id,
  datasetId,
  label: 1,
  height: 28,
  width: 28,
  pixels: new Uint8Array(784),
  strokes: [],
  addedAt: 1,
});

describe('drawn examples in the store', () => {
  it('a drawn set turns augmentation on, and a changed drawing makes the worker read the set again', () => {
    datasetSelected(drawnSet);
    expect(state().config.augment).not.toBeNull();
    expect(state().datasetNote).toMatch(/Augmentation is on/);
    downloadStarted('shapes');
    downloadFinished();
    exampleAdded(example('a', 'shapes'));
    expect(state().examples.map((e) => e.id)).toEqual(['a']);
    expect(state().download.status).toBe('idle');
    downloadStarted('shapes');
    downloadFinished();
    exampleRemoved('a');
    expect(state().download.status).toBe('idle');
    // An example of another set (added while switching) is not listed.
    exampleAdded(example('b', 'mnist'));
    expect(state().examples).toEqual([]);
  });

  it('keeps the fine-tuning figures until another run or model replaces the fine-tuned one', () => {
    runStarting(DEFAULT_CONFIG, false);
    fineTuneStarted({ testBefore: 0.9, heldOutBefore: { correct: 0, total: 2 } });
    fineTuneFinished({ testAfter: 0.91, heldOutAfter: { correct: 2, total: 2 } });
    expect(state().fineTune).toMatchObject({ testBefore: 0.9, testAfter: 0.91, heldOutAfter: { correct: 2 } });
    runStarting(DEFAULT_CONFIG, false);
    expect(state().fineTune).toBeNull();
    fineTuneStarted({ testBefore: 0.9, heldOutBefore: null });
    modelImported();
    expect(state().fineTune).toBeNull();
  });
});
