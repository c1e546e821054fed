import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { accuracyTicks, compactNumber, epochAxis, niceTicks } from './axes';

describe('chart axes', () => {
  it('picks round, evenly spaced ticks that cover the data', () => {
    expect(niceTicks(0, 2.3, 5)).toEqual([0, 0.5, 1, 1.5, 2, 2.5]);
    expect(niceTicks(0, 0.38, 4)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(1, 12, 8, 1)).toEqual([0, 2, 4, 6, 8, 10, 12]);
    expect(niceTicks(1, 3, 8, 1)).toEqual([1, 2, 3]);
    expect(niceTicks(1, 1, 8, 1)).toEqual([1, 2]);
  });

  it('fits an epoch axis to the epochs run: one epoch is one tick mid-axis, not an axis to epoch 2', () => {
    expect(epochAxis(1)).toEqual({ ticks: [1], domain: [0.5, 1.5] });
    expect(epochAxis(3)).toEqual({ ticks: [1, 2, 3], domain: [1, 3] });
    expect(epochAxis(12)).toEqual({ ticks: [0, 2, 4, 6, 8, 10, 12], domain: [0, 12] });
  });

  it('covers any range with at most the asked number of intervals', () => {
    fc.assert(
      fc.property(
        // What charts show: losses, accuracies and epoch numbers.
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.oneof(fc.constant(0), fc.double({ min: 1e-3, max: 1e4, noNaN: true })),
        fc.integer({ min: 2, max: 10 }),
        (low, span, intervals) => {
          const high = low + span;
          const ticks = niceTicks(low, high, intervals);
          const step = ticks[1] - ticks[0];
          expect(step).toBeGreaterThan(0);
          expect(ticks[0]).toBeLessThanOrEqual(low + 1e-6 * step);
          expect(ticks[ticks.length - 1]).toBeGreaterThanOrEqual(high - 1e-6 * step);
          expect(ticks.length - 1).toBeLessThanOrEqual(intervals);
          ticks.forEach((tick, k) => expect(tick).toBeCloseTo(ticks[0] + k * step, 6));
        },
      ),
    );
  });

  it('ends accuracy axes at 100% and starts them at a round value below the data', () => {
    expect(accuracyTicks(0.97)).toEqual([0.9, 0.95, 1]);
    expect(accuracyTicks(0.76)).toEqual([0.75, 0.8, 0.85, 0.9, 0.95, 1]);
    expect(accuracyTicks(0.62)).toEqual([0.6, 0.7, 0.8, 0.9, 1]);
    expect(accuracyTicks(0.08)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(accuracyTicks(1)).toEqual([0.9, 0.95, 1]);
    expect(accuracyTicks(NaN)[0]).toBe(0);
  });

  it('writes tick values with two significant digits', () => {
    expect(compactNumber(0.3812)).toBe('0.38');
    expect(compactNumber(2.2)).toBe('2.2');
    expect(compactNumber(0.000369)).toBe('0.00037');
    expect(compactNumber(0)).toBe('0');
  });
});

describe('accuracyTicks never runs past 100%', () => {
  it('ends at exactly 1 and starts at or below the lowest accuracy, for every lowest value', () => {
    for (let i = 0; i <= 1000; i++) {
      const lowest = i / 1000;
      const ticks = accuracyTicks(lowest);
      expect(ticks.at(-1), `lowest ${lowest}`).toBe(1);
      expect(ticks[0]).toBeLessThanOrEqual(lowest);
      expect(ticks[0]).toBeGreaterThanOrEqual(0);
    }
  });
});
