/**
 * TensorFlow.js 4.22 on the same networks, batches and data, for comparison only
 * (devDependencies; nothing in the app imports this).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
// Besides the Layers API, this bundle registers the gradients of the core ops that optimizer.minimize needs.
import * as tfl from '@tensorflow/tfjs-layers';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { copyImage, type Dataset } from '../engine/dataset.ts';
import { createRng, shuffle } from '../engine/rng.ts';
import { LEARNING_RATE, MOMENTUM, forwardFlops, type MatMulShape, type TrainingCase } from './cases.ts';
import { median, timeKernel, type Plan, type TrainFn } from './measure.ts';

export type TfBackend = 'wasm' | 'cpu';

export interface TfInfo {
  version: string;
  backend: TfBackend;
  /** Wasm only: SIMD in use and the number of threads. */
  simd?: boolean;
  threads?: number;
}

/** Switches TF.js to `backend`; in Node the wasm binaries are read from the package's dist folder. */
export async function useTfBackend(backend: TfBackend): Promise<TfInfo> {
  // Production mode: no console banners, no debug-only checks; if anything it favours TF.js.
  tf.enableProdMode();
  if (backend === 'wasm') {
    const require = createRequire(import.meta.url);
    setWasmPaths(join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + '/');
  }
  if (!(await tf.setBackend(backend))) throw new Error(`TensorFlow.js backend ${backend} failed to start`);
  await tf.ready();
  const info: TfInfo = { version: tf.version_core, backend };
  if (backend === 'wasm') {
    info.simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
    info.threads = getThreadsCount();
  }
  return info;
}

/** The seed's init, U(±1/√fanOut), for weights and biases alike. */
function seedInit(shape: number[], fanOut: number, seed: number): tf.Tensor {
  const limit = 1 / Math.sqrt(fanOut);
  return tf.randomUniform(shape, -limit, limit, 'float32', seed);
}

const TF_ACTIVATIONS = { Sigmoid: tf.sigmoid, ReLU: tf.relu, Tanh: tf.tanh } as const;

/** Batches of the dataset in a seeded shuffled order, pixels scaled as our engine scales them. */
function batchSource(data: Dataset, batchSize: number, seed: number) {
  const order = Uint32Array.from({ length: data.count }, (_, i) => i);
  const rng = createRng(seed);
  const inputs = new Float32Array(batchSize * data.inputSize);
  const classes = 10;
  const targets = new Float32Array(batchSize * classes);
  let next = data.count;
  return (): { x: tf.Tensor2D; y: tf.Tensor2D } => {
    if (next + batchSize > data.count) {
      shuffle(order, rng);
      next = 0;
    }
    targets.fill(0);
    for (let r = 0; r < batchSize; r++) {
      const sample = order[next + r];
      copyImage(data, sample, inputs, r * data.inputSize);
      targets[r * classes + data.labels[sample]] = 1;
    }
    next += batchSize;
    return { x: tf.tensor2d(inputs, [batchSize, data.inputSize]), y: tf.tensor2d(targets, [batchSize, classes]) };
  };
}

export interface TfTrainer {
  train: TrainFn;
  dispose(): void;
}

/**
 * The leanest TF.js training loop we know: variables, a fused softmax cross-entropy,
 * and optimizer.minimize without reading the loss back. It computes no metrics,
 * while our engine tracks loss, error and accuracy as it trains.
 */
export function tfCoreTrainer(data: Dataset, { layers, activations, batchSize }: TrainingCase, seed = 1): TfTrainer {
  if (activations[activations.length - 1] !== 'Softmax') throw new Error('The TF.js benchmark trains Softmax outputs only');
  const weights: tf.Variable[] = [];
  const biases: tf.Variable[] = [];
  for (let l = 1; l < layers.length; l++) {
    // tidy frees the initial values; variables outlive it.
    weights.push(tf.tidy(() => tf.variable(seedInit([layers[l - 1], layers[l]], layers[l], seed + 2 * l))));
    biases.push(tf.tidy(() => tf.variable(seedInit([layers[l]], layers[l], seed + 2 * l + 1))));
  }
  const hidden = activations.slice(0, -1).map((name) => {
    if (!(name in TF_ACTIVATIONS)) throw new Error(`No TF.js activation for ${name}`);
    return TF_ACTIVATIONS[name as keyof typeof TF_ACTIVATIONS];
  });
  const optimizer = tf.train.momentum(LEARNING_RATE, MOMENTUM);
  const nextBatch = batchSource(data, batchSize, seed);
  const step = () => {
    const { x, y } = nextBatch();
    optimizer.minimize(() => {
      let a: tf.Tensor = x;
      for (let l = 0; l < hidden.length; l++) a = hidden[l](tf.add(tf.matMul(a, weights[l]), biases[l]));
      const logits = tf.add(tf.matMul(a, weights[hidden.length]), biases[hidden.length]);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }, false);
    x.dispose();
    y.dispose();
  };
  return {
    train: (samples) => {
      for (let done = 0; done < samples; done += batchSize) step();
    },
    dispose: () => {
      tf.dispose([...weights, ...biases]);
      optimizer.dispose();
    },
  };
}

