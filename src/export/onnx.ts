/**
 * ONNX export: our network as an ONNX ModelProto (opset 13), encoded by the `onnx-proto`
 * package (the official onnx.proto compiled for protobufjs). Input "input" is
 * [batch, 784] pixels in [0, 1], whatever the layers; output "output" is what our network outputs (class
 * probabilities for a Softmax output).
 */
import onnxProto, { type onnx as Onnx } from 'onnx-proto';
import { describeNetwork } from '../formats/config-format.ts';
import { type ExportModel, imageShape, inputSteps, littleEndianBytes } from './export-model.ts';
import { ACTIVATION_EXPORTS, LAYER_EXPORTS, layerExport, type OnnxActivation, type OnnxNode, TO_CHANNELS_FIRST } from './registry.ts';

const { onnx } = onnxProto;

export const ONNX_OPSET = 13;
/** IR version 7 goes with opset 13 (onnx 1.8), which every runtime since 2020 reads. */
export const ONNX_IR_VERSION = 7;
export const ONNX_INPUT = 'input';
export const ONNX_OUTPUT = 'output';

function attributes(node: OnnxNode | OnnxActivation): Onnx.IAttributeProto[] {
  const { AttributeType } = onnx.AttributeProto;
  return [
    ...Object.entries(node.floats ?? {}).map(([name, f]) => ({ name, type: AttributeType.FLOAT, f })),
    ...Object.entries(node.ints ?? {}).map(([name, i]) => ({ name, type: AttributeType.INT, i })),
    ...Object.entries('intLists' in node ? (node.intLists ?? {}) : {}).map(([name, ints]) => ({ name, type: AttributeType.INTS, ints })),
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

/**
 * The graph takes [batch, size] pixels for every network, as the dense ones always did: the
 * same input feeds any model we export. A network on image maps reshapes it to NHWC and
 * transposes to ONNX's NCHW; a flatten transposes back to NHWC first, so the dense layer
 * after it reads values in our order and keeps our weights as they are.
 */
export function buildOnnxModel(model: ExportModel): Onnx.ModelProto {
  const nodes: Onnx.INodeProto[] = [];
  const initializers: Onnx.ITensorProto[] = [];
  let current = ONNX_INPUT;
  /** Adds a node reading `current` (and `inputs` after it); its output becomes `current`. */
  const add = (name: string, node: OnnxNode | OnnxActivation, inputs: string[] = []) => {
    const output = `${name}.out`;
    nodes.push({ name, opType: node.opType, input: [current, ...inputs], output: [output], attribute: attributes(node) });
    current = output;
  };
  const flatten = (name: string) => LAYER_EXPORTS.flatten.onnx({ type: 'flatten', inputShape: [1, 1, 1] }, name).nodes.forEach((node, i) => add(`${name}.${i}`, node));
  const steps = inputSteps(model.layers);
  model.layers.forEach((spec, l) => {
    const name = `${spec.type ?? 'dense'}${l}`;
    if (steps[l] === 'reshape') {
      const shapeName = `${name}.input_shape`;
      initializers.push({ name: shapeName, dims: [4], dataType: onnx.TensorProto.DataType.INT64, int64Data: [-1, ...imageShape(model.layers)] });
      add(`${name}.reshape`, { opType: 'Reshape' }, [shapeName]);
      add(`${name}.to_nchw`, { opType: 'Transpose', intLists: { perm: TO_CHANNELS_FIRST } });
    }
    if (steps[l] === 'flatten') flatten(`${name}.flatten`);
    const layer = layerExport(spec).onnx(spec, name);
    for (const parameter of layer.parameters) {
      initializers.push({
        name: parameter.name,
        dims: parameter.shape,
        dataType: onnx.TensorProto.DataType.FLOAT,
        rawData: littleEndianBytes(parameter.values),
      });
    }
    layer.nodes.forEach((node, i) => add(i === 0 ? name : `${name}.${i}`, node, i === 0 ? layer.parameters.map((p) => p.name) : []));
    const activation = 'activation' in spec ? ACTIVATION_EXPORTS[spec.activation].onnx : null;
    if (activation) add(`${name}.${activation.opType}`, activation);
  });
  // The graph's output is a named value of its own: the last node writes it.
  nodes[nodes.length - 1].output = [ONNX_OUTPUT];
  const sizes = model.config.layers;
  return onnx.ModelProto.create({
    irVersion: ONNX_IR_VERSION,
    opsetImport: [{ domain: '', version: ONNX_OPSET }],
    producerName: 'mnist-playground',
    producerVersion: '1',
    docString: `${describeNetwork(model.config)}, trained in MNIST Playground`,
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
