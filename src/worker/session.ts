/**
 * What the training worker does, without the worker: it owns the datasets and the network,
 * runs training in slices of about SLICE_MS so pause and stop messages get through between
 * them, and reports progress to one listener. The worker file only exposes this over Comlink,
 * so tests drive it directly in Node.
 */
import type { Config } from '../engine/config.ts';
import type { Kernels } from '../engine/kernels.ts';
import { copyImage, type Dataset } from '../engine/dataset.ts';
import { isDenseSpec, type LayerSpec } from '../engine/layer.ts';
import { distributionSample, DistributionRecorder, spreadSample } from '../engine/histograms.ts';
import { featureMaps, firstConvSpec, layerOutputs, type FeatureMap } from '../engine/inspect.ts';
import { confidentMistakes, metricsFromConfusion, SlicedEvaluation, type ConfusionMetrics, type Evaluation, type OtherHalf } from '../engine/metrics.ts';
import { rangeTestFor, suggestRate, type RangeEnd } from '../engine/lr-finder.ts';
import { Network } from '../engine/network.ts';
import { gradCam, saliency, type GradCam } from '../engine/saliency.ts';
import { EmbeddingMap } from '../engine/embedding.ts';
import { createRng } from '../engine/rng.ts';
import { AdaptivePeer, inProcessPeer, type ShardPeer } from '../engine/shards.ts';
import { TrainingRun, type KeptBest } from '../engine/run.ts';
import { multiplyAddsPerSample, whyOneWorker } from '../engine/worker-gain.ts';
import { FINE_TUNING, fineTuneConfig, mixedBatches, type FineTuning } from '../engine/fine-tune.ts';
import type { DivergenceError } from '../engine/train.ts';
import { describeNetwork } from '../formats/config-format.ts';
import { parseModel, serializeModel } from '../formats/model-format.ts';
import { describeRecord, MNIST_RECORD, sameRecordShape, shapeMismatch, type DatasetRecord } from '../formats/config-format.ts';
import type {
  ConvFilters,
  DatasetSummary,
  DownloadProgress,
  Embedding,
  EvaluationReport,
  FirstLayerWeights,
  LiveProgress,
  MistakeImages,
  ModelSummary,
  RangeProgress,
  RangeResult,
  RunOutcome,
  RunningPoint,
  Score,
  TestImages,
  TrainingEvent,
} from './api.ts';

export interface Datasets {
  train: Dataset;
  test: Dataset;
  /** Which set this is (name, image size, class names); MNIST when absent. */
  record?: DatasetRecord;
}

/** The built-in set's id; every other id names a set the user added. */
export const MNIST_DATASET = 'mnist';

export interface SessionOptions {
  /** The set `datasetId` names: MNIST downloaded, or one the user added, read from this browser. */
  loadData(onProgress: (progress: DownloadProgress) => void, datasetId: string): Promise<Datasets>;
  /** Lets queued messages (pause, stop, predict) run before the next slice. */
  yieldToEvents(): Promise<void>;
  now(): number;
  /**
   * A second worker computing the second half of each batch (see shard-peer.ts), ready to
   * take a run, and classifying the second half of `test` in each test evaluation; where its
   * peer `gathers`, it reads its half's samples from `train` (a copy with the same indices).
   * Absent, or null, where two workers cannot run here.
   */
  secondWorker?(network: Network, batchSize: number, test: Dataset, train: Dataset): ShardPeer | null;
  /** Whether runs record their distributions (on unless false: the benchmark times them both ways). */
  recordDistributions?: boolean;
  /**
   * Called during work that holds the thread for long (building a large network, its first batch,
   * writing a large model's text), so the page knows the worker is busy, not hung. Cheap to call often.
   */
  busy?(): void;
}

/** Milliseconds of training between two looks at the message queue. */
const SLICE_MS = 50;
/** At most this often a progress event goes to the page. */
const PROGRESS_MS = 200;
/** Test images evaluated between two looks at the message queue. */
const EVALUATION_SLICE = 2000;

/**
 * Distributions recorded per epoch, evenly spaced, the last at the epoch's end: one per 15,000
 * samples, at most four. Each runs at most 1,000 images forward (fewer for costly networks,
 * see distributionSample), about what training 330 costs, so recording stays near 2% of an
 * epoch however short it is.
 */
export function recordsPerEpoch(samplesTotal: number): number {
  return Math.max(1, Math.min(4, Math.floor(samplesTotal / 15_000)));
}

