import { describe, expect, it } from 'vitest';
import { layerOutputs } from './inspect.ts';
import { shapeSize, type DenseSpec, type LayerDescription, type LayerSpec, type Shape } from './layer.ts';
import { Network } from './network.ts';
import { createRng } from './rng.ts';
import { gradCam, saliency, type GradCam } from './saliency.ts';

function layer(inputs: number, outputs: number, activation: DenseSpec['activation'], seed: number): DenseSpec {
  const rng = createRng(seed);
  return {
    inputs,
    outputs,
    activation,
    weights: Float32Array.from({ length: inputs * outputs }, () => 2 * rng.next() - 1),
    biases: Float32Array.from({ length: outputs }, () => rng.next() - 0.5),
  };
}

describe('saliency', () => {
  it('matches central finite differences of the predicted class’s probability', () => {
    const specs = [layer(9, 6, 'Tanh', 1), layer(6, 5, 'Sigmoid', 2), layer(5, 4, 'Softmax', 3)];
    const rng = createRng(4);
    const input = Float32Array.from({ length: 9 }, () => rng.next());
    const { predicted, gradient } = saliency(specs, input);
    const probabilities = layerOutputs(specs, input)[2];
    expect(probabilities[predicted]).toBe(Math.max(...probabilities));

    const h = 1e-2;
    const probability = (x: Float32Array) => layerOutputs(specs, x)[2][predicted];
    for (let i = 0; i < input.length; i++) {
      const up = input.slice();
      const down = input.slice();
      up[i] += h;
      down[i] -= h;
      const numeric = (probability(up) - probability(down)) / (2 * h);
      expect(gradient[i]).toBeCloseTo(numeric, 3);
    }
    // Not a trivial pass: the pixels matter, and by different amounts.
    expect(Math.max(...gradient.map(Math.abs))).toBeGreaterThan(1e-2);
  });

  it('follows a ReLU network through its active units only', () => {
    // Two inputs, two ReLU units (the second never active here), one Sigmoid output.
    const specs: DenseSpec[] = [
      { inputs: 2, outputs: 2, activation: 'ReLU', weights: Float32Array.from([1, 2, -1, -1]), biases: new Float32Array(2) },
      { inputs: 2, outputs: 1, activation: 'Sigmoid', weights: Float32Array.from([0.5, 3]), biases: new Float32Array(1) },
    ];
    const input = Float32Array.from([0.2, 0.1]);
    const { gradient } = saliency(specs, input);
    // y = σ(0.5·(x0 + 2·x1)); ∂y/∂x = σ'·0.5·[1, 2], σ' = y(1 − y).
    const y = 1 / (1 + Math.exp(-0.5 * 0.4));
    expect(gradient[0]).toBeCloseTo(y * (1 - y) * 0.5, 6);
    expect(gradient[1]).toBeCloseTo(y * (1 - y) * 1, 6);
  });
});

/** A freshly initialised network's specs: 'xavier' weights, with biases drawn too so no unit sits at zero. */
function cnnSpecs(input: Shape, layers: LayerDescription[], seed: number): LayerSpec[] {
  const rng = createRng(seed);
  return Network.build(input, layers, 'xavier', rng, 'ts')
    .toLayerSpecs()
    .map((spec) => ('biases' in spec ? { ...spec, biases: spec.biases.map(() => 0.2 * (rng.next() - 0.5)) } : spec));
}

const conv = (filters: number, kernelSize: number, stride: number, padding: 'same' | 'valid', activation: 'Tanh' | 'Sigmoid' | 'ReLU' = 'Tanh'): LayerDescription => ({
  type: 'conv2d', filters, kernelSize, stride, padding, activation,
});

const CNNS: { name: string; input: Shape; layers: LayerDescription[] }[] = [
  {
    name: 'conv (same) → max pool → dense Softmax',
    input: [6, 6, 1],
    layers: [conv(3, 3, 1, 'same'), { type: 'maxpool2d', poolSize: 2, stride: 2 }, { type: 'dense', units: 4, activation: 'Softmax' }],
  },
  {
    name: 'conv (valid, stride 2) → average pool → conv → flatten → dense → dense Softmax',
    input: [9, 9, 2],
    layers: [
      conv(4, 3, 2, 'valid', 'Sigmoid'),
      { type: 'avgpool2d', poolSize: 2, stride: 1 },
      conv(3, 2, 1, 'same'),
      { type: 'flatten' },
      { type: 'dense', units: 5, activation: 'Tanh' },
      { type: 'dense', units: 3, activation: 'Softmax' },
    ],
  },
];

/** Central difference of f at x in input i. */
function difference(f: (x: Float32Array) => number, x: Float32Array, i: number, h: number): number {
  const up = x.slice();
  const down = x.slice();
  up[i] += h;
  down[i] -= h;
  return (f(up) - f(down)) / (up[i] - down[i]);
}

