/**
 * The bench page: starts the app's training worker exactly as the bridge does and
 * lets Playwright time training runs in it through window.benchWorker. What is
 * timed is the product's path: Comlink calls, the worker's slicing and progress
 * events, and the engine it picks in this browser.
 */
import * as Comlink from 'comlink';
import { SEED_CONFIG, type Config } from '../../engine/config.ts';
import { bestKernels } from '../../engine/kernels.ts';
import type { TrainingEvent, TrainingWorkerApi } from '../../worker/api.ts';
import { LEARNING_RATE, MOMENTUM } from '../cases.ts';
import type { BrowserCase, BrowserResult } from './protocol.ts';

const worker = new Worker(new URL('../../worker/training.worker.ts', import.meta.url), { type: 'module' });
const api = Comlink.wrap<TrainingWorkerApi>(worker);
let onEvent: (event: TrainingEvent) => void = () => {};
void api.subscribe(Comlink.proxy((event: TrainingEvent) => onEvent(event)));

function configFor({ trainingCase }: BrowserCase, samples: number): Config {
  const { layers, activations, batchSize } = trainingCase;
  return { ...SEED_CONFIG, layers, activations, batchSize, optimizer: 'momentum', learningRate: LEARNING_RATE, momentum: MOMENTUM, epochs: 1, samples };
}

/**
 * Seconds from asking the worker to train a one-epoch run of `config.samples`
 * samples until it reports the last of them trained; the test-set evaluation
 * that follows an epoch is not counted.
 */
async function timeRun(config: Config): Promise<number> {
  let trainedAt = 0;
  onEvent = (event) => {
    if (event.type === 'progress' && event.progress.samplesDone === event.progress.samplesTotal && trainedAt === 0) trainedAt = performance.now();
  };
  const started = performance.now();
  const outcome = await api.train(config);
  if (outcome.status !== 'finished' || trainedAt === 0) throw new Error(`The worker's run ended ${outcome.status}`);
  return (trainedAt - started) / 1000;
}

window.benchWorker = async (cases) => {
  await api.loadData(Comlink.proxy(() => {}), 'mnist');
  const seconds: number[][] = [];
  const workers: number[] = [];
  for (const benchCase of cases) {
    workers.push(await api.useBothCores(benchCase.workers === 2));
    await timeRun(configFor(benchCase, benchCase.warmupSamples));
    const runs: number[] = [];
    for (let r = 0; r < benchCase.repetitions; r++) runs.push(await timeRun(configFor(benchCase, benchCase.samples)));
    seconds.push(runs);
  }
  await api.useBothCores(false);
  const result: BrowserResult = { userAgent: navigator.userAgent, kernels: bestKernels(), seconds, workers };
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
