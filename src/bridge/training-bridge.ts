/**
 * The one module that owns the training worker. It starts the worker on first need, turns
 * user commands into worker calls, and turns the worker's answers and events into store
 * actions. When the worker dies (an error event, or a heartbeat it no longer answers) it
 * says so, starts a fresh one and loads the last epoch's model into it.
 */
import * as Comlink from 'comlink';
import type { Config } from '../engine/config';
import { whyOneWorker } from '../engine/worker-gain';
import {
  activeOf,
  cellImagesReceived,
  cellPageSelected,
  datasetAdded,
  datasetErrorDismissed,
  datasetFailed,
  datasetRemoved,
  datasetSelected,
  datasetsListed,
  datasetWorkStarted,
  cellSelected,
  downloadFailed,
  downloadFinished,
  downloadProgressed,
  downloadStarted,
  embeddingFailed,
  embeddingReceived,
  workerDataLost,
  evaluationReceived,
  fineTuneFailed,
  fineTuneFinished,
  fineTuneStarted,
  fineTuneUndone,
  modelImported,
  pauseRequested,
  runContinuing,
  runEnded,
  runFailed,
  runReset,
  storageOfferTaken,
  runStarting,
  workersChosen,
  trainRefused,
  runRefused,
  trainingEventReceived,
} from '../store/actions';
import { runRecordDropped, runRecordEnded, runRecordEpoch, runRecordInterrupted, runRecordStarted } from '../store/runs-actions';
import { isBusy, type ConfusionCell, type FineTuneView } from '../store/state';
import { classCounts, drawnSetProblem, examplesDataset, parseClassList, splitExamples, type DrawnExample } from '../data/drawn-examples';
import { configProblem } from '../store/config-slice';
import { useAppStore } from '../store/store';
import { MNIST_DATASET } from '../store/config-slice';
import type {
  BusyMessage,
  ConvFilters,
  DatasetSource,
  EvaluationReport,
  FeatureMap,
  FirstLayerWeights,
  GradCam,
  MistakeImages,
  ModelSummary,
  NamedBytes,
  RangeProgress,
  RangeResult,
  RunOutcome,
  TrainingEvent,
  TrainingWorkerApi,
} from '../worker/api';
import { startHeartbeat } from './heartbeat';
import { storageProblem, takeStorageRetry } from './storage-full';
import { errorText } from '../formats/error-text';
import { areaResample } from '../data/preprocess';

/** How many images a confusion cell shows at most. */
export const CELL_IMAGE_LIMIT = 48;

const HEARTBEAT_MS = 2000;
/**
 * Generous: evaluation slices and dataset decoding hold the worker for a moment on a slow
 * machine, and at a load average of 15–20 on two cores a worker loading MNIST went 10 s
 * without answering while alive. A worker that really died is still noticed within 20 s.
 */
const HEARTBEAT_TIMEOUT_MS = 20_000;

interface Connection {
  worker: Worker;
  api: Comlink.Remote<TrainingWorkerApi>;
  /** Rejects when the worker dies, so calls still waiting on it end instead of hanging. */
  dead: Promise<never>;
  kill(reason: string): void;
  /** The worker reported progress in work that cannot answer pings: it is busy, not gone. */
  alive(): void;
}

/** A trained model saved at the end of an epoch: what a new worker gets when the old one died. */
export interface Checkpoint {
  runId: string | null;
  epoch: number;
  modelText: string;
  /** This model on the test set; null for a model loaded from a file. */
  evaluation: EvaluationReport | null;
}

let connection: Connection | null = null;
/** The embedding map is on screen: each worker is told so when it starts. */
let embeddingWatched = false;
let lastCheckpoint: Checkpoint | null = null;
const checkpointListeners = new Set<(checkpoint: Checkpoint) => void>();

/** Calls `listener` with the model after each completed epoch; returns the unsubscribe function. */
export function onCheckpoint(listener: (checkpoint: Checkpoint) => void): () => void {
  checkpointListeners.add(listener);
  return () => checkpointListeners.delete(listener);
}

/**
 * Starts the training worker ahead of the first Train, which would otherwise wait about 1.5 s
 * for it to load and compile its kernels, and its second worker where "Use both cores" is on.
 * Neither loads data until a run asks; Train says again which workers to use.
 */
export function startWorkerEarly(): void {
  const current = connect();
  if (useAppStore.getState().bothCores) void answer(current, current.api.useBothCores(true)).catch(() => {});
}

