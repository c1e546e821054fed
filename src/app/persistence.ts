/**
 * What this browser keeps between visits, started once when the page starts (not from a
 * component, so that what is kept does not depend on which panel is on screen): the latest
 * model, restored at load and kept again whenever a newer one settles, and the runs history.
 */
import { watchExamples } from '../bridge/example-store';
import { dropOlderModels, forgetLatestModel, keepLatestModel, keepsAnyModel, restoreLatestModel } from '../bridge/model-store';
import { listDatasets } from '../bridge/training-bridge';
import { errorText } from '../formats/error-text';
import { onCheckpoint } from '../bridge/training-bridge';
import { isQuotaError, storageProblem } from '../bridge/storage-full';
import { datasetModelNoted, modelNoted, restoringEnded, restoringStarted, resultsRestored, storageFailed } from '../store/actions';
import type { ActiveDataset } from '../store/config-slice';
import { isBusy, resultsView, type AppState, type ResultsView } from '../store/state';
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
  return (
    (state.evaluation !== null && state.evaluation !== previous.evaluation) ||
    runEnded(state, previous) ||
    state.modelVersion !== previous.modelVersion
  );
}

const settledRun = (s: AppState) => s.status === 'finished' || s.status === 'stopped' || s.status === 'diverged';

/** A run's end, not a restore: restored results come with an idle status. */
function runEnded(state: AppState, previous: AppState): boolean {
  return settledRun(state) && !settledRun(previous);
}

export function startPersistence(): void {
  const fail = (what: string) => (error: unknown) => storageFailed(`${what}: ${errorText(error)}`);
  let settled = false;
  // Said only where there is something to restore: a first visit says nothing of it.
  void keepsAnyModel().then(
    (any) => {
      if (any && !settled) restoringStarted();
    },
    () => {},
  );
  // The dataset first: the last model kept is the one of the set the page opens with.
  void restoreDataset(rememberActiveDataset(), fail).then(() => {
    const { id } = useAppStore.getState().dataset;
    void restoreLatestModel(id)
      .then(
        (restored) => {
          if (!restored) return;
          if (restored.view) resultsRestored(restored.view);
          const results = restored.view?.evaluation ? ' and its results' : '';
          modelNoted(`Restored your last model (${restored.summary.description})${results} from this browser.`);
        },
        (error: unknown) => modelNoted(`Your last model could not be restored: ${errorText(error)}`),
      )
      .finally(() => {
        settled = true;
        restoringEnded();
      });
    // From now on each switch of set brings back that set's own model, or says there is none.
    useAppStore.subscribe((state, previous) => {
      if (state.dataset.id !== previous.dataset.id) void restoreModelOf(state.dataset);
    });
  });
  const keepFailed = async (error: unknown) => modelNoted(`The model could not be kept in this browser: ${await storageProblem(error)}`);
  useAppStore.subscribe((state, previous) => {
    if (newerModelSettled(state, previous)) void keepNewest(state.dataset, resultsView(state), undefined, runEnded(state, previous));
    for (const gone of previous.datasets.filter((set) => !state.datasets.some((kept) => kept.id === set.id))) {
      forgetLatestModel(gone.id).catch(keepFailed);
    }
  });
  // The bridge has put the epoch's results in the store before it announces the checkpoint.
  onCheckpoint(({ modelText }) => {
    const state = useAppStore.getState();
    void keepNewest(state.dataset, resultsView(state), modelText, true);
  });
  void startRunHistory(fail);
  watchExamples(fail('The examples you drew could not be read from this browser'));
}

/**
 * Keeps the model just trained or loaded. When storage is full, older runs' models and other sets'
 * models make way for it; when that is not enough it stays on the page until a reload, and the
 * note says so and offers a dataset to delete (a note, not an alert: the model in use is fine).
 */
async function keepNewest(dataset: ActiveDataset, view: ResultsView, modelText: string | undefined, trained: boolean): Promise<void> {
  const datasetId = dataset.id;
  let failure: unknown;
  try {
    await keepLatestModel(datasetId, view, modelText);
    if (trained) trainedModelKept(dataset);
    return;
  } catch (error) {
    failure = error;
  }
  if (isQuotaError(failure) && (await dropOlderModels(datasetId, useAppStore.getState().currentRunId).catch(() => false))) {
    try {
      await keepLatestModel(datasetId, view, modelText);
      modelNoted('This browser’s storage was full: the models of older runs and of other datasets were deleted to keep this one.');
      if (trained) trainedModelKept(dataset);
      return;
    } catch (error) {
      failure = error;
    }
  }
  const problem = await storageProblem(failure, () => keepNewest(dataset, view, modelText, trained));
  modelNoted(`The model could not be kept in this browser: ${problem}. It stays on this page until you reload.`);
}

/**
 * A run's model on the set is kept: what the Dataset panel said of the set's model ("none yet",
 * "brought back") is no longer true. Where it said nothing (a first visit) it stays quiet.
 */
function trainedModelKept(dataset: ActiveDataset): void {
  const state = useAppStore.getState();
  if (state.dataset.id !== dataset.id || state.datasetModelNote === null) return;
  datasetModelNoted(`The last model trained on ${dataset.name} is kept in this browser and comes back with the set.`);
}

/** After a switch the worker holds no model: the set's own comes back from this browser, if one was kept. */
async function restoreModelOf(dataset: ActiveDataset): Promise<void> {
  try {
    const restored = await restoreLatestModel(dataset.id);
    if (restored === null) {
      if (useAppStore.getState().dataset.id === dataset.id && !useAppStore.getState().hasModel) {
        datasetModelNoted(`No model has been trained on ${dataset.name} in this browser yet.`);
      }
      return;
    }
    if (restored.view) resultsRestored(restored.view);
    const results = restored.view?.evaluation ? ' and its results' : '';
    datasetModelNoted(`Brought back the last model trained on ${dataset.name} (${restored.summary.description})${results}.`);
  } catch (error) {
    datasetModelNoted(`The last model trained on ${dataset.name} could not be brought back: ${errorText(error)}`);
  }
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
