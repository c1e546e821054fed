/** The exported train.py, run as a user runs it: its checkpoints read back by our CLI, and training continued from them. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { TEST_CONFIGS, writeExport } from '../testing/export-models.ts';
import { projectPython, temporaryFolder } from '../testing/python-env.ts';
import { cliHere } from '../testing/cli-run.ts';
import { run, type TrainReport } from '../testing/train-py.ts';
import { exportPytorch } from './pytorch.ts';

const python = projectPython();
const data = mnistDataDir();

describe('PyTorch export, run by torch', () => {
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

    const evaluated = await cliHere(['evaluate', '--model', report.checkpoint]);
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

    const evaluated = await cliHere(['evaluate', '--model', report.checkpoint]);
    expect(evaluated.stderr).toBe('');
    const accuracy = Number(/Overall Accuracy: ([\d.]+)%/.exec(evaluated.stdout)?.[1]);
    expect(Math.abs(accuracy - 100 * report.testAccuracy)).toBeLessThanOrEqual(0.02);

    const resumed = await run(python, [join(folder, 'train.py'), '--data', data, '--weights', report.checkpoint, '--epochs', '1', '--samples', '100', '--out', join(folder, 'resumed')], folder);
    expect(resumed.code, resumed.stderr).toBe(0);
  });
});
