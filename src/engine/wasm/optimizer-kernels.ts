import type { AdamScalars } from '../optimizers.ts';
import { compileKernels } from './compile.ts';
import { WasmArena } from './arena.ts';
import { OPTIMIZER_KERNELS_SHARED_WASM_BASE64, OPTIMIZER_KERNELS_WASM_BASE64 } from './optimizer-kernels.generated.ts';

/** The exports of optimizer-kernels.wat: pointers are byte offsets, lengths count floats. */
interface OptimizerExports {
  lazyCatchUp(list: number, count: number, steps: number, n: number, w: number, v: number, saved: number, savedRow: number, touchedAt: number, currentAt: number, gains: number, tabled: number): void;
  lazyStep(list: number, count: number, steps: number, n: number, w: number, v: number, grad: number, saved: number, savedRow: number, touchedAt: number, currentAt: number, gains: number, powers: number, tabled: number, lr: number): void;
  momentumStep(w: number, v: number, grad: number, addend: number, sum: number, length: number, lr: number, mu: number, l2: number): void;
  adamStep(w: number, m: number, v: number, grad: number, length: number, b1: number, b1c: number, b2: number, b2c: number, stepSize: number, unbias: number, eps: number, l2: number): void;
  add(into: number, from: number, length: number): void;
}

/** μ^k and μ + μ² + … + μ^k, as the TypeScript lazy momentum computes them. */
export interface MomentumSeries {
  power(k: number): number;
  gain(k: number): number;
}

/** Gaps k below this have μ^k and the gain tabled (a row is touched every few steps). */
export const TABLED_GAPS = 1024;

const compiled: { plain?: WebAssembly.Module | null; shared?: WebAssembly.Module | null } = {};

/**
 * The optimizer kernels compiled for this runtime, or null where WebAssembly or its SIMD instructions
 * are missing; `shared`: their twin for a shared memory (WasmArena.shared).
 */
export function optimizerModule(shared = false): WebAssembly.Module | null {
  const which = shared ? 'shared' : 'plain';
  if (compiled[which] === undefined) compiled[which] = compileKernels(shared ? OPTIMIZER_KERNELS_SHARED_WASM_BASE64 : OPTIMIZER_KERNELS_WASM_BASE64);
  return compiled[which];
}

/**
 * Bytes the state of any of our optimizers takes at most, for a weight matrix of
 * rows × columns and its `columns` biases: two floats per parameter (Adam's moments;
 * momentum's velocity and the weights lazy momentum sets aside), plus lazy momentum's
 * per-row bookkeeping and tables. A layer reserves this much in its arena.
 */
export function optimizerStateBytes(rows: number, columns: number): number {
  const cost = WasmArena.cost;
  return 2 * cost(rows * columns, 4) + 2 * cost(columns, 4) + 3 * cost(rows, 4) + cost(rows, 1) + 2 * cost(TABLED_GAPS, 8);
}

const NO_SERIES: MomentumSeries = {
  power: () => Number.NaN,
  gain: () => Number.NaN,
};

/** The kernels on `arena`'s memory, calling `series` for gaps beyond the tables. */
function instantiate(arena: WasmArena, series: MomentumSeries): OptimizerExports {
  const env = { memory: arena.memory, power: series.power, gain: series.gain };
  return new WebAssembly.Instance(optimizerModule(arena.shared) as WebAssembly.Module, { env }).exports as unknown as OptimizerExports;
}

/**
 * Where a group's params, grads (and active rows) all live in one arena, its
 * state goes there too and kernels update it: the arena, else null. Every arena
 * met is released first, once: a new optimizer owns the parameters from now on.
 */
export function arenasFor(groups: readonly { params: Float32Array; grads: Float32Array; arena?: WasmArena; activeRows?: { list: Int32Array } }[]): (WasmArena | null)[] {
  if (!optimizerModule()) return groups.map(() => null);
  const arenas = groups.map(({ params, grads, arena, activeRows }) =>
    arena && arena.holds(params) && arena.holds(grads) && (!activeRows || arena.holds(activeRows.list)) ? arena : null,
  );
  for (const arena of new Set(arenas)) arena?.release();
  return arenas;
}

/** A group's copy in a staging arena (StagedGroups), with room for another shard's gradient. */
export interface StagedGroup {
  params: Float32Array;
  grads: Float32Array;
  addend: Float32Array;
  l2: number;
  arena: WasmArena;
}

/**
 * Copies of groups whose params and grads are ordinary arrays, in one arena of their own with
 * room for `slots` floats of state per parameter, so the kernels can step them too: a step copies
 * the gradient in (and another shard's, which a kernel adds) and the parameters out. Copying is
 * a memcpy, a fraction of the TypeScript loop's time; the copy of the params stays current
 * between steps because the optimizer owns the params (nothing else writes them).
 */
export class StagedGroups {
  readonly groups: StagedGroup[];
  private readonly kernels: OptimizerExports;

