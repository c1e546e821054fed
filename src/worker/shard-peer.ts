/**
 * The second worker of data-parallel training (see engine/shards.ts): the trainer's worker
 * and the shard worker share one ShardExchange in a SharedArrayBuffer and hand it back and
 * forth with Atomics.wait/notify on its state word. Only workers may block, so both sides
 * run off the page's thread; the page itself never waits.
 *
 * After each epoch the shard worker also classifies the second half of the test set, from a
 * shared copy of its pixels sent with each run (made once per set), while the trainer
 * classifies the first half; the answers are those one thread gives, bit for bit.
 */
import type { Dataset } from '../engine/dataset.ts';
import type { Kernels } from '../engine/kernels.ts';
import type { LayerSpec } from '../engine/layer.ts';
import type { OtherHalf } from '../engine/metrics.ts';
import { Network } from '../engine/network.ts';
import type { StepParts } from '../engine/wasm/optimizer-kernels.ts';
import {
  DELTAS,
  exchangeShape,
  layoutOf,
  offerEvaluation,
  PARTS_DONE,
  READY,
  SHARED,
  SPLIT,
  stepPartsOf,
  ShardExchange,
  ShardReplica,
  ShardState,
  STATE,
  type ExchangeShape,
  type ShardPeer,
} from '../engine/shards.ts';

/** How long the trainer waits, twice, for half a batch before it gives the second worker up. */
const SILENCE_MS = 15_000;

/**
 * How long a side checks the other's word before it sleeps in Atomics.wait. In Chromium a
 * sleeping worker wakes a fraction of a millisecond after it is notified, and a batch of
 * CNN (99% fast) meets the other half nine times (its batch sums), where the other side
 * is usually microseconds away. Between batches, and for the parameters the trainer is still
 * stepping, the second worker waits longer: the trainer's optimizer step and the next batch's
 * copies take up to about a millisecond.
 */
const SPIN_MS = 0.25;
const BETWEEN_BATCHES_SPIN_MS = 1.5;

/**
 * Atomics.wait(control, index, value, timeout), after checking for up to `spinMs` whether the
 * word has left `value` already; answers as Atomics.wait does.
 */
export function spinThenWait(control: Int32Array, index: number, value: number, timeout: number, spinMs = SPIN_MS): 'ok' | 'not-equal' | 'timed-out' {
  const end = performance.now() + spinMs;
  do {
    // A clock read costs tens of loads: look at the word a few times between reads.
    for (let i = 0; i < 32; i++) if (Atomics.load(control, index) !== value) return 'not-equal';
  } while (performance.now() < end);
  return Atomics.wait(control, index, value, timeout);
}

/** What the shard worker is sent for each run. */
export interface ShardRunMessage {
  buffer: SharedArrayBuffer;
  shape: ExchangeShape;
  specs: LayerSpec[];
  kernels: Kernels;
  /** The test set whose second half the worker classifies after each epoch. */
  testSet?: SharedTestSet;
  /** The training set, from which the worker gathers the samples of its half of each batch the trainer names. */
  trainSet?: SharedTrainSet;
}

/** A training set's labels and pixels in shared memory: labels (Uint8 × count) | pixels. */
export interface SharedTrainSet {
  buffer: SharedArrayBuffer;
  count: number;
  inputSize: number;
}

/** A training set, and its shared copy for the shard worker. */
export interface TrainSetShare {
  data: Dataset;
  shared: SharedTrainSet;
}

/**
 * Copies a training set's labels and pixels into shared memory, once per set: the second worker then
 * gathers its half of each batch itself, and the trainer sends it sample numbers instead of 8
 * rows of pixels (CNN (fast): 49–180 µs a batch to gather both halves in the page's worker).
 */
export function shareTrainSet(data: Dataset): TrainSetShare {
  const { count, inputSize } = data;
  const shared = { buffer: new SharedArrayBuffer(count * (1 + inputSize)), count, inputSize };
  const views = trainSetViews(shared);
  views.labels.set(data.labels.subarray(0, count));
  views.images.set(data.images.subarray(0, count * inputSize));
  return { data, shared };
}

/** Whether `share` holds `data`'s samples at their indices: a copy of it or of a set it is the first samples of. */
export function shareHolds(share: TrainSetShare | null, data: Dataset): boolean {
  const copied = share?.data;
  return (
    copied !== undefined &&
    data.count <= copied.count &&
    data.images.buffer === copied.images.buffer &&
    data.images.byteOffset === copied.images.byteOffset &&
    data.labels.buffer === copied.labels.buffer &&
    data.labels.byteOffset === copied.labels.byteOffset
  );
}

