import { describe, expect, it } from 'vitest';
import { ACTIVATION_FUNCTIONS } from './activations.ts';
import { Conv2D, convGeometry } from './conv2d.ts';
import { KERNELS } from './kernels.ts';
import type { Conv2DSpec, Padding, Shape } from './layer.ts';
import { shapeSize } from './layer.ts';
import { createRng } from './rng.ts';
import { fusesMultiplyAdd } from './wasm/features.ts';

/** The convolution written as its definition, in float64, one output at a time. */
function reference(spec: Conv2DSpec, input: Float64Array, rows: number, delta: Float64Array) {
  const [height, width, channels] = spec.inputShape;
  const { kernelSize: k, stride, padding, filters, weights, biases } = spec;
  const gy = convGeometry(height, k, stride, padding);
  const gx = convGeometry(width, k, stride, padding);
  const inputSize = shapeSize(spec.inputShape);
  const z = new Float64Array(rows * gy.out * gx.out * filters);
  const gradWeights = new Float64Array(weights.length);
  const gradBiases = new Float64Array(filters);
  const inputDelta = new Float64Array(rows * inputSize);
  for (let r = 0; r < rows; r++) {
    for (let y = 0; y < gy.out; y++) {
      for (let x = 0; x < gx.out; x++) {
        for (let f = 0; f < filters; f++) {
          const out = ((r * gy.out + y) * gx.out + x) * filters + f;
          let sum = biases[f];
          gradBiases[f] += delta[out];
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const iy = y * stride + ky - gy.before;
              const ix = x * stride + kx - gx.before;
              if (iy < 0 || iy >= height || ix < 0 || ix >= width) continue;
              for (let c = 0; c < channels; c++) {
                const w = ((f * k + ky) * k + kx) * channels + c;
                const i = r * inputSize + (iy * width + ix) * channels + c;
                sum += weights[w] * input[i];
                gradWeights[w] += delta[out] * input[i];
                inputDelta[i] += delta[out] * weights[w];
              }
            }
          }
          z[out] = sum;
        }
      }
    }
  }
  return { z, gradWeights, gradBiases, inputDelta };
}

/**
 * The convolution in float32 (Math.fround after each multiply and each add, which
 * rounds as float32 arithmetic does), in the order the kernels keep: z = b + the window's
 * terms row by row, zero padding included; ∂W sums each sample's positions in order,
 * then adds the sample's sum to the total, sample after sample; ∂b sums all positions
 * in order; ∂x adds δ·w to each input position by position, filter after filter.
 */
/** sum + a·b with a multiply and an add, each rounded to float32. */
function separateMultiplyAdd(a: number, b: number, sum: number): number {
  return Math.fround(sum + Math.fround(a * b));
}

/** sum + a·b rounded once to float32, as a fused multiply-add gives it (a, b and sum float32s). */
function fusedMultiplyAdd(a: number, b: number, sum: number): number {
  const product = a * b; // exact: 24 + 24 bits fit in a double's 53
  const total = sum + product;
  // The double sum's own rounding error (two-sum): zero where it is exact.
  const back = total - sum;
  const error = sum - (total - back) + (product - back);
  const rounded = Math.fround(total);
  // Rounding the double sum again can only go wrong where it lies exactly halfway between two floats.
  const other = 2 * total - rounded;
  if (error === 0 || rounded === total || Math.fround(other) !== other) return rounded;
  return error > 0 ? Math.max(rounded, other) : Math.min(rounded, other);
}

it('the reference multiply-adds round as a multiply and an add, and as one fused step', () => {
  const [a, sum] = [1 + 2 ** -12, -(1 + 2 ** -11)];
  expect(separateMultiplyAdd(a, a, sum)).toBe(0);
  expect(fusedMultiplyAdd(a, a, sum)).toBe(2 ** -24);
  // a² is halfway between two floats: a tie goes to the even one, and a sum too small for
  // the double total still decides the rounding.
  expect(fusedMultiplyAdd(a, a, 0)).toBe(1 + 2 ** -11);
  expect(fusedMultiplyAdd(a, a, 2 ** -60)).toBe(1 + 2 ** -11 + 2 ** -23);
  expect(fusedMultiplyAdd(a, a, -(2 ** -60))).toBe(1 + 2 ** -11);
});

