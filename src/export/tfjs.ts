/**
 * TensorFlow.js Layers export: model.json (a Keras Sequential topology and the weights
 * manifest) and model.weights.bin, as `tf.loadLayersModel` reads them and TensorFlow.js's
 * converter turns into a Keras model (`tensorflowjs_converter --input_format=tfjs_layers_model
 * --output_format=keras model.json model.h5`).
 */
import { littleEndianBytes, type ExportModel } from './export-model.ts';
import { ACTIVATION_EXPORTS, LAYER_EXPORTS } from './registry.ts';

export const TFJS_WEIGHTS_FILE = 'model.weights.bin';

interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

export function exportTfjs(model: ExportModel): { name: string; bytes: Uint8Array }[] {
  const { config } = model;
  const layers: KerasLayer[] = [];
  const weights: { name: string; shape: number[]; values: Float32Array }[] = [];
  const last = model.layers.length - 1;
  model.layers.forEach((spec, l) => {
    const dense = LAYER_EXPORTS.dense.tfjs(spec, `dense${l}`);
    const activation = ACTIVATION_EXPORTS[spec.activation].tfjs;
    layers.push({
      class_name: dense.className,
      config: {
        ...dense.config,
        ...(l === 0 ? { batch_input_shape: [null, spec.inputs] } : {}),
        activation: 'activation' in activation ? activation.activation : 'linear',
      },
    });
    weights.push(...dense.weights);
    if ('layer' in activation) layers.push({ class_name: activation.layer.className, config: { ...activation.layer.config, name: `activation${l}` } });
    // Keras applies Dropout in training only, as the playground does.
    if (l < last && config.dropout > 0) layers.push({ class_name: 'Dropout', config: { rate: config.dropout, name: `dropout${l}` } });
  });

  const modelJson = {
    format: 'layers-model',
    generatedBy: 'mnist-playground',
    convertedBy: null,
    modelTopology: {
      class_name: 'Sequential',
      config: { name: 'mnist_playground', layers },
      keras_version: 'tfjs-layers 4.22.0',
      backend: 'tensor_flow.js',
    },
    weightsManifest: [{ paths: [TFJS_WEIGHTS_FILE], weights: weights.map(({ name, shape }) => ({ name, shape, dtype: 'float32' })) }],
  };
  const total = weights.reduce((sum, w) => sum + w.values.length, 0);
  const bin = new Uint8Array(total * 4);
  let offset = 0;
  for (const w of weights) {
    bin.set(littleEndianBytes(w.values), offset);
    offset += w.values.length * 4;
  }
  return [
    { name: 'model.json', bytes: new TextEncoder().encode(JSON.stringify(modelJson)) },
    { name: TFJS_WEIGHTS_FILE, bytes: bin },
  ];
}
