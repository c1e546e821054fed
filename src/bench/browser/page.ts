/**
 * The bench page: starts the app's training worker exactly as the bridge does and
 * lets Playwright time training runs in it through window.benchWorker. What is
 * timed is the product's path: Comlink calls, the worker's slicing and progress
 * events, and the engine it picks in this browser.
 */
import * as Comlink from 'comlink';
import type { Config } from '../../engine/config.ts';
import { bestKernels } from '../../engine/kernels.ts';
import type { SecondHalves, TrainingEvent, TrainingWorkerApi } from '../../worker/api.ts';
import { summary } from '../barrier-steps.ts';
import type { BarrierMessage, BrowserBarrierResult, BrowserEmbeddingResult, BrowserResult } from './protocol.ts';

const worker = new Worker(new URL('../../worker/training.worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<TrainingWorkerApi>(worker);
let onEvent: (event: TrainingEvent) => void = () => {};
void api.subscribe(Comlink.proxy((event: TrainingEvent) => onEvent(event)));

/**
 * Seconds from asking the worker to train a one-epoch run of `samples` samples until it
 * reports the last of them trained, and how many that was; the test-set evaluation
 * that follows an epoch is not counted.
 */
async function timeRun(config: Config, samples: number): Promise<{ seconds: number; samples: number; secondHalves?: SecondHalves }> {
  let trainedAt = 0;
  let trained = 0;
  onEvent = (event) => {
    if (event.type === 'progress' && event.progress.samplesDone === event.progress.samplesTotal && trainedAt === 0) {
      trainedAt = performance.now();
      trained = event.progress.samplesTotal;
    }
  };
  const started = performance.now();
  const outcome = await api.train({ ...config, epochs: 1, samples });
  if (outcome.status !== 'finished' || trainedAt === 0) throw new Error(`The worker's run ended ${outcome.status}`);
  return { seconds: (trainedAt - started) / 1000, samples: trained, secondHalves: outcome.secondHalves };
}

window.benchWorker = async (cases) => {
  await api.loadData(Comlink.proxy(() => {}), 'mnist');
  const seconds: number[][] = [];
  const samples: number[] = [];
  const workers: number[] = [];
  const secondHalves: (SecondHalves | null)[] = [];
  for (const benchCase of cases) {
    workers.push(await api.useBothCores(benchCase.workers === 2));
    await timeRun(benchCase.config, benchCase.warmupSamples);
    const runs: { seconds: number; samples: number; secondHalves?: SecondHalves }[] = [];
    for (let r = 0; r < benchCase.repetitions; r++) runs.push(await timeRun(benchCase.config, benchCase.samples));
    seconds.push(runs.map((run) => run.seconds));
    samples.push(runs[0].samples);
    secondHalves.push(runs[runs.length - 1].secondHalves ?? null);
  }
  await api.useBothCores(false);
  const result: BrowserResult = { userAgent: navigator.userAgent, kernels: bestKernels(), seconds, samples, workers, secondHalves };
  return result;
};

window.benchPreset = async (config) => {
  await api.loadData(Comlink.proxy(() => {}), 'mnist');
  const epochs: { seconds: number; testAccuracy: number }[] = [];
  onEvent = (event) => {
    if (event.type === 'epoch') epochs.push({ seconds: event.report.seconds, testAccuracy: event.report.test.accuracy });
  };
  const started = performance.now();
  const outcome = await api.train(config);
  if (outcome.status !== 'finished') throw new Error(`The worker's run ended ${outcome.status}`);
  return { userAgent: navigator.userAgent, kernels: bestKernels(), epochs, wallSeconds: (performance.now() - started) / 1000 };
};

window.benchEmbedding = async (config) => {
  await api.loadData(Comlink.proxy(() => {}), 'mnist');
  const updateMs: number[] = [];
  const iterations: number[] = [];
  let size = 0;
  let epochAt = 0;
  // The worker sends an epoch's report, then makes the map and sends it: the gap between their arrivals is the map's making.
  onEvent = (event) => {
    if (event.type === 'epoch') epochAt = performance.now();
    if (event.type === 'embedding') {
      updateMs.push(performance.now() - epochAt);
      iterations.push(event.embedding.iterations);
      size = event.embedding.size;
    }
  };
  await api.watchEmbedding(true);
  const outcome = await api.train(config);
  await api.watchEmbedding(false);
  if (outcome.status !== 'finished') throw new Error(`The worker's run ended ${outcome.status}`);
  const result: BrowserEmbeddingResult = { userAgent: navigator.userAgent, kernels: bestKernels(), updateMs, iterations, size };
  return result;
};

window.benchBarrier = async (bytes, unitMs, steps, rounds) => {
  const threads = [0, 1].map(() => new Worker(new URL('./barrier.worker.ts', import.meta.url), { type: 'module' }));
  const ask = <T>(thread: Worker, message: BarrierMessage) =>
    new Promise<T>((resolve, reject) => {
      thread.onmessage = ({ data }: MessageEvent<T>) => resolve(data);
      thread.onerror = (event) => reject(new Error(event.message));
      thread.postMessage(message);
    });
  const code = Uint8Array.from(bytes);
  const [passes] = await Promise.all([ask<number>(threads[0], { type: 'load', bytes: code, unitMs }), ask<number>(threads[1], { type: 'load', bytes: code, unitMs: 0 })]);
  const control = new SharedArrayBuffer(8);
  const result: BrowserBarrierResult = { userAgent: navigator.userAgent, passes, rounds: [] };
  for (let round = 0; round < rounds; round++) {
    const one = await ask<Float64Array>(threads[0], { type: 'one', passes, steps });
    new Int32Array(control).fill(0);
    await ask<string>(threads[1], { type: 'help', control, passes, steps });
    const two = await ask<Float64Array>(threads[0], { type: 'lead', control, passes, steps });
    result.rounds.push({ one: summary(one), two: summary(two) });
  }
  threads.forEach((thread) => thread.terminate());
  return result;
};
