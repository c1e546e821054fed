import type { Activation } from '../engine/config.ts';

/** One training configuration timed on every implementation. */
export interface TrainingCase {
  layers: number[];
  activations: Activation[];
  batchSize: number;
}

/** Shared by every implementation: the seed's optimiser settings. */
export const LEARNING_RATE = 0.01;
export const MOMENTUM = 0.9;

const SEED_NET = { layers: [784, 200, 10], activations: ['Sigmoid', 'Softmax'] as Activation[] };
const DEEP_NET = { layers: [784, 512, 256, 10], activations: ['Sigmoid', 'Sigmoid', 'Softmax'] as Activation[] };

/** The best MLP preset's network (src/presets/best.json), without its dropout and augmentation. */
const WIDE_NET = { layers: [784, 800, 10], activations: ['ReLU', 'Softmax'] as Activation[] };

export const TRAINING_CASES: TrainingCase[] = [
  ...[SEED_NET, DEEP_NET].flatMap((net) => [1, 32, 128].map((batchSize) => ({ ...net, batchSize }))),
  { ...WIDE_NET, batchSize: 32 },
];

/** A dense layer's product: a batch of B rows of K inputs times a K×N weight matrix. */
export interface MatMulShape {
  batch: number;
  inputs: number;
  outputs: number;
}

/** The hidden-to-hidden and hidden-to-output layers of the networks above, at batch 32 and 128. */
export const MATMUL_SHAPES: MatMulShape[] = [
  { batch: 32, inputs: 512, outputs: 256 },
  { batch: 128, inputs: 512, outputs: 256 },
  { batch: 32, inputs: 256, outputs: 10 },
  { batch: 32, inputs: 200, outputs: 10 },
  { batch: 1, inputs: 512, outputs: 256 },
];

/** Multiply-adds count twice: forward is B·K·N of them, backward twice that (∂W and ∂x). */
export function forwardFlops({ batch, inputs, outputs }: MatMulShape): number {
  return 2 * batch * inputs * outputs;
}

/** What --case names a case by: network/batch, e.g. 784-200-10/32. */
export function caseKey({ layers, batchSize }: TrainingCase): string {
  return `${layers.join('-')}/${batchSize}`;
}

export function caseName({ layers, batchSize }: TrainingCase): string {
  return `${layers.join('-')} batch ${batchSize}`;
}

export function shapeName({ batch, inputs, outputs }: MatMulShape): string {
  return `${batch}×${inputs} · ${inputs}×${outputs}`;
}

/** A convolutional network timed on ours and TF.js: a preset's network, optimizer, learning rate and batch. */
export interface ConvCase {
  name: string;
  /** The preset file, from the repository's root. */
  preset: string;
}

export const CONV_CASES: ConvCase[] = [
  { name: 'ConvNetJS', preset: 'src/presets/convnetjs.json' },
  { name: 'CNN (fast)', preset: 'src/presets/cnn-fast.json' },
];

/** The convolution whose kernels are timed alone: the ConvNetJS network's second, at its batch. */
export const CONV_KERNEL_SHAPE = { inputShape: [14, 14, 8] as const, filters: 16, kernelSize: 5, stride: 1, padding: 'same' as const, batch: 16 };

/** Forward 2 flops per multiply-add, backward twice that (∂W and ∂x), over every output position. */
export function convForwardFlops({ inputShape, filters, kernelSize, batch }: typeof CONV_KERNEL_SHAPE): number {
  const [height, width, channels] = inputShape;
  return 2 * batch * height * width * filters * kernelSize * kernelSize * channels;
}
