/**
 * The one owner of the models kept in this browser's IndexedDB, each as the model-file JSON
 * the worker exports (the same text "Save model" downloads): each dataset's latest model, which
 * a reload or a switch back to that set finds again, and each run's model, in a database of
 * its own so that listing runs never reads megabytes of weights.
 */
import { createStore, delMany, get, getMany, keys, setMany } from 'idb-keyval';
import { MNIST_DATASET } from '../store/config-slice';
import type { KeptEpoch } from '../store/runs';
import { isBusy, type ResultsView } from '../store/state';
import { useAppStore } from '../store/store';
import type { ModelSummary } from '../worker/api';
import { exportModel, importModel } from './training-bridge';

let latestDb: ReturnType<typeof createStore> | null = null;
let runModelsDb: ReturnType<typeof createStore> | null = null;
const latest = () => (latestDb ??= createStore('mnist-playground-models', 'models'));
const runModels = () => (runModelsDb ??= createStore('mnist-playground-run-models', 'models'));

/** A dataset's latest model and its results; MNIST's under the keys pages kept their one model under before sets had their own. */
function latestKeys(datasetId: string): [model: string, view: string] {
  return datasetId === MNIST_DATASET.id ? ['latest', 'latest-view'] : [`latest:${datasetId}`, `latest-view:${datasetId}`];
}

/**
 * Stores the model of `datasetId` (the set it was trained on) with the results on screen for it:
 * `modelText` when the caller has the exact model those results belong to (an epoch's
 * checkpoint), else the worker's current model.
 */
export async function keepLatestModel(datasetId: string, view: ResultsView, modelText?: string): Promise<void> {
  const text = modelText ?? (await exportModel());
  if (text === null) return;
  const [modelKey, viewKey] = latestKeys(datasetId);
  await setMany(
    [
      [modelKey, text],
      [viewKey, view],
    ],
    latest(),
  );
}

/** Whether this browser keeps a model of any set: then a page that opens has one to restore. */
export async function keepsAnyModel(): Promise<boolean> {
  return (await keys(latest())).length > 0;
}

/** A deleted set's model goes with it. */
export function forgetLatestModel(datasetId: string): Promise<void> {
  return delMany(latestKeys(datasetId), latest());
}

export interface Restored {
  summary: ModelSummary;
  /** Absent for a model kept before results were kept with it. */
  view: ResultsView | undefined;
}

/**
 * Loads the model kept for `datasetId` into the worker, unless that set is no longer the
 * active one or a model or a run got there first; resolves to what was loaded, or null.
 */
export async function restoreLatestModel(datasetId: string): Promise<Restored | null> {
  const [text, view] = await getMany<unknown>(latestKeys(datasetId), latest());
  const { hasModel, status, dataset } = useAppStore.getState();
  if (typeof text !== 'string' || hasModel || isBusy(status) || dataset.id !== datasetId) return null;
  return { summary: await importModel(text), view: view as ResultsView | undefined };
}

const epochKey = (runId: string) => `${runId}#epoch`;

/** Keeps a run's model with the epoch it belongs to, in one transaction: neither lands without the other. */
export function saveRunModel(runId: string, modelText: string, kept: KeptEpoch): Promise<void> {
  return setMany(
    [
      [runId, modelText],
      [epochKey(runId), kept],
    ],
    runModels(),
  );
}

export function removeRunModel(runId: string): Promise<void> {
  return delMany([runId, epochKey(runId)], runModels());
}

/**
 * For each run, the epoch of the model kept for it, without reading the model: null when no
 * model was kept, undefined when it was kept without its epoch (by an older page).
 */
export async function keptRunEpochs(runIds: readonly string[]): Promise<(KeptEpoch | null | undefined)[]> {
  if (runIds.length === 0) return [];
  const models = runModels();
  const stored = new Set(await keys(models));
  const kept = await getMany<KeptEpoch | undefined>(runIds.map(epochKey), models);
  return runIds.map((id, i) => (stored.has(id) ? kept[i] : null));
}

/** Puts a kept run's model into the worker; rejects when none was kept or it does not load. */
export async function restoreRunModel(runId: string): Promise<ModelSummary> {
  const text = await get<string>(runId, runModels());
  if (text === undefined) throw new Error('no model was kept for this run');
  return importModel(text);
}

/**
 * Makes room for the newest model when storage is full: removes the models kept for other runs
 * than `runId` (their rows stay, without a model to load) and the latest models of other sets
 * than `datasetId`. The user's datasets are never touched here. Answers whether anything went.
 */
export async function dropOlderModels(datasetId: string, runId: string | null): Promise<boolean> {
  const keptRun = runId === null ? [] : [runId, epochKey(runId)];
  const runs = (await keys(runModels())).filter((key) => !keptRun.includes(String(key)));
  const own = latestKeys(datasetId);
  const sets = (await keys(latest())).filter((key) => !own.includes(String(key)));
  await Promise.all([delMany(runs, runModels()), delMany(sets, latest())]);
  return runs.length + sets.length > 0;
}