/** Chart points every 1% of an epoch, but at least every 500 and at most every 100 samples. */
export function pointSpacing(samplesTotal: number): number {
  return Math.min(500, Math.max(100, Math.round(samplesTotal / 100)));
}

interface Run {
  training: TrainingRun;
  /** Epoch-so-far totals at the last chart point, to average the samples since. */
  lastPoint: { samples: number; lossSum: number; correct: number };
  /** The last complete epoch's test evaluation, restored with its model when a stop drops a part epoch. */
  lastTest: { report: EvaluationReport; evaluated: Evaluated } | null;
  /** Records the run's distributions; null for a fine-tuning, whose page shows no new run. */
  recorder: DistributionRecorder | null;
  /** Recordings of the epoch under way made so far. */
  recordedInEpoch: number;
  /** Where each second half ran, when a second worker was offered. */
  secondHalves: AdaptivePeer | null;
}

/** A model as it was, to go back to. */
interface ModelSnapshot {
  specs: LayerSpec[];
  config: Config;
  record: DatasetRecord;
  metrics: ConfusionMetrics | null;
  kernels: Kernels | null;
  epoch: number;
  lastGood: LayerSpec[] | null;
}

/** The model behind the last evaluation, kept so a confusion cell's images show the probabilities it counted. */
interface Evaluated {
  specs: LayerSpec[];
  predicted: Uint8Array;
  confidence: Float32Array;
  network: Network | null;
  /** The wrong answers, surest first; sorted when first asked for. */
  mistakes: Uint32Array | null;
}

export class TrainingSession {
  private readonly options: SessionOptions;
  private listener: (event: TrainingEvent) => void = () => {};
  private data: Datasets | null = null;
  private dataId: string | null = null;
  /** The set the data is, or is being switched to: what models must fit. */
  private record: DatasetRecord = MNIST_RECORD;
  private loading: { id: string; promise: Promise<Datasets> } | null = null;
  private network: Network | null = null;
  /** The config the current network was built from (a run's, or an imported model's). */
  private modelConfig: Config | null = null;
  /** The set the current network was trained on, recorded in its model file. */
  private modelRecord: DatasetRecord = MNIST_RECORD;
  /** The current network's last test-set evaluation, saved with the model. */
  private modelMetrics: ConfusionMetrics | null = null;
  /** The kernels that last trained the current network, saved with the model; null where not known. */
  private modelKernels: Kernels | null = null;
  /** Complete epochs the current network was trained for; 0 for fresh or imported weights. */
  private modelEpoch = 0;
  private run: Run | null = null;
  /** The model at the end of the last complete epoch, restored when a run diverges. */
  private lastGood: LayerSpec[] | null = null;
  private evaluated: Evaluated | null = null;
  private loop: Promise<RunOutcome> | null = null;
  private pauseRequested = false;
  private stopRequested = false;
  /** Whether runs split their batches in two halves (useBothCores). */
  private bothCores = false;
  /** The last run's second worker, which classifies half of the test set for networks of that run's layout. */
  private otherHalf: OtherHalf | null = null;
  /** The model before the last fine-tuning, until Undo, or another model, replaces it. */
  private beforeFineTune: ModelSnapshot | null = null;
  /** Whether the page shows the embedding map, so each epoch's end sends a new one. */
  private embeddingWatched = false;
  private embeddingMap: EmbeddingMap | null = null;
  private embeddingsSent = 0;

  constructor(options: SessionOptions) {
    this.options = options;
  }

  subscribe(listener: (event: TrainingEvent) => void): void {
    this.listener = listener;
  }

  /**
   * Makes `datasetId` the set runs train on and evaluations count (MNIST by default). A set
   * that fails to load changes nothing: the previous one stays, with the model. A set of
   * another shape than the model's forgets the model, which could not read it. `fresh` reads
   * the set again even when it is the active one (a drawn set whose drawings changed).
   */
  async loadData(onProgress: (progress: DownloadProgress) => void, datasetId: string = MNIST_DATASET, fresh = false): Promise<DatasetSummary> {
    if (!this.data || this.dataId !== datasetId || fresh) {
      if (this.loop) throw new Error('The dataset cannot change while training runs; pause or stop it first.');
      if (this.loading?.id !== datasetId || fresh) this.loading = { id: datasetId, promise: this.options.loadData(onProgress, datasetId) };
      const loading = this.loading;
      try {
        const data = await loading.promise;
        if (this.loading === loading) this.useData(datasetId, data);
      } finally {
        if (this.loading === loading) this.loading = null;
      }
    }
    const data = this.data as Datasets;
    return { trainCount: data.train.count, testCount: data.test.count };
  }

