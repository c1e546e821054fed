import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { evaluate, metricsFromConfusion } from '../engine/metrics.ts';
import { createRng } from '../engine/rng.ts';
import { TrainingRun } from '../engine/run.ts';
import { inProcessPeer } from '../engine/shards.ts';
import { parseConfig } from '../formats/config-format.ts';
import { parseModel } from '../formats/model-format.ts';
import { loadMnistNode } from './node-mnist.ts';
import { TWO_WORKER_CNN } from '../testing/two-worker-cnn.ts';

const MAIN = join(import.meta.dirname, 'main.ts');
const dir = mkdtempSync(join(tmpdir(), 'mnist-cli-threads-'));

/** Batches of 15 over 310 samples: a last batch of 10. */
const CONFIG = { ...TWO_WORKER_CNN, epochs: 2, samples: 310 };

describe('npm run train -- --workers 2', () => {
  it('trains on two threads to the weights "Use both cores" gives, bit for bit', async () => {
    const configPath = join(dir, 'cnn.json');
    writeFileSync(configPath, JSON.stringify(CONFIG));
    const modelPath = join(dir, 'model.json');
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'train', '--config', configPath, '--workers', '2', '--out', modelPath]);
    expect(stderr).toBe('');
    expect(stdout).toContain('Training in two threads');
    const saved = parseModel(readFileSync(modelPath, 'utf8'));

    // The page's worker with "Use both cores" where the page is not isolated: both halves in one thread.
    const config = parseConfig(JSON.stringify(CONFIG));
    const run = new TrainingRun(config, loadMnistNode('train'), createRng(config.seed), { shardPeer: (network) => inProcessPeer(network, config.batchSize) });
    while (run.step(1000).type !== 'finished');
    const expected = run.network.toLayerSpecs();
    saved.layers.forEach((layer, l) => {
      const want = expected[l];
      if ('weights' in layer && 'weights' in want) {
        expect(Buffer.from(layer.weights.buffer, layer.weights.byteOffset, layer.weights.byteLength)).toEqual(Buffer.from(want.weights.buffer, want.weights.byteOffset, want.weights.byteLength));
        expect(Array.from(layer.biases)).toEqual(Array.from(want.biases));
      }
      if (layer.type === 'batchnorm' && want.type === 'batchnorm') {
        expect(Array.from(layer.runningMean)).toEqual(Array.from(want.runningMean));
        expect(Array.from(layer.runningVariance)).toEqual(Array.from(want.runningVariance));
      }
    });
    // The test set's second half was classified in the second thread: the figures one thread gives.
    expect(saved.metrics).toEqual(metricsFromConfusion(evaluate(run.network, loadMnistNode('test')).confusion));
  }, 120_000);

  it('refuses other counts, and says why a network keeps one thread', async () => {
    const refused = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'train', '--config', join(dir, 'none.json'), '--workers', '3']).catch((error: { code: number; stderr: string }) => error);
    expect(refused).toMatchObject({ code: 2, stderr: expect.stringContaining('--workers takes 1 or 2, got 3') });
    const configPath = join(dir, 'dropout.json');
    writeFileSync(configPath, JSON.stringify({ ...CONFIG, dropout: 0.2, samples: 60, epochs: 1 }));
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'train', '--config', configPath, '--workers', '2']);
    expect(stdout).toContain('Training in one thread: dropout draws its masks in order from one generator.');
  }, 120_000);

  it('trains a network whose batches are too small to gain in one thread, unsplit, and says so', async () => {
    const configPath = join(dir, 'small.json');
    writeFileSync(configPath, JSON.stringify({ ...CONFIG, batch_size: 8, samples: 64, epochs: 1 }));
    const modelPath = join(dir, 'small-model.json');
    const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', MAIN, 'train', '--config', configPath, '--workers', '2', '--out', modelPath]);
    expect(stdout).toContain('Training in one thread: its batches are too small to gain from a second.');
    const config = parseConfig(JSON.stringify({ ...CONFIG, batch_size: 8, samples: 64, epochs: 1 }));
    const run = new TrainingRun(config, loadMnistNode('train'), createRng(config.seed));
    while (run.step(1000).type !== 'finished');
    const saved = parseModel(readFileSync(modelPath, 'utf8'));
    expect(saved.layers.map((layer) => ('weights' in layer ? Array.from(layer.weights) : []))).toEqual(run.network.toLayerSpecs().map((layer) => ('weights' in layer ? Array.from(layer.weights) : [])));
  }, 120_000);
});
