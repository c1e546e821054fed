/**
 * A run's record and its model are written to two IndexedDB databases at each epoch; a page
 * closed between the two writes must not leave the record an epoch away from the model that
 * "Use model" brings back.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { SEED_CONFIG } from '../engine/config';
import type { Checkpoint } from '../bridge/training-bridge';
import type { EpochReport } from '../worker/api';

/** IndexedDB in memory, one map per database; writes to a "closed" database are lost, as when the page goes. */
const idb = vi.hoisted(() => {
  const dbs = new Map<string, Map<string, unknown>>();
  const closed = new Set<string>();
  const db = (name: string) => dbs.get(name) ?? dbs.set(name, new Map()).get(name)!;
  const write = (name: string, change: (entries: Map<string, unknown>) => void) => {
    if (!closed.has(name)) change(db(name));
    return Promise.resolve();
  };
  return {
    dbs,
    closed,
    module: {
      createStore: (name: string) => name,
      get: (key: string, name: string) => Promise.resolve(db(name).get(key)),
      getMany: (keys: string[], name: string) => Promise.resolve(keys.map((key) => db(name).get(key))),
      keys: (name: string) => Promise.resolve([...db(name).keys()]),
      values: (name: string) => Promise.resolve([...db(name).values()]),
      set: (key: string, value: unknown, name: string) => write(name, (entries) => entries.set(key, value)),
      setMany: (pairs: [string, unknown][], name: string) => write(name, (entries) => pairs.forEach(([key, value]) => entries.set(key, value))),
      del: (key: string, name: string) => write(name, (entries) => entries.delete(key)),
      delMany: (keys: string[], name: string) => write(name, (entries) => keys.forEach((key) => entries.delete(key))),
    },
  };
});
vi.mock('idb-keyval', () => idb.module);

/** The bridge without a worker: checkpoints are announced by the test; a model "loads" as its text. */
const bridge = vi.hoisted(() => ({ listeners: [] as ((checkpoint: Checkpoint) => void)[], imported: [] as string[] }));
vi.mock('../bridge/training-bridge', () => ({
  onCheckpoint: (listener: (checkpoint: Checkpoint) => void) => bridge.listeners.push(listener),
  exportModel: () => Promise.resolve(null),
  importModel: (text: string) => {
    bridge.imported.push(text);
    return Promise.resolve({ description: text });
  },
}));

const { startRunHistory } = await import('./run-history');
const { loadRuns } = await import('./run-storage');
const { restoreRunModel } = await import('../bridge/model-store');
const { runRecordEpoch, runRecordStarted } = await import('../store/runs-actions');
const { resetStore } = await import('../store/store');

const RUNS_DB = 'mnist-playground-runs';
const MODELS_DB = 'mnist-playground-run-models';
const ACCURACY = [0, 0.8755, 0.9116, 0.93];

function report(epoch: number): EpochReport {
  const accuracy = ACCURACY[epoch];
  return {
    epoch,
    seconds: 2,
    averageError: 0.1,
    loss: 0.3,
    trainAccuracy: 0.9,
    samples: 100,
    test: { epoch, confusion: [], correct: accuracy * 100, total: 100, accuracy, perDigit: [] },
  };
}

/** What the bridge does at the end of an epoch: the record first, then the model's checkpoint. */
function epochEnds(runId: string, epoch: number, closes?: { before: 'record' | 'model' }) {
  if (closes?.before === 'record') idb.closed.add(RUNS_DB);
  runRecordEpoch(runId, report(epoch));
  if (closes?.before === 'model') idb.closed.add(MODELS_DB);
  for (const listener of bridge.listeners) listener({ runId, epoch, modelText: `model of epoch ${epoch}`, evaluation: report(epoch).test });
}

/** The next page: what it lists for the run, and what its "Use model" loads. */
async function afterReload(runId: string) {
  idb.closed.clear();
  const run = (await loadRuns()).find((stored) => stored.id === runId)!;
  bridge.imported.length = 0;
  await restoreRunModel(runId).catch(() => {});
  return { run, model: bridge.imported[0] };
}

beforeAll(() => startRunHistory(() => () => {}));
beforeEach(() => {
  resetStore();
  idb.dbs.clear();
  idb.closed.clear();
});

describe('a reload between the writes of an epoch’s record and its model', () => {
  it('after the record, before the model: the record goes back to the epoch of the model it has', async () => {
    const id = runRecordStarted(SEED_CONFIG, 1);
    epochEnds(id, 1);
    epochEnds(id, 2, { before: 'model' });
    // The stored record is an epoch ahead of the stored model.
    expect((idb.dbs.get(RUNS_DB)!.get(id) as { epochs: unknown[] }).epochs).toHaveLength(2);

    const { run, model } = await afterReload(id);
    expect(model).toBe('model of epoch 1');
    expect(run.status).toBe('interrupted');
    expect(run.epochs.map((epoch) => [epoch.epoch, epoch.testAccuracy])).toEqual([[1, 0.8755]]);
    expect(run.evaluation?.accuracy).toBe(0.8755);
    // And stored so: the next load reads the same.
    expect((idb.dbs.get(RUNS_DB)!.get(id) as { epochs: unknown[] }).epochs).toHaveLength(1);
  });

  it('after the model, before the record: the record gains the epoch of the model it has', async () => {
    const id = runRecordStarted(SEED_CONFIG, 1);
    epochEnds(id, 1);
    epochEnds(id, 2, { before: 'record' });

    const { run, model } = await afterReload(id);
    expect(model).toBe('model of epoch 2');
    expect(run.epochs.map((epoch) => [epoch.epoch, epoch.testAccuracy, epoch.elapsed])).toEqual([
      [1, 0.8755, 2],
      [2, 0.9116, 4],
    ]);
    expect(run.evaluation?.accuracy).toBe(0.9116);
  });

  it('before the first model: the record keeps no epoch, as there is no model to use', async () => {
    const id = runRecordStarted(SEED_CONFIG, 1);
    epochEnds(id, 1, { before: 'model' });

    const { run, model } = await afterReload(id);
    expect(model).toBeUndefined();
    expect(run.epochs).toEqual([]);
    expect(run.status).toBe('interrupted');
  });

  it('with both writes done, the record stays as it was; a model kept by an older page without its epoch changes nothing', async () => {
    const id = runRecordStarted(SEED_CONFIG, 1);
    epochEnds(id, 1);
    epochEnds(id, 2);
    expect((await afterReload(id)).run.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2]);

    const older = runRecordStarted(SEED_CONFIG, 2);
    runRecordEpoch(older, report(1));
    runRecordEpoch(older, report(2));
    idb.dbs.get(MODELS_DB)!.set(older, 'model of an older page');
    const { run, model } = await afterReload(older);
    expect(model).toBe('model of an older page');
    expect(run.epochs.map((epoch) => epoch.epoch)).toEqual([1, 2]);
  });
});