function connect(): Connection {
  if (connection) return connection;
  const worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<TrainingWorkerApi>(worker);
  if (embeddingWatched) void api.watchEmbedding(true);
  let kill: (reason: string) => void = () => {};
  const dead = new Promise<never>((_, reject) => {
    kill = (reason) => reject(new Error(reason));
  });
  // Nobody may be waiting on it; the rejection is still expected.
  dead.catch(() => {});
  const current: Connection = { worker, api, dead, kill, alive: () => heartbeat.alive() };
  worker.addEventListener('message', (event: MessageEvent<Partial<BusyMessage> | null>) => {
    if (event.data?.busy === true) heartbeat.alive();
  });
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    workerDied(current, event.message || 'an unexpected error');
  });
  const heartbeat = startHeartbeat({
    ping: () => api.ping(),
    onDead: (reason) => workerDied(current, reason),
    intervalMs: HEARTBEAT_MS,
    timeoutMs: HEARTBEAT_TIMEOUT_MS,
  });
  void dead.catch(heartbeat.stop);
  connection = current;
  return current;
}

function workerDied(dead: Connection, reason: string): void {
  if (connection !== dead) return;
  dead.worker.terminate();
  dead.kill(reason);
  connection = null;
  workerDataLost();
  runRecordInterrupted(`The training worker stopped (${reason}).`);
  const checkpoint = lastCheckpoint;
  const kept = !checkpoint
    ? ' No epoch had completed, so there is no model to restore;'
    : checkpoint.epoch > 0
      ? ` The model of epoch ${checkpoint.epoch} was loaded into a new worker;`
      : ' The loaded model was put into a new worker;';
  runFailed(`The training worker stopped (${reason}).${kept} the runs history is kept.`, checkpoint === null);
  if (checkpoint) void restoreCheckpoint(checkpoint);
}

async function restoreCheckpoint(checkpoint: Checkpoint): Promise<void> {
  try {
    await connect().api.importModel(checkpoint.modelText, useAppStore.getState().dataset);
  } catch (error) {
    runFailed(`The training worker stopped, and the last model could not be restored: ${errorText(error)}`, true);
  }
}

/**
 * Each run gets a listener of its own (a port of its own), bound to its id: an event of a
 * run that a newer one replaced still lands in its own record, and never on the page's charts.
 */
function listenToRun(current: Connection, runId: string): void {
  void current.api.subscribe(Comlink.proxy((event: TrainingEvent) => onTrainingEvent(runId, event)));
}

function onTrainingEvent(runId: string, event: TrainingEvent): void {
  const latest = useAppStore.getState().currentRunId === runId;
  if (event.type === 'epoch') runRecordEpoch(runId, event.report);
  if (!latest) return;
  trainingEventReceived(event);
  if (event.type === 'best-kept') keepCheckpoint({ runId, epoch: event.bestEpoch, modelText: event.model, evaluation: event.test });
  if (event.type !== 'epoch') return;
  keepCheckpoint({ runId, epoch: event.report.epoch, modelText: event.model, evaluation: event.report.test });
  // A new evaluation changes which images sit in the open confusion cell.
  const { selectedCell } = useAppStore.getState();
  if (selectedCell) void loadCellImages(selectedCell);
}

/** A call's answer, or a rejection as soon as its worker dies (a dead worker never answers). */
function answer<T>(current: Connection, call: Promise<T>): Promise<T> {
  return Promise.race([call, current.dead]);
}

/** The model a run has settled on: each epoch's, then the early-stopping kept one. */
function keepCheckpoint(checkpoint: Checkpoint): void {
  lastCheckpoint = checkpoint;
  for (const listener of checkpointListeners) listener(checkpoint);
}

/**
 * Kills the training worker the way the browser would (no error event, no goodbye), so the
 * heartbeat's recovery can be exercised end to end. The page exposes it as
 * `window.mnistPlayground.terminateWorkerForTesting`; it can do nothing a user could not
 * do by closing the worker in the browser's task manager.
 */
export function terminateWorkerForTesting(): void {
  connection?.worker.terminate();
}

/** Whether the worker holds the active dataset: the store's download status says so, and a dead worker's data is forgotten with it. */
const dataReady = () => {
  const { download, dataset } = useAppStore.getState();
  return download.status === 'ready' && download.datasetId === dataset.id;
};

