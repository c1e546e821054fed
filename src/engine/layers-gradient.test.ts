import { describe, expect, it } from 'vitest';
import { KERNELS, type Kernels } from './kernels.ts';
import type { LayerDescription, Mode, Shape } from './layer.ts';
import { shapeSize } from './layer.ts';
import { LOSS_FUNCTIONS } from './losses.ts';
import { Network } from './network.ts';
import { Sgd } from './optimizers.ts';
import { createRng } from './rng.ts';

// Central differences on float32 sums: a step of 1e-2 keeps rounding well below the
// curvature error, as in gradient.test.ts; smooth activations keep the check honest.
const H = 1e-2;
const TOLERANCE = 2e-3;
const ROWS = 3;

interface Case {
  name: string;
  input: Shape;
  layers: LayerDescription[];
  /** What the checked forward passes are for; training by default. */
  mode?: Mode;
}

const conv = (filters: number, kernelSize: number, stride: number, padding: 'same' | 'valid', activation: 'Tanh' | 'Sigmoid' = 'Tanh'): LayerDescription => ({
  type: 'conv2d', filters, kernelSize, stride, padding, activation,
});
const pool = (poolSize: number, stride = poolSize): LayerDescription => ({ type: 'maxpool2d', poolSize, stride });
const average = (poolSize: number, stride = poolSize): LayerDescription => ({ type: 'avgpool2d', poolSize, stride });
const dense = (units: number, activation: 'Softmax' | 'Tanh' | 'Sigmoid'): LayerDescription => ({ type: 'dense', units, activation });
const norm: LayerDescription = { type: 'batchnorm' };

const CASES: Case[] = [
  { name: 'conv first (valid, stride 1, one channel) → dense', input: [7, 7, 1], layers: [conv(2, 3, 1, 'valid'), dense(3, 'Softmax')] },
  { name: 'conv first (same, stride 2, odd non-square, two channels) → pool → dense', input: [7, 5, 2], layers: [conv(3, 3, 2, 'same'), pool(2), dense(3, 'Softmax')] },
  { name: 'conv (same, even kernel) → conv in the middle (valid, stride 2, several channels) → flatten → dense', input: [8, 7, 1], layers: [conv(3, 2, 1, 'same'), conv(4, 3, 2, 'valid'), { type: 'flatten' }, dense(3, 'Softmax')] },
  { name: 'pool first (3, stride 2, overlapping) → conv (same, stride 1) → dense', input: [9, 7, 2], layers: [pool(3, 2), conv(2, 3, 1, 'same'), dense(3, 'Softmax')] },
  { name: 'dense → dense after conv → pool (valid stride 2 windows)', input: [6, 6, 3], layers: [conv(2, 1, 1, 'valid', 'Sigmoid'), pool(2), dense(4, 'Tanh'), dense(3, 'Softmax')] },
  { name: 'conv last (valid, stride 2, squared error)', input: [7, 7, 2], layers: [conv(3, 3, 1, 'same'), conv(2, 3, 2, 'valid', 'Sigmoid')] },
  { name: 'pool last (2, stride 1), squared error', input: [4, 5, 1], layers: [conv(2, 3, 1, 'same'), pool(2, 1)] },
  { name: 'conv (three channels) → average pool (3, stride 2, overlapping, odd non-square) → dense', input: [9, 7, 2], layers: [conv(3, 3, 1, 'same'), average(3, 2), dense(3, 'Softmax')] },
  { name: 'conv (several channels) → average pool (2, windows leaving the odd last row out) → max pool → dense', input: [7, 9, 2], layers: [conv(3, 3, 1, 'same'), average(2), pool(2, 1), dense(3, 'Softmax')] },
  { name: 'average pool last (3, stride 1), squared error', input: [5, 6, 2], layers: [conv(3, 3, 1, 'same'), average(3, 1)] },
  { name: 'conv (three channels, odd non-square) → batchnorm per channel → average pool → dense', input: [7, 5, 2], layers: [conv(3, 3, 1, 'same'), norm, average(2), dense(3, 'Softmax')] },
  { name: 'dense on a map → batchnorm per unit → dense', input: [3, 5, 2], layers: [dense(7, 'Tanh'), norm, dense(3, 'Softmax')] },
  { name: 'batchnorm first (per channel, on the input) → conv → dense', input: [5, 7, 3], layers: [norm, conv(2, 3, 2, 'valid'), dense(3, 'Softmax')] },
  { name: 'batchnorm last after conv (per channel), squared error', input: [5, 6, 2], layers: [conv(3, 3, 1, 'valid'), norm] },
  { name: 'batchnorm last after dense (per unit), squared error', input: [2, 3, 2], layers: [dense(4, 'Tanh'), norm] },
  { name: 'inference mode: conv → batchnorm on running statistics → flatten → dense → batchnorm → dense', input: [6, 5, 2], layers: [conv(3, 3, 1, 'valid'), norm, { type: 'flatten' }, dense(5, 'Tanh'), norm, dense(3, 'Softmax')], mode: 'inference' },
];

