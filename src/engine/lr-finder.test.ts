import { describe, expect, it } from 'vitest';
import { RANGE_TEST, rangeRate, RangeTest, suggestRate } from './lr-finder.ts';
import { createRng } from './rng.ts';

/**
 * A loss curve shaped like a real range test's: flat at 2.3 for tiny rates, falling fastest at
 * 1e-3 (a logistic in log10 of the rate), flat near 0.3 around 1e-2, blowing up past 0.3.
 */
function syntheticLoss(rate: number, noise = 0): number {
  const x = Math.log10(rate);
  const fall = 0.3 + 2 / (1 + Math.exp(3 * (x + 3)));
  const blowUp = x > -0.5 ? 20 * (x + 0.5) ** 2 : 0;
  return fall + blowUp + noise;
}

describe('learning-rate range test', () => {
  it('grows the rate exponentially from 1e-6 to 10 over 300 batches', () => {
    expect(rangeRate(0)).toBeCloseTo(1e-6, 18);
    expect(rangeRate(RANGE_TEST.steps - 1)).toBeCloseTo(10, 10);
    const ratio = rangeRate(1) / rangeRate(0);
    expect(rangeRate(151) / rangeRate(150)).toBeCloseTo(ratio, 10);
    expect(ratio ** 299).toBeCloseTo(1e7, 3);
  });

  it('suggests the rate where a noiseless loss falls fastest', () => {
    const points = Array.from({ length: 300 }, (_, k) => ({ rate: rangeRate(k), loss: syntheticLoss(rangeRate(k)) }));
    const suggested = suggestRate(points) as number;
    expect(Math.abs(Math.log10(suggested) + 3)).toBeLessThan(0.1);
  });

  it('stops when the loss explodes and still finds the steep part through batch noise', () => {
    const rng = createRng(3);
    const test = new RangeTest((rate) => syntheticLoss(rate, 0.3 * (rng.next() - 0.5)));
    let steps = 0;
    while (test.step()) steps++;
    expect(test.ended).toBe('exploded');
    // It ends after the loss has risen past 4× its lowest, before the last rate.
    const last = test.points[test.points.length - 1];
    expect(last.rate).toBeGreaterThan(0.3);
    expect(last.rate).toBeLessThan(10);
    expect(test.points.length).toBe(steps + 1);
    expect(last.smoothed).toBeGreaterThan(4 * Math.min(...test.points.slice(0, -1).map((p) => p.smoothed)));
    const suggested = suggestRate(test.points) as number;
    // Within a quarter of a decade of the true steepest point, 1e-3.
    expect(Math.abs(Math.log10(suggested) + 3)).toBeLessThan(0.25);
  });

  it('ends at a loss that is not a number, and suggests nothing for a loss that never falls', () => {
    const test = new RangeTest((rate) => (rate > 1e-4 ? Number.NaN : 2.3));
    while (test.step());
    expect(test.ended).toBe('diverged');
    expect(test.points.every((p) => p.rate <= 1e-4)).toBe(true);
    expect(suggestRate(test.points)).toBeNull();
    const thrown = new RangeTest(() => {
      throw new Error('not finite');
    });
    expect(thrown.step()).toBe(false);
    expect(thrown.ended).toBe('diverged');
  });
});
