/**
 * A map of what the network learned: the vectors its last hidden layer makes of some test
 * images (what the output layer reads), projected onto their two principal axes. Images the
 * network tells apart land apart; a class that spreads or overlaps another shows where it is unsure.
 */
import { copyImage, type Dataset } from './dataset.ts';
import { shapeSize } from './layer.ts';
import { EVALUATION_BATCH, type Network } from './network.ts';
import { Pca } from './pca.ts';
import { createRng } from './rng.ts';

/** How many test images the map shows: the first ones of the test set (MNIST's first 2,000 hold about 200 of each digit). */
export const EMBEDDING_IMAGES = 2000;

export interface EmbeddingPoints {
  count: number;
  /** count × 2: each image's coordinates along the first and second principal axes. */
  points: Float32Array;
  /** count × outputs: the network's outputs for each image. */
  outputs: Float32Array;
  /** Which vectors were projected: the outputs of layer `layer` (from 1), or 0 for the pixels of a network without a hidden layer. */
  layer: number;
  /** Their length. */
  size: number;
  /** The share of the vectors' variance along each axis. */
  explained: [number, number];
  /** Iterations the PCA took. */
  iterations: number;
}

/**
 * Computes maps for one test set, again and again (each epoch), reusing its buffers and the
 * last map's axes while the network's shape stays the same.
 */
export class EmbeddingMap {
  private vectors = new Float32Array(0);
  private pca: Pca | null = null;
  private batch = new Float32Array(0);

  constructor(
    readonly data: Dataset,
    readonly count = Math.min(EMBEDDING_IMAGES, data.count),
  ) {}

  compute(network: Network): EmbeddingPoints {
    const { data, count } = this;
    const { layers } = network;
    const layer = layers.length - 1;
    const size = layer === 0 ? network.inputSize : shapeSize(layers[layer - 1].outputShape);
    const outputSize = network.outputSize;
    if (this.pca?.dims !== size || this.pca.rows !== count) {
      this.pca = new Pca(count, size, 2, createRng(1));
      this.vectors = new Float32Array(count * size);
    }
    if (this.batch.length < EVALUATION_BATCH * data.inputSize) this.batch = new Float32Array(EVALUATION_BATCH * data.inputSize);
    const outputs = new Float32Array(count * outputSize);
    const { batch, vectors } = this;
    for (let start = 0; start < count; start += EVALUATION_BATCH) {
      const rows = Math.min(EVALUATION_BATCH, count - start);
      for (let r = 0; r < rows; r++) copyImage(data, start + r, batch, r * data.inputSize);
      const top = network.forwardBatch(batch, rows, 'inference');
      outputs.set(top.subarray(0, rows * outputSize), start * outputSize);
      const hidden = layer === 0 ? batch : layers[layer - 1].output;
      vectors.set(hidden.subarray(0, rows * size), start * size);
    }
    const result = this.pca.run(vectors);
    const explained: [number, number] = result.total > 0 ? [result.variances[0] / result.total, result.variances[1] / result.total] : [0, 0];
    return { count, points: result.coordinates, outputs, layer, size, explained, iterations: result.iterations };
  }
}
