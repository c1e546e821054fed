/**
 * What this browser keeps between visits, started once when the page starts (not from a
 * component, so that what is kept does not depend on which panel is on screen): the latest
 * model, restored at load and kept again whenever a newer one settles, and the runs history.
 */
import { keepLatestModel, restoreLatestModel } from '../bridge/model-store';
import { errorText } from '../formats/error-text';
import { modelNoted, storageFailed } from '../store/actions';
import type { AppState } from '../store/state';
import { useAppStore } from '../store/store';
import type { ModelSummary } from '../worker/api';
import { startRunHistory } from './run-history';

function modelShape(summary: ModelSummary): string {
  return `${summary.layers.join('-')} ${summary.activations.join('/')}`;
}

/**
 * Each epoch's evaluation, a run that ends or pauses, and a model loaded from a file mark a
 * newer model worth keeping; the fresh weights of a run that has just started are not.
 */
function newerModelSettled(state: AppState, previous: AppState): boolean {
  if (!state.hasModel) return false;
  const settled = (s: AppState) => s.status === 'finished' || s.status === 'stopped' || s.status === 'paused' || s.status === 'diverged';
  return (
    (state.evaluation !== null && state.evaluation !== previous.evaluation) ||
    (settled(state) && !settled(previous)) ||
    state.modelVersion !== previous.modelVersion
  );
}

export function startPersistence(): void {
  const fail = (what: string) => (error: unknown) => storageFailed(`${what}: ${errorText(error)}`);
  restoreLatestModel().then(
    (summary) => {
      if (summary) modelNoted(`Restored your last model (${modelShape(summary)}) from this browser.`);
    },
    (error: unknown) => modelNoted(`Your last model could not be restored: ${errorText(error)}`),
  );
  useAppStore.subscribe((state, previous) => {
    // A note, not an alert: the model in use is fine, only the copy for the next visit is missing.
    if (newerModelSettled(state, previous)) {
      keepLatestModel().catch((error: unknown) => modelNoted(`The model could not be kept in this browser: ${errorText(error)}`));
    }
  });
  void startRunHistory(fail);
}