function float32InOrder(spec: Conv2DSpec, input: Float32Array, rows: number, delta: Float32Array, multiplyAdd = separateMultiplyAdd) {
  const f32 = Math.fround;
  const [height, width, channels] = spec.inputShape;
  const { kernelSize: k, stride, padding, filters, weights, biases } = spec;
  const gy = convGeometry(height, k, stride, padding);
  const gx = convGeometry(width, k, stride, padding);
  const inputSize = shapeSize(spec.inputShape);
  const fieldSize = k * k * channels;
  const z = new Float32Array(rows * gy.out * gx.out * filters);
  const gradWeights = new Float32Array(weights.length);
  const gradBiases = new Float32Array(filters);
  const inputDelta = new Float32Array(rows * inputSize);
  const sampleSums = new Float32Array(weights.length);
  /** The input's offset under window value (ky, kx) of output (y, x), or −1 in the padding. */
  const at = (r: number, y: number, x: number, ky: number, kx: number) => {
    const iy = y * stride + ky - gy.before;
    const ix = x * stride + kx - gx.before;
    return iy < 0 || iy >= height || ix < 0 || ix >= width ? -1 : r * inputSize + (iy * width + ix) * channels;
  };
  for (let r = 0; r < rows; r++) {
    sampleSums.fill(0);
    for (let y = 0; y < gy.out; y++) {
      for (let x = 0; x < gx.out; x++) {
        const out = ((r * gy.out + y) * gx.out + x) * filters;
        for (let f = 0; f < filters; f++) {
          let sum = biases[f];
          gradBiases[f] = f32(gradBiases[f] + delta[out + f]);
          for (let ky = 0; ky < k; ky++) {
            for (let kx = 0; kx < k; kx++) {
              const i = at(r, y, x, ky, kx);
              for (let c = 0; c < channels; c++) {
                const w = f * fieldSize + (ky * k + kx) * channels + c;
                const value = i < 0 ? 0 : input[i + c];
                sum = multiplyAdd(value, weights[w], sum);
                sampleSums[w] = multiplyAdd(value, delta[out + f], sampleSums[w]);
              }
            }
          }
          z[out + f] = sum;
        }
        for (let ky = 0; ky < k; ky++) {
          for (let kx = 0; kx < k; kx++) {
            const i = at(r, y, x, ky, kx);
            if (i < 0) continue;
            for (let c = 0; c < channels; c++) {
              for (let f = 0; f < filters; f++) {
                const w = f * fieldSize + (ky * k + kx) * channels + c;
                inputDelta[i + c] = multiplyAdd(delta[out + f], weights[w], inputDelta[i + c]);
              }
            }
          }
        }
      }
    }
    for (let w = 0; w < weights.length; w++) gradWeights[w] = f32(gradWeights[w] + sampleSums[w]);
  }
  return { z, gradWeights, gradBiases, inputDelta };
}

/** Largest error relative to the largest value: float32 sums over thousands of terms carry about 1e-6. */
function worstRelative(actual: Float32Array, expected: Float64Array): number {
  let scale = 0;
  for (const value of expected) scale = Math.max(scale, Math.abs(value));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / scale);
  return worst;
}

