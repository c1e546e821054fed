import { describe, expect, it } from 'vitest';
import { nearestRow, readoutText, smoothSeries, tickLabel, ticksToMax } from './chart-readout';

describe('chart readout', () => {
  const series = [
    { key: 'a', name: 'Training accuracy', format: (v: number) => `${(v * 100).toFixed(2)}%` },
    { key: 'b', name: 'Test accuracy', format: (v: number) => `${(v * 100).toFixed(2)}%` },
  ];

  it('names the point and each series with a value there', () => {
    expect(readoutText({ x: 3, a: 0.9512, b: 0.948 }, 'Epoch 3', series)).toBe('Epoch 3: Training accuracy 95.12%, Test accuracy 94.80%');
    expect(readoutText({ x: 3, a: 0.9512 }, 'Epoch 3', series)).toBe('Epoch 3: Training accuracy 95.12%');
    expect(readoutText({ x: 3, b: Number.NaN }, 'Epoch 3', series)).toBe('Epoch 3');
  });

  it('finds the row nearest the pointer', () => {
    const rows = [{ x: 0 }, { x: 1 }, { x: 2.5 }];
    expect(nearestRow(rows, 'x', 1.6)).toBe(1);
    expect(nearestRow(rows, 'x', 1.9)).toBe(2);
    expect(nearestRow([], 'x', 1)).toBe(-1);
  });
});

describe('smoothSeries', () => {
  it('leaves the values as they are at weight 0', () => {
    expect(smoothSeries([1, 5, 2], 0)).toEqual([1, 5, 2]);
  });

  it('is a debiased moving average: a constant stays constant from the first point', () => {
    smoothSeries([0.8, 0.8, 0.8, 0.8], 0.9).forEach((value) => expect(value).toBeCloseTo(0.8, 12));
  });

  it('weighs recent values more, by the weight given', () => {
    // Debiased EMA with w = 0.5: s1 = 1; s2 = (0.5·0.5 + 0.5·3) / (1 − 0.25) = 1.75 / 0.75.
    const [first, second] = smoothSeries([1, 3], 0.5);
    expect(first).toBeCloseTo(1, 12);
    expect(second).toBeCloseTo(1.75 / 0.75, 12);
    // A noisy series moves less from point to point once smoothed.
    const noisy = Array.from({ length: 200 }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const smoothed = smoothSeries(noisy, 0.9);
    const jump = (values: number[]) => Math.max(...values.slice(100).map((v, i, all) => (i > 0 ? Math.abs(v - all[i - 1]) : 0)));
    expect(jump(smoothed)).toBeLessThan(0.2 * jump(noisy));
  });

  it('passes a non-finite value through without spoiling the rest', () => {
    const smoothed = smoothSeries([1, Number.POSITIVE_INFINITY, 1], 0.6);
    expect(smoothed[1]).toBe(Number.POSITIVE_INFINITY);
    expect(smoothed[2]).toBeCloseTo(1, 12);
  });
});

describe('axis ticks to the data', () => {
  it('labels a time axis with round numbers and ends it at the data', () => {
    const ticks = ticksToMax(3.669574999998324, 5);
    expect(ticks.slice(0, -1)).toEqual([0, 1, 2, 3]);
    expect(ticks[ticks.length - 1]).toBe(3.669574999998324);
    expect(ticks.map(tickLabel)).toEqual(['0', '1', '2', '3', '3.67']);
    expect(ticksToMax(20.2, 5)).toEqual([0, 5, 10, 15, 20]);
    expect(ticksToMax(0, 5)).toEqual([0, 1]);
  });

  it('never writes more than three significant digits', () => {
    expect(tickLabel(0.015000000000000001)).toBe('0.015');
    expect(tickLabel(1234.5)).toBe('1230');
    expect(tickLabel(0)).toBe('0');
  });
});
