import type { Optimizer as OptimizerKind } from './config.ts';
import { inWasm, type Kernels } from './kernels.ts';
import type { WasmArena } from './wasm/arena.ts';
import { ArenaAddend, arenasFor, StagedGroups, TABLED_GAPS, type StagedGroup, WasmAdam, WasmLazyMomentumRows, WasmMomentum, type MomentumSeries } from './wasm/optimizer-kernels.ts';

/**
 * Parameters and their gradients, as the optimizer sees them: it knows nothing
 * of layers. `l2` is the weight-decay coefficient λ for this group (0 for biases):
 * the loss gains λ/2·Σw², so the gradient gains λ·w.
 */
export interface ParamGroup {
  params: Float32Array;
  grads: Float32Array;
  l2: number;
  /** Set when the gradient is zero outside a few rows, which lets optimizers skip the rest. */
  activeRows?: ActiveRows;
  /**
   * The WebAssembly memory params and grads (and activeRows.list) are views of, with
   * room for optimizer state: momentum and Adam then keep their state there and
   * update in place with WebAssembly kernels (wasm/optimizer-kernels.ts), bit for
   * bit as the TypeScript loops below, which run for every other group.
   */
  arena?: WasmArena;
}

/**
 * For params that form a row-major matrix with rows of `rowLength`: the rows
 * (list[0 … count − 1]) where the current gradient may be non-zero. The first
 * layer's weights are such a matrix, stored input-major (row i holds the weights
 * out of pixel i): a pixel that is background throughout the batch gives its row
 * no gradient, and at batch size 1 that is ~80% of them.
 */
export interface ActiveRows {
  rowLength: number;
  list: Int32Array;
  count: number;
}

/** Updates parameter groups from their gradients; from its construction on, it owns their params. */
export interface Optimizer {
  /** The step size; the trainer lowers it step by step (Config.learningRateDecay). */
  learningRate: number;
  /**
   * Updates every group's params from its gradient: its grads, plus addend[g] where given
   * (another shard's gradient, summed grads + addend), which grads then hold, whichever path
   * stepped the group: the distributions' gradient histograms read the whole batch's there.
   * Groups are stepped in order; `stepped(g)`, where given, runs as soon as group g's params are
   * final, so they can be handed on while the later groups are still being stepped.
   */
  step(addend?: readonly (Float32Array | null)[], stepped?: (group: number) => void, upTo?: readonly number[]): void;
  /**
   * Where group `index` is stepped by a kernel in its own arena: its kernel and the byte offsets of
   * its params, state and grads there, for another thread to step a part of it (StepPart); else null.
   * `upTo[g]`, given to step, then leaves group g's elements from that index on to that thread.
   */
  kernelState?(index: number): KernelState | null;
  /** The scalars of the next step's kernels (StepPart), for another thread to step its parts with. */
  nextScalars?(into: Float64Array): void;
  /**
   * An optimizer may defer the updates of rows outside activeRows while
   * their gradient is zero. catchUp applies what the active rows are owed,
   * and must run before they are read; flush brings every parameter up to date.
   */
  catchUp(): void;
  flush(): void;
}

/** A group's kernel step, as offsets into its arena (Optimizer.kernelState). */
export interface KernelState {
  kernel: 'momentum' | 'adam';
  params: number;
  /** Momentum's velocity, or Adam's first and second moments. */
  state: [number, number];
  grads: number;
  l2: number;
}

export interface OptimizerSettings {
  learningRate: number;
  /** Used by 'momentum' only. */
  momentum: number;
  /** Used by 'adam' only. */
  adamBeta1: number;
  adamBeta2: number;
}

/** into ← into + from, where `from` is given. */
function addInto(into: Float32Array, from: Float32Array | null | undefined): void {
  if (!from) return;
  for (let i = 0; i < into.length; i++) into[i] += from[i];
}

/**
 * Where each group is stepped by a kernel: in the group's own arena; else, with 'wasm', on
 * a staged copy (StagedGroups: the gradient copied in, the params out, around each step); else
 * nowhere (null: the TypeScript loop). `eager(index)` false leaves a group to the caller.
 */
class GroupKernels<K extends { state(): { params: number; state: [number, number]; grads: number } }> {
  readonly kernels: (K | null)[];
  private readonly staging: StagedGroups | null;
  private readonly staged: (StagedGroup | null)[];
  /** For groups stepped in their own arena: room there to add another shard's gradient in WebAssembly. */
  private readonly addends: (ArenaAddend | null)[];