  /** A set just read (a dataset the user added) becomes the active one, without reading it again. */
  useData(datasetId: string, data: Datasets): void {
    if (this.loop) throw new Error('The dataset cannot change while training runs; pause or stop it first.');
    const record = data.record ?? MNIST_RECORD;
    if (this.network && !sameRecordShape(this.modelRecord, record)) this.forgetModel();
    this.run = null;
    this.evaluated = null;
    this.data = data;
    this.dataId = datasetId;
    this.record = record;
  }

  /**
   * From the next run on, networks that gain from it (whyOneWorker) compute each batch as two halves
   * (engine/shards.ts): in two workers where a second worker is offered, else both in this
   * one, with the same weights either way. Answers how many workers will train.
   */
  useBothCores(on: boolean): 1 | 2 {
    this.bothCores = on;
    return on && this.options.secondWorker ? 2 : 1;
  }

  async train(config: Config): Promise<RunOutcome> {
    await this.endLoop();
    this.startRun(config);
    return this.runLoop(false);
  }

  async resume(): Promise<RunOutcome> {
    if (this.loop) return this.loop;
    if (!this.run) return { status: 'stopped', keptEpoch: this.modelEpoch, droppedSamples: 0 };
    return this.runLoop(false);
  }

  async stepEpoch(config: Config): Promise<RunOutcome> {
    if (this.loop) {
      this.pauseRequested = true;
      await this.loop;
    }
    if (!this.run) this.startRun(config);
    return this.runLoop(true);
  }

  pause(): void {
    if (this.loop) this.pauseRequested = true;
  }

  stop(): RunOutcome | null {
    if (this.loop) {
      this.stopRequested = true;
      return null;
    }
    if (!this.run) return null;
    return this.stopRun(this.run);
  }

  async reset(): Promise<void> {
    await this.endLoop();
    this.forgetModel();
  }

  private forgetModel(): void {
    this.beforeFineTune = null;
    this.network = null;
    this.modelConfig = null;
    this.modelMetrics = null;
    this.modelKernels = null;
    this.modelEpoch = 0;
    this.lastGood = null;
    this.evaluated = null;
  }

  async evaluate(): Promise<EvaluationReport | null> {
    if (!this.network || !this.data) return null;
    return this.evaluateNetwork(this.network, this.modelEpoch);
  }

  predict(pixels: Float32Array): Float32Array | null {
    if (!this.network || pixels.length !== this.network.inputSize) return null;
    return this.network.predict(pixels);
  }

  firstLayerWeights(): FirstLayerWeights | null {
    if (!this.network) return null;
    const first = this.network.layers[0].toSpec();
    if (!isDenseSpec(first)) return null;
    const { inputs, outputs, weights } = first;
    return { inputs, units: outputs, weights, epoch: this.modelEpoch };
  }

  convFilters(): ConvFilters | null {
    if (!this.network) return null;
    const first = firstConvSpec(this.network.toLayerSpecs());
    if (!first) return null;
    return { kernelSize: first.kernelSize, channels: first.inputShape[2], filters: first.filters, weights: first.weights, epoch: this.modelEpoch };
  }

  featureMaps(pixels: Float32Array): FeatureMap[] | null {
    if (!this.network || pixels.length !== this.network.inputSize) return null;
    const maps = featureMaps(this.network, pixels);
    return maps.length > 0 ? maps : null;
  }

  hiddenActivations(pixels: Float32Array): Float32Array[] | null {
    if (!this.network || pixels.length !== this.network.inputSize) return null;
    const hidden = this.network.layers.slice(0, -1).map((layer) => layer.toSpec());
    return hidden.every(isDenseSpec) ? layerOutputs(hidden, pixels) : null;
  }

  saliency(pixels: Float32Array): Float32Array | null {
    if (!this.network || pixels.length !== this.network.inputSize) return null;
    return saliency(this.network.toLayerSpecs(), pixels).gradient;
  }

  gradCam(pixels: Float32Array): GradCam | null {
    if (!this.network || pixels.length !== this.network.inputSize) return null;
    return gradCam(this.network.toLayerSpecs(), pixels);
  }

  /** From now on (or no longer) each epoch's end sends the embedding map of its model. */
  watchEmbedding(on: boolean): void {
    this.embeddingWatched = on;
  }

  private embeddingMapOf(test: Dataset): EmbeddingMap {
    if (this.embeddingMap?.data !== test) this.embeddingMap = new EmbeddingMap(test);
    return this.embeddingMap;
  }

