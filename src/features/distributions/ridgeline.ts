/** The pure part of the distributions view: names of positions and bins, and the ridgeline's geometry. */
import { tickLabel } from '../../components/chart-readout';
import type { Histogram } from '../../worker/api';

/** "Before training", "After epoch 2", "Epoch 3, 25% through". */
export function recordLabel(x: number): string {
  if (x === 0) return 'Before training';
  const epoch = Math.round(x);
  if (Math.abs(x - epoch) < 1e-9) return `After epoch ${epoch}`;
  const whole = Math.floor(x);
  return `Epoch ${whole + 1}, ${Math.round((x - whole) * 100)}% through`;
}

/** One bar of a histogram, as a chart's readout reads it. */
export interface BinRow {
  [key: string]: unknown;
  /** The bin's middle: the x the readout and the pointer go by. */
  center: number;
  lo: number;
  hi: number;
  count: number;
  /** count over all the histogram's values, those outside its range included. */
  share: number;
}

export function binRows(histogram: Histogram): BinRow[] {
  const { lo, hi, counts, below, above } = histogram;
  const width = (hi - lo) / counts.length;
  let total = below + above;
  for (const count of counts) total += count;
  return Array.from(counts, (count, k) => {
    const from = lo + k * width;
    return { center: from + width / 2, lo: from, hi: from + width, count, share: total > 0 ? count / total : 0 };
  });
}

/** "−0.05 to 0": a bin's edges, three significant digits. */
export function binName(row: Pick<BinRow, 'lo' | 'hi'>): string {
  const edge = (value: number) => tickLabel(Math.abs(value) < 1e-12 ? 0 : value).replace('-', '−');
  return `${edge(row.lo)} to ${edge(row.hi)}`;
}

export interface RidgeGeometry {
  width: number;
  /** Where the plot's left and right edges sit in the drawing. */
  left: number;
  right: number;
  /** Baseline of the oldest histogram (at the back, on top) and of the newest (in front, at the bottom). */
  firstBase: number;
  lastBase: number;
  /** Height of each histogram's tallest bar. */
  peak: number;
}

/** The baseline of histogram `k` of `n`, oldest at the back. */
export function baseOf(k: number, n: number, g: RidgeGeometry): number {
  return n <= 1 ? g.lastBase : g.firstBase + ((g.lastBase - g.firstBase) * k) / (n - 1);
}

/**
 * A histogram as a closed step outline on its baseline, its tallest bar `peak` high: each
 * histogram on its own scale, so the shape of a late, narrow one is as readable as an early one.
 */
export function ridgePath(counts: Uint32Array, base: number, g: RidgeGeometry): string {
  let max = 0;
  for (const count of counts) max = Math.max(max, count);
  const step = (g.right - g.left) / counts.length;
  const parts = [`M${g.left.toFixed(1)},${base.toFixed(1)}`];
  counts.forEach((count, k) => {
    const y = base - (max > 0 ? (count / max) * g.peak : 0);
    parts.push(`L${(g.left + k * step).toFixed(1)},${y.toFixed(1)}`, `L${(g.left + (k + 1) * step).toFixed(1)},${y.toFixed(1)}`);
  });
  parts.push(`L${g.right.toFixed(1)},${base.toFixed(1)}Z`);
  return parts.join('');
}

/** The bin under a point `fraction` of the way across the plot, clamped to the bins. */
export function binAt(fraction: number, bins: number): number {
  return Math.max(0, Math.min(bins - 1, Math.floor(fraction * bins)));
}
