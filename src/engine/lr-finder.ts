/**
 * A learning-rate range test (Smith 2015; fastai's and PyTorch Lightning's lr_find): from
 * fresh weights, each batch trains at a rate a constant factor above the last one's, from
 * `minRate` to `maxRate` over `steps` batches, until the loss explodes. Where the loss falls
 * fastest against the logarithm of the rate is a rate that learns quickly and stays stable.
 */
import type { Config } from './config.ts';
import type { Dataset } from './dataset.ts';
import { Network } from './network.ts';
import type { Rng } from './rng.ts';
import { Trainer } from './train.ts';
import { splitValidation } from './validation.ts';

export interface RangePoint {
  rate: number;
  /** The batch's mean loss. */
  loss: number;
  /** A debiased moving average of the losses so far: what the explosion test watches. */
  smoothed: number;
}

export interface RangeTestOptions {
  minRate: number;
  maxRate: number;
  /** Batches at most. */
  steps: number;
  /** The moving average's weight on the past (0.9 averages over about ten batches). */
  smoothing: number;
  /** The test stops once the smoothed loss exceeds this many times the lowest so far. */
  explodeFactor: number;
}

export const RANGE_TEST: RangeTestOptions = { minRate: 1e-6, maxRate: 10, steps: 300, smoothing: 0.9, explodeFactor: 4 };

/** The rate of batch `step` (from 0): exponential from minRate at the first to maxRate at the last. */
export function rangeRate(step: number, options: RangeTestOptions = RANGE_TEST): number {
  const { minRate, maxRate, steps } = options;
  return minRate * (maxRate / minRate) ** (step / Math.max(1, steps - 1));
}

/** Why a range test ended. */
export type RangeEnd = 'exploded' | 'diverged' | 'max-rate';

/**
 * The range test's loop without the network: `trainAt(rate)` trains one batch at that rate and
 * returns its loss (throwing when the loss is not finite). One step() per batch, so a worker
 * can report progress and answer messages between them.
 */
export class RangeTest {
  readonly points: RangePoint[] = [];
  ended: RangeEnd | null = null;
  private average = 0;
  private best = Infinity;

  constructor(
    private readonly trainAt: (rate: number) => number,
    readonly options: RangeTestOptions = RANGE_TEST,
  ) {}

  /** Trains the next batch; returns false once the test has ended. */
  step(): boolean {
    if (this.ended) return false;
    const { smoothing, explodeFactor, steps } = this.options;
    const k = this.points.length;
    const rate = rangeRate(k, this.options);
    let loss: number;
    try {
      loss = this.trainAt(rate);
    } catch {
      this.ended = 'diverged';
      return false;
    }
    if (!Number.isFinite(loss)) {
      this.ended = 'diverged';
      return false;
    }
    this.average = smoothing * this.average + (1 - smoothing) * loss;
    const smoothed = this.average / (1 - smoothing ** (k + 1));
    this.points.push({ rate, loss, smoothed });
    this.best = Math.min(this.best, smoothed);
    if (smoothed > explodeFactor * this.best) this.ended = 'exploded';
    else if (this.points.length >= steps) this.ended = 'max-rate';
    return this.ended === null;
  }
}

/**
 * The rate where the loss falls fastest against log(rate), or null when it never falls.
 * The slope is read from a moving average centred on each point (no lag, unlike the live
 * curve's), over a span of `window` points either side, and only up to the lowest loss:
 * past it the loss rises, whatever the noise says.
 */
export function suggestRate(points: readonly Pick<RangePoint, 'rate' | 'loss'>[], window = Math.max(2, Math.round(points.length / 30))): number | null {
  const n = points.length;
  if (n < 2 * window + 3) return null;
  const centred = points.map((_, i) => {
    const from = Math.max(0, i - window);
    const to = Math.min(n - 1, i + window);
    let sum = 0;
    for (let j = from; j <= to; j++) sum += points[j].loss;
    return sum / (to - from + 1);
  });
  let lowest = 0;
  for (let i = 1; i < n; i++) if (centred[i] < centred[lowest]) lowest = i;
  let steepest = -1;
  let steepestSlope = 0;
  for (let i = window; i + window < n && i <= lowest; i++) {
    const slope = (centred[i + window] - centred[i - window]) / (Math.log10(points[i + window].rate) - Math.log10(points[i - window].rate));
    if (slope < steepestSlope) {
      steepestSlope = slope;
      steepest = i;
    }
  }
  return steepest >= 0 ? points[steepest].rate : null;
}

/**
 * A range test of `config` on `data`: the network as a run of this config starts (same seed,
 * same initialisation), trained on the run's training samples; nothing else is touched.
 */
export function rangeTestFor(config: Config, data: Dataset, rng: Rng, options: RangeTestOptions = RANGE_TEST): RangeTest {
  const network = Network.forConfig(config, rng);
  const trainer = new Trainer(network, config, splitValidation(data, config.samples, config.validation).train, rng);
  return new RangeTest((rate) => trainer.trainBatchAt(rate), options);
}
