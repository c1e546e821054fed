import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { parseConfig } from './config-format.ts';
import { ModelError, parseModel, serializeModel } from './model-format.ts';

const config = parseConfig(readFileSync(join(import.meta.dirname, '../presets/convnetjs.json'), 'utf8'));
const network = Network.forConfig(config, createRng(4));
const text = serializeModel({ config, layers: network.toLayerSpecs(), metrics: null }, '2026-11-28T11:00:00.000Z');

interface TypedJson {
  version: number;
  layers: Record<string, unknown>[];
}

function modelError(change: (json: TypedJson) => void): string {
  const json = JSON.parse(text) as TypedJson;
  change(json);
  try {
    parseModel(JSON.stringify(json));
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    return (error as Error).message;
  }
  throw new Error('the model was accepted');
}

describe('a model file with typed layers (version 2)', () => {
  it('writes each layer with its type, input shape and parameters', () => {
    const json = JSON.parse(text) as TypedJson;
    expect(json.version).toBe(2);
    const headers = json.layers.map(({ weights, biases, ...header }) => ({ ...header, weights: (weights as unknown[] | undefined)?.length, biases: (biases as unknown[] | undefined)?.length }));
    expect(headers).toEqual([
      { type: 'conv2d', input_shape: [28, 28, 1], filters: 8, kernel_size: 5, stride: 1, padding: 'same', activation: 'ReLU', weights: 200, biases: 8 },
      { type: 'maxpool2d', input_shape: [28, 28, 8], pool_size: 2, stride: 2 },
      { type: 'conv2d', input_shape: [14, 14, 8], filters: 16, kernel_size: 5, stride: 1, padding: 'same', activation: 'ReLU', weights: 3200, biases: 16 },
      { type: 'maxpool2d', input_shape: [14, 14, 16], pool_size: 3, stride: 3 },
      { type: 'dense', inputs: 256, outputs: 10, activation: 'Softmax', weights: 2560, biases: 10 },
    ]);
  });

  it('save → load gives the same config, parameters and predictions', () => {
    const loaded = parseModel(text);
    expect(loaded.config).toEqual(config);
    const restored = Network.fromLayers(loaded.layers);
    expect(restored.toLayerSpecs()).toEqual(network.toLayerSpecs());
    const rng = createRng(9);
    for (let n = 0; n < 10; n++) {
      const image = Float32Array.from({ length: 784 }, () => (rng.next() < 0.8 ? 0 : rng.next()));
      expect(restored.predict(image)).toEqual(network.predict(image));
    }
  });

  it('refuses weights or biases that do not fit the declared shape, naming the layer and both shapes', () => {
    expect(modelError((json) => (json.layers[2].weights as unknown[]).pop())).toBe(
      'layers[2].weights: has 3199 values but its declared shape 16×5×5×8 (filters × kernel × kernel × channels) needs 3200',
    );
    expect(modelError((json) => (json.layers[4].biases as unknown[]).push(0))).toBe(
      'layers[4].biases: has 11 values but its declared shape 10×256 (outputs × inputs) needs 10',
    );
    expect(modelError((json) => (json.layers[1].weights = [1]))).toBe('layers[1]: a maxpool2d layer has no weights or biases');
  });

  it('refuses a layer that is not the one the config gives, naming both', () => {
    expect(modelError((json) => (json.layers[0].kernel_size = 3))).toBe(
      'layers[0]: is {"type":"conv2d","input_shape":[28,28,1],"filters":8,"kernel_size":3,"stride":1,"padding":"same","activation":"ReLU"} ' +
        'but the config\'s layers give {"type":"conv2d","input_shape":[28,28,1],"filters":8,"kernel_size":5,"stride":1,"padding":"same","activation":"ReLU"}',
    );
    expect(modelError((json) => json.layers.splice(1, 1))).toBe('layers: the config has 5 layers after the input but the model has 4');
  });

  it('refuses to save layers that are not the config’s', () => {
    const other = Network.build([28, 28, 1], [{ type: 'flatten' }, { type: 'dense', units: 10, activation: 'Softmax' }], 'he', createRng(1));
    expect(() => serializeModel({ config, layers: other.toLayerSpecs(), metrics: null })).toThrow(/^layers: the config has 5 layers after the input but the model has 2$/);
  });
});
