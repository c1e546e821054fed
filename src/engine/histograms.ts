/**
 * Distributions over a run, as TensorBoard's histograms show them: for each layer with
 * parameters, histograms of its weights, of their gradient in the last batch trained, and of
 * its outputs on a fixed sample of images; and, for a ReLU layer, how many of its units (a
 * convolution's filters) that sample never switches on.
 *
 * Each histogram's bin edges are fixed the first time it is recorded and kept for the whole run,
 * so a bar means the same values at every epoch and a ridge of histograms can be compared
 * (see rangeFor for how they are chosen). Values that later fall outside are counted apart,
 * below and above, never dropped: the counts always add up to the number of values.
 *
 * The recorder allocates its buffers once; a recording allocates only the histograms it returns.
 */
import type { Activation } from './config.ts';
import { copyImage, type Dataset } from './dataset.ts';
import type { Layer } from './layer.ts';
import { EVALUATION_BATCH, type Network } from './network.ts';

/** Bins per histogram. Even, so that zero is an edge of a symmetric range. */
export const HISTOGRAM_BINS = 40;

/**
 * How far past the first recording's largest magnitude a range reaches. Weights and activations
 * spread as a network trains; twice their starting reach keeps most of a run inside, and what
 * leaves it is counted below or above.
 */
export const RANGE_HEADROOM = 2;

/** Test images the activations are recorded on where a forward pass is cheap: enough that a unit silent on all of them is dead in practice. */
export const DISTRIBUTION_SAMPLE = 1000;
/** The fewest, for the costliest networks: a convolution's unit is a channel, seen at every position of each image. */
const MIN_DISTRIBUTION_SAMPLE = 250;
/** Forward multiply-adds one recording may spend: 1,000 images of a 784-200-10 network. */
const RECORDING_MULTIPLY_ADDS = 1000 * 160_000;

/**
 * How many test images to record on, for a network of `multiplyAddsPerSample` forward: within
 * RECORDING_MULTIPLY_ADDS, so the recordings stay a small part of an epoch of any network. At
 * 1,000 images a convolutional network's took 2 s of a 14 s epoch (its forward passes and the
 * histograms of its large maps, in one worker while training used two).
 */
export function distributionSample(multiplyAddsPerSample: number): number {
  return Math.max(MIN_DISTRIBUTION_SAMPLE, Math.min(DISTRIBUTION_SAMPLE, Math.floor(RECORDING_MULTIPLY_ADDS / Math.max(1, multiplyAddsPerSample))));
}

/** Activations whose outputs have bounds of their own: their histograms span exactly those. */
const BOUNDED: Partial<Record<Activation, readonly [number, number]>> = {
  Sigmoid: [0, 1],
  Softmax: [0, 1],
  Tanh: [-1, 1],
};

export interface Histogram {
  /** Lower edge of the first bin and upper edge of the last; the same for a layer's values of one kind all run. */
  lo: number;
  hi: number;
  /** counts[k]: values in [lo + k·w, lo + (k + 1)·w), w = (hi − lo) / bins; the last bin includes hi. */
  counts: Uint32Array;
  /** Values under lo, and over hi (or not a number). */
  below: number;
  above: number;
}

export interface LayerDistribution {
  /** The layer's position in the network, from 0. */
  index: number;
  type: 'dense' | 'conv2d' | 'batchnorm';
  activation: Activation;
  /** A dense layer's units, a convolution's filters. */
  units: number;
  weights: Histogram;
  /** Null before any batch was trained. */
  gradients: Histogram | null;
  activations: Histogram;
  /** Units (filters) of a ReLU layer never above zero on the sample; null for other activations. */
  dead: number | null;
}

export interface DistributionRecord {
  /** Position in the run, in epochs: 0 before training, 1 after the first epoch, 1.25 a quarter into the second. */
  x: number;
  /** Images the activations were recorded on. */
  sampleSize: number;
  layers: LayerDistribution[];
}

/**
 * The smallest of 1, 2, 2.5 and 5 × 10^k at least `value` (> 0): round edges for the axis. A
 * float32's rounding above a round number (0.1f is 0.1000000015) does not push it to the next.
 */
export function niceCeil(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= value * (1 - 1e-6)) as number;
  return Number(step.toPrecision(12));
}

/**
 * The fixed range of a histogram whose first recording spans [min, max] (min ≤ 0 ≤ max): a
 * bounded activation's own bounds; otherwise [−R, R], or [0, R] when no value is negative, with
 * R = niceCeil(RANGE_HEADROOM × the largest magnitude), or ±1 when every value is zero.
 */
