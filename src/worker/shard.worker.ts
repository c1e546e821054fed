/** The second training worker: computes the second half of each batch (see shard-peer.ts). */
import { serveShards, type ShardRunMessage } from './shard-peer.ts';

self.onmessage = (event: MessageEvent<ShardRunMessage>) => serveShards(event.data);
// Tells the trainer's worker this one is up: it must not block waiting on a worker still starting.
self.postMessage('ready');