describe('saliency through convolutions and pooling', () => {
  for (const { name, input: shape, layers } of CNNS) {
    it(`matches finite differences of the predicted class’s probability: ${name}`, () => {
      const specs = cnnSpecs(shape, layers, 11);
      const rng = createRng(12);
      const input = Float32Array.from({ length: shapeSize(shape) }, () => rng.next());
      const { predicted, gradient } = saliency(specs, input);
      const network = Network.fromLayers(specs, 'ts');
      const probabilities = network.predict(input);
      expect(probabilities[predicted]).toBe(Math.max(...probabilities));
      const probability = (x: Float32Array) => network.predict(x)[predicted];
      for (let i = 0; i < input.length; i++) expect(gradient[i]).toBeCloseTo(difference(probability, input, i, 1e-2), 3);
      expect(Math.max(...gradient.map(Math.abs))).toBeGreaterThan(1e-3);
    });
  }
});

describe('gradCam', () => {
  it('is null for a network without a convolution', () => {
    expect(gradCam([layer(4, 2, 'Softmax', 1)], new Float32Array(4))).toBeNull();
  });

  it('weighs the last convolution’s maps by the mean gradient of the score, checked by finite differences', () => {
    const { input: shape, layers } = CNNS[1];
    const specs = cnnSpecs(shape, layers, 24);
    const rng = createRng(22);
    const input = Float32Array.from({ length: shapeSize(shape) }, () => rng.next());
    const cam = gradCam(specs, input) as GradCam;
    expect(cam.layer).toBe(2);
    expect(cam.predicted).toBe(saliency(specs, input).predicted);

    // The maps A of the last convolution, and the layers above it scoring them (the top without its Softmax).
    const below = Network.fromLayers(specs.slice(0, 3), 'ts');
    const maps = below.predict(input);
    const above = specs.slice(3).map((spec, l, all) => (l === all.length - 1 && 'activation' in spec ? { ...spec, activation: 'Linear' as const } : spec));
    const scoreNetwork = Network.fromLayers(above, 'ts');
    const score = (a: Float32Array) => scoreNetwork.predict(a)[cam.predicted];
    const [height, width, filters] = cam.shape;
    const positions = height * width;
    const alpha = new Float64Array(filters);
    const local = new Float64Array(positions);
    for (let i = 0; i < maps.length; i++) {
      const slope = difference(score, maps, i, 1e-2);
      alpha[i % filters] += slope / positions;
      local[Math.floor(i / filters)] += slope * maps[i];
    }
    for (let p = 0; p < positions; p++) expect(cam.elementwise[p]).toBeCloseTo(Math.max(0, local[p]), 3);
    for (let f = 0; f < filters; f++) expect(cam.weights[f]).toBeCloseTo(alpha[f], 3);
    for (let p = 0; p < positions; p++) {
      let sum = 0;
      for (let f = 0; f < filters; f++) sum += alpha[f] * maps[p * filters + f];
      expect(cam.values[p]).toBeCloseTo(Math.max(0, sum), 3);
    }
    expect(Math.max(...cam.values)).toBeGreaterThan(0);
  });

  it('matches a hand computation: one 1×1 filter read by a dense layer', () => {
    // A = 2·x on a 2×2 image; score_c = Σ_p W[c][p]·A_p, so α = mean(W[c]) and the map is ReLU(α·A).
    const specs: LayerSpec[] = [
      { type: 'conv2d', inputShape: [2, 2, 1], filters: 1, kernelSize: 1, stride: 1, padding: 'valid', activation: 'Linear', weights: Float32Array.of(2), biases: Float32Array.of(0) },
      { type: 'flatten', inputShape: [2, 2, 1] },
      { inputs: 4, outputs: 2, activation: 'Softmax', weights: Float32Array.of(1, 0, 0, 1, 0, 1, 0.5, 0), biases: new Float32Array(2) },
    ];
    // Scores: 0.2 + 0.8 = 1 for class 0, 0.4 + 0.3 = 0.7 for class 1.
    const cam = gradCam(specs, Float32Array.of(0.1, 0.2, 0.3, 0.4)) as GradCam;
    expect(cam.predicted).toBe(0);
    expect(cam.weights[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(cam.values)).toEqual([0.1, 0.2, 0.3, 0.4].map((v) => expect.closeTo(v, 6)));
    // HiResCAM keeps each position's own weight: W[0] · A = [1·0.2, 0, 0, 1·0.8].
    expect(Array.from(cam.elementwise)).toEqual([0.2, 0, 0, 0.8].map((v) => expect.closeTo(v, 6)));
  });
});
