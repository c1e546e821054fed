import { describe, expect, it } from 'vitest';
import { ACTIVATIONS } from '../engine/config.ts';
import { ACTIVATION_EXPORTS, LAYER_EXPORTS, LAYER_KINDS } from './registry.ts';

// A new layer type or activation in the engine must come with its exports.
describe('export registry', () => {
  it.each(ACTIVATIONS)('exports activation %s to ONNX, PyTorch and TF.js', (activation) => {
    const entry = ACTIVATION_EXPORTS[activation];
    expect(entry, `no exporter for activation ${activation}`).toBeDefined();
    expect(entry.torch).toMatch(/x/);
    expect(entry.tfjs).toBeDefined();
    if (activation !== 'Linear') expect(entry.onnx?.opType).toMatch(/^[A-Z]\w+$/);
  });

  it('has no entries for activations the engine does not have', () => {
    expect(Object.keys(ACTIVATION_EXPORTS).sort()).toEqual([...ACTIVATIONS].sort());
  });

  it.each(LAYER_KINDS)('exports layer type %s to ONNX, PyTorch and TF.js', (kind) => {
    const entry = LAYER_EXPORTS[kind];
    expect(Object.keys(entry).sort()).toEqual(['onnx', 'tfjs', 'torch']);
  });

  it('knows every layer type the engine has', () => {
    // The engine's layers are Dense only until convolution and pooling arrive.
    expect([...LAYER_KINDS]).toEqual(['dense']);
  });

  it('dense layers keep our [outputs, inputs] weights for ONNX and PyTorch and transpose them for Keras', () => {
    const spec = { inputs: 3, outputs: 2, activation: 'ReLU' as const, weights: Float32Array.of(1, 2, 3, 4, 5, 6), biases: Float32Array.of(7, 8) };
    expect(LAYER_EXPORTS.dense.onnx(spec, 'd').parameters[0]).toMatchObject({ shape: [2, 3], values: spec.weights });
    expect(LAYER_EXPORTS.dense.torch(spec).parameters[0]).toMatchObject({ shape: [2, 3], values: spec.weights });
    const kernel = LAYER_EXPORTS.dense.tfjs(spec, 'd').weights[0];
    expect(kernel.shape).toEqual([3, 2]);
    expect([...kernel.values]).toEqual([1, 4, 2, 5, 3, 6]);
  });
});
