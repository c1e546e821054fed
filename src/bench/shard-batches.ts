/**
 * `npx tsx src/bench/shard-batches.ts [--preset cnn-fast] [--samples 12000] [--rounds 3]`: where the
 * time of a batch split between two threads goes, in Node on real MNIST. Each round trains one epoch
 * of `samples` samples five ways, one after another: in one thread; in one thread in batches of half
 * the size, whose batches take what a split batch would if the hand-overs and copies cost nothing (half
 * the rows, a whole optimizer step), hence the most a split can gain; split, every second half in a
 * second thread; split, every second half in this thread (the replica the trainer falls back on);
 * and a one-thread training in another process, alone and then two at once, which shows what the
 * two cores give two independent trainings (the sum of their speeds against one alone). Prints each
 * run's training seconds and its optimizer steps' share; for the second thread, the mean milliseconds
 * from a batch's start to its end over ranges of batches, where its warm-up shows.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { startShardThread, type ShardThread } from '../cli/two-threads.ts';
import { Adam, Momentum, Sgd } from '../engine/optimizers.ts';
import { createRng } from '../engine/rng.ts';
import { TrainingRun } from '../engine/run.ts';
import { inProcessPeer, type ShardPeer } from '../engine/shards.ts';
import { parseConfig } from '../formats/config-format.ts';

const { values } = parseArgs({ options: { preset: { type: 'string' }, samples: { type: 'string' }, rounds: { type: 'string' }, one: { type: 'boolean' } } });
const preset = values.preset ?? 'cnn-fast';
const samples = Number(values.samples ?? 12_000);
const rounds = Number(values.rounds ?? 3);
const config = { ...parseConfig(readFileSync(join(import.meta.dirname, '..', 'presets', `${preset}.json`), 'utf8')), samples, epochs: 1 };
const data = loadMnistNode('train');

// The engine carries no timers: the bench times the optimizers' steps from outside.
let stepMs = 0;
for (const kind of [Sgd, Momentum, Adam]) {
  const step = kind.prototype.step;
  kind.prototype.step = function (this: InstanceType<typeof kind>, ...args: Parameters<typeof step>) {
    const started = performance.now();
    step.apply(this, args);
    stepMs += performance.now() - started;
  };
}

/** Trains one epoch; `peer` makes the split's second halves. Returns milliseconds of training and of optimizer steps, and each batch's start-to-end milliseconds. */
function train(peer?: (network: TrainingRun['network']) => ShardPeer, batchSize = config.batchSize): { ms: number; stepMs: number; batches: number[] } {
  const batches: number[] = [];
  let began = 0;
  const timed = (inner: ShardPeer): ShardPeer => ({
    exchange: inner.exchange,
    start: (prepare) => ((began = performance.now()), inner.start(prepare)),
    share: (sums) => inner.share(sums),
    finish: () => (inner.finish(), batches.push(performance.now() - began)),
  });
  const run = new TrainingRun({ ...config, batchSize }, data, createRng(config.seed), { now: () => performance.now(), shardPeer: peer && ((network) => timed(peer(network))) });
  stepMs = 0;
  const started = performance.now();
  while (run.step(1e9).type === 'trained');
  return { ms: performance.now() - started, stepMs, batches };
}

const RANGES = [
  [0, 1],
  [1, 5],
  [5, 20],
  [20, 50],
  [50, 200],
  [200, Infinity],
] as const;

function byRange(batches: number[]): string {
  return RANGES.filter(([from]) => from < batches.length)
    .map(([from, to]) => {
      const part = batches.slice(from, to);
      return `${from + 1}–${Math.min(to, batches.length)}: ${(part.reduce((sum, ms) => sum + ms, 0) / part.length).toFixed(2)}`;
    })
    .join(', ');
}

const line = (label: string, { ms, stepMs: step }: { ms: number; stepMs: number }) => `${label}: ${(ms / 1000).toFixed(2)} s (optimizer steps ${((100 * step) / ms).toFixed(1)}%)`;

if (values.one) {
  console.log((train().ms / 1000).toFixed(2));
} else {
  console.log(`${preset}: one epoch of ${samples} samples, ${rounds} rounds; load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; commit ${execFileSync('git', ['rev-parse', '--short', 'HEAD']).toString().trim()}`);
  const thread: ShardThread = await startShardThread();
  for (let round = 1; round <= rounds; round++) {
    const one = train();
    console.log(line(`round ${round}, one thread`, one));
    const halves = train(undefined, config.batchSize >> 1);
    console.log(`${line(`round ${round}, one thread in batches of ${config.batchSize >> 1}`, halves)}: at most ${((2 * one.ms) / halves.ms).toFixed(2)}× one thread for a split`);
    const remote = train((network) => thread.open(network, config.batchSize));
    console.log(`${line(`round ${round}, second thread`, remote)}; ms a batch, batches ${byRange(remote.batches)}`);
    console.log(line(`round ${round}, both halves here`, train((network) => inProcessPeer(network, config.batchSize))));
    const alone = await oneThreadElsewhere();
    const both = await Promise.all([0, 1].map(() => oneThreadElsewhere()));
    // What two independent trainings get from the two cores: the sum of their speeds, against one alone.
    const machine = both.reduce((sum, seconds) => sum + Number(alone) / Number(seconds), 0);
    console.log(
      `round ${round}, one-thread training in another process: alone ${alone} s; two at once ${both.join(' s, ')} s: ` +
        `the two cores give ${machine.toFixed(2)}× one; the split ${(one.ms / remote.ms).toFixed(2)}×`,
    );
  }
  thread.close();
  console.log(`load average after ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}

/** Seconds of one one-thread epoch in another process. */
function oneThreadElsewhere(): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, import.meta.filename, '--one', '--preset', preset, '--samples', String(samples)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`exit ${code}`))));
  });
}
