import { describe, expect, it } from 'vitest';
import type { Kernels } from './kernels.ts';
import type { Shape } from './layer.ts';
import { shapeSize } from './layer.ts';
import { MaxPool2D, poolOutputShape, usesWasmMaxPool } from './pool.ts';
import { createRng } from './rng.ts';

/** Max pooling as its definition: each window scanned row by row, the first of equal maxima winning; δ summed in float64 where windows overlap. */
function reference([height, width, channels]: Shape, poolSize: number, stride: number, input: Float32Array, rows: number, delta: Float32Array) {
  const [outHeight, outWidth] = poolOutputShape([height, width, channels], poolSize, stride);
  const output = new Float32Array(rows * outHeight * outWidth * channels);
  const inputDelta = new Float64Array(rows * height * width * channels);
  let at = 0;
  for (let n = 0; n < rows; n++) {
    for (let y = 0; y < outHeight; y++) {
      for (let x = 0; x < outWidth; x++) {
        for (let c = 0; c < channels; c++) {
          let winner = -1;
          for (let py = 0; py < poolSize; py++) {
            for (let px = 0; px < poolSize; px++) {
              const i = ((n * height + y * stride + py) * width + x * stride + px) * channels + c;
              if (winner < 0 || input[i] > input[winner]) winner = i;
            }
          }
          output[at] = input[winner];
          inputDelta[winner] += delta[at++];
        }
      }
    }
  }
  return { output, inputDelta };
}

const CASES: [Shape, number, number][] = [
  // input shape, pool size, stride
  [[28, 28, 8], 2, 2],
  [[14, 14, 16], 2, 2],
  [[14, 14, 16], 3, 3],
  // Odd sides that leave the last row and column out, overlapping windows, stride 1.
  [[9, 11, 4], 3, 2],
  [[9, 11, 4], 2, 2],
  [[7, 5, 12], 2, 1],
  [[5, 6, 4], 5, 1],
  // Channels not in fours: the TypeScript loop on either kernels.
  [[9, 7, 3], 2, 2],
  [[6, 6, 1], 3, 2],
];

describe('MaxPool2D against its definition', () => {
  for (const kernels of ['ts', 'wasm'] as Kernels[]) {
    for (const [shape, poolSize, stride] of CASES) {
      const path = usesWasmMaxPool(shape, kernels) ? 'SIMD kernel' : 'TypeScript';
      it(`${shape.join('×')}, pool ${poolSize} stride ${stride} (${kernels}: ${path})`, () => {
        const rng = createRng(shape[0] * 13 + shape[2]);
        const layer = new MaxPool2D({ type: 'maxpool2d', inputShape: shape, poolSize, stride }, kernels);
        // More rows than the kernel copies in at a time; a larger batch first, so leftovers would show.
        const rows = 11;
        layer.forward(new Float32Array(13 * shapeSize(shape)).fill(5), 13);
        // Ties (many zeros, as after ReLU, and values from a short list), negative zeros and a NaN.
        const input = new Float32Array(rows * shapeSize(shape)).map(() => {
          const u = rng.next();
          return u < 0.4 ? 0 : u < 0.5 ? -0 : u < 0.7 ? Math.round(u * 10) / 4 : rng.next() - 0.5;
        });
        input[7] = NaN;
        const output = layer.forward(input, rows);
        const outputSize = rows * shapeSize(layer.outputShape);
        const delta = new Float32Array(outputSize).map(() => rng.next() - 0.5);
        layer.delta.set(delta);
        const inputDelta = new Float32Array(input.length).fill(3);
        layer.backward(input, rows, inputDelta);

        const expected = reference(shape, poolSize, stride, input, rows, delta);
        // Bit for bit, the sign of zero and NaN included.
        expect(new Uint32Array(output.slice(0, outputSize).buffer)).toEqual(new Uint32Array(expected.output.buffer));
        let worst = 0;
        inputDelta.forEach((value, i) => (worst = Math.max(worst, Math.abs(value - expected.inputDelta[i]))));
        expect(worst).toBeLessThan(1e-6);
      });
    }
  }
});

describe('MaxPool2D: the WebAssembly gradient is the TypeScript loop’s, bit for bit', () => {
  for (const [shape, poolSize, stride] of CASES.filter(([shape]) => usesWasmMaxPool(shape, 'wasm'))) {
    it(`${shape.join('×')}, pool ${poolSize} stride ${stride}`, () => {
      const rng = createRng(shape[1] * 7 + shape[2]);
      const rows = 11;
      // Ties and negative zeros in the input; δ of both signs, −0 and values far apart, so overlapping windows' sums round.
      const input = new Float32Array(rows * shapeSize(shape)).map(() => (rng.next() < 0.3 ? -0 : Math.round(rng.next() * 8) / 4));
      const delta = new Float32Array(rows * shapeSize(poolOutputShape(shape, poolSize, stride))).map(() => {
        const u = rng.next();
        return u < 0.2 ? -0 : (rng.next() - 0.5) * 10 ** Math.floor(u * 12 - 6);
      });
      const [wasm, ts] = (['wasm', 'ts'] as const).map((kernels) => {
        const layer = new MaxPool2D({ type: 'maxpool2d', inputShape: shape, poolSize, stride }, kernels);
        layer.forward(input, rows);
        layer.delta.set(delta);
        const inputDelta = new Float32Array(input.length).fill(3);
        layer.backward(input, rows, inputDelta);
        return new Uint32Array(inputDelta.buffer);
      });
      expect(wasm).toEqual(ts);
    });
  }
});
