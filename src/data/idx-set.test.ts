import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readIdxSet, type NamedBytes } from './idx-set.ts';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';

const text = (s: string) => new TextEncoder().encode(s);

/** A 2×3-pixel set: 3 training and 2 test images, labels 0–2. */
function smallSet(): NamedBytes[] {
  const shape = { height: 2, width: 3 };
  return [
    { name: 'train-images-idx3-ubyte.gz', bytes: gzipSync(idxImages([1, 2, 3], shape)) },
    { name: 'train-labels-idx1-ubyte', bytes: idxLabels([0, 1, 2]) },
    { name: 't10k-images-idx3-ubyte', bytes: idxImages([4, 5], shape) },
    { name: 't10k-labels-idx1-ubyte.gz', bytes: gzipSync(idxLabels([2, 0])) },
  ];
}

const replace = (files: NamedBytes[], name: string, bytes: Uint8Array) => files.map((f) => (f.name === name ? { name, bytes } : f));

describe('readIdxSet', () => {
  it('reads four files, gzipped or raw, of any image size; without class names the classes are the label numbers', () => {
    const set = readIdxSet(smallSet(), 'tiny');
    expect([set.name, set.height, set.width]).toEqual(['tiny', 2, 3]);
    expect(set.classNames).toEqual(['0', '1', '2']);
    expect([set.train.count, set.train.inputSize, set.test.count]).toEqual([3, 6, 2]);
    expect([set.train.images[6], set.test.images[11], ...set.test.labels]).toEqual([2, 5, 2, 0]);
  });

  it('takes class names from labels.txt or JSON, and refuses a label beyond them', () => {
    const named = readIdxSet([...smallSet(), { name: 'labels.txt', bytes: text('cat\ndog\r\nbird\n') }], 'pets');
    expect(named.classNames).toEqual(['cat', 'dog', 'bird']);
    const json = readIdxSet([...smallSet(), { name: 'classes.json', bytes: text('["a","b","c","d"]') }], 'x');
    expect(json.classNames).toEqual(['a', 'b', 'c', 'd']);
    expect(() => readIdxSet([...smallSet(), { name: 'labels.txt', bytes: text('cat\ndog\n') }], 'x')).toThrow(
      'train-labels-idx1-ubyte: label 2 at index 2 is not one of the 2 classes (0–1)',
    );
    expect(() => readIdxSet([...smallSet(), { name: 'c.json', bytes: text('{"a":1}') }], 'x')).toThrow(/^c\.json: expected a JSON array/);
  });

  it('names the file whose counts disagree', () => {
    const files = replace(smallSet(), 'train-labels-idx1-ubyte', idxLabels([0, 1]));
    expect(() => readIdxSet(files, 'x')).toThrow('train-labels-idx1-ubyte: 2 labels, but train-images-idx3-ubyte.gz holds 3 images');
  });

  it('names a wrong magic number, a truncated file and a damaged gzip', () => {
    const bad = idxLabels([0, 1, 2]);
    bad[3] = 0x42;
    expect(() => readIdxSet(replace(smallSet(), 'train-labels-idx1-ubyte', bad), 'x')).toThrow(
      'train-labels-idx1-ubyte: wrong magic number 0x00000842 (expected 0x00000803 for an image file or 0x00000801 for a label file)',
    );
    const short = idxImages([4, 5], { height: 2, width: 3 }).subarray(0, 20);
    expect(() => readIdxSet(replace(smallSet(), 't10k-images-idx3-ubyte', short), 'x')).toThrow(
      't10k-images-idx3-ubyte: file is truncated: expected 28 bytes for 2 images of 2×3, got 20',
    );
    const gz = smallSet()[0].bytes;
    expect(() => readIdxSet(replace(smallSet(), 'train-images-idx3-ubyte.gz', gz.subarray(0, gz.length - 9)), 'x')).toThrow(
      /^train-images-idx3-ubyte\.gz: (the gzip data is damaged or truncated|file is truncated)/,
    );
  });

  it('names a missing file, a second one of a kind and test images of another size', () => {
    expect(() => readIdxSet(smallSet().slice(0, 3), 'tiny')).toThrow('tiny: no test labels file (expected a name like t10k-labels-idx1-ubyte.gz)');
    expect(() => readIdxSet([...smallSet(), { name: 'test-labels', bytes: idxLabels([1]) }], 'x')).toThrow(
      'test-labels: a second test labels file (the first was t10k-labels-idx1-ubyte.gz)',
    );
    const other = replace(smallSet(), 't10k-images-idx3-ubyte', idxImages([4, 5], { height: 3, width: 3 }));
    expect(() => readIdxSet(other, 'x')).toThrow('t10k-images-idx3-ubyte: images are 3×3, but the training images (train-images-idx3-ubyte.gz) are 2×3');
  });

  it('refuses a gzip whose trailer was rewritten, naming the file: a length the data does not inflate to, or a CRC-32 it does not have', () => {
    // 100 images in the gzip, its trailer rewritten to the 10 the IDX header then claims: accepted as blank images before.
    const idx = idxImages(Array.from({ length: 100 }, (_, i) => i), { height: 28, width: 28 });
    new DataView(idx.buffer).setUint32(4, 10);
    const gz = gzipSync(idx);
    const lying = gz.slice();
    new DataView(lying.buffer).setUint32(lying.length - 4, 16 + 10 * 784, true);
    expect(() => readIdxSet(replace(smallSet(), 'train-images-idx3-ubyte.gz', lying), 'x')).toThrow(
      'train-images-idx3-ubyte.gz: the gzip data is damaged or truncated: its trailer gives a length of 7856 bytes, but it inflates to 78416',
    );
    const badCrc = smallSet()[0].bytes.slice();
    badCrc[badCrc.length - 8] ^= 1;
    expect(() => readIdxSet(replace(smallSet(), 'train-images-idx3-ubyte.gz', badCrc), 'x')).toThrow(/^train-images-idx3-ubyte\.gz: the gzip data is damaged or truncated: its trailer gives a CRC-32 of/);
    // A trailer claiming more than a set may hold is not believed either: the data is checked.
    const huge = smallSet()[0].bytes.slice();
    new DataView(huge.buffer).setUint32(huge.length - 4, 600 * 1024 * 1024, true);
    expect(() => readIdxSet(replace(smallSet(), 'train-images-idx3-ubyte.gz', huge), 'x')).toThrow(/^train-images-idx3-ubyte\.gz: .*length of 629145600 bytes, but it inflates to 34$/);
  });

  it('says a cut .gz is truncated, naming it, wherever it is cut (not "too large" from the bytes where its trailer was)', () => {
    const idx = idxImages(Array.from({ length: 300 }, (_, i) => (i * 41) % 256), { height: 28, width: 28 });
    for (let i = 16 + 300 * 784 - 1; i >= 16; i -= 13) idx[i] = (i * 2654435761) >>> 27;
    const gz = gzipSync(idx);
    for (let n = 1; n < 50; n++) {
      const cut = Math.floor((n * gz.length) / 50);
      expect(() => readIdxSet(replace(smallSet(), 'train-images-idx3-ubyte.gz', gz.subarray(0, cut)), 'x'), `cut at ${cut}`).toThrow(
        /^train-images-idx3-ubyte\.gz: (file is truncated|the gzip data is damaged or truncated)/,
      );
    }
  });

  it('stops inflating a .gz past what a set may hold, whatever its trailer says', () => {
    // 513 members of 1 MB of zeros each (cheap to make), the last trailer rewritten to a small length.
    const member = gzipSync(new Uint8Array(1024 * 1024));
    const bomb = new Uint8Array(513 * member.length);
    for (let i = 0; i < 513; i++) bomb.set(member, i * member.length);
    new DataView(bomb.buffer).setUint32(bomb.length - 4, 784016, true);
    expect(() => readIdxSet(replace(smallSet(), 'train-images-idx3-ubyte.gz', bomb), 'x')).toThrow(
      'train-images-idx3-ubyte.gz: too large for memory: its decompressed bytes pass the 512.0 MB a dataset may hold',
    );
  }, 60_000);
});