const CASES: [Shape, number, number, number, Padding][] = [
  // input shape, filters, kernel, stride, padding
  [[28, 28, 1], 8, 5, 1, 'same'],
  [[14, 14, 8], 16, 5, 1, 'same'],
  [[9, 7, 3], 5, 3, 2, 'valid'],
  [[8, 9, 2], 3, 4, 3, 'same'],
  [[5, 5, 6], 4, 1, 1, 'valid'],
  // One channel, odd sizes, stride 2 with the odd 'same' padding after; filters not a multiple of 8.
  [[11, 13, 1], 9, 3, 2, 'same'],
  [[7, 9, 1], 3, 5, 2, 'valid'],
  // Several channels, stride 2 'same' on an odd map, a window row (k·C = 15) spilling past 8-float blocks.
  [[9, 11, 5], 8, 3, 2, 'same'],
  // Maps so narrow that a window row padded to 8 floats (k·C = 9, 36) reaches into the next row.
  [[3, 4, 3], 5, 3, 1, 'valid'],
  [[4, 4, 9], 17, 4, 1, 'valid'],
  // Channels and filters not multiples of 4; an even kernel, whose odd 'same' padding goes after.
  [[6, 5, 7], 11, 3, 2, 'same'],
  [[10, 10, 3], 6, 2, 1, 'same'],
];