  /**
   * The current model's embedding map of the first test images; null without a model or data.
   * Throws a message naming the problem when the vectors cannot be mapped (fewer than 2 images or values).
   */
  embedding(): Embedding | null {
    return this.embeddingFor(false);
  }

  /** The map of the current model; `evaluated`: from what its test evaluation just kept, when that covered the map's images. */
  private embeddingFor(evaluated: boolean): Embedding | null {
    const test = this.data?.test;
    if (!this.network || !test || test.inputSize !== this.network.inputSize) return null;
    const maker = this.embeddingMapOf(test);
    const { count } = maker;
    const map = (evaluated && maker.fromTaken(this.network)) || maker.compute(this.network);
    return {
      ...map,
      epoch: this.modelEpoch,
      sequence: ++this.embeddingsSent,
      labels: test.labels.slice(0, count),
      images: test.images.slice(0, count * test.inputSize),
    };
  }

  exportModel(): string | null {
    if (!this.network || !this.modelConfig) return null;
    // MNIST models stay the files they always were; any other set is named, with its shape and classes.
    const dataset = this.modelRecord === MNIST_RECORD ? {} : { dataset: this.modelRecord };
    const kernels = this.modelKernels ? { kernels: this.modelKernels } : {};
    return serializeModel({ config: this.modelConfig, layers: this.network.toLayerSpecs(), metrics: this.modelMetrics, ...dataset, ...kernels }, undefined, this.options.busy);
  }

  /**
   * Loads a model file; one trained on a set of another shape than `active` (the page's
   * dataset; the loaded one by default) is refused, naming both.
   */
  importModel(text: string, active: DatasetRecord = this.record): ModelSummary {
    if (this.loop) throw new Error('A model cannot be loaded while training runs; pause or stop it first.');
    const model = parseModel(text, this.options.busy);
    const trainedOn = model.dataset ?? MNIST_RECORD;
    const mismatch = shapeMismatch(trainedOn, active);
    if (mismatch) throw new Error(`This model does not fit the dataset: ${mismatch}.`);
    const specs = model.layers;
    const network = Network.fromLayers(specs);
    this.run = null;
    this.beforeFineTune = null;
    this.network = network;
    this.modelConfig = model.config;
    this.modelRecord = model.dataset ?? MNIST_RECORD;
    this.modelMetrics = model.metrics;
    this.modelKernels = model.kernels ?? null;
    this.modelEpoch = 0;
    this.lastGood = network.toLayerSpecs();
    this.evaluated = null;
    return { description: describeNetwork(model.config) };
  }

  /**
   * Sets up a fine-tuning of the current model on `mine` (the user's examples) mixed into the
   * training images, to train with resume() like a paused run; answers the config it trains
   * with. The model as it is now is kept for undoFineTune.
   */
  async prepareFineTune(mine: Dataset, tuning: FineTuning = FINE_TUNING): Promise<Config> {
    await this.endLoop();
    const data = this.requireData();
    if (!this.network || !this.modelConfig) throw new Error('There is no model to fine-tune: train one or load a model file first.');
    const config = fineTuneConfig(this.modelConfig, tuning);
    const rng = createRng(config.seed);
    const mixed = mixedBatches(data.train, mine, tuning.steps, config.batchSize, tuning.mineFraction, rng);
    const before: ModelSnapshot = {
      specs: this.network.toLayerSpecs().map(copySpec),
      config: this.modelConfig,
      record: this.modelRecord,
      metrics: this.modelMetrics,
      kernels: this.modelKernels,
      epoch: this.modelEpoch,
      lastGood: this.lastGood,
    };
    const training = new TrainingRun(config, mixed, rng, { test: data.test, now: this.options.now, network: this.network, inOrder: true });
    this.beforeFineTune = before;
    this.modelKernels = training.network.kernels;
    this.run = { training, lastPoint: { samples: 0, lossSum: 0, correct: 0 }, lastTest: null, recorder: null, recordedInEpoch: 0, secondHalves: null };
    return config;
  }

  /** Goes back to the model before the last fine-tuning, weight for weight, and answers its test evaluation; null when there is nothing to undo. */
  undoFineTune(): { evaluation: EvaluationReport | null } | null {
    if (this.loop) throw new Error('A fine-tuning cannot be undone while training runs; pause or stop it first.');
    const before = this.beforeFineTune;
    if (!before) return null;
    this.beforeFineTune = null;
    this.run = null;
    this.network = Network.fromLayers(before.specs.map(copySpec));
    this.modelConfig = before.config;
    this.modelRecord = before.record;
    this.modelMetrics = before.metrics;
    this.modelKernels = before.kernels;
    this.modelEpoch = before.epoch;
    this.lastGood = before.lastGood;
    this.evaluated = null;
    return { evaluation: before.metrics && { epoch: before.epoch, ...before.metrics } };
  }

