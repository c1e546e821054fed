import { describe, expect, it } from 'vitest';
import { cellStyle, largestMistake } from './heatmap';

const opacity = (style: { backgroundColor: string }) => Number(/, ([\d.]+)\)$/.exec(style.backgroundColor)?.[1]);

describe('confusion heatmap colours', () => {
  it('finds the worst confusion off the diagonal', () => {
    expect(
      largestMistake([
        [50, 3, 1],
        [7, 40, 0],
        [2, 9, 60],
      ]),
    ).toBe(9);
    expect(largestMistake([[5]])).toBe(0);
  });

  it('colours the diagonal by the share of the row read correctly', () => {
    expect(opacity(cellStyle(980, 1000, true, 10))).toBeCloseTo(0.98);
    expect(opacity(cellStyle(500, 1000, true, 10))).toBeCloseTo(0.5);
    expect(opacity(cellStyle(0, 0, true, 10))).toBe(0);
  });

  it('makes any mistake visible and the worst one the darkest', () => {
    const one = opacity(cellStyle(1, 1000, false, 20));
    const worst = opacity(cellStyle(20, 1000, false, 20));
    expect(one).toBeGreaterThan(0.1);
    expect(worst).toBeGreaterThan(one);
    expect(opacity(cellStyle(0, 1000, false, 20))).toBe(0);
  });

  it('writes counts in white on dark cells only', () => {
    expect(cellStyle(990, 1000, true, 5).color).toBe('#ffffff');
    expect(cellStyle(100, 1000, true, 5).color).not.toBe('#ffffff');
  });
});
