import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { parseConfig } from '../formats/config-format.ts';
import type { Kernels } from './kernels.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { Trainer } from './train.ts';
import { fusesMultiplyAdd } from './wasm/features.ts';

/** CNN (fast): conv 5×5 same, max pool 2, momentum, batch 16. */
const CNN_FAST = {
  layers: [
    { type: 'input', shape: [28, 28, 1] },
    { type: 'conv2d', filters: 8, kernel_size: 5, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', pool_size: 2 },
    { type: 'conv2d', filters: 16, kernel_size: 5, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', pool_size: 2 },
    { type: 'dense', units: 32, activation: 'ReLU' },
    { type: 'dense', units: 10, activation: 'Softmax' },
  ],
  optimizer: 'momentum', learning_rate: 0.01, momentum: 0.9, batch_size: 16, init: 'he', seed: 1,
};

/**
 * Convolutional networks train to the same bits, run after run and commit after commit:
 * the SHA-256 of every layer's weights and biases after training, pinned as the engine
 * computed them at commit 3ba1d5f (the fused kernels' when they came). Moving work between TypeScript and WebAssembly must
 * keep each sum's order and each rounding, so a changed digest means a changed result,
 * to be explained here. One so far: the Adam case's digest changed when Adam went from
 * float64 to float32 arithmetic (Adam in optimizers.ts); the others do not use Adam.
 */
const CASES: [string, object, Kernels, string][] = [
  [
    'CNN (fast): conv 5×5 same, max pool 2, momentum, batch 16',
    CNN_FAST,
    'wasm',
    '575ff5df3bf13a8dff5f4878fb9c8611759b44896e2095ce76238d7fd348a494',
  ],
  [
    'odd shapes: 5 and 3 filters, stride 2, overlapping and uneven pools, Adam, a short last batch',
    {
      layers: [
        { type: 'input', shape: [28, 28, 1] },
        { type: 'conv2d', filters: 5, kernel_size: 3, stride: 2, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', pool_size: 3, stride: 2 },
        { type: 'conv2d', filters: 3, kernel_size: 2, padding: 'valid', activation: 'Tanh' },
        { type: 'avgpool2d', pool_size: 2 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
      optimizer: 'adam', learning_rate: 0.003, batch_size: 7, init: 'he', seed: 3,
    },
    'wasm',
    '4fdce562539f48b3c3f5eb41a9c503ed8aa8a6bf772621d8031708628a2ada3b',
  ],
  [
    'the TypeScript path: CNN (fast) layers, SGD, batch 4',
    {
      layers: [
        { type: 'input', shape: [28, 28, 1] },
        { type: 'conv2d', filters: 4, kernel_size: 5, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', pool_size: 2 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
      optimizer: 'sgd', learning_rate: 0.05, batch_size: 4, init: 'he', seed: 2,
    },
    'ts',
    'baf1f069fa74a9d0ec68ed660c49d59a81ca152cf5ee42a8b21faad18fb682bf',
  ],
  [
    'CNN (fast) on the fused kernels: pinned where this CPU fuses a multiply-add; elsewhere they give the plain kernels\' bits',
    CNN_FAST,
    'fused',
    fusesMultiplyAdd() ? 'a26cc3a36ae309abd6b6fd9ec3931d73f844bbfcd1f8b9681107808aa8f6ed45' : '575ff5df3bf13a8dff5f4878fb9c8611759b44896e2095ce76238d7fd348a494',
  ],
];

describe('convolutional networks keep their results, bit for bit', () => {
  const train = loadMnistNode('train');

  function digest(json: object, kernels: Kernels): string {
    const config = parseConfig(JSON.stringify({ ...json, samples: 300, epochs: 1 }));
    const rng = createRng(config.seed);
    const network = Network.forConfig(config, rng, kernels);
    new Trainer(network, config, train, rng).runEpoch();
    const hash = createHash('sha256');
    for (const spec of network.toLayerSpecs()) {
      if ('weights' in spec) hash.update(new Uint8Array(spec.weights.buffer, spec.weights.byteOffset, spec.weights.byteLength));
      if ('biases' in spec) hash.update(new Uint8Array(spec.biases.buffer, spec.biases.byteOffset, spec.biases.byteLength));
    }
    return hash.digest('hex');
  }

  for (const [name, json, kernels, pinned] of CASES) {
    it(name, () => {
      const first = digest(json, kernels);
      expect(digest(json, kernels)).toBe(first);
      expect(first).toBe(pinned);
    });
  }
});
