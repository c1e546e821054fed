import { Augmenter } from './augment.ts';
import { oneWorkerReason, type Config } from './config.ts';
import { copyImage, firstSamples, type Dataset } from './dataset.ts';
import { squaredError } from './losses.ts';
import { argmax } from './metrics.ts';
import type { Dropout, Network } from './network.ts';
import { createOptimizer, type Optimizer } from './optimizers.ts';
import { shuffle, type Rng } from './rng.ts';
import { GradientShards, type PendingStep, type ShardPeer } from './shards.ts';

/** One finished epoch, in the seed's terms plus the loss being optimised. */
export interface EpochResult {
  /** 1-based. */
  epoch: number;
  /** Time spent training this epoch (pauses between trainSamples calls excluded). */
  seconds: number;
  /** The seed's "Average Error": mean over samples of Σ_k (target_k − output_k)². */
  averageError: number;
  /** Mean over samples of the optimised loss (cross-entropy or ½·squared error), without the L2 term. */
  loss: number;
  /** Fraction of the epoch's training samples classified correctly as they were trained. */
  accuracy: number;
  samples: number;
}

export interface EpochProgress {
  /** 1-based epoch in progress (or just finished when done). */
  epoch: number;
  samplesDone: number;
  samplesTotal: number;
  /** Mean loss over this epoch's samples so far. */
  runningLoss: number;
  /** Training accuracy over this epoch's samples so far, as a fraction. */
  runningAccuracy: number;
  done: boolean;
  /** Set when done. */
  lastEpoch?: EpochResult;
}

/** A loss or weight became NaN or infinite: training cannot recover from it. */
export class DivergenceError extends Error {
  constructor(
    readonly epoch: number,
    readonly sample: number,
  ) {
    super(
      `Training diverged at epoch ${epoch}, sample ${sample}: the loss or a weight became NaN or infinite. ` +
        'Try a smaller learning rate.',
    );
    this.name = 'DivergenceError';
  }
}

/**
 * Trains a network on the first `config.samples` samples of a dataset, epoch
 * after epoch, in mini-batches of `config.batchSize` over a freshly shuffled
 * order each epoch. Work comes in slices (trainSamples), so a worker can
 * answer messages between them; how the epoch is sliced does not change the result.
 * From construction on, the trainer owns the network's parameters.
 */
export class Trainer {
  readonly network: Network;
  readonly config: Config;

  private readonly data: Dataset;
  private readonly rng: Rng;
  private readonly optimizer: Optimizer;
  private readonly dropout: Dropout | undefined;
  /** Moves each image as it is copied into the batch; null copies it as it is. */
  private readonly augmenter: Augmenter | null;
  /** The epoch's sample order. */
  private readonly order: Uint32Array;
  /** The batch's inputs (batchSize × inputs) and one-hot targets (batchSize × outputs). */
  private readonly inputs: Float32Array;
  private readonly targets: Float32Array;
  /** Set when each batch's gradient is computed in two shards (see shards.ts). */
  private readonly shards: GradientShards | null;
  /** Set when a layer trains on its batch's statistics: an epoch's lone last sample then joins the batch before it. */
  private readonly joinsLoneSample: boolean;
  /**
   * With shards, the learning rate of the last batch's optimizer step while that step waits
   * for the next batch: it then runs while the second worker starts (GradientShards.compute).
   */
  private pendingRate: number | null = null;
  /** stepPending as GradientShards.compute takes it, made once rather than every batch. */
  private readonly pendingStep: PendingStep = (stepped, upTo) => this.stepPending(stepped, upTo);
  private readonly catchUp = () => this.optimizer.catchUp();

  private epoch = 0;
  private samplesDone = 0;
  private seconds = 0;
  private lossSum = 0;
  private squaredErrorSum = 0;
  private correct = 0;

