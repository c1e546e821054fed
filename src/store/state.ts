/** The page's state, in slices; `initialState` is also what tests reset to. */
import type { Config } from '../engine/config';
import type { Kernels } from '../engine/kernels';
import type { DrawnExample } from '../data/drawn-examples';
import type { DatasetMarker } from '../formats/config-hash';
import type { BestKept, DatasetInfo, DistributionRecord, Embedding, EvaluationReport, FeatureMap, LiveProgress, RunningPoint, Score, SecondHalves, StoppedOutcome, TestImages } from '../worker/api';
import { configStateFor, MNIST_DATASET, type ConfigState } from './config-slice';
import { initialRunsState, type RunsState } from './runs';
import { emptySeries, type DecimatedSeries } from './series';

export type RunStatus =
  | 'idle' // no run yet, or reset
  | 'loading' // fetching the dataset before the first run
  | 'running'
  | 'pausing' // asked to pause; the worker finishes its current chunk
  | 'paused'
  | 'stopped'
  | 'finished'
  | 'diverged';

export interface RunState {
  status: RunStatus;
  /** The config of the current (or last) run; editor changes apply to the next run. */
  runConfig: Config | null;
  progress: LiveProgress | null;
  /** The last RATE_READINGS samples-per-second figures of the run, oldest first: whether a time estimate is steady yet. */
  rateReadings: number[];
  /** True when the worker holds a model (trained or imported) that can evaluate and predict. */
  hasModel: boolean;
  /** A problem the user must know about: divergence, a dead worker, a failed download. */
  runError: string | null;
  /** Train was pressed with a refused edit on screen; the page names it while it is still there. */
  trainRefused: boolean;
  /** Set when a run with patience ended and kept its best epoch's model. */
  bestKept: BestKept | null;
  /** Set when the run was stopped by hand: which model it kept. */
  stopped: StoppedOutcome | null;
  /** What each convolution makes of the digit on the pad; null without a drawing or a convolution. */
  drawnMaps: FeatureMap[] | null;
}

export interface EpochPoint {
  epoch: number;
  seconds: number;
  averageError: number;
  loss: number;
  trainAccuracy: number;
  testAccuracy: number;
  /** Absent without a validation split. */
  validationAccuracy?: number;
}

export interface MetricsState {
  epochs: DecimatedSeries<EpochPoint>;
  /** The within-epoch curve over the whole run. */
  running: DecimatedSeries<RunningPoint>;
  /** The run's histograms of weights, gradients and activations, from before training on. */
  distributions: DecimatedSeries<DistributionRecord>;
}

export interface ConfusionCell {
  actual: number;
  predicted: number;
}

export interface EvaluationState {
  evaluation: EvaluationReport | null;
  selectedCell: ConfusionCell | null;
  /** Position of the page of the selected cell's images on screen. */
  cellOffset: number;
  /** The selected cell's images; null while they load. */
  cellImages: TestImages | null;
  /** The latest model's embedding map, while the map is on screen; null until one arrives. */
  embedding: Embedding | null;
  /** Why the map of the current model cannot be drawn. */
  embeddingError: string | null;
}

export interface DownloadState {
  download: {
    status: 'idle' | 'loading' | 'ready' | 'error';
    loadedBytes: number;
    totalBytes: number | null;
    /** The dataset the worker holds (ready) or is loading. */
    datasetId: string;
  };
}

/** The datasets the user added to this browser, and what the picker is doing with them. */
export interface DatasetsState {
  datasets: DatasetInfo[];
  /** Reading a picked dataset, or switching to a stored one; the active set stays meanwhile. */
  datasetWork: 'adding' | 'switching' | null;
  /** Why the last dataset could not be added or used, naming the file and the problem. */
  datasetError: string | null;
  /** What following the dataset changed (the network's input and output sizes). */
  datasetNote: string | null;
  /** What the active set's own model is: none yet, brought back from this browser, or kept from a run on it. */
  datasetModelNote: string | null;
  /**
   * The dataset the link this page opened with was made on (links do not carry data), or why its
   * marker was not read. It outlives changes of dataset, such as the last visit's set made active.
   */
  linkDataset: DatasetMarker | null;
}

/** The examples the user drew for the active dataset, kept in this browser. */
export interface ExamplesState {
  examples: DrawnExample[];
  /** Stored entries that could not be read (damaged, or not written by this page): skipped, and said so. */
  examplesProblem: string | null;
  /** The last fine-tuning on them, before and after; null when there is none to show or undo. */
  fineTune: FineTuneView | null;
}

export interface FineTuneView {
  /** Test set accuracy before; null when the model had no evaluation. */
  testBefore: number | null;
  /** The user's held-out examples read right before. */
  heldOutBefore: Score | null;
  /** After, once it has finished. */
  testAfter: number | null;
  heldOutAfter: Score | null;
  /** Why it could not start. */
  error: string | null;
}

