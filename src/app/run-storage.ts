/**
 * The runs history in this browser's IndexedDB: one entry per run (config, epochs, last
 * evaluation), written each time the run changes. Each run's model is kept by the bridge's
 * model store.
 */
import { createStore, del, set, values } from 'idb-keyval';
import { keptRunEpochs, removeRunModel } from '../bridge/model-store';
import { followKeptModel, interrupted, type RunRecord } from '../store/runs';

let runStore: ReturnType<typeof createStore> | null = null;
const runsDb = () => (runStore ??= createStore('mnist-playground-runs', 'runs'));

export const RELOAD_NOTE = 'The page was closed or reloaded during this run.';

export function saveRun(run: RunRecord): Promise<void> {
  return set(run.id, run, runsDb());
}

export async function removeRun(id: string): Promise<void> {
  await Promise.all([del(id, runsDb()), removeRunModel(id)]);
}

/**
 * Every stored run, oldest first. A run stored as running or paused belonged to a page
 * that is gone: it is marked interrupted (and stored so) with the epochs of the model kept
 * for it, which the page may have closed an epoch before or after the record.
 */
export async function loadRuns(): Promise<RunRecord[]> {
  const stored = (await values<RunRecord>(runsDb())).sort((a, b) => a.startedAt - b.startedAt);
  const cut = stored.filter((run) => interrupted(run, RELOAD_NOTE) !== run);
  const kept = await keptRunEpochs(cut.map((run) => run.id));
  const models = new Map(cut.map((run, i) => [run.id, kept[i]]));
  return Promise.all(
    stored.map(async (run) => {
      if (!models.has(run.id)) return run;
      const after = interrupted(followKeptModel(run, models.get(run.id)), RELOAD_NOTE);
      await saveRun(after);
      return after;
    }),
  );
}
