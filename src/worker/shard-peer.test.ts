import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { SEED_CONFIG, type Config, type Optimizer } from '../engine/config.ts';
import type { Kernels } from '../engine/kernels.ts';
import type { LayerDescription } from '../engine/layer.ts';
import { firstSamples } from '../engine/dataset.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { inProcessPeer, type ShardPeer } from '../engine/shards.ts';
import { Trainer } from '../engine/train.ts';
import { openSharedPeer, twoWorkersAvailable, type SharedPeer } from './shard-peer.ts';

const data = firstSamples(loadMnistNode('train'), 640);
const config: Config = { ...SEED_CONFIG, layers: [784, 32, 10], activations: ['Sigmoid', 'Softmax'], batchSize: 32, samples: 640, epochs: 2, learningRate: 0.1 };

/**
 * A small CNN of odd sizes: a strided valid convolution, max and average pooling, a same
 * convolution, a dense layer; batches of 9 over 320 samples leave a last batch of 5.
 * `normalised` adds batch normalisation per channel and per unit.
 */
function cnnConfig(optimizer: Optimizer, normalised = false): Config {
  const layers: LayerDescription[] = [
    { type: 'conv2d', filters: 3, kernelSize: 5, stride: 2, padding: 'valid', activation: 'ReLU' },
    { type: 'maxpool2d', poolSize: 3, stride: 2 },
    ...(normalised ? [{ type: 'batchnorm' } as const] : []),
    { type: 'conv2d', filters: 5, kernelSize: 3, stride: 1, padding: 'same', activation: 'Tanh' },
    { type: 'avgpool2d', poolSize: 2, stride: 1 },
    { type: 'flatten' },
    { type: 'dense', units: 7, activation: 'ReLU' },
    ...(normalised ? [{ type: 'batchnorm' } as const] : []),
    { type: 'dense', units: 10, activation: 'Softmax' },
  ];
  return { ...config, stack: { input: [28, 28, 1], layers }, init: 'he', batchSize: 9, samples: 320, optimizer, learningRate: optimizer === 'adam' ? 0.005 : 0.05, momentum: 0.9 };
}

/** Two epochs of `c` on `peerFor`'s peer: every parameter and each epoch's loss and accuracy. */
function train(peerFor: (network: Network) => ShardPeer | null, c: Config = config, kernels: Kernels = 'wasm') {
  const rng = createRng(c.seed);
  const network = Network.forConfig(c, rng, kernels);
  const trainer = new Trainer(network, c, data, rng, Date.now, peerFor(network));
  const epochs = [trainer.runEpoch(), trainer.runEpoch()].map(({ loss, accuracy, averageError }) => ({ loss, accuracy, averageError }));
  // Batch normalisation's running statistics are no parameters, but the model keeps them.
  const running = network.toLayerSpecs().flatMap((spec) => (spec.type === 'batchnorm' ? [spec.runningMean, spec.runningVariance] : []));
  return { params: [...network.paramGroups(0).map((group) => group.params.slice()), ...running], epochs };
}

describe('two workers', () => {
  // A second thread running serveShards, as the browser's shard worker does.
  let thread: Worker;
  beforeAll(async () => {
    const script = join(mkdtempSync(join(tmpdir(), 'shards-')), 'serve.mjs');
    const peerModule = pathToFileURL(join(import.meta.dirname, 'shard-peer.ts')).href;
    const tsx = pathToFileURL(join(dirname(createRequire(import.meta.url).resolve('tsx/esm/api')), 'index.mjs')).href;
    writeFileSync(
      script,
      // tsx loads the TypeScript module in this thread, as vitest does in the test's.
      `import { parentPort } from 'node:worker_threads';\nimport { register } from ${JSON.stringify(tsx)};\nregister();\n` +
        `const { serveShards } = await import(${JSON.stringify(peerModule)});\n` +
        `parentPort.on('message', serveShards);\nparentPort.postMessage('ready');\n`,
    );
    thread = new Worker(script);
    await new Promise((resolve, reject) => {
      thread.once('message', resolve);
      thread.once('error', reject);
    });
  }, 60_000);
  afterAll(() => thread.terminate());

  it('train the same weights, bit for bit, as one worker computing both shards', () => {
    const opened: SharedPeer[] = [];
    const shared = train((network) => {
      const peer = openSharedPeer(network, config.batchSize, (message) => thread.postMessage(message));
      opened.push(peer);
      return peer;
    });
    opened.forEach((peer) => peer.close());
    const alone = train((network) => inProcessPeer(network, config.batchSize));
    expect(shared.epochs).toEqual(alone.epochs);
    shared.params.forEach((params, g) => expect(params).toEqual(alone.params[g]));
    // And sharding is not a no-op: the unsharded sum rounds differently.
    const unsharded = train(() => null);
    expect(unsharded.params.some((params, g) => params.some((value, i) => value !== alone.params[g][i]))).toBe(true);
    expect(shared.epochs[1].accuracy).toBeGreaterThan(0.5);
  }, 60_000);

  it.each<[Optimizer, Kernels, boolean]>([
    ['adam', 'wasm', false],
    ['momentum', 'wasm', false],
    ['momentum', 'ts', false],
    ['adam', 'wasm', true],
    ['momentum', 'ts', true],
  ])('train a convolutional network to the same weights, bit for bit, as one worker (%s, %s kernels, batch normalisation: %s)', (optimizer, kernels, normalised) => {
    const c = cnnConfig(optimizer, normalised);
    const opened: SharedPeer[] = [];
    const shared = train(
      (network) => {
        const peer = openSharedPeer(network, c.batchSize, (message) => thread.postMessage(message));
        opened.push(peer);
        return peer;
      },
      c,
      kernels,
    );
    opened.forEach((peer) => peer.close());
    const alone = train((network) => inProcessPeer(network, c.batchSize), c, kernels);
    expect(shared.epochs).toEqual(alone.epochs);
    shared.params.forEach((params, g) => expect(new Uint8Array(params.buffer, params.byteOffset, params.byteLength)).toEqual(new Uint8Array(alone.params[g].buffer, alone.params[g].byteOffset, alone.params[g].byteLength)));
    const unsharded = train(() => null, c, kernels);
    expect(unsharded.params.some((params, g) => params.some((value, i) => value !== alone.params[g][i]))).toBe(true);
    // And it learns: a tiny network on 320 samples, so only that the loss falls.
    expect(shared.epochs[1].loss).toBeLessThan(shared.epochs[0].loss);
  }, 60_000);

  it('serve run after run: a closed run lets the worker take the next', () => {
    const runs = [1, 2].map(() => {
      let peer: SharedPeer | null = null;
      const result = train((network) => (peer = openSharedPeer(network, config.batchSize, (message) => thread.postMessage(message))));
      (peer as SharedPeer | null)?.close();
      return result;
    });
    runs[1].params.forEach((params, g) => expect(params).toEqual(runs[0].params[g]));
  }, 60_000);
});

describe('twoWorkersAvailable', () => {
  const isolated = { crossOriginIsolated: true, SharedArrayBuffer, Worker: class {} };
  it('needs cross-origin isolation, SharedArrayBuffer and Worker', () => {
    expect(twoWorkersAvailable(isolated)).toBe(true);
    // A page served without COOP/COEP: SharedArrayBuffer is undefined or crossOriginIsolated false.
    expect(twoWorkersAvailable({ ...isolated, crossOriginIsolated: false })).toBe(false);
    expect(twoWorkersAvailable({ ...isolated, SharedArrayBuffer: undefined })).toBe(false);
    expect(twoWorkersAvailable({ ...isolated, Worker: undefined })).toBe(false);
  });
});
