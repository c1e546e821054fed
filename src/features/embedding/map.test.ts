import { describe, expect, it } from 'vitest';
import { classColour, dotToward, layout, nearestDot } from './map';

describe('embedding map geometry', () => {
  const points = Float32Array.of(0, 0, 10, 0, 10, 5, -10, 5);

  it('fits the points in the canvas, the same scale on both axes, the second axis upwards', () => {
    const placed = layout(points, 4, 220, 120, 10);
    // 20 wide and 5 high: 200 pixels for 20 units, so 10 per unit, centred vertically.
    expect(Array.from(placed)).toEqual([110, 85, 210, 85, 210, 35, 10, 35]);
  });

  it('finds the dot under the pointer, within reach only', () => {
    const placed = layout(points, 4, 220, 120, 10);
    expect(nearestDot(placed, 208, 37, 6)).toBe(2);
    expect(nearestDot(placed, 160, 60, 6)).toBe(-1);
  });

  it('moves to the nearest dot in an arrow’s direction, or stays', () => {
    const placed = layout(points, 4, 220, 120, 10);
    expect(dotToward(placed, 0, 1, 0)).toBe(1);
    expect(dotToward(placed, 1, 0, -1)).toBe(2);
    expect(dotToward(placed, 0, -1, 0)).toBe(3);
    expect(dotToward(placed, 1, 1, 0)).toBe(1);
  });

  it('gives ten classes ten colours, and more classes darker ones', () => {
    const colours = Array.from({ length: 20 }, (_, c) => classColour(c));
    expect(new Set(colours).size).toBe(20);
    expect(colours[10]).toMatch(/^#[0-9a-f]{6}$/);
  });
});
