/** The benchmark's results as plain data (for the JSON file) and as text tables (for the terminal). */
import { CONV_KERNEL_SHAPE, LEARNING_RATE, MOMENTUM, shapeName, type MatMulShape, type TrainingCase } from './cases.ts';
import type { Plan, TrainingTiming } from './measure.ts';
import { formatResponsiveness, type ResponsivenessResult } from './responsiveness.ts';
import { PHASES, type Profile } from './profile.ts';
import type { TfMatMulResult } from './tfjs.ts';

export const IMPLEMENTATIONS = ['ours', 'ours-ts', 'ours-browser', 'ours-browser-2w', 'torch-1t', 'torch-2t', 'tfjs-wasm', 'tfjs-cpu', 'tfjs-layers-wasm'] as const;
export type Implementation = (typeof IMPLEMENTATIONS)[number];

export const IMPLEMENTATION_NOTES: Record<Implementation, string> = {
  ours: 'our engine as the app runs it: Trainer.trainSamples, loss/error/accuracy tracked, dense layers on the WebAssembly SIMD kernels',
  'ours-ts': 'the same, every product in the TypeScript loops (the reference and fallback path)',
  'ours-browser': 'the app\'s training worker in headless Chromium (Playwright, vite preview of a build): wall clock from the train call to its last sample trained',
  'ours-browser-2w':
    'the same with "Use both cores": each batch split in two halves, the second computed by a second worker sharing a SharedArrayBuffer (batch ≥ 2, no dropout)',
  'torch-1t': 'PyTorch (CPU, native BLAS) in its own process, 1 thread: nn.Sequential, CrossEntropyLoss, optim.SGD with momentum, a gathered batch per step',
  'torch-2t': 'the same at 2 threads',
  'tfjs-wasm': 'TF.js core ops + optimizer.minimize (no metrics), wasm backend',
  'tfjs-cpu': 'TF.js core ops + optimizer.minimize (no metrics), cpu backend',
  'tfjs-layers-wasm': 'TF.js Layers API, model.trainOnBatch, wasm backend',
};

