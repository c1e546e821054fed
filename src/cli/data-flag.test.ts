/** `--data DIR`: the CLI on Fashion-MNIST's real files (Debian's dataset-fashion-mnist) and on a small set of another shape. */
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliHere } from '../testing/cli-run.ts';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';

const FASHION = '/usr/share/datasets/fashion-mnist';
const FASHION_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];
const dir = mkdtempSync(join(tmpdir(), 'mnist-cli-data-'));

/** The CLI in this process: what it prints and the code it exits with (cli.test.ts checks the process itself). */
const cli = (...args: string[]) => cliHere(args);

const accuracyOf = (stdout: string) => Number(/Overall Accuracy: (\d+\.\d\d)%/.exec(stdout)?.[1]);

describe.runIf(existsSync(FASHION))('Fashion-MNIST with --data', () => {
  it(
    'trains 784-256-10 ReLU/Softmax with Adam for one epoch to at least 82% test accuracy, and evaluate agrees',
    async () => {
      const fashion = join(dir, 'fashion');
      mkdirSync(fashion);
      for (const name of ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz']) {
        copyFileSync(join(FASHION, name), join(fashion, name));
      }
      writeFileSync(join(fashion, 'labels.txt'), `${FASHION_NAMES.join('\n')}\n`);
      const config = join(dir, 'fashion-mlp.json');
      writeFileSync(
        config,
        JSON.stringify({ layers: [784, 256, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.001, batch_size: 32, init: 'he', epochs: 1 }),
      );
      const model = join(dir, 'fashion-model.json');
      const trained = await cli('train', '--config', config, '--data', fashion, '--out', model);
      expect(trained.stderr).toBe('');
      const out = trained.stdout.split('\n');
      expect(out.slice(0, 2)).toEqual([`Loading data from ${fashion}...`, 'Data: fashion, 60000 training and 10000 test 28×28 images, 10 classes']);
      expect(out).toContain(`Classes: ${FASHION_NAMES.map((name, i) => `${i} = ${name}`).join(', ')}`);
      const accuracy = accuracyOf(trained.stdout);
      expect(accuracy).toBeGreaterThanOrEqual(82);

      const evaluated = await cli('evaluate', '--model', model, '--data', fashion);
      expect(accuracyOf(evaluated.stdout)).toBe(accuracy);
      // The same model on MNIST's digits is far worse than on the clothes it learned.
      expect(accuracyOf((await cli('evaluate', '--model', model)).stdout)).toBeLessThan(accuracy - 30);
    },
    300_000,
  );
});

describe('--data with a set of another shape', () => {
  const small = join(dir, 'small');
  mkdirSync(small);
  // 12×12 images in 3 classes; the pixel value tells the class, so a network learns it at once.
  const labels = Array.from({ length: 60 }, (_, i) => i % 3);
  writeFileSync(join(small, 'train-images-idx3-ubyte'), idxImages(labels.map((l) => l * 100 + 20), { height: 12, width: 12 }));
  writeFileSync(join(small, 'train-labels-idx1-ubyte'), idxLabels(labels));
  writeFileSync(join(small, 't10k-images-idx3-ubyte'), idxImages([20, 120, 220], { height: 12, width: 12 }));
  writeFileSync(join(small, 't10k-labels-idx1-ubyte'), idxLabels([0, 1, 2]));
  const config = (layers: number[]) => {
    const path = join(dir, `${layers.join('-')}.json`);
    writeFileSync(path, JSON.stringify({ layers, activations: ['ReLU', 'Softmax'], optimizer: 'adam', learning_rate: 0.01, epochs: 20, batch_size: 4 }));
    return path;
  };

  it('asks for the input and output sizes of the data, and trains a network that has them', async () => {
    const wrong = await cli('train', '--config', config([784, 8, 10]), '--data', small);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe(
      `error: ${join(dir, '784-8-10.json')}: layers[0]: the input layer must have 144 nodes (12×12 pixels of small), got 784; layers[2]: the output layer must have 3 nodes (one per class of small), got 10`,
    );
    const model = join(dir, 'small-model.json');
    const right = await cli('train', '--config', config([144, 8, 3]), '--data', small, '--out', model);
    expect(right.stderr).toBe('');
    expect(accuracyOf(right.stdout)).toBe(100);
    const onMnist = await cli('evaluate', '--model', model);
    expect(onMnist.stderr.trim()).toBe(
      `error: ${model}: the model was trained on small (12×12 images, 3 classes) and cannot run on MNIST (28×28 images, 10 classes)`,
    );
    const saved = JSON.parse(readFileSync(model, 'utf8')) as { config: { layers: number[] }; dataset: unknown };
    expect(saved.config.layers).toEqual([144, 8, 3]);
    expect(saved.dataset).toEqual({ name: 'small', height: 12, width: 12, classNames: ['0', '1', '2'] });
  }, 60_000);

  it('names the file and the problem of a bad set', async () => {
    const broken = join(dir, 'broken');
    mkdirSync(broken);
    for (const name of ['train-images-idx3-ubyte', 'train-labels-idx1-ubyte', 't10k-images-idx3-ubyte']) copyFileSync(join(small, name), join(broken, name));
    writeFileSync(join(broken, 't10k-labels-idx1-ubyte'), idxLabels([0, 1]));
    const outcome = await cli('train', '--config', config([144, 8, 3]), '--data', broken);
    expect(outcome.code).toBe(1);
    expect(outcome.stderr.trim()).toBe('error: t10k-labels-idx1-ubyte: 2 labels, but t10k-images-idx3-ubyte holds 3 images');
    const missing = await cli('evaluate', '--model', 'x.json', '--data', join(dir, 'nowhere'));
    expect(missing.stderr.trim()).toBe(`error: cannot read the data folder ${join(dir, 'nowhere')}: no such file`);
  }, 60_000);
});
