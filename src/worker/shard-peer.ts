/**
 * The second worker of data-parallel training (see engine/shards.ts): the trainer's worker
 * and the shard worker share one ShardExchange in a SharedArrayBuffer and hand it back and
 * forth with Atomics.wait/notify on its state word. Only workers may block, so both sides
 * run off the page's thread; the page itself never waits.
 */
import type { Kernels } from '../engine/kernels.ts';
import type { LayerSpec } from '../engine/layer.ts';
import { Network } from '../engine/network.ts';
import { exchangeShape, SHARED, ShardExchange, ShardReplica, ShardState, STATE, type ExchangeShape, type ShardPeer } from '../engine/shards.ts';

/** How long the trainer waits, twice, for half a batch before it gives the second worker up. */
const SILENCE_MS = 15_000;

/** What the shard worker is sent for each run. */
export interface ShardRunMessage {
  buffer: SharedArrayBuffer;
  shape: ExchangeShape;
  specs: LayerSpec[];
  kernels: Kernels;
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

/** Opens a run's exchange in a new SharedArrayBuffer; `post` sends the message to the thread that will serve it. */
export function openSharedPeer(network: Network, batchSize: number, post: (message: ShardRunMessage) => void): SharedPeer {
  const shape = exchangeShape(network, batchSize);
  const buffer = new SharedArrayBuffer(ShardExchange.bytes(shape));
  const exchange = new ShardExchange(shape, buffer);
  const { control } = exchange;
  post({ buffer, shape, specs: network.toLayerSpecs(), kernels: network.kernels });
  let shared = 0;
  return {
    exchange,
    start() {
      Atomics.store(control, STATE, ShardState.work);
      Atomics.notify(control, STATE);
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
        if (Atomics.wait(control, STATE, ShardState.work, SILENCE_MS) === 'timed-out' && ++waits > 1) {
          throw new Error(`The second training worker did not answer for ${(2 * SILENCE_MS) / 1000} s`);
        }
      }
      if (state === ShardState.failed) throw new Error('The second training worker failed on its half of a batch');
    },
    close() {
      Atomics.store(control, STATE, ShardState.end);
      Atomics.notify(control, STATE);
      // A replica may be waiting for a batch sum this run will no longer send.
      Atomics.notify(control, SHARED);
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
    if (Atomics.wait(control, other, seen, SILENCE_MS) === 'timed-out' && shard === 0 && ++waits > 1) {
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
 * a WebAssembly memory, which a worker that allocates this little would seldom collect.
 */
function replicaFor({ specs, kernels }: ShardRunMessage): Network {
  // Its layout: every field but the parameters, which each batch brings.
  const key = JSON.stringify([kernels, specs], (_, value: unknown) => (value instanceof Float32Array ? value.length : value));
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
  let replica: ShardReplica;
  try {
    replica = new ShardReplica(replicaFor(message), exchange);
  } catch (error) {
    Atomics.store(control, STATE, ShardState.failed);
    Atomics.notify(control, STATE);
    throw error;
  }
  let shared = 0;
  for (;;) {
    const state = Atomics.load(control, STATE);
    if (state === ShardState.end) return;
    if (state !== ShardState.work) {
      Atomics.wait(control, STATE, state);
      continue;
    }
    try {
      replica.run((sums) =>
        shareSums(exchange, 1, ++shared, sums, () => {
          if (Atomics.load(control, STATE) === ShardState.end) throw new RunEnded();
        }),
      );
      Atomics.store(control, STATE, ShardState.done);
    } catch (error) {
      if (error instanceof RunEnded) return;
      Atomics.store(control, STATE, ShardState.failed);
      // The trainer may be waiting for this shard's next batch sum rather than its end.
      Atomics.notify(control, SHARED + 1);
      console.error(error);
    }
    Atomics.notify(control, STATE);
  }
}
