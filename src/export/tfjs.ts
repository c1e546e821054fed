/**
 * TensorFlow.js Layers export: model.json (a Keras Sequential topology and the weights
 * manifest) and model.weights.bin, as `tf.loadLayersModel` reads them and TensorFlow.js's
 * converter turns into a Keras model (`tensorflowjs_converter --input_format=tfjs_layers_model
 * --output_format=keras model.json model.h5`).
 */
import { isDenseSpec, shapeSize } from '../engine/layer.ts';
import { imageShape, inputSteps, littleEndianBytes, type ExportModel } from './export-model.ts';
import { ACTIVATION_EXPORTS, layerExport, type NamedValues } from './registry.ts';

export const TFJS_WEIGHTS_FILE = 'model.weights.bin';

interface KerasLayer {
  class_name: string;
  config: Record<string, unknown>;
}

/**
 * Keras layers are channels-last, as ours are: a map flattens in our order and a
 * convolution's 'same' padding puts the odd zero after, as ours does. The input is
 * [batch, size] pixels, reshaped to the first layer's map where it takes one.
 */
export function exportTfjs(model: ExportModel): { name: string; bytes: Uint8Array }[] {
  const { config } = model;
  const layers: KerasLayer[] = [];
  const weights: NamedValues[] = [];
  const last = model.layers.length - 1;
  const steps = inputSteps(model.layers);
  const size = shapeSize(imageShape(model.layers));
  model.layers.forEach((spec, l) => {
    if (steps[l] === 'reshape') layers.push({ class_name: 'Reshape', config: { name: 'image', target_shape: imageShape(model.layers), batch_input_shape: [null, size] } });
    if (steps[l] === 'flatten') layers.push({ class_name: 'Flatten', config: { name: `flatten_before${l}`, data_format: 'channels_last' } });
    const layer = layerExport(spec).tfjs(spec, `${spec.type ?? 'dense'}${l}`);
    const activation = 'activation' in spec ? ACTIVATION_EXPORTS[spec.activation].tfjs : null;
    layers.push({
      class_name: layer.className,
      config: {
        ...layer.config,
        ...(l === 0 && !steps[l] ? { batch_input_shape: [null, size] } : {}),
        ...(activation ? { activation: 'activation' in activation ? activation.activation : 'linear' } : {}),
      },
    });
    weights.push(...layer.weights);
    if (activation && 'layer' in activation) layers.push({ class_name: activation.layer.className, config: { ...activation.layer.config, name: `activation${l}` } });
    // Keras applies Dropout in training only, as the playground does, and only after hidden dense layers as we do.
    if (isDenseSpec(spec) && l < last && config.dropout > 0) layers.push({ class_name: 'Dropout', config: { rate: config.dropout, name: `dropout${l}` } });
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
