/**
 * Principal components of many vectors (a hidden layer's outputs for a few thousand images),
 * by subspace iteration on their covariance C = Xcᵀ·Xc / n, Xc the centred rows. C is never
 * formed: a convolutional layer's outputs have thousands of values, and n·d² sums would take
 * seconds, where each product C·v = Xcᵀ·(Xc·v) / n reads the rows once. A block of a few
 * vectors is iterated together (Rayleigh–Ritz on the block each time), so two components with
 * almost equal variances still settle quickly: the block converges at the rate of the first
 * variance outside it, not of the ratio between the two.
 */
import type { Rng } from './rng.ts';

export interface PcaResult {
  /** `components` unit vectors of `dims` values, the direction of largest variance first. */
  axes: Float64Array;
  /** The variance along each axis (C's eigenvalues), largest first. */
  variances: Float64Array;
  /** trace(C): the variance over all directions, so variances[k] / total is the share axis k explains. */
  total: number;
  /** Each row's coordinates along the axes, rows × components. */
  coordinates: Float32Array;
  iterations: number;
}

export interface PcaOptions {
  /** Stop once no axis turned by more than this (1 − |cos|) in an iteration; 1e-5 is about a quarter of a degree, finer than a dot on screen. */
  tolerance?: number;
  maxIterations?: number;
}

/**
 * One PCA shape (rows × dims, `components` axes) with its buffers allocated once, run again
 * on new values of the same shape: each epoch's hidden outputs. Each run starts from the
 * last run's axes, so a slowly changing network takes few iterations, and an axis keeps its
 * sign from one run to the next (a map does not flip between epochs for nothing).
 */
export class Pca {
  readonly rows: number;
  readonly dims: number;
  readonly components: number;
  private readonly block: number;
  private readonly mean: Float64Array;
  /** The block's basis (block × dims, each row a unit vector), then C times it. */
  private readonly basis: Float64Array;
  private readonly product: Float64Array;
  /** Xc times the basis: rows × block. */
  private readonly projected: Float64Array;
  private readonly small: Float64Array;
  private readonly rotation: Float64Array;
  private readonly values: Float64Array;
  private readonly ritz: Float64Array;
  private readonly previous: Float64Array;
  private started = false;

  constructor(rows: number, dims: number, components: number, private readonly rng: Rng) {
    if (rows < 2) throw new Error(`PCA needs at least 2 rows, got ${rows}`);
    if (components < 1 || components > dims) throw new Error(`PCA of ${dims} values cannot have ${components} components`);
    this.rows = rows;
    this.dims = dims;
    this.components = components;
    // Two spare vectors speed convergence; never more vectors than dimensions.
    this.block = Math.min(dims, components + 2);
    const b = this.block;
    this.mean = new Float64Array(dims);
    this.basis = new Float64Array(b * dims);
    this.product = new Float64Array(b * dims);
    this.projected = new Float64Array(rows * b);
    this.small = new Float64Array(b * b);
    this.rotation = new Float64Array(b * b);
    this.values = new Float64Array(b);
    this.ritz = new Float64Array(b * dims);
    this.previous = new Float64Array(components * dims);
  }

  /** The principal axes of `data` (rows × dims, row after row), which is centred in place. */
  run(data: Float32Array, { tolerance = 1e-5, maxIterations = 300 }: PcaOptions = {}): PcaResult {
    const { rows, dims, components, block: b, mean, basis, product, projected, small, rotation, values, ritz, previous } = this;
    if (data.length < rows * dims) throw new Error(`PCA of ${rows}×${dims} values was given ${data.length}`);
    mean.fill(0);
    for (let r = 0; r < rows; r++) for (let d = 0, at = r * dims; d < dims; d++) mean[d] += data[at + d];
    for (let d = 0; d < dims; d++) mean[d] /= rows;
    let total = 0;
    for (let r = 0; r < rows; r++) {
      for (let d = 0, at = r * dims; d < dims; d++) {
        const v = data[at + d] - mean[d];
        data[at + d] = v;
        total += v * v;
      }
    }
    total /= rows;

    // Last run's axes first, then random directions.
    if (this.started) basis.set(previous);
    for (let i = this.started ? components * dims : 0; i < b * dims; i++) basis[i] = this.rng.next() - 0.5;
    orthonormalize(basis, b, dims);

    let iterations = 0;
    for (;;) {
      iterations++;
      multiply(data, rows, dims, basis, b, projected, product);
      // Rayleigh–Ritz: the block's own covariance (basisᵀ·C·basis = projectedᵀ·projected / n), diagonalised.
      for (let i = 0; i < b; i++) {
        for (let j = i; j < b; j++) {
          let sum = 0;
          for (let r = 0; r < rows; r++) sum += projected[r * b + i] * projected[r * b + j];
          small[i * b + j] = small[j * b + i] = sum / rows;
        }
      }
      symmetricEigen(small, b, values, rotation);
      rotate(basis, rotation, b, dims, ritz);
      let turned = 0;
      if (this.started || iterations > 1) {
        for (let k = 0; k < components; k++) {
          let dot = 0;
          for (let d = 0; d < dims; d++) dot += ritz[k * dims + d] * previous[k * dims + d];
          turned = Math.max(turned, 1 - Math.abs(dot));
        }
      }
      const settled = (iterations > 1 && turned <= tolerance) || iterations >= maxIterations;
      // Each axis points the way it pointed last time (or last run).
      for (let k = 0; k < components; k++) {
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += ritz[k * dims + d] * previous[k * dims + d];
        const sign = dot < 0 ? -1 : 1;
        for (let d = 0; d < dims; d++) previous[k * dims + d] = sign * ritz[k * dims + d];
      }
      if (settled) break;
      for (let i = 0; i < b * dims; i++) basis[i] = product[i];
      orthonormalize(basis, b, dims);
    }
    this.started = true;

    const axes = previous.slice();
    const coordinates = new Float32Array(rows * components);
    for (let r = 0; r < rows; r++) {
      const at = r * dims;
      for (let k = 0; k < components; k++) {
        let sum = 0;
        for (let d = 0; d < dims; d++) sum += data[at + d] * axes[k * dims + d];
        coordinates[r * components + k] = sum;
      }
    }
    return { axes, variances: values.slice(0, components), total, coordinates, iterations };
  }
}

