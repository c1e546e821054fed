/**
 * A whole training run, as the CLI and the worker both drive it: epochs of training, then
 * after each epoch the test and validation evaluations, early stopping on validation accuracy
 * with the best epoch's model kept, and the stop on divergence. It moves one step at a time
 * (a slice of training or of an evaluation), so the worker can answer messages between steps
 * and the CLI can simply step it to the end.
 */
import type { Config } from './config.ts';
import type { Dataset } from './dataset.ts';
import type { LayerSpec } from './layer.ts';
import { SlicedEvaluation, type BatchWatcher, type Evaluation, type OtherHalf } from './metrics.ts';
import type { Kernels } from './kernels.ts';
import { EVALUATION_BATCH, Network } from './network.ts';
import type { Rng } from './rng.ts';
import type { ShardPeer } from './shards.ts';
import { DivergenceError, Trainer, type EpochProgress, type EpochResult } from './train.ts';
import { EarlyStopping, splitValidation, type StoppingVerdict } from './validation.ts';

/**
 * Images evaluated in one step at most. A step asked for fewer samples evaluates that many (a
 * whole evaluation batch at least), so a large network's evaluation is cut as finely as its
 * training: 2000 images through 784-10000-10 held the worker for over 10 s on a loaded machine.
 */
const EVALUATION_SLICE = 2000;

const evaluationSlice = (maxSamples: number) => Math.min(EVALUATION_SLICE, Math.max(maxSamples, EVALUATION_BATCH));

export interface KeptBest {
  epoch: number;
  validationAccuracy: number;
  /** A network of its own, rebuilt from the best epoch's weights. */
  network: Network;
  specs: LayerSpec[];
  /** Its test evaluation; null when the run evaluates no test set. */
  test: Evaluation | null;
}

export type RunStep =
  /** A slice of training; `progress.done` on the slice that ends an epoch. */
  | { type: 'trained'; progress: EpochProgress }
  /** A slice of an evaluation (test or validation images). */
  | { type: 'evaluated' }
  /** An epoch evaluated. `last` when no epoch follows (the last one, or early stopping). */
  | {
      type: 'epoch';
      result: EpochResult;
      test: Evaluation | null;
      /** Null without a validation split. */
      validationAccuracy: number | null;
      verdict: StoppingVerdict | null;
      last: boolean;
    }
  /** The run is over; with patience on, the best epoch's model replaces the last one. */
  | { type: 'finished'; epochsRun: number; stoppedEarly: boolean; kept: KeptBest | null }
  /** A loss or weight went NaN or infinite: the run is over, the network unusable. */
  | { type: 'diverged'; error: DivergenceError };

export interface RunOptions {
  /** Evaluated after every epoch (and on the best model kept) when given. */
  test?: Dataset;
  /** The caller's clock in milliseconds, for the epochs' times. */
  now?: () => number;
  /**
   * Who computes the second half of each batch (see shards.ts), given the network built and the
   * samples it trains on (whose indices the trainer names to a peer that gathers); none by default.
   * A peer in another thread also classifies the second half of each test evaluation.
   */
  shardPeer?: (network: Network, train: Dataset) => ShardPeer | null;
  /** Continue training this network (a fine-tuning) instead of building one from the config. */
  network?: Network;
  /** The kernels a network built from the config runs on; the best this runtime has by default. */
  kernels?: Kernels;
  /** Train the samples in the data's order, not shuffled (a fine-tuning's mixed batches). */
  inOrder?: boolean;
  /** Told of each batch of each epoch's test evaluation, as it runs (see BatchWatcher). */
  onTestBatch?: (network: Network, start: number, rows: number) => void;
}

type Phase =
  | { kind: 'train' }
  | { kind: 'evaluate'; result: EpochResult; test: SlicedEvaluation | null; validation: SlicedEvaluation | null }
  | { kind: 'finish'; stoppedEarly: boolean; test: SlicedEvaluation | null }
  | { kind: 'over' };

export class TrainingRun {
  readonly config: Config;
  /** The network being trained (a kept best model is another one, in the finished step). */
  readonly network: Network;
  readonly trainer: Trainer;
  /** The held-out images evaluated after each epoch; null without a validation split. */
  readonly validation: Dataset | null;
  /** Samples per epoch: the config's, or all the training images left when it asks for more. */
  readonly samplesTotal: number;
  /** Complete epochs. */
  epochsDone = 0;
  /** Samples trained in the epoch under way (0 at an epoch's end). */
  epochSamples = 0;

