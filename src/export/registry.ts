/**
 * How each layer type and each activation of the engine is written in every export
 * format, in one table. The tables are typed by the engine's own lists, so a new
 * activation or layer type does not compile until it has an entry for every format
 * (and registry.test.ts checks the same at run time, from the engine's lists).
 */
import type { Activation } from '../engine/config.ts';
import { LEAKY_SLOPE } from '../engine/activations.ts';
import { convGeometry } from '../engine/conv2d.ts';
import { BATCHNORM_EPSILON, BATCHNORM_MOMENTUM } from '../engine/batchnorm.ts';
import type { BatchNormSpec, Conv2DSpec, LayerSpec, LayerType, SpecOf } from '../engine/layer.ts';

/** An ONNX node that applies an activation to one tensor. */
export interface OnnxActivation {
  opType: string;
  /** Float attributes (LeakyRelu's alpha) and int attributes (Softmax's axis). */
  floats?: Record<string, number>;
  ints?: Record<string, number>;
}

/** A Keras/TF.js Layers way to apply an activation: the `activation` of the Dense itself, or a layer after it. */
export type TfjsActivation = { activation: string } | { layer: { className: string; config: Record<string, unknown> } };

export interface ActivationExport {
  /** null: no node at all (the identity). */
  onnx: OnnxActivation | null;
  /**
   * A PyTorch expression of `x`. A Softmax output is left out of the module's forward
   * (it returns logits for nn.CrossEntropyLoss) and applied by `probabilities`.
   */
  torch: string;
  tfjs: TfjsActivation;
}

export const ACTIVATION_EXPORTS: { readonly [A in Activation]: ActivationExport } = {
  Sigmoid: { onnx: { opType: 'Sigmoid' }, torch: 'torch.sigmoid(x)', tfjs: { activation: 'sigmoid' } },
  ReLU: { onnx: { opType: 'Relu' }, torch: 'torch.relu(x)', tfjs: { activation: 'relu' } },
  LeakyReLU: {
    onnx: { opType: 'LeakyRelu', floats: { alpha: LEAKY_SLOPE } },
    torch: `F.leaky_relu(x, ${LEAKY_SLOPE})`,
    // TF.js has no leaky activation string, only the layer.
    tfjs: { layer: { className: 'LeakyReLU', config: { alpha: LEAKY_SLOPE } } },
  },
  Tanh: { onnx: { opType: 'Tanh' }, torch: 'torch.tanh(x)', tfjs: { activation: 'tanh' } },
  Linear: { onnx: null, torch: 'x', tfjs: { activation: 'linear' } },
  Softmax: { onnx: { opType: 'Softmax', ints: { axis: -1 } }, torch: 'torch.softmax(x, dim=-1)', tfjs: { activation: 'softmax' } },
};

/** Values with a name and shape, as a format stores them. */
export interface NamedValues {
  name: string;
  shape: number[];
  values: Float32Array;
}

/** An ONNX operator and its attributes. */
export interface OnnxNode {
  opType: string;
  /** Float attributes: BatchNormalization's epsilon and momentum. */
  floats?: Record<string, number>;
  ints?: Record<string, number>;
  /** INTS attributes: kernel_shape, strides, pads, perm. */
  intLists?: Record<string, number[]>;
}

/**
 * A layer as ONNX nodes in a chain, on NCHW tensors; the first node takes the parameters
 * (named after the layer) as its inputs after the data.
 */
export interface OnnxLayer {
  nodes: OnnxNode[];
  parameters: NamedValues[];
}

/** A PyTorch module constructor call, how model.py's forward calls it, and its parameters. */
export interface TorchLayer {
  module: string;
  /** The forward step as an expression of `x`, given how the module is reached (self.layers[2]). */
  call(module: string): string;
  /** Parameter name (after the module's name) → shape, and its values in PyTorch's layout; buffers (running statistics) too. */
  parameters: NamedValues[];
  /** Integer scalar buffers the module's state_dict holds, saved as 0 (BatchNorm's num_batches_tracked, read only without a momentum). */
  counters?: string[];
}

export interface TfjsLayer {
  className: string;
  config: Record<string, unknown>;
  /** Weights in Keras's order and layout. */
  weights: NamedValues[];
}

export interface LayerExport<S> {
  /** The layer works value by value and keeps the tensor's layout: a vector stays a vector, a map a map. */
  keepsLayout?: boolean;
  onnx(spec: S, name: string): OnnxLayer;
  torch(spec: S): TorchLayer;
  tfjs(spec: S, name: string): TfjsLayer;
}

/** Our [outputs × inputs] row-major weights as [inputs × outputs] (Keras's kernel layout). */
export function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const result = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) result[c * rows + r] = values[r * cols + c];
  return result;
}

/**
 * Our W[f][ky][kx][c] to W[f][c][ky][kx] (ONNX's and PyTorch's OIHW), or back when
 * `fromOihw`: spec.weights are then in OIHW.
 */
