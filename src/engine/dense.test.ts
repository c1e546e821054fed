import { describe, expect, it, vi } from 'vitest';
import { Dense, transpose } from './dense.ts';
import type { DenseSpec as LayerSpec } from './layer.ts';
import { bestKernels, type Kernels } from './kernels.ts';
import { DENSE_KERNEL_ROWS, kernelModule } from './wasm/dense-kernels.ts';
import { fusesMultiplyAdd } from './wasm/features.ts';
import { createRng } from './rng.ts';

function randomSpec(inputs: number, outputs: number, seed: number): LayerSpec {
  const rng = createRng(seed);
  const weights = new Float32Array(inputs * outputs).map(() => rng.normal());
  const biases = new Float32Array(outputs).map(() => rng.normal());
  return { inputs, outputs, activation: 'Tanh', weights, biases };
}

const bits = (values: Float32Array) => new Uint8Array(values.buffer, values.byteOffset, values.byteLength);

/** Inputs with about `zeros` of them exactly 0, like MNIST's background. */
function sparseInputs(length: number, zeros: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return new Float32Array(length).map(() => (rng.next() < zeros ? 0 : rng.next()));
}

/** z = W·x + b, a = tanh z, ∂L/∂W = δᵀx, ∂L/∂b = Σδ, ∂L/∂x = δW, written as plainly as possible in float64. */
function reference(spec: LayerSpec, input: Float32Array, delta: Float32Array, rows: number) {
  const { inputs, outputs, weights, biases } = spec;
  const output: number[] = [];
  const gradWeights = new Array<number>(inputs * outputs).fill(0);
  const gradBiases = new Array<number>(outputs).fill(0);
  const inputDelta = new Array<number>(rows * inputs).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < outputs; o++) {
      let z = biases[o];
      for (let i = 0; i < inputs; i++) z += weights[o * inputs + i] * input[r * inputs + i];
      output.push(Math.tanh(z));
      const d = delta[r * outputs + o];
      gradBiases[o] += d;
      for (let i = 0; i < inputs; i++) {
        gradWeights[o * inputs + i] += d * input[r * inputs + i];
        inputDelta[r * inputs + i] += d * weights[o * inputs + i];
      }
    }
  }
  return { output, gradWeights, gradBiases, inputDelta };
}

