/**
 * What crosses the boundary between the page and the training worker. Everything here is
 * structured-cloneable; other modules import these with `import type` only, so the worker's
 * code never ends up in the page's bundle.
 */
import type { Config } from '../engine/config';
import type { Kernels } from '../engine/kernels';
import type { FeatureMap } from '../engine/inspect';
import type { DistributionRecord, Histogram, LayerDistribution } from '../engine/histograms';
import type { RangeEnd, RangePoint } from '../engine/lr-finder';
import type { EmbeddingPoints } from '../engine/embedding';
import type { GradCam } from '../engine/saliency';

export type { DistributionRecord, FeatureMap, GradCam, Histogram, LayerDistribution, RangeEnd, RangePoint };
import type { DigitMetrics } from '../engine/metrics';
import type { Dataset } from '../engine/dataset';
import type { DatasetInfo } from '../data/dataset-store';
import type { DatasetRecord } from '../formats/config-format';
import type { NamedBytes } from '../data/idx-set';
import type { DatasetSource, NamedBlob } from './dataset-source';

export type { Dataset, DatasetInfo, DatasetRecord, DatasetSource, DigitMetrics, NamedBlob, NamedBytes };

/**
 * What the worker posts, outside Comlink, while a long piece of work holds its thread (building a
 * large network, writing or reading a large model's text): the page's heartbeat counts it as an
 * answer, so busy is not taken for hung. Comlink ignores messages without its id.
 */
export interface BusyMessage {
  busy: true;
}

/** How many of some images a model reads right. */
export interface Score {
  correct: number;
  total: number;
}

export interface DownloadProgress {
  /** Bytes received so far, over all four files. */
  loadedBytes: number;
  /** Total compressed bytes expected, once the server gave every file's length; null until then. */
  totalBytes: number | null;
}

export interface DatasetSummary {
  trainCount: number;
  testCount: number;
}

/** One point of the within-epoch curve. */
export interface RunningPoint {
  /** Position in the run, in epochs: 0.5 is halfway through the first epoch. */
  x: number;
  /** Mean loss of the samples since the previous point: what the network does right now. */
  windowLoss: number;
  windowAccuracy: number;
  /** Mean since the start of the epoch: what the epoch's summary line will report. */
  runningLoss: number;
  runningAccuracy: number;
}

export interface LiveProgress {
  /** The epoch in progress, from 1. */
  epoch: number;
  epochs: number;
  samplesDone: number;
  samplesTotal: number;
  samplesPerSecond: number;
  runningLoss: number;
  runningAccuracy: number;
}

export interface EvaluationReport {
  /** The epoch whose model was evaluated; 0 for an imported model. */
  epoch: number;
  /** confusion[actual][predicted]: how many test images of digit `actual` were read as `predicted`. */
  confusion: number[][];
  correct: number;
  total: number;
  accuracy: number;
  perDigit: DigitMetrics[];
}

export interface EpochReport {
  epoch: number;
  seconds: number;
  /** The seed program's "Average Error": mean squared output error over the epoch. */
  averageError: number;
  /** Mean training loss over the epoch. */
  loss: number;
  trainAccuracy: number;
  samples: number;
  /** Accuracy on the held-out validation images; absent without a validation split. */
  validationAccuracy?: number;
  test: EvaluationReport;
}

/** A run with patience on ended (early or after its last epoch) and kept its best epoch's model. */
export interface BestKept {
  type: 'best-kept';
  bestEpoch: number;
  epochsRun: number;
  /** True when validation accuracy stalled for `patience` epochs before the last epoch. */
  stoppedEarly: boolean;
  validationAccuracy: number;
  /** The kept model on the test set. */
  test: EvaluationReport;
  /** The kept model as a model file. */
  model: string;
}

/** A map of what the network learned: its last hidden layer's vectors for the first test images, on their two principal axes. */
export interface Embedding extends EmbeddingPoints {
  /** The epoch of the model it maps; 0 for an imported model. */
  epoch: number;
  /** Counts the maps a worker made, so a late answer never replaces a newer map. */
  sequence: number;
  /** Each image's true class and pixels (count × image size bytes). */
  labels: Uint8Array;
  images: Uint8Array;
}

export type TrainingEvent =
  | { type: 'progress'; progress: LiveProgress; points: RunningPoint[] }
  /** The map of the model an epoch left, sent while the page shows the map. */
  | { type: 'embedding'; embedding: Embedding }
  /** `model` is the model file as the epoch left it, before the next epoch's first slice. */
  | { type: 'epoch'; report: EpochReport; model: string }
  /** A new run's distributions: before training, a few times in each epoch and at its end. */
  | { type: 'distributions'; record: DistributionRecord }
  | BestKept;