  /** How many of `data` (the user's held-out examples) the current model reads right; null without a model. */
  scoreOn(data: Dataset): Score | null {
    if (!this.network || data.inputSize !== this.network.inputSize) return null;
    const evaluation = new SlicedEvaluation(this.network, data);
    while (!evaluation.done) evaluation.step(EVALUATION_SLICE);
    return { correct: evaluation.correct, total: data.count };
  }

  /** The probability the current model gives each of `data`'s images for its own label; null without a model. */
  confidences(data: Dataset): Float32Array | null {
    if (!this.network || data.inputSize !== this.network.inputSize) return null;
    const input = new Float32Array(data.inputSize);
    return Float32Array.from({ length: data.count }, (_, i) => {
      copyImage(data, i, input, 0);
      return (this.network as Network).predict(input)[data.labels[i]];
    });
  }

  async getTestImages(actual: number, predicted: number, offset: number, limit: number): Promise<TestImages> {
    const found = await this.evaluatedTest();
    if (!found) return noImages(offset);
    const { evaluated, test } = found;
    const indices: number[] = [];
    let skipped = 0;
    for (let i = 0; i < test.count && indices.length < limit; i++) {
      if (test.labels[i] !== actual || evaluated.predicted[i] !== predicted) continue;
      if (skipped < offset) skipped++;
      else indices.push(i);
    }
    return this.imagesOf(evaluated, test, indices, offset);
  }

  /** A page of the test images the last evaluation got wrong, those it was surest of first. */
  async getMistakes(offset: number, limit: number): Promise<MistakeImages> {
    const found = await this.evaluatedTest();
    if (!found) return { ...noImages(offset), total: 0, labels: new Uint8Array(0) };
    const { evaluated, test } = found;
    evaluated.mistakes ??= confidentMistakes(test.labels, evaluated);
    const indices = Array.from(evaluated.mistakes.subarray(offset, offset + limit));
    return { ...this.imagesOf(evaluated, test, indices, offset), total: evaluated.mistakes.length, labels: Uint8Array.from(indices, (i) => test.labels[i]) };
  }

  /** The last evaluation's answers with the test set they are about; null without a model or data. */
  private async evaluatedTest(): Promise<{ evaluated: Evaluated; test: Dataset } | null> {
    const test = this.data?.test;
    // A model restored from storage comes with the evaluation it had, but not the per-image answers behind it.
    if (!this.evaluated && this.network && test) await this.evaluateNetwork(this.network, this.modelEpoch);
    return this.evaluated && test ? { evaluated: this.evaluated, test } : null;
  }

  /** The images at `indices` with the outputs the evaluated model gave them. */
  private imagesOf(evaluated: Evaluated, test: Dataset, indices: number[], offset: number): TestImages {
    evaluated.network ??= Network.fromLayers(evaluated.specs);
    const network = evaluated.network;
    const size = test.inputSize;
    const images = new Uint8Array(indices.length * size);
    const classes = this.record.classNames.length;
    const probabilities = new Float32Array(indices.length * classes);
    const input = new Float32Array(size);
    indices.forEach((index, k) => {
      const pixels = test.images.subarray(index * size, (index + 1) * size);
      images.set(pixels, k * size);
      for (let p = 0; p < size; p++) input[p] = pixels[p] / 255;
      probabilities.set(network.predict(input).subarray(0, classes), k * classes);
    });
    return { offset, count: indices.length, images, probabilities, indices: Uint32Array.from(indices) };
  }

  async findLearningRate(config: Config, onProgress: (progress: RangeProgress) => void): Promise<RangeResult> {
    const { now, yieldToEvents } = this.options;
    const test = rangeTestFor(config, this.dataFor(config).train, createRng(config.seed));
    const { steps } = test.options;
    let sent = 0;
    for (let running = true; running; ) {
      const started = now();
      while (running && now() - started < SLICE_MS) running = test.step();
      onProgress({ points: test.points.slice(sent), step: test.points.length, steps });
      sent = test.points.length;
      await yieldToEvents();
    }
    return { points: test.points, suggested: suggestRate(test.points), ended: test.ended as RangeEnd };
  }

