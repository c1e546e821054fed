/**
 * A whole IDX dataset from the files a user picked: the four IDX files (`.gz` or raw) of any
 * MNIST-like set, and optionally `labels.txt` (one class name per line) or a JSON array of
 * class names. Which file is which is told by its magic number (images or labels) and by its
 * name (`train…` or `t10k…`/`test…`), so Fashion-MNIST's, KMNIST's and EMNIST's file names work.
 *
 * Memory: a raw file's pixels are a view into its own bytes, and a gzipped one is decompressed
 * once into a buffer sized from the gzip trailer, so the pixels exist once (beside the
 * compressed bytes, which the caller may drop).
 */
import type { Dataset } from '../engine/dataset.ts';
import { GzipError, gunzip, isGzip } from './gzip.ts';
import {
  checkLabels,
  IdxError,
  IMAGE_MAGIC,
  LABEL_MAGIC,
  pairSplit,
  readIdxImageHeader,
  readIdxImages,
  readIdxLabels,
  writeIdxImages,
  writeIdxLabels,
  type IdxImages,
} from './idx.ts';
import { formatSize, MAX_CLASSES, MAX_PIXEL_BYTES, tooLargeProblem, type ImageSet } from './image-set.ts';

export interface NamedBytes {
  name: string;
  bytes: Uint8Array;
}

type Split = 'train' | 'test';
type Kind = 'images' | 'labels';

/** An IDX file inflates to at most a set's pixels and an image file's 16-byte header. */
export const MAX_IDX_BYTES = MAX_PIXEL_BYTES + 16;

/**
 * The raw IDX bytes of a file, inflated when it is gzip: every member's CRC-32 and length are
 * checked, and inflating stops at what a set may hold whatever the trailer claims.
 */
export function idxBytes({ name, bytes }: NamedBytes, onProgress?: (read: number, total: number) => void): Uint8Array {
  if (!isGzip(bytes)) return bytes;
  try {
    return gunzip(bytes, name, MAX_IDX_BYTES, () => `too large for memory: its decompressed bytes pass the ${formatSize(MAX_PIXEL_BYTES)} a dataset may hold`, onProgress);
  } catch (error) {
    if (error instanceof GzipError) throw new IdxError(error.message);
    throw error;
  }
}

function splitOf(name: string): Split | null {
  const base = name.toLowerCase();
  if (/(^|[^a-z])(t10k|test)/.test(base)) return 'test';
  if (/(^|[^a-z])train/.test(base)) return 'train';
  return null;
}

/** Class names from labels.txt (one per line; blank lines at the end ignored) or a JSON array of strings. */
export function parseClassNames({ name, bytes }: NamedBytes): string[] {
  const text = new TextDecoder().decode(bytes);
  let names: string[];
  if (name.toLowerCase().endsWith('.json')) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new IdxError(`${name}: not valid JSON (${(error as Error).message})`);
    }
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new IdxError(`${name}: expected a JSON array of class names, like ["T-shirt", "Trouser"]`);
    }
    names = value;
  } else {
    names = text.replace(/\r/g, '').replace(/\n+$/, '').split('\n');
  }
  if (names.length === 0 || names.every((n) => n.trim() === '')) throw new IdxError(`${name}: no class names in the file`);
  if (names.length > MAX_CLASSES) throw new IdxError(`${name}: ${names.length} class names, at most ${MAX_CLASSES} classes are supported`);
  return names.map((n) => n.trim());
}

const isClassNameFile = (name: string) => /\.(txt|json)$/i.test(name);

/**
 * Reads a dataset named `setName` from its files; every problem is an IdxError naming the file:
 * a wrong magic number, a truncated file, counts that disagree, a label ≥ the number of class
 * names, a missing or duplicated file, images of differing sizes, a set too large for memory.
 * `onProgress` hears how far inflating a gzipped file has come.
 */