export interface TrainingRow {
  case: TrainingCase;
  results: Partial<Record<Implementation, TrainingTiming>>;
  /** Where ours (Node, wasm) spends an epoch. */
  profile?: Profile;
  /** The same with the optimizer's TypeScript loops instead of its WebAssembly kernels: where the time went before them. */
  profileTsOptimizer?: Profile;
  /** Seconds per batch of the first layer's sparse forward + ∂W: Dense's TypeScript path, and the WebAssembly kernels. */
  firstLayer?: { ts: number; wasm: number };
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

/** A convolutional network (a preset's) on ours, TF.js-wasm and PyTorch. */
export interface ConvRow {
  name: string;
  preset: string;
  /** The preset's optimizer and batch, which every implementation uses. */
  optimizer: string;
  batchSize: number;
  results: Partial<Record<'ours' | 'ours-ts' | 'ours-browser' | 'ours-browser-2w' | 'tfjs-wasm' | 'torch-1t' | 'torch-2t', TrainingTiming>>;
}

/** GFLOP/s of one convolution layer's forward + backward (CONV_KERNEL_SHAPE). */
export interface ConvKernelResult {
  ours?: number;
  oursTs?: number;
  tfjsWasm?: number;
}

export interface BenchReport {
  generatedAt: string;
  machine: { cpu: string; cores: number; node: string };
  /** The commit measured, with '+dirty' when the working tree had changes. */
  commit?: string;
  tfjs?: { version: string; wasmSimd?: boolean; wasmThreads?: number };
  torch?: { version: string; blas: string };
  /** The browser that ran ours-browser, and the kernels our engine picked there. */
  browser?: { userAgent: string; kernels: string };
  quick: boolean;
  plan: Plan;
  epochSamples: number;
  training: TrainingRow[];
  kernels: KernelRow[];
  conv?: { rows: ConvRow[]; kernel: ConvKernelResult };
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

/** Per case: ours in Node and in the browser worker beside PyTorch, and our time over its best. */
export function torchTable(rows: TrainingRow[]): string {
  const header = ['network', 'batch', 'ours s/epoch', 'ours-browser', 'torch 1 thread', 'torch 2 threads', 'ours ÷ torch (time)', 'ours-browser ÷ torch'];
  const body = rows
    .filter((row) => row.results['torch-1t'] || row.results['torch-2t'])
    .map(({ case: c, results }) => {
      const torchTimes = [results['torch-1t'], results['torch-2t']].filter((t) => t !== undefined).map((t) => t.secondsPerEpoch);
      const best = Math.min(...torchTimes);
      const ratio = (t: TrainingTiming | undefined) => (t ? `${(t.secondsPerEpoch / best).toFixed(2)}` : '—');
      const seconds = (t: TrainingTiming | undefined) => (t ? epochSeconds(t.secondsPerEpoch) : '—');
      return [c.layers.join('-'), String(c.batchSize), seconds(results.ours), seconds(results['ours-browser']), seconds(results['torch-1t']), seconds(results['torch-2t']), ratio(results.ours), ratio(results['ours-browser'])];
    });
  return formatTable(header, body, 'lrrrrrrr');
}

/**
 * Per profiled case, seconds per epoch in each phase and the phases' sum: with the
 * optimizer's TypeScript loops ("TS opt.", the engine before its optimizer kernels)
 * when profiled, then as the engine runs now.
 */
export function profileTable(rows: TrainingRow[]): string {
  const header = ['network', 'batch', 'updates', ...PHASES, 'sum', 'timed'];
  const line = (c: TrainingCase, label: string, p: Profile, timed: string) => [
    c.layers.join('-'),
    String(c.batchSize),
    label,
    ...PHASES.map((phase) => p.secondsPerEpoch[phase].toFixed(2)),
    p.totalPerEpoch.toFixed(2),
    timed,
  ];
  const body = rows
    .filter((row) => row.profile)
    .flatMap(({ case: c, profile, profileTsOptimizer, results }) => [
      ...(profileTsOptimizer ? [line(c, 'TS opt.', profileTsOptimizer, '—')] : []),
      line(c, 'wasm', profile as Profile, results.ours ? epochSeconds(results.ours.secondsPerEpoch) : '—'),
    ]);
  return formatTable(header, body, `lll${'r'.repeat(PHASES.length + 2)}`);
}

export function firstLayerTable(rows: TrainingRow[]): string {
  const header = ['network', 'batch', 'TypeScript µs/batch', 'wasm µs/batch', 'TS ÷ wasm', 's/epoch saved'];
  const body = rows
    .filter((row) => row.firstLayer)
    .map(({ case: c, firstLayer }) => {
      const { ts, wasm } = firstLayer as { ts: number; wasm: number };
      const batches = 60_000 / c.batchSize;
      return [c.layers.join('-'), String(c.batchSize), (ts * 1e6).toFixed(0), (wasm * 1e6).toFixed(0), `${(ts / wasm).toFixed(2)}×`, ((ts - wasm) * batches).toFixed(2)];
    });
  return formatTable(header, body, 'lrrrrr');
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
    ...(report.torch ? [`PyTorch ${report.torch.version}, BLAS (torch.__config__.show()): ${report.torch.blas}`] : []),
  ];
  if (impls.length > 0) {
    lines.push(
      '',
      `Training on real MNIST: SGD momentum ${MOMENTUM}, lr ${LEARNING_RATE}, cross-entropy on a Softmax output; hidden layers Sigmoid, except 784-800-10's ReLU.`,
      `Each figure is the median of ${plan.repetitions} timed repetitions of up to ${grouped(plan.maxSamples)} samples ` +
        `(about ${plan.targetSeconds} s each, after ${plan.warmupSeconds} s of warm-up); ` +
        `s/epoch is extrapolated to ${grouped(report.epochSamples)} samples` +
        (plan.browserEpochs > 0
          ? `, except in the browser: there each figure is the median of ${plan.browserEpochs} whole ${grouped(report.epochSamples)}-sample epochs, each a fresh run from the train call.`
          : '.'),
      'ours ÷ this = our samples/s over this implementation\'s in the same run (above 1: ours is faster).',
      ...impls.map((impl) => `  ${impl}: ${IMPLEMENTATION_NOTES[impl]}`),
      '',
      trainingTable(report.training),
    );
  }
  if (report.training.some((row) => row.results['torch-1t'] || row.results['torch-2t'])) {
    lines.push('', 'Beside native PyTorch: seconds per epoch, and ours ÷ torch = our time over the faster of torch\'s two (below 1: ours is faster).', '', torchTable(report.training));
  }
  if (report.training.some((row) => row.profile)) {
    lines.push(
      '',
      'Where ours (Node, wasm) spends an epoch, seconds per phase: a profiling copy of the training loop with a clock read between phases',
      '(each layer\'s forward timed as its two halves, the weighted sum and the activation; the optimizer includes the lazy momentum catch-up).',
      'Before and after the optimizer kernels ("updates"): "TS opt." runs the optimizer\'s TypeScript loops on the same weights, "wasm" its WebAssembly kernels (the app\'s path).',
      '"timed" is the same case\'s figure above, without the clocks.',
      '',
      profileTable(report.training),
    );
  }
  if (report.training.some((row) => row.firstLayer)) {
    lines.push(
      '',
      'The first layer\'s sparse products (non-zero scan, forward, ∂W; real MNIST batches, medians): Dense\'s TypeScript path (the fallback; "first layer" above runs the kernel)',
      'beside the WebAssembly SIMD kernel on weights kept in its memory (engine/wasm/sparse-kernels.ts).',
      '',
      firstLayerTable(report.training),
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
  if (report.conv) lines.push('', ...convLines(report.conv.rows, report.conv.kernel));
  if (report.responsiveness) lines.push('', formatResponsiveness(report.responsiveness));
  if (report.quick) lines.push('', '(--quick: short repetitions; figures are rough.)');
  return lines.join('\n');
}

function convLines(rows: ConvRow[], kernel: ConvKernelResult): string[] {
  const header = [
    'network (preset)',
    'optimizer, batch',
    'ours',
    'ours-ts',
    'ours-browser',
    'ours-browser-2w',
    'tfjs-wasm',
    'torch 1 thread',
    'torch 2 threads',
    'ours ÷ tfjs-wasm',
    'ours ÷ torch (time)',
    'ours-browser ÷ torch',
    'ours-browser-2w ÷ torch',
  ];
  const body = rows.map((row) => {
    const cell = (timing: TrainingTiming | undefined) => (timing ? epochSeconds(timing.secondsPerEpoch) : '—');
    const torchTimes = [row.results['torch-1t'], row.results['torch-2t']].filter((t) => t !== undefined).map((t) => t.secondsPerEpoch);
    const overTorch = (timing: TrainingTiming | undefined) => (timing && torchTimes.length > 0 ? fixed(timing.secondsPerEpoch / Math.min(...torchTimes), 2) : '—');
    const ours = row.results.ours;
    return [
      `${row.name} (${row.preset})`,
      `${row.optimizer}, ${row.batchSize}`,
      cell(ours),
      cell(row.results['ours-ts']),
      cell(row.results['ours-browser']),
      cell(row.results['ours-browser-2w']),
      cell(row.results['tfjs-wasm']),
      cell(row.results['torch-1t']),
      cell(row.results['torch-2t']),
      fixed(speedup(ours, row.results['tfjs-wasm']), 1, '×'),
      overTorch(ours),
      overTorch(row.results['ours-browser']),
      overTorch(row.results['ours-browser-2w']),
    ];
  });
  const { inputShape, filters, kernelSize, padding, batch } = CONV_KERNEL_SHAPE;
  return [
    'Convolutional networks: seconds per 60,000-sample epoch (medians as above), each preset\'s own optimizer, learning rate and batch on every implementation.',
    'ours: convolutions on the WebAssembly SIMD kernels (engine/wasm/conv-kernels.wat; fused multiply-add where the CPU has it, as the CLI picks), in Node; ours-ts: im2col + TypeScript loops; ours-browser: ours in the app\'s worker, as above; ours-browser-2w: with "Use both cores" (— where the network keeps one worker);',
    'tfjs-wasm: TF.js core ops (conv2d, maxPool, matMul) + optimizer.minimize; its wasm backend has no Conv2DBackpropFilter, so the filter gradient runs on its Conv3DBackpropFilterV2.',
    'torch: nn.Conv2d, MaxPool2d and Linear in nn.Sequential on NCHW batches, the preset\'s optimizer; ours ÷ torch is our time over the faster of its two (below 1: ours is faster).',
    '',
    formatTable(header, body, 'llrrrrrrrrrrr'),
    '',
    `One convolution, ${inputShape.join('×')} → ${filters} filters ${kernelSize}×${kernelSize} ${padding}, batch ${batch}, forward + ∂W + ∂x (3 × 2 flops per multiply-add of the forward pass):`,
    `ours ${fixed(kernel.ours, 1)} GFLOP/s, ours-ts ${fixed(kernel.oursTs, 1)}, tfjs-wasm ${fixed(kernel.tfjsWasm, 1)}.`,
  ];
}
