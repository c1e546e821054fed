/** What the Node harness and the bench page exchange through page.evaluate: plain, cloneable data. */
import type { TrainingCase } from '../cases.ts';

export interface BrowserCase {
  trainingCase: TrainingCase;
  /** Samples of the untimed first run, and of each timed run (whole batches). */
  warmupSamples: number;
  samples: number;
  repetitions: number;
}

export interface BrowserResult {
  userAgent: string;
  /** What runs the dense layers' products in this browser (see engine/kernels.ts). */
  kernels: string;
  /** Per case, the wall-clock seconds of each timed run. */
  seconds: number[][];
}

declare global {
  interface Window {
    /** Set by the bench page once its worker is up: times every case in turn. */
    benchWorker?: (cases: BrowserCase[]) => Promise<BrowserResult>;
  }
}