  /** `arenas`: arenasFor(groups), taken once by the optimizer (it releases them). */
  constructor(
    private readonly groups: readonly ParamGroup[],
    arenas: readonly (WasmArena | null)[],
    kernels: Kernels,
    slots: number,
    eager: (index: number) => boolean,
    make: (arena: WasmArena, params: Float32Array, grads: Float32Array, l2: number) => K,
  ) {
    const loose = groups.filter((_, index) => eager(index) && !arenas[index]);
    this.staging = inWasm(kernels) ? StagedGroups.stage(loose, slots) : null;
    this.staged = groups.map((group) => this.staging?.groups[loose.indexOf(group)] ?? null);
    this.kernels = groups.map((group, index) => {
      if (!eager(index)) return null;
      const arena = arenas[index];
      if (arena) return make(arena, group.params, group.grads, group.l2);
      const copy = this.staged[index];
      return copy ? make(copy.arena, copy.params, copy.grads, copy.l2) : null;
    });
    this.addends = groups.map((group, index) => {
      const arena = arenas[index];
      return this.kernels[index] && arena ? ArenaAddend.make(arena, group.params.length) : null;
    });
  }

  /** Group `index`'s kernel where it steps the group in the group's own arena, with room there for another shard's gradient. */
  inArena(index: number): K | null {
    return this.kernels[index] && !this.staged[index] && this.addends[index] ? this.kernels[index] : null;
  }

  /**
   * Runs `step` on group `index`'s kernel, its gradient grads + `addend` (staged, added into grads,
   * or handed to the kernel to add, in the arena), and copies staged params out; false where the
   * group has no kernel (nothing is added).
   */
  step(index: number, addend: Float32Array | null | undefined, step: (kernel: K, addend: Float32Array | null) => void, upTo?: number): boolean {
    const kernel = this.kernels[index];
    if (!kernel) return false;
    const group = this.groups[index];
    const copy = this.staged[index];
    const room = this.addends[index];
    if (upTo !== undefined && upTo < group.params.length && !(addend && room)) throw new Error('Only a group stepped in its own arena, another shard’s gradient added, can be stepped in part');
    if (copy) (this.staging as StagedGroups).gather(copy, group.grads, addend ?? null);
    else if (addend && room) {
      step(kernel, room.place(addend));
      return true;
    } else addInto(group.grads, addend);
    step(kernel, null);
    if (copy) group.params.set(copy.params);
    return true;
  }
}

/**
 * Plain gradient descent: w ← w − lr·g. A zero gradient changes nothing, so
 * without decay only the active rows need visiting.
 */
export class Sgd implements Optimizer {
  constructor(
    private readonly groups: readonly ParamGroup[],
    public learningRate: number,
  ) {}

  step(addend?: readonly (Float32Array | null)[], stepped?: (group: number) => void, upTo?: readonly number[]): void {
    if (upTo?.some((n, g) => n < this.groups[g].params.length)) throw new Error('Plain gradient descent steps every group whole');
    const lr = this.learningRate;
    this.groups.forEach((group, index) => {
      addInto(group.grads, addend?.[index]);
      const { params: w, grads: g, l2, activeRows } = group;
      if (activeRows && l2 === 0) {
        const { rowLength, list, count } = activeRows;
        for (let n = 0; n < count; n++) {
          const start = list[n] * rowLength;
          for (let i = start; i < start + rowLength; i++) w[i] -= lr * g[i];
        }
      } else {
        for (let i = 0; i < w.length; i++) w[i] -= lr * (g[i] + l2 * w[i]);
      }
      stepped?.(index);
    });
  }

  catchUp(): void {}
  flush(): void {}
}

/**
 * Heavy-ball momentum, with the velocity holding the step itself:
 *   v ← μ·v − lr·g;  w ← w + v.
 * (The other common form, v ← μ·v + g; w ← w − lr·v, is the same for a fixed lr.)
 * The seed's program does this per sample with μ = 0.9. Groups with
 * activeRows and no decay are updated lazily (see LazyMomentumRows).
 */
export class Momentum implements Optimizer {
  private readonly velocities: Float32Array[];
  private readonly lazy: (LazyRows | null)[];
  /** Groups updated eagerly by kernels. */
  private readonly kernels: GroupKernels<WasmMomentum>;
  private steps = 0;