  /** Stops any running loop and waits for it to return. */
  private async endLoop(): Promise<void> {
    if (this.loop) {
      this.stopRequested = true;
      await this.loop;
    }
    this.run = null;
  }

  /** The loaded data, when `config`'s network fits it; otherwise throws, naming both. */
  private dataFor(config: Config): Datasets {
    const data = this.requireData();
    const classes = this.record.classNames.length;
    if (config.layers[0] !== data.train.inputSize || config.layers[config.layers.length - 1] !== classes) {
      throw new Error(
        `The network ${config.layers[0]}→…→${config.layers[config.layers.length - 1]} does not fit ${describeRecord(this.record)}: ` +
          `it needs ${data.train.inputSize} inputs and ${classes} outputs.`,
      );
    }
    return data;
  }

  private startRun(config: Config): void {
    const data = this.dataFor(config);
    this.options.busy?.();
    this.otherHalf = null;
    // The cast keeps the type the callback may assign: TypeScript does not follow assignments in callbacks.
    let secondHalves = null as AdaptivePeer | null;
    const training = new TrainingRun(config, data.train, createRng(config.seed), {
      test: data.test,
      now: this.options.now,
      shardPeer: (network, train) => {
        const peer = this.shardPeer(network, config, data.test, train);
        if (peer instanceof AdaptivePeer) secondHalves = peer;
        return peer;
      },
      // While the map is on screen, the test evaluation's first images give it its vectors.
      onTestBatch: (network, start, rows) => {
        if (this.embeddingWatched) this.embeddingMapOf(data.test).take(network, start, rows);
      },
    });
    this.beforeFineTune = null;
    this.network = training.network;
    this.modelConfig = config;
    this.modelRecord = this.record;
    this.modelMetrics = null;
    this.modelKernels = training.network.kernels;
    this.lastGood = null;
    this.modelEpoch = 0;
    const recorder = this.options.recordDistributions === false ? null : new DistributionRecorder(training.network, spreadSample(data.test, distributionSample(multiplyAddsPerSample(config))));
    this.run = { training, lastPoint: { samples: 0, lossSum: 0, correct: 0 }, lastTest: null, recorder, recordedInEpoch: 0, secondHalves };
    if (recorder) this.listener({ type: 'distributions', record: recorder.record(0, false) });
  }

  private shardPeer(network: Network, config: Config, test: Dataset, train: Dataset): ShardPeer | null {
    if (!this.bothCores || whyOneWorker(config)) return null;
    const remote = this.options.secondWorker?.(network, config.batchSize, test, train);
    this.otherHalf = remote?.otherHalf ?? null;
    // The replica in this thread gathers from the same samples as the second worker's copy, where that one gathers.
    const local = remote && inProcessPeer(network, config.batchSize, remote.exchange, remote.gathers ? train : undefined);
    return remote && local ? new AdaptivePeer(remote, local, this.options.now) : inProcessPeer(network, config.batchSize);
  }

  /**
   * Ends the run by hand. Weights part-way through an epoch were never tested and are not the
   * model the runs history holds, so the model goes back to the last complete epoch's, with its
   * evaluation; before the first epoch completes there is nothing to go back to, and the
   * weights at the stop stay.
   */
  private stopRun(run: Run): RunOutcome {
    this.run = null;
    const { lastTest } = run;
    const { epochSamples, epochsDone } = run.training;
    if (epochSamples === 0 || !lastTest || !this.lastGood) {
      return { status: 'stopped', keptEpoch: epochsDone, droppedSamples: 0 };
    }
    this.network = Network.fromLayers(this.lastGood.map(copySpec));
    this.evaluated = lastTest.evaluated;
    this.modelMetrics = lastTest.report;
    return { status: 'stopped', keptEpoch: epochsDone, droppedSamples: epochSamples, test: lastTest.report };
  }

  private requireData(): Datasets {
    if (!this.data) throw new Error('The dataset is not loaded yet');
    return this.data;
  }

  private runLoop(untilEpochEnd: boolean): Promise<RunOutcome> {
    this.pauseRequested = false;
    this.stopRequested = false;
    const run = this.run as Run;
    // The first slice starts a microtask later, so a listener that pauses or stops on its first event already sees the loop.
    this.loop = Promise.resolve()
      .then(() => this.trainSlices(run, untilEpochEnd))
      .finally(() => {
        this.loop = null;
      });
    return this.loop;
  }