/** Loads the active dataset into the worker once; false when it failed (the store already says why). */
async function ensureData(current: Connection): Promise<boolean> {
  if (dataReady()) return true;
  const { id, drawn } = useAppStore.getState().dataset;
  downloadStarted(id);
  try {
    await answer(current, current.api.loadData(Comlink.proxy(downloadProgressed), id, drawn === true));
    downloadFinished();
    return true;
  } catch (error) {
    // A dead worker has already been reported; its download did not fail.
    if (connection === current) downloadFailed(errorText(error));
    return false;
  }
}

/** Waits for the training loop to return; null when it failed or its worker died. */
async function settle(current: Connection, loop: Promise<RunOutcome>): Promise<RunOutcome | null> {
  try {
    const outcome = await answer(current, loop);
    runEnded(outcome);
    runRecordEnded(outcome);
    return outcome;
  } catch (error) {
    if (connection === current) {
      runRecordInterrupted(`Training stopped with an error: ${errorText(error)}`);
      runFailed(`Training stopped with an error: ${errorText(error)}`, false);
    }
    return null;
  }
}

/**
 * Starts a new run with `config`, or with the editor's config when none is given, unless a
 * refused edit is on screen (then nothing starts and the page says why); resolves with how
 * the run ended (null when it could not start or failed).
 */
export async function train(config?: Config): Promise<RunOutcome | null> {
  const { dataset, examples } = useAppStore.getState();
  const drawnProblem = dataset.drawn ? drawnSetProblem(classCounts(examples, dataset.classNames.length), dataset.classNames) : null;
  if (drawnProblem) {
    runRefused(drawnProblem);
    return null;
  }
  if (!config) {
    if (configProblem(useAppStore.getState())) {
      trainRefused();
      return null;
    }
  }
  return trainConfig(config ?? useAppStore.getState().config);
}

async function trainConfig(config: Config): Promise<RunOutcome | null> {
  const current = connect();
  runStarting(config, !dataReady());
  if (!(await ensureData(current))) return null;
  const { bothCores } = useAppStore.getState();
  const workers = await current.api.useBothCores(bothCores);
  workersChosen(bothCores ? (whyOneWorker(config) ? 1 : workers) : null);
  listenToRun(current, runRecordStarted(config));
  runContinuing();
  return settle(current, current.api.train(config));
}

export async function resume(): Promise<void> {
  const current = connection;
  if (!current || useAppStore.getState().status !== 'paused') return;
  runContinuing();
  await settle(current, current.api.resume());
}

/** Trains to the end of the current epoch, or one epoch of a new run when none is paused. */
export async function stepEpoch(): Promise<void> {
  const { status, config } = useAppStore.getState();
  const current = connect();
  if (status !== 'paused') {
    runStarting(config, !dataReady());
    if (!(await ensureData(current))) return;
    listenToRun(current, runRecordStarted(config));
  }
  runContinuing();
  await settle(current, current.api.stepEpoch(config));
}

export function pause(): void {
  if (!connection || useAppStore.getState().status !== 'running') return;
  pauseRequested();
  void connection.api.pause();
}

/** The worker decides what stopping ends: a paused run is answered here, a running loop reports through train's settle. */
export async function stop(): Promise<void> {
  const current = connection;
  if (!current) return;
  const outcome: RunOutcome | null = await answer<RunOutcome | null>(current, current.api.stop()).catch(() => null);
  if (outcome) {
    runEnded(outcome);
    runRecordEnded(outcome);
  }
}

/** Counts resets, so an answer about a model that a reset has since forgotten is dropped. */
let resets = 0;

export async function reset(): Promise<void> {
  resets++;
  if (connection) await connection.api.reset();
  lastCheckpoint = null;
  runRecordDropped();
  runReset();
}

const PAD_SIDE = 28;

/** The drawing pad's 28×28 image at the active dataset's size (area-averaged), so any set's network can read a drawing. */
export function atDatasetSize(pixels: Float32Array): Float32Array {
  const { height, width } = useAppStore.getState().dataset;
  if (height === PAD_SIDE && width === PAD_SIDE) return pixels;
  return areaResample(pixels, PAD_SIDE, PAD_SIDE, width, height);
}

/** Output probabilities for a 28×28 image in [0, 1]; null while there is no model. */
export async function predictDigit(pixels: Float32Array): Promise<Float32Array | null> {
  if (!connection) return null;
  return answer(connection, connection.api.predict(atDatasetSize(pixels))).catch(() => null);
}

