import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { type Config, SEED_CONFIG } from '../engine/config.ts';
import { Network } from '../engine/network.ts';
import { Momentum, type ParamGroup } from '../engine/optimizers.ts';
import { createRng } from '../engine/rng.ts';
import { configToJson } from '../formats/config-format.ts';
import { AGREEMENT_CASES, type Agreement, mnistTest, outputsOn, TEST_CONFIGS, writeExport, writeOutputs } from '../testing/export-models.ts';
import { projectPython, PythonSession, temporaryFolder } from '../testing/python-env.ts';
import { torchEnv } from '../testing/train-py.ts';
import { exportPytorch, modelPy } from './pytorch.ts';
import { encodeSafetensors } from './safetensors.ts';

describe('safetensors', () => {
  it('writes the length-prefixed JSON header, aligned to 8 bytes, then little-endian float32 tensors', () => {
    const bytes = encodeSafetensors([
      { name: 'a', shape: [2, 3], values: Float32Array.of(1, 2, 3, 4, 5, 6) },
      { name: 'b', shape: [2], values: Float32Array.of(-1, 0.5) },
    ]);
    const view = new DataView(bytes.buffer);
    const length = Number(view.getBigUint64(0, true));
    expect(length % 8).toBe(0);
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + length)));
    expect(header.a).toEqual({ dtype: 'F32', shape: [2, 3], data_offsets: [0, 24] });
    expect(header.b).toEqual({ dtype: 'F32', shape: [2], data_offsets: [24, 32] });
    expect(view.getFloat32(8 + length + 4 * 5, true)).toBe(6);
    expect(view.getFloat32(8 + length + 24, true)).toBe(-1);
    expect(bytes.length).toBe(8 + length + 32);
  });
});

describe('model.py', () => {
  it('holds the config and one line per layer and activation', () => {
    const config: Config = { ...SEED_CONFIG, layers: [784, 64, 32, 10], activations: ['LeakyReLU', 'Tanh', 'Softmax'], dropout: 0.25 };
    const text = modelPy(config);
    expect(text).toContain(`CONFIG = json.loads(r'''${JSON.stringify(configToJson(config))}''')`);
    expect(text).toContain('nn.Linear(784, 64),\n            nn.Linear(64, 32),\n            nn.Linear(32, 10),');
    expect(text).toContain('x = F.leaky_relu(x, 0.01)\n        x = self.dropout(x)\n        x = self.dense[1](x)\n        x = torch.tanh(x)');
    expect(text).toContain('SOFTMAX_OUTPUT = True');
  });

  it('shapes a CNN\'s pixels into NCHW maps, pads an odd \'same\' through F.pad and flattens channels-last', () => {
    const text = modelPy(TEST_CONFIGS.cnn);
    expect(text).toContain('self.layers = nn.ModuleList([\n            nn.Conv2d(1, 4, 5, stride=1, padding=(2, 2)),\n            nn.MaxPool2d(2, stride=2),');
    expect(text).toContain('x = x.reshape(-1, 28, 28, 1).permute(0, 3, 1, 2)\n        x = self.layers[0](x)\n        x = torch.relu(x)');
    // 14 → 7 at stride 2 with a 3×3 kernel: one zero, after.
    expect(text).toContain('x = self.layers[2](F.pad(x, (0, 1, 0, 1)))');
    expect(text).toContain('x = self.layers[5](x.permute(0, 2, 3, 1))\n        x = self.layers[6](x)\n        return x');
  });

  it('normalises maps with BatchNorm2d and a dense layer\'s units with BatchNorm1d, with our eps and momentum', () => {
    const text = modelPy(TEST_CONFIGS.cnnBatchnorm);
    expect(text).toContain('nn.Conv2d(1, 4, 5, stride=1, padding=(2, 2)),\n            nn.BatchNorm2d(4, eps=0.00001, momentum=0.1),\n            nn.AvgPool2d(2, stride=2),');
    expect(text).toContain('nn.Linear(288, 32),\n            nn.BatchNorm1d(32, eps=0.00001, momentum=0.1),');
    expect(text).toContain('x = torch.relu(x)\n        x = self.layers[8](x.flatten(1)).view_as(x)\n        x = self.layers[9](x)');
  });
});

