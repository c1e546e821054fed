/** The session on datasets other than MNIST: switching, models recording their set, refusals naming both shapes. */
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config';
import type { Dataset } from '../engine/dataset';
import { bestKernels } from '../engine/kernels';
import { createRng } from '../engine/rng';
import { TrainingSession, type Datasets } from './session';

/** Images inked in one band of rows per class: a network learns them at once. */
function bands(count: number, side: number, classes: number, seed: number): Dataset {
  const rng = createRng(seed);
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(classes));
  const size = side * side;
  const band = Math.floor(size / classes);
  const images = new Uint8Array(count * size);
  labels.forEach((label, i) => images.fill(255, i * size + label * band, i * size + (label + 1) * band));
  return { images, labels, count, inputSize: size };
}

const SMALL: Datasets = {
  train: bands(300, 12, 3, 1),
  test: bands(60, 12, 3, 2),
  record: { name: 'small', height: 12, width: 12, classNames: ['dark', 'grey', 'light'] },
};
const MNIST_LIKE: Datasets = { train: bands(200, 28, 10, 3), test: bands(50, 28, 10, 4) };

const config = (layers: number[]): Config => ({
  ...SEED_CONFIG,
  layers,
  activations: ['ReLU', 'Softmax'],
  optimizer: 'adam',
  learningRate: 0.01,
  batchSize: 10,
  epochs: 3,
  samples: 300,
});

function session() {
  const loads: string[] = [];
  const created = new TrainingSession({
    loadData: async (_progress, id) => {
      loads.push(id);
      if (id === 'mnist') return MNIST_LIKE;
      if (id === 'small') return SMALL;
      throw new Error('this dataset is no longer in this browser’s storage; add it again');
    },
    yieldToEvents: () => Promise.resolve(),
    now: () => 0,
  });
  return { session: created, loads };
}

describe('training session on a dataset of another shape', () => {
  it('trains and evaluates with the set’s classes, and its model file records the set', async () => {
    const { session: s } = session();
    await s.loadData(() => {}, 'small');
    expect(await s.train(config([144, 8, 3]))).toEqual({ status: 'finished', kernels: bestKernels() });
    const report = await s.evaluate();
    expect(report?.confusion).toHaveLength(3);
    expect(report?.total).toBe(60);
    expect(report?.accuracy).toBe(1);
    expect((await s.getTestImages(2, 2, 0, 5)).probabilities).toHaveLength(5 * 3);
    const file = JSON.parse(s.exportModel() as string) as { dataset: unknown };
    expect(file.dataset).toEqual(SMALL.record);
  });

  it('refuses a network that does not fit the set, naming what it needs', async () => {
    const { session: s } = session();
    await s.loadData(() => {}, 'small');
    await expect(s.train(config([784, 8, 10]))).rejects.toThrow(
      'The network 784→…→10 does not fit small (12×12 images, 3 classes): it needs 144 inputs and 3 outputs.',
    );
  });

  it('forgets a model of another shape on switching, and refuses to load it there naming both shapes', async () => {
    const { session: s } = session();
    await s.loadData(() => {}, 'small');
    await s.train(config([144, 8, 3]));
    const smallModel = s.exportModel() as string;
    await s.loadData(() => {}, 'mnist');
    expect(await s.evaluate()).toBeNull();
    expect(() => s.importModel(smallModel)).toThrow(
      'This model does not fit the dataset: the model was trained on small (12×12 images, 3 classes) and cannot run on MNIST (28×28 images, 10 classes).',
    );
    // An MNIST model file (no dataset recorded) is refused on the small set, the other way round.
    await s.train(config([784, 8, 10]));
    const mnistModel = s.exportModel() as string;
    expect(JSON.parse(mnistModel)).not.toHaveProperty('dataset');
    await s.loadData(() => {}, 'small');
    expect(() => s.importModel(mnistModel)).toThrow('the model was trained on MNIST (28×28 images, 10 classes) and cannot run on small (12×12 images, 3 classes)');
    expect(s.importModel(smallModel)).toEqual({ description: '144-8-3 ReLU/Softmax' });
  });

  it('keeps the active set, and its model, when another fails to load', async () => {
    const { session: s, loads } = session();
    await s.loadData(() => {}, 'small');
    await s.train(config([144, 8, 3]));
    await expect(s.loadData(() => {}, 'gone')).rejects.toThrow('no longer in this browser');
    expect((await s.evaluate())?.total).toBe(60);
    expect(await s.train(config([144, 8, 3]))).toEqual({ status: 'finished', kernels: bestKernels() });
    // The active set is not read again for every call.
    await s.loadData(() => {}, 'small');
    expect(loads).toEqual(['small', 'gone']);
  });
});
