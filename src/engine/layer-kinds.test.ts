import { describe, expect, expectTypeOf, it } from 'vitest';
import { tfStackTrainer, useTfBackend } from '../bench/tfjs.ts';
import { exportOnnx } from '../export/onnx.ts';
import { importOnnx } from '../export/onnx-import.ts';
import { LAYER_TYPE_OPTIONS } from '../features/config-editor/options.ts';
import { layersPatch, rowFields, withType } from '../features/config-editor/layer-edit.ts';
import { stackRows } from '../features/config-editor/stack-summary.ts';
import { LAYER_FIELDS } from '../formats/config-fields.ts';
import { checkConfig, ConfigError, configToJson, describeNetwork, parseConfig, serializeConfig } from '../formats/config-format.ts';
import { configFromHash, configToHash } from '../formats/config-hash.ts';
import { parseModel, serializeModel } from '../formats/model-format.ts';
import { defaultRunName } from '../store/runs.ts';
import { SEED_CONFIG, type Config } from './config.ts';
import { formatShape, LAYER_TYPES, type LayerDescription, type LayerSpec, type LayerType, type Shape } from './layer.ts';
import { describeSpec, kindOf, LAYER_KINDS, layerHeader, type DescriptionOf } from './layer-kinds.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';

/**
 * One layer of every kind, in an order that makes one network of them on MNIST's 28×28×1
 * images: the Record does not compile if a kind is missing. A new kind goes before the
 * flatten if it works on maps, before the last dense layer if on vectors.
 */
const ONE_OF_EACH: { [T in LayerType]: DescriptionOf<T> } = {
  conv2d: { type: 'conv2d', filters: 3, kernelSize: 3, stride: 1, padding: 'same', activation: 'ReLU' },
  maxpool2d: { type: 'maxpool2d', poolSize: 3, stride: 2 },
  avgpool2d: { type: 'avgpool2d', poolSize: 3, stride: 1 },
  batchnorm: { type: 'batchnorm' },
  flatten: { type: 'flatten' },
  dense: { type: 'dense', units: 10, activation: 'Softmax' },
};

const layers: LayerDescription[] = Object.values(ONE_OF_EACH);
const config: Config = checkConfig({ ...SEED_CONFIG, layers: [784, 10], activations: ['Softmax'], batchSize: 4, stack: { input: [28, 28, 1], layers } });
const network = Network.forConfig(config, createRng(5), 'ts');
/** The shape reaching each layer. */
const inputs: Shape[] = network.layers.map((layer) => layer.inputShape);
/** Every typed array's and WebAssembly memory's buffer reachable from `root`. */
function buffersOf(root: unknown): Set<ArrayBufferLike> {
  const buffers = new Set<ArrayBufferLike>();
  const seen = new Set<object>();
  const visit = (value: unknown): void => {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (ArrayBuffer.isView(value)) return void buffers.add(value.buffer);
    if (value instanceof WebAssembly.Memory) return void buffers.add(value.buffer);
    for (const key of Reflect.ownKeys(value)) visit((value as Record<string | symbol, unknown>)[key]);
  };
  visit(root);
  return buffers;
}

const at = (type: LayerType) => layers.findIndex((layer) => layer.type === type);

