import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { canShard, oneWorkerReason, SEED_CONFIG, type Config, type Optimizer } from './config.ts';
import { copyImage, firstSamples } from './dataset.ts';
import { bestKernels, type Kernels } from './kernels.ts';
import type { LayerDescription } from './layer.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { AdaptivePeer, exchangeShape, GradientShards, inProcessPeer, publishGroups, READY, ShardExchange, ShardReplica, shardOneGradients, type ShardPeer } from './shards.ts';
import { Trainer } from './train.ts';

const data = firstSamples(loadMnistNode('train'), 320);

function config(overrides: Partial<Config>): Config {
  return { ...SEED_CONFIG, layers: [784, 24, 16, 10], activations: ['Sigmoid', 'Tanh', 'Softmax'], batchSize: 32, samples: 320, ...overrides };
}

/** Trains `batches` batches (unsharded, or sharded with an in-process peer) and returns every parameter. */
function train(c: Config, kernels: Kernels, sharded: boolean, batches: number, samples = data): { params: Float32Array[]; loss: number; accuracy: number } {
  const rng = createRng(c.seed);
  const network = Network.forConfig(c, rng, kernels);
  const trainer = new Trainer(network, c, samples, rng, Date.now, sharded ? inProcessPeer(network, c.batchSize) : null);
  const progress = trainer.trainSamples(batches * c.batchSize);
  return { params: network.paramGroups(0).map((group) => group.params.slice()), loss: progress.runningLoss, accuracy: progress.runningAccuracy };
}

/** The first `rows` samples as a batch: inputs and one-hot targets. */
function firstBatch(rows: number): { inputs: Float32Array; targets: Float32Array } {
  const inputs = new Float32Array(rows * 784);
  const targets = new Float32Array(rows * 10);
  for (let r = 0; r < rows; r++) {
    copyImage(data, r, inputs, r * 784);
    targets[r * 10 + data.labels[r]] = 1;
  }
  return { inputs, targets };
}

function maxDifference(a: Float32Array[], b: Float32Array[]): number {
  let max = 0;
  a.forEach((values, g) => values.forEach((value, i) => (max = Math.max(max, Math.abs(value - b[g][i])))));
  return max;
}

/** Each group's whole-batch gradient after compute: shard 0's in the network plus shard 1's addend, as the optimizer step sums them. */
function summed(network: Network, shards: GradientShards): Float32Array[] {
  return network.paramGroups(0).map((group, g) => {
    const addend = shards.addend[g];
    return addend ? group.grads.map((value, i) => value + addend[i]) : group.grads;
  });
}