export function rangeOf(min: number, max: number, activation: Activation | null = null): [number, number] {
  const bounds = activation ? BOUNDED[activation] : undefined;
  if (bounds) return [bounds[0], bounds[1]];
  const reach = Math.max(-min, max);
  if (!(reach > 0) || !Number.isFinite(reach)) return [-1, 1];
  const r = niceCeil(RANGE_HEADROOM * reach);
  return [min < 0 ? -r : 0, r];
}

/** rangeOf the first `length` values. */
export function rangeFor(values: Float32Array, length: number, activation: Activation | null = null): [number, number] {
  const [min, max] = extent(values, length, 0, 0);
  return rangeOf(min, max, activation);
}

/**
 * [min, max] of the first `length` values and of the extent [min, max] so far. Two loops:
 * V8 runs a loop that tracks both at about 11 ns a value here, each of these at 1.5.
 */
function extent(values: Float32Array, length: number, min: number, max: number): [number, number] {
  for (let i = 0; i < length; i++) if (values[i] < min) min = values[i];
  for (let i = 0; i < length; i++) if (values[i] > max) max = values[i];
  return [min, max];
}

/** Fixed bin edges, and a tally to count values into: tally[0] below, tally[k + 1] bin k, tally[bins + 1] above. */
export class Bins {
  readonly tally: Uint32Array;
  private readonly scale: number;

  constructor(
    readonly lo: number,
    readonly hi: number,
    readonly bins: number = HISTOGRAM_BINS,
  ) {
    if (!(hi > lo) || bins < 1) throw new Error(`Bins need lo < hi and at least one bin, got [${lo}, ${hi}] in ${bins}`);
    this.scale = bins / (hi - lo);
    this.tally = new Uint32Array(bins + 2);
  }

  /** Counts values[0 … length − 1] into the tally. */
  add(values: Float32Array, length: number): void {
    const { lo, hi, scale, bins, tally } = this;
    for (let i = 0; i < length; i++) {
      const v = values[i];
      if (v < lo) tally[0]++;
      else if (!(v <= hi)) tally[bins + 1]++;
      else {
        // (v − lo)·scale is in [0, bins] here, where truncating is flooring; twice as fast as Math.floor.
        const k = ((v - lo) * scale) | 0;
        tally[k < bins ? k + 1 : bins]++;
      }
    }
  }

  /** The tally as a histogram (its own arrays), and a fresh tally for the next one. */
  take(): Histogram {
    const { tally, bins } = this;
    const histogram = { lo: this.lo, hi: this.hi, counts: tally.slice(1, bins + 1), below: tally[0], above: tally[bins + 1] };
    tally.fill(0);
    return histogram;
  }
}

/** `count` images of `data` spread evenly over it (a set sorted by class still gives every class); a copy. */
export function spreadSample(data: Dataset, count: number): Dataset {
  const n = Math.min(count, data.count);
  const { inputSize } = data;
  const images = new Uint8Array(n * inputSize);
  const labels = new Uint8Array(n);
  for (let k = 0; k < n; k++) {
    const i = Math.floor((k * data.count) / n);
    images.set(data.images.subarray(i * inputSize, (i + 1) * inputSize), k * inputSize);
    labels[k] = data.labels[i];
  }
  return { images, labels, count: n, inputSize };
}

interface Tracked {
  index: number;
  layer: Layer;
  type: 'dense' | 'conv2d' | 'batchnorm';
  activation: Activation;
  units: number;
  /** Fixed on the first recording of each kind. */
  weights: Bins | null;
  gradients: Bins | null;
  activations: Bins | null;
  /** active[u] = 1 once unit u was above zero on some sample image; ReLU layers only. */
  active: Uint8Array | null;
  /** Room for the units not yet seen active (markActive's list), with `active`. */
  waiting: Int32Array | null;
}

/** Records a network's distributions as it trains; one per run, as the bins are the run's. */
export class DistributionRecorder {
  private readonly tracked: Tracked[];
  private readonly input: Float32Array;

  constructor(
    private readonly network: Network,
    private readonly sample: Dataset,
    private readonly bins: number = HISTOGRAM_BINS,
  ) {
    if (sample.inputSize !== network.inputSize) throw new Error(`The sample's images have ${sample.inputSize} pixels, the network takes ${network.inputSize}`);
    this.tracked = network.layers.flatMap((layer, index): Tracked[] => {
      if (layer.paramGroups(0).length === 0) return [];
      const spec = layer.toSpec();
      const type = spec.type === 'conv2d' || spec.type === 'batchnorm' ? spec.type : 'dense';
      const activation = 'activation' in spec ? spec.activation : 'Linear';
      const units = layer.outputShape[2];
      return [{ index, layer, type, activation, units, weights: null, gradients: null, activations: null, active: activation === 'ReLU' ? new Uint8Array(units) : null, waiting: activation === 'ReLU' ? new Int32Array(units) : null }];
    });
    this.input = new Float32Array(Math.min(EVALUATION_BATCH, Math.max(1, sample.count)) * sample.inputSize);
  }

