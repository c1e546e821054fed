/**
 * The steps of `npm run bench:barrier`, the same in Node's worker threads and the page's workers: two
 * equal units of WebAssembly SIMD arithmetic a step, in one thread, or one in each of two threads
 * that wait for each other before the next step with the workers' own spin-then-sleep wait.
 */
import { spinThenWait } from '../worker/shard-peer.ts';
import { median } from './measure.ts';

/**
 * One unit: `passes` dot products of the first `kilobytes` of memory with the next, four lanes at a
 * time; its memory holds both.
 */
export function unitWat(kilobytes: number): string {
  const bytes = kilobytes * 1024;
  return `(module
  (memory (export "memory") ${Math.ceil((2 * bytes) / 65536)})
  (func (export "unit") (param $passes i32) (result f32)
    (local $i i32) (local $pass i32) (local $sum v128)
    (loop $each_pass
      (local.set $i (i32.const 0))
      (loop $each_lane
        (local.set $sum (f32x4.add (local.get $sum) (f32x4.mul (v128.load (local.get $i)) (v128.load offset=${bytes} (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 16)))
        (br_if $each_lane (i32.lt_u (local.get $i) (i32.const ${bytes}))))
      (local.set $pass (i32.add (local.get $pass) (i32.const 1)))
      (br_if $each_pass (i32.lt_u (local.get $pass) (local.get $passes))))
    (f32x4.extract_lane 0 (local.get $sum))))`;
}

export type Unit = (passes: number) => number;

/** The unit on memory of its own, run until V8's optimised code has replaced its baseline code. */
export function unitOf(bytes: Uint8Array<ArrayBuffer>): Unit {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes));
  const exports = instance.exports as { memory: WebAssembly.Memory; unit(passes: number): number };
  const values = new Float32Array(exports.memory.buffer);
  for (let i = 0; i < values.length; i++) values[i] = (i % 7) / 64;
  const unit = (passes: number) => exports.unit(passes);
  for (const warmUntil = performance.now() + 300; performance.now() < warmUntil; ) unit(10);
  return unit;
}

/** The passes that make a unit take about `unitMs`. */
export function passesFor(unit: Unit, unitMs: number): number {
  let fastest = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    const started = performance.now();
    unit(100);
    fastest = Math.min(fastest, performance.now() - started);
  }
  return Math.max(1, Math.round((100 * unitMs) / fastest));
}

/** Each step's milliseconds, with both units in this thread. */
export function oneThread(unit: Unit, passes: number, steps: number): Float64Array {
  const times = new Float64Array(steps);
  for (let step = 0; step < steps; step++) {
    const started = performance.now();
    unit(passes);
    unit(passes);
    times[step] = performance.now() - started;
  }
  return times;
}

/**
 * Each step's milliseconds, the second unit in another thread running `help` on the same `control`
 * (both words zero at the start): control[0] counts the steps this thread has started, control[1]
 * those the other has done.
 */
export function lead(unit: Unit, control: Int32Array, passes: number, steps: number): Float64Array {
  const times = new Float64Array(steps);
  for (let step = 0; step < steps; step++) {
    const started = performance.now();
    Atomics.store(control, 0, step + 1);
    Atomics.notify(control, 0);
    unit(passes);
    for (let seen = Atomics.load(control, 1); seen < step + 1; seen = Atomics.load(control, 1)) spinThenWait(control, 1, seen, 15_000);
    times[step] = performance.now() - started;
  }
  return times;
}

export function help(unit: Unit, control: Int32Array, passes: number, steps: number): void {
  for (let step = 0; step < steps; step++) {
    for (let seen = Atomics.load(control, 0); seen < step + 1; seen = Atomics.load(control, 0)) spinThenWait(control, 0, seen, 15_000, 1.5);
    unit(passes);
    Atomics.store(control, 1, step + 1);
    Atomics.notify(control, 1);
  }
}

export interface StepSummary {
  /** Steps per second. */
  rate: number;
  /** The median step's milliseconds. */
  median: number;
  /** The share of the run's time the steps took beyond that median. */
  lost: number;
}

export function summary(times: Float64Array): StepSummary {
  const total = times.reduce((sum, time) => sum + time, 0);
  const middle = median(Array.from(times));
  const lost = times.reduce((sum, time) => sum + Math.max(0, time - middle), 0);
  return { rate: (1000 * times.length) / total, median: middle, lost: lost / total };
}
