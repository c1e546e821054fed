import { describe, expect, it } from 'vitest';
import type { Dataset } from '../engine/dataset.ts';
import { createRng } from '../engine/rng.ts';
import type { Activation } from '../engine/config.ts';
import { Network } from '../engine/network.ts';
import { CONV_CASES, type TrainingCase } from './cases.ts';
import { projectPython } from '../testing/python-env.ts';
import { denseTorchCase, stackTorchCase, torchParameterCounts } from './torch.ts';
import { median, timeKernel, timeTraining, type Plan } from './measure.ts';
import { oursDenseKernels, oursSparseFirstLayer, oursTrainer } from './ours.ts';
import { formatReport, type BenchReport } from './report.ts';
import { PHASES, profileTraining } from './profile.ts';
import { parseArgs } from './run.ts';
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { parseConfig } from '../formats/config-format.ts';
import { oursConvKernels } from './ours.ts';
import { tfConvGflops, tfCoreTrainer, tfLayersTrainer, tfMatMulGflops, tfStackTrainer, tfTensorCount, trainableConv2d, useTfBackend } from './tfjs.ts';

/** One warm-up batch, one-batch repetitions: only that the machinery runs. */
const TINY_PLAN: Plan = { warmupSeconds: 0, targetSeconds: 0, minSamples: 1, maxSamples: 8, repetitions: 3, browserEpochs: 0 };

function tinyDataset(count: number): Dataset {
  const rng = createRng(7);
  const images = new Uint8Array(count * 784);
  // MNIST-like: mostly background, some ink.
  for (let i = 0; i < images.length; i++) images[i] = rng.next() < 0.2 ? rng.nextInt(256) : 0;
  const labels = Uint8Array.from({ length: count }, () => rng.nextInt(10));
  return { images, labels, count, inputSize: 784 };
}

const TINY_CASE: TrainingCase = { layers: [784, 6, 10], activations: ['Sigmoid', 'Softmax'], batchSize: 4 };

function expectPositiveFinite(value: number): void {
  expect(Number.isFinite(value)).toBe(true);
  expect(value).toBeGreaterThan(0);
}

describe('median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow();
  });
});

describe('timeTraining', () => {
  it('times whole batches of our engine and extrapolates to an epoch, across epoch ends', async () => {
    // 10 samples at batch 4: repetitions run over the end of the dataset's epoch.
    const timing = await timeTraining(oursTrainer(tinyDataset(10), TINY_CASE, 'wasm'), TINY_CASE.batchSize, TINY_PLAN);
    expect(timing.samplesPerRepetition).toBe(4);
    expect(timing.seconds).toHaveLength(3);
    expectPositiveFinite(timing.samplesPerSecond);
    expect(timing.secondsPerEpoch).toBeCloseTo(60_000 / timing.samplesPerSecond, 6);
  });

  it('times the TF.js training loops without leaking tensors', async () => {
    const data = tinyDataset(16);
    await useTfBackend('cpu');
    const core = tfCoreTrainer(data, TINY_CASE);
    await core.train(4);
    const during = tfTensorCount();
    expectPositiveFinite((await timeTraining(core.train, TINY_CASE.batchSize, TINY_PLAN)).samplesPerSecond);
    expect(tfTensorCount()).toBe(during);
    core.dispose();

    const info = await useTfBackend('wasm');
    expect(info.backend).toBe('wasm');
    const layers = tfLayersTrainer(data, TINY_CASE);
    expectPositiveFinite((await timeTraining(layers.train, TINY_CASE.batchSize, TINY_PLAN)).samplesPerSecond);
    layers.dispose();
  });
});

