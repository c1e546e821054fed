import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, type Config, SEED_CONFIG } from '../engine/config.ts';
import { isDenseSpec } from '../engine/layer.ts';
import { metricsFromConfusion } from '../engine/metrics.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { jsonValue, mutatedJson, mutatedText } from '../testing/json-mutations.ts';
import { type LoadedModel, ModelError, parseModel, serializeModel } from './model-format.ts';

/** Everything Network.fromLayers and the UI rely on, checked on an accepted model. */
function expectValidModel(model: LoadedModel): void {
  const { config } = model;
  if (config.stack) {
    expect(model.layers.map((layer) => layer.type)).toEqual(config.stack.layers.map((layer) => layer.type));
    expect(Network.fromLayers(model.layers).predict(new Float32Array(784))).toHaveLength(10);
    return;
  }
  const layers = model.layers.filter(isDenseSpec);
  expect(layers).toHaveLength(model.layers.length);
  expect(layers).toHaveLength(config.layers.length - 1);
  expect(layers[0].inputs).toBe(784);
  expect(layers.at(-1)?.outputs).toBe(10);
  layers.forEach((layer, l) => {
    expect(Number.isInteger(layer.inputs) && layer.inputs > 0).toBe(true);
    expect(Number.isInteger(layer.outputs) && layer.outputs > 0).toBe(true);
    expect([layer.inputs, layer.outputs]).toEqual([config.layers[l], config.layers[l + 1]]);
    expect(ACTIVATIONS).toContain(layer.activation);
    expect(layer.activation).toBe(config.activations[l]);
    expect(layer.weights).toBeInstanceOf(Float32Array);
    expect(layer.weights).toHaveLength(layer.inputs * layer.outputs);
    expect(layer.biases).toHaveLength(layer.outputs);
    expect(layer.weights.every(Number.isFinite) && layer.biases.every(Number.isFinite)).toBe(true);
  });
  if (model.metrics) {
    expect(model.metrics.confusion).toHaveLength(10);
    expect(model.metrics.correct).toBeLessThanOrEqual(model.metrics.total);
  }
  expect(Network.fromLayers(layers).predict(new Float32Array(784))).toHaveLength(10);
}

function accepts(text: string): boolean {
  let model: LoadedModel;
  try {
    model = parseModel(text);
  } catch (error) {
    expect(error).toBeInstanceOf(ModelError);
    expect((error as Error).message.length).toBeGreaterThan(0);
    return false;
  }
  expectValidModel(model);
  return true;
}

// Small networks keep each generated file a few kilobytes.
const config: Config = { ...SEED_CONFIG, layers: [784, 3, 10], activations: ['ReLU', 'Softmax'] };
const network = Network.create(config.layers, config.activations, 'xavier', createRng(5));
const confusion = Array.from({ length: 10 }, (_, a) => Array.from({ length: 10 }, (_, p) => (a === p ? 90 : 1)));
const ours = JSON.parse(serializeModel({ config, layers: network.toLayerSpecs(), metrics: metricsFromConfusion(confusion) })) as unknown;

const cnnConfig: Config = {
  ...SEED_CONFIG,
  layers: [784, 10],
  activations: ['Softmax'],
  stack: {
    input: [28, 28, 1],
    layers: [
      { type: 'conv2d', filters: 2, kernelSize: 3, stride: 2, padding: 'valid', activation: 'ReLU' },
      { type: 'maxpool2d', poolSize: 3, stride: 3 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ],
  },
};
const cnn = JSON.parse(serializeModel({ config: cnnConfig, layers: Network.forConfig(cnnConfig, createRng(6)).toLayerSpecs(), metrics: null })) as unknown;

const rng = createRng(8);
const matrix = (rows: number, cols: number) => ({ rows, cols, data: Array.from({ length: rows * cols }, () => rng.next() - 0.5) });
const rust = { layers: [784, 2, 10], weights: [matrix(2, 785), matrix(10, 3)], activation_types: ['Sigmoid', 'Softmax'], learning_rate: 0.1, momentum: 0.9 };

describe('model parser properties', () => {
  it('the unmutated files are accepted', () => {
    expect(accepts(JSON.stringify(ours))).toBe(true);
    expect(accepts(JSON.stringify(cnn))).toBe(true);
    expect(accepts(JSON.stringify(rust))).toBe(true);
  });

  it('any JSON value or text: a valid model or a ModelError', () => {
    fc.assert(fc.property(jsonValue, (value) => void accepts(JSON.stringify(value) ?? 'null')), { numRuns: 300 });
    fc.assert(fc.property(fc.string(), (text) => void accepts(text)), { numRuns: 200 });
  });

  it.each([
    ['our', ours],
    ['our CNN', cnn],
    ['a neural-net-rs', rust],
  ])('mutations of %s model file: a valid model or a ModelError', (_, base) => {
    fc.assert(fc.property(mutatedJson(base), (value) => void accepts(JSON.stringify(value) ?? 'null')), { numRuns: 300 });
    fc.assert(fc.property(mutatedText(JSON.stringify(base)), (text) => void accepts(text)), { numRuns: 100 });
  });
});