function batch(size: number, outputs: number, seed: number): { input: Float32Array; target: Float32Array } {
  const rng = createRng(seed);
  const input = new Float32Array(ROWS * size).map(() => rng.next());
  const target = new Float32Array(ROWS * outputs);
  for (let r = 0; r < ROWS; r++) target[r * outputs + rng.nextInt(outputs)] = 1;
  return { input, target };
}

/** Central difference of the objective in parameter i of `params`, with step h. */
function centralDifference(objective: () => number, params: Float32Array, i: number, h: number): number {
  const original = params[i];
  params[i] = original + h;
  const up = params[i];
  const lossUp = objective();
  params[i] = original - h;
  const down = params[i];
  const lossDown = objective();
  params[i] = original;
  return (lossUp - lossDown) / (up - down);
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(1e-2, Math.abs(a) + Math.abs(b));

/**
 * The largest relative disagreement between the analytic gradient and central
 * differences over every parameter, and the share of parameters skipped because
 * they sit at a kink: a max-pooling window whose winner changes within ±H, seen as
 * two step sizes disagreeing with each other (a wrong gradient disagrees with both alike).
 */
function gradientCheck({ input: shape, layers, mode = 'training' }: Case, kernels: Kernels): { worst: number; skipped: number } {
  const network = Network.build(shape, layers, 'xavier', createRng(3), kernels);
  // Xavier leaves biases at zero, where ties in max pooling are likely: give them values.
  const rng = createRng(4);
  for (const group of network.paramGroups(0)) if (group.l2 === 0) group.params.forEach((_, i, b) => (b[i] = rng.next() - 0.5));
  // Running statistics away from their start (mean 0, variance 1), from other batches.
  if (mode === 'inference') for (let seed = 10; seed < 15; seed++) network.forwardBatch(batch(shapeSize(shape), network.outputSize, seed).input, ROWS, 'training');
  const { input, target } = batch(shapeSize(shape), network.outputSize, 5);
  const objective = () => LOSS_FUNCTIONS[network.loss].sum(network.forwardBatch(input, ROWS, mode), target, ROWS, network.outputSize) / ROWS;

  network.forwardBatch(input, ROWS, mode);
  network.backwardBatch(input, target, ROWS);
  const groups = network.paramGroups(0);
  // One SGD step of rate 1 reads back exactly the gradient the optimizer is handed.
  const before = groups.map((group) => Float64Array.from(group.params));
  new Sgd(groups, 1).step();
  const analytic = groups.map((group, g) => before[g].map((value, i) => value - group.params[i]));
  groups.forEach((group, g) => group.params.set(before[g]));

  let worst = 0;
  let skipped = 0;
  let total = 0;
  groups.forEach((group, g) => {
    for (let i = 0; i < group.params.length; i++) {
      total++;
      const numeric = centralDifference(objective, group.params, i, H);
      if (relative(numeric, centralDifference(objective, group.params, i, H / 4)) > 1e-3) {
        skipped++;
        continue;
      }
      worst = Math.max(worst, relative(numeric, analytic[g][i]));
    }
  });
  return { worst, skipped: skipped / total };
}

describe('gradients of every layer type and position agree with central differences', () => {
  for (const kernels of KERNELS) {
    for (const testCase of CASES) {
      it(`${testCase.name} (${kernels})`, () => {
        const { worst, skipped } = gradientCheck(testCase, kernels);
        expect(worst).toBeLessThan(TOLERANCE);
        expect(skipped).toBeLessThan(0.1);
      });
    }
  }

  it('the check fails for a wrong gradient', () => {
    const network = Network.build([5, 5, 1], [conv(2, 3, 1, 'same'), dense(3, 'Softmax')], 'xavier', createRng(3), 'ts');
    const { input, target } = batch(25, 3, 5);
    network.forwardBatch(input, ROWS, 'training');
    network.backwardBatch(input, target, ROWS);
    const [weights] = network.paramGroups(0);
    const loss = () => LOSS_FUNCTIONS[network.loss].sum(network.forwardBatch(input, ROWS, 'training'), target, ROWS, 3) / ROWS;
    const analytic = weights.grads[4];
    weights.params[4] += H;
    const up = loss();
    weights.params[4] -= 2 * H;
    const numeric = (up - loss()) / (2 * H);
    expect(Math.abs(numeric - analytic)).toBeLessThan(1e-3);
    expect(Math.abs(numeric - 1.1 * analytic)).toBeGreaterThan(1e-4);
  });
});

describe('batch normalisation', () => {
  it('refuses to train on one value per unit, naming the problem, and predicts one sample in inference', () => {
    const network = Network.build([1, 1, 4], [dense(3, 'Tanh'), norm, dense(2, 'Softmax')], 'xavier', createRng(3), 'ts');
    const one = Float32Array.from([0.1, 0.5, 0.2, 0.9]);
    expect(() => network.forwardBatch(one, 1, 'training')).toThrow(
      'Batch normalisation cannot train on one value per unit: a batch of one sample has no batch statistics. Train in batches of 2 or more.',
    );
    expect(Array.from(network.predict(one)).every(Number.isFinite)).toBe(true);
  });

  it('after a convolution a single sample still has a value per position: it trains on the map’s statistics', () => {
    const network = Network.build([3, 3, 1], [conv(2, 3, 1, 'same'), norm, dense(2, 'Softmax')], 'xavier', createRng(3), 'ts');
    expect(() => network.forwardBatch(new Float32Array(9).map((_, i) => i / 9), 1, 'training')).not.toThrow();
  });

  it('normalises with the batch in training and with the running statistics in inference (PyTorch’s momentum 0.1, unbiased running variance)', () => {
    const network = Network.build([1, 1, 2], [norm], 'xavier', createRng(3), 'ts');
    const input = Float32Array.from([1, 10, 3, 20]);
    // Unit 0 sees 1 and 3: mean 2, biased variance 1, unbiased 2.
    const trained = network.forwardBatch(input, 2, 'training');
    expect(trained[0]).toBeCloseTo(-1 / Math.sqrt(1 + 1e-5), 6);
    expect(trained[2]).toBeCloseTo(1 / Math.sqrt(1 + 1e-5), 6);
    const spec = network.toLayerSpecs()[0];
    expect(spec.type === 'batchnorm' && [...spec.runningMean, ...spec.runningVariance]).toEqual([0.2, 1.5, 0.9 * 1 + 0.1 * 2, 0.9 + 0.1 * 50].map((value) => expect.closeTo(value, 6)));
    // Inference: (1 − 0.2)/√(1.1 + 1e-5), whatever else is in the batch.
    expect(network.forwardBatch(input, 2, 'inference')[0]).toBeCloseTo(0.8 / Math.sqrt(1.1 + 1e-5), 6);
    expect(network.predict(input.subarray(0, 2))[0]).toBeCloseTo(0.8 / Math.sqrt(1.1 + 1e-5), 6);
  });
});
