/**
 * `npx tsx src/bench/conv-epoch.ts [--root DIR] [--preset cnn-fast] [--samples 6016] [--repetitions 3] [--kernels fused|wasm]`:
 * trains a preset's network in Node on real MNIST, as the CLI does, and prints the
 * seconds a 60,000-sample epoch takes, from the median of the repetitions, both in
 * this thread's CPU time and on the wall clock. CPU time moves less than wall time
 * when other jobs share the cores. `--root` times the engine of another checkout (an
 * older commit, say), so two engines can be timed alternately on the same machine;
 * `--kernels`, one path against another (by default the one the CLI picks).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { root: { type: 'string' }, preset: { type: 'string' }, samples: { type: 'string' }, repetitions: { type: 'string' }, kernels: { type: 'string' } },
});
const root = resolve(values.root ?? join(import.meta.dirname, '..', '..'));
const preset = values.preset ?? 'cnn-fast';
const samples = Number(values.samples ?? 6016);
const repetitions = Number(values.repetitions ?? 3);
if (!(samples > 0 && repetitions > 0)) throw new Error('--samples and --repetitions must be positive numbers');

const { parseConfig } = (await import(join(root, 'src/formats/config-format.ts'))) as typeof import('../formats/config-format.ts');
const { loadMnistNode } = (await import(join(root, 'src/cli/node-mnist.ts'))) as typeof import('../cli/node-mnist.ts');
const { configTrainer } = (await import(join(root, 'src/bench/ours.ts'))) as typeof import('./ours.ts');

const config = parseConfig(readFileSync(join(root, 'src/presets', `${preset}.json`), 'utf8'));
const { bestKernels } = (await import(join(root, 'src/engine/kernels.ts'))) as typeof import('../engine/kernels.ts');
const kernels = (values.kernels ?? bestKernels()) as import('../engine/kernels.ts').Kernels;
const train = configTrainer(loadMnistNode('train'), config, kernels);
// Warm-up: the JIT and the kernels' memories.
train(1024);
const cpu: number[] = [];
const wall: number[] = [];
for (let r = 0; r < repetitions; r++) {
  const cpuStart = process.cpuUsage();
  const wallStart = performance.now();
  train(samples);
  wall.push((performance.now() - wallStart) / 1000);
  const used = process.cpuUsage(cpuStart);
  cpu.push((used.user + used.system) / 1e6);
}
const perEpoch = (seconds: number[]) => seconds.map((s) => (s / samples) * 60_000);
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
const text = (list: number[]) => list.map((s) => s.toFixed(2)).join(', ');
console.log(
  `${preset} at ${root} (${kernels}): ${median(perEpoch(cpu)).toFixed(2)} s CPU (${text(perEpoch(cpu))}), ` +
    `${median(perEpoch(wall)).toFixed(2)} s wall (${text(perEpoch(wall))}) per 60,000-sample epoch`,
);