  constructor(
    private readonly groups: readonly ParamGroup[],
    public learningRate: number,
    private readonly momentum: number,
    kernels: Kernels = 'ts',
  ) {
    const arenas = arenasFor(groups);
    const series: MomentumSeries = { power: (k) => momentum ** k, gain: (k) => gain(momentum, k) };
    this.lazy = groups.map((group, index) => {
      if (!group.activeRows || group.l2 !== 0) return null;
      const arena = arenas[index];
      return arena ? new WasmLazyMomentumRows(arena, group.params, group.activeRows, series) : new LazyMomentumRows(group.params, group.activeRows, series);
    });
    this.kernels = new GroupKernels(groups, arenas, kernels, 1, (index) => !this.lazy[index], (arena, params, grads, l2) => new WasmMomentum(arena, params, grads, l2));
    this.velocities = groups.map((group, index) => new Float32Array(this.lazy[index] || this.kernels.kernels[index] ? 0 : group.params.length));
  }

  step(addend?: readonly (Float32Array | null)[], stepped?: (group: number) => void, upTo?: readonly number[]): void {
    for (let index = 0; index < this.groups.length; index++) {
      this.stepGroup(index, addend?.[index], upTo?.[index]);
      stepped?.(index);
    }
    this.steps++;
  }

  kernelState(index: number): KernelState | null {
    const state = this.kernels.inArena(index)?.state();
    return state ? { kernel: 'momentum', ...state, l2: this.groups[index].l2 } : null;
  }

  nextScalars(into: Float64Array): void {
    into[0] = this.learningRate;
    into[1] = this.momentum;
  }

  private stepGroup(index: number, addend: Float32Array | null | undefined, upTo?: number): void {
    const lr = this.learningRate;
    const mu = this.momentum;
    const lazy = this.lazy[index];
    if (lazy) {
      addInto(this.groups[index].grads, addend);
      lazy.step(this.groups[index].grads, lr, this.steps);
      return;
    }
    if (this.kernels.step(index, addend, (kernel, inArena) => kernel.step(lr, mu, inArena, upTo), upTo)) return;
    addInto(this.groups[index].grads, addend);
    const { params: w, grads: g, l2 } = this.groups[index];
    const v = this.velocities[index];
    for (let i = 0; i < w.length; i++) {
      v[i] = mu * v[i] - lr * (g[i] + l2 * w[i]);
      w[i] += v[i];
    }
  }

  catchUp(): void {
    for (const lazy of this.lazy) lazy?.catchUp(this.steps);
  }

  flush(): void {
    for (const lazy of this.lazy) lazy?.flush(this.steps);
  }
}

/** Lazy momentum on the rows of one group, in TypeScript or in WebAssembly. */
interface LazyRows {
  step(g: Float32Array, lr: number, steps: number): void;
  catchUp(steps: number): void;
  flush(steps: number): void;
}

/**
 * Momentum on a matrix whose gradient is zero outside its active rows. A row
 * whose gradient stays zero for k steps only sees v ← μ·v, w ← w + v each time,
 * which adds up to
 *   v_k = μ^k·v;   w_k = w + v·(μ + μ² + … + μ^k) = w + v·μ(1 − μ^k)/(1 − μ)   (μ < 1).
 * So each row keeps its w and v as of its last real update ("touch"), and its
 * weights at a later step are derived from them when needed. Deriving never
 * changes what is kept, so the result depends on the gradients only, not on when
 * or how often the weights were brought up to date. Up to float rounding, this
 * is the step-by-step update, for a fraction of the work at small batches.
 *
 * Where the kept w lives: in params while the row is not brought up to date.
 * catchUp derives the active rows in place, which loses their kept w, but the
 * step that follows touches exactly those rows and keeps a new one. flush, after
 * which anything may read params, first moves the kept w of the rows it derives
 * aside, into `saved`.
 */
class LazyMomentumRows implements LazyRows {
  private readonly rowLength: number;
  /** w at the last touch of the rows whose params flush overwrote (savedRow[row] = 1). */
  private readonly saved: Float32Array;
  private readonly savedRow: Uint8Array;
  /** Steps done when each row was last touched, and for which params holds its weights. */
  private readonly touchedAt: Int32Array;
  private readonly currentAt: Int32Array;
  /** μ^k and μ + … + μ^k for the gaps k that come up most, computed once: a row is touched every few steps. */
  private readonly powers: Float64Array;
  private readonly gains: Float64Array;

  /** v of each row at its last touch. */
  private readonly velocity: Float32Array;

