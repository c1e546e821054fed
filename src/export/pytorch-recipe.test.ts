/**
 * The exported train.py against the CLI on the same recipe: in a file of its own, so that it runs
 * beside the other PyTorch checks instead of after them.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { SEED_CONFIG } from '../engine/config.ts';
import { configToJson } from '../formats/config-format.ts';
import { projectPython, temporaryFolder } from '../testing/python-env.ts';
import { cli, run, type TrainReport } from '../testing/train-py.ts';

const python = projectPython();
const data = mnistDataDir();

describe('PyTorch export, run by torch', () => {
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
