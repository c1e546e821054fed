import { describe, expect, it } from 'vitest';
import { divergingColor } from './diverging';

const color = (value: number, scale: number) => {
  const rgba = new Uint8ClampedArray(4);
  divergingColor(value, scale, rgba, 0);
  return Array.from(rgba);
};

describe('divergingColor', () => {
  it('is white at zero, full blue and red at the ends, clamped beyond', () => {
    expect(color(0, 1)).toEqual([255, 255, 255, 255]);
    expect(color(-1, 1)).toEqual([37, 99, 235, 255]);
    expect(color(2, 2)).toEqual([220, 38, 38, 255]);
    expect(color(5, 1)).toEqual(color(1, 1));
    expect(color(0.5, 0)).toEqual([255, 255, 255, 255]);
  });

  it('halfway is halfway to white', () => {
    expect(color(-0.5, 1)).toEqual([146, 177, 245, 255]);
  });
});
