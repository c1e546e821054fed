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
  classify(network, data, 0, data.count, predicted, confidence, batchSize, onBatch);
  countAnswers(confusion, data.labels, predicted, 0, data.count);
  return { ...metricsFromConfusion(confusion), predicted, confidence };
}

/**
 * Images [start, end) of `data`, forward in inference mode in batches from `start` on: each one's
 * predicted class and that class's output, into predicted and confidence at its index. Each
 * image's outputs depend on it alone, so where the batches begin changes no bit: a test set
 * may be classified in parts, in two threads, and give what one pass gives.
 */
export function classify(
  network: Network,
  data: Pick<Dataset, 'images' | 'inputSize'>,
  start: number,
  end: number,
  predicted: Uint8Array,
  confidence: Float32Array,
  batchSize = EVALUATION_BATCH,
  onBatch?: BatchWatcher,
): void {
  const classes = network.outputSize;
  const inputs = new Float32Array(Math.min(batchSize, Math.max(0, end - start)) * data.inputSize);
  for (let first = start; first < end; first += batchSize) {
    const rows = Math.min(batchSize, end - first);
    for (let r = 0; r < rows; r++) copyImage(data, first + r, inputs, r * data.inputSize);
    const output = network.forwardBatch(inputs, rows, 'inference');
    onBatch?.(first, rows);
    for (let r = 0; r < rows; r++) {
      const guess = argmax(output, r * classes, classes);
      predicted[first + r] = guess;
      confidence[first + r] = output[r * classes + guess];
    }
  }
}

/** Adds the answers of images [start, end) to confusion[actual][predicted]; returns how many were right. */
function countAnswers(confusion: number[][], labels: Uint8Array, predicted: Uint8Array, start: number, end: number): number {
  let correct = 0;
  for (let i = start; i < end; i++) {
    confusion[labels[i]][predicted[i]]++;
    if (labels[i] === predicted[i]) correct++;
  }
  return correct;
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
 * Told of each batch an evaluation has just run forward (its first image's index, its size),
 * while the network's layers still hold that batch's outputs.
 */
export type BatchWatcher = (start: number, rows: number) => void;

/**
 * Classifies the last images of a data set elsewhere (a second worker, see shards.ts) while
 * this thread classifies the first ones.
 */
export interface OtherHalf {
  /** Starts classifying images [start, data.count) of `data` with `network`'s parameters; false when it cannot take them. */
  begin(network: Network, data: Dataset, start: number): boolean;
  /** Waits for those images' answers and copies them into predicted and confidence; false when they did not come. */
  end(predicted: Uint8Array, confidence: Float32Array): boolean;
}

/**
 * evaluate() a slice of images at a time, so a worker can answer messages between slices;
 * the figures are those of one evaluate() over the whole set. With `otherHalf`, the images
 * from ⌊count/2⌋ on are classified there meanwhile, or here if it cannot or fails.
 */
export class SlicedEvaluation {
  readonly confusion: number[][];
  readonly predicted: Uint8Array;
  readonly confidence: Float32Array;
  correct = 0;
  private evaluated = 0;
  /** Where this thread's part ends: the other half's first image, or the set's end. */
  private ownEnd: number;
  private otherHalf: OtherHalf | null = null;

  constructor(
    readonly network: Network,
    readonly data: Dataset,
    private readonly onBatch?: BatchWatcher,
    otherHalf?: OtherHalf | null,
  ) {
    const classes = network.outputSize;
    this.confusion = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
    this.predicted = new Uint8Array(data.count);
    this.confidence = new Float32Array(data.count);
    this.ownEnd = data.count;
    const half = data.count >> 1;
    if (otherHalf && half > 0 && otherHalf.begin(network, data, half)) {
      this.otherHalf = otherHalf;
      this.ownEnd = half;
    }
  }

  get done(): boolean {
    return this.evaluated === this.data.count;
  }

  /** Evaluates the next `count` images (fewer at the end); the step that ends this thread's part collects the other half's. */
  step(count: number): void {
    const { data, evaluated: start } = this;
    const end = Math.min(this.ownEnd, start + count);
    classify(this.network, data, start, end, this.predicted, this.confidence, EVALUATION_BATCH, this.onBatch);
    this.correct += countAnswers(this.confusion, data.labels, this.predicted, start, end);
    this.evaluated = end;
    if (end < this.ownEnd || !this.otherHalf) return;
    const collected = this.otherHalf.end(this.predicted, this.confidence);
    this.otherHalf = null;
    this.ownEnd = data.count;
    if (!collected) return;
    this.correct += countAnswers(this.confusion, data.labels, this.predicted, end, data.count);
    this.evaluated = data.count;
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
