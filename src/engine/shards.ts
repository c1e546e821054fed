/**
 * Data-parallel batches: each batch's gradient is computed as two fixed shards, rows
 * [0, ⌊n/2⌋) ("shard 0") and [⌊n/2⌋, n) ("shard 1"), each divided by the whole batch's n,
 * and summed shard 0 + shard 1 before one optimizer step. Layers that treat each sample on its
 * own (dense, convolution, pooling, flatten) need nothing more; batch normalisation's
 * statistics are the whole batch's: each shard yields its per-channel sums at the same points
 * of its pass, and both go on with their total (batch-sums.ts), three times a batch per such
 * layer.
 *
 * Shard 1 always runs on a replica of the network through a ShardExchange: in a second
 * worker, the exchange living in a SharedArrayBuffer, or in this thread, in an ordinary
 * ArrayBuffer (inProcessPeer). Both run the same code on the same numbers, so a seed gives
 * the same weights bit for bit whether one or two workers train, and whatever their timing.
 * (Against a run that does not shard, the sum differs in rounding.)
 *
 * A dense layer whose memory is shared (wasm/dense-kernels.ts, DenseTwin) is not copied at all:
 * shard 1's replica of it computes in that memory, on the trainer's weights where they lie, and
 * leaves its gradient there for the trainer's optimizer step ("hosted" groups). A first dense
 * layer's shard 1 needs only the weight rows of the pixels it has ink in, and sends back only
 * those rows of its gradient, copied each batch; the other groups are copied whole into buffers
 * made once per run.
 *
 * Each batch's optimizer step runs while the next batch starts (GradientShards.compute). Where a
 * second worker computes shard 1, it also steps the second half of each long hosted group there
 * (StepParts, from the plan the trainer leaves in the exchange), on the same kernels and numbers,
 * while the trainer steps the rest: the same weights, bit for bit, as one thread's whole step.
 * Each worker also computes the rows of a long dense layer's weight gradient that it steps, for both
 * halves of the batch (row-split.ts), so each step reads only gradients its own core wrote.
 *
 * The replica also classifies the second half of a test set after an epoch (ShardReplica.classify):
 * the exchange then carries every parameter and the batch normalisation layers' running
 * statistics, and the images and answers live in a shared copy of the set made once per set.
 */
import { addShards, runSteps, type BatchSteps } from './batch-sums.ts';
import { BatchNorm } from './batchnorm.ts';
import { Dense } from './dense.ts';
import { copyImage, type Dataset } from './dataset.ts';
import type { LayerSpec } from './layer.ts';
import { squaredError } from './losses.ts';
import { argmax, classify, type OtherHalf } from './metrics.ts';
import { Network } from './network.ts';
import type { ActiveRows, Optimizer, ParamGroup } from './optimizers.ts';
import { RowSplit, type RowSplitLayer } from './row-split.ts';
import { TWIN_ROWS, type DenseTwin } from './wasm/dense-kernels.ts';
import { StepParts, type StepPart } from './wasm/optimizer-kernels.ts';

/** exchange.control[STATE]: who acts next. */
export const ShardState = {
  /** Shard 1 is done (or was never asked): the trainer may write the exchange. */
  done: 0,
  /** The trainer filled the exchange: the replica computes shard 1. */
  work: 1,
  /** The replica threw; its message is not carried over, the trainer stops. */
  failed: 2,
  /** The run is over: a worker serving the exchange leaves it. */
  end: 3,
  /** The trainer filled the exchange's parameters and statistics: the replica classifies test images. */
  evaluate: 4,
} as const;

/** Indices into exchange.control. */
export const STATE = 0;
const ROWS = 1;
const MEAN_OVER = 2;
const LIST_COUNT = 3;
/** control[SHARED + s]: how many sums shard s has put in the exchange this run. */
export const SHARED = 4;
/** control[EVAL_START], control[EVAL_END]: the test images the replica classifies. */
const EVAL_START = 6;
const EVAL_END = 7;
/** control[READY]: how many parameter groups (paramGroups order) of this batch are in the exchange. */
export const READY = 8;
/** control[SPLIT]: 1 when the second worker steps its parts of the last batch's step (plan) before its half. */
export const SPLIT = 9;
/** control[PARTS_DONE]: 1 once it has. */
export const PARTS_DONE = 10;
/** control[GATHER]: 1 when shard 1 gathers its samples' pixels and targets itself (ShardReplica's train set), from `samples`. */
const GATHER = 11;
/** control[ROW_SPLIT]: 1 when the two workers share the long dense layers' weight gradients by rows this batch (RowSplit). */
export const ROW_SPLIT = 12;
/** control[DELTAS + s]: of how many of those layers shard s has put its δ in their memories this batch. */
export const DELTAS = 13;
const CONTROL_WORDS = 15;
/** Doubles of one plan entry: layer, kernel (0 momentum, 1 Adam), params, two state offsets, grads, addend, from, length, l2. */
const PLAN_ENTRY = 10;
/**
 * Hosted groups this long or longer are stepped half by each worker (StepParts). Stepped whole by
 * the trainer, CNN (fast)'s took 0.14 ms of a 1.2 ms batch in Chromium, before the trainer's own half.
 */
const SPLIT_FROM = 4096;
/**
 * Every view of the exchange starts on a cache line: the copies between it and the workers'
 * WebAssembly memories, and the optimizer step's read of the other shard's gradient, take up to
 * twice as long from views 4 bytes off a multiple of 8 (CNN (fast) in Node, docs/benchmarks.md,
 * "The optimizer step beside the second half").
 */
const ALIGN = 64;

