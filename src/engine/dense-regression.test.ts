import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { SEED_CONFIG, type Config } from './config.ts';
import type { Kernels } from './kernels.ts';
import { evaluate } from './metrics.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { Trainer } from './train.ts';

/**
 * Dense networks train as before layers had types: these figures were measured on the
 * engine at commit 1708d7f (before the layer interface), with the same seeds. Any change
 * to them must be explained. One is: since the first layer runs on the WebAssembly sparse
 * kernel, which sums in float32 in a fixed SIMD order where the TypeScript loop summed in
 * float64, the wasm rows' epoch losses moved in the ninth significant digit. Their
 * accuracies and test counts are unchanged; `loss` is pinned as of that kernel and
 * `lossAt1708d7f` (the old figure) must stay within 1e-7 of it. Another: the seed's
 * Sigmoid first layer computes σ in float32 SIMD (within 2 ulp of Math.exp's), which moved
 * its losses by under 1e-8 (0.8620576391 → 0.8620576463, 0.3701741092 → 0.3701741036),
 * accuracies and test count again unchanged. And since Adam steps in float32 (Adam in
 * optimizers.ts), where it computed in float64, the Adam row's losses moved by under 1.5e-7
 * (1.3780735681 → 1.3780736558, 0.6511322147 → 0.6511323566), accuracies and test count unchanged.
 */
interface Pinned {
  loss: number[];
  lossAt1708d7f?: number[];
  /** How far the losses may be from lossAt1708d7f; 1e-7 unless given. */
  within?: number;
  accuracy: number[];
  testCorrect: number;
}

const BEFORE: [string, Config, Kernels, Pinned][] = [
  [
    "the seed's network: per-sample momentum, sparse first layer, lazy momentum",
    { ...SEED_CONFIG, samples: 1500, epochs: 2 },
    'wasm',
    {
      loss: [0.862057646283787, 0.3701741036017883],
      lossAt1708d7f: [0.8620576421127055, 0.37017411444427817],
      accuracy: [0.7233333333333334, 0.8846666666666667],
      testCorrect: 805,
    },
  ],
  [
    'Adam, batch 32, dropout, two hidden layers',
    { ...SEED_CONFIG, layers: [784, 64, 32, 10], activations: ['ReLU', 'Tanh', 'Softmax'], optimizer: 'adam', learningRate: 0.001, batchSize: 32, init: 'he', samples: 3000, epochs: 2, dropout: 0.2 },
    'wasm',
    {
      loss: [1.3780736557670556, 0.6511323566279955],
      lossAt1708d7f: [1.3780735542261557, 0.6511322119027232],
      within: 2e-7,
      accuracy: [0.5753333333333334, 0.818],
      testCorrect: 848,
    },
  ],
  [
    'momentum batch 16, L2 and augmentation, TypeScript kernels',
    { ...SEED_CONFIG, layers: [784, 30, 10], activations: ['Sigmoid', 'Softmax'], batchSize: 16, init: 'xavier', samples: 2000, epochs: 2, l2: 0.0001, augment: { shift: 2, rotate: 10 } },
    'ts',
    { loss: [2.140520079367426, 1.7519568582019531], accuracy: [0.2835, 0.4965], testCorrect: 657 },
  ],
];

describe('dense configs keep their results', () => {
  const train = loadMnistNode('train');
  const test = loadMnistNode('test');
  for (const [name, config, kernels, before] of BEFORE) {
    it(name, () => {
      const rng = createRng(config.seed);
      const network = Network.create(config.layers, config.activations, config.init, rng, kernels);
      const trainer = new Trainer(network, config, train, rng);
      const epochs = Array.from({ length: config.epochs }, () => trainer.runEpoch());
      expect(epochs.map((epoch) => epoch.loss)).toEqual(before.loss);
      before.lossAt1708d7f?.forEach((loss, e) => expect(Math.abs(loss - epochs[e].loss)).toBeLessThan(before.within ?? 1e-7));
      expect(epochs.map((epoch) => epoch.accuracy)).toEqual(before.accuracy);
      expect(evaluate(network, { ...test, count: 1000 }).correct).toBe(before.testCorrect);
    });
  }
});
