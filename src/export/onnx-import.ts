/**
 * Reads an ONNX model back into our layers: ours, or a plain multilayer perceptron from
 * another framework (torch.onnx.export of Linear/ReLU/Sigmoid/Tanh/Softmax gives
 * Flatten, Gemm and activation nodes), and our own CNN exports. A graph using operators we
 * do not have is refused with their names; so is anything that is not a chain of our layers
 * from 784 pixels to 10 classes.
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { type Activation, type Config, SEED_CONFIG } from '../engine/config.ts';
import { type Conv2DSpec, type DenseSpec, isDenseSpec, LAYER_TYPES, type LayerDescription, type LayerSpec, type LayerType, type Shape, shapeSize } from '../engine/layer.ts';
import { describeSpec, emptySpec, kindOf, outputShapeOf } from '../engine/layer-kinds.ts';
import { LEAKY_SLOPE } from '../engine/activations.ts';
import { BATCHNORM_EPSILON } from '../engine/batchnorm.ts';
import { checkConfig, ConfigError } from '../formats/config-format.ts';
import { ModelError, serializeModel } from '../formats/model-format.ts';
import { convPads, kernelFromOihw, layerExport, TO_CHANNELS_FIRST, TO_CHANNELS_LAST, transpose } from './registry.ts';

const { onnx } = onnxProto;

export interface ImportedModel {
  config: Config;
  layers: LayerSpec[];
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

/** Our pooling kinds by the operator their ONNX export writes (MaxPool → maxpool2d). */
const POOL_OPS = new Map<string, LayerType>(
  LAYER_TYPES.flatMap((type) => {
    const pool = kindOf(type).pool?.of(2, 2);
    if (!pool) return [];
    const spec = emptySpec([2, 2, 1], pool);
    return layerExport(spec).onnx(spec, type).nodes.map((node) => [node.opType, type] as const);
  }),
);

export const SUPPORTED_ONNX_OPS = ['Gemm', 'MatMul', 'Add', ...Object.keys(ACTIVATION_OPS), ...PASS_THROUGH, 'Constant', 'Reshape', 'Transpose', 'Conv', ...POOL_OPS.keys(), 'BatchNormalization'];

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

/** Int64 tensors (Reshape's target shape) as numbers; null for other types. */
function intValues(tensor: Onnx.ITensorProto): number[] | null {
  if (tensor.dataType !== onnx.TensorProto.DataType.INT64) return null;
  if (tensor.rawData && tensor.rawData.length > 0) {
    const raw = tensor.rawData;
    const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
    return Array.from({ length: raw.byteLength / 8 }, (_, i) => Number(view.getBigInt64(i * 8, true)));
  }
  return (tensor.int64Data ?? []).map(Number);
}

function intsAttribute(node: Onnx.INodeProto, name: string): number[] | null {
  const found = attribute(node, name);
  return found ? (found.ints ?? []).map(Number) : null;
}

const same = (a: readonly number[] | null, b: readonly number[]) => a !== null && a.length === b.length && a.every((v, i) => v === b[i]);

/** A layer read from the graph, before its input shape is followed through. */
type Pending =
  | { type: 'dense'; weights: Float32Array; biases: Float32Array | null; inputs: number; outputs: number; activation: Activation | null }
  | (Omit<Conv2DSpec, 'activation'> & { activation: Activation | null })
  | Exclude<LayerSpec, DenseSpec | Conv2DSpec>;