/** A shared training set as the Dataset it copies. */
function trainSetViews({ buffer, count, inputSize }: SharedTrainSet): Dataset {
  return { labels: new Uint8Array(buffer, 0, count), images: new Uint8Array(buffer, count, count * inputSize), count, inputSize };
}

/** A test set's pixels in shared memory, with room for the answers the shard worker writes. */
export interface SharedTestSet {
  buffer: SharedArrayBuffer;
  count: number;
  inputSize: number;
}

/** A test set, and its shared copy for the shard worker. */
export interface TestSetShare {
  data: Dataset;
  shared: SharedTestSet;
}

/** Copies the test set's pixels into shared memory: once per set, since every run's message can carry the same buffer. */
export function shareTestSet(data: Dataset): TestSetShare {
  const { count, inputSize } = data;
  const shared = { buffer: new SharedArrayBuffer(count * (5 + inputSize)), count, inputSize };
  testSetViews(shared).images.set(data.images.subarray(0, count * inputSize));
  return { data, shared };
}

/** The shared test set's layout: confidence (Float32 × count) | predicted (Uint8 × count) | pixels. */
function testSetViews({ buffer, count, inputSize }: SharedTestSet) {
  return {
    confidence: new Float32Array(buffer, 0, count),
    predicted: new Uint8Array(buffer, 4 * count, count),
    images: new Uint8Array(buffer, 5 * count, count * inputSize),
    inputSize,
  };
}

/** Whether this scope can train with a second worker: SharedArrayBuffer needs cross-origin isolation. */
export function twoWorkersAvailable(scope: { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; Worker?: unknown }): boolean {
  return scope.crossOriginIsolated === true && typeof scope.SharedArrayBuffer === 'function' && typeof scope.Worker === 'function';
}

/** A peer whose shard 1 is computed by whoever serves `message` (serveShards, in another thread). */
export interface SharedPeer extends ShardPeer {
  /** Lets the serving thread leave the run. */
  close(): void;
}

/**
 * Opens a run's exchange in a new SharedArrayBuffer; `post` sends the message to the thread
 * that will serve it. With `test`, that thread classifies the second half of that set on request
 * (otherHalf), for networks of the run's layout; with `train` (the run's training set or one it is
 * the first samples of), it gathers its half of each batch from it (ShardPeer.gathers).
 */
