/**
 * Fine-tuning: a trained network continues on a few of the user's own examples mixed into the
 * dataset's training images. Each batch holds a fixed share of the user's examples, so a
 * dozen drawings weigh in every step instead of one batch in thousands, and the rest of each
 * batch keeps reminding the network of what it already reads (forgetting shows on the test set).
 */
import type { Config } from './config.ts';
import type { Dataset } from './dataset.ts';
import type { Rng } from './rng.ts';

export interface FineTuning {
  /** Optimizer steps (batches). */
  steps: number;
  /** Share of each batch taken from the user's examples, in (0, 1). */
  mineFraction: number;
  /** The run's learning rate times this: the trained weights move gently, not back to square one. */
  rateFactor: number;
}

export const FINE_TUNING: FineTuning = { steps: 300, mineFraction: 0.25, rateFactor: 0.3 };

/** The user's examples per batch: at least one, and never the whole batch. */
export function minePerBatch(batchSize: number, mineFraction: number): number {
  return Math.min(batchSize - 1, Math.max(1, Math.round(batchSize * mineFraction)));
}

/**
 * The config a fine-tuning trains with: the model's, for one pass over the mixed batches at
 * the reduced rate, with no validation split or early stopping (there is one epoch).
 * Per-sample models (batch size 1) train in batches of 4, so a batch can be mixed at all.
 */
export function fineTuneConfig(config: Config, tuning: FineTuning = FINE_TUNING): Config {
  const batchSize = Math.max(4, config.batchSize);
  return {
    ...config,
    batchSize,
    epochs: 1,
    samples: tuning.steps * batchSize,
    validation: 0,
    patience: 0,
    learningRate: config.learningRate * tuning.rateFactor,
    learningRateDecay: 1,
  };
}

/**
 * `steps` batches of `batchSize` in training order: in each, `minePerBatch` of the user's
 * examples (drawn with replacement: there are few) and the rest from `base` (drawn at random).
 * Train it in this order (the Trainer's `shuffle` off), or the batches lose their mix.
 */
export function mixedBatches(base: Dataset, mine: Dataset, steps: number, batchSize: number, mineFraction: number, rng: Rng): Dataset {
  if (mine.count === 0) throw new Error('No examples of your own to fine-tune on');
  if (mine.inputSize !== base.inputSize) throw new Error(`Your examples have ${mine.inputSize} pixels, the dataset's images ${base.inputSize}`);
  const size = base.inputSize;
  const count = steps * batchSize;
  const images = new Uint8Array(count * size);
  const labels = new Uint8Array(count);
  const mineCount = minePerBatch(batchSize, mineFraction);
  for (let i = 0; i < count; i++) {
    const fromMine = i % batchSize < mineCount;
    const source = fromMine ? mine : base;
    const index = rng.nextInt(source.count);
    images.set(source.images.subarray(index * size, (index + 1) * size), i * size);
    labels[i] = source.labels[index];
  }
  return { images, labels, count, inputSize: size };
}
