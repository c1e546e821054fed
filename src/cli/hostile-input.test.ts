/** The CLI on input made to break it: devices and folders where files belong, lying gzip, ONNX, negative numbers, an --out it cannot write. */
import { closeSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliHere, cliProcess, type Outcome } from '../testing/cli-run.ts';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';

const dir = mkdtempSync(join(tmpdir(), 'mnist-cli-hostile-'));

/**
 * Input that would hang or fill the memory of a CLI that lost its guard (a device, a pipe, a huge
 * file) goes to a process of its own, which the timeout ends; the rest is checked in this process.
 */
async function cli(risky: boolean, ...args: string[]): Promise<Outcome> {
  return risky ? cliProcess(args, { timeout: 60_000 }) : cliHere(args);
}

function file(name: string, content: string | Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

/** A 4×4, 2-class IDX set in its own folder; `change` may replace or add entries. */
function dataDir(name: string, change: (folder: string) => void = () => {}): string {
  const folder = join(dir, name);
  mkdirSync(folder);
  const labels = [0, 1, 0, 1, 0, 1];
  writeFileSync(join(folder, 'train-images-idx3-ubyte.gz'), gzipSync(idxImages(labels.map((l) => l * 200 + 20), { height: 4, width: 4 })));
  writeFileSync(join(folder, 'train-labels-idx1-ubyte'), idxLabels(labels));
  writeFileSync(join(folder, 't10k-images-idx3-ubyte'), idxImages([20, 220], { height: 4, width: 4 }));
  writeFileSync(join(folder, 't10k-labels-idx1-ubyte'), idxLabels([0, 1]));
  change(folder);
  return folder;
}

const wideConfig = file('wide.json', JSON.stringify({ layers: [784, 80000, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.001, epochs: 1, batch_size: 64 }));
const tinyConfig = file('tiny.json', JSON.stringify({ layers: [16, 4, 2], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, epochs: 1, batch_size: 2 }));

// A model file larger than the CLI reads, made sparse so it costs no disk.
const huge = join(dir, 'huge.json');
closeSync(openSync(huge, 'w'));
execFileSync('truncate', ['-s', '600M', huge]);

const lying = dataDir('lying-gzip', (folder) => {
  // Six images in the data, the trailer rewritten to the length of three: the old reader took the first three bytes' worth and went on.
  const path = join(folder, 'train-images-idx3-ubyte.gz');
  const bytes = readFileSync(path);
  bytes.writeUInt32LE(16 + 3 * 16, bytes.length - 4);
  writeFileSync(path, bytes);
});
const folderNamedLikeIdx = dataDir('folder-as-file', (folder) => {
  execFileSync('rm', [join(folder, 't10k-images-idx3-ubyte')]);
  mkdirSync(join(folder, 't10k-images-idx3-ubyte'));
});
const fifo = dataDir('fifo', (folder) => {
  execFileSync('rm', [join(folder, 't10k-labels-idx1-ubyte')]);
  execFileSync('mkfifo', [join(folder, 't10k-labels-idx1-ubyte')]);
});
const tiny = dataDir('tiny');
const noise = file('noise.onnx', new Uint8Array(Array.from({ length: 300 }, (_, i) => (i * 97 + 13) % 256)));

describe('hostile input to the CLI: one line on stderr, exit code 1, at once', () => {
  it.concurrent.each([
    [['evaluate', '--model', '/dev/zero'], 'cannot read model file /dev/zero: it is not a regular file', true],
    [['export', '--model', '/dev/zero', '--format', 'onnx', '--out', join(dir, 'x.onnx')], 'cannot read model file /dev/zero: it is not a regular file', true],
    [['evaluate', '--model', huge], `cannot read model file ${huge}: it is larger than 500.0 MB, the most a model file may hold`, true],
    [['evaluate', '--model', noise], /: not an ONNX model: /, false],
    [['train', '--config', tinyConfig, '--data', lying], 'train-images-idx3-ubyte.gz: the gzip data is damaged or truncated: its trailer gives a length of 64 bytes, but it inflates to 112', false],
    [['train', '--config', tinyConfig, '--data', folderNamedLikeIdx], `cannot read data file ${join(folderNamedLikeIdx, 't10k-images-idx3-ubyte')}: it is a directory`, false],
    [['train', '--config', tinyConfig, '--data', fifo], `cannot read data file ${join(fifo, 't10k-labels-idx1-ubyte')}: it is not a regular file`, true],
    [['train', '--config', wideConfig], `${wideConfig}: layers: network too large: training 784-80000-10 with batch size 64 needs about 1.4 GB of memory, more than the 512 MB allowed; use smaller layers`, true],
    [['train', '--config', tinyConfig, '--data', tiny, '--epochs', '-1'], '--epochs: must be an integer from 1 to 10000, got -1', false],
    [['train', '--config', tinyConfig, '--data', tiny, '--seed', '-5'], '--seed: must be an integer from 0 to 4294967295, got -5', false],
  ] as const)('%j', async (args, message, risky) => {
    const outcome = await cli(risky, ...args);
    expect(outcome.stderr.trimEnd().split('\n')).toHaveLength(1);
    if (typeof message === 'string') expect(outcome.stderr.trimEnd()).toBe(`error: ${message}`);
    else expect(outcome.stderr).toMatch(new RegExp(`^error: ${noise.replaceAll('.', '\\.')}${message.source}`));
    expect(outcome.code).toBe(1);
  });

  it('an --out it cannot write is reported before training starts', async () => {
    const out = join(dir, 'no-such-folder', 'model.json');
    const outcome = await cli(false, 'train', '--config', tinyConfig, '--data', dataDir('for-out'), '--out', out);
    expect(outcome.stderr.trimEnd()).toBe(`error: cannot write the model to ${out}: no such file`);
    expect(outcome.code).toBe(1);
    expect(outcome.stdout).not.toContain('Training network...');
    const folder = await cli(false, 'train', '--config', tinyConfig, '--data', dataDir('for-out-folder'), '--out', dir);
    expect(folder.stderr.trimEnd()).toBe(`error: cannot write the model to ${dir}: it is a directory`);
    expect(folder.stdout).not.toContain('Training network...');
  });
});

describe('ONNX model files', () => {
  const onnx = join(dir, 'rust.onnx');
  beforeAll(async () => {
    // 784-1-10 whose only differing bias makes every image a 1 (as in cli.test.ts), exported to ONNX by the CLI itself.
    const hidden = { rows: 1, cols: 785, data: new Array(785).fill(0.01) };
    const output = { rows: 10, cols: 2, data: Array.from({ length: 20 }, (_, i) => (i === 3 ? 1 : 0)) };
    const json = file('rust.json', JSON.stringify({ layers: [784, 1, 10], weights: [hidden, output], activation_types: ['Sigmoid', 'Softmax'], learning_rate: 0.1, momentum: 0.9 }));
    const exported = await cli(false, 'export', '--model', json, '--format', 'onnx', '--out', onnx);
    expect(exported.code).toBe(0);
  });

  it('evaluate and export read an ONNX file', async () => {
    const evaluated = await cli(false, 'evaluate', '--model', onnx);
    expect(evaluated.stderr).toBe('');
    expect(evaluated.stdout.trimEnd().split('\n').at(-1)).toBe('Overall Accuracy: 11.35%');
    const pytorch = join(dir, 'from-onnx');
    const exported = await cli(false, 'export', '--model', onnx, '--format', 'pytorch', '--out', pytorch);
    expect(exported.stderr).toBe('');
    expect(exported.stdout).toContain(`Wrote ${join(pytorch, 'model.py')}`);
  });
});
