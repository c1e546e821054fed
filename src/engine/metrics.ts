import { copyImage, type Dataset } from './dataset.ts';
import { EVALUATION_BATCH, type Network } from './network.ts';

export interface DigitMetrics {
  digit: number;
  /** The seed's per-digit "Accuracy": the fraction of this digit's images recognised, i.e. its recall. */
  accuracy: number;
  /** Of the images predicted as this digit, the fraction that are. */
  precision: number;
  /** Of this digit's images, the fraction predicted as it. */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
  /** Number of images of this digit. */
  support: number;
}

export interface ConfusionMetrics {
  /** confusion[actual][predicted] = number of images. */
  confusion: number[][];
  correct: number;
  total: number;
  /** correct / total. */
  accuracy: number;
  perDigit: DigitMetrics[];
}

export interface Evaluation extends ConfusionMetrics {
  /** The predicted class of every sample, in dataset order. */
  predicted: Uint8Array;
  /** The network's output for that class: how sure it was of its answer. */
  confidence: Float32Array;
}

/** Classifies every sample of `data` and scores the predictions against its labels. */
export function evaluate(network: Network, data: Dataset, batchSize = EVALUATION_BATCH, onBatch?: BatchWatcher): Evaluation {
  const classes = network.outputSize;
  const confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  const predicted = new Uint8Array(data.count);
  const confidence = new Float32Array(data.count);
  const inputs = new Float32Array(batchSize * data.inputSize);
  for (let start = 0; start < data.count; start += batchSize) {
    const rows = Math.min(batchSize, data.count - start);
    for (let r = 0; r < rows; r++) copyImage(data, start + r, inputs, r * data.inputSize);
    const output = network.forwardBatch(inputs, rows, 'inference');
    onBatch?.(start, rows);
    for (let r = 0; r < rows; r++) {
      const guess = argmax(output, r * classes, classes);
      predicted[start + r] = guess;
      confidence[start + r] = output[r * classes + guess];
      confusion[data.labels[start + r]][guess]++;
    }
  }
  return { ...metricsFromConfusion(confusion), predicted, confidence };
}

/**
 * The samples the network got wrong, the ones it was surest of first (ties in dataset order):
 * where a learner finds mislabelled images, and what the network has wrongly learned.
 */
export function confidentMistakes(labels: ArrayLike<number>, evaluation: Pick<Evaluation, 'predicted' | 'confidence'>): Uint32Array {
  const { predicted, confidence } = evaluation;
  const wrong: number[] = [];
  for (let i = 0; i < predicted.length; i++) if (predicted[i] !== labels[i]) wrong.push(i);
  wrong.sort((a, b) => confidence[b] - confidence[a] || a - b);
  return Uint32Array.from(wrong);
}

/**
 * evaluate() a slice of images at a time, so a worker can answer messages between slices;
 * the figures are those of one evaluate() over the whole set.
 */
/**
 * Told of each batch an evaluation has just run forward (its first image's index, its size),
 * while the network's layers still hold that batch's outputs.
 */
export type BatchWatcher = (start: number, rows: number) => void;

export class SlicedEvaluation {
  readonly confusion: number[][];
  readonly predicted: Uint8Array;
  readonly confidence: Float32Array;
  correct = 0;
  private evaluated = 0;

  constructor(
    readonly network: Network,
    readonly data: Dataset,
    private readonly onBatch?: BatchWatcher,
  ) {
    const classes = network.outputSize;
    this.confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    this.predicted = new Uint8Array(data.count);
    this.confidence = new Float32Array(data.count);
  }

  get done(): boolean {
    return this.evaluated === this.data.count;
  }

  /** Evaluates the next `count` images (fewer at the end). */
  step(count: number): void {
    const { data, evaluated: start } = this;
    const end = Math.min(data.count, start + count);
    const part: Dataset = {
      images: data.images.subarray(start * data.inputSize, end * data.inputSize),
      labels: data.labels.subarray(start, end),
      count: end - start,
      inputSize: data.inputSize,
    };
    const { onBatch } = this;
    const result = evaluate(this.network, part, EVALUATION_BATCH, onBatch && ((first, rows) => onBatch(start + first, rows)));
    this.predicted.set(result.predicted, start);
    this.confidence.set(result.confidence, start);
    result.confusion.forEach((row, actual) => row.forEach((n, guess) => (this.confusion[actual][guess] += n)));
    this.correct += result.correct;
    this.evaluated = end;
  }

  result(): Evaluation {
    return { ...metricsFromConfusion(this.confusion), predicted: this.predicted, confidence: this.confidence };
  }
}

/** Overall and per-class figures from a confusion matrix [actual][predicted]; an empty class scores 0, not NaN. */
export function metricsFromConfusion(confusion: number[][]): ConfusionMetrics {
  const classes = confusion.length;
  let correct = 0;
  let total = 0;
  const perDigit = confusion.map((row, digit): DigitMetrics => {
    const truePositives = row[digit];
    const support = row.reduce((sum, count) => sum + count, 0);
    const predictedAs = confusion.reduce((sum, other) => sum + other[digit], 0);
    correct += truePositives;
    total += support;
    const precision = ratio(truePositives, predictedAs);
    const recall = ratio(truePositives, support);
    const f1 = ratio(2 * precision * recall, precision + recall);
    return { digit, accuracy: recall, precision, recall, f1, support };
  });
  return { confusion: confusion.map((row) => row.slice(0, classes)), correct, total, accuracy: ratio(correct, total), perDigit };
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

/** Index of the largest of values[start … start + length − 1] (the first one on ties). */
export function argmax(values: Float32Array, start: number, length: number): number {
  let best = 0;
  for (let k = 1; k < length; k++) if (values[start + k] > values[start + best]) best = k;
  return best;
}