describe('layer kinds', () => {
  it('has one descriptor per engine layer type, and a layer of each in the network under test', () => {
    expectTypeOf<keyof typeof LAYER_KINDS>().toEqualTypeOf<LayerType>();
    expect(Object.keys(LAYER_KINDS).sort()).toEqual([...LAYER_TYPES].sort());
    expect(Object.keys(ONE_OF_EACH).sort()).toEqual([...LAYER_TYPES].sort());
    for (const type of LAYER_TYPES) expect(LAYER_KINDS[type].type).toBe(type);
  });

  // Each consumer that knows layer kinds, asked about every kind: a kind it leaves out fails here with the consumer's name.
  describe.each(LAYER_TYPES)('%s', (type) => {
    const kind = kindOf(type);
    const l = at(type);
    const layer = layers[l];
    const built = network.layers[l];
    const spec = network.toLayerSpecs()[l] as LayerSpec;

    it('engine: builds the layer with the shape and parameters its descriptor gives, and describes its spec back', () => {
      expect(spec.type ?? 'dense').toBe(type);
      expect(kind.outputShape(inputs[l], layer)).toEqual(built.outputShape);
      const count = kind.parameters(inputs[l], layer);
      expect(built.paramGroups(0).reduce((total, group) => total + group.params.length, 0)).toBe(count ? count.weights + count.biases : 0);
      expect(describeSpec(spec)).toEqual(layer);
    });

    it('memory estimate: covers the buffers the layer holds after a batch of 256, parameters and gradients included', () => {
      const rows = 256;
      const trained = Network.forConfig(config, createRng(5), 'ts');
      const pixels = new Float32Array(rows * 784).fill(0.5);
      trained.forwardBatch(pixels, rows, 'training');
      trained.backwardBatch(pixels, new Float32Array(rows * 10).fill(0.1), rows);
      const others = new Set(trained.layers.filter((_, i) => i !== l).flatMap((other) => [...buffersOf(other)]));
      const held = [...buffersOf(trained.layers[l])].filter((buffer) => !others.has(buffer) && buffer !== pixels.buffer).reduce((total, buffer) => total + buffer.byteLength, 0);
      const memory = kind.memory(inputs[l], built.outputShape, layer, { first: l === 0, optimizer: 'sgd', kernels: 'ts', rows });
      const count = kind.parameters(inputs[l], layer);
      const estimate = 4 * (rows * memory.valuesPerRow + (memory.kernelCopies ?? 0) + (count ? 2 * (count.weights + count.biases) : 0));
      expect(held).toBeGreaterThan(0);
      expect(estimate).toBeGreaterThanOrEqual(held);
    });

    it('config files and links: written with every field under its JSON name, read back the same', () => {
      const written = (configToJson(config).layers as Record<string, unknown>[])[l + 1];
      expect(written.type).toBe(type);
      for (const field of kind.fields) expect(written[field.json]).toBe((layer as unknown as Record<string, unknown>)[field.engine]);
      expect(parseConfig(serializeConfig(config)).stack?.layers[l]).toEqual(layer);
      expect(configFromHash(configToHash(config))?.stack?.layers[l]).toEqual(layer);
      // Fields left out take their defaults.
      const sparse = { type, ...Object.fromEntries(kind.fields.filter((field) => !field.default).map((field) => [field.json, written[field.json]])) };
      const json = configToJson(config) as { layers: unknown[] };
      expect(parseConfig(JSON.stringify({ ...json, layers: json.layers.with(l + 1, sparse) })).stack?.layers[l].type).toBe(type);
    });

    it('words: the network description, the run name and the form’s type choice name it', () => {
      expect(describeNetwork(config)).toContain(kind.summary(layer));
      expect(describeNetwork(config)).not.toMatch(/undefined/);
      if (kind.short(layer)) expect(defaultRunName(config, 1)).toContain(kind.short(layer));
      expect(LAYER_TYPE_OPTIONS).toContainEqual({ value: type, label: kind.label });
    });

    it('form: a row turned into this kind is a valid layer, showing the descriptor’s fields', () => {
      expect(rowFields(type).map(([key]) => key)).toEqual(kind.fields.map((field) => field.json));
      expect(Object.keys(LAYER_FIELDS[type])).toEqual(kind.fields.map((field) => field.json));
      const rows = configToJson(config).layers.slice(1) as Parameters<typeof layersPatch>[1];
      const hidden = l === layers.length - 1 ? l - 1 : l;
      const turned = rows.with(hidden, withType(rows[hidden], type, inputs[hidden]));
      expect(() => checkConfig({ ...config, ...layersPatch(config, turned) })).not.toThrow();
    });

    it('stack summary: the row shows the layer’s output shape and parameters', () => {
      const row = stackRows(config.stack!)[l + 1];
      expect(row.output).toBe(formatShape(built.outputShape));
      expect(row.parameters).toBe(built.paramGroups(0).reduce((total, group) => total + group.params.length, 0));
    });

    it('window check: a window larger than what reaches it is refused at its field', () => {
      const window = kind.window?.(layer);
      if (!window) return;
      const tooLarge = Object.fromEntries(kind.fields.map((field) => [field.engine, field.json === window.json ? 29 : (layer as unknown as Record<string, unknown>)[field.engine]]));
      const wide = { ...config, stack: { input: [28, 28, 1] as Shape, layers: [{ ...layer, ...tooLarge } as LayerDescription, { type: 'flatten' as const }, ONE_OF_EACH.dense] } };
      expect(() => checkConfig(wide)).toThrow(ConfigError);
      expect(() => checkConfig(wide)).toThrow(`layers[1].${window.json}: 29 is larger than its 28×28 input`);
    });

    it('model files: saved with the layer’s header and parameters, read back identical', () => {
      const text = serializeModel({ config, layers: network.toLayerSpecs(), metrics: null });
      const loaded = parseModel(text).layers[l];
      expect(layerHeader(loaded)).toEqual(layerHeader(spec));
      expect(loaded).toEqual(spec);
    });

    it('ONNX export and import: the layer comes back as the same kind and settings', () => {
      const imported = importOnnx(exportOnnx({ config, layers: network.toLayerSpecs() }));
      expect(imported.config.stack?.layers[l]).toEqual(layer);
    });

    it('TF.js bench peer: trains a batch of the network', async () => {
      await useTfBackend('cpu');
      const count = 8;
      const data = { images: new Uint8Array(count * 784).fill(9), labels: new Uint8Array(count), count, inputSize: 784 };
      const trainer = tfStackTrainer(data, config);
      expect(() => trainer.train(4)).not.toThrow();
      trainer.dispose();
    });
  });
});