/** How much each pixel of a drawing moves the answer (see engine/saliency.ts); null without a model. */
export async function saliencyOf(pixels: Float32Array): Promise<Float32Array | null> {
  return saliencyOfImage(atDatasetSize(pixels));
}

/** saliencyOf for an image already at the dataset's size (a test image), in [0, 1]. */
export async function saliencyOfImage(pixels: Float32Array): Promise<Float32Array | null> {
  if (!connection) return null;
  return answer(connection, connection.api.saliency(pixels)).catch(() => null);
}

/** Grad-CAM on the last convolution for a drawing (see engine/saliency.ts); null without a model or a convolution. */
export async function gradCamOf(pixels: Float32Array): Promise<GradCam | null> {
  return gradCamOfImage(atDatasetSize(pixels));
}

/** gradCamOf for an image already at the dataset's size (a test image), in [0, 1]. */
export async function gradCamOfImage(pixels: Float32Array): Promise<GradCam | null> {
  if (!connection) return null;
  return answer(connection, connection.api.gradCam(pixels)).catch(() => null);
}

/** Whether the current model has a convolution (for Grad-CAM to look at); false without a model. */
export async function hasConvolution(): Promise<boolean> {
  return (await convFilters()) !== null;
}

/** Whether the embedding map is on screen: while it is, each epoch sends the map of its model. */
export function watchEmbedding(on: boolean): void {
  embeddingWatched = on;
  void connection?.api.watchEmbedding(on);
}


/** The current model's embedding map into the store (loading the test set first if needed); a map that cannot be drawn says why. */
export async function loadEmbedding(): Promise<void> {
  const current = connection;
  const asked = resets;
  if (!current || !(await ensureData(current))) return;
  try {
    const embedding = await answer(current, current.api.embedding());
    if (embedding && asked === resets) embeddingReceived(embedding);
  } catch (error) {
    if (asked === resets) embeddingFailed(`The map cannot be drawn: ${errorText(error)}`);
  }
}

/** The first layer's weights, one row per hidden unit; null while there is no model. */
export async function firstLayerWeights(): Promise<FirstLayerWeights | null> {
  if (!connection) return null;
  return answer(connection, connection.api.firstLayerWeights()).catch(() => null);
}

/** The first convolution's filters; null while there is no model, or it has no convolution. */
export async function convFilters(): Promise<ConvFilters | null> {
  if (!connection) return null;
  return answer(connection, connection.api.convFilters()).catch(() => null);
}

/** Each convolution layer's feature maps for a 28×28 image in [0, 1]; null without a model or a convolution. */
export async function featureMaps(pixels: Float32Array): Promise<FeatureMap[] | null> {
  if (!connection) return null;
  return answer(connection, connection.api.featureMaps(atDatasetSize(pixels))).catch(() => null);
}

/** Each hidden layer's outputs for a 28×28 image in [0, 1]; null while there is no model. */
export async function hiddenActivations(pixels: Float32Array): Promise<Float32Array[] | null> {
  if (!connection) return null;
  return answer(connection, connection.api.hiddenActivations(atDatasetSize(pixels))).catch(() => null);
}

/** Evaluates the current model on the test set now (fetching the test set first if needed). */
export async function evaluateModel(): Promise<void> {
  const current = connection;
  const asked = resets;
  if (!current || !(await ensureData(current))) return;
  const report = await answer(current, current.api.evaluate());
  if (report && asked === resets) evaluationReceived(report);
}

export async function showCell(cell: ConfusionCell): Promise<void> {
  cellSelected(cell);
  await loadCellImages(cell);
}

/** Another page of the open cell's images. */
export async function showCellPage(offset: number): Promise<void> {
  const { selectedCell } = useAppStore.getState();
  if (!selectedCell) return;
  cellPageSelected(offset);
  await loadCellImages(selectedCell);
}

async function loadCellImages(cell: ConfusionCell): Promise<void> {
  const current = connection;
  // After a reload the model's evaluation came from storage; its images need the test set.
  if (!current || !(await ensureData(current))) return;
  const offset = useAppStore.getState().cellOffset;
  const images = await answer(current, current.api.getTestImages(cell.actual, cell.predicted, offset, CELL_IMAGE_LIMIT));
  cellImagesReceived(cell, images);
}

/**
 * A learning-rate range test of `config` in the worker, on a network of its own; null when the
 * data could not be loaded. Rejects with a message naming the problem (a config that does not
 * fit the set, a worker that died).
 */