describe('dense kernels', () => {
  const shape = { batch: 3, inputs: 8, outputs: 5 };

  it.each(['wasm', 'ts'] as const)('measure our forward and backward in GFLOP/s (%s)', (path) => {
    const kernels = oursDenseKernels(shape, path);
    expectPositiveFinite(timeKernel(kernels.forward, 2 * 3 * 8 * 5, TINY_PLAN).gflops);
    expectPositiveFinite(timeKernel(kernels.backward, 4 * 3 * 8 * 5, TINY_PLAN).gflops);
  });

  it('measure tf.matMul on wasm in GFLOP/s', async () => {
    await useTfBackend('wasm');
    const tensors = tfTensorCount();
    const result = tfMatMulGflops(shape, TINY_PLAN);
    for (const value of Object.values(result)) expectPositiveFinite(value);
    expect(tfTensorCount()).toBe(tensors);
  });
});

describe('convolutional networks', () => {
  it('TF.js-wasm\'s conv2d, its filter gradient taken from Conv3DBackpropFilterV2, has the gradients of tf.conv2d on the cpu backend (stride 1, \'same\')', async () => {
    const values = (length: number, seed: number) => {
      const rng = createRng(seed);
      return Float32Array.from({ length }, () => rng.next() * 2 - 1);
    };
    const gradients = () => ({
      x: tf.tensor4d(values(2 * 7 * 9 * 3, 1), [2, 7, 9, 3]),
      w: tf.tensor4d(values(3 * 3 * 3 * 4, 2), [3, 3, 3, 4]),
      dy: tf.tensor4d(values(2 * 7 * 9 * 4, 3), [2, 7, 9, 4]),
    });
    await useTfBackend('cpu');
    const cpu = gradients();
    const expected = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, 'same'), cpu.dy)))([cpu.x, cpu.w]);
    const expectedValues = expected.map((t) => Array.from(t.dataSync()));
    await useTfBackend('wasm');
    const wasm = gradients();
    const conv = trainableConv2d(1, 'same');
    const actual = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.sum(tf.mul(conv(x, w), wasm.dy)))([wasm.x, wasm.w]);
    actual.forEach((t, i) => {
      const got = t.dataSync();
      expect(got.length).toBe(expectedValues[i].length);
      got.forEach((v, j) => expect(v, `gradient ${i}, value ${j}`).toBeCloseTo(expectedValues[i][j], 4));
    });
  });

  it('times the ConvNetJS preset on TF.js-wasm without leaking tensors, and both convolution kernels', async () => {
    await useTfBackend('wasm');
    const config = parseConfig(readFileSync('src/presets/convnetjs.json', 'utf8'));
    const trainer = tfStackTrainer(tinyDataset(64), { ...config, batchSize: 4 });
    await trainer.train(4);
    const during = tfTensorCount();
    expectPositiveFinite((await timeTraining(trainer.train, 4, TINY_PLAN)).samplesPerSecond);
    expect(tfTensorCount()).toBe(during);
    trainer.dispose();
    expectPositiveFinite(tfConvGflops(TINY_PLAN));
    for (const path of ['wasm', 'ts'] as const) expectPositiveFinite(timeKernel(oursConvKernels(path), 1, TINY_PLAN).gflops);
  });
});

describe('oursSparseFirstLayer', () => {
  it.each(['ts', 'wasm'] as const)('times the first layer\'s sparse products on real-like batches (%s)', (path) => {
    const timing = timeKernel(oursSparseFirstLayer(tinyDataset(16), 4, 12, path), 1, TINY_PLAN);
    expectPositiveFinite(timing.gflops);
  });
});

describe('profileTraining', () => {
  it('splits the training time into phases that add up, every phase seen', () => {
    const profile = profileTraining(tinyDataset(64), { ...TINY_CASE, batchSize: 8 }, 'wasm', 64, 16);
    expect(profile.samples).toBe(64);
    for (const phase of PHASES) expect(profile.secondsPerEpoch[phase]).toBeGreaterThanOrEqual(0);
    expect(profile.totalPerEpoch).toBeCloseTo(PHASES.reduce((sum, phase) => sum + profile.secondsPerEpoch[phase], 0), 9);
    expect(profile.secondsPerEpoch['first layer forward']).toBeGreaterThan(0);
    expect(profile.secondsPerEpoch.optimizer).toBeGreaterThan(0);
  });
});

