/**
 * PyTorch export: model.py (an nn.Module with our layers, our initialisation and the
 * config), train.py (our training recipe, on one process or many with torchrun) and the
 * weights as model.safetensors, keyed as model.py's state_dict names them.
 */
import type { Config } from '../engine/config.ts';
import { configToJson, describeNetwork } from '../formats/config-format.ts';
import { isDenseSpec, type LayerDescription, type LayerSpec } from '../engine/layer.ts';
import { layerHeader } from '../engine/layer-kinds.ts';
import { stackSpecs } from '../formats/model-format.ts';
import { type ExportModel, imageShape, inputSteps } from './export-model.ts';
import { TRAIN_PY } from './pytorch-train.ts';
import { ACTIVATION_EXPORTS, layerExport, TO_CHANNELS_FIRST, TO_CHANNELS_LAST } from './registry.ts';
import { encodeSafetensors, type NamedTensor } from './safetensors.ts';

/**
 * The layers a config builds, without their parameters: enough to write model.py before
 * any training ("Show code").
 */
function configLayers(config: Config): LayerSpec[] {
  return stackSpecs(
    config.stack ?? {
      input: [1, 1, config.layers[0]],
      layers: config.activations.map((activation, l): LayerDescription => ({ type: 'dense', units: config.layers[l + 1], activation })),
    },
  );
}

/** model.py's list of modules: "dense" for a stack of dense layers (as checkpoints have always named them), "layers" otherwise. */
function moduleList(layers: readonly LayerSpec[]): string {
  return layers.every(isDenseSpec) ? 'dense' : 'layers';
}

/** The forward pass, one line per step; a Softmax output is left to `probabilities`. */
function forwardLines(config: Config, layers: readonly LayerSpec[]): string[] {
  const last = layers.length - 1;
  const list = moduleList(layers);
  const steps = inputSteps(layers);
  const [height, width, channels] = imageShape(layers);
  return layers.flatMap((spec, l) => {
    const lines: string[] = [];
    if (l === 0) {
      lines.push(steps[0] === 'reshape' ? `x = x.reshape(-1, ${height}, ${width}, ${channels}).permute(${TO_CHANNELS_FIRST.join(', ')})` : 'x = x.reshape(x.shape[0], -1)');
    }
    if (steps[l] === 'flatten') lines.push(`x = x.permute(${TO_CHANNELS_LAST.join(', ')}).flatten(1)`);
    lines.push(`x = ${layerExport(spec).torch(spec).call(`self.${list}[${l}]`)}`);
    if (!('activation' in spec) || (l === last && spec.activation === 'Softmax')) return lines;
    if (spec.activation !== 'Linear') lines.push(`x = ${ACTIVATION_EXPORTS[spec.activation].torch}`);
    if (isDenseSpec(spec) && l < last && config.dropout > 0) lines.push('x = self.dropout(x)');
    return lines;
  });
}

