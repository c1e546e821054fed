import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { appendPoint, appendPoints, emptySeries } from './series';

const naturals = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('decimated series', () => {
  it('keeps every point until the cap is reached', () => {
    const series = appendPoints(emptySeries<number>(), naturals(10), 10);
    expect(series.points).toEqual(naturals(10));
    expect(series.stride).toBe(1);
  });

  it('halves its resolution when the cap is passed', () => {
    const series = appendPoints(emptySeries<number>(), naturals(11), 10);
    expect(series.points).toEqual([0, 2, 4, 6, 8, 10]);
    expect(series.stride).toBe(2);
  });

  it('never holds more than the cap, and the points stay evenly spaced from the first', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 40 }), fc.integer({ min: 0, max: 2000 }), (cap, n) => {
        const series = appendPoints(emptySeries<number>(), naturals(n), cap);
        expect(series.points.length).toBeLessThanOrEqual(cap);
        series.points.forEach((value, i) => expect(value).toBe(i * series.stride));
        if (n > 0) expect(n - 1 - series.points[series.points.length - 1]).toBeLessThan(series.stride);
      }),
    );
  });

  it('does not modify the series it was given', () => {
    const before = appendPoints(emptySeries<number>(), [1, 2, 3], 3);
    const snapshot = structuredClone(before);
    appendPoint(before, 4, 3);
    expect(before).toEqual(snapshot);
  });
});
