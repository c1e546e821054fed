/**
 * `train --workers 2`: each batch split between this thread and a worker thread, exactly as
 * "Use both cores" splits it between two browser workers, so both give the same weights.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Network } from '../engine/network.ts';
import { openSharedPeer, type SharedPeer, type TestSetShare, type TrainSetShare } from '../worker/shard-peer.ts';

/** How long the thread may take to load before the run gives it up. */
const START_MS = 60_000;

export interface ShardThread {
  /**
   * A run's peer, served by the thread; the previous run's is closed. With `test`, the thread can classify half of it
   * (SharedPeer.otherHalf); with `train`, it gathers its half of each batch itself.
   */
  open(network: Network, batchSize: number, test?: TestSetShare, train?: TrainSetShare): SharedPeer;
  /** Ends the last run and the thread. */
  close(): void;
}

/**
 * Starts the second thread; resolves once it serves. Its start needs this thread's event loop,
 * so this is the one wait the CLI does not block through.
 */
export async function startShardThread(): Promise<ShardThread> {
  const worker = typeScriptWorker(new URL('./shard-thread.ts', import.meta.url));
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      new Promise((resolve, reject) => {
        worker.once('message', resolve);
        worker.once('error', reject);
      }),
      new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`The second training thread did not start within ${START_MS / 1000} s`)), START_MS))),
    ]);
  } catch (error) {
    void worker.terminate();
    throw error;
  } finally {
    clearTimeout(timer);
  }
  let peer: SharedPeer | null = null;
  return {
    open(network, batchSize, test, train) {
      peer?.close();
      peer = openSharedPeer(network, batchSize, (message) => worker.postMessage(message), test, train);
      return peer;
    },
    close() {
      peer?.close();
      void worker.terminate();
    },
  };
}

/** A worker thread running the TypeScript module at `url`, given `workerData`. */
export function typeScriptWorker(url: URL, workerData?: unknown): Worker {
  // A worker thread does not inherit --import tsx: it registers tsx itself before loading the TypeScript.
  const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
  return new Worker(`import(${JSON.stringify(tsx)}).then(({ register }) => { register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData });
}