/** What fixes an exchange's layout: plain numbers and shared memories, so a worker can be sent it. */
export interface ExchangeShape {
  /** Parameter count of each of the network's groups (Network.paramGroups order). */
  groups: number[];
  /** Each layer's twin (Network.twins): where shard 1's replica of it computes. */
  twins: (DenseTwin | null)[];
  /**
   * Per group: whether it is a twinned layer's, hence neither its parameters nor shard 1's gradient
   * of it cross the exchange during training (its parameters still do for a classification).
   */
  hosted: boolean[];
  /** The group whose gradient is zero outside a few rows (the first layer's input-major weights), or −1. */
  sparseGroup: number;
  /** That group's row length. */
  rowLength: number;
  inputs: number;
  outputs: number;
  /** The most rows shard 1 gets: ⌈batchSize / 2⌉. */
  rows: number;
  /** The most batch sums a layer shares at once (Layer.sharedSums), or 0. */
  sums: number;
  /** Length of each running statistic (runningStatistics order), which inference reads. */
  statistics: number[];
}

export function exchangeShape(network: Network, batchSize: number): ExchangeShape {
  const groups = network.paramGroups(0);
  const sparse = groups.filter((group) => group.activeRows);
  if (sparse.length > 1) throw new Error('Only the first layer may have sparse inputs');
  const sparseGroup = sparse.length ? groups.indexOf(sparse[0]) : -1;
  const twins = network.twins();
  return {
    groups: groups.map((group) => group.params.length),
    twins,
    hosted: network.layers.flatMap((layer, l) => layer.paramGroups(0).map(() => twins[l] !== null)),
    sparseGroup,
    rowLength: sparse.length ? (sparse[0].activeRows as ActiveRows).rowLength : 1,
    inputs: network.inputSize,
    outputs: network.outputSize,
    rows: batchSize - (batchSize >> 1),
    sums: Math.max(0, ...network.layers.map((layer) => layer.sharedSums ?? 0)),
    statistics: runningStatistics(network).map((values) => values.length),
  };
}

/** The batch normalisation layers' running means and variances: what inference reads besides the parameters. */
export function runningStatistics(network: Network): Float32Array[] {
  return network.layers.flatMap((layer) => (layer instanceof BatchNorm ? [layer.runningMean, layer.runningVariance] : []));
}

/** A network's layers without their numbers: two networks of one layout can take each other's parameters. */
export function layoutOf(specs: LayerSpec[]): string {
  return JSON.stringify(specs, (_, value: unknown) => (value instanceof Float32Array ? value.length : value));
}

/**
 * What the trainer and shard 1's replica share, laid out in one buffer:
 *   stats (Float64 × 3: loss, squared error, correct) | shared sums (Float64 × 4 × sums) |
 *   control (Int32 × 15: state, rows, meanOver, list count, sums put by shard 0 and by shard 1,
 *   first and end of the test images to classify, parameter groups ready, split, parts done,
 *   gather, row split, δ put by shard 0 and by shard 1) |
 *   list (Int32 × sparse rows) | inputs | targets | params | grads (none for a hosted group) |
 *   running statistics | the step's scalars (Float64 × 8) | the plan of its parts (Float64 × 10 × groups)
 * params and grads are one view per group; of the sparse group only the rows in `list`
 * (shard 1's non-zero pixels) are meaningful. Each shard puts its nth batch sums in
 * shared[shard][n mod 2]: a shard is at most one sum ahead of the other, so it never
 * overwrites sums the other has yet to read.
 */
export class ShardExchange {
  readonly stats: Float64Array;
  readonly shared: Float64Array[][];
  readonly control: Int32Array;
  readonly list: Int32Array;
  /** Shard 1's samples (indices into the train set) when it gathers them itself (GATHER). */
  readonly samples: Int32Array;
  readonly inputs: Float32Array;
  readonly targets: Float32Array;
  readonly params: Float32Array[];
  readonly grads: Float32Array[];
  readonly statistics: Float32Array[];
  /** The scalars of the step whose parts the second worker runs (Optimizer.nextScalars). */
  readonly scalars: Float64Array;
  /** Those parts, PLAN_ENTRY doubles each, in group order; a layer of −1 ends them. */
  readonly plan: Float64Array;

  static bytes(shape: ExchangeShape): number {
    const total = (sizes: number[]) => sizes.reduce((sum, size) => sum + size, 0);
    const floats = shape.rows * (shape.inputs + shape.outputs) + total(shape.groups) + total(crossing(shape)) + total(shape.statistics);
    const views = 12 + 2 * shape.groups.length + shape.statistics.length;
    const doubles = 3 + 4 * shape.sums + 8 + PLAN_ENTRY * shape.groups.length;
    return 8 * doubles + CONTROL_WORDS * 4 + 4 * sparseRows(shape) + 4 * shape.rows + 4 * floats + ALIGN * views;
  }

  constructor(
    readonly shape: ExchangeShape,
    buffer: ArrayBufferLike,
  ) {
    let offset = 0;
    const take = <T>(make: (at: number, length: number) => T, length: number, bytesPer: number): T => {
      offset = Math.ceil(offset / ALIGN) * ALIGN;
      const view = make(offset, length);
      offset += length * bytesPer;
      return view;
    };
    const floats = (length: number) => take((at, n) => new Float32Array(buffer, at, n), length, 4);
    const doubles = (length: number) => take((at, n) => new Float64Array(buffer, at, n), length, 8);
    this.stats = doubles(3);
    this.shared = [0, 1].map(() => [doubles(shape.sums), doubles(shape.sums)]);
    this.control = take((at, n) => new Int32Array(buffer, at, n), CONTROL_WORDS, 4);
    this.list = take((at, n) => new Int32Array(buffer, at, n), sparseRows(shape), 4);
    this.samples = take((at, n) => new Int32Array(buffer, at, n), shape.rows, 4);
    this.inputs = floats(shape.rows * shape.inputs);
    this.targets = floats(shape.rows * shape.outputs);
    this.params = shape.groups.map((size) => floats(size));
    this.grads = crossing(shape).map((size) => floats(size));
    this.statistics = shape.statistics.map((size) => floats(size));
    this.scalars = doubles(8);
    this.plan = doubles(PLAN_ENTRY * shape.groups.length);
  }
}

