/** The page following its dataset: the config's sizes, the note saying so, and a failure leaving the active set alone. */
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../formats/config-format';
import type { DatasetInfo } from '../worker/api';
import { datasetAdded, datasetFailed, datasetSelected, datasetWorkStarted, editConfigText, loadConfig } from './actions';
import { MNIST_DATASET } from './config-slice';
import { PRESETS } from './presets';
import { resetStore, useAppStore } from './store';

afterEach(resetStore);
const state = () => useAppStore.getState();

const SHAPES: DatasetInfo = {
  id: 'shapes-1',
  name: 'shapes',
  height: 12,
  width: 12,
  classNames: ['circle', 'square', 'triangle'],
  trainCount: 240,
  testCount: 60,
  pixelBytes: 300 * 144,
  addedAt: 1,
};

describe('the page follows the active dataset', () => {
  it('fits the network’s input and output layers to a new set and says so; MNIST’s shape fits it back', () => {
    loadConfig(PRESETS[0].config);
    const hidden = state().config.layers.slice(1, -1);
    datasetAdded(SHAPES);
    expect(state().dataset).toEqual({ id: 'shapes-1', name: 'shapes', height: 12, width: 12, classNames: ['circle', 'square', 'triangle'] });
    expect(state().datasets).toEqual([SHAPES]);
    expect(state().config.layers).toEqual([144, ...hidden, 3]);
    expect(state().datasetNote).toBe(
      'The network now takes 144 inputs (12×12 pixels) and gives 3 outputs (one per class), to fit shapes (12×12 images, 3 classes).',
    );
    // The worker already holds the set it read: the next run does not load it again.
    expect(state().download).toMatchObject({ status: 'ready', datasetId: 'shapes-1' });
    // A JSON edit and a preset are checked against the set's shape.
    editConfigText(JSON.stringify({ layers: [784, 10, 10], activations: ['ReLU', 'Softmax'], learning_rate: 0.01, epochs: 1 }));
    expect(state().configError).toBe(
      'layers[0]: the input layer must have 144 nodes (12×12 pixels of shapes), got 784; layers[2]: the output layer must have 3 nodes (one per class of shapes), got 10',
    );
    loadConfig(PRESETS[0].config);
    expect(state().config.layers).toEqual([144, ...hidden, 3]);

    datasetSelected(MNIST_DATASET);
    expect(state().config.layers).toEqual([784, ...hidden, 10]);
  });

  it('fits a typed network’s input shape and output units', () => {
    const cnn = parseConfig(
      JSON.stringify({
        layers: [
          { type: 'input', shape: [28, 28, 1] },
          { type: 'conv2d', filters: 4, kernel_size: 3, activation: 'ReLU' },
          { type: 'maxpool2d', pool_size: 2 },
          { type: 'dense', units: 10, activation: 'Softmax' },
        ],
      }),
    );
    loadConfig(cnn);
    datasetAdded(SHAPES);
    expect(state().config.stack?.input).toEqual([12, 12, 1]);
    expect(state().config.stack?.layers.at(-1)).toMatchObject({ type: 'dense', units: 3 });
  });

  it('keeps the active set, its config and its results when a dataset is refused', () => {
    datasetAdded(SHAPES);
    const before = state();
    datasetWorkStarted('adding');
    datasetFailed('Fashion was not added: t10k-labels-idx1-ubyte: 2 labels, but t10k-images-idx3-ubyte holds 3 images');
    expect(state().dataset).toBe(before.dataset);
    expect(state().config).toBe(before.config);
    expect(state().datasetWork).toBeNull();
    expect(state().datasetError).toBe('Fashion was not added: t10k-labels-idx1-ubyte: 2 labels, but t10k-images-idx3-ubyte holds 3 images');
  });
});

describe('runs follow the dataset', () => {
  it('records the dataset of a run on another set, names it, and compares only runs on the same set', async () => {
    const { runRecordStarted, toggleRunSelected } = await import('./runs-actions');
    const mnistA = runRecordStarted(state().config, 1);
    const mnistB = runRecordStarted(state().config, 2);
    datasetAdded(SHAPES);
    const shapes = runRecordStarted(state().config, 3);
    const run = state().runs.find((r) => r.id === shapes);
    expect(run?.dataset).toBe('shapes');
    expect(run?.name).toMatch(/^Run 3 · shapes · /);
    expect(state().runs.find((r) => r.id === mnistA)?.dataset).toBeUndefined();

    toggleRunSelected(mnistA);
    toggleRunSelected(mnistB);
    expect(state().selectedRunIds).toEqual([mnistA, mnistB]);
    // Ticking a run on another set starts a new comparison instead of mixing sets.
    toggleRunSelected(shapes);
    expect(state().selectedRunIds).toEqual([shapes]);
    toggleRunSelected(mnistA);
    expect(state().selectedRunIds).toEqual([mnistA]);
  });
});
