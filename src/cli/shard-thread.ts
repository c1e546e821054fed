/**
 * The CLI's second training thread: computes the second half of each batch, as the browser's
 * shard worker does (see worker/shard-peer.ts).
 */
import { parentPort } from 'node:worker_threads';
import { serveShards, type ShardRunMessage } from '../worker/shard-peer.ts';

parentPort?.on('message', (message: ShardRunMessage) => serveShards(message));
parentPort?.postMessage('ready');