/** Each group's gradient length in the exchange: none for a hosted group. */
function crossing(shape: ExchangeShape): number[] {
  return shape.groups.map((size, g) => (shape.hosted[g] ? 0 : size));
}

function sparseRows(shape: ExchangeShape): number {
  return shape.sparseGroup < 0 ? 0 : shape.groups[shape.sparseGroup] / shape.rowLength;
}

/**
 * Computes shard 1: started by `start`, its gradient and sums in `exchange` once `finish`
 * returns. In between, `share` turns each of shard 0's batch sums into the whole batch's.
 * `prepare`, where given, is what must happen before shard 1 reads its parameters: the last
 * batch's optimizer step, handing each group on (publishGroups) as it is stepped. A peer in
 * another thread is started first and prepare runs meanwhile, so that thread's first layers
 * compute while the later groups are still being stepped; a peer in this thread runs it first.
 */
export interface ShardPeer {
  readonly exchange: ShardExchange;
  /** `prepare` is told whether shard 1 runs in another thread, which then steps its parts of the step first (StepParts). */
  start(prepare?: (inOtherThread: boolean) => void): void;
  /** Waits until the other thread has stepped its parts (control[PARTS_DONE]). */
  awaitStepParts?(): void;
  /** Waits until the other thread has put its δ of `count` layers in their memories (control[DELTAS + 1], RowSplit). */
  awaitDeltas?(count: number): void;
  share(sums: Float64Array): void;
  finish(): void;
  /** Classifies the second half of a test set after an epoch, where the peer is another thread that has the set. */
  readonly otherHalf?: OtherHalf;
  /** Whether shard 1 can gather the samples the trainer names from the run's training set (ShardReplica). */
  readonly gathers?: boolean;
}

/** Loss, squared error and correct answers of one shard (or batch). */
export interface ShardSums {
  loss: number;
  squaredError: number;
  correct: number;
}

/**
 * Forward and backward on `rows` rows, the loss divided by `meanOver`: the network's
 * gradients are left filled. Correct answers count targets' one-hot classes.
 */
function* shardSteps(network: Network, inputs: Float32Array, targets: Float32Array, rows: number, meanOver: number, beforeLayer?: (l: number) => void): BatchSteps<ShardSums> {
  const outputs = network.outputSize;
  const output = yield* network.forwardSteps(inputs, rows, 'training', undefined, beforeLayer);
  let correct = 0;
  for (let r = 0; r < rows; r++) {
    if (argmax(output, r * outputs, outputs) === argmax(targets, r * outputs, outputs)) correct++;
  }
  const squared = squaredError(output, targets, rows * outputs);
  return { loss: yield* network.backwardSteps(inputs, targets, rows, meanOver), squaredError: squared, correct };
}

function copyRows(from: Float32Array, to: Float32Array, list: Int32Array, count: number, rowLength: number): void {
  for (let n = 0; n < count; n++) {
    const start = list[n] * rowLength;
    to.set(from.subarray(start, start + rowLength), start);
  }
}

/** The trainer's side of handing parameters on: the first `count` groups of this batch are in the exchange. */
export function publishGroups(exchange: ShardExchange, count: number): void {
  Atomics.store(exchange.control, READY, count);
  Atomics.notify(exchange.control, READY);
}

/**
 * Shard 1's side: a replica of the network that computes the shard the exchange describes.
 * Its parameters need not match the trainer's: each batch brings the ones it reads, layer by
 * layer, each once `awaitGroups` has seen the trainer publish them (by default they must be
 * there already, as when this thread is the trainer's).
 */
export class ShardReplica {
  private readonly groups: ParamGroup[];
  /** The end of each layer's groups in paramGroups order, or −1 for a layer without any. */
  private readonly groupEnds: number[];
  /** Where the network computes on the trainer's parameters: a network of its own to classify with, made when first asked. */
  private classifier: Network | null = null;
  /** This half's side of the layers shared by rows, made at the first batch that shares them. */
  private rowSplit: RowSplit | null = null;

  /**
   * `trainSet`, the run's training set (or a copy with the same indices), lets the shard gather its
   * samples itself when the trainer names them (GATHER) rather than copying their pixels over.
   * `awaitDeltas` waits for the trainer's δ of a number of layers shared by rows (control[DELTAS]).
   */
  constructor(
    private readonly network: Network,
    private readonly exchange: ShardExchange,
    private readonly awaitGroups: (count: number) => void = (count) => {
      if (exchange.control[READY] < count) throw new Error('The second half of a batch read parameters before they were stepped');
    },
    private readonly trainSet?: Pick<Dataset, 'images' | 'labels' | 'inputSize'>,
    private readonly awaitDeltas: (count: number) => void = () => {
      throw new Error('The second half of a batch in the trainer\'s thread cannot share gradients by rows');
    },
  ) {
    this.groups = network.paramGroups(0);
    const { twins, hosted } = exchange.shape;
    this.groups.forEach((group, g) => {
      if (hosted[g] && !twins.some((twin) => twin && group.params.buffer === twin.memory.buffer)) throw new Error('A replica must compute the twinned layers in their memories');
    });
    let end = 0;
    this.groupEnds = network.layers.map((layer) => {
      const count = layer.paramGroups(0).length;
      end += count;
      return count ? end : -1;
    });
  }