describe('gradient shards', () => {
  it.each<Kernels>(['ts', 'wasm'])('sum to the whole batch’s gradient (%s kernels)', (kernels) => {
    const c = config({ batchSize: 9 });
    const whole = Network.forConfig(c, createRng(5), kernels);
    const sharded = Network.forConfig(c, createRng(5), kernels);
    const { inputs, targets } = firstBatch(9);
    whole.forwardBatch(inputs, 9, 'training');
    const loss = whole.backwardBatch(inputs, targets, 9);
    const shards = new GradientShards(sharded, inProcessPeer(sharded, 9));
    const sums = shards.compute(inputs, targets, 9, null, () => {});
    expect(sums.loss).toBeCloseTo(loss, 4);
    const expected = whole.paramGroups(0).map((group) => group.grads);
    expect(maxDifference(summed(sharded, shards), expected)).toBeLessThan(1e-6);
    // The first layer's rows the step updates: every pixel with ink in either half.
    const active = sharded.paramGroups(0)[0].activeRows;
    const inked = new Set<number>();
    inputs.forEach((x, k) => x !== 0 && inked.add(k % 784));
    expect(new Set(active?.list.subarray(0, active.count))).toEqual(inked);
  });

  it.each<[Optimizer, Kernels]>([
    ['momentum', 'wasm'],
    ['momentum', 'ts'],
    ['sgd', 'wasm'],
    ['adam', 'wasm'],
  ])('train as the unsharded batch does, up to rounding (%s, %s)', (optimizer, kernels) => {
    // Lazy momentum and the first layer's zero rows are where a stale gradient would show over batches.
    const c = config({ optimizer, learningRate: optimizer === 'adam' ? 0.001 : 0.05, l2: optimizer === 'sgd' ? 0.001 : 0 });
    const reference = train(c, kernels, false, 10);
    const sharded = train(c, kernels, true, 10);
    expect(maxDifference(sharded.params, reference.params)).toBeLessThan(1e-5);
    expect(sharded.loss).toBeCloseTo(reference.loss, 5);
    expect(sharded.accuracy).toBe(reference.accuracy);
  });

  it('keep odd and one-row batches whole', () => {
    // 320 samples in batches of 33: the last has 23 rows; batches of 1 are not split at all.
    const c = config({ batchSize: 33 });
    expect(maxDifference(train(c, 'wasm', true, 10).params, train(c, 'wasm', false, 10).params)).toBeLessThan(1e-5);
  });

  it('train a convolutional network as the unsharded batch does, up to rounding', () => {
    const c = config({
      stack: {
        input: [28, 28, 1],
        layers: [
          { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 'same', activation: 'ReLU' },
          { type: 'maxpool2d', poolSize: 2, stride: 2 },
          { type: 'flatten' },
          { type: 'dense', units: 10, activation: 'Softmax' },
        ],
      },
      init: 'he',
      batchSize: 9,
      optimizer: 'momentum',
      learningRate: 0.05,
    });
    expect(maxDifference(train(c, 'wasm', true, 10).params, train(c, 'wasm', false, 10).params)).toBeLessThan(1e-5);
  });

  it.each<[string, LayerDescription[]]>([
    [
      'after a convolution (per channel) and a dense layer (per unit)',
      [
        { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 'same', activation: 'ReLU' },
        { type: 'batchnorm' },
        { type: 'maxpool2d', poolSize: 2, stride: 2 },
        { type: 'flatten' },
        { type: 'dense', units: 12, activation: 'ReLU' },
        { type: 'batchnorm' },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
    ],
    // First, it passes no gradient down: both shards must still meet at its backward sum.
    ['as the first layer', [{ type: 'batchnorm' }, { type: 'conv2d', filters: 2, kernelSize: 5, stride: 3, padding: 'valid', activation: 'Tanh' }, { type: 'flatten' }, { type: 'dense', units: 10, activation: 'Softmax' }]],
  ])('normalise with the whole batch’s statistics when split, batch normalisation %s', (_, layers) => {
    // Batches of 9: shards of 4 and 5 rows, whose own statistics differ from the batch's.
    // Momentum, not Adam: Adam's step turns rounding in a near-zero gradient into a full step.
    const c = config({ stack: { input: [28, 28, 1], layers }, init: 'he', batchSize: 9, optimizer: 'momentum', learningRate: 0.05 });
    const rng = createRng(c.seed);
    const whole = Network.forConfig(c, rng);
    const sharded = Network.forConfig(c, createRng(c.seed));
    const { inputs, targets } = firstBatch(9);
    whole.forwardBatch(inputs, 9, 'training');
    const loss = whole.backwardBatch(inputs, targets, 9);
    const shards = new GradientShards(sharded, inProcessPeer(sharded, 9));
    const sums = shards.compute(inputs, targets, 9, null, () => {});
    expect(sums.loss).toBeCloseTo(loss, 4);
    expect(maxDifference(summed(sharded, shards), whole.paramGroups(0).map((group) => group.grads))).toBeLessThan(1e-5);
    // The running statistics moved towards the whole batch's mean and variance too.
    const running = (network: Network) => network.toLayerSpecs().flatMap((spec) => (spec.type === 'batchnorm' ? [spec.runningMean, spec.runningVariance] : []));
    expect(maxDifference(running(sharded), running(whole))).toBeLessThan(1e-6);
    // Ten batches later, still the same network up to rounding.
    expect(maxDifference(train(c, 'wasm', true, 10).params, train(c, 'wasm', false, 10).params)).toBeLessThan(1e-4);
  });

  it('lay every view of their exchange on a cache line, inside its buffer', () => {
    // Batch sums (batch normalisation), a sparse first layer's row list and running statistics: every kind of view.
    const c = config({ stack: { input: [28, 28, 1], layers: [{ type: 'dense', units: 12, activation: 'ReLU' }, { type: 'batchnorm' }, { type: 'dense', units: 10, activation: 'Softmax' }] }, batchSize: 9 });
    const shape = exchangeShape(Network.forConfig(c, createRng(1)), 9);
    expect(shape.sparseGroup).toBeGreaterThanOrEqual(0);
    expect(shape.sums).toBeGreaterThan(0);
    const exchange = new ShardExchange(shape, new ArrayBuffer(ShardExchange.bytes(shape)));
    const { stats, shared, control, list, samples, inputs, targets, params, grads, statistics, scalars, plan } = exchange;
    const views = [stats, ...shared.flat(), control, list, samples, inputs, targets, ...params, ...grads, ...statistics, scalars, plan];
    expect(views.length).toBe(12 + 2 * shape.groups.length + shape.statistics.length);
    for (const view of views) expect(view.byteOffset % 64).toBe(0);
  });

  it('hand each layer its parameters as the trainer publishes them, and never ones not yet published', () => {
    // Groups: the convolution's 2, none for pooling and flatten, 2 for each dense layer.
    const c = config({
      stack: {
        input: [28, 28, 1],
        layers: [
          { type: 'conv2d', filters: 2, kernelSize: 3, stride: 2, padding: 'same', activation: 'ReLU' },
          { type: 'maxpool2d', poolSize: 2, stride: 2 },
          { type: 'flatten' },
          { type: 'dense', units: 8, activation: 'ReLU' },
          { type: 'dense', units: 10, activation: 'Softmax' },
        ],
      },
      init: 'he',
      batchSize: 4,
    });
    const trainer = Network.forConfig(c, createRng(3));
    const shape = exchangeShape(trainer, 4);
    const exchange = new ShardExchange(shape, new ArrayBuffer(ShardExchange.bytes(shape)));
    const { inputs, targets } = firstBatch(2);
    exchange.inputs.set(inputs);
    exchange.targets.set(targets);
    exchange.control[1] = 2; // rows
    exchange.control[2] = 4; // the whole batch's
    trainer.paramGroups(0).forEach((group, g) => exchange.params[g].set(group.params));
    // A replica of its own initialisation, but for the last dense layer (its 8 inputs keep its weights in its kernels'
    // memory, unlike the first's 98): it computes on the trainer's parameters where they lie.
    const replicaNetwork = () => Network.fromLayers(Network.forConfig(c, createRng(4)).toLayerSpecs(), trainer.kernels, shape.twins);
    expect(shape.hosted).toEqual([false, false, false, false, true, true]);
    const asked: number[] = [];
    const replica = new ShardReplica(replicaNetwork(), exchange, (count) => {
      asked.push(count);
      publishGroups(exchange, count);
    });
    replica.run(() => {});
    expect(asked).toEqual([2, 4, 6]);
    // Its gradient is the trainer's network's, not its own initialisation's.
    trainer.forwardBatch(inputs, 2, 'training');
    trainer.backwardBatch(inputs, targets, 2, 4);
    const gradients = shardOneGradients(trainer, exchange);
    trainer.paramGroups(0).forEach((group, g) => expect(gradients[g]).toEqual(group.grads));
    // The last layer's gradient never crossed the exchange: it is where the trainer's optimizer step reads it.
    expect(exchange.grads.map((grads) => grads.length)).toEqual([...shape.groups.slice(0, 4), 0, 0]);
    // In the trainer's own thread the parameters must all be there before the half starts.
    publishGroups(exchange, 4);
    expect(() => new ShardReplica(replicaNetwork(), exchange).run(() => {})).toThrow('read parameters before they were stepped');
    expect(() => new ShardReplica(Network.forConfig(c, createRng(4)), exchange)).toThrow('must compute the twinned layers in their memories');
    expect(exchange.control[READY]).toBe(4);
  });

  it('are for networks trained in batches without dropout', () => {
    const flat: Config['stack'] = { input: [28, 28, 1], layers: [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'Softmax' }] };
    const normalised: Config['stack'] = { input: [28, 28, 1], layers: [{ type: 'flatten' }, { type: 'batchnorm' }, { type: 'dense', units: 10, activation: 'Softmax' }] };
    expect(canShard(config({}))).toBe(true);
    expect(canShard(config({ stack: flat }))).toBe(true);
    expect(canShard(config({ stack: normalised }))).toBe(true);
    expect(oneWorkerReason(config({ batchSize: 1 }))).toBe('batches of one sample cannot be split');
    expect(oneWorkerReason(config({ dropout: 0.2 }))).toMatch(/dropout/);
    const rng = createRng(1);
    expect(() => new Trainer(Network.forConfig(config({}), rng), config({ batchSize: 1 }), data, rng, Date.now, inProcessPeer(Network.forConfig(config({}), rng), 1))).toThrow(
      /cannot split its batches between two workers: batches of one sample/,
    );
  });
});

