import { describe, expect, it } from 'vitest';
import { baseOf, binAt, binName, binRows, recordLabel, ridgePath, type RidgeGeometry } from './ridgeline';

const geometry: RidgeGeometry = { width: 100, left: 0, right: 100, firstBase: 20, lastBase: 80, peak: 10 };

describe('distributions view', () => {
  it('names a recording by where the run was', () => {
    expect([0, 1, 2, 1.25, 2.5, 0.333333].map(recordLabel)).toEqual(['Before training', 'After epoch 1', 'After epoch 2', 'Epoch 2, 25% through', 'Epoch 3, 50% through', 'Epoch 1, 33% through']);
  });

  it('reads a histogram bin by bin, its shares over every value, those outside its range included', () => {
    const rows = binRows({ lo: -1, hi: 1, counts: Uint32Array.from([1, 2, 3, 4]), below: 5, above: 5 });
    expect(rows.map((r) => [r.lo, r.hi, r.center, r.count, r.share])).toEqual([
      [-1, -0.5, -0.75, 1, 0.05],
      [-0.5, 0, -0.25, 2, 0.1],
      [0, 0.5, 0.25, 3, 0.15],
      [0.5, 1, 0.75, 4, 0.2],
    ]);
    expect(binName(rows[0])).toBe('−1 to −0.5');
    expect(binName(rows[2])).toBe('0 to 0.5');
    expect(binRows({ lo: 0, hi: 1, counts: new Uint32Array(2), below: 0, above: 0 }).map((r) => r.share)).toEqual([0, 0]);
  });

  it('draws each histogram on its own baseline, oldest at the back, its tallest bar the same height', () => {
    expect([0, 1, 2].map((k) => baseOf(k, 3, geometry))).toEqual([20, 50, 80]);
    expect(baseOf(0, 1, geometry)).toBe(80);
    expect(ridgePath(Uint32Array.from([2, 4]), 50, geometry)).toBe('M0.0,50.0L0.0,45.0L50.0,45.0L50.0,40.0L100.0,40.0L100.0,50.0Z');
    expect(ridgePath(new Uint32Array(1), 50, geometry)).toBe('M0.0,50.0L0.0,50.0L100.0,50.0L100.0,50.0Z');
  });

  it('finds the bin under the pointer, and the edge bins past the ends', () => {
    expect([-0.1, 0, 0.24, 0.25, 0.99, 1, 1.5].map((f) => binAt(f, 4))).toEqual([0, 0, 0, 1, 3, 3, 3]);
  });
});
