/**
 * Reads an ONNX model back into our layers: ours, and multilayer perceptrons and CNNs from
 * other frameworks (torch.onnx.export, NCHW; Keras through tf2onnx, NHWC): Conv, MaxPool,
 * AveragePool, BatchNormalization (folded into the layer before), activations, Flatten,
 * Reshape and Transpose around them, Gemm or MatMul and Add, Softmax. A graph using operators
 * we do not have is refused with their names; so is anything that is not a chain of our layers
 * from the pixels to the classes.
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
  /** BatchNormalization nodes folded into the Conv, Gemm or MatMul before them. */
  foldedBatchNorms: number;
}

const ACTIVATION_OPS: Record<string, Activation> = {
  Sigmoid: 'Sigmoid',
  Relu: 'ReLU',
  LeakyRelu: 'LeakyReLU',
  Tanh: 'Tanh',
  Softmax: 'Softmax',
};

/** Operators that change nothing at inference. */
const PASS_THROUGH = new Set(['Identity', 'Dropout']);

/** Our pooling kinds by the operator their ONNX export writes (MaxPool → maxpool2d). */
const POOL_OPS = new Map<string, LayerType>(
  LAYER_TYPES.flatMap((type) => {
    const pool = kindOf(type).pool?.of(2, 2);
    if (!pool) return [];
    const spec = emptySpec([2, 2, 1], pool);
    return layerExport(spec).onnx(spec, type).nodes.map((node) => [node.opType, type] as const);
  }),
);

export const SUPPORTED_ONNX_OPS = ['Gemm', 'MatMul', 'Add', ...Object.keys(ACTIVATION_OPS), ...PASS_THROUGH, 'Constant', 'Flatten', 'Reshape', 'Transpose', 'Conv', ...POOL_OPS.keys(), 'BatchNormalization'];

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
  | { type: 'dense'; weights: Float32Array; biases: Float32Array; inputs: number; outputs: number; activation: Activation | null }
  | (Omit<Conv2DSpec, 'activation'> & { activation: Activation | null })
  | Exclude<LayerSpec, DenseSpec | Conv2DSpec>;

/** A layer with weights and a bias per output: what a BatchNormalization or an Add of a bias folds into. */
type Learned = Extract<Pending, { biases: Float32Array }>;

/** Where the data is: a [batch, values] vector, or an image map channels-last (NHWC, as ours) or channels-first (NCHW, as ONNX's Conv takes it). */
type Layout = 'vector' | 'nhwc' | 'nchw';

/** The graph input's dimensions (null for a symbolic one, the batch), or null when the file leaves its shape out. */
function inputDims(value: Onnx.IValueInfoProto | undefined): (number | null)[] | null {
  const dims = value?.type?.tensorType?.shape?.dim;
  if (!dims || dims.length === 0) return null;
  return dims.map((dim) => (Number(dim.dimValue ?? 0) > 0 ? Number(dim.dimValue) : null));
}

/** A 4-D tensor of one-channel images: [batch, 1, height, width] or [batch, height, width, 1] (a batch of -1, 0 or a name). */
function imageLayout(dims: readonly (number | null)[]): { layout: 'nchw' | 'nhwc'; shape: Shape } | null {
  if (dims.length !== 4) return null;
  const [, a, b, c] = dims.map((d) => (d !== null && d > 0 ? d : null));
  if (a === 1 && b && c) return { layout: 'nchw', shape: [b, c, 1] };
  if (c === 1 && a && b) return { layout: 'nhwc', shape: [a, b, 1] };
  return null;
}

/**
 * A dense layer's [outputs × inputs] weights whose inputs are a map flattened channels-first
 * (c, y, x), as PyTorch's Flatten of NCHW gives them, with the columns moved to the order our
 * flatten gives (y, x, c).
 */
