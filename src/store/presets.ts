/** Ready-made configs for the editor's preset menu; the first is the page's default. */
import { SEED_CONFIG, type Config } from '../engine/config';

export interface Preset {
  name: string;
  description: string;
  config: Config;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'Fast (784-128-10 ReLU/Softmax, Adam)',
    description: 'About 97.3% test accuracy after 2 epochs and 97.9% after 5, a few seconds per epoch.',
    config: {
      layers: [784, 128, 10],
      activations: ['ReLU', 'Softmax'],
      optimizer: 'adam',
      learningRate: 0.002,
      momentum: 0.9,
      batchSize: 32,
      epochs: 5,
      l2: 0,
      dropout: 0,
      init: 'he',
      seed: 1,
      samples: 60_000,
    },
  },
  {
    name: 'Seed post (784-200-10 Sigmoid/Softmax)',
    description: 'The blog post’s network: one sample at a time, learning rate 0.01, momentum 0.9.',
    config: SEED_CONFIG,
  },
  {
    name: 'Deeper (784-256-128-10 ReLU/Softmax, Adam, dropout)',
    description: 'Two hidden layers with dropout: about 98.2% test accuracy after 10 epochs, slower per epoch.',
    config: {
      layers: [784, 256, 128, 10],
      activations: ['ReLU', 'ReLU', 'Softmax'],
      optimizer: 'adam',
      learningRate: 0.001,
      momentum: 0.9,
      batchSize: 64,
      epochs: 10,
      l2: 0,
      dropout: 0.2,
      init: 'he',
      seed: 1,
      samples: 60_000,
    },
  },
];

export const DEFAULT_CONFIG: Config = PRESETS[0].config;