const python = projectPython();
const data = mnistDataDir();

/** One group of parameters in plain arrays, as the optimizers take them. */
function groups(values: number[]): ParamGroup[] {
  return [{ params: Float32Array.from(values), grads: new Float32Array(values.length), l2: 0 }];
}

describe('PyTorch export, run by torch', () => {
  const checks = new PythonSession(python, torchEnv);
  afterAll(() => checks.close());

  it.each(AGREEMENT_CASES)('$name: model.py + model.safetensors predict as the playground does on the 10,000 test images', async ({ name, model: build, trained }) => {
    const model = build();
    const folder = temporaryFolder('torch-export-');
    writeExport(folder, exportPytorch(model));
    const ours = writeOutputs(folder, outputsOn(model.network, mnistTest()));
    const verdict = JSON.parse(await checks.run('check_predictions.py', ['--mnist', data, '--ours', ours, '--torch', folder])) as Agreement;
    console.log(`PyTorch ${name}: ${JSON.stringify(verdict)}`);
    expect(verdict.images).toBe(10_000);
    expect(verdict.sameClass / verdict.images).toBeGreaterThanOrEqual(0.999);
    expect(verdict.maxDifference).toBeLessThanOrEqual(1e-4);
    if (trained) expect(verdict.accuracy).toBeGreaterThan(0.8);
  });

  it.each(['uniform', 'xavier', 'he'] as const)("our_init draws the playground's %s initial weights exactly", async (init) => {
    const config: Config = { ...SEED_CONFIG, layers: [784, 20, 10], activations: ['ReLU', 'Softmax'], init, seed: 77 };
    const network = Network.create(config.layers, config.activations, init, createRng(config.seed));
    const folder = temporaryFolder('torch-init-');
    writeExport(folder, exportPytorch({ config, layers: network.toLayerSpecs() }));
    const { largestDifference } = JSON.parse(await checks.run('check_init.py', [folder])) as { largestDifference: number };
    expect(largestDifference).toBe(0);
  });

  it.each(['uniform', 'he'] as const)("our_init draws the playground's %s initial weights of a CNN exactly, kernels included", async (init) => {
    const config: Config = { ...TEST_CONFIGS.cnn, init, seed: 78 };
    const network = Network.forConfig(config, createRng(config.seed));
    const folder = temporaryFolder('torch-init-');
    writeExport(folder, exportPytorch({ config, layers: network.toLayerSpecs() }));
    const { largestDifference } = JSON.parse(await checks.run('check_init.py', [folder])) as { largestDifference: number };
    expect(largestDifference).toBe(0);
  });

  it("train.py's learning-rate decay moves the weights as the playground's momentum does across a change of rate", async () => {
    const start = [0.5, -0.25, 1, 0.125];
    const steps = [0.1, 0.1, 0.05, 0.05, 0.025].map((rate, step) => ({ rate, grad: start.map((_, i) => Math.cos(step * 3 + i)) }));
    const [group] = groups(start);
    const optimizer = new Momentum([group], steps[0].rate, 0.9);
    for (const { rate, grad } of steps) {
      optimizer.learningRate = rate;
      group.grads.set(grad);
      optimizer.step();
    }
    const folder = temporaryFolder('torch-lr-');
    writeExport(folder, exportPytorch({ config: TEST_CONFIGS.cnn, layers: Network.forConfig(TEST_CONFIGS.cnn, createRng(1)).toLayerSpecs() }));
    const casePath = join(folder, 'case.json');
    writeFileSync(casePath, JSON.stringify({ momentum: 0.9, start, steps, ours: Array.from(group.params) }));
    const { largestDifference } = JSON.parse(await checks.run('check_lr_decay.py', [folder, casePath])) as { largestDifference: number };
    expect(largestDifference).toBeLessThan(1e-6);
  });
});