const FASHION = '/usr/share/datasets/fashion-mnist';

describe.runIf(existsSync(FASHION))('Fashion-MNIST from the Debian package', () => {
  it('reads as 60,000 + 10,000 images of 28×28 in 10 classes', () => {
    const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
    const set = readIdxSet(names.map((name) => ({ name, bytes: readFileSync(join(FASHION, name)) })), 'Fashion-MNIST');
    expect([set.train.count, set.test.count, set.height, set.width, set.classNames.length]).toEqual([60000, 10000, 28, 28, 10]);
    // Balanced: 6,000 training images per class.
    const perClass = new Array<number>(10).fill(0);
    for (const label of set.train.labels) perClass[label]++;
    expect(perClass).toEqual(new Array<number>(10).fill(6000));
  });

  it('holds the pixels once: array-buffer memory grows by the compressed files plus one copy of the pixels', () => {
    const names = ['train-images-idx3-ubyte.gz', 'train-labels-idx1-ubyte.gz', 't10k-images-idx3-ubyte.gz', 't10k-labels-idx1-ubyte.gz'];
    const before = process.memoryUsage().arrayBuffers;
    const files = names.map((name) => ({ name, bytes: readFileSync(join(FASHION, name)) }));
    const compressed = files.reduce((sum, f) => sum + f.bytes.length, 0);
    const set = readIdxSet(files, 'Fashion-MNIST');
    // Measured without collecting garbage in between, so a temporary copy would still be counted.
    const grown = process.memoryUsage().arrayBuffers - before;
    const pixels = set.train.images.length + set.test.images.length;
    expect(pixels).toBe(70_000 * 784);
    expect(grown - compressed).toBeLessThan(pixels * 1.05);
    // The pixels are views into the decompressed files, not copies of them.
    expect(set.train.images.buffer.byteLength).toBe(16 + 60_000 * 784);
  });
});