/**
 * An ONNX file as our layers and a config around them (the playground's defaults for
 * training). Image maps are read as our exports write them: [batch, pixels] reshaped to
 * NHWC and transposed to NCHW, Conv and MaxPool on NCHW, and a Transpose back to NHWC
 * before a Flatten, so flattened values come in our channels-last order.
 */
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
  const intConstants = new Map<string, number[]>();
  for (const tensor of graph.initializer ?? []) {
    const ints = intValues(tensor);
    if (ints) intConstants.set(tensor.name ?? '', ints);
    else constants.set(tensor.name ?? '', tensorValues(tensor));
  }
  const parameter = (name: string, node: Onnx.INodeProto): Tensor => {
    const found = constants.get(name);
    if (!found) throw new ModelError(`ONNX node ${node.name || node.opType}: ${name} must be a stored parameter, not computed`);
    return found;
  };

  const graphInputs = (graph.input ?? []).map((i) => i.name ?? '').filter((name) => !constants.has(name) && !intConstants.has(name));
  if (graphInputs.length !== 1) throw new ModelError(`an ONNX model for the playground takes one input (the pixels), this one takes ${graphInputs.length}`);
  let current = graphInputs[0];

  const layers: Pending[] = [];
  const last = () => layers[layers.length - 1];
  /** Where the data is: a [batch, values] vector, or a map channels-last (as ours) or channels-first (as ONNX's Conv). */
  let layout: 'vector' | 'nhwc' | 'nchw' = 'vector';
  let input: Shape | null = null;
  let shape: Shape | null = null;

  for (const node of graph.node) {
    const op = node.opType ?? '';
    const inputs = node.input ?? [];
    const output = node.output?.[0] ?? '';
    const where = `ONNX node ${node.name || op}`;
    if (op === 'Constant') {
      const value = attribute(node, 'value')?.t;
      if (value) {
        const ints = intValues(value);
        if (ints) intConstants.set(output, ints);
        else constants.set(output, tensorValues(value));
      }
      continue;
    }
    const dataInput = op === 'Add' ? inputs.find((name) => !constants.has(name)) : inputs[0];
    if (dataInput !== current) {
      throw new ModelError(`${where}: the playground reads a chain of layers, but this node does not take the previous one's output`);
    }
    current = output;
    if (PASS_THROUGH.has(op) && !(op === 'Flatten' && layout !== 'vector')) continue;
    // Every pooling operator our kinds export is read one way.
    switch (POOL_OPS.has(op) ? 'pool' : op) {
      case 'Reshape': {
        const target = intConstants.get(inputs[1]) ?? [];
        if (layers.length === 0 && layout === 'vector' && target.length === 4 && target[0] === -1) {
          input = shape = [target[1], target[2], target[3]];
          layout = 'nhwc';
        } else if (target.length !== 2 || layout !== 'vector') {
          throw new ModelError(`${where}: Reshape to [${target.join(', ')}]; the playground reshapes only its input pixels to an image map`);
        }
        continue;
      }
      case 'Transpose': {
        const perm = intsAttribute(node, 'perm');
        if (layout === 'nhwc' && same(perm, TO_CHANNELS_FIRST)) layout = 'nchw';
        else if (layout === 'nchw' && same(perm, TO_CHANNELS_LAST)) layout = 'nhwc';
        else throw new ModelError(`${where}: Transpose with perm [${(perm ?? []).join(', ')}] is not a move between channels-last and channels-first maps`);
        continue;
      }
      case 'Flatten':
        // On a map: flattened channels-last, as our Flatten does; channels-first would order the values otherwise.
        if (layout === 'nchw') throw new ModelError(`${where}: Flatten of a channels-first map; the playground flattens maps channels-last (Transpose to NHWC first)`);
        layers.push({ type: 'flatten', inputShape: shape as Shape });
        layout = 'vector';
        shape = null;
        continue;
      case 'Conv':
      case 'pool': {
        if (layout !== 'nchw' || !shape) throw new ModelError(`${where}: ${op} on a tensor that is not an image map from the input pixels`);
        const kernel = intsAttribute(node, 'kernel_shape') ?? [];
        const strides = intsAttribute(node, 'strides') ?? [1, 1];
        const pads = intsAttribute(node, 'pads') ?? [0, 0, 0, 0];
        const ones = (name: string) => same(intsAttribute(node, name) ?? [1, 1], [1, 1]);
        if (kernel.length !== 2 || kernel[0] !== kernel[1] || strides[0] !== strides[1] || !ones('dilations') || intAttribute(node, 'group', 1) !== 1 || intAttribute(node, 'ceil_mode', 0) !== 0) {
          throw new ModelError(`${where}: the playground's ${op} has square kernels, equal strides, no dilation, groups or ceil mode`);
        }
        if ((attribute(node, 'auto_pad')?.s?.length ?? 0) > 0) throw new ModelError(`${where}: auto_pad is not read; give pads`);
        const inputShape = shape;
        const pool = POOL_OPS.get(op);
        if (pool) {
          if (pads.some((p) => p !== 0)) throw new ModelError(`${where}: ${op} with padding; the playground's pools have none`);
          layers.push(emptySpec(inputShape, kindOf(pool).pool?.of(kernel[0], strides[0]) as LayerDescription) as Pending);
        } else {
          const w = parameter(inputs[1], node);
          if (w.dims.length !== 4 || w.dims[1] !== inputShape[2] || w.dims[2] !== kernel[0] || w.dims[3] !== kernel[0]) {
            throw new ModelError(`${where}: weights of shape [${w.dims.join(', ')}] do not fit ${kernel[0]}×${kernel[0]} kernels on ${inputShape[2]} channels`);
          }
          const oihw = { type: 'conv2d' as const, inputShape, filters: w.dims[0], kernelSize: kernel[0], stride: strides[0], weights: w.values };
          const padding = (['valid', 'same'] as const).find((p) => same(pads, Object.values(convPads({ ...oihw, padding: p, activation: 'Linear', biases: w.values }))));
          if (!padding) throw new ModelError(`${where}: pads [${pads.join(', ')}] are neither 'valid' nor 'same' (the odd zero after) for this input`);
          const conv = { ...oihw, padding, activation: 'Linear' as const, biases: inputs[2] ? parameter(inputs[2], node).values : new Float32Array(w.dims[0]) };
          layers.push({ ...conv, weights: kernelFromOihw(conv), activation: null });
        }
        shape = outputShapeOf(last() as LayerSpec);
        continue;
      }
      case 'BatchNormalization': {
        if (layout === 'nhwc') throw new ModelError(`${where}: BatchNormalization of a channels-last map; ONNX normalises axis 1 (Transpose to NCHW first)`);
        const [scale, shift, mean, variance] = inputs.slice(1, 5).map((name) => parameter(name, node).values);
        const inputShape: Shape = layout === 'nchw' && shape ? shape : [1, 1, scale.length];
        if ([scale, shift, mean, variance].some((values) => values?.length !== inputShape[2])) {
          throw new ModelError(`${where}: BatchNormalization needs a scale, shift, mean and variance for each of its ${inputShape[2]} channels`);
        }
        // Another ε folds into the variance: (x − μ)/√(σ² + ε) = (x − μ)/√((σ² + ε − ours) + ours).
        const epsilon = floatAttribute(node, 'epsilon', 1e-5);
        const ours = Math.fround(epsilon) === Math.fround(BATCHNORM_EPSILON);
        const runningVariance = ours ? variance : variance.map((value) => value + epsilon - BATCHNORM_EPSILON);
        if (runningVariance.some((value) => !(value >= 0))) throw new ModelError(`${where}: BatchNormalization with epsilon ${epsilon} below the playground's ${BATCHNORM_EPSILON} and a variance near 0`);
        layers.push({ type: 'batchnorm', inputShape, weights: scale, biases: shift, runningMean: mean, runningVariance });
        continue;
      }
      case 'Gemm':
      case 'MatMul': {
        if (layout !== 'vector') throw new ModelError(`${where}: ${op} on an image map; flatten it first`);
        if (op === 'Gemm' && (intAttribute(node, 'transA', 0) !== 0 || floatAttribute(node, 'alpha', 1) !== 1 || floatAttribute(node, 'beta', 1) !== 1)) {
          throw new ModelError(`${where}: Gemm with transA, alpha or beta is not a plain dense layer`);
        }
        const w = parameter(inputs[1], node);
        if (w.dims.length !== 2) throw new ModelError(`${where}: weights of shape [${w.dims.join(', ')}] are not a matrix`);
        // Ours is [outputs, inputs]: Gemm with transB = 1 stores that; MatMul and Gemm without it store [inputs, outputs].
        const transposed = op === 'Gemm' && intAttribute(node, 'transB', 0) === 1;
        const [outputs, inputCount] = transposed ? w.dims : [w.dims[1], w.dims[0]];
        const weights = transposed ? w.values : transpose(w.values, inputCount, outputs);
        const biases = op === 'Gemm' && inputs[2] ? parameter(inputs[2], node).values : null;
        layers.push({ type: 'dense', weights, biases, inputs: inputCount, outputs, activation: null });
        continue;
      }
    }
    const layer = last();
    if (op === 'Add') {
      if (layer?.type !== 'dense' || layer.biases || layer.activation) throw new ModelError(`${where}: an Add that is not a dense layer's bias`);
      const other = inputs.find((name) => name !== dataInput) ?? '';
      layer.biases = parameter(other, node).values;
      continue;
    }
    if (!layer || !('activation' in layer) || layer.activation) throw new ModelError(`${where}: ${op} must follow a dense or convolution layer`);
    if (op === 'LeakyRelu' && Math.abs(floatAttribute(node, 'alpha', 0.01) - LEAKY_SLOPE) > 1e-7) {
      throw new ModelError(`${where}: LeakyRelu with alpha ${floatAttribute(node, 'alpha', 0.01)}; the playground's slope is ${LEAKY_SLOPE}`);
    }
    if (op === 'Softmax' && (layout !== 'vector' || ![-1, 1].includes(intAttribute(node, 'axis', -1)))) {
      throw new ModelError(`${where}: Softmax over axis ${intAttribute(node, 'axis', -1)}, not over the classes`);
    }
    layer.activation = ACTIVATION_OPS[op];
  }

  const outputName = graph.output?.[0]?.name;
  if (!layers.some((layer) => layer.type === 'dense')) throw new ModelError('this ONNX model has no dense layer');
  if (outputName !== current) throw new ModelError('the ONNX graph\'s output is not the end of its chain of layers');
  // A stack of dense layers with a typed layer among them (batch normalisation) keeps its typed layers.
  if (!input && layers.some((layer) => layer.type !== 'dense')) input = [1, 1, (layers[0] as { inputs: number }).inputs];
  let below = input ?? ([1, 1, (layers[0] as { inputs: number }).inputs] as Shape);
  const specs = layers.map((layer, l): LayerSpec => {
    if (layer.type !== 'dense') {
      const spec = 'activation' in layer ? { ...layer, activation: layer.activation ?? 'Linear' } : layer;
      below = outputShapeOf(spec);
      return spec;
    }
    if (layer.inputs !== shapeSize(below)) {
      throw new ModelError(`ONNX layer ${l + 1} takes ${layer.inputs} inputs but layer ${l} gives ${shapeSize(below)}`);
    }
    const biases = layer.biases ?? new Float32Array(layer.outputs);
    if (biases.length !== layer.outputs) throw new ModelError(`ONNX layer ${l + 1}: ${biases.length} biases for ${layer.outputs} outputs`);
    below = [1, 1, layer.outputs];
    return { inputs: layer.inputs, outputs: layer.outputs, activation: layer.activation ?? 'Linear', weights: layer.weights, biases };
  });
  const dense = specs.filter(isDenseSpec);
  let config: Config;
  try {
    config = checkConfig({
      ...SEED_CONFIG,
      // The seed trains one sample at a time, which batch normalisation cannot: it gets batches of 32.
      ...(specs.some((spec) => spec.type === 'batchnorm') ? { batchSize: 32 } : {}),
      layers: [shapeSize(input ?? [1, 1, dense[0].inputs]), ...(input ? [] : dense.map((s) => s.outputs)), ...(input ? [dense[dense.length - 1].outputs] : [])],
      activations: input ? [dense[dense.length - 1].activation] : dense.map((s) => s.activation),
      ...(input ? { stack: { input, layers: specs.map(describeSpec) } } : {}),
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

/** ONNX is protobuf: its first field, ir_version (1, a varint), starts with the byte 0x08; JSON never does. */
export const isOnnxFile = (name: string, bytes: Uint8Array): boolean => /\.onnx$/i.test(name) || bytes[0] === 0x08;

/** A model file's bytes as the text of our model file: ONNX converted, JSON (ours or neural-net-rs's) decoded. */
export function modelFileText(name: string, bytes: Uint8Array): string {
  return isOnnxFile(name, bytes) ? onnxModelText(bytes) : new TextDecoder().decode(bytes);
}