  /** Null where the kernels cannot run. */
  static stage(groups: readonly { params: Float32Array; l2: number }[], slots: number): StagedGroups | null {
    return optimizerModule() && groups.length > 0 ? new StagedGroups(groups, slots) : null;
  }

  private constructor(groups: readonly { params: Float32Array; l2: number }[], slots: number) {
    const arena = new WasmArena(groups.reduce((bytes, { params }) => bytes + (3 + slots) * WasmArena.cost(params.length, 4), 0));
    this.kernels = instantiate(arena, NO_SERIES);
    this.groups = groups.map(({ params, l2 }) => {
      const length = params.length;
      const copy = { params: arena.floats(length), grads: arena.floats(length), addend: arena.floats(length), l2, arena };
      copy.params.set(params);
      return copy;
    });
  }

  /** copy.grads ← grads (+ addend, in that order, where given, the sum back into grads too), before the copy is stepped. */
  gather(copy: StagedGroup, grads: Float32Array, addend: Float32Array | null): void {
    copy.grads.set(grads);
    if (!addend) return;
    copy.addend.set(addend);
    this.kernels.add(copy.grads.byteOffset, copy.addend.byteOffset, copy.grads.length);
    grads.set(copy.grads);
  }
}

/**
 * Room in a group's own arena for another shard's gradient, so that the step's kernel adds it in
 * SIMD rather than a loop in JavaScript (the same float additions). Made after the optimizer's
 * state, where the arena has room left.
 */
export class ArenaAddend {
  private readonly buffer: Float32Array;

  static make(arena: WasmArena, length: number): ArenaAddend | null {
    return optimizerModule() && arena.fits(length, 4) ? new ArenaAddend(arena, length) : null;
  }

  private constructor(
    private readonly arena: WasmArena,
    length: number,
  ) {
    this.buffer = arena.floats(length);
  }

  /**
   * `addend` in this arena, for a kernel to add: copied into the room here, unless it lies in the
   * arena already (another worker's gradient in a shared arena, see WasmDenseKernels).
   */
  place(addend: Float32Array): Float32Array {
    if (this.arena.holds(addend)) return addend;
    this.buffer.set(addend);
    return this.buffer;
  }
}

/** Momentum on every element of one group, state in its arena: see Momentum in optimizers.ts. */
export class WasmMomentum {
  private readonly kernels: OptimizerExports;
  private readonly velocity: Float32Array;

  constructor(
    arena: WasmArena,
    private readonly params: Float32Array,
    private readonly grads: Float32Array,
    private readonly l2: number,
  ) {
    this.kernels = instantiate(arena, NO_SERIES);
    this.velocity = arena.floats(params.length);
  }

  /**
   * With `addend` (in the arena: ArenaAddend.place), on grads + addend, which grads then holds; on
   * elements [0, upTo) only, where given (another thread steps the rest: StepParts).
   */
  step(lr: number, mu: number, addend: Float32Array | null, upTo = this.params.length): void {
    const { params, velocity, grads } = this;
    this.kernels.momentumStep(params.byteOffset, velocity.byteOffset, grads.byteOffset, addend?.byteOffset ?? 0, addend ? 1 : 0, upTo, lr, mu, this.l2);
  }

  /** Byte offsets of its params, velocity and grads. */
  state(): { params: number; state: [number, number]; grads: number } {
    return { params: this.params.byteOffset, state: [this.velocity.byteOffset, 0], grads: this.grads.byteOffset };
  }
}

/** Adam on one group, moments in its arena: see Adam in optimizers.ts. */
export class WasmAdam {
  private readonly kernels: OptimizerExports;
  private readonly first: Float32Array;
  private readonly second: Float32Array;

  constructor(
    arena: WasmArena,
    private readonly params: Float32Array,
    private readonly grads: Float32Array,
    private readonly l2: number,
  ) {
    this.kernels = instantiate(arena, NO_SERIES);
    this.first = arena.floats(params.length);
    this.second = arena.floats(params.length);
  }

  /** As WasmMomentum.step. */
  step({ beta1, beta1c, beta2, beta2c, stepSize, unbias, epsilon }: AdamScalars, addend: Float32Array | null, upTo = this.params.length): void {
    const { params, grads, first, second } = this;
    if (addend) this.kernels.add(grads.byteOffset, addend.byteOffset, upTo);
    this.kernels.adamStep(params.byteOffset, first.byteOffset, second.byteOffset, grads.byteOffset, upTo, beta1, beta1c, beta2, beta2c, stepSize, unbias, epsilon, Math.fround(this.l2));
  }

  /** Byte offsets of its params, moments and grads. */
  state(): { params: number; state: [number, number]; grads: number } {
    return { params: this.params.byteOffset, state: [this.first.byteOffset, this.second.byteOffset], grads: this.grads.byteOffset };
  }
}

