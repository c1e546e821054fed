import { describe, expect, it } from 'vitest';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { featureMaps, firstConvSpec, layerOutputs, rowScales } from './inspect.ts';
import type { Conv2DSpec } from './layer.ts';

describe('layerOutputs', () => {
  it('ends with what the network predicts, after each hidden layer’s activation', () => {
    const network = Network.create([784, 12, 7, 10], ['ReLU', 'Tanh', 'Softmax'], 'he', createRng(4));
    const rng = createRng(9);
    const input = Float32Array.from({ length: 784 }, () => rng.next());
    const outputs = layerOutputs(network.toLayerSpecs(), input);
    expect(outputs.map((o) => o.length)).toEqual([12, 7, 10]);
    const predicted = network.predict(input);
    outputs[2].forEach((value, k) => expect(value).toBeCloseTo(predicted[k], 5));
    expect(outputs[0].every((value) => value >= 0)).toBe(true);
    expect(outputs[0].some((value) => value > 0)).toBe(true);
    expect(outputs[1].every((value) => value > -1 && value < 1)).toBe(true);
  });
});

describe('rowScales', () => {
  it('is the largest magnitude in each row', () => {
    expect(Array.from(rowScales(Float32Array.from([1, -3, 2, 0.5, 0, -0.25]), 2, 3))).toEqual([3, 0.5]);
  });
});

describe('featureMaps', () => {
  // 9×9×1 → conv 3×3×2 valid Tanh (7×7×2) → maxpool 2 (3×3×2) → conv 2×2×3 same stride 2 ReLU (2×2×3) → dense 10
  const network = Network.build(
    [9, 9, 1],
    [
      { type: 'conv2d', filters: 2, kernelSize: 3, stride: 1, padding: 'valid', activation: 'Tanh' },
      { type: 'maxpool2d', poolSize: 2, stride: 2 },
      { type: 'conv2d', filters: 3, kernelSize: 2, stride: 2, padding: 'same', activation: 'ReLU' },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ],
    'he',
    createRng(3),
  );
  const rng = createRng(5);
  const input = Float32Array.from({ length: 81 }, () => rng.next());

  it('gives each convolution layer’s map for one input, as a direct sum over its filters (float64) gives it', () => {
    const maps = featureMaps(network, input);
    expect(maps.map((map) => [map.layer, ...map.shape])).toEqual([
      [0, 7, 7, 2],
      [2, 2, 2, 3],
    ]);
    const spec = firstConvSpec(network.toLayerSpecs()) as Conv2DSpec;
    for (let y = 0; y < 7; y++) {
      for (let x = 0; x < 7; x++) {
        for (let f = 0; f < 2; f++) {
          let z = spec.biases[f];
          for (let ky = 0; ky < 3; ky++) for (let kx = 0; kx < 3; kx++) z += spec.weights[(f * 3 + ky) * 3 + kx] * input[(y + ky) * 9 + x + kx];
          expect(maps[0].values[(y * 7 + x) * 2 + f]).toBeCloseTo(Math.tanh(z), 5);
        }
      }
    }
    expect(maps[1].values.every((value) => value >= 0)).toBe(true);
  });

  it('copies the maps out: the next forward pass does not change them', () => {
    const [first] = featureMaps(network, input);
    const before = first.values.slice();
    network.predict(input.map((value) => 1 - value));
    expect(first.values).toEqual(before);
  });

  it('finds no convolution in a dense network', () => {
    const dense = Network.create([784, 8, 10], ['ReLU', 'Softmax'], 'he', createRng(1));
    expect(featureMaps(dense, new Float32Array(784))).toEqual([]);
    expect(firstConvSpec(dense.toLayerSpecs())).toBeNull();
  });
});