  constructor(
    private readonly params: Float32Array,
    private readonly active: ActiveRows,
    private readonly series: MomentumSeries,
  ) {
    this.rowLength = active.rowLength;
    const rows = params.length / active.rowLength;
    this.velocity = new Float32Array(params.length);
    this.saved = new Float32Array(params.length);
    this.savedRow = new Uint8Array(rows);
    this.touchedAt = new Int32Array(rows);
    this.currentAt = new Int32Array(rows);
    this.powers = new Float64Array(TABLED_GAPS);
    this.gains = new Float64Array(TABLED_GAPS);
    for (let k = 0; k < TABLED_GAPS; k++) {
      this.powers[k] = series.power(k);
      this.gains[k] = series.gain(k);
    }
  }

  /** The optimizer step after `steps` steps, for the gradient g of the active rows. */
  step(g: Float32Array, lr: number, steps: number): void {
    const { params: w, velocity: v, rowLength, series } = this;
    const { list, count } = this.active;
    for (let n = 0; n < count; n++) {
      const row = list[n];
      this.bringUpToDate(row, steps);
      const gap = steps - this.touchedAt[row];
      // μ·(μ^gap·v): the velocity's decay over the untouched steps, then this step's.
      const decay = gap + 1 < TABLED_GAPS ? this.powers[gap + 1] : series.power(gap + 1);
      const start = row * rowLength;
      const end = start + rowLength;
      for (let i = start; i < end; i++) {
        const velocity = Math.fround(v[i] * decay - lr * g[i]);
        v[i] = velocity;
        w[i] += velocity;
      }
      this.touchedAt[row] = steps + 1;
      this.currentAt[row] = steps + 1;
      this.savedRow[row] = 0;
    }
  }

  /** Brings the active rows of params to their weights after `steps` steps, for the step about to use them. */
  catchUp(steps: number): void {
    const { list, count } = this.active;
    for (let n = 0; n < count; n++) this.bringUpToDate(list[n], steps);
  }

  /** Brings every row of params to its weights after `steps` steps. */
  flush(steps: number): void {
    const { params, saved, rowLength } = this;
    for (let row = 0; row < this.currentAt.length; row++) {
      if (this.currentAt[row] === steps || this.savedRow[row]) continue;
      const start = row * rowLength;
      saved.set(params.subarray(start, start + rowLength), start);
      this.savedRow[row] = 1;
    }
    for (let row = 0; row < this.currentAt.length; row++) this.bringUpToDate(row, steps);
  }

  /** params ← the row's kept w + v·(μ + … + μ^gap). */
  private bringUpToDate(row: number, steps: number): void {
    if (this.currentAt[row] === steps) return;
    const gap = steps - this.touchedAt[row];
    const g = gap < TABLED_GAPS ? this.gains[gap] : this.series.gain(gap);
    const { params: w, velocity: v, rowLength } = this;
    const kept = this.savedRow[row] ? this.saved : w;
    const start = row * rowLength;
    const end = start + rowLength;
    for (let i = start; i < end; i++) w[i] = kept[i] + v[i] * g;
    this.currentAt[row] = steps;
  }
}

/** μ + μ² + … + μ^k: how far k steps of momentum alone carry a weight, per unit of velocity. */
function gain(mu: number, k: number): number {
  return (mu * (1 - mu ** k)) / (1 - mu);
}

/** One Adam step's scalars, each rounded to float32 (see Adam). */
export interface AdamScalars {
  beta1: number;
  /** 1 − β1 */
  beta1c: number;
  beta2: number;
  /** 1 − β2 */
  beta2c: number;
  /** lr / (1 − β1^t) */
  stepSize: number;
  /** 1 / √(1 − β2^t) */
  unbias: number;
  epsilon: number;
}

export function adamScalars(learningRate: number, beta1: number, beta2: number, t: number): AdamScalars {
  const f = Math.fround;
  return {
    beta1: f(beta1),
    beta1c: f(1 - beta1),
    beta2: f(beta2),
    beta2c: f(1 - beta2),
    stepSize: f(learningRate / (1 - beta1 ** t)),
    unbias: f(1 / Math.sqrt(1 - beta2 ** t)),
    epsilon: f(Adam.epsilon),
  };
}

/**
 * The float32 update of one group (the kernel's arithmetic, operation for operation): each
 * float64 result of float32 operands is rounded with fround, which gives the float32
 * operation's own result (float64 holds more than twice float32's digits).
 */