export async function findLearningRate(config: Config, onProgress: (progress: RangeProgress) => void): Promise<RangeResult | null> {
  const current = connect();
  if (!(await ensureData(current))) return null;
  return answer(current, current.api.findLearningRate(config, Comlink.proxy(onProgress)));
}

/** A page of the test images the last evaluation got wrong, surest first; null without a worker or data. */
export async function loadMistakes(offset: number, limit: number): Promise<MistakeImages | null> {
  const current = connection;
  if (!current || !(await ensureData(current))) return null;
  return answer(current, current.api.getMistakes(offset, limit));
}

/** The current model as model-file JSON; null while there is none. */
export async function exportModel(): Promise<string | null> {
  if (!connection) return null;
  return answer(connection, connection.api.exportModel());
}

/**
 * Replaces the current model with one from a model file (not while training). Rejects with
 * a message naming the problem, and then the current model stays.
 */
export async function importModel(text: string): Promise<ModelSummary> {
  const current = connect();
  const summary = await answer(current, current.api.importModel(text, useAppStore.getState().dataset));
  lastCheckpoint = { runId: null, epoch: 0, modelText: text, evaluation: null };
  modelImported();
  return summary;
}

// Fine-tuning on the user's drawn examples

/**
 * Continues training the current model on the active dataset's drawn examples (the training
 * ones; the held-out ones are scored before and after) mixed into its training images, with
 * the run's progress and curves; the model before can be had back with undoFineTune.
 */
export async function fineTune(): Promise<void> {
  const current = connection;
  const state = useAppStore.getState();
  if (!current || !state.hasModel || isBusy(state.status)) return;
  if (!(await ensureData(current))) return;
  const { dataset, examples } = state;
  const size = dataset.height * dataset.width;
  const split = splitExamples(examples.filter((e) => e.datasetId === dataset.id));
  const mine = examplesDataset(split.train, size);
  const heldOut = examplesDataset(split.heldOut, size);
  let config: Config;
  let before: Pick<FineTuneView, 'testBefore' | 'heldOutBefore'>;
  try {
    const testBefore = (useAppStore.getState().evaluation ?? (await answer(current, current.api.evaluate())))?.accuracy ?? null;
    before = { testBefore, heldOutBefore: await answer(current, current.api.scoreOn(heldOut)) };
    config = await answer(current, current.api.prepareFineTune(mine));
  } catch (error) {
    fineTuneFailed(`Fine-tuning could not start: ${errorText(error)}`);
    return;
  }
  runStarting(config, false);
  fineTuneStarted(before);
  listenToRun(current, runRecordStarted(config));
  runContinuing();
  const outcome = await settle(current, current.api.resume());
  if (!outcome || outcome.status === 'diverged') return;
  const heldOutAfter = await answer(current, current.api.scoreOn(heldOut));
  fineTuneFinished({ testAfter: (await lastEpochEvaluation())?.accuracy ?? null, heldOutAfter });
}

/** How long a finished run's last epoch report may lag behind the run's answer before it is given up on. */
const REPORT_LAG_MS = 30_000;

/**
 * The evaluation of the run that just finished. Its epoch reports come through the run's own
 * port and the run's answer through the worker's, so under load the answer can come first: the
 * report is then waited for (while the fine-tuning view stays), not taken as missing.
 */
function lastEpochEvaluation(): Promise<EvaluationReport | null> {
  const { evaluation } = useAppStore.getState();
  if (evaluation) return Promise.resolve(evaluation);
  return new Promise((resolve) => {
    const done = (value: EvaluationReport | null) => {
      clearTimeout(timer);
      stop();
      resolve(value);
    };
    const stop = useAppStore.subscribe((state) => {
      if (state.evaluation || !state.fineTune) done(state.evaluation);
    });
    const timer = setTimeout(() => done(null), REPORT_LAG_MS);
  });
}

/** How sure the current model is of each example's own class, in the order given; null while there is no model. */
export async function exampleConfidences(examples: readonly DrawnExample[]): Promise<Float32Array | null> {
  const { dataset } = useAppStore.getState();
  if (!connection || examples.length === 0) return null;
  const data = examplesDataset(examples, dataset.height * dataset.width);
  return answer(connection, connection.api.confidences(data)).catch(() => null);
}

