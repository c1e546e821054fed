import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bestKernels } from '../engine/kernels.ts';
import { fusesMultiplyAdd } from '../engine/wasm/features.ts';
import { parseModel } from '../formats/model-format.ts';
import { cliHere, cliProcess, type Outcome } from '../testing/cli-run.ts';

const dir = mkdtempSync(join(tmpdir(), 'mnist-cli-'));

/** The CLI in this process: what it prints and the code it exits with; the process itself is checked through cliProcess. */
const cli = (...args: string[]): Promise<Outcome> => cliHere(args);

const lines = (text: string) => text.trimEnd().split('\n');
const reportOf = (stdout: string) => lines(stdout).slice(lines(stdout).indexOf('Confusion Matrix:'));

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

const smallConfig = file(
  'small.json',
  JSON.stringify({ layers: [784, 32, 10], activations: ['ReLU', 'Softmax'], learning_rate: 0.001, epochs: 3, optimizer: 'adam', batch_size: 32, init: 'he' }),
);

describe('npm run train', () => {
  const modelPath = join(dir, 'model.json');
  let trained: Outcome;
  beforeAll(async () => {
    // As `npm run train` runs it: the lines and exit code below are the process's.
    trained = await cliProcess(['train', '--config', smallConfig, '--samples', '500', '--epochs', '2', '--seed', '4', '--out', modelPath]);
  }, 120_000);

  it("prints the seed program's lines, then the test report", () => {
    expect(trained.code).toBe(0);
    expect(trained.stderr).toBe('');
    const out = lines(trained.stdout);
    expect(out.slice(0, 3)).toEqual(['Loading network configuration...', 'Creating network...', 'Training network...']);
    expect(out[3]).toMatch(/^Epoch 1 \(\d+\.\d\ds\): Average Error = \d\.\d{6}, Accuracy = \d{1,3}\.\d\d%$/);
    expect(out[4]).toMatch(/^Epoch 2 \(/);
    expect(out[5]).toMatch(/^Total training time: \d+s \(\d+\.\d\ds\)$/);
    expect(out[6]).toMatch(/^Average time per epoch: \d+s \(\d+\.\d\ds\)$/);
    expect(out[7]).toBe(bestKernels() === 'fused' ? 'Kernels: fused multiply-add (WebAssembly relaxed SIMD).' : 'Kernels: WebAssembly SIMD.');
    expect(out[8]).toBe('Saving trained network...');
    const report = reportOf(trained.stdout);
    expect(report).toHaveLength(28);
    expect(report[14]).toBe('Per-digit Metrics:');
    expect(report[27]).toMatch(/^Overall Accuracy: \d{1,3}\.\d\d%$/);
  });

  it('saves a model that holds the config, the flags and the test metrics it printed', () => {
    const model = parseModel(readFileSync(modelPath, 'utf8'));
    expect(model.config).toMatchObject({ layers: [784, 32, 10], samples: 500, epochs: 2, seed: 4, batchSize: 32 });
    const printed = reportOf(trained.stdout)[27].match(/(\d+\.\d\d)%/)?.[1];
    expect(((model.metrics?.accuracy ?? NaN) * 100).toFixed(2)).toBe(printed);
    expect(model.metrics?.total).toBe(10_000);
    expect(model.kernels).toBe(bestKernels());
  });

  it('trains on the kernels --kernels names and records them; fused ones only where this CPU fuses, and then to other weights', async () => {
    const run = async (kernels: string) => {
      const path = join(dir, `kernels-${kernels}.json`);
      const outcome = await cli('train', '--config', smallConfig, '--samples', '300', '--epochs', '1', '--seed', '4', '--kernels', kernels, '--out', path);
      expect(outcome.code).toBe(0);
      return parseModel(readFileSync(path, 'utf8'));
    };
    const [plain, loops] = [await run('wasm'), await run('ts')];
    expect([plain.kernels, loops.kernels]).toEqual(['wasm', 'ts']);
    if (fusesMultiplyAdd()) {
      const fused = await run('fused');
      expect(fused.kernels).toBe('fused');
      const weights = (model: typeof fused) => Array.from((model.layers[0] as { weights: Float32Array }).weights);
      expect(weights(fused).some((value, i) => value !== weights(plain)[i])).toBe(true);
    } else {
      // Where the multiply-add is not fused, "fused" kernels would give the plain ones' bits under another name.
      expect((await cli('train', '--config', smallConfig, '--kernels', 'fused')).stderr).toMatch(/^error: train: the fused kernels do not run here: /);
    }
    expect((await cli('train', '--config', smallConfig, '--kernels', 'gpu')).stderr).toBe('error: train: --kernels takes fused, wasm, ts, got "gpu"\n');
  });

  it('evaluate prints the same report for the saved model', async () => {
    const evaluated = await cli('evaluate', '--model', modelPath);
    expect(evaluated.code).toBe(0);
    expect(lines(evaluated.stdout).slice(0, 3)).toEqual(['Loading trained network...', 'Network: 784-32-10 ReLU/Softmax', 'Testing network...']);
    expect(reportOf(evaluated.stdout)).toEqual(reportOf(trained.stdout));
  });

  it('gives the same results for the same seed', async () => {
    const again = await cli('train', '--config', smallConfig, '--samples', '500', '--epochs', '2', '--seed', '4');
    const strip = (text: string) => lines(text).map((line) => line.replace(/\(\d+\.\d\ds\)/, '(…)').replace(/time.*$/, 'time'));
    expect(strip(again.stdout).filter((line) => line !== 'Saving trained network...')).toEqual(
      strip(trained.stdout).filter((line) => line !== 'Saving trained network...'),
    );
  });
});

describe('npm run train with typed layers', () => {
  const modelPath = join(dir, 'cnn.json');
  const preset = join(import.meta.dirname, '../presets/convnetjs.json');
  let trained: Outcome;
  beforeAll(async () => {
    trained = await cli('train', '--config', preset, '--samples', '1000', '--out', modelPath);
  }, 120_000);

  it("trains issue 11's ConvNetJS network and saves it with its layers", () => {
    expect(trained.stderr).toBe('');
    expect(trained.code).toBe(0);
    expect(lines(trained.stdout)[3]).toMatch(/^Epoch 1 \(/);
    const model = parseModel(readFileSync(modelPath, 'utf8'));
    expect(model.layers.map((layer) => layer.type)).toEqual(['conv2d', 'maxpool2d', 'conv2d', 'maxpool2d', 'dense']);
    expect(model.config.stack).toBeDefined();
    // 1,000 images are enough to do far better than chance (10%).
    expect(model.metrics?.accuracy).toBeGreaterThan(0.5);
  });

  it('evaluate describes the network and prints the same report for the saved model', async () => {
    const evaluated = await cli('evaluate', '--model', modelPath);
    expect(evaluated.code).toBe(0);
    expect(lines(evaluated.stdout)[1]).toBe('Network: 28×28×1 → conv2d 8×5×5 same ReLU → maxpool2d 2 → conv2d 16×5×5 same ReLU → maxpool2d 3 → dense 10 Softmax');
    expect(reportOf(evaluated.stdout)).toEqual(reportOf(trained.stdout));
  });

  it('exports it to ONNX and PyTorch (their predictions are checked in src/export)', async () => {
    const exported = await cli('export', '--model', modelPath, '--format', 'onnx', '--out', join(dir, 'cnn.onnx'));
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(readFileSync(join(dir, 'cnn.onnx')).length).toBeGreaterThan(4 * (8 * 25 + 16 * 8 * 25 + 10 * 16 * 16));
    const torch = await cli('export', '--model', modelPath, '--format', 'pytorch', '--out', join(dir, 'cnn-torch'));
    expect(torch.code).toBe(0);
    expect(readFileSync(join(dir, 'cnn-torch', 'model.py'), 'utf8')).toContain('nn.Conv2d(8, 16, 5, stride=1, padding=(2, 2))');
  });
});

describe('npm run evaluate', () => {
  it('evaluates a neural-net-rs model file', async () => {
    // 784-1-10: one hidden unit; every output's weights and biases are equal but digit 1's bias, so every image is a 1.
    const hidden = { rows: 1, cols: 785, data: new Array(785).fill(0.01) };
    const output = { rows: 10, cols: 2, data: Array.from({ length: 20 }, (_, i) => (i === 3 ? 1 : 0)) };
    const path = file('rust-model.json', JSON.stringify({ layers: [784, 1, 10], weights: [hidden, output], activation_types: ['Sigmoid', 'Softmax'], learning_rate: 0.1, momentum: 0.9 }));
    const { code, stdout } = await cli('evaluate', '--model', path);
    expect(code).toBe(0);
    expect(lines(stdout)[1]).toBe('Network: 784-1-10 Sigmoid/Softmax (a neural-net-rs model)');
    const report = reportOf(stdout);
    // Digit 1's 1135 test images are the only ones right: 11.35%.
    expect(report.at(-1)).toBe('Overall Accuracy: 11.35%');
    expect(report[5].replace(/\s+/g, ' ').trim()).toBe('1 | 0 1135 0 0 0 0 0 0 0 0');
  });
});

describe('bad input: one line on stderr, a non-zero exit code, no stack trace', () => {
  const badJson = file('bad.json', '{\n  "layers": [784, 200, 10],\n  "epochs": 30,\n}');
  const badModel = file('bad-model.json', '{"format": "mnist-playground-model", "version": 7}');
  const diverging = file(
    'diverging.json',
    JSON.stringify({ layers: [784, 32, 10], activations: ['ReLU', 'Softmax'], learning_rate: 1e6, epochs: 1, batch_size: 8 }),
  );

  it.each([
    [['train', '--config', join(dir, 'missing.json')], 1, `cannot read config file ${join(dir, 'missing.json')}: no such file`],
    [['train', '--config', badJson], 1, `${badJson}: the config is not valid JSON: line 4, column 1: trailing comma before '}'`],
    [['train', '--config', smallConfig, '--samples', '0'], 1, '--samples: must be an integer from 1 to 60000, got 0'],
    [['train', '--config', smallConfig, '--epochs', 'ten'], 2, '--epochs must be a whole number, got "ten"'],
    [['train', '--config', smallConfig, '--learning-rate', '1'], 2, /^train: unknown option --learning-rate; options: --config, /],
    [['train'], 2, /^train: --config FILE is required/],
    [['evaluate', '--model', badModel], 1, `${badModel}: unsupported model version 7; this app reads versions 1 and 2`],
    [['evaluate', '--model', smallConfig], 1, /^.*small\.json: not a model file/],
    [['fly'], 2, 'unknown command "fly"; commands: train, evaluate, export'],
    [['train', '--config', diverging, '--samples', '500'], 1, /^Training diverged at epoch 1, sample \d+: .*Try a smaller learning rate\.$/],
  ])('%j exits with %i', async (args, code, message) => {
    const outcome = await cli(...args);
    expect(outcome.code).toBe(code);
    const stderr = lines(outcome.stderr);
    expect(stderr).toHaveLength(1);
    expect(stderr[0].startsWith('error: ')).toBe(true);
    if (typeof message === 'string') expect(stderr[0]).toBe(`error: ${message}`);
    else expect(stderr[0].slice('error: '.length)).toMatch(message);
  });

  it('as a process: the one line goes to stderr and the code is the exit code, 1 for bad input, 2 for a bad command line', async () => {
    const [missing, unknown] = await Promise.all([cliProcess(['train', '--config', join(dir, 'missing.json')]), cliProcess(['fly'])]);
    expect([missing.code, missing.stderr]).toEqual([1, `error: cannot read config file ${join(dir, 'missing.json')}: no such file\n`]);
    expect([unknown.code, unknown.stderr]).toEqual([2, 'error: unknown command "fly"; commands: train, evaluate, export\n']);
  });
});
