/**
 * The IDX format of the MNIST files (http://yann.lecun.com/exdb/mnist/), read from bytes
 * so the same code serves Node, the browser and the worker. Every field is big-endian:
 *
 *   images: magic 0x00000803, count, rows, cols, then count·rows·cols pixel bytes
 *   labels: magic 0x00000801, count, then count label bytes
 */
import type { Dataset } from '../engine/dataset.ts';
import { MNIST_SHAPE, tooLargeProblem } from './image-set.ts';

export const IMAGE_MAGIC = 0x00000803;
export const LABEL_MAGIC = 0x00000801;

const IMAGE_HEADER_BYTES = 16;
const LABEL_HEADER_BYTES = 8;

/** A file that is not a usable IDX file; the message names the file and what is wrong. */
export class IdxError extends Error {
  override name = 'IdxError';
}

export interface IdxImages {
  count: number;
  rows: number;
  cols: number;
  /** count·rows·cols bytes, a view into the file's buffer. */
  pixels: Uint8Array;
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

function checkMagic(bytes: Uint8Array, name: string, expected: number, kind: string, headerBytes: number): DataView {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = bytes.length >= 4 ? view.getUint32(0) : expected;
  if (magic !== expected) {
    const other =
      magic === IMAGE_MAGIC ? '; this is an image file' : magic === LABEL_MAGIC ? '; this is a label file' : '';
    throw new IdxError(`${name}: wrong magic number ${hex(magic)} (expected ${hex(expected)} for ${kind} file${other})`);
  }
  if (bytes.length < headerBytes) {
    throw new IdxError(
      `${name}: file is truncated: ${bytes.length} bytes is shorter than the ${headerBytes}-byte header of ${kind} file`,
    );
  }
  return view;
}

function checkLength(bytes: Uint8Array, name: string, expected: number, what: string): void {
  if (bytes.length < expected) {
    throw new IdxError(`${name}: file is truncated: expected ${expected} bytes for ${what}, got ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new IdxError(
      `${name}: file is too long: expected ${expected} bytes for ${what}, got ${bytes.length} (${bytes.length - expected} extra)`,
    );
  }
}

/** The count and image size an IDX image file's header announces, checked against the memory limit. */
export function readIdxImageHeader(bytes: Uint8Array, name: string): Omit<IdxImages, 'pixels'> {
  const view = checkMagic(bytes, name, IMAGE_MAGIC, 'an image', IMAGE_HEADER_BYTES);
  const count = view.getUint32(4);
  const rows = view.getUint32(8);
  const cols = view.getUint32(12);
  const tooLarge = tooLargeProblem(count * rows * cols, `${count} images of ${rows}×${cols}`);
  if (tooLarge) throw new IdxError(`${name}: ${tooLarge}`);
  return { count, rows, cols };
}

/**
 * Reads an IDX image file (one channel, any size); with `shape`, its images must be that size.
 * Throws IdxError naming `name` if anything is off.
 */
export function readIdxImages(bytes: Uint8Array, name: string, shape?: { height: number; width: number }): IdxImages {
  const { count, rows, cols } = readIdxImageHeader(bytes, name);
  if (shape && (rows !== shape.height || cols !== shape.width)) {
    throw new IdxError(`${name}: images are ${rows}×${cols}, expected ${shape.height}×${shape.width}`);
  }
  checkLength(bytes, name, IMAGE_HEADER_BYTES + count * rows * cols, `${count} images of ${rows}×${cols}`);
  return { count, rows, cols, pixels: bytes.subarray(IMAGE_HEADER_BYTES) };
}

/** Reads an IDX label file; with `classes`, every label must be below it. */
export function readIdxLabels(bytes: Uint8Array, name: string, classes?: number): Uint8Array {
  const view = checkMagic(bytes, name, LABEL_MAGIC, 'a label', LABEL_HEADER_BYTES);
  const count = view.getUint32(4);
  checkLength(bytes, name, LABEL_HEADER_BYTES + count, `${count} labels`);
  const labels = bytes.subarray(LABEL_HEADER_BYTES);
  if (classes !== undefined) checkLabels(labels, name, classes);
  return labels;
}

/** Throws IdxError naming the first label that is not one of `classes` classes. */
export function checkLabels(labels: Uint8Array, name: string, classes: number): void {
  const bad = labels.findIndex((label) => label >= classes);
  if (bad >= 0) {
    throw new IdxError(`${name}: label ${labels[bad]} at index ${bad} is not one of the ${classes} classes (0–${classes - 1})`);
  }
}

/** Images and labels of one split, from files already read; the counts must agree. */
export function pairSplit(images: IdxImages, labels: Uint8Array, name: string): Dataset {
  if (images.count !== labels.length) {
    throw new IdxError(`${name}: the image and label files disagree: ${images.count} images but ${labels.length} labels`);
  }
  return { images: images.pixels, labels, count: images.count, inputSize: images.rows * images.cols };
}

/**
 * One MNIST split from its two files. `name` ("train", "test") prefixes messages:
 * "train-images: file is truncated: …".
 */
export function readMnist(imagesBytes: Uint8Array, labelsBytes: Uint8Array, name: string): Dataset {
  const images = readIdxImages(imagesBytes, `${name}-images`, MNIST_SHAPE);
  const labels = readIdxLabels(labelsBytes, `${name}-labels`, MNIST_SHAPE.classes);
  return pairSplit(images, labels, name);
}

/** An IDX image file holding `count` images of rows×cols bytes: the inverse of readIdxImages. */
export function writeIdxImages(pixels: Uint8Array, count: number, rows: number, cols: number): Uint8Array {
  const bytes = new Uint8Array(IMAGE_HEADER_BYTES + count * rows * cols);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, IMAGE_MAGIC);
  view.setUint32(4, count);
  view.setUint32(8, rows);
  view.setUint32(12, cols);
  bytes.set(pixels.subarray(0, count * rows * cols), IMAGE_HEADER_BYTES);
  return bytes;
}

/** An IDX label file: the inverse of readIdxLabels. */
export function writeIdxLabels(labels: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(LABEL_HEADER_BYTES + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, LABEL_MAGIC);
  view.setUint32(4, labels.length);
  bytes.set(labels, LABEL_HEADER_BYTES);
  return bytes;
}
