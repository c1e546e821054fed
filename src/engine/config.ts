/**
 * The one description of a network and how to train it, as the engine sees it.
 * External formats (the seed's config.json, neural-net-rs's, our own) are parsed
 * and validated into this shape in `src/formats/`; the engine trusts it.
 */
import type { LayerDescription, Shape } from './layer.ts';

export const ACTIVATIONS = ['Sigmoid', 'ReLU', 'LeakyReLU', 'Tanh', 'Linear', 'Softmax'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

/** 'sgd' is plain gradient descent; 'momentum' is SGD with (heavy-ball) momentum; 'adam' is Adam. */
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export type Optimizer = (typeof OPTIMIZERS)[number];

/**
 * Weight initialisation. 'uniform' is the seed program's: U(−1/√fanOut, +1/√fanOut);
 * 'xavier' is Glorot uniform, U(±√(6/(fanIn+fanOut))); 'he' is N(0, 2/fanIn).
 */
export const INITS = ['uniform', 'xavier', 'he'] as const;
export type Init = (typeof INITS)[number];

export type Loss = 'cross-entropy' | 'mse';

/** A network of typed layers (convolution, pooling, flatten, dense) taking inputs of one shape. */
export interface LayerStack {
  input: Shape;
  /** The layers after the input, in order; a dense layer after a spatial one reads its map flattened. */
  layers: LayerDescription[];
}

/** Random changes to each training image, drawn afresh every time it is used. */
export interface Augmentation {
  /** Largest shift in pixels, along each axis. */
  shift: number;
  /** Largest rotation in degrees, either way. */
  rotate: number;
}

/** What `"augment": true` means: small moves a hand-written digit could make. */
export const DEFAULT_AUGMENTATION: Augmentation = { shift: 2, rotate: 10 };

export interface Config {
  /**
   * Layer sizes including input and output, e.g. [784, 200, 10]. With a `stack`, only
   * the input and output sizes, so code that needs no more can ignore the stack.
   */
  layers: number[];
  /** One activation per weight layer: activations[i] is applied to the output of layer i+1. With a `stack`, the output's only. */
  activations: Activation[];
  /**
   * The network as typed layers, when it has any that are not dense; absent for a stack of
   * dense layers, which `layers` and `activations` describe (and which keep the dense path's tricks).
   */
  stack?: LayerStack;
  optimizer: Optimizer;
  learningRate: number;
  /**
   * The rate falls smoothly by this factor over each epoch: a batch that starts after a fraction f
   * of the run's epochs trains at learningRate·learningRateDecay^f. 1 keeps the rate constant.
   */
  learningRateDecay: number;
  /** Momentum coefficient, used by the 'momentum' optimizer. */
  momentum: number;
  /** Adam's decay rates β1 and β2 of its running mean of the gradient and of its square ('adam' only). */
  adamBeta1: number;
  adamBeta2: number;
  /** Samples per gradient step; 1 is the seed's per-sample training. */
  batchSize: number;
  epochs: number;
  /** L2 weight decay coefficient λ: the loss gains λ/2·Σw² (biases excluded). */
  l2: number;
  /** Probability of dropping each hidden unit during training (inverted dropout). */
  dropout: number;
  init: Init;
  /** Seed of every random choice: initial weights, shuffling, dropout. */
  seed: number;
  /** Train on the first N training images (of those not held out for validation). */
  samples: number;
  /** The last N training images, held out and evaluated after every epoch; 0 = no validation split. */
  validation: number;
  /** Stop after this many epochs without a better validation accuracy, keeping the best epoch's model; 0 = never. */
  patience: number;
  /** Random shifts and rotations of the training images; null = none. */
  augment: Augmentation | null;
}

export const MNIST_INPUTS = 784;
export const MNIST_CLASSES = 10;
export const MNIST_TRAIN_SIZE = 60_000;

/** The seed post's program: 784-200-10 Sigmoid/Softmax, lr 0.01, momentum 0.9, one sample at a time. */
export const SEED_CONFIG: Config = {
  layers: [784, 200, 10],
  activations: ['Sigmoid', 'Softmax'],
  optimizer: 'momentum',
  learningRate: 0.01,
  learningRateDecay: 1,
  momentum: 0.9,
  adamBeta1: 0.9,
  adamBeta2: 0.999,
  batchSize: 1,
  epochs: 30,
  l2: 0,
  dropout: 0,
  init: 'uniform',
  seed: 1,
  samples: MNIST_TRAIN_SIZE,
  validation: 0,
  patience: 0,
  augment: null,
};

/**
 * Why training `config` keeps each batch whole in one worker, or null when it can split each
 * batch in two shards (shards.ts). Per-sample batches have nothing to split; dropout draws from
 * the run's one generator as it goes.
 */
export function oneWorkerReason(config: Pick<Config, 'stack' | 'dropout' | 'batchSize'>): string | null {
  if (config.batchSize < 2) return 'batches of one sample cannot be split';
  if (config.dropout > 0) return 'dropout draws its masks in order from one generator';
  return null;
}

/** Whether training `config` can split each batch in two shards (see oneWorkerReason). */
export function canShard(config: Pick<Config, 'stack' | 'dropout' | 'batchSize'>): boolean {
  return oneWorkerReason(config) === null;
}

/** Softmax outputs are trained with cross-entropy (output gradient = output − target); anything else with MSE. */
export function lossFor(activations: readonly Activation[]): Loss {
  return activations[activations.length - 1] === 'Softmax' ? 'cross-entropy' : 'mse';
}