export function readIdxSet(files: NamedBytes[], setName: string, onProgress?: (read: number, total: number) => void): ImageSet {
  const found = new Map<string, { name: string; images?: IdxImages; labels?: Uint8Array }>();
  let classNames: string[] | null = null;
  let classFile = '';
  let pixelBytes = 0;

  for (const file of files) {
    if (isClassNameFile(file.name)) {
      classNames = parseClassNames(file);
      classFile = file.name;
      continue;
    }
    const split = splitOf(file.name);
    const bytes = idxBytes(file, onProgress);
    const magic = bytes.length >= 4 ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0) : -1;
    if (magic !== IMAGE_MAGIC && magic !== LABEL_MAGIC) {
      const shown = magic < 0 ? 'none (the file is shorter than 4 bytes)' : `0x${magic.toString(16).padStart(8, '0')}`;
      throw new IdxError(
        `${file.name}: wrong magic number ${shown} (expected 0x00000803 for an image file or 0x00000801 for a label file)`,
      );
    }
    const kind: Kind = magic === IMAGE_MAGIC ? 'images' : 'labels';
    if (!split) {
      throw new IdxError(`${file.name}: cannot tell whether these ${kind} are for training or testing; the name should start with train or t10k/test`);
    }
    const key = `${split}-${kind}`;
    const previous = found.get(key);
    if (previous) throw new IdxError(`${file.name}: a second ${split} ${kind} file (the first was ${previous.name})`);
    if (kind === 'images') {
      const header = readIdxImageHeader(bytes, file.name);
      pixelBytes += header.count * header.rows * header.cols;
      const tooLarge = tooLargeProblem(pixelBytes, 'the training and test images together');
      if (tooLarge) throw new IdxError(`${file.name}: ${tooLarge}`);
      found.set(key, { name: file.name, images: readIdxImages(bytes, file.name) });
    } else {
      found.set(key, { name: file.name, labels: readIdxLabels(bytes, file.name) });
    }
  }

  for (const key of ['train-images', 'train-labels', 'test-images', 'test-labels']) {
    if (!found.has(key)) {
      const [split, kind] = key.split('-');
      throw new IdxError(`${setName}: no ${split === 'test' ? 'test' : 'training'} ${kind} file (expected a name like ${split === 'test' ? 't10k' : 'train'}-${kind}-idx${kind === 'images' ? 3 : 1}-ubyte.gz)`);
    }
  }
  const entry = (key: string) => found.get(key) as { name: string; images?: IdxImages; labels?: Uint8Array };
  const trainImages = entry('train-images');
  const testImages = entry('test-images');
  const a = trainImages.images as IdxImages;
  const b = testImages.images as IdxImages;
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new IdxError(`${testImages.name}: images are ${b.rows}×${b.cols}, but the training images (${trainImages.name}) are ${a.rows}×${a.cols}`);
  }

  const pair = (split: Split): Dataset => {
    const images = entry(`${split}-images`);
    const labels = entry(`${split}-labels`);
    const labelBytes = labels.labels as Uint8Array;
    const imageData = images.images as IdxImages;
    if (imageData.count !== labelBytes.length) {
      throw new IdxError(`${labels.name}: ${labelBytes.length} labels, but ${images.name} holds ${imageData.count} images`);
    }
    return pairSplit(imageData, labelBytes, split);
  };
  const train = pair('train');
  const test = pair('test');

  if (classNames) {
    checkLabels(train.labels, entry('train-labels').name, classNames.length);
    checkLabels(test.labels, entry('test-labels').name, classNames.length);
  } else {
    let top = 0;
    for (const labels of [train.labels, test.labels]) for (const label of labels) if (label > top) top = label;
    classNames = Array.from({ length: top + 1 }, (_, i) => String(i));
  }
  if (classNames.length < 2) throw new IdxError(`${classFile || setName}: a dataset needs at least 2 classes, found ${classNames.length}`);
  return { name: setName, height: a.rows, width: a.cols, classNames, train, test };
}

/**
 * A set as the five files readIdxSet reads back to the same set: raw (not gzipped) IDX files
 * named as MNIST's are, and labels.txt with one class name per line.
 */
export function writeIdxSet(set: ImageSet): NamedBytes[] {
  const { height, width } = set;
  return [
    { name: 'train-images-idx3-ubyte', bytes: writeIdxImages(set.train.images, set.train.count, height, width) },
    { name: 'train-labels-idx1-ubyte', bytes: writeIdxLabels(set.train.labels) },
    { name: 't10k-images-idx3-ubyte', bytes: writeIdxImages(set.test.images, set.test.count, height, width) },
    { name: 't10k-labels-idx1-ubyte', bytes: writeIdxLabels(set.test.labels) },
    { name: 'labels.txt', bytes: new TextEncoder().encode(`${set.classNames.join('\n')}\n`) },
  ];
}
