/**
 * The latest model, kept in this browser's IndexedDB so a reload finds it again. It is
 * stored as the model-file JSON the worker exports: the same text "Save model" downloads.
 */
import { createStore, get, set } from 'idb-keyval';
import { exportModel, importModel } from '../../bridge/training-bridge';
import { isBusy } from '../../store/state';
import { useAppStore } from '../../store/store';
import type { ModelSummary } from '../../worker/api';

const KEY = 'latest';
let store: ReturnType<typeof createStore> | null = null;
const models = () => (store ??= createStore('mnist-playground-models', 'models'));

/** Stores the worker's current model, if it has one. */
export async function keepLatestModel(): Promise<void> {
  const text = await exportModel();
  if (text !== null) await set(KEY, text, models());
}

let restoring: Promise<ModelSummary | null> | null = null;

/**
 * Loads the stored model into the worker once per page, unless a model or a run got
 * there first; resolves to what was loaded, or null.
 */
export function restoreLatestModel(): Promise<ModelSummary | null> {
  restoring ??= get<string>(KEY, models()).then((text) => {
    const { hasModel, status } = useAppStore.getState();
    if (text === undefined || hasModel || isBusy(status)) return null;
    return importModel(text);
  });
  return restoring;
}
