import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { Network } from '../engine/network.ts';
import { ModelError } from '../formats/model-format.ts';
import { exportOnnx } from './onnx.ts';
import { importOnnx } from './onnx-import.ts';
import { projectPython, runPythonScript, temporaryFolder } from '../testing/python-env.ts';
import { mnistTest, outputsOn, TEST_CONFIGS, trainQuick, unflattenedCnn } from '../testing/export-models.ts';

const { onnx } = onnxProto;

function maxDifference(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

function sameClassFraction(a: Float32Array, b: Float32Array, classes: number): number {
  let same = 0;
  const rows = a.length / classes;
  const argmax = (v: Float32Array, r: number) => {
    let best = 0;
    for (let k = 1; k < classes; k++) if (v[r * classes + k] > v[r * classes + best]) best = k;
    return best;
  };
  for (let r = 0; r < rows; r++) if (argmax(a, r) === argmax(b, r)) same++;
  return same / rows;
}

describe('ONNX import', () => {
  it.each(Object.keys(TEST_CONFIGS))('reads back our own %s export, which predicts identically', (name) => {
    const model = trainQuick(TEST_CONFIGS[name]);
    const imported = importOnnx(exportOnnx(model));
    expect(imported.producer).toBe('mnist-playground');
    expect(imported.config.layers).toEqual(model.config.layers);
    expect(imported.config.activations).toEqual(model.config.activations);
    expect(imported.config.stack).toEqual(model.config.stack);
    imported.layers.forEach((layer, l) => {
      const original = model.layers[l];
      expect(layer.type ?? 'dense').toBe(original.type ?? 'dense');
      if ('weights' in layer && 'weights' in original) {
        expect(layer.weights).toEqual(original.weights);
        expect(layer.biases).toEqual(original.biases);
      }
      if (layer.type === 'batchnorm' && original.type === 'batchnorm') {
        expect(layer.runningMean).toEqual(original.runningMean);
        expect(layer.runningVariance).toEqual(original.runningVariance);
      }
    });
    const test = mnistTest();
    expect(outputsOn(Network.fromLayers(imported.layers), test)).toEqual(outputsOn(model.network, test));
  });

  it('refuses a graph with operators we lack, naming them', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        node: [
          { opType: 'InstanceNormalization', input: ['x', 'w'], output: ['c'] },
          { opType: 'GlobalAveragePool', input: ['c'], output: ['p'] },
          { opType: 'Relu', input: ['p'], output: ['y'] },
        ],
        input: [{ name: 'x' }],
        output: [{ name: 'y' }],
      },
    }).finish();
    expect(() => importOnnx(bytes)).toThrow(ModelError);
    expect(() => importOnnx(bytes)).toThrow(/operators the playground does not have: InstanceNormalization, GlobalAveragePool/);
  });

  it('reads a dense layer on a map as a flatten then the dense layer, which predicts identically', () => {
    const model = unflattenedCnn();
    const imported = importOnnx(exportOnnx(model));
    expect(imported.layers.map((layer) => layer.type ?? 'dense')).toEqual(['conv2d', 'maxpool2d', 'avgpool2d', 'flatten', 'dense']);
    const test = mnistTest();
    expect(outputsOn(Network.fromLayers(imported.layers), test)).toEqual(outputsOn(model.network, test));
  });

  it('refuses a map flattened channels-first, whose values would come in another order than ours', () => {
    const graph = onnx.ModelProto.decode(exportOnnx(unflattenedCnn())).graph as Onnx.IGraphProto;
    const nodes = graph.node ?? [];
    const back = nodes.findIndex((node) => node.opType === 'Transpose' && node !== nodes.find((n) => n.opType === 'Transpose'));
    nodes[back + 1].input = nodes[back].input;
    nodes.splice(back, 1);
    const bytes = onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ version: 13 }], graph }).finish();
    expect(() => importOnnx(bytes)).toThrow(/Flatten of a channels-first map; the playground flattens maps channels-last/);
  });

  it('refuses bytes that are not ONNX', () => {
    expect(() => importOnnx(new TextEncoder().encode('{"format": "mnist-playground-model"}'))).toThrow(ModelError);
  });
});

const python = projectPython();

describe('ONNX import of a PyTorch MLP exported with torch.onnx.export', () => {
  it('loads Flatten/Gemm/ReLU/Tanh/Sigmoid/Softmax and predicts as PyTorch does', () => {
    const folder = temporaryFolder('torch-onnx-');
    runPythonScript(python, 'torch_mlp_to_onnx.py', ['--mnist', mnistDataDir(), '--out', folder]);
    const imported = importOnnx(readFileSync(join(folder, 'torch-mlp.onnx')));
    expect(imported.producer).toBe('pytorch');
    expect(imported.config.layers).toEqual([784, 64, 32, 16, 10]);
    expect(imported.config.activations).toEqual(['ReLU', 'Tanh', 'Sigmoid', 'Softmax']);

    const raw = readFileSync(join(folder, 'torch-outputs.f32'));
    const theirs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const ours = outputsOn(Network.fromLayers(imported.layers), mnistTest());
    expect(sameClassFraction(ours, theirs, 10)).toBeGreaterThanOrEqual(0.999);
    expect(maxDifference(ours, theirs)).toBeLessThanOrEqual(1e-4);
  });
});
