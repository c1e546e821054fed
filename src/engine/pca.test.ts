import { describe, expect, it } from 'vitest';
import { Pca, symmetricEigen } from './pca.ts';
import { createRng, type Rng } from './rng.ts';

/** `count` random orthonormal vectors of `dims` values (Gram–Schmidt in float64). */
function orthonormalBasis(count: number, dims: number, rng: Rng): number[][] {
  const basis: number[][] = [];
  while (basis.length < count) {
    const v = Array.from({ length: dims }, () => rng.normal());
    for (const u of basis) {
      const dot = v.reduce((sum, x, d) => sum + x * u[d], 0);
      v.forEach((_, d) => (v[d] -= dot * u[d]));
    }
    const norm = Math.hypot(...v);
    basis.push(v.map((x) => x / norm));
  }
  return basis;
}

const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, x, i) => sum + x * b[i], 0);
const axis = (axes: Float64Array, k: number, dims: number) => axes.subarray(k * dims, (k + 1) * dims);

/** The covariance of rows × dims values, formed explicitly in float64. */
function covariance(data: Float32Array, rows: number, dims: number): Float64Array {
  const mean = new Float64Array(dims);
  for (let r = 0; r < rows; r++) for (let d = 0; d < dims; d++) mean[d] += data[r * dims + d] / rows;
  const c = new Float64Array(dims * dims);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < dims; i++) {
      for (let j = 0; j < dims; j++) c[i * dims + j] += ((data[r * dims + i] - mean[i]) * (data[r * dims + j] - mean[j])) / rows;
    }
  }
  return c;
}

describe('symmetricEigen', () => {
  it('diagonalises a symmetric matrix: V·Λ·Vᵀ gives it back and V is orthonormal', () => {
    const n = 6;
    const rng = createRng(3);
    const a = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) a[i * n + j] = a[j * n + i] = rng.normal();
    const values = new Float64Array(n);
    const vectors = new Float64Array(n * n);
    symmetricEigen(a.slice(), n, values, vectors);
    for (let i = 1; i < n; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let rebuilt = 0;
        let gram = 0;
        for (let k = 0; k < n; k++) {
          rebuilt += vectors[i * n + k] * values[k] * vectors[j * n + k];
          gram += vectors[k * n + i] * vectors[k * n + j];
        }
        expect(rebuilt).toBeCloseTo(a[i * n + j], 10);
        expect(gram).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });
});

describe('Pca', () => {
  it('finds the axes and variances of data built along known directions', () => {
    // Every sign pattern of s1·3·u1 + s2·2·u2 + s3·1·u3 (plus an offset): mean 0 once the offset is
    // removed, and the cross terms cancel, so C = 9·u1u1ᵀ + 4·u2u2ᵀ + 1·u3u3ᵀ exactly.
    const dims = 7;
    const [u1, u2, u3] = orthonormalBasis(3, dims, createRng(1));
    const scales = [3, 2, 1];
    const rows: number[][] = [];
    for (let pattern = 0; pattern < 8; pattern++) {
      const signs = [0, 1, 2].map((bit) => ((pattern >> bit) & 1 ? 1 : -1));
      rows.push(Array.from({ length: dims }, (_, d) => 5 + signs[0] * scales[0] * u1[d] + signs[1] * scales[1] * u2[d] + signs[2] * scales[2] * u3[d]));
    }
    const data = Float32Array.from(rows.flat());
    const result = new Pca(8, dims, 2, createRng(2)).run(data, { tolerance: 1e-10 });
    expect(Math.abs(dot(axis(result.axes, 0, dims), u1))).toBeCloseTo(1, 6);
    expect(Math.abs(dot(axis(result.axes, 1, dims), u2))).toBeCloseTo(1, 6);
    expect(result.variances[0]).toBeCloseTo(9, 4);
    expect(result.variances[1]).toBeCloseTo(4, 4);
    expect(result.total).toBeCloseTo(14, 4);
    // The first component explains 9/14 of the variance, the first two 13/14.
    expect(result.variances[0] / result.total).toBeCloseTo(9 / 14, 5);
    // Each row's coordinates are its signed distances along the axes.
    const sign = Math.sign(dot(axis(result.axes, 0, dims), u1));
    expect(Math.abs(result.coordinates[0])).toBeCloseTo(3, 4);
    expect(result.coordinates[2] * sign).toBeCloseTo(3, 4);
  });

  it('agrees with an exact eigen-decomposition of the covariance, axes compared up to sign', () => {
    const rows = 400;
    const dims = 30;
    const rng = createRng(5);
    const basis = orthonormalBasis(dims, dims, rng);
    // Variances 1/k² along random directions, the top two close (1 and 0.8), plus a mean offset.
    const scales = Array.from({ length: dims }, (_, k) => (k === 1 ? Math.sqrt(0.8) : 1 / (k + 1)));
    const data = new Float32Array(rows * dims);
    for (let r = 0; r < rows; r++) {
      const z = scales.map((s) => s * rng.normal());
      for (let d = 0; d < dims; d++) data[r * dims + d] = 2 + basis.reduce((sum, u, k) => sum + z[k] * u[d], 0);
    }
    const c = covariance(data, rows, dims);
    const values = new Float64Array(dims);
    const vectors = new Float64Array(dims * dims);
    symmetricEigen(c, dims, values, vectors);
    const trace = values.reduce((sum, v) => sum + v, 0);

    const result = new Pca(rows, dims, 2, createRng(6)).run(data, { tolerance: 1e-10 });
    for (let k = 0; k < 2; k++) {
      const exact = Array.from({ length: dims }, (_, d) => vectors[d * dims + k]);
      expect(Math.abs(dot(axis(result.axes, k, dims), exact))).toBeGreaterThan(1 - 1e-6);
      expect(result.variances[k]).toBeCloseTo(values[k], 5);
      expect(result.variances[k] / result.total).toBeCloseTo(values[k] / trace, 6);
    }
  });

  it('starts the next run from the last axes: fewer iterations, and the same signs', () => {
    const rows = 300;
    const dims = 20;
    const rng = createRng(8);
    const base = Float32Array.from({ length: rows * dims }, (_, i) => rng.normal() * (1 + (i % dims === 0 ? 3 : i % dims === 1 ? 2 : 0)));
    const pca = new Pca(rows, dims, 2, createRng(9));
    const first = pca.run(base.slice());
    // The same data a little changed, as a network one epoch on.
    const changed = Float32Array.from(base, (v) => v * 1.01 + 0.001 * rng.normal());
    const second = pca.run(changed);
    expect(second.iterations).toBeLessThan(first.iterations);
    for (let k = 0; k < 2; k++) expect(dot(axis(second.axes, k, dims), axis(first.axes, k, dims))).toBeGreaterThan(0.99);
  });

  it('refuses shapes it cannot analyse, naming them', () => {
    expect(() => new Pca(1, 4, 2, createRng(1))).toThrow('at least 2 rows');
    expect(() => new Pca(10, 1, 2, createRng(1))).toThrow('1 values cannot have 2 components');
    expect(() => new Pca(10, 4, 2, createRng(1)).run(new Float32Array(5))).toThrow('was given 5');
  });
});
