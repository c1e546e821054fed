import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { type Config, SEED_CONFIG } from '../engine/config.ts';
import { Network } from '../engine/network.ts';
import { Momentum, type ParamGroup } from '../engine/optimizers.ts';
import { createRng } from '../engine/rng.ts';
import { configToJson } from '../formats/config-format.ts';
import { serializeModel } from '../formats/model-format.ts';
import { AGREEMENT_CASES, type Agreement, mnistTest, outputsOn, TEST_CONFIGS, writeExport, writeOutputs } from '../testing/export-models.ts';
import { projectPython, runPythonScript, temporaryFolder } from '../testing/python-env.ts';
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
/** torch on a shared machine: one thread per process, as torchrun sets it. */
const torchEnv = { OMP_NUM_THREADS: '1', GLOO_SOCKET_IFNAME: 'lo' };

interface TrainReport {
  worldSize: number;
  testAccuracy: number;
  correct: number;
  replicaDigests: string[];
  localBatch: number;
  globalBatch: number;
  checkpoint: string;
}

async function run(command: string, args: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(command, args, { cwd, env: { ...process.env, ...torchEnv }, maxBuffer: 64 << 20 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const { code, stdout, stderr } = error as { code: number; stdout: string; stderr: string };
    return { code, stdout, stderr };
  }
}

const MAIN = join(import.meta.dirname, '../cli/main.ts');
const cli = (args: string[]) => run(process.execPath, ['--import', 'tsx', MAIN, ...args], process.cwd());

/** One group of parameters in plain arrays, as the optimizers take them. */
function groups(values: number[]): ParamGroup[] {
  return [{ params: Float32Array.from(values), grads: new Float32Array(values.length), l2: 0 }];
}

describe('PyTorch export, run by torch', () => {
  it.each(AGREEMENT_CASES)('$name: model.py + model.safetensors predict as the playground does on the 10,000 test images', ({ name, model: build, trained }) => {
    const model = build();
    const folder = temporaryFolder('torch-export-');
    writeExport(folder, exportPytorch(model));
    const ours = writeOutputs(folder, outputsOn(model.network, mnistTest()));
    const verdict = JSON.parse(runPythonScript(python, 'check_predictions.py', ['--mnist', data, '--ours', ours, '--torch', folder], torchEnv)) as Agreement;
    console.log(`PyTorch ${name}: ${JSON.stringify(verdict)}`);
    expect(verdict.images).toBe(10_000);
    expect(verdict.sameClass / verdict.images).toBeGreaterThanOrEqual(0.999);
    expect(verdict.maxDifference).toBeLessThanOrEqual(1e-4);
    if (trained) expect(verdict.accuracy).toBeGreaterThan(0.8);
  });

  it.each(['uniform', 'xavier', 'he'] as const)("our_init draws the playground's %s initial weights exactly", (init) => {
    const config: Config = { ...SEED_CONFIG, layers: [784, 20, 10], activations: ['ReLU', 'Softmax'], init, seed: 77 };
    const network = Network.create(config.layers, config.activations, init, createRng(config.seed));
    const folder = temporaryFolder('torch-init-');
    writeExport(folder, exportPytorch({ config, layers: network.toLayerSpecs() }));
    const { largestDifference } = JSON.parse(runPythonScript(python, 'check_init.py', [folder], torchEnv)) as { largestDifference: number };
    expect(largestDifference).toBe(0);
  });

  it.each(['uniform', 'he'] as const)("our_init draws the playground's %s initial weights of a CNN exactly, kernels included", (init) => {
    const config: Config = { ...TEST_CONFIGS.cnn, init, seed: 78 };
    const network = Network.forConfig(config, createRng(config.seed));
    const folder = temporaryFolder('torch-init-');
    writeExport(folder, exportPytorch({ config, layers: network.toLayerSpecs() }));
    const { largestDifference } = JSON.parse(runPythonScript(python, 'check_init.py', [folder], torchEnv)) as { largestDifference: number };
    expect(largestDifference).toBe(0);
  });

  it("train.py's learning-rate decay moves the weights as the playground's momentum does across a change of rate", () => {
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
    const { largestDifference } = JSON.parse(runPythonScript(python, 'check_lr_decay.py', [folder, casePath], torchEnv)) as { largestDifference: number };
    expect(largestDifference).toBeLessThan(1e-6);
  });

  it('train.py trains the CNN for an epoch; its checkpoint evaluates in our CLI as PyTorch reported, and training continues from it', { timeout: 300_000 }, async () => {
    const config = TEST_CONFIGS.cnn;
    const folder = temporaryFolder('torch-cnn-');
    writeExport(folder, exportPytorch({ config, layers: Network.forConfig(config, createRng(config.seed)).toLayerSpecs() }));
    const trained = await run(python, [
      join(folder, 'train.py'), '--data', data, '--from-scratch', '--epochs', '1', '--samples', '10000',
      '--out', join(folder, 'checkpoints'), '--report', join(folder, 'report.json'),
    ], folder);
    expect(trained.code, trained.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as TrainReport;
    console.log(`CNN, 1 epoch on 10,000: train.py ${(100 * report.testAccuracy).toFixed(2)}%`);
    expect(report.checkpoint).toBe(join(folder, 'checkpoints', 'model-trained.json'));
    expect(report.testAccuracy).toBeGreaterThan(0.8);

    const evaluated = await cli(['evaluate', '--model', report.checkpoint]);
    expect(evaluated.stderr).toBe('');
    const accuracy = Number(/Overall Accuracy: ([\d.]+)%/.exec(evaluated.stdout)?.[1]);
    // Float rounding may flip an image or two between the two engines.
    expect(Math.abs(accuracy - 100 * report.testAccuracy)).toBeLessThanOrEqual(0.02);

    const resumed = await run(python, [join(folder, 'train.py'), '--data', data, '--weights', report.checkpoint, '--epochs', '1', '--samples', '500', '--out', join(folder, 'resumed')], folder);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Starting from ${report.checkpoint}`);
  });

  it('train.py trains the CNN with batch normalisation (2049 samples in batches of 32: the lone last one joins the batch before it); its checkpoint keeps the running statistics and evaluates in our CLI as PyTorch reported', { timeout: 300_000 }, async () => {
    const config = TEST_CONFIGS.cnnBatchnorm;
    const folder = temporaryFolder('torch-bn-');
    writeExport(folder, exportPytorch({ config, layers: Network.forConfig(config, createRng(config.seed)).toLayerSpecs() }));
    const trained = await run(python, [
      join(folder, 'train.py'), '--data', data, '--from-scratch', '--epochs', '1', '--samples', '2049',
      '--out', join(folder, 'checkpoints'), '--report', join(folder, 'report.json'),
    ], folder);
    expect(trained.code, trained.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as TrainReport;
    console.log(`CNN with batch normalisation, 1 epoch on 2049: train.py ${(100 * report.testAccuracy).toFixed(2)}%`);
    expect(report.testAccuracy).toBeGreaterThan(0.8);
    const saved = JSON.parse(readFileSync(report.checkpoint, 'utf8')) as { layers: { type: string; running_var?: number[] }[] };
    expect(saved.layers[1].type).toBe('batchnorm');
    expect(saved.layers[1].running_var?.some((value) => value !== 1)).toBe(true);

    const evaluated = await cli(['evaluate', '--model', report.checkpoint]);
    expect(evaluated.stderr).toBe('');
    const accuracy = Number(/Overall Accuracy: ([\d.]+)%/.exec(evaluated.stdout)?.[1]);
    expect(Math.abs(accuracy - 100 * report.testAccuracy)).toBeLessThanOrEqual(0.02);

    const resumed = await run(python, [join(folder, 'train.py'), '--data', data, '--weights', report.checkpoint, '--epochs', '1', '--samples', '100', '--out', join(folder, 'resumed')], folder);
    expect(resumed.code, resumed.stderr).toBe(0);
  });

  it("train.py, one epoch on 10,000 images, lands within 1.5 points of the CLI's accuracy for the same config and seed", { timeout: 300_000 }, async () => {
    const folder = temporaryFolder('torch-recipe-');
    const configPath = join(folder, 'config.json');
    writeFileSync(configPath, JSON.stringify(configToJson(SEED_CONFIG)));
    const modelPath = join(folder, 'model.json');
    const ours = await cli(['train', '--config', configPath, '--epochs', '1', '--samples', '10000', '--out', modelPath]);
    expect(ours.stderr).toBe('');
    const ourAccuracy = Number(/Overall Accuracy: ([\d.]+)%/.exec(ours.stdout)?.[1]);

    const exported = await cli(['export', '--model', modelPath, '--format', 'pytorch', '--out', join(folder, 'torch')]);
    expect(exported.code).toBe(0);
    const trained = await run(python, [
      join(folder, 'torch', 'train.py'), '--data', data, '--from-scratch', '--epochs', '1', '--samples', '10000',
      '--out', join(folder, 'checkpoints'), '--report', join(folder, 'report.json'),
    ], folder);
    expect(trained.stderr).toBe('');
    const report = JSON.parse(readFileSync(join(folder, 'report.json'), 'utf8')) as TrainReport;
    console.log(`seed config, 1 epoch on 10,000: CLI ${ourAccuracy}%, train.py ${(100 * report.testAccuracy).toFixed(2)}%`);
    expect(report.globalBatch).toBe(1);
    expect(Math.abs(100 * report.testAccuracy - ourAccuracy)).toBeLessThanOrEqual(1.5);
  });
});

// One retry, as Playwright's: a torchrun worker once died in gloo's teardown ("terminate called
// without an active exception", exit −6) in one of six full runs, with no change to what it checks.
describe('train.py under torchrun (DistributedDataParallel, gloo on loopback)', { retry: 1 }, () => {
  const config = TEST_CONFIGS.deeperReluDropout;
  const folder = temporaryFolder('torch-ddp-');
  const network = Network.create(config.layers, config.activations, config.init, createRng(config.seed));
  writeFileSync(join(folder, 'model.json'), serializeModel({ config, layers: network.toLayerSpecs(), metrics: null }));
  writeExport(folder, exportPytorch({ config, layers: network.toLayerSpecs() }));
  const trainArgs = (out: string) => ['--data', data, '--from-scratch', '--epochs', '1', '--samples', '10000', '--out', join(folder, out), '--report', join(folder, `${out}.json`)];
  const torchrun = join(dirname(python), 'torchrun');

  it('two processes end with identical weights, within 1.5 points of one process; the checkpoint evaluates in our CLI as PyTorch reported', { timeout: 300_000 }, async () => {
    const single = await run(python, [join(folder, 'train.py'), ...trainArgs('single')], folder);
    expect(single.code, single.stderr).toBe(0);
    const double = await run(torchrun, ['--standalone', '--nproc-per-node', '2', join(folder, 'train.py'), ...trainArgs('ddp')], folder);
    expect(double.code, double.stderr).toBe(0);
    expect(double.stdout).toContain('Replicas identical: True (2 processes)');

    const one = JSON.parse(readFileSync(join(folder, 'single.json'), 'utf8')) as TrainReport;
    const two = JSON.parse(readFileSync(join(folder, 'ddp.json'), 'utf8')) as TrainReport;
    console.log(`DDP: 1 process ${(100 * one.testAccuracy).toFixed(2)}%, 2 processes ${(100 * two.testAccuracy).toFixed(2)}%`);
    expect(two.worldSize).toBe(2);
    expect(two.replicaDigests).toHaveLength(2);
    expect(two.replicaDigests[1]).toBe(two.replicaDigests[0]);
    expect([two.localBatch, two.globalBatch]).toEqual([16, 32]);
    expect(Math.abs(two.testAccuracy - one.testAccuracy)).toBeLessThanOrEqual(0.015);

    const evaluated = await cli(['evaluate', '--model', join(folder, 'ddp', 'model-trained.json')]);
    expect(evaluated.stderr).toBe('');
    const accuracy = Number(/Overall Accuracy: ([\d.]+)%/.exec(evaluated.stdout)?.[1]);
    // Float rounding may flip an image or two between the two engines.
    expect(Math.abs(accuracy - 100 * two.testAccuracy)).toBeLessThanOrEqual(0.02);
  });

  it('continues from the exported weights, and refuses a checkpoint whose layers do not match, naming both shapes', async () => {
    const other = { ...config, layers: [784, 48, 32, 10] };
    const wrong = Network.create(other.layers, other.activations, other.init, createRng(1));
    const wrongPath = join(folder, 'wrong.json');
    writeFileSync(wrongPath, serializeModel({ config: other, layers: wrong.toLayerSpecs(), metrics: null }));
    const refused = await run(python, [join(folder, 'train.py'), '--data', data, '--weights', wrongPath, '--epochs', '1', '--samples', '100'], folder);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('its layers do not match the config (checkpoint 784-48-32-10, config 784-64-32-10)');
    expect(refused.stderr).toContain('dense.0.weight is [48, 784] in the checkpoint but [64, 784] in model.py');

    const resumed = await run(python, [join(folder, 'train.py'), '--data', data, '--weights', join(folder, 'model.json'), '--epochs', '1', '--samples', '500', '--out', join(folder, 'resumed')], folder);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain(`Starting from ${join(folder, 'model.json')}`);
  });
});
