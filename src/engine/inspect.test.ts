import { describe, expect, it } from 'vitest';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { layerOutputs, rowScales } from './inspect.ts';

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
