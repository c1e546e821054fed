/**
 * `npm run bench:distributions [-- pairs] [preset.json]`: what recording the distributions
 * (histograms of weights, gradients and activations, dead ReLUs) costs a run. The worker's
 * own session trains one epoch of a preset (Fast by default) on the full MNIST in this process,
 * its test evaluation included, once untimed, then with recording on and off in alternating order (on, off, then
 * off, on, …), `pairs` times each; prints each time, the medians, their ratio, the time of one
 * recording of the trained network (and of the first of a run, which also fixes the activations'
 * bins), and the load average before and after. On a loaded machine
 * the wall-clock times wander with the other processes; this process's CPU time much less.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { distributionSample, DistributionRecorder, spreadSample } from '../engine/histograms.ts';
import { Network } from '../engine/network.ts';
import { multiplyAddsPerSample } from '../engine/worker-gain.ts';
import { parseModel } from '../formats/model-format.ts';
import { parseConfig } from '../formats/config-format.ts';
import { errorText } from '../formats/error-text.ts';
import { recordsPerEpoch, TrainingSession, type Datasets } from '../worker/session.ts';
import { ROOT } from './chromium.ts';
import { median } from './measure.ts';

interface Timed {
  seconds: number;
  /** CPU seconds this process spent (user and system): less at the mercy of other processes than the wall clock. */
  cpuSeconds: number;
  records: number;
  /** The model file the run ended with, as text. */
  model: string;
}

async function timeRun(data: Datasets, config: ReturnType<typeof parseConfig>, record: boolean): Promise<Timed> {
  const session = new TrainingSession({
    loadData: async () => data,
    yieldToEvents: () => new Promise((resolve) => setImmediate(resolve)),
    now: () => performance.now(),
    recordDistributions: record,
  });
  let records = 0;
  session.subscribe((event) => {
    if (event.type === 'distributions') records++;
  });
  await session.loadData(() => {});
  const started = performance.now();
  const cpu = process.cpuUsage();
  const outcome = await session.train(config);
  const seconds = (performance.now() - started) / 1000;
  const { user, system } = process.cpuUsage(cpu);
  if (outcome.status !== 'finished') throw new Error(`The run ended ${outcome.status}`);
  return { seconds, cpuSeconds: (user + system) / 1e6, records, model: session.exportModel() as string };
}

async function main(): Promise<void> {
  const pairs = Number(process.argv[2] ?? 3);
  const presetFile = process.argv[3] ?? join(ROOT, 'src', 'presets', 'fast.json');
  if (!Number.isInteger(pairs) || pairs < 1) throw new Error(`pairs must be a whole number of at least 1, got ${process.argv[2]}`);
  const config = { ...parseConfig(readFileSync(presetFile, 'utf8')), epochs: 1 };
  const data: Datasets = { train: loadMnistNode('train'), test: loadMnistNode('test') };
  const load = () => loadavg().map((v) => v.toFixed(2)).join(' ');
  const loadBefore = load();
  // An untimed run first, recording, so that neither side pays for compiling the code both run.
  await timeRun(data, config, true);
  const on: Timed[] = [];
  const off: Timed[] = [];
  for (let pair = 0; pair < pairs; pair++) {
    // Alternating which goes first cancels a drift in the machine's load.
    for (const record of pair % 2 === 0 ? [true, false] : [false, true]) {
      const timed = await timeRun(data, config, record);
      (record ? on : off).push(timed);
      console.log(`${record ? 'recording' : 'no recording'}: ${timed.seconds.toFixed(2)} s (CPU ${timed.cpuSeconds.toFixed(2)} s), ${timed.records} recordings`);
    }
  }
  // The saved files differ in their time of saving only.
  const weights = (t: Timed) => JSON.stringify((JSON.parse(t.model) as { layers: unknown }).layers);
  if ([...on, ...off].some((t) => weights(t) !== weights(off[0]))) throw new Error('Recording changed the trained weights');

  // One recording of the trained network, timed alone: what each of the epoch's recordings costs.
  // The first of a run also fixes the activations' bins, before the first batch: timed apart, on fresh recorders.
  const trained = Network.fromLayers(parseModel(on[0].model).layers);
  const sample = spreadSample(data.test, distributionSample(multiplyAddsPerSample(config)));
  const cpuMs = (work: () => void) => {
    const cpu = process.cpuUsage();
    work();
    const { user, system } = process.cpuUsage(cpu);
    return (user + system) / 1000;
  };
  const firstTimes = Array.from({ length: 9 }, () => {
    const fresh = new DistributionRecorder(trained, sample);
    return cpuMs(() => fresh.record(0, false));
  });
  const recorder = new DistributionRecorder(trained, sample);
  recorder.record(0, true);
  const recordTimes = Array.from({ length: 9 }, () => cpuMs(() => recorder.record(1, true)));

  const seconds = (runs: Timed[], key: 'seconds' | 'cpuSeconds') => median(runs.map((t) => t[key]));
  const more = (key: 'seconds' | 'cpuSeconds') => `${((seconds(on, key) / seconds(off, key) - 1) * 100).toFixed(1)}%`;
  const recording = median(recordTimes);
  console.log(
    `\nOne epoch of ${presetFile.split('/').pop()} with its test evaluation, ${pairs} runs each way (${on[0].records} recordings: before training and ${recordsPerEpoch(Math.min(config.samples, data.train.count))} in the epoch): ` +
      `wall clock median ${seconds(on, 'seconds').toFixed(2)} s recording, ${seconds(off, 'seconds').toFixed(2)} s without (${more('seconds')}); ` +
      `CPU time ${seconds(on, 'cpuSeconds').toFixed(2)} s, ${seconds(off, 'cpuSeconds').toFixed(2)} s (${more('cpuSeconds')}). ` +
      `One recording alone (${distributionSample(multiplyAddsPerSample(config))} test images): median ${recording.toFixed(1)} ms of CPU; ${on[0].records} of them are ` +
      `${(((recording / 1000) * on[0].records) / seconds(off, 'cpuSeconds') * 100).toFixed(1)}% of the epoch's CPU time without; the first of a run ${median(firstTimes).toFixed(1)} ms. ` +
      `Same weights either way. Load ${loadBefore} → ${load()}`,
  );
}

main().catch((error: unknown) => {
  console.error(errorText(error));
  process.exitCode = 1;
});
