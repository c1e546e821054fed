/** Small IDX files built in memory for tests: one image per entry, every pixel set to that value. */
import { IMAGE_MAGIC, LABEL_MAGIC } from '../data/idx.ts';

export function idxImages(pixelValues: readonly number[], { height = 28, width = 28 } = {}): Uint8Array {
  const size = height * width;
  const bytes = new Uint8Array(16 + pixelValues.length * size);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, IMAGE_MAGIC);
  view.setUint32(4, pixelValues.length);
  view.setUint32(8, height);
  view.setUint32(12, width);
  pixelValues.forEach((value, i) => bytes.fill(value, 16 + i * size, 16 + (i + 1) * size));
  return bytes;
}

export function idxLabels(labels: readonly number[]): Uint8Array {
  const bytes = new Uint8Array(8 + labels.length);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, LABEL_MAGIC);
  view.setUint32(4, labels.length);
  bytes.set(labels, 8);
  return bytes;
}
