import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHere } from '../testing/cli-run.ts';
import { SEED_CONFIG } from '../engine/config.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { importOnnx } from '../export/onnx-import.ts';
import { serializeModel } from '../formats/model-format.ts';

const dir = mkdtempSync(join(tmpdir(), 'mnist-export-'));

/** The CLI in this process: what it prints and the code it exits with (cli.test.ts checks the process itself). */
const cli = (...args: string[]) => cliHere(args);

const config = { ...SEED_CONFIG, layers: [784, 16, 10], activations: ['Tanh' as const, 'Softmax' as const] };
const network = Network.create(config.layers, config.activations, config.init, createRng(3));
const modelPath = join(dir, 'model.json');
writeFileSync(modelPath, serializeModel({ config, layers: network.toLayerSpecs(), metrics: null }));

describe('npm run export', () => {
  it('writes an ONNX file holding the saved weights', async () => {
    const out = join(dir, 'model.onnx');
    const result = await cli('export', '--model', modelPath, '--format', 'onnx', '--out', out);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Wrote .*model\.onnx \(\d+ bytes\)$/m);
    const imported = importOnnx(readFileSync(out));
    expect(imported.config.activations).toEqual(['Tanh', 'Softmax']);
    expect(imported.layers[0]).toMatchObject({ weights: network.layers[0].toSpec().weights });
  });

  it('refuses an unknown format, naming the ones it has', async () => {
    const result = await cli('export', '--model', modelPath, '--format', 'caffe', '--out', join(dir, 'x'));
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: export: --format must be one of onnx.*, got "caffe"\n$/);
  });

  it('refuses a model file that is not one', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"layers": [1, 2]}');
    const result = await cli('export', '--model', bad, '--format', 'onnx', '--out', join(dir, 'y.onnx'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: .*bad\.json: /);
  });
});

describe('npm run export to folders', () => {
  it.each([
    ['pytorch', ['model.py', 'train.py', 'model.safetensors']],
    ['tfjs', ['model.json', 'model.weights.bin']],
  ])('--format %s writes its files into the --out folder', async (format, names) => {
    const out = join(dir, format);
    const result = await cli('export', '--model', modelPath, '--format', format, '--out', out);
    expect(result.code).toBe(0);
    for (const name of names) expect(readFileSync(join(out, name)).length).toBeGreaterThan(100);
  });
});
