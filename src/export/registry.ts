/**
 * How each layer type and each activation of the engine is written in every export
 * format, in one table. The tables are typed by the engine's own lists, so a new
 * activation or layer type does not compile until it has an entry for every format
 * (and registry.test.ts checks the same at run time).
 */
import type { Activation } from '../engine/config.ts';
import { LEAKY_SLOPE } from '../engine/activations.ts';
import type { DenseSpec } from '../engine/layer.ts';

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

/** The engine's layer types. Each gets an entry in LAYER_EXPORTS. */
export const LAYER_KINDS = ['dense'] as const;
export type LayerKind = (typeof LAYER_KINDS)[number];

/** A PyTorch module constructor call and how its parameters are named, for model.py. */
export interface TorchLayer {
  module: string;
  /** Parameter name (after the module's name) → shape, and its values in PyTorch's layout. */
  parameters: { name: string; shape: number[]; values: Float32Array }[];
}

export interface TfjsLayer {
  className: string;
  config: Record<string, unknown>;
  /** Weights in Keras's order and layout. */
  weights: { name: string; shape: number[]; values: Float32Array }[];
}

export interface OnnxLayer {
  opType: string;
  /** Names of the parameter inputs after the data input, with their shapes and values. */
  parameters: { name: string; shape: number[]; values: Float32Array }[];
  ints?: Record<string, number>;
}

export interface LayerExport<S> {
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

export const LAYER_EXPORTS: { readonly [K in LayerKind]: LayerExport<DenseSpec> } = {
  dense: {
    // Gemm with transB = 1 takes W as [outputs, inputs]: our layout, unchanged.
    onnx: (spec, name) => ({
      opType: 'Gemm',
      parameters: [
        { name: `${name}.weight`, shape: [spec.outputs, spec.inputs], values: spec.weights },
        { name: `${name}.bias`, shape: [spec.outputs], values: spec.biases },
      ],
      ints: { transB: 1 },
    }),
    // nn.Linear keeps weight as [out_features, in_features]: our layout too.
    torch: (spec) => ({
      module: `nn.Linear(${spec.inputs}, ${spec.outputs})`,
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
};
