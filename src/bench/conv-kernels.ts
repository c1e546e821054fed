/**
 * `npx tsx src/bench/conv-kernels.ts [--root DIR]… [--rows 16] [--calls 100] [--kernels wasm,fused]`: the
 * convolution kernels alone, on CNN (fast)'s two convolutions (28×28×1 → 8 and
 * 14×14×8 → 16 filters, 5×5 'same', ReLU) and CNN (99% fast)'s first (28×28×1 → 24,
 * 5×5 'valid'), random data: milliseconds of this thread's
 * CPU time per call of the forward pass and of the backward pass (ReLU's gradient, ∂b,
 * ∂W, and ∂x for the second convolution, as in training), and GFLOP/s (2 per
 * multiply-add, ∂b and ReLU left out).
 * Each `--root` names a checkout whose engine is timed (this one when none is given), on
 * each of the `--kernels` (the multiply and add kernels, and their fused twins); the
 * engines take turns, five rounds each, and the median round is printed, so two engines
 * compare in one run on a shared machine.
 */
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { root: { type: 'string', multiple: true }, rows: { type: 'string' }, calls: { type: 'string' }, kernels: { type: 'string' } } });
const roots = (values.root ?? [join(import.meta.dirname, '..', '..')]).map((root) => resolve(root));
const rows = Number(values.rows ?? 16);
const calls = Number(values.calls ?? 100);
if (!(rows > 0 && calls > 0)) throw new Error('--rows and --calls must be positive numbers');
const kinds = (values.kernels ?? 'wasm,fused').split(',');
if (!kinds.every((kind) => kind === 'wasm' || kind === 'fused')) throw new Error('--kernels lists wasm and fused');

type Geometry = import('../engine/wasm/conv-kernels.ts').ConvGeometry;
const LAYERS: [string, Geometry, boolean][] = [
  ['28×28×1 → 8', { height: 28, width: 28, channels: 1, filters: 8, kernelSize: 5, stride: 1, outHeight: 28, outWidth: 28, padTop: 2, padLeft: 2 }, false],
  ['14×14×8 → 16', { height: 14, width: 14, channels: 8, filters: 16, kernelSize: 5, stride: 1, outHeight: 14, outWidth: 14, padTop: 2, padLeft: 2 }, true],
  ['28×28×1 → 24 valid', { height: 28, width: 28, channels: 1, filters: 24, kernelSize: 5, stride: 1, outHeight: 24, outWidth: 24, padTop: 0, padLeft: 0 }, false],
];

const loaded = await Promise.all(
  roots.map(async (root) => (await import(join(root, 'src/engine/wasm/conv-kernels.ts'))) as typeof import('../engine/wasm/conv-kernels.ts')),
);
const engines = loaded.flatMap((engine, r) => kinds.map((kind) => ({ engine, kind, name: `${roots.length > 1 ? `${roots[r]} ` : ''}${kind}` })));

/** Seeded values in [−0.5, 0.5), so every engine sees the same numbers. */
function randomArray(length: number, seed: number): Float32Array {
  let state = seed;
  return Float32Array.from({ length }, () => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 2 ** 32 - 0.5;
  });
}

function cpuMilliseconds(run: () => void): number {
  const start = process.cpuUsage();
  for (let c = 0; c < calls; c++) run();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / calls;
}

const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];
for (const [name, g, withInputDelta] of LAYERS) {
  const inputSize = g.height * g.width * g.channels;
  const outputSize = g.outHeight * g.outWidth * g.filters;
  const fieldSize = g.kernelSize * g.kernelSize * g.channels;
  const input = randomArray(rows * inputSize, 1);
  const weights = randomArray(g.filters * fieldSize, 2);
  const biases = randomArray(g.filters, 3);
  const delta = randomArray(rows * outputSize, 4);
  const output = new Float32Array(rows * outputSize);
  const gradWeights = new Float32Array(weights.length);
  const gradBiases = new Float32Array(g.filters);
  const inputDelta = withInputDelta ? new Float32Array(rows * inputSize) : null;
  const runs = engines.map(({ engine, kind }) => {
    const module = engine.convKernelModule(kind === 'fused');
    if (!module) throw new Error(`The ${kind} kernels do not run here`);
    const kernels = new engine.WasmConvKernels(g, module);
    return {
      forward: () => kernels.forward(input, rows, weights, biases, output, true),
      backward: () => kernels.backward(delta, rows, gradBiases, gradWeights, inputDelta, true),
    };
  });
  const macs = rows * g.outHeight * g.outWidth * g.filters * fieldSize;
  for (const pass of ['forward', 'backward'] as const) {
    const flops = 2 * macs * (pass === 'forward' ? 1 : withInputDelta ? 2 : 1);
    // A first round unmeasured: TurboFan compiles each kernel once it is hot.
    for (const run of runs) cpuMilliseconds(run[pass]);
    const times: number[][] = runs.map(() => []);
    for (let round = 0; round < 5; round++) runs.forEach((run, i) => times[i].push(cpuMilliseconds(run[pass])));
    const cells = times.map((list, i) => `${engines[i].name}: ${median(list).toFixed(3)} ms, ${(flops / median(list) / 1e6).toFixed(1)} GFLOP/s`);
    console.log(`${name} ${pass}${pass === 'backward' ? (withInputDelta ? ' (ReLU′, ∂b, ∂W, ∂x)' : ' (ReLU′, ∂b, ∂W)') : ''}, batch ${rows}: ${cells.join(' | ')}`);
  }
}