/** A run stopped by hand, and which model it left. */
export interface StoppedOutcome {
  status: 'stopped';
  /** Complete epochs of the model kept (0: none completed, and the weights at the stop stay). */
  keptEpoch: number;
  /** Samples of the unfinished epoch dropped by going back to the last complete epoch's model. */
  droppedSamples: number;
  /** The kept model's test evaluation, when going back made it current again. */
  test?: EvaluationReport;
}

/**
 * Of a run's second halves, how many the second worker computed; the training worker computed
 * the rest, when that was faster (engine/shards.ts, AdaptivePeer).
 */
export interface SecondHalves {
  second: number;
  total: number;
}

/** Why a training loop returned. */
export type RunOutcome =
  | { status: 'paused' }
  /** `kernels`: the arithmetic it trained with (engine/kernels.ts); `secondHalves` when it trained in two workers. */
  | { status: 'finished'; kernels: Kernels; secondHalves?: SecondHalves }
  | StoppedOutcome
  | {
      status: 'diverged';
      message: string;
      epoch: number;
      /** Whether a complete epoch's model was there to fall back to. */
      modelKept: boolean;
    };

export interface TestImages {
  /** Position of the first image among the cell's images. */
  offset: number;
  count: number;
  /** count × 784 bytes. */
  images: Uint8Array;
  /** count × 10 output probabilities, from the model that produced the evaluation. */
  probabilities: Float32Array;
  /** Index of each image in the test set. */
  indices: Uint32Array;
}

/** How far a learning-rate range test has got. */
export interface RangeProgress {
  /** The batches trained since the last report, one point each. */
  points: RangePoint[];
  /** Batches so far, and at most. */
  step: number;
  steps: number;
}

export interface RangeResult {
  points: RangePoint[];
  /** Where the loss fell fastest; null when it never fell. */
  suggested: number | null;
  ended: RangeEnd;
}

/** A page of the test images the last evaluation got wrong, the ones it was surest of first. */
export interface MistakeImages extends TestImages {
  /** How many test images the evaluation got wrong, over all pages. */
  total: number;
  /** The true class of each image on the page. */
  labels: Uint8Array;
}

/** The first layer's weights: one 28×28 picture per hidden unit of what it responds to. */
export interface FirstLayerWeights {
  inputs: number;
  units: number;
  /** units × inputs: row u holds unit u's incoming weights, pixel by pixel. */
  weights: Float32Array;
  /** The epoch of the model they come from; 0 for an imported model. */
  epoch: number;
}

/** The first convolution's filters: one kernel×kernel picture per filter and input channel. */
export interface ConvFilters {
  kernelSize: number;
  channels: number;
  filters: number;
  /** W[f][ky][kx][c], as a saved model's conv2d layer holds them. */
  weights: Float32Array;
  /** The epoch of the model they come from; 0 for an imported model. */
  epoch: number;
}

export interface ModelSummary {
  /** The network in a few words: "784-64-10 ReLU/Softmax", or its typed layers "28×28×1 → conv2d 8×5×5 same ReLU → …". */
  description: string;
}