export function openSharedPeer(network: Network, batchSize: number, post: (message: ShardRunMessage) => void, test?: TestSetShare, train?: TrainSetShare): SharedPeer {
  const shape = exchangeShape(network, batchSize);
  const buffer = new SharedArrayBuffer(ShardExchange.bytes(shape));
  const exchange = new ShardExchange(shape, buffer);
  const { control } = exchange;
  const specs = network.toLayerSpecs();
  post({ buffer, shape, specs, kernels: network.kernels, testSet: test?.shared, trainSet: train?.shared });
  const layout = layoutOf(specs);
  let shared = 0;
  /** The classification the shard worker was asked for; its answers once it is over (null when they did not come), undefined before. */
  let pending: { start: number; answers?: { predicted: Uint8Array; confidence: Float32Array } | null } | null = null;
  /** Cleared for the rest of the run once the worker failed a classification or went silent during one. */
  let classifies = test !== undefined;
  let closed = false;

  /** Waits for the worker to leave a classification; false when it failed, or stayed silent twice SILENCE_MS. */
  const waitForAnswers = (): boolean => {
    let waits = 0;
    for (;;) {
      const state = Atomics.load(control, STATE);
      if (state === ShardState.done) return true;
      if (state !== ShardState.evaluate) {
        Atomics.store(control, STATE, ShardState.done);
        return (classifies = false);
      }
      // The trainer takes its turn back; should the worker answer later, its answer is not read.
      if (Atomics.wait(control, STATE, ShardState.evaluate, SILENCE_MS) === 'timed-out' && ++waits > 1) {
        if (Atomics.compareExchange(control, STATE, ShardState.evaluate, ShardState.done) === ShardState.evaluate) return (classifies = false);
      }
    }
  };
  /**
   * A batch or the run's end must not take the turn from a classification under way: its
   * answers are copied out for `end`, before another classification of the set can overwrite them.
   */
  const settle = () => {
    if (!pending || pending.answers !== undefined || !test) return;
    const written = testSetViews(test.shared);
    const { start } = pending;
    pending.answers = waitForAnswers() ? { predicted: written.predicted.slice(start), confidence: written.confidence.slice(start) } : null;
  };

  /** Waits until the worker has counted control[index] up to `count`, mid-batch. */
  const awaitWorker = (index: number, count: number) => {
    let waits = 0;
    let seen: number;
    while ((seen = Atomics.load(control, index)) < count) {
      if (Atomics.load(control, STATE) === ShardState.failed) throw new Error('The second training worker failed on its half of a batch');
      if (spinThenWait(control, index, seen, SILENCE_MS) === 'timed-out' && ++waits > 1) {
        throw new Error(`The second training worker did not answer for ${(2 * SILENCE_MS) / 1000} s`);
      }
    }
  };

  const otherHalf: OtherHalf = {
    begin(evaluated, data, start) {
      if (!test || data !== test.data || !classifies || closed || pending) return false;
      if (Atomics.load(control, STATE) !== ShardState.done || layoutOf(evaluated.toLayerSpecs()) !== layout) return false;
      offerEvaluation(exchange, evaluated, start, data.count);
      pending = { start };
      Atomics.store(control, STATE, ShardState.evaluate);
      Atomics.notify(control, STATE);
      return true;
    },
    end(predicted, confidence) {
      if (!pending) return false;
      settle();
      const { start, answers } = pending;
      pending = null;
      if (!answers) return false;
      predicted.set(answers.predicted, start);
      confidence.set(answers.confidence, start);
      return true;
    },
  };

  return {
    exchange,
    otherHalf,
    gathers: train !== undefined,
    start(prepare) {
      settle();
      Atomics.store(control, STATE, ShardState.work);
      Atomics.notify(control, STATE);
      prepare?.(true);
    },
    awaitStepParts() {
      awaitWorker(PARTS_DONE, 1);
    },
    awaitDeltas(count) {
      awaitWorker(DELTAS + 1, count);
    },
    share(sums) {
      shareSums(exchange, 0, ++shared, sums, () => {
        const state = Atomics.load(control, STATE);
        if (state === ShardState.failed) throw new Error('The second training worker failed on its half of a batch');
      });
    },
    finish() {
      let state: number;
      let waits = 0;
      while ((state = Atomics.load(control, STATE)) === ShardState.work) {
        // Half a batch takes milliseconds: a worker silent this long is gone, and the run fails rather than hang.
        if (spinThenWait(control, STATE, ShardState.work, SILENCE_MS) === 'timed-out' && ++waits > 1) {
          throw new Error(`The second training worker did not answer for ${(2 * SILENCE_MS) / 1000} s`);
        }
      }
      if (state === ShardState.failed) throw new Error('The second training worker failed on its half of a batch');
    },
    close() {
      settle();
      closed = true;
      Atomics.store(control, STATE, ShardState.end);
      Atomics.notify(control, STATE);
      // A replica may be waiting for a batch sum or parameters this run will no longer send.
      Atomics.notify(control, SHARED);
      Atomics.notify(control, READY);
      Atomics.notify(control, PARTS_DONE);
      Atomics.notify(control, DELTAS);
    },
  };
}

/** Thrown in the shard worker when its run ends while it waits for a batch sum. */
class RunEnded extends Error {}

/**
 * Shard `shard`'s side of the run's `n`th batch sum (engine/batch-sums.ts): puts `sums` in
 * the exchange, waits for the other shard's `n`th, and adds it. `check` throws when the
 * other side is gone. The trainer also gives up after twice SILENCE_MS; the shard worker
 * waits as long as the run lasts (mid-batch, the trainer is computing, not idle).
 */
function shareSums(exchange: ShardExchange, shard: 0 | 1, n: number, sums: Float64Array, check: () => void): void {
  const { control } = exchange;
  const slot = n & 1;
  exchange.shared[shard][slot].set(sums);
  Atomics.store(control, SHARED + shard, n);
  Atomics.notify(control, SHARED + shard);
  const other = SHARED + 1 - shard;
  let waits = 0;
  let seen: number;
  while ((seen = Atomics.load(control, other)) < n) {
    check();
    if (spinThenWait(control, other, seen, SILENCE_MS) === 'timed-out' && shard === 0 && ++waits > 1) {
      throw new Error(`The second training worker did not answer for ${(2 * SILENCE_MS) / 1000} s`);
    }
  }
  const theirs = exchange.shared[1 - shard][slot];
  for (let i = 0; i < sums.length; i++) sums[i] += theirs[i];
}

