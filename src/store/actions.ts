/**
 * Every change to the page's state goes through one of these plain functions, so React
 * components and the worker bridge change state the same way.
 */
import type { Config } from '../engine/config';
import type { DownloadProgress, EvaluationReport, RunOutcome, TestImages, TrainingEvent } from '../worker/api';
import { configStateFor, withConfigPatch, withConfigText, withFieldReverted } from './config-slice';
import { appendPoint, appendPoints } from './series';
import { EPOCH_POINTS_CAP, initialRunState, RUNNING_POINTS_CAP, type ConfusionCell, type ResultsView } from './state';
import { useAppStore } from './store';

const set = useAppStore.setState;

// Config

export function editConfigText(text: string): void {
  set((state) => withConfigText(state, text));
}

/** A form edit of one field; `field` names it as messages do ("learning_rate", "layers[1]"). */
export function editConfigField(field: string, patch: Partial<Config>): void {
  set((state) => withConfigPatch(state, field, patch));
}

/** The field shows the config's value again (it lost focus with a refused edit): its message goes. */
export function configFieldReverted(field: string): void {
  set((state) => withFieldReverted(state, field));
}

export function loadConfig(config: Config): void {
  set(configStateFor(config));
}

/** A config file read from disk: accepted like a JSON edit, but a bad file leaves the editor's text alone. */
export function importConfigFile(fileName: string, text: string): void {
  set((state) => {
    const next = withConfigText(state, text);
    if (next.configError === null) return next;
    return { configError: `${fileName} was not loaded: ${next.configError}`, configErrorSource: 'file' };
  });
}

/** A config that came from outside (a link) and was refused: the editor says why and keeps its config. */
export function configRefused(message: string): void {
  set({ configError: message, configErrorSource: 'file' });
}

// Runs

/** A new run begins: its config is frozen and the previous run's metrics are cleared. */
export function runStarting(config: Config, needsData: boolean): void {
  set((state) => ({
    ...initialRunState(),
    status: needsData ? 'loading' : 'running',
    runConfig: config,
    hasModel: state.hasModel,
  }));
}

export function runContinuing(): void {
  set({ status: 'running', runError: null, hasModel: true });
}

export function pauseRequested(): void {
  set((state) => (state.status === 'running' ? { status: 'pausing' } : {}));
}

export function runEnded(outcome: RunOutcome): void {
  if (outcome.status === 'diverged') {
    set({
      status: 'diverged',
      hasModel: outcome.modelKept,
      runError:
        `${outcome.message} ` +
        (outcome.modelKept ? 'The model of the last complete epoch was kept.' : 'No epoch had completed, so no model was kept.'),
    });
  } else if (outcome.status === 'stopped') {
    set(outcome.test ? { status: 'stopped', stopped: outcome, evaluation: outcome.test, selectedCell: null, cellImages: null } : { status: 'stopped', stopped: outcome });
  } else {
    set({ status: outcome.status });
  }
}

export function runReset(): void {
  set(initialRunState());
}

/** Something went wrong outside the training maths (a dead worker, a failed call): say so and stop. */
export function runFailed(message: string, modelLost: boolean): void {
  set((state) => ({
    status: state.status === 'idle' || state.status === 'loading' ? 'idle' : 'stopped',
    runError: message,
    hasModel: modelLost ? false : state.hasModel,
  }));
}

/** Train was pressed with a refused edit on screen: nothing starts, and the page says which field. */
export function trainRefused(problem: string): void {
  set({ runError: `Not started: fix this first, or Train would run the last valid config instead. ${problem}` });
}

export function dismissRunError(): void {
  set({ runError: null });
}

export function trainingEventReceived(event: TrainingEvent): void {
  if (event.type === 'progress') {
    set((state) => ({
      progress: event.progress,
      running: appendPoints(state.running, event.points, RUNNING_POINTS_CAP),
    }));
    return;
  }
  if (event.type === 'best-kept') {
    set({ bestKept: event, evaluation: event.test, selectedCell: null, cellImages: null });
    return;
  }
  const { report } = event;
  set((state) => ({
    epochs: appendPoint(
      state.epochs,
      {
        epoch: report.epoch,
        seconds: report.seconds,
        averageError: report.averageError,
        loss: report.loss,
        trainAccuracy: report.trainAccuracy,
        testAccuracy: report.test.accuracy,
        validationAccuracy: report.validationAccuracy,
      },
      EPOCH_POINTS_CAP,
    ),
    evaluation: report.test,
    hasModel: true,
  }));
}

/** A model from a file replaces the run's: its metrics no longer describe the model in use. */
export function modelImported(): void {
  set((state) => ({ ...initialRunState(), hasModel: true, modelVersion: state.modelVersion + 1 }));
}

// Dataset download

export function downloadStarted(): void {
  set({ download: { status: 'loading', loadedBytes: 0, totalBytes: null } });
}

/** Progress that arrives after the download ended (a message already on its way) is dropped. */
export function downloadProgressed(progress: DownloadProgress): void {
  set((state) => (state.download.status === 'loading' ? { download: { status: 'loading', ...progress } } : {}));
}

/** A new worker starts without the dataset: the next run loads it again (from this browser's cache). */
export function workerDataLost(): void {
  set({ download: { status: 'idle', loadedBytes: 0, totalBytes: null } });
}

export function downloadFinished(): void {
  set((state) => ({ download: { ...state.download, status: 'ready' } }));
}

export function downloadFailed(message: string): void {
  set((state) => ({
    download: { ...state.download, status: 'error' },
    status: state.status === 'loading' ? 'idle' : state.status,
    runError: `The MNIST dataset could not be loaded: ${message}`,
  }));
}

// Evaluation

export function evaluationReceived(report: EvaluationReport): void {
  set({ evaluation: report, hasModel: true });
}

export function cellSelected(cell: ConfusionCell): void {
  set({ selectedCell: cell, cellOffset: 0, cellImages: null });
}

export function cellPageSelected(offset: number): void {
  set({ cellOffset: offset, cellImages: null });
}

/** Images that arrive after the user picked another cell or page are dropped. */
export function cellImagesReceived(cell: ConfusionCell, images: TestImages): void {
  set((state) =>
    state.selectedCell?.actual === cell.actual && state.selectedCell.predicted === cell.predicted && state.cellOffset === images.offset
      ? { cellImages: images }
      : {},
  );
}

export function cellClosed(): void {
  set({ selectedCell: null, cellOffset: 0, cellImages: null });
}

// What this browser keeps

/** The latest model came back from this browser with the results it had on screen. */
export function resultsRestored(view: ResultsView): void {
  set(view);
}

export function modelNoted(note: string): void {
  set({ modelNote: note });
}

export function storageFailed(message: string): void {
  set({ storageError: message });
}

export function storageErrorDismissed(): void {
  set({ storageError: null });
}
