import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../rng.ts';
import { WasmSparseLayer } from './sparse-kernels.ts';

/** MNIST-like rows: about 20% of pixels inked. */
function sparseInput(rows: number, inputs: number, rng: Rng): Float32Array {
  return Float32Array.from({ length: rows * inputs }, () => (rng.next() < 0.2 ? Math.fround(rng.next()) : 0));
}

function fill(view: Float32Array, rng: Rng): void {
  for (let i = 0; i < view.length; i++) view[i] = rng.next() - 0.5;
}

/** Float64 sums must match to float32 rounding over ~150 terms. */
function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i] - expected[i]) / (1 + Math.abs(expected[i])));
  expect(worst).toBeLessThan(1e-5);
}

describe('WasmSparseLayer', () => {
  // 10 and 13 exercise the four-wide and one-wide tails, 200 and 800 the sixteen-wide body.
  it.each([
    [784, 200, 32],
    [784, 800, 32],
    [784, 10, 1],
    [50, 13, 5],
  ])('forward and ∂W of a %i→%i layer at %i rows match a float64 reference', (inputs, outputs, rows) => {
    const rng = createRng(inputs + outputs + rows);
    const layer = new WasmSparseLayer(inputs, outputs, 32);
    fill(layer.weights, rng);
    fill(layer.biases, rng);
    const x = sparseInput(rows, inputs, rng);
    layer.load(x, rows);
    layer.forward();
    const z = new Float64Array(rows * outputs);
    for (let r = 0; r < rows; r++) {
      for (let o = 0; o < outputs; o++) {
        let sum = layer.biases[o];
        for (let i = 0; i < inputs; i++) sum += x[r * inputs + i] * layer.weights[i * outputs + o];
        z[r * outputs + o] = sum;
      }
    }
    expectClose(layer.output.subarray(0, rows * outputs), z);

    fill(layer.delta, rng);
    layer.gradWeights.fill(Number.NaN);
    layer.weightGradient();
    const active = new Set(layer.activeList.subarray(0, layer.activeCount));
    for (let i = 0; i < inputs; i++) {
      const inked = Array.from({ length: rows }, (_, r) => x[r * inputs + i] !== 0).some(Boolean);
      expect(active.has(i)).toBe(inked);
      if (!inked) continue;
      const expected = new Float64Array(outputs);
      for (let r = 0; r < rows; r++) for (let o = 0; o < outputs; o++) expected[o] += x[r * inputs + i] * layer.delta[r * outputs + o];
      expectClose(layer.gradWeights.subarray(i * outputs, (i + 1) * outputs), expected);
    }
  });

  it('keeps its arrays as views of one memory, so an update in place is what the next forward reads', () => {
    const layer = new WasmSparseLayer(4, 3, 2);
    layer.biases.fill(0);
    layer.weights.fill(1);
    layer.load(Float32Array.of(0, 2, 0, 0), 1);
    layer.forward();
    expect(Array.from(layer.output.subarray(0, 3))).toEqual([2, 2, 2]);
    layer.weights[1 * 3 + 2] = 5;
    layer.forward();
    expect(Array.from(layer.output.subarray(0, 3))).toEqual([2, 2, 10]);
    expect(layer.weights.buffer).toBe(layer.output.buffer);
  });

  it('lists the inked pixels in order of first sight, -0 and an empty row counting as no ink', () => {
    const layer = new WasmSparseLayer(6, 3, 3);
    layer.load(Float32Array.of(0, 0, 0.5, -0, 0, 1, 0, 0, 0, 0, 0, 0, 0.25, 0, 0.75, 0, 0, 0), 3);
    expect(Array.from(layer.activeList.subarray(0, layer.activeCount))).toEqual([2, 5, 0]);
  });

  it('computes σ within 2 float32 ulp of the float64 σ, saturating at ±∞ and keeping NaN', () => {
    const layer = new WasmSparseLayer(1, 250, 200);
    const rows = 200;
    const worst = { relative: 0, at: 0 };
    // z over [−80, 80) in steps of 1/312.5, each value rounded to float32.
    const z = Float32Array.from({ length: rows * 250 }, (_, i) => -80 + i / 312.5);
    layer.load(new Float32Array(rows), rows);
    layer.output.set(z);
    layer.sigmoid();
    z.forEach((value, i) => {
      const exact = 1 / (1 + Math.exp(-value));
      const relative = Math.abs(layer.output[i] - exact) / exact;
      if (relative > worst.relative) Object.assign(worst, { relative, at: value });
    });
    expect(worst.relative, `at z = ${worst.at}`).toBeLessThan(2 * 2 ** -23);

    layer.load(new Float32Array(4), 4);
    layer.output.set([Infinity, -Infinity, Number.NaN, 0]);
    layer.sigmoid();
    expect(layer.output[0]).toBe(1);
    expect(layer.output[1]).toBeLessThan(1e-38);
    expect(layer.output[2]).toBeNaN();
    expect(layer.output[3]).toBe(0.5);
  });

  it('refuses a batch larger than it was sized for, naming both', () => {
    const layer = new WasmSparseLayer(4, 3, 2);
    expect(() => layer.load(new Float32Array(12), 3)).toThrow(/sized for 2 rows, not 3/);
  });
});
