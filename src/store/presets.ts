/**
 * The editor's preset menu: the config files of src/presets/ (the CLI trains the same
 * files), each with a name and a line saying what to expect. The first is the page's default.
 */
import type { Config } from '../engine/config';
import { configFromJson } from '../formats/config-format';
import deeper from '../presets/deeper.json';
import fast from '../presets/fast.json';
import seed from '../presets/seed.json';

export interface Preset {
  name: string;
  description: string;
  config: Config;
}

export const PRESETS: readonly Preset[] = [
  {
    name: 'Fast (784-128-10 ReLU/Softmax, Adam)',
    description: 'About 97.3% test accuracy after 2 epochs and 97.9% after 5, a few seconds per epoch.',
    config: configFromJson(fast),
  },
  {
    name: 'Seed post (784-200-10 Sigmoid/Softmax)',
    description: 'The blog post’s network: one sample at a time, learning rate 0.01, momentum 0.9, 30 epochs.',
    config: configFromJson(seed),
  },
  {
    name: 'Deeper (784-256-128-10 ReLU/Softmax, Adam, dropout)',
    description: 'Two hidden layers with dropout: about 98.2% test accuracy after 10 epochs, slower per epoch.',
    config: configFromJson(deeper),
  },
];

export const DEFAULT_CONFIG: Config = PRESETS[0].config;
