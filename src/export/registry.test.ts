import onnxProto from 'onnx-proto';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ACTIVATIONS, SEED_CONFIG } from '../engine/config.ts';
import { LAYER_TYPES, type Conv2DSpec, type LayerDescription, type LayerSpec, type LayerType } from '../engine/layer.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { exportOnnx } from './onnx.ts';
import { exportPytorch } from './pytorch.ts';
import { ACTIVATION_EXPORTS, convPads, kernelToOihw, LAYER_EXPORTS } from './registry.ts';
import { exportTfjs } from './tfjs.ts';

/** One layer of every type the engine has: the Record does not compile if a type is missing. */
const ONE_OF_EACH: Record<LayerType, LayerDescription> = {
  conv2d: { type: 'conv2d', filters: 3, kernelSize: 3, stride: 2, padding: 'same', activation: 'ReLU' },
  maxpool2d: { type: 'maxpool2d', poolSize: 2, stride: 1 },
  avgpool2d: { type: 'avgpool2d', poolSize: 2, stride: 2 },
  batchnorm: { type: 'batchnorm' },
  flatten: { type: 'flatten' },
  dense: { type: 'dense', units: 10, activation: 'Softmax' },
};

function exportsOf(network: Network) {
  const config = { ...SEED_CONFIG, layers: [network.inputSize, 10], activations: ['Softmax' as const], stack: { input: network.inputShape, layers: Object.values(ONE_OF_EACH) } };
  const model = { config, layers: network.toLayerSpecs() };
  const graph = onnxProto.onnx.ModelProto.decode(exportOnnx(model)).graph;
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  return {
    onnxOps: (graph?.node ?? []).map((node) => node.opType),
    modelPy: text(exportPytorch(model)[0].bytes),
    tfjsClasses: (JSON.parse(text(exportTfjs(model)[0].bytes)) as { modelTopology: { config: { layers: { class_name: string }[] } } }).modelTopology.config.layers.map((l) => l.class_name),
  };
}

// A new layer type or activation in the engine must come with its exports.
describe('export registry', () => {
  it('lists every layer type of the engine', () => {
    expectTypeOf<Exclude<NonNullable<LayerSpec['type']>, LayerType>>().toBeNever();
    expect([...LAYER_TYPES].sort()).toEqual(Object.keys(ONE_OF_EACH).sort());
  });

  const network = Network.build([9, 9, 2], Object.values(ONE_OF_EACH), 'he', createRng(3), 'ts');
  it.each(LAYER_TYPES)('exports layer type %s to ONNX, PyTorch and TF.js', (type) => {
    const entry = LAYER_EXPORTS[type];
    expect(entry, `no exporter for layer type ${type}`).toBeDefined();
    const spec = network.toLayerSpecs().find((s) => (s.type ?? 'dense') === type) as never;
    const written = exportsOf(network);
    for (const node of entry.onnx(spec, 'x').nodes) expect(written.onnxOps).toContain(node.opType);
    expect(written.modelPy).toContain(entry.torch(spec).module);
    expect(written.tfjsClasses).toContain(entry.tfjs(spec, 'x').className);
  });

  it.each(ACTIVATIONS)('exports activation %s to ONNX, PyTorch and TF.js', (activation) => {
    const entry = ACTIVATION_EXPORTS[activation];
    expect(entry, `no exporter for activation ${activation}`).toBeDefined();
    expect(entry.torch).toMatch(/x/);
    expect(entry.tfjs).toBeDefined();
    if (activation !== 'Linear') expect(entry.onnx?.opType).toMatch(/^[A-Z]\w+$/);
  });

  it('has no entries for activations or layer types the engine does not have', () => {
    expect(Object.keys(ACTIVATION_EXPORTS).sort()).toEqual([...ACTIVATIONS].sort());
    expect(Object.keys(LAYER_EXPORTS).sort()).toEqual([...LAYER_TYPES].sort());
  });

  it('dense layers keep our [outputs, inputs] weights for ONNX and PyTorch and transpose them for Keras', () => {
    const spec = { inputs: 3, outputs: 2, activation: 'ReLU' as const, weights: Float32Array.of(1, 2, 3, 4, 5, 6), biases: Float32Array.of(7, 8) };
    expect(LAYER_EXPORTS.dense.onnx(spec, 'd').parameters[0]).toMatchObject({ shape: [2, 3], values: spec.weights });
    expect(LAYER_EXPORTS.dense.torch(spec).parameters[0]).toMatchObject({ shape: [2, 3], values: spec.weights });
    const kernel = LAYER_EXPORTS.dense.tfjs(spec, 'd').weights[0];
    expect(kernel.shape).toEqual([3, 2]);
    expect([...kernel.values]).toEqual([1, 4, 2, 5, 3, 6]);
  });

  // 2 filters, 2×2 kernel, 2 channels: our W[f][ky][kx][c] holds 8·f + 4·ky + 2·kx + c at that index.
  const conv: Conv2DSpec = {
    type: 'conv2d', inputShape: [14, 14, 2], filters: 2, kernelSize: 2, stride: 1, padding: 'same', activation: 'ReLU',
    weights: Float32Array.from({ length: 16 }, (_, i) => i), biases: Float32Array.of(0, 0),
  };

  it('convolution kernels go to [f][c][ky][kx] for ONNX and PyTorch and [ky][kx][c][f] for Keras', () => {
    // OIHW: index ((f·2 + c)·2 + ky)·2 + kx holds 8f + 4ky + 2kx + c.
    expect([...kernelToOihw(conv)]).toEqual([0, 2, 4, 6, 1, 3, 5, 7, 8, 10, 12, 14, 9, 11, 13, 15]);
    expect(LAYER_EXPORTS.conv2d.torch(conv).parameters[0].shape).toEqual([2, 2, 2, 2]);
    const kernel = LAYER_EXPORTS.conv2d.tfjs(conv, 'c').weights[0];
    expect(kernel.shape).toEqual([2, 2, 2, 2]);
    // HWIO: index ((ky·2 + kx)·2 + c)·2 + f holds 8f + 4ky + 2kx + c.
    expect([...kernel.values]).toEqual([0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15]);
  });

  it("pads as the engine does: 'same' puts the odd zero after, 'valid' pads nothing", () => {
    // 2×2 'same' at stride 1 needs one zero in total along each axis: after.
    expect(convPads(conv)).toEqual({ top: 0, left: 0, bottom: 1, right: 1 });
    const strided = { ...conv, kernelSize: 5, stride: 2, weights: new Float32Array(100) };
    // 14 → 7 at stride 2 reads 6·2 + 5 = 17 rows: 3 zeros, 1 before and 2 after.
    expect(convPads(strided)).toEqual({ top: 1, left: 1, bottom: 2, right: 2 });
    expect(LAYER_EXPORTS.conv2d.onnx(strided, 'c').nodes[0].intLists?.pads).toEqual([1, 1, 2, 2]);
    expect(LAYER_EXPORTS.conv2d.torch(strided).call('m')).toBe('m(F.pad(x, (1, 2, 1, 2)))');
    expect(convPads({ ...strided, padding: 'valid' })).toEqual({ top: 0, left: 0, bottom: 0, right: 0 });
    expect(LAYER_EXPORTS.conv2d.torch({ ...conv, kernelSize: 3, weights: new Float32Array(36) }).module).toBe('nn.Conv2d(2, 2, 3, stride=1, padding=(1, 1))');
  });
});