describe('Conv2D against a float64 reference', () => {
  for (const kernels of KERNELS) {
    for (const [inputShape, filters, kernelSize, stride, padding] of CASES) {
      it(`${inputShape.join('×')} → ${filters} filters ${kernelSize}×${kernelSize} stride ${stride} ${padding} (${kernels})`, () => {
        const rng = createRng(kernelSize * 31 + filters);
        const fieldSize = kernelSize * kernelSize * inputShape[2];
        const spec: Conv2DSpec = {
          type: 'conv2d', inputShape, filters, kernelSize, stride, padding, activation: 'Linear',
          weights: new Float32Array(filters * fieldSize).map(() => rng.next() - 0.5),
          biases: new Float32Array(filters).map(() => rng.next() - 0.5),
        };
        const rows = 3;
        const input = new Float32Array(rows * shapeSize(inputShape)).map(() => (rng.next() < 0.3 ? 0 : rng.next()));
        const layer = new Conv2D({ ...spec, weights: spec.weights.slice(), biases: spec.biases.slice() }, kernels);
        // A larger batch first: leftovers in the buffers must not leak into a smaller one.
        layer.forward(new Float32Array(5 * shapeSize(inputShape)).fill(7), 5);
        const z = layer.forward(input, rows);
        const outputSize = shapeSize(layer.outputShape);
        layer.delta.set(new Float32Array(rows * outputSize).map(() => rng.next() - 0.5));
        const inputDelta = new Float32Array(rows * shapeSize(inputShape));
        layer.backward(input, rows, inputDelta);

        const expected = reference(spec, Float64Array.from(input), rows, Float64Array.from(layer.delta.subarray(0, rows * outputSize)));
        expect(layer.outputShape).toEqual([convGeometry(inputShape[0], kernelSize, stride, padding).out, convGeometry(inputShape[1], kernelSize, stride, padding).out, filters]);
        expect(worstRelative(z.subarray(0, expected.z.length), expected.z)).toBeLessThan(1e-5);
        expect(worstRelative(layer.gradWeights, expected.gradWeights)).toBeLessThan(1e-5);
        expect(worstRelative(layer.gradBiases, expected.gradBiases)).toBeLessThan(1e-5);
        expect(worstRelative(inputDelta, expected.inputDelta)).toBeLessThan(1e-5);
      });
    }
  }

  // The kernels may group their work in any way, but each sum must add its terms in
  // this order and round after each multiply and each add ('wasm'), or once after each
  // multiply-add ('fused', where this CPU fuses them), so that training gives the same
  // bits whichever way the kernels are blocked (see conv-regression.test.ts).
  it.each([
    ['wasm', separateMultiplyAdd],
    ['fused', fusesMultiplyAdd() ? fusedMultiplyAdd : separateMultiplyAdd],
  ] as const)('sums every output and gradient of the %s kernels in a fixed order, bit for bit', (kernels, multiplyAdd) => {
    for (const [inputShape, filters, kernelSize, stride, padding] of CASES) {
      const rng = createRng(kernelSize * 13 + filters);
      const fieldSize = kernelSize * kernelSize * inputShape[2];
      const spec: Conv2DSpec = {
        type: 'conv2d', inputShape, filters, kernelSize, stride, padding, activation: 'Linear',
        weights: new Float32Array(filters * fieldSize).map(() => rng.next() - 0.5),
        biases: new Float32Array(filters).map(() => rng.next() - 0.5),
      };
      const rows = 3;
      const input = new Float32Array(rows * shapeSize(inputShape)).map(() => (rng.next() < 0.3 ? 0 : rng.next()));
      const layer = new Conv2D({ ...spec, weights: spec.weights.slice(), biases: spec.biases.slice() }, kernels);
      const z = layer.forward(input, rows).slice();
      const outputSize = shapeSize(layer.outputShape);
      const delta = new Float32Array(rows * outputSize).map(() => rng.next() - 0.5);
      layer.delta.set(delta);
      const inputDelta = new Float32Array(rows * shapeSize(inputShape));
      layer.backward(input, rows, inputDelta);
      const expected = float32InOrder(spec, input, rows, delta, multiplyAdd);
      const bits = (values: Float32Array) => new Uint32Array(values.slice().buffer);
      expect(bits(z.subarray(0, rows * outputSize))).toEqual(bits(expected.z));
      expect(bits(layer.gradWeights)).toEqual(bits(expected.gradWeights));
      expect(bits(layer.gradBiases)).toEqual(bits(expected.gradBiases));
      expect(bits(inputDelta)).toEqual(bits(expected.inputDelta));
    }
  });

  it.each(['wasm', 'fused'] as const)('applies ReLU in the %s kernels bit for bit as the TypeScript ReLU does, −0 and exact zeros included', (kernels) => {
    for (const [inputShape, filters, kernelSize, stride, padding] of CASES) {
      const rng = createRng(kernelSize * 17 + filters);
      const fieldSize = kernelSize * kernelSize * inputShape[2];
      const weights = new Float32Array(filters * fieldSize).map(() => rng.next() - 0.5);
      const biases = new Float32Array(filters).map(() => rng.next() - 0.5);
      // Filter 0 gives −0 everywhere (−0 weights on inputs ≥ 0, a −0 bias); filter 1 gives +0.
      weights.fill(-0, 0, fieldSize);
      biases[0] = -0;
      if (filters > 1) {
        weights.fill(0, fieldSize, 2 * fieldSize);
        biases[1] = 0;
      }
      const spec = (activation: 'ReLU' | 'Linear'): Conv2DSpec => ({ type: 'conv2d', inputShape, filters, kernelSize, stride, padding, activation, weights, biases });
      const rows = 3;
      const input = new Float32Array(rows * shapeSize(inputShape)).map(() => (rng.next() < 0.3 ? 0 : rng.next()));
      const linear = new Conv2D(spec('Linear'), kernels).forward(input, rows).slice();
      ACTIVATION_FUNCTIONS.ReLU.forward(linear, linear, linear.length, filters);
      const withRelu = new Conv2D(spec('ReLU'), kernels).forward(input, rows);
      expect(new Uint32Array(withRelu.slice(0, linear.length).buffer)).toEqual(new Uint32Array(linear.buffer));
    }
  });

  it("sizes outputs as TensorFlow does: 'same' is ⌈n/s⌉ with the odd padding after, 'valid' ⌊(n − k)/s⌋ + 1", () => {
    expect(convGeometry(28, 5, 1, 'same')).toEqual({ out: 28, before: 2 });
    expect(convGeometry(7, 3, 2, 'same')).toEqual({ out: 4, before: 1 });
    expect(convGeometry(8, 4, 3, 'same')).toEqual({ out: 3, before: 1 });
    expect(convGeometry(9, 3, 2, 'valid')).toEqual({ out: 4, before: 0 });
  });

  it('refuses a kernel larger than its input', () => {
    const spec: Conv2DSpec = { type: 'conv2d', inputShape: [3, 3, 1], filters: 1, kernelSize: 5, stride: 1, padding: 'valid', activation: 'ReLU', weights: new Float32Array(25), biases: new Float32Array(1) };
    expect(() => new Conv2D(spec)).toThrow(/5×5 convolution does not fit a 3×3 input/);
  });
});
