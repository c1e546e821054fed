import { describe, expect, it } from 'vitest';
import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { ACTIVATIONS, type Activation } from './config.ts';
import type { Dense } from './dense.ts';
import { LOSS_FUNCTIONS } from './losses.ts';
import { Network, type Dropout } from './network.ts';
import { Sgd } from './optimizers.ts';
import { createRng } from './rng.ts';

/**
 * Finite-difference gradient checks: every analytic ∂L/∂θ of backwardBatch is
 * compared with the central difference (L(θ + h) − L(θ − h)) / 2h of the mean
 * loss over a batch, for a 6-5-4-3 network whose inputs are half zeros (so the
 * first layer takes its sparse path).
 */
const SIZES = [6, 5, 4, 3];
const ROWS = 3;
const H = 1e-2;

function batch(seed: number): { input: Float32Array; target: Float32Array } {
  const rng = createRng(seed);
  const input = new Float32Array(ROWS * SIZES[0]).map(() => (rng.next() < 0.5 ? 0 : rng.next()));
  const target = new Float32Array(ROWS * 3);
  for (let r = 0; r < ROWS; r++) target[r * 3 + rng.nextInt(3)] = 1;
  return { input, target };
}

/** Mean loss over the batch plus λ/2·Σw² (biases excluded); dropout replays the same masks from a fixed seed. */
function objective(network: Network<Dense>, input: Float32Array, target: Float32Array, l2: number, dropoutRate: number): number {
  const output = network.forwardBatch(input, ROWS, 'training', dropoutOf(dropoutRate));
  let loss = LOSS_FUNCTIONS[network.loss].sum(output, target, ROWS, 3) / ROWS;
  for (const layer of network.layers) for (const w of layer.weights) loss += (l2 / 2) * w * w;
  return loss;
}

function dropoutOf(rate: number): Dropout | undefined {
  return rate > 0 ? { rate, rng: createRng(99) } : undefined;
}

/** The largest relative disagreement between analytic and numeric gradients over every parameter. */
function checkGradients(activations: Activation[], options: { l2?: number; dropout?: number; seed?: number } = {}): number {
  const { l2 = 0, dropout = 0, seed = 1 } = options;
  const network = Network.create(SIZES, activations, 'uniform', createRng(seed));
  const { input, target } = batch(seed + 1);

  network.forwardBatch(input, ROWS, 'training', dropoutOf(dropout));
  network.backwardBatch(input, target, ROWS);
  // The optimizer adds λ·w to weight gradients: read the full gradient back from one SGD step of rate 1.
  const groups = network.paramGroups(l2);
  const before = groups.map((group) => Float64Array.from(group.params));
  new Sgd(groups, 1).step();
  const analytic = groups.map((group, g) => before[g].map((value, i) => value - group.params[i]));
  groups.forEach((group, g) => group.params.set(before[g]));

  let worst = 0;
  groups.forEach((group, g) => {
    for (let i = 0; i < group.params.length; i++) {
      const original = group.params[i];
      group.params[i] = original + H;
      const up = group.params[i];
      const lossUp = objective(network, input, target, l2, dropout);
      group.params[i] = original - H;
      const down = group.params[i];
      const lossDown = objective(network, input, target, l2, dropout);
      group.params[i] = original;
      const numeric = (lossUp - lossDown) / (up - down);
      const error = Math.abs(numeric - analytic[g][i]) / Math.max(1e-2, Math.abs(numeric) + Math.abs(analytic[g][i]));
      worst = Math.max(worst, error);
    }
  });
  return worst;
}

const TOLERANCE = 2e-3;
const others = ACTIVATIONS.filter((a) => a !== 'Softmax');

describe('gradients match central differences', () => {
  describe.each(ACTIVATIONS)('%s', (activation) => {
    it.each([
      ['first layer, cross-entropy', [activation, 'Tanh', 'Softmax']],
      ['first layer, squared error', [activation, 'Tanh', 'Sigmoid']],
      ['hidden layer, cross-entropy', ['Tanh', activation, 'Softmax']],
      ['hidden layer, squared error', ['Tanh', activation, 'Sigmoid']],
      [`output layer, ${activation === 'Softmax' ? 'cross-entropy' : 'squared error'}`, ['Tanh', 'Tanh', activation]],
    ] as [string, Activation[]][])('%s', (_, activations) => {
      expect(checkGradients(activations)).toBeLessThan(TOLERANCE);
    });
  });

  it.each(others)('with L2 weight decay, %s hidden layers', (activation) => {
    expect(checkGradients([activation, activation, 'Softmax'], { l2: 0.3 })).toBeLessThan(TOLERANCE);
  });

  it('with dropout in the hidden layers', () => {
    expect(checkGradients(['Sigmoid', 'Tanh', 'Softmax'], { dropout: 0.4 })).toBeLessThan(TOLERANCE);
  });

  it('notices a wrong derivative', () => {
    // The check must be able to fail: give Tanh the derivative 1 − a instead of 1 − a².
    const tanh = ACTIVATION_FUNCTIONS.Tanh;
    const correct = tanh.backward;
    tanh.backward = (a, g, length) => {
      for (let i = 0; i < length; i++) g[i] *= 1 - a[i];
    };
    try {
      expect(checkGradients(['Tanh', 'Tanh', 'Softmax'])).toBeGreaterThan(0.05);
    } finally {
      tanh.backward = correct;
    }
  });
});
