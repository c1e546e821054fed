/**
 * `npm run bench:barrier [-- --unit-ms 1.15] [--steps 3000] [--rounds 3]`: what two threads can gain
 * on this machine when they meet as often as a split batch does, with nothing of the engine's in the
 * way. Each step is two equal units of WebAssembly SIMD arithmetic on 64 KB of each thread's own
 * memory: one thread computes both, or two threads one each and wait for each other (spinThenWait,
 * as the workers of a split batch do) before the next step. The unit is sized to `unit-ms`, by
 * default the time of half a CNN (fast) batch here. Alternates the two for `rounds` rounds and
 * prints steps per second, the ratio, and the share of each run lost to steps slower than its
 * median: the machine's stalls, which the split batch meets too (docs/benchmarks.md, "Stalls the
 * machine adds to a split batch").
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import wabt from 'wabt';
import { typeScriptWorker } from '../cli/two-threads.ts';
import { spinThenWait } from '../worker/shard-peer.ts';

const UNIT_BYTES = 64 * 1024;

/** One unit: `passes` dot products of the first UNIT_BYTES of memory with the next, four lanes at a time. */
const UNIT_WAT = `(module
  (memory (export "memory") 3)
  (func (export "unit") (param $passes i32) (result f32)
    (local $i i32) (local $pass i32) (local $sum v128)
    (loop $each_pass
      (local.set $i (i32.const 0))
      (loop $each_lane
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (v128.load (local.get $i)) (v128.load offset=${UNIT_BYTES} (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $each_lane (i32.lt_u (local.get $i) (i32.const ${UNIT_BYTES}))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $each_pass (i32.lt_u (local.get $pass) (local.get $passes))))
    (f32x4.extract_lane 0 (local.get $sum))))`;

interface Shared {
  bytes: Uint8Array<ArrayBuffer>;
  passes: number;
  steps: number;
  /** control[0]: the step the first thread has started; control[1]: the steps the second has done. */
  control: SharedArrayBuffer;
}

async function compileUnit(): Promise<Uint8Array<ArrayBuffer>> {
  const parsed = (await wabt()).parseWat('unit.wat', UNIT_WAT, { simd: true });
  return new Uint8Array(parsed.toBinary({}).buffer);
}

function unitOf(bytes: Uint8Array<ArrayBuffer>): (passes: number) => number {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const exports = instance.exports as { memory: WebAssembly.Memory; unit(passes: number): number };
  const values = new Float32Array(exports.memory.buffer, 0, (2 * UNIT_BYTES) / 4);
  for (let i = 0; i < values.length; i++) values[i] = (i % 7) / 64;
  return (passes) => exports.unit(passes);
}

/** Each step's milliseconds, with both units in this thread. */
function oneThread(unit: (passes: number) => number, passes: number, steps: number): Float64Array {
  const times = new Float64Array(steps);
  for (let step = 0; step < steps; step++) {
    const started = performance.now();
    unit(passes);
    unit(passes);
    times[step] = performance.now() - started;
  }
  return times;
}

/** Each step's milliseconds, the second unit in `helper`. */
async function twoThreads(unit: (passes: number) => number, shared: Shared): Promise<Float64Array> {
  const control = new Int32Array(shared.control);
  control.fill(0);
  const helper = typeScriptWorker(new URL(import.meta.url), shared);
  await new Promise((resolve) => helper.once('message', resolve));
  const times = new Float64Array(shared.steps);
  for (let step = 0; step < shared.steps; step++) {
    const started = performance.now();
    Atomics.store(control, 0, step + 1);
    Atomics.notify(control, 0);
    unit(shared.passes);
    for (let seen = Atomics.load(control, 1); seen < step + 1; seen = Atomics.load(control, 1)) spinThenWait(control, 1, seen, 15_000);
    times[step] = performance.now() - started;
  }
  await helper.terminate();
  return times;
}

function helperThread(shared: Shared): void {
  const control = new Int32Array(shared.control);
  const unit = unitOf(shared.bytes);
  for (const warmUntil = performance.now() + 300; performance.now() < warmUntil; ) unit(10);
  parentPort?.postMessage('ready');
  for (let step = 0; step < shared.steps; step++) {
    for (let seen = Atomics.load(control, 0); seen < step + 1; seen = Atomics.load(control, 0)) spinThenWait(control, 0, seen, 15_000, 1.5);
    unit(shared.passes);
    Atomics.store(control, 1, step + 1);
    Atomics.notify(control, 1);
  }
}

function median(values: ArrayLike<number>): number {
  const sorted = Array.from(values).sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

/** Steps per second, the median step's milliseconds, and the share of the run lost to steps slower than it. */
function summary(times: Float64Array): { rate: number; median: number; lost: number } {
  const total = times.reduce((sum, time) => sum + time, 0);
  const middle = median(times);
  const lost = times.reduce((sum, time) => sum + Math.max(0, time - middle), 0);
  return { rate: (1000 * times.length) / total, median: middle, lost: lost / total };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'unit-ms': { type: 'string' }, steps: { type: 'string' }, rounds: { type: 'string' } } });
  const unitMs = Number(values['unit-ms'] ?? 1.15);
  const steps = Number(values.steps ?? 3000);
  const rounds = Number(values.rounds ?? 3);
  if (!(unitMs > 0) || !Number.isInteger(steps) || steps < 100 || !Number.isInteger(rounds) || rounds < 1) {
    throw new Error('bench:barrier takes --unit-ms (over 0), --steps (100 or more) and --rounds (1 or more)');
  }
  const bytes = await compileUnit();
  const unit = unitOf(bytes);
  // The unit's first calls run V8's baseline code; the optimised code replaces it within a fraction of a second.
  for (const warmUntil = performance.now() + 300; performance.now() < warmUntil; ) unit(10);
  let fastest = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    const started = performance.now();
    unit(100);
    fastest = Math.min(fastest, performance.now() - started);
  }
  const passes = Math.max(1, Math.round((100 * unitMs) / fastest));
  const shared: Shared = { bytes, passes, steps, control: new SharedArrayBuffer(8) };
  console.log(`Units of ${passes} passes over 64 KB (about ${unitMs} ms), ${steps} steps a run; load average before ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  const ratios: number[] = [];
  for (let round = 1; round <= rounds; round++) {
    const one = summary(oneThread(unit, passes, steps));
    const two = summary(await twoThreads(unit, shared));
    ratios.push(two.rate / one.rate);
    console.log(
      `round ${round}: one thread ${one.rate.toFixed(0)} steps/s (median step ${one.median.toFixed(3)} ms, ${(100 * one.lost).toFixed(1)}% lost to slower steps), ` +
        `two threads ${two.rate.toFixed(0)} (${two.median.toFixed(3)} ms, ${(100 * two.lost).toFixed(1)}% lost): ${(two.rate / one.rate).toFixed(2)}×, ` +
        `at the median step ${(one.median / two.median).toFixed(2)}×, load ${loadavg()[0].toFixed(2)}`,
    );
  }
  console.log(`two threads ÷ one, median of ${rounds}: ${median(ratios).toFixed(2)}×`);
}

if (isMainThread) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
} else {
  helperThread(workerData as Shared);
}