  /** Computes the shard; its batch sums go to `share`, which must make them the whole batch's. */
  run(share: (sums: Float64Array) => void): void {
    runSteps(this.steps(), share);
  }

  *steps(): BatchSteps<void> {
    const { exchange, groups, groupEnds } = this;
    const { control, list, shape } = exchange;
    const count = control[LIST_COUNT];
    let copied = 0;
    const beforeLayer = (l: number) => {
      const end = groupEnds[l];
      if (end < 0) return;
      this.awaitGroups(end);
      for (; copied < end; copied++) {
        const g = copied;
        if (g === shape.sparseGroup) copyRows(exchange.params[g], groups[g].params, list, count, shape.rowLength);
        else if (!shape.hosted[g]) groups[g].params.set(exchange.params[g]);
      }
    };
    if (control[GATHER]) this.gather(control[ROWS]);
    const byRows = control[ROW_SPLIT] === 1 ? (this.rowSplit ??= rowSplitOf(this.network, exchange, 1)) : null;
    if (control[ROW_SPLIT] === 1 && !byRows) throw new Error('The trainer shares gradients by rows that this half of the batch does not have');
    byRows?.arm(true);
    let sums: ShardSums;
    try {
      sums = yield* shardSteps(this.network, exchange.inputs, exchange.targets, control[ROWS], control[MEAN_OVER], beforeLayer);
    } finally {
      byRows?.arm(false);
    }
    byRows?.finish(control[MEAN_OVER] - control[ROWS], this.awaitDeltas);
    groups.forEach((group, g) => {
      if (g === shape.sparseGroup) copyRows(group.grads, exchange.grads[g], list, count, shape.rowLength);
      else if (!shape.hosted[g]) exchange.grads[g].set(group.grads);
    });
    exchange.stats[0] = sums.loss;
    exchange.stats[1] = sums.squaredError;
    exchange.stats[2] = sums.correct;
  }

  /** The pixels and targets of samples[0 … rows − 1] into the exchange, as the trainer would have copied them. */
  private gather(rows: number): void {
    const { trainSet, exchange } = this;
    if (!trainSet) throw new Error('The second half of a batch was asked to gather samples from a training set it was not given');
    const { inputs, outputs } = exchange.shape;
    exchange.targets.fill(0, 0, rows * outputs);
    for (let r = 0; r < rows; r++) {
      const sample = exchange.samples[r];
      copyImage(trainSet, sample, exchange.inputs, r * inputs);
      exchange.targets[r * outputs + trainSet.labels[sample]] = 1;
    }
  }

  /**
   * Test images [control[EVAL_START], control[EVAL_END]) of `images`, classified with the
   * exchange's parameters (every row of them) and running statistics, into `predicted` and
   * `confidence` at their indices. The model may be any of the run's (an earlier epoch's, kept as
   * the best): where the replica computes on the trainer's parameters, a network of its own does.
   */
  classify(images: Pick<Dataset, 'images' | 'inputSize'>, predicted: Uint8Array, confidence: Float32Array): void {
    const { exchange } = this;
    if (exchange.shape.hosted.includes(true)) this.classifier ??= Network.fromLayers(this.network.toLayerSpecs(), this.network.kernels);
    const network = this.classifier ?? this.network;
    network.paramGroups(0).forEach((group, g) => group.params.set(exchange.params[g]));
    runningStatistics(network).forEach((values, s) => values.set(exchange.statistics[s]));
    classify(network, images, exchange.control[EVAL_START], exchange.control[EVAL_END], predicted, confidence);
  }
}

/**
 * Shard `shard`'s side of the layers whose gradient the workers share by rows: each dense layer with a
 * part of the step for the second worker (the exchange's plan) that starts on a row, a multiple of 4.
 */
function rowSplitOf(network: Network, exchange: ShardExchange, shard: 0 | 1): RowSplit | null {
  const { plan, shape, control } = exchange;
  const layers: RowSplitLayer[] = [];
  for (let at = 0; at < plan.length && plan[at] >= 0; at += PLAN_ENTRY) {
    const [layer, , , , , , , from] = plan.subarray(at, at + PLAN_ENTRY);
    const dense = network.layers[layer];
    const twin = shape.twins[layer];
    if (!(dense instanceof Dense) || !twin) continue;
    const split = from / dense.inputs;
    if (Number.isInteger(split) && split % 4 === 0 && split > 0 && split < dense.outputs) layers.push({ dense, twin, split });
  }
  return layers.length ? new RowSplit(layers, shard, control, DELTAS) : null;
}

/**
 * The trainer's side of a classification by the replica: puts every parameter and running
 * statistic of `network` (of the exchange's layout) in the exchange, and which images to classify.
 */
export function offerEvaluation(exchange: ShardExchange, network: Network, start: number, end: number): void {
  network.paramGroups(0).forEach((group, g) => exchange.params[g].set(group.params));
  runningStatistics(network).forEach((values, s) => exchange.statistics[s].set(values));
  exchange.control[EVAL_START] = start;
  exchange.control[EVAL_END] = end;
}

/**
 * Shard 1 computed in this thread, on a replica, exactly as a second worker computes it: its
 * steps run up to each batch sum, where shard 0's sum joins them (the same total either way).
 */
