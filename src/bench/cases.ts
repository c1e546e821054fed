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
