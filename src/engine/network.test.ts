import { describe, expect, it } from 'vitest';
import type { Activation } from './config.ts';
import { estimateTrainingBytes, MAX_TRAINING_BYTES, Network } from './network.ts';
import { createRng } from './rng.ts';
import { sharedMemoryRuns } from './wasm/arena.ts';

describe('Network.create', () => {
  it('builds one layer per activation, the first one sparse', () => {
    const network = Network.create([784, 200, 10], ['Sigmoid', 'Softmax'], 'uniform', createRng(1));
    expect(network.layers.map((l) => [l.inputs, l.outputs, l.activation, l.sparseInput])).toEqual([
      [784, 200, 'Sigmoid', true],
      [200, 10, 'Softmax', false],
    ]);
    expect(network.loss).toBe('cross-entropy');
    expect(network.parameterCount()).toBe(784 * 200 + 200 + 200 * 10 + 10);
  });

  it('uses squared error when the output is not Softmax', () => {
    expect(Network.create([2, 3, 1], ['Tanh', 'Sigmoid'], 'xavier', createRng(1)).loss).toBe('mse');
  });

  it('refuses a wrong number of activations', () => {
    expect(() => Network.create([784, 200, 10], ['Sigmoid'], 'uniform', createRng(1))).toThrow(/3 layer sizes need 2 activations, got 1/);
  });

  it("draws the seed's uniform init, weights and biases within ±1/√fanOut", () => {
    const [layer] = Network.create([300, 100], ['Sigmoid'], 'uniform', createRng(2)).layers;
    const limit = 1 / Math.sqrt(100);
    for (const values of [layer.weights, layer.biases]) {
      const max = values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(max).toBeLessThanOrEqual(limit);
      expect(max).toBeGreaterThan(0.95 * limit);
    }
  });

  it('draws Xavier weights within ±√(6/(fanIn + fanOut)) and zero biases', () => {
    const [layer] = Network.create([300, 100], ['Tanh'], 'xavier', createRng(3)).layers;
    const limit = Math.sqrt(6 / 400);
    const max = layer.weights.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(max).toBeLessThanOrEqual(limit);
    expect(max).toBeGreaterThan(0.95 * limit);
    expect(layer.biases.every((b) => b === 0)).toBe(true);
  });

  it('draws He weights with variance 2/fanIn and zero biases', () => {
    const [layer] = Network.create([200, 150], ['ReLU'], 'he', createRng(4)).layers;
    const variance = layer.weights.reduce((s, w) => s + w * w, 0) / layer.weights.length;
    expect(variance / (2 / 200)).toBeCloseTo(1, 1);
    expect(layer.biases.every((b) => b === 0)).toBe(true);
  });

  it('gives the same weights for the same seed, others for another', () => {
    const make = (seed: number) => Network.create([20, 8, 3], ['ReLU', 'Softmax'], 'he', createRng(seed)).toLayerSpecs();
    expect(make(1)).toEqual(make(1));
    expect(make(1)[0].weights).not.toEqual(make(2)[0].weights);
  });
});

describe('Network.fromLayers and toLayerSpecs', () => {
  const specs = () => Network.create([5, 4, 3], ['Tanh', 'Softmax'], 'uniform', createRng(5)).toLayerSpecs();

  it('round-trips shapes and parameters, handing out copies', () => {
    const original = specs();
    const network = Network.fromLayers(original);
    const copy = network.toLayerSpecs();
    expect(copy).toEqual(original);
    copy[0].weights[0] += 1;
    expect(network.layers[0].weights[0]).toBe(original[0].weights[0]);
  });

  it('refuses layers that do not connect', () => {
    const [first] = specs();
    expect(() => Network.fromLayers([first, first])).toThrow(/Layer 2 takes 5 inputs but layer 1 gives 4/);
  });
});

