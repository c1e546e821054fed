/** What a chart's readout says about one point: the x position and every series' value there. */

export interface ReadoutSeries {
  /** The row field holding this series' values. */
  key: string;
  name: string;
  format: (value: number) => string;
}

export type ChartRow = Record<string, unknown>;

/**
 * "Epoch 3: Training accuracy 95.12%, Test accuracy 94.80%". Series without a value at
 * this row (a run that had not reached it, a split that is off) are left out.
 */
export function readoutText(row: ChartRow, xLabel: string, series: readonly ReadoutSeries[]): string {
  const values = series.flatMap((s) => {
    const value = row[s.key];
    return typeof value === 'number' && Number.isFinite(value) ? [`${s.name} ${s.format(value)}`] : [];
  });
  return values.length > 0 ? `${xLabel}: ${values.join(', ')}` : xLabel;
}

/** The index of the row whose x is nearest `x`; -1 for no rows. Rows are sorted by x. */
export function nearestRow(rows: readonly ChartRow[], xKey: string, x: number): number {
  let best = -1;
  let bestDistance = Infinity;
  rows.forEach((row, i) => {
    const distance = Math.abs(Number(row[xKey]) - x);
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

/**
 * TensorBoard's smoothing: an exponential moving average, debiased so the first points are not
 * pulled towards zero. weight 0 returns the values; 0.9 averages over roughly the last ten.
 * Non-finite values pass through and do not enter the average.
 */
export function smoothSeries(values: readonly number[], weight: number): number[] {
  if (weight <= 0) return values.slice();
  let last = 0;
  let kept = 0;
  return values.map((value) => {
    if (!Number.isFinite(value)) return value;
    last = last * weight + (1 - weight) * value;
    kept++;
    return last / (1 - weight ** kept);
  });
}

/**
 * Ticks for an axis from 0 to `max` that end at the data (no empty space after the last
 * point): round steps, plus `max` itself when the last round tick falls short of it by more
 * than a third of a step. Labels come out as "0", "1.5", "3" — never "3.669574999998324".
 */
export function ticksToMax(max: number, maxIntervals: number): number[] {
  if (!(max > 0)) return [0, 1];
  const power = 10 ** Math.floor(Math.log10(max / maxIntervals));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => max / s <= maxIntervals) as number;
  const ticks: number[] = [];
  for (let k = 0; k * step <= max * (1 + 1e-9); k++) ticks.push(Number((k * step).toPrecision(12)));
  if (max - ticks[ticks.length - 1] > step / 3) ticks.push(max);
  return ticks;
}

/** An axis label: at most three significant digits, so a tick at the data's end reads "3.67", not its full float. */
export function tickLabel(value: number): string {
  return value === 0 ? '0' : String(Number(value.toPrecision(3)));
}