  /**
   * `now` is the caller's clock in milliseconds (the worker's performance.now, say); the engine reads no clock of its own.
   * With a `shardPeer`, each batch's gradient is the sum of two shards', the second computed by the peer
   * (a second worker, or a replica in this thread: the same numbers either way); only configs that canShard take one.
   * `shuffled` false trains the samples in the data's own order (a fine-tuning's mixed batches).
   */
  constructor(
    network: Network,
    config: Config,
    data: Dataset,
    rng: Rng,
    private readonly now: () => number = Date.now,
    shardPeer: ShardPeer | null = null,
    private readonly shuffled = true,
  ) {
    if (data.inputSize !== network.inputSize) {
      throw new Error(`The network takes ${network.inputSize} inputs but the images have ${data.inputSize} pixels`);
    }
    this.network = network;
    this.config = config;
    this.data = firstSamples(data, config.samples);
    if (this.data.count === 0) throw new Error('No training samples');
    const classes = network.outputSize;
    const badLabel = this.data.labels.findIndex((label) => label >= classes);
    if (badLabel >= 0) {
      throw new Error(`Sample ${badLabel} has label ${this.data.labels[badLabel]} but the network has only ${classes} outputs`);
    }
    this.rng = rng;
    this.optimizer = createOptimizer(config.optimizer, network.paramGroups(config.l2), config, network.kernels);
    // Momentum defers the first layer's updates where a pixel had no ink; those
    // rows are brought up to date just before the layer reads them.
    network.onSparseRead(this.catchUp);
    this.dropout = config.dropout > 0 ? { rate: config.dropout, rng } : undefined;
    this.augmenter = config.augment ? new Augmenter(config.augment, data.inputSize, rng) : null;
    this.order = Uint32Array.from({ length: this.data.count }, (_, i) => i);
    this.joinsLoneSample = network.layers.some((layer) => layer.batchStatistics);
    if (this.joinsLoneSample && (config.batchSize < 2 || this.data.count < 2)) {
      throw new Error(
        `Batch normalisation trains on each batch's statistics, which one sample does not have: ` +
          (config.batchSize < 2 ? `train in batches of 2 or more (batch size ${config.batchSize})` : 'train on 2 samples or more'),
      );
    }
    const rows = config.batchSize + (this.joinsLoneSample ? 1 : 0);
    this.inputs = new Float32Array(rows * network.inputSize);
    this.targets = new Float32Array(rows * network.outputSize);
    const keepWhole = oneWorkerReason(config);
    if (shardPeer && keepWhole) throw new Error(`This network cannot split its batches between two workers: ${keepWhole}`);
    this.shards = shardPeer && new GradientShards(network, shardPeer, this.optimizer);
  }

  /**
   * Trains whole batches until at least `maxSamples` more samples are done or
   * the epoch ends; a call after the end of an epoch starts the next one.
   * Throws DivergenceError as soon as a batch's loss is not finite, or when a
   * weight is not finite at the end of the call.
   */
  trainSamples(maxSamples: number): EpochProgress {
    const started = this.now();
    if (this.samplesDone === 0) this.startEpoch();
    const total = this.data.count;
    const stop = Math.min(total, this.samplesDone + Math.max(1, maxSamples));
    while (this.samplesDone < stop) {
      const rows = this.nextBatchRows();
      const epochsDone = this.epoch - 1 + this.samplesDone / total;
      this.trainBatch(this.samplesDone, rows, this.config.learningRate * this.config.learningRateDecay ** epochsDone);
      this.samplesDone += rows;
    }
    // Between calls the network may be used to predict, evaluate or save: its weights must be current.
    this.stepPending();
    this.optimizer.flush();
    // A weight can overflow before any loss shows it: never hand back a broken network.
    if (!this.network.isFinite()) throw new DivergenceError(this.epoch, this.samplesDone);
    this.seconds += (this.now() - started) / 1000;

    const progress: EpochProgress = {
      epoch: this.epoch,
      samplesDone: this.samplesDone,
      samplesTotal: total,
      runningLoss: this.lossSum / this.samplesDone,
      runningAccuracy: this.correct / this.samplesDone,
      done: this.samplesDone === total,
    };
    if (progress.done) {
      progress.lastEpoch = {
        epoch: this.epoch,
        seconds: this.seconds,
        averageError: this.squaredErrorSum / total,
        loss: this.lossSum / total,
        accuracy: this.correct / total,
        samples: total,
      };
      this.samplesDone = 0;
    }
    return progress;
  }

