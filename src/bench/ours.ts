/** Our engine, driven exactly as the CLI and the worker drive it. */
import { SEED_CONFIG, type Config } from '../engine/config.ts';
import type { Dataset } from '../engine/dataset.ts';
import { Dense } from '../engine/dense.ts';
import type { Kernels } from '../engine/kernels.ts';
import { Network } from '../engine/network.ts';
import { createRng, type Rng } from '../engine/rng.ts';
import { Trainer } from '../engine/train.ts';
import { LEARNING_RATE, MOMENTUM, type MatMulShape, type TrainingCase } from './cases.ts';
import type { TrainFn } from './measure.ts';

/** A Trainer on the whole dataset, on the given kernels; each call trains the next `samples` samples, across epoch ends. */
export function oursTrainer(data: Dataset, { layers, activations, batchSize }: TrainingCase, kernels: Kernels, seed = 1): TrainFn {
  const config: Config = {
    ...SEED_CONFIG,
    layers,
    activations,
    optimizer: 'momentum',
    learningRate: LEARNING_RATE,
    momentum: MOMENTUM,
    batchSize,
    samples: data.count,
    seed,
  };
  const rng = createRng(seed);
  const trainer = new Trainer(Network.create(layers, activations, config.init, rng, kernels), config, data, rng);
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
