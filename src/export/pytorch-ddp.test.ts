/** The exported train.py under torchrun, and continuing from the playground's weights. */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mnistDataDir } from '../cli/node-mnist.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { serializeModel } from '../formats/model-format.ts';
import { TEST_CONFIGS, writeExport } from '../testing/export-models.ts';
import { projectPython, temporaryFolder } from '../testing/python-env.ts';
import { cliHere } from '../testing/cli-run.ts';
import { run, type TrainReport } from '../testing/train-py.ts';
import { exportPytorch } from './pytorch.ts';

const python = projectPython();
const data = mnistDataDir();

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

    const evaluated = await cliHere(['evaluate', '--model', join(folder, 'ddp', 'model-trained.json')]);
    expect(evaluated.stderr).toBe('');
    const accuracy = Number(/Overall Accuracy: ([\d.]+)%/.exec(evaluated.stdout)?.[1]);
    // Float rounding may flip an image or two between the two engines.
    expect(Math.abs(accuracy - 100 * two.testAccuracy)).toBeLessThanOrEqual(0.02);
  });

  it('continues from the exported weights, and refuses a checkpoint whose layers do not match, naming both shapes', { timeout: 300_000 }, async () => {
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