/** Back to the model before the last fine-tuning, exactly, with its evaluation; kept as the latest model. */
export async function undoFineTune(): Promise<void> {
  const current = connection;
  if (!current || isBusy(useAppStore.getState().status)) return;
  const undone = await answer(current, current.api.undoFineTune());
  if (!undone) return;
  const { evaluation } = undone;
  const modelText = await answer(current, current.api.exportModel());
  fineTuneUndone(evaluation);
  if (modelText) keepCheckpoint({ runId: null, epoch: evaluation?.epoch ?? 0, modelText, evaluation });
}

/** importModel for a file the user picked; the worker reads and converts it (an ONNX file too), off the page's thread. */
export async function importModelFile(file: File): Promise<ModelSummary> {
  const current = connect();
  const { summary, text } = await answer(current, current.api.importModelFile(file.name, file, useAppStore.getState().dataset, Comlink.proxy(current.alive)));
  lastCheckpoint = { runId: null, epoch: 0, modelText: text, evaluation: null };
  modelImported();
  return summary;
}

// Datasets: read, kept and switched in the worker, so pixels never pass through the page.

/** Lists the datasets this browser keeps. */
export async function listDatasets(): Promise<void> {
  const current = connect();
  datasetsListed(await answer(current, current.api.listDatasets()));
}

/**
 * Reads and keeps a dataset the user picked and makes it the active one; a bad one is
 * refused with a message naming the file and the problem, and the active dataset stays.
 */
export async function addDataset(source: DatasetSource): Promise<boolean> {
  const current = connect();
  datasetWorkStarted('adding');
  try {
    const info = await answer(current, current.api.addDataset(source, Comlink.proxy(current.alive)));
    await forgetModel(current);
    datasetAdded(info);
    return true;
  } catch (error) {
    datasetFailed(`${source.name.trim() || 'The dataset'} was not added: ${await storageProblem(error, () => addDataset(source))}`);
    return false;
  }
}

/**
 * A model belongs to the set it was trained on: on a switch of set the worker forgets it, and
 * an answer about it still on its way is dropped. The new set's own comes back from this
 * browser (app/persistence.ts).
 */
async function forgetModel(current: Connection): Promise<void> {
  resets++;
  await answer(current, current.api.reset());
  lastCheckpoint = null;
}

/** Keeps a new set whose images are drawn on the pad, of the classes typed in `classList`, and makes it the active one. */
export async function createDrawnDataset(name: string, classList: string): Promise<boolean> {
  const current = connect();
  datasetWorkStarted('adding');
  try {
    if (name.trim() === '') throw new Error('the dataset needs a name');
    const info = await answer(current, current.api.createDrawnDataset(name.trim(), parseClassList(classList)));
    await forgetModel(current);
    datasetAdded(info);
    return true;
  } catch (error) {
    datasetFailed(`${name.trim() || 'The drawn dataset'} was not made: ${errorText(error)}`);
    return false;
  }
}

/** Makes MNIST or a kept dataset the active one; on failure the active one stays. */
export async function selectDataset(id: string): Promise<void> {
  const state = useAppStore.getState();
  const info = state.datasets.find((d) => d.id === id);
  const next = info ? activeOf(info) : MNIST_DATASET;
  if (next.id === state.dataset.id) return;
  const current = connect();
  datasetWorkStarted('switching');
  try {
    await answer(current, current.api.loadData(Comlink.proxy(() => {}), next.id));
    await forgetModel(current);
    datasetSelected(next);
  } catch (error) {
    datasetFailed(`${next.name} could not be used: ${errorText(error)}`);
  }
}

/** A kept dataset as IDX files and labels.txt, which the IDX form adds again as the same set. */
export async function exportDataset(id: string): Promise<NamedBytes[]> {
  const current = connect();
  return answer(current, current.api.exportDataset(id));
}

/** Forgets a kept dataset and its drawn examples; when it is the active one, MNIST takes its place first. */
export async function deleteDataset(id: string): Promise<void> {
  if (useAppStore.getState().dataset.id === id) await selectDataset(MNIST_DATASET.id);
  if (useAppStore.getState().dataset.id === id) return;
  const current = connect();
  await answer(current, current.api.deleteDataset(id));
  datasetRemoved(id);
}

/** The full-quota offer taken: its dataset is deleted, then what failed for the quota is tried again. */
export async function acceptStorageOffer(): Promise<void> {
  const offer = useAppStore.getState().storageOffer;
  if (!offer) return;
  const retry = takeStorageRetry();
  storageOfferTaken();
  datasetErrorDismissed();
  await deleteDataset(offer.datasetId);
  await retry?.();
}
