/** The second training worker: computes the second half of each batch (see shard-peer.ts). */
import { serveShards, type ShardRunMessage } from './shard-peer.ts';

self.onmessage = (event: MessageEvent<ShardRunMessage | 'ping'>) => {
  if (event.data === 'ping') self.postMessage('pong');
  else serveShards(event.data);
};
self.postMessage('ready');
