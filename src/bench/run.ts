/** One benchmark run: every training case on every implementation asked for, then the dense kernels. */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import type { Config } from '../engine/config.ts';
import { parseConfig } from '../formats/config-format.ts';
import type { Dataset } from '../engine/dataset.ts';
import { bestKernels, type Kernels } from '../engine/kernels.ts';
import { CONV_CASES, CONV_KERNEL_SHAPE, MATMUL_SHAPES, convForwardFlops, TRAINING_CASES, caseKey, caseName, forwardFlops, shapeName, type MatMulShape, type TrainingCase } from './cases.ts';
import type { BrowserCase } from './browser/protocol.ts';
import { EPOCH_SAMPLES, FULL_PLAN, QUICK_PLAN, median, repetitionSamples, timeKernel, timeTraining, trainingTiming, type Plan, type TrainingTiming } from './measure.ts';
import { caseConfig, configTrainer, oursConvKernels, oursDenseKernels, oursSparseFirstLayer, oursTrainer } from './ours.ts';
import { profileTraining } from './profile.ts';
import { type BenchReport, type Implementation, type OursDenseResult } from './report.ts';

export interface BenchOptions {
  quick: boolean;
  only?: 'ours' | 'tfjs' | 'torch' | 'responsiveness' | 'conv';
  /** Also time our engine in the app's worker in headless Chromium (off with --no-browser). */
  browser: boolean;
  /** Only these cases (caseKey, e.g. 784-200-10/32), and no kernel table; all when empty. */
  cases: string[];
}

const ONLY = ['ours', 'tfjs', 'torch', 'responsiveness', 'conv'] as const;
const KNOWN = '--quick, --only ours|tfjs|torch|responsiveness|conv, --no-browser, --case NETWORK/BATCH';

