import { describe, expect, it } from 'vitest';
import { Augmenter } from './augment.ts';
import { copyImage, type Dataset } from './dataset.ts';
import { createRng } from './rng.ts';

const SIDE = 28;
const SIZE = SIDE * SIDE;

/** `count` images of random strokes (seeded), labels 0…9 in turn. */
function strokes(count: number, seed: number): Dataset {
  const rng = createRng(seed);
  const images = new Uint8Array(count * SIZE);
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 60; k++) images[i * SIZE + 4 * SIDE + 4 + rng.nextInt(20) * SIDE + rng.nextInt(20)] = 128 + rng.nextInt(128);
    images[i * SIZE + 14 * SIDE + 14] = 255;
  }
  return { images, labels: Uint8Array.from({ length: count }, (_, i) => i % 10), count, inputSize: SIZE };
}

function augmented(data: Dataset, shift: number, rotate: number, seed: number): Float32Array {
  const augmenter = new Augmenter({ shift, rotate }, SIZE, createRng(seed));
  const out = new Float32Array(data.count * SIZE);
  for (let i = 0; i < data.count; i++) augmenter.copy(data, i, out, i * SIZE);
  return out;
}

describe('Augmenter', () => {
  const data = strokes(20, 3);

  it('keeps pixels in [0, 1] and leaves the images and labels as they were', () => {
    const images = data.images.slice();
    const labels = data.labels.slice();
    const out = augmented(data, 3, 30, 1);
    expect(out.every((value) => value >= 0 && value <= 1)).toBe(true);
    expect(out.some((value) => value > 0.5)).toBe(true);
    expect(data.images).toEqual(images);
    expect(data.labels).toEqual(labels);
  });

  it('the same seed moves the images the same way; another seed, another way', () => {
    expect(augmented(data, 2, 10, 7)).toEqual(augmented(data, 2, 10, 7));
    expect(augmented(data, 2, 10, 8)).not.toEqual(augmented(data, 2, 10, 7));
  });

  it('moves every image: no shift or rotation of zero for all', () => {
    const plain = new Float32Array(data.count * SIZE);
    for (let i = 0; i < data.count; i++) copyImage(data, i, plain, i * SIZE);
    const out = augmented(data, 2, 10, 5);
    let moved = 0;
    for (let i = 0; i < data.count; i++) {
      if (out.subarray(i * SIZE, (i + 1) * SIZE).some((value, p) => value !== plain[i * SIZE + p])) moved++;
    }
    // Only a draw of shift (0, 0) and an angle of exactly 0 would leave an image alone.
    expect(moved).toBe(data.count);
  });

  it('a shift alone moves whole pixels: the ink is the same, displaced', () => {
    const one: Dataset = { ...data, count: 1 };
    const out = augmented(one, 2, 0, 11);
    const plain = new Float32Array(SIZE);
    copyImage(one, 0, plain, 0);
    // The strokes sit well inside the frame, so a 2-pixel shift loses no ink.
    const sum = (values: Float32Array) => values.reduce((a, b) => a + b, 0);
    expect(sum(out)).toBeCloseTo(sum(plain), 3);
    const found = [-2, -1, 0, 1, 2].flatMap((dy) => [-2, -1, 0, 1, 2].map((dx) => [dx, dy])).filter(([dx, dy]) => {
      for (let y = 2; y < SIDE - 2; y++) {
        for (let x = 2; x < SIDE - 2; x++) if (out[(y + dy) * SIDE + x + dx] !== plain[y * SIDE + x]) return false;
      }
      return true;
    });
    expect(found).toHaveLength(1);
  });

  it('refuses images that are not square', () => {
    expect(() => new Augmenter({ shift: 1, rotate: 0 }, 10, createRng(1))).toThrow('square');
  });
});