/** projected = X·basisᵀ (rows × b) and product = C·basis = (Xᵀ·projected)ᵀ / rows (b × dims), reading X once. */
function multiply(data: Float32Array, rows: number, dims: number, basis: Float64Array, b: number, projected: Float64Array, product: Float64Array): void {
  product.fill(0);
  for (let r = 0; r < rows; r++) {
    const at = r * dims;
    for (let j = 0; j < b; j++) {
      const vector = j * dims;
      let sum = 0;
      for (let d = 0; d < dims; d++) sum += data[at + d] * basis[vector + d];
      projected[r * b + j] = sum;
      const scaled = sum / rows;
      for (let d = 0; d < dims; d++) product[vector + d] += scaled * data[at + d];
    }
  }
}

/** Modified Gram–Schmidt on `count` row vectors; a vector that vanishes is replaced by a unit axis not yet spanned. */
function orthonormalize(vectors: Float64Array, count: number, dims: number): void {
  for (let i = 0; i < count; i++) {
    const at = i * dims;
    for (let attempt = 0; ; attempt++) {
      for (let j = 0; j < i; j++) {
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += vectors[at + d] * vectors[j * dims + d];
        for (let d = 0; d < dims; d++) vectors[at + d] -= dot * vectors[j * dims + d];
      }
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += vectors[at + d] * vectors[at + d];
      norm = Math.sqrt(norm);
      if (norm > 1e-12 || attempt >= dims) {
        for (let d = 0; d < dims; d++) vectors[at + d] /= norm || 1;
        break;
      }
      vectors.fill(0, at, at + dims);
      vectors[at + ((i + attempt) % dims)] = 1;
    }
  }
}

/** ritz = rotationᵀ·basis: row k is Σ_i rotation[i][k]·basis_i, the k-th eigenvector of the block. */
function rotate(basis: Float64Array, rotation: Float64Array, b: number, dims: number, ritz: Float64Array): void {
  ritz.fill(0);
  for (let k = 0; k < b; k++) {
    for (let i = 0; i < b; i++) {
      const weight = rotation[i * b + k];
      for (let d = 0; d < dims; d++) ritz[k * dims + d] += weight * basis[i * dims + d];
    }
  }
}

/**
 * Eigenvalues (descending, into `values`) and eigenvectors (columns of `vectors`) of a small
 * symmetric n×n matrix, by cyclic Jacobi rotations; `matrix` is overwritten.
 */
export function symmetricEigen(matrix: Float64Array, n: number, values: Float64Array, vectors: Float64Array): void {
  vectors.fill(0);
  for (let i = 0; i < n; i++) vectors[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diagonal = 0;
    for (let p = 0; p < n; p++) {
      diagonal += matrix[p * n + p] ** 2;
      for (let q = p + 1; q < n; q++) off += matrix[p * n + q] ** 2;
    }
    if (off <= 1e-30 * diagonal || off === 0) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = matrix[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (matrix[q * n + q] - matrix[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = matrix[k * n + p];
          const akq = matrix[k * n + q];
          matrix[k * n + p] = c * akp - s * akq;
          matrix[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = matrix[p * n + k];
          const aqk = matrix[q * n + k];
          matrix[p * n + k] = c * apk - s * aqk;
          matrix[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = vectors[k * n + p];
          const vkq = vectors[k * n + q];
          vectors[k * n + p] = c * vkp - s * vkq;
          vectors[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  // Sort descending, moving the columns with their values.
  for (let i = 0; i < n; i++) values[i] = matrix[i * n + i];
  for (let i = 0; i < n; i++) {
    let best = i;
    for (let j = i + 1; j < n; j++) if (values[j] > values[best]) best = j;
    if (best === i) continue;
    [values[i], values[best]] = [values[best], values[i]];
    for (let k = 0; k < n; k++) [vectors[k * n + i], vectors[k * n + best]] = [vectors[k * n + best], vectors[k * n + i]];
  }
}
