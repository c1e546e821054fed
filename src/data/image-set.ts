/**
 * A labelled image dataset of any size: MNIST is one instance, Fashion-MNIST, KMNIST, EMNIST
 * or a user's folder of images are others. Images are one channel, `height`×`width` bytes each.
 */
import type { Dataset } from '../engine/dataset.ts';

export interface ImageSet {
  name: string;
  height: number;
  width: number;
  /** One name per class, in label order; labels are bytes, so at most 256. */
  classNames: string[];
  train: Dataset;
  test: Dataset;
}

/** Input size and class count: what a network must match to train on or predict a set. */
export interface SetShape {
  height: number;
  width: number;
  classes: number;
}

export const MAX_CLASSES = 256;

/**
 * Pixel bytes one dataset may hold (train and test together). The worker keeps pixels as bytes
 * and may briefly hold a second copy while storing them, so 512 MB keeps a tab under ~1 GB.
 */
export const MAX_PIXEL_BYTES = 512 * 1024 ** 2;

export const MNIST_CLASS_NAMES = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
export const MNIST_SHAPE: SetShape = { height: 28, width: 28, classes: 10 };

export function shapeOf(set: Pick<ImageSet, 'height' | 'width' | 'classNames'>): SetShape {
  return { height: set.height, width: set.width, classes: set.classNames.length };
}

/** "28×28 images, 10 classes" */
export function describeShape({ height, width, classes }: SetShape): string {
  return `${height}×${width} images, ${classes} classes`;
}

export function sameShape(a: SetShape, b: SetShape): boolean {
  return a.height === b.height && a.width === b.width && a.classes === b.classes;
}

export function formatSize(bytes: number): string {
  const MB = 1024 ** 2;
  return bytes >= 1024 * MB ? `${(bytes / (1024 * MB)).toFixed(1)} GB` : `${(bytes / MB).toFixed(1)} MB`;
}

/** The message for a dataset whose pixels would not fit, or null when they do. */
export function tooLargeProblem(pixelBytes: number, what: string): string | null {
  if (pixelBytes <= MAX_PIXEL_BYTES) return null;
  return `too large for memory: ${what} need ${formatSize(pixelBytes)}, more than the ${formatSize(MAX_PIXEL_BYTES)} a dataset may hold`;
}