function columnsToChannelsLast(weights: Float32Array, outputs: number, [height, width, channels]: Shape): Float32Array {
  const inputs = height * width * channels;
  const positions = height * width;
  const result = new Float32Array(weights.length);
  for (let o = 0; o < outputs; o++)
    for (let c = 0; c < channels; c++)
      for (let p = 0; p < positions; p++) result[o * inputs + p * channels + c] = weights[o * inputs + c * positions + p];
  return result;
}

/**
 * scale·(z − mean)/√(variance + ε) + shift on each output z of `layer`, folded into its weights
 * and bias. Exact at inference, where mean and variance are the stored running statistics: the
 * imported layer computes what the pair computed, up to float32 rounding.
 */
function foldBatchNorm(layer: Learned, [scale, shift, mean, variance]: Float32Array[], epsilon: number): void {
  const outputs = layer.biases.length;
  const perOutput = layer.weights.length / outputs;
  for (let o = 0; o < outputs; o++) {
    const factor = scale[o] / Math.sqrt(variance[o] + epsilon);
    for (let i = o * perOutput; i < (o + 1) * perOutput; i++) layer.weights[i] *= factor;
    layer.biases[o] = (layer.biases[o] - mean[o]) * factor + shift[o];
  }
}

/** The pads [top, left, bottom, right] an auto_pad of SAME_UPPER or VALID means on `shape` (ONNX's rule: the odd one after). */
function autoPads(mode: string, [height, width]: Shape, kernel: number, stride: number): number[] {
  if (mode === 'VALID') return [0, 0, 0, 0];
  const along = (size: number) => {
    const total = Math.max(0, (Math.ceil(size / stride) - 1) * stride + kernel - size);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  const [top, bottom] = along(height);
  const [left, right] = along(width);
  return [top, left, bottom, right];
}

/**
 * An ONNX file as our layers and a config around them (the playground's defaults for
 * training). It reads maps as our own exports write them ([batch, pixels] reshaped to NHWC and
 * transposed to NCHW, a Transpose back to NHWC before the Flatten), as torch.onnx.export writes
 * them (an NCHW input straight into Conv, Flatten of NCHW, so the first dense layer's columns are
 * reordered to our channels-last flatten), and as tf2onnx writes Keras's (an NHWC input, a
 * Transpose to NCHW around the convolutions and back, Reshape, MatMul and Add).
 * BatchNormalization right after a Conv, Gemm or MatMul is folded into that layer.
 */
export function importOnnx(bytes: Uint8Array): ImportedModel {
  const model = decode(bytes);
  const graph = model.graph;
  if (!graph || !graph.node || graph.node.length === 0) throw new ModelError('not an ONNX model: it has no graph');

  const unsupported = new Map<string, string>();
  for (const node of graph.node) {
    const op = node.opType ?? '';
    if (!SUPPORTED_ONNX_OPS.includes(op) && !unsupported.has(op)) unsupported.set(op, node.name ? `${op} (node ${node.name})` : op);
  }
  if (unsupported.size > 0) {
    throw new ModelError(
      `this ONNX model uses operators the playground does not have: ${[...unsupported.values()].join(', ')} ` +
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

  const graphInputs = (graph.input ?? []).filter((i) => !constants.has(i.name ?? '') && !intConstants.has(i.name ?? ''));
  if (graphInputs.length !== 1) throw new ModelError(`an ONNX model for the playground takes one input (the pixels), this one takes ${graphInputs.length}`);
  let current = graphInputs[0].name ?? '';

  const layers: Pending[] = [];
  const last = () => layers[layers.length - 1];
  let layout: Layout = 'vector';
  /** The input image's shape, when the graph reads the pixels as a map. */
  let input: Shape | null = null;
  /** The map's [height, width, channels] while layout is a map. */
  let shape: Shape | null = null;
  /** A map flattened channels-first, whose values the next dense layer reads in that order. */
  let flattenedChannelsFirst: Shape | null = null;
  let foldedBatchNorms = 0;

  const dims = inputDims(graphInputs[0]);
  if (dims && dims.length === 4) {
    const image = imageLayout(dims);
    if (!image) {
      throw new ModelError(`the ONNX model's input has shape [${dims.map((d) => d ?? 'N').join(', ')}]; the playground reads one-channel images as [N, 1, height, width], [N, height, width, 1] or [N, pixels]`);
    }
    ({ layout, shape } = image);
    input = shape;
  }

  /** A Conv or dense layer with no activation yet, into which a bias Add or a BatchNormalization folds. */
  const foldable = (layer: Pending | undefined): boolean =>
    !!layer && 'activation' in layer && layer.activation === null && ((layer.type === 'conv2d' && layout === 'nchw') || (layer.type === 'dense' && layout === 'vector'));

  const flatten = () => {
    if (layout === 'vector') return;
    const map = shape as Shape;
    // The pixels flattened before any layer: a multilayer perceptron on one channel, which both orders agree on.
    if (layers.length === 0) input = null;
    else layers.push({ type: 'flatten', inputShape: map });
    if (layout === 'nchw' && map[2] > 1) flattenedChannelsFirst = map;
    layout = 'vector';
    shape = null;
  };

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
    // torch.onnx.export stores equal parameters once and names the copies through Identity nodes.
    if (op === 'Identity' && (constants.has(inputs[0]) || intConstants.has(inputs[0]))) {
      const values = constants.get(inputs[0]);
      const ints = intConstants.get(inputs[0]);
      if (values) constants.set(output, values);
      if (ints) intConstants.set(output, ints);
      continue;
    }
    const dataInput = op === 'Add' ? inputs.find((name) => !constants.has(name)) : inputs[0];
    if (dataInput !== current) {
      throw new ModelError(`${where}: the playground reads a chain of layers, but this ${op} does not take the previous node's output`);
    }
    current = output;
    if (PASS_THROUGH.has(op)) continue;
    // Every pooling operator our kinds export is read one way.
    switch (POOL_OPS.has(op) ? 'pool' : op) {
      case 'Reshape': {
        const target = intConstants.get(inputs[1]);
        if (!target) throw new ModelError(`${where}: Reshape to a computed shape; the playground reads a Reshape whose target shape is stored`);
        const image = layout === 'vector' && layers.length === 0 ? imageLayout(target) : null;
        if (image) {
          ({ layout, shape } = image);
          input = shape;
        } else if (target.length === 2 && target[0] <= 1 && (target[1] === -1 || layout === 'vector' || target[1] === shapeSize(shape as Shape))) {
          // A batch of 1 is a model exported for one image at a time (x.view(1, -1)): per image, the same flatten.
          flatten();
        } else {
          throw new ModelError(`${where}: Reshape to [${target.join(', ')}]; the playground reshapes only the input pixels to an image map, and a map to [batch, values]`);
        }
        continue;
      }
      case 'Flatten':
        if (intAttribute(node, 'axis', 1) !== 1) throw new ModelError(`${where}: Flatten at axis ${intAttribute(node, 'axis', 1)}; the playground flattens all but the batch (axis 1)`);
        flatten();
        continue;
      case 'Transpose': {
        const perm = intsAttribute(node, 'perm');
        if (layout === 'nhwc' && same(perm, TO_CHANNELS_FIRST)) layout = 'nchw';
        else if (layout === 'nchw' && same(perm, TO_CHANNELS_LAST)) layout = 'nhwc';
        else throw new ModelError(`${where}: Transpose with perm [${(perm ?? []).join(', ')}] is not a move between channels-last and channels-first maps`);
        continue;
      }
      case 'Conv':
      case 'pool': {
        if (layout !== 'nchw' || !shape) {
          throw new ModelError(`${where}: ${op} on ${layout === 'nhwc' ? 'a channels-last map (ONNX convolves channels-first: Transpose with perm [0, 3, 1, 2] first)' : 'a tensor that is not an image map from the input pixels'}`);
        }
        const kernel = intsAttribute(node, 'kernel_shape') ?? [];
        const strides = intsAttribute(node, 'strides') ?? [1, 1];
        const ones = (name: string) => same(intsAttribute(node, name) ?? [1, 1], [1, 1]);
        if (kernel.length !== 2 || kernel[0] !== kernel[1] || strides[0] !== strides[1] || !ones('dilations') || intAttribute(node, 'group', 1) !== 1) {
          throw new ModelError(`${where}: the playground's ${op} has square kernels, equal strides, no dilation and no groups`);
        }
        const inputShape = shape;
        // ceil_mode adds a window where the last one would cross the edge; where none does, it changes nothing.
        if (intAttribute(node, 'ceil_mode', 0) !== 0 && inputShape.slice(0, 2).some((side) => (side - kernel[0]) % strides[0] !== 0)) {
          throw new ModelError(`${where}: ${op} with ceil_mode, whose last window crosses the edge; the playground's pools keep whole windows only`);
        }
        const autoPad = new TextDecoder().decode(attribute(node, 'auto_pad')?.s ?? new Uint8Array());
        if (!['', 'NOTSET', 'VALID', 'SAME_UPPER'].includes(autoPad)) throw new ModelError(`${where}: auto_pad ${autoPad} is not read; give pads, or SAME_UPPER or VALID`);
        const pads = autoPad === 'VALID' || autoPad === 'SAME_UPPER' ? autoPads(autoPad, inputShape, kernel[0], strides[0]) : (intsAttribute(node, 'pads') ?? [0, 0, 0, 0]);
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
          const conv = { ...oihw, padding, activation: 'Linear' as const, biases: inputs[2] ? parameter(inputs[2], node).values.slice() : new Float32Array(w.dims[0]) };
          layers.push({ ...conv, weights: kernelFromOihw(conv), activation: null });
        }
        shape = outputShapeOf(last() as LayerSpec);
        continue;
      }
      case 'BatchNormalization': {
        // Right after a Conv, Gemm or MatMul with no activation yet (PyTorch's conv → batchnorm → ReLU),
        // it folds into that layer below, so the activation that follows has a layer to join; anywhere
        // else (after an activation, as the playground's own exports place it) it is a batchnorm layer.
        if (foldable(last())) break;
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
        let weights = transposed ? w.values.slice() : transpose(w.values, inputCount, outputs);
        if (flattenedChannelsFirst) {
          if (inputCount !== shapeSize(flattenedChannelsFirst)) {
            throw new ModelError(`${where}: ${inputCount} inputs, but the map flattened before it holds ${shapeSize(flattenedChannelsFirst)} values`);
          }
          weights = columnsToChannelsLast(weights, outputs, flattenedChannelsFirst);
          flattenedChannelsFirst = null;
        }
        const biases = op === 'Gemm' && inputs[2] ? parameter(inputs[2], node).values.slice() : new Float32Array(outputs);
        layers.push({ type: 'dense', weights, biases, inputs: inputCount, outputs, activation: null });
        continue;
      }
    }
    const layer = last();
    const learned = foldable(layer) ? (layer as Learned) : null;
    // Only a foldable one reaches here (the switch made any other a batchnorm layer).
    if (op === 'BatchNormalization' && learned) {
      if ((node.output ?? []).filter(Boolean).length > 1 || intAttribute(node, 'training_mode', 0) !== 0) {
        throw new ModelError(`${where}: BatchNormalization in training mode; export the model in eval mode`);
      }
      const statistics = inputs.slice(1, 5).map((name) => parameter(name, node).values);
      if (statistics.length !== 4 || statistics.some((values) => values.length !== learned.biases.length)) {
        throw new ModelError(`${where}: BatchNormalization needs scale, shift, mean and variance for each of the ${learned.biases.length} channels`);
      }
      foldBatchNorm(learned, statistics, floatAttribute(node, 'epsilon', 1e-5));
      foldedBatchNorms++;
      continue;
    }
    if (op === 'Add') {
      const bias = parameter(inputs.find((name) => name !== dataInput) ?? '', node);
      const count = learned?.biases.length ?? 0;
      // A bias per output: [units] or [1, units] after a dense layer, [channels, 1, 1] or [1, channels, 1, 1] after a Conv.
      const axis = learned?.type === 'conv2d' ? bias.dims.length - 3 : bias.dims.length - 1;
      if (!learned || bias.values.length !== count || bias.dims[axis] !== count) throw new ModelError(`${where}: an Add that is not a bias per output of the Conv, Gemm or MatMul before it`);
      for (let o = 0; o < count; o++) learned.biases[o] += bias.values[o];
      continue;
    }
    // Max pooling keeps each window's largest value, and every activation but Softmax keeps the order
    // of values, so one after a max pool is the same as one before it: on the convolution's output.
    let target = layer;
    if (op !== 'Softmax') {
      let below = layers.length - 1;
      while (below > 0 && layers[below].type === 'maxpool2d') below--;
      if (layers[below]?.type === 'conv2d') target = layers[below];
    }
    if (target?.type === 'batchnorm') {
      throw new ModelError(`${where}: ${op} after a BatchNormalization that does not follow a Conv, Gemm or MatMul directly; the playground's batch normalisation takes no activation after it`);
    }
    if (!target || !('activation' in target) || target.activation) throw new ModelError(`${where}: ${op} must follow a dense or convolution layer`);
    if (op === 'LeakyRelu' && Math.abs(floatAttribute(node, 'alpha', 0.01) - LEAKY_SLOPE) > 1e-7) {
      throw new ModelError(`${where}: LeakyRelu with alpha ${floatAttribute(node, 'alpha', 0.01)}; the playground's slope is ${LEAKY_SLOPE}`);
    }
    if (op === 'Softmax' && (layout !== 'vector' || ![-1, 1].includes(intAttribute(node, 'axis', -1)))) {
      throw new ModelError(`${where}: Softmax over axis ${intAttribute(node, 'axis', -1)}, not over the classes`);
    }
    target.activation = ACTIVATION_OPS[op];
  }

  if (flattenedChannelsFirst) throw new ModelError('the ONNX graph ends on a map flattened channels-first, whose values the playground orders otherwise');

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
    const { biases } = layer;
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
  return { config, layers: specs, producer: model.producerName || 'unknown', foldedBatchNorms };
}

/** An ONNX file as the text of our model file, which the worker loads like any other, and what the import changed, in words (null: nothing). */
export function onnxModelText(bytes: Uint8Array): { text: string; note: string | null } {
  const { config, layers, foldedBatchNorms: folded } = importOnnx(bytes);
  const note = folded > 0 ? `${folded === 1 ? 'its batch normalisation is' : `its ${folded} batch normalisations are`} folded into the layer before, exact at inference` : null;
  return { text: serializeModel({ config, layers, metrics: null }), note };
}

/** ONNX is protobuf: its first field, ir_version (1, a varint), starts with the byte 0x08; JSON never does. */
export const isOnnxFile = (name: string, bytes: Uint8Array): boolean => /\.onnx$/i.test(name) || bytes[0] === 0x08;

/** A model file's bytes as the text of our model file (ONNX converted, JSON decoded), and what converting changed. */
export function readModelBytes(name: string, bytes: Uint8Array): { text: string; note: string | null } {
  return isOnnxFile(name, bytes) ? onnxModelText(bytes) : { text: new TextDecoder().decode(bytes), note: null };
}

/** A model file's bytes as the text of our model file: ONNX converted, JSON (ours or neural-net-rs's) decoded. */
export function modelFileText(name: string, bytes: Uint8Array): string {
  return readModelBytes(name, bytes).text;
}
