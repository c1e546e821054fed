import { describe, expect, it, vi } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config';
import type { Dataset } from '../engine/dataset';
import { EmbeddingMap } from '../engine/embedding';
import { createRng } from '../engine/rng';
import { parseConfig } from '../formats/config-format';
import type { Embedding } from './api';
import { TrainingSession } from './session';

function noise(count: number, seed: number): Dataset {
  const rng = createRng(seed);
  return {
    images: Uint8Array.from({ length: count * 784 }, () => rng.nextInt(256)),
    labels: Uint8Array.from({ length: count }, () => rng.nextInt(10)),
    count,
    inputSize: 784,
  };
}

/** A model file without the time it was saved at. */
const withoutDate = (model: string | null) => model?.replace(/"savedAt": "[^"]*"/, '');

const config: Config = { ...SEED_CONFIG, layers: [784, 12, 6, 10], activations: ['ReLU', 'Sigmoid', 'Softmax'], epochs: 1, batchSize: 10, samples: 100 };

describe('training session: looking inside the model', () => {
  it('gives the first layer’s weights and the hidden outputs once there is a model', async () => {
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(100, 1), test: noise(20, 2) }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    const image = new Float32Array(784).fill(0.5);
    expect(session.firstLayerWeights()).toBeNull();
    expect(session.hiddenActivations(image)).toBeNull();

    await session.loadData(() => {});
    await session.train(config);
    const weights = session.firstLayerWeights();
    expect(weights).toMatchObject({ inputs: 784, units: 12, epoch: 1 });
    expect(weights?.weights).toHaveLength(12 * 784);
    // Row-major like a saved model's first layer, so row u is unit u's 28×28 picture.
    const exported = JSON.parse(session.exportModel() ?? '{}') as { layers: { weights: number[] }[] };
    expect(Array.from(weights?.weights ?? [])).toEqual(exported.layers[0].weights.map(Math.fround));

    const hidden = session.hiddenActivations(image);
    expect(hidden?.map((layer) => layer.length)).toEqual([12, 6]);
    expect(hidden?.[1].every((value) => value > 0 && value < 1)).toBe(true);
    expect(session.hiddenActivations(new Float32Array(10))).toBeNull();
    // A dense network has no filters or feature maps to show.
    expect(session.convFilters()).toBeNull();
    expect(session.featureMaps(image)).toBeNull();
  });

  it('gives a convolutional model’s first filters and each convolution’s feature maps', async () => {
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(100, 1), test: noise(20, 2) }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    const cnn = parseConfig(
      JSON.stringify({
        layers: [
          { type: 'input', shape: [28, 28, 1] },
          { type: 'conv2d', filters: 4, kernel_size: 5, padding: 'same', activation: 'ReLU' },
          { type: 'maxpool2d', pool_size: 2 },
          { type: 'conv2d', filters: 6, kernel_size: 3, padding: 'valid', activation: 'ReLU' },
          { type: 'dense', units: 10, activation: 'Softmax' },
        ],
        learning_rate: 0.01,
        epochs: 1,
        batch_size: 10,
        samples: 100,
      }),
    );
    await session.loadData(() => {});
    await session.train(cnn);
    const filters = session.convFilters();
    expect(filters).toMatchObject({ kernelSize: 5, channels: 1, filters: 4, epoch: 1 });
    // W[f][ky][kx][c], as the saved model holds the layer.
    const exported = JSON.parse(session.exportModel() ?? '{}') as { layers: { weights?: number[] }[] };
    expect(Array.from(filters?.weights ?? [])).toEqual(exported.layers[0].weights?.map(Math.fround));

    const image = new Float32Array(784).fill(0.5);
    const maps = session.featureMaps(image);
    expect(maps?.map((map) => [map.layer, ...map.shape])).toEqual([
      [0, 28, 28, 4],
      [2, 12, 12, 6],
    ]);
    expect(maps?.[1].values).toHaveLength(12 * 12 * 6);
    expect(session.featureMaps(new Float32Array(10))).toBeNull();
  });

  it('pages through the test images the evaluation got wrong, the surest first', async () => {
    const test = noise(40, 2);
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(100, 1), test }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    await session.loadData(() => {});
    await session.train(config);
    const report = (await session.evaluate())!;
    const first = await session.getMistakes(0, 5);
    const rest = await session.getMistakes(5, 100);
    expect(first.total).toBe(report.total - report.correct);
    expect(first.count + rest.count).toBe(first.total);
    const pages = [first, rest];
    const surest = pages.flatMap((page) =>
      Array.from({ length: page.count }, (_, i) => {
        const outputs = page.probabilities.subarray(i * 10, (i + 1) * 10);
        const guess = outputs.indexOf(Math.max(...outputs));
        // Each is a mistake, labelled with its true class.
        expect(page.labels[i]).toBe(test.labels[page.indices[i]]);
        expect(guess).not.toBe(page.labels[i]);
        return outputs[guess];
      }),
    );
    expect(surest).toEqual([...surest].sort((a, b) => b - a));
    expect(first.images.subarray(0, 784)).toEqual(test.images.subarray(first.indices[0] * 784, (first.indices[0] + 1) * 784));
  });

  it('runs a learning-rate range test on a network of its own, leaving the model as it was', async () => {
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(100, 1), test: noise(20, 2) }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    await session.loadData(() => {});
    await session.train(config);
    const model = session.exportModel();
    const reported: number[] = [];
    const result = await session.findLearningRate({ ...config, learningRate: 0.5 }, (progress) => reported.push(...progress.points.map((p) => p.rate)));
    expect(withoutDate(session.exportModel())).toBe(withoutDate(model));
    // Every batch reported once, in order, at rising rates from 1e-6.
    expect(reported).toEqual(result.points.map((p) => p.rate));
    expect(result.points[0].rate).toBeCloseTo(1e-6, 15);
    expect(['exploded', 'diverged', 'max-rate']).toContain(result.ended);
    expect(result.points.length).toBeLessThanOrEqual(300);
    // The same config's test gives the same curve: it starts from the config's initialisation.
    const again = await session.findLearningRate({ ...config, learningRate: 0.5 }, () => {});
    expect(again.points).toEqual(result.points);
    await expect(session.findLearningRate({ ...config, layers: [784, 12, 6, 3] }, () => {})).rejects.toThrow(/does not fit/);
  });
});