/**
 * LazyMomentumRows (optimizers.ts) with its state in the arena and its loops in
 * WebAssembly: the same bookkeeping (kept weights, touchedAt, currentAt, savedRow)
 * and the same arithmetic, so the weights come out bit for bit the same.
 */
export class WasmLazyMomentumRows {
  private readonly kernels: OptimizerExports;
  private readonly rowLength: number;
  private readonly rows: number;
  private readonly velocity: Float32Array;
  private readonly saved: Float32Array;
  private readonly savedRow: Uint8Array;
  private readonly touchedAt: Int32Array;
  private readonly currentAt: Int32Array;
  /** 0, 1, …, rows − 1: the list flush brings up to date. */
  private readonly everyRow: Int32Array;
  private readonly powers: Float64Array;
  private readonly gains: Float64Array;

  constructor(
    arena: WasmArena,
    private readonly params: Float32Array,
    private readonly active: { rowLength: number; list: Int32Array; count: number },
    series: MomentumSeries,
  ) {
    this.kernels = instantiate(arena, series);
    this.rowLength = active.rowLength;
    this.rows = params.length / active.rowLength;
    this.velocity = arena.floats(params.length);
    this.saved = arena.floats(params.length);
    this.savedRow = arena.bytes(this.rows);
    this.touchedAt = arena.ints(this.rows);
    this.currentAt = arena.ints(this.rows);
    this.everyRow = arena.ints(this.rows);
    this.powers = arena.doubles(TABLED_GAPS);
    this.gains = arena.doubles(TABLED_GAPS);
    for (let row = 0; row < this.rows; row++) this.everyRow[row] = row;
    for (let k = 0; k < TABLED_GAPS; k++) {
      this.powers[k] = series.power(k);
      this.gains[k] = series.gain(k);
    }
  }

  step(g: Float32Array, lr: number, steps: number): void {
    const { list, count } = this.active;
    this.kernels.lazyStep(list.byteOffset, count, steps, this.rowLength, this.params.byteOffset, this.velocity.byteOffset, g.byteOffset, this.saved.byteOffset, this.savedRow.byteOffset, this.touchedAt.byteOffset, this.currentAt.byteOffset, this.gains.byteOffset, this.powers.byteOffset, TABLED_GAPS, lr);
  }

  catchUp(steps: number): void {
    const { list, count } = this.active;
    this.bring(list, count, steps);
  }

  flush(steps: number): void {
    const { params, saved, rowLength, currentAt, savedRow } = this;
    for (let row = 0; row < this.rows; row++) {
      if (currentAt[row] === steps || savedRow[row]) continue;
      const start = row * rowLength;
      saved.set(params.subarray(start, start + rowLength), start);
      savedRow[row] = 1;
    }
    this.bring(this.everyRow, this.rows, steps);
  }

  private bring(list: Int32Array, count: number, steps: number): void {
    this.kernels.lazyCatchUp(list.byteOffset, count, steps, this.rowLength, this.params.byteOffset, this.velocity.byteOffset, this.saved.byteOffset, this.savedRow.byteOffset, this.touchedAt.byteOffset, this.currentAt.byteOffset, this.gains.byteOffset, TABLED_GAPS);
  }
}

/**
 * Parts of a step, run in another thread than the optimizer's (the second worker) on the groups'
 * shared arenas: each part is elements [from, length) of one group, which the optimizer leaves
 * (Optimizer.step's upTo), with another shard's gradient at `addend`. The same kernels on the same
 * numbers: the weights are those of one whole step, bit for bit.
 */
export interface StepPart {
  memory: WebAssembly.Memory;
  kernel: 'momentum' | 'adam';
  params: number;
  state: [number, number];
  grads: number;
  addend: number;
  from: number;
  length: number;
  l2: number;
}

export class StepParts {
  private readonly kernels: OptimizerExports[];

  constructor(private readonly parts: readonly StepPart[]) {
    this.kernels = parts.map(({ memory }) => new WebAssembly.Instance(optimizerModule(true) as WebAssembly.Module, { env: { memory, ...NO_SERIES } }).exports as unknown as OptimizerExports);
  }

  /** Steps every part with the optimizer's next scalars (Optimizer.nextScalars). */
  run(scalars: Float64Array): void {
    this.parts.forEach(({ kernel, params, state, grads, addend, from, length, l2 }, p) => {
      const at = (offset: number) => offset + 4 * from;
      const kernels = this.kernels[p];
      if (kernel === 'momentum') {
        kernels.momentumStep(at(params), at(state[0]), at(grads), at(addend), 1, length - from, scalars[0], scalars[1], l2);
        return;
      }
      kernels.add(at(grads), at(addend), length - from);
      kernels.adamStep(at(params), at(state[0]), at(state[1]), at(grads), length - from, scalars[0], scalars[1], scalars[2], scalars[3], scalars[4], scalars[5], scalars[6], Math.fround(l2));
    });
  }
}
