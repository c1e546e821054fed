/**
 * When a time estimate is worth reading. The first slices of a run are slow (code compiles,
 * caches warm up) and the worker's rate is a moving average that starts there, so an early
 * estimate can be off by a factor of fifty. It is shown once a few percent of the run is done
 * and the last few rate readings agree.
 */
import type { LiveProgress } from '../../worker/api';

/** Share of the run's samples trained before any estimate. */
export const MIN_RUN_FRACTION = 0.03;
/** How far apart ((highest − lowest) / highest) the last readings may be. */
export const MAX_SPREAD = 0.15;

export interface TimeLeft {
  /** Seconds to the end of the epoch in progress. */
  epoch: number;
  /** Seconds to the end of the run. */
  run: number;
}

/** Seconds left, from the progress and the last samples-per-second readings (oldest first); null while not worth reading. */
export function timeLeft(progress: LiveProgress, readings: readonly number[], minReadings: number): TimeLeft | null {
  const { epoch, epochs, samplesDone, samplesTotal } = progress;
  const runTotal = epochs * samplesTotal;
  const runDone = (epoch - 1) * samplesTotal + samplesDone;
  if (runTotal <= 0 || runDone / runTotal < MIN_RUN_FRACTION) return null;
  const recent = readings.slice(-minReadings);
  if (recent.length < minReadings) return null;
  const highest = Math.max(...recent);
  const lowest = Math.min(...recent);
  if (!(lowest > 0) || (highest - lowest) / highest > MAX_SPREAD) return null;
  const rate = recent[recent.length - 1];
  return { epoch: (samplesTotal - samplesDone) / rate, run: (runTotal - runDone) / rate };
}