  /**
   * Trains the next batch at `learningRate`, in place of the config's rate and its decay, and
   * returns the batch's mean loss: a learning-rate range test's step (see lr-finder.ts). Epochs
   * roll over as in trainSamples. Throws DivergenceError when the loss is not finite.
   */
  trainBatchAt(learningRate: number): number {
    if (this.samplesDone === 0) this.startEpoch();
    const rows = this.nextBatchRows();
    const before = this.lossSum;
    this.trainBatch(this.samplesDone, rows, learningRate);
    this.stepPending();
    this.samplesDone += rows;
    if (this.samplesDone === this.data.count) this.samplesDone = 0;
    return (this.lossSum - before) / rows;
  }

  /** Trains one whole epoch, reporting progress about every `progressEvery` samples. */
  runEpoch(onProgress?: (progress: EpochProgress) => void, progressEvery = 2000): EpochResult {
    for (;;) {
      const progress = this.trainSamples(progressEvery);
      onProgress?.(progress);
      if (progress.lastEpoch) return progress.lastEpoch;
    }
  }

  /** The next batch's size: the batch size, or what is left of the epoch (one more when a lone sample would be left over). */
  private nextBatchRows(): number {
    const left = this.data.count - this.samplesDone;
    const rows = Math.min(this.config.batchSize, left);
    return this.joinsLoneSample && left - rows === 1 ? rows + 1 : rows;
  }

  /** Runs the optimizer step left pending by the last batch, if any. */
  private stepPending(stepped?: (group: number) => void, upTo?: readonly number[]): void {
    if (this.pendingRate === null || !this.shards) return;
    this.optimizer.learningRate = this.pendingRate;
    this.pendingRate = null;
    this.optimizer.step(this.shards.addend, stepped, upTo);
    this.shards.afterStep();
  }

  private startEpoch(): void {
    this.epoch++;
    this.seconds = 0;
    this.lossSum = 0;
    this.squaredErrorSum = 0;
    this.correct = 0;
    if (this.shuffled) shuffle(this.order, this.rng);
  }

  /**
   * Forward, backward and one optimizer step at `learningRate` on samples order[start … start + rows − 1].
   * With shards the step is left pending, for the next batch or stepPending.
   */
  private trainBatch(start: number, rows: number, learningRate: number): void {
    const { network, data, inputs, targets } = this;
    const outputs = network.outputSize;
    // Where shard 1 gathers its own samples, the trainer fills only its half.
    const { shards } = this;
    const gather = shards !== null && shards.gathers && !this.augmenter;
    const filled = gather ? shards.ownRows(rows) : rows;
    targets.fill(0, 0, rows * outputs);
    for (let r = 0; r < filled; r++) {
      const sample = this.order[start + r];
      if (this.augmenter) this.augmenter.copy(data, sample, inputs, r * data.inputSize);
      else copyImage(data, sample, inputs, r * data.inputSize);
      targets[r * outputs + data.labels[sample]] = 1;
    }

    if (this.shards) {
      const sums = this.shards.compute(inputs, targets, rows, this.pendingRate === null ? null : this.pendingStep, this.catchUp, gather ? this.order : undefined, start);
      if (!Number.isFinite(sums.loss)) throw new DivergenceError(this.epoch, start + rows);
      this.correct += sums.correct;
      this.squaredErrorSum += sums.squaredError;
      this.lossSum += sums.loss;
      this.pendingRate = learningRate;
      // The next batch hands the step's scalars to the second worker before the step runs (Optimizer.nextScalars).
      this.optimizer.learningRate = learningRate;
      return;
    }
    this.optimizer.learningRate = learningRate;
    const output = network.forwardBatch(inputs, rows, 'training', this.dropout);
    for (let r = 0; r < rows; r++) {
      if (argmax(output, r * outputs, outputs) === data.labels[this.order[start + r]]) this.correct++;
    }
    this.squaredErrorSum += squaredError(output, targets, rows * outputs);
    const loss = network.backwardBatch(inputs, targets, rows);
    if (!Number.isFinite(loss)) throw new DivergenceError(this.epoch, start + rows);
    this.lossSum += loss;
    this.optimizer.step();
  }
}