  private readonly test: Dataset | null;
  private readonly onTestBatch: BatchWatcher | undefined;
  private readonly otherHalf: OtherHalf | null;
  private readonly stopping: EarlyStopping | null;
  /** With patience on, the best epoch's weights so far. */
  private best: LayerSpec[] | null = null;
  private phase: Phase = { kind: 'train' };

  /** Builds the network from the config with `rng` (or takes `options.network`); `rng` then drives the shuffles, dropout and augmentation. */
  constructor(config: Config, data: Dataset, rng: Rng, options: RunOptions = {}) {
    this.config = config;
    this.network = options.network ?? Network.forConfig(config, rng, options.kernels);
    const split = splitValidation(data, config.samples, config.validation);
    const peer = options.shardPeer?.(this.network, split.train) ?? null;
    this.trainer = new Trainer(this.network, config, split.train, rng, options.now, peer, !options.inOrder);
    this.otherHalf = peer?.otherHalf ?? null;
    this.validation = split.validation;
    this.samplesTotal = split.train.count;
    this.stopping = split.validation ? new EarlyStopping(config.patience) : null;
    this.test = options.test ?? null;
    const { onTestBatch } = options;
    this.onTestBatch = onTestBatch && ((start, rows) => onTestBatch(this.network, start, rows));
  }

  /** True between training slices: the only place a run may be paused or stopped by hand. */
  get training(): boolean {
    return this.phase.kind === 'train';
  }

  /** The epoch of the best validation accuracy so far; 0 without a validation split. */
  get bestEpoch(): number {
    return this.stopping?.bestEpoch ?? 0;
  }

  /** Trains at most about `maxSamples` samples, or evaluates one slice (see EVALUATION_SLICE), or ends the run. */
  step(maxSamples: number): RunStep {
    const phase = this.phase;
    switch (phase.kind) {
      case 'train':
        return this.trainSlice(maxSamples);
      case 'evaluate':
        return this.evaluateSlice(phase, evaluationSlice(maxSamples));
      case 'finish':
        return this.finish(phase, evaluationSlice(maxSamples));
      case 'over':
        throw new Error('The run is over');
    }
  }

  private trainSlice(maxSamples: number): RunStep {
    let progress: EpochProgress;
    try {
      progress = this.trainer.trainSamples(maxSamples);
    } catch (error) {
      if (!(error instanceof DivergenceError)) throw error;
      this.phase = { kind: 'over' };
      return { type: 'diverged', error };
    }
    this.epochSamples = progress.done ? 0 : progress.samplesDone;
    if (progress.lastEpoch) {
      this.epochsDone = progress.lastEpoch.epoch;
      this.phase = {
        kind: 'evaluate',
        result: progress.lastEpoch,
        test: this.test && new SlicedEvaluation(this.network, this.test, this.onTestBatch, this.otherHalf),
        validation: this.validation && new SlicedEvaluation(this.network, this.validation),
      };
    }
    return { type: 'trained', progress };
  }

  private evaluateSlice(phase: Extract<Phase, { kind: 'evaluate' }>, images: number): RunStep {
    const pending = [phase.test, phase.validation].find((evaluation) => evaluation && !evaluation.done);
    if (pending) {
      pending.step(images);
      return { type: 'evaluated' };
    }
    const validationAccuracy = phase.validation ? phase.validation.correct / phase.validation.data.count : null;
    const verdict = validationAccuracy === null || !this.stopping ? null : this.stopping.update(this.epochsDone, validationAccuracy);
    if (verdict === 'best' && this.config.patience > 0) this.best = this.network.toLayerSpecs();
    const last = verdict === 'stop' || this.epochsDone >= this.config.epochs;
    const bestTest = this.best && this.test ? new SlicedEvaluation(Network.fromLayers(this.best), this.test, undefined, this.otherHalf) : null;
    this.phase = last ? { kind: 'finish', stoppedEarly: verdict === 'stop', test: bestTest } : { kind: 'train' };
    return { type: 'epoch', result: phase.result, test: phase.test && phase.test.result(), validationAccuracy, verdict, last };
  }

  private finish(phase: Extract<Phase, { kind: 'finish' }>, images: number): RunStep {
    if (phase.test && !phase.test.done) {
      phase.test.step(images);
      return { type: 'evaluated' };
    }
    this.phase = { kind: 'over' };
    const { best, stopping } = this;
    const kept: KeptBest | null =
      best && stopping
        ? {
            epoch: stopping.bestEpoch,
            validationAccuracy: stopping.bestAccuracy,
            network: phase.test?.network ?? Network.fromLayers(best),
            specs: best,
            test: phase.test && phase.test.result(),
          }
        : null;
    return { type: 'finished', epochsRun: this.epochsDone, stoppedEarly: phase.stoppedEarly, kept };
  }
}
