/**
 * Small, quickly trained networks for the export tests, and their outputs on the 10,000
 * MNIST test images as the playground computes them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Config, SEED_CONFIG } from '../engine/config.ts';
import type { Dataset } from '../engine/dataset.ts';
import type { LayerDescription } from '../engine/layer.ts';
import { copyImage } from '../engine/dataset.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { Trainer } from '../engine/train.ts';
import { loadMnistNode } from '../cli/node-mnist.ts';
import { littleEndianBytes, type ExportModel } from '../export/export-model.ts';

/** The seed's recipe for a network of typed layers on MNIST images, ending in 10 Softmax units. */
function mnistStack(layers: LayerDescription[]): Config {
  return { ...SEED_CONFIG, layers: [784, 10], activations: ['Softmax'], stack: { input: [28, 28, 1], layers } };
}

/** The seed network, a deeper ReLU network trained with dropout, and a small CNN, each for one epoch on a few thousand images. */
export const TEST_CONFIGS: Record<string, Config> = {
  seed: { ...SEED_CONFIG, epochs: 1, samples: 3000 },
  deeperReluDropout: {
    ...SEED_CONFIG,
    layers: [784, 64, 32, 10],
    activations: ['ReLU', 'ReLU', 'Softmax'],
    optimizer: 'adam',
    learningRate: 0.002,
    batchSize: 32,
    dropout: 0.2,
    init: 'he',
    epochs: 1,
    samples: 3000,
  },
  /**
   * 'same' and 'valid' convolutions, several channels, stride 2 with an odd 'same'
   * padding (14 → 7 pads 0 before and 1 after), max and average pooling and flatten. (A dense layer
   * reading a map without a flatten is checked in registry.test.ts.)
   */
  cnn: {
    ...mnistStack([
      { type: 'conv2d', filters: 4, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
      { type: 'maxpool2d', poolSize: 2, stride: 2 },
      { type: 'conv2d', filters: 8, kernelSize: 3, stride: 2, padding: 'same', activation: 'ReLU' },
      { type: 'conv2d', filters: 8, kernelSize: 3, stride: 1, padding: 'valid', activation: 'Tanh' },
      { type: 'avgpool2d', poolSize: 2, stride: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ]),
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 32,
    init: 'he',
    epochs: 1,
    samples: 3000,
  },
  /**
   * Batch normalisation per channel after convolutions and per unit after a dense layer,
   * average and max pooling: its exports normalise with the running statistics training left.
   */
  cnnBatchnorm: {
    ...mnistStack([
      { type: 'conv2d', filters: 4, kernelSize: 5, stride: 1, padding: 'same', activation: 'ReLU' },
      { type: 'batchnorm' },
      { type: 'avgpool2d', poolSize: 2, stride: 2 },
      { type: 'conv2d', filters: 8, kernelSize: 3, stride: 1, padding: 'valid', activation: 'ReLU' },
      { type: 'batchnorm' },
      { type: 'maxpool2d', poolSize: 2, stride: 2 },
      { type: 'flatten' },
      { type: 'dense', units: 32, activation: 'ReLU' },
      { type: 'batchnorm' },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ]),
    optimizer: 'adam',
    learningRate: 0.01,
    batchSize: 32,
    init: 'he',
    epochs: 1,
    samples: 3000,
  },
};

/**
 * An untrained CNN whose dense layer reads the last map with no flatten layer, pooling
 * windows that overlap (3 wide, stride 2; an average pool 2 wide, stride 1) and a 'valid' convolution that leaves the last
 * row out: layout checks that need no training.
 */
export function unflattenedCnn(): ExportModel & { network: Network } {
  const config: Config = {
    ...mnistStack([
      { type: 'conv2d', filters: 3, kernelSize: 5, stride: 3, padding: 'valid', activation: 'LeakyReLU' },
      { type: 'maxpool2d', poolSize: 3, stride: 2 },
      { type: 'avgpool2d', poolSize: 2, stride: 1 },
      { type: 'dense', units: 10, activation: 'Softmax' },
    ]),
    init: 'xavier',
  };
  const network = Network.forConfig(config, createRng(5));
  return { config, layers: network.toLayerSpecs(), network };
}

/** What the agreement tests check: each of TEST_CONFIGS trained, and unflattenedCnn (untrained, so its accuracy is not checked). */
export const AGREEMENT_CASES: { name: string; model: () => ExportModel & { network: Network }; trained: boolean }[] = [
  ...Object.keys(TEST_CONFIGS).map((name) => ({ name, model: () => trainQuick(TEST_CONFIGS[name]), trained: true })),
  { name: 'untrained CNN with no flatten layer', model: unflattenedCnn, trained: false },
];

let train: Dataset | null = null;
let test: Dataset | null = null;

export function mnistTest(): Dataset {
  test ??= loadMnistNode('test');
  return test;
}

export function trainQuick(config: Config): ExportModel & { network: Network } {
  train ??= loadMnistNode('train');
  const rng = createRng(config.seed);
  const network = Network.forConfig(config, rng);
  const trainer = new Trainer(network, config, train, rng);
  for (let epoch = 0; epoch < config.epochs; epoch++) trainer.runEpoch();
  return { config, layers: network.toLayerSpecs(), network };
}

/** The network's outputs on every test image, row after row. */
export function outputsOn(network: Network, data: Dataset): Float32Array {
  const classes = network.outputSize;
  const result = new Float32Array(data.count * classes);
  const batch = 256;
  const inputs = new Float32Array(batch * data.inputSize);
  for (let start = 0; start < data.count; start += batch) {
    const rows = Math.min(batch, data.count - start);
    for (let r = 0; r < rows; r++) copyImage(data, start + r, inputs, r * data.inputSize);
    result.set(network.forwardBatch(inputs, rows, 'inference').subarray(0, rows * classes), start * classes);
  }
  return result;
}

/** Writes the outputs where check_predictions.py reads them; the path. */
export function writeOutputs(folder: string, outputs: Float32Array): string {
  const path = join(folder, 'ours.f32');
  writeFileSync(path, littleEndianBytes(outputs));
  return path;
}

/** check_predictions.py's verdict. */
export interface Agreement {
  images: number;
  sameClass: number;
  maxDifference: number;
  accuracy: number;
}

/** Writes an exporter's files into a folder. */
export function writeExport(folder: string, files: { name: string; bytes: Uint8Array }[]): void {
  for (const file of files) writeFileSync(join(folder, file.name), file.bytes);
}
