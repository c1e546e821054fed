/**
 * ONNX export: our network as an ONNX ModelProto (opset 13), encoded by the `onnx-proto`
 * package (the official onnx.proto compiled for protobufjs). Input "input" is
 * [batch, 784] pixels in [0, 1]; output "output" is what our network outputs (class
 * probabilities for a Softmax output).
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { type ExportModel, littleEndianBytes } from './export-model.ts';
import { ACTIVATION_EXPORTS, LAYER_EXPORTS } from './registry.ts';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13 (onnx 1.8), which every runtime since 2020 reads. */
export const ONNX_IR_VERSION = 7;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

function attributes(floats: Record<string, number> = {}, ints: Record<string, number> = {}): Onnx.IAttributeProto[] {
  return [
    ...Object.entries(floats).map(([name, f]) => ({ name, type: onnx.AttributeProto.AttributeType.FLOAT, f })),
    ...Object.entries(ints).map(([name, i]) => ({ name, type: onnx.AttributeProto.AttributeType.INT, i })),
  ];
}

function floatTensorType(dims: (number | string)[]): Onnx.ITypeProto {
  return {
    tensorType: {
      elemType: onnx.TensorProto.DataType.FLOAT,
      shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
    },
  };
}

export function buildOnnxModel(model: ExportModel): Onnx.ModelProto {
  const nodes: Onnx.INodeProto[] = [];
  const initializers: Onnx.ITensorProto[] = [];
  let current = ONNX_INPUT;
  model.layers.forEach((spec, l) => {
    const name = `dense${l}`;
    const layer = LAYER_EXPORTS.dense.onnx(spec, name);
    for (const parameter of layer.parameters) {
      initializers.push({
        name: parameter.name,
        dims: parameter.shape,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: littleEndianBytes(parameter.values),
      });
    }
    nodes.push({
      name,
      opType: layer.opType,
      input: [current, ...layer.parameters.map((p) => p.name)],
      output: [`${name}.z`],
      attribute: attributes({}, layer.ints),
    });
    current = `${name}.z`;
    const activation = ACTIVATION_EXPORTS[spec.activation].onnx;
    if (activation) {
      const output = `${name}.a`;
      nodes.push({
        name: `${name}.${activation.opType}`,
        opType: activation.opType,
        input: [current],
        output: [output],
        attribute: attributes(activation.floats, activation.ints),
      });
      current = output;
    }
  });
  // The graph's output is a named value of its own: the last node writes it.
  nodes[nodes.length - 1].output = [ONNX_OUTPUT];
  const sizes = model.config.layers;
  return onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'mnist-playground',
    producerVersion: '1',
    docString: `${sizes.join('-')} ${model.config.activations.join('/')}, trained in MNIST Playground`,
    graph: {
      name: 'mnist_playground',
      node: nodes,
      initializer: initializers,
      input: [{ name: ONNX_INPUT, type: floatTensorType(['batch', sizes[0]]) }],
      output: [{ name: ONNX_OUTPUT, type: floatTensorType(['batch', sizes[sizes.length - 1]]) }],
    },
  });
}

/** The .onnx file's bytes. */
export function exportOnnx(model: ExportModel): Uint8Array {
  return onnx.ModelProto.encode(buildOnnxModel(model)).finish();
}
