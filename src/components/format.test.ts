import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatLoss, formatPercent } from './format';

describe('format', () => {
  it('writes fractions as percentages with two decimals', () => {
    expect(formatPercent(0.97251)).toBe('97.25%');
    expect(formatPercent(1)).toBe('100.00%');
    expect(formatPercent(0.5, 0)).toBe('50%');
  });

  it('writes durations in the largest useful units', () => {
    expect(formatDuration(42.4)).toBe('42 s');
    expect(formatDuration(185)).toBe('3 min 05 s');
    expect(formatDuration(3720)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Infinity)).toBe('—');
  });

  it('writes sizes and counts for people', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(9_912_422)).toBe('9.9 MB');
    expect(formatCount(60000)).toBe('60,000');
  });

  it('keeps small losses readable', () => {
    expect(formatLoss(0.151774)).toBe('0.1518');
    expect(formatLoss(0.000369)).toBe('0.000369');
    expect(formatLoss(NaN)).toBe('NaN');
  });
});