export function inProcessPeer(network: Network, batchSize: number, exchange?: ShardExchange, trainSet?: Dataset): ShardPeer {
  if (!exchange) {
    const shape = exchangeShape(network, batchSize);
    exchange = new ShardExchange(shape, new ArrayBuffer(ShardExchange.bytes(shape)));
  }
  const replica = new ShardReplica(Network.fromLayers(network.toLayerSpecs(), network.kernels, exchange.shape.twins), exchange, undefined, trainSet);
  let steps: BatchSteps<void> | null = null;
  let next: IteratorResult<Float64Array, void> | null = null;
  const astray = () => new Error('The two halves of a batch asked for different batch sums');
  return {
    exchange,
    gathers: trainSet !== undefined,
    start(prepare) {
      // Here the halves run one after the other: neither could wait for the other's δ.
      exchange.control[ROW_SPLIT] = 0;
      prepare?.(false);
      steps = replica.steps();
      next = steps.next();
    },
    share(sums) {
      if (!steps || !next || next.done) throw astray();
      addShards(sums, next.value);
      next = steps.next();
    },
    finish() {
      if (!next?.done) throw astray();
      steps = next = null;
    },
  };
}

/**
 * After the first WARM_UP batches, which all go to the second worker, the place not in use is
 * timed again now and then with a run of PROBE_RUN batches; a place that loses the work to the
 * other's time is not probed before its wait, since its latest batches just timed it.
 * - This thread, while the second worker has the work, is probed after every PROBE_EVERY batches,
 *   or PROBE_SELDOM while it is CLEAR_GAP or more slower: a probe costs the difference, and a
 *   place that much slower seldom becomes the faster between two probes. It is probed only every
 *   PROBE_RARELY batches while the second worker is FAR_GAP or more faster, as in a steady run,
 *   where this thread would compute both halves: the second worker's own times show at once when
 *   it slows down, so those probes could only find this thread faster than it was. It is not
 *   probed at all while the second worker is CLEAR_GAP or more faster than twice this thread's
 *   own half takes, the least both halves here could take: no probe could find this thread faster
 *   then, and each costs the second worker's time (CNN (99% fast) in Chromium, 3 batches of about
 *   24 ms against 12.5 ms, with the second worker idle).
 * - The second worker, while this thread has the work, is probed after RETURN_FIRST batches,
 *   doubled by each probe it loses, up to PROBE_SELDOM, however much slower it was: its time then
 *   is that of the stretch that lost it the work, most often a few milliseconds in which the
 *   machine gave its core to another thread or stalled it (CNN (fast) in Chromium: 5 to 60
 *   batches of 2.5–4.5 ms against 1.2 before and after, this thread 2.2–2.4 ms), and every batch
 *   this thread keeps without cause costs half a batch; while the machine stays busy, probes
 *   grow rare.
 */
const WARM_UP = 24;
const PROBE_RUN = 3;
const PROBE_EVERY = 16;
const RETURN_FIRST = 4;
const PROBE_SELDOM = 64;
const PROBE_RARELY = 256;
const CLEAR_GAP = 1.25;
const FAR_GAP = 1.5;
/** Batches whose median times the place in use. */
const RECENT = 9;

/**
 * The median of the last RECENT values pushed: a batch slowed by a collection or a stolen time
 * slice moves it not at all, a place that stays slower moves it within a few batches. (A moving
 * average took the page's second worker at 2–3 ms a batch where its median was 1.2 ms, and sent
 * dozens of batches an epoch to this thread at 2.1 ms: CNN (fast) in Chromium.)
 */
class RecentMedian {
  private readonly values = new Float64Array(RECENT);
  private readonly sorted = new Float64Array(RECENT);
  private count = 0;

  push(value: number): void {
    this.values[this.count++ % RECENT] = value;
  }

  clear(): void {
    this.count = 0;
  }

  /** NaN before any value. */
  median(): number {
    const n = Math.min(this.count, RECENT);
    if (n === 0) return Number.NaN;
    const sorted = this.sorted.subarray(0, n);
    sorted.set(this.values.subarray(0, n));
    sorted.sort();
    return n % 2 ? sorted[n >> 1] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}

/**
 * Shard 1 computed wherever it is faster at the moment: in a second worker (`remote`) or in
 * this thread (`local`, a replica on the same exchange). Both give the same bits, so choosing
 * changes only the time. Each batch is timed from start to finish (shard 0 included).
 * - The second worker starts cold: its code reaches full speed only after a few dozen batches
 *   (CNN (fast) in Node, src/bench/shard-batches.ts: the first 10–24 ms, the 6th to 20th 2.0–2.6 ms,
 *   from the 200th on 1.3–1.5 ms), so it takes the first WARM_UP batches, and only the second
 *   half of them count towards its time.
 * - The place in use is timed every batch (the median of its last RECENT batches); the other
 *   keeps the time its last probe measured. A probe's first batch is not counted (a place that
 *   has been idle starts with cold caches) and the mean of the others replaces that place's time.
 *   One slow batch (a collection, a stolen time slice) changes nothing; a place that stays slower
 *   loses the work within a few batches.
 * On this machine any other busy program, even at the lowest priority, made the two threads'
 * hand-overs slower than computing both halves in one (docs/benchmarks.md, "Use both cores"): Linux
 * shares the cores between sessions before priorities count, and a browser has a session of its own.
 * Every wait for the second worker counts as waiting, never as this thread's own half, or that half
 * looks slow exactly when the second worker is ("Stalls the machine adds to a split batch").
 */
export class AdaptivePeer implements ShardPeer {
  readonly exchange: ShardExchange;
  readonly otherHalf?: OtherHalf;
  readonly gathers: boolean;
  /** Batches whose shard 1 the second worker computed, and this thread. */
  remoteBatches = 0;
  localBatches = 0;
  private current: ShardPeer;
  private started = 0;
  /** Milliseconds a batch takes: [this thread, the second worker]; NaN until timed. */
  private readonly milliseconds = [Number.NaN, Number.NaN];
  /** The latest batches' milliseconds in each place (since its last probe began). */
  private readonly recent = [new RecentMedian(), new RecentMedian()];
  /** Batches since the last probe ended or the work last moved, whichever came later. */
  private sinceProbe = 0;
  /** The probe under way: its place and batches done; null between probes. */
  private probe: { place: number; done: number } | null = null;
  /** Milliseconds of this batch spent waiting for the second worker: in share and finish, and for its parts of the step and its δ. */
  private waited = 0;
  /** While this thread has the work, RETURN_FIRST times this between probes of the second worker: doubled by each probe it loses. */
  private remoteWait = 1;
  /** The place of the latest batch outside probes. */
  private inUse = 1;
  /** The milliseconds this thread's own half took in the second worker's latest batches. */
  private readonly ownHalf = new RecentMedian();

