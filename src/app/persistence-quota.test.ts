/**
 * A full storage quota must not cost the model just trained: keeping it deletes older runs'
 * models and other sets' models (never a dataset) and tries again; when even that is not
 * enough the note names the full storage and what can be deleted.
 */
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Checkpoint } from '../bridge/training-bridge';
import type { DatasetInfo } from '../data/dataset-store';

/**
 * IndexedDB in memory with a quota over all its databases, counted in characters: a write that
 * would pass it is refused whole, with the QuotaExceededError (and empty message) browsers give.
 */
const idb = vi.hoisted(() => {
  const dbs = new Map<string, Map<string, unknown>>();
  const quota = { characters: Infinity };
  const db = (name: string) => dbs.get(name) ?? dbs.set(name, new Map()).get(name)!;
  const size = (value: unknown) => (typeof value === 'string' ? value.length : JSON.stringify(value ?? null).length);
  const used = () => [...dbs.values()].reduce((sum, entries) => sum + [...entries.values()].reduce<number>((s, value) => s + size(value), 0), 0);
  const write = (name: string, pairs: [string, unknown][]) => {
    const entries = db(name);
    const growth = pairs.reduce((sum, [key, value]) => sum + size(value) - (entries.has(key) ? size(entries.get(key)) : 0), 0);
    if (used() + growth > quota.characters) return Promise.reject(new DOMException('', 'QuotaExceededError'));
    pairs.forEach(([key, value]) => entries.set(key, value));
    return Promise.resolve();
  };
  const remove = (name: string, keys: string[]) => {
    keys.forEach((key) => db(name).delete(key));
    return Promise.resolve();
  };
  return {
    dbs,
    quota,
    db,
    module: {
      createStore: (name: string) => name,
      get: (key: string, name: string) => Promise.resolve(db(name).get(key)),
      getMany: (keys: string[], name: string) => Promise.resolve(keys.map((key) => db(name).get(key))),
      keys: (name: string) => Promise.resolve([...db(name).keys()]),
      values: (name: string) => Promise.resolve([...db(name).values()]),
      entries: (name: string) => Promise.resolve([...db(name).entries()]),
      set: (key: string, value: unknown, name: string) => write(name, [[key, value]]),
      setMany: (pairs: [string, unknown][], name: string) => write(name, pairs),
      del: (key: string, name: string) => remove(name, [key]),
      delMany: (keys: string[], name: string) => remove(name, keys),
    },
  };
});
vi.mock('idb-keyval', () => idb.module);
/** The bridge without a worker: checkpoints are announced by the test; a kept model "loads". */
const bridge = vi.hoisted(() => ({ listeners: [] as ((checkpoint: Checkpoint) => void)[] }));
vi.mock('../bridge/training-bridge', () => ({
  onCheckpoint: (listener: (checkpoint: Checkpoint) => void) => bridge.listeners.push(listener),
  exportModel: () => Promise.resolve(null),
  importModel: () => Promise.resolve({ description: 'kept' }),
  listDatasets: () => Promise.resolve(),
  selectDataset: () => Promise.resolve(),
  atDatasetSize: (pixels: Float32Array) => pixels,
}));

const { startPersistence } = await import('./persistence');
const { resetStore, useAppStore } = await import('../store/store');
const { resultsView } = await import('../store/state');

const MODELS = 'mnist-playground-models';
const RUN_MODELS = 'mnist-playground-run-models';
const DATASETS = 'mnist-playground-dataset-pixels';
const model = (name: string) => `${name} `.padEnd(1000, 'w');
const fashion: DatasetInfo = { id: 'fashion', name: 'Fashion', height: 28, width: 28, classNames: ['a', 'b'], trainCount: 1, testCount: 1, pixelBytes: 3 * 1024 ** 2, addedAt: 1 };

/** Every write and deletion the mocks answer at once: one turn of the event loop sees them all through. */
const settled = () => new Promise((resolve) => setTimeout(resolve, 0));

beforeAll(async () => {
  startPersistence();
  await settled();
});

beforeEach(() => {
  idb.dbs.clear();
  idb.quota.characters = Infinity;
  resetStore();
  useAppStore.setState({ datasets: [fashion], currentRunId: 'run-3' });
  idb.db(MODELS).set('latest', model('MNIST, older'));
  idb.db(MODELS).set('latest:fashion', model('Fashion'));
  for (const run of ['run-1', 'run-2', 'run-3']) idb.db(RUN_MODELS).set(run, model(run));
  idb.db(DATASETS).set('fashion', 'pixels'.repeat(200));
});

/** An epoch of the current run ends on MNIST: its model is announced, to be kept. */
async function keep(): Promise<void> {
  for (const listener of bridge.listeners) listener({ runId: 'run-3', epoch: 1, modelText: model('MNIST, newest'), evaluation: null });
  await settled();
}
const viewSize = () => JSON.stringify(resultsView(useAppStore.getState())).length;

describe('keeping the newest model when storage is full', () => {
  it('deletes older runs’ models and other sets’ models, then keeps it', async () => {
    // Room for the newest model and its results beside the current run's model and the dataset, no more.
    idb.quota.characters = 2 * 1000 + 1200 + viewSize();
    await keep();
    expect(idb.db(MODELS).get('latest')).toBe(model('MNIST, newest'));
    expect([...idb.db(MODELS).keys()].sort()).toEqual(['latest', 'latest-view']);
    expect([...idb.db(RUN_MODELS).keys()]).toEqual(['run-3']);
    expect(idb.db(DATASETS).get('fashion')).toBe('pixels'.repeat(200));
    expect(useAppStore.getState().modelNote).toBe('This browser’s storage was full: the models of older runs and of other datasets were deleted to keep this one.');
  });

  it('says the storage is full, what can be deleted, and that the model stays on the page, when deleting is not enough', async () => {
    // No room left once every other model is gone: the current run's model, the older model of this set and the dataset fill it.
    idb.quota.characters = 2 * 1000 + 1200;
    await keep();
    expect(idb.db(MODELS).get('latest')).toBe(model('MNIST, older'));
    expect(idb.db(DATASETS).get('fashion')).toBe('pixels'.repeat(200));
    expect(useAppStore.getState().modelNote).toBe(
      'The model could not be kept in this browser: this browser’s storage for this page is full; ' +
        'deleting a dataset you no longer need (Fashion, 3.0 MB) or older runs makes room. It stays on this page until you reload.',
    );
    expect(useAppStore.getState().storageOffer).toEqual({ datasetId: 'fashion', label: 'Delete Fashion (3.0 MB)' });
  });

  it('keeps it at once when there is room, deleting nothing', async () => {
    await keep();
    expect(idb.db(MODELS).get('latest')).toBe(model('MNIST, newest'));
    expect(idb.db(MODELS).get('latest:fashion')).toBe(model('Fashion'));
    expect(idb.db(RUN_MODELS).size).toBe(3);
    expect(useAppStore.getState().modelNote).toBeNull();
  });
});
