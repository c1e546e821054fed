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
  private outputs = new Float32Array(0);
  private pca: Pca | null = null;
  private batch = new Float32Array(0);
  /** The network whose vectors `take` has been filling, and how many of the first images it has filled. */
  private takenFrom: Network | null = null;
  private taken = 0;

  constructor(
    readonly data: Dataset,
    readonly count = Math.min(EMBEDDING_IMAGES, data.count),
  ) {}

  compute(network: Network): EmbeddingPoints {
    const { data, count } = this;
    if (this.batch.length < EVALUATION_BATCH * data.inputSize) this.batch = new Float32Array(EVALUATION_BATCH * data.inputSize);
    const { batch } = this;
    for (let start = 0; start < count; start += EVALUATION_BATCH) {
      const rows = Math.min(EVALUATION_BATCH, count - start);
      for (let r = 0; r < rows; r++) copyImage(data, start + r, batch, r * data.inputSize);
      network.forwardBatch(batch, rows, 'inference');
      this.take(network, start, rows, batch);
    }
    return this.project(network);
  }

  /**
   * Keeps the vectors and outputs of images `start`… of a batch `network` has just run forward
   * on (an evaluation of this test set in order, whose `input` it was), so that the map of the
   * evaluated model needs no pass of its own: `fromTaken` then projects them. Without `input`,
   * a network without a hidden layer (whose vectors are the pixels) is left to `compute`.
   */
  take(network: Network, start: number, rows: number, input?: Float32Array): void {
    if (start === 0) this.prepare(network);
    if (this.takenFrom !== network || start !== this.taken || start >= this.count) return;
    const { layers } = network;
    const layer = layers.length - 1;
    if (layer === 0 && !input) {
      this.takenFrom = null;
      return;
    }
    const size = this.vectors.length / this.count;
    const outputSize = network.outputSize;
    const kept = Math.min(rows, this.count - start);
    const hidden = layer === 0 ? (input as Float32Array) : layers[layer - 1].output;
    this.vectors.set(hidden.subarray(0, kept * size), start * size);
    this.outputs.set(layers[layer].output.subarray(0, kept * outputSize), start * outputSize);
    this.taken = start + kept;
  }

  /** The map of `network` from what `take` kept of its last evaluation, once that covered every image; null otherwise. Either way the kept vectors are used up. */
  fromTaken(network: Network): EmbeddingPoints | null {
    const complete = this.takenFrom === network && this.taken === this.count;
    this.takenFrom = null;
    return complete ? this.project(network) : null;
  }

  /** Buffers (and a PCA) for `network`'s vectors, kept while their length stays the same. */
  private prepare(network: Network): void {
    const { count } = this;
    const { layers } = network;
    const size = layers.length === 1 ? network.inputSize : shapeSize(layers[layers.length - 2].outputShape);
    if (this.pca?.dims !== size || this.pca.rows !== count) {
      this.pca = new Pca(count, size, 2, createRng(1));
      this.vectors = new Float32Array(count * size);
    }
    this.outputs = new Float32Array(count * network.outputSize);
    this.takenFrom = network;
    this.taken = 0;
  }

  private project(network: Network): EmbeddingPoints {
    const { count, outputs } = this;
    const pca = this.pca as Pca;
    const layer = network.layers.length - 1;
    const result = pca.run(this.vectors);
    const explained: [number, number] = result.total > 0 ? [result.variances[0] / result.total, result.variances[1] / result.total] : [0, 0];
    this.takenFrom = null;
    return { count, points: result.coordinates, outputs, layer, size: pca.dims, explained, iterations: result.iterations };
  }
}