/** A dataset to delete so that what failed for a full quota can be tried again. */
export interface StorageOffer {
  datasetId: string;
  /** The button's words, naming the set and its size: "Delete Small (0.7 MB)". */
  label: string;
}

/** What this browser keeps between visits, as the page tells the user about it. */
export interface StorageState {
  /** Counts the models loaded from a file, a run or this browser's storage: each is a new model to read drawings with. */
  modelVersion: number;
  /** What happened to the model last loaded: restored from this browser, loaded from a file. */
  modelNote: string | null;
  /** Something could not be kept in or read from this browser's storage. */
  storageError: string | null;
  /** After a full storage quota: the dataset whose deletion would make room, offered beside the message; null when none is. */
  storageOffer: StorageOffer | null;
  /** The last visit's model and results are being read back; the page says so until they appear. */
  restoring: boolean;
}

/**
 * The results on screen for the latest model, kept with it in this browser so that a reload
 * shows its curves and evaluation again, not just the bare model.
 */
export interface ResultsView {
  runConfig: Config | null;
  epochs: DecimatedSeries<EpochPoint>;
  running: DecimatedSeries<RunningPoint>;
  evaluation: EvaluationReport | null;
  bestKept: BestKept | null;
}

export function resultsView(state: AppState): ResultsView {
  const { runConfig, epochs, running, evaluation, bestKept } = state;
  return { runConfig, epochs, running, evaluation, bestKept };
}

/** Whether runs split each batch between two workers (see engine/shards.ts), and how many the last run used. */
export interface CoresState {
  /** Starts as bothCoresByDefault says; the checkbox's choice then holds for the page's life. */
  bothCores: boolean;
  /** 2 when the last run trained in two workers; 1 in one; null before a run, or when it ran with both cores off. */
  workersUsed: 1 | 2 | null;
  /** Of the last finished run's second halves, how many the second worker computed; null unless it trained in two. */
  secondHalves: SecondHalves | null;
  /** The arithmetic the last finished run trained with (engine/kernels.ts); null before one finishes. */
  kernelsUsed: Kernels | null;
}

export type AppState = ConfigState &
  RunState &
  MetricsState &
  EvaluationState &
  DownloadState &
  DatasetsState &
  ExamplesState &
  RunsState &
  StorageState &
  CoresState;

/** Chart caps: enough points for a smooth line, few enough to redraw in a few milliseconds. */
export const EPOCH_POINTS_CAP = 300;
export const RUNNING_POINTS_CAP = 400;
/** Recordings of the distributions kept: a ridge of 200 histograms is already a dense one. */
export const DISTRIBUTIONS_CAP = 200;
/** Progress events (one each 200 ms or so) whose rates must agree before a time estimate shows. */
export const RATE_READINGS = 4;

/** A page with no run, no model and no evaluation: where the app starts and where Reset returns. */
export function initialRunState(): RunState & MetricsState & EvaluationState {
  return {
    status: 'idle',
    runConfig: null,
    progress: null,
    rateReadings: [],
    hasModel: false,
    runError: null,
    trainRefused: false,
    bestKept: null,
    stopped: null,
    drawnMaps: null,
    epochs: emptySeries(),
    running: emptySeries(),
    distributions: emptySeries(),
    evaluation: null,
    selectedCell: null,
    cellOffset: 0,
    cellImages: null,
    embedding: null,
    embeddingError: null,
  };
}

export function initialState(config: Config): AppState {
  return {
    ...configStateFor(config),
    dataset: MNIST_DATASET,
    ...initialRunState(),
    download: { status: 'idle', loadedBytes: 0, totalBytes: null, datasetId: MNIST_DATASET.id },
    datasets: [],
    datasetWork: null,
    datasetError: null,
    datasetNote: null,
    datasetModelNote: null,
    examples: [],
    examplesProblem: null,
    fineTune: null,
    linkDataset: null,
    ...initialRunsState(),
    modelVersion: 0,
    modelNote: null,
    storageError: null,
    storageOffer: null,
    restoring: false,
    bothCores: bothCoresByDefault(globalThis),
    workersUsed: null,
    secondHalves: null,
    kernelsUsed: null,
  };
}

/** "Use both cores" starts on where a second worker can run (SharedArrayBuffer needs cross-origin isolation) on a second core. */
export function bothCoresByDefault(scope: { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; navigator?: { hardwareConcurrency?: number } }): boolean {
  return scope.crossOriginIsolated === true && typeof scope.SharedArrayBuffer === 'function' && (scope.navigator?.hardwareConcurrency ?? 1) >= 2;
}

/** True while the worker's training loop is (or is about to be) busy. */
export function isBusy(status: RunStatus): boolean {
  return status === 'loading' || status === 'running' || status === 'pausing';
}