describe('parseArgs', () => {
  it('reads --quick, --only, --no-browser and --case', () => {
    expect(parseArgs([])).toEqual({ quick: false, browser: true, cases: [] });
    expect(parseArgs(['--quick', '--only', 'tfjs'])).toEqual({ quick: true, only: 'tfjs', browser: true, cases: [] });
    expect(parseArgs(['--only=torch', '--no-browser'])).toEqual({ quick: false, only: 'torch', browser: false, cases: [] });
    expect(parseArgs(['--only', 'responsiveness'])).toEqual({ quick: false, only: 'responsiveness', browser: true, cases: [] });
    expect(parseArgs(['--case', '784-200-10/32', '--case=784-800-10/32']).cases).toEqual(['784-200-10/32', '784-800-10/32']);
  });

  it('refuses unknown options and values', () => {
    expect(() => parseArgs(['--only', 'onnx'])).toThrow(/ours, tfjs, torch, responsiveness or conv/);
    expect(() => parseArgs(['--case', '784-200-10/7'])).toThrow(/--case takes one of 784-200-10\/1, .*got 784-200-10\/7/);
    expect(() => parseArgs(['--fast'])).toThrow(/Unknown option --fast/);
  });
});

describe('PyTorch peer', () => {
  it('builds the convolutional presets and the dense cases with exactly our parameter counts', () => {
    const configs = CONV_CASES.map((c) => parseConfig(readFileSync(c.preset, 'utf8')));
    const ours = [...configs.map((config) => Network.forConfig(config, createRng(1)).parameterCount()), Network.create([784, 200, 10], ['Sigmoid', 'Softmax'], 'uniform', createRng(1)).parameterCount()];
    const dense = { ...TINY_CASE, layers: [784, 200, 10], activations: ['Sigmoid', 'Softmax'] as Activation[], batchSize: 32 };
    expect(torchParameterCounts(projectPython(), [...configs.map(stackTorchCase), denseTorchCase(dense)])).toEqual(ours);
  });
});

