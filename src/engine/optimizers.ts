import type { Optimizer as OptimizerKind } from './config.ts';

/**
 * Parameters and their gradients, as the optimizer sees them: it knows nothing
 * of layers. `l2` is the weight-decay coefficient λ for this group (0 for biases):
 * the loss gains λ/2·Σw², so the gradient gains λ·w.
 */
export interface ParamGroup {
  params: Float32Array;
  grads: Float32Array;
  l2: number;
}

export interface Optimizer {
  /** Updates every group's params from its grads (grads are left as they were). */
  step(): void;
}

export interface OptimizerSettings {
  learningRate: number;
  /** Used by 'momentum' only. */
  momentum: number;
}

/** Plain gradient descent: w ← w − lr·g. */
export class Sgd implements Optimizer {
  constructor(
    private readonly groups: readonly ParamGroup[],
    private readonly learningRate: number,
  ) {}

  step(): void {
    const lr = this.learningRate;
    for (const { params: w, grads: g, l2 } of this.groups) {
      for (let i = 0; i < w.length; i++) w[i] -= lr * (g[i] + l2 * w[i]);
    }
  }
}

/**
 * Heavy-ball momentum, with the velocity holding the step itself:
 *   v ← μ·v − lr·g;  w ← w + v.
 * (The other common form, v ← μ·v + g; w ← w − lr·v, is the same for a fixed lr.)
 * The seed's program does this per sample with μ = 0.9.
 */
export class Momentum implements Optimizer {
  private readonly velocities: Float32Array[];

  constructor(
    private readonly groups: readonly ParamGroup[],
    private readonly learningRate: number,
    private readonly momentum: number,
  ) {
    this.velocities = groups.map((group) => new Float32Array(group.params.length));
  }

  step(): void {
    const lr = this.learningRate;
    const mu = this.momentum;
    for (let index = 0; index < this.groups.length; index++) {
      const { params: w, grads: g, l2 } = this.groups[index];
      const v = this.velocities[index];
      for (let i = 0; i < w.length; i++) {
        v[i] = mu * v[i] - lr * (g[i] + l2 * w[i]);
        w[i] += v[i];
      }
    }
  }
}

/**
 * Adam (Kingma & Ba, 2015), step t = 1, 2, …:
 *   m ← β1·m + (1 − β1)·g          v ← β2·v + (1 − β2)·g²
 *   m̂ = m / (1 − β1^t)             v̂ = v / (1 − β2^t)
 *   w ← w − lr·m̂ / (√v̂ + ε)
 * The bias corrections divide: early on m and v are biased towards their zero start.
 */
export class Adam implements Optimizer {
  static readonly beta1 = 0.9;
  static readonly beta2 = 0.999;
  static readonly epsilon = 1e-8;

  private readonly firstMoments: Float32Array[];
  private readonly secondMoments: Float32Array[];
  private t = 0;

  constructor(
    private readonly groups: readonly ParamGroup[],
    private readonly learningRate: number,
  ) {
    this.firstMoments = groups.map((group) => new Float32Array(group.params.length));
    this.secondMoments = groups.map((group) => new Float32Array(group.params.length));
  }

  step(): void {
    const { beta1, beta2, epsilon } = Adam;
    const lr = this.learningRate;
    this.t++;
    const correction1 = 1 - beta1 ** this.t;
    const correction2 = 1 - beta2 ** this.t;
    for (let index = 0; index < this.groups.length; index++) {
      const { params: w, grads, l2 } = this.groups[index];
      const m = this.firstMoments[index];
      const v = this.secondMoments[index];
      for (let i = 0; i < w.length; i++) {
        const g = grads[i] + l2 * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        const mHat = m[i] / correction1;
        const vHat = v[i] / correction2;
        w[i] -= (lr * mHat) / (Math.sqrt(vHat) + epsilon);
      }
    }
  }
}

export function createOptimizer(kind: OptimizerKind, groups: readonly ParamGroup[], settings: OptimizerSettings): Optimizer {
  switch (kind) {
    case 'sgd':
      return new Sgd(groups, settings.learningRate);
    case 'momentum':
      return new Momentum(groups, settings.learningRate, settings.momentum);
    case 'adam':
      return new Adam(groups, settings.learningRate);
  }
}

/** Float32 values of optimizer state kept per parameter. */
export function stateSlotsPerParam(kind: OptimizerKind): number {
  return { sgd: 0, momentum: 1, adam: 2 }[kind];
}
