import { describe, expect, it } from 'vitest';
import { BatchNorm, usesWasmBatchNorm } from '../batchnorm.ts';
import { addShards, runSteps, type BatchSteps } from '../batch-sums.ts';
import type { Mode, Shape } from '../layer.ts';
import { shapeSize } from '../layer.ts';
import { createRng, type Rng } from '../rng.ts';

/**
 * The SIMD passes against batchnorm.ts's loops, whose sums are in float64 and whose passes
 * over every value round each operation to float32 (the loops themselves are checked against numerical gradients in
 * layers-gradient.test.ts): the same operations in the same order, so every output,
 * gradient and running statistic must be bit-identical, not merely close.
 */

function layer(shape: Shape, kernels: 'wasm' | 'ts', rng: Rng): BatchNorm {
  const channels = shape[2];
  const values = (centre: number, spread: number) => Float32Array.from({ length: channels }, () => centre + spread * (rng.next() - 0.5));
  return new BatchNorm(
    { type: 'batchnorm', inputShape: shape, weights: values(1, 1), biases: values(0, 1), runningMean: values(0, 2), runningVariance: values(2, 2) },
    kernels,
  );
}

/** Inputs far from zero and of mixed scales, where a sum in another order or a fused multiply-add would round differently. */
function batch(shape: Shape, rows: number, rng: Rng): Float32Array {
  const channels = shape[2];
  return Float32Array.from({ length: rows * shapeSize(shape) }, (_, i) => 300 * ((i % channels) - channels / 2) + (rng.next() - 0.5) * (1 + (i % 7) * 50));
}

/** Everything a pass leaves that later layers, the optimizer or a model file read. */
function state(norm: BatchNorm, rows: number, inputDelta: Float32Array): Float32Array[] {
  const length = rows * shapeSize(norm.inputShape);
  return [norm.output.slice(0, length), inputDelta, norm.gradScale, norm.gradShift, norm.runningMean, norm.runningVariance];
}

/** One forward and backward in `mode`, with δ drawn from `seed`. */
function pass(norm: BatchNorm, input: Float32Array, rows: number, mode: Mode, seed: number): Float32Array[] {
  norm.forward(input, rows, mode);
  const rng = createRng(seed);
  const length = rows * shapeSize(norm.inputShape);
  for (let i = 0; i < length; i++) norm.delta[i] = rng.next() - 0.5;
  const inputDelta = new Float32Array(length);
  norm.backward(input, rows, inputDelta);
  return state(norm, rows, inputDelta);
}

const bits = (arrays: Float32Array[]) => arrays.map((array) => Array.from(new Uint32Array(array.buffer.slice(array.byteOffset, array.byteOffset + array.byteLength))));

describe('batch normalisation on the SIMD kernels', () => {
  const shapes: [string, Shape, number][] = [
    ['4 channels on an odd 5×3 map, 7 rows', [5, 3, 4], 7],
    ['12 channels (three blocks of four) on 3×3, 5 rows', [3, 3, 12], 5],
    ['24 channels on 12×12, 33 rows (CNN (99% fast)’s first)', [12, 12, 24], 33],
    ['256 units per unit after a dense layer, 9 rows', [1, 1, 256], 9],
  ];
  for (const [name, shape, rows] of shapes) {
    it(`${name}: training and inference passes bit-identical to the loops, batch after batch`, () => {
      expect(usesWasmBatchNorm(shape, 'wasm')).toBe(true);
      const wasm = layer(shape, 'wasm', createRng(1));
      const ts = layer(shape, 'ts', createRng(1));
      const rng = createRng(2);
      for (const [step, mode] of (['training', 'training', 'inference', 'training'] as const).entries()) {
        // A smaller batch after a larger one reads only its own rows of the layer's buffers.
        const size = step === 1 ? rows - 2 : rows;
        const input = batch(shape, size, rng);
        expect(bits(pass(wasm, input, size, mode, step))).toEqual(bits(pass(ts, input, size, mode, step)));
      }
    });
  }

  it('a batch split in two shards whose sums are added gives the same bits on both paths', () => {
    const shape: Shape = [4, 4, 8];
    const rows = 9;
    const half = 4;
    const size = shapeSize(shape);
    const input = batch(shape, rows, createRng(3));
    const run = (kernels: 'wasm' | 'ts') => {
      const shards = [layer(shape, kernels, createRng(4)), layer(shape, kernels, createRng(4))];
      const inputs = [input.subarray(0, half * size), input.subarray(half * size)];
      const counts = [half, rows - half];
      const interleave = (steps: BatchSteps<unknown>[]) => {
        for (;;) {
          const next = steps.map((s) => s.next());
          if (next[0].done) return;
          addShards(next[0].value as Float64Array, next[1].value as Float64Array);
        }
      };
      interleave(shards.map((norm, s) => norm.forwardSteps(inputs[s], counts[s], 'training')));
      shards.forEach((norm, s) => {
        const rng = createRng(5 + s);
        for (let i = 0; i < counts[s] * size; i++) norm.delta[i] = rng.next() - 0.5;
      });
      const inputDeltas = counts.map((count) => new Float32Array(count * size));
      interleave(shards.map((norm, s) => norm.backwardSteps(inputs[s], counts[s], inputDeltas[s])));
      return shards.flatMap((norm, s) => state(norm, counts[s], inputDeltas[s]));
    };
    expect(bits(run('wasm'))).toEqual(bits(run('ts')));
    // The sums were shared: the whole batch's, not each shard's own, normalised both halves.
    const whole = layer(shape, 'ts', createRng(4));
    runSteps(whole.forwardSteps(input, rows, 'training'));
    expect(run('wasm')[0][0]).toBeCloseTo(whole.output[0], 5);
  });

  it('channels that do not come in fours, and TypeScript kernels, keep the loops', () => {
    expect(usesWasmBatchNorm([3, 3, 6], 'wasm')).toBe(false);
    expect(usesWasmBatchNorm([3, 3, 8], 'ts')).toBe(false);
  });
});
