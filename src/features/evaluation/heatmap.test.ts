import { describe, expect, it } from 'vitest';
import { cellStyle, largestMistake } from './heatmap';

/** WCAG 2 relative luminance of an sRGB colour given as 0–255 channels. */
function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((channel) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** WCAG 2 contrast ratio of two colours, from 1 to 21. */
function contrastRatio(a: readonly number[], b: readonly number[]): number {
  const [dark, light] = [luminance(a), luminance(b)].sort((x, y) => x - y);
  return (light + 0.05) / (dark + 0.05);
}

/** How an `rgba(r, g, b, a)` cell looks over the white card. */
function shownColour(backgroundColor: string): number[] {
  const [r, g, b, alpha] = (/rgba\(([^)]*)\)/.exec(backgroundColor)?.[1] ?? '').split(',').map(Number);
  return [r, g, b].map((channel) => 255 + (channel - 255) * alpha);
}

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

  it('measures contrast as WCAG 2 does', () => {
    expect(contrastRatio([0, 0, 0], [255, 255, 255])).toBeCloseTo(21);
    expect(contrastRatio([255, 255, 255], [107, 114, 128])).toBeCloseTo(4.83, 2);
    expect(contrastRatio([5, 150, 105], [5, 150, 105])).toBe(1);
  });

  it('writes every count at 4.5:1 or more against its cell, at any shade', () => {
    const ratios: number[] = [];
    for (let count = 0; count <= 1000; count += 5) {
      for (const style of [cellStyle(count, 1000, true, 1000), cellStyle(count, 1000, false, 1000)]) {
        expect(style.color).toBe('#000000');
        ratios.push(contrastRatio([0, 0, 0], shownColour(style.backgroundColor)));
      }
    }
    expect(Math.min(...ratios)).toBeGreaterThanOrEqual(4.5);
  });
});