function moveChannels(spec: Conv2DSpec, fromOihw: boolean): Float32Array {
  const { filters, kernelSize: k, weights } = spec;
  const channels = spec.inputShape[2];
  const result = new Float32Array(weights.length);
  for (let f = 0; f < filters; f++)
    for (let c = 0; c < channels; c++)
      for (let ky = 0; ky < k; ky++)
        for (let kx = 0; kx < k; kx++) {
          const ours = ((f * k + ky) * k + kx) * channels + c;
          const oihw = ((f * channels + c) * k + ky) * k + kx;
          if (fromOihw) result[ours] = weights[oihw];
          else result[oihw] = weights[ours];
        }
  return result;
}

export const kernelToOihw = (spec: Conv2DSpec): Float32Array => moveChannels(spec, false);
export const kernelFromOihw = (spec: Conv2DSpec): Float32Array => moveChannels(spec, true);

/** The zeros around the input that a convolution reads: 'same' puts the odd one after (see convGeometry). */
export function convPads(spec: Conv2DSpec): { top: number; left: number; bottom: number; right: number } {
  const along = (size: number) => {
    const { out, before } = convGeometry(size, spec.kernelSize, spec.stride, spec.padding);
    // A 'valid' window that does not reach the last rows leaves them out: no padding after.
    return { before, after: Math.max(0, (out - 1) * spec.stride + spec.kernelSize - size - before) };
  };
  const rows = along(spec.inputShape[0]);
  const columns = along(spec.inputShape[1]);
  return { top: rows.before, left: columns.before, bottom: rows.after, right: columns.after };
}

/** NCHW → NHWC: ONNX and PyTorch hold maps channels-first, our flattened maps are channels-last. */
export const TO_CHANNELS_LAST = [0, 2, 3, 1];
/** NHWC → NCHW. */
export const TO_CHANNELS_FIRST = [0, 3, 1, 2];

const plainCall = (module: string) => `${module}(x)`;

/** A pool with no padding: the same window and stride in every format, only the operator's name differs. */
function poolExport(onnxOp: string, torchModule: string, tfjsClass: string): LayerExport<{ poolSize: number; stride: number }> {
  return {
    onnx: (spec) => ({ nodes: [{ opType: onnxOp, intLists: { kernel_shape: [spec.poolSize, spec.poolSize], strides: [spec.stride, spec.stride] } }], parameters: [] }),
    torch: (spec) => ({ module: `${torchModule}(${spec.poolSize}, stride=${spec.stride})`, call: plainCall, parameters: [] }),
    tfjs: (spec, name) => ({
      className: tfjsClass,
      config: { name, pool_size: [spec.poolSize, spec.poolSize], strides: [spec.stride, spec.stride], padding: 'valid', data_format: 'channels_last', trainable: true },
      weights: [],
    }),
  };
}

/** Scale, shift, running mean and running variance, in the order of ONNX's inputs and Keras's weights, under PyTorch's names. */
function batchNormValues(spec: BatchNormSpec): [string, Float32Array][] {
  return [
    ['weight', spec.weights],
    ['bias', spec.biases],
    ['running_mean', spec.runningMean],
    ['running_var', spec.runningVariance],
  ];
}

const TFJS_BATCHNORM: Record<string, string> = { weight: 'gamma', bias: 'beta', running_mean: 'moving_mean', running_var: 'moving_variance' };

