/**
 * The one module that owns the training worker. It starts the worker on first need, turns
 * user commands into worker calls, and turns the worker's answers and events into store
 * actions. When the worker dies it says so; the next command starts a fresh one.
 */
import * as Comlink from 'comlink';
import {
  cellImagesReceived,
  cellSelected,
  downloadFailed,
  downloadFinished,
  downloadProgressed,
  downloadStarted,
  evaluationReceived,
  modelImported,
  pauseRequested,
  runContinuing,
  runEnded,
  runFailed,
  runReset,
  runStarting,
  trainingEventReceived,
} from '../store/actions';
import type { ConfusionCell } from '../store/state';
import { useAppStore } from '../store/store';
import type { ModelSummary, RunOutcome, TrainingEvent, TrainingWorkerApi } from '../worker/api';

/** How many images a confusion cell shows at most. */
export const CELL_IMAGE_LIMIT = 48;

interface Connection {
  worker: Worker;
  api: Comlink.Remote<TrainingWorkerApi>;
  dataLoaded: boolean;
}

let connection: Connection | null = null;

function connect(): Connection {
  if (connection) return connection;
  const worker = new Worker(new URL('../worker/training.worker.ts', import.meta.url), { type: 'module' });
  const api = Comlink.wrap<TrainingWorkerApi>(worker);
  const current: Connection = { worker, api, dataLoaded: false };
  worker.addEventListener('error', (event) => {
    event.preventDefault();
    workerDied(current, event.message || 'an unexpected error');
  });
  void api.subscribe(Comlink.proxy(onTrainingEvent));
  connection = current;
  return current;
}

function workerDied(dead: Connection, reason: string): void {
  if (connection !== dead) return;
  dead.worker.terminate();
  connection = null;
  runFailed(`The training worker stopped (${reason}). A new one starts with your next action; the model was lost.`, true);
}

function onTrainingEvent(event: TrainingEvent): void {
  trainingEventReceived(event);
  // A new evaluation changes which images sit in the open confusion cell.
  const { selectedCell } = useAppStore.getState();
  if (event.type === 'epoch' && selectedCell) void loadCellImages(selectedCell);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Loads the dataset into the worker once; false when it failed (the store already says why). */
async function ensureData(current: Connection): Promise<boolean> {
  if (current.dataLoaded) return true;
  downloadStarted();
  try {
    await current.api.loadData(Comlink.proxy(downloadProgressed));
    current.dataLoaded = true;
    downloadFinished();
    return true;
  } catch (error) {
    downloadFailed(describe(error));
    return false;
  }
}

async function settle(current: Connection, loop: Promise<RunOutcome>): Promise<void> {
  try {
    runEnded(await loop);
  } catch (error) {
    if (connection === current) runFailed(`Training stopped with an error: ${describe(error)}`, false);
  }
}

/** Starts a new run with the editor's last valid config. */
export async function train(): Promise<void> {
  const { config } = useAppStore.getState();
  const current = connect();
  runStarting(config, !current.dataLoaded);
  if (!(await ensureData(current))) return;
  runContinuing();
  await settle(current, current.api.train(config));
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
    runStarting(config, !current.dataLoaded);
    if (!(await ensureData(current))) return;
  }
  runContinuing();
  await settle(current, current.api.stepEpoch(config));
}

export function pause(): void {
  if (!connection || useAppStore.getState().status !== 'running') return;
  pauseRequested();
  void connection.api.pause();
}

export function stop(): void {
  if (!connection) return;
  const { status } = useAppStore.getState();
  void connection.api.stop();
  // A paused run has no loop that would report the stop.
  if (status === 'paused') runEnded({ status: 'stopped' });
}

export async function reset(): Promise<void> {
  if (connection) await connection.api.reset();
  runReset();
}

/** Output probabilities for a 28×28 image in [0, 1]; null while there is no model. */
export async function predictDigit(pixels: Float32Array): Promise<Float32Array | null> {
  if (!connection) return null;
  return connection.api.predict(pixels);
}

/** Evaluates the current model on the test set now (fetching the test set first if needed). */
export async function evaluateModel(): Promise<void> {
  const current = connection;
  if (!current || !(await ensureData(current))) return;
  const report = await current.api.evaluate();
  if (report) evaluationReceived(report);
}

export async function showCell(cell: ConfusionCell): Promise<void> {
  cellSelected(cell);
  await loadCellImages(cell);
}

async function loadCellImages(cell: ConfusionCell): Promise<void> {
  if (!connection) return;
  const images = await connection.api.getTestImages(cell.actual, cell.predicted, CELL_IMAGE_LIMIT);
  cellImagesReceived(cell, images);
}

/** The current model as model-file JSON; null while there is none. */
export async function exportModel(): Promise<string | null> {
  if (!connection) return null;
  return connection.api.exportModel();
}

/**
 * Replaces the current model with one from a model file (not while training). Rejects with
 * a message naming the problem, and then the current model stays.
 */
export async function importModel(text: string): Promise<ModelSummary> {
  const current = connect();
  const summary = await current.api.importModel(text);
  modelImported();
  return summary;
}
