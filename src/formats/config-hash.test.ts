import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG, type Config } from '../engine/config.ts';
import { ConfigError, ioShapeOf, parseConfig } from './config-format.ts';
import { configFromHash, configToHash, DATASET_KEY, readDatasetMarker, shareHash } from './config-hash.ts';

describe('config in a URL hash', () => {
  it('writes every field readably and reads it back', () => {
    const config: Config = { ...SEED_CONFIG, layers: [784, 64, 32, 10], activations: ['ReLU', 'Tanh', 'Softmax'], validation: 5000, patience: 3, augment: { shift: 2, rotate: 7.5 } };
    const hash = configToHash(config);
    expect(hash).toBe(
      'layers=784,64,32,10&activations=ReLU,Tanh,Softmax&learning_rate=0.01&learning_rate_decay=1&momentum=0.9&adam_beta1=0.9&adam_beta2=0.999&epochs=30&optimizer=momentum&batch_size=1' +
        '&seed=1&l2=0&dropout=0&init=uniform&samples=60000&validation=5000&patience=3&augment=2,7.5',
    );
    expect(configFromHash(`#${hash}`)).toEqual(config);
    expect(configFromHash(configToHash(SEED_CONFIG))).toEqual(SEED_CONFIG);
  });

  it('round-trips any learning rate, sizes and seed', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 1e-8, max: 10, noNaN: true }),
        fc.array(fc.integer({ min: 1, max: 500 }), { maxLength: 3 }),
        fc.integer({ min: 0, max: 0xffff_ffff }),
        (learningRate, hidden, seed) => {
          const config: Config = { ...SEED_CONFIG, learningRate, seed, layers: [784, ...hidden, 10], activations: [...hidden.map(() => 'ReLU' as const), 'Softmax'] };
          expect(configFromHash(configToHash(config))).toEqual(config);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('a hash without a config is none; a short one takes the defaults of a config file', () => {
    expect(configFromHash('')).toBeNull();
    expect(configFromHash('#')).toBeNull();
    expect(configFromHash('#layers=784,200,10&activations=Sigmoid,Softmax&learning_rate=0.01&epochs=30')).toEqual(SEED_CONFIG);
  });

  it('a wrong link is refused with the field named', () => {
    expect(() => configFromHash('#layers=784,abc,10&activations=ReLU,Softmax&learning_rate=0.01&epochs=3')).toThrow(
      new ConfigError(['layers[1]: must be an integer from 1 to 100000, got "abc"']),
    );
    expect(() => configFromHash('#layers=784,10&activations=Softmax&learning_rate=0.01&epochs=3&colour=red')).toThrow(/unknown field "colour"/);
  });

  it('carries a CNN config: each typed layer as its type and values, read back to the same config', () => {
    const cnn = parseConfig(readFileSync(join(import.meta.dirname, '../presets/convnetjs.json'), 'utf8'));
    const hash = configToHash(cnn);
    expect(hash).toMatch(/^layers=input_28_28_1,conv2d_8_5_1_same_ReLU,maxpool2d_2_2,conv2d_16_5_1_same_ReLU,maxpool2d_3_3,dense_10_Softmax&learning_rate=0\.005&learning_rate_decay=0\.2&/);
    expect(hash).not.toContain('activations');
    expect(configFromHash(`#${hash}`)).toEqual(cnn);
    const flat = { ...cnn, stack: { input: [28, 28, 1] as const, layers: [{ type: 'flatten' as const }, { type: 'dense' as const, units: 10, activation: 'Softmax' as const }] } };
    expect(configFromHash(configToHash(flat))).toEqual(flat);
  });

  it('a wrong typed layer in a link is refused with the layer and field named', () => {
    expect(() => configFromHash('#layers=input_28_28_1,conv2d_8_40_1_same_ReLU,dense_10_Softmax')).toThrow(
      new ConfigError(['layers[1].kernel_size: must be an integer from 1 to 32, got 40']),
    );
    expect(() => configFromHash('#layers=input_28_28_1,maxpool2d_2_2_9,dense_10_Softmax')).toThrow(/^layers\[1\]: unknown field "field 3"/);
  });

  it('a link made on MNIST is the config alone; on another set it also names the set and its shape, which read back', () => {
    const config: Config = { ...SEED_CONFIG, layers: [196, 32, 3], activations: ['ReLU', 'Softmax'] };
    expect(shareHash(config, null)).toBe(`#${configToHash(config)}`);

    const record = { name: 'My_set & co #1', height: 14, width: 14, classNames: ['a', 'b', 'c'] };
    const params = new URLSearchParams(shareHash(config, record).slice(1));
    expect(readDatasetMarker(params.get(DATASET_KEY))).toEqual({ name: 'My_set & co #1', shape: { height: 14, width: 14, classes: 3 }, problem: null });
    params.delete(DATASET_KEY);
    expect(configFromHash(params.toString(), ioShapeOf(record))).toEqual(config);
  });

  it('a dataset marker without a valid shape still gives its name, no shape, and what is wrong with it', () => {
    expect(readDatasetMarker(null)).toBeNull();
    expect(readDatasetMarker('Digits_0_28_10')).toEqual({ name: 'Digits', shape: null, problem: 'its image height must be an integer from 1 to 4096, got 0' });
    expect(readDatasetMarker('Digits_28_28_2.5')).toEqual({ name: 'Digits', shape: null, problem: 'its class count must be an integer from 2 to 256, got 2.5' });
    expect(readDatasetMarker('Digits')).toEqual({ name: 'Digits', shape: null, problem: 'it has no shape (name_height_width_classes)' });
  });

  it('a dataset marker claiming more classes or larger images than a dataset can hold is refused before anything is sized by it', () => {
    for (const classes of ['4294967296', '1000000000', '100000000', '257', '1']) {
      expect(readDatasetMarker(`x_28_28_${classes}`)).toEqual({ name: 'x', shape: null, problem: `its class count must be an integer from 2 to 256, got ${classes}` });
    }
    expect(readDatasetMarker('x_4097_28_10')?.problem).toBe('its image height must be an integer from 1 to 4096, got 4097');
    expect(readDatasetMarker('x_28_1e9_10')?.problem).toBe('its image width must be an integer from 1 to 4096, got 1e9');
    expect(readDatasetMarker('x_4096_4096_256')).toEqual({ name: 'x', shape: { height: 4096, width: 4096, classes: 256 }, problem: null });
  });
});
