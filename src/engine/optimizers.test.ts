import { describe, expect, it } from 'vitest';
import { Adam, createOptimizer, Momentum, Sgd, type ParamGroup } from './optimizers.ts';

/** One weight group (decayed with l2) and one bias group (never decayed), each starting at the given values. */
function groups(weights: number[], biases: number[], l2 = 0): ParamGroup[] {
  return [
    { params: Float32Array.from(weights), grads: new Float32Array(weights.length), l2 },
    { params: Float32Array.from(biases), grads: new Float32Array(biases.length), l2: 0 },
  ];
}

function expectValues(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  expected.forEach((value, i) => expect(actual[i]).toBeCloseTo(value, 6));
}

describe('Sgd', () => {
  it('steps against the gradient: w − lr·g', () => {
    const [w, b] = groups([1, -2], [0.5]);
    w.grads.set([0.5, 0.25]);
    b.grads.set([-1]);
    new Sgd([w, b], 0.1).step();
    // 1 − 0.1·0.5 = 0.95;  −2 − 0.1·0.25 = −2.025;  0.5 − 0.1·(−1) = 0.6
    expectValues(w.params, [0.95, -2.025]);
    expectValues(b.params, [0.6]);
  });

  it('adds λ·w to weight gradients only', () => {
    const [w, b] = groups([1, -2], [0.5], 0.1);
    w.grads.set([0.5, 0.25]);
    b.grads.set([-1]);
    new Sgd([w, b], 0.1).step();
    // g + λw = 0.5 + 0.1·1 = 0.6 → 1 − 0.06 = 0.94;  0.25 + 0.1·(−2) = 0.05 → −2 − 0.005 = −2.005
    // the bias has no decay: 0.5 + 0.1 = 0.6
    expectValues(w.params, [0.94, -2.005]);
    expectValues(b.params, [0.6]);
  });
});

describe('Momentum', () => {
  it('keeps a velocity v ← μv − lr·g and adds it: w ← w + v', () => {
    const [w] = groups([1], []);
    const optimizer = new Momentum([w], 0.1, 0.9);
    // step 1, g = 0.5: v = 0 − 0.05 = −0.05;           w = 1 − 0.05 = 0.95
    w.grads[0] = 0.5;
    optimizer.step();
    expectValues(w.params, [0.95]);
    // step 2, g = 0.5: v = 0.9·(−0.05) − 0.05 = −0.095; w = 0.95 − 0.095 = 0.855
    optimizer.step();
    expectValues(w.params, [0.855]);
    // step 3, g = −1:  v = 0.9·(−0.095) + 0.1 = 0.0145; w = 0.855 + 0.0145 = 0.8695
    w.grads[0] = -1;
    optimizer.step();
    expectValues(w.params, [0.8695]);
  });

  it('with μ = 0 is plain gradient descent, decay included', () => {
    const a = groups([1, -2], [0.5], 0.1);
    const b = groups([1, -2], [0.5], 0.1);
    for (const g of [a, b]) {
      g[0].grads.set([0.5, 0.25]);
      g[1].grads.set([-1]);
    }
    new Momentum(a, 0.1, 0).step();
    new Sgd(b, 0.1).step();
    expect(a[0].params).toEqual(b[0].params);
    expect(a[1].params).toEqual(b[1].params);
  });
});

describe('Adam', () => {
  it('divides by the bias corrections 1 − β^t', () => {
    const [w, b] = groups([1], [0]);
    const optimizer = new Adam([w, b], 0.1);
    // β1 = 0.9, β2 = 0.999, ε = 1e−8, lr = 0.1
    // t = 1, g = 0.5: m = 0.05, v = 0.001·0.25 = 0.00025
    //   m̂ = 0.05/0.1 = 0.5, v̂ = 0.00025/0.001 = 0.25, w = 1 − 0.1·0.5/(0.5 + ε) = 0.900000002
    w.grads[0] = 0.5;
    b.grads[0] = -2;
    optimizer.step();
    expectValues(w.params, [0.9]);
    // The first step has size lr whatever the gradient's size: the bias moves by +0.1 for g = −2.
    expectValues(b.params, [0.1]);
    // t = 2, g = 0.5: m = 0.9·0.05 + 0.05 = 0.095, v = 0.999·0.00025 + 0.00025 = 0.00049975
    //   m̂ = 0.095/0.19 = 0.5, v̂ = 0.00049975/0.001999 = 0.25, w = 0.9 − 0.1 = 0.8
    optimizer.step();
    expectValues(w.params, [0.8]);
    // t = 3, g = −0.25: m = 0.9·0.095 − 0.025 = 0.0605, v = 0.999·0.00049975 + 0.001·0.0625 = 0.00056175025
    //   m̂ = 0.0605/0.271 = 0.2232472, v̂ = 0.00056175025/0.002997001 = 0.1874375
    //   w = 0.8 − 0.1·0.2232472/√0.1874375 = 0.8 − 0.0515653 = 0.7484347
    // (multiplying by the corrections instead, as ConvNetJS once did, gives −3.069 here)
    w.grads[0] = -0.25;
    optimizer.step();
    expectValues(w.params, [0.7484347]);
  });

  it('decays weights through the gradient, not biases', () => {
    const [w, b] = groups([2], [2], 0.5);
    // g + λw = 0 + 0.5·2 = 1 → the first step moves w by −lr = −0.1; the bias has g = 0 and stays
    new Adam([w, b], 0.1).step();
    expectValues(w.params, [1.9]);
    expectValues(b.params, [2]);
  });
});

describe('createOptimizer', () => {
  it('builds the optimizer the config names', () => {
    const settings = { learningRate: 0.1, momentum: 0.9 };
    expect(createOptimizer('sgd', groups([1], []), settings)).toBeInstanceOf(Sgd);
    expect(createOptimizer('momentum', groups([1], []), settings)).toBeInstanceOf(Momentum);
    expect(createOptimizer('adam', groups([1], []), settings)).toBeInstanceOf(Adam);
  });
});
