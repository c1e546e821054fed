import { describe, expect, it } from 'vitest';
import { IdxError, readIdxImages, readIdxLabels, readMnist } from './idx.ts';
import { idxImages, idxLabels } from '../testing/idx-fixtures.ts';

describe('readIdxImages', () => {
  it('reads the count and the pixels after the 16-byte header', () => {
    const file = idxImages([3, 7, 255]);
    const images = readIdxImages(file, 'train-images');
    expect(images.count).toBe(3);
    expect([images.rows, images.cols]).toEqual([28, 28]);
    expect(images.pixels.length).toBe(3 * 784);
    expect([images.pixels[0], images.pixels[784], images.pixels[2 * 784 + 783]]).toEqual([3, 7, 255]);
  });

  it('says how many bytes a truncated file should have', () => {
    const file = idxImages([1, 2]).subarray(0, 1000);
    expect(() => readIdxImages(file, 'train-images')).toThrow(
      new IdxError('train-images: file is truncated: expected 1584 bytes for 2 images of 28×28, got 1000'),
    );
  });

  it('refuses a header-only fragment', () => {
    expect(() => readIdxImages(idxImages([1]).subarray(0, 10), 'x')).toThrow(
      'x: file is truncated: 10 bytes is shorter than the 16-byte header of an image file',
    );
  });

  it('refuses extra bytes at the end', () => {
    const file = idxImages([1]);
    const longer = new Uint8Array(file.length + 5);
    longer.set(file);
    expect(() => readIdxImages(longer, 'x')).toThrow(/file is too long: expected 800 bytes .*got 805 \(5 extra\)/);
  });

  it('names the wrong magic number and the expected one', () => {
    const file = idxImages([1]);
    file[3] = 0x99;
    expect(() => readIdxImages(file, 'test-images')).toThrow(
      'test-images: wrong magic number 0x00000899 (expected 0x00000803 for an image file)',
    );
  });

  it('recognises a label file given where images were expected', () => {
    expect(() => readIdxImages(idxLabels([1, 2, 3, 4, 5, 6, 7, 8]), 'x')).toThrow(
      'x: wrong magic number 0x00000801 (expected 0x00000803 for an image file; this is a label file)',
    );
  });

  it('refuses images that are not the expected size', () => {
    const file = idxImages([1]);
    new DataView(file.buffer).setUint32(8, 32);
    expect(() => readIdxImages(file, 'x', { height: 28, width: 28 })).toThrow('x: images are 32×28, expected 28×28');
  });

  it('reads images of any size', () => {
    const file = idxImages([5, 6], { height: 3, width: 5 });
    const images = readIdxImages(file, 'x');
    expect([images.count, images.rows, images.cols, images.pixels.length]).toEqual([2, 3, 5, 30]);
    expect([images.pixels[14], images.pixels[15]]).toEqual([5, 6]);
  });

  it('says how much memory a header announces beyond the limit, before reading the pixels', () => {
    const header = idxImages([]);
    const view = new DataView(header.buffer);
    view.setUint32(4, 1_000_000);
    view.setUint32(8, 32);
    view.setUint32(12, 32);
    expect(() => readIdxImages(header, 'big')).toThrow(
      'big: too large for memory: 1000000 images of 32×32 need 976.6 MB, more than the 512.0 MB a dataset may hold',
    );
  });

  it('reads a view into an offset buffer', () => {
    const file = idxImages([9]);
    const padded = new Uint8Array(file.length + 3);
    padded.set(file, 3);
    expect(readIdxImages(padded.subarray(3), 'x').pixels[0]).toBe(9);
  });
});

describe('readIdxLabels', () => {
  it('reads labels after the 8-byte header', () => {
    expect([...readIdxLabels(idxLabels([0, 9, 4]), 'l')]).toEqual([0, 9, 4]);
  });

  it('refuses a label that is not one of the classes', () => {
    expect(() => readIdxLabels(idxLabels([0, 12]), 'l', 10)).toThrow('l: label 12 at index 1 is not one of the 10 classes (0–9)');
    expect([...readIdxLabels(idxLabels([0, 12]), 'l', 13)]).toEqual([0, 12]);
  });

  it('refuses a truncated label file', () => {
    expect(() => readIdxLabels(idxLabels([1, 2, 3]).subarray(0, 10), 'l')).toThrow(
      'l: file is truncated: expected 11 bytes for 3 labels, got 10',
    );
  });

  it('refuses an image file given where labels were expected', () => {
    expect(() => readIdxLabels(idxImages([1]), 'l')).toThrow(/wrong magic number 0x00000803 \(expected 0x00000801 for a label file; this is an image file\)/);
  });
});

describe('readMnist', () => {
  it('pairs images with labels into a Dataset', () => {
    const data = readMnist(idxImages([10, 20]), idxLabels([3, 5]), 'train');
    expect(data.count).toBe(2);
    expect(data.inputSize).toBe(784);
    expect(data.images.length).toBe(2 * 784);
    expect(data.images[784]).toBe(20);
    expect([...data.labels]).toEqual([3, 5]);
  });

  it('refuses a label that is not a digit', () => {
    expect(() => readMnist(idxImages([1]), idxLabels([10]), 'train')).toThrow('train-labels: label 10 at index 0 is not one of the 10 classes (0–9)');
  });

  it('refuses files whose counts disagree', () => {
    expect(() => readMnist(idxImages([1, 2]), idxLabels([1, 2, 3]), 'test')).toThrow(
      'test: the image and label files disagree: 2 images but 3 labels',
    );
  });

  it('prefixes messages with the split and file kind', () => {
    expect(() => readMnist(idxImages([1]).subarray(0, 100), idxLabels([1]), 'train')).toThrow(/^train-images: /);
    expect(() => readMnist(idxImages([1]), idxLabels([1]).subarray(0, 4), 'train')).toThrow(/^train-labels: /);
  });
});
