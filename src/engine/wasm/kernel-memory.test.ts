import { describe, expect, it } from 'vitest';
import type { Layer, LayerDescription, LayerSpec, Shape } from '../layer.ts';
import { shapeSize } from '../layer.ts';
import { specKind } from '../layer-kinds.ts';
import { Network } from '../network.ts';
import { createRng } from '../rng.ts';

/**
 * Layers whose kernels read the layer below in place in one KernelMemory (as a Network builds
 * them) against the same layers each in a memory of its own, which copy every batch in and out:
 * every output, δ passed down and parameter gradient must have the same bits.
 */
const STACK: LayerDescription[] = [
  // 'valid', so the next layers read its output in place; 8 filters, so it is the kernels' own Z.
  { type: 'conv2d', filters: 8, kernelSize: 3, stride: 1, padding: 'valid', activation: 'ReLU' },
  // 9×9: windows that do not tile it (the gradient as a scatter).
  { type: 'maxpool2d', poolSize: 3, stride: 2 },
  { type: 'batchnorm' },
  // Read in place: 'valid' windows that cover the 4×4 input.
  { type: 'conv2d', filters: 16, kernelSize: 3, stride: 1, padding: 'valid', activation: 'ReLU' },
  { type: 'maxpool2d', poolSize: 2, stride: 2 },
  { type: 'batchnorm' },
  // 'same' padding: copied into its padded map, whatever memory its input lies in.
  { type: 'conv2d', filters: 8, kernelSize: 3, stride: 1, padding: 'same', activation: 'Linear' },
  { type: 'flatten' },
  { type: 'dense', units: 10, activation: 'Softmax' },
];
const INPUT: Shape = [11, 11, 4];

/** A second stride-2 stack: windows 2 apart that cover a 9×9 input exactly, read in place. */
const STRIDED: LayerDescription[] = [
  { type: 'conv2d', filters: 8, kernelSize: 3, stride: 1, padding: 'valid', activation: 'ReLU' },
  { type: 'conv2d', filters: 8, kernelSize: 3, stride: 2, padding: 'valid', activation: 'ReLU' },
  { type: 'batchnorm' },
  { type: 'dense', units: 3, activation: 'Softmax' },
];

function passes(layers: Layer[], input: Float32Array, rows: number, seed: number) {
  const outputs: Float32Array[] = [];
  let x = input;
  for (const layer of layers) {
    x = layer.forward(x, rows, 'training');
    outputs.push(x.slice(0, rows * shapeSize(layer.outputShape)));
  }
  const top = layers[layers.length - 1];
  const rng = createRng(seed);
  for (let i = 0; i < rows * shapeSize(top.outputShape); i++) top.delta[i] = rng.next() - 0.5;
  const deltas: Float32Array[] = [];
  for (let l = layers.length - 1; l >= 0; l--) {
    const below = l > 0 ? layers[l - 1] : null;
    layers[l].backward(below ? below.output : input, rows, below ? below.delta : null);
    if (below) deltas.push(below.delta.slice(0, rows * shapeSize(below.outputShape)));
  }
  const grads = layers.flatMap((layer) => layer.paramGroups(0).map((group) => group.grads.slice()));
  return { outputs, deltas, grads };
}

describe('KernelMemory: layers that read and write the layer below in place', () => {
  for (const [name, stack, input] of [
    ['convolutions, max pools and batch normalisation', STACK, INPUT],
    ['a stride-2 convolution', STRIDED, [11, 11, 4] as Shape],
  ] as const) {
    it(`${name}: the same bits as layers in memories of their own, batch after batch, as batches grow and shrink`, () => {
      const specs: LayerSpec[] = Network.build(input, stack, 'he', createRng(3), 'wasm').toLayerSpecs();
      const shared = Network.fromLayers(specs, 'wasm').layers;
      const separate = specs.map((spec, l) => specKind(spec).create(spec, { first: l === 0, kernels: 'wasm', below: null }));
      const rng = createRng(7);
      for (const rows of [3, 6, 5, 2, 9]) {
        const batch = Float32Array.from({ length: rows * shapeSize(input) }, () => rng.next() * 2 - 1);
        const a = passes(shared, batch, rows, rows);
        const b = passes(separate, batch, rows, rows);
        expect(a.outputs).toEqual(b.outputs);
        expect(a.deltas).toEqual(b.deltas);
        expect(a.grads).toEqual(b.grads);
      }
      // The network's layers do share it: each conv, pool and batch norm output lies in one buffer.
      const buffers = new Set(shared.filter((layer) => !layer.constructor.name.match(/Dense|Flatten/)).map((layer) => layer.output.buffer));
      expect(buffers.size).toBe(1);
    });
  }
});
