/**
 * Reads an ONNX model back into our layers: ours, or a plain multilayer perceptron from
 * another framework (torch.onnx.export of Linear/ReLU/Sigmoid/Tanh/Softmax gives
 * Flatten, Gemm and activation nodes). A graph using operators we do not have is refused
 * with their names; so is anything that is not a chain of dense layers from 784 pixels to 10 classes.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { type Activation, type Config, SEED_CONFIG } from '../engine/config.ts';
import type { DenseSpec } from '../engine/layer.ts';
import { LEAKY_SLOPE } from '../engine/activations.ts';
import { checkConfig, ConfigError } from '../formats/config-format.ts';
import { ModelError, serializeModel } from '../formats/model-format.ts';
import { transpose } from './registry.ts';

const { onnx } = onnxProto;

export interface ImportedModel {
  config: Config;
  layers: DenseSpec[];
  /** Who wrote the file (its producer_name), e.g. "pytorch" or "mnist-playground". */
  producer: string;
}

const ACTIVATION_OPS: Record<string, Activation> = {
  Sigmoid: 'Sigmoid',
  Relu: 'ReLU',
  LeakyRelu: 'LeakyReLU',
  Tanh: 'Tanh',
  Softmax: 'Softmax',
};

/** Operators that change nothing at inference on a [batch, features] tensor. */
const PASS_THROUGH = new Set(['Identity', 'Dropout', 'Flatten']);

export const SUPPORTED_ONNX_OPS = ['Gemm', 'MatMul', 'Add', ...Object.keys(ACTIVATION_OPS), ...PASS_THROUGH, 'Constant'];

interface Tensor {
  dims: number[];
  values: Float32Array;
}

function tensorValues(tensor: Onnx.ITensorProto): Tensor {
  const dims = (tensor.dims ?? []).map(Number);
  const count = dims.reduce((a, b) => a * b, 1);
  if (tensor.dataType !== onnx.TensorProto.DataType.FLOAT) {
    throw new ModelError(`ONNX tensor ${tensor.name ?? ''}: only float32 parameters are read, this one has data type ${tensor.dataType}`);
  }
  if (tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL) {
    throw new ModelError(`ONNX tensor ${tensor.name ?? ''}: its data is in an external file; export the model with the weights inside`);
  }
  let values: Float32Array;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    values = new Float32Array(raw.byteLength / 4);
    for (let i = 0; i < values.length; i++) values[i] = view.getFloat32(i * 4, true);
  } else {
    values = Float32Array.from(tensor.floatData ?? []);
  }
  if (values.length !== count) throw new ModelError(`ONNX tensor ${tensor.name ?? ''}: shape [${dims.join(', ')}] but ${values.length} values`);
  return { dims, values };
}

function attribute(node: Onnx.INodeProto, name: string): Onnx.IAttributeProto | undefined {
  return node.attribute?.find((a) => a.name === name);
}

function intAttribute(node: Onnx.INodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found ? Number(found.i) : fallback;
}

function floatAttribute(node: Onnx.INodeProto, name: string, fallback: number): number {
  const found = attribute(node, name);
  return found ? Number(found.f) : fallback;
}