function expectClose(actual: ArrayLike<number>, expected: ArrayLike<number>): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    expect(Math.abs(actual[i] - expected[i]), `at ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(expected[i])));
  }
}

/** ∂L/∂W laid out like LayerSpec's weights, whichever way the layer stores it. */
function outputMajorGradient(layer: Dense): Float32Array {
  return layer.sparseInput ? transpose(layer.gradWeights, layer.inputs, layer.outputs) : layer.gradWeights;
}

/** Every way a layer can compute: dense input in TypeScript or WebAssembly (either path), sparse input (TypeScript only). */
const PATHS: [sparse: boolean, kernels: Kernels][] = [
  [false, 'ts'],
  [false, 'wasm'],
  [false, 'fused'],
  [true, 'ts'],
];

describe('Dense', () => {
  it('has the WebAssembly kernels in Node, relaxed SIMD included, and fuses where this CPU does', () => {
    expect(kernelModule()).not.toBeNull();
    expect(kernelModule(true)).not.toBeNull();
    expect(bestKernels()).toBe(fusesMultiplyAdd() ? 'fused' : 'wasm');
  });

  // Odd sizes exercise the unrolled loops' remainders; 1 row is the seed's per-sample mode. Inputs in
  // eights keep the weights in the kernels' memory; more rows than DENSE_KERNEL_ROWS go through in parts.
  it.each([
    [13, 7, 1],
    [13, 7, 5],
    [4, 8, 3],
    [1, 1, 2],
    [30, 11, 9],
    [70, 33, 17],
    [16, 5, 9],
    [16, 5, DENSE_KERNEL_ROWS * 2 + 3],
    [13, 7, DENSE_KERNEL_ROWS + 2],
  ])('matches a plain float64 reference: %i→%i on %i rows, every path', (inputs, outputs, rows) => {
    const spec = randomSpec(inputs, outputs, inputs * 100 + outputs);
    const input = sparseInputs(rows * inputs, 0.6, rows);
    const delta = new Float32Array(rows * outputs).map((_, i) => Math.sin(i + 1));
    const expected = reference(spec, input, delta, rows);

    for (const [sparse, kernels] of PATHS) {
      const layer = new Dense(spec, sparse, kernels);
      const output = layer.forward(input, rows);
      expectClose(output.subarray(0, rows * outputs), expected.output);
      layer.delta.set(delta);
      const inputDelta = new Float32Array(rows * inputs);
      layer.backward(input, rows, inputDelta);
      expectClose(outputMajorGradient(layer), expected.gradWeights);
      expectClose(layer.gradBiases, expected.gradBiases);
      expectClose(inputDelta, expected.inputDelta);
    }
  });

  it('overwrites, not accumulates, gradients from one batch to the next, also where the new batch has no ink', () => {
    const spec = randomSpec(6, 3, 1);
    const layer = new Dense(spec, true);
    const first = sparseInputs(24, 0.5, 2);
    // The second batch leaves inputs 0 and 1 zero in every row: their rows of the gradient must go back to 0.
    const second = sparseInputs(24, 0.5, 3).map((x, k) => (k % 6 < 2 ? 0 : x));
    for (const input of [first, second]) {
      layer.forward(input, 4);
      layer.delta.fill(1);
      layer.backward(input, 4, null);
    }
    expectClose(outputMajorGradient(layer), reference(spec, second, new Float32Array(12).fill(1), 4).gradWeights);
  });

  it.each(PATHS)('keeps matching the reference as batches grow and shrink (sparse %s, %s)', (sparse, kernels) => {
    const spec = randomSpec(21, 6, 5);
    const layer = new Dense(spec, sparse, kernels);
    [9, 2, DENSE_KERNEL_ROWS + 12, 1, 13, 3].forEach((rows, pass) => {
      const input = sparseInputs(rows * 21, 0.5, 10 + pass);
      const delta = new Float32Array(rows * 6).map((_, i) => Math.cos(i + pass));
      const expected = reference(spec, input, delta, rows);
      expectClose(layer.forward(input, rows).subarray(0, rows * 6), expected.output);
      layer.delta.set(delta);
      const inputDelta = new Float32Array(rows * 21);
      layer.backward(input, rows, inputDelta);
      expectClose(outputMajorGradient(layer), expected.gradWeights);
      expectClose(inputDelta, expected.inputDelta);
    });
  });

  it('gives back the parameters it was made from, whichever way it stores them', () => {
    const spec = randomSpec(5, 3, 4);
    for (const sparse of [false, true]) {
      const back = new Dense(spec, sparse).toSpec();
      expect(Array.from(back.weights)).toEqual(Array.from(spec.weights));
      expect(Array.from(back.biases)).toEqual(Array.from(spec.biases));
    }
  });

  it('builds and computes its WebAssembly layer where there is no SharedArrayBuffer, as on a page without cross-origin isolation', () => {
    const spec = randomSpec(16, 4, 9);
    const input = new Float32Array(16 * 3).map((_, i) => (i % 5) / 5);
    const expected = new Dense(spec, false, 'wasm').forward(input, 3).slice();
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      expect(new Dense(spec, false, 'wasm').forward(input, 3)).toEqual(expected);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it.each<Kernels>(['wasm', 'fused'])('shares a weight gradient by rows with its twin, to the bits each half gives alone (%s)', (kernels) => {
    // 24 inputs (in eights: the weights live in a shared memory with a twin's regions), 10 units:
    // rows 0–3 here, 4–11 (two of padding) in the twin; halves of 5 and 3 rows.
    const spec = randomSpec(24, 10, 6);
    const host = new Dense(spec, false, kernels);
    const twin = host.twin;
    if (!twin) throw new Error('A layer with inputs in eights has a twin where memories can be shared');
    const replica = new Dense(spec, false, kernels, undefined, twin);
    const halves = [5, 3].map((rows, h) => ({ rows, input: sparseInputs(rows * 24, 0.3, 20 + h), delta: new Float32Array(rows * 10).map((_, i) => Math.sin(i + h)) }));
    const alone = halves.map(({ rows, input, delta }) => {
      const layer = new Dense(spec, false, kernels);
      layer.forward(input, rows);
      layer.delta.set(delta);
      layer.backward(input, rows, null);
      return layer.gradWeights.slice();
    });
    const ready = [0, 0];
    host.rowShare = { from: 0, to: 4, ready: () => ready[0]++ };
    replica.rowShare = { from: 4, to: 12, ready: () => ready[1]++ };
    [host, replica].forEach((layer, h) => {
      const { rows, input, delta } = halves[h];
      layer.forward(input, rows);
      layer.delta.set(delta);
      layer.backward(input, rows, null);
    });
    host.weightGradientRows({ x: twin.x, delta: twin.delta, dw: twin.dw }, 3, 0, 4);
    replica.weightGradientRows(twin.host, 5, 4, 12);
    expect(ready).toEqual([1, 1]);
    const [fromTwin] = host.twinGradients() ?? [];
    expect(bits(host.gradWeights)).toEqual(bits(alone[0]));
    expect(bits(fromTwin as Float32Array)).toEqual(bits(alone[1]));
    // A half larger than the kernels take at once would go in parts: its x would no longer all be there for the other worker.
    const large = DENSE_KERNEL_ROWS + 1;
    host.forward(new Float32Array(large * 24), large);
    expect(() => host.backward(new Float32Array(large * 24), large, null)).toThrow(/must fit the kernels' 128 rows/);
  });

  it('refuses parameters of the wrong size', () => {
    expect(() => new Dense({ ...randomSpec(3, 2, 1), inputs: 4 })).toThrow(/needs 8 weights and 2 biases/);
  });
});