export function modelPy(config: Config): string {
  const output = config.activations[config.activations.length - 1];
  const softmaxOutput = output === 'Softmax';
  const layers = configLayers(config);
  const list = moduleList(layers);
  const modules = layers.map((spec) => layerExport(spec).torch(spec).module);
  const json = JSON.stringify(configToJson(config));
  return String.raw`"""${describeNetwork(config)}, exported from MNIST Playground.

Net is the playground's network as a PyTorch module. Inputs are 28x28 images scaled to [0, 1]
(any shape [batch, ...] with 784 values per image). ${
    softmaxOutput
      ? 'forward() returns logits (train them with nn.CrossEntropyLoss, as the playground trains its Softmax output);\nprobabilities() applies the Softmax.'
      : `forward() returns the ${output} outputs (the playground trains them with half the squared error).`
  }
Weights load from model.safetensors in PyTorch's layouts: [out_features, in_features] (our own)
for nn.Linear, [out, in, kh, kw] for nn.Conv2d (ours is [out, kh, kw, in]). Image maps are NCHW
inside; they go back to our channels-last order before they are flattened, so a Linear after
them keeps our weights.
our_init() draws the initial weights exactly as the playground does for the same seed.
"""
import json
import math

import torch
import torch.nn.functional as F
from torch import nn

CONFIG = json.loads(r'''${json}''')
SOFTMAX_OUTPUT = ${softmaxOutput ? 'True' : 'False'}
# Each layer's type and shape as the playground's model files write them (None: dense layers, version 1 files).
LAYER_HEADERS = ${list === 'layers' ? `json.loads(r'''${JSON.stringify(layers.map(layerHeader))}''')` : 'None'}


class Net(nn.Module):
    def __init__(self, dropout=CONFIG["dropout"]):
        super().__init__()
        self.${list} = nn.ModuleList([
            ${modules.join(',\n            ')},
        ])
        # Inverted dropout on every hidden dense layer's output, as in the playground.
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        ${forwardLines(config, layers).join('\n        ')}
        return x

    def probabilities(self, x):
        """The playground's outputs: class probabilities for a Softmax output."""
        return ${softmaxOutput ? 'torch.softmax(self(x), dim=-1)' : 'self(x)'}


def mulberry32(seed):
    """The playground's random generator (integer arithmetic mod 2^32): the same stream for the same seed."""
    state = seed & 0xFFFFFFFF

    def next_float():
        nonlocal state
        state = (state + 0x6D2B79F5) & 0xFFFFFFFF
        t = state
        t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
        t ^= (t + (((t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF)) & 0xFFFFFFFF
        return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

    return next_float


def our_init(net, seed=CONFIG["seed"], init=CONFIG["init"], rand=None):
    """Initial weights as the playground draws them, layer by layer, weights then biases. fan_in is
    the values each output sums (inputs, or kh*kw*in of a convolution), fan_out the values each
    input feeds (outputs, or kh*kw*out): 'uniform': weights and biases U(-1/sqrt(fan_out),
    +1/sqrt(fan_out)); 'xavier': weights U(+-sqrt(6/(fan_in + fan_out))), biases 0; 'he': weights
    N(0, 2/fan_in) by Box-Muller, biases 0. Convolution weights are drawn in our [out, kh, kw, in] order.
    Pass the generator as rand to go on drawing from where the weights left it, as the playground's
    trainer does for its shuffles."""
    rand = rand or mulberry32(seed)
    with torch.no_grad():
        for layer in net.${list}:
            # Batch normalisation starts at scale 1 and shift 0, as PyTorch's own does, drawing nothing.
            if not hasattr(layer, "weight") or isinstance(layer, nn.modules.batchnorm._BatchNorm):
                continue
            shape = layer.weight.shape
            outputs, inputs = shape[0], shape[1]
            window = shape[2] * shape[3] if len(shape) == 4 else 1
            fan_in, fan_out = inputs * window, outputs * window
            count = outputs * fan_in
            if init == "uniform":
                limit = 1 / math.sqrt(fan_out)
                weights = [(2 * rand() - 1) * limit for _ in range(count)]
                biases = [(2 * rand() - 1) * limit for _ in range(outputs)]
            elif init == "xavier":
                limit = math.sqrt(6 / (fan_in + fan_out))
                weights = [(2 * rand() - 1) * limit for _ in range(count)]
                biases = [0.0] * outputs
            else:
                deviation = math.sqrt(2 / fan_in)
                weights = []
                for _ in range(count):
                    radius = math.sqrt(-2 * math.log(1 - rand()))
                    weights.append(radius * math.cos(2 * math.pi * rand()) * deviation)
                biases = [0.0] * outputs
            drawn = torch.tensor(weights, dtype=torch.float64)
            if len(shape) == 4:
                drawn = drawn.reshape(outputs, shape[2], shape[3], inputs).permute(0, 3, 1, 2)
            layer.weight.copy_(drawn.reshape(shape))
            layer.bias.copy_(torch.tensor(biases, dtype=torch.float64))
    return net
`;
}

export function safetensorsOf(model: ExportModel): Uint8Array {
  const list = moduleList(model.layers);
  const tensors: NamedTensor[] = model.layers.flatMap((spec, l) => {
    const { parameters, counters = [] } = layerExport(spec).torch(spec);
    return [
      ...parameters.map((p): NamedTensor => ({ name: `${list}.${l}.${p.name}`, shape: p.shape, values: p.values })),
      ...counters.map((name): NamedTensor => ({ name: `${list}.${l}.${name}`, shape: [], values: new BigInt64Array(1) })),
    ];
  });
  return encodeSafetensors(tensors, { format: 'pt', producer: 'mnist-playground' });
}

export function exportPytorch(model: ExportModel): { name: string; bytes: Uint8Array }[] {
  const text = (s: string) => new TextEncoder().encode(s);
  return [
    { name: 'model.py', bytes: text(modelPy(model.config)) },
    { name: 'train.py', bytes: text(TRAIN_PY) },
    { name: 'model.safetensors', bytes: safetensorsOf(model) },
  ];
}
