import { describe, expect, it } from 'vitest';
import type { Kernels } from '../kernels.ts';
import { Adam, Momentum, type ActiveRows, type Optimizer, type ParamGroup } from '../optimizers.ts';
import { createRng, type Rng } from '../rng.ts';
import { WasmArena } from './arena.ts';
import { optimizerStateBytes, TABLED_GAPS } from './optimizer-kernels.ts';

/**
 * Each kernel against the TypeScript optimizer it replaces, which computes in float64
 * and rounds on store: the same operations in the same order, so the weights must be
 * bit-identical after many steps, not merely close.
 */

/** A rows × columns weight group (optionally with active rows) and a bias group, in an arena or in plain arrays. */
function make(rows: number, columns: number, l2: number, lazy: boolean, inArena: boolean, rng: Rng): ParamGroup[] {
  const weights = Float32Array.from({ length: rows * columns }, () => rng.next() - 0.5);
  const biases = Float32Array.from({ length: columns }, () => rng.next() - 0.5);
  // Room for the optimizer's state and for another shard's gradient of both groups (ArenaAddend), as a dense layer's arena has.
  const room = optimizerStateBytes(rows, columns) + WasmArena.cost(rows * columns, 4) + WasmArena.cost(columns, 4);
  const arena = inArena ? new WasmArena(2 * WasmArena.cost(rows * columns, 4) + 2 * WasmArena.cost(columns, 4) + WasmArena.cost(rows, 4) + room) : undefined;
  const floats = (values: Float32Array) => {
    const view = arena ? arena.floats(values.length) : new Float32Array(values.length);
    view.set(values);
    return view;
  };
  const activeRows: ActiveRows | undefined = lazy ? { rowLength: columns, list: arena ? arena.ints(rows) : new Int32Array(rows), count: 0 } : undefined;
  const made: ParamGroup[] = [
    { params: floats(weights), grads: floats(new Float32Array(rows * columns)), l2, activeRows, arena },
    { params: floats(biases), grads: floats(new Float32Array(columns)), l2: 0, arena },
  ];
  arena?.seal();
  return made;
}

/** Whether a WebAssembly memory is reachable from `root`: where the kernels keep an optimizer's state. */
function holdsWasmMemory(root: unknown, seen = new Set<unknown>()): boolean {
  if (typeof root !== 'object' || root === null || seen.has(root) || ArrayBuffer.isView(root)) return false;
  seen.add(root);
  if (root instanceof WebAssembly.Memory) return true;
  return Reflect.ownKeys(root).some((key) => holdsWasmMemory((root as Record<string | symbol, unknown>)[key], seen));
}

/**
 * Runs the same steps on both, each step's gradient non-zero in a random subset of rows
 * (all rows when not lazy); `pause` rows stay inactive for `pause` steps at the start,
 * which takes their gap past the tables. Each eager step adds another shard's gradient. The
 * kernels' side has its groups in an arena, or, `staged`, in plain arrays that the optimizer
 * copies into one of its own around each step.
 */
