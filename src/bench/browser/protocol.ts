/** What the Node harness and the bench page exchange through page.evaluate: plain, cloneable data. */
import type { Config } from '../../engine/config.ts';
import type { SecondHalves } from '../../worker/api.ts';
import type { StepSummary } from '../barrier-steps.ts';

export interface BrowserCase {
  /** Trained for one epoch of `samples` samples per run; its epochs and samples are replaced. */
  config: Config;
  /** Samples of the untimed first run, and of each timed run (whole batches). */
  warmupSamples: number;
  samples: number;
  repetitions: number;
  /** 2: train with "Use both cores" (each batch split between two workers). */
  workers: 1 | 2;
}

export interface BrowserResult {
  userAgent: string;
  /** What runs the dense layers' products in this browser (see engine/kernels.ts). */
  kernels: string;
  /** Per case, the wall-clock seconds of each timed run … */
  seconds: number[][];
  /** … and the samples each of its runs trained (fewer than asked when the config holds some out for validation). */
  samples: number[];
  /** Per case, the workers the app's worker said it trained in … */
  workers: number[];
  /** … and, where two, how many second halves the second worker computed in its last run, of how many. */
  secondHalves: (SecondHalves | null)[];
}

/** A preset trained in full in the worker: each epoch's training seconds and test accuracy. */
export interface BrowserPresetResult {
  userAgent: string;
  kernels: string;
  epochs: { seconds: number; testAccuracy: number }[];
  /** Wall clock from the train call to the run's end, test evaluations included. */
  wallSeconds: number;
}

/** A run trained with the embedding map watched, as the page does while the map is on screen. */
export interface BrowserEmbeddingResult {
  userAgent: string;
  kernels: string;
  /**
   * Per epoch, ms from the worker's epoch report reaching the page to its map reaching it: the
   * worker's time to make the map (the first of a model is cold, without earlier axes to start from).
   */
  updateMs: number[];
  /** PCA iterations of each map, and the length of the mapped vectors. */
  iterations: number[];
  size: number;
}

/** What the bench page's barrier workers are told (barrier.worker.ts). */
export type BarrierMessage =
  | { type: 'load'; bytes: Uint8Array<ArrayBuffer>; unitMs: number }
  | { type: 'one'; passes: number; steps: number }
  | { type: 'lead' | 'help'; control: SharedArrayBuffer; passes: number; steps: number };

/** Each round of bench:barrier in the page: one thread's steps and two threads'. */
export interface BrowserBarrierResult {
  userAgent: string;
  passes: number;
  rounds: { one: StepSummary; two: StepSummary }[];
}

declare global {
  interface Window {
    /** Runs bench:barrier's rounds in two of the page's workers, on the unit compiled to `bytes`. */
    benchBarrier?: (bytes: number[], unitMs: number, steps: number, rounds: number) => Promise<BrowserBarrierResult>;
    /** Trains a whole config in the worker, as the page's Train button does. */
    benchPreset?: (config: Config) => Promise<BrowserPresetResult>;
    /** Trains a config with the embedding map watched and times each epoch's map. */
    benchEmbedding?: (config: Config) => Promise<BrowserEmbeddingResult>;
    /** Set by the bench page once its worker is up: times every case in turn. */
    benchWorker?: (cases: BrowserCase[]) => Promise<BrowserResult>;
  }
}