describe('AdaptivePeer', () => {
  const samplesFor = (batches: number) => (batches * 8 > data.count ? firstSamples(loadMnistNode('train'), batches * 8) : data);
  /**
   * Trains `batches` batches of 8 with shard 1 in a "remote" place and a local one, each
   * batch taking the milliseconds `remoteMs(n)` or `localMs(n)` give for that place's nth,
   * spent waiting for the place; with `ownMs`, this thread's own half takes that long
   * besides, in every batch (not waiting).
   */
  function run(remoteMs: (n: number) => number, localMs: (n: number) => number, batches = 40, ownMs = 0) {
    const c = config({ batchSize: 8, samples: batches * 8 });
    const rng = createRng(c.seed);
    const network = Network.forConfig(c, rng);
    // Two in-process replicas on one exchange stand for the two places; a clock moves as each would take.
    const remote = inProcessPeer(network, c.batchSize);
    const local = inProcessPeer(network, c.batchSize, remote.exchange);
    let clock = 0;
    const timed = (peer: typeof remote, ms: (n: number) => number): typeof remote => {
      let n = 0;
      return { ...peer, exchange: peer.exchange, start: (prepare) => ((clock += ownMs), peer.start(prepare)), finish: () => ((clock += ms(n++)), peer.finish()) };
    };
    const peer = new AdaptivePeer(timed(remote, remoteMs), timed(local, localMs), () => clock);
    const trainer = new Trainer(network, c, samplesFor(batches), rng, Date.now, peer);
    trainer.trainSamples(batches * 8);
    return { peer, params: network.paramGroups(0).map((group) => group.params.slice()) };
  }
  const steady = (ms: number) => () => ms;
  // The second worker takes the first 24 batches; then a probe of 3 in this thread.
  const warmUp = 24 + 3;
  /** The second worker's batches of `batches` where it is the slower throughout: the warm-up, then a probe of 3 after this thread's 4, 8, 16, 32, then every 64. */
  const remoteWhenSlower = (batches: number) => {
    let left = batches - warmUp;
    let remote = 24;
    for (let wait = 4; left > wait; wait = Math.min(2 * wait, 64)) {
      left -= wait;
      remote += Math.min(3, left);
      left -= Math.min(3, left);
    }
    return remote;
  };

  it('probes the slower place with 3 batches after every 16 while the two are close, every 64 once it is 25% slower', () => {
    const close = run(steady(10), steady(11), 320);
    const apart = run(steady(10), steady(13), 320);
    expect(close.peer.localBatches).toBe(3 + 3 * Math.floor((320 - warmUp) / (16 + 3)));
    expect(apart.peer.localBatches).toBe(3 + 3 * Math.floor((320 - warmUp) / (64 + 3)));
  });

  it('probes the second worker 4 batches after it lost the work, then 8, 16, 32 and 64 after each probe it loses, however much slower', () => {
    // 24 + 3 batches of warm-up and first probe, then this thread 4 + the second worker 3, 8 + 3, 16 + 3, 32 + 3,
    // and 64 + 3 three times: 273 of the 293 batches left.
    const near = run(steady(13), steady(10), 320);
    expect(near.peer.remoteBatches).toBe(24 + 3 * 7);
    expect(remoteWhenSlower(320)).toBe(24 + 3 * 7);
    // 50% slower, as beside another program, or in a stretch of the machine's stalls: the same.
    const far = run(steady(15), steady(10), 320);
    expect(far.peer.remoteBatches).toBe(24 + 3 * 7);
    // The second worker fast again by its second probe (its 28th batch): the work goes back to it after 4 + 3 + 8 + 3,
    // then this thread is probed every 16 + 3, the two being close.
    const back = run((n) => (n < 27 ? 13 : 9), steady(10), 320);
    expect(back.peer.localBatches).toBe(3 + 4 + 8 + 3 * Math.floor((320 - warmUp - (4 + 3) - (8 + 3)) / (16 + 3)));
    // Slow again from its 151st batch on: once five of them (the median of 9) lose it the work, it waits 4, 8 and 16 batches
    // as the first time, the doubling started afresh when it won the work back, and is not probed at once (the
    // slow batches that lost it the work timed it).
    const afterSlowing = (fast: number, slow: number, ownMs = 0) => {
      const places: number[] = [];
      run((n) => (places.push(1), n < 27 || n >= 150 ? slow : fast), () => (places.push(0), 10), 480, ownMs);
      const slowFrom = places.findIndex((_, i) => places.slice(0, i + 1).filter((place) => place === 1).length === 151);
      const after = places.slice(slowFrom).join('');
      return { slowBatches: after.match(/^1+/)?.[0].length, waits: after.match(/0+/g)?.slice(0, 3).map((run) => run.length) };
    };
    expect(afterSlowing(9, 13)).toEqual({ slowBatches: 5, waits: [4, 8, 16] });
    // The same where this thread's own half (10 ms) had kept it from being probed: the second worker's batches took
    // 13 ms, 25% faster than the 20 both halves here take, until they take 25.
    expect(afterSlowing(3, 15, 10)).toEqual({ slowBatches: 5, waits: [4, 8, 16] });
  });

  it('probes this thread only every 256 batches while the second worker is 50% faster or more, and not the other way round', () => {
    const far = run(steady(10), steady(15), 800);
    expect(far.peer.localBatches).toBe(3 + 3 * Math.floor((800 - warmUp) / (256 + 3)));
    // This thread 50% faster: the second worker is still probed after 4, 8, 16, 32, then every 64.
    const reversed = run(steady(15), steady(10), 800);
    expect(reversed.peer.remoteBatches).toBe(remoteWhenSlower(800));
  });

  it('never probes this thread while the second worker is 25% faster than twice this thread\'s own half', () => {
    // Own half 6 ms: both halves here take 12 ms at least. The second worker's batches: 6 + 3 = 9 ms (12 / 9 = 1.33), then 6 + 4 = 10 (1.2).
    const clear = run(steady(3), steady(20), 400, 6);
    expect(clear.peer.localBatches).toBe(0);
    const close = run(steady(4), steady(20), 400, 6);
    expect(close.peer.localBatches).toBe(3 + 3 * Math.floor((400 - warmUp) / (256 + 3)));
  });

  it('counts every wait for the second worker as waiting, not as this thread\'s own half', () => {
    // A machine busy with another program: the second worker's batches take 10 ms, 8 of them this thread waiting
    // for it, at one of the four points where it waits; both halves here take 6 ms. Had a wait counted as this
    // thread's own half (10 ms), both halves here would have looked like 20 ms at least, and it was never probed.
    const network = Network.forConfig(config({ batchSize: 8 }), createRng(1));
    const { exchange } = inProcessPeer(network, 8);
    for (const waitsIn of ['awaitStepParts', 'awaitDeltas', 'share', 'finish'] as const) {
      let clock = 0;
      const place = (own: number, wait: number): ShardPeer => {
        const at = (point: typeof waitsIn) => () => void (clock += point === waitsIn ? wait : 0);
        return { exchange, start: () => void (clock += own), awaitStepParts: at('awaitStepParts'), awaitDeltas: at('awaitDeltas'), share: at('share'), finish: at('finish') };
      };
      const peer = new AdaptivePeer(place(2, 8), place(6, 0), () => clock);
      for (let batch = 0; batch < 200; batch++) {
        peer.start();
        peer.awaitStepParts();
        peer.share(new Float64Array(1));
        peer.awaitDeltas(1);
        peer.finish();
      }
      // The warm-up, then this thread but for the second worker's probes (50% slower).
      expect(peer.remoteBatches, waitsIn).toBe(remoteWhenSlower(200));
    }
  });

  it('gives shard 1 to the faster place, with the same weights wherever it ran', () => {
    const remoteFaster = run(steady(10), steady(20), 120);
    const localFaster = run(steady(20), steady(10), 120);
    // 120 batches: after the warm-up, the faster place but for its probes (this thread: every 256 + 3).
    expect(remoteFaster.peer.localBatches).toBe(3);
    expect(localFaster.peer.remoteBatches).toBe(remoteWhenSlower(120));
    const alone = train(config({ batchSize: 8, samples: 960 }), bestKernels(), true, 120, samplesFor(120));
    for (const { params } of [remoteFaster, localFaster]) expect(maxDifference(params, alone.params)).toBe(0);
  });

  it('does not hold the second worker\'s cold start against it', () => {
    // Its first dozen batches are 10× slower than later, as a new worker's are before its code is optimised.
    const cold = run((n) => (n < 12 ? 100 : 10), steady(13), 200);
    expect(cold.peer.localBatches).toBe(3 + 3 * Math.floor((200 - warmUp) / (64 + 3)));
  });

  it('gives slow batches of the faster place no weight while most of its batches are fast, and moves when it stays slow', () => {
    // One 100 ms batch (a collection, a stolen time slice) at the remote's 60th; this thread takes 15 ms a batch.
    const calm = run(steady(10), steady(15), 400);
    const spike = run((n) => (n === 60 ? 100 : 10), steady(15), 400);
    expect(spike.peer.localBatches).toBe(calm.peer.localBatches);
    // A page's second worker: 10 ms a batch, but one in eight waits 100 ms (the page's own thread took the core);
    // this thread takes 18 ms. Timed by a moving average, it looked slower after every slow batch (336 of 400 here).
    const stolen = run((n) => (n % 8 === 7 ? 100 : 10), steady(18), 400);
    expect(stolen.peer.localBatches).toBe(3 + 3 * Math.floor((400 - warmUp) / (256 + 3)));
    // From its 100th batch on the second worker takes 30 ms: after 5 such (the median of 9) this thread has the
    // work, but for the second worker's probes of 3, after 4, 8, 16, 32, then every 64 batches (7 in the 292 left).
    const slowed = run((n) => (n < 100 ? 10 : 30), steady(15), 400);
    expect(slowed.peer.remoteBatches).toBe(100 + 5 + 3 * 7);
  });
});