describe('training session: the embedding map and where a model looks', () => {
  const cnn: Config = parseConfig(
    JSON.stringify({
      layers: [
        { type: 'input', shape: [28, 28, 1] },
        { type: 'conv2d', filters: 2, kernel_size: 3, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', pool_size: 2 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
      epochs: 1,
      batch_size: 10,
      samples: 60,
      seed: 5,
    }),
  );

  it('sends the map of each epoch’s model while it is watched, and none when it is not', async () => {
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(100, 1), test: noise(30, 2) }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    const events: string[] = [];
    const maps: { epoch: number; sequence: number; count: number; layer: number; size: number }[] = [];
    session.subscribe((event) => {
      events.push(event.type);
      if (event.type === 'embedding') maps.push(event.embedding);
    });
    expect(session.embedding()).toBeNull();
    await session.loadData(() => {});
    await session.train({ ...config, epochs: 2 });
    expect(events).not.toContain('embedding');

    session.watchEmbedding(true);
    await session.train({ ...config, epochs: 2 });
    expect(maps).toMatchObject([
      { epoch: 1, count: 30, layer: 2, size: 6 },
      { epoch: 2, count: 30, layer: 2, size: 6 },
    ]);
    expect(maps[1].sequence).toBeGreaterThan(maps[0].sequence);
    // The map of the model as it stands, with each image's class and pixels.
    const now = session.embedding();
    expect(now).toMatchObject({ epoch: 2, count: 30 });
    expect(now?.labels).toHaveLength(30);
    expect(now?.images).toHaveLength(30 * 784);
    expect(now?.outputs).toHaveLength(30 * 10);
  });

  it('maps an epoch’s model from its test evaluation’s vectors, with no forward pass of its own, as a fresh map would', async () => {
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(100, 5), test: noise(30, 6) }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    const maps: Embedding[] = [];
    session.subscribe((event) => {
      if (event.type === 'embedding') maps.push(event.embedding);
    });
    await session.loadData(() => {});
    session.watchEmbedding(true);
    for (const network of [config, cnn]) {
      maps.length = 0;
      const computed = vi.spyOn(EmbeddingMap.prototype, 'compute');
      await session.train({ ...network, epochs: 2 });
      expect(computed).not.toHaveBeenCalled();
      computed.mockRestore();
      expect(maps).toHaveLength(2);
      const fresh = session.embedding() as Embedding;
      expect(maps[1].outputs).toEqual(fresh.outputs);
      // The same vectors projected again, from axes already found: the same points.
      for (let i = 0; i < fresh.points.length; i++) expect(maps[1].points[i]).toBeCloseTo(fresh.points[i], 3);
    }
  });

  it('gives the saliency and the Grad-CAM of a convolutional model', async () => {
    const session = new TrainingSession({
      loadData: async () => ({ train: noise(60, 3), test: noise(20, 4) }),
      yieldToEvents: () => Promise.resolve(),
      now: () => 0,
    });
    await session.loadData(() => {});
    const image = Float32Array.from({ length: 784 }, (_, i) => (i % 7) / 7);
    expect(session.saliency(image)).toBeNull();
    await session.train(cnn);
    expect(session.saliency(image)).toHaveLength(784);
    expect(session.gradCam(image)).toMatchObject({ layer: 0, shape: [28, 28, 2] });
    // A dense model has no convolution to explain, but a saliency all the same.
    await session.train(config);
    expect(session.gradCam(image)).toBeNull();
    expect(session.saliency(image)).toHaveLength(784);
  });
});
