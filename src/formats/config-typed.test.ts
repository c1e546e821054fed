import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SEED_CONFIG } from '../engine/config.ts';
import { ConfigError, checkConfig, parseConfig, serializeConfig } from './config-format.ts';

/** The JSON of issue 11: ConvNetJS's MNIST network. */
const convnetjs = {
  layers: [
    { type: 'input', shape: [28, 28, 1] },
    { type: 'conv2d', filters: 8, kernel_size: 5, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', pool_size: 2 },
    { type: 'conv2d', filters: 16, kernel_size: 5, padding: 'same', activation: 'ReLU' },
    { type: 'maxpool2d', pool_size: 3 },
    { type: 'dense', units: 10, activation: 'Softmax' },
  ],
  optimizer: 'adam',
  learning_rate: 0.001,
  batch_size: 32,
  epochs: 1,
};

const input = convnetjs.layers[0];
const output = convnetjs.layers[5];
const withLayers = (...layers: object[]) => ({ ...convnetjs, layers: [input, ...layers, output] });

function problemWith(value: object): string {
  try {
    parseConfig(JSON.stringify(value));
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error('the config was accepted');
}

describe('parseConfig: typed layers', () => {
  it("reads issue 11's ConvNetJS network, with stride and padding defaults, the rest as the seed's", () => {
    const config = parseConfig(JSON.stringify(convnetjs));
    expect(config.stack).toEqual({
      input: [28, 28, 1],
      layers: [
        { type: 'conv2d', filters: 8, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', poolSize: 2, stride: 2 },
        { type: 'conv2d', filters: 16, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', poolSize: 3, stride: 3 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
    });
    expect(config).toMatchObject({ layers: [784, 10], activations: ['Softmax'], optimizer: 'adam', learningRate: 0.001, batchSize: 32, epochs: 1, init: SEED_CONFIG.init });
  });

  it('takes "valid" padding by default, an explicit flatten, lower-case names and a hidden dense layer', () => {
    const config = parseConfig(
      JSON.stringify(
        withLayers({ type: 'conv2d', filters: 4, kernel_size: 3, stride: 2, activation: 'relu' }, { type: 'flatten' }, { type: 'dense', units: 32, activation: 'tanh' }),
      ),
    );
    expect(config.stack?.layers).toEqual([
      { type: 'conv2d', filters: 4, kernelSize: 3, stride: 2, padding: 'valid', activation: 'ReLU' },
      { type: 'flatten' },
      { type: 'dense', units: 32, activation: 'Tanh' },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ]);
  });

  it('writes every field out and reads back the same config', () => {
    const config = parseConfig(JSON.stringify(convnetjs));
    const text = serializeConfig(config);
    expect(text).toContain('{"type": "maxpool2d", "pool_size": 2, "stride": 2}');
    expect(text).not.toContain('activations');
    expect(parseConfig(text)).toEqual(config);
  });

  it('src/presets/convnetjs.json is the network of issue 11 with He init, trained with momentum 0.9, lr 0.005 falling 5× over the epoch, batch 4 (98.60% after one epoch)', () => {
    const preset = parseConfig(readFileSync(join(import.meta.dirname, '../presets/convnetjs.json'), 'utf8'));
    expect(preset).toEqual({ ...parseConfig(JSON.stringify(convnetjs)), init: 'he', optimizer: 'momentum', learningRate: 0.005, learningRateDecay: 0.2, momentum: 0.9, batchSize: 4 });
  });

  it('leaves the dense dialects without a stack', () => {
    expect(parseConfig('{"layers":[784,200,10],"activations":["Sigmoid","Softmax"],"learning_rate":0.01,"epochs":30}').stack).toBeUndefined();
    expect(parseConfig('{"layers":[{"nodes":784,"activation":"Sigmoid"},{"nodes":10}]}').stack).toBeUndefined();
  });
});

describe('parseConfig: typed layers are refused naming the layer and field', () => {
  it('a kernel or a pool larger than what reaches it, following the shape through the stack', () => {
    const pooled = { type: 'maxpool2d', pool_size: 8 }; // 28×28 → 3×3
    expect(problemWith(withLayers(pooled, { type: 'conv2d', filters: 4, kernel_size: 7, activation: 'ReLU' }))).toBe(
      'layers[2].kernel_size: 7 is larger than its 3×3 input',
    );
    expect(problemWith(withLayers(pooled, { type: 'maxpool2d', pool_size: 4 }))).toBe('layers[2].pool_size: 4 is larger than its 3×3 input');
    expect(problemWith(withLayers({ type: 'dense', units: 20, activation: 'ReLU' }, { type: 'conv2d', filters: 2, kernel_size: 3, activation: 'ReLU' }))).toBe(
      'layers[2].kernel_size: 3 is larger than its 1×1 input',
    );
  });

  it('an output layer that is not a dense layer of 10 units', () => {
    expect(problemWith({ ...convnetjs, layers: convnetjs.layers.slice(0, 5) })).toBe(
      'layers[4]: the output layer must be a dense layer of 10 units (one per digit), got a maxpool2d layer giving 4×4×16',
    );
    expect(problemWith({ ...convnetjs, layers: [input, { type: 'dense', units: 12, activation: 'Softmax' }] })).toBe(
      'layers[1].units: the output layer must have 10 units (one per digit), got 12',
    );
  });

  it('an input that is not the images’ shape, or not first', () => {
    expect(problemWith({ ...convnetjs, layers: [{ type: 'input', shape: [28, 28, 3] }, output] })).toBe(
      'layers[0].shape: the input must be 28×28×1 (28×28 pixels), got 28×28×3',
    );
    expect(problemWith({ ...convnetjs, layers: [{ type: 'input', shape: [28, 28] }, output] })).toMatch(/^layers\[0\]\.shape: must be \[height, width, channels\]/);
    expect(problemWith({ ...convnetjs, layers: convnetjs.layers.slice(1) })).toBe(
      'layers[0]: the first layer must be {"type": "input", "shape": [28, 28, 1]}, got a conv2d layer',
    );
    expect(problemWith(withLayers(input))).toBe('layers[1].type: "input" is only allowed as the first layer');
  });

  it('batch normalisation with batches of one sample', () => {
    expect(problemWith({ ...withLayers({ type: 'conv2d', filters: 4, kernel_size: 3, activation: 'ReLU' }, { type: 'batchnorm' }), batch_size: 1 })).toBe(
      "batch_size: layers[2] (batch norm) trains on each batch's statistics, so batches need 2 samples or more, got 1",
    );
    expect(() => parseConfig(JSON.stringify({ ...withLayers({ type: 'batchnorm' }), batch_size: 2 }))).not.toThrow();
  });

  it('fields missing, out of range, unknown, or of an unknown type', () => {
    expect(problemWith(withLayers({ type: 'conv2d', kernel_size: 0, activation: 'ReLU' }))).toBe(
      'layers[1].filters: missing; a conv2d layer needs it (an integer from 1 to 1024); layers[1].kernel_size: must be an integer from 1 to 32, got 0',
    );
    expect(problemWith(withLayers({ type: 'conv2d', filters: 4, kernel_size: 3, padding: 'full', activation: 'ReLU' }))).toBe(
      'layers[1].padding: must be one of "same", "valid", got "full"',
    );
    expect(problemWith(withLayers({ type: 'maxpool2d', pool_size: 2, size: 2 }))).toBe(
      'layers[1]: unknown field "size"; a maxpool2d layer\'s fields: pool_size, stride',
    );
    expect(problemWith(withLayers({ type: 'conv' }))).toBe('layers[1].type: unknown layer type "conv"; known: "input", "conv2d", "maxpool2d", "avgpool2d", "batchnorm", "flatten", "dense"');
  });

  it('Softmax before the output, and "activations" beside typed layers', () => {
    expect(problemWith(withLayers({ type: 'conv2d', filters: 4, kernel_size: 3, activation: 'Softmax' }))).toBe(
      'layers[1].activation: Softmax is only allowed on the output layer',
    );
    expect(problemWith({ ...convnetjs, activations: ['ReLU'] })).toMatch(/^unknown field "activations"/);
  });

  it('a network too large for memory, with its estimate', () => {
    const wide = { type: 'conv2d', filters: 1024, kernel_size: 3, padding: 'same', activation: 'ReLU' };
    expect(problemWith(withLayers(wide, wide))).toMatch(/^layers: network too large: training this network with batch size 32 needs about \d+\.\d GB of memory/);
  });
});

describe('checkConfig: a typed config changed in code', () => {
  const config = parseConfig(JSON.stringify(convnetjs));

  it('keeps the stack and checks the scalar fields as for a file', () => {
    expect(checkConfig({ ...config, batchSize: 64 })).toEqual({ ...config, batchSize: 64 });
    expect(() => checkConfig({ ...config, batchSize: 0 })).toThrow(/^batch_size: must be an integer from 1 to 60000, got 0$/);
  });

  it('checks the stack as a file does', () => {
    const [, ...rest] = config.stack?.layers ?? [];
    const broken = { ...config, stack: { input: [28, 28, 1] as const, layers: [{ type: 'maxpool2d' as const, poolSize: 30, stride: 2 }, ...rest] } };
    expect(() => checkConfig(broken)).toThrow(/^layers\[1\]\.pool_size: 30 is larger than its 28×28 input$/);
  });
});
