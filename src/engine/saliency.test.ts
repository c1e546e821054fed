import { describe, expect, it } from 'vitest';
import { layerOutputs } from './inspect.ts';
import type { DenseSpec } from './layer.ts';
import { createRng } from './rng.ts';
import { saliency } from './saliency.ts';

function layer(inputs: number, outputs: number, activation: DenseSpec['activation'], seed: number): DenseSpec {
  const rng = createRng(seed);
  return {
    inputs,
    outputs,
    activation,
    weights: Float32Array.from({ length: inputs * outputs }, () => 2 * rng.next() - 1),
    biases: Float32Array.from({ length: outputs }, () => rng.next() - 0.5),
  };
}

describe('saliency', () => {
  it('matches central finite differences of the predicted class’s probability', () => {
    const specs = [layer(9, 6, 'Tanh', 1), layer(6, 5, 'Sigmoid', 2), layer(5, 4, 'Softmax', 3)];
    const rng = createRng(4);
    const input = Float32Array.from({ length: 9 }, () => rng.next());
    const { predicted, gradient } = saliency(specs, input);
    const probabilities = layerOutputs(specs, input)[2];
    expect(probabilities[predicted]).toBe(Math.max(...probabilities));

    const h = 1e-2;
    const probability = (x: Float32Array) => layerOutputs(specs, x)[2][predicted];
    for (let i = 0; i < input.length; i++) {
      const up = input.slice();
      const down = input.slice();
      up[i] += h;
      down[i] -= h;
      const numeric = (probability(up) - probability(down)) / (2 * h);
      expect(gradient[i]).toBeCloseTo(numeric, 3);
    }
    // Not a trivial pass: the pixels matter, and by different amounts.
    expect(Math.max(...gradient.map(Math.abs))).toBeGreaterThan(1e-2);
  });

  it('follows a ReLU network through its active units only', () => {
    // Two inputs, two ReLU units (the second never active here), one Sigmoid output.
    const specs: DenseSpec[] = [
      { inputs: 2, outputs: 2, activation: 'ReLU', weights: Float32Array.from([1, 2, -1, -1]), biases: new Float32Array(2) },
      { inputs: 2, outputs: 1, activation: 'Sigmoid', weights: Float32Array.from([0.5, 3]), biases: new Float32Array(1) },
    ];
    const input = Float32Array.from([0.2, 0.1]);
    const { gradient } = saliency(specs, input);
    // y = σ(0.5·(x0 + 2·x1)); ∂y/∂x = σ'·0.5·[1, 2], σ' = y(1 − y).
    const y = 1 / (1 + Math.exp(-0.5 * 0.4));
    expect(gradient[0]).toBeCloseTo(y * (1 - y) * 0.5, 6);
    expect(gradient[1]).toBeCloseTo(y * (1 - y) * 1, 6);
  });
});