describe('formatReport', () => {
  /** A report of a full run that measured nothing, but for `measured`. */
  const reportOf = (measured: Partial<BenchReport>): BenchReport => ({
    generatedAt: '2025-01-01T00:00:00.000Z',
    machine: { cpu: 'test cpu', cores: 2, node: '20' },
    quick: false,
    plan: TINY_PLAN,
    epochSamples: 60_000,
    training: [],
    kernels: [],
    ...measured,
  });

  it('prints each implementation with its ratio to ours', () => {
    const timing = (samplesPerSecond: number) => ({
      samplesPerRepetition: 320,
      seconds: [1],
      samplesPerSecond,
      secondsPerEpoch: 60_000 / samplesPerSecond,
    });
    const report = reportOf({
      quick: true,
      training: [{ case: { ...TINY_CASE, layers: [784, 200, 10], batchSize: 32 }, results: { ours: timing(6000), 'tfjs-wasm': timing(2000) } }],
    });
    const text = formatReport(report);
    expect(text).toMatch(/784-200-10\s+32\s+ours\s+6,000\s+10\.0/);
    expect(text).toMatch(/tfjs-wasm\s+2,000\s+30\.0\s+3\.00×/);
    expect(text).not.toMatch(/PyTorch/);

    report.torch = { version: '2.13.0', blas: 'mkl' };
    report.training[0].results['torch-1t'] = timing(12_000);
    report.training[0].results['torch-2t'] = timing(3_000);
    const withTorch = formatReport(report);
    expect(withTorch).toMatch(/BLAS \(torch.__config__.show\(\)\): mkl/);
    // Our 10 s over torch's faster 5 s: twice its time.
    expect(withTorch).toMatch(/784-200-10\s+32\s+10\.0\s+—\s+5\.00\s+20\.0\s+2\.00\s+—/);

    // 4 ms against 1 ms per batch of 32: 1875 batches save 5.6 s per epoch.
    report.training[0].firstLayer = { ts: 0.004, wasm: 0.001 };
    expect(formatReport(report)).toMatch(/784-200-10\s+32\s+4000\s+1000\s+4\.00×\s+5\.63/);
    // A convolutional preset: 30 s ours, 24 s in the browser, 90 s TF.js (3×), torch 20 s at 1 thread and 15 s at 2
    // (ours takes twice the faster, the browser 1.6 times).
    report.conv = {
      rows: [
        {
          name: 'ConvNetJS',
          preset: 'convnetjs.json',
          optimizer: 'momentum',
          batchSize: 16,
          results: { ours: timing(2000), 'ours-browser': timing(2500), 'ours-browser-2w': timing(5000), 'tfjs-wasm': timing(2000 / 3), 'torch-1t': timing(3000), 'torch-2t': timing(4000) },
        },
      ],
      kernel: {},
    };
    // ours-browser-2w 12.0 s: 0.80 of PyTorch's faster 15.0 s.
    expect(formatReport(report)).toMatch(/ConvNetJS \(convnetjs\.json\)\s+momentum, 16\s+30\.0\s+—\s+24\.0\s+12\.0\s+90\.0\s+20\.0\s+15\.0\s+3\.0×\s+2\.00\s+1\.60\s+0\.80/);
    // Whole epochs in the browser are said to be so.
    expect(formatReport({ ...report, plan: { ...TINY_PLAN, browserEpochs: 3 } })).toMatch(/in the browser: there each figure is the median of 3 whole 60,000-sample epochs/);
  });

  it('prints responsiveness a line per run kind: the default preset in one worker and two, then each convolutional preset', () => {
    const runs = (...longest: number[]) => longest.map((longestTaskMs) => ({ longestTaskMs, longTasks: 2, runMs: 9000 }));
    const report = reportOf({
      responsiveness: {
        epochs: 2,
        runs: runs(64, 78, 54),
        medianLongestTaskMs: 64,
        bothCores: { runs: runs(90, 89, 91), medianLongestTaskMs: 90, workersNote: 'Trained in one worker.' },
        presets: [
          { preset: 'CNN (fast)', epochs: 1, cores: 'one worker', runs: runs(987, 984, 1191), medianLongestTaskMs: 987, workers: '' },
          { preset: 'CNN (99% fast)', epochs: 1, cores: 'as the page opens', runs: runs(120, 0, 150), medianLongestTaskMs: 120, workers: 'Two workers; the second did 87% of second halves.' },
        ],
      },
    });
    const lines = formatReport(report).split('\n');
    const first = lines.findIndex((line) => line.startsWith('Responsiveness'));
    expect(lines.slice(first, first + 4)).toEqual([
      'Responsiveness (the app in headless Chromium, default preset, 2 epochs of 60k, 3 runs): longest main-thread task, median 64 ms (runs: 64 ms, 78 ms, 54 ms; 0 = no task over 50 ms)',
      'With "Use both cores" checked: median 90 ms (runs: 90 ms, 89 ms, 91 ms); the page said: Trained in one worker.',
      'CNN (fast), 1 epoch, one worker: median 987 ms (runs: 987 ms, 984 ms, 1191 ms)',
      'CNN (99% fast), 1 epoch, "Use both cores" as the page opens: median 120 ms (runs: 120 ms, 0 ms, 150 ms); the page said: Two workers; the second did 87% of second halves.',
    ]);
    // A page that opens with the box off says nothing of workers, and the line says so.
    report.responsiveness!.presets![1].workers = '';
    expect(formatReport(report)).toMatch(/^CNN \(99% fast\), 1 epoch, "Use both cores" as the page opens: median 120 ms \(runs: 120 ms, 0 ms, 150 ms\); the page said: nothing of workers \(the box was off\)$/m);
  });
});
