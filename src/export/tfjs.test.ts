import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { ACTIVATIONS, SEED_CONFIG } from '../engine/config.ts';
import { Network } from '../engine/network.ts';
import { createRng } from '../engine/rng.ts';
import { AGREEMENT_CASES, mnistTest, outputsOn } from '../testing/export-models.ts';
import type { ExportModel } from './export-model.ts';
import { exportTfjs } from './tfjs.ts';

/** Loads our export with tf.loadLayersModel through an IOHandler that hands over the files' contents. */
async function load(model: ExportModel): Promise<tfl.LayersModel> {
  const [json, bin] = exportTfjs(model);
  const parsed = JSON.parse(new TextDecoder().decode(json.bytes));
  const weightData = new Uint8Array(bin.bytes).buffer;
  return tfl.loadLayersModel({
    load: async () => ({ modelTopology: parsed.modelTopology, weightSpecs: parsed.weightsManifest[0].weights, weightData, format: parsed.format }),
  });
}

function predictAll(model: tfl.LayersModel, images: Float32Array, count: number): Float32Array {
  const result = new Float32Array(count * 10);
  for (let start = 0; start < count; start += 1000) {
    const rows = Math.min(1000, count - start);
    const output = tf.tidy(() => (model.predict(tf.tensor2d(images.subarray(start * 784, (start + rows) * 784), [rows, 784])) as tf.Tensor).dataSync());
    result.set(output, start * 10);
  }
  return result;
}

describe('TF.js Layers export, loaded with tf.loadLayersModel', () => {
  const test = mnistTest();
  const pixels = Float32Array.from(test.images, (v) => v / 255);

  it.each(AGREEMENT_CASES)('$name predicts as the playground does on the 10,000 test images', async ({ name, model: build, trained }) => {
    const model = build();
    const theirs = predictAll(await load(model), pixels, test.count);
    const ours = outputsOn(model.network, test);
    let same = 0;
    let correct = 0;
    let maxDifference = 0;
    for (let r = 0; r < test.count; r++) {
      const row = (v: Float32Array) => v.subarray(r * 10, r * 10 + 10);
      const argmax = (v: Float32Array) => v.indexOf(Math.max(...v));
      if (argmax(row(ours)) === argmax(row(theirs))) same++;
      if (argmax(row(theirs)) === test.labels[r]) correct++;
      for (let k = r * 10; k < r * 10 + 10; k++) maxDifference = Math.max(maxDifference, Math.abs(ours[k] - theirs[k]));
    }
    console.log(`TF.js ${name}: same class on ${same}/${test.count}, largest difference ${maxDifference}`);
    expect(same / test.count).toBeGreaterThanOrEqual(0.999);
    expect(maxDifference).toBeLessThanOrEqual(1e-4);
    // A model that learned something: an export of noise could agree trivially.
    if (trained) expect(correct / test.count).toBeGreaterThan(0.8);
  });

  it.each(ACTIVATIONS)('a hidden %s layer exports to a layer TF.js computes as we do', async (activation) => {
    const config = { ...SEED_CONFIG, layers: [784, 12, 10], activations: [activation, 'Softmax' as const] };
    const network = Network.create(config.layers, config.activations, 'xavier', createRng(9));
    const loaded = await load({ config, layers: network.toLayerSpecs() });
    const some = pixels.subarray(0, 50 * 784);
    const theirs = predictAll(loaded, some, 50);
    const ours = outputsOn(network, { ...test, images: test.images.subarray(0, 50 * 784), labels: test.labels.subarray(0, 50), count: 50 });
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i] - theirs[i])).toBeLessThanOrEqual(1e-5);
  });
});