  constructor(
    private readonly remote: ShardPeer,
    private readonly local: ShardPeer,
    private readonly now: () => number,
  ) {
    if (local.exchange !== remote.exchange) throw new Error('Both places must compute shard 1 on one exchange');
    this.exchange = remote.exchange;
    this.current = remote;
    this.otherHalf = remote.otherHalf;
    this.gathers = remote.gathers === true && local.gathers === true;
  }

  start(prepare?: (inOtherThread: boolean) => void): void {
    this.current = this.place() === 1 ? this.remote : this.local;
    this.started = this.now();
    this.waited = 0;
    this.current.start(prepare);
  }

  awaitStepParts(): void {
    const before = this.now();
    this.current.awaitStepParts?.();
    this.waited += this.now() - before;
  }

  awaitDeltas(count: number): void {
    const before = this.now();
    this.current.awaitDeltas?.(count);
    this.waited += this.now() - before;
  }

  share(sums: Float64Array): void {
    const before = this.now();
    this.current.share(sums);
    this.waited += this.now() - before;
  }

  finish(): void {
    const before = this.now();
    this.current.finish();
    const ended = this.now();
    this.waited += ended - before;
    const took = ended - this.started;
    const place = this.current === this.remote ? 1 : 0;
    const batch = this.remoteBatches + this.localBatches;
    if (place) this.remoteBatches++;
    else this.localBatches++;
    const { probe, milliseconds, recent } = this;
    if (place && batch >= WARM_UP / 2) this.ownHalf.push(took - this.waited);
    if (batch < WARM_UP) {
      if (batch >= WARM_UP / 2) {
        recent[1].push(took);
        milliseconds[1] = recent[1].median();
      }
    } else if (probe) {
      if (probe.done++ > 0) recent[probe.place].push(took);
      if (probe.done === PROBE_RUN) {
        milliseconds[probe.place] = recent[probe.place].median();
        if (probe.place === 1) this.remoteWait = milliseconds[1] <= milliseconds[0] ? 1 : Math.min(2 * this.remoteWait, PROBE_SELDOM / RETURN_FIRST);
        this.probe = null;
        this.sinceProbe = 0;
      }
    } else {
      recent[place].push(took);
      milliseconds[place] = recent[place].median();
      if (place !== this.inUse) {
        this.inUse = place;
        this.sinceProbe = 0;
      }
      this.sinceProbe++;
    }
  }

  /** Where the next batch's shard 1 goes: 1 for the second worker, 0 for this thread. */
  private place(): number {
    if (this.remoteBatches + this.localBatches < WARM_UP) return 1;
    const [local, remote] = this.milliseconds;
    // Both halves here take at least twice this thread's own half.
    if (!this.probe && remote * CLEAR_GAP <= 2 * this.ownHalf.median()) return 1;
    if (this.probe) return this.probe.place;
    if (Number.isNaN(local)) return this.startProbe(0);
    const faster = remote <= local ? 1 : 0;
    const gap = Math.max(local, remote) / Math.min(local, remote);
    const every = faster === 0 ? RETURN_FIRST * this.remoteWait : gap >= FAR_GAP ? PROBE_RARELY : gap >= CLEAR_GAP ? PROBE_SELDOM : PROBE_EVERY;
    if (faster !== this.inUse || this.sinceProbe < every) return faster;
    return this.startProbe(1 - faster);
  }

