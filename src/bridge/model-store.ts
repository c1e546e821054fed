/**
 * The one owner of the models kept in this browser's IndexedDB, each as the model-file JSON
 * the worker exports (the same text "Save model" downloads): the latest model, which a
 * reload finds again, and each run's model, in a database of its own so that listing runs
 * never reads megabytes of weights.
 */
import { createStore, del, get, set } from 'idb-keyval';
import { isBusy } from '../store/state';
import { useAppStore } from '../store/store';
import type { ModelSummary } from '../worker/api';
import { exportModel, importModel } from './training-bridge';

const LATEST = 'latest';
let latestDb: ReturnType<typeof createStore> | null = null;
let runModelsDb: ReturnType<typeof createStore> | null = null;
const latest = () => (latestDb ??= createStore('mnist-playground-models', 'models'));
const runModels = () => (runModelsDb ??= createStore('mnist-playground-run-models', 'models'));

/** Stores the worker's current model, if it has one. */
export async function keepLatestModel(): Promise<void> {
  const text = await exportModel();
  if (text !== null) await set(LATEST, text, latest());
}

let restoring: Promise<ModelSummary | null> | null = null;

/**
 * Loads the stored model into the worker once per page, unless a model or a run got
 * there first; resolves to what was loaded, or null.
 */
export function restoreLatestModel(): Promise<ModelSummary | null> {
  restoring ??= get<string>(LATEST, latest()).then((text) => {
    const { hasModel, status } = useAppStore.getState();
    if (text === undefined || hasModel || isBusy(status)) return null;
    return importModel(text);
  });
  return restoring;
}

export function saveRunModel(runId: string, modelText: string): Promise<void> {
  return set(runId, modelText, runModels());
}

export function removeRunModel(runId: string): Promise<void> {
  return del(runId, runModels());
}

/** Puts a kept run's model into the worker; rejects when none was kept or it does not load. */
export async function restoreRunModel(runId: string): Promise<ModelSummary> {
  const text = await get<string>(runId, runModels());
  if (text === undefined) throw new Error('no model was kept for this run');
  return importModel(text);
}
