/**
 * Every change to the page's state goes through one of these plain functions, so React
 * components and the worker bridge change state the same way.
 */
import { DEFAULT_AUGMENTATION, type Config } from '../engine/config';
import type { DrawnExample } from '../data/drawn-examples';
import { describeRecord, ioShapeOf } from '../formats/config-format';
import type { DatasetMarker } from '../formats/config-hash';
import { errorText } from '../formats/error-text';
import type { DatasetInfo, DownloadProgress, Embedding, EvaluationReport, FeatureMap, RunOutcome, TestImages, TrainingEvent } from '../worker/api';
import { configProblem, configStateFor, fitConfig, withConfigPatch, withConfigText, withFieldReverted, type ActiveDataset } from './config-slice';
import { DEFAULT_CONFIG } from './presets';
import { appendPoint, appendPoints } from './series';
import { DISTRIBUTIONS_CAP, EPOCH_POINTS_CAP, initialRunState, RATE_READINGS, RUNNING_POINTS_CAP, type AppState, type ConfusionCell, type FineTuneView, type ResultsView, type StorageOffer } from './state';
import { useAppStore } from './store';

const set = useAppStore.setState;

// Config

/** Whether the next runs split each batch between two workers. */
export function setBothCores(on: boolean): void {
  set({ bothCores: on });
}

/** How many workers the run starting now trains in; null when "Use both cores" is off. */
export function workersChosen(workers: 1 | 2 | null): void {
  set({ workersUsed: workers });
}

/** An edit that leaves nothing refused on screen answers a refused Train: its alert goes for good. */
function edited(state: AppState, next: Partial<AppState>): Partial<AppState> {
  return state.trainRefused && configProblem({ ...state, ...next }) === null ? { ...next, trainRefused: false } : next;
}

export function editConfigText(text: string): void {
  set((state) => edited(state, withConfigText(state, text)));
}

/** A form edit of one field; `field` names it as messages do ("learning_rate", "layers[1]"). */
export function editConfigField(field: string, patch: Partial<Config>): void {
  set((state) => edited(state, withConfigPatch(state, field, patch)));
}

/** The field shows the config's value again (it lost focus with a refused edit): its message goes. */
export function configFieldReverted(field: string): void {
  set((state) => edited(state, withFieldReverted(state, field)));
}

/** A preset or a link's config; its input and output sizes follow the active dataset. */
export function loadConfig(config: Config): void {
  set((state) => {
    try {
      return edited(state, configStateFor(fitConfig(config, ioShapeOf(state.dataset))));
    } catch {
      return edited(state, configStateFor(config));
    }
  });
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
    // A new run replaces the fine-tuned model: there is nothing left to compare or undo.
    fineTune: null,
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
  } else if (outcome.status === 'finished') {
    set({ status: 'finished', secondHalves: outcome.secondHalves ?? null, kernelsUsed: outcome.kernels });
  } else {
    set({ status: outcome.status });
  }
}

export function runReset(): void {
  set({ ...initialRunState(), fineTune: null });
}

/** Something went wrong outside the training maths (a dead worker, a failed call): say so and stop. */
export function runFailed(message: string, modelLost: boolean): void {
  set((state) => ({
    status: state.status === 'idle' || state.status === 'loading' ? 'idle' : 'stopped',
    runError: message,
    hasModel: modelLost ? false : state.hasModel,
  }));
}

/** Train was pressed with a refused edit on screen: nothing starts, and the page says which field until it is fixed. */
export function trainRefused(): void {
  set({ trainRefused: true });
}

/** Train refused for a reason outside the config (a drawn set with too few drawings). */
export function runRefused(problem: string): void {
  set({ runError: `Not started: ${problem}` });
}

export function dismissTrainRefusal(): void {
  set({ trainRefused: false });
}

export function dismissRunError(): void {
  set({ runError: null });
}