  /** Times `place` afresh; returns it. */
  private startProbe(place: number): number {
    this.probe = { place, done: 0 };
    this.recent[place].clear();
    return place;
  }
}

/** Where shard 1's gradient of each group is once its half is done: a hosted group's in the twin's region of `network`'s memory, the others' in the exchange. */
export function shardOneGradients(network: Network, exchange: ShardExchange): Float32Array[] {
  const twinned = network.layers.flatMap((layer) => layer.paramGroups(0).map((_, i) => (layer instanceof Dense ? layer.twinGradients()?.[i] : undefined)));
  return exchange.grads.map((grads, g) => (exchange.shape.hosted[g] ? (twinned[g] as Float32Array) : grads));
}

/**
 * An optimizer step yet to run; `stepped(g)` as group g's params are final, and `upTo`, the parts
 * it leaves to the second worker (Optimizer.step).
 */
export type PendingStep = (stepped?: (group: number) => void, upTo?: readonly number[]) => void;

/** The second worker's parts of each step (ShardExchange.plan), on the shared arenas the exchange's twins name. */
export function stepPartsOf(exchange: ShardExchange): StepParts {
  const { plan, shape } = exchange;
  const parts: StepPart[] = [];
  for (let at = 0; at < plan.length && plan[at] >= 0; at += PLAN_ENTRY) {
    const [layer, kernel, params, first, second, grads, addend, from, length, l2] = plan.subarray(at, at + PLAN_ENTRY);
    const twin = shape.twins[layer];
    if (!twin) throw new Error('A part of the step names a layer without a shared memory');
    parts.push({ memory: twin.memory, kernel: kernel === 0 ? 'momentum' : 'adam', params, state: [first, second], grads, addend, from, length, l2 });
  }
  return new StepParts(parts);
}

/**
 * The trainer's side: fills the network's gradients with shard 0's plus shard 1's, and
 * leaves the first layer's active rows at the union of both shards', the rows the
 * optimizer step then updates.
 */
export class GradientShards {
  /** Shard 1's gradient of each group after compute, for Optimizer.step (none after a batch too small to split). */
  addend: readonly (Float32Array | null)[] = [];
  private readonly optimizer: Optimizer | null;
  /** The exchange's gradients, but for the sparse group's (null: its rows are summed in compute). */
  private readonly shard1: (Float32Array | null)[];
  private readonly groups: ParamGroup[];
  private readonly sparse: ParamGroup | null;
  /** seenIn0/1[i] = the batch in which pixel i was last found non-zero in shard 0/1. */
  private readonly seenIn0: Int32Array;
  private readonly seenIn1: Int32Array;
  private pass = 0;
  /** The pixels non-zero in either shard (union[0 … unionCount − 1]). */
  private readonly union: Int32Array;
  private unionCount = 0;
  /** Per group, the elements the trainer steps when the second worker steps the rest (the plan); null without a plan. */
  private readonly upTo: number[] | null;
  /** The first layer whose parameters the second worker steps in part: the trainer's half waits for them there. */
  private readonly firstSplitLayer: number;
  /** Whether the batch under way splits its step (set as it starts). */
  private splitNow = false;
  /** The layers whose gradient the workers share by rows where the second worker computes shard 1, or null. */
  private readonly rowSplit: RowSplit | null;
  /** The step compute was given, for prepare. */
  private pending: PendingStep | null = null;
  // Made once rather than every batch.
  private readonly beforeOwnLayer = (l: number) => {
    if (this.splitNow && l === this.firstSplitLayer) this.peer.awaitStepParts?.();
  };
  private readonly publish = (g: number) => {
    const { exchange } = this.peer;
    if (!exchange.shape.hosted[g]) exchange.params[g].set(this.groups[g].params);
    publishGroups(exchange, g + 1);
  };
  private readonly awaitDeltas = (count: number) => this.peer.awaitDeltas?.(count);
  private readonly prepare = (inOtherThread: boolean) => {
    this.splitNow = inOtherThread && this.upTo !== null;
    (this.pending as PendingStep)(this.publish, this.splitNow ? (this.upTo as number[]) : undefined);
  };

  /**
   * With `optimizer` (the network's) and a peer in another thread, the second worker steps the second
   * half of each long group of a twinned layer (SPLIT_FROM) while the trainer steps the first.
   */
  constructor(
    private readonly network: Network,
    private readonly peer: ShardPeer,
    optimizer?: Optimizer,
  ) {
    this.groups = network.paramGroups(0);
    const { sparseGroup, hosted } = peer.exchange.shape;
    this.sparse = sparseGroup >= 0 ? this.groups[sparseGroup] : null;
    this.shard1 = shardOneGradients(network, peer.exchange).map((grads, g) => (g === sparseGroup ? null : grads));
    const layerOf = network.layers.flatMap((layer, l) => layer.paramGroups(0).map(() => l));
    const { plan } = peer.exchange;
    plan.fill(-1);
    let entries = 0;
    let first = network.layers.length;
    const upTo = this.groups.map((group, g) => {
      const length = group.params.length;
      const state = hosted[g] && !this.sparse && peer.awaitStepParts && length >= SPLIT_FROM ? optimizer?.kernelState?.(g) : null;
      if (!state) return length;
      const layer = network.layers[layerOf[g]];
      // A dense layer's weights split on a row (RowSplit), a multiple of 4 (the kernels' tiles) and
      // so, with inputs in eights, on a cache line; other groups on a cache line: 16 floats.
      const rows = layer instanceof Dense && group.params === layer.weights ? 4 * Math.round(layer.outputs / 8) : 0;
      const from = layer instanceof Dense && rows > 0 && rows < layer.outputs ? rows * layer.inputs : 16 * Math.round(length / 32);
      const entry = [layerOf[g], state.kernel === 'momentum' ? 0 : 1, state.params, ...state.state, state.grads, (this.shard1[g] as Float32Array).byteOffset, from, length, state.l2];
      plan.set(entry, PLAN_ENTRY * entries++);
      first = Math.min(first, layerOf[g]);
      return from;
    });
    this.upTo = entries > 0 ? upTo : null;
    this.firstSplitLayer = first;
    this.rowSplit = peer.awaitDeltas ? rowSplitOf(network, peer.exchange, 0) : null;
    this.optimizer = optimizer ?? null;
    const pixels = peer.exchange.list.length;
    this.seenIn0 = new Int32Array(pixels);
    this.seenIn1 = new Int32Array(pixels);
    this.union = new Int32Array(pixels);
  }

  /** Whether shard 1 can gather its own samples (compute's `order`): its peer can, and it needs no look at their pixels here (sparse input). */
  get gathers(): boolean {
    return this.peer.gathers === true && this.sparse === null;
  }

  /** The rows of a batch of `rows` whose pixels and targets compute reads when shard 1 gathers the rest: all of a batch too small to split. */
  ownRows(rows: number): number {
    return rows >> 1 || rows;
  }

