import { describe, expect, it } from 'vitest';
import { summarise, trainingSecondsTo, type PageRun, type BenchRun } from './time-to-99-report.ts';

describe('trainingSecondsTo', () => {
  it('takes the training seconds of the first epoch the page shows at the target, as it runs', () => {
    const epochs = [
      { seconds: 5.2, testAccuracy: 0.9871 },
      { seconds: 10.4, testAccuracy: 0.98996 },
      { seconds: 15.1, testAccuracy: 0.9931 },
    ];
    // 98.996% shows as 99.00%: the page's clock stopped there.
    expect(trainingSecondsTo(epochs, 99)).toBe(10.4);
    expect(trainingSecondsTo([{ seconds: 5.2, testAccuracy: 0.98994 }], 99)).toBeNull();
    expect(trainingSecondsTo([], 99)).toBeNull();
  });
});

describe('summarise', () => {
  const page = (bothCores: boolean, seconds: number | null, training: number | null): PageRun => ({
    seconds,
    best: 99.05,
    elapsed: seconds ?? 20,
    bothCores,
    workers: bothCores ? 'Trained in two workers' : 'one worker',
    trainingFrom: 0.4,
    training,
  });
  const benchRun = (both: number, bothTraining: number, one: number, torch: number): BenchRun => ({
    pages: [page(true, both, bothTraining), page(false, one, one - 1.5)],
    torch: { threads: 2, result: { seconds: torch, best: 99.1, elapsed: torch }, line: '' },
  });

  it('gives the median of each kind of run from Train and of its training, with their ratios to PyTorch’s median', () => {
    const text = summarise([benchRun(7.0, 5.6, 10.4, 8.0), benchRun(6.8, 5.4, 10.2, 7.0), benchRun(7.4, 5.5, 11.0, 7.5)]);
    expect(text).toBe(
      'medians of 3 runs: page with "Use both cores" on: 7.0 s from Train (0.93 of PyTorch\'s), 5.5 s training (0.73 of PyTorch\'s); ' +
        'page with "Use both cores" off: 10.4 s from Train (1.39 of PyTorch\'s), 8.9 s training (1.19 of PyTorch\'s); PyTorch 7.5 s training (faster of 1 and 2 threads each run)',
    );
  });

  it('gives no median where a run did not reach the target, nor ratios without PyTorch', () => {
    const missed = benchRun(7.0, 5.6, 10.4, 8.0);
    missed.pages[0] = page(true, null, null);
    const text = summarise([missed, { ...benchRun(6.8, 5.4, 10.2, 7.0), torch: null }]);
    expect(text).toContain('page with "Use both cores" on: none from Train, none training;');
    expect(text).toContain('page with "Use both cores" off: 10.3 s from Train, 8.8 s training;');
    expect(text).toContain('PyTorch none training');
  });
});
