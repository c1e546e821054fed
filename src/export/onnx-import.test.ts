import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { type DenseSpec, isDenseSpec } from '../engine/layer.ts';
import { Network } from '../engine/network.ts';
import { ModelError } from '../formats/model-format.ts';
import { exportOnnx } from './onnx.ts';
import { importOnnx } from './onnx-import.ts';
import { projectPython, PythonSession, temporaryFolder } from '../testing/python-env.ts';
import { mnistTest, outputsOn, TEST_CONFIGS, trainQuick, unflattenedCnn } from '../testing/export-models.ts';
import { firstSamples } from '../engine/dataset.ts';

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

  it('refuses a graph with operators we lack, naming them and the first node of each', () => {
    const bytes = onnx.ModelProto.encode({
      irVersion: 7,
      opsetImport: [{ version: 13 }],
      graph: {
        node: [
          { opType: 'LRN', name: '/0/LRN', input: ['x'], output: ['c'] },
          { opType: 'GlobalAveragePool', input: ['c'], output: ['p'] },
          { opType: 'LRN', name: '/2/LRN', input: ['p'], output: ['y'] },
        ],
        input: [{ name: 'x' }],
        output: [{ name: 'y' }],
      },
    }).finish();
    expect(() => importOnnx(bytes)).toThrow(ModelError);
    expect(() => importOnnx(bytes)).toThrow(/operators the playground does not have: LRN \(node \/0\/LRN\), GlobalAveragePool \(/);
  });

  it('reads a dense layer on a map as a flatten then the dense layer, which predicts identically', () => {
    const model = unflattenedCnn();
    const imported = importOnnx(exportOnnx(model));
    expect(imported.layers.map((layer) => layer.type ?? 'dense')).toEqual(['conv2d', 'maxpool2d', 'avgpool2d', 'flatten', 'dense']);
    const test = mnistTest();
    expect(outputsOn(Network.fromLayers(imported.layers), test)).toEqual(outputsOn(model.network, test));
  });

  it('reads a map flattened channels-first, as PyTorch flattens, by moving the dense layer\'s columns to our channels-last order', () => {
    const model = unflattenedCnn();
    const graph = onnx.ModelProto.decode(exportOnnx(model)).graph as Onnx.IGraphProto;
    const nodes = graph.node ?? [];
    const back = nodes.findIndex((node) => node.opType === 'Transpose' && node !== nodes.find((n) => n.opType === 'Transpose'));
    nodes[back + 1].input = nodes[back].input;
    nodes.splice(back, 1);
    const imported = importOnnx(onnx.ModelProto.encode({ irVersion: 7, opsetImport: [{ version: 13 }], graph }).finish());
    const [flatten, dense] = imported.layers.slice(-2);
    const written = model.layers[model.layers.length - 1] as DenseSpec;
    if (flatten.type !== 'flatten' || !isDenseSpec(dense)) throw new Error('expected a flatten and a dense layer last');
    // The graph's column c·(h·w) + p now reads the value our flatten puts at p·channels + c.
    const [height, width, channels] = flatten.inputShape;
    const positions = height * width;
    expect(channels).toBeGreaterThan(1);
    for (let o = 0; o < dense.outputs; o++)
      for (let c = 0; c < channels; c++)
        for (let p = 0; p < positions; p++) expect(dense.weights[o * dense.inputs + p * channels + c]).toBe(written.weights[o * dense.inputs + c * positions + p]);
  });

  it('refuses bytes that are not ONNX', () => {
    expect(() => importOnnx(new TextEncoder().encode('{"format": "mnist-playground-model"}'))).toThrow(ModelError);
  });
});

/** One Python for both scripts below: importing torch, onnx and onnxruntime costs seconds each time. */
const python = new PythonSession(projectPython());
afterAll(() => python.close());

describe('ONNX import of a PyTorch MLP exported with torch.onnx.export', () => {
  it('loads Flatten/Gemm/ReLU/Tanh/Sigmoid/Softmax and predicts as PyTorch does', async () => {
    const folder = temporaryFolder('torch-onnx-');
    await python.run('torch_mlp_to_onnx.py', ['--mnist', mnistDataDir(), '--out', folder]);
    const imported = importOnnx(readFileSync(join(folder, 'torch-mlp.onnx')));
    expect(imported.producer).toBe('pytorch');
    expect(imported.config.layers).toEqual([784, 64, 32, 16, 10]);
    expect(imported.config.activations).toEqual(['ReLU', 'Tanh', 'Sigmoid', 'Softmax']);

    const raw = readFileSync(join(folder, 'torch-outputs.f32'));
    const theirs = new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
    const ours = outputsOn(Network.fromLayers(imported.layers), mnistTest());
    expect(sameClassFraction(ours, theirs, 10)).toBeGreaterThanOrEqual(0.999);
    expect(maxDifference(ours, theirs)).toBeLessThanOrEqual(1e-4);
    // PyTorch trains 300 batches first: seconds alone, minutes on a loaded 2-core machine.
  }, 300_000);
});

/** A float32 file of scripts/python as values. */
function floats(path: string): Float32Array {
  const raw = readFileSync(path);
  return new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength));
}