  /**
   * The gradient of `rows` rows of inputs and targets, divided by `rows`: shard 0's in the
   * network's grads, shard 1's in `addend` for the optimizer step to add (summed there, in
   * WebAssembly where the step runs there), except the sparse group's rows, summed here.
   * `step`, where given, is the last batch's optimizer step, still to run: it reads this
   * shard's last gradient and the last `addend`, and calls back as each group's params are
   * final. With a second worker it runs while that worker starts on shard 1, each group handed
   * on as soon as it is stepped, and that worker first steps its parts of the long groups (the
   * plan), which this shard's half waits for before the first layer they belong to. That worker
   * overwrites `addend` only after its last layer, which waits for the last group, stepped after
   * every read of it. `catchUp` brings the active
   * rows of the first layer's weights up to date (a lazy optimizer's). With `order` (the batch
   * being samples order[start …] of the training set) and a peer that gathers, shard 1 gathers its
   * own samples and only the first ownRows(rows) rows of `inputs` and `targets` are read.
   */
  compute(inputs: Float32Array, targets: Float32Array, rows: number, step: PendingStep | null, catchUp: () => void, order?: Uint32Array, start = 0): ShardSums {
    const { network, peer, groups, sparse } = this;
    const half = rows >> 1;
    if (half === 0) {
      step?.();
      this.addend = [];
      const sums = runSteps(shardSteps(network, inputs, targets, rows, rows));
      if (sparse) this.keepActive(sparse.activeRows as ActiveRows);
      return sums;
    }
    const { exchange } = peer;
    const { shape, control, list } = exchange;
    let count = 0;
    let prepare: ((inOtherThread: boolean) => void) | undefined;
    this.splitNow = false;
    control[SPLIT] = 0;
    if (sparse) {
      // Which of the first layer's rows shard 1 reads depends on the step before (the lazy
      // optimizer's rows) and on this batch's ink: both are settled before it starts.
      step?.();
      count = this.findInk(inputs, half, rows);
      this.restoreUnion(sparse.activeRows as ActiveRows);
      catchUp();
      groups.forEach((group, g) => {
        if (group === sparse) copyRows(group.params, exchange.params[g], list, count, shape.rowLength);
        else if (!shape.hosted[g]) exchange.params[g].set(group.params);
      });
      publishGroups(exchange, groups.length);
    } else if (step) {
      // Shard 1 is idle until start: nobody waits on these words yet.
      control[READY] = 0;
      control[PARTS_DONE] = 0;
      control[SPLIT] = this.upTo ? 1 : 0;
      if (this.upTo) this.optimizer?.nextScalars?.(exchange.scalars);
      this.pending = step;
      prepare = this.prepare;
    } else {
      groups.forEach((group, g) => shape.hosted[g] || exchange.params[g].set(group.params));
      publishGroups(exchange, groups.length);
    }
    if (order && this.gathers) {
      for (let r = half; r < rows; r++) exchange.samples[r - half] = order[start + r];
      control[GATHER] = 1;
    } else {
      exchange.inputs.set(inputs.subarray(half * shape.inputs, rows * shape.inputs));
      exchange.targets.set(targets.subarray(half * shape.outputs, rows * shape.outputs));
      control[GATHER] = 0;
    }
    control[ROWS] = rows - half;
    control[MEAN_OVER] = rows;
    control[LIST_COUNT] = count;
    // A peer in this thread clears it: the halves then run one after the other.
    control[ROW_SPLIT] = this.rowSplit && rows - half <= TWIN_ROWS ? 1 : 0;
    control[DELTAS] = control[DELTAS + 1] = 0;
    peer.start(prepare);
    const byRows = control[ROW_SPLIT] === 1 ? this.rowSplit : null;
    byRows?.arm(true);
    let first: ShardSums;
    try {
      first = runSteps(shardSteps(network, inputs, targets, half, rows, this.beforeOwnLayer), (sums) => peer.share(sums));
    } finally {
      byRows?.arm(false);
    }
    byRows?.finish(rows - half, this.awaitDeltas);
    peer.finish();
    this.addend = this.shard1;
    if (sparse) {
      const into = sparse.grads;
      const from = exchange.grads[shape.sparseGroup];
      for (let n = 0; n < count; n++) {
        const start = list[n] * shape.rowLength;
        for (let i = start; i < start + shape.rowLength; i++) into[i] += from[i];
      }
      this.restoreUnion(sparse.activeRows as ActiveRows);
    }
    const { stats } = exchange;
    return { loss: first.loss + stats[0], squaredError: first.squaredError + stats[1], correct: first.correct + stats[2] };
  }

  /**
   * After the optimizer step: the first layer keeps its gradient zero outside the rows its
   * last backward wrote, and the sum wrote the other shard's rows too.
   */
  afterStep(): void {
    if (!this.sparse) return;
    const { grads } = this.sparse;
    const { rowLength } = this.peer.exchange.shape;
    for (let n = 0; n < this.unionCount; n++) grads.fill(0, this.union[n] * rowLength, (this.union[n] + 1) * rowLength);
  }

  /** Shard 1's non-zero pixels into the exchange's list (returns their count), both shards' into union. */
  private findInk(inputs: Float32Array, half: number, rows: number): number {
    const { seenIn0, seenIn1, union } = this;
    const { list } = this.peer.exchange;
    const width = this.peer.exchange.shape.inputs;
    const pass = ++this.pass;
    let unionCount = 0;
    for (let r = 0; r < half; r++) {
      const start = r * width;
      for (let i = 0; i < width; i++) {
        if (inputs[start + i] !== 0 && seenIn0[i] !== pass) {
          seenIn0[i] = pass;
          union[unionCount++] = i;
        }
      }
    }
    let count = 0;
    for (let r = half; r < rows; r++) {
      const start = r * width;
      for (let i = 0; i < width; i++) {
        if (inputs[start + i] !== 0 && seenIn1[i] !== pass) {
          seenIn1[i] = pass;
          list[count++] = i;
          if (seenIn0[i] !== pass) union[unionCount++] = i;
        }
      }
    }
    this.unionCount = unionCount;
    return count;
  }

  private restoreUnion(active: ActiveRows): void {
    active.list.set(this.union.subarray(0, this.unionCount));
    active.count = this.unionCount;
  }

  private keepActive(active: ActiveRows): void {
    this.union.set(active.list.subarray(0, active.count));
    this.unionCount = active.count;
  }
}
