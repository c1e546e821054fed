import { describe, expect, it } from 'vitest';
import type { Dataset } from './dataset.ts';
import { EmbeddingMap } from './embedding.ts';
import { layerOutputs } from './inspect.ts';
import type { DenseSpec } from './layer.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';

function dataset(count: number, inputSize: number, seed: number): Dataset {
  const rng = createRng(seed);
  return {
    images: Uint8Array.from({ length: count * inputSize }, () => rng.nextInt(256)),
    labels: Uint8Array.from({ length: count }, () => rng.nextInt(3)),
    count,
    inputSize,
  };
}

describe('EmbeddingMap', () => {
  it('projects the last hidden layer’s vectors of the first images onto their principal axes', () => {
    const data = dataset(300, 12, 1);
    const network = Network.create([12, 8, 5, 3], ['Tanh', 'Sigmoid', 'Softmax'], 'xavier', createRng(2), 'ts');
    const map = new EmbeddingMap(data, 260);
    const result = map.compute(network);
    expect(result.count).toBe(260);
    expect(result.layer).toBe(2);
    expect(result.size).toBe(5);
    expect(result.points).toHaveLength(520);
    expect(result.explained[0]).toBeGreaterThanOrEqual(result.explained[1]);
    expect(result.explained[0] + result.explained[1]).toBeLessThanOrEqual(1 + 1e-6);

    // Each point is the image's centred hidden vector along the axes; the axes are orthonormal,
    // so the points' spread along them adds up to the explained share of the total variance.
    const specs = network.toLayerSpecs() as DenseSpec[];
    const hidden = Array.from({ length: 260 }, (_, i) => {
      const input = Float32Array.from(data.images.subarray(i * 12, (i + 1) * 12), (v) => v / 255);
      const outputs = layerOutputs(specs, input);
      for (let o = 0; o < 3; o++) expect(result.outputs[i * 3 + o]).toBeCloseTo(outputs[2][o], 5);
      return outputs[1];
    });
    const mean = new Float64Array(5);
    hidden.forEach((h) => h.forEach((v, d) => (mean[d] += v / 260)));
    const total = hidden.reduce((sum, h) => sum + h.reduce((s, v, d) => s + (v - mean[d]) ** 2, 0), 0) / 260;
    for (let k = 0; k < 2; k++) {
      let spread = 0;
      let centre = 0;
      for (let i = 0; i < 260; i++) {
        spread += result.points[2 * i + k] ** 2 / 260;
        centre += result.points[2 * i + k] / 260;
      }
      expect(centre).toBeCloseTo(0, 5);
      expect(spread / total).toBeCloseTo(result.explained[k], 4);
    }
  });

  it('maps the pixels of a network without a hidden layer', () => {
    const data = dataset(50, 6, 3);
    const network = Network.create([6, 3], ['Softmax'], 'xavier', createRng(4), 'ts');
    const result = new EmbeddingMap(data).compute(network);
    expect(result).toMatchObject({ count: 50, layer: 0, size: 6 });
  });
});