describe('ONNX import of CNNs as PyTorch and tf2onnx write them', () => {
  const images = 1000;
  let folder = '';
  beforeAll(async () => {
    folder = temporaryFolder('torch-cnn-');
    await python.run('torch_cnn_to_onnx.py', ['--mnist', mnistDataDir(), '--out', folder, '--variant', 'small', '--images', String(images)]);
  }, 300_000);

  // BatchNormalization after each Conv and after the first Gemm/MatMul, a LeakyReLU after a max pool of 3 with
  // stride 2, a 'valid' convolution, an average pool, Flatten of a map of 6 channels; flat.onnx's exporter folded
  // the 2-D batch normalisations into the Conv itself.
  it.each([
    { file: 'nchw', what: 'torch.onnx.export, NCHW input, Gemm', folded: 3 },
    { file: 'flat', what: 'torch.onnx.export, [N, 784] input reshaped inside', folded: 1 },
    { file: 'nhwc', what: 'the tf2onnx layout, NHWC input, Transpose, Reshape, MatMul + Add, Gemm without transB', folded: 3 },
  ])('$what: loads, folds $folded batch normalisations, and computes what onnxruntime computes', ({ file, folded }) => {
    const imported = importOnnx(readFileSync(join(folder, `${file}.onnx`)));
    expect(imported.layers.map((layer) => layer.type ?? 'dense')).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'avgpool2d', 'flatten', 'dense', 'dense']);
    expect(imported.config.stack?.input).toEqual([28, 28, 1]);
    expect(imported.foldedBatchNorms).toBe(folded);
    expect(imported.layers.map((layer) => ('activation' in layer ? layer.activation : null))).toEqual(['LeakyReLU', null, 'Tanh', null, null, 'Sigmoid', 'Softmax']);
    const ours = outputsOn(Network.fromLayers(imported.layers), firstSamples(mnistTest(), images));
    const theirs = floats(join(folder, `${file}.ort.f32`));
    expect(sameClassFraction(ours, theirs, 10)).toBe(1);
    expect(maxDifference(ours, theirs)).toBeLessThanOrEqual(1e-5);
  });

  /** One of the files, changed by `change`, as bytes. */
  const changed = (file: string, change: (nodes: Onnx.INodeProto[]) => void): Uint8Array => {
    const model = onnx.ModelProto.decode(readFileSync(join(folder, `${file}.onnx`)));
    change(model.graph?.node ?? []);
    return onnx.ModelProto.encode(model).finish();
  };

  it.each([
    {
      what: 'a Conv on the NHWC input, without the Transpose to NCHW',
      bytes: () => changed('nhwc', (nodes) => {
        nodes[1].input = [nodes[0].input?.[0] ?? '', ...(nodes[1].input ?? []).slice(1)];
        nodes.splice(0, 1);
      }),
      message: /ONNX node conv_1: Conv on a channels-last map \(ONNX convolves channels-first: Transpose with perm \[0, 3, 1, 2\] first\)/,
    },
    {
      what: 'a stride-2 Conv padded on both sides, as PyTorch pads it, which reads other pixels than our \'same\'',
      bytes: () => changed('nchw', (nodes) => {
        const strides = nodes[0].attribute?.find((a) => a.name === 'strides');
        if (strides) strides.ints = [2, 2];
      }),
      message: /ONNX node \/0\/Conv: pads \[1, 1, 1, 1\] are neither 'valid' nor 'same'/,
    },
    {
      what: 'a Transpose that is not between NCHW and NHWC',
      bytes: () => changed('nhwc', (nodes) => {
        const perm = nodes.find((node) => node.opType === 'Transpose' && node !== nodes[0])?.attribute?.[0];
        if (perm) perm.ints = [0, 1, 3, 2];
      }),
      message: /ONNX node transpose_\d+: Transpose with perm \[0, 1, 3, 2\] is not a move between channels-last and channels-first maps/,
    },
  ])('refuses $what, naming the node and operator', ({ bytes, message }) => {
    expect(() => importOnnx(bytes())).toThrow(message);
  });

  it('reads a Reshape to [1, values], as a model exported for one image at a time flattens, as a flatten', () => {
    const model = onnx.ModelProto.decode(readFileSync(join(folder, 'nhwc.onnx')));
    const target = model.graph?.initializer?.find((tensor) => tensor.dataType === onnx.TensorProto.DataType.INT64);
    if (!target) throw new Error('the NHWC graph has no Reshape target');
    Object.assign(target, { rawData: new Uint8Array(0), int64Data: [1, 150] });
    const imported = importOnnx(onnx.ModelProto.encode(model).finish());
    expect(imported.layers.map((layer) => layer.type ?? 'dense')).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'avgpool2d', 'flatten', 'dense', 'dense']);
  });

  it('reads a BatchNormalization after a pool as a batchnorm layer, and refuses an activation after it, naming the node', () => {
    const model = onnx.ModelProto.decode(readFileSync(join(folder, 'nchw.onnx')));
    const nodes = model.graph?.node ?? [];
    // Move the first BatchNormalization after the MaxPool that follows it.
    const norm = nodes.findIndex((node) => node.opType === 'BatchNormalization');
    const pool = nodes.findIndex((node) => node.opType === 'MaxPool');
    const [bn, mp] = [nodes[norm], nodes[pool]];
    [mp.input, bn.input, nodes[pool + 1].input] = [[nodes[norm - 1].output?.[0] ?? ''], [mp.output?.[0] ?? '', ...(bn.input ?? []).slice(1)], bn.output ?? []];
    nodes.splice(norm, 1);
    nodes.splice(pool, 0, bn);
    const bytes = onnx.ModelProto.encode(model).finish();
    const after = nodes[nodes.indexOf(bn) + 1];
    expect(after.opType).toBe('LeakyRelu');
    expect(() => importOnnx(bytes)).toThrow(new RegExp(`ONNX node ${after.name}: LeakyRelu after a BatchNormalization that does not follow a Conv, Gemm or MatMul directly`));
  });
});
