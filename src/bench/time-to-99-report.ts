/** What bench:time-to-99 measures, and how it reports it (time-to-99.ts runs it). */
import { median } from './measure.ts';

/** The percentage of test accuracy timed. */
export const TARGET_PERCENT = 99.0;

/** Seconds to the target, or null when the run ended below it; `best` is the highest accuracy seen, in percent; `elapsed`, the seconds timed. */
export interface TimeToTarget {
  seconds: number | null;
  best: number;
  elapsed: number;
}

/** A page run: also whether "Use both cores" was on and what the finished run's status said of its workers. */
export interface PageRun extends TimeToTarget {
  bothCores: boolean;
  workers: string;
  /** Seconds from the click until the status first says an epoch is training (the data loaded, the run built). */
  trainingFrom: number;
  /** The page's training seconds up to the end of the first epoch at the target (as it keeps them), or null. */
  training: number | null;
}

/** What the page keeps of each epoch of its last run. */
export interface KeptEpoch {
  seconds: number;
  /** A fraction. */
  testAccuracy: number;
}

/** Training seconds up to the end of the first epoch whose test accuracy reaches `percent`, or null. */
export function trainingSecondsTo(epochs: readonly KeptEpoch[], percent: number): number | null {
  // The page states accuracies to two decimals: the bench's own clock stops on what it shows.
  const reached = epochs.find((epoch) => Math.round(epoch.testAccuracy * 10_000) / 100 >= percent);
  return reached ? reached.seconds : null;
}

/** One run of the bench: each page run, and PyTorch's faster thread count (null without PyTorch). */
export interface BenchRun {
  pages: PageRun[];
  torch: { threads: number; result: TimeToTarget; line: string } | null;
}

export function describe({ seconds, best, elapsed }: TimeToTarget): string {
  return seconds === null ? `not reached in ${elapsed.toFixed(1)} s (best ${best.toFixed(2)}%)` : `${seconds.toFixed(1)} s (${best.toFixed(2)}%)`;
}

export const seconds = (value: number | null) => (value === null ? 'none' : `${value.toFixed(1)} s`);

/** The medians over the bench's runs of each page run kind (from Train, and its training) and of PyTorch, with their ratios. */
export function summarise(runs: readonly BenchRun[]): string {
  const middle = (values: (number | null)[]) => {
    const known = values.filter((value): value is number => value !== null);
    return known.length === values.length ? median(known) : null;
  };
  const torch = runs.every((run) => run.torch) ? middle(runs.map((run) => run.torch?.result.seconds ?? null)) : null;
  const ratio = (value: number | null) => (value !== null && torch !== null ? ` (${(value / torch).toFixed(2)} of PyTorch's)` : '');
  const kinds = runs[0].pages.map((first, i) => {
    const fromTrain = middle(runs.map((run) => run.pages[i].seconds));
    const training = middle(runs.map((run) => run.pages[i].training));
    return `page with "Use both cores" ${first.bothCores ? 'on' : 'off'}: ${seconds(fromTrain)} from Train${ratio(fromTrain)}, ${seconds(training)} training${ratio(training)}`;
  });
  return `medians of ${runs.length} runs: ${kinds.join('; ')}; PyTorch ${seconds(torch)} training (faster of 1 and 2 threads each run)`;
}