function adamUpdate({ beta1, beta1c, beta2, beta2c, stepSize, unbias, epsilon }: AdamScalars, w: Float32Array, m: Float32Array, v: Float32Array, grads: Float32Array, l2: number): void {
  const f = Math.fround;
  for (let i = 0; i < w.length; i++) {
    const weight = w[i];
    const g = f(grads[i] + f(l2 * weight));
    const first = f(f(beta1 * m[i]) + f(beta1c * g));
    const second = f(f(beta2 * v[i]) + f(f(beta2c * g) * g));
    m[i] = first;
    v[i] = second;
    w[i] = f(weight - f(f(stepSize * first) / f(f(f(Math.sqrt(second)) * unbias) + epsilon)));
  }
}

/**
 * Adam (Kingma & Ba, 2015), step t = 1, 2, …:
 *   m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 *   m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)
 *   w ← w − lr·m̂ / (√v̂ + ε)
 * The bias corrections divide: early on m and v are biased towards their zero start.
 * β1 = 0.9 and β2 = 0.999 are the paper's; a smaller β1 follows a fast-changing gradient sooner.
 *
 * Computed in float32, as PyTorch does, in the form w ← w − s·m / (√v·k + ε) with the step's
 * scalars s = lr / (1 − β1^t) and k = 1 / √(1 − β2^t): one square root and one division per
 * weight. The divisions are most of a step's time, and in float64 they took four times as long
 * (0.6 ms a batch for CNN (99% fast), while the second worker waits). Every operation is rounded
 * to float32 (AdamScalars, adamUpdate), so the loop and the kernel give the same bits.
 */
export class Adam implements Optimizer {
  static readonly epsilon = 1e-8;

  private readonly firstMoments: Float32Array[];
  private readonly secondMoments: Float32Array[];
  /** Groups updated by kernels. */
  private readonly kernels: GroupKernels<WasmAdam>;
  private t = 0;

  constructor(
    private readonly groups: readonly ParamGroup[],
    public learningRate: number,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    kernels: Kernels = 'ts',
  ) {
    this.kernels = new GroupKernels(groups, arenasFor(groups), kernels, 2, () => true, (arena, params, grads, l2) => new WasmAdam(arena, params, grads, l2));
    const state = (index: number) => new Float32Array(this.kernels.kernels[index] ? 0 : this.groups[index].params.length);
    this.firstMoments = groups.map((_, index) => state(index));
    this.secondMoments = groups.map((_, index) => state(index));
  }

  step(addend?: readonly (Float32Array | null)[], stepped?: (group: number) => void, upTo?: readonly number[]): void {
    this.t++;
    const scalars = adamScalars(this.learningRate, this.beta1, this.beta2, this.t);
    for (let index = 0; index < this.groups.length; index++) {
      if (!this.kernels.step(index, addend?.[index], (kernel, inArena) => kernel.step(scalars, inArena, upTo?.[index]), upTo?.[index])) {
        addInto(this.groups[index].grads, addend?.[index]);
        const { params: w, grads, l2 } = this.groups[index];
        adamUpdate(scalars, w, this.firstMoments[index], this.secondMoments[index], grads, Math.fround(l2));
      }
      stepped?.(index);
    }
  }

  kernelState(index: number): KernelState | null {
    const state = this.kernels.inArena(index)?.state();
    return state ? { kernel: 'adam', ...state, l2: this.groups[index].l2 } : null;
  }

  /** beta1, 1 − beta1, beta2, 1 − beta2, the step size, the unbiasing factor and epsilon of the next step (adamScalars). */
  nextScalars(into: Float64Array): void {
    const { beta1, beta1c, beta2, beta2c, stepSize, unbias, epsilon } = adamScalars(this.learningRate, this.beta1, this.beta2, this.t + 1);
    into.set([beta1, beta1c, beta2, beta2c, stepSize, unbias, epsilon]);
  }

  // With a zero gradient Adam still moves w, by amounts with no closed form over k steps: it stays eager.
  catchUp(): void {}
  flush(): void {}
}

/** With 'wasm' kernels, momentum and Adam step every eager group with WebAssembly kernels, the same bits as their loops. */
export function createOptimizer(kind: OptimizerKind, groups: readonly ParamGroup[], settings: OptimizerSettings, kernels: Kernels = 'ts'): Optimizer {
  switch (kind) {
    case 'sgd':
      return new Sgd(groups, settings.learningRate);
    case 'momentum':
      return new Momentum(groups, settings.learningRate, settings.momentum, kernels);
    case 'adam':
      return new Adam(groups, settings.learningRate, settings.adamBeta1, settings.adamBeta2, kernels);
  }
}

/** Float32 values of optimizer state kept per parameter. */
export function stateSlotsPerParam(kind: OptimizerKind): number {
  return { sgd: 0, momentum: 1, adam: 2 }[kind];
}