function decode(bytes: Uint8Array): Onnx.ModelProto {
  try {
    return onnx.ModelProto.decode(bytes);
  } catch (error) {
    throw new ModelError(`not an ONNX model: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** An ONNX file as our layers and a config around them (the playground's defaults for training). */
export function importOnnx(bytes: Uint8Array): ImportedModel {
  const model = decode(bytes);
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0) throw new ModelError('not an ONNX model: it has no graph');

  const unsupported = [...new Set(graph.node.map((n) => n.opType ?? '').filter((op) => !SUPPORTED_ONNX_OPS.includes(op)))];
  if (unsupported.length > 0) {
    throw new ModelError(
      `this ONNX model uses operators the playground does not have: ${unsupported.join(', ')} ` +
        `(it reads ${SUPPORTED_ONNX_OPS.join(', ')})`,
    );
  }

  const constants = new Map<string, Tensor>();
  for (const tensor of graph.initializer ?? []) constants.set(tensor.name ?? '', tensorValues(tensor));
  const parameter = (name: string, node: Onnx.INodeProto): Tensor => {
    const found = constants.get(name);
    if (!found) throw new ModelError(`ONNX node ${node.name || node.opType}: ${name} must be a stored parameter, not computed`);
    return found;
  };

  const graphInputs = (graph.input ?? []).map((i) => i.name ?? '').filter((name) => !constants.has(name));
  if (graphInputs.length !== 1) throw new ModelError(`an ONNX model for the playground takes one input (the pixels), this one takes ${graphInputs.length}`);
  let current = graphInputs[0];

  type Pending = { weights: Float32Array; biases: Float32Array | null; inputs: number; outputs: number; activation: Activation | null };
  const layers: Pending[] = [];
  const last = () => layers[layers.length - 1];

  for (const node of graph.node) {
    const op = node.opType ?? '';
    const inputs = node.input ?? [];
    const output = node.output?.[0] ?? '';
    if (op === 'Constant') {
      const value = attribute(node, 'value')?.t;
      if (value) constants.set(output, tensorValues(value));
      continue;
    }
    const dataInput = op === 'Add' ? inputs.find((name) => !constants.has(name)) : inputs[0];
    if (dataInput !== current) {
      throw new ModelError(`ONNX node ${node.name || op}: the playground reads a chain of layers, but this node does not take the previous one's output`);
    }
    current = output;
    if (PASS_THROUGH.has(op)) continue;
    if (op === 'Gemm' || op === 'MatMul') {
      if (op === 'Gemm' && (intAttribute(node, 'transA', 0) !== 0 || floatAttribute(node, 'alpha', 1) !== 1 || floatAttribute(node, 'beta', 1) !== 1)) {
        throw new ModelError(`ONNX node ${node.name || op}: Gemm with transA, alpha or beta is not a plain dense layer`);
      }
      const w = parameter(inputs[1], node);
      if (w.dims.length !== 2) throw new ModelError(`ONNX node ${node.name || op}: weights of shape [${w.dims.join(', ')}] are not a matrix`);
      // Ours is [outputs, inputs]: Gemm with transB = 1 stores that; MatMul and Gemm without it store [inputs, outputs].
      const transposed = op === 'Gemm' && intAttribute(node, 'transB', 0) === 1;
      const [outputs, inputCount] = transposed ? w.dims : [w.dims[1], w.dims[0]];
      const weights = transposed ? w.values : transpose(w.values, inputCount, outputs);
      const biases = op === 'Gemm' && inputs[2] ? parameter(inputs[2], node).values : null;
      layers.push({ weights, biases, inputs: inputCount, outputs, activation: null });
      continue;
    }
    const layer = last();
    if (op === 'Add') {
      if (!layer || layer.biases || layer.activation) throw new ModelError(`ONNX node ${node.name || op}: an Add that is not a dense layer's bias`);
      const other = inputs.find((name) => name !== dataInput) ?? '';
      layer.biases = parameter(other, node).values;
      continue;
    }
    if (!layer || layer.activation) throw new ModelError(`ONNX node ${node.name || op}: ${op} must follow a dense layer`);
    if (op === 'LeakyRelu' && Math.abs(floatAttribute(node, 'alpha', 0.01) - LEAKY_SLOPE) > 1e-7) {
      throw new ModelError(`ONNX node ${node.name || op}: LeakyRelu with alpha ${floatAttribute(node, 'alpha', 0.01)}; the playground's slope is ${LEAKY_SLOPE}`);
    }
    if (op === 'Softmax' && ![-1, 1].includes(intAttribute(node, 'axis', -1))) {
      throw new ModelError(`ONNX node ${node.name || op}: Softmax over axis ${intAttribute(node, 'axis', -1)}, not over the classes`);
    }
    layer.activation = ACTIVATION_OPS[op];
  }

  const outputName = graph.output?.[0]?.name;
  if (layers.length === 0) throw new ModelError('this ONNX model has no dense layer');
  if (outputName !== current) throw new ModelError('the ONNX graph\'s output is not the end of its chain of layers');
  const specs = layers.map((layer, l): DenseSpec => {
    if (l > 0 && layer.inputs !== layers[l - 1].outputs) {
      throw new ModelError(`ONNX layer ${l + 1} takes ${layer.inputs} inputs but layer ${l} gives ${layers[l - 1].outputs}`);
    }
    const biases = layer.biases ?? new Float32Array(layer.outputs);
    if (biases.length !== layer.outputs) throw new ModelError(`ONNX layer ${l + 1}: ${biases.length} biases for ${layer.outputs} outputs`);
    return { inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation ?? 'Linear', weights: layer.weights, biases };
  });
  let config: Config;
  try {
    config = checkConfig({
      ...SEED_CONFIG,
      layers: [specs[0].inputs, ...specs.map((s) => s.outputs)],
      activations: specs.map((s) => s.activation),
    });
  } catch (error) {
    if (error instanceof ConfigError) throw new ModelError(`this ONNX model does not fit the playground: ${error.message}`);
    throw error;
  }
  return { config, layers: specs, producer: model.producerName || 'unknown' };
}

/** An ONNX file as the text of our model file, which the worker loads like any other. */
export function onnxModelText(bytes: Uint8Array): string {
  const { config, layers } = importOnnx(bytes);
  return serializeModel({ config, layers, metrics: null });
}