export const LAYER_EXPORTS: { readonly [T in LayerType]: LayerExport<SpecOf<T>> } = {
  dense: {
    // Gemm with transB = 1 takes W as [outputs, inputs]: our layout, unchanged.
    onnx: (spec, name) => ({
      nodes: [{ opType: 'Gemm', ints: { transB: 1 } }],
      parameters: [
        { name: `${name}.weight`, shape: [spec.outputs, spec.inputs], values: spec.weights },
        { name: `${name}.bias`, shape: [spec.outputs], values: spec.biases },
      ],
    }),
    // nn.Linear keeps weight as [out_features, in_features]: our layout too.
    torch: (spec) => ({
      module: `nn.Linear(${spec.inputs}, ${spec.outputs})`,
      call: plainCall,
      parameters: [
        { name: 'weight', shape: [spec.outputs, spec.inputs], values: spec.weights },
        { name: 'bias', shape: [spec.outputs], values: spec.biases },
      ],
    }),
    tfjs: (spec, name) => ({
      className: 'Dense',
      config: { name, units: spec.outputs, use_bias: true, dtype: 'float32', trainable: true },
      weights: [
        { name: `${name}/kernel`, shape: [spec.inputs, spec.outputs], values: transpose(spec.weights, spec.outputs, spec.inputs) },
        { name: `${name}/bias`, shape: [spec.outputs], values: spec.biases },
      ],
    }),
  },
  conv2d: {
    onnx: (spec, name) => {
      const { top, left, bottom, right } = convPads(spec);
      const k = spec.kernelSize;
      return {
        nodes: [{ opType: 'Conv', intLists: { kernel_shape: [k, k], strides: [spec.stride, spec.stride], pads: [top, left, bottom, right] } }],
        parameters: [
          { name: `${name}.weight`, shape: [spec.filters, spec.inputShape[2], k, k], values: kernelToOihw(spec) },
          { name: `${name}.bias`, shape: [spec.filters], values: spec.biases },
        ],
      };
    },
    // nn.Conv2d pads both sides alike; an odd 'same' padding goes through F.pad first.
    torch: (spec) => {
      const { top, left, bottom, right } = convPads(spec);
      const k = spec.kernelSize;
      const symmetric = top === bottom && left === right;
      const padding = symmetric && top + left > 0 ? `, padding=(${top}, ${left})` : '';
      return {
        module: `nn.Conv2d(${spec.inputShape[2]}, ${spec.filters}, ${k}, stride=${spec.stride}${padding})`,
        call: symmetric ? plainCall : (module) => `${module}(F.pad(x, (${left}, ${right}, ${top}, ${bottom})))`,
        parameters: [
          { name: 'weight', shape: [spec.filters, spec.inputShape[2], k, k], values: kernelToOihw(spec) },
          { name: 'bias', shape: [spec.filters], values: spec.biases },
        ],
      };
    },
    // Keras's kernel is [ky][kx][c][f]: ours with the filter axis moved last.
    tfjs: (spec, name) => {
      const k = spec.kernelSize;
      const channels = spec.inputShape[2];
      return {
        className: 'Conv2D',
        config: {
          name,
          filters: spec.filters,
          kernel_size: [k, k],
          strides: [spec.stride, spec.stride],
          padding: spec.padding,
          data_format: 'channels_last',
          dilation_rate: [1, 1],
          use_bias: true,
          dtype: 'float32',
          trainable: true,
        },
        weights: [
          { name: `${name}/kernel`, shape: [k, k, channels, spec.filters], values: transpose(spec.weights, spec.filters, k * k * channels) },
          { name: `${name}/bias`, shape: [spec.filters], values: spec.biases },
        ],
      };
    },
  },
  maxpool2d: poolExport('MaxPool', 'nn.MaxPool2d', 'MaxPooling2D'),
  avgpool2d: poolExport('AveragePool', 'nn.AvgPool2d', 'AveragePooling2D'),
  batchnorm: {
    keepsLayout: true,
    // ONNX normalises axis 1, the channels of NCHW maps and the units of [N, units] vectors alike.
    onnx: (spec, name) => ({
      nodes: [{ opType: 'BatchNormalization', floats: { epsilon: BATCHNORM_EPSILON, momentum: 1 - BATCHNORM_MOMENTUM } }],
      parameters: batchNormValues(spec).map(([suffix, values]) => ({ name: `${name}.${suffix}`, shape: [values.length], values })),
    }),
    // BatchNorm1d takes [N, C] only: a [1, 1, C] input that arrives as an NCHW map of 1×1 goes through as [N, C].
    torch: (spec) => {
      const channels = spec.inputShape[2];
      const vector = spec.inputShape[0] * spec.inputShape[1] === 1;
      return {
        module: `nn.BatchNorm${vector ? '1d' : '2d'}(${channels}, eps=${BATCHNORM_EPSILON}, momentum=${BATCHNORM_MOMENTUM})`,
        call: vector ? (module) => `${module}(x.flatten(1)).view_as(x)` : plainCall,
        parameters: batchNormValues(spec).map(([name, values]) => ({ name, shape: [values.length], values })),
        counters: ['num_batches_tracked'],
      };
    },
    // Keras's momentum is the share the running statistics keep: 1 − PyTorch's.
    tfjs: (spec, name) => ({
      className: 'BatchNormalization',
      config: { name, axis: -1, momentum: 1 - BATCHNORM_MOMENTUM, epsilon: BATCHNORM_EPSILON, center: true, scale: true, dtype: 'float32', trainable: true },
      weights: batchNormValues(spec).map(([suffix, values]) => ({ name: `${name}/${TFJS_BATCHNORM[suffix]}`, shape: [values.length], values })),
    }),
  },
  // Our flattened maps are channels-last: NCHW goes back to NHWC before it is flattened.
  flatten: {
    onnx: () => ({ nodes: [{ opType: 'Transpose', intLists: { perm: TO_CHANNELS_LAST } }, { opType: 'Flatten', ints: { axis: 1 } }], parameters: [] }),
    torch: () => ({ module: 'nn.Flatten()', call: (module) => `${module}(x.permute(${TO_CHANNELS_LAST.join(', ')}))`, parameters: [] }),
    tfjs: (_spec, name) => ({ className: 'Flatten', config: { name, data_format: 'channels_last', trainable: true }, weights: [] }),
  },
};

/** The export of one layer, whichever its type. */
export function layerExport(spec: LayerSpec): LayerExport<LayerSpec> {
  return LAYER_EXPORTS[spec.type ?? 'dense'] as LayerExport<LayerSpec>;
}
