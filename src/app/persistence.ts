/**
 * What this browser keeps between visits, started once when the page starts (not from a
 * component, so that what is kept does not depend on which panel is on screen): the latest
 * model, restored at load and kept again whenever a newer one settles, and the runs history.
 */
import { keepLatestModel, restoreLatestModel } from '../bridge/model-store';
import { listDatasets } from '../bridge/training-bridge';
import { errorText } from '../formats/error-text';
import { onCheckpoint } from '../bridge/training-bridge';
import { storageProblem } from '../bridge/storage-full';
import { modelNoted, resultsRestored, storageFailed } from '../store/actions';
import { isBusy, resultsView, type AppState } from '../store/state';
import { useAppStore } from '../store/store';
import { rememberActiveDataset } from './active-dataset';
import { startRunHistory } from './run-history';

/**
 * Outside a run, a new evaluation, a run that ends and a model loaded from a file mark a newer
 * model worth keeping. Within a run each epoch's checkpoint is kept instead: the worker's
 * weights have moved on since the evaluation on screen, and a pause can fall mid-epoch.
 */
function newerModelSettled(state: AppState, previous: AppState): boolean {
  if (!state.hasModel || isBusy(state.status) || state.status === 'paused') return false;
  const settled = (s: AppState) => s.status === 'finished' || s.status === 'stopped' || s.status === 'diverged';
  return (
    (state.evaluation !== null && state.evaluation !== previous.evaluation) ||
    (settled(state) && !settled(previous)) ||
    state.modelVersion !== previous.modelVersion
  );
}

export function startPersistence(): void {
  const fail = (what: string) => (error: unknown) => storageFailed(`${what}: ${errorText(error)}`);
  // The dataset first: switching sets clears the results, and the last model was made on it.
  void restoreDataset(rememberActiveDataset(), fail).then(() =>
    restoreLatestModel().then(
      (restored) => {
        if (!restored) return;
        if (restored.view) resultsRestored(restored.view);
        const results = restored.view?.evaluation ? ' and its results' : '';
        modelNoted(`Restored your last model (${restored.summary.description})${results} from this browser.`);
      },
      (error: unknown) => modelNoted(`Your last model could not be restored: ${errorText(error)}`),
    ),
  );
  // A note, not an alert: the model in use is fine, only the copy for the next visit is missing.
  const keepFailed = async (error: unknown) => modelNoted(`The model could not be kept in this browser: ${await storageProblem(error)}`);
  useAppStore.subscribe((state, previous) => {
    if (newerModelSettled(state, previous)) keepLatestModel(resultsView(state)).catch(keepFailed);
  });
  // The bridge has put the epoch's results in the store before it announces the checkpoint.
  onCheckpoint(({ modelText }) => keepLatestModel(resultsView(useAppStore.getState()), modelText).catch(keepFailed));
  void startRunHistory(fail);
}

/** Lists the kept datasets, then makes the last visit's one active; a failed listing leaves MNIST. */
async function restoreDataset(restore: () => Promise<void>, fail: (what: string) => (error: unknown) => void): Promise<void> {
  try {
    await listDatasets();
  } catch (error) {
    fail('The datasets kept in this browser could not be listed')(error);
    return;
  }
  await restore();
}
