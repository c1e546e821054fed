/**
 * Labelled images kept as bytes: 60k×784 Uint8Array is 47 MB, a Float32 copy would be 188 MB.
 * Pixels are scaled to [0, 1] only when a batch is filled.
 */
export interface Dataset {
  /** count × inputSize bytes, row-major, 0 (background) … 255 (ink). */
  images: Uint8Array;
  labels: Uint8Array;
  count: number;
  /** Pixels per image (784 for MNIST). */
  inputSize: number;
}

/** The first `n` samples of a dataset, without copying. */
export function firstSamples(data: Dataset, n: number): Dataset {
  const count = Math.min(n, data.count);
  return {
    images: data.images.subarray(0, count * data.inputSize),
    labels: data.labels.subarray(0, count),
    count,
    inputSize: data.inputSize,
  };
}

/** v / 255 for every byte v, as float32: the network's input for a pixel. */
const PIXEL_VALUES = Float32Array.from({ length: 256 }, (_, v) => v / 255);

/** Writes sample `index`'s pixels, scaled to [0, 1], into `target` from `offset` on. */
export function copyImage(data: Pick<Dataset, 'images' | 'inputSize'>, index: number, target: Float32Array, offset: number): void {
  const { images, inputSize } = data;
  const start = index * inputSize;
  for (let i = 0; i < inputSize; i++) target[offset + i] = PIXEL_VALUES[images[start + i]];
}
