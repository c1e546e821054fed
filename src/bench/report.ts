/** The benchmark's results as plain data (for the JSON file) and as text tables (for the terminal). */
import { LEARNING_RATE, MOMENTUM, shapeName, type MatMulShape, type TrainingCase } from './cases.ts';
import type { Plan, TrainingTiming } from './measure.ts';
import { formatResponsiveness, type ResponsivenessResult } from './responsiveness.ts';
import type { TfMatMulResult } from './tfjs.ts';

export const IMPLEMENTATIONS = ['ours', 'ours-ts', 'ours-browser', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-layers-wasm'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export const IMPLEMENTATION_NOTES: Record<Implementation, string> = {
  ours: 'our engine as the app runs it: Trainer.trainSamples, loss/error/accuracy tracked, dense layers on the WebAssembly SIMD kernels',
  'ours-ts': 'the same, every product in the TypeScript loops (the reference and fallback path)',
  'ours-browser': 'the app\'s training worker in headless Chromium (Playwright, vite preview of a build): wall clock from the train call to its last sample trained',
  'tfjs-wasm': 'TF.js core ops + optimizer.minimize (no metrics), wasm backend',
  'tfjs-cpu': 'TF.js core ops + optimizer.minimize (no metrics), cpu backend',
  'tfjs-layers-wasm': 'TF.js Layers API, model.trainOnBatch, wasm backend',
};

export interface TrainingRow {
  case: TrainingCase;
  results: Partial<Record<Implementation, TrainingTiming>>;
}

export interface OursDenseResult {
  forward: number;
  backward: number;
  forwardBackward: number;
}

export interface KernelRow {
  shape: MatMulShape;
  /** Our Dense layer on the WebAssembly kernels, and on the TypeScript loops. */
  ours?: OursDenseResult;
  oursTs?: OursDenseResult;
  tfjsWasm?: TfMatMulResult;
}

export interface BenchReport {
  generatedAt: string;
  machine: { cpu: string; cores: number; node: string };
  /** The commit measured, with '+dirty' when the working tree had changes. */
  commit?: string;
  tfjs?: { version: string; wasmSimd?: boolean; wasmThreads?: number };
  /** The browser that ran ours-browser, and the kernels our engine picked there. */
  browser?: { userAgent: string; kernels: string };
  quick: boolean;
  plan: Plan;
  epochSamples: number;
  training: TrainingRow[];
  kernels: KernelRow[];
  /** The app's longest main-thread tasks while it trains, in headless Chromium. */
  responsiveness?: ResponsivenessResult;
}

/** How many times faster ours is than `other`, from samples per second. */
export function speedup(ours: TrainingTiming | undefined, other: TrainingTiming | undefined): number | undefined {
  return ours && other ? ours.samplesPerSecond / other.samplesPerSecond : undefined;
}