/** The idiomatic Layers API: a sequential model and trainOnBatch (which reads the loss back each batch). */
export function tfLayersTrainer(data: Dataset, { layers, activations, batchSize }: TrainingCase, seed = 1): TfTrainer {
  const model = tfl.sequential();
  for (let l = 1; l < layers.length; l++) {
    const limit = 1 / Math.sqrt(layers[l]);
    const init = () => tfl.initializers.randomUniform({ minval: -limit, maxval: limit, seed: seed + l });
    model.add(
      tfl.layers.dense({
        inputShape: l === 1 ? [layers[0]] : undefined,
        units: layers[l],
        activation: activations[l - 1].toLowerCase() as 'sigmoid' | 'softmax' | 'relu' | 'tanh' | 'linear',
        kernelInitializer: init(),
        biasInitializer: init(),
      }),
    );
  }
  model.compile({ optimizer: tf.train.momentum(LEARNING_RATE, MOMENTUM), loss: 'categoricalCrossentropy' });
  const nextBatch = batchSource(data, batchSize, seed);
  return {
    train: async (samples) => {
      for (let done = 0; done < samples; done += batchSize) {
        const { x, y } = nextBatch();
        await model.trainOnBatch(x, y);
        x.dispose();
        y.dispose();
      }
    },
    dispose: () => model.dispose(),
  };
}

export interface TfMatMulResult {
  /** The weights unchanged between calls: the wasm backend reuses its packed copy (inference's case). */
  forwardCached: number;
  /** New weights every call, as in training, where each step replaces them. */
  forwardFresh: number;
  /** What tf.grads of matMul runs: ∂x = ∂z·Wᵀ and ∂W = xᵀ·∂z. */
  backward: number;
  /** forwardFresh and backward together, per 3·B·K·N multiply-adds. */
  forwardBackward: number;
}

/** GFLOP/s of tf.matMul on the current backend for one layer's shapes. */
export function tfMatMulGflops(shape: MatMulShape, plan: Plan, seed = 1): TfMatMulResult {
  const { batch, inputs, outputs } = shape;
  const flops = forwardFlops(shape);
  const x = tf.randomUniform([batch, inputs], -0.5, 0.5, 'float32', seed);
  const dz = tf.randomUniform([batch, outputs], -0.5, 0.5, 'float32', seed + 1);
  const w = tf.tidy(() => tf.variable(tf.randomUniform([inputs, outputs], -0.5, 0.5, 'float32', seed + 2)));
  const nudge = tf.scalar(1e-7);
  const replaceWeights = () => tf.tidy(() => void w.assign(tf.add(w, nudge)));
  const forward = () => tf.matMul(x, w).dispose();
  const backward = () => {
    tf.matMul(dz, w, false, true).dispose();
    tf.matMul(x, dz, true, false).dispose();
  };
  const perCall = (kernel: () => void) => {
    const timing = timeKernel(kernel, flops, plan);
    return median(timing.seconds) / timing.calls;
  };
  // Replacing the weights costs an elementwise add that training would not do: it is timed alone and taken off.
  const replaceSeconds = perCall(replaceWeights);
  const freshSeconds = Math.max(
    perCall(() => {
      replaceWeights();
      forward();
    }) - replaceSeconds,
    Number.EPSILON,
  );
  const backwardSeconds = perCall(backward);
  const result: TfMatMulResult = {
    forwardCached: flops / perCall(forward) / 1e9,
    forwardFresh: flops / freshSeconds / 1e9,
    backward: (2 * flops) / backwardSeconds / 1e9,
    forwardBackward: (3 * flops) / (freshSeconds + backwardSeconds) / 1e9,
  };
  tf.dispose([x, dz, w, nudge]);
  return result;
}

/** Live tensors: a leak check for the loops above. */
export function tfTensorCount(): number {
  return tf.memory().numTensors;
}
