/**
 * Axis ticks computed here rather than by recharts: its automatic ticks go through
 * decimal arithmetic on every redraw, which shows in the page's frame budget.
 */

/** 1, 2, 2.5 and 5 times a power of ten. */
function niceSteps(rough: number): number[] {
  const power = 10 ** Math.floor(Math.log10(rough));
  return [1, 2, 2.5, 5, 10].map((m) => m * power);
}

/**
 * Evenly spaced round ticks covering [low, high] with at most `maxIntervals` intervals
 * between them; `minStep` keeps e.g. epoch ticks on whole numbers.
 */
export function niceTicks(low: number, high: number, maxIntervals: number, minStep = 0): number[] {
  if (!Number.isFinite(low) || !Number.isFinite(high)) return [0, 1];
  const span = high > low ? high - low : Math.abs(high) || 1;
  const step = niceSteps(span / maxIntervals).find((s) => s >= minStep && Math.ceil(high / s - 1e-9) - Math.floor(low / s + 1e-9) <= maxIntervals) ?? Math.max(minStep, span);
  const first = Math.floor(low / step + 1e-9);
  const last = Math.max(first + 1, Math.ceil(high / step - 1e-9));
  return Array.from({ length: last - first + 1 }, (_, k) => Number(((first + k) * step).toPrecision(12)));
}

/**
 * An epoch axis over the epochs run, with ticks on whole epochs. A single epoch gets its one
 * tick in the middle of the axis: niceTicks needs two ticks, and an axis from 1 to 2 showed an
 * epoch that was never run.
 */
export function epochAxis(lastEpoch: number): { ticks: number[]; domain: [number, number] } {
  if (!(lastEpoch > 1)) return { ticks: [1], domain: [0.5, 1.5] };
  const ticks = niceTicks(1, lastEpoch, 8, 1);
  return { ticks, domain: [ticks[0], ticks[ticks.length - 1]] };
}

/** An accuracy axis ending at 100%, starting at a round value at or below the lowest accuracy. */
export function accuracyTicks(lowest: number): number[] {
  // A run near 100% still gets an axis with some height: 90% to 100% at least, in 5-point
  // steps; a narrower span found no round step and ran past 100% (to 102% and 105%).
  const low = Number.isFinite(lowest) ? Math.max(0, Math.min(0.9, lowest)) : 0;
  return niceTicks(low, 1, 7, 0.05);
}

/** Two significant digits: 0.3812 → "0.38", 2.2 → "2.2", 0.000369 → "0.00037". */
export function compactNumber(value: number): string {
  return value === 0 ? '0' : String(Number(value.toPrecision(2)));
}