/** The last run's replica network and what it was built for. */
let kept: { key: string; network: Network } | null = null;

/**
 * A network of the message's shape, the last run's when it has the same: each new one takes
 * a WebAssembly memory, which a worker that allocates this little would seldom collect. One
 * whose layers compute in the trainer's memories (twins) is that run's alone.
 */
function replicaFor({ specs, kernels, shape }: ShardRunMessage): Network {
  if (shape.twins.some((twin) => twin !== null)) {
    kept = null;
    return Network.fromLayers(specs, kernels, shape.twins);
  }
  // Its layout: every field but the parameters, which each batch brings.
  const key = `${kernels} ${layoutOf(specs)}`;
  if (kept?.key !== key) kept = { key, network: Network.fromLayers(specs, kernels) };
  return kept.network;
}

/**
 * The shard worker's side of one run: computes shard 1 each time the trainer asks, until
 * the run is closed. Blocks its thread meanwhile: a run's next message waits until then.
 */
export function serveShards(message: ShardRunMessage): void {
  const exchange = new ShardExchange(message.shape, message.buffer);
  const { control } = exchange;
  const test = message.testSet && testSetViews(message.testSet);
  const ended = () => {
    if (Atomics.load(control, STATE) === ShardState.end) throw new RunEnded();
  };
  /** Waits until the trainer has counted control[index] up to `count`. */
  const awaitTrainer = (index: number, count: number, spinMs?: number) => {
    let seen: number;
    while ((seen = Atomics.load(control, index)) < count) {
      ended();
      spinThenWait(control, index, seen, SILENCE_MS, spinMs);
    }
  };
  // The trainer steps the parameters while this half starts: each layer waits for its own.
  const awaitGroups = (count: number) => awaitTrainer(READY, count, BETWEEN_BATCHES_SPIN_MS);
  const awaitDeltas = (count: number) => awaitTrainer(DELTAS, count);
  let replica: ShardReplica;
  try {
    replica = new ShardReplica(replicaFor(message), exchange, awaitGroups, message.trainSet && trainSetViews(message.trainSet), awaitDeltas);
  } catch (error) {
    Atomics.store(control, STATE, ShardState.failed);
    Atomics.notify(control, STATE);
    throw error;
  }
  let shared = 0;
  /** This worker's parts of each step, made at the first batch that has them. */
  let parts: StepParts | null = null;
  for (;;) {
    const state = Atomics.load(control, STATE);
    if (state === ShardState.end) return;
    if (state === ShardState.evaluate) {
      let answered: number = ShardState.done;
      try {
        if (!test) throw new Error('The second training worker was asked to classify a test set it was not given');
        replica.classify(test, test.predicted, test.confidence);
      } catch (error) {
        answered = ShardState.failed;
        console.error(error);
      }
      // Unless the trainer stopped waiting and took its turn back meanwhile.
      Atomics.compareExchange(control, STATE, ShardState.evaluate, answered);
      Atomics.notify(control, STATE);
      continue;
    }
    if (state !== ShardState.work) {
      spinThenWait(control, STATE, state, Infinity, BETWEEN_BATCHES_SPIN_MS);
      continue;
    }
    try {
      if (control[SPLIT]) {
        (parts ??= stepPartsOf(exchange)).run(exchange.scalars);
        Atomics.store(control, PARTS_DONE, 1);
        Atomics.notify(control, PARTS_DONE);
      }
      replica.run((sums) => shareSums(exchange, 1, ++shared, sums, ended));
      Atomics.store(control, STATE, ShardState.done);
    } catch (error) {
      if (error instanceof RunEnded) return;
      Atomics.store(control, STATE, ShardState.failed);
      // The trainer may be waiting for this shard's next batch sum, its parts of the step or its δ rather than its end.
      Atomics.notify(control, SHARED + 1);
      Atomics.notify(control, PARTS_DONE);
      Atomics.notify(control, DELTAS + 1);
      console.error(error);
    }
    Atomics.notify(control, STATE);
  }
}