export function parseArgs(args: readonly string[]): BenchOptions {
  const options: BenchOptions = { quick: false, browser: true, cases: [] };
  const keys = TRAINING_CASES.map(caseKey);
  for (let a = 0; a < args.length; a++) {
    const arg = args[a];
    const [name, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => inline ?? args[++a];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--no-browser') options.browser = false;
    else if (name === '--only') {
      const only = value();
      if (!ONLY.includes(only as (typeof ONLY)[number])) throw new Error(`--only takes ours, tfjs, torch, responsiveness or conv, got ${only ?? 'nothing'}`);
      options.only = only as (typeof ONLY)[number];
    } else if (name === '--case') {
      const key = value();
      if (!keys.includes(key)) throw new Error(`--case takes one of ${keys.join(', ')}; got ${key ?? 'nothing'}`);
      options.cases.push(key);
    } else throw new Error(`Unknown option ${arg} (known: ${KNOWN})`);
  }
  return options;
}

/** Our engine on each of its paths: the one the app and the CLI pick (engine/kernels.ts), then the TypeScript reference. */
const OUR_PATHS: [Implementation, Kernels][] = [
  ['ours', bestKernels()],
  ['ours-ts', 'ts'],
];

/** Which TF.js implementations time which cases: the Layers API only on the seed network at batch 32 and 128. */
function tfImplementations(trainingCase: TrainingCase): Implementation[] {
  const layersApi = trainingCase.layers.length === 3 && trainingCase.batchSize > 1;
  return layersApi ? ['tfjs-wasm', 'tfjs-cpu', 'tfjs-layers-wasm'] : ['tfjs-wasm', 'tfjs-cpu'];
}

function summary(timing: TrainingTiming): string {
  return `${Math.round(timing.samplesPerSecond)} samples/s, ${timing.secondsPerEpoch.toFixed(2)} s/epoch (${timing.samplesPerRepetition} samples × ${timing.seconds.length})`;
}

function oursDense(shape: MatMulShape, plan: Plan, path: Kernels): OursDenseResult {
  const kernels = oursDenseKernels(shape, path);
  const flops = forwardFlops(shape);
  const forward = timeKernel(kernels.forward, flops, plan);
  const backward = timeKernel(kernels.backward, 2 * flops, plan);
  const perCall = (t: { seconds: number[]; calls: number }) => median(t.seconds) / t.calls;
  return {
    forward: forward.gflops,
    backward: backward.gflops,
    forwardBackward: (3 * flops) / (perCall(forward) + perCall(backward)) / 1e9,
  };
}

/**
 * Times every dense case and convolutional preset in the app's worker in headless Chromium:
 * whole epochs when the plan asks for them, else repetitions about as long as the plan
 * asks at the speed `ours` had in Node.
 */
async function addBrowserTimings(report: BenchReport, convConfigs: Config[], plan: Plan, log: (line: string) => void): Promise<void> {
  const { timeInBrowser } = await import('./browser.ts');
  interface Timed {
    name: string;
    browserCase: BrowserCase;
    results: Partial<Record<Implementation, TrainingTiming>>;
    /** Leave the two-worker timing out where the page trained in one worker. */
    onlySplit?: boolean;
  }
  const sized = (config: Config, nodeRate: number): BrowserCase => ({
    config,
    warmupSamples: repetitionSamples(nodeRate * (plan.warmupSeconds / plan.targetSeconds), config.batchSize, plan),
    samples: plan.browserEpochs > 0 ? EPOCH_SAMPLES : repetitionSamples(nodeRate, config.batchSize, plan),
    repetitions: plan.browserEpochs > 0 ? plan.browserEpochs : plan.repetitions,
    workers: 1,
  });
  // Each dense case in one worker, then (batches of 2 or more) with both cores, one after the other under the same load.
  const timed: Timed[] = report.training.flatMap(({ case: trainingCase, results }): Timed[] => {
    const one = sized(caseConfig(trainingCase, EPOCH_SAMPLES), (results.ours as TrainingTiming).samplesPerSecond);
    const name = caseName(trainingCase);
    return [{ name, browserCase: one, results }, ...(trainingCase.batchSize >= 2 ? [{ name, browserCase: { ...one, workers: 2 as const }, results }] : [])];
  });
  // Each convolutional preset in one worker, then with "Use both cores" (recorded only where the page split its batches).
  for (const [c, row] of (report.conv?.rows ?? []).entries()) {
    if (!row.results.ours) continue;
    const one = sized(convConfigs[c], row.results.ours.samplesPerSecond);
    timed.push({ name: row.name, browserCase: one, results: row.results }, { name: row.name, browserCase: { ...one, workers: 2 }, results: row.results, onlySplit: true });
  }
  log('Timing the training worker in headless Chromium…');
  const result = await timeInBrowser(timed.map((t) => t.browserCase), log);
  report.browser = { userAgent: result.userAgent, kernels: result.kernels };
  timed.forEach(({ name, browserCase, results, onlySplit }, c) => {
    const timing = trainingTiming(result.samples[c], result.seconds[c]);
    const impl = browserCase.workers === 2 ? 'ours-browser-2w' : 'ours-browser';
    // Whether the run split its batches: the page keeps networks with small batches in one worker even with the box on.
    if (browserCase.workers === 2 && !result.secondHalves[c]) {
      log(`${name}  ${impl}: the page trained in one worker`);
      if (onlySplit) return;
    }
    results[impl] = timing;
    log(`${name}  ${impl}: ${summary(timing)}`);
  });
}

/** PyTorch on the dense cases and, when the report has them, the convolutional presets `convConfigs`. */
async function addTorchTimings(report: BenchReport, convConfigs: Config[], plan: Plan, log: (line: string) => void): Promise<void> {
  const { denseTorchCase, stackTorchCase, timeTorch, torchPython } = await import('./torch.ts');
  const python = torchPython();
  if (!python) {
    log('No Python with torch (.venv or python3): PyTorch is left out (bash scripts/setup-python.sh makes .venv).');
    return;
  }
  const convRows = report.conv?.rows ?? [];
  const cases = [...report.training.map((row) => denseTorchCase(row.case)), ...convRows.map((_, c) => stackTorchCase(convConfigs[c]))];
  for (const threads of [1, 2] as const) {
    log(`Timing PyTorch at ${threads} thread(s)…`);
    const run = timeTorch(python, cases, threads, plan);
    report.torch = { version: run.version, blas: run.blas };
    const impl = threads === 1 ? 'torch-1t' : 'torch-2t';
    report.training.forEach((row, c) => {
      row.results[impl] = run.results[c];
      log(`${caseName(row.case)}  ${impl}: ${summary(run.results[c])}`);
    });
    convRows.forEach((row, c) => {
      row.results[impl] = run.results[report.training.length + c];
      log(`${row.name}  ${impl}: ${summary(row.results[impl])}`);
    });
  }
}

/** `log` hears one line per measurement as it finishes. */
export async function runBench(options: BenchOptions, data: Dataset, log: (line: string) => void = () => {}): Promise<BenchReport> {
  const plan = options.quick ? QUICK_PLAN : FULL_PLAN;
  // --only conv: the convolutional networks on ours, TF.js and PyTorch, nothing else.
  const convOnly = options.only === 'conv';
  const withOurs = options.only === undefined || options.only === 'ours' || convOnly;
  const withTf = options.only === undefined || options.only === 'tfjs' || convOnly;
  const report: BenchReport = {
    generatedAt: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, node: process.versions.node },
    quick: options.quick,
    plan,
    epochSamples: EPOCH_SAMPLES,
    training: TRAINING_CASES.filter((c) => !convOnly && (options.cases.length === 0 || options.cases.includes(caseKey(c)))).map((trainingCase) => ({
      case: trainingCase,
      results: {},
    })),
    kernels: options.cases.length === 0 && !convOnly ? MATMUL_SHAPES.map((shape) => ({ shape })) : [],
  };
  // The convolutional presets, unless --case asked for dense cases only or --only for the responsiveness alone.
  const convConfigs: Config[] = options.cases.length === 0 && options.only !== 'responsiveness' ? CONV_CASES.map((c) => parseConfig(readFileSync(c.preset, 'utf8'))) : [];
  if (convConfigs.length > 0) {
    report.conv = {
      rows: CONV_CASES.map((c, i) => ({ ...c, optimizer: convConfigs[i].optimizer, batchSize: convConfigs[i].batchSize, results: {} })),
      kernel: {},
    };
  }
  const withTorch = options.only === undefined || options.only === 'torch' || convOnly;

  // Ours runs before TF.js is even imported: with TF.js loaded in the same process our
  // per-sample training measured 10.4 s per epoch instead of 8.0 s (same machine, same
  // minute), so interleaving the two would charge TF.js's presence to our engine.
  if (withOurs) {
    for (const row of report.training) {
      for (const [impl, kernels] of OUR_PATHS) {
        const timing = await timeTraining(oursTrainer(data, row.case, kernels), row.case.batchSize, plan);
        row.results[impl] = timing;
        log(`${caseName(row.case)}  ${impl}: ${summary(timing)}`);
      }
    }
    for (const row of report.kernels) {
      row.ours = oursDense(row.shape, plan, bestKernels());
      row.oursTs = oursDense(row.shape, plan, 'ts');
      log(`${shapeName(row.shape)}  ours fwd+bwd ${row.ours.forwardBackward.toFixed(2)}  ours-ts ${row.oursTs.forwardBackward.toFixed(2)} GFLOP/s`);
    }
    for (const row of report.training) {
      const timing = row.results.ours as TrainingTiming;
      const profiled = (optimizerKernels: boolean) =>
        profileTraining(data, row.case, bestKernels(), timing.samplesPerRepetition * plan.repetitions, timing.samplesPerRepetition, optimizerKernels);
      row.profileTsOptimizer = profiled(false);
      row.profile = profiled(true);
      log(`${caseName(row.case)}  profile: ${row.profileTsOptimizer.totalPerEpoch.toFixed(2)} s/epoch in its phases with the TypeScript optimizer, ${row.profile.totalPerEpoch.toFixed(2)} with its kernels`);
      const perBatch = (path: Kernels) => {
        const t = timeKernel(oursSparseFirstLayer(data, row.case.batchSize, row.case.layers[1], path), 1, plan);
        return median(t.seconds) / t.calls;
      };
      row.firstLayer = { ts: perBatch('ts'), wasm: perBatch('wasm') };
      log(`${caseName(row.case)}  first layer forward + ∂W: ${(row.firstLayer.ts * 1e6).toFixed(0)} µs (TS), ${(row.firstLayer.wasm * 1e6).toFixed(0)} µs (wasm) per batch`);
    }
    if (report.conv) {
      for (const [c, row] of report.conv.rows.entries()) {
        for (const [impl, kernels] of OUR_PATHS) {
          if (impl !== 'ours' && impl !== 'ours-ts') continue;
          const timing = await timeTraining(configTrainer(data, convConfigs[c], kernels), row.batchSize, plan);
          row.results[impl] = timing;
          log(`${row.name}  ${impl}: ${summary(timing)}`);
        }
      }
      const flops = 3 * convForwardFlops(CONV_KERNEL_SHAPE);
      report.conv.kernel.ours = timeKernel(oursConvKernels(bestKernels()), flops, plan).gflops;
      report.conv.kernel.oursTs = timeKernel(oursConvKernels('ts'), flops, plan).gflops;
      log(`convolution kernel fwd+bwd: ours ${report.conv.kernel.ours.toFixed(1)}, ours-ts ${report.conv.kernel.oursTs.toFixed(1)} GFLOP/s`);
    }
    if (options.browser) await addBrowserTimings(report, convConfigs, plan, log);
  }

  // Native code next, in a process of its own: it does not share our JIT or heap.
  if (withTorch) await addTorchTimings(report, convConfigs, plan, log);

  if (withTf) {
    const tfjs = await import('./tfjs.ts');
    const wasm = await tfjs.useTfBackend('wasm');
    report.tfjs = { version: wasm.version, wasmSimd: wasm.simd, wasmThreads: wasm.threads };
    for (const row of report.training) {
      for (const impl of tfImplementations(row.case)) {
        await tfjs.useTfBackend(impl === 'tfjs-cpu' ? 'cpu' : 'wasm');
        const trainer = impl === 'tfjs-layers-wasm' ? tfjs.tfLayersTrainer(data, row.case) : tfjs.tfCoreTrainer(data, row.case);
        try {
          const timing = await timeTraining(trainer.train, row.case.batchSize, plan);
          row.results[impl] = timing;
          log(`${caseName(row.case)}  ${impl}: ${summary(timing)}`);
        } finally {
          trainer.dispose();
        }
      }
    }
    await tfjs.useTfBackend('wasm');
    if (report.conv) {
      for (const [c, row] of report.conv.rows.entries()) {
        const trainer = tfjs.tfStackTrainer(data, convConfigs[c]);
        try {
          const timing = await timeTraining(trainer.train, row.batchSize, plan);
          row.results['tfjs-wasm'] = timing;
          log(`${row.name}  tfjs-wasm: ${summary(timing)}`);
        } finally {
          trainer.dispose();
        }
      }
      report.conv.kernel.tfjsWasm = tfjs.tfConvGflops(plan);
      log(`convolution kernel fwd+bwd: tfjs-wasm ${report.conv.kernel.tfjsWasm.toFixed(1)} GFLOP/s`);
    }
    for (const row of report.kernels) {
      row.tfjsWasm = tfjs.tfMatMulGflops(row.shape, plan);
      log(`${shapeName(row.shape)}  tf fwd+bwd ${row.tfjsWasm.forwardBackward.toFixed(2)} GFLOP/s`);
    }
  }
  return report;
}
