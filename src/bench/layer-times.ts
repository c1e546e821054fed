/**
 * `npx tsx src/bench/layer-times.ts src/presets/NAME.json [--rows N] [--batches N]`: where one
 * thread's time goes in a typed stack, layer by layer, in Node on real MNIST. Trains `batches`
 * batches of `rows` samples (the preset's batch size by default; 64 is half of CNN (99% fast)'s,
 * what each worker takes with both cores) with the preset's optimizer, and prints each layer's
 * forward and backward milliseconds per batch, the optimizer step's, and the total, the first
 * 20 batches left out as warm-up. The engine carries no timers: the bench wraps each layer's
 * methods from outside, as shard-batches.ts does the optimizers'.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { copyImage } from '../engine/dataset.ts';
import type { Layer } from '../engine/layer.ts';
import { Network } from '../engine/network.ts';
import { createOptimizer } from '../engine/optimizers.ts';
import { createRng } from '../engine/rng.ts';
import { parseConfig } from '../formats/config-format.ts';

const WARM_UP = 20;
const { values, positionals } = parseArgs({ allowPositionals: true, options: { rows: { type: 'string' }, batches: { type: 'string' } } });
if (!positionals[0]) throw new Error('Give a preset file: npx tsx src/bench/layer-times.ts src/presets/cnn-99.json');
const config = parseConfig(readFileSync(positionals[0], 'utf8'));
const rows = Number(values.rows ?? config.batchSize);
const batches = Number(values.batches ?? 300) + WARM_UP;
const network = Network.forConfig(config, createRng(config.seed));
const optimizer = createOptimizer(config.optimizer, network.paramGroups(config.l2), config, network.kernels);
const data = loadMnistNode('train');

/** Milliseconds per phase, in the order phases first ran. */
const times = new Map<string, number>();
let timing = false;
const add = (phase: string, ms: number) => {
  if (timing) times.set(phase, (times.get(phase) ?? 0) + ms);
};

/** Wraps a layer's passes, and its passes as steps (batch normalisation's), with a clock. */
function timeLayer(layer: Layer, l: number): void {
  const name = `${l + 1} ${layer.constructor.name}`;
  const forward = layer.forward.bind(layer);
  const backward = layer.backward.bind(layer);
  layer.forward = (...args) => {
    const started = performance.now();
    const output = forward(...args);
    add(`${name} forward`, performance.now() - started);
    return output;
  };
  layer.backward = (...args) => {
    const started = performance.now();
    backward(...args);
    add(`${name} backward`, performance.now() - started);
  };
  for (const [key, phase] of [['forwardSteps', 'forward'], ['backwardSteps', 'backward']] as const) {
    const steps = layer[key]?.bind(layer) as ((...args: unknown[]) => Generator<unknown, unknown, unknown>) | undefined;
    if (!steps) continue;
    // Each step is timed up to its yield: the time the other shard would wait on is not this layer's.
    (layer as unknown as Record<string, unknown>)[key] = function* (...args: unknown[]) {
      const generator = steps(...args);
      let sent: unknown;
      for (;;) {
        const started = performance.now();
        const next = generator.next(sent);
        add(`${name} ${phase}`, performance.now() - started);
        if (next.done) return next.value;
        sent = yield next.value;
      }
    };
  }
}
network.layers.forEach(timeLayer);

const inputs = new Float32Array(rows * network.inputSize);
const targets = new Float32Array(rows * network.outputSize);
let total = 0;
for (let b = 0; b < batches; b++) {
  timing = b >= WARM_UP;
  targets.fill(0);
  for (let r = 0; r < rows; r++) {
    const sample = (b * rows + r) % data.count;
    copyImage(data, sample, inputs, r * network.inputSize);
    targets[r * network.outputSize + data.labels[sample]] = 1;
  }
  const started = performance.now();
  network.forwardBatch(inputs, rows, 'training');
  network.backwardBatch(inputs, targets, rows);
  const stepStarted = performance.now();
  optimizer.step();
  const ended = performance.now();
  add('optimizer step', ended - stepStarted);
  if (timing) total += ended - started;
}

const timed = batches - WARM_UP;
console.log(`${positionals[0]}, ${rows} rows a batch, ${network.kernels} kernels: milliseconds per batch, mean of ${timed} batches`);
for (const [phase, ms] of times) console.log(`  ${phase.padEnd(28)} ${(ms / timed).toFixed(3)}`);
console.log(`  ${'total'.padEnd(28)} ${(total / timed).toFixed(3)} (${Math.round((rows * timed * 1000) / total)} samples/s)`);
