import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config';
import type { Dataset } from '../engine/dataset';
import { createRng } from '../engine/rng';
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
  });
});
