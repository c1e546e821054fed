import { describe, expect, it } from 'vitest';
import { Network } from './network.ts';
import { Adam, createOptimizer, Momentum, Sgd, type Optimizer, type ParamGroup } from './optimizers.ts';
import { createRng } from './rng.ts';
import { WasmArena } from './wasm/arena.ts';
import { optimizerStateBytes } from './wasm/optimizer-kernels.ts';

/** Where the groups' values live: plain arrays (the TypeScript updates) or a WebAssembly arena (the kernels'). */
type Place = 'arrays' | 'arena';
const PLACES: Place[] = ['arrays', 'arena'];

/** One weight group (decayed with l2) and one bias group (never decayed), each starting at the given values. */
function groups(weights: number[], biases: number[], l2 = 0, place: Place = 'arrays'): ParamGroup[] {
  if (place === 'arrays') {
    return [
      { params: Float32Array.from(weights), grads: new Float32Array(weights.length), l2 },
      { params: Float32Array.from(biases), grads: new Float32Array(biases.length), l2: 0 },
    ];
  }
  const arena = new WasmArena(4 * WasmArena.cost(weights.length + biases.length, 4) + optimizerStateBytes(1, weights.length + biases.length));
  const group = (values: number[], decay: number): ParamGroup => {
    const params = arena.floats(values.length);
    params.set(values);
    return { params, grads: arena.floats(values.length), l2: decay, arena };
  };
  const made = [group(weights, l2), group(biases, 0)];
  arena.seal();
  return made;
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

describe.each(PLACES)('Momentum, values in %s', (place) => {
  it('keeps a velocity v ← μv − lr·g and adds it: w ← w + v', () => {
    const [w] = groups([1], [], 0, place);
    const optimizer = new Momentum([w], 0.1, 0.9);
    // step 1, g = 0.5: v = 0 − 0.05 = −0.05;           w = 1 − 0.05 = 0.95
    w.grads[0] = 0.5;
    optimizer.step();
    expectValues(w.params, [0.95]);
    // In an arena the velocity is kept there, beside the weights, by the kernels.
    if (w.arena) expect(new Float32Array(w.arena.memory.buffer).includes(Math.fround(-0.05))).toBe(true);
    // step 2, g = 0.5: v = 0.9·(−0.05) − 0.05 = −0.095; w = 0.95 − 0.095 = 0.855
    optimizer.step();
    expectValues(w.params, [0.855]);
    // step 3, g = −1:  v = 0.9·(−0.095) + 0.1 = 0.0145; w = 0.855 + 0.0145 = 0.8695
    w.grads[0] = -1;
    optimizer.step();
    expectValues(w.params, [0.8695]);
  });

  it('with μ = 0 is plain gradient descent, decay included', () => {
    const a = groups([1, -2], [0.5], 0.1, place);
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

describe.each(PLACES)('Adam, values in %s', (place) => {
  it('divides by the bias corrections 1 − β^t', () => {
    const [w, b] = groups([1], [0], 0, place);
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

  it('takes its betas from the config', () => {
    const [w, b] = groups([1], [0], 0, place);
    const optimizer = createOptimizer('adam', [w, b], { learningRate: 0.1, momentum: 0, adamBeta1: 0.7, adamBeta2: 0.9 });
    // t = 1, g = 0.5: m = 0.3·0.5 = 0.15, v = 0.1·0.25 = 0.025; m̂ = 0.5, v̂ = 0.25, w = 0.9
    w.grads[0] = 0.5;
    optimizer.step();
    expectValues(w.params, [0.9]);
    // t = 2, g = −0.25: m = 0.7·0.15 − 0.075 = 0.03, v = 0.9·0.025 + 0.1·0.0625 = 0.02875
    //   m̂ = 0.03/0.51 = 0.0588235, v̂ = 0.02875/0.19 = 0.1513158, w = 0.9 − 0.1·0.0588235/0.3889933 = 0.884878
    // (β = 0.9, 0.999 would give 0.8733663)
    w.grads[0] = -0.25;
    optimizer.step();
    expectValues(w.params, [0.884878]);
  });

  it('follows the float64 formula within float32 rounding, step after step', () => {
    // 101 weights: the kernel's four-at-a-time loop and its one-by-one tail both run.
    const size = 101;
    const rng = createRng(11);
    const start = Array.from({ length: size }, () => rng.next() - 0.5);
    const [w, b] = groups(start, [0], 0.01, place);
    const optimizer = new Adam([w, b], 0.01, 0.7, 0.9);
    const reference = { w: Float64Array.from(start), m: new Float64Array(size), v: new Float64Array(size) };
    for (let t = 1; t <= 50; t++) {
      for (let i = 0; i < size; i++) w.grads[i] = (rng.next() - 0.5) * 10 ** -(i % 5);
      optimizer.step();
      const c1 = 1 - 0.7 ** t;
      const c2 = 1 - 0.9 ** t;
      for (let i = 0; i < size; i++) {
        const g = w.grads[i] + 0.01 * reference.w[i];
        reference.m[i] = 0.7 * reference.m[i] + 0.3 * g;
        reference.v[i] = 0.9 * reference.v[i] + 0.1 * g * g;
        reference.w[i] -= (0.01 * (reference.m[i] / c1)) / (Math.sqrt(reference.v[i] / c2) + Adam.epsilon);
      }
    }
    // 50 steps of at most 0.01·(1 + 2^−20) each, from float32 moments: far below a step's size.
    for (let i = 0; i < size; i++) expect(Math.abs(w.params[i] - reference.w[i])).toBeLessThan(2e-6);
  });

  it('decays weights through the gradient, not biases', () => {
    const [w, b] = groups([2], [2], 0.5, place);
    // g + λw = 0 + 0.5·2 = 1 → the first step moves w by −lr = −0.1; the bias has g = 0 and stays
    new Adam([w, b], 0.1).step();
    expectValues(w.params, [1.9]);
    expectValues(b.params, [2]);
  });
});

describe('createOptimizer', () => {
  it('builds the optimizer the config names', () => {
    const settings = { learningRate: 0.1, momentum: 0.9, adamBeta1: 0.9, adamBeta2: 0.999 };
    expect(createOptimizer('sgd', groups([1], []), settings)).toBeInstanceOf(Sgd);
    expect(createOptimizer('momentum', groups([1], []), settings)).toBeInstanceOf(Momentum);
    expect(createOptimizer('adam', groups([1], []), settings)).toBeInstanceOf(Adam);
  });
});

describe('lazy updates of inactive rows', () => {
  // A 5 × 3 weight matrix whose gradient is non-zero only in the listed rows each step.
  const ACTIVE = [[0, 2], [2], [], [1, 4], [0], [0, 1, 2, 3, 4], [3]];
  const ROWS = 5;
  const COLUMNS = 3;

  /** `rates[step]`, where given, is the learning rate from that step on, set on both optimizers. */
  function run(make: (groups: ParamGroup[]) => Optimizer, l2 = 0, rates: Record<number, number> = {}) {
    const start = Float32Array.from({ length: ROWS * COLUMNS }, (_, i) => Math.sin(i + 1));
    const activeRows = { rowLength: COLUMNS, list: new Int32Array(ROWS), count: 0 };
    const lazy = { params: start.slice(), grads: new Float32Array(ROWS * COLUMNS), l2, activeRows };
    const eager = { params: start.slice(), grads: new Float32Array(ROWS * COLUMNS), l2 };
    const lazyOptimizer = make([lazy]);
    const eagerOptimizer = make([eager]);
    ACTIVE.forEach((rows, step) => {
      activeRows.list.set(rows);
      activeRows.count = rows.length;
      lazy.grads.fill(0);
      for (const r of rows) for (let c = 0; c < COLUMNS; c++) lazy.grads[r * COLUMNS + c] = Math.cos(step * 7 + c * 3 + r);
      eager.grads.set(lazy.grads);
      // What a forward pass would read: the active rows, once caught up.
      if (step in rates) lazyOptimizer.learningRate = eagerOptimizer.learningRate = rates[step];
      lazyOptimizer.catchUp();
      for (const r of rows) for (let c = 0; c < COLUMNS; c++) expect(lazy.params[r * COLUMNS + c]).toBeCloseTo(eager.params[r * COLUMNS + c], 6);
      lazyOptimizer.step();
      eagerOptimizer.step();
    });
    lazyOptimizer.flush();
    return { lazy: lazy.params, eager: eager.params, start };
  }

  it('Momentum catches a row up by μ^k and μ + … + μ^k, matching the step-by-step update', () => {
    const { lazy, eager, start } = run((groups) => new Momentum(groups, 0.1, 0.9));
    expect(Array.from(lazy)).toEqual(Array.from(eager).map((w) => expect.closeTo(w, 6)));
    // Row 4 was active once, at step 3 of 7: the later steps still moved it through its velocity.
    expect(lazy[4 * COLUMNS]).not.toBeCloseTo(start[4 * COLUMNS] - 0.1 * Math.cos(3 * 7 + 4), 3);
  });

  it('stays exact when the learning rate changes between steps, as it does from epoch to epoch', () => {
    const { lazy, eager } = run((groups) => new Momentum(groups, 0.1, 0.9), 0, { 2: 0.05, 5: 0.0125 });
    const constant = run((groups) => new Momentum(groups, 0.1, 0.9));
    expect(Array.from(lazy)).toEqual(Array.from(eager).map((w) => expect.closeTo(w, 6)));
    expect(Array.from(lazy)).not.toEqual(Array.from(constant.lazy).map((w) => expect.closeTo(w, 6)));
  });

  it('gives bit-identical weights however often they are brought up to date', () => {
    const once = run((groups) => new Momentum(groups, 0.1, 0.9));
    const always = run((groups) => {
      const optimizer = new Momentum(groups, 0.1, 0.9);
      return {
        step: () => {
          optimizer.step();
          optimizer.flush();
        },
        catchUp: () => optimizer.catchUp(),
        flush: () => optimizer.flush(),
        learningRate: 0.1,
      };
    });
    expect(always.lazy).toEqual(once.lazy);
  });

  it('Sgd skips inactive rows, which a zero gradient leaves unchanged', () => {
    const { lazy, eager } = run((groups) => new Sgd(groups, 0.1));
    expect(Array.from(lazy)).toEqual(Array.from(eager).map((w) => expect.closeTo(w, 6)));
  });

  it('is not used with weight decay, whose gradient is never zero', () => {
    const { lazy, eager } = run((groups) => new Momentum(groups, 0.1, 0.9), 0.5);
    expect(Array.from(lazy)).toEqual(Array.from(eager));
  });

  it.each([1, 3])('trains a network at batch size %i as the eager update does', (rows) => {
    const make = () => Network.create([20, 6, 3], ['Sigmoid', 'Softmax'], 'uniform', createRng(4));
    const lazyNet = make();
    const eagerNet = make();
    const lazy = new Momentum(lazyNet.paramGroups(0), 0.5, 0.9);
    lazyNet.layers[0].beforeRead = () => lazy.catchUp();
    const eager = new Momentum(eagerNet.paramGroups(0).map(({ params, grads, l2 }) => ({ params, grads, l2 })), 0.5, 0.9);
    const rng = createRng(5);
    const input = new Float32Array(rows * 20);
    const target = new Float32Array(rows * 3);
    for (let step = 0; step < 60; step++) {
      input.forEach((_, i) => (input[i] = rng.next() < 0.7 ? 0 : rng.next()));
      target.fill(0);
      for (let r = 0; r < rows; r++) target[r * 3 + rng.nextInt(3)] = 1;
      const a = lazyNet.forwardBatch(input, rows, 'training').slice(0, rows * 3);
      const b = eagerNet.forwardBatch(input, rows, 'training').slice(0, rows * 3);
      expect(Array.from(a)).toEqual(Array.from(b).map((p) => expect.closeTo(p, 5)));
      lazyNet.backwardBatch(input, target, rows);
      eagerNet.backwardBatch(input, target, rows);
      lazy.step();
      eager.step();
    }
    lazy.flush();
    const [lazyFirst] = lazyNet.toLayerSpecs();
    const [eagerFirst] = eagerNet.toLayerSpecs();
    expect(Array.from(lazyFirst.weights)).toEqual(Array.from(eagerFirst.weights).map((w) => expect.closeTo(w, 5)));
    expect(Array.from(lazyFirst.weights)).not.toEqual(Array.from(make().layers[0].weights));
  });
});

describe.each(PLACES)('Every optimizer, values in %s', (place) => {
  it.each<[string, (g: ParamGroup[]) => Optimizer]>([
    ['sgd', (g) => new Sgd(g, 0.1)],
    ['momentum', (g) => new Momentum(g, 0.1, 0.9, 'wasm')],
    ['adam', (g) => new Adam(g, 0.1, 0.9, 0.999, 'wasm')],
  ])('%s calls back as each group in turn holds its final parameters, another shard’s gradient added', (_, make) => {
    const stepped = groups([1, -2, 0.5], [0.25, 3], 0.01, place);
    const plain = groups([1, -2, 0.5], [0.25, 3], 0.01, place);
    for (const g of [stepped, plain]) {
      g[0].grads.set([0.5, 0.25, -1]);
      g[1].grads.set([-1, 2]);
    }
    const addend = [Float32Array.from([0.1, 0.2, 0.3]), Float32Array.from([-0.5, 0.5])];
    const seen: [number, Float32Array][] = [];
    make(stepped).step(addend, (g) => seen.push([g, stepped[g].params.slice()]));
    make(plain).step(addend);
    expect(seen.map(([g]) => g)).toEqual([0, 1]);
    // What was handed on is the step's whole result, the same bits as a step without the callback.
    seen.forEach(([g, params]) => {
      expect(params).toEqual(stepped[g].params);
      expect(params).toEqual(plain[g].params);
    });
    expect(seen[0][1]).not.toEqual(Float32Array.from([1, -2, 0.5]));
  });
});
