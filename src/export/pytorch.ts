/**
 * PyTorch export: model.py (an nn.Module with our layers, our initialisation and the
 * config), train.py (our training recipe, on one process or many with torchrun) and the
 * weights as model.safetensors, keyed as model.py's state_dict names them.
 */
import type { Config } from '../engine/config.ts';
import { configToJson, describeNetwork } from '../formats/config-format.ts';
import type { ExportModel } from './export-model.ts';
import { TRAIN_PY } from './pytorch-train.ts';
import { ACTIVATION_EXPORTS, LAYER_EXPORTS } from './registry.ts';
import { encodeSafetensors, type NamedTensor } from './safetensors.ts';

/** The forward pass, one line per step; a Softmax output is left to `probabilities`. */
function forwardLines(config: Config): string[] {
  const last = config.activations.length - 1;
  return config.activations.flatMap((activation, l) => {
    const lines = [`x = self.dense[${l}](x)`];
    if (l === last && activation === 'Softmax') return lines;
    if (activation !== 'Linear') lines.push(`x = ${ACTIVATION_EXPORTS[activation].torch}`);
    if (l < last && config.dropout > 0) lines.push('x = self.dropout(x)');
    return lines;
  });
}

/** model.py for the config; for one with typed layers, a note that they are not exported yet instead of a wrong module. */
export function modelPy(config: Config): string {
  if (config.stack) return `# ${describeNetwork(config)}\n# Convolution, pooling and flatten layers are not exported to PyTorch yet.\n`;
  const output = config.activations[config.activations.length - 1];
  const softmaxOutput = output === 'Softmax';
  const modules = config.activations.map((activation, l) =>
    LAYER_EXPORTS.dense.torch({ inputs: config.layers[l], outputs: config.layers[l + 1], activation, weights: new Float32Array(0), biases: new Float32Array(0) }).module,
  );
  const json = JSON.stringify(configToJson(config));
  return String.raw`"""${config.layers.join('-')} ${config.activations.join('/')}, exported from MNIST Playground.

Net is the playground's network as a PyTorch module. Inputs are 28x28 images scaled to [0, 1]
(any shape [batch, ...] with 784 values per image). ${
    softmaxOutput
      ? 'forward() returns logits (train them with nn.CrossEntropyLoss, as the playground trains its Softmax output);\nprobabilities() applies the Softmax.'
      : `forward() returns the ${output} outputs (the playground trains them with half the squared error).`
  }
Weights load from model.safetensors (PyTorch's [out_features, in_features] layout, our own).
our_init() draws the initial weights exactly as the playground does for the same seed.
"""
import json
import math

import torch
import torch.nn.functional as F
from torch import nn

CONFIG = json.loads(r'''${json}''')
SOFTMAX_OUTPUT = ${softmaxOutput ? 'True' : 'False'}


class Net(nn.Module):
    def __init__(self, dropout=CONFIG["dropout"]):
        super().__init__()
        self.dense = nn.ModuleList([
            ${modules.join(',\n            ')},
        ])
        # Inverted dropout on every hidden layer's output, as in the playground.
        self.dropout = nn.Dropout(dropout)

    def forward(self, x):
        x = x.reshape(x.shape[0], -1)
        ${forwardLines(config).join('\n        ')}
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


def our_init(net, seed=CONFIG["seed"], init=CONFIG["init"]):
    """Initial weights as the playground draws them (fan_in = inputs, fan_out = outputs of a layer):
    'uniform': weights and biases U(-1/sqrt(fan_out), +1/sqrt(fan_out)); 'xavier': weights
    U(+-sqrt(6/(fan_in + fan_out))), biases 0; 'he': weights N(0, 2/fan_in) by Box-Muller, biases 0."""
    rand = mulberry32(seed)
    with torch.no_grad():
        for layer in net.dense:
            outputs, inputs = layer.weight.shape
            count = outputs * inputs
            if init == "uniform":
                limit = 1 / math.sqrt(outputs)
                weights = [(2 * rand() - 1) * limit for _ in range(count)]
                biases = [(2 * rand() - 1) * limit for _ in range(outputs)]
            elif init == "xavier":
                limit = math.sqrt(6 / (inputs + outputs))
                weights = [(2 * rand() - 1) * limit for _ in range(count)]
                biases = [0.0] * outputs
            else:
                deviation = math.sqrt(2 / inputs)
                weights = []
                for _ in range(count):
                    radius = math.sqrt(-2 * math.log(1 - rand()))
                    weights.append(radius * math.cos(2 * math.pi * rand()) * deviation)
                biases = [0.0] * outputs
            layer.weight.copy_(torch.tensor(weights, dtype=torch.float64).reshape(outputs, inputs))
            layer.bias.copy_(torch.tensor(biases, dtype=torch.float64))
    return net
`;
}

export function safetensorsOf(model: ExportModel): Uint8Array {
  const tensors: NamedTensor[] = model.layers.flatMap((spec, l) =>
    LAYER_EXPORTS.dense.torch(spec).parameters.map((p) => ({ name: `dense.${l}.${p.name}`, shape: p.shape, values: p.values })),
  );
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
