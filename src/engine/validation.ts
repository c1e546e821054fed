/**
 * Overfitting shows as a gap between how well the network does on the images it trains on
 * and on images it never saw. The validation split measures the second without touching
 * the test set, which stays for the final report.
 */
import { firstSamples, type Dataset } from './dataset.ts';

export interface Split {
  /** The first `samples` images of those not held out. */
  train: Dataset;
  /** The last `validation` images; null when none are held out. */
  validation: Dataset | null;
}

/** The last `n` samples of a dataset, without copying. */
export function lastSamples(data: Dataset, n: number): Dataset {
  const count = Math.min(n, data.count);
  const start = data.count - count;
  return {
    images: data.images.subarray(start * data.inputSize),
    labels: data.labels.subarray(start),
    count,
    inputSize: data.inputSize,
  };
}

/**
 * Holds out the last `validation` samples (at most all but one) and trains on the first
 * `samples` of the rest, so no image is in both.
 */
export function splitValidation(data: Dataset, samples: number, validation: number): Split {
  const held = Math.min(validation, data.count - 1);
  if (held <= 0) return { train: firstSamples(data, samples), validation: null };
  return { train: firstSamples(data, Math.min(samples, data.count - held)), validation: lastSamples(data, held) };
}

export type StoppingVerdict = 'best' | 'wait' | 'stop';

/**
 * Early stopping on validation accuracy: remembers the best epoch, and says stop once
 * `patience` epochs in a row have not beaten it (patience 0 never stops).
 */
export class EarlyStopping {
  readonly patience: number;
  bestEpoch = 0;
  bestAccuracy = -Infinity;

  constructor(patience: number) {
    this.patience = patience;
  }

  /** Records epoch `epoch`'s validation accuracy; only a strictly better one counts as progress. */
  update(epoch: number, accuracy: number): StoppingVerdict {
    if (accuracy > this.bestAccuracy) {
      this.bestAccuracy = accuracy;
      this.bestEpoch = epoch;
      return 'best';
    }
    return this.patience > 0 && epoch - this.bestEpoch >= this.patience ? 'stop' : 'wait';
  }
}
