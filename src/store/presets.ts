/**
 * The editor's preset menu: the config files of src/presets/ (the CLI trains the same
 * files), each with a name and a line saying what to expect. The first is the page's default.
 */
import type { Config } from '../engine/config';
import { configFromJson } from '../formats/config-format';
import best from '../presets/best.json';
import cnn99 from '../presets/cnn-99.json';
import cnn995 from '../presets/cnn-995.json';
import cnnFast from '../presets/cnn-fast.json';
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
    name: 'Fast',
    description: '784-128-10 ReLU/Softmax, Adam. A good first run: about 97.7% test accuracy after 5 epochs, in well under a minute.',
    config: configFromJson(fast),
  },
  {
    name: 'Seed post',
    description:
      'The blog post’s network, 784-200-10 Sigmoid/Softmax: one sample at a time, learning rate 0.01, momentum 0.9, 30 epochs. ' +
      'About 98.3% test accuracy while training accuracy reaches 100%: it overfits. Takes several minutes.',
    config: configFromJson(seed),
  },
  {
    name: 'Deeper',
    description: '784-256-128-10 ReLU/Softmax, Adam: two hidden layers with dropout: about 98.2% test accuracy after 10 epochs, slower per epoch.',
    config: configFromJson(deeper),
  },
  {
    name: 'Best MLP',
    description:
      'LeCun’s classic 784-800-10 (ReLU, Adam) with dropout 0.2 and shifted, rotated images: about 98.6% test accuracy after ' +
      '16 epochs, beating the 98.4% of the original. Takes a few minutes.',
    config: configFromJson(best),
  },
  {
    name: 'CNN (fast)',
    description:
      'A small convolutional network: two 5×5 convolution layers (8 and 16 filters), each followed by max pooling, ' +
      'then 128 ReLU units and the 10 outputs, with a learning rate that halves every epoch. About 99.1% test accuracy ' +
      'after 3 epochs, past every MLP here, in about a minute (15–20 s an epoch on a laptop).',
    config: configFromJson(cnnFast),
  },
  {
    name: 'CNN (99% fast)',
    description:
      'Aimed at 99% in a single epoch: 5×5 and 3×3 convolutions (24 filters each), each followed by max pooling and ' +
      'batch normalisation, then 256 ReLU units, Adam (β1 0.7, β2 0.9) at batch size 128, the rate falling twentyfold ' +
      'over the epoch: about 99.1% test accuracy (99.00–99.21% over ten seeds, on one core or two).',
    config: configFromJson(cnn99),
  },
  {
    name: 'CNN (best)',
    description:
      '5×5 and 3×3 convolutions (24 and 32 filters) with batch normalisation, as in CNN (99% fast), on shifted and rotated ' +
      'images for 12 epochs, the rate falling 30% an epoch: about 99.5% ' +
      'test accuracy (99.47–99.51% over three seeds). Takes a few minutes.',
    config: configFromJson(cnn995),
  },
];

export const DEFAULT_CONFIG: Config = PRESETS[0].config;
