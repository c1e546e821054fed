/**
 * Timing on a slow, noisy 2-core machine: every figure is the median of several
 * repetitions, each long enough that timer resolution and one-off pauses (GC, JIT)
 * do not dominate. Epoch times are extrapolated from a fixed slice of samples.
 */

/** Samples in the MNIST training set: what "seconds per epoch" is extrapolated to. */
export const EPOCH_SAMPLES = 60_000;

/** How long and how often to time each configuration. */
export interface Plan {
  /** Untimed warm-up (JIT, buffers, wasm operator caches); also estimates the speed. */
  warmupSeconds: number;
  /** Each repetition trains about this long … */
  targetSeconds: number;
  /** … within these bounds on its number of samples. */
  minSamples: number;
  maxSamples: number;
  repetitions: number;
  /**
   * Whole epochs timed per case in the browser worker, each a fresh run as the Train
   * button starts one, so the run's start and its slicing weigh what they weigh in a
   * real epoch; 0 times the browser like Node, on repetitions extrapolated to an epoch.
   */
  browserEpochs: number;
}

export const FULL_PLAN: Plan = { warmupSeconds: 0.5, targetSeconds: 1.5, minSamples: 256, maxSamples: 12_000, repetitions: 5, browserEpochs: 3 };
export const QUICK_PLAN: Plan = { warmupSeconds: 0.1, targetSeconds: 0.2, minSamples: 32, maxSamples: 1_000, repetitions: 3, browserEpochs: 0 };

export interface TrainingTiming {
  samplesPerRepetition: number;
  /** Wall-clock seconds of each repetition. */
  seconds: number[];
  /** From the median repetition. */
  samplesPerSecond: number;
  /** EPOCH_SAMPLES at that rate. */
  secondsPerEpoch: number;
}

export interface KernelTiming {
  /** Calls per repetition. */
  calls: number;
  seconds: number[];
  /** From the median repetition. */
  gflops: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('No values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** Trains exactly `samples` more samples (a multiple of the batch size). */
export type TrainFn = (samples: number) => void | Promise<void>;

function seconds(since: number): number {
  return (performance.now() - since) / 1000;
}

/**
 * Warms `train` up batch by batch, sizes the repetitions from the warm-up's speed
 * (whole batches, within the plan's bounds), then times them.
 */
export async function timeTraining(train: TrainFn, batchSize: number, plan: Plan): Promise<TrainingTiming> {
  let warmed = 0;
  const warmupStart = performance.now();
  do {
    await train(batchSize);
    warmed += batchSize;
  } while (seconds(warmupStart) < plan.warmupSeconds);
  const samplesPerRepetition = repetitionSamples(warmed / seconds(warmupStart), batchSize, plan);
  const times: number[] = [];
  for (let r = 0; r < plan.repetitions; r++) {
    const start = performance.now();
    await train(samplesPerRepetition);
    times.push(seconds(start));
  }
  return trainingTiming(samplesPerRepetition, times);
}

/** Whole batches for about the plan's target time at `samplesPerSecond`, within its bounds. */
export function repetitionSamples(samplesPerSecond: number, batchSize: number, plan: Plan): number {
  const wanted = Math.min(plan.maxSamples, Math.max(plan.minSamples, samplesPerSecond * plan.targetSeconds));
  return Math.max(1, Math.round(wanted / batchSize)) * batchSize;
}

export function trainingTiming(samplesPerRepetition: number, times: number[]): TrainingTiming {
  const samplesPerSecond = samplesPerRepetition / median(times);
  return { samplesPerRepetition, seconds: times, samplesPerSecond, secondsPerEpoch: EPOCH_SAMPLES / samplesPerSecond };
}

/**
 * Times a kernel doing `flops` floating-point operations per call: each repetition
 * calls it until a tenth of the plan's target time has passed.
 */
export function timeKernel(kernel: () => void, flops: number, plan: Plan): KernelTiming {
  const warmupStart = performance.now();
  let warmupCalls = 0;
  do {
    kernel();
    warmupCalls++;
  } while (seconds(warmupStart) < plan.warmupSeconds / 5);
  const callSeconds = seconds(warmupStart) / warmupCalls;
  const calls = Math.max(1, Math.round(plan.targetSeconds / 10 / callSeconds));
  const times: number[] = [];
  for (let r = 0; r < plan.repetitions; r++) {
    const start = performance.now();
    for (let c = 0; c < calls; c++) kernel();
    times.push(seconds(start));
  }
  return { calls, seconds: times, gflops: (flops * calls) / median(times) / 1e9 };
}
