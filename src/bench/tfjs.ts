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
import type { Config } from '../engine/config.ts';
import { copyImage, type Dataset } from '../engine/dataset.ts';
import { BATCHNORM_EPSILON } from '../engine/batchnorm.ts';
import { shapeSize } from '../engine/layer.ts';
import { kindOf } from '../engine/layer-kinds.ts';
import { createRng, shuffle } from '../engine/rng.ts';
import { CONV_KERNEL_SHAPE, LEARNING_RATE, MOMENTUM, convForwardFlops, forwardFlops, type MatMulShape, type TrainingCase } from './cases.ts';
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

/**
 * tfjs-backend-wasm 4.22 registers Conv2D and Conv2DBackpropInput but no
 * Conv2DBackpropFilter, so tf.conv2d cannot be trained there as it is. This conv2d
 * has tf.conv2d's forward pass (XNNPACK) and input gradient, and takes the filter
 * gradient from the backend's Conv3DBackpropFilterV2 on a depth-1 volume, which is
 * the same sum. Stride 1 only: at stride 2 that kernel's result differed from
 * tf.conv2d's filter gradient on the cpu backend when we checked, so it is refused.
 */
export function trainableConv2d(stride: number, padding: 'same' | 'valid') {
  if (stride !== 1) throw new Error(`The TF.js-wasm convolution benchmark takes stride 1 only, got ${stride}`);
  return tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [x, w, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
    save([x, w]);
    return {
      value: tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, stride, padding),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [input, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
        const dx = tf.conv2dTranspose(dy as tf.Tensor4D, filter, input.shape, stride, padding);
        const [k, , channels, filters] = filter.shape;
        const dw = tf.engine().runKernel(
          'Conv3DBackpropFilterV2',
          { x: tf.expandDims(input, 1), dy: tf.expandDims(dy, 1) },
          { strides: [1, stride, stride], pad: padding, filterShape: [1, k, k, channels, filters] },
        ) as tf.Tensor;
        return [dx, tf.reshape(dw, filter.shape)];
      },
    };
  });
}

const TF_STACK_ACTIVATIONS = { ...TF_ACTIVATIONS, Linear: (x: tf.Tensor) => x } as const;

/**
 * A config's typed network in TF.js core ops, trained with the config's optimizer, learning
 * rate and batch as tfCoreTrainer trains a dense one. He-normal weights and zero biases, as
 * our 'he' init draws them. Shapes follow our layer kinds' own; every pooling kind is
 * tf.pool with what its windows keep; a kind with no step here is refused by name.
 */
export function tfStackTrainer(data: Dataset, config: Config): TfTrainer {
  const stack = config.stack;
  if (!stack) throw new Error('tfStackTrainer trains typed networks only');
  const variables: tf.Variable[] = [];
  const he = (shape: number[], fanIn: number) => tf.tidy(() => tf.variable(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', config.seed + variables.length), Math.sqrt(2 / fanIn))));
  const zeros = (size: number) => tf.variable(tf.zeros([size]));
  let shape = stack.input;
  const steps: ((a: tf.Tensor) => tf.Tensor)[] = [];
  stack.layers.forEach((layer, l) => {
    const last = l === stack.layers.length - 1;
    const kind = kindOf(layer.type);
    const [, , channels] = shape;
    if (kind.pool && 'poolSize' in layer) {
      const { poolSize, stride } = layer;
      const keeps = kind.pool.keeps === 'max' ? 'max' : 'avg';
      steps.push((a) => tf.pool(a as tf.Tensor4D, poolSize, keeps, 'valid', 1, stride));
    } else if (layer.type === 'conv2d') {
      const { filters, kernelSize: k, stride, padding } = layer;
      const w = he([k, k, channels, filters], k * k * channels);
      const b = zeros(filters);
      variables.push(w, b);
      const conv = trainableConv2d(stride, padding);
      const act = TF_STACK_ACTIVATIONS[layer.activation as keyof typeof TF_STACK_ACTIVATIONS];
      if (!act) throw new Error(`No TF.js activation for ${layer.activation}`);
      steps.push((a) => act(tf.add(conv(a, w), b)));
    } else if (layer.type === 'dense') {
      const inputs = shapeSize(shape);
      const w = he([inputs, layer.units], inputs);
      const b = zeros(layer.units);
      variables.push(w, b);
      const act = last ? (x: tf.Tensor) => x : TF_STACK_ACTIVATIONS[layer.activation as keyof typeof TF_STACK_ACTIVATIONS];
      if (!act) throw new Error(`No TF.js activation for ${layer.activation}`);
      steps.push((a) => act(tf.add(tf.matMul(tf.reshape(a, [a.shape[0], inputs]), w), b)));
    } else if (layer.type === 'batchnorm') {
      // Training mode: the batch's statistics over every axis but the channels (running ones are not timed).
      const gamma = tf.variable(tf.ones([channels]));
      const beta = zeros(channels);
      variables.push(gamma, beta);
      steps.push((a) => {
        const { mean, variance } = tf.moments(a, a.rank === 2 ? [0] : [0, 1, 2]);
        return tf.batchNorm(a, mean, variance, beta, gamma, BATCHNORM_EPSILON);
      });
    } else if (layer.type !== 'flatten') {
      // A flatten costs nothing: the dense layer after it reshapes.
      throw new Error(`The TF.js bench has no ${layer.type} layer`);
    }
    shape = kind.outputShape(shape, layer);
  });
  const optimizer =
    config.optimizer === 'adam'
      ? tf.train.adam(config.learningRate)
      : config.optimizer === 'momentum'
        ? tf.train.momentum(config.learningRate, config.momentum)
        : tf.train.sgd(config.learningRate);
  const nextBatch = batchSource(data, config.batchSize, config.seed);
  const [inHeight, inWidth, inChannels] = stack.input;
  const step = () => {
    const { x, y } = nextBatch();
    optimizer.minimize(() => {
      let a: tf.Tensor = tf.reshape(x, [config.batchSize, inHeight, inWidth, inChannels]);
      for (const run of steps) a = run(a);
      return tf.losses.softmaxCrossEntropy(y, a) as tf.Scalar;
    }, false);
    x.dispose();
    y.dispose();
  };
  return {
    train: (samples) => {
      for (let done = 0; done < samples; done += config.batchSize) step();
    },
    dispose: () => {
      tf.dispose(variables);
      optimizer.dispose();
    },
  };
}

/** GFLOP/s of TF.js's convolution, forward and backward (∂x and ∂W, as trainableConv2d takes them), on the bench's kernel shape. */
export function tfConvGflops(plan: Plan, seed = 1): number {
  const { inputShape, filters, kernelSize: k, stride, padding, batch } = CONV_KERNEL_SHAPE;
  const [height, width, channels] = inputShape;
  const x = tf.randomUniform([batch, height, width, channels], -0.5, 0.5, 'float32', seed);
  const w = tf.randomUniform([k, k, channels, filters], -0.5, 0.5, 'float32', seed + 1);
  const conv = trainableConv2d(stride, padding);
  const dy = tf.randomUniform([batch, height, width, filters], -0.5, 0.5, 'float32', seed + 2);
  const grads = tf.grads((input: tf.Tensor, filter: tf.Tensor) => tf.sum(tf.mul(conv(input, filter), dy)));
  const flops = 3 * convForwardFlops(CONV_KERNEL_SHAPE);
  // The sum and multiply by dy are elementwise, a rounding error beside the convolutions.
  const timing = timeKernel(() => tf.dispose(grads([x, w])), flops, plan);
  tf.dispose([x, w, dy]);
  return timing.gflops;
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
