import { mkdtempSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { SEED_CONFIG, type Config, type Optimizer } from '../engine/config.ts';
import type { Kernels } from '../engine/kernels.ts';
import type { LayerDescription } from '../engine/layer.ts';
import { firstSamples, type Dataset } from '../engine/dataset.ts';
import { evaluate, SlicedEvaluation, type Evaluation, type OtherHalf } from '../engine/metrics.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { AdaptivePeer, DELTAS, inProcessPeer, PARTS_DONE, ROW_SPLIT, ShardState, STATE, type ShardPeer } from '../engine/shards.ts';
import { Trainer } from '../engine/train.ts';
import {
  openSharedPeer,
  shareHolds,
  shareTestSet,
  shareTrainSet,
  spinThenWait,
  twoWorkersAvailable,
  type SharedPeer,
  type ShardRunMessage,
  type TestSetShare,
  type TrainSetShare,
} from './shard-peer.ts';

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

const bits = (values: Float32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

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

  /**
   * Two epochs of `c` with the second thread (its peers closed after) and with both halves in this one,
   * which must give the same losses and parameters, byte for byte; the exchange of the first run.
   */
  function trainBothWays(c: Config, kernels: Kernels) {
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
    shared.params.forEach((params, g) => expect(bits(params)).toEqual(bits(alone.params[g])));
    return { shared, alone, exchange: opened[0].exchange };
  }

  it.each<[Optimizer, Kernels, boolean]>([
    ['momentum', 'fused', false],
    ['adam', 'wasm', false],
    ['momentum', 'wasm', false],
    ['momentum', 'ts', false],
    ['adam', 'wasm', true],
    ['adam', 'fused', true],
    ['momentum', 'ts', true],
  ])('train a convolutional network to the same weights, bit for bit, as one worker (%s, %s kernels, batch normalisation: %s)', (optimizer, kernels, normalised) => {
    const c = cnnConfig(optimizer, normalised);
    const { shared, alone } = trainBothWays(c, kernels);
    const unsharded = train(() => null, c, kernels);
    expect(unsharded.params.some((params, g) => params.some((value, i) => value !== alone.params[g][i]))).toBe(true);
    // And it learns: a tiny network on 320 samples, so only that the loss falls.
    expect(shared.epochs[1].loss).toBeLessThan(shared.epochs[0].loss);
  }, 60_000);

  it('gather the second half of each batch from a shared copy of the training set, to the weights of one worker', () => {
    const c = cnnConfig('momentum');
    const opened: SharedPeer[] = [];
    // Each run's peer closed after it, so the second thread takes the next.
    const trainGathering = (share: TrainSetShare) => {
      const run = train((network) => {
        const peer = openSharedPeer(network, c.batchSize, (message) => thread.postMessage(message), undefined, share);
        opened.push(peer);
        return peer;
      }, c);
      opened.at(-1)?.close();
      return run;
    };
    const gathered = trainGathering(shareTrainSet(data));
    // A copy whose pixels differ: the second thread reads its half's pixels from its copy, not from the trainer.
    const inverted = trainGathering(shareTrainSet({ ...data, images: data.images.map((value) => 255 - value) }));
    expect(opened.map((peer) => peer.gathers)).toEqual([true, true]);
    // This thread's replica gathering from the set itself, and copying the pixels over as before: one set of bytes.
    const inHere = train((network) => inProcessPeer(network, c.batchSize, undefined, data), c);
    const alone = train((network) => inProcessPeer(network, c.batchSize), c);
    for (const run of [gathered, inHere]) {
      expect(run.epochs).toEqual(alone.epochs);
      run.params.forEach((params, g) => expect(bits(params)).toEqual(bits(alone.params[g])));
    }
    expect(inverted.params.some((params, g) => params.some((value, i) => value !== alone.params[g][i]))).toBe(true);
  }, 60_000);

  it('copy a training set once for the runs on its first samples', () => {
    const share = shareTrainSet(data);
    expect(shareHolds(share, firstSamples(data, 320))).toBe(true);
    expect(shareHolds(share, data)).toBe(true);
    expect(shareHolds(shareTrainSet(firstSamples(data, 320)), data)).toBe(false);
    expect(shareHolds(share, { ...data, images: data.images.slice() })).toBe(false);
    expect(shareHolds(null, data)).toBe(false);
  });

  /**
   * 12·12·4 = 576 inputs: the dense layers keep their weights in shared memories, and the first one's
   * 9,216 weights are stepped half here, half by the second worker, which shares their gradient by rows.
   */
  function denseInMemory(optimizer: Optimizer): Config {
    const layers: LayerDescription[] = [
      { type: 'conv2d', filters: 4, kernelSize: 5, stride: 2, padding: 'valid', activation: 'ReLU' },
      { type: 'flatten' },
      { type: 'dense', units: 16, activation: 'ReLU' },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ];
    return { ...cnnConfig(optimizer), stack: { input: [28, 28, 1], layers } };
  }

  it.each<[Optimizer, Kernels]>([
    ['momentum', 'wasm'],
    ['adam', 'fused'],
  ])('train dense layers in the trainer\'s memory, each worker stepping half of the long groups, to the weights of one worker (%s, %s kernels)', (optimizer, kernels) => {
    const c = denseInMemory(optimizer);
    const { shared, exchange } = trainBothWays(c, kernels);
    const { plan, control } = exchange;
    // The plan's one part: layer 2, elements 4,608 to 9,216 of its weights (units 8 to 15); the last batch's parts were stepped.
    expect([plan[0], plan[7], plan[8], plan[10]]).toEqual([2, 4608, 9216, -1]);
    expect(control[PARTS_DONE]).toBe(1);
    // And each worker computed those rows of its weight gradient for both halves of the last batch, the other's from its δ.
    expect([control[ROW_SPLIT], control[DELTAS], control[DELTAS + 1]]).toEqual([1, 1, 1]);
    expect(shared.epochs[1].loss).toBeLessThan(shared.epochs[0].loss);
  }, 60_000);

  it('mix batches whose gradient the two workers share by rows with batches whose halves both run here, to the weights of one worker', () => {
    const c = denseInMemory('momentum');
    let opened: SharedPeer | null = null;
    let adaptive: AdaptivePeer | null = null;
    // A clock on which this thread's batches are a little faster: after its warm-up the second worker gets only its probes.
    let clock = 0;
    const timed = (peer: ShardPeer, ms: number): ShardPeer => ({ ...peer, exchange: peer.exchange, finish: () => ((clock += ms), peer.finish()) });
    const mixed = train((network) => {
      const remote = openSharedPeer(network, c.batchSize, (message) => thread.postMessage(message));
      opened = remote;
      return (adaptive = new AdaptivePeer(timed(remote, 12), timed(inProcessPeer(network, c.batchSize, remote.exchange), 10), () => clock));
    }, c);
    (opened as SharedPeer | null)?.close();
    const alone = train((network) => inProcessPeer(network, c.batchSize), c);
    const { remoteBatches, localBatches } = adaptive as unknown as AdaptivePeer;
    expect(remoteBatches).toBeGreaterThan(24);
    expect(localBatches).toBeGreaterThan(0);
    expect(mixed.epochs).toEqual(alone.epochs);
    mixed.params.forEach((params, g) => expect(bits(params)).toEqual(bits(alone.params[g])));
  }, 60_000);

  describe('classify the second half of a test set', () => {
    // An odd count: the second worker takes the larger half, 150 of 301 stay here.
    const test = firstSamples(loadMnistNode('test'), 301);
    const normalised = cnnConfig('momentum', true);

    // Closed after each test, so a failed one leaves the worker free for the next.
    let serving: SharedPeer | null = null;
    afterEach(() => serving?.close());

    /** A network with batch normalisation trained for an epoch, the peer that trained it told of `share`, and whether the worker was `given` it. */
    function trainedWith(share: TestSetShare, given = true, c: Config = normalised) {
      const rng = createRng(c.seed);
      const network = Network.forConfig(c, rng, 'wasm');
      const opened = openSharedPeer(network, c.batchSize, (message) => thread.postMessage({ ...message, testSet: given ? message.testSet : undefined }), share);
      serving = opened;
      const trainer = new Trainer(network, c, data, rng, Date.now, opened);
      trainer.runEpoch();
      return { network, peer: opened, trainer };
    }

    /** `otherHalf`, recording what begin and end answered. */
    function watched(otherHalf: OtherHalf) {
      const answered: boolean[] = [];
      const half: OtherHalf = {
        begin: (network, set, start) => (answered.push(otherHalf.begin(network, set, start)), answered[answered.length - 1]),
        end: (predicted, confidence) => (answered.push(otherHalf.end(predicted, confidence)), answered[answered.length - 1]),
      };
      return { half, answered };
    }

    function inSlices(network: Network, set: Dataset, otherHalf: OtherHalf): Evaluation {
      const evaluation = new SlicedEvaluation(network, set, undefined, otherHalf);
      while (!evaluation.done) evaluation.step(64);
      return evaluation.result();
    }


    it.each([
      ['a network with batch normalisation', normalised],
      // Its first layer's weights are copied per batch only where shard 1 has ink: here every row must go.
      ['a dense network', { ...config, optimizer: 'momentum' as const, momentum: 0.9 }],
    ])('gives every answer and output of one thread, bit for bit (%s)', (_, c) => {
      const { network, trainer } = trainedWith(shareTestSet(test), true, c);
      // After one epoch this tiny network may still answer almost every image alike (9.6% right
      // here, 30% with batch normalisation's passes in float64); after two it has learnt something.
      trainer.runEpoch();
      // An earlier epoch's model, as a run keeps its best: the worker's replica has since moved on, running statistics included.
      const earlier = Network.fromLayers(network.toLayerSpecs(), 'wasm');
      trainer.runEpoch();
      for (const model of [network, earlier]) {
        const alone = evaluate(model, test);
        const { half, answered } = watched((serving as SharedPeer).otherHalf as OtherHalf);
        const split = inSlices(model, test, half);
        expect(answered).toEqual([true, true]);
        expect(bits(split.confidence)).toEqual(bits(alone.confidence));
        expect(split).toEqual(alone);
        expect(alone.accuracy).toBeGreaterThan(0.15);
      }
      // And the worker serves batches after it.
      expect(trainer.runEpoch().loss).toBeGreaterThan(0);
    }, 60_000);

    it('falls back to one thread when the second worker fails, and training goes on', () => {
      // The trainer has the set, the worker was not given it: the worker fails the classification.
      const { network, peer, trainer } = trainedWith(shareTestSet(test), false);
      const { half, answered } = watched(peer.otherHalf as OtherHalf);
      const split = inSlices(network, test, half);
      expect(answered).toEqual([true, false]);
      expect(split).toEqual(evaluate(network, test));
      // It is not asked again this run, and batches still go to it.
      expect(inSlices(network, test, half)).toEqual(evaluate(network, test));
      expect(answered).toEqual([true, false, false]);
      expect(trainer.runEpoch().loss).toBeGreaterThan(0);
    }, 60_000);
  });

  it('stop the run, saying why, when the second worker fails on its half of a batch', () => {
    // The worker is sent a smaller network than the trainer's: copying the first batch's weights into it fails.
    const smaller = Network.forConfig({ ...config, layers: [784, 16, 10] }, createRng(1), 'wasm');
    const rng = createRng(config.seed);
    const network = Network.forConfig(config, rng, 'wasm');
    const send = (message: ShardRunMessage) => thread.postMessage({ ...message, specs: smaller.toLayerSpecs() });
    const peer = openSharedPeer(network, config.batchSize, send);
    const trainer = new Trainer(network, config, data, rng, Date.now, peer);
    // Not as a worker gone silent: the trainer learns of the failure from the exchange.
    expect(() => trainer.trainSamples(config.batchSize)).toThrow('The second training worker failed on its half of a batch');
    peer.close();
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

  it('start the second worker on its half before the optimizer step that hands it its parameters', () => {
    const network = Network.forConfig(cnnConfig('momentum'), createRng(1), 'wasm');
    const peer = openSharedPeer(network, 9, () => {});
    let state = -1;
    peer.start(() => (state = Atomics.load(peer.exchange.control, STATE)));
    expect(state).toBe(ShardState.work);
    peer.close();
  });
});

describe('spinThenWait', () => {
  it('sees a word another thread changes without notifying, while it spins', async () => {
    const word = new Int32Array(new SharedArrayBuffer(4));
    const script = join(mkdtempSync(join(tmpdir(), 'spin-')), 'store.mjs');
    // A store and no notify: Atomics.wait alone would sleep until its timeout.
    writeFileSync(script, `import { workerData } from 'node:worker_threads';\nsetTimeout(() => Atomics.store(new Int32Array(workerData), 0, 1), 20);\n`);
    const thread = new Worker(script, { workerData: word.buffer });
    try {
      expect(spinThenWait(word, 0, 0, 10_000, 60_000)).toBe('not-equal');
    } finally {
      await thread.terminate();
    }
  });

  it('then waits as Atomics.wait does', () => {
    const word = new Int32Array(new SharedArrayBuffer(4));
    expect(spinThenWait(word, 0, 1, 1, 0)).toBe('not-equal');
    expect(spinThenWait(word, 0, 0, 1, 0)).toBe('timed-out');
  });
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