  private async trainSlices(run: Run, untilEpochEnd: boolean): Promise<RunOutcome> {
    const { now, yieldToEvents } = this.options;
    const { training } = run;
    const { config } = training;
    let slice = config.batchSize;
    let lastEmit = -Infinity;
    let points: RunningPoint[] = [];
    let rate = 0;
    /** The progress of slices trained since the last event: a pause or stop that arrives between slices sends it first, so the page says where the run really stopped. */
    let unsent: LiveProgress | null = null;

    for (;;) {
      // Evaluations after an epoch run to their end: a pause or stop takes effect between training slices.
      if (training.training) {
        if ((this.stopRequested || this.pauseRequested) && unsent) {
          this.listener({ type: 'progress', progress: unsent, points });
          points = [];
        }
        if (this.stopRequested) return this.stopRun(run);
        if (this.pauseRequested) return { status: 'paused' };
      }

      const spacing = pointSpacing(training.samplesTotal);
      const nextPoint = (Math.floor(run.lastPoint.samples / spacing) + 1) * spacing;
      const started = now();
      // Building the network came just before; a large one's first batch (its buffers touched for the first time) can take as long again.
      this.options.busy?.();
      const step = training.step(Math.min(slice, nextPoint - run.lastPoint.samples));
      this.options.busy?.();

      if (step.type === 'diverged') return this.diverged(step.error);
      if (step.type === 'finished') {
        if (step.kept) this.keepBest(step.kept, step.epochsRun, step.stoppedEarly);
        this.run = null;
        const split = run.secondHalves;
        const kernels = run.training.network.kernels;
        return split ? { status: 'finished', kernels, secondHalves: { second: split.remoteBatches, total: split.remoteBatches + split.localBatches } } : { status: 'finished', kernels };
      }
      if (step.type === 'epoch') {
        const test = this.recordEvaluation(training.network, training.epochsDone, step.test as Evaluation);
        this.lastGood = training.network.toLayerSpecs();
        run.lastTest = { report: test, evaluated: this.evaluated as Evaluated };
        const epoch = step.result;
        this.listener({
          type: 'epoch',
          report: {
            epoch: epoch.epoch,
            seconds: epoch.seconds,
            averageError: epoch.averageError,
            loss: epoch.loss,
            trainAccuracy: epoch.accuracy,
            samples: epoch.samples,
            validationAccuracy: step.validationAccuracy ?? undefined,
            test,
          },
          model: this.exportModel() as string,
        });
        this.sendEmbedding(true);
        if (untilEpochEnd && !step.last) return { status: 'paused' };
      }
      if (step.type === 'trained') {
        const { progress } = step;
        const elapsed = now() - started;
        const done = progress.done ? progress.samplesTotal : progress.samplesDone;
        const trained = done - run.lastPoint.samples;
        if (elapsed > 0) {
          const sliceRate = (trained * 1000) / elapsed;
          rate = rate === 0 ? sliceRate : 0.8 * rate + 0.2 * sliceRate;
        }
        // Aim the next slice at SLICE_MS of work, growing by at most ×2 at a time.
        slice = Math.max(config.batchSize, Math.min(slice * 2, Math.round((rate * SLICE_MS) / 1000)));

        this.recordDistributions(run, progress.epoch, done, progress.samplesTotal);
        const point = this.chartPoint(run, progress.epoch, done, progress.samplesTotal, progress.runningLoss, progress.runningAccuracy);
        if (point) points.push(point);
        const live: LiveProgress = {
          epoch: progress.epoch,
          epochs: config.epochs,
          samplesDone: done,
          samplesTotal: progress.samplesTotal,
          samplesPerSecond: rate,
          runningLoss: progress.runningLoss,
          runningAccuracy: progress.runningAccuracy,
        };
        if (progress.done || now() - lastEmit >= PROGRESS_MS || this.pauseRequested || this.stopRequested) {
          this.listener({ type: 'progress', progress: live, points });
          points = [];
          unsent = null;
          lastEmit = now();
        } else {
          unsent = live;
        }
        if (progress.done) {
          this.modelEpoch = training.epochsDone;
          run.lastPoint = { samples: 0, lossSum: 0, correct: 0 };
          // The epoch's evaluations follow at once, as they always did.
          continue;
        }
      }
      await yieldToEvents();
    }
  }