export interface TrainingWorkerApi {
  /** Answers at once; the page's heartbeat uses it to notice a worker that is gone. */
  ping(): Promise<true>;
  /** Registers the one listener of training events; replaces any earlier one. */
  subscribe(listener: (event: TrainingEvent) => void): void;
  /**
   * Makes a dataset the one runs use: MNIST ('mnist', fetched or read from cache) or one the
   * user added (read from this browser); idempotent. On failure the previous set stays.
   */
  loadData(onProgress: (progress: DownloadProgress) => void, datasetId: string, fresh?: boolean): Promise<DatasetSummary>;
  /**
   * Reads a dataset the user picked, keeps it in this browser and makes it the active one;
   * throws a message naming the file and the problem, and then the active set stays.
   * `onBusy` is called now and then during work that cannot answer pings (inflating a file).
   */
  addDataset(source: DatasetSource, onBusy: () => void): Promise<DatasetInfo>;
  /** Keeps a new set of `classNames` whose images will be drawn on the pad, and makes it the active one. */
  createDrawnDataset(name: string, classNames: string[]): Promise<DatasetInfo>;
  /** The datasets kept in this browser, oldest first. */
  listDatasets(): Promise<DatasetInfo[]>;
  /** Forgets a kept dataset and the examples drawn for it. */
  deleteDataset(id: string): Promise<void>;
  /** A kept dataset as the IDX files (and labels.txt) that add it again, byte for byte. */
  exportDataset(id: string): Promise<NamedBytes[]>;
  /**
   * From the next run on, networks trained in batches split each batch into two halves whose
   * gradients are summed in a fixed order: in two workers where the page is cross-origin
   * isolated (SharedArrayBuffer), else both halves in this one, with the same weights either
   * way. Those that cannot (engine/config.ts, oneWorkerReason) keep one worker.
   * Answers how many workers such a run will use.
   */
  useBothCores(on: boolean): Promise<1 | 2>;
  /** Starts a new run from fresh weights and trains until the run ends, is paused or stopped. */
  train(config: Config): Promise<RunOutcome>;
  /** Continues a paused run. */
  resume(): Promise<RunOutcome>;
  /** Trains to the end of the current epoch (starting a run with `config` if there is none), then pauses. */
  stepEpoch(config: Config): Promise<RunOutcome>;
  /** Asks the running loop to pause after its current chunk; the loop's promise resolves 'paused'. */
  pause(): void;
  /**
   * Ends the run; the model trained so far is kept for evaluation and prediction. A paused
   * run ends here and its outcome is the answer; a running loop ends after its current
   * slice and reports through its own promise, so the answer is then null (as with no run).
   */
  stop(): RunOutcome | null;
  /** Forgets the run and the model. */
  reset(): Promise<void>;
  /** Evaluates the current model on the test set; null when there is no model. */
  evaluate(): Promise<EvaluationReport | null>;
  /** The current model's first-layer weights (a copy, transferred); null when there is no model. */
  firstLayerWeights(): Promise<FirstLayerWeights | null>;
  /** The current model's first convolution filters (a copy, transferred); null without a model or a convolution. */
  convFilters(): Promise<ConvFilters | null>;
  /** Each convolution layer's feature maps for one image in [0, 1]; null without a model or a convolution. */
  featureMaps(pixels: Float32Array): Promise<FeatureMap[] | null>;
  /** Each hidden layer's outputs for one 784-pixel image in [0, 1]; null when there is no model. */
  hiddenActivations(pixels: Float32Array): Promise<Float32Array[] | null>;
  /**
   * The gradient of the predicted class's output with respect to each pixel of one image in
   * [0, 1], through every layer kind; null without a model.
   */
  saliency(pixels: Float32Array): Promise<Float32Array | null>;
  /** Grad-CAM on the last convolution for one image in [0, 1]; null without a model or a convolution. */
  gradCam(pixels: Float32Array): Promise<GradCam | null>;
  /** From now on (or no longer) each epoch's end sends an 'embedding' event with the map of its model. */
  watchEmbedding(on: boolean): void;
  /**
   * The current model's embedding map; null without a model or data. Throws a message naming
   * the problem when the vectors cannot be mapped.
   */
  embedding(): Promise<Embedding | null>;
  /** Output probabilities for one 784-pixel image in [0, 1]; null when there is no model. */
  predict(pixels: Float32Array): Promise<Float32Array | null>;
  /** The current model as a model-file JSON text; null when there is no model. */
  exportModel(): Promise<string | null>;
  /**
   * Replaces the current model with one read from a model file; throws a message naming the
   * problem, or both shapes when it was trained on a set of another shape than `active`.
   */
  importModel(text: string, active: DatasetRecord): Promise<ModelSummary>;
  /**
   * Sets up a fine-tuning of the current model on the user's training examples mixed into the
   * dataset's training images; resume() trains it like a paused run. Answers the config it
   * trains with. Throws when there is no model.
   */
  prepareFineTune(mine: Dataset): Promise<Config>;
  /** Back to the model before the last fine-tuning, exactly, with its test evaluation; null when there is nothing to undo. */
  undoFineTune(): Promise<{ evaluation: EvaluationReport | null } | null>;
  /** The probability the current model gives each of `data`'s images for its own label; null without a model. */
  confidences(data: Dataset): Promise<Float32Array | null>;
  /** How many of `data` the current model reads right; null without a model. */
  scoreOn(data: Dataset): Promise<Score | null>;
  /**
   * importModel for a file the user picked (ours, neural-net-rs's, or ONNX), read and converted
   * here so the page stays responsive; refused unread above MAX_MODEL_FILE_BYTES. Answers the
   * model's text too, which the page keeps to restore the model into a new worker.
   */
  importModelFile(name: string, file: Blob, active: DatasetRecord, onBusy: () => void): Promise<{ summary: ModelSummary; text: string }>;
  /**
   * Test images the last evaluation counted in cell (actual, predicted): at most `limit`,
   * skipping the cell's first `offset`. A model with no evaluation yet is evaluated first.
   */
  getTestImages(actual: number, predicted: number, offset: number, limit: number): Promise<TestImages>;
  /**
   * At most `limit` of the test images the last evaluation got wrong, from the `offset`-th,
   * the ones the model was surest of first. A model with no evaluation yet is evaluated first.
   */
  getMistakes(offset: number, limit: number): Promise<MistakeImages>;
  /**
   * A learning-rate range test of `config` from its initialisation, on a network of its own:
   * the model, the run and its results stay as they are. Throws when the config does not fit the set.
   */
  findLearningRate(config: Config, onProgress: (progress: RangeProgress) => void): Promise<RangeResult>;
}