describe('predict and forwardBatch', () => {
  const network = Network.create([6, 5, 3], ['ReLU', 'Softmax'], 'he', createRng(6));
  const images = new Float32Array(18).map((_, i) => (i % 3 === 0 ? 0 : (i % 7) / 7));

  it('predicts probabilities that sum to 1, the same alone as within a batch', () => {
    const batch = network.forwardBatch(images, 3, 'inference').slice(0, 9);
    for (let r = 0; r < 3; r++) {
      const alone = network.predict(images.subarray(r * 6, r * 6 + 6));
      expect(alone.length).toBe(3);
      expect(alone.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
      expect(Array.from(alone)).toEqual(Array.from(batch.subarray(r * 3, r * 3 + 3)));
    }
  });

  it('returns a fresh array from predict', () => {
    const first = network.predict(images.subarray(0, 6));
    network.predict(images.subarray(6, 12));
    expect(first).toEqual(network.predict(images.subarray(0, 6)));
  });

  it('drops hidden units only when asked, scaling the survivors by 1/(1 − rate)', () => {
    const wide = Network.create([4, 400, 2], ['Sigmoid', 'Softmax'], 'xavier', createRng(7));
    const input = Float32Array.from([0.2, 0.4, 0, 1]);
    const plain = wide.forwardBatch(input, 1, 'inference').slice(0, 2);
    const hidden = wide.layers[0].output.slice(0, 400);

    const dropped = wide.forwardBatch(input, 1, 'training', { rate: 0.5, rng: createRng(8) }).slice(0, 2);
    // Replay the masks: unit i survives when the i-th draw is ≥ rate.
    const replay = createRng(8);
    const seen = hidden.map((a) => (replay.next() >= 0.5 ? 2 * a : 0));
    const zeros = seen.filter((a) => a === 0).length;
    expect(zeros).toBeGreaterThan(150);
    expect(zeros).toBeLessThan(250);
    // As its own network the layer takes sparse inputs, whose sums run in another order: equal up to rounding.
    const top = Network.fromLayers([wide.toLayerSpecs()[1]]);
    expect(Array.from(dropped)).toEqual(Array.from(top.predict(seen)).map((p) => expect.closeTo(p, 6)));
    expect(Array.from(dropped)).not.toEqual(Array.from(plain));

    expect(wide.forwardBatch(input, 1, 'inference').slice(0, 2)).toEqual(plain);
  });
});

describe('estimateTrainingBytes', () => {
  it('counts parameters, gradients, optimizer state, the kernels\' copies and batch buffers', () => {
    // 159,010 parameters × (value + gradient + velocity) × 4 bytes = 1,908,120
    // lazy momentum's copy of the first layer's weights: 784·200 × 4 bytes = 627,200
    // the second layer's kernel memory (wasm/dense-kernels.ts; 16 bytes of slack after each region): W and ∂W padded
    // to 12 × 200 (2 × 9,616), b and ∂b (2 × 64), 128 rows of x and ∂x (2 × 102,416) and of z and δ (2 × 6,160),
    // room for any optimizer's state (35,248) and for another shard's gradient (8,016 + 64): 279,840 bytes, less
    // its 2,010 parameters, gradients and velocities counted above (24,120) = 255,720
    // and, where memories can be shared (as in Node), a second worker's regions there (DenseTwin): its own ∂W, ∂b,
    // and 64 rows of x, ∂x, z and δ = 9,616 + 64 + 2 × 51,216 + 2 × 3,088 = 118,288
    // 256 evaluation rows × (784·5 input values + 210·4 unit values + 10 targets) × 4 bytes = 4,884,480
    expect(sharedMemoryRuns()).toBe(true);
    expect(estimateTrainingBytes([784, 200, 10], 1, 'momentum')).toBe(1_908_120 + 627_200 + 255_720 + 118_288 + 4_884_480);
    // Adam keeps two moments per parameter; 512 rows outgrow the evaluation batch.
    expect(estimateTrainingBytes([784, 200, 10], 512, 'adam')).toBe(159_010 * 4 * 4 + (279_840 + 118_288 - 2_010 * 4 * 4) + 512 * 4770 * 4);
  });

  it('counts a typed stack layer by layer: receptive fields, pools, dense kernels', () => {
    // [6, 6, 1] → conv 2×3×3 valid → [4, 4, 2] → pool 2 → [2, 2, 2] → dense 10, sgd, batch 1 (256 evaluation rows), TypeScript convolution:
    // parameters 2·(9 + 1) + 8·10 + 10 = 110, × (value + gradient)                      = 220
    // the conv's map of which input each receptive-field value reads: 16·9               = 144
    // per row: input 36 + conv 2·16·(9 + 2) + pool 3·8 + dense 10·4 + targets 10          = 462
    const stack = {
      input: [6, 6, 1] as const,
      layers: [
        { type: 'conv2d' as const, filters: 2, kernelSize: 3, stride: 1, padding: 'valid' as const, activation: 'ReLU' as const },
        { type: 'maxpool2d' as const, poolSize: 2, stride: 2 },
        { type: 'dense' as const, units: 10, activation: 'Softmax' as const },
      ],
    };
    expect(estimateTrainingBytes(stack, 1, 'sgd', 'ts')).toBe(4 * (220 + 144 + 256 * 462));
  });

  it('counts a stack of dense layers as the dense sizes are counted', () => {
    const stack = { input: [28, 28, 1] as const, layers: [{ type: 'dense' as const, units: 200, activation: 'Sigmoid' as const }, { type: 'dense' as const, units: 10, activation: 'Softmax' as const }] };
    for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
      expect(estimateTrainingBytes(stack, 64, optimizer)).toBe(estimateTrainingBytes([784, 200, 10], 64, optimizer));
    }
  });

  it('puts an ordinary network far below the limit and a huge one above it', () => {
    expect(estimateTrainingBytes([784, 800, 10], 128, 'adam')).toBeLessThan(MAX_TRAINING_BYTES / 20);
    expect(estimateTrainingBytes([784, 20_000, 20_000, 10], 32, 'sgd')).toBeGreaterThan(MAX_TRAINING_BYTES);
  });

  it('refuses 784-80000-10 with any optimizer: its 63.5 million parameters would not fit one string as a model file', () => {
    for (const optimizer of ['sgd', 'momentum', 'adam'] as const) {
      expect(estimateTrainingBytes([784, 80_000, 10], 64, optimizer)).toBeGreaterThan(MAX_TRAINING_BYTES);
    }
    // The widest dense network allowed on 28×28 images: 36 million parameters, a model text of about 440 million characters (2²⁹ fit in a string).
    expect(estimateTrainingBytes([784, 45_500, 10], 16, 'sgd')).toBeLessThanOrEqual(MAX_TRAINING_BYTES);
    expect(estimateTrainingBytes([784, 46_000, 10], 16, 'sgd')).toBeGreaterThan(MAX_TRAINING_BYTES);
  });
});

