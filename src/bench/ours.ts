/** Our engine, driven exactly as the CLI and the worker drive it. */
import { SEED_CONFIG, type Config } from '../engine/config.ts';
import { copyImage, type Dataset } from '../engine/dataset.ts';
import { Conv2D } from '../engine/conv2d.ts';
import { Dense } from '../engine/dense.ts';
import type { Kernels } from '../engine/kernels.ts';
import { Network } from '../engine/network.ts';
import { createRng, type Rng } from '../engine/rng.ts';
import { Trainer } from '../engine/train.ts';
import { WasmSparseLayer } from '../engine/wasm/sparse-kernels.ts';
import { CONV_KERNEL_SHAPE, LEARNING_RATE, MOMENTUM, type MatMulShape, type TrainingCase } from './cases.ts';
import type { TrainFn } from './measure.ts';

/** The config every implementation trains a dense case with. */
export function caseConfig({ layers, activations, batchSize }: TrainingCase, samples: number, seed = 1): Config {
  return { ...SEED_CONFIG, layers, activations, optimizer: 'momentum', learningRate: LEARNING_RATE, momentum: MOMENTUM, batchSize, samples, seed };
}

/** A Trainer on the whole dataset, on the given kernels; each call trains the next `samples` samples, across epoch ends. */
export function oursTrainer(data: Dataset, trainingCase: TrainingCase, kernels: Kernels, seed = 1): TrainFn {
  return configTrainer(data, caseConfig(trainingCase, data.count, seed), kernels);
}

/** A Trainer for a whole config (a preset's, say), its network on the given kernels, on the whole dataset. */
export function configTrainer(data: Dataset, preset: Config, kernels: Kernels): TrainFn {
  const config: Config = { ...preset, samples: data.count };
  const rng = createRng(config.seed);
  const trainer = new Trainer(Network.forConfig(config, rng, kernels), config, data, rng);
  let doneInEpoch = 0;
  return (samples) => {
    let left = samples;
    while (left > 0) {
      const progress = trainer.trainSamples(left);
      left -= progress.samplesDone - doneInEpoch;
      doneInEpoch = progress.done ? 0 : progress.samplesDone;
    }
  };
}

function randomArray(length: number, rng: Rng): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = rng.next() - 0.5;
  return values;
}

export interface DenseKernels {
  forward: () => void;
  /** Weight, bias and input gradients from a fixed ∂L/∂z. */
  backward: () => void;
}

/** A hidden-to-hidden layer (dense inputs, Linear so that only the products are timed) on random data. */
export function oursDenseKernels({ batch, inputs, outputs }: MatMulShape, kernels: Kernels, seed = 1): DenseKernels {
  const rng = createRng(seed);
  const layer = new Dense(
    { inputs, outputs, activation: 'Linear', weights: randomArray(inputs * outputs, rng), biases: randomArray(outputs, rng) },
    false,
    kernels,
  );
  const input = randomArray(batch * inputs, rng);
  const inputDelta = new Float32Array(batch * inputs);
  layer.reserve(batch);
  // Backward reads delta and never writes it, so one fill serves every call.
  layer.delta.set(randomArray(batch * outputs, rng));
  return {
    forward: () => layer.forward(input, batch),
    backward: () => layer.backward(input, batch, inputDelta),
  };
}

/**
 * The first layer's sparse products on real MNIST batches (forward, then ∂W from a
 * fixed δ; Linear, so only the products and the non-zero scan are timed): Dense's
 * TypeScript path, or the WebAssembly kernels on weights in their memory.
 */
export function oursSparseFirstLayer(data: Dataset, batch: number, outputs: number, path: Kernels, seed = 1): () => void {
  const rng = createRng(seed);
  const inputs = data.inputSize;
  const batches = 16;
  const input = new Float32Array(batches * batch * inputs);
  for (let r = 0; r < batches * batch; r++) copyImage(data, rng.nextInt(data.count), input, r * inputs);
  const rowsOf = (b: number) => input.subarray(b * batch * inputs, (b + 1) * batch * inputs);
  const delta = randomArray(batch * outputs, rng);
  let next = 0;
  if (path === 'wasm') {
    const layer = new WasmSparseLayer(inputs, outputs, batch);
    layer.weights.set(randomArray(inputs * outputs, rng));
    layer.delta.set(delta);
    return () => {
      layer.load(rowsOf(next), batch);
      layer.forward();
      layer.weightGradient();
      next = (next + 1) % batches;
    };
  }
  const layer = new Dense({ inputs, outputs, activation: 'Linear', weights: randomArray(inputs * outputs, rng), biases: new Float32Array(outputs) }, true, 'ts');
  layer.reserve(batch);
  return () => {
    const x = rowsOf(next);
    layer.forward(x, batch);
    layer.delta.set(delta);
    layer.backward(x, batch, null);
    next = (next + 1) % batches;
  };
}

/** One forward and backward (∂W, ∂b and ∂x) of a convolution layer, Linear, on random data. */
export function oursConvKernels(kernels: Kernels, seed = 1): () => void {
  const { inputShape, filters, kernelSize, stride, padding, batch } = CONV_KERNEL_SHAPE;
  const rng = createRng(seed);
  const field = kernelSize * kernelSize * inputShape[2];
  const layer = new Conv2D(
    { type: 'conv2d', inputShape, filters, kernelSize, stride, padding, activation: 'Linear', weights: randomArray(filters * field, rng), biases: randomArray(filters, rng) },
    kernels,
  );
  const input = randomArray(batch * inputShape[0] * inputShape[1] * inputShape[2], rng);
  const inputDelta = new Float32Array(input.length);
  layer.reserve(batch);
  layer.delta.set(randomArray(layer.delta.length, rng));
  return () => {
    layer.forward(input, batch);
    layer.backward(input, batch, inputDelta);
  };
}