export function trainingEventReceived(event: TrainingEvent): void {
  if (event.type === 'progress') {
    set((state) => ({
      progress: event.progress,
      rateReadings: [...state.rateReadings, event.progress.samplesPerSecond].slice(-RATE_READINGS),
      running: appendPoints(state.running, event.points, RUNNING_POINTS_CAP),
    }));
    return;
  }
  if (event.type === 'distributions') {
    set((state) => ({ distributions: appendPoint(state.distributions, event.record, DISTRIBUTIONS_CAP) }));
    return;
  }
  if (event.type === 'best-kept') {
    set({ bestKept: event, evaluation: event.test, selectedCell: null, cellImages: null });
    return;
  }
  if (event.type === 'embedding') {
    embeddingReceived(event.embedding);
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
  set((state) => ({ ...initialRunState(), hasModel: true, modelVersion: state.modelVersion + 1, fineTune: null }));
}

// Dataset download

export function downloadStarted(datasetId: string): void {
  set({ download: { status: 'loading', loadedBytes: 0, totalBytes: null, datasetId } });
}

/** Progress that arrives after the download ended (a message already on its way) is dropped. */
export function downloadProgressed(progress: DownloadProgress): void {
  set((state) => (state.download.status === 'loading' ? { download: { ...state.download, status: 'loading', ...progress } } : {}));
}

/** A new worker starts without the dataset: the next run loads it again (from this browser's cache). */
export function workerDataLost(): void {
  set((state) => ({ download: { status: 'idle', loadedBytes: 0, totalBytes: null, datasetId: state.dataset.id } }));
}

export function downloadFinished(): void {
  set((state) => ({ download: { ...state.download, status: 'ready' } }));
}

export function downloadFailed(message: string): void {
  set((state) => ({
    download: { ...state.download, status: 'error' },
    status: state.status === 'loading' ? 'idle' : state.status,
    runError: `The ${state.dataset.name} dataset could not be loaded: ${message}`,
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

/** A map older than the one on screen (an answer overtaken by an epoch's event) is dropped. */
export function embeddingReceived(embedding: Embedding): void {
  set((state) => (state.embedding && state.embedding.sequence >= embedding.sequence ? {} : { embedding, embeddingError: null }));
}

export function embeddingFailed(message: string): void {
  set({ embeddingError: message });
}

export function cellClosed(): void {
  set({ selectedCell: null, cellOffset: 0, cellImages: null });
}

// What this browser keeps

export function restoringStarted(): void {
  set({ restoring: true });
}

export function restoringEnded(): void {
  set({ restoring: false });
}

/** The latest model came back from this browser with the results it had on screen. */
export function resultsRestored(view: ResultsView): void {
  set(view);
}

/** The pad's digit through the model's convolutions, shown under Draw and Inside the network. */
export function featureMapsReceived(maps: FeatureMap[] | null): void {
  set({ drawnMaps: maps });
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

export function storageOffered(offer: StorageOffer): void {
  set({ storageOffer: offer });
}

export function storageOfferTaken(): void {
  set({ storageOffer: null });
}

// Datasets

export function datasetsListed(datasets: DatasetInfo[]): void {
  set({ datasets });
}

export function datasetWorkStarted(work: 'adding' | 'switching'): void {
  set({ datasetWork: work, datasetError: null });
}

/** The dataset could not be added or used: the message names the file and the problem; the active set stays. */
export function datasetFailed(message: string): void {
  set({ datasetWork: null, datasetError: message });
}

export function datasetNoted(note: string): void {
  set({ datasetNote: note });
}

/** What the active set's model now is, said after what following the set changed; it replaces what was said before. */
export function datasetModelNoted(note: string): void {
  set({ datasetModelNote: note });
}

/** The dataset marker of the link the page opened with (null: the link names none). */
export function linkDatasetRead(marker: DatasetMarker | null): void {
  set({ linkDataset: marker });
}

export function datasetErrorDismissed(): void {
  set({ datasetError: null });
}

/** A dataset the worker read and stored is listed and is now the active one (the worker already holds it). */
export function datasetAdded(info: DatasetInfo): void {
  set((state) => ({
    datasets: [...state.datasets.filter((d) => d.id !== info.id), info],
    ...followDataset(state, activeOf(info)),
    download: { status: 'ready', loadedBytes: 0, totalBytes: null, datasetId: info.id },
  }));
}

/** The worker now holds `dataset` (MNIST or a stored set): runs, evaluations and the config follow it. */
export function datasetSelected(dataset: ActiveDataset): void {
  set((state) => ({ ...followDataset(state, dataset), download: { status: 'ready', loadedBytes: 0, totalBytes: null, datasetId: dataset.id } }));
}

export function datasetRemoved(id: string): void {
  set((state) => ({ datasets: state.datasets.filter((d) => d.id !== id) }));
}

export function activeOf(info: DatasetInfo): ActiveDataset {
  const active: ActiveDataset = { id: info.id, name: info.name, height: info.height, width: info.width, classNames: info.classNames };
  return info.drawn ? { ...active, drawn: true } : active;
}

/**
 * What changes when the active dataset does: the last run's figures (they counted another
 * set's images), the model (it belongs to the set it was trained on; the new set's own comes
 * back from this browser), and the config's input and output sizes, which are set to the
 * data's; the note says so. A config that cannot be fitted (a kernel
 * larger than the new images) gives way to the default network, fitted.
 */
function followDataset(state: AppState, dataset: ActiveDataset): Partial<AppState> {
  const io = ioShapeOf(dataset);
  let config: Config;
  let note: string | null = null;
  try {
    config = fitConfig(state.config, io);
  } catch (error) {
    config = fitConfig(DEFAULT_CONFIG, io);
    note = `The network could not be fitted to ${dataset.name} (${errorText(error)}), so the default network was set instead.`;
  }
  const fitted = config.layers[0] !== state.config.layers[0] || config.layers.at(-1) !== state.config.layers.at(-1);
  if (!note && fitted) {
    note = `The network now takes ${io.inputs} inputs (${dataset.height}×${dataset.width} pixels) and gives ${io.classes} outputs (one per class), to fit ${describeRecord(dataset)}.`;
  }
  if (dataset.drawn && !config.augment) {
    config = { ...config, augment: DEFAULT_AUGMENTATION };
    note = `${note ?? ''} Augmentation is on: a few drawings go further when each is also seen shifted and turned a little.`.trim();
  }
  // A refused link or file left the config as it was; why it was refused is still worth reading.
  const refused = state.configErrorSource === 'file' ? { configError: state.configError, configErrorSource: state.configErrorSource } : {};
  return {
    dataset,
    ...configStateFor(config),
    ...refused,
    ...initialRunState(),
    datasetWork: null,
    datasetError: null,
    datasetNote: note,
    datasetModelNote: null,
    fineTune: null,
  };
}

// Drawn examples

/** The active dataset's examples, read from this browser; `problem` names stored entries that were skipped. */
export function examplesLoaded(examples: DrawnExample[], problem: string | null): void {
  set({ examples, examplesProblem: problem });
}

/** A drawn set's images are its examples: the worker reads them again before the next run. */
const drawingsChanged = (state: AppState): Partial<AppState> =>
  state.dataset.drawn && state.download.datasetId === state.dataset.id ? { download: { ...state.download, status: 'idle' } } : {};

export function exampleAdded(example: DrawnExample): void {
  set((state) => (state.dataset.id === example.datasetId ? { examples: [...state.examples, example], ...drawingsChanged(state) } : {}));
}

export function exampleRemoved(id: string): void {
  set((state) => ({ examples: state.examples.filter((e) => e.id !== id), ...drawingsChanged(state) }));
}

/** A fine-tuning starts from a model that read the test set and the user's held-out examples this well. */
export function fineTuneStarted(before: Pick<FineTuneView, 'testBefore' | 'heldOutBefore'>): void {
  set({ fineTune: { ...before, testAfter: null, heldOutAfter: null, error: null } });
}

export function fineTuneFinished(after: Pick<FineTuneView, 'testAfter' | 'heldOutAfter'>): void {
  set((state) => (state.fineTune ? { fineTune: { ...state.fineTune, ...after } } : {}));
}

export function fineTuneFailed(error: string): void {
  set({ fineTune: { testBefore: null, heldOutBefore: null, testAfter: null, heldOutAfter: null, error } });
}

/** The model before the fine-tuning is back, with its evaluation. */
export function fineTuneUndone(evaluation: EvaluationReport | null): void {
  set((state) => ({ ...initialRunState(), hasModel: true, evaluation, modelVersion: state.modelVersion + 1, fineTune: null }));
}
