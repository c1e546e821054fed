import { describe, expect, it } from 'vitest';
import { createRng, shuffle } from './rng.ts';

const draws = (seed: number, n: number) => {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => rng.next());
};

describe('createRng', () => {
  it('replays the same stream for the same seed and another for another seed', () => {
    expect(draws(42, 100)).toEqual(draws(42, 100));
    expect(draws(43, 100)).not.toEqual(draws(42, 100));
  });

  it('draws uniformly from [0, 1)', () => {
    const values = draws(7, 20_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const tenths = new Array<number>(10).fill(0);
    for (const v of values) tenths[Math.floor(v * 10)]++;
    for (const count of tenths) expect(Math.abs(count - 2000)).toBeLessThan(200);
  });

  it('draws every integer of [0, n) and nothing else', () => {
    const rng = createRng(3);
    const seen = new Set<number>();
    for (let i = 0; i < 1000; i++) seen.add(rng.nextInt(7));
    expect([...seen].sort()).toEqual([0, 1, 2, 3, 4, 5, 6]);
  });

  it('draws normals with mean 0 and variance 1', () => {
    const rng = createRng(11);
    const n = 20_000;
    let sum = 0;
    let squares = 0;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      sum += x;
      squares += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.abs(squares / n - 1)).toBeLessThan(0.05);
  });
});

describe('shuffle', () => {
  it('permutes in place, reproducibly', () => {
    const a = Uint32Array.from({ length: 50 }, (_, i) => i);
    const b = a.slice();
    shuffle(a, createRng(5));
    shuffle(b, createRng(5));
    expect(a).toEqual(b);
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });

  it('makes every order of three equally likely', () => {
    const rng = createRng(9);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const a = Int32Array.from([0, 1, 2]);
      shuffle(a, rng);
      counts.set(a.join(''), (counts.get(a.join('')) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(120);
  });
});