function grouped(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function fixed(value: number | undefined, digits: number, suffix = ''): string {
  return value === undefined ? '—' : `${value.toFixed(digits)}${suffix}`;
}

function epochSeconds(seconds: number): string {
  return seconds < 10 ? seconds.toFixed(2) : seconds.toFixed(1);
}

/** Columns padded to their widest cell; `align` has one letter per column, l(eft) or r(ight). */
export function formatTable(header: string[], rows: string[][], align: string): string {
  const widths = header.map((title, c) => Math.max(title.length, ...rows.map((row) => row[c].length)));
  const line = (cells: string[]) =>
    cells.map((cell, c) => (align[c] === 'r' ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function presentImplementations(rows: TrainingRow[]): Implementation[] {
  return IMPLEMENTATIONS.filter((impl) => rows.some((row) => row.results[impl]));
}

/** One line per case and implementation; the case is named on its first line only. */
export function trainingTable(rows: TrainingRow[]): string {
  const header = ['network', 'batch', 'implementation', 'samples/s', 's/epoch', 'ours ÷ this'];
  const body: string[][] = [];
  for (const row of rows) {
    let first = true;
    for (const impl of IMPLEMENTATIONS) {
      const timing = row.results[impl];
      if (!timing) continue;
      const ratio = impl === 'ours' ? undefined : speedup(row.results.ours, timing);
      body.push([
        first ? row.case.layers.join('-') : '',
        first ? String(row.case.batchSize) : '',
        impl,
        grouped(timing.samplesPerSecond),
        epochSeconds(timing.secondsPerEpoch),
        ratio === undefined ? '' : `${ratio.toFixed(2)}×`,
      ]);
      first = false;
    }
  }
  return formatTable(header, body, 'lrlrrr');
}

export function kernelTable(rows: KernelRow[]): string {
  const header = [
    'B×K · K×N',
    'ours fwd',
    'ours bwd',
    'ours fwd+bwd',
    'ours-ts fwd+bwd',
    'tf fwd (new W)',
    'tf fwd (same W)',
    'tf bwd',
    'tf fwd+bwd',
    'ours ÷ tf, fwd+bwd',
  ];
  const body = rows.map(({ shape, ours, oursTs, tfjsWasm: tf }) => [
    shapeName(shape),
    fixed(ours?.forward, 2),
    fixed(ours?.backward, 2),
    fixed(ours?.forwardBackward, 2),
    fixed(oursTs?.forwardBackward, 2),
    fixed(tf?.forwardFresh, 2),
    fixed(tf?.forwardCached, 2),
    fixed(tf?.backward, 2),
    fixed(tf?.forwardBackward, 2),
    ours && tf ? fixed(ours.forwardBackward / tf.forwardBackward, 2, '×') : '—',
  ]);
  return formatTable(header, body, 'lrrrrrrrrr');
}

export function formatReport(report: BenchReport): string {
  const { plan, machine } = report;
  const impls = presentImplementations(report.training);
  const lines = [
    ...(report.commit ? [`Code: ${report.commit}`] : []),
    `Machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}` +
      (report.tfjs
        ? `; TensorFlow.js ${report.tfjs.version}` +
          (report.tfjs.wasmSimd === undefined ? '' : ` (wasm: SIMD ${report.tfjs.wasmSimd ? 'on' : 'off'}, ${report.tfjs.wasmThreads} thread(s))`)
        : ''),
    ...(report.browser ? [`Browser: ${report.browser.userAgent}; our dense kernels there: ${report.browser.kernels}`] : []),
  ];
  if (impls.length > 0) {
    lines.push(
      '',
      `Training on real MNIST: SGD momentum ${MOMENTUM}, lr ${LEARNING_RATE}, cross-entropy on a Softmax output; hidden layers Sigmoid.`,
      `Each figure is the median of ${plan.repetitions} timed repetitions of up to ${grouped(plan.maxSamples)} samples ` +
        `(about ${plan.targetSeconds} s each, after ${plan.warmupSeconds} s of warm-up); ` +
        `s/epoch is extrapolated to ${grouped(report.epochSamples)} samples.`,
      'ours ÷ this = our samples/s over this implementation\'s in the same run (above 1: ours is faster).',
      ...impls.map((impl) => `  ${impl}: ${IMPLEMENTATION_NOTES[impl]}`),
      '',
      trainingTable(report.training),
    );
  }
  if (report.kernels.some((row) => row.ours ?? row.tfjsWasm)) {
    lines.push(
      '',
      'Dense layer kernels, GFLOP/s (forward 2·B·K·N flops, backward 4·B·K·N: ∂W and ∂x; medians).',
      'ours = engine Dense layer with dense (non-sparse) input on the WebAssembly SIMD kernels, ours-ts on the TypeScript loops; tf = tf.matMul on the wasm backend.',
      '"new W": weights replaced before each call, as in training; "same W": unchanged, the backend reuses its packed copy.',
      '',
      kernelTable(report.kernels),
    );
  }
  if (report.responsiveness) lines.push('', formatResponsiveness(report.responsiveness));
  if (report.quick) lines.push('', '(--quick: short repetitions; figures are rough.)');
  return lines.join('\n');
}