  /**
   * The distributions now, at position `x` of the run. `gradients` false leaves them out
   * (before the first batch there is none). Runs the network forward on the sample, so call
   * it between batches, never inside one.
   */
  record(x: number, gradients: boolean): DistributionRecord {
    // A sample that fits one batch needs no pass of its own for the ranges: its outputs are all there to count.
    if (this.tracked.some((t) => t.activations === null) && this.sample.count > this.batchRows) this.fixActivationRanges();
    for (const t of this.tracked) t.active?.fill(0);
    this.forwardSample((t, _, values, length) => {
      t.activations ??= this.activationBins(t, ...extent(values, length, 0, 0));
      t.activations.add(values, length);
      if (t.active) markActive(values, length, t.active, t.waiting as Int32Array);
    });
    const layers = this.tracked.map((t): LayerDistribution => {
      const { params, grads } = t.layer.paramGroups(0)[0];
      t.weights ??= this.binsFor(params);
      t.weights.add(params, params.length);
      let gradientHistogram: Histogram | null = null;
      if (gradients) {
        t.gradients ??= this.binsFor(grads);
        t.gradients.add(grads, grads.length);
        gradientHistogram = t.gradients.take();
      }
      const { index, type, activation, units, active } = t;
      const dead = active ? units - countOnes(active) : null;
      return { index, type, activation, units, weights: t.weights.take(), gradients: gradientHistogram, activations: (t.activations as Bins).take(), dead };
    });
    return { x, sampleSize: this.sample.count, layers };
  }

  private binsFor(values: Float32Array): Bins {
    const [lo, hi] = rangeFor(values, values.length);
    return new Bins(lo, hi, this.bins);
  }

  /** A pass over the sample for the extent of each layer's outputs, whose ranges are then fixed. */
  private fixActivationRanges(): void {
    const extents = this.tracked.map((): [number, number] => [0, 0]);
    this.forwardSample((_, k, values, length) => {
      extents[k] = extent(values, length, ...extents[k]);
    });
    this.tracked.forEach((t, k) => (t.activations ??= this.activationBins(t, ...extents[k])));
  }

  private activationBins(t: Tracked, min: number, max: number): Bins {
    const [lo, hi] = rangeOf(min, max, t.activation);
    return new Bins(lo, hi, this.bins);
  }

  /** Sample images forwarded at a time. */
  private get batchRows(): number {
    return this.input.length / this.sample.inputSize;
  }

  /** The sample through the network in batches; `visit` sees each tracked layer's outputs of each batch. */
  private forwardSample(visit: (t: Tracked, k: number, values: Float32Array, length: number) => void): void {
    const { sample, input, network } = this;
    const batch = this.batchRows;
    for (let start = 0; start < sample.count; start += batch) {
      const rows = Math.min(batch, sample.count - start);
      for (let r = 0; r < rows; r++) copyImage(sample, start + r, input, r * sample.inputSize);
      // Inference, so the sample leaves batch normalisation's running statistics as training left them.
      network.forwardBatch(input, rows, 'inference');
      this.tracked.forEach((t, k) => visit(t, k, t.layer.output, rows * t.layer.outputShape[0] * t.layer.outputShape[1] * t.units));
    }
  }
}

/**
 * Outputs are channels-last, so unit (channel) u of every position and sample sits at u, u + units, ….
 * Only the units not yet seen active are looked at: most are within the first positions, and the scan
 * ends once all are (a convolution's outputs are millions of values a recording).
 */
function markActive(values: Float32Array, length: number, active: Uint8Array, waiting: Int32Array): void {
  const units = active.length;
  let count = 0;
  for (let u = 0; u < units; u++) if (!active[u]) waiting[count++] = u;
  for (let start = 0; start < length && count > 0; start += units) {
    for (let w = count - 1; w >= 0; w--) {
      const u = waiting[w];
      if (values[start + u] > 0) {
        active[u] = 1;
        waiting[w] = waiting[--count];
      }
    }
  }
}

function countOnes(flags: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < flags.length; i++) n += flags[i];
  return n;
}
