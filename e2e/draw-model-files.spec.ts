import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { SEED_CONFIG, type Config } from '../src/engine/config.ts';
import type { Dense } from '../src/engine/dense.ts';
import { Network } from '../src/engine/network.ts';
import { createRng } from '../src/engine/rng.ts';
import { Trainer } from '../src/engine/train.ts';
import { loadMnistNode } from '../src/cli/node-mnist.ts';
import { serializeModel } from '../src/formats/model-format.ts';
import { clearPad, drawStroke, prediction, verticalLine } from './draw-helpers';
import { openTab } from './helpers';

/** A model trained here in Node by the same engine: the page gets it as a file, with no training at all. */
function trainedNetwork(): { config: Config; network: Network<Dense> } {
  const config: Config = { ...SEED_CONFIG, layers: [784, 64, 10], activations: ['ReLU', 'Softmax'], optimizer: 'adam', learningRate: 0.003, batchSize: 16, epochs: 2, init: 'he', seed: 7, samples: 6000 };
  const rng = createRng(config.seed);
  const network = Network.create(config.layers, config.activations, config.init, rng);
  const trainer = new Trainer(network, config, loadMnistNode('train'), rng);
  for (let epoch = 0; epoch < config.epochs; epoch++) trainer.runEpoch();
  return { config, network };
}

/** The same network as neural-net-rs saves it: rows = outputs, cols = inputs + 1, the bias last. */
function neuralNetRsFile({ config, network }: ReturnType<typeof trainedNetwork>): string {
  const weights = network.toLayerSpecs().map(({ inputs, outputs, weights: w, biases }) => {
    const data: number[] = [];
    for (let o = 0; o < outputs; o++) data.push(...w.subarray(o * inputs, (o + 1) * inputs), biases[o]);
    return { rows: outputs, cols: inputs + 1, data };
  });
  return JSON.stringify({ layers: config.layers, weights, activation_types: config.activations, learning_rate: config.learningRate });
}

/** A model that reads every drawing as a 7: loading it shows whether the pad uses the model just loaded. */
function alwaysSeven(config: Config): string {
  const biases = new Float32Array(10);
  biases[7] = 5;
  const layers = [{ inputs: 784, outputs: 10, activation: 'Softmax' as const, weights: new Float32Array(7840), biases }];
  return serializeModel({ config: { ...config, layers: [784, 10], activations: ['Softmax'] }, layers, metrics: null });
}

const file = (name: string, text: string) => ({ name, mimeType: 'application/json', buffer: Buffer.from(text) });

test('a user loads a model file, is told why a bad one is refused, keeps reading digits, and saves the model', async ({ page }) => {
  const trained = trainedNetwork();
  await page.goto('/');
  await openTab(page, 'Draw a digit');
  await expect(page.getByRole('button', { name: 'Save model' })).toBeDisabled();
  const loadModel = page.getByLabel('Load model');

  await loadModel.setInputFiles(file('ours.json', serializeModel({ config: trained.config, layers: trained.network.toLayerSpecs(), metrics: null })));
  await expect(page.getByText('Loaded ours.json: 784-64-10 ReLU/Softmax.')).toBeVisible();
  await drawStroke(page, verticalLine(140, 50, 230));
  await expect(prediction(page)).toHaveText('1');

  // Valid JSON, wrong model: the first layer's weights are far too few.
  const bad = { format: 'mnist-playground-model', version: 1, config: { layers: [784, 10], activations: ['Softmax'] }, layers: [{ inputs: 784, outputs: 10, activation: 'Softmax', weights: [0.5, 0.25], biases: [] }] };
  await loadModel.setInputFiles(file('bad-model.json', JSON.stringify(bad)));
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('bad-model.json was not loaded');
  await expect(alert).toContainText('The current model is unchanged.');
  await clearPad(page);
  await drawStroke(page, verticalLine(120, 40, 200));
  await expect(prediction(page)).toHaveText('1');

  // "Save model" downloads the current model; the file loads back and reads the same.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Save model' }).click()]);
  const saved = readFileSync(await download.path(), 'utf8');
  expect(JSON.parse(saved)).toMatchObject({ format: 'mnist-playground-model', config: { layers: [784, 64, 10] } });

  await loadModel.setInputFiles(file('seven.json', alwaysSeven(trained.config)));
  await expect(prediction(page)).toHaveText('7');
  await loadModel.setInputFiles(file('neural-net-rs.json', neuralNetRsFile(trained)));
  await expect(page.getByText('Loaded neural-net-rs.json: 784-64-10 ReLU/Softmax.')).toBeVisible();
  await expect(prediction(page)).toHaveText('1');

  await loadModel.setInputFiles(file('seven.json', alwaysSeven(trained.config)));
  await expect(prediction(page)).toHaveText('7');
  await loadModel.setInputFiles(file(download.suggestedFilename(), saved));
  await expect(page.getByText(`Loaded ${download.suggestedFilename()}: 784-64-10 ReLU/Softmax.`)).toBeVisible();
  await expect(prediction(page)).toHaveText('1');
});