function compare(create: (groups: ParamGroup[], kernels: Kernels) => Optimizer, rows: number, columns: number, l2: number, lazy: boolean, steps: number, pause = 0, staged = false): void {
  const seed = rows * 1000 + columns;
  const ts = make(rows, columns, l2, lazy, false, createRng(seed));
  const wasm = make(rows, columns, l2, lazy, !staged, createRng(seed));
  expect(wasm[0].arena?.holds(wasm[0].params)).toBe(staged ? undefined : true);
  const a = create(ts, 'ts');
  const b = create(wasm, 'wasm');
  expect(holdsWasmMemory(a)).toBe(false);
  expect(holdsWasmMemory(b)).toBe(true);
  const rng = createRng(seed + 1);
  for (let step = 0; step < steps; step++) {
    const active: number[] = [];
    for (let r = 0; r < rows; r++) if (!lazy || ((step >= pause || r >= 2) && rng.next() < 0.3)) active.push(r);
    for (const groups of [ts, wasm]) {
      groups[0].grads.fill(0);
      if (groups[0].activeRows) {
        groups[0].activeRows.list.set(active);
        groups[0].activeRows.count = active.length;
      }
    }
    for (const r of active) {
      for (let c = 0; c < columns; c++) {
        const g = rng.next() - 0.5;
        ts[0].grads[r * columns + c] = g;
        wasm[0].grads[r * columns + c] = g;
      }
    }
    for (let c = 0; c < columns; c++) ts[1].grads[c] = wasm[1].grads[c] = rng.next() - 0.5;
    a.catchUp();
    b.catchUp();
    for (const r of active) {
      expect(wasm[0].params.subarray(r * columns, (r + 1) * columns)).toEqual(ts[0].params.subarray(r * columns, (r + 1) * columns));
    }
    // Another shard's gradient, for the optimizer to add (not with lazy rows: those are summed before the step).
    const addend = lazy ? undefined : ts.map((group) => Float32Array.from(group.grads, () => rng.next() - 0.5));
    a.step(addend);
    b.step(addend);
    // The step leaves the summed gradient in grads, as the TypeScript path adds it there, staged or not.
    if (addend) wasm.forEach((group, g) => expect(group.grads).toEqual(ts[g].grads));
    // A flush now and then, as the trainer does between slices of work.
    if (step % 7 === 3) {
      a.flush();
      b.flush();
    }
  }
  a.flush();
  b.flush();
  expect(wasm[0].params).toEqual(ts[0].params);
  expect(wasm[1].params).toEqual(ts[1].params);
}

describe('optimizer kernels against the TypeScript optimizers, bit for bit', () => {
  // Odd column counts end in a single value after the pairs.
  it.each([
    [6, 8, 0],
    [5, 7, 0.01],
    [3, 1, 0.5],
  ])('momentum on every element, %i × %i, λ = %f', (rows, columns, l2) => {
    compare((groups, kernels) => new Momentum(groups, 0.05, 0.9, kernels), rows, columns, l2, false, 40);
  });

  it.each([
    [6, 8, 0],
    [5, 7, 0.01],
  ])('Adam, %i × %i, λ = %f', (rows, columns, l2) => {
    compare((groups, kernels) => new Adam(groups, 0.01, 0.9, 0.999, kernels), rows, columns, l2, false, 40);
  });

  // A convolution's or a later dense layer's parameters live in plain arrays.
  it.each([
    [6, 8, 0],
    [5, 7, 0.01],
    [3, 1, 0.5],
  ])('momentum and Adam on staged copies of plain arrays, %i × %i, λ = %f', (rows, columns, l2) => {
    compare((groups, kernels) => new Momentum(groups, 0.05, 0.9, kernels), rows, columns, l2, false, 40, 0, true);
    compare((groups, kernels) => new Adam(groups, 0.01, 0.7, 0.9, kernels), rows, columns, l2, false, 40, 0, true);
  });

  it.each([
    [12, 8],
    [9, 13],
  ])('lazy momentum on active rows, %i × %i', (rows, columns) => {
    compare((groups) => new Momentum(groups, 0.05, 0.9), rows, columns, 0, true, 60);
  });

  it('lazy momentum on rows idle for longer than its tables cover', () => {
    compare((groups) => new Momentum(groups, 0.05, 0.999), 4, 5, 0, true, TABLED_GAPS + 20, TABLED_GAPS + 5);
  });
});

describe('WasmArena', () => {
  it('refuses to hand out more than its memory holds, rather than grow and detach its views', () => {
    const arena = new WasmArena(65536);
    arena.floats(16000);
    expect(() => arena.floats(1000)).toThrow(/holds 65536 bytes/);
  });

  it('gives a new optimizer zeroed state: what came after seal() is released', () => {
    const [weights, biases] = make(3, 4, 0, false, true, createRng(3));
    weights.grads.fill(1);
    new Momentum([weights, biases], 0.1, 0.9).step();
    const first = weights.params.slice();
    // A second optimizer on the same parameters starts from zero velocity: one step moves by −lr·g again.
    new Momentum([weights, biases], 0.1, 0.9).step();
    for (let i = 0; i < first.length; i++) expect(weights.params[i]).toBeCloseTo(first[i] - 0.1, 6);
  });
});
