/**
 * Data augmentation: each training image, every time it is used, is shifted by whole
 * pixels and rotated by a small angle about its centre, so the network cannot memorise
 * exact pixel positions. Pixels are resampled bilinearly from the bytes straight into the
 * batch's float buffer; nothing is allocated per sample.
 */
import type { Augmentation } from './config.ts';
import type { Dataset } from './dataset.ts';
import type { Rng } from './rng.ts';

export class Augmenter {
  private readonly shift: number;
  /** Largest rotation, in radians. */
  private readonly rotate: number;
  private readonly rng: Rng;
  /** Image width and height: images are square. */
  private readonly side: number;

  constructor(augmentation: Augmentation, inputSize: number, rng: Rng) {
    const side = Math.round(Math.sqrt(inputSize));
    if (side * side !== inputSize) throw new Error(`Augmentation needs square images, not ${inputSize} pixels`);
    this.shift = augmentation.shift;
    this.rotate = (augmentation.rotate * Math.PI) / 180;
    this.rng = rng;
    this.side = side;
  }

  /**
   * Writes sample `index`, randomly moved and scaled to [0, 1], into `target` from `offset`
   * on. Ink moved in from outside the image is background.
   */
  copy(data: Dataset, index: number, target: Float32Array, offset: number): void {
    const { side, rng } = this;
    const dx = this.shift > 0 ? rng.nextInt(2 * this.shift + 1) - this.shift : 0;
    const dy = this.shift > 0 ? rng.nextInt(2 * this.shift + 1) - this.shift : 0;
    const angle = this.rotate > 0 ? (2 * rng.next() - 1) * this.rotate : 0;
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const centre = (side - 1) / 2;
    const image = data.images;
    const start = index * data.inputSize;
    const scale = 1 / 255;

    // Each output pixel reads the source point that the inverse move (unshift, then rotate back) lands on.
    for (let y = 0; y < side; y++) {
      const ry = y - dy - centre;
      for (let x = 0; x < side; x++) {
        const rx = x - dx - centre;
        const sx = cos * rx + sin * ry + centre;
        const sy = -sin * rx + cos * ry + centre;
        const x0 = Math.floor(sx);
        const y0 = Math.floor(sy);
        const fx = sx - x0;
        const fy = sy - y0;
        const top = (1 - fx) * pixel(image, start, side, x0, y0) + fx * pixel(image, start, side, x0 + 1, y0);
        const bottom = (1 - fx) * pixel(image, start, side, x0, y0 + 1) + fx * pixel(image, start, side, x0 + 1, y0 + 1);
        // Rounding can push a weighted mean of 255s a hair past 255.
        target[offset + y * side + x] = Math.min(1, ((1 - fy) * top + fy * bottom) * scale);
      }
    }
  }
}

function pixel(image: Uint8Array, start: number, side: number, x: number, y: number): number {
  return x < 0 || y < 0 || x >= side || y >= side ? 0 : image[start + y * side + x];
}
