import { describe, expect, it } from 'vitest';
import { ACTIVATION_FUNCTIONS, LEAKY_SLOPE } from './activations.ts';
import { ACTIVATIONS } from './config.ts';

const forward = (name: keyof typeof ACTIVATION_FUNCTIONS, z: number[], width = z.length) => {
  const a = new Float32Array(z.length);
  ACTIVATION_FUNCTIONS[name].forward(Float32Array.from(z), a, z.length, width);
  return Array.from(a);
};

describe('activations', () => {
  it('compute their textbook values', () => {
    const z = [-2, -0.5, 0, 0.5, 2];
    const close = (values: number[]) => values.map((v) => expect.closeTo(v, 6));
    expect(forward('Sigmoid', z)).toEqual(close(z.map((x) => 1 / (1 + Math.exp(-x)))));
    expect(forward('Tanh', z)).toEqual(close(z.map(Math.tanh)));
    expect(forward('ReLU', z)).toEqual([0, 0, 0, 0.5, 2]);
    expect(forward('LeakyReLU', z)).toEqual(close([-2 * LEAKY_SLOPE, -0.5 * LEAKY_SLOPE, 0, 0.5, 2]));
    expect(forward('Linear', z)).toEqual(z);
  });

  it('ReLU passes the gradient where a > 0 and gives +0 elsewhere, as max(0, z) would', () => {
    const a = Float32Array.from([0, 0, 0.5, 2, 0]);
    const g = Float32Array.from([-3, 4, -1.5, 2, -0]);
    ACTIVATION_FUNCTIONS.ReLU.backward(a, g, 5, 5);
    // toEqual tells 0 from −0: a negative gradient times 0 must not leave −0 behind.
    expect(Array.from(g)).toEqual([0, 0, -1.5, 2, 0]);
  });

  it('work in place', () => {
    for (const name of ACTIVATIONS) {
      const z = Float32Array.from([-1, 0.25, 3, -0.5]);
      ACTIVATION_FUNCTIONS[name].forward(z, z, 4, 2);
      expect(Array.from(z)).toEqual(forward(name, [-1, 0.25, 3, -0.5], 2));
    }
  });

  it('Softmax normalises each row and does not overflow on large inputs', () => {
    const a = forward('Softmax', [1000, 1001, 999, 1, 2, 0], 3);
    expect(a.every(Number.isFinite)).toBe(true);
    expect(a[0] + a[1] + a[2]).toBeCloseTo(1, 6);
    expect(a[3] + a[4] + a[5]).toBeCloseTo(1, 6);
    // Shifting a row by a constant leaves it unchanged.
    expect(a.slice(0, 3)).toEqual(a.slice(3).map((v) => expect.closeTo(v, 6)));
  });
});