describe('Network.build with convolution and pooling', () => {
  const convnetjs = () =>
    Network.build(
      [28, 28, 1],
      [
        { type: 'conv2d', filters: 8, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', poolSize: 2, stride: 2 },
        { type: 'conv2d', filters: 16, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
        { type: 'maxpool2d', poolSize: 3, stride: 3 },
        { type: 'dense', units: 10, activation: 'Softmax' },
      ],
      'he',
      createRng(1),
    );

  it("gives ConvNetJS's MNIST network its shapes and parameter count", () => {
    const network = convnetjs();
    expect(network.layers.map((layer) => layer.outputShape)).toEqual([[28, 28, 8], [14, 14, 8], [14, 14, 16], [4, 4, 16], [1, 1, 10]]);
    expect(network.parameterCount()).toBe(8 * 25 + 8 + 16 * 200 + 16 + 256 * 10 + 10);
    expect(network.loss).toBe('cross-entropy');
  });

  it('round-trips through layer specs and predicts the same', () => {
    const network = convnetjs();
    const copy = Network.fromLayers(network.toLayerSpecs());
    const input = new Float32Array(784).map((_, i) => (i % 7) / 7);
    expect(copy.predict(input)).toEqual(network.predict(input));
    expect(copy.toLayerSpecs()).toEqual(network.toLayerSpecs());
  });

  it('Network.forConfig builds a typed stack, and a dense config exactly as Network.create', () => {
    const dense = { layers: [784, 30, 10], activations: ['ReLU', 'Softmax'] as Activation[], init: 'he' as const };
    expect(Network.forConfig(dense, createRng(3)).toLayerSpecs()).toEqual(Network.create(dense.layers, dense.activations, 'he', createRng(3)).toLayerSpecs());
    const described = [
      { type: 'conv2d' as const, filters: 8, kernelSize: 5, stride: 1, padding: 'same' as const, activation: 'ReLU' as const },
      { type: 'maxpool2d' as const, poolSize: 2, stride: 2 },
      { type: 'conv2d' as const, filters: 16, kernelSize: 5, stride: 1, padding: 'same' as const, activation: 'ReLU' as const },
      { type: 'maxpool2d' as const, poolSize: 3, stride: 3 },
      { type: 'dense' as const, units: 10, activation: 'Softmax' as const },
    ];
    const built = Network.forConfig({ ...dense, layers: [784, 10], activations: ['Softmax'], stack: { input: [28, 28, 1], layers: described } }, createRng(1));
    expect(built.toLayerSpecs()).toEqual(convnetjs().toLayerSpecs());
  });

  it('refuses a spatial layer whose input shape is not what the layer below gives', () => {
    const specs = convnetjs().toLayerSpecs();
    expect(() => Network.fromLayers([specs[0], specs[2]])).toThrow(/Layer 2 takes 14×14×8 inputs but layer 1 gives 28×28×8/);
  });
});