  /** The distributions, when a slice crossed one of the epoch's recording points (the last at its end). */
  private recordDistributions(run: Run, epoch: number, samplesDone: number, samplesTotal: number): void {
    if (!run.recorder) return;
    const perEpoch = recordsPerEpoch(samplesTotal);
    const crossed = Math.floor((samplesDone * perEpoch) / samplesTotal);
    if (crossed <= run.recordedInEpoch) return;
    run.recordedInEpoch = crossed === perEpoch ? 0 : crossed;
    this.listener({ type: 'distributions', record: run.recorder.record(epoch - 1 + samplesDone / samplesTotal, true) });
  }

  /**
   * A point of the within-epoch curve when a spacing boundary (or the epoch's end) was
   * crossed. The trainer reports means since the epoch began; the mean over just the
   * samples since the previous point is recovered from the difference of the sums.
   */
  private chartPoint(
    run: Run,
    epoch: number,
    samplesDone: number,
    samplesTotal: number,
    runningLoss: number,
    runningAccuracy: number,
  ): RunningPoint | null {
    const spacing = pointSpacing(samplesTotal);
    const last = run.lastPoint;
    const crossed = Math.floor(samplesDone / spacing) > Math.floor(last.samples / spacing) || samplesDone === samplesTotal;
    if (!crossed || samplesDone <= last.samples) return null;
    const lossSum = runningLoss * samplesDone;
    const correct = runningAccuracy * samplesDone;
    const window = samplesDone - last.samples;
    run.lastPoint = { samples: samplesDone, lossSum, correct };
    return {
      x: epoch - 1 + samplesDone / samplesTotal,
      windowLoss: (lossSum - last.lossSum) / window,
      windowAccuracy: (correct - last.correct) / window,
      runningLoss,
      runningAccuracy,
    };
  }

  /** Ends a run with patience on: the best epoch's model replaces the last one, and its test figures are reported. */
  private keepBest(kept: KeptBest, epochsRun: number, stoppedEarly: boolean): void {
    this.network = kept.network;
    this.modelEpoch = kept.epoch;
    this.lastGood = kept.specs;
    const test = this.recordEvaluation(kept.network, kept.epoch, kept.test as Evaluation);
    this.listener({
      type: 'best-kept',
      bestEpoch: kept.epoch,
      epochsRun,
      stoppedEarly,
      validationAccuracy: kept.validationAccuracy,
      test,
      model: this.exportModel() as string,
    });
    this.sendEmbedding();
  }

  /** The map of the model an epoch (`evaluated`: just tested) or early stopping left, when the page shows it. */
  private sendEmbedding(evaluated = false): void {
    if (!this.embeddingWatched) return;
    let embedding: Embedding | null;
    try {
      embedding = this.embeddingFor(evaluated);
    } catch {
      // A model the map cannot show: the page has the reason from asking for the map itself, and training goes on.
      return;
    }
    if (embedding) this.listener({ type: 'embedding', embedding });
  }

  private diverged(error: DivergenceError): RunOutcome {
    this.run = null;
    this.network = this.lastGood ? Network.fromLayers(this.lastGood.map(copySpec)) : null;
    this.modelEpoch = this.network ? error.epoch - 1 : 0;
    if (!this.network) this.modelConfig = this.modelMetrics = null;
    return { status: 'diverged', message: error.message, epoch: error.epoch, modelKept: this.network !== null };
  }

  /** The test set in slices, so messages still get through during an evaluation. */
  private async evaluateNetwork(network: Network, epoch: number): Promise<EvaluationReport> {
    const evaluation = new SlicedEvaluation(network, this.requireData().test, undefined, this.otherHalf);
    while (!evaluation.done) {
      evaluation.step(EVALUATION_SLICE);
      await this.options.yieldToEvents();
    }
    return this.recordEvaluation(network, epoch, evaluation.result());
  }

  /** Keeps a test evaluation's answers for the confusion cells' images, and its figures with the model when it is the current one. */
  private recordEvaluation(network: Network, epoch: number, evaluation: Evaluation): EvaluationReport {
    this.evaluated = { specs: network.toLayerSpecs(), predicted: evaluation.predicted, confidence: evaluation.confidence, network: null, mistakes: null };
    const metrics = metricsFromConfusion(evaluation.confusion);
    if (network === this.network) this.modelMetrics = metrics;
    return { epoch, ...metrics };
  }
}

function noImages(offset: number): TestImages {
  return { offset, count: 0, images: new Uint8Array(0), probabilities: new Float32Array(0), indices: new Uint32Array(0) };
}

function copySpec(spec: LayerSpec): LayerSpec {
  return 'weights' in spec ? { ...spec, weights: spec.weights.slice(), biases: spec.biases.slice() } : { ...spec };
}
