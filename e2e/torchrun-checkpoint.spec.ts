import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from '@playwright/test';
import { mnistDataDir } from '../src/cli/node-mnist.ts';
import { Network } from '../src/engine/network.ts';
import { createRng } from '../src/engine/rng.ts';
import { exportPytorch } from '../src/export/pytorch.ts';
import { TEST_CONFIGS, writeExport } from '../src/testing/export-models.ts';
import { projectPython, temporaryFolder } from '../src/testing/python-env.ts';
import { openTab } from './helpers';

const python = projectPython();

/**
 * The exported train.py under torchrun: two processes on loopback, one epoch, from our
 * initial weights; its checkpoint and the accuracy PyTorch printed for it.
 */
async function torchrunCheckpoint(): Promise<{ path: string; accuracy: number }> {
  const config = TEST_CONFIGS.deeperReluDropout;
  const folder = temporaryFolder('torchrun-e2e-');
  const network = Network.create(config.layers, config.activations, config.init, createRng(config.seed));
  writeExport(folder, exportPytorch({ config, layers: network.toLayerSpecs() }));
  const args = ['--standalone', '--nproc-per-node', '2', join(folder, 'train.py'), '--data', mnistDataDir(), '--epochs', '1', '--samples', '5000'];
  await promisify(execFile)(join(dirname(python), 'torchrun'), [...args, '--out', join(folder, 'ddp'), '--report', join(folder, 'ddp.json')], {
    cwd: folder,
    env: { ...process.env, OMP_NUM_THREADS: '1', GLOO_SOCKET_IFNAME: 'lo' },
  });
  const report = JSON.parse(readFileSync(join(folder, 'ddp.json'), 'utf8')) as { worldSize: number; testAccuracy: number };
  expect(report.worldSize).toBe(2);
  return { path: join(folder, 'ddp', 'model-trained.json'), accuracy: 100 * report.testAccuracy };
}

test('a checkpoint that train.py wrote under torchrun loads in the playground and scores what PyTorch reported', async ({ page }) => {
  test.setTimeout(480_000);
  const checkpoint = await torchrunCheckpoint();

  await page.goto('/');
  await openTab(page, 'Draw a digit');
  await page.getByLabel('Load model').setInputFiles(checkpoint.path);
  await expect(page.getByText('Loaded model-trained.json: 784-64-32-10 ReLU/ReLU/Softmax.')).toBeVisible();

  await openTab(page, 'Curves and evaluation');
  await page.getByRole('button', { name: 'Evaluate now' }).click();
  const overall = page.getByText(/Overall accuracy: \d+\.\d\d%/);
  await expect(overall).toBeVisible({ timeout: 120_000 });
  const ours = Number(/([\d.]+)%/.exec((await overall.textContent()) ?? '')?.[1]);
  console.log(`torchrun checkpoint: PyTorch ${checkpoint.accuracy.toFixed(2)}%, playground ${ours.toFixed(2)}%`);
  // Float rounding may flip an image or two between the two engines (0.01 points each).
  expect(Math.abs(ours - checkpoint.accuracy)).toBeLessThanOrEqual(0.02);
});
